"""The five benchmark sections: each measures, in subprocesses, and returns tidy records (see records.py).

1. ``kernel_efficiency``: achieved FLOP/s of kernels.gradient_flow / forward / matrix_product at the sweep
   config's shapes, as a fraction of batched matmul throughput for the same shapes in the same process, and
   the share of time spent drawing weights; every (jit_compile, TF_ENABLE_ONEDNN_OPTS) pair, 1 thread, warm-up +
   best of 3 (kernel_timing.py). Seeds are scaled down to ≤ NORMALS_PER_CALL normals per call where the config
   asks for more: FLOP/s per element does not depend on the batch once it is this large, and it keeps the
   section within its time budget (the timed seeds are in the case, the config's in ``config_seeds``).
2. ``notebooks``: one call of every printed cell of the naive notebook loops (naive.py) against a cold
   ``snakemake --cores 2 results/tables/reproduction.csv``; samples/s both ways.
3. ``parallel_scaling``: cold full sweep with --cores 1 against --cores 2 (``--quick``: reproduction.csv).
4. ``overheads``: per-job start-up from the logs (joblogs.py), bare TensorFlow import, no-op rerun,
   cache-restored rerun, peak memory per job.
5. ``work_scaling``: gradient_flow seconds per seed against width and depth (work_scaling.py).
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import flops
import joblogs
import pipeline
from records import Record, Target

BENCHMARKS = Path(__file__).resolve().parent
KERNELS = ("gradient_flow", "forward", "matrix_product")
EFFICIENCY_TARGET = {"gradient_flow": Target(">=", 0.5), "forward": Target(">=", 0.5)}
ONEDNN = (1, 0)  # TF_ENABLE_ONEDNN_OPTS: TensorFlow's default first
NORMALS_PER_CALL = 1.5e7  # ≈ 0.15 s of drawing without XLA, ≈ 1 s with
WIDTHS, WIDTH_SWEEP_DEPTH = [100, 256, 512, 1024, 2048, 4096], 2
DEPTHS, DEPTH_SWEEP_WIDTH = [10, 25, 50, 100, 200], 100
QUICK_WIDTHS, QUICK_DEPTHS = [8, 16, 32, 64], [2, 4, 8, 16]
# A conservative single-thread model for choosing seeds (measured ~13 GFLOP/s and ~1e8 normals/s at width 100).
ASSUMED_FLOPS, ASSUMED_NORMALS, MAX_BATCH_BYTES = 1e10, 8e7, 2**27


@dataclass(frozen=True)
class Context:
    quick: bool
    config: Path  # the sweep's config: config.yaml, or tests/data/tiny_config.yaml with --quick
    scratch: Path  # workspaces of the pipeline runs

    @property
    def targets(self) -> tuple[str, ...]:
        """What sections 3 and 4 build: the whole sweep, or with --quick only the reproduction table (which
        needs every kernel but skips the figures and reports, to keep the smoke test short)."""
        return (pipeline.REPRODUCTION,) if self.quick else ()

    @property
    def sweep(self) -> str:
        return "reproduction.csv" if self.quick else "whole sweep"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_json(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 1200):
    """Run benchmarks/<script> in a fresh Python (TensorFlow stays out of this process); its last stdout line."""
    environment = os.environ | {"PYTHONPATH": str(pipeline.REPO / "src"), "TF_CPP_MIN_LOG_LEVEL": "2"} | (env or {})
    command = [sys.executable, str(BENCHMARKS / script), *args]
    run = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=pipeline.REPO, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{run.stderr[-4000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


# ---- 1. kernel efficiency ---------------------------------------------------------------------------------


def timed_seeds(width: int, depth: int, seeds: int) -> int:
    return min(seeds, max(1, int(NORMALS_PER_CALL // (depth * width**2))))


def efficiency_records(result: dict, jit: int, onednn: int) -> list[Record]:
    kernel, k, d, n = result["kernel"], result["width"], result["depth"], result["seeds"]
    case = f"{kernel} w{k} d{d} n{n} jit={jit} onednn={onednn}"
    achieved = flops.KERNEL_FLOPS[kernel](k, d, n) / result["best_s"]
    matmul = flops.BASELINE_FLOPS[kernel](k, d, n) / min(result["baseline_plain_s"], result["baseline_xla_s"])
    b = "kernel_efficiency"
    return [
        Record(b, case, "efficiency", achieved / matmul, "fraction", EFFICIENCY_TARGET.get(kernel)),
        Record(b, case, "draw_share", result["draw_s"] / result["best_s"], "fraction"),
        Record(b, case, "gflops", achieved / 1e9, "GFLOP/s"),
        Record(b, case, "matmul_gflops", matmul / 1e9, "GFLOP/s"),
        Record(b, case, "seconds", result["best_s"], "s"),
        Record(b, case, "first_call_seconds", result["first_s"], "s"),
        Record(b, case, "config_seeds", result["config_seeds"], "seeds"),
    ]


def kernel_efficiency(ctx: Context, runs: "PipelineRuns") -> list[Record]:
    config = pipeline.read_config(ctx.config)
    cases = [
        {"kernel": kernel, "width": w, "depth": d, "seeds": timed_seeds(w, d, n), "config_seeds": n}
        for kernel in KERNELS
        for w, d, n in pipeline.kernel_shapes(config, kernel)
    ]
    records = []
    for onednn in ONEDNN:
        progress(f"kernel efficiency: TF_ENABLE_ONEDNN_OPTS={onednn}, jit_compile False and True")
        out = run_json("kernel_timing.py", "--cases", json.dumps(cases), env={"TF_ENABLE_ONEDNN_OPTS": str(onednn)})
        if not out["jit_supported"]:
            progress("  the kernels take no jit_compile keyword yet: jit_compile=True not measured")
        for result in out["results"]:
            records += efficiency_records(result, result["jit"], onednn)
    return records


# ---- 2.–4. the pipeline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParallelRun:
    """The cold --cores 2 run; for the whole sweep made as two invocations, so that section 2 can time
    reproduction.csv alone."""

    workspace: pipeline.Workspace
    reproduction_s: float  # cold `snakemake --cores 2 results/tables/reproduction.csv`
    rest_s: float | None  # then `snakemake --cores 2`: the rest of the sweep (None when only reproduction.csv)
    noop_s: float  # then the same target again: nothing to do
    samples: int  # random networks/matrices of the experiments the reproduction target ran

    @property
    def cold_s(self) -> float:
        """One cold `snakemake --cores 2` of the target: for the whole sweep, the two invocations less one
        invocation's fixed cost (start-up, DAG, executor-plugin query), which the no-op run measures."""
        return self.reproduction_s if self.rest_s is None else self.reproduction_s + self.rest_s - self.noop_s


