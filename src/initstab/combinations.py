"""The combination table: config → one typed job per group of combinations (no TensorFlow here).

Each experiment section holds defaults (width, depth, seeds, …) and ``cases``; a case crosses its
``activations × inits × scales × bias_variances`` and may override the defaults. A *combination* is one point of
that cross; it owns its seed, so its numbers never depend on which other combinations share its job. A *job* is
every combination of one experiment and activation that shares all other settings (width, depth, dtype, seeds, …):
they run stacked along the tensor's leading dimension in one process, so TensorFlow's start-up is paid once.

The numbers derived from a combination (σ_w², the init and gain that draw it, q*) are computed here, once, and
travel with it (``spec.Combination``): kernels and figures recompute nothing.
"""

import hashlib
import itertools
import math
import re
from collections.abc import Mapping

from initstab.activations import ACTIVATIONS, IDENTITY
from initstab.experiments import EXPERIMENTS
from initstab.initializers import INITIALIZERS, NO_INIT
from initstab.regimes import NO_REGIME
from initstab.spec import Combination, Job, Training
from initstab.theory import meanfield

DTYPES = ("float16", "bfloat16", "float32", "float64")
CASE_KEYS = ("activations", "inits", "scales", "bias_variances", "regimes")
# Weights per stacked kernel call: 32 MiB. A gradient-flow call peaks at ~15× its weight batch on top of ~0.66 GB
# for Python and TensorFlow (measured: 15 stacked combinations of 200 × 100² took 2.4 GB, 4 took 1.2 GB, and the
# whole job 1.38 GB); stacking more saves no time (the 15 took 56 s at once, 54 s in chunks of 4).
BATCH_BYTES = 32 * 2**20
ALL = "all"  # the activation name of a one-job experiment's job
DEFAULT_CASE = {
    "activations": [IDENTITY],
    "inits": [NO_INIT],
    "scales": [1.0],
    "bias_variances": [0.0],
    "regimes": [NO_REGIME],
}


def format_scale(scale: float) -> str:
    """Shortest round-trip text of a scale, as it appears in names ('0.1', '1.0', '0.0625')."""
    return repr(float(scale))


def combination_name(
    activation: str,
    init: str,
    scale: float,
    width: int,
    depth: int,
    dtype: str,
    bias_variance: float = 0.0,
    regime: str = NO_REGIME,
) -> str:
    """Name of one combination (the bias part appears only when σ_b² ≠ 0, the regime only for a trained one)."""
    bias = f"__b{format_scale(bias_variance)}" if bias_variance else ""
    trained = f"__{regime}" if regime != NO_REGIME else ""
    return f"{activation}__{init}__s{format_scale(scale)}{bias}__w{width}__d{depth}__{dtype}{trained}"


def job_name(activation: str, width: int, depth: int, dtype: str, seeds: int) -> str:
    return f"{activation}__w{width}__d{depth}__{dtype}__n{seeds}"


def job_name_pattern() -> str:
    """Regex that admits exactly the job names registered activations and dtypes can form."""
    activations = "|".join(sorted([*ACTIVATIONS, ALL]))
    return rf"({activations})__w[0-9]+__d[0-9]+__({'|'.join(DTYPES)})__n[0-9]+"


def is_job_name(text: str) -> bool:
    return re.fullmatch(job_name_pattern(), text) is not None


def combination_seed(global_seed: int, experiment: str, combination: str) -> int:
    """Seed of one combination from the global seed and its name alone: adding or regrouping combinations never
    moves another's numbers."""
    digest = hashlib.sha256(f"{global_seed}/{experiment}/{combination}".encode()).hexdigest()
    return int(digest[:15], 16)


def derived(activation: str, init: str, scale: float, width: int, bias_variance: float, fixed_point: bool) -> dict:
    """σ_w² (= fan_in·Var W_ij of width×width layers; NaN without one), the registry init and scale that draw the
    weights, and, for experiments whose inputs start at the fixed point, q* (1 where the theory gives 0, ∞ or none).

    Critical inits draw their ``base`` with gain s·√σ²_w,crit(φ, σ_b²); LSUV draws its base with gain 1.
    """
    entry = INITIALIZERS.get(init)
    sigma_w2, draw_init, draw_scale = math.nan, init, scale
    if entry is not None and entry.critical:
        critical = meanfield.critical_weight_variance(activation, bias_variance)
        sigma_w2, draw_init, draw_scale = scale**2 * critical, entry.base, scale * math.sqrt(critical)
    elif entry is not None and entry.lsuv:
        draw_init, draw_scale = entry.base, 1.0
    elif entry is not None and entry.variance is not None:
        sigma_w2 = width * entry.variance(scale, width, width)
    q_star = math.nan
    if fixed_point:
        q = math.nan if math.isnan(sigma_w2) else meanfield.fixed_point(activation, sigma_w2, bias_variance)
        q_star = q if 0 < q < math.inf else 1.0
    return {"sigma_w2": sigma_w2, "draw_init": draw_init, "draw_scale": draw_scale, "input_variance": q_star}


