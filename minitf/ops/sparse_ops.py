"""From sparse to dense (``sparse_to_dense``, ``sparse_tensor_to_dense``), and sparse to strings.

A ``VarLenFeature`` parses to a ``SparseTensor``; models want a dense batch, padded
with a default value.  The op writes each ``sparse_values[i]`` at
``sparse_indices[i]`` of an ``output_shape`` tensor filled with ``default_value``.
"""
import numpy as np

from minitf.framework import dtypes, graph_def
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import cwise_ops, reduction_ops
from minitf.ops.gather_ops import gather_nd
from minitf.ops.op_util import invalid, make_op, op_scope, shape_from_tensor
from minitf.ops.shape_ops import reshape

__all__ = ["sparse_to_dense", "sparse_tensor_to_dense", "serialize_sparse",
           "serialize_many_sparse", "deserialize_many_sparse"]


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """A dense ``output_shape`` tensor: ``sparse_values`` at ``sparse_indices``, else the default.

    ``sparse_indices`` is ``[N, R]`` (or ``[N]`` for a vector, or a scalar); ``sparse_values``
    is ``[N]`` or one scalar for every index.  With ``validate_indices`` the indices must be
    in bounds, in row-major order and distinct, as TF requires.

    Example:
        >>> tf.sparse_to_dense([[0, 1], [2, 0]], [3, 2], [5, 7])   # [[0, 5], [0, 0], [7, 0]]
    """
    with op_scope(name, "SparseToDense",
                  [sparse_indices, output_shape, sparse_values, default_value]) as scope:
        indices = convert_to_tensor(sparse_indices, name="sparse_indices")
        shape = convert_to_tensor(output_shape, dtype=indices.dtype, name="output_shape")
        values = convert_to_tensor(sparse_values, name="sparse_values")
        default = convert_to_tensor(default_value, dtype=values.dtype, name="default_value")
        return make_op("SparseToDense", [indices, shape, values, default], [values.dtype], scope,
                       {"validate_indices": bool(validate_indices), "T": values.dtype,
                        "Tindices": indices.dtype})._outputs[0]


def sparse_tensor_to_dense(sp_input, default_value=0, validate_indices=True, name=None):
    """The dense tensor a ``SparseTensor`` stands for, with ``default_value`` where it has none.

    Example:
        >>> sp = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [2, 3])
        >>> tf.sparse_tensor_to_dense(sp)   # [[1, 0, 0], [0, 0, 2]]
    """
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    return sparse_to_dense(sp_input.indices, sp_input.dense_shape, sp_input.values,
                           default_value, validate_indices,
                           name=name or "SparseToDense")


def _coordinates(indices):
    """Indices as an ``[N, R]`` integer matrix."""
    indices = np.asarray(indices, np.int64)
    return indices.reshape(-1, 1) if indices.ndim < 2 else indices


def _sparse_to_dense_kernel(ctx, indices, shape, values, default):
    shape = np.asarray(shape, np.int64).reshape(-1)
    coords = _coordinates(indices)
    if np.ndim(indices) > 2:
        raise invalid(ctx, "sparse_indices should be a scalar, vector, or matrix, got shape %s"
                      % list(np.shape(indices)))
    n = coords.shape[0]
    if coords.shape[1] != shape.size:
        raise invalid(ctx, "output_shape has incorrect number of elements: %d should be: %d"
                      % (shape.size, coords.shape[1]))
    if np.ndim(values) not in (0, 1) or (np.ndim(values) == 1 and np.size(values) != n):
        raise invalid(ctx, "sparse_values has incorrect shape %s, should be [] or [%d]"
                      % (list(np.shape(values)), n))
    if np.ndim(default) != 0:
        raise invalid(ctx, "default_value should be a scalar.")
    if ctx.attrs["validate_indices"]:
        _validate(ctx, coords, shape)
    out = np.full(tuple(shape), default, dtype=np.asarray(values).dtype)
    if n:
        inside = np.all((coords >= 0) & (coords < shape), axis=1)
        coords, kept = coords[inside], np.broadcast_to(values, (n,))[inside]
        out[tuple(coords.T)] = kept
    return out


