"""``tf.train.MonitoredSession`` and ``MonitoredTrainingSession``: a session that
initializes or restores the model itself and runs hooks around every ``run``.

    with tf.train.MonitoredTrainingSession(checkpoint_dir="ckpt",
                                           hooks=[tf.train.StopAtStepHook(last_step=100)]) as s:
        while not s.should_stop():
            s.run(train_op)

What happens, in TF 1.x's order:

1. every hook's ``begin()`` (they may still add ops);
2. ``Scaffold.finalize()`` fills in the init op, ready ops, summary op and Saver, then
   finalizes the graph;
3. the session creator makes a ``tf.Session`` and restores the latest checkpoint in
   ``checkpoint_dir`` if there is one (the global step continues from it), else runs
   the init op; then the local init op; then checks the ready op;
4. the graph's queue runners start (their threads join the coordinator), then every
   hook's ``after_create_session(session, coord)``;
5. each ``run`` merges the hooks' ``before_run`` fetches and feeds into the caller's
   run, hands each hook its own results in ``after_run``, and returns the caller's;
6. on ``close`` (or leaving the ``with`` block without an error; OutOfRangeError and
   StopIteration count as a normal end) every hook's ``end(session)``, then the
   session closes and the graph is unfinalized if it was not finalized before.

An ``AbortedError`` or ``UnavailableError`` during ``run`` closes the session and makes
a new one (restoring the latest checkpoint), as TF does for preemptions.
"""
import inspect
import sys
import time

from minitf import logging
from minitf.framework import errors
from minitf.framework.graph import GraphKeys, get_default_graph
from minitf.framework.session import Session
from minitf.train import checkpoint_state
from minitf.train.basic_session_run_hooks import (CheckpointSaverHook, StepCounterHook,
                                                  SummarySaverHook)
from minitf.train.coordinator import Coordinator
from minitf.train.queue_runner import start_queue_runners
from minitf.train.session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

__all__ = ["ChiefSessionCreator", "MonitoredSession", "MonitoredTrainingSession", "Scaffold",
           "SessionCreator", "SingularMonitoredSession", "WorkerSessionCreator"]

_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)
USE_DEFAULT = object()  # TF's marker for "not given" in MonitoredTrainingSession
_READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
_SUMMARY_OP = "summary_op"


# -- Scaffold ----------------------------------------------------------------------------
class Scaffold:
    """The ops and Saver a monitored session needs to set up a model.

    Anything left None is filled in by ``finalize()``: from the graph's collection
    (``init_op``, ``ready_op``, ``local_init_op``, ``summary_op``, ``savers``) if it holds
    exactly one item, else a default (``global_variables_initializer()``,
    ``report_uninitialized_variables()``, ``local_variables_initializer()``,
    ``tf.summary.merge_all()``, ``tf.train.Saver()``) that is then added there.

    Args:
      init_op / init_feed_dict: run (with the feeds) when no checkpoint is restored.
      init_fn: ``init_fn(scaffold, session)``, called after init_op in that case.
      ready_op: a string tensor naming uninitialized variables; empty means ready.
      ready_for_local_init_op: the same, checked before local_init_op runs.
      local_init_op: run on every new session, restored or not.
      summary_op: what SummarySaverHook writes.
      saver: the Saver that restores and saves checkpoints.
      copy_from_scaffold: take every field not given here from this scaffold.
    """

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None,
                 saver=None, copy_from_scaffold=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            c = copy_from_scaffold
            init_op = init_op or c.init_op
            init_feed_dict = init_feed_dict or c.init_feed_dict
            init_fn = init_fn or c._user_init_fn
            ready_op = ready_op or c.ready_op
            ready_for_local_init_op = ready_for_local_init_op or c.ready_for_local_init_op
            local_init_op = local_init_op or c.local_init_op
            summary_op = summary_op or c.summary_op
            saver = saver or c.saver
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._summary_op = summary_op
        self._saver = saver

    init_fn = property(lambda self: self._init_fn)
    init_op = property(lambda self: self._init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    local_init_op = property(lambda self: self._local_init_op)
    summary_op = property(lambda self: self._summary_op)
    saver = property(lambda self: self._saver)

    def finalize(self):
        """Create the missing ops and the Saver, then finalize the default graph."""
        from minitf.ops import variables
        from minitf.summary import summary_ops
        from minitf.train.saver import Saver
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default(
                "init_op", GraphKeys.INIT_OP, variables.global_variables_initializer)
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", GraphKeys.READY_OP, variables.report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", _READY_FOR_LOCAL_INIT_OP,
                lambda: variables.report_uninitialized_variables(variables.global_variables()))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", GraphKeys.LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default("summary_op", _SUMMARY_OP,
                                                       summary_ops.merge_all)
        if self._saver is None:
            self._saver = Scaffold.get_or_default(
                "saver", GraphKeys.SAVERS, lambda: Saver(sharded=True, allow_empty=True))
        self._saver.build()
        get_default_graph().finalize()
        logging.info("Graph was finalized.")
        return self

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """The one item of collection ``collection_key``, else a new default added to it."""
        elements = get_default_graph().get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError('More than one item in the collection "%s". Please indicate '
                                   'which one to use by passing it to the tf.Scaffold '
                                   'constructor as:  tf.Scaffold(%s=item to use)'
                                   % (collection_key, arg_name))
            return elements[0]
        op = default_constructor()
        if op is not None:
            get_default_graph().add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        """The local variables' initializer (minitf has no lookup tables to add)."""
        from minitf.ops import variables
        return variables.local_variables_initializer()


