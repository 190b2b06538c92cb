"""Kernels against closed forms, exact identities and an independent numpy simulation."""

import math

import numpy as np
import pytest

from initstab import theory


@pytest.mark.parametrize(("scale", "width"), [(1.0, 4), (0.5, 4), (0.3, 8)])
def test_matrix_product_entries_grow_at_the_lyapunov_rate(tf, scale, width):
    from initstab import kernels

    out = kernels.matrix_product("normal", scale, width, 80, 400, "float64", job_seed=11)
    median = np.median(out["log10_abs_entry_median"], axis=0)
    slope = (median[79] - median[19]) / 60
    assert slope == pytest.approx(theory.lyapunov_exponent(scale, width) / math.log(10), abs=0.01)


def test_matrix_product_first_factor_is_the_drawn_matrix(tf):
    from initstab import kernels
    from initstab.initializers import INITIALIZERS

    out = kernels.matrix_product("normal", 0.7, 4, 3, 5, "float32", job_seed=5)
    w = INITIALIZERS["normal"]((5, 4, 4), 0.7, tf.constant([5, 0], tf.int64), tf.float32).numpy()
    np.testing.assert_allclose(out["max_abs_entry"][:, 0], np.abs(w).reshape(5, -1).max(axis=1), rtol=1e-6)


def test_forward_one_layer_variance_is_fan_in_times_weight_variance(tf):
    """E[y²] = fan_in·σ²·E[x²] for y = x·W, x ~ N(0, 1): 512 for N(0, 1) weights (seed 003 prints ≈506)."""
    from initstab import kernels

    out = kernels.forward("linear", "normal", 1.0, 512, 1, 400, "float32", job_seed=3)
    mean_sq = out["act_mean_sq"][:, 1]
    assert abs(mean_sq.mean() - 512) < 4 * mean_sq.std() / math.sqrt(mean_sq.size)


def test_forward_relu_with_he_init_keeps_mean_square_one(tf):
    """ReLU halves E[y²]; He's 2/fan_in restores it: E[relu(y)²] = ½·fan_in·(2/fan_in) = 1, E[relu(y)] = √(2/π)·½·√2."""
    from initstab import kernels

    out = kernels.forward("relu", "he_normal", 1.0, 512, 1, 400, "float64", job_seed=4)
    mean_sq, mean = out["act_mean_sq"][:, 1], out["act_mean"][:, 1]
    assert abs(mean_sq.mean() - 1.0) < 4 * mean_sq.std() / 20
    assert abs(mean.mean() - 1 / math.sqrt(math.pi)) < 4 * mean.std() / 20


def test_forward_linear_unit_gaussian_overflows_float32_near_layer_38(tf):
    """std grows by √width = 10 per layer; float32's max 3.4e38 is passed after ~38 layers (seed 001: i = 37)."""
    from initstab import jobs

    spec = {
        "experiment": "forward",
        "activation": "linear",
        "init": "normal",
        "scale": 1.0,
        "width": 100,
        "depth": 50,
        "dtype": "float32",
        "seeds": 64,
        "job_seed": 1,
    }
    table = jobs.run_job(spec)
    first_nan = table[table["metric"] == "first_nan_mean_layer"]["value"]
    assert 36 <= first_nan.median() <= 41
    stds = table[(table["metric"] == "act_std") & (table["layer"] == 20)]["value"]
    assert np.log10(stds).median() == pytest.approx(20, abs=0.5)
    # values overflow to inf and are kept, flagged, not dropped
    last = table[(table["metric"] == "act_std") & (table["layer"] == 50)]
    assert len(last) == 64 and not last["finite"].any()


def test_forward_native_std_underflows_where_float64_does_not(tf):
    """Seed 001 prints std 0.0 after 100 layers of 0.05·N(0,1): float32 squares of ~1e-30 underflow."""
    from initstab import kernels

    out = kernels.forward("linear", "normal", 0.05, 100, 100, 16, "float32", job_seed=9)
    assert np.all(out["act_std_native"][:, 100] == 0.0)
    assert np.all((out["act_std"][:, 100] > 1e-36) & (out["act_std"][:, 100] < 1e-25))


