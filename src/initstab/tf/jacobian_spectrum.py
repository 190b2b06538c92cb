"""Kernel of the jacobian_spectrum experiment: singular values of the input–output Jacobian, inputs at q*."""

import tensorflow as tf

from initstab.experiments.jacobian_spectrum import checkpoints
from initstab.tf.stack import F64, Stack, graph

METRICS = ("jjt_mean", "jjt_var", "sv_max", "sv_min")


def jacobian_spectrum(job, combinations):
    """J_L = D_L W_L ⋯ D_1 W_1 (D_l = diag φ′(z_l)).

    Pennington et al. (2017): at criticality the eigenvalues of J Jᵀ have mean (σ_w²μ₁)^L and variance
    L·(μ₂/μ₁² − 1 − s₁) (μ_k = E φ′(√q* z)^{2k}; s₁ = −1 Gaussian, 0 orthogonal): orthogonal weights keep the
    spread O(1) when μ₂ ≈ μ₁², Gaussian ones let it grow with depth. Returns, per checkpoint layer
    (``checkpoints(depth)``), (C, seeds, checkpoints) arrays ``jjt_mean`` and ``jjt_var`` (mean and variance of the
    squared singular values), ``sv_max`` and ``sv_min``.
    """
    stack = Stack(job, combinations)
    groups = stack.groups
    marks = checkpoints(job.depth)

    def spectrum(j):
        s = tf.linalg.svd(tf.cast(j, F64), compute_uv=False)
        squares = tf.square(s)
        mean = tf.reduce_mean(squares, axis=-1)
        return mean, tf.reduce_mean(tf.square(squares - mean[..., None]), axis=-1), s[..., 0], s[..., -1]

    @graph
    def run():
        hs = [g.phi(stack.inputs_at_fixed_point(g)[0]) for g in groups]
        js = [tf.eye(job.width, batch_shape=[g.size, stack.seeds], dtype=stack.dtype) for g in groups]
        results = [[] for _ in groups]
        start = 0
        for mark in marks:
            for layer in tf.range(start, mark):
                bases, bias = stack.draw(layer), stack.bias(layer)
                new_hs, new_js = [], []
                for g, h, j in zip(groups, hs, js, strict=True):
                    factor, z = g.preactivations(bases[g.base], h, bias)
                    rows = factor[..., None] * g.dphi(z)
                    new_js.append(rows[..., None] * g.matmul(bases[g.base], j))
                    new_hs.append(g.phi(z))
                hs, js = new_hs, new_js
            start = mark
            for found, j in zip(results, js, strict=True):
                found.append(spectrum(j))
        return [[tf.stack([r[i] for r in found], axis=-1) for i in range(len(METRICS))] for found in results]

    return stack.run(run, METRICS)
