"""Waiting inside a run: the session's cancellation and each run's deadline.

A kernel that has to wait (a dequeue on an empty queue, an enqueue on a full
one) waits on its own condition variable through ``KernelContext.wait``.  The
wait ends with ``DeadlineExceededError`` once the run's ``timeout_in_ms`` has
passed, and with ``CancelledError`` when the session closes: closing runs the
session's cancellation callbacks, and each waiter registered one that wakes its
condition.  Nothing here knows what is waited for.
"""
import threading
import time

from minitf.framework import errors

DEADLINE_MESSAGE = "Timed out waiting for notification"


class CancellationManager:
    """Callbacks to run once, when a session closes (TF's CancellationManager)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._callbacks = {}
        self._next_token = 0
        self.cancelled = False

    def register(self, callback):
        """Run ``callback()`` on cancellation; returns a token, or None if already cancelled."""
        with self._lock:
            if self.cancelled:
                return None
            token = self._next_token
            self._next_token += 1
            self._callbacks[token] = callback
            return token

    def deregister(self, token):
        with self._lock:
            self._callbacks.pop(token, None)

    def start_cancel(self):
        """Mark cancelled and run every callback.

        The callbacks run outside the lock: each takes a waiter's condition lock,
        and a waiter holding that lock may be registering at the same moment.
        """
        with self._lock:
            if self.cancelled:
                return
            self.cancelled = True
            callbacks, self._callbacks = list(self._callbacks.values()), {}
        for callback in callbacks:
            callback()


class RunControl:
    """What bounds the waits of one run: the session's cancellation and the run's deadline."""

    __slots__ = ("manager", "deadline")

    def __init__(self, manager, options=None, config=None):
        """The deadline is ``options.timeout_in_ms`` (a ``RunOptions``) from now, else the
        session's ``config.operation_timeout_in_ms``; none when neither is positive."""
        self.manager = manager
        timeout = getattr(options, "timeout_in_ms", 0) or 0
        if timeout <= 0:
            timeout = getattr(config, "operation_timeout_in_ms", 0) or 0
        self.deadline = time.monotonic() + timeout / 1000.0 if timeout > 0 else None

    def wait(self, cond, ready, cancelled_message):
        """Wait on ``cond`` (held by the caller) until ``ready()`` is true.

        Raises:
            CancelledError: with ``cancelled_message``, when the session closes.
            DeadlineExceededError: when the run's deadline passes.
        """
        if ready():
            return
        token = self.manager.register(lambda: _wake(cond))
        if token is None:
            raise errors.CancelledError(None, None, cancelled_message)
        try:
            while not ready():
                if self.manager.cancelled:
                    raise errors.CancelledError(None, None, cancelled_message)
                if self.deadline is None:
                    cond.wait()
                    continue
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise errors.DeadlineExceededError(None, None, DEADLINE_MESSAGE)
                cond.wait(left)
        finally:
            self.manager.deregister(token)


def _wake(cond):
    with cond:
        cond.notify_all()
