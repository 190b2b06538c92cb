"""The repeated_matrix kernel (seed 003) against a numpy float32 transcription and the dtypes' thresholds."""

import math

import numpy as np
import pytest


def repeated_matrix(one_combination, *args, **kwargs):
    """(job, {metric: (seeds,)}) of one combination; its depth is the cap on steps."""
    return one_combination("repeated_matrix", *args, **kwargs)


def test_repeated_matrix_matches_numpy_float32_with_subnormals(tf, one_combination, drawn_weights):
    """numpy's float32 matmul keeps subnormals like torch; torch's CPU std accumulates in double, so the loop
    'until std == 0 or NaN' of seed 003, transcribed with a float64 std, gives the kernel's step counts."""
    seeds, width, cap = 12, 5, 500
    args = ("linear", "uniform", 0.2, width, cap, seeds, "float32", 6)
    job, out = repeated_matrix(one_combination, *args)
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
def test_repeated_matrix_matches_the_notebook_loops(tf, one_combination, drawn_weights, activation):
    """Seed 003's own loops (numpy float32 for torch, float32 std with Bessel's correction) on the same matrices:
    the same step, up to one (a std that rounds to 0 in float32 one step before every entry does)."""
    from oracles.naive import mult_and_relu_003, multiplications_until_matrix_vanishes_003

    seeds, width, cap = 12, 5, 500
    oracle = {"linear": multiplications_until_matrix_vanishes_003, "relu": mult_and_relu_003}[activation]
    args = (activation, "uniform", 0.2, width, cap, seeds, "float32", 6)
    job, out = repeated_matrix(one_combination, *args)
    m_all = drawn_weights(job, job.combinations[0], 0)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.array([oracle(m_all[s], cap) for s in range(seeds)], dtype=float)
    expected[expected == -1] = np.inf  # the linear loop returns -1 for 'not within the cap'
    assert np.all(np.isfinite(expected))
    np.testing.assert_array_less(np.abs(out["steps_until_degenerate"] - expected), 1.5)


def test_repeated_matrix_relu_overflow_and_never(tf, one_combination):
    """Growing M overflows (NaN std) at a finite step; a cap too short for it reads 'never' (inf)."""
    _, grow = repeated_matrix(one_combination, "linear", "normal", 1.0, 8, 400, 4, "float32", seed=1)
    assert np.all(np.isfinite(grow["steps_until_degenerate"]))
    _, capped = repeated_matrix(one_combination, "linear", "normal", 1.0, 8, 10, 4, "float32", seed=1)
    assert np.all(np.isinf(capped["steps_until_degenerate"]))


@pytest.mark.parametrize(("dtype", "smallest_normal"), [("bfloat16", -126), ("float64", -1022)])
def test_repeated_matrix_thresholds_follow_the_dtype(tf, one_combination, dtype, smallest_normal):
    """U(±0.01) at width 32 decays ~2^-3.9 per step: the flush-to-zero count ≈ (−log2 max|M| − 126…)/3.9."""
    _, out = repeated_matrix(one_combination, "linear", "uniform", 0.01, 32, 2000, 4, dtype, seed=2)
    ieee, ftz = out["steps_until_degenerate"], out["steps_until_degenerate_ftz"]
    assert np.all(np.isfinite(ftz)) and np.all(ftz <= ieee)
    decay = math.log2(0.01 / math.sqrt(3) * math.sqrt(32))  # log2 of the circular-law spectral radius
    assert np.median(ftz) == pytest.approx((smallest_normal - math.log2(0.01)) / decay, rel=0.2)


def test_repeated_matrix_runs_in_float16(tf, one_combination):
    _, out = repeated_matrix(one_combination, "relu", "uniform", 0.2, 8, 100, 4, "float16", seed=2)
    assert np.all(out["steps_until_degenerate_ftz"] <= out["steps_until_degenerate"])
