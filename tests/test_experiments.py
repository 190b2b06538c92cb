"""Each experiment's rows, theory rows, report paragraph and figures on synthetic kernel output: where the
measurement is the theory's own curve, the theory table reads zero error."""

import dataclasses
import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from initstab import stats, tidy
from initstab.combinations import combination_table
from initstab.experiments import EXPERIMENTS, FIGURES, theory_table
from initstab.experiments.gradient_flow import predicted_curve
from initstab.experiments.jacobian_spectrum import checkpoints, predicted_variance
from initstab.experiments.phase_diagram import chi1_at_fixed_point
from initstab.experiments.precision import predicted_events
from initstab.experiments.symmetry import keeps_symmetry
from initstab.experiments.trainability import predicted_rule
from initstab.theory import curves, meanfield, products, table

SEEDS = 4
SCALES = [1.0, 1.8]  # σ_w² of trainability: lecun_normal's is the scale squared
TRAINABILITY_DEPTHS = [2, 4, 8, 16]
TRAINABLE = {1.0: 4, 3.24: 8}  # the synthetic boundary: the deepest depth that trains, per σ_w²
CONFIG = {
    "seed": 2,
    "dtype": "float32",
    "experiments": {
        "matrix_product": {
            "width": 4,
            "depth": 6,
            "seeds": SEEDS,
            "cases": [{"inits": ["normal", "uniform"], "scales": [0.5]}],
        },
        "gradient_flow": {
            "width": 16,
            "depth": 4,
            "seeds": SEEDS,
            "repeats": 2,
            "cases": [
                {"activations": ["relu"], "inits": ["normal"], "scales": [0.3]},
                {"activations": ["tanh"], "inits": ["critical_orthogonal", "lsuv"], "scales": [1.0]},
            ],
        },
        "forward": {
            "width": 16,
            "depth": 3,
            "seeds": SEEDS,
            "cases": [{"activations": ["tanh"], "inits": ["xavier_normal", "xavier_uniform_noncentered"]}],
        },
        "repeated_matrix": {
            "width": 4,
            "depth": 50,
            "seeds": SEEDS,
            "cases": [{"activations": ["linear"], "inits": ["uniform"], "scales": [0.2]}],
        },
        "activations": {"x_min": -2.0, "x_max": 2.0, "points": 5, "cases": [{"activations": ["relu", "tanh"]}]},
        "phase_diagram": {
            "width": 8,
            "depth": 6,
            "seeds": SEEDS,
            "cases": [
                {"activations": ["tanh"], "inits": ["lecun_normal"], "scales": [0.8, 1.5], "bias_variances": [0.0, 0.1]}
            ],
        },
        "jacobian_spectrum": {
            "width": 8,
            "depth": 4,
            "seeds": SEEDS,
            "cases": [
                {"activations": ["tanh"], "inits": ["critical", "critical_orthogonal"], "bias_variances": [0.05]}
            ],
        },
        "precision": {
            "width": 8,
            "depth": 40,
            "seeds": SEEDS,
            "cases": [{"activations": ["relu"], "inits": ["normal"], "scales": [0.1], "dtype": "float16"}],
        },
        "depth_scale": {
            "width": 256,
            "depth": 12,
            "seeds": SEEDS,
            "input_correlation": 0.95,
            "cases": [{"activations": ["tanh"], "inits": ["lecun_normal"], "scales": [2.0], "bias_variances": [0.05]}],
        },
        "symmetry": {
            "width": 4,
            "depth": 2,
            "seeds": SEEDS,
            "training": {"optimizer": "sgd", "learning_rate": 0.1, "steps": 6, "batch_size": 16, "record_every": 2},
            "cases": [
                {
                    "activations": ["tanh"],
                    "inits": ["identical_units", "xavier_normal"],
                    "regimes": ["full_batch", "dropout_0.5"],
                    "dtype": "float64",
                }
            ],
        },
        "trainability": {
            "width": 8,
            "seeds": SEEDS,
            "training": {
                "optimizer": "rmsprop",
                "learning_rate": 0.001,
                "steps": 4,
                "batch_size": 8,
                "record_every": 2,
            },
            "cases": [
                {"activations": ["tanh"], "inits": ["lecun_normal"], "scales": SCALES, "bias_variances": [0.05]}
                | {"depth": depth, "regimes": ["minibatch"]}
                for depth in TRAINABILITY_DEPTHS
            ],
        },
    },
}
TABLE = combination_table(CONFIG)


