"""Send everything a job prints (Python logging, warnings, TensorFlow's C++ messages) to its rule's log.

The job's own logger says what it does at INFO; libraries (fontTools, matplotlib, absl/TensorFlow) only warn.
"""

import logging
import os
import sys


def capture(path: str, name: str) -> logging.Logger:
    """Redirect file descriptors 1 and 2 to ``path`` and return a logger writing there with timestamps."""
    log = open(path, "w", buffering=1)  # noqa: SIM115 - kept open for the life of the job process
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
        os.dup2(log.fileno(), stream.fileno())
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    logging.captureWarnings(True)
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    return logger
