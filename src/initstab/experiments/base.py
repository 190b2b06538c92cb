"""What an experiment module declares (one ``EXPERIMENT = Experiment(...)`` per module of this package)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from initstab.spec import Combination, Job

Metrics = Mapping[str, np.ndarray]  # one combination's kernel output: metric → (seeds, …) array
Rows = list[pd.DataFrame]


@dataclass(frozen=True)
class Figure:
    """One figure: its stable name, the function drawing it and the table it reads (the summary, or "table":
    every seed)."""

    name: str
    plot: Callable[[pd.DataFrame], object]
    table: str = "summary"


@dataclass(frozen=True)
class Experiment:
    name: str
    description: str
    order: int  # place in reports and figure lists
    rows: Callable[[Job, Combination, Metrics, str], Rows]  # (job, combination, metrics, device) → tidy rows
    figures: tuple[Figure, ...] = ()
    theory: Callable[[pd.DataFrame], list[dict]] | None = None  # summary table → theory-table rows
    report: Callable[[pd.DataFrame], str] | None = None  # its theory-table rows → an HTML paragraph
    list_theory_rows: bool = True  # list its theory rows in the summary report (False: a grid, its paragraph only)
    printed_theory: Callable[[Mapping], float] | None = None  # a printed number's row → its theory value
    # the notebooks' printed matrices (seed_matrices.csv) → reproduction rows of this experiment's metrics
    printed_matrices: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    kernel: str = ""  # module of initstab.tf that computes it (default: its own name)
    matrix_state: bool = False  # the kernel carries a width×width state per seed (memory: 15× the weights)
    notebook: bool = False  # the seed notebooks print its numbers
    one_job: bool = False  # every activation in one job (cheap curves)
    fixed_point: bool = False  # inputs start at q* (the combination table computes it)
    one_at_a_time: bool = False  # combinations run one by one (data-dependent loop length)
    # a data-dependent loop: (job, combination) → its expected steps, of a width³ matmul each (sizes the jobs)
    loop_steps: Callable[[Job, Combination], float] | None = None
    options: Sequence[str] = field(default_factory=tuple)  # config keys copied into the job (Job fields)
    sources: Sequence[str] = field(default_factory=tuple)  # further modules its kernel runs (package paths)
    trains: bool = False  # it trains networks: its cases name regimes, its section holds `training`

    @property
    def kernel_module(self) -> str:
        return self.kernel or self.name
