"""Mean-field theory against closed forms and numpy Monte Carlo (fixed seeds, no TensorFlow)."""

import math
import warnings

import numpy as np
import pytest
from scipy.special import digamma

from initstab.activations import ACTIVATIONS, LEAKY_ALPHA
from initstab.theory import meanfield as mf


def arccos_kernel(q, c):
    """E[relu(u₁)relu(u₂)] for unit-correlation c at variance q (Cho & Saul 2009)."""
    return q / (2 * np.pi) * (np.sqrt(1 - c**2) + (np.pi - np.arccos(c)) * c)


def haar_orthogonal(rng, samples, n):
    q, r = np.linalg.qr(rng.standard_normal((samples, n, n)))
    return q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]


@pytest.mark.parametrize(("sigma_w2", "bias_variance"), [(2.0, 0.0), (1.3, 0.2)])
def test_variance_map_closed_forms(sigma_w2, bias_variance):
    q = np.array([0.0, 0.1, 1.0, 25.0])
    np.testing.assert_allclose(
        mf.variance_map("relu", sigma_w2, bias_variance, q), sigma_w2 * q / 2 + bias_variance, rtol=1e-13
    )
    np.testing.assert_allclose(
        mf.variance_map("linear", sigma_w2, bias_variance, q), sigma_w2 * q + bias_variance, rtol=1e-13
    )


def test_variance_trajectory_recursion_and_overflow():
    q = mf.variance_trajectory("relu", 3.0, 0.1, input_mean_square=2.0, depth=4)
    expected = [6.1]
    for _ in range(3):
        expected.append(1.5 * expected[-1] + 0.1)
    np.testing.assert_allclose(q, expected, rtol=1e-13)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q = mf.variance_trajectory("relu", 1e6, 0.0, 1.0, 100)
    first_inf = np.flatnonzero(np.isinf(q))[0]
    assert 40 < first_inf < 100 and np.all(np.isinf(q[first_inf:])) and np.all(np.isfinite(q[:first_inf]))


@pytest.mark.parametrize(
    ("activation", "sigma_w2", "bias_variance", "q0", "expected"),
    [
        ("relu", 1.5, 0.1, 1.0, 0.1 / (1 - 1.5 / 2)),
        ("relu", 1.5, 0.1, 1e-9, 0.1 / (1 - 1.5 / 2)),
        ("relu", 1.0, 0.0, 1.0, 0.0),
        ("relu", 2.5, 0.0, 1.0, np.inf),
        ("relu", 2.0, 0.0, 3.7, 3.7),  # V(q) = q: every q is fixed
        ("linear", 0.5, 0.1, 1.0, 0.2),
        ("linear", 1.5, 0.1, 1.0, np.inf),
        ("tanh", 0.8, 0.0, 1.0, 0.0),
    ],
)
def test_fixed_point_closed_forms(activation, sigma_w2, bias_variance, q0, expected):
    assert mf.fixed_point(activation, sigma_w2, bias_variance, q0) == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize(("activation", "sigma_w2", "bias_variance"), [("tanh", 1.2, 0.05), ("tanh", 1 + 1e-4, 0.0)])
def test_fixed_point_solves_and_attracts(activation, sigma_w2, bias_variance):
    q_star = mf.fixed_point(activation, sigma_w2, bias_variance)
    assert q_star > 0
    assert mf.variance_map(activation, sigma_w2, bias_variance, q_star) == pytest.approx(q_star, rel=1e-13)
    if bias_variance > 0:  # near criticality the iteration converges only as a power law
        assert mf.variance_trajectory(activation, sigma_w2, bias_variance, 1.0, 200)[-1] == pytest.approx(
            q_star, rel=1e-12
        )
    else:  # tanh at σ_w² = 1 + ε: q* ≈ ε/2 (E tanh² ≈ q − 2q²)
        assert q_star == pytest.approx(0.5e-4, rel=1e-3)


# positively homogeneous φ: E[φ(z)²] = E[φ′(z)²] in closed form; V(q) = a·q + σ_b² and χ₁ = a with a = σ_w²·E[φ²],
# so the edge of chaos a = 1 is at σ_w² = 1/E[φ²]
SECOND_MOMENT = {"linear": 1.0, "relu": 0.5, "leaky_relu": (1 + LEAKY_ALPHA**2) / 2}
HOMOGENEOUS_EDGE = {"linear": 1.0, "relu": 2.0, "leaky_relu": 2 / (1 + LEAKY_ALPHA**2)}


