"""Run one job: its experiment's kernel over the stacked combinations, then the experiment's tidy rows.

Combinations run stacked along the leading tensor dimension, in chunks whose weight batch stays under
``combinations.BATCH_BYTES``; experiments with a data-dependent loop length run one combination at a time, so a
fast combination never waits for the slowest one's steps. No XLA: it is 2–10× slower on CPU (benchmarks/).
"""

import importlib
from collections.abc import Callable

import pandas as pd
import tensorflow as tf

from initstab import tidy
from initstab.combinations import chunk_size
from initstab.experiments import EXPERIMENTS
from initstab.spec import Job


def kernel_of(experiment: str) -> Callable:
    """The kernel function of an experiment: ``initstab.tf.<kernel>.<kernel>``."""
    name = EXPERIMENTS[experiment].kernel_module
    return getattr(importlib.import_module(f"initstab.tf.{name}"), name)


def run_job(job: Job, device: str = "/CPU:0", progress=None) -> pd.DataFrame:
    """Every combination of ``job`` on ``device`` as tidy rows; ``progress(done, total)`` after each chunk."""
    experiment = EXPERIMENTS[job.experiment]
    kernel = kernel_of(job.experiment)
    size = 1 if experiment.one_at_a_time else chunk_size(job)
    combinations = job.combinations
    name = device.strip("/")
    frames: list[pd.DataFrame] = []
    with tf.device(device):
        for start in range(0, len(combinations), size):
            chunk = combinations[start : start + size]
            metrics = kernel(job, chunk)
            for i, combination in enumerate(chunk):
                frames += experiment.rows(job, combination, {m: values[i] for m, values in metrics.items()}, name)
            if progress:
                progress(start + len(chunk), len(combinations))
    return tidy.assemble(frames)
