"""Atomic file writes: a reader (or a rerun after a crash) never sees a half-written output."""

import os
import tempfile
from pathlib import Path

import pandas as pd


def write_atomic(path, write) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(table: pd.DataFrame, path) -> None:
    write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))
