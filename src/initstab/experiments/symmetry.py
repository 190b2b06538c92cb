"""symmetry: hidden units that start alike stay alike under gradient descent, unless dropout breaks it (seed 004).

Seed 004's section 3 claims two things: units of a layer that start alike get equal gradients and so stay alike
for ever (a permutation symmetry; the net computes as if each layer had one unit), and dropout and regularization
break it. The spread of a layer (largest distance between two units' incoming weights and bias, relative to their
RMS norm) is exactly 0 while the symmetry holds: the criterion is bit equality, in the job's dtype.
"""

import math

import numpy as np
import pandas as pd

from initstab import tidy
from initstab.experiments.base import Experiment, Figure
from initstab.initializers import INITIALIZERS
from initstab.regimes import REGIMES
from initstab.theory import table

SPREAD = "largest unit spread, hidden layer 1, over every step and seed"


def rows(job, combination, metrics, device):
    return tidy.per_step_rows(tidy.spec_values(job, combination), device, metrics, job.training.recorded_steps)


def keeps_symmetry(init: str, regime: str) -> bool:
    """Units alike stay alike: equal units get equal gradients, unless dropout masks them differently."""
    return INITIALIZERS[init].symmetric and REGIMES[regime].dropout == 0


def theory_rows(summary):
    """Per (init, regime, dtype): the largest spread of hidden layer 1 over the recorded steps (the p99 over seeds,
    the largest seed when there are fewer than 100), predicted exactly 0 where the symmetry must hold."""
    found = []
    data = summary[(summary["metric"] == "unit_spread") & (summary["layer"] == 1)]
    for spec, frame in table.groups(data, "unit_spread"):
        largest = float(frame["p99"].max())
        measured = pd.Series({"median": largest, "p05": math.nan, "p95": math.nan})
        predicted = 0.0 if keeps_symmetry(spec["init"], spec["regime"]) else math.nan
        found.append(table.row(spec, SPREAD, 1, measured, predicted))
    return found


def verdicts(rows: pd.DataFrame) -> dict[str, bool]:
    """Seed 004's claims against the spreads of the symmetric inits: do alike units stay alike without dropout,
    does dropout break them, does L2 regularization break them."""
    symmetric = rows[[INITIALIZERS[i].symmetric for i in rows["init"]]]
    spread = {regime: frame["measured_median"].to_numpy() for regime, frame in symmetric.groupby("regime")}
    without_dropout = [r for r in spread if REGIMES[r].dropout == 0]
    dropout = [r for r in spread if REGIMES[r].dropout > 0]
    decay = [r for r in spread if REGIMES[r].weight_decay]
    return {
        "stay alike": bool(without_dropout) and all((spread[r] == 0).all() for r in without_dropout),
        "dropout breaks it": bool(dropout) and all((spread[r] > 0).all() for r in dropout),
        "L2 breaks it": bool(decay) and all((spread[r] > 0).all() for r in decay),
    }


def report(rows):
    symmetric = rows[[INITIALIZERS[i].symmetric for i in rows["init"]]]
    if symmetric.empty:
        return ""
    said = verdicts(rows)
    inits = ", ".join(sorted(set(symmetric["init"])))
    dtypes = ", ".join(sorted(set(symmetric["dtype"])))
    exact = sorted(REGIMES[r].display for r in set(symmetric["regime"]) if REGIMES[r].dropout == 0)
    broken = symmetric[[REGIMES[r].dropout > 0 for r in symmetric["regime"]]]
    dropped = ", ".join(f"{REGIMES[r].display}: {v:.2g}" for r, v in broken.groupby("regime")["measured_median"].min().items())
    decay = "no" if not said["L2 breaks it"] else "yes"
    return (
        "<p>Symmetry (seed 004, section 3): from symmetric inits (" + inits + f"; {dtypes}), the hidden units' spread "
        f"stayed <strong>exactly 0</strong> at every recorded step and seed under {', '.join(exact)}"
        f"{'' if said['stay alike'] else ' — not in every case (see the table)'}: minibatch SGD does not break the "
        f"symmetry. Dropout does ({'yes' if said['dropout breaks it'] else 'not in every case'}; smallest largest "
        f"spread {dropped}). L2 regularization breaks it: <strong>{decay}</strong> — seed 004's first claim "
        f"{'holds' if said['stay alike'] else 'fails'}, and of its second, dropout "
        f"{'holds' if said['dropout breaks it'] else 'fails'} and regularization "
        f"{'holds' if said['L2 breaks it'] else 'does not hold'}.</p>"
    )


def plot(summary):
    """Per init (columns): the hidden units' spread (top, symlog: 0 is exact equality) and the training accuracy
    (bottom) over the steps, one band per regime (the job's widest dtype)."""
    import matplotlib.pyplot as plt

    from initstab import figures
    from initstab.activations import ACTIVATIONS

    data = summary[summary["metric"].isin(["unit_spread", "train_accuracy"])]
    if data.empty:
        return figures.placeholder("Symmetry: no case in this config")
    dtype = max(set(data["dtype"]), key=lambda d: np.finfo(d).bits if d != "bfloat16" else 16)
    data = data[(data["dtype"] == dtype) & ((data["layer"] == 1) | data["layer"].isna())]
    inits = sorted(set(data["init"]), key=lambda i: (not INITIALIZERS[i].symmetric, list(INITIALIZERS).index(i)))
    with figures.styled():
        fig, axes = plt.subplots(
            2, len(inits), figsize=(3.6 * len(inits), 5.6), sharex=True, layout="constrained", squeeze=False
        )
        for column, init in enumerate(inits):
            top, bottom = axes[0, column], axes[1, column]
            for regime in [r for r in REGIMES if r in set(data["regime"])]:
                frame = data[(data["init"] == init) & (data["regime"] == regime)]
                color = REGIMES[regime].color
                spread = frame[frame["metric"] == "unit_spread"]
                figures.band(top, spread, color, REGIMES[regime].display, x="x")
                figures.band(bottom, frame[frame["metric"] == "train_accuracy"], color, REGIMES[regime].display, x="x")
            top.set_yscale("symlog", linthresh=1e-6)
            largest = data.loc[(data["init"] == init) & (data["metric"] == "unit_spread"), "p95"].max()
            top.set_ylim(0, max(3 * float(largest), 1e-5))  # room above the bands; 0 (exact equality) at the bottom
            top.set_title(figures.init_label(init))
            bottom.set(xlabel="training step", ylim=(0, 1))
        axes[0, 0].set_ylabel("unit spread, hidden layer 1\n(0: units bit-identical)")
        axes[1, 0].set_ylabel("training accuracy")
        activation = ", ".join(ACTIVATIONS[a].display for a in sorted(set(data["activation"])))
        figures.legend_outside(fig, "regime", panels=[axes[0, 0]])
        fig.suptitle(f"Do hidden units that start alike stay alike? ({activation}, {dtype})")
    return fig


EXPERIMENT = Experiment(
    name="symmetry",
    description=__doc__.split(": ", 1)[1].split("\n")[0].strip(),
    order=10,
    rows=rows,
    figures=(Figure("symmetry", plot),),
    theory=theory_rows,
    report=report,
    options=("training",),
    sources=("data.py", "tf/training.py"),
    trains=True,
)
