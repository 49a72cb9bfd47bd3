"""``tf.data.Iterator``: reading a dataset's elements in a session.

An iterator is a per-session resource (an ``IteratorV2`` or ``OneShotIterator``
op).  ``get_next()`` builds the op whose every run returns the next element,
and raises ``OutOfRangeError`` ("End of sequence") after the last one.  An
initializable iterator must first run its ``initializer`` (a ``MakeIterator``
op), which evaluates the tensors the pipeline reads, so feeding a placeholder
file name there picks the files; running it again starts over.
"""
from minitf.data import nest
from minitf.data.dataset_ops import Dataset
from minitf.framework import dtypes
from minitf.framework.graph import Tensor, get_default_graph
from minitf.framework.tensor_shape import as_shape, unknown_shape
from minitf.ops import dataset_ops

__all__ = ["Iterator", "make_one_shot_iterator", "make_initializable_iterator"]


class Iterator:
    """Reads the elements of a dataset, one ``get_next()`` run at a time.

    Make one with ``dataset.make_one_shot_iterator()``,
    ``dataset.make_initializable_iterator()`` or ``Iterator.from_structure``.

    Example:
        >>> it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
        >>> x = it.get_next()
        >>> init_train, init_val = it.make_initializer(train), it.make_initializer(val)
    """

    def __init__(self, iterator_resource, initializer, output_types, output_shapes,
                 output_classes):
        self._resource = iterator_resource
        self._initializer = initializer
        self._types, self._shapes, self._classes = output_types, output_shapes, output_classes

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """An iterator, not bound to a dataset, for elements of this structure.

        Start it on any dataset with that structure with ``make_initializer``.
        """
        types = nest.map_structure(dtypes.as_dtype, output_types)
        if output_shapes is None:
            shapes = nest.map_structure(lambda _: unknown_shape(), types)
        else:
            shapes = nest.map_structure(lambda _, s: as_shape(s), types, output_shapes)
        classes = nest.map_structure(lambda _: Tensor, types)
        handle = dataset_ops.iterator_v2(shared_name, nest.flatten(types), nest.flatten(shapes),
                                         "Iterator")
        return Iterator(handle, None, types, shapes, classes)

    output_types = property(lambda self: self._types, doc="Each component's DType.")
    output_shapes = property(lambda self: self._shapes, doc="Each component's static shape.")
    output_classes = property(lambda self: self._classes, doc="Each component's class.")

    @property
    def initializer(self):
        """The op that starts this iterator over its dataset (again, when run again)."""
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

    def make_initializer(self, dataset, name=None):
        """An op that starts this iterator over ``dataset`` (of the same structure)."""
        nest.assert_same_structure(self._types, dataset.output_types)
        if nest.flatten(self._types) != nest.flatten(dataset.output_types):
            raise TypeError("Expected output types %r but got dataset with output types %r."
                            % (self._types, dataset.output_types))
        if not all(a.is_compatible_with(b) for a, b in zip(
                nest.flatten(self._shapes), nest.flatten(dataset.output_shapes))):
            raise TypeError("Expected output shapes compatible with %r but got dataset with "
                            "output shapes %r." % (self._shapes, dataset.output_shapes))
        with get_default_graph().control_dependencies(None):
            return dataset_ops.make_iterator(dataset, self._resource, name)

    def get_next(self, name=None):
        """The next element, as tensors in the dataset's structure.

        Raises (when run):
            OutOfRangeError: the dataset has no more elements ("End of sequence").
            FailedPreconditionError: the iterator was not initialized.
        """
        flat = dataset_ops.iterator_get_next(self._resource, nest.flatten(self._types),
                                             nest.flatten(self._shapes), name)
        return nest.pack_sequence_as(self._types, flat)


def _check_one_shot_captures(dataset):
    for t in dataset._captures():
        if t.op.type == "Placeholder" or t.op.type.startswith("Variable"):
            kind = "placeholder" if t.op.type == "Placeholder" else "stateful node"
            raise ValueError("Cannot capture a %s (name:%s, type:%s) by value. Use "
                             "make_initializable_iterator() for a dataset that reads it."
                             % (kind, t.op.name, t.op.type))


def make_one_shot_iterator(dataset):
    """An iterator over ``dataset`` that starts by itself; it cannot be restarted."""
    if not isinstance(dataset, Dataset):
        raise TypeError("make_one_shot_iterator() needs a Dataset, got %r" % (dataset,))
    _check_one_shot_captures(dataset)
    with get_default_graph().control_dependencies(None):
        handle = dataset_ops.one_shot_iterator(dataset, nest.flatten(dataset.output_types),
                                               nest.flatten(dataset.output_shapes), None)
    return Iterator(handle, None, dataset.output_types, dataset.output_shapes,
                    dataset.output_classes)


def make_initializable_iterator(dataset, shared_name=None):
    """An iterator over ``dataset`` that its ``initializer`` starts (and restarts)."""
    if not isinstance(dataset, Dataset):
        raise TypeError("make_initializable_iterator() needs a Dataset, got %r" % (dataset,))
    with get_default_graph().control_dependencies(None):
        handle = dataset_ops.iterator_v2(shared_name, nest.flatten(dataset.output_types),
                                         nest.flatten(dataset.output_shapes), "Iterator")
        init = dataset_ops.make_iterator(dataset, handle, None)
    return Iterator(handle, init, dataset.output_types, dataset.output_shapes,
                    dataset.output_classes)
