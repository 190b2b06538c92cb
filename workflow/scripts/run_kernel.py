"""Run one job's stacked combinations through their experiment's TensorFlow kernel and write its tidy CSV."""

import resource
import time

from initstab.checksums import write_checksums
from initstab.logs import capture
from initstab.spec import Job

log = capture(snakemake.log[0], "kernel")
job = Job.from_params(snakemake.params.job)
log.info("job %s/%s: %d combinations: %s", job.experiment, job.name, len(job.combinations), job.settings())

from initstab.tf.runtime import configure_tensorflow  # noqa: E402 - TensorFlow after the log is open

device = configure_tensorflow(snakemake.threads, snakemake.params.device)
from initstab.io import write_csv  # noqa: E402
from initstab.tf.jobs import run_job  # noqa: E402

start = time.perf_counter()
table = run_job(job, device, progress=lambda done, total: log.info("%d/%d combinations done", done, total))
log.info("computed %d rows on %s in %.2f s", len(table), device, time.perf_counter() - start)
log.info("non-finite values: %d of %d", (~table["finite"]).sum(), len(table))
write_csv(table, snakemake.output[0])
log.info("peak memory %.0f MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
write_checksums(snakemake.output)
