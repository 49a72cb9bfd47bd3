"""Convolution: Conv2D and DepthwiseConv2dNative with their backprop ops, and the
``tf.nn`` functions built on them (transpose, atrous, separable, 1-D, ``convolution``).

The gradients are graph ops, as in TF: Conv2D's input gradient is a
``Conv2DBackpropInput``, its filter gradient a ``Conv2DBackpropFilter``, and
each backprop op's gradient is again a convolution or a backprop.  All three
are linear in each argument, so gradients of gradients (an image optimized
through a convnet, style transfer) are built from the same three ops.

Attributes follow TF: ``strides`` and ``dilations`` are 4-lists in the order
of ``data_format`` (NHWC or NCHW); ``padding`` is SAME or VALID.  The kernels
work in NHWC and transpose NCHW at the edges.
"""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.kernels import conv
from minitf.ops import array_ops
from minitf.ops.op_util import FLOATS, check_dtype, invalid, make_op, op_scope, shape_from_tensor

__all__ = ["conv2d", "conv2d_backprop_input", "conv2d_backprop_filter", "conv2d_transpose",
           "depthwise_conv2d", "depthwise_conv2d_native",
           "depthwise_conv2d_native_backprop_input", "depthwise_conv2d_native_backprop_filter",
           "separable_conv2d", "atrous_conv2d", "conv1d", "convolution"]


# == attributes and geometry (shared with pooling_ops) ===============================
def data_format_attr(data_format):
    fmt = data_format.decode() if isinstance(data_format, bytes) else (data_format or "NHWC")
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError("Unknown data format: %s (expected NHWC or NCHW)" % fmt)
    return fmt


def padding_attr(padding):
    pad = padding.decode() if isinstance(padding, bytes) else padding
    if not isinstance(pad, str) or pad.upper() not in ("SAME", "VALID"):
        raise ValueError("Value for attr 'padding' of %r is not in the list of allowed "
                         "values: \"SAME\", \"VALID\"" % (padding,))
    return pad.upper()


def spatial(values, data_format):
    """The (height, width) entries of a 4-list in ``data_format`` order."""
    return (values[1], values[2]) if data_format == "NHWC" else (values[2], values[3])


def four_ints(values, attr, op_type, data_format, what):
    """A TF 4-list attr as ints; the batch and channel entries must be 1."""
    if isinstance(values, int):
        values = [values]
    values = [int(v) for v in values]
    if len(values) == 1:
        values = values * 2
    if len(values) == 2:  # (h, w) as tf.nn accepts, placed by data_format
        h, w = values
        values = [1, h, w, 1] if data_format == "NHWC" else [1, 1, h, w]
    if len(values) != 4:
        raise ValueError("%s requires the %s attribute to contain 4 values, but got: %d"
                         % (op_type, attr, len(values)))
    channel = 3 if data_format == "NHWC" else 1
    if values[0] != 1 or values[channel] != 1:
        raise ValueError("Current implementation does not yet support %s in the batch and "
                         "depth dimensions." % what)
    if min(values) < 1:
        raise ValueError("%s: %s must be positive, got %s" % (op_type, attr, values))
    return values


def to_nhwc(x, data_format):
    return x if data_format == "NHWC" else np.transpose(x, (0, 2, 3, 1))


def from_nhwc(y, data_format):
    return y if data_format == "NHWC" else np.ascontiguousarray(np.transpose(y, (0, 3, 1, 2)))


def nhwc_dims(dims, data_format):
    return list(dims) if data_format == "NHWC" else [dims[0], dims[2], dims[3], dims[1]]


def from_nhwc_dims(dims, data_format):
    return list(dims) if data_format == "NHWC" else [dims[0], dims[3], dims[1], dims[2]]


