"""Weights, biases and inputs for the stacked combinations of one job (all tensors (C·seeds, …)).

Seeds are the leading tensor dimension, and the combinations of one job are stacked along it too: rows
c·seeds … (c+1)·seeds − 1 belong to combination c. Weights of layer ``l`` of a combination are drawn with the
stateless seed ``(combination seed, l)``, so a combination's numbers do not depend on its job's other members.
Each combination draws with the registry init and gain the combination table derived for it (``draw_init``,
``draw_scale``): kernels import no theory.
"""

import math
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from initstab.spec import Combination, Job
from initstab.tf.initializers import INITIALIZERS

F64 = tf.float64
INPUT_STREAM, SECOND_INPUT_STREAM, DIRECTION_STREAM = -1, -2, -3
BIAS_STREAM = 2**40  # biases of layer l use stream BIAS_STREAM + l, far from the weights' streams 0..depth


def stream_seed(seed: int, stream) -> tf.Tensor:
    return tf.stack([tf.constant(seed, tf.int64), tf.cast(stream, tf.int64)])


def draw(combination: Combination, shape, layer, dtype) -> tf.Tensor:
    init = INITIALIZERS[combination.draw_init]
    return init(shape, combination.draw_scale, stream_seed(combination.seed, layer), dtype)


class Stack:
    """Draws for the stacked ``combinations`` of ``job``; ``lsuv`` combinations draw orthogonal weights and are
    rescaled per layer so that their pre-activations have std s."""

    def __init__(self, job: Job, combinations: Sequence[Combination]):
        self.combinations, self.seeds, self.width = list(combinations), job.seeds, job.width
        self.dtype = tf.as_dtype(job.dtype)
        self.rows = len(self.combinations) * self.seeds
        self.has_bias = any(c.bias_variance > 0 for c in self.combinations)
        lsuv = [float(c.lsuv) for c in self.combinations]
        self.lsuv_rows = np.repeat(lsuv, self.seeds) if any(lsuv) else None
        self.lsuv_target = np.repeat([c.scale for c in self.combinations], self.seeds)

    def _concat(self, tensors) -> tf.Tensor:
        return tensors[0] if len(tensors) == 1 else tf.concat(tensors, axis=0)

    def weights(self, layer) -> tf.Tensor:
        shape = (self.seeds, self.width, self.width)
        return self._concat([draw(c, shape, layer, self.dtype) for c in self.combinations])

    def biases(self, layer) -> tf.Tensor | None:
        """b ~ N(0, σ_b²) per unit, or None when no combination of the job has biases."""
        if not self.has_bias:
            return None
        shape = (self.seeds, self.width)
        return self._concat(
            [
                tf.constant(math.sqrt(c.bias_variance), self.dtype)
                * tf.random.stateless_normal(shape, stream_seed(c.seed, BIAS_STREAM + layer), dtype=self.dtype)
                for c in self.combinations
            ]
        )

    def normals(self, stream: int, scales: Sequence[float] | None = None) -> tf.Tensor:
        """(C·seeds, width) standard normals from each combination's ``stream``, times a per-combination scale."""
        scales = scales or [1.0] * len(self.combinations)
        shape = (self.seeds, self.width)
        return self._concat(
            [
                tf.constant(scale, self.dtype)
                * tf.random.stateless_normal(shape, stream_seed(c.seed, stream), dtype=self.dtype)
                for c, scale in zip(self.combinations, scales, strict=True)
            ]
        )

    def rescaled(self, w: tf.Tensor, h: tf.Tensor, transpose: bool = False):
        """(W, W·h) (``transpose``: Wᵀ·h), LSUV rows of W first rescaled so that std(W·h) = s."""
        wh = tf.linalg.matvec(w, h, transpose_a=transpose)
        if self.lsuv_rows is not None:
            std = tf.math.reduce_std(tf.cast(wh, F64), axis=-1)
            ratio = tf.constant(self.lsuv_target, F64) / tf.where(std > 0, std, 1.0)
            factor = tf.cast(tf.where((tf.constant(self.lsuv_rows) > 0) & (std > 0), ratio, 1.0), self.dtype)
            w, wh = w * factor[:, None, None], wh * factor[:, None]
        return w, wh

    def preactivations(self, w: tf.Tensor, h: tf.Tensor, layer, transpose: bool = False):
        """z = W·h + b (``transpose``: Wᵀ·h + b), after LSUV's rescaling of W. Returns (w, z)."""
        w, wh = self.rescaled(w, h, transpose)
        return w, plus(wh, self.biases(layer))

    def inputs_at_fixed_point(self, correlation: float | None = None):
        """Pre-activations z₀ ~ N(0, q*) of each combination (its ``input_variance``), so that the first layer's
        pre-activations z₁ = W·φ(z₀) + b sit at the fixed point; with ``correlation`` c₀, a second z₀ with
        correlation c₀ to the first. Returns (z_a, z_b or None)."""
        stds = [math.sqrt(c.input_variance) for c in self.combinations]
        z_a = self.normals(INPUT_STREAM, stds)
        if correlation is None:
            return z_a, None
        return z_a, correlation * z_a + math.sqrt(1 - correlation**2) * self.normals(SECOND_INPUT_STREAM, stds)

    def split(self, array: tf.Tensor) -> np.ndarray:
        """(C·seeds, …) → (C, seeds, …) numpy."""
        array = array.numpy()
        return array.reshape(len(self.combinations), self.seeds, *array.shape[1:])


def plus(x: tf.Tensor, b: tf.Tensor | None) -> tf.Tensor:
    return x if b is None else x + b


def stack_layers(array: tf.TensorArray) -> tf.Tensor:
    """(layers, rows) TensorArray → (rows, layers) tensor."""
    return tf.transpose(array.stack())


def split_all(stack: Stack, names: Sequence[str], arrays) -> dict[str, np.ndarray]:
    return {name: stack.split(array) for name, array in zip(names, arrays, strict=True)}
