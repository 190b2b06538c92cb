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


def test_cases_cross_and_override():
    table = comb.combination_table(CONFIG)
    assert len(table) == 2 * 2 + 1 + 1
    spec = table[("gradient_flow", "relu__he_normal__s1.0__w20__d4__float64")]
    assert spec["width"] == 20 and spec["dtype"] == "float64" and spec["repeats"] == 3 and spec["seeds"] == 6
    curves = table[("activations", "relu__none__s1.0__w5__d0__float32")]
    assert curves["init"] == "none" and curves["x_min"] == -1.0


def test_job_names_fit_the_wildcard_pattern():
    for _, job in comb.combination_table(CONFIG):
        assert comb.is_job_name(job)
    assert not comb.is_job_name("relu__normal__s0.1__w10__d4__float32; rm -rf /")
    assert not comb.is_job_name("swish__normal__s0.1__w10__d4__float32")


def test_job_seeds_depend_on_the_spec_not_on_the_rest_of_the_sweep():
    before = comb.combination_table(CONFIG)
    bigger = copy.deepcopy(CONFIG)
    bigger["experiments"]["gradient_flow"]["cases"].insert(
        0, {"activations": ["sigmoid"], "inits": ["normal"], "scales": [0.5]}
    )
    after = comb.combination_table(bigger)
    for key, spec in before.items():
        assert after[key]["job_seed"] == spec["job_seed"]
    assert len({spec["job_seed"] for spec in after.values()}) == len(after)


def test_unknown_job_is_a_clear_error():
    with pytest.raises(KeyError, match="no job 'x' in experiment 'forward'"):
        comb.job_spec(comb.combination_table(CONFIG), "forward", "x")


def test_scale_text_round_trips():
    for scale in [0.1, 1.0, 0.044194173824159216, 1e-05, 0.0625]:
        assert float(comb.format_scale(scale)) == scale
