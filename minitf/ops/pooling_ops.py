"""Pooling: MaxPool, AvgPool and MaxPoolWithArgmax, with their gradient ops.

The gradients are graph ops as in TF, and each has a gradient of its own, so
second derivatives through a pooling layer work:

* ``MaxPoolGrad`` sends each window's gradient to its first maximum (the
  scan order of TF's CPU kernel); its gradient with respect to that incoming
  gradient is ``MaxPoolGradGrad``, which reads a gradient back at the same
  positions, and the gradient of that is ``MaxPoolGrad`` again.  Both are
  piecewise constant in the pooled input, whose gradient is zero.
* ``AvgPoolGrad`` spreads each window's gradient evenly over its real pixels;
  it is the adjoint of ``AvgPool``, so its gradient is ``AvgPool``.
"""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import register
from minitf.framework.tensor_shape import TensorShape
from minitf.kernels import conv
from minitf.ops import array_ops, conv_ops
from minitf.ops.op_util import (FLOATS, REAL, check_dtype, invalid, make_op, op_scope,
                                shape_from_tensor)

__all__ = ["max_pool", "avg_pool", "max_pool_with_argmax", "max_pool_grad",
           "max_pool_grad_grad", "avg_pool_grad", "max_pool_grad_with_argmax",
           "max_pool_grad_grad_with_argmax"]


def _pool_attrs(op_type, ksize, strides, padding, data_format, dtype):
    fmt = conv_ops.data_format_attr(data_format)
    return {"ksize": conv_ops.four_ints(ksize, "ksize", op_type, fmt, "pooling"),
            "strides": conv_ops.four_ints(strides, "strides", op_type, fmt, "pooling"),
            "padding": conv_ops.padding_attr(padding), "data_format": fmt, "T": dtype}


def _pool_op(op_type, inputs, names, attrs_from, name, allowed, out_dtypes=None, extra=None):
    """Build a pooling op; ``attrs_from`` is (ksize, strides, padding, data_format)."""
    with op_scope(name, op_type, inputs) as scope:
        ts = [convert_to_tensor(v, name=arg) for v, arg in zip(inputs, names)]
        at = len(ts) - 1 if op_type == "AvgPoolGrad" else 0  # the input that sets T
        value = ts[at]
        check_dtype(op_type, value, allowed, names[at])
        attrs = dict(_pool_attrs(op_type, *attrs_from, value.dtype), **(extra or {}))
        op = make_op(op_type, ts, out_dtypes or [value.dtype], scope, attrs)
        return op._outputs if len(op._outputs) > 1 else op._outputs[0]


def _like(op_type, op, *inputs, out_dtypes=None):
    a = op._attrs
    names = _INPUT_NAMES[op_type]
    allowed = FLOATS if op_type.startswith("AvgPool") else REAL
    return _pool_op(op_type, list(inputs), names,
                    (a["ksize"], a["strides"], a["padding"], a["data_format"]), None, allowed,
                    out_dtypes)


_INPUT_NAMES = {
    "MaxPool": ("input",), "AvgPool": ("value",),
    "MaxPoolGrad": ("orig_input", "orig_output", "grad"),
    "MaxPoolGradGrad": ("orig_input", "orig_output", "grad"),
    "AvgPoolGrad": ("orig_input_shape", "grad"),
    "MaxPoolWithArgmax": ("input",),
    "MaxPoolGradWithArgmax": ("input", "grad", "argmax"),
    "MaxPoolGradGradWithArgmax": ("input", "grad", "argmax"),
}


def _window(ctx, shape):
    """The kernel-time window of this op over an NHWC image ``shape``."""
    kh, kw = conv_ops.spatial(ctx.attrs["ksize"], ctx.attrs["data_format"])
    return conv_ops.make_window(ctx, shape, kh, kw, dilations=[1, 1, 1, 1])


def _check_rank4(ctx, x, arg="input"):
    if np.ndim(x) != 4:
        raise invalid(ctx, "%s must be 4-dimensional" % arg)


def _pooled_shape(op):
    fmt = op._attrs["data_format"]
    s = op._inputs[0].shape
    if s.ndims is None:
        return [TensorShape([None] * 4)] * len(op._outputs)
    x = conv_ops.nhwc_dims(s.with_rank(4).as_list(), fmt)
    kh, kw = conv_ops.spatial(op._attrs["ksize"], fmt)
    h, w = conv_ops.static_window_dims(op, x, kh, kw, [1, 1, 1, 1])
    return [TensorShape(conv_ops.from_nhwc_dims([x[0], h, w, x[3]], fmt))] * len(op._outputs)


def _nhwc(ctx, x):
    return conv_ops.to_nhwc(x, ctx.attrs["data_format"])


def _back(ctx, y):
    return conv_ops.from_nhwc(y, ctx.attrs["data_format"])


