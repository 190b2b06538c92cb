"""Kernel of the trainability experiment: train every (σ_w², σ_b², seed) net of one depth in one loop."""

from initstab.tf.training import evaluation, train_by_regime


def trainability(job, combinations):
    """Per combination (C, seeds, recorded steps) train and test loss and accuracy after the recorded steps."""
    return train_by_regime(job, combinations, evaluation)
