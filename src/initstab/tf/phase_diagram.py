"""Kernel of the phase_diagram experiment: per-layer growth of a propagated gradient, inputs at q*."""

import tensorflow as tf

from initstab.tf.stack import F64, Stack, graph, layer_arrays, stacked


def phase_diagram(job, combinations):
    """u₀ a random unit vector, u_l = diag(φ′(z_l))·W_l·u_{l−1}.

    Mean field: ‖u_l‖²/‖u_{l−1}‖² → χ₁ = σ_w²·E[φ′(√q* z)²], the same factor as back-propagated gradients
    (Schoenholz et al. 2017); χ₁ = 1 is the edge of chaos. u is renormalised every layer and ln of each ratio
    recorded, so nothing over- or underflows. Returns (C, seeds, depth) ``log_grad_growth``.
    """
    depth = job.depth
    stack = Stack(job, combinations)
    groups = stack.groups

    @graph
    def run():
        direction = tf.math.l2_normalize(stack.normals("direction"), axis=-1)
        hs = [g.phi(stack.inputs_at_fixed_point(g)[0]) for g in groups]
        us = [g.broadcast(direction) for g in groups]
        arrays = [layer_arrays(1, depth) for _ in groups]
        for layer in tf.range(depth):
            bases, bias = stack.draw(layer), stack.bias(layer)
            new_hs, new_us, new_arrays = [], [], []
            for g, h, u, (growth,) in zip(groups, hs, us, arrays, strict=True):
                base = bases[g.base]
                factor, z = g.preactivations(base, h, bias)
                u = factor[..., None] * g.dphi(z) * tf.linalg.matvec(base[None], u)
                norm = tf.norm(tf.cast(u, F64), axis=-1)
                new_arrays.append([growth.write(layer, 2.0 * tf.math.log(norm))])
                new_us.append(u / tf.cast(tf.where(norm > 0, norm, 1.0), stack.dtype)[..., None])
                new_hs.append(g.phi(z))
            hs, us, arrays = new_hs, new_us, new_arrays
        return [stacked(written) for written in arrays]

    return stack.run(run, ("log_grad_growth",))
