"""tf.data: datasets, their static structure, iterators, and the readers' datasets.

Expected values come from the documented rules (Python's range and slicing, TF's
interleave and shuffle-buffer algorithms written out here), and TF's shuffle
order is checked against the real TensorFlow when its interpreter is installed.
"""
import gzip
import inspect
import os
import pathlib
import subprocess
import time

import numpy as np
import pytest

import minitf as tf
from minitf.kernels.philox import philox_words

OUT_OF_RANGE = tf.errors.OutOfRangeError
ORACLE = pathlib.Path.home() / ".cache/tf-oracle/bin/python"


def _all(sess, t, feed=None):
    """Run ``t`` until the end of its sequence; the values in order."""
    out = []
    while True:
        try:
            out.append(sess.run(t, feed))
        except OUT_OF_RANGE:
            return out


def _values(ds):
    with tf.Session() as sess:
        return _all(sess, ds.make_one_shot_iterator().get_next())


# -- sources, structure and static shapes -------------------------------------------------------
def test_from_tensor_slices_of_a_tuple_of_a_dict_keeps_structure_types_and_shapes():
    feats = np.arange(12, dtype=np.float32).reshape(4, 3)
    labels = np.array([3, 1, 4, 1], np.int64)
    ds = tf.data.Dataset.from_tensor_slices(({"x": feats, "id": ["a", "b", "c", "d"]}, labels))
    assert ds.output_types == ({"id": tf.string, "x": tf.float32}, tf.int64)
    assert ds.output_shapes[0]["x"].as_list() == [3]
    assert ds.output_shapes[1].as_list() == []
    assert ds.output_classes == ({"id": tf.Tensor, "x": tf.Tensor}, tf.Tensor)
    x, y = ds.make_one_shot_iterator().get_next()
    assert x["x"].shape.as_list() == [3] and y.dtype is tf.int64
    with tf.Session() as sess:
        got = _all(sess, (x, y))
    assert len(got) == 4
    for i, (feat, label) in enumerate(got):
        np.testing.assert_array_equal(feat["x"], feats[i])
        assert feat["id"] == b"abcd"[i:i + 1] and label == labels[i]


def test_from_tensors_range_zip_take_skip_repeat_follow_pythons_rules():
    (single,) = _values(tf.data.Dataset.from_tensors([1, 2]))
    np.testing.assert_array_equal(single, [1, 2])
    assert _values(tf.data.Dataset.range(2, 11, 3)) == list(range(2, 11, 3))
    assert _values(tf.data.Dataset.range(5, 0, -2)) == list(range(5, 0, -2))
    assert _values(tf.data.Dataset.range(10).skip(3).take(4)) == list(range(3, 7))
    assert _values(tf.data.Dataset.range(3).repeat(2)) == [0, 1, 2] * 2
    assert _values(tf.data.Dataset.range(3).take(-1).skip(0)) == [0, 1, 2]
    assert _values(tf.data.Dataset.range(3).skip(-1)) == []
    assert _values(tf.data.Dataset.range(4).repeat().take(10)) == [i % 4 for i in range(10)]
    assert _values(tf.data.Dataset.range(0).repeat()) == []
    zipped = tf.data.Dataset.zip((tf.data.Dataset.range(5), tf.data.Dataset.range(10, 13)))
    assert zipped.output_types == (tf.int64, tf.int64)
    assert [tuple(v) for v in _values(zipped)] == list(zip(range(5), range(10, 13)))


def test_batch_shapes_are_none_or_the_size_with_drop_remainder():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(14).reshape(7, 2))
    assert ds.batch(3).output_shapes.as_list() == [None, 2]
    assert ds.batch(3, drop_remainder=True).output_shapes.as_list() == [3, 2]
    got = _values(ds.batch(3))
    assert [b.shape for b in got] == [(3, 2), (3, 2), (1, 2)]
    np.testing.assert_array_equal(np.concatenate(got), np.arange(14).reshape(7, 2))
    assert [b.shape for b in _values(ds.batch(3, drop_remainder=True))] == [(3, 2), (3, 2)]


