"""TensorFlow callables of the activation registry (``initstab.activations``, same keys), and the kernel of the
activations experiment. φ′ comes from autodiff unless an entry reproduces a hand-written one."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from initstab.activations import LEAKY_ALPHA

Fn = Callable[[tf.Tensor], tf.Tensor]


def _scaled_sigmoid(x: tf.Tensor) -> tf.Tensor:
    return 4.0 * tf.sigmoid(x) - 2.0


def _sigmoid_slope(x: tf.Tensor) -> tf.Tensor:
    """σ(x)(1 − σ(x)): seed 000 uses this as φ′ of 4σ − 2, dropping the chain rule's ×4."""
    s = tf.sigmoid(x)
    return (1.0 - s) * s


@dataclass(frozen=True)
class Activation:
    fn: Fn
    hand_derivative: Fn | None = None  # set only to reproduce a notebook's hand-written φ′

    def derivative(self, x: tf.Tensor) -> tf.Tensor:
        """φ′(x) elementwise: d/dx Σ φ(x) by autodiff, or the hand-written variant."""
        if self.hand_derivative is not None:
            return self.hand_derivative(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = self.fn(x)
        return tape.gradient(y, x)


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation(tf.identity),
    "relu": Activation(tf.nn.relu),
    "tanh": Activation(tf.tanh),
    "sigmoid": Activation(tf.sigmoid),
    "scaled_sigmoid": Activation(_scaled_sigmoid),
    "scaled_sigmoid_grad_missing_x4": Activation(_scaled_sigmoid, hand_derivative=_sigmoid_slope),
    "leaky_relu": Activation(lambda x: tf.nn.leaky_relu(x, alpha=LEAKY_ALPHA)),
    "elu": Activation(tf.nn.elu),
    "selu": Activation(tf.nn.selu),
    "gelu": Activation(lambda x: tf.nn.gelu(x, approximate=False)),
    "silu": Activation(tf.nn.silu),
    "softplus": Activation(tf.nn.softplus),
}


def activations(job, combinations):
    """φ(x) and φ′(x) of the one combination's activation on ``job.points`` grid points from ``x_min``
    to ``x_max`` (φ′ by autodiff, or the registry's hand-written variant). Returns (1, points) arrays."""
    (combination,) = combinations
    phi = ACTIVATIONS[combination.activation]
    grid = tf.constant(np.linspace(job.x_min, job.x_max, job.points), tf.as_dtype(job.dtype))
    return {
        "phi": phi.fn(grid).numpy().astype(np.float64)[None],
        "dphi": phi.derivative(grid).numpy().astype(np.float64)[None],
    }
