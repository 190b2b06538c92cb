"""Mean-field signal propagation at initialization (numpy/scipy only, no TensorFlow).

Poole et al. 2016 (length map, order-to-chaos), Schoenholz et al. 2017 (depth scales ξ_q, ξ_c), Pennington et al.
2017 (Jacobian spectrum). Network: z_l = W_l h_{l−1} + b_l, W_ij ~ (0, σ_w²/N), b_i ~ N(0, σ_b²), h_l = φ(z_l);
q_l = mean of z_l² over units. Arguments ``sigma_w2`` = σ_w², ``bias_variance`` = σ_b².

Gaussian expectations by quadrature (``theory.quadrature``), never sampling; φ and φ′ from the activation registry.
"""

import functools

import numpy as np
from scipy.optimize import brentq
from scipy.special import digamma

from initstab.activations import ACTIVATIONS
from initstab.theory.quadrature import Floats, Fn, _out, gaussian_expectation, gaussian_pair_expectation

_RTOL = 4 * np.finfo(float).eps  # brentq's smallest allowed relative tolerance
_Q_MIN, _Q_MAX = 1e-300, 1e200  # stand-ins for q → 0⁺ and q → ∞ where a limit is wanted, not the value
_EDGE_RTOL = 1e-12  # |a − 1| up to this is the edge a = 1, as fixed_point's test V(q0) = q0 at σ_b² = 0
_CLOSED_FORM_GAP = 1e-3  # 1 − a below this: q* = σ_b²/(1 − a) in closed form, the bracketed root loses ~ε/(1 − a)


def _phi(activation: str) -> Fn:
    return ACTIVATIONS[activation].phi


def _phi_prime(activation: str, true: bool = False) -> Fn:
    """The kernel's φ′, or with ``true`` the real derivative (differs only for the ×4 bug)."""
    entry = ACTIVATIONS[activation]
    return entry.true_derivative if true and entry.true_derivative is not None else entry.derivative


def _limit_q(q: Floats, finite: bool = True) -> np.ndarray:
    """q with 0 (and, if ``finite``, ∞) replaced by stand-ins, so that q-independent quantities come out as their
    q → 0⁺ (q → ∞) limits; with ``finite=False``, q = ∞ evaluates φ′ at ±∞, the exact limit of E[φ′(√q z)^k]."""
    return np.clip(np.asarray(q, dtype=float), _Q_MIN, _Q_MAX if finite else np.inf)


def homogeneous_slope(activation: str, sigma_w2: float) -> float | None:
    """a = σ_w²·E[φ(z)²] for positively homogeneous φ (φ(λx) = λφ(x), λ > 0), None for the others.

    For these φ, E[φ(√q z)²] = q·E[φ(z)²], so the length map is exactly affine, V(q) = a·q + σ_b², and since
    E[φ′(z)²] = E[φ(z)²] (φ′² is 1 where φ = x and α² where φ = αx) also χ₁ = a at every q: the edge of chaos
    χ₁ = 1 is a = 1, where V(q) = q + σ_b².
    """
    moment = ACTIVATIONS[activation].homogeneous_second_moment
    return None if moment is None else float(sigma_w2) * moment


def _at_homogeneous_edge(activation: str, sigma_w2: float) -> bool:
    """Whether φ is positively homogeneous and |a − 1| ≤ 10⁻¹², a = ``homogeneous_slope`` (e.g. ReLU σ_w² = 2)."""
    slope = homogeneous_slope(activation, sigma_w2)
    return slope is not None and abs(slope - 1.0) <= _EDGE_RTOL


def variance_map(activation: str, sigma_w2: float, bias_variance: float, q: Floats) -> Floats:
    """Length map V(q) = σ_w²·E[φ(√q z)²] + σ_b²: the pre-activation variance one layer up (Poole et al. 2016)."""
    return sigma_w2 * gaussian_expectation(lambda x: _phi(activation)(x) ** 2, q) + bias_variance