class PipelineRuns:
    """The cold runs, each done once and only when a section asks for it."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    @cached_property
    def parallel(self) -> ParallelRun:
        workspace = pipeline.new_workspace(self.ctx.scratch / "cores2", self.ctx.config)
        progress("pipeline: cold snakemake --cores 2 results/tables/reproduction.csv")
        reproduction = pipeline.snakemake(workspace, pipeline.REPRODUCTION, cores=2, label="reproduction")
        experiments = pipeline.ran_experiments(workspace)
        samples = pipeline.config_samples(pipeline.read_config(self.ctx.config), experiments)
        rest = None
        if self.ctx.targets != (pipeline.REPRODUCTION,):
            progress("pipeline: snakemake --cores 2 (the rest of the sweep)")
            rest = pipeline.snakemake(workspace, *self.ctx.targets, cores=2, label="rest")
        progress("pipeline: no-op rerun")
        noop = pipeline.snakemake(workspace, *self.ctx.targets, cores=2, label="noop")
        if not pipeline.did_nothing(workspace, "noop"):
            progress("  WARNING: the no-op rerun ran jobs: were sources edited during the benchmark?")
        return ParallelRun(workspace, reproduction, rest, noop, samples)

    @cached_property
    def serial_s(self) -> float:
        workspace = pipeline.new_workspace(self.ctx.scratch / "cores1", self.ctx.config)
        progress(f"pipeline: cold snakemake --cores 1 ({self.ctx.sweep})")
        return pipeline.snakemake(workspace, *self.ctx.targets, cores=1, label="serial")


def notebooks(ctx: Context, runs: PipelineRuns) -> list[Record]:
    progress("notebooks: one call of every printed cell, naive loops")
    cells = run_json("naive_timing.py", *(["--quick"] if ctx.quick else []))
    b = "notebooks"
    records = [Record(b, f"{c['notebook']} {c['cell']}", "seconds", c["seconds"], "s") for c in cells]
    naive_s, naive_n = sum(c["seconds"] for c in cells), sum(c["samples"] for c in cells)
    run = runs.parallel
    pipeline_rate, naive_rate = run.samples / run.reproduction_s, naive_n / naive_s
    naive, piped = "naive notebook loops, one draw each", "pipeline, cold --cores 2 reproduction.csv"
    records += per_experiment_rates(ctx, run, cells)
    return records + [
        Record(b, naive, "wall_s", naive_s, "s"),
        Record(b, naive, "samples", naive_n, "samples"),
        Record(b, naive, "samples_per_s", naive_rate, "samples/s"),
        Record(b, piped, "wall_s", run.reproduction_s, "s"),
        Record(b, piped, "samples", run.samples, "samples"),
        Record(b, piped, "samples_per_s", pipeline_rate, "samples/s"),
        Record(b, "pipeline / naive", "throughput_ratio", pipeline_rate / naive_rate, "×", Target(">=", 100)),
        Record(b, "pipeline / naive", "wall_time_ratio", run.reproduction_s / naive_s, "×", Target("<=", 1)),
    ]


def per_experiment_rates(ctx: Context, run: ParallelRun, cells: list[dict]) -> list[Record]:
    """Samples per second of each experiment, like for like: the naive cells of that experiment (library-default
    threads) against the pipeline's jobs of it (one thread each; job time from its log's first to last line,
    TensorFlow's import included), and their ratio."""
    logs = joblogs.kernel_logs(run.workspace.workdir)
    config = pipeline.read_config(ctx.config)
    records = []
    for experiment in sorted({c["experiment"] for c in cells if c["samples"]}):
        ours = [log for path, log in logs.items() if Path(path).parent.name == experiment]
        if not ours:
            continue
        mine = [c for c in cells if c["experiment"] == experiment]
        naive_rate = sum(c["samples"] for c in mine) / sum(c["seconds"] for c in mine)
        pipeline_rate = pipeline.config_samples(config, [experiment]) / sum(log.last_at for log in ours)
        records += [
            Record("notebooks", f"{experiment}: naive cells", "samples_per_s", naive_rate, "samples/s"),
            Record("notebooks", f"{experiment}: pipeline jobs, per core", "samples_per_s", pipeline_rate, "samples/s"),
            Record("notebooks", f"{experiment}: pipeline / naive", "throughput_ratio", pipeline_rate / naive_rate, "×"),
        ]
    return records


