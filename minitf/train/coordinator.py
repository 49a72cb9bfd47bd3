"""``tf.train.Coordinator``: lets threads ask each other to stop, and report why.

Input pipelines run producer threads (``QueueRunner``) beside the training loop.
They share one Coordinator: any thread may ``request_stop`` (with the exception
that made it stop), every thread's loop checks ``should_stop``, and the main
thread's ``join`` waits for them and re-raises the first reported exception.
``MonitoredSession`` makes one and hands it to ``SessionRunHook.after_create_session``.
"""
import contextlib
import sys
import threading
import time

from minitf import logging
from minitf.framework import errors

__all__ = ["Coordinator", "LooperThread"]


class Coordinator:
    """A stop flag shared by threads, plus the first exception that caused a stop.

    Args:
        clean_stop_exception_types: exceptions that stop the threads without
            being an error (``join`` does not re-raise them); default
            ``(tf.errors.OutOfRangeError,)``, the end of an input.

    Example:
        >>> coord = tf.train.Coordinator()
        >>> threads = tf.train.start_queue_runners(sess, coord=coord)
        >>> try:
        ...     while not coord.should_stop():
        ...         sess.run(train_op)
        ... except tf.errors.OutOfRangeError:
        ...     pass
        ... finally:
        ...     coord.request_stop()
        >>> coord.join(threads)
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def _filter_exception(self, ex):
        """``ex`` unless it is a clean stop (then None)."""
        value = ex[1] if isinstance(ex, tuple) else ex
        return None if isinstance(value, self._clean_stop_exception_types) else ex

    def request_stop(self, ex=None):
        """Ask every thread to stop.

        Args:
            ex: the exception (or ``sys.exc_info()`` triple) that is the reason; the
                first one reported is re-raised by ``join``, unless it is a clean
                stop type.  After ``join`` there is no one left to report to, so a
                non-clean ``ex`` is raised right here.
        """
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined and ex is not None:
                raise _exception(ex)
            if not self._stop_event.is_set():
                if ex is not None and self._exc_info_to_raise is None:
                    exc_info = ex if isinstance(ex, tuple) else (
                        type(ex), ex, ex.__traceback__)
                    if len(exc_info) != 3 or not exc_info[0] or not exc_info[1]:
                        exc_info = _as_exc_info(ValueError(
                            "ex must be a tuple or sys.exc_info must return the current "
                            "exception: %s" % (exc_info,)))
                    logging.info("Error reported to Coordinator: %s", exc_info[1])
                    self._exc_info_to_raise = exc_info
                self._stop_event.set()

    def clear_stop(self):
        """Forget a stop request (and its exception), e.g. to restart the threads."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        """True once a stop was requested."""
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Any exception raised inside requests a stop (reporting it) instead of propagating.

        Example:
            >>> with coord.stop_on_exception():
            ...     while not coord.should_stop():
            ...         sess.run(enqueue_op)
        """
        try:
            yield
        except:  # noqa: E722 (TF's contract: every exception, even KeyboardInterrupt, stops)
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Block until a stop is requested or ``timeout`` seconds pass; True if stopped."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        """Make ``join`` wait for ``thread`` too (QueueRunner registers its threads)."""
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for ``threads`` and the registered ones to end.

        Returns when all ended, or once a stop is requested and the survivors have
        had ``stop_grace_period_secs`` to end.

        Raises:
            The first exception passed to ``request_stop``, if any.
            RuntimeError: threads still ran after the grace period (unless
                ``ignore_live_threads``); the message names them.
        """
        with self._lock:
            threads = list(self._registered_threads.union(threads or ()))
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        deadline = time.monotonic() + stop_grace_period_secs
        for t in threads:
            if t.is_alive():
                t.join(max(0.0, deadline - time.monotonic()))
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise _exception(self._exc_info_to_raise)
            if stragglers:
                message = ("Coordinator stopped with threads still running: %s"
                           % " ".join(stragglers))
                if not ignore_live_threads:
                    raise RuntimeError(message)
                logging.info(message)

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Re-raise the exception a stop was requested with, if any."""
        with self._lock:
            if self._exc_info_to_raise:
                raise _exception(self._exc_info_to_raise)

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """Start a ``LooperThread`` calling ``target`` every ``timer_interval_secs``."""
        looper = LooperThread(self, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper


def _as_exc_info(ex):
    return type(ex), ex, ex.__traceback__


def _exception(ex):
    """The exception to raise for ``ex`` (an exception or exc_info), with its traceback."""
    exc_info = ex if isinstance(ex, tuple) else _as_exc_info(ex)
    return exc_info[1].with_traceback(exc_info[2])


class LooperThread(threading.Thread):
    """A daemon thread that calls ``target`` (or its ``run_loop``) until its coordinator stops.

    An exception in it requests the stop, reporting the exception.

    Args:
        coord: the Coordinator.
        timer_interval_secs: seconds between calls, or None to call back to back.
        target, args, kwargs: what to call (else subclass and override ``run_loop``).
    """

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        if not isinstance(coord, Coordinator):
            raise ValueError("'coord' argument must be a Coordinator: %s" % coord)
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if self._target:
            self._args = args or ()
            self._kwargs = kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_time = time.monotonic()  # the first call is right away
                while not self._coord.wait_for_stop(max(0.0, next_time - time.monotonic())):
                    next_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        """Called once before the loop (override)."""

    def stop_loop(self):
        """Called once after the loop (override)."""

    def run_loop(self):
        if self._target:
            self._target(*self._args, **self._kwargs)
