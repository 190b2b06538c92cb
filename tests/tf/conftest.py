import pytest


@pytest.fixture(scope="session")
def make_job():
    """A factory of ``spec.Job``s with explicit combination seeds, for driving kernels directly.

    ``make_job(experiment, activation, combinations, width=, depth=, seeds=, dtype=, **options)`` where each
    combination is ``(init, scale, seed)`` or ``(init, scale, seed, σ_b²)``. Its derived numbers (σ_w², the init
    and gain that draw it, q* where the experiment starts at the fixed point) come from
    ``combinations.derived``, as the combination table computes them; only the seed is chosen by the test, so its
    weights can be redrawn independently. Options are the experiment's Job fields (repeats, input_correlation, …).
    """
    from initstab.combinations import derived
    from initstab.experiments import EXPERIMENTS
    from initstab.initializers import INITIALIZERS
    from initstab.spec import Combination, Job

    def make(experiment, activation, combinations, *, width, depth, seeds, dtype, **options) -> Job:
        fixed_point = EXPERIMENTS[experiment].fixed_point
        members = []
        for init, scale, seed, *bias in combinations:
            bias_variance = float(bias[0]) if bias else 0.0
            members.append(
                Combination(
                    activation=activation,
                    init=init,
                    scale=float(scale),
                    bias_variance=bias_variance,
                    name=f"{activation}__{init}__s{float(scale)!r}__b{bias_variance!r}__seed{seed}",
                    seed=seed,
                    lsuv=INITIALIZERS[init].lsuv if init in INITIALIZERS else False,
                    **derived(activation, init, float(scale), width, bias_variance, fixed_point),
                )
            )
        return Job(
            experiment=experiment,
            name=f"{activation}__w{width}__d{depth}__{dtype}__n{seeds}",
            activation=activation,
            width=width,
            depth=depth,
            seeds=seeds,
            dtype=dtype,
            combinations=tuple(members),
            **options,
        )

    return make
