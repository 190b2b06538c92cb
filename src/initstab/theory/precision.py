"""Where a dtype gives up: the layers at which the mean-field curves pass its limits."""

import math

import ml_dtypes
import numpy as np

from initstab.activations import ACTIVATIONS
from initstab.theory import meanfield


def finfo(dtype: str):
    """Limits of a dtype by name (numpy's finfo knows no bfloat16)."""
    return ml_dtypes.finfo(ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype))


def underflow_threshold(dtype: str) -> float:
    """Below this every entry reads 0 on TensorFlow's CPU kernels: the smallest normal for float32/bfloat16/float64
    (subnormals are flushed to zero), half the smallest subnormal for float16 (computed in float32, then rounded)."""
    info = finfo(dtype)
    return float(info.smallest_subnormal) / 2 if dtype == "float16" else float(info.smallest_normal)


def _extreme(n: int) -> float:
    """≈ E max of n |N(0, 1)| draws: √(2 ln 2n)."""
    return math.sqrt(2 * math.log(2 * n))


def predicted_event_layers(
    activation: str, sigma_w2: float, bias_variance: float, grad_curve: np.ndarray, width: int, dtype: str
) -> tuple[float, float]:
    """First layers (1-based; inf: not within the network) at which, by the mean-field curves, the gradient-flow
    kernel overflows — the largest |h_l| ≈ |φ(√q_l·√(2 ln 2N))| or max|Y_ij| ≈ mean|Y|·√(π/2)·√(2 ln 2N²) passes
    the dtype's max — and underflows — max|Y_ij| falls under ``underflow_threshold`` (every entry reads 0).
    ``grad_curve``: the predicted mean|Y_ij| at layers 1..depth."""
    depth = len(grad_curve)
    largest = float(finfo(dtype).max)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        grad_peak = np.log(grad_curve) + math.log(math.sqrt(math.pi / 2) * _extreme(width**2))
        q = meanfield.variance_trajectory(activation, sigma_w2, bias_variance, 1.0, depth)
        hidden_peak = np.abs(ACTIVATIONS[activation].phi(np.sqrt(q) * _extreme(width)))
    layers = np.arange(1, depth + 1, dtype=float)
    over = (grad_peak > math.log(largest)) | ~(hidden_peak <= largest)
    under = grad_peak < math.log(underflow_threshold(dtype))
    return (layers[over][0] if over.any() else math.inf), (layers[under][0] if under.any() else math.inf)
