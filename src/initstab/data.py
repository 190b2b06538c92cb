"""The data set the training experiments learn: scikit-learn's bundled digits, read from the installed package.

1,797 8×8 grey-level images of the digits 0–9 (sklearn/datasets/data/digits.csv.gz; no download). A fixed,
seeded split holds out a fifth for testing; features are standardized with the training set's mean and std (a
pixel that is constant in the training set stays 0).
"""

from dataclasses import dataclass

import numpy as np

TEST_FRACTION = 0.2
SPLIT_SEED = 0  # the split is part of the experiment's definition, not of any job's seed
CLASSES = 10
TRAIN_FEATURES = 64  # 8×8 pixels
TRAIN_EXAMPLES = 1438  # 1,797 − round(0.2·1,797) held out (memory and cost estimates)


@dataclass(frozen=True)
class Digits:
    x_train: np.ndarray  # (n_train, 64) float64, standardized
    y_train: np.ndarray  # (n_train,) int32 labels 0..9
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits() -> Digits:
    """The standardized digits, split 80/20 by ``SPLIT_SEED``; RuntimeError naming package and file if unreadable."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits

        x, y = sklearn_digits(return_X_y=True)
    except (ImportError, OSError) as error:
        raise RuntimeError(
            "cannot load the digits data set: it ships inside scikit-learn (sklearn/datasets/data/digits.csv.gz) "
            f"and is never downloaded; install scikit-learn (pip install scikit-learn) ({error})"
        ) from error
    order = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    n_test = round(TEST_FRACTION * len(y))
    test, train = order[:n_test], order[n_test:]
    mean, std = x[train].mean(axis=0), x[train].std(axis=0)
    std = np.where(std > 0, std, 1.0)

    def standardized(rows):
        return (x[rows] - mean) / std

    return Digits(standardized(train), y[train].astype(np.int32), standardized(test), y[test].astype(np.int32))