def spec(job, c) -> dict:
    return tidy.spec_values(job, c)


def repeat(curve) -> np.ndarray:
    """The same per-layer values for every seed."""
    return np.tile(np.asarray(curve, dtype=float), (SEEDS, 1))


def metrics_of(job, c) -> dict:
    """Kernel output that follows the theory exactly (or, without a σ_w², any positive numbers)."""
    ones, depth = np.ones((SEEDS, job.depth)), job.depth
    if job.experiment == "matrix_product":
        logs = [products.mean_log_abs_entry(c.scale, job.width, n) / math.log(10) for n in range(1, depth + 1)]
        return {"log10_abs_entry_median": repeat(logs), "max_abs_entry": repeat(10.0 ** np.array(logs))}
    if job.experiment in ("gradient_flow", "precision"):
        row = spec(job, c)
        if c.has_sigma_w2:
            curve = predicted_curve(row)
        else:
            curve = 0.5 ** np.arange(1, depth + 1)
        flags = {"hidden_all_finite": ones, "grad_all_finite": ones, "grad_any_nonzero": ones}
        if job.experiment == "precision":
            over, under = predicted_events(row)
            nonzero = ones.copy()
            if math.isfinite(under):
                nonzero[:, int(under) - 1 :] = 0
            flags["grad_any_nonzero"] = nonzero
        return {"grad_mean_abs": repeat(curve), "grad_mean_abs_native": repeat(curve), **flags}
    if job.experiment == "forward":
        std = curves.forward_std_curve(c.activation, c.sigma_w2, depth) if c.has_sigma_w2 else np.ones(depth + 1)
        layers = np.ones((SEEDS, depth + 1))
        return {
            "act_mean": 0 * layers,
            "act_std": repeat(std),
            "act_mean_sq": repeat(std**2),
            "act_mean_native": 0 * layers,
            "act_std_native": repeat(std),
            "all_finite": layers,
        }
    if job.experiment == "repeated_matrix":
        return {"steps_until_degenerate": np.array([10.0, 12.0, np.inf, 11.0]), "weight_std": np.full(SEEDS, 0.1)}
    if job.experiment == "activations":
        x = np.linspace(job.x_min, job.x_max, job.width)
        return {"phi": np.maximum(x, 0)[None], "dphi": (x > 0)[None] * 1.0}
    if job.experiment == "phase_diagram":
        chi = chi1_at_fixed_point(c.activation, c.sigma_w2, c.bias_variance)
        return {"log_grad_growth": np.full((SEEDS, depth), math.log(chi))}
    if job.experiment == "jacobian_spectrum":
        variances = [predicted_variance(spec(job, c), d) for d in checkpoints(depth)]
        return {name: repeat(variances) for name in ("jjt_mean", "jjt_var", "sv_max", "sv_min")}
    if job.experiment == "depth_scale":
        c_star = meanfield.correlation_fixed_point(c.activation, c.sigma_w2, c.bias_variance)
        xi = meanfield.depth_scales(c.activation, c.sigma_w2, c.bias_variance)[1]
        layers = np.arange(depth + 1)
        correlation = c_star + (job.input_correlation - c_star) * np.exp(-layers / xi)
        return {"correlation": repeat(correlation), "q": repeat(np.full(depth + 1, c.input_variance))}
    if job.experiment == "symmetry":
        steps, spread = len(job.training.recorded_steps), 0.0 if keeps_symmetry(c.init, c.regime) else 0.5
        per_step = {name: np.full((SEEDS, steps), 0.5) for name in ("train_loss", "train_accuracy")}
        return per_step | {name: np.full((SEEDS, steps, depth), spread) for name in ("unit_spread", "singular_ratio")}
    if job.experiment == "trainability":
        steps = len(job.training.recorded_steps)
        accuracy = 0.9 if depth <= TRAINABLE[round(c.sigma_w2, 6)] else 0.1
        found = {f"{part}_loss": np.ones((SEEDS, steps)) for part in ("train", "test")}
        return found | {f"{part}_accuracy": np.full((SEEDS, steps), accuracy) for part in ("train", "test")}
    raise AssertionError(job.experiment)