# -- making and preparing sessions --------------------------------------------------------
def _maybe_name(obj):
    if obj is None:
        return "None"
    return getattr(obj, "name", "<no name for %s>" % type(obj).__name__)


def _ready(sess, op, what):
    """(True, None) if ``op`` reports nothing uninitialized, else (False, message)."""
    if op is None:
        return True, None
    names = sess.run(op)
    if names is None or len(names) == 0:
        return True, None
    text = ", ".join(n.decode("utf-8") if isinstance(n, bytes) else str(n)
                     for n in list(names))
    return False, "%s not initialized: %s" % (what, text)


class _SessionManager:
    """Creates a session and makes the model ready (TF's SessionManager, local only)."""

    def __init__(self, scaffold, master="", config=None):
        self._scaffold = scaffold
        self._master = master
        self._config = config

    def _new_session(self):
        return Session(self._master, graph=get_default_graph(), config=self._config)

    def _restore(self, sess, checkpoint_dir, checkpoint_filename_with_path):
        """Restore the latest checkpoint if there is one; True if it did."""
        saver = self._scaffold.saver
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return True
        ckpt = checkpoint_state.get_checkpoint_state(checkpoint_dir)
        if not ckpt or not ckpt.model_checkpoint_path:
            logging.info("No checkpoint found in %s; initializing from scratch.",
                         checkpoint_dir)
            return False
        logging.info("Restoring parameters from %s", ckpt.model_checkpoint_path)
        saver.restore(sess, ckpt.model_checkpoint_path)
        saver.recover_last_checkpoints(ckpt.all_model_checkpoint_paths)
        return True

    def _run_local_init(self, sess):
        s = self._scaffold
        if s.local_init_op is None:
            return True, None
        ok, msg = _ready(sess, s.ready_for_local_init_op, "Variables")
        if ok:
            sess.run(s.local_init_op)
        return ok, msg

    def prepare_session(self, checkpoint_dir=None, checkpoint_filename_with_path=None):
        """A new session with variables restored or initialized, and checked ready."""
        s = self._scaffold
        sess = self._new_session()
        try:
            restored = self._restore(sess, checkpoint_dir, checkpoint_filename_with_path)
            if not restored:
                if s.init_op is None and not s.init_fn and s.local_init_op is None:
                    raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                       "local_init_op was given")
                if s.init_op is not None:
                    sess.run(s.init_op, feed_dict=s.init_feed_dict)
                if s.init_fn:
                    s.init_fn(sess)
            ok, msg = self._run_local_init(sess)
            if not ok:
                raise RuntimeError("Init operations did not make model ready for local_init. "
                                   " Init op: %s, init fn: %s, error: %s"
                                   % (_maybe_name(s.init_op), s.init_fn, msg))
            ok, msg = _ready(sess, s.ready_op, "Variables")
            if not ok:
                raise RuntimeError("Init operations did not make model ready.  Init op: %s, "
                                   "init fn: %s, local_init_op: %s, error: %s"
                                   % (_maybe_name(s.init_op), s.init_fn,
                                      _maybe_name(s.local_init_op), msg))
        except BaseException:
            sess.close()
            raise
        return sess

    def wait_for_session(self, max_wait_secs, recovery_wait_secs=30):
        """A session once the model is ready (another process initializes it)."""
        deadline = time.time() + max_wait_secs
        while True:
            sess = self._new_session()
            ok, msg = self._run_local_init(sess)
            if ok:
                ok, msg = _ready(sess, self._scaffold.ready_op, "Variables")
                if ok:
                    return sess
            sess.close()
            remaining = deadline - time.time()
            if remaining < 0:
                raise errors.DeadlineExceededError(
                    None, None, "Session was not ready after waiting %d secs." % max_wait_secs)
            logging.info("Waiting for model to be ready.  Ready_for_local_init_op:  %s, "
                         "ready: %s", _maybe_name(self._scaffold.ready_for_local_init_op), msg)
            time.sleep(min(recovery_wait_secs, remaining))


