"""Ops that create, reshape and rearrange tensors.

Each op is one block: public wrapper, registration, shape function, gradient.
Index arithmetic in kernels is vectorized with numpy; Python loops only run
over axes or over an op's list of inputs/outputs, never over elements.
"""
import builtins
import collections

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import (Tensor, convert_to_tensor, get_default_graph,
                                    override_operators, register_tensor_conversion_function)
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import Dimension, TensorShape, as_shape, unknown_shape
from minitf.ops.op_util import (const_value, make_op, op_scope, same_shape, scalar_shape,
                                shape_from_tensor, unary)

__all__ = ["boolean_mask", "broadcast_dynamic_shape", "broadcast_static_shape",
           "broadcast_to", "concat", "constant", "diag", "diag_part", "dynamic_partition",
           "dynamic_stitch", "expand_dims", "eye", "fill", "gather", "gather_nd", "identity",
           "identity_n", "invert_permutation", "matrix_band_part", "matrix_diag",
           "matrix_diag_part", "matrix_set_diag", "matrix_transpose", "meshgrid", "one_hot",
           "ones", "ones_like", "pad", "parallel_stack", "placeholder",
           "placeholder_with_default", "rank", "reshape", "reverse", "reverse_sequence",
           "reverse_v2", "scatter_nd", "segment_sum", "sequence_mask", "setdiff1d", "shape",
           "shape_n", "size", "slice", "split", "squeeze", "stack", "stop_gradient",
           "strided_slice", "tile", "transpose", "unique", "unique_with_counts",
           "unsorted_segment_sum", "unstack", "where", "zeros", "zeros_like"]

_pyslice = builtins.slice  # this module defines tf.slice


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


register("Identity", lambda ctx, x: x, same_shape, lambda op, g: [g], forwards=True)


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