def tables() -> dict[str, pd.DataFrame]:
    frames: dict[str, list] = {}
    for (experiment, _), job in TABLE.items():
        for c in job.combinations:
            frames.setdefault(experiment, []).extend(EXPERIMENTS[experiment].rows(job, c, metrics_of(job, c), "CPU:0"))
    return {name: tidy.assemble(found) for name, found in frames.items()}


@pytest.fixture(scope="module")
def summaries():
    return {name: stats.summarize(t, [*tidy.SPEC_COLUMNS, "layer", "x", "metric"]) for name, t in tables().items()}


def test_every_experiment_is_in_the_sweep():
    assert {experiment for experiment, _ in TABLE} == set(EXPERIMENTS)


def test_theory_table_lists_every_prediction_with_zero_error_on_the_theory_curves(summaries):
    everything = theory_table(summaries)
    assert list(everything.columns) == table.COLUMNS
    assert set(everything["experiment"]) == {name for name, e in EXPERIMENTS.items() if e.theory is not None}
    theory = everything[~everything["experiment"].isin(["symmetry", "trainability"])]  # tested below
    exact = theory[(theory["experiment"] != "depth_scale") & np.isfinite(theory["predicted"])]
    # gradient flow follows the finite-width-corrected curve, the others the plain prediction
    error = exact["relative_error_finite_width"].fillna(exact["relative_error"]).to_numpy(dtype=float)
    np.testing.assert_allclose(error, 0.0, atol=1e-12)
    never = theory[~np.isfinite(theory["predicted"])]  # no overflow predicted or measured
    assert len(never) == 1 and never["measured_median"].tolist() == [math.inf]
    assert exact["sigma_w2"].notna().all()  # the LSUV, non-centred and non-normal combinations have no prediction
    assert set(theory["init"]) == {"normal", "critical_orthogonal", "xavier_normal", "lecun_normal", "critical"}


def test_symmetry_predicts_zero_spread_exactly_where_alike_units_must_stay_alike(summaries):
    rows = pd.DataFrame(EXPERIMENTS["symmetry"].theory(summaries["symmetry"]))
    keyed = {(r.init, r.regime): r for r in rows.itertuples()}
    assert set(keyed) == {(i, r) for i in ["identical_units", "xavier_normal"] for r in ["full_batch", "dropout_0.5"]}
    kept = keyed[("identical_units", "full_batch")]
    assert kept.predicted == 0.0 and kept.measured_median == 0.0 and kept.layer == 1
    assert all(math.isnan(r.predicted) for key, r in keyed.items() if key != ("identical_units", "full_batch"))
    paragraph = EXPERIMENTS["symmetry"].report(rows)
    assert "exactly 0" in paragraph and "alike units stay alike: holds" in paragraph
    assert "dropout breaks it: holds" in paragraph
    assert "regularization" not in paragraph and "minibatch" not in paragraph  # no regime here tests them


def test_symmetry_report_says_when_a_claim_fails(summaries):
    rows = pd.DataFrame(EXPERIMENTS["symmetry"].theory(summaries["symmetry"]))
    kept = (rows["init"] == "identical_units") & (rows["regime"] == "full_batch")
    rows.loc[kept, "measured_median"] = 1e-16  # float64 rounding: alike, not exactly
    paragraph = EXPERIMENTS["symmetry"].report(rows)
    assert "alike units stay alike: holds" in paragraph and "below float64's rounding scale" in paragraph
    rows.loc[kept, "measured_median"] = 1e-3  # far above: broken
    paragraph = EXPERIMENTS["symmetry"].report(rows)
    assert "alike units stay alike: fails" in paragraph and "did not stay below rounding" in paragraph
    assert EXPERIMENTS["symmetry"].report(rows[rows["init"] == "xavier_normal"]) == ""  # no symmetric init


