"""One job = the stacked combinations of one experiment and activation: run its kernel, return tidy rows.

Imports TensorFlow. Combinations run stacked along the leading tensor dimension, in chunks whose weight batch
stays under ``combinations.BATCH_BYTES``; kernels with a data-dependent loop length (repeated_matrix) run one
combination at a time, so a fast combination never waits for the slowest one's steps.
"""

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import tensorflow as tf

from initstab import kernels, tidy
from initstab.combinations import chunk_size

Rows = list[pd.DataFrame]


def combination_specs(spec: Mapping) -> list[dict]:
    """One flat spec per combination of a job (the job's settings plus the combination's own keys)."""
    settings = {key: value for key, value in spec.items() if key != "combinations"}
    return [{**settings, **combination} for combination in spec["combinations"]]


def _chunks(specs: Sequence[dict], size: int):
    for start in range(0, len(specs), size):
        yield specs[start : start + size]


def _combinations(specs: Sequence[Mapping]) -> list[kernels.Combination]:
    return [kernels.Combination(s["init"], s["scale"], s["seed"], s["bias_variance"]) for s in specs]


def _shape(spec: Mapping) -> kernels.Shape:
    return kernels.Shape(spec["width"], spec["depth"], spec["seeds"], spec["dtype"])


def _matrix_product(spec, metrics, device) -> Rows:
    return tidy.per_layer_rows(spec, device, metrics, first_layer=1)


def _gradient_events(spec, metrics, device) -> Rows:
    """Per seed: the first layer whose hidden state overflowed; the first whose hidden state or gradient holds an
    inf/NaN (overflow); the first whose gradient is exactly 0 everywhere before any overflow (underflow: after an
    overflow ReLU(NaN) = 0 zeroes the gradient too, which is not an underflow)."""
    hidden_overflow = metrics.pop("hidden_all_finite") == 0
    overflow = hidden_overflow | (metrics.pop("grad_all_finite") == 0)
    underflow = (metrics.pop("grad_any_nonzero") == 0) & ~np.logical_or.accumulate(overflow, axis=1)
    events = {
        "first_nonfinite_hidden_layer": tidy.first_layer_where(hidden_overflow, first_layer=1),
        "first_overflow_layer": tidy.first_layer_where(overflow, first_layer=1),
        "first_underflow_layer": tidy.first_layer_where(underflow, first_layer=1),
    }
    return tidy.per_seed_rows(spec, device, events)


def _gradient_flow(spec, metrics, device) -> Rows:
    events = _gradient_events(spec, metrics, device)
    notebook = tidy.block_means(metrics["grad_mean_abs_native"][:, -1], spec["repeats"])
    return [
        *tidy.per_layer_rows(spec, device, metrics, first_layer=1),
        *tidy.per_layer_rows(spec, device, {"notebook_grad_mean": notebook[:, None]}, spec["depth"]),
        *events,
    ]


def _precision(spec, metrics, device) -> Rows:
    events = _gradient_events(spec, metrics, device)
    return [*tidy.per_layer_rows(spec, device, {"grad_mean_abs": metrics["grad_mean_abs"]}, first_layer=1), *events]


def _forward(spec, metrics, device) -> Rows:
    all_finite = metrics.pop("all_finite")
    events = {
        "first_nonfinite_layer": tidy.first_layer_where(all_finite == 0),
        "first_nan_mean_layer": tidy.first_layer_where(np.isnan(metrics["act_mean_native"])),
    }
    return [*tidy.per_layer_rows(spec, device, metrics, first_layer=0), *tidy.per_seed_rows(spec, device, events)]


def _phase_diagram(spec, metrics, device) -> Rows:
    """Per-layer ln growth and, per seed, its mean over the second half of the layers (ln χ measured)."""
    growth = metrics["log_grad_growth"]
    log_chi = growth[:, spec["depth"] // 2 :].mean(axis=1)
    return [
        *tidy.per_layer_rows(spec, device, metrics, first_layer=1),
        *tidy.per_seed_rows(spec, device, {"log_chi": log_chi}),
    ]


def _jacobian_spectrum(spec, metrics, device) -> Rows:
    return tidy.per_layer_rows(spec, device, metrics, layers=kernels.checkpoints(spec["depth"]))


def _depth_scale(spec, metrics, device) -> Rows:
    return tidy.per_layer_rows(spec, device, metrics, first_layer=0)


def _repeated_matrix(spec, device) -> Rows:
    names = ("activation", "init", "scale", "width", "seeds", "dtype")
    metrics = kernels.repeated_matrix(cap=spec["depth"], job_seed=spec["seed"], **{n: spec[n] for n in names})
    return tidy.per_seed_rows(spec, device, metrics)


def _activations(spec, device) -> Rows:
    x = np.linspace(spec["x_min"], spec["x_max"], spec["width"])
    return tidy.curve_rows(spec, device, x, kernels.activation_curves(spec["activation"], x, spec["dtype"]))


def _gradient_kernel(spec, combinations):
    return kernels.gradient_flow_batch(spec["activation"], combinations, _shape(spec))


STACKED: dict[str, tuple[Callable, Callable]] = {
    "matrix_product": (
        lambda s, c: kernels.matrix_product_batch(c, _shape(s)),
        _matrix_product,
    ),
    "gradient_flow": (_gradient_kernel, _gradient_flow),
    "precision": (_gradient_kernel, _precision),
    "forward": (
        lambda s, c: kernels.forward_batch(s["activation"], c, _shape(s)),
        _forward,
    ),
    "phase_diagram": (
        lambda s, c: kernels.gradient_norm_growth_batch(s["activation"], c, _shape(s)),
        _phase_diagram,
    ),
    "jacobian_spectrum": (
        lambda s, c: kernels.jacobian_spectrum_batch(s["activation"], c, _shape(s)),
        _jacobian_spectrum,
    ),
    "depth_scale": (
        lambda s, c: kernels.correlation_flow_batch(s["activation"], c, _shape(s), s["input_correlation"]),
        _depth_scale,
    ),
}
ONE_AT_A_TIME: dict[str, Callable[[Mapping, str], Rows]] = {
    "repeated_matrix": _repeated_matrix,
    "activations": _activations,
}


def run_job(spec: Mapping, device: str = "/CPU:0", progress=None) -> pd.DataFrame:
    """Run every combination of ``spec`` on ``device`` and return their tidy rows; ``progress(done, total)``
    is called after each chunk."""
    specs = combination_specs(spec)
    name = device.strip("/")
    frames: Rows = []
    with tf.device(device):
        if spec["experiment"] in ONE_AT_A_TIME:
            for done, one in enumerate(specs, 1):
                frames += ONE_AT_A_TIME[spec["experiment"]](one, name)
                if progress:
                    progress(done, len(specs))
        else:
            kernel, rows = STACKED[spec["experiment"]]
            done = 0
            for chunk in _chunks(specs, chunk_size(spec)):
                metrics = kernel(spec, _combinations(chunk))  # no XLA: 2–10× slower on CPU (benchmarks/)
                for i, one in enumerate(chunk):
                    frames += rows(one, {metric: values[i] for metric, values in metrics.items()}, name)
                done += len(chunk)
                if progress:
                    progress(done, len(specs))
    return tidy.assemble(frames)
