"""Caching by input hash, exact reruns, determinism and interruption, on the real workflow (tiny config)."""

import os
import select
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import yaml
from conftest import MECHANICS, MECHANICS_TABLES, REPO, TABLES, TINY, new_workdir, snakemake, snakemake_call
from test_workflow import FIGURES

from initstab.combinations import combination_table
from initstab.experiments import EXPERIMENTS

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


def assert_same_tables(workdir: Path, reference: Path, tables: list[str] = TABLES) -> None:
    """Every table ``workdir`` built (at least each of ``tables``) is byte-identical to ``reference``'s."""
    built, expected = table_bytes(workdir), table_bytes(reference)
    assert {Path(t).name for t in tables} <= set(built)
    assert built == {name: expected[name] for name in built}


def all_jobs(config=CONFIG) -> set[str]:
    return {f"{experiment}/{job}" for experiment, job in combination_table(config)}


def private_cache(tiny_cache: Path, tmp_path_factory) -> Path:
    """A copy of the tiny run's cache, for a test that adds entries: `tiny_cache` keeps only the cold run's, whatever
    the order the tests run in."""
    return shutil.copytree(tiny_cache, tmp_path_factory.mktemp("tiny_cache_copy") / "cache", symlinks=True)


def test_cache_holds_one_distinct_entry_per_output(tiny, tiny_cache):
    """Every cached output has its own entry: no two combinations (or files) share a hash."""
    n_jobs, n_experiments, n_figures = len(all_jobs()), len(EXPERIMENTS), len(FIGURES)
    # each with its .sha256: job CSV; table and summary; PDF and PNG; reproduction, theory, report
    expected = 2 * n_jobs + 3 * n_experiments + 3 * n_figures + 3 * 2
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


@pytest.mark.parametrize("results", ["kept", "removed"])
def test_a_corrupt_cache_entry_is_recomputed_never_served(tiny, tiny_cache, tmp_path_factory, results):
    """A cached job table truncated at a line boundary (still a valid CSV, which a provenance-keyed cache serves
    silently), with results/ linking to it or removed (the README's restore path): the run names the entry and
    removes it; asked for that job's table, it recomputes that job alone, and every table comes out as the cold
    run's. (Tables built before the corruption are intact and stay: a job table is an intermediate.) Every entry
    ends read-only."""
    cache = private_cache(tiny_cache, tmp_path_factory)
    workdir = new_workdir(tmp_path_factory, f"corrupt_{results}")
    snakemake(workdir, "--cores", "2", *TABLES, cache=cache)
    job = sorted(all_jobs())[0]
    entry = (workdir / "results" / "jobs" / f"{job}.csv").resolve()
    assert entry.parent == cache and entry.stat().st_mode & 0o222 == 0  # read-only: results/ is no write-through
    entry.chmod(0o644)
    lines = entry.read_text().splitlines(keepends=True)
    entry.write_text("".join(lines[: len(lines) // 2]))
    if results == "removed":
        shutil.rmtree(workdir / "results")
    run = snakemake(workdir, "--cores", "2", *TABLES, f"results/jobs/{job}.csv", cache=cache)
    assert f"corrupt cache entry {entry.with_suffix('')} removed, it will be recomputed" in run.stdout + run.stderr
    assert kernel_logs(workdir) == {job}
    job_table = f"results/jobs/{job}.csv"
    assert (workdir / job_table).read_bytes() == (tiny / job_table).read_bytes()
    assert_same_tables(workdir, tiny)
    assert all(p.stat().st_mode & 0o777 == 0o444 for p in cache.iterdir() if p.is_file())


def test_a_numpy_upgrade_recomputes_the_kernels_never_reuses_their_numbers(tiny, tiny_cache, tmp_path_factory):
    """Kernel cache keys carry the TensorFlow, numpy and initstab versions (an upgrade may change the numbers): with
    the metadata of a numpy 99.0 first on the path (metadata only: the real numpy is still imported), the tiny run's
    cached matrix_product jobs are recomputed, not restored, and their table comes out the same."""
    cache = private_cache(tiny_cache, tmp_path_factory)
    workdir = new_workdir(tmp_path_factory, "upgrade")
    upgraded = tmp_path_factory.mktemp("upgraded") / "numpy-99.0.dist-info"
    upgraded.mkdir()
    (upgraded / "METADATA").write_text("Metadata-Version: 2.1\nName: numpy\nVersion: 99.0\n")
    table = "results/tables/matrix_product.csv"
    command, env = snakemake_call(workdir, "--cores", "2", table, cache=cache)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(upgraded.parent), env.get("PYTHONPATH")]))
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert kernel_logs(workdir) == {job for job in all_jobs() if job.startswith("matrix_product/")}
    assert (workdir / table).read_bytes() == (tiny / table).read_bytes()


