"""Queues: ``FIFOQueue``, ``RandomShuffleQueue``, ``PaddingFIFOQueue``, ``PriorityQueue``.

A queue holds elements, each a tuple of tensors ("components") of fixed
dtypes.  Producer threads run its ``enqueue`` op while consumers run its
``dequeue`` op, each in its own ``Session.run``; the ops block for real, a
dequeue on an empty queue until another thread enqueues, an enqueue on a full
queue until another dequeues.  ``close()`` ends the stream: a dequeue that can
no longer be served raises ``OutOfRangeError``, which is how input pipelines
say "end of data".

A queue lives in a session, like a variable's value: running its queue op
creates it there on first use (named ``_<n>_<op name>``, or ``shared_name``), so
two sessions on one graph have two queues.  The queue op's output is the
queue's handle (a string scalar here; TF uses a resource), which every other
queue op takes as input 0.

Order of the blocks: the Python classes, then each op (registration, kernel,
shape function).  None of them has a gradient.
"""

import numpy as np

from minitf.framework import dtypes as _dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import Dimension, TensorShape, as_shape, unknown_shape
from minitf.ops import random_ops, session_resources
from minitf.ops.gather_ops import gather
from minitf.ops.blocking_queue import BlockingQueue, FifoOrder, PriorityOrder, ShuffleOrder
from minitf.ops.op_util import (const_scalar_int, dims_text, invalid, kernel_outputs, make_op,
                                op_scope, scalar_shape)
from minitf.ops.shape_ops import stack

__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue", "PaddingFIFOQueue", "PriorityQueue"]

_UNBOUNDED = 2 ** 31 - 1  # TF's capacity for a negative capacity attr


