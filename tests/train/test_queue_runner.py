"""Coordinator, QueueRunner and start_queue_runners, with real threads.

References: TF 1.x's documented contracts (coordinator.py, queue_runner_impl.py):
which exceptions join re-raises, what a runner does at the end of its input, that
a stop cancels blocked enqueues so every thread ends, and the names of its threads.
"""
import sys
import threading
import time

import numpy as np
import pytest

import minitf as tf


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


# -- Coordinator ------------------------------------------------------------------------------
def test_request_stop_sets_the_flag_and_join_reraises_the_first_error():
    coord = tf.train.Coordinator()
    assert not coord.should_stop()
    first, second = ValueError("first"), KeyError("second")

    def worker(ex):
        with coord.stop_on_exception():
            raise ex
    threads = [threading.Thread(target=worker, args=(first,))]
    threads[0].start()
    threads[0].join()
    coord.request_stop(second)  # after the first report: ignored
    assert coord.should_stop() and coord.wait_for_stop(0.01)
    with pytest.raises(ValueError, match="first"):
        coord.join(threads)
    with pytest.raises(ValueError, match="first"):
        coord.raise_requested_exception()
    assert coord.joined
    with pytest.raises(KeyError):  # after join nobody would see it: raised right away
        coord.request_stop(KeyError("late"))


def test_clean_stop_exceptions_are_not_reraised_and_clear_stop_resets():
    coord = tf.train.Coordinator()
    coord.request_stop(tf.errors.OutOfRangeError(None, None, "end of input"))
    assert coord.should_stop()
    coord.join([])  # OutOfRange is the normal end of an input pipeline
    coord.clear_stop()
    assert not coord.should_stop() and not coord.joined
    custom = tf.train.Coordinator(clean_stop_exception_types=(KeyError,))
    try:
        raise KeyError("k")
    except KeyError:
        custom.request_stop(sys.exc_info())
    custom.join([])
    custom.clear_stop()
    custom.request_stop(tf.errors.OutOfRangeError(None, None, "not clean here"))
    with pytest.raises(tf.errors.OutOfRangeError):
        custom.join([])


def test_wait_for_stop_times_out_and_wakes_on_a_request():
    coord = tf.train.Coordinator()
    start = time.monotonic()
    assert coord.wait_for_stop(0.1) is False
    assert time.monotonic() - start >= 0.09
    threading.Timer(0.1, coord.request_stop).start()
    assert coord.wait_for_stop(5) is True


def test_join_reports_threads_that_did_not_stop():
    coord = tf.train.Coordinator()
    release = threading.Event()
    stubborn = threading.Thread(target=release.wait, name="stubborn-thread", daemon=True)
    polite = threading.Thread(target=coord.wait_for_stop, name="polite-thread")
    for t in (stubborn, polite):
        t.start()
    coord.register_thread(polite)
    coord.request_stop()
    with pytest.raises(RuntimeError, match="threads still running: stubborn-thread$"):
        coord.join([stubborn], stop_grace_period_secs=0.2)
    coord.clear_stop()
    coord.request_stop()
    coord.join([stubborn], stop_grace_period_secs=0.05, ignore_live_threads=True)
    release.set()
    stubborn.join(5)


def test_looper_thread_calls_its_target_until_the_stop():
    coord = tf.train.Coordinator()
    calls = []
    looper = coord.loop(0.01, calls.append, args=(1,))
    time.sleep(0.1)
    coord.request_stop()
    coord.join([looper], stop_grace_period_secs=5)
    assert not looper.is_alive() and len(calls) >= 2


# -- QueueRunner ----------------------------------------------------------------------------
def test_queue_runner_fills_a_queue_and_stops_cleanly_with_the_coordinator():
    q = tf.FIFOQueue(4, tf.int32, shapes=[[]])
    counter = tf.Variable(0)
    qr = tf.train.QueueRunner(q, [q.enqueue(tf.assign_add(counter, 1))] * 2)
    tf.train.add_queue_runner(qr)
    assert tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS) == [qr]
    assert qr.queue is q and qr.name == "fifo_queue" and len(qr.enqueue_ops) == 2
    assert qr.queue_closed_exception_types == (tf.errors.OutOfRangeError,)
    deq = q.dequeue()
    before = set(threading.enumerate())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        assert [t.name for t in threads] == [
            "QueueRunnerThread-fifo_queue-fifo_queue_enqueue"] * 2 + [
            "QueueRunnerThread-fifo_queue-close_on_stop"]
        assert all(t.daemon for t in threads)
        assert qr.create_threads(sess, coord) == []  # already running in this session
        got = [int(sess.run(deq)) for _ in range(10)]
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)  # the stop cancelled blocked enqueues
        assert sess.run(q.is_closed())
    assert len(set(got)) == 10 and min(got) >= 1
    assert set(threading.enumerate()) == before


def test_queue_runner_closes_its_queue_when_its_input_ends():
    source = tf.FIFOQueue(10, tf.int32, shapes=[[]])
    fill = source.enqueue_many([np.arange(6, dtype=np.int32)])
    close_source = source.close()
    target = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    qr = tf.train.QueueRunner(target, [target.enqueue(source.dequeue())] * 3)
    out = target.dequeue()
    with tf.Session() as sess:
        sess.run(fill)
        sess.run(close_source)
        coord = tf.train.Coordinator()
        threads = qr.create_threads(sess, coord=coord, start=True)
        got = []
        with pytest.raises(tf.errors.OutOfRangeError, match="FIFOQueue '_1_fifo_queue_1' is "
                           "closed"):
            while True:
                got.append(int(sess.run(out)))
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)  # OutOfRange is a clean stop
    assert sorted(got) == list(range(6))