class SessionCreator:
    """Makes a ready ``tf.Session`` for a MonitoredSession."""

    def create_session(self):
        raise NotImplementedError("create_session is not implemented for %s." % self)


class ChiefSessionCreator(SessionCreator):
    """Creates a session that initializes or restores the model (the chief's).

    Args:
      scaffold: a Scaffold (a default one if None).
      master, config: passed to ``tf.Session``.
      checkpoint_dir: restore the latest checkpoint found here, if any.
      checkpoint_filename_with_path: or restore exactly this checkpoint.
    """

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config

    def create_session(self):
        self._scaffold.finalize()
        return _SessionManager(self._scaffold, self._master, self._config).prepare_session(
            checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path)


class WorkerSessionCreator(SessionCreator):
    """Creates a session that waits for the model to be ready (a non-chief worker's).

    minitf sessions do not share variables across processes, so unless the local init
    op makes the model ready, this waits ``max_wait_secs`` and raises
    DeadlineExceededError, as TF does when no chief initializes the model.
    """

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    def create_session(self):
        self._scaffold.finalize()
        return _SessionManager(self._scaffold, self._master, self._config).wait_for_session(
            self._max_wait_secs)


# -- the monitored session ----------------------------------------------------------------
class _StepContext:
    """What ``run_step_fn``'s ``step_fn(step_context)`` gets."""

    def __init__(self, session, run_with_hooks_fn):
        self._session = session
        self._run_with_hooks_fn = run_with_hooks_fn

    session = property(lambda self: self._session, doc="The plain tf.Session (no hooks).")

    def run_with_hooks(self, *args, **kwargs):
        """``run`` through the hooks, as MonitoredSession.run does."""
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self):
        """Stop the iterations: the monitored session's should_stop() becomes True."""
        raise StopIteration("step_fn has requested the iterations to stop.")