@pytest.mark.parametrize("bias_variance", [0.01, 0.1])
@pytest.mark.parametrize("activation", sorted(HOMOGENEOUS_EDGE))
def test_fixed_point_is_infinite_at_the_homogeneous_edge_with_biases(activation, bias_variance):
    # V(q) = q + σ_b² > q: no fixed point from any q0 (bracketing used to return q* ≈ 4·10¹³ at σ_b² = 0.01)
    sigma_w2 = HOMOGENEOUS_EDGE[activation]
    for q0 in (1e-6, 1.0, 50.0):
        assert mf.fixed_point(activation, sigma_w2, bias_variance, q0) == np.inf
    assert mf.fixed_point(activation, mf.critical_weight_variance(activation, bias_variance), bias_variance) == np.inf
    assert mf.correlation_fixed_point(activation, sigma_w2, bias_variance) == 1.0
    assert mf.chi_c(activation, sigma_w2, bias_variance) == pytest.approx(1.0, rel=1e-14)
    assert mf.fixed_point(activation, sigma_w2, 0.0, 3.7) == 3.7  # without biases every q is fixed, as before


@pytest.mark.parametrize("gap", [0.5, 1e-2, 1e-4, 1e-6, 1e-8, 1e-11])
@pytest.mark.parametrize("activation", sorted(HOMOGENEOUS_EDGE))
def test_fixed_point_below_the_homogeneous_edge_is_the_closed_form(activation, gap):
    sigma_w2 = (1 - gap) / SECOND_MOMENT[activation]
    a = sigma_w2 * SECOND_MOMENT[activation]
    for bias_variance in (0.01, 0.1):
        q_star = mf.fixed_point(activation, sigma_w2, bias_variance)
        assert q_star == pytest.approx(bias_variance / (1 - a), rel=1e-12, abs=0)
        assert mf.variance_map(activation, sigma_w2, bias_variance, q_star) == pytest.approx(q_star, rel=1e-12)
    assert mf.fixed_point(activation, sigma_w2, 0.0) == 0.0
    assert mf.fixed_point(activation, (1 + gap) / SECOND_MOMENT[activation], 0.1) == np.inf  # beyond the edge


@pytest.mark.parametrize("activation", sorted(HOMOGENEOUS_EDGE))
def test_depth_scales_of_homogeneous_activations_at_the_edge_are_infinite(activation):
    # at the edge q_l grows by σ_b² a layer (or stays, σ_b² = 0) and c_l converges as a power law: (inf, inf),
    # where the quadrature's V′ = 1 ± ε used to give ξ = ∓4.5·10¹⁵
    for sigma_w2 in (HOMOGENEOUS_EDGE[activation], mf.critical_weight_variance(activation, 0.1)):
        for bias_variance in (0.0, 0.01, 0.1):
            assert mf.depth_scales(activation, sigma_w2, bias_variance) == (np.inf, np.inf)
    for gap in (1e-2, 1e-4, 1e-8):  # below: c* = 1 and V′ = χ_c = a, so ξ_q = ξ_c = −1/ln a > 0
        sigma_w2 = (1 - gap) / SECOND_MOMENT[activation]
        xi = -1 / math.log(sigma_w2 * SECOND_MOMENT[activation])
        assert mf.depth_scales(activation, sigma_w2, 0.1) == pytest.approx((xi, xi), rel=1e-9)
    # beyond the edge q* = ∞ and ξ_q < 0 is the growth length of q, as documented; ξ_c = inf
    sigma_w2 = 1.25 / SECOND_MOMENT[activation]
    assert mf.depth_scales(activation, sigma_w2, 0.1) == (pytest.approx(-1 / math.log(1.25), rel=1e-12), np.inf)


@pytest.mark.parametrize("activation", sorted(HOMOGENEOUS_EDGE))
def test_critical_weight_variance_of_homogeneous_activations_ignores_biases(activation):
    # χ₁ = σ_w²·E[φ′²] at every q: the edge is 1/E[φ′²] at every σ_b², and q* = ∞ there once σ_b² > 0
    at_zero = mf.critical_weight_variance(activation)
    assert at_zero == pytest.approx(HOMOGENEOUS_EDGE[activation], rel=1e-14)
    for bias_variance in (1e-4, 0.01, 0.05, 0.1):
        assert mf.critical_weight_variance(activation, bias_variance) == at_zero
        assert mf.fixed_point(activation, at_zero, bias_variance) == np.inf
    assert mf.jacobian_spectrum_variance("relu", 2.0, 0.1, 7, orthogonal=False) == pytest.approx(14.0, rel=1e-13)


