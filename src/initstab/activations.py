"""The activation registry: everything known about each φ, without TensorFlow.

One entry per activation: its formula, display name and colour, and the numpy φ and φ′ the mean-field theory
integrates (φ′ as the TensorFlow kernels compute it, so φ′(0) is TensorFlow's convention). The TensorFlow callables
live in ``initstab.tf.activations`` under the same keys (a test keeps the key sets equal), and the config schema's
enum is tested against these keys.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

Fn = Callable[[np.ndarray], np.ndarray]
LEAKY_ALPHA = 0.01  # TensorFlow's leaky_relu slope as the kernels call it
SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772  # TensorFlow's constants


@dataclass(frozen=True)
class Activation:
    """φ with its numpy φ′ (``derivative``: the kernel's; ``true_derivative``: the real one where they differ)."""

    formula: str
    display: str
    color: str
    phi: Fn
    derivative: Fn
    true_derivative: Fn | None = None
    # E[φ(z)²] (= E[φ′(z)²]) of positively homogeneous φ (φ(λx) = λφ(x), λ > 0), in closed form; None otherwise.
    # The length map is then exactly linear, V(q) = σ_w²·moment·q + σ_b² (theory.meanfield.homogeneous_slope).
    homogeneous_second_moment: float | None = None


def _gelu_prime(x: np.ndarray) -> np.ndarray:
    t = np.clip(x, -40.0, 40.0)  # x·pdf(x) → 0 at ±∞ without inf·0
    return ndtr(x) + t * np.exp(-0.5 * t * t) / np.sqrt(2 * np.pi)


def _silu_prime(x: np.ndarray) -> np.ndarray:
    s, t = expit(x), np.clip(x, -800.0, 800.0)
    return s * (1.0 + t * (1.0 - s))


def _scaled_sigmoid(x: np.ndarray) -> np.ndarray:
    return 2.0 * np.tanh(0.5 * x)  # = 4σ(x) − 2 without the cancellation near 0


def _sigmoid_slope(x: np.ndarray) -> np.ndarray:
    s = expit(x)
    return s * (1.0 - s)


def _scaled_sigmoid_slope(x: np.ndarray) -> np.ndarray:
    return 4.0 * _sigmoid_slope(x)


# All φ and φ′ are safe at ±∞ (the theory evaluates limits there).
IDENTITY = "linear"  # the φ of experiments without one (products of weight matrices)
ACTIVATIONS: dict[str, Activation] = {
    IDENTITY: Activation("φ(x) = x", "linear", "#0072B2", lambda x: x, np.ones_like, homogeneous_second_moment=1.0),
    "relu": Activation(
        "φ(x) = max(x, 0)",
        "ReLU",
        "#CC3311",
        lambda x: np.maximum(x, 0.0),
        lambda x: (x > 0).astype(float),
        homogeneous_second_moment=0.5,
    ),
    "tanh": Activation("φ(x) = tanh x", "tanh", "#009E73", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    "sigmoid": Activation("φ(x) = σ(x) = 1/(1+e^{-x})", "sigmoid", "#CCBB44", expit, _sigmoid_slope),
    "scaled_sigmoid": Activation(
        "φ(x) = 4σ(x) − 2, φ′ by autodiff = 4σ(1−σ)", "4σ − 2", "#AA4499", _scaled_sigmoid, _scaled_sigmoid_slope
    ),
    # the notebook's bug, on purpose: φ = 4σ − 2 but φ′ = σ(1 − σ)
    "scaled_sigmoid_grad_missing_x4": Activation(
        "φ(x) = 4σ(x) − 2 with seed 000's hand-written φ′ = σ(1−σ) (the ×4 dropped)",
        "4σ − 2, φ′ without ×4 (seed 000)",
        "#BB5566",
        _scaled_sigmoid,
        _sigmoid_slope,
        true_derivative=_scaled_sigmoid_slope,
    ),
    "leaky_relu": Activation(
        f"φ(x) = max(x, {LEAKY_ALPHA}x)",
        "leaky ReLU",
        "#882255",
        lambda x: np.where(x > 0, x, LEAKY_ALPHA * x),
        lambda x: np.where(x > 0, 1.0, LEAKY_ALPHA),
        homogeneous_second_moment=(1 + LEAKY_ALPHA**2) / 2,
    ),
    "elu": Activation(
        "φ(x) = x for x > 0, e^x − 1 otherwise",
        "ELU",
        "#56B4E9",
        lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))),
        lambda x: np.exp(np.minimum(x, 0.0)),
    ),
    "selu": Activation(
        "φ(x) = λ·elu_α(x), λ ≈ 1.0507, α ≈ 1.6733",
        "SELU",
        "#332288",
        lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0))),
        lambda x: SELU_SCALE * np.where(x < 0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)), 1.0),
    ),
    "gelu": Activation(
        "φ(x) = x·Φ(x)",
        "GELU",
        "#117733",
        lambda x: np.maximum(x, -40.0) * ndtr(np.maximum(x, -40.0)),
        _gelu_prime,
    ),
    "silu": Activation("φ(x) = x·σ(x)", "SiLU", "#225555", lambda x: np.maximum(x, -800.0) * expit(x), _silu_prime),
    "softplus": Activation("φ(x) = ln(1 + e^x)", "softplus", "#CC79A7", lambda x: np.logaddexp(0.0, x), expit),
}