def _case_combinations(config: Mapping, experiment: str, section: Mapping, case: Mapping):
    """(job settings, combination) of every point of one case."""
    declared = EXPERIMENTS[experiment]
    defaults = {key: value for key, value in section.items() if key != "cases"}
    if declared.one_job:  # curves on a grid: `points` is the job's width
        defaults = {"width": defaults.pop("points"), "depth": 0, "seeds": 1, **defaults}
    settings = {"dtype": config["dtype"], **defaults, **{k: v for k, v in case.items() if k not in CASE_KEYS}}
    settings = {key: settings[key] for key in ("width", "depth", "seeds", "dtype", *declared.options)}
    if "training" in settings:
        settings["training"] = Training(**settings["training"])
    lists = {key: case.get(key, DEFAULT_CASE[key]) for key in CASE_KEYS}
    shape = (settings["width"], settings["depth"], settings["dtype"])
    for activation, init, scale, bias_variance, regime in itertools.product(*(lists[key] for key in CASE_KEYS)):
        scale, bias_variance = float(scale), float(bias_variance)
        untrained = combination_name(activation, init, scale, *shape, bias_variance)
        combination = Combination(
            activation=activation,
            init=init,
            scale=scale,
            bias_variance=bias_variance,
            name=combination_name(activation, init, scale, *shape, bias_variance, regime),
            # regimes of one init start from the same weights: the seed comes from the name without the regime
            seed=combination_seed(config["seed"], experiment, untrained),
            lsuv=INITIALIZERS[init].lsuv if init in INITIALIZERS else False,
            regime=regime,
            **derived(activation, init, scale, settings["width"], bias_variance, declared.fixed_point),
        )
        yield {"activation": ALL if declared.one_job else activation, **settings}, combination


def combination_table(config: Mapping) -> dict[tuple[str, str], Job]:
    """Every job of the sweep: (experiment, job name) → its Job, combinations sorted by name.

    A combination listed by several cases runs once. Two groups with different settings under one job name
    (e.g. two cases differing only in ``repeats``) raise ValueError naming them.
    """
    groups: dict[tuple[str, str], tuple[dict, dict[str, Combination]]] = {}
    for experiment, section in config["experiments"].items():
        for case in section["cases"]:
            for settings, combination in _case_combinations(config, experiment, section, case):
                name = job_name(
                    settings["activation"], settings["width"], settings["depth"], settings["dtype"], settings["seeds"]
                )
                known, members = groups.setdefault((experiment, name), (settings, {}))
                if known != settings:
                    raise ValueError(
                        f"experiment {experiment!r}: cases with different settings share job {name!r}; "
                        f"give them different width, depth, dtype or seeds ({settings} vs {known})"
                    )
                members.setdefault(combination.name, combination)
    return {
        (experiment, name): Job(
            experiment=experiment,
            name=name,
            combinations=tuple(members[key] for key in sorted(members)),
            **settings,
        )
        for (experiment, name), (settings, members) in sorted(groups.items())
    }


def job_spec(table: Mapping[tuple[str, str], Job], experiment: str, job: str) -> Job:
    """One job of the table (KeyError naming it when the config has no such job)."""
    try:
        return table[(experiment, job)]
    except KeyError:
        raise KeyError(f"no job {job!r} in experiment {experiment!r} of this config") from None


def weight_bytes(job: Job) -> int:
    """Bytes of one combination's weight batch: seeds × width² × the dtype's size (float32 for narrower ones)."""
    return job.seeds * job.width**2 * (8 if job.dtype == "float64" else 4)


def chunk_size(job: Job) -> int:
    """Combinations per stacked kernel call: as many as keep their weight batch under BATCH_BYTES."""
    return max(1, BATCH_BYTES // weight_bytes(job))


def memory_mb(job: Job) -> int:
    """Memory a job asks the scheduler for (MB): 900 MB (TensorFlow and the job's table) plus a per-byte factor
    times its largest stacked weight batch. Measured peaks (ru_maxrss): Python + TensorFlow ≈ 0.66 GB, then ≈ 15
    bytes per stacked weight byte where the kernel carries a width×width state per seed (Y, J, M·result), ≈ 3 where
    it carries vectors. A job that trains holds every layer's weights at once, with RMSProp's mean squares, the
    gradients and the tape's activations: ≈ 5 bytes per weight byte of all its layers (2.0 GB measured for 100
    width-300 nets of depth 8, 288 MB of weights)."""
    stacked = min(len(job.combinations), chunk_size(job)) * weight_bytes(job)
    if EXPERIMENTS[job.experiment].trains:
        return int(900 + 5 * (job.depth + 1) * stacked / 2**20)
    factor = 15 if EXPERIMENTS[job.experiment].matrix_state else 3
    return int(900 + factor * stacked / 2**20)


def _listed(values) -> str:
    """Sorted distinct values as caption text ('8, 16'; floats as '%g')."""
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in sorted(set(values)))


def run_sizes(table: Mapping[tuple[str, str], Job], experiment: str) -> dict[str, str]:
    """What one experiment's run covers, as caption text: its jobs' settings (width, depth, seeds, dtype and the
    experiment's options, a ``training``'s fields) and its combinations' activations, inits, scales, σ_b²
    (``bias_variances``) and regimes.
    Figure titles and captions state these, never the default config's sizes."""
    jobs = [job for (name, _), job in table.items() if name == experiment]
    settings = [key for key in jobs[0].settings() if key not in ("experiment", "name", "activation")] if jobs else []
    sizes = {
        key: _listed(getattr(job, key) for job in jobs)
        for key in settings
        if getattr(jobs[0], key) is not None and key != "training"
    }
    if jobs and jobs[0].training is not None:  # its fields (optimizer, learning_rate, steps, …) as sizes
        for key in ("optimizer", "learning_rate", "steps", "batch_size", "record_every", "weight_decay"):
            sizes[key] = _listed(getattr(job.training, key) for job in jobs)
    if jobs and EXPERIMENTS[experiment].one_job:
        sizes["points"] = sizes.pop("width")  # a one-job experiment's width is its grid
    combinations = [c for job in jobs for c in job.combinations]
    for key, field in (("activations", "activation"), ("inits", "init"), ("scales", "scale")):
        sizes[key] = _listed(getattr(c, field) for c in combinations)
    sizes["bias_variances"] = _listed(c.bias_variance for c in combinations)
    sizes["regimes"] = _listed(c.regime for c in combinations)
    return sizes
