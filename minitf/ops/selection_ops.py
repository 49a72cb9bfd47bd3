"""Choosing and grouping elements: Where/Select, boolean_mask, one_hot,
sequence_mask, unique and setdiff1d (dynamic partition/stitch are in data_flow_ops).

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import collections

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_pair, convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import cwise_ops
from minitf.ops.constant_ops import constant
from minitf.ops.cwise_ops import cast, less
from minitf.ops.fill_ops import zeros_like
from minitf.ops.gather_ops import gather
from minitf.ops.op_util import (check_same_dtype, const_scalar_int, const_value, dims_text,
                                index_tensor, invalid, is_tensor_like, make_op, op_scope,
                                static_dims)
from minitf.ops.reduction_ops import reduce_max
from minitf.ops.shape_ops import expand_dims, reshape, shape, size, squeeze, stack
from minitf.ops.slicing_ops import concat


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
        i = index_tensor(indices, "indices") if not (
            is_tensor_like(indices) and convert_to_tensor(indices).dtype is dtypes.uint8) \
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
    if is_tensor_like(v):
        t = convert_to_tensor(v, name=name)
        if dt is not None and t.dtype is not dt:
            raise TypeError("dtype %s of %s does not match dtype parameter %s"
                            % (t.dtype, name, dt))
        return t
    return convert_to_tensor(v, dtype=dt, name=name)


def _one_hot_kernel(ctx, indices, depth, on, off):
    depth = int(depth)
    if depth < 0:
        raise invalid(ctx, "depth must be non-negative, got: %d" % depth)
    dt = ctx.attrs["T"].as_numpy_dtype
    hot = np.asarray(indices)[..., None] == np.arange(depth)
    out = np.where(hot, np.asarray(on, dtype=dt), np.asarray(off, dtype=dt)).astype(dt)
    axis = ctx.attrs["axis"]
    return out if axis == -1 else np.moveaxis(out, -1, axis)


def _one_hot_shape(op):
    i, d = op._inputs[:2]
    dims, depth, axis = static_dims(i), const_scalar_int(d), op._attrs["axis"]
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
        raise invalid(ctx, "unique expects a 1D vector.")
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
        raise invalid(ctx, "'then' and 'else' must have the same size.  but received: %s vs. %s"
                      % (dims_text(list(np.shape(x))), dims_text(list(np.shape(y)))))
    if np.ndim(c) == 0:
        return x if c else y
    if np.shape(c) == np.shape(x):
        return np.where(c, x, y)
    if np.ndim(c) == 1 and np.ndim(x) > 1:
        if np.shape(c)[0] != np.shape(x)[0]:
            raise invalid(ctx, "Number of batches of 'then' must match size of 'cond', but saw: "
                          "%d vs. %d" % (np.shape(x)[0], np.shape(c)[0]))
        return np.where(np.reshape(c, (-1,) + (1,) * (np.ndim(x) - 1)), x, y)
    raise invalid(ctx, "'cond' and 'then' must have the same size (or 'cond' must be a vector "
                  "matching the first dimension of 'then'), but received: %s vs. %s"
                  % (dims_text(list(np.shape(c))), dims_text(list(np.shape(x)))))


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
                             "Shapes are %s and %s." % (i, p, q, dims_text(a.as_list()),
                                                        dims_text(b.as_list())))
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
    with get_default_graph().name_scope(name or "SequenceMask"):
        lengths = convert_to_tensor(lengths, name="lengths")
        if maxlen is None:
            maxlen = reduce_max(lengths)
        else:
            maxlen = convert_to_tensor(maxlen, preferred_dtype=lengths.dtype, name="maxlen")
        if maxlen.shape.ndims not in (None, 0):
            raise ValueError("maxlen must be scalar for sequence_mask")
        row = cwise_ops.range(constant(0, maxlen.dtype), maxlen, constant(1, maxlen.dtype))
        matrix = cast(expand_dims(lengths, -1), maxlen.dtype)
        result = less(row, matrix)
        dt = dtypes.as_dtype(dtype)
        return result if dt is dtypes.bool else cast(result, dt)


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
        check_same_dtype("ListDiff", x, y)
        dt = dtypes.as_dtype(index_dtype)
        op = make_op("ListDiff", [x, y], [x.dtype, dt], scope, {"out_idx": dt})
        return _ListDiff(*op._outputs)


def _list_diff_kernel(ctx, x, y):
    if np.ndim(x) != 1 or np.ndim(y) != 1:
        raise invalid(ctx, "x and y should be 1D vectors")
    keep = ~np.isin(x, y)
    return x[keep], np.nonzero(keep)[0].astype(ctx.attrs["out_idx"].as_numpy_dtype)


def _list_diff_shape(op):
    op._inputs[0].shape.with_rank(1)
    op._inputs[1].shape.with_rank(1)
    x, y = (const_value(t) for t in op._inputs)
    n = None if x is None or y is None else int(np.count_nonzero(~np.isin(x, y)))
    return [TensorShape([n]), TensorShape([n])]


register("ListDiff", _list_diff_kernel, _list_diff_shape, NO_GRADIENT)
