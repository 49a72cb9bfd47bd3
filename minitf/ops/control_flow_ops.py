"""Control flow: grouping, conditionals and loops that run lazily.

``cond`` builds each branch in a ``ControlFlowContext`` owned by an ``If`` op;
at run time the ``If`` kernel runs only the branch its predicate picks.
``while_loop`` builds its condition and body as functions of ``LoopVar``
tensors in contexts owned by a ``While`` op, whose kernel iterates them.
Both are differentiable: their gradients are again ``If``/``While``-style ops.
"""
import builtins
import operator
import sys

import numpy as np

from minitf.framework import dtypes, errors, op_registry
from minitf.framework.control_flow_context import ControlFlowContext
from minitf.framework.graph import Operation, convert_to_tensor, get_default_graph
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, as_shape, unknown_shape
from minitf.ops import array_ops, math_ops
from minitf.ops.gradients_impl import gradients
from minitf.ops.op_util import make_op

__all__ = ["Assert", "Print", "case", "cond", "group", "no_op", "tuple", "while_loop"]


def _dense(grads):
    """A branch or loop body's gradients as plain tensors (bodies yield Tensors)."""
    return [convert_to_tensor(g) if isinstance(g, IndexedSlices) else g for g in grads]


# -- NoOp, group, tuple ------------------------------------------------------------------
def no_op(name=None):
    """An op that does nothing (useful as a target for control dependencies)."""
    return make_op("NoOp", [], [], name)


register("NoOp", lambda ctx: (), lambda op: [], NO_GRADIENT)


