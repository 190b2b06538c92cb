"""Theory beside measurement: one row per prediction, from the experiments' summary tables (no TensorFlow).

Each row names a quantity, the measured median over seeds with its 5–95 % band, the infinite-width mean-field
prediction and, for gradient norms, the finite-width one (theory.gradient_flow_curve). ``relative_error`` is
(measured − predicted)/|predicted|; ``gap_closed`` is the share of the log-gap |ln m − ln p| that the finite-width
correction removes.
"""

import math
from collections.abc import Mapping

import ml_dtypes
import numpy as np
import pandas as pd

from initstab import meanfield, theory
from initstab.tidy import SPEC_COLUMNS

COLUMNS = [
    *SPEC_COLUMNS,
    "quantity",
    "layer",
    "measured_median",
    "measured_p05",
    "measured_p95",
    "predicted",
    "predicted_finite_width",
    "relative_error",
    "relative_error_finite_width",
    "gap_closed",
]


def relative_error(measured: float, predicted: float) -> float:
    if not (np.isfinite(measured) and np.isfinite(predicted)) or predicted == 0:
        return math.nan
    return (measured - predicted) / abs(predicted)


def gap_closed(measured: float, predicted: float, corrected: float) -> float:
    """1 − |ln m − ln p_corrected| / |ln m − ln p|: 1 when the correction lands on the measurement, 0 when it
    changes nothing, negative when it overshoots by more than the original gap."""
    values = np.array([measured, predicted, corrected])
    if not (np.all(np.isfinite(values)) and np.all(values > 0)):
        return math.nan
    gap = abs(math.log(measured) - math.log(predicted))
    return math.nan if gap == 0 else 1 - abs(math.log(measured) - math.log(corrected)) / gap


def _row(spec: Mapping, quantity: str, layer, summary_row, predicted: float, corrected: float = math.nan) -> dict:
    measured = float(summary_row["median"])
    return {
        **{name: spec[name] for name in SPEC_COLUMNS},
        "quantity": quantity,
        "layer": layer,
        "measured_median": measured,
        "measured_p05": float(summary_row["p05"]),
        "measured_p95": float(summary_row["p95"]),
        "predicted": predicted,
        "predicted_finite_width": corrected,
        "relative_error": relative_error(measured, predicted),
        "relative_error_finite_width": relative_error(measured, corrected),
        "gap_closed": gap_closed(measured, predicted, corrected),
    }


def _groups(summary: pd.DataFrame, metric: str):
    data = summary[summary["metric"] == metric]
    return data.groupby(SPEC_COLUMNS, sort=True)


def _spec(keys) -> dict:
    return dict(zip(SPEC_COLUMNS, keys))


def _sigma_w2(spec: Mapping) -> float | None:
    return theory.sigma_w2(spec["activation"], spec["init"], spec["scale"], spec["width"], spec["bias_variance"])


def _theory_cases(summary: pd.DataFrame, metric: str):
    """(spec, σ_w², summary rows) of each combination measuring ``metric`` whose init has a σ_w²."""
    for keys, frame in _groups(summary, metric):
        spec = _spec(keys)
        variance = _sigma_w2(spec)
        if variance is not None:
            yield spec, variance, frame


def _deepest_finite(frame: pd.DataFrame):
    """The summary row of the deepest layer whose median is finite and non-zero (None if there is none)."""
    ok = frame[np.isfinite(frame["median"]) & (frame["median"] != 0)]
    return None if ok.empty else ok.sort_values("layer").iloc[-1]


def matrix_product_rows(summary: pd.DataFrame) -> list[dict]:
    """median_ij log10|Y_ij| at the last n against E log10|Y_ij| = (nλ₁ + ½(ψ(½) − ψ(k/2)))/ln 10."""
    rows = []
    for keys, frame in _groups(summary, "log10_abs_entry_median"):
        spec = _spec(keys)
        if spec["init"] != "normal":
            continue
        last = frame.sort_values("layer").iloc[-1]
        n = int(last["layer"])
        predicted = theory.mean_log_abs_entry(spec["scale"], spec["width"], n) / math.log(10)
        rows.append(_row(spec, "median log10|Y_ij|", n, last, predicted))
    return rows


