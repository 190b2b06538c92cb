import pytest


@pytest.fixture(scope="session")
def make_job():
    """A factory of ``spec.Job``s for driving kernels directly.

    ``make_job(experiment, activation, combinations, width=, depth=, seeds=, dtype=, global_seed=0, first_seed=0,
    **options)`` where each combination is ``(init, scale)`` or ``(init, scale, σ_b²)``. Its derived numbers (σ_w², the
    init and gain that draw it, q* where the experiment starts at the fixed point) come from ``combinations.derived``,
    as the combination table computes them; its random numbers from the job's global seed (``global_seed``: another
    job draws other numbers). Options are the experiment's Job fields (repeats, input_correlation, …).
    """
    from initstab.combinations import combination_name, derived
    from initstab.experiments import EXPERIMENTS
    from initstab.initializers import INITIALIZERS
    from initstab.spec import Combination, Job

    def make(
        experiment, activation, combinations, *, width, depth, seeds, dtype, global_seed=0, first_seed=0, **options
    ) -> Job:
        fixed_point = EXPERIMENTS[experiment].fixed_point
        members = []
        for init, scale, *bias in combinations:
            bias_variance = float(bias[0]) if bias else 0.0
            members.append(
                Combination(
                    activation=activation,
                    init=init,
                    scale=float(scale),
                    bias_variance=bias_variance,
                    name=combination_name(activation, init, float(scale), width, depth, dtype, bias_variance),
                    lsuv=INITIALIZERS[init].lsuv if init in INITIALIZERS else False,
                    **derived(activation, init, float(scale), width, bias_variance, fixed_point),
                )
            )
        return Job(
            experiment=experiment,
            name=f"w{width}__d{depth}__{dtype}__s{first_seed}-{first_seed + seeds - 1}",
            global_seed=global_seed,
            width=width,
            depth=depth,
            seeds=seeds,
            dtype=dtype,
            combinations=tuple(members),
            first_seed=first_seed,
            **options,
        )

    return make


@pytest.fixture
def one_combination(tf, make_job):
    """``one_combination(experiment, activation, init, scale, width, depth, seeds, dtype, seed, bias_variance=0.0,
    **options)``: the job of that one combination (global seed ``seed``) and its kernel's {metric: (seeds, …)}."""
    from initstab.tf.jobs import kernel_of

    def run(experiment, activation, init, scale, width, depth, seeds, dtype, seed, bias_variance=0.0, **options):
        sizes = dict(width=width, depth=depth, seeds=seeds, dtype=dtype, global_seed=seed)
        job = make_job(experiment, activation, [(init, scale, bias_variance)], **sizes, **options)
        return job, {name: values[0] for name, values in kernel_of(experiment)(job, job.combinations).items()}

    return run


@pytest.fixture(scope="session")
def drawn_weights(tf):
    """``drawn_weights(job, combination, layer)``: the (seeds, width, width) numpy weights W = g·Z a kernel of ``job``
    uses for ``combination`` at ``layer`` (before LSUV's rescaling), drawn again from the streams."""
    from initstab.tf.stack import Bases, base_name, gain

    def drawn(job, combination, layer):
        base = base_name(combination)
        shape = (job.width, job.width)
        z = Bases(job, {base}, shape, max(job.depth, 1)).draw(tf.constant(layer))[base]
        return gain(combination, *shape) * z.numpy()

    return drawn
