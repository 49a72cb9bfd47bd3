"""Arithmetic, reductions and matrix products.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradients of broadcasting ops are written for the broadcast result; the
gradient driver sums them back to each input's shape.  Gradient rules use only
public ops, so higher-order gradients work.

Note: this module defines ``abs``, ``round``, ``pow`` and ``range`` (TF's names),
so inside it Python's builtins of those names are spelled ``builtins.abs`` etc.
"""
import builtins

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_pair, convert_to_tensor, override_operators
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import array_ops
from minitf.ops.op_util import (FLOATS, INTS, NUMERIC, binary, broadcast_shape,
                                broadcast_static, check_dtype, check_same_dtype, const_value,
                                make_op, same_shape, unary)

__all__ = [
    # arithmetic
    "add", "add_n", "accumulate_n", "subtract", "multiply", "negative", "scalar_mul",
    "mul", "sub", "neg",
    # division
    "truediv", "realdiv", "divide", "div", "div_no_nan", "floordiv", "floor_div",
    "floormod", "mod", "truncatediv", "truncatemod",
    # unary element-wise
    "abs", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1", "log", "log1p",
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
    "atanh", "sigmoid", "erf", "erfc", "floor", "ceil", "round", "rint", "is_nan", "is_inf",
    "is_finite", "logical_not",
    # binary element-wise
    "pow", "maximum", "minimum", "squared_difference", "atan2", "clip_by_value",
    "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_xor",
    # reductions and scans
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any",
    "reduce_all", "reduce_logsumexp", "count_nonzero", "argmax", "argmin", "arg_max",
    "arg_min", "cumsum", "cumprod",
    # linear algebra
    "matmul", "matrix_determinant", "matrix_inverse", "trace",
    "tensordot", "einsum", "norm",
    # casts and sequences
    "cast", "to_double", "to_float", "to_int32", "to_int64", "range", "lin_space",
    "linspace",
]


# -- Add, Sub, Mul ----------------------------------------------------------------
def add(x, y, name=None):
    """Element-wise ``x + y`` with broadcasting (strings concatenate)."""
    return binary("Add", x, y, name)


def _add_kernel(ctx, x, y):
    return np.add(x, y)  # on string (object) arrays this concatenates the bytes


register("Add", _add_kernel, broadcast_shape, lambda op, g: [g, g])


def subtract(x, y, name=None):
    """Element-wise ``x - y`` with broadcasting."""
    return binary("Sub", x, y, name)


register("Sub", lambda ctx, x, y: np.subtract(x, y), broadcast_shape,
         lambda op, g: [g, negative(g)])


def multiply(x, y, name=None):
    """Element-wise ``x * y`` with broadcasting."""
    return binary("Mul", x, y, name)


def _mul_grad(op, g):
    x, y = op._inputs
    return [g * y, x * g]  # d(xy) = y dx + x dy


register("Mul", lambda ctx, x, y: np.multiply(x, y), broadcast_shape, _mul_grad)


# -- Neg ----------------------------------------------------------------------------
def negative(x, name=None):
    """Element-wise ``-x``."""
    return unary("Neg", x, name)


register("Neg", lambda ctx, x: np.negative(x), same_shape, lambda op, g: [negative(g)])


# -- AddN ---------------------------------------------------------------------------
def add_n(inputs, name=None):
    """Sum of a list of tensors of the same shape and dtype."""
    inputs = [convert_to_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a non-empty list of tensors")
    for t in inputs[1:]:
        if t.dtype is not inputs[0].dtype:
            raise TypeError("All inputs to add_n must have the same dtype: %s vs %s"
                            % (inputs[0].dtype.name, t.dtype.name))
    if len(inputs) == 1 and name is None:
        return inputs[0]
    return make_op("AddN", inputs, [inputs[0].dtype], name)._outputs[0]


def _add_n_kernel(ctx, *xs):
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def _add_n_shape(op):
    s = op._inputs[0].shape
    for t in op._inputs[1:]:
        s = s.merge_with(t.shape)
    return [s]


register("AddN", _add_n_kernel, _add_n_shape, lambda op, g: [g] * len(op._inputs))


# -- SumToShape (minitf's broadcast-gradient reduction) --------------------------
def sum_to_shape(g, like, name=None):
    """Sum ``g`` over the axes along which ``like`` was broadcast to ``g``'s shape."""
    like = convert_to_tensor(like)
    return make_op("SumToShape", [g, array_ops.shape(like)], [g.dtype], name,
                   {"like_shape": like.shape})._outputs[0]


def _sum_to_shape_kernel(ctx, g, target):
    target = tuple(target)
    if np.shape(g) == target:
        return g
    extra = np.ndim(g) - len(target)
    axes = tuple(np.arange(extra).tolist()) + tuple(
        i + extra for i, d in enumerate(target) if d == 1 and np.shape(g)[i + extra] != 1)
    out = np.sum(g, axis=axes, keepdims=False) if axes else g
    return np.reshape(out, target).astype(g.dtype, copy=False)


register("SumToShape", _sum_to_shape_kernel, lambda op: [op._attrs["like_shape"]],
         lambda op, g: [array_ops.broadcast_to(g, array_ops.shape(op._inputs[0])), None])


# -- Reductions ---------------------------------------------------------------------
def _reduction(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
               allowed=None):
    """Build a reduction op over ``axis`` (all axes when None, also for unknown rank)."""
    x = convert_to_tensor(input_tensor)
    if allowed is not None:
        check_dtype(op_type, x, allowed, "input")
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    if axis is None:
        if x.shape.ndims is None:
            axis_t = _range_of_rank(x)
        else:
            axis_t = array_ops.constant(np.arange(x.shape.ndims, dtype=np.int32), name="Const")
    else:
        axis_t = _axis_tensor(axis)
    return make_op(op_type, [x, axis_t], [x.dtype], name,
                   {"keep_dims": bool(keepdims), "T": x.dtype})._outputs[0]


def _axis_tensor(axis):
    """An int32/int64 axis tensor (a Tensor passes through, values become int32)."""
    if isinstance(axis, Tensor):
        if not axis.dtype.is_integer:
            raise TypeError("axis must be an integer tensor, got %s" % axis.dtype.name)
        return axis
    return convert_to_tensor(axis, dtype=dtypes.int32)


def _range_of_rank(x):
    return range(array_ops.rank(x))


def _reduction_shape(op):
    x, axis_t = op._inputs
    axes = const_value(axis_t)
    keep = op._attrs["keep_dims"]
    if x.shape.ndims is None:
        return [unknown_shape()]
    nd = x.shape.ndims
    if axes is None:
        return [unknown_shape(nd) if keep else unknown_shape()]
    axes = np.ravel(axes)
    for a in axes:
        if a < -nd or a >= max(nd, 1) and not (nd == 0 and a in (0, -1)):
            raise ValueError("Invalid reduction dimension %d for input with %d dimensions" % (
                a, nd))
    axes = {int(a) % nd for a in axes} if nd else set()
    dims = x.shape.as_list()
    if keep:
        return [TensorShape([1 if i in axes else d for i, d in enumerate(dims)])]
    return [TensorShape([d for i, d in enumerate(dims) if i not in axes])]


def _reduce_kernel(fn):
    def kernel(ctx, x, axis):
        axis = tuple(int(a) for a in np.ravel(axis))
        nd = np.ndim(x)
        for a in axis:
            if not -nd <= a < max(nd, 1):
                raise errors.InvalidArgumentError(
                    None, ctx.op, "Invalid reduction dimension %d for input with %d dimensions"
                    % (a, nd))
        out = fn(x, axis=axis, keepdims=ctx.attrs["keep_dims"])
        return np.asarray(out, dtype=x.dtype) if np.ndim(out) == 0 else out.astype(
            x.dtype, copy=False)
    return kernel


def _reduced_shape_grad(op, g):
    """Reshape a reduction's gradient so it broadcasts against the input."""
    x, axis = op._inputs
    if op._attrs["keep_dims"]:
        return g
    return array_ops.reshape(g, reduced_shape(array_ops.shape(x), axis))


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum of elements across ``axis`` (all axes when None).

    Example:
        >>> x = tf.constant([[1, 1, 1], [1, 1, 1]])
        >>> tf.reduce_sum(x, 0)   # [2, 2, 2]
    """
    return _reduction("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                      NUMERIC)


def _sum_grad(op, g):
    x = op._inputs[0]
    return [array_ops.broadcast_to(_reduced_shape_grad(op, g), array_ops.shape(x)), None]


register("Sum", _reduce_kernel(np.sum), _reduction_shape, _sum_grad)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean across ``axis`` (all axes when None); on integers it truncates, as TF does.

    Example:
        >>> tf.reduce_mean(tf.constant([1, 2, 4]))   # 2 (int32: 7 // 3)
        >>> tf.reduce_mean(tf.constant([[1., 2.], [3., 4.]]), axis=1)   # [1.5, 3.5]
    """
    return _reduction("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                      NUMERIC)


def _mean_kernel(ctx, x, axis):
    axis = tuple(int(a) for a in np.ravel(axis))
    keep = ctx.attrs["keep_dims"]
    if x.dtype.kind in "iu":
        total = np.sum(x, axis=axis, keepdims=keep, dtype=np.int64)
        count = max(1, int(np.prod([np.shape(x)[a] for a in axis])))
        return np.asarray(np.sign(total) * (np.abs(total) // count)).astype(x.dtype)
    return np.asarray(np.mean(x, axis=axis, keepdims=keep), dtype=x.dtype)


def _mean_grad(op, g):
    x = op._inputs[0]
    # dx = G / n, n = number of elements averaged = size(x) / size(y)
    total = _sum_grad(op, g)[0]
    count = realdiv(cast(array_ops.size(x), x.dtype), cast(array_ops.size(op._outputs[0]),
                                                           x.dtype))
    return [realdiv(total, count), None]


register("Mean", _mean_kernel, _reduction_shape, _mean_grad)


# -- MatMul ---------------------------------------------------------------------------
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product ``a @ b``; inputs of rank > 2 are batched over leading dims.

    Example:
        >>> tf.matmul(tf.ones([2, 3]), tf.ones([3, 4]))   # shape (2, 4), all 3s
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    check_same_dtype("MatMul", a, b)
    batched = (a.shape.ndims or 2) > 2 or (b.shape.ndims or 2) > 2
    op_type = "BatchMatMulV2" if batched else "MatMul"
    attrs = {"transpose_a": ta, "transpose_b": tb, "T": a.dtype}
    return make_op(op_type, [a, b], [a.dtype], name, attrs)._outputs[0]


def _matmul_kernel(ctx, a, b):
    if ctx.attrs["transpose_a"]:
        a = np.swapaxes(a, -1, -2)
    if ctx.attrs["transpose_b"]:
        b = np.swapaxes(b, -1, -2)
    if a.shape[-1] != b.shape[-2]:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Matrix size-incompatible: In[0]: %s, In[1]: %s"
            % (list(a.shape), list(b.shape)))
    from minitf.kernels import blas
    return blas.matmul(a, b)


def _matmul_shape(op):
    a, b = (t.shape for t in op._inputs)
    if op.type == "MatMul":
        a, b = a.with_rank(2), b.with_rank(2)
    if a.ndims is None or b.ndims is None:
        return [unknown_shape()]
    if a.ndims < 2 or b.ndims < 2:
        raise ValueError("Shape must be rank >= 2 but is rank %d" % min(a.ndims, b.ndims))
    ad, bd = a.as_list(), b.as_list()
    if op._attrs["transpose_a"]:
        ad[-2], ad[-1] = ad[-1], ad[-2]
    if op._attrs["transpose_b"]:
        bd[-2], bd[-1] = bd[-1], bd[-2]
    if ad[-1] is not None and bd[-2] is not None and ad[-1] != bd[-2]:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (ad[-1], bd[-2]))
    batch = broadcast_static(TensorShape(ad[:-2]), TensorShape(bd[:-2]))
    return [batch.concatenate([ad[-2], bd[-1]])]


def _matmul_grad(op, g):
    a, b = op._inputs
    ta, tb = op._attrs["transpose_a"], op._attrs["transpose_b"]
    # C = A B: dA = G Bᵀ, dB = Aᵀ G (with the transposes folded in).
    if not ta and not tb:
        return [matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)]
    if not ta and tb:
        return [matmul(g, b), matmul(g, a, transpose_a=True)]
    if ta and not tb:
        return [matmul(b, g, transpose_b=True), matmul(a, g)]
    return [matmul(b, g, transpose_a=True, transpose_b=True),
            matmul(g, a, transpose_a=True, transpose_b=True)]


register("MatMul", _matmul_kernel, _matmul_shape, _matmul_grad)
register("BatchMatMulV2", _matmul_kernel, _matmul_shape, _matmul_grad)


# -- Cast -----------------------------------------------------------------------------
def cast(x, dtype, name=None):
    """``x`` converted element-wise to ``dtype`` (floats truncate toward zero)."""
    x = convert_to_tensor(x)
    dt = dtypes.as_dtype(dtype)
    if x.dtype is dt and name is None:
        return x
    return unary("Cast", x, name, {"SrcT": x.dtype, "DstT": dt}, dtype=dt)


def _cast_kernel(ctx, x):
    return np.asarray(x).astype(ctx.attrs["DstT"].as_numpy_dtype)


def _cast_grad(op, g):
    src = op._attrs["SrcT"]
    return [cast(g, src) if src.is_floating and op._attrs["DstT"].is_floating else None]


register("Cast", _cast_kernel, same_shape, _cast_grad)


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name=name)