def group(*inputs, **kwargs):
    """One op that runs all of ``inputs`` (ops or tensors); it has no output."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Unknown keyword arguments: %s" % ", ".join(kwargs))
    flat = []
    for x in inputs:
        flat.extend(x if isinstance(x, (list, builtins.tuple)) else [x])
    graph = get_default_graph()
    with graph.control_dependencies([x for x in flat if x is not None]):
        return no_op(name=name or "group_deps")


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001  (TF's name)
    """Identities of ``tensors`` that are only available once all of them are."""
    tensors = list(tensors)
    graph = get_default_graph()
    with graph.name_scope(name or "tuple"):
        gate = group(*[t for t in tensors if t is not None], *(control_inputs or []))
        out = []
        for t in tensors:
            if t is None:
                out.append(None)
                continue
            with graph.control_dependencies([gate]):
                out.append(array_ops.identity(t))
        return out


# -- cond and If -----------------------------------------------------------------------
def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Return ``true_fn()`` if ``pred`` is true else ``false_fn()``; only one branch runs.

    Both branches must return the same structure of tensors with matching dtypes.
    ``pred`` must be a boolean scalar Tensor (a Python bool is a TypeError).

    Example:
        >>> x, y = tf.constant(2), tf.constant(5)
        >>> tf.cond(x < y, lambda: x + y, lambda: x - y)   # 7
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    if isinstance(pred, (bool, np.bool_)):
        raise TypeError("pred must not be a Python bool")
    pred = convert_to_tensor(pred)
    if pred.dtype is not dtypes.bool:
        raise TypeError("pred must be a bool tensor, got %s" % pred.dtype.name)
    if pred.shape.ndims not in (None, 0):
        raise ValueError("pred must be a scalar, got shape %s" % pred.shape)
    graph = pred.graph
    with graph.name_scope(name or "cond"):
        outer = graph._ctx
        branches, results, flats = [], [], []
        for fn, label in ((true_fn, "true"), (false_fn, "false")):
            ctx = ControlFlowContext(outer, label)
            with graph._in_context(ctx), graph.name_scope(label):
                res = fn()
                flats.append(_flatten_branch(res, ctx))
            branches.append(ctx)
            results.append(res)
        flat_t, flat_f = flats
        if len(flat_t) != len(flat_f):
            raise ValueError("true_fn and false_fn must return the same number of results: "
                             "%d vs %d" % (len(flat_t), len(flat_f)))
        for a, b in zip(flat_t, flat_f):
            if a.dtype is not b.dtype:
                raise TypeError("Outputs of true_fn and false_fn must have the same type: "
                                "%s, %s" % (a.dtype.name, b.dtype.name))
        outs = _build_if(graph, pred, branches, [flat_t, flat_f])
    return _pack_like(results[0], outs, strict)


def _flatten_branch(res, ctx):
    """A branch's results as tensors made inside the branch.

    A result computed outside (``lambda: x``) gets an identity inside, so the
    branch captures it and the outer plan computes it before the ``If`` runs.
    """
    if res is None:
        return []
    items = list(res) if isinstance(res, (list, builtins.tuple)) else [res]
    out = []
    for r in items:
        if isinstance(r, Operation):
            with r.graph.control_dependencies([r]):
                r = array_ops.constant(True, name="op_done")
        r = convert_to_tensor(r)
        if not ctx.encloses(r.op._ctx):
            r = array_ops.identity(r)
        out.append(r)
    return out


def _pack_like(template, outs, strict):
    if template is None:
        return None
    if isinstance(template, (list, builtins.tuple)):
        if len(outs) == 1 and not strict:
            return outs[0]
        return list(outs) if isinstance(template, list) else builtins.tuple(outs)
    return outs[0]


def _build_if(graph, pred, branches, flat_outs):
    captures = []
    for ctx in branches:
        for t in ctx.captures:
            if t not in captures and t is not pred:
                captures.append(t)
    dts = [t.dtype for t in flat_outs[0]]
    with graph._in_context(branches[0].parent):
        op = make_op("If", [pred] + captures, dts, "If",
                     {"branch_outputs": builtins.tuple(builtins.tuple(f) for f in flat_outs),
                      "Tout": dts, "branches": list(branches), "num_args": 1})
    for ctx in branches:
        ctx.owner = op
    return op._outputs


def _run_branch(ctx, branch, targets):
    env = ctx.env
    ctx.run_context(ctx.attrs["branches"][branch], env, targets)
    values = builtins.tuple(env[t] for t in targets)
    return values[0] if len(values) == 1 else values


def _if_shape(op):
    a, b = op._attrs["branch_outputs"]
    return [_most_specific(x.shape, y.shape) for x, y in zip(a, b)]


def _most_specific(a, b):
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return unknown_shape()
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _if_grad(op, *grads):
    """The gradient of a cond is a cond over the two branches' gradients.

    Each branch differentiates its own outputs with respect to the tensors it
    captured; a capture that only the other branch uses gets zeros.
    """
    pred, captures = op._inputs[0], op._inputs[1:]
    graph = op.graph
    float_caps = [c for c in captures if c.dtype.is_floating]
    if not float_caps:
        return [None] * len(op._inputs)
    connected = [False] * len(float_caps)
    fns = []
    for branch in (0, 1):
        outs = op._attrs["branch_outputs"][branch]
        pairs = [(o, g) for o, g in zip(outs, grads) if o.dtype.is_floating and g is not None]

        def fn(pairs=pairs):
            if not pairs:
                return [array_ops.zeros_like(c) for c in float_caps]
            gs = _dense(gradients([o for o, _ in pairs], float_caps, [g for _, g in pairs]))
            for i, g in enumerate(gs):
                connected[i] = connected[i] or g is not None
            return [g if g is not None else array_ops.zeros_like(c)
                    for g, c in zip(gs, float_caps)]
        fns.append(fn)
    outer = graph._ctx
    branches, flat = [], []
    for fn, label in zip(fns, ("true", "false")):
        ctx = ControlFlowContext(outer, label)
        with graph._in_context(ctx), graph.name_scope(label):
            flat.append(_flatten_branch(fn(), ctx))
        branches.append(ctx)
    outs = _build_if(graph, pred, branches, flat)
    by_cap = {c: (g if connected[i] else None) for i, (c, g) in enumerate(zip(float_caps, outs))}
    return [None] + [by_cap.get(c) for c in captures]


def _if_kernel(ctx, pred):
    branch = 0 if pred else 1
    return _run_branch(ctx, branch, ctx.attrs["branch_outputs"][branch])


register("If", _if_kernel, _if_shape, _if_grad, stateful=True, contexts="branches",
         num_args="num_args")



def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Run the function paired with the first true predicate, else ``default``.

    ``pred_fn_pairs`` is a list of ``(bool tensor, callable)`` pairs or a dict.
    With ``exclusive=True`` more than one true predicate is an error at run time.

    Example:
        >>> tf.case([(x < y, lambda: x + y), (x > y, lambda: x - y)], default=lambda: x * y)
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else \
        list(pred_fn_pairs)
    for p, f in pairs:
        if isinstance(p, (bool, np.bool_)):
            raise TypeError("pred must not be a Python bool")
        if not callable(f):
            raise TypeError("fn for pred %s must be callable." % p)
    if not pairs:
        if default is None:
            raise ValueError("pred_fn_pairs is empty and no default was given")
        return default()
    if default is None:
        pairs, default = pairs[:-1], pairs[-1][1]
    graph = get_default_graph()
    with graph.name_scope(name):
        preds = [convert_to_tensor(p) for p, _ in pairs]
        if exclusive and len(preds) > 1:
            count = math_ops.reduce_sum(math_ops.cast(array_ops.stack(preds),
                                                      dtypes.int32))
            check = Assert(math_ops.less_equal(count, 1),
                           ["Input error: exclusive=True: more than 1 conditions (%s) evaluated "
                            "as True:" % ", ".join(p.name for p in preds), count])
            with graph.control_dependencies([check]):
                preds = [array_ops.identity(p) for p in preds]
        fn = default
        for p, f in reversed(list(zip(preds, [f for _, f in pairs]))):
            fn = _chain(p, f, fn, strict)
        return fn()


def _chain(pred, true_fn, false_fn, strict):
    return lambda: cond(pred, true_fn, false_fn, strict=strict)


# -- while_loop and While ------------------------------------------------------------------
def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true.

    ``cond`` and ``body`` are called once, at build time, on symbolic loop
    variables.  Each loop variable must keep its dtype, and its shape unless
    ``shape_invariants`` allows the change.

    Example:
        >>> i = tf.constant(0)
        >>> tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i])   # 10
    """
    if _structured(loop_vars):
        return _structured_while(cond, body, loop_vars, shape_invariants, back_prop, name,
                                 maximum_iterations, return_same_structure)
    cond_fn, body_fn = cond, body
    single = not isinstance(loop_vars, (list, builtins.tuple))
    inits = [convert_to_tensor(v) for v in ([loop_vars] if single else loop_vars)]
    if shape_invariants is None:
        invariants = [t.shape for t in inits]
    else:
        invariants = [as_shape(s) for s in ([shape_invariants] if single else shape_invariants)]
    graph = get_default_graph()
    with graph.name_scope(name or "while"):
        if maximum_iterations is not None:
            res = _bounded_while(cond_fn, body_fn, inits, invariants, maximum_iterations,
                                 single)
            if single or (len(res) == 1 and not return_same_structure):
                return res[0]
            return res if isinstance(loop_vars, list) else builtins.tuple(res)
        outer = graph._ctx
        body_ctx = ControlFlowContext(outer, "body")
        with graph._in_context(body_ctx):
            loop_vars_t = [make_op("LoopVar", [], [t.dtype], "LoopVar",
                                   {"shape": s, "dtype": t.dtype})._outputs[0]
                           for t, s in zip(inits, invariants)]
            body_ctx.inputs = loop_vars_t
            with graph.name_scope("cond"):
                pred = convert_to_tensor(cond_fn(*loop_vars_t))
            with graph.name_scope("body"):
                res = body_fn(*loop_vars_t)
            body_type = type(res) if isinstance(res, (list, builtins.tuple)) else list
            outs = _flatten_branch([res] if single else res, body_ctx)
        if len(outs) != len(inits):
            raise ValueError("body must return as many values as there are loop_vars: %d vs %d"
                             % (len(outs), len(inits)))
        for lv, o, s in zip(loop_vars_t, outs, invariants):
            if o.dtype is not lv.dtype:
                raise TypeError("The body of while_loop changed the dtype of loop variable %s "
                                "from %s to %s" % (lv.name, lv.dtype.name, o.dtype.name))
            if not s.is_compatible_with(o.shape) or (
                    s.ndims is not None and o.shape.ndims is not None and
                    not _refines(o.shape, s)):
                raise ValueError("Input tensor '%s' enters the loop with shape %s, but has shape "
                                 "%s after one iteration. To allow the shape to vary across "
                                 "iterations, use the `shape_invariants` argument of "
                                 "tf.while_loop to specify a less-specific shape."
                                 % (lv.name, s, o.shape))
        op = make_op("While", inits + [c for c in body_ctx.captures], [t.dtype for t in inits],
                     "While", {"loop_vars": loop_vars_t, "cond_output": pred,
                               "body_outputs": builtins.tuple(outs),
                               "shape_invariants": invariants,
                               "back_prop": back_prop, "body": [body_ctx],
                               "num_args": len(inits), "gradients": _LoopGradients()})
        body_ctx.owner = op
        results = op._outputs
    if single or (len(results) == 1 and not return_same_structure):
        return results[0]  # TF 1.x unpacks a single loop variable
    # TF 1.x packs the results like the body's return value (tuple or list).
    return builtins.tuple(results) if body_type is builtins.tuple else list(results)


