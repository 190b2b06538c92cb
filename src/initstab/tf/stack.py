"""Random streams and the stacked combinations of one job: common random numbers.

**Streams.** Every random number comes from a Philox stream of TensorFlow's stateless ops. A stream's key is the
SHA-256 of the global seed, the experiment, the stream's name (a weight family: ``normal``, ``uniform``,
``orthogonal``; or ``bias``, ``input``, ``batch``, …), the shape of one seed's tensor, the dtype and an index (the
layer, or the training step). Seed index i reads its stream from Philox counter i·n/b on (n numbers per seed, b
numbers per Philox block), so seed i draws the same numbers in every job, every chunk of seeds, alone or stacked.

**Common random numbers.** A job draws one base tensor Z per family and layer, (seeds, fan_in, fan_out), and every
combination of that family uses it: its weights are W = g·Z with its own gain g (``initstab.initializers``; a
uniform base is U(0, 1), centred ones use 2U − 1). Each combination's band is what it would be alone (its weights
have exactly their distribution), while the differences between combinations of one family (scales, fan rules,
activations) share their noise and are sharper than independent draws would make them. Biases (N(0, 1) times
σ_b), inputs and minibatches are common streams too.

**Stacking.** Kernels never form g·Z: they carry, per *group* (the combinations of one base and activation),
(K, seeds, …) tensors and apply the gain to Z·h, a vector. Every per-combination operation is batched over
(K, seeds) with the same shapes whatever K is, so a combination's numbers do not depend on its company.
"""

import hashlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from initstab.combinations import call_seeds
from initstab.initializers import INITIALIZERS
from initstab.spec import Combination, Job
from initstab.tf.activations import ACTIVATIONS, Activation
from initstab.tf.initializers import BASES

F64 = tf.float64
PHILOX = tf.random.Algorithm.PHILOX.value


def stream_key(job: Job, name: str, shape: Sequence[int], index: int) -> int:
    """64-bit Philox key of stream ``name`` at ``index`` for one seed's tensor of ``shape`` in a job like ``job``
    (its global seed, experiment and dtype)."""
    text = f"{job.global_seed}/{job.experiment}/{name}/{'x'.join(map(str, shape))}/{job.dtype}/{index}"
    return int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)


class Seeds:
    """The seed indices a kernel call draws for: ``count`` of them from ``first`` on, a variable, so that one traced
    graph serves every call of a job (``Stack.run``)."""

    def __init__(self, first: int, count: int):
        self.first, self.count = tf.Variable(first, dtype=tf.int64, trainable=False), count


def in_calls(job: Job, calls: Seeds) -> Iterator[slice]:
    """Point ``calls`` at each call's seeds in turn and yield which of them are new, for every call of ``job``'s seeds.

    Every call has ``calls.count`` seeds, so one trace serves them all: the last call starts early enough to end at
    the job's last seed, and the seeds it repeats are dropped (a seed's numbers do not depend on its call)."""
    first, stop, size = job.first_seed, job.seed_indices.stop, calls.count
    starts = [*range(first, stop - size, size), stop - size]
    for i, start in enumerate(starts):
        calls.first.assign(start)
        yield slice((starts[i - 1] + size if i else start) - start, None)  # seeds before are in an earlier call


