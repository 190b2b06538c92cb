"""The sweep config: where it comes from, the schema, and the checks a schema cannot express (no TensorFlow here).

The Snakefile calls, before any job exists:

1. ``load_workflow_config(config, workflow)``: a ``--configfile`` is used alone (with ``--config`` on top); without
   one, ``config.yaml`` of the working directory, else the workflow's own; in a ``module`` the host's ``config:``.
2. ``validate_config(config, schema, source)``: no experiment, non-finite numbers, the schema (``integer`` admits
   no float such as 4.0), then the cross-key checks (x_min < x_max, repeats ≤ seeds, keys only one experiment
   reads, tensors a kernel can index); fills the schema's defaults.
3. ``check_host(config, source, **host_limits(config, workflow))``: GPU and memory of the machine that runs jobs.

Every message starts with where the config came from (``source``) and the key path, and says what is allowed.
"""

import copy
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import yaml
from snakemake_interface_common.exceptions import WorkflowError

from initstab.activations import ACTIVATIONS
from initstab.combinations import DTYPES, call_seeds, combination_table, memory_mb
from initstab.experiments import EXPERIMENTS
from initstab.initializers import INITIALIZERS
from initstab.regimes import REGIMES

INT32_MAX = 2**31 - 1  # TensorFlow kernels (GPU ones above all) index a tensor's elements with int32
# keys that only some experiments read (their Experiment.options) → those experiments
ONLY_IN = {
    key: tuple(e.name for e in EXPERIMENTS.values() if key in e.options)
    for experiment in EXPERIMENTS.values()
    for key in experiment.options
}
TRAINERS = tuple(e.name for e in EXPERIMENTS.values() if e.trains)


class ConfigError(WorkflowError, ValueError):
    """A config that cannot run: Snakemake prints it as a WorkflowError; plain Python code can catch ValueError."""


# ---------------------------------------------------------------------------------------------- where it comes from


def key_path(parts: Sequence) -> str:
    """``experiments.forward.cases[2].width`` from ('experiments', 'forward', 'cases', 2, 'width')."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def read_config_file(path: str | os.PathLike) -> dict:
    """A config file as Snakemake reads a ``--configfile`` (JSON, else YAML), with errors naming file and line."""
    from snakemake.common.configfile import load_configfile

    path = str(path)
    try:
        return load_configfile(path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file ({error.strerror})") from None
    except WorkflowError as error:
        try:
            with open(path, encoding="utf-8") as stream:
                yaml.safe_load(stream)
        except yaml.MarkedYAMLError as syntax:
            raise ConfigError(f"{path}{_yaml_problem(syntax)}") from None
        except OSError as missing:
            raise ConfigError(f"{path}: cannot read the config file ({missing.strerror})") from None
        except yaml.YAMLError as syntax:
            raise ConfigError(f"{path}: not valid YAML: {syntax}") from None
        raise ConfigError(f"{path}: {error}") from None


def _at(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    """', line 6, column 1: not valid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow
    sequence that starts at line 4, column 12)'."""
    mark = error.problem_mark or error.context_mark
    text = (f", {_at(mark)}" if mark else "") + f": not valid YAML: {error.problem or error.context}"
    if error.context and error.problem:
        start = f" that starts at {_at(error.context_mark)}" if error.context_mark else ""
        text += f" ({error.context}{start})"
    return text


def default_config_paths(workdir: str, basedir: str) -> list[str]:
    """``config.yaml`` of the working directory (Snakemake's convention), then the workflow's own default sweep."""
    paths = [os.path.join(workdir, "config.yaml"), os.path.join(basedir, "config.yaml")]
    return list(dict.fromkeys(os.path.abspath(path) for path in paths))


def load_default_config(config: dict, paths: Sequence[str]) -> str:
    """Replace ``config`` (which holds only the ``--config`` overrides) by the first file of ``paths`` that exists,
    overrides re-applied on top; return that path."""
    from snakemake.utils import update_config

    path = next((path for path in paths if os.path.exists(path)), None)
    if path is None:
        raise ConfigError(f"no config: none of {', '.join(paths)} exists; pass one with --configfile")
    loaded = read_config_file(path)
    update_config(loaded, config)
    config.clear()
    config.update(loaded)
    return path


def _with_overrides(source: str, overrides: Mapping) -> str:
    return f"{source} (with --config {', '.join(overrides)})" if overrides else source