def test_batch_of_different_shapes_is_an_error_and_padded_batch_pads():
    ds = tf.data.Dataset.range(1, 5).map(lambda n: tf.fill([n], n))
    assert ds.output_shapes.as_list() == [None]
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="Cannot batch tensors with different shapes"):
        sess.run(ds.batch(2).make_one_shot_iterator().get_next())
    padded = ds.padded_batch(3, padded_shapes=[None], padding_values=np.int64(-1))
    assert padded.output_shapes.as_list() == [None, None]
    first, second = _values(padded)
    np.testing.assert_array_equal(first, [[1, -1, -1], [2, 2, -1], [3, 3, 3]])
    np.testing.assert_array_equal(second, [[4, 4, 4, 4]])
    fixed = ds.padded_batch(2, padded_shapes=[5], drop_remainder=True)
    assert fixed.output_shapes.as_list() == [2, 5]
    np.testing.assert_array_equal(_values(fixed)[1], [[3, 3, 3, 0, 0], [4, 4, 4, 4, 0]])


def test_from_generator_converts_checks_shapes_and_restarts_on_each_initialization():
    calls = []

    def gen():
        calls.append(1)
        for i in range(3):
            yield i, [float(i)] * 2

    ds = tf.data.Dataset.from_generator(gen, (tf.int32, tf.float32), ([], [2]))
    assert ds.output_shapes[1].as_list() == [2]
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        for _ in range(2):
            sess.run(it.initializer)
            got = _all(sess, nxt)
            assert [int(a) for a, _ in got] == [0, 1, 2]
            np.testing.assert_array_equal(got[2][1], np.float32([2, 2]))
    assert len(calls) == 2
    bad = tf.data.Dataset.from_generator(lambda: iter([[1, 2, 3]]), tf.int64, [2])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match=r"shape \(3,\) where an element of shape"):
        sess.run(bad.make_one_shot_iterator().get_next())


# -- functions -------------------------------------------------------------------------------
def test_map_filter_and_flat_map_functions_receive_tensors():
    scale = tf.constant(10, tf.int64)
    ds = tf.data.Dataset.range(6).map(lambda x: (x, x * scale))
    assert ds.output_types == (tf.int64, tf.int64)
    ds = ds.filter(lambda x, y: tf.equal(x % 2, 0))
    assert [tuple(v) for v in _values(ds)] == [(0, 0), (2, 20), (4, 40)]
    as_dict = tf.data.Dataset.range(3).map(lambda x: {"sq": x * x, "neg": -x})
    assert [(d["sq"], d["neg"]) for d in _values(as_dict)] == [(0, 0), (1, -1), (4, -2)]
    flat = tf.data.Dataset.range(4).flat_map(
        lambda n: tf.data.Dataset.range(n).map(lambda i: i + 100 * n))
    assert _values(flat) == [100 * n + i for n in range(4) for i in range(n)]
    with pytest.raises(ValueError, match="must return a scalar boolean"):
        tf.data.Dataset.range(3).filter(lambda x: x)


def test_interleave_cycles_blocks_as_tf_documents():
    ds = tf.data.Dataset.range(7).interleave(
        lambda v: tf.data.Dataset.from_tensors(v).repeat(v % 3 + 1), cycle_length=2,
        block_length=2)
    # TF's rule written out: open datasets in slots, read block_length from one slot,
    # move to the next slot; an exhausted slot takes the next input's dataset.
    sources = [[v] * (v % 3 + 1) for v in range(7)]
    slots, expected, slot, taken, pending = [None, None], [], 0, 0, list(sources)
    while pending or any(s is not None for s in slots):
        if slots[slot] is None:
            if pending:
                slots[slot] = list(pending.pop(0))
            else:
                slot, taken = (slot + 1) % 2, 0
            continue
        if slots[slot]:
            expected.append(slots[slot].pop(0))
            taken += 1
            if taken == 2:
                slot, taken = (slot + 1) % 2, 0
        else:
            slots[slot] = None
            slot, taken = (slot + 1) % 2, 0
    assert _values(ds) == expected


def test_error_inside_a_map_function_names_the_op_and_the_users_line():
    rows = tf.data.Dataset.from_generator(lambda: iter([[1.0, 2.0]]), tf.float32, [None])
    line = inspect.currentframe().f_lineno + 1
    ds = rows.map(lambda x: tf.reshape(x, [3]))
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(ds.make_one_shot_iterator().get_next())
    assert info.value.op.type == "Reshape"
    assert "test_dataset.py:%d" % line in str(info.value)


def test_random_ops_in_a_map_are_seeded_and_repeat_in_every_session():
    ds = tf.data.Dataset.range(4).map(
        lambda x: tf.cast(x, tf.float32) + tf.random_uniform([], seed=3))
    runs = []
    for _ in range(2):
        runs.append(_values(ds))
    assert runs[0] == runs[1]
    noise = np.array(runs[0]) - np.arange(4)
    assert len(set(noise.tolist())) == 4 and ((noise >= 0) & (noise < 1)).all()


