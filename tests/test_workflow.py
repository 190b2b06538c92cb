"""The real workflow on a tiny config, end to end, in a temporary directory."""

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, TINY, snakemake
from PIL import Image
from reference import canonical, fingerprint, reference
from reference import digest as reference_digest

from initstab import reproduction, tidy
from initstab.combinations import combination_table
from initstab.config import validate_config
from initstab.experiments import EXPERIMENTS, experiment_of
from initstab.experiments import FIGURES as REGISTERED_FIGURES
from initstab.provenance import experiment_hash

FIGURES = list(REGISTERED_FIGURES)  # in report order
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
    first = forward["init"] == forward["init"].iloc[0]  # every combination starts from the same x₀ (common draws)
    inputs = forward[first & (forward["layer"] == 0) & (forward["metric"] == "act_mean_sq")]["value"]
    assert len(inputs) == 10 and (forward[(forward["layer"] == 0) & (forward["metric"] == "act_mean_sq")]
                                  .groupby("seed")["value"].nunique() == 1).all()  # fmt: skip
    assert inputs.mean() == pytest.approx(1.0, abs=4 * inputs.std() / np.sqrt(len(inputs)))
    gradient = tidy.read_table(tiny / "results" / "tables" / "gradient_flow.csv")
    orthogonal = gradient[(gradient["init"] == "orthogonal") & (gradient["metric"] == "grad_mean_abs")]["value"]
    # tanh' ≤ 1, so ∂h/∂h₀ through orthogonal layers can only shrink from E|entry| of an orthogonal matrix
    assert (orthogonal < np.sqrt(2 / np.pi / 8) * 1.5).all()
    blocks = gradient[gradient["metric"] == "notebook_grad_mean"]
    assert len(blocks) == 5 * 4  # 5 combinations × 12 seeds / 3 repeats


def test_figures_are_pdf_and_300_dpi_png_with_provenance(tiny):
    config = yaml.safe_load((tiny / "config.yaml").read_text())
    validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml", "tiny")  # defaults, as the run has
    for name in FIGURES:
        digest = experiment_hash(config, experiment_of(name).name)
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


def test_snakemake_report_builds_without_docutils_errors(tiny, tiny_cache):
    """Captions are reStructuredText: a stray ``|x|`` (a substitution) renders an ERROR block into the report."""
    run = snakemake(tiny, "--report", "results/report/workflow.html", cache=tiny_cache)
    page = (tiny / "results" / "report" / "workflow.html").read_text()
    assert len(page) > 10_000
    for text in (run.stdout + run.stderr, page):
        assert not any(marker in text for marker in ("System Message", "ERROR/", "Undefined substitution"))


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


def test_tiny_tables_match_the_reference_run(tiny):
    """Every value of the tiny run's tidy tables is the reference run's (same seeds): bit for bit
    (SHA-256 of the canonical table) on a machine whose reference run is recorded; elsewhere keys, flags and
    non-finite values exactly and finite values within a float32 rounding band (tests/reference.py says why)."""
    meta, expected = reference()
    digests = meta["sha256"].get(fingerprint())
    for name in meta["sha256"][next(iter(meta["sha256"]))]:
        table = canonical(pd.read_csv(tiny / "results" / "tables" / f"{name}.csv", dtype={"layer": "Int64"}))
        digest = reference_digest(table)
        if digests is not None:
            assert digest == digests[name], name
            continue
        if any(digest == known[name] for known in meta["sha256"].values()):
            continue
        want = expected[expected["experiment"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(table.drop(columns="value"), want.drop(columns="value"), obj=name)
        got, ref = table["value"].to_numpy(), want["value"].to_numpy()
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(ref), err_msg=name)
        np.testing.assert_allclose(got, ref, rtol=1e-5, equal_nan=True, err_msg=name)
