"""``tf.contrib.tensorboard.plugins``: ``projector`` (configuration of the embedding projector)."""
from minitf.contrib.tensorboard.plugins import projector

__all__ = ["projector"]
