"""The registries (activations, initializers, experiments) against the schema, the captions, the kernels' files and
each other, without importing TensorFlow."""

import ast
import dataclasses
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

from initstab import combinations
from initstab.activations import ACTIVATIONS, SELU_SCALE
from initstab.config import load_schema
from initstab.experiments import EXPERIMENTS, FIGURES, experiment_of, kernel_sources
from initstab.initializers import FAMILIES, INITIALIZERS, NO_INIT
from initstab.spec import Job

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "initstab"
SCHEMA_PATH = REPO / "workflow" / "schemas" / "config.schema.yaml"
SCHEMA = yaml.safe_load(SCHEMA_PATH.read_text())


# --- the config schema names exactly what the registries hold


def test_schema_enums_equal_the_registry_keys():
    """The loaded schema admits exactly the registry names; the file itself lists none that could go stale."""
    raw = yaml.safe_load(SCHEMA_PATH.read_text())["$defs"]
    assert not any("enum" in raw[key] for key in ("activation", "init", "dtype"))
    defs = load_schema(SCHEMA_PATH)["$defs"]
    assert defs["activation"]["enum"] == list(ACTIVATIONS)
    assert defs["init"]["enum"] == list(INITIALIZERS)
    assert defs["dtype"]["enum"] == list(combinations.DTYPES)
    assert set(defs["weights_only_activation"]["enum"]) <= set(ACTIVATIONS)


def test_every_experiment_has_a_schema_section_and_every_section_an_experiment():
    assert set(SCHEMA["properties"]["experiments"]["properties"]) == set(EXPERIMENTS)


def test_names_cannot_break_job_names():
    for name in [*ACTIVATIONS, *INITIALIZERS, NO_INIT, *EXPERIMENTS, *FIGURES]:
        assert "__" not in name and name == name.lower() and name.replace("_", "").isalnum(), name


# --- experiments: one module each, with its figures, captions and kernel


def test_each_module_declares_the_experiment_named_after_it():
    modules = sorted(p.stem for p in (PACKAGE / "experiments").glob("*.py") if p.stem not in ("__init__", "base"))
    assert sorted(EXPERIMENTS) == modules
    assert all(experiment.name == name and experiment.description for name, experiment in EXPERIMENTS.items())


def test_experiments_are_listed_in_their_declared_order():
    orders = [experiment.order for experiment in EXPERIMENTS.values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def test_figure_names_are_unique_and_each_has_a_caption():
    declared = [figure.name for experiment in EXPERIMENTS.values() for figure in experiment.figures]
    assert len(declared) == len(set(declared)) == len(FIGURES)  # FIGURES, a dict, would hide a duplicate
    for name, figure in FIGURES.items():
        assert (REPO / "workflow" / "report" / f"{name}.rst").read_text().strip(), name
        assert figure.table in ("summary", "table")
        assert name in [f.name for f in experiment_of(name).figures]


def test_every_experiment_has_a_kernel_module_defining_its_kernel():
    """initstab.tf.jobs.kernel_of calls ``initstab.tf.<kernel>.<kernel>``: checked in the source, without TF."""
    for name, experiment in EXPERIMENTS.items():
        path = PACKAGE / "tf" / f"{experiment.kernel_module}.py"
        assert path.is_file(), f"{name}: no {path}"
        functions = {node.name for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)}
        assert experiment.kernel_module in functions, f"{name}: {path} defines no {experiment.kernel_module}()"


def test_options_are_job_fields():
    fields = {field.name for field in dataclasses.fields(Job)}
    for experiment in EXPERIMENTS.values():
        assert set(experiment.options) <= fields, experiment.name


def _dict_keys(path: Path, name: str) -> list[str]:
    """Keys of the dict literal assigned to ``name`` at the top of a module (read, not imported)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return [key.value for key in node.value.keys]
    raise AssertionError(f"{path} assigns no {name}")


def test_tensorflow_registries_have_the_registry_keys():
    """The TF callables: every activation, and the base draw of every initializer family."""
    assert _dict_keys(PACKAGE / "tf" / "activations.py", "ACTIVATIONS") == list(ACTIVATIONS)
    assert _dict_keys(PACKAGE / "tf" / "initializers.py", "BASES") == list(FAMILIES)


# --- what a kernel job's cache key covers


def _module_path(module: str) -> Path | None:
    """initstab.a.b → src/initstab/a/b.py or a/b/__init__.py (None: not a module)."""
    base = PACKAGE.parent.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _top_level_imports(path: Path) -> set[str]:
    """initstab modules imported when ``path`` is imported or run (module level, not inside functions), with their
    parent packages."""
    found = set()
    nodes = list(ast.parse(path.read_text()).body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If | ast.Try | ast.With):
            nodes += [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("initstab")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "initstab":
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if _module_path(f"{node.module}.{a.name}")}
    parents = {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 1)}
    return found | parents


def _closure(roots: list[Path]) -> set[str]:
    """Paths (relative to the package) of every initstab module imported from ``roots``, transitively."""
    seen: set[Path] = set()
    todo = list(roots)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo += [_module_path(m) for m in _top_level_imports(path)]
    return {p.relative_to(PACKAGE).as_posix() for p in seen if PACKAGE in p.parents}


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_kernel_sources_cover_every_module_a_job_imports(name):
    """The cache hashes ``kernel_sources``; a job importing an undeclared module could be served stale. By design
    (initstab.experiments) two kinds are left out: the theory, whose numbers reach a job only through its params,
    and the other experiments' modules, which the registry imports but whose rows this job never calls."""
    imported = _job_imports(name)
    others = {f"experiments/{other}.py" for other in EXPERIMENTS} - {f"experiments/{name}.py"}
    relevant = {path for path in imported if not path.startswith("theory/") and path not in others}
    declared = set(kernel_sources(name))
    assert relevant <= declared, relevant - declared
    assert all((PACKAGE / path).is_file() for path in declared)


