"""Time initstab's kernels beside batched matmuls and weight draws of the same shapes, in one TensorFlow process.

Run as a subprocess by run.py, once per TF_ENABLE_ONEDNN_OPTS setting (an environment variable TensorFlow reads
once, at import), timing every case with jit_compile=False and =True (jit=True is skipped, and ``jit_supported``
false, where the kernels take no ``jit_compile`` keyword yet). TensorFlow is configured as a pipeline job is
(``configure_tensorflow(1, "cpu")``: one thread, deterministic ops).

For each case (kernel, width, depth, seeds), each timed callable is called once to warm up (tracing, XLA
compilation) and then ``repeats`` times (the draws once); the best is reported, and the kernel's warm-up call
as ``first_s`` (the kernels build their ``tf.function`` per call, so every call traces again):
- ``kernel``: ``kernels.<kernel>(...)`` with ``jit_compile``;
- ``baseline``: the kernel's matmul work alone, ``depth`` steps of ``tf.linalg.matvec`` (and, for
  gradient_flow, ``tf.linalg.matmul``) on fixed (seeds, k, k) N(0, 1/k) matrices (spectral radius ≈ 1, so values
  neither overflow nor turn subnormal), as a plain ``tf.function`` and with XLA; the faster is the machine's
  matmul throughput for these shapes;
- ``draw``: ``depth`` draws of the kernel's (seeds, k, k) normals alone (``tf.random.stateless_normal`` times the
  init's std), compiled as the kernel is; each draw is summed so that no optimizer drops it.
Seeds are passed as tensors, so nothing is constant-folded. Prints one JSON object on stdout's last line.

    TF_ENABLE_ONEDNN_OPTS=1 python benchmarks/kernel_timing.py --jit 0,1 --cases '[{"kernel": "forward", ...}]'
"""

import argparse
import inspect
import json
import os
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from initstab.runtime import configure_tensorflow  # noqa: E402

configure_tensorflow(1, "cpu")

import tensorflow as tf  # noqa: E402

from initstab import kernels  # noqa: E402

# A numerically steady case per kernel (no overflow, no subnormals, which would time the FPU's slow paths).
SETTINGS = {
    "gradient_flow": {"activation": "relu", "init": "he_normal", "scale": 1.0},
    "forward": {"activation": "relu", "init": "he_normal", "scale": 1.0},
    "matrix_product": {"init": "normal", "scale": 0.5},
}
INIT_STD = {"he_normal": lambda k, scale: scale * (2.0 / k) ** 0.5, "normal": lambda k, scale: scale}


def best_of(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(seconds of the first call, best seconds of ``repeats`` further calls)."""
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times[0], min(times[1:])


def supports_jit(kernel: str) -> bool:
    return "jit_compile" in inspect.signature(getattr(kernels, kernel)).parameters


def kernel_call(case: dict, jit: bool) -> Callable[[], object]:
    settings = SETTINGS[case["kernel"]]
    args = [*settings.values(), case["width"], case["depth"], case["seeds"], "float32", 12345]
    options = {"jit_compile": jit} if supports_jit(case["kernel"]) else {}
    return lambda: getattr(kernels, case["kernel"])(*args, **options)


def baseline_call(case: dict, jit: bool) -> Callable[[], object]:
    """The kernel's matvecs/matmuls alone, on fixed matrices, ``depth`` times in one compiled loop."""
    k, depth, seeds = case["width"], case["depth"], case["seeds"]
    a = tf.random.stateless_normal((seeds, k, k), [1, 2]) / k**0.5
    h = tf.random.stateless_normal((seeds, k), [1, 3])
    y = tf.eye(k, batch_shape=[seeds])
    kernel = case["kernel"]

    @tf.function(jit_compile=jit)
    def run(a, h, y):
        for _ in tf.range(depth):
            if kernel == "gradient_flow":
                h, y = tf.linalg.matvec(a, h), a @ y
            elif kernel == "forward":
                h = tf.linalg.matvec(a, h, transpose_a=True)
            else:
                y = a @ y
        return tf.reduce_sum(h) + tf.reduce_sum(y)

    return lambda: run(a, h, y).numpy()


def draw_call(case: dict, jit: bool) -> Callable[[], object]:
    """``depth`` weight batches of the kernel's shape and std, drawn as the kernel draws them."""
    k, depth, seeds = case["width"], case["depth"], case["seeds"]
    settings = SETTINGS[case["kernel"]]
    std = INIT_STD[settings["init"]](k, settings["scale"])

    @tf.function(jit_compile=jit)
    def run(seed):
        total = tf.zeros([seeds])
        for layer in tf.range(depth):
            w = std * tf.random.stateless_normal((seeds, k, k), tf.stack([seed, tf.cast(layer, tf.int64)]))
            total += tf.reduce_sum(w, axis=[1, 2])
        return total

    return lambda: run(tf.constant(12345, tf.int64)).numpy()


def measure(case: dict, jit: bool, repeats: int) -> dict:
    first, best = best_of(kernel_call(case, jit), repeats)
    plain = best_of(baseline_call(case, False), repeats)[1]
    xla = best_of(baseline_call(case, True), repeats)[1]
    draw = best_of(draw_call(case, jit), 1)[1]  # a share, not a target: one call after the warm-up
    return case | {"first_s": first, "best_s": best, "baseline_plain_s": plain, "baseline_xla_s": xla, "draw_s": draw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jit", default="0,1", help="comma-separated jit_compile settings to time (0, 1)")
    parser.add_argument("--cases", required=True, help="JSON list of {kernel, width, depth, seeds}")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cases = json.loads(args.cases)
    supported = all(supports_jit(c["kernel"]) for c in cases)
    settings = [bool(int(j)) for j in args.jit.split(",") if supported or not int(j)]
    results = [measure(case, jit, args.repeats) | {"jit": int(jit)} for jit in settings for case in cases]
    print(json.dumps({"jit_supported": supported, "results": results}))


if __name__ == "__main__":
    main()
