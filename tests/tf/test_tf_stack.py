"""The shared weight stack: common random streams per seed index, LSUV and biases act on the pre-activations."""

import dataclasses
import math

import numpy as np
import pytest

SMALL = dict(width=16, depth=4, seeds=3, dtype="float32")


def test_stacked_combinations_give_exactly_their_single_runs(tf, make_job):
    """A combination's numbers do not depend on which others share its job (each scales the common draws)."""
    from initstab.tf.gradient_flow import gradient_flow

    job = make_job(
        "gradient_flow",
        "tanh",
        [("normal", 0.3), ("he_normal", 1.0), ("lsuv", 1.0, 0.1)],
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

    job = make_job("forward", "tanh", [("lsuv", 0.8, 0.2), ("xavier_uniform", 1.0)], **SMALL)
    first, second = forward(job, job.combinations), forward(job, job.combinations)
    for name, values in first.items():
        np.testing.assert_array_equal(values, second[name])


def test_lsuv_sets_every_layers_preactivation_std_to_the_scale(tf, make_job):
    from initstab.tf.forward import forward

    job = make_job("forward", "linear", [("lsuv", 0.7)], width=64, depth=8, seeds=6, dtype="float64")
    act_std = forward(job, job.combinations)["act_std"][0]
    np.testing.assert_allclose(act_std[:, 1:], 0.7, rtol=1e-12)
    assert not np.allclose(act_std[:, 0], 0.7)  # the input is not rescaled


def test_biases_add_their_variance_to_the_preactivations(tf, make_job):
    """E[z²] = σ_w²·E[x²] + σ_b² for z = Wᵀx + b: 1·1 + 0.5 with LeCun-normal weights."""
    from initstab.tf.forward import forward

    job = make_job("forward", "linear", [("lecun_normal", 1.0, 0.5)], width=256, depth=1, seeds=200, dtype="float64")
    mean_sq = forward(job, job.combinations)["act_mean_sq"][0][:, 1]
    assert abs(mean_sq.mean() - 1.5) < 4 * mean_sq.std() / math.sqrt(mean_sq.size)


def test_combinations_draw_with_their_derived_init_and_gain(tf, make_job):
    """A critical combination draws its base init (LeCun normal) with gain s·√σ²_w,crit: its weights are
    s·√σ²_w,crit/√width times the normal family's draw of stream (normal, layer)."""
    from initstab.tf.stack import Stack, Stream, base_name, gain
    from initstab.theory import meanfield

    job = make_job("gradient_flow", "tanh", [("critical", 1.2, 0.05)], repeats=1, **SMALL)
    (combination,) = job.combinations
    critical = meanfield.critical_weight_variance("tanh", 0.05)
    assert combination.draw_init == "lecun_normal" and combination.draw_scale == pytest.approx(1.2 * critical**0.5)
    assert base_name(combination) == "normal" and gain(combination, 16, 16) == pytest.approx(1.2 * critical**0.5 / 4)
    got = Stack(job, job.combinations).draw(tf.constant(2))["normal"].numpy()
    np.testing.assert_array_equal(got, Stream(job, "normal", (16, 16), 4).normal(2).numpy())


@pytest.mark.parametrize(
    ("name", "shape", "dtype"),
    [
        ("normal", (16, 16), "float32"),
        ("uniform", (5, 5), "float32"),  # 25 numbers a seed: padded to whole Philox blocks
        ("normal", (3, 3), "float64"),
        ("normal", (7,), "float16"),
        ("orthogonal", (6, 6), "float32"),
    ],
)
def test_a_seeds_draw_is_the_same_in_any_range_of_seeds(tf, make_job, name, shape, dtype):
    """Seed i reads its stream from counter i·n/b on: seeds 3–7 drawn alone are rows 3–7 of seeds 0–7."""
    from initstab.tf.initializers import BASES
    from initstab.tf.stack import Seeds, Stream

    job = make_job("forward", "linear", [("normal", 1.0)], width=shape[0], depth=2, seeds=8, dtype=dtype)
    out = tf.float64 if name == "orthogonal" else None
    draw = BASES.get(name)

    def drawn(first, count):
        stream = Stream(job, name, shape, 2, out, Seeds(first, count))
        return (draw(stream, 1, tf.as_dtype(dtype)) if draw else stream.normal(1)).numpy()

    whole = drawn(0, 8)
    np.testing.assert_array_equal(drawn(3, 5), whole[3:])
    np.testing.assert_array_equal(drawn(0, 1), whole[:1])
    assert whole.shape == (8, *shape) and len({row.tobytes() for row in whole}) == 8


def test_streams_differ_in_every_part_of_their_key(make_job):
    """Global seed, experiment, name, shape, dtype and index each change the stream."""
    from initstab.tf.stack import stream_key

    job = make_job("forward", "linear", [("normal", 1.0)], width=4, depth=2, seeds=2, dtype="float32")
    keys = {
        stream_key(job, "normal", (4, 4), 0),
        stream_key(job, "normal", (4, 4), 1),
        stream_key(job, "uniform", (4, 4), 0),
        stream_key(job, "normal", (4, 5), 0),
        stream_key(dataclasses.replace(job, dtype="float64"), "normal", (4, 4), 0),
        stream_key(dataclasses.replace(job, experiment="gradient_flow"), "normal", (4, 4), 0),
        stream_key(dataclasses.replace(job, global_seed=1), "normal", (4, 4), 0),
    }
    assert len(keys) == 7 and all(0 <= key < 2**64 for key in keys)
    assert stream_key(dataclasses.replace(job, first_seed=5, seeds=1), "normal", (4, 4), 0) in keys


def test_a_job_in_calls_of_few_seeds_gives_its_numbers_in_one_call(tf, make_job, monkeypatch):
    """Stack.run: calls of ``call_seeds`` seeds, the last one moved back to end at the job's last seed (7 seeds in
    calls of 3: seeds 0–2, 3–5, 4–6), give what one call of every seed gives, bit for bit."""
    from initstab import combinations
    from initstab.tf.forward import forward

    job = make_job("forward", "tanh", [("lsuv", 0.8, 0.2), ("xavier_uniform", 1.0)], **(SMALL | {"seeds": 7}))
    whole = forward(job, job.combinations)
    monkeypatch.setattr(combinations, "CALL_BYTES", 3 * combinations.seed_bytes(job))
    assert combinations.call_seeds(job) == 3
    called = forward(job, job.combinations)
    for name, values in whole.items():
        np.testing.assert_array_equal(called[name], values)