def make_window(ctx, image_shape, kh, kw, dilations=None):
    """The kernel-time ``conv.Window`` for an NHWC image shape, or TF's error."""
    fmt = ctx.attrs["data_format"]
    strides = spatial(ctx.attrs["strides"], fmt)
    dil = spatial(dilations or ctx.attrs["dilations"], fmt)
    win = conv.Window(image_shape[1], image_shape[2], kh, kw, strides, dil, ctx.attrs["padding"])
    for size, k, s, d, out in ((image_shape[1], kh, strides[0], dil[0], win.ho),
                               (image_shape[2], kw, strides[1], dil[1], win.wo)):
        if out <= 0:
            raise invalid(ctx, "Computed output size would be negative: %d [input_size: %d, "
                               "effective_filter_size: %d, stride: %d]"
                          % (out, size, (k - 1) * d + 1, s))
    return win


def static_window_dims(op, image_dims, kh, kw, dilations):
    """Output (h, w) of a window over NHWC ``image_dims`` at graph time (None if unknown)."""
    fmt = op._attrs["data_format"]
    strides = spatial(op._attrs["strides"], fmt)
    dil = spatial(dilations, fmt)
    out = []
    for size, k, s, d in zip(image_dims[1:3], (kh, kw), strides, dil):
        if size is None or k is None:
            out.append(None)
            continue
        n, _, _ = conv.output_size(size, k, s, d, op._attrs["padding"])
        if n <= 0:
            raise ValueError("Negative dimension size caused by subtracting %d from %d"
                             % ((k - 1) * d + 1, size))
        out.append(n)
    return out


def _dims4(shape):
    return [None] * 4 if shape.ndims is None else shape.with_rank(4).as_list()


def _merge_depth(a, b):
    if a is not None and b is not None and a != b:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (a, b))
    return a if a is not None else b


# == op construction ==================================================================
def _conv_attrs(op_type, strides, padding, data_format, dilations, dtype):
    fmt = data_format_attr(data_format)
    return {"strides": four_ints(strides, "strides", op_type, fmt, "strides"),
            "padding": padding_attr(padding), "data_format": fmt,
            "dilations": four_ints(dilations or 1, "dilations", op_type, fmt, "dilations"),
            "T": dtype}


def _build(op_type, inputs, names, name, default, strides, padding, data_format, dilations,
           float_inputs):
    with op_scope(name, default, inputs) as scope:
        ts = []
        for value, arg, is_float in zip(inputs, names, float_inputs):
            dtype = ts[0].dtype if (is_float and ts and ts[0].dtype in FLOATS) else None
            t = convert_to_tensor(value, dtype=dtype if is_float else None, name=arg)
            if not is_float and t.dtype not in (dtypes.int32, dtypes.int64):
                raise TypeError("%s: %s must be int32 or int64, got %s"
                                % (op_type, arg, t.dtype.name))
            ts.append(t)
        floats = [t for t, f in zip(ts, float_inputs) if f]
        check_dtype(op_type, floats[0], FLOATS, names[float_inputs.index(True)])
        for t, arg in zip(floats[1:], [n for n, f in zip(names, float_inputs) if f][1:]):
            if t.dtype is not floats[0].dtype:
                raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s"
                                % (arg, op_type, t.dtype.name, floats[0].dtype.name))
        attrs = _conv_attrs(op_type, strides, padding, data_format, dilations, floats[0].dtype)
        return make_op(op_type, ts, [floats[0].dtype], scope, attrs)._outputs[0]


def _same_conv(op_type, op, *inputs, name=None):
    """Another convolution op with ``op``'s strides, padding, format and dilations."""
    a = op._attrs
    return _build(op_type, list(inputs), _INPUT_NAMES[op_type], name, op_type, a["strides"],
                  a["padding"], a["data_format"], a["dilations"], _FLOAT_INPUTS[op_type])


_INPUT_NAMES = {
    "Conv2D": ("input", "filter"),
    "Conv2DBackpropInput": ("input_sizes", "filter", "out_backprop"),
    "Conv2DBackpropFilter": ("input", "filter_sizes", "out_backprop"),
    "DepthwiseConv2dNative": ("input", "filter"),
    "DepthwiseConv2dNativeBackpropInput": ("input_sizes", "filter", "out_backprop"),
    "DepthwiseConv2dNativeBackpropFilter": ("input", "filter_sizes", "out_backprop"),
}
_FLOAT_INPUTS = {t: tuple(n not in ("input_sizes", "filter_sizes") for n in names)
                 for t, names in _INPUT_NAMES.items()}


