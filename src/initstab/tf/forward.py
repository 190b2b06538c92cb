"""Kernel of the forward experiment: x₀ ~ N(0, I_width), x_l = φ(x_{l−1}·W_l (+ b_l)) for l = 1..depth."""

import tensorflow as tf

from initstab.tf.activations import ACTIVATIONS
from initstab.tf.stack import F64, INPUT_STREAM, Stack, split_all, stack_layers

METRICS = ("act_mean", "act_std", "act_mean_sq", "act_mean_native", "act_std_native", "all_finite")


def forward(job, combinations):
    """Returns (C, seeds, depth+1) arrays over layers 0..depth: ``act_mean``, ``act_std`` (population),
    ``act_mean_sq`` reduced in float64; ``act_mean_native``, ``act_std_native`` reduced in ``dtype`` as
    ``tf.reduce_mean``/``tf.math.reduce_std`` do (a float32 std of values near 10⁻³⁰ underflows to 0);
    ``all_finite`` (1.0 where every entry is finite).
    """
    depth = job.depth
    phi = ACTIVATIONS[job.activation]
    stack = Stack(job, combinations)

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
        x = stack.normals(INPUT_STREAM)
        arrays = [tf.TensorArray(F64, size=depth + 1) for _ in METRICS]
        for layer in tf.range(depth + 1):
            arrays = [a.write(layer, s) for a, s in zip(arrays, stats(x), strict=True)]
            if layer < depth:
                _, z = stack.preactivations(stack.weights(layer), x, layer, transpose=True)
                x = phi.fn(z)
        return [stack_layers(a) for a in arrays]

    return split_all(stack, METRICS, run())
