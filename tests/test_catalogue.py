import subprocess
import sys
from pathlib import Path

import yaml

from initstab import catalogue
from initstab.combinations import KERNEL_MODULES

SCHEMA = Path(__file__).parents[1] / "workflow" / "schemas" / "config.schema.yaml"


def test_registries_define_exactly_the_catalogue_names(tf):
    from initstab.activations import ACTIVATIONS
    from initstab.initializers import INITIALIZERS

    assert list(ACTIVATIONS) == list(catalogue.ACTIVATIONS)
    assert [*INITIALIZERS, *catalogue.DERIVED_INITIALIZERS] == list(catalogue.INITIALIZERS)


def test_schema_enums_equal_the_catalogue():
    defs = yaml.safe_load(SCHEMA.read_text())["$defs"]
    assert defs["activation"]["enum"] == list(catalogue.ACTIVATIONS)
    assert defs["init"]["enum"] == list(catalogue.INITIALIZERS)
    assert set(yaml.safe_load(SCHEMA.read_text())["properties"]["experiments"]["properties"]) == set(
        catalogue.EXPERIMENTS
    )


def test_names_cannot_break_job_names():
    for name in [*catalogue.ACTIVATIONS, *catalogue.INITIALIZERS, catalogue.NO_INIT]:
        assert "__" not in name and name == name.lower() and name.replace("_", "").isalnum()


def test_declared_kernel_sources_cover_every_module_a_job_imports():
    """The cache hashes the declared src files; a job importing an undeclared module could be served stale."""
    code = (
        "import sys, initstab.jobs, initstab.runtime, initstab.io, initstab.logs; "
        "print(' '.join(m for m in sys.modules if m.startswith('initstab')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    imported = {"__init__" if m == "initstab" else m.split(".")[-1] for m in out.split()}
    assert imported <= set(KERNEL_MODULES), imported - set(KERNEL_MODULES)


def test_collect_plot_and_report_code_never_imports_tensorflow():
    """Only kernel jobs pay TensorFlow's ~3 s import; the Snakefile and every other script stay light."""
    modules = (
        "catalogue, combinations, comparison, figures, figures_meanfield, io, logs, meanfield, provenance, report, "
        "reproduction, stats, theory, tidy"
    )
    code = f"import sys; from initstab import {modules}; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
