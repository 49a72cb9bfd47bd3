"""``tf.train.QueueRunner``: threads that keep a queue filled.

A QueueRunner holds a queue and the enqueue ops that feed it; ``create_threads``
starts one thread per enqueue op, each running its op in a loop.  When the ops
hit ``OutOfRangeError`` (their input queue is closed and empty: the end of the
epochs) the last thread closes this queue, so that its consumers in turn see
OutOfRange once it is drained.  Any other exception is reported to the
Coordinator, and a stop request closes the queue with
``cancel_pending_enqueues`` so that no thread stays blocked.

Input helpers register their runners in the ``QUEUE_RUNNERS`` collection with
``add_queue_runner``; ``start_queue_runners`` starts them all.
"""
import threading
import weakref

from minitf import logging
from minitf.framework import errors
from minitf.framework.graph import (GraphKeys, add_to_collection, get_default_graph,
                                    get_default_session)
from minitf.io import wire

__all__ = ["QueueRunner", "QueueRunnerDef", "add_queue_runner", "start_queue_runners"]


class QueueRunnerDef:
    """TF's QueueRunnerDef message (``queue_runner.proto``): a runner by op names, as a
    MetaGraph's ``queue_runners`` collection stores it.

    Fields: ``queue_name`` (1), ``enqueue_op_name`` (2, repeated), ``close_op_name`` (3),
    ``cancel_op_name`` (4) and ``queue_closed_exception_types`` (5, packed error codes).
    """

    def __init__(self, queue_name="", enqueue_op_name=(), close_op_name="", cancel_op_name="",
                 queue_closed_exception_types=()):
        self.queue_name, self.close_op_name = queue_name, close_op_name
        self.enqueue_op_name = list(enqueue_op_name)
        self.cancel_op_name = cancel_op_name
        self.queue_closed_exception_types = list(queue_closed_exception_types)

    def SerializeToString(self):  # noqa: N802 (protobuf's name)
        def text(field, value):
            return wire.field_bytes(field, value.encode("utf-8")) if value else b""
        codes = b"".join(wire.varint(c) for c in self.queue_closed_exception_types)
        return b"".join([text(1, self.queue_name)]
                        + [wire.field_bytes(2, n.encode("utf-8")) for n in self.enqueue_op_name]
                        + [text(3, self.close_op_name), text(4, self.cancel_op_name),
                           wire.field_bytes(5, codes) if codes else b""])

    @classmethod
    def FromString(cls, data):  # noqa: N802 (protobuf's name)
        d = cls()
        for field, kind, value in wire.fields(bytes(data)):
            if kind == 2 and field in (1, 3, 4):
                setattr(d, {1: "queue_name", 3: "close_op_name", 4: "cancel_op_name"}[field],
                        bytes(value).decode("utf-8"))
            elif kind == 2 and field == 2:
                d.enqueue_op_name.append(bytes(value).decode("utf-8"))
            elif field == 5 and kind == 0:  # an unpacked code
                d.queue_closed_exception_types.append(value)
            elif field == 5 and kind == 2:
                pos = 0
                while pos < len(value):
                    code, pos = wire.read_varint(value, pos)
                    d.queue_closed_exception_types.append(code)
        return d

    def __eq__(self, other):
        return isinstance(other, QueueRunnerDef) and vars(self) == vars(other)

    def __repr__(self):
        return "QueueRunnerDef(%s)" % ", ".join("%s=%r" % kv for kv in vars(self).items())


def _exception_types_by_code():
    return {cls.error_code: cls for cls in vars(errors).values()
            if isinstance(cls, type) and issubclass(cls, errors.OpError) and cls is not
            errors.OpError}


def _scoped(name, scope):
    return scope.rstrip("/") + "/" + name if scope else name


def _unscoped(name, scope):
    prefix = scope.rstrip("/") + "/" if scope else ""
    return name[len(prefix):] if prefix and name.startswith(prefix) else name


