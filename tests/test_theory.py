"""Theory against closed forms and Monte Carlo (numpy, fixed seeds)."""

import math

import numpy as np
import pytest

from initstab import meanfield, theory


def test_lyapunov_closed_forms():
    # k = 2: ψ(1) = −γ, so λ₁ = ln s + ½(ln 2 − γ)
    assert theory.lyapunov_exponent(1.0, 2) == pytest.approx(0.5 * (math.log(2) - 0.5772156649015329))
    # large k: λ₁ → ln(s√k) − 1/(2k) + O(k⁻²)
    assert theory.lyapunov_exponent(0.1, 1000) == pytest.approx(math.log(0.1 * math.sqrt(1000)) - 1 / 2000, abs=1e-6)


@pytest.mark.parametrize(("scale", "width", "n"), [(1.0, 4, 30), (0.5, 4, 10), (0.3, 16, 20)])
def test_mean_log_entry_matches_monte_carlo(scale, width, n):
    rng = np.random.default_rng(0)
    samples = 4000
    y = np.broadcast_to(np.eye(width), (samples, width, width)).copy()
    log_scale = np.zeros(samples)
    for _ in range(n):  # rescale each step so nothing under- or overflows
        y = scale * rng.standard_normal((samples, width, width)) @ y
        peak = np.abs(y).max(axis=(1, 2))
        y /= peak[:, None, None]
        log_scale += np.log(peak)
    logs = np.log(np.abs(y)) + log_scale[:, None, None]
    standard_error = logs.mean(axis=(1, 2)).std() / math.sqrt(samples)
    assert logs.mean() == pytest.approx(theory.mean_log_abs_entry(scale, width, n), abs=5 * standard_error + 1e-3)


@pytest.mark.parametrize(
    ("activation", "init", "scale", "expected"),
    [
        ("linear", "normal", 1.0, 512.0),
        ("linear", "lecun_normal", 1.0, 1.0),
        ("relu", "he_normal", 1.0, 1.0),
        ("relu", "uniform", 0.1, 512 * 0.01 / 3 / 2),
        ("tanh", "normal", 1.0, None),
        ("linear", "uniform_noncentered", 1.0, None),
    ],
)
def test_one_layer_mean_square(activation, init, scale, expected):
    got = theory.one_layer_mean_square(activation, init, scale, 512)
    assert got == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("init", ["critical", "critical_orthogonal"])
@pytest.mark.parametrize("activation", ["linear", "relu", "leaky_relu"])
def test_critical_homogeneous_activation_with_biases_starts_at_unit_variance(activation, init):
    # the edge σ²_w = 1/E[φ′²] does not move with σ²_b, and V(q) = q + σ²_b there has no fixed point: q* = ∞
    edge = {"linear": 1.0, "relu": 2.0, "leaky_relu": 2 / (1 + meanfield.LEAKY_ALPHA**2)}[activation]
    for bias_variance in (0.0, 0.01, 0.1):
        assert theory.sigma_w2(activation, init, 1.0, 64, bias_variance) == pytest.approx(edge, rel=1e-14)
        assert theory.draw_rule(activation, init, 1.0, bias_variance)[1] == pytest.approx(math.sqrt(edge), rel=1e-14)
        assert theory.input_variance(activation, init, 1.0, 64, bias_variance) == 1.0
    # at gain ½, a = σ²_w·E[φ²] = ¼: q* = σ²_b/(1 − a)
    assert theory.input_variance(activation, init, 0.5, 64, 0.1) == pytest.approx(0.1 / 0.75, rel=1e-12)
