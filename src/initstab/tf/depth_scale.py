"""Kernel of the depth_scale experiment: two inputs through the same network."""

import tensorflow as tf

from initstab.tf.stack import F64, Stack, graph, layer_arrays, stacked


def depth_scale(job, combinations):
    """The correlation c_l = Σ z_a z_b / √(Σ z_a² Σ z_b²) of the two inputs' pre-activations and q_l = mean z_a²,
    for l = 0..depth (layer 0: the inputs' own pre-activations, at q*, with correlation ``job.input_correlation``).

    Mean field: c_{l+1} = C(c_l), and |c_l − c*| ∝ exp(−l/ξ_c) with ξ_c = −1/ln χ_c (Schoenholz et al. 2017).
    Returns (C, seeds, depth+1) ``correlation`` and ``q``.
    """
    depth = job.depth
    stack = Stack(job, combinations)
    groups = stack.groups

    def measure(z_a, z_b):
        a, b = tf.cast(z_a, F64), tf.cast(z_b, F64)
        norms = tf.norm(a, axis=-1) * tf.norm(b, axis=-1)
        return tf.reduce_sum(a * b, axis=-1) / norms, tf.reduce_mean(a * a, axis=-1)

    @graph
    def run():
        pairs = [stack.inputs_at_fixed_point(g, job.input_correlation) for g in groups]
        arrays = [[a.write(0, v) for a, v in zip(layer_arrays(2, depth + 1), measure(*pair))] for pair in pairs]
        for layer in tf.range(depth):
            bases, bias = stack.draw(layer), stack.bias(layer)
            new_pairs, new_arrays = [], []
            for g, (z_a, z_b), written in zip(groups, pairs, arrays, strict=True):
                base = bases[g.base]
                factor, z_a = g.preactivations(base, g.phi(z_a), bias)  # LSUV scales by input a's statistics
                z_b = factor[..., None] * tf.linalg.matvec(base[None], g.phi(z_b))
                z_b = z_b if bias is None else z_b + g.bias_stds * bias[None]
                new_pairs.append((z_a, z_b))
                new_arrays.append([a.write(layer + 1, v) for a, v in zip(written, measure(z_a, z_b), strict=True)])
            pairs, arrays = new_pairs, new_arrays
        return [stacked(written) for written in arrays]

    return stack.run(run, ("correlation", "q"))
