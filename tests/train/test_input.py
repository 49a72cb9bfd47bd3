"""tf.train's input helpers: producers, batching queues and whole pipelines, with threads.

References: TF 1.x's training/input.py contracts (names of the queues, variables and
summaries, epochs through a local variable, the end of the input as OutOfRangeError,
batch order and padding, the errors for bad arguments), TF's RandomShuffleQueue rule
(index = next Philox word % size, on the independent Philox of tests/kernels, through
tests/ops/test_queue_ops), numpy for the expected batches, and the same programs run
under real TensorFlow 2.21's compat.v1, which gave the same names and batches.
"""
import threading

import numpy as np
import pytest

import minitf as tf
from tests.ops.test_queue_ops import _tf_shuffle_order


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _drain(fetch, init_local=True, sess_config=None):
    """Run ``fetch`` with the graph's queue runners until OutOfRange; the values, in order."""
    out = []
    with tf.Session() as sess:
        if init_local:
            sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        try:
            while True:
                out.append(sess.run(fetch))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
    return out


def _names(prefix):
    return [op.name for op in tf.get_default_graph().get_operations()
            if op.name.startswith(prefix)]


# -- producers -------------------------------------------------------------------------------
def test_string_input_producer_names_and_epochs_as_tf():
    q = tf.train.string_input_producer(["a", "b", "c"], num_epochs=2, shuffle=False)
    assert q.name == "input_producer" and q.dtypes == [tf.string]
    assert [v.name for v in tf.local_variables()] == ["input_producer/limit_epochs/epochs:0"]
    assert tf.global_variables() == []
    names = set(_names("input_producer"))
    assert {"input_producer/input_producer_EnqueueMany", "input_producer/limit_epochs",
            "input_producer/fraction_of_32_full"} <= names
    [runner] = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
    assert runner.queue is q
    assert [s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)] == [
        "input_producer/fraction_of_32_full"]
    assert _drain(q.dequeue()) == [b"a", b"b", b"c"] * 2  # then the queue closes


def test_num_epochs_without_local_init_is_reported_through_the_coordinator():
    q = tf.train.string_input_producer(["a"], num_epochs=1)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="uninitialized value input_producer/limit_epochs/epochs"):
            coord.join(threads, stop_grace_period_secs=10)
    del q


def test_shuffled_producer_gives_each_epoch_a_permutation_and_a_seed_repeats():
    names = [b"f%d" % i for i in range(8)]
    q = tf.train.string_input_producer(names, num_epochs=3, seed=11)
    first = _drain(q.dequeue())
    second = _drain(q.dequeue())
    assert first == second  # a seeded shuffle: the same order in every session
    epochs = [first[i:i + 8] for i in (0, 8, 16)]
    assert all(sorted(e) == names for e in epochs)
    assert epochs[0] != epochs[1] or epochs[1] != epochs[2]  # reshuffled per epoch


def test_empty_or_bad_input_is_rejected_at_build_time():
    with pytest.raises(ValueError, match="string_input_producer requires a non-null input"):
        tf.train.string_input_producer([])
    with pytest.raises(ValueError, match="Either `input_tensor` must have a fully defined"):
        tf.train.input_producer(tf.placeholder(tf.float32, [None, None]))
    with pytest.raises(ValueError, match="num_epochs must be > 0 not 0."):
        tf.train.limit_epochs(tf.constant(1.0), 0)


def test_range_and_slice_input_producers_keep_rows_together():
    q = tf.train.range_input_producer(4, num_epochs=1, shuffle=False)
    assert q.name == "input_producer" and _names("input_producer/range")
    assert _drain(q.dequeue()) == [0, 1, 2, 3]
    tf.reset_default_graph()
    ints = np.array([1, 2, 3], np.int32)
    floats = np.array([[4., 5.], [6., 7.], [8., 9.]], np.float32)
    a, b = tf.train.slice_input_producer([ints, floats], num_epochs=2, seed=3)
    assert a.shape == [] and b.shape.as_list() == [2]
    assert [v.name for v in tf.local_variables()] == [
        "input_producer/input_producer/limit_epochs/epochs:0"]
    rows = _drain([a, b])
    assert len(rows) == 6
    for i, row in rows:  # the same index into both tensors
        np.testing.assert_array_equal(row, floats[i - 1])
    assert sorted(int(i) for i, _ in rows) == [1, 1, 2, 2, 3, 3]


def test_match_filenames_once_is_a_local_variable(tmp_path):
    for name in ("b.bin", "a.bin", "c.txt"):
        (tmp_path / name).write_bytes(b"")
    files = tf.train.match_filenames_once(str(tmp_path / "*.bin"))
    assert files.name == "matching_filenames:0" and files in tf.local_variables()
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(files).tolist() == [str(tmp_path / n).encode()
                                            for n in ("a.bin", "b.bin")]


