"""``tf.train.SessionRunHook`` and the values passed to and from hooks.

A hook watches a ``MonitoredSession``: ``begin`` runs before the graph is finalized (a
hook may still add ops), ``after_create_session`` once a session exists (and again after
a recovered one is made), ``before_run``/``after_run`` around every ``run`` call, and
``end`` when the session closes without an error. ``before_run`` may return
``SessionRunArgs``: extra fetches and feeds merged into the caller's run, whose values
come back to the hook's ``after_run`` in ``run_values.results``.
"""
import collections

__all__ = ["SessionRunArgs", "SessionRunContext", "SessionRunHook", "SessionRunValues"]


class SessionRunHook:
    """Hook to extend calls to ``MonitoredSession.run()``; every method does nothing."""

    def begin(self):
        """Called once before the session is created; the graph may still change."""

    def after_create_session(self, session, coord):
        """Called when a new session (a plain ``tf.Session``) has been created and
        initialized; the graph is finalized."""

    def before_run(self, run_context):
        """Called before each ``run``; return ``SessionRunArgs`` or None."""
        return None

    def after_run(self, run_context, run_values):
        """Called after each ``run`` with what ``before_run`` asked for."""

    def end(self, session):
        """Called when the monitored session closes without an exception."""


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """What a hook adds to a ``run`` call.

    Args:
      fetches: anything ``Session.run`` accepts (a tensor, op, list, dict ...).
      feed_dict: extra feeds; feeding a tensor the caller or another hook also
        feeds is an error.
      options: RunOptions (kept for compatibility).
    """

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunContext:
    """The ``run`` call in progress, as hooks see it.

    ``original_args`` are the caller's fetches and feeds (a SessionRunArgs); ``session``
    is the plain ``tf.Session`` underneath; ``request_stop()`` makes the monitored
    session's ``should_stop()`` return True after this call.
    """

    def __init__(self, original_args, session):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    original_args = property(lambda self: self._original_args)
    session = property(lambda self: self._session)
    stop_requested = property(lambda self: self._stop_requested)

    def request_stop(self):
        """Ask the monitored session to stop after this ``run`` call."""
        self._stop_requested = True


class SessionRunValues(collections.namedtuple("SessionRunValues",
                                              ["results", "options", "run_metadata"])):
    """What a hook's ``after_run`` gets: ``results`` has the structure of the
    fetches its ``before_run`` asked for (None if it asked for none)."""
