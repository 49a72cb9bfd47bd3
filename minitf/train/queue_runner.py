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
from minitf.framework.graph import GraphKeys, add_to_collection, get_default_session

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]


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
            raise NotImplementedError("QueueRunner from a QueueRunnerDef proto is not "
                                      "supported by minitf; pass queue and enqueue_ops.")
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
        self._lock = threading.Lock()
        self._runs_per_session = weakref.WeakKeyDictionary()  # session -> threads running
        self._exceptions_raised = []

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
