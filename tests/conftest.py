import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
TINY = Path(__file__).parent / "data" / "tiny_config.yaml"
TINY_CONFIG = yaml.safe_load(TINY.read_text())
# Targets of the reruns that only compare tables: every experiment's table and summary, no figures or report.
TABLES = [f"results/tables/{name}.csv" for name in TINY_CONFIG["experiments"]]
# The tiny config cut to four experiments (seven kernel jobs), for the tests of the workflow's mechanics
# (interruption, failure, cache misses) that rerun everything: what they check holds for any experiment.
MECHANICS = TINY_CONFIG | {
    "experiments": {
        name: TINY_CONFIG["experiments"][name] for name in ["matrix_product", "gradient_flow", "forward", "precision"]
    }
}
MECHANICS_TABLES = [f"results/tables/{name}.csv" for name in MECHANICS["experiments"]]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test's figures closed after it: pyplot keeps them open (memory, and a warning past 20)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, configured as a job configures it (one thread, deterministic ops, CPU)."""
    from initstab.tf.runtime import configure_tensorflow

    configure_tensorflow(threads=1, device="cpu")
    import tensorflow

    return tensorflow


def snakemake_call(
    workdir: Path,
    *args: str,
    config: str = "config.yaml",
    cache: Path | None = None,
    snakefile: Path = REPO / "Snakefile",
) -> tuple[list[str], dict[str, str]]:
    """Command and environment that run the workflow in ``workdir`` with an output cache of the test's own
    (default: workdir/../cache)."""
    command = [
        str(Path(sys.executable).parent / "snakemake"),
        "-s",
        str(snakefile),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / config),
        *args,
    ]
    return command, os.environ | {"SNAKEMAKE_OUTPUT_CACHE": str(cache or workdir.parent / "cache")}


def snakemake(
    workdir: Path, *args: str, check: bool = True, timeout: float = 900, **call
) -> subprocess.CompletedProcess:
    """Run the workflow to completion (see snakemake_call); raise with its output tail if ``check`` and it fails."""
    command, env = snakemake_call(workdir, *args, **call)
    run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    if check and run.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{run.stdout[-3000:]}\n{run.stderr[-5000:]}")
    return run


def new_workdir(tmp_path_factory, name: str, config: dict | None = None) -> Path:
    """A fresh working directory holding the tiny config (or ``config``)."""
    workdir = tmp_path_factory.mktemp(name)
    if config is None:
        shutil.copy(TINY, workdir / "config.yaml")
    else:
        (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    return workdir


@pytest.fixture(scope="session")
def tiny_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tiny_cache")


@pytest.fixture(scope="session")
def tiny(tmp_path_factory, tiny_cache) -> Path:
    """The tiny config run once, cold, with --cores 2 (its cache is `tiny_cache`)."""
    workdir = new_workdir(tmp_path_factory, "tiny")
    snakemake(workdir, "--cores", "2", cache=tiny_cache)
    return workdir
