"""Partitioned variables: one logical variable stored as several shards.

A partitioner given to ``get_variable`` or ``variable_scope`` decides, from the
variable's shape and dtype, into how many pieces each axis is cut (only one axis may
be cut). ``get_variable`` then creates one ``Variable`` per piece, named
``<name>/part_<i>``, and returns a ``PartitionedVariable`` that holds them.
``embedding_lookup`` reads such a table shard by shard (``"div"`` order, the order of
the pieces); any other op sees the shards concatenated.

Shard ``i`` along an axis of size ``d`` cut in ``n`` has ``d // n`` rows, plus one for
the first ``d % n`` shards, as in TF.
"""
import math

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import register_tensor_conversion_function
from minitf.framework.tensor_shape import TensorShape, as_shape
from minitf.ops import array_ops

__all__ = ["PartitionedVariable", "fixed_size_partitioner", "min_max_variable_partitioner",
           "variable_axis_size_partitioner"]


class PartitionedVariable:
    """The shards of one variable, iterable in order; converts to their concatenation.

    Example:
        >>> with tf.variable_scope("embed", partitioner=tf.fixed_size_partitioner(3)):
        ...     table = tf.get_variable("table", [10, 4])
        >>> [v.name for v in table]   # embed/table/part_0:0 ... part_2:0, rows 4, 3, 3
        >>> table.get_shape()         # TensorShape([10, 4])
    """

    def __init__(self, name, shape, dtype, variable_list, partitions):
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        self._name = name
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._variables = list(variable_list)
        self._partitions = list(partitions)
        if int(np.prod(self._partitions)) != len(self._variables):
            raise ValueError("variable_list length %d does not match partitions %s"
                             % (len(self._variables), self._partitions))

    name = property(lambda self: self._name, doc="The full name, without a shard suffix.")
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape, doc="The shape of the whole variable.")

    def get_shape(self):
        return self._shape

    def __iter__(self):
        return iter(self._variables)

    def __len__(self):
        return len(self._variables)

    def _get_variable_list(self):
        return list(self._variables)

    def _get_partitions(self):
        return list(self._partitions)

    def as_tensor(self):
        """The shards concatenated along the partitioned axis (a copy: read-only)."""
        if len(self._variables) == 1:
            return array_ops.identity(self._variables[0])
        return array_ops.concat(self._variables, _cut_axis(self._partitions),
                                name=self._name + "/ConcatPartitions")

    def __repr__(self):
        return "<tf.PartitionedVariable '%s' shape=%s dtype=%s parts=%d>" % (
            self._name, self._shape, self._dtype.name, len(self._variables))


register_tensor_conversion_function(
    PartitionedVariable, lambda v, dtype=None, name=None, as_ref=False: v.as_tensor())


class PartitionInfo:
    """What an initializer is told about the shard it fills: the whole variable's shape
    and where the shard starts in it (so fan-in scaling uses the whole shape)."""

    def __init__(self, full_shape, var_offset):
        self.full_shape = list(full_shape)
        self.var_offset = list(var_offset)

    def single_offset(self, shape):
        """The offset along the one cut axis (0 when nothing is cut)."""
        axis = self.single_slice_dim(shape)
        return 0 if axis is None else self.var_offset[axis]

    def single_slice_dim(self, shape):
        """The cut axis: where the shard is shorter than the variable (None if nowhere)."""
        cut = [i for i, (s, f) in enumerate(zip(shape, self.full_shape)) if s != f]
        return cut[0] if cut else None


def for_shard(initializer, full_shape, offset):
    """``initializer`` called with the ``PartitionInfo`` of one shard."""
    if isinstance(initializer, type):
        initializer = initializer()
    info = PartitionInfo(full_shape, offset)

    def _init(shape, dtype=None, partition_info=None):
        del partition_info
        return initializer(shape, dtype=dtype, partition_info=info)
    return _init


def _cut_axis(partitions):
    cut = [i for i, p in enumerate(partitions) if p > 1]
    return cut[0] if cut else 0