class _MonitoredSession:
    """The shared implementation of MonitoredSession and SingularMonitoredSession."""

    StepContext = _StepContext

    def __init__(self, session_creator, hooks, should_recover, stop_grace_period_secs=120):
        self._graph = get_default_graph()
        self._graph_was_finalized = self._graph.finalized
        self._hooks = list(hooks or [])
        for hook in self._hooks:
            hook.begin()
        self._session_creator = session_creator or ChiefSessionCreator()
        self._stop_grace_period_secs = stop_grace_period_secs
        self._should_recover = should_recover
        self._tf_sess = None
        self._coord = None
        self._should_stop = False
        self._closed = False
        self._create_session()

    def _create_session(self):
        """A new tf.Session from the creator, with the graph's queue runners started (as
        TF's coordinated session does), announced to every hook."""
        self._tf_sess = self._session_creator.create_session()
        self._coord = Coordinator(clean_stop_exception_types=[])  # TF's: join re-raises all
        self._should_stop = False
        if self._graph.get_collection(GraphKeys.QUEUE_RUNNERS):
            start_queue_runners(sess=self._tf_sess, coord=self._coord)
        for hook in self._hooks:
            hook.after_create_session(self._tf_sess, self._coord)

    @property
    def graph(self):
        return self._graph

    def _check_open(self):
        if self._closed:
            raise RuntimeError("Session is already closed.")

    def should_stop(self):
        """True once a hook (or step_fn) asked to stop, or the session is closed."""
        if self._closed or self._tf_sess is None:
            return True
        return self._should_stop or self._coord.should_stop()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """``Session.run`` with the hooks' fetches and feeds merged in.

        Returns the caller's fetches only. An AbortedError/UnavailableError makes a new
        session (from the latest checkpoint) and retries, unless this is a
        SingularMonitoredSession.
        """
        self._check_open()
        while True:
            try:
                if self._tf_sess is None:
                    self._create_session()
                return self._hooked_run(fetches, feed_dict, options, run_metadata)
            except _PREEMPTION_ERRORS as e:
                if not self._should_recover:
                    raise
                logging.info("An error was raised. This may be due to a preemption in a "
                             "connected worker or parameter server. The current session will "
                             "be closed and a new session will be created. Error: %s", e)
                self._close_tf_session()

    def _hooked_run(self, fetches, feed_dict, options, run_metadata):
        if self.should_stop():
            raise RuntimeError("Run called even after should_stop requested.")
        actual_fetches = {"caller": fetches}
        run_context = SessionRunContext(original_args=SessionRunArgs(fetches, feed_dict),
                                        session=self._tf_sess)
        feed_dict = self._call_hooks_before_run(run_context, actual_fetches, feed_dict)
        try:
            outputs = self._tf_sess.run(actual_fetches, feed_dict=feed_dict, options=options,
                                        run_metadata=run_metadata)
        except _PREEMPTION_ERRORS:
            raise
        except Exception:
            # An error another thread requested a stop with is the root cause: raise it.
            original = sys.exc_info()
            self._coord.raise_requested_exception()
            raise original[1].with_traceback(original[2])
        for hook in self._hooks:
            hook.after_run(run_context, SessionRunValues(
                results=outputs[hook] if hook in outputs else None, options=options,
                run_metadata=run_metadata))
        self._should_stop = self._should_stop or run_context.stop_requested
        return outputs["caller"]

    def _call_hooks_before_run(self, run_context, fetch_dict, user_feed_dict):
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(run_context)
            if request is None:
                continue
            if request.fetches is not None:
                fetch_dict[hook] = request.fetches
            if request.feed_dict:
                _raise_if_feeds_intersect(hook_feeds, request.feed_dict,
                                          "Same tensor is fed by two hooks.")
                hook_feeds.update(request.feed_dict)
        if not hook_feeds:
            return user_feed_dict
        if not user_feed_dict:
            return hook_feeds
        _raise_if_feeds_intersect(user_feed_dict, hook_feeds,
                                  "Same tensor is fed by a SessionRunHook and user.")
        merged = dict(user_feed_dict)
        merged.update(hook_feeds)
        return merged

    def run_step_fn(self, step_fn):
        """Run ``step_fn(step_context)`` once; returns its value.

        ``step_context.session`` is the plain session, ``run_with_hooks`` runs through
        the hooks, and ``request_stop()`` ends the iterations (should_stop() becomes
        True and None is returned).
        """
        self._check_open()
        params = tuple(inspect.signature(step_fn).parameters)
        if params not in (("step_context",), ("self", "step_context")):
            raise ValueError("`step_fn` may either have one `step_context` argument, or "
                             "`self` and `step_context` arguments if it's an instance method. "
                             "Got {} instead.".format(params))
        try:
            return step_fn(_StepContext(self._tf_sess, self.run))
        except StopIteration:
            self._should_stop = True
            return None

    def _close_tf_session(self):
        sess, coord = self._tf_sess, self._coord
        self._tf_sess = None
        self._coord = None
        try:
            if coord is not None:
                coord.request_stop()
                coord.join(stop_grace_period_secs=self._stop_grace_period_secs)
        finally:
            if sess is not None:
                sess.close()

    def close(self):
        """Run every hook's ``end`` and close the session."""
        self._close_internal()

    def _close_internal(self, exception_type=None):
        try:
            if not exception_type and self._tf_sess is not None:
                for hook in self._hooks:
                    hook.end(self._tf_sess)
        finally:
            try:
                if self._closed:
                    raise RuntimeError("Session is already closed.")
                self._close_tf_session()
            finally:
                self._closed = True
                if not self._graph_was_finalized:
                    self._graph._finalized = False  # TF's _unsafe_unfinalize()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None  # True suppresses OutOfRangeError / StopIteration


def _raise_if_feeds_intersect(feeds1, feeds2, message):
    if set(feeds1) & set(feeds2):
        raise RuntimeError(message + " Conflict(s): " + str(sorted(
            getattr(k, "name", str(k)) for k in set(feeds1) & set(feeds2))))


