"""Figures: summary table in → matplotlib Figure out; no global state, no TensorFlow.

Measurement is a solid median line with a 5–95 % band over seeds; log axes where values span decades.
Colours are fixed per activation and markers per init across every figure.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from initstab import theory  # noqa: E402
from initstab.catalogue import ACTIVATIONS, INITIALIZERS  # noqa: E402
from initstab.io import write_atomic  # noqa: E402

ACTIVATION_COLORS = dict(zip(ACTIVATIONS, [*sns.color_palette("tab10"), (0.2, 0.2, 0.2), (0.37, 0.24, 0.6)]))
INIT_COLORS = dict(
    zip(INITIALIZERS, [*sns.color_palette("colorblind", 10), *sns.color_palette("dark", 3)], strict=True)
)
INIT_MARKERS = dict(zip(INITIALIZERS, ["o", "s", "D", "^", "v", "<", ">", "P", "X", "*", "h", "p", "d"], strict=True))
THEME = {"style": "whitegrid", "context": "paper", "font_scale": 1.1}


def _scale_colors(scales) -> dict:
    scales = sorted(set(scales))
    return dict(zip(scales, sns.color_palette("viridis", len(scales))))


def _band(ax, frame: pd.DataFrame, color, label: str, marker=None, linestyle="-") -> None:
    frame = frame.sort_values("layer")
    x = frame["layer"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        ax.fill_between(x, frame["p05"], frame["p95"], color=color, alpha=0.2, linewidth=0)
    every = max(1, len(x) // 8)
    ax.plot(
        x, frame["median"], color=color, label=label, marker=marker, markevery=every, markersize=4, linestyle=linestyle
    )


def _legend_below(ax, title=None, ncols=2) -> None:
    ax.legend(
        title=title, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False, fontsize="x-small", ncols=ncols
    )


def _placeholder(message: str) -> Figure:
    """A figure that says why it is empty (the config has no case this figure draws)."""
    fig, ax = plt.subplots(figsize=(5, 2), layout="constrained")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    ax.set_axis_off()
    return fig


def _facets(n: int, width: float = 3.6, height: float = 3.0, ncols: int = 3):
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, sharex=True, layout="constrained"
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def plot_matrix_product(summary: pd.DataFrame) -> Figure:
    """Median over entries of log10|Y_ij| of Y = W_n⋯W_1 against n, one line per weight scale; dashed: the
    exact mean n·λ₁ + ½(ψ(½) − ψ(k/2)) in log10 (theory.mean_log_abs_entry)."""
    data = summary[summary["metric"] == "log10_abs_entry_median"]
    colors = _scale_colors(data["scale"])
    with sns.axes_style(THEME["style"]), sns.plotting_context(THEME["context"], THEME["font_scale"]):
        fig, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
        for (scale, width), frame in data.groupby(["scale", "width"]):
            _band(ax, frame, colors[scale], f"s = {scale:g}, k = {width}")
            n = np.sort(frame["layer"].to_numpy(dtype=int))
            predicted = [theory.mean_log_abs_entry(scale, width, i) / np.log(10) for i in n]
            ax.plot(n, predicted, "--", color=colors[scale], linewidth=1)
        ax.plot([], [], "--", color="0.3", linewidth=1, label="theory: E log$_{10}$|Y$_{ij}$|")
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set(
            xlabel="number of factors n",
            ylabel="median$_{ij}$ log$_{10}$|Y$_{ij}$|",
            title="Products of Gaussian matrices",
        )
        ax.legend(title="entry std s", frameon=False)
    return fig


THEORY_LABEL = "mean-field theory, finite-width corrected"


def _theory_line(ax, frame: pd.DataFrame, color, curve, first_layer: int) -> None:
    """Dashed prediction for one combination's band (``curve`` from theory; nothing where it returns None)."""
    first = frame.iloc[0]
    args = (first["activation"], first["init"], float(first["scale"]), int(first["width"]), int(first["depth"]))
    predicted = curve(*args, float(first["bias_variance"]))
    if predicted is None:
        return
    layers = np.arange(first_layer, first_layer + len(predicted))
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(predicted) & (predicted > 0) & (predicted < 1e300)
    ax.plot(layers[finite], predicted[finite], "--", color=color, linewidth=1)


def _gradient_panels(data: pd.DataFrame, hue: str, title: str) -> Figure:
    activations = [a for a in ACTIVATIONS if a in set(data["activation"])]
    if not activations:
        return _placeholder(f"{title}: no such case in this config")
    with sns.axes_style(THEME["style"]), sns.plotting_context(THEME["context"], THEME["font_scale"]):
        fig, axes = _facets(len(activations))
        colors = _scale_colors(data["scale"]) if hue == "scale" else None
        for ax, activation in zip(axes, activations):
            for key, frame in data[data["activation"] == activation].groupby(hue):
                color = colors[key] if hue == "scale" else INIT_COLORS[key]
                if hue == "scale":
                    _band(ax, frame, color, f"{key:g}")
                else:
                    _band(ax, frame, color, key, marker=INIT_MARKERS[key])
                _theory_line(ax, frame, color, theory.gradient_flow_curve, first_layer=1)
            ax.set_yscale("log")
            ax.set_title(activation, color=ACTIVATION_COLORS[activation])
            ax.set(xlabel="layer l", ylabel="mean$_{ij}$ |Y$_{ij}$| (log scale)")
        axes[len(activations) - 1].plot([], [], "--", color="0.3", linewidth=1, label=THEORY_LABEL)
        _legend_below(axes[len(activations) - 1], title="weight std s" if hue == "scale" else "init")
        fig.suptitle(title)
    return fig


