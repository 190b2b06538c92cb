"""Figures are functions: table in, Figure out; empty selections give a placeholder, not a crash."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from initstab import figures, stats, tidy
from initstab.combinations import combination_table
from initstab.experiments import EXPERIMENTS, FIGURES
from initstab.theory import curves

CONFIG = {
    "seed": 3,
    "dtype": "float32",
    "experiments": {
        "gradient_flow": {
            "width": 8,
            "depth": 3,
            "seeds": 3,
            "repeats": 1,
            "cases": [{"activations": ["relu"], "inits": ["normal"], "scales": [0.1]}],
        }
    },
}


def summary_of(grad_mean_abs: np.ndarray) -> pd.DataFrame:
    """The gradient_flow summary of one relu, N(0, 0.1²) combination whose kernel measured ``grad_mean_abs``."""
    ((_, job),) = combination_table(CONFIG).items()
    seeds, depth = grad_mean_abs.shape
    ones = np.ones((seeds, depth))
    metrics = {
        "grad_mean_abs": grad_mean_abs,
        "grad_mean_abs_native": grad_mean_abs,
        "hidden_all_finite": ones,
        "grad_all_finite": ones,
        "grad_any_nonzero": ones,
    }
    table = tidy.assemble(EXPERIMENTS["gradient_flow"].rows(job, job.combinations[0], metrics, "CPU:0"))
    return stats.summarize(table, [*tidy.SPEC_COLUMNS, "layer", "x", "metric"])


def test_gradient_figure_draws_the_median_per_scale_and_the_theory_dashed():
    values = np.array([[1.0, 0.1, 0.01], [2.0, 0.2, 0.02], [3.0, 0.3, np.inf]])
    fig = FIGURES["gradient_flow_scales"].plot(summary_of(values))
    assert isinstance(fig, matplotlib.figure.Figure)
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata())]
    (median,) = [ln for ln in lines if ln.get_linestyle() == "-"]
    np.testing.assert_array_equal(median.get_ydata(), [2.0, 0.2, 0.02])
    (predicted,) = [ln for ln in lines if ln.get_linestyle() == "--"]
    np.testing.assert_array_equal(predicted.get_xdata(), [1, 2, 3])
    # σ_w² = fan_in·s² = 8·0.01, Gaussian weights, from the combination table's sigma_w2 column
    np.testing.assert_allclose(predicted.get_ydata(), curves.gradient_flow_curve("relu", 0.08, 8, 3), rtol=1e-14)
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[0].get_title() == "relu"


@pytest.mark.parametrize(
    "name", ["gradient_flow_inits", "forward", "phase_diagram", "jacobian_spectrum", "precision", "depth_scale"]
)
def test_figures_without_their_cases_say_so(name):
    summary = summary_of(np.ones((2, 3)))
    fig = FIGURES[name].plot(summary[summary["metric"] == "grad_mean_abs"])  # no over/underflow rows: no precision
    assert "no" in fig.axes[0].texts[0].get_text()


def test_theory_line_draws_only_the_finite_positive_part():
    fig, ax = matplotlib.pyplot.subplots()
    figures.theory_line(ax, np.array([1.0, 0.0, np.inf, 2.0, np.nan, 1e301]), "k", first_layer=1)
    figures.theory_line(ax, None, "k", first_layer=1)  # no theory: nothing drawn
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 4])
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 2.0])


def test_scale_colours_are_one_per_scale_in_order():
    colours = figures.scale_colors([0.5, 0.1, 0.5, 2.0])
    assert list(colours) == [0.1, 0.5, 2.0] and len(set(colours.values())) == 3


def test_facets_hide_the_unused_panels():
    fig, axes = figures.facets(4, ncols=3)
    assert [ax.get_visible() for ax in fig.axes] == [True, True, True, True, False, False]
    assert len(list(axes)) == 6


def test_save_writes_pdf_and_png_with_the_metadata(tmp_path):
    fig = figures.placeholder("empty")
    pdf, png = tmp_path / "f.pdf", tmp_path / "f.png"
    figures.save(fig, str(pdf), str(png), {"Title": "f", "Keywords": "config hash abc123"})
    assert pdf.read_bytes().startswith(b"%PDF") and b"abc123" in pdf.read_bytes()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and b"abc123" in png.read_bytes()
