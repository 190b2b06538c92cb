"""Time ``kernels.gradient_flow`` over a grid of (width, depth, seeds) points; print JSON on stdout's last line.

Run as a subprocess by run.py, configured as a pipeline job (one thread, CPU, ``jit_compile=False``, the
pipeline's default). One small call first loads TensorFlow's kernels; each point is then timed once (a call
includes the kernel's own tracing, a constant that shows at the smallest sizes). The caller picks ``seeds`` per
point so that each takes at most ~10 s.

    python benchmarks/work_scaling.py --points '[{"width": 100, "depth": 4, "seeds": 50}, ...]'
"""

import argparse
import inspect
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from initstab.runtime import configure_tensorflow  # noqa: E402

configure_tensorflow(1, "cpu")

from initstab import kernels  # noqa: E402

CASE = ("relu", "he_normal", 1.0)  # steady: no overflow, no subnormals
OPTIONS = {"jit_compile": False} if "jit_compile" in inspect.signature(kernels.gradient_flow).parameters else {}


def seconds(width: int, depth: int, seeds: int) -> float:
    start = time.perf_counter()
    kernels.gradient_flow(*CASE, width, depth, seeds, "float32", 12345, **OPTIONS)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", required=True, help="JSON list of {width, depth, seeds}")
    points = json.loads(parser.parse_args().points)
    seconds(8, 2, 2)
    print(json.dumps([p | {"seconds": seconds(p["width"], p["depth"], p["seeds"])} for p in points]))


if __name__ == "__main__":
    main()
