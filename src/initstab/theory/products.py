"""Products of i.i.d. Gaussian matrices (the matrix-product experiment; scipy's digamma)."""

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
