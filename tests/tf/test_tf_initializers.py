"""The registry's initializers as the kernels draw them (gain × their family's base draw, initstab.tf.initializers)
against their closed-form moments and the registry's variance rules (Monte Carlo bands with fixed seeds)."""

import math

import numpy as np
import pytest

from initstab.initializers import INITIALIZERS as REGISTRY

FAN = 64
SEEDS = 64  # 64 × 64 × 64 = 262144 entries: the sample variance is within ±1 % (4σ) of the truth


def draw(tf, name, scale, shape=(SEEDS, FAN, FAN), seed=(3, 7), dtype="float32"):
    """``shape[0]`` matrices of init ``name``: its gain times its family's base draw (global seed, layer ``seed``)."""
    from initstab.spec import Job
    from initstab.tf.initializers import BASES
    from initstab.tf.stack import Stream

    entry = REGISTRY[name]
    job = Job("forward", "", seed[0], shape[1], 2, shape[0], dtype, ())
    stream = Stream(job, entry.family, shape[1:], seed[1] + 1, tf.float64 if entry.family == "orthogonal" else None)
    base = BASES[entry.family](stream, seed[1], tf.as_dtype(dtype)).numpy()
    base = 2 * base - 1 if entry.family == "uniform" and entry.centred else base
    return (entry.gain(scale, *shape[1:]) * base).astype(dtype)


# (name, scale, expected mean, expected variance) for fan_in = fan_out = FAN
MOMENTS = [
    ("normal", 0.3, 0.0, 0.09),
    ("uniform", 0.3, 0.0, 0.09 / 3),
    ("uniform_noncentered", 0.3, 0.15, 0.09 / 12),
    ("xavier_uniform", 1.0, 0.0, 2 / (FAN + FAN)),
    ("xavier_uniform_noncentered", 1.0, math.sqrt(6 / (2 * FAN)) / 2, 6 / (2 * FAN) / 12),
    ("xavier_normal", 1.0, 0.0, 2 / (FAN + FAN)),
    ("he_normal", 1.0, 0.0, 2 / FAN),
    ("he_uniform", 1.0, 0.0, 2 / FAN),
    ("lecun_normal", 2.0, 0.0, 4 / FAN),
    ("orthogonal", 1.0, 0.0, 1 / FAN),
]


def test_every_family_has_its_base_draw_and_every_drawn_init_a_gain(tf):
    """Every registry init draws its family's base: itself, or its ``base`` (critical, LSUV); the symmetric ones
    are drawn by initstab.tf.training (tests/tf/test_tf_training.py)."""
    from initstab.initializers import FAMILIES
    from initstab.tf.initializers import BASES

    assert set(BASES) == set(FAMILIES) == {entry.family for entry in REGISTRY.values()}
    drawn = {name for name, e in REGISTRY.items() if e.base is None and not e.symmetric}
    assert {entry.base for entry in REGISTRY.values() if entry.base is not None} <= drawn
    assert {name for name, *_ in MOMENTS} == drawn
    assert all(REGISTRY[name].gain(1.0, FAN, FAN) > 0 for name in drawn)


@pytest.mark.parametrize(("name", "scale", "mean", "variance"), MOMENTS)
def test_moments_match_closed_form(tf, name, scale, mean, variance):
    w = draw(tf, name, scale).astype(np.float64)
    n = w.size
    assert abs(w.mean() - mean) < 5 * math.sqrt(variance / n)
    assert w.var() == pytest.approx(variance, rel=0.015)


def test_orthogonal_is_orthogonal_with_gain(tf):
    w = draw(tf, "orthogonal", 1.5, shape=(4, 32, 32)).astype(np.float64)
    gram = np.einsum("sij,sik->sjk", w, w)
    np.testing.assert_allclose(gram, np.broadcast_to(2.25 * np.eye(32), gram.shape), atol=1e-5)


def test_orthogonal_rejects_rectangular(tf):
    with pytest.raises(ValueError, match="square"):
        draw(tf, "orthogonal", 1.0, shape=(2, 4, 5))


def test_seed_determines_the_draw(tf):
    a = draw(tf, "he_normal", 1.0, seed=(1, 2))
    assert np.array_equal(a, draw(tf, "he_normal", 1.0, seed=(1, 2)))
    assert not np.array_equal(a, draw(tf, "he_normal", 1.0, seed=(1, 3)))
    assert not np.array_equal(a, draw(tf, "he_normal", 1.0, seed=(2, 2)))


def test_a_family_shares_its_draw(tf):
    """Common random numbers: He and LeCun normal are one N(0, 1) draw times their gains (√2 apart); centred and
    non-centred uniforms are 2U − 1 and U of one U(0, 1) draw."""
    np.testing.assert_allclose(draw(tf, "he_normal", 1.0), math.sqrt(2) * draw(tf, "lecun_normal", 1.0), rtol=1e-6)
    np.testing.assert_allclose(draw(tf, "uniform", 1.0), 2 * draw(tf, "uniform_noncentered", 1.0) - 1, atol=1e-6)


def test_seeds_are_independent_matrices(tf):
    w = draw(tf, "normal", 1.0, shape=(2, FAN, FAN)).reshape(2, -1)
    assert abs(np.corrcoef(w)[0, 1]) < 4 / FAN


def test_noncentered_xavier_is_the_bug_seed_001_shows(tf):
    """Seed 001's 'Xavier' has mean √(6/(m+h))/2 > 0; the correct Glorot uniform is centred."""
    wrong = draw(tf, "xavier_uniform_noncentered", 1.0)
    right = draw(tf, "xavier_uniform", 1.0)
    assert wrong.min() >= 0 and wrong.mean() > 0.1
    assert abs(right.mean()) < 1e-3


@pytest.mark.parametrize("name", [name for name, entry in REGISTRY.items() if entry.base is None and entry.variance])
def test_variance_matches_the_registrys_rule(tf, name):
    """The theory's σ_w² = fan_in·Var(W_ij) comes from the registry's rule: the draws must have that variance."""
    scale = 0.8
    w = draw(tf, name, scale, seed=(5, 1)).astype(np.float64)
    assert w.var() == pytest.approx(REGISTRY[name].variance(scale, FAN, FAN), rel=0.015)