def test_cache_keeps_a_complete_pass_in_memory():
    calls = []

    def gen():
        calls.append(1)
        yield from range(3)

    ds = tf.data.Dataset.from_generator(gen, tf.int64).cache().repeat(3)
    assert _values(ds) == [0, 1, 2] * 3
    assert len(calls) == 1
    assert _values(tf.data.Dataset.range(3).prefetch(2)) == [0, 1, 2]


# -- shuffle ---------------------------------------------------------------------------------
def _philox_stream(seed, seed2):
    block = 0
    while True:
        yield from (int(w) for w in philox_words(seed, seed2, block, 1)[0])
        block += 1


def _tf_shuffle(items, buffer_size, seed, seed2):
    """TF's ShuffleDatasetOp: fill a ring buffer, emit a random element of it, put the
    oldest in its place."""
    words, source = _philox_stream(seed, seed2), iter(items)
    ring, start, end, out, done = [None] * buffer_size, 0, 0, [], False
    while True:
        while not done and end - start < buffer_size:
            x = next(source, None)
            if x is None:
                done = True
            else:
                ring[end % buffer_size] = x
                end += 1
        if end == start:
            return out
        i = (start + next(words) % (end - start)) % buffer_size
        out.append(ring[i])
        ring[i] = ring[start % buffer_size]
        start += 1


def _reshuffled(items, buffer_size, seed, seed2, epochs):
    """With reshuffle_each_iteration each epoch's seeds are the next two words of a
    generator seeded with the dataset's seeds."""
    seeds, out = _philox_stream(seed, seed2), []
    for _ in range(epochs):
        out += _tf_shuffle(items, buffer_size, next(seeds), next(seeds))
    return out


def test_seeded_shuffle_follows_tfs_buffer_algorithm_and_reshuffles_each_epoch():
    seed, seed2 = tf.get_seed(7)  # op seed 7, no graph seed: (87654321, 7)
    fixed = tf.data.Dataset.range(10).shuffle(4, seed=7, reshuffle_each_iteration=False)
    assert _values(fixed.repeat(2)) == _tf_shuffle(range(10), 4, seed, seed2) * 2
    again = tf.data.Dataset.range(10).shuffle(4, seed=7).repeat(2)
    got = _values(again)
    assert got == _reshuffled(range(10), 4, seed, seed2, 2)
    assert got[:10] != got[10:] and sorted(got[:10]) == list(range(10))
    assert _values(again) == got  # reproducible in a new session


@pytest.mark.slow
@pytest.mark.skipif(not ORACLE.exists(), reason="no TensorFlow interpreter")
def test_seeded_shuffle_order_is_tensorflows(tmp_path):
    script = tmp_path / "shuffle.py"
    script.write_text(
        "import tensorflow as tf\ntf1 = tf.compat.v1\ntf1.disable_eager_execution()\n"
        "for r in (True, False):\n"
        "    with tf1.Graph().as_default():\n"
        "        ds = tf1.data.Dataset.range(12).shuffle(5, seed=11,\n"
        "                                                reshuffle_each_iteration=r).repeat(2)\n"
        "        x = tf1.data.make_one_shot_iterator(ds).get_next()\n"
        "        with tf1.Session() as s:\n"
        "            print(' '.join(str(s.run(x)) for _ in range(24)))\n")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([str(ORACLE), str(script)], capture_output=True, text=True,
                         timeout=300, env=env, check=True).stdout.split("\n")
    theirs = [[int(v) for v in line.split()] for line in out if line.strip()][-2:]
    for reshuffle, want in zip((True, False), theirs):
        ds = tf.data.Dataset.range(12).shuffle(5, seed=11,
                                               reshuffle_each_iteration=reshuffle).repeat(2)
        assert _values(ds) == want


# -- iterators -------------------------------------------------------------------------------
def test_get_next_before_initialization_and_after_the_end():
    it = tf.data.Dataset.range(2).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="GetNext\\(\\) failed because the iterator has not been "
                                 "initialized"):
            sess.run(nxt)
        sess.run(it.initializer)
        assert [sess.run(nxt), sess.run(nxt)] == [0, 1]
        for _ in range(2):  # the end stays the end
            with pytest.raises(OUT_OF_RANGE, match="End of sequence"):
                sess.run(nxt)
        sess.run(it.initializer)
        assert sess.run(nxt) == 0
    with tf.Session() as other:  # iterator state is per session
        with pytest.raises(tf.errors.FailedPreconditionError):
            other.run(nxt)


