"""The depth_scale kernel: two inputs through the same network."""

import numpy as np


def test_orthogonal_linear_layers_keep_the_input_correlation(tf, make_job):
    """Orthogonal W preserves inner products and norms (Wa·Wb = a·b), so c_l = c_0 at every layer."""
    from initstab.tf.depth_scale import depth_scale

    job = make_job(
        "depth_scale",
        "linear",
        [("orthogonal", 1.0)],
        width=16,
        depth=5,
        seeds=3,
        dtype="float64",
        input_correlation=0.3,
    )
    correlation = depth_scale(job, job.combinations)["correlation"][0]
    assert correlation.shape == (3, 6)
    np.testing.assert_allclose(correlation, correlation[:, :1] * np.ones((1, 6)), rtol=1e-10)  # Wa·Wb = a·b
