import numpy as np
import pandas as pd
import pytest

from initstab import tidy
from initstab.spec import Combination, Job

SPEC = {
    "experiment": "forward",
    "activation": "relu",
    "init": "normal",
    "scale": 0.5,
    "bias_variance": 0.0,
    "sigma_w2": 2.0,
    "input_variance": np.nan,
    "regime": "none",
    "width": 8,
    "depth": 3,
    "dtype": "float32",
}


def test_per_layer_rows_carry_their_coordinates():
    values = np.array([[1.0, 2.0, np.inf], [0.0, np.nan, 3.0]])
    table = tidy.assemble(tidy.per_layer_rows(SPEC, "CPU:0", {"act_std": values}, first_layer=1))
    assert list(table.columns) == tidy.COLUMNS
    assert table["seed"].tolist() == [0, 0, 0, 1, 1, 1]
    assert table["layer"].tolist() == [1, 2, 3, 1, 2, 3]
    np.testing.assert_array_equal(table["value"].to_numpy(), values.ravel())
    assert table["finite"].tolist() == [True, True, False, True, False, True]
    assert (table["scale"] == 0.5).all() and (table["device"] == "CPU:0").all()
    assert (table["sigma_w2"] == 2.0).all()


def test_spec_values_take_the_shape_from_the_job_and_the_rest_from_the_combination():
    combination = Combination("tanh", "critical", 1.0, 0.05, "c", 1.39, "lecun_normal", 1.18, 0.2)
    job = Job("depth_scale", "w8__d3__float64__s0-3", 9, 8, 3, 4, "float64", (combination,))
    spec = tidy.spec_values(job, combination)
    assert list(spec) == tidy.SPEC_COLUMNS
    assert spec == {
        "experiment": "depth_scale",
        "activation": "tanh",
        "init": "critical",
        "scale": 1.0,
        "bias_variance": 0.05,
        "sigma_w2": 1.39,
        "input_variance": 0.2,
        "regime": "none",
        "width": 8,
        "depth": 3,
        "dtype": "float64",
    }


def test_curve_rows_sit_at_seed_zero_layer_zero_on_their_grid():
    x = np.linspace(-1.0, 1.0, 5)
    spec = SPEC | {"experiment": "activations", "init": "none", "sigma_w2": np.nan}
    table = tidy.assemble(tidy.curve_rows(spec, "CPU:0", x, {"phi": np.maximum(x, 0), "dphi": (x > 0) * 1.0}))
    assert table["metric"].tolist() == ["phi"] * 5 + ["dphi"] * 5
    assert (table["seed"] == 0).all() and (table["layer"] == 0).all() and table["sigma_w2"].isna().all()
    np.testing.assert_array_equal(table["x"].to_numpy(), np.concatenate([x, x]))


def test_round_trip_keeps_inf_nan_zero_and_empty_layers(tmp_path):
    frames = [
        *tidy.per_layer_rows(SPEC, "CPU:0", {"m": np.array([[0.0, -np.inf, np.nan]])}, 0),
        *tidy.per_seed_rows(SPEC, "CPU:0", {"first_nonfinite_layer": np.array([np.inf, 4.0])}),
    ]
    table = tidy.assemble(frames)
    table.to_csv(tmp_path / "t.csv", index=False)
    back = tidy.read_table(tmp_path / "t.csv")
    pd.testing.assert_frame_equal(back, table)
    assert back["layer"].isna().sum() == 2
    nan_sigma = tidy.assemble(tidy.per_layer_rows(SPEC | {"sigma_w2": np.nan}, "CPU:0", {"m": np.ones((1, 2))}))
    nan_sigma.to_csv(tmp_path / "n.csv", index=False)
    assert tidy.read_table(tmp_path / "n.csv")["sigma_w2"].isna().all()  # non-centred inits: no σ_w²
    tidy.validate(back)


def test_validate_names_the_problem():
    table = tidy.assemble(tidy.per_layer_rows(SPEC, "CPU:0", {"m": np.array([[1.0, np.inf]])}, 0))
    table.loc[1, "finite"] = True
    with pytest.raises(ValueError, match="finite"):
        tidy.validate(table)
    with pytest.raises(ValueError, match="lacks columns"):
        tidy.validate(table.drop(columns=["metric"]))


