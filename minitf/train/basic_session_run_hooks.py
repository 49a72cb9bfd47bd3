"""The standard ``SessionRunHook``s of ``tf.train``, with TF 1.x's behaviour and messages.

- ``StopAtStepHook``: stop once the global step reaches a step.
- ``CheckpointSaverHook``: save ``<dir>/model.ckpt-<step>`` every N steps or seconds, at
  session creation and at the end; writes ``graph.pbtxt`` and the graph to the events
  file.
- ``SummarySaverHook``: write the summary op's output to an events file every N steps
  or seconds.
- ``StepCounterHook``: log and record ``global_step/sec``.
- ``LoggingTensorHook``: log tensors every N iterations or seconds (or at the end).
- ``NanTensorHook``: stop (or raise ``NanLossDuringTrainingError``) on a NaN loss.
- ``FeedFnHook``, ``FinalOpsHook``.

Hooks that use the global step read it with the train op's run (it is one of their
fetches), so the value they see is the one *before* that step; like TF they re-read it
when that stale value says something may be due.
"""
import os
import time

import numpy as np

from minitf import logging
from minitf.framework.graph import get_default_graph
from minitf.train import training_util
from minitf.train.session_run_hook import SessionRunArgs, SessionRunHook
from minitf.train.summary_io import SummaryWriterCache

__all__ = ["CheckpointSaverHook", "CheckpointSaverListener", "FeedFnHook", "FinalOpsHook",
           "LoggingTensorHook", "NanLossDuringTrainingError", "NanTensorHook",
           "SecondOrStepTimer", "StepCounterHook", "StopAtStepHook", "SummarySaverHook"]


class SecondOrStepTimer:
    """Triggers at most once every ``every_secs`` seconds or every ``every_steps`` steps."""

    def __init__(self, every_secs=None, every_steps=None):
        self.reset()
        self._every_secs = every_secs
        self._every_steps = every_steps
        if every_secs is None and every_steps is None:
            raise ValueError("Either every_secs or every_steps should be provided.")
        if every_secs is not None and every_steps is not None:
            raise ValueError("Can not provide both every_secs and every_steps.")

    def reset(self):
        self._last_triggered_step = None
        self._last_triggered_time = None

    def should_trigger_for_step(self, step):
        """True if ``step`` is due: the first call, or enough time/steps since the last."""
        if self._last_triggered_step is None:
            return True
        if self._last_triggered_step == step:
            return False
        if self._every_secs is not None and \
                time.time() >= self._last_triggered_time + self._every_secs:
            return True
        if self._every_steps is not None and \
                step >= self._last_triggered_step + self._every_steps:
            return True
        return False

    def update_last_triggered_step(self, step):
        """Record a trigger at ``step``; returns (elapsed secs, elapsed steps) or Nones."""
        now = time.time()
        if self._last_triggered_time is None:
            elapsed = (None, None)
        else:
            elapsed = (now - self._last_triggered_time, step - self._last_triggered_step)
        self._last_triggered_time = now
        self._last_triggered_step = step
        return elapsed

    def last_triggered_step(self):
        return self._last_triggered_step


class _NeverTriggerTimer(SecondOrStepTimer):
    """A timer that never triggers (LoggingTensorHook with only ``at_end``)."""

    def __init__(self):
        self.reset()

    def should_trigger_for_step(self, step):
        return False


def _global_step_or_raise(hook_name):
    step = training_util.get_global_step()
    if step is None:
        raise RuntimeError("Global step should be created to use %s." % hook_name)
    return step


def _as_graph_element(obj):
    """A graph element for a Tensor, op or name; "name" without ":" means "name:0"."""
    graph = get_default_graph()
    if not isinstance(obj, str):
        element = graph.as_graph_element(obj)
        if getattr(element, "graph", graph) is not graph:
            raise ValueError("Passed %s should have graph attribute that is equal to current "
                             "graph %s." % (obj, graph))
        return element
    if ":" in obj:
        return graph.as_graph_element(obj)
    element = graph.as_graph_element(obj + ":0")
    try:  # TF rejects a bare op name whose op has more than one output
        graph.as_graph_element(obj + ":1")
    except (KeyError, ValueError):
        return element
    raise ValueError("Name %s is ambiguous, as this `Operation` has multiple outputs "
                     "(at least 2)." % obj)


