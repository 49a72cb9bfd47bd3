"""Ops that create, reshape and rearrange tensors.

Each op is one block: public wrapper, registration, shape function, gradient.
"""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, as_shape, unknown_shape
from minitf.ops.op_util import (const_value, make_op, same_shape, scalar_shape,
                                shape_from_tensor, unary)

__all__ = ["broadcast_to", "constant", "fill", "identity", "ones", "ones_like", "placeholder",
           "placeholder_with_default", "rank", "reshape", "shape", "size", "stop_gradient",
           "zeros", "zeros_like"]


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
    out.ravel()[:] = [v.encode() if isinstance(v, str) else bytes(v) for v in arr.ravel()]
    return out


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


register("Identity", lambda ctx, x: x, same_shape, lambda op, g: [g])


def stop_gradient(input, name=None):  # noqa: A002
    """Identity whose output is a constant for ``tf.gradients``."""
    return unary("StopGradient", input, name)


register("StopGradient", lambda ctx, x: x, same_shape, NO_GRADIENT)


# -- ZerosLike, OnesLike, Fill, zeros, ones ------------------------------------------
def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Zeros with the shape of ``tensor`` (and its dtype unless ``dtype`` is given).

    With ``optimize=True`` and a fully known static shape, the result is a
    constant, as in TF.
    """
    return _filled_like("ZerosLike", 0, tensor, dtype, name, optimize)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones with the shape of ``tensor`` (and its dtype unless ``dtype`` is given)."""
    return _filled_like("OnesLike", 1, tensor, dtype, name, optimize)


def _filled_like(op_type, value, tensor, dtype, name, optimize):
    t = convert_to_tensor(tensor)
    dt = dtypes.as_dtype(dtype) if dtype is not None else t.dtype
    fill_value = _fill_scalar(value, dt)
    if optimize and t.shape.is_fully_defined() and t.op.type != "Placeholder":
        return constant(np.full(t.shape.as_list(), fill_value, dtype=dt.as_numpy_dtype), dt,
                        name=name or op_type.replace("Like", "s_like"))
    return make_op(op_type, [t], [dt], name, {"T": dt})._outputs[0]


def _fill_scalar(value, dt):
    if dt is dtypes.string:
        return b"" if value == 0 else b"1"
    return value


def _like_kernel(value):
    def kernel(ctx, x):
        dt = ctx.attrs["T"]
        return np.full(np.shape(x), _fill_scalar(value, dt), dtype=dt.as_numpy_dtype)
    return kernel