def test_gradient_flow_missing_x4_variant_is_the_truth_over_4_per_layer(tf):
    """Same weights, same forward pass: only φ′ differs by 4, so Y_l differs by exactly 4^l."""
    from initstab import kernels

    args = dict(init="normal", scale=0.4, width=16, depth=6, seeds=8, dtype="float64", job_seed=2)
    right = kernels.gradient_flow("scaled_sigmoid", **args)["grad_mean_abs"]
    wrong = kernels.gradient_flow("scaled_sigmoid_grad_missing_x4", **args)["grad_mean_abs"]
    np.testing.assert_allclose(right / wrong, np.broadcast_to(4.0 ** np.arange(1, 7), right.shape), rtol=1e-10)


def test_gradient_flow_linear_orthogonal_stays_orthogonal(tf):
    """Y = Π Wᵀ of orthogonal W is Haar orthogonal: entries ≈ N(0, 1/k), E|Y_ij| ≈ √(2/(πk))."""
    from initstab import kernels

    out = kernels.gradient_flow("linear", "orthogonal", 1.0, 100, 30, 8, "float64", job_seed=4)
    np.testing.assert_allclose(out["grad_mean_abs"], math.sqrt(2 / (math.pi * 100)), rtol=0.03)


def test_gradient_flow_relu_matches_a_numpy_transcription_of_synthetic_grad(tf):
    """d2l's loop in numpy on the very same weights gives the same mean|Y| per layer."""
    from initstab import kernels
    from initstab.initializers import INITIALIZERS

    width, depth, seeds = 12, 5, 3
    out = kernels.gradient_flow("relu", "normal", 0.5, width, depth, seeds, "float64", job_seed=8)
    for s in range(seeds):
        h, y = np.ones(width), np.eye(width)
        for layer in range(depth):
            seed = tf.constant([8, layer], tf.int64)
            w = INITIALIZERS["normal"]((seeds, width, width), 0.5, seed, tf.float64).numpy()[s]
            z = w @ h
            y = ((z > 0) * w.T) @ y
            h = np.maximum(z, 0)
            assert out["grad_mean_abs"][s, layer] == pytest.approx(np.abs(y).mean(), rel=1e-12)


def test_repeated_matrix_matches_numpy_float32_with_subnormals(tf):
    """numpy's float32 matmul keeps subnormals like torch; torch's CPU std accumulates in double, so the loop
    'until std == 0 or NaN' of seed 003, transcribed with a float64 std, gives the kernel's step counts."""
    from initstab import kernels
    from initstab.initializers import INITIALIZERS

    seeds, width, cap = 12, 5, 500
    out = kernels.repeated_matrix("linear", "uniform", 0.2, width, cap, seeds, "float32", job_seed=6)
    m_all = INITIALIZERS["uniform"]((seeds, width, width), 0.2, tf.constant([6, 0], tf.int64), tf.float32).numpy()
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


def test_repeated_matrix_relu_overflow_and_never(tf):
    """Growing M overflows (NaN std) at a finite step; a cap too short for it reads 'never' (inf)."""
    from initstab import kernels

    grow = kernels.repeated_matrix("linear", "normal", 1.0, 8, 400, 4, "float32", job_seed=1)
    assert np.all(np.isfinite(grow["steps_until_degenerate"]))
    capped = kernels.repeated_matrix("linear", "normal", 1.0, 8, 10, 4, "float32", job_seed=1)
    assert np.all(np.isinf(capped["steps_until_degenerate"]))


@pytest.mark.parametrize(("dtype", "smallest_normal"), [("bfloat16", -126), ("float64", -1022)])
def test_repeated_matrix_thresholds_follow_the_dtype(tf, dtype, smallest_normal):
    """U(±0.01) at width 32 decays ~2^-3.9 per step: the flush-to-zero count ≈ (−log2 max|M| − 126…)/3.9."""
    from initstab import kernels

    out = kernels.repeated_matrix("linear", "uniform", 0.01, 32, 2000, 4, dtype, job_seed=2)
    ieee, ftz = out["steps_until_degenerate"], out["steps_until_degenerate_ftz"]
    assert np.all(np.isfinite(ftz)) and np.all(ftz <= ieee)
    decay = math.log2(0.01 / math.sqrt(3) * math.sqrt(32))  # log2 of the circular-law spectral radius
    assert np.median(ftz) == pytest.approx((smallest_normal - math.log2(0.01)) / decay, rel=0.2)


def test_repeated_matrix_runs_in_float16(tf):
    from initstab import kernels

    out = kernels.repeated_matrix("relu", "uniform", 0.2, 8, 100, 4, "float16", job_seed=2)
    assert np.all(out["steps_until_degenerate_ftz"] <= out["steps_until_degenerate"])
