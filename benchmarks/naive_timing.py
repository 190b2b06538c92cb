"""Time one call of every printed notebook cell (CELLS) and print JSON records on stdout's last line.

Run by run.py. The notebooks ran with their libraries' defaults, so this process does too (every core, op
determinism off). One trivial TensorFlow op runs first, so the runtime's one-off start is not charged to the first
cell; each cell is then timed once, as a notebook runs it. The loops are tests/oracles/naive.py.

    python benchmarks/naive_timing.py [--quick]      # --quick: the cheapest cell of each notebook only
"""

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from oracles import naive  # noqa: E402


class Cell(NamedTuple):
    """One printed cell: ``samples`` random networks/matrices it realises; ``run(rng)`` does it once."""

    notebook: str
    cell: str
    experiment: str
    samples: int
    run: Callable[[np.random.Generator], object]


SCALES, K, DIM = [0.1, 0.2, 0.4, 0.8], 100, 512
XAVIER = (6.0 / (K + K)) ** 0.5
KAIMING, TORCH_KAIMING, RELU_KAIMING = 1 / math.sqrt(DIM), math.sqrt(6 / DIM), math.sqrt(2 / DIM)  # torch: √2·√(3/n)
relu_slope = lambda x: x > 0  # noqa: E731
sigmoid_slope_002 = lambda x: (1 - naive.sigmoid_002(x)) * naive.sigmoid_002(x)  # noqa: E731
identity = lambda y: y  # noqa: E731


def grad_000(sigma, d_sigma, draws=None):
    weights = [draws] if draws else [naive.get_weight_000(s) for s in SCALES]
    return lambda rng: [naive.synthetic_grad_000(K, sigma, d_sigma, w) for w in weights]


def grad_002(sigma, d_sigma, xavier=False):
    def run(rng):
        xavier_draw = lambda shape: naive.uniform_003(rng, -XAVIER, XAVIER, shape)  # noqa: E731
        weights = [xavier_draw] if xavier else [naive.get_weight_002(rng, s) for s in SCALES]
        return [naive.synthetic_grad_002(K, sigma, d_sigma, w, rng) for w in weights]

    return run


def vanish_003(bound, relu=False, shape=(DIM, DIM)):
    loop = naive.mult_and_relu_003 if relu else naive.multiplications_until_matrix_vanishes_003
    return lambda rng: loop(naive.uniform_003(rng, -bound, bound, shape))


def one_layer_001(draw, scale, phi, num_iter):
    """In[158]–In[163]; ``draw`` times ``scale`` unless it is 1 (the notebook multiplies only then)."""
    scaled = draw if scale == 1 else lambda: draw() * scale
    return lambda rng: naive.one_layer_stats_001(scaled, phi, num_iter)


def deep_linear_001(scale):
    draw = (lambda: tf.random.normal((K, K))) if scale == 1 else lambda: tf.random.normal((K, K)) * scale
    return lambda rng: naive.deep_linear_001(draw, tf.random.normal((1, K)))