def gradient_flow_rows(summary: pd.DataFrame) -> list[dict]:
    """mean_ij|Y_ij| at the deepest finite layer against the mean-field prediction, without and with the
    finite-width correction."""
    rows = []
    for keys, frame in _groups(summary, "grad_mean_abs"):
        spec = _spec(keys)
        row = _deepest_finite(frame)
        args = (spec["activation"], spec["init"], spec["scale"], spec["width"], spec["depth"], spec["bias_variance"])
        infinite = theory.gradient_flow_curve(*args, finite_width=False)
        if row is None or infinite is None:
            continue
        layer = int(row["layer"])
        finite = theory.gradient_flow_curve(*args, finite_width=True)
        rows.append(_row(spec, "mean|Y_ij|", layer, row, infinite[layer - 1], finite[layer - 1]))
    return rows


def forward_rows(summary: pd.DataFrame) -> list[dict]:
    """std of x_l at the deepest finite layer against √(E φ(√q_l z)² − (E φ(√q_l z))²)."""
    rows = []
    for keys, frame in _groups(summary, "act_std"):
        spec = _spec(keys)
        row = _deepest_finite(frame)
        curve = theory.forward_std_curve(
            spec["activation"], spec["init"], spec["scale"], spec["width"], spec["depth"], spec["bias_variance"]
        )
        if row is None or curve is None or int(row["layer"]) == 0:
            continue
        rows.append(_row(spec, "std of x_l", int(row["layer"]), row, float(curve[int(row["layer"])])))
    return rows


def phase_diagram_rows(summary: pd.DataFrame) -> list[dict]:
    """Measured per-layer gradient growth exp(median ln ratio) against χ₁(q*)."""
    rows = []
    for spec, variance, frame in _theory_cases(summary, "log_chi"):
        q_star = meanfield.fixed_point(spec["activation"], variance, spec["bias_variance"])
        predicted = float(meanfield.chi1(spec["activation"], variance, q_star))
        row = frame.iloc[0].copy()
        for column in ("median", "p05", "p95"):
            row[column] = math.exp(row[column])
        rows.append(_row(spec, "χ₁ (gradient growth per layer)", pd.NA, row, predicted))
    return rows


DEPTH_SCALE_FLOOR = 0.01  # fit |c_l − c*| only above this, and above 3σ of its finite-width noise


def fit_depth_scale(layers: np.ndarray, correlations: np.ndarray, c_star: float, floor: float) -> float:
    """ξ from a least-squares fit of ln|c_l − c*| = a − l/ξ over the layers where |c_l − c*| > ``floor`` (the
    finite-width noise), up to the first layer that falls below it; NaN with fewer than 3 such layers."""
    distance = np.abs(np.asarray(correlations, dtype=float) - c_star)
    above = distance > floor
    stop = len(above) if above.all() else int(np.argmin(above))
    if stop < 3:
        return math.nan
    slope = np.polyfit(np.asarray(layers[:stop], dtype=float), np.log(distance[:stop]), 1)[0]
    return math.inf if slope >= 0 else -1.0 / slope


def depth_scale_rows(summary: pd.DataFrame) -> list[dict]:
    """ξ_c fitted to the median correlation trajectory against −1/ln χ_c (Schoenholz et al. 2017)."""
    rows = []
    for spec, variance, frame in _theory_cases(summary, "correlation"):
        frame = frame.sort_values("layer")
        c_star = meanfield.correlation_fixed_point(spec["activation"], variance, spec["bias_variance"])
        layers, medians = frame["layer"].to_numpy()[1:], frame["median"].to_numpy()[1:]  # from layer 1 on
        noise = 3 * (1 - c_star**2) / math.sqrt(spec["width"] * int(frame["n"].iloc[0]))  # 3σ of a median of c
        fitted = fit_depth_scale(layers, medians, c_star, floor=max(DEPTH_SCALE_FLOOR, noise))
        predicted = meanfield.depth_scales(spec["activation"], variance, spec["bias_variance"])[1]
        predicted = predicted if 0 < predicted < 1e6 else math.inf  # at the edge of chaos the decay is a power law
        measured = pd.Series({"median": fitted, "p05": math.nan, "p95": math.nan})
        rows.append(_row(spec, "ξ_c (correlation depth scale)", pd.NA, measured, float(predicted)))
    return rows


