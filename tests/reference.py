"""The tiny run's reference values (tests/data/tiny_reference.*): the tidy tables of the commit that last changed
the numbers by design (common random numbers, issue 15), same seeds. Record them anew from a finished tiny run with
``python tests/reference.py <its working directory> <what changed them>``; the test then holds every later commit to
them.

Bit-identity is a property of one machine: TensorFlow's oneDNN picks its matmul kernels by the CPU's vector
instructions, so the last bits of a float32 sum differ between, say, AVX2 and AVX-512 hosts. The reference run of
1195558 is recorded on two hosts (SHA-256 per table, keyed by the host's fingerprint where it is known). On a host
with a recorded fingerprint every table must hash equal to that host's; elsewhere it may hash equal to any recorded
host's, else every key, flag and non-finite value must match the stored rows exactly and every finite value to
within a float32 rounding band.
"""

import hashlib
import json
import platform
import sys
from importlib.metadata import version
from pathlib import Path

import pandas as pd

# The tidy columns the reference keeps (later columns, such as sigma_w2, are not part of it).
REFERENCE_COLUMNS = (
    "experiment", "activation", "init", "scale", "bias_variance", "regime", "width", "depth", "dtype",
    "seed", "layer", "metric", "value", "finite", "x", "device",
)  # fmt: skip
KEYS = [c for c in REFERENCE_COLUMNS if c not in ("value", "finite", "device")]
DATA = Path(__file__).parent / "data"
# CPU features that change which kernels oneDNN runs
ISA_FLAGS = ("avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16", "amx_tile")


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """The reference columns, rows in a canonical order."""
    table = table[list(REFERENCE_COLUMNS)].astype({"layer": "Int64"})
    return table.sort_values(KEYS, kind="stable").reset_index(drop=True)


def fingerprint() -> str:
    """The machine as far as TensorFlow's CPU kernels care: architecture, vector ISA, TensorFlow's version."""
    flags = set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        line = next((ln for ln in cpuinfo.read_text().splitlines() if ln.startswith("flags")), "")
        flags = set(line.split(":", 1)[-1].split())
    return " ".join([platform.machine(), *[f for f in ISA_FLAGS if f in flags], f"tensorflow-{version('tensorflow')}"])


def reference() -> tuple[dict, pd.DataFrame]:
    """(metadata: commit, per-host per-table SHA-256), and the reference rows of every table."""
    meta = json.loads((DATA / "tiny_reference.json").read_text())
    return meta, pd.read_csv(DATA / "tiny_reference.csv.gz", dtype={"layer": "Int64"})


def digest(table: pd.DataFrame) -> str:
    """SHA-256 of a canonical table, every float to its last bit."""
    return hashlib.sha256(table.to_csv(index=False, float_format="%.17g").encode()).hexdigest()


def record(workdir: Path, commit: str) -> None:
    """Make the tables of the tiny run in ``workdir`` the reference, on this host."""
    tables = {path.stem: canonical(pd.read_csv(path, dtype={"layer": "Int64"})) for path in
              sorted((workdir / "results" / "tables").glob("*.csv")) if not path.stem.endswith("_summary")
              and path.stem not in ("reproduction", "theory")}  # fmt: skip
    meta = {"commit": commit, "sha256": {fingerprint(): {name: digest(table) for name, table in tables.items()}}}
    (DATA / "tiny_reference.json").write_text(json.dumps(meta, indent=1) + "\n")
    rows = pd.concat(tables.values(), ignore_index=True)
    rows.to_csv(DATA / "tiny_reference.csv.gz", index=False, float_format="%.17g")


if __name__ == "__main__":
    record(Path(sys.argv[1]), sys.argv[2])
