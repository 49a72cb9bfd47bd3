"""Convolution layers: ``Conv2D`` and its transpose, ``Conv2DTranspose``."""
from minitf.framework.tensor_shape import TensorShape
from minitf.layers.base import InputSpec, Layer
from minitf.layers.utils import (get_activation, nchw_or_nhwc, normalize_data_format,
                                 normalize_padding, normalize_tuple, window4)
from minitf.ops import array_ops, conv_ops, init_ops, nn_ops

__all__ = ["Conv2D", "Conv2DTranspose", "conv2d", "conv2d_transpose"]


def _output_length(length, size, padding, stride, dilation=1):
    """The spatial size after a convolution (None stays None)."""
    if length is None:
        return None
    size = size + (size - 1) * (dilation - 1)
    if padding == "same":
        return (length + stride - 1) // stride
    return (length - size + stride) // stride


def _deconv_output_length(length, size, padding, stride):
    """The spatial size after a transposed convolution (None stays None)."""
    if length is None:
        return None
    if padding == "same":
        return length * stride
    return length * stride + max(size - stride, 0)


class _Conv2DBase(Layer):
    """Arguments and variables shared by Conv2D and Conv2DTranspose."""

    def __init__(self, filters, kernel_size, strides, padding, data_format, activation,
                 use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                 bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
                 trainable, name, **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = normalize_tuple(strides, 2, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.kernel = self.bias = None
        self.input_spec = InputSpec(ndim=4)

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _make_variables(self, input_shape, kernel_shape_of):
        """``kernel`` (shape from the input depth) and ``bias``; fixes the input's depth."""
        axis = self._channel_axis()
        depth = input_shape[axis].value
        if depth is None:
            raise ValueError("The channel dimension of the inputs should be defined. "
                             "Found `None`.")
        self.input_spec = InputSpec(ndim=4, axes={axis: depth})
        self.kernel = self.add_weight("kernel", list(kernel_shape_of(depth)),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        self.built = True

    def _finish(self, outputs):
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias,
                                      data_format=nchw_or_nhwc(self.data_format))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def _spatial(self, dims):
        """(height, width) entries of a 4-list (or shape tensor) in the layer's data format."""
        return (dims[2], dims[3]) if self.data_format == "channels_first" else (dims[1], dims[2])

    def _with_spatial(self, batch, h, w):
        if self.data_format == "channels_first":
            return [batch, self.filters, h, w]
        return [batch, h, w, self.filters]


# -- Conv2D ----------------------------------------------------------------------------------
class Conv2D(_Conv2DBase):
    """2-D convolution layer: ``activation(conv2d(inputs, kernel) + bias)``.

    ``kernel`` is ``[kh, kw, in_channels, filters]``.  Inputs are
    ``[batch, height, width, channels]`` (``channels_last``) or
    ``[batch, channels, height, width]`` (``channels_first``).

    Args:
        filters: number of output channels.
        kernel_size: an int or ``(kh, kw)``.
        strides: an int or ``(sh, sw)``.
        padding: ``"valid"`` or ``"same"`` (any case).
        dilation_rate: an int or ``(dh, dw)``; cannot exceed 1 when a stride does.

    Example:
        >>> conv = tf.layers.Conv2D(32, 5, padding="same", activation=tf.nn.relu)
        >>> y = conv(tf.zeros([8, 28, 28, 1]))     # [8, 28, 28, 32]; conv2d/kernel [5, 5, 1, 32]
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint,
                         bias_constraint, trainable, name, **kwargs)
        self.dilation_rate = normalize_tuple(dilation_rate, 2, "dilation_rate")
        if min(self.dilation_rate) < 1:
            raise ValueError("dilation_rate must be positive")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")

    def build(self, input_shape):
        self._make_variables(input_shape, lambda depth: self.kernel_size + (depth, self.filters))

    def call(self, inputs):
        outputs = conv_ops.conv2d(inputs, self.kernel,
                                  strides=window4(self.strides, self.data_format),
                                  padding=self.padding.upper(),
                                  data_format=nchw_or_nhwc(self.data_format),
                                  dilations=window4(self.dilation_rate, self.data_format))
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).with_rank(4).as_list()
        sizes = [_output_length(n, k, self.padding, s, d) for n, k, s, d in
                 zip(self._spatial(dims), self.kernel_size, self.strides, self.dilation_rate)]
        return TensorShape(self._with_spatial(dims[0], *sizes))


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=init_ops.zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """Functional form of ``Conv2D`` (variables ``conv2d/kernel``, ``conv2d/bias``).

    Example:
        >>> h = tf.layers.conv2d(images, 32, [5, 5], padding="same", activation=tf.nn.relu)
    """
    layer = Conv2D(filters, kernel_size, strides=strides, padding=padding,
                   data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                   use_bias=use_bias, kernel_initializer=kernel_initializer,
                   bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                   bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                   trainable=trainable, name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


# -- Conv2DTranspose ---------------------------------------------------------------------------
class Conv2DTranspose(_Conv2DBase):
    """Transposed 2-D convolution ("deconvolution"): upsamples by ``strides``.

    ``kernel`` is ``[kh, kw, filters, in_channels]``.  Each spatial size becomes
    ``n · stride`` with ``"same"`` padding and ``n · stride + max(k - stride, 0)``
    with ``"valid"``.

    Example:
        >>> up = tf.layers.Conv2DTranspose(16, 3, strides=2, padding="same")
        >>> y = up(tf.zeros([8, 7, 7, 32]))        # [8, 14, 14, 16]
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=init_ops.zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint,
                         bias_constraint, trainable, name, **kwargs)

    def build(self, input_shape):
        if input_shape.ndims != 4:
            raise ValueError("Inputs should have rank 4. Received input shape: "
                             + str(input_shape))
        self._make_variables(input_shape, lambda depth: self.kernel_size + (self.filters, depth))

    def call(self, inputs):
        shape = array_ops.shape(inputs)
        h, w = self._spatial(shape)
        out_h, out_w = (_deconv_output_length(n, k, self.padding, s) for n, k, s in
                        zip((h, w), self.kernel_size, self.strides))
        output_shape = array_ops.stack(self._with_spatial(shape[0], out_h, out_w))
        outputs = conv_ops.conv2d_transpose(inputs, self.kernel, output_shape,
                                            strides=window4(self.strides, self.data_format),
                                            padding=self.padding.upper(),
                                            data_format=nchw_or_nhwc(self.data_format))
        outputs.set_shape(self.compute_output_shape(inputs.shape))
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).with_rank(4).as_list()
        sizes = [_deconv_output_length(n, k, self.padding, s) for n, k, s in
                 zip(self._spatial(dims), self.kernel_size, self.strides)]
        return TensorShape(self._with_spatial(dims[0], *sizes))


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=init_ops.zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                     reuse=None):
    """Functional form of ``Conv2DTranspose`` (variables ``conv2d_transpose/kernel`` ...).

    Example:
        >>> up = tf.layers.conv2d_transpose(h, 16, 3, strides=2, padding="same")
    """
    layer = Conv2DTranspose(filters, kernel_size, strides=strides, padding=padding,
                            data_format=data_format, activation=activation, use_bias=use_bias,
                            kernel_initializer=kernel_initializer,
                            bias_initializer=bias_initializer,
                            kernel_regularizer=kernel_regularizer,
                            bias_regularizer=bias_regularizer,
                            activity_regularizer=activity_regularizer,
                            kernel_constraint=kernel_constraint,
                            bias_constraint=bias_constraint, trainable=trainable, name=name,
                            _scope=name, _reuse=reuse)
    return layer.apply(inputs)

