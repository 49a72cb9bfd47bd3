"""``tf.train.Coordinator``: lets threads (and hooks) ask each other to stop.

``MonitoredSession`` hands one to ``SessionRunHook.after_create_session``. minitf has no
queue runners, so the only threads are the caller's own.
"""
import contextlib
import sys
import threading
import time

__all__ = ["Coordinator"]


class Coordinator:
    """A stop flag shared by threads, plus the first exception that caused a stop.

    Example:
      >>> coord = tf.train.Coordinator()
      >>> with coord.stop_on_exception():
      ...     while not coord.should_stop():
      ...         do_work()
      >>> coord.join(threads)
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            from minitf.framework import errors
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def request_stop(self, ex=None):
        """Ask every thread to stop; ``ex`` (an exception or exc_info) is re-raised by
        ``join`` unless it is a clean-stop type (OutOfRangeError)."""
        with self._lock:
            if ex is not None and self._exc_info_to_raise is None \
                    and not self._stop_event.is_set():
                exc_info = ex if isinstance(ex, tuple) else (type(ex), ex, ex.__traceback__)
                if not issubclass(exc_info[0], self._clean_stop_exception_types):
                    self._exc_info_to_raise = exc_info
            self._stop_event.set()

    def clear_stop(self):
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Any exception raised inside requests a stop instead of propagating."""
        try:
            yield
        except BaseException:  # noqa: B902 (TF's contract: every exception stops)
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for ``threads`` (and registered ones) to end; re-raise a stop's error."""
        threads = set(threads or ()) | self._registered_threads
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        deadline = time.monotonic() + stop_grace_period_secs
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1].with_traceback(self._exc_info_to_raise[2])
        if alive and not ignore_live_threads:
            raise RuntimeError("Coordinator stopped with threads still running: %s"
                               % " ".join(alive))

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1].with_traceback(self._exc_info_to_raise[2])