# -- the Python classes ----------------------------------------------------------------------
class QueueBase:
    """Base class of the queues: the ops that enqueue, dequeue, close and measure one queue.

    Every method builds an op; nothing happens until a session runs it.

    Example:
        >>> q = tf.FIFOQueue(3, tf.float32, shapes=[[]])
        >>> enq = q.enqueue_many([[1., 2., 3.]])
        >>> x = q.dequeue()
        >>> sess.run(enq); sess.run(x), sess.run(x)
        (1.0, 2.0)
    """

    def __init__(self, dtypes, shapes, names, queue_ref):
        self._dtypes = list(dtypes)
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes")
            self._shapes = [as_shape(s) for s in shapes]
        else:
            self._shapes = [unknown_shape() for _ in self._dtypes]
        if names is not None:
            if len(names) != len(dtypes):
                raise ValueError("Queue names must have the same length as dtypes")
            self._names = list(names)
        else:
            self._names = None
        self._queue_ref = queue_ref
        self._name = queue_ref.op.name.split("/")[-1]

    @staticmethod
    def from_list(index, queues):
        """One of ``queues``, chosen when the graph runs by the int32 scalar ``index``.

        All queues must have the same dtypes and names; the result's static shapes are
        what the queues' shapes agree on.  Its ops act on ``queues[index]``.
        """
        if not queues or not isinstance(queues, (list, tuple)) or not all(
                isinstance(q, QueueBase) for q in queues):
            raise TypeError("A list of queues expected")
        first = queues[0]
        for i, q in enumerate(queues[1:], 1):
            if q.dtypes != first.dtypes:
                raise TypeError("Queue %d has different types: %s vs. %s"
                                % (i, [t.name for t in q.dtypes], [t.name for t in first.dtypes]))
            if q.names != first.names:
                raise TypeError("Queue %d has different names: %s vs. %s"
                                % (i, q.names, first.names))
        shapes = [_common_shape([q.shapes[c] for q in queues]) for c in range(len(first.dtypes))]
        refs = [q.queue_ref for q in queues]
        with op_scope(None, "ref_select", refs + [index]) as scope:
            ref = gather(stack(refs), index, name=scope)
        return QueueBase(first.dtypes, shapes, first.names, ref)

    queue_ref = property(lambda self: self._queue_ref, doc="The queue's handle tensor.")
    name = property(lambda self: self._queue_ref.op.name, doc="The queue op's name.")
    dtypes = property(lambda self: list(self._dtypes), doc="The components' dtypes.")
    shapes = property(lambda self: list(self._shapes), doc="The components' static shapes.")
    names = property(lambda self: self._names, doc="The components' names, or None.")

    def _check_enqueue_dtypes(self, vals):
        """``vals`` (a value, list or dict by name) as one tensor per component."""
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError("Keys in dictionary to enqueue do not match names of Queue.  "
                                 "Dictionary: (%s), Queue: (%s)"
                                 % (sorted(vals.keys()), sorted(self._names)))
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        return [convert_to_tensor(v, dtype=dt, name="component_%d" % i)
                for i, (v, dt) in enumerate(zip(vals, self._dtypes))]

    def _scope(self, name, default, vals):
        values = list(vals.values()) if isinstance(vals, dict) else (
            list(vals) if isinstance(vals, (list, tuple)) else [vals])
        return op_scope(name, default, [self._queue_ref] + values)

    def enqueue(self, vals, name=None):
        """An op that adds one element; it blocks while the queue is full.

        Running it raises ``CancelledError`` if the queue is closed (or closes with
        ``cancel_pending_enqueues`` while it waits, or its session closes).
        """
        with self._scope(name, "%s_enqueue" % self._name, vals) as scope:
            vals = self._check_enqueue_dtypes(vals)
            for val, shape in zip(vals, self._shapes):
                val.shape.assert_is_compatible_with(shape)
            return make_op("QueueEnqueueV2", [self._queue_ref] + vals, [], scope,
                           {"Tcomponents": [v.dtype for v in vals], "timeout_ms": -1})

    def enqueue_many(self, vals, name=None):
        """An op that adds ``vals[i][j]`` for every j as elements (dimension 0 is the batch)."""
        with self._scope(name, "%s_EnqueueMany" % self._name, vals) as scope:
            vals = self._check_enqueue_dtypes(vals)
            batch = vals[0].shape.with_rank_at_least(1)[0]
            for val, shape in zip(vals, self._shapes):
                batch = batch.merge_with(val.shape.with_rank_at_least(1)[0])
                val.shape[1:].assert_is_compatible_with(shape)
            return make_op("QueueEnqueueManyV2", [self._queue_ref] + vals, [], scope,
                           {"Tcomponents": [v.dtype for v in vals], "timeout_ms": -1})

    def _dequeue_return_value(self, tensors):
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        return tensors[0] if len(tensors) == 1 else list(tensors)

    def _dequeue_op(self, op_type, name, n=None):
        attrs = {"component_types": list(self._dtypes), "timeout_ms": -1}
        if n is None:
            op = make_op(op_type, [self._queue_ref], self._dtypes, name, attrs)
        else:
            with op_scope(name, op_type, [self._queue_ref]) as scope:
                n = convert_to_tensor(n, dtype=_dtypes.int32, name="n")
                op = make_op(op_type, [self._queue_ref, n], self._dtypes, scope, attrs)
        return self._dequeue_return_value(op._outputs)

    def dequeue(self, name=None):
        """The components of the next element; running it blocks while the queue is empty.

        On a closed queue with no element left it raises ``OutOfRangeError``.
        """
        return self._dequeue_op("QueueDequeueV2", name or "%s_Dequeue" % self._name)

    def dequeue_many(self, n, name=None):
        """``n`` elements stacked along a new dimension 0 (shape ``[n] + shape``).

        Blocks until ``n`` elements came; ``OutOfRangeError`` if the queue is closed
        with fewer.  Needs component shapes (PaddingFIFOQueue pads to each batch's max).
        """
        return self._dequeue_op("QueueDequeueManyV2", name or "%s_DequeueMany" % self._name, n)

    def dequeue_up_to(self, n, name=None):
        """Like ``dequeue_many``, but once the queue is closed it returns what is left
        (between 1 and ``n`` elements); static shape ``[None] + shape``."""
        return self._dequeue_op("QueueDequeueUpToV2", name or "%s_DequeueUpTo" % self._name, n)

    def close(self, cancel_pending_enqueues=False, name=None):
        """An op that closes the queue: later enqueues fail, dequeues drain what is left.

        With ``cancel_pending_enqueues`` the enqueues waiting on a full queue end
        with ``CancelledError``; without, they still complete (the close waits for them).
        """
        return make_op("QueueCloseV2", [self._queue_ref], [], name or "%s_Close" % self._name,
                       {"cancel_pending_enqueues": bool(cancel_pending_enqueues)})

    def is_closed(self, name=None):
        """A bool scalar: has the queue been closed?"""
        return make_op("QueueIsClosedV2", [self._queue_ref], [_dtypes.bool],
                       name or "%s_Is_Closed" % self._name)._outputs[0]

    def size(self, name=None):
        """An int32 scalar: how many elements the queue holds."""
        return make_op("QueueSizeV2", [self._queue_ref], [_dtypes.int32],
                       name or "%s_Size" % self._name)._outputs[0]


