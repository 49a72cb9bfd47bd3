"""``tf.train``'s input helpers: producers that fill queues, and batching queues.

A queue-based input pipeline is built from these, each of which adds its queue
and a ``QueueRunner`` (threads that keep the queue filled) to the graph:

    files = tf.train.string_input_producer(["a.csv", "b.csv"], num_epochs=2)
    _, line = tf.TextLineReader(skip_header_lines=1).read(files)
    x, y = tf.decode_csv(line, [[0.0], [0]])
    xs, ys = tf.train.shuffle_batch([x, y], 32, capacity=200, min_after_dequeue=100)

``tf.train.start_queue_runners`` then starts the threads.  The producers
enqueue their whole input once per epoch; with ``num_epochs`` they count the
epochs in a local variable (``input_producer/limit_epochs/epochs``, so
``tf.local_variables_initializer()`` must run first) and close their queue
after the last one, which every consumer downstream sees as
``OutOfRangeError`` once the batches are drained.  The ``batch`` family
gathers single elements (or, with ``enqueue_many``, rows of batches) into
batches; ``shuffle_batch`` draws them from a ``RandomShuffleQueue``.  Each adds
TF's ``fraction_of_<capacity>_full`` scalar summary of its queue's fill.

Names, defaults and errors follow TF 1.x's ``training/input.py``.
"""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import GraphKeys, Tensor, control_dependencies, convert_to_tensor
from minitf.framework.graph import name_scope
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor_shape import as_shape, unknown_shape
from minitf.ops.constant_ops import identity
from minitf.ops.control_flow_ops import Assert
from minitf.ops.cwise_ops import cast, greater, maximum
from minitf.ops.cwise_ops import range as _range
from minitf.ops.data_flow_ops import dynamic_partition
from minitf.ops.gather_ops import gather
from minitf.ops.io_ops import count_up_to, matching_files
from minitf.ops.op_util import const_value
from minitf.ops.queue_ops import FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue
from minitf.ops.random_ops import random_shuffle
from minitf.ops.sparse_ops import (deserialize_many_sparse, serialize_many_sparse,
                                   serialize_sparse)
from minitf.ops.shape_ops import expand_dims, reshape, shape, size
from minitf.ops.variables import Variable
from minitf.summary.summary_ops import scalar as _scalar_summary
from minitf.train.queue_runner import QueueRunner, add_queue_runner

__all__ = ["match_filenames_once", "limit_epochs", "input_producer", "string_input_producer",
           "range_input_producer", "slice_input_producer", "batch", "maybe_batch",
           "batch_join", "maybe_batch_join", "shuffle_batch", "maybe_shuffle_batch",
           "shuffle_batch_join", "maybe_shuffle_batch_join"]


# -- producers -------------------------------------------------------------------------------
def match_filenames_once(pattern, name=None):
    """A local variable holding the file names that match glob ``pattern``.

    The files are listed once, when ``tf.local_variables_initializer()`` runs.

    Example:
        >>> files = tf.train.match_filenames_once("data/*.csv")
        >>> queue = tf.train.string_input_producer(files)
    """
    with name_scope(name, "matching_filenames", [pattern]) as name:
        return Variable(matching_files(pattern), name=name, trainable=False,
                        validate_shape=False, collections=[GraphKeys.LOCAL_VARIABLES])


