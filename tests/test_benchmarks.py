"""benchmarks/: FLOP counts by hand, the naive notebook transcriptions against closed forms, log parsers on written
logs, the tidy writer and its target logic. Nothing here times anything or runs the workflow."""

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "benchmarks"))

import flops  # noqa: E402
import joblogs  # noqa: E402
import pipeline  # noqa: E402
import records  # noqa: E402
import sections  # noqa: E402
from records import Record, Target  # noqa: E402

# ---- FLOP counts --------------------------------------------------------------------------------------------


def test_gradient_flow_flops_match_a_hand_count():
    """k = 2, per layer per seed: matvec 2·2·2 = 8, column scaling 2·2 = 4, matmul 2·2·2·2 = 16, φ and φ′ 2 + 2 = 4,
    two mean|Y| (abs + add over 4 entries) 2·(4 + 4) = 16: 48; × 3 layers × 5 seeds = 720."""
    assert flops.gradient_flow_flops(width=2, depth=3, seeds=5) == 720
    assert flops.gradient_flow_matmul_flops(width=2, depth=3, seeds=5) == (8 + 16) * 15


def test_forward_and_matrix_product_flops_match_a_hand_count():
    # forward: one 3×3 matvec = 9 multiply-adds = 18 FLOPs per layer per seed
    assert flops.forward_flops(width=3, depth=2, seeds=4) == 18 * 2 * 4
    # matrix product: one 4×4 matmul = 64 multiply-adds = 128 FLOPs per layer per seed
    assert flops.matrix_product_flops(width=4, depth=101, seeds=400) == 128 * 101 * 400
    assert flops.BASELINE_FLOPS["forward"] is flops.KERNEL_FLOPS["forward"]


def test_model_fit_goes_through_the_largest_points_not_the_overhead_bound_ones():
    c = 3e-11
    points = [(w, 2, flops.expected_seconds_per_seed(w, 2, c) + 1e-3) for w in (8, 16, 32)]
    points += [(w, 2, flops.expected_seconds_per_seed(w, 2, c)) for w in (2048, 4096)]
    assert flops.fit_through_largest(points) == pytest.approx(c, rel=1e-12)
    assert flops.fit_through_largest(points, count=5) > 2 * c  # the overheads would bend a fit through all


def test_seed_choices_stay_within_budget_and_memory():
    assert sections.timed_seeds(4, 101, 400) == 400  # small jobs keep the config's seeds
    assert sections.timed_seeds(256, 50, 100) < 100  # large ones are cut to the normals budget
    assert sections.scaling_seeds(4096, 2, 2.5) == 1  # never below one seed
    assert 4 * 100**2 * sections.scaling_seeds(100, 2, 1e6) <= sections.MAX_BATCH_BYTES


# ---- naive transcriptions -----------------------------------------------------------------------------------


def _product_second_moment_is_exact(draws: np.ndarray, scale: float, k: int, n: int) -> None:
    """E[Y_ij²] = s^2n·k^(n−1) for Y a product of n k×k matrices with N(0, s²) entries."""
    per_draw = (draws.astype(np.float64) ** 2).mean(axis=(1, 2))
    expected = scale ** (2 * n) * k ** (n - 1)
    assert abs(per_draw.mean() - expected) < 5 * per_draw.std() / math.sqrt(len(per_draw))
    assert abs(per_draw.mean() - expected) < 0.2 * expected


def test_naive_tf_product_of_random_matrices_has_the_linear_products_entry_std(tf):
    import naive

    tf.random.set_seed(0)
    draws = np.stack([naive.prod_rand_matrices_000(0.5, 4, depth=3).numpy() for _ in range(400)])
    _product_second_moment_is_exact(draws, 0.5, 4, 3)


def test_naive_numpy_product_of_random_matrices_has_the_linear_products_entry_std(tf):
    import naive

    rng = np.random.default_rng(0)
    draws = np.stack([naive.prod_rand_matrices_002(0.5, 4, rng, depth=3) for _ in range(400)])
    assert draws.dtype == np.float32
    _product_second_moment_is_exact(draws, 0.5, 4, 3)


