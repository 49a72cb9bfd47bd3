"""Tensors filled with one value: zeros, ones, fill and their ``*_like`` forms.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.framework.op_registry import register
from minitf.framework.tensor_shape import as_shape
from minitf.ops.constant_ops import constant
from minitf.ops.op_util import (const_value, index_tensor, is_tensor_like, make_op, op_scope,
                                same_shape, shape_from_tensor)
from minitf.ops.shape_ops import stack, sum_to_shape


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
    default = "zeros_like" if value == 0 else "ones_like"
    if optimize and t.shape.is_fully_defined() and t.op.type != "Placeholder":
        return _filled(value, t.shape.as_list(), dt, name or default)
    with op_scope(name, default, [t]) as scope:
        return make_op(op_type, [t], [dt], scope, {"T": dt})._outputs[0]


def _fill_scalar(value, dt):
    """The zeros/ones element for ``dt``: strings have a zero (b"") but no one."""
    if dt is dtypes.string:
        if value != 0:
            raise TypeError("Expected string, but got %r of type '%s'." % (
                value, type(value).__name__))
        return b""
    return value


def _like_kernel(value):
    def kernel(ctx, x):
        dt = ctx.attrs["T"]
        return np.full(np.shape(x), _fill_scalar(value, dt), dtype=dt.as_numpy_dtype)
    return kernel


register("ZerosLike", _like_kernel(0), same_shape, lambda op, g: [None], shape_only=True)
register("OnesLike", _like_kernel(1), same_shape, lambda op, g: [None], shape_only=True)


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` with every element equal to scalar ``value``."""
    with op_scope(name, "Fill", [dims, value]) as scope:
        dims = index_tensor(dims, "dims")
        value = convert_to_tensor(value, name="value")
        return make_op("Fill", [dims, value], [value.dtype], scope)._outputs[0]


def _fill_kernel(ctx, dims, value):
    if np.ndim(value) != 0:
        raise errors.InvalidArgumentError(None, ctx.op, "value must be a scalar, got shape %s"
                                          % (np.shape(value),))
    if np.any(np.asarray(dims) < 0):
        raise errors.InvalidArgumentError(None, ctx.op, "dims must be non-negative, got %s"
                                          % np.asarray(dims).tolist())
    return np.full(tuple(dims), value, dtype=ctx.op._outputs[0].dtype.as_numpy_dtype)


def _fill_shape(op):
    op._inputs[1].shape.assert_has_rank(0)
    _check_dims(const_value(op._inputs[0]))
    return [shape_from_tensor(op._inputs[0])]


def _check_dims(dims):
    """Reject a known negative dimension at build time, in TF's words."""
    for d in np.ravel(dims) if dims is not None else ():
        if d < 0:
            raise ValueError("Invalid value in tensor used for shape: %d" % d)


register("Fill", _fill_kernel, _fill_shape,  # dvalue = Σ G
         lambda op, g: [None, sum_to_shape(g, op._inputs[1])])


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros; a constant when ``shape`` is known at build time."""
    return _filled(0, shape, dtype, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones; a constant when ``shape`` is known at build time."""
    return _filled(1, shape, dtype, name or "ones")


_SMALL_CONSTANT = 1000  # TF stores zeros/ones below this many elements as a Const


def _filled(value, shape, dtype, name):
    """A Const when the shape is known and small, else a Fill (keeps GraphDefs small)."""
    dt = dtypes.as_dtype(dtype)
    if isinstance(shape, (list, tuple)) and any(is_tensor_like(d) for d in shape):
        shape = stack(shape)
    fill_value = _fill_scalar(value, dt)
    if not is_tensor_like(shape):
        dims = as_shape(shape).as_list() if not isinstance(shape, (list, tuple)) else \
            [int(d) for d in shape]
        _check_dims(dims)
        if int(np.prod(dims)) < _SMALL_CONSTANT:
            return constant(np.full(dims, fill_value, dtype=dt.as_numpy_dtype), dt, name=name)
        shape = constant(np.array(dims, dtype=np.int32), name="shape_as_tensor")
    with get_default_graph().name_scope(name) as scope:
        return fill(shape, constant(fill_value, dt), name=scope)
