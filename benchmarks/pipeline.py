"""Run the Snakemake workflow as a user does, timed from outside; count a config's samples; read its job logs.

Every run is ``snakemake -s <repo>/Snakefile --directory <workdir> --configfile <workdir>/config.yaml --cores N``
from the repository root, so the workflow profile (output cache on) applies, with ``SNAKEMAKE_OUTPUT_CACHE`` the
workspace's own cache: a fresh workspace is a cold run. Wall time is taken around the whole subprocess.

A kernel job's log (``results/logs/jobs/<experiment>/<job>.log``) is opened before TensorFlow is imported and has
``… computed N rows on /CPU:0 in 3.21 s`` and ``… peak memory 812 MB`` lines (workflow/scripts/run_kernel.py).
"""

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import yaml

from initstab.combinations import combination_table
from initstab.spec import Job

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
REPRODUCTION = "results/tables/reproduction.csv"


class Workspace(NamedTuple):
    """A working directory holding the config, and an output cache of its own."""

    workdir: Path
    cache: Path


def new_workspace(root: Path, config: Path) -> Workspace:
    workspace = Workspace(root / "workdir", root / "cache")
    for path in workspace:
        path.mkdir(parents=True)
    shutil.copy(config, workspace.workdir / "config.yaml")
    return workspace


def snakemake(
    workspace: Workspace, *args: str, cores: int, label: str, timeout: float = 3600, repo: Path = REPO
) -> float:
    """Run the workflow of ``repo`` (a checkout: its Snakefile, profile and library) in ``workspace`` and return its
    wall seconds; raise with the output's tail if it fails."""
    command = [str(SNAKEMAKE), "-s", str(repo / "Snakefile"), "--directory", str(workspace.workdir)]
    command += ["--configfile", str(workspace.workdir / "config.yaml"), "--cores", str(cores), *args]
    env = os.environ | {"SNAKEMAKE_OUTPUT_CACHE": str(workspace.cache)}
    if repo != REPO:  # its own library ahead of the installed (editable) one
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo / "src"), env.get("PYTHONPATH")]))
    output = workspace.workdir.parent / f"{label}.out"  # the run's output
    with output.open("w") as stream:
        start = time.perf_counter()
        run = subprocess.run(command, cwd=repo, env=env, stdout=stream, stderr=subprocess.STDOUT, timeout=timeout)
        seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output.read_text()[-4000:]}")
    return seconds


def read_config(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def jobs(config: dict, experiments: list[str]) -> list[Job]:
    return [job for (name, _), job in combination_table(config).items() if name in experiments]


def config_samples(config: dict, experiments: list[str]) -> int:
    """Random networks/matrices the config asks for in ``experiments``: Σ seeds over their distinct combinations
    (the activation curves draw nothing)."""
    return sum(j.seeds * len(j.combinations) for j in jobs(config, experiments) if j.experiment != "activations")


def kernel_shapes(config: dict, experiment: str) -> list[tuple[int, int, int, int]]:
    """Distinct (width, depth) of an experiment's jobs, with the most seeds the config gives each and the most
    combinations a job of that shape stacks."""
    seeds: dict[tuple[int, int], tuple[int, int]] = {}
    for job in jobs(config, [experiment]):
        n, c = seeds.get((job.width, job.depth), (0, 0))
        seeds[job.width, job.depth] = max(n, job.seed_indices.stop), max(c, len(job.combinations))
    return sorted((width, depth, n, c) for (width, depth), (n, c) in seeds.items())


# ---- kernel job logs ----------------------------------------------------------------------------------------

LOG_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
COMPUTED = re.compile(r"computed \d+ rows on \S+ in ([0-9.]+) s")
PEAK = re.compile(r"peak memory ([0-9.]+) MB")


@dataclass(frozen=True)
class KernelLog:
    """Seconds after the log's first line, and peak memory (MB), of one kernel job."""

    computed_at: float  # the 'computed' line
    computed_s: float  # the kernel's own timing
    last_at: float  # the last timestamped line: the job's time in its log
    peak_mb: float

    @property
    def startup_s(self) -> float:
        """Importing and configuring TensorFlow and the library's imports: before the kernel started."""
        return self.computed_at - self.computed_s


def parse_kernel_log(text: str) -> KernelLog | None:
    """The timing of one kernel job log, or None if it never reached its 'computed' line."""
    stamps, computed, peaks = [], None, []
    for line in text.splitlines():
        if stamp := LOG_STAMP.match(line):
            stamps.append(datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f"))
            if (match := COMPUTED.search(line)) and computed is None:
                computed = (stamps[-1], float(match.group(1)))
            if match := PEAK.search(line):
                peaks.append(float(match.group(1)))
    if computed is None:
        return None
    since = lambda at: (at - stamps[0]).total_seconds()  # noqa: E731
    return KernelLog(since(computed[0]), computed[1], since(stamps[-1]), max(peaks, default=float("nan")))


def kernel_logs(workdir: Path) -> dict[str, KernelLog]:
    """Every kernel job log of a run that reached its 'computed' line, keyed by its path relative to ``workdir``."""
    logs = {}
    for path in sorted((workdir / "results" / "logs" / "jobs").glob("*/*.log")):
        if (log := parse_kernel_log(path.read_text(errors="replace"))) is not None:
            logs[str(path.relative_to(workdir))] = log
    return logs


def kernel_seconds(workdir: Path) -> dict[str, float]:
    """Seconds the kernels of a run computed (their logs' own timing), summed per experiment."""
    totals: dict[str, float] = {}
    for path, log in kernel_logs(workdir).items():
        experiment = Path(path).parent.name
        totals[experiment] = totals.get(experiment, 0.0) + log.computed_s
    return totals
