"""Pooling layers: ``MaxPooling2D`` and ``AveragePooling2D``."""
from minitf.framework.tensor_shape import TensorShape
from minitf.layers.base import InputSpec, Layer
from minitf.layers.utils import (nchw_or_nhwc, normalize_data_format, normalize_padding,
                                 normalize_tuple, window4)
from minitf.ops import pooling_ops

__all__ = ["AveragePooling2D", "MaxPooling2D", "average_pooling2d", "max_pooling2d"]


def pool2d(pool_fn, inputs, pool_size, strides, padding, data_format):
    """``pool_fn`` (``tf.nn.max_pool`` or ``avg_pool``) with layer-style arguments."""
    return pool_fn(inputs, ksize=window4(pool_size, data_format),
                   strides=window4(strides, data_format), padding=padding.upper(),
                   data_format=nchw_or_nhwc(data_format))


class _Pooling2D(Layer):
    """A 2-D pooling layer over ``pool_size`` windows moved by ``strides``."""

    _pool_fn = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if strides is None:
            raise ValueError("Argument `strides` must not be None.")
        self.pool_size = normalize_tuple(pool_size, 2, "pool_size")
        self.strides = normalize_tuple(strides, 2, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return pool2d(type(self)._pool_fn, inputs, self.pool_size, self.strides, self.padding,
                      self.data_format)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).with_rank(4).as_list()
        first = self.data_format == "channels_first"
        spatial = dims[2:] if first else dims[1:3]
        sizes = []
        for n, k, s in zip(spatial, self.pool_size, self.strides):
            if n is None:
                sizes.append(None)
            else:
                sizes.append((n + s - 1) // s if self.padding == "same" else (n - k + s) // s)
        if first:
            return TensorShape(dims[:2] + sizes)
        return TensorShape([dims[0]] + sizes + [dims[3]])


class MaxPooling2D(_Pooling2D):
    """Max pooling for 2-D inputs (``tf.nn.max_pool``).

    Args:
        pool_size: an int or ``(ph, pw)``, the window.
        strides: an int or ``(sh, sw)`` (required, as in TF 1.x).
        padding: ``"valid"`` (windows inside the image) or ``"same"`` (output
            ``ceil(n / stride)``).

    Example:
        >>> tf.layers.MaxPooling2D(2, 2)(tf.zeros([8, 28, 28, 32]))   # [8, 14, 14, 32]
    """

    _pool_fn = staticmethod(pooling_ops.max_pool)


class AveragePooling2D(_Pooling2D):
    """Average pooling for 2-D inputs (``tf.nn.avg_pool``); ``same`` windows average real pixels.

    Example:
        >>> tf.layers.AveragePooling2D(2, 2)(tf.zeros([8, 28, 28, 32]))   # [8, 14, 14, 32]
    """

    _pool_fn = staticmethod(pooling_ops.avg_pool)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """Functional form of ``MaxPooling2D``.

    Example:
        >>> h = tf.layers.max_pooling2d(h, pool_size=2, strides=2)
    """
    layer = MaxPooling2D(pool_size=pool_size, strides=strides, padding=padding,
                         data_format=data_format, name=name)
    return layer.apply(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """Functional form of ``AveragePooling2D``.

    Example:
        >>> h = tf.layers.average_pooling2d(h, pool_size=2, strides=2)
    """
    layer = AveragePooling2D(pool_size=pool_size, strides=strides, padding=padding,
                             data_format=data_format, name=name)
    return layer.apply(inputs)
