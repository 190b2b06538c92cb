"""TensorFlow kernels, one per experiment.

Seeds are the leading tensor dimension, and the combinations of one job are stacked along it too: rows
c·seeds … (c+1)·seeds − 1 belong to combination c. The layer loop is compiled with ``tf.function`` (optionally
with XLA), so one call computes every ensemble of a job. Weights of layer ``l`` of a combination are drawn with the
stateless seed ``(combination seed, l)``, so a combination's numbers do not depend on its job's other members.
Statistics users read are reduced in float64 (exact for float32 values); ``*_native`` statistics are reduced in the
working dtype, as the notebooks do, and are what the reproduction table compares with their printed numbers.
Batch kernels return (combinations, seeds, …) arrays; the single-combination wrappers drop the first axis.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import ml_dtypes
import numpy as np
import tensorflow as tf

from initstab import theory
from initstab.activations import ACTIVATIONS
from initstab.initializers import INITIALIZERS

F64 = tf.float64
INPUT_STREAM, SECOND_INPUT_STREAM, DIRECTION_STREAM = -1, -2, -3
BIAS_STREAM = 2**40  # biases of layer l use stream BIAS_STREAM + l, far from the weights' streams 0..depth


@dataclass(frozen=True)
class Combination:
    """One point of a job's sweep: its init, scale (std, half-width or gain), σ_b² and seed."""

    init: str
    scale: float
    seed: int
    bias_variance: float = 0.0


@dataclass(frozen=True)
class Shape:
    """What every stacked call shares: width, depth, seeds per combination and dtype."""

    width: int
    depth: int
    seeds: int
    dtype: str


def _seed(seed: int, stream) -> tf.Tensor:
    return tf.stack([tf.constant(seed, tf.int64), tf.cast(stream, tf.int64)])


def _draw(init: str, shape, scale: float, seed: int, layer, dtype) -> tf.Tensor:
    return INITIALIZERS[init](shape, scale, _seed(seed, layer), dtype)


class _Stack:
    """Draws for the stacked combinations of one job (all shapes (C·seeds, …)).

    ``critical``/``critical_orthogonal`` draw with gain s·√σ²_w,crit(φ, σ_b²) from the mean-field theory;
    ``lsuv`` draws orthogonal weights and rescales them per layer so that the pre-activations have variance s².
    """

    def __init__(self, activation: str, combinations: Sequence[Combination], seeds: int, width: int, dtype):
        self.combinations, self.seeds, self.width, self.dtype = list(combinations), seeds, width, dtype
        self.draws = [theory.draw_rule(activation, c.init, c.scale, c.bias_variance) for c in self.combinations]
        self.has_bias = any(c.bias_variance > 0 for c in self.combinations)
        lsuv = [float(c.init == "lsuv") for c in self.combinations]
        self.lsuv_rows = np.repeat(lsuv, seeds) if any(lsuv) else None
        self.lsuv_target = np.repeat([c.scale for c in self.combinations], seeds)

    def _concat(self, tensors) -> tf.Tensor:
        return tensors[0] if len(tensors) == 1 else tf.concat(tensors, axis=0)

    def weights(self, layer) -> tf.Tensor:
        shape = (self.seeds, self.width, self.width)
        return self._concat(
            [
                _draw(init, shape, scale, c.seed, layer, self.dtype)
                for c, (init, scale) in zip(self.combinations, self.draws)
            ]
        )

    def biases(self, layer) -> tf.Tensor | None:
        """b ~ N(0, σ_b²) per unit, or None when no combination of the job has biases."""
        if not self.has_bias:
            return None
        shape = (self.seeds, self.width)
        return self._concat(
            [
                tf.cast(math.sqrt(c.bias_variance), self.dtype)
                * tf.random.stateless_normal(shape, _seed(c.seed, BIAS_STREAM + layer), dtype=self.dtype)
                for c in self.combinations
            ]
        )

    def normals(self, stream: int, scales: Sequence[float] | None = None) -> tf.Tensor:
        """(C·seeds, width) standard normals from each combination's ``stream``, times a per-combination scale."""
        scales = scales or [1.0] * len(self.combinations)
        shape = (self.seeds, self.width)
        return self._concat(
            [
                tf.cast(scale, self.dtype) * tf.random.stateless_normal(shape, _seed(c.seed, stream), dtype=self.dtype)
                for c, scale in zip(self.combinations, scales)
            ]
        )

    def rescaled(self, w: tf.Tensor, h: tf.Tensor, transpose: bool = False):
        """(W, W·h) (``transpose``: Wᵀ·h), LSUV rows of W first rescaled so that std(W·h) = s."""
        wh = tf.linalg.matvec(w, h, transpose_a=transpose)
        if self.lsuv_rows is not None:
            std = tf.math.reduce_std(tf.cast(wh, F64), axis=-1)
            ratio = tf.constant(self.lsuv_target, F64) / tf.where(std > 0, std, 1.0)
            factor = tf.cast(tf.where((tf.constant(self.lsuv_rows) > 0) & (std > 0), ratio, 1.0), self.dtype)
            w, wh = w * factor[:, None, None], wh * factor[:, None]
        return w, wh

    def preactivations(self, w: tf.Tensor, h: tf.Tensor, layer, transpose: bool = False):
        """z = W·h + b (``transpose``: Wᵀ·h + b), after LSUV's rescaling of W. Returns (w, z)."""
        w, wh = self.rescaled(w, h, transpose)
        return w, _plus(wh, self.biases(layer))

    def split(self, array: tf.Tensor) -> np.ndarray:
        """(C·seeds, …) → (C, seeds, …) numpy."""
        array = array.numpy()
        return array.reshape(len(self.combinations), self.seeds, *array.shape[1:])