class MonitoredSession(_MonitoredSession):
    """A session that creates (initializes or restores) itself and runs hooks.

    Args:
      session_creator: a ChiefSessionCreator (default) or WorkerSessionCreator.
      hooks: SessionRunHooks.
      stop_grace_period_secs: how long ``close`` waits for coordinated threads.

    Example:
      >>> saver_hook = tf.train.CheckpointSaverHook("ckpt", save_steps=100)
      >>> creator = tf.train.ChiefSessionCreator(checkpoint_dir="ckpt")
      >>> with tf.train.MonitoredSession(session_creator=creator,
      ...                                hooks=[saver_hook]) as sess:
      ...     while not sess.should_stop():
      ...         sess.run(train_op)
    """

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        super().__init__(session_creator, hooks, should_recover=True,
                         stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """A MonitoredSession for one process: no recovery, and ``raw_session()`` gives the
    plain tf.Session underneath."""

    def __init__(self, hooks=None, scaffold=None, master="", config=None, checkpoint_dir=None,
                 stop_grace_period_secs=120, checkpoint_filename_with_path=None):
        creator = ChiefSessionCreator(
            scaffold=scaffold, master=master, config=config, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(creator, hooks, should_recover=False,
                         stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self):
        """The tf.Session the hooks run in."""
        self._check_open()
        return self._tf_sess


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None,  # noqa: N802
                             scaffold=None, hooks=None, chief_only_hooks=None,
                             save_checkpoint_secs=USE_DEFAULT,
                             save_summaries_steps=USE_DEFAULT,
                             save_summaries_secs=USE_DEFAULT, config=None,
                             stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=USE_DEFAULT,
                             summary_dir=None):
    """A MonitoredSession set up for training, with TF 1.x's standard hooks.

    The chief restores the latest checkpoint in ``checkpoint_dir`` (or initializes the
    variables) and, when the directories are given, adds:

    - ``StepCounterHook`` (``global_step/sec`` every ``log_step_count_steps`` steps),
    - ``SummarySaverHook`` (summaries every ``save_summaries_steps`` steps, 100 by
      default, or every ``save_summaries_secs`` seconds) writing to ``summary_dir``
      (default ``checkpoint_dir``),
    - ``CheckpointSaverHook`` (``model.ckpt-<step>`` every ``save_checkpoint_secs``
      seconds, 600 by default, or every ``save_checkpoint_steps`` steps).

    Setting a period to None or 0 turns its hook off. The graph needs a global step
    (``tf.train.get_or_create_global_step()``) for these hooks.

    Returns:
      A MonitoredSession.

    Example:
      >>> gs = tf.train.get_or_create_global_step()
      >>> train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
      >>> with tf.train.MonitoredTrainingSession(
      ...         checkpoint_dir="ckpt", save_checkpoint_steps=50,
      ...         hooks=[tf.train.StopAtStepHook(last_step=200)]) as sess:
      ...     while not sess.should_stop():
      ...         sess.run(train_op)
    """
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_secs is USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is USE_DEFAULT:
        save_summaries_steps = None
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is USE_DEFAULT:
        save_checkpoint_steps = None

    scaffold = scaffold or Scaffold()
    if not is_chief:
        creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                       max_wait_secs=max_wait_secs)
        return MonitoredSession(session_creator=creator, hooks=hooks or [],
                                stop_grace_period_secs=stop_grace_period_secs)

    all_hooks = list(chief_only_hooks or [])
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                  master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(StepCounterHook(output_dir=summary_dir,
                                             every_n_steps=log_step_count_steps))
        if (save_summaries_steps and save_summaries_steps > 0) or \
                (save_summaries_secs and save_summaries_secs > 0):
            all_hooks.append(SummarySaverHook(scaffold=scaffold, save_steps=save_summaries_steps,
                                              save_secs=save_summaries_secs,
                                              output_dir=summary_dir))
    if checkpoint_dir:
        if (save_checkpoint_secs and save_checkpoint_secs > 0) or \
                (save_checkpoint_steps and save_checkpoint_steps > 0):
            all_hooks.append(CheckpointSaverHook(checkpoint_dir, save_steps=save_checkpoint_steps,
                                                 save_secs=save_checkpoint_secs,
                                                 scaffold=scaffold))
    all_hooks.extend(hooks or [])
    return MonitoredSession(session_creator=creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)

