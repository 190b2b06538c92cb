"""TensorFlow kernels, one per experiment.

Seeds are the leading tensor dimension and the layer loop is compiled with ``tf.function``, so one call computes
a whole ensemble. Weights of layer ``l`` are drawn with the stateless seed ``(job_seed, l)``. Statistics users read
are reduced in float64 (exact for float32 values); ``*_native`` statistics are reduced in the working dtype, as the
notebooks do, and are what the reproduction table compares with their printed numbers.
"""

import ml_dtypes
import numpy as np
import tensorflow as tf

from initstab.activations import ACTIVATIONS
from initstab.initializers import INITIALIZERS

F64 = tf.float64


def _seed(job_seed: int, stream) -> tf.Tensor:
    return tf.stack([tf.constant(job_seed, tf.int64), tf.cast(stream, tf.int64)])


def _draw(init: str, shape, scale: float, job_seed: int, layer, dtype) -> tf.Tensor:
    return INITIALIZERS[init](shape, scale, _seed(job_seed, layer), dtype)


def _median_last_axis(values: tf.Tensor) -> tf.Tensor:
    """Median along the last axis (mean of the two middle order statistics when the length is even)."""
    ordered = tf.sort(values, axis=-1)
    n = values.shape[-1]
    return 0.5 * (ordered[..., (n - 1) // 2] + ordered[..., n // 2])


def _stack(array: tf.TensorArray) -> tf.Tensor:
    """(layers, seeds) TensorArray → (seeds, layers) tensor."""
    return tf.transpose(array.stack())


def matrix_product(init: str, scale: float, width: int, depth: int, seeds: int, dtype: str, job_seed: int):
    """Y_n = W_n⋯W_1 for n = 1..depth, W_i i.i.d. width×width.

    Returns (seeds, depth) arrays: ``log10_abs_entry_median`` = median_ij log10|Y_ij| and
    ``max_abs_entry`` = max_ij |Y_ij|. For N(0, s²) entries, log|Y_ij| grows like n·λ₁ with
    λ₁ = ln(s√k) + ½(ψ(k/2) − ln(k/2)) (Newman 1986).
    """
    dt = tf.as_dtype(dtype)

    @tf.function
    def run():
        y = tf.eye(width, batch_shape=[seeds], dtype=dt)
        medians = tf.TensorArray(F64, size=depth)
        maxima = tf.TensorArray(F64, size=depth)
        for n in tf.range(depth):
            y = _draw(init, (seeds, width, width), scale, job_seed, n, dt) @ y
            magnitude = tf.reshape(tf.abs(tf.cast(y, F64)), (seeds, width * width))
            medians = medians.write(n, _median_last_axis(tf.math.log(magnitude) / np.log(10.0)))
            maxima = maxima.write(n, tf.reduce_max(magnitude, axis=-1))
        return _stack(medians), _stack(maxima)

    medians, maxima = run()
    return {"log10_abs_entry_median": medians.numpy(), "max_abs_entry": maxima.numpy()}


def gradient_flow(
    activation: str, init: str, scale: float, width: int, depth: int, seeds: int, dtype: str, job_seed: int
):
    """d2l's ``synthetic_grad``, vectorized over seeds.

    h₀ = 1, Y₀ = I; per layer l: z = W_l h, Y ← W_lᵀ·diag(φ′(z))·Y, h ← φ(z), so Y_l = ∂h_l/∂h₀ up to
    the last φ′. Returns (seeds, depth) arrays ``grad_mean_abs`` = mean_ij |Y_ij| reduced in float64 and
    ``grad_mean_abs_native`` reduced in ``dtype`` (a float32 sum of 10⁴ entries near 10³⁵ overflows to inf
    although every entry is finite: the notebook's printed inf), and ``hidden_all_finite`` (1.0 where every
    entry of h is finite: once h overflows, z = W·h is NaN, ReLU(NaN) = 0 and the gradient reads exactly 0).
    """
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]

    @tf.function
    def run():
        h = tf.ones((seeds, width), dt)
        y = tf.eye(width, batch_shape=[seeds], dtype=dt)
        exact = tf.TensorArray(F64, size=depth)
        native = tf.TensorArray(F64, size=depth)
        finite = tf.TensorArray(F64, size=depth)
        for layer in tf.range(depth):
            w = _draw(init, (seeds, width, width), scale, job_seed, layer, dt)
            z = tf.linalg.matvec(w, h)
            y = (tf.linalg.matrix_transpose(w) * phi.derivative(z)[:, tf.newaxis, :]) @ y
            h = phi.fn(z)
            exact = exact.write(layer, tf.reduce_mean(tf.abs(tf.cast(y, F64)), axis=[1, 2]))
            native = native.write(layer, tf.cast(tf.reduce_mean(tf.abs(y), axis=[1, 2]), F64))
            finite = finite.write(layer, tf.cast(tf.reduce_all(tf.math.is_finite(h), axis=-1), F64))
        return _stack(exact), _stack(native), _stack(finite)

    exact, native, finite = run()
    return {
        "grad_mean_abs": exact.numpy(),
        "grad_mean_abs_native": native.numpy(),
        "hidden_all_finite": finite.numpy(),
    }


def forward(activation: str, init: str, scale: float, width: int, depth: int, seeds: int, dtype: str, job_seed: int):
    """x₀ ~ N(0, I_width), x_l = φ(x_{l−1}·W_l) for l = 1..depth.

    Returns (seeds, depth+1) arrays over layers 0..depth: ``act_mean``, ``act_std`` (population),
    ``act_mean_sq`` reduced in float64; ``act_mean_native``, ``act_std_native`` reduced in ``dtype`` as
    ``tf.reduce_mean``/``tf.math.reduce_std`` do (a float32 std of values near 10⁻³⁰ underflows to 0);
    ``all_finite`` (1.0 where every entry is finite).
    """
    dt = tf.as_dtype(dtype)
    phi = ACTIVATIONS[activation]
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

    @tf.function
    def run():
        x = tf.random.stateless_normal((seeds, width), _seed(job_seed, -1), dtype=dt)
        arrays = [tf.TensorArray(F64, size=depth + 1) for _ in names]
        for layer in tf.range(depth + 1):
            arrays = [a.write(layer, s) for a, s in zip(arrays, stats(x))]
            if layer < depth:
                w = _draw(init, (seeds, width, width), scale, job_seed, layer, dt)
                x = phi.fn(tf.linalg.matvec(w, x, transpose_a=True))
        return [_stack(a) for a in arrays]

    return {name: array.numpy() for name, array in zip(names, run())}


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
