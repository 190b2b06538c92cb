"""Test-only hook that holds kernel jobs of a Snakemake run, so a test can interrupt jobs provably still running.

Python imports ``sitecustomize`` at start-up from the first directory on its path that has one; tests put this
directory on PYTHONPATH (which the workflow keeps, prepending its src/) for the one run they want to interrupt.
Nothing here touches src/ or workflow/, and nothing happens unless INITSTAB_TEST_HOLD_FIFO is set and the process
runs Snakemake's copy of workflow/scripts/run_kernel.py (``.snakemake/scripts/tmpXXXXXX.run_kernel.py``): not in
Snakemake's own process, nor in any other rule's script.

In such a process, at the first module imported after Snakemake's preamble has defined ``snakemake`` (the job:
wildcards known, no kernel run, nothing written), the hook writes one line to the FIFO INITSTAB_TEST_HOLD_FIFO names,
``<verdict> <experiment>/<job> <pid>``:

* ``passed``: one of the first INITSTAB_TEST_HOLD_PASSES (default 0) kernel jobs to get here (each takes one token,
  a file created with O_EXCL next to the FIFO); the job then runs as usual.
* ``held``: every later job; it then waits for a signal forever (SIGINT raises KeyboardInterrupt, SIGTERM and
  SIGKILL end it), so it never computes or writes anything.

The test keeps the FIFO open for reading for the whole run, so writing to it never blocks.
"""

import os
import signal
import sys

FIFO = os.environ.get("INITSTAB_TEST_HOLD_FIFO")


def _report_and_hold(job) -> None:
    name = f"{job.wildcards.experiment}/{job.wildcards.job}"
    verdict = "held"
    for token in range(int(os.environ.get("INITSTAB_TEST_HOLD_PASSES", "0"))):
        try:
            os.close(os.open(f"{FIFO}.pass{token}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        verdict = "passed"
        break
    with open(FIFO, "w") as report:  # one short write: atomic, never interleaved with another job's line
        report.write(f"{verdict} {name} {os.getpid()}\n")
    while verdict == "held":
        signal.pause()


def _install() -> None:
    if not FIFO or not sys.argv or not os.path.basename(sys.argv[0]).endswith("run_kernel.py"):
        return
    done = False

    def hook(event: str, args: tuple) -> None:
        nonlocal done
        if done or event != "import":
            return
        job = getattr(sys.modules.get("__main__"), "snakemake", None)
        if job is None or getattr(job, "rule", None) != "kernel":
            return  # still in the preamble (it imports Snakemake to unpickle the job)
        done = True  # before reporting: its own opens and imports raise audit events too
        _report_and_hold(job)

    sys.addaudithook(hook)


_install()
