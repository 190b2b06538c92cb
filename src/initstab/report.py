"""The summary report: one self-contained HTML page with the figures embedded."""

import base64
import datetime
import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from docutils.core import publish_parts

from initstab.reproduction import COLUMNS

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}
.scroll{overflow-x:auto}td.note{min-width:30em;font-size:.9em}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
td.text{text-align:left}tr.pass td.verdict{background:#d8f0d8}tr.fail td.verdict{background:#f6d0d0}
tr.na td.verdict{background:#eee}figure{margin:2em 0}img{max-width:100%;border:1px solid #eee}
code,pre{background:#f4f4f4}.cite{background:#f4f4f4;padding:.5em 1em;border-left:4px solid #888}
"""


def _rst(text: str) -> str:
    return publish_parts(text, writer_name="html5", settings_overrides={"report_level": 5})["fragment"]


def _reproduction_html(table: pd.DataFrame) -> str:
    hidden = {"compared_value", "n_seeds", "printed_as"}  # in the CSV; the page keeps to what a reader compares
    shown = [column for column in COLUMNS if column not in hidden]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in shown)
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
            elif isinstance(value, float):
                cells.append(f"<td>{'' if pd.isna(value) and column in ('layer', 'note') else f'{value:.4g}'}</td>")
            else:
                css_class = "text note" if column == "note" else "text"
                cells.append(f'<td class="{css_class}">{html.escape("" if pd.isna(value) else str(value))}</td>')
        body.append(f'<tr class="{css}">{"".join(cells)}</tr>')
    return f"<div class='scroll'><table><tr>{head}</tr>{''.join(body)}</table></div>"


def summary_html(
    reproduction: pd.DataFrame,
    figures: Sequence[tuple[str, str, str]],
    digest: str,
    versions: Mapping[str, str],
    commit: str,
) -> str:
    """The report page. ``figures``: (stable name, PNG path, caption in reStructuredText); ``digest``: the
    config hash (initstab.provenance.config_hash)."""
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
<li>Figures<ol>{toc}</ol></li><li><a href="#cite">How to cite</a></li><li><a href="#software">Software</a></li></ol>
<h2 id="reproduction">Reproduction of the notebooks' numbers</h2>
<p>{passed} of {judged} printed numbers lie inside our 1st–99th percentile band of the same statistic
(per-seed values resampled into means of <code>n_avg</code> draws, as the notebook averaged).
Full table: <code>results/tables/reproduction.csv</code>.</p>
{_reproduction_html(reproduction)}
<h2>Figures</h2>{"".join(sections)}
<h2 id="cite">How to cite</h2>
<p class="cite">initstab figure <em>NAME</em> (results/figures/NAME.pdf), config hash <code>{digest}</code>,
initstab {html.escape(versions.get("initstab", ""))}, commit <code>{html.escape(commit)}</code>.</p>
<h2 id="software">Software</h2><table>{version_rows}</table>
</body></html>
"""
