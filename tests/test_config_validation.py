"""Bad config stops the run before any job, with a message naming the file, the key path and what is allowed
(initstab.config: the schema, the checks it cannot express, and the host's GPU and memory)."""

import copy
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from snakemake.exceptions import WorkflowError

from initstab import config as sweep
from initstab.combinations import combination_table, memory_mb

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
DEFAULT = yaml.safe_load((REPO / "config.yaml").read_text())
TINY = yaml.safe_load((REPO / "tests" / "data" / "tiny_config.yaml").read_text())
EXPERIMENT_NAMES = (
    "matrix_product, gradient_flow, forward, repeated_matrix, phase_diagram, jacobian_spectrum, precision, "
    "depth_scale, symmetry, trainability, activations"
)
NOT_FINITE = "is not a finite number; NaN and ±inf are allowed nowhere in the config"


def check(config, source="config.yaml"):
    sweep.validate_config(config, SCHEMA, source)
    return config


def broken(path: str, value, base=DEFAULT):
    config = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = config
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return config


def message(config, source="config.yaml") -> str:
    with pytest.raises(WorkflowError) as error:
        check(config, source)
    assert isinstance(error.value, ValueError)  # plain Python callers can catch ValueError
    return str(error.value)


def test_default_and_tiny_configs_are_valid():
    check(copy.deepcopy(DEFAULT))
    check(copy.deepcopy(TINY))


def test_defaults_are_filled_in():
    config = copy.deepcopy(DEFAULT)
    for key in ("seed", "dtype", "device", "threads"):
        del config[key]
    check(config)
    assert config["dtype"] == "float32" and config["device"] == "auto" and config["threads"] == 1


ENUM_ACTIVATIONS = (
    "['linear', 'relu', 'tanh', 'sigmoid', 'scaled_sigmoid', 'scaled_sigmoid_grad_missing_x4', 'leaky_relu', 'elu', "
    "'selu', 'gelu', 'silu', 'softplus']"
)
ENUM_INITS = (
    "['normal', 'uniform', 'uniform_noncentered', 'xavier_uniform', 'xavier_uniform_noncentered', 'xavier_normal', "
    "'he_normal', 'he_uniform', 'lecun_normal', 'orthogonal', 'critical', 'critical_orthogonal', 'lsuv', "
    "'constant', 'identical_units']"
)
CASE_KEYS = "activations, inits, scales, bias_variances, regimes, input_correlation, width, depth, seeds, dtype"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "experiments.gradient_flow.cases.0.activations",
            ["relu", "swish"],
            f"experiments.gradient_flow.cases[0].activations[1]: 'swish' is not one of {ENUM_ACTIVATIONS}",
        ),
        (
            "experiments.forward.cases.0.inits",
            ["kaiming"],
            f"experiments.forward.cases[0].inits[0]: 'kaiming' is not one of {ENUM_INITS}",
        ),
        (
            "experiments.gradient_flow.cases.0.scales",
            [0.1, 0],
            "experiments.gradient_flow.cases[0].scales[1]: 0 is less than or equal to the minimum of 0",
        ),
        (
            "experiments.gradient_flow.cases.0.scales",
            [-0.5],
            "experiments.gradient_flow.cases[0].scales[0]: -0.5 is less than or equal to the minimum of 0",
        ),
        (
            "experiments.gradient_flow.cases.0.scales",
            ["big"],
            "experiments.gradient_flow.cases[0].scales[0]: 'big' is not of type 'number'",
        ),
        (
            "experiments.gradient_flow.cases.0.scales",
            [],
            "experiments.gradient_flow.cases[0].scales: [] should be non-empty",
        ),
        ("experiments.matrix_product.depth", 0, "experiments.matrix_product.depth: 0 is less than the minimum of 1"),
        ("experiments.matrix_product.seeds", 2.5, "experiments.matrix_product.seeds: 2.5 is not of type 'integer'"),
        (
            "experiments.forward.cases.0.widht",
            10,
            "experiments.forward.cases[0]: Additional properties are not allowed ('widht' was unexpected); "
            f"allowed: {CASE_KEYS}",
        ),
        ("experiments.gradient_flow.repeats", KeyError, "experiments.gradient_flow: 'repeats' is a required property"),
        (
            "experiments.trainability.cases.0.depth",
            0,
            "experiments.trainability.cases[0].depth: 0 is less than the minimum of 1",
        ),
        (
            "experiments.trainability.training.learning_rate",
            0,
            "experiments.trainability.training.learning_rate: 0 is less than or equal to the minimum of 0 "
            "(η, a positive number)",
        ),
        (
            "experiments.symmetry.training.learning_rate",
            -0.1,
            "experiments.symmetry.training.learning_rate: -0.1 is less than or equal to the minimum of 0 "
            "(η, a positive number)",
        ),
        (
            "experiments.trainability.training.optimizer",
            "adam",
            "experiments.trainability.training.optimizer: 'adam' is not one of ['sgd', 'rmsprop'] "
            "(sgd: θ ← θ − η·g; rmsprop: Keras's (ρ = 0.9, ε = 1e-7))",
        ),
        (
            "experiments.symmetry.cases.0.regimes",
            ["full_batch", "dropout"],
            "experiments.symmetry.cases[0].regimes[1]: 'dropout' is not one of "
            "['full_batch', 'minibatch', 'weight_decay', 'dropout_0.1', 'dropout_0.5']",
        ),
        (
            "experiments.symmetry.training",
            KeyError,
            "experiments.symmetry: 'training' is a required property",
        ),
        (
            "experiments.dropout",
            {},
            "experiments: Additional properties are not allowed ('dropout' was unexpected); "
            f"allowed: {EXPERIMENT_NAMES}",
        ),
        ("dtype", "float8", "dtype: 'float8' is not one of ['float16', 'bfloat16', 'float32', 'float64']"),
        ("device", "tpu", "device: 'tpu' is not one of ['auto', 'cpu', 'gpu']"),
    ],
)
def test_bad_values_name_what_is_wrong(path, value, expected):
    assert message(broken(path, value)) == f"config.yaml: {expected}"


