"""Clipping tensors and gradients: by value, by norm, by global norm, by average norm.

These compose public ops (no new op types), so they are differentiable.  The
usual gradient-clipping recipe:

    >>> grads, tvars = zip(*opt.compute_gradients(loss))
    >>> clipped, norm = tf.clip_by_global_norm(grads, 5.0)
    >>> train_op = opt.apply_gradients(zip(clipped, tvars))
"""
from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops import array_ops, math_ops
from minitf.ops.math_ops import clip_by_value

__all__ = ["clip_by_average_norm", "clip_by_global_norm", "clip_by_norm", "clip_by_value",
           "global_norm"]


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescale ``t`` so that its L2 norm is at most ``clip_norm``.

    ``t · clip_norm / max(‖t‖₂, clip_norm)``: unchanged when the norm is already at
    most ``clip_norm``.  With ``axes`` the norm is taken over those axes only, so
    each slice (e.g. each row for ``axes=[1]``) is clipped on its own.

    Args:
        t: a float tensor.
        clip_norm: a positive scalar.
        axes: None (the whole tensor) or the axes to compute the norm over.

    An ``IndexedSlices`` (a sparse gradient) is clipped by the norm of its
    values, as TF does, and stays sparse.

    Example:
        >>> tf.clip_by_norm(tf.constant([3., 4.]), 1.)   # [0.6, 0.8]
    """
    if isinstance(t, IndexedSlices):
        return IndexedSlices(clip_by_norm(t.values, clip_norm, axes, name), t.indices,
                             t.dense_shape)
    with get_default_graph().name_scope(name or "clip_by_norm") as scope:
        values = convert_to_tensor(t, name="t")
        clip_norm = convert_to_tensor(clip_norm, preferred_dtype=values.dtype)
        l2sum = math_ops.reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        # where twice, so that an all-zero t gets a zero gradient instead of NaN.
        l2sum_safe = array_ops.where(pred, l2sum, array_ops.ones_like(l2sum))
        l2norm = array_ops.where(pred, math_ops.sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        values.shape.merge_with(intermediate.shape)  # clip_norm must not broadcast t
        return array_ops.identity(intermediate / math_ops.maximum(l2norm, clip_norm),
                                  name=scope)


def global_norm(t_list, name=None):
    """``√(Σ ‖t‖₂²)`` over the tensors of ``t_list`` (None entries are skipped).

    For an ``IndexedSlices`` the norm is that of its values, as in TF (rows that
    repeat count once each).

    Example:
        >>> tf.global_norm([tf.constant([3.]), tf.constant([4.])])   # 5.
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    with get_default_graph().name_scope(name or "global_norm"):
        values = [convert_to_tensor(_values(t), name="t_%d" % i) if t is not None else None
                  for i, t in enumerate(t_list)]
        squares = [math_ops.reduce_sum(v * v) for v in values if v is not None]
        if not squares:
            raise ValueError("global_norm needs at least one tensor that is not None")
        total = math_ops.reduce_sum(array_ops.stack(squares))
        return math_ops.sqrt(total, name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor of ``t_list`` by ``clip_norm / max(global_norm, clip_norm)``.

    All tensors shrink by the same factor, so the clipped list keeps its
    direction.  None entries stay None.  If the global norm is infinite or NaN
    every result is NaN.

    Args:
        t_list: a list of tensors (or None).
        clip_norm: a positive scalar.
        use_norm: the global norm to use instead of computing it.

    Returns:
        ``(list_clipped, global_norm)``.

    Example:
        >>> clipped, norm = tf.clip_by_global_norm([g1, g2], 5.0)
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    use_norm = convert_to_tensor(use_norm)
    graph = get_default_graph()
    with graph.name_scope(name or "clip_by_global_norm") as scope:
        clip_norm = convert_to_tensor(clip_norm, preferred_dtype=use_norm.dtype)
        one = array_ops.constant(1.0, dtype=use_norm.dtype)
        scale_for_finite = clip_norm * math_ops.minimum(1.0 / use_norm, one / clip_norm)
        # A finite norm adds 0; inf or NaN turns the scale into NaN.
        scale = scale_for_finite + (use_norm - use_norm)
        out = []
        for i, t in enumerate(t_list):
            if t is None:
                out.append(None)
                continue
            v = convert_to_tensor(_values(t), name="t_%d" % i)
            v = array_ops.identity(v * math_ops.cast(scale, v.dtype), name="%s_%d" % (scope, i))
            out.append(IndexedSlices(v, t.indices, t.dense_shape)
                       if isinstance(t, IndexedSlices) else v)
        return out, use_norm


def _values(t):
    """A sparse gradient's rows; any other value as it is."""
    return t.values if isinstance(t, IndexedSlices) else t


def clip_by_average_norm(t, clip_norm, name=None):
    """Rescale float32 ``t`` so that its L2 norm divided by its number of elements is
    at most ``clip_norm``: ``t · clip_norm / max(‖t‖₂ / n, clip_norm)``.

    Example:
        >>> tf.clip_by_average_norm(tf.constant([3., 4.]), 1.)   # [3., 4.] · 2/5
    """
    with get_default_graph().name_scope(name or "clip_by_average_norm") as scope:
        t = convert_to_tensor(t, name="t")
        n_element = math_ops.cast(array_ops.size(t), dtypes.float32)
        l2norm_inv = math_ops.rsqrt(math_ops.reduce_sum(t * t))
        return array_ops.identity(
            t * clip_norm * math_ops.minimum(l2norm_inv * n_element,
                                             array_ops.constant(1.0) / clip_norm),
            name=scope)
