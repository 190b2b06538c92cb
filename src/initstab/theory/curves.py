"""Predicted per-layer curves of the networks the kernels run, from a combination's σ_w² and σ_b²."""

import numpy as np

from initstab.activations import ACTIVATIONS
from initstab.theory import meanfield, quadrature


def gradient_flow_curve(
    activation: str,
    sigma_w2: float,
    width: int,
    depth: int,
    bias_variance: float = 0.0,
    gaussian: bool = True,
    finite_width: bool = True,
) -> np.ndarray:
    """Predicted mean_ij|Y_ij| of the gradient-flow kernel at layers 1..depth (h₀ = 1, so q₁ = σ²_w + σ²_b), from
    ``meanfield.predicted_log_grad_mean_abs``, with the first layer's φ′(z₁) scaling the columns of Y (for ReLU
    half of them are 0 at every depth); with ``finite_width`` its per-layer correction of E ln (the mean of the
    log is not the log of the mean; ``gaussian``: Gaussian rather than orthogonal weights)."""
    logs = meanfield.predicted_log_grad_mean_abs(
        activation,
        sigma_w2,
        width,
        depth,
        input_mean_square=1.0,
        bias_variance=bias_variance,
        finite_width=finite_width,
        gaussian=gaussian,
        first_layer_columns=True,
    )
    with np.errstate(over="ignore"):
        return np.exp(logs)


def forward_std_curve(activation: str, sigma_w2: float, depth: int, bias_variance: float = 0.0) -> np.ndarray:
    """Predicted std over units of x_l, l = 0..depth, for x₀ ~ N(0, I) (``meanfield.predicted_forward_std``)."""
    return meanfield.predicted_forward_std(
        activation, sigma_w2, depth, input_mean_square=1.0, bias_variance=bias_variance
    )


def one_layer_mean_square(activation: str, sigma_w2: float) -> float:
    """E[φ(y)²] for y = x·W, x ~ N(0, I): y ~ N(0, σ_w²), so σ_w² for φ(x) = x and σ_w²/2 for ReLU (He et al. 2015)."""
    phi = ACTIVATIONS[activation].phi
    return float(quadrature.gaussian_expectation(lambda x: phi(x) ** 2, sigma_w2))
