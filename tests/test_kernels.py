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
        "width": 100,
        "depth": 50,
        "dtype": "float32",
        "seeds": 64,
        "combinations": [{"init": "normal", "scale": 1.0, "bias_variance": 0.0, "combination": "x", "seed": 1}],
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


def test_stacked_combinations_give_exactly_their_single_runs(tf):
    """A combination's numbers do not depend on which others share its job (each draws from its own seed)."""
    from initstab import kernels

    combos = [
        kernels.Combination("normal", 0.3, 11),
        kernels.Combination("he_normal", 1.0, 12),
        kernels.Combination("lsuv", 1.0, 13, 0.1),
    ]
    stacked = kernels.gradient_flow_batch("tanh", combos, kernels.Shape(12, 6, 5, "float32"))
    for i, c in enumerate(combos):
        single = kernels.gradient_flow(
            "tanh", c.init, c.scale, 12, 6, 5, "float32", c.seed, bias_variance=c.bias_variance
        )
        for name, values in single.items():
            np.testing.assert_array_equal(stacked[name][i], values)


def test_lsuv_sets_every_layers_preactivation_std_to_the_scale(tf):
    from initstab import kernels

    out = kernels.forward("linear", "lsuv", 0.7, 64, 8, 6, "float64", job_seed=2)
    np.testing.assert_allclose(out["act_std"][:, 1:], 0.7, rtol=1e-12)
    assert not np.allclose(out["act_std"][:, 0], 0.7)  # the input is not rescaled


def test_biases_add_their_variance_to_the_preactivations(tf):
    """E[z²] = σ_w²·E[x²] + σ_b² for z = Wᵀx + b: 1·1 + 0.5 with LeCun-normal weights."""
    from initstab import kernels

    out = kernels.forward("linear", "lecun_normal", 1.0, 256, 1, 200, "float64", job_seed=3, bias_variance=0.5)
    mean_sq = out["act_mean_sq"][:, 1]
    assert abs(mean_sq.mean() - 1.5) < 4 * mean_sq.std() / math.sqrt(mean_sq.size)


def test_gradient_growth_of_a_linear_net_is_the_exact_log_chi_square_mean(tf):
    """u ← W·u, W ~ N(0, s²/N): ln(‖u_l‖²/‖u_{l−1}‖²) = ln s² + ln(χ²_N/N), whose mean is ln s² + ψ(N/2) − ln(N/2)."""
    from scipy.special import digamma

    from initstab import kernels

    width, scale = 20, 1.3
    out = kernels.gradient_norm_growth_batch(
        "linear", [kernels.Combination("lecun_normal", scale, 5)], kernels.Shape(width, 50, 64, "float64")
    )
    growth = out["log_grad_growth"][0].ravel()
    expected = math.log(scale**2) + digamma(width / 2) - math.log(width / 2)
    assert abs(growth.mean() - expected) < 4 * growth.std() / math.sqrt(growth.size)
    assert abs(growth.mean() - math.log(scale**2)) > 8 * growth.std() / math.sqrt(growth.size)  # Δ is resolved


def test_edge_of_chaos_init_keeps_gradients_steady(tf):
    """At σ_w² = σ²_w,crit(tanh, σ_b² = 0.05), χ₁(q*) = 1: the measured per-layer log growth is ~0 (up to the
    finite-width deficit of order 1/N), while 1.5× the variance grows at ln χ₁(q*) > 0."""
    from initstab import kernels, meanfield, theory

    critical = kernels.Combination("critical", 1.0, 7, 0.05)
    above = kernels.Combination("critical", math.sqrt(1.5), 8, 0.05)
    out = kernels.gradient_norm_growth_batch("tanh", [critical, above], kernels.Shape(100, 30, 16, "float64"))[
        "log_grad_growth"
    ]
    assert abs(out[0, :, 10:].mean()) < 0.03
    variance = 1.5 * theory.critical_weight_variance("tanh", 0.05)
    log_chi = math.log(meanfield.chi1("tanh", variance, meanfield.fixed_point("tanh", variance, 0.05)))
    assert log_chi > 0.1 and abs(out[1, :, 10:].mean() - log_chi) < 0.03


def test_orthogonal_linear_layers_are_an_isometry(tf):
    from initstab import kernels

    out = kernels.jacobian_spectrum_batch(
        "linear", [kernels.Combination("orthogonal", 1.0, 3)], kernels.Shape(16, 8, 4, "float64")
    )
    np.testing.assert_allclose(out["sv_max"], 1.0, rtol=1e-10)
    np.testing.assert_allclose(out["sv_min"], 1.0, rtol=1e-10)
    np.testing.assert_allclose(out["jjt_var"], 0.0, atol=1e-10)
    correlation = kernels.correlation_flow_batch(
        "linear", [kernels.Combination("orthogonal", 1.0, 4)], kernels.Shape(16, 5, 3, "float64"), 0.3
    )["correlation"][0]
    np.testing.assert_allclose(correlation, correlation[:, :1] * np.ones((1, 6)), rtol=1e-10)  # Wa·Wb = a·b


def test_gaussian_linear_jacobian_spectrum_spreads_linearly_with_depth(tf):
    """Products of L Gaussian N×N matrices with variance 1/N: the eigenvalues of JJᵀ have mean 1 and variance L
    (free multiplicative convolution of L Marchenko–Pastur laws), up to O(L²/N)."""
    from initstab import kernels

    out = kernels.jacobian_spectrum_batch(
        "linear", [kernels.Combination("lecun_normal", 1.0, 9)], kernels.Shape(300, 4, 8, "float64")
    )
    assert kernels.checkpoints(4) == [1, 2, 4]
    np.testing.assert_allclose(out["jjt_mean"][0].mean(axis=0), [1, 1, 1], rtol=0.05)
    np.testing.assert_allclose(out["jjt_var"][0].mean(axis=0), [1, 2, 4], rtol=0.15)


def test_narrow_dtypes_give_up_first(tf):
    """ReLU with N(0, 3²) weights at width 8 (×~6 per layer): float16 (max 65504) overflows within a few layers,
    float32 and float64 do not within 12."""
    from initstab import jobs

    def events(dtype):
        spec = {
            "experiment": "precision",
            "activation": "relu",
            "width": 8,
            "depth": 12,
            "seeds": 8,
            "dtype": dtype,
            "combinations": [{"init": "normal", "scale": 3.0, "bias_variance": 0.0, "combination": "x", "seed": 4}],
        }
        table = jobs.run_job(spec)
        return table[table["metric"] == "first_overflow_layer"]["value"].to_numpy()

    assert np.all(events("float16") <= 8)
    assert np.all(np.isinf(events("float32"))) and np.all(np.isinf(events("float64")))