# -- batch and friends -----------------------------------------------------------------------
def _counter(n, num_epochs=1, shape=()):
    """Rows 0..n-1 (each filled with its index), produced once: a slice_input_producer."""
    rows = np.arange(n, dtype=np.int32).reshape((n,) + (1,) * len(shape)) * np.ones(
        shape, np.int32)
    return tf.train.slice_input_producer([rows], num_epochs=num_epochs, shuffle=False)[0]


def test_batch_keeps_order_shapes_and_tfs_names():
    x = _counter(10, shape=(2,))
    xs, doubled = tf.train.batch([x, x * 2], batch_size=4)
    assert xs.op.name == "batch" and xs.op.type == "QueueDequeueManyV2"
    assert xs.shape.as_list() == [4, 2] and doubled.shape.as_list() == [4, 2]
    assert {"batch/fifo_queue", "batch/fifo_queue_enqueue", "batch/fraction_of_32_full",
            "batch/n"} <= set(_names("batch"))
    batches = _drain([xs, doubled])
    assert len(batches) == 2  # 10 rows: two full batches; the last 2 are never returned
    for k, (a, b) in enumerate(batches):
        want = np.repeat(np.arange(4 * k, 4 * k + 4, dtype=np.int32)[:, None], 2, axis=1)
        np.testing.assert_array_equal(a, want)
        np.testing.assert_array_equal(b, want * 2)


def test_allow_smaller_final_batch_returns_the_rest_and_a_dict_stays_a_dict():
    x = _counter(10)
    out = tf.train.batch({"x": x, "y": tf.cast(x, tf.float32)}, 4,
                         allow_smaller_final_batch=True)
    assert sorted(out) == ["x", "y"] and out["x"].shape.as_list() == [None]
    assert out["x"].op.type == "QueueDequeueUpToV2"
    got = _drain(out)
    assert [b["x"].tolist() for b in got] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert got[2]["y"].dtype == np.float32


def test_enqueue_many_batches_rows_and_dynamic_pad_pads_each_batch():
    rows = tf.constant(np.arange(6, dtype=np.int32).reshape(6, 1))
    xs = tf.train.batch([tf.train.limit_epochs(rows, 1)], 3, enqueue_many=True)
    assert [b.ravel().tolist() for b in _drain(xs)] == [[0, 1, 2], [3, 4, 5]]
    tf.reset_default_graph()
    n = _counter(4)
    ragged = tf.range(n + 1)  # lengths 1, 2, 3, 4
    padded = tf.train.batch([ragged], 2, dynamic_pad=True)
    assert padded.shape.as_list() == [2, None] and _names("batch/padding_fifo_queue")
    got = _drain(padded)
    np.testing.assert_array_equal(got[0], [[0, 0], [0, 1]])
    np.testing.assert_array_equal(got[1], [[0, 1, 2, 0], [0, 1, 2, 3]])
    tf.reset_default_graph()
    with pytest.raises(ValueError, match="All shapes must be fully defined"):
        tf.train.batch([tf.placeholder(tf.float32, [None])], 3)


def test_maybe_batch_keeps_only_the_chosen_rows():
    x = _counter(10)
    kept = tf.train.maybe_batch([x], tf.equal(x % 3, 0), 2, allow_smaller_final_batch=True)
    assert [b.tolist() for b in _drain(kept)] == [[0, 3], [6, 9]]
    tf.reset_default_graph()
    rows = tf.train.limit_epochs(tf.constant([5, 6, 7, 8]), 1)
    kept = tf.train.maybe_batch([rows], [True, False, False, True], 2, enqueue_many=True)
    assert [b.tolist() for b in _drain(kept)] == [[5, 8]]
    with pytest.raises(ValueError, match="`keep_input` cannot be a vector when"):
        tf.train.maybe_batch([tf.constant(1)], [True, False], 3)


def test_batch_join_runs_one_thread_per_list():
    a, b = _counter(6), _counter(6) + 100
    xs = tf.train.batch_join([[a], [b]], 4, allow_smaller_final_batch=True)
    [runner] = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)[2:]
    assert runner.queue.name == "batch_join/fifo_queue" and len(runner.enqueue_ops) == 2
    got = sorted(v for batch in _drain(xs) for v in batch.tolist())
    assert got == list(range(6)) + list(range(100, 106))
    with pytest.raises(TypeError, match="Expected types to be consistent: float32 vs. int32."):
        tf.train.batch_join([[tf.constant(1.0)], [tf.constant(1)]], 3)


