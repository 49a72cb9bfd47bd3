"""Ops that bring values into a graph: constants, placeholders, identities.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_to_tensor, register_tensor_conversion_function
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, as_shape, unknown_shape
from minitf.ops.op_util import kernel_outputs, make_op, op_scope, same_shape, unary


# -- Const ----------------------------------------------------------------------
def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A tensor whose value is stored in the graph.

    Args:
        value: a Python scalar, nested list or numpy array.
        dtype: element type; inferred from ``value`` when omitted (Python float ->
            float32, int -> int32).
        shape: optional shape; a scalar ``value`` is broadcast to it.

    Example:
        >>> tf.constant([[1, 2], [3, 4]], name="a")   # int32, shape (2, 2)
    """
    arr = _to_numpy(value, dtype)
    if shape is not None:
        shape = [int(d) for d in (shape if isinstance(shape, (list, tuple)) else
                                  as_shape(shape).as_list())]
        if verify_shape and list(arr.shape) != shape:
            raise TypeError("Expected Tensor's shape: %s, got %s." % (tuple(shape), arr.shape))
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise TypeError("Expected Tensor's shape: %s, got %s." % (tuple(shape), arr.shape))
    arr.flags.writeable = False
    dt = dtypes.from_numpy(arr) if dtype is None else dtypes.as_dtype(dtype)
    return make_op("Const", [], [dt], name, {"value": arr, "dtype": dt})._outputs[0]


def _constant_conversion(value, dtype=None, name=None):
    return constant(value, dtype=dtype, name=name or "Const")


# Any Python or numpy value that reaches convert_to_tensor becomes a Const; types with
# their own conversion (Variable) register at a lower priority and win.
register_tensor_conversion_function(object, _constant_conversion, priority=200)


def _to_numpy(value, dtype):
    """Convert a Python/numpy value to an array of TF's dtype for it."""
    if isinstance(value, Tensor):
        raise TypeError("Expected a constant value, got the Tensor %s" % value)
    if dtype is not None:
        dt = dtypes.as_dtype(dtype)
        if dt is dtypes.string:
            return _strings(value)
        arr = np.asarray(value)
        if arr.dtype.kind in "SUO":
            raise TypeError("Expected %s, got %r of type '%s' instead."
                            % (dt.name, value, type(value).__name__))
        if dt.is_integer or dt.is_bool:
            if arr.dtype.kind == "f" and np.any(arr != np.trunc(arr)):
                raise TypeError("Expected %s, got %r of type '%s' instead."
                                % (dt.name, value, type(value).__name__))
        return np.array(arr, dtype=dt.as_numpy_dtype)
    arr = np.asarray(value)
    if arr.dtype.kind in "SUO":
        return _strings(value)
    if arr.dtype == np.float64 and not isinstance(value, np.ndarray) and \
            not isinstance(value, np.float64):
        return arr.astype(np.float32)
    if arr.dtype == np.int64 and not isinstance(value, (np.ndarray, np.int64)):
        if arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31):
            return arr.astype(np.int32)
    if arr.size == 0 and arr.dtype == np.float64 and not isinstance(value, np.ndarray):
        return arr.astype(np.float32)
    return np.array(arr)


def _strings(value):
    arr = np.asarray(value, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for i, v in enumerate(arr.ravel()):
        if isinstance(v, str):
            v = v.encode()
        elif not isinstance(v, (bytes, bytearray, np.bytes_)):
            raise TypeError("Failed to convert object of type %s to Tensor. Contents: %s. "
                            "Consider casting elements to a supported type."
                            % (type(value), _short_repr(value)))
        out.ravel()[i] = bytes(v)
    return out


def _short_repr(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _const_kernel(ctx):
    return ctx.attrs["value"]


def _const_shape(op):
    return [TensorShape(op._attrs["value"].shape)]


register("Const", _const_kernel, _const_shape, NO_GRADIENT)


# -- Placeholder ------------------------------------------------------------------
def placeholder(dtype, shape=None, name=None):
    """A tensor whose value must be fed with ``feed_dict`` at run time.

    Example:
        >>> x = tf.placeholder(tf.float32, shape=[None, 3])
        >>> sess.run(x * 2, {x: [[1, 2, 3]]})
    """
    dt = dtypes.as_dtype(dtype)
    shape = unknown_shape() if shape is None else as_shape(shape)
    return make_op("Placeholder", [], [dt], name, {"dtype": dt, "shape": shape})._outputs[0]


def _placeholder_kernel(ctx):
    op = ctx.op
    shape = op._attrs["shape"]
    shape_txt = "" if shape.ndims is None else " and shape [%s]" % ",".join(
        "?" if d is None else str(d) for d in shape.as_list())
    raise errors.InvalidArgumentError(
        None, op, "You must feed a value for placeholder tensor '%s' with dtype %s%s"
        % (op.name, op._attrs["dtype"].name, shape_txt))


def _placeholder_shape(op):
    return [op._attrs["shape"]]


register("Placeholder", _placeholder_kernel, _placeholder_shape, NO_GRADIENT)


def placeholder_with_default(input, shape, name=None):  # noqa: A002  (TF's argument name)
    """Pass ``input`` through unless a value is fed for the result."""
    x = convert_to_tensor(input)
    return make_op("PlaceholderWithDefault", [x], [x.dtype], name,
                   {"shape": as_shape(shape), "dtype": x.dtype})._outputs[0]


def _placeholder_with_default_shape(op):
    shape = op._attrs["shape"]
    if not op._inputs[0].shape.is_compatible_with(shape):
        raise ValueError("Shapes %s and %s are incompatible"
                         % (op._inputs[0].shape, shape))
    return [shape]


register("PlaceholderWithDefault", lambda ctx, x: x, _placeholder_with_default_shape,
         lambda op, g: [g])


# -- Identity, StopGradient ---------------------------------------------------------
def identity(input, name=None):  # noqa: A002
    """Return a tensor with the same value as ``input`` (a new op)."""
    return unary("Identity", input, name)


register("Identity", lambda ctx, x: x, same_shape, lambda op, g: [g], forwards=True,
         sparse_grad=True)


def stop_gradient(input, name=None):  # noqa: A002
    """Identity whose output is a constant for ``tf.gradients``."""
    return unary("StopGradient", input, name)


register("StopGradient", lambda ctx, x: x, same_shape, NO_GRADIENT)


# -- IdentityN -----------------------------------------------------------------------------
def identity_n(input, name=None):  # noqa: A002
    """Return a list of tensors with the same values as the list ``input`` (one op).

    Example:
        >>> a, b = tf.identity_n([tf.constant(1), tf.constant([2.0])])
    """
    with op_scope(name, "IdentityN", list(input)) as scope:
        ts = [convert_to_tensor(t) for t in input]
        return list(make_op("IdentityN", ts, [t.dtype for t in ts], scope)._outputs)


register("IdentityN", lambda ctx, *xs: kernel_outputs(xs), lambda op: [t.shape for t in op._inputs],
         lambda op, *grads: list(grads))
