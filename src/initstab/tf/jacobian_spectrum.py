"""Kernel of the jacobian_spectrum experiment: singular values of the input–output Jacobian, inputs at q*."""

import tensorflow as tf

from initstab.experiments.jacobian_spectrum import checkpoints
from initstab.tf.activations import ACTIVATIONS
from initstab.tf.stack import F64, Stack, split_all

METRICS = ("jjt_mean", "jjt_var", "sv_max", "sv_min")


def jacobian_spectrum(job, combinations):
    """J_L = D_L W_L ⋯ D_1 W_1 (D_l = diag φ′(z_l)).

    Pennington et al. (2017): at criticality the eigenvalues of J Jᵀ have mean (σ_w²μ₁)^L and variance
    L·(μ₂/μ₁² − 1 − s₁) (μ_k = E φ′(√q* z)^{2k}; s₁ = −1 Gaussian, 0 orthogonal): orthogonal weights keep the
    spread O(1) when μ₂ ≈ μ₁², Gaussian ones let it grow with depth. Returns, per checkpoint layer
    (``checkpoints(depth)``), (C, seeds, checkpoints) arrays ``jjt_mean`` and ``jjt_var`` (mean and variance of the
    squared singular values), ``sv_max`` and ``sv_min``.
    """
    phi = ACTIVATIONS[job.activation]
    stack = Stack(job, combinations)
    marks = checkpoints(job.depth)

    def spectrum(j):
        s = tf.linalg.svd(tf.cast(j, F64), compute_uv=False)
        squares = tf.square(s)
        mean = tf.reduce_mean(squares, axis=-1)
        return mean, tf.reduce_mean(tf.square(squares - mean[:, None]), axis=-1), s[:, 0], s[:, -1]

    @tf.function
    def run():
        h = phi.fn(stack.inputs_at_fixed_point()[0])
        j = tf.eye(job.width, batch_shape=[stack.rows], dtype=stack.dtype)
        results = []
        start = 0
        for mark in marks:
            for layer in tf.range(start, mark):
                w, z = stack.preactivations(stack.weights(layer), h, layer)
                j = (phi.derivative(z)[:, :, None] * w) @ j
                h = phi.fn(z)
            start = mark
            results.append(spectrum(j))
        return [tf.stack([r[i] for r in results], axis=-1) for i in range(len(METRICS))]

    return split_all(stack, METRICS, run())
