"""``tf.data.Dataset``: input pipelines as chains of transformations.

A ``Dataset`` here is a Python description of its pipeline: its element
structure (``output_types``, ``output_shapes``, ``output_classes``), the tensors
it reads (its *captures*) and how to produce its elements.  Iterators
(``iterator_ops.py``) hand the captures to the graph's ``MakeIterator`` op,
which computes them when the iterator is initialized and starts the pipeline
in the session; each ``get_next`` run then pulls one element through it.

Functions (``map``, ``filter``, ``flat_map``, ``interleave``) are traced once,
when the dataset is built: the user's function is called on placeholders
standing for one element, in the dataset's own graph, so it can use any op
(``tf.image.decode_png``, ``tf.parse_single_example``, random ops).  Per
element the pipeline runs those ops with ``session.run``, feeding the
element and the frozen values of what the function read from outside.  So
random ops draw from the session's seeded streams in element order (the
same in every session), and an error names the failing op and the user's
line, as any run's error does.

At run time an element is a tuple of numpy arrays, one per component
(``nest.flatten`` order).  ``_elements(rt)`` of each dataset yields them;
``rt`` (a ``_Runtime``) holds the captured values and the session.
"""
import collections
import gzip
import os
import threading
import zlib

import numpy as np

from minitf.data import nest
from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_to_tensor, get_default_graph
from minitf.framework.tensor_shape import TensorShape, as_shape, unknown_shape
from minitf.io.tfrecord import TFRecordOptions, tf_record_iterator
from minitf.ops import array_ops, blocking_queue, io_ops, random_ops
from minitf.ops.op_util import const_scalar_int, shape_from_tensor

__all__ = ["Dataset", "TextLineDataset", "TFRecordDataset", "FixedLengthRecordDataset"]

AUTOTUNE = -1


class _Runtime:
    """A running pipeline's world: the session, the captured tensors' values, and the
    state that datasets keep for one initialization (shuffle seeds, caches)."""

    __slots__ = ("session", "values", "state", "_ctx")

    def __init__(self, session, values, ctx=None):
        self.session, self.values, self.state = session, values, {}
        self._ctx = ctx if ctx is not None else [None]  # shared with children

    @property
    def ctx(self):
        """The kernel context of the ``get_next`` run pulling the pipeline now."""
        return self._ctx[0]

    @ctx.setter
    def ctx(self, ctx):
        self._ctx[0] = ctx

    def value(self, t):
        return self.values[t]

    def call(self, fn, args):
        """``fn``'s flat outputs (numpy arrays) for the flat element ``args``."""
        feed = dict(zip(fn.args, args))
        for t in fn.captures:
            feed[t] = self.values[t]
        return [np.asarray(v) for v in self.session.run(fn.outputs, feed)]

    def child(self, values):
        """The runtime of a dataset a function made: more values, state of its own."""
        return _Runtime(self.session, {**self.values, **values}, self._ctx)


class _Failure:
    """An element that could not be made (its map function failed, a batch of it did not
    stack...).  It travels down the pipeline in the element's place, so ``get_next``
    raises its error and the next ``get_next`` goes on with the next element, as TF's
    iterators do; ``ignore_errors()`` drops it."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


def _attempt(make, *args):
    """``make(*args)``, or a ``_Failure`` holding the op error it raised."""
    try:
        return make(*args)
    except errors.OpError as exc:
        return _Failure(exc)


class _Pipeline:
    """A started dataset: its runtime and its element generator, pulled by ``get_next``."""

    def __init__(self, dataset, ctx, values):
        self.rt = _Runtime(ctx.session, values)
        self.rt.ctx = ctx
        self.elements = dataset._elements(self.rt)

    def next(self, ctx):
        """The next element, or None at the end; waits made while computing it belong
        to ``ctx``'s run."""
        self.rt.ctx = ctx
        element = next(self.elements, None)
        if isinstance(element, _Failure):
            raise element.error
        return element