def test_initializable_iterator_reinitializes_with_a_fed_file_name(tmp_path):
    paths = []
    for k, text in enumerate([b"a1\nb1\r\nc1", b"x2\ny2\n"]):
        paths.append(str(tmp_path / ("f%d.txt" % k)))
        pathlib.Path(paths[-1]).write_bytes(text)
    name = tf.placeholder(tf.string, [])
    it = tf.data.TextLineDataset(name).make_initializable_iterator()
    line = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {name: paths[0]})
        assert _all(sess, line) == [b"a1", b"b1", b"c1"]
        sess.run(it.initializer, {name: paths[1]})
        assert _all(sess, line) == [b"x2", b"y2"]
    with pytest.raises(ValueError, match="Cannot capture a placeholder"):
        tf.data.TextLineDataset(name).make_one_shot_iterator()


def test_iterator_from_structure_switches_between_datasets():
    train = tf.data.Dataset.range(3).map(lambda x: (x, tf.cast(x, tf.float32)))
    val = tf.data.Dataset.range(10, 12).map(lambda x: (x, tf.cast(x, tf.float32) / 2))
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    with pytest.raises(ValueError):
        it.initializer
    x, y = it.get_next()
    assert x.dtype is tf.int64 and y.shape.as_list() == []
    to_train, to_val = it.make_initializer(train), it.make_initializer(val)
    with tf.Session() as sess:
        sess.run(to_train)
        assert [tuple(v) for v in _all(sess, (x, y))] == [(0, 0.0), (1, 1.0), (2, 2.0)]
        sess.run(to_val)
        assert [tuple(v) for v in _all(sess, (x, y))] == [(10, 5.0), (11, 5.5)]
    with pytest.raises(TypeError, match="Expected output types"):
        it.make_initializer(tf.data.Dataset.range(3).map(lambda v: (v, v)))


def test_from_tensor_slices_batch_64_over_mnist_sized_arrays_takes_milliseconds():
    images = np.zeros((55000, 784), np.float32)
    labels = np.zeros((55000,), np.int64)
    x, y = tf.data.Dataset.from_tensor_slices((images, labels)).batch(64) \
        .make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        sess.run(x)
        start = time.perf_counter()
        for _ in range(50):
            out = sess.run((x, y))
        per_batch = (time.perf_counter() - start) / 50
    assert out[0].shape == (64, 784)
    assert per_batch < 0.02, "%.1f ms per batch" % (per_batch * 1e3)


# -- the readers' datasets -------------------------------------------------------------------
def test_fixed_length_and_compressed_text_datasets_read_files_the_test_wrote(tmp_path):
    body = bytes(range(20))
    path = tmp_path / "fixed.bin"
    path.write_bytes(b"HEAD" + body + b"FOOT")
    ds = tf.data.FixedLengthRecordDataset(str(path), 6, header_bytes=4, footer_bytes=4)
    assert _values(ds) == [body[i:i + 6] for i in range(0, 18, 6)]  # 2 bytes left over
    gz = tmp_path / "lines.txt.gz"
    gz.write_bytes(gzip.compress(b"one\ntwo\n"))
    assert _values(tf.data.TextLineDataset(str(gz), compression_type="GZIP")) == [b"one",
                                                                                b"two"]
    with tf.Session() as sess, pytest.raises(tf.errors.NotFoundError):
        sess.run(tf.data.TextLineDataset(str(tmp_path / "missing")).make_one_shot_iterator()
                 .get_next())


def test_tfrecord_parse_shuffle_batch_pipeline(tmp_path):
    path = str(tmp_path / "data.tfrecord.gz")
    options = tf.python_io.TFRecordOptions(tf.python_io.TFRecordCompressionType.GZIP)
    with tf.python_io.TFRecordWriter(path, options) as writer:
        for i in range(10):
            example = tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=[i, i + 0.5])),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i * i]))}))
            writer.write(example.SerializeToString())
    spec = {"x": tf.FixedLenFeature([2], tf.float32), "y": tf.FixedLenFeature([], tf.int64)}

    def parse(record):
        f = tf.parse_single_example(record, spec)
        return f["x"], f["y"]

    ds = tf.data.TFRecordDataset(path, compression_type="GZIP").map(parse).shuffle(
        4, seed=5, reshuffle_each_iteration=False).batch(4)
    assert ds.output_shapes[0].as_list() == [None, 2] and ds.output_types[1] is tf.int64
    order = _tf_shuffle(range(10), 4, *tf.get_seed(5))
    batches = _values(ds)
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]),
                                  np.array(order) ** 2)
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches])[:, 1],
                                  np.float32(order) + 0.5)