@pytest.mark.parametrize(("activation", "share"), [("linear", 1.0), ("relu", 0.5)])
def test_naive_synthetic_grad_one_layer_matches_the_closed_form(tf, activation, share):
    """Depth 1: Y = Wᵀ·diag(φ′(W·1)). Linear: E|Y_ij| = s√(2/π). ReLU: flipping row j's sign keeps |W_ji| and flips
    z_j, so E[|W_ji|·1(z_j > 0)] = E|W_ji|/2."""
    import naive

    tf.random.set_seed(1)
    sigma = {"linear": tf.identity, "relu": tf.nn.relu}[activation]
    d_sigma = {"linear": tf.ones_like, "relu": lambda x: x > 0}[activation]
    value = naive.synthetic_grad_000(16, sigma, d_sigma, naive.get_weight_000(0.3), repeats=300, depth=1)
    assert float(value) == pytest.approx(share * 0.3 * math.sqrt(2 / math.pi), rel=0.03)


def test_seed_000_scaled_sigmoid_derivative_misses_the_factor_4(tf):
    """Seed 000 uses φ′ = σ(1 − σ) for φ = 4σ − 2; seed 002 the correct 4σ(1 − σ). On the same weights the
    gradients differ by exactly 4^−depth, the h path being the same."""
    import naive

    x = tf.constant(np.linspace(-5, 5, 11), tf.float32)
    sigmoid = 1 / (1 + np.exp(-x.numpy()))
    np.testing.assert_allclose(naive.sigmoid_slope_000(x).numpy(), sigmoid * (1 - sigmoid), rtol=1e-6)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = naive.scaled_sigmoid_000(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 4 * naive.sigmoid_slope_000(x).numpy(), rtol=1e-5)

    depth, k = 6, 8
    weights = np.random.default_rng(2).normal(0, 0.8, (2 * depth, k, k)).astype(np.float32)
    feed = lambda: iter(weights)  # noqa: E731 - one fresh pass over the same weights per call
    tf_weights, np_weights = feed(), feed()
    buggy = naive.synthetic_grad_000(
        k, naive.scaled_sigmoid_000, naive.sigmoid_slope_000, lambda s: tf.constant(next(tf_weights)), 2, depth
    )
    correct = naive.synthetic_grad_002(
        k,
        lambda z: 4 * naive.sigmoid_002(z) - 2,
        lambda z: 4 * (1 - naive.sigmoid_002(z)) * naive.sigmoid_002(z),
        lambda s: next(np_weights),
        np.random.default_rng(3),
        2,
        depth,
    )
    assert float(buggy) == pytest.approx(float(correct) / 4**depth, rel=1e-4)


def test_naive_torch_loops_keep_subnormals_and_stop_where_torch_stops(tf):
    """M = ½·I (4×4): the result after step i is 2^−(i+2)·I, exact down to the smallest subnormal 2^−149 when
    subnormals are kept (torch and numpy; TensorFlow on CPU flushes them). torch's std, reduced in double and
    returned in float32, is √0.2·2^−(i+2): 0.89·2^−149 ≠ 0 at i = 146, rounded to 0 at i = 147. A float32 std
    would square the entries and read 0 already at i = 72. M = 2·I overflows at 2^128: std NaN at i = 126."""
    import naive

    eye = np.eye(4, dtype=np.float32)
    assert naive.multiplications_until_matrix_vanishes_003(np.float32(0.5) * eye) == 147
    with np.errstate(over="ignore", invalid="ignore"):
        assert naive.multiplications_until_matrix_vanishes_003(np.float32(2.0) * eye) == 126
    assert naive.mult_and_relu_003(eye, cap=20) == float("inf")
    assert naive.multiplications_until_matrix_vanishes_003(eye, cap=20) == -1


def test_naive_one_layer_mean_square_is_fan_in_times_weight_variance(tf):
    import naive

    rng = np.random.default_rng(4)
    _, linear = naive.one_layer_mean_square_003(rng, 1.0, False, rnd_repeats=60, dim=64)
    assert linear == pytest.approx(64, rel=0.15)
    _, relu = naive.one_layer_mean_square_003(rng, math.sqrt(2 / 64), True, rnd_repeats=60, dim=64)
    assert relu == pytest.approx(1.0, rel=0.15)  # ReLU halves E[y²], He's 2/fan_in restores it


def test_every_printed_cell_is_listed_once_with_its_samples(tf):
    from naive_timing import CELLS, QUICK_CELLS

    cells = [(c.notebook, c.cell) for c in CELLS]
    assert len(cells) == len(set(cells)) and {c[0] for c in cells} == {"000", "001", "002", "003", "004"}
    assert QUICK_CELLS <= set(cells)
    samples = {nb: sum(c.samples for c in CELLS if c.notebook == nb) for nb in ("000", "002", "003")}
    # 13 synthetic_grad calls × 10 repeats; 003: 8 matrices through a loop, 3 × 100 one-layer draws
    assert samples == {"000": 2 + 130, "002": 2 + 130, "003": 8 + 300}