class _Spec:
    """One component's static type: its DType and TensorShape."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype, shape):
        self.dtype, self.shape = dtype, shape

    def __repr__(self):
        return "_Spec(%s, %s)" % (self.dtype.name, self.shape)


def _spec(t):
    return _Spec(t.dtype, t.shape)


class Dataset:
    """A sequence of elements, each a tensor or a (nested) tuple or dict of tensors.

    Build one from data (``from_tensor_slices``, ``range``, the file datasets),
    transform it (``map``, ``shuffle``, ``batch`` ...), then read it with an
    iterator.

    Example:
        >>> ds = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(1000, seed=1)
        >>> x, y = ds.batch(32).make_one_shot_iterator().get_next()
    """

    def __init__(self, specs):
        self._specs = specs  # nested structure of _Spec

    # -- the element structure -----------------------------------------------------------------
    @property
    def output_types(self):
        """The DType of each component, in the element's structure."""
        return nest.map_structure(lambda s: s.dtype, self._specs)

    @property
    def output_shapes(self):
        """The static TensorShape of each component, in the element's structure."""
        return nest.map_structure(lambda s: s.shape, self._specs)

    @property
    def output_classes(self):
        """The Python class of each component (``tf.Tensor``), in the element's structure."""
        return nest.map_structure(lambda s: Tensor, self._specs)

    def _flat_specs(self):
        return nest.flatten(self._specs)

    # -- what the pipeline reads and how it runs ---------------------------------------------
    def _inputs(self):
        """Tensors this dataset itself reads (its children's and functions' not included)."""
        return []

    def _parts(self):
        """Child datasets and traced functions."""
        return []

    def _captures(self):
        """Every tensor the whole pipeline reads, each once."""
        out = list(self._inputs())
        for part in self._parts():
            out += part._captures()
        return list(dict.fromkeys(out))

    def _start(self, ctx, values):
        """The pipeline ``MakeIterator`` starts: this dataset over captured ``values``."""
        return _Pipeline(self, ctx, dict(zip(self._captures(), values)))

    def _elements(self, rt):
        raise NotImplementedError

    def __iter__(self):
        raise RuntimeError("dataset.__iter__() is only supported when eager execution is "
                           "enabled.")

    # -- iterators --------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        """An iterator that starts by itself on its first ``get_next`` run in a session.

        Its pipeline may not read placeholders or variables (use an initializable one).
        """
        from minitf.data import iterator_ops
        return iterator_ops.make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        """An iterator to start (and restart) by running its ``initializer``."""
        from minitf.data import iterator_ops
        return iterator_ops.make_initializable_iterator(self, shared_name)

    # -- sources ------------------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors):
        """A dataset of one element, ``tensors`` (a tensor, tuple or dict of them)."""
        return _TensorDataset(tensors)

    @staticmethod
    def from_tensor_slices(tensors):
        """A dataset of the slices of ``tensors`` along their dimension 0.

        Example:
            >>> tf.data.Dataset.from_tensor_slices(({"x": [[1, 2], [3, 4]]}, [0, 1]))
            ... # elements ({"x": [1, 2]}, 0) and ({"x": [3, 4]}, 1)
        """
        return _TensorSliceDataset(tensors)

    @staticmethod
    def range(*args):
        """int64 scalars like Python's ``range(start, stop, step)``."""
        return _RangeDataset(*args)

    @staticmethod
    def zip(datasets):
        """Elements of several datasets side by side (a tuple or dict of datasets)."""
        return _ZipDataset(datasets)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """Elements produced by calling ``generator()`` (again at each initialization).

        Each yielded value is converted to ``output_types`` and checked against
        ``output_shapes`` (unknown when not given).
        """
        return _GeneratorDataset(generator, output_types, output_shapes, args)

    # -- transformations ----------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None):
        """``map_func(element)`` for each element (a tuple element is passed as arguments).

        ``num_parallel_calls`` is accepted; elements are mapped one at a time, in order.
        """
        return _MapDataset(self, map_func)

    def filter(self, predicate):
        """The elements for which ``predicate`` (a scalar bool tensor) is true."""
        return _FilterDataset(self, predicate)

    def flat_map(self, map_func):
        """The elements of the dataset ``map_func(element)`` returns, one dataset after another."""
        return _InterleaveDataset(self, map_func, 1, 1, "flat_map")

    def interleave(self, map_func, cycle_length=AUTOTUNE, block_length=1,
                   num_parallel_calls=None):
        """Elements of ``cycle_length`` datasets ``map_func(element)``, ``block_length`` from
        each in turn; an exhausted one is replaced by the next element's dataset."""
        if cycle_length == AUTOTUNE:
            cycle_length = os.cpu_count() or 1
        return _InterleaveDataset(self, map_func, cycle_length, block_length, "interleave")

    def batch(self, batch_size, drop_remainder=False):
        """Consecutive elements stacked along a new dimension 0 (the last batch may be
        smaller unless ``drop_remainder``)."""
        return _BatchDataset(self, batch_size, drop_remainder, None, None)

    def padded_batch(self, batch_size, padded_shapes, padding_values=None, drop_remainder=False):
        """Like ``batch``, padding each component to ``padded_shapes`` (a None dimension
        pads to the longest in the batch) with ``padding_values`` (default 0 or b"")."""
        return _BatchDataset(self, batch_size, drop_remainder, padded_shapes, padding_values)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        """Elements in random order, drawn from a buffer of ``buffer_size`` (TF's algorithm).

        With a seed (or a graph seed) the order is the same in every session and
        as in TensorFlow; ``reshuffle_each_iteration`` (default True) gives each
        epoch of a ``repeat`` after it a new order.
        """
        return _ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None):
        """The elements ``count`` times over (forever when None or -1)."""
        return _RepeatDataset(self, count)

    def take(self, count):
        """The first ``count`` elements (all when -1)."""
        return _TakeDataset(self, count)

    def skip(self, count):
        """All but the first ``count`` elements (none when -1)."""
        return _SkipDataset(self, count)

    def prefetch(self, buffer_size):
        """The same elements, computed up to ``buffer_size`` ahead by a background thread
        (``tf.data.experimental.AUTOTUNE`` picks a small buffer)."""
        return _PrefetchDataset(self, buffer_size)

    def cache(self, filename=""):
        """The same elements, kept in memory after a first complete pass."""
        if filename:
            raise NotImplementedError("minitf caches datasets in memory only (filename='').")
        return _CacheDataset(self)

    def concatenate(self, dataset):
        """This dataset's elements, then ``dataset``'s (same types and structure)."""
        return _ConcatenateDataset(self, dataset)

    def apply(self, transformation_func):
        """``transformation_func(self)``, for chaining."""
        return transformation_func(self)