# -- shuffle_batch ---------------------------------------------------------------------------
def test_shuffle_batch_with_a_seed_draws_tfs_order():
    x = tf.train.limit_epochs(np.arange(10, dtype=np.int32), 1)
    xs = tf.train.shuffle_batch([x], 4, capacity=10, min_after_dequeue=2, seed=5,
                                enqueue_many=True, allow_smaller_final_batch=True)
    assert xs.op.name == "shuffle_batch"
    assert {"shuffle_batch/random_shuffle_queue",
            "shuffle_batch/fraction_over_2_of_8_full"} <= set(_names("shuffle_batch"))
    queue_op = tf.get_default_graph().get_operation_by_name("shuffle_batch/random_shuffle_queue")
    seeds = (queue_op.get_attr("seed"), queue_op.get_attr("seed2"))
    assert seeds == (87654321, 5)  # op seed 5 without a graph seed, as TF derives it
    # All ten elements are queued before the first draw (one enqueue of the batch), so the
    # draws follow TF's rule whatever the threads' timing; real TF gives the same batches.
    order = _tf_shuffle_order(*seeds, [range(10)], [10])
    assert order == [1, 2, 0, 4, 8, 6, 9, 5, 7, 3]
    for _ in range(2):
        got = _drain(xs)
        assert [b.tolist() for b in got] == [order[:4], order[4:8], order[8:]]


def test_shuffle_batch_with_several_threads_returns_every_element_once():
    x = _counter(40)
    xs = tf.train.shuffle_batch([x], 5, capacity=20, min_after_dequeue=8, num_threads=4,
                                seed=2)
    [runner] = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)[1:]
    assert len(runner.enqueue_ops) == 4 and len(set(runner.enqueue_ops)) == 1  # TF's [op] * 4
    got = np.concatenate(_drain(xs))
    assert sorted(got.tolist()) == list(range(40))  # 40 = 8 batches of 5: nothing lost
    assert got.tolist() != list(range(40))


def test_shuffle_batch_checks_capacity_and_join_names():
    with pytest.raises(ValueError, match="capacity 10 must be bigger than min_after_dequeue 10."):
        tf.train.shuffle_batch([tf.constant(1.0)], 4, 10, 10)
    out = tf.train.shuffle_batch_join([[tf.constant(1.0)], [tf.constant(2.0)]], 4, 10, 2)
    assert out.op.name == "shuffle_batch_join"
    assert "shuffle_batch_join/fraction_over_2_of_8_full" in _names("shuffle_batch_join")
    kept = tf.train.maybe_shuffle_batch([tf.constant(1.0)], 4, 10, 2, keep_input=True)
    assert kept.shape.as_list() == [4]


# -- a whole pipeline --------------------------------------------------------------------------
def _write_csvs(tmp_path, n_files=3, rows=10):
    paths, expected = [], []
    for f in range(n_files):
        lines = ["id,value,name"]
        for r in range(rows):
            i = f * rows + r
            lines.append("%d,%s,n%d" % (i, "" if i % 7 == 0 else "%.1f" % (i / 2), i))
            expected.append((i, -1.0 if i % 7 == 0 else i / 2, b"n%d" % i))
        path = tmp_path / ("part%d.csv" % f)
        path.write_text("\n".join(lines) + "\n")
        paths.append(str(path))
    return paths, expected


def test_csv_pipeline_with_coordinator_reads_every_row_and_leaves_no_thread(tmp_path):
    paths, expected = _write_csvs(tmp_path)
    before = set(threading.enumerate())
    files = tf.train.string_input_producer(paths, num_epochs=2, seed=1)
    _, line = tf.TextLineReader(skip_header_lines=1).read(files)
    ident, value, label = tf.decode_csv(line, [[0], [-1.0], [""]])
    batch = tf.train.shuffle_batch([ident, value, label], 7, capacity=40, min_after_dequeue=10,
                                   num_threads=3, seed=4, allow_smaller_final_batch=True)
    rows = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        try:
            while not coord.should_stop():
                i, v, n = sess.run(batch)
                assert i.shape == v.shape == n.shape and len(i) <= 7
                rows.extend(zip(i.tolist(), v.tolist(), n.tolist()))
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
    assert sorted(rows) == sorted(expected * 2)  # 60 rows, each epoch once
    assert [r[0] for r in rows] != sorted(r[0] for r in rows)
    assert set(threading.enumerate()) <= before  # every runner thread ended