# -- LoggingTensorHook -------------------------------------------------------------------
class LoggingTensorHook(SessionRunHook):
    """Logs tensors every N local iterations, every N seconds, or at the end.

    Args:
      tensors: dict tag -> tensor (or name), or a list of tensors/names (their own tags).
      every_n_iter: log every N calls of ``run`` on this session.
      every_n_secs: log at most once every N seconds.
      at_end: also log when the session ends.
      formatter: ``formatter(dict tag -> value) -> str`` instead of "tag = value, ...".

    Example:
      >>> hook = tf.train.LoggingTensorHook({"loss": loss, "step": global_step},
      ...                                   every_n_iter=10)
    """

    def __init__(self, tensors, every_n_iter=None, every_n_secs=None, at_end=False,
                 formatter=None):
        only_log_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_log_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("either at_end and/or exactly one of every_n_iter and "
                             "every_n_secs must be provided.")
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError("invalid every_n_iter=%s." % every_n_iter)
        if not isinstance(tensors, dict):
            self._tag_order = list(tensors)
            tensors = {item: item for item in tensors}
        else:
            self._tag_order = sorted(tensors.keys())
        self._tensors = tensors
        self._formatter = formatter
        self._timer = _NeverTriggerTimer() if only_log_at_end else SecondOrStepTimer(
            every_secs=every_n_secs, every_steps=every_n_iter)
        self._log_at_end = at_end

    def begin(self):
        self._timer.reset()
        self._iter_count = 0
        # Tags may be tensors themselves (list form), so keep them apart from elements.
        self._current_tensors = {tag: _as_graph_element(t) for tag, t in self._tensors.items()}

    def before_run(self, run_context):
        self._should_trigger = self._timer.should_trigger_for_step(self._iter_count)
        return SessionRunArgs(self._current_tensors) if self._should_trigger else None

    def _log_tensors(self, tensor_values):
        original = np.get_printoptions()
        np.set_printoptions(suppress=True)
        try:
            elapsed_secs, _ = self._timer.update_last_triggered_step(self._iter_count)
            if self._formatter:
                logging.info(self._formatter(tensor_values))
                return
            stats = ", ".join("%s = %s" % (tag, tensor_values[tag]) for tag in self._tag_order)
            if elapsed_secs is not None:
                logging.info("%s (%.3f sec)", stats, elapsed_secs)
            else:
                logging.info("%s", stats)
        finally:
            np.set_printoptions(**original)

    def after_run(self, run_context, run_values):
        if self._should_trigger:
            self._log_tensors(run_values.results)
        self._iter_count += 1

    def end(self, session):
        if self._log_at_end:
            self._log_tensors(session.run(self._current_tensors))


# -- StopAtStepHook ----------------------------------------------------------------------
class StopAtStepHook(SessionRunHook):
    """Requests a stop once the global step reaches ``last_step``.

    Args:
      num_steps: run this many more steps, counted from the global step when the
        session is created (so a resumed run trains ``num_steps`` more).
      last_step: stop at this global step.  Exactly one of the two must be given.
    """

    def __init__(self, num_steps=None, last_step=None):
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        if num_steps is not None and num_steps < 0:
            raise ValueError("num_steps must be non-negative")
        self._num_steps = num_steps
        self._last_step = last_step

    def begin(self):
        self._global_step_tensor = _global_step_or_raise("StopAtStepHook")

    def after_create_session(self, session, coord):
        global_step = session.run(self._global_step_tensor)
        if self._last_step is None:
            self._last_step = global_step + self._num_steps

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        # The fetched value is from before the train op ran; re-read to be sure.
        if run_values.results + 1 >= self._last_step:
            step = run_context.session.run(self._global_step_tensor)
            if step >= self._last_step:
                run_context.request_stop()


# -- CheckpointSaverHook -----------------------------------------------------------------
class CheckpointSaverListener:
    """Called by CheckpointSaverHook around each save; ``after_save`` returning True
    requests a stop."""

    def begin(self):
        pass

    def before_save(self, session, global_step_value):
        pass

    def after_save(self, session, global_step_value):
        pass

    def end(self, session, global_step_value):
        pass