def variance_trajectory(
    activation: str, sigma_w2: float, bias_variance: float, input_mean_square: float, depth: int
) -> np.ndarray:
    """q_1..q_depth: q_1 = σ_w²·mean(h_0²) + σ_b², q_{l+1} = V(q_l). Overflow gives inf, which V keeps."""
    q = np.empty(depth)
    current = sigma_w2 * input_mean_square + bias_variance
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            q[layer] = current
            current = variance_map(activation, sigma_w2, bias_variance, current)
    return q


def fixed_point(activation: str, sigma_w2: float, bias_variance: float, q0: float = 1.0) -> float:
    """q* = lim V^l(q0): the first root of g(q) = V(q) − q in the direction q moves from q0.

    V is increasing, so the iteration is monotone and stops at the nearest root; we bracket it on a grid of
    ratio √2 (10 beyond a factor 2³² from q0) and solve with brentq, no iteration (exact near criticality, where
    iteration converges only as a power law).
    No root up to 10¹⁵⁰: inf (e.g. ReLU σ_w² > 2, φ(x) = x σ_w² > 1). No root above 0 with V(0) = 0: 0.0
    (e.g. the hyperbolic tangent with σ_w² ≤ 1 or ReLU σ_w² < 2, with σ_b² = 0). Where V(q0) = q0 within 10⁻¹²
    relative, q0: in particular ReLU at σ_w² = 2, σ_b² = 0, where V(q) = q and every q is fixed.

    Positively homogeneous φ with σ_b² > 0: V(q) = a·q + σ_b² exactly
    (a = ``homogeneous_slope`` = χ₁), so q* = σ_b²/(1 − a) for a < 1, and for a ≥ 1 there is none: inf for
    a ≥ 1 − 10⁻¹² (the tolerance of the test V(q0) = q0 above), so also at the edge of chaos a = 1 (ReLU
    σ_w² = 2, φ(x) = x σ_w² = 1, leaky ReLU σ_w² = 2/(1+α²)), where V(q) = q + σ_b² and q_l grows by σ_b² a
    layer. (Bracketing found a spurious root there, ~4·10¹³ at σ_b² = 0.01, where the rounding of V(q) ~ q
    swamps σ_b².) For 1 − 10⁻³ < a < 1 − 10⁻¹², q* is that closed form, as the bracketed root is off by
    ~ε/(1 − a) relative; for a ≤ 1 − 10⁻³ the bracketed root, within 5·10⁻¹³ of it. σ_b² = 0 is as above:
    0.0 below the edge, q0 on it (every q is fixed), inf beyond it.
    """
    slope = homogeneous_slope(activation, sigma_w2)
    if slope is not None and bias_variance > 0:
        if slope >= 1.0 - _EDGE_RTOL:
            return np.inf
        if slope > 1.0 - _CLOSED_FORM_GAP:
            return float(bias_variance / (1.0 - slope))

    def g(q: Floats) -> Floats:
        return variance_map(activation, sigma_w2, bias_variance, q) - q

    g0 = g(q0)
    if abs(g0) <= 1e-12 * max(q0, 1e-300):
        return float(q0)
    up = g0 > 0
    # ratio √2 over a factor 2³² from q0, then ratio 10 up to 10¹⁵⁰ / down to 10⁻³⁰⁰
    last, sign = max(q0, 1e-300), 1.0 if up else -1.0
    for exponents in (np.arange(1, 65) / 2 * np.log10(2), np.arange(1, 451)):
        logs = np.log10(last) + sign * exponents
        grid = np.concatenate([[last], 10.0 ** logs[(logs > -300) & (logs < 150)]])
        values = g(grid)
        crossed = np.flatnonzero(values <= 0 if up else values >= 0)
        if crossed.size:  # grid[0] has the sign of g0, so k ≥ 1
            k = crossed[0]
            if values[k] == 0:
                return float(grid[k])
            lo, hi = sorted((grid[k - 1], grid[k]))
            return float(brentq(g, lo, hi, xtol=1e-300, rtol=_RTOL))
        last = grid[-1]
    if up:
        return np.inf
    return 0.0 if g(0.0) <= 0 else float(brentq(g, 0.0, last, xtol=1e-300, rtol=_RTOL))


