"""Compiling a run: prune the graph to what the fetches need, order it, fold it.

``compile_plan`` turns (fetches, feed keys) into a ``Plan``: the ops the fetches
need, in an order that respects data and control dependencies, each bound to
its kernel.  For each combination of fed shapes the plan then makes a
``Variant`` in which every op whose value those shapes and the graph's
constants determine has been computed once, at compile time, like Grappler's
constant folding: shape arithmetic of gradients, constants, casts of them.
Each run then executes only the ops that compute values from data.

``execute`` runs a list of steps.  Kernels that run a body many times (a loop)
compile it into such lists once, with ``KernelContext.compile_context``, and
execute them per iteration with no lookup in between.
"""
import collections
import operator
import threading

import numpy as np

from minitf.framework import errors, op_registry
from minitf.framework.cancellation import RunControl
from minitf.framework.control_flow_context import producer_in
from minitf.framework.fetch import FetchMapper, fetch_key
from minitf.framework.graph import Operation, Tensor, refined_shapes
from minitf.framework.tensor_shape import as_shape

# Folded values are kept per plan variant: large ones would cost memory for little gain.
_MAX_FOLDED_BYTES = 1 << 20
# Beyond this many distinct fed-shape combinations a plan stops folding new ones
# (a loop over varying lengths would otherwise compile on every run).
_MAX_VARIANTS = 8


class Step(collections.namedtuple("Step", ["kernel", "ctx", "inputs", "outputs", "arity",
                                           "args", "out"])):
    """One kernel call of a plan (a tuple, so the executor unpacks it cheaply).

    ``args`` fetches the arguments from a run's values with the least Python work:
    the one input tensor itself when ``arity`` is 1, else an ``itemgetter`` of them.
    ``out`` is the one output tensor, or None for an op with zero or several.
    """

    __slots__ = ()
    op = property(lambda self: self.ctx.op)


def make_step(kernel, ctx, inputs, outputs):
    """The ``Step`` that calls ``kernel`` on ``inputs`` and stores ``outputs``."""
    n = len(inputs)
    args = inputs[0] if n == 1 else operator.itemgetter(*inputs) if n else None
    return Step(kernel, ctx, inputs, outputs, n, args, outputs[0] if len(outputs) == 1 else None)


def execute(steps, env):
    """Run ``steps`` in order, storing each output in ``env`` (tensor -> value)."""
    kctx = None
    try:
        for kernel, kctx, _, outs, arity, args, out in steps:
            if arity == 1:
                result = kernel(kctx, env[args])
            elif arity:
                result = kernel(kctx, *args(env))
            else:
                result = kernel(kctx)
            if out is not None:
                env[out] = result
            else:
                env.update(zip(outs, result))
    except errors.OpError as e:
        e.op = e.op or kctx.op
        raise
    except errors.KERNEL_ERRORS as e:
        if kctx is None:
            raise
        raise errors.from_kernel_exception(e, kctx.op) from e


class Variant:
    """A plan specialised to one combination of fed shapes.

    Attributes:
        constants: tensor -> value computed at compile time (read-only arrays).
        steps: the ``Step``s every run executes, in order.
    """

    __slots__ = ("plan", "constants", "steps")

    def __init__(self, plan, constants, steps):
        self.plan, self.constants, self.steps = plan, constants, steps

    @property
    def ops(self):
        """Every op this run needed: the ones executed and the ones folded."""
        return self.plan.ops

    @property
    def executed_ops(self):
        return [s.op for s in self.steps]

    @property
    def folded_ops(self):
        ran = set(self.executed_ops)
        return [op for op in self.plan.ops if op not in ran]

    feeds = property(lambda self: self.plan.feeds)