# -- Range ------------------------------------------------------------------------------
def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001  (TF's name)
    """``[start, start + delta, ...)`` up to ``limit``, like Python's range.

    Example:
        >>> tf.range(3, 18, 3)   # [3, 6, 9, 12, 15]
    """
    if limit is None:
        start, limit = 0, start
    ts = [convert_to_tensor(v, dtype=dtype) if dtype is not None else convert_to_tensor(v)
          for v in (start, limit, delta)]
    order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
    dt = max((t.dtype for t in ts), key=order.index) if dtype is None else dtypes.as_dtype(
        dtype)
    ts = [cast(t, dt) for t in ts]
    return make_op("Range", ts, [dt], name, {"Tidx": dt})._outputs[0]


def _range_kernel(ctx, start, limit, delta):
    if delta == 0:
        raise errors.InvalidArgumentError(None, ctx.op, "Requires delta != 0: %s" % delta)
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise errors.InvalidArgumentError(
            None, ctx.op, "Requires start <= limit when delta > 0: %s/%s" % (start, limit)
            if delta > 0 else "Requires start >= limit when delta < 0: %s/%s" % (start, limit))
    return np.arange(start, limit, delta, dtype=ctx.attrs["Tidx"].as_numpy_dtype)


def _range_shape(op):
    vals = [const_value(t) for t in op._inputs]
    if any(v is None for v in vals):
        return [unknown_shape(1)]
    start, limit, delta = (v.item() for v in vals)
    if delta == 0:
        raise ValueError("Requires delta != 0")
    return [TensorShape([max(0, int(np.ceil((limit - start) / delta)))])]


register("Range", _range_kernel, _range_shape, NO_GRADIENT)


def reduced_shape(input_shape, axes):
    """The shape of a keep-dims reduction: ``input_shape`` with ``axes`` set to 1."""
    return make_op("ReducedShape", [input_shape, convert_to_tensor(axes, dtypes.int32)],
                   [dtypes.int32])._outputs[0]


def _reduced_shape_kernel(ctx, shape, axes):
    out = np.array(shape, dtype=np.int32)
    if out.size:
        out[np.ravel(axes) % out.size] = 1
    return out


register("ReducedShape", _reduced_shape_kernel, lambda op: [op._inputs[0].shape], NO_GRADIENT)


# == Element-wise helpers ===========================================================
def _cwise(fn):
    """A kernel applying numpy ``fn`` silently (inf/nan as TF gives them) in x's dtype."""
    def kernel(ctx, *xs):
        with np.errstate(all="ignore"):
            out = fn(*xs)
        return np.asarray(out).astype(ctx.op._outputs[0].dtype.as_numpy_dtype, copy=False)
    return kernel


def _typed_unary(op_type, x, name, allowed):
    x = convert_to_tensor(x)
    check_dtype(op_type, x, allowed)
    return unary(op_type, x, name)


def _typed_binary(op_type, x, y, name, allowed, out_dtype=None):
    x, y = convert_pair(x, y)
    check_same_dtype(op_type, x, y)
    check_dtype(op_type, x, allowed)
    return binary(op_type, x, y, name, out_dtype=out_dtype)


def _mask(cond, dtype):
    """A 0/1 tensor of ``dtype`` from a bool tensor (used to select gradients)."""
    return cast(cond, dtype)


_SIGNED = FLOATS + (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64)
_REAL = NUMERIC  # ordered types: comparisons, maximum, minimum


# == Division ========================================================================
def _check_divisor(ctx, x, y):
    """TF's runtime error for an integer division by zero."""
    if x.dtype.kind in "iu" and np.any(np.asarray(y) == 0):
        raise errors.InvalidArgumentError(None, ctx.op, "Integer division by zero")


_TRUEDIV_DTYPE = {dtypes.int8: dtypes.float32, dtypes.int16: dtypes.float32,
                  dtypes.uint8: dtypes.float32, dtypes.int32: dtypes.float64,
                  dtypes.int64: dtypes.float64}


# -- RealDiv (truediv, realdiv, divide) -------------------------------------------------
def truediv(x, y, name=None):
    """Element-wise ``x / y`` with Python 3 semantics (the ``/`` operator).

    Integer inputs are first cast to float: int8, int16 and uint8 to float32,
    int32 and int64 to float64.  ``x`` and ``y`` must have the same dtype (a Python
    number takes the other operand's dtype).

    Example:
        >>> tf.truediv(tf.constant([1, 2]), 2)   # float64 [0.5, 1.0]
    """
    x, y = convert_pair(x, y)
    if x.dtype is not y.dtype:
        raise TypeError("x and y must have the same dtype, got %r != %r" % (x.dtype, y.dtype))
    check_dtype("truediv", x, NUMERIC)
    to = _TRUEDIV_DTYPE.get(x.dtype)
    if to is not None:
        x, y = cast(x, to), cast(y, to)
    return binary("RealDiv", x, y, name or "truediv")


def realdiv(x, y, name=None):
    """Element-wise real division ``x / y`` without casting (op ``RealDiv``).

    On integers it divides and truncates toward zero, like C; division by zero
    raises InvalidArgumentError.

    Example:
        >>> tf.realdiv(tf.constant([3., 1.]), tf.constant([2., 4.]))   # [1.5, 0.25]
    """
    return _typed_binary("RealDiv", x, y, name, NUMERIC)


def divide(x, y, name=None):
    """``x / y`` (same as ``truediv``)."""
    return truediv(x, y, name=name)


def _trunc_int_div(x, y):
    """C-style integer quotient (rounded toward zero); y must have no zeros."""
    q = np.floor_divide(x, y)
    return q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0))).astype(q.dtype)


def _realdiv_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    if x.dtype.kind in "iu":
        return _trunc_int_div(x, y)
    with np.errstate(all="ignore"):
        return np.true_divide(x, y)


def _realdiv_grad(op, g):
    x, y = op._inputs
    # z = x / y: dx = G / y, dy = -G x / y²
    return [realdiv(g, y), g * realdiv(realdiv(negative(x), y), y)]


register("RealDiv", _realdiv_kernel, broadcast_shape, _realdiv_grad)


def div(x, y, name=None):
    """Divide with Python 2 semantics (TF 1.x ``tf.div``): floor division on
    integers, real division on floats.

    Example:
        >>> tf.div(tf.constant([-7, 7]), 2)   # [-4, 3]
        >>> tf.div(tf.constant(7.), 2.)       # 3.5
    """
    x, y = convert_pair(x, y)
    check_same_dtype("div", x, y)
    if x.dtype.is_integer:
        return floordiv(x, y, name=name or "div")
    return realdiv(x, y, name=name or "div")


