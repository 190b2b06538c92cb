"""The summary report: one self-contained HTML page with the figures embedded."""

import base64
import datetime
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace

import jinja2
import markupsafe
import pandas as pd
from docutils.core import publish_parts

from initstab.experiments import EXPERIMENTS
from initstab.regimes import REGIMES
from initstab.reproduction import COLUMNS, calibration


def caption_text(template: str, sizes: Mapping[str, str]) -> str:
    """A caption file's reStructuredText with the run's sizes filled in, as Snakemake's report fills them: the
    Jinja2 names ``snakemake.params.sizes.<key>`` (``combinations.run_sizes``); an unknown key is an error."""
    params = SimpleNamespace(sizes=dict(sizes))
    return (
        jinja2.Environment(undefined=jinja2.StrictUndefined)
        .from_string(template)
        .render(snakemake=SimpleNamespace(params=params))
    )


def _rst(text: str) -> str:
    return publish_parts(text, writer="html5", settings_overrides={"report_level": 5})["fragment"]


NO_VALUE = "—"  # no prediction (or no such layer, no note) exists for the row: not a number that failed


def _cell(value, css: str = "text", missing: str = NO_VALUE) -> dict[str, str]:
    """One table cell for the template (which escapes it): numbers to 4 significant digits, NaN as ``missing``."""
    if isinstance(value, float):
        if pd.isna(value):
            return {"css": "none" if missing == NO_VALUE else "", "text": missing}
        return {"css": "", "text": f"{value:.4g}"}
    return {"css": css, "text": "" if pd.isna(value) else str(value)}


# in the CSV; the page keeps to what a reader compares
REPRODUCTION_HIDDEN = {"compared_value", "n_seeds", "printed_as"}
REPRODUCTION_SHOWN = [column for column in COLUMNS if column not in REPRODUCTION_HIDDEN]


def _reproduction_rows(table: pd.DataFrame) -> list[dict]:
    rows = []
    for row in table.to_dict("records"):
        verdict = row["inside"]
        cells = []
        for column in REPRODUCTION_SHOWN:
            value = row[column]
            if column == "inside":
                cells.append({"css": "verdict", "text": "n/a" if pd.isna(value) else "inside" if value else "OUTSIDE"})
            elif column == "theory":
                cells.append(_cell(value))
            elif column in ("layer", "note", "quantile"):  # no layer, no note, not judged: left blank
                cells.append(_cell(value, "text note" if column == "note" else "text", missing=""))
            else:  # a NaN median or band is a result (the ensemble's NaN) and is printed
                cells.append(_cell(value, missing="nan"))
        rows.append({"verdict": "na" if pd.isna(verdict) else "pass" if verdict else "fail", "cells": cells})
    return rows


THEORY_SHOWN = [
    "experiment",
    "activation",
    "init",
    "scale",
    "bias_variance",
    "regime",
    "width",
    "dtype",
    "quantity",
    "layer",
    "measured_median",
    "predicted",
    "predicted_finite_width",
    "relative_error",
    "relative_error_finite_width",
    "gap_closed",
]


def _theory_context(table: pd.DataFrame, critical: Mapping[str, float]) -> dict:
    """Critical σ_w², each experiment's own paragraph on its predictions (HTML), and the prediction rows (the grid
    experiments' rows summarised by their paragraph only)."""
    listed = [name for name, experiment in EXPERIMENTS.items() if experiment.list_theory_rows]
    shown = table.loc[table["experiment"].isin(listed), THEORY_SHOWN].copy()
    # an experiment that trains nothing has regime "none": its cell stays blank
    shown["regime"] = shown["regime"].map(lambda r: REGIMES[r].display if r in REGIMES else "")
    return {
        "critical": [(activation, f"{value:.6g}") for activation, value in critical.items()],
        "paragraphs": [
            experiment.report(table[table["experiment"] == name])
            for name, experiment in EXPERIMENTS.items()
            if experiment.report is not None
        ],
        "columns": THEORY_SHOWN,
        "rows": [[_cell(value) for value in row] for row in shown.itertuples(index=False)],
    }


def _breakable(text) -> markupsafe.Markup:
    """Escaped text that may wrap after an underscore: identifiers such as grad_mean_abs_native would
    otherwise set a column's width, and the tables would not fit a 1,400 px window."""
    return markupsafe.Markup(str(markupsafe.escape(text)).replace("_", "_<wbr>"))


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("initstab", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_ENVIRONMENT.filters["breakable"] = _breakable
TEMPLATE = _ENVIRONMENT.get_template("summary.html.j2")


def summary_html(
    reproduction: pd.DataFrame,
    figures: Sequence[tuple[str, str, str]],
    digest: str,
    versions: Mapping[str, str],
    commit: str,
    theory: pd.DataFrame | None = None,
    critical: Mapping[str, float] | None = None,
) -> str:
    """The report page (templates/summary.html.j2). ``figures``: (stable name, PNG path, caption in
    reStructuredText); ``digest``: the config hash (initstab.provenance.config_hash); ``theory``:
    initstab.experiments.theory_table's rows; ``critical``: activation → critical σ_w²."""
    return TEMPLATE.render(
        digest=digest,
        commit=commit,
        date=datetime.date.today().isoformat(),
        versions=dict(versions),
        passed=int((reproduction["inside"] == True).sum()),  # noqa: E712 - column holds True/False/NA
        judged=int(reproduction["inside"].notna().sum()),
        reproduction={"columns": REPRODUCTION_SHOWN, "rows": _reproduction_rows(reproduction)},
        calibration=calibration(reproduction),
        theory=None if theory is None else _theory_context(theory, critical or {}),
        figures=[
            {
                "name": name,
                "png_base64": base64.b64encode(Path(png).read_bytes()).decode(),
                "caption_html": _rst(caption),
            }
            for name, png, caption in figures
        ],
    )