def shard_shapes(shape, partitions):
    """The shapes and offsets of the shards: ``[(shape_i, offset_i)]`` along the cut axis.

    Raises ValueError when more than one axis is cut, or the list does not match the
    rank, as TF's ``get_variable`` does.
    """
    dims = as_shape(shape).as_list()
    if len(partitions) != len(dims):
        raise ValueError("Partitioner returned a partition list that does not match the "
                         "Variable's rank: %s vs. %s" % (partitions, dims))
    if any(p < 1 for p in partitions):
        raise ValueError("Partitioner returned zero partitions for some axes: %s"
                         % (partitions,))
    cut = [i for i, p in enumerate(partitions) if p > 1]
    if len(cut) > 1:
        raise ValueError("Can only slice a variable along one dimension: shape: %s, "
                         "partitioning: %s" % (dims, partitions))
    if not cut:
        return [(dims, [0] * len(dims))]
    axis = cut[0]
    n, d = partitions[axis], dims[axis]
    pieces, start = [], 0
    for i in range(n):
        size = d // n + (1 if i < d % n else 0)
        piece = list(dims)
        piece[axis] = size
        offset = [0] * len(dims)
        offset[axis] = start
        pieces.append((piece, offset))
        start += size
    return pieces


def fixed_size_partitioner(num_shards, axis=0):
    """A partitioner that cuts ``axis`` into ``num_shards`` (fewer if the axis is shorter).

    Example:
        >>> tf.get_variable("w", [10, 3], partitioner=tf.fixed_size_partitioner(4))
    """
    def _partitioner(shape, dtype):
        del dtype
        shape = as_shape(shape)
        if not shape.is_fully_defined():
            raise ValueError("shape %s is not fully defined" % (shape,))
        partitions = [1] * shape.ndims
        partitions[axis] = min(int(num_shards), shape[axis].value)
        return partitions
    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
                                 bytes_per_string_element=16):
    """A partitioner that makes shards of at least ``min_slice_size`` bytes, at most
    ``max_partitions`` of them.

    Example:
        >>> # 1000 x 64 float32 = 256,000 bytes: 4 shards of at least 64 KiB
        >>> p = tf.min_max_variable_partitioner(max_partitions=8, min_slice_size=64 << 10)
    """
    if min_slice_size <= 0:
        raise ValueError("min_slice_size must be positive, got %d" % min_slice_size)

    def _partitioner(shape, dtype):
        shape = as_shape(shape)
        if not shape.is_fully_defined():
            raise ValueError("shape %s is not fully defined" % (shape,))
        if axis >= shape.ndims:
            raise ValueError("Can not partition variable along axis %d when shape is only "
                             "%s" % (axis, shape))
        dtype = dtypes.as_dtype(dtype)
        per_element = bytes_per_string_element if dtype == dtypes.string else dtype.size
        wanted = math.ceil(shape.num_elements() * per_element / min_slice_size)
        partitions = [1] * shape.ndims
        partitions[axis] = max(1, min(shape[axis].value, max_partitions, int(wanted)))
        return partitions
    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
                                   max_shards=None):
    """A partitioner that keeps every shard under ``max_shard_bytes`` bytes."""
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError("Both max_shard_bytes and bytes_per_string_element must be "
                         "positive.")
    if max_shards is not None and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        shape = TensorShape(shape)
        if not shape.is_fully_defined():
            raise ValueError("shape %s is not fully defined" % (shape,))
        dtype = dtypes.as_dtype(dtype)
        per_element = bytes_per_string_element if dtype == dtypes.string else dtype.size
        dims = shape.as_list()
        slice_bytes = int(np.prod(dims[:axis] + dims[axis + 1:])) * per_element
        slices_per_shard = max(1, max_shard_bytes // max(slice_bytes, 1))
        shards = int(math.ceil(dims[axis] / slices_per_shard))
        if max_shards is not None:
            shards = min(shards, max_shards)
        partitions = [1] * len(dims)
        partitions[axis] = max(1, shards)
        return partitions
    return _partitioner
