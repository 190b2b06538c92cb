"""Predictions printed beside the measurements (pure functions; scipy for special functions, no TensorFlow)."""

import math

from scipy.special import digamma


def lyapunov_exponent(scale: float, width: int) -> float:
    """Top Lyapunov exponent of products of width×width matrices with i.i.d. N(0, scale²) entries.

    λ₁ = ln(s√k) + ½(ψ(k/2) − ln(k/2)) = ln s + ½(ψ(k/2) + ln 2)   (Newman 1986).
    Exact at every n, not only asymptotically: by rotational invariance ‖W_n⋯W_1 e_j‖² is a product of n
    independent s²·χ²_k variables, so E ln‖Y e_j‖ = n·λ₁.
    """
    return math.log(scale) + 0.5 * (digamma(width / 2) + math.log(2.0))


def mean_log_abs_entry(scale: float, width: int, n: int) -> float:
    """E ln|Y_ij| for Y = W_n⋯W_1 with i.i.d. N(0, s²) entries: n·λ₁ + ½(ψ(½) − ψ(k/2)).

    Y e_j = ‖Y e_j‖·u with u uniform on the sphere and independent of the norm; u_i² ~ Beta(½, (k−1)/2),
    whose log has mean ψ(½) − ψ(k/2).
    """
    return n * lyapunov_exponent(scale, width) + 0.5 * (digamma(0.5) - digamma(width / 2))


def weight_variance(init: str, scale: float, fan_in: int, fan_out: int) -> float | None:
    """Var(W_ij) of a centred initializer (None for the non-centred ones)."""
    variances = {
        "normal": scale**2,
        "uniform": scale**2 / 3,
        "xavier_uniform": scale**2 * 2 / (fan_in + fan_out),
        "xavier_normal": scale**2 * 2 / (fan_in + fan_out),
        "he_normal": scale**2 * 2 / fan_in,
        "he_uniform": scale**2 * 2 / fan_in,
        "lecun_normal": scale**2 / fan_in,
        "orthogonal": scale**2 / fan_in,
    }
    return variances.get(init)


def one_layer_mean_square(activation: str, init: str, scale: float, width: int) -> float | None:
    """E[φ(y)²] for y = x·W, x ~ N(0, I), W width×width centred: fan_in·Var(W) for linear, half that for ReLU
    (He et al. 2015). None where no closed form is coded."""
    variance = weight_variance(init, scale, width, width)
    factor = {"linear": 1.0, "relu": 0.5}.get(activation)
    return None if variance is None or factor is None else factor * width * variance
