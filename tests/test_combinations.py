import copy
import dataclasses
import math

import pytest

from initstab import combinations as comb
from initstab.activations import LEAKY_ALPHA
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
    table = comb.combination_table(CONFIG)
    assert sorted(table) == [
        ("activations", "all__w5__d0__float32__n1"),
        ("gradient_flow", "relu__w10__d4__float32__n6"),
        ("gradient_flow", "relu__w20__d4__float64__n6"),
        ("gradient_flow", "tanh__w10__d4__float32__n6"),
    ]
    spec = table[("gradient_flow", "relu__w20__d4__float64__n6")]
    assert isinstance(spec, Job) and spec.name == "relu__w20__d4__float64__n6" and spec.activation == "relu"
    assert spec.width == 20 and spec.dtype == "float64" and spec.repeats == 3 and spec.seeds == 6
    assert spec.input_correlation is None and spec.x_min is None  # other experiments' options stay unset
    assert [c.name for c in spec.combinations] == ["relu__he_normal__s1.0__w20__d4__float64"]
    assert spec.combinations[0].sigma_w2 == pytest.approx(2.0)  # fan_in·2/fan_in
    stacked = table[("gradient_flow", "relu__w10__d4__float32__n6")].combinations
    assert [(c.init, c.scale, c.bias_variance) for c in stacked] == [
        ("normal", 0.1, 0.0),
        ("normal", 0.2, 0.0),
    ]
    curves = table[("activations", "all__w5__d0__float32__n1")]
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
    with pytest.raises(ValueError, match="share job 'tanh__w10__d4__float32__n6'"):
        comb.combination_table(config)


STUB = Combination("linear", "normal", 1.0, 0.0, "c", 0, 1.0, "normal", 1.0, math.nan)


def job(experiment="gradient_flow", seeds=1, width=1, dtype="float32", n=1) -> Job:
    combinations = tuple(dataclasses.replace(STUB, name=f"c{i}") for i in range(n))
    return Job(experiment, "j", "linear", width, 3, seeds, dtype, combinations)


def test_chunks_keep_the_weight_batch_under_the_budget():
    spec = job(seeds=400, width=512)
    assert comb.weight_bytes(spec) == 400 * 512**2 * 4
    assert comb.chunk_size(spec) == 1  # 419 MB per combination: one at a time
    assert comb.weight_bytes(job(seeds=3, width=4, dtype="float16")) == 3 * 16 * 4  # narrower dtypes as float32
    assert comb.chunk_size(job(seeds=200, width=100, dtype="float64")) == comb.BATCH_BYTES // (200 * 10**4 * 8)


def test_job_names_fit_the_wildcard_pattern():
    for _, job in comb.combination_table(CONFIG):
        assert comb.is_job_name(job)
    assert not comb.is_job_name("relu__w10__d4__float32__n6; rm -rf /")
    assert not comb.is_job_name("swish__w10__d4__float32__n6")


def _seeds(table):
    return {c.name: c.seed for spec in table.values() for c in spec.combinations}


def test_combination_seeds_depend_on_the_combination_not_on_the_rest_of_the_sweep():
    before = _seeds(comb.combination_table(CONFIG))
    bigger = copy.deepcopy(CONFIG)
    bigger["experiments"]["gradient_flow"]["cases"].insert(
        0, {"activations": ["relu", "sigmoid"], "inits": ["normal"], "scales": [0.5]}
    )
    after = _seeds(comb.combination_table(bigger))  # relu's job gains a member; its old members keep their seeds
    assert all(after[name] == seed for name, seed in before.items())
    assert len(set(after.values())) == len(after)


def test_unknown_job_is_a_clear_error():
    with pytest.raises(KeyError, match="no job 'x' in experiment 'forward'"):
        comb.job_spec(comb.combination_table(CONFIG), "forward", "x")


def test_scale_text_round_trips():
    for scale in [0.1, 1.0, 0.044194173824159216, 1e-05, 0.0625]:
        assert float(comb.format_scale(scale)) == scale


def test_memory_requests_follow_the_measured_peaks():
    """gradient_flow: 4 × 200 × 100² float32 stacked → 900 + 15 × 30.5 MB; forward 300 × 512² alone → 900 + 3 × 300."""
    gradient = job("gradient_flow", seeds=200, width=100, n=15)
    assert comb.chunk_size(gradient) == 4 and comb.memory_mb(gradient) == int(900 + 15 * 4 * 200 * 100**2 * 4 / 2**20)
    assert comb.memory_mb(job("gradient_flow", seeds=200, width=100, n=2)) == int(
        900 + 15 * 2 * 200 * 100**2 * 4 / 2**20
    )
    forward = job("forward", seeds=300, width=512, n=4)
    assert comb.memory_mb(forward) == 900 + 3 * 300


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
