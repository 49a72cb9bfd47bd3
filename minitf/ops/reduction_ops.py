"""Reductions (Sum, Mean, Max, Min, Prod, Any, All), arg-reductions and scans.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import builtins

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import constant_ops, fill_ops, shape_ops
from minitf.ops.cwise_ops import cast, clip_by_value, equal, exp, log, not_equal, range, realdiv
from minitf.ops.op_util import FLOATS, NUMERIC, REAL, check_dtype, const_value, make_op, same_shape
from minitf.ops.shape_ops import reduced_shape


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
            axis_t = constant_ops.constant(np.arange(x.shape.ndims, dtype=np.int32), name="Const")
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
    return range(shape_ops.rank(x))


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
    return shape_ops.reshape(g, reduced_shape(shape_ops.shape(x), axis))


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
    return [shape_ops.broadcast_to(_reduced_shape_grad(op, g), shape_ops.shape(x)), None]


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
    axis = tuple(np.ravel(axis).tolist())
    keep = ctx.attrs["keep_dims"]
    if x.dtype.kind in "iu":
        total = np.sum(x, axis=axis, keepdims=keep, dtype=np.int64)
        count = max(1, int(np.prod([np.shape(x)[a] for a in axis])))
        return np.asarray(np.sign(total) * (np.abs(total) // count)).astype(x.dtype)
    if x.dtype.itemsize < 4:  # float16 sums in float32, as np.mean does
        return np.asarray(np.mean(x, axis=axis, keepdims=keep), dtype=x.dtype)
    # np.mean's own overhead is several times this reduction on a small tensor.
    count = 1
    for a in axis:
        count *= x.shape[a]
    total = np.add.reduce(x, axis=axis, keepdims=keep)
    return np.asarray(np.true_divide(total, count if count else np.nan), dtype=x.dtype)


def _mean_grad(op, g):
    x = op._inputs[0]
    # dx = G / n, n = number of elements averaged = size(x) / size(y)
    total = _sum_grad(op, g)[0]
    count = realdiv(cast(shape_ops.size(x), x.dtype), cast(shape_ops.size(op._outputs[0]),
                                                           x.dtype))
    return [realdiv(total, count), None]


register("Mean", _mean_kernel, _reduction_shape, _mean_grad)


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
                      REAL)


def _min_or_max_grad(op, g):
    x = op._inputs[0]
    y = _keepdims(op, op._outputs[0])
    # dx = G · [x == y] / (number of tied extremes)
    ties = cast(equal(x, y), g.dtype)
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
                      REAL)


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
    # dx_i = G · Π_{j≠i} x_j per reduced group, without dividing by zero and written so
    # that its own gradient is right too.  With p = Π of the group's non-zero entries:
    # no zero:   p / x_i;
    # one zero z (at k): p at k, and z · p / x_i elsewhere (0 in value, but its
    #   derivative by x_k is p / x_i, the true ∂²y/∂x_i∂x_k);
    # two or more zeros: 0.
    zero = cast(equal(x, 0.0), x.dtype)
    n_zero = reduce_sum(zero, axis, keepdims=True)
    safe = x * (1.0 - zero) + zero  # the zeros read as 1, with no gradient there
    p = reduce_prod(safe, axis, keepdims=True)
    z = reduce_sum(x * zero, axis, keepdims=True)
    no_zero = cast(equal(n_zero, 0.0), x.dtype)
    one_zero = cast(equal(n_zero, 1.0), x.dtype)
    others = (no_zero * realdiv(p, safe)
              + one_zero * (zero * p + (1.0 - zero) * z * realdiv(p, safe)))
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
        shift = constant_ops.stop_gradient(clip_by_value(raw_max, x.dtype.min, x.dtype.max))
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
        zero = fill_ops.zeros([], dtype=x.dtype)
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
    check_dtype(op_type, x, REAL, "input")
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
