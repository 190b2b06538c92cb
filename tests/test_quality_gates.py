"""Code quality gates: ruff, snakefmt and Snakemake's linter are clean."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        [BIN / "ruff", "check", "src", "tests", "workflow/scripts", "benchmarks"],
        [BIN / "ruff", "format", "--check", "src", "tests", "workflow/scripts", "benchmarks"],
        [BIN / "snakefmt", "--check", "Snakefile", "workflow/rules"],
        [BIN / "snakemake", "--lint", "--configfile", "tests/data/tiny_config.yaml"],
    ],
    ids=["ruff-check", "ruff-format", "snakefmt", "snakemake-lint"],
)
def test_gate_is_clean(command):
    run = subprocess.run([str(c) for c in command], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