def _is_tensor_array(v):
    return hasattr(v, "flow") and hasattr(v, "_next")


def _structured(loop_vars):
    """Loop variables that are not a flat list of tensors: TensorArrays or nests of them."""
    if _is_tensor_array(loop_vars) or hasattr(loop_vars, "_fields"):
        return True
    return isinstance(loop_vars, (list, builtins.tuple)) and any(
        _is_tensor_array(v) or isinstance(v, (list, builtins.tuple, dict)) for v in loop_vars)


def _structured_while(cond, body, loop_vars, shape_invariants, back_prop, name,
                      maximum_iterations, return_same_structure):
    """``while_loop`` over nested loop variables and TensorArrays, as TF 1.x allows: the loop
    itself runs on the flat tensors (a TensorArray's flow in its place), and ``cond`` and
    ``body`` see the structure rebuilt."""
    from minitf import nest
    single = not isinstance(loop_vars, (list, builtins.tuple)) or _is_tensor_array(loop_vars)
    structure = [loop_vars] if single else loop_vars
    leaves = nest.flatten(structure)

    def flat_tensors(values):
        return [v.flow if _is_tensor_array(v) else convert_to_tensor(v)
                for v in nest.flatten(values)]

    def rebuild(tensors):
        return nest.pack_sequence_as(structure, [
            leaf._next(t) if _is_tensor_array(leaf) else t for leaf, t in zip(leaves, tensors)])

    def body_flat(*tensors):
        out = body(*rebuild(tensors))
        return flat_tensors([out] if single else out)

    invariants = None
    if shape_invariants is not None:
        given = nest.flatten([shape_invariants] if single else shape_invariants)
        invariants = [TensorShape([]) if _is_tensor_array(leaf) else s
                      for leaf, s in zip(leaves, given)]
    res = while_loop(lambda *t: cond(*rebuild(t)), body_flat, flat_tensors(structure),
                     invariants, back_prop=back_prop, name=name,
                     maximum_iterations=maximum_iterations, return_same_structure=True)
    packed = rebuild(res)
    return packed[0] if single and not return_same_structure else packed


