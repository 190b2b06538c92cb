"""The digits the training experiments learn: read from scikit-learn's installed package, split and standardized."""

import builtins

import numpy as np
import pytest

from initstab import data


def test_digits_are_split_by_a_fixed_seed_and_standardized_on_the_training_set():
    digits = data.load_digits()
    # 1,797 images, a fifth (359.4, rounded) held out
    assert digits.x_train.shape == (1438, 64) and digits.x_test.shape == (359, 64)
    assert set(digits.y_train) == set(digits.y_test) == set(range(data.CLASSES))
    varying = digits.x_train.std(axis=0) > 0  # the pixels that are not constant in the training set
    np.testing.assert_allclose(digits.x_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(digits.x_train.std(axis=0)[varying], 1.0, rtol=1e-12)
    assert (digits.x_train[:, ~varying] == 0).all()
    again = data.load_digits()
    np.testing.assert_array_equal(again.x_test, digits.x_test)  # the same split every time
    np.testing.assert_array_equal(again.y_train, digits.y_train)


def test_a_missing_scikit_learn_names_the_package_and_its_file(monkeypatch):
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(RuntimeError, match=r"scikit-learn \(sklearn/datasets/data/digits.csv.gz\)"):
        data.load_digits()