def load_workflow_config(config: dict, workflow) -> str:
    """Fill Snakemake's ``config`` in place for this run and return where it came from (for messages).

    - imported as a ``module`` with ``config:``: that dict, untouched (no file is read);
    - ``module`` without ``config:``: the module's own ``config.yaml`` (next to its Snakefile);
    - ``--configfile a.yaml [b.yaml]``: those files alone (Snakemake already merged them with ``--config``);
    - neither: ``config.yaml`` of the working directory if there is one, else the workflow's, ``--config`` on top.
    """
    modifier = workflow.modifier
    basedir = workflow.current_basedir.get_path_or_uri(secret_free=False)
    if modifier.namespace is not None:  # a module of another workflow
        if modifier.skip_configfile:
            return f"the config: of module {modifier.namespace!r}"
        path = load_default_config(config, [os.path.join(basedir, "config.yaml")])
        return f"{path} (module {modifier.namespace!r})"
    overrides = dict(workflow.config_settings.config)
    configfiles = [str(path) for path in workflow.overwrite_configfiles]
    if configfiles:
        return _with_overrides(" + ".join(configfiles), overrides)
    path = load_default_config(config, default_config_paths(os.getcwd(), basedir))
    workflow.configfiles.append(path)  # as `configfile:` would: the report and the run header list it
    return _with_overrides(path, overrides)


# ---------------------------------------------------------------------------------------------------- the schema


def nonfinite_numbers(node, path=()) -> Iterator[tuple[tuple, float]]:
    """(path, value) of every NaN or ±inf anywhere in ``node``."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from nonfinite_numbers(value, (*path, key))
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from nonfinite_numbers(value, (*path, index))
    elif isinstance(node, float) and not math.isfinite(node):
        yield path, node


def load_schema(path: str | os.PathLike) -> dict:
    """The config schema, with the names it admits taken from the registries: ``$defs.activation`` and
    ``$defs.init`` and ``$defs.regime`` enumerate ACTIVATIONS, INITIALIZERS and REGIMES, ``$defs.dtype`` the dtypes a
    job name can carry."""
    with open(path, encoding="utf-8") as stream:
        schema = yaml.safe_load(stream)
    names = {
        "activation": list(ACTIVATIONS),
        "init": list(INITIALIZERS),
        "dtype": list(DTYPES),
        "regime": list(REGIMES),
    }
    for key, enum in names.items():
        schema["$defs"][key]["enum"] = enum
    return schema


def _validator_class():
    """Draft 2020-12 where ``integer`` admits no float (JSON Schema lets 4.0 pass) and ``default``s are filled in."""
    from jsonschema import Draft202012Validator, validators

    def is_integer(checker, instance):
        return isinstance(instance, int) and not isinstance(instance, bool)

    strict = validators.extend(
        Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", is_integer)
    )
    properties = strict.VALIDATORS["properties"]

    def set_defaults(validator, subschemas, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in subschemas.items():
                if "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from properties(validator, subschemas, instance, schema)

    return validators.extend(strict, {"properties": set_defaults})


def schema_error_message(error, root: Mapping) -> str:
    """A jsonschema error as 'key.path: what is wrong; what is allowed (the key's description)'."""
    message = error.message
    if error.validator == "type" and error.validator_value == "integer" and isinstance(error.instance, float):
        if error.instance.is_integer():
            message = f"{error.instance!r} is a float, not an integer: write {int(error.instance)}"
    elif error.validator == "additionalProperties" and "properties" in error.schema:
        message += f"; allowed: {', '.join(error.schema['properties'])}"
    description = error.schema.get("description") if error.schema is not root else None
    if description:
        message += f" ({' '.join(str(description).split())})"
    return f"{key_path(error.absolute_path)}: {message}"


def validate_config(config: dict, schema: str | os.PathLike | Mapping, source: str, *, skip: bool = False) -> None:
    """Check ``config`` against the schema and the cross-key rules; fill the schema's defaults in place.

    Raises ConfigError '<source>: <key path>: <what is wrong>; <what is allowed>'. ``skip`` (a module's
    ``skip_validation``) only fills the defaults.
    """
    from jsonschema.exceptions import best_match

    schema = schema if isinstance(schema, Mapping) else load_schema(schema)
    if not isinstance(config, dict):
        raise ConfigError(f"{source}: the config must be a mapping of keys (seed, experiments, …)")
    validator = _validator_class()(schema)
    if skip:
        for _ in validator.iter_errors(config):
            pass
        return
    experiments = config.get("experiments")
    if not experiments:
        names = ", ".join(schema["properties"]["experiments"]["properties"])
        state = "missing" if "experiments" not in config else "empty"
        raise ConfigError(
            f"{source}: experiments: {state}, so there is nothing to run; configure at least one of {names}"
        )
    for path, value in nonfinite_numbers(config):
        raise ConfigError(
            f"{source}: {key_path(path)}: {value!r} is not a finite number; NaN and ±inf are allowed nowhere in the "
            "config"
        )
    error = best_match(validator.iter_errors(config))
    if error is not None:
        raise ConfigError(f"{source}: {schema_error_message(error, schema)}")
    check_config(config, source)


