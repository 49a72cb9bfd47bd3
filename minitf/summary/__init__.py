"""``tf.summary``: event files for TensorBoard."""
from minitf.summary.writer import FileWriter  # noqa: F401

__all__ = ["FileWriter"]
