"""Caching by input hash, exact reruns, determinism and interruption, on the real workflow (tiny config)."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TABLES, TINY, new_workdir, snakemake, snakemake_call
from test_workflow import FIGURES

from initstab.catalogue import EXPERIMENTS
from initstab.combinations import combination_table

pytestmark = pytest.mark.workflow
CONFIG = yaml.safe_load(TINY.read_text())


def ran(workdir: Path, kind: str) -> set[str]:
    """Jobs of one kind (jobs, collect, figures) that really ran here: their log has content.

    Snakemake creates an empty log for a job it restores from the cache; a job that runs writes to it.
    """
    logs = (workdir / "results" / "logs" / kind).rglob("*.log")
    return {f"{p.parent.name}/{p.stem}" if kind == "jobs" else p.stem for p in logs if p.stat().st_size > 0}


def kernel_logs(workdir: Path) -> set[str]:
    return ran(workdir, "jobs")


def table_bytes(workdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((workdir / "results" / "tables").glob("*.csv"))}


def assert_same_tables(workdir: Path, reference: Path) -> None:
    """Every table ``workdir`` built (at least each experiment's) is byte-identical to ``reference``'s."""
    built, expected = table_bytes(workdir), table_bytes(reference)
    assert {Path(t).name for t in TABLES} <= set(built)
    assert built == {name: expected[name] for name in built}


def all_jobs(config=CONFIG) -> set[str]:
    return {f"{experiment}/{job}" for experiment, job in combination_table(config)}


def test_cache_holds_one_distinct_entry_per_output(tiny, tiny_cache):
    """Every cached output has its own entry: no two combinations (or files) share a hash."""
    n_jobs, n_experiments, n_figures = len(all_jobs()), len(EXPERIMENTS), len(FIGURES)
    expected = n_jobs + 2 * n_experiments + 2 * n_figures + 3  # + reproduction, theory, report
    entries = [p for p in tiny_cache.iterdir() if p.is_file()]
    assert len(entries) == expected
    assert len({p.name[:64] for p in entries}) == n_jobs + n_experiments + n_figures + 3  # one hash per job
    assert kernel_logs(tiny) == all_jobs()


def test_fresh_results_are_restored_from_the_cache_without_tensorflow(tiny, tiny_cache, tmp_path_factory):
    workdir = new_workdir(tmp_path_factory, "restored")
    run = snakemake(workdir, "--cores", "2", cache=tiny_cache)
    assert "from cache" in run.stdout + run.stderr
    assert kernel_logs(workdir) == set()  # no TensorFlow job ran
    assert ran(workdir, "collect") == ran(workdir, "figures") == set()
    assert table_bytes(workdir) == table_bytes(tiny)
    for name in ["summary.html"]:
        assert (workdir / "results" / "report" / name).read_bytes() == (tiny / "results" / "report" / name).read_bytes()


def test_changing_one_scale_reruns_only_its_jobs_and_their_dependents(tiny, tiny_cache, tmp_path_factory):
    config = yaml.safe_load(TINY.read_text())
    config["experiments"]["gradient_flow"]["cases"][0]["scales"] = [0.5]
    workdir = new_workdir(tmp_path_factory, "rescaled", config)
    snakemake(workdir, "--cores", "2", cache=tiny_cache)
    changed = {"relu", "scaled_sigmoid_grad_missing_x4"}  # the jobs that stack the rescaled combinations
    assert kernel_logs(workdir) == {f"gradient_flow/{a}__w8__d5__float32__n12" for a in changed}
    assert ran(workdir, "collect") == {"gradient_flow"}
    assert ran(workdir, "figures") == {"gradient_flow_scales", "gradient_flow_inits"}


def copy_checkout(tmp_path_factory, edit_kernels) -> Path:
    """A copy of the workflow whose src/initstab/kernels.py text is passed through ``edit_kernels``."""
    checkout = tmp_path_factory.mktemp("checkout")
    for item in ["Snakefile", "workflow", "src", "profiles", "environment.yml"]:
        (shutil.copytree if (REPO / item).is_dir() else shutil.copy)(REPO / item, checkout / item)
    kernels = checkout / "src" / "initstab" / "kernels.py"
    kernels.write_text(edit_kernels(kernels.read_text()))
    return checkout


def test_editing_a_kernel_module_misses_the_cache(tiny, tiny_cache, tmp_path_factory):
    checkout = copy_checkout(tmp_path_factory, lambda text: text + "\n# an edit that changes the file's hash\n")
    workdir = new_workdir(tmp_path_factory, "edited")
    snakemake(workdir, "--cores", "2", *TABLES, cache=tiny_cache, snakefile=checkout / "Snakefile")
    assert kernel_logs(workdir) == all_jobs()  # every job imports kernels.py, so every job ran again
    assert_same_tables(workdir, tiny)  # a comment changes no number


def test_tables_are_bit_identical_with_one_core(tiny, tmp_path_factory):
    workdir = new_workdir(tmp_path_factory, "one_core")
    snakemake(workdir, "--cores", "1", *TABLES, cache=tmp_path_factory.mktemp("cache_one_core"))
    assert kernel_logs(workdir) == all_jobs()
    assert_same_tables(workdir, tiny)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_run_is_finished_by_the_next(tiny, tmp_path_factory, sig):
    workdir = new_workdir(tmp_path_factory, f"interrupted_{sig.name}")
    cache = tmp_path_factory.mktemp(f"cache_{sig.name}")
    command, env = snakemake_call(workdir, "--cores", "2", *TABLES, cache=cache)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    jobs = workdir / "results" / "jobs"
    deadline = time.monotonic() + 300
    while not (jobs.exists() and any(jobs.rglob("*.csv"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, sig)  # the whole process group, jobs included
    process.wait(timeout=120)
    assert process.returncode != 0
    assert not (workdir / "results" / "report" / "summary.html").exists()
    if sig == signal.SIGKILL:  # a killed Snakemake leaves its lock; the README tells users to unlock
        snakemake(workdir, "--unlock", cache=cache)
    snakemake(workdir, "--cores", "2", *TABLES, cache=cache)
    assert_same_tables(workdir, tiny)
    assert not list((workdir / "results").rglob("*.tmp"))


def test_a_failing_job_fails_alone_and_keep_going_finishes_the_rest(tmp_path_factory):
    """A kernel that dies (here: MemoryError injected into gradient_flow_batch, which gradient_flow and precision
    run) leaves its cause in its own log."""
    crash = "def gradient_flow_batch("
    checkout = copy_checkout(
        tmp_path_factory,
        lambda text: text.replace(
            crash, "def gradient_flow_batch(*a, **k):\n    raise MemoryError('out of memory')\n\n\ndef _unused("
        ),
    )
    workdir = new_workdir(tmp_path_factory, "failing")
    run = snakemake(
        workdir,
        "--cores",
        "2",
        "--keep-going",
        *TABLES,
        cache=tmp_path_factory.mktemp("cache_failing"),
        snakefile=checkout / "Snakefile",
        check=False,
    )
    assert run.returncode != 0
    failed = {job for job in all_jobs() if job.startswith(("gradient_flow/", "precision/"))}
    for job in failed:
        assert "MemoryError: out of memory" in (workdir / "results" / "logs" / "jobs" / f"{job}.log").read_text()
    assert kernel_logs(workdir) == all_jobs()  # every job ran; only gradient_flow's failed
    for experiment in set(EXPERIMENTS) - {"gradient_flow", "precision"}:
        assert (workdir / "results" / "tables" / f"{experiment}.csv").exists()
    assert not (workdir / "results" / "tables" / "gradient_flow.csv").exists()
    assert not (workdir / "results" / "tables" / "precision.csv").exists()
