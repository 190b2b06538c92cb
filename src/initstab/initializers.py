"""The initializer registry: everything known about each weight init, without TensorFlow.

One entry per initializer: formula, display name, colour and marker, its variance rule Var(W_ij) (None for the
non-centred ones) and, for the derived inits, how they draw: ``critical`` inits draw ``base`` with gain
s·√σ²_w,crit(φ, σ_b²) (mean-field theory), ``lsuv`` draws ``base`` with gain 1 and rescales per layer on the data.
``scale`` is the std of ``normal``, the half-width of ``uniform`` and a gain multiplier for the fan-based rules.
The TensorFlow draws live in ``initstab.tf.initializers`` under the keys of the non-derived entries; the
``symmetric`` ones (units that start alike, for the symmetry experiment) need to know which layer they fill and
are drawn by ``initstab.tf.training``.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

Variance = Callable[[float, int, int], float]  # (scale, fan_in, fan_out) → Var(W_ij)


def xavier_uniform_bound(fan_in: int, fan_out: int) -> float:
    """Glorot & Bengio (2010): U(±√(6/(fan_in+fan_out))) has variance 2/(fan_in+fan_out)."""
    return math.sqrt(6.0 / (fan_in + fan_out))


@dataclass(frozen=True)
class Initializer:
    formula: str
    display: str
    color: str
    marker: str
    variance: Variance | None = None  # None: not centred (or data-dependent)
    family: str = "normal"  # the base distribution: normal, uniform or orthogonal (Haar)
    base: str | None = None  # derived inits: the registry init that draws them
    critical: bool = False  # gain × √σ²_w,crit(φ, σ_b²)
    lsuv: bool = False  # rescaled per layer so that std(W·h) = s
    symmetric: bool = False  # the units of each hidden layer start alike (symmetry only; initstab.tf.training draws it)


INITIALIZERS: dict[str, Initializer] = {
    "normal": Initializer("N(0, s²)", "N(0, s²)", "#0077BB", "o", lambda s, i, o: s**2),
    "uniform": Initializer("U(−s, s)", "U(−s, s)", "#CCBB44", "s", lambda s, i, o: s**2 / 3, "uniform"),
    "uniform_noncentered": Initializer(
        "s·U(0, 1): seed 001's non-centered uniform", "s·U(0, 1) (seed 001)", "#228833", "D", family="uniform"
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