# -- DivNoNan --------------------------------------------------------------------------
def div_no_nan(x, y, name=None):
    """``x / y``, but 0 wherever ``y`` is 0 (floats only).

    Example:
        >>> tf.div_no_nan(tf.constant([1., 2.]), tf.constant([0., 4.]))   # [0., 0.5]
    """
    return _typed_binary("DivNoNan", x, y, name, FLOATS)


def _div_no_nan_kernel(ctx, x, y):
    with np.errstate(all="ignore"):
        out = np.where(y == 0, np.zeros((), x.dtype), np.true_divide(x, y))
    return out.astype(x.dtype, copy=False)


def _div_no_nan_grad(op, g):
    x, y = op._inputs
    # z = x / y (0 where y = 0): dx = G / y, dy = -G x / y², both 0 where y = 0
    return [div_no_nan(g, y), g * div_no_nan(div_no_nan(negative(x), y), y)]


register("DivNoNan", _div_no_nan_kernel, broadcast_shape, _div_no_nan_grad)


# -- FloorDiv ----------------------------------------------------------------------------
def floordiv(x, y, name=None):
    """Element-wise ``floor(x / y)`` (the ``//`` operator); integer results round
    toward minus infinity.

    Example:
        >>> tf.constant([-7, 7]) // 2   # [-4, 3]
    """
    return _typed_binary("FloorDiv", x, y, name or "floordiv", NUMERIC)


def _floordiv_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    if x.dtype.kind in "iu":
        return np.floor_divide(x, y)
    with np.errstate(all="ignore"):
        return np.floor(np.true_divide(x, y))


register("FloorDiv", _floordiv_kernel, broadcast_shape, NO_GRADIENT)
floor_div = floordiv


# -- FloorMod ------------------------------------------------------------------------------
def floormod(x, y, name=None):
    """Element-wise remainder of floor division (the ``%`` operator).

    The result has the sign of ``y``, so ``x == floordiv(x, y) * y + floormod(x, y)``.

    Example:
        >>> tf.floormod(tf.constant([-7, 7]), 3)   # [2, 1]
        >>> tf.floormod(tf.constant([7]), -3)      # [-2]
    """
    return _typed_binary("FloorMod", x, y, name, NUMERIC)


def _floormod_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    with np.errstate(all="ignore"):
        return np.mod(x, y)


def _floormod_grad(op, g):
    x, y = op._inputs
    # z = x - floor(x / y) y: dx = G, dy = -G floor(x / y)
    return [g, g * negative(floordiv(x, y))]


register("FloorMod", _floormod_kernel, broadcast_shape, _floormod_grad)
mod = floormod


# -- TruncateDiv -------------------------------------------------------------------------
def truncatediv(x, y, name=None):
    """Integer division rounded toward zero, like C (integers only).

    Example:
        >>> tf.truncatediv(tf.constant([-7, 7]), 2)   # [-3, 3]
    """
    return _typed_binary("TruncateDiv", x, y, name, INTS)


def _truncatediv_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    return _trunc_int_div(x, y)


register("TruncateDiv", _truncatediv_kernel, broadcast_shape, NO_GRADIENT)


# -- TruncateMod -------------------------------------------------------------------------
def truncatemod(x, y, name=None):
    """Remainder of truncating division (C's ``fmod``): the sign of ``x``.

    Example:
        >>> tf.truncatemod(tf.constant([-7, 7]), 3)   # [-1, 1]
    """
    return _typed_binary("TruncateMod", x, y, name, NUMERIC)


def _truncatemod_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    with np.errstate(all="ignore"):
        return np.fmod(x, y)


def _truncatemod_grad(op, g):
    x, y = op._inputs
    # z = x - trunc(x / y) y: dx = G, dy = -G trunc(x / y)
    q = realdiv(x, y)
    return [g, g * negative(sign(q) * floor(abs(q)))]


register("TruncateMod", _truncatemod_kernel, broadcast_shape, _truncatemod_grad)


# == Unary element-wise ops ===========================================================
# -- Abs -----------------------------------------------------------------------------
def abs(x, name=None):  # noqa: A001  (TF's name)
    """Element-wise absolute value (floats and signed integers).

    Example:
        >>> tf.abs(tf.constant([-2, 3]))   # [2, 3]
    """
    return _typed_unary("Abs", x, name, _SIGNED)


register("Abs", _cwise(np.abs), same_shape,
         lambda op, g: [g * sign(op._inputs[0])])  # d|x| = sign(x) dx


# -- Sign ----------------------------------------------------------------------------
def sign(x, name=None):
    """Element-wise sign: -1, 0 or 1 (0 for 0; nan for nan).

    Example:
        >>> tf.sign(tf.constant([-2., 0., 5.]))   # [-1., 0., 1.]
    """
    return _typed_unary("Sign", x, name, _SIGNED)


register("Sign", _cwise(np.sign), same_shape,
         lambda op, g: [array_ops.zeros_like(op._inputs[0])])  # piecewise constant: 0


# -- Square --------------------------------------------------------------------------
def square(x, name=None):
    """Element-wise ``x * x``.

    Example:
        >>> tf.square(tf.constant([-2., 3.]))   # [4., 9.]
    """
    return _typed_unary("Square", x, name, NUMERIC)


register("Square", _cwise(np.square), same_shape,
         lambda op, g: [g * (2.0 * op._inputs[0])])  # d(x²) = 2x dx


# -- Sqrt ----------------------------------------------------------------------------
def sqrt(x, name=None):
    """Element-wise square root (floats; nan for negative inputs).

    Example:
        >>> tf.sqrt(tf.constant([4., 9.]))   # [2., 3.]
    """
    return _typed_unary("Sqrt", x, name, FLOATS)


register("Sqrt", _cwise(np.sqrt), same_shape,
         lambda op, g: [realdiv(g * 0.5, op._outputs[0])])  # d√x = dx / (2y)


# -- Rsqrt ---------------------------------------------------------------------------
def rsqrt(x, name=None):
    """Element-wise ``1 / sqrt(x)``.

    Example:
        >>> tf.rsqrt(tf.constant([4.]))   # [0.5]
    """
    return _typed_unary("Rsqrt", x, name, FLOATS)


register("Rsqrt", _cwise(lambda x: 1 / np.sqrt(x)), same_shape,
         lambda op, g: [g * (-0.5 * op._outputs[0] ** 3)])  # d(x^-½) = -½ y³ dx


# -- Reciprocal ----------------------------------------------------------------------
def reciprocal(x, name=None):
    """Element-wise ``1 / x``.

    Example:
        >>> tf.reciprocal(tf.constant([2., 4.]))   # [0.5, 0.25]
    """
    return _typed_unary("Reciprocal", x, name, FLOATS)


register("Reciprocal", _cwise(np.reciprocal), same_shape,
         lambda op, g: [g * negative(square(op._outputs[0]))])  # d(1/x) = -y² dx


# -- Exp -----------------------------------------------------------------------------
def exp(x, name=None):
    """Element-wise ``e ** x``.

    Example:
        >>> tf.exp(tf.constant([0., 1.]))   # [1., 2.7182817]
    """
    return _typed_unary("Exp", x, name, FLOATS)


register("Exp", _cwise(np.exp), same_shape,
         lambda op, g: [g * op._outputs[0]])  # d eˣ = y dx


# -- Expm1 ---------------------------------------------------------------------------
def expm1(x, name=None):
    """Element-wise ``exp(x) - 1``, accurate for small ``x``.

    Example:
        >>> tf.expm1(tf.constant([1e-10]))   # [1e-10]
    """
    return _typed_unary("Expm1", x, name, FLOATS)


register("Expm1", _cwise(np.expm1), same_shape,
         lambda op, g: [g * exp(op._inputs[0])])  # d(eˣ - 1) = eˣ dx


# -- Log -----------------------------------------------------------------------------
def log(x, name=None):
    """Element-wise natural logarithm (-inf at 0, nan below).

    Example:
        >>> tf.log(tf.constant([1., 2.7182817]))   # [0., 1.]
    """
    return _typed_unary("Log", x, name, FLOATS)


register("Log", _cwise(np.log), same_shape,
         lambda op, g: [g * reciprocal(op._inputs[0])])  # d ln x = dx / x


# -- Log1p ---------------------------------------------------------------------------
def log1p(x, name=None):
    """Element-wise ``log(1 + x)``, accurate for small ``x``.

    Example:
        >>> tf.log1p(tf.constant([1e-10]))   # [1e-10]
    """
    return _typed_unary("Log1p", x, name, FLOATS)


register("Log1p", _cwise(np.log1p), same_shape,
         lambda op, g: [g * reciprocal(1.0 + op._inputs[0])])  # d ln(1+x) = dx / (1+x)


# -- Sin, Cos, Tan -----------------------------------------------------------------------
def sin(x, name=None):
    """Element-wise sine (radians).

    Example:
        >>> tf.sin(tf.constant([0.]))   # [0.]
    """
    return _typed_unary("Sin", x, name, FLOATS)


register("Sin", _cwise(np.sin), same_shape,
         lambda op, g: [g * cos(op._inputs[0])])  # d sin x = cos x dx


def cos(x, name=None):
    """Element-wise cosine (radians).

    Example:
        >>> tf.cos(tf.constant([0.]))   # [1.]
    """
    return _typed_unary("Cos", x, name, FLOATS)


register("Cos", _cwise(np.cos), same_shape,
         lambda op, g: [negative(g * sin(op._inputs[0]))])  # d cos x = -sin x dx


def tan(x, name=None):
    """Element-wise tangent (radians).

    Example:
        >>> tf.tan(tf.constant([0.]))   # [0.]
    """
    return _typed_unary("Tan", x, name, FLOATS)