def test_chi1_limits_and_the_missing_factor():
    q = np.array([0.0, 1e-3, 1.0, np.inf])
    np.testing.assert_allclose(mf.chi1("relu", 2.6, q), 1.3, rtol=1e-14)
    np.testing.assert_allclose(mf.chi1("leaky_relu", 2.0, q), 1 + 1e-4, rtol=1e-14)
    assert mf.chi1("tanh", 1.7, 0.0) == pytest.approx(1.7, rel=1e-14)
    assert mf.chi1("tanh", 1.7, np.inf) == 0.0
    assert mf.chi1("elu", 1.7, np.inf) == pytest.approx(0.85, rel=1e-12)
    np.testing.assert_allclose(
        16 * mf.chi1("scaled_sigmoid_grad_missing_x4", 1.5, q[:3]), mf.chi1("scaled_sigmoid", 1.5, q[:3]), rtol=1e-14
    )


def test_correlation_map_of_relu_is_the_arccos_kernel():
    sigma_w2, bias_variance = 1.5, 0.1
    q_star = mf.fixed_point("relu", sigma_w2, bias_variance)
    c = np.array([-0.5, 0.0, 0.3, 0.9, 1.0])
    expected = (sigma_w2 * arccos_kernel(q_star, c) + bias_variance) / q_star
    np.testing.assert_allclose(mf.correlation_map("relu", sigma_w2, bias_variance, q_star, c), expected, rtol=1e-12)


@pytest.mark.parametrize(("activation", "sigma_w2", "bias_variance"), [("tanh", 2.5, 0.05), ("sigmoid", 30.0, 0.3)])
def test_correlation_map_keeps_c_equal_one(activation, sigma_w2, bias_variance):
    q_star = mf.fixed_point(activation, sigma_w2, bias_variance)
    assert mf.correlation_map(activation, sigma_w2, bias_variance, q_star, 1.0) == pytest.approx(1.0, abs=1e-14)


def test_correlation_fixed_point_ordered_and_chaotic():
    # ordered: c* = 1 and χ_c = χ₁ < 1
    assert mf.correlation_fixed_point("tanh", 1.5, 0.05) == 1.0
    assert mf.chi_c("tanh", 1.5, 0.05) == mf.chi1("tanh", 1.5, mf.fixed_point("tanh", 1.5, 0.05)) < 1
    # chaotic: χ₁ > 1, the stable c* < 1 is a fixed point with χ_c < 1, and the trajectory goes there
    q_star = mf.fixed_point("tanh", 2.5, 0.05)
    c_star = mf.correlation_fixed_point("tanh", 2.5, 0.05)
    assert mf.chi1("tanh", 2.5, q_star) > 1 and 0 < c_star < 1
    assert mf.correlation_map("tanh", 2.5, 0.05, q_star, c_star) == pytest.approx(c_star, abs=1e-13)
    assert mf.chi_c("tanh", 2.5, 0.05) < 1
    assert mf.correlation_trajectory("tanh", 2.5, 0.05, 0.6, 250)[-1] == pytest.approx(c_star, abs=1e-8)
    assert mf.correlation_fixed_point("tanh", 3.0, 0.0) == pytest.approx(0.0, abs=1e-12)  # odd φ, σ_b² = 0


def test_depth_scales_closed_forms_and_divergence():
    # relu, σ_b² > 0, σ_w² < 2: V′ = χ₁ = σ_w²/2
    assert mf.depth_scales("relu", 1.5, 0.1) == pytest.approx((-1 / math.log(0.75),) * 2, rel=1e-12)
    assert mf.depth_scales("relu", 2.5, 0.0) == (pytest.approx(-1 / math.log(1.25)), np.inf)  # q* = ∞
    assert mf.depth_scales("relu", 1.0, 0.0) == (pytest.approx(-1 / math.log(0.5)), np.inf)  # q* = 0
    # ξ_q against the iteration: successive differences shrink by V′(q*) = e^{−1/ξ_q}
    xi_q, _ = mf.depth_scales("tanh", 1.5, 0.05)
    q = mf.variance_trajectory("tanh", 1.5, 0.05, 1.0, 30)
    assert (q[25] - q[24]) / (q[24] - q[23]) == pytest.approx(math.exp(-1 / xi_q), rel=1e-5)
    critical = mf.critical_weight_variance("tanh", 0.05)
    for sigma_w2 in (critical * (1 - 1e-5), critical * (1 + 1e-5)):
        assert mf.depth_scales("tanh", sigma_w2, 0.05)[1] > 1e3
    assert mf.depth_scales("tanh", 2 * critical, 0.05)[1] < 20


