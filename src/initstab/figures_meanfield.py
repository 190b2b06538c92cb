"""Figures of the experiments the notebooks lack, each with its mean-field prediction drawn dashed.

Same conventions as ``figures``: summary table in → Figure out, median with a 5–95 % band, no TensorFlow.
"""

import contextlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from initstab import comparison, meanfield, theory
from initstab.figures import ACTIVATION_COLORS, INIT_COLORS, INIT_MARKERS, THEME, _band, _legend_below, _placeholder

DTYPE_ORDER = ["float16", "bfloat16", "float32", "float64"]


@contextlib.contextmanager
def _styled():
    with sns.axes_style(THEME["style"]), sns.plotting_context(THEME["context"], THEME["font_scale"]):
        yield


def _chi1_grid(activation: str, weight_variances: np.ndarray, bias_variances: np.ndarray) -> np.ndarray:
    """χ₁(q*) on a (σ_b², σ_w²) grid."""
    grid = np.empty((len(bias_variances), len(weight_variances)))
    for i, bias in enumerate(bias_variances):
        for j, variance in enumerate(weight_variances):
            q_star = meanfield.fixed_point(activation, variance, bias)
            grid[i, j] = meanfield.chi1(activation, variance, q_star)
    return grid


def plot_phase_diagram(summary: pd.DataFrame) -> Figure:
    """Measured ln of the per-layer gradient growth over (σ_w², σ_b²), one panel per activation; dashed: the
    theory's edge of chaos χ₁(q*) = 1; blue: vanishing, red: exploding."""
    data = summary[summary["metric"] == "log_chi"].copy()
    activations = [a for a in ACTIVATION_COLORS if a in set(data["activation"])]
    if not activations:
        return _placeholder("Phase diagram: no case in this config")
    data["sigma_w2"] = [
        theory.sigma_w2(r.activation, r.init, r.scale, r.width, r.bias_variance) for r in data.itertuples()
    ]
    data = data.dropna(subset=["sigma_w2"]).astype({"sigma_w2": float})
    with _styled():
        fig, axes = plt.subplots(
            1, len(activations), figsize=(4.2 * len(activations), 3.8), layout="constrained", squeeze=False
        )
        limit = max(0.5, float(np.nanmax(np.abs(data["median"].clip(-3, 3)))))
        for ax, activation in zip(axes.flat, activations):
            grid = data[data["activation"] == activation].pivot_table(
                index="bias_variance", columns="sigma_w2", values="median"
            )
            mesh = ax.pcolormesh(
                grid.columns, grid.index, grid.to_numpy(), cmap="vlag", vmin=-limit, vmax=limit, shading="nearest"
            )
            fine_w = np.linspace(grid.columns.min(), grid.columns.max(), 40)
            fine_b = np.linspace(grid.index.min(), grid.index.max(), 15)
            chi = _chi1_grid(activation, fine_w, fine_b)
            ax.contour(fine_w, fine_b, np.log(chi), levels=[0.0], colors="k", linestyles="--", linewidths=1.2)
            ax.set_title(activation, color=ACTIVATION_COLORS[activation])
            ax.set(xlabel="σ$_w^2$", ylabel="σ$_b^2$")
        fig.colorbar(mesh, ax=axes.ravel().tolist(), label="measured ln(‖g$_l$‖²/‖g$_{l-1}$‖²) per layer")
        axes.flat[0].plot([], [], "--", color="k", label="theory: χ$_1$ = 1")
        axes.flat[0].legend(loc="upper left", fontsize="x-small", frameon=True)
        fig.suptitle("Order-to-chaos phase diagram (gradient growth per layer)")
    return fig


def plot_jacobian_spectrum(summary: pd.DataFrame) -> Figure:
    """Variance of the eigenvalues of JJᵀ against depth, Gaussian vs orthogonal weights at the edge of chaos;
    dashed: L·(μ₂/μ₁² − 1 − s₁) (Pennington et al. 2017)."""
    data = summary[summary["metric"] == "jjt_var"]
    if data.empty:
        return _placeholder("Jacobian spectrum: no case in this config")
    biases = sorted(set(data["bias_variance"]))
    with _styled():
        fig, axes = plt.subplots(
            1, len(biases), figsize=(4.6 * len(biases), 3.8), layout="constrained", squeeze=False, sharey=True
        )
        for ax, bias in zip(axes.flat, biases):
            for (activation, init, scale, width), frame in data[data["bias_variance"] == bias].groupby(
                ["activation", "init", "scale", "width"]
            ):
                color = INIT_COLORS[init]
                q_star = theory.input_variance(activation, init, scale, width, bias)
                _band(ax, frame, color, f"{activation}, {init} (q* = {q_star:.3g})", marker=INIT_MARKERS[init])
                variance = theory.sigma_w2(activation, init, scale, width, bias)
                if variance is None:
                    continue
                depths = np.sort(frame["layer"].to_numpy(dtype=int))
                predicted = [
                    meanfield.jacobian_spectrum_variance(activation, variance, bias, int(d), "orthogonal" in init)
                    for d in depths
                ]
                ax.plot(depths, predicted, "--", color=color, linewidth=1)
            ax.set(xscale="log", xlabel="depth L", title=f"σ$_b^2$ = {bias:g}")
            ax.set_yscale("symlog", linthresh=1e-3)
        axes.flat[0].set_ylabel("variance of eig(JJ$^T$)")
        axes.flat[-1].plot([], [], "--", color="0.3", label="theory (free probability)")
        _legend_below(axes.flat[-1])
        fig.suptitle("Jacobian spectrum at the edge of chaos")
    return fig


