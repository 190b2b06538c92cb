"""Where the config comes from: `--configfile my.yaml` alone (`--config` on top), the default config.yaml only
without one, a module's `config:`; and bad configs stop `snakemake -n` before any job (dry runs only)."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, snakemake, snakemake_call

from initstab import config as sweep
from initstab.combinations import combination_table, memory_mb

SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
FORWARD = {
    "forward": {
        "width": 8,
        "depth": 2,
        "seeds": 3,
        "cases": [{"activations": ["tanh", "relu"], "inits": ["normal"], "scales": [1.0]}],
    }
}
FORWARD_JOBS = {"results/jobs/forward/w8__d2__float32__s0-2.csv"}


def workdir_with(tmp_path: Path, config: dict | str, name: str = "my.yaml") -> Path:
    """``tmp_path`` holding ``config`` as ``name``; beside a --configfile, the default sweep as config.yaml, which
    Snakemake's `configfile:` would deep-merge under it."""
    if name != "config.yaml":
        shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    (tmp_path / name).write_text(config if isinstance(config, str) else yaml.safe_dump(config))
    return tmp_path


def dry_run(workdir: Path, *args: str, config: str | None = "my.yaml", snakefile: Path | None = None):
    """`snakemake -n` in ``workdir`` (with ``--configfile workdir/config`` unless ``config`` is None)."""
    if config is None:
        command = [SNAKEMAKE, "-s", str(snakefile or REPO / "Snakefile"), "--directory", str(workdir), "-n", *args]
        env = os.environ | {"SNAKEMAKE_OUTPUT_CACHE": str(workdir / "cache")}
        return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=workdir)
    return snakemake(workdir, "-n", *args, check=False, config=config, cache=workdir / "cache", timeout=300)


def planned_jobs(run: subprocess.CompletedProcess) -> set[str]:
    """Outputs of the kernel jobs a dry run plans."""
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return set(re.findall(r"^\s+output: (results/jobs/[^,\s]+\.csv)", run.stdout + run.stderr, re.MULTILINE))


def kernel_count(run: subprocess.CompletedProcess) -> int:
    match = re.search(r"^kernel\s+(\d+)$", run.stdout + run.stderr, re.MULTILINE)
    return int(match.group(1)) if match else 0


def failure(run: subprocess.CompletedProcess) -> str:
    """The output of a run that must have stopped before planning any job."""
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert "Job stats" not in output and kernel_count(run) == 0
    return output


def final_config(config: dict) -> dict:
    sweep.validate_config(config, SCHEMA, "test")
    return config


def config_md5(config: dict) -> str:
    """What Snakemake prints as 'Config MD5' (workflow.info_header)."""
    return hashlib.md5(json.dumps(config, sort_keys=True).encode("utf-8")).hexdigest()


def test_own_config_plans_only_its_experiment(tmp_path):
    run = dry_run(workdir_with(tmp_path, {"experiments": FORWARD}))
    assert planned_jobs(run) == FORWARD_JOBS
    assert kernel_count(run) == 1  # both activations of the one shape in one job
    assert f"Config MD5: {config_md5(final_config({'experiments': FORWARD}))}" in run.stdout + run.stderr


def test_command_line_config_overrides_the_file(tmp_path):
    workdir = workdir_with(tmp_path, {"seed": 3, "experiments": FORWARD})
    run = dry_run(workdir, "--config", "seed=5")
    assert planned_jobs(run) == FORWARD_JOBS
    assert f"Config MD5: {config_md5(final_config({'seed': 5, 'experiments': FORWARD}))}" in run.stdout + run.stderr
    output = failure(dry_run(workdir, "--config", "seed=5.0"))
    assert (
        f"{workdir / 'my.yaml'} (with --config seed): seed: 5.0 is a float, not an integer: write 5 (global seed)"
        in (output)
    )


@pytest.mark.parametrize("experiments", ["experiments: {}\n", "seed: 3\n"])
def test_config_without_experiments_fails_before_any_job(tmp_path, experiments):
    output = failure(dry_run(workdir_with(tmp_path, experiments)))
    state = "empty" if "experiments" in experiments else "missing"
    names = ", ".join(yaml.safe_load(SCHEMA.read_text())["properties"]["experiments"]["properties"])
    assert (
        f"{tmp_path / 'my.yaml'}: experiments: {state}, so there is nothing to run; configure at least one of {names}"
        in (output)
    )


def test_working_directory_config_without_configfile(tmp_path):
    """No --configfile: config.yaml of the working directory, --config on top (the default sweep is not merged)."""
    workdir = workdir_with(tmp_path, {"experiments": FORWARD}, name="config.yaml")
    run = dry_run(workdir, "--config", "seed=5", config=None)
    assert planned_jobs(run) == FORWARD_JOBS
    assert f"Config MD5: {config_md5(final_config({'seed': 5, 'experiments': FORWARD}))}" in run.stdout + run.stderr
    assert f"Config file(s): ['{workdir / 'config.yaml'}']" in run.stdout + run.stderr


def test_workflow_default_config_without_configfile(tmp_path):
    """No --configfile and no config.yaml here: the workflow's own default sweep."""
    run = dry_run(tmp_path, config=None)
    default = final_config(yaml.safe_load((REPO / "config.yaml").read_text()))
    assert kernel_count(run) == len(combination_table(default))
    assert f"Config file(s): ['{REPO / 'config.yaml'}']" in run.stdout + run.stderr


