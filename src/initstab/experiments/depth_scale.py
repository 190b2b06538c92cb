"""depth_scale: correlation of two inputs through depth: fitted vs predicted ξ_c."""

import math

import numpy as np
import pandas as pd

from initstab import tidy
from initstab.experiments.base import Experiment, Figure
from initstab.theory import fits, meanfield, table


def rows(job, combination, metrics, device):
    return tidy.per_layer_rows(
        tidy.spec_values(job, combination), device, metrics, first_layer=0, first_seed=job.first_seed
    )


def theory_rows(summary):
    """ξ_c fitted to the median correlation trajectory against −1/ln χ_c (Schoenholz et al. 2017)."""
    found = []
    for spec, frame in table.groups(summary, "correlation", with_sigma_w2=True):
        frame = frame.sort_values("layer")
        activation, sigma_w2, bias_variance = spec["activation"], spec["sigma_w2"], spec["bias_variance"]
        c_star = meanfield.correlation_fixed_point(activation, sigma_w2, bias_variance)
        layers, medians = frame["layer"].to_numpy()[1:], frame["median"].to_numpy()[1:]  # from layer 1 on
        noise = 3 * (1 - c_star**2) / math.sqrt(spec["width"] * int(frame["n"].iloc[0]))  # 3σ of a median of c
        fitted = fits.fit_depth_scale(layers, medians, c_star, floor=max(fits.DEPTH_SCALE_FLOOR, noise))
        predicted = meanfield.depth_scales(activation, sigma_w2, bias_variance)[1]
        predicted = predicted if 0 < predicted < 1e6 else math.inf  # at the edge of chaos the decay is a power law
        measured = pd.Series({"median": fitted, "p05": math.nan, "p95": math.nan})
        found.append(table.row(spec, "ξ_c (correlation depth scale)", math.nan, measured, float(predicted)))
    return found


def report(rows):
    """ξ_c per σ_w² and its 6ξ_c rule; the fit's median error over the cases whose predicted ξ_c is below a third of
    the net's depth (a decay longer than that is not resolved by the layers measured: the fit is a lower bound)."""
    fitted = rows.dropna(subset=["relative_error"])
    if fitted.empty:
        return ""
    rules = ", ".join(
        f"σ<sub>w</sub><sup>2</sup> = {r.sigma_w2:.3g}: ξ<sub>c</sub> = {r.predicted:.3g} → ≈ {6 * r.predicted:.0f}"
        for r in rows.itertuples()
    )
    resolved = fitted[fitted["predicted"] < fitted["depth"] / 3]
    error = (
        f"median |relative error| {resolved['relative_error'].abs().median():.1%} over the {len(resolved)} of "
        f"{len(rows)} cases whose predicted ξ<sub>c</sub> is below a third of their depth"
        if len(resolved)
        else "no case's predicted ξ<sub>c</sub> is below a third of its depth"
    )
    return (
        "<p>Depth scale: correlations between inputs survive about ξ<sub>c</sub> = −1/ln χ<sub>c</sub> layers, "
        "and Schoenholz et al. (2017) found networks trainable up to about <strong>6 ξ<sub>c</sub></strong> layers "
        f"({rules} layers). Fitted vs predicted ξ<sub>c</sub>: {error}; closer to the edge of chaos the fit "
        "is bounded by the depth measured. Near the edge it also reads short on either side: from a c₀ far from "
        "c* the first layers decay faster than the asymptotic rate (the same fit to the mean-field c<sub>l</sub> "
        "reads short too), and at finite width c<sub>l</sub> settles slightly off c* on the chaotic side.</p>"
    )


def plot(summary):
    """Left: median correlation of two inputs through depth per σ_w², dashed: the mean-field correlation map.
    Right: ξ_c fitted to the measured decay vs −1/ln χ_c, with the ≈6ξ_c trainable-depth rule."""
    import matplotlib.pyplot as plt

    from initstab import figures

    data = summary[summary["metric"] == "correlation"]
    if data.empty:
        return figures.placeholder("Depth scale: no case in this config")
    theory = pd.DataFrame(theory_rows(summary), columns=table.COLUMNS).sort_values("sigma_w2")
    with figures.styled():
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.4), layout="constrained")
        keys = ["activation", "init", "scale", "width", "bias_variance", "sigma_w2"]
        groups = list(data.groupby(keys, dropna=False))
        colors = figures.scale_colors(range(len(groups)))
        for index, (key, frame) in enumerate(groups):
            activation, init, scale, _, bias, sigma_w2 = key
            unknown = math.isnan(sigma_w2)
            label = figures.init_label(init, scale) if unknown else f"σ$_w^2$ = {sigma_w2:.3g}"
            figures.band(left, frame, colors[index], label)
            if unknown:
                continue
            c0 = float(frame.sort_values("layer").iloc[0]["median"])
            depth = int(frame["layer"].max())
            predicted = meanfield.correlation_trajectory(activation, sigma_w2, bias, c0, depth)
            figures.theory(left, np.arange(0, depth + 1), [c0, *predicted])
        left.set(xlabel="layer l", ylabel="correlation c$_l$ of two inputs", title="Correlation through depth")
        left.legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside it
        right.set_yscale("log")
        right.plot(theory["sigma_w2"], theory["measured_median"], "o", color="#0077BB", label="ξ$_c$ fitted to c$_l$")
        for (activation, bias), rows_ in theory.groupby(["activation", "bias_variance"]):
            low, high = rows_["sigma_w2"].min(), rows_["sigma_w2"].max()
            span = max(high - low, 0.4 * low)  # one measured σ_w² still gets a curve around it
            low, high = max(low - 0.1 * span, 1e-3), high + 0.1 * span
            # ξ_c diverges at the critical σ_w²: points close on both sides of it, evenly spaced elsewhere
            critical = meanfield.critical_weight_variance(activation, bias)
            near = critical * (1 + np.outer([-1, 1], np.geomspace(1e-3, 0.2, 10)).ravel())
            dense = np.unique(np.concatenate([np.linspace(low, high, 40), near[(near > low) & (near < high)]]))
            xi = np.array([meanfield.depth_scales(activation, s, bias)[1] for s in dense])
            xi[~((xi > 0) & (xi < 1e6))] = np.nan  # diverges at the edge of chaos
            figures.theory(right, dense, xi, "theory ξ$_c$ = −1/ln χ$_c$")
            right.plot(dense, 6 * xi, ":", color="0.35", linewidth=1.1, label="6ξ$_c$: trainable depth (theory)")
        right.set(xlabel="σ$_w^2$", ylabel="depth scale (layers)", title="ξ$_c$: fitted vs theory")
        # the left panel's σ_w² legend stands beside it; this one holds the right panel's and the left's theory
        figures.legend_outside(fig, extra=[figures.theory_handle("mean-field c$_l$ (left)")], panels=[right])
    return fig


EXPERIMENT = Experiment(
    name="depth_scale",
    description=__doc__.split(": ", 1)[1].strip(),
    order=9,
    rows=rows,
    figures=(Figure("depth_scale", plot),),
    theory=theory_rows,
    report=report,
    fixed_point=True,
    options=("input_correlation",),
)
