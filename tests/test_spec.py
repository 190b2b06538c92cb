"""Jobs travel as plain data (Snakemake params) and come back equal; specs are frozen values."""

import dataclasses
import json
import math

import pytest

from initstab.combinations import combination_table
from initstab.spec import Combination, Job

CONFIG = {
    "seed": 5,
    "dtype": "float32",
    "experiments": {
        "depth_scale": {
            "width": 8,
            "depth": 3,
            "seeds": 2,
            "input_correlation": 0.6,
            "cases": [{"activations": ["tanh"], "inits": ["critical", "lsuv", "uniform_noncentered"], "scales": [1.0]}],
        }
    },
}


def the_job() -> Job:
    ((_, job),) = combination_table(CONFIG).items()
    return job


def test_params_round_trip_through_json():
    job = the_job()
    params = job.to_params()
    assert isinstance(params["combinations"], list | tuple) and isinstance(params["combinations"][0], dict)
    back = Job.from_params(json.loads(json.dumps(params)))  # NaN σ_w² survives json's NaN
    assert back.settings() == job.settings()
    assert [dataclasses.astuple(c)[:5] for c in back.combinations] == [
        dataclasses.astuple(c)[:5] for c in job.combinations
    ]
    assert isinstance(back.combinations, tuple) and all(isinstance(c, Combination) for c in back.combinations)
    assert Job.from_params(params) == job  # without a NaN field in between, equal as values


def test_specs_are_frozen_and_hashable():
    job = the_job()
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.width = 9
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.combinations[0].scale = 2.0
    assert hash(job.combinations[0]) == hash(dataclasses.replace(job.combinations[0]))


def test_settings_are_the_job_fields_without_its_combinations():
    job = the_job()
    assert job.settings() == {
        "experiment": "depth_scale",
        "name": "w8__d3__float32__s0-1",
        "global_seed": 5,
        "width": 8,
        "depth": 3,
        "seeds": 2,
        "dtype": "float32",
        "first_seed": 0,
        "repeats": None,
        "input_correlation": 0.6,
        "x_min": None,
        "x_max": None,
        "training": None,
    }


def test_has_sigma_w2():
    by_init = {c.init: c for c in the_job().combinations}
    assert by_init["critical"].has_sigma_w2 and by_init["critical"].sigma_w2 > 0
    assert not by_init["lsuv"].has_sigma_w2 and not by_init["uniform_noncentered"].has_sigma_w2
    assert math.isnan(by_init["lsuv"].sigma_w2) and by_init["lsuv"].lsuv