# -- Conv2D -----------------------------------------------------------------------------
def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """2-D convolution (a cross-correlation, as in every deep-learning framework).

    ``output[n, i, j, o] = Σ_{a,b,c} input[n, i·sh + a·dh − pad_top, j·sw + b·dw − pad_left, c]
    · filter[a, b, c, o]``, with zeros outside the image.

    Args:
        input: ``[batch, height, width, in_channels]`` (NHWC) or ``[batch, in_channels,
            height, width]`` (NCHW); float16, float32 or float64.
        filter: ``[filter_height, filter_width, in_channels, out_channels]``.
        strides: 4 ints in ``data_format`` order; batch and channel strides are 1.
        padding: ``"SAME"`` (output size ``ceil(in / stride)``, zero padding split
            with the extra pixel at the bottom/right) or ``"VALID"`` (no padding).
        dilations: 4 ints; a dilation ``d`` spaces the filter taps ``d`` pixels apart.

    Example:
        >>> x = tf.ones([1, 4, 4, 1]); k = tf.ones([3, 3, 1, 1])
        >>> tf.nn.conv2d(x, k, strides=[1, 1, 1, 1], padding="VALID")   # 2x2 of 9.
    """
    filter = filters if filter is None else filter  # noqa: A001
    return _build("Conv2D", [input, filter], _INPUT_NAMES["Conv2D"], name, "Conv2D", strides,
                  padding, data_format, dilations, _FLOAT_INPUTS["Conv2D"])


def _check_depth(ctx, x_depth, f_depth):
    if x_depth != f_depth:
        raise invalid(ctx, "input and filter must have the same depth: %d vs %d"
                      % (x_depth, f_depth))


def _check_rank4(ctx, **arrays):
    for arg, a in arrays.items():
        if np.ndim(a) != 4:
            raise invalid(ctx, "%s must be 4-dimensional: %s" % (arg, list(np.shape(a))))


def _conv2d_kernel(ctx, x, f):
    _check_rank4(ctx, input=x, filter=f)
    fmt = ctx.attrs["data_format"]
    x = to_nhwc(x, fmt)
    _check_depth(ctx, x.shape[3], f.shape[2])
    win = make_window(ctx, x.shape, f.shape[0], f.shape[1])
    cols = conv.patches(x, win)
    if any(c.type == "Conv2DBackpropFilter" for c in ctx.op._inputs[0].consumers()):
        ctx.scratch[_patches_key(ctx.op, win)] = cols  # the filter gradient reads them again
    return from_nhwc(conv.conv2d(x, f, win, cols), fmt)


def _patches_key(op, win):
    return "patches", op._inputs[0], win.key()


def _conv2d_shape(op):
    fmt = op._attrs["data_format"]
    x = nhwc_dims(_dims4(op._inputs[0].shape), fmt)
    f = _dims4(op._inputs[1].shape)
    depth = _merge_depth(x[3], f[2])
    if op.type == "DepthwiseConv2dNative":
        out_c = None if depth is None or f[3] is None else depth * f[3]
    else:
        out_c = f[3]
    h, w = static_window_dims(op, x, f[0], f[1], op._attrs["dilations"])
    return [TensorShape(from_nhwc_dims([x[0], h, w, out_c], fmt))]


def _conv2d_grad(op, g):
    x, f = op._inputs
    return [_same_conv("Conv2DBackpropInput", op, array_ops.shape(x), f, g),
            _same_conv("Conv2DBackpropFilter", op, x, array_ops.shape(f), g)]


register("Conv2D", _conv2d_kernel, _conv2d_shape, _conv2d_grad)


# -- Conv2DBackpropInput ------------------------------------------------------------------
def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=(1, 1, 1, 1), name=None, filters=None):
    """The gradient of ``conv2d`` with respect to its input, for an input of ``input_sizes``.

    Example:
        >>> dy = tf.ones([1, 2, 2, 1]); k = tf.ones([3, 3, 1, 1])
        >>> tf.nn.conv2d_backprop_input([1, 4, 4, 1], k, dy, [1, 1, 1, 1], "VALID")
    """
    filter = filters if filter is None else filter  # noqa: A001
    return _build("Conv2DBackpropInput", [input_sizes, filter, out_backprop],
                  _INPUT_NAMES["Conv2DBackpropInput"], name, "Conv2DBackpropInput", strides,
                  padding, data_format, dilations, _FLOAT_INPUTS["Conv2DBackpropInput"])


