"""Rows of the theory table: relative errors, the share of the log-gap closed, grouping by combination."""

import math

import numpy as np
import pandas as pd
import pytest

from initstab.theory import table
from initstab.tidy import SPEC_COLUMNS

SPEC = {
    "experiment": "gradient_flow",
    "activation": "relu",
    "init": "normal",
    "scale": 0.5,
    "bias_variance": 0.0,
    "sigma_w2": 2.5,
    "input_variance": math.nan,
    "regime": "none",
    "width": 8,
    "depth": 3,
    "dtype": "float32",
}


def test_relative_error():
    assert table.relative_error(1.1, 1.0) == pytest.approx(0.1)
    assert table.relative_error(-3.0, -2.0) == pytest.approx(-0.5)  # divided by |predicted|
    for measured, predicted in [(1.0, 0.0), (math.inf, 1.0), (1.0, math.nan), (math.nan, 1.0)]:
        assert math.isnan(table.relative_error(measured, predicted))


def test_gap_closed():
    assert table.gap_closed(2.0, 1.0, 2.0) == 1.0  # the correction lands on the measurement
    assert table.gap_closed(2.0, 1.0, 1.0) == 0.0  # it changes nothing
    assert table.gap_closed(4.0, 1.0, 2.0) == pytest.approx(0.5)  # half of the log-gap ln 4
    assert table.gap_closed(2.0, 1.0, 8.0) == pytest.approx(-1.0)  # overshoots by twice the gap
    for values in [(2.0, 2.0, 3.0), (0.0, 1.0, 1.0), (2.0, 1.0, math.nan), (-2.0, 1.0, 1.0)]:
        assert math.isnan(table.gap_closed(*values))


def test_row_has_the_table_columns_and_the_measured_band():
    summary_row = pd.Series({"median": 1.5, "p05": 1.0, "p95": 2.0})
    row = table.row(SPEC | {"extra": "dropped"}, "mean|Y_ij|", 3, summary_row, 1.0, 1.4)
    assert list(row) == table.COLUMNS
    assert {name: row[name] for name in SPEC_COLUMNS} == SPEC
    assert (row["measured_median"], row["measured_p05"], row["measured_p95"]) == (1.5, 1.0, 2.0)
    assert row["relative_error"] == pytest.approx(0.5)
    assert row["relative_error_finite_width"] == pytest.approx(0.1 / 1.4)
    assert row["gap_closed"] == pytest.approx(1 - math.log(1.5 / 1.4) / math.log(1.5))
    plain = table.row(SPEC, "q", math.nan, summary_row, 1.0)
    assert math.isnan(plain["predicted_finite_width"]) and math.isnan(plain["gap_closed"])


def summary(**overrides):
    frames = []
    for scale, sigma_w2 in [(0.5, 2.5), (1.0, math.nan)]:
        spec = SPEC | {"scale": scale, "sigma_w2": sigma_w2} | overrides
        medians = [1.0, 0.0, np.inf] if scale == 0.5 else [2.0, 3.0, 4.0]
        frames.append(
            pd.DataFrame(
                {
                    **spec,
                    "layer": [1, 2, 3],
                    "metric": "grad_mean_abs",
                    "median": medians,
                    "p05": 0.0,
                    "p95": 9.0,
                }
            )
        )
    other = pd.DataFrame({**SPEC, "layer": [1], "metric": "other", "median": [1.0], "p05": 0.0, "p95": 1.0})
    return pd.concat([*frames, other], ignore_index=True)


def test_groups_yield_one_spec_per_combination_of_the_metric():
    found = list(table.groups(summary(), "grad_mean_abs"))
    assert [spec["scale"] for spec, _ in found] == [0.5, 1.0]
    assert all(set(spec) == set(SPEC_COLUMNS) and len(frame) == 3 for spec, frame in found)
    assert math.isnan(found[1][0]["sigma_w2"])  # a NaN σ_w² is a group of its own, not dropped
    (only,) = table.groups(summary(), "grad_mean_abs", with_sigma_w2=True)
    assert only[0]["sigma_w2"] == 2.5


def test_deepest_finite_skips_zero_and_inf():
    (first, frame), (second, other) = table.groups(summary(), "grad_mean_abs")
    assert int(table.deepest_finite(frame)["layer"]) == 1  # layer 2 is 0, layer 3 inf
    assert int(table.deepest_finite(other)["layer"]) == 3
    assert table.deepest_finite(frame[frame["layer"] > 1]) is None
