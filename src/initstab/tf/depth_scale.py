"""Kernel of the depth_scale experiment: two inputs through the same network."""

import tensorflow as tf

from initstab.tf.activations import ACTIVATIONS
from initstab.tf.stack import F64, Stack, plus, stack_layers


def depth_scale(job, combinations):
    """The correlation c_l = Σ z_a z_b / √(Σ z_a² Σ z_b²) of the two inputs' pre-activations and q_l = mean z_a²,
    for l = 0..depth (layer 0: the inputs' own pre-activations, at q*, with correlation ``job.input_correlation``).

    Mean field: c_{l+1} = C(c_l), and |c_l − c*| ∝ exp(−l/ξ_c) with ξ_c = −1/ln χ_c (Schoenholz et al. 2017).
    Returns (C, seeds, depth+1) ``correlation`` and ``q``.
    """
    depth = job.depth
    phi = ACTIVATIONS[job.activation]
    stack = Stack(job, combinations)

    def measure(z_a, z_b):
        a, b = tf.cast(z_a, F64), tf.cast(z_b, F64)
        norms = tf.norm(a, axis=-1) * tf.norm(b, axis=-1)
        return tf.reduce_sum(a * b, axis=-1) / norms, tf.reduce_mean(a * a, axis=-1)

    @tf.function
    def run():
        z_a, z_b = stack.inputs_at_fixed_point(job.input_correlation)
        correlations, variances = tf.TensorArray(F64, size=depth + 1), tf.TensorArray(F64, size=depth + 1)
        c, q = measure(z_a, z_b)
        correlations, variances = correlations.write(0, c), variances.write(0, q)
        for layer in tf.range(depth):
            w, wh_a = stack.rescaled(stack.weights(layer), phi.fn(z_a))  # LSUV scales by input a's statistics
            b = stack.biases(layer)
            z_a, z_b = plus(wh_a, b), plus(tf.linalg.matvec(w, phi.fn(z_b)), b)
            c, q = measure(z_a, z_b)
            correlations, variances = correlations.write(layer + 1, c), variances.write(layer + 1, q)
        return stack_layers(correlations), stack_layers(variances)

    correlations, variances = run()
    return {"correlation": stack.split(correlations), "q": stack.split(variances)}
