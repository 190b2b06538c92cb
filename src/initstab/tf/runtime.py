"""TensorFlow process set-up for one job: threads, determinism, quiet logs, device choice."""

import contextlib
import os
import sys
import tempfile

# TensorFlow's C++ start-up notes, written to fd 2 before absl logging exists (TF_CPP_MIN_LOG_LEVEL does not reach
# them): the oneDNN notice and, on a host without CUDA, three lines about drivers and cuInit. On a CPU run none
# of them says anything about the job; any other line is kept.
START_UP_NOISE = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "Could not find cuda drivers on your machine",
    "failed call to cuInit",
)


@contextlib.contextmanager
def _without_start_up_noise(drop: tuple[str, ...]):
    """Hold what is written to fd 2 (C++ included) meanwhile; pass on every line that contains none of ``drop``."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            for line in held.read().decode(errors="replace").splitlines(keepends=True):
                if not any(noise in line for noise in drop):
                    sys.stderr.write(line)
            sys.stderr.flush()


def configure_tensorflow(threads: int, device: str = "auto") -> str:
    """Import TensorFlow configured for a job and return the device to run on ("/CPU:0" or "/GPU:0").

    ``device``: "cpu" hides GPUs, "gpu" requires one (RuntimeError if none), "auto" takes a GPU when TF sees one.
    GPU memory grows on demand so that jobs sharing a card do not each grab all of it.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _without_start_up_noise(START_UP_NOISE if device != "gpu" else START_UP_NOISE[:2]):
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.experimental.enable_op_determinism()
        gpus = tf.config.list_physical_devices("GPU")
    if device == "cpu" or (device == "auto" and not gpus):
        tf.config.set_visible_devices([], "GPU")
        return "/CPU:0"
    if not gpus:
        raise RuntimeError("device: gpu was requested but TensorFlow sees no GPU")
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)
    return "/GPU:0"
