"""Training the stacked nets of one job at once: each (combination, seed) is one MLP along the leading dimension.

A net maps the 64 digit pixels through ``depth`` hidden layers of ``width`` units, h ← φ(h·W + b), to 10 logits
(h·W + b, no φ) and learns by softmax cross-entropy. Its parameters are (nets, fan_in, fan_out) tensors, so one
step of every net is a few batched matmuls. Every random number comes from the common streams of
``initstab.tf.stack`` at the net's seed index: layer l's weights are its init's gain times its family's base draw
(stream (family, l); every combination of a family starts from the same base, scaled), its biases σ_b times
stream (bias, l), step t's minibatch from stream (batch, t) and its dropout masks from (dropout l, t), shared by
every combination of the job. A combination alone starts from, and sees, bit for bit what it does stacked;
trained, it agrees bit for bit in float64 and to rounding in float32, where reductions and the vectorized exp of a
stack round a net's last few numbers differently as the stack's size changes (1 ulp of a loss after 20 steps;
chaotic training can grow it).

Optimizers: ``sgd`` (θ ← θ − η·g) and ``rmsprop`` (v ← ρ·v + (1 − ρ)·g², θ ← θ − η·g/(√v + ε), ρ = 0.9,
ε = 10⁻⁷ as Keras's); regimes (initstab.regimes) add minibatches, an L2 penalty or dropout.
"""

import math
from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

from initstab.combinations import call_seeds
from initstab.data import CLASSES, load_digits
from initstab.initializers import INITIALIZERS as REGISTRY
from initstab.regimes import REGIMES
from initstab.spec import Combination, Job
from initstab.tf.activations import ACTIVATIONS
from initstab.tf.initializers import BASES
from initstab.tf.stack import Seeds, Stream, base_name, gain, in_calls

RMSPROP_RHO, RMSPROP_EPSILON = 0.9, 1e-7

Params = list[tf.Tensor]  # [W₀, b₀, …, W_L, b_L], each (nets, …)
Measure = Callable[[Params, "Nets"], dict[str, tf.Tensor]]  # params → metric → (nets, …) tensor


def symmetric_weights(init: str, normal: tf.Tensor, scale: float, first: bool, last: bool) -> tf.Tensor:
    """Weights whose hidden units start alike, from a (…, fan_in, fan_out) N(0, 1) draw ``normal`` (std s/√fan_in).

    ``constant``: every weight s/√fan_in. ``identical_units``: g = s/√fan_in·``normal``, shared so that every
    hidden unit receives and sends alike: the first layer W = g[:, 0]·1ᵀ (each unit the same random row), the
    readout W = 1·g[0, :] (each unit the same weights to the outputs), hidden-to-hidden W = g[0, 0]·11ᵀ.
    """
    shape, dtype = normal.shape, normal.dtype
    std = scale / math.sqrt(int(shape[-2]))
    if init == "constant":
        return tf.fill(shape, tf.constant(std, dtype))
    g = tf.constant(std, dtype) * normal
    rows = slice(None) if first else slice(0, 1)  # the readout and hidden layers: one value over fan_in
    columns = slice(0, 1) if not last else slice(None)  # the first and hidden layers: one value over fan_out
    return tf.broadcast_to(g[..., rows, columns], shape)