# -- traced functions --------------------------------------------------------------------------
def _placeholders(specs):
    flat = [array_ops.placeholder(s.dtype, s.shape, name="arg%d" % i)
            for i, s in enumerate(nest.flatten(specs))]
    return nest.pack_sequence_as(specs, flat)


class _Function:
    """A user function traced once on placeholders for one element.

    Attributes:
        args: the placeholders, flat; ``outputs``: the flat result tensors (for a
            function returning a dataset, that dataset's captures); ``captures``:
            tensors made before tracing that the traced ops read, fed per call.
        result: what the function returned, tensors packed in its structure (or a Dataset).
    """

    def __init__(self, fn, specs, kind):
        graph = get_default_graph()
        before = len(graph.get_operations())
        with graph.control_dependencies(None), graph.name_scope("Dataset_%s" % kind):
            args = _placeholders(specs)
            result = fn(*args) if type(args) is tuple else fn(args)
            if isinstance(result, list):
                result = tuple(result)  # tf.data reads a returned list as a tuple
            if not isinstance(result, Dataset):
                result = nest.map_structure(convert_to_tensor, result)
        self.args, self.result = nest.flatten(args), result
        self.outputs = result._captures() if isinstance(result, Dataset) else nest.flatten(result)
        traced = set(graph.get_operations()[before:])
        self.captures = _captures_of(self.outputs, traced)

    def _captures(self):
        return self.captures


def _captures_of(outputs, traced):
    """Tensors from outside ``traced`` (the ops a trace made) that they read."""
    found, seen, stack = [], set(), list(outputs)
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.add(t)
        if t.op not in traced:
            found.append(t)
            continue
        stack.extend(t.op._inputs)
        for c in t.op._control_inputs:
            stack.extend(c._outputs)
    return found


# -- sources -----------------------------------------------------------------------------------
def _tensors(value):
    return nest.map_structure(lambda v: convert_to_tensor(v, name="component"), value)


class _TensorDataset(Dataset):
    def __init__(self, tensors):
        with get_default_graph().name_scope("tensors"):
            self._tensors = _tensors(tensors)
        super().__init__(nest.map_structure(_spec, self._tensors))

    def _inputs(self):
        return nest.flatten(self._tensors)

    def _elements(self, rt):
        yield tuple(np.asarray(rt.value(t)) for t in self._inputs())


class _TensorSliceDataset(_TensorDataset):
    def __init__(self, tensors):
        with get_default_graph().name_scope("tensors"):
            self._tensors = _tensors(tensors)
        batch = TensorShape([None])
        for t in nest.flatten(self._tensors):  # ValueError unless all slice one dimension 0
            batch = batch.merge_with(t.shape.with_rank_at_least(1)[:1])
        Dataset.__init__(self, nest.map_structure(lambda t: _Spec(t.dtype, t.shape[1:]),
                                                  self._tensors))

    def _elements(self, rt):
        values = [np.asarray(rt.value(t)) for t in self._inputs()]
        n = len(values[0])
        for i, v in enumerate(values[1:], 1):
            if len(v) != n:
                raise errors.InvalidArgumentError(
                    None, None, "Dimension 0 in both shapes must be equal, but are %d and %d. "
                    "Shapes are [%d] and [%d]. (component %d of from_tensor_slices)"
                    % (n, len(v), n, len(v), i))
        for i in range(n):
            yield tuple(v[i] for v in values)