def _validate(ctx, coords, shape):
    def text(row):
        return "[%s]" % ",".join(str(int(v)) for v in row)
    for i, row in enumerate(coords):
        if np.any(row < 0) or np.any(row >= shape):
            raise invalid(ctx, "indices[%d] = %s is out of bounds: need 0 <= index < %s"
                          % (i, text(row), text(shape)))
        if i and tuple(row) <= tuple(coords[i - 1]):
            kind = "repeated" if tuple(row) == tuple(coords[i - 1]) else "out of order"
            raise invalid(ctx, "indices[%d] = %s is %s. Many sparse ops require sorted indices."
                               "\n    Use `tf.sparse.reorder` to create a correctly ordered "
                               "copy.\n\n" % (i, text(row), kind))


def _sparse_to_dense_shape(op):
    shape = shape_from_tensor(op._inputs[1])
    if shape.ndims is None and op._inputs[1].shape.ndims == 1:
        return [TensorShape([None] * op._inputs[1].shape[0].value)
                if op._inputs[1].shape[0].value is not None else unknown_shape()]
    return [shape]


def _sparse_to_dense_grad(op, g):
    # The values' gradient is G at their coordinates; the default fills every other entry.
    indices = op._inputs[0]
    if indices.shape.ndims is not None and indices.shape.ndims < 2:
        indices = reshape(indices, [-1, 1])  # a vector of positions in a vector
    values_grad = gather_nd(g, indices)
    default_grad = reduction_ops.reduce_sum(g) - reduction_ops.reduce_sum(values_grad)
    if op._inputs[2].shape.ndims == 0:  # one scalar stood for every value
        values_grad = reduction_ops.reduce_sum(values_grad)
    return [None, None, values_grad, cwise_ops.cast(default_grad, g.dtype)]


register("SparseToDense", _sparse_to_dense_kernel, _sparse_to_dense_shape, _sparse_to_dense_grad)


# -- SerializeSparse, SerializeManySparse, DeserializeManySparse ------------------------------
# A SparseTensor travels through a queue (which holds dense components) as three strings,
# the TensorProtos of its indices, values and dense shape, byte for byte what TF writes.

def serialize_sparse(sp_input, name=None, out_type=dtypes.string):
    """A string ``[3]`` tensor: ``sp_input``'s indices, values and shape as TensorProtos."""
    return _serialize("SerializeSparse", sp_input, name, out_type)


def serialize_many_sparse(sp_input, name=None, out_type=dtypes.string):
    """A string ``[N, 3]`` tensor, one serialized SparseTensor per row of dimension 0.

    Row ``i`` holds the entries whose first index is ``i``, without that index.
    """
    return _serialize("SerializeManySparse", sp_input, name, out_type)


def _serialize(op_type, sp_input, name, out_type):
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    if out_type != dtypes.string:
        raise TypeError("minitf serializes SparseTensors to strings only, not %s" % out_type)
    with op_scope(name, op_type, [sp_input.indices, sp_input.values,
                                  sp_input.dense_shape]) as scope:
        return make_op(op_type, [sp_input.indices, sp_input.values, sp_input.dense_shape],
                       [dtypes.string], scope,
                       {"T": sp_input.dtype, "out_type": dtypes.string})._outputs[0]


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """One SparseTensor from a string ``[N, 3]`` of serialized SparseTensors of one rank.

    Entry ``j`` of row ``i`` lands at ``[i] + indices[j]``; the dense shape is
    ``[N]`` followed by the largest of the rows' shapes, dimension by dimension.
    """
    with op_scope(name, "DeserializeManySparse", [serialized_sparse]) as scope:
        serialized = convert_to_tensor(serialized_sparse, dtype=dtypes.string)
        op = make_op("DeserializeManySparse", [serialized],
                     [dtypes.int64, dtypes.as_dtype(dtype), dtypes.int64], scope,
                     {"dtype": dtypes.as_dtype(dtype)})
        indices, values, shape = op._outputs
        if rank is not None:
            indices.set_shape([None, rank + 1])
            shape.set_shape([rank + 1])
        return SparseTensor(indices, values, shape)


def _proto_bytes(array):
    return graph_def.tensor_proto(array).SerializeToString()


