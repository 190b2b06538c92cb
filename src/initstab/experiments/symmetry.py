"""symmetry: hidden units that start alike stay alike under gradient descent, unless dropout breaks it (seed 004).

Seed 004's section 3 claims two things: units of a layer that start alike get equal gradients and so stay alike
for ever (a permutation symmetry; the net computes as if each layer had one unit), and dropout and regularization
break it. The spread of a layer (largest distance between two units' incoming weights and bias, relative to their
RMS norm) is exactly 0 while the symmetry holds bit for bit. In float64 it does; in float32 a CPU's matmul kernels
may round the units' sums over the whole training set differently (measured: spreads of 10⁻¹¹–10⁻¹⁰ after 30
full-batch steps on an AMD EPYC with AVX2, exactly 0 on another), so units count as alike while their spread stays
below the dtype's rounding scale √eps (float32 3.5·10⁻⁴), far under what dropout does (10⁻² and more).
"""

import math

import ml_dtypes
import numpy as np
import pandas as pd

from initstab import tidy
from initstab.experiments.base import Experiment, Figure
from initstab.initializers import INITIALIZERS
from initstab.regimes import REGIMES
from initstab.theory import table

SPREAD = "largest unit spread, hidden layer 1, over every step and seed"


def rows(job, combination, metrics, device):
    return tidy.per_step_rows(
        tidy.spec_values(job, combination), device, metrics, job.training.recorded_steps, job.first_seed
    )


def rounding(dtype: str) -> float:
    """The spread below which units count as alike in ``dtype``: √eps."""
    return math.sqrt(float(ml_dtypes.finfo(dtype).eps))


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


def verdicts(rows: pd.DataFrame) -> dict[str, bool | None]:
    """Seed 004's claims against the spreads of the symmetric inits: alike units stay alike under plain (full-batch
    or minibatch) gradient descent; dropout breaks them; L2 regularization breaks them. None where the config has
    no regime that tests the claim."""
    symmetric = rows[[INITIALIZERS[i].symmetric for i in rows["init"]]]
    scale = symmetric["dtype"].map(rounding)
    spread = {
        regime: (frame["measured_median"] / scale[frame.index]).to_numpy()
        for regime, frame in symmetric.groupby("regime")
    }

    def every(regimes: list[str], broken: bool) -> bool | None:
        return all(((spread[r] > 1) if broken else (spread[r] <= 1)).all() for r in regimes) if regimes else None

    plain = [r for r in spread if REGIMES[r].dropout == 0 and not REGIMES[r].weight_decay]
    return {
        "stay alike": every(plain, broken=False),
        "dropout breaks it": every([r for r in spread if REGIMES[r].dropout > 0], broken=True),
        "L2 breaks it": every([r for r in spread if REGIMES[r].weight_decay], broken=True),
    }


def _alike(rows: pd.DataFrame, kept) -> str:
    """'exactly 0 …' per dtype where every spread of the regimes ``kept`` picks is 0, else its largest spread."""
    said = []
    for dtype, frame in rows[[kept(REGIMES[r]) for r in rows["regime"]]].groupby("dtype"):
        largest = float(frame["measured_median"].max())
        said.append(
            f"<strong>exactly 0</strong> in {dtype}"
            if largest == 0
            else f"below {dtype}'s rounding scale √eps = {rounding(dtype):.2g} (largest {largest:.2g})"
        )
    return "; ".join(said) + " at every recorded step and seed"


def _regimes(rows: pd.DataFrame, kept) -> str:
    return ", ".join(sorted({REGIMES[r].display for r in rows["regime"] if kept(REGIMES[r])}))


def report(rows):
    """Seed 004's claims, each judged by the table, in one paragraph; a claim no configured regime tests is left
    out (never judged from nothing)."""
    symmetric = rows[[INITIALIZERS[i].symmetric for i in rows["init"]]]
    if symmetric.empty:
        return ""
    said = verdicts(rows)
    inits = ", ".join(sorted(set(symmetric["init"])))
    dtypes = ", ".join(sorted(set(symmetric["dtype"])))
    sentences, judged = [], []
    if said["stay alike"] is not None:
        plain = _regimes(symmetric, lambda r: r.dropout == 0 and not r.weight_decay)
        sentences.append(
            f"under {plain} the hidden units' spread stayed {_alike(symmetric, lambda r: not r.dropout)}"
            if said["stay alike"]
            else f"under {plain} the hidden units' spread did not stay below rounding in every case (see the table)"
        )
        judged.append(f"alike units stay alike: {'holds' if said['stay alike'] else 'fails'}")
    if said["dropout breaks it"] is not None:
        broken = symmetric[[REGIMES[r].dropout > 0 for r in symmetric["regime"]]]
        smallest = broken.groupby("regime")["measured_median"].min().items()
        spreads = ", ".join(f"{REGIMES[r].display}: {v:.2g}" for r, v in smallest)
        sentences.append(
            f"dropout {'breaks it' if said['dropout breaks it'] else 'did not break it in every case'} "
            f"(smallest largest spread {spreads})"
        )
        judged.append(f"dropout breaks it: {'holds' if said['dropout breaks it'] else 'fails'}")
    if said["L2 breaks it"] is not None:
        decay = _regimes(symmetric, lambda r: r.weight_decay)
        kept = f"does not: its spread stayed {_alike(symmetric, lambda r: r.weight_decay)}"
        sentences.append(f"{decay} {'breaks it' if said['L2 breaks it'] else kept}")
        judged.append(f"regularization breaks it: {'holds' if said['L2 breaks it'] else 'does not hold'}")
    return (
        f"<p>Symmetry (seed 004, section 3), from symmetric inits ({inits}; {dtypes}): {'; '.join(sentences)}. "
        f"Seed 004's claims, as this table judges them — {'; '.join(judged)}.</p>"
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
            exact = []  # regimes whose spread is 0 at every step and seed: their lines overlap on 0
            for regime in [r for r in REGIMES if r in set(data["regime"])]:
                frame = data[(data["init"] == init) & (data["regime"] == regime)]
                color = REGIMES[regime].color
                spread = frame[frame["metric"] == "unit_spread"]
                figures.band(top, spread, color, REGIMES[regime].display, x="x")
                figures.band(bottom, frame[frame["metric"] == "train_accuracy"], color, REGIMES[regime].display, x="x")
                if not spread.empty and (spread["p99"] == 0).all():  # spreads are ≥ 0: p99 = 0 iff all are 0
                    exact.append(REGIMES[regime].display)
            top.set_yscale("symlog", linthresh=1e-6)
            largest = data.loc[(data["init"] == init) & (data["metric"] == "unit_spread"), "p95"].max()
            # room above the bands; 0 (exact equality) just above the bottom spine, so lines on it stay visible
            top.set_ylim(-3e-7, max(3 * float(largest), 1e-5))
            if exact:
                top.text(
                    0.97,
                    0.06,
                    "exactly 0:\n" + "\n".join(exact),
                    transform=top.transAxes,
                    ha="right",
                    va="bottom",
                    fontsize="small",
                )
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
