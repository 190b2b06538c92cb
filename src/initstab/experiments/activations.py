"""activations: φ and φ′ on a grid (seed 004).

The config's ``points`` is the job's ``width`` (and the rows' ``width`` column); rows have seed 0 and layer 0.
"""

import numpy as np

from initstab import tidy
from initstab.experiments.base import Experiment, Figure


def rows(job, combination, metrics, device):
    x = np.linspace(job.x_min, job.x_max, job.points)
    return tidy.curve_rows(tidy.spec_values(job, combination), device, x, metrics)


def plot(summary):
    """φ and φ′ of every activation in the registry on the configured grid."""
    import matplotlib.pyplot as plt

    from initstab import figures
    from initstab.activations import ACTIVATIONS

    with figures.styled():
        fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
        for ax, metric, label in zip(axes, ["phi", "dphi"], ["φ(x)", "φ′(x)"], strict=True):
            for name in [a for a in ACTIVATIONS if a in set(summary["activation"])]:
                frame = summary[(summary["activation"] == name) & (summary["metric"] == metric)]
                frame = frame.sort_values("x")
                style = ":" if ACTIVATIONS[name].true_derivative else "-"  # dashed is kept for theory
                entry = ACTIVATIONS[name]
                ax.plot(frame["x"], frame["median"], style, color=entry.color, label=entry.display)
            ax.set(xlabel="x", ylabel=label)
        axes[1].plot([], [], ":", color="0.3", label="dotted: a notebook's φ′, not the true one")
        axes[1].legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.02, 1))  # beside it
    return fig


EXPERIMENT = Experiment(
    name="activations",
    description=__doc__.split(": ", 1)[1].split("\n")[0].strip(),
    order=5,
    rows=rows,
    figures=(Figure("activations", plot),),
    one_job=True,
    one_at_a_time=True,
    options=("x_min", "x_max"),
)
