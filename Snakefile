# initstab: signals and gradients at initialization, as seeded ensembles beside the notebooks' numbers.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"  # combination table, get_* helpers, targets
include: "workflow/rules/experiments.smk"  # one TensorFlow job per combination
include: "workflow/rules/collect.smk"  # per-job CSVs -> tidy table + summary per experiment
include: "workflow/rules/figures.smk"  # one rule per figure
include: "workflow/rules/report.smk"  # reproduction table and summary report


rule all:
    input:
        all_targets(),