# -- prefetch: a real background thread -------------------------------------------------------
def _prefetch_threads():
    import threading
    return [t for t in threading.enumerate() if t.name == "prefetch" and t.is_alive()]


def _wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_prefetch_computes_elements_ahead_while_the_consumer_is_busy():
    produced = []

    def numbers():
        for i in range(10):
            produced.append(i)
            yield i

    ds = tf.data.Dataset.from_generator(numbers, tf.int64, []).prefetch(3)
    with tf.Session() as sess:
        x = ds.make_one_shot_iterator().get_next()
        assert sess.run(x) == 0
        # without being asked, the thread fills its buffer of 3 (and holds one more in hand)
        assert _wait_until(lambda: len(produced) >= 4)
        time.sleep(0.2)
        assert len(produced) <= 5  # ... but no further: the buffer bounds it
        assert _all(sess, x) == list(range(1, 10))
    assert _wait_until(lambda: not _prefetch_threads())


def test_prefetch_thread_ends_on_reinitialization_and_on_session_close():
    n = tf.placeholder(tf.int64, [])
    it = tf.data.Dataset.range(n).prefetch(2).make_initializable_iterator()
    x = it.get_next()
    sess = tf.Session()
    sess.run(it.initializer, {n: 1000})
    assert sess.run(x) == 0
    assert len(_prefetch_threads()) == 1
    sess.run(it.initializer, {n: 5})  # the old pipeline's thread must go
    assert _all(sess, x) == [0, 1, 2, 3, 4]
    sess.run(it.initializer, {n: 1000})
    assert sess.run(x) == 0
    sess.close()
    assert _wait_until(lambda: not _prefetch_threads())


@pytest.mark.parametrize("ahead", [0, 4])
def test_an_element_that_fails_is_an_error_in_its_place_and_the_iterator_goes_on(ahead):
    ds = tf.data.Dataset.from_tensor_slices(["1", "2", "x", "4", "y", "6"]).map(
        tf.string_to_number)
    ds = ds.prefetch(ahead) if ahead else ds
    with tf.Session() as sess:
        x = ds.make_one_shot_iterator().get_next()
        assert [sess.run(x), sess.run(x)] == [1., 2.]
        with pytest.raises(tf.errors.InvalidArgumentError, match="x"):
            sess.run(x)
        assert sess.run(x) == 4.  # as in TF, the next element follows the error
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(x)
        assert _all(sess, x) == [6.]


def test_a_failed_element_fails_its_batch_and_ignore_errors_drops_it():
    words = tf.data.Dataset.from_tensor_slices(["1", "2", "x", "4", "5", "6", "7"])
    numbers = words.map(tf.string_to_number)
    with tf.Session() as sess:
        x = numbers.batch(2).make_one_shot_iterator().get_next()
        assert sess.run(x).tolist() == [1., 2.]
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(x)  # the batch of "x" and "4" fails, as a whole (TF 2.21 agrees)
        assert [b.tolist() for b in _all(sess, x)] == [[5., 6.], [7.]]
    kept = numbers.apply(tf.data.experimental.ignore_errors()).take(4)
    assert _values(kept) == [1., 2., 4., 5.]
    # take counts elements, not failures; skip skips elements, not failures
    assert len(_values(numbers.apply(tf.data.experimental.ignore_errors()).skip(5))) == 1


def test_get_next_waiting_on_prefetch_keeps_the_run_deadline():
    def slow():
        yield 1
        time.sleep(3)
        yield 2

    ds = tf.data.Dataset.from_generator(slow, tf.int64, []).prefetch(1)
    with tf.Session() as sess:
        x = ds.make_one_shot_iterator().get_next()
        assert sess.run(x) == 1
        t0 = time.monotonic()
        with pytest.raises(tf.errors.DeadlineExceededError):
            sess.run(x, options=tf.RunOptions(timeout_in_ms=200))
        assert time.monotonic() - t0 < 2.5
        assert sess.run(x) == 2  # the element still comes, to the next run
