"""Embeddings: rows of a (possibly sharded) table looked up by id.

``embedding_lookup`` is a gather whose gradient stays sparse (an ``IndexedSlices`` of
the looked-up rows), so an optimizer step touches only those rows. A table too big for
one variable is split into shards; TF assigns ids to shards either round-robin
(``"mod"``: id ``i`` is row ``i // n`` of shard ``i % n``) or in contiguous blocks
(``"div"``). A lookup partitions the ids by shard, gathers from each shard, and
stitches the rows back into the order of the ids, so every shard gets its own sparse
gradient and no shard is ever copied.

``embedding_lookup_sparse`` looks up a bag of ids per row (a ``SparseTensor``) and
combines each bag into one vector by a (weighted) sum, mean or sqrt-n mean.

These are compositions of public ops, so they need no kernel and no gradient of their own.
"""
import warnings

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor_shape import TensorShape
from minitf.ops import array_ops, clip_ops, math_ops
from minitf.ops.data_flow_ops import dynamic_partition, dynamic_stitch
from minitf.ops.op_util import op_scope
from minitf.ops.partitioned_variables import PartitionedVariable

__all__ = ["embedding_lookup", "embedding_lookup_sparse"]


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """The rows of ``params`` at ``ids``: shape ``ids.shape + params.shape[1:]``.

    Args:
        params: one tensor or variable, a list of shards of one table (equal in all
            dimensions but the first), or a ``PartitionedVariable``.
        ids: int32 or int64 tensor of any shape.
        partition_strategy: ``"mod"`` or ``"div"``, how ids map to shards (see the
            module docstring); ignored for a single table.
        validate_indices: ignored, as in TF 1.x (ids are always checked).
        max_norm: if given, every looked-up row whose L2 norm exceeds it is scaled
            down to that norm.

    Raises:
        ValueError: ``params`` is empty, or ``partition_strategy`` is unknown.

    Example:
        >>> emb = tf.Variable(tf.random_uniform([1000, 64]))
        >>> tf.nn.embedding_lookup(emb, [[1, 2], [3, 4]]).shape   # (2, 2, 64)
        >>> shards = [tf.Variable(tf.zeros([334, 64])), tf.Variable(tf.zeros([333, 64])),
        ...           tf.Variable(tf.zeros([333, 64]))]
        >>> tf.nn.embedding_lookup(shards, [0, 1, 2, 3])   # rows 0 of shards 0, 1, 2, 1 of 0
    """
    del validate_indices
    shards = _shards(params)
    if partition_strategy not in ("mod", "div"):
        raise ValueError("Unrecognized partition strategy: " + str(partition_strategy))
    with op_scope(name, "embedding_lookup", shards + [ids]) as scope:
        if len(shards) == 1:
            rows = array_ops.gather(shards[0], ids, name=None if max_norm else scope)
            return _clip(rows, ids, max_norm, scope)
        ids = convert_to_tensor(ids, name="ids")
        flat_ids = array_ops.reshape(ids, [-1])
        shard_of, row_in_shard = _assign(shards, flat_ids, partition_strategy)
        n = len(shards)
        positions = dynamic_partition(math_ops.range(array_ops.size(flat_ids)), shard_of, n)
        rows_wanted = dynamic_partition(row_in_shard, shard_of, n)
        found = [array_ops.gather(shard, rows) for shard, rows in zip(shards, rows_wanted)]
        stitched = dynamic_stitch(positions, found)
        row_shape = _row_shape(shards)
        out_shape = array_ops.concat(
            [array_ops.shape(ids), array_ops.shape(stitched)[1:]], 0)
        rows = array_ops.reshape(stitched, out_shape, name=None if max_norm else scope)
        rows.set_shape(ids.shape.concatenate(row_shape))
        return _clip(rows, ids, max_norm, scope)


def _shards(params):
    if isinstance(params, PartitionedVariable):
        return list(params)
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Need at least one param")
        return list(params)
    return [params]


def _row_shape(shards):
    """The static shape of one row, merged over the shards."""
    shape = TensorShape(None)
    for s in shards:
        dims = convert_to_tensor(s).shape
        if dims.ndims is not None:
            shape = shape.merge_with(dims[1:])
    return shape