class Nets:
    """The nets of ``combinations`` (one regime, one activation) at the seeds of ``calls``, their data and update
    rule."""

    def __init__(self, job: Job, combinations: Sequence[Combination], calls: Seeds):
        self.job, self.combinations, self.calls, self.seeds = job, list(combinations), calls, calls.count
        self.training, self.dtype = job.training, tf.as_dtype(job.dtype)
        kinds = {(c.regime, c.activation) for c in self.combinations}
        if len(kinds) != 1:
            raise ValueError(f"one Nets trains one regime and activation, got {sorted(kinds)}")
        regime, activation = kinds.pop()
        self.regime, self.phi = REGIMES[regime], ACTIVATIONS[activation].fn
        digits = load_digits()
        self.x_train, self.x_test = (tf.constant(x, self.dtype) for x in (digits.x_train, digits.x_test))
        self.y_train, self.y_test = tf.constant(digits.y_train), tf.constant(digits.y_test)
        self.n_train = len(digits.y_train)
        self.fans = [self.x_train.shape[1], *[job.width] * job.depth, CLASSES]
        self.count = len(self.combinations) * self.seeds
        layers = job.depth + 1
        self.shapes = [(self.fans[layer], self.fans[layer + 1]) for layer in range(layers)]
        families = {"uniform" if base == "uniform01" else base for base in map(self._base, self.combinations)}
        self.weight_streams = {
            (family, shape): Stream(job, family, shape, layers, tf.float64 if family == "orthogonal" else None, calls)
            for family in families
            for shape in set(self.shapes)
        }
        self.bias_streams = {shape: Stream(job, "bias", shape[1:], layers, seeds=calls) for shape in set(self.shapes)}
        self.batches = Stream(job, "batch", (self.training.batch_size,), self.training.steps, seeds=calls)
        examples = self.n_train if not self.regime.minibatch else self.training.batch_size
        masks = self.regime.dropout > 0
        self.masks = (
            [
                Stream(job, f"dropout{layer}", (examples, job.width), self.training.steps, seeds=calls)
                for layer in range(job.depth)
            ]
            if masks
            else []
        )

    @staticmethod
    def _base(combination: Combination) -> str:
        return "normal" if REGISTRY[combination.init].symmetric else base_name(combination)

    def _concat(self, tensors) -> tf.Tensor:
        return tensors[0] if len(tensors) == 1 else tf.concat(tensors, axis=0)

    def _bases(self, layer: int) -> dict[str, tf.Tensor]:
        """Each base the job's combinations use at ``layer``: (seeds, fan_in, fan_out)."""
        shape, drawn = self.shapes[layer], {}
        for base in sorted(set(map(self._base, self.combinations))):
            family = "uniform" if base == "uniform01" else base
            draw = BASES[family](self.weight_streams[(family, shape)], layer, self.dtype)
            drawn[base] = 2 * draw - 1 if base == "uniform" else draw
        return drawn

    def _weights(self, combination: Combination, layer: int, bases: dict[str, tf.Tensor]) -> tf.Tensor:
        base = bases[self._base(combination)]
        if REGISTRY[combination.init].symmetric:
            first, last = layer == 0, layer == self.job.depth
            return symmetric_weights(combination.init, base, combination.scale, first, last)
        return tf.constant(gain(combination, *self.shapes[layer]), self.dtype) * base

    def _biases(self, combination: Combination, layer: int, normal: tf.Tensor) -> tf.Tensor:
        if combination.bias_variance == 0:  # +0 everywhere (0·normal would mix in −0)
            return tf.zeros_like(normal)
        return tf.constant(math.sqrt(combination.bias_variance), self.dtype) * normal

    def initial(self) -> Params:
        params = []
        for layer, shape in enumerate(self.shapes):
            bases, normal = self._bases(layer), self.bias_streams[shape].normal(layer)
            params.append(self._concat([self._weights(c, layer, bases) for c in self.combinations]))
            params.append(self._concat([self._biases(c, layer, normal) for c in self.combinations]))
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
        uniforms = self._concat([self.masks[layer].uniform(step)] * len(self.combinations))
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
        picks = self._concat([self.batches.integers(step, self.n_train)] * len(self.combinations))
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
    """Train the nets of ``combinations`` (one regime) for ``job.training.steps`` in calls of ``call_seeds`` seeds
    (one trace serves every call); ``measure`` at each recorded step. Returns metric → (C, seeds, recorded steps,
    …)."""
    nets = Nets(job, combinations, Seeds(job.first_seed, call_seeds(job)))
    advance = tf.function(nets.advance)
    evaluate = tf.function(lambda params: measure(params, nets))
    calls = []
    for new in in_calls(job, nets.calls):
        params = nets.initial()
        moments = [tf.zeros_like(p) for p in params]
        records, done = [], 0
        for step in job.training.recorded_steps:
            if step > done:
                start, count = tf.constant(done, tf.int64), tf.constant(step - done, tf.int64)
                params, moments = advance(params, moments, start, count)
                done = step
            records.append({name: value.numpy() for name, value in evaluate(params).items()})
        shape = (len(nets.combinations), nets.seeds)
        calls.append({name: np.stack([r[name] for r in records], axis=1) for name in records[0]})
        calls[-1] = {name: a.reshape(*shape, *a.shape[1:])[:, new] for name, a in calls[-1].items()}
    return {name: np.concatenate([call[name] for call in calls], axis=1) for name in calls[0]}


def train_by_regime(job: Job, combinations: Sequence[Combination], measure: Measure) -> dict[str, np.ndarray]:
    """``train`` over the combinations of each regime and activation in turn, results in the order of
    ``combinations``."""
    kinds = sorted({(c.regime, c.activation) for c in combinations})
    parts = {kind: [i for i, c in enumerate(combinations) if (c.regime, c.activation) == kind] for kind in kinds}
    results = {kind: train(job, [combinations[i] for i in parts[kind]], measure) for kind in kinds}
    order = np.argsort(np.concatenate([parts[kind] for kind in kinds]))
    names = results[kinds[0]]
    return {name: np.concatenate([results[kind][name] for kind in kinds])[order] for name in names}


def evaluation(params: Params, nets: Nets) -> dict[str, tf.Tensor]:
    """Loss and accuracy of every net on the whole training and test sets (no dropout)."""
    found = {}
    for part, x, y in (("train", nets.x_train, nets.y_train), ("test", nets.x_test, nets.y_test)):
        logits = nets.logits(params, x[None])
        found[f"{part}_loss"] = tf.cast(nets.losses(logits, y), tf.float64)
        found[f"{part}_accuracy"] = nets.accuracies(logits, y)
    return found