def test_message_names_the_config_file():
    assert message(broken("device", "tpu"), "/runs/my.yaml") == (
        "/runs/my.yaml: device: 'tpu' is not one of ['auto', 'cpu', 'gpu']"
    )


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "experiments.forward.cases.0.regimes",
            ["minibatch"],
            "experiments.forward.cases[0].regimes: only symmetry and trainability read regimes; remove it",
        ),
        (
            "experiments.gradient_flow.cases.0.inits",
            ["normal", "identical_units"],
            "experiments.gradient_flow.cases[0].inits: identical_units start the hidden units alike, which only the "
            "experiments that train use (symmetry, trainability); remove it",
        ),
    ],
)
def test_training_settings_outside_the_experiments_that_train_are_refused(path, value, expected):
    assert message(broken(path, value)) == f"config.yaml: {expected}"


@pytest.mark.parametrize("value", [{}, KeyError, None])
def test_no_experiment_is_an_error(value):
    state = "missing" if value is KeyError else "empty"
    assert message(broken("experiments", value)) == (
        f"config.yaml: experiments: {state}, so there is nothing to run; configure at least one of {EXPERIMENT_NAMES}"
    )


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "experiments.matrix_product.width",
            4.0,
            "experiments.matrix_product.width: 4.0 is a float, not an integer: write 4",
        ),
        (
            "experiments.matrix_product.seeds",
            16.0,
            "experiments.matrix_product.seeds: 16.0 is a float, not an integer: write 16",
        ),
        (
            "experiments.matrix_product.depth",
            12.0,
            "experiments.matrix_product.depth: 12.0 is a float, not an integer: write 12",
        ),
        ("seed", 1.0, "seed: 1.0 is a float, not an integer: write 1 (global seed)"),
        ("threads", 2.0, "threads: 2.0 is a float, not an integer: write 2 (TensorFlow threads per job)"),
        (
            "experiments.activations.points",
            9.0,
            "experiments.activations.points: 9.0 is a float, not an integer: write 9",
        ),
        (
            "experiments.gradient_flow.repeats",
            3.0,
            "experiments.gradient_flow.repeats: 3.0 is a float, not an integer: write 3 "
            "(draws the notebooks average (gradient_flow; 10))",
        ),
        (
            "experiments.forward.cases.0.width",
            100.0,
            "experiments.forward.cases[0].width: 100.0 is a float, not an integer: write 100",
        ),
        (
            "experiments.repeated_matrix.cases.3.seeds",
            400.0,
            "experiments.repeated_matrix.cases[3].seeds: 400.0 is a float, not an integer: write 400",
        ),
    ],
)
def test_float_valued_integers_are_rejected(path, value, expected):
    assert message(broken(path, value)) == f"config.yaml: {expected}"