def _plus(x: tf.Tensor, b: tf.Tensor | None) -> tf.Tensor:
    return x if b is None else x + b


def _median_last_axis(values: tf.Tensor) -> tf.Tensor:
    """Median along the last axis (mean of the two middle order statistics when the length is even)."""
    ordered = tf.sort(values, axis=-1)
    n = values.shape[-1]
    return 0.5 * (ordered[..., (n - 1) // 2] + ordered[..., n // 2])


def _stack(array: tf.TensorArray) -> tf.Tensor:
    """(layers, rows) TensorArray → (rows, layers) tensor."""
    return tf.transpose(array.stack())


def _single(result: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: values[0] for name, values in result.items()}


def matrix_product_batch(combinations: Sequence[Combination], shape: Shape, *, jit_compile=False):
    """Y_n = W_n⋯W_1 for n = 1..depth, W_i i.i.d. width×width.

    Returns (C, seeds, depth) arrays: ``log10_abs_entry_median`` = median_ij log10|Y_ij| and
    ``max_abs_entry`` = max_ij |Y_ij|. For N(0, s²) entries, log|Y_ij| grows like n·λ₁ with
    λ₁ = ln(s√k) + ½(ψ(k/2) − ln(k/2)) (Newman 1986).
    """
    width, depth, seeds, dtype = shape.width, shape.depth, shape.seeds, shape.dtype
    dt = tf.as_dtype(dtype)
    stack = _Stack("linear", combinations, seeds, width, dt)
    rows = len(combinations) * seeds

    @tf.function(jit_compile=jit_compile)
    def run():
        y = tf.eye(width, batch_shape=[rows], dtype=dt)
        medians = tf.TensorArray(F64, size=depth)
        maxima = tf.TensorArray(F64, size=depth)
        for n in tf.range(depth):
            y = stack.weights(n) @ y
            magnitude = tf.reshape(tf.abs(tf.cast(y, F64)), (rows, width * width))
            medians = medians.write(n, _median_last_axis(tf.math.log(magnitude) / np.log(10.0)))
            maxima = maxima.write(n, tf.reduce_max(magnitude, axis=-1))
        return _stack(medians), _stack(maxima)

    medians, maxima = run()
    return {"log10_abs_entry_median": stack.split(medians), "max_abs_entry": stack.split(maxima)}


def matrix_product(init, scale, width, depth, seeds, dtype, job_seed, *, jit_compile=False):
    """``matrix_product_batch`` for one combination: (seeds, depth) arrays."""
    return _single(
        matrix_product_batch(
            [Combination(init, scale, job_seed)], Shape(width, depth, seeds, dtype), jit_compile=jit_compile
        )
    )


def gradient_flow_batch(activation: str, combinations: Sequence[Combination], shape: Shape, *, jit_compile=False):
    """d2l's ``synthetic_grad``, vectorized over combinations and seeds.

    h₀ = 1, Y₀ = I; per layer l: z = W_l h (+ b_l), Y ← W_lᵀ·diag(φ′(z))·Y, h ← φ(z), so Y_l = ∂h_l/∂h₀ up to
    the last φ′. Mean field: E‖Y_l‖²_F = χ₁(q_l)·E‖Y_{l−1}‖²_F with χ₁ = σ_w²·E[φ′(√q z)²].
    Returns (C, seeds, depth) arrays ``grad_mean_abs`` = mean_ij |Y_ij| reduced in float64,
    ``grad_mean_abs_native`` reduced in ``dtype`` (a float32 sum of 10⁴ entries near 10³⁵ overflows to inf
    although every entry is finite: the notebook's printed inf), and the flags ``hidden_all_finite`` (every entry
    of h finite: once h overflows, z = W·h is NaN, ReLU(NaN) = 0 and the gradient reads exactly 0),
    ``grad_all_finite`` (no entry of Y is inf/NaN) and ``grad_any_nonzero`` (some entry of Y is not 0).
    """
    width, depth, seeds, dtype = shape.width, shape.depth, shape.seeds, shape.dtype
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]
    stack = _Stack(activation, combinations, seeds, width, dt)
    rows = len(combinations) * seeds
    names = ("grad_mean_abs", "grad_mean_abs_native", "hidden_all_finite", "grad_all_finite", "grad_any_nonzero")

    @tf.function(jit_compile=jit_compile)
    def run():
        h = tf.ones((rows, width), dt)
        y = tf.eye(width, batch_shape=[rows], dtype=dt)
        arrays = [tf.TensorArray(F64, size=depth) for _ in names]
        for layer in tf.range(depth):
            w, z = stack.preactivations(stack.weights(layer), h, layer)
            y = (tf.linalg.matrix_transpose(w) * phi.derivative(z)[:, tf.newaxis, :]) @ y
            h = phi.fn(z)
            values = (
                tf.reduce_mean(tf.abs(tf.cast(y, F64)), axis=[1, 2]),
                tf.cast(tf.reduce_mean(tf.abs(y), axis=[1, 2]), F64),
                tf.cast(tf.reduce_all(tf.math.is_finite(h), axis=-1), F64),
                tf.cast(tf.reduce_all(tf.math.is_finite(y), axis=[1, 2]), F64),
                tf.cast(tf.reduce_any(tf.not_equal(y, 0), axis=[1, 2]), F64),
            )
            arrays = [a.write(layer, v) for a, v in zip(arrays, values)]
        return [_stack(a) for a in arrays]

    return {name: stack.split(array) for name, array in zip(names, run())}


def gradient_flow(
    activation, init, scale, width, depth, seeds, dtype, job_seed, *, jit_compile=False, bias_variance=0.0
):
    """``gradient_flow_batch`` for one combination: (seeds, depth) arrays."""
    combination = Combination(init, scale, job_seed, bias_variance)
    return _single(
        gradient_flow_batch(activation, [combination], Shape(width, depth, seeds, dtype), jit_compile=jit_compile)
    )


def forward_batch(activation: str, combinations: Sequence[Combination], shape: Shape, *, jit_compile=False):
    """x₀ ~ N(0, I_width), x_l = φ(x_{l−1}·W_l (+ b_l)) for l = 1..depth.

    Returns (C, seeds, depth+1) arrays over layers 0..depth: ``act_mean``, ``act_std`` (population),
    ``act_mean_sq`` reduced in float64; ``act_mean_native``, ``act_std_native`` reduced in ``dtype`` as
    ``tf.reduce_mean``/``tf.math.reduce_std`` do (a float32 std of values near 10⁻³⁰ underflows to 0);
    ``all_finite`` (1.0 where every entry is finite).
    """
    width, depth, seeds, dtype = shape.width, shape.depth, shape.seeds, shape.dtype
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]
    stack = _Stack(activation, combinations, seeds, width, dt)
    names = ("act_mean", "act_std", "act_mean_sq", "act_mean_native", "act_std_native", "all_finite")

    def stats(x):
        x64 = tf.cast(x, F64)
        return (
            tf.reduce_mean(x64, axis=-1),
            tf.math.reduce_std(x64, axis=-1),
            tf.reduce_mean(tf.square(x64), axis=-1),
            tf.cast(tf.reduce_mean(x, axis=-1), F64),
            tf.cast(tf.math.reduce_std(x, axis=-1), F64),
            tf.cast(tf.reduce_all(tf.math.is_finite(x), axis=-1), F64),
        )

    @tf.function(jit_compile=jit_compile)
    def run():
        x = stack.normals(INPUT_STREAM)
        arrays = [tf.TensorArray(F64, size=depth + 1) for _ in names]
        for layer in tf.range(depth + 1):
            arrays = [a.write(layer, s) for a, s in zip(arrays, stats(x))]
            if layer < depth:
                _, z = stack.preactivations(stack.weights(layer), x, layer, transpose=True)
                x = phi.fn(z)
        return [_stack(a) for a in arrays]

    return {name: stack.split(array) for name, array in zip(names, run())}


