"""Write the self-contained summary report."""

from pathlib import Path

import pandas as pd

from initstab import report
from initstab.checksums import write_checksums
from initstab.io import write_atomic
from initstab.logs import capture
from initstab.provenance import git_commit
from initstab.theory import meanfield

log = capture(snakemake.log[0], "summary_report")
figures = [
    (Path(png).stem, png, report.caption_text(Path(caption).read_text(), snakemake.params.sizes[Path(png).stem]))
    for png, caption in zip(snakemake.input.figures, snakemake.input.captions)
]
page = report.summary_html(
    pd.read_csv(snakemake.input.reproduction, dtype={"source": "str"}),
    figures,
    snakemake.params.provenance["config_hash"],
    snakemake.params.provenance["versions"],
    git_commit(snakemake.scriptdir),
    theory=pd.read_csv(snakemake.input.theory, dtype={"layer": "Int64"}),
    critical=meanfield.critical_weight_variances(snakemake.params.activations),
)
write_atomic(snakemake.output[0], lambda tmp: Path(tmp).write_text(page))
log.info("wrote %s (%d figures)", snakemake.output[0], len(figures))
write_checksums(snakemake.output)