# ---- log parsers --------------------------------------------------------------------------------------------

KERNEL_LOG = """\
2026-11-25 10:00:00,500 INFO kernel: job forward/tanh__w16__d4__float32__n10: {'seeds': 10}
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795657447.789264    2711 port.cc:153] oneDNN custom operations are on.
2026-11-25 10:00:03,000 INFO kernel: 1/2 combinations done
2026-11-25 10:00:04,750 INFO kernel: computed 136 rows on /CPU:0 in 1.25 s
2026-11-25 10:00:04,750 INFO kernel: non-finite values: 0 of 136
2026-11-25 10:00:05,000 INFO kernel: peak memory 655 MB
"""

RUN_LOG = """\
Select jobs to execute...
[Thu Nov 26 01:43:58 2026]
localrule kernel:
    output: results/jobs/forward/a.csv
    log: results/logs/jobs/forward/a.log
    jobid: 2
    reason: Missing output files: results/jobs/forward/a.csv
[Thu Nov 26 01:43:58 2026]
rule collect:
    log: results/logs/collect/forward.log
    jobid: 7
[Thu Nov 26 01:44:03 2026]
Finished jobid: 2 (Rule: kernel)
[Thu Nov 26 01:44:05 2026]
localrule kernel:
    log: results/logs/jobs/forward/b.log
    jobid: 3
[Thu Nov 26 01:44:09 2026]
Finished jobid: 7 (Rule: collect)
[Thu Nov  26 01:44:12 2026]
Finished jobid: 3 (Rule: kernel)
"""


def test_kernel_log_parser_reads_startup_compute_and_peak_memory():
    log = joblogs.parse_kernel_log(KERNEL_LOG)
    assert log.computed_at == pytest.approx(4.25) and log.computed_s == 1.25
    assert log.startup_in_log == pytest.approx(3.0)  # TensorFlow import + set-up, before the kernel started
    assert log.after_compute == pytest.approx(0.25) and log.peak_mb == 655
    assert joblogs.parse_kernel_log(KERNEL_LOG.split("computed")[0]) is None  # a job that never finished


def test_run_log_parser_times_kernel_jobs_by_their_log():
    totals = {"results/logs/jobs/forward/a.log": 5.0, "results/logs/jobs/forward/b.log": 7.0}
    assert joblogs.parse_run_log(RUN_LOG) == totals
    assert joblogs.parse_run_log(RUN_LOG, rule="collect") == {"results/logs/collect/forward.log": 11.0}


def test_startup_summary_uses_snakemakes_totals_when_every_job_has_one():
    log = joblogs.parse_kernel_log(KERNEL_LOG)
    name = "results/logs/jobs/forward/a.log"
    with_run_log = joblogs.summarize({name: log}, {name: 5.0})
    assert with_run_log.from_run_log and with_run_log.total_s == 5.0
    assert with_run_log.startup_s == pytest.approx(5.0 - 1.25 - 0.25)  # includes the 0.5 s before the first line
    alone = joblogs.summarize({name: log}, {})
    assert not alone.from_run_log and alone.startup_s == pytest.approx(3.0) and alone.peak_mb == 655


# ---- tidy output and targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "bound", "value", "met"),
    [(">=", 0.5, 0.5, True), (">=", 0.5, 0.49, False), ("<=", 5, 5.0, True), ("<=", 5, 5.01, False),
     (">=", 100, float("nan"), False), ("<=", 1, float("nan"), False)],
)  # fmt: skip
def test_target_direction_decides_met(direction, bound, value, met):
    assert Target(direction, bound).met(value) is met


def test_target_rejects_an_unknown_direction():
    with pytest.raises(ValueError, match="'>=' or '<='"):
        Target(">", 1.0)