register("ZerosLike", _like_kernel(0), same_shape, lambda op, g: [None])
register("OnesLike", _like_kernel(1), same_shape, lambda op, g: [None])


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` with every element equal to scalar ``value``."""
    dims = convert_to_tensor(dims, dtype=dtypes.int32)
    value = convert_to_tensor(value)
    return make_op("Fill", [dims, value], [value.dtype], name)._outputs[0]


def _fill_kernel(ctx, dims, value):
    if np.ndim(value) != 0:
        raise errors.InvalidArgumentError(None, ctx.op, "value must be a scalar, got shape %s"
                                          % (np.shape(value),))
    if np.any(np.asarray(dims) < 0):
        raise errors.InvalidArgumentError(None, ctx.op, "dims must be non-negative, got %s"
                                          % (list(dims),))
    return np.full(tuple(dims), value, dtype=ctx.op._outputs[0].dtype.as_numpy_dtype)


def _fill_shape(op):
    op._inputs[1].shape.assert_has_rank(0)
    return [shape_from_tensor(op._inputs[0])]


register("Fill", _fill_kernel, _fill_shape, lambda op, g: [None, _math().reduce_sum(g)])


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros; a constant when ``shape`` is known at build time."""
    return _filled(0, shape, dtype, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones; a constant when ``shape`` is known at build time."""
    return _filled(1, shape, dtype, name or "ones")


def _filled(value, shape, dtype, name):
    dt = dtypes.as_dtype(dtype)
    if isinstance(shape, Tensor):
        with get_default_graph().name_scope(name):
            return fill(shape, constant(_fill_scalar(value, dt), dt), name="")
    dims = as_shape(shape).as_list() if not isinstance(shape, (list, tuple)) else \
        [int(d) for d in shape]
    return constant(np.full(dims, _fill_scalar(value, dt), dtype=dt.as_numpy_dtype), dt,
                    name=name)


# -- Shape, Size, Rank ----------------------------------------------------------------
def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The runtime shape of ``input`` as a 1-D int32 tensor."""
    return unary("Shape", input, name, {"out_type": dtypes.as_dtype(out_type)},
                 dtype=out_type)


def _shape_kernel(ctx, x):
    return np.array(np.shape(x), dtype=ctx.attrs["out_type"].as_numpy_dtype)


def _shape_shape(op):
    return [TensorShape([op._inputs[0].shape.ndims])]


register("Shape", _shape_kernel, _shape_shape, NO_GRADIENT)


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of ``input`` (int32 scalar)."""
    return unary("Size", input, name, {"out_type": dtypes.as_dtype(out_type)},
                 dtype=out_type)


register("Size", lambda ctx, x: np.array(np.size(x), ctx.attrs["out_type"].as_numpy_dtype),
         scalar_shape, NO_GRADIENT)


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of ``input`` (int32 scalar)."""
    return unary("Rank", input, name, dtype=dtypes.int32)


register("Rank", lambda ctx, x: np.int32(np.ndim(x)), scalar_shape, NO_GRADIENT)


# -- Reshape ------------------------------------------------------------------------
def reshape(tensor, shape, name=None):
    """``tensor`` with its elements in a new shape; one dimension may be -1."""
    t = convert_to_tensor(tensor)
    s = convert_to_tensor(shape, dtype=dtypes.int32)
    return make_op("Reshape", [t, s], [t.dtype], name)._outputs[0]


def _reshape_kernel(ctx, x, shape):
    try:
        return np.reshape(x, tuple(shape))
    except ValueError:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Input to reshape is a tensor with %d values, but the requested shape "
            "has %d" % (np.size(x), abs(int(np.prod(shape))))) from None


def _reshape_shape(op):
    x, target = op._inputs[0].shape, shape_from_tensor(op._inputs[1])
    if target.ndims is None:
        return [target]
    dims = target.as_list()
    n = x.num_elements()
    if n is not None and dims.count(None) == 1:
        known = int(np.prod([d for d in dims if d is not None]))
        if known and n % known:
            raise ValueError("Cannot reshape a tensor with %d elements to shape %s" % (n, dims))
        if known:
            dims[dims.index(None)] = n // known
    elif n is not None and None not in dims and int(np.prod(dims)) != n:
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                         % (n, dims, int(np.prod(dims))))
    return [TensorShape(dims)]


def _reshape_grad(op, g):
    return [reshape(g, shape(op._inputs[0])), None]


register("Reshape", _reshape_kernel, _reshape_shape, _reshape_grad)


# -- BroadcastTo ----------------------------------------------------------------------
def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcast ``input`` to ``shape`` with numpy rules."""
    x = convert_to_tensor(input)
    s = convert_to_tensor(shape, dtype=dtypes.int32)
    return make_op("BroadcastTo", [x, s], [x.dtype], name)._outputs[0]


def _broadcast_to_shape(op):
    return [shape_from_tensor(op._inputs[1])]


def _broadcast_to_grad(op, g):
    return [_math().sum_to_shape(g, op._inputs[0]), None]


register("BroadcastTo", lambda ctx, x, s: np.broadcast_to(x, tuple(s)), _broadcast_to_shape,
         _broadcast_to_grad)


def _math():
    from minitf.ops import math_ops
    return math_ops


def slice_helper(tensor, key):
    """``tensor[key]`` with numpy-style basic indexing (see ``strided_slice``)."""
    from minitf.ops import array_ops_more
    return array_ops_more.slice_helper(tensor, key)
