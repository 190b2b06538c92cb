"""Faithful transcriptions of the seed notebooks' naive eager loops (../shared/seeds/*.txt): test oracles for the
kernels (``from oracles.naive import ...``) and the baseline benchmarks/naive_timing.py times the pipeline against;
no result of initstab comes from here.

Each function keeps its notebook's structure: Python loops, one draw at a time, the same shapes, the same number
of repeats and the same redundant work (000/002 draw an unused ``x``; 003 computes ``std`` three times per step).
Hard-coded loop counts are keyword defaults, so tests can shrink them; ``CELLS`` in benchmarks/naive_timing.py
calls every printed cell with the notebook's own arguments. In 003 each cell draws its own matrix where the notebook
reuses one across cells (a 512² draw is ~1 ms beside loops of seconds).

Libraries, one per notebook:
- 000 (d2l, TensorFlow) and 001 (a forward-pass study, TensorFlow + numpy): TensorFlow eager, as written. d2l's
  ``activations`` is ``tf.keras.activations``, whose relu/sigmoid are ``tf.nn.relu``/``tf.math.sigmoid``.
- 002 (d2l, MXNet) and 003 (fast.ai notes, PyTorch): numpy, float32. MXNet and torch are not installed (and
  must not be); numpy is the closest imperative CPU library: one call per op with microsecond dispatch like
  torch's, and, like torch and unlike TensorFlow on CPU, it keeps subnormals, so 003's loops stop at the same
  underflow step as torch's and take as many steps (``std_003`` reduces in double, as torch does on CPU).
- 004 (d2l, PyTorch): TensorFlow eager, because its gradient cell uses autograd (``y.backward``), which numpy has
  no counterpart for; ``tf.GradientTape`` is TensorFlow's. Its 4×4 product loop uses TF eager too.
"""

import numpy as np
import tensorflow as tf

# ---- 000: d2l, TensorFlow ---------------------------------------------------------------------------------


def prod_rand_matrices_000(scale, k, depth=100):
    Y = tf.linalg.diag(tf.ones(k))
    for _ in range(depth):
        W = tf.random.normal(shape=(k, k), stddev=scale)
        Y = tf.matmul(W, Y)
    return Y


def synthetic_grad_000(k, sigma, d_sigma, get_weight, repeats=10, depth=50):
    res = []
    for _ in range(repeats):
        tf.random.normal(shape=(k,))  # the notebook's unused x
        h = tf.ones(k)
        Y = tf.linalg.diag(tf.ones(k))
        for _ in range(depth):
            W = get_weight((k, k))
            Wh = tf.tensordot(W, h, axes=1)
            Y = tf.matmul(tf.cast(d_sigma(Wh), Y.dtype) * tf.linalg.matrix_transpose(W), Y)
            h = sigma(Wh)
        res.append(tf.reduce_mean(tf.abs(Y)))
    return sum(res) / len(res)


def get_weight_000(scale):
    return lambda shape: tf.random.normal(stddev=scale, shape=shape)


def sigmoid_slope_000(x):
    """The notebook's d_sigma for sigmoid *and* for 4σ − 2: σ(1 − σ), i.e. the scaled sigmoid's ×4 is missing."""
    return (1 - tf.math.sigmoid(x)) * tf.math.sigmoid(x)


def scaled_sigmoid_000(x):
    return 4 * tf.math.sigmoid(x) - 2


# ---- 001: forward pass, TensorFlow + numpy ----------------------------------------------------------------


def deep_linear_001(draw, x, depth=100):
    """In[155]/In[157]: x ← x·W through ``depth`` layers; the mean and std of the output."""
    for _ in range(depth):
        w = draw()
        x = tf.matmul(x, w)
    return tf.reduce_mean(x).numpy(), tf.math.reduce_std(x).numpy()


def first_nan_layer_001(depth=100, width=100):
    """In[156]: the first layer whose mean is NaN (None if none)."""
    x = tf.random.normal((1, width), mean=0, stddev=1)
    for i in range(depth):
        w = tf.random.normal((width, width), mean=0, stddev=1)
        x = tf.matmul(x, w)
        if tf.math.is_nan(tf.reduce_mean(x).numpy()):
            return i
    return None


