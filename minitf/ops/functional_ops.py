"""foldl, foldr, scan and map_fn: Python functions applied along axis 0.

Each is a ``while_loop`` whose body reads element ``i`` with ``elems[i]`` and, for
``scan`` and ``map_fn``, appends the step's result to an accumulator, so the
values and gradients come from the loop machinery with no rules of their own.
"""
import builtins

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.framework.tensor_shape import TensorShape
from minitf.ops import array_ops, control_flow_ops, math_ops

__all__ = ["foldl", "foldr", "scan", "map_fn"]


def _flat(x):
    if isinstance(x, (list, builtins.tuple)):
        return [convert_to_tensor(v) for v in x], True
    return [convert_to_tensor(x)], False


def _pack(values, is_seq, template=None):
    if not is_seq:
        return values[0]
    return builtins.tuple(values) if template is None or isinstance(template, builtins.tuple) \
        else list(values)


def _length(elems):
    n = elems[0].shape[0].value if elems[0].shape.ndims else None
    if n is not None:
        return array_ops.constant(n, dtype=dtypes.int32, name="n")
    return array_ops.shape(elems[0])[0]


def _element(elems, i, is_seq, template):
    return _pack([e[i] for e in elems], is_seq, template)


def _fold(fn, elems, initializer, reverse, name):
    flat, is_seq = _flat(elems)
    graph = get_default_graph()
    with graph.name_scope(name):
        n = _length(flat)
        if initializer is None:
            first = n - 1 if reverse else 0
            acc, acc_seq = _flat(_element(flat, first, is_seq, elems))
            i0 = n - 2 if reverse else array_ops.constant(1)
        else:
            acc, acc_seq = _flat(initializer)
            i0 = n - 1 if reverse else array_ops.constant(0)

        def cond(i, *a):
            return math_ops.greater_equal(i, 0) if reverse else math_ops.less(i, n)

        def body(i, *a):
            out = fn(_pack(list(a), acc_seq, initializer), _element(flat, i, is_seq, elems))
            nxt = i - 1 if reverse else i + 1
            return [nxt] + _flat(out)[0]

        res = control_flow_ops.while_loop(cond, body, [i0] + acc)
        return _pack(res[1:], acc_seq, initializer)


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """Left fold: ``a = fn(a, x)`` for each ``x`` of ``elems`` along axis 0.

    Example:
        >>> tf.foldl(lambda a, x: a + x, tf.constant([1, 2, 3]))   # 6
    """
    return _fold(fn, elems, initializer, False, name or "foldl")


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """Right fold: like ``foldl`` but from the last element to the first."""
    return _fold(fn, elems, initializer, True, name or "foldr")


def _accumulate(step, first, n, start, name):
    """Run ``step(i, prev)`` for i in [start, n), stacking results after ``first``."""
    flat_first, seq = _flat(first)
    stacks = [array_ops.expand_dims(f, 0) for f in flat_first]
    invariants = [TensorShape([None]).concatenate(f.shape) for f in flat_first]

    def cond(i, *state):
        return math_ops.less(i, n)

    def body(i, *state):
        k = len(flat_first)
        prev, acc = list(state[:k]), list(state[k:])
        out, _ = _flat(step(i, _pack(prev, seq, first)))
        acc = [array_ops.concat([s, array_ops.expand_dims(o, 0)], 0) for s, o in zip(acc, out)]
        return [i + 1] + out + acc

    res = control_flow_ops.while_loop(
        cond, body, [start] + flat_first + stacks,
        shape_invariants=[TensorShape([])] + [f.shape for f in flat_first] + invariants,
        name=name)
    return _pack(res[1 + len(flat_first):], seq, first)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """Running fold: the stacked list of every intermediate ``a = fn(a, x)``.

    Example:
        >>> tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3]))   # [1, 3, 6]
    """
    flat, is_seq = _flat(elems)
    graph = get_default_graph()
    with graph.name_scope(name or "scan"):
        if reverse:
            flat = [array_ops.reverse(e, [0]) for e in flat]
        n = _length(flat)
        if initializer is None:
            first, start = _element(flat, 0, is_seq, elems), array_ops.constant(1)
        else:
            first = fn(initializer, _element(flat, 0, is_seq, elems))
            start = array_ops.constant(1)
        out = _accumulate(lambda i, a: fn(a, _element(flat, i, is_seq, elems)), first, n,
                          start, "scan_loop")
        if reverse:
            flat_out, seq = _flat(out)
            out = _pack([array_ops.reverse(o, [0]) for o in flat_out], seq, out)
        return out


def map_fn(fn, elems, dtype=None, parallel_iterations=10, back_prop=True, swap_memory=False,
           infer_shape=True, name=None):
    """Stack ``fn(x)`` for each ``x`` of ``elems`` along axis 0.

    Example:
        >>> tf.map_fn(lambda x: x * x, tf.constant([1, 2, 3]))   # [1, 4, 9]
    """
    flat, is_seq = _flat(elems)
    graph = get_default_graph()
    with graph.name_scope(name or "map"):
        n = _length(flat)
        first = fn(_element(flat, 0, is_seq, elems))
        return _accumulate(lambda i, prev: fn(_element(flat, i, is_seq, elems)), first, n,
                           array_ops.constant(1), "map_loop")
