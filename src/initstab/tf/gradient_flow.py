"""Kernel of the gradient_flow experiment (and of precision, which runs it in every dtype)."""

import tensorflow as tf

from initstab.tf.activations import ACTIVATIONS
from initstab.tf.stack import F64, Stack, split_all, stack_layers

METRICS = ("grad_mean_abs", "grad_mean_abs_native", "hidden_all_finite", "grad_all_finite", "grad_any_nonzero")


def gradient_flow(job, combinations):
    """d2l's ``synthetic_grad``, vectorized over combinations and seeds.

    h₀ = 1, Y₀ = I; per layer l: z = W_l h (+ b_l), Y ← W_lᵀ·diag(φ′(z))·Y, h ← φ(z), so Y_l = ∂h_l/∂h₀ up to
    the last φ′. Mean field: E‖Y_l‖²_F = χ₁(q_l)·E‖Y_{l−1}‖²_F with χ₁ = σ_w²·E[φ′(√q z)²].
    Returns (C, seeds, depth) arrays ``grad_mean_abs`` = mean_ij |Y_ij| reduced in float64,
    ``grad_mean_abs_native`` reduced in ``dtype`` (a float32 sum of 10⁴ entries near 10³⁵ overflows to inf
    although every entry is finite: the notebook's printed inf), and the flags ``hidden_all_finite`` (every entry
    of h finite: once h overflows, z = W·h is NaN, ReLU(NaN) = 0 and the gradient reads exactly 0),
    ``grad_all_finite`` (no entry of Y is inf/NaN) and ``grad_any_nonzero`` (some entry of Y is not 0).
    """
    width, depth = job.width, job.depth
    phi = ACTIVATIONS[job.activation]
    stack = Stack(job, combinations)

    @tf.function
    def run():
        h = tf.ones((stack.rows, width), stack.dtype)
        y = tf.eye(width, batch_shape=[stack.rows], dtype=stack.dtype)
        arrays = [tf.TensorArray(F64, size=depth) for _ in METRICS]
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
            arrays = [a.write(layer, v) for a, v in zip(arrays, values, strict=True)]
        return [stack_layers(a) for a in arrays]

    return split_all(stack, METRICS, run())