def _input_shape(ctx, sizes, fmt):
    sizes = [int(s) for s in np.ravel(sizes)]
    if len(sizes) != 4:
        raise invalid(ctx, "input_sizes must be a 4-element vector, got %d elements"
                      % len(sizes))
    return tuple(nhwc_dims(sizes, fmt))


def _check_out_backprop(ctx, dy, win):
    if dy.shape[1:3] != (win.ho, win.wo):
        raise invalid(ctx, "Conv2DCustomBackpropInput: Size of out_backprop doesn't match "
                           "computed: actual = %s, computed = %s"
                      % (list(dy.shape[1:3]), [win.ho, win.wo]))


def _backprop_input_kernel(backprop):
    def kernel(ctx, sizes, f, dy):
        _check_rank4(ctx, filter=f, out_backprop=dy)
        fmt = ctx.attrs["data_format"]
        shape = _input_shape(ctx, sizes, fmt)
        dy = to_nhwc(dy, fmt)
        win = make_window(ctx, shape, f.shape[0], f.shape[1])
        _check_out_backprop(ctx, dy, win)
        return from_nhwc(backprop(shape, f, dy, win), fmt)
    return kernel


def _sized_shape(index):
    def shape_fn(op):
        s = shape_from_tensor(op._inputs[index])
        return [s if s.ndims is not None else unknown_shape(4)]
    return shape_fn


def _conv2d_backprop_input_grad(op, g):
    sizes, f, dy = op._inputs
    return [None, _same_conv("Conv2DBackpropFilter", op, g, array_ops.shape(f), dy),
            _same_conv("Conv2D", op, g, f)]


register("Conv2DBackpropInput", _backprop_input_kernel(conv.conv2d_backprop_input),
         _sized_shape(0), _conv2d_backprop_input_grad)


# -- Conv2DBackpropFilter -----------------------------------------------------------------
def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=(1, 1, 1, 1),
                           name=None):
    """The gradient of ``conv2d`` with respect to its filter, of shape ``filter_sizes``.

    Example:
        >>> x = tf.ones([1, 4, 4, 1]); dy = tf.ones([1, 2, 2, 1])
        >>> tf.nn.conv2d_backprop_filter(x, [3, 3, 1, 1], dy, [1, 1, 1, 1], "VALID")   # 4s
    """
    return _build("Conv2DBackpropFilter", [input, filter_sizes, out_backprop],
                  _INPUT_NAMES["Conv2DBackpropFilter"], name, "Conv2DBackpropFilter", strides,
                  padding, data_format, dilations, _FLOAT_INPUTS["Conv2DBackpropFilter"])


def _backprop_filter_kernel(backprop):
    def kernel(ctx, x, sizes, dy):
        _check_rank4(ctx, input=x, out_backprop=dy)
        fmt = ctx.attrs["data_format"]
        shape = tuple(int(s) for s in np.ravel(sizes))
        if len(shape) != 4:
            raise invalid(ctx, "filter_sizes must be a 4-element vector, got %d elements"
                          % len(shape))
        x, dy = to_nhwc(x, fmt), to_nhwc(dy, fmt)
        _check_depth(ctx, x.shape[3], shape[2])
        win = make_window(ctx, x.shape, shape[0], shape[1])
        _check_out_backprop(ctx, dy, win)
        return backprop(ctx, x, shape, dy, win)
    return kernel


def _conv2d_filter_backprop(ctx, x, shape, dy, win):
    cols = ctx.scratch.pop(_patches_key(ctx.op, win), None)  # from this run's Conv2D, if any
    return conv.conv2d_backprop_filter(x, shape, dy, win, cols)