class Plan:
    """A compiled run: what to feed, which steps compute the fetches, how to fetch."""

    __slots__ = ("steps", "ops", "feeds", "fed", "fetches", "mapper", "single", "fold",
                 "_variants", "_unfolded", "_reachable", "_fetched")

    def __init__(self, steps, feeds, fetches, mapper, single, fold):
        self.steps = steps      # every needed Step, before folding
        self.ops = list(dict.fromkeys(s.op for s in steps))
        self.feeds = feeds      # [(tensor, numpy dtype, static shape tuple or None)]
        self.fed = [f[0] for f in feeds]
        self.fetches = fetches  # unique fetched tensors, in mapper order
        self.mapper = mapper
        self.single = single    # the fetch was one bare Tensor/Operation
        self.fold = fold
        self._variants = {}  # fed shapes -> Variant
        self._unfolded = Variant(self, {}, steps)
        self._reachable = self._fetched = None

    @property
    def reachable(self):
        """Every op a run of this plan may execute: its steps' ops and, below each
        control-flow owner among them, the ops of the bodies it owns."""
        if self._reachable is None:
            seen, todo = set(self.ops), list(self.ops)
            while todo:
                op = todo.pop()
                for ctx in op_registry.get(op.type).owned_contexts(op):
                    inner = [o for o in ctx.ops if o not in seen]
                    seen.update(inner)
                    todo.extend(inner)
            self._reachable = frozenset(seen)
        return self._reachable

    def reads(self, tensor):
        """Whether a run of this plan may read ``tensor``: it is fetched, an input of an
        op the run may execute, or made inside a control-flow body (whose owner may
        read it as a result, with no op consuming it)."""
        if self._fetched is None:
            self._fetched = frozenset(self.fetches)
        if tensor.op._ctx is not None or tensor in self._fetched:
            return True
        reachable = self.reachable
        return any(op in reachable for op in tensor._consumers)

    def variant(self, fed_values):
        """The variant for these fed values' shapes, folding a new one when needed."""
        key = tuple(v.shape for v in fed_values)
        found = self._variants.get(key)
        if found is None:
            if not self.fold or len(self._variants) >= _MAX_VARIANTS:
                return self._unfolded
            found = self._variants[key] = _fold(self, fed_values)
        return found


class PlanCache:
    """Compiled plans by (fetch structure, feed keys); evicts the least recently used."""

    def __init__(self, capacity):
        self.capacity = capacity
        self._plans = collections.OrderedDict()
        self._lock = threading.Lock()  # threads may run one session at once

    def get(self, session, fetches, feed_dict):
        single = isinstance(fetches, (Tensor, Operation))
        try:
            key = ((fetches if single else fetch_key(fetches)), tuple(feed_dict))
            plan = self._plans.get(key)
        except TypeError:  # an unhashable fetch: compile without caching
            return compile_plan(session, fetches, feed_dict)
        if plan is None:
            plan = compile_plan(session, fetches, feed_dict)
            with self._lock:
                plan = self._plans.setdefault(key, plan)
                if len(self._plans) > self.capacity:
                    self._plans.popitem(last=False)
        elif len(self._plans) > 1:
            with self._lock:
                if key in self._plans:
                    self._plans.move_to_end(key)
        return plan

    def __len__(self):
        return len(self._plans)

    def clear(self):
        self._plans.clear()


def compile_plan(session, fetches, feed_dict):
    graph = session.graph
    single = isinstance(fetches, (Tensor, Operation))
    mapper = FetchMapper(graph, fetches)
    feeds, fed = [], set()
    for key in feed_dict:
        try:
            t = graph.as_graph_element(key, allow_operation=False)
        except (TypeError, ValueError, KeyError) as e:
            raise type(e)("Cannot interpret feed_dict key as Tensor: %s" % (
                e.args[0] if e.args else e)) from None
        if not graph.is_feedable(t):
            raise ValueError("Tensor %s may not be fed." % t.name)
        feeds.append((t, t.dtype.as_numpy_dtype, t.shape.as_tuple_or_none()))
        fed.add(t)
    for e in mapper.elements:
        if not graph.is_fetchable(e):
            raise ValueError("Operation %r has been marked as not fetchable." % e.name)
    tensors = tuple(e for e in mapper.elements if isinstance(e, Tensor))
    ops = tuple(e for e in mapper.elements if isinstance(e, Operation))
    steps = schedule(session, tensors, ops, fed, None)
    return Plan(steps, feeds, list(tensors), mapper, single,
                session._config.constant_folding)


