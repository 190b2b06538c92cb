"""forward: x ← φ(x·W) through a deep stack (seeds 001, 003)."""

import math

import numpy as np

from initstab import tidy
from initstab.experiments.base import Experiment, Figure
from initstab.theory import curves, table


def rows(job, combination, metrics, device):
    metrics = dict(metrics)
    spec = tidy.spec_values(job, combination)
    all_finite = metrics.pop("all_finite")
    events = {
        "first_nonfinite_layer": tidy.first_layer_where(all_finite == 0),
        "first_nan_mean_layer": tidy.first_layer_where(np.isnan(metrics["act_mean_native"])),
    }
    first = job.first_seed
    return [
        *tidy.per_layer_rows(spec, device, metrics, first_layer=0, first_seed=first),
        *tidy.per_seed_rows(spec, device, events, first),
    ]


def predicted_std(row):
    """std over units of x_l, l = 0..depth, for x₀ ~ N(0, I) (None without σ_w²)."""
    sigma_w2 = float(row["sigma_w2"])
    if math.isnan(sigma_w2):
        return None
    return curves.forward_std_curve(row["activation"], sigma_w2, int(row["depth"]), float(row["bias_variance"]))


def theory_rows(summary):
    """std of x_l at the deepest finite layer against √(E φ(√q_l z)² − (E φ(√q_l z))²)."""
    found = []
    for spec, frame in table.groups(summary, "act_std"):
        row = table.deepest_finite(frame)
        curve = predicted_std(spec)
        if row is None or curve is None or int(row["layer"]) == 0:
            continue
        found.append(table.row(spec, "std of x_l", int(row["layer"]), row, float(curve[int(row["layer"])])))
    return found


def printed_theory(row):
    """One-layer E[φ(y)²] (y ~ N(0, σ_w²)) for the printed mean squares; the mean-field std for printed stds."""
    sigma_w2 = float(row["sigma_w2"])
    if math.isnan(sigma_w2):
        return math.nan
    if row["metric"] == "act_mean_sq" and int(row.get("layer") or 0) == 1:
        return curves.one_layer_mean_square(row["activation"], sigma_w2)
    if row["metric"] == "act_std_native":
        return float(predicted_std(row)[int(row["layer"])])
    return math.nan


def plot(summary):
    """Per-layer std of activations through deep stacks (cases deeper than one layer)."""

    from initstab import figures
    from initstab.activations import ACTIVATIONS
    from initstab.initializers import INITIALIZERS

    data = summary[(summary["metric"] == "act_std") & (summary["depth"] > 1)]
    activations = [a for a in ACTIVATIONS if a in set(data["activation"])]
    if not activations:
        return figures.placeholder("Forward signal: no case deeper than one layer in this config")
    with figures.styled():
        fig, axes = figures.facets(len(activations), xlabel="layer l", sharex=False)  # depths differ by case
        for ax, activation in zip(axes, activations, strict=False):
            ax.set_yscale("log")
            groups = data[data["activation"] == activation].groupby(["init", "scale", "width"])
            for (init, scale, width), frame in groups:
                entry = INITIALIZERS[init]
                label = figures.init_label(init, scale) + (f", width {width}" if data["width"].nunique() > 1 else "")
                style = "-" if scale == 1 else (0, (6, 2, 1, 2))  # dash-dot; dashed is kept for theory
                figures.band(ax, frame, entry.color, label, marker=entry.marker, linestyle=style)
                figures.theory_line(ax, predicted_std(frame.iloc[0]), first_layer=0)
            ax.set_title(ACTIVATIONS[activation].display)
            ax.set_ylabel("std of x$_l$ (log scale)")
        widths = ", ".join(str(w) for w in sorted(set(data["width"])))
        figures.legend_outside(fig, "init", [figures.theory_handle("mean-field theory")])
        fig.suptitle(f"Forward signal through deep stacks (width {widths})")
    return fig


EXPERIMENT = Experiment(
    name="forward",
    description=__doc__.split(": ", 1)[1].strip(),
    order=3,
    rows=rows,
    figures=(Figure("forward", plot),),
    theory=theory_rows,
    printed_theory=printed_theory,
    notebook=True,
)