register("ZerosLike", _like_kernel(0), same_shape, lambda op, g: [None])
register("OnesLike", _like_kernel(1), same_shape, lambda op, g: [None])


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` with every element equal to scalar ``value``."""
    with op_scope(name, "Fill", [dims, value]) as scope:
        dims = _index_tensor(dims, "dims")
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


register("Fill", _fill_kernel, _fill_shape, lambda op, g: [None, _math().reduce_sum(g)])


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
    if isinstance(shape, (list, tuple)) and any(_is_tensor_like(d) for d in shape):
        shape = stack(shape)
    fill_value = _fill_scalar(value, dt)
    if not _is_tensor_like(shape):
        dims = as_shape(shape).as_list() if not isinstance(shape, (list, tuple)) else \
            [int(d) for d in shape]
        _check_dims(dims)
        if int(np.prod(dims)) < _SMALL_CONSTANT:
            return constant(np.full(dims, fill_value, dtype=dt.as_numpy_dtype), dt, name=name)
        shape = constant(np.array(dims, dtype=np.int32), name="shape_as_tensor")
    with get_default_graph().name_scope(name) as scope:
        return fill(shape, constant(fill_value, dt), name=scope)


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
    with op_scope(name, "Reshape", [tensor, shape]) as scope:
        t = convert_to_tensor(tensor, name="tensor")
        s = _index_tensor(shape, "shape")
        return make_op("Reshape", [t, s], [t.dtype], scope)._outputs[0]


def _reshape_kernel(ctx, x, shape):
    try:
        return np.reshape(x, tuple(int(d) for d in shape))
    except ValueError:
        known = int(np.prod([d for d in shape if d != -1]))
        want = ("requires a multiple of %d" % known) if -1 in list(shape) else ("has %d" % known)
        raise errors.InvalidArgumentError(
            None, ctx.op, "Input to reshape is a tensor with %d values, but the requested shape "
            "%s" % (np.size(x), want)) from None


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
    with op_scope(name, "BroadcastTo", [input, shape]) as scope:
        x = convert_to_tensor(input, name="input")
        s = _index_tensor(shape, "shape")
        return make_op("BroadcastTo", [x, s], [x.dtype], scope)._outputs[0]


def _broadcast_to_kernel(ctx, x, s):
    try:
        return np.broadcast_to(x, tuple(int(d) for d in s))
    except ValueError:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Incompatible shapes: %s vs. %s" % (list(np.shape(x)), list(s))) from None


def _broadcast_to_shape(op):
    target = shape_from_tensor(op._inputs[1])
    x = op._inputs[0].shape
    if target.ndims is not None and x.ndims is not None:
        if x.ndims > target.ndims:
            raise ValueError("Rank of input (%d) must be no greater than rank of output shape "
                             "(%d)." % (x.ndims, target.ndims))
        for a, b in zip(x.as_list()[::-1], target.as_list()[::-1]):
            if a is not None and b is not None and a != 1 and a != b:
                raise ValueError("Incompatible shapes: %s vs. %s" % (x, target))
    return [target]


def _broadcast_to_grad(op, g):
    return [_math().sum_to_shape(g, op._inputs[0]), None]


register("BroadcastTo", _broadcast_to_kernel, _broadcast_to_shape,
         _broadcast_to_grad)


def _math():
    from minitf.ops import math_ops
    return math_ops


# -- shared helpers ---------------------------------------------------------------------
def _is_tensor_like(v):
    return isinstance(v, Tensor) or hasattr(v, "_as_graph_element")


def _index_tensor(v, name):
    """Convert an index-like argument (shape, axis, begin...) to an int32/int64 tensor."""
    t = convert_to_tensor(v, name=name) if _is_tensor_like(v) else \
        convert_to_tensor(v, preferred_dtype=dtypes.int32, name=name)
    if t.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                        "values: int32, int64" % (name, t.dtype.name))
    return t


def _convert_list(values, op_type, arg="values"):
    """Convert a list of values to tensors of one dtype (numbers take the tensors' dtype)."""
    values = list(values)
    first = next((v for v in values if _is_tensor_like(v)), None)
    dt = convert_to_tensor(first).dtype if first is not None else None
    ts = [convert_to_tensor(v, preferred_dtype=dt) for v in values]
    kinds = [t.dtype for t in ts]
    if any(k is not kinds[0] for k in kinds):
        raise TypeError("Tensors in list passed to '%s' of '%s' Op have types [%s] that don't "
                        "all match." % (arg, op_type, ", ".join(k.name for k in kinds)))
    return ts


def _ints(t):
    """The values of a constant int tensor as a list of ints, else None."""
    v = const_value(t)
    return None if v is None else [int(a) for a in np.ravel(v)]


def _scalar_int(t):
    v = const_value(t)
    return None if v is None or np.size(v) != 1 else int(np.ravel(v)[0])


def _partial_ints(t):
    """Known entries of a 1-D int tensor (None where unknown); None if its length is unknown."""
    v = _ints(t)
    if v is not None:
        return v
    if t.op.type == "Pack" and t.op._attrs.get("axis", 0) == 0:
        return [_scalar_int(x) for x in t.op._inputs]
    if t.shape.ndims == 1 and t.shape[0].value is not None:
        return [None] * t.shape[0].value
    return None


def _dims(t):
    """Static dims of ``t`` as a list (entries may be None), or None for unknown rank."""
    return None if t.shape.ndims is None else t.shape.as_list()


def _bad(ctx, message):
    return errors.InvalidArgumentError(None, ctx.op, message)


def _outputs(values):
    """A kernel's result for a multi-output op (a 1-output op returns the array itself)."""
    values = tuple(values)
    return values[0] if len(values) == 1 else values


def _norm_axis(axis, ndims):
    """``axis`` in [-ndims, ndims) mapped to [0, ndims); ValueError otherwise."""
    if not -ndims <= axis < ndims:
        raise ValueError("Expected axis in the range [%d, %d), but got %d" % (-ndims, ndims, axis))
    return axis % ndims


# -- Transpose, InvertPermutation ---------------------------------------------------------
def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permute the dimensions of ``a``: output dim ``i`` is input dim ``perm[i]``.

    Args:
        a: a tensor.
        perm: a permutation of ``range(rank(a))``; default reverses the dimensions.
        conjugate: accepted for compatibility (no complex types here).

    Example:
        >>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
        >>> tf.transpose(x)             # [[1, 4], [2, 5], [3, 6]]
        >>> tf.transpose(tf.ones([2, 3, 4]), [0, 2, 1]).shape   # (2, 4, 3)
    """
    with op_scope(name, "transpose", [a]) as scope:
        x = convert_to_tensor(a, name="a")
        if perm is None:
            if x.shape.ndims is not None:
                perm = constant(np.arange(x.shape.ndims - 1, -1, -1, dtype=np.int32),
                                name="perm")
            else:
                m = _math()
                r = rank(x)
                perm = m.subtract(m.subtract(r, 1), m.range(0, r, 1), name="perm")
        perm = _index_tensor(perm, "perm")
        return make_op("Transpose", [x, perm], [x.dtype], scope)._outputs[0]


def _transpose_kernel(ctx, x, perm):
    perm = [int(p) for p in perm]
    if len(perm) != x.ndim:
        raise _bad(ctx, "transpose expects a vector of size %d. But input(1) is a vector of "
                   "size %d" % (x.ndim, len(perm)))
    if sorted(perm) != list(builtins.range(x.ndim)):
        raise _bad(ctx, "%s is not a permutation of 0..%d" % (perm, x.ndim - 1))
    return np.transpose(x, perm)


def _transpose_shape(op):
    x, p = op._inputs
    perm = _ints(p)
    dims = _dims(x)
    if perm is None:
        if dims is not None:
            return [unknown_shape(len(dims))]
        return [unknown_shape(p.shape[0].value if p.shape.ndims == 1 else None)]
    if dims is None:
        return [unknown_shape(len(perm))]
    if len(perm) != len(dims):
        raise ValueError("Dimension must be %d but is %d" % (len(dims), len(perm)))
    if sorted(perm) != list(builtins.range(len(dims))):
        raise ValueError("%s is not a permutation of 0..%d" % (perm, len(dims) - 1))
    return [TensorShape([dims[i] for i in perm])]


def _transpose_grad(op, g):
    # y = xᵀ(perm)  =>  dx = gᵀ(perm⁻¹)
    return [transpose(g, invert_permutation(op._inputs[1])), None]


register("Transpose", _transpose_kernel, _transpose_shape, _transpose_grad)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swap the last two dimensions of ``a`` (a batch of matrices).

    Example:
        >>> tf.matrix_transpose(tf.ones([5, 2, 3])).shape   # (5, 3, 2)
    """
    with get_default_graph().name_scope(name) as scope:
        x = convert_to_tensor(a, name="a")
        nd = x.shape.ndims
        if nd is not None:
            if nd < 2:
                raise ValueError("Argument 'a' should be a (batch) matrix, with rank >= 2.  "
                                 "Found: %s" % x.shape)
            perm = list(builtins.range(nd - 2)) + [nd - 1, nd - 2]
        else:
            m = _math()
            r = rank(x)
            perm = concat([m.range(0, m.subtract(r, 2), 1),
                           stack([m.subtract(r, 1), m.subtract(r, 2)])], 0)
        return transpose(x, perm, name=scope)


def invert_permutation(x, name=None):
    """The inverse permutation: ``y[x[i]] = i``.

    Example:
        >>> tf.invert_permutation([3, 4, 0, 2, 1])   # [2, 4, 3, 0, 1]
    """
    with op_scope(name, "InvertPermutation", [x]) as scope:
        x = _index_tensor(x, "x")
        return make_op("InvertPermutation", [x], [x.dtype], scope)._outputs[0]


def _invert_permutation_kernel(ctx, x):
    if np.ndim(x) != 1:
        raise _bad(ctx, "invert_permutation expects a 1D vector.")
    n = np.size(x)
    if n and (x.min() < 0 or x.max() >= n or np.unique(x).size != n):
        raise _bad(ctx, "%s is not a permutation of 0..%d" % (list(x), n - 1))
    out = np.empty(n, dtype=x.dtype)
    out[x] = np.arange(n, dtype=x.dtype)
    return out


def _invert_permutation_shape(op):
    return [op._inputs[0].shape.with_rank(1)]


register("InvertPermutation", _invert_permutation_kernel, _invert_permutation_shape,
         NO_GRADIENT)


# -- ExpandDims, Squeeze --------------------------------------------------------------
def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Insert a dimension of size 1 at ``axis`` (``dim`` is the TF 1.x alias).

    ``axis`` may be negative: -1 appends a trailing dimension.

    Example:
        >>> tf.expand_dims(tf.ones([2, 3]), 1).shape    # (2, 1, 3)
        >>> tf.expand_dims(tf.ones([2, 3]), -1).shape   # (2, 3, 1)
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    with op_scope(name, "ExpandDims", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        a = _index_tensor(axis, "dim")
        return make_op("ExpandDims", [x, a], [x.dtype], scope)._outputs[0]


def _expand_dims_axis(a, nd):
    if not -nd - 1 <= a <= nd:
        raise ValueError("Tried to expand dim index %d for tensor with %d dimensions." % (a, nd))
    return a + nd + 1 if a < 0 else a


def _expand_dims_kernel(ctx, x, axis):
    if np.size(axis) != 1:
        raise _bad(ctx, "'dim' must be a tensor with a single value")
    try:
        a = _expand_dims_axis(int(np.ravel(axis)[0]), np.ndim(x))
    except ValueError as e:
        raise _bad(ctx, str(e)) from None
    return np.expand_dims(x, a)


def _expand_dims_shape(op):
    x, axis = op._inputs
    a = _scalar_int(axis)
    dims = _dims(x)
    if dims is None:
        return [unknown_shape()]
    if a is None:
        return [unknown_shape(len(dims) + 1)]
    a = _expand_dims_axis(a, len(dims))
    return [TensorShape(dims[:a] + [1] + dims[a:])]


register("ExpandDims", _expand_dims_kernel, _expand_dims_shape,
         lambda op, g: [reshape(g, shape(op._inputs[0])), None])


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Remove dimensions of size 1 (all of them, or only those listed in ``axis``).

    ``squeeze_dims`` is the TF 1.x alias of ``axis``. Listing a dimension whose
    size is not 1 is an error.

    Example:
        >>> tf.squeeze(tf.ones([1, 2, 1, 3])).shape           # (2, 3)
        >>> tf.squeeze(tf.ones([1, 2, 1, 3]), [2]).shape      # (1, 2, 3)
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'squeeze_dims' and 'axis'")
    if axis is None:
        axis = squeeze_dims
    if axis is None:
        axis = []
    elif isinstance(axis, (int, np.integer)):
        axis = [axis]
    axis = [int(a) for a in axis]
    with op_scope(name, "Squeeze", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_op("Squeeze", [x], [x.dtype], scope, {"squeeze_dims": axis})._outputs[0]


def _squeeze_plan(dims, axes):
    """Indices of ``dims`` that survive; raises ValueError with TF's wording."""
    nd = len(dims)
    if not axes:
        if any(d is None for d in dims):
            return None
        return [i for i, d in enumerate(dims) if d != 1]
    drop = set()
    for a in axes:
        if not -nd <= a < nd:
            raise ValueError("Tried to squeeze dim index %d for tensor with %d dimensions."
                             % (a, nd))
        a %= nd
        if dims[a] is not None and dims[a] != 1:
            raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                             % (a, dims[a]))
        drop.add(a)
    return [i for i in builtins.range(nd) if i not in drop]


def _squeeze_kernel(ctx, x):
    try:
        keep = _squeeze_plan(list(np.shape(x)), ctx.attrs["squeeze_dims"])
    except ValueError as e:
        raise _bad(ctx, str(e)) from None
    return np.reshape(x, [np.shape(x)[i] for i in keep])


def _squeeze_shape(op):
    dims = _dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    keep = _squeeze_plan(dims, op._attrs["squeeze_dims"])
    return [unknown_shape() if keep is None else TensorShape([dims[i] for i in keep])]


register("Squeeze", _squeeze_kernel, _squeeze_shape,
         lambda op, g: [reshape(g, shape(op._inputs[0]))])


# -- ConcatV2, ConcatOffset ----------------------------------------------------------
def concat(values, axis, name="concat"):
    """Join a list of tensors along dimension ``axis`` (negative counts from the end).

    All other dimensions must agree.

    Example:
        >>> t1 = [[1, 2, 3], [4, 5, 6]]; t2 = [[7, 8, 9], [10, 11, 12]]
        >>> tf.concat([t1, t2], 0).shape    # (4, 3)
        >>> tf.concat([t1, t2], -1).shape   # (2, 6)
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        with get_default_graph().name_scope(name) as scope:
            a = _index_tensor(axis, "axis")
            a.shape.assert_has_rank(0)
            return identity(values[0], name=scope)
    with op_scope(name, "concat", values) as scope:
        ts = _convert_list(values, "ConcatV2")
        a = _index_tensor(axis, "axis")
        return make_op("ConcatV2", ts + [a], [ts[0].dtype], scope, {"N": len(ts)})._outputs[0]


def _concat_kernel(ctx, *args):
    xs, axis = args[:-1], int(args[-1])
    nd = np.ndim(xs[0])
    if nd == 0:
        raise _bad(ctx, "Can't concatenate scalars (use tf.stack instead)")
    if not -nd <= axis < nd:
        raise _bad(ctx, "ConcatOp : Expected concatenating dimensions in the range [%d, %d), "
                   "but got %d" % (-nd, nd, axis))
    try:
        return np.concatenate(xs, axis=axis)
    except ValueError:
        raise _bad(ctx, "ConcatOp : Dimensions of inputs should match: shape[0] = %s vs. "
                   "shape[%d] = %s" % _first_mismatch(xs, axis % nd)) from None


def _first_mismatch(xs, axis):
    s0 = list(np.shape(xs[0]))
    for i, x in enumerate(xs[1:], 1):
        s = list(np.shape(x))
        if len(s) != len(s0) or s[:axis] + s[axis + 1:] != s0[:axis] + s0[axis + 1:]:
            return s0, i, s
    return s0, 0, s0


def _concat_static(shapes, axis):
    """Static shape of concatenating ``shapes`` along constant ``axis`` (or None)."""
    known = [s for s in shapes if s.ndims is not None]
    if not known:
        return unknown_shape()
    nd = known[0].ndims
    for s in known:
        if s.ndims != nd:
            raise ValueError("Shape must be rank %d but is rank %d" % (nd, s.ndims))
    if nd == 0:
        raise ValueError("Can't concatenate scalars (use tf.stack instead)")
    if axis is None:
        return unknown_shape(nd)
    if not -nd <= axis < nd:
        raise ValueError("Expected concatenating dimensions in the range [%d, %d), but got %d"
                         % (-nd, nd, axis))
    axis %= nd
    out = known[0].as_list()
    total = 0 if len(known) == len(shapes) else None
    for s in known:
        dims = s.as_list()
        for i, (a, b) in enumerate(zip(out, dims)):
            if i == axis:
                continue
            if a is not None and b is not None and a != b:
                raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                                 "Shapes are %s and %s." % (i, a, b, _txt(out), _txt(dims)))
            out[i] = a if a is not None else b
        if total is not None:
            total = None if dims[axis] is None else total + dims[axis]
    out[axis] = total
    return TensorShape(out)


def _txt(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _concat_shape(op):
    return [_concat_static([t.shape for t in op._inputs[:-1]], _scalar_int(op._inputs[-1]))]


def _concat_grad(op, g):
    # y = [x₀ | x₁ | ...] along axis  =>  dxᵢ = g[offsetᵢ : offsetᵢ + shape(xᵢ)]
    xs, axis = op._inputs[:-1], op._inputs[-1]
    shapes = [shape(x) for x in xs]
    offsets = concat_offset(axis, shapes)
    return [slice(g, off, s) for off, s in zip(offsets, shapes)] + [None]


register("ConcatV2", _concat_kernel, _concat_shape, _concat_grad)


def concat_offset(concat_dim, shape, name=None):
    """Start offsets of each of ``shape`` (a list of shape vectors) in their concatenation."""
    with op_scope(name, "ConcatOffset", shape) as scope:
        d = convert_to_tensor(concat_dim, dtype=dtypes.int32, name="concat_dim")
        shapes = [_index_tensor(s, "shape") for s in shape]
        op = make_op("ConcatOffset", [d] + shapes, [s.dtype for s in shapes], scope,
                     {"N": len(shapes)})
        return list(op._outputs)


def _concat_offset_kernel(ctx, axis, *shapes):
    nd = np.size(shapes[0])
    a = int(axis) % max(nd, 1)
    sizes = np.array([s[a] for s in shapes], dtype=shapes[0].dtype)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(shapes[0].dtype)
    outs = []
    for start in starts:
        off = np.zeros(nd, dtype=shapes[0].dtype)
        off[a] = start
        outs.append(off)
    return _outputs(outs)


register("ConcatOffset", _concat_offset_kernel, lambda op: [t.shape for t in op._inputs[1:]],
         NO_GRADIENT)


# -- Pack (stack), Unpack (unstack) ----------------------------------------------------
def stack(values, axis=0, name="stack"):
    """Stack a list of rank-R tensors into one rank-(R+1) tensor along a new ``axis``.

    Example:
        >>> x = tf.constant([1, 4]); y = tf.constant([2, 5]); z = tf.constant([3, 6])
        >>> tf.stack([x, y, z])          # [[1, 4], [2, 5], [3, 6]]
        >>> tf.stack([x, y, z], axis=1)  # [[1, 2, 3], [4, 5, 6]]
    """
    values = list(values)
    if axis == 0 and not any(_is_tensor_like(v) for v in values) and not any(
            isinstance(v, (list, tuple)) and any(_is_tensor_like(u) for u in v) for v in values):
        return constant(values, name=name)
    with op_scope(name, "stack", values) as scope:
        ts = _convert_list(values, "Pack")
        return make_op("Pack", ts, [ts[0].dtype], scope,
                       {"axis": int(axis), "N": len(ts)})._outputs[0]


def parallel_stack(values, name="parallel_stack"):
    """Stack along a new first dimension; the same result as ``stack(values)`` here."""
    return stack(values, 0, name=name)


def _pack_kernel(ctx, *xs):
    nd = np.ndim(xs[0]) + 1
    axis = ctx.attrs["axis"]
    if not -nd <= axis < nd:
        raise _bad(ctx, "axis = %d not in [%d, %d)" % (axis, -nd, nd))
    try:
        return np.stack(xs, axis=axis)
    except ValueError:
        raise _bad(ctx, "Shapes of all inputs must match: values[0].shape = %s != "
                   "values[%d].shape = %s" % _first_mismatch(xs, -1)) from None


def _pack_shape(op):
    s = unknown_shape()
    for t in op._inputs:
        if s.ndims is not None and t.shape.ndims is not None and s.ndims != t.shape.ndims:
            raise ValueError("Shapes must be equal rank, but are %d and %d"
                             % (s.ndims, t.shape.ndims))
        try:
            s = s.merge_with(t.shape)
        except ValueError:
            raise ValueError("Shapes %s and %s are not compatible" % (s, t.shape)) from None
    if s.ndims is None:
        return [unknown_shape()]
    nd = s.ndims + 1
    axis = op._attrs["axis"]
    if not -nd <= axis < nd:
        raise ValueError("Argument axis = %d not in range [%d, %d)" % (axis, -nd, nd))
    dims = s.as_list()
    dims.insert(axis % nd, len(op._inputs))
    return [TensorShape(dims)]


register("Pack", _pack_kernel, _pack_shape,
         lambda op, g: unstack(g, num=len(op._inputs), axis=op._attrs["axis"]))


def unstack(value, num=None, axis=0, name="unstack"):
    """Split a rank-R tensor into a list of rank-(R-1) tensors along ``axis``.

    ``num`` defaults to the static size of that dimension; it is an error when it
    cannot be inferred.

    Example:
        >>> a, b = tf.unstack(tf.constant([[1, 2], [3, 4]]))   # [1, 2] and [3, 4]
    """
    with op_scope(name, "unstack", [value]) as scope:
        x = convert_to_tensor(value, name="value")
        if num is None:
            dims = _dims(x)
            if dims is not None:
                if not -len(dims) <= axis < len(dims):
                    raise ValueError("axis = %d not in [%d, %d)" % (axis, -len(dims), len(dims)))
                num = dims[axis]
            if num is None:
                raise ValueError("Cannot infer num from shape %s" % x.shape)
        op = make_op("Unpack", [x], [x.dtype] * num, scope, {"num": int(num), "axis": int(axis)})
        return list(op._outputs)


def _unpack_kernel(ctx, x):
    nd, axis, num = np.ndim(x), ctx.attrs["axis"], ctx.attrs["num"]
    if not -nd <= axis < nd:
        raise _bad(ctx, "axis = %d not in [%d, %d)" % (axis, -nd, nd))
    if np.shape(x)[axis] != num:
        raise _bad(ctx, "Input shape axis %d must equal %d, got shape %s"
                   % (axis, num, list(np.shape(x))))
    moved = np.moveaxis(x, axis, 0)
    return _outputs(moved[i] for i in builtins.range(num))


def _unpack_shape(op):
    dims = _dims(op._inputs[0])
    num, axis = op._attrs["num"], op._attrs["axis"]
    if dims is None:
        return [unknown_shape()] * num
    if not -len(dims) <= axis < len(dims):
        raise ValueError("axis = %d not in [%d, %d)" % (axis, -len(dims), len(dims)))
    axis %= len(dims)
    if dims[axis] is not None and dims[axis] != num:
        raise ValueError("Dimension must be %d but is %d" % (num, dims[axis]))
    return [TensorShape(dims[:axis] + dims[axis + 1:])] * num


register("Unpack", _unpack_kernel, _unpack_shape,
         lambda op, *grads: [stack(list(grads), axis=op._attrs["axis"])])


# -- Split, SplitV ---------------------------------------------------------------------------
def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split ``value`` along ``axis`` into equal pieces or pieces of given sizes.

    Args:
        value: the tensor to split.
        num_or_size_splits: an int (that many equal pieces) or a list/1-D tensor of
            sizes, one of which may be -1 (the rest).
        axis: the dimension to split.
        num: the number of pieces, when it cannot be inferred from ``size_splits``.

    Example:
        >>> a, b, c = tf.split(tf.ones([5, 30]), 3, axis=1)        # each (5, 10)
        >>> a, b = tf.split(tf.ones([5, 30]), [4, -1], axis=1)     # (5, 4), (5, 26)
    """
    with op_scope(name, "split", [value]) as scope:
        x = convert_to_tensor(value, name="value")
        a = _index_tensor(axis, "axis")
        if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(
                num_or_size_splits, bool):
            n = int(num_or_size_splits)
            op = make_op("Split", [convert_to_tensor(a, dtype=dtypes.int32), x], [x.dtype] * n,
                         scope, {"num_split": n})
            return list(op._outputs)
        sizes = _index_tensor(num_or_size_splits, "size_splits")
        if num is None:
            sd = _dims(sizes)
            num = sd[0] if sd is not None and len(sd) == 1 else None
            if num is None:
                raise ValueError("Cannot infer num from shape %s" % sizes.shape)
        op = make_op("SplitV", [x, sizes, convert_to_tensor(a, dtype=dtypes.int32)],
                     [x.dtype] * int(num), scope, {"num_split": int(num)})
        return list(op._outputs)


def _split_kernel(ctx, axis, x):
    n, nd = ctx.attrs["num_split"], np.ndim(x)
    axis = int(axis)
    if not -nd <= axis < nd:
        raise _bad(ctx, "-input rank(-%d) <= split_dim < input rank (%d), but got %d"
                   % (nd, nd, axis))
    size = np.shape(x)[axis]
    if size % n:
        raise _bad(ctx, "Number of ways to split should evenly divide the split dimension, "
                   "but got split_dim %d (size = %d) and num_split %d" % (axis, size, n))
    return _outputs(np.split(x, n, axis=axis))


def _split_shape(op):
    a, x = op._inputs
    n = op._attrs["num_split"]
    dims = _dims(x)
    axis = _scalar_int(a)
    if dims is None:
        return [unknown_shape()] * n
    if axis is None:
        return [unknown_shape(len(dims))] * n
    axis = _norm_axis(axis, len(dims))
    d = dims[axis]
    if d is not None and d % n:
        raise ValueError("Dimension size must be evenly divisible by %d but is %d" % (n, d))
    dims[axis] = None if d is None else d // n
    return [TensorShape(dims)] * n


register("Split", _split_kernel, _split_shape,
         lambda op, *grads: [None, concat(list(grads), op._inputs[0])])


def _resolve_sizes(sizes, total):
    """Replace one -1 in ``sizes`` so they sum to ``total``; ValueError otherwise."""
    sizes = [int(s) for s in sizes]
    if sizes.count(-1) > 1:
        raise ValueError("Only one dimension in size_splits may be -1, got %s" % sizes)
    if -1 in sizes:
        rest = total - (sum(sizes) + 1)
        if rest < 0:
            raise ValueError("Determined shape must either match input shape along split_dim "
                             "exactly if fully specified, or be less than the size of the "
                             "input along split_dim if not fully specified.  Got: %d" % (
                                 sum(sizes) + 1))
        sizes[sizes.index(-1)] = rest
    if sum(sizes) != total or any(s < 0 for s in sizes):
        raise ValueError("Determined shape must either match input shape along split_dim "
                         "exactly if fully specified, or be less than the size of the input "
                         "along split_dim if not fully specified.  Got: %d" % sum(sizes))
    return sizes


def _splitv_kernel(ctx, x, sizes, axis):
    nd = np.ndim(x)
    axis = int(axis)
    if not -nd <= axis < nd:
        raise _bad(ctx, "-input rank(-%d) <= split_dim < input rank (%d), but got %d"
                   % (nd, nd, axis))
    if np.size(sizes) != ctx.attrs["num_split"]:
        raise _bad(ctx, "size_splits has %d entries but num_split is %d"
                   % (np.size(sizes), ctx.attrs["num_split"]))
    try:
        sizes = _resolve_sizes(sizes, np.shape(x)[axis])
    except ValueError as e:
        raise _bad(ctx, str(e)) from None
    return _outputs(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


def _splitv_shape(op):
    x, s, a = op._inputs
    n = op._attrs["num_split"]
    dims, axis, sizes = _dims(x), _scalar_int(a), _ints(s)
    if dims is None:
        return [unknown_shape()] * n
    if axis is None:
        return [unknown_shape(len(dims))] * n
    axis = _norm_axis(axis, len(dims))
    if sizes is None:
        return [TensorShape(dims[:axis] + [None] + dims[axis + 1:])] * n
    if len(sizes) != n:
        raise ValueError("Dimension must be %d but is %d" % (n, len(sizes)))
    if dims[axis] is not None:
        sizes = _resolve_sizes(sizes, dims[axis])
    return [TensorShape(dims[:axis] + [None if k < 0 else k] + dims[axis + 1:]) for k in sizes]


register("SplitV", _splitv_kernel, _splitv_shape,
         lambda op, *grads: [concat(list(grads), op._inputs[2]), None, None])


# -- Slice ----------------------------------------------------------------------------
def slice(input_, begin, size, name=None):  # noqa: A001  (TF's name)
    """Extract ``input_[begin[i] : begin[i] + size[i]]`` in every dimension i.

    A ``size[i]`` of -1 means "to the end of dimension i".

    Example:
        >>> t = tf.constant([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]]])
        >>> tf.slice(t, [1, 0, 0], [1, 1, 3])    # [[[3, 3, 3]]]
        >>> tf.slice(t, [0, 1, 1], [-1, -1, 2])  # [[[2, 2]], [[4, 4]]]
    """
    with op_scope(name, "Slice", [input_]) as scope:
        x = convert_to_tensor(input_, name="input")
        b = _index_tensor(begin, "begin")
        s = _index_tensor(size, "size")
        if b.dtype is not s.dtype:
            s = _math().cast(s, b.dtype)
        return make_op("Slice", [x, b, s], [x.dtype], scope, {"Index": b.dtype})._outputs[0]


def _slice_bounds(dims, begin, size):
    """Resolved sizes for Slice (None where unknown); ValueError with TF's wording."""
    out = []
    for i, (d, b, s) in enumerate(zip(dims, begin, size)):
        if b is not None and d is not None and not 0 <= b <= d:
            raise ValueError("Expected begin[%d] in [0, %d], but got %d" % (i, d, b))
        if s is not None and s == -1:
            out.append(None if d is None or b is None else d - b)
            continue
        if s is not None and b is not None and d is not None and not 0 <= s <= d - b:
            raise ValueError("Expected size[%d] in [0, %d], but got %d" % (i, d - b, s))
        if s is not None and s < -1:
            raise ValueError("Expected size[%d] in [0, ?], but got %d" % (i, s))
        out.append(s)
    return out


def _slice_kernel(ctx, x, begin, size):
    if np.size(begin) != np.ndim(x) or np.size(size) != np.ndim(x):
        raise _bad(ctx, "Expected begin and size arguments to be 1-D tensors of size %d, but "
                   "got shapes %s and %s instead." % (np.ndim(x), list(np.shape(begin)),
                                                      list(np.shape(size))))
    try:
        sizes = _slice_bounds(list(np.shape(x)), [int(b) for b in begin],
                              [int(s) for s in size])
    except ValueError as e:
        raise _bad(ctx, str(e)) from None
    return x[tuple(_pyslice(int(b), int(b) + s) for b, s in zip(begin, sizes))]


def _slice_shape(op):
    x, b, s = op._inputs
    dims = _dims(x)
    begin, size = _partial_ints(b), _partial_ints(s)
    known = [v for v in (dims, size, begin) if v is not None]
    if not known:
        return [unknown_shape()]
    n = len(known[0])
    dims = dims or [None] * n
    begin = begin or [None] * n
    size = size or [None] * n
    if len(begin) != n or len(size) != n:
        raise ValueError("Shape must be rank %d but is rank %d" % (
            n, len(begin) if len(begin) != n else len(size)))
    return [TensorShape(_slice_bounds(dims, begin, size))]


def _slice_grad(op, g):
    # y = x[b : b + s]  =>  dx = pad(g, [[b, shape(x) - b - s]])
    x, b, _ = op._inputs
    m = _math()
    x_shape = shape(x, out_type=b.dtype)
    after = m.subtract(m.subtract(x_shape, b), shape(op._outputs[0], out_type=b.dtype))
    return [pad(g, stack([b, after], axis=1)), None, None]


register("Slice", _slice_kernel, _slice_shape, _slice_grad)


# -- StridedSlice, StridedSliceGrad -------------------------------------------------------
_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """Python-style slicing ``input_[begin:end:strides, ...]`` with TF's bit masks.

    Bit i of each mask refers to entry i of ``begin``/``end``/``strides``:
    ``begin_mask``/``end_mask`` ignore that begin/end (take the widest range);
    ``ellipsis_mask`` makes entry i an ``...``; ``new_axis_mask`` inserts a size-1
    dimension; ``shrink_axis_mask`` takes the single index ``begin[i]`` and drops
    the dimension. ``tensor[...]`` builds this op for you.

    Example:
        >>> t = tf.constant([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]]])
        >>> tf.strided_slice(t, [1, 0, 0], [2, 1, 3], [1, 1, 1])  # [[[3, 3, 3]]]
        >>> t[1, :, ::-1]                                           # [[3, 3, 3], [4, 4, 4]]
    """
    with op_scope(name, "StridedSlice", [input_]) as scope:
        x = convert_to_tensor(input_, name="input")
        b = _index_tensor(begin, "begin")
        e = _index_tensor(end, "end")
        s = ones_like(b) if strides is None else _index_tensor(strides, "strides")
        if not b.dtype is e.dtype is s.dtype:
            raise TypeError("begin, end and strides of StridedSlice must have the same dtype, "
                            "got %s, %s and %s" % (b.dtype.name, e.dtype.name, s.dtype.name))
        attrs = dict(zip(_MASKS, (int(begin_mask), int(end_mask), int(ellipsis_mask),
                                  int(new_axis_mask), int(shrink_axis_mask))))
        attrs["Index"] = b.dtype
        return make_op("StridedSlice", [x, b, e, s], [x.dtype], scope, attrs)._outputs[0]


def _ss_plan(dims, begin, end, strides, attrs):
    """Resolve a strided-slice spec against input ``dims`` the way TF's kernel does.

    ``dims``, ``begin``, ``end`` and ``strides`` are lists whose entries may be
    None (unknown at graph-build time).  Returns ``(index, final)``: ``index`` has
    one entry per input dimension, an int (shrunk axis), a ``slice`` or None
    (unknown); ``final`` is the output shape (entries None where unknown).
    Raises ValueError with TF's messages.
    """
    n = len(begin)
    if not len(end) == len(strides) == n:
        raise ValueError("Expected begin, end, and strides to be 1D equal size tensors, but "
                         "got shapes [%d], [%d], and [%d] instead." % (n, len(end), len(strides)))
    bm, em, elm, nm, sm = (attrs[k] for k in _MASKS)
    rank = len(dims)
    ellipses = [i for i in builtins.range(n) if elm >> i & 1]
    if len(ellipses) > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    ell = ellipses[0] if ellipses else n  # no ellipsis: an implicit one at the end
    n_sparse = n if ellipses else n + 1
    new_after = sum(1 for i in builtins.range(ell + 1, n) if nm >> i & 1)
    dense, order, full = [None] * rank, [], 0
    for i in builtins.range(n_sparse):
        if i == ell:
            nxt = min(rank - (n_sparse - i) + 1 + new_after, rank)
            for k in builtins.range(full, nxt):
                dense[k] = (0, 0, 1, True, True, False)
                order.append(k)
            full = max(full, nxt)
        elif nm >> i & 1:
            order.append(None)
        else:
            if full >= rank:
                raise ValueError("Index out of range using input dim %d; input has only %d dims"
                                 % (full, rank))
            dense[full] = (begin[i], end[i], strides[i], bool(bm >> i & 1), bool(em >> i & 1),
                           bool(sm >> i & 1))
            order.append(full)
            full += 1
    index, sizes = [], []
    for k, (d, spec) in enumerate(zip(dims, dense)):
        b, e, s, b_masked, e_masked, shrink = spec
        if s == 0:
            raise ValueError("strides[%d] must be non-zero" % k)
        if shrink:
            if s is not None and s <= 0:
                raise ValueError("only stride 1 allowed on non-range indexing.")
            if b is None or d is None:
                index.append(None)
            else:
                x = b + d if b < 0 else b
                if not 0 <= x < d:
                    raise ValueError("slice index %d of dimension %d out of bounds." % (b, k))
                index.append(x)
            sizes.append(1)
            continue
        if s is None or d is None:
            index.append(None)
            sizes.append(None)
            continue
        lo, hi = (0, d) if s > 0 else (-1, d - 1)

        def canonical(v, masked, c):
            if masked:
                return (lo, hi)[c] if s > 0 else (hi, lo)[c]
            if v is None:
                return None
            v = v + d if v < 0 else v
            return min(max(v, lo), hi)
        cb, ce = canonical(b, b_masked, 0), canonical(e, e_masked, 1)
        if cb is None or ce is None:
            index.append(None)
            sizes.append(None)
            continue
        span = ce - cb
        size = 0 if span == 0 or (span < 0) != (s < 0) else (abs(span) + abs(s) - 1) // abs(s)
        index.append(_pyslice(cb, None if ce < 0 else ce, s))
        sizes.append(size)
    final = [1 if k is None else sizes[k] for k in order if k is None or not dense[k][5]]
    return index, final


def _ss_known_plan(ctx, x_shape, begin, end, strides):
    """The resolved plan for concrete values, cached per op (slicing is hot in loops)."""
    key = (tuple(int(d) for d in x_shape), np.asarray(begin).tobytes(),
           np.asarray(end).tobytes(), np.asarray(strides).tobytes())
    plan = ctx.cache.get(key)
    if plan is None:
        try:
            plan = _ss_plan(list(key[0]), [int(v) for v in begin], [int(v) for v in end],
                            [int(v) for v in strides], ctx.attrs)
        except ValueError as e:
            raise _bad(ctx, str(e)) from None
        if len(ctx.cache) < 64:
            ctx.cache[key] = plan
    return plan


def _strided_slice_kernel(ctx, x, begin, end, strides):
    index, final = _ss_known_plan(ctx, np.shape(x), begin, end, strides)
    return np.reshape(x[tuple(index)], final)


def _ss_static(op, dims, b, e, s):
    if dims is None:
        return unknown_shape()
    begin, end, strides = _partial_ints(b), _partial_ints(e), _partial_ints(s)
    if begin is None or end is None or strides is None:
        return unknown_shape()
    return TensorShape(_ss_plan(dims, begin, end, strides, op._attrs)[1])


def _strided_slice_shape(op):
    x, b, e, s = op._inputs
    return [_ss_static(op, _dims(x), b, e, s)]


def _ss_mask_attrs(op):
    return {k: op._attrs[k] for k in _MASKS}


def _strided_slice_grad(op, g):
    # y = x[spec]  =>  dx = zeros(shape(x)) with g scattered into x[spec]
    x, b, e, s = op._inputs
    return [strided_slice_grad(shape(x, out_type=b.dtype), b, e, s, g, **_ss_mask_attrs(op)),
            None, None, None]


register("StridedSlice", _strided_slice_kernel, _strided_slice_shape, _strided_slice_grad)


def strided_slice_grad(shape, begin, end, strides, dy, begin_mask=0, end_mask=0,  # noqa: A002
                       ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, name=None):
    """Zeros of ``shape`` with ``dy`` written into the region ``strided_slice`` reads.

    The adjoint of ``strided_slice`` with the same spec; its own gradient is that
    ``strided_slice``, so second derivatives work.
    """
    with op_scope(name, "StridedSliceGrad", [dy]) as scope:
        dy = convert_to_tensor(dy, name="dy")
        ts = [_index_tensor(v, n) for v, n in ((shape, "shape"), (begin, "begin"), (end, "end"),
                                              (strides, "strides"))]
        attrs = dict(zip(_MASKS, (int(begin_mask), int(end_mask), int(ellipsis_mask),
                                  int(new_axis_mask), int(shrink_axis_mask))))
        attrs["Index"] = ts[1].dtype
        return make_op("StridedSliceGrad", ts + [dy], [dy.dtype], scope, attrs)._outputs[0]


def _strided_slice_grad_kernel(ctx, x_shape, begin, end, strides, dy):
    index, final = _ss_known_plan(ctx, x_shape, begin, end, strides)
    out = np.zeros([int(d) for d in x_shape], dtype=dy.dtype)
    region = out[tuple(index)]
    if int(np.prod(final)) != np.size(dy) or list(np.shape(dy)) != final:
        raise _bad(ctx, "shape of dy was %s instead of %s" % (list(np.shape(dy)), final))
    out[tuple(index)] = np.reshape(dy, np.shape(region))
    return out


def _strided_slice_grad_shape(op):
    return [shape_from_tensor(op._inputs[0])]


def _strided_slice_grad_grad(op, gg):
    # StridedSliceGrad is linear in dy and its adjoint is StridedSlice itself.
    _, b, e, s, _ = op._inputs
    return [None, None, None, None, strided_slice(gg, b, e, s, **_ss_mask_attrs(op))]


register("StridedSliceGrad", _strided_slice_grad_kernel, _strided_slice_grad_shape,
         _strided_slice_grad_grad)


def _check_index(idx):
    ok = (isinstance(idx, (int, np.integer))
          or (_is_tensor_like(idx) and convert_to_tensor(idx).dtype in (dtypes.int32,
                                                                      dtypes.int64)
              and convert_to_tensor(idx).shape.ndims in (None, 0)))
    if not ok:
        raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                        "scalar tf.int32/tf.int64 tensors are valid indices, got %r" % (idx,))


def slice_helper(tensor, key):
    """``tensor[key]`` with numpy basic indexing, built on ``strided_slice``.

    Supports ints (negative too), ``start:stop:step`` slices (negative steps
    too), ``...``, ``tf.newaxis`` (None) and scalar int32/int64 tensors.

    Example:
        >>> x = tf.reshape(tf.range(24), [2, 3, 4])
        >>> x[1, :, ::-2].shape      # (3, 2)
        >>> x[..., 0, tf.newaxis].shape   # (2, 3, 1)
    """
    if not isinstance(key, tuple):
        key = (key,)
    key = tuple(_pyslice(*(_dim_value(v) for v in (s.start, s.stop, s.step)))
                if isinstance(s, _pyslice) else _dim_value(s) for s in key)
    begin, end, strides = [], [], []
    masks = dict.fromkeys(_MASKS, 0)
    for i, s in enumerate(key):
        bit = 1 << i
        if isinstance(s, _pyslice):
            for part in (s.start, s.stop, s.step):
                if part is not None:
                    _check_index(part)
            if s.start is None:
                begin.append(0)
                masks["begin_mask"] |= bit
            else:
                begin.append(s.start)
            if s.stop is None:
                end.append(0)
                masks["end_mask"] |= bit
            else:
                end.append(s.stop)
            strides.append(1 if s.step is None else s.step)
        elif s is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["ellipsis_mask"] |= bit
        elif s is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["new_axis_mask"] |= bit
        else:
            _check_index(s)
            begin.append(s)
            end.append(s + 1 if isinstance(s, (int, np.integer)) else _math().add(s, 1))
            strides.append(1)
            masks["shrink_axis_mask"] |= bit
    with op_scope(None, "strided_slice", [tensor]) as scope:
        packed = _pack_indices([begin, end, strides])
        return strided_slice(tensor, *packed, name=scope, **masks)


def _dim_value(v):
    return v.value if isinstance(v, Dimension) else v


def _pack_indices(lists):
    """Stack begin/end/strides lists into int32 (int64 if any tensor index is) vectors."""
    tensors = [convert_to_tensor(v) for lst in lists for v in lst if _is_tensor_like(v)]
    dt = dtypes.int64 if any(t.dtype is dtypes.int64 for t in tensors) else dtypes.int32
    out = []
    for lst in lists:
        if any(_is_tensor_like(v) for v in lst):
            lst = [_math().cast(v, dt) if _is_tensor_like(v) else
                   constant(int(v), dtype=dt) for v in lst]
            out.append(stack(lst))
        else:
            out.append(constant(np.array([int(v) for v in lst], dtype=dt.as_numpy_dtype),
                                dtype=dt, name="stack"))
    return out


# -- Tile ---------------------------------------------------------------------------------
def tile(input, multiples, name=None):  # noqa: A002
    """Repeat ``input`` ``multiples[i]`` times along each dimension i.

    Example:
        >>> tf.tile([[1, 2]], [2, 3])   # [[1, 2, 1, 2, 1, 2], [1, 2, 1, 2, 1, 2]]
    """
    with op_scope(name, "Tile", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        m = _index_tensor(multiples, "multiples")
        return make_op("Tile", [x, m], [x.dtype], scope)._outputs[0]


def _tile_kernel(ctx, x, multiples):
    if np.size(multiples) != np.ndim(x):
        raise _bad(ctx, "Expected multiples argument to be a vector of length %d but got length "
                   "%d" % (np.ndim(x), np.size(multiples)))
    reps = [int(m) for m in np.ravel(multiples)]
    for i, m in enumerate(reps):
        if m < 0:
            raise _bad(ctx, "Expected multiples[%d] >= 0, but got %d" % (i, m))
    return np.tile(x, reps) if reps else np.array(x)


def _tile_shape(op):
    x, m = op._inputs
    dims, reps = _dims(x), _partial_ints(m)
    if dims is None:
        return [unknown_shape() if reps is None else unknown_shape(len(reps))]
    if reps is None:
        return [unknown_shape(len(dims))]
    if len(reps) != len(dims):
        raise ValueError("Shape must be rank %d but is rank %d" % (len(dims), len(reps)))
    return [TensorShape([0 if r == 0 else (None if d is None or r is None else d * r)
                         for d, r in zip(dims, reps)])]


def _tile_grad(op, g):
    # y = tile(x, m): view g as [m₀, d₀, m₁, d₁, ...] and sum over the m axes.
    x, m = op._inputs
    reps, dims = _ints(m), _dims(x)
    if reps is not None and dims is not None and None not in dims:
        split = [v for pair in zip(reps, dims) for v in pair]
        axes = list(builtins.range(0, len(split), 2))
    else:
        split = reshape(stack([m, shape(x, out_type=m.dtype)], axis=1), [-1])
        axes = _math().range(0, size(split), 2)
    return [_math().reduce_sum(reshape(g, split), axes), None]


register("Tile", _tile_kernel, _tile_shape, _tile_grad)


# -- Pad, PadV2, MirrorPad, MirrorPadGrad -----------------------------------------------------
def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pad ``tensor`` with ``paddings[i] = [before, after]`` entries in dimension i.

    Args:
        mode: "CONSTANT" (fill with ``constant_values``), "REFLECT" (mirror without
            the edge; pads must be < the dimension) or "SYMMETRIC" (mirror with the
            edge; pads must be <= the dimension). Case-insensitive.

    Example:
        >>> t = tf.constant([[1, 2, 3], [4, 5, 6]])
        >>> tf.pad(t, [[1, 1], [2, 2]])              # 4x7, zeros around t
        >>> tf.pad(t, [[1, 1], [2, 2]], "REFLECT")   # [[6,5,4,5,6,5,4], ...]
    """
    mode_u = str(mode).upper()
    with op_scope(name, "Pad", [tensor]) as scope:
        x = convert_to_tensor(tensor, name="tensor")
        p = _index_tensor(paddings, "paddings")
        if mode_u == "CONSTANT":
            if not _is_tensor_like(constant_values) and np.all(
                    np.asarray(constant_values, dtype=object) == 0):
                return make_op("Pad", [x, p], [x.dtype], scope)._outputs[0]
            c = convert_to_tensor(constant_values, dtype=x.dtype, name="constant_values")
            return make_op("PadV2", [x, p, c], [x.dtype], scope)._outputs[0]
        if mode_u in ("REFLECT", "SYMMETRIC"):
            return make_op("MirrorPad", [x, p], [x.dtype], scope, {"mode": mode_u})._outputs[0]
        raise ValueError("Unknown padding mode: %s" % mode)


def _check_paddings(ctx, x, p):
    p = np.asarray(p)
    if p.shape != (np.ndim(x), 2):
        raise _bad(ctx, "The first dimension of paddings must be the rank of inputs%s %s"
                   % (_txt(list(p.shape)), _txt(list(np.shape(x)))))
    if np.any(p < 0):
        i = int(np.argwhere(p < 0)[0][0])
        raise _bad(ctx, "Paddings must be non-negative: %d %d" % (p[i, 0], p[i, 1]))
    return p.astype(np.int64)


def _pad_kernel(ctx, x, paddings, value=None):
    p = _check_paddings(ctx, x, paddings)
    if value is None:
        value = b"" if x.dtype == object else 0
    out = np.full([d + a + b for d, (a, b) in zip(np.shape(x), p)], value, dtype=x.dtype)
    out[tuple(_pyslice(a, a + d) for d, (a, _) in zip(np.shape(x), p))] = x
    return out


def _pad_static(op, sign=1):
    x, p = op._inputs[:2]
    dims, pv = _dims(x), const_value(p)
    if dims is None:
        n = p.shape[0].value if p.shape.ndims == 2 else None
        return [unknown_shape(n)]
    if pv is None:
        return [unknown_shape(len(dims))]
    pv = np.asarray(pv)
    if pv.shape != (len(dims), 2):
        raise ValueError("Shape must be rank %d but is rank %d" % (len(dims), pv.shape[0])
                         if pv.ndim == 2 and pv.shape[1] == 2 else
                         "paddings must be a matrix with 2 columns: %s" % list(pv.shape))
    if np.any(pv < 0):
        raise ValueError("Paddings must be non-negative")
    return [TensorShape([None if d is None else d + sign * int(a + b)
                         for d, (a, b) in zip(dims, pv)])]


def _pad_grad(op, g, *rest):
    # y = pad(x, p)  =>  dx = g[p[:, 0] : p[:, 0] + shape(x)]
    x, p = op._inputs[:2]
    before = reshape(slice(p, [0, 0], [-1, 1]), [-1])
    return [slice(g, before, shape(x, out_type=p.dtype)), None] + [None] * (len(op._inputs) - 2)


register("Pad", _pad_kernel, _pad_static, _pad_grad)
register("PadV2", _pad_kernel, _pad_static, _pad_grad)


def _mirror_index(n, before, after, symmetric):
    """Source index in a dimension of size n for each padded position."""
    pos = np.arange(-before, n + after)
    off = 1 if symmetric else 0
    pos = np.where(pos < 0, -pos - off, pos)
    return np.where(pos >= n, 2 * n - 2 + off - pos, pos)


def _mirror_check(ctx, dims, p, mode):
    for d, (a, b) in zip(dims, p):
        if mode == "REFLECT" and (a >= d or b >= d) and (a or b):
            raise _bad(ctx, "paddings must be less than the dimension size: %d, %d not less "
                       "than %d" % (a, b, d))
        if mode == "SYMMETRIC" and (a > d or b > d):
            raise _bad(ctx, "paddings must be no greater than the dimension size: %d, %d "
                       "greater than %d" % (a, b, d))


def _mirror_pad_kernel(ctx, x, paddings):
    p = _check_paddings(ctx, x, paddings)
    mode = ctx.attrs["mode"]
    _mirror_check(ctx, np.shape(x), p, mode)
    out = x
    for axis, (d, (a, b)) in enumerate(zip(np.shape(x), p)):
        if a or b:
            out = np.take(out, _mirror_index(d, a, b, mode == "SYMMETRIC"), axis=axis)
    return np.array(out)


def _mirror_pad_grad(op, g):
    return [mirror_pad_grad(g, op._inputs[1], op._attrs["mode"]), None]


register("MirrorPad", _mirror_pad_kernel, _pad_static, _mirror_pad_grad)


def mirror_pad_grad(input, paddings, mode, name=None):  # noqa: A002
    """Adjoint of ``pad(..., mode)`` for REFLECT/SYMMETRIC: folds the pads back in."""
    with op_scope(name, "MirrorPadGrad", [input]) as scope:
        g = convert_to_tensor(input, name="input")
        p = _index_tensor(paddings, "paddings")
        return make_op("MirrorPadGrad", [g, p], [g.dtype], scope,
                       {"mode": str(mode).upper()})._outputs[0]


def _mirror_pad_grad_kernel(ctx, g, paddings):
    p = _check_paddings(ctx, g, paddings)
    dims = [int(d - a - b) for d, (a, b) in zip(np.shape(g), p)]
    if any(d < 0 for d in dims):
        raise _bad(ctx, "paddings exceed the gradient's shape %s" % list(np.shape(g)))
    _mirror_check(ctx, dims, p, ctx.attrs["mode"])
    out = g
    for axis, (d, (a, b)) in enumerate(zip(dims, p)):
        if a or b:
            moved = np.moveaxis(out, axis, 0)
            acc = np.zeros((d,) + moved.shape[1:], dtype=g.dtype)
            np.add.at(acc, _mirror_index(d, a, b, ctx.attrs["mode"] == "SYMMETRIC"), moved)
            out = np.moveaxis(acc, 0, axis)
    return np.array(out)


register("MirrorPadGrad", _mirror_pad_grad_kernel, lambda op: _pad_static(op, -1),
         lambda op, gg: [pad(gg, op._inputs[1], op._attrs["mode"]), None])


# -- ReverseV2, ReverseSequence ---------------------------------------------------------
def reverse(tensor, axis, name=None):
    """Reverse the order of elements along each dimension listed in ``axis``.

    Example:
        >>> tf.reverse([[1, 2, 3], [4, 5, 6]], [1])   # [[3, 2, 1], [6, 5, 4]]
        >>> tf.reverse([[1, 2, 3], [4, 5, 6]], [-2])  # [[4, 5, 6], [1, 2, 3]]
    """
    with op_scope(name, "ReverseV2", [tensor]) as scope:
        x = convert_to_tensor(tensor, name="tensor")
        a = _index_tensor(axis, "axis")
        return make_op("ReverseV2", [x, a], [x.dtype], scope)._outputs[0]


reverse_v2 = reverse


def _reverse_axes(axes, nd):
    out = []
    for i, a in enumerate(axes):
        if not -nd <= a < nd:
            raise ValueError("'axis'[%d] = %d is out of valid range [%d, %d)" % (i, a, -nd, nd))
        a %= nd
        if a in out:
            raise ValueError("axis %d specified more than once." % a)
        out.append(a)
    return out


def _reverse_kernel(ctx, x, axis):
    try:
        axes = _reverse_axes([int(a) for a in np.ravel(axis)], np.ndim(x))
    except ValueError as e:
        raise _bad(ctx, str(e)) from None
    return np.flip(x, tuple(axes)) if axes else x


def _reverse_shape(op):
    x, a = op._inputs
    axes = _ints(a)
    if axes is not None and x.shape.ndims is not None:
        _reverse_axes(axes, x.shape.ndims)
    return [x.shape]


register("ReverseV2", _reverse_kernel, _reverse_shape,
         lambda op, g: [reverse(g, op._inputs[1]), None])


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """Reverse the first ``seq_lengths[b]`` entries along ``seq_axis`` of each batch row b.

    Entries past a row's length stay where they are. ``seq_dim``/``batch_dim``
    are the TF 1.x aliases.

    Example:
        >>> x = [[1, 2, 3, 4], [5, 6, 7, 8]]
        >>> tf.reverse_sequence(x, [2, 3], seq_axis=1, batch_axis=0)
        ... # [[2, 1, 3, 4], [7, 6, 5, 8]]
    """
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (batch_dim if batch_dim is not None else 0) if batch_axis is None else batch_axis
    if seq_axis is None:
        raise ValueError("seq_axis (seq_dim) must be given")
    with op_scope(name, "ReverseSequence", [input, seq_lengths]) as scope:
        x = convert_to_tensor(input, name="input")
        lengths = _index_tensor(seq_lengths, "seq_lengths")
        return make_op("ReverseSequence", [x, lengths], [x.dtype], scope,
                       {"seq_dim": int(seq_axis), "batch_dim": int(batch_axis)})._outputs[0]


def _reverse_sequence_kernel(ctx, x, lengths):
    nd = np.ndim(x)
    sd, bd = ctx.attrs["seq_dim"] % max(nd, 1), ctx.attrs["batch_dim"] % max(nd, 1)
    if sd == bd:
        raise _bad(ctx, "seq_dim == batch_dim == %d" % sd)
    n_batch, n_seq = np.shape(x)[bd], np.shape(x)[sd]
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.shape != (n_batch,):
        raise _bad(ctx, "Length of seq_lengths != input.dims(%d), (%d vs. %d)"
                   % (bd, lengths.size, n_batch))
    if lengths.size and (lengths.max() > n_seq or lengths.min() < 0):
        i = int(np.argmax((lengths > n_seq) | (lengths < 0)))
        raise _bad(ctx, "seq_lengths[%d] > input.dims(%d)" % (i, sd) if lengths[i] > n_seq
                   else "seq_lengths[%d] must be >= 0" % i)
    t = np.arange(n_seq)
    src = np.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)  # [batch, seq]
    if sd < bd:
        src = src.T
    idx_shape = [1] * nd
    idx_shape[bd], idx_shape[sd] = n_batch, n_seq
    return np.take_along_axis(x, src.reshape(idx_shape), axis=sd)


register("ReverseSequence", _reverse_sequence_kernel, same_shape,
         lambda op, g: [reverse_sequence(g, op._inputs[1], op._attrs["seq_dim"],
                                         op._attrs["batch_dim"]), None])


# -- GatherV2 ------------------------------------------------------------------------------
def gather(params, indices, validate_indices=None, name=None, axis=0, batch_dims=0):
    """Gather slices of ``params`` along ``axis`` at ``indices``.

    The output shape is ``params.shape[:axis] + indices.shape + params.shape[axis+1:]``.
    An index outside ``[0, params.shape[axis])`` is an error. The gradient with
    respect to ``params`` is dense; repeated indices add up.

    Example:
        >>> tf.gather([10, 20, 30], [2, 0, 2])                 # [30, 10, 30]
        >>> tf.gather([[1, 2], [3, 4]], [1], axis=1)            # [[2], [4]]
    """
    if batch_dims != 0:
        raise NotImplementedError("gather with batch_dims != 0 is not supported")
    with op_scope(name, "GatherV2", [params, indices]) as scope:
        p = convert_to_tensor(params, name="params")
        i = _index_tensor(indices, "indices")
        a = _index_tensor(axis, "axis")
        return make_op("GatherV2", [p, i, a], [p.dtype], scope, {"batch_dims": 0})._outputs[0]


def _first_bad(bad):
    return ",".join(str(int(v)) for v in np.argwhere(bad)[0])


def _gather_kernel(ctx, params, indices, axis):
    nd = np.ndim(params)
    if nd == 0:
        raise _bad(ctx, "params must be at least 1 dimensional")
    a = int(np.ravel(axis)[0])
    if not -nd <= a < nd:
        raise _bad(ctx, "Expected axis in the range [%d, %d), but got %d" % (-nd, nd, a))
    a %= nd
    n = np.shape(params)[a]
    bad = (indices < 0) | (indices >= n)
    if np.any(bad):
        pos = np.argwhere(bad)[0] if np.ndim(indices) else ()
        raise _bad(ctx, "indices[%s] = %d is not in [0, %d)"
                   % (_first_bad(bad) if np.ndim(indices) else "",
                      int(np.asarray(indices)[tuple(pos)]), n))
    return np.take(params, indices, axis=a)


def _gather_shape(op):
    p, i, a = op._inputs
    pd, idims, axis = _dims(p), _dims(i), _scalar_int(a)
    if pd is not None and len(pd) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if pd is None or idims is None:
        return [unknown_shape()]
    if axis is None:
        return [unknown_shape(len(pd) + len(idims) - 1)]
    axis = _norm_axis(axis, len(pd))
    return [TensorShape(pd[:axis] + idims + pd[axis + 1:])]


def _gather_grad(op, g):
    # y = params[..., indices, ...] along axis  =>  dparams = scatter-add of g at indices
    params, indices, axis_t = op._inputs
    m = _math()
    a = _scalar_int(axis_t)
    pd, idims = _dims(params), _dims(indices)
    if a is None:
        a = axis_t
    elif a < 0:
        a = a + len(pd) if pd is not None else m.add(rank(params), a)
    if isinstance(a, int) and a == 0:
        n = shape(params, out_type=indices.dtype)[0]
        return [unsorted_segment_sum(g, indices, n), None, None]
    if isinstance(a, int) and pd is not None and idims is not None:
        ni, out_rank = len(idims), len(pd) + len(idims) - 1
        rng = builtins.range
        perm1 = list(rng(a, a + ni)) + list(rng(a)) + list(rng(a + ni, out_rank))
        perm2 = list(rng(1, a + 1)) + [0] + list(rng(a + 1, len(pd)))
    else:
        ni, out_rank, p_rank = rank(indices), rank(g), rank(params)
        a_ni = m.add(a, ni)
        perm1 = concat([m.range(a, a_ni, 1), m.range(0, a, 1), m.range(a_ni, out_rank, 1)], 0)
        perm2 = concat([m.range(1, m.add(a, 1), 1), [0], m.range(m.add(a, 1), p_rank, 1)], 0)
    # Move the indices' dimensions to the front, scatter-add, move the axis back.
    n = gather(shape(params, out_type=indices.dtype), a)
    summed = unsorted_segment_sum(transpose(g, perm1), indices, n)
    return [transpose(summed, perm2), None, None]


register("GatherV2", _gather_kernel, _gather_shape, _gather_grad)


# -- UnsortedSegmentSum, SegmentSum -------------------------------------------------------
def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sum the slices of ``data`` that share a segment id.

    ``output[k] = sum of data[i...] over the i... with segment_ids[i...] == k``;
    ``segment_ids`` has the shape of a prefix of ``data``'s; negative ids are
    dropped. The output has shape ``[num_segments] + data.shape[ids.ndim:]``.

    Example:
        >>> tf.unsorted_segment_sum([1, 2, 3, 4], [0, 1, 0, 1], 2)   # [4, 6]
    """
    with op_scope(name, "UnsortedSegmentSum", [data, segment_ids]) as scope:
        d = convert_to_tensor(data, name="data")
        ids = _index_tensor(segment_ids, "segment_ids")
        n = _index_tensor(num_segments, "num_segments")
        return make_op("UnsortedSegmentSum", [d, ids, n], [d.dtype], scope)._outputs[0]


def _unsorted_segment_sum_kernel(ctx, data, ids, num):
    num = int(np.ravel(num)[0])
    if np.shape(data)[:np.ndim(ids)] != np.shape(ids):
        raise _bad(ctx, "data.shape = %s does not start with segment_ids.shape = %s"
                   % (_txt(list(np.shape(data))), _txt(list(np.shape(ids)))))
    if np.ndim(ids) == 0:  # one segment id for the whole of data
        ids, data = np.reshape(ids, (1,)), np.reshape(data, (1,) + np.shape(data))
    bad = ids >= num
    if np.any(bad):
        raise _bad(ctx, "segment_ids[%s] = %d is out of range [0, %d)"
                   % (_first_bad(bad), int(ids[tuple(np.argwhere(bad)[0])]), num))
    out = np.zeros((num,) + np.shape(data)[ids.ndim:], dtype=data.dtype)
    valid = ids >= 0
    np.add.at(out, ids[valid], data[valid])
    return out


def _unsorted_segment_sum_shape(op):
    d, ids, n = op._inputs
    dd, idims = _dims(d), _dims(ids)
    num = _scalar_int(n)
    if dd is None or idims is None:
        return [unknown_shape()]
    if len(idims) > len(dd) or not TensorShape(dd[:len(idims)]).is_compatible_with(idims):
        raise ValueError("Shapes %s and %s are incompatible: data.shape must start with "
                         "segment_ids.shape" % (d.shape, ids.shape))
    return [TensorShape([num] + dd[len(idims):])]


def _gather_drop_negatives(params, ids):
    """``gather(params, ids)`` with the rows of negative ids set to zero."""
    m = _math()
    gathered = gather(params, m.maximum(ids, 0))
    keep = m.cast(m.greater_equal(ids, 0), gathered.dtype)
    if gathered.shape.ndims is not None and ids.shape.ndims is not None:
        extra = [1] * (gathered.shape.ndims - ids.shape.ndims)
    else:
        extra = ones(stack([m.subtract(rank(gathered), rank(ids))]), dtypes.int32)
    keep = reshape(keep, concat([shape(ids), extra], 0))
    return gathered * keep


def _unsorted_segment_sum_grad(op, g):
    # out[k] = Σ_{ids[i]=k} data[i]  =>  ddata[i] = g[ids[i]] (0 where ids[i] < 0)
    ids = op._inputs[1]
    return [_gather_drop_negatives(g, ids), None, None]


register("UnsortedSegmentSum", _unsorted_segment_sum_kernel, _unsorted_segment_sum_shape,
         _unsorted_segment_sum_grad)


def segment_sum(data, segment_ids, name=None):
    """Sum the rows of ``data`` per segment; ``segment_ids`` is sorted and non-negative.

    The output has ``max(segment_ids) + 1`` rows (empty segments are zero).

    Example:
        >>> tf.segment_sum([[1, 2], [3, 4], [5, 6]], [0, 0, 1])   # [[4, 6], [5, 6]]
    """
    with op_scope(name, "SegmentSum", [data, segment_ids]) as scope:
        d = convert_to_tensor(data, name="data")
        ids = _index_tensor(segment_ids, "segment_ids")
        return make_op("SegmentSum", [d, ids], [d.dtype], scope)._outputs[0]


def _segment_sum_kernel(ctx, data, ids):
    if np.ndim(ids) != 1:
        raise _bad(ctx, "segment_ids should be a vector.")
    if np.ndim(data) == 0 or np.shape(data)[0] != ids.size:
        raise _bad(ctx, "segment_ids should be the same size as dimension 0 of input.")
    if ids.size and ids[0] < 0:
        raise _bad(ctx, "segment ids must be >= 0")
    if np.any(np.diff(ids) < 0):
        raise _bad(ctx, "segment ids are not increasing")
    num = int(ids[-1]) + 1 if ids.size else 0
    out = np.zeros((num,) + np.shape(data)[1:], dtype=data.dtype)
    np.add.at(out, ids, data)
    return out


def _segment_sum_shape(op):
    d, ids = op._inputs
    dd = _dims(d)
    v = _ints(ids)
    if dd is None:
        return [unknown_shape()]
    if not dd:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    return [TensorShape([(max(v) + 1 if v else 0) if v is not None else None] + dd[1:])]


register("SegmentSum", _segment_sum_kernel, _segment_sum_shape,
         lambda op, g: [gather(g, op._inputs[1]), None])  # ddata[i] = g[ids[i]]


# -- GatherNd, ScatterNd ------------------------------------------------------------------
def gather_nd(params, indices, name=None, batch_dims=0):
    """Gather slices of ``params`` addressed by the last dimension of ``indices``.

    With ``indices`` of shape ``[..., K]``, each row of K numbers indexes the
    first K dimensions of ``params``; the output shape is
    ``indices.shape[:-1] + params.shape[K:]``.

    Example:
        >>> tf.gather_nd([['a', 'b'], ['c', 'd']], [[0, 0], [1, 1]])   # [b'a', b'd']
        >>> tf.gather_nd([['a', 'b'], ['c', 'd']], [[1]])              # [[b'c', b'd']]
    """
    if batch_dims != 0:
        raise NotImplementedError("gather_nd with batch_dims != 0 is not supported")
    with op_scope(name, "GatherNd", [params, indices]) as scope:
        p = convert_to_tensor(params, name="params")
        i = _index_tensor(indices, "indices")
        return make_op("GatherNd", [p, i], [p.dtype], scope)._outputs[0]


def _nd_index(ctx, indices, bound_shape, what):
    """Validate [..., K] indices against ``bound_shape``; return numpy's index tuple."""
    if np.ndim(indices) == 0:
        raise _bad(ctx, "indices must be at least a vector")
    k = np.shape(indices)[-1]
    if k > len(bound_shape):
        raise _bad(ctx, "index innermost dimension length must be <= %s rank; saw: %d vs. %d"
                   % (what, k, len(bound_shape)))
    bound = np.asarray(bound_shape[:k], dtype=np.int64)
    bad = np.any((indices < 0) | (indices >= bound), axis=-1)
    if np.any(bad):
        pos = tuple(np.argwhere(np.atleast_1d(bad))[0]) if np.ndim(bad) else ()
        raise _bad(ctx, "indices[%s] = %s does not index into %s shape %s"
                   % (",".join(str(int(v)) for v in pos),
                      _txt(list(np.asarray(indices)[pos])).replace(",", ", "),
                      what, _txt(list(bound_shape))))
    return tuple(np.moveaxis(np.asarray(indices), -1, 0))


def _gather_nd_kernel(ctx, params, indices):
    idx = _nd_index(ctx, indices, list(np.shape(params)), "param")
    lead = np.shape(indices)[:-1]
    if not idx:
        return np.array(np.broadcast_to(params, lead + np.shape(params)))
    return np.asarray(params[idx])


def _gather_nd_shape(op):
    p, i = op._inputs
    pd, idims = _dims(p), _dims(i)
    if pd is None or idims is None or idims[-1:] == [None]:
        return [unknown_shape()]
    if not idims:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    k = idims[-1]
    if k > len(pd):
        raise ValueError("indices.shape[-1] must be <= params.rank, but saw indices shape: %s "
                         "and params shape: %s" % (_txt(idims), _txt(pd)))
    return [TensorShape(idims[:-1] + pd[k:])]


register("GatherNd", _gather_nd_kernel, _gather_nd_shape,
         lambda op, g: [scatter_nd(op._inputs[1], g,
                                   shape(op._inputs[0], out_type=op._inputs[1].dtype)), None])


def scatter_nd(indices, updates, shape, name=None):  # noqa: A002  (TF's name)
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (duplicates add up).

    ``indices`` has shape ``[..., K]``; ``updates`` has shape
    ``indices.shape[:-1] + shape[K:]``.

    Example:
        >>> tf.scatter_nd([[4], [3], [1], [7]], [9, 10, 11, 12], [8])
        ... # [0, 11, 0, 10, 9, 0, 0, 12]
    """
    with op_scope(name, "ScatterNd", [indices, updates]) as scope:
        i = _index_tensor(indices, "indices")
        u = convert_to_tensor(updates, name="updates")
        s = _index_tensor(shape, "shape")
        if s.dtype is not i.dtype:
            s = _math().cast(s, i.dtype)
        return make_op("ScatterNd", [i, u, s], [u.dtype], scope)._outputs[0]


def _scatter_nd_kernel(ctx, indices, updates, out_shape):
    out_shape = [int(d) for d in out_shape]
    idx = _nd_index(ctx, indices, out_shape, "output")
    k = np.shape(indices)[-1]
    want = list(np.shape(indices)[:-1]) + out_shape[k:]
    if list(np.shape(updates)) != want:
        raise _bad(ctx, "Must have updates.shape = indices.shape[:-1] + shape[K:], got "
                   "updates.shape %s, indices.shape %s, shape %s"
                   % (_txt(list(np.shape(updates))), _txt(list(np.shape(indices))),
                      _txt(out_shape)))
    out = np.zeros(out_shape, dtype=updates.dtype)
    if not idx:
        return out + np.sum(np.reshape(updates, (-1,) + tuple(out_shape)), axis=0,
                            dtype=updates.dtype)
    np.add.at(out, idx, updates)
    return out


def _scatter_nd_shape(op):
    i, u, s = op._inputs
    out = shape_from_tensor(s)
    idims, ud = _dims(i), _dims(u)
    if idims is not None and ud is not None and out.ndims is not None and \
            idims[-1:] != [None] and idims:
        k = idims[-1]
        want = TensorShape(idims[:-1] + out.as_list()[k:])
        if not want.is_compatible_with(ud):
            raise ValueError("The inner %d dimensions of output.shape=%s must match the inner "
                             "%d dimensions of updates.shape=%s"
                             % (len(out) - k, _txt(out.as_list()), len(ud) - len(idims) + 1,
                                _txt(ud)))
    return [out]


register("ScatterNd", _scatter_nd_kernel, _scatter_nd_shape,
         lambda op, g: [None, gather_nd(g, op._inputs[0]), None])


# -- OneHot -----------------------------------------------------------------------------
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encode ``indices``: ``on_value`` where ``j == indices[...]``, else ``off_value``.

    A new dimension of size ``depth`` is inserted at ``axis`` (default: last).
    Indices outside ``[0, depth)`` give an all-``off_value`` row. The dtype comes
    from ``dtype``, else from ``on_value``/``off_value``, else float32.

    Example:
        >>> tf.one_hot([0, 2, -1], 3)   # [[1, 0, 0], [0, 0, 1], [0, 0, 0]] (float32)
    """
    with op_scope(name, "one_hot", [indices, on_value, off_value]) as scope:
        i = _index_tensor(indices, "indices") if not (
            _is_tensor_like(indices) and convert_to_tensor(indices).dtype is dtypes.uint8) \
            else convert_to_tensor(indices)
        dt = None if dtype is None else dtypes.as_dtype(dtype)
        on_t = _one_hot_value(on_value, dt, "on_value")
        off_t = _one_hot_value(off_value, dt, "off_value")
        if on_t is not None and off_t is not None and on_t.dtype is not off_t.dtype:
            raise TypeError("dtype %s of on_value does not match dtype %s of off_value"
                            % (on_t.dtype, off_t.dtype))
        dt = dt or (on_t.dtype if on_t is not None else
                    off_t.dtype if off_t is not None else dtypes.float32)
        if on_t is None:
            on_t = constant(True if dt is dtypes.bool else 1, dt, name="on_value")
        if off_t is None:
            off_t = constant(False if dt is dtypes.bool else 0, dt, name="off_value")
        d = convert_to_tensor(depth, dtype=dtypes.int32, name="depth")
        return make_op("OneHot", [i, d, on_t, off_t], [dt], scope,
                       {"axis": -1 if axis is None else int(axis), "T": dt})._outputs[0]


def _one_hot_value(v, dt, name):
    if v is None:
        return None
    if _is_tensor_like(v):
        t = convert_to_tensor(v, name=name)
        if dt is not None and t.dtype is not dt:
            raise TypeError("dtype %s of %s does not match dtype parameter %s"
                            % (t.dtype, name, dt))
        return t
    return convert_to_tensor(v, dtype=dt, name=name)


def _one_hot_kernel(ctx, indices, depth, on, off):
    depth = int(depth)
    if depth < 0:
        raise _bad(ctx, "depth must be non-negative, got: %d" % depth)
    dt = ctx.attrs["T"].as_numpy_dtype
    hot = np.asarray(indices)[..., None] == np.arange(depth)
    out = np.where(hot, np.asarray(on, dtype=dt), np.asarray(off, dtype=dt)).astype(dt)
    axis = ctx.attrs["axis"]
    return out if axis == -1 else np.moveaxis(out, -1, axis)


def _one_hot_shape(op):
    i, d = op._inputs[:2]
    dims, depth, axis = _dims(i), _scalar_int(d), op._attrs["axis"]
    for t in op._inputs[2:]:
        t.shape.assert_has_rank(0)
    if dims is None:
        return [unknown_shape()]
    if not -1 <= axis <= len(dims):
        raise ValueError("Expected axis to be -1 or between [0, %d).  But received: %d"
                         % (len(dims) + 1, axis))
    if depth is not None and depth < 0:
        raise ValueError("depth must be non-negative, got: %d" % depth)
    pos = len(dims) if axis == -1 else axis
    return [TensorShape(dims[:pos] + [depth] + dims[pos:])]


register("OneHot", _one_hot_kernel, _one_hot_shape, NO_GRADIENT)


# -- Unique, UniqueWithCounts -------------------------------------------------------------
_Unique = collections.namedtuple("Unique", ["y", "idx"])
_UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct elements of 1-D ``x`` in order of first occurrence, and where each went.

    Returns:
        A namedtuple ``(y, idx)``: ``y`` the unique values, ``idx`` (int32 by
        default) with ``x == gather(y, idx)``.

    Example:
        >>> y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
        >>> # y = [1, 2, 4, 7, 8], idx = [0, 0, 1, 2, 2, 2, 3, 4, 4]
    """
    with op_scope(name, "Unique", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        dt = dtypes.as_dtype(out_idx)
        op = make_op("Unique", [x], [x.dtype, dt], scope, {"out_idx": dt})
        return _Unique(*op._outputs)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """Like ``unique`` and also ``count``: how often each unique value occurs.

    Example:
        >>> y, idx, count = tf.unique_with_counts([1, 1, 2, 4, 4, 4, 7, 8, 8])
        >>> # count = [2, 1, 3, 1, 2]
    """
    with op_scope(name, "UniqueWithCounts", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        dt = dtypes.as_dtype(out_idx)
        op = make_op("UniqueWithCounts", [x], [x.dtype, dt, dt], scope, {"out_idx": dt})
        return _UniqueWithCounts(*op._outputs)


def _unique_parts(ctx, x):
    if np.ndim(x) != 1:
        raise _bad(ctx, "unique expects a 1D vector.")
    dt = ctx.attrs["out_idx"].as_numpy_dtype
    if x.size == 0:
        return x, np.zeros(0, dt), np.zeros(0, dt)
    vals, first, inv, counts = np.unique(x, return_index=True, return_inverse=True,
                                         return_counts=True)
    order = np.argsort(first, kind="stable")
    new_pos = np.empty(order.size, dtype=np.int64)
    new_pos[order] = np.arange(order.size)
    return vals[order].astype(x.dtype), new_pos[np.ravel(inv)].astype(dt), counts[order].astype(dt)


def _unique_shape(op):
    x = op._inputs[0].shape.with_rank(1)
    v = const_value(op._inputs[0])
    n = TensorShape([len(set(v.tolist()))]) if v is not None else unknown_shape(1)
    return [n, x] + [n] * (len(op._outputs) - 2)


register("Unique", lambda ctx, x: _unique_parts(ctx, x)[:2], _unique_shape, NO_GRADIENT)
register("UniqueWithCounts", _unique_parts, _unique_shape, NO_GRADIENT)


# -- Diag, DiagPart ---------------------------------------------------------------------------
def diag(diagonal, name=None):
    """A tensor with ``diagonal`` on its diagonal and zeros elsewhere.

    A rank-k input of shape ``D`` gives a rank-2k output of shape ``D + D`` with
    ``output[i..., i...] = diagonal[i...]``.

    Example:
        >>> tf.diag([1, 2, 3])   # [[1, 0, 0], [0, 2, 0], [0, 0, 3]]
    """
    with op_scope(name, "Diag", [diagonal]) as scope:
        d = convert_to_tensor(diagonal, name="diagonal")
        return make_op("Diag", [d], [d.dtype], scope)._outputs[0]


def _diag_kernel(ctx, d):
    if np.ndim(d) < 1:
        raise _bad(ctx, "Input must be at least rank 1, got 0")
    n = d.size
    out = np.zeros((n, n), dtype=d.dtype)
    out[np.arange(n), np.arange(n)] = np.ravel(d)
    return out.reshape(np.shape(d) * 2)


def _diag_shape(op):
    dims = _dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if not dims:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    return [TensorShape(dims + dims)]


register("Diag", _diag_kernel, _diag_shape, lambda op, g: [diag_part(g)])


def diag_part(input, name=None):  # noqa: A002
    """The diagonal of a rank-2k tensor of shape ``D + D`` (the inverse of ``diag``).

    Example:
        >>> tf.diag_part([[1, 0], [0, 2]])   # [1, 2]
    """
    with op_scope(name, "DiagPart", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_op("DiagPart", [x], [x.dtype], scope)._outputs[0]


def _diag_part_kernel(ctx, x):
    nd = np.ndim(x)
    half = np.shape(x)[:nd // 2]
    if nd == 0 or nd % 2 or np.shape(x)[nd // 2:] != half:
        raise _bad(ctx, "Invalid shape %s: dimensions must be [D1,...,Dk,D1,...,Dk]"
                   % _txt(list(np.shape(x))))
    n = int(np.prod(half))
    return np.reshape(x, (n, n))[np.arange(n), np.arange(n)].reshape(half)


def _diag_part_shape(op):
    dims = _dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if not dims or len(dims) % 2:
        raise ValueError("Input must have even rank <= 6, input rank is %d" % len(dims))
    k = len(dims) // 2
    out = TensorShape(dims[:k]).merge_with(dims[k:])
    return [out]


register("DiagPart", _diag_part_kernel, _diag_part_shape, lambda op, g: [diag(g)])


# -- MatrixDiag, MatrixDiagPart, MatrixSetDiag, MatrixBandPart ------------------------------
def matrix_diag(diagonal, name=None):
    """Batched ``diag``: ``[..., N]`` -> ``[..., N, N]`` with the last dim on the diagonal.

    Example:
        >>> tf.matrix_diag([[1, 2], [3, 4]])   # [[[1, 0], [0, 2]], [[3, 0], [0, 4]]]
    """
    with op_scope(name, "MatrixDiag", [diagonal]) as scope:
        d = convert_to_tensor(diagonal, name="diagonal")
        return make_op("MatrixDiag", [d], [d.dtype], scope)._outputs[0]


def _matrix_diag_kernel(ctx, d):
    if np.ndim(d) < 1:
        raise _bad(ctx, "input must be at least 1-dim, received shape: []")
    n = np.shape(d)[-1]
    out = np.zeros(np.shape(d) + (n,), dtype=d.dtype)
    out[..., np.arange(n), np.arange(n)] = d
    return out


def _matrix_diag_shape(op):
    dims = _dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if not dims:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    return [TensorShape(dims + dims[-1:])]


register("MatrixDiag", _matrix_diag_kernel, _matrix_diag_shape,
         lambda op, g: [matrix_diag_part(g)])


def matrix_diag_part(input, name=None):  # noqa: A002
    """The main diagonal of each matrix: ``[..., M, N]`` -> ``[..., min(M, N)]``.

    Example:
        >>> tf.matrix_diag_part([[1, 2, 3], [4, 5, 6]])   # [1, 5]
    """
    with op_scope(name, "MatrixDiagPart", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_op("MatrixDiagPart", [x], [x.dtype], scope)._outputs[0]


def _matrix_diag_part_kernel(ctx, x):
    if np.ndim(x) < 2:
        raise _bad(ctx, "input must be at least 2-dim, received shape: %s"
                   % _txt(list(np.shape(x))))
    return np.array(np.diagonal(x, axis1=-2, axis2=-1))


def _matrix_diag_part_shape(op):
    dims = _dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if len(dims) < 2:
        raise ValueError("Shape must be at least rank 2 but is rank %d" % len(dims))
    m, n = dims[-2:]
    k = None if m is None or n is None else min(m, n)
    return [TensorShape(dims[:-2] + [k])]


register("MatrixDiagPart", _matrix_diag_part_kernel, _matrix_diag_part_shape,
         lambda op, g: [matrix_set_diag(zeros_like(op._inputs[0]), g)])


def matrix_set_diag(input, diagonal, name=None):  # noqa: A002
    """Replace the main diagonal of each matrix in ``input`` with ``diagonal``.

    Example:
        >>> tf.matrix_set_diag(tf.ones([2, 2]), [5., 6.])   # [[5, 1], [1, 6]]
    """
    with op_scope(name, "MatrixSetDiag", [input, diagonal]) as scope:
        x = convert_to_tensor(input, name="input")
        d = convert_to_tensor(diagonal, preferred_dtype=x.dtype, name="diagonal")
        if d.dtype is not x.dtype:
            raise TypeError("Input 'diagonal' of 'MatrixSetDiag' Op has type %s that does not "
                            "match type %s of argument 'input'." % (d.dtype.name, x.dtype.name))
        return make_op("MatrixSetDiag", [x, d], [x.dtype], scope)._outputs[0]


def _matrix_set_diag_kernel(ctx, x, d):
    if np.ndim(x) < 2:
        raise _bad(ctx, "input must be at least 2-dim, received shape: %s"
                   % _txt(list(np.shape(x))))
    k = min(np.shape(x)[-2:])
    if np.shape(d) != np.shape(x)[:-2] + (k,):
        raise _bad(ctx, "must have diagonal.shape == input.shape[:-2] + min(input.shape[-2:]), "
                   "but received input shape: %s and diagonal shape: %s"
                   % (_txt(list(np.shape(x))), _txt(list(np.shape(d)))))
    out = np.array(x)
    out[..., np.arange(k), np.arange(k)] = d
    return out


def _matrix_set_diag_shape(op):
    x, d = op._inputs
    out = x.shape.with_rank_at_least(2)
    want = _matrix_diag_part_shape(op)[0] if out.ndims is not None else unknown_shape()
    if not want.is_compatible_with(d.shape):
        raise ValueError("Shapes %s and %s are incompatible" % (want, d.shape))
    return [out]


def _matrix_set_diag_grad(op, g):
    # y = x with diag replaced by d  =>  dx = g with a zero diagonal, dd = diag(g)
    d = op._inputs[1]
    return [matrix_set_diag(g, zeros_like(d)), matrix_diag_part(g)]


register("MatrixSetDiag", _matrix_set_diag_kernel, _matrix_set_diag_shape,
         _matrix_set_diag_grad)


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keep a band of each matrix: entry (m, n) survives when
    ``(num_lower < 0 or m - n <= num_lower) and (num_upper < 0 or n - m <= num_upper)``.

    Example:
        >>> tf.matrix_band_part(tf.ones([3, 3]), 0, -1)   # upper triangle
        >>> tf.matrix_band_part(tf.ones([3, 3]), 0, 0)    # identity
    """
    with op_scope(name, "MatrixBandPart", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        lo = _index_tensor(num_lower, "num_lower")
        hi = _index_tensor(num_upper, "num_upper")
        if lo.dtype is not hi.dtype:
            hi = _math().cast(hi, lo.dtype)
        return make_op("MatrixBandPart", [x, lo, hi], [x.dtype], scope)._outputs[0]


def _matrix_band_part_kernel(ctx, x, lower, upper):
    if np.ndim(x) < 2:
        raise _bad(ctx, "input must be at least 2-dim, received shape: %s"
                   % _txt(list(np.shape(x))))
    m, n = np.shape(x)[-2:]
    lower, upper = int(lower), int(upper)
    if lower > m:
        raise _bad(ctx, "num_lower must be negative or less or equal to number of rows (%d) "
                   "got: %d" % (m, lower))
    if upper > n:
        raise _bad(ctx, "num_upper must be negative or less or equal to number of columns (%d) "
                   "got: %d" % (n, upper))
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    return np.where(keep, x, np.zeros((), dtype=x.dtype))


def _matrix_band_part_shape(op):
    for t in op._inputs[1:]:
        t.shape.assert_has_rank(0)
    return [op._inputs[0].shape.with_rank_at_least(2)]


register("MatrixBandPart", _matrix_band_part_kernel, _matrix_band_part_shape,
         lambda op, g: [matrix_band_part(g, op._inputs[1], op._inputs[2]), None, None])


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix (or a batch of them) with ones on the main diagonal.

    Example:
        >>> tf.eye(2)                           # [[1, 0], [0, 1]]
        >>> tf.eye(2, 3, batch_shape=[4]).shape # (4, 2, 3)
    """
    dt = dtypes.as_dtype(dtype)
    batch = list(batch_shape) if batch_shape is not None else []
    cols = num_rows if num_columns is None else num_columns
    with get_default_graph().name_scope(name or "eye") as scope:
        parts = batch + [num_rows, cols]
        if not any(_is_tensor_like(v) for v in parts):
            value = np.broadcast_to(np.eye(int(num_rows), int(cols), dtype=dt.as_numpy_dtype),
                                    [int(b) for b in batch] + [int(num_rows), int(cols)])
            return constant(np.array(value), dtype=dt, name=scope)
        return matrix_band_part(ones(parts, dt), 0, 0, name=scope)


# -- Where, Select --------------------------------------------------------------------------
def where(condition, x=None, y=None, name=None):
    """Coordinates of true entries, or an element-wise choice between ``x`` and ``y``.

    With only ``condition``: an int64 matrix ``[num_true, rank(condition)]`` of
    the coordinates of its true (non-zero) entries, in row-major order.

    With ``x`` and ``y`` (same shape): picks ``x`` where ``condition`` is true,
    else ``y``. ``condition`` has the shape of ``x``, or is a scalar, or is a
    vector whose length is ``x``'s first dimension, which picks whole rows
    (TF 1.x has no other broadcasting here).

    Example:
        >>> tf.where([[True, False], [False, True]])      # [[0, 0], [1, 1]] (int64)
        >>> tf.where([True, False], [[1, 2], [3, 4]], [[5, 6], [7, 8]])
        ... # [[1, 2], [7, 8]]
    """
    if x is None and y is None:
        with op_scope(name, "Where", [condition]) as scope:
            c = convert_to_tensor(condition, preferred_dtype=dtypes.bool, name="input")
            return make_op("Where", [c], [dtypes.int64], scope, {"T": c.dtype})._outputs[0]
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    from minitf.framework.graph import convert_pair
    from minitf.ops.op_util import check_same_dtype
    with op_scope(name, "Select", [condition, x, y]) as scope:
        c = convert_to_tensor(condition, preferred_dtype=dtypes.bool, name="condition")
        if c.dtype is not dtypes.bool:
            raise TypeError("Input 'condition' of 'Select' Op has type %s that does not match "
                            "expected type of bool." % c.dtype.name)
        x, y = convert_pair(x, y)
        check_same_dtype("Select", x, y)
        return make_op("Select", [c, x, y], [x.dtype], scope)._outputs[0]


def _where_kernel(ctx, c):
    return np.argwhere(np.asarray(c)).astype(np.int64)


def _where_shape(op):
    c = op._inputs[0]
    v = const_value(c)
    return [TensorShape([None if v is None else int(np.count_nonzero(v)), c.shape.ndims])]


register("Where", _where_kernel, _where_shape, NO_GRADIENT)


def _select_kernel(ctx, c, x, y):
    if np.shape(x) != np.shape(y):
        raise _bad(ctx, "'then' and 'else' must have the same size.  but received: %s vs. %s"
                   % (_txt(list(np.shape(x))), _txt(list(np.shape(y)))))
    if np.ndim(c) == 0:
        return x if c else y
    if np.shape(c) == np.shape(x):
        return np.where(c, x, y)
    if np.ndim(c) == 1 and np.ndim(x) > 1:
        if np.shape(c)[0] != np.shape(x)[0]:
            raise _bad(ctx, "Number of batches of 'then' must match size of 'cond', but saw: "
                       "%d vs. %d" % (np.shape(x)[0], np.shape(c)[0]))
        return np.where(np.reshape(c, (-1,) + (1,) * (np.ndim(x) - 1)), x, y)
    raise _bad(ctx, "'cond' and 'then' must have the same size (or 'cond' must be a vector "
               "matching the first dimension of 'then'), but received: %s vs. %s"
               % (_txt(list(np.shape(c))), _txt(list(np.shape(x)))))


def _select_shape(op):
    c, x, y = (t.shape for t in op._inputs)
    if x.ndims is not None and y.ndims is not None and x.ndims != y.ndims:
        raise ValueError("Shapes must be equal rank, but are %d and %d" % (x.ndims, y.ndims))
    out = _merge_dims(x, y)
    if c.ndims is None or out.ndims is None or c.ndims == 0:
        return [out]
    if c.ndims == 1 and out.ndims > 1:
        d0 = _merge_dims(TensorShape(out.as_list()[:1]), c)
        return [TensorShape(d0.as_list() + out.as_list()[1:])]
    if c.ndims != out.ndims:
        raise ValueError("Shapes must be equal rank, but are %d and %d" % (c.ndims, out.ndims))
    return [_merge_dims(out, c)]


def _merge_dims(a, b):
    """Merge two static shapes with TF's "Dimension i in both shapes" message."""
    if a.ndims is None or b.ndims is None:
        return a.merge_with(b)
    out = []
    for i, (p, q) in enumerate(zip(a.as_list(), b.as_list())):
        if p is not None and q is not None and p != q:
            raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                             "Shapes are %s and %s." % (i, p, q, _txt(a.as_list()),
                                                        _txt(b.as_list())))
        out.append(p if p is not None else q)
    return TensorShape(out)


def _select_grad(op, g):
    # y = c ? a : b  =>  da = c ? g : 0, db = c ? 0 : g
    c = op._inputs[0]
    z = zeros_like(g)
    return [None, where(c, g, z), where(c, z, g)]


register("Select", _select_kernel, _select_shape, _select_grad)


# -- boolean_mask, sequence_mask, meshgrid (built from other ops) --------------------------
def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The entries (or slices) of ``tensor`` where ``mask`` is true.

    ``mask`` (rank k >= 1, static rank known) covers dimensions
    ``axis .. axis+k-1`` of ``tensor``; those dimensions are flattened into one
    holding only the selected entries. Built from ``where`` + ``gather``, so it is
    differentiable with respect to ``tensor``.

    Example:
        >>> tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True])
        ... # [[1, 2], [5, 6]]
    """
    with get_default_graph().name_scope(name):
        t = convert_to_tensor(tensor, name="tensor")
        mk = convert_to_tensor(mask, name="mask")
        nm = mk.shape.ndims
        if nm == 0:
            raise ValueError("mask cannot be scalar.")
        if nm is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None "
                             "is not.")
        axis = 0 if axis is None else int(axis)
        ts = t.shape
        if ts.ndims is not None:
            ts[axis:axis + nm].assert_is_compatible_with(mk.shape)
        if nm > 1:
            t_shape = shape(t)
            t = reshape(t, concat([t_shape[:axis], stack([size(mk)]), t_shape[axis + nm:]], 0))
            if ts.ndims is not None:
                t.set_shape(ts[:axis].concatenate([mk.shape.num_elements()])
                            .concatenate(ts[axis + nm:]))
            mk = reshape(mk, [-1])
        picked = squeeze(where(mk), axis=[1])
        return gather(t, picked, axis=axis)


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """A mask whose row i has ``lengths[i]`` leading trues: ``mask[..., j] = j < lengths[...]``.

    ``maxlen`` (default ``max(lengths)``) is the size of the new last dimension.

    Example:
        >>> tf.sequence_mask([1, 3, 2], 5)
        ... # [[T, F, F, F, F], [T, T, T, F, F], [T, T, F, F, F]]
    """
    m = _math()
    with get_default_graph().name_scope(name or "SequenceMask"):
        lengths = convert_to_tensor(lengths, name="lengths")
        if maxlen is None:
            maxlen = m.reduce_max(lengths)
        else:
            maxlen = convert_to_tensor(maxlen, preferred_dtype=lengths.dtype, name="maxlen")
        if maxlen.shape.ndims not in (None, 0):
            raise ValueError("maxlen must be scalar for sequence_mask")
        row = m.range(constant(0, maxlen.dtype), maxlen, constant(1, maxlen.dtype))
        matrix = m.cast(expand_dims(lengths, -1), maxlen.dtype)
        result = m.less(row, matrix)
        dt = dtypes.as_dtype(dtype)
        return result if dt is dtypes.bool else m.cast(result, dt)


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D coordinate vectors, like ``numpy.meshgrid``.

    Args:
        *args: N 1-D tensors of sizes s1..sN.
        indexing: "xy" (Cartesian, default: outputs have shape [s2, s1, s3...])
            or "ij" (matrix: outputs have shape [s1, s2, s3...]).

    Example:
        >>> X, Y = tf.meshgrid([1, 2, 3], [4, 5])   # X, Y of shape (2, 3)
    """
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError("'%s' is an invalid keyword argument for this function"
                        % next(iter(kwargs)))
    if indexing not in ("xy", "ij"):
        raise ValueError("indexing parameter must be either 'xy' or 'ij'")
    with get_default_graph().name_scope(name):
        xs = [reshape(convert_to_tensor(a), [-1]) for a in args]
        n = len(xs)
        if n == 0:
            return []
        sizes = [x.shape[0].value for x in xs]
        sizes = [size(x) if s is None else s for x, s in zip(xs, sizes)]
        if indexing == "xy" and n > 1:
            sizes[0], sizes[1] = sizes[1], sizes[0]
        out = []
        for i, x in enumerate(xs):
            pos = i
            if indexing == "xy" and n > 1 and i < 2:
                pos = 1 - i
            s0 = [1] * n
            s0[pos] = -1
            out.append(broadcast_to(reshape(x, s0), stack(sizes) if any(
                _is_tensor_like(s) for s in sizes) else sizes))
        return out


# -- IdentityN -----------------------------------------------------------------------------
def identity_n(input, name=None):  # noqa: A002
    """Return a list of tensors with the same values as the list ``input`` (one op).

    Example:
        >>> a, b = tf.identity_n([tf.constant(1), tf.constant([2.0])])
    """
    with op_scope(name, "IdentityN", list(input)) as scope:
        ts = [convert_to_tensor(t) for t in input]
        return list(make_op("IdentityN", ts, [t.dtype for t in ts], scope)._outputs)


register("IdentityN", lambda ctx, *xs: _outputs(xs), lambda op: [t.shape for t in op._inputs],
         lambda op, *grads: list(grads))


# -- ListDiff (setdiff1d) -------------------------------------------------------------------
_ListDiff = collections.namedtuple("ListDiff", ["out", "idx"])


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """The values of 1-D ``x`` not in ``y`` (in ``x``'s order) and their positions in ``x``.

    Example:
        >>> out, idx = tf.setdiff1d([1, 2, 3, 4, 5, 6], [1, 3, 5])
        >>> # out = [2, 4, 6], idx = [1, 3, 5]
    """
    with op_scope(name, "ListDiff", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, preferred_dtype=x.dtype, name="y")
        from minitf.ops.op_util import check_same_dtype
        check_same_dtype("ListDiff", x, y)
        dt = dtypes.as_dtype(index_dtype)
        op = make_op("ListDiff", [x, y], [x.dtype, dt], scope, {"out_idx": dt})
        return _ListDiff(*op._outputs)


def _list_diff_kernel(ctx, x, y):
    if np.ndim(x) != 1 or np.ndim(y) != 1:
        raise _bad(ctx, "x and y should be 1D vectors")
    keep = ~np.isin(x, y)
    return x[keep], np.nonzero(keep)[0].astype(ctx.attrs["out_idx"].as_numpy_dtype)


def _list_diff_shape(op):
    op._inputs[0].shape.with_rank(1)
    op._inputs[1].shape.with_rank(1)
    x, y = (const_value(t) for t in op._inputs)
    n = None if x is None or y is None else int(np.count_nonzero(~np.isin(x, y)))
    return [TensorShape([n]), TensorShape([n])]


register("ListDiff", _list_diff_kernel, _list_diff_shape, NO_GRADIENT)


# -- DynamicPartition, DynamicStitch ------------------------------------------------------
def dynamic_partition(data, partitions, num_partitions, name=None):
    """Split ``data`` into ``num_partitions`` tensors by the partition id of each entry.

    ``partitions`` has the shape of a prefix of ``data``'s; output i holds, in
    order, the slices of ``data`` whose partition id is i.

    Example:
        >>> a, b = tf.dynamic_partition([10, 20, 30, 40], [0, 1, 1, 0], 2)
        >>> # a = [10, 40], b = [20, 30]
    """
    with op_scope(name, "DynamicPartition", [data, partitions]) as scope:
        d = convert_to_tensor(data, name="data")
        p = convert_to_tensor(partitions, dtype=dtypes.int32, name="partitions")
        n = int(num_partitions)
        op = make_op("DynamicPartition", [d, p], [d.dtype] * n, scope, {"num_partitions": n})
        return list(op._outputs)


def _dynamic_partition_kernel(ctx, data, parts):
    n = ctx.attrs["num_partitions"]
    if np.shape(data)[:np.ndim(parts)] != np.shape(parts):
        raise _bad(ctx, "data.shape must start with partitions.shape, got data.shape = %s, "
                   "partitions.shape = %s" % (_txt(list(np.shape(data))),
                                              _txt(list(np.shape(parts)))))
    bad = (parts < 0) | (parts >= n)
    if np.any(bad):
        pos = np.argwhere(np.atleast_1d(bad))[0]
        raise _bad(ctx, "partitions[%s] = %d is not in [0, %d)"
                   % (",".join(str(int(v)) for v in pos), int(np.atleast_1d(parts)[tuple(pos)]),
                      n))
    if np.ndim(parts) == 0:
        parts, data = np.reshape(parts, (1,)), np.reshape(data, (1,) + np.shape(data))
    return _outputs(data[parts == i] for i in builtins.range(n))


def _dynamic_partition_shape(op):
    d, p = op._inputs
    dd, pd = _dims(d), _dims(p)
    n = op._attrs["num_partitions"]
    if dd is None or pd is None:
        return [unknown_shape()] * n
    if not TensorShape(dd[:len(pd)]).is_compatible_with(pd):
        raise ValueError("Shapes %s and %s are incompatible" % (d.shape, p.shape))
    pv = const_value(p)
    counts = [None] * n if pv is None else [int(np.sum(pv == i)) for i in builtins.range(n)]
    return [TensorShape([k] + dd[len(pd):]) for k in counts]


def _dynamic_partition_grad(op, *grads):
    # Route each output's gradient back to where its entries came from.
    data, parts = op._inputs
    n = op._attrs["num_partitions"]
    positions = reshape(_math().range(0, size(parts), 1), shape(parts))
    where_from = dynamic_partition(positions, parts, n)
    return [reshape(dynamic_stitch(where_from, list(grads)), shape(data)), None]


register("DynamicPartition", _dynamic_partition_kernel, _dynamic_partition_shape,
         _dynamic_partition_grad)


def dynamic_stitch(indices, data, name=None):
    """Interleave slices of ``data`` into one tensor: ``merged[indices[m][i]] = data[m][i]``.

    When an index repeats, the later value wins.

    Example:
        >>> tf.dynamic_stitch([[0, 3], [1, 2]], [[10, 40], [20, 30]])   # [10, 20, 30, 40]
    """
    with op_scope(name, "DynamicStitch", list(indices) + list(data)) as scope:
        idx = [convert_to_tensor(i, dtype=dtypes.int32, name="indices") for i in indices]
        ds = _convert_list(data, "DynamicStitch", "data")
        if len(idx) != len(ds):
            raise ValueError("List argument 'data' to 'DynamicStitch' Op with length %d must "
                             "match length %d of argument 'indices'." % (len(ds), len(idx)))
        return make_op("DynamicStitch", idx + ds, [ds[0].dtype], scope,
                       {"N": len(idx)})._outputs[0]


def _dynamic_stitch_kernel(ctx, *args):
    n = ctx.attrs["N"]
    idx, ds = args[:n], args[n:]
    suffix = np.shape(ds[0])[np.ndim(idx[0]):]
    for i, d in zip(idx, ds):
        if np.shape(d) != np.shape(i) + suffix:
            raise _bad(ctx, "data[k].shape = %s does not start with indices[k].shape = %s"
                       % (_txt(list(np.shape(d))), _txt(list(np.shape(i)))))
    sizes = [int(i.max()) + 1 for i in idx if np.size(i)]
    out = np.zeros((max(sizes) if sizes else 0,) + suffix, dtype=ds[0].dtype)
    for i, d in zip(idx, ds):
        if np.any(i < 0):
            raise _bad(ctx, "indices must be non-negative")
        out[np.ravel(i)] = np.reshape(d, (-1,) + suffix)
    return out


def _dynamic_stitch_shape(op):
    n = op._attrs["N"]
    idx, ds = op._inputs[:n], op._inputs[n:]
    i0, d0 = _dims(idx[0]), _dims(ds[0])
    if i0 is None or d0 is None:
        return [unknown_shape()]
    values = [_ints(i) for i in idx]
    first = None
    if all(v is not None for v in values):
        flat = [x for v in values for x in v]
        first = max(flat) + 1 if flat else 0
    return [TensorShape([first] + d0[len(i0):])]


register("DynamicStitch", _dynamic_stitch_kernel, _dynamic_stitch_shape,
         lambda op, g: [None] * op._attrs["N"] + [gather(g, i)
                                                  for i in op._inputs[:op._attrs["N"]]])


# -- ShapeN, BroadcastArgs ---------------------------------------------------------------
def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The shapes of a list of tensors, as a list of 1-D tensors (one op)."""
    with op_scope(name, "ShapeN", list(input)) as scope:
        ts = [convert_to_tensor(t) for t in input]
        dt = dtypes.as_dtype(out_type)
        op = make_op("ShapeN", ts, [dt] * len(ts), scope, {"out_type": dt, "N": len(ts)})
        return list(op._outputs)


register("ShapeN",
         lambda ctx, *xs: _outputs(np.array(np.shape(x), ctx.attrs["out_type"].as_numpy_dtype)
                                   for x in xs),
         lambda op: [TensorShape([t.shape.ndims]) for t in op._inputs], NO_GRADIENT)


def broadcast_static_shape(shape_x, shape_y):
    """The static (``TensorShape``) result of broadcasting two static shapes."""
    from minitf.ops.op_util import broadcast_static
    try:
        return broadcast_static(as_shape(shape_x), as_shape(shape_y))
    except ValueError:
        raise ValueError("Incompatible shapes for broadcasting: %s and %s"
                         % (as_shape(shape_x), as_shape(shape_y))) from None


def broadcast_dynamic_shape(shape_x, shape_y):
    """The 1-D shape tensor of broadcasting two 1-D shape tensors.

    Example:
        >>> tf.broadcast_dynamic_shape([2, 1, 3], [4, 1])   # [2, 4, 3]
    """
    with op_scope(None, "BroadcastArgs", [shape_x, shape_y]) as scope:
        sx = _index_tensor(shape_x, "s0")
        sy = _index_tensor(shape_y, "s1")
        return make_op("BroadcastArgs", [sx, sy], [sx.dtype], scope)._outputs[0]


def _broadcast_args_kernel(ctx, sx, sy):
    try:
        out = np.broadcast_shapes(tuple(int(v) for v in sx), tuple(int(v) for v in sy))
    except ValueError:
        raise _bad(ctx, "Incompatible shapes: %s vs. %s" % (_txt(list(sx)), _txt(list(sy)))) \
            from None
    return np.array(out, dtype=sx.dtype)


def _broadcast_args_shape(op):
    a, b = (t.shape.with_rank(1) for t in op._inputs)
    if a[0].value is None or b[0].value is None:
        return [unknown_shape(1)]
    return [TensorShape([max(a[0].value, b[0].value)])]


register("BroadcastArgs", _broadcast_args_kernel, _broadcast_args_shape, NO_GRADIENT)


override_operators({"getitem": lambda x, key: slice_helper(convert_to_tensor(x), key)})
