"""Depth-scale fits on synthetic trajectories with a known ξ."""

import math

import numpy as np
import pytest

from initstab.theory import fits


@pytest.mark.parametrize(("xi", "c_star"), [(3.0, 1.0), (12.5, 0.4)])
def test_fit_recovers_an_exponential_decay(xi, c_star):
    layers = np.arange(1, 40)
    correlations = c_star - 0.5 * np.exp(-layers / xi)  # |c_l − c*| = ½ e^{−l/ξ}
    fitted = fits.fit_depth_scale(layers, correlations, c_star, floor=fits.DEPTH_SCALE_FLOOR)
    assert fitted == pytest.approx(xi, rel=1e-10)


def test_fit_stops_at_the_first_layer_under_the_floor():
    layers = np.arange(1, 30)
    distance = 0.5 * np.exp(-layers / 4.0)
    distance[8:] = 0.3  # noise after layer 8 that never returns under the floor would bend the fit
    distance[6] = 0.001  # under the floor at layer 7: only layers 1–6 count
    assert fits.fit_depth_scale(layers, 1 - distance, 1.0, floor=0.01) == pytest.approx(4.0, rel=1e-10)


def test_fit_needs_three_layers_and_reports_growth_as_inf():
    layers = np.arange(1, 10)
    assert math.isnan(fits.fit_depth_scale(layers, np.full(9, 0.999), 1.0, floor=0.01))
    assert math.isnan(fits.fit_depth_scale(layers, 1 - np.array([0.5, 0.3, 0.001, *[0.5] * 6]), 1.0, floor=0.01))
    assert fits.fit_depth_scale(layers, 1 - 0.02 * np.exp(layers / 5), 1.0, floor=0.01) == math.inf


def test_trainable_depth_finds_a_known_boundary_on_noisy_synthetic_accuracies():
    """Accuracy 0.95 up to a known depth L* and chance (0.1) beyond, with seeded noise of ±0.03: the deepest grid
    depth that reaches 80 % of the best is the deepest grid depth at or below L*."""
    rng = np.random.default_rng(3)
    depths = np.array([2, 4, 8, 12, 16, 24, 32, 48, 64])
    for boundary in [3.0, 12.0, 40.0, 100.0]:
        accuracy = np.where(depths <= boundary, 0.95, 0.1) + rng.uniform(-0.03, 0.03, depths.size)
        threshold = 0.8 * accuracy.max()
        assert fits.trainable_depth(depths, accuracy, threshold) == depths[depths <= boundary].max()
    assert fits.trainable_depth(depths, np.full(depths.size, 0.1), 0.5) == 0.0  # no depth trains
