"""``tf.contrib.training``'s bucketing: batches of inputs that resemble each other.

Padding a batch of sequences to its longest one wastes work on the padding; putting
sequences of similar length in the same batch wastes little.  ``bucket`` keeps one
queue per bucket and a thread per bucket that moves each full batch to a top queue, so
every dequeued batch comes from a single bucket::

    length, (tokens,) = tf.contrib.training.bucket_by_sequence_length(
        n, [ids], batch_size=32, bucket_boundaries=[10, 20, 40], dynamic_pad=True)

When the input ends, the bucket queues close; with ``allow_smaller_final_batch`` each
bucket then hands on what it holds as a last, smaller batch, and the top queue closes
when every bucket is drained, so the consumer sees ``OutOfRangeError``.
"""
import numpy as np

from minitf.contrib.hparams import HParams
from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, name_scope
from minitf.framework.tensor_shape import TensorShape
from minitf.ops.constant_ops import constant
from minitf.ops.control_flow_ops import group
from minitf.ops.cwise_ops import cast, less_equal
from minitf.ops.queue_ops import FIFOQueue, QueueBase
from minitf.ops.reduction_ops import reduce_sum
from minitf.train import input as _input
from minitf.train.queue_runner import QueueRunner, add_queue_runner

__all__ = ["HParams", "bucket", "bucket_by_sequence_length"]


def _per_bucket(value, num_buckets, what):
    if isinstance(value, (list, tuple)):
        if len(value) != num_buckets:
            raise ValueError("If %s is a list it must have num_buckets elements" % what)
        return [int(v) for v in value]
    return [int(value)] * num_buckets


def _batch_dim(batch_sizes, allow_smaller_final_batch):
    return None if allow_smaller_final_batch or len(set(batch_sizes)) > 1 else batch_sizes[0]


def bucket(tensors, which_bucket, batch_size, num_buckets, num_threads=1, capacity=32,
           bucket_capacities=None, shapes=None, dynamic_pad=False,
           allow_smaller_final_batch=False, keep_input=True, shared_name=None, name=None):
    """Batches of ``tensors`` in which every element went to the same bucket.

    Args:
      tensors: a list or dict of tensors, one element of the input.
      which_bucket: an int32 scalar in ``[0, num_buckets)``, the element's bucket.
      batch_size: the batch size, or one per bucket.
      num_buckets: how many buckets there are.
      num_threads: threads that enqueue input elements into the buckets.
      capacity: the capacity of the top queue, and of each bucket by default.
      bucket_capacities: one capacity per bucket.
      shapes, dynamic_pad, allow_smaller_final_batch, keep_input, shared_name: as in
        ``tf.train.batch``.

    Returns:
      ``(bucket, batch)``: the int32 bucket of the dequeued batch, and the batch in the
      structure of ``tensors``.
    """
    batch_sizes = _per_bucket(batch_size, num_buckets, "batch_size")
    capacities = _per_bucket(capacity if bucket_capacities is None else bucket_capacities,
                             num_buckets, "bucket_capacities")
    tensor_list = _input._as_tensor_list(tensors)
    with name_scope(name, "bucket", tensor_list) as scope:
        tensor_list, sparse = _input._store_sparse(_input._validate(tensor_list, "bucket()"),
                                                   False)
        keep_input = _input._validate_keep_input(keep_input, False)
        which_bucket = convert_to_tensor(which_bucket, dtype=dtypes.int32, name="which_bucket")
        types = _input._dtypes([tensor_list])
        shapes = _input._shapes([tensor_list], shapes, False)
        queue_type = _input._which_queue(dynamic_pad)
        buckets = [queue_type(capacity=c, dtypes=types, shapes=shapes,
                              shared_name=shared_name and "%s_%d" % (shared_name, i),
                              name="bucket_queue_%d" % i) for i, c in enumerate(capacities)]
        top = FIFOQueue(capacity=capacity, dtypes=[dtypes.int32] + types,
                        shared_name=shared_name and shared_name + "_top", name="top_queue")

        into_buckets = _input._enqueue_op(QueueBase.from_list(which_bucket, buckets),
                                          tensor_list, False, keep_input)
        # the input runner owns the buckets: its end (or a stop) closes all of them
        add_queue_runner(QueueRunner(
            buckets[0], [into_buckets] * num_threads,
            close_op=group(*[b.close() for b in buckets]),
            cancel_op=group(*[b.close(cancel_pending_enqueues=True) for b in buckets])))

        to_top = []
        for i, (b, n) in enumerate(zip(buckets, batch_sizes)):
            batch = _input._dequeue(b, n, allow_smaller_final_batch, "bucket_%d_batch" % i)
            batch = batch if isinstance(batch, list) else [batch]
            to_top.append(top.enqueue([constant(i, dtypes.int32)] + batch,
                                      name="enqueue_from_bucket_%d" % i))
        # one thread per bucket; the last one to see its bucket drained closes the top
        add_queue_runner(QueueRunner(top, to_top))
        _input._fifo_summary(top, capacity)

        out = top.dequeue(name=scope)
        out = out if isinstance(out, list) else [out]
        out[0].set_shape([])
        dim = _batch_dim(batch_sizes, allow_smaller_final_batch)
        for tensor, shape in zip(out[1:], shapes):
            tensor.set_shape(TensorShape([dim]).concatenate(shape))
        return out[0], _restructure(tensors, _input._restore_sparse(out[1:], sparse))


