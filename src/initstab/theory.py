"""Predictions printed beside the measurements (pure functions; scipy for special functions, no TensorFlow)."""

import functools
import math

import numpy as np
from scipy.special import digamma

from initstab import meanfield

EDGE_OF_CHAOS_INITS = {"critical": "lecun_normal", "critical_orthogonal": "orthogonal"}


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


@functools.lru_cache(maxsize=256)
def critical_weight_variance(activation: str, bias_variance: float = 0.0) -> float:
    """σ²_w at the edge of chaos, χ₁(q*) = 1 (cached ``meanfield.critical_weight_variance``).

    Linear, relu, leaky_relu: 1/E[φ′²] (1, 2, 2/(1+α²)) at every σ²_b, since their χ₁ does not depend on q; with
    σ²_b > 0 the fixed point there is q* = ∞ (V(q) = q + σ²_b), so ``input_variance`` falls back to 1."""
    return meanfield.critical_weight_variance(activation, bias_variance)


def sigma_w2(activation: str, init: str, scale: float, width: int, bias_variance: float = 0.0) -> float | None:
    """σ²_w = fan_in·Var(W_ij) of width×width layers; None for the non-centred and data-dependent (LSUV) inits."""
    if init in EDGE_OF_CHAOS_INITS:
        return scale**2 * critical_weight_variance(activation, bias_variance)
    variance = weight_variance(init, scale, width, width)
    return None if variance is None else width * variance


def draw_rule(activation: str, init: str, scale: float, bias_variance: float = 0.0) -> tuple[str, float]:
    """The registry initializer and scale that draw ``init``: the edge-of-chaos inits are LeCun-normal or
    orthogonal with gain s·√σ²_w,crit(φ, σ_b²); LSUV starts from orthogonal (gain 1) and rescales per layer."""
    if init in EDGE_OF_CHAOS_INITS:
        return EDGE_OF_CHAOS_INITS[init], scale * math.sqrt(critical_weight_variance(activation, bias_variance))
    if init == "lsuv":
        return "orthogonal", 1.0
    return init, scale


def input_variance(activation: str, init: str, scale: float, width: int, bias_variance: float = 0.0) -> float:
    """Pre-activation variance at which the fixed-point experiments start: q* of the combination, or 1 where the
    theory gives q* = 0 or ∞ (the ordered tanh/ReLU phase without biases, exploding ReLU, and ``critical`` or
    ``critical_orthogonal`` linear/relu/leaky_relu with biases, whose edge of chaos has q* = ∞) or no σ²_w."""
    variance = sigma_w2(activation, init, scale, width, bias_variance)
    if variance is None:
        return 1.0
    q = meanfield.fixed_point(activation, variance, bias_variance)
    return q if 0 < q < math.inf else 1.0


def gradient_flow_curve(
    activation: str,
    init: str,
    scale: float,
    width: int,
    depth: int,
    bias_variance: float = 0.0,
    finite_width: bool = True,
):
    """Predicted mean_ij|Y_ij| of the gradient_flow kernel at layers 1..depth (h₀ = 1, so q₁ = σ²_w + σ²_b), from
    ``meanfield.predicted_log_grad_mean_abs``, with the first layer's φ′(z₁) scaling the columns of Y (for ReLU
    half of them are 0 at every depth); with ``finite_width`` its per-layer correction of E ln (the mean of the
    log is not the log of the mean). None where the init has no σ²_w (non-centred, LSUV)."""
    variance = sigma_w2(activation, init, scale, width, bias_variance)
    if variance is None:
        return None
    logs = meanfield.predicted_log_grad_mean_abs(
        activation,
        variance,
        width,
        depth,
        input_mean_square=1.0,
        sigma_b2=bias_variance,
        finite_width=finite_width,
        gaussian="orthogonal" not in init,
        first_layer_columns=True,
    )
    with np.errstate(over="ignore"):
        return np.exp(logs)


def forward_std_curve(activation: str, init: str, scale: float, width: int, depth: int, bias_variance: float = 0.0):
    """Predicted std over units of x_l, l = 0..depth, for x₀ ~ N(0, I) (``meanfield.predicted_forward_std``);
    None where the init has no σ²_w."""
    variance = sigma_w2(activation, init, scale, width, bias_variance)
    if variance is None:
        return None
    return meanfield.predicted_forward_std(activation, variance, depth, input_mean_square=1.0, sigma_b2=bias_variance)
