"""The combination table: config → one row per job (no TensorFlow here).

Each experiment section holds defaults (width, depth, seeds, …) and ``cases``; a case crosses its
``activations × inits × scales`` and may override the defaults. Every rule of the workflow asks this table.
"""

import hashlib
import re
from collections.abc import Mapping

from initstab.catalogue import ACTIVATIONS, INITIALIZERS, NO_INIT

DTYPES = ("float16", "bfloat16", "float32", "float64")
CASE_KEYS = ("activations", "inits", "scales")
# Modules a kernel job imports: the workflow declares their files as inputs so the cache hashes them.
KERNEL_MODULES = ("__init__", "activations", "initializers", "io", "jobs", "kernels", "logs", "runtime", "tidy")
DEFAULT_CASE = {"activations": ["linear"], "inits": [NO_INIT], "scales": [1.0]}


def format_scale(scale: float) -> str:
    """Shortest round-trip text of a scale, as it appears in job names ('0.1', '1.0', '0.0625')."""
    return repr(float(scale))


def job_name(activation: str, init: str, scale: float, width: int, depth: int, dtype: str) -> str:
    return f"{activation}__{init}__s{format_scale(scale)}__w{width}__d{depth}__{dtype}"


def job_name_pattern() -> str:
    """Regex that admits exactly the job names registered activations and inits can form."""
    activations = "|".join(sorted(ACTIVATIONS))
    inits = "|".join(sorted([*INITIALIZERS, NO_INIT]))
    return rf"({activations})__({inits})__s[0-9.e+-]+__w[0-9]+__d[0-9]+__({'|'.join(DTYPES)})"


def job_seed(global_seed: int, experiment: str, job: str) -> int:
    """Seed of one job from the global seed and its spec alone, so adding a job never moves another's numbers."""
    digest = hashlib.sha256(f"{global_seed}/{experiment}/{job}".encode()).hexdigest()
    return int(digest[:15], 16)


def _case_jobs(config: Mapping, experiment: str, section: Mapping, case: Mapping):
    defaults = {key: value for key, value in section.items() if key != "cases"}
    if experiment == "activations":
        defaults |= {"width": section["points"], "depth": 0, "seeds": 1}
    settings = {"dtype": config["dtype"], **defaults, **{k: v for k, v in case.items() if k not in CASE_KEYS}}
    lists = {key: case.get(key, DEFAULT_CASE[key]) for key in CASE_KEYS}
    for activation in lists["activations"]:
        for init in lists["inits"]:
            for scale in lists["scales"]:
                job = job_name(activation, init, scale, settings["width"], settings["depth"], settings["dtype"])
                yield {
                    **settings,
                    "experiment": experiment,
                    "activation": activation,
                    "init": init,
                    "scale": float(scale),
                    "job": job,
                    "job_seed": job_seed(config["seed"], experiment, job),
                }


def combination_table(config: Mapping) -> dict[tuple[str, str], dict]:
    """Every job of the sweep: (experiment, job name) → full spec; duplicates across cases are merged."""
    table: dict[tuple[str, str], dict] = {}
    for experiment, section in config["experiments"].items():
        for case in section["cases"]:
            for spec in _case_jobs(config, experiment, section, case):
                table.setdefault((experiment, spec["job"]), spec)
    return dict(sorted(table.items()))


def job_spec(table: Mapping[tuple[str, str], dict], experiment: str, job: str) -> dict:
    """The full spec of one job (what a rule passes through ``params:``, so the cache hashes all of it)."""
    try:
        return dict(table[(experiment, job)])
    except KeyError:
        raise KeyError(f"no job {job!r} in experiment {experiment!r} of this config") from None


def is_job_name(text: str) -> bool:
    return re.fullmatch(job_name_pattern(), text) is not None