def _refines(shape, invariant):
    """Every known dim of ``invariant`` is equal in ``shape``."""
    return all(b is None or a == b for a, b in zip(shape.as_list(), invariant.as_list()))


def _bounded_while(cond_fn, body_fn, inits, invariants, maximum_iterations, single):
    n = convert_to_tensor(maximum_iterations, dtype=dtypes.int32)
    counter = array_ops.constant(0, dtype=dtypes.int32, name="iteration")

    def c(i, *vs):
        return math_ops.logical_and(math_ops.less(i, n), cond_fn(*vs))

    def b(i, *vs):
        out = body_fn(*vs)
        out = [out] if single or not isinstance(out, (list, builtins.tuple)) else list(out)
        return [i + 1] + out

    res = while_loop(c, b, [counter] + inits, [TensorShape([])] + invariants)
    return list(res[1:])


def _loop_var_kernel(ctx):
    raise errors.InternalError(None, ctx.op, "A loop variable was read outside its loop.")


register("LoopVar", _loop_var_kernel, lambda op: [op._attrs["shape"]], NO_GRADIENT)


class _LoopGradients:
    """The gradients built for one loop, and what they read of its iterations.

    ``keys`` are what some gradient step reads of an iteration: tensors of the body,
    and loops nested in it (whose value is their own record of iterations).  A run
    that may run one of ``ops`` keeps, per iteration, references to their values: as
    TF's stacks do, and nothing else, so the backward pass runs no forward op again.
    """

    __slots__ = ("ops", "keys")

    def __init__(self):
        self.ops, self.keys = [], []

    def add(self, grad_op, keys):
        self.ops.append(grad_op)
        self.keys = list(dict.fromkeys(self.keys + list(keys)))

    def __repr__(self):
        return "<while gradients: %d, reading %s>" % (len(self.ops),
                                                       [k.name for k in self.keys])


