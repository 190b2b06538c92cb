"""Run the Snakemake workflow as a user does, timed from outside, and count the samples a config asks for.

Every run is ``snakemake -s <repo>/Snakefile --directory <workdir> --configfile <workdir>/config.yaml --cores N``
started from the repository root, so the workflow profile ``profiles/default`` (output cache on) applies, with
``SNAKEMAKE_OUTPUT_CACHE`` pointing at the workspace's own cache: a fresh workspace is a cold run. Wall time is
``time.perf_counter`` around the whole subprocess (Python start-up, DAG building and any executor-plugin query
included), as a user waits for it.
"""

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from initstab.combinations import combination_table

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
REPRODUCTION = "results/tables/reproduction.csv"


@dataclass(frozen=True)
class Workspace:
    """A working directory and an output cache of its own, side by side under ``root``."""

    root: Path

    @property
    def workdir(self) -> Path:
        return self.root / "workdir"

    @property
    def cache(self) -> Path:
        return self.root / "cache"


def new_workspace(root: Path, config: Path) -> Workspace:
    """An empty workspace holding ``config`` as its config.yaml and an empty cache."""
    workspace = Workspace(root)
    workspace.workdir.mkdir(parents=True)
    workspace.cache.mkdir()
    shutil.copy(config, workspace.workdir / "config.yaml")
    return workspace


def snakemake(workspace: Workspace, *args: str, cores: int, label: str, timeout: float = 3600) -> float:
    """Run the workflow in ``workspace`` and return its wall seconds; raise with the output's tail if it fails."""
    command = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--directory", str(workspace.workdir)]
    command += ["--configfile", str(workspace.workdir / "config.yaml"), "--cores", str(cores), *args]
    env = os.environ | {"SNAKEMAKE_OUTPUT_CACHE": str(workspace.cache)}
    output = workspace.root / f"{label}.out"
    with output.open("w") as stream:
        start = time.perf_counter()
        run = subprocess.run(command, cwd=REPO, env=env, stdout=stream, stderr=subprocess.STDOUT, timeout=timeout)
        seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output.read_text()[-4000:]}")
    return seconds


def did_nothing(workspace: Workspace, label: str) -> bool:
    """Whether the run ``label`` found everything up to date (a no-op run that ran jobs saw a source change)."""
    return "Nothing to be done" in (workspace.root / f"{label}.out").read_text()


def delete_results(workspace: Workspace) -> None:
    shutil.rmtree(workspace.workdir / "results")


def ran_experiments(workspace: Workspace) -> list[str]:
    """Experiments whose kernel jobs wrote logs in this workspace."""
    logs = workspace.workdir / "results" / "logs" / "jobs"
    return sorted(path.name for path in logs.iterdir() if path.is_dir()) if logs.is_dir() else []


def _jobs(config: dict, experiments: list[str]) -> list[dict]:
    return [spec for (name, _), spec in combination_table(config).items() if name in experiments]


def config_samples(config: dict, experiments: list[str]) -> int:
    """Random networks/matrices the config asks for in ``experiments``: Σ seeds over their distinct combinations
    (the pipeline's own combination table; the activation curves draw nothing)."""
    jobs = [spec for spec in _jobs(config, experiments) if spec["experiment"] != "activations"]
    return sum(spec["seeds"] * len(spec["combinations"]) for spec in jobs)


def read_config(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def kernel_shapes(config: dict, experiment: str) -> list[tuple[int, int, int]]:
    """Distinct (width, depth) of an experiment's jobs with the most seeds the config gives each."""
    seeds: dict[tuple[int, int], int] = {}
    for spec in _jobs(config, [experiment]):
        shape = (spec["width"], spec["depth"])
        seeds[shape] = max(seeds.get(shape, 0), spec["seeds"])
    return sorted((width, depth, n) for (width, depth), n in seeds.items())
