"""The training kernels: one optimizer step against a numpy backprop, exact symmetry, and what trains."""

import dataclasses

import numpy as np
import pytest

from initstab.spec import Training


def nets_of(make_job, init, scale, regime, *, bias=0.05, width=8, depth=2, seeds=2, dtype="float64", **training):
    """The Nets of one tanh combination (biases N(0, ``bias``)) trained in ``regime``."""
    from initstab.tf.stack import Seeds
    from initstab.tf.training import Nets

    settings = dict(optimizer="sgd", learning_rate=0.1, steps=1, batch_size=16, record_every=1, weight_decay=0.01)
    job = make_job(
        "symmetry",
        "tanh",
        [(init, scale, bias)],
        width=width,
        depth=depth,
        seeds=seeds,
        dtype=dtype,
        training=Training(**settings | training),
    )
    combinations = [dataclasses.replace(c, regime=regime) for c in job.combinations]
    return Nets(dataclasses.replace(job, combinations=tuple(combinations)), combinations, Seeds(0, seeds))


def numpy_gradients(params, x, y, weight_decay=0.0):
    """∂/∂θ of mean softmax cross-entropy + (λ/2)·Σ‖W‖² for one tanh MLP, by hand-written backprop in float64."""
    hs, h = [x], x
    layers = len(params) // 2
    for layer in range(layers):
        z = h @ params[2 * layer] + params[2 * layer + 1]
        h = z if layer == layers - 1 else np.tanh(z)
        hs.append(h)
    p = np.exp(h - h.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    delta = (p - np.eye(10)[y]) / len(y)  # ∂loss/∂logits
    grads = [None] * len(params)
    for layer in reversed(range(layers)):
        grads[2 * layer] = hs[layer].T @ delta + weight_decay * params[2 * layer]
        grads[2 * layer + 1] = delta.sum(axis=0)
        delta = (delta @ params[2 * layer].T) * (1 - hs[layer] ** 2)
    return grads


def one_step(tf, nets):
    params = nets.initial()
    moments = [tf.zeros_like(p) for p in params]
    after, _ = nets.advance(params, moments, tf.constant(0, tf.int64), tf.constant(1, tf.int64))
    return [p.numpy() for p in params], [p.numpy() for p in after]


def test_one_sgd_step_is_minus_the_learning_rate_times_the_backprop_gradient(tf, make_job):
    """θ₁ = θ₀ − η·∇L(θ₀), L the mean cross-entropy over the whole training set (full batch)."""
    nets = nets_of(make_job, "xavier_normal", 1.0, "full_batch")
    before, after = one_step(tf, nets)
    x, y = nets.x_train.numpy(), nets.y_train.numpy()
    for net in range(nets.count):
        grads = numpy_gradients([p[net] for p in before], x, y)
        for b, a, g in zip(before, after, grads):
            np.testing.assert_allclose(a[net], b[net] - 0.1 * g, rtol=1e-10, atol=1e-13)


def test_one_rmsprop_step_with_l2_divides_the_penalized_gradient_by_its_rms(tf, make_job):
    """From v = 0: v₁ = (1 − ρ)·g², θ₁ = θ₀ − η·g/(√v₁ + ε) with g = ∇L + λW (ρ 0.9, ε 10⁻⁷)."""
    nets = nets_of(make_job, "lecun_normal", 1.3, "weight_decay", optimizer="rmsprop", learning_rate=1e-3)
    before, after = one_step(tf, nets)
    x, y = nets.x_train.numpy(), nets.y_train.numpy()
    for net in range(nets.count):
        grads = numpy_gradients([p[net] for p in before], x, y, weight_decay=0.01)
        for b, a, g in zip(before, after, grads):
            expected = b[net] - 1e-3 * g / (np.sqrt(0.1 * g * g) + 1e-7)
            np.testing.assert_allclose(a[net], expected, rtol=1e-9, atol=1e-12)


def spread_after(tf, make_job, init, regime, dtype, steps=30):
    """(C, seeds, recorded steps, depth) unit spread of one combination (no biases) trained ``steps`` steps."""
    from initstab.tf.symmetry import symmetry

    nets = nets_of(make_job, init, 1.0, regime, bias=0.0, dtype=dtype, steps=steps, record_every=10)
    return symmetry(nets.job, nets.combinations)["unit_spread"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("regime", ["full_batch", "minibatch", "weight_decay"])
@pytest.mark.parametrize("init", ["constant", "identical_units"])
def test_units_that_start_alike_stay_alike_to_the_last_bit(tf, make_job, init, regime, dtype):
    """Alike units get alike gradients, so every deterministic update keeps them alike: spread exactly 0 in float64;
    in float32 within rounding (a CPU's matmul kernels may round the units' sums over 1,438 examples apart: 1e-10
    on this AVX2 EPYC, 0 on another), far below what dropout does."""
    from initstab.experiments.symmetry import rounding

    spread = spread_after(tf, make_job, init, regime, dtype)
    assert (spread == 0).all() if dtype == "float64" else (spread <= 1e-3 * rounding(dtype)).all()


@pytest.mark.parametrize("init, regime", [("constant", "dropout_0.1"), ("xavier_normal", "full_batch")])
def test_dropout_or_random_weights_tell_the_units_apart(tf, make_job, init, regime):
    """Dropout's per-unit masks break the symmetry; random weights never had it."""
    spread = spread_after(tf, make_job, init, regime, "float64")
    assert (spread[:, :, -1] > 1e-6).all()  # far above float64 rounding (about 1e-16)


def test_symmetric_weights_are_alike_across_units_where_the_docstring_says():
    """identical_units: first layer's columns equal, readout's rows equal, hidden-to-hidden all one value."""
    import tensorflow as tf

    from initstab.tf.training import symmetric_weights

    def alike(shape, first, last, init="identical_units", scale=1.0):
        normal = tf.random.stateless_normal(shape, [1, 2], dtype=tf.float64)
        return symmetric_weights(init, normal, scale, first=first, last=last).numpy()

    first, hidden, readout = alike((64, 8), True, False), alike((8, 8), False, False), alike((8, 10), False, True)
    assert (first == first[:, :1]).all() and len(set(first[:, 0])) == 64
    assert (hidden == hidden[0, 0]).all()
    assert (readout == readout[:1, :]).all() and len(set(readout[0])) == 10
    constant = alike((8, 8), False, False, "constant", 2.0)
    np.testing.assert_array_equal(constant, 2.0 / np.sqrt(8))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_combination_trains_alone_as_it_trains_stacked(tf, make_job, dtype):
    """Stacking is only a leading dimension: every stream is seeded from the combination's own seed. Exact in
    float64; float32's vectorized exp and reductions round a stack's last few numbers by an ulp or so."""
    from initstab.tf.stack import Seeds
    from initstab.tf.training import Nets, evaluation, train

    training = Training("rmsprop", 1e-3, 20, 16, 10)
    job = make_job(
        "trainability",
        "tanh",
        [("lecun_normal", 1.0, 0.05), ("lecun_normal", 2.0, 0.05)],
        width=8,
        depth=3,
        seeds=2,
        dtype=dtype,
        training=training,
    )
    combinations = [dataclasses.replace(c, regime="dropout_0.1") for c in job.combinations]
    job = dataclasses.replace(job, combinations=tuple(combinations))
    stacked = train(job, combinations, evaluation)
    alone = train(job, combinations[1:], evaluation)
    assert Nets(job, combinations, Seeds(0, 2)).count == 4
    for name, values in alone.items():
        if dtype == "float64":
            np.testing.assert_array_equal(values[0], stacked[name][1])
        else:
            np.testing.assert_allclose(values[0], stacked[name][1], rtol=1e-5)


def test_a_job_trains_in_calls_of_few_seeds_as_in_one_call(tf, make_job, monkeypatch):
    """train: calls of ``call_seeds`` seeds (5 seeds in calls of 2: seeds 0–1, 2–3, 3–4, the last moved back) give
    what one call of every seed gives, bit for bit in float64 (each call has the same size)."""
    from initstab import combinations
    from initstab.tf.training import evaluation, train

    training = Training("rmsprop", 1e-3, 6, 16, 3)
    job = make_job(
        "trainability",
        "tanh",
        [("lecun_normal", 1.5, 0.05)],
        width=8,
        depth=2,
        seeds=5,
        dtype="float64",
        training=training,
    )
    combinations_ = [dataclasses.replace(c, regime="dropout_0.1") for c in job.combinations]
    job = dataclasses.replace(job, combinations=tuple(combinations_), first_seed=3)
    whole = train(job, combinations_, evaluation)
    monkeypatch.setattr(combinations, "CALL_BYTES", 2 * combinations.seed_bytes(job))
    assert combinations.call_seeds(job) == 2
    called = train(job, combinations_, evaluation)
    for name, values in whole.items():
        assert values.shape[:2] == (1, 5)
        np.testing.assert_array_equal(called[name], values)


def test_a_shallow_net_at_a_good_init_learns_the_digits_and_a_deep_chaotic_one_does_not(tf, make_job):
    """Depth 2 at σ_w² 1 trains far above chance (0.1); depth 40 at σ_w² 9 (ξ_c ≈ 4 layers) stays near it."""
    from initstab.tf.trainability import trainability

    training = Training("rmsprop", 1e-3, 200, 64, 200)
    accuracy = {}
    for depth, scale in [(2, 1.0), (40, 3.0)]:
        job = make_job(
            "trainability",
            "tanh",
            [("lecun_normal", scale, 0.05)],
            width=32,
            depth=depth,
            seeds=2,
            dtype="float32",
            training=training,
        )
        combinations = [dataclasses.replace(c, regime="minibatch") for c in job.combinations]
        job = dataclasses.replace(job, combinations=tuple(combinations))
        accuracy[depth] = trainability(job, combinations)["test_accuracy"][0, :, -1]
    assert (accuracy[2] > 0.85).all(), accuracy
    assert (accuracy[40] < 0.35).all(), accuracy
