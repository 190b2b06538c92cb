"""Render one figure from its table and save it as PDF and PNG with provenance metadata."""

import pandas as pd

from initstab import figures, tidy
from initstab.checksums import write_checksums
from initstab.experiments import FIGURES
from initstab.logs import capture
from initstab.provenance import figure_metadata, git_commit

log = capture(snakemake.log[0], "figure")
name, provenance = snakemake.params.figure, snakemake.params.provenance
path = snakemake.input.table
table = pd.read_csv(path, dtype={"layer": "Int64"}) if FIGURES[name].table == "summary" else tidy.read_table(path)
fig = FIGURES[name].plot(table)
metadata = figure_metadata(name, provenance["config_hash"], provenance["versions"], git_commit(snakemake.scriptdir))
pdf, png, _ = snakemake.output
figures.save(fig, pdf, png, metadata)
log.info("figure %s from %d rows of %s", name, len(table), path)
write_checksums(snakemake.output)