def test_tidy_writer_writes_one_csv_per_section_with_targets_and_met(tmp_path):
    measured = [
        Record("overheads", "no-op rerun", "wall_s", 7.5, "s", Target("<=", 5)),
        Record("overheads", "import", "wall_s", 3.0, "s"),
        Record("notebooks", "pipeline / naive", "throughput_ratio", 250.0, "×", Target(">=", 100)),
        Record("notebooks", "not measured", "wall_s", float("nan"), "s", Target("<=", 1)),
    ]
    paths = records.write_tidy(measured, tmp_path)
    assert sorted(p.name for p in paths) == ["notebooks.csv", "overheads.csv"]
    raw = pd.read_csv(tmp_path / "overheads.csv", keep_default_na=False)
    assert list(raw.columns) == records.COLUMNS
    assert raw[["target", "met"]].astype(str).values.tolist() == [["<= 5", "False"], ["", ""]]
    frame = records.read_tidy(tmp_path, ["overheads", "notebooks", "missing"])
    assert frame["met"].tolist() == ["False", "", "True", "False"] and np.isnan(frame["value"].iloc[3])
    table = records.markdown_table(frame)
    assert "| overheads | no-op rerun | wall_s | 7.5 s | <= 5 | **no** |" in table
    assert "| notebooks | pipeline / naive | throughput_ratio | 250 × | >= 100 | yes |" in table
    assert "| notebooks | not measured | wall_s | n/a | <= 1 | **no** |" in table
    assert "import" in table and "import" not in records.markdown_table(records.headline(frame, []))


def test_headline_keeps_targets_and_one_kernel_variant():
    frame = records.to_frame(
        [
            Record("kernel_efficiency", "forward w8 jit=0 onednn=1", "draw_share", 0.8, "fraction"),
            Record("kernel_efficiency", "forward w8 jit=1 onednn=1", "draw_share", 0.9, "fraction"),
            Record("kernel_efficiency", "forward w8 jit=1 onednn=1", "efficiency", 0.1, "fraction", Target(">=", 0.5)),
            Record("overheads", "import", "wall_s", 3.0, "s"),
        ]
    )
    kept = records.headline(frame, ["draw_share"], "jit=0 onednn=1")
    assert kept["case"].tolist() == ["forward w8 jit=0 onednn=1", "forward w8 jit=1 onednn=1"]
    assert kept["quantity"].tolist() == ["draw_share", "efficiency"]


# ---- counting the pipeline's samples ------------------------------------------------------------------------

CONFIG = {
    "seed": 1,
    "dtype": "float32",
    "experiments": {
        "gradient_flow": {
            "width": 8,
            "depth": 5,
            "seeds": 12,
            "cases": [
                {"activations": ["relu", "tanh"], "inits": ["normal"], "scales": [0.4, 1.0]},
                {"activations": ["relu"], "inits": ["normal"], "scales": [0.4]},  # listed twice, counted once
                {"activations": ["relu"], "inits": ["normal"], "scales": [0.4], "width": 16, "seeds": 3},
                {"activations": ["relu"], "inits": ["lsuv"], "scales": [1.0], "width": 16, "seeds": 2},
            ],
        },
        "activations": {"x_min": -2.0, "x_max": 2.0, "points": 9, "cases": [{"activations": ["relu", "tanh"]}]},
    },
}


def test_config_samples_count_seeds_of_distinct_combinations():
    assert pipeline.config_samples(CONFIG, ["gradient_flow"]) == 4 * 12 + 3 + 2
    assert pipeline.config_samples(CONFIG, ["gradient_flow", "activations", "forward"]) == 53  # curves draw nothing


def test_kernel_shapes_are_distinct_width_and_depth_with_their_most_seeds():
    assert pipeline.kernel_shapes(CONFIG, "gradient_flow") == [(8, 5, 12), (16, 5, 3)]
    assert pipeline.kernel_shapes(CONFIG, "forward") == []


def test_one_cold_parallel_run_is_two_invocations_less_one_invocations_fixed_cost(tmp_path):
    run = sections.ParallelRun(workspace=None, reproduction_s=100.0, rest_s=30.0, noop_s=10.0, samples=5)
    assert run.cold_s == 120.0  # the second invocation's start-up and DAG (≈ the no-op run) counted once
    assert sections.ParallelRun(None, 100.0, None, 10.0, 5).cold_s == 100.0  # --quick: one invocation

    class Runs:
        parallel, serial_s = run, 216.0

    measured = sections.parallel_scaling(sections.Context(False, tmp_path, tmp_path), Runs())
    speedup = next(r for r in measured if r.quantity == "speedup")
    assert speedup.value == pytest.approx(1.8) and speedup.target.met(speedup.value)
    assert [r.case for r in measured if r.quantity == "wall_s"] == [
        "cold --cores 1, whole sweep",
        "cold --cores 2, whole sweep",
    ]
