"""Routing data by index: DynamicPartition, DynamicStitch and ParallelDynamicStitch.

``dynamic_partition`` splits a tensor into several by a partition id per
entry; ``dynamic_stitch`` interleaves several back into one by a destination
row per entry.  Partitioning the ids and the original positions of a batch
with the same partition ids, working on each part, and stitching the results
back by those positions is how a sharded embedding lookup runs.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import builtins

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import cwise_ops
from minitf.ops.cwise_ops import equal
from minitf.ops.fill_ops import zeros_like
from minitf.ops.gather_ops import gather
from minitf.ops.op_util import (const_ints, convert_list, dims_text, invalid, kernel_outputs,
                                make_op, op_scope, static_dims)
from minitf.ops.reduction_ops import reduce_prod
from minitf.ops.selection_ops import where
from minitf.ops.shape_ops import reshape, shape, size

__all__ = ["dynamic_partition", "dynamic_stitch", "parallel_dynamic_stitch"]


# -- DynamicPartition -----------------------------------------------------------------------
def dynamic_partition(data, partitions, num_partitions, name=None):
    """Split ``data`` into ``num_partitions`` tensors by the partition id of each entry.

    ``partitions`` (int32) has the shape of a prefix of ``data``'s shape.
    Output ``i`` holds, in their original order, the slices
    ``data[j...]`` with ``partitions[j...] == i``; its shape is
    ``[count of i] + data.shape[partitions.ndim:]``. An id outside
    ``[0, num_partitions)`` is an InvalidArgumentError.

    Args:
        data: any tensor.
        partitions: int32 tensor, values in ``[0, num_partitions)``.
        num_partitions: a Python int >= 1.

    Returns:
        A list of ``num_partitions`` tensors of ``data``'s dtype.

    Example:
        >>> a, b = tf.dynamic_partition([10, 20, 30, 40], [0, 1, 1, 0], 2)
        >>> # a = [10, 40], b = [20, 30]
    """
    n = int(num_partitions)
    if n < 1:
        raise ValueError("num_partitions must be at least 1, got %d" % n)
    with op_scope(name, "DynamicPartition", [data, partitions]) as scope:
        d = convert_to_tensor(data, name="data")
        p = convert_to_tensor(partitions, dtype=dtypes.int32, name="partitions")
        op = make_op("DynamicPartition", [d, p], [d.dtype] * n, scope,
                     {"num_partitions": n, "T": d.dtype})
        return list(op._outputs)


def _dynamic_partition_kernel(ctx, data, parts):
    n = ctx.attrs["num_partitions"]
    if np.shape(data)[:np.ndim(parts)] != np.shape(parts):
        raise invalid(ctx, "data.shape must start with partitions.shape, got data.shape = %s, "
                      "partitions.shape = %s" % (dims_text(list(np.shape(data))),
                                                 dims_text(list(np.shape(parts)))))
    bad = (parts < 0) | (parts >= n)
    if np.any(bad):
        pos = tuple(np.argwhere(bad)[0]) if np.ndim(parts) else ()
        raise invalid(ctx, "partitions%s = %d is not in [0, %d)"
                      % (dims_text(pos) if pos else "", int(np.asarray(parts)[pos]), n))
    if np.ndim(parts) == 0:  # one id for the whole of data
        parts, data = np.reshape(parts, (1,)), np.reshape(data, (1,) + np.shape(data))
    if n == 1:
        return np.reshape(data, (-1,) + np.shape(data)[parts.ndim:])
    # One stable sort groups the entries by partition, keeping their order.
    flat = np.ravel(parts)
    rows = np.reshape(data, (flat.size,) + np.shape(data)[parts.ndim:])
    order = np.argsort(flat, kind="stable")
    ends = np.cumsum(np.bincount(flat, minlength=n))
    starts = ends - np.bincount(flat, minlength=n)
    grouped = rows[order]
    return kernel_outputs(grouped[a:b] for a, b in zip(starts, ends))


def _dynamic_partition_shape(op):
    d, p = op._inputs
    dd, pd = static_dims(d), static_dims(p)
    n = op._attrs["num_partitions"]
    if dd is None or pd is None:
        return [unknown_shape()] * n
    if len(pd) > len(dd) or not TensorShape(dd[:len(pd)]).is_compatible_with(pd):
        raise ValueError("Shapes %s and %s are incompatible: data.shape must start with "
                         "partitions.shape" % (d.shape, p.shape))
    pv = const_ints(p)
    counts = [None] * n if pv is None else [pv.count(i) for i in builtins.range(n)]
    return [TensorShape([k] + dd[len(pd):]) for k in counts]


def _dynamic_partition_grad(op, *grads):
    # out_i = data[partitions == i]  =>  ddata = the out grads stitched back to where
    # their entries came from: partition the positions 0..N-1 the same way.
    data, parts = op._inputs
    n = op._attrs["num_partitions"]
    prefix = shape(parts)
    positions = reshape(cwise_ops.range(reduce_prod(prefix)), prefix)
    where_from = dynamic_partition(positions, parts, n)
    stitched = parallel_dynamic_stitch(where_from, list(grads))
    return [reshape(stitched, shape(data)), None]


register("DynamicPartition", _dynamic_partition_kernel, _dynamic_partition_shape,
         _dynamic_partition_grad)


# -- DynamicStitch, ParallelDynamicStitch ---------------------------------------------------
def dynamic_stitch(indices, data, name=None):
    """Interleave ``data`` into one tensor: ``merged[indices[m][i...]] = data[m][i...]``.

    ``data[m]`` has shape ``indices[m].shape + S`` for one trailing shape
    ``S``; the result has shape ``[max(indices) + 1] + S``. When an index
    repeats, the value that comes last (by ``m``, then by position) wins, and
    only that one receives a gradient. Rows no index names are zero.

    Args:
        indices: a list of int32 tensors.
        data: a list of tensors of one dtype, as long as ``indices``.

    Example:
        >>> tf.dynamic_stitch([[0, 3], [1, 2]], [[10, 40], [20, 30]])   # [10, 20, 30, 40]
        >>> tf.dynamic_stitch([[0, 1], [1]], [[1, 2], [9]])              # [1, 9]
    """
    return _stitch("DynamicStitch", indices, data, name)


def parallel_dynamic_stitch(indices, data, name=None):
    """``dynamic_stitch`` for indices that do not repeat (TF leaves which duplicate
    wins unspecified; here, as in ``dynamic_stitch``, the last one does).

    Example:
        >>> tf.parallel_dynamic_stitch([[2, 0], [1]], [[30, 10], [20]])   # [10, 20, 30]
    """
    return _stitch("ParallelDynamicStitch", indices, data, name)


def _stitch(op_type, indices, data, name):
    indices, data = list(indices), list(data)
    with op_scope(name, op_type, indices + data) as scope:
        idx = [convert_to_tensor(i, dtype=dtypes.int32, name="indices") for i in indices]
        ds = convert_list(data, op_type, "data")
        if not idx:
            raise ValueError("List argument 'indices' to '%s' Op with length 0 shorter than "
                             "minimum length 1." % op_type)
        if len(idx) != len(ds):
            raise ValueError("List argument 'data' to '%s' Op with length %d must match "
                             "length %d of argument 'indices'." % (op_type, len(ds), len(idx)))
        return make_op(op_type, idx + ds, [ds[0].dtype], scope,
                       {"N": len(idx), "T": ds[0].dtype})._outputs[0]


def _dynamic_stitch_kernel(ctx, *args):
    n = ctx.attrs["N"]
    idx, ds = args[:n], args[n:]
    k0 = np.ndim(idx[0])
    suffix = np.shape(ds[0])[k0:]
    for m, (i, d) in enumerate(zip(idx, ds)):
        if np.shape(d)[:np.ndim(i)] != np.shape(i):
            raise invalid(ctx, "data[%d].shape = %s does not start with indices[%d].shape = %s"
                          % (m, dims_text(list(np.shape(d))), m, dims_text(list(np.shape(i)))))
        if np.shape(d)[np.ndim(i):] != suffix:
            raise invalid(ctx, "Need data[0].shape[%d:] = data[%d].shape[%d:], got "
                          "data[0].shape = %s, data[%d].shape = %s, indices[0].shape = %s, "
                          "indices[%d].shape = %s"
                          % (k0, m, np.ndim(i), dims_text(list(np.shape(ds[0]))), m,
                             dims_text(list(np.shape(d))), dims_text(list(np.shape(idx[0]))),
                             m, dims_text(list(np.shape(i)))))
        if np.size(i) and np.min(i) < 0:
            flat = int(np.argmax(np.ravel(i) < 0))
            raise invalid(ctx, "indices[%d] is out of range: indices input %d holds %d there"
                          % (flat, m, int(np.ravel(i)[flat])))
    rows = max((int(np.max(i)) + 1 for i in idx if np.size(i)), default=0)
    out = np.zeros((rows,) + suffix, dtype=ds[0].dtype)
    for i, d in zip(idx, ds):  # in order, so later writes win
        out[np.ravel(i)] = np.reshape(d, (-1,) + suffix)
    return out


def _dynamic_stitch_shape(op):
    n = op._attrs["N"]
    idx, ds = op._inputs[:n], op._inputs[n:]
    suffix = unknown_shape()
    for m, (i, d) in enumerate(zip(idx, ds)):
        idims, dd = static_dims(i), static_dims(d)
        if idims is None or dd is None:
            continue
        if len(idims) > len(dd) or not TensorShape(dd[:len(idims)]).is_compatible_with(idims):
            raise ValueError("data[%d].shape = %s does not start with indices[%d].shape = %s"
                             % (m, d.shape, m, i.shape))
        suffix = suffix.merge_with(TensorShape(dd[len(idims):]))
    values = [const_ints(i) for i in idx]
    rows = None
    if all(v is not None for v in values):
        flat = [x for v in values for x in v]
        rows = max(flat) + 1 if flat else 0
    return [TensorShape([rows]).concatenate(suffix)]


def _dynamic_stitch_grad(op, g):
    # merged[indices[m][i]] = data[m][i]  =>  ddata[m][i] = g[indices[m][i]] for the entry
    # that won its row; an entry overwritten by a later duplicate gets zero.
    n = op._attrs["N"]
    indices, data = op._inputs[:n], op._inputs[n:]
    if _distinct(indices):
        return [None] * n + [gather(g, i) for i in indices]
    # Number every entry 0, 1, ... across the inputs, stitch those numbers like the data,
    # and keep the rows whose number is the one that landed on their destination.
    numbers, start = [], 0
    for i in indices:
        count = size(i)
        numbers.append(cwise_ops.range(start, start + count))
        start = start + count
    flat_indices = [reshape(i, [-1]) for i in indices]
    winner = dynamic_stitch(flat_indices, numbers)
    grads = []
    for i, number, d in zip(flat_indices, numbers, data):
        rows = gather(g, i)
        won = equal(gather(winner, i), number)
        grads.append(reshape(where(won, rows, zeros_like(rows)), shape(d)))
    return [None] * n + grads


def _distinct(indices):
    """True when the indices are known not to repeat: the outputs of one DynamicPartition
    of a range (how dynamic_partition's gradient and sharded lookups build them)."""
    ops = {i.op for i in indices}
    if len(ops) != 1:
        return False
    op = ops.pop()
    if op.type != "DynamicPartition" or len({i.value_index for i in indices}) != len(indices):
        return False
    src = op._inputs[0].op
    if src.type == "Reshape":
        src = src._inputs[0].op
    return src.type == "Range"


register("DynamicStitch", _dynamic_stitch_kernel, _dynamic_stitch_shape, _dynamic_stitch_grad)
register("ParallelDynamicStitch", _dynamic_stitch_kernel, _dynamic_stitch_shape,
         _dynamic_stitch_grad)
