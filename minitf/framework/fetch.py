"""What ``Session.run`` takes and gives back: fetch structures and fed values.

A fetch may be one graph element or any nesting of lists, tuples, namedtuples
and dicts of them.  ``FetchMapper`` flattens it into unique elements for the
plan and rebuilds the caller's structure around the computed values.
"""
import numpy as np

from minitf.framework import errors
from minitf.framework.graph import Tensor
from minitf.framework.indexed_slices import IndexedSlices, IndexedSlicesValue
from minitf.framework.sparse_tensor import SparseTensor, SparseTensorValue


class FetchMapper:
    """Flattens a nested fetch structure into unique graph elements and back."""

    def __init__(self, graph, fetches):
        self.elements = []
        self._index = {}
        self._n_tensors = 0  # leaves index values by their position among tensors
        self._graph = graph
        self._structure = self._flatten(fetches)

    def _flatten(self, f):
        if f is None:
            raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
        if isinstance(f, dict):
            return ("dict", type(f), [(k, self._flatten(v)) for k, v in f.items()])
        if isinstance(f, tuple) and hasattr(f, "_fields"):
            return ("namedtuple", type(f), [self._flatten(v) for v in f])
        if isinstance(f, (list, tuple)):
            return ("seq", type(f), [self._flatten(v) for v in f])
        if isinstance(f, IndexedSlices):
            parts = [f.values, f.indices, f.dense_shape]
            return ("namedtuple", IndexedSlicesValue,
                    [("none", None, None) if t is None else self._flatten(t) for t in parts])
        if isinstance(f, SparseTensor):
            return ("namedtuple", SparseTensorValue,
                    [self._flatten(t) for t in (f.indices, f.values, f.dense_shape)])
        try:
            elem = self._graph.as_graph_element(f)
        except (TypeError, ValueError, KeyError) as e:
            raise type(e)("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                          % (f, e.args[0] if e.args else e)) from None
        if not isinstance(elem, Tensor):
            if elem not in self._index:
                self._index[elem] = None
                self.elements.append(elem)
            return ("leaf", None, None)  # an Operation fetches as None
        if elem not in self._index:
            self._index[elem] = self._n_tensors
            self._n_tensors += 1
            self.elements.append(elem)
        return ("leaf", None, self._index[elem])

    def build(self, values):
        return _rebuild(self._structure, values)


def _rebuild(node, values):
    kind, typ, payload = node
    if kind == "leaf":
        return None if payload is None else values[payload]
    if kind == "none":
        return None
    if kind == "dict":
        return typ((k, _rebuild(v, values)) for k, v in payload)
    if kind == "namedtuple":
        return typ(*[_rebuild(v, values) for v in payload])
    return typ(_rebuild(v, values) for v in payload)


def fetch_key(f):
    """A hashable key for a fetch structure (raises TypeError when unhashable)."""
    if isinstance(f, dict):
        return ("d", type(f), tuple((k, fetch_key(v)) for k, v in f.items()))
    if isinstance(f, (list, tuple)):
        return (type(f),) + tuple(fetch_key(v) for v in f)
    return f


def feed_value(t, value, np_dtype, shape):
    """Convert a fed value to the tensor's dtype and check its static shape."""
    if not (isinstance(value, np.ndarray) and value.dtype == np_dtype):
        try:
            if np_dtype is np.object_:
                value = _as_bytes_array(value)
            else:
                value = np.asarray(value, dtype=np_dtype)
        except (TypeError, ValueError) as e:
            raise TypeError("Cannot feed value %r for Tensor '%s' of dtype %s: %s\n  (tensor "
                            "created at %s)" % (_short(value), t.name, t.dtype.name, e,
                                                errors.format_location(t.op.traceback))) from None
    if shape is not None:
        vs = value.shape
        if len(vs) != len(shape) or any(d is not None and d != v for d, v in zip(shape, vs)):
            raise ValueError("Cannot feed value of shape %r for Tensor '%s', which has shape "
                             "'%s'\n  (tensor created at %s)" % (
                                 vs, t.name, t.shape, errors.format_location(t.op.traceback)))
    return value


def _as_bytes_array(value):
    arr = np.asarray(value, dtype=object)
    flat = [v.encode() if isinstance(v, str) else v for v in arr.ravel()]
    for v in flat:
        if not isinstance(v, bytes):
            raise TypeError("expected bytes or str, got %s" % type(v).__name__)
    out = np.empty(arr.shape, dtype=object)
    out.ravel()[:] = flat
    return out


def _short(value):
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def fetched(v):
    """A fetched value as TF returns it: arrays you may modify, scalars as numpy scalars."""
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return v[()]
        if not v.flags.writeable:
            return v.copy()
    return v