def _int64(value, name):
    return convert_to_tensor(value, dtype=dtypes.int64, name=name)


def _scalar(rt, t):
    return int(np.asarray(rt.value(t)))


class _RangeDataset(Dataset):
    def __init__(self, *args):
        if not 1 <= len(args) <= 3:
            raise ValueError("Invalid arguments to RangeDataset: %s" % (args,))
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
        self._args = [_int64(v, n) for v, n in zip((start, stop, step),
                                                   ("start", "stop", "step"))]
        super().__init__(_Spec(dtypes.int64, TensorShape([])))

    def _inputs(self):
        return self._args

    def _elements(self, rt):
        start, stop, step = (_scalar(rt, t) for t in self._args)
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        for i in range(start, stop, step):
            yield (np.int64(i),)


class _ZipDataset(Dataset):
    def __init__(self, datasets):
        for ds in nest.flatten(datasets):
            if not isinstance(ds, Dataset):
                raise TypeError("The argument to `Dataset.zip()` must be a nested structure of "
                                "`Dataset` objects.")
        self._datasets = datasets
        super().__init__(nest.map_structure(lambda ds: ds._specs, datasets))

    def _parts(self):
        return nest.flatten(self._datasets)

    def _elements(self, rt):
        for parts in zip(*(ds._elements(rt) for ds in self._parts())):
            failed = [p for p in parts if isinstance(p, _Failure)]
            yield failed[0] if failed else tuple(c for part in parts for c in part)


class _GeneratorDataset(Dataset):
    def __init__(self, generator, output_types, output_shapes, args):
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        types = nest.map_structure(dtypes.as_dtype, output_types)
        if output_shapes is None:
            shapes = nest.map_structure(lambda _: unknown_shape(), types)
        else:
            shapes = nest.map_structure(lambda _, s: as_shape(s), types,
                                        _shapes_like(types, output_shapes))
        self._generator = generator
        self._args = [convert_to_tensor(a, name="generator_arg") for a in (args or ())]
        super().__init__(nest.map_structure(_Spec, types, shapes))

    def _inputs(self):
        return self._args

    def _elements(self, rt):
        args = [rt.value(a) for a in self._args]
        specs = self._flat_specs()
        for value in self._generator(*args):
            if isinstance(value, list) and nest.is_structure(self._specs):
                value = tuple(value)
            try:
                flat = nest.flatten(nest.map_structure(lambda s, v: v, self._specs, value))
            except (TypeError, ValueError) as e:
                raise errors.InvalidArgumentError(
                    None, None, "`generator` yielded an element that did not match the expected "
                    "structure. The expected structure was %s, but the yielded element was %r."
                    " (%s)" % (self.output_types, value, e)) from None
            yield tuple(_generated(v, s.dtype, s.shape) for v, s in zip(flat, specs))


def _shapes_like(types, shapes):
    """``output_shapes`` as given: a lone shape list stands for one component's shape."""
    if not nest.is_structure(types) and isinstance(shapes, (list, tuple)):
        return TensorShape(shapes) if not isinstance(shapes, TensorShape) else shapes
    return shapes


def _generated(value, dt, shape):
    np_dt = dt.as_numpy_dtype
    try:
        if dt is dtypes.string:
            array = np.array(value, dtype=object)
            array = np.vectorize(lambda s: s.encode() if isinstance(s, str) else s,
                                 otypes=[object])(array) if array.size else array
        else:
            array = np.asarray(value)
            if array.dtype.kind in "OSU":
                raise TypeError
            array = array.astype(np_dt)
    except (TypeError, ValueError):
        raise errors.InvalidArgumentError(
            None, None, "TypeError: `generator` yielded an element that could not be converted "
            "to the expected type. The expected type was %s, but the yielded element was %r."
            % (dt.name, value)) from None
    if not shape.is_compatible_with(TensorShape(array.shape)):
        raise errors.InvalidArgumentError(
            None, None, "`generator` yielded an element of shape %s where an element of shape "
            "%s was expected." % (TensorShape(array.shape), shape))
    return array