def jacobian_spectrum_rows(summary: pd.DataFrame) -> list[dict]:
    """Variance of the eigenvalues of JJᵀ at each checkpoint depth against Pennington et al. (2017)."""
    rows = []
    for spec, variance, frame in _theory_cases(summary, "jjt_var"):
        orthogonal = "orthogonal" in spec["init"]
        for _, row in frame.sort_values("layer").iterrows():
            predicted = meanfield.jacobian_spectrum_variance(
                spec["activation"], variance, spec["bias_variance"], int(row["layer"]), orthogonal
            )
            rows.append(_row(spec, "variance of eig(JJᵀ)", int(row["layer"]), row, float(predicted)))
    return rows


def underflow_threshold(dtype: str) -> float:
    """Below this every entry reads 0 on TensorFlow's CPU kernels: the smallest normal for float32/bfloat16/float64
    (subnormals are flushed to zero), half the smallest subnormal for float16 (computed in float32, then rounded)."""
    info = ml_dtypes.finfo(np.dtype(dtype) if dtype != "bfloat16" else ml_dtypes.bfloat16)
    return float(info.smallest_subnormal) / 2 if dtype == "float16" else float(info.smallest_normal)


def _extreme(n: int) -> float:
    """≈ E max of n |N(0, 1)| draws: √(2 ln 2n)."""
    return math.sqrt(2 * math.log(2 * n))


def predicted_event_layers(spec: Mapping, variance: float) -> tuple[float, float]:
    """First layers (1-based; inf: not within depth) at which, by the mean-field curves, the gradient_flow
    kernel overflows — the largest |h_l| ≈ |φ(√q_l·√(2 ln 2N))| or max|Y_ij| ≈ mean|Y|·√(π/2)·√(2 ln 2N²) passes
    the dtype's max — and underflows — max|Y_ij| falls under ``underflow_threshold`` (every entry reads 0)."""
    activation, width, depth, dtype = spec["activation"], spec["width"], spec["depth"], spec["dtype"]
    info = ml_dtypes.finfo(np.dtype(dtype) if dtype != "bfloat16" else ml_dtypes.bfloat16)
    curve = theory.gradient_flow_curve(activation, spec["init"], spec["scale"], width, depth, spec["bias_variance"])
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        grad_peak = np.log(curve) + math.log(math.sqrt(math.pi / 2) * _extreme(width**2))
        q = meanfield.variance_trajectory(activation, variance, spec["bias_variance"], 1.0, depth)
        hidden_peak = np.abs(meanfield.PHI[activation][0](np.sqrt(q) * _extreme(width)))
    layers = np.arange(1, depth + 1, dtype=float)
    over = (grad_peak > math.log(float(info.max))) | ~(hidden_peak <= float(info.max))
    under = grad_peak < math.log(underflow_threshold(dtype))
    return (layers[over][0] if over.any() else math.inf), (layers[under][0] if under.any() else math.inf)


def precision_rows(summary: pd.DataFrame) -> list[dict]:
    """First overflow and underflow layers per dtype against ``predicted_event_layers``."""
    rows = []
    for metric, index in (("first_overflow_layer", 0), ("first_underflow_layer", 1)):
        for spec, variance, frame in _theory_cases(summary, metric):
            predicted = predicted_event_layers(spec, variance)[index]
            rows.append(_row(spec, metric.replace("_", " "), pd.NA, frame.iloc[0], predicted))
    return rows


ROWS = {
    "matrix_product": matrix_product_rows,
    "gradient_flow": gradient_flow_rows,
    "forward": forward_rows,
    "phase_diagram": phase_diagram_rows,
    "depth_scale": depth_scale_rows,
    "jacobian_spectrum": jacobian_spectrum_rows,
    "precision": precision_rows,
}


def theory_table(summaries: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every prediction beside its measurement, for the experiments in ``summaries`` (name → summary table)."""
    rows = [row for name, summary in summaries.items() if name in ROWS for row in ROWS[name](summary)]
    return pd.DataFrame(rows, columns=COLUMNS)


def finite_width_summary(table: pd.DataFrame) -> dict[str, float]:
    """Over gradient_flow rows with both predictions finite: how many, the median |relative error| without and
    with the finite-width correction, and the median share of the log-gap the correction closes."""
    rows = table[(table["experiment"] == "gradient_flow")].dropna(
        subset=["relative_error", "relative_error_finite_width"]
    )
    return {
        "rows": len(rows),
        "median_abs_error": float(rows["relative_error"].abs().median()) if len(rows) else math.nan,
        "median_abs_error_finite_width": float(rows["relative_error_finite_width"].abs().median())
        if len(rows)
        else math.nan,
        "median_gap_closed": float(rows["gap_closed"].median()) if len(rows) else math.nan,
    }
