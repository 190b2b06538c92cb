import subprocess
import sys

import pytest

from initstab.tf.runtime import START_UP_NOISE

JOB = """
import logging, warnings
from initstab.logs import capture
log = capture({path!r}, "figure")
log.info("figure from 12 rows")
logging.getLogger("fontTools.subset").info("subsetting glyphs")
logging.getLogger("matplotlib").warning("no glyph")
print("stdout line")
"""


def test_a_job_log_holds_its_own_info_and_only_warnings_of_libraries(tmp_path):
    path = tmp_path / "job.log"
    subprocess.run([sys.executable, "-c", JOB.format(path=str(path))], check=True, timeout=60)
    text = path.read_text()
    assert "INFO figure: figure from 12 rows" in text and "WARNING matplotlib: no glyph" in text
    assert "stdout line" in text and "subsetting" not in text


@pytest.mark.workflow
def test_kernel_logs_of_the_tiny_run_say_what_ran_without_tensorflows_start_up_notes(tiny):
    """A kernel log: its job, time, rows, non-finite count and peak memory; TensorFlow's C++ start-up notes (oneDNN,
    no CUDA driver, cuInit on a CPU host) are dropped, anything else it writes would stay."""
    logs = sorted((tiny / "results" / "logs" / "jobs").rglob("*.log"))
    assert logs
    for path in logs:
        text = path.read_text()
        for expected in ("INFO kernel: job ", " rows on ", "non-finite values:", "peak memory"):
            assert expected in text, (path.name, expected)
        assert not any(noise in text for noise in START_UP_NOISE), path.name
        assert len(text.splitlines()) <= 8, text