class _Partial(builtins.tuple):
    """An iteration's kept values where some key had none (a cond branch not taken)."""


_MISSING = object()


def _getter(keys):
    """``env -> tuple of env[k] for k in keys``, in C for two keys or more."""
    if len(keys) > 1:
        return operator.itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda env: (env[key],)
    return lambda env: ()


class _CompiledLoop:
    """A loop's cond and body as step lists, compiled once per session (and key set).

    Body ops whose values constants determine are computed here, once; the kernel
    puts them into the run's values before the first iteration.
    """

    __slots__ = ("keys", "cond_steps", "body_steps", "constants", "outs", "entry_checks",
                 "checks", "snapshot")

    def __init__(self, ctx, keys):
        a = ctx.attrs
        outs = builtins.tuple(a["body_outputs"])
        tensor_keys = [k for k in keys if not isinstance(k, Operation)]
        (self.cond_steps, self.body_steps), self.constants = ctx.compile_context(
            a["body"][0], (a["cond_output"],), outs + builtins.tuple(tensor_keys))
        self.keys = builtins.tuple(keys)
        self.outs, self.snapshot = _getter(outs), _getter(self.keys)
        # A value whose static shape refines its invariant fits it (static shapes are
        # promises), so only the others are checked as the loop runs: the initial values
        # once per run, the body's outputs per iteration (the build rejected any whose
        # known rank does not refine the invariant).
        invariants = a["shape_invariants"]
        inits = ctx.op._inputs[:len(invariants)]
        self.entry_checks = [(i, s) for i, (t, s) in enumerate(zip(inits, invariants))
                             if not _fits(t.shape, s)]
        self.checks = [(i, s) for i, (o, s) in enumerate(zip(outs, invariants))
                       if not _fits(o.shape, s)]


def _fits(shape, invariant):
    """Whether every value of static shape ``shape`` fits ``invariant``."""
    return invariant.ndims is None or (shape.ndims is not None and
                                       shape.ndims == invariant.ndims and
                                       _refines(shape, invariant))


