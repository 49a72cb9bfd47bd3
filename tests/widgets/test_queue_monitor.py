"""QueueMonitor: live numbers of a QueueRunner pipeline, blocked threads, stopping, rendering.

References: the elements the test itself puts into the pipeline and takes out, the
queues' capacities, and which thread the test knows must wait.
"""
import io
import threading
import time

import pytest
from PIL import Image

import minitf as tf
from minitf.widgets import QueueMonitor

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    before = set(threading.enumerate())
    yield
    tf.reset_default_graph()
    assert set(threading.enumerate()) <= before  # no test leaves a thread behind


def wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def decode_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


def relay_pipeline(n, capacity):
    """A source queue of ``n`` numbers (filled and closed by the test) and a small queue
    that a QueueRunner fills from it; the runner closes it when the source runs dry."""
    src = tf.FIFOQueue(n, tf.int32, shapes=[[]], name="src")
    q = tf.FIFOQueue(capacity, tf.int32, shapes=[[]], name="q")
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(src.dequeue())]))
    return src, q


def test_snapshot_follows_a_queue_runner_pipeline():
    n, capacity = 80, 4
    src, q = relay_pipeline(n, capacity)
    take = q.dequeue()
    with tf.Session() as sess:
        sess.run(src.enqueue_many([list(range(n))]))
        sess.run(src.close())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        mon = QueueMonitor(sess, coord=coord, threads=threads, interval=0.02).start()
        assert mon.running
        got, seen = [], []
        try:
            while True:
                got.append(int(sess.run(take)))
                time.sleep(0.005)  # a slow consumer, so the sampler sees the flow
                seen.append(mon.snapshot())
        except tf.errors.OutOfRangeError:
            pass
        assert sorted(got) == list(range(n))
        live = [s for s in seen if s["running"]]
        assert max(s["queues"]["q"]["enqueue_rate"] for s in live) > 0
        assert max(s["queues"]["q"]["dequeue_rate"] for s in live) > 0
        assert max(s["queues"]["src"]["dequeue_rate"] for s in live) > 0
        assert any(t["name"] == threads[0].name and t["alive"] for t in live[0]["threads"])
        coord.request_stop()
        coord.join(threads)
        mon.stop()
        assert not mon.running
        final = mon.snapshot()
    for sample in mon.samples:
        assert 0 <= sample["queues"]["q"]["size"] <= capacity
        assert 0 <= sample["queues"]["src"]["size"] <= n
    times = [s["time"] for s in mon.samples]
    assert times == sorted(times) and len(times) > 5
    qs = final["queues"]
    assert (qs["src"]["enqueued"], qs["src"]["dequeued"]) == (n, n)
    assert (qs["q"]["enqueued"], qs["q"]["dequeued"], qs["q"]["size"]) == (n, n, 0)
    assert qs["q"]["capacity"] == capacity and qs["q"]["kind"] == "FIFOQueue"
    assert qs["src"]["closed"] and qs["q"]["closed"]  # the runner closed q at the end
    assert all(q["enqueue_rate"] == 0 and q["dequeue_rate"] == 0 for q in qs.values())
    assert final["should_stop"] and not final["running"]
    assert [t["name"] for t in final["threads"]] == [t.name for t in threads]
    assert all(t["state"] == "finished" and not t["alive"] for t in final["threads"])


def test_a_full_queue_shows_its_producer_blocked_and_a_stop_ends_the_sampling():
    q = tf.FIFOQueue(3, tf.float32, shapes=[[]], name="full")
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(1.0)]))
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        mon = QueueMonitor(sess, coord=coord, interval=0.02).start()  # threads from coord

        def producer_blocked():
            snap = mon.snapshot()
            return any(t["blocked"] for t in snap["threads"])
        wait_until(producer_blocked)
        snap = mon.snapshot()
        assert snap["queues"]["full"]["size"] == 3 and snap["queues"]["full"]["fill"] == 1.0
        assert snap["queues"]["full"]["waiting_enqueues"] == 1
        blocked = [t for t in snap["threads"] if t["blocked"]]
        assert [(t["name"], t["op"], t["queue"]) for t in blocked] == [
            (threads[0].name, "enqueue", "full")]
        assert "blocked (enqueue full)" in mon.thread_list.value
        assert not snap["should_stop"]
        coord.request_stop()
        wait_until(lambda: not mon.running)  # it stops by itself once the threads end
        coord.join(threads)
        final = mon.snapshot()
        assert final["should_stop"] and final["queues"]["full"]["closed"]
        assert "stop requested" in mon.status.value
        mon.stop()  # harmless when already stopped


