"""φ′ from autodiff against closed forms; seed 000's hand-written variant is exactly ¼ of the truth."""

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import norm

X = np.linspace(-6, 6, 241)
SIG = expit(X)
DERIVATIVES = {
    "linear": np.ones_like(X),
    "relu": (X > 0).astype(float),
    "tanh": 1 - np.tanh(X) ** 2,
    "sigmoid": SIG * (1 - SIG),
    "scaled_sigmoid": 4 * SIG * (1 - SIG),
    "scaled_sigmoid_grad_missing_x4": SIG * (1 - SIG),
    "softplus": SIG,
    "silu": SIG + X * SIG * (1 - SIG),
    "gelu": norm.cdf(X) + X * norm.pdf(X),
}


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_derivative_matches_closed_form(tf, name):
    from initstab.activations import ACTIVATIONS

    got = ACTIVATIONS[name].derivative(tf.constant(X, tf.float64)).numpy()
    rtol = 1e-5 if name == "gelu" else 1e-12  # TensorFlow's float64 erf gradient is good to ~7e-6
    np.testing.assert_allclose(got, DERIVATIVES[name], rtol=rtol, atol=1e-12)


def test_scaled_sigmoid_values(tf):
    from initstab.activations import ACTIVATIONS

    got = ACTIVATIONS["scaled_sigmoid"].fn(tf.constant(X, tf.float64)).numpy()
    np.testing.assert_allclose(got, 4 * SIG - 2, atol=1e-12)
    assert ACTIVATIONS["scaled_sigmoid"].fn is ACTIVATIONS["scaled_sigmoid_grad_missing_x4"].fn
