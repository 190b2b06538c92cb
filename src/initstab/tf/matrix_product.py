"""Kernel of the matrix_product experiment: Y_n = W_n⋯W_1 for n = 1..depth, W_i i.i.d. width×width."""

import numpy as np
import tensorflow as tf

from initstab.tf.stack import F64, Stack, split_all, stack_layers


def median_last_axis(values: tf.Tensor) -> tf.Tensor:
    """Median along the last axis (mean of the two middle order statistics when the length is even)."""
    ordered = tf.sort(values, axis=-1)
    n = values.shape[-1]
    return 0.5 * (ordered[..., (n - 1) // 2] + ordered[..., n // 2])


def matrix_product(job, combinations):
    """Returns (C, seeds, depth) arrays: ``log10_abs_entry_median`` = median_ij log10|Y_ij| and
    ``max_abs_entry`` = max_ij |Y_ij|. For N(0, s²) entries, log|Y_ij| grows like n·λ₁ with
    λ₁ = ln(s√k) + ½(ψ(k/2) − ln(k/2)) (Newman 1986).
    """
    width, depth = job.width, job.depth
    stack = Stack(job, combinations)

    @tf.function
    def run():
        y = tf.eye(width, batch_shape=[stack.rows], dtype=stack.dtype)
        medians = tf.TensorArray(F64, size=depth)
        maxima = tf.TensorArray(F64, size=depth)
        for n in tf.range(depth):
            y = stack.weights(n) @ y
            magnitude = tf.reshape(tf.abs(tf.cast(y, F64)), (stack.rows, width * width))
            medians = medians.write(n, median_last_axis(tf.math.log(magnitude) / np.log(10.0)))
            maxima = maxima.write(n, tf.reduce_max(magnitude, axis=-1))
        return stack_layers(medians), stack_layers(maxima)

    return split_all(stack, ("log10_abs_entry_median", "max_abs_entry"), run())
