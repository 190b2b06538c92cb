"""The combination table: config → one job per group of combinations (no TensorFlow here).

Each experiment section holds defaults (width, depth, seeds, …) and ``cases``; a case crosses its
``activations × inits × scales × bias_variances`` and may override the defaults. A *combination* is one point of
that cross; it owns its seed, so its numbers never depend on which other combinations share its job. A *job* is
every combination of one experiment and activation that shares all other settings (width, depth, dtype, seeds, …):
they run stacked along the tensor's leading dimension in one process, so TensorFlow's start-up is paid once.
"""

import hashlib
import re
from collections.abc import Mapping

from initstab.catalogue import ACTIVATIONS, NO_INIT

DTYPES = ("float16", "bfloat16", "float32", "float64")
CASE_KEYS = ("activations", "inits", "scales", "bias_variances")
# Modules a kernel job imports: the workflow declares their files as inputs so the cache hashes them.
KERNEL_MODULES = (
    "__init__",
    "activations",
    "catalogue",
    "combinations",
    "initializers",
    "io",
    "jobs",
    "kernels",
    "logs",
    "meanfield",
    "runtime",
    "theory",
    "tidy",
)
# Weights per stacked kernel call: 32 MiB. A gradient_flow call peaks at ~15× its weight batch on top of ~0.66 GB
# for Python and TensorFlow (measured: 15 stacked combinations of 200 × 100² took 2.4 GB, 4 took 1.2 GB, and the
# whole job 1.38 GB); stacking more saves no time (the 15 took 56 s at once, 54 s in chunks of 4).
BATCH_BYTES = 32 * 2**20
ONE_JOB_EXPERIMENTS = ("activations",)  # cheap curves: every activation in one job (one TensorFlow start-up)
ALL = "all"  # the activation name of such a job
DEFAULT_CASE = {"activations": ["linear"], "inits": [NO_INIT], "scales": [1.0], "bias_variances": [0.0]}


def format_scale(scale: float) -> str:
    """Shortest round-trip text of a scale, as it appears in names ('0.1', '1.0', '0.0625')."""
    return repr(float(scale))


def combination_name(
    activation: str, init: str, scale: float, width: int, depth: int, dtype: str, bias_variance: float = 0.0
) -> str:
    """Name of one combination; its seed derives from it (the bias part appears only when σ_b² ≠ 0)."""
    bias = f"__b{format_scale(bias_variance)}" if bias_variance else ""
    return f"{activation}__{init}__s{format_scale(scale)}{bias}__w{width}__d{depth}__{dtype}"


def job_name(activation: str, width: int, depth: int, dtype: str, seeds: int) -> str:
    return f"{activation}__w{width}__d{depth}__{dtype}__n{seeds}"


def job_name_pattern() -> str:
    """Regex that admits exactly the job names registered activations and dtypes can form."""
    activations = "|".join(sorted([*ACTIVATIONS, ALL]))
    return rf"({activations})__w[0-9]+__d[0-9]+__({'|'.join(DTYPES)})__n[0-9]+"


def combination_seed(global_seed: int, experiment: str, combination: str) -> int:
    """Seed of one combination from the global seed and its name alone: adding or regrouping combinations never
    moves another's numbers."""
    digest = hashlib.sha256(f"{global_seed}/{experiment}/{combination}".encode()).hexdigest()
    return int(digest[:15], 16)


def _case_combinations(config: Mapping, experiment: str, section: Mapping, case: Mapping):
    defaults = {key: value for key, value in section.items() if key != "cases"}
    if experiment == "activations":
        defaults |= {"width": section["points"], "depth": 0, "seeds": 1}
    settings = {"dtype": config["dtype"], **defaults, **{k: v for k, v in case.items() if k not in CASE_KEYS}}
    lists = {key: case.get(key, DEFAULT_CASE[key]) for key in CASE_KEYS}
    for activation in lists["activations"]:
        for init in lists["inits"]:
            for scale in lists["scales"]:
                for bias_variance in lists["bias_variances"]:
                    shape = (settings["width"], settings["depth"], settings["dtype"])
                    name = combination_name(activation, init, scale, *shape, float(bias_variance))
                    combination = {
                        "activation": activation,
                        "init": init,
                        "scale": float(scale),
                        "bias_variance": float(bias_variance),
                        "combination": name,
                        "seed": combination_seed(config["seed"], experiment, name),
                    }
                    job_activation = ALL if experiment in ONE_JOB_EXPERIMENTS else activation
                    yield {"experiment": experiment, "activation": job_activation, **settings}, combination


def combination_table(config: Mapping) -> dict[tuple[str, str], dict]:
    """Every job of the sweep: (experiment, job name) → its settings plus ``combinations`` (the stacked points).

    A combination listed by several cases runs once. Two groups with different settings under one job name
    (e.g. two cases differing only in ``repeats``) raise ValueError naming them.
    """
    table: dict[tuple[str, str], dict] = {}
    for experiment, section in config["experiments"].items():
        for case in section["cases"]:
            for settings, combination in _case_combinations(config, experiment, section, case):
                job = job_name(
                    settings["activation"], settings["width"], settings["depth"], settings["dtype"], settings["seeds"]
                )
                spec = table.setdefault((experiment, job), {**settings, "job": job, "combinations": []})
                if {k: v for k, v in spec.items() if k not in ("job", "combinations")} != settings:
                    raise ValueError(
                        f"experiment {experiment!r}: cases with different settings share job {job!r}; "
                        f"give them different width, depth, dtype or seeds ({settings} vs {spec})"
                    )
                if all(c["combination"] != combination["combination"] for c in spec["combinations"]):
                    spec["combinations"].append(combination)
    for spec in table.values():
        spec["combinations"].sort(key=lambda c: c["combination"])
    return dict(sorted(table.items()))


def job_spec(table: Mapping[tuple[str, str], dict], experiment: str, job: str) -> dict:
    """The full spec of one job (what a rule passes through ``params:``, so the cache hashes all of it)."""
    try:
        return dict(table[(experiment, job)])
    except KeyError:
        raise KeyError(f"no job {job!r} in experiment {experiment!r} of this config") from None


def is_job_name(text: str) -> bool:
    return re.fullmatch(job_name_pattern(), text) is not None


def weight_bytes(spec: Mapping) -> int:
    """Bytes of one combination's weight batch: seeds × width² × the dtype's size (float32 for narrower ones)."""
    return spec["seeds"] * spec["width"] ** 2 * (8 if spec["dtype"] == "float64" else 4)


def chunk_size(spec: Mapping) -> int:
    """Combinations per stacked kernel call: as many as keep their weight batch under BATCH_BYTES."""
    return max(1, BATCH_BYTES // weight_bytes(spec))


# Measured peaks (ru_maxrss): Python + TensorFlow ≈ 0.66 GB, then ≈ 15 bytes per stacked weight byte where the
# kernel carries a width×width state per seed (Y, J, M·result), ≈ 3 where it carries vectors.
MATRIX_STATE_EXPERIMENTS = ("matrix_product", "gradient_flow", "precision", "jacobian_spectrum", "repeated_matrix")


def memory_mb(spec: Mapping) -> int:
    """Memory a job asks the scheduler for (MB): 900 MB (TensorFlow and the job's table) plus the per-byte factor
    above times its largest stacked weight batch."""
    stacked = min(len(spec["combinations"]), chunk_size(spec)) * weight_bytes(spec)
    factor = 15 if spec["experiment"] in MATRIX_STATE_EXPERIMENTS else 3
    return int(900 + factor * stacked / 2**20)
