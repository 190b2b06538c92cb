"""Concatenate per-job tables into one tidy table per experiment and its per-layer summary."""

from initstab import stats, tidy
from initstab.io import write_csv
from initstab.logs import capture

log = capture(snakemake.log[0], "collect")
table = tidy.assemble([tidy.read_table(path) for path in snakemake.input.jobs])
tidy.validate(table)
log.info("%d rows from %d jobs; %d non-finite", len(table), len(snakemake.input.jobs), (~table["finite"]).sum())
table_path, summary_path = snakemake.output
write_csv(table, table_path)
summary = stats.summarize(table, [*tidy.SPEC_COLUMNS, "layer", "x", "metric"])
write_csv(summary, summary_path)
log.info("%d summary rows", len(summary))