def test_trainability_rows_put_the_measured_trainable_depth_beside_six_depth_scales(summaries):
    rows = {round(r["sigma_w2"], 6): r for r in EXPERIMENTS["trainability"].theory(summaries["trainability"])}
    assert {s: r["measured_median"] for s, r in rows.items()} == TRAINABLE
    for sigma_w2, row in rows.items():
        six_xi = float(predicted_rule("tanh", sigma_w2, 0.05)[0])
        assert row["predicted"] == pytest.approx(six_xi, rel=1e-12)
        assert 1 + row["relative_error"] == pytest.approx(TRAINABLE[sigma_w2] / six_xi, rel=1e-12)  # the ratio
    paragraph = EXPERIMENTS["trainability"].report(pd.DataFrame(list(rows.values())))
    assert "6ξ<sub>c</sub>" in paragraph and "ratio" in paragraph


def test_gradient_flow_theory_is_at_the_deepest_finite_layer(summaries):
    summary = summaries["gradient_flow"].copy()
    deepest = (summary["metric"] == "grad_mean_abs") & (summary["layer"] == 4)
    summary.loc[deepest & (summary["activation"] == "relu"), "median"] = np.inf
    rows = {r["activation"]: r for r in EXPERIMENTS["gradient_flow"].theory(summary)}
    assert set(rows) == {"relu", "tanh"}  # tanh/lsuv has no σ_w²
    assert rows["relu"]["layer"] == 3 and rows["tanh"]["layer"] == 4
    assert rows["relu"]["relative_error_finite_width"] == pytest.approx(0.0, abs=1e-12)
    assert rows["relu"]["gap_closed"] == pytest.approx(1.0, abs=1e-9)  # the correction lands on the measurement
    infinite = curves.gradient_flow_curve("relu", 16 * 0.09, 16, 4, finite_width=False)
    assert rows["relu"]["predicted"] == pytest.approx(infinite[2], rel=1e-14)
    paragraph = EXPERIMENTS["gradient_flow"].report(pd.DataFrame(list(rows.values())))
    assert "Finite width" in paragraph and "100%" in paragraph
    assert EXPERIMENTS["gradient_flow"].report(pd.DataFrame(columns=table.COLUMNS)) == ""


def test_gradient_events_separate_overflow_from_underflow():
    (job,) = [job for (experiment, _), job in TABLE.items() if experiment == "gradient_flow"]
    job = dataclasses.replace(job, combinations=(job.combinations[0],))
    ones = np.ones((SEEDS, 4))
    hidden, grad, nonzero = ones.copy(), ones.copy(), ones.copy()
    hidden[0, 2:] = 0  # seed 0: the hidden state overflows at layer 3 …
    nonzero[0, 3] = 0  # … so its zero gradient at layer 4 (ReLU(NaN) = 0) is no underflow
    nonzero[1, 1:] = 0  # seed 1: a true underflow at layer 2
    grad[2, 3] = 0  # seed 2: the gradient alone overflows at layer 4
    metrics = {"grad_mean_abs": ones, "grad_mean_abs_native": ones * np.arange(SEEDS)[:, None]}
    metrics |= {"hidden_all_finite": hidden, "grad_all_finite": grad, "grad_any_nonzero": nonzero}
    found = tidy.assemble(EXPERIMENTS["gradient_flow"].rows(job, job.combinations[0], metrics, "CPU:0"))
    events = found[found["layer"].isna()].pivot_table(index="seed", columns="metric", values="value")
    np.testing.assert_array_equal(events["first_nonfinite_hidden_layer"], [3, np.inf, np.inf, np.inf])
    np.testing.assert_array_equal(events["first_overflow_layer"], [3, np.inf, 4, np.inf])
    np.testing.assert_array_equal(events["first_underflow_layer"], [np.inf, 2, np.inf, np.inf])
    notebook = found[found["metric"] == "notebook_grad_mean"]
    assert notebook["value"].tolist() == [0.5, 2.5] and (notebook["layer"] == 4).all()  # means of 2 repeats
    assert notebook["seed"].tolist() == [0, 2]  # each block by its first seed
    assert set(found["metric"]) >= {"grad_mean_abs", "grad_mean_abs_native"}
    assert not set(found["metric"]) & {"hidden_all_finite", "grad_all_finite", "grad_any_nonzero"}


def test_precision_predicts_the_underflow_layer(summaries):
    rows = EXPERIMENTS["precision"].theory(summaries["precision"])
    by_quantity = {r["quantity"]: r for r in rows}
    assert set(by_quantity) == {"first overflow layer", "first underflow layer"}
    under = by_quantity["first underflow layer"]
    assert math.isfinite(under["predicted"]) and under["measured_median"] == under["predicted"]  # N(0, 0.01) weights
    assert by_quantity["first overflow layer"]["predicted"] == math.inf


