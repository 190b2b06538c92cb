"""Every number the seed notebooks print, beside our ensemble's distribution of the same statistic.

A notebook prints one random draw of a statistic (often the mean of ``n_avg`` draws). We estimate that
statistic's distribution from our seeds (by resampling means of ``n_avg`` per-seed values) and call the
notebook's number reproduced when it lies in the 1st–99th percentile band (widened by half a unit of
its last printed digit: ``tensor(0.0058)`` stands for [0.00575, 0.00585)). Order is extended to
−inf < finite < inf < NaN, so a printed inf or NaN lies inside when our band reaches it.

Each row also gives the printed number's quantile in that distribution (mid-rank, the same order). If the
notebooks drew from our distributions, these quantiles would be uniform on [0, 1]: ``calibration`` tests that.
"""

import math
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from initstab.combinations import combination_name, derived
from initstab.experiments import EXPERIMENTS
from initstab.initializers import xavier_uniform_bound
from initstab.stats import bootstrap_means, ranked_quantile

SEED_EXPERIMENTS = tuple(name for name, experiment in EXPERIMENTS.items() if experiment.notebook)

COLUMNS = [
    "source",
    "cell",
    "experiment",
    "case",
    "metric",
    "layer",
    "n_avg",
    "seed_value",
    "compared_value",
    "median",
    "p01",
    "p99",
    "inside",
    "quantile",
    "theory",
    "n_seeds",
    "printed_as",
    "note",
]
CLOSED_FORMS: dict[str, Callable[[int], float]] = {
    "xavier_uniform_bound": lambda width: xavier_uniform_bound(width, width),
    "sqrt_fan_in": lambda width: math.sqrt(width),
    "inv_sqrt_fan_in": lambda width: 1.0 / math.sqrt(width),
}


def _rank(value: float) -> tuple[int, float]:
    if math.isnan(value):
        return (2, 0.0)
    if math.isinf(value):
        return (1 if value > 0 else -1, 0.0)
    return (0, value)


def within(value: float, low: float, high: float, resolution: float = 0.0) -> bool:
    """[value ± resolution] meets [low, high] in the order −inf < finite < inf < NaN."""
    if resolution and math.isfinite(value):
        return _rank(low) <= _rank(value + resolution) and _rank(value - resolution) <= _rank(high)
    return _rank(low) <= _rank(value) <= _rank(high)


def ensemble_quantile(sample: np.ndarray, value: float) -> float:
    """Mid-rank quantile of ``value`` in ``sample``, (#below + #equal/2)/n, in the order −inf < finite < inf < NaN."""
    sample = np.asarray(sample, dtype=np.float64)
    nan = np.isnan(sample)
    if math.isnan(value):
        below, equal = np.count_nonzero(~nan), np.count_nonzero(nan)
    else:
        below, equal = np.count_nonzero(sample < value), np.count_nonzero(sample == value)
    return (below + equal / 2) / sample.size


def calibration(table: pd.DataFrame) -> dict[str, float]:
    """How the printed numbers' quantiles in our ensembles compare with U(0, 1), which they follow if the notebooks
    drew from our distributions: Kolmogorov–Smirnov distance and p-value, and the counts in each 1 % tail (0.01·n
    expected). Rows of one notebook cell share draws, so the p-value is optimistic where cells print many rows."""
    quantiles = table["quantile"].dropna().to_numpy(dtype=np.float64)
    if quantiles.size == 0:
        return {"n": 0, "ks_distance": math.nan, "p_value": math.nan, "below_p01": 0, "above_p99": 0}
    test = scipy_stats.kstest(quantiles, "uniform")
    return {
        "n": int(quantiles.size),
        "ks_distance": float(test.statistic),
        "p_value": float(test.pvalue),
        "below_p01": int(np.count_nonzero(quantiles < 0.01)),
        "above_p99": int(np.count_nonzero(quantiles > 0.99)),
    }


def printed_resolution(text: str) -> float:
    """Half a unit in the last printed digit: torch prints ``tensor(0.0058)`` for any value in [0.00575, 0.00585)."""
    try:
        exponent = Decimal(str(text).strip()).as_tuple().exponent
    except InvalidOperation:
        return 0.0
    return 0.5 * 10.0**exponent if isinstance(exponent, int) else 0.0


