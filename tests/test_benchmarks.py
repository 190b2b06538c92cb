"""benchmarks/ without timing anything: FLOP counts by hand, the notebook oracles (tests/oracles/naive.py) against
closed forms, the job-log parser, the tidy records and their targets, the samples a config asks for, and one
smoke run of kernel_timing.py on a tiny shape (a subprocess, ~15 s). No workflow runs."""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "benchmarks"))

import pipeline  # noqa: E402
import records  # noqa: E402
import run  # noqa: E402
from records import Record, Target  # noqa: E402

# ---- FLOP counts and timed seeds ----------------------------------------------------------------------------


def test_flops_count_the_matmul_or_matvec_a_combination_does_per_layer_and_seed():
    assert run.FLOPS["gradient_flow"](2) == 16  # 2×2 @ 2×2: 8 multiply-adds
    assert run.FLOPS["forward"](3) == 18  # 9 multiply-adds


def test_timed_seeds_keep_small_jobs_and_cut_large_ones():
    assert run.timed_seeds(4, 101, 400) == 400
    assert run.timed_seeds(256, 50, 10000) < 10000
    assert run.timed_seeds(4096, 200, 10) == 1  # never below one seed


def test_efficiency_records_rate_the_layers_against_their_matmuls_and_draws():
    """The kernel's depth − 1 layers (its time less its depth-1 twin's) against their matvecs and their draws."""
    result = {"kernel": "forward", "width": 10, "depth": 5, "seeds": 4, "combinations": 3, "config_seeds": 8}
    result |= {"best_s": 3e-5, "twin_s": 1e-5, "baseline_s": 0.5e-5, "draw_s": 1.2e-5}
    values = {r.quantity: r for r in run.efficiency_records(result)}
    assert values["efficiency"].value == pytest.approx(0.25) and not values["efficiency"].target.met(0.25)
    assert values["draw_share"].value == pytest.approx(0.6) and values["draw_share"].target.met(0.6)
    assert values["ns_per_normal"].value == pytest.approx(1.2e4 / (4 * 4 * 100))
    assert values["gflops"].value == pytest.approx(200 * 4 * 4 * 3 / 2e-5 / 1e9)
    assert values["efficiency"].case == "forward w10 d5 n4 ×3"
    gradient = run.efficiency_records(result | {"kernel": "gradient_flow"})
    assert gradient[0].target == Target(">=", 0.5) and gradient[1].target is None  # matmul-bound: no draw target
    large = run.efficiency_records(result | {"config_seeds": 0})
    assert large[0].target is None  # not a config shape: no target


def test_kernel_timing_runs_a_kernel_of_the_pipeline_and_its_twin():
    case = {"kernel": "gradient_flow", "width": 8, "depth": 3, "seeds": 2, "combinations": 2, "config_seeds": 2}
    (result,) = run.run_json("kernel_timing.py", "--cases", json.dumps([case]), "--repeats", "1", timeout=120)
    assert result.items() >= case.items()
    assert all(result[key] > 0 for key in ("best_s", "twin_s", "baseline_s", "draw_s"))
    assert all(math.isfinite(r.value) for r in run.efficiency_records(result))


# ---- notebook oracles (imported inside the tests: they import TensorFlow) ----------------------------------


def _product_second_moment_is_exact(draws: np.ndarray, scale: float, k: int, n: int) -> None:
    """E[Y_ij²] = s^2n·k^(n−1) for Y a product of n k×k matrices with N(0, s²) entries."""
    per_draw = (draws.astype(np.float64) ** 2).mean(axis=(1, 2))
    expected = scale ** (2 * n) * k ** (n - 1)
    assert abs(per_draw.mean() - expected) < 5 * per_draw.std() / math.sqrt(len(per_draw))
    assert abs(per_draw.mean() - expected) < 0.2 * expected


def test_naive_tf_product_of_random_matrices_has_the_linear_products_entry_std(tf):
    from oracles import naive

    tf.random.set_seed(0)
    draws = np.stack([naive.prod_rand_matrices_000(0.5, 4, depth=3).numpy() for _ in range(400)])
    _product_second_moment_is_exact(draws, 0.5, 4, 3)


def test_naive_numpy_product_of_random_matrices_has_the_linear_products_entry_std(tf):
    from oracles import naive

    rng = np.random.default_rng(0)
    draws = np.stack([naive.prod_rand_matrices_002(0.5, 4, rng, depth=3) for _ in range(400)])
    assert draws.dtype == np.float32
    _product_second_moment_is_exact(draws, 0.5, 4, 3)