def test_changing_one_scale_reruns_only_its_jobs_and_their_dependents(tiny, tiny_cache, tmp_path_factory):
    config = yaml.safe_load(TINY.read_text())
    config["experiments"]["gradient_flow"]["cases"][0]["scales"] = [0.5]
    workdir = new_workdir(tmp_path_factory, "rescaled", config)
    snakemake(workdir, "--cores", "2", cache=private_cache(tiny_cache, tmp_path_factory))
    # the job that stacks the rescaled combinations: every gradient_flow combination of its shape (they share draws)
    assert kernel_logs(workdir) == {"gradient_flow/w8__d5__float32__s0-11"}
    assert ran(workdir, "collect") == {"gradient_flow"}
    assert ran(workdir, "figures") == {"gradient_flow_scales", "gradient_flow_inits"}


def copy_checkout(tmp_path_factory, module: str, edit) -> Path:
    """A copy of the workflow whose src/initstab/``module`` text is passed through ``edit``."""
    checkout = tmp_path_factory.mktemp("checkout")
    for item in ["Snakefile", "workflow", "src", "profiles", "environment.yml"]:
        (shutil.copytree if (REPO / item).is_dir() else shutil.copy)(REPO / item, checkout / item)
    source = checkout / "src" / "initstab" / module
    source.write_text(edit(source.read_text()))
    return checkout


def test_editing_a_kernel_module_misses_the_cache(tiny, tiny_cache, tmp_path_factory):
    checkout = copy_checkout(
        tmp_path_factory, "tf/stack.py", lambda text: text + "\n# an edit that changes the file's hash\n"
    )
    workdir = new_workdir(tmp_path_factory, "edited", MECHANICS)
    cache = private_cache(tiny_cache, tmp_path_factory)
    snakemake(workdir, "--cores", "2", *MECHANICS_TABLES, cache=cache, snakefile=checkout / "Snakefile")
    assert kernel_logs(workdir) == all_jobs(MECHANICS)  # every kernel stacks through tf/stack.py: every job ran again
    assert_same_tables(workdir, tiny, MECHANICS_TABLES)  # a comment changes no number


def test_tables_are_bit_identical_with_one_core(tiny, tmp_path_factory):
    workdir = new_workdir(tmp_path_factory, "one_core")
    snakemake(workdir, "--cores", "1", *TABLES, cache=tmp_path_factory.mktemp("cache_one_core"))
    assert kernel_logs(workdir) == all_jobs()
    assert_same_tables(workdir, tiny)


HOOKS = Path(__file__).parent / "hooks"  # sitecustomize.py: holds kernel jobs while a test interrupts them


def job_outputs(workdir: Path) -> set[str]:
    """Kernel jobs whose table is in ``workdir``."""
    return {f"{p.parent.name}/{p.stem}" for p in (workdir / "results" / "jobs").glob("*/*.csv")}


