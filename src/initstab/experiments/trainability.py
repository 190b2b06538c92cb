"""trainability: accuracy after a fixed training budget over (σ_w², depth) beside 6ξ_c (Schoenholz et al. 2017).

Fully connected nets train only to depths of about 6ξ_c, with ξ_c = −1/ln χ_c the correlation depth scale of the
mean-field theory; ξ_c diverges at the edge of chaos. Every net of a (σ_w², σ_b²) cell trains with the same
optimizer, learning rate and budget, on scikit-learn's digits.
"""

import math

import numpy as np
import pandas as pd

from initstab import tidy
from initstab.experiments.base import Experiment, Figure
from initstab.theory import fits, meanfield, table

TRAINABLE_FRACTION = 0.8  # trainable: median test accuracy at least this fraction of the best cell's
RULES = (3, 6)  # c·ξ_c drawn on the heat map
QUANTITY = f"trainable depth (median test accuracy ≥ {TRAINABLE_FRACTION:.0%} of the best) vs 6ξ_c"
CELL = ["activation", "init", "bias_variance", "width", "dtype", "regime"]  # one heat map


def rows(job, combination, metrics, device):
    return tidy.per_step_rows(
        tidy.spec_values(job, combination), device, metrics, job.training.recorded_steps, job.first_seed
    )


