"""Sessions: look up the compiled plan of a fetch, feed it, execute its steps.

Compiling (``plan.py``) happens once per (fetch structure, feed keys); a run
only converts the fed values, picks the plan's variant for their shapes and
calls each step's kernel.  Variable values, random streams and other runtime
state live in the session, so two sessions on one graph never share them.
"""
import threading

import numpy as np

from minitf.framework import errors
from minitf.framework.cancellation import CancellationManager, RunControl
from minitf.framework.config import ConfigProto, DeviceAttributes
from minitf.framework.fetch import feed_value, fetched
from minitf.framework.graph import Tensor, default_session, get_default_graph
from minitf.framework.plan import PlanCache, execute, schedule

_MAX_CACHED_PLANS = 512
_keep_values = [False]


def keep_run_values(keep=True):
    """Make every session keep the values of its latest run in ``last_env``.

    The graph widget asks for this so it can show values; a plain script keeps
    only ``last_plan``, so no intermediate array outlives the run that made it.
    """
    _keep_values[0] = bool(keep)


class BaseSession:
    """Shared machinery of ``Session`` and ``InteractiveSession``."""

    def __init__(self, target="", graph=None, config=None):
        self._graph = graph if graph is not None else get_default_graph()
        self._config = config or ConfigProto()
        self._state, self._subplans, self._kernel_ctxs = {}, {}, {}
        self._plans = PlanCache(_MAX_CACHED_PLANS)
        self._closed, self._default_cm, self._cancellation = False, None, CancellationManager()
        self.last_plan = None  # the plan variant the latest run executed
        self.last_env = None   # tensor -> value of the latest run, if keep_run_values()
        self._running = threading.local()  # per thread: its run's values, scratch, RunControl

    graph = property(lambda self: self._graph)
    graph_def = property(lambda self: self._graph.as_graph_def())
    sess_str = property(lambda self: "")

    def list_devices(self):
        return [DeviceAttributes("/job:localhost/replica:0/task:0/device:CPU:0", "CPU")]

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Compute ``fetches`` (a Tensor, Operation, name, or nested list/tuple/dict).

        ``feed_dict`` maps feedable tensors to values that replace them for this
        run.  Tensors come back as numpy arrays (scalars as numpy scalars) and
        operations as None, in the structure of ``fetches``.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        feed_dict = feed_dict or {}
        plan = self._plans.get(self, fetches, feed_dict)
        fed = [feed_value(t, v, dt, shape)
               for (t, dt, shape), v in zip(plan.feeds, feed_dict.values())]
        variant = plan.variant(fed)
        env = {**variant.constants, **dict(zip(plan.fed, fed))}
        outer = getattr(self._running, "values", None)  # a kernel may run a nested session
        self._running.values = (env, {}, RunControl(self._cancellation, options, self._config),
                                plan)
        try:
            with np.errstate(all="ignore"):  # kernels give inf and nan silently, as TF's do
                execute(variant.steps, env)
        finally:
            self._running.values = outer  # nothing of the run outlives it but last_env
        self.last_plan, self.last_env = variant, (env if _keep_values[0] else None)
        try:
            values = [fetched(env[t]) for t in plan.fetches]
        except KeyError as e:
            raise errors.InvalidArgumentError(
                None, e.args[0].op, "Retval for '%s' does not have a value: it was computed in "
                "a cond branch that did not run." % e.args[0].name) from None
        return (values[0] if values else None) if plan.single else plan.mapper.build(values)

    def _run_context(self, ctx, env, targets):
        steps = self._subplans.get((ctx, targets))
        if steps is None:
            steps = self._subplans[(ctx, targets)] = schedule(
                self, targets, (), set(ctx.inputs), ctx)
        execute(steps, env)

    def close(self):
        self._closed = True
        self._cancellation.start_cancel()  # ops blocked in other threads: CancelledError
        for store in (self._state, self._plans, self._subplans, self._kernel_ctxs):
            store.clear()

    def as_default(self):
        """Make this the default session inside a ``with`` block (does not close it)."""
        return default_session(self)

    def __enter__(self):
        self._default_cm = self.as_default()
        self._default_cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._default_cm.__exit__(*exc)
        self._default_cm = None
        self.close()  # returns None: an exception raised in the block propagates


class Session(BaseSession):
    """Runs operations and evaluates tensors of one graph.

    Example:
        >>> with tf.Session() as sess:
        ...     sess.run(tf.add(3, 5))
        8
    """


class InteractiveSession(BaseSession):
    """A session that makes itself the default when created (for notebooks)."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._default_cm = self.as_default()
        self._default_cm.__enter__()
        self._graph_cm = self._graph.as_default()
        self._graph_cm.__enter__()

    def close(self):
        if self._default_cm is not None:
            cm, self._default_cm = self._default_cm, None
            cm.__exit__(None, None, None)
            self._graph_cm.__exit__(None, None, None)
        super().close()
