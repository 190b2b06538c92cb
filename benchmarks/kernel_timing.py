"""Time initstab's kernels beside batched matmuls and weight draws of the same shapes, in one TensorFlow process.

Run by run.py once per TF_ENABLE_ONEDNN_OPTS (read at import), configured as a pipeline job (one thread, CPU). A
case {kernel, width, depth, seeds} is a job of the pipeline's combination table (relu, he_normal, gain 1: no
overflow, no subnormals) run by ``kernel_of(kernel)(job, combinations)``. The kernels take no XLA switch: for jit=1
``tf.function`` itself is wrapped to compile while the kernel runs. Each callable is called once to warm up, then
``repeats`` times; the best counts: ``best_s`` the kernel (which traces, and with XLA compiles, on every call);
``baseline_s`` its matvecs (gradient_flow: and matmuls) alone on fixed (seeds, k, k) N(0, 1/k) matrices, the
faster of plain and XLA; ``draw_s`` its weights alone, drawn by ``initstab.tf.stack.draw``. Prints JSON.

    TF_ENABLE_ONEDNN_OPTS=1 python benchmarks/kernel_timing.py --cases '[{"kernel": "forward", ...}]'
"""

import argparse
import functools
import json
import os
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from initstab.tf.runtime import configure_tensorflow  # noqa: E402

configure_tensorflow(1, "cpu")

import tensorflow as tf  # noqa: E402

from initstab.combinations import combination_table  # noqa: E402
from initstab.spec import Job  # noqa: E402
from initstab.tf.jobs import kernel_of  # noqa: E402
from initstab.tf.stack import draw  # noqa: E402

PLAIN_FUNCTION = tf.function


def job_of(case: dict) -> Job:
    """The pipeline's job for one case (one combination: relu, he_normal, gain 1)."""
    section = {key: case[key] for key in ("width", "depth", "seeds")} | {"repeats": 1}
    section["cases"] = [{"activations": ["relu"], "inits": ["he_normal"], "scales": [1.0]}]
    (job,) = combination_table({"seed": 12345, "dtype": "float32", "experiments": {case["kernel"]: section}}).values()
    return job


def best_of(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(seconds of the warm-up call, best seconds of ``repeats`` further calls)."""
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times[0], min(times[1:])


def kernel_call(job: Job, jit: bool) -> Callable[[], object]:
    kernel = kernel_of(job.experiment)

    def call():
        tf.function = functools.partial(PLAIN_FUNCTION, jit_compile=True) if jit else PLAIN_FUNCTION
        try:
            return kernel(job, job.combinations)
        finally:
            tf.function = PLAIN_FUNCTION

    return call


def baseline_call(job: Job, jit: bool) -> Callable[[], object]:
    """The kernel's matvecs (and matmuls) alone, on fixed matrices, ``depth`` times in one compiled loop."""
    k, seeds, matrix = job.width, job.seeds, job.experiment == "gradient_flow"
    a = tf.random.stateless_normal((seeds, k, k), [1, 2]) / k**0.5
    h, y = tf.random.stateless_normal((seeds, k), [1, 3]), tf.eye(k, batch_shape=[seeds])

    @tf.function(jit_compile=jit)
    def run(a, h, y):
        for _ in tf.range(job.depth):
            h, y = tf.linalg.matvec(a, h, transpose_a=not matrix), (a @ y if matrix else y)
        return tf.reduce_sum(h) + tf.reduce_sum(y)

    return lambda: run(a, h, y).numpy()


def draw_call(job: Job, jit: bool) -> Callable[[], object]:
    """``depth`` weight batches of the kernel's shape, init and seeds; each summed so that none is optimized away."""
    combination, shape = job.combinations[0], (job.seeds, job.width, job.width)

    @tf.function(jit_compile=jit)
    def run():
        total = tf.zeros([job.seeds])
        for layer in tf.range(job.depth):
            total += tf.reduce_sum(draw(combination, shape, layer, tf.float32), axis=[1, 2])
        return total

    return lambda: run().numpy()


def measure(case: dict, jits: list[bool], repeats: int) -> list[dict]:
    """One result per XLA setting; the baseline (the faster of plain and XLA) is timed once."""
    job = job_of(case)
    baseline = min(best_of(baseline_call(job, xla), repeats)[1] for xla in (False, True))
    return [
        case
        | {"jit": int(jit), "best_s": best_of(kernel_call(job, jit), repeats)[1], "baseline_s": baseline}
        | {"draw_s": best_of(draw_call(job, jit), 1)[1]}  # a share, not a target: one call after the warm-up
        for jit in jits
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", required=True, help="JSON list of {kernel, width, depth, seeds}")
    parser.add_argument("--jit", default="0,1", help="comma-separated XLA settings to time (0, 1)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    jits = [bool(int(j)) for j in args.jit.split(",")]
    print(json.dumps([result for case in json.loads(args.cases) for result in measure(case, jits, args.repeats)]))


if __name__ == "__main__":
    main()
