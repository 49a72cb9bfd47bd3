"""tf.contrib.training.bucket and bucket_by_sequence_length: batches from one bucket each."""
import threading

import numpy as np
import pytest

import minitf as tf
from minitf.framework import errors

LENGTHS = [3, 12, 5, 25, 1, 14, 40, 7, 19, 2, 33, 11, 8, 21, 16, 30, 4, 9, 13, 27]
BOUNDARIES = [10, 20]  # buckets: [0, 10), [10, 20), [20, inf)


def _bucket_of(length):
    return sum(length >= b for b in BOUNDARIES)


def _drain(fetches):
    """Runs the pipeline to OutOfRange; returns every batch and checks no thread is left."""
    before = set(threading.enumerate())
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        batches = []
        try:
            while True:
                batches.append(sess.run(fetches, options=tf.RunOptions(timeout_in_ms=20000)))
        except errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)
    assert set(threading.enumerate()) <= before
    return batches


def _sequences():
    """One int64 sequence per length, whose every value is its length (so rows identify)."""
    lengths = tf.constant(LENGTHS)
    length = tf.train.slice_input_producer([lengths], num_epochs=1, shuffle=False)[0]
    return length, tf.fill([length], tf.cast(length, tf.int64))


@pytest.mark.parametrize("smaller", [False, True])
def test_every_batch_comes_from_one_bucket_and_is_padded_to_its_longest(smaller):
    with tf.Graph().as_default():
        length, seq = _sequences()
        lengths, (padded,) = tf.contrib.training.bucket_by_sequence_length(
            length, [seq], batch_size=3, bucket_boundaries=BOUNDARIES, dynamic_pad=True,
            allow_smaller_final_batch=smaller)
        assert padded.shape.as_list() == [None if smaller else 3, None]
        assert lengths.dtype == tf.int32
        batches = _drain([lengths, padded])

    seen = []
    for got_lengths, rows in batches:
        assert len({_bucket_of(n) for n in got_lengths}) == 1
        assert rows.shape == (len(got_lengths), max(got_lengths))
        for n, row in zip(got_lengths, rows):
            np.testing.assert_array_equal(row, [n] * n + [0] * (rows.shape[1] - n))
        seen.extend(got_lengths)
    per_bucket = np.bincount([_bucket_of(n) for n in LENGTHS])  # 8, 6 and 6 elements
    if smaller:  # the leftovers of each bucket come out as a last, smaller batch
        assert sorted(seen) == sorted(LENGTHS)
        assert sorted(len(b[0]) for b in batches) == sorted(
            [3] * int(sum(per_bucket // 3)) + [int(r) for r in per_bucket % 3 if r])
    else:  # the leftovers are dropped, as batch() drops them
        assert all(len(b[0]) == 3 for b in batches)
        assert len(seen) == sum(per_bucket // 3 * 3)
        for k in range(3):  # within a bucket, elements keep their order (one thread)
            order = [n for n in LENGTHS if _bucket_of(n) == k][:per_bucket[k] // 3 * 3]
            assert [n for n in seen if _bucket_of(n) == k] == order


def test_bucket_with_a_batch_size_per_bucket_and_a_dict():
    with tf.Graph().as_default():
        x = tf.train.range_input_producer(12, num_epochs=1, shuffle=False).dequeue()
        which, batch = tf.contrib.training.bucket(
            {"x": x, "half": x // 2}, which_bucket=x % 2, batch_size=[2, 3], num_buckets=2)
        assert sorted(batch) == ["half", "x"] and batch["x"].shape.as_list() == [None]
        batches = _drain([which, batch])
    for k, b in batches:
        assert len(b["x"]) == (2, 3)[k] and all(v % 2 == k for v in b["x"])
        np.testing.assert_array_equal(b["half"], b["x"] // 2)
    assert sorted(v for _, b in batches for v in b["x"]) == list(range(12))


def test_bad_arguments_raise_tfs_errors():
    with tf.Graph().as_default():
        length, seq = _sequences()
        with pytest.raises(ValueError, match="sorted"):
            tf.contrib.training.bucket_by_sequence_length(length, [seq], 2, [20, 10],
                                                          dynamic_pad=True)
        with pytest.raises(TypeError, match="list or tuple"):
            tf.contrib.training.bucket_by_sequence_length(length, [seq], 2, 10,
                                                          dynamic_pad=True)
        with pytest.raises(ValueError, match="num_buckets elements"):
            tf.contrib.training.bucket_by_sequence_length(length, [seq], [2, 2], [10, 20],
                                                          dynamic_pad=True)


def test_queues_of_different_types_cannot_be_selected_from_one_handle():
    with tf.Graph().as_default():
        a = tf.FIFOQueue(2, [tf.int32], shapes=[[]])
        b = tf.FIFOQueue(2, [tf.float32], shapes=[[]])
        with pytest.raises(TypeError, match="different types"):
            tf.QueueBase.from_list(0, [a, b])
        c = tf.FIFOQueue(2, [tf.int32], shapes=[[2]])
        picked = tf.QueueBase.from_list(tf.constant(1), [a, c])
        assert picked.shapes[0].ndims is None  # [] and [2] agree on nothing