register("Tan", _cwise(np.tan), same_shape,
         lambda op, g: [g * square(reciprocal(cos(op._inputs[0])))])  # d tan x = sec² x dx


# -- Asin, Acos, Atan ----------------------------------------------------------------------
def asin(x, name=None):
    """Element-wise arcsine, in [-pi/2, pi/2] (nan outside [-1, 1]).

    Example:
        >>> tf.asin(tf.constant([1.]))   # [1.5707964]
    """
    return _typed_unary("Asin", x, name, FLOATS)


register("Asin", _cwise(np.arcsin), same_shape,
         lambda op, g: [g * rsqrt(1.0 - square(op._inputs[0]))])  # dx / √(1 - x²)


def acos(x, name=None):
    """Element-wise arccosine, in [0, pi] (nan outside [-1, 1]).

    Example:
        >>> tf.acos(tf.constant([1.]))   # [0.]
    """
    return _typed_unary("Acos", x, name, FLOATS)


register("Acos", _cwise(np.arccos), same_shape,
         lambda op, g: [negative(g * rsqrt(1.0 - square(op._inputs[0])))])  # -dx / √(1 - x²)


def atan(x, name=None):
    """Element-wise arctangent, in (-pi/2, pi/2).

    Example:
        >>> tf.atan(tf.constant([1.]))   # [0.7853982]
    """
    return _typed_unary("Atan", x, name, FLOATS)


register("Atan", _cwise(np.arctan), same_shape,
         lambda op, g: [g * reciprocal(1.0 + square(op._inputs[0]))])  # dx / (1 + x²)


# -- Sinh, Cosh, Tanh ------------------------------------------------------------------------
def sinh(x, name=None):
    """Element-wise hyperbolic sine.

    Example:
        >>> tf.sinh(tf.constant([0.]))   # [0.]
    """
    return _typed_unary("Sinh", x, name, FLOATS)


register("Sinh", _cwise(np.sinh), same_shape,
         lambda op, g: [g * cosh(op._inputs[0])])  # d sinh x = cosh x dx


def cosh(x, name=None):
    """Element-wise hyperbolic cosine.

    Example:
        >>> tf.cosh(tf.constant([0.]))   # [1.]
    """
    return _typed_unary("Cosh", x, name, FLOATS)


register("Cosh", _cwise(np.cosh), same_shape,
         lambda op, g: [g * sinh(op._inputs[0])])  # d cosh x = sinh x dx


def tanh(x, name=None):
    """Element-wise hyperbolic tangent, in (-1, 1).

    Example:
        >>> tf.tanh(tf.constant([0., 100.]))   # [0., 1.]
    """
    return _typed_unary("Tanh", x, name, FLOATS)


register("Tanh", _cwise(np.tanh), same_shape,
         lambda op, g: [g * (1.0 - square(op._outputs[0]))])  # d tanh x = (1 - y²) dx


# -- Asinh, Acosh, Atanh ---------------------------------------------------------------------
def asinh(x, name=None):
    """Element-wise inverse hyperbolic sine.

    Example:
        >>> tf.asinh(tf.constant([0.]))   # [0.]
    """
    return _typed_unary("Asinh", x, name, FLOATS)


register("Asinh", _cwise(np.arcsinh), same_shape,
         lambda op, g: [g * rsqrt(square(op._inputs[0]) + 1.0)])  # dx / √(x² + 1)


def acosh(x, name=None):
    """Element-wise inverse hyperbolic cosine (nan below 1).

    Example:
        >>> tf.acosh(tf.constant([1.]))   # [0.]
    """
    return _typed_unary("Acosh", x, name, FLOATS)


register("Acosh", _cwise(np.arccosh), same_shape,
         lambda op, g: [g * rsqrt(square(op._inputs[0]) - 1.0)])  # dx / √(x² - 1)


def atanh(x, name=None):
    """Element-wise inverse hyperbolic tangent (inf at ±1, nan outside).

    Example:
        >>> tf.atanh(tf.constant([0.]))   # [0.]
    """
    return _typed_unary("Atanh", x, name, FLOATS)


register("Atanh", _cwise(np.arctanh), same_shape,
         lambda op, g: [g * reciprocal(1.0 - square(op._inputs[0]))])  # dx / (1 - x²)


# -- Sigmoid -----------------------------------------------------------------------------
def sigmoid(x, name=None):
    """Element-wise logistic function ``1 / (1 + exp(-x))``.

    Example:
        >>> tf.sigmoid(tf.constant([0.]))   # [0.5]
    """
    return _typed_unary("Sigmoid", x, name, FLOATS)


def _sigmoid_np(x):
    # exp of -|x| never overflows: σ(x) = 1/(1+e⁻ˣ) for x ≥ 0, eˣ/(1+eˣ) for x < 0
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


register("Sigmoid", _cwise(_sigmoid_np), same_shape,
         lambda op, g: [g * (op._outputs[0] * (1.0 - op._outputs[0]))])  # dσ = y(1 - y) dx


# -- Erf, Erfc -----------------------------------------------------------------------------
def erf(x, name=None):
    """Element-wise Gauss error function ``2/sqrt(pi) * integral_0^x exp(-t²) dt``.

    Example:
        >>> tf.erf(tf.constant([0., 10.]))   # [0., 1.]
    """
    return _typed_unary("Erf", x, name, FLOATS)


def _erf_kernel(ctx, x):
    from minitf.kernels import special
    return special.erf(x)


_TWO_OVER_SQRT_PI = 2.0 / np.sqrt(np.pi)

register("Erf", _erf_kernel, same_shape,  # d erf x = 2/√π exp(-x²) dx
         lambda op, g: [g * (_TWO_OVER_SQRT_PI * exp(negative(square(op._inputs[0]))))])


def erfc(x, name=None):
    """Element-wise complementary error function ``1 - erf(x)``, accurate for large x.

    Example:
        >>> tf.erfc(tf.constant([0.]))   # [1.]
    """
    return _typed_unary("Erfc", x, name, FLOATS)


def _erfc_kernel(ctx, x):
    from minitf.kernels import special
    return special.erfc(x)


register("Erfc", _erfc_kernel, same_shape,  # d erfc x = -2/√π exp(-x²) dx
         lambda op, g: [g * (-_TWO_OVER_SQRT_PI * exp(negative(square(op._inputs[0]))))])


# -- Floor, Ceil, Round, Rint (piecewise constant: not differentiable, as in TF) ------------
def floor(x, name=None):
    """Element-wise largest integer not greater than ``x`` (floats).

    Example:
        >>> tf.floor(tf.constant([-1.5, 1.5]))   # [-2., 1.]
    """
    return _typed_unary("Floor", x, name, FLOATS)


register("Floor", _cwise(np.floor), same_shape, NO_GRADIENT)


def ceil(x, name=None):
    """Element-wise smallest integer not less than ``x`` (floats).

    Example:
        >>> tf.ceil(tf.constant([-1.5, 1.5]))   # [-1., 2.]
    """
    return _typed_unary("Ceil", x, name, FLOATS)


register("Ceil", _cwise(np.ceil), same_shape, NO_GRADIENT)


def round(x, name=None):  # noqa: A001  (TF's name)
    """Element-wise rounding to the nearest integer, halves to even (banker's rounding).

    Integers pass through unchanged.

    Example:
        >>> tf.round(tf.constant([0.5, 1.5, 2.5, -0.5]))   # [0., 2., 2., -0.]
    """
    x = convert_to_tensor(x)
    check_dtype("Round", x, NUMERIC)
    if x.dtype.is_integer:
        return x if name is None else array_ops.identity(x, name=name)
    return unary("Round", x, name)


register("Round", _cwise(np.round), same_shape, NO_GRADIENT)


def rint(x, name=None):
    """Element-wise nearest integer, halves to even (floats).

    Example:
        >>> tf.rint(tf.constant([-1.5, 0.5, 2.7]))   # [-2., 0., 3.]
    """
    return _typed_unary("Rint", x, name, FLOATS)


register("Rint", _cwise(np.rint), same_shape, NO_GRADIENT)


# -- IsNan, IsInf, IsFinite, LogicalNot (bool results) --------------------------------------
def is_nan(x, name=None):
    """Element-wise ``x is nan`` (bool).

    Example:
        >>> tf.is_nan(tf.constant([1., np.nan]))   # [False, True]
    """
    x = convert_to_tensor(x)
    check_dtype("IsNan", x, FLOATS)
    return unary("IsNan", x, name, dtype=dtypes.bool)


register("IsNan", _cwise(np.isnan), same_shape, NO_GRADIENT)


def is_inf(x, name=None):
    """Element-wise ``x is +inf or -inf`` (bool).

    Example:
        >>> tf.is_inf(tf.constant([1., np.inf]))   # [False, True]
    """
    x = convert_to_tensor(x)
    check_dtype("IsInf", x, FLOATS)
    return unary("IsInf", x, name, dtype=dtypes.bool)


register("IsInf", _cwise(np.isinf), same_shape, NO_GRADIENT)


def is_finite(x, name=None):
    """Element-wise ``x is neither inf nor nan`` (bool).

    Example:
        >>> tf.is_finite(tf.constant([1., np.inf, np.nan]))   # [True, False, False]
    """
    x = convert_to_tensor(x)
    check_dtype("IsFinite", x, FLOATS)
    return unary("IsFinite", x, name, dtype=dtypes.bool)


register("IsFinite", _cwise(np.isfinite), same_shape, NO_GRADIENT)


def logical_not(x, name=None):
    """Element-wise boolean NOT (the ``~`` operator on bool tensors).

    Example:
        >>> tf.logical_not(tf.constant([True, False]))   # [False, True]
    """
    return _typed_unary("LogicalNot", x, name, (dtypes.bool,))


register("LogicalNot", _cwise(np.logical_not), same_shape, NO_GRADIENT)


