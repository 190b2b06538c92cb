"""The repeated_matrix kernel (seed 003) against a numpy float32 transcription and the dtypes' thresholds."""

import math

import numpy as np
import pytest


def job_of(make_job, activation, init, scale, width, cap, seeds, dtype, seed):
    return make_job(
        "repeated_matrix",
        activation,
        [(init, scale)],
        width=width,
        depth=cap,
        seeds=seeds,
        dtype=dtype,
        global_seed=seed,
    )


def repeated_matrix(make_job, *args, **kwargs):
    """(seeds,) arrays of one combination; ``cap`` is the job's depth."""
    from initstab.tf.repeated_matrix import repeated_matrix

    job = job_of(make_job, *args, **kwargs)
    return {name: values[0] for name, values in repeated_matrix(job, job.combinations).items()}


def test_repeated_matrix_matches_numpy_float32_with_subnormals(tf, make_job, drawn_weights):
    """numpy's float32 matmul keeps subnormals like torch; torch's CPU std accumulates in double, so the loop
    'until std == 0 or NaN' of seed 003, transcribed with a float64 std, gives the kernel's step counts."""
    seeds, width, cap = 12, 5, 500
    args = ("linear", "uniform", 0.2, width, cap, seeds, "float32", 6)
    out = repeated_matrix(make_job, *args)
    job = job_of(make_job, *args)
    m_all = drawn_weights(job, job.combinations[0], 0)
    for s in range(seeds):
        m = result = m_all[s]
        expected = np.inf
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(cap):
                result = m @ result
                std = result.astype(np.float64).std()
                if std == 0 or np.isnan(std):
                    expected = i
                    break
        assert abs(out["steps_until_degenerate"][s] - expected) <= 1
        assert out["steps_until_degenerate_ftz"][s] <= out["steps_until_degenerate"][s]


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_repeated_matrix_matches_the_notebook_loops(tf, make_job, drawn_weights, activation):
    """Seed 003's own loops (numpy float32 for torch, float32 std with Bessel's correction) on the same matrices:
    the same step, up to one (a std that rounds to 0 in float32 one step before every entry does)."""
    from oracles.naive import mult_and_relu_003, multiplications_until_matrix_vanishes_003

    seeds, width, cap = 12, 5, 500
    oracle = {"linear": multiplications_until_matrix_vanishes_003, "relu": mult_and_relu_003}[activation]
    args = (activation, "uniform", 0.2, width, cap, seeds, "float32", 6)
    out = repeated_matrix(make_job, *args)
    job = job_of(make_job, *args)
    m_all = drawn_weights(job, job.combinations[0], 0)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.array([oracle(m_all[s], cap) for s in range(seeds)], dtype=float)
    expected[expected == -1] = np.inf  # the linear loop returns -1 for 'not within the cap'
    assert np.all(np.isfinite(expected))
    np.testing.assert_array_less(np.abs(out["steps_until_degenerate"] - expected), 1.5)


def test_repeated_matrix_relu_overflow_and_never(tf, make_job):
    """Growing M overflows (NaN std) at a finite step; a cap too short for it reads 'never' (inf)."""
    grow = repeated_matrix(make_job, "linear", "normal", 1.0, 8, 400, 4, "float32", seed=1)
    assert np.all(np.isfinite(grow["steps_until_degenerate"]))
    capped = repeated_matrix(make_job, "linear", "normal", 1.0, 8, 10, 4, "float32", seed=1)
    assert np.all(np.isinf(capped["steps_until_degenerate"]))


@pytest.mark.parametrize(("dtype", "smallest_normal"), [("bfloat16", -126), ("float64", -1022)])
def test_repeated_matrix_thresholds_follow_the_dtype(tf, make_job, dtype, smallest_normal):
    """U(±0.01) at width 32 decays ~2^-3.9 per step: the flush-to-zero count ≈ (−log2 max|M| − 126…)/3.9."""
    out = repeated_matrix(make_job, "linear", "uniform", 0.01, 32, 2000, 4, dtype, seed=2)
    ieee, ftz = out["steps_until_degenerate"], out["steps_until_degenerate_ftz"]
    assert np.all(np.isfinite(ftz)) and np.all(ftz <= ieee)
    decay = math.log2(0.01 / math.sqrt(3) * math.sqrt(32))  # log2 of the circular-law spectral radius
    assert np.median(ftz) == pytest.approx((smallest_normal - math.log2(0.01)) / decay, rel=0.2)


def test_repeated_matrix_runs_in_float16(tf, make_job):
    out = repeated_matrix(make_job, "relu", "uniform", 0.2, 8, 100, 4, "float16", seed=2)
    assert np.all(out["steps_until_degenerate_ftz"] <= out["steps_until_degenerate"])