def _common_shape(shapes):
    """The most specific shape every one of ``shapes`` is compatible with."""
    if any(s.ndims is None for s in shapes) or len({s.ndims for s in shapes}) > 1:
        return unknown_shape()
    dims = [set(d) for d in zip(*[s.as_list() for s in shapes])]
    return TensorShape([d.pop() if len(d) == 1 else None for d in dims])


def _as_type_list(dtypes):
    if not isinstance(dtypes, (list, tuple)):
        dtypes = [dtypes]
    return [_dtypes.as_dtype(d) for d in dtypes]


def _as_shape_list(shapes, unknown_dim_allowed=False):
    """``shapes`` (one shape or a list of them) as a list of TensorShapes, or None."""
    if unknown_dim_allowed and (not isinstance(shapes, (list, tuple)) or not shapes or any(
            s is None or isinstance(s, int) for s in shapes)):
        raise ValueError("When providing partial shapes, a list of shapes must be provided.")
    if shapes is None:
        return None
    if isinstance(shapes, TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("shapes must be a TensorShape or a list or tuple of TensorShapes.")
    if all(s is None or isinstance(s, int) for s in shapes):
        shapes = [shapes]  # one shape given as a list of dims
    shapes = [as_shape(s) for s in shapes]
    if not unknown_dim_allowed and any(not s.is_fully_defined() for s in shapes):
        raise ValueError("All shapes must be fully defined: %s" % shapes)
    if any(s.ndims is None for s in shapes):
        raise ValueError("All shapes must have a defined rank: %s" % shapes)
    return shapes


def _as_name_list(names, dtypes):
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(dtypes):
        raise ValueError("List of names must have the same length as the list of dtypes")
    return list(names)


def _queue_op(op_type, name, attrs):
    """The queue op, outside any control dependency (TF builds it in an init scope)."""
    with get_default_graph().control_dependencies(None):
        return make_op(op_type, [], [_dtypes.string], name,
                       dict(attrs, container="", shared_name=attrs["shared_name"] or ""))


class FIFOQueue(QueueBase):
    """A queue that dequeues elements in the order they were enqueued.

    Args:
        capacity: the most elements it holds; an enqueue on a full queue waits.
        dtypes: a DType or list of them, one per component.
        shapes: None (any shapes; then no ``dequeue_many``) or one fully defined
            shape per component.
        names: None, or one name per component: enqueue takes and dequeue returns dicts.
        shared_name: queues with one shared_name in a session are one queue.
        name: the queue op's name.

    Example:
        >>> q = tf.FIFOQueue(10, [tf.int32, tf.string], shapes=[[], []])
        >>> enq = q.enqueue([7, "seven"]); number, word = q.dequeue()
    """

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        ref = _queue_op("FIFOQueueV2", name, {
            "component_types": dtypes, "shapes": shapes or [], "capacity": int(capacity),
            "shared_name": shared_name})._outputs[0]
        super().__init__(dtypes, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """A FIFOQueue whose ``dequeue_many`` pads each component to the batch's largest shape.

    ``shapes`` is required; a None dimension may vary between elements, and
    ``dequeue_many`` zero-pads it (empty strings for string components) to the
    largest size among the elements of that batch.

    Example:
        >>> q = tf.PaddingFIFOQueue(5, tf.int32, shapes=[[None]])
        >>> # enqueue [1] and [2, 3]; dequeue_many(2) gives [[1, 0], [2, 3]]
    """

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError("Shapes must be provided for all components, but received %d "
                             "dtypes and %d shapes." % (len(dtypes), len(shapes)))
        ref = _queue_op("PaddingFIFOQueueV2", name, {
            "component_types": dtypes, "shapes": shapes, "capacity": int(capacity),
            "shared_name": shared_name})._outputs[0]
        super().__init__(dtypes, shapes, names, ref)


class RandomShuffleQueue(QueueBase):
    """A queue that dequeues a random element, keeping ``min_after_dequeue`` for mixing.

    A dequeue waits until more than ``min_after_dequeue`` elements are queued
    (unless the queue is closed), then takes one at random.  With a ``seed``
    (or a graph seed) the order repeats in every session, as TF's does: each
    dequeue picks index ``u % size`` with ``u`` the next 32-bit Philox word.

    Example:
        >>> q = tf.RandomShuffleQueue(10, 2, tf.int32, shapes=[[]], seed=7)
    """

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None,
                 seed=None, shared_name=None, name="random_shuffle_queue"):
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        seed1, seed2 = random_ops.get_seed(seed)
        if seed1 is None and seed2 is None:
            seed1, seed2 = 0, 0
        ref = _queue_op("RandomShuffleQueueV2", name, {
            "component_types": dtypes, "shapes": shapes or [], "capacity": int(capacity),
            "min_after_dequeue": int(min_after_dequeue), "seed": seed1, "seed2": seed2,
            "shared_name": shared_name})._outputs[0]
        super().__init__(dtypes, shapes, names, ref)


class PriorityQueue(QueueBase):
    """A queue that dequeues the element of lowest priority first.

    Every element has an extra first component, its int64 scalar priority: enqueue
    ``(priority, x, ...)`` and dequeue gets ``(priority, x, ...)`` back.  ``types``
    and ``shapes`` describe the other components.

    Example:
        >>> q = tf.PriorityQueue(10, [tf.string], shapes=[[]])
        >>> enq = q.enqueue_many([[3, 1, 2], ["c", "a", "b"]])   # dequeues a, b, c
    """

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types = _as_type_list(types)
        shapes = _as_shape_list(shapes)
        ref = _queue_op("PriorityQueueV2", name, {
            "component_types": types, "shapes": shapes or [], "capacity": int(capacity),
            "shared_name": shared_name})._outputs[0]
        super().__init__([_dtypes.int64] + types, [()] + shapes if shapes else shapes,
                         names, ref)


# -- the queue ops: create a queue in the session on first use ------------------------------
_QUEUES = "queue resources"      # ctx.state key: resource name -> BlockingQueue
_KINDS = {"FIFOQueueV2": "FIFOQueue", "PaddingFIFOQueueV2": "PaddingFIFOQueue",
          "RandomShuffleQueueV2": "RandomShuffleQueue", "PriorityQueueV2": "PriorityQueue"}
# TF's DataTypeString where it differs from the DType's name.
_TF_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def _queue_kernel(ctx):
    queue, _ = session_resources.resource_of(
        ctx, _QUEUES, lambda name: _new_queue(ctx, name),
        lambda queue: _check_shared(ctx, queue, _queue_spec(ctx)))
    return session_resources.handle(queue.name)


def _component_spec(op):
    """(dtypes, shapes or None) of every component of queue op ``op``'s elements."""
    types, shapes = list(op._attrs["component_types"]), list(op._attrs["shapes"]) or None
    if op.type == "PriorityQueueV2":
        types = [_dtypes.int64] + types
        shapes = [TensorShape([])] + shapes if shapes else None
    return types, shapes and [as_shape(s) for s in shapes]


def _queue_spec(ctx):
    """What a queue op asks for: (type, capacity, dtypes, shapes, min_after_dequeue, seeds)."""
    op, a = ctx.op, ctx.attrs
    capacity = a["capacity"] if a["capacity"] >= 0 else _UNBOUNDED
    types, shapes = _component_spec(op)
    return (op.type, capacity, types, shapes, a.get("min_after_dequeue"),
            (a.get("seed", 0), a.get("seed2", 0)))


def _new_queue(ctx, name):
    op, a = ctx.op, ctx.attrs
    spec = _queue_spec(ctx)
    capacity = spec[1]
    if op.type == "RandomShuffleQueueV2":
        m = a["min_after_dequeue"]
        if m < 0:
            raise invalid(ctx, "min_after_dequeue %d must be >= 0" % m)
        if m >= capacity:
            raise invalid(ctx, "min_after_dequeue %d must be < capacity %d" % (m, capacity))
        order = ShuffleOrder(m, a["seed"], a["seed2"])
    else:
        order = PriorityOrder() if op.type == "PriorityQueueV2" else FifoOrder()
    return BlockingQueue(_KINDS[op.type], name, capacity, order, spec)


def _check_shared(ctx, queue, spec):
    """TF's checks that a shared_name's later users ask for the queue it has."""
    (kind, capacity, types, shapes, after, seeds), have = spec, queue.spec
    name = queue.name
    if kind != have[0]:
        raise invalid(ctx, "Expected %s, found %s" % (have[0][:-2], kind))
    if capacity != have[1]:
        raise invalid(ctx, "Shared queue '%s' has capacity %d but requested capacity was %d"
                      % (name, have[1], capacity))
    if after != have[4]:
        raise invalid(ctx, "Shared queue '%s' has min_after_dequeue %d but requested "
                      "min_after_dequeue was %d." % (name, have[4], after))
    if seeds != (0, 0) and seeds != have[5]:
        raise invalid(ctx, "Shared queue '%s' has random seeds (%d, %d) but requested seeds "
                      "are (%d, %d)." % ((name,) + have[5] + seeds))
    if types != have[2]:
        raise invalid(ctx, "Shared queue '%s' has component types %s but requested component "
                      "types were %s" % (name, _type_list(have[2]), _type_list(types)))
    if [s and s.as_tuple_or_none() for s in shapes or ()] != [
            s and s.as_tuple_or_none() for s in have[3] or ()]:
        raise invalid(ctx, "Shared queue '%s' has component shapes %s but requested component "
                      "shapes were %s" % (name, _shape_list(have[3]), _shape_list(shapes)))


def _type_list(types):
    return ", ".join(_TF_TYPE_NAMES.get(t.name, t.name) for t in types)


def _shape_list(shapes):
    return "[%s]" % ", ".join(dims_text(s.as_list()) for s in shapes or ())


for _type in _KINDS:
    register(_type, _queue_kernel, scalar_shape, NO_GRADIENT, stateful=True)

QUEUE_OP_TYPES = frozenset(_KINDS)  # the op types that make a queue


def session_queue(session, queue):
    """The queue resource that ``queue`` is in ``session``, or None before a run there made it.

    For monitors: it reads the session's resource store and runs no op, so it never
    blocks; the resource's ``stats()`` gives its size and counters.

    Args:
        session: a ``tf.Session``.
        queue: a queue (``tf.FIFOQueue``...), its handle tensor or its queue op.
    """
    op = queue.queue_ref.op if isinstance(queue, QueueBase) else getattr(queue, "op", queue)
    if getattr(op, "type", None) not in _KINDS:
        raise TypeError("Expected a queue, its handle or its queue op, got %r" % (queue,))
    state = session._state
    name = state.get(op)
    return None if name is None else state.get(_QUEUES, {}).get(name)


def queue_of(ctx, handle):
    """The session's queue that ``handle`` names."""
    return session_resources.lookup(ctx, _QUEUES, handle, "QueueInterface", "queue")


def _handle_op(op):
    """The queue op behind a queue op's handle input, or None."""
    producer = op._inputs[0].op
    return producer if producer.type in _KINDS else None


def _queue_shapes(op):
    """The static component shapes of the queue behind ``op``'s handle, else None."""
    qop = _handle_op(op)
    return None if qop is None else _component_spec(qop)[1]


def _no_outputs(op):
    return []


# -- QueueEnqueueV2, QueueEnqueueManyV2 ------------------------------------------------------
def _check_component(ctx, i, want, got):
    """TF's ValidateTuple: component ``i`` has shape ``want`` (None: any size, as a
    PaddingFIFOQueue's partial shapes allow)."""
    if len(got) != len(want) or any(w is not None and w != g for w, g in zip(want, got)):
        raise invalid(ctx, "Shape mismatch in tuple component %d. Expected %s, got %s"
                      % (i, dims_text(want), dims_text(got)))


def _check_priority(ctx, queue, shape):
    if queue.kind == "PriorityQueue" and len(shape):
        raise invalid(ctx, "Expected the priority element to be a scalar, but received "
                      "shape: %s" % dims_text(shape))


def _enqueue_kernel(ctx, handle, *components):
    queue = queue_of(ctx, handle)
    shapes = queue.spec[3]
    if shapes is not None:
        for i, c in enumerate(components):
            _check_component(ctx, i, shapes[i].as_list(), np.shape(c))
    _check_priority(ctx, queue, np.shape(components[0]))
    # A private copy: the caller may change a fed array in place after the run.
    queue.enqueue_many([tuple(np.array(c) for c in components)], ctx.wait)
    return ()


def _enqueue_many_kernel(ctx, handle, *components):
    queue = queue_of(ctx, handle)
    shapes = queue.spec[3]
    batch = np.shape(components[0])[0] if np.ndim(components[0]) else 0
    for i, c in enumerate(components):
        if shapes is not None:
            _check_component(ctx, i, [batch] + shapes[i].as_list(), np.shape(c))
        elif np.ndim(c) == 0 or np.shape(c)[0] != batch:
            raise invalid(ctx, "All input tensors must have the same size in the 0th dimension. "
                          "Component %d has %s, and should have %d"
                          % (i, np.shape(c)[0] if np.ndim(c) else "no 0th dimension", batch))
    _check_priority(ctx, queue, np.shape(components[0])[1:])
    batches = [np.array(c) for c in components]  # private copies, sliced into elements
    queue.enqueue_many([tuple(b[j, ...] for b in batches) for j in range(batch)], ctx.wait)
    return ()


register("QueueEnqueueV2", _enqueue_kernel, _no_outputs, NO_GRADIENT, stateful=True)
register("QueueEnqueueManyV2", _enqueue_many_kernel, _no_outputs, NO_GRADIENT, stateful=True)


# -- QueueDequeueV2, QueueDequeueManyV2, QueueDequeueUpToV2 ---------------------------------
def _dequeue_kernel(ctx, handle):
    (element,) = queue_of(ctx, handle).dequeue_many(1, False, ctx.wait)
    return kernel_outputs(element)


def _batch(ctx, queue, elements, n):
    """Stack the dequeued elements per component, padding PaddingFIFOQueue's None dims."""
    shapes = queue.spec[3]
    out = []
    for i, t in enumerate(ctx.op._outputs):
        dt = t.dtype.as_numpy_dtype
        want = shapes[i].as_list()
        parts = [e[i] for e in elements]
        if all(d is not None for d in want):
            out.append(np.stack(parts).astype(dt, copy=False) if parts
                       else np.zeros([0] + want, dt))
            continue
        dims = [d if d is not None else max((np.shape(p)[j] for p in parts), default=0)
                for j, d in enumerate(want)]
        batch = np.full([n] + dims, b"" if dt is np.object_ else 0, dt)
        for k, p in enumerate(parts):
            batch[(k,) + tuple(slice(0, s) for s in np.shape(p))] = p
        out.append(batch)
    return kernel_outputs(out)


def _dequeue_many_kernel(ctx, handle, n, allow_smaller=False):
    queue = queue_of(ctx, handle)
    n = int(n)
    if n < 0:
        raise invalid(ctx, "%s requested %d < 0 elements"
                      % ("DequeueUpToOp" if allow_smaller else "DequeueManyOp", n))
    if queue.spec[3] is None:
        raise invalid(ctx, "PriorityQueue's DequeueMany requires the components to have "
                      "specified shapes." if queue.kind == "PriorityQueue" else
                      "%s's DequeueMany and DequeueUpTo require the components to have "
                      "specified shapes." % queue.kind)
    elements = queue.dequeue_many(n, allow_smaller, ctx.wait) if n else []
    return _batch(ctx, queue, elements, len(elements))


def _dequeue_up_to_kernel(ctx, handle, n):
    return _dequeue_many_kernel(ctx, handle, n, allow_smaller=True)


def _dequeue_shape(op):
    shapes = _queue_shapes(op)
    return shapes or [unknown_shape() for _ in op._outputs]


def _dequeue_many_shape(op):
    """``[n] + shape`` per component (``[None] + shape`` for DequeueUpTo)."""
    shapes = _queue_shapes(op)
    batch = const_scalar_int(op._inputs[1]) if op.type == "QueueDequeueManyV2" else None
    head = TensorShape([Dimension(batch)])
    return [head.concatenate(s) for s in shapes] if shapes else \
        [unknown_shape() for _ in op._outputs]


register("QueueDequeueV2", _dequeue_kernel, _dequeue_shape, NO_GRADIENT, stateful=True)
register("QueueDequeueManyV2", _dequeue_many_kernel, _dequeue_many_shape, NO_GRADIENT,
         stateful=True)
register("QueueDequeueUpToV2", _dequeue_up_to_kernel, _dequeue_many_shape, NO_GRADIENT,
         stateful=True)


# -- QueueCloseV2, QueueSizeV2, QueueIsClosedV2 --------------------------------------------
def _close_kernel(ctx, handle):
    queue_of(ctx, handle).close(ctx.attrs["cancel_pending_enqueues"], ctx.wait)
    return ()


register("QueueCloseV2", _close_kernel, _no_outputs, NO_GRADIENT, stateful=True)
register("QueueSizeV2", lambda ctx, handle: np.int32(queue_of(ctx, handle).size()),
         scalar_shape, NO_GRADIENT, stateful=True)
register("QueueIsClosedV2", lambda ctx, handle: np.bool_(queue_of(ctx, handle).is_closed()),
         scalar_shape, NO_GRADIENT, stateful=True)
