"""Training the stacked nets of one job at once: each (combination, seed) is one MLP along the leading dimension.

A net maps the 64 digit pixels through ``depth`` hidden layers of ``width`` units, h ← φ(h·W + b), to 10 logits
(h·W + b, no φ) and learns by softmax cross-entropy. Its parameters are (nets, fan_in, fan_out) tensors, so one
step of every net is a few batched matmuls. Everything is stateless-seeded from the combination's seed: layer l's
weights and biases as in ``initstab.tf.stack``, step t's minibatch from stream BATCH_STREAM + t, its dropout
masks from DROPOUT_STREAM + t·DROPOUT_LAYERS + l. A combination alone starts from, and sees, bit for bit what it
does stacked; trained, it agrees bit for bit in float64 and to rounding in float32, where reductions and the
vectorized exp of a stack round a net's last few numbers differently as the stack's size changes (1 ulp of a loss
after 20 steps; chaotic training can grow it).

Optimizers: ``sgd`` (θ ← θ − η·g) and ``rmsprop`` (v ← ρ·v + (1 − ρ)·g², θ ← θ − η·g/(√v + ε), ρ = 0.9,
ε = 10⁻⁷ as Keras's); regimes (initstab.regimes) add minibatches, an L2 penalty or dropout.
"""

import math
from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

from initstab.data import CLASSES, load_digits
from initstab.initializers import INITIALIZERS as REGISTRY
from initstab.regimes import REGIMES
from initstab.spec import Combination, Job
from initstab.tf.activations import ACTIVATIONS
from initstab.tf.stack import BIAS_STREAM, draw, stream_seed

BATCH_STREAM, DROPOUT_STREAM = 2**41, 2**42
DROPOUT_LAYERS = 2**12  # dropout streams per step: more than any depth
RMSPROP_RHO, RMSPROP_EPSILON = 0.9, 1e-7

Params = list[tf.Tensor]  # [W₀, b₀, …, W_L, b_L], each (nets, …)
Measure = Callable[[Params, "Nets"], dict[str, tf.Tensor]]  # params → metric → (nets, …) tensor


def symmetric_weights(init: str, shape, scale: float, seed, dtype, first: bool, last: bool) -> tf.Tensor:
    """Weights whose hidden units start alike (``shape`` (…, fan_in, fan_out), std s/√fan_in).

    ``constant``: every weight s/√fan_in. ``identical_units``: one N(0, s²/fan_in) draw g shared so that every
    hidden unit receives and sends alike: the first layer W = g[:, 0]·1ᵀ (each unit the same random row), the
    readout W = 1·g[0, :] (each unit the same weights to the outputs), hidden-to-hidden W = g[0, 0]·11ᵀ.
    """
    std = scale / math.sqrt(int(shape[-2]))
    if init == "constant":
        return tf.fill(shape, tf.constant(std, dtype))
    g = tf.constant(std, dtype) * tf.random.stateless_normal(shape, seed, dtype=dtype)
    rows = slice(None) if first else slice(0, 1)  # the readout and hidden layers: one value over fan_in
    columns = slice(0, 1) if not last else slice(None)  # the first and hidden layers: one value over fan_out
    return tf.broadcast_to(g[..., rows, columns], shape)


