"""Benchmark initstab: is it fast enough to sweep wide? (GitHub issue "Fast enough to sweep wide")

    .venv/bin/python benchmarks/run.py [--quick] [--out results/benchmarks] [--keep DIR]

Measures, side by side in one run on this machine (sections.py says how each is measured):
  1. kernel_efficiency  kernels' FLOP/s as a fraction of batched matmul FLOP/s of the same shapes; draw share
  2. notebooks          naive notebook loops (naive.py) against the pipeline making the same experiments
  3. parallel_scaling   cold sweep, --cores 2 against --cores 1
  4. overheads          per-job start-up, TensorFlow import, no-op and cache-restored reruns, peak memory
  5. work_scaling       gradient_flow's time against width and depth
and writes ``<out>/<section>.csv`` (tidy: benchmark, case, quantity, value, unit, target, met),
``<out>/benchmarks.png`` and ``.pdf``, then prints a markdown table of the headline numbers for the README.

Full mode measures the default config (config.yaml) and should be run on an otherwise idle machine; ``--quick``
uses tests/data/tiny_config.yaml, tiny kernel sizes, only the cheapest notebook cells, and builds only
reproduction.csv in the parallel-scaling and rerun measurements (a smoke test; its numbers mean little). TensorFlow
never loads in this process: every measurement runs in a subprocess (so thread settings and
TF_ENABLE_ONEDNN_OPTS can differ per measurement) and this process only orchestrates, writes and plots.
``--sections`` runs a subset (names above), e.g. to split a long full run: the table and the figure cover every
section CSV found in ``--out``, so the parts of a split run end up in one table.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import records
import sections
from pipeline import REPO
from plots import benchmark_figure

HEADLINE = ["efficiency", "draw_share", "gflops", "samples_per_s", "wall_s", "startup_per_job_s", "startup_share"]
DEFAULT_VARIANT = "jit=0 onednn=1"  # the pipeline's settings; other variants appear where a target applies


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny config and sizes: a smoke test")
    parser.add_argument("--out", type=Path, default=REPO / "results" / "benchmarks", help="output directory")
    parser.add_argument(
        "--sections",
        default=",".join(sections.SECTIONS),
        help=f"comma-separated subset of {', '.join(sections.SECTIONS)} (default: all)",
    )
    parser.add_argument(
        "--keep", type=Path, help="keep the pipeline runs' workspaces (results, logs, caches) in this new directory"
    )
    args = parser.parse_args(argv)
    args.sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = sorted(set(args.sections) - set(sections.SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(sections.SECTIONS)}")
    return args


def measure(args: argparse.Namespace, scratch: Path) -> list[records.Record]:
    config = REPO / ("tests/data/tiny_config.yaml" if args.quick else "config.yaml")
    ctx = sections.Context(quick=args.quick, config=config, scratch=scratch)
    runs = sections.PipelineRuns(ctx)
    measured = []
    for name in sections.SECTIONS:  # fixed order: overheads deletes the cold run's results/ last
        if name in args.sections:
            measured += sections.SECTIONS[name](ctx, runs)
    return measured


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    start = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True)
        measured = measure(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="initstab-benchmark-") as scratch:
            measured = measure(args, Path(scratch))
    records.write_tidy(measured, args.out)
    frame = records.read_tidy(args.out, sections.SECTIONS)
    figure = benchmark_figure(frame)
    for suffix in (".png", ".pdf"):
        figure.savefig(args.out / f"benchmarks{suffix}", dpi=200)
    minutes = (time.perf_counter() - start) / 60
    mode = "quick (tiny config)" if args.quick else "full (config.yaml)"
    print(f"\nBenchmarks, {mode}, {minutes:.1f} min; tables and figure in {args.out}\n", file=sys.stderr)
    print(records.markdown_table(records.headline(frame, HEADLINE, DEFAULT_VARIANT)))


if __name__ == "__main__":
    main()
