"""Indexing by index tensors: Gather, GatherNd, ScatterNd and segment sums.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import builtins
import warnings

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, register_tensor_conversion_function
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.op_registry import register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import cwise_ops
from minitf.ops.cwise_ops import add, cast, greater_equal, maximum, subtract
from minitf.ops.fill_ops import ones
from minitf.kernels import scatter as scatter_kernels
from minitf.ops.op_util import (const_ints, const_scalar_int, dims_text, index_tensor, invalid,
                                make_op, op_scope, shape_from_tensor, static_dims, wrap_axis)
from minitf.ops.shape_ops import rank, reshape, shape, size, stack
from minitf.ops.slicing_ops import concat
from minitf.ops.transform_ops import transpose


# -- GatherV2 ------------------------------------------------------------------------------
def gather(params, indices, validate_indices=None, name=None, axis=0, batch_dims=0):
    """Gather slices of ``params`` along ``axis`` at ``indices``.

    The output shape is ``params.shape[:axis] + indices.shape + params.shape[axis+1:]``.
    An index outside ``[0, params.shape[axis])`` is an error. Along axis 0 the
    gradient with respect to ``params`` is an ``IndexedSlices`` holding just the
    gathered rows (repeated indices add up when it is applied); along other axes
    it is dense.

    Example:
        >>> tf.gather([10, 20, 30], [2, 0, 2])                 # [30, 10, 30]
        >>> tf.gather([[1, 2], [3, 4]], [1], axis=1)            # [[2], [4]]
    """
    if batch_dims != 0:
        raise NotImplementedError("gather with batch_dims != 0 is not supported")
    with op_scope(name, "GatherV2", [params, indices]) as scope:
        p = convert_to_tensor(params, name="params")
        i = index_tensor(indices, "indices")
        a = index_tensor(axis, "axis")
        return make_op("GatherV2", [p, i, a], [p.dtype], scope, {"batch_dims": 0})._outputs[0]


def _first_bad(bad):
    return ",".join(str(int(v)) for v in np.argwhere(bad)[0])


def _gather_kernel(ctx, params, indices, axis):
    nd = np.ndim(params)
    if nd == 0:
        raise invalid(ctx, "params must be at least 1 dimensional")
    a = int(np.ravel(axis)[0])
    if not -nd <= a < nd:
        raise invalid(ctx, "Expected axis in the range [%d, %d), but got %d" % (-nd, nd, a))
    a %= nd
    n = np.shape(params)[a]
    bad = (indices < 0) | (indices >= n)
    if np.any(bad):
        pos = np.argwhere(bad)[0] if np.ndim(indices) else ()
        raise invalid(ctx, "indices[%s] = %d is not in [0, %d)"
                   % (_first_bad(bad) if np.ndim(indices) else "",
                      int(np.asarray(indices)[tuple(pos)]), n))
    return np.take(params, indices, axis=a)


def _gather_shape(op):
    p, i, a = op._inputs
    pd, idims, axis = static_dims(p), static_dims(i), const_scalar_int(a)
    if pd is not None and len(pd) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if pd is None or idims is None:
        return [unknown_shape()]
    if axis is None:
        return [unknown_shape(len(pd) + len(idims) - 1)]
    axis = wrap_axis(axis, len(pd))
    return [TensorShape(pd[:axis] + idims + pd[axis + 1:])]


def _gather_grad(op, g):
    # y = params[..., indices, ...] along axis  =>  dparams = scatter-add of g at indices
    params, indices, axis_t = op._inputs
    a = const_scalar_int(axis_t)
    pd, idims = static_dims(params), static_dims(indices)
    if a is None:
        a = axis_t
    elif a < 0:
        a = a + len(pd) if pd is not None else add(rank(params), a)
    if isinstance(a, int) and a == 0:
        return [_gathered_rows(g, params, indices), None, None]
    if isinstance(a, int) and pd is not None and idims is not None:
        ni, out_rank = len(idims), len(pd) + len(idims) - 1
        rng = builtins.range
        perm1 = list(rng(a, a + ni)) + list(rng(a)) + list(rng(a + ni, out_rank))
        perm2 = list(rng(1, a + 1)) + [0] + list(rng(a + 1, len(pd)))
    else:
        ni, out_rank, p_rank = rank(indices), rank(g), rank(params)
        a_ni, a1, arange = add(a, ni), add(a, 1), cwise_ops.range
        perm1 = concat([arange(a, a_ni, 1), arange(0, a, 1), arange(a_ni, out_rank, 1)], 0)
        perm2 = concat([arange(1, a1, 1), [0], arange(a1, p_rank, 1)], 0)
    # Move the indices' dimensions to the front, scatter-add, move the axis back.
    n = gather(shape(params, out_type=indices.dtype), a)
    summed = unsorted_segment_sum(transpose(g, perm1), indices, n)
    return [transpose(summed, perm2), None, None]


def _gathered_rows(g, params, indices):
    """The gradient of a gather along axis 0: ``g``'s rows at the flattened indices."""
    pd, idims = static_dims(params), static_dims(indices)
    dense_shape = shape(params, out_type=dtypes.int32)
    if idims is not None and len(idims) == 1:
        return IndexedSlices(g, indices, dense_shape)
    if idims is not None and None not in idims and pd is not None and None not in pd[1:]:
        n = int(np.prod(idims, dtype=np.int64))
        return IndexedSlices(reshape(g, [n] + pd[1:]), reshape(indices, [n]), dense_shape)
    n = stack([size(indices)])
    values = reshape(g, concat([n, dense_shape[1:]], 0))
    return IndexedSlices(values, reshape(indices, n), dense_shape)


