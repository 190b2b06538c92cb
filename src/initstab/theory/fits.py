"""Fits of measured trajectories to the theory's functional forms."""

import math

import numpy as np

DEPTH_SCALE_FLOOR = 0.01  # fit |c_l − c*| only above this, and above 3σ of its finite-width noise


def fit_depth_scale(layers: np.ndarray, correlations: np.ndarray, c_star: float, floor: float) -> float:
    """ξ from a least-squares fit of ln|c_l − c*| = a − l/ξ over the layers where |c_l − c*| > ``floor`` (the
    finite-width noise), up to the first layer that falls below it; NaN with fewer than 3 such layers."""
    distance = np.abs(np.asarray(correlations, dtype=float) - c_star)
    above = distance > floor
    stop = len(above) if above.all() else int(np.argmin(above))
    if stop < 3:
        return math.nan
    slope = np.polyfit(np.asarray(layers[:stop], dtype=float), np.log(distance[:stop]), 1)[0]
    return math.inf if slope >= 0 else -1.0 / slope


def trainable_depth(depths, accuracies, threshold: float) -> float:
    """The deepest of ``depths`` whose accuracy reaches ``threshold`` (0 when none does).

    Schoenholz et al. (2017) read the trainable depth off a grid of trained nets this way; a grid whose deepest
    depth reaches the threshold bounds the trainable depth from below only.
    """
    depths, accuracies = np.asarray(depths, dtype=float), np.asarray(accuracies, dtype=float)
    reached = depths[accuracies >= threshold]
    return float(reached.max()) if reached.size else 0.0
