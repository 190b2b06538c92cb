"""Kernel of the forward experiment: x₀ ~ N(0, I_width), x_l = φ(x_{l−1}·W_l (+ b_l)) for l = 1..depth."""

import tensorflow as tf

from initstab.tf.stack import F64, Stack, graph, layer_arrays, stacked

METRICS = ("act_mean", "act_std", "act_mean_sq", "act_mean_native", "act_std_native", "all_finite")


def vector_statistics(x: tf.Tensor) -> tuple[tf.Tensor, ...]:
    """Over the last axis: mean, population std and mean square accumulated in float64 in one pass (Σx, Σx²;
    float64 keeps the std's cancellation harmless up to |mean|/std ~ 10⁶), mean and std in x's dtype as
    ``tf.reduce_mean``/``tf.math.reduce_std`` compute them (the notebooks' reductions: a float32 std of values near
    10⁻³⁰ underflows to 0), and 1.0 where every entry is finite."""
    x64 = tf.cast(x, F64)
    mean, mean_sq = tf.reduce_mean(x64, axis=-1), tf.reduce_mean(x64 * x64, axis=-1)
    std = tf.sqrt(tf.maximum(mean_sq - mean * mean, 0.0))
    native = (tf.reduce_mean(x, axis=-1), tf.math.reduce_std(x, axis=-1))
    finite = tf.reduce_all(tf.math.is_finite(x), axis=-1)
    return mean, std, mean_sq, *(tf.cast(v, F64) for v in (*native, finite))


def forward(job, combinations):
    """Returns (C, seeds, depth+1) arrays over layers 0..depth: ``act_mean``, ``act_std`` (population),
    ``act_mean_sq`` reduced in float64; ``act_mean_native``, ``act_std_native`` reduced in ``dtype``; ``all_finite``
    (1.0 where every entry is finite). Every combination starts from the same x₀ and, per family, the same base
    weights (W = f·Z: x·W = f·(x·Z), one matvec per combination and seed).
    """
    depth = job.depth
    stack = Stack(job, combinations)
    groups = stack.groups

    @graph
    def run():
        inputs = stack.normals("input")
        xs = [g.broadcast(inputs) for g in groups]
        arrays = [layer_arrays(len(METRICS), depth + 1) for _ in groups]
        for layer in tf.range(depth + 1):
            arrays = [
                [a.write(layer, v) for a, v in zip(written, vector_statistics(x), strict=True)]
                for written, x in zip(arrays, xs, strict=True)
            ]
            if layer < depth:
                bases, bias = stack.draw(layer), stack.bias(layer)
                xs = [
                    g.phi(g.preactivations(bases[g.base], x, bias, transpose=True)[1])
                    for g, x in zip(groups, xs, strict=True)
                ]
        return [stacked(written) for written in arrays]

    return stack.run(run, METRICS)