def _while_kernel(ctx, *values):
    """Iterate cond and body; keep what the gradient reads when this run may need it."""
    a = ctx.attrs
    grads = a["gradients"]
    loop = ctx.cache.get("loop")
    if loop is None or len(loop.keys) != len(grads.keys):
        loop = ctx.cache["loop"] = _CompiledLoop(ctx, grads.keys)
    keep = a["back_prop"] and grads.ops and ctx.may_run(grads.ops)
    env, execute = ctx.env, ctx.execute
    cond_steps, body_steps, pred = loop.cond_steps, loop.body_steps, a["cond_output"]
    loop_vars, outs, snapshot, checks = a["loop_vars"], loop.outs, loop.snapshot, loop.checks
    for i, invariant in loop.entry_checks:
        _check_invariant(ctx, loop_vars[i], values[i], invariant,
                         "enters the loop with shape %s")
    trace = []
    env.update(loop.constants)
    env.update(zip(loop_vars, values))
    while True:
        execute(cond_steps, env)
        if not env[pred]:
            break
        execute(body_steps, env)
        values = outs(env)
        for i, invariant in checks:
            _check_invariant(ctx, loop_vars[i], values[i], invariant,
                             "has shape %s in an iteration")
        if keep:
            try:
                trace.append(snapshot(env))
            except KeyError:
                trace.append(_Partial(env.get(k, _MISSING) for k in loop.keys))
        env.update(zip(loop_vars, values))
    if keep:
        env[ctx.op] = (loop.keys, trace)
    return values if len(values) != 1 else values[0]


def _check_invariant(ctx, loop_var, value, invariant, what):
    shape = np.shape(value)
    if len(shape) != invariant.ndims or any(
            d is not None and d != vd for d, vd in zip(invariant.as_list(), shape)):
        raise errors.InvalidArgumentError(
            None, ctx.op, "Loop variable %s %s, which does not match its shape invariant %s"
            % (loop_var.name, what % list(shape), invariant))


def _while_shape(op):
    return list(op._attrs["shape_invariants"])


def _while_grad(op, *grads):
    """Back-propagate through the kept iterations, last one first.

    The gradient of one body step with respect to its loop variables and
    captures is built once, symbolically, in its own context; the ``WhileGrad``
    kernel runs it once per iteration on the values that iteration kept.
    """
    a = op._attrs
    if not a["back_prop"]:
        return [None] * len(op._inputs)
    graph = op.graph
    loop_vars, outs = a["loop_vars"], a["body_outputs"]
    n = len(loop_vars)
    captures = op._inputs[n:]
    float_lvs = [t for t in loop_vars if t.dtype.is_floating]
    float_caps = [t for t in captures if t.dtype.is_floating]
    wrt = float_lvs + float_caps
    grad_ctx = ControlFlowContext(graph._ctx, "grad_body")
    with graph._in_context(grad_ctx), graph.name_scope("grad_body"):
        g_in = [make_op("LoopVar", [], [o.dtype], "LoopVar",
                        {"shape": s, "dtype": o.dtype})._outputs[0]
                for o, s in zip(outs, a["shape_invariants"])]
        grad_ctx.inputs = g_in
        pairs = [(o, g) for o, g in zip(outs, g_in) if o.dtype.is_floating]
        step = _dense(gradients([o for o, _ in pairs], wrt, [g for _, g in pairs])) if pairs \
            else [None] * len(wrt)
        # A loop variable's gradient is carried to the next step, so it needs a value; a
        # capture the body does not connect to the outputs just gets zeros at the end.
        step = [array_ops.zeros_like(w) if s is None and k < len(float_lvs) else s
                for k, (s, w) in enumerate(zip(step, wrt))]
    float_grads = [g if g is not None else array_ops.zeros_like(t)
                   for g, t in zip(grads, op._outputs)]
    gop = make_op("WhileGrad", float_grads + list(captures), [t.dtype for t in wrt],
                  "WhileGrad", {"forward": op, "grad_loop_vars": g_in, "wrt": wrt,
                                "step_grads": builtins.tuple(step), "body": [grad_ctx],
                                "num_args": len(float_grads)})
    gop._add_control_input(op)
    grad_ctx.owner = gop
    a["gradients"].add(gop, _gradient_reads(a["body"][0], grad_ctx))
    by_t = dict(zip(wrt, gop._outputs))
    return [by_t.get(t) for t in list(loop_vars) + list(captures)]


