import copy
import dataclasses
import math

import pytest

from initstab import combinations as comb
from initstab.activations import LEAKY_ALPHA
from initstab.experiments import repeated_matrix
from initstab.spec import Combination, Job
from initstab.theory import meanfield

CONFIG = {
    "seed": 7,
    "dtype": "float32",
    "experiments": {
        "gradient_flow": {
            "width": 10,
            "depth": 4,
            "seeds": 6,
            "repeats": 3,
            "cases": [
                {"activations": ["relu", "tanh"], "inits": ["normal"], "scales": [0.1, 0.2]},
                {"activations": ["relu"], "inits": ["he_normal"], "scales": [1.0], "width": 20, "dtype": "float64"},
            ],
        },
        "activations": {"x_min": -1.0, "x_max": 1.0, "points": 5, "cases": [{"activations": ["relu"]}]},
    },
}


def test_cases_cross_override_and_stack_into_jobs():
    """Every activation of a shape in one job (they share the base draws), its seeds one range."""
    table = comb.combination_table(CONFIG)
    assert sorted(table) == [
        ("activations", "w5__d0__float32__s0-0"),
        ("gradient_flow", "w10__d4__float32__s0-5"),
        ("gradient_flow", "w20__d4__float64__s0-5"),
    ]
    spec = table[("gradient_flow", "w20__d4__float64__s0-5")]
    assert isinstance(spec, Job) and spec.name == "w20__d4__float64__s0-5" and spec.global_seed == 7
    assert spec.width == 20 and spec.dtype == "float64" and spec.repeats == 3 and spec.seeds == 6
    assert spec.first_seed == 0 and spec.seed_indices == range(6)
    assert spec.input_correlation is None and spec.x_min is None  # other experiments' options stay unset
    assert [c.name for c in spec.combinations] == ["relu__he_normal__s1.0__w20__d4__float64"]
    assert spec.combinations[0].sigma_w2 == pytest.approx(2.0)  # fan_in·2/fan_in
    stacked = table[("gradient_flow", "w10__d4__float32__s0-5")].combinations
    assert [(c.activation, c.init, c.scale, c.bias_variance) for c in stacked] == [
        ("relu", "normal", 0.1, 0.0),
        ("relu", "normal", 0.2, 0.0),
        ("tanh", "normal", 0.1, 0.0),
        ("tanh", "normal", 0.2, 0.0),
    ]
    curves = table[("activations", "w5__d0__float32__s0-0")]
    assert curves.combinations[0].init == "none" and curves.x_min == -1.0 and curves.x_max == 1.0
    assert curves.width == 5 and curves.depth == 0 and curves.seeds == 1 and curves.repeats is None
    assert math.isnan(curves.combinations[0].sigma_w2) and curves.combinations[0].draw_init == "none"


def test_bias_variances_cross_and_name_their_combinations():
    config = copy.deepcopy(CONFIG)
    config["experiments"]["gradient_flow"]["cases"] = [
        {"activations": ["tanh"], "inits": ["lecun_normal"], "scales": [1.0], "bias_variances": [0.0, 0.05]}
    ]
    (spec,) = [s for (e, _), s in comb.combination_table(config).items() if e == "gradient_flow"]
    names = [c.name for c in spec.combinations]
    assert names == ["tanh__lecun_normal__s1.0__b0.05__w10__d4__float32", "tanh__lecun_normal__s1.0__w10__d4__float32"]


def test_cases_that_differ_in_other_settings_cannot_share_a_job():
    config = copy.deepcopy(CONFIG)
    config["experiments"]["gradient_flow"]["cases"].append(
        {"activations": ["tanh"], "inits": ["he_normal"], "scales": [1.0], "repeats": 5}
    )
    with pytest.raises(ValueError, match="cases with different settings share width 10, depth 4 and dtype float32"):
        comb.combination_table(config)


def test_a_groups_seeds_are_cut_where_a_combination_ends_and_into_jobs_of_about_job_seconds(monkeypatch):
    """Seeds 0–5 of every combination, 6–9 of the one with 10; with JOB_SECONDS small, ranges of whole blocks of
    ``repeats``, and no seed twice."""
    config = copy.deepcopy(CONFIG)
    config["experiments"]["gradient_flow"]["cases"].append(
        {"activations": ["sigmoid"], "inits": ["normal"], "scales": [0.1], "seeds": 12}
    )
    table = {name: job for (e, name), job in comb.combination_table(config).items() if e == "gradient_flow"}
    assert sorted(table) == ["w10__d4__float32__s0-5", "w10__d4__float32__s6-11", "w20__d4__float64__s0-5"]
    assert len(table["w10__d4__float32__s0-5"].combinations) == 5
    assert [c.activation for c in table["w10__d4__float32__s6-11"].combinations] == ["sigmoid"]
    monkeypatch.setattr(comb, "JOB_SECONDS", 1e-9)  # as many jobs as blocks of 3 seeds
    split = [job for (e, _), job in comb.combination_table(config).items() if e == "gradient_flow"]
    assert sorted((job.dtype, job.first_seed, job.seeds) for job in split) == [
        ("float32", 0, 3),
        ("float32", 3, 3),
        ("float32", 6, 3),
        ("float32", 9, 3),
        ("float64", 0, 3),
        ("float64", 3, 3),
    ]


