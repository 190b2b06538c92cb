"""The experiment registry: every module of this package declares one ``EXPERIMENT``; nothing else lists them.

Rules, the figure list, the theory table, the reproduction table, memory requests and tests read ``EXPERIMENTS``.
Adding an experiment means adding its module here, its kernel in ``initstab.tf`` (same name), its config section
in the schema and its figure captions.
"""

import importlib
import pkgutil
from collections.abc import Mapping

import pandas as pd

from initstab.experiments.base import Experiment, Figure
from initstab.theory import table


def _discover() -> dict[str, Experiment]:
    found = [
        importlib.import_module(f"{__name__}.{module.name}").EXPERIMENT
        for module in pkgutil.iter_modules(__path__)
        if module.name != "base"
    ]
    return {experiment.name: experiment for experiment in sorted(found, key=lambda e: (e.order, e.name))}


EXPERIMENTS: dict[str, Experiment] = _discover()
FIGURES: dict[str, Figure] = {figure.name: figure for e in EXPERIMENTS.values() for figure in e.figures}


def experiment_of(figure: str) -> Experiment:
    return next(e for e in EXPERIMENTS.values() if any(f.name == figure for f in e.figures))


def theory_table(summaries: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every prediction beside its measurement, for the experiments in ``summaries`` (name → summary table)."""
    rows = [
        row
        for name, summary in summaries.items()
        if EXPERIMENTS[name].theory is not None
        for row in EXPERIMENTS[name].theory(summary)
    ]
    return pd.DataFrame(rows, columns=table.COLUMNS)


# What a kernel job's numbers depend on besides its params (which carry every derived number): the registries,
# the spec and table code, the TensorFlow side it runs, and its own experiment's module (its rows) and its
# kernel's. Other experiments' modules (their figures, theory) do not invalidate it.
_KERNEL_COMMON = (
    "__init__.py",
    "activations.py",
    "initializers.py",
    "spec.py",
    "tidy.py",
    "io.py",
    "checksums.py",
    "logs.py",
    "combinations.py",
    "data.py",
    "regimes.py",
    "experiments/__init__.py",
    "experiments/base.py",
    "tf/__init__.py",
    "tf/activations.py",
    "tf/initializers.py",
    "tf/stack.py",
    "tf/jobs.py",
    "tf/runtime.py",
)


def kernel_sources(name: str) -> list[str]:
    """Paths (relative to the package) of the modules a kernel job of experiment ``name`` depends on."""
    kernel = EXPERIMENTS[name].kernel_module
    own = {f"experiments/{name}.py", f"experiments/{kernel}.py", f"tf/{kernel}.py", *EXPERIMENTS[name].sources}
    return sorted({*_KERNEL_COMMON, *own})
