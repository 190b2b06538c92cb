"""Provenance of results: config hash, software versions, commit (standard library only, cheap to import)."""

import datetime
import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

PACKAGES = ["initstab", "tensorflow", "numpy", "pandas", "scipy", "matplotlib", "seaborn", "snakemake"]
# What a kernel's numbers depend on besides its spec and sources: in its cache key, so an upgrade recomputes them
KERNEL_PACKAGES = ["initstab", "tensorflow", "numpy"]


def config_hash(config: Mapping) -> str:
    """First 12 hex digits of the SHA-256 of the config as canonical JSON (what the report and figures cite)."""
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def experiment_hash(config: Mapping, experiment: str) -> str:
    """Hash of the part of the config one experiment's results depend on (global seed, dtype, its section)."""
    part = {"seed": config.get("seed"), "dtype": config.get("dtype"), experiment: config["experiments"][experiment]}
    return config_hash(part)


def _git(directory, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, check=True, timeout=10)
    return run.stdout.strip()


def git_commit(directory: str | Path = ".") -> str:
    """The checkout's commit (with '+dirty' when it has changes), or 'unknown' outside git."""
    try:
        commit = _git(directory, "rev-parse", "--short=12", "HEAD")
        return commit + ("+dirty" if _git(directory, "status", "--porcelain", "--untracked-files=no") else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def software_versions(packages=PACKAGES) -> dict[str, str]:
    """Versions of Python and ``packages`` (default: all the results depend on), read from metadata: no
    TensorFlow import."""
    versions = {"python": platform.python_version()}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def figure_metadata(name: str, digest: str, versions: Mapping[str, str], commit: str) -> dict[str, str]:
    """PDF/PNG metadata of a figure: its stable name, the hash of its experiment's config (experiment_hash),
    versions, commit and the date it was made."""
    return {
        "Title": f"initstab figure {name}",
        "Subject": f"experiment config {digest}; commit {commit}",
        "Keywords": "; ".join(f"{k} {v}" for k, v in versions.items()),
        "Creator": f"initstab {versions.get('initstab', '?')}, {datetime.date.today().isoformat()}",
    }