def test_every_declared_kernel_source_is_imported_by_some_job():
    """The common list may cover modules one kernel does not use (matrix_product has no φ), but none that no job
    imports any more (each edit of it would rerun every kernel for nothing)."""
    declared = {path for name in EXPERIMENTS for path in kernel_sources(name)}
    imported = set().union(*(_job_imports(name) for name in EXPERIMENTS))
    assert declared <= imported, declared - imported


def _job_imports(name: str) -> set[str]:
    """What the kernel script imports, its experiment's kernel module (imported by name in initstab.tf.jobs) and its
    experiment's module (imported by the registry's discovery) import, transitively."""
    kernel = EXPERIMENTS[name].kernel_module
    script = REPO / "workflow" / "scripts" / "run_kernel.py"
    return _closure([script, PACKAGE / "tf" / f"{kernel}.py", PACKAGE / "experiments" / f"{name}.py"])


def test_collect_plot_and_report_code_never_imports_tensorflow():
    """Only kernel jobs pay TensorFlow's ~3 s import; the Snakefile and every other script stay light."""
    modules = [
        f"initstab.{p.relative_to(PACKAGE).with_suffix('').as_posix().replace('/', '.')}"
        for p in PACKAGE.rglob("*.py")
        if "tf" not in p.relative_to(PACKAGE).parts and p.stem != "__init__"
    ]
    assert "initstab.theory.meanfield" in modules and "initstab.experiments.gradient_flow" in modules
    code = f"import sys, {', '.join(sorted(modules))}; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- the activation and initializer entries


@pytest.mark.parametrize("registry", [ACTIVATIONS, INITIALIZERS], ids=["activations", "initializers"])
def test_colours_are_distinct(registry):
    colours = [entry.color.lower() for entry in registry.values()]
    assert len(set(colours)) == len(colours)


def test_initializer_markers_are_distinct_and_derived_inits_draw_a_registry_init():
    markers = [entry.marker for entry in INITIALIZERS.values()]
    assert len(set(markers)) == len(markers)
    for name, entry in INITIALIZERS.items():
        assert entry.family in ("normal", "uniform", "orthogonal"), name
        if entry.critical or entry.lsuv:
            assert entry.base in INITIALIZERS and INITIALIZERS[entry.base].base is None, name
            assert entry.variance is None and entry.family == INITIALIZERS[entry.base].family, name
        else:
            assert entry.base is None, name


@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - {"scaled_sigmoid_grad_missing_x4"}))
def test_numpy_derivative_is_the_derivative(activation):
    entry = ACTIVATIONS[activation]
    x = np.concatenate([np.linspace(-6, -0.01, 50), np.linspace(0.01, 6, 50)])
    h = 1e-6
    np.testing.assert_allclose(entry.derivative(x), (entry.phi(x + h) - entry.phi(x - h)) / (2 * h), atol=1e-7)
    assert entry.true_derivative is None
    with warnings.catch_warnings():  # the theory evaluates limits at ±∞
        warnings.simplefilter("error")
        assert np.all(np.isfinite(entry.derivative(np.array([-np.inf, np.inf]))))
        assert not np.any(np.isnan(entry.phi(np.array([-np.inf, np.inf]))))


def test_tf_conventions_and_the_reproduced_bug():
    x = np.linspace(-5, 5, 11)
    assert ACTIVATIONS["relu"].derivative(np.array(0.0)) == 0.0  # TF: relu′(0) = 0
    assert ACTIVATIONS["selu"].derivative(np.array(0.0)) == SELU_SCALE
    np.testing.assert_allclose(ACTIVATIONS["scaled_sigmoid"].phi(x), 4 / (1 + np.exp(-x)) - 2, rtol=1e-14, atol=1e-15)
    bug, right = ACTIVATIONS["scaled_sigmoid_grad_missing_x4"], ACTIVATIONS["scaled_sigmoid"]
    np.testing.assert_array_equal(bug.phi(x), right.phi(x))
    np.testing.assert_allclose(4 * bug.derivative(x), right.derivative(x))
    np.testing.assert_array_equal(bug.true_derivative(x), right.derivative(x))


def test_variance_rules_closed_forms():
    fan_in, fan_out, s = 64, 32, 0.7
    expected = {
        "normal": s**2,
        "uniform": s**2 / 3,
        "xavier_uniform": s**2 * 2 / (fan_in + fan_out),
        "xavier_normal": s**2 * 2 / (fan_in + fan_out),
        "he_normal": s**2 * 2 / fan_in,
        "he_uniform": s**2 * 2 / fan_in,
        "lecun_normal": s**2 / fan_in,
        "orthogonal": s**2 / fan_in,
    }
    got = {name: e.variance(s, fan_in, fan_out) for name, e in INITIALIZERS.items() if e.variance is not None}
    assert got == pytest.approx(expected, rel=1e-15) and set(got) == set(expected)
