"""TensorFlow process set-up for one job: threads, determinism, quiet logs, device choice."""

import os


def configure_tensorflow(threads: int, device: str = "auto") -> str:
    """Import TensorFlow configured for a job and return the device to run on ("/CPU:0" or "/GPU:0").

    ``device``: "cpu" hides GPUs, "gpu" requires one (RuntimeError if none), "auto" takes a GPU when TF sees one.
    GPU memory grows on demand so that jobs sharing a card do not each grab all of it.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
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
