"""Reverse-mode differentiation on the graph: ``tf.gradients``.

The driver walks the ops between ``xs`` and ``ys`` backwards, calls each op
type's gradient rule (which builds new graph ops), sums the gradients that
reach a tensor along several paths, and reduces a gradient computed for a
broadcast result back to its input's shape.  That reduction happens here,
once, so no rule has to repeat it.

A gradient may be an ``IndexedSlices`` (gather's, for one): it passes through
rules that declare ``sparse_grad`` (Identity, so it reaches a variable behind
its read), several of them add up by concatenation, and any other rule gets
it densified.
"""
from minitf.framework import dtypes, op_registry
from minitf.framework.graph import Tensor, convert_to_tensor
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops import array_ops, math_ops


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None):
    """Symbolic derivatives of ``sum(ys)`` with respect to each of ``xs``.

    Args:
        ys: a Tensor or list of Tensors to differentiate.
        xs: a Tensor, Variable or list of them.
        grad_ys: optional upstream gradients, one per y (default: ones).
        stop_gradients: tensors treated as constants.

    Returns:
        A list with one Tensor per x, or None where x does not affect ys.

    Example:
        >>> x = tf.constant(3.0); y = x * x
        >>> tf.gradients(y, x)[0].eval()   # 6.0
    """
    ys = [convert_to_tensor(y) for y in _as_list(ys)]
    xs = [_as_ref(x) for x in _as_list(xs)]
    grad_ys = _as_list(grad_ys) if grad_ys is not None else [None] * len(ys)
    stops = {_as_ref(s) for s in _as_list(stop_gradients)} if stop_gradients else set()
    graph = ys[0].graph

    with graph.name_scope(name):
        relevant = _ops_between(xs, ys, stops)
        pending = {}
        for op in relevant:
            for t in op._inputs:
                if t.op in relevant:
                    pending[t.op] = pending.get(t.op, 0) + 1
        grads = {}
        for y, gy in zip(ys, grad_ys):
            if gy is None:
                gy = array_ops.ones_like(y, name="grad_ys")
            else:
                gy = convert_to_tensor(gy, dtype=y.dtype)
            grads.setdefault(y, []).append(gy)
        ready = [op for op in relevant if pending.get(op, 0) == 0]
        seen = set(ready)
        x_set = set(xs)
        while ready:
            op = ready.pop()
            out_grads = [_aggregate(grads.get(t), math_ops) for t in op._outputs]
            for t, g in zip(op._outputs, out_grads):
                grads[t] = [g] if g is not None else []
            in_grads = [None] * len(op._inputs)
            if any(g is not None for g in out_grads) and not all(t in x_set for t in op._outputs):
                in_grads = _call_grad(op, out_grads, array_ops)
            for i, (t, g) in enumerate(zip(op._inputs, in_grads)):
                if g is not None and t.op in relevant and t not in stops:
                    grads.setdefault(t, []).append(_match_shape(g, t, math_ops))
                if t.op in relevant:
                    pending[t.op] -= 1
                    if pending[t.op] == 0 and t.op not in seen:
                        seen.add(t.op)
                        ready.append(t.op)
        return [_aggregate(grads.get(x), math_ops) for x in xs]


def _call_grad(op, out_grads, array_ops):
    opdef = op_registry.get(op.type)
    if opdef.grad is op_registry.NO_GRADIENT:
        return [None] * len(op._inputs)
    full = [g if g is not None or not t.dtype.is_floating else array_ops.zeros_like(t)
            for t, g in zip(op._outputs, out_grads)]
    if not opdef.sparse_grad:
        full = [convert_to_tensor(g) if isinstance(g, IndexedSlices) else g for g in full]
    with op.graph.name_scope(op.name + "_grad"):
        result = opdef.grad(op, *full)
    if not isinstance(result, (list, tuple)):
        result = [result]
    if len(result) != len(op._inputs):
        raise ValueError("Gradient rule for %s returned %d gradients for %d inputs."
                         % (op.type, len(result), len(op._inputs)))
    return [None if g is None or not t.dtype.is_floating
            else g if isinstance(g, IndexedSlices) else convert_to_tensor(g)
            for t, g in zip(op._inputs, result)]


def _match_shape(g, t, math_ops):
    """Sum a gradient computed for a broadcast result down to ``t``'s shape."""
    if isinstance(g, IndexedSlices):
        return g  # made for t's shape by construction
    gs, ts = g.shape, t.shape
    if gs.is_fully_defined() and ts.is_fully_defined() and gs == ts:
        return g
    return math_ops.sum_to_shape(g, t)


def _aggregate(gs, math_ops):
    if not gs:
        return None
    if len(gs) == 1:
        return gs[0]
    if not any(isinstance(g, IndexedSlices) for g in gs):
        return math_ops.add_n(gs)
    # As TF: when any gradient is sparse, the sum is sparse too; dense ones join as
    # slices of every row, and repeated rows add up where the sum is used.
    slices = [g if isinstance(g, IndexedSlices) else _as_slices(g) for g in gs]
    dense_shape = next(s.dense_shape for s in slices if s.dense_shape is not None)
    index_dtype = slices[0].indices.dtype
    indices = [s.indices if s.indices.dtype is index_dtype else math_ops.cast(s.indices, index_dtype)
               for s in slices]
    return IndexedSlices(array_ops.concat([s.values for s in slices], 0),
                         array_ops.concat(indices, 0), dense_shape)


def _as_slices(g):
    rows = array_ops.shape(g, out_type=dtypes.int32)
    return IndexedSlices(g, math_ops.range(rows[0]), rows)


def _ops_between(xs, ys, stops):
    """Ops on some path from an x to a y (stop-gradient tensors cut paths)."""
    forward = set()
    frontier = [x.op for x in xs]
    while frontier:
        op = frontier.pop()
        if op in forward:
            continue
        forward.add(op)
        for t in op._outputs:
            if t in stops:
                continue
            frontier.extend(c for c in t._consumers if c not in forward)
    between = set()
    frontier = [y.op for y in ys]
    while frontier:
        op = frontier.pop()
        if op in between or op not in forward:
            continue
        between.add(op)
        frontier.extend(t.op for t in op._inputs if t not in stops)
    return between


def _as_list(v):
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _as_ref(x):
    ref = getattr(x, "_ref", None)
    if ref is not None:
        return ref()
    return x if isinstance(x, Tensor) else convert_to_tensor(x)
