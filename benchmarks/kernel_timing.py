"""Time initstab's kernels beside the batched matmuls and random draws of the same shapes, in one TensorFlow process.

Run by run.py, configured as a pipeline job (one thread, CPU, oneDNN as TensorFlow defaults, no XLA). A case
{kernel, width, depth, seeds, combinations} is a job of the pipeline's combination table (relu, ``combinations``
He-normal gains 1, 1.1, …: one family, no overflow; the kernels whose inputs sit at the fixed point q*: tanh,
LeCun normal, σ_b² = 0.05, where q* exists) run by ``kernel_of(kernel)(job, combinations)``. Each callable is
called once to warm up (tracing), then ``repeats`` times; the best counts: ``best_s`` the kernel; ``twin_s`` the same
job at depth 1 (start-up, first layer, tables), so ``best_s − twin_s`` is what depth − 1 layers cost;
``baseline_s`` those layers' matmuls (gradient_flow: (seeds, k, k) @ (seeds, k, k) per combination, as the kernel
batches them) or matvecs (forward: one per layer; depth_scale, phase_diagram: two) alone on fixed matrices;
``draw_s`` their base draws alone (one a layer: the combinations share it). Prints JSON.

    python benchmarks/kernel_timing.py --cases '[{"kernel": "forward", "width": 256, "depth": 50, ...}]'
"""

import argparse
import dataclasses
import json
import os
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from initstab.tf.runtime import configure_tensorflow  # noqa: E402

configure_tensorflow(1, "cpu")

import tensorflow as tf  # noqa: E402

from initstab.combinations import call_seeds, combination_table  # noqa: E402
from initstab.experiments import EXPERIMENTS  # noqa: E402
from initstab.spec import Job  # noqa: E402
from initstab.tf.jobs import kernel_of  # noqa: E402
from initstab.tf.stack import Stack  # noqa: E402

MATVECS = {"forward": 1, "depth_scale": 2, "phase_diagram": 2}  # per layer and combination (two inputs; u and h)
AT_FIXED_POINT = {"activations": ["tanh"], "inits": ["lecun_normal"], "bias_variances": [0.05]}


def job_of(case: dict) -> Job:
    """The pipeline's job for one case: relu, He normal (tanh, LeCun normal, σ_b² = 0.05 where inputs sit at q*) at
    ``combinations`` gains."""
    section = {key: case[key] for key in ("width", "depth", "seeds")} | {"repeats": 1, "input_correlation": 0.0}
    scales = [1.0 + 0.1 * i for i in range(case.get("combinations", 1))]
    fixed_point = EXPERIMENTS[case["kernel"]].fixed_point
    section["cases"] = [
        {"activations": ["relu"], "inits": ["he_normal"], "scales": scales} | (AT_FIXED_POINT if fixed_point else {})
    ]
    config = {"seed": 12345, "dtype": "float32", "experiments": {case["kernel"]: section}}
    (job,) = combination_table(config | {"experiments": {case["kernel"]: section}}).values()
    return dataclasses.replace(job, seeds=case["seeds"], first_seed=0)  # one job, whatever its estimated time


def best_of(call: Callable[[], object], repeats: int) -> float:
    """Best seconds of ``repeats`` calls after one warm-up call."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline_call(job: Job) -> Callable[[], object]:
    """The kernel's matmuls (matvecs) alone: depth − 1 layers of every combination, in calls of the kernel's seeds."""
    k, seeds, matrix = job.width, call_seeds(job), job.experiment == "gradient_flow"
    a = tf.random.stateless_normal((seeds, k, k), [1, 2]) / k**0.5
    y = tf.eye(k, batch_shape=[seeds]) if matrix else tf.random.stateless_normal((seeds, k), [1, 3])
    calls = len(job.combinations) * -(-job.seeds // seeds)

    @tf.function
    def run(a, y):
        total = tf.zeros(())
        for _ in tf.range(calls):
            state = y
            for _ in tf.range(job.depth - 1):
                if matrix:
                    state = a @ state
                for _ in range(0 if matrix else MATVECS[job.experiment]):
                    state = tf.linalg.matvec(a, state)
            total += tf.reduce_sum(state)
        return total

    return lambda: run(a, y).numpy()


def draw_call(job: Job) -> Callable[[], object]:
    """depth − 1 layers of the job's base draws, as its kernel draws them (``Stack.draw``), summed."""
    stack = Stack(job, job.combinations)
    calls = -(-job.seeds // stack.seeds)

    @tf.function
    def run():
        total = tf.zeros((), tf.float32)
        for layer in tf.range(job.depth - 1):
            for base in stack.draw(layer).values():
                total += tf.reduce_sum(base)
        return total

    return lambda: [run().numpy() for _ in range(calls)]


def measure(case: dict, repeats: int) -> dict:
    job = job_of(case)
    kernel = kernel_of(job.experiment)
    twin = dataclasses.replace(job, depth=1)
    return case | {
        "best_s": best_of(lambda: kernel(job, job.combinations), repeats),
        "twin_s": best_of(lambda: kernel(twin, twin.combinations), repeats),
        "baseline_s": best_of(baseline_call(job), repeats),
        "draw_s": best_of(draw_call(job), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", required=True, help="JSON list of {kernel, width, depth, seeds, combinations}")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps([measure(case, args.repeats) for case in json.loads(args.cases)]))


if __name__ == "__main__":
    main()
