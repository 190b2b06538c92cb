"""Gaussian expectations by quadrature against closed forms, scipy's quad and numpy Monte Carlo (fixed seeds)."""

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.special import erf

from initstab.activations import ACTIVATIONS
from initstab.theory import quadrature as quad


def arccos_kernel(q, c):
    """E[relu(u₁)relu(u₂)] for unit-correlation c at variance q (Cho & Saul 2009)."""
    return q / (2 * np.pi) * (np.sqrt(1 - c**2) + (np.pi - np.arccos(c)) * c)


def test_gaussian_expectation_moments_and_closed_forms():
    q = np.array([1e-3, 0.5, 1.0, 7.0, 300.0])
    np.testing.assert_allclose(quad.gaussian_expectation(np.ones_like, q), 1.0, rtol=1e-14)
    np.testing.assert_allclose(quad.gaussian_expectation(np.square, q), q, rtol=1e-13)
    np.testing.assert_allclose(quad.gaussian_expectation(lambda x: x**4, q), 3 * q**2, rtol=1e-13)
    np.testing.assert_allclose(quad.gaussian_expectation(np.abs, q), np.sqrt(2 * q / np.pi), rtol=1e-13)  # kink at 0
    np.testing.assert_allclose(quad.gaussian_expectation(np.cos, q[:4]), np.exp(-q[:4] / 2), rtol=1e-12)
    # E[erf(√q z)²] = (2/π)·arcsin(2q/(1+2q))  (Williams 1998)
    expected = 2 / np.pi * np.arcsin(2 * q / (1 + 2 * q))
    np.testing.assert_allclose(quad.gaussian_expectation(lambda x: erf(x) ** 2, q), expected, rtol=1e-12)
    assert isinstance(quad.gaussian_expectation(np.square, 2.0), float)


def scipy_expectation(f, q):
    """E[f(√q z)] by scipy's adaptive quad, split at the kink z = 0."""

    def integrand(z):
        return f(np.array(math.sqrt(q) * z)) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    return sum(
        integrate.quad(integrand, a, b, epsabs=1e-14, epsrel=1e-13, limit=400)[0] for a, b in [(-40, 0), (0, 40)]
    )


@pytest.mark.parametrize("q", [0.3, 1.0, 10.0, 100.0])
@pytest.mark.parametrize("activation", ["tanh", "elu", "selu", "gelu", "softplus"])
def test_gaussian_expectation_matches_scipy_quad(activation, q):
    """The module's claim: ~10⁻¹² also for the narrow φ′² of saturating φ at large q (Gauss–Hermite is off by 89 %
    for tanh′² at q = 100)."""
    entry = ACTIVATIONS[activation]
    for f in (lambda x: entry.phi(x) ** 2, lambda x: entry.derivative(x) ** 2):
        assert quad.gaussian_expectation(f, q) == pytest.approx(scipy_expectation(f, q), rel=1e-10, abs=1e-13)


def test_gaussian_expectation_of_tanh_matches_monte_carlo():
    z = np.random.default_rng(0).standard_normal(1_000_000)
    for q in (0.3, 2.0, 40.0):
        for f in (lambda x: np.tanh(x) ** 2, lambda x: (1 - np.tanh(x) ** 2) ** 2):
            sample = f(np.sqrt(q) * z)
            band = 5 * sample.std() / math.sqrt(sample.size)
            assert quad.gaussian_expectation(f, q) == pytest.approx(sample.mean(), abs=band)


def test_pair_expectation_closed_forms():
    c = np.array([-1.0, -0.9, -0.3, 0.0, 0.2, 0.7, 0.99, 1 - 1e-9, 1.0])
    relu, step = ACTIVATIONS["relu"].phi, ACTIVATIONS["relu"].derivative
    for q in (0.3, 1.0, 50.0):
        got = quad.gaussian_pair_expectation(relu, relu, q, c)
        np.testing.assert_allclose(got, arccos_kernel(q, c), atol=1e-13 * q)
        # E[1(u₁>0)1(u₂>0)] = (π − arccos c)/(2π): a jump along u₂ = 0
        expected = (np.pi - np.arccos(c)) / (2 * np.pi)
        np.testing.assert_allclose(quad.gaussian_pair_expectation(step, step, q, c), expected, atol=1e-13)
        expected = 2 / np.pi * np.arcsin(2 * q * c / (1 + 2 * q))
        np.testing.assert_allclose(quad.gaussian_pair_expectation(erf, erf, q, c), expected, atol=1e-13)
    assert isinstance(quad.gaussian_pair_expectation(relu, relu, 1.0, 0.5), float)


def test_pair_expectation_of_tanh_matches_monte_carlo():
    rng = np.random.default_rng(5)
    z1, z2 = rng.standard_normal((2, 1_000_000))
    q, c = 2.0, 0.6
    u1, u2 = math.sqrt(q) * z1, math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2)
    sample = np.tanh(u1) * np.tanh(u2)
    band = 5 * sample.std() / math.sqrt(sample.size)
    assert quad.gaussian_pair_expectation(np.tanh, np.tanh, q, c) == pytest.approx(sample.mean(), abs=band)