def one_layer_stats_001(draw, phi, num_iter, width=512):
    """In[158]–In[163]: the mean over ``num_iter`` draws of mean(y) and std(y), y = φ(x·W), x ~ N(0, 1)."""
    mean, stddev = 0, 0
    for _ in range(num_iter):
        w = draw()
        x = tf.random.normal((1, width))
        y = phi(tf.matmul(x, w))
        mean += tf.reduce_mean(y).numpy()
        stddev += tf.math.reduce_std(y).numpy()
    return mean / num_iter, stddev / num_iter


def xavier_001(m, h):
    return tf.random.uniform((m, h)) * np.sqrt(6 / (m + h))


# ---- 002: d2l, MXNet → numpy -----------------------------------------------------------------------------


def normal_002(rng, scale, shape):
    """``nd.random.normal(scale=scale, shape=shape)``: float32."""
    return rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)


def get_weight_002(rng, scale):
    return lambda shape: normal_002(rng, scale, shape)


def prod_rand_matrices_002(scale, k, rng, depth=100):
    Y = np.diag(np.ones(k, np.float32))
    for _ in range(depth):
        W = normal_002(rng, scale, (k, k))
        Y = np.dot(W, Y)
    return Y


def synthetic_grad_002(k, sigma, d_sigma, get_weight, rng, repeats=10, depth=50):
    res = []
    for _ in range(repeats):
        normal_002(rng, 1.0, k)  # the notebook's unused x
        h = np.ones(k, np.float32)
        Y = np.diag(np.ones(k, np.float32))
        for _ in range(depth):
            W = get_weight((k, k))
            Wh = np.dot(W, h)
            Y = np.dot(d_sigma(Wh) * W.T, Y)
            h = sigma(Wh)
        res.append(np.abs(Y).mean())
    return sum(res) / len(res)


def sigmoid_002(x):
    return 1 / (1 + np.exp(-x))


def relu_002(x):
    return np.maximum(x, np.float32(0))


# ---- 003: fast.ai notes, PyTorch → numpy ------------------------------------------------------------------


def std_003(x):
    """``tensor.std()`` on CPU: unbiased, reduced in double, returned in the tensor's float32."""
    return np.float32(x.std(ddof=1, dtype=np.float64))


def multiplications_until_matrix_vanishes_003(matrix, cap=500):
    result = matrix
    for i in range(0, cap):
        result = matrix @ result
        if std_003(result) == 0:
            return i
        if std_003(result) != std_003(result):
            return i
    return -1


def mult_and_relu_003(matrix, cap=500):
    result = matrix
    for i in range(0, cap):
        result = matrix @ result
        result = np.maximum(result, np.float32(0.0))  # clamp_min(0.)
        if std_003(result) == 0:
            return i
        if std_003(result) != std_003(result):
            return i
    return float("Inf")


def uniform_003(rng, low, high, shape):
    """``torch.empty(shape).uniform_(low, high)``: float32."""
    return (rng.random(shape, dtype=np.float32) * np.float32(high - low) + np.float32(low)).astype(np.float32)


def one_layer_mean_square_003(rng, coeff, clamp, rnd_repeats=100, dim=512):
    """In[159]–In[161]: the mean over draws of mean(y) and mean(y²), y = (coeff·M)·v (clamped at 0 if ``clamp``)."""
    mean, squares_sum = 0.0, 0.0
    for _ in range(rnd_repeats):
        matrix = rng.standard_normal((dim, dim), dtype=np.float32) * np.float32(coeff)
        vector = rng.standard_normal(dim, dtype=np.float32)
        result = matrix @ vector
        if clamp:
            result = np.maximum(result, np.float32(0.0))
        squares_sum += float((result**2).mean())
        mean += float(result.mean())
    return mean / rnd_repeats, squares_sum / rnd_repeats


# ---- 004: d2l, PyTorch → TensorFlow eager -----------------------------------------------------------------


def sigmoid_gradient_004():
    x = tf.range(-8.0, 8.0, 0.1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.sigmoid(x)
    return y, tape.gradient(y, x)


def hundred_products_004(depth=100):
    M = tf.random.normal((4, 4), 0, 1)
    for _ in range(depth):
        M = tf.matmul(M, tf.random.normal((4, 4), 0, 1))
    return M
