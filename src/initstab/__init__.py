"""initstab: how signals and gradients vanish or explode in deep networks at initialization."""

__version__ = "0.1.0"
