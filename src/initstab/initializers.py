"""The initializer registry: everything known about each weight init, without TensorFlow.

One entry per initializer: formula, display name, colour and marker, its ``family`` (the base distribution Z its
weights are a multiple of: N(0, 1) for normal, U(−1, 1) for uniform (U(0, 1) for the non-centred ones), Haar
orthogonal) and its variance rule Var(W_ij), from which its ``gain`` g (W = g·Z) follows; the non-centred ones have
no variance rule but a ``factor`` (W = factor·U(0, 1)). Inits of one family share their base draw in a job (common
random numbers, initstab.tf.stack). The derived inits name how they draw: ``critical`` inits draw ``base`` with gain
s·√σ²_w,crit(φ, σ_b²) (mean-field theory), ``lsuv`` draws ``base`` with gain 1 and rescales per layer on the data.
``scale`` is the std of ``normal``, the half-width of ``uniform`` and a gain multiplier for the fan-based rules. The
``symmetric`` ones (units that start alike, for the symmetry experiment) need to know which layer they fill and are
drawn by ``initstab.tf.training``.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

Rule = Callable[[float, int, int], float]  # (scale, fan_in, fan_out) → a number
FAMILIES = ("normal", "uniform", "orthogonal")
# Var(Z_ij) of each family's centred base: N(0, 1), U(−1, 1), and a Haar orthogonal matrix's entries (1/fan_in)
BASE_VARIANCE: dict[str, Callable[[int], float]] = {
    "normal": lambda fan_in: 1.0,
    "uniform": lambda fan_in: 1 / 3,
    "orthogonal": lambda fan_in: 1 / fan_in,
}


def xavier_uniform_bound(fan_in: int, fan_out: int) -> float:
    """Glorot & Bengio (2010): U(±√(6/(fan_in+fan_out))) has variance 2/(fan_in+fan_out)."""
    return math.sqrt(6.0 / (fan_in + fan_out))


@dataclass(frozen=True)
class Initializer:
    formula: str
    display: str
    color: str
    marker: str
    variance: Rule | None = None  # Var(W_ij); None: not centred, derived (critical, LSUV) or symmetric
    family: str = "normal"  # the base distribution: normal, uniform or orthogonal (Haar)
    factor: Rule | None = None  # the non-centred uniforms: W = factor·U(0, 1)
    base: str | None = None  # derived inits: the registry init that draws them
    critical: bool = False  # gain × √σ²_w,crit(φ, σ_b²)
    lsuv: bool = False  # rescaled per layer so that std(W·h) = s
    symmetric: bool = False  # the units of each hidden layer start alike (symmetry only; initstab.tf.training draws it)

    @property
    def centred(self) -> bool:
        return self.factor is None

    def gain(self, scale: float, fan_in: int, fan_out: int) -> float:
        """g with W = g·Z, Z the family's base (U(0, 1) for a non-centred uniform): √(Var(W)/Var(Z))."""
        if self.factor is not None:
            return self.factor(scale, fan_in, fan_out)
        if self.variance is None:
            raise ValueError(f"{self.display} has no gain of its own (a derived or symmetric init)")
        return math.sqrt(self.variance(scale, fan_in, fan_out) / BASE_VARIANCE[self.family](fan_in))


INITIALIZERS: dict[str, Initializer] = {
    "normal": Initializer("N(0, s²)", "N(0, s²)", "#0077BB", "o", lambda s, i, o: s**2),
    "uniform": Initializer("U(−s, s)", "U(−s, s)", "#CCBB44", "s", lambda s, i, o: s**2 / 3, "uniform"),
    "uniform_noncentered": Initializer(
        "s·U(0, 1): seed 001's non-centered uniform",
        "s·U(0, 1) (seed 001)",
        "#228833",
        "D",
        family="uniform",
        factor=lambda s, i, o: s,
    ),
    "xavier_uniform": Initializer(
        "U(±s·√(6/(fan_in+fan_out)))", "Xavier uniform", "#CC3311", "^", lambda s, i, o: s**2 * 2 / (i + o), "uniform"
    ),
    "xavier_uniform_noncentered": Initializer(
        "s·√(6/(fan_in+fan_out))·U(0, 1): seed 001's 'Xavier' (not centered)",
        "Xavier, non-centred (seed 001)",
        "#EE3377",
        "v",
        family="uniform",
        factor=lambda s, i, o: s * xavier_uniform_bound(i, o),
    ),
    "xavier_normal": Initializer(
        "N(0, s²·2/(fan_in+fan_out))", "Xavier normal", "#882255", "<", lambda s, i, o: s**2 * 2 / (i + o)
    ),
    "he_normal": Initializer("N(0, s²·2/fan_in)", "He normal", "#AA4499", ">", lambda s, i, o: s**2 * 2 / i),
    "he_uniform": Initializer(
        "U(±s·√(6/fan_in)) = torch's kaiming_uniform_ default",
        "He uniform",
        "#777777",
        "P",
        lambda s, i, o: s**2 * 2 / i,
        "uniform",
    ),
    "lecun_normal": Initializer("N(0, s²/fan_in)", "LeCun normal", "#44AA99", "X", lambda s, i, o: s**2 / i),
    "orthogonal": Initializer(
        "s·Q, Q Haar-distributed orthogonal", "orthogonal", "#66CCEE", "*", lambda s, i, o: s**2 / i, "orthogonal"
    ),
    "critical": Initializer(
        "N(0, s²·σ²_w,crit/fan_in): edge of chaos, χ₁(q*) = 1 for the job's φ and σ_b² (mean-field theory)",
        "critical (Gaussian)",
        "#332288",
        "h",
        base="lecun_normal",
        critical=True,
    ),
    "critical_orthogonal": Initializer(
        "s·√σ²_w,crit·Q, Q Haar orthogonal: edge of chaos with orthogonal weights",
        "critical (orthogonal)",
        "#225555",
        "p",
        family="orthogonal",
        base="orthogonal",
        critical=True,
    ),
    "lsuv": Initializer(
        "LSUV (Mishkin & Matas 2016): orthogonal, then each layer rescaled so std(W·h) = s on the data",
        "LSUV",
        "#CC79A7",
        "d",
        family="orthogonal",
        base="orthogonal",
        lsuv=True,
    ),
    "constant": Initializer(
        "every weight of a layer s/√fan_in: the hidden units of a layer start alike",
        "constant",
        "#BBBBBB",
        "8",
        symmetric=True,
    ),
    "identical_units": Initializer(
        "the units of a layer alike but random: the first layer's units receive one N(0, s²/fan_in) row, each "
        "output one N(0, s²/fan_in) weight from every unit, hidden-to-hidden weights one N(0, s²/fan_in) number",
        "identical units",
        "#FFAABB",
        "1",
        symmetric=True,
    ),
}
NO_INIT = "none"  # the `init` of jobs that draw no weights (the activation curves)
