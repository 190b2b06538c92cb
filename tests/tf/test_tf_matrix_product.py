"""The matrix_product kernel against the Lyapunov exponent of Gaussian products and its own first draw."""

import math

import numpy as np
import pytest


def matrix_product(one_combination, *args, **kwargs):
    """(job, {metric: (seeds, depth)}) of one linear combination."""
    return one_combination("matrix_product", "linear", *args, **kwargs)


@pytest.mark.parametrize(("scale", "width"), [(1.0, 4), (0.5, 4), (0.3, 8)])
def test_matrix_product_entries_grow_at_the_lyapunov_rate(tf, one_combination, scale, width):
    from initstab.theory.products import lyapunov_exponent

    _, out = matrix_product(one_combination, "normal", scale, width, 80, 400, "float64", seed=11)
    median = np.median(out["log10_abs_entry_median"], axis=0)
    slope = (median[79] - median[19]) / 60
    assert slope == pytest.approx(lyapunov_exponent(scale, width) / math.log(10), abs=0.01)


def test_matrix_product_first_factor_is_the_drawn_matrix(tf, one_combination, drawn_weights):
    job, out = matrix_product(one_combination, "normal", 0.7, 4, 3, 5, "float32", seed=5)
    w = drawn_weights(job, job.combinations[0], 0)
    np.testing.assert_array_equal(out["max_abs_entry"][:, 0], np.abs(w).reshape(5, -1).max(axis=1))


def test_median_last_axis_averages_the_middle_pair(tf):
    from initstab.tf.matrix_product import median_last_axis

    values = np.array([[3.0, 1.0, 2.0, 10.0], [5.0, -1.0, 0.0, 7.0]])
    np.testing.assert_array_equal(median_last_axis(tf.constant(values)).numpy(), np.median(values, axis=-1))
    np.testing.assert_array_equal(median_last_axis(tf.constant(values[:, :3])).numpy(), np.median(values[:, :3], -1))
