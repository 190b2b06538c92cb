"""The gradient_flow kernel (d2l's synthetic_grad) against exact identities and a numpy transcription."""

import math

import numpy as np
import pytest


def grad_mean_abs(make_job, activation, init, scale, width, depth, seeds, dtype, seed):
    """(seeds, depth) mean|Y_ij| of one combination."""
    from initstab.tf.gradient_flow import gradient_flow

    job = make_job(
        "gradient_flow",
        activation,
        [(init, scale, seed)],
        width=width,
        depth=depth,
        seeds=seeds,
        dtype=dtype,
        repeats=1,
    )
    return gradient_flow(job, job.combinations)["grad_mean_abs"][0]


def test_gradient_flow_missing_x4_variant_is_the_truth_over_4_per_layer(tf, make_job):
    """Same weights, same forward pass: only φ′ differs by 4, so Y_l differs by exactly 4^l."""
    args = dict(init="normal", scale=0.4, width=16, depth=6, seeds=8, dtype="float64", seed=2)
    right = grad_mean_abs(make_job, "scaled_sigmoid", **args)
    wrong = grad_mean_abs(make_job, "scaled_sigmoid_grad_missing_x4", **args)
    np.testing.assert_allclose(right / wrong, np.broadcast_to(4.0 ** np.arange(1, 7), right.shape), rtol=1e-10)


def test_gradient_flow_linear_orthogonal_stays_orthogonal(tf, make_job):
    """Y = Π Wᵀ of orthogonal W is Haar orthogonal: entries ≈ N(0, 1/k), E|Y_ij| ≈ √(2/(πk))."""
    out = grad_mean_abs(make_job, "linear", "orthogonal", 1.0, 100, 30, 8, "float64", seed=4)
    np.testing.assert_allclose(out, math.sqrt(2 / (math.pi * 100)), rtol=0.03)


def test_gradient_flow_relu_matches_a_numpy_transcription_of_synthetic_grad(tf, make_job):
    """d2l's loop in numpy on the very same weights gives the same mean|Y| per layer."""
    from initstab.tf.initializers import INITIALIZERS

    width, depth, seeds = 12, 5, 3
    out = grad_mean_abs(make_job, "relu", "normal", 0.5, width, depth, seeds, "float64", seed=8)
    for s in range(seeds):
        h, y = np.ones(width), np.eye(width)
        for layer in range(depth):
            seed = tf.constant([8, layer], tf.int64)
            w = INITIALIZERS["normal"]((seeds, width, width), 0.5, seed, tf.float64).numpy()[s]
            z = w @ h
            y = ((z > 0) * w.T) @ y
            h = np.maximum(z, 0)
            assert out[s, layer] == pytest.approx(np.abs(y).mean(), rel=1e-12)
