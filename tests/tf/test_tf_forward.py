"""The forward kernel against closed-form moments and the notebooks' float32 underflow."""

import math

import numpy as np


def forward(make_job, activation, init, scale, width, depth, seeds, dtype, seed, bias_variance=0.0):
    """(seeds, depth+1) arrays of one combination."""
    from initstab.tf.forward import forward

    job = make_job(
        "forward",
        activation,
        [(init, scale, bias_variance)],
        width=width,
        depth=depth,
        seeds=seeds,
        dtype=dtype,
        global_seed=seed,
    )
    return {name: values[0] for name, values in forward(job, job.combinations).items()}


def test_forward_one_layer_variance_is_fan_in_times_weight_variance(tf, make_job):
    """E[y²] = fan_in·σ²·E[x²] for y = x·W, x ~ N(0, 1): 512 for N(0, 1) weights (seed 003 prints ≈506)."""
    out = forward(make_job, "linear", "normal", 1.0, 512, 1, 400, "float32", seed=3)
    mean_sq = out["act_mean_sq"][:, 1]
    assert abs(mean_sq.mean() - 512) < 4 * mean_sq.std() / math.sqrt(mean_sq.size)


def test_forward_relu_with_he_init_keeps_mean_square_one(tf, make_job):
    """ReLU halves E[y²]; He's 2/fan_in restores it: E[relu(y)²] = ½·fan_in·(2/fan_in) = 1, E[relu(y)] = √(2/π)·½·√2."""
    out = forward(make_job, "relu", "he_normal", 1.0, 512, 1, 400, "float64", seed=4)
    mean_sq, mean = out["act_mean_sq"][:, 1], out["act_mean"][:, 1]
    assert abs(mean_sq.mean() - 1.0) < 4 * mean_sq.std() / 20
    assert abs(mean.mean() - 1 / math.sqrt(math.pi)) < 4 * mean.std() / 20


def test_forward_native_std_underflows_where_float64_does_not(tf, make_job):
    """Seed 001 prints std 0.0 after 100 layers of 0.05·N(0,1): float32 squares of ~1e-30 underflow."""
    out = forward(make_job, "linear", "normal", 0.05, 100, 100, 16, "float32", seed=9)
    assert np.all(out["act_std_native"][:, 100] == 0.0)
    assert np.all((out["act_std"][:, 100] > 1e-36) & (out["act_std"][:, 100] < 1e-25))
