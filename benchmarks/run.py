"""Benchmark initstab: the numbers of the README's performance table, measured side by side on this machine.

    .venv/bin/python benchmarks/run.py [--quick] [--config FILE] [--sections a,b] [--out DIR]

Sections, each written to ``<out>/<section>.csv`` (records.py); a markdown table of the headline rows of every
section CSV in ``<out>`` follows. kernel_efficiency: the jobs of gradient_flow, forward, depth_scale and phase_diagram
of the config's shapes (less
their depth-1 twins) against the batched matmuls or matvecs and the base draws of their layers, ns per normal, and
gradient_flow at width 4096 (kernel_timing.py). notebooks: every
printed notebook cell once (naive_timing.py) against the pipeline's jobs (samples/s, one core each) and a cold
--cores 2 reproduction.csv. parallel_scaling: cold sweep, --cores 2 against --cores 1. baseline: the cold
--cores 2 sweep against the same config at commit 1195558 (full mode). overheads: per-job start-up,
import tensorflow, no-op rerun, rerun restored from the cache, peak memory.
Full mode measures benchmarks/config_1195558.yaml (the default sweep of commit 1195558) on an idle machine;
``--quick`` the tiny test config, tiny kernels and the cheapest cells, building only reproduction.csv (a smoke
test). TensorFlow never loads in this process: every measurement runs in a subprocess.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pipeline
import records
from records import Record, Target

BENCHMARKS = Path(__file__).resolve().parent
CONFIG, QUICK_CONFIG = BENCHMARKS / "config_1195558.yaml", pipeline.REPO / "tests/data/tiny_config.yaml"
# FLOPs per layer, seed and combination at width k (a multiply-add is 2): gradient_flow's Y update is a k×k matmul,
# forward's x·W a matvec, depth_scale's two (two inputs), phase_diagram's two (W·h forward, W·u for the gradient);
# everything else (φ, φ′, statistics, draws: timed as draw_s) is counted as overhead.
FLOPS = {
    "gradient_flow": lambda k: 2 * k**3,
    "forward": lambda k: 2 * k**2,
    "depth_scale": lambda k: 4 * k**2,
    "phase_diagram": lambda k: 4 * k**2,
}
# Targets (issue 15): gradient_flow at ≥ 50 % of the batched-matmul rate; the matvec kernels at ≥ 30 % of their
# matvecs' or, as drawing bounds them (a weight drawn feeds 2–4 flops), with ≥ 50 % of their time in the draws.
LIMIT = {"gradient_flow": 0.5, "forward": 0.3, "depth_scale": 0.3, "phase_diagram": 0.3}
NORMALS_PER_CALL = 6e7  # ≈ 1 s of drawing per timed job
BASELINE = "1195558"  # the commit issue 15 measured; CONFIG is its default sweep
LARGE = {"kernel": "gradient_flow", "width": 4096, "depth": 2, "seeds": 1, "combinations": 1, "config_seeds": 0}
HEADLINE = [
    "time_ratio",
    "efficiency",
    "draw_share",
    "gflops",
    "ns_per_normal",
    "samples_per_s",
    "wall_s",
    "startup_per_job_s",
]


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_json(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 1800):
    """Run benchmarks/<script> in a fresh Python (TensorFlow stays out of this process); its last stdout line."""
    environment = os.environ | {"PYTHONPATH": str(pipeline.REPO / "src"), "TF_CPP_MIN_LOG_LEVEL": "2"} | (env or {})
    command = [sys.executable, str(BENCHMARKS / script), *args]
    run = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=pipeline.REPO, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{run.stderr[-4000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class ParallelRun:
    """The cold --cores 2 run as two invocations (reproduction.csv timed alone, then the rest); a no-op rerun."""

    workspace: pipeline.Workspace
    reproduction_s: float
    rest_s: float | None  # None: --quick builds only reproduction.csv
    noop_s: float

    @property
    def cold_s(self) -> float:
        """One cold `snakemake --cores 2`: the two invocations less one invocation's fixed cost (the no-op run)."""
        return self.reproduction_s if self.rest_s is None else self.reproduction_s + self.rest_s - self.noop_s


class Bench:
    """What the sections share: the mode, the sweep's config, and the cold pipeline runs, each made once and only
    when a section asks for it. --quick builds only reproduction.csv (every notebook kernel, no figures)."""

    def __init__(self, quick: bool, config: Path, scratch: Path):
        self.quick, self.config, self.scratch = quick, config, scratch
        self.targets = (pipeline.REPRODUCTION,) if quick else ()
        self.sweep = "reproduction.csv" if quick else "whole sweep"

    @cached_property
    def parallel(self) -> ParallelRun:
        workspace = pipeline.new_workspace(self.scratch / "cores2", self.config)
        progress("pipeline: cold snakemake --cores 2 results/tables/reproduction.csv")
        reproduction = pipeline.snakemake(workspace, pipeline.REPRODUCTION, cores=2, label="reproduction")
        rest = None if self.quick else pipeline.snakemake(workspace, cores=2, label="rest")
        progress("pipeline: no-op rerun")
        noop = pipeline.snakemake(workspace, *self.targets, cores=2, label="noop")
        if "Nothing to be done" not in (workspace.workdir.parent / "noop.out").read_text():
            progress("  WARNING: the no-op rerun ran jobs: were sources edited during the benchmark?")
        return ParallelRun(workspace, reproduction, rest, noop)

    @cached_property
    def serial_s(self) -> float:
        workspace = pipeline.new_workspace(self.scratch / "cores1", self.config)
        progress(f"pipeline: cold snakemake --cores 1 ({self.sweep})")
        return pipeline.snakemake(workspace, *self.targets, cores=1, label="serial")


