"""``tf.contrib``: the few contrib pieces TF 1.x course code relies on.

``tf.contrib.tensorboard`` (the embedding projector's config) loads on first use,
because it imports protobuf and TensorBoard's protos, which ``import minitf`` avoids.
"""
import importlib
import sys

from minitf.contrib import layers, rnn, seq2seq, training

__all__ = ["layers", "rnn", "seq2seq", "tensorboard", "training"]


def __getattr__(name):
    """``tf.contrib.tensorboard``: imported the first time it is asked for."""
    if name == "tensorboard":
        return importlib.import_module("minitf.contrib.tensorboard")
    raise AttributeError("module 'minitf.contrib' has no attribute %r" % (name,), name=name,
                         obj=sys.modules[__name__])
