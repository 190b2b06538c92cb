"""Shared figure helpers: style, bands, facets, legends, saving (matplotlib; only figure jobs import this).

Each experiment module draws its own figures with these. Measurement is a solid median line with a 5–95 % band
over seeds; log axes where values span decades. Theory is black and dashed, drawn on top of every band, from the
theory functions themselves. Colours, markers and display names come from the activation and initializer
registries, so an activation or init looks the same in every figure; their colours are far apart in CAM02-UCS
(tests/test_figures.py), also for the commonest colour-vision deficiencies. Legends sit below the panels, inside
the canvas (constrained layout makes room for them).
"""

import contextlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

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
    """Ordered values (weight scales) on viridis without its last sixth: its yellow end vanishes on white."""
    scales = sorted(set(scales))
    cut = matplotlib.colors.ListedColormap(plt.get_cmap("viridis")(np.linspace(0.0, 0.82, 256)))
    return {s: cut(i / max(1, len(scales) - 1)) for i, s in enumerate(scales)}


def init_label(init: str, scale: float | None = None) -> str:
    """The initializer's display name (and its scale when it is not 1)."""
    display = INITIALIZERS[init].display
    return display if scale is None or scale == 1 else f"{display}, s = {scale:g}"


def band(ax, frame: pd.DataFrame, color, label: str, marker=None, linestyle="-", x: str = "layer") -> None:
    """Median line and 5–95 % band of a summary over its column ``x`` (layers; the step of a training record)."""
    frame = frame.sort_values(x)
    x = frame[x].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        ax.fill_between(x, frame["p05"], frame["p95"], color=color, alpha=0.15, linewidth=0)
    every = max(1, len(x) // 8)
    ax.plot(
        x, frame["median"], color=color, label=label, marker=marker, markevery=every, markersize=4, linestyle=linestyle
    )


THEORY_STYLE = {"color": "k", "linestyle": (0, (4, 2)), "linewidth": 1.1, "zorder": 5}  # above bands and lines


def theory(ax, x, y, label: str | None = None) -> None:
    """A dashed black prediction on top of the data (only where it is finite and, on log axes, positive)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(invalid="ignore"):
        keep = np.isfinite(y) & (np.abs(y) < 1e300)
        if ax.get_yscale() == "log":
            keep &= y > 0
    ax.plot(x[keep], y[keep], label=label, **THEORY_STYLE)


def theory_line(ax, predicted, first_layer: int) -> None:
    """The prediction per layer beside a band, from ``first_layer`` on (nothing where the theory has none)."""
    if predicted is not None:
        theory(ax, np.arange(first_layer, first_layer + len(predicted)), predicted)


def theory_handle(label: str):
    """A legend entry for the theory lines of a figure."""
    from matplotlib.lines import Line2D

    return Line2D([], [], label=label, **THEORY_STYLE)


def legend_outside(fig: Figure, title: str | None = None, extra=(), panels=None) -> None:
    """One legend for the whole figure, below its panels and inside the canvas: every labelled line of
    ``panels`` (default: all) once (same label, same entry), then ``extra`` handles (the theory's)."""
    handles: dict[str, object] = {}
    for ax in fig.axes if panels is None else panels:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    for handle in extra:
        handles.setdefault(handle.get_label(), handle)
    if not handles:
        return
    ncols = max(1, min(len(handles), int(fig.get_figwidth() // 2.6)))  # about 2.6 inches an entry
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="outside lower center",
        ncols=ncols,
        frameon=False,
        fontsize="small",
        title=title,
        title_fontsize="small",
    )


def placeholder(message: str) -> Figure:
    """A figure that says why it is empty (the config has no case this figure draws)."""
    fig, ax = plt.subplots(figsize=(5, 2), layout="constrained")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    ax.set_axis_off()
    return fig


def facets(n: int, width: float = 3.6, height: float = 3.0, ncols: int = 3, xlabel: str = "", sharex: bool = True):
    """``n`` panels on a grid of ``ncols`` columns; ``xlabel`` (and, shared x, the x tick labels) only on the
    lowest panel of each column (also when the last row is short)."""
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(max(width * ncols, 5.6), height * nrows + 0.8),  # room for a suptitle and a legend below
        squeeze=False,
        sharex=sharex,
        layout="constrained",
    )
    for index, ax in enumerate(axes.flat):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # layers
        if index >= n:
            ax.set_visible(False)
        elif index + ncols >= n:  # nothing visible below it
            ax.xaxis.set_tick_params(which="both", labelbottom=True)
            ax.set_xlabel(xlabel)
    return fig, axes.flat


def layer_panels(data: pd.DataFrame, hue: str, title: str, curve, first_layer: int, ylabel: str) -> Figure:
    """One panel per activation, one band per ``hue`` value ("scale" or "init") with the dashed ``curve(row)``."""
    activations = [a for a in ACTIVATIONS if a in set(data["activation"])]
    if not activations:
        return placeholder(f"{title}: no such case in this config")
    with styled():
        fig, axes = facets(len(activations), xlabel="layer l")
        colors = scale_colors(data["scale"]) if hue == "scale" else None
        for ax, activation in zip(axes, activations, strict=False):
            ax.set_yscale("log")
            # one band per combination: an init may come at several scales (orthogonal at gain 1 and √2)
            for (init, scale, width), frame in data[data["activation"] == activation].groupby(
                ["init", "scale", "width"]
            ):
                label = f"{scale:g}" if hue == "scale" else init_label(init, scale)
                label += f", width {width}" if data["width"].nunique() > 1 else ""
                entry = INITIALIZERS[init]
                if hue == "scale":
                    band(ax, frame, colors[scale], label)
                else:
                    style = "-" if scale == 1 else (0, (6, 2, 1, 2))  # dash-dot; dashed is kept for theory
                    band(ax, frame, entry.color, label, marker=entry.marker, linestyle=style)
                theory_line(ax, curve(frame.iloc[0]), first_layer)
            ax.set_title(ACTIVATIONS[activation].display)
            ax.set_ylabel(f"{ylabel} (log scale)")
        legend_outside(fig, "weight std s" if hue == "scale" else "init", [theory_handle(THEORY_LABEL)])
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
