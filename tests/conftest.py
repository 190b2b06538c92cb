import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, configured as a job configures it (one thread, deterministic ops, CPU)."""
    from initstab.runtime import configure_tensorflow

    configure_tensorflow(threads=1, device="cpu")
    import tensorflow

    return tensorflow