class CheckpointSaverHook(SessionRunHook):
    """Saves checkpoints every N steps or seconds.

    It saves ``<checkpoint_dir>/model.ckpt-<step>`` when the session is created (the
    state it starts from), each time the timer triggers, and at the end unless the last
    step was just saved. On session creation it also writes ``graph.pbtxt`` and the
    graph and MetaGraph to the events file in ``checkpoint_dir``, and each save logs a
    ``SessionLog.CHECKPOINT`` event there.

    Args:
      checkpoint_dir: where checkpoints go.
      save_secs / save_steps: exactly one of them.
      saver: the Saver to use; else the scaffold's; else the one in the ``savers``
        collection.
      checkpoint_basename: ``model.ckpt``.
      scaffold: a Scaffold whose saver to use.
      listeners: CheckpointSaverListeners.
      save_graph_def: also write graph.pbtxt and the ``.meta`` files.
    """

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                 checkpoint_basename="model.ckpt", scaffold=None, listeners=None,
                 save_graph_def=True):
        logging.info("Create CheckpointSaverHook.")
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._saver = saver
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = listeners or []
        self._steps_per_run = 1
        self._save_graph_def = save_graph_def

    def begin(self):
        self._summary_writer = SummaryWriterCache.get(self._checkpoint_dir)
        self._global_step_tensor = _global_step_or_raise("CheckpointSaverHook")
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session, coord):
        from minitf.train import meta_graph
        from minitf.train.saver import export_meta_graph
        global_step = session.run(self._global_step_tensor)
        if self._save_graph_def:
            # Written here, not in begin(): other hooks may add ops in their begin().
            graph = get_default_graph()
            meta_graph.write_graph(graph, self._checkpoint_dir, "graph.pbtxt")
            saver = self._get_saver()
            self._summary_writer.add_graph(graph)
            self._summary_writer.add_meta_graph(export_meta_graph(
                graph=graph, saver_def=saver.as_saver_def() if saver else None))
        # The checkpoint saved here is the state at step "global_step".
        self._save(session, global_step)
        self._timer.update_last_triggered_step(global_step)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        stale_global_step = run_values.results
        if self._timer.should_trigger_for_step(stale_global_step + self._steps_per_run):
            global_step = run_context.session.run(self._global_step_tensor)
            if self._timer.should_trigger_for_step(global_step):
                self._timer.update_last_triggered_step(global_step)
                if self._save(run_context.session, global_step):
                    run_context.request_stop()

    def end(self, session):
        last_step = session.run(self._global_step_tensor)
        if last_step != self._timer.last_triggered_step():
            self._save(session, last_step)
        for listener in self._listeners:
            listener.end(session, last_step)

    def _save(self, session, step):
        """Save at ``step``; returns True when a listener asks to stop."""
        from tensorboard.compat.proto import event_pb2
        for listener in self._listeners:
            listener.before_save(session, step)
        logging.info("Saving checkpoints for %d into %s.", step, self._save_path)
        self._get_saver().save(session, self._save_path, global_step=step,
                               write_meta_graph=self._save_graph_def)
        self._summary_writer.add_session_log(
            event_pb2.SessionLog(status=event_pb2.SessionLog.CHECKPOINT,
                                 checkpoint_path=self._save_path), step)
        should_stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                logging.info("A CheckpointSaverListener requested that training be stopped. "
                             "listener: {}".format(listener))
                should_stop = True
        return should_stop

    def _get_saver(self):
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        from minitf.framework.graph import GraphKeys
        savers = get_default_graph().get_collection(GraphKeys.SAVERS)
        if not savers:
            raise RuntimeError("No items in collection {}. Please add a saver to the "
                               "collection or provide a saver or scaffold."
                               .format(GraphKeys.SAVERS))
        if len(savers) > 1:
            raise RuntimeError("More than one item in collection {}. Please indicate which "
                               "one to use by passing it to the constructor."
                               .format(GraphKeys.SAVERS))
        self._saver = savers[0]
        return savers[0]


# -- StepCounterHook ---------------------------------------------------------------------
class StepCounterHook(SessionRunHook):
    """Logs ``global_step/sec`` and writes it as a summary every N steps or seconds."""

    def __init__(self, every_n_steps=100, every_n_secs=None, output_dir=None,
                 summary_writer=None):
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be "
                             "provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._last_global_step = None
        self._steps_per_run = 1

    def begin(self):
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = SummaryWriterCache.get(self._output_dir)
        self._global_step_tensor = _global_step_or_raise("StepCounterHook")
        self._summary_tag = self._global_step_tensor.op.name + "/sec"

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        from tensorboard.compat.proto import summary_pb2
        steps_per_sec = elapsed_steps / elapsed_time
        if self._summary_writer is not None:
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
                tag=self._summary_tag, simple_value=steps_per_sec)])
            self._summary_writer.add_summary(summary, global_step)
        logging.info("%s: %g", self._summary_tag, steps_per_sec)

    def after_run(self, run_context, run_values):
        stale_global_step = run_values.results
        if self._timer.should_trigger_for_step(stale_global_step + self._steps_per_run):
            global_step = run_context.session.run(self._global_step_tensor)
            if self._timer.should_trigger_for_step(global_step):
                elapsed_time, elapsed_steps = self._timer.update_last_triggered_step(
                    global_step)
                # A clock too coarse to see the interval gives no rate (TF would divide
                # by zero).
                if elapsed_time:
                    self._log_and_record(elapsed_steps, elapsed_time, global_step)
        if stale_global_step == self._last_global_step:
            logging.warning("It seems that global step (tf.train.get_global_step) has not "
                            "been increased. Current value (could be stable): %s vs previous "
                            "value: %s. You could increase the global step by passing "
                            "tf.train.get_global_step() to Optimizer.apply_gradients or "
                            "Optimizer.minimize.", stale_global_step, self._last_global_step)
        self._last_global_step = stale_global_step