def limit_epochs(tensor, num_epochs=None, name=None):
    """``tensor``, but only ``num_epochs`` times: the next run raises ``OutOfRangeError``.

    The count lives in a local variable ``<scope>/epochs``; run
    ``tf.local_variables_initializer()`` first.  ``num_epochs=None`` returns
    ``tensor`` unchanged.
    """
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError("num_epochs must be > 0 not %d." % num_epochs)
    with name_scope(name, "limit_epochs", [tensor]) as name:
        zero64 = convert_to_tensor(0, dtype=dtypes.int64, name="Const")
        epochs = Variable(zero64, name="epochs", trainable=False,
                          collections=[GraphKeys.LOCAL_VARIABLES])
        counter = count_up_to(epochs, num_epochs)
        with control_dependencies([counter]):
            return identity(tensor, name=name)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None,
                   cancel_op=None):
    """A FIFOQueue filled with the rows of ``input_tensor``, epoch after epoch.

    Args:
        input_tensor: a tensor of rank >= 1; its rows are the queue's elements.
        element_shape: the rows' shape, if ``input_tensor``'s is not fully known.
        num_epochs: enqueue every row this many times, then close (None: forever).
        shuffle: shuffle the rows within each epoch (``seed`` fixes the order).
        capacity: the queue's capacity.
        summary_name: add a ``<summary_name>`` scalar summary of the queue's fill.
        cancel_op: the op the QueueRunner runs on a stop (default: cancel the queue).

    Returns:
        The queue; its QueueRunner is in the ``QUEUE_RUNNERS`` collection.
    """
    with name_scope(name, "input_producer", [input_tensor]):
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        rows = input_tensor.shape[1:] if input_tensor.shape.ndims is not None \
            else unknown_shape()
        element_shape = rows.merge_with(as_shape(element_shape))
        if not element_shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape or "
                             "`element_shape` must be specified")
        if shuffle:
            input_tensor = random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        q = FIFOQueue(capacity=capacity, dtypes=[input_tensor.dtype], shapes=[element_shape],
                      shared_name=shared_name, name=name)
        enq = q.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            _scalar_summary(summary_name, cast(q.size(), dtypes.float32) * (1. / capacity))
        return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """A queue of file names for a reader: ``string_tensor``'s strings, epoch after epoch.

    Args:
        string_tensor: a 1-D string tensor (or list) of file names; not empty.
        num_epochs: produce every name this many times, then close the queue
            (needs ``tf.local_variables_initializer()``); None: forever.
        shuffle: shuffle the names within each epoch (``seed`` fixes the order).

    Example:
        >>> files = tf.train.string_input_producer(["a.csv"], num_epochs=1, shuffle=False)
        >>> key, value = tf.TextLineReader().read(files)
    """
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, Tensor) and np.size(string_tensor) == 0:
        raise ValueError(not_null_err)
    with name_scope(name, "input_producer", [string_tensor]) as name:
        string_tensor = convert_to_tensor(string_tensor, dtype=dtypes.string)
        with control_dependencies([Assert(greater(size(string_tensor), 0), [not_null_err])]):
            string_tensor = identity(string_tensor)
        return input_producer(string_tensor, element_shape=[], num_epochs=num_epochs,
                              shuffle=shuffle, seed=seed, capacity=capacity,
                              shared_name=shared_name, name=name,
                              summary_name="fraction_of_%d_full" % capacity, cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """A queue of the int32s ``0 .. limit-1``, epoch after epoch (shuffled by default)."""
    with name_scope(name, "input_producer", [limit]) as name:
        return input_producer(_range(limit), [], num_epochs, shuffle, seed, capacity,
                              shared_name, "fraction_of_%d_full" % capacity, name)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """One row of every tensor in ``tensor_list`` at a time (the same row of each).

    Returns:
        A list of tensors, row ``i`` of each input for the same ``i`` on each run.

    Example:
        >>> image, label = tf.train.slice_input_producer([images, labels], shuffle=False)
    """
    with name_scope(name, "input_producer", tensor_list):
        tensor_list = [convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        queue = range_input_producer(shape(tensor_list[0])[0], num_epochs=num_epochs,
                                     shuffle=shuffle, seed=seed, capacity=capacity,
                                     shared_name=shared_name)
        index = queue.dequeue()
        return [gather(t, index) for t in tensor_list]


# -- batching: the shared steps --------------------------------------------------------------
def _as_tensor_list(tensors):
    if isinstance(tensors, dict):
        return [tensors[k] for k in sorted(tensors, key=str)]
    return list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]


def _as_tensor_list_list(tensors_list):
    if not tensors_list:
        raise ValueError("Expected at least one set of tensors")
    if isinstance(tensors_list[0], dict):
        keys = set(tensors_list[0])
        if any(set(t) != keys for t in tensors_list[1:]):
            raise ValueError("All dictionaries in tensors_list must have the same keys")
    return [_as_tensor_list(t) for t in tensors_list]


def _as_original_type(original, dequeued):
    """The batch in the structure the caller passed (a dict stays a dict)."""
    if isinstance(original, dict):
        if len(original) == 1:
            dequeued = [dequeued]  # a one-component dequeue returns a bare tensor
        return {k: dequeued[i] for i, k in enumerate(sorted(original, key=str))}
    return dequeued


def _validate(tensor_list, what="batch()"):
    tensor_list = [t if isinstance(t, SparseTensor) else convert_to_tensor(t)
                   for t in tensor_list]
    if not tensor_list:
        raise ValueError("Expected at least one tensor in %s." % what)
    return tensor_list


def _validate_join(tensor_list_list):
    if not tensor_list_list:
        raise ValueError("Expected at least one input in batch_join().")
    return [_validate(tl, "batch_join()") for tl in tensor_list_list]


def _store_sparse(tensor_list, enqueue_many):
    """``tensor_list`` with each SparseTensor as its serialized strings (a queue holds dense
    components only), and for each component the (dtype, rank) to restore, or None."""
    stored, sparse = [], []
    for t in tensor_list:
        if isinstance(t, SparseTensor):
            rank = t.indices.shape[1].value
            stored.append((serialize_many_sparse if enqueue_many else serialize_sparse)(t))
            sparse.append((t.dtype, None if rank is None else rank - bool(enqueue_many)))
        else:
            stored.append(t)
            sparse.append(None)
    return stored, sparse


def _restore_sparse(dequeued, sparse):
    """The batch with each serialized component made a SparseTensor again, whose first
    dimension is the batch."""
    flat = dequeued if isinstance(dequeued, list) else [dequeued]
    flat = [t if info is None else deserialize_many_sparse(t, info[0], info[1])
            for t, info in zip(flat, sparse)]
    return flat if isinstance(dequeued, list) else flat[0]


def _validate_keep_input(keep_input, enqueue_many):
    keep_input = convert_to_tensor(keep_input)
    if keep_input.shape.ndims is None:
        raise ValueError("`keep_input` dimensions must be known at graph construction.")
    if not enqueue_many and keep_input.shape.ndims == 1:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if keep_input.shape.ndims > 1:
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return keep_input


def _dtypes(tensor_list_list):
    types = [t.dtype for t in tensor_list_list[0]]
    for other in tensor_list_list[1:]:
        if [t.dtype for t in other] != types:
            raise TypeError("Expected types to be consistent: %s vs. %s."
                            % (", ".join(t.name for t in types),
                               ", ".join(t.dtype.name for t in other)))
    return types


def _shapes(tensor_list_list, shapes, enqueue_many):
    """The queue's component shapes: given, else the first list's (without the batch dim)."""
    if shapes is not None:
        return shapes
    for tl in tensor_list_list:
        for t in tl:
            if t.shape.ndims is None:
                raise ValueError("Cannot infer Tensor's rank: %s" % t)
    first = tensor_list_list[0]
    return [t.shape.with_rank_at_least(1)[1:] if enqueue_many else t.shape for t in first]


def _which_queue(dynamic_pad):
    return PaddingFIFOQueue if dynamic_pad else FIFOQueue


def _enqueue_op(queue, tensor_list, enqueue_many, keep_input):
    """One enqueue of ``tensor_list``, of only the rows ``keep_input`` keeps."""
    if const_value(keep_input) is not None and np.all(const_value(keep_input)):
        return (queue.enqueue_many if enqueue_many else queue.enqueue)(tensor_list)
    if keep_input.shape.ndims == 0:  # one element: a batch of one row, kept or not
        tensor_list = [expand_dims(t, 0) for t in tensor_list]
        keep_input = reshape(keep_input, [1])
    keep = cast(keep_input, dtypes.int32)
    return queue.enqueue_many([dynamic_partition(t, keep, num_partitions=2)[1]
                               for t in tensor_list])


def _enqueue(queue, tensor_list, threads, enqueue_many, keep_input):
    """``threads`` threads that run one enqueue op, as TF's runner gets the op N times."""
    op = _enqueue_op(queue, tensor_list, enqueue_many, keep_input)
    add_queue_runner(QueueRunner(queue, [op] * threads))


def _enqueue_join(queue, tensor_list_list, enqueue_many, keep_input):
    """One thread per list, each enqueueing its own tensors."""
    ops = [_enqueue_op(queue, tl, enqueue_many, keep_input) for tl in tensor_list_list]
    add_queue_runner(QueueRunner(queue, ops))


def _dequeue(queue, batch_size, allow_smaller_final_batch, name):
    if allow_smaller_final_batch:
        return queue.dequeue_up_to(batch_size, name=name)
    return queue.dequeue_many(batch_size, name=name)


def _fifo_summary(queue, capacity):
    _scalar_summary("fraction_of_%d_full" % capacity,
                    cast(queue.size(), dtypes.float32) * (1. / capacity))


def _shuffle_summary(queue, capacity, min_after_dequeue):
    """How full the queue is beyond ``min_after_dequeue``, as TF's summary measures it."""
    full = cast(maximum(0, queue.size() - min_after_dequeue), dtypes.float32) * (
        1. / (capacity - min_after_dequeue))
    _scalar_summary("fraction_over_%d_of_%d_full" % (min_after_dequeue,
                                                     capacity - min_after_dequeue), full)


# -- one builder for batch, batch_join, shuffle_batch and shuffle_batch_join ----------------
def _batching(kind, tensors_list, join, batch_size, keep_input, make_queue, summary,
              num_threads=1, enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
              name=None):
    """Builds a batching queue: ``tensors_list`` is a list of element structures (one per
    thread with ``join``, else one element run by ``num_threads`` threads);
    ``make_queue(types, shapes)`` makes the queue and ``summary(queue)`` its summary."""
    tensor_list_list = _as_tensor_list_list(tensors_list)
    flat = [t for tl in tensor_list_list for t in tl]
    with name_scope(name, kind, flat + [keep_input]) as name:
        tensor_list_list = (_validate_join(tensor_list_list) if join
                            else [_validate(tensor_list_list[0])])
        stored = [_store_sparse(tl, enqueue_many) for tl in tensor_list_list]
        tensor_list_list, sparse = [tl for tl, _ in stored], stored[0][1]
        keep_input = _validate_keep_input(keep_input, enqueue_many)
        types = _dtypes(tensor_list_list)
        if shapes is not None:  # a sparse component travels as a string vector
            shapes = [s if info is None else [3] for s, info in zip(shapes, sparse)]
        queue = make_queue(types, _shapes(tensor_list_list, shapes, enqueue_many))
        if join:
            _enqueue_join(queue, tensor_list_list, enqueue_many, keep_input)
        else:
            _enqueue(queue, tensor_list_list[0], num_threads, enqueue_many, keep_input)
        summary(queue)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, name)
        return _as_original_type(tensors_list[0], _restore_sparse(dequeued, sparse))


