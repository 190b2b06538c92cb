"""jacobian_spectrum: singular values of a deep net's input–output Jacobian at criticality.

The rows' ``layer`` is the checkpoint depth L (``checkpoints``).
"""

import math

import numpy as np

from initstab import tidy
from initstab.activations import ACTIVATIONS
from initstab.experiments.base import Experiment, Figure
from initstab.initializers import INITIALIZERS
from initstab.theory import meanfield, table


def checkpoints(depth: int) -> list[int]:
    """Layers where the Jacobian's spectrum is recorded: 1, 2, 4, … and ``depth``."""
    return sorted({*(2**i for i in range(int(math.log2(depth)) + 1)), depth})


def rows(job, combination, metrics, device):
    return tidy.per_layer_rows(
        tidy.spec_values(job, combination), device, metrics, layers=checkpoints(job.depth), first_seed=job.first_seed
    )


def predicted_variance(spec, depth: float) -> float:
    """Var eig(JJᵀ) at depth L (Pennington et al. 2017), orthogonal or Gaussian by the init's family."""
    orthogonal = INITIALIZERS[spec["init"]].family == "orthogonal"
    return float(
        meanfield.jacobian_spectrum_variance(
            spec["activation"], float(spec["sigma_w2"]), float(spec["bias_variance"]), depth, orthogonal
        )
    )


def theory_rows(summary):
    """Variance of the eigenvalues of JJᵀ at each checkpoint depth against Pennington et al. (2017)."""
    found = []
    for spec, frame in table.groups(summary, "jjt_var", with_sigma_w2=True):
        for _, row in frame.sort_values("layer").iterrows():
            depth = int(row["layer"])
            found.append(table.row(spec, "variance of eig(JJᵀ)", depth, row, predicted_variance(spec, depth)))
    return found


def plot(summary):
    """Variance of the eigenvalues of JJᵀ against depth, Gaussian vs orthogonal weights at the edge of chaos;
    dashed: L·(μ₂/μ₁² − 1 − s₁) (Pennington et al. 2017)."""
    import matplotlib.pyplot as plt

    from initstab import figures

    data = summary[summary["metric"] == "jjt_var"]
    if data.empty:
        return figures.placeholder("Jacobian spectrum: no case in this config")
    biases = sorted(set(data["bias_variance"]))
    with figures.styled():
        fig, axes = plt.subplots(
            1, len(biases), figsize=(4.6 * len(biases), 3.8), layout="constrained", squeeze=False, sharey=True
        )
        for ax, bias in zip(axes.flat, biases, strict=True):
            keys = ["activation", "init", "scale", "width", "sigma_w2"]
            for (activation, init, _, _, sigma_w2), frame in data[data["bias_variance"] == bias].groupby(
                keys, dropna=False
            ):
                entry = INITIALIZERS[init]
                label = f"{ACTIVATIONS[activation].display}, {figures.init_label(init)}"
                figures.band(ax, frame, entry.color, label, marker=entry.marker)
                if math.isnan(sigma_w2):
                    continue
                depths = np.geomspace(frame["layer"].min(), frame["layer"].max(), 64)  # linear in L: dense is exact
                figures.theory(ax, depths, [predicted_variance(frame.iloc[0], d) for d in depths])
            # q* differs between panels (σ_b²), so each states its own: where its inputs started (combination table)
            q_stars = ", ".join(
                f"{q:.3g}" for q in sorted(set(data.loc[data["bias_variance"] == bias, "input_variance"]))
            )
            ax.set(xscale="log", xlabel="depth L", title=f"σ$_b^2$ = {bias:g}, q* = {q_stars}")
            ax.set_yscale("symlog", linthresh=1e-3)
            ax.set_ylim(bottom=0)  # a variance: nothing below 0 to show
        axes.flat[0].set_ylabel("variance of eig(JJ$^T$)")
        figures.legend_outside(fig, extra=[figures.theory_handle("theory (free probability)")])
        fig.suptitle("Jacobian spectrum at the edge of chaos")
    return fig


EXPERIMENT = Experiment(
    name="jacobian_spectrum",
    description=__doc__.split(": ", 1)[1].split("\n")[0].strip(),
    order=7,
    rows=rows,
    figures=(Figure("jacobian_spectrum", plot),),
    theory=theory_rows,
    matrix_state=True,
    fixed_point=True,
)