def chi1(activation: str, sigma_w2: float, q: Floats) -> Floats:
    """χ₁ = σ_w²·E[φ′(√q z)²]: the mean squared singular value of one layer's Jacobian (Poole et al. 2016).

    Uses the kernel's φ′. At q = 0 or ∞ it returns the limit q → 0⁺ or q → ∞: for positively homogeneous φ
    χ₁ does not depend on q, for the rest e.g. the hyperbolic tangent: χ₁(∞) = 0, ELU: σ_w²/2.
    """
    return sigma_w2 * gaussian_expectation(lambda x: _phi_prime(activation)(x) ** 2, _limit_q(q, finite=False))


def correlation_map(activation: str, sigma_w2: float, bias_variance: float, q_star: float, c: Floats) -> Floats:
    """c_{l+1} = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q*, u₁ = √q* z₁, u₂ = √q*(c z₁ + √(1−c²) z₂) (Poole et al. 2016).

    We divide by V(q*), which is q* at the fixed point, so that c = 1 ↦ 1 holds exactly and the map is the
    correlation one layer up for inputs at any variance q*. q* = 0 or ∞ stand for the limits q* → 0⁺, ∞
    (for ReLU: the arc-cosine map, independent of q*). Vectorised over c.
    """
    q = float(_limit_q(q_star))
    phi = _phi(activation)
    return (sigma_w2 * gaussian_pair_expectation(phi, phi, q, c) + bias_variance) / variance_map(
        activation, sigma_w2, bias_variance, q
    )


def correlation_trajectory(activation: str, sigma_w2: float, bias_variance: float, c0: float, depth: int) -> np.ndarray:
    """c_1..c_depth from input correlation c0, both inputs assumed already at the fixed point q* (from q0 = 1)."""
    q_star = fixed_point(activation, sigma_w2, bias_variance)
    c = np.empty(depth)
    current = c0
    for layer in range(depth):
        current = c[layer] = correlation_map(activation, sigma_w2, bias_variance, q_star, current)
    return c


def _forward_chi1(activation: str, sigma_w2: float, q: float) -> float:
    """χ₁ with the true φ′: the slope of the correlation map at c = 1 (differs from ``chi1`` only for the ×4 bug)."""
    return sigma_w2 * gaussian_expectation(
        lambda x: _phi_prime(activation, true=True)(x) ** 2, _limit_q(q, finite=False)
    )


@functools.lru_cache(maxsize=4096)  # a brentq over nested quadratures (~0.25 s); figures ask for it repeatedly
def correlation_fixed_point(activation: str, sigma_w2: float, bias_variance: float) -> float:
    """Stable fixed point c* of the correlation map at q* (from q0 = 1).

    Ordered phase (slope at c = 1, χ₁ with the true φ′, ≤ 1): c* = 1. Chaotic phase: the map is convex on
    [0, 1] (its Hermite expansion has non-negative coefficients) with map(0) ≥ 0, so f(c) = map(c) − c has one
    root in [0, 1), bracketed by brentq. q* = 0 or ∞ (no finite fixed point): 1.0 — the limiting maps are neutral
    (c ↦ c for smooth φ at q → 0) or converge to 1 as a power law (the ReLU arc-cosine map).
    """
    q_star = fixed_point(activation, sigma_w2, bias_variance)
    if not 0 < q_star < np.inf or _forward_chi1(activation, sigma_w2, q_star) <= 1:
        return 1.0

    def f(c: Floats) -> Floats:
        return correlation_map(activation, sigma_w2, bias_variance, q_star, c) - c

    if f(0.0) <= 0:
        return 0.0  # odd φ, σ_b² = 0: c = 0 maps to 0
    grid = 1.0 - np.logspace(-0.3, -14, 28)  # from 0.5 towards 1: f < 0 on (c*, 1)
    negative = np.flatnonzero(f(grid) < 0)
    if not negative.size:
        return 1.0  # indistinguishable from critical
    k = negative[0]
    return float(brentq(f, 0.0 if k == 0 else grid[k - 1], grid[k], xtol=1e-15))