# == Binary element-wise ops ==========================================================
# -- Pow -------------------------------------------------------------------------------
def pow(x, y, name=None):  # noqa: A001  (TF's name)
    """Element-wise ``x ** y`` (the ``**`` operator).

    Integers raised to negative integer powers raise InvalidArgumentError.

    Example:
        >>> tf.pow(tf.constant([2., 3.]), 2.)   # [4., 9.]
    """
    return _typed_binary("Pow", x, y, name, NUMERIC)


def _pow_kernel(ctx, x, y):
    if x.dtype.kind in "iu" and np.any(np.asarray(y) < 0):
        raise errors.InvalidArgumentError(
            None, ctx.op, "Integers to negative integer powers are not allowed")
    with np.errstate(all="ignore"):
        return np.power(x, y)


def _pow_grad(op, g):
    x, y = op._inputs
    z = op._outputs[0]
    # z = xʸ: dx = G y x^(y-1); dy = G z ln x where x > 0, else 0
    positive = _mask(greater(x, 0), x.dtype)
    log_x = log(x * positive + (1.0 - positive)) * positive
    return [g * y * pow(x, y - 1.0), g * z * log_x]


register("Pow", _pow_kernel, broadcast_shape, _pow_grad)


# -- Maximum, Minimum ------------------------------------------------------------------
def maximum(x, y, name=None):
    """Element-wise larger of ``x`` and ``y`` (broadcasting).

    On ties the whole gradient goes to ``x``.

    Example:
        >>> tf.maximum(tf.constant([1., 5.]), 3.)   # [3., 5.]
    """
    return _typed_binary("Maximum", x, y, name, _REAL)


def _maximum_grad(op, g):
    x, y = op._inputs
    # dx = G where x ≥ y, dy = G where x < y
    to_x = _mask(greater_equal(x, y), g.dtype)
    return [g * to_x, g * (1.0 - to_x)]


register("Maximum", _cwise(np.maximum), broadcast_shape, _maximum_grad)


def minimum(x, y, name=None):
    """Element-wise smaller of ``x`` and ``y`` (broadcasting).

    On ties the whole gradient goes to ``x``.

    Example:
        >>> tf.minimum(tf.constant([1., 5.]), 3.)   # [1., 3.]
    """
    return _typed_binary("Minimum", x, y, name, _REAL)


def _minimum_grad(op, g):
    x, y = op._inputs
    # dx = G where x ≤ y, dy = G where x > y
    to_x = _mask(less_equal(x, y), g.dtype)
    return [g * to_x, g * (1.0 - to_x)]


register("Minimum", _cwise(np.minimum), broadcast_shape, _minimum_grad)


# -- SquaredDifference -----------------------------------------------------------------
def squared_difference(x, y, name=None):
    """Element-wise ``(x - y) ** 2``.

    Example:
        >>> tf.squared_difference(tf.constant([1., 5.]), 3.)   # [4., 4.]
    """
    return _typed_binary("SquaredDifference", x, y, name, NUMERIC)


def _squared_difference_grad(op, g):
    x, y = op._inputs
    # d(x - y)² = 2(x - y)(dx - dy)
    gx = g * (2.0 * (x - y))
    return [gx, negative(gx)]


register("SquaredDifference", _cwise(lambda x, y: np.square(x - y)), broadcast_shape,
         _squared_difference_grad)


# -- Atan2 -----------------------------------------------------------------------------
def atan2(y, x, name=None):
    """Element-wise angle of the point ``(x, y)``: ``arctan(y / x)`` in (-pi, pi].

    Example:
        >>> tf.atan2(tf.constant([1.]), tf.constant([-1.]))   # [2.3561945]
    """
    return _typed_binary("Atan2", y, x, name, FLOATS)


def _atan2_grad(op, g):
    y, x = op._inputs
    # θ = atan2(y, x): dθ = (x dy - y dx) / (x² + y²)
    scale = realdiv(g, square(x) + square(y))
    return [scale * x, negative(scale * y)]


register("Atan2", _cwise(np.arctan2), broadcast_shape, _atan2_grad)


# -- ClipByValue -------------------------------------------------------------------------
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clip ``t`` element-wise to ``[clip_value_min, clip_value_max]``.

    The bounds are scalars or broadcast to ``t``'s shape; the result has ``t``'s
    shape.  The gradient passes to ``t`` where it lies inside the range, to the
    min bound where ``t`` is below it and to the max bound where ``t`` is above.

    Example:
        >>> tf.clip_by_value(tf.constant([-2., 0.5, 3.]), 0., 1.)   # [0., 0.5, 1.]
    """
    t = convert_to_tensor(t)
    lo = convert_to_tensor(clip_value_min, preferred_dtype=t.dtype)
    hi = convert_to_tensor(clip_value_max, preferred_dtype=t.dtype)
    check_same_dtype("ClipByValue", t, lo)
    check_same_dtype("ClipByValue", t, hi)
    check_dtype("ClipByValue", t, _REAL, "t")
    return make_op("ClipByValue", [t, lo, hi], [t.dtype], name, {"T": t.dtype})._outputs[0]


def _clip_by_value_kernel(ctx, t, lo, hi):
    out = np.minimum(np.maximum(t, lo), hi)
    if out.shape != np.shape(t):
        raise errors.InvalidArgumentError(
            None, ctx.op, "clip_value_min and clip_value_max must be scalars or have the shape "
            "of t %s, got %s and %s" % (list(np.shape(t)), list(np.shape(lo)),
                                        list(np.shape(hi))))
    return out.astype(t.dtype, copy=False)


def _clip_by_value_shape(op):
    t = op._inputs[0].shape
    full = broadcast_shape(op)[0]
    if not full.is_compatible_with(t):
        raise ValueError("Shapes %s and %s are incompatible: the clip bounds must broadcast "
                         "to t's shape" % (full, t))
    return [t.merge_with(full) if full.ndims == t.ndims else t]


def _clip_by_value_grad(op, g):
    t, lo, hi = op._inputs
    # y = min(max(t, lo), hi): dt = G inside [lo, hi], dlo = G where t < lo, dhi = G where t > hi
    below, above = less(t, lo), greater(t, hi)
    inside = _mask(logical_not(logical_or(below, above)), g.dtype)
    return [g * inside, g * _mask(below, g.dtype), g * _mask(above, g.dtype)]


register("ClipByValue", _clip_by_value_kernel, _clip_by_value_shape, _clip_by_value_grad)


# -- Comparisons: Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual -------------------
def less(x, y, name=None):
    """Element-wise ``x < y`` (bool, broadcasting).

    Example:
        >>> tf.less(tf.constant([1, 5]), 3)   # [True, False]
    """
    return _typed_binary("Less", x, y, name, _REAL, out_dtype=dtypes.bool)


register("Less", _cwise(np.less), broadcast_shape, NO_GRADIENT)


def less_equal(x, y, name=None):
    """Element-wise ``x <= y`` (bool, broadcasting).

    Example:
        >>> tf.less_equal(tf.constant([1, 3]), 3)   # [True, True]
    """
    return _typed_binary("LessEqual", x, y, name, _REAL, out_dtype=dtypes.bool)


register("LessEqual", _cwise(np.less_equal), broadcast_shape, NO_GRADIENT)


def greater(x, y, name=None):
    """Element-wise ``x > y`` (bool, broadcasting).

    Example:
        >>> tf.greater(tf.constant([1, 5]), 3)   # [False, True]
    """
    return _typed_binary("Greater", x, y, name, _REAL, out_dtype=dtypes.bool)


register("Greater", _cwise(np.greater), broadcast_shape, NO_GRADIENT)


def greater_equal(x, y, name=None):
    """Element-wise ``x >= y`` (bool, broadcasting).

    Example:
        >>> tf.greater_equal(tf.constant([1, 3]), 3)   # [False, True]
    """
    return _typed_binary("GreaterEqual", x, y, name, _REAL, out_dtype=dtypes.bool)


register("GreaterEqual", _cwise(np.greater_equal), broadcast_shape, NO_GRADIENT)


def _equal_np(x, y):
    return np.asarray(x == y) if x.dtype == object else np.equal(x, y)


def equal(x, y, name=None):
    """Element-wise ``x == y`` (bool, broadcasting); works on any dtype, strings too.

    Example:
        >>> tf.equal(tf.constant(["a", "b"]), "a")   # [True, False]
    """
    return binary("Equal", x, y, name, out_dtype=dtypes.bool)


register("Equal", _cwise(_equal_np), broadcast_shape, NO_GRADIENT)


def not_equal(x, y, name=None):
    """Element-wise ``x != y`` (bool, broadcasting); works on any dtype, strings too.

    Example:
        >>> tf.not_equal(tf.constant([1, 2]), 2)   # [True, False]
    """
    return binary("NotEqual", x, y, name, out_dtype=dtypes.bool)


register("NotEqual", _cwise(lambda x, y: np.logical_not(_equal_np(x, y))), broadcast_shape,
         NO_GRADIENT)


# -- LogicalAnd, LogicalOr, logical_xor ----------------------------------------------------
def logical_and(x, y, name=None):
    """Element-wise boolean AND (the ``&`` operator on bool tensors).

    Example:
        >>> tf.logical_and(tf.constant([True, True]), [True, False])   # [True, False]
    """
    return _typed_binary("LogicalAnd", x, y, name, (dtypes.bool,))


register("LogicalAnd", _cwise(np.logical_and), broadcast_shape, NO_GRADIENT)


def logical_or(x, y, name=None):
    """Element-wise boolean OR (the ``|`` operator on bool tensors).

    Example:
        >>> tf.logical_or(tf.constant([False, True]), [False, False])   # [False, True]
    """
    return _typed_binary("LogicalOr", x, y, name, (dtypes.bool,))


register("LogicalOr", _cwise(np.logical_or), broadcast_shape, NO_GRADIENT)


def logical_xor(x, y, name="LogicalXor"):
    """Element-wise boolean XOR, built as ``(x | y) & ~(x & y)`` as in TF.

    Example:
        >>> tf.logical_xor(tf.constant([True, True]), [True, False])   # [False, True]
    """
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# == More reductions ==================================================================
def _keepdims(op, t):
    """A reduction's output (or gradient) reshaped to broadcast against its input."""
    return _reduced_shape_grad(op, t)


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if dtype.kind == "f" else np.iinfo(dtype).max