def plot_gradient_flow_scales(summary: pd.DataFrame) -> Figure:
    """Per-layer mean|∂h_l/∂h_0| under N(0, s²) weights, one panel per activation, one line per s."""
    data = summary[(summary["metric"] == "grad_mean_abs") & (summary["init"] == "normal")]
    return _gradient_panels(data, "scale", "Gradient flow, N(0, s²) weights (width 100)")


def plot_gradient_flow_inits(summary: pd.DataFrame) -> Figure:
    """Per-layer mean|∂h_l/∂h_0| under the fan-based initializers, one panel per activation."""
    data = summary[(summary["metric"] == "grad_mean_abs") & (summary["init"] != "normal")]
    return _gradient_panels(data, "init", "Gradient flow under fan-scaled initializers")


def plot_forward(summary: pd.DataFrame) -> Figure:
    """Per-layer std of activations through deep stacks (cases deeper than one layer)."""
    data = summary[(summary["metric"] == "act_std") & (summary["depth"] > 1)]
    activations = [a for a in ACTIVATIONS if a in set(data["activation"])]
    if not activations:
        return _placeholder("Forward signal: no case deeper than one layer in this config")
    with sns.axes_style(THEME["style"]), sns.plotting_context(THEME["context"], THEME["font_scale"]):
        fig, axes = _facets(len(activations))
        for ax, activation in zip(axes, activations):
            groups = data[data["activation"] == activation].groupby(["init", "scale", "width"])
            for (init, scale, width), frame in groups:
                label = f"{init} s={scale:g} (k={width})"
                style = "-" if scale == 1 else (0, (6, 2, 1, 2))  # dash-dot; dashed is kept for theory
                _band(ax, frame, INIT_COLORS[init], label, marker=INIT_MARKERS[init], linestyle=style)
                _theory_line(ax, frame, INIT_COLORS[init], theory.forward_std_curve, first_layer=0)
            ax.set_yscale("log")
            ax.set_title(activation, color=ACTIVATION_COLORS[activation])
            ax.set(xlabel="layer l", ylabel="std of x$_l$ (log scale)")
            ax.plot([], [], "--", color="0.3", linewidth=1, label="mean-field theory")
            _legend_below(ax, ncols=1)
        fig.suptitle("Forward signal through deep stacks")
    return fig


def plot_repeated_matrix(table: pd.DataFrame) -> Figure:
    """Steps until M^n·(…) degenerates (std 0 or NaN), per seed; 'never' drawn right of the cap."""
    data = table[table["metric"] == "steps_until_degenerate"].copy()
    cap = float(data["depth"].max())
    data["steps"] = np.where(np.isfinite(data["value"]), data["value"], cap * 1.06)
    data["case"] = data["init"] + " s=" + data["scale"].map("{:g}".format) + " k=" + data["width"].astype(str)
    with sns.axes_style(THEME["style"]), sns.plotting_context(THEME["context"], THEME["font_scale"]):
        fig, ax = plt.subplots(figsize=(7, 0.6 * data["case"].nunique() + 1.8), layout="constrained")
        sns.stripplot(
            data,
            x="steps",
            y="case",
            hue="activation",
            dodge=True,
            jitter=0.25,
            size=3,
            palette={a: ACTIVATION_COLORS[a] for a in set(data["activation"])},
            ax=ax,
        )
        ax.axvline(cap, color="0.4", linestyle=":", linewidth=1)
        ax.text(cap * 1.06, -0.6, "never", ha="center", fontsize="small")
        ax.set(
            xlabel="steps until std = 0 or NaN (IEEE float32 with subnormals)",
            ylabel="",
            title="Repeated multiplication by one matrix",
        )
    return fig


def plot_activations(summary: pd.DataFrame) -> Figure:
    """φ and φ′ of every activation in the catalogue on the configured grid."""
    with sns.axes_style(THEME["style"]), sns.plotting_context(THEME["context"], THEME["font_scale"]):
        fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
        for ax, metric, label in zip(axes, ["phi", "dphi"], ["φ(x)", "φ′(x)"]):
            for activation in [a for a in ACTIVATIONS if a in set(summary["activation"])]:
                frame = summary[(summary["activation"] == activation) & (summary["metric"] == metric)]
                frame = frame.sort_values("x")
                style = ":" if activation.endswith("missing_x4") else "-"  # dashed is kept for theory
                ax.plot(frame["x"], frame["median"], style, color=ACTIVATION_COLORS[activation], label=activation)
            ax.set(xlabel="x", ylabel=label)
        axes[1].legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.02, 1))
    return fig


FIGURES = {
    "matrix_product": plot_matrix_product,
    "gradient_flow_scales": plot_gradient_flow_scales,
    "gradient_flow_inits": plot_gradient_flow_inits,
    "forward": plot_forward,
    "repeated_matrix": plot_repeated_matrix,
    "activations": plot_activations,
}


def save(fig: Figure, pdf: str, png: str, metadata: dict[str, str]) -> None:
    """Save as vector PDF and 300-dpi PNG (atomically), with provenance in both files' metadata.

    ``metadata`` uses PDF info keys (Title, Subject, Keywords, Creator); the PNG gets the same as text chunks.
    Fonts are embedded as TrueType (Type 42), which journals accept, rather than matplotlib's default Type 3.
    """
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        write_atomic(pdf, lambda tmp: fig.savefig(tmp, format="pdf", metadata=metadata))
    write_atomic(png, lambda tmp: fig.savefig(tmp, format="png", dpi=300, metadata=metadata))
    plt.close(fig)