def forward(activation, init, scale, width, depth, seeds, dtype, job_seed, *, jit_compile=False, bias_variance=0.0):
    """``forward_batch`` for one combination: (seeds, depth+1) arrays."""
    combination = Combination(init, scale, job_seed, bias_variance)
    return _single(forward_batch(activation, [combination], Shape(width, depth, seeds, dtype), jit_compile=jit_compile))


def _inputs_at_fixed_point(stack: _Stack, activation: str, correlation: float | None = None):
    """Pre-activations z₀ ~ N(0, q*) of each combination (q* = 1 where the theory gives 0 or ∞), so that the first
    layer's pre-activations z₁ = W·φ(z₀) + b sit at the fixed point; with ``correlation`` c₀, a second z₀ with
    correlation c₀ to the first. Returns (z_a, z_b or None)."""
    q_star = [
        theory.input_variance(activation, c.init, c.scale, stack.width, c.bias_variance) for c in stack.combinations
    ]
    stds = [math.sqrt(q) for q in q_star]
    z_a = stack.normals(INPUT_STREAM, stds)
    if correlation is None:
        return z_a, None
    return z_a, correlation * z_a + math.sqrt(1 - correlation**2) * stack.normals(SECOND_INPUT_STREAM, stds)


def gradient_norm_growth_batch(
    activation: str, combinations: Sequence[Combination], shape: Shape, *, jit_compile=False
):
    """Per-layer growth of a propagated gradient: u₀ a random unit vector, u_l = diag(φ′(z_l))·W_l·u_{l−1}.

    Mean field: ‖u_l‖²/‖u_{l−1}‖² → χ₁ = σ_w²·E[φ′(√q* z)²], the same factor as back-propagated gradients
    (Schoenholz et al. 2017); χ₁ = 1 is the edge of chaos. u is renormalised every layer and ln of each ratio
    recorded, so nothing over- or underflows. Inputs at q*. Returns (C, seeds, depth) ``log_grad_growth``.
    """
    width, depth, seeds, dtype = shape.width, shape.depth, shape.seeds, shape.dtype
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]
    stack = _Stack(activation, combinations, seeds, width, dt)

    @tf.function(jit_compile=jit_compile)
    def run():
        h = phi.fn(_inputs_at_fixed_point(stack, activation)[0])
        u = tf.math.l2_normalize(stack.normals(DIRECTION_STREAM), axis=-1)
        growth = tf.TensorArray(F64, size=depth)
        for layer in tf.range(depth):
            w, z = stack.preactivations(stack.weights(layer), h, layer)
            u = phi.derivative(z) * tf.linalg.matvec(w, u)
            norm = tf.norm(tf.cast(u, F64), axis=-1)
            growth = growth.write(layer, 2.0 * tf.math.log(norm))
            u = u / tf.cast(tf.where(norm > 0, norm, 1.0), dt)[:, None]
            h = phi.fn(z)
        return _stack(growth)

    return {"log_grad_growth": stack.split(run())}


