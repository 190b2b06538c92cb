"""phase_diagram: per-layer gradient growth over a (σ_w², σ_b²) grid, with the χ₁ = 1 edge of chaos."""

import math

import numpy as np

from initstab import tidy
from initstab.experiments.base import Experiment, Figure
from initstab.theory import meanfield, table


def rows(job, combination, metrics, device):
    """Per-layer ln growth and, per seed, its mean over the second half of the layers (ln χ measured)."""
    spec = tidy.spec_values(job, combination)
    growth = metrics["log_grad_growth"]
    log_chi = growth[:, job.depth // 2 :].mean(axis=1)
    return [
        *tidy.per_layer_rows(spec, device, metrics, first_layer=1, first_seed=job.first_seed),
        *tidy.per_seed_rows(spec, device, {"log_chi": log_chi}, job.first_seed),
    ]


def chi1_at_fixed_point(activation: str, sigma_w2: float, bias_variance: float) -> float:
    return float(meanfield.chi1(activation, sigma_w2, meanfield.fixed_point(activation, sigma_w2, bias_variance)))


def theory_rows(summary):
    """Measured per-layer gradient growth exp(median ln ratio) against χ₁(q*)."""
    found = []
    for spec, frame in table.groups(summary, "log_chi", with_sigma_w2=True):
        predicted = chi1_at_fixed_point(spec["activation"], spec["sigma_w2"], spec["bias_variance"])
        row = frame.iloc[0].copy()
        for column in ("median", "p05", "p95"):
            row[column] = math.exp(row[column])
        found.append(table.row(spec, "χ₁ (gradient growth per layer)", math.nan, row, predicted))
    return found


def report(rows):
    if rows.empty:
        return ""
    return (
        f"<p>Phase diagram: over {len(rows)} grid points the measured per-layer gradient growth differs from "
        f"χ₁(q*) by a median of {rows['relative_error'].abs().median():.1%}.</p>"
    )


def plot(summary):
    """Measured ln of the per-layer gradient growth over (σ_w², σ_b²), one panel per activation; dashed: the
    theory's edge of chaos χ₁(q*) = 1; blue: vanishing, red: exploding."""
    import matplotlib.pyplot as plt

    from initstab import figures
    from initstab.activations import ACTIVATIONS

    data = summary[(summary["metric"] == "log_chi") & summary["sigma_w2"].notna()]
    activations = [a for a in ACTIVATIONS if a in set(data["activation"])]
    if not activations:
        return figures.placeholder("Phase diagram: no case in this config")
    with figures.styled():
        fig, axes = plt.subplots(
            1, len(activations), figsize=(4.2 * len(activations), 3.8), layout="constrained", squeeze=False
        )
        limit = max(0.5, float(np.nanmax(np.abs(data["median"].clip(-3, 3)))))
        for ax, activation in zip(axes.flat, activations, strict=False):
            grid = data[data["activation"] == activation].pivot_table(
                index="bias_variance", columns="sigma_w2", values="median"
            )
            mesh = ax.pcolormesh(
                grid.columns, grid.index, grid.to_numpy(), cmap="vlag", vmin=-limit, vmax=limit, shading="nearest"
            )
            # cells are centred on the grid points; a variance below 0 means nothing, so the axes stop at 0
            (w_low, w_high), (b_low, b_high) = ax.get_xlim(), ax.get_ylim()
            w_low, b_low = max(w_low, 0.0), max(b_low, 0.0)
            ax.set(xlim=(w_low, w_high), ylim=(b_low, b_high))
            fine_w = np.linspace(max(w_low, 1e-3), w_high, 48)
            fine_b = np.linspace(b_low, b_high, 24)
            chi = np.array([[chi1_at_fixed_point(activation, w, b) for w in fine_w] for b in fine_b])
            with np.errstate(divide="ignore"):
                ax.contour(fine_w, fine_b, np.log(chi), levels=[0.0], colors="k", linestyles="--", linewidths=1.2)
            ax.set_title(ACTIVATIONS[activation].display)
            ax.set(xlabel="σ$_w^2$", ylabel="σ$_b^2$")
        fig.colorbar(mesh, ax=axes.ravel().tolist(), label="measured ln(‖g$_l$‖²/‖g$_{l-1}$‖²) per layer")
        theory = figures.theory_handle("theory: χ$_1$ = 1 (order ← → chaos)")
        fig.legend(handles=[theory], loc="outside lower center", frameon=False, fontsize="small")
        fig.suptitle("Order-to-chaos phase diagram")
    return fig


EXPERIMENT = Experiment(
    name="phase_diagram",
    description=__doc__.split(": ", 1)[1].strip(),
    order=6,
    rows=rows,
    figures=(Figure("phase_diagram", plot),),
    theory=theory_rows,
    report=report,
    list_theory_rows=False,
    fixed_point=True,
)
