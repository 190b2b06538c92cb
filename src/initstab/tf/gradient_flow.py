"""Kernel of the gradient_flow experiment (and of precision, which runs it in every dtype)."""

import tensorflow as tf

from initstab.tf.stack import F64, Stack, graph, layer_arrays, stacked

METRICS = ("grad_mean_abs", "grad_mean_abs_native", "hidden_all_finite", "grad_all_finite", "grad_any_nonzero")


def matrix_statistics(y: tf.Tensor) -> tuple[tf.Tensor, ...]:
    """(mean|y| reduced in float64, mean|y| in y's dtype, 1.0 where every entry is finite, 1.0 where some entry is
    not 0) over the last two axes, in one pass over y where the float32 sum holds.

    |y| is summed in float32 (float64 for float64 y), which is exact to rounding for finite sums: its entries are
    normal numbers or 0 (TensorFlow's CPU kernels flush subnormals), so the sum is finite, is 0 only when every entry
    is, and its float64 quotient cannot underflow. Only where the sum is inf or NaN (an entry overflowed, or the sum
    of finite entries did) are that matrix's entries reduced again in float64, one by one.
    """
    wide = F64 if y.dtype == F64 else tf.float32
    size = float(y.shape[-1] * y.shape[-2])
    total = tf.reduce_sum(tf.abs(tf.cast(y, wide)), axis=[-2, -1])
    native = total / size if y.dtype == wide else tf.reduce_mean(tf.abs(y), axis=[-2, -1])  # float16: as the dtype
    fine = tf.math.is_finite(total)
    mean = tf.cast(total, F64) / size
    all_finite, any_nonzero = tf.cast(fine, F64), tf.cast(total > 0, F64)
    again = tf.where(~fine)  # (n, 2) rows of the (K, seeds) batch to reduce in float64
    entries = tf.cast(tf.gather_nd(y, again), F64)
    redone = (
        tf.reduce_mean(tf.abs(entries), axis=[-2, -1]),
        tf.cast(tf.reduce_all(tf.math.is_finite(entries), axis=[-2, -1]), F64),
        tf.cast(tf.reduce_any(tf.not_equal(entries, 0), axis=[-2, -1]), F64),
    )
    mean, all_finite, any_nonzero = (
        tf.tensor_scatter_nd_update(value, again, update)
        for value, update in zip((mean, all_finite, any_nonzero), redone, strict=True)
    )
    return mean, tf.cast(native, F64), all_finite, any_nonzero


def gradient_flow(job, combinations):
    """d2l's ``synthetic_grad``, vectorized over combinations and seeds.

    h₀ = 1, Y₀ = I; per layer l: z = W_l h (+ b_l), Y ← W_lᵀ·diag(φ′(z))·Y, h ← φ(z), so Y_l = ∂h_l/∂h₀ up to
    the last φ′. Mean field: E‖Y_l‖²_F = χ₁(q_l)·E‖Y_{l−1}‖²_F with χ₁ = σ_w²·E[φ′(√q z)²]. With W = f·Z (the
    family's base Z, f the gain or LSUV's factor) the update is Y ← Zᵀ·(f·φ′(z) ⊙ rows of Y): one matmul per
    combination and seed, the base shared.
    Returns (C, seeds, depth) arrays ``grad_mean_abs`` = mean_ij |Y_ij| (float64 where float32 overflows, see
    ``matrix_statistics``), ``grad_mean_abs_native`` reduced in ``dtype`` (a float32 sum of 10⁴ entries near 10³⁵
    overflows to inf although every entry is finite: the notebook's printed inf), and the flags
    ``hidden_all_finite`` (every entry of h finite: once h overflows, z = W·h is NaN, ReLU(NaN) = 0 and the
    gradient reads exactly 0), ``grad_all_finite`` (no entry of Y is inf/NaN) and ``grad_any_nonzero`` (some entry
    of Y is not 0).
    """
    width, depth = job.width, job.depth
    stack = Stack(job, combinations)
    groups = stack.groups

    @graph
    def run():
        hs = [tf.ones((g.size, stack.seeds, width), stack.dtype) for g in groups]
        ys = [[tf.eye(width, batch_shape=[stack.seeds], dtype=stack.dtype)] * g.size for g in groups]
        arrays = [layer_arrays(len(METRICS), depth) for _ in groups]
        for layer in tf.range(depth):
            bases, bias = stack.draw(layer), stack.bias(layer)
            # Zᵀ as its own tensor: Grappler folds a Transpose op into the matmul that reads it (adj_x), which runs
            # at half the rate of a plain one here; an Einsum op it leaves alone
            transposed = {name: tf.einsum("sij->sji", base) for name, base in bases.items()}
            new_hs, new_ys, new_arrays = [], [], []
            for group, h, y, written in zip(groups, hs, ys, arrays, strict=True):
                factor, z = group.preactivations(bases[group.base], h, bias)
                rows = tf.unstack(factor[..., None] * group.dphi(z))
                # one (seeds)-batch matmul per combination: batches of ~1 MB stay in cache (a (K·seeds) batch or a
                # broadcast/transposed matmul runs at 1/3–1/2 the rate here)
                y = [transposed[group.base] @ (r[..., None] * y_k) for r, y_k in zip(rows, y, strict=True)]
                h = group.phi(z)
                values = [tf.stack(v) for v in zip(*map(matrix_statistics, y), strict=True)]
                hidden = tf.cast(tf.reduce_all(tf.math.is_finite(h), axis=-1), F64)
                values = (values[0], values[1], hidden, values[2], values[3])  # in METRICS' order
                new_hs.append(h)
                new_ys.append(y)
                new_arrays.append([a.write(layer, v) for a, v in zip(written, values, strict=True)])
            hs, ys, arrays = new_hs, new_ys, new_arrays
        return [stacked(written) for written in arrays]

    return stack.run(run, METRICS)