def _gradient_reads(body_ctx, grad_ctx):
    """What a step gradient built in ``grad_ctx`` reads of one iteration of ``body_ctx``.

    That is the body tensors it captures and the loops nested in the body whose
    gradients it runs (they read that loop's own record of iterations).
    """
    keys = [t for t in grad_ctx.captures if _made_per_iteration(t.op._ctx, body_ctx)]
    todo = [grad_ctx]
    while todo:
        for op in todo.pop().ops:
            forward = op._attrs.get("forward") if op.type == "WhileGrad" else None
            if forward is not None and _made_per_iteration(forward._ctx, body_ctx):
                keys.append(forward)
            todo.extend(op_registry.get(op.type).owned_contexts(op))
    return keys


def _made_per_iteration(ctx, body_ctx):
    """Whether each iteration of ``body_ctx`` makes the values of context ``ctx`` once:
    ``ctx`` is the body or a branch in it, not the body of a loop nested in it (whose
    values the nested loop's own record keeps)."""
    while ctx is not None and ctx is not body_ctx:
        if ctx.owner is not None and ctx.owner.type == "While":
            return False
        ctx = ctx.parent
    return ctx is body_ctx


class _CompiledStep:
    """A loop's step gradient as a step list, compiled once per session and per set of
    capture gradients the run reads (TF, too, accumulates only the ones asked for)."""

    __slots__ = ("steps", "constants", "results", "lv_pos", "cap_pos")

    def __init__(self, ctx, wanted):
        a = ctx.attrs
        loop_vars = a["forward"]._attrs["loop_vars"]
        self.lv_pos = [i for i, t in enumerate(loop_vars) if t.dtype.is_floating]
        n_lv = len(self.lv_pos)
        step = a["step_grads"]
        # Positions among the capture gradients of those that get a value per step.
        self.cap_pos = [j for j, (t, w) in enumerate(zip(step[n_lv:], wanted))
                        if t is not None and w]
        targets = list(step[:n_lv]) + [step[n_lv + j] for j in self.cap_pos]
        (self.steps,), self.constants = ctx.compile_context(a["body"][0], targets)
        self.results = _getter(targets)


def _while_grad_kernel(ctx, *out_grads):
    """Run the step gradient once per kept iteration, last first; no forward op again.

    Loop-variable gradients carry from step to step; capture gradients add up.  One
    that nothing in this run reads is not computed (its output is zeros).
    """
    a = ctx.attrs
    env = ctx.env
    record = env.get(a["forward"])
    if record is None:
        raise errors.InternalError(None, ctx.op, "The loop kept no iterations for its "
                                   "gradient (it ran in a run that did not need them).")
    keys, trace = record
    wrt, fwd_vars = a["wrt"], a["forward"]._attrs["loop_vars"]
    n_lv = sum(1 for t in fwd_vars if t.dtype.is_floating)
    wanted = ctx.may_read(ctx.op._outputs[n_lv:])
    step = ctx.cache.get(("step", wanted))
    if step is None:
        step = ctx.cache[("step", wanted)] = _CompiledStep(ctx, wanted)
    execute, steps, results, lv_pos = ctx.execute, step.steps, step.results, step.lv_pos
    g_in, grads = a["grad_loop_vars"], list(out_grads)
    sums = [None] * len(step.cap_pos)
    env.update(step.constants)
    for kept in reversed(trace):
        env.update(zip(keys, kept))
        if type(kept) is _Partial:
            for k, v in zip(keys, kept):
                if v is _MISSING:
                    env.pop(k, None)
        env.update(zip(g_in, grads))
        execute(steps, env)
        res = results(env)
        for k, pos in enumerate(lv_pos):
            grads[pos] = res[k]
        for j in range(len(sums)):
            sums[j] = _accumulate(sums[j], res[n_lv + j])
    out = [np.asarray(grads[p], dtype=fwd_vars[p].dtype.as_numpy_dtype) for p in lv_pos]
    caps = [None] * (len(wrt) - n_lv)
    for j, total in zip(step.cap_pos, sums):
        caps[j] = total
    for j, (total, t) in enumerate(zip(caps, wrt[n_lv:])):
        dt = t.dtype.as_numpy_dtype
        caps[j] = np.zeros(np.shape(env[t]), dt) if total is None else np.asarray(total, dt)
    out += caps
    return out[0] if len(out) == 1 else builtins.tuple(out)


