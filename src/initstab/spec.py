"""What a job computes, as typed values: the combination table builds these once, the kernels read them.

A *combination* is one point of an experiment's sweep (activation × init × scale × σ_b² at one shape), with the
numbers derived from it once, when the table is built: its σ_w², the registry init and gain that draw its weights,
and the pre-activation variance its inputs start at. A *job* is a range of seeds of the combinations of one
experiment that share a shape, run stacked in one process. Snakemake passes a job as plain data (``to_params``), so
its cache key covers every field.
"""

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Combination:
    activation: str
    init: str
    scale: float  # std of `normal`, half-width of `uniform`, gain of the fan-based inits
    bias_variance: float  # σ_b² of N(0, σ_b²) biases (0: none)
    name: str
    sigma_w2: float  # fan_in·Var(W_ij); NaN for the non-centred and data-dependent (LSUV) inits
    draw_init: str  # the registry init that draws its weights (critical → lecun_normal, …)
    draw_scale: float  # and its scale (critical: s·√σ²_w,crit)
    input_variance: float  # q*: where the fixed-point experiments start (1 where theory gives 0, ∞ or nothing)
    lsuv: bool = False  # rescale each layer so that std(W·h) = scale
    regime: str = "none"  # how the net is trained (initstab.regimes); "none" for the experiments that train nothing

    @property
    def has_sigma_w2(self) -> bool:
        return not math.isnan(self.sigma_w2)


@dataclass(frozen=True)
class Training:
    """One optimizer, learning rate and step budget for every net of a job (the experiments that train)."""

    optimizer: str  # "sgd" or "rmsprop"
    learning_rate: float
    steps: int
    batch_size: int  # examples per step of the minibatch regimes
    record_every: int  # steps between recorded metrics (step 0 and the last step are always recorded)
    weight_decay: float = 0.0  # λ of the L2 penalty (λ/2)·Σ‖W‖² in the regimes that decay weights

    @property
    def recorded_steps(self) -> list[int]:
        return sorted({*range(0, self.steps, self.record_every), self.steps})


@dataclass(frozen=True)
class Job:
    experiment: str
    name: str
    global_seed: int  # every random stream derives from it (initstab.tf.stack)
    width: int  # units per layer; a one-job experiment's grid points (``points``), in its name and rows as width
    depth: int  # layers; repeated_matrix's cap on steps (``max_steps``), in its name and rows as depth
    seeds: int  # ensemble members in this job: seed indices first_seed … first_seed + seeds − 1
    dtype: str
    combinations: tuple[Combination, ...]
    first_seed: int = 0
    repeats: int | None = None  # draws the notebooks average (the printed gradient mean)
    input_correlation: float | None = None  # correlation of the two inputs (the depth-scale fit)
    x_min: float | None = None  # grid of the activation curves
    x_max: float | None = None
    training: Training | None = None  # the experiments that train: optimizer, learning rate, steps

    @property
    def seed_indices(self) -> range:
        return range(self.first_seed, self.first_seed + self.seeds)

    @property
    def points(self) -> int:
        """Grid points of a one-job experiment's curves (the activations' x grid)."""
        return self.width

    @property
    def max_steps(self) -> int:
        """repeated_matrix: the steps a run may take before it counts as never degenerating."""
        return self.depth

    def to_params(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_params(cls, params: Mapping) -> "Job":
        fields = dict(params)
        fields["combinations"] = tuple(Combination(**c) for c in fields["combinations"])
        if fields.get("training") is not None:
            fields["training"] = Training(**fields["training"])
        return cls(**fields)

    def settings(self) -> dict:
        """The job's own fields, without its combinations."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "combinations"}