register("GatherV2", _gather_kernel, _gather_shape, _gather_grad)


# -- densifying IndexedSlices ---------------------------------------------------------------
_LARGE_SPARSE_NUM_ELEMENTS = 100_000_000  # TF warns above this many dense elements


def _indexed_slices_to_tensor(value, dtype=None, name=None):
    """The dense tensor an IndexedSlices stands for (rows that repeat add up)."""
    if dtype is not None and dtype is not value.dtype:
        raise ValueError("Tensor conversion requested dtype %s for IndexedSlices with dtype "
                         "%s: %r" % (dtype.name, value.dtype.name, value))
    if value.dense_shape is None:
        raise ValueError("Tensor conversion requested for IndexedSlices without dense_shape: "
                         "%s" % value.name)
    dims = const_ints(value.dense_shape)
    if dims is None:
        warnings.warn("Converting sparse IndexedSlices to a dense Tensor of unknown shape. "
                      "This may consume a large amount of memory.", stacklevel=3)
    elif np.prod(dims, dtype=np.int64) >= _LARGE_SPARSE_NUM_ELEMENTS:
        warnings.warn("Converting sparse IndexedSlices to a dense Tensor with %d elements. "
                      "This may consume a large amount of memory."
                      % np.prod(dims, dtype=np.int64), stacklevel=3)
    rows = dims[0] if dims is not None else value.dense_shape[0]
    return unsorted_segment_sum(value.values, value.indices, rows, name=name)


register_tensor_conversion_function(IndexedSlices, _indexed_slices_to_tensor, priority=1)


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
        ids = index_tensor(segment_ids, "segment_ids")
        n = index_tensor(num_segments, "num_segments")
        return make_op("UnsortedSegmentSum", [d, ids, n], [d.dtype], scope)._outputs[0]


def _unsorted_segment_sum_kernel(ctx, data, ids, num):
    num = int(np.ravel(num)[0])
    if np.shape(data)[:np.ndim(ids)] != np.shape(ids):
        raise invalid(ctx, "data.shape = %s does not start with segment_ids.shape = %s"
                      % (dims_text(list(np.shape(data))), dims_text(list(np.shape(ids)))))
    if np.ndim(ids) == 0:  # one segment id for the whole of data
        ids, data = np.reshape(ids, (1,)), np.reshape(data, (1,) + np.shape(data))
    bad = ids >= num
    if np.any(bad):
        raise invalid(ctx, "segment_ids[%s] = %d is out of range [0, %d)"
                   % (_first_bad(bad), int(ids[tuple(np.argwhere(bad)[0])]), num))
    out = np.zeros((num,) + np.shape(data)[ids.ndim:], dtype=data.dtype)
    valid = ids >= 0
    if out.dtype in (np.float32, np.float64) and ids.size:
        rows = out.reshape(num, -1)
        ids = ids.reshape(-1) if valid.all() else ids[valid]
        data = np.ascontiguousarray(data[valid] if not valid.all() else data)
        scatter_kernels.scatter_rows(rows, ids.astype(np.int64, copy=False),
                                     data.reshape(ids.size, rows.shape[1]), scatter_kernels.ADD)
    else:
        np.add.at(out, ids[valid], data[valid])
    return out


def _unsorted_segment_sum_shape(op):
    d, ids, n = op._inputs
    dd, idims = static_dims(d), static_dims(ids)
    num = const_scalar_int(n)
    if dd is None or idims is None:
        return [unknown_shape()]
    if len(idims) > len(dd) or not TensorShape(dd[:len(idims)]).is_compatible_with(idims):
        raise ValueError("Shapes %s and %s are incompatible: data.shape must start with "
                         "segment_ids.shape" % (d.shape, ids.shape))
    return [TensorShape([num] + dd[len(idims):])]


def _gather_drop_negatives(params, ids):
    """``gather(params, ids)`` with the rows of negative ids set to zero."""
    gathered = gather(params, maximum(ids, 0))
    keep = cast(greater_equal(ids, 0), gathered.dtype)
    if gathered.shape.ndims is not None and ids.shape.ndims is not None:
        extra = [1] * (gathered.shape.ndims - ids.shape.ndims)
    else:
        extra = ones(stack([subtract(rank(gathered), rank(ids))]), dtypes.int32)
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
        ids = index_tensor(segment_ids, "segment_ids")
        return make_op("SegmentSum", [d, ids], [d.dtype], scope)._outputs[0]


