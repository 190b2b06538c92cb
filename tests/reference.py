"""The tiny run's reference values (tests/data/tiny_reference.*): the tidy tables of commit 1195558, same seeds.

Bit-identity is a property of one machine: TensorFlow's oneDNN picks its matmul kernels by the CPU's vector
instructions, so the last bits of a float32 sum differ between, say, AVX2 and AVX-512 hosts. The reference run of
1195558 is recorded on two hosts (SHA-256 per table, keyed by the host's fingerprint where it is known). On a host
with a recorded fingerprint every table must hash equal to that host's; elsewhere it may hash equal to any recorded
host's, else every key, flag and non-finite value must match the stored rows exactly and every finite value to
within a float32 rounding band.
"""

import json
import platform
from importlib.metadata import version
from pathlib import Path

import pandas as pd

# The tidy columns of 1195558 (later columns, such as sigma_w2, are not part of the reference).
REFERENCE_COLUMNS = (
    "experiment", "activation", "init", "scale", "bias_variance", "width", "depth", "dtype",
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
