"""TensorFlow draws of the initializer registry (``initstab.initializers``: the keys of its non-derived entries).

Stateless: the same seed gives the same draw.

Every initializer has the signature ``init(shape, scale, seed, dtype)`` with ``shape = (..., fan_in, fan_out)``
and draws independent matrices along the leading (seed) dimensions. ``scale`` is the standard deviation of
``normal``, the half-width of ``uniform`` and a gain multiplier for the fan-based rules.
"""

import math
from collections.abc import Callable, Sequence

import tensorflow as tf

from initstab.initializers import xavier_uniform_bound

Initializer = Callable[[Sequence[int], float, tf.Tensor, tf.DType], tf.Tensor]


def _fans(shape: Sequence[int]) -> tuple[int, int]:
    return int(shape[-2]), int(shape[-1])


def _normal(shape, std: float, seed, dtype) -> tf.Tensor:
    return tf.constant(std, dtype) * tf.random.stateless_normal(shape, seed, dtype=dtype)


def _centered_uniform(shape, bound: float, seed, dtype) -> tf.Tensor:
    return tf.random.stateless_uniform(shape, seed, minval=-bound, maxval=bound, dtype=dtype)


def _noncentered_uniform(shape, factor: float, seed, dtype) -> tf.Tensor:
    return tf.constant(factor, dtype) * tf.random.stateless_uniform(shape, seed, dtype=dtype)


def normal(shape, scale, seed, dtype):
    return _normal(shape, scale, seed, dtype)


def uniform(shape, scale, seed, dtype):
    return _centered_uniform(shape, scale, seed, dtype)


def uniform_noncentered(shape, scale, seed, dtype):
    return _noncentered_uniform(shape, scale, seed, dtype)


def xavier_uniform(shape, scale, seed, dtype):
    return _centered_uniform(shape, scale * xavier_uniform_bound(*_fans(shape)), seed, dtype)


def xavier_uniform_noncentered(shape, scale, seed, dtype):
    """Seed 001's ``xavier(m, h) = U(0,1)·√(6/(m+h))``: mean √(6/(m+h))/2, not 0."""
    return _noncentered_uniform(shape, scale * xavier_uniform_bound(*_fans(shape)), seed, dtype)


def xavier_normal(shape, scale, seed, dtype):
    fan_in, fan_out = _fans(shape)
    return _normal(shape, scale * math.sqrt(2.0 / (fan_in + fan_out)), seed, dtype)


def he_normal(shape, scale, seed, dtype):
    return _normal(shape, scale * math.sqrt(2.0 / _fans(shape)[0]), seed, dtype)


def he_uniform(shape, scale, seed, dtype):
    return _centered_uniform(shape, scale * math.sqrt(6.0 / _fans(shape)[0]), seed, dtype)


def lecun_normal(shape, scale, seed, dtype):
    return _normal(shape, scale / math.sqrt(_fans(shape)[0]), seed, dtype)


def orthogonal(shape, scale, seed, dtype):
    """Haar orthogonal: Q·sign(diag R) from the QR of a Gaussian matrix (Mezzadri 2007); square shapes."""
    fan_in, fan_out = _fans(shape)
    if fan_in != fan_out:
        raise ValueError(f"orthogonal init needs square matrices, got fan_in={fan_in}, fan_out={fan_out}")
    gaussian = tf.random.stateless_normal(shape, seed, dtype=tf.float64)
    q, r = tf.linalg.qr(gaussian)
    signs = tf.sign(tf.linalg.diag_part(r))
    return tf.cast(scale * q * signs[..., tf.newaxis, :], dtype)


INITIALIZERS: dict[str, Initializer] = {
    "normal": normal,
    "uniform": uniform,
    "uniform_noncentered": uniform_noncentered,
    "xavier_uniform": xavier_uniform,
    "xavier_uniform_noncentered": xavier_uniform_noncentered,
    "xavier_normal": xavier_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "lecun_normal": lecun_normal,
    "orthogonal": orthogonal,
}
