"""The training-regime registry: how the experiments that train a network update it, without TensorFlow.

A regime changes one thing against full-batch training: the batch, an L2 penalty or dropout. The optimizer, its
learning rate, the step budget, the batch size and the penalty's λ are the experiment section's ``training``
settings, the same for every regime of a job. Regimes of one init start from the same weights (the regime is
not part of a combination's seed), so two regimes differ only in what the regime changes.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Regime:
    display: str
    color: str
    minibatch: bool = False  # each step sees `batch_size` examples drawn anew (else the whole training set)
    weight_decay: bool = False  # the loss adds (λ/2)·Σ‖W‖² over the weight matrices (λ: training.weight_decay)
    dropout: float = 0.0  # inverted dropout on every hidden unit, this probability of dropping it


REGIMES: dict[str, Regime] = {
    "full_batch": Regime("full batch", "#0077BB"),
    "minibatch": Regime("minibatch", "#EE7733", minibatch=True),
    "weight_decay": Regime("full batch + L2", "#009988", weight_decay=True),
    "dropout_0.1": Regime("full batch + dropout 0.1", "#CC3311", dropout=0.1),
    "dropout_0.5": Regime("full batch + dropout 0.5", "#AA3377", dropout=0.5),
}
NO_REGIME = "none"  # the regime of the experiments that train nothing
