"""Render one figure from its table and save it as PDF and PNG with provenance metadata."""

import pandas as pd

from initstab import figures, tidy
from initstab.logs import capture
from initstab.report import provenance

log = capture(snakemake.log[0], "figure")
name = snakemake.params.figure
path = snakemake.input[0]
table = tidy.read_table(path) if not path.endswith("_summary.csv") else pd.read_csv(path, dtype={"layer": "Int64"})
fig = figures.FIGURES[name](table)
figures.save(fig, snakemake.output.pdf, snakemake.output.png, provenance(snakemake.config))
log.info("figure %s from %d rows of %s", name, len(table), path)