def _exited_pidfd(pid: int) -> int | None:
    """A file descriptor that turns readable when process ``pid`` exits, or None where Linux offers none."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _await_holds(process: subprocess.Popen, reader: int, holds: int, output: Path, timeout: float) -> list[str]:
    """The hook's report lines until ``holds`` jobs are held. Fails (never passes) if Snakemake exits first or
    ``timeout`` seconds go by: then the hook never fired, and waiting longer would hang the test."""
    exited = _exited_pidfd(process.pid)
    deadline, received = time.monotonic() + timeout, b""
    try:
        while received.count(b"held ") < holds:
            waits = [reader] if exited is None else [reader, exited]
            ready, _, _ = select.select(waits, [], [], max(0, deadline - time.monotonic()))
            if reader in ready:
                received += os.read(reader, 4096)
            elif ready:
                tail = output.read_text()[-5000:]
                pytest.fail(f"Snakemake exited ({process.wait()}) before {holds} held jobs ({received!r}):\n{tail}")
            else:
                pytest.fail(f"fewer than {holds} kernel jobs held within {timeout} s ({received!r}); is the hook off?")
    finally:
        if exited is not None:
            os.close(exited)
    return received.decode().splitlines()


def _await_exit(pids: list[int], session: int, timeout: float = 60) -> None:
    """Wait until each of ``pids`` that is still a process of ``session`` has exited; fail after ``timeout``."""
    for pid in pids:
        exited = _exited_pidfd(pid)
        if exited is None:
            continue  # gone already (or no pidfd here: the process group got SIGKILL regardless)
        try:
            if os.getsid(pid) == session and not select.select([exited], [], [], timeout)[0]:
                pytest.fail(f"held kernel job {pid} outlived its run")
        except ProcessLookupError:
            pass
        finally:
            os.close(exited)


@contextmanager
def held_run(workdir: Path, *args: str, cache: Path, holds: int, passes: int = 0):
    """Snakemake started in a session of its own with tests/hooks on PYTHONPATH: the first ``passes`` kernel jobs
    run, every later one is held (blocks, see hooks/sitecustomize.py). Yields the process and the hook's report
    ({"passed": [...], "held": [...]}, jobs as experiment/job) once ``holds`` jobs are held, which proves them
    running; on leaving, kills the whole session with SIGKILL and waits until the held jobs are gone."""
    command, env = snakemake_call(workdir, *args, cache=cache)
    scratch = workdir.parent / f"{workdir.name}_hold"
    scratch.mkdir()
    fifo, output = scratch / "report.fifo", scratch / "snakemake.out"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    writer = os.open(fifo, os.O_WRONLY)  # ours, never written: with a writer always open, reads never see EOF
    env |= {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HOOKS), env.get("PYTHONPATH")])),
        "INITSTAB_TEST_HOLD_FIFO": str(fifo),
        "INITSTAB_TEST_HOLD_PASSES": str(passes),
    }
    process, pids = None, []
    try:
        with output.open("w") as log:
            # SIGINT at its default in Snakemake: a shell starts a background command (`pytest &`) with SIGINT
            # ignored, Python then installs no KeyboardInterrupt handler, and every process of the run, held jobs
            # included, would inherit the ignore and outlive any Ctrl-C.
            process = subprocess.Popen(
                command,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )
        lines = _await_holds(process, reader, holds, output, timeout=600)
        report = {"passed": [], "held": []}
        for verdict, job, pid in (line.split() for line in lines):
            report[verdict].append(job)
            pids.append(int(pid))
        yield process, report
    finally:
        if process is not None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            _await_exit(pids, session=process.pid)
        os.close(writer)
        os.close(reader)


def interrupt(process: subprocess.Popen, sig: signal.Signals, presses: int = 12) -> None:
    """Send ``sig`` to the whole process group (jobs included) until Snakemake exits, as a user presses Ctrl-C
    again when the first goes unanswered: Snakemake 9.27 can lose a SIGINT that lands while its scheduler runs an
    asyncio step of job selection (seen here: no "Terminating processes" line, and it waits on its held jobs forever).
    """
    for _ in range(presses):
        os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
            return
    pytest.fail(f"Snakemake outlived {presses} signals {sig.name}")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_run_is_finished_by_the_next(tiny, tmp_path_factory, sig):
    """Ctrl-C (SIGINT to the process group) or SIGKILL to every process, while one kernel job has finished and two
    are provably running: the run fails without their tables, and the next one finishes it from there."""
    workdir = new_workdir(tmp_path_factory, f"interrupted_{sig.name}", MECHANICS)
    cache = tmp_path_factory.mktemp(f"cache_{sig.name}")
    with held_run(workdir, "--cores", "2", *MECHANICS_TABLES, cache=cache, holds=2, passes=1) as (process, report):
        # Both cores hold a kernel job, so nothing else runs: the passed job has finished (Snakemake frees a job's
        # core only after recording it), and no other kernel job has started.
        interrupt(process, sig)
    assert process.returncode != 0
    (passed,) = report["passed"]
    assert len(report["held"]) == 2 and passed not in report["held"]
    assert job_outputs(workdir) == {passed}
    finished = (workdir / "results" / "jobs" / f"{passed}.csv").lstat()  # the output (a link into the cache)
    for job in report["held"]:
        assert not (workdir / "results" / "tables" / f"{job.split('/')[0]}.csv").exists()
    if sig == signal.SIGKILL:  # a killed Snakemake leaves its lock; the README tells users to unlock
        snakemake(workdir, "--unlock", cache=cache)
    snakemake(workdir, "--cores", "2", *MECHANICS_TABLES, cache=cache)
    again = (workdir / "results" / "jobs" / f"{passed}.csv").lstat()
    assert (again.st_ino, again.st_mtime_ns) == (finished.st_ino, finished.st_mtime_ns)  # kept, not redone
    assert job_outputs(workdir) == all_jobs(MECHANICS)
    assert_same_tables(workdir, tiny, MECHANICS_TABLES)
    assert not list((workdir / "results").rglob("*.tmp"))


def test_a_failing_job_fails_alone_and_keep_going_finishes_the_rest(tmp_path_factory):
    """A kernel that dies (here: MemoryError injected into the gradient-flow kernel, which gradient_flow and
    precision run) leaves its cause in its own log."""
    crash = "def gradient_flow("
    checkout = copy_checkout(
        tmp_path_factory,
        "tf/gradient_flow.py",
        lambda text: text.replace(
            crash, "def gradient_flow(*a, **k):\n    raise MemoryError('out of memory')\n\n\ndef _unused("
        ),
    )
    workdir = new_workdir(tmp_path_factory, "failing", MECHANICS)
    run = snakemake(
        workdir,
        "--cores",
        "2",
        "--keep-going",
        *MECHANICS_TABLES,
        cache=tmp_path_factory.mktemp("cache_failing"),
        snakefile=checkout / "Snakefile",
        check=False,
    )
    assert run.returncode != 0
    failed = {job for job in all_jobs(MECHANICS) if job.startswith(("gradient_flow/", "precision/"))}
    for job in failed:
        assert "MemoryError: out of memory" in (workdir / "results" / "logs" / "jobs" / f"{job}.log").read_text()
    assert kernel_logs(workdir) == all_jobs(MECHANICS)  # every job ran; only gradient_flow's failed
    for experiment in set(MECHANICS["experiments"]) - {"gradient_flow", "precision"}:
        assert (workdir / "results" / "tables" / f"{experiment}.csv").exists()
    assert not (workdir / "results" / "tables" / "gradient_flow.csv").exists()
    assert not (workdir / "results" / "tables" / "precision.csv").exists()
