"""Parse what a pipeline run leaves behind: each kernel job's log and Snakemake's own run log.

A kernel job log (``results/logs/jobs/<experiment>/<job>.log``) has timestamped lines such as
``2026-11-25 10:00:01,234 INFO kernel: computed 12345 rows on /CPU:0 in 3.21 s`` and ``… peak memory 812 MB``.
Its first line is written right after the job's Python starts, before TensorFlow is imported, so
``(time of the 'computed' line − first time) − computed seconds`` is the start-up inside the log: TensorFlow's
import and configuration plus the library's imports. What happens before the first line (interpreter start-up,
Snakemake's script preamble) and after the last is visible only in Snakemake's run log
(``.snakemake/log/*.snakemake.log``), which stamps each job's start and finish to the second; a job's total is
finish − start from there, and its start-up is its total minus the computing and the log's time after it. With
1-s stamps one job's numbers are ±1 s, but the errors average out over a run's jobs, so shares are taken over
sums.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOG_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
COMPUTED = re.compile(r"computed \d+ rows on \S+ in ([0-9.]+) s")
PEAK = re.compile(r"peak memory ([0-9.]+) MB")
RUN_STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
RULE = re.compile(r"^(?:local)?rule (\w+):$")
LOG_FIELD = re.compile(r"^\s+log: (.+)$")
JOBID = re.compile(r"^\s+jobid: (\d+)$")
FINISHED = re.compile(r"^Finished job(?:id:)? (\d+)")


@dataclass(frozen=True)
class KernelLog:
    """Times (s, relative to the log's first line) and peak memory (MB) of one kernel job."""

    computed_at: float  # 'computed' line
    computed_s: float  # the kernel's own timing
    last_at: float  # last timestamped line
    peak_mb: float

    @property
    def startup_in_log(self) -> float:
        return self.computed_at - self.computed_s

    @property
    def after_compute(self) -> float:
        """Writing the CSV and the last log lines."""
        return self.last_at - self.computed_at


def _log_time(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")


def parse_kernel_log(text: str) -> KernelLog | None:
    """The timing of one kernel job log, or None if it never reached its 'computed' line."""
    stamps, computed, peaks = [], None, []
    for line in text.splitlines():
        stamp = LOG_STAMP.match(line)
        if not stamp:
            continue
        at = _log_time(stamp.group(1))
        stamps.append(at)
        if (match := COMPUTED.search(line)) and computed is None:
            computed = (at, float(match.group(1)))
        if match := PEAK.search(line):
            peaks.append(float(match.group(1)))
    if computed is None:
        return None
    first = stamps[0]
    return KernelLog(
        computed_at=(computed[0] - first).total_seconds(),
        computed_s=computed[1],
        last_at=(stamps[-1] - first).total_seconds(),
        peak_mb=max(peaks, default=float("nan")),
    )


def parse_run_log(text: str, rule: str = "kernel") -> dict[str, float]:
    """Seconds from start to finish of every job of ``rule`` in a Snakemake run log, keyed by its log file."""
    now, pending, started, totals = None, None, {}, {}
    for line in text.splitlines():
        if stamp := RUN_STAMP.match(line):
            now = datetime.strptime(stamp.group(1), "%a %b %d %H:%M:%S %Y")
        elif match := RULE.match(line):
            pending = {"rule": match.group(1), "start": now, "log": None}
        elif (match := LOG_FIELD.match(line)) and pending is not None:
            pending["log"] = match.group(1).split(",")[0].strip()
        elif (match := JOBID.match(line)) and pending is not None:
            started[match.group(1)], pending = pending, None
        elif (match := FINISHED.match(line)) and match.group(1) in started:
            job = started.pop(match.group(1))
            if job["rule"] == rule and job["log"]:
                totals[job["log"]] = (now - job["start"]).total_seconds()
    return totals


def kernel_logs(workdir: Path) -> dict[str, KernelLog]:
    """Every kernel job log of a run that reached its 'computed' line, keyed by its path relative to ``workdir``."""
    parsed = {}
    for path in sorted((workdir / "results" / "logs" / "jobs").glob("*/*.log")):
        log = parse_kernel_log(path.read_text(errors="replace"))
        if log is not None:
            parsed[str(path.relative_to(workdir))] = log
    return parsed


def run_log_totals(workdir: Path) -> dict[str, float]:
    """Per-kernel-job totals from every Snakemake run log in ``workdir`` (later runs override earlier ones)."""
    totals = {}
    for path in sorted((workdir / ".snakemake" / "log").glob("*.snakemake.log")):
        totals.update(parse_run_log(path.read_text(errors="replace")))
    return totals


@dataclass(frozen=True)
class StartupSummary:
    jobs: int
    total_s: float  # Σ job totals
    startup_s: float  # Σ start-ups
    computed_s: float  # Σ kernel computing
    peak_mb: float  # max over jobs
    from_run_log: bool  # totals from Snakemake's run log (else from the job logs alone)


def summarize(logs: dict[str, KernelLog], totals: dict[str, float]) -> StartupSummary:
    """Start-up = total − computing − after-compute, summed over jobs.

    With Snakemake's totals for every job, the start-up includes the interpreter and Snakemake's preamble
    before the first log line; without them, totals are the logs' own first-to-last spans and the start-up
    is the in-log part only.
    """
    from_run_log = bool(logs) and all(name in totals for name in logs)
    total = startup = computed = 0.0
    for name, log in logs.items():
        job_total = totals[name] if from_run_log else log.last_at
        total += job_total
        computed += log.computed_s
        startup += job_total - log.computed_s - log.after_compute
    peak = max((log.peak_mb for log in logs.values()), default=float("nan"))
    return StartupSummary(len(logs), total, startup, computed, peak, from_run_log)
