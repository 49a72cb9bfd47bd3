"""``tf.contrib.tensorboard``: only its ``plugins.projector`` API, for the embedding projector."""
from minitf.contrib.tensorboard import plugins

__all__ = ["plugins"]
