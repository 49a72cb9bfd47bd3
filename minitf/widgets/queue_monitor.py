"""``QueueMonitor``: a live view of an input pipeline's queues and threads.

While QueueRunner threads fill queues and a training loop drains them, the monitor
samples every queue of a session a few times a second and shows:

* the fill level of each queue (size / capacity) over the last ``history`` seconds,
* a table of sizes, elements in and out, enqueue and dequeue rates, closed flags,
* the pipeline's threads: running, blocked on a queue, or finished,

plus whether the coordinator asked the threads to stop.

Sampling runs no graph op: a ``queue.size()`` op would wait behind the queue's
lock like any other run, and a monitor must never take part in the pipeline. It
reads each queue's numbers straight from the session's resource store
(``queue_ops.session_queue`` and the resource's ``stats()``), in a background
thread. That thread only changes widget values (PNG bytes, HTML strings), which
Jupyter sends to the browser from any thread; it never calls ``display``.

Example::

    from minitf.widgets import QueueMonitor
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess, coord=coord)
    mon = QueueMonitor(sess, coord=coord, threads=threads).start()
    mon                                # the cell shows the live widget
    ...                                # in later cells: sess.run(train_op) ...
    coord.request_stop(); coord.join(threads)
    mon.stop()                         # or it stops by itself after the request
"""
import collections
import html
import io
import threading
import time

import ipywidgets as widgets

from minitf.framework.graph import GraphKeys, Operation, Tensor
from minitf.ops import queue_ops

__all__ = ["QueueMonitor"]

_UNBOUNDED = 2 ** 31 - 1  # TF's capacity of a queue made with a negative one
_NO_WAITERS = {"waiting_enqueues": (), "waiting_dequeues": ()}
_STOP_GRACE = 2.0  # seconds of sampling after a stop request, for the threads to end
_DRAW_SHARE = 0.25  # drawing takes at most this share of the wall time
_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
_STATE_COLORS = {"running": "#2ca02c", "blocked": "#ff7f0e", "finished": "#7f7f7f",
                 "not started": "#7f7f7f"}


def _queue_op(queue, graph):
    """The queue op of a queue, its handle, its op or its op name."""
    if isinstance(queue, str):
        queue = graph.get_operation_by_name(queue)
    elif isinstance(queue, queue_ops.QueueBase):
        queue = queue.queue_ref.op
    elif isinstance(queue, Tensor):
        queue = queue.op
    if not isinstance(queue, Operation) or queue.type not in queue_ops.QUEUE_OP_TYPES:
        raise TypeError("QueueMonitor: expected a queue, its handle or the name of its queue "
                        "op, got %r" % (queue,))
    return queue


def _graph_queues(graph):
    """The queue ops of ``graph``: those of its QueueRunners, then every other, in graph order."""
    ops = [qr.queue.queue_ref.op for qr in graph.get_collection(GraphKeys.QUEUE_RUNNERS)]
    ops += [op for op in graph.get_operations() if op.type in queue_ops.QUEUE_OP_TYPES]
    return list(dict.fromkeys(ops))