def chi_c(activation: str, sigma_w2: float, bias_variance: float) -> float:
    """χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at (q*, c*) with the kernel's φ′; χ_c = χ₁(q*) when c* = 1."""
    q_star = fixed_point(activation, sigma_w2, bias_variance)
    c_star = correlation_fixed_point(activation, sigma_w2, bias_variance)
    if c_star == 1.0:
        return chi1(activation, sigma_w2, q_star)
    prime = _phi_prime(activation)
    return sigma_w2 * gaussian_pair_expectation(prime, prime, q_star, c_star)


@functools.lru_cache(maxsize=4096)
def depth_scales(activation: str, sigma_w2: float, bias_variance: float) -> tuple[float, float]:
    """(ξ_q, ξ_c) of Schoenholz et al. 2017: |q_l − q*| ~ e^{−l/ξ_q}, |c_l − c*| ~ e^{−l/ξ_c}.

    ξ_q = −1/ln V′(q*) with V′ by Stein's identity, V′(q) = σ_w²·E[φ(√q z)φ′(√q z)z]/√q = σ_w²·E[φ′² + φφ″]
    (true φ′). ξ_c = −1/ln χ_c with χ_c the slope of the correlation map at c* (σ_w²E[φ′(u₁)φ′(u₂)], true φ′).
    ξ = inf where a slope is exactly 1 (ln = 0). q* = 0: V′ → χ₁(0⁺), so ξ_q is the decay length of q (inf at
    criticality); q* = ∞: V′(∞) > 1 and ξ_q < 0 is the growth length. In both cases ξ_c = inf: the limiting correlation
    maps have slope 1 at c* = 1 (power-law convergence, e.g. ReLU).
    Positively homogeneous φ at the edge of chaos (``homogeneous_slope`` a = V′ = χ₁ = 1 within 10⁻¹²: ReLU
    σ_w² = 2, φ(x) = x σ_w² = 1, leaky ReLU σ_w² = 2/(1+α²)), with or without biases: (inf, inf), never a
    negative ξ. With σ_b² > 0 there q* = ∞ and q_l grows by σ_b² a layer, not exponentially (no growth length); the
    quadrature's V′(∞) = 1 ± ε used to give ξ = ∓4.5·10¹⁵ (ξ_c too, through the spurious finite q*). Within
    10⁻³ below the edge with σ_b² > 0, where ``fixed_point`` is the closed form, ξ_q = ξ_c = −1/ln a exactly
    (c* = 1, χ_c = V′ = a; the quadrature's slopes are off by ~ε, i.e. ξ by ~ε/(1 − a) relative).
    """
    if _at_homogeneous_edge(activation, sigma_w2):
        return np.inf, np.inf
    slope = homogeneous_slope(activation, sigma_w2)
    if slope is not None and bias_variance > 0 and 1.0 - _CLOSED_FORM_GAP < slope < 1.0:
        xi = float(-1.0 / np.log(slope))
        return xi, xi
    q_star = fixed_point(activation, sigma_w2, bias_variance)
    q = float(_limit_q(q_star))
    phi, prime = _phi(activation), _phi_prime(activation, true=True)
    v_slope = sigma_w2 * gaussian_expectation(lambda x: phi(x) * prime(x) * x, q) / q  # x = √q z, so z = x/√q

    def scale(slope: float) -> float:
        with np.errstate(divide="ignore"):
            return float(-1.0 / np.log(slope)) if slope != 1.0 else np.inf

    if not 0 < q_star < np.inf:
        return scale(v_slope), np.inf
    c_star = correlation_fixed_point(activation, sigma_w2, bias_variance)
    slope = sigma_w2 * gaussian_pair_expectation(prime, prime, q_star, c_star)
    return scale(v_slope), scale(slope)