# -- MaxPool ------------------------------------------------------------------------------
def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """The maximum over each ``ksize`` window, moved by ``strides``.

    Under SAME padding a window may hang over the border; the padding never
    wins the maximum.  The gradient goes to the first maximum of each window.

    Example:
        >>> x = tf.reshape(tf.range(16.), [1, 4, 4, 1])
        >>> tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")   # [[5, 7], [13, 15]]
    """
    value = input if value is None else value
    return _pool_op("MaxPool", [value], _INPUT_NAMES["MaxPool"],
                    (ksize, strides, padding, data_format), name, REAL)


def _max_pool_kernel(ctx, x):
    _check_rank4(ctx, x)
    x = _nhwc(ctx, x)
    return _back(ctx, conv.max_pool(x, _window(ctx, x.shape)))


def _max_pool_grad(op, g):
    return [_like("MaxPoolGrad", op, op._inputs[0], op._outputs[0], g)]


register("MaxPool", _max_pool_kernel, _pooled_shape, _max_pool_grad)


# -- MaxPoolGrad and MaxPoolGradGrad -----------------------------------------------------------
def max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """MaxPool's input gradient: each entry of ``grad`` added at its window's first maximum."""
    return _pool_op("MaxPoolGrad", [orig_input, orig_output, grad],
                    _INPUT_NAMES["MaxPoolGrad"], (ksize, strides, padding, data_format), name,
                    REAL)


def max_pool_grad_grad(orig_input, grad, ksize, strides, padding, data_format="NHWC",
                       name=None):
    """MaxPoolGrad's gradient with respect to its ``grad``: ``grad`` read at each window's
    first maximum (the pooled output is recomputed from ``orig_input``)."""
    orig_output = max_pool(orig_input, ksize, strides, padding, data_format)
    return _pool_op("MaxPoolGradGrad", [orig_input, orig_output, grad],
                    _INPUT_NAMES["MaxPoolGradGrad"], (ksize, strides, padding, data_format),
                    name, REAL)


def _argmax(ctx, x):
    x = _nhwc(ctx, x)
    return conv.max_pool_argmax(x, _window(ctx, x.shape)), x.shape


def _max_pool_grad_kernel(ctx, x, y, g):
    _check_rank4(ctx, x, "orig_input")
    argmax, shape = _argmax(ctx, x)
    return _back(ctx, conv.unpool(argmax, _nhwc(ctx, g), shape))


def _max_pool_grad_grad_kernel(ctx, x, y, gg):
    _check_rank4(ctx, x, "orig_input")
    argmax, _ = _argmax(ctx, x)
    return _back(ctx, conv.gather_pooled(argmax, _nhwc(ctx, gg)))


def _max_pool_grad_grad(op, g):
    x, y, _ = op._inputs
    return [array_ops.zeros_like(x), array_ops.zeros_like(y),
            _like("MaxPoolGradGrad", op, x, y, g)]


def _max_pool_grad_grad_grad(op, g):
    x, y, _ = op._inputs
    return [array_ops.zeros_like(x), array_ops.zeros_like(y), _like("MaxPoolGrad", op, x, y, g)]


def _shape_of_input(index):
    return lambda op: [op._inputs[index].shape]


register("MaxPoolGrad", _max_pool_grad_kernel, _shape_of_input(0), _max_pool_grad_grad)
register("MaxPoolGradGrad", _max_pool_grad_grad_kernel, _shape_of_input(1),
         _max_pool_grad_grad_grad)


# -- AvgPool and AvgPoolGrad -----------------------------------------------------------------
def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """The mean over each ``ksize`` window, moved by ``strides``.

    Under SAME padding a window that hangs over the border averages only its
    real pixels (TF leaves the padding out of the count).

    Example:
        >>> tf.nn.avg_pool(tf.ones([1, 3, 3, 1]), [1, 2, 2, 1], [1, 2, 2, 1], "SAME")   # ones
    """
    value = input if value is None else value
    return _pool_op("AvgPool", [value], _INPUT_NAMES["AvgPool"],
                    (ksize, strides, padding, data_format), name, FLOATS)


def avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """AvgPool's input gradient: each window's gradient shared evenly by its real pixels."""
    return _pool_op("AvgPoolGrad", [orig_input_shape, grad], _INPUT_NAMES["AvgPoolGrad"],
                    (ksize, strides, padding, data_format), name, FLOATS)


def _avg_pool_kernel(ctx, x):
    _check_rank4(ctx, x, "value")
    x = _nhwc(ctx, x)
    return _back(ctx, conv.avg_pool(x, _window(ctx, x.shape)))


def _avg_pool_grad_kernel(ctx, sizes, g):
    sizes = [int(s) for s in np.ravel(sizes)]
    if len(sizes) != 4:
        raise invalid(ctx, "orig_input_shape must have 4 elements")
    shape = tuple(conv_ops.nhwc_dims(sizes, ctx.attrs["data_format"]))
    return _back(ctx, conv.avg_pool_grad(shape, _nhwc(ctx, g), _window(ctx, shape)))


def _avg_pool_grad(op, g):
    return [_like("AvgPoolGrad", op, array_ops.shape(op._inputs[0]), g)]


def _avg_pool_grad_grad(op, g):
    return [None, _like("AvgPool", op, g)]


