"""One job = one combination of the sweep: run its kernel and return its tidy rows (imports TensorFlow)."""

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import tensorflow as tf

from initstab import kernels, tidy


def _args(spec: Mapping, *names: str) -> dict:
    return {name: spec[name] for name in names}


def _matrix_product(spec, device):
    metrics = kernels.matrix_product(**_args(spec, "init", "scale", "width", "depth", "seeds", "dtype", "job_seed"))
    return tidy.per_layer_rows(spec, device, metrics, first_layer=1)


def _gradient_flow(spec, device):
    names = ("activation", "init", "scale", "width", "depth", "seeds", "dtype", "job_seed")
    metrics = kernels.gradient_flow(**_args(spec, *names))
    hidden_finite = metrics.pop("hidden_all_finite")
    notebook = tidy.block_means(metrics["grad_mean_abs_native"][:, -1], spec["repeats"])
    overflow = {"first_nonfinite_hidden_layer": tidy.first_layer_where(hidden_finite == 0, first_layer=1)}
    return [
        *tidy.per_layer_rows(spec, device, metrics, first_layer=1),
        *tidy.per_layer_rows(spec, device, {"notebook_grad_mean": notebook[:, None]}, spec["depth"]),
        *tidy.per_seed_rows(spec, device, overflow),
    ]


def _forward(spec, device):
    names = ("activation", "init", "scale", "width", "depth", "seeds", "dtype", "job_seed")
    metrics = kernels.forward(**_args(spec, *names))
    all_finite = metrics.pop("all_finite")
    events = {
        "first_nonfinite_layer": tidy.first_layer_where(all_finite == 0),
        "first_nan_mean_layer": tidy.first_layer_where(np.isnan(metrics["act_mean_native"])),
    }
    return [
        *tidy.per_layer_rows(spec, device, metrics, first_layer=0),
        *tidy.per_seed_rows(spec, device, events),
    ]


def _repeated_matrix(spec, device):
    names = ("activation", "init", "scale", "width", "seeds", "dtype", "job_seed")
    metrics = kernels.repeated_matrix(cap=spec["depth"], **_args(spec, *names))
    return tidy.per_seed_rows(spec, device, metrics)


def _activations(spec, device):
    x = np.linspace(spec["x_min"], spec["x_max"], spec["width"])
    return tidy.curve_rows(spec, device, x, kernels.activation_curves(spec["activation"], x, spec["dtype"]))


KERNELS: dict[str, Callable[[Mapping, str], list[pd.DataFrame]]] = {
    "matrix_product": _matrix_product,
    "gradient_flow": _gradient_flow,
    "forward": _forward,
    "repeated_matrix": _repeated_matrix,
    "activations": _activations,
}


def run_job(spec: Mapping, device: str = "/CPU:0") -> pd.DataFrame:
    """Run the kernel of ``spec['experiment']`` on ``device`` and return its tidy table."""
    with tf.device(device):
        frames = KERNELS[spec["experiment"]](spec, device.strip("/"))
    return tidy.assemble(frames)