def parallel_scaling(ctx: Context, runs: PipelineRuns) -> list[Record]:
    parallel, serial = runs.parallel, runs.serial_s
    b, one, two = "parallel_scaling", f"cold --cores 1, {ctx.sweep}", f"cold --cores 2, {ctx.sweep}"
    records = [
        Record(b, one, "wall_s", serial, "s"),
        Record(b, two, "wall_s", parallel.cold_s, "s"),
        Record(b, "--cores 1 / --cores 2", "speedup", serial / parallel.cold_s, "×", Target(">=", 1.8)),
    ]
    if parallel.rest_s is not None:
        records.insert(2, Record(b, two, "reproduction_then_rest_s", parallel.reproduction_s + parallel.rest_s, "s"))
    return records


def import_tensorflow_s(repeats: int) -> float:
    """Best wall time of a bare ``python -c "import tensorflow"``."""
    env = os.environ | {"TF_CPP_MIN_LOG_LEVEL": "2"}
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import tensorflow"], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def overheads(ctx: Context, runs: PipelineRuns) -> list[Record]:
    run = runs.parallel
    workdir = run.workspace.workdir
    summary = joblogs.summarize(joblogs.kernel_logs(workdir), joblogs.run_log_totals(workdir))
    progress("overheads: cache-restored rerun, bare TensorFlow import")
    pipeline.delete_results(run.workspace)
    restored = pipeline.snakemake(run.workspace, *ctx.targets, cores=2, label="restored")
    source = "Snakemake run log" if summary.from_run_log else "job logs only"
    jobs = f"{summary.jobs} kernel jobs, cold --cores 2 ({source})"
    b, rerun = "overheads", f"rerun after rm -r results/, same cache, {ctx.sweep}"
    return [
        Record(b, jobs, "startup_per_job_s", summary.startup_s / max(summary.jobs, 1), "s"),
        Record(b, jobs, "startup_share", summary.startup_s / summary.total_s, "fraction"),
        Record(b, jobs, "compute_share", summary.computed_s / summary.total_s, "fraction"),
        Record(b, jobs, "peak_memory_max", summary.peak_mb, "MB", Target("<=", 1500)),
        Record(b, "python -c 'import tensorflow'", "wall_s", import_tensorflow_s(1 if ctx.quick else 3), "s"),
        Record(b, f"no-op rerun --cores 2, {ctx.sweep}", "wall_s", run.noop_s, "s", Target("<=", 5)),
        Record(b, rerun, "wall_s", restored, "s"),
        Record(b, rerun, "share_of_cold", restored / run.cold_s, "fraction", Target("<=", 0.15)),
    ]


