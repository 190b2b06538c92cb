import copy

import pytest

from initstab import combinations as comb

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
    assert spec["width"] == 20 and spec["dtype"] == "float64" and spec["repeats"] == 3 and spec["seeds"] == 6
    assert [c["combination"] for c in spec["combinations"]] == ["relu__he_normal__s1.0__w20__d4__float64"]
    stacked = table[("gradient_flow", "relu__w10__d4__float32__n6")]["combinations"]
    assert [(c["init"], c["scale"], c["bias_variance"]) for c in stacked] == [
        ("normal", 0.1, 0.0),
        ("normal", 0.2, 0.0),
    ]
    curves = table[("activations", "all__w5__d0__float32__n1")]
    assert curves["combinations"][0]["init"] == "none" and curves["x_min"] == -1.0


def test_bias_variances_cross_and_name_their_combinations():
    config = copy.deepcopy(CONFIG)
    config["experiments"]["gradient_flow"]["cases"] = [
        {"activations": ["tanh"], "inits": ["lecun_normal"], "scales": [1.0], "bias_variances": [0.0, 0.05]}
    ]
    (spec,) = [s for (e, _), s in comb.combination_table(config).items() if e == "gradient_flow"]
    names = [c["combination"] for c in spec["combinations"]]
    assert names == ["tanh__lecun_normal__s1.0__b0.05__w10__d4__float32", "tanh__lecun_normal__s1.0__w10__d4__float32"]


def test_cases_that_differ_in_other_settings_cannot_share_a_job():
    config = copy.deepcopy(CONFIG)
    config["experiments"]["gradient_flow"]["cases"].append(
        {"activations": ["tanh"], "inits": ["he_normal"], "scales": [1.0], "repeats": 5}
    )
    with pytest.raises(ValueError, match="share job 'tanh__w10__d4__float32__n6'"):
        comb.combination_table(config)


def test_chunks_keep_the_weight_batch_under_the_budget():
    spec = {"seeds": 400, "width": 512, "dtype": "float32"}
    assert comb.weight_bytes(spec) == 400 * 512**2 * 4
    assert comb.chunk_size(spec) == 1  # 419 MB per combination: one at a time
    assert comb.chunk_size({"seeds": 200, "width": 100, "dtype": "float64"}) == comb.BATCH_BYTES // (200 * 10**4 * 8)


def test_job_names_fit_the_wildcard_pattern():
    for _, job in comb.combination_table(CONFIG):
        assert comb.is_job_name(job)
    assert not comb.is_job_name("relu__w10__d4__float32__n6; rm -rf /")
    assert not comb.is_job_name("swish__w10__d4__float32__n6")


def _seeds(table):
    return {c["combination"]: c["seed"] for spec in table.values() for c in spec["combinations"]}


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
    gradient = {
        "experiment": "gradient_flow",
        "seeds": 200,
        "width": 100,
        "dtype": "float32",
        "combinations": [{}] * 15,
    }
    assert comb.chunk_size(gradient) == 4 and comb.memory_mb(gradient) == int(900 + 15 * 4 * 200 * 100**2 * 4 / 2**20)
    forward = {"experiment": "forward", "seeds": 300, "width": 512, "dtype": "float32", "combinations": [{}] * 4}
    assert comb.memory_mb(forward) == 900 + 3 * 300