# -- transformations ---------------------------------------------------------------------------
class _UnaryDataset(Dataset):
    def __init__(self, input_dataset, specs=None):
        self._input = input_dataset
        super().__init__(input_dataset._specs if specs is None else specs)

    def _parts(self):
        return [self._input]


class _MapDataset(_UnaryDataset):
    def __init__(self, input_dataset, fn):
        self._fn = _Function(fn, input_dataset._specs, "map")
        if isinstance(self._fn.result, Dataset):
            raise TypeError("map_func returned a Dataset; use flat_map or interleave.")
        super().__init__(input_dataset, nest.map_structure(_spec, self._fn.result))

    def _parts(self):
        return [self._input, self._fn]

    def _elements(self, rt):
        for element in self._input._elements(rt):
            yield element if isinstance(element, _Failure) else _attempt(
                lambda: tuple(rt.call(self._fn, element)))


class _FilterDataset(_UnaryDataset):
    def __init__(self, input_dataset, predicate):
        self._fn = _Function(predicate, input_dataset._specs, "filter")
        out = self._fn.result
        if (nest.is_structure(out) or not isinstance(out, Tensor) or out.dtype is not dtypes.bool
                or not out.shape.is_compatible_with(TensorShape([]))):
            raise ValueError("`predicate` must return a scalar boolean tensor.")
        super().__init__(input_dataset)

    def _parts(self):
        return [self._input, self._fn]

    def _elements(self, rt):
        for element in self._input._elements(rt):
            keep = element if isinstance(element, _Failure) else _attempt(
                lambda: rt.call(self._fn, element)[0])
            if isinstance(keep, _Failure) or keep:
                yield keep if isinstance(keep, _Failure) else element


class _InterleaveDataset(_UnaryDataset):
    def __init__(self, input_dataset, fn, cycle_length, block_length, kind):
        self._fn = _Function(fn, input_dataset._specs, kind)
        if not isinstance(self._fn.result, Dataset):
            raise TypeError("`map_func` must return a `Dataset` object.")
        self._cycle = _int64(cycle_length, "cycle_length")
        self._block = _int64(block_length, "block_length")
        super().__init__(input_dataset, self._fn.result._specs)

    def _inputs(self):
        return [self._cycle, self._block]

    def _parts(self):
        return [self._input, self._fn]

    def _open(self, rt, element):
        inner = self._fn.result
        values = rt.call(self._fn, element)
        return inner._elements(rt.child(dict(zip(self._fn.outputs, values))))

    def _elements(self, rt):
        # TF's InterleaveDataset: a cycle of open datasets read round robin, a block each.
        cycle, block = _scalar(rt, self._cycle), _scalar(rt, self._block)
        if cycle <= 0:
            raise errors.InvalidArgumentError(None, None, "cycle_length must be greater than zero.")
        if block <= 0:
            raise errors.InvalidArgumentError(None, None, "block_length must be greater than zero.")
        inputs = self._input._elements(rt)
        current, index, taken, open_count, input_done = [None] * cycle, 0, 0, 0, False
        while not input_done or open_count:
            if current[index] is not None:
                element = next(current[index], None)
                if element is not None:
                    taken += 1
                    if taken == block:
                        index, taken = (index + 1) % cycle, 0
                    yield element
                    continue
                current[index] = None
                open_count -= 1
                index, taken = (index + 1) % cycle, 0
            elif not input_done:
                element = next(inputs, None)
                if element is None:
                    input_done = True
                    continue
                opened = element if isinstance(element, _Failure) else _attempt(
                    self._open, rt, element)
                if isinstance(opened, _Failure):
                    yield opened
                    continue
                current[index] = opened
                open_count += 1
            else:
                index, taken = (index + 1) % cycle, 0