def _batch(tensors, batch_size, keep_input, num_threads=1, capacity=32, enqueue_many=False,
           shapes=None, dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None,
           name=None):
    return _batching("batch", [tensors], False, batch_size, keep_input,
                     _fifo(dynamic_pad, capacity, shared_name),
                     lambda q: _fifo_summary(q, capacity), num_threads, enqueue_many, shapes,
                     allow_smaller_final_batch, name)


def _batch_join(tensors_list, batch_size, keep_input, capacity=32, enqueue_many=False,
                shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                shared_name=None, name=None):
    return _batching("batch_join", tensors_list, True, batch_size, keep_input,
                     _fifo(dynamic_pad, capacity, shared_name),
                     lambda q: _fifo_summary(q, capacity), 1, enqueue_many, shapes,
                     allow_smaller_final_batch, name)


def _fifo(dynamic_pad, capacity, shared_name):
    return lambda types, shapes: _which_queue(dynamic_pad)(
        capacity=capacity, dtypes=types, shapes=shapes, shared_name=shared_name)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches of ``batch_size`` elements of ``tensors``, in the order they were produced.

    ``num_threads`` threads run the enqueue of ``tensors`` into a FIFOQueue of
    ``capacity`` (``batch/fifo_queue``), and the result dequeues ``batch_size``
    at a time.

    Args:
        tensors: a list or dict of tensors: one element (or, with ``enqueue_many``,
            a batch of elements along dimension 0).
        batch_size: elements per batch.
        num_threads: threads enqueueing (with more than one, the order mixes).
        capacity: the queue's capacity.
        enqueue_many: each tensor is a batch of elements (dimension 0).
        shapes: the elements' shapes, if the tensors' static shapes are not known.
        dynamic_pad: allow None dimensions, padded per batch to its largest element
            (a PaddingFIFOQueue: zeros, or empty strings).
        allow_smaller_final_batch: at the end of the input return the remaining
            elements as a last, smaller batch (the batch dimension is then None).

    Returns:
        The batched tensors, in the structure of ``tensors``, each ``[batch_size] + shape``.

    Example:
        >>> images, labels = tf.train.batch([image, label], batch_size=32)
    """
    return _batch(tensors, batch_size, True, num_threads, capacity, enqueue_many, shapes,
                  dynamic_pad, allow_smaller_final_batch, shared_name, name)


def maybe_batch(tensors, keep_input, batch_size, num_threads=1, capacity=32,
                enqueue_many=False, shapes=None, dynamic_pad=False,
                allow_smaller_final_batch=False, shared_name=None, name=None):
    """``batch``, keeping only the elements for which ``keep_input`` is true.

    ``keep_input`` is a bool scalar, or with ``enqueue_many`` a bool vector (one per row).
    """
    return _batch(tensors, batch_size, keep_input, num_threads, capacity, enqueue_many,
                  shapes, dynamic_pad, allow_smaller_final_batch, shared_name, name)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None,
               name=None):
    """Batches from several lists of tensors, one enqueueing thread per list.

    Every list has the same dtypes; use it with one reader per list to read
    several files in parallel.

    Example:
        >>> rows = [decode(tf.TextLineReader().read(files)) for _ in range(4)]
        >>> xs, ys = tf.train.batch_join(rows, batch_size=32)
    """
    return _batch_join(tensors_list, batch_size, True, capacity, enqueue_many, shapes,
                       dynamic_pad, allow_smaller_final_batch, shared_name, name)


def maybe_batch_join(tensors_list, keep_input, batch_size, capacity=32, enqueue_many=False,
                     shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                     shared_name=None, name=None):
    """``batch_join``, keeping only the elements for which ``keep_input`` is true."""
    return _batch_join(tensors_list, batch_size, keep_input, capacity, enqueue_many, shapes,
                       dynamic_pad, allow_smaller_final_batch, shared_name, name)


# -- shuffle_batch, shuffle_batch_join and their maybe_ forms -------------------------------
def _check_capacity(capacity, min_after_dequeue):
    if capacity <= min_after_dequeue:
        raise ValueError("capacity %d must be bigger than min_after_dequeue %d."
                         % (capacity, min_after_dequeue))


def _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input, num_threads=1,
                   seed=None, enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                   shared_name=None, name=None):
    _check_capacity(capacity, min_after_dequeue)
    return _batching("shuffle_batch", [tensors], False, batch_size, keep_input,
                     _shuffling(capacity, min_after_dequeue, seed, shared_name),
                     lambda q: _shuffle_summary(q, capacity, min_after_dequeue), num_threads,
                     enqueue_many, shapes, allow_smaller_final_batch, name)


def _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input,
                        seed=None, enqueue_many=False, shapes=None,
                        allow_smaller_final_batch=False, shared_name=None, name=None):
    _check_capacity(capacity, min_after_dequeue)
    return _batching("shuffle_batch_join", tensors_list, True, batch_size, keep_input,
                     _shuffling(capacity, min_after_dequeue, seed, shared_name),
                     lambda q: _shuffle_summary(q, capacity, min_after_dequeue), 1,
                     enqueue_many, shapes, allow_smaller_final_batch, name)


def _shuffling(capacity, min_after_dequeue, seed, shared_name):
    return lambda types, shapes: RandomShuffleQueue(
        capacity=capacity, min_after_dequeue=min_after_dequeue, seed=seed, dtypes=types,
        shapes=shapes, shared_name=shared_name)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """Batches of ``batch_size`` elements drawn at random from a RandomShuffleQueue.

    Threads fill a ``shuffle_batch/random_shuffle_queue`` of ``capacity``; each
    dequeue waits until more than ``min_after_dequeue`` elements are queued
    (until the input ends), so every batch is drawn from a well-mixed pool.
    ``seed`` fixes the sequence of random draws, but which elements are in the queue at
    each draw depends on how far the producer threads have got, so batches can differ
    from run to run even with a seed and one thread (as in TF).

    Args:
        tensors: a list or dict of tensors (one element, or a batch with enqueue_many).
        batch_size: elements per batch.
        capacity: the queue's capacity; must exceed ``min_after_dequeue``.
        min_after_dequeue: elements kept in the queue after a dequeue, for mixing.
        num_threads, enqueue_many, shapes, allow_smaller_final_batch: as in ``batch``.

    Example:
        >>> xs, ys = tf.train.shuffle_batch([x, y], batch_size=32, capacity=1000,
        ...                                 min_after_dequeue=500, seed=1)
    """
    return _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, True, num_threads,
                          seed, enqueue_many, shapes, allow_smaller_final_batch, shared_name,
                          name)


def maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input,
                        num_threads=1, seed=None, enqueue_many=False, shapes=None,
                        allow_smaller_final_batch=False, shared_name=None, name=None):
    """``shuffle_batch``, keeping only the elements for which ``keep_input`` is true."""
    return _shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input,
                          num_threads, seed, enqueue_many, shapes, allow_smaller_final_batch,
                          shared_name, name)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """``shuffle_batch`` from several lists of tensors, one enqueueing thread per list."""
    return _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, True,
                               seed, enqueue_many, shapes, allow_smaller_final_batch,
                               shared_name, name)


def maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, keep_input,
                             seed=None, enqueue_many=False, shapes=None,
                             allow_smaller_final_batch=False, shared_name=None, name=None):
    """``shuffle_batch_join``, keeping only the elements for which ``keep_input`` is true."""
    return _shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue,
                               keep_input, seed, enqueue_many, shapes,
                               allow_smaller_final_batch, shared_name, name)