def schedule(session, tensors, ops, fed, ctx, ran=()):
    """The steps, in order, of the ops of ``ctx`` that compute ``tensors`` and run ``ops``.

    Ops in ``ran`` count as executed already (their outputs are in the run's values).
    """
    order, done, active = [], set(ran), set()

    def deps(op):
        opdef = op_registry.get(op.type)
        out = []
        for i, t in enumerate(op._inputs):
            if i not in opdef.ref_inputs and t not in fed:
                out.append(producer_in(t.op, ctx))
        # An op whose outputs are all fed already has its values: waiting on it
        # (a control dependency on a fed placeholder) means nothing to run.
        out.extend(producer_in(c, ctx) for c in op._control_inputs
                   if not c._outputs or not all(t in fed for t in c._outputs))
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
    return [_step(session, op) for op in _with_rereads(order, done, fed)]


def _with_rereads(order, done, fed):
    """``order`` with variable reads run again where an effect may have changed them."""
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
    return ops


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


def _step(session, op):
    opdef = op_registry.get(op.type)
    kctx = session._kernel_ctxs.get(op)
    if kctx is None:
        _check_device(op, session._config)
        # setdefault: two threads compiling at once must share one context per op.
        kctx = session._kernel_ctxs.setdefault(op, KernelContext(op, session))
    return make_step(opdef.kernel, kctx, opdef.kernel_inputs(op), tuple(op._outputs))


class KernelContext:
    """What a kernel sees besides its inputs: its op, attrs and the session's state.

    One is made per (session, op) and kept, so a kernel may cache derived
    constants in ``cache``.
    """

    __slots__ = ("op", "attrs", "session", "cache")

    def __init__(self, op, session):
        self.op, self.attrs, self.session, self.cache = op, op._attrs, session, {}

    state = property(lambda self: self.session._state,
                     doc="The session's runtime state (variable values, RNG counters...).")
    env = property(lambda self: self.session._running.values[0],
                   doc="Tensor -> value of this thread's run in progress (control flow).")

    @property
    def scratch(self):
        """A dict that lives for this run only (a fresh one outside a run, e.g. when folding).

        Kernels that derive the same thing from the same tensor (im2col patches) share it here.
        """
        values = getattr(self.session._running, "values", None)
        return values[1] if values else {}

    def run_context(self, ctx, env, targets):
        """Run the ops of control-flow context ``ctx`` that ``targets`` need."""
        self.session._run_context(ctx, env, targets)

    def compile_context(self, ctx, *groups):
        """Steps of control-flow context ``ctx``: one list per group of target tensors,
        each to run after the lists before it, and the values that constants alone
        determine (computed here, once).

        A kernel that runs a body many times (a loop) compiles it once with this, puts
        the constants into the run's values once, then executes the lists as it needs.
        """
        ran, constants, lists = [], {}, []
        for targets in groups:
            steps = schedule(self.session, tuple(targets), (), set(ctx.inputs), ctx, ran)
            ran.extend(s.op for s in steps)
            kept = []
            for step in steps:
                opdef = op_registry.get(step.op.type)
                # Static shapes are promises, so an op that reads only shapes folds on them.
                shapes = {t: t.shape for t in step.inputs} if opdef.shape_only else {}
                values = _try_fold(step, opdef, constants, shapes)
                if values is None:
                    kept.append(step)
                else:
                    constants.update(zip(step.outputs, values))
            lists.append(kept)
        return lists, constants

    execute = staticmethod(execute)

    def may_run(self, ops):
        """Whether the run in progress may execute one of ``ops`` (True outside a run)."""
        values = getattr(self.session._running, "values", None)
        if not values:
            return True
        reachable = values[3].reachable
        return any(op in reachable for op in ops)

    def may_read(self, tensors):
        """For each of ``tensors``, whether the run in progress may read it (all True
        outside a run): a kernel may skip computing outputs that nothing will read."""
        values = getattr(self.session._running, "values", None)
        if not values:
            return (True,) * len(tensors)
        return tuple(values[3].reads(t) for t in tensors)

    cancelled = property(lambda self: self.session._cancellation.cancelled,
                         doc="Has the session closed (so blocked kernels must give up)?")

    def on_session_close(self, callback):
        """Call ``callback()`` once when the session closes (at once if it has): for threads
        a kernel starts, which must not outlive the session.  Returns a function that
        withdraws the callback."""
        manager = self.session._cancellation
        token = manager.register(callback)
        if token is None:
            callback()
        return lambda: manager.deregister(token)

    def wait(self, cond, ready, cancelled_message):
        """Block on ``cond`` (a ``threading.Condition`` the kernel holds) until ``ready()``.

        Whoever changes what ``ready`` reads must ``notify_all`` on ``cond``.  The
        wait ends with ``DeadlineExceededError`` when this run's timeout passes and
        with ``CancelledError(cancelled_message)`` when the session closes.
        """
        values = getattr(self.session._running, "values", None)
        control = values[2] if values else RunControl(self.session._cancellation)
        control.wait(cond, ready, cancelled_message)