# -- Max, Min --------------------------------------------------------------------------
def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Maximum across ``axis`` (all axes when None); -inf (or the lowest int) when empty.

    The gradient is split evenly among tied maxima.

    Example:
        >>> tf.reduce_max(tf.constant([[1., 5.], [7., 2.]]), axis=1)   # [5., 7.]
    """
    return _reduction("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                      _REAL)


def _min_or_max_grad(op, g):
    x = op._inputs[0]
    y = _keepdims(op, op._outputs[0])
    # dx = G · [x == y] / (number of tied extremes)
    ties = _mask(equal(x, y), g.dtype)
    count = reduce_sum(ties, op._inputs[1], keepdims=True)
    return [realdiv(ties, count) * _keepdims(op, g), None]


register("Max", _reduce_kernel(lambda x, axis, keepdims: np.max(
    x, axis=axis, keepdims=keepdims, initial=_lowest(x.dtype))), _reduction_shape,
    _min_or_max_grad)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Minimum across ``axis`` (all axes when None); +inf (or the highest int) when empty.

    The gradient is split evenly among tied minima.

    Example:
        >>> tf.reduce_min(tf.constant([[1., 5.], [7., 2.]]), axis=0)   # [1., 2.]
    """
    return _reduction("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                      _REAL)


register("Min", _reduce_kernel(lambda x, axis, keepdims: np.min(
    x, axis=axis, keepdims=keepdims, initial=_highest(x.dtype))), _reduction_shape,
    _min_or_max_grad)


# -- Prod ------------------------------------------------------------------------------
def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Product across ``axis`` (all axes when None); 1 when empty.

    Example:
        >>> tf.reduce_prod(tf.constant([[1., 2.], [3., 4.]]), axis=1)   # [2., 12.]
    """
    return _reduction("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                      NUMERIC)


def _prod_grad(op, g):
    x, axis = op._inputs
    # dx_i = G · Π_{j≠i} x_j, computed without dividing by zero: with no zero in the
    # group it is y / x_i; with one zero it is the product of the others at the zero
    # and 0 elsewhere; with two or more zeros it is 0.
    zero = _mask(equal(x, 0.0), x.dtype)
    n_zero = reduce_sum(zero, axis, keepdims=True)
    safe = x + zero
    p = reduce_prod(safe, axis, keepdims=True)
    others = (zero * p * _mask(equal(n_zero, 1.0), x.dtype)
              + (1.0 - zero) * realdiv(p, safe) * _mask(equal(n_zero, 0.0), x.dtype))
    return [_keepdims(op, g) * others, None]


register("Prod", _reduce_kernel(np.prod), _reduction_shape, _prod_grad)


# -- Any, All ----------------------------------------------------------------------------
def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Logical OR across ``axis`` of a bool tensor (False when empty).

    Example:
        >>> tf.reduce_any(tf.constant([[True, False], [False, False]]), 1)   # [True, False]
    """
    return _reduction("Any", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                      (dtypes.bool,))


register("Any", _reduce_kernel(np.any), _reduction_shape, NO_GRADIENT)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Logical AND across ``axis`` of a bool tensor (True when empty).

    Example:
        >>> tf.reduce_all(tf.constant([[True, False], [True, True]]), 1)   # [False, True]
    """
    return _reduction("All", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                      (dtypes.bool,))


register("All", _reduce_kernel(np.all), _reduction_shape, NO_GRADIENT)


# -- reduce_logsumexp, count_nonzero (composites) ---------------------------------------
def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None,
                     reduction_indices=None, keep_dims=None):
    """``log(sum(exp(x)))`` across ``axis``, computed stably.

    The maximum is subtracted before exponentiating (and treated as a constant
    for the gradient), so large inputs do not overflow.

    Example:
        >>> tf.reduce_logsumexp(tf.constant([1000., 1000.]))   # 1000.6931
    """
    x = convert_to_tensor(input_tensor)
    check_dtype("reduce_logsumexp", x, FLOATS, "input_tensor")
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    graph = x.graph
    with graph.name_scope(name or "ReduceLogSumExp"):
        raw_max = reduce_max(x, axis, keepdims=True)
        # ±inf maxima are clipped to finite values so that x - max stays meaningful
        shift = array_ops.stop_gradient(clip_by_value(raw_max, x.dtype.min, x.dtype.max))
        out = log(reduce_sum(exp(x - shift), axis, keepdims=True)) + shift
        if not keepdims:
            out = reduce_sum(out, axis)  # drops the size-1 reduced dims
    return out


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """The number of non-zero elements across ``axis`` (int64 by default).

    Strings count as non-zero when not empty.

    Example:
        >>> tf.count_nonzero(tf.constant([[0, 1], [2, 0]]), axis=0)   # int64 [1, 1]
    """
    x = convert_to_tensor(input if input_tensor is None else input_tensor)
    with x.graph.name_scope(name or "count_nonzero"):
        zero = array_ops.zeros([], dtype=x.dtype)
        nonzero = cast(not_equal(x, zero), dtypes.int64)
        return cast(reduce_sum(nonzero, axis, keepdims, reduction_indices=reduction_indices,
                               keep_dims=keep_dims), dtype)


# -- ArgMax, ArgMin --------------------------------------------------------------------
def argmax(input, axis=None, name=None, dimension=None,  # noqa: A002
           output_type=dtypes.int64):
    """Index of the largest value along ``axis`` (default 0); int64 unless ``output_type``.

    ``dimension`` is TF 1.x's older name for ``axis``.  The first index wins on ties.

    Example:
        >>> tf.argmax(tf.constant([[1, 9], [8, 2]]), axis=1)   # int64 [1, 0]
    """
    return _arg_reduce("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None,  # noqa: A002
           output_type=dtypes.int64):
    """Index of the smallest value along ``axis`` (default 0); int64 unless ``output_type``.

    Example:
        >>> tf.argmin(tf.constant([[1, 9], [8, 2]]), axis=1)   # int64 [0, 1]
    """
    return _arg_reduce("ArgMin", input, axis, name, dimension, output_type)


def arg_max(input, dimension, name=None, output_type=dtypes.int64):  # noqa: A002
    """Deprecated TF 1.x name of ``argmax``."""
    return argmax(input, dimension, name=name, output_type=output_type)


def arg_min(input, dimension, name=None, output_type=dtypes.int64):  # noqa: A002
    """Deprecated TF 1.x name of ``argmin``."""
    return argmin(input, dimension, name=name, output_type=output_type)


def _arg_reduce(op_type, x, axis, name, dimension, output_type):
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    x = convert_to_tensor(x)
    check_dtype(op_type, x, _REAL, "input")
    out = dtypes.as_dtype(output_type)
    if out not in (dtypes.int32, dtypes.int64):
        raise TypeError("output_type must be int32 or int64, got %s" % out.name)
    axis_t = _axis_tensor(0 if axis is None else axis)
    return make_op(op_type, [x, axis_t], [out], name,
                   {"T": x.dtype, "output_type": out})._outputs[0]


def _arg_kernel(fn):
    def kernel(ctx, x, axis):
        nd, a = np.ndim(x), int(axis)
        if not -nd <= a < nd:
            raise errors.InvalidArgumentError(
                None, ctx.op, "Expected dimension in the range [%d, %d), but got %d"
                % (-nd, nd, a))
        if np.shape(x)[a] == 0:
            raise errors.InvalidArgumentError(
                None, ctx.op, "Reduction axis %d is empty in shape %s" % (a, list(np.shape(x))))
        return fn(x, axis=a).astype(ctx.attrs["output_type"].as_numpy_dtype)
    return kernel


def _arg_shape(op):
    x, axis_t = op._inputs
    nd = x.shape.ndims
    if nd is None:
        return [unknown_shape()]
    a = const_value(axis_t)
    if a is None:
        return [unknown_shape(builtins.max(nd - 1, 0))]
    a = int(a)
    if not -nd <= a < nd:
        raise ValueError("Expected dimension in the range [%d, %d), but got %d" % (-nd, nd, a))
    dims = x.shape.as_list()
    del dims[a % nd]
    return [TensorShape(dims)]


register("ArgMax", _arg_kernel(np.argmax), _arg_shape, NO_GRADIENT)
register("ArgMin", _arg_kernel(np.argmin), _arg_shape, NO_GRADIENT)


# == Scans ============================================================================
def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis``.

    ``exclusive`` leaves out each element itself (the first output is 0);
    ``reverse`` sums from the end.

    Example:
        >>> tf.cumsum([1, 2, 3])                   # [1, 3, 6]
        >>> tf.cumsum([1, 2, 3], exclusive=True)   # [0, 1, 3]
        >>> tf.cumsum([1, 2, 3], reverse=True)     # [6, 5, 3]
    """
    return _scan("Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis`` (``exclusive`` and ``reverse`` as in cumsum).

    Example:
        >>> tf.cumprod([1, 2, 3])                   # [1, 2, 6]
        >>> tf.cumprod([1, 2, 3], exclusive=True)   # [1, 1, 2]
    """
    return _scan("Cumprod", x, axis, exclusive, reverse, name)


def _scan(op_type, x, axis, exclusive, reverse, name):
    x = convert_to_tensor(x)
    check_dtype(op_type, x, NUMERIC)
    return make_op(op_type, [x, _axis_tensor(axis)], [x.dtype], name,
                   {"exclusive": bool(exclusive), "reverse": bool(reverse),
                    "T": x.dtype})._outputs[0]


def _scan_kernel(fn, identity):
    def kernel(ctx, x, axis):
        nd, a = np.ndim(x), int(axis)
        if not -nd <= a < nd:
            raise errors.InvalidArgumentError(
                None, ctx.op, "ScanOp: Expected scan axis in the range [%d, %d), but got %d"
                % (-nd, nd, a))
        rev, excl = ctx.attrs["reverse"], ctx.attrs["exclusive"]
        src = np.flip(x, a) if rev else x
        with np.errstate(all="ignore"):
            out = fn(src, axis=a, dtype=x.dtype)
        if excl:
            out = np.roll(out, 1, axis=a)
            first = [slice(None)] * nd
            first[a] = slice(0, 1)
            out[tuple(first)] = identity
        return np.flip(out, a) if rev else out
    return kernel


def _cumsum_grad(op, g):
    # y_i = Σ_{j≤i} x_j: dx_j = Σ_{i≥j} G_i, the scan in the other direction
    return [cumsum(g, op._inputs[1], exclusive=op._attrs["exclusive"],
                   reverse=not op._attrs["reverse"]), None]


def _cumprod_grad(op, g):
    x, axis = op._inputs
    excl, rev = op._attrs["exclusive"], op._attrs["reverse"]
    # y_i = Π_{j≤i} x_j: dx_j = Σ_{i≥j} G_i y_i / x_j (x must be non-zero, as in TF)
    prod = cumprod(x, axis, exclusive=excl, reverse=rev)
    return [realdiv(cumsum(prod * g, axis, exclusive=excl, reverse=not rev), x), None]


register("Cumsum", _scan_kernel(np.cumsum, 0), same_shape, _cumsum_grad)
register("Cumprod", _scan_kernel(np.cumprod, 1), same_shape, _cumprod_grad)


# == Linear algebra ===================================================================
def _square_matrices_shape(op):
    """Shape of a batch of square matrices ``[..., n, n]`` (TF's error when not square)."""
    s = op._inputs[0].shape.with_rank_at_least(2)
    if s.ndims is not None:
        m, n = s.as_list()[-2:]
        if m is not None and n is not None and m != n:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (m, n))
    return s


def _check_square(ctx, x):
    if np.ndim(x) < 2:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Input must have rank >= 2, got %d" % np.ndim(x))
    if x.shape[-1] != x.shape[-2]:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Input matrices must be square, got %d != %d"
            % (x.shape[-2], x.shape[-1]))


# -- MatrixDeterminant -----------------------------------------------------------------
def matrix_determinant(input, name=None):  # noqa: A002
    """Determinant of each square matrix in ``input`` (shape ``[..., n, n]`` -> ``[...]``).

    Example:
        >>> tf.matrix_determinant(tf.constant([[2., 0.], [0., 3.]]))   # 6.
    """
    return _typed_unary("MatrixDeterminant", input, name, FLOATS)


def _matrix_determinant_kernel(ctx, x):
    _check_square(ctx, x)
    return np.asarray(np.linalg.det(x)).astype(x.dtype, copy=False)


def _matrix_determinant_shape(op):
    s = _square_matrices_shape(op)
    return [s if s.ndims is None else s[:-2]]


def _matrix_determinant_grad(op, g):
    a = op._inputs[0]
    # d det A = det A · tr(A⁻¹ dA): dA = G · det A · A⁻ᵀ
    scale = array_ops.reshape(g * op._outputs[0],
                              reduced_shape(array_ops.shape(a), [-2, -1]))
    return [scale * matrix_inverse(a, adjoint=True)]


register("MatrixDeterminant", _matrix_determinant_kernel, _matrix_determinant_shape,
         _matrix_determinant_grad)


# -- MatrixInverse ---------------------------------------------------------------------
def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """Inverse of each square matrix in ``input`` (``[..., n, n]``).

    With ``adjoint=True`` it inverts the (conjugate) transposes instead.  A
    singular matrix raises InvalidArgumentError.

    Example:
        >>> tf.matrix_inverse(tf.constant([[2., 0.], [0., 4.]]))   # [[0.5, 0.], [0., 0.25]]
    """
    x = convert_to_tensor(input)
    check_dtype("MatrixInverse", x, FLOATS, "input")
    return unary("MatrixInverse", x, name, {"adjoint": bool(adjoint), "T": x.dtype})


def _matrix_inverse_kernel(ctx, x):
    _check_square(ctx, x)
    if ctx.attrs["adjoint"]:
        x = np.swapaxes(x, -1, -2)
    try:
        return np.linalg.inv(x).astype(x.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise errors.InvalidArgumentError(None, ctx.op, "Input is not invertible.") from None


def _matrix_inverse_grad(op, g):
    y = op._outputs[0]
    # Y = A⁻¹, dY = -Y dA Y: dA = -Yᵀ G Yᵀ; with adjoint (Y = A⁻ᵀ): dA = -Y Gᵀ Y
    if op._attrs["adjoint"]:
        return [negative(matmul(y, matmul(g, y, transpose_a=True)))]
    return [negative(matmul(y, matmul(g, y, transpose_b=True), transpose_a=True))]


register("MatrixInverse", _matrix_inverse_kernel, lambda op: [_square_matrices_shape(op)],
         _matrix_inverse_grad)


# -- trace (composite) -----------------------------------------------------------------
def trace(x, name=None):
    """Sum of the main diagonal of each matrix in ``x`` (``[..., m, n]`` -> ``[...]``).

    Example:
        >>> tf.trace(tf.constant([[1, 2], [3, 4]]))   # 5
    """
    x = convert_to_tensor(x)
    check_dtype("trace", x, NUMERIC)
    x.shape.with_rank_at_least(2)
    with x.graph.name_scope(name or "Trace"):
        # diagonal mask: the running count along the rows equals the one along the columns
        ones = array_ops.ones_like(x, dtype=dtypes.int32)
        diag = _mask(equal(cumsum(ones, -1), cumsum(ones, -2)), x.dtype)
        return reduce_sum(x * diag, [-2, -1])


# -- Einsum ----------------------------------------------------------------------------
def einsum(equation, *inputs, **kwargs):
    """Tensor contraction described by Einstein notation, e.g. ``"ij,jk->ik"``.

    Each input gets one letter per dimension; letters repeated across inputs are
    multiplied together, letters missing from the output are summed over.  ``...``
    stands for broadcast batch dimensions.  Without ``->`` the output lists the
    letters that appear once, in alphabetical order.  The gradient supports
    equations without a letter repeated inside one input.

    Example:
        >>> tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 4]))   # 2x4, all 3s
        >>> tf.einsum("bi,bi->b", u, v)                               # batched dot
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("invalid keyword arguments for einsum: %s" % ", ".join(kwargs))
    xs = [convert_to_tensor(x) for x in inputs]
    if not xs:
        raise ValueError("einsum needs at least one input")
    for t in xs[1:]:
        check_same_dtype("Einsum", xs[0], t)
    ins, out = _parse_einsum(equation, len(xs))
    eq = ",".join(ins) + "->" + out
    return make_op("Einsum", xs, [xs[0].dtype], name,
                   {"equation": eq, "N": len(xs), "T": xs[0].dtype})._outputs[0]


def _labels(spec):
    """Subscript letters of one operand, with '...' as the single token '.'."""
    return list(spec.replace("...", "."))


def _parse_einsum(equation, n):
    eq = equation.replace(" ", "")
    if eq.count("->") > 1:
        raise ValueError("einsum equation %r has more than one '->'" % equation)
    lhs, _, rhs = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != n:
        raise ValueError("einsum equation %r needs %d inputs, got %d" % (equation, len(ins), n))
    for spec in ins + [rhs]:
        body = spec.replace("...", "")
        if not (body.isalpha() or body == "") or not body.isascii() or spec.count("...") > 1:
            raise ValueError("Invalid einsum subscripts %r in %r" % (spec, equation))
    if "->" not in eq:
        letters = [c for spec in ins for c in _labels(spec) if c != "."]
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        rhs = ("..." if any("..." in s for s in ins) else "") + "".join(once)
    out = _labels(rhs)
    seen = {c for spec in ins for c in _labels(spec)}
    for c in out:
        if c not in seen:
            raise ValueError("Output subscript %r does not appear in the inputs of %r"
                             % (c, equation))
        if out.count(c) > 1:
            raise ValueError("Output subscript %r appears more than once in %r" % (c, equation))
    return ins, rhs


def _einsum_kernel(ctx, *xs):
    out = np.einsum(ctx.attrs["equation"], *xs, optimize=len(xs) > 2)
    return np.asarray(out).astype(xs[0].dtype, copy=False)


def _einsum_shape(op):
    ins, out = op._attrs["equation"].split("->")
    sizes, batch = {}, TensorShape([])
    for spec, t in zip(ins.split(","), op._inputs):
        labels = _labels(spec)
        if t.shape.ndims is None:
            if "." in labels:
                batch = None
            continue
        dims = t.shape.as_list()
        named = len(labels) - ("." in labels)
        if len(dims) < named or ("." not in labels and len(dims) != named):
            raise ValueError("Input of rank %d does not match the einsum subscripts '%s'"
                             % (len(dims), spec))
        if "." in labels:
            k, n_batch = labels.index("."), len(dims) - named
            if batch is not None:
                batch = broadcast_static(batch, TensorShape(dims[k:k + n_batch]))
            dims = dims[:k] + dims[k + n_batch:]
            labels = labels[:k] + labels[k + 1:]
        for c, d in zip(labels, dims):
            known = sizes.get(c)
            if d is not None and known is not None and d != known:
                raise ValueError("Dimensions must be equal, but are %d and %d" % (known, d))
            sizes[c] = known if d is None else d
    dims = []
    for c in _labels(out):
        if c != ".":
            dims.append(sizes.get(c))
        elif batch is None:
            return [unknown_shape()]
        else:
            dims.extend(batch.as_list())
    return [TensorShape(dims)]


def _einsum_grad(op, g):
    ins, out = op._attrs["equation"].split("->")
    specs = ins.split(",")
    grads = []
    for i, (spec, x) in enumerate(zip(specs, op._inputs)):
        labels = _labels(spec)
        if len(set(labels)) != len(labels):
            raise ValueError("The gradient of einsum %r is not supported: subscript repeated "
                             "within an input" % op._attrs["equation"])
        others = [j for j in builtins.range(len(specs)) if j != i]
        # dX = einsum(G and the other inputs -> X's subscripts); subscripts only X has were
        # summed in the forward pass, so the gradient is broadcast back along them.
        present = set(_labels(out)).union(*[set(_labels(specs[j])) for j in others])
        kept = [c for c in labels if c in present]
        sub = ",".join([out] + [specs[j] for j in others]) + "->" + "".join(kept).replace(
            ".", "...")
        if not others and _labels(out) == kept:
            gi = g
        else:
            gi = einsum(sub, g, *[op._inputs[j] for j in others])
        dropped = _einsum_axes(labels, [c for c in labels if c not in present], x)
        if dropped:
            full = array_ops.shape(x)
            gi = array_ops.broadcast_to(array_ops.reshape(gi, reduced_shape(full, dropped)),
                                        full)
        grads.append(gi)
    return grads


def _einsum_axes(labels, which, x):
    """Axis indices of ``x`` that the subscripts ``which`` label (negative after '...')."""
    axes = []
    k = labels.index(".") if "." in labels else len(labels)
    for c in which:
        p = labels.index(c)
        if c == ".":
            if x.shape.ndims is None:
                raise ValueError("The gradient of einsum needs the rank of %s to sum out its "
                                 "'...' dimensions" % x.name)
            n_batch = x.shape.ndims - (len(labels) - 1)
            axes.extend(builtins.range(k, k + n_batch))
        else:
            axes.append(p if p < k else p - len(labels))
    return axes


register("Einsum", _einsum_kernel, _einsum_shape, _einsum_grad)


# -- tensordot (an einsum) ---------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def tensordot(a, b, axes, name=None):
    """Sum of products of ``a`` and ``b`` over the given axes.

    ``axes`` is an int N (the last N axes of ``a`` against the first N of ``b``) or
    a pair of axis lists ``[a_axes, b_axes]``.  The result has ``a``'s free axes,
    then ``b``'s.  Both inputs need a statically known rank.

    Example:
        >>> tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), 1)          # matmul, 2x4
        >>> tf.tensordot(tf.ones([2, 3]), tf.ones([2, 3]), [[0, 1], [0, 1]])   # 6.
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is None or rb is None:
        raise ValueError("tensordot needs inputs of known rank, got shapes %s and %s"
                         % (a.shape, b.shape))
    axes = const_value(axes) if isinstance(axes, Tensor) else axes
    if np.ndim(axes) == 0:
        n = int(axes)
        if n < 0 or n > ra or n > rb:
            raise ValueError("'axes' must be in [0, %d], got %d" % (builtins.min(ra, rb), n))
        a_axes, b_axes = list(builtins.range(ra - n, ra)), list(builtins.range(n))
    else:
        if len(axes) != 2:
            raise ValueError("'axes' must be an int or a pair of axis lists, got %r" % (axes,))
        a_axes = [int(v) % ra for v in np.ravel(axes[0])]
        b_axes = [int(v) % rb for v in np.ravel(axes[1])]
        if len(a_axes) != len(b_axes):
            raise ValueError("Different number of contraction axes 'a' and 'b', %d != %d"
                             % (len(a_axes), len(b_axes)))
    if ra + rb > len(_LETTERS):
        raise ValueError("tensordot supports at most %d dimensions in all" % len(_LETTERS))
    a_spec = _LETTERS[:ra]
    b_spec = "".join(a_spec[a_axes[b_axes.index(j)]] if j in b_axes else _LETTERS[ra + j]
                     for j in builtins.range(rb))
    out = "".join(c for i, c in enumerate(a_spec) if i not in a_axes) + "".join(
        c for j, c in enumerate(b_spec) if j not in b_axes)
    return einsum("%s,%s->%s" % (a_spec, b_spec, out), a, b, name=name or "Tensordot")


