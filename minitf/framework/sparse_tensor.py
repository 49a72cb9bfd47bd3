"""``tf.SparseTensor``: a tensor given by its non-zero entries.

A SparseTensor of dense shape ``[3, 4]`` holding 2 at ``[0, 1]`` and 5 at
``[2, 3]`` is three dense tensors: ``indices`` (int64 ``[N, ndims]``, one row
per entry, in row-major order), ``values`` (``[N]``) and ``dense_shape``
(int64 ``[ndims]``). Ops that take sparse input (``embedding_lookup_sparse``)
read the three parts; ``Session.run`` fetches one as a ``SparseTensorValue``.
"""
import collections

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_session
from minitf.framework.tensor_shape import TensorShape, unknown_shape

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])
SparseTensorValue.__doc__ = """A SparseTensor's numpy parts: int64 ``indices`` [N, ndims],
``values`` [N] and int64 ``dense_shape`` [ndims]; what ``Session.run`` returns for one."""


class SparseTensor:
    """The entries ``values[i]`` at coordinates ``indices[i]`` of a ``dense_shape`` tensor.

    Args:
        indices: int64 ``[N, ndims]`` coordinates of the entries.
        values: ``[N]`` values, any dtype.
        dense_shape: int64 ``[ndims]``, the dense tensor's shape.

    Example:
        >>> sp = tf.SparseTensor(indices=[[0, 1], [2, 3]], values=[2., 5.], dense_shape=[3, 4])
        >>> sp.get_shape()   # TensorShape([3, 4])
    """

    def __init__(self, indices, values, dense_shape):
        self._indices = convert_to_tensor(indices, dtype=dtypes.int64, name="indices")
        self._values = convert_to_tensor(values, name="values")
        self._dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64,
                                              name="dense_shape")
        self._indices.shape.with_rank(2)
        self._values.shape.with_rank(1)
        self._dense_shape.shape.with_rank(1)
        self._indices.shape[0].merge_with(self._values.shape[0])
        self._indices.shape[1].merge_with(self._dense_shape.shape[0])

    @classmethod
    def from_value(cls, value):
        """A SparseTensor from a SparseTensorValue (or returns a SparseTensor as is)."""
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    indices = property(lambda self: self._indices, doc="int64 [N, ndims] coordinates.")
    values = property(lambda self: self._values, doc="The [N] entries.")
    dense_shape = property(lambda self: self._dense_shape, doc="int64 [ndims] dense shape.")
    dtype = property(lambda self: self._values.dtype, doc="The dtype of ``values``.")
    op = property(lambda self: self._values.op, doc="The op that makes ``values``.")
    graph = property(lambda self: self._values.graph)

    def get_shape(self):
        """The static dense shape: known where ``dense_shape`` is a constant."""
        op = self._dense_shape.op
        if op.type == "Const":
            return TensorShape([int(d) for d in np.ravel(op._attrs["value"])])
        return unknown_shape(self._dense_shape.shape[0].value) \
            if self._dense_shape.shape.ndims == 1 else unknown_shape()

    shape = property(get_shape)

    def eval(self, feed_dict=None, session=None):
        """The value in ``session`` (default: the default session) as a SparseTensorValue."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate a SparseTensor without a default session.")
        return session.run(self, feed_dict)

    def __repr__(self):
        return "SparseTensor(indices=%s, values=%s, dense_shape=%s)" % (
            self._indices, self._values, self._dense_shape)


def is_sparse(x):
    """True for a SparseTensor or SparseTensorValue."""
    return isinstance(x, (SparseTensor, SparseTensorValue))


__all__ = ["SparseTensor", "SparseTensorValue"]
