"""Rows of the theory table: a prediction beside the measured median of the same quantity.

``relative_error`` is (measured − predicted)/|predicted|; ``gap_closed`` is the share of the log-gap
|ln m − ln p| that the finite-width correction removes. Experiments build their rows with ``row``.
"""

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from initstab.tidy import SPEC_COLUMNS

COLUMNS = [
    *SPEC_COLUMNS,
    "quantity",
    "layer",
    "measured_median",
    "measured_p05",
    "measured_p95",
    "predicted",
    "predicted_finite_width",
    "relative_error",
    "relative_error_finite_width",
    "gap_closed",
]


def relative_error(measured: float, predicted: float) -> float:
    if not (np.isfinite(measured) and np.isfinite(predicted)) or predicted == 0:
        return math.nan
    return (measured - predicted) / abs(predicted)


def gap_closed(measured: float, predicted: float, corrected: float) -> float:
    """1 − |ln m − ln p_corrected| / |ln m − ln p|: 1 when the correction lands on the measurement, 0 when it
    changes nothing, negative when it overshoots by more than the original gap."""
    values = np.array([measured, predicted, corrected])
    if not (np.all(np.isfinite(values)) and np.all(values > 0)):
        return math.nan
    gap = abs(math.log(measured) - math.log(predicted))
    return math.nan if gap == 0 else 1 - abs(math.log(measured) - math.log(corrected)) / gap


def row(spec: Mapping, quantity: str, layer, summary_row, predicted: float, corrected: float = math.nan) -> dict:
    measured = float(summary_row["median"])
    return {
        **{name: spec[name] for name in SPEC_COLUMNS},
        "quantity": quantity,
        "layer": layer,
        "measured_median": measured,
        "measured_p05": float(summary_row["p05"]),
        "measured_p95": float(summary_row["p95"]),
        "predicted": predicted,
        "predicted_finite_width": corrected,
        "relative_error": relative_error(measured, predicted),
        "relative_error_finite_width": relative_error(measured, corrected),
        "gap_closed": gap_closed(measured, predicted, corrected),
    }


def groups(summary: pd.DataFrame, metric: str, with_sigma_w2: bool = False):
    """(spec, summary rows) of each combination measuring ``metric`` (only those with a σ_w² if asked)."""
    data = summary[summary["metric"] == metric]
    if with_sigma_w2:
        data = data[data["sigma_w2"].notna()]
    for keys, frame in data.groupby(SPEC_COLUMNS, sort=True, dropna=False):
        yield dict(zip(SPEC_COLUMNS, keys, strict=True)), frame


def deepest_finite(frame: pd.DataFrame):
    """The summary row of the deepest layer whose median is finite and non-zero (None if there is none)."""
    ok = frame[np.isfinite(frame["median"]) & (frame["median"] != 0)]
    return None if ok.empty else ok.sort_values("layer").iloc[-1]
