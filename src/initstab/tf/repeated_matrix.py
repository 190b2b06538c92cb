"""Kernel of the repeated_matrix experiment (seed 003), one combination at a time (its loop length depends on
the data)."""

import ml_dtypes
import numpy as np
import tensorflow as tf

from initstab.tf.activations import ACTIVATIONS
from initstab.tf.stack import F64, Stack, graph


def repeated_matrix(job, combinations):
    """result = M, then result ← φ(M·result) (φ = identity or ReLU) until std(result) is 0 or NaN.

    Returns per seed the 0-based step i at which that first happens (inf: not within ``job.max_steps`` steps, the
    notebook's cap). std is 0 once every entry is 0 and NaN once one has overflowed to inf, so only magnitudes
    matter. The kernel keeps ``result`` rescaled by exact powers of two (φ(cx) = cφ(x) for c > 0), tracks
    log₂ max|result_ij| without ever under- or overflowing, and calls step i degenerate when the float32 result
    would be exactly 0: every entry rounds to 0, or every product term M_ik·r_kj of the matrix product already
    does (max|M|·max|r| below the threshold; accumulation starts from 0, so such terms are lost one by one).
    Two thresholds, which differ where values get tiny:

    - ``steps_until_degenerate``: IEEE gradual underflow, as torch computes (the notebook's meaning):
      ≤ smallest_subnormal/2 (2⁻¹⁵⁰ in float32) rounds to 0;
    - ``steps_until_degenerate_ftz``: TensorFlow on CPU flushes subnormals to zero: < smallest normal
      (2⁻¹²⁶ in float32), reached ~24/|log₂ ρ| steps earlier for a per-step decay ρ.

    Overflow (max|x| > the dtype's max) ends both. Also ``weight_mean`` and ``weight_std`` of M.
    Returns (1, seeds) arrays for the one combination given.
    """
    (combination,) = combinations
    stack = Stack(job, combinations)
    (group,) = stack.groups
    seeds, width, cap = stack.seeds, job.width, job.max_steps
    dt = tf.as_dtype(job.dtype)
    phi = ACTIVATIONS[combination.activation]
    info = ml_dtypes.finfo(dt.as_numpy_dtype)  # numpy's finfo knows no bfloat16
    ieee_zero = float(np.log2(info.smallest_subnormal)) - 1.0
    ftz_zero, overflow = float(np.log2(info.smallest_normal)), float(np.log2(info.max))
    never = tf.fill([seeds], tf.constant(np.inf, F64))

    def peak(x):
        """max|x| per seed, exact in x's dtype (one pass), as float64."""
        return tf.cast(tf.reduce_max(tf.abs(x), axis=[1, 2]), F64)

    def rescale(x):
        """x·2^−e with e = ⌊log₂ max|x|⌋ per seed (exact), and e."""
        top = peak(x)
        exponent = tf.where(top > 0, tf.floor(tf.math.log(top) / np.log(2.0)), tf.zeros_like(top))
        return x * tf.cast(tf.pow(tf.constant(2.0, F64), -exponent), dt)[:, None, None], exponent

    def log2_peak(x):
        return tf.math.log(peak(x)) / np.log(2.0)

    @graph
    def run():
        m = group.gains[0] * stack.draw(0)[group.base]
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
        values = ieee, ftz, tf.reduce_mean(m64, axis=-1), tf.math.reduce_std(m64, axis=-1)
        return [[v[None] for v in values]]  # one group of one combination

    return stack.run(run, ("steps_until_degenerate", "steps_until_degenerate_ftz", "weight_mean", "weight_std"))