def test_yaml_error_in_the_default_config_names_file_and_line(tmp_path):
    workdir = workdir_with(
        tmp_path, "experiments:\n  forward:\n    width: 8\n    depth: [1,\n    seeds: 3\n", "config.yaml"
    )
    output = failure(dry_run(workdir, config=None))
    assert (
        f"{workdir / 'config.yaml'}, line 6, column 1: not valid YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence that starts at line 4, column 12)"
    ) in output


def test_yaml_error_in_a_configfile_is_reported_by_snakemake(tmp_path):
    """Snakemake parses --configfile itself, before the Snakefile runs (snakemake.settings.types.ConfigSettings),
    and its message names neither file nor line: this documents what the user sees (a workflow cannot intercept
    it). initstab.config.read_config_file gives file and line for the same file."""
    workdir = workdir_with(tmp_path, "experiments:\n  forward:\n    width: 8\n    depth: [1,\n    seeds: 3\n")
    output = failure(dry_run(workdir))
    assert (
        "WorkflowError:\nConfig file is not valid JSON or YAML. In case of YAML, make sure to not mix whitespace and "
        "tab indentation."
    ) in output
    with pytest.raises(ValueError, match=rf"^{re.escape(str(workdir / 'my.yaml'))}, line 6, column 1: not valid YAML"):
        sweep.read_config_file(workdir / "my.yaml")


def test_gpu_device_is_checked_before_any_job(tmp_path):
    workdir = workdir_with(tmp_path, {"device": "gpu", "experiments": FORWARD})
    gpu, evidence = sweep.gpu_presence()
    run = dry_run(workdir)
    if gpu:
        assert planned_jobs(run) == FORWARD_JOBS
    else:
        assert (
            f"{workdir / 'my.yaml'}: device: gpu, but this host has no GPU ({evidence}); use device: auto (a GPU when "
            "there is one) or cpu"
        ) in failure(run)
    hidden = subprocess.run(
        snakemake_call(workdir, "-n", config="my.yaml", cache=workdir / "cache")[0],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"CUDA_VISIBLE_DEVICES": "", "SNAKEMAKE_OUTPUT_CACHE": str(workdir / "cache")},
    )
    assert "this host has no GPU (CUDA_VISIBLE_DEVICES='' hides every GPU)" in failure(hidden)


def test_job_beyond_the_memory_limit_fails_before_any_job(tmp_path):
    section = {"width": 200, "depth": 3, "seeds": 100, "cases": [{"inits": ["normal"], "scales": [0.5, 1.0]}]}
    config = {"experiments": {"matrix_product": section}}
    workdir = workdir_with(tmp_path, config)
    (spec,) = combination_table(final_config(yaml.safe_load(yaml.safe_dump(config)))).values()
    need = memory_mb(spec)
    output = failure(dry_run(workdir, "--resources", f"mem_mb={need - 1}"))
    assert (
        f"{workdir / 'my.yaml'}: experiments.matrix_product.cases[0] (width: 200, depth: 3, seeds: 0–99, dtype: "
        f"float32): job matrix_product/w200__d3__float32__s0-99 would request mem_mb={need}, more than the "
        f"--resources mem_mb={need - 1} limit ({need - 1} MB)"
    ) in output
    assert kernel_count(dry_run(workdir, "--resources", f"mem_mb={need}")) == 1


HOST = """\
module initstab:
    snakefile:
        {snakefile!r}
    config:
        {config!r}


use rule * from initstab as initstab_*
"""


def host_workflow(tmp_path: Path, config: dict) -> Path:
    (tmp_path / "Snakefile").write_text(HOST.format(snakefile=str(REPO / "Snakefile"), config=config))
    return tmp_path / "Snakefile"


def test_module_uses_the_hosts_config(tmp_path):
    """Imported as a module from another directory: the host's `config:` alone (no config.yaml is read), paths
    from the module's own directory."""
    (tmp_path / "config.yaml").write_text("this: [is not read\n")
    run = dry_run(tmp_path, config=None, snakefile=host_workflow(tmp_path, {"experiments": FORWARD}))
    assert planned_jobs(run) == FORWARD_JOBS
    assert re.search(r"^initstab_kernel\s+1$", run.stdout + run.stderr, re.MULTILINE)


def test_module_config_errors_name_the_module(tmp_path):
    run = dry_run(tmp_path, config=None, snakefile=host_workflow(tmp_path, {"experiments": {}}))
    assert "the config: of module 'initstab': experiments: empty, so there is nothing to run" in failure(run)


def test_module_runs_to_its_report(tmp_path):
    """A real run as a module from another directory: kernel, tables, figure, theory, reproduction and report,
    every script and resource found from initstab's own directory."""
    snakefile = host_workflow(tmp_path, {"experiments": FORWARD})
    command = [SNAKEMAKE, "-s", str(snakefile), "--directory", str(tmp_path), "--cores", "2"]
    env = os.environ | {"SNAKEMAKE_OUTPUT_CACHE": str(tmp_path / "cache")}
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = tmp_path / "results"
    assert {p.name for p in (results / "jobs" / "forward").glob("*.csv")} == {Path(p).name for p in FORWARD_JOBS}
    assert (results / "figures" / "forward.png").stat().st_size > 0
    assert "forward" in (results / "report" / "summary.html").read_text()
