"""Kernel of the matrix_product experiment: Y_n = W_n⋯W_1 for n = 1..depth, W_i i.i.d. width×width."""

import numpy as np
import tensorflow as tf

from initstab.tf.stack import F64, Stack, graph, layer_arrays, stacked


def median_last_axis(values: tf.Tensor) -> tf.Tensor:
    """Median along the last axis (mean of the two middle order statistics when the length is even)."""
    ordered = tf.sort(values, axis=-1)
    n = values.shape[-1]
    return 0.5 * (ordered[..., (n - 1) // 2] + ordered[..., n // 2])


def matrix_product(job, combinations):
    """Returns (C, seeds, depth) arrays: ``log10_abs_entry_median`` = median_ij log10|Y_ij| and
    ``max_abs_entry`` = max_ij |Y_ij|. For N(0, s²) entries, log|Y_ij| grows like n·λ₁ with
    λ₁ = ln(s√k) + ½(ψ(k/2) − ln(k/2)) (Newman 1986). Scales of one family multiply the same base matrices.
    """
    width, depth = job.width, job.depth
    stack = Stack(job, combinations)
    groups = stack.groups

    @graph
    def run():
        ys = [tf.eye(width, batch_shape=[g.size, stack.seeds], dtype=stack.dtype) for g in groups]
        arrays = [layer_arrays(2, depth) for _ in groups]
        for n in tf.range(depth):
            bases = stack.draw(n)
            ys = [g.gains[..., None, None] * g.matmul(bases[g.base], y) for g, y in zip(groups, ys, strict=True)]
            new_arrays = []
            for y, written in zip(ys, arrays, strict=True):
                magnitude = tf.reshape(tf.abs(tf.cast(y, F64)), (*y.shape[:2], width * width))
                values = median_last_axis(tf.math.log(magnitude) / np.log(10.0)), tf.reduce_max(magnitude, axis=-1)
                new_arrays.append([a.write(n, v) for a, v in zip(written, values, strict=True)])
            arrays = new_arrays
        return [stacked(written) for written in arrays]

    return stack.run(run, ("log10_abs_entry_median", "max_abs_entry"))
