"""Shared figure helpers: style, bands, facets, legends, saving (matplotlib; only figure jobs import this).

Each experiment module draws its own figures with these. Measurement is a solid median line with a 5–95 % band
over seeds; log axes where values span decades; theory dashed. Colours and markers come from the activation and
initializer registries, so the same activation or init looks the same in every figure.
"""

import contextlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from initstab.activations import ACTIVATIONS  # noqa: E402
from initstab.initializers import INITIALIZERS  # noqa: E402
from initstab.io import write_atomic  # noqa: E402

THEME = {"style": "whitegrid", "context": "paper", "font_scale": 1.1}
THEORY_LABEL = "mean-field theory, finite-width corrected"


@contextlib.contextmanager
def styled():
    with sns.axes_style(THEME["style"]), sns.plotting_context(THEME["context"], THEME["font_scale"]):
        yield


def scale_colors(scales) -> dict:
    scales = sorted(set(scales))
    return dict(zip(scales, sns.color_palette("viridis", len(scales)), strict=True))


def band(ax, frame: pd.DataFrame, color, label: str, marker=None, linestyle="-") -> None:
    frame = frame.sort_values("layer")
    x = frame["layer"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        ax.fill_between(x, frame["p05"], frame["p95"], color=color, alpha=0.2, linewidth=0)
    every = max(1, len(x) // 8)
    ax.plot(
        x, frame["median"], color=color, label=label, marker=marker, markevery=every, markersize=4, linestyle=linestyle
    )


def theory_line(ax, predicted, color, first_layer: int) -> None:
    """Dashed prediction beside a band (nothing where the theory has none)."""
    if predicted is None:
        return
    layers = np.arange(first_layer, first_layer + len(predicted))
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(predicted) & (predicted > 0) & (predicted < 1e300)
    ax.plot(layers[finite], predicted[finite], "--", color=color, linewidth=1)


def legend_below(ax, title=None, ncols=2) -> None:
    ax.legend(
        title=title, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False, fontsize="x-small", ncols=ncols
    )


def placeholder(message: str) -> Figure:
    """A figure that says why it is empty (the config has no case this figure draws)."""
    fig, ax = plt.subplots(figsize=(5, 2), layout="constrained")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    ax.set_axis_off()
    return fig


def facets(n: int, width: float = 3.6, height: float = 3.0, ncols: int = 3):
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, sharex=True, layout="constrained"
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def layer_panels(data: pd.DataFrame, hue: str, title: str, curve, first_layer: int, ylabel: str) -> Figure:
    """One panel per activation, one band per ``hue`` value ("scale" or "init") with the dashed ``curve(row)``."""
    activations = [a for a in ACTIVATIONS if a in set(data["activation"])]
    if not activations:
        return placeholder(f"{title}: no such case in this config")
    with styled():
        fig, axes = facets(len(activations))
        colors = scale_colors(data["scale"]) if hue == "scale" else None
        for ax, activation in zip(axes, activations, strict=False):
            for key, frame in data[data["activation"] == activation].groupby(hue):
                if hue == "scale":
                    color = colors[key]
                    band(ax, frame, color, f"{key:g}")
                else:
                    color = INITIALIZERS[key].color
                    band(ax, frame, color, key, marker=INITIALIZERS[key].marker)
                theory_line(ax, curve(frame.iloc[0]), color, first_layer)
            ax.set_yscale("log")
            ax.set_title(activation, color=ACTIVATIONS[activation].color)
            ax.set(xlabel="layer l", ylabel=f"{ylabel} (log scale)")
        axes[len(activations) - 1].plot([], [], "--", color="0.3", linewidth=1, label=THEORY_LABEL)
        legend_below(axes[len(activations) - 1], title="weight std s" if hue == "scale" else "init")
        fig.suptitle(title)
    return fig


def save(fig: Figure, pdf: str, png: str, metadata: dict[str, str]) -> None:
    """Save as vector PDF and 300-dpi PNG (atomically), with provenance in both files' metadata.

    ``metadata`` uses PDF info keys (Title, Subject, Keywords, Creator); the PNG gets the same as text chunks.
    Fonts are embedded as TrueType (Type 42), which journals accept, rather than matplotlib's default Type 3.
    """
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        write_atomic(pdf, lambda tmp: fig.savefig(tmp, format="pdf", metadata=metadata))
    write_atomic(png, lambda tmp: fig.savefig(tmp, format="png", dpi=300, metadata=metadata))
    plt.close(fig)