# ---- 5. work scaling --------------------------------------------------------------------------------------


def scaling_seeds(width: int, depth: int, budget_s: float) -> int:
    """Seeds for a point of about ``budget_s`` under a conservative model, at least 1, within memory."""
    per_seed = flops.gradient_flow_flops(width, depth, 1) / ASSUMED_FLOPS + depth * width**2 / ASSUMED_NORMALS
    cap = max(1, MAX_BATCH_BYTES // (4 * width**2))
    return max(1, min(cap, int(budget_s / per_seed)))


def work_scaling(ctx: Context, runs: PipelineRuns) -> list[Record]:
    widths, depths = (QUICK_WIDTHS, QUICK_DEPTHS) if ctx.quick else (WIDTHS, DEPTHS)
    depth_width = widths[1] if ctx.quick else DEPTH_SWEEP_WIDTH
    budget = 0.1 if ctx.quick else 2.5
    sweeps = {"width": [(w, WIDTH_SWEEP_DEPTH) for w in widths], "depth": [(depth_width, d) for d in depths]}
    points = [
        {"sweep": s, "width": w, "depth": d, "seeds": scaling_seeds(w, d, budget)}
        for s, shapes in sweeps.items()
        for w, d in shapes
    ]
    progress(f"work scaling: gradient_flow at {len(points)} sizes")
    timed = run_json("work_scaling.py", "--points", json.dumps(points))
    b, records = "work_scaling", []
    for sweep in sweeps:
        mine = [p for p in timed if p["sweep"] == sweep]
        for p in mine:
            case = f"{sweep} sweep w{p['width']} d{p['depth']} n{p['seeds']}"
            records.append(Record(b, case, "seconds", p["seconds"], "s"))
            records.append(Record(b, case, "seconds_per_seed", p["seconds"] / p["seeds"], "s"))
        fit = flops.fit_through_largest([(p["width"], p["depth"], p["seconds"] / p["seeds"]) for p in mine])
        records.append(Record(b, f"{sweep} sweep fit", "seconds_per_flop", fit, "s/FLOP"))
    return records


SECTIONS = {
    "kernel_efficiency": kernel_efficiency,
    "work_scaling": work_scaling,
    "notebooks": notebooks,
    "parallel_scaling": parallel_scaling,
    "overheads": overheads,
}
