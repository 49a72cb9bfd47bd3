"""From sparse to dense: ``sparse_to_dense`` (op SparseToDense) and ``sparse_tensor_to_dense``.

A ``VarLenFeature`` parses to a ``SparseTensor``; models want a dense batch, padded
with a default value.  The op writes each ``sparse_values[i]`` at
``sparse_indices[i]`` of an ``output_shape`` tensor filled with ``default_value``.
"""
import numpy as np

from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import cwise_ops, reduction_ops
from minitf.ops.gather_ops import gather_nd
from minitf.ops.op_util import invalid, make_op, op_scope, shape_from_tensor
from minitf.ops.shape_ops import reshape

__all__ = ["sparse_to_dense", "sparse_tensor_to_dense"]


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