def test_default_queues_names_and_thread_discovery():
    src, q = relay_pipeline(5, 2)
    other = tf.FIFOQueue(7, tf.string, shapes=[[]], name="unused")
    unbounded = tf.FIFOQueue(-1, tf.int32, shapes=[[]], name="endless")
    with tf.Session() as sess:
        mon = QueueMonitor(sess)
        assert list(mon.snapshot()["queues"]) == ["q", "src", "unused", "endless"]
        snap = mon.snapshot()["queues"]
        assert not snap["unused"]["created"] and snap["unused"]["capacity"] == 7
        assert snap["endless"]["capacity"] is None and not snap["q"]["created"]
        assert "not created" in mon.table.value and not mon.snapshot()["running"]
        assert list(QueueMonitor(sess, queues=["unused", q]).snapshot()["queues"]) == [
            "unused", "q"]
        assert list(QueueMonitor(sess, queues=[other.queue_ref]).snapshot()["queues"]) == [
            "unused"]
        with pytest.raises(TypeError, match="expected a queue"):
            QueueMonitor(sess, queues=[src.dequeue()])
        with pytest.raises(KeyError):
            QueueMonitor(sess, queues=["no_such_queue"])
        with pytest.raises(ValueError, match="interval"):
            QueueMonitor(sess, interval=0)

        sess.run(src.enqueue_many([[1, 2, 3, 4, 5]]))
        sess.run(src.close())
        sess.run(unbounded.enqueue(1))
        # Neither coord nor threads: the monitor finds the runner's threads by name.
        (runner,) = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        threads = runner.create_threads(sess, start=True)
        with QueueMonitor(sess, interval=0.02) as mon:
            names = [t["name"] for t in mon.snapshot()["threads"]]
            assert names == [threads[0].name]
            assert [int(sess.run(q.dequeue())) for _ in range(5)] == [1, 2, 3, 4, 5]
            for t in threads:
                t.join(5)
        snap = mon.snapshot()
        assert snap["queues"]["endless"]["created"] and snap["queues"]["endless"]["size"] == 1
        assert snap["queues"]["q"]["closed"] and snap["threads"][0]["state"] == "finished"
        assert "∞" in mon.table.value


def test_closing_the_session_stops_the_monitor_and_keeps_the_last_numbers():
    q = tf.FIFOQueue(4, tf.int32, shapes=[[]], name="q")
    sess = tf.Session()
    sess.run(q.enqueue_many([[1, 2, 3]]))
    mon = QueueMonitor(sess, interval=0.02).start()
    wait_until(lambda: len(mon.samples) >= 3)
    sess.close()
    wait_until(lambda: not mon.running)
    snap = mon.snapshot()
    assert snap["session_closed"] and not snap["running"]
    assert snap["queues"]["q"]["size"] == 3 and snap["queues"]["q"]["enqueued"] == 3
    assert "session closed" in mon.status.value
    mon.stop()


def test_samples_cover_the_last_history_seconds():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]], name="q")
    with tf.Session() as sess:
        sess.run(q.size())
        mon = QueueMonitor(sess, interval=0.02, history=0.2).start()
        time.sleep(0.6)
        mon.stop()
    times = [s["time"] for s in mon.samples]
    assert times[-1] - times[0] <= 0.2 and times[-1] > 0.5  # the early samples were dropped


def test_the_widget_renders_headless():
    src, q = relay_pipeline(3, 2)
    with tf.Session() as sess:
        sess.run(src.enqueue_many([[1, 2, 3]]))
        mon = QueueMonitor(sess, interval=0.05, width=640)
        assert mon.redraws == 1  # a picture at once, before start()
        image = decode_png(mon.image.value)
        assert image.size[0] == 640
        image.load()
        mon.refresh()
        assert mon.redraws == 2
        assert mon.image in mon.widget.children and mon.table in mon.widget.children
        assert mon.thread_list in mon.widget.children and mon.status in mon.widget.children
        bundle = mon._repr_mimebundle_()
        assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == \
            mon.widget.model_id
        assert "<td style=\"padding:0 8px\">src</td>" in mon.table.value
        assert "3 / 3" in mon.table.value and "no threads" in mon.thread_list.value
    tf.reset_default_graph()
    with tf.Session() as sess:
        empty = QueueMonitor(sess)
        assert empty.snapshot()["queues"] == {}
        decode_png(empty.render_png()).load()
