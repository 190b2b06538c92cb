"""Figures are functions: table in, Figure out; empty selections give a placeholder, not a crash."""

import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest

from initstab import figures, stats, tidy
from initstab.activations import ACTIVATIONS
from initstab.combinations import combination_table
from initstab.experiments import EXPERIMENTS, FIGURES
from initstab.initializers import INITIALIZERS
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
    assert predicted.get_color() == "k" and predicted.get_zorder() > median.get_zorder()  # theory on top
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[0].get_title() == "ReLU"  # the registry's display name


@pytest.mark.parametrize(
    "name", ["gradient_flow_inits", "forward", "phase_diagram", "jacobian_spectrum", "precision", "depth_scale"]
)
def test_figures_without_their_cases_say_so(name):
    summary = summary_of(np.ones((2, 3)))
    fig = FIGURES[name].plot(summary[summary["metric"] == "grad_mean_abs"])  # no over/underflow rows: no precision
    assert "no" in fig.axes[0].texts[0].get_text()


def test_theory_line_draws_only_the_finite_positive_part():
    fig, ax = matplotlib.pyplot.subplots()
    ax.set_yscale("log")
    figures.theory_line(ax, np.array([1.0, 0.0, np.inf, 2.0, np.nan, 1e301]), first_layer=1)
    figures.theory_line(ax, None, first_layer=1)  # no theory: nothing drawn
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 4])
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 2.0])


def test_scale_colours_are_one_per_scale_in_order():
    colours = figures.scale_colors([0.5, 0.1, 0.5, 2.0])
    assert list(colours) == [0.1, 0.5, 2.0] and len(set(colours.values())) == 3


# CAM02-UCS ΔE: about 1 is one just-noticeable difference; 15 keeps two thin lines told apart at print size.
# Checked with normal vision and with 50 % deuteranomaly and protanomaly (the commonest deficiencies, simulated).
DISTINCT = 15.0
VISIONS = [None, "deuteranomaly", "protanomaly"]


def delta_e(a, b, vision=None) -> float:
    from colorspacious import cspace_convert, deltaE

    a, b = np.array(matplotlib.colors.to_rgb(a)), np.array(matplotlib.colors.to_rgb(b))
    if vision:
        space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 50}
        a, b = (np.clip(cspace_convert(c, space, "sRGB1"), 0, 1) for c in (a, b))
    return float(deltaE(a, b, input_space="sRGB1"))


@pytest.mark.parametrize("registry", [ACTIVATIONS, INITIALIZERS], ids=["activations", "initializers"])
def test_registry_colours_are_far_apart_and_far_from_the_theory_black(registry):
    # the symmetric inits appear in the symmetry experiment alone, where they are panels, not colours
    colours = {name: entry.color for name, entry in registry.items() if not getattr(entry, "symmetric", False)}
    for vision in VISIONS:
        closest = min((delta_e(colours[a], colours[b], vision), a, b) for a, b in itertools.combinations(colours, 2))
        assert closest[0] >= DISTINCT, (vision, closest)
        assert min(delta_e(c, "k", vision) for c in colours.values()) >= 2 * DISTINCT


def test_facets_hide_the_unused_panels_and_label_the_lowest_of_each_column():
    fig, axes = figures.facets(4, ncols=3, xlabel="layer l")
    assert [ax.get_visible() for ax in fig.axes] == [True, True, True, True, False, False]
    assert len(list(axes)) == 6
    # panel 3 is alone in the second row: panels 1 and 2 above the empty slots are the lowest of their columns
    assert [ax.get_xlabel() for ax in fig.axes[:4]] == ["", "layer l", "layer l", "layer l"]
    fig.canvas.draw()
    shown = [any(label.get_visible() and label.get_text() for label in ax.get_xticklabels()) for ax in fig.axes[:4]]
    assert shown == [False, True, True, True]


def test_save_writes_pdf_and_png_with_the_metadata(tmp_path):
    fig = figures.placeholder("empty")
    pdf, png = tmp_path / "f.pdf", tmp_path / "f.png"
    figures.save(fig, str(pdf), str(png), {"Title": "f", "Keywords": "config hash abc123"})
    assert pdf.read_bytes().startswith(b"%PDF") and b"abc123" in pdf.read_bytes()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and b"abc123" in png.read_bytes()


def layout_problems(fig) -> list[str]:
    """What a reviewer would flag in a drawn figure: panels (labels, ticks, their legends), figure texts or legends
    outside the canvas; a legend over any panel's data area, axis tick labels, axis label or title."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox

    def inside(box) -> bool:
        return (
            box.x0 >= canvas.x0 - 1 and box.x1 <= canvas.x1 + 1 and box.y0 >= canvas.y0 - 1 and box.y1 <= canvas.y1 + 1
        )

    found = []
    panels = [ax for ax in fig.axes if ax.get_visible()]
    for ax in panels:
        if not inside(ax.get_tightbbox(renderer)):
            found.append(f"panel {ax.get_title()!r} (labels, ticks or legend) outside the canvas")
    for text in {*fig.texts, *([fig._suptitle] if fig._suptitle else [])}:
        if text.get_text().strip() and not inside(text.get_window_extent(renderer)):
            found.append(f"figure text {text.get_text()!r} outside the canvas")
    for legend in [*fig.legends, *(ax.get_legend() for ax in panels if ax.get_legend())]:
        box = legend.get_window_extent(renderer)
        if not inside(box):
            found.append("a legend outside the canvas")
        for ax in panels:
            parts = {"data area": ax.bbox, "x axis": ax.xaxis.get_tightbbox(renderer)}
            parts |= {"y axis": ax.yaxis.get_tightbbox(renderer)}
            if ax.get_title():
                parts["title"] = ax.title.get_window_extent(renderer)
            for part, other in parts.items():
                overlap = None if other is None else box.intersection(box, other)
                if overlap is not None and overlap.width > 1 and overlap.height > 1:
                    found.append(f"a legend over the {part} of panel {ax.get_title()!r}")
    return found


def test_layout_check_sees_a_legend_over_the_data_and_a_title_off_the_canvas():
    fig, ax = matplotlib.pyplot.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(loc="center")
    fig.suptitle("a title far too long for a figure two inches wide")
    problems = layout_problems(fig)
    assert "a legend over the data area of panel ''" in problems
    assert any(problem.startswith("figure text") for problem in problems)


@pytest.mark.workflow
@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_of_the_tiny_run_is_laid_out_and_its_colours_apart(tiny, name):
    """Each figure drawn from the tiny run's own table: nothing outside the canvas, no legend over a panel, and no
    two data colours of one panel closer than DISTINCT (theory black and grey references aside)."""
    from initstab.experiments import experiment_of

    figure = FIGURES[name]
    suffix = "_summary" if figure.table == "summary" else ""
    path = tiny / "results" / "tables" / f"{experiment_of(name).name}{suffix}.csv"
    table = pd.read_csv(path, dtype={"layer": "Int64"}) if figure.table == "summary" else tidy.read_table(path)
    fig = figure.plot(table)
    assert layout_problems(fig) == []
    for ax in fig.axes:
        colours = {matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines() if len(line.get_xdata())}
        colours = {c for c in colours if len(set(c[1:].lower()[i : i + 2] for i in (0, 2, 4))) > 1}  # no greys
        for a, b in itertools.combinations(sorted(colours), 2):
            assert delta_e(a, b) >= DISTINCT, (ax.get_title(), a, b)
