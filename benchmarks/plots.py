"""The benchmark figure: a function of the tidy table (records.py), no TensorFlow, no global state.

Panels: (a) kernel efficiency and (b) draw share per kernel shape and (jit_compile, oneDNN) variant, target
dashed; (c) samples per second of the naive notebook loops and of the pipeline; (d) the pipeline's wall times
(cold with 1 and 2 cores, cache-restored, no-op); (e, f) gradient_flow's seconds per seed against width and depth
on log-log axes, with the O(depth·width³) model fitted through the largest points dashed.
"""

import re
import textwrap

import flops
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

VARIANT_ORDER = ["jit=0 onednn=1", "jit=0 onednn=0", "jit=1 onednn=1", "jit=1 onednn=0"]
PALETTE = dict(zip(VARIANT_ORDER, sns.color_palette("colorblind", 4)))
POINT = re.compile(r"^(?P<sweep>\w+) sweep w(?P<width>\d+) d(?P<depth>\d+) n(?P<seeds>\d+)$")


def _rows(frame: pd.DataFrame, benchmark: str, quantity: str) -> pd.DataFrame:
    return frame[(frame["benchmark"] == benchmark) & (frame["quantity"] == quantity)]


def _missing(ax: Axes, title: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, "not measured in this run", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _kernel_bars(ax: Axes, frame: pd.DataFrame, quantity: str, title: str, target: float | None) -> None:
    rows = _rows(frame, "kernel_efficiency", quantity)
    if rows.empty:
        return _missing(ax, title)
    split = rows["case"].str.extract(r"^(?P<shape>.+?) (?P<variant>jit=\d onednn=\d)$")
    data = rows.assign(shape=split["shape"], variant=split["variant"])
    order = [v for v in VARIANT_ORDER if v in set(data["variant"])]
    sns.barplot(data=data, x="shape", y="value", hue="variant", hue_order=order, palette=PALETTE, ax=ax)
    if target is not None:
        ax.axhline(target, color="black", linestyle="--", linewidth=1, label=f"target {target:g}")
    ax.set(title=title, xlabel="", ylabel="fraction")
    ax.tick_params(axis="x", labelrotation=20)
    ax.legend(fontsize="small")


def _notebook_rates(ax: Axes, frame: pd.DataFrame) -> None:
    """Samples/s per experiment, like for like: naive cells against the pipeline's jobs (one core each)."""
    rows = _rows(frame, "notebooks", "samples_per_s")
    rows = rows[rows["case"].str.contains(": ")].copy()
    title = "(c) samples/s per experiment"
    if rows.empty:
        return _missing(ax, title)
    rows["experiment"] = rows["case"].str.split(": ").str[0]
    rows["side"] = np.where(rows["case"].str.contains("naive"), "naive loops", "pipeline (1 core)")
    sns.barplot(data=rows, x="experiment", y="value", hue="side", palette=["0.7", "C0"], ax=ax)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.3g", fontsize="x-small")
    ax.set(yscale="log", xlabel="", ylabel="samples/s", title=title)
    ax.tick_params(axis="x", labelrotation=20)
    ax.legend(fontsize="small")


def _pipeline_times(ax: Axes, frame: pd.DataFrame) -> None:
    keep = frame["benchmark"].isin(["parallel_scaling", "overheads"]) & (frame["quantity"] == "wall_s")
    rows = frame[keep & ~frame["case"].str.startswith("python")]
    title = "(d) pipeline wall time"
    if rows.empty:
        return _missing(ax, title)
    sns.barplot(
        data=rows.assign(case=rows["case"].map(lambda c: textwrap.fill(c, 28))), y="case", x="value", color="0.6", ax=ax
    )
    ax.bar_label(ax.containers[0], fmt="%.3g s")
    speedup = _rows(frame, "parallel_scaling", "speedup")["value"]
    suffix = f", --cores 2 speedup {speedup.iloc[0]:.2f}×" if len(speedup) else ""
    ax.set(ylabel="", xlabel="seconds", title=title + suffix)
    ax.tick_params(axis="y", labelsize="small")


def _work_scaling(ax: Axes, frame: pd.DataFrame, sweep: str, title: str) -> None:
    rows = _rows(frame, "work_scaling", "seconds_per_seed")
    if rows.empty:
        return _missing(ax, title)
    points = rows["case"].str.extract(POINT.pattern).assign(value=rows["value"].to_numpy())
    points = points[points["sweep"] == sweep].astype({"width": int, "depth": int})
    fit = _rows(frame, "work_scaling", "seconds_per_flop")
    fit = fit[fit["case"] == f"{sweep} sweep fit"]["value"]
    if points.empty or fit.empty:
        return _missing(ax, title)
    ax.plot(points[sweep], points["value"], "o-", color="C0", label="measured")
    model = [flops.expected_seconds_per_seed(w, d, fit.iloc[0]) for w, d in zip(points["width"], points["depth"])]
    ax.plot(points[sweep], model, "--", color="black", label="c·depth·width³, fit to the largest")
    fixed = "depth" if sweep == "width" else "width"
    ax.set(
        xscale="log",
        yscale="log",
        xlabel=sweep,
        ylabel="seconds per seed",
        title=f"{title} ({fixed} {points[fixed].iloc[0]})",
    )
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.legend(fontsize="small")


def benchmark_figure(frame: pd.DataFrame) -> Figure:
    """The six panels from the tidy benchmark table (any section may be missing)."""
    figure = Figure(figsize=(16, 9.5), layout="constrained")
    axes = figure.subplots(2, 3)
    _kernel_bars(axes[0, 0], frame, "efficiency", "(a) kernel FLOP/s / batched matmul FLOP/s", 0.5)
    _kernel_bars(axes[0, 1], frame, "draw_share", "(b) share of kernel time drawing weights", None)
    _notebook_rates(axes[0, 2], frame)
    _pipeline_times(axes[1, 0], frame)
    _work_scaling(axes[1, 1], frame, "width", "(e) gradient_flow vs width")
    _work_scaling(axes[1, 2], frame, "depth", "(f) gradient_flow vs depth")
    return figure