def test_critical_weight_variance():
    assert mf.critical_weight_variance("relu") == pytest.approx(2.0, abs=1e-12)
    assert mf.critical_weight_variance("linear") == pytest.approx(1.0, abs=1e-12)
    assert mf.critical_weight_variance("tanh") == pytest.approx(1.0, abs=1e-6)
    assert mf.critical_weight_variance("scaled_sigmoid") == pytest.approx(1.0, abs=1e-6)
    sigmoid = mf.critical_weight_variance("sigmoid")
    assert sigmoid > 16  # σ′ ≤ 1/4
    assert mf.chi1("sigmoid", sigmoid, mf.fixed_point("sigmoid", sigmoid, 0.0)) == pytest.approx(1.0, abs=1e-10)
    # the edge of chaos moves up with σ_b² (Poole et al. 2016, Fig. 2): χ₁(q*) = 1 on it
    edges = [mf.critical_weight_variance("tanh", bias_variance) for bias_variance in (0.01, 0.05, 0.1)]
    assert 1 < edges[0] < edges[1] < edges[2] < 2.5
    assert mf.chi1("tanh", edges[1], mf.fixed_point("tanh", edges[1], 0.05)) == pytest.approx(1.0, abs=1e-10)


def test_finite_width_correction_closed_forms():
    n = 50
    chi_square = digamma(n / 2) - math.log(n / 2)
    q = np.array([0.5, 2.0])
    np.testing.assert_allclose(mf.finite_width_log_correction("linear", 1.0, q, n), chi_square, rtol=1e-14)
    np.testing.assert_allclose(mf.finite_width_log_correction("linear", 1.0, q, n, gaussian=False), 0.0, atol=1e-15)
    # relu: φ′² ~ Bernoulli(½), Var/mean² = 1
    relu = mf.finite_width_log_correction("relu", 2.0, q, n)
    np.testing.assert_allclose(relu, chi_square - 3 / (2 * (n + 2)), rtol=1e-13)


