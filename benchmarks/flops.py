"""Floating-point operations of the kernels and of their matmul-only baselines, counted by hand.

One multiply-add is 2 FLOPs. ``k`` is the width, counts are per layer per seed and multiplied by depth·seeds.
Random number generation is not counted (it is timed separately as the draw share).
"""

import math


def gradient_flow_flops(width: int, depth: int, seeds: int) -> int:
    """FLOPs of ``kernels.gradient_flow`` (d2l's synthetic_grad) per call.

    Per layer per seed, with k = width:
      z = W·h                      matvec            2k²
      Y ← (Wᵀ · φ′(z)[None, :]) @ Y  column scaling     k²
                                   matmul            2k³
      h = φ(z), φ′(z)              elementwise       2k
      mean|Y| in float64 and in the working dtype: abs + sum, twice   4k²
    total 2k³ + 7k² + 2k. The kernel's finiteness flags (comparisons, no arithmetic) are not counted.
    """
    k = width
    return (2 * k**3 + 7 * k**2 + 2 * k) * depth * seeds


def gradient_flow_matmul_flops(width: int, depth: int, seeds: int) -> int:
    """The matmul-only part of ``gradient_flow`` (what the baseline times): matvec 2k² + matmul 2k³."""
    k = width
    return (2 * k**3 + 2 * k**2) * depth * seeds


def forward_flops(width: int, depth: int, seeds: int) -> int:
    """FLOPs of ``kernels.forward`` per call: x ← φ(x·W) is one matvec, 2k² per layer per seed.

    The per-layer statistics (mean, std, mean square: O(k), < 2 % at k = 256) and φ (k) are not counted, so
    this equals the baseline's count.
    """
    return 2 * width**2 * depth * seeds


def matrix_product_flops(width: int, depth: int, seeds: int) -> int:
    """FLOPs of ``kernels.matrix_product`` per call: Y ← W·Y is one k×k matmul, 2k³ per layer per seed.

    The per-layer median (a sort of k² entries) and max are not counted.
    """
    return 2 * width**3 * depth * seeds


KERNEL_FLOPS = {
    "gradient_flow": gradient_flow_flops,
    "forward": forward_flops,
    "matrix_product": matrix_product_flops,
}
BASELINE_FLOPS = {
    "gradient_flow": gradient_flow_matmul_flops,
    "forward": forward_flops,
    "matrix_product": matrix_product_flops,
}


def expected_seconds_per_seed(width: int, depth: int, seconds_per_flop: float) -> float:
    """The O(depth·width³) model of gradient_flow's time per seed: c·2·depth·width³."""
    return seconds_per_flop * 2 * depth * width**3


def fit_through_largest(points: list[tuple[int, int, float]], count: int = 2) -> float:
    """c of the model t/seed = c·2·depth·width³, through the ``count`` points (width, depth, t/seed) of most work.

    The geometric mean of their t/(2·d·w³): the line a log-log plot draws through them, slope 3 in width and 1 in
    depth; smaller points sit above it by the per-call overheads the model leaves out.
    """
    largest = sorted(points, key=lambda p: p[1] * p[0] ** 3)[-count:]
    return math.exp(sum(math.log(t / (2 * d * w**3)) for w, d, t in largest) / len(largest))
