"""repeated_matrix: result ← M·result with one M until std == 0 or NaN (seed 003).

The config's ``depth`` is the notebook's cap on steps.
"""

import math

import numpy as np

from initstab import tidy
from initstab.experiments.base import Experiment, Figure
from initstab.spec import Combination, Job
from initstab.theory import meanfield

# the magnitude's way from ~1 down to the dtype's smallest subnormal (2⁻¹⁴⁹ in float32); overflow is nearer
LOOP_BITS = {"float16": 24, "bfloat16": 133, "float32": 149, "float64": 1074}


def rows(job, combination, metrics, device):
    return tidy.per_seed_rows(tidy.spec_values(job, combination), device, metrics, job.first_seed)


def expected_steps(job: Job, combination: Combination) -> float:
    """Steps the loop result ← φ(M·result) runs for ``combination`` before it under- or overflows: the magnitude
    travels ~LOOP_BITS of the dtype at |log₂ ρ| a step, ρ = √χ₁(q = 1) (M's spectral radius σ_w times √E[φ′²]: for
    linear and ReLU exact per step), capped at the job's ``depth`` (ρ = 1, or no σ_w² known: the cap)."""
    rho2 = meanfield.chi1(combination.activation, combination.sigma_w2, 1.0)
    bits_per_step = abs(math.log2(rho2)) / 2 if rho2 > 0 else math.inf  # NaN σ_w²: NaN, and NaN > 0 is False
    if not math.isfinite(rho2) or bits_per_step == 0:
        return float(job.depth)
    return min(float(job.depth), LOOP_BITS[job.dtype] / bits_per_step)


def printed_theory(row):
    """std of a centred init's weights is √Var(W_ij) = √(σ_w²/fan_in); their mean is 0."""
    sigma_w2 = float(row["sigma_w2"])
    if math.isnan(sigma_w2):
        return math.nan
    if row["metric"] == "weight_std":
        return math.sqrt(sigma_w2 / int(row["width"]))
    return 0.0 if row["metric"] == "weight_mean" else math.nan


def plot(table):
    """Steps until M^n·(…) degenerates (std 0 or NaN), per seed; 'never' drawn right of the cap."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from initstab import figures
    from initstab.activations import ACTIVATIONS

    data = table[table["metric"] == "steps_until_degenerate"].copy()
    cap = float(data["depth"].max())
    data["steps"] = np.where(np.isfinite(data["value"]), data["value"], cap * 1.06)
    data["case"] = [
        f"{figures.init_label(i, s)}, width {w}" for i, s, w in zip(data["init"], data["scale"], data["width"])
    ]
    data["activation"] = data["activation"].map(lambda a: ACTIVATIONS[a].display)
    with figures.styled():
        fig, ax = plt.subplots(figsize=(7, 0.6 * data["case"].nunique() + 1.8), layout="constrained")
        sns.stripplot(
            data,
            x="steps",
            y="case",
            hue="activation",
            dodge=True,
            jitter=0.25,
            size=3,
            palette={entry.display: entry.color for entry in ACTIVATIONS.values()},
            ax=ax,
        )
        ax.axvline(cap, color="0.4", linestyle=":", linewidth=1)
        ticks = [tick for tick in ax.get_xticks() if 0 <= tick <= 0.9 * cap]  # none crowding "never"
        ax.set_xticks([*ticks, cap * 1.06], [f"{tick:g}" for tick in ticks] + ["never"])  # a tick, off the title
        ax.set(
            xlabel="steps until std = 0 or NaN (IEEE float32 with subnormals)",
            ylabel="",
            title="Repeated multiplication by one matrix",
        )
        ax.legend(title="activation", frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


EXPERIMENT = Experiment(
    name="repeated_matrix",
    description=__doc__.split(": ", 1)[1].split("\n")[0].strip(),
    order=4,
    rows=rows,
    figures=(Figure("repeated_matrix", plot, table="table"),),
    printed_theory=printed_theory,
    matrix_state=True,
    notebook=True,
    one_at_a_time=True,
    loop_steps=expected_steps,
)
