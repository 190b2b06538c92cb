"""The mechanics subset of the tiny config (conftest.MECHANICS) through a real SLURM cluster with profiles/slurm
(../shared/cluster/local-slurm.sh)."""

import importlib.util
import re
import shutil
import subprocess

import pytest
from conftest import MECHANICS, MECHANICS_TABLES, REPO, new_workdir, snakemake
from test_caching import all_jobs, assert_same_tables


def cluster_problem() -> str | None:
    """Why the SLURM test cannot run here, or None when it can."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed (pip install -e '.[slurm]'; .ci/run does)"
    if shutil.which("sinfo") is None:
        return "no SLURM client tools (run ../shared/cluster/local-slurm.sh as root; .ci/run does)"
    state = subprocess.run(["sinfo", "-h", "-o", "%a %t"], capture_output=True, text=True, timeout=30)
    if state.returncode != 0 or not state.stdout.startswith("up"):
        return f"no SLURM controller answers: {state.stdout.strip() or state.stderr.strip()}"
    return None


PROBLEM = cluster_problem()
pytestmark = [pytest.mark.slurm, pytest.mark.workflow, pytest.mark.skipif(PROBLEM is not None, reason=str(PROBLEM))]


def test_every_kernel_job_goes_through_sbatch_and_tables_match_a_local_run(tiny, tmp_path_factory):
    workdir = new_workdir(tmp_path_factory, "slurm", MECHANICS)
    cache = tmp_path_factory.mktemp("cache_slurm")
    run = snakemake(
        workdir, "--profile", str(REPO / "profiles" / "slurm"), *MECHANICS_TABLES, cache=cache, timeout=1500
    )
    out = run.stdout + run.stderr
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+) \(log: \S+/rule_kernel/([^/]+)/", out)
    assert len({job_id for job_id, _ in submitted}) == len(all_jobs(MECHANICS))
    assert {name for _, name in submitted} == {job.replace("/", "_", 1) for job in all_jobs(MECHANICS)}
    assert "Rule: collect" in out and "localrule collect" in out  # collecting stays on the host
    assert_same_tables(workdir, tiny, MECHANICS_TABLES)