def correlation_flow_batch(
    activation: str, combinations: Sequence[Combination], shape: Shape, input_correlation: float, *, jit_compile=False
):
    """Two inputs through the same network: the correlation c_l = Σ z_a z_b / √(Σ z_a² Σ z_b²) of their
    pre-activations and q_l = mean z_a², for l = 0..depth (layer 0: the inputs' own pre-activations, at q*).

    Mean field: c_{l+1} = C(c_l), and |c_l − c*| ∝ exp(−l/ξ_c) with ξ_c = −1/ln χ_c (Schoenholz et al. 2017).
    Returns (C, seeds, depth+1) ``correlation`` and ``q``.
    """
    width, depth, seeds, dtype = shape.width, shape.depth, shape.seeds, shape.dtype
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]
    stack = _Stack(activation, combinations, seeds, width, dt)

    def measure(z_a, z_b):
        a, b = tf.cast(z_a, F64), tf.cast(z_b, F64)
        norms = tf.norm(a, axis=-1) * tf.norm(b, axis=-1)
        return tf.reduce_sum(a * b, axis=-1) / norms, tf.reduce_mean(a * a, axis=-1)

    @tf.function(jit_compile=jit_compile)
    def run():
        z_a, z_b = _inputs_at_fixed_point(stack, activation, input_correlation)
        correlations, variances = tf.TensorArray(F64, size=depth + 1), tf.TensorArray(F64, size=depth + 1)
        c, q = measure(z_a, z_b)
        correlations, variances = correlations.write(0, c), variances.write(0, q)
        for layer in tf.range(depth):
            w, wh_a = stack.rescaled(stack.weights(layer), phi.fn(z_a))  # LSUV scales by input a's statistics
            b = stack.biases(layer)
            z_a, z_b = _plus(wh_a, b), _plus(tf.linalg.matvec(w, phi.fn(z_b)), b)
            c, q = measure(z_a, z_b)
            correlations, variances = correlations.write(layer + 1, c), variances.write(layer + 1, q)
        return _stack(correlations), _stack(variances)

    correlations, variances = run()
    return {"correlation": stack.split(correlations), "q": stack.split(variances)}


