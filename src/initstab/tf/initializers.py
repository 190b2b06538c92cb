"""TensorFlow draws of the initializer registry's families (``initstab.initializers``): the base tensor Z every
init of a family is a multiple of (W = g·Z), drawn from a ``Stream`` of ``initstab.tf.stack`` at one layer.

``base(stream, layer, dtype)`` returns (seeds, fan_in, fan_out) for the stream's seeds; the uniform base is
U(0, 1) (the centred inits use 2U − 1).
"""

from collections.abc import Callable

import tensorflow as tf

Base = Callable[[object, object, tf.DType], tf.Tensor]


def normal(stream, layer, dtype: tf.DType) -> tf.Tensor:
    """N(0, 1) entries."""
    return stream.normal(layer)


def uniform(stream, layer, dtype: tf.DType) -> tf.Tensor:
    """U(0, 1) entries."""
    return stream.uniform(layer)


def orthogonal(stream, layer, dtype: tf.DType) -> tf.Tensor:
    """Haar orthogonal: Q·sign(diag R) from the QR of a Gaussian matrix (Mezzadri 2007), in float64; square only."""
    fan_in, fan_out = stream.shape
    if fan_in != fan_out:
        raise ValueError(f"orthogonal init needs square matrices, got fan_in={fan_in}, fan_out={fan_out}")
    q, r = tf.linalg.qr(stream.normal(layer))
    return tf.cast(q * tf.sign(tf.linalg.diag_part(r))[..., tf.newaxis, :], dtype)


BASES: dict[str, Base] = {"normal": normal, "uniform": uniform, "orthogonal": orthogonal}