def test_depth_scale_fit_recovers_the_predicted_xi(summaries):
    (row,) = EXPERIMENTS["depth_scale"].theory(summaries["depth_scale"])
    assert 1 < row["predicted"] < 100
    assert row["relative_error"] == pytest.approx(0.0, abs=1e-9)
    resolved = row | {"depth": math.ceil(3 * row["predicted"]) + 1}
    too_shallow = row | {"depth": math.floor(row["predicted"]), "relative_error": -0.5}  # a decay deeper than measured
    paragraph = EXPERIMENTS["depth_scale"].report(pd.DataFrame([resolved, too_shallow]))
    assert "6 ξ<sub>c</sub>" in paragraph and "|relative error| 0.0% over the 1 of 2 cases" in paragraph


def test_phase_diagram_compares_the_growth_with_chi1(summaries):
    rows = EXPERIMENTS["phase_diagram"].theory(summaries["phase_diagram"])
    assert len(rows) == 4 and {r["bias_variance"] for r in rows} == {0.0, 0.1}
    for r in rows:
        q_star = meanfield.fixed_point("tanh", r["sigma_w2"], r["bias_variance"])
        assert r["predicted"] == pytest.approx(float(meanfield.chi1("tanh", r["sigma_w2"], q_star)), rel=1e-14)
    assert "4 grid points" in EXPERIMENTS["phase_diagram"].report(pd.DataFrame(rows))
    assert not EXPERIMENTS["phase_diagram"].list_theory_rows


def test_jacobian_rows_sit_at_the_checkpoints(summaries):
    assert checkpoints(4) == [1, 2, 4] and checkpoints(12) == [1, 2, 4, 8, 12]
    rows = EXPERIMENTS["jacobian_spectrum"].theory(summaries["jacobian_spectrum"])
    assert sorted((r["init"], r["layer"]) for r in rows) == [
        (init, d) for init in ("critical", "critical_orthogonal") for d in (1, 2, 4)
    ]


def test_repeated_matrix_printed_theory():
    row = {"metric": "weight_std", "sigma_w2": 4 * 0.2**2 / 3, "width": 4}
    assert EXPERIMENTS["repeated_matrix"].printed_theory(row) == pytest.approx(0.2 / math.sqrt(3), rel=1e-14)
    assert EXPERIMENTS["repeated_matrix"].printed_theory(row | {"metric": "weight_mean"}) == 0.0
    assert math.isnan(EXPERIMENTS["repeated_matrix"].printed_theory(row | {"sigma_w2": math.nan}))


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_draws_from_its_experiments_table(name, summaries):
    from initstab.experiments import experiment_of

    experiment = experiment_of(name).name
    data = tables()[experiment] if FIGURES[name].table == "table" else summaries[experiment]
    fig = FIGURES[name].plot(data)
    assert isinstance(fig, matplotlib.figure.Figure)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert not any("no case" in t or "no such case" in t for t in texts), texts
    matplotlib.pyplot.close(fig)


def test_rows_of_a_later_range_of_seeds_are_that_jobs_own():
    """A job of seeds 6–9 (repeats 2) writes seeds 6–9, its notebook blocks by their first seeds 6 and 8, and
    collect's check of a job's rows accepts them."""
    (job,) = [job for (experiment, _), job in TABLE.items() if experiment == "gradient_flow"]
    job = dataclasses.replace(job, first_seed=6, combinations=(job.combinations[0],))
    ones = np.ones((SEEDS, 4))
    metrics = {"grad_mean_abs": ones, "grad_mean_abs_native": ones, "hidden_all_finite": ones}
    metrics |= {"grad_all_finite": ones, "grad_any_nonzero": ones}
    found = tidy.assemble(EXPERIMENTS["gradient_flow"].rows(job, job.combinations[0], metrics, "CPU:0"))
    assert set(found["seed"]) == {6, 7, 8, 9}
    assert found[found["metric"] == "notebook_grad_mean"]["seed"].tolist() == [6, 8]
    tidy.check_job_rows(found, job, "j.csv")
