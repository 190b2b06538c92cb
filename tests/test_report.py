"""The summary page as HTML: verdicts, the theory section, embedded figures and escaped text."""

import base64
import math

import jinja2
import pandas as pd
import pytest

from initstab import report
from initstab.reproduction import COLUMNS
from initstab.theory import table

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


def reproduction() -> pd.DataFrame:
    base = {column: math.nan for column in COLUMNS} | {"source": "000", "cell": "In [5]", "experiment": "gradient_flow"}
    rows = [
        base | {"inside": True, "median": 1.5, "note": "ok"},
        base | {"inside": False, "median": math.nan, "note": "<b>seed 002</b> & more"},
        base | {"inside": pd.NA, "note": "experiment not in this config"},
    ]
    return pd.DataFrame(rows)


def theory_rows() -> pd.DataFrame:
    spec = {"experiment": "phase_diagram", "activation": "tanh", "init": "lecun_normal", "scale": 1.0}
    spec |= {
        "bias_variance": 0.0,
        "sigma_w2": 1.0,
        "input_variance": math.nan,
        "regime": "none",
        "width": 8,
        "depth": 4,
        "dtype": "float32",
    }
    measured = pd.Series({"median": 1.1, "p05": 1.0, "p95": 1.2})
    grid = table.row(spec, "χ₁", math.nan, measured, 1.0)
    listed = table.row(spec | {"experiment": "forward", "activation": "relu"}, "std of x_l", 3, measured, 1.0)
    trained = table.row(spec | {"experiment": "trainability", "regime": "minibatch"}, "test accuracy", 2, measured, 0.9)
    return pd.DataFrame([grid, listed, trained], columns=table.COLUMNS)


@pytest.fixture
def page(tmp_path):
    png = tmp_path / "figure.png"
    png.write_bytes(PNG)
    return report.summary_html(
        reproduction(),
        [("forward", str(png), "Std of *x_l* through depth.")],
        "abc123",
        {"initstab": "1.2.3", "numpy": "2.0"},
        "deadbeef",
        theory=theory_rows(),
        critical={"relu": 2.0, "tanh": 1.0},
    )


def test_verdicts_count_and_colour_the_rows(page):
    assert "1 of 2 printed numbers" in page  # NA is not judged
    assert page.count('<tr class="pass">') == 1 and page.count('<tr class="fail">') == 1
    assert page.count('<tr class="na">') == 1
    assert ">inside<" in page and ">OUTSIDE<" in page and ">n/a<" in page
    assert "&lt;b&gt;seed 002&lt;/b&gt; &amp; more" in page and "<b>seed 002</b>" not in page


def test_figures_are_embedded_with_their_caption(page):
    assert f"data:image/png;base64,{base64.b64encode(PNG).decode()}" in page
    assert '<figure id="forward">' in page and "<em>x_l</em>" in page  # the caption is reStructuredText
    assert "results/figures/forward.pdf" in page and '<a href="#forward">' in page


def test_theory_section_lists_rows_but_summarises_the_grid(page):
    assert '<h2 id="theory">' in page and "σ<sub>w</sub>² = 2" in page
    assert "Phase diagram: over 1 grid points" in page  # the grid experiment's own paragraph
    section = page[page.index('<h2 id="theory">') : page.index("<h2>Figures</h2>")].replace("<wbr>", "")
    rows = section.split("<table>")[-1]
    assert "std of x_l" in rows and "χ₁" not in rows
    assert "<th>regime</th>" in rows and ">minibatch</td>" in rows and ">none</td>" not in rows  # trains nothing: blank


def test_page_without_theory_has_no_theory_section(tmp_path):
    page = report.summary_html(reproduction(), [], "abc123", {"initstab": "1"}, "c0ffee")
    assert 'id="theory"' not in page and "Config hash <code>abc123</code>" in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_cells_format_numbers_and_mark_missing_values():
    assert report._cell(1234.5678) == {"css": "", "text": "1235"}
    assert report._cell(math.nan) == {"css": "none", "text": "—"}  # no prediction exists
    assert report._cell(math.nan, missing="nan")["text"] == "nan"  # the ensemble's NaN is a result
    assert report._cell("a<b", "text") == {"css": "text", "text": "a<b"}  # the template escapes


def test_rows_without_a_prediction_show_a_dash_never_nan(page):
    section = page[page.index('<h2 id="theory">') : page.index("<h2>Figures</h2>")]
    assert '<td class="none">—</td>' in section and ">nan<" not in section
    reproduction = page[page.index('<h2 id="reproduction">') : page.index('<h2 id="theory">')]
    assert ">nan<" in reproduction  # the NaN median of the second row is measured, and printed


def test_caption_text_fills_the_run_sizes():
    template = "Width {{ snakemake.params.sizes.width }}, seeds {{ snakemake.params.sizes.seeds }}."
    assert report.caption_text(template, {"width": "8, 16", "seeds": "4"}) == "Width 8, 16, seeds 4."
    with pytest.raises(jinja2.UndefinedError):
        report.caption_text("{{ snakemake.params.sizes.depth }}", {"width": "8"})


def test_identifiers_may_wrap_after_underscores_and_stay_escaped():
    assert report._breakable("grad_mean<abs>") == "grad_<wbr>mean&lt;abs&gt;"


def test_calibration_paragraph_counts_the_tails(tmp_path):
    table = reproduction()
    table["quantile"] = [0.995, 0.5, math.nan]
    page = report.summary_html(table, [], "abc123", {"initstab": "1"}, "c0ffee")
    assert "Over 2 of them" in page and "1 above our 99th" in page and "0 lie below our 1st" in page
    assert '>inside</td><td class="">0.995</td>' in page
    assert '>n/a</td><td class=""></td>' in page  # not judged: no quantile, left blank (not "nan")
    assert 'id="theory"' not in page and "Calibration" not in report.summary_html(reproduction(), [], "a", {}, "c")