# ---------------------------------------------------------------------------------------------- cross-key checks


def _cases(config: Mapping) -> Iterator[tuple[str, int, Mapping, Mapping]]:
    for experiment, section in config["experiments"].items():
        for index, case in enumerate(section["cases"]):
            yield experiment, index, section, case


def _case_path(experiment: str, index: int) -> str:
    return f"experiments.{experiment}.cases[{index}]"


def check_config(config: Mapping, source: str) -> None:
    """What the schema cannot say (``config`` already schema-valid): ConfigError naming the key and the fix."""
    experiments = config["experiments"]
    grid = experiments.get("activations")
    if grid is not None and not grid["x_min"] < grid["x_max"]:
        raise ConfigError(
            f"{source}: experiments.activations: x_min ({grid['x_min']!r}) must be less than x_max ({grid['x_max']!r})"
        )
    for key, owners in [*ONLY_IN.items(), ("regimes", TRAINERS)]:
        readers = " and ".join(owners) + (" reads" if len(owners) == 1 else " read")
        for experiment, section in experiments.items():
            if experiment not in owners and key in section:
                raise ConfigError(f"{source}: experiments.{experiment}.{key}: only {readers} {key}; remove it")
            for index, case in enumerate(section["cases"]):
                if experiment not in owners and key in case:
                    raise ConfigError(
                        f"{source}: {_case_path(experiment, index)}.{key}: only {readers} {key}; remove it"
                    )
    for experiment, index, section, case in _cases(config):
        symmetric = [init for init in case.get("inits", []) if INITIALIZERS[init].symmetric]
        if symmetric and experiment not in TRAINERS:
            raise ConfigError(
                f"{source}: {_case_path(experiment, index)}.inits: {', '.join(symmetric)} start the hidden units "
                f"alike, which only the experiments that train use ({', '.join(TRAINERS)}); remove it"
            )
        if "repeats" in section:
            seeds = case.get("seeds", section["seeds"])
            if section["repeats"] > seeds:
                raise ConfigError(
                    f"{source}: {_case_path(experiment, index)}: repeats ({section['repeats']}) is larger than seeds "
                    f"({seeds}): the notebook mean averages blocks of `repeats` seeds, so this case would write no "
                    "notebook_grad_mean row; use seeds >= repeats"
                )
    check_tensor_sizes(config, source)


def job_cases(config: Mapping) -> dict[tuple[str, int, int, str], list[int]]:
    """(experiment, width, depth, dtype) → indices of the cases whose combinations run in that group's jobs."""
    owners: dict[tuple[str, int, int, str], list[int]] = {}
    for experiment, index, section, case in _cases(config):
        single = {**config, "experiments": {experiment: {**section, "cases": [case]}}}
        for job in combination_table(single).values():
            key = _group(job)
            if index not in owners.get(key, []):
                owners.setdefault(key, []).append(index)
    return owners


def _group(job) -> tuple[str, int, int, str]:
    return job.experiment, job.width, job.depth, job.dtype


def _jobs(config: Mapping, source: str) -> dict[tuple[str, str], dict]:
    try:
        return combination_table(config)
    except ValueError as error:
        raise ConfigError(f"{source}: {error}") from None


def _case_label(cases: Sequence[int], job) -> str:
    shape = f"width: {job.width}, depth: {job.depth}, seeds: {job.first_seed}–{job.seed_indices.stop - 1}"
    where = " and ".join(_case_path(job.experiment, index) for index in cases)
    return f"{where} ({shape}, dtype: {job.dtype})"


def check_tensor_sizes(config: Mapping, source: str) -> None:
    """No tensor of a kernel call beyond what an int32 index reaches: its seeds × width² elements, times its
    combinations where each carries a width² matrix."""
    owners = None
    for spec in _jobs(config, source).values():
        declared = EXPERIMENTS[spec.experiment]
        if declared.one_job:  # a grid of `points` values, no weight matrix
            continue
        stacked = 1 if declared.one_at_a_time or not declared.matrix_state else len(spec.combinations)
        elements = call_seeds(spec) * stacked * spec.width**2
        if elements > INT32_MAX:
            owners = owners or job_cases(config)
            raise ConfigError(
                f"{source}: {_case_label(owners[_group(spec)], spec)}: a kernel call holds {call_seeds(spec)} seeds × "
                f"{stacked} combinations × width² = {elements:.3g} elements, more than the {INT32_MAX} a TensorFlow "
                "kernel can index (int32); lower width"
            )