def _avg_pool_grad_shape(op):
    s = shape_from_tensor(op._inputs[0])
    return [s if s.ndims is not None else TensorShape([None] * 4)]


register("AvgPool", _avg_pool_kernel, _pooled_shape, _avg_pool_grad)
register("AvgPoolGrad", _avg_pool_grad_kernel, _avg_pool_grad_shape, _avg_pool_grad_grad)


# -- MaxPoolWithArgmax and its gradients --------------------------------------------------------
def max_pool_with_argmax(input, ksize, strides, padding, Targmax=dtypes.int64,  # noqa: A002,N803
                         name=None, output_dtype=None, include_batch_in_index=False):
    """Max pooling that also returns where each maximum was.

    ``argmax`` holds the flat index ``(row · width + col) · channels + channel``
    of each window's first maximum within its image (NHWC only, as in TF);
    with ``include_batch_in_index`` the image's offset ``b · height · width ·
    channels`` is added.

    Example:
        >>> out, where = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    """
    targmax = dtypes.as_dtype(output_dtype or Targmax)
    if targmax not in (dtypes.int32, dtypes.int64):
        raise TypeError("Targmax must be int32 or int64, got %s" % targmax.name)
    with op_scope(name, "MaxPoolWithArgmax", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        out, argmax = _pool_op("MaxPoolWithArgmax", [x], _INPUT_NAMES["MaxPoolWithArgmax"],
                               (ksize, strides, padding, "NHWC"), scope, REAL,
                               [x.dtype, targmax],
                               {"Targmax": targmax,
                                "include_batch_in_index": bool(include_batch_in_index)})
        return out, argmax


def max_pool_grad_with_argmax(input, grad, argmax, ksize, strides, padding,  # noqa: A002
                              name=None):
    """MaxPoolWithArgmax's input gradient: each ``grad`` entry added where ``argmax`` says."""
    return _pool_op("MaxPoolGradWithArgmax", [input, grad, argmax],
                    _INPUT_NAMES["MaxPoolGradWithArgmax"], (ksize, strides, padding, "NHWC"),
                    name, REAL)


def max_pool_grad_grad_with_argmax(input, grad, argmax, ksize, strides, padding,  # noqa: A002
                                   name=None):
    """``grad`` (shaped like ``input``) read at the positions ``argmax`` names."""
    return _pool_op("MaxPoolGradGradWithArgmax", [input, grad, argmax],
                    _INPUT_NAMES["MaxPoolGradGradWithArgmax"], (ksize, strides, padding, "NHWC"),
                    name, REAL)


def _batch_offsets(shape):
    return (np.arange(shape[0]) * int(np.prod(shape[1:]))).reshape(-1, 1, 1, 1)


def _max_pool_with_argmax_kernel(ctx, x):
    _check_rank4(ctx, x)
    argmax = conv.max_pool_argmax(x, _window(ctx, x.shape))
    out = conv.gather_pooled(argmax, x)
    if ctx.attrs["include_batch_in_index"]:
        argmax = argmax + _batch_offsets(x.shape)
    return out, argmax.astype(ctx.attrs["Targmax"].as_numpy_dtype)


def _local_argmax(ctx, argmax, shape):
    """Indices within each image, whatever ``include_batch_in_index`` the forward used."""
    argmax = argmax.astype(np.int64)
    size = int(np.prod(shape[1:]))
    if argmax.size and (argmax.min() < 0 or argmax.max() >= size * shape[0]):
        raise invalid(ctx, "argmax holds an index outside the input")
    return argmax % size


def _max_pool_grad_with_argmax_kernel(ctx, x, g, argmax):
    return conv.unpool(_local_argmax(ctx, argmax, x.shape), g, x.shape)


def _max_pool_grad_grad_with_argmax_kernel(ctx, x, gg, argmax):
    return conv.gather_pooled(_local_argmax(ctx, argmax, x.shape), gg)


def _max_pool_with_argmax_grad(op, g, _):
    x, argmax = op._inputs[0], op._outputs[1]
    return [_like("MaxPoolGradWithArgmax", op, x, g, argmax)]


def _max_pool_grad_with_argmax_grad(op, g):
    x, _, argmax = op._inputs
    return [array_ops.zeros_like(x), _like("MaxPoolGradGradWithArgmax", op, x, g, argmax), None]


def _max_pool_grad_grad_with_argmax_grad(op, g):
    x, _, argmax = op._inputs
    return [array_ops.zeros_like(x), _like("MaxPoolGradWithArgmax", op, x, g, argmax), None]


register("MaxPoolWithArgmax", _max_pool_with_argmax_kernel, _pooled_shape,
         _max_pool_with_argmax_grad)
register("MaxPoolGradWithArgmax", _max_pool_grad_with_argmax_kernel, _shape_of_input(0),
         _max_pool_grad_with_argmax_grad)
register("MaxPoolGradGradWithArgmax", _max_pool_grad_grad_with_argmax_kernel,
         _shape_of_input(2), _max_pool_grad_grad_with_argmax_grad)