def checkpoints(depth: int) -> list[int]:
    """Layers where the Jacobian's spectrum is recorded: 1, 2, 4, … and ``depth``."""
    return sorted({*(2**i for i in range(int(math.log2(depth)) + 1)), depth})


def jacobian_spectrum_batch(activation: str, combinations: Sequence[Combination], shape: Shape, *, jit_compile=False):
    """Singular values of the input–output Jacobian J_L = D_L W_L ⋯ D_1 W_1 (D_l = diag φ′(z_l)), inputs at q*.

    Pennington et al. (2017): at criticality the eigenvalues of J Jᵀ have mean (σ_w²μ₁)^L and variance
    L·(μ₂/μ₁² − 1 − s₁) (μ_k = E φ′(√q* z)^{2k}; s₁ = −1 Gaussian, 0 orthogonal): orthogonal weights keep the
    spread O(1) when μ₂ ≈ μ₁², Gaussian ones let it grow with depth. Returns, per checkpoint layer
    (``checkpoints(depth)``), (C, seeds, checkpoints) arrays ``jjt_mean`` and ``jjt_var`` (mean and variance of the
    squared singular values), ``sv_max`` and ``sv_min``.
    """
    width, depth, seeds, dtype = shape.width, shape.depth, shape.seeds, shape.dtype
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]
    stack = _Stack(activation, combinations, seeds, width, dt)
    rows = len(combinations) * seeds
    marks = checkpoints(depth)

    def spectrum(j):
        s = tf.linalg.svd(tf.cast(j, F64), compute_uv=False)
        squares = tf.square(s)
        mean = tf.reduce_mean(squares, axis=-1)
        return mean, tf.reduce_mean(tf.square(squares - mean[:, None]), axis=-1), s[:, 0], s[:, -1]

    @tf.function(jit_compile=jit_compile)
    def run():
        h = phi.fn(_inputs_at_fixed_point(stack, activation)[0])
        j = tf.eye(width, batch_shape=[rows], dtype=dt)
        results = []
        start = 0
        for mark in marks:
            for layer in tf.range(start, mark):
                w, z = stack.preactivations(stack.weights(layer), h, layer)
                j = (phi.derivative(z)[:, :, None] * w) @ j
                h = phi.fn(z)
            start = mark
            results.append(spectrum(j))
        return [tf.stack([r[i] for r in results], axis=-1) for i in range(4)]

    names = ("jjt_mean", "jjt_var", "sv_max", "sv_min")
    return {name: stack.split(array) for name, array in zip(names, run())}


