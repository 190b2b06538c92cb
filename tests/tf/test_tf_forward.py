"""The forward kernel against closed-form moments and the notebooks' float32 underflow."""

import math

import numpy as np


def forward(one_combination, *args, **kwargs):
    """(seeds, depth+1) arrays of one combination."""
    return one_combination("forward", *args, **kwargs)[1]


def test_forward_one_layer_variance_is_fan_in_times_weight_variance(tf, one_combination):
    """E[y²] = fan_in·σ²·E[x²] for y = x·W, x ~ N(0, 1): 512 for N(0, 1) weights (seed 003 prints ≈506)."""
    out = forward(one_combination, "linear", "normal", 1.0, 512, 1, 400, "float32", seed=3)
    mean_sq = out["act_mean_sq"][:, 1]
    assert abs(mean_sq.mean() - 512) < 4 * mean_sq.std() / math.sqrt(mean_sq.size)


def test_forward_relu_with_he_init_keeps_mean_square_one(tf, one_combination):
    """ReLU halves E[y²]; He's 2/fan_in restores it: E[relu(y)²] = ½·fan_in·(2/fan_in) = 1, E[relu(y)] = √(2/π)·½·√2."""
    out = forward(one_combination, "relu", "he_normal", 1.0, 512, 1, 400, "float64", seed=4)
    mean_sq, mean = out["act_mean_sq"][:, 1], out["act_mean"][:, 1]
    assert abs(mean_sq.mean() - 1.0) < 4 * mean_sq.std() / 20
    assert abs(mean.mean() - 1 / math.sqrt(math.pi)) < 4 * mean.std() / 20


def test_forward_native_std_underflows_where_float64_does_not(tf, one_combination):
    """Seed 001 prints std 0.0 after 100 layers of 0.05·N(0,1): float32 squares of ~1e-30 underflow."""
    out = forward(one_combination, "linear", "normal", 0.05, 100, 100, 16, "float32", seed=9)
    assert np.all(out["act_std_native"][:, 100] == 0.0)
    assert np.all((out["act_std"][:, 100] > 1e-36) & (out["act_std"][:, 100] < 1e-25))