# -- norm (composite) --------------------------------------------------------------------
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Vector or matrix norm of ``tensor``.

    Args:
        tensor: a float tensor.
        ord: for vectors ``'euclidean'`` (= 2), 1, ``np.inf`` or any p > 0; for
            matrices (``axis`` a pair) ``'euclidean'``/``'fro'``, 1 (max column
            sum) or ``np.inf`` (max row sum).
        axis: None (all elements as one vector), an int, or a pair of ints.
        keepdims: keep the reduced dimensions with size 1.

    Example:
        >>> tf.norm(tf.constant([3., 4.]))           # 5.
        >>> tf.norm(tf.constant([3., -4.]), ord=1)   # 7.
    """
    if keepdims is None:
        keepdims = bool(keep_dims)
    x = convert_to_tensor(tensor)
    check_dtype("norm", x, FLOATS, "tensor")
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    matrix = isinstance(axis, (list, tuple))
    if matrix:
        if len(axis) != 2 or axis[0] == axis[1]:
            raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique "
                             "integers, got %s" % (axis,))
        if not (ord in ("euclidean", "fro") or ord in (1, np.inf)):
            raise ValueError("'ord' must be a supported matrix norm in ['euclidean', 'fro', "
                             "1, inf], got %s" % (ord,))
    elif not (ord == "euclidean" or (isinstance(ord, (int, float)) and ord > 0)):
        raise ValueError("'ord' must be a supported vector norm, got %s" % (ord,))
    with x.graph.name_scope(name or "norm"):
        if ord in ("euclidean", "fro") or (not matrix and ord == 2):
            out = sqrt(reduce_sum(x * x, axis, keepdims=True))
        elif matrix:
            inner, outer = (axis[0], axis[1]) if ord == 1 else (axis[1], axis[0])
            out = reduce_max(reduce_sum(abs(x), inner, keepdims=True), outer, keepdims=True)
        elif ord == 1:
            out = reduce_sum(abs(x), axis, keepdims=True)
        elif ord == np.inf:
            out = reduce_max(abs(x), axis, keepdims=True)
        else:
            out = pow(reduce_sum(pow(abs(x), float(ord)), axis, keepdims=True), 1.0 / ord)
        if not keepdims:
            out = reduce_sum(out, axis)  # drops the size-1 reduced dims
    return out


# == Sequences and other helpers =======================================================
# -- LinSpace --------------------------------------------------------------------------
def lin_space(start, stop, num, name=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive.

    Example:
        >>> tf.lin_space(10.0, 12.0, 3)   # [10., 11., 12.]
    """
    start, stop = convert_pair(start, stop)
    check_same_dtype("LinSpace", start, stop)
    check_dtype("LinSpace", start, FLOATS, "start")
    num = num if isinstance(num, Tensor) else convert_to_tensor(num, dtype=dtypes.int32)
    check_dtype("LinSpace", num, (dtypes.int32, dtypes.int64), "num")
    return make_op("LinSpace", [start, stop, num], [start.dtype], name,
                   {"T": start.dtype, "Tidx": num.dtype})._outputs[0]


