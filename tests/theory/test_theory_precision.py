"""Where a dtype gives up: its limits and the layers at which the mean-field curves pass them."""

import math

import numpy as np
import pytest

from initstab.theory import precision


@pytest.mark.parametrize(
    ("dtype", "largest", "threshold"),
    [
        ("float16", 65504.0, 2.0**-25),  # half the smallest subnormal 2⁻²⁴: computed in float32, then rounded
        ("bfloat16", 3.3895313892515355e38, 2.0**-126),  # subnormals flushed: the smallest normal
        ("float32", float(np.finfo(np.float32).max), 2.0**-126),
        ("float64", float(np.finfo(np.float64).max), 2.0**-1022),
    ],
)
def test_dtype_limits(dtype, largest, threshold):
    assert float(precision.finfo(dtype).max) == largest
    assert precision.underflow_threshold(dtype) == threshold


def extreme(n):
    return math.sqrt(2 * math.log(2 * n))


def test_underflow_layer_is_where_the_largest_entry_passes_the_threshold():
    # linear at σ_w² = 1: q = 1 throughout (no overflow); mean|Y| falls by 10× a layer
    width, depth = 8, 60
    curve = 10.0 ** -np.arange(1, depth + 1, dtype=float)
    peak = curve * math.sqrt(math.pi / 2) * extreme(width**2)  # ≈ max|Y_ij| of N² Gaussian entries
    for dtype in ("float16", "float32"):
        expected = float(np.flatnonzero(peak < precision.underflow_threshold(dtype))[0] + 1)
        assert precision.predicted_event_layers("linear", 1.0, 0.0, curve, width, dtype) == (math.inf, expected)
    assert precision.predicted_event_layers("linear", 1.0, 0.0, curve, width, "float64") == (math.inf, math.inf)


def test_overflow_layer_from_the_hidden_state_or_the_gradient():
    # relu at σ_w² = 8: q_l = 4^l·σ_w²/2·… grows, so the hidden state passes float16's max first
    width, depth = 16, 20
    flat = np.ones(depth)
    q = 8.0 * 4.0 ** np.arange(depth)  # q₁ = σ_w²·1, then V(q) = σ_w² q/2 = 4q
    expected = float(np.flatnonzero(np.sqrt(q) * extreme(width) > 65504.0)[0] + 1)
    over, under = precision.predicted_event_layers("relu", 8.0, 0.0, flat, width, "float16")
    assert (over, under) == (expected, math.inf)
    # a gradient curve that grows past float32's max: overflow from Y, the hidden state staying at q = 1
    growing = 10.0 ** np.arange(1, 61, dtype=float)
    peak = np.log(growing) + math.log(math.sqrt(math.pi / 2) * extreme(width**2))
    expected = float(np.flatnonzero(peak > math.log(float(np.finfo(np.float32).max)))[0] + 1)
    assert precision.predicted_event_layers("linear", 1.0, 0.0, growing, width, "float32")[0] == expected
