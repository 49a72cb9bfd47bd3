"""Control flow: grouping, conditionals and loops that run lazily.

``cond`` builds each branch in a ``ControlFlowContext`` owned by an ``If`` op;
at run time the ``If`` kernel runs only the branch its predicate picks.
``while_loop`` builds its condition and body as functions of ``LoopVar``
tensors in contexts owned by a ``While`` op, whose kernel iterates them.
Both are differentiable: their gradients are again ``If``/``While``-style ops.
"""
import builtins
import sys

import numpy as np

from minitf.framework import dtypes, errors
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
                               "num_args": len(inits)})
        body_ctx.owner = op
        results = op._outputs
    if single or (len(results) == 1 and not return_same_structure):
        return results[0]  # TF 1.x unpacks a single loop variable
    # TF 1.x packs the results like the body's return value (tuple or list).
    return builtins.tuple(results) if body_type is builtins.tuple else list(results)


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


def _while_kernel(ctx, *values):
    """Iterate the body; keep each iteration's inputs for the gradient."""
    a = ctx.attrs
    env = ctx.env
    loop_vars, body_ctx = a["loop_vars"], a["body"][0]
    pred_t, outs = (a["cond_output"],), builtins.tuple(a["body_outputs"])
    trace = []
    while True:
        for t, v in zip(loop_vars, values):
            env[t] = v
        ctx.run_context(body_ctx, env, pred_t)
        if not env[pred_t[0]]:
            break
        if a["back_prop"]:
            trace.append(values)
        ctx.run_context(body_ctx, env, outs)
        new = builtins.tuple(env[t] for t in outs)
        for lv, v, s in zip(loop_vars, new, a["shape_invariants"]):
            if s.ndims is not None and (np.ndim(v) != s.ndims or any(
                    d is not None and d != vd for d, vd in zip(s.as_list(), np.shape(v)))):
                raise errors.InvalidArgumentError(
                    None, ctx.op, "Loop variable %s has shape %s in an iteration, which does "
                    "not match its shape invariant %s" % (lv.name, np.shape(v), s))
        values = new
    env[ctx.op] = trace
    return values if len(values) != 1 else values[0]


def _while_shape(op):
    return list(op._attrs["shape_invariants"])


def _while_grad(op, *grads):
    """Back-propagate through the recorded iterations, last one first.

    The gradient of one body step with respect to its loop variables and
    captures is built once, symbolically, in its own context; the
    ``WhileGrad`` kernel runs it once per recorded iteration.
    """
    a = op._attrs
    if not a["back_prop"]:
        return [None] * len(op._inputs)
    graph = op.graph
    loop_vars, outs = a["loop_vars"], a["body_outputs"]
    n = len(loop_vars)
    captures = op._inputs[n:]
    wrt = [t for t in list(loop_vars) + list(captures) if t.dtype.is_floating]
    grad_ctx = ControlFlowContext(graph._ctx, "grad_body")
    with graph._in_context(grad_ctx), graph.name_scope("grad_body"):
        g_in = [make_op("LoopVar", [], [o.dtype], "LoopVar",
                        {"shape": s, "dtype": o.dtype})._outputs[0]
                for o, s in zip(outs, a["shape_invariants"])]
        grad_ctx.inputs = g_in
        pairs = [(o, g) for o, g in zip(outs, g_in) if o.dtype.is_floating]
        step = _dense(gradients([o for o, _ in pairs], wrt, [g for _, g in pairs])) if pairs \
            else [None] * len(wrt)
        step = [s if s is not None else array_ops.zeros_like(w) for s, w in zip(step, wrt)]
    float_grads = [g if g is not None else array_ops.zeros_like(t)
                   for g, t in zip(grads, op._outputs)]
    gop = make_op("WhileGrad", float_grads + list(captures), [t.dtype for t in wrt],
                  "WhileGrad", {"forward": op, "grad_loop_vars": g_in, "wrt": wrt,
                                "step_grads": builtins.tuple(step), "body": [grad_ctx],
                                "num_args": len(float_grads)})
    gop._add_control_input(op)
    grad_ctx.owner = gop
    by_t = dict(zip(wrt, gop._outputs))
    return [by_t.get(t) for t in list(loop_vars) + list(captures)]


def _while_grad_kernel(ctx, *out_grads):
    a = ctx.attrs
    fwd = a["forward"]
    env = ctx.env
    trace = env[fwd]
    fa = fwd._attrs
    loop_vars, wrt, step = fa["loop_vars"], a["wrt"], builtins.tuple(a["step_grads"])
    n_lv = sum(1 for t in loop_vars if t.dtype.is_floating)
    lv_pos = [i for i, t in enumerate(loop_vars) if t.dtype.is_floating]
    grads = list(out_grads)
    cap_acc = None
    body_ctx, outs = fa["body"][0], builtins.tuple(fa["body_outputs"])
    for values in reversed(trace):
        for t, v in zip(loop_vars, values):
            env[t] = v
        # Recompute this iteration's forward values; the step gradient reads them.
        ctx.run_context(body_ctx, env, outs)
        for t, g in zip(a["grad_loop_vars"], grads):
            env[t] = g
        ctx.run_context(a["body"][0], env, step)
        res = [env[t] for t in step]
        new = list(grads)
        for k, pos in enumerate(lv_pos):
            new[pos] = res[k]
        for pos, t in enumerate(loop_vars):
            if not t.dtype.is_floating:
                new[pos] = grads[pos]
        grads = new
        caps = res[n_lv:]
        cap_acc = caps if cap_acc is None else [x + y for x, y in zip(cap_acc, caps)]
    if cap_acc is None:
        cap_acc = [np.zeros(np.shape(env[t]), dtype=t.dtype.as_numpy_dtype)
                   for t in wrt[n_lv:]]
    out = [np.asarray(grads[p], dtype=loop_vars[p].dtype.as_numpy_dtype) for p in lv_pos]
    out += [np.asarray(c, dtype=t.dtype.as_numpy_dtype) for c, t in zip(cap_acc, wrt[n_lv:])]
    return out[0] if len(out) == 1 else builtins.tuple(out)


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
