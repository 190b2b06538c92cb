"""Kernel of the phase_diagram experiment: per-layer growth of a propagated gradient, inputs at q*."""

import tensorflow as tf

from initstab.tf.activations import ACTIVATIONS
from initstab.tf.stack import DIRECTION_STREAM, F64, Stack, stack_layers


def phase_diagram(job, combinations):
    """u₀ a random unit vector, u_l = diag(φ′(z_l))·W_l·u_{l−1}.

    Mean field: ‖u_l‖²/‖u_{l−1}‖² → χ₁ = σ_w²·E[φ′(√q* z)²], the same factor as back-propagated gradients
    (Schoenholz et al. 2017); χ₁ = 1 is the edge of chaos. u is renormalised every layer and ln of each ratio
    recorded, so nothing over- or underflows. Returns (C, seeds, depth) ``log_grad_growth``.
    """
    depth = job.depth
    phi = ACTIVATIONS[job.activation]
    stack = Stack(job, combinations)

    @tf.function
    def run():
        h = phi.fn(stack.inputs_at_fixed_point()[0])
        u = tf.math.l2_normalize(stack.normals(DIRECTION_STREAM), axis=-1)
        growth = tf.TensorArray(F64, size=depth)
        for layer in tf.range(depth):
            w, z = stack.preactivations(stack.weights(layer), h, layer)
            u = phi.derivative(z) * tf.linalg.matvec(w, u)
            norm = tf.norm(tf.cast(u, F64), axis=-1)
            growth = growth.write(layer, 2.0 * tf.math.log(norm))
            u = u / tf.cast(tf.where(norm > 0, norm, 1.0), stack.dtype)[:, None]
            h = phi.fn(z)
        return stack_layers(growth)

    return {"log_grad_growth": stack.split(run())}
