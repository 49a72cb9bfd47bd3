"""Iterator ops of ``tf.data``: IteratorV2, MakeIterator, OneShotIterator, IteratorGetNext.

A dataset (``minitf/data``) is a Python description of a pipeline, not graph
ops; what the graph holds is its *captures*, the tensors the pipeline reads
(the arrays of ``from_tensor_slices``, a file name placeholder, what a map
function reads from outside).  ``MakeIterator`` takes them as inputs, so they
are computed in the run that initializes the iterator, and starts the
pipeline over their values in the session's iterator resource.
``IteratorGetNext`` then pulls one element per run.  As TF's are, the
iterator is a per-session resource: two sessions iterate independently.

The dataset object only has to offer ``_start(ctx, values)``, which returns a
pipeline whose ``next(ctx)`` gives the next element (a tuple of numpy arrays, one
per component) or None at the end; ``ctx`` is the context of the kernel asking,
so that a pipeline that waits (prefetch) waits within that run's deadline.
None of these ops has a gradient.
"""
import threading

from minitf.framework import dtypes as _dtypes
from minitf.framework import errors
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.ops import session_resources
from minitf.ops.op_util import invalid, make_op, scalar_shape

_ITERATORS = "iterator resources"  # ctx.state key: resource name -> _IteratorResource
_NOT_INITIALIZED = ("GetNext() failed because the iterator has not been initialized. Ensure "
                    "that you have run the initializer operation for this iterator before "
                    "getting the next element.")


class _IteratorResource:
    """One iterator in one session: the running pipeline, or None before initialization."""

    def __init__(self, name, types, shapes):
        self.name, self.types, self.shapes = name, types, shapes
        self.elements = None
        self.lock = threading.Lock()  # one get_next at a time, as TF's iterator mutex

    def start(self, ctx, dataset, values):
        with self.lock:
            self.elements = dataset._start(ctx, values)

    def get_next(self, ctx):
        with self.lock:
            if self.elements is None:
                raise errors.FailedPreconditionError(None, ctx.op, _NOT_INITIALIZED)
            element = self.elements.next(ctx)
        if element is None:
            raise errors.OutOfRangeError(None, ctx.op, "End of sequence")
        return element


# -- the ops' builders (the Python API is in minitf/data/iterator_ops.py) ----------------------
def iterator_v2(shared_name, types, shapes, name):
    """The handle of a new iterator resource (a string scalar naming it)."""
    return make_op("IteratorV2", [], [_dtypes.string], name or "Iterator", {
        "shared_name": shared_name or "", "container": "", "output_types": list(types),
        "output_shapes": list(shapes)})._outputs[0]


def make_iterator(dataset, handle, name):
    """The op that (re)starts the iterator ``handle`` names over ``dataset``."""
    return make_op("MakeIterator", [handle] + dataset._captures(), [], name or "MakeIterator",
                   {"dataset": dataset})


def one_shot_iterator(dataset, types, shapes, name):
    """The handle of an iterator that starts over ``dataset`` on its first run in a session."""
    return make_op("OneShotIterator", dataset._captures(), [_dtypes.string],
                   name or "OneShotIterator", {
                       "dataset": dataset, "shared_name": "", "container": "",
                       "output_types": list(types), "output_shapes": list(shapes)})._outputs[0]


def iterator_get_next(handle, types, shapes, name):
    """The next element's components; running it past the end raises OutOfRangeError."""
    return make_op("IteratorGetNext", [handle], list(types), name or "IteratorGetNext", {
        "output_types": list(types), "output_shapes": list(shapes)})._outputs


# -- IteratorV2, OneShotIterator: create the resource in the session on first use ------------
def _create(ctx):
    """The session's resource for ``ctx.op`` (made on its first run), and whether it is new."""
    a = ctx.attrs

    def check_shared(resource):
        if resource.types != a["output_types"]:
            raise invalid(ctx, "Shared iterator '%s' has output types %s, not %s" % (
                resource.name, [t.name for t in resource.types],
                [t.name for t in a["output_types"]]))
    return session_resources.resource_of(
        ctx, _ITERATORS, lambda name: _IteratorResource(name, a["output_types"],
                                                        a["output_shapes"]), check_shared)


def _handle(resource):
    return session_resources.handle(resource.name)


def _iterator_kernel(ctx):
    return _handle(_create(ctx)[0])


def _one_shot_kernel(ctx, *captures):
    resource, new = _create(ctx)
    if new:
        resource.start(ctx, ctx.attrs["dataset"], captures)
    return _handle(resource)


register("IteratorV2", _iterator_kernel, scalar_shape, NO_GRADIENT, stateful=True)
register("OneShotIterator", _one_shot_kernel, scalar_shape, NO_GRADIENT, stateful=True)


def _lookup(ctx, handle):
    return session_resources.lookup(ctx, _ITERATORS, handle, "IteratorResource", "iterator")


# -- MakeIterator, IteratorGetNext -------------------------------------------------------------
def _make_iterator_kernel(ctx, handle, *captures):
    _lookup(ctx, handle).start(ctx, ctx.attrs["dataset"], captures)
    return ()


def _get_next_kernel(ctx, handle):
    resource = _lookup(ctx, handle)
    element = resource.get_next(ctx)
    return element[0] if len(element) == 1 else tuple(element)


def _get_next_shape(op):
    return [TensorShape(s) for s in op._attrs["output_shapes"]]


register("MakeIterator", _make_iterator_kernel, lambda op: [], NO_GRADIENT, stateful=True)
register("IteratorGetNext", _get_next_kernel, _get_next_shape, NO_GRADIENT, stateful=True)
