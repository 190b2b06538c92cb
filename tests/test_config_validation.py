"""Bad config stops the run with a message naming the key and the allowed values (the Snakefile's validate)."""

import copy
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

REPO = Path(__file__).resolve().parents[1]
SCHEMA = str(REPO / "workflow" / "schemas" / "config.schema.yaml")
DEFAULT = yaml.safe_load((REPO / "config.yaml").read_text())


def check(config):
    validate(config, SCHEMA)


def broken(path: str, value):
    config = copy.deepcopy(DEFAULT)
    *parents, last = path.split(".")
    node = config
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return config


def test_default_and_tiny_configs_are_valid():
    check(copy.deepcopy(DEFAULT))
    check(yaml.safe_load((REPO / "tests" / "data" / "tiny_config.yaml").read_text()))


def test_defaults_are_filled_in():
    config = copy.deepcopy(DEFAULT)
    for key in ("seed", "dtype", "device", "threads"):
        del config[key]
    check(config)
    assert config["dtype"] == "float32" and config["device"] == "auto" and config["threads"] == 1


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("experiments.gradient_flow.cases.0.activations", ["relu", "swish"], "'swish' is not one of ['linear', 'relu'"),
        ("experiments.forward.cases.0.inits", ["kaiming"], "'kaiming' is not one of ['normal', 'uniform'"),
        ("experiments.gradient_flow.cases.0.scales", [0.1, 0], "0 is less than or equal to the minimum of 0"),
        ("experiments.gradient_flow.cases.0.scales", [-0.5], "-0.5 is less than or equal to the minimum of 0"),
        ("experiments.gradient_flow.cases.0.scales", ["big"], "'big' is not of type 'number'"),
        ("experiments.gradient_flow.cases.0.scales", [], "[] should be non-empty"),
        ("experiments.matrix_product.depth", 0, "0 is less than the minimum of 1"),
        ("experiments.matrix_product.seeds", 2.5, "2.5 is not of type 'integer'"),
        ("experiments.forward.cases.0.widht", 10, "'widht' was unexpected"),
        ("experiments.gradient_flow.repeats", KeyError, "'repeats' is a required property"),
        ("experiments.dropout", {}, "'dropout' was unexpected"),
        ("dtype", "float8", "'float8' is not one of ['float16', 'bfloat16', 'float32', 'float64']"),
        ("device", "tpu", "'tpu' is not one of ['auto', 'cpu', 'gpu']"),
    ],
)
def test_bad_values_name_what_is_wrong(path, value, message):
    with pytest.raises(WorkflowError) as error:
        check(broken(path, value))
    assert message in str(error.value)
