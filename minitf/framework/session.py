"""Sessions: compile a fetch into a plan once, then execute the plan.

``Session.run`` looks up a cached ``_Plan`` for the (fetch structure, feed keys)
pair.  Compiling prunes the graph to the ops the fetches need, orders them and
binds each to its kernel; running only walks that flat list.  Variable values,
random streams and other runtime state live in the session, so two sessions
on one graph never share them.
"""
import collections
import contextlib
import threading

import numpy as np

from minitf.framework import errors
from minitf.framework import op_registry
from minitf.framework.control_flow_context import producer_in
from minitf.framework.graph import (Operation, Tensor, default_session, get_default_graph,
                                    get_default_session)

_MAX_CACHED_PLANS = 512
_keep_values = [False]


def keep_run_values(keep=True):
    """Make every session keep the values of its latest run in ``last_env``.

    The graph widget asks for this so it can show values; a plain script keeps
    only ``last_plan``, so no intermediate array outlives the run that made it.
    """
    _keep_values[0] = bool(keep)


class ConfigProto:
    """Session options; only the fields a CPU-only engine can honour matter."""

    def __init__(self, allow_soft_placement=False, log_device_placement=False,
                 inter_op_parallelism_threads=0, intra_op_parallelism_threads=0,
                 gpu_options=None, device_count=None, **unused):
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.gpu_options = gpu_options or GPUOptions()
        self.device_count = device_count or {}


class GPUOptions:
    def __init__(self, allow_growth=False, per_process_gpu_memory_fraction=1.0, **unused):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction


class RunOptions:
    FULL_TRACE, NO_TRACE = 3, 0

    def __init__(self, trace_level=0, **unused):
        self.trace_level = trace_level


class RunMetadata:
    def __init__(self):
        self.step_stats = None


class KernelContext:
    """What a kernel sees besides its inputs: its op, attrs and the session.

    One is made per (session, op) and kept, so a kernel may cache derived
    constants in ``cache``.
    """

    __slots__ = ("op", "attrs", "session", "cache")

    def __init__(self, op, session):
        self.op = op
        self.attrs = op._attrs
        self.session = session
        self.cache = {}

    @property
    def state(self):
        """The session's per-op runtime state (variable values, RNG counters...)."""
        return self.session._state

    @property
    def env(self):
        """Tensor -> value of the run in progress on this thread (control-flow kernels
        read and extend it)."""
        return self.session._running.env

    def run_context(self, ctx, env, targets):
        """Run the ops of control-flow context ``ctx`` that ``targets`` need."""
        return self.session._run_context(ctx, env, targets)


