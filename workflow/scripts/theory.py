"""Every mean-field prediction beside its measured median (initstab.experiments.theory_table)."""

import pandas as pd

from initstab.checksums import write_checksums
from initstab.experiments import theory_table
from initstab.io import write_csv
from initstab.logs import capture

log = capture(snakemake.log[0], "theory")
summaries = {
    experiment: pd.read_csv(path, dtype={"layer": "Int64"})
    for experiment, path in zip(snakemake.params.experiments, snakemake.input.summaries, strict=True)
}
table = theory_table(summaries)
write_csv(table, snakemake.output[0])
log.info("%d predictions from %s", len(table), list(summaries))
write_checksums(snakemake.output)
