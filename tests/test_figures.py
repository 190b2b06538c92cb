"""Figures are functions: table in, Figure out; empty selections give a placeholder, not a crash."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from initstab import figures, stats, theory, tidy

SPEC = {
    "experiment": "gradient_flow",
    "activation": "relu",
    "init": "normal",
    "scale": 0.1,
    "bias_variance": 0.0,
    "width": 8,
    "depth": 3,
    "dtype": "float32",
}


def summary_of(metrics: dict, spec=SPEC) -> pd.DataFrame:
    table = tidy.assemble(tidy.per_layer_rows(spec, "CPU:0", metrics, first_layer=1))
    return stats.summarize(table, [*tidy.SPEC_COLUMNS, "layer", "x", "metric"])


def test_gradient_figure_draws_the_median_per_scale_and_the_theory_dashed():
    values = np.array([[1.0, 0.1, 0.01], [2.0, 0.2, 0.02], [3.0, 0.3, np.inf]])
    fig = figures.plot_gradient_flow_scales(summary_of({"grad_mean_abs": values}))
    assert isinstance(fig, matplotlib.figure.Figure)
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata())]
    (median,) = [ln for ln in lines if ln.get_linestyle() == "-"]
    np.testing.assert_array_equal(median.get_ydata(), [2.0, 0.2, 0.02])
    (predicted,) = [ln for ln in lines if ln.get_linestyle() == "--"]
    np.testing.assert_allclose(predicted.get_ydata(), theory.gradient_flow_curve("relu", "normal", 0.1, 8, 3))
    assert fig.axes[0].get_yscale() == "log"


@pytest.mark.parametrize("name", ["gradient_flow_inits", "forward"])
def test_figures_without_their_cases_say_so(name):
    fig = figures.FIGURES[name](summary_of({"grad_mean_abs": np.ones((2, 3))}))
    assert "no" in fig.axes[0].texts[0].get_text()


def test_activation_colours_are_fixed_and_distinct():
    colours = list(figures.ACTIVATION_COLORS.values())
    assert len(set(colours)) == len(colours) == len(figures.ACTIVATIONS)
