"""Queues: order per queue kind, real blocking between threads, deadlines, closing, errors.

References: numpy (orders, padding), TF's RandomShuffleQueue rule (index = next Philox
word % size, swap with the last) on the independent Philox of tests/kernels, values and
messages read from TensorFlow 1.x's kernels (fifo_queue.cc, queue_base.cc ...) and, for
the seeded shuffle, the order real TF gives for the same program.
"""
import threading
import time

import numpy as np
import pytest

import minitf as tf
from minitf.ops import queue_ops
from tests.kernels.test_philox import ref_words

SHORT = tf.RunOptions(timeout_in_ms=150)


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _in_thread(fn):
    """Start ``fn`` in a thread; returns (thread, box) where box gets its result or error."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except Exception as e:  # noqa: BLE001 (handed to the test)
            box["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, box


# -- values and order of each queue kind ---------------------------------------------------
def test_fifo_queue_keeps_order_through_every_op():
    q = tf.FIFOQueue(10, [tf.int32, tf.string], shapes=[[], [2]])
    nums = np.arange(6, dtype=np.int32)
    words = np.array([[b"a%d" % i, b"b%d" % i] for i in range(6)], dtype=object)
    enq_many = q.enqueue_many([nums, words])
    enq = q.enqueue([np.int32(6), [b"x", b"y"]])
    one = q.dequeue()
    many = q.dequeue_many(3)
    up_to = q.dequeue_up_to(10)
    assert [t.shape.as_list() for t in one] == [[], [2]]
    assert [t.shape.as_list() for t in many] == [[3], [3, 2]]
    assert [t.shape.as_list() for t in up_to] == [[None], [None, 2]]
    assert q.queue_ref.dtype == tf.string and q.name == "fifo_queue"
    assert one[0].op.name == "fifo_queue_Dequeue" and enq.name == "fifo_queue_enqueue"
    with tf.Session() as sess:
        assert sess.run(q.queue_ref) == b"_0_fifo_queue"  # TF's "_<id>_<op name>"
        sess.run(enq_many)
        sess.run(enq)
        assert sess.run(q.size()) == 7
        n, w = sess.run(one)
        assert n == 0 and list(w) == list(words[0])
        n, w = sess.run(many)
        np.testing.assert_array_equal(n, nums[1:4])
        np.testing.assert_array_equal(w, words[1:4])
        assert not sess.run(q.is_closed())
        sess.run(q.close())
        assert sess.run(q.is_closed())
        n, w = sess.run(up_to)  # closed: what is left, fewer than asked
        np.testing.assert_array_equal(n, [4, 5, 6])
        assert list(w[2]) == [b"x", b"y"]
        assert sess.run(q.size()) == 0


def test_names_make_components_a_dict():
    q = tf.FIFOQueue(4, [tf.int32, tf.float32], shapes=[[], []], names=["i", "f"])
    enq = q.enqueue({"f": 2.5, "i": 3})
    out = q.dequeue()
    assert sorted(out) == ["f", "i"] and q.names == ["i", "f"]
    with tf.Session() as sess:
        sess.run(enq)
        got = sess.run(out)
    assert got["i"] == 3 and got["f"] == 2.5
    with pytest.raises(ValueError, match="You must enqueue a dictionary in a Queue with names"):
        q.enqueue([1, 2.0])
    with pytest.raises(ValueError, match="Keys in dictionary to enqueue do not match"):
        q.enqueue({"i": 1, "g": 2.0})
    with pytest.raises(ValueError, match="Queue must have names to enqueue a dictionary"):
        tf.FIFOQueue(2, tf.int32).enqueue({"i": 1})


def test_priority_queue_dequeues_lowest_priority_first():
    rng = np.random.RandomState(0)
    prio = rng.randint(0, 5, size=12).astype(np.int64)  # ties on purpose
    vals = np.arange(12, dtype=np.int32) * 10
    q = tf.PriorityQueue(20, [tf.int32], shapes=[[]])
    assert q.dtypes == [tf.int64, tf.int32]
    enq = q.enqueue_many([prio, vals])
    deq = q.dequeue_many(12)
    assert [t.shape.as_list() for t in deq] == [[12], [12]]
    with tf.Session() as sess:
        sess.run(enq)
        p, v = sess.run(deq)
    order = np.argsort(prio, kind="stable")
    np.testing.assert_array_equal(p, prio[order])
    # TF leaves ties unordered; minitf keeps arrival order, and values follow their priority.
    np.testing.assert_array_equal(v, vals[order])


def test_padding_fifo_queue_pads_each_batch_to_its_largest_element():
    q = tf.PaddingFIFOQueue(10, [tf.int32, tf.string], shapes=[[None], [None, 2]])
    seqs = [[1], [2, 3, 4], [5, 6]]
    texts = [[[b"a", b"b"]], [[b"c", b"d"], [b"e", b"f"]], [[b"g", b"h"]] * 3]
    ph_i = tf.placeholder(tf.int32, [None])
    ph_s = tf.placeholder(tf.string, [None, 2])
    enq = q.enqueue([ph_i, ph_s])
    first, second = q.dequeue_many(2), q.dequeue()
    assert [t.shape.as_list() for t in first] == [[2, None], [2, None, 2]]
    with tf.Session() as sess:
        for s, t in zip(seqs, texts):
            sess.run(enq, {ph_i: s, ph_s: t})
        nums, strs = sess.run(first)
        last_nums, last_strs = sess.run(second)  # a single dequeue is never padded
    want = np.zeros((2, 3), np.int32)
    for k, s in enumerate(seqs[:2]):
        want[k, :len(s)] = s
    np.testing.assert_array_equal(nums, want)
    want_s = np.full((2, 2, 2), b"", object)
    for k, t in enumerate(texts[:2]):
        want_s[k, :len(t)] = t
    np.testing.assert_array_equal(strs, want_s)
    np.testing.assert_array_equal(last_nums, seqs[2])
    assert last_strs.shape == (3, 2)


def _tf_shuffle_order(seed, seed2, values, takes):
    """TF's RandomShuffleQueue: each take removes index (next Philox word % size) and moves
    the last element into the hole; the words come from one stream keyed by (seed, seed2)."""
    words = iter(ref_words(seed, seed2, 0, 64).ravel().tolist())
    items, out = [], []
    for batch, n in zip(values, takes):
        items.extend(batch)
        for _ in range(n):
            i = next(words) % len(items)
            out.append(items[i])
            items[i] = items[-1]
            items.pop()
    return out


def test_random_shuffle_queue_with_a_seed_repeats_tfs_order():
    q = tf.RandomShuffleQueue(10, 0, tf.int32, shapes=[[]], seed=5)
    attrs = q.queue_ref.op._attrs
    assert (attrs["seed"], attrs["seed2"]) == (87654321, 5)  # get_seed without a graph seed
    enq = q.enqueue_many([np.arange(10, dtype=np.int32)])
    many, one = q.dequeue_many(10), q.dequeue()
    expected = _tf_shuffle_order(87654321, 5, [range(10), range(10)], [10, 3])
    # Real TensorFlow prints the same for this program (seed=5, range(10) twice).
    assert expected == [1, 2, 0, 4, 8, 6, 9, 5, 7, 3, 9, 6, 4]
    for _ in range(2):  # every session starts the stream again
        with tf.Session() as sess:
            sess.run(enq)
            got = sess.run(many).tolist()
            sess.run(enq)
            got += [int(sess.run(one)) for _ in range(3)]
        assert got == expected


def test_random_shuffle_queue_keeps_min_after_dequeue_until_closed():
    q = tf.RandomShuffleQueue(10, 3, tf.int32, shapes=[[]])
    enq = q.enqueue_many([np.arange(5, dtype=np.int32)])
    deq = q.dequeue()
    with tf.Session() as sess:
        sess.run(enq)
        got = [int(sess.run(deq)) for _ in range(2)]  # 5 - 3 may leave
        with pytest.raises(tf.errors.DeadlineExceededError):
            sess.run(deq, options=SHORT)
        sess.run(q.close())
        got += [int(sess.run(deq)) for _ in range(3)]  # closed: min_after_dequeue is ignored
        with pytest.raises(tf.errors.OutOfRangeError, match="RandomShuffleQueue '_0_random_"
                           "shuffle_queue' is closed and has insufficient elements"):
            sess.run(deq)
    assert sorted(got) == list(range(5))


# -- blocking between threads --------------------------------------------------------------
def test_dequeue_waits_for_an_enqueue_from_another_thread():
    q = tf.FIFOQueue(2, tf.float32, shapes=[[]])
    x = tf.placeholder(tf.float32, [])
    enq, deq = q.enqueue(x), q.dequeue()
    with tf.Session() as sess:
        t, box = _in_thread(lambda: sess.run(deq))
        time.sleep(0.2)
        assert t.is_alive() and not box  # really blocked
        sess.run(enq, {x: 4.5})
        t.join(5)
        assert not t.is_alive() and box == {"value": 4.5}


def test_full_queue_blocks_the_producer_until_a_dequeue():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq3 = q.enqueue_many([[1, 2, 3]])
    deq = q.dequeue()
    with tf.Session() as sess:
        t, box = _in_thread(lambda: sess.run(enq3))
        time.sleep(0.2)
        assert t.is_alive() and sess.run(q.size()) == 2  # two in, the third waits
        assert sess.run(deq) == 1
        t.join(5)
        assert not t.is_alive() and "error" not in box
        assert [sess.run(deq) for _ in range(2)] == [2, 3]


def test_dequeue_many_larger_than_capacity_collects_as_elements_arrive():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    x = tf.placeholder(tf.int32, [None])
    enq, deq = q.enqueue_many(x), q.dequeue_many(5)
    with tf.Session() as sess:
        t, box = _in_thread(lambda: sess.run(deq))
        for chunk in ([0, 1], [2], [3, 4]):
            sess.run(enq, {x: chunk})
        t.join(5)
        np.testing.assert_array_equal(box["value"], np.arange(5))


def test_timeout_is_deadline_exceeded_and_the_session_stays_usable():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    enq, deq, many = q.enqueue_many([[7, 8]]), q.dequeue(), q.dequeue_many(3)
    with tf.Session() as sess:
        start = time.monotonic()
        with pytest.raises(tf.errors.DeadlineExceededError,
                           match="Timed out waiting for notification"):
            sess.run(deq, options=SHORT)
        assert 0.14 < time.monotonic() - start < 2
        sess.run(enq)
        with pytest.raises(tf.errors.DeadlineExceededError):
            sess.run(many, options=SHORT)  # took 7 and 8, then timed out waiting for a third
        assert sess.run(q.size()) == 2  # ... and put them back
        assert [sess.run(deq) for _ in range(2)] == [7, 8]
    config = tf.ConfigProto(operation_timeout_in_ms=100)  # a session-wide deadline
    with tf.Session(config=config) as sess:
        with pytest.raises(tf.errors.DeadlineExceededError):
            sess.run(deq)


# -- closing ---------------------------------------------------------------------------------
def test_close_semantics_and_tf_messages():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq, deq, many = q.enqueue(1), q.dequeue(), q.dequeue_many(2)
    close = q.close()
    with tf.Session() as sess:
        sess.run(enq)
        sess.run(close)
        with pytest.raises(tf.errors.OutOfRangeError) as e:
            sess.run(many)
        assert e.value.message == ("FIFOQueue '_0_fifo_queue' is closed and has insufficient "
                                   "elements (requested 2, current size 1)")
        assert sess.run(deq) == 1  # what is left still dequeues
        with pytest.raises(tf.errors.OutOfRangeError) as e:
            sess.run(deq)
        assert e.value.message == ("FIFOQueue '_0_fifo_queue' is closed and has insufficient "
                                   "elements (requested 1, current size 0)")
        with pytest.raises(tf.errors.CancelledError) as e:
            sess.run(enq)
        assert e.value.message == "FIFOQueue '_0_fifo_queue' is closed."
        with pytest.raises(tf.errors.CancelledError) as e:
            sess.run(close)
        assert e.value.message == "Queue '_0_fifo_queue' is already closed."
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(q.dequeue_up_to(3))  # nothing left at all


def test_close_waits_for_pending_enqueues_and_cancel_cancels_them():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    enq, deq = q.enqueue(5), q.dequeue()
    with tf.Session() as sess:
        sess.run(enq)
        pending, pbox = _in_thread(lambda: sess.run(enq))  # the queue is full: it waits
        time.sleep(0.1)
        closer, cbox = _in_thread(lambda: sess.run(q.close()))
        time.sleep(0.1)
        assert closer.is_alive()  # a close queues behind the waiting enqueue
        assert sess.run(deq) == 5
        pending.join(5)
        closer.join(5)
        assert pbox == {"value": None} and cbox == {"value": None}
        assert sess.run(deq) == 5 and sess.run(q.is_closed())
    with tf.Session() as sess:
        sess.run(enq)
        pending, pbox = _in_thread(lambda: sess.run(enq))
        time.sleep(0.1)
        sess.run(q.close(cancel_pending_enqueues=True))
        pending.join(5)
        assert isinstance(pbox["error"], tf.errors.CancelledError)
        assert pbox["error"].message == "Enqueue operation was cancelled"
        assert sess.run(deq) == 5


def test_closing_the_session_wakes_every_blocked_op():
    empty, full = tf.FIFOQueue(1, tf.int32, shapes=[[]]), tf.FIFOQueue(1, tf.int32, shapes=[[]])
    deq, enq = empty.dequeue(), full.enqueue(1)
    sess = tf.Session()
    sess.run(enq)
    before = set(threading.enumerate())
    waiters = [_in_thread(lambda: sess.run(deq)) for _ in range(2)] + \
        [_in_thread(lambda: sess.run(enq)) for _ in range(2)]
    time.sleep(0.2)
    assert all(t.is_alive() for t, _ in waiters)
    sess.close()
    for t, _ in waiters:
        t.join(5)
    assert set(threading.enumerate()) == before
    messages = sorted(box["error"].message for _, box in waiters)
    assert messages == ["Dequeue operation was cancelled"] * 2 + \
        ["Enqueue operation was cancelled"] * 2
    assert all(isinstance(box["error"], tf.errors.CancelledError) for _, box in waiters)
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(deq)


# -- errors --------------------------------------------------------------------------------
def test_enqueue_checks_shapes_and_dtypes_at_graph_time():
    q = tf.FIFOQueue(2, tf.float32, shapes=[[2]])
    with pytest.raises(ValueError, match=r"Shapes \(3,\) and \(2,\) are incompatible"):
        q.enqueue([[1., 2., 3.]])
    with pytest.raises(ValueError, match=r"Shapes \(3,\) and \(2,\) are incompatible"):
        q.enqueue_many([[[1., 2., 3.]]])
    with pytest.raises(ValueError, match="must have rank at least 1"):
        q.enqueue_many([tf.constant(1.)])
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype int32"):
        q.enqueue([tf.constant([1, 2])])
    two = tf.FIFOQueue(2, [tf.int32, tf.int32], shapes=[[], []])
    with pytest.raises(ValueError, match="Dimensions? .*(compatible|equal)"):
        two.enqueue_many([[1, 2, 3], [1, 2]])


def test_enqueue_checks_shapes_at_run_time_with_tfs_messages():
    q = tf.FIFOQueue(2, tf.float32, shapes=[[2]])
    x = tf.placeholder(tf.float32)
    pad = tf.PaddingFIFOQueue(2, tf.int32, shapes=[[None]])
    y = tf.placeholder(tf.int32)
    prio = tf.PriorityQueue(2, [tf.int32])
    p = tf.placeholder(tf.int64)
    unshaped = tf.FIFOQueue(2, [tf.int32, tf.int32])
    a, b = tf.placeholder(tf.int32), tf.placeholder(tf.int32)
    with tf.Session() as sess:
        cases = [
            (q.enqueue(x), {x: [1., 2., 3.]}, "Expected [2], got [3]"),
            (q.enqueue_many(x), {x: [[1., 2., 3.]]}, "Expected [1,2], got [1,3]"),
            (pad.enqueue(y), {y: [[1]]}, "Expected [?], got [1,1]"),
        ]
        for op, feed, tail in cases:
            with pytest.raises(tf.errors.InvalidArgumentError) as e:
                sess.run(op, feed)
            assert e.value.message == "Shape mismatch in tuple component 0. " + tail
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Expected the priority element to be a scalar, but received "
                           r"shape: \[2\]"):
            sess.run(prio.enqueue([p, 1]), {p: [1, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Component 1 has 2, and should have 3"):
            sess.run(unshaped.enqueue_many([a, b]), {a: [1, 2, 3], b: [1, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="FIFOQueue's DequeueMany and DequeueUpTo require the "
                           "components to have specified shapes."):
            sess.run(unshaped.dequeue_many(1))
        n = tf.placeholder(tf.int32, [])  # a constant -1 fails at graph time, as in TF
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="DequeueManyOp requested -1 < 0 elements"):
            sess.run(q.dequeue_many(n), {n: -1})
        assert sess.run(q.size()) == 0  # nothing half-enqueued


def test_constructor_errors():
    with pytest.raises(ValueError, match="All shapes must be fully defined"):
        tf.FIFOQueue(2, tf.float32, shapes=[[None]])
    with pytest.raises(ValueError, match="Queue shapes must have the same length as dtypes"):
        tf.FIFOQueue(2, [tf.float32, tf.int32], shapes=[[1]])
    with pytest.raises(ValueError, match="List of names must have the same length"):
        tf.FIFOQueue(2, [tf.float32], names=["a", "b"])
    with pytest.raises(ValueError, match="Shapes must be provided for all components"):
        tf.PaddingFIFOQueue(2, [tf.float32, tf.int32], shapes=[[None]])
    with pytest.raises(ValueError, match="a list of shapes must be provided"):
        tf.PaddingFIFOQueue(2, tf.float32, shapes=None)
    bad = tf.RandomShuffleQueue(2, 2, tf.int32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="min_after_dequeue 2 must be < capacity 2"):
            sess.run(bad.size())


def _wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_stats_count_finished_operations_and_name_the_waiting_threads():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq_two, enq_one = q.enqueue_many([[1, 2]]), q.enqueue(3)
    many, deq = q.dequeue_many(3), q.dequeue()
    with tf.Session() as sess:
        assert queue_ops.session_queue(sess, q) is None  # no run has made it yet
        sess.run(enq_two)
        queue = queue_ops.session_queue(sess, q)
        assert queue is queue_ops.session_queue(sess, q.queue_ref)
        assert queue is queue_ops.session_queue(sess, q.queue_ref.op)
        assert queue.stats() == {"size": 2, "capacity": 2, "closed": False, "enqueued": 2,
                                 "dequeued": 0, "waiting_enqueues": [], "waiting_dequeues": []}
        t, box = _in_thread(lambda: sess.run(enq_one))  # full: it waits
        _wait_until(lambda: queue.stats()["waiting_enqueues"] == [t.ident])
        assert queue.stats()["enqueued"] == 2
        assert sess.run(deq) == 1  # makes room: the waiting enqueue completes
        t.join(5)
        assert "error" not in box
        with pytest.raises(tf.errors.DeadlineExceededError):
            sess.run(many, options=SHORT)  # took 2 and 3, timed out, put them back
        stats = queue.stats()
        assert (stats["size"], stats["enqueued"], stats["dequeued"]) == (2, 3, 1)
        t, box = _in_thread(lambda: sess.run(many))
        _wait_until(lambda: queue.stats()["waiting_dequeues"] == [t.ident])
        sess.run(q.close())
        t.join(5)  # closed with 2 < 3 elements: OutOfRange, and nothing counts as taken
        assert isinstance(box["error"], tf.errors.OutOfRangeError)
        stats = queue.stats()
        assert (stats["closed"], stats["size"], stats["dequeued"]) == (True, 2, 1)
        with tf.Session() as other:  # each session has its own queue
            other.run(q.size())
            assert queue_ops.session_queue(other, q).stats()["enqueued"] == 0
        with pytest.raises(TypeError, match="Expected a queue"):
            queue_ops.session_queue(sess, deq)


# -- queues are per-session resources ------------------------------------------------------
def test_two_sessions_have_their_own_queue_and_shared_names_share_within_one():
    q = tf.FIFOQueue(5, tf.int32, shapes=[[]], shared_name="shared")
    again = tf.FIFOQueue(5, tf.int32, shapes=[[]], shared_name="shared")
    other = tf.FIFOQueue(6, tf.int32, shapes=[[]], shared_name="shared")
    other_shape = tf.FIFOQueue(5, tf.int32, shapes=[[2]], shared_name="shared")
    enq = q.enqueue(3)
    with tf.Session() as one, tf.Session() as two:
        one.run(enq)
        assert one.run(q.size()) == 1 and two.run(q.size()) == 0
        assert one.run(again.dequeue()) == 3  # one queue under one shared_name
        assert one.run(again.queue_ref) == b"shared"
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Shared queue 'shared' has capacity 5 but requested capacity "
                           "was 6"):
            one.run(other.size())
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"has component shapes \[\[\]\] but requested component shapes "
                           r"were \[\[2\]\]"):
            one.run(other_shape.size())
        padded = tf.PaddingFIFOQueue(5, tf.int32, shapes=[[]], shared_name="shared")
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Expected FIFOQueue, found PaddingFIFOQueueV2"):
            one.run(padded.size())


def test_one_session_runs_from_many_threads_at_once():
    q = tf.FIFOQueue(4, tf.int32, shapes=[[]])
    x = tf.placeholder(tf.int32, [])
    doubled = x * 2  # a per-thread feed flows through a per-thread run
    enq, deq = q.enqueue(doubled), q.dequeue()
    with tf.Session() as sess:
        producers = [_in_thread(lambda k=k: [sess.run(enq, {x: k * 100 + i})
                                             for i in range(25)]) for k in range(3)]
        got = [int(sess.run(deq)) for _ in range(75)]
        for t, box in producers:
            t.join(5)
            assert "error" not in box
    assert sorted(got) == sorted(2 * (k * 100 + i) for k in range(3) for i in range(25))
    for k in range(3):  # each producer's elements keep their order
        mine = [v for v in got if v // 200 == k]
        assert mine == sorted(mine)


# -- reliability ---------------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_stress_four_producers_two_consumers_session_closed_mid_run():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    enq, deq = q.enqueue(1), q.dequeue_many(2)
    before = set(threading.enumerate())
    start, ran = time.monotonic(), 0
    for _ in range(50):
        sess = tf.Session()
        counts = []

        def loop(op, sess=sess):
            n = 0
            while True:
                try:
                    sess.run(op)
                    n += 1
                except (tf.errors.CancelledError, RuntimeError):
                    counts.append(n)
                    return
        threads = [threading.Thread(target=loop, args=(op,), daemon=True)
                   for op in [enq] * 4 + [deq] * 2]
        for t in threads:
            t.start()
        time.sleep(0.01)
        sess.close()
        for t in threads:
            t.join(10)
        assert not any(t.is_alive() for t in threads)
        assert len(counts) == 6
        ran += sum(counts)
    assert ran > 0  # the ops did run before the closes cut them off
    assert set(threading.enumerate()) == before
    assert time.monotonic() - start < 60
