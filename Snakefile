# initstab: signals and gradients at initialization, as seeded ensembles beside the notebooks' numbers.
import os
import sys

from snakemake.utils import min_version

min_version("9.0")

# Paths from this file's directory (not workflow.basedir): the workflow also runs as another workflow's `module`.
HERE = workflow.current_basedir.get_path_or_uri(secret_free=False)
sys.path.insert(0, os.path.join(HERE, "src"))
import initstab.config as sweep

# A --configfile alone (--config on top), else config.yaml (working directory's, else this one's); see config.py.
CONFIG_SOURCE = sweep.load_workflow_config(config, workflow)
sweep.validate_config(
    config,
    os.path.join(HERE, "workflow", "schemas", "config.schema.yaml"),
    CONFIG_SOURCE,
    skip=workflow.modifier.skip_validation,
)
sweep.check_host(config, CONFIG_SOURCE, **sweep.host_limits(config, workflow))


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"  # combination table, get_* helpers, targets
include: "workflow/rules/experiments.smk"  # one TensorFlow job per stacked group of combinations
include: "workflow/rules/collect.smk"  # per-job CSVs -> tidy table + summary per experiment
include: "workflow/rules/figures.smk"  # one rule per figure
include: "workflow/rules/report.smk"  # reproduction table and summary report


rule all:
    input:
        all_targets(),


onsuccess:
    verify_cache()  # and make this run's new entries read-only


onerror:
    verify_cache()