def plot_precision(summary: pd.DataFrame) -> Figure:
    """First overflow (▲) and underflow (▼) layer per dtype, median with a 5–95 % bar; open markers: predicted
    from the mean-field growth and each dtype's limits. Points at the top edge: not within the network."""
    data = summary[summary["metric"].isin(["first_overflow_layer", "first_underflow_layer"])]
    cases = data[["activation", "init", "scale", "width", "depth", "bias_variance"]].drop_duplicates()
    if cases.empty:
        return _placeholder("Precision: no case in this config")
    with _styled():
        fig, axes = plt.subplots(
            1, len(cases), figsize=(3.4 * len(cases), 3.6), layout="constrained", squeeze=False, sharey=True
        )
        for ax, (_, case) in zip(axes.flat, cases.iterrows()):
            depth = int(case["depth"])
            ceiling = depth * 1.08
            same = (data["activation"] == case["activation"]) & (data["init"] == case["init"])
            frame = data[same & (data["scale"] == case["scale"])]
            for metric, marker, shift in (("first_overflow_layer", "^", -0.12), ("first_underflow_layer", "v", 0.12)):
                for i, dtype in enumerate(DTYPE_ORDER):
                    row = frame[(frame["metric"] == metric) & (frame["dtype"] == dtype)]
                    if row.empty:
                        continue
                    row = row.iloc[0]
                    median, low, high = (min(float(row[c]), ceiling) for c in ("median", "p05", "p95"))
                    ax.errorbar(
                        i + shift,
                        median,
                        yerr=[[median - low], [high - median]],
                        fmt=marker,
                        color="C3" if "over" in metric else "C0",
                        markersize=6,
                        capsize=2,
                    )
                    spec = {**row.to_dict(), "dtype": dtype}
                    variance = theory.sigma_w2(
                        spec["activation"], spec["init"], spec["scale"], spec["width"], spec["bias_variance"]
                    )
                    index = 0 if "over" in metric else 1
                    predicted = comparison.predicted_event_layers(spec, variance)[index]
                    ax.plot(i + 2 * shift, min(predicted, ceiling), marker, mfc="none", color="k", markersize=7)
            ax.axhline(depth, color="0.5", linestyle=":", linewidth=1)
            ax.set_xticks(range(len(DTYPE_ORDER)), DTYPE_ORDER, rotation=30)
            ax.set_title(f"{case['activation']}, {case['init']} s={case['scale']:g}", fontsize="small")
        axes.flat[0].set_ylabel("first layer (dotted: network depth)")
        handles = [
            plt.Line2D([], [], marker="^", color="C3", linestyle="", label="overflow (measured)"),
            plt.Line2D([], [], marker="v", color="C0", linestyle="", label="underflow to 0 (measured)"),
            plt.Line2D([], [], marker="o", mfc="none", color="k", linestyle="", label="predicted"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize="x-small")
        fig.suptitle("Where each dtype gives up (gradient_flow)")
    return fig


def plot_depth_scale(summary: pd.DataFrame) -> Figure:
    """Left: median correlation of two inputs through depth per σ_w², dashed: the mean-field correlation map.
    Right: ξ_c fitted to the measured decay vs −1/ln χ_c, with the ≈6ξ_c trainable-depth rule."""
    data = summary[summary["metric"] == "correlation"]
    if data.empty:
        return _placeholder("Depth scale: no case in this config")
    table = comparison.theory_table({"depth_scale": summary})
    with _styled():
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
        keys = ["activation", "init", "scale", "width", "bias_variance"]
        groups = list(data.groupby(keys))
        colors = dict(zip([k for k, _ in groups], sns.color_palette("viridis", len(groups))))
        for key, frame in groups:
            activation, init, scale, width, bias = key
            variance = theory.sigma_w2(activation, init, scale, width, bias)
            _band(
                left,
                frame,
                colors[key],
                f"{init} s={scale:g}" if variance is None else f"{init} σ$_w^2$={variance:.3g}",
            )
            if variance is None:
                continue
            first = frame.sort_values("layer").iloc[0]
            depth = int(frame["layer"].max())
            c0 = float(first["median"])
            predicted = meanfield.correlation_trajectory(activation, variance, bias, c0, depth)
            left.plot(np.arange(0, depth + 1), [c0, *predicted], "--", color=colors[key], linewidth=1)
        left.set(xlabel="layer l", ylabel="correlation c$_l$ of two inputs", title="Correlation through depth")
        _legend_below(left)
        table["sigma_w2"] = [
            theory.sigma_w2(r.activation, r.init, r.scale, r.width, r.bias_variance) for r in table.itertuples()
        ]
        table = table.sort_values("sigma_w2")
        right.plot(table["sigma_w2"], table["measured_median"], "o", color="C0", label="fitted ξ$_c$")
        right.plot(table["sigma_w2"], table["predicted"], "--", color="k", label="theory −1/ln χ$_c$")
        right.plot(table["sigma_w2"], 6 * table["predicted"], ":", color="0.4", label="6ξ$_c$: trainable depth")
        right.set(xlabel="σ$_w^2$", ylabel="depth scale (layers)", yscale="log", title="ξ$_c$: fitted vs theory")
        right.legend(frameon=False, fontsize="x-small")
    return fig


FIGURES = {
    "phase_diagram": plot_phase_diagram,
    "jacobian_spectrum": plot_jacobian_spectrum,
    "precision": plot_precision,
    "depth_scale": plot_depth_scale,
}