class _BatchDataset(_UnaryDataset):
    def __init__(self, input_dataset, batch_size, drop_remainder, padded_shapes, padding_values):
        self._size = _int64(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        n = const_scalar_int(self._size) if self._drop else None
        specs = input_dataset._specs
        self._padded = padded_shapes is not None
        if self._padded:
            padded = nest.map_structure(lambda s, p: _padded_shape(s.shape, p), specs,
                                        _shapes_like(specs, padded_shapes))
            if padding_values is None:
                padding_values = nest.map_structure(
                    lambda s: b"" if s.dtype is dtypes.string else 0, specs)
            values = nest.map_structure(
                lambda s, v: convert_to_tensor(v, dtype=s.dtype, name="padding_value"), specs,
                padding_values)
            self._pad_shapes = nest.flatten(padded)
            self._pad_values = nest.flatten(values)
            specs = nest.map_structure(lambda s, p: _Spec(s.dtype, p), specs, padded)
        super().__init__(input_dataset, nest.map_structure(
            lambda s: _Spec(s.dtype, TensorShape([n]).concatenate(s.shape)), specs))

    def _inputs(self):
        return [self._size] + (self._pad_values if self._padded else [])

    def _elements(self, rt):
        size = _scalar(rt, self._size)
        if size <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        pads = [np.asarray(rt.value(v)) for v in self._pad_values] if self._padded else None
        batch = []
        for element in self._input._elements(rt):
            batch.append(element)
            if len(batch) == size:
                yield self._batch_of(batch, pads)
                batch = []
        if batch and not self._drop:
            yield self._batch_of(batch, pads)

    def _batch_of(self, batch, pads):
        # as TF's batch: a batch takes its batch_size inputs, and one failed input fails it
        failed = [e for e in batch if isinstance(e, _Failure)]
        return failed[0] if failed else _attempt(self._stack, batch, pads)

    def _stack(self, batch, pads):
        out = []
        for i, spec in enumerate(self._input._flat_specs()):
            parts = [e[i] for e in batch]
            if pads is None:
                first = np.shape(parts[0])
                for j, p in enumerate(parts[1:], 1):
                    if np.shape(p) != first:
                        raise errors.InvalidArgumentError(
                            None, None, "Cannot batch tensors with different shapes in component "
                            "%d. First element had shape %s and element %d had shape %s."
                            % (i, _dims(first), j, _dims(np.shape(p))))
                out.append(np.stack(parts))
            else:
                out.append(_pad(parts, self._pad_shapes[i], pads[i], spec.dtype))
        return tuple(out)


def _dims(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def _padded_shape(shape, padded):
    """``padded`` (a shape; None or -1 for "the batch's longest") checked against ``shape``."""
    if isinstance(padded, Tensor):
        padded = shape_from_tensor(padded)
    padded = as_shape([None if d is not None and d == -1 else d for d in padded]) \
        if isinstance(padded, (list, tuple)) else as_shape(padded)
    if not padded.is_compatible_with(shape) and not (
            padded.ndims == shape.ndims and all(
                p is None or s is None or p >= s
                for p, s in zip(padded.as_list(), shape.as_list()))):
        raise ValueError("The padded shape %s is not compatible with the corresponding input "
                         "component shape %s." % (padded, shape))
    return padded


def _pad(parts, padded, value, dt):
    want = padded.as_list()
    dims = [d if d is not None else max(np.shape(p)[j] for p in parts)
            for j, d in enumerate(want)]
    out = np.full([len(parts)] + dims, value, dtype=dt.as_numpy_dtype)
    for k, p in enumerate(parts):
        if np.ndim(p) != len(dims) or any(s > d for s, d in zip(np.shape(p), dims)):
            raise errors.InvalidArgumentError(
                None, None, "Attempted to pad to a smaller size than the input element.")
        out[(k,) + tuple(slice(0, s) for s in np.shape(p))] = p
    return out


def _philox32(seed, seed2):
    """TF's SingleSampleAdapter over PhiloxRandom(seed, seed2): the next 32-bit word per call.

    RandomShuffleQueue draws from the same stream, so its order class provides it.
    """
    return blocking_queue.ShuffleOrder(0, seed, seed2)._next_word


class _ShuffleDataset(_UnaryDataset):
    def __init__(self, input_dataset, buffer_size, seed, reshuffle_each_iteration):
        self._buffer = _int64(buffer_size, "buffer_size")
        seed1, seed2 = random_ops.get_seed(seed)
        self._seeds = (seed1 or 0, seed2 or 0)
        self._reshuffle = True if reshuffle_each_iteration is None else bool(
            reshuffle_each_iteration)
        super().__init__(input_dataset)

    def _inputs(self):
        return [self._buffer]

    def _elements(self, rt, seeds=None):
        size = _scalar(rt, self._buffer)
        if size <= 0:
            raise errors.InvalidArgumentError(None, None,
                                              "buffer_size must be greater than zero.")
        seed, seed2 = seeds or self._seeds
        if seed == 0 and seed2 == 0:
            seed = int.from_bytes(os.urandom(8), "little")
            seed2 = int.from_bytes(os.urandom(8), "little")
        if self._reshuffle:
            # The seed generator TF keeps per iterator: each pass (an epoch of a repeat
            # after it) takes the next two words as its seeds.
            generator = rt.state.setdefault((self, "seeds"), _philox32(seed, seed2))
            seed, seed2 = generator(), generator()
        return self._shuffled(rt, size, _philox32(seed, seed2))

    def _shuffled(self, rt, size, random):
        # A ring buffer: fill to ``size``, then take a random element of it and move the
        # oldest into its place, as TF's ShuffleDatasetOp does.
        ring, start, end = [None] * size, 0, 0
        inputs = self._input._elements(rt)
        while True:
            while inputs is not None and end - start < size:
                element = next(inputs, None)
                if element is None:
                    inputs = None
                    break
                if isinstance(element, _Failure):
                    yield element
                    continue
                ring[end % size] = element
                end += 1
            if end == start:
                return
            i = (start + random() % (end - start)) % size
            element, ring[i], ring[start % size] = ring[i], ring[start % size], None
            start += 1
            yield element


class _RepeatDataset(_UnaryDataset):
    def __init__(self, input_dataset, count):
        self._count = _int64(-1 if count is None else count, "count")
        super().__init__(input_dataset)

    def _inputs(self):
        return [self._count]

    def _elements(self, rt):
        count, epoch = _scalar(rt, self._count), 0
        while count < 0 or epoch < count:
            empty = True
            for element in self._input._elements(rt):
                empty = False
                yield element
            if empty and count < 0:
                return  # an empty input repeated forever is empty, not an endless loop
            epoch += 1


class _TakeDataset(_UnaryDataset):
    def __init__(self, input_dataset, count):
        self._count = _int64(count, "count")
        super().__init__(input_dataset)

    def _inputs(self):
        return [self._count]

    def _elements(self, rt):
        count = _scalar(rt, self._count)
        if count == 0:
            return
        taken = 0
        for element in self._input._elements(rt):
            yield element
            taken += not isinstance(element, _Failure)
            if taken == count:
                return


class _SkipDataset(_TakeDataset):
    def _elements(self, rt):
        count = _scalar(rt, self._count)
        if count < 0:
            return
        skipped = 0
        for element in self._input._elements(rt):
            if isinstance(element, _Failure) or skipped >= count:
                yield element
            else:
                skipped += 1


class _PrefetchDataset(_UnaryDataset):
    """Computes up to ``buffer_size`` elements ahead in a thread of its own, so that the
    input pipeline works while the training step runs."""

    def __init__(self, input_dataset, buffer_size):
        self._buffer = _int64(buffer_size, "buffer_size")
        super().__init__(input_dataset)

    def _inputs(self):
        return [self._buffer]

    def _elements(self, rt):
        size = _scalar(rt, self._buffer)
        if size == AUTOTUNE:
            size = 2  # a step's worth ahead hides the pipeline's cost behind the step's
        elif size < 0:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be >= 0 or "
                                              "AUTOTUNE (-1), got %d" % size)
        if size == 0:  # nothing to hold: compute each element when it is asked for
            yield from self._input._elements(rt)
            return
        ahead = _Prefetcher(self._input._elements(rt), size)
        withdraw = rt.ctx.on_session_close(ahead.stop)
        try:
            while True:
                element = _attempt(ahead.take, rt.ctx)
                if element is None:
                    return
                yield element
        finally:  # the iterator was restarted or dropped: the thread must not outlive it
            ahead.stop()
            withdraw()


class _Prefetcher:
    """A thread that pulls ``elements`` into a buffer of ``size``, waiting while it is full."""

    _END = object()

    def __init__(self, elements, size):
        self._elements, self._size = elements, size
        self._buffer, self._error, self._stopped = collections.deque(), None, False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._fill, name="prefetch", daemon=True)
        self._thread.start()

    def _fill(self):
        try:
            with np.errstate(all="ignore"):  # this thread runs kernels: as in a run
                self._pull()
        except Exception as exc:  # handed to the consumer, in its place in the sequence
            self._error = exc
        finally:
            self._elements.close()
            with self._cond:
                self._buffer.append(self._END)
                self._cond.notify_all()

    def _pull(self):
        for element in self._elements:
            with self._cond:
                while len(self._buffer) >= self._size and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                self._buffer.append(element)
                self._cond.notify_all()

    def take(self, ctx):
        """The next element, None at the end; re-raises what the input raised."""
        with self._cond:
            ctx.wait(self._cond, lambda: self._buffer, "Prefetch cancelled")
            element = self._buffer[0]
            if element is self._END:
                if self._error is not None:
                    raise self._error
                return None
            self._buffer.popleft()
            self._cond.notify_all()
            return element

    def stop(self):
        with self._cond:
            self._stopped = True
            self._cond.notify_all()


