"""Kernel of the symmetry experiment: train, and measure how far the hidden units of each layer drift apart."""

import tensorflow as tf

from initstab.tf.stack import F64
from initstab.tf.training import evaluation, train_by_regime


def unit_spread(w: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """max over unit pairs of ‖p_i − p_j‖ / √(mean_i ‖p_i‖²), p_i = unit i's incoming weights and bias.

    (nets, fan_in, units) and (nets, units) → (nets,). Differences are taken directly (no Gram matrix), so units
    alike to the last bit give exactly 0.
    """
    p = tf.cast(tf.concat([tf.linalg.matrix_transpose(w), b[..., None]], axis=-1), F64)  # (nets, units, fan_in + 1)
    gaps = tf.norm(p[:, :, None, :] - p[:, None, :, :], axis=-1)
    rms = tf.sqrt(tf.reduce_mean(tf.reduce_sum(p * p, axis=-1), axis=-1))
    return tf.reduce_max(gaps, axis=[1, 2]) / tf.where(rms > 0, rms, 1.0)


def singular_ratio(w: tf.Tensor) -> tf.Tensor:
    """σ₂/σ₁ of each net's weight matrix (0 for rank one: every unit's weights proportional), (nets,)."""
    s = tf.linalg.svd(tf.cast(w, F64), compute_uv=False)
    return s[:, 1] / tf.where(s[:, 0] > 0, s[:, 0], 1.0)


def measure(params, nets):
    """Loss and accuracy, and per hidden layer l = 1..depth the spread of its units and its weights' σ₂/σ₁."""
    hidden = range(nets.job.depth)
    spread = tf.stack([unit_spread(params[2 * layer], params[2 * layer + 1]) for layer in hidden], axis=-1)
    ratio = tf.stack([singular_ratio(params[2 * layer]) for layer in hidden], axis=-1)
    return {**evaluation(params, nets), "unit_spread": spread, "singular_ratio": ratio}


def symmetry(job, combinations):
    """Per combination (C, seeds, recorded steps) loss and accuracy, and (C, seeds, recorded steps, depth)
    ``unit_spread`` and ``singular_ratio`` of hidden layers 1..depth."""
    return train_by_regime(job, combinations, measure)