normal, uniform = (lambda: tf.random.normal((DIM, DIM))), (lambda: tf.random.uniform((DIM, DIM)))
tf_xavier = lambda shape: tf.random.uniform(minval=-XAVIER, maxval=XAVIER, shape=shape)  # noqa: E731
scaled_sigmoid_002 = lambda x: 4 * naive.sigmoid_002(x) - 2  # noqa: E731
mean_square_003 = lambda coeff, clamp: lambda rng: naive.one_layer_mean_square_003(rng, coeff, clamp)  # noqa: E731
# fmt: off
CELLS = [
    Cell("000", "In[3] prod_rand_matrices ×2", "matrix_product", 2,
         lambda rng: [naive.prod_rand_matrices_000(s, 4) for s in (0.5, 0.7)]),
    Cell("000", "In[5] relu", "gradient_flow", 40, grad_000(tf.nn.relu, relu_slope)),
    Cell("000", "In[6] xavier", "gradient_flow", 10, grad_000(tf.nn.relu, relu_slope, tf_xavier)),
    Cell("000", "In[7] sigmoid", "gradient_flow", 40, grad_000(tf.math.sigmoid, naive.sigmoid_slope_000)),
    Cell("000", "In[8] scaled sigmoid", "gradient_flow", 40,
         grad_000(naive.scaled_sigmoid_000, naive.sigmoid_slope_000)),
    Cell("001", "In[154–155] 100 linear layers", "forward", 1, deep_linear_001(1.0)),
    Cell("001", "In[156] first NaN layer", "forward", 1, lambda rng: naive.first_nan_layer_001()),
    Cell("001", "In[157] 0.05 scale", "forward", 1, deep_linear_001(0.05)),
    Cell("001", "In[158] N(0,1)", "forward", 1000, one_layer_001(normal, 1, identity, 1000)),
    Cell("001", "In[159] N(0,1/512)", "forward", 1000, one_layer_001(normal, KAIMING, identity, 1000)),
    Cell("001", "In[160] tanh", "forward", 1000, one_layer_001(normal, KAIMING, np.tanh, 1000)),
    Cell("001", "In[161] uniform tanh", "forward", 100, one_layer_001(uniform, KAIMING, np.tanh, 100)),
    Cell("001", "In[162] xavier tanh", "forward", 100,
         one_layer_001(lambda: naive.xavier_001(DIM, DIM), 1, np.tanh, 100)),
    Cell("001", "In[163] relu", "forward", 100, one_layer_001(uniform, RELU_KAIMING, tf.nn.relu, 100)),
    Cell("002", "In[4] prod_rand_matrices ×2", "matrix_product", 2,
         lambda rng: [naive.prod_rand_matrices_002(s, 4, rng) for s in (0.5, 0.7)]),
    Cell("002", "In[6] relu", "gradient_flow", 40, grad_002(naive.relu_002, relu_slope)),
    Cell("002", "In[7] xavier", "gradient_flow", 10, grad_002(naive.relu_002, relu_slope, xavier=True)),
    Cell("002", "In[8] sigmoid", "gradient_flow", 40, grad_002(naive.sigmoid_002, sigmoid_slope_002)),
    Cell("002", "In[9] scaled sigmoid", "gradient_flow", 40,
         grad_002(scaled_sigmoid_002, lambda x: 4 * sigmoid_slope_002(x))),
    # nn.Conv2d(1, 1, 5): kaiming_uniform(a=√5) = U(±1/√25)
    Cell("003", "In[143–147] conv 5×5", "repeated_matrix", 1, vanish_003(0.2, shape=(5, 5))),
    Cell("003", "In[148] U(±0.01)", "repeated_matrix", 1, vanish_003(0.01)),
    Cell("003", "In[151] U(±1)/√512", "repeated_matrix", 1, vanish_003(KAIMING)),
    Cell("003", "In[153] kaiming_uniform_", "repeated_matrix", 1, vanish_003(TORCH_KAIMING)),
    Cell("003", "In[155] relu U(±0.01)", "repeated_matrix", 1, vanish_003(0.01, relu=True)),
    Cell("003", "In[156] relu U(±1)/√512", "repeated_matrix", 1, vanish_003(KAIMING, relu=True)),
    Cell("003", "In[157] relu kaiming_uniform_", "repeated_matrix", 1, vanish_003(TORCH_KAIMING, relu=True)),
    Cell("003", "In[158] relu U(±1)·√(2/512)", "repeated_matrix", 1, vanish_003(RELU_KAIMING, relu=True)),
    Cell("003", "In[159] N(0,1)", "forward", 100, mean_square_003(1.0, False)),
    Cell("003", "In[160] N(0,1/512)", "forward", 100, mean_square_003(KAIMING, False)),
    Cell("003", "In[161] relu N(0,2/512)", "forward", 100, mean_square_003(RELU_KAIMING, True)),
    Cell("004", "sigmoid gradient", "activations", 0, lambda rng: naive.sigmoid_gradient_004()),
    Cell("004", "100 products", "matrix_product", 1, lambda rng: naive.hundred_products_004()),
]
QUICK_CELLS = {("000", "In[3] prod_rand_matrices ×2"), ("001", "In[156] first NaN layer"),
               ("002", "In[4] prod_rand_matrices ×2"), ("003", "In[143–147] conv 5×5"), ("004", "100 products")}
# fmt: on


def time_cell(cell: Cell, rng: np.random.Generator) -> dict:
    start = time.perf_counter()
    with np.errstate(all="ignore"):  # overflow in exp and inf − inf are part of the notebooks' results
        cell.run(rng)
    return dict(zip(Cell._fields[:4], cell[:4], strict=True)) | {"seconds": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    tf.matmul(tf.ones((2, 2)), tf.ones((2, 2))).numpy()
    rng = np.random.default_rng(0)
    print(json.dumps([time_cell(c, rng) for c in CELLS if not quick or (c.notebook, c.cell) in QUICK_CELLS]))


if __name__ == "__main__":
    main()
