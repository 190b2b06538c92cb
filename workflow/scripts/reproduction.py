"""Compare every number printed in the seed notebooks with our ensembles."""

import pandas as pd

from initstab import tidy
from initstab.checksums import write_checksums
from initstab.io import write_csv
from initstab.logs import capture
from initstab.reproduction import reproduction_table

log = capture(snakemake.log[0], "reproduction")
resources = {"numbers", "matrices", "notes", "library"}
tables = {name: tidy.read_table(path) for name, path in snakemake.input.items() if name not in resources}
table = reproduction_table(
    pd.read_csv(snakemake.input.numbers, dtype={"source": "str", "seed_value": "str"}),
    pd.read_csv(snakemake.input.matrices, dtype={"source": "str"}),
    tables,
    pd.read_csv(snakemake.input.notes, dtype={"source": "str"}),
    dtype=snakemake.params.dtype,
)
write_csv(table, snakemake.output[0])
judged = table["inside"].notna()
log.info("%d of %d printed numbers inside the band", int(table.loc[judged, "inside"].sum()), int(judged.sum()))
write_checksums(snakemake.output)
