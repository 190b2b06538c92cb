"""The per-layer curves the kernels are compared with, against closed forms and the mean-field functions."""

import math

import numpy as np
import pytest
from scipy import integrate

from initstab.combinations import derived
from initstab.theory import curves, meanfield


def sigma_w2_of(init: str, scale: float, width: int) -> float:
    return derived("linear", init, scale, width, 0.0, False)["sigma_w2"]


@pytest.mark.parametrize(
    ("activation", "init", "scale", "expected"),
    [
        ("linear", "normal", 1.0, 512.0),
        ("linear", "lecun_normal", 1.0, 1.0),
        ("relu", "he_normal", 1.0, 1.0),
        ("relu", "uniform", 0.1, 512 * 0.01 / 3 / 2),
        ("linear", "xavier_uniform", 2.0, 4.0),
        ("leaky_relu", "he_uniform", 1.0, 1 + 0.01**2),
    ],
)
def test_one_layer_mean_square_closed_forms(activation, init, scale, expected):
    """E[φ(y)²], y ~ N(0, σ_w²): σ_w² for linear, σ_w²/2 for ReLU (He et al. 2015)."""
    got = curves.one_layer_mean_square(activation, sigma_w2_of(init, scale, 512))
    assert got == pytest.approx(expected, rel=1e-13)


def test_one_layer_mean_square_of_tanh_matches_scipy():
    sigma_w2 = 1.7

    def integrand(y):
        return math.tanh(y) ** 2 * math.exp(-0.5 * y * y / sigma_w2) / math.sqrt(2 * math.pi * sigma_w2)

    expected = integrate.quad(integrand, -60, 60, epsabs=1e-15, epsrel=1e-13, points=[0.0])[0]
    assert curves.one_layer_mean_square("tanh", sigma_w2) == pytest.approx(expected, rel=1e-11)


def test_gradient_flow_curve_is_the_mean_field_prediction():
    # linear at σ_w² = 1 with Gaussian weights: √(2/π)/√N·exp(l/2·(ψ(N/2) − ln(N/2))), and no first-layer factor
    width, depth = 64, 6
    layers = np.arange(1, depth + 1)
    from scipy.special import digamma

    closed = math.sqrt(2 / math.pi / width) * np.exp(layers / 2 * (digamma(width / 2) - math.log(width / 2)))
    np.testing.assert_allclose(curves.gradient_flow_curve("linear", 1.0, width, depth), closed, rtol=1e-13)
    # orthogonal weights: no χ² deficit, the infinite-width value at every layer
    np.testing.assert_allclose(
        curves.gradient_flow_curve("linear", 1.0, width, depth, gaussian=False),
        math.sqrt(2 / math.pi / width),
        rtol=1e-13,
    )
    # relu at σ_w² = 2 without the finite-width correction: half the columns are 0, −½ ln 2 at every layer
    np.testing.assert_allclose(
        curves.gradient_flow_curve("relu", 2.0, width, depth, finite_width=False),
        math.sqrt(2 / math.pi / width) / math.sqrt(2),
        rtol=1e-13,
    )
    logs = meanfield.predicted_log_grad_mean_abs(
        "tanh", 1.3, width, depth, bias_variance=0.05, finite_width=True, first_layer_columns=True
    )
    np.testing.assert_allclose(curves.gradient_flow_curve("tanh", 1.3, width, depth, 0.05), np.exp(logs), rtol=1e-14)


def test_gradient_flow_curve_overflows_to_inf_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        curve = curves.gradient_flow_curve("relu", 1e6, 100, 200)
    assert np.isinf(curve[-1]) and np.all(np.isfinite(curve[:10]))


def test_forward_std_curve_closed_forms():
    np.testing.assert_allclose(curves.forward_std_curve("linear", 0.25, 3), [1, 0.5, 0.25, 0.125], rtol=1e-14)
    # linear with biases: q₁ = σ_w² + σ_b², q_{l+1} = σ_w² q_l + σ_b²; std = √q_l (zero-mean φ)
    q = [1.0]
    for _ in range(3):
        q.append(0.5 * q[-1] + 0.1)
    np.testing.assert_allclose(curves.forward_std_curve("linear", 0.5, 3, 0.1), np.sqrt(q), rtol=1e-13)
    relu = math.sqrt(2 * (0.5 - 1 / (2 * math.pi)))  # q = 2 at every layer: Var relu(√2 z) = 2(½ − 1/2π)
    np.testing.assert_allclose(curves.forward_std_curve("relu", 2.0, 3), [1, relu, relu, relu], rtol=1e-13)