class QueueMonitor:
    """Live fill levels, rates and threads of the queues of a session.

    Args:
      session: the ``tf.Session`` the pipeline runs in.
      queues: queues to show (queue objects, their handles, or queue op names);
        default: every queue of the session's graph (those of the QueueRunners in
        ``GraphKeys.QUEUE_RUNNERS`` and every other queue op).
      coord: the pipeline's ``tf.train.Coordinator``; the monitor shows its
        ``should_stop()`` and stops sampling once the threads ended after a stop
        request (or ``2`` seconds later).
      threads: threads to list; default: the threads registered with ``coord``
        (QueueRunners register theirs), else the running threads named
        ``QueueRunnerThread-...``. Threads that appear later are added.
      interval: seconds between two samples.
      history: seconds of fill level the plot shows; older samples are dropped.
      width: width of the plot, in pixels.

    Attributes:
      samples: the samples of the last ``history`` seconds, oldest first; each is
        ``{"time": seconds since the monitor was made, "queues": {name: {"size",
        "capacity", "enqueued", "dequeued", "closed", "created"}}}``.
      widget: the ipywidgets box that is displayed.
      redraws: how many times the plot was drawn.

    Example:
      >>> mon = QueueMonitor(sess, coord=coord, threads=threads, interval=0.1).start()
      >>> mon.snapshot()["queues"]["batch/fifo_queue"]["size"]
      32
      >>> mon.stop()
    """

    def __init__(self, session, queues=None, coord=None, threads=None, interval=0.2,
                 history=30.0, width=720):
        if interval <= 0:
            raise ValueError("interval must be > 0 seconds, got %r" % (interval,))
        self.session = session
        self.coord = coord
        self.interval = float(interval)
        self.history = float(history)
        graph = session.graph
        ops = _graph_queues(graph) if queues is None else [_queue_op(q, graph) for q in queues]
        self._queues = {op.name: op for op in ops}
        self._given_threads = None if threads is None else list(threads)
        self._threads = {}  # every thread seen, in the order seen (a dict as ordered set)
        self._rate_window = max(1.0, 3.0 * self.interval)
        self._start_time = time.monotonic()
        self._lock = threading.Lock()  # samples and the latest snapshot
        self._draw_lock = threading.Lock()  # one figure, drawn from either thread
        self.samples = collections.deque()
        self._latest = None
        self._stopping = threading.Event()  # set whenever the monitor is not sampling
        self._stopping.set()
        self._sampler = None
        self._stop_seen = None  # when the sampler first saw the coordinator's stop
        self._last_draw, self._draw_cost = -float("inf"), 0.0
        self._figure = None
        self._width = int(width)
        self.redraws = 0

        self.status = widgets.HTML(value="")
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            width="%dpx" % self._width))
        self.table = widgets.HTML(value="")
        self.thread_list = widgets.HTML(value="")
        self.widget = widgets.VBox([self.status, self.image, self.table, self.thread_list])
        self.widget.add_class("minitf-queue-monitor")  # for browser tests and styling
        self._sample()
        self._show(draw=True)

    # ---- running -----------------------------------------------------------------

    @property
    def running(self):
        """True while the sampler thread runs."""
        return self._sampler is not None and self._sampler.is_alive()

    def start(self):
        """Start sampling in a background thread (no-op if it runs); returns the monitor."""
        if not self.running:
            self._stopping.clear()
            self._stop_seen = None
            self._sampler = threading.Thread(target=self._loop, name="QueueMonitor-sampler",
                                             daemon=True)
            self._sampler.start()
        return self

    def stop(self):
        """Stop sampling, wait for the sampler thread to end, and show the final state.

        Rates are zero once stopped: nothing is measured any more.
        """
        self._stopping.set()
        if self._sampler is not None:
            if self._sampler is not threading.current_thread():
                self._sampler.join()
            self._sampler = None
        self._sample()
        self._show(draw=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def _loop(self):
        while not self._stopping.wait(self.interval):
            if self._finished():
                break
            self._sample()
            now = time.monotonic()
            self._show(draw=now - self._last_draw >= max(self.interval,
                                                         self._draw_cost / _DRAW_SHARE))
        self._stopping.set()  # stopped by itself: the final snapshot has zero rates
        self._sample()
        self._show(draw=True)

    def _finished(self):
        """True when sampling should end by itself: session closed, or the stop played out."""
        if getattr(self.session, "_closed", False):
            return True
        if self.coord is None or not self.coord.should_stop():
            return False
        now = time.monotonic()
        if self._stop_seen is None:
            self._stop_seen = now
        with self._lock:  # refresh() may add threads meanwhile
            alive = any(t.is_alive() for t in self._threads)
        return not alive or now - self._stop_seen >= _STOP_GRACE

    # ---- sampling ----------------------------------------------------------------

    def _watched_threads(self):
        """The threads to list, adding any that appeared since the last sample."""
        if self._given_threads is not None:
            new = self._given_threads
        elif self.coord is not None:
            with self.coord._lock:  # join() replaces the set; a copy under its lock
                new = sorted(self.coord._registered_threads, key=lambda t: t.name)
        else:
            new = [t for t in threading.enumerate() if t.name.startswith("QueueRunnerThread-")]
        for t in new:
            self._threads.setdefault(t, None)
        return list(self._threads)

    def _read_queues(self):
        """({name: the numbers of a sample}, {name: the resource's stats()}) of every queue."""
        queues, stats = {}, {}
        for name, op in self._queues.items():
            resource = queue_ops.session_queue(self.session, op)
            if resource is None:  # no run of this session has made it yet
                capacity = op._attrs["capacity"]
                stats[name] = _NO_WAITERS
                queues[name] = {"size": 0, "capacity": capacity if capacity >= 0 else None,
                                "enqueued": 0, "dequeued": 0, "closed": False,
                                "created": False}
            else:
                stats[name] = resource.stats()
                queues[name] = {k: stats[name][k] for k in
                                ("size", "capacity", "enqueued", "dequeued", "closed")}
                queues[name]["created"] = True
        return queues, stats

    def _sample(self):
        """Read every queue and thread once; record a sample and the latest snapshot."""
        now = time.monotonic() - self._start_time
        queues, stats = self._read_queues()
        # Session.close() sets its flag before it drops the queues, so what was read
        # while the flag was clear is real; after, keep the last numbers seen.
        closed = bool(getattr(self.session, "_closed", False))
        if closed and self.samples:
            queues = self.samples[-1]["queues"]
            stats = {name: _NO_WAITERS for name in queues}
        measuring = not self._stopping.is_set() and not closed
        with self._lock:
            if not closed or not self.samples:  # a closed session's queues are gone
                self.samples.append({"time": now, "queues": queues})
                while self.samples[0]["time"] < now - self.history:
                    self.samples.popleft()
            last = self.samples[-1]["time"]
            reference = next(s for s in self.samples if s["time"] >= last - self._rate_window)
            self._latest = {
                "time": now,
                "running": not self._stopping.is_set(),
                "session_closed": closed,
                "should_stop": bool(self.coord is not None and self.coord.should_stop()),
                "queues": {name: self._queue_row(name, q, reference, last, measuring,
                                                 stats[name])
                           for name, q in queues.items()},
                "threads": [self._thread_row(t, stats) for t in self._watched_threads()],
            }

    def _queue_row(self, name, q, reference, now, measuring, stats):
        row = dict(q, kind=self._queues[name].type[:-2],
                   fill=q["size"] / q["capacity"] if q["capacity"] else 0.0,
                   waiting_enqueues=len(stats["waiting_enqueues"]),
                   waiting_dequeues=len(stats["waiting_dequeues"]))
        then = reference["queues"][name]
        span = now - reference["time"]
        for count in ("enqueued", "dequeued"):
            rate = (q[count] - then[count]) / span if measuring and span > 0 else 0.0
            row[count[:-1] + "_rate"] = rate
        return row

    @staticmethod
    def _thread_row(thread, stats):
        """A thread's name and state; "blocked" when its op waits in a monitored queue."""
        row = {"name": thread.name, "alive": thread.is_alive(), "blocked": False,
               "queue": None, "op": None}
        if thread.ident is None:
            row["state"] = "not started"
        elif not row["alive"]:
            row["state"] = "finished"
        else:
            row["state"] = "running"
            for name, s in stats.items():
                for op, waiting in (("enqueue", s["waiting_enqueues"]),
                                    ("dequeue", s["waiting_dequeues"])):
                    if thread.ident in waiting:
                        row.update(state="blocked", blocked=True, queue=name, op=op)
        return row

    def snapshot(self):
        """The latest numbers as plain Python data.

        Returns:
          ``{"time", "running", "session_closed", "should_stop", "queues": {name:
          {"kind", "size", "capacity", "fill", "enqueued", "dequeued", "enqueue_rate",
          "dequeue_rate", "closed", "created", "waiting_enqueues", "waiting_dequeues"}},
          "threads": [{"name", "alive", "state", "blocked", "queue", "op"}]}``; rates
          are elements per second over the last ``max(1, 3 * interval)`` seconds, and
          0 when the monitor is not running.
        """
        with self._lock:
            latest = self._latest
            return {**latest, "queues": {k: dict(v) for k, v in latest["queues"].items()},
                    "threads": [dict(t) for t in latest["threads"]]}

    # ---- display -----------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        """Jupyter shows the widget box: `display(mon)` or `mon` as the last line."""
        return self.widget._repr_mimebundle_(**kwargs)

    def refresh(self):
        """Take a sample and redraw now (e.g. when the monitor is not running)."""
        self._sample()
        self._show(draw=True)

    def _show(self, draw):
        """Put the latest snapshot into the widgets; only values change, from any thread."""
        snap = self.snapshot()
        self.status.value = self._status_html(snap)
        self.table.value = self._table_html(snap)
        self.thread_list.value = self._threads_html(snap)
        if draw:
            start = time.monotonic()
            self.image.value = self.render_png()
            self.redraws += 1
            self._last_draw = time.monotonic()
            self._draw_cost = self._last_draw - start

    def _status_html(self, snap):
        parts = ["sampling every %g s" % self.interval if snap["running"] else "stopped"]
        if self.coord is not None:
            parts.append("coordinator: %s" % ("stop requested" if snap["should_stop"]
                                              else "running"))
        if snap["session_closed"]:
            parts.append("session closed")
        return "<code>%s</code>" % " · ".join(parts)

    @staticmethod
    def _table_html(snap):
        head = ("queue", "kind", "size / capacity", "in", "out", "in/s", "out/s", "closed")
        rows = ["<tr>%s</tr>" % "".join(
            '<th style="padding:0 8px;text-align:left">%s</th>' % h for h in head)]
        for name, q in snap["queues"].items():
            capacity = "∞" if q["capacity"] in (None, _UNBOUNDED) else q["capacity"]
            cells = (html.escape(name), q["kind"],
                     "%d / %s" % (q["size"], capacity) if q["created"] else "not created",
                     q["enqueued"], q["dequeued"], "%.1f" % q["enqueue_rate"],
                     "%.1f" % q["dequeue_rate"], "yes" if q["closed"] else "no")
            rows.append("<tr>%s</tr>" % "".join(
                '<td style="padding:0 8px">%s</td>' % c for c in cells))
        return "<table style=\"font-family:monospace;font-size:12px\">%s</table>" % "".join(
            rows)

    @staticmethod
    def _threads_html(snap):
        if not snap["threads"]:
            return "<code>no threads</code>"
        items = []
        for t in snap["threads"]:
            state = t["state"]
            if t["blocked"]:
                state += " (%s %s)" % (t["op"], html.escape(t["queue"]))
            items.append('<li><code>%s</code>: <span style="color:%s">%s</span></li>'
                         % (html.escape(t["name"]), _STATE_COLORS[t["state"]], state))
        return '<ul style="margin:0;font-size:12px">%s</ul>' % "".join(items)

    def render_png(self):
        """The fill level of each queue over the last ``history`` seconds, as PNG bytes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        with self._lock:
            samples = list(self.samples)
        with self._draw_lock:
            dpi = 100
            if self._figure is None:
                self._figure = Figure(dpi=dpi, figsize=(self._width / dpi, 2.4))
                FigureCanvasAgg(self._figure)
            fig = self._figure
            fig.clear()
            ax = fig.add_subplot(1, 1, 1)
            now = samples[-1]["time"] if samples else 0.0
            times = [s["time"] - now for s in samples]
            for k, name in enumerate(self._queues):
                fills = [s["queues"][name]["size"] / s["queues"][name]["capacity"]
                         if s["queues"][name]["capacity"] else 0.0 for s in samples]
                ax.plot(times, fills, color=_COLORS[k % len(_COLORS)], lw=1.4, label=name)
            if not self._queues:
                ax.text(0.5, 0.5, "no queues", ha="center", va="center", color="gray",
                        transform=ax.transAxes)
            ax.set_xlim(-self.history, 0)
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("seconds ago", fontsize=8)
            ax.set_ylabel("size / capacity", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(True, alpha=0.3)
            if self._queues:
                ax.legend(fontsize=7, loc="upper left")
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()
