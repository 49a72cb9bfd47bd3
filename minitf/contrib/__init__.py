"""``tf.contrib``: the few contrib pieces TF 1.x course code relies on."""
from minitf.contrib import layers

__all__ = ["layers"]