class Stream:
    """A named stream at indices 0 … count − 1 (layers, steps), each a tensor of ``shape`` per seed of ``seeds``
    (default: the job's), drawn in ``dtype`` (default the job's)."""

    def __init__(
        self,
        job: Job,
        name: str,
        shape: Sequence[int],
        count: int,
        dtype: tf.DType | None = None,
        seeds: Seeds | None = None,
    ):
        self.shape, self.seeds = tuple(shape), seeds or Seeds(job.first_seed, job.seeds)
        self.dtype = dtype or tf.as_dtype(job.dtype)
        keys = [stream_key(job, name, shape, index) for index in range(count)]
        self.keys = tf.constant(np.array(keys, dtype=np.uint64))

    def _draw(self, op, index, out: tf.DType, **bounds) -> tf.Tensor:
        per_seed = math.prod(self.shape)
        block = 2 if out.size == 8 else 4  # numbers per Philox block of 128 bits
        padded = -(-per_seed // block) * block  # a seed starts on a block: pad its numbers to whole blocks
        first = tf.cast(self.seeds.first, tf.uint64) * tf.constant(padded // block, tf.uint64)
        counter = tf.stack([first, tf.constant(0, tf.uint64)])
        key = tf.reshape(tf.gather(self.keys, index), [1])
        count = self.seeds.count
        flat = tf.reshape(op(shape=[count * padded], key=key, counter=counter, alg=PHILOX, **bounds), [count, padded])
        if padded != per_seed:
            flat = flat[:, :per_seed]
        return tf.reshape(flat, [count, *self.shape])

    def normal(self, index) -> tf.Tensor:
        """(seeds, *shape) N(0, 1) in the stream's dtype."""
        return self._draw(tf.raw_ops.StatelessRandomNormalV2, index, self.dtype, dtype=self.dtype)

    def uniform(self, index) -> tf.Tensor:
        """(seeds, *shape) U(0, 1) in the stream's dtype."""
        return self._draw(tf.raw_ops.StatelessRandomUniformV2, index, self.dtype, dtype=self.dtype)

    def integers(self, index, maxval: int) -> tf.Tensor:
        """(seeds, *shape) int32 uniform on 0 … maxval − 1."""
        bounds = {"minval": tf.constant(0), "maxval": tf.constant(maxval)}
        return self._draw(tf.raw_ops.StatelessRandomUniformIntV2, index, tf.int32, **bounds)


def base_name(combination: Combination) -> str:
    """The base tensor a combination's weights are a multiple of: its family's (``uniform01``: U(0, 1) itself)."""
    entry = INITIALIZERS[combination.draw_init]
    return entry.family if entry.centred else "uniform01"


def gain(combination: Combination, fan_in: int, fan_out: int) -> float:
    """g with W = g·Z for a fan_in × fan_out layer."""
    return INITIALIZERS[combination.draw_init].gain(combination.draw_scale, fan_in, fan_out)


class Bases:
    """Each family's base draw of a layer shape, (seeds, fan_in, fan_out) from stream (family, layer)."""

    def __init__(self, job: Job, names: set[str], shape: tuple[int, int], layers: int, seeds: Seeds | None = None):
        self.names, self.dtype = names, tf.as_dtype(job.dtype)
        families = {"uniform" if name == "uniform01" else name for name in names}
        self.streams = {
            family: Stream(job, family, shape, layers, tf.float64 if family == "orthogonal" else None, seeds)
            for family in families
        }

    def draw(self, layer) -> dict[str, tf.Tensor]:
        drawn = {family: BASES[family](stream, layer, self.dtype) for family, stream in self.streams.items()}
        if "uniform" in drawn:
            uniform = drawn.pop("uniform")  # U(0, 1)
            if "uniform01" in self.names:
                drawn["uniform01"] = uniform
            if "uniform" in self.names:
                drawn["uniform"] = 2 * uniform - 1
        return drawn


@dataclass
class Group:
    """The combinations of one base (rows ``indices`` of the job's, by activation): their tensors are (K, seeds, …),
    so that the matrix work of a family is one batched op; activations apply to their consecutive rows."""

    base: str
    activations: list[tuple[Activation, int, int]]  # (φ, first row, end row)
    indices: list[int]
    gains: tf.Tensor  # (K, 1) in the job's dtype
    lsuv: tf.Tensor | None  # (K, 1) booleans, None without LSUV
    targets: tf.Tensor  # (K, 1) float64: LSUV's std(W·h), the scale
    bias_stds: tf.Tensor  # (K, 1, 1): σ_b
    input_stds: tf.Tensor  # (K, 1, 1): √q*

    @property
    def size(self) -> int:
        return len(self.indices)

    def _each(self, z: tf.Tensor, apply) -> tf.Tensor:
        parts = [apply(phi, z[start:stop]) for phi, start, stop in self.activations]
        return parts[0] if len(parts) == 1 else tf.concat(parts, axis=0)

    def phi(self, z: tf.Tensor) -> tf.Tensor:
        """φ of each row's activation, elementwise on (K, seeds, …)."""
        return self._each(z, lambda phi, x: phi.fn(x))

    def dphi(self, z: tf.Tensor) -> tf.Tensor:
        """φ′ of each row's activation."""
        return self._each(z, lambda phi, x: phi.derivative(x))

    def broadcast(self, x: tf.Tensor) -> tf.Tensor:
        """A common (seeds, …) tensor as this group's (K, seeds, …)."""
        return tf.broadcast_to(x[None], [self.size, *x.shape])

    def matmul(self, a: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        """a·y for a common (seeds, k, k) ``a`` and this group's (K, seeds, k, m) ``y``: one (K·seeds)-batch matmul
        (a broadcast or transposed batch matmul is 2–3× slower on CPU: ``a`` is tiled instead, one copy)."""
        flat = (-1, *y.shape[2:])
        tiled = tf.tile(a, [self.size, 1, 1])
        return tf.reshape(tf.matmul(tiled, tf.reshape(y, flat)), y.shape)

    def preactivations(self, base: tf.Tensor, h: tf.Tensor, bias: tf.Tensor | None, transpose: bool = False):
        """z = f·(Z·h) + σ_b·b (``transpose``: Zᵀ·h), f the gain, or for LSUV the factor that makes std(z − b) = s on
        this h. ``base`` (seeds, k, k), h (K, seeds, k). Returns (f (K, seeds), z)."""
        zh = tf.linalg.matvec(base[None], h, transpose_a=transpose)
        factor = tf.broadcast_to(self.gains, zh.shape[:2])
        if self.lsuv is not None:
            std = tf.math.reduce_std(tf.cast(zh, F64), axis=-1)
            rescale = self.lsuv & (std > 0)
            factor = tf.where(rescale, tf.cast(self.targets / tf.where(std > 0, std, 1.0), zh.dtype), factor)
        z = factor[..., None] * zh
        return factor, z if bias is None else z + self.bias_stds * bias[None]


class Stack:
    """The combinations of ``job`` in groups, run in calls of ``seeds`` seeds each (``combinations.call_seeds``);
    draws per layer for square width² layers."""

    def __init__(self, job: Job, combinations: Sequence[Combination]):
        self.job, self.combinations = job, list(combinations)
        self.seeds, self.width, self.dtype = call_seeds(job), job.width, tf.as_dtype(job.dtype)
        self.calls = Seeds(job.first_seed, self.seeds)
        k = self.width
        drawn = [c for c in self.combinations if c.draw_init in INITIALIZERS]
        self.groups = [self._group(base) for base in sorted({base_name(c) for c in drawn})]
        layers = max(job.depth, 1)
        self.bases = Bases(job, {g.base for g in self.groups}, (k, k), layers, self.calls)
        self.has_bias = any(c.bias_variance > 0 for c in self.combinations)
        self._bias = Stream(job, "bias", (k,), layers, seeds=self.calls)

    def _group(self, base: str) -> Group:
        members = [(c.activation, i) for i, c in enumerate(self.combinations) if c.draw_init in INITIALIZERS]
        indices = [i for activation, i in sorted(members) if base_name(self.combinations[i]) == base]
        members = [self.combinations[i] for i in indices]
        names = [c.activation for c in members]
        spans = [(ACTIVATIONS[a], names.index(a), len(names) - names[::-1].index(a)) for a in dict.fromkeys(names)]
        lsuv = np.array([c.lsuv for c in members])

        def column(values, dims: int, dtype=self.dtype) -> tf.Tensor:
            return tf.constant(np.reshape(values, (-1,) + (1,) * dims), dtype)

        return Group(
            base=base,
            activations=spans,
            indices=indices,
            gains=column([gain(c, self.width, self.width) for c in members], 1),
            lsuv=tf.constant(lsuv[:, None]) if lsuv.any() else None,
            targets=column([c.scale for c in members], 1, F64),
            bias_stds=column([math.sqrt(c.bias_variance) for c in members], 2),
            input_stds=column([math.sqrt(c.input_variance) for c in members], 2),
        )

    def draw(self, layer) -> dict[str, tf.Tensor]:
        """Each group base's draw for ``layer``: (seeds, width, width)."""
        return self.bases.draw(layer)

    def bias(self, layer) -> tf.Tensor | None:
        """(seeds, width) N(0, 1) of ``layer``'s biases (each group scales by σ_b), or None without biases."""
        return self._bias.normal(layer) if self.has_bias else None

    def normals(self, name: str) -> tf.Tensor:
        """(seeds, width) N(0, 1) from the common stream ``name`` (an input, a direction)."""
        return Stream(self.job, name, (self.width,), 1, seeds=self.calls).normal(0)

    def inputs_at_fixed_point(self, group: Group, correlation: float | None = None):
        """Pre-activations z₀ ~ N(0, q*) of each combination of ``group`` (its ``input_variance``), so that the first
        layer's z₁ = W·φ(z₀) + b sits at the fixed point; with ``correlation`` c₀, a second z₀ with correlation c₀
        to the first. Returns (z_a, z_b or None), (K, seeds, width)."""
        z_a = group.input_stds * self.normals("input")[None]
        if correlation is None:
            return z_a, None
        second = group.input_stds * self.normals("second_input")[None]
        return z_a, correlation * z_a + math.sqrt(1 - correlation**2) * second

    def run(self, run: Callable[[], list], names: Sequence[str]) -> dict[str, np.ndarray]:
        """Call ``run`` (a tf.function returning, per group, a list of (K, seeds, …) tensors in the order of
        ``names``) for every call of the job's seeds (``in_calls``); metric → (C, job's seeds, …) in the job's
        combination order."""
        calls = [[[t.numpy()[:, new] for t in values] for values in run()] for new in in_calls(self.job, self.calls)]
        out: list[list[np.ndarray | None]] = [[None] * len(self.combinations) for _ in names]
        for g, group in enumerate(self.groups):
            for m in range(len(names)):
                values = np.concatenate([call[g][m] for call in calls], axis=1)
                for row, i in enumerate(group.indices):
                    out[m][i] = values[row]
        return {name: np.stack(arrays) for name, arrays in zip(names, out, strict=True)}


def graph(body: Callable[[], list]) -> Callable[[], list]:
    """A kernel's ``body`` as a TensorFlow graph function in which AutoGraph converts the body's own loops and
    branches on tensors, but not the library functions it calls (they have none): converting those cost ~0.4 s per
    job, twice matrix_product's whole kernel."""
    return tf.function(tf.autograph.to_graph(body, recursive=False), autograph=False)


def layer_arrays(count: int, size: int) -> list[tf.TensorArray]:
    """``count`` float64 TensorArrays of ``size`` entries (one per layer)."""
    return [tf.TensorArray(F64, size=size) for _ in range(count)]


def stacked(arrays: Sequence[tf.TensorArray]) -> list[tf.Tensor]:
    """(layers, K, seeds) TensorArrays → (K, seeds, layers) tensors."""
    return [tf.transpose(a.stack(), [1, 2, 0]) for a in arrays]