class QueueRunner:
    """Threads that run ``enqueue_ops`` of ``queue`` in a loop.

    Args:
        queue: the queue the ops fill (a ``tf.QueueBase``).
        enqueue_ops: a list of enqueue ops; one thread runs each.
        close_op: run when the ops hit a closed input; default ``queue.close()``.
        cancel_op: run when the coordinator stops; default
            ``queue.close(cancel_pending_enqueues=True)``.
        queue_closed_exception_types: the errors that mean "input closed";
            default ``(tf.errors.OutOfRangeError,)``.

    Example:
        >>> q = tf.FIFOQueue(32, tf.float32, shapes=[[]])
        >>> qr = tf.train.QueueRunner(q, [q.enqueue(tf.random_uniform([]))] * 4)
        >>> tf.train.add_queue_runner(qr)
        >>> coord = tf.train.Coordinator()
        >>> threads = tf.train.start_queue_runners(sess, coord=coord)
    """

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None, import_scope=None):
        if queue_runner_def is not None:
            if queue or enqueue_ops:
                raise ValueError("queue_runner_def and queue are mutually exclusive.")
            self._init_from_proto(queue_runner_def, import_scope)
            return
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        if queue_closed_exception_types is not None and (
                not isinstance(queue_closed_exception_types, tuple)
                or not queue_closed_exception_types
                or not all(isinstance(t, type) and issubclass(t, errors.OpError)
                           for t in queue_closed_exception_types)):
            raise TypeError("queue_closed_exception_types, when provided, must be a tuple of "
                            "tf.error.OpError subclasses, but saw: %s"
                            % (queue_closed_exception_types,))
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        # Close when nothing more will come; enqueues already waiting still complete.
        self._close_op = close_op if close_op is not None else queue.close()
        # On a stop, close and cancel the waiting enqueues so every thread can exit.
        self._cancel_op = cancel_op if cancel_op is not None else queue.close(
            cancel_pending_enqueues=True)
        self._queue_closed_exception_types = (queue_closed_exception_types
                                              or (errors.OutOfRangeError,))
        self._init_runs()

    def _init_from_proto(self, d, import_scope):
        """The runner a QueueRunnerDef names, over the ops of the default graph."""
        g = get_default_graph()
        self._queue = g.as_graph_element(_scoped(d.queue_name, import_scope))
        self._enqueue_ops = [g.as_graph_element(_scoped(n, import_scope))
                             for n in d.enqueue_op_name]
        self._close_op = g.as_graph_element(_scoped(d.close_op_name, import_scope))
        self._cancel_op = g.as_graph_element(_scoped(d.cancel_op_name, import_scope))
        by_code = _exception_types_by_code()
        self._queue_closed_exception_types = tuple(
            by_code[c] for c in d.queue_closed_exception_types) or (errors.OutOfRangeError,)
        self._init_runs()

    def _init_runs(self):
        self._lock = threading.Lock()
        self._runs_per_session = weakref.WeakKeyDictionary()  # session -> threads running
        self._exceptions_raised = []

    def to_proto(self, export_scope=None):
        """This runner as a ``QueueRunnerDef``, or None if its queue is outside
        ``export_scope``."""
        if export_scope and not self.name.startswith(export_scope.rstrip("/") + "/"):
            return None
        return QueueRunnerDef(
            queue_name=_unscoped(self.name, export_scope),
            enqueue_op_name=[_unscoped(op.name, export_scope) for op in self._enqueue_ops],
            close_op_name=_unscoped(self._close_op.name, export_scope),
            cancel_op_name=_unscoped(self._cancel_op.name, export_scope),
            queue_closed_exception_types=[t.error_code
                                          for t in self._queue_closed_exception_types])

    @staticmethod
    def from_proto(queue_runner_def, import_scope=None):
        """The QueueRunner a ``QueueRunnerDef`` describes, in the default graph."""
        return QueueRunner(queue_runner_def=queue_runner_def, import_scope=import_scope)

    queue = property(lambda self: self._queue)
    enqueue_ops = property(lambda self: self._enqueue_ops)
    close_op = property(lambda self: self._close_op)
    cancel_op = property(lambda self: self._cancel_op)
    queue_closed_exception_types = property(lambda self: self._queue_closed_exception_types)
    name = property(lambda self: self._queue.name, doc="The name of the queue it fills.")

    @property
    def exceptions_raised(self):
        """Exceptions the threads raised when they ran without a coordinator."""
        return self._exceptions_raised

    def _run(self, sess, enqueue_op, coord=None):
        """One thread: run ``enqueue_op`` until a stop, a closed input or an error."""
        decremented = False
        try:
            while not (coord and coord.should_stop()):
                try:
                    sess.run(enqueue_op)
                except self._queue_closed_exception_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        if self._runs_per_session[sess] == 0:  # the last thread closes
                            try:
                                sess.run(self._close_op)
                            except Exception as e:  # noqa: BLE001 (TF ignores close errors)
                                logging.debug("Ignored exception: %s", e)
                    return
        except Exception as e:  # noqa: BLE001 (reported: to the coordinator, or kept)
            if coord:
                coord.request_stop(e)
            else:
                logging.error("Exception in QueueRunner: %s", e)
                with self._lock:
                    self._exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _close_on_stop(self, sess, cancel_op, coord):
        """Wait for the stop, then close the queue and cancel its waiting enqueues."""
        coord.wait_for_stop()
        try:
            sess.run(cancel_op)
        except Exception as e:  # noqa: BLE001 (TF ignores it: the session may be closed)
            logging.debug("Ignored exception: %s", e)

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """Threads that run the enqueue ops in ``sess``: one per op, plus (with a
        ``coord``) one that closes the queue when the coordinator stops.

        Returns [] if this runner's threads already run in ``sess``.  With a
        ``coord`` the threads are registered with it, so ``coord.join()`` waits
        for them.
        """
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord),
                                    name="QueueRunnerThread-%s-%s" % (self.name, op.name))
                   for op in self._enqueue_ops]
        if coord:
            threads.append(threading.Thread(
                target=self._close_on_stop, args=(sess, self._cancel_op, coord),
                name="QueueRunnerThread-%s-close_on_stop" % self.name))
        for t in threads:
            if coord:
                coord.register_thread(t)
            if daemon:
                t.daemon = True
            if start:
                t.start()
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    """Add ``qr`` to the graph's ``collection`` (``QUEUE_RUNNERS``) for start_queue_runners."""
    add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=GraphKeys.QUEUE_RUNNERS):
    """Start the threads of every QueueRunner in the graph's ``collection``.

    Args:
        sess: the session to run them in (default: the default session).
        coord: a Coordinator to stop and join them with (recommended).
        daemon: make them daemon threads (they do not keep Python alive).
        start: start them (else only create them).

    Returns:
        The list of threads.
    """
    if sess is None:
        sess = get_default_session()
        if not sess:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    if not hasattr(sess, "graph") or not hasattr(sess, "run"):
        raise TypeError("sess must be a `tf.Session` object. Given class: %s" % sess.__class__)
    if sess.__class__.__name__ in ("MonitoredSession", "SingularMonitoredSession"):
        return []  # as in TF: a MonitoredSession starts its own
    runners = sess.graph.get_collection(collection)
    if not runners:
        logging.warning("`tf.train.start_queue_runners()` was called when no queue runners "
                        "were defined. You can safely remove the call to this deprecated "
                        "function.")
    with sess.graph.as_default():
        threads = []
        for qr in runners:
            threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