class Nets:
    """The nets of ``combinations`` (one regime) of a training job, their data and their update rule."""

    def __init__(self, job: Job, combinations: Sequence[Combination]):
        self.job, self.combinations, self.seeds = job, list(combinations), job.seeds
        self.training, self.dtype = job.training, tf.as_dtype(job.dtype)
        regimes = {c.regime for c in self.combinations}
        if len(regimes) != 1:
            raise ValueError(f"one Nets trains one regime, got {sorted(regimes)}")
        self.regime = REGIMES[regimes.pop()]
        self.phi = ACTIVATIONS[job.activation].fn
        digits = load_digits()
        self.x_train, self.x_test = (tf.constant(x, self.dtype) for x in (digits.x_train, digits.x_test))
        self.y_train, self.y_test = tf.constant(digits.y_train), tf.constant(digits.y_test)
        self.n_train = len(digits.y_train)
        self.fans = [self.x_train.shape[1], *[job.width] * job.depth, CLASSES]
        self.count = len(self.combinations) * self.seeds

    def _concat(self, tensors) -> tf.Tensor:
        return tensors[0] if len(tensors) == 1 else tf.concat(tensors, axis=0)

    def _weights(self, combination: Combination, layer: int) -> tf.Tensor:
        shape = (self.seeds, self.fans[layer], self.fans[layer + 1])
        if REGISTRY[combination.init].symmetric:
            first, last = layer == 0, layer == self.job.depth
            seed = stream_seed(combination.seed, layer)
            return symmetric_weights(combination.init, shape, combination.scale, seed, self.dtype, first, last)
        return draw(combination, shape, layer, self.dtype)

    def _biases(self, combination: Combination, layer: int) -> tf.Tensor:
        shape = (self.seeds, self.fans[layer + 1])
        if combination.bias_variance == 0:
            return tf.zeros(shape, self.dtype)
        normal = tf.random.stateless_normal(shape, stream_seed(combination.seed, BIAS_STREAM + layer), dtype=self.dtype)
        return tf.constant(math.sqrt(combination.bias_variance), self.dtype) * normal

    def initial(self) -> Params:
        params = []
        for layer in range(self.job.depth + 1):
            params.append(self._concat([self._weights(c, layer) for c in self.combinations]))
            params.append(self._concat([self._biases(c, layer) for c in self.combinations]))
        return params

    def logits(self, params: Params, x: tf.Tensor, step=None) -> tf.Tensor:
        """(nets, examples, 10) from x (nets or 1, examples, 64); ``step`` given: the regime's dropout applies."""
        h = x
        for layer in range(self.job.depth + 1):
            z = tf.matmul(h, params[2 * layer]) + params[2 * layer + 1][:, None, :]
            if layer == self.job.depth:
                return z
            h = self.phi(z)
            if step is not None and self.regime.dropout > 0:
                h = h * self._keep_mask(tf.shape(h), step, layer)

    def _keep_mask(self, shape, step, layer) -> tf.Tensor:
        """Inverted dropout: 1/(1 − p) where a unit is kept, 0 where it is dropped (probability p)."""
        p = self.regime.dropout
        stream = DROPOUT_STREAM + tf.cast(step, tf.int64) * DROPOUT_LAYERS + layer
        per_net = (self.seeds, shape[1], shape[2])
        uniforms = self._concat(
            [
                tf.random.stateless_uniform(per_net, stream_seed(c.seed, stream), dtype=self.dtype)
                for c in self.combinations
            ]
        )
        return tf.cast(uniforms >= p, self.dtype) / tf.constant(1 - p, self.dtype)

    def losses(self, logits: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
        """Mean softmax cross-entropy per net, (nets,)."""
        labels = tf.broadcast_to(labels, tf.shape(logits)[:2])
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits), axis=1)

    def accuracies(self, logits: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
        right = tf.equal(tf.argmax(logits, axis=-1, output_type=tf.int32), labels)
        return tf.reduce_mean(tf.cast(right, tf.float64), axis=1)

    def _batch(self, step):
        """The step's examples: the whole training set, or per net ``batch_size`` drawn with replacement."""
        if not self.regime.minibatch:
            return self.x_train[None], self.y_train
        shape = (self.seeds, self.training.batch_size)
        stream = BATCH_STREAM + tf.cast(step, tf.int64)
        picks = self._concat(
            [
                tf.random.stateless_uniform(shape, stream_seed(c.seed, stream), maxval=self.n_train, dtype=tf.int32)
                for c in self.combinations
            ]
        )
        return tf.gather(self.x_train, picks), tf.gather(self.y_train, picks)

    def _objective(self, params: Params, step) -> tf.Tensor:
        """Σ over nets of each net's loss (each net's gradient is its own), with the regime's L2 penalty."""
        x, y = self._batch(step)
        total = tf.reduce_sum(self.losses(self.logits(params, x, step), y))
        if self.regime.weight_decay:
            decay = tf.constant(self.training.weight_decay / 2, self.dtype)
            total += decay * tf.add_n([tf.reduce_sum(w * w) for w in params[0::2]])
        return total

    def advance(self, params: Params, moments: Params, start, count):
        """``count`` steps from step ``start``: (params, RMSProp's mean squares)."""
        rate = tf.constant(self.training.learning_rate, self.dtype)
        rmsprop = self.training.optimizer == "rmsprop"

        def body(step, params, moments):
            with tf.GradientTape() as tape:
                tape.watch(params)
                objective = self._objective(params, step)
            gradients = tape.gradient(objective, params)
            if rmsprop:
                moments = [RMSPROP_RHO * v + (1 - RMSPROP_RHO) * g * g for v, g in zip(moments, gradients)]
                steps = [g / (tf.sqrt(v) + RMSPROP_EPSILON) for g, v in zip(gradients, moments)]
            else:
                steps = gradients
            return step + 1, [p - rate * s for p, s in zip(params, steps)], moments

        _, params, moments = tf.while_loop(
            lambda step, *_: step < start + count, body, (start, params, moments), parallel_iterations=1
        )
        return params, moments


def train(job: Job, combinations: Sequence[Combination], measure: Measure) -> dict[str, np.ndarray]:
    """Train the nets of ``combinations`` (one regime) for ``job.training.steps``; ``measure`` at each recorded
    step. Returns metric → (C, seeds, recorded steps, …)."""
    nets = Nets(job, combinations)
    advance = tf.function(nets.advance)
    evaluate = tf.function(lambda params: measure(params, nets))
    params = nets.initial()
    moments = [tf.zeros_like(p) for p in params]
    records, done = [], 0
    for step in job.training.recorded_steps:
        if step > done:
            params, moments = advance(params, moments, tf.constant(done, tf.int64), tf.constant(step - done, tf.int64))
            done = step
        records.append({name: value.numpy() for name, value in evaluate(params).items()})
    stacked = {name: np.stack([r[name] for r in records], axis=1) for name in records[0]}
    return {name: a.reshape(len(nets.combinations), nets.seeds, *a.shape[1:]) for name, a in stacked.items()}


def train_by_regime(job: Job, combinations: Sequence[Combination], measure: Measure) -> dict[str, np.ndarray]:
    """``train`` over each regime's combinations in turn, results in the order of ``combinations``."""
    regimes = sorted({c.regime for c in combinations})
    parts = {r: [i for i, c in enumerate(combinations) if c.regime == r] for r in regimes}
    results = {r: train(job, [combinations[i] for i in parts[r]], measure) for r in regimes}
    order = np.argsort(np.concatenate([parts[r] for r in regimes]))
    names = results[regimes[0]]
    return {name: np.concatenate([results[r][name] for r in regimes])[order] for name in names}


def evaluation(params: Params, nets: Nets) -> dict[str, tf.Tensor]:
    """Loss and accuracy of every net on the whole training and test sets (no dropout)."""
    found = {}
    for part, x, y in (("train", nets.x_train, nets.y_train), ("test", nets.x_test, nets.y_test)):
        logits = nets.logits(params, x[None])
        found[f"{part}_loss"] = tf.cast(nets.losses(logits, y), tf.float64)
        found[f"{part}_accuracy"] = nets.accuracies(logits, y)
    return found