def _conv2d_backprop_filter_grad(op, g):
    x, sizes, dy = op._inputs
    return [_same_conv("Conv2DBackpropInput", op, array_ops.shape(x), g, dy), None,
            _same_conv("Conv2D", op, x, g)]


register("Conv2DBackpropFilter", _backprop_filter_kernel(_conv2d_filter_backprop),
         _sized_shape(1), _conv2d_backprop_filter_grad)


# -- DepthwiseConv2dNative and its backprops -------------------------------------------------
def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=(1, 1, 1, 1), name=None):
    """Each input channel convolved with its own ``channel_multiplier`` filters.

    ``filter`` is ``[fh, fw, in_channels, channel_multiplier]``; output channel
    ``c · channel_multiplier + m`` is channel ``c`` through filter ``[:, :, c, m]``.

    Example:
        >>> x = tf.ones([1, 3, 3, 2]); k = tf.ones([3, 3, 2, 2])
        >>> tf.nn.depthwise_conv2d_native(x, k, [1, 1, 1, 1], "VALID")   # [1, 1, 1, 4] of 9.
    """
    return _build("DepthwiseConv2dNative", [input, filter], _INPUT_NAMES["Conv2D"], name,
                  "DepthwiseConv2dNative", strides, padding, data_format, dilations,
                  _FLOAT_INPUTS["Conv2D"])


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop,  # noqa: A002
                                           strides, padding, data_format="NHWC",
                                           dilations=(1, 1, 1, 1), name=None):
    """The gradient of ``depthwise_conv2d_native`` with respect to its input."""
    op_type = "DepthwiseConv2dNativeBackpropInput"
    return _build(op_type, [input_sizes, filter, out_backprop], _INPUT_NAMES[op_type], name,
                  op_type, strides, padding, data_format, dilations, _FLOAT_INPUTS[op_type])


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop,  # noqa: A002
                                            strides, padding, data_format="NHWC",
                                            dilations=(1, 1, 1, 1), name=None):
    """The gradient of ``depthwise_conv2d_native`` with respect to its filter."""
    op_type = "DepthwiseConv2dNativeBackpropFilter"
    return _build(op_type, [input, filter_sizes, out_backprop], _INPUT_NAMES[op_type], name,
                  op_type, strides, padding, data_format, dilations, _FLOAT_INPUTS[op_type])


def _depthwise_kernel(ctx, x, f):
    _check_rank4(ctx, input=x, filter=f)
    fmt = ctx.attrs["data_format"]
    x = to_nhwc(x, fmt)
    _check_depth(ctx, x.shape[3], f.shape[2])
    win = make_window(ctx, x.shape, f.shape[0], f.shape[1])
    return from_nhwc(conv.depthwise_conv2d(x, f, win), fmt)


def _depthwise_grad(op, g):
    x, f = op._inputs
    return [_same_conv("DepthwiseConv2dNativeBackpropInput", op, array_ops.shape(x), f, g),
            _same_conv("DepthwiseConv2dNativeBackpropFilter", op, x, array_ops.shape(f), g)]


def _depthwise_backprop_input_grad(op, g):
    _, f, dy = op._inputs
    return [None,
            _same_conv("DepthwiseConv2dNativeBackpropFilter", op, g, array_ops.shape(f), dy),
            _same_conv("DepthwiseConv2dNative", op, g, f)]


def _depthwise_backprop_filter_grad(op, g):
    x, _, dy = op._inputs
    return [_same_conv("DepthwiseConv2dNativeBackpropInput", op, array_ops.shape(x), g, dy),
            None, _same_conv("DepthwiseConv2dNative", op, x, g)]


register("DepthwiseConv2dNative", _depthwise_kernel, _conv2d_shape, _depthwise_grad)
register("DepthwiseConv2dNativeBackpropInput",
         _backprop_input_kernel(conv.depthwise_backprop_input), _sized_shape(0),
         _depthwise_backprop_input_grad)
register("DepthwiseConv2dNativeBackpropFilter",
         _backprop_filter_kernel(lambda ctx, *args: conv.depthwise_backprop_filter(*args)),
         _sized_shape(1),
         _depthwise_backprop_filter_grad)