def _segment_sum_kernel(ctx, data, ids):
    if np.ndim(ids) != 1:
        raise invalid(ctx, "segment_ids should be a vector.")
    if np.ndim(data) == 0 or np.shape(data)[0] != ids.size:
        raise invalid(ctx, "segment_ids should be the same size as dimension 0 of input.")
    if ids.size and ids[0] < 0:
        raise invalid(ctx, "segment ids must be >= 0")
    if np.any(np.diff(ids) < 0):
        raise invalid(ctx, "segment ids are not increasing")
    num = int(ids[-1]) + 1 if ids.size else 0
    out = np.zeros((num,) + np.shape(data)[1:], dtype=data.dtype)
    np.add.at(out, ids, data)
    return out


def _segment_sum_shape(op):
    d, ids = op._inputs
    dd = static_dims(d)
    v = const_ints(ids)
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
        i = index_tensor(indices, "indices")
        return make_op("GatherNd", [p, i], [p.dtype], scope)._outputs[0]


def _nd_index(ctx, indices, bound_shape, what):
    """Validate [..., K] indices against ``bound_shape``; return numpy's index tuple."""
    if np.ndim(indices) == 0:
        raise invalid(ctx, "indices must be at least a vector")
    k = np.shape(indices)[-1]
    if k > len(bound_shape):
        raise invalid(ctx, "index innermost dimension length must be <= %s rank; saw: %d vs. %d"
                      % (what, k, len(bound_shape)))
    bound = np.asarray(bound_shape[:k], dtype=np.int64)
    bad = np.any((indices < 0) | (indices >= bound), axis=-1)
    if np.any(bad):
        pos = tuple(np.argwhere(np.atleast_1d(bad))[0]) if np.ndim(bad) else ()
        raise invalid(ctx, "indices[%s] = %s does not index into %s shape %s"
                      % (",".join(str(int(v)) for v in pos),
                         dims_text(list(np.asarray(indices)[pos])).replace(",", ", "),
                         what, dims_text(list(bound_shape))))
    return tuple(np.moveaxis(np.asarray(indices), -1, 0))


def _gather_nd_kernel(ctx, params, indices):
    idx = _nd_index(ctx, indices, list(np.shape(params)), "param")
    lead = np.shape(indices)[:-1]
    if not idx:
        return np.array(np.broadcast_to(params, lead + np.shape(params)))
    return np.asarray(params[idx])


def _gather_nd_shape(op):
    p, i = op._inputs
    pd, idims = static_dims(p), static_dims(i)
    if pd is None or idims is None or idims[-1:] == [None]:
        return [unknown_shape()]
    if not idims:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    k = idims[-1]
    if k > len(pd):
        raise ValueError("indices.shape[-1] must be <= params.rank, but saw indices shape: %s "
                         "and params shape: %s" % (dims_text(idims), dims_text(pd)))
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
        i = index_tensor(indices, "indices")
        u = convert_to_tensor(updates, name="updates")
        s = index_tensor(shape, "shape")
        if s.dtype is not i.dtype:
            s = cast(s, i.dtype)
        return make_op("ScatterNd", [i, u, s], [u.dtype], scope)._outputs[0]


def _scatter_nd_kernel(ctx, indices, updates, out_shape):
    out_shape = [int(d) for d in out_shape]
    idx = _nd_index(ctx, indices, out_shape, "output")
    k = np.shape(indices)[-1]
    want = list(np.shape(indices)[:-1]) + out_shape[k:]
    if list(np.shape(updates)) != want:
        raise invalid(ctx, "Must have updates.shape = indices.shape[:-1] + shape[K:], got "
                      "updates.shape %s, indices.shape %s, shape %s"
                      % (dims_text(list(np.shape(updates))), dims_text(list(np.shape(indices))),
                         dims_text(out_shape)))
    out = np.zeros(out_shape, dtype=updates.dtype)
    if not idx:
        return out + np.sum(np.reshape(updates, (-1,) + tuple(out_shape)), axis=0,
                            dtype=updates.dtype)
    np.add.at(out, idx, updates)
    return out


def _scatter_nd_shape(op):
    i, u, s = op._inputs
    out = shape_from_tensor(s)
    idims, ud = static_dims(i), static_dims(u)
    if idims is not None and ud is not None and out.ndims is not None and \
            idims[-1:] != [None] and idims:
        k = idims[-1]
        want = TensorShape(idims[:-1] + out.as_list()[k:])
        if not want.is_compatible_with(ud):
            raise ValueError("The inner %d dimensions of output.shape=%s must match the inner "
                             "%d dimensions of updates.shape=%s"
                             % (len(out) - k, dims_text(out.as_list()), len(ud) - len(idims) + 1,
                                dims_text(ud)))
    return [out]


register("ScatterNd", _scatter_nd_kernel, _scatter_nd_shape,
         lambda op, g: [None, gather_nd(g, op._inputs[0]), None])
