"""Device selection (fresh processes: TensorFlow's threading and devices are fixed once it initializes)."""

import subprocess
import sys

CODE = (
    "from initstab.tf.runtime import configure_tensorflow; device = configure_tensorflow(1, {device!r}); "
    "import tensorflow as tf; print(device, len(tf.config.list_physical_devices('GPU')))"
)


def select(device: str) -> subprocess.CompletedProcess:
    code = CODE.format(device=device)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def gpus_present() -> bool:
    code = "import tensorflow as tf; print(len(tf.config.list_physical_devices('GPU')))"
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout) > 0


def test_device_selection():
    has_gpu = gpus_present()
    auto, cpu, gpu = select("auto"), select("cpu"), select("gpu")
    assert auto.stdout.split()[0] == ("/GPU:0" if has_gpu else "/CPU:0")
    assert cpu.returncode == 0 and cpu.stdout.split()[0] == "/CPU:0"
    if has_gpu:
        assert gpu.stdout.split()[0] == "/GPU:0"
    else:
        assert gpu.returncode != 0
        assert "device: gpu was requested but TensorFlow sees no GPU" in gpu.stderr
