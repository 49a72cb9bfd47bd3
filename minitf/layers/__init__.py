"""``tf.layers``: TF 1.x's object and functional layers, built on ``tf.get_variable``.

Each function (``tf.layers.dense``) makes one layer object (``tf.layers.Dense``)
and calls it; keep the object to call it again with the same variables.

Example:
    >>> h = tf.layers.conv2d(images, 32, 5, padding="same", activation=tf.nn.relu)
    >>> h = tf.layers.max_pooling2d(h, 2, 2)
    >>> logits = tf.layers.dense(tf.layers.flatten(h), 10)
"""
from minitf.layers.base import InputSpec, Layer  # noqa: F401
from minitf.layers.convolutional import (Conv2D, Conv2DTranspose, conv2d,  # noqa: F401
                                         conv2d_transpose)
from minitf.layers.core import Dense, Dropout, Flatten, dense, dropout, flatten  # noqa: F401
from minitf.layers.normalization import BatchNormalization, batch_normalization  # noqa: F401
from minitf.layers.pooling import (AveragePooling2D, MaxPooling2D,  # noqa: F401
                                   average_pooling2d, max_pooling2d)

__all__ = ["AveragePooling2D", "BatchNormalization", "Conv2D", "Conv2DTranspose", "Dense",
           "Dropout", "Flatten", "InputSpec", "Layer", "MaxPooling2D", "average_pooling2d",
           "batch_normalization", "conv2d", "conv2d_transpose", "dense", "dropout", "flatten",
           "max_pooling2d"]