def timed_seeds(width: int, depth: int, seeds: int) -> int:  # the config's, cut to NORMALS_PER_CALL
    return min(seeds, max(1, int(NORMALS_PER_CALL // (depth * width**2))))


def efficiency_records(result: dict) -> list[Record]:
    """What depth − 1 layers cost the kernel (its time less its depth-1 twin's) against their matmuls (matvecs)
    alone and their base draws alone."""
    kernel, k, d, n, c = (result[key] for key in ("kernel", "width", "depth", "seeds", "combinations"))
    case = f"{kernel} w{k} d{d} n{n} ×{c}"
    layers_s = result["best_s"] - result["twin_s"]
    achieved = FLOPS[kernel](k) * (d - 1) * n * c / layers_s
    b, configured = "kernel_efficiency", bool(result["config_seeds"])
    limit = Target(">=", LIMIT[kernel]) if configured else None
    drawn = Target(">=", 0.5) if configured and kernel != "gradient_flow" else None
    return [
        Record(b, case, "efficiency", result["baseline_s"] / layers_s, "fraction", limit),
        Record(b, case, "draw_share", result["draw_s"] / layers_s, "fraction", drawn),
        Record(b, case, "ns_per_normal", 1e9 * result["draw_s"] / ((d - 1) * n * k**2), "ns"),
        Record(b, case, "gflops", achieved / 1e9, "GFLOP/s"),
        Record(b, case, "matmul_gflops", achieved * layers_s / result["baseline_s"] / 1e9, "GFLOP/s"),
    ]


def efficiency_cases(config: dict, quick: bool) -> list[dict]:
    shapes = [(kernel, *shape) for kernel in FLOPS for shape in pipeline.kernel_shapes(config, kernel)]
    cases = [
        {"kernel": kernel, "width": w, "depth": d, "seeds": timed_seeds(w, d, n), "combinations": c, "config_seeds": n}
        for kernel, w, d, n, c in shapes
        if d > 1  # a depth-1 job is its own twin: no layer beyond it to time
    ]
    return cases + [LARGE | ({"width": 64} if quick else {})]


def kernel_efficiency(bench: Bench) -> list[Record]:
    cases = json.dumps(efficiency_cases(pipeline.read_config(bench.config), bench.quick))
    progress("kernel efficiency: the config's gradient_flow and forward shapes")
    results = run_json("kernel_timing.py", "--cases", cases, "--repeats", "1" if bench.quick else "3")
    return [record for result in results for record in efficiency_records(result)]


def notebooks(bench: Bench) -> list[Record]:
    """Per experiment, like for like: samples/s of its naive cells (library-default threads) against its pipeline
    jobs (one thread each; a job's time is its log's first to last line, TensorFlow's import included)."""
    progress("notebooks: one call of every printed cell, naive loops")
    cells = run_json("naive_timing.py", *(["--quick"] if bench.quick else []))
    run, b = bench.parallel, "notebooks"
    measured = [Record(b, f"{c['notebook']} {c['cell']}", "seconds", c["seconds"], "s") for c in cells]
    measured.append(Record(b, "naive loops, every printed cell once", "wall_s", sum(c["seconds"] for c in cells), "s"))
    measured.append(Record(b, "pipeline, cold --cores 2 reproduction.csv", "wall_s", run.reproduction_s, "s"))
    logs, config = pipeline.kernel_logs(run.workspace.workdir), pipeline.read_config(bench.config)
    for experiment in sorted({c["experiment"] for c in cells if c["samples"]}):
        jobs = [log for path, log in logs.items() if Path(path).parent.name == experiment]
        if not jobs:
            continue
        mine = [c for c in cells if c["experiment"] == experiment]
        naive = sum(c["samples"] for c in mine) / sum(c["seconds"] for c in mine)
        ours = pipeline.config_samples(config, [experiment]) / sum(log.last_at for log in jobs)
        measured += [
            Record(b, f"{experiment}: naive cells", "samples_per_s", naive, "samples/s"),
            Record(b, f"{experiment}: pipeline jobs, per core", "samples_per_s", ours, "samples/s"),
            Record(b, f"{experiment}: pipeline / naive", "throughput_ratio", ours / naive, "×", Target(">=", 100)),
        ]
    return measured


def parallel_scaling(bench: Bench) -> list[Record]:
    parallel, serial = bench.parallel, bench.serial_s
    b, one, two = "parallel_scaling", f"cold --cores 1, {bench.sweep}", f"cold --cores 2, {bench.sweep}"
    return [
        Record(b, one, "wall_s", serial, "s"),
        Record(b, two, "wall_s", parallel.cold_s, "s"),
        Record(b, "--cores 1 / --cores 2", "speedup", serial / parallel.cold_s, "×", Target(">=", 1.8)),
    ]


def overheads(bench: Bench) -> list[Record]:
    """Start-up: each job's log up to the kernel's start (TensorFlow's import and set-up, the library's imports;
    not the interpreter's start before the log opens), over the jobs' time in their logs."""
    run, logs = bench.parallel, pipeline.kernel_logs(bench.parallel.workspace.workdir).values()
    startup_s, total_s = sum(log.startup_s for log in logs), sum(log.last_at for log in logs)
    progress("overheads: bare TensorFlow import, rerun after rm -r results/")
    imports = []
    for _ in range(1 if bench.quick else 3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True)
        imports.append(time.perf_counter() - start)
    shutil.rmtree(run.workspace.workdir / "results")
    restored = pipeline.snakemake(run.workspace, *bench.targets, cores=2, label="restored")
    b, jobs = "overheads", f"{len(logs)} kernel jobs, cold --cores 2"
    rerun = f"rerun after rm -r results/, {bench.sweep}"
    return [
        Record(b, jobs, "startup_per_job_s", startup_s / max(len(logs), 1), "s"),
        Record(b, jobs, "startup_share", startup_s / total_s, "fraction"),
        Record(b, jobs, "peak_memory_max", max(log.peak_mb for log in logs), "MB", Target("<=", 1500)),
        Record(b, "python -c 'import tensorflow', best", "wall_s", min(imports), "s"),
        Record(b, f"no-op rerun --cores 2, {bench.sweep}", "wall_s", run.noop_s, "s", Target("<=", 5)),
        Record(b, rerun, "wall_s", restored, "s"),
        Record(b, rerun, "share_of_cold", restored / run.cold_s, "fraction", Target("<=", 0.15)),
    ]


def baseline(bench: Bench) -> list[Record]:
    """The cold --cores 2 sweep of this checkout against the same config at BASELINE (its code exported from git),
    one after the other on this machine."""
    if bench.quick:  # the tiny config has keys BASELINE's schema refuses
        progress(f"baseline: skipped with --quick (the tiny config is not valid at {BASELINE})")
        return []
    checkout = bench.scratch / "baseline"
    checkout.mkdir()
    archive = subprocess.run(["git", "archive", BASELINE], cwd=pipeline.REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(checkout)], input=archive.stdout, check=True)
    workspace = pipeline.new_workspace(bench.scratch / "baseline_run", bench.config)
    progress(f"baseline: cold snakemake --cores 2 at {BASELINE} ({bench.sweep})")
    old = pipeline.snakemake(workspace, cores=2, label="baseline", repo=checkout)
    new, b = bench.parallel.cold_s, "baseline"
    measured = [
        Record(b, f"cold --cores 2 at {BASELINE}, {bench.sweep}", "wall_s", old, "s"),
        Record(b, f"cold --cores 2, this commit, {bench.sweep}", "wall_s", new, "s"),
        Record(b, f"this commit / {BASELINE}", "time_ratio", new / old, "×", Target("<=", 0.5)),
    ]
    # jobs were regrouped since (a job is a seed range of every combination of one shape): per experiment, then
    before, after = (pipeline.kernel_seconds(w.workdir) for w in (workspace, bench.parallel.workspace))
    for experiment in sorted(before.keys() & after.keys()):
        case = f"{experiment}: kernel seconds"
        measured += [
            Record(b, f"{case} at {BASELINE}", "kernel_s", before[experiment], "s"),
            Record(b, f"{case}, this commit", "kernel_s", after[experiment], "s"),
            Record(b, f"{case}, this commit / {BASELINE}", "time_ratio", after[experiment] / before[experiment], "×",
                   Target("<=", 1)),
        ]  # fmt: skip
    return measured


# Fixed order: overheads deletes the cold run's results/ last.
SECTIONS = {f.__name__: f for f in (kernel_efficiency, notebooks, parallel_scaling, baseline, overheads)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny config and sizes: a smoke test")
    parser.add_argument("--config", type=Path, help=f"the sweep (default {CONFIG.name}; --quick: the tiny config)")
    parser.add_argument("--out", type=Path, default=pipeline.REPO / "results" / "benchmarks")
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated subset (default: all)")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.sections.split(",") if name.strip()]
    if unknown := sorted(set(chosen) - set(SECTIONS)):
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    start, config = time.perf_counter(), args.config or (QUICK_CONFIG if args.quick else CONFIG)
    with tempfile.TemporaryDirectory(prefix="initstab-benchmark-") as scratch:
        bench = Bench(args.quick, config.resolve(), Path(scratch))
        measured = [record for name, section in SECTIONS.items() if name in chosen for record in section(bench)]
    records.write_tidy(measured, args.out)
    print(f"\n{config.name}: {(time.perf_counter() - start) / 60:.1f} min; tables in {args.out}\n", file=sys.stderr)
    print(records.markdown_table(records.headline(records.read_tidy(args.out, SECTIONS), HEADLINE)))


if __name__ == "__main__":
    main()
