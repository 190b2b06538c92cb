"""The combination table: config → one typed job per range of seeds of a group of combinations (no TensorFlow).

Each experiment section holds defaults (width, depth, seeds, …) and ``cases``; a case crosses its
``activations × inits × scales × bias_variances`` and may override the defaults. A *combination* is one point of
that cross. Its random numbers come from streams keyed by the global seed, the experiment, the base distribution
(family), the tensor shape and dtype and the seed index (initstab.tf.stack), never from its job: combinations of one
family share their draws (common random numbers), and a combination gives bit for bit the same numbers alone or
stacked with others. A *job* is a range of seed indices of every combination of one experiment that shares all other
settings (width, depth, dtype, …): they run stacked in one process, so TensorFlow's start-up is paid once and each
base draw serves every combination of its family. A group's seeds are split into as many jobs as keep each near
``JOB_SECONDS`` of estimated compute, so that jobs are alike in size and the longest can start first.

The numbers derived from a combination (σ_w², the init and gain that draw it, q*) are computed here, once, and
travel with it (``spec.Combination``): kernels and figures recompute nothing.
"""

import dataclasses
import itertools
import math
import re
from collections.abc import Mapping

from initstab.activations import IDENTITY
from initstab.data import CLASSES, TRAIN_EXAMPLES, TRAIN_FEATURES
from initstab.experiments import EXPERIMENTS
from initstab.initializers import INITIALIZERS, NO_INIT
from initstab.regimes import NO_REGIME, REGIMES
from initstab.spec import Combination, Job, Training
from initstab.theory import meanfield

DTYPES = ("float16", "bfloat16", "float32", "float64")
CASE_KEYS = ("activations", "inits", "scales", "bias_variances", "regimes")
# Bytes a kernel call holds for its tensors (a job runs its seeds in calls of as many as fit): on top of ~0.66 GB
# for Python and TensorFlow, so that a job peaks near 1.1 GB.
CALL_BYTES = 384 * 2**20
JOB_SECONDS = 60  # a group's seeds are split into jobs of about this much estimated compute on one core
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


def job_name(width: int, depth: int, dtype: str, seeds: range) -> str:
    """``w{width}__d{depth}__{dtype}__s{first}-{last}``: a job's shape and its seed indices (both ends included)."""
    return f"w{width}__d{depth}__{dtype}__s{seeds.start}-{seeds.stop - 1}"


def job_name_pattern() -> str:
    """Regex that admits exactly the job names the registered dtypes can form."""
    return rf"w[0-9]+__d[0-9]+__({'|'.join(DTYPES)})__s[0-9]+-[0-9]+"


def is_job_name(text: str) -> bool:
    return re.fullmatch(job_name_pattern(), text) is not None


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
    """(group settings, seeds, combination) of every point of one case."""
    declared = EXPERIMENTS[experiment]
    defaults = {key: value for key, value in section.items() if key != "cases"}
    if declared.one_job:  # curves on a grid: `points` is the job's width
        defaults = {"width": defaults.pop("points"), "depth": 0, "seeds": 1, **defaults}
    settings = {"dtype": config["dtype"], **defaults, **{k: v for k, v in case.items() if k not in CASE_KEYS}}
    seeds = settings["seeds"]
    settings = {key: settings[key] for key in ("width", "depth", "dtype", *declared.options)}
    if "training" in settings:
        settings["training"] = Training(**settings["training"])
    lists = {key: case.get(key, DEFAULT_CASE[key]) for key in CASE_KEYS}
    shape = (settings["width"], settings["depth"], settings["dtype"])
    for activation, init, scale, bias_variance, regime in itertools.product(*(lists[key] for key in CASE_KEYS)):
        scale, bias_variance = float(scale), float(bias_variance)
        combination = Combination(
            activation=activation,
            init=init,
            scale=scale,
            bias_variance=bias_variance,
            name=combination_name(activation, init, scale, *shape, bias_variance, regime),
            lsuv=INITIALIZERS[init].lsuv if init in INITIALIZERS else False,
            regime=regime,
            **derived(activation, init, scale, settings["width"], bias_variance, declared.fixed_point),
        )
        yield settings, seeds, combination