def test_queue_runner_reports_other_errors_to_the_coordinator():
    q = tf.FIFOQueue(2, tf.float32, shapes=[[]])
    x = tf.placeholder(tf.float32, [])  # never fed: each run fails
    qr = tf.train.QueueRunner(q, [q.enqueue(x)])
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = qr.create_threads(sess, coord=coord, start=True)
        assert coord.wait_for_stop(5)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Placeholder"):
            coord.join(threads, stop_grace_period_secs=5)
    # Without a coordinator the thread keeps the exception and re-raises it.
    q2 = tf.FIFOQueue(2, tf.float32, shapes=[[]])
    qr2 = tf.train.QueueRunner(q2, [q2.enqueue(tf.placeholder(tf.float32, []))])
    with tf.Session() as sess:
        old_hook, threading.excepthook = threading.excepthook, lambda args: None
        try:
            (t,) = qr2.create_threads(sess, start=True)
            t.join(5)
        finally:
            threading.excepthook = old_hook
    assert len(qr2.exceptions_raised) == 1
    assert isinstance(qr2.exceptions_raised[0], tf.errors.InvalidArgumentError)


def test_queue_runner_arguments_are_checked():
    q = tf.FIFOQueue(2, tf.float32)
    with pytest.raises(ValueError, match="Must provide queue and enqueue_ops"):
        tf.train.QueueRunner(q, [])
    with pytest.raises(TypeError, match="queue_closed_exception_types"):
        tf.train.QueueRunner(q, [q.enqueue(1.)], queue_closed_exception_types=(ValueError,))
    qr = tf.train.QueueRunner(q, [q.enqueue(1.)],
                              queue_closed_exception_types=(tf.errors.CancelledError,))
    assert qr.queue_closed_exception_types == (tf.errors.CancelledError,)
    assert qr.close_op.type == "QueueCloseV2" and qr.cancel_op.type == "QueueCloseV2"
    assert qr.cancel_op._attrs["cancel_pending_enqueues"]
    assert tf.train.queue_runner.QueueRunner is tf.train.QueueRunner
    with pytest.raises(ValueError, match="No default session"):
        tf.train.start_queue_runners()


def test_start_queue_runners_uses_the_default_session_and_create_threads_can_wait():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(7)]))
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(coord=coord, start=False, daemon=False)
        assert not any(t.is_alive() for t in threads) and not any(t.daemon for t in threads)
        for t in threads:
            t.start()
        assert sess.run(q.dequeue()) == 7
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)


# -- QueueRunnerDef: runners in a MetaGraph, and queue graphs through a GraphDef ---------------
def _pipeline(path):
    files = tf.train.string_input_producer([path], num_epochs=1, shuffle=False)
    _, line = tf.TextLineReader().read(files)
    value, = tf.decode_csv(line, [[0]])
    return tf.train.batch([value], batch_size=2, allow_smaller_final_batch=True)


def _drain(sess, fetch):
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess, coord=coord)
    out = []
    try:
        while True:
            out.append(sess.run(fetch).tolist())
    except tf.errors.OutOfRangeError:
        pass
    coord.request_stop()
    coord.join(threads)
    return out


def test_queue_runner_def_bytes_are_tfs_message():
    d = tf.train.QueueRunnerDef(queue_name="q", enqueue_op_name=["e1", "e2"],
                                close_op_name="c", cancel_op_name="x",
                                queue_closed_exception_types=[11, 1])
    # fields 1-4 length-delimited strings, field 5 the packed codes 11 (OUT_OF_RANGE), 1
    assert d.SerializeToString() == (b"\x0a\x01q" b"\x12\x02e1" b"\x12\x02e2" b"\x1a\x01c"
                                     b"\x22\x01x" b"\x2a\x02\x0b\x01")
    assert tf.train.QueueRunnerDef.FromString(d.SerializeToString()) == d
    # an unpacked code (field 5 as a varint) reads the same
    assert tf.train.QueueRunnerDef.FromString(b"\x0a\x01q\x28\x0b").queue_closed_exception_types \
        == [11]


def test_a_meta_graph_brings_back_its_queue_runners(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("1\n2\n3\n")
    batch = _pipeline(str(path))
    runners = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
    tf.train.export_meta_graph(str(tmp_path / "m.meta"))
    want = [r.to_proto() for r in runners]
    assert want[0].queue_closed_exception_types == [tf.errors.OUT_OF_RANGE]

    with tf.Graph().as_default():
        tf.train.import_meta_graph(str(tmp_path / "m.meta"), import_scope="again")
        back = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        assert [r.to_proto(export_scope="again") for r in back] == want
        assert back[0].name == "again/" + runners[0].name
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            assert _drain(sess, "again/" + batch.name) == [[1, 2], [3]]


def test_a_queue_and_reader_graph_survives_a_graph_def_without_output_types(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("4\n5\n6\n")
    batch = _pipeline(str(path))
    graph_def = tf.get_default_graph().as_graph_def()
    assert not any("_output_types" in n.attr for n in graph_def.node)
    runners = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        for r in runners:  # the runners, rebuilt from their names
            tf.train.add_queue_runner(tf.train.QueueRunner.from_proto(r.to_proto()))
        with tf.Session() as sess:
            # a GraphDef has no collections (a MetaGraph has): initialize the epoch count
            sess.run("input_producer/limit_epochs/epochs/Assign")
            assert _drain(sess, batch.name) == [[4, 5], [6]]
