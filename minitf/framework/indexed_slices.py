"""``tf.IndexedSlices``: a gradient that touches only some rows of a tensor.

The gradient of ``gather(params, ids)`` with respect to ``params`` is zero
except at the rows ``ids`` names.  For a 50,000-word embedding table and a
batch of 128 ids, a dense gradient would be 50,000 rows of mostly zeros; an
IndexedSlices keeps just the 128 rows (``values``), the row each belongs to
(``indices``, possibly repeated: repeated rows add up) and the shape of the
dense tensor it stands for (``dense_shape``).  Optimizers update only those
rows.  Where an op needs a plain tensor, ``convert_to_tensor`` densifies it,
the conversion the op library registers next to ``unsorted_segment_sum``.
"""
import collections

from minitf.framework.graph import Tensor

IndexedSlicesValue = collections.namedtuple("IndexedSlicesValue",
                                            ["values", "indices", "dense_shape"])
IndexedSlicesValue.__doc__ = """What ``Session.run`` returns for a fetched IndexedSlices:
numpy ``values``, ``indices`` and ``dense_shape`` (None when the slices have none)."""


class IndexedSlices:
    """Rows ``values[i]`` of a dense tensor of shape ``dense_shape``, at rows ``indices[i]``.

    Args:
        values: a Tensor of shape ``[n] + dense_shape[1:]``.
        indices: a 1-D integer Tensor of length ``n``.
        dense_shape: optional 1-D integer Tensor, the dense tensor's shape.

    Example:
        >>> g = tf.gradients(tf.gather(table, [3, 3, 7]), table)[0]
        >>> type(g).__name__, sess.run(g.indices)       # ('IndexedSlices', [3, 3, 7])
    """

    def __init__(self, values, indices, dense_shape=None):
        for arg, t in (("values", values), ("indices", indices), ("dense_shape", dense_shape)):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("IndexedSlices %s must be a Tensor, got %r" % (arg, t))
        self._values, self._indices, self._dense_shape = values, indices, dense_shape

    values = property(lambda self: self._values, doc="The rows, a Tensor.")
    indices = property(lambda self: self._indices, doc="The row of each value, a 1-D Tensor.")
    dense_shape = property(lambda self: self._dense_shape,
                           doc="The dense tensor's shape, a 1-D Tensor (or None).")
    name = property(lambda self: self._values.name, doc="The name of ``values``.")
    dtype = property(lambda self: self._values.dtype, doc="The dtype of ``values``.")
    op = property(lambda self: self._values.op, doc="The op that makes ``values``.")
    graph = property(lambda self: self._values.graph)
    device = property(lambda self: self._values.device)

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __repr__(self):
        shape = "" if self._dense_shape is None else ", dense_shape=%s" % self._dense_shape
        return "IndexedSlices(indices=%s, values=%s%s)" % (self._indices, self._values, shape)
