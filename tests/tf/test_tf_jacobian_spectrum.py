"""The jacobian_spectrum kernel: orthogonal linear layers are an isometry, Gaussian ones spread linearly in depth."""

import numpy as np


def test_orthogonal_linear_layers_are_an_isometry(tf, make_job):
    from initstab.tf.jacobian_spectrum import jacobian_spectrum

    job = make_job("jacobian_spectrum", "linear", [("orthogonal", 1.0)], width=16, depth=8, seeds=4, dtype="float64")
    out = jacobian_spectrum(job, job.combinations)
    np.testing.assert_allclose(out["sv_max"], 1.0, rtol=1e-10)
    np.testing.assert_allclose(out["sv_min"], 1.0, rtol=1e-10)
    np.testing.assert_allclose(out["jjt_var"], 0.0, atol=1e-10)


def test_gaussian_linear_jacobian_spectrum_spreads_linearly_with_depth(tf, make_job):
    """Products of L Gaussian N×N matrices with variance 1/N: the eigenvalues of JJᵀ have mean 1 and variance L
    (free multiplicative convolution of L Marchenko–Pastur laws), up to O(L²/N)."""
    from initstab.experiments.jacobian_spectrum import checkpoints
    from initstab.tf.jacobian_spectrum import jacobian_spectrum

    job = make_job("jacobian_spectrum", "linear", [("lecun_normal", 1.0)], width=300, depth=4, seeds=8, dtype="float64")
    out = jacobian_spectrum(job, job.combinations)
    assert checkpoints(4) == [1, 2, 4]
    assert out["jjt_mean"].shape == (1, 8, 3)
    np.testing.assert_allclose(out["jjt_mean"][0].mean(axis=0), [1, 1, 1], rtol=0.05)
    np.testing.assert_allclose(out["jjt_var"][0].mean(axis=0), [1, 2, 4], rtol=0.15)
