import math

import numpy as np
import pandas as pd
import pytest

from initstab import reproduction, tidy
from initstab.combinations import derived
from initstab.experiments import EXPERIMENTS
from initstab.theory import curves, products

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
    sigma_w2 = derived(ROW["activation"], ROW["init"], ROW["scale"], ROW["width"], 0.0, False)["sigma_w2"]
    spec = {k: ROW.get(k, 0.0) for k in tidy.SPEC_COLUMNS} | {"dtype": "float32", "sigma_w2": sigma_w2}
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
    reduced = EXPERIMENTS["matrix_product"].printed_matrices(matrices)
    assert set(reduced["experiment"]) == {"matrix_product"} and (reduced["layer"] == 1).all()
    rows = reduced.set_index("metric")["seed_value"]
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


def test_printed_numbers_carry_their_theory_value():
    """The finite-width-corrected gradient mean, E log10|Y_ij| of a Gaussian product, one-layer E[φ(y)²]."""
    gradient = reproduction.compare(ROW | {"seed_value": 1.0}, {})
    expected = curves.gradient_flow_curve("relu", 100 * 0.01, 100, 50)[49]  # σ_w² = fan_in·s², no biases
    assert gradient["theory"] == pytest.approx(expected, rel=1e-14)
    product = ROW | {"experiment": "matrix_product", "activation": "linear", "metric": "log10_abs_entry_median"}
    got = reproduction.predicted(product | {"width": 4, "scale": 0.5, "layer": 10})
    assert got == pytest.approx(products.mean_log_abs_entry(0.5, 4, 10) / math.log(10), rel=1e-14)
    forward = ROW | {"experiment": "forward", "activation": "linear", "metric": "act_mean_sq", "layer": 1}
    assert reproduction.predicted(forward | {"width": 512, "scale": 1.0}) == pytest.approx(512.0, rel=1e-13)
    assert math.isnan(reproduction.predicted(forward | {"init": "uniform_noncentered"}))  # no σ_w²
    assert math.isnan(reproduction.predicted(ROW | {"metric": "grad_mean_abs"}))  # not a printed statistic
    assert math.isnan(reproduction.predicted(ROW | {"experiment": "closed_form"}))


def test_reproduction_table_joins_numbers_matrices_and_notes():
    numbers = pd.DataFrame([ROW | {"seed_value": "1.5"}, ROW | {"seed_value": "9.0", "scale": 0.2}])
    matrices = pd.DataFrame(
        {"source": "004", "cell": "m", "init": "normal", "scale": 1.0, "width": 2, "n": 1, "row": [0, 0, 1, 1]}
        | {"col": [0, 1, 0, 1], "value": [1.0, 2.0, 3.0, 4.0]}
    )
    notes = pd.DataFrame([{"source": "000", "cell": "In [5]", "metric": "grad_mean_abs_native", "scale": 0.1}])
    notes["note"] = "explained"
    result = reproduction.reproduction_table(
        numbers, matrices, {"gradient_flow": table_with(np.linspace(1.0, 2.0, 101))}, notes
    )
    assert list(result.columns) == reproduction.COLUMNS and len(result) == 4
    assert result["inside"].iloc[0] == True and pd.isna(result["inside"].iloc[1])  # noqa: E712 - True/False/NA
    assert result["note"].iloc[0] == "explained"
    assert "not in this config" in result["note"].iloc[1]  # the missing combination comes before any note
    assert result["note"].iloc[2:].str.contains("experiment not in this config").all()


def test_ensemble_quantile_is_the_mid_rank_in_the_extended_order():
    sample = np.array([1.0, 2.0, 2.0, 3.0, np.inf, np.nan, np.nan, -np.inf])
    assert reproduction.ensemble_quantile(sample, 2.0) == (2 + 2 / 2) / 8  # −inf and 1 below, two equal
    assert reproduction.ensemble_quantile(sample, np.inf) == (5 + 1 / 2) / 8
    assert reproduction.ensemble_quantile(sample, np.nan) == (6 + 2 / 2) / 8  # NaN above everything
    assert reproduction.ensemble_quantile(sample, -np.inf) == (0 + 1 / 2) / 8
    assert reproduction.ensemble_quantile(np.arange(100.0), 1000.0) == 1.0


def test_compare_gives_the_printed_numbers_quantile():
    tables = {"gradient_flow": table_with(np.linspace(1.0, 2.0, 101))}
    assert reproduction.compare(ROW | {"seed_value": 1.5}, tables)["quantile"] == 0.5
    assert reproduction.compare(ROW | {"seed_value": 9.0}, tables)["quantile"] == 1.0


def test_calibration_accepts_uniform_quantiles_and_rejects_a_shifted_ensemble():
    uniform = pd.DataFrame({"quantile": (np.arange(200) + 0.5) / 200})
    calibrated = reproduction.calibration(uniform)
    assert calibrated["n"] == 200 and calibrated["p_value"] > 0.99 and calibrated["ks_distance"] < 0.01
    assert calibrated["below_p01"] == 2 and calibrated["above_p99"] == 2
    shifted = reproduction.calibration(pd.DataFrame({"quantile": np.full(50, 0.995)}))
    assert shifted["p_value"] < 1e-6 and shifted["above_p99"] == 50
    empty = reproduction.calibration(pd.DataFrame({"quantile": [np.nan]}))
    assert empty["n"] == 0 and math.isnan(empty["p_value"])
