"""The shared weight stack: each combination draws from its own seed, LSUV and biases act on the pre-activations."""

import math

import numpy as np

SMALL = dict(width=16, depth=4, seeds=3, dtype="float32")


def test_stacked_combinations_give_exactly_their_single_runs(tf, make_job):
    """A combination's numbers do not depend on which others share its job (each draws from its own seed)."""
    from initstab.tf.gradient_flow import gradient_flow

    job = make_job(
        "gradient_flow",
        "tanh",
        [("normal", 0.3, 11), ("he_normal", 1.0, 12), ("lsuv", 1.0, 13, 0.1)],
        width=12,
        depth=6,
        seeds=5,
        dtype="float32",
        repeats=1,
    )
    stacked = gradient_flow(job, job.combinations)
    for i, combination in enumerate(job.combinations):
        single = gradient_flow(job, [combination])
        for name, values in single.items():
            assert values.shape == (1, 5, 6)
            np.testing.assert_array_equal(stacked[name][i], values[0])


def test_same_job_twice_gives_identical_numbers(tf, make_job):
    """Stateless draws and deterministic ops: rerunning a kernel reproduces it bit for bit."""
    from initstab.tf.forward import forward

    job = make_job("forward", "tanh", [("lsuv", 0.8, 21, 0.2), ("xavier_uniform", 1.0, 22)], **SMALL)
    first, second = forward(job, job.combinations), forward(job, job.combinations)
    for name, values in first.items():
        np.testing.assert_array_equal(values, second[name])


def test_lsuv_sets_every_layers_preactivation_std_to_the_scale(tf, make_job):
    from initstab.tf.forward import forward

    job = make_job("forward", "linear", [("lsuv", 0.7, 2)], width=64, depth=8, seeds=6, dtype="float64")
    act_std = forward(job, job.combinations)["act_std"][0]
    np.testing.assert_allclose(act_std[:, 1:], 0.7, rtol=1e-12)
    assert not np.allclose(act_std[:, 0], 0.7)  # the input is not rescaled


def test_biases_add_their_variance_to_the_preactivations(tf, make_job):
    """E[z²] = σ_w²·E[x²] + σ_b² for z = Wᵀx + b: 1·1 + 0.5 with LeCun-normal weights."""
    from initstab.tf.forward import forward

    job = make_job("forward", "linear", [("lecun_normal", 1.0, 3, 0.5)], width=256, depth=1, seeds=200, dtype="float64")
    mean_sq = forward(job, job.combinations)["act_mean_sq"][0][:, 1]
    assert abs(mean_sq.mean() - 1.5) < 4 * mean_sq.std() / math.sqrt(mean_sq.size)


def test_combinations_draw_with_their_derived_init_and_gain(tf, make_job):
    """A critical combination draws its base init (LeCun normal) with gain s·√σ²_w,crit, from stream (seed, layer)."""
    from initstab.tf.initializers import INITIALIZERS
    from initstab.tf.stack import Stack

    job = make_job("gradient_flow", "tanh", [("critical", 1.2, 31, 0.05)], repeats=1, **SMALL)
    (combination,) = job.combinations
    assert combination.draw_init == "lecun_normal" and combination.draw_scale > 1.2
    got = Stack(job, job.combinations).weights(2).numpy()
    expected = INITIALIZERS["lecun_normal"](
        (3, 16, 16), combination.draw_scale, tf.constant([31, 2], tf.int64), tf.float32
    ).numpy()
    np.testing.assert_array_equal(got, expected)