def test_a_combination_listed_with_two_seed_counts_is_refused():
    config = copy.deepcopy(CONFIG)
    config["experiments"]["gradient_flow"]["cases"].append(
        {"activations": ["relu"], "inits": ["normal"], "scales": [0.1], "seeds": 12}
    )
    with pytest.raises(ValueError, match="relu__normal__s0.1__w10__d4__float32 is listed with 6 and 12 seeds"):
        comb.combination_table(config)


STUB = Combination("linear", "normal", 1.0, 0.0, "c", 1.0, "normal", 1.0, math.nan)


def job(experiment="gradient_flow", seeds=1, width=1, dtype="float32", n=1, repeats=None) -> Job:
    combinations = tuple(dataclasses.replace(STUB, name=f"c{i}") for i in range(n))
    return Job(experiment, "j", 0, width, 3, seeds, dtype, combinations, repeats=repeats)


def test_calls_keep_their_tensors_under_the_budget():
    """A matrix-state kernel holds per seed its base draw and 4 width² matrices per combination; a vector kernel its
    base draws (orthogonal: with its float64 QR) and vectors; narrower dtypes count as float32."""
    spec = job(seeds=400, width=100, n=15)
    assert comb.seed_bytes(spec) == 100**2 * 2 * 4 + 15 * 4 * 100**2 * 4
    assert comb.call_seeds(spec) == comb.CALL_BYTES // comb.seed_bytes(spec)
    assert comb.seed_bytes(job(seeds=3, width=4, dtype="float16")) == comb.seed_bytes(job(seeds=3, width=4))
    forward = job("forward", seeds=2000, width=512, n=4)
    assert comb.seed_bytes(forward) == 512**2 * 2 * 4 + 4 * 12 * 512 * 4
    assert comb.call_seeds(job(seeds=5, width=100)) == 5  # never more than the job's
    assert comb.call_seeds(job(seeds=50, width=4000, n=20, repeats=10)) == 10  # at least one block of repeats


def test_job_names_fit_the_wildcard_pattern():
    for _, job in comb.combination_table(CONFIG):
        assert comb.is_job_name(job)
    assert not comb.is_job_name("w10__d4__float32__s0-5; rm -rf /")
    assert not comb.is_job_name("w10__d4__float128__s0-5")


def test_adding_combinations_keeps_the_others_specs():
    """A combination's spec (and so its streams: global seed, experiment, shape, dtype) does not depend on the rest
    of the sweep."""
    before = {c.name: c for spec in comb.combination_table(CONFIG).values() for c in spec.combinations}
    bigger = copy.deepcopy(CONFIG)
    bigger["experiments"]["gradient_flow"]["cases"].insert(
        0, {"activations": ["relu", "sigmoid"], "inits": ["normal"], "scales": [0.5]}
    )
    after = {c.name: c for spec in comb.combination_table(bigger).values() for c in spec.combinations}
    assert all(after[name] == combination for name, combination in before.items())


def test_unknown_job_is_a_clear_error():
    with pytest.raises(KeyError, match="no job 'x' in experiment 'forward'"):
        comb.job_spec(comb.combination_table(CONFIG), "forward", "x")


def test_scale_text_round_trips():
    for scale in [0.1, 1.0, 0.044194173824159216, 1e-05, 0.0625]:
        assert float(comb.format_scale(scale)) == scale


def test_memory_requests_follow_what_a_call_holds():
    """900 MB for Python, TensorFlow and the table, plus 1.5 × one call's tensors: at most ~1.5 GB."""
    for spec in (job("gradient_flow", seeds=1000, width=100, n=90), job("forward", seeds=1000, width=512, n=10)):
        held = comb.call_seeds(spec) * comb.seed_bytes(spec)
        assert held <= comb.CALL_BYTES and comb.memory_mb(spec) == int(900 + 1.5 * held / 2**20) <= 1500
    small = job("gradient_flow", seeds=2, width=10)
    assert comb.memory_mb(small) == int(900 + 1.5 * 2 * comb.seed_bytes(small) / 2**20)


def test_estimated_seconds_grow_with_the_work():
    """Matrix kernels: combinations × seeds × depth × width³; a second family adds its draws."""
    one = comb.estimated_seconds(job(seeds=10, width=100, n=10))
    assert comb.estimated_seconds(job(seeds=20, width=100, n=10)) == pytest.approx(2 * one)
    assert comb.estimated_seconds(job(seeds=10, width=100, n=20)) > 1.8 * one
    assert comb.estimated_seconds(job("activations", seeds=1, width=100)) == 0


