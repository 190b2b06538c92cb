"""The gradient_flow kernel (d2l's synthetic_grad) against exact identities and a numpy transcription."""

import math

import numpy as np
import pytest


def grad_mean_abs(one_combination, *args, **kwargs):
    """(seeds, depth) mean|Y_ij| of one combination."""
    return one_combination("gradient_flow", *args, repeats=1, **kwargs)[1]["grad_mean_abs"]


def test_gradient_flow_missing_x4_variant_is_the_truth_over_4_per_layer(tf, one_combination):
    """Same weights, same forward pass: only φ′ differs by 4, so Y_l differs by exactly 4^l."""
    args = dict(init="normal", scale=0.4, width=16, depth=6, seeds=8, dtype="float64", seed=2)
    right = grad_mean_abs(one_combination, "scaled_sigmoid", **args)
    wrong = grad_mean_abs(one_combination, "scaled_sigmoid_grad_missing_x4", **args)
    np.testing.assert_allclose(right / wrong, np.broadcast_to(4.0 ** np.arange(1, 7), right.shape), rtol=1e-10)


def test_gradient_flow_linear_orthogonal_stays_orthogonal(tf, one_combination):
    """Y = Π Wᵀ of orthogonal W is Haar orthogonal: entries ≈ N(0, 1/k), E|Y_ij| ≈ √(2/(πk))."""
    out = grad_mean_abs(one_combination, "linear", "orthogonal", 1.0, 100, 30, 8, "float64", seed=4)
    np.testing.assert_allclose(out, math.sqrt(2 / (math.pi * 100)), rtol=0.03)


def test_gradient_flow_relu_matches_a_numpy_transcription_of_synthetic_grad(tf, one_combination, drawn_weights):
    """d2l's loop in numpy on the very same weights gives the same mean|Y| per layer."""
    width, depth, seeds = 12, 5, 3
    job, out = one_combination(
        "gradient_flow", "relu", "normal", 0.5, width, depth, seeds, "float64", seed=8, repeats=1
    )
    out = out["grad_mean_abs"]
    for s in range(seeds):
        h, y = np.ones(width), np.eye(width)
        for layer in range(depth):
            w = drawn_weights(job, job.combinations[0], layer)[s]
            z = w @ h
            y = ((z > 0) * w.T) @ y
            h = np.maximum(z, 0)
            assert out[s, layer] == pytest.approx(np.abs(y).mean(), rel=1e-12)


def test_scales_of_one_family_share_their_draws_exactly(tf, make_job):
    """Common random numbers: N(0, s²) weights are s·Z with one Z per seed and layer, so a linear net's Y_l at
    s = 0.5 is exactly 2^−l times its Y_l at s = 1 (powers of two scale without rounding), and at s = 0.3 to
    rounding; He normal at gain 1 is the N(0, 1) draw times √(2/width)."""
    from initstab.tf.gradient_flow import gradient_flow

    scales = [("normal", 1.0), ("normal", 0.5), ("normal", 0.3), ("he_normal", 1.0)]
    job = make_job("gradient_flow", "linear", scales, width=16, depth=6, seeds=5, dtype="float64", repeats=1)
    out = gradient_flow(job, job.combinations)["grad_mean_abs"]
    one, half, tenth, he = (out[job.combinations.index(c)] for c in job.combinations)
    layers = np.arange(1, 7)
    np.testing.assert_array_equal(half, one * 0.5**layers)
    np.testing.assert_allclose(tenth, one * 0.3**layers, rtol=1e-12)
    np.testing.assert_allclose(he, one * math.sqrt(2 / 16) ** layers, rtol=1e-12)


def test_matrix_statistics_sum_in_float32_and_redo_overflow_in_float64(tf):
    """mean|y|, the dtype's mean, all-finite and any-nonzero per matrix: float32 sums where they hold (to rounding),
    float64 where a sum of finite entries overflows float32, inf/NaN entries flagged, an all-zero matrix 0."""
    from initstab.tf.gradient_flow import matrix_statistics

    rng = np.random.default_rng(0)
    finite = rng.normal(size=(3, 4, 4)).astype(np.float32)
    big = np.full((4, 4), 3e37, np.float32)  # Σ = 4.8e38 > float32's max: each entry finite
    broken = finite[0].copy()
    broken[1, 2] = np.inf
    zero = np.zeros((4, 4), np.float32)
    y = np.stack([*finite, big, broken, zero])[None]  # (1, 6, 4, 4): (K, seeds, k, k)
    mean, native, all_finite, any_nonzero = (v.numpy()[0] for v in matrix_statistics(tf.constant(y)))
    exact = np.abs(y[0].astype(np.float64)).mean(axis=(1, 2))
    np.testing.assert_allclose(mean[:3], exact[:3], rtol=1e-6)
    assert mean[3] == pytest.approx(3e37, rel=1e-7) and np.isinf(native[3])  # float64 redone; the dtype's inf
    assert np.isinf(mean[4]) and mean[5] == 0
    np.testing.assert_array_equal(all_finite, [1, 1, 1, 1, 0, 1])
    np.testing.assert_array_equal(any_nonzero, [1, 1, 1, 1, 1, 0])
