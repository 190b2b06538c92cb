"""Time one call of every printed notebook cell (CELLS) and print JSON records on stdout's last line.

Run as a subprocess by run.py (TensorFlow must not load in the plotting process). The notebooks ran with their
libraries' defaults, so this process does too: TensorFlow and numpy use every core and TensorFlow's op
determinism stays off. One trivial TensorFlow op runs first, so the runtime's one-off start (~0.1 s) is not
charged to the first cell; each cell is then timed once, as a notebook runs it once.

    python benchmarks/naive_timing.py [--quick]

``--quick`` runs only the cheapest cell of each notebook (for smoke tests of the harness).
"""

import argparse
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import naive  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

# Every printed cell, with the notebook's own arguments.


@dataclass(frozen=True)
class Cell:
    """One printed cell: ``samples`` random networks/matrices it realises, ``run`` does it once."""

    notebook: str
    cell: str
    experiment: str
    samples: int
    run: Callable[[np.random.Generator], object]


SCALES = [0.1, 0.2, 0.4, 0.8]
K = 100
XAVIER_SCALE = (6.0 / (K + K)) ** 0.5
DIM = 512


def _grad_000(sigma, d_sigma, scales=SCALES):
    return lambda rng: [naive.synthetic_grad_000(K, sigma, d_sigma, naive.get_weight_000(s)) for s in scales]


def _xavier_000(rng):
    xavier = lambda shape: tf.random.uniform(minval=-XAVIER_SCALE, maxval=XAVIER_SCALE, shape=shape)  # noqa: E731
    return naive.synthetic_grad_000(K, tf.nn.relu, lambda x: x > 0, xavier)


def _grad_002(sigma, d_sigma):
    return lambda rng: [naive.synthetic_grad_002(K, sigma, d_sigma, naive.get_weight_002(rng, s), rng) for s in SCALES]


def _xavier_002(rng):
    xavier = lambda shape: naive.uniform_003(rng, -XAVIER_SCALE, XAVIER_SCALE, shape)  # noqa: E731
    return naive.synthetic_grad_002(K, naive.relu_002, lambda x: x > 0, xavier, rng)


def _vanish_003(rng, low, high, relu=False):
    loop = naive.mult_and_relu_003 if relu else naive.multiplications_until_matrix_vanishes_003
    return loop(naive.uniform_003(rng, low, high, (DIM, DIM)))


def _conv_003(rng):
    weight = naive.uniform_003(rng, -0.2, 0.2, (1, 1, 5, 5))  # nn.Conv2d(1, 1, 5): kaiming_uniform(a=√5) = U(±1/√25)
    return naive.multiplications_until_matrix_vanishes_003(weight[0, 0])


def _one_layer_001(draw, phi, num_iter):
    return lambda rng: naive.one_layer_stats_001(draw, phi, num_iter)


_normal_512 = lambda: tf.random.normal((DIM, DIM), mean=0, stddev=1)  # noqa: E731
_identity = lambda y: y  # noqa: E731
KAIMING = 1 / math.sqrt(DIM)
TORCH_KAIMING = math.sqrt(6 / DIM)  # init.kaiming_uniform_ defaults: gain √2, bound gain·√(3/fan_in)
RELU_KAIMING = math.sqrt(2 / DIM)

