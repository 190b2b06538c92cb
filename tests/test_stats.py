import numpy as np
import pandas as pd
import pytest

from initstab import stats


@pytest.mark.parametrize("q", [0.01, 0.05, 0.5, 0.95, 0.99])
def test_ranked_quantile_is_numpys_inverted_cdf(q):
    values = np.random.default_rng(0).lognormal(size=101)
    assert stats.ranked_quantile(values, q) == np.quantile(values, q, method="inverted_cdf")


def test_quantiles_commute_with_log_and_survive_zero_inf_nan():
    values = np.array([0.0, 1e-30, 1.0, 1e30, np.inf, np.nan])
    assert stats.ranked_quantile(values, 0.5) == 1.0
    assert stats.ranked_quantile(values, 0.01) == 0.0
    assert np.isnan(stats.ranked_quantile(values, 0.99))  # NaN ranks above inf
    assert stats.ranked_quantile(values[:-1], 0.99) == np.inf
    finite = np.array([1e-3, 1.0, 1e5, 1e9])
    assert np.log10(stats.ranked_quantile(finite, 0.75)) == stats.ranked_quantile(np.log10(finite), 0.75)


def test_summarize_matches_a_per_group_loop():
    rng = np.random.default_rng(1)
    table = pd.DataFrame(
        {
            "g": rng.integers(0, 5, 400),
            "layer": pd.array(rng.integers(0, 3, 400), "Int64"),
            "value": rng.normal(size=400),
        }
    )
    table.loc[::17, "value"] = np.inf
    table.loc[::23, "value"] = np.nan
    table["finite"] = np.isfinite(table["value"])
    summary = stats.summarize(table, ["g", "layer"])
    for row in summary.itertuples():
        group = table[(table["g"] == row.g) & (table["layer"] == row.layer)]["value"]
        assert row.n == len(group) and row.n_nan == group.isna().sum()
        for name, q in stats.SUMMARY_QUANTILES.items():
            expected, got = stats.ranked_quantile(group, q), getattr(row, name)
            assert (np.isnan(expected) and np.isnan(got)) or expected == got


def test_bootstrap_mean_distribution_centres_on_the_mean_and_shrinks():
    values = np.random.default_rng(2).exponential(size=500)
    assert np.array_equal(stats.bootstrap_means(values, 1), values)
    means = stats.bootstrap_means(values, 100, draws=4000)
    assert means.mean() == pytest.approx(values.mean(), rel=0.01)
    assert means.std() == pytest.approx(values.std() / 10, rel=0.1)
    assert stats.bootstrap_means(np.array([1.0, np.inf]), 10, draws=50).max() == np.inf


def test_order_statistic_index_is_ceil_qn_minus_one_clipped():
    np.testing.assert_array_equal(stats.order_statistic_index(np.array([1, 10, 100, 101]), 0.5), [0, 4, 49, 50])
    assert stats.order_statistic_index(10, 0.0) == 0 and stats.order_statistic_index(10, 1.0) == 9
    assert stats.order_statistic_index(0, 0.5) == 0  # an empty group never indexes below 0
    assert np.isnan(stats.ranked_quantile([], 0.5))
