"""initstab: how signals and gradients vanish or explode in deep networks at initialization."""

__version__ = "0.1.0"  # the one source: pyproject.toml reads it, tests/test_packaging.py checks CITATION.cff