def _check_device(op, config):
    dev = op.device.upper()
    if ("GPU" in dev or "TPU" in dev) and not config.allow_soft_placement:
        kind = "GPU" if "GPU" in dev else "TPU"
        raise errors.InvalidArgumentError(
            None, op, "Cannot assign a device for operation %s: Could not satisfy explicit "
            "device specification '%s' because no supported kernel for %s devices is "
            "available. (minitf runs on the CPU; pass "
            "config=tf.ConfigProto(allow_soft_placement=True) to place it there.)"
            % (op.name, op.device, kind))


# -- constant folding ----------------------------------------------------------------
def _fold(plan, fed_values):
    """Compute, once, every step whose result the fed shapes and constants determine.

    Shape functions run again with the fed shapes in place of the placeholders'
    partial ones, so ``Shape`` of a batch-sized tensor is known here although
    the graph says ``[?, 10]``.  A step folds when its op is pure and every
    input is folded, or the op reads only shapes (``OpDef.shape_only``) and its
    inputs' shapes are known.  A kernel that fails here is left in the plan, so
    its error is raised by the run, with the run's context.
    """
    shapes = {t: as_shape(v.shape) for (t, _, _), v in zip(plan.feeds, fed_values)}
    folded, kept = {}, []
    with refined_shapes(shapes):
        for step in plan.steps:
            op = step.op
            opdef = op_registry.get(op.type)
            _refine(op, opdef, shapes)
            values = _try_fold(step, opdef, folded, shapes)
            if values is None:
                kept.append(step)
                continue
            for t, v in zip(op._outputs, values):
                folded[t] = v
                shapes[t] = as_shape(v.shape)
    return Variant(plan, folded, kept)


def _refine(op, opdef, shapes):
    try:
        refined = opdef.shape_fn(op)
    except Exception:  # noqa: BLE001  (folding is an optimisation: never fail a run for it)
        return  # static shapes stay; a real mismatch is reported by the run
    for t, s in zip(op._outputs, refined):
        try:
            shapes[t] = t._shape.merge_with(as_shape(s))
        except ValueError:
            pass


def _try_fold(step, opdef, folded, shapes):
    op = step.op
    if opdef.stateful or opdef.reread or opdef.ref_inputs or opdef.contexts:
        return None
    args = []
    for t in step.inputs:
        if t in folded:
            args.append(folded[t])
        elif opdef.shape_only and t in shapes and shapes[t].is_fully_defined():
            # An array of the right shape and dtype that costs no memory.
            args.append(np.broadcast_to(np.zeros((), t.dtype.as_numpy_dtype),
                                        shapes[t].as_list()))
        else:
            return None
    try:
        with np.errstate(all="ignore"):  # as in a run
            result = step.kernel(step.ctx, *args)
    except Exception:  # noqa: BLE001  (any failure: leave the step to the run)
        return None
    values = [result] if len(op._outputs) == 1 else list(result or ())
    out = []
    for v in values:
        if isinstance(v, np.generic):
            out.append(v)  # immutable already
            continue
        if not isinstance(v, np.ndarray) or v.nbytes > _MAX_FOLDED_BYTES:
            return None
        if v.flags.writeable:
            v = v.copy()
            v.flags.writeable = False  # shared by every run of this variant
        out.append(v)
    return out