def test_repeated_matrix_loops_are_estimated_from_the_growth_per_step():
    """x ← φ(M·x) moves |x| by log₂ ρ a step, ρ² = σ_w²·E[φ′²], until the dtype's subnormals (149 bits in float32)."""
    loop = dataclasses.replace(job("repeated_matrix", seeds=2, width=64), depth=500)
    steps = {
        (activation, sigma_w2, dtype): repeated_matrix.expected_steps(
            dataclasses.replace(loop, dtype=dtype), dataclasses.replace(STUB, activation=activation, sigma_w2=sigma_w2)
        )
        for activation, sigma_w2, dtype in [
            ("linear", 0.25, "float32"),  # ρ = 1/2: one bit a step
            ("relu", 0.5, "float32"),  # ρ² = 0.5/2: one bit a step
            ("linear", 16.0, "float32"),  # two bits a step, growing
            ("relu", 2.0, "float32"),  # He: ρ = 1, the cap
            ("linear", 0.25, "float64"),  # 1074 bits: the cap
            ("linear", math.nan, "float32"),  # no σ_w²: the cap
        ]
    }
    assert list(steps.values()) == pytest.approx([149, 149, 74.5, 500, 500, 500])
    assert comb.estimated_seconds(loop) == pytest.approx(2 * 500 * 2 * 64**3 * comb.FLOP_S)


def test_derived_numbers_of_the_plain_inits():
    he = comb.derived("relu", "he_normal", 1.5, 64, 0.0, False)
    assert he["sigma_w2"] == pytest.approx(1.5**2 * 2) and (he["draw_init"], he["draw_scale"]) == ("he_normal", 1.5)
    assert math.isnan(he["input_variance"])  # only the fixed-point experiments start at q*
    assert comb.derived("tanh", "normal", 0.1, 64, 0.0, False)["sigma_w2"] == pytest.approx(64 * 0.01)
    for init in ("uniform_noncentered", "xavier_uniform_noncentered", "none"):
        found = comb.derived("tanh", init, 1.0, 64, 0.0, True)
        assert math.isnan(found["sigma_w2"]) and found["input_variance"] == 1.0 and found["draw_init"] == init


def test_lsuv_draws_orthogonal_with_unit_gain():
    found = comb.derived("tanh", "lsuv", 0.5, 64, 0.0, True)
    assert (found["draw_init"], found["draw_scale"]) == ("orthogonal", 1.0) and math.isnan(found["sigma_w2"])
    (spec,) = comb.combination_table(
        {
            "seed": 1,
            "dtype": "float32",
            "experiments": {
                "depth_scale": {
                    "width": 8,
                    "depth": 3,
                    "seeds": 2,
                    "input_correlation": 0.5,
                    "cases": [{"activations": ["tanh"], "inits": ["lsuv", "lecun_normal"], "scales": [1.0]}],
                }
            },
        }
    ).values()
    assert [(c.init, c.lsuv) for c in spec.combinations] == [("lecun_normal", False), ("lsuv", True)]
    assert spec.input_correlation == 0.5


def test_critical_inits_draw_their_base_at_the_edge_of_chaos():
    edge = meanfield.critical_weight_variance("tanh", 0.05)
    for init, base in (("critical", "lecun_normal"), ("critical_orthogonal", "orthogonal")):
        found = comb.derived("tanh", init, 0.9, 64, 0.05, True)
        assert found["sigma_w2"] == pytest.approx(0.81 * edge, rel=1e-14)
        assert (found["draw_init"], found["draw_scale"]) == (base, pytest.approx(0.9 * math.sqrt(edge), rel=1e-14))
        q_star = meanfield.fixed_point("tanh", 0.81 * edge, 0.05)
        assert 0 < q_star < math.inf and found["input_variance"] == q_star


def test_fixed_point_start_is_one_where_the_theory_gives_zero_or_infinity():
    assert comb.derived("tanh", "lecun_normal", 0.8, 64, 0.0, True)["input_variance"] == 1.0  # q* = 0
    assert comb.derived("relu", "he_normal", 1.2, 64, 0.0, True)["input_variance"] == 1.0  # q* = ∞
    found = comb.derived("relu", "he_normal", 0.5, 64, 0.1, True)  # a = σ_w²/2 = ¼: q* = σ_b²/(1 − a)
    assert found["input_variance"] == pytest.approx(0.1 / 0.75, rel=1e-12)


@pytest.mark.parametrize("init", ["critical", "critical_orthogonal"])
@pytest.mark.parametrize("activation", ["linear", "relu", "leaky_relu"])
def test_critical_homogeneous_activation_with_biases_starts_at_unit_variance(activation, init):
    # the edge σ²_w = 1/E[φ′²] does not move with σ²_b, and V(q) = q + σ²_b there has no fixed point: q* = ∞
    edge = {"linear": 1.0, "relu": 2.0, "leaky_relu": 2 / (1 + LEAKY_ALPHA**2)}[activation]
    for bias_variance in (0.0, 0.01, 0.1):
        found = comb.derived(activation, init, 1.0, 64, bias_variance, True)
        assert found["sigma_w2"] == pytest.approx(edge, rel=1e-14)
        assert found["draw_scale"] == pytest.approx(math.sqrt(edge), rel=1e-14)
        assert found["input_variance"] == 1.0
    # at gain ½, a = σ²_w·E[φ²] = ¼: q* = σ²_b/(1 − a)
    assert comb.derived(activation, init, 0.5, 64, 0.1, True)["input_variance"] == pytest.approx(0.1 / 0.75, rel=1e-12)