# == functions built on the ops =========================================================
def conv2d_transpose(value, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", name=None, input=None,  # noqa: A002
                     filters=None, dilations=None):
    """The transpose (adjoint) of ``conv2d``: upsamples ``value`` to ``output_shape``.

    ``filter`` is ``[fh, fw, output_channels, in_channels]``, the shape of the
    conv2d whose gradient this is; ``conv2d_transpose`` is that conv2d's
    ``Conv2DBackpropInput``.

    Example:
        >>> y = tf.ones([1, 2, 2, 8]); k = tf.ones([3, 3, 4, 8])
        >>> tf.nn.conv2d_transpose(y, k, [1, 4, 4, 4], [1, 2, 2, 1])   # [1, 4, 4, 4]
    """
    value = input if value is None else value
    filter = filters if filter is None else filter  # noqa: A001
    with op_scope(name, "conv2d_transpose", [value, filter, output_shape]) as scope:
        fmt = data_format_attr(data_format)
        value = convert_to_tensor(value, name="value")
        filter = convert_to_tensor(filter, dtype=value.dtype, name="filter")  # noqa: A001
        axis = 3 if fmt == "NHWC" else 1
        in_c = value.shape.with_rank(4)[axis].value if value.shape.ndims is not None else None
        f = filter.shape.with_rank(4).as_list() if filter.shape.ndims is not None else [None] * 4
        if in_c is not None and f[3] is not None and in_c != f[3]:
            raise ValueError("input channels does not match filter's input channels, %d != %d"
                             % (in_c, f[3]))
        out = convert_to_tensor(output_shape, name="output_shape")
        dims = shape_from_tensor(out)
        if dims.ndims is not None and dims.ndims != 4:
            raise ValueError("output_shape must have shape (4,), got %s" % (dims,))
        if dims.ndims == 4 and dims[axis].value is not None and f[2] is not None \
                and dims[axis].value != f[2]:
            raise ValueError("output_shape does not match filter's output channels, %d != %d"
                             % (dims[axis].value, f[2]))
        return _build("Conv2DBackpropInput", [out, filter, value],
                      _INPUT_NAMES["Conv2DBackpropInput"], scope, None, strides, padding, fmt,
                      dilations, _FLOAT_INPUTS["Conv2DBackpropInput"])


def _rate_dilations(rate):
    if rate is None:
        return None
    r = [int(v) for v in (rate if isinstance(rate, (list, tuple)) else [rate, rate])]
    if min(r) < 1:
        raise ValueError("rate %s cannot be less than one" % (r,))
    return r


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                     data_format=None, dilations=None):
    """Depthwise convolution (``depthwise_conv2d_native``), dilated by ``rate``.

    Example:
        >>> tf.nn.depthwise_conv2d(x, tf.ones([3, 3, 3, 2]), [1, 1, 1, 1], "SAME")
    """
    with op_scope(name, "depthwise", [input, filter]) as scope:
        return depthwise_conv2d_native(input, filter, strides, padding, data_format,
                                       _rate_dilations(rate or dilations), name=scope)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     rate=None, name=None, data_format=None, dilations=None):
    """A depthwise convolution followed by a 1x1 convolution that mixes the channels.

    ``depthwise_filter`` is ``[fh, fw, in_channels, multiplier]`` and
    ``pointwise_filter`` is ``[1, 1, in_channels · multiplier, out_channels]``.

    Example:
        >>> tf.nn.separable_conv2d(x, tf.ones([3, 3, 3, 2]), tf.ones([1, 1, 6, 8]),
        ...                        [1, 1, 1, 1], "SAME")
    """
    with op_scope(name, "separable_conv2d",
                  [input, depthwise_filter, pointwise_filter]) as scope:
        pointwise = convert_to_tensor(pointwise_filter, name="pointwise_filter")
        p = pointwise.shape
        if p.ndims is not None:
            p = p.with_rank(4).as_list()
            if p[0] not in (1, None) or p[1] not in (1, None):
                raise ValueError("pointwise_filter's spatial dims must be 1, got %s" % p[:2])
        depth = depthwise_conv2d(input, depthwise_filter, strides, padding, rate, "depthwise",
                                 data_format, dilations)
        return conv2d(depth, pointwise, [1, 1, 1, 1], "VALID", data_format=data_format or "NHWC",
                      name=scope)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """Dilated ("à trous") convolution: the filter taps are ``rate`` pixels apart.

    Example:
        >>> tf.nn.atrous_conv2d(x, tf.ones([3, 3, 1, 1]), rate=2, padding="SAME")
    """
    with op_scope(name, "atrous_conv2d", [value, filters]) as scope:
        r = _rate_dilations(rate)
        return conv2d(value, filters, [1, 1, 1, 1], padding, dilations=[1, r[0], r[1], 1],
                      name=scope)