def log_norm_ratios(rng, activation, sigma_w2, q, width, samples, orthogonal=False):
    """ln(‖WᵀDy‖²/‖y‖²) of the kernels' recursion: z = W h with the same W, D = diag(φ′(z)), fresh W per sample."""
    prime = ACTIVATIONS[activation].derivative
    h = np.full(width, math.sqrt(q / sigma_w2))  # so that q = σ_w²‖h‖²/N
    out = []
    for _ in range(samples // 2000):
        if orthogonal:
            w = math.sqrt(sigma_w2) * haar_orthogonal(rng, 2000, width)
        else:
            w = rng.standard_normal((2000, width, width)) * math.sqrt(sigma_w2 / width)
        y = rng.standard_normal((2000, width))
        grad = np.einsum("sij,si->sj", w, prime(w @ h) * y)
        out.append(np.log(np.sum(grad**2, axis=1) / np.sum(y**2, axis=1)))
    return np.concatenate(out)


@pytest.mark.parametrize(
    ("activation", "sigma_w2", "q", "width", "orthogonal"),
    [
        ("linear", 1.0, 1.0, 50, False),
        ("relu", 2.0, 1.0, 50, False),
        ("relu", 2.0, 1.0, 50, True),
        ("tanh", 1.5, 0.8, 100, False),
    ],
)
def test_finite_width_correction_matches_monte_carlo(activation, sigma_w2, q, width, orthogonal):
    sample = log_norm_ratios(np.random.default_rng(1), activation, sigma_w2, q, width, 8000, orthogonal)
    band = 4 * sample.std() / math.sqrt(sample.size)
    infinite_width = math.log(mf.chi1(activation, sigma_w2, q))
    delta = mf.finite_width_log_correction(activation, sigma_w2, q, width, gaussian=not orthogonal)
    assert sample.mean() == pytest.approx(infinite_width + delta, abs=band)
    assert abs(sample.mean() - infinite_width) > band


def test_predicted_log_grad_mean_abs_closed_forms():
    width = 100
    start = math.log(math.sqrt(2 / math.pi) / math.sqrt(width))
    np.testing.assert_allclose(mf.predicted_log_grad_mean_abs("linear", 1.0, width, 5), start, rtol=1e-14)
    np.testing.assert_allclose(mf.predicted_log_grad_mean_abs("relu", 2.0, width, 5), start, rtol=1e-14)
    layers = np.arange(1, 6)
    corrected = mf.predicted_log_grad_mean_abs("linear", 1.0, width, 5, finite_width=True)
    np.testing.assert_allclose(corrected, start + layers / 2 * (digamma(width / 2) - math.log(width / 2)), rtol=1e-13)
    scaled = mf.predicted_log_grad_mean_abs("linear", 0.25, width, 5, input_mean_square=3.0)
    np.testing.assert_allclose(scaled, start + layers / 2 * math.log(0.25), rtol=1e-13)
    columns = mf.predicted_log_grad_mean_abs("relu", 2.0, width, 5, first_layer_columns=True)
    np.testing.assert_allclose(columns, start - 0.5 * math.log(2), rtol=1e-13)  # half of Y's columns are 0


def test_predicted_log_grad_mean_abs_without_warnings_at_the_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exploding = mf.predicted_log_grad_mean_abs("relu", 1e6, 100, 200, finite_width=True)
        dead = mf.predicted_log_grad_mean_abs("linear", 0.0, 100, 3)
        saturated = mf.predicted_log_grad_mean_abs("tanh", 1e6, 100, 50, finite_width=True)
    assert np.all(np.isfinite(exploding)) and np.all(np.diff(exploding) > 6)  # ½ ln(5·10⁵) per layer, q = ∞ or not
    assert np.all(dead == -np.inf)
    assert np.all(np.diff(saturated) < 0)


def test_predicted_log_grad_mean_abs_against_the_gradient_flow_recursion():
    """d2l's synthetic_grad in numpy: h₀ = 1, Y₀ = I, z = W h, Y ← Wᵀ diag(φ′(z)) Y, ReLU at σ_w² = 2."""
    rng = np.random.default_rng(2)
    width, depth, seeds = 100, 10, 100
    measured = np.empty((seeds, depth))
    for seed in range(seeds):
        h, y = np.ones(width), np.eye(width)
        for layer in range(depth):
            w = rng.standard_normal((width, width)) * math.sqrt(2.0 / width)
            z = w @ h
            y = (w.T * (z > 0)) @ y
            h = np.maximum(z, 0)
            measured[seed, layer] = np.log(np.mean(np.abs(y)))
    median = np.median(measured, axis=0)
    plain = mf.predicted_log_grad_mean_abs("relu", 2.0, width, depth)
    columns = mf.predicted_log_grad_mean_abs("relu", 2.0, width, depth, first_layer_columns=True)
    top_lyapunov = mf.predicted_log_grad_mean_abs(
        "relu", 2.0, width, depth, finite_width=True, first_layer_columns=True
    )
    assert np.all(np.abs(median - plain) > 0.3)  # the Gaussian-entry assumption misses the zero columns
    # with Y_0 = I and depth ≪ width the measured deficit lies between none and the one-vector rate Δ
    np.testing.assert_array_less(top_lyapunov - 0.03, median)
    np.testing.assert_array_less(median, columns + 0.03)


def test_predicted_forward_std():
    np.testing.assert_allclose(mf.predicted_forward_std("linear", 0.25, 3), [1, 0.5, 0.25, 0.125], rtol=1e-14)
    relu = math.sqrt(2 * (0.5 - 1 / (2 * math.pi)))  # q = 2 at every layer
    np.testing.assert_allclose(mf.predicted_forward_std("relu", 2.0, 3), [1, relu, relu, relu], rtol=1e-13)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isinf(mf.predicted_forward_std("relu", 1e6, 100)[-1])
    # tanh against a wide numpy network: x ← tanh(x·W), population std over units
    rng = np.random.default_rng(3)
    width, seeds = 1000, 10
    stds = np.empty((seeds, 4))
    for seed in range(seeds):
        x = rng.standard_normal(width)
        stds[seed, 0] = x.std()
        for layer in range(1, 4):
            x = np.tanh(x @ (rng.standard_normal((width, width)) * math.sqrt(1.5 / width)))
            stds[seed, layer] = x.std()
    band = 4 * stds.std(axis=0) / math.sqrt(seeds)
    np.testing.assert_array_less(np.abs(stds.mean(axis=0) - mf.predicted_forward_std("tanh", 1.5, 3)), band)


def test_jacobian_spectrum_variance_closed_forms():
    assert mf.jacobian_spectrum_variance("linear", 1.0, 0.0, 7, orthogonal=False) == pytest.approx(7.0, rel=1e-13)
    assert mf.jacobian_spectrum_variance("linear", 1.0, 0.0, 7, orthogonal=True) == pytest.approx(0.0, abs=1e-13)
    assert mf.jacobian_spectrum_variance("relu", 2.0, 0.0, 7, orthogonal=False) == pytest.approx(14.0, rel=1e-13)
    assert mf.jacobian_spectrum_variance("relu", 2.0, 0.0, 7, orthogonal=True) == pytest.approx(7.0, rel=1e-13)


@pytest.mark.parametrize(("activation", "sigma_w2", "orthogonal"), [("linear", 1.0, False), ("relu", 2.0, True)])
def test_jacobian_spectrum_variance_matches_monte_carlo(activation, sigma_w2, orthogonal):
    rng = np.random.default_rng(4)
    width, depth, samples = 200, 4, 20
    prime = ACTIVATIONS[activation].derivative
    variances = []
    for _ in range(samples):
        jacobian, h = np.eye(width), rng.standard_normal(width)
        for _ in range(depth):
            if orthogonal:
                w = math.sqrt(sigma_w2) * haar_orthogonal(rng, 1, width)[0]
            else:
                w = rng.standard_normal((width, width)) * math.sqrt(sigma_w2 / width)
            z = w @ h
            jacobian = (prime(z)[:, None] * w) @ jacobian
            h = ACTIVATIONS[activation].phi(z)
        variances.append(np.linalg.eigvalsh(jacobian @ jacobian.T).var())
    band = 4 * np.std(variances) / math.sqrt(samples)
    theory = mf.jacobian_spectrum_variance(activation, sigma_w2, 0.0, depth, orthogonal)
    assert np.mean(variances) == pytest.approx(theory, abs=band)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_registry_second_moments_are_the_homogeneous_closed_forms(activation):
    """homogeneous_second_moment is E[φ(z)²] = E[φ′(z)²] where φ is positively homogeneous, None elsewhere."""
    entry = ACTIVATIONS[activation]
    moment = entry.homogeneous_second_moment
    assert moment == SECOND_MOMENT.get(activation)
    if moment is None:
        assert mf.homogeneous_slope(activation, 1.7) is None
        return
    for q in (0.01, 1.0, 30.0):  # E[φ(√q z)²] = q·E[φ(z)²]
        assert mf.gaussian_expectation(lambda x: entry.phi(x) ** 2, q) == pytest.approx(q * moment, rel=1e-13)
        assert mf.gaussian_expectation(lambda x: entry.derivative(x) ** 2, q) == pytest.approx(moment, rel=1e-13)
    assert mf.homogeneous_slope(activation, 1.7) == pytest.approx(1.7 * moment, rel=1e-15)


def test_first_layer_column_log_factor_closed_forms():
    # ln(E|φ′|/√E[φ′²]): linear 0; relu ln(½/√½) = −½ ln 2 (half the columns are 0); leaky relu (1+α)/2 over √((1+α²)/2)
    assert mf.first_layer_column_log_factor("linear", 1.3) == pytest.approx(0.0, abs=1e-15)
    for q1 in (1e-3, 1.0, 40.0, np.inf):
        assert mf.first_layer_column_log_factor("relu", q1) == pytest.approx(-0.5 * math.log(2), rel=1e-13)
    expected = math.log((1 + LEAKY_ALPHA) / 2) - 0.5 * math.log((1 + LEAKY_ALPHA**2) / 2)
    assert mf.first_layer_column_log_factor("leaky_relu", 2.0) == pytest.approx(expected, rel=1e-12)
    assert mf.first_layer_column_log_factor("tanh", 2.0) < 0  # Jensen: E|φ′| ≤ √E[φ′²]


def test_critical_weight_variances_keeps_the_activations_with_an_edge():
    found = mf.critical_weight_variances(["relu", "tanh", "linear"])
    assert list(found) == ["relu", "tanh", "linear"]
    assert found["relu"] == pytest.approx(2.0, rel=1e-14) and found["linear"] == pytest.approx(1.0, rel=1e-14)
    assert found["tanh"] == mf.critical_weight_variance("tanh")
