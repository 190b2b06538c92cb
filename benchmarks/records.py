"""The benchmark's tidy output: one row per measured quantity (case e.g. ``gradient_flow w100 d50 n30 jit=0
onednn=1``), with its target (``>= 0.5``, ``<= 5`` or empty) and whether it is met (True/False, empty without)."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

COLUMNS = ["benchmark", "case", "quantity", "value", "unit", "target", "met"]


@dataclass(frozen=True)
class Target:
    """A bound a quantity should meet: ``direction`` '>=' (at least) or '<=' (at most)."""

    direction: str
    bound: float

    def __post_init__(self):
        if self.direction not in (">=", "<="):
            raise ValueError(f"target direction must be '>=' or '<=', got {self.direction!r}")

    def met(self, value: float) -> bool:  # a NaN (not measured) never does
        return not math.isnan(value) and (value >= self.bound if self.direction == ">=" else value <= self.bound)

    def __str__(self) -> str:
        return f"{self.direction} {self.bound:g}"


@dataclass(frozen=True)
class Record:
    benchmark: str
    case: str
    quantity: str
    value: float
    unit: str
    target: Target | None = None

    def row(self) -> dict:
        target = "" if self.target is None else str(self.target)
        met = "" if self.target is None else self.target.met(self.value)
        return dict(zip(COLUMNS, [self.benchmark, self.case, self.quantity, float(self.value), self.unit, target, met]))


def to_frame(records: Iterable[Record]) -> pd.DataFrame:
    return pd.DataFrame([r.row() for r in records], columns=COLUMNS)


def write_tidy(records: Iterable[Record], directory: Path) -> list[Path]:
    """One CSV per benchmark section, ``<directory>/<benchmark>.csv``, in the order the records came."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for benchmark, rows in to_frame(records).groupby("benchmark", sort=False):
        paths.append(directory / f"{benchmark}.csv")
        rows.to_csv(paths[-1], index=False, na_rep="nan")
    return paths


def read_tidy(directory: Path, benchmarks: Iterable[str]) -> pd.DataFrame:
    """The CSVs of ``benchmarks`` found in ``directory``, concatenated in that order (empty targets stay '')."""
    paths = [directory / f"{name}.csv" for name in benchmarks if (directory / f"{name}.csv").exists()]
    read = {"dtype": {"target": str, "met": str}, "keep_default_na": False, "na_values": {"value": ["nan"]}}
    return pd.concat([pd.read_csv(p, **read) for p in paths], ignore_index=True) if paths else to_frame([])


def headline(frame: pd.DataFrame, quantities: Iterable[str], variant: str = "") -> pd.DataFrame:
    """The rows for the README: every row with a target, and rows of ``quantities`` (kernel_efficiency rows only
    for the case ending in ``variant``, so the table keeps one line per kernel shape)."""
    one_variant = (frame["benchmark"] != "kernel_efficiency") | frame["case"].str.endswith(variant)
    return frame[(frame["target"].astype(str) != "") | (frame["quantity"].isin(list(quantities)) & one_variant)]


def markdown_table(frame: pd.DataFrame) -> str:
    """The rows of ``frame`` as a markdown table (value with its unit; a missed target in bold)."""
    lines = ["| benchmark | case | quantity | value | target | met |", "| --- | --- | --- | --- | --- | --- |"]
    for row in frame.itertuples():
        met, value = {"True": "yes", "False": "**no**"}.get(str(row.met), ""), float(row.value)
        number = f"{value:.3g}" if value == 0 or 1e-3 <= abs(value) < 1e5 else f"{value:.2e}"
        shown = "n/a" if math.isnan(value) else f"{number} {row.unit}".strip()
        lines.append(f"| {row.benchmark} | {row.case} | {row.quantity} | {shown} | {row.target} | {met} |")
    return "\n".join(lines)