@pytest.mark.parametrize(("activation", "share"), [("linear", 1.0), ("relu", 0.5)])
def test_naive_synthetic_grad_one_layer_matches_the_closed_form(tf, activation, share):
    """Depth 1: Y = Wᵀ·diag(φ′(W·1)). Linear: E|Y_ij| = s√(2/π). ReLU: flipping row j's sign keeps |W_ji| and flips
    z_j, so E[|W_ji|·1(z_j > 0)] = E|W_ji|/2."""
    from oracles import naive

    tf.random.set_seed(1)
    sigma = {"linear": tf.identity, "relu": tf.nn.relu}[activation]
    d_sigma = {"linear": tf.ones_like, "relu": lambda x: x > 0}[activation]
    value = naive.synthetic_grad_000(16, sigma, d_sigma, naive.get_weight_000(0.3), repeats=300, depth=1)
    assert float(value) == pytest.approx(share * 0.3 * math.sqrt(2 / math.pi), rel=0.03)


def test_seed_000_scaled_sigmoid_derivative_misses_the_factor_4(tf):
    """Seed 000 uses φ′ = σ(1 − σ) for φ = 4σ − 2; seed 002 the correct 4σ(1 − σ). On the same weights the
    gradients differ by exactly 4^−depth, the h path being the same."""
    from oracles import naive

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
    from oracles import naive

    eye = np.eye(4, dtype=np.float32)
    assert naive.multiplications_until_matrix_vanishes_003(np.float32(0.5) * eye) == 147
    with np.errstate(over="ignore", invalid="ignore"):
        assert naive.multiplications_until_matrix_vanishes_003(np.float32(2.0) * eye) == 126
    assert naive.mult_and_relu_003(eye, cap=20) == float("inf")
    assert naive.multiplications_until_matrix_vanishes_003(eye, cap=20) == -1


def test_naive_one_layer_mean_square_is_fan_in_times_weight_variance(tf):
    from oracles import naive

    rng = np.random.default_rng(4)
    _, linear = naive.one_layer_mean_square_003(rng, 1.0, False, rnd_repeats=60, dim=64)
    assert linear == pytest.approx(64, rel=0.15)
    _, relu = naive.one_layer_mean_square_003(rng, math.sqrt(2 / 64), True, rnd_repeats=60, dim=64)
    assert relu == pytest.approx(1.0, rel=0.15)  # ReLU halves E[y²], He's 2/fan_in restores it


def test_every_printed_cell_is_listed_once_with_its_samples(tf):
    from naive_timing import CELLS, QUICK_CELLS  # imports TensorFlow: after the tf fixture configured it

    cells = [(c.notebook, c.cell) for c in CELLS]
    assert len(cells) == len(set(cells)) and {c[0] for c in cells} == {"000", "001", "002", "003", "004"}
    assert QUICK_CELLS <= set(cells)
    samples = {nb: sum(c.samples for c in CELLS if c.notebook == nb) for nb in ("000", "002", "003")}
    # 13 synthetic_grad calls × 10 repeats; 003: 8 matrices through a loop, 3 × 100 one-layer draws
    assert samples == {"000": 2 + 130, "002": 2 + 130, "003": 8 + 300}


# ---- job logs and the config's samples ----------------------------------------------------------------------

KERNEL_LOG = """\
2026-11-25 10:00:00,500 INFO kernel: job forward/tanh__w16__d4__float32__n10: 2 combinations: {'seeds': 10}
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
2026-11-25 10:00:03,000 INFO kernel: 1/2 combinations done
2026-11-25 10:00:04,750 INFO kernel: computed 136 rows on /CPU:0 in 1.25 s
2026-11-25 10:00:04,750 INFO kernel: non-finite values: 0 of 136
2026-11-25 10:00:05,000 INFO kernel: peak memory 655 MB
"""


