"""matrix_product: Y = W_n⋯W_1 of k×k Gaussian matrices (seeds 000, 002, 004)."""

import math

import numpy as np
import pandas as pd

from initstab import tidy
from initstab.activations import IDENTITY
from initstab.experiments.base import Experiment, Figure
from initstab.theory import products, table

NAME = "matrix_product"


def rows(job, combination, metrics, device):
    return tidy.per_layer_rows(
        tidy.spec_values(job, combination), device, metrics, first_layer=1, first_seed=job.first_seed
    )


def theory_rows(summary):
    """median_ij log10|Y_ij| at the last n against E log10|Y_ij| = (nλ₁ + ½(ψ(½) − ψ(k/2)))/ln 10."""
    found = []
    for spec, frame in table.groups(summary, "log10_abs_entry_median"):
        if spec["init"] != "normal":
            continue
        last = frame.sort_values("layer").iloc[-1]
        n = int(last["layer"])
        predicted = products.mean_log_abs_entry(spec["scale"], spec["width"], n) / math.log(10)
        found.append(table.row(spec, "median log10|Y_ij|", n, last, predicted))
    return found


def printed_theory(row):
    if row["metric"] == "log10_abs_entry_median" and row["init"] == "normal":
        return products.mean_log_abs_entry(float(row["scale"]), int(row["width"]), int(row["layer"])) / math.log(10)
    return math.nan


def printed_matrices(matrices: pd.DataFrame) -> pd.DataFrame:
    """Reduce each matrix the notebooks print (workflow/resources/seed_matrices.csv) to this experiment's metrics
    (median log10|entry|, max|entry|), as reproduction rows."""
    rows = []
    keys = ["source", "cell", "init", "scale", "width", "n"]
    for (source, cell, init, scale, width, n), frame in matrices.groupby(keys, sort=False):
        magnitude = np.abs(frame["value"].to_numpy(dtype=np.float64))
        base = {
            "source": source,
            "cell": cell,
            "experiment": NAME,
            "activation": IDENTITY,
            "init": init,
            "scale": scale,
            "width": width,
            "depth": 101,
            "layer": n,
            "n_avg": 1,
            "offset": 0,
            "printed_as": f"printed {int(np.sqrt(magnitude.size))}×… matrix after n = {n}",
        }
        rows.append(base | {"metric": "log10_abs_entry_median", "seed_value": np.median(np.log10(magnitude))})
        rows.append(base | {"metric": "max_abs_entry", "seed_value": magnitude.max()})
    return pd.DataFrame(rows)


def plot(summary):
    """Median over entries of log10|Y_ij| of Y = W_n⋯W_1 against n, one line per weight scale; dashed: the
    exact mean n·λ₁ + ½(ψ(½) − ψ(k/2)) in log10 (theory.products.mean_log_abs_entry)."""
    import matplotlib.pyplot as plt

    from initstab import figures

    data = summary[summary["metric"] == "log10_abs_entry_median"]
    colors = figures.scale_colors(data["scale"])
    with figures.styled():
        fig, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
        for (scale, width), frame in data.groupby(["scale", "width"]):
            figures.band(ax, frame, colors[scale], f"s = {scale:g}, k = {width}")
            n = np.arange(1, int(frame["layer"].max()) + 1)  # every n, not only the measured ones
            figures.theory(ax, n, [products.mean_log_abs_entry(scale, width, i) / np.log(10) for i in n])
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set(
            xlabel="number of factors n",
            ylabel="median$_{ij}$ log$_{10}$|Y$_{ij}$|",
            title="Products of Gaussian matrices",
        )
        figures.legend_outside(fig, "entry std s, width k", [figures.theory_handle("theory: E log$_{10}$|Y$_{ij}$|")])
    return fig


EXPERIMENT = Experiment(
    name=NAME,
    description=__doc__.split(": ", 1)[1].strip(),
    order=1,
    rows=rows,
    figures=(Figure("matrix_product", plot),),
    theory=theory_rows,
    printed_theory=printed_theory,
    printed_matrices=printed_matrices,
    matrix_state=True,
    notebook=True,
)