def _seed_ranges(job: Job, seeds: int, repeats: int) -> list[range]:
    """``range(seeds)`` in as many consecutive pieces as keep each near JOB_SECONDS of estimated compute (``job``:
    the group with one seed); pieces start at multiples of ``repeats`` so that no notebook block is split."""
    pieces = max(1, min(seeds // repeats, math.ceil(seeds * estimated_seconds(job) / JOB_SECONDS)))
    size = math.ceil(seeds / pieces / repeats) * repeats
    return [range(start, min(start + size, seeds)) for start in range(0, seeds, size)]


def combination_table(config: Mapping) -> dict[tuple[str, str], Job]:
    """Every job of the sweep: (experiment, job name) → its Job, combinations sorted by name.

    A group is every combination of one experiment with the same settings (width, depth, dtype, the experiment's
    options); its seed indices 0 … seeds − 1 are cut where some combination's seeds end (a job's combinations share
    its seeds) and then into jobs of about JOB_SECONDS each. A combination listed by several cases runs once; listed
    with two seed counts, it raises ValueError naming it, as do two groups with different settings under one shape
    (e.g. two cases differing only in ``repeats``).
    """
    groups: dict[tuple[str, tuple], tuple[dict, dict[str, tuple[int, Combination]]]] = {}
    for experiment, section in config["experiments"].items():
        for case in section["cases"]:
            for settings, seeds, combination in _case_combinations(config, experiment, section, case):
                shape = (settings["width"], settings["depth"], settings["dtype"])
                known, members = groups.setdefault((experiment, shape), (settings, {}))
                if known != settings:
                    raise ValueError(
                        f"experiment {experiment!r}: cases with different settings share width {shape[0]}, depth "
                        f"{shape[1]} and dtype {shape[2]}; give them different width, depth or dtype "
                        f"({settings} vs {known})"
                    )
                if members.get(combination.name, (seeds,))[0] != seeds:
                    raise ValueError(
                        f"experiment {experiment!r}: {combination.name} is listed with {members[combination.name][0]} "
                        f"and {seeds} seeds; give it one"
                    )
                members[combination.name] = (seeds, combination)
    table = {}
    for (experiment, (width, depth, dtype)), (settings, members) in sorted(groups.items()):
        ordered = [members[key] for key in sorted(members)]
        start = 0
        for stop in sorted({seeds for seeds, _ in ordered}):
            members_here = tuple(c for seeds, c in ordered if seeds >= stop)
            one = Job(experiment, "", config["seed"], seeds=1, combinations=members_here, **settings)
            for seeds in _seed_ranges(one, stop - start, settings.get("repeats") or 1):
                seeds = range(start + seeds.start, start + seeds.stop)
                name = job_name(width, depth, dtype, seeds)
                table[(experiment, name)] = dataclasses.replace(
                    one, name=name, first_seed=seeds.start, seeds=len(seeds)
                )
            start = stop
    return dict(sorted(table.items()))


def job_spec(table: Mapping[tuple[str, str], Job], experiment: str, job: str) -> Job:
    """One job of the table (KeyError naming it when the config has no such job)."""
    try:
        return table[(experiment, job)]
    except KeyError:
        raise KeyError(f"no job {job!r} in experiment {experiment!r} of this config") from None


# --- what a job costs: memory per kernel call and estimated compute (one core, this 2-core EPYC; for splitting
# groups into jobs and starting the longest first, never for correctness)
NORMAL_S, UNIFORM_S = 17e-9, 6e-9  # one stateless float32 normal / uniform
QR_S = 4e-10  # a Householder QR of a k×k matrix: k³ times this
FLOP_S = 2.5e-11  # batched matmul at width 100 (40 GFLOP/s)
PASS_S = 1e-9  # one elementwise pass, per element
TRAIN_FLOP_S = 5e-11  # the training experiments' skinny matmuls and gradients


def _itemsize(job: Job) -> int:
    return 8 if job.dtype == "float64" else 4  # float16/bfloat16 are reduced in float32


def _families(job: Job) -> set[str]:
    return {INITIALIZERS[c.draw_init].family for c in job.combinations if c.draw_init in INITIALIZERS}


def _parameters(job: Job) -> int:
    """Weights of one trained net: 64 pixels → depth × width → 10 classes."""
    return (TRAIN_FEATURES + (job.depth - 1) * job.width + CLASSES) * job.width


def _examples(job: Job) -> int:
    """Examples per training step of the job's largest batch (minibatch regimes: batch_size; else all)."""
    full = any(not REGIMES[c.regime].minibatch for c in job.combinations)
    return TRAIN_EXAMPLES if full else min(job.training.batch_size, TRAIN_EXAMPLES)


def seed_bytes(job: Job) -> int:
    """Bytes a kernel call holds per seed of ``job``: per family a base draw (orthogonal: its float64 QR too),
    per combination its state (a width² matrix and three temporaries where the kernel carries one, else vectors);
    a trained net: every layer's weights with gradients, optimizer state and the tape's activations."""
    k, n, item = job.width, len(job.combinations), _itemsize(job)
    declared = EXPERIMENTS[job.experiment]
    if declared.trains:
        activations = _examples(job) * job.width * (job.depth + 1)
        return n * (5 * _parameters(job) + 3 * activations) * item
    bases = sum(k * k * (item + 24 if family == "orthogonal" else 2 * item) for family in _families(job))
    state = 4 * k * k if declared.matrix_state else 12 * k
    combinations = 1 if declared.one_at_a_time else n
    return bases + combinations * state * item


def call_seeds(job: Job) -> int:
    """Seeds per kernel call: as many as keep the call under CALL_BYTES (a multiple of ``repeats``)."""
    repeats = job.repeats or 1
    fit = max(repeats, CALL_BYTES // seed_bytes(job) // repeats * repeats)
    return min(job.seeds, fit)


def memory_mb(job: Job) -> int:
    """Memory a job asks the scheduler for (MB): 900 MB for Python, TensorFlow and the job's table, plus 1.5 × what
    one kernel call holds (measured peaks: Python + TensorFlow ≈ 0.66 GB)."""
    return int(900 + 1.5 * call_seeds(job) * seed_bytes(job) / 2**20)


def estimated_seconds(job: Job) -> float:
    """Compute of ``job`` on one core, estimated from its draws, matmuls and elementwise passes."""
    k, n, seeds, depth = job.width, len(job.combinations), job.seeds, max(job.depth, 1)
    declared = EXPERIMENTS[job.experiment]
    if declared.one_job:
        return 0.0
    if declared.trains:
        examples = job.training.steps * _examples(job) + len(job.training.recorded_steps) * TRAIN_EXAMPLES * 1.25
        return n * seeds * 6 * examples * _parameters(job) * TRAIN_FLOP_S
    if declared.loop_steps is not None:  # a data-dependent loop: each combination's expected steps
        return seeds * sum(declared.loop_steps(job, c) for c in job.combinations) * 2 * k**3 * FLOP_S
    draws = {"normal": k * k * NORMAL_S, "uniform": k * k * UNIFORM_S, "orthogonal": 2 * k * k * NORMAL_S + k**3 * QR_S}
    per_layer = sum(draws[family] for family in _families(job))
    per_layer += n * (2 * k**3 * FLOP_S + 6 * k * k * PASS_S if declared.matrix_state else k * k * PASS_S)
    return seeds * depth * per_layer


def _listed(values) -> str:
    """Sorted distinct values as caption text ('8, 16'; floats as '%g')."""
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in sorted(set(values)))


def ensemble_sizes(jobs) -> dict[str, int]:
    """Combination name → its number of seeds (the end of the last job that runs it)."""
    sizes: dict[str, int] = {}
    for job in jobs:
        for combination in job.combinations:
            sizes[combination.name] = max(sizes.get(combination.name, 0), job.seed_indices.stop)
    return sizes


def run_sizes(table: Mapping[tuple[str, str], Job], experiment: str) -> dict[str, str]:
    """What one experiment's run covers, as caption text: its jobs' settings (width, depth, dtype and the
    experiment's options, a ``training``'s fields), its combinations' seeds, activations, inits, scales, σ_b²
    (``bias_variances``) and regimes.
    Figure titles and captions state these, never the default config's sizes."""
    jobs = [job for (name, _), job in table.items() if name == experiment]
    skip = ("experiment", "name", "global_seed", "seeds", "first_seed", "training")
    settings = [key for key in jobs[0].settings() if key not in skip] if jobs else []
    sizes = {key: _listed(getattr(job, key) for job in jobs) for key in settings if getattr(jobs[0], key) is not None}
    sizes["seeds"] = _listed(ensemble_sizes(jobs).values())
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