def test_first_layer_where_encodes_never_as_inf():
    mask = np.array([[False, True, True], [False, False, False], [True, False, False]])
    np.testing.assert_array_equal(tidy.first_layer_where(mask, first_layer=1), [2.0, np.inf, 1.0])


def test_block_means_follow_python_float_arithmetic():
    values = np.array([1.0, 3.0, np.inf, 1.0, np.inf, -np.inf, 5.0])
    starts, means = tidy.block_means(values, 2)
    assert starts.tolist() == [0, 2, 4] and means.tolist()[:2] == [2.0, np.inf] and np.isnan(means[2])


def test_block_means_keep_only_blocks_wholly_within_the_seeds():
    """Seeds 3–9 in blocks of 2: the block of seeds 2, 3 is cut, those from 4, 6 and 8 are whole."""
    starts, means = tidy.block_means(np.arange(3.0, 10.0), 2, first_seed=3)
    assert starts.tolist() == [4, 6, 8] and means.tolist() == [4.5, 6.5, 8.5]


def job_rows():
    """A two-combination job and the rows its kernel writes (2 seeds × 3 layers of one metric each)."""
    combinations = tuple(
        Combination("tanh", "normal", scale, 0.0, f"c{scale}", scale**2 * 8, "normal", scale, np.nan)
        for scale in (0.5, 1.0)
    )
    job = Job("forward", "w8__d3__float32__s0-1", 1, 8, 3, 2, "float32", combinations)
    frames = [
        frame
        for c in combinations
        for frame in tidy.per_layer_rows(tidy.spec_values(job, c), "CPU:0", {"act_std": np.ones((2, 3))})
    ]
    return job, tidy.assemble(frames)


def test_job_rows_match_their_spec():
    job, table = job_rows()
    tidy.check_job_rows(table, job, "t.csv")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t[t["scale"] == 0.5], r"t.csv \(job forward/w8__d3__float32__s0-1\): combinations"),
        (lambda t: t.iloc[:-1], "differ in row count or metrics"),
        (lambda t: t.assign(depth=4), "depth \\[4\\], the job has 3"),
        (lambda t: t.assign(seed=t["seed"] + 1), "seeds outside 0..1"),
        (lambda t: t.assign(activation="relu"), "combinations"),
    ],
)
def test_rows_that_are_not_the_jobs_are_refused_naming_the_file(edit, message):
    job, table = job_rows()
    with pytest.raises(ValueError, match=message):
        tidy.check_job_rows(edit(table), job, "t.csv")


def test_job_tables_concatenated_byte_for_byte_are_their_table_written_whole(tmp_path):
    """collect writes the job CSVs' rows after one header: the same bytes as writing the assembled table."""
    from initstab.io import concatenate_csv, write_csv

    spec = dict(experiment="forward", activation="tanh", init="lecun_normal", scale=1.5, bias_variance=0.05)
    spec |= dict(regime="", sigma_w2=2.25, input_variance=np.nan, width=8, depth=3, dtype="float32")
    values = dict(seed=0, metric="act_std", value=[0.1, np.inf, np.nan], finite=[True, False, False], x=np.nan)
    rows = pd.DataFrame({**spec, **values, "device": "/CPU:0"}, index=range(3))
    rows["layer"] = pd.array([1, None, 3], dtype="Int64")
    first, second = tidy.assemble([rows]), tidy.assemble([rows.assign(seed=7, value=[-0.0, 1e-320, 3e38])])
    for name, part in (("a.csv", first), ("b.csv", second)):
        write_csv(part, tmp_path / name)
    write_csv(tidy.assemble([first, second]), tmp_path / "whole.csv")
    header = ",".join(tidy.COLUMNS)
    concatenate_csv([tmp_path / "a.csv", tmp_path / "b.csv"], tmp_path / "joined.csv", header)
    assert (tmp_path / "joined.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    with pytest.raises(ValueError, match="a.csv: header"):
        concatenate_csv([tmp_path / "a.csv"], tmp_path / "bad.csv", header + ",extra")
