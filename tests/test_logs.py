import subprocess
import sys

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