def _serialize_sparse_kernel(ctx, indices, values, shape):
    _check_sparse(ctx, indices, values, shape)
    return np.array([_proto_bytes(indices), _proto_bytes(values), _proto_bytes(shape)],
                    dtype=object)


def _serialize_many_sparse_kernel(ctx, indices, values, shape):
    _check_sparse(ctx, indices, values, shape)
    if shape.size < 2:
        raise invalid(ctx, "Rank of input SparseTensor should be > 1, but saw rank: %d"
                      % shape.size)
    rows = np.asarray(shape[0], np.int64)
    out = np.empty((int(rows), 3), dtype=object)
    for i in range(int(rows)):
        mine = indices[:, 0] == i
        out[i] = [_proto_bytes(np.ascontiguousarray(indices[mine, 1:])),
                  _proto_bytes(values[mine]), _proto_bytes(shape[1:])]
    return out


def _check_sparse(ctx, indices, values, shape):
    if np.ndim(indices) != 2 or np.ndim(values) != 1 or np.ndim(shape) != 1 or (
            len(indices) != len(values) or indices.shape[1] != shape.size):
        raise invalid(ctx, "Input SparseTensor is malformed: indices %s, values %s, "
                           "dense_shape %s" % (list(np.shape(indices)), list(np.shape(values)),
                                               list(np.shape(shape))))


def _parse_proto(ctx, data, what):
    from tensorboard.compat.proto import tensor_pb2  # protobuf only when a run needs it
    try:
        return graph_def.tensor_value(tensor_pb2.TensorProto.FromString(bytes(data)))
    except Exception as exc:  # a damaged string: say which part, never a protobuf trace
        raise invalid(ctx, "Could not parse serialized_sparse[%s]: %s" % (what, exc)) from exc


def _deserialize_many_sparse_kernel(ctx, serialized):
    if np.ndim(serialized) != 2 or np.shape(serialized)[1] != 3:
        raise invalid(ctx, "Serialized sparse should be a matrix with 3 columns, got shape %s"
                      % list(np.shape(serialized)))
    want = ctx.attrs["dtype"].as_numpy_dtype
    parts, rank = [], None
    for i, (idx, val, shp) in enumerate(serialized):
        idx, val = _parse_proto(ctx, idx, "%d, 0" % i), _parse_proto(ctx, val, "%d, 1" % i)
        shp = _parse_proto(ctx, shp, "%d, 2" % i)
        if val.dtype != want and not (want == object and val.dtype.kind in "OSU"):
            raise invalid(ctx, "Requested SparseTensor of type %s but SparseTensor[%d].values"
                               ".dtype() == %s" % (ctx.attrs["dtype"].name, i, val.dtype))
        if rank is not None and shp.size != rank:
            raise invalid(ctx, "Inconsistent rank across SparseTensors: rank prior to "
                               "SparseTensor[%d] was: %d but rank of SparseTensor[%d] is: %d"
                          % (i, rank, i, shp.size))
        rank = shp.size
        parts.append((idx.reshape(-1, rank), val, shp))
    if not parts:
        raise invalid(ctx, "Serialized sparse should have at least one row")
    indices = np.concatenate([np.hstack([np.full((len(idx), 1), i, np.int64), idx])
                              for i, (idx, _, _) in enumerate(parts)])
    values = np.concatenate([val for _, val, _ in parts]).astype(want, copy=False)
    shape = np.concatenate([[len(parts)], np.max([shp for _, _, shp in parts], axis=0)])
    return indices.astype(np.int64), values, shape.astype(np.int64)


def _serialize_shape(op):
    if op.type == "SerializeSparse":
        return [TensorShape([3])]
    dense = shape_from_tensor(op._inputs[2])
    return [TensorShape([dense[0].value if dense.ndims else None, 3])]


def _deserialize_shape(op):
    op._inputs[0].shape.with_rank(2)
    return [TensorShape([None, None]), TensorShape([None]), TensorShape([None])]


register("SerializeSparse", _serialize_sparse_kernel, _serialize_shape, NO_GRADIENT)
register("SerializeManySparse", _serialize_many_sparse_kernel, _serialize_shape, NO_GRADIENT)
register("DeserializeManySparse", _deserialize_many_sparse_kernel, _deserialize_shape,
         NO_GRADIENT)
