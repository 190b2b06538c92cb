"""The summary report: one self-contained HTML page with the figures embedded."""

import base64
import datetime
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pandas as pd
from docutils.core import publish_parts

from initstab.experiments import EXPERIMENTS
from initstab.reproduction import COLUMNS

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}
.scroll{overflow-x:auto}td.note{min-width:30em;font-size:.9em}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
td.text{text-align:left}tr.pass td.verdict{background:#d8f0d8}tr.fail td.verdict{background:#f6d0d0}
tr.na td.verdict{background:#eee}figure{margin:2em 0}img{max-width:100%;border:1px solid #eee}
code,pre{background:#f4f4f4}.cite{background:#f4f4f4;padding:.5em 1em;border-left:4px solid #888}
"""


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


def _cell(value, css: str = "text", blank_nan: bool = True) -> str:
    """One table cell: numbers to 4 significant digits (NaN left blank unless ``blank_nan`` is False), text
    escaped."""
    if isinstance(value, float):
        return f"<td>{'' if pd.isna(value) and blank_nan else f'{value:.4g}'}</td>"
    return f'<td class="{css}">{html.escape("" if pd.isna(value) else str(value))}</td>'


def _table(columns: Sequence[str], rows: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    return f"<div class='scroll'><table><tr>{head}</tr>{''.join(rows)}</table></div>"


def _reproduction_html(table: pd.DataFrame) -> str:
    hidden = {"compared_value", "n_seeds", "printed_as"}  # in the CSV; the page keeps to what a reader compares
    shown = [column for column in COLUMNS if column not in hidden]
    body = []
    for row in table.to_dict("records"):
        verdict = row["inside"]
        css = "na" if pd.isna(verdict) else "pass" if verdict else "fail"
        cells = []
        for column in shown:
            value = row[column]
            if column == "inside":
                text = "n/a" if pd.isna(value) else "inside" if value else "OUTSIDE"
                cells.append(f'<td class="verdict">{text}</td>')
            else:  # a NaN median or band is a result (the ensemble's NaN) and is printed
                cells.append(_cell(value, "text note" if column == "note" else "text", column in ("layer", "note")))
        body.append(f'<tr class="{css}">{"".join(cells)}</tr>')
    return _table(shown, body)


THEORY_SHOWN = [
    "experiment",
    "activation",
    "init",
    "scale",
    "bias_variance",
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


def _table_html(table: pd.DataFrame, columns: Sequence[str]) -> str:
    rows = table[list(columns)].to_dict("records")
    return _table(columns, [f"<tr>{''.join(_cell(value) for value in row.values())}</tr>" for row in rows])


def _theory_html(table: pd.DataFrame, critical: Mapping[str, float]) -> str:
    """Critical σ_w², each experiment's own paragraph on its predictions, and the prediction table (the grid
    experiments' rows summarised by their paragraph only)."""
    critical_items = "".join(f"<li>{html.escape(a)}: σ<sub>w</sub>² = {v:.6g}</li>" for a, v in critical.items())
    paragraphs = "\n".join(
        experiment.report(table[table["experiment"] == name])
        for name, experiment in EXPERIMENTS.items()
        if experiment.report is not None
    )
    listed = [name for name, experiment in EXPERIMENTS.items() if experiment.list_theory_rows]
    shown = table[table["experiment"].isin(listed)]
    return f"""<h3>Edge of chaos: critical σ<sub>w</sub>² at σ<sub>b</sub>² = 0 (χ₁(q*) = 1)</h3>
<ul>{critical_items}</ul>
{paragraphs}
<p>Every prediction (full table: <code>results/tables/theory.csv</code>; grid rows omitted here):</p>
{_table_html(shown, THEORY_SHOWN)}"""


def summary_html(
    reproduction: pd.DataFrame,
    figures: Sequence[tuple[str, str, str]],
    digest: str,
    versions: Mapping[str, str],
    commit: str,
    theory: pd.DataFrame | None = None,
    critical: Mapping[str, float] | None = None,
) -> str:
    """The report page. ``figures``: (stable name, PNG path, caption in reStructuredText); ``digest``: the
    config hash (initstab.provenance.config_hash); ``theory``: initstab.experiments.theory_table's rows; ``critical``:
    activation → critical σ_w²."""
    theory_section = (
        ""
        if theory is None
        else f"""<h2 id="theory">Theory beside measurement</h2>
{_theory_html(theory, critical or {})}"""
    )
    theory_toc = "" if theory is None else '<li><a href="#theory">Theory beside measurement</a></li>'
    passed = int((reproduction["inside"] == True).sum())  # noqa: E712 - column holds True/False/NA
    judged = int(reproduction["inside"].notna().sum())
    toc = "".join(f'<li><a href="#{name}">{name}</a></li>' for name, _, _ in figures)
    sections = []
    for name, png, caption in figures:
        data = base64.b64encode(Path(png).read_bytes()).decode()
        sections.append(
            f'<figure id="{name}"><h3>{name}</h3><img alt="{name}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_rst(caption)}<p>Files: <code>results/figures/{name}.pdf</code>, "
            f"<code>results/figures/{name}.png</code></p></figcaption></figure>"
        )
    version_rows = "".join(f"<tr><td class='text'>{k}</td><td>{html.escape(v)}</td></tr>" for k, v in versions.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>initstab summary {digest}</title>
<style>{STYLE}</style></head><body>
<h1>initstab: signals and gradients at initialization</h1>
<p>Config hash <code>{digest}</code> · commit <code>{html.escape(commit)}</code> ·
generated {datetime.date.today().isoformat()}</p>
<h2>Contents</h2><ol><li><a href="#reproduction">Reproduction of the notebooks' numbers</a></li>
{theory_toc}<li>Figures<ol>{toc}</ol></li><li><a href="#cite">How to cite</a></li>
<li><a href="#software">Software</a></li></ol>
<h2 id="reproduction">Reproduction of the notebooks' numbers</h2>
<p>{passed} of {judged} printed numbers lie inside our 1st–99th percentile band of the same statistic
(per-seed values resampled into means of <code>n_avg</code> draws, as the notebook averaged).
Full table: <code>results/tables/reproduction.csv</code>.</p>
{_reproduction_html(reproduction)}
{theory_section}
<h2>Figures</h2>{"".join(sections)}
<h2 id="cite">How to cite</h2>
<p class="cite">initstab figure <em>NAME</em> (results/figures/NAME.pdf), config hash <code>{digest}</code>,
initstab {html.escape(versions.get("initstab", ""))}, commit <code>{html.escape(commit)}</code>.</p>
<h2 id="software">Software</h2><table>{version_rows}</table>
</body></html>
"""