def repeated_matrix(
    activation: str, init: str, scale: float, width: int, cap: int, seeds: int, dtype: str, job_seed: int
):
    """Seed 003: result = M, then result ← φ(M·result) (φ = identity or ReLU) until std(result) is 0 or NaN.

    Returns per seed the 0-based step i at which that first happens (inf: not within ``cap`` steps). std is 0
    once every entry is 0 and NaN once one has overflowed to inf, so only magnitudes matter. The kernel keeps
    ``result`` rescaled by exact powers of two (φ(cx) = cφ(x) for c > 0), tracks log₂ max|result_ij| without
    ever under- or overflowing, and calls step i degenerate when the float32 result would be exactly 0:
    every entry rounds to 0, or every product term M_ik·r_kj of the matrix product already does
    (max|M|·max|r| below the threshold; accumulation starts from 0, so such terms are lost one by one).
    Two thresholds, which differ where values get tiny:

    - ``steps_until_degenerate``: IEEE gradual underflow, as torch computes (the notebook's meaning):
      ≤ smallest_subnormal/2 (2⁻¹⁵⁰ in float32) rounds to 0;
    - ``steps_until_degenerate_ftz``: TensorFlow on CPU flushes subnormals to zero: < smallest normal
      (2⁻¹²⁶ in float32), reached ~24/|log₂ ρ| steps earlier for a per-step decay ρ.

    Overflow (max|x| > the dtype's max) ends both. Also ``weight_mean`` and ``weight_std`` of M.
    """
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]
    info = ml_dtypes.finfo(dt.as_numpy_dtype)  # numpy's finfo knows no bfloat16
    ieee_zero = float(np.log2(info.smallest_subnormal)) - 1.0
    ftz_zero, overflow = float(np.log2(info.smallest_normal)), float(np.log2(info.max))
    never = tf.fill([seeds], tf.constant(np.inf, F64))

    def rescale(x):
        """x·2^−e with e = ⌊log₂ max|x|⌋ per seed (exact), and e."""
        peak = tf.reduce_max(tf.abs(tf.cast(x, F64)), axis=[1, 2])
        exponent = tf.where(peak > 0, tf.floor(tf.math.log(peak) / np.log(2.0)), tf.zeros_like(peak))
        return x * tf.cast(tf.pow(tf.constant(2.0, F64), -exponent), dt)[:, None, None], exponent

    def log2_peak(x):
        return tf.math.log(tf.reduce_max(tf.abs(tf.cast(x, F64)), axis=[1, 2])) / np.log(2.0)

    @tf.function
    def run():
        m = _draw(init, (seeds, width, width), scale, job_seed, 0, dt)
        log2_m = log2_peak(m)
        result, log2_scale = rescale(m)
        log2_max = log2_m
        ieee, ftz = never, never
        step = tf.constant(0)
        while step < cap and tf.reduce_any(tf.math.is_inf(ieee) | tf.math.is_inf(ftz)):
            log2_term = log2_m + log2_max  # bound on every |M_ik·r_kj| of this step's product
            result, exponent = rescale(phi.fn(m @ result))
            log2_scale += exponent
            log2_max = log2_scale + log2_peak(result)
            smallest = tf.minimum(log2_max, log2_term)
            now = tf.cast(step, F64)
            ieee = tf.where(tf.math.is_inf(ieee) & ((smallest <= ieee_zero) | (log2_max > overflow)), now, ieee)
            ftz = tf.where(tf.math.is_inf(ftz) & ((smallest < ftz_zero) | (log2_max > overflow)), now, ftz)
            step += 1
        m64 = tf.reshape(tf.cast(m, F64), (seeds, width * width))
        return ieee, ftz, tf.reduce_mean(m64, axis=-1), tf.math.reduce_std(m64, axis=-1)

    ieee, ftz, mean, std = (t.numpy() for t in run())
    return {
        "steps_until_degenerate": ieee,
        "steps_until_degenerate_ftz": ftz,
        "weight_mean": mean,
        "weight_std": std,
    }


def activation_curves(activation: str, x: np.ndarray, dtype: str):
    """φ(x) and φ′(x) on the grid ``x`` (φ′ by autodiff, or the registry's hand-written variant)."""
    phi = ACTIVATIONS[activation]
    grid = tf.constant(x, tf.as_dtype(dtype))
    return {"phi": phi.fn(grid).numpy().astype(np.float64), "dphi": phi.derivative(grid).numpy().astype(np.float64)}