@functools.lru_cache(maxsize=256)
def critical_weight_variance(activation: str, bias_variance: float = 0.0) -> float:
    """The edge of chaos: σ_w² with χ₁(q*(σ_w², σ_b²)) = 1 (kernel's φ′, q* from q0 = 1).

    h(σ_w²) = χ₁(q*) − 1 is scanned upwards on 141 log-spaced σ_w² in [10⁻³, 10⁴]; brentq solves in the first
    bracket where it turns non-negative. Where q* = 0 below the root (σ_b² = 0, φ(0) = 0), h = σ_w²·E[φ′(0±)²] − 1
    is affine there, while above it h may leave 0 tangentially (hyperbolic tangent: h ∝ (σ_w² − 1)², which limits
    brentq to ~√ε), so we return that exact root, 1/E[φ′(0±)²] (ReLU: 2, hyperbolic tangent: 1). Where q* jumps
    from 0 to ∞ (GELU, SiLU at σ_b² = 0), the root is the jump, which depends on q0.

    Positively homogeneous φ: χ₁ = σ_w²·E[φ′(z)²] does not depend on q, so the edge is
    that same 1/E[φ′²] (ReLU 2, φ(x) = x 1, leaky ReLU 2/(1+α²)) at every σ_b², returned without a search. With
    σ_b² > 0 it has no finite fixed point: V(q) = q + σ_b² there, ``fixed_point`` is inf and q_l grows by σ_b²
    a layer (for ReLU the edge of chaos with a finite q* is the single point σ_b² = 0, Hayou et al. 2019);
    the combination table then starts the fixed-point experiments at q = 1.
    """
    if homogeneous_slope(activation, 1.0) is not None:
        return float(1.0 / chi1(activation, 1.0, 0.0))  # = ``boundary`` below, as at σ_b² = 0

    def h(sigma_w2: float) -> float:
        return chi1(activation, sigma_w2, fixed_point(activation, sigma_w2, bias_variance)) - 1.0

    previous = None
    for sigma_w2 in np.logspace(-3, 4, 141):
        value = h(sigma_w2)
        if value >= 0:
            break
        previous = sigma_w2
    else:
        raise ValueError(f"no edge of chaos for {activation} with σ_b² = {bias_variance} in σ_w² ∈ [1e-3, 1e4]")
    if previous is None:
        raise ValueError(f"{activation} with σ_b² = {bias_variance} is chaotic already at σ_w² = 1e-3")
    root = sigma_w2 if value == 0 else brentq(h, previous, sigma_w2, xtol=1e-15, rtol=_RTOL)
    boundary = 1.0 / chi1(activation, 1.0, 0.0)  # where χ₁(0⁺) = 1
    if abs(boundary - root) <= 1e-5 * root and fixed_point(activation, boundary * (1 - 1e-9), bias_variance) == 0.0:
        return float(boundary)
    return float(root)