def _restructure(tensors, batch):
    """``batch`` (one tensor per component) in the structure of ``tensors``: a dict stays a
    dict by sorted key, anything else becomes a list, even of one tensor."""
    if isinstance(tensors, dict):
        return {k: batch[i] for i, k in enumerate(sorted(tensors, key=str))}
    return list(batch)


def bucket_by_sequence_length(input_length, tensors, batch_size, bucket_boundaries,
                              num_threads=1, capacity=32, bucket_capacities=None, shapes=None,
                              dynamic_pad=False, allow_smaller_final_batch=False,
                              keep_input=True, shared_name=None, name=None):
    """Batches of ``tensors`` grouped by ``input_length``, with their lengths.

    ``bucket_boundaries`` ``[b0, b1, ..., bn]`` makes n + 2 buckets: lengths below b0,
    lengths in ``[b0, b1)``, ..., and lengths of at least bn.

    Returns:
      ``(lengths, batch)``: the int32 lengths of the batch's elements, and the batch in
      the structure of ``tensors``.
    """
    if not isinstance(bucket_boundaries, (list, tuple)):
        raise TypeError("bucket_boundaries must be a list or tuple, but received: %s"
                        % (bucket_boundaries,))
    if list(bucket_boundaries) != sorted(bucket_boundaries) or len(
            set(bucket_boundaries)) != len(bucket_boundaries):
        raise ValueError("Buckets must contain sorted, distinct values")
    tensor_list = _input._as_tensor_list(tensors)
    with name_scope(name, "bucket_by_sequence_length", [input_length] + tensor_list):
        input_length = convert_to_tensor(input_length, dtype=dtypes.int32, name="input_length")
        boundaries = constant(np.asarray(bucket_boundaries, np.int32), name="boundaries")
        which = reduce_sum(cast(less_equal(boundaries, input_length), dtypes.int32),
                           name="which_bucket")
        element = [input_length] + tensor_list
        element_shapes = None if shapes is None else [TensorShape([])] + list(shapes)
        _, out = bucket(element, which, batch_size, len(bucket_boundaries) + 1,
                        num_threads=num_threads, capacity=capacity,
                        bucket_capacities=bucket_capacities, shapes=element_shapes,
                        dynamic_pad=dynamic_pad,
                        allow_smaller_final_batch=allow_smaller_final_batch,
                        keep_input=keep_input, shared_name=shared_name)
        return out[0], _restructure(tensors, out[1:])