def test_stopping_mid_input_cancels_every_blocked_thread(tmp_path):
    paths, _ = _write_csvs(tmp_path, n_files=2)
    before = set(threading.enumerate())
    files = tf.train.string_input_producer(paths)  # endless
    _, line = tf.TextLineReader(skip_header_lines=1).read(files)
    batch = tf.train.batch(tf.decode_csv(line, [[0], [0.0], [""]]), 4, capacity=8,
                           num_threads=2)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        for _ in range(3):
            sess.run(batch)
        coord.request_stop()  # the producers are blocked on full queues now
        coord.join(threads, stop_grace_period_secs=10)
    assert set(threading.enumerate()) <= before


def test_monitored_session_starts_the_queue_runners_itself(tmp_path):
    paths, expected = _write_csvs(tmp_path, n_files=1, rows=6)
    before = set(threading.enumerate())
    files = tf.train.string_input_producer(paths, num_epochs=1, shuffle=False)
    _, line = tf.TextLineReader(skip_header_lines=1).read(files)
    ident = tf.decode_csv(line, [[0], [-1.0], [""]])[0]
    batch = tf.train.batch([ident], 4, allow_smaller_final_batch=True)
    got = []
    with tf.train.MonitoredSession() as sess:  # also runs the local init op
        while not sess.should_stop():
            got.append(sess.run(batch).tolist())  # the end: OutOfRange, ended by the with
    assert got == [[0, 1, 2, 3], [4, 5]]
    assert set(threading.enumerate()) <= before


def _var_len_examples(rows):
    """Serialized Examples whose "ids" feature is the int64 list ``rows[i]``."""
    return [tf.train.Example(features=tf.train.Features(feature={
        "ids": tf.train.Feature(int64_list=tf.train.Int64List(value=row)),
        "n": tf.train.Feature(int64_list=tf.train.Int64List(value=[len(row)]))}))
        .SerializeToString() for row in rows]


ROWS = [[3, 1, 4], [], [1, 5], [9, 2, 6, 5], [3], [5, 8, 9]]


def test_batch_carries_a_sparse_tensor_as_a_sparse_batch():
    records = tf.train.input_producer(_var_len_examples(ROWS), num_epochs=1, shuffle=False)
    parsed = tf.parse_single_example(records.dequeue(), {
        "ids": tf.VarLenFeature(tf.int64), "n": tf.FixedLenFeature([], tf.int64)})
    ids, n = tf.train.batch([parsed["ids"], parsed["n"]], batch_size=4,
                            allow_smaller_final_batch=True)
    assert isinstance(ids, tf.SparseTensor) and ids.indices.shape.as_list() == [None, 2]
    batches = _drain([ids, tf.sparse_tensor_to_dense(ids, default_value=-1), n])
    assert [len(b[2]) for b in batches] == [4, 2]
    for start, (sp, dense, lengths) in zip((0, 4), batches):
        rows = ROWS[start:start + len(lengths)]
        width = max(len(r) for r in rows)
        np.testing.assert_array_equal(sp.dense_shape, [len(rows), width])
        np.testing.assert_array_equal(dense, [r + [-1] * (width - len(r)) for r in rows])
        np.testing.assert_array_equal(lengths, [len(r) for r in rows])


def test_shuffle_batch_keeps_each_sparse_row_with_its_dense_partner():
    records = tf.train.input_producer(_var_len_examples(ROWS), num_epochs=2, shuffle=False)
    parsed = tf.parse_single_example(records.dequeue(), {
        "ids": tf.VarLenFeature(tf.int64), "n": tf.FixedLenFeature([], tf.int64)})
    ids, n = tf.train.shuffle_batch([parsed["ids"], parsed["n"]], batch_size=3, capacity=12,
                                    min_after_dequeue=4, seed=3, num_threads=2)
    batches = _drain([tf.sparse_tensor_to_dense(ids, default_value=-1), n])
    assert len(batches) == 4  # 12 examples, 3 per batch
    seen = []
    for dense, lengths in batches:
        for row, k in zip(dense, lengths):
            assert np.all(row[k:] == -1) and np.all(row[:k] >= 0)
            seen.append(tuple(row[:k]))
    assert sorted(seen) == sorted(tuple(r) for r in ROWS * 2)


def test_enqueue_many_splits_a_sparse_batch_into_rows():
    sp = tf.SparseTensor([[0, 0], [0, 2], [2, 1]], [1., 2., 3.], [3, 4])
    rows = tf.train.batch([sp], batch_size=2, enqueue_many=True, allow_smaller_final_batch=True)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        dense = tf.sparse_tensor_to_dense(rows)
        first, second = sess.run(dense), sess.run(dense)
        coord.request_stop()
        coord.join(threads)
    # each row keeps its own dense shape [4], so the batch is [2, 4] even when it is empty
    np.testing.assert_array_equal(first, [[1, 0, 2, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(second, [[0, 3, 0, 0], [1, 0, 2, 0]])  # the input repeats
