"""The benchmark's tidy output: one row per measured quantity, with its target and whether it is met.

Columns: ``benchmark`` (section), ``case`` (what was measured, e.g. ``gradient_flow w100 d50 n200 jit=0
onednn=1``), ``quantity``, ``value``, ``unit``, ``target`` (``>= 0.5``, ``<= 5``, or empty) and ``met``
(True/False, empty without a target). No TensorFlow here: this module runs in the plotting process.
"""

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

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the bound; a NaN (not measured) never does."""
        if math.isnan(value):
            return False
        return value >= self.bound if self.direction == ">=" else value <= self.bound

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
        met = "" if self.target is None else self.target.met(self.value)
        target = "" if self.target is None else str(self.target)
        return {
            "benchmark": self.benchmark,
            "case": self.case,
            "quantity": self.quantity,
            "value": float(self.value),
            "unit": self.unit,
            "target": target,
            "met": met,
        }


def to_frame(records: Iterable[Record]) -> pd.DataFrame:
    return pd.DataFrame([r.row() for r in records], columns=COLUMNS)


def write_tidy(records: Iterable[Record], directory: Path) -> list[Path]:
    """One CSV per benchmark section, ``<directory>/<benchmark>.csv``, in the order the records came."""
    frame = to_frame(records)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for benchmark, rows in frame.groupby("benchmark", sort=False):
        path = directory / f"{benchmark}.csv"
        rows.to_csv(path, index=False, na_rep="nan")
        paths.append(path)
    return paths


def read_tidy(directory: Path, benchmarks: Iterable[str]) -> pd.DataFrame:
    """The CSVs of ``benchmarks`` found in ``directory``, concatenated in that order (empty targets stay '')."""
    paths = [directory / f"{name}.csv" for name in benchmarks if (directory / f"{name}.csv").exists()]
    text = {"target": str, "met": str}
    frames = [pd.read_csv(path, dtype=text, keep_default_na=False, na_values={"value": ["nan"]}) for path in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def _format_value(value: float) -> str:
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.3g}"
    return f"{value:.2e}"


def headline(frame: pd.DataFrame, quantities: Iterable[str], variant: str = "") -> pd.DataFrame:
    """The rows for the README: every row with a target, and rows of ``quantities`` (kernel_efficiency rows only
    for the case ending in ``variant``, so the table keeps one line per kernel shape)."""
    one_variant = (frame["benchmark"] != "kernel_efficiency") | frame["case"].str.endswith(variant)
    return frame[(frame["target"].astype(str) != "") | (frame["quantity"].isin(list(quantities)) & one_variant)]


def markdown_table(frame: pd.DataFrame) -> str:
    """The rows of ``frame`` as a markdown table (value with its unit; a missed target in bold)."""
    lines = ["| benchmark | case | quantity | value | target | met |", "| --- | --- | --- | --- | --- | --- |"]
    for row in frame.itertuples():
        met = {"True": "yes", "False": "**no**"}.get(str(row.met), "")
        value = "n/a" if math.isnan(float(row.value)) else f"{_format_value(float(row.value))} {row.unit}".strip()
        lines.append(f"| {row.benchmark} | {row.case} | {row.quantity} | {value} | {row.target} | {met} |")
    return "\n".join(lines)