linspace = lin_space


def _lin_space_kernel(ctx, start, stop, num):
    for v, what in ((start, "start"), (stop, "stop"), (num, "num")):
        if np.ndim(v) != 0:
            raise errors.InvalidArgumentError(
                None, ctx.op, "%s must be a scalar, not shape %s" % (what, list(np.shape(v))))
    if num <= 0:
        raise errors.InvalidArgumentError(None, ctx.op, "Requires num > 0: %d" % num)
    return np.linspace(start, stop, int(num)).astype(start.dtype)


def _lin_space_shape(op):
    for t in op._inputs:
        t.shape.assert_has_rank(0)
    n = const_value(op._inputs[2])
    if n is None:
        return [unknown_shape(1)]
    if n <= 0:
        raise ValueError("Requires num > 0: %d" % n)
    return [TensorShape([int(n)])]


register("LinSpace", _lin_space_kernel, _lin_space_shape, NO_GRADIENT)


# -- scalar_mul, accumulate_n (composites) -----------------------------------------------
def scalar_mul(scalar, x, name=None):
    """Multiply tensor ``x`` by the scalar ``scalar`` (converted to x's dtype).

    Example:
        >>> tf.scalar_mul(2., tf.constant([1., 2.]))   # [2., 4.]
    """
    x = convert_to_tensor(x)
    scalar = convert_to_tensor(scalar, dtype=x.dtype, name="scalar")
    if scalar.shape.ndims != 0:
        raise ValueError("Only scalar multiply works, got shape %s" % scalar.shape)
    return multiply(scalar, x, name=name)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """Element-wise sum of a list of tensors of the same shape and dtype.

    Example:
        >>> tf.accumulate_n([tf.ones([2]), tf.ones([2])])   # [2., 2.]
    """
    inputs = [convert_to_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype "
                         "and shape")
    s = TensorShape(None) if shape is None else TensorShape(shape)
    for t in inputs:
        if not t.shape.is_compatible_with(s):
            raise ValueError("Input tensor %s must have shape %s" % (t.name, s))
        s = s.merge_with(t.shape)
        if tensor_dtype is not None and t.dtype is not dtypes.as_dtype(tensor_dtype):
            raise TypeError("tensor_dtype is %s, but input is of type %s"
                            % (dtypes.as_dtype(tensor_dtype).name, t.dtype.name))
    return add_n(inputs, name=name)


mul, sub, neg = multiply, subtract, negative  # TF 0.x names the course still uses


override_operators({
    "add": lambda x, y: add(x, y, name="add"),
    "sub": lambda x, y: subtract(x, y, name="sub"),
    "mul": lambda x, y: multiply(x, y, name="mul"),
    "truediv": lambda x, y: truediv(x, y, name="truediv"),
    "floordiv": lambda x, y: floordiv(x, y, name="floordiv"),
    "mod": lambda x, y: floormod(x, y, name="mod"),
    "pow": lambda x, y: pow(x, y, name="pow"),
    "matmul": lambda x, y: matmul(x, y, name="matmul"),
    "and": logical_and,
    "or": logical_or,
    "xor": logical_xor,
    "lt": less,
    "le": less_equal,
    "gt": greater,
    "ge": greater_equal,
    "neg": negative,
    "abs": abs,
    "invert": logical_not,
})