def test_every_integer_in_the_schema_is_strict():
    """A float where the schema says integer fails wherever the integer sits ($ref, allOf, items): every int in the
    default config, turned into a float, is rejected at its own path."""
    config = copy.deepcopy(DEFAULT)
    paths = []

    def ints(node, path=()):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, int) and not isinstance(value, bool):
                paths.append((*path, key))
            ints(value, (*path, key))

    ints(config)
    assert len(paths) > 30
    for path in paths:
        bad = copy.deepcopy(config)
        node = bad
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = float(node[path[-1]])
        assert message(bad).startswith(f"config.yaml: {sweep.key_path(path)}: {float(node[path[-1]])!r} is a float")


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (
            "experiments.gradient_flow.cases.0.scales",
            [0.1, math.nan],
            "experiments.gradient_flow.cases[0].scales[1]: nan",
        ),
        ("experiments.gradient_flow.cases.0.scales", [math.inf], "experiments.gradient_flow.cases[0].scales[0]: inf"),
        (
            "experiments.phase_diagram.cases.0.bias_variances",
            [0.0, math.inf],
            "experiments.phase_diagram.cases[0].bias_variances[1]: inf",
        ),
        ("experiments.depth_scale.input_correlation", math.nan, "experiments.depth_scale.input_correlation: nan"),
        (
            "experiments.depth_scale.cases.0.input_correlation",
            -math.inf,
            "experiments.depth_scale.cases[0].input_correlation: -inf",
        ),
        ("experiments.activations.x_min", -math.inf, "experiments.activations.x_min: -inf"),
        ("experiments.activations.x_max", math.nan, "experiments.activations.x_max: nan"),
        ("experiments.forward.width", math.inf, "experiments.forward.width: inf"),
    ],
)
def test_non_finite_numbers_are_rejected(path, value, where):
    assert message(broken(path, value)) == f"config.yaml: {where} {NOT_FINITE}"


def test_non_finite_yaml_spellings_are_rejected():
    for text, shown in ((".nan", "nan"), (".inf", "inf"), ("-.inf", "-inf")):
        bad = broken("experiments.activations.x_max", yaml.safe_load(text))
        assert message(bad) == f"config.yaml: experiments.activations.x_max: {shown} {NOT_FINITE}"


@pytest.mark.parametrize(("x_min", "x_max"), [(8.0, 8.0), (2.0, -2.0)])
def test_activation_grid_must_increase(x_min, x_max):
    bad = broken("experiments.activations.x_max", x_max, broken("experiments.activations.x_min", x_min))
    assert (
        message(bad) == f"config.yaml: experiments.activations: x_min ({x_min!r}) must be less than x_max ({x_max!r})"
    )


def test_matrix_product_takes_no_activation_but_linear():
    assert check(broken("experiments.matrix_product.cases.0.activations", ["linear"]))
    assert message(broken("experiments.matrix_product.cases.0.activations", ["linear", "relu"])) == (
        "config.yaml: experiments.matrix_product.cases[0].activations[1]: 'relu' is not one of ['linear'] "
        "(matrix_product multiplies weight matrices and applies no activation)"
    )


@pytest.mark.parametrize("experiment", ["matrix_product", "repeated_matrix"])
def test_bias_free_kernels_take_no_bias_variance(experiment):
    assert check(broken(f"experiments.{experiment}.cases.0.bias_variances", [0.0]))
    assert message(broken(f"experiments.{experiment}.cases.0.bias_variances", [0.0, 0.1])) == (
        f"config.yaml: experiments.{experiment}.cases[0].bias_variances[1]: 0.1 is not one of [0] "
        "(this experiment's kernel adds no bias)"
    )


NO_NOTEBOOK_ROW = (
    "the notebook mean averages blocks of `repeats` seeds, so this case would write no notebook_grad_mean row; "
    "use seeds >= repeats"
)