class _FetchMapper:
    """Flattens a nested fetch structure into unique graph elements and back."""

    def __init__(self, graph, fetches):
        self.elements = []
        self._index = {}
        self._n_tensors = 0  # leaves index values by their position among tensors
        self._graph = graph
        self._structure = self._flatten(fetches)

    def _flatten(self, f):
        if f is None:
            raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
        if isinstance(f, dict):
            return ("dict", type(f), [(k, self._flatten(v)) for k, v in f.items()])
        if isinstance(f, tuple) and hasattr(f, "_fields"):
            return ("namedtuple", type(f), [self._flatten(v) for v in f])
        if isinstance(f, (list, tuple)):
            return ("seq", type(f), [self._flatten(v) for v in f])
        try:
            elem = self._graph.as_graph_element(f)
        except (TypeError, ValueError, KeyError) as e:
            raise type(e)("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                          % (f, e.args[0] if e.args else e)) from None
        if not isinstance(elem, Tensor):
            if elem not in self._index:
                self._index[elem] = None
                self.elements.append(elem)
            return ("leaf", None, None)  # an Operation fetches as None
        if elem not in self._index:
            self._index[elem] = self._n_tensors
            self._n_tensors += 1
            self.elements.append(elem)
        return ("leaf", None, self._index[elem])

    def build(self, values):
        return _rebuild(self._structure, values)


def _rebuild(node, values):
    kind, typ, payload = node
    if kind == "leaf":
        return None if payload is None else values[payload]
    if kind == "dict":
        return typ((k, _rebuild(v, values)) for k, v in payload)
    if kind == "namedtuple":
        return typ(*[_rebuild(v, values) for v in payload])
    return typ(_rebuild(v, values) for v in payload)


def _fetch_key(f):
    if isinstance(f, dict):
        return ("d", type(f), tuple((k, _fetch_key(v)) for k, v in f.items()))
    if isinstance(f, (list, tuple)):
        return (type(f),) + tuple(_fetch_key(v) for v in f)
    return f


class _Plan:
    """A compiled run: ordered steps plus how to feed and how to fetch."""

    __slots__ = ("steps", "feeds", "fetches", "mapper", "single")

    def __init__(self, steps, feeds, fetches, mapper, single):
        self.steps = steps      # [(kernel, ctx, input tensors, output tensors)]
        self.feeds = feeds      # [(tensor, numpy dtype, static shape tuple or None)]
        self.fetches = fetches  # unique fetched tensors, in mapper order
        self.mapper = mapper
        self.single = single    # the fetch was one bare Tensor/Operation

    @property
    def ops(self):
        return [s[1].op for s in self.steps]


def _reread_chain(op, fed):
    """Ops to run again before a consumer of ``op``: a variable read and the
    identities that forward it, innermost first; empty for any other op."""
    chain = []
    while True:
        opdef = op_registry.get(op.type)
        if opdef.reread:
            chain.append(op)
            return chain[::-1]
        if not opdef.forwards or not op._inputs or op._inputs[0] in fed:
            return []
        chain.append(op)
        op = op._inputs[0].op


class BaseSession:
    """Shared machinery of ``Session`` and ``InteractiveSession``."""

    def __init__(self, target="", graph=None, config=None):
        self._graph = graph if graph is not None else get_default_graph()
        self._config = config or ConfigProto()
        self._state = {}
        self._plans = collections.OrderedDict()  # least recently used first
        self._subplans = {}
        self._kernel_ctxs = {}
        self._closed = False
        self._default_cm = None
        self.last_plan = None  # the plan the latest run executed (for widgets)
        self.last_env = None   # tensor -> value of the latest run, if keep_run_values()
        self._running = threading.local()  # per thread: the running plan's values

    graph = property(lambda self: self._graph)

    graph_def = property(lambda self: self._graph.as_graph_def())
    sess_str = property(lambda self: "")

    def list_devices(self):
        return [_Device("/job:localhost/replica:0/task:0/device:CPU:0", "CPU")]

    # -- running --------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Compute ``fetches`` (a Tensor, Operation, name, or nested list/tuple/dict).

        ``feed_dict`` maps feedable tensors to values that replace them for this
        run.  Tensors come back as numpy arrays (scalars as numpy scalars) and
        operations as None, in the structure of ``fetches``.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        feed_dict = feed_dict or {}
        if isinstance(fetches, (Tensor, Operation)):
            key = (fetches, tuple(feed_dict))
        else:
            key = (_fetch_key(fetches), tuple(feed_dict))
        try:
            plan = self._plans.get(key)
        except TypeError:  # an unhashable fetch: compile without caching
            plan, key = None, None
        if plan is None:
            plan = self._compile(fetches, feed_dict)
            if key is not None:
                if len(self._plans) >= _MAX_CACHED_PLANS:
                    self._plans.popitem(last=False)
                self._plans[key] = plan
        elif len(self._plans) > 1:
            self._plans.move_to_end(key)
        env = {}
        for (t, np_dtype, shape), value in zip(plan.feeds, feed_dict.values()):
            env[t] = _feed_value(t, value, np_dtype, shape)
        self._running.env = env
        self._execute(plan.steps, env)
        self.last_plan = plan
        self.last_env = env if _keep_values[0] else None
        try:
            values = [_fetched(env[t]) for t in plan.fetches]
        except KeyError as e:
            raise errors.InvalidArgumentError(
                None, e.args[0].op, "Retval for '%s' does not have a value: it was computed in "
                "a cond branch that did not run." % e.args[0].name) from None
        if plan.single:
            return values[0] if values else None
        return plan.mapper.build(values)

    def _execute(self, steps, env):
        kctx = None
        try:
            for kernel, kctx, ins, outs in steps:
                result = kernel(kctx, *[env[t] for t in ins])
                if len(outs) == 1:
                    env[outs[0]] = result
                else:
                    for t, v in zip(outs, result):
                        env[t] = v
        except errors.OpError as e:
            if e.op is None:
                e.op = kctx.op
            raise
        except KeyError as e:
            if kctx is None or not isinstance(e.args[0], Tensor):
                raise
            raise errors.InvalidArgumentError(
                None, kctx.op, "Input '%s' has no value: it comes from a cond branch that "
                "did not run." % e.args[0].name) from None
        except (ValueError, TypeError, IndexError, ArithmeticError, np.linalg.LinAlgError) as e:
            if kctx is None:
                raise
            raise errors.InvalidArgumentError(None, kctx.op, "%s: %s" % (
                type(e).__name__, e)) from e

    def _run_context(self, ctx, env, targets):
        plan = self._subplans.get((ctx, targets))
        if plan is None:
            plan = self._schedule(targets, (), set(ctx.inputs), ctx)
            self._subplans[(ctx, targets)] = plan
        self._execute(plan, env)

    # -- compiling --------------------------------------------------------------
    def _compile(self, fetches, feed_dict):
        graph = self._graph
        single = isinstance(fetches, (Tensor, Operation))
        mapper = _FetchMapper(graph, fetches)
        feeds, fed = [], set()
        for key in feed_dict:
            try:
                t = graph.as_graph_element(key, allow_operation=False)
            except (TypeError, ValueError, KeyError) as e:
                raise type(e)("Cannot interpret feed_dict key as Tensor: %s" % (
                    e.args[0] if e.args else e)) from None
            if not graph.is_feedable(t):
                raise ValueError("Tensor %s may not be fed." % t.name)
            shape = t.shape.as_tuple_or_none()
            feeds.append((t, t.dtype.as_numpy_dtype, shape))
            fed.add(t)
        for e in mapper.elements:
            if not graph.is_fetchable(e):
                raise ValueError("Operation %r has been marked as not fetchable." % e.name)
        tensors = tuple(e for e in mapper.elements if isinstance(e, Tensor))
        ops = tuple(e for e in mapper.elements if isinstance(e, Operation))
        steps = self._schedule(tensors, ops, fed, None)
        return _Plan(steps, feeds, list(tensors), mapper, single)

    def _schedule(self, tensors, ops, fed, ctx):
        """Order the ops of ``ctx`` that compute ``tensors`` and run ``ops``."""
        order, done, active = [], set(), set()

        def deps(op):
            opdef = op_registry.get(op.type)
            out = []
            for i, t in enumerate(op._inputs):
                if i not in opdef.ref_inputs and t not in fed:
                    out.append(producer_in(t.op, ctx))
            out.extend(producer_in(c, ctx) for c in op._control_inputs)
            for owned in opdef.owned_contexts(op):
                out.extend(producer_in(t.op, ctx) for t in owned.captures if t not in fed)
                out.extend(producer_in(c, ctx) for c in owned.control_captures)
            return [d for d in out if d is not None and d not in done]

        roots = [producer_in(t.op, ctx) for t in tensors if t not in fed]
        roots += [producer_in(o, ctx) for o in ops]
        for root in roots:
            if root is None or root in done:
                continue
            stack = [(root, iter(deps(root)))]
            active.add(root)
            while stack:
                op, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    stack.pop()
                    active.discard(op)
                    if op not in done:
                        done.add(op)
                        order.append(op)
                elif nxt not in done:
                    if nxt in active:
                        raise errors.InvalidArgumentError(
                            None, nxt, "Graph has a cycle through op '%s'." % nxt.name)
                    active.add(nxt)
                    stack.append((nxt, iter(deps(nxt))))
        ops, emitted, last_effect = [], {}, -1
        for op in order:
            opdef = op_registry.get(op.type)
            for i, t in enumerate(op._inputs):
                if i in opdef.ref_inputs or t in fed or t.op not in done:
                    continue
                # Re-read a variable only if something with effects ran since.
                chain = _reread_chain(t.op, fed)
                if chain and emitted.get(chain[-1], -1) < last_effect:
                    for r in chain:
                        emitted[r] = len(ops)
                        ops.append(r)
            emitted[op] = len(ops)
            if opdef.stateful and not opdef.reread:
                last_effect = len(ops)
            ops.append(op)
        return [self._step(op) for op in ops]

    def _step(self, op):
        kctx = self._kernel_ctxs.get(op)
        if kctx is None:
            self._check_device(op)
            kctx = self._kernel_ctxs[op] = KernelContext(op, self)
        opdef = op_registry.get(op.type)
        return (opdef.kernel, kctx, opdef.kernel_inputs(op), tuple(op._outputs))

    def _check_device(self, op):
        dev = op.device.upper()
        if ("GPU" in dev or "TPU" in dev) and not self._config.allow_soft_placement:
            kind = "GPU" if "GPU" in dev else "TPU"
            raise errors.InvalidArgumentError(
                None, op, "Cannot assign a device for operation %s: Could not satisfy explicit "
                "device specification '%s' because no supported kernel for %s devices is "
                "available. (minitf runs on the CPU; pass "
                "config=tf.ConfigProto(allow_soft_placement=True) to place it there.)"
                % (op.name, op.device, kind))

    # -- lifetime and defaults -------------------------------------------------
    def close(self):
        self._closed = True
        self._state.clear()
        self._plans.clear()
        self._subplans.clear()
        self._kernel_ctxs.clear()

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
        self.close()
        return False


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


_Device = collections.namedtuple("_DeviceAttributes", ["name", "device_type"])


def _feed_value(t, value, np_dtype, shape):
    """Convert a fed value to the tensor's dtype and check its static shape."""
    if not (isinstance(value, np.ndarray) and value.dtype == np_dtype):
        try:
            if np_dtype is np.object_:
                value = _as_bytes_array(value)
            else:
                value = np.asarray(value, dtype=np_dtype)
        except (TypeError, ValueError) as e:
            raise TypeError("Cannot feed value %r for Tensor '%s' of dtype %s: %s\n  (tensor "
                            "created at %s)" % (_short(value), t.name, t.dtype.name, e,
                                                errors.format_location(t.op.traceback))) from None
    if shape is not None:
        vs = value.shape
        if len(vs) != len(shape) or any(d is not None and d != v for d, v in zip(shape, vs)):
            raise ValueError("Cannot feed value of shape %r for Tensor '%s', which has shape "
                             "'%s'\n  (tensor created at %s)" % (
                                 vs, t.name, t.shape, errors.format_location(t.op.traceback)))
    return value


def _as_bytes_array(value):
    arr = np.asarray(value, dtype=object)
    flat = [v.encode() if isinstance(v, str) else v for v in arr.ravel()]
    for v in flat:
        if not isinstance(v, bytes):
            raise TypeError("expected bytes or str, got %s" % type(v).__name__)
    out = np.empty(arr.shape, dtype=object)
    out.ravel()[:] = flat
    return out


def _short(value):
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _fetched(v):
    """A fetched value as TF returns it: arrays you may modify, scalars as numpy scalars."""
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return v[()]
        if not v.flags.writeable:
            return v.copy()
    return v