def final_accuracy(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows of the test accuracy after the whole budget (each depth's last recorded step)."""
    data = summary[summary["metric"] == "test_accuracy"]
    return data[data["x"] == data.groupby("depth")["x"].transform("max")]


def trainable_depths(summary: pd.DataFrame) -> pd.DataFrame:
    """Per heat map and σ_w²: the measured trainable depth, the threshold it used and the grid's deepest L."""
    found = []
    for _, cell in final_accuracy(summary).groupby(CELL, dropna=False):
        threshold = TRAINABLE_FRACTION * float(cell["median"].max())
        for _, column in cell.groupby("sigma_w2"):
            first = column.iloc[0]
            found.append(
                {
                    **{key: first[key] for key in tidy.SPEC_COLUMNS},
                    "depth": int(column["depth"].max()),
                    "trainable_depth": fits.trainable_depth(column["depth"], column["median"], threshold),
                    "threshold": threshold,
                }
            )
    return pd.DataFrame(found)


def predicted_rule(activation: str, sigma_w2, bias_variance: float, multiple: float = 6) -> np.ndarray:
    """c·ξ_c(σ_w²) (∞ where ξ_c diverges, at the edge of chaos)."""
    xi = np.array([meanfield.depth_scales(activation, float(s), bias_variance)[1] for s in np.atleast_1d(sigma_w2)])
    return np.where((xi > 0) & (xi < 1e6), multiple * xi, np.inf)


def theory_rows(summary):
    """Per σ_w²: the measured trainable depth beside 6ξ_c; relative error + 1 is their ratio."""
    found = []
    for row in trainable_depths(summary).itertuples(index=False):
        spec = row._asdict()
        measured = pd.Series({"median": row.trainable_depth, "p05": math.nan, "p95": math.nan})
        predicted = float(predicted_rule(row.activation, row.sigma_w2, row.bias_variance)[0])
        found.append(table.row(spec, QUANTITY, math.nan, measured, predicted))
    return found


def report(rows):
    if rows.empty:
        return ""
    cells = "; ".join(
        f"σ<sub>w</sub><sup>2</sup> = {r.sigma_w2:.3g}: {'≥ ' if r.measured_median >= r.depth else ''}"
        f"{r.measured_median:.0f} vs {r.predicted:.3g}"
        + ("" if math.isnan(r.relative_error) else f" (ratio {1 + r.relative_error:.2f})")
        for r in rows.sort_values("sigma_w2").itertuples()
    )
    return (
        f"<p>Trainability: the deepest net whose median test accuracy reaches {TRAINABLE_FRACTION:.0%} of the "
        f"best cell's, per σ<sub>w</sub><sup>2</sup>, measured vs 6ξ<sub>c</sub> (Schoenholz et al. 2017): {cells}. "
        "“≥” marks the grid's deepest depth; 6ξ<sub>c</sub> = ∞ at the edge of chaos, where the budget, not "
        "the depth scale, bounds the trainable depth.</p>"
    )


def _edges(centres: np.ndarray, log: bool) -> np.ndarray:
    """Cell edges halfway between grid points (geometric halfway on a log axis), the outer ones mirrored."""
    values = np.log(centres) if log else centres
    inner = (values[1:] + values[:-1]) / 2
    first = values[0] - (inner[0] - values[0]) if len(values) > 1 else values[0] - 0.5
    last = values[-1] + (values[-1] - inner[-1]) if len(values) > 1 else values[-1] + 0.5
    edges = np.concatenate([[first], inner, [last]])
    return np.exp(edges) if log else edges


def plot(summary):
    """Median test accuracy after the budget over (σ_w², depth L), one panel per heat map; the theory's 3ξ_c and
    6ξ_c dense over σ_w² (white, dotted and dashed), the measured trainable depth as dots."""
    import matplotlib.pyplot as plt
    from matplotlib import patheffects

    from initstab import figures
    from initstab.activations import ACTIVATIONS

    data = final_accuracy(summary)
    data = data[data["sigma_w2"].notna()]
    if data.empty:
        return figures.placeholder("Trainability: no case in this config")
    cells = list(data.groupby(CELL, dropna=False))
    depths = trainable_depths(summary)
    outline = [patheffects.withStroke(linewidth=2.6, foreground="k")]
    with figures.styled():
        fig, axes = plt.subplots(1, len(cells), figsize=(5.6 * len(cells), 4.6), layout="constrained", squeeze=False)
        for ax, (key, cell) in zip(axes.flat, cells, strict=True):
            spec = dict(zip(CELL, key, strict=True))
            grid = cell.pivot_table(index="depth", columns="sigma_w2", values="median")
            x_edges = _edges(grid.columns.to_numpy(dtype=float), log=False)
            y_edges = _edges(grid.index.to_numpy(dtype=float), log=True)
            mesh = ax.pcolormesh(x_edges, y_edges, grid.to_numpy(), cmap="viridis", vmin=0, vmax=1, shading="flat")
            ax.set_yscale("log", base=2)
            ax.set(xlim=(x_edges[0], x_edges[-1]), ylim=(y_edges[0], y_edges[-1]))
            ax.grid(False)
            critical = meanfield.critical_weight_variance(spec["activation"], spec["bias_variance"])
            near = critical * (1 + np.outer([-1, 1], np.geomspace(1e-3, 0.3, 10)).ravel())
            dense = np.linspace(max(x_edges[0], 1e-3), x_edges[-1], 40)
            dense = np.unique(np.concatenate([dense, near[(near > dense[0]) & (near < dense[-1])]]))
            for multiple, style in zip(RULES, (":", "--"), strict=True):
                rule = predicted_rule(spec["activation"], dense, spec["bias_variance"], multiple)
                ax.plot(
                    dense,
                    rule,
                    style,
                    color="white",
                    linewidth=1.6,
                    path_effects=outline,
                    label=f"theory: {multiple}ξ$_c$(σ$_w^2$)",
                )
            mine = depths[(depths[CELL] == pd.Series(spec)).all(axis=1)] if not depths.empty else depths
            shown = mine[mine["trainable_depth"] > 0]
            ax.plot(
                shown["sigma_w2"],
                shown["trainable_depth"],
                "o",
                color="white",
                markeredgecolor="k",
                markersize=6,
                label=f"measured trainable depth (≥ {TRAINABLE_FRACTION:.0%} of best)",
            )
            ax.axvline(critical, color="0.85", linewidth=0.8, linestyle=(0, (1, 3)))
            ax.set(xlabel="σ$_w^2$", ylabel="depth L (hidden layers)")
            ax.set_yticks(grid.index, [str(int(d)) for d in grid.index])
            ax.minorticks_off()
            ax.set_title(
                f"{ACTIVATIONS[spec['activation']].display}, σ$_b^2$ = {spec['bias_variance']:g}, width {spec['width']}"
            )
        fig.colorbar(mesh, ax=axes.ravel().tolist(), label="median test accuracy after the budget")
        figures.legend_outside(fig)
        fig.suptitle("Trainability at initialization: accuracy vs depth and σ$_w^2$")
    return fig


EXPERIMENT = Experiment(
    name="trainability",
    description=__doc__.split(": ", 1)[1].split("\n")[0].strip(),
    order=11,
    rows=rows,
    figures=(Figure("trainability", plot),),
    theory=theory_rows,
    report=report,
    options=("training",),
    sources=("data.py", "tf/training.py"),
    trains=True,
)