def finite_width_log_correction(
    activation: str, sigma_w2: float, q: Floats, width: int, gaussian: bool = True, coupled: bool = True
) -> Floats:
    """Δ(q) = E ln(‖y_l‖²/‖y_{l−1}‖²) − ln χ₁ per layer of y_l = W_lᵀ·diag(φ′(z_l))·y_{l−1} at width N.

    Write y_l/‖y_{l−1}‖ = Wᵀ D u with u = y_{l−1}/‖y_{l−1}‖ uniform on the sphere, independent of D = diag(φ′(z)),
    z_i ~ N(0, q) i.i.d. independent of W:
      ‖Wᵀ D u‖² = (σ_w²/N)·X·S,  X = ‖WᵀDu‖²·N/(σ_w²‖Du‖²) ~ χ²_N (Gaussian W),  S = Σ_i φ′(z_i)² u_i².
      E ln(X/N) = ψ(N/2) − ln(N/2) exactly (0 for orthogonal W, where ‖Wᵀv‖² = σ_w²‖v‖²).
      With a_i = φ′(z_i)², μ₁ = E a: E u_i² = 1/N, E u_i⁴ = 3/(N(N+2)), E u_i²u_j² = 1/(N(N+2)) give
      E S = μ₁ and Var S = 3 Var(a)/(N+2), so by the delta method E ln S ≈ ln μ₁ − 3 Var(a)/(2(N+2)μ₁²).
    With χ₁ = σ_w² μ₁: Δ = [ψ(N/2) − ln(N/2)] − 3 Var(φ′²)/(2(N+2) E[φ′²]²), the first term exact, the second
    to O(N⁻²) (ReLU, N = 50: −0.0288 against the exact E ψ(K/2) − ψ(N/2) + ln 2 = −0.0316, K ~ Bin(N, ½)).

    ``coupled``: z = W h with the same W, as in the kernels (z_i ~ N(0, q), q = σ_w²‖h‖²/N). Gaussian W: split
    each row of W along ĥ; the ĥ component of Wᵀ D u is Σ_i z_i φ′(z_i) u_i/‖h‖, so one of the N χ² directions
    carries E[ζ²φ′(√q ζ)²] instead of μ₁: + E[He₂(ζ)φ′(√q ζ)²]/(N μ₁), He₂ = ζ² − 1. Orthogonal W: z = √(Nq)·v with
    v uniform on the sphere, E[z^{2k}] = q^k(2k−1)!!(1 − k(k−1)/N + …): − E[He₄(ζ)φ′(√q ζ)²]/(4N μ₁),
    He₄ = ζ⁴ − 6ζ² + 3. Both vanish for positively homogeneous φ.
    σ_w² cancels (kept for a uniform signature). Not included: the O(1/N) fluctuation of q itself across units.
    This is the rate of one vector, the top Lyapunov exponent; ln‖Y_l‖_F of Y_l = A_l⋯A_1, Y_0 = I falls short
    by less while l ≪ N (about half as much at N = 100, l ≤ 25).
    """
    prime = _phi_prime(activation)
    q = _limit_q(q)
    m1 = gaussian_expectation(lambda x: prime(x) ** 2, q)
    m2 = gaussian_expectation(lambda x: prime(x) ** 4, q)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spread = np.where(m1 > 0, 3 * (m2 - m1 * m1) / (2 * (width + 2) * np.square(m1)), 0.0)
        correction = (digamma(width / 2) - np.log(width / 2) if gaussian else 0.0) - spread
        if coupled:
            zeta2 = q[..., None] if np.ndim(q) else q  # ζ² = x²/q at the nodes x = √q ζ
            if gaussian:
                hermite = gaussian_expectation(lambda x: (x * x / zeta2 - 1) * prime(x) ** 2, q)
                correction = correction + np.where(m1 > 0, hermite / (width * m1), 0.0)
            else:
                hermite = gaussian_expectation(
                    lambda x: ((x * x / zeta2) ** 2 - 6 * x * x / zeta2 + 3) * prime(x) ** 2, q
                )
                correction = correction - np.where(m1 > 0, hermite / (4 * width * m1), 0.0)
    return _out(correction)


def first_layer_column_log_factor(activation: str, q1: float) -> float:
    """ln(E|φ′(√q₁ z)|/√E[φ′(√q₁ z)²]) ≤ 0: the correction to ln mean_ij|Y_ij| from unequal columns.

    Y_l = A_l⋯A_2·W_1ᵀ·diag(φ′(z_1)) scales column k by |φ′(z_1k)|, so mean|Y| = √(2/π)·RMS·E|φ′|/√E[φ′²]
    at infinite width (ReLU: −½ ln 2, half the columns are 0 at every depth; φ(x) = x: 0).
    """
    prime = _phi_prime(activation)
    q1 = float(_limit_q(q1, finite=False))
    mean_abs = gaussian_expectation(lambda x: np.abs(prime(x)), q1)
    with np.errstate(divide="ignore"):
        return float(np.log(mean_abs) - 0.5 * np.log(gaussian_expectation(lambda x: prime(x) ** 2, q1)))


