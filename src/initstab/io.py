"""Atomic file writes: a reader (or a rerun after a crash) never sees a half-written output."""

import os
import shutil
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


def concatenate_csv(paths, path, header: str) -> None:
    """One CSV at ``path``: the line ``header``, then the rows of each file of ``paths`` byte for byte (each must start
    with that header). For tables ``write_csv`` wrote with one schema this is what writing their concatenation gives,
    without formatting every number again (pandas' writer takes ~60 ns per value)."""

    def write(tmp):
        with open(tmp, "wb") as out:
            out.write(header.encode() + b"\n")
            for part in paths:
                with open(part, "rb") as rows:
                    found = rows.readline().rstrip(b"\r\n").decode()
                    if found != header:
                        raise ValueError(f"{part}: header {found!r}, expected {header!r}")
                    shutil.copyfileobj(rows, out)

    write_atomic(path, write)
