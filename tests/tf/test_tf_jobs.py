"""run_job end to end: a job's kernel over its combinations, then its experiment's tidy rows."""

from pathlib import Path

import numpy as np
import pytest


def test_every_experiment_has_its_kernel(tf):
    from initstab.experiments import EXPERIMENTS
    from initstab.tf.jobs import kernel_of

    for name, experiment in EXPERIMENTS.items():
        kernel = kernel_of(name)
        assert callable(kernel) and kernel.__name__ == experiment.kernel_module
    assert kernel_of("precision") is kernel_of("gradient_flow")


def test_forward_linear_unit_gaussian_overflows_float32_near_layer_38(tf, make_job):
    """std grows by √width = 10 per layer; float32's max 3.4e38 is passed after ~38 layers (seed 001: i = 37)."""
    from initstab.tf.jobs import run_job

    job = make_job("forward", "linear", [("normal", 1.0)], width=100, depth=50, seeds=64, dtype="float32")
    table = run_job(job)
    first_nan = table[table["metric"] == "first_nan_mean_layer"]["value"]
    assert 36 <= first_nan.median() <= 41
    stds = table[(table["metric"] == "act_std") & (table["layer"] == 20)]["value"]
    assert np.log10(stds).median() == pytest.approx(20, abs=0.5)
    # values overflow to inf and are kept, flagged, not dropped
    last = table[(table["metric"] == "act_std") & (table["layer"] == 50)]
    assert len(last) == 64 and not last["finite"].any()


def test_narrow_dtypes_give_up_first(tf, make_job):
    """ReLU with N(0, 3²) weights at width 8 (×~6 per layer): float16 (max 65504) overflows within a few layers,
    float32 and float64 do not within 12."""
    from initstab.tf.jobs import run_job

    def events(dtype):
        job = make_job("precision", "relu", [("normal", 3.0)], width=8, depth=12, seeds=8, dtype=dtype)
        table = run_job(job)
        return table[table["metric"] == "first_overflow_layer"]["value"].to_numpy()

    assert np.all(events("float16") <= 8)
    assert np.all(np.isinf(events("float32"))) and np.all(np.isinf(events("float64")))


def test_run_job_chunks_and_reruns_identically(tf, make_job, monkeypatch):
    """In calls of two seeds or one call, and run twice: the same rows, bit for bit; progress counts combinations."""
    import pandas as pd

    from initstab import combinations
    from initstab.tf.jobs import run_job

    job = make_job(
        "gradient_flow",
        "tanh",
        [("normal", 0.9), ("lsuv", 1.0, 0.1), ("critical", 1.0)],
        width=8,
        depth=5,
        seeds=4,
        dtype="float32",
        repeats=2,
    )
    stacked = run_job(job)
    calls = []
    monkeypatch.setattr(combinations, "CALL_BYTES", 1)  # call_seeds → repeats = 2
    chunked = run_job(job, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 3)]
    pd.testing.assert_frame_equal(stacked, chunked)
    pd.testing.assert_frame_equal(chunked, run_job(job))


def test_every_job_of_the_tiny_config_runs_in_process(tf):
    """The combination table's jobs, as the workflow runs them: schema-valid rows for every combination."""
    import yaml

    from initstab import tidy
    from initstab.combinations import combination_table
    from initstab.tf.jobs import run_job

    config = yaml.safe_load((Path(__file__).parents[1] / "data" / "tiny_config.yaml").read_text())
    table = combination_table(config)
    assert {experiment for experiment, _ in table} == set(config["experiments"])
    for (experiment, name), job in table.items():
        rows = run_job(job)
        tidy.validate(rows)
        assert set(rows["experiment"]) == {experiment}, name
        ran = set(zip(rows["activation"], rows["init"], rows["scale"], rows["bias_variance"]))
        assert ran == {(c.activation, c.init, c.scale, c.bias_variance) for c in job.combinations}, name