def _assign(shards, ids, strategy):
    """For each id: its shard and its row in that shard (int32 shard numbers)."""
    n = len(shards)
    if strategy == "mod":
        shard_of = math_ops.cast(math_ops.floormod(ids, n), dtypes.int32)
        return shard_of, math_ops.floordiv(ids, n)
    # "div": the first (total % n) shards hold one row more than the others.
    sizes = [convert_to_tensor(s).shape[0].value for s in shards]
    if all(size is not None for size in sizes):
        total = convert_to_tensor(int(np.sum(sizes)), dtype=ids.dtype)
    else:
        total = math_ops.add_n([math_ops.cast(array_ops.shape(s)[0], ids.dtype)
                                for s in shards])
    per_shard = total // n
    extras = total % n
    big = per_shard + 1
    shard_of = math_ops.maximum(ids // big, (ids - extras) // per_shard)
    row = array_ops.where(shard_of < extras, ids % big, (ids - extras) % per_shard)
    return math_ops.cast(shard_of, dtypes.int32), row


def _clip(rows, ids, max_norm, scope):
    """Scale down each looked-up row whose norm exceeds ``max_norm``."""
    if max_norm is None:
        return rows
    ids = convert_to_tensor(ids)
    if ids.shape.ndims is not None and rows.shape.ndims is not None:
        axes = list(range(ids.shape.ndims, rows.shape.ndims))
    else:  # ranks known only when the graph runs: the same axes, computed in it
        axes = math_ops.range(array_ops.rank(ids), array_ops.rank(rows))
    return clip_ops.clip_by_norm(rows, max_norm, axes=axes, name=scope)


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None):
    """One combined embedding per row of a sparse bag of ids.

    Row ``r`` of the result combines the embeddings of the ids ``sp_ids`` holds in row
    ``r`` (with the weights of ``sp_weights`` at the same places, or 1 each):
    ``"sum"`` is ``Σ w·e``, ``"mean"`` is ``Σ w·e / Σ w``, ``"sqrtn"`` is
    ``Σ w·e / sqrt(Σ w²)``. As in TF, the result has ``max row + 1`` rows: rows with
    no ids in the middle are zero, trailing empty rows are left out.

    Args:
        params: as for ``embedding_lookup``.
        sp_ids: ``SparseTensor`` of int64 ids, shape ``[batch, any]``; its indices in
            row-major order.
        sp_weights: ``SparseTensor`` of float weights with the indices of ``sp_ids``,
            or None for weight 1.
        combiner: ``"sum"``, ``"mean"`` or ``"sqrtn"``; None means ``"mean"``, with the
            warning TF 1.x gives.

    Example:
        >>> ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [3, 5, 3], [3, 2])
        >>> tf.nn.embedding_lookup_sparse(emb, ids, None, combiner="sum")
        >>> # rows: emb[3] + emb[5], zeros, emb[3]
    """
    if combiner is None:
        warnings.warn("The default value of combiner will change from \"mean\" to "
                      "\"sqrtn\" after 2016/11/01.", stacklevel=2)
        combiner = "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'")
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError("sp_ids must be SparseTensor")
    if sp_weights is not None and not isinstance(sp_weights, SparseTensor):
        raise TypeError("sp_weights must be either None or SparseTensor")
    shards = _shards(params)
    with op_scope(name, "embedding_lookup_sparse", shards + [sp_ids.values]) as scope:
        segments = math_ops.cast(sp_ids.indices[:, 0], dtypes.int32)
        # Look up each distinct id once; its rows are then shared by every bag holding it.
        unique_ids, where_in_unique = array_ops.unique(sp_ids.values)
        embeddings = embedding_lookup(shards, unique_ids, partition_strategy,
                                      max_norm=max_norm)
        rows = array_ops.gather(embeddings, where_in_unique)
        if sp_weights is None:
            weights = array_ops.ones_like(sp_ids.values, dtype=embeddings.dtype)
        else:
            weights = math_ops.cast(sp_weights.values, embeddings.dtype)
        total = array_ops.segment_sum(rows * _per_row(weights, rows), segments)
        if combiner == "sum":
            return array_ops.identity(total, name=scope)
        if combiner == "mean":
            norm = array_ops.segment_sum(weights, segments)
        else:
            norm = math_ops.sqrt(array_ops.segment_sum(weights * weights, segments))
        return math_ops.div_no_nan(total, _per_row(norm, total), name=scope)


def _per_row(v, rows):
    """``v`` (one number per row of ``rows``) shaped to broadcast against ``rows``."""
    if rows.shape.ndims is not None:
        return array_ops.reshape(v, [-1] + [1] * (rows.shape.ndims - 1))
    ones = array_ops.ones_like(array_ops.shape(rows)[1:])
    return array_ops.reshape(v, array_ops.concat([[-1], ones], 0))
