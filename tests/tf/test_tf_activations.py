"""φ′ from autodiff against closed forms; seed 000's hand-written variant is exactly ¼ of the truth. The TensorFlow
callables agree with the numpy registry the theory integrates, entry for entry."""

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import norm

from initstab.activations import ACTIVATIONS as REGISTRY

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
# TensorFlow's float64 erf is good to ~4e-7 relative in GELU's left tail; LeakyRelu's alpha is a float32 attribute,
# so TensorFlow's slope is float32(0.01) = 0.01·(1 − 2.2e-8) even in float64.
RTOL = {"gelu": 1e-5, "leaky_relu": 3e-8}


def test_same_keys_as_the_registry(tf):
    from initstab.tf.activations import ACTIVATIONS

    assert set(ACTIVATIONS) == set(REGISTRY)


@pytest.mark.parametrize("name", list(DERIVATIVES))
def test_derivative_matches_closed_form(tf, name):
    from initstab.tf.activations import ACTIVATIONS

    got = ACTIVATIONS[name].derivative(tf.constant(X, tf.float64)).numpy()
    rtol = 1e-5 if name == "gelu" else 1e-12  # TensorFlow's float64 erf gradient is good to ~7e-6
    np.testing.assert_allclose(got, DERIVATIVES[name], rtol=rtol, atol=1e-12)


def test_scaled_sigmoid_values(tf):
    from initstab.tf.activations import ACTIVATIONS

    got = ACTIVATIONS["scaled_sigmoid"].fn(tf.constant(X, tf.float64)).numpy()
    np.testing.assert_allclose(got, 4 * SIG - 2, atol=1e-12)
    assert ACTIVATIONS["scaled_sigmoid"].fn is ACTIVATIONS["scaled_sigmoid_grad_missing_x4"].fn


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_tensorflow_and_numpy_registry_agree(tf, name):
    """φ and the kernel's φ′ (at the kinks too: x = 0 is on the grid) as the mean-field theory evaluates them."""
    from initstab.tf.activations import ACTIVATIONS

    assert 0.0 in X
    x = tf.constant(X, tf.float64)
    rtol = RTOL.get(name, 1e-12)
    np.testing.assert_allclose(ACTIVATIONS[name].fn(x).numpy(), REGISTRY[name].phi(X), rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(
        ACTIVATIONS[name].derivative(x).numpy(), REGISTRY[name].derivative(X), rtol=rtol, atol=1e-12
    )


def test_activations_kernel_evaluates_the_curves_on_the_grid(tf, make_job):
    from initstab.tf.activations import ACTIVATIONS, activations

    job = make_job(
        "activations", "tanh", [("none", 1.0)], width=241, depth=0, seeds=1, dtype="float64", x_min=-6.0, x_max=6.0
    )
    out = activations(job, job.combinations)
    assert out["phi"].shape == out["dphi"].shape == (1, 241)
    np.testing.assert_array_equal(out["phi"][0], ACTIVATIONS["tanh"].fn(tf.constant(X, tf.float64)).numpy())
    np.testing.assert_allclose(out["dphi"][0], DERIVATIVES["tanh"], rtol=1e-12, atol=1e-12)