def test_repeats_beyond_seeds_is_rejected():
    assert message(broken("experiments.gradient_flow.repeats", 201)) == (
        f"config.yaml: experiments.gradient_flow.cases[2]: repeats (201) is larger than seeds (200): {NO_NOTEBOOK_ROW}"
    )
    assert message(broken("experiments.gradient_flow.cases.2.seeds", 9)) == (
        f"config.yaml: experiments.gradient_flow.cases[2]: repeats (10) is larger than seeds (9): {NO_NOTEBOOK_ROW}"
    )
    assert check(broken("experiments.gradient_flow.cases.2.seeds", 10))


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("experiments.forward.repeats", 3, "experiments.forward.repeats: only gradient_flow reads repeats; remove it"),
        (
            "experiments.phase_diagram.input_correlation",
            0.5,
            "experiments.phase_diagram.input_correlation: only depth_scale reads input_correlation; remove it",
        ),
        (
            "experiments.forward.cases.0.input_correlation",
            0.5,
            "experiments.forward.cases[0].input_correlation: only depth_scale reads input_correlation; remove it",
        ),
    ],
)
def test_keys_another_experiment_would_ignore_are_rejected(path, value, expected):
    assert message(broken(path, value)) == f"config.yaml: {expected}"


def test_weight_batches_beyond_int32_are_rejected():
    assert message(broken("experiments.forward.cases.6.width", 100000)) == (
        "config.yaml: experiments.forward.cases[6] (width: 100000, depth: 50, seeds: 0–0, dtype: float32): a kernel "
        "call holds 1 seeds × 1 combinations × width² = 1e+10 elements, more than the 2147483647 a TensorFlow kernel "
        "can index (int32); lower width"
    )
    assert check(broken("experiments.forward.cases.6.width", 4000))  # 100 × 4000² = 1.6e9 fits


def test_settings_clash_names_the_file():
    clash = copy.deepcopy(DEFAULT)
    case = clash["experiments"]["depth_scale"]["cases"][0]
    clash["experiments"]["depth_scale"]["cases"] = [
        {**case, "input_correlation": 0.1},
        {**case, "input_correlation": 0.2},
    ]
    assert message(clash).startswith(
        "config.yaml: experiment 'depth_scale': cases with different settings share width 200, depth 200 and dtype"
    )


# ---------------------------------------------------------------------------------------------------- the host

GPU_CONFIG = check(broken("device", "gpu"))


def test_gpu_requested_on_a_host_without_one():
    with pytest.raises(ValueError) as error:
        sweep.check_host(
            GPU_CONFIG, "my.yaml", gpu=False, gpu_evidence="no /proc/driver/nvidia/gpus; nvidia-smi -L lists none"
        )
    assert str(error.value) == (
        "my.yaml: device: gpu, but this host has no GPU (no /proc/driver/nvidia/gpus; nvidia-smi -L lists none); use "
        "device: auto (a GPU when there is one) or cpu, or submit the jobs to GPU nodes with a cluster executor "
        "(--profile profiles/slurm)"
    )
    sweep.check_host(GPU_CONFIG, "my.yaml", gpu=True)
    sweep.check_host(GPU_CONFIG, "my.yaml", gpu=None)  # unknown (cluster executor): not checked
    sweep.check_host(check(copy.deepcopy(DEFAULT)), "my.yaml", gpu=False)  # device: auto needs none