class _IgnoreErrorsDataset(_UnaryDataset):
    def _elements(self, rt):
        for element in self._input._elements(rt):
            if not isinstance(element, _Failure):
                yield element


class _CacheDataset(_UnaryDataset):
    def _elements(self, rt):
        key = (self, "cache")
        cached = rt.state.get(key)
        if cached is not None:
            yield from cached
            return
        seen = []
        for element in self._input._elements(rt):
            seen.append(element)
            yield element
        rt.state[key] = seen  # only a complete pass is kept


class _ConcatenateDataset(Dataset):
    def __init__(self, first, second):
        if first.output_types != second.output_types:
            raise TypeError("Two datasets to concatenate have different types %s and %s"
                            % (first.output_types, second.output_types))
        self._datasets = [first, second]
        super().__init__(nest.map_structure(
            lambda a, b: _Spec(a.dtype, _most_specific(a.shape, b.shape)), first._specs,
            second._specs))

    def _parts(self):
        return self._datasets

    def _elements(self, rt):
        for ds in self._datasets:
            yield from ds._elements(rt)


def _most_specific(a, b):
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return unknown_shape()
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


# -- file datasets -----------------------------------------------------------------------------
def _filenames(filenames):
    t = convert_to_tensor(filenames, dtype=dtypes.string, name="filenames") \
        if not isinstance(filenames, Tensor) else filenames
    if t.dtype is not dtypes.string:
        raise TypeError("`filenames` must be a `tf.Tensor` of `tf.string` elements.")
    if t.shape.ndims not in (None, 0, 1):
        raise ValueError("`filenames` must be a scalar or a vector.")
    return t


