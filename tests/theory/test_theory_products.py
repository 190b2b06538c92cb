"""Products of Gaussian matrices against closed forms and Monte Carlo (numpy, fixed seeds)."""

import math

import numpy as np
import pytest

from initstab.theory import products


def test_lyapunov_closed_forms():
    # k = 2: ψ(1) = −γ, so λ₁ = ln s + ½(ln 2 − γ)
    assert products.lyapunov_exponent(1.0, 2) == pytest.approx(0.5 * (math.log(2) - 0.5772156649015329))
    # large k: λ₁ → ln(s√k) − 1/(2k) + O(k⁻²)
    # k = 1: the product is a product of scalars, λ₁ = E ln|s z| = ln s − (γ + ln 2)/2
    assert products.lyapunov_exponent(0.3, 1) == pytest.approx(math.log(0.3) - (0.5772156649015329 + math.log(2)) / 2)
    assert products.lyapunov_exponent(0.1, 1000) == pytest.approx(math.log(0.1 * math.sqrt(1000)) - 1 / 2000, abs=1e-6)


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
    assert logs.mean() == pytest.approx(products.mean_log_abs_entry(scale, width, n), abs=5 * standard_error + 1e-3)