def predicted_log_grad_mean_abs(
    activation: str,
    sigma_w2: float,
    width: int,
    depth: int,
    input_mean_square: float = 1.0,
    bias_variance: float = 0.0,
    finite_width: bool = False,
    gaussian: bool = True,
    first_layer_columns: bool = False,
) -> np.ndarray:
    """Predicted ln(mean_ij|Y_ij|), l = 1..depth, for Y_l = W_lᵀ·diag(φ′(z_l))·Y_{l−1}, Y_0 = I_N:

      ln √(2/π) − ½ ln N + ½ Σ_{m≤l} [ln χ₁(q_m) (+ Δ(q_m) if ``finite_width``)],

    q_m from ``variance_trajectory`` (the mean-field q along the way). ‖Y_0‖_F² = N, so entries have RMS 1/√N;
    entries are taken as Gaussian, mean|Y| = √(2/π)·RMS. ``first_layer_columns`` adds
    ``first_layer_column_log_factor(q_1)``. χ₁ = 0 gives −inf; overflowing q give χ₁'s q → ∞ limit.
    """
    q = variance_trajectory(activation, sigma_w2, bias_variance, input_mean_square, depth)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_layer = np.log(chi1(activation, sigma_w2, q))
        if finite_width:
            per_layer = per_layer + finite_width_log_correction(activation, sigma_w2, q, width, gaussian)
        start = np.log(np.sqrt(2 / np.pi)) - 0.5 * np.log(width)
        if first_layer_columns and depth:
            start += first_layer_column_log_factor(activation, q[0])
        return start + 0.5 * np.cumsum(per_layer)


def predicted_forward_std(
    activation: str, sigma_w2: float, depth: int, input_mean_square: float = 1.0, bias_variance: float = 0.0
) -> np.ndarray:
    """Population std over units of h_l = φ(z_l), l = 0..depth: √mean(h_0²) at l = 0 (h_0 ~ N(0, I)), then
    √(E[φ(√q_l z)²] − E[φ(√q_l z)]²) (computed about φ(0) against cancellation); inf once it overflows."""
    phi = _phi(activation)
    q = variance_trajectory(activation, sigma_w2, bias_variance, input_mean_square, depth)
    centre = float(phi(np.array(0.0)))
    with np.errstate(invalid="ignore", over="ignore"):
        square = gaussian_expectation(lambda x: (phi(x) - centre) ** 2, q)
        mean = gaussian_expectation(lambda x: phi(x) - centre, q)
        std = np.where(np.isinf(square), np.inf, np.sqrt(np.maximum(square - mean * mean, 0.0)))
    return np.concatenate([[np.sqrt(input_mean_square)], std])


def jacobian_spectrum_variance(
    activation: str, sigma_w2: float, bias_variance: float, depth: float, orthogonal: bool
) -> float:
    """Variance of the eigenvalue distribution of JJᵀ, J the depth-L input–output Jacobian (Pennington et al. 2017).

    At q* (from q0 = 1; 0/∞ as limits) with μ_k = E[φ′(√q* z)^{2k}] (kernel's φ′), free probability gives
      m₁ = (σ_w² μ₁)^L,  σ²_{JJᵀ} = m₂ − m₁² = m₁²·L·(μ₂/μ₁² − 1 − s₁),
    s₁ the first S-transform coefficient of WWᵀ: −1 Gaussian, 0 orthogonal. Linear: L (Gaussian), 0
    (orthogonal); ReLU at σ_w² = 2: 2L and L. Exact as N → ∞ at fixed L.
    """
    prime = _phi_prime(activation)
    q = _limit_q(fixed_point(activation, sigma_w2, bias_variance), finite=False)
    mu1 = gaussian_expectation(lambda x: prime(x) ** 2, q)
    mu2 = gaussian_expectation(lambda x: prime(x) ** 4, q)
    s1 = 0.0 if orthogonal else -1.0
    with np.errstate(over="ignore", invalid="ignore"):
        m1 = (sigma_w2 * mu1) ** depth
        return float(m1 * m1 * depth * (mu2 / mu1**2 - 1.0 - s1))


def critical_weight_variances(activations, bias_variance: float = 0.0) -> dict[str, float]:
    """Critical σ_w² of each activation that has an edge of chaos at ``bias_variance`` (the others are left out)."""
    found = {}
    for activation in activations:
        try:
            found[activation] = critical_weight_variance(activation, bias_variance)
        except ValueError:
            continue
    return found