CELLS: list[Cell] = [
    Cell(
        "000",
        "In[3] prod_rand_matrices ×2",
        "matrix_product",
        2,
        lambda rng: [naive.prod_rand_matrices_000(s, 4) for s in (0.5, 0.7)],
    ),
    Cell("000", "In[5] relu", "gradient_flow", 40, _grad_000(tf.nn.relu, lambda x: x > 0)),
    Cell("000", "In[6] xavier", "gradient_flow", 10, _xavier_000),
    Cell("000", "In[7] sigmoid", "gradient_flow", 40, _grad_000(tf.math.sigmoid, naive.sigmoid_slope_000)),
    Cell(
        "000", "In[8] scaled sigmoid", "gradient_flow", 40, _grad_000(naive.scaled_sigmoid_000, naive.sigmoid_slope_000)
    ),
    Cell(
        "001",
        "In[154–155] 100 linear layers",
        "forward",
        1,
        lambda rng: naive.deep_linear_001(lambda: tf.random.normal((100, 100)), tf.random.normal((1, 100), 0, 1)),
    ),
    Cell("001", "In[156] first NaN layer", "forward", 1, lambda rng: naive.first_nan_layer_001()),
    Cell(
        "001",
        "In[157] 0.05 scale",
        "forward",
        1,
        lambda rng: naive.deep_linear_001(
            lambda: tf.random.normal((100, 100), 0, 1) * 0.05, tf.random.normal((1, 100), 0, 1)
        ),
    ),
    Cell("001", "In[158] N(0,1)", "forward", 1000, _one_layer_001(_normal_512, _identity, 1000)),
    Cell(
        "001",
        "In[159] N(0,1/512)",
        "forward",
        1000,
        _one_layer_001(lambda: tf.random.normal((DIM, DIM)) * np.sqrt(1 / DIM), _identity, 1000),
    ),
    Cell(
        "001",
        "In[160] tanh",
        "forward",
        1000,
        _one_layer_001(lambda: tf.random.normal((DIM, DIM)) * np.sqrt(1 / DIM), np.tanh, 1000),
    ),
    Cell(
        "001",
        "In[161] uniform tanh",
        "forward",
        100,
        _one_layer_001(lambda: tf.random.uniform((DIM, DIM)) * np.sqrt(1 / DIM), np.tanh, 100),
    ),
    Cell(
        "001", "In[162] xavier tanh", "forward", 100, _one_layer_001(lambda: naive.xavier_001(DIM, DIM), np.tanh, 100)
    ),
    Cell(
        "001",
        "In[163] relu",
        "forward",
        100,
        _one_layer_001(lambda: tf.random.uniform((DIM, DIM)) * np.sqrt(2 / DIM), tf.nn.relu, 100),
    ),
    Cell(
        "002",
        "In[4] prod_rand_matrices ×2",
        "matrix_product",
        2,
        lambda rng: [naive.prod_rand_matrices_002(s, 4, rng) for s in (0.5, 0.7)],
    ),
    Cell("002", "In[6] relu", "gradient_flow", 40, _grad_002(naive.relu_002, lambda x: x > 0)),
    Cell("002", "In[7] xavier", "gradient_flow", 10, _xavier_002),
    Cell(
        "002",
        "In[8] sigmoid",
        "gradient_flow",
        40,
        _grad_002(naive.sigmoid_002, lambda x: (1 - naive.sigmoid_002(x)) * naive.sigmoid_002(x)),
    ),
    Cell(
        "002",
        "In[9] scaled sigmoid",
        "gradient_flow",
        40,
        _grad_002(
            lambda x: 4 * naive.sigmoid_002(x) - 2, lambda x: 4 * (1 - naive.sigmoid_002(x)) * naive.sigmoid_002(x)
        ),
    ),
    Cell("003", "In[143–147] conv 5×5", "repeated_matrix", 1, _conv_003),
    Cell("003", "In[148] U(±0.01)", "repeated_matrix", 1, lambda rng: _vanish_003(rng, -0.01, 0.01)),
    Cell("003", "In[151] U(±1)/√512", "repeated_matrix", 1, lambda rng: _vanish_003(rng, -KAIMING, KAIMING)),
    Cell(
        "003",
        "In[153] kaiming_uniform_",
        "repeated_matrix",
        1,
        lambda rng: _vanish_003(rng, -TORCH_KAIMING, TORCH_KAIMING),
    ),
    Cell("003", "In[155] relu U(±0.01)", "repeated_matrix", 1, lambda rng: _vanish_003(rng, -0.01, 0.01, True)),
    Cell("003", "In[156] relu U(±1)/√512", "repeated_matrix", 1, lambda rng: _vanish_003(rng, -KAIMING, KAIMING, True)),
    Cell(
        "003",
        "In[157] relu kaiming_uniform_",
        "repeated_matrix",
        1,
        lambda rng: _vanish_003(rng, -TORCH_KAIMING, TORCH_KAIMING, True),
    ),
    Cell(
        "003",
        "In[158] relu U(±1)·√(2/512)",
        "repeated_matrix",
        1,
        lambda rng: _vanish_003(rng, -RELU_KAIMING, RELU_KAIMING, True),
    ),
    Cell("003", "In[159] N(0,1)", "forward", 100, lambda rng: naive.one_layer_mean_square_003(rng, 1.0, False)),
    Cell("003", "In[160] N(0,1/512)", "forward", 100, lambda rng: naive.one_layer_mean_square_003(rng, KAIMING, False)),
    Cell(
        "003",
        "In[161] relu N(0,2/512)",
        "forward",
        100,
        lambda rng: naive.one_layer_mean_square_003(rng, RELU_KAIMING, True),
    ),
    Cell("004", "sigmoid gradient", "activations", 0, lambda rng: naive.sigmoid_gradient_004()),
    Cell("004", "100 products", "matrix_product", 1, lambda rng: naive.hundred_products_004()),
]
QUICK_CELLS = {
    ("000", "In[3] prod_rand_matrices ×2"),
    ("001", "In[156] first NaN layer"),
    ("002", "In[4] prod_rand_matrices ×2"),
    ("003", "In[143–147] conv 5×5"),
    ("004", "100 products"),
}


def time_cell(cell: Cell, rng: np.random.Generator) -> dict:
    start = time.perf_counter()
    with np.errstate(all="ignore"):  # overflow in exp and inf − inf are part of the notebooks' results
        cell.run(rng)
    seconds = time.perf_counter() - start
    return {
        "notebook": cell.notebook,
        "cell": cell.cell,
        "experiment": cell.experiment,
        "samples": cell.samples,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    tf.matmul(tf.ones((2, 2)), tf.ones((2, 2))).numpy()
    rng = np.random.default_rng(0)
    cells = [c for c in CELLS if not args.quick or (c.notebook, c.cell) in QUICK_CELLS]
    print(json.dumps([time_cell(cell, rng) for cell in cells]))


if __name__ == "__main__":
    main()
