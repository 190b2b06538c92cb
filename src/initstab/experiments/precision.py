"""precision: gradient_flow in float16/bfloat16/float32/float64: first layer to over- or underflow."""

import math

from initstab import tidy
from initstab.activations import ACTIVATIONS
from initstab.experiments.base import Experiment, Figure
from initstab.experiments.gradient_flow import gradient_events
from initstab.initializers import INITIALIZERS
from initstab.theory import curves, table
from initstab.theory import precision as limits

DTYPE_ORDER = ["float16", "bfloat16", "float32", "float64"]
OVERFLOW, UNDERFLOW = "#CC3311", "#0077BB"  # red up, blue down: apart also for red-green deficiencies


def rows(job, combination, metrics, device):
    metrics, events = gradient_events(job, combination, metrics, device)
    spec = tidy.spec_values(job, combination)
    return [
        *tidy.per_layer_rows(
            spec, device, {"grad_mean_abs": metrics["grad_mean_abs"]}, first_layer=1, first_seed=job.first_seed
        ),
        *events,
    ]


def predicted_events(spec) -> tuple[float, float]:
    """Predicted first overflow and underflow layers of a combination (``theory.precision.predicted_event_layers``)."""
    curve = curves.gradient_flow_curve(
        spec["activation"],
        float(spec["sigma_w2"]),
        int(spec["width"]),
        int(spec["depth"]),
        float(spec["bias_variance"]),
        gaussian=INITIALIZERS[spec["init"]].family != "orthogonal",
    )
    return limits.predicted_event_layers(
        spec["activation"],
        float(spec["sigma_w2"]),
        float(spec["bias_variance"]),
        curve,
        int(spec["width"]),
        spec["dtype"],
    )


def theory_rows(summary):
    """First overflow and underflow layers per dtype against ``predicted_events``."""
    found = []
    for metric, index in (("first_overflow_layer", 0), ("first_underflow_layer", 1)):
        for spec, frame in table.groups(summary, metric, with_sigma_w2=True):
            found.append(
                table.row(spec, metric.replace("_", " "), math.nan, frame.iloc[0], predicted_events(spec)[index])
            )
    return found


def plot(summary):
    """First overflow (▲) and underflow (▼) layer per dtype, median with a 5–95 % bar; open markers: predicted
    from the mean-field growth and each dtype's limits. Points at the top edge: not within the network."""
    import matplotlib.pyplot as plt

    from initstab import figures

    data = summary[summary["metric"].isin(["first_overflow_layer", "first_underflow_layer"])]
    cases = data[["activation", "init", "scale", "width", "depth", "bias_variance"]].drop_duplicates()
    if cases.empty:
        return figures.placeholder("Precision: no case in this config")
    with figures.styled():
        fig, axes = plt.subplots(
            1, len(cases), figsize=(3.4 * len(cases), 3.6), layout="constrained", squeeze=False, sharey=True
        )
        for ax, (_, case) in zip(axes.flat, cases.iterrows(), strict=False):
            depth = int(case["depth"])
            ceiling = depth * 1.08
            same = (data["activation"] == case["activation"]) & (data["init"] == case["init"])
            frame = data[same & (data["scale"] == case["scale"])]
            for metric, marker, shift in (("first_overflow_layer", "^", -0.12), ("first_underflow_layer", "v", 0.12)):
                for i, dtype in enumerate(DTYPE_ORDER):
                    row = frame[(frame["metric"] == metric) & (frame["dtype"] == dtype)]
                    if row.empty:
                        continue
                    row = row.iloc[0]
                    median, low, high = (min(float(row[c]), ceiling) for c in ("median", "p05", "p95"))
                    ax.errorbar(
                        i + shift,
                        median,
                        yerr=[[median - low], [high - median]],
                        fmt=marker,
                        color=OVERFLOW if "over" in metric else UNDERFLOW,
                        markersize=6,
                        capsize=2,
                    )
                    if not math.isnan(float(row["sigma_w2"])):
                        predicted = predicted_events(row)[0 if "over" in metric else 1]
                        ax.plot(i + 2 * shift, min(predicted, ceiling), marker, mfc="none", color="k", markersize=7)
            ax.axhline(depth, color="0.5", linestyle=":", linewidth=1)
            ax.set_xticks(range(len(DTYPE_ORDER)), DTYPE_ORDER, rotation=30)
            activation = ACTIVATIONS[case["activation"]].display
            ax.set_title(f"{activation}, {figures.init_label(case['init'], case['scale'])}", fontsize="small")
        axes.flat[0].set_ylabel("first layer (dotted: network depth)")
        handles = [
            plt.Line2D([], [], marker="^", color=OVERFLOW, linestyle="", label="overflow (measured)"),
            plt.Line2D([], [], marker="v", color=UNDERFLOW, linestyle="", label="underflow to 0 (measured)"),
            plt.Line2D([], [], marker="o", mfc="none", color="k", linestyle="", label="predicted"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize="x-small")
        fig.suptitle("Where each dtype gives up (gradient flow)")
    return fig


EXPERIMENT = Experiment(
    name="precision",
    description=__doc__.split(": ", 1)[1].strip(),
    order=8,
    rows=rows,
    figures=(Figure("precision", plot),),
    theory=theory_rows,
    kernel="gradient_flow",
    matrix_state=True,
)
