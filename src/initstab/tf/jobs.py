"""Run one job: its experiment's kernel over the stacked combinations, then the experiment's tidy rows.

Every combination runs in one kernel call, so that each base draw serves all of them (the kernel runs the seeds in
calls of as many as fit ``combinations.CALL_BYTES``, ``initstab.tf.stack.Stack.run``); experiments with a
data-dependent loop length run one combination at a time, so a fast combination never waits for the slowest one's
steps. No XLA: it is 2–10× slower on CPU (benchmarks/).
"""

import importlib
from collections.abc import Callable

import pandas as pd
import tensorflow as tf

from initstab import tidy
from initstab.experiments import EXPERIMENTS
from initstab.spec import Job


def kernel_of(experiment: str) -> Callable:
    """The kernel function of an experiment: ``initstab.tf.<kernel>.<kernel>``."""
    name = EXPERIMENTS[experiment].kernel_module
    return getattr(importlib.import_module(f"initstab.tf.{name}"), name)


def run_job(job: Job, device: str = "/CPU:0", progress=None) -> pd.DataFrame:
    """Every combination of ``job`` on ``device`` as tidy rows; ``progress(done, total)`` (combinations) after each
    kernel call."""
    experiment = EXPERIMENTS[job.experiment]
    kernel = kernel_of(job.experiment)
    combinations = job.combinations
    parts = [[c] for c in combinations] if experiment.one_at_a_time else [list(combinations)]
    name = device.strip("/")
    frames: list[pd.DataFrame] = []
    done = 0
    with tf.device(device):
        for part in parts:
            metrics = kernel(job, part)
            for i, combination in enumerate(part):
                frames += experiment.rows(job, combination, {m: values[i] for m, values in metrics.items()}, name)
            done += len(part)
            if progress:
                progress(done, len(combinations))
    return tidy.assemble(frames)
