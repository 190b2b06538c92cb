"""Content checksums of cached outputs, verified before Snakemake may serve them.

Snakemake's between-workflow cache keys an entry by the provenance of its inputs, not by its content, and serves
whatever bytes lie under that key. Every cached rule therefore writes one more output, ``<base>.sha256``, beside
its others (one multiext): a line ``<SHA-256>  <ext>`` per output ``<base><ext>``. The cache stores it with them.
Before any job runs, ``verify_cache`` reads every entry's checksums; an entry whose bytes differ is removed with a
warning naming it, so that Snakemake recomputes it: a corrupt or edited number is never used. Entries are then
made read-only (Snakemake stores them writable by everyone), so that writing through a link in results/ fails.
"""

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from initstab.io import write_atomic

EXT = ".sha256"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(outputs: Iterable) -> None:
    """Write the ``.sha256`` file among a rule's ``outputs`` (one multiext) for all the others."""
    outputs = [str(path) for path in outputs]
    (sidecar,) = [path for path in outputs if path.endswith(EXT)]
    base = sidecar[: -len(EXT)]
    lines = [f"{file_sha256(path)}  {path[len(base) :]}\n" for path in outputs if path != sidecar]
    write_atomic(sidecar, lambda tmp: Path(tmp).write_text("".join(lines)))


def problems(sidecar: Path) -> list[str]:
    """What is wrong with the files a ``.sha256`` file lists (a missing file is not wrong: it may be on its way)."""
    base = str(sidecar)[: -len(EXT)]
    found = []
    for line in sidecar.read_text().splitlines():
        expected, _, ext = line.partition("  ")
        path = Path(base + ext)
        if path.exists() and file_sha256(path) != expected:
            found.append(f"{path.name}: content SHA-256 {file_sha256(path)}, stored {expected}")
    return found


def verify_cache(cache: Path, results: Path, warn) -> list[Path]:
    """Remove every cache entry whose content does not match its checksums (``warn`` names each and why); make
    every entry read-only; remove the links in ``results`` that point into ``cache`` at nothing (Snakemake takes a
    dangling link for an existing output and would neither restore nor recompute it). Returns the removed files."""
    cache, removed = Path(cache).resolve(), []
    for sidecar in sorted(cache.glob(f"*{EXT}")):
        try:
            found = problems(sidecar)
        except (OSError, UnicodeDecodeError) as error:
            found = [f"{sidecar.name} unreadable: {error}"]
        entry = sorted(cache.glob(sidecar.name[: -len(EXT)] + "*"))
        if found:
            warn(f"corrupt cache entry {sidecar.with_suffix('')} removed, it will be recomputed: {'; '.join(found)}")
            for path in entry:
                path.unlink(missing_ok=True)
            removed += entry
            continue
        for path in entry:
            if path.stat().st_mode & 0o777 != READ_ONLY:
                os.chmod(path, READ_ONLY)
    for link in Path(results).rglob("*"):
        if link.is_symlink() and not link.exists() and (link.parent / os.readlink(link)).parent.resolve() == cache:
            link.unlink()
    return removed
