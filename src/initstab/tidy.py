"""The one long table every job writes and every figure reads (no TensorFlow here).

One row per (job, seed, layer, metric, x); ``x`` is a curve's grid point (the activations' input, the training
experiments' step). Non-finite values are kept as inf/NaN and flagged by ``finite``;
per-seed metrics (e.g. ``first_nonfinite_layer``) have an empty ``layer``; an event that never happens within
the network is encoded as ``inf`` (the notebooks' own ``float('Inf')``).
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from initstab.spec import Combination, Job

SPEC_COLUMNS = [
    "experiment",
    "activation",
    "init",
    "scale",
    "bias_variance",
    "regime",
    "sigma_w2",
    "input_variance",
    "width",
    "depth",
    "dtype",
]
COLUMNS = [*SPEC_COLUMNS, "seed", "layer", "metric", "value", "finite", "x", "device"]
DTYPES = {
    "experiment": "str",
    "activation": "str",
    "init": "str",
    "scale": "float64",
    "bias_variance": "float64",
    "regime": "str",
    "sigma_w2": "float64",
    "input_variance": "float64",
    "width": "int64",
    "depth": "int64",
    "dtype": "str",
    "seed": "int64",
    "layer": "Int64",
    "metric": "str",
    "value": "float64",
    "finite": "bool",
    "x": "float64",
    "device": "str",
}


def spec_values(job: Job, combination: Combination) -> dict:
    """The SPEC_COLUMNS of one combination's rows (``sigma_w2`` and ``input_variance``, the q* its inputs start
    at, carried from the combination table)."""
    shape = {name: getattr(job, name) for name in ("experiment", "width", "depth", "dtype")}
    own = {
        name: getattr(combination, name)
        for name in ("activation", "init", "scale", "bias_variance", "regime", "sigma_w2", "input_variance")
    }
    return {name: (shape | own)[name] for name in SPEC_COLUMNS}


def _frame(spec: Mapping, device: str, metric: str, values, seeds, layers, x=np.nan) -> pd.DataFrame:
    values = np.asarray(values, dtype=np.float64).ravel()
    columns = dict(spec)
    columns |= {"seed": seeds, "layer": layers, "metric": metric, "value": values}
    columns |= {"finite": np.isfinite(values), "x": x, "device": device}
    return pd.DataFrame(columns, index=pd.RangeIndex(values.size))


def per_layer_rows(
    spec: Mapping, device: str, metrics: Mapping[str, np.ndarray], first_layer: int = 0, layers=None, first_seed=0
):
    """Rows from (seeds, layers) arrays; row i is seed ``first_seed + i`` (``first_seed`` an array: seed
    ``first_seed[i]``), column j layer ``layers[j]`` (default ``first_layer + j``)."""
    frames = []
    for metric, values in metrics.items():
        n_seeds, n_layers = np.shape(values)
        numbers = np.arange(first_seed, first_seed + n_seeds) if np.ndim(first_seed) == 0 else np.asarray(first_seed)
        seeds = np.repeat(numbers, n_layers)
        numbers = np.arange(first_layer, first_layer + n_layers) if layers is None else np.asarray(layers)
        layers_column = np.tile(numbers, n_seeds)
        frames.append(_frame(spec, device, metric, values, seeds, layers_column))
    return frames


def per_seed_rows(spec: Mapping, device: str, metrics: Mapping[str, np.ndarray], first_seed: int = 0):
    """Rows from (seeds,) arrays of whole-network metrics (seeds ``first_seed`` on); ``layer`` is empty."""
    return [
        _frame(spec, device, metric, values, first_seed + np.arange(np.size(values)), pd.NA)
        for metric, values in metrics.items()
    ]


def per_step_rows(
    spec: Mapping, device: str, metrics: Mapping[str, np.ndarray], steps, first_seed: int = 0
) -> list[pd.DataFrame]:
    """Rows of a training record, ``x`` the step: (seeds, steps) arrays with an empty ``layer``, (seeds, steps,
    layers) arrays with hidden layers 1..layers; seeds ``first_seed`` on."""
    frames = []
    for metric, values in metrics.items():
        n_seeds, n_steps, *rest = np.shape(values)
        n_layers = rest[0] if rest else 1
        seeds = np.repeat(np.arange(first_seed, first_seed + n_seeds), n_steps * n_layers)
        x = np.tile(np.repeat(np.asarray(steps, dtype=np.float64), n_layers), n_seeds)
        layers = np.tile(np.arange(1, n_layers + 1), n_seeds * n_steps) if rest else pd.NA
        frames.append(_frame(spec, device, metric, values, seeds, layers, x=x))
    return frames


def curve_rows(spec: Mapping, device: str, x: np.ndarray, metrics: Mapping[str, np.ndarray]):
    """Rows of functions sampled on a grid ``x`` (seed 0, layer 0)."""
    return [_frame(spec, device, metric, values, 0, 0, x=x) for metric, values in metrics.items()]


def first_layer_where(mask: np.ndarray, first_layer: int = 0) -> np.ndarray:
    """Per seed, the first layer whose ``mask`` is true; inf where it never is. ``mask`` is (seeds, layers)."""
    mask = np.asarray(mask, dtype=bool)
    first = np.argmax(mask, axis=1).astype(np.float64) + first_layer
    return np.where(mask.any(axis=1), first, np.inf)


def block_means(values: np.ndarray, block: int, first_seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Means over blocks of ``block`` consecutive seeds (the notebooks average 10 repeats): blocks start at
    multiples of ``block``; ``values`` are seeds ``first_seed`` on, and a block not wholly among them is dropped.
    Returns (each block's first seed, the means). Arithmetic as Python's ``sum(res)/len(res)``: one inf makes inf,
    inf−inf makes NaN."""
    values = np.asarray(values, dtype=np.float64)
    start = -(-first_seed // block) * block
    values = values[start - first_seed :]
    n_blocks = values.size // block
    with np.errstate(invalid="ignore", over="ignore"):
        means = values[: n_blocks * block].reshape(n_blocks, block).mean(axis=1)
    return start + block * np.arange(n_blocks), means


def assemble(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate row blocks into the tidy schema, columns in order and typed."""
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return table[COLUMNS].astype(DTYPES)


def read_table(path) -> pd.DataFrame:
    """Read a tidy CSV back with the schema's dtypes (``inf``/``nan`` parse as floats)."""
    return pd.read_csv(path, dtype=DTYPES, keep_default_na=True)


def check_job_rows(table: pd.DataFrame, job: Job, path) -> None:
    """Raise ValueError naming ``path`` unless its rows are exactly the job's: its experiment, shape and dtype, one
    group per combination (activation, init, scale, σ_b², regime), seeds within the job's, the same metrics and row
    count for every combination."""
    where = f"{path} (job {job.experiment}/{job.name})"
    for column in ("experiment", "width", "depth", "dtype"):
        found = set(table[column])
        if found != {getattr(job, column)}:
            raise ValueError(f"{where}: {column} {sorted(found)}, the job has {getattr(job, column)!r}")
    keys = ["activation", "init", "scale", "bias_variance", "regime"]
    expected = {(c.activation, c.init, c.scale, c.bias_variance, c.regime) for c in job.combinations}
    groups = {key: frame for key, frame in table.groupby(keys)}
    if set(groups) != expected:
        raise ValueError(
            f"{where}: combinations {sorted(set(groups) ^ expected)} are in only one of the table and the job"
        )
    first, last = job.first_seed, job.seed_indices.stop - 1
    if not table["seed"].between(first, last).all():
        raise ValueError(f"{where}: seeds outside {first}..{last}")
    shapes = {(len(frame), tuple(sorted(set(frame["metric"])))) for frame in groups.values()}
    if len(shapes) != 1:
        raise ValueError(f"{where}: combinations differ in row count or metrics: {sorted(shapes)}")


def validate(table: pd.DataFrame) -> None:
    """Raise ValueError naming what breaks the schema."""
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"tidy table lacks columns {missing}")
    flags = np.isfinite(table["value"].to_numpy(dtype=np.float64))
    if not np.array_equal(flags, table["finite"].to_numpy(dtype=bool)):
        raise ValueError("column 'finite' disagrees with np.isfinite(value)")
