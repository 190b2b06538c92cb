import math

import numpy as np
import pandas as pd
import pytest

from initstab import reproduction, tidy

ROW = {
    "source": "000",
    "cell": "In [5]",
    "experiment": "gradient_flow",
    "activation": "relu",
    "init": "normal",
    "scale": 0.1,
    "width": 100,
    "depth": 50,
    "metric": "grad_mean_abs_native",
    "layer": 50,
    "n_avg": 1,
    "offset": 0,
    "printed_as": "x",
}


def table_with(values, layer=50, metric="grad_mean_abs_native"):
    spec = {k: ROW.get(k, 0.0) for k in tidy.SPEC_COLUMNS if k != "dtype"} | {"dtype": "float32"}
    frames = tidy.per_layer_rows(spec, "CPU:0", {metric: np.asarray(values, float)[:, None]}, layer)
    return tidy.assemble(frames)


@pytest.mark.parametrize(
    ("value", "low", "high", "inside"),
    [
        (1.0, 0.0, 2.0, True),
        (3.0, 0.0, 2.0, False),
        (np.inf, 1.0, np.inf, True),
        (np.inf, 1.0, np.nan, True),
        (np.nan, 1.0, np.inf, False),
        (np.nan, np.inf, np.nan, True),
        (0.0, 0.0, 0.0, True),
        (-np.inf, 0.0, 1.0, False),
    ],
)
def test_within_orders_nan_above_inf(value, low, high, inside):
    assert reproduction.within(value, low, high) is inside


def test_compare_uses_the_band_of_the_same_statistic():
    tables = {"gradient_flow": table_with(np.linspace(1.0, 2.0, 101))}
    inside = reproduction.compare(ROW | {"seed_value": 1.5}, tables)
    assert inside["inside"] and inside["median"] == 1.5 and inside["n_seeds"] == 101
    assert inside["p01"] == 1.01 and inside["p99"] == 1.99
    assert not reproduction.compare(ROW | {"seed_value": 2.5}, tables)["inside"]


def test_means_of_n_draws_have_a_narrower_band():
    values = np.random.default_rng(0).normal(size=400)
    tables = {"gradient_flow": table_with(values)}
    single = reproduction.compare(ROW | {"seed_value": 0.5}, tables)
    averaged = reproduction.compare(ROW | {"seed_value": 0.5, "n_avg": 100}, tables)
    assert single["inside"] and not averaged["inside"]
    assert averaged["p99"] - averaged["p01"] == pytest.approx(2 * 2.326 / 10, rel=0.15)


def test_offset_moves_a_zero_based_loop_index_to_our_layers():
    tables = {"gradient_flow": table_with(np.full(10, 38.0))}
    row = ROW | {"seed_value": 37, "offset": 1, "n_avg": 1}
    assert reproduction.compare(row, tables)["inside"]


def test_missing_jobs_and_closed_forms():
    assert pd.isna(
        reproduction.compare(ROW | {"seed_value": 1.0, "scale": 0.3}, {"gradient_flow": table_with([1.0])})["inside"]
    )
    closed = ROW | {"experiment": "closed_form", "metric": "xavier_uniform_bound", "seed_value": 0.17320508075688773}
    assert reproduction.compare(closed, {})["inside"]
    assert not reproduction.compare(closed | {"seed_value": 0.1732}, {})["inside"]


def test_printed_matrices_reduce_to_our_metrics():
    matrices = pd.DataFrame(
        {
            "source": "004",
            "cell": "c",
            "init": "normal",
            "scale": 1.0,
            "width": 2,
            "n": 1,
            "row": [0, 0, 1, 1],
            "col": [0, 1, 0, 1],
            "value": [1e-2, -1.0, 10.0, -1e3],
        }
    )
    rows = reproduction.matrix_rows(matrices).set_index("metric")["seed_value"]
    assert rows["log10_abs_entry_median"] == pytest.approx(0.5)
    assert rows["max_abs_entry"] == 1e3
    assert math.isclose(np.median(np.log10([1e-2, 1, 10, 1e3])), 0.5)


def test_printed_digits_widen_the_comparison():
    assert reproduction.printed_resolution("0.0058") == pytest.approx(5e-5)
    assert reproduction.printed_resolution("48") == 0.5
    assert reproduction.printed_resolution("1.2340025667967325e-09") == pytest.approx(5e-26)
    assert reproduction.printed_resolution("inf") == 0.0 and reproduction.printed_resolution("nan") == 0.0
    tables = {"gradient_flow": table_with(np.linspace(0.005765, 0.005781, 101))}
    assert reproduction.compare(ROW | {"seed_value": "0.0058"}, tables)["inside"]
    assert not reproduction.compare(ROW | {"seed_value": "0.0059"}, tables)["inside"]