# ------------------------------------------------------------------------------------------------------ the host


def check_host(
    config: Mapping,
    source: str,
    *,
    gpu: bool | None = None,
    gpu_evidence: str = "",
    memory_limit_mb: float | None = None,
    memory_limit_name: str = "",
) -> None:
    """The machine's side: ``gpu`` (None: unknown, not checked) and the memory a job may ask for (None: no limit)."""
    if config["device"] == "gpu" and gpu is False:
        raise ConfigError(
            f"{source}: device: gpu, but this host has no GPU ({gpu_evidence}); use device: auto (a GPU when there "
            "is one) or cpu, or submit the jobs to GPU nodes with a cluster executor (--profile profiles/slurm)"
        )
    if memory_limit_mb is None:
        return
    owners = None
    for (experiment, job), spec in _jobs(config, source).items():
        need = memory_mb(spec)
        if need > memory_limit_mb:
            owners = owners or job_cases(config)
            held = f"{call_seeds(spec)} seeds of {len(spec.combinations)} combinations of width {spec.width}"
            if EXPERIMENTS[experiment].trains:  # every layer of the nets it trains, with their optimizer state
                held += f" in each of {spec.depth + 1} layers"
            raise ConfigError(
                f"{source}: {_case_label(owners[_group(spec)], spec)}: job {experiment}/{job} "
                f"would request mem_mb={need}, more than {memory_limit_name} ({int(memory_limit_mb)} MB): one kernel "
                f"call holds {held} at once; lower width"
                + (" or depth" if EXPERIMENTS[experiment].trains else "")
                + (" or repeats" if spec.repeats else "")
            )


def gpu_presence(
    proc: str = "/proc/driver/nvidia/gpus", run: Callable = subprocess.run, timeout: float = 5
) -> tuple[bool, str]:
    """(whether the host has an NVIDIA GPU jobs can see, evidence), without TensorFlow."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip() in ("", "-1"):
        return False, f"CUDA_VISIBLE_DEVICES={visible!r} hides every GPU"
    if os.path.isdir(proc) and os.listdir(proc):
        return True, f"{proc} lists {len(os.listdir(proc))}"
    try:
        listing = run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        return False, f"no {proc} and no nvidia-smi"
    except (OSError, subprocess.SubprocessError) as error:
        return False, f"no {proc}; nvidia-smi -L failed: {error}"
    gpus = [line for line in listing.stdout.splitlines() if line.startswith("GPU ")]
    if listing.returncode == 0 and gpus:
        return True, f"nvidia-smi -L lists {len(gpus)}"
    return False, f"no {proc}; nvidia-smi -L lists none"


def machine_memory_mb() -> float:
    """Total memory of this machine (MiB, as combinations.memory_mb counts), or its cgroup's limit if lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total / 2**20


def execution(workflow) -> str:
    """'local', 'cluster', 'job' (a process Snakemake started for a job) or 'unknown' (the API, before
    execute_workflow).

    Snakemake reads the Snakefile before it hands the executor to the workflow; the CLI's ``args_to_api`` frame
    holds it by then, so look there when ``workflow.executor_plugin`` is still unset.
    """
    if workflow.exec_mode.name != "DEFAULT" or workflow.remote_exec:
        return "job"
    plugin = workflow.executor_plugin
    frame = sys._getframe()
    while plugin is None and frame is not None:
        if frame.f_code.co_name == "args_to_api":
            plugin = frame.f_locals.get("executor_plugin")
        frame = frame.f_back
    if plugin is None:
        return "unknown"
    return "local" if plugin.common_settings.local_exec else "cluster"


def host_limits(config: Mapping, workflow) -> dict:
    """check_host's keyword arguments for this run: a GPU and the machine's memory only where jobs run locally;
    a ``--resources mem_mb=N`` (or ``max_mem_mb=N``) limit for every executor."""
    where = execution(workflow)
    if where == "job":
        return {}
    limits = {}
    for name in ("mem_mb", "max_mem_mb"):
        value = getattr(workflow.global_resources.get(name), "value", None)
        if isinstance(value, int | float) and value > 0 and value < limits.get("memory_limit_mb", math.inf):
            limits = {"memory_limit_mb": value, "memory_limit_name": f"the --resources {name}={value} limit"}
    if where == "local":
        total = machine_memory_mb()
        if total < limits.get("memory_limit_mb", math.inf):
            limits = {"memory_limit_mb": total, "memory_limit_name": "this machine's memory"}
        if config.get("device") == "gpu":
            gpu, evidence = gpu_presence()
            limits |= {"gpu": gpu, "gpu_evidence": evidence}
    return limits
