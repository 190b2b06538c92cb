"""Every mean-field prediction beside its measured median (comparison.theory_table)."""

import pandas as pd

from initstab import comparison
from initstab.io import write_csv
from initstab.logs import capture

log = capture(snakemake.log[0], "theory")
summaries = {
    experiment: pd.read_csv(path, dtype={"layer": "Int64"})
    for experiment, path in zip(snakemake.params.experiments, snakemake.input.summaries)
}
table = comparison.theory_table(summaries)
write_csv(table, snakemake.output[0])
log.info(
    "%d predictions from %s; finite width: %s", len(table), list(summaries), comparison.finite_width_summary(table)
)
