"""Gaussian expectations by composite Gauss–Legendre quadrature, never sampling.

Panel edges sit on the kinks (x = 0, and u₂ = 0 in the 2-D integrals) and are graded geometrically around them,
so ReLU-like φ and the narrow φ′ of a saturating φ at large q are integrated to ~10⁻¹² (checked against scipy's
quad). Gauss–Hermite with 96 nodes, tried first, is off by 3 % in E[φ′(√q z)²] of the hyperbolic tangent at
q = 10, 89 % at q = 100, and 0.5 % for ELU at q = 1.
"""

from collections.abc import Callable

import numpy as np
from numpy.polynomial.legendre import leggauss

Fn = Callable[[np.ndarray], np.ndarray]
Floats = float | np.ndarray

_GL_X, _GL_W = leggauss(12)  # Gauss–Legendre nodes per panel
_X_EDGES = 2.0 ** np.arange(-3, 7, 1.5)  # panel edges at |x| = 1/8 … 64 around an activation's kink/bend at x = 0
_Z_EDGES = np.array([0, 1, 2, 3, 4, 5.5, 7, 9, 12.0])  # for the Gaussian; |z| > 12 carries < 10⁻³² of the mass
_Z_EDGES = np.concatenate([-_Z_EDGES[:0:-1], _Z_EDGES])


def _out(x: np.ndarray) -> Floats:
    return float(x) if np.ndim(x) == 0 else x


def _panels(centre: np.ndarray, scale: np.ndarray, width: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Nodes z and weights w (shape (..., n)) with Σ w F(z) ≈ E[F(z)], z ~ N(0, 1), for F(z) = f(scale·(z − centre)).

    Composite Gauss–Legendre, 12 nodes a panel: edges at the centre (f's kink lands on an edge), at centre ± x_k/scale
    with x_k geometric from 1/8 to 64 (f's features at |x| ~ 1 resolved at any scale), at 0, ±1, ±2, ±3, ±4, ±5.5,
    ±7, ±9, ±12 (for the density), and with ``width`` also at centre ± x_k·width (a second feature size, in z).
    """
    centre, scale = np.asarray(centre, dtype=float)[..., None], np.asarray(scale, dtype=float)[..., None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        offsets = _X_EDGES / scale if width is None else np.concatenate([_X_EDGES / scale, _X_EDGES * width], axis=-1)
        edges = [
            np.broadcast_to(_Z_EDGES, centre.shape[:-1] + _Z_EDGES.shape),
            centre,
            centre - offsets,
            centre + offsets,
        ]
    edges = np.sort(np.clip(np.nan_to_num(np.concatenate(edges, axis=-1), nan=12.0), -12.0, 12.0), axis=-1)
    half = (edges[..., 1:] - edges[..., :-1])[..., None] / 2
    z = (edges[..., 1:] + edges[..., :-1])[..., None] / 2 + half * _GL_X
    w = half * _GL_W * np.exp(-0.5 * z * z)
    shape = z.shape[:-2] + (-1,)
    w = w.reshape(shape)
    return z.reshape(shape), w / w.sum(axis=-1, keepdims=True)


def gaussian_expectation(f: Fn, q: Floats) -> Floats:
    """E[f(√q·z)], z ~ N(0, 1), by composite Gauss–Legendre quadrature (``_panels``). Vectorised over q."""
    root = np.sqrt(np.asarray(q, dtype=float))
    z, w = _panels(np.zeros_like(root), root)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _out(np.sum(np.where(w > 0, f(root[..., None] * z) * w, 0.0), axis=-1))  # 0·nan at empty panels


def gaussian_pair_expectation(f: Fn, g: Fn, q: float, c: Floats) -> Floats:
    """E[f(u₁)g(u₂)], u₁ = √q z₁, u₂ = √q(c z₁ + √(1−c²) z₂), z₁, z₂ i.i.d. N(0, 1). Vectorised over c.

    Nested 1-D rules: for each node z₁, the z₂ rule has its kink edge at z₂ = −c z₁/√(1−c²), where u₂ = 0.
    """
    c = np.clip(np.asarray(c, dtype=float), -1.0, 1.0)
    root = np.sqrt(q)
    result = np.empty(c.shape)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for index, ci in np.ndenumerate(c):
            si = np.sqrt(1.0 - ci * ci)
            # the inner integral smooths g over √q·s: a feature of width ~s in z₁ at 0 as c → 1
            z1, w1 = _panels(np.zeros(()), np.asarray(root), width=si)
            z1, w1 = z1[w1 > 0], w1[w1 > 0]  # drop empty panels
            z2, w2 = _panels(-ci * z1 / si, np.full(z1.shape, root * si))
            inner = np.sum(np.where(w2 > 0, g(root * (ci * z1[:, None] + si * z2)) * w2, 0.0), axis=-1)
            result[index] = np.sum(f(root * z1) * w1 * inner)
    return _out(result)
