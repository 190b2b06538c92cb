"""Ensemble statistics that survive inf, NaN and zeros (no TensorFlow here).

Quantiles are order statistics (the inverted-CDF definition, no interpolation): the q-quantile of n values is
the ⌈q·n⌉-th smallest. They commute with every monotone map, so the quantiles of a value are 10^(quantiles of
its log10) — summaries are "in log space" without taking logs of zeros — and an interpolation between a finite
value and inf never produces NaN. NaN (from inf − inf or 0·inf after an overflow) ranks above +inf.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd

SUMMARY_QUANTILES = {"p01": 0.01, "p05": 0.05, "median": 0.5, "p95": 0.95, "p99": 0.99}


def order_statistic_index(n: int | np.ndarray, q: float) -> np.ndarray:
    """0-based index of the q-quantile among n sorted values: ⌈q·n⌉ − 1, clipped to [0, n − 1]."""
    n = np.asarray(n)
    return np.clip(np.ceil(q * n).astype(np.int64) - 1, 0, np.maximum(n - 1, 0))


def ranked_quantile(values, q: float) -> float:
    """q-quantile of ``values`` as an order statistic, NaN ranking above +inf (np.sort puts NaN last)."""
    ordered = np.sort(np.asarray(values, dtype=np.float64).ravel())
    if ordered.size == 0:
        return np.nan
    return float(ordered[order_statistic_index(ordered.size, q)])


def summarize(table: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Per group of ``keys``: n, n_finite, n_nan and the SUMMARY_QUANTILES of ``value``, vectorized."""
    keys = list(keys)
    ordered = table.sort_values([*keys, "value"], na_position="last", kind="mergesort")
    groups = ordered.groupby(keys, sort=False, dropna=False)
    rank = groups.cumcount().to_numpy()
    size = groups["value"].transform("size").to_numpy()
    values = ordered["value"].to_numpy(dtype=np.float64)
    summary = groups.agg(
        n=("value", "size"),
        n_finite=("finite", "sum"),
        n_nan=("value", lambda v: int(np.isnan(v.to_numpy(dtype=np.float64)).sum())),
    )
    for name, q in SUMMARY_QUANTILES.items():
        picked = rank == order_statistic_index(size, q)
        summary[name] = values[picked]
    return summary.reset_index()


def bootstrap_means(values, n_avg: int, draws: int = 4000, seed: int = 0) -> np.ndarray:
    """Distribution of the mean of ``n_avg`` draws resampled from ``values`` (with replacement).

    A notebook that prints the average of n_avg random draws printed one sample of this distribution; for
    n_avg = 1 it is the ensemble itself. Arithmetic follows Python's: one inf gives inf, inf − inf gives NaN.
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    if n_avg == 1:
        return values
    picks = np.random.default_rng(seed).integers(0, values.size, size=(draws, n_avg))
    with np.errstate(invalid="ignore", over="ignore"):
        return values[picks].mean(axis=1)