class _FileDataset(Dataset):
    """Records of each file in ``filenames`` in turn; ``_records(path)`` reads one file."""

    def __init__(self, filenames, compression_type, attrs=()):
        self._files = _filenames(filenames)
        self._compression = TFRecordOptions.get_compression_type_string(compression_type)
        self._attrs = [_int64(v, n) for n, v in attrs]
        super().__init__(_Spec(dtypes.string, TensorShape([])))

    def _inputs(self):
        return [self._files] + self._attrs

    def _elements(self, rt):
        attrs = [_scalar(rt, t) for t in self._attrs]
        for name in np.asarray(rt.value(self._files), dtype=object).ravel():
            for record in self._records(os.fsdecode(name), *attrs):
                yield (np.array(record, dtype=object),)

    def _bytes(self, path):
        data = io_ops._read_whole(path)
        try:
            if self._compression == "GZIP":
                return gzip.decompress(data)
            if self._compression == "ZLIB":
                return zlib.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, "%s: unreadable %s data: %s"
                                       % (path, self._compression, e)) from None
        return data


class TextLineDataset(_FileDataset):
    """The lines of one or more text files, without their ``\\n`` or ``\\r\\n``.

    Example:
        >>> lines = tf.data.TextLineDataset(["a.csv", "b.csv"]).skip(1)
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None):
        super().__init__(filenames, compression_type)

    def _records(self, path):
        for line in self._bytes(path).splitlines(keepends=True):
            if line.endswith(b"\n"):
                line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
            yield line


class TFRecordDataset(_FileDataset):
    """The records of one or more TFRecord files (checksums checked), optionally compressed.

    Example:
        >>> ds = tf.data.TFRecordDataset("train.tfrecord").map(parse_fn)
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None):
        super().__init__(filenames, compression_type)

    def _records(self, path):
        return tf_record_iterator(path, self._compression)


class FixedLengthRecordDataset(_FileDataset):
    """Records of ``record_bytes`` bytes from files with optional header and footer bytes.

    Example:
        >>> ds = tf.data.FixedLengthRecordDataset("data_batch_1.bin", 1 + 32 * 32 * 3)
    """

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None):
        super().__init__(filenames, compression_type, [
            ("record_bytes", record_bytes), ("header_bytes", header_bytes or 0),
            ("footer_bytes", footer_bytes or 0)])

    def _records(self, path, record_bytes, header_bytes, footer_bytes):
        if record_bytes <= 0:
            raise errors.InvalidArgumentError(None, None,
                                              "record_bytes must be greater than zero.")
        data = self._bytes(path)
        end = len(data) - footer_bytes
        for start in range(header_bytes, end - record_bytes + 1, record_bytes):
            yield data[start:start + record_bytes]
