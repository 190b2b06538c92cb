"""The phase_diagram kernel (per-layer gradient growth) against the exact linear law and the edge of chaos."""

import math

import pytest


def test_gradient_growth_of_a_linear_net_is_the_exact_log_chi_square_mean(tf, make_job):
    """u ← W·u, W ~ N(0, s²/N): ln(‖u_l‖²/‖u_{l−1}‖²) = ln s² + ln(χ²_N/N), whose mean is ln s² + ψ(N/2) − ln(N/2)."""
    from scipy.special import digamma

    from initstab.tf.phase_diagram import phase_diagram

    width, scale = 20, 1.3
    job = make_job(
        "phase_diagram", "linear", [("lecun_normal", scale)], width=width, depth=50, seeds=64, dtype="float64"
    )
    growth = phase_diagram(job, job.combinations)["log_grad_growth"][0].ravel()
    expected = math.log(scale**2) + digamma(width / 2) - math.log(width / 2)
    assert abs(growth.mean() - expected) < 4 * growth.std() / math.sqrt(growth.size)
    assert abs(growth.mean() - math.log(scale**2)) > 8 * growth.std() / math.sqrt(growth.size)  # Δ is resolved


def test_edge_of_chaos_init_keeps_gradients_steady(tf, make_job):
    """At σ_w² = σ²_w,crit(tanh, σ_b² = 0.05), χ₁(q*) = 1: the measured per-layer log growth is ~0 (up to the
    finite-width deficit of order 1/N), while 1.5× the variance grows at ln χ₁(q*) > 0."""
    from initstab.tf.phase_diagram import phase_diagram
    from initstab.theory import meanfield

    job = make_job(
        "phase_diagram",
        "tanh",
        [("critical", 1.0, 0.05), ("critical", math.sqrt(1.5), 0.05)],
        width=100,
        depth=30,
        seeds=16,
        dtype="float64",
    )
    out = phase_diagram(job, job.combinations)["log_grad_growth"]
    assert abs(out[0, :, 10:].mean()) < 0.03
    variance = 1.5 * meanfield.critical_weight_variance("tanh", 0.05)
    q_star = meanfield.fixed_point("tanh", variance, 0.05)
    assert job.combinations[1].input_variance == pytest.approx(q_star, rel=1e-9)  # the inputs start at the fixed point
    log_chi = math.log(meanfield.chi1("tanh", variance, q_star))
    assert log_chi > 0.1 and abs(out[1, :, 10:].mean() - log_chi) < 0.03