def predicted(row: Mapping) -> float:
    """The theory value of a row's statistic where its experiment has one (NaN elsewhere). The notebooks have no
    biases; σ_w² is derived as the combination table derives it."""
    experiment = EXPERIMENTS.get(row["experiment"])
    if experiment is None or experiment.printed_theory is None:
        return math.nan
    sigma_w2 = derived(row["activation"], row["init"], float(row["scale"]), int(row["width"]), 0.0, False)["sigma_w2"]
    return experiment.printed_theory({**row, "bias_variance": 0.0, "sigma_w2": sigma_w2})


def _case(row: Mapping) -> str:
    shape = f"k={int(row['width'])}, depth {int(row['depth'])}"
    return f"{row['activation']}, {row['init']} s={row['scale']:g}, {shape}"


def compare(row: Mapping, tables: Mapping[str, pd.DataFrame], dtype: str = "float32") -> dict:
    """One reproduction row: the printed value against our band for the same statistic."""
    compared = float(row["seed_value"]) + float(row["offset"])
    resolution = printed_resolution(row["seed_value"])
    out = (
        {key: row.get(key) for key in COLUMNS if key in row}
        | {"theory": predicted(row)}
        | {
            "case": _case(row),
            "seed_value": float(row["seed_value"]),
            "compared_value": compared,
        }
    )
    if row["experiment"] == "closed_form":
        ours = CLOSED_FORMS[row["metric"]](int(row["width"]))
        inside = math.isclose(ours, compared, rel_tol=1e-12)
        return out | {"median": ours, "p01": ours, "p99": ours, "inside": inside, "n_seeds": 0}
    table = tables.get(row["experiment"])
    if table is None:
        return out | {"inside": pd.NA, "note": "experiment not in this config"}
    spec = {key: row[key] for key in ("activation", "init", "scale", "width", "depth")} | {"dtype": dtype}
    chosen = table[np.logical_and.reduce([table[key] == value for key, value in spec.items()])]
    chosen = chosen[chosen["bias_variance"] == 0]  # the notebooks have no biases
    chosen = chosen[chosen["metric"] == row["metric"]]
    layer = row.get("layer")
    if pd.notna(layer):
        chosen = chosen[chosen["layer"] == int(layer)]
    if chosen.empty:
        name = combination_name(*(spec[k] for k in ("activation", "init", "scale", "width", "depth", "dtype")))
        return out | {"inside": pd.NA, "note": f"combination {name} not in this config"}
    sample = bootstrap_means(chosen["value"].to_numpy(dtype=np.float64), int(row["n_avg"]))
    band = {name: ranked_quantile(sample, q) for name, q in (("p01", 0.01), ("median", 0.5), ("p99", 0.99))}
    inside = within(compared, band["p01"], band["p99"], resolution)
    quantile = ensemble_quantile(sample, compared)
    return out | band | {"inside": inside, "quantile": quantile, "n_seeds": len(chosen)}


def reproduction_table(
    numbers: pd.DataFrame,
    matrices: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    notes: pd.DataFrame,
    dtype: str = "float32",
) -> pd.DataFrame:
    """All printed numbers (scalars and reduced matrices) compared with our ensembles.

    ``tables`` maps experiment → its tidy table; ``notes`` (source, cell, metric, scale, note)
    explains rows whose number lies outside the band.
    """
    reduced = [e.printed_matrices(matrices) for e in EXPERIMENTS.values() if e.printed_matrices is not None]
    rows = pd.concat([numbers, *reduced], ignore_index=True)
    result = pd.DataFrame([compare(row, tables, dtype) for row in rows.to_dict("records")])
    missing = result.pop("note") if "note" in result else pd.Series(pd.NA, index=result.index)
    result["scale"] = rows["scale"].astype(float).to_numpy()
    result = result.merge(notes, on=["source", "cell", "metric", "scale"], how="left")
    result["note"] = missing.where(missing.notna(), result["note"])  # "not in this config" comes first
    return result.reindex(columns=COLUMNS)