def test_gpu_presence_without_tensorflow(tmp_path, monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    gpus = tmp_path / "gpus"
    (gpus / "0000:01:00.0").mkdir(parents=True)
    assert sweep.gpu_presence(str(gpus)) == (True, f"{gpus} lists 1")
    missing = str(tmp_path / "none")

    def smi(stdout, returncode=0):
        return lambda *args, **kwargs: SimpleNamespace(stdout=stdout, returncode=returncode)

    assert sweep.gpu_presence(missing, run=smi("GPU 0: NVIDIA H200 (UUID: GPU-1)\n")) == (True, "nvidia-smi -L lists 1")
    assert sweep.gpu_presence(missing, run=smi("No devices were found\n", 6)) == (
        False,
        f"no {missing}; nvidia-smi -L lists none",
    )

    def absent(*args, **kwargs):
        raise FileNotFoundError

    assert sweep.gpu_presence(missing, run=absent) == (False, f"no {missing} and no nvidia-smi")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert sweep.gpu_presence(str(gpus)) == (False, "CUDA_VISIBLE_DEVICES='' hides every GPU")


def test_config_module_imports_no_tensorflow():
    """It runs while Snakemake builds the DAG: `import tensorflow` would cost seconds on every invocation."""
    code = "import sys, initstab.config; print(sorted(m for m in sys.modules if m.split('.')[0] == 'tensorflow'))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert run.stdout.strip() == "[]"


def big_case(width=20000, seeds=5):
    case = {"inits": ["normal"], "scales": [0.5]}
    section = {"width": width, "depth": 3, "seeds": seeds, "cases": [case]}
    return check({"experiments": {"matrix_product": section}})


def test_jobs_beyond_the_memory_limit_are_rejected():
    config = big_case()
    jobs = combination_table(config)
    spec = jobs[("matrix_product", "w20000__d3__float32__s0-0")]
    need = memory_mb(spec)
    assert need > 10_000 and len(jobs) == 5  # one seed a job: a 20000² draw and four state matrices each
    with pytest.raises(ValueError) as error:
        sweep.check_host(config, "my.yaml", memory_limit_mb=8000.0, memory_limit_name="this machine's memory")
    assert str(error.value) == (
        "my.yaml: experiments.matrix_product.cases[0] (width: 20000, depth: 3, seeds: 0–0, dtype: float32): job "
        f"matrix_product/w20000__d3__float32__s0-0 would request mem_mb={need}, more than this machine's memory "
        "(8000 MB): one kernel call holds 1 seeds of 1 combinations of width 20000 at once; lower width"
    )
    sweep.check_host(config, "my.yaml", memory_limit_mb=need)
    sweep.check_host(config, "my.yaml")  # no limit known (cluster executor without --resources mem_mb)


def test_memory_check_names_every_case_of_the_job():
    config = big_case(width=2000, seeds=100)
    config["experiments"]["matrix_product"]["cases"].append({"inits": ["normal"], "scales": [0.7]})
    spec = next(iter(combination_table(check(config)).values()))
    with pytest.raises(ValueError, match=r"cases\[0\] and experiments\.matrix_product\.cases\[1\] \(width: 2000"):
        sweep.check_host(config, "my.yaml", memory_limit_mb=memory_mb(spec) - 1, memory_limit_name="the limit")


def test_the_full_trainability_config_is_valid_and_its_deepest_jobs_ask_for_a_cluster_node():
    """configs/trainability_full.yaml: a training job holds all its layers, so its memory grows with depth."""
    config = check(yaml.safe_load((REPO / "configs" / "trainability_full.yaml").read_text()))
    jobs = combination_table(config).values()
    assert {job.depth for job in jobs} == {4, 8, 16, 24, 32, 48, 64, 96, 128, 160, 200}
    assert {len(job.combinations) for job in jobs} == {20} and sum(job.seeds for job in jobs) == 11 * 5
    need = {job.depth: memory_mb(job) for job in jobs}
    assert need[200] > 10_000 and need[8] < 3_000  # every layer of 20 nets, with gradients and RMSProp's state
    assert 201 / 9 * 0.9 < (need[200] - 900) / (need[8] - 900) < 201 / 9 * 1.3  # ∝ layers: weights, activations
    with pytest.raises(
        ValueError, match=r"depth: 128.*of width 300 in each of 129 layers at once; lower width or depth"
    ):
        sweep.check_host(config, "configs/trainability_full.yaml", memory_limit_mb=8000, memory_limit_name="8 GB")


def test_default_config_fits_a_small_machine():
    sweep.check_host(check(copy.deepcopy(DEFAULT)), "config.yaml", memory_limit_mb=4000, memory_limit_name="4 GB")


def fake_workflow(local=True, mode="DEFAULT", resources=None):
    plugin = None if local is None else SimpleNamespace(common_settings=SimpleNamespace(local_exec=local))
    values = {name: SimpleNamespace(value=value) for name, value in (resources or {}).items()}
    return SimpleNamespace(
        exec_mode=SimpleNamespace(name=mode),
        remote_exec=mode == "REMOTE",
        executor_plugin=plugin,
        global_resources=values,
    )


def test_host_limits_follow_the_executor(monkeypatch):
    monkeypatch.setattr(sweep, "machine_memory_mb", lambda: 8000.0)
    monkeypatch.setattr(sweep, "gpu_presence", lambda: (False, "none here"))
    local = sweep.host_limits(GPU_CONFIG, fake_workflow())
    assert local == {
        "memory_limit_mb": 8000.0,
        "memory_limit_name": "this machine's memory",
        "gpu": False,
        "gpu_evidence": "none here",
    }
    assert sweep.host_limits(GPU_CONFIG, fake_workflow(resources={"mem_mb": 3000})) == {
        "memory_limit_mb": 3000,
        "memory_limit_name": "the --resources mem_mb=3000 limit",
        "gpu": False,
        "gpu_evidence": "none here",
    }
    # A cluster executor: the submit host's GPU and memory say nothing about the nodes; --resources still binds.
    assert sweep.host_limits(GPU_CONFIG, fake_workflow(local=False)) == {}
    assert sweep.host_limits(GPU_CONFIG, fake_workflow(local=False, resources={"max_mem_mb": 64000})) == {
        "memory_limit_mb": 64000,
        "memory_limit_name": "the --resources max_mem_mb=64000 limit",
    }
    assert sweep.host_limits(GPU_CONFIG, fake_workflow(mode="REMOTE")) == {}  # inside a job Snakemake started
    assert sweep.host_limits(GPU_CONFIG, fake_workflow(local=None)) == {}  # API caller, executor not yet known


def test_execution_reads_the_cli_executor_before_the_workflow_has_it():
    workflow = fake_workflow(local=None)

    def args_to_api(executor_plugin):  # the name of Snakemake's CLI function that holds the plugin
        return sweep.execution(workflow)

    assert args_to_api(SimpleNamespace(common_settings=SimpleNamespace(local_exec=False))) == "cluster"
    assert args_to_api(SimpleNamespace(common_settings=SimpleNamespace(local_exec=True))) == "local"
    assert sweep.execution(workflow) == "unknown"


# ------------------------------------------------------------------------------------------------- config files


def test_yaml_errors_name_file_line_and_column(tmp_path):
    broken_file = tmp_path / "config.yaml"
    broken_file.write_text("experiments:\n  matrix_product:\n    width: 4\n    depth: [1,\n    seeds: 3\n")
    with pytest.raises(ValueError) as error:
        sweep.read_config_file(broken_file)
    assert str(error.value) == (
        f"{broken_file}, line 6, column 1: not valid YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence that starts at line 4, column 12)"
    )
    broken_file.write_text("seed: 1\nexperiments:\n\tforward: {}\n")
    with pytest.raises(ValueError) as error:
        sweep.read_config_file(broken_file)
    assert str(error.value) == (
        f"{broken_file}, line 3, column 1: not valid YAML: found character '\\t' that cannot start any token "
        "(while scanning for the next token)"
    )
    broken_file.write_text("- seed\n")
    with pytest.raises(ValueError) as error:
        sweep.read_config_file(broken_file)
    assert str(error.value) == f"{broken_file}: Config file must be given as JSON or YAML with keys at top level."
    with pytest.raises(ValueError) as error:
        sweep.read_config_file(tmp_path / "absent.yaml")
    assert str(error.value) == f"{tmp_path / 'absent.yaml'}: cannot read the config file (No such file or directory)"


def test_config_file_is_read_as_snakemake_reads_a_configfile(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"seed": 3, "experiments": {}}')
    assert sweep.read_config_file(path) == {"seed": 3, "experiments": {}}
    assert sweep.read_config_file(REPO / "config.yaml") == DEFAULT


def test_default_config_paths_prefer_the_working_directory(tmp_path):
    assert sweep.default_config_paths(str(tmp_path), str(REPO)) == [
        str(tmp_path / "config.yaml"),
        str(REPO / "config.yaml"),
    ]
    assert sweep.default_config_paths(str(REPO), str(REPO)) == [str(REPO / "config.yaml")]


def test_default_config_keeps_command_line_overrides(tmp_path):
    config = {"seed": 5, "experiments": {"forward": {"seeds": 7}}}  # what Snakemake holds from --config alone
    source = sweep.load_default_config(config, [str(tmp_path / "config.yaml"), str(REPO / "config.yaml")])
    assert source == str(REPO / "config.yaml")
    assert config["seed"] == 5 and config["experiments"]["forward"]["seeds"] == 7
    assert config["experiments"]["forward"]["width"] == DEFAULT["experiments"]["forward"]["width"]
    assert set(config["experiments"]) == set(DEFAULT["experiments"])
    with pytest.raises(ValueError, match="^no config: none of .* exists; pass one with --configfile$"):
        sweep.load_default_config({}, [str(tmp_path / "config.yaml")])


def test_key_paths():
    assert sweep.key_path(("experiments", "forward", "cases", 2, "width")) == "experiments.forward.cases[2].width"
    assert sweep.key_path(()) == "(top level)"
