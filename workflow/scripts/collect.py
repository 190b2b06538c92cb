"""Concatenate per-job tables into one tidy table per experiment and its per-layer summary."""

from initstab import stats, tidy
from initstab.checksums import write_checksums
from initstab.io import concatenate_csv, write_csv
from initstab.logs import capture
from initstab.spec import Job

log = capture(snakemake.log[0], "collect")
jobs = [Job.from_params(params) for params in snakemake.params.jobs]
tables = [tidy.read_table(path) for path in snakemake.input.jobs]
for path, job, part in zip(snakemake.input.jobs, jobs, tables, strict=True):
    tidy.check_job_rows(part, job, path)
table = tidy.assemble(tables)
tidy.validate(table)
log.info("%d rows from %d jobs; %d non-finite", len(table), len(snakemake.input.jobs), (~table["finite"]).sum())
table_path, summary_path, _ = snakemake.output
concatenate_csv(snakemake.input.jobs, table_path, ",".join(tidy.COLUMNS))  # the checked rows, as the jobs wrote them
summary = stats.summarize(table, [*tidy.SPEC_COLUMNS, "layer", "x", "metric"])
write_csv(summary, summary_path)
log.info("%d summary rows", len(summary))
write_checksums(snakemake.output)