# -- SummarySaverHook --------------------------------------------------------------------
class SummarySaverHook(SessionRunHook):
    """Saves summaries every N steps or seconds.

    Args:
      save_steps / save_secs: exactly one of them.
      output_dir: directory of the events file (a shared FileWriter per directory).
      summary_writer: a FileWriter to use instead.
      scaffold: take the scaffold's ``summary_op`` (``merge_all()`` by default) ...
      summary_op: ... or this op or list of ops; exactly one of the two.
    """

    def __init__(self, save_steps=None, save_secs=None, output_dir=None, summary_writer=None,
                 scaffold=None, summary_op=None):
        if (scaffold is None) == (summary_op is None):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._summary_op = summary_op
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = SummaryWriterCache.get(self._output_dir)
        self._next_step = None
        self._global_step_tensor = _global_step_or_raise("SummarySaverHook")

    def _get_summary_op(self):
        summary_op = self._summary_op if self._summary_op is not None else \
            self._scaffold.summary_op
        if summary_op is None:
            return None
        return summary_op if isinstance(summary_op, list) else [summary_op]

    def before_run(self, run_context):
        self._request_summary = (self._next_step is None
                                 or self._timer.should_trigger_for_step(self._next_step))
        requests = {"global_step": self._global_step_tensor}
        if self._request_summary and self._get_summary_op() is not None:
            requests["summary"] = self._get_summary_op()
        return SessionRunArgs(requests)

    def after_run(self, run_context, run_values):
        from tensorboard.compat.proto import event_pb2
        if not self._summary_writer:
            return
        global_step = run_values.results["global_step"] + 1
        if self._next_step is None or self._request_summary:
            global_step = run_context.session.run(self._global_step_tensor)
        if self._next_step is None:
            self._summary_writer.add_session_log(
                event_pb2.SessionLog(status=event_pb2.SessionLog.START), global_step)
        if self._request_summary:
            self._timer.update_last_triggered_step(global_step)
            for summary in run_values.results.get("summary", ()):
                self._summary_writer.add_summary(summary, global_step)
        self._next_step = global_step + 1

    def end(self, session=None):
        if self._summary_writer:
            self._summary_writer.flush()


# -- NanTensorHook -----------------------------------------------------------------------
class NanLossDuringTrainingError(RuntimeError):
    """Raised by NanTensorHook when the loss is NaN."""

    def __str__(self):
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Checks the loss after every step: NaN raises ``NanLossDuringTrainingError``, or,
    with ``fail_on_nan_loss=False``, logs a warning and requests a stop."""

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def before_run(self, run_context):
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context, run_values):
        if np.isnan(run_values.results):
            failure_message = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                logging.error(failure_message)
                raise NanLossDuringTrainingError
            logging.warning(failure_message)
            run_context.request_stop()


# -- FeedFnHook, FinalOpsHook -------------------------------------------------------------
class FeedFnHook(SessionRunHook):
    """Adds ``feed_fn()``'s dict to the feeds of every run."""

    def __init__(self, feed_fn):
        self.feed_fn = feed_fn

    def before_run(self, run_context):
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())


class FinalOpsHook(SessionRunHook):
    """Evaluates ``final_ops`` when the session ends; read them in ``final_ops_values``."""

    def __init__(self, final_ops, final_ops_feed_dict=None):
        self._final_ops = final_ops
        self._final_ops_feed_dict = final_ops_feed_dict
        self._final_ops_values = None

    @property
    def final_ops_values(self):
        return self._final_ops_values

    def end(self, session):
        if self._final_ops is not None:
            self._final_ops_values = session.run(self._final_ops,
                                                 feed_dict=self._final_ops_feed_dict)