def test_kernel_log_parser_reads_startup_compute_and_peak_memory(tmp_path):
    log = pipeline.parse_kernel_log(KERNEL_LOG)
    assert log.computed_at == pytest.approx(4.25) and log.computed_s == 1.25 and log.last_at == pytest.approx(4.5)
    assert log.startup_s == pytest.approx(3.0) and log.peak_mb == 655  # TensorFlow's import, before the kernel
    assert pipeline.parse_kernel_log(KERNEL_LOG.split("computed")[0]) is None  # a job that never finished
    jobs = tmp_path / "results" / "logs" / "jobs" / "forward"
    jobs.mkdir(parents=True)
    (jobs / "a.log").write_text(KERNEL_LOG)
    (jobs / "b.log").write_text(KERNEL_LOG.split("computed")[0])
    assert pipeline.kernel_logs(tmp_path) == {"results/logs/jobs/forward/a.log": log}
    (jobs / "c.log").write_text(KERNEL_LOG.replace("in 1.25 s", "in 0.5 s"))
    assert pipeline.kernel_seconds(tmp_path) == {"forward": 1.75}  # the finished jobs of the experiment


CONFIG = {
    "seed": 1,
    "dtype": "float32",
    "experiments": {
        "gradient_flow": {
            "width": 8,
            "depth": 5,
            "seeds": 12,
            "repeats": 3,
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


def test_kernel_shapes_are_distinct_width_and_depth_with_their_most_seeds_and_combinations():
    assert pipeline.kernel_shapes(CONFIG, "gradient_flow") == [(8, 5, 12, 4), (16, 5, 3, 2)]
    assert pipeline.kernel_shapes(CONFIG, "forward") == []
    cases = run.efficiency_cases(CONFIG, quick=True)
    assert [(c["width"], c["seeds"], c["config_seeds"]) for c in cases] == [(8, 12, 12), (16, 3, 3), (64, 1, 0)]
    one_layer = {"width": 8, "depth": 1, "seeds": 4, "cases": [{"activations": ["tanh"], "inits": ["normal"]}]}
    shallow = CONFIG | {"experiments": {"forward": one_layer}}
    assert run.efficiency_cases(shallow, quick=True) == [run.LARGE | {"width": 64}]  # depth 1: nothing beyond its twin


def test_the_benchmark_config_is_the_default_sweep_of_1195558():
    config = pipeline.read_config(run.CONFIG)
    assert config["seed"] == 20261125 and pipeline.kernel_shapes(config, "gradient_flow") == [(100, 50, 200, 87)]


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
        Record("notebooks", "gradient_flow: pipeline / naive", "throughput_ratio", 250.0, "×", Target(">=", 100)),
        Record("notebooks", "not measured", "wall_s", float("nan"), "s", Target("<=", 1)),
    ]
    paths = records.write_tidy(measured, tmp_path)
    assert sorted(p.name for p in paths) == ["notebooks.csv", "overheads.csv"]
    frame = records.read_tidy(tmp_path, ["overheads", "notebooks", "missing"])
    assert list(frame.columns) == records.COLUMNS
    assert frame["target"].tolist() == ["<= 5", "", ">= 100", "<= 1"]
    assert frame["met"].tolist() == ["False", "", "True", "False"] and np.isnan(frame["value"].iloc[3])
    table = records.markdown_table(frame)
    assert "| overheads | no-op rerun | wall_s | 7.5 s | <= 5 | **no** |" in table
    assert "| notebooks | gradient_flow: pipeline / naive | throughput_ratio | 250 × | >= 100 | yes |" in table
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


# ---- the pipeline runs ---------------------------------------------------------------------------------------


def test_one_cold_parallel_run_is_two_invocations_less_one_invocations_fixed_cost(tmp_path):
    parallel = run.ParallelRun(workspace=None, reproduction_s=100.0, rest_s=30.0, noop_s=10.0)
    assert parallel.cold_s == 120.0  # the second invocation's start-up and DAG (≈ the no-op run) counted once
    assert run.ParallelRun(None, 100.0, None, 10.0).cold_s == 100.0  # --quick: one invocation
    bench = run.Bench(quick=False, config=run.CONFIG, scratch=tmp_path)
    bench.parallel, bench.serial_s = parallel, 216.0  # what the cold runs would have measured
    measured = run.parallel_scaling(bench)
    speedup = next(r for r in measured if r.quantity == "speedup")
    assert speedup.value == pytest.approx(1.8) and speedup.target.met(speedup.value)
    assert [r.case for r in measured if r.quantity == "wall_s"] == [
        "cold --cores 1, whole sweep",
        "cold --cores 2, whole sweep",
    ]


def test_unknown_sections_are_refused_before_anything_runs(capsys):
    with pytest.raises(SystemExit):
        run.main(["--sections", "kernel_efficiency,work_scaling"])
    assert "unknown section(s) work_scaling" in capsys.readouterr().err