def _accumulate(total, value):
    """``total + value``, in place once ``total`` is an array of our own."""
    if total is None:
        return np.array(value)  # a copy: the step's value may be shared or read-only
    if total.shape == np.shape(value):
        np.add(total, value, out=total)
        return total
    return total + value


register("While", _while_kernel, _while_shape, _while_grad, stateful=True, contexts="body",
         num_args="num_args")
register("WhileGrad", _while_grad_kernel, lambda op: [t.shape for t in op._attrs["wrt"]],
         NO_GRADIENT, stateful=True, contexts="body", num_args="num_args")


# -- Assert, Print ------------------------------------------------------------------------
def Assert(condition, data, summarize=None, name=None):  # noqa: N802  (TF's name)
    """An op that raises InvalidArgumentError with ``data`` when ``condition`` is false."""
    condition = convert_to_tensor(condition)
    data = [d if isinstance(d, str) else convert_to_tensor(d) for d in data]
    texts = [d if isinstance(d, str) else None for d in data]
    tensors = [d for d in data if not isinstance(d, str)]
    return make_op("Assert", [condition] + tensors, [], name or "Assert",
                   {"texts": texts, "summarize": summarize or 3})


def _assert_kernel(ctx, condition, *values):
    if np.all(condition):
        return ()
    vals = iter(values)
    parts = [t if t is not None else _summarize(next(vals), ctx.attrs["summarize"])
             for t in ctx.attrs["texts"]]
    raise errors.InvalidArgumentError(None, ctx.op, "assertion failed: [%s]" % "] [".join(parts))


def _summarize(v, n):
    flat = np.ravel(v)
    items = [x.decode() if isinstance(x, bytes) else str(x) for x in flat[:n]]
    return " ".join(items) + ("..." if flat.size > n else "")


register("Assert", _assert_kernel, lambda op: [], NO_GRADIENT, stateful=True)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """Identity on ``input_`` that prints ``message`` and ``data`` each time it runs."""
    x = convert_to_tensor(input_)
    data = [convert_to_tensor(d) for d in data]
    return make_op("Print", [x] + data, [x.dtype], name,
                   {"message": message or "", "first_n": first_n or -1,
                    "summarize": summarize or 3})._outputs[0]


def _print_kernel(ctx, x, *data):
    count = ctx.cache["count"] = ctx.cache.get("count", 0) + 1
    first_n = ctx.attrs["first_n"]
    if first_n < 0 or count <= first_n:
        print(ctx.attrs["message"] + "".join(
            "[%s]" % _summarize(d, ctx.attrs["summarize"]) for d in data), file=sys.stderr)
    return x


register("Print", _print_kernel, lambda op: [op._inputs[0].shape],
         lambda op, g: [g] + [None] * (len(op._inputs) - 1), stateful=True)
