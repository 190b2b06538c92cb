"""The real workflow on a tiny config, end to end, in a temporary directory."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import TINY, snakemake
from PIL import Image

from initstab import reproduction, tidy
from initstab.catalogue import EXPERIMENTS
from initstab.combinations import combination_table
from initstab.provenance import experiment_hash

# The tidy columns of 1195558, the commit whose tiny-run values tests/data/tiny_checksums.json pins.
REFERENCE_COLUMNS = (
    "experiment", "activation", "init", "scale", "bias_variance", "width", "depth", "dtype",
    "seed", "layer", "metric", "value", "finite", "x", "device",
)  # fmt: skip

FIGURES = [
    "matrix_product",
    "gradient_flow_scales",
    "gradient_flow_inits",
    "forward",
    "repeated_matrix",
    "activations",
    "phase_diagram",
    "jacobian_spectrum",
    "precision",
    "depth_scale",
]
pytestmark = pytest.mark.workflow


def test_every_job_writes_its_table(tiny):
    config = yaml.safe_load(TINY.read_text())
    for experiment, job in combination_table(config):
        table = tidy.read_table(tiny / "results" / "jobs" / experiment / f"{job}.csv")
        assert (table["experiment"] == experiment).all()
        assert (tiny / "results" / "logs" / "jobs" / experiment / f"{job}.log").read_text().count("computed") == 1


@pytest.mark.parametrize("experiment", list(EXPERIMENTS))
def test_collected_tables_follow_the_tidy_schema(tiny, experiment):
    table = tidy.read_table(tiny / "results" / "tables" / f"{experiment}.csv")
    tidy.validate(table)
    assert list(table.columns) == tidy.COLUMNS and (table["device"] == "CPU:0").all()
    summary = pd.read_csv(tiny / "results" / "tables" / f"{experiment}_summary.csv")
    assert {"n", "n_finite", "n_nan", "p01", "p05", "median", "p95", "p99"} <= set(summary.columns)
    quantiles = ["p01", "p05", "median", "p95", "p99"]
    finite = summary[quantiles].apply(np.isfinite).all(axis=1)
    assert finite.any() and (np.diff(summary.loc[finite, quantiles].to_numpy(), axis=1) >= 0).all()
    assert (summary["n_finite"] + summary["n_nan"] <= summary["n"]).all()


def test_tables_hold_the_expected_math(tiny):
    forward = tidy.read_table(tiny / "results" / "tables" / "forward.csv")
    inputs = forward[(forward["layer"] == 0) & (forward["metric"] == "act_mean_sq")]["value"]
    assert inputs.mean() == pytest.approx(1.0, abs=4 * inputs.std() / np.sqrt(len(inputs)))
    gradient = tidy.read_table(tiny / "results" / "tables" / "gradient_flow.csv")
    orthogonal = gradient[(gradient["init"] == "orthogonal") & (gradient["metric"] == "grad_mean_abs")]["value"]
    # tanh' ≤ 1, so ∂h/∂h₀ through orthogonal layers can only shrink from E|entry| of an orthogonal matrix
    assert (orthogonal < np.sqrt(2 / np.pi / 8) * 1.5).all()
    blocks = gradient[gradient["metric"] == "notebook_grad_mean"]
    assert len(blocks) == 5 * 4  # 5 combinations × 12 seeds / 3 repeats


def test_figures_are_pdf_and_300_dpi_png_with_provenance(tiny):
    config = yaml.safe_load((tiny / "config.yaml").read_text()) | {"seed": 1, "dtype": "float32"}
    for name in FIGURES:
        experiment = next(e for e in EXPERIMENTS if name.startswith(e))
        digest = experiment_hash(config, experiment)
        pdf = (tiny / "results" / "figures" / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and f"initstab figure {name}".encode() in pdf
        with Image.open(tiny / "results" / "figures" / f"{name}.png") as png:
            assert round(png.info["dpi"][0]) == 300 and png.size[0] > 1000
            assert png.text["Subject"].startswith(f"experiment config {digest}; commit ")
            assert "tensorflow" in png.text["Keywords"]


def test_reproduction_table_and_summary_report(tiny):
    table = pd.read_csv(tiny / "results" / "tables" / "reproduction.csv", dtype={"source": "str"})
    assert list(table.columns) == reproduction.COLUMNS
    assert set(table["source"]) == {"000", "001", "002", "003", "004"}
    closed = table[table["experiment"] == "closed_form"]
    assert len(closed) == 3 and closed["inside"].astype(bool).all()
    judged = table[table["inside"].notna() & (table["experiment"] != "closed_form")]
    assert len(judged) > 0  # the tiny config's conv-matrix case is among the seed cells
    assert table[table["inside"].isna()]["note"].str.contains("not in this config").all()
    page = (tiny / "results" / "report" / "summary.html").read_text()
    assert page.count("data:image/png;base64,") == len(FIGURES)
    for name in FIGURES:
        assert f'id="{name}"' in page
    assert "tensorflow" in page and "How to cite" in page


def test_rerun_with_nothing_changed_has_nothing_to_do(tiny, tiny_cache):
    run = snakemake(tiny, "-n", "--cores", "2", cache=tiny_cache)
    assert "Nothing to be done" in run.stdout + run.stderr


def test_snakemake_report_builds(tiny, tiny_cache):
    snakemake(tiny, "--report", "results/report/workflow.html", cache=tiny_cache)
    assert (tiny / "results" / "report" / "workflow.html").stat().st_size > 10_000


def test_bad_config_stops_before_any_job_and_keeps_results(tiny, tiny_cache):
    before = {p: p.stat().st_mtime_ns for p in (tiny / "results").rglob("*.csv")}
    bad = yaml.safe_load(TINY.read_text())
    bad["experiments"]["gradient_flow"]["cases"][0]["activations"] = ["relu", "swish"]
    (tiny / "bad.yaml").write_text(yaml.safe_dump(bad))
    run = snakemake(tiny, "--cores", "2", config="bad.yaml", check=False, cache=tiny_cache)
    assert run.returncode != 0
    assert "'swish' is not one of" in run.stdout + run.stderr
    after = {p: p.stat().st_mtime_ns for p in (tiny / "results").rglob("*.csv")}
    assert after == before


def test_tiny_tables_match_the_reference_checksums(tiny):
    """Every value of the tiny run's tidy tables is bit-identical to the reference run of 1195558 (same seeds):
    SHA-256 of each table's reference columns, rows in a canonical order, floats printed round-trip."""
    reference = json.loads((Path(__file__).parent / "data" / "tiny_checksums.json").read_text())
    columns = list(REFERENCE_COLUMNS)
    keys = [c for c in columns if c not in ("value", "finite", "device")]
    for name, digest in reference.items():
        table = pd.read_csv(tiny / "results" / "tables" / f"{name}.csv", dtype={"layer": "Int64"})[columns]
        table = table.sort_values(keys, kind="stable").reset_index(drop=True)
        text = table.to_csv(index=False, float_format="%.17g")
        assert hashlib.sha256(text.encode()).hexdigest() == digest, name