def _width_entry(v, nchw):
    """A conv1d stride or dilation: an int, or a 3-list in NWC/NCW order."""
    if isinstance(v, (list, tuple)):
        return int(v[-1] if nchw else v[1]) if len(v) == 3 else int(v[0])
    return int(v)


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format=None, name=None, input=None, dilations=None):  # noqa: A002
    """1-D convolution of ``[batch, width, in_channels]`` (NWC) or NCW values.

    As in TF it is a conv2d over a height of one: the value gets a unit axis,
    the filter ``[fw, in, out]`` becomes ``[1, fw, in, out]``, and the unit
    axis is squeezed away again.

    Example:
        >>> tf.nn.conv1d(tf.ones([1, 5, 2]), tf.ones([3, 2, 4]), stride=1, padding="VALID")
    """
    value = input if value is None else value
    fmt = data_format or "NWC"
    if fmt not in ("NWC", "NCW", "NHWC", "NCHW"):
        raise ValueError("data_format must be \"NWC\" or \"NCW\".")
    nchw = fmt in ("NCW", "NCHW")
    with op_scope(name, "conv1d", [value, filters]) as scope:
        stride, dil = _width_entry(stride, nchw), _width_entry(dilations or 1, nchw)
        x = array_ops.expand_dims(value, 2 if nchw else 1)
        f = array_ops.expand_dims(filters, 0)
        if nchw:
            strides, dils = [1, 1, 1, stride], [1, 1, 1, dil]
        else:
            strides, dils = [1, 1, stride, 1], [1, 1, dil, 1]
        y = conv2d(x, f, strides, padding, data_format="NCHW" if nchw else "NHWC",
                   dilations=dils)
        return array_ops.squeeze(y, [2 if nchw else 1], name=scope)


def convolution(input, filter, padding, strides=None, dilation_rate=None,  # noqa: A002
                name=None, data_format=None, filters=None, dilations=None):
    """N-D convolution for N = 1 or 2 (``conv1d`` or ``conv2d``), chosen by the input's rank.

    Example:
        >>> tf.nn.convolution(x, k, padding="SAME", dilation_rate=[2, 2])
    """
    filter = filters if filter is None else filter  # noqa: A001
    dilation_rate = dilation_rate if dilation_rate is not None else dilations
    with op_scope(name, "convolution", [input, filter]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.shape.ndims is None:
            raise ValueError("input must have a known rank for tf.nn.convolution")
        n = x.shape.ndims - 2
        strides = [1] * n if strides is None else list(np.ravel(strides))
        rate = [1] * n if dilation_rate is None else list(np.ravel(dilation_rate))
        if len(strides) != n or len(rate) != n:
            raise ValueError("strides and dilation_rate must have %d entries for a rank-%d "
                             "input" % (n, x.shape.ndims))
        if n == 1:
            return conv1d(x, filter, strides[0], padding, data_format=data_format,
                          dilations=rate[0], name=scope)
        if n == 2:
            fmt = data_format or "NHWC"
            s = [1] + strides + [1] if fmt == "NHWC" else [1, 1] + strides
            d = [1] + rate + [1] if fmt == "NHWC" else [1, 1] + rate
            return conv2d(x, filter, s, padding, data_format=fmt, dilations=d, name=scope)
        raise ValueError("minitf's tf.nn.convolution supports 1-D and 2-D inputs, got %d "
                         "spatial dimensions" % n)
