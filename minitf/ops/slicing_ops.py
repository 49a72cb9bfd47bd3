"""Cutting tensors and gluing them back: Slice, StridedSlice (``t[...]``),
Concat, Split and Pad, whose gradients are each other.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import builtins

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph, override_operators
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import Dimension, TensorShape, unknown_shape
from minitf.ops.constant_ops import constant, identity
from minitf.ops.cwise_ops import add, cast, subtract
from minitf.ops.fill_ops import ones_like
from minitf.ops.op_util import (const_ints, const_scalar_int, const_value, convert_list, dims_text,
                                first_shape_mismatch, index_tensor, invalid, is_tensor_like,
                                kernel_outputs, make_op, op_scope, partial_ints, shape_from_tensor,
                                static_dims, wrap_axis)
from minitf.ops.shape_ops import reshape, shape, stack

_pyslice = builtins.slice  # this module defines tf.slice


# -- Slice ----------------------------------------------------------------------------
def slice(input_, begin, size, name=None):  # noqa: A001  (TF's name)
    """Extract ``input_[begin[i] : begin[i] + size[i]]`` in every dimension i.

    A ``size[i]`` of -1 means "to the end of dimension i".

    Example:
        >>> t = tf.constant([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]]])
        >>> tf.slice(t, [1, 0, 0], [1, 1, 3])    # [[[3, 3, 3]]]
        >>> tf.slice(t, [0, 1, 1], [-1, -1, 2])  # [[[2, 2]], [[4, 4]]]
    """
    with op_scope(name, "Slice", [input_]) as scope:
        x = convert_to_tensor(input_, name="input")
        b = index_tensor(begin, "begin")
        s = index_tensor(size, "size")
        if b.dtype is not s.dtype:
            s = cast(s, b.dtype)
        return make_op("Slice", [x, b, s], [x.dtype], scope, {"Index": b.dtype})._outputs[0]


def _slice_bounds(dims, begin, size):
    """Resolved sizes for Slice (None where unknown); ValueError with TF's wording."""
    out = []
    for i, (d, b, s) in enumerate(zip(dims, begin, size)):
        if b is not None and d is not None and not 0 <= b <= d:
            raise ValueError("Expected begin[%d] in [0, %d], but got %d" % (i, d, b))
        if s is not None and s == -1:
            out.append(None if d is None or b is None else d - b)
            continue
        if s is not None and b is not None and d is not None and not 0 <= s <= d - b:
            raise ValueError("Expected size[%d] in [0, %d], but got %d" % (i, d - b, s))
        if s is not None and s < -1:
            raise ValueError("Expected size[%d] in [0, ?], but got %d" % (i, s))
        out.append(s)
    return out


def _slice_kernel(ctx, x, begin, size):
    if np.size(begin) != np.ndim(x) or np.size(size) != np.ndim(x):
        raise invalid(ctx, "Expected begin and size arguments to be 1-D tensors of size %d, but "
                      "got shapes %s and %s instead." % (np.ndim(x), list(np.shape(begin)),
                                                         list(np.shape(size))))
    try:
        sizes = _slice_bounds(list(np.shape(x)), [int(b) for b in begin],
                              [int(s) for s in size])
    except ValueError as e:
        raise invalid(ctx, str(e)) from None
    return x[tuple(_pyslice(int(b), int(b) + s) for b, s in zip(begin, sizes))]


def _slice_shape(op):
    x, b, s = op._inputs
    dims = static_dims(x)
    begin, size = partial_ints(b), partial_ints(s)
    known = [v for v in (dims, size, begin) if v is not None]
    if not known:
        return [unknown_shape()]
    n = len(known[0])
    dims = dims or [None] * n
    begin = begin or [None] * n
    size = size or [None] * n
    if len(begin) != n or len(size) != n:
        raise ValueError("Shape must be rank %d but is rank %d" % (
            n, len(begin) if len(begin) != n else len(size)))
    return [TensorShape(_slice_bounds(dims, begin, size))]


def _slice_grad(op, g):
    # y = x[b : b + s]  =>  dx = pad(g, [[b, shape(x) - b - s]])
    x, b, _ = op._inputs
    x_shape = shape(x, out_type=b.dtype)
    after = subtract(subtract(x_shape, b), shape(op._outputs[0], out_type=b.dtype))
    return [pad(g, stack([b, after], axis=1)), None, None]


register("Slice", _slice_kernel, _slice_shape, _slice_grad)


# -- StridedSlice, StridedSliceGrad -------------------------------------------------------
_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """Python-style slicing ``input_[begin:end:strides, ...]`` with TF's bit masks.

    Bit i of each mask refers to entry i of ``begin``/``end``/``strides``:
    ``begin_mask``/``end_mask`` ignore that begin/end (take the widest range);
    ``ellipsis_mask`` makes entry i an ``...``; ``new_axis_mask`` inserts a size-1
    dimension; ``shrink_axis_mask`` takes the single index ``begin[i]`` and drops
    the dimension. ``tensor[...]`` builds this op for you.

    Example:
        >>> t = tf.constant([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]]])
        >>> tf.strided_slice(t, [1, 0, 0], [2, 1, 3], [1, 1, 1])  # [[[3, 3, 3]]]
        >>> t[1, :, ::-1]                                           # [[3, 3, 3], [4, 4, 4]]
    """
    with op_scope(name, "StridedSlice", [input_]) as scope:
        x = convert_to_tensor(input_, name="input")
        b = index_tensor(begin, "begin")
        e = index_tensor(end, "end")
        s = ones_like(b) if strides is None else index_tensor(strides, "strides")
        if not b.dtype is e.dtype is s.dtype:
            raise TypeError("begin, end and strides of StridedSlice must have the same dtype, "
                            "got %s, %s and %s" % (b.dtype.name, e.dtype.name, s.dtype.name))
        attrs = dict(zip(_MASKS, (int(begin_mask), int(end_mask), int(ellipsis_mask),
                                  int(new_axis_mask), int(shrink_axis_mask))))
        attrs["Index"] = b.dtype
        return make_op("StridedSlice", [x, b, e, s], [x.dtype], scope, attrs)._outputs[0]


def _ss_plan(dims, begin, end, strides, attrs):
    """Resolve a strided-slice spec against input ``dims`` the way TF's kernel does.

    ``dims``, ``begin``, ``end`` and ``strides`` are lists whose entries may be
    None (unknown at graph-build time).  Returns ``(index, final)``: ``index`` has
    one entry per input dimension, an int (shrunk axis), a ``slice`` or None
    (unknown); ``final`` is the output shape (entries None where unknown).
    Raises ValueError with TF's messages.
    """
    n = len(begin)
    if not len(end) == len(strides) == n:
        raise ValueError("Expected begin, end, and strides to be 1D equal size tensors, but "
                         "got shapes [%d], [%d], and [%d] instead." % (n, len(end), len(strides)))
    bm, em, elm, nm, sm = (attrs[k] for k in _MASKS)
    rank = len(dims)
    ellipses = [i for i in builtins.range(n) if elm >> i & 1]
    if len(ellipses) > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    ell = ellipses[0] if ellipses else n  # no ellipsis: an implicit one at the end
    n_sparse = n if ellipses else n + 1
    new_after = sum(1 for i in builtins.range(ell + 1, n) if nm >> i & 1)
    dense, order, full = [None] * rank, [], 0
    for i in builtins.range(n_sparse):
        if i == ell:
            nxt = min(rank - (n_sparse - i) + 1 + new_after, rank)
            for k in builtins.range(full, nxt):
                dense[k] = (0, 0, 1, True, True, False)
                order.append(k)
            full = max(full, nxt)
        elif nm >> i & 1:
            order.append(None)
        else:
            if full >= rank:
                raise ValueError("Index out of range using input dim %d; input has only %d dims"
                                 % (full, rank))
            dense[full] = (begin[i], end[i], strides[i], bool(bm >> i & 1), bool(em >> i & 1),
                           bool(sm >> i & 1))
            order.append(full)
            full += 1
    index, sizes = [], []
    for k, (d, spec) in enumerate(zip(dims, dense)):
        b, e, s, b_masked, e_masked, shrink = spec
        if s == 0:
            raise ValueError("strides[%d] must be non-zero" % k)
        if shrink:
            if s is not None and s <= 0:
                raise ValueError("only stride 1 allowed on non-range indexing.")
            if b is None or d is None:
                index.append(None)
            else:
                x = b + d if b < 0 else b
                if not 0 <= x < d:
                    raise ValueError("slice index %d of dimension %d out of bounds." % (b, k))
                index.append(x)
            sizes.append(1)
            continue
        if s is None or d is None:
            index.append(None)
            sizes.append(None)
            continue
        lo, hi = (0, d) if s > 0 else (-1, d - 1)

        def canonical(v, masked, c):
            if masked:
                return (lo, hi)[c] if s > 0 else (hi, lo)[c]
            if v is None:
                return None
            v = v + d if v < 0 else v
            return min(max(v, lo), hi)
        cb, ce = canonical(b, b_masked, 0), canonical(e, e_masked, 1)
        if cb is None or ce is None:
            index.append(None)
            sizes.append(None)
            continue
        span = ce - cb
        size = 0 if span == 0 or (span < 0) != (s < 0) else (abs(span) + abs(s) - 1) // abs(s)
        index.append(_pyslice(cb, None if ce < 0 else ce, s))
        sizes.append(size)
    final = [1 if k is None else sizes[k] for k in order if k is None or not dense[k][5]]
    return index, final


def _ss_known_plan(ctx, x_shape, begin, end, strides):
    """The resolved plan for concrete values, cached per op (slicing is hot in loops)."""
    key = (tuple(int(d) for d in x_shape), np.asarray(begin).tobytes(),
           np.asarray(end).tobytes(), np.asarray(strides).tobytes())
    plan = ctx.cache.get(key)
    if plan is None:
        try:
            plan = _ss_plan(list(key[0]), [int(v) for v in begin], [int(v) for v in end],
                            [int(v) for v in strides], ctx.attrs)
        except ValueError as e:
            raise invalid(ctx, str(e)) from None
        if len(ctx.cache) < 64:
            ctx.cache[key] = plan
    return plan


def _strided_slice_kernel(ctx, x, begin, end, strides):
    index, final = _ss_known_plan(ctx, np.shape(x), begin, end, strides)
    return np.reshape(x[tuple(index)], final)


def _ss_static(op, dims, b, e, s):
    if dims is None:
        return unknown_shape()
    begin, end, strides = partial_ints(b), partial_ints(e), partial_ints(s)
    if begin is None or end is None or strides is None:
        return unknown_shape()
    return TensorShape(_ss_plan(dims, begin, end, strides, op._attrs)[1])


def _strided_slice_shape(op):
    x, b, e, s = op._inputs
    return [_ss_static(op, static_dims(x), b, e, s)]


def _ss_mask_attrs(op):
    return {k: op._attrs[k] for k in _MASKS}


def _strided_slice_grad(op, g):
    # y = x[spec]  =>  dx = zeros(shape(x)) with g scattered into x[spec]
    x, b, e, s = op._inputs
    return [strided_slice_grad(shape(x, out_type=b.dtype), b, e, s, g, **_ss_mask_attrs(op)),
            None, None, None]


register("StridedSlice", _strided_slice_kernel, _strided_slice_shape, _strided_slice_grad)


def strided_slice_grad(shape, begin, end, strides, dy, begin_mask=0, end_mask=0,  # noqa: A002
                       ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, name=None):
    """Zeros of ``shape`` with ``dy`` written into the region ``strided_slice`` reads.

    The adjoint of ``strided_slice`` with the same spec; its own gradient is that
    ``strided_slice``, so second derivatives work.
    """
    with op_scope(name, "StridedSliceGrad", [dy]) as scope:
        dy = convert_to_tensor(dy, name="dy")
        ts = [index_tensor(v, n) for v, n in ((shape, "shape"), (begin, "begin"), (end, "end"),
                                              (strides, "strides"))]
        attrs = dict(zip(_MASKS, (int(begin_mask), int(end_mask), int(ellipsis_mask),
                                  int(new_axis_mask), int(shrink_axis_mask))))
        attrs["Index"] = ts[1].dtype
        return make_op("StridedSliceGrad", ts + [dy], [dy.dtype], scope, attrs)._outputs[0]


def _strided_slice_grad_kernel(ctx, x_shape, begin, end, strides, dy):
    index, final = _ss_known_plan(ctx, x_shape, begin, end, strides)
    out = np.zeros([int(d) for d in x_shape], dtype=dy.dtype)
    region = out[tuple(index)]
    if int(np.prod(final)) != np.size(dy) or list(np.shape(dy)) != final:
        raise invalid(ctx, "shape of dy was %s instead of %s" % (list(np.shape(dy)), final))
    out[tuple(index)] = np.reshape(dy, np.shape(region))
    return out


def _strided_slice_grad_shape(op):
    return [shape_from_tensor(op._inputs[0])]


def _strided_slice_grad_grad(op, gg):
    # StridedSliceGrad is linear in dy and its adjoint is StridedSlice itself.
    _, b, e, s, _ = op._inputs
    return [None, None, None, None, strided_slice(gg, b, e, s, **_ss_mask_attrs(op))]


register("StridedSliceGrad", _strided_slice_grad_kernel, _strided_slice_grad_shape,
         _strided_slice_grad_grad)


def _check_index(idx):
    ok = (isinstance(idx, (int, np.integer))
          or (is_tensor_like(idx) and convert_to_tensor(idx).dtype in (dtypes.int32,
                                                                      dtypes.int64)
              and convert_to_tensor(idx).shape.ndims in (None, 0)))
    if not ok:
        raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                        "scalar tf.int32/tf.int64 tensors are valid indices, got %r" % (idx,))


def slice_helper(tensor, key):
    """``tensor[key]`` with numpy basic indexing, built on ``strided_slice``.

    Supports ints (negative too), ``start:stop:step`` slices (negative steps
    too), ``...``, ``tf.newaxis`` (None) and scalar int32/int64 tensors.

    Example:
        >>> x = tf.reshape(tf.range(24), [2, 3, 4])
        >>> x[1, :, ::-2].shape      # (3, 2)
        >>> x[..., 0, tf.newaxis].shape   # (2, 3, 1)
    """
    if not isinstance(key, tuple):
        key = (key,)
    key = tuple(_pyslice(*(_dim_value(v) for v in (s.start, s.stop, s.step)))
                if isinstance(s, _pyslice) else _dim_value(s) for s in key)
    begin, end, strides = [], [], []
    masks = dict.fromkeys(_MASKS, 0)
    for i, s in enumerate(key):
        bit = 1 << i
        if isinstance(s, _pyslice):
            for part in (s.start, s.stop, s.step):
                if part is not None:
                    _check_index(part)
            if s.start is None:
                begin.append(0)
                masks["begin_mask"] |= bit
            else:
                begin.append(s.start)
            if s.stop is None:
                end.append(0)
                masks["end_mask"] |= bit
            else:
                end.append(s.stop)
            strides.append(1 if s.step is None else s.step)
        elif s is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["ellipsis_mask"] |= bit
        elif s is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["new_axis_mask"] |= bit
        else:
            _check_index(s)
            begin.append(s)
            end.append(s + 1 if isinstance(s, (int, np.integer)) else add(s, 1))
            strides.append(1)
            masks["shrink_axis_mask"] |= bit
    with op_scope(None, "strided_slice", [tensor]) as scope:
        packed = _pack_indices([begin, end, strides])
        return strided_slice(tensor, *packed, name=scope, **masks)


def _dim_value(v):
    return v.value if isinstance(v, Dimension) else v


def _pack_indices(lists):
    """Stack begin/end/strides lists into int32 (int64 if any tensor index is) vectors."""
    tensors = [convert_to_tensor(v) for lst in lists for v in lst if is_tensor_like(v)]
    dt = dtypes.int64 if any(t.dtype is dtypes.int64 for t in tensors) else dtypes.int32
    out = []
    for lst in lists:
        if any(is_tensor_like(v) for v in lst):
            lst = [cast(v, dt) if is_tensor_like(v) else
                   constant(int(v), dtype=dt) for v in lst]
            out.append(stack(lst))
        else:
            out.append(constant(np.array([int(v) for v in lst], dtype=dt.as_numpy_dtype),
                                dtype=dt, name="stack"))
    return out


# -- ConcatV2, ConcatOffset ----------------------------------------------------------
def concat(values, axis, name="concat"):
    """Join a list of tensors along dimension ``axis`` (negative counts from the end).

    All other dimensions must agree.

    Example:
        >>> t1 = [[1, 2, 3], [4, 5, 6]]; t2 = [[7, 8, 9], [10, 11, 12]]
        >>> tf.concat([t1, t2], 0).shape    # (4, 3)
        >>> tf.concat([t1, t2], -1).shape   # (2, 6)
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        with get_default_graph().name_scope(name) as scope:
            a = index_tensor(axis, "axis")
            a.shape.assert_has_rank(0)
            return identity(values[0], name=scope)
    with op_scope(name, "concat", values) as scope:
        ts = convert_list(values, "ConcatV2")
        a = index_tensor(axis, "axis")
        return make_op("ConcatV2", ts + [a], [ts[0].dtype], scope, {"N": len(ts)})._outputs[0]


def _concat_kernel(ctx, *args):
    xs, axis = args[:-1], int(args[-1])
    nd = np.ndim(xs[0])
    if nd == 0:
        raise invalid(ctx, "Can't concatenate scalars (use tf.stack instead)")
    if not -nd <= axis < nd:
        raise invalid(ctx, "ConcatOp : Expected concatenating dimensions in the range [%d, %d), "
                   "but got %d" % (-nd, nd, axis))
    try:
        return np.concatenate(xs, axis=axis)
    except ValueError:
        raise invalid(ctx, "ConcatOp : Dimensions of inputs should match: shape[0] = %s vs. "
                      "shape[%d] = %s" % first_shape_mismatch(xs, axis % nd)) from None


def _concat_static(shapes, axis):
    """Static shape of concatenating ``shapes`` along constant ``axis`` (or None)."""
    known = [s for s in shapes if s.ndims is not None]
    if not known:
        return unknown_shape()
    nd = known[0].ndims
    for s in known:
        if s.ndims != nd:
            raise ValueError("Shape must be rank %d but is rank %d" % (nd, s.ndims))
    if nd == 0:
        raise ValueError("Can't concatenate scalars (use tf.stack instead)")
    if axis is None:
        return unknown_shape(nd)
    if not -nd <= axis < nd:
        raise ValueError("Expected concatenating dimensions in the range [%d, %d), but got %d"
                         % (-nd, nd, axis))
    axis %= nd
    out = known[0].as_list()
    total = 0 if len(known) == len(shapes) else None
    for s in known:
        dims = s.as_list()
        for i, (a, b) in enumerate(zip(out, dims)):
            if i == axis:
                continue
            if a is not None and b is not None and a != b:
                raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                                 "Shapes are %s and %s."
                                 % (i, a, b, dims_text(out), dims_text(dims)))
            out[i] = a if a is not None else b
        if total is not None:
            total = None if dims[axis] is None else total + dims[axis]
    out[axis] = total
    return TensorShape(out)


def _concat_shape(op):
    return [_concat_static([t.shape for t in op._inputs[:-1]], const_scalar_int(op._inputs[-1]))]


def _concat_grad(op, g):
    # y = [x₀ | x₁ | ...] along axis  =>  dxᵢ = g[offsetᵢ : offsetᵢ + shape(xᵢ)]
    xs, axis = op._inputs[:-1], op._inputs[-1]
    shapes = [shape(x) for x in xs]
    offsets = concat_offset(axis, shapes)
    return [slice(g, off, s) for off, s in zip(offsets, shapes)] + [None]


register("ConcatV2", _concat_kernel, _concat_shape, _concat_grad)


def concat_offset(concat_dim, shape, name=None):
    """Start offsets of each of ``shape`` (a list of shape vectors) in their concatenation."""
    with op_scope(name, "ConcatOffset", shape) as scope:
        d = convert_to_tensor(concat_dim, dtype=dtypes.int32, name="concat_dim")
        shapes = [index_tensor(s, "shape") for s in shape]
        op = make_op("ConcatOffset", [d] + shapes, [s.dtype for s in shapes], scope,
                     {"N": len(shapes)})
        return list(op._outputs)


def _concat_offset_kernel(ctx, axis, *shapes):
    nd = np.size(shapes[0])
    a = int(axis) % max(nd, 1)
    sizes = np.array([s[a] for s in shapes], dtype=shapes[0].dtype)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(shapes[0].dtype)
    outs = []
    for start in starts:
        off = np.zeros(nd, dtype=shapes[0].dtype)
        off[a] = start
        outs.append(off)
    return kernel_outputs(outs)


register("ConcatOffset", _concat_offset_kernel, lambda op: [t.shape for t in op._inputs[1:]],
         NO_GRADIENT)


# -- Split, SplitV ---------------------------------------------------------------------------
def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split ``value`` along ``axis`` into equal pieces or pieces of given sizes.

    Args:
        value: the tensor to split.
        num_or_size_splits: an int (that many equal pieces) or a list/1-D tensor of
            sizes, one of which may be -1 (the rest).
        axis: the dimension to split.
        num: the number of pieces, when it cannot be inferred from ``size_splits``.

    Example:
        >>> a, b, c = tf.split(tf.ones([5, 30]), 3, axis=1)        # each (5, 10)
        >>> a, b = tf.split(tf.ones([5, 30]), [4, -1], axis=1)     # (5, 4), (5, 26)
    """
    with op_scope(name, "split", [value]) as scope:
        x = convert_to_tensor(value, name="value")
        a = index_tensor(axis, "axis")
        if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(
                num_or_size_splits, bool):
            n = int(num_or_size_splits)
            op = make_op("Split", [convert_to_tensor(a, dtype=dtypes.int32), x], [x.dtype] * n,
                         scope, {"num_split": n})
            return list(op._outputs)
        sizes = index_tensor(num_or_size_splits, "size_splits")
        if num is None:
            sd = static_dims(sizes)
            num = sd[0] if sd is not None and len(sd) == 1 else None
            if num is None:
                raise ValueError("Cannot infer num from shape %s" % sizes.shape)
        op = make_op("SplitV", [x, sizes, convert_to_tensor(a, dtype=dtypes.int32)],
                     [x.dtype] * int(num), scope, {"num_split": int(num)})
        return list(op._outputs)


def _split_kernel(ctx, axis, x):
    n, nd = ctx.attrs["num_split"], np.ndim(x)
    axis = int(axis)
    if not -nd <= axis < nd:
        raise invalid(ctx, "-input rank(-%d) <= split_dim < input rank (%d), but got %d"
                      % (nd, nd, axis))
    size = np.shape(x)[axis]
    if size % n:
        raise invalid(ctx, "Number of ways to split should evenly divide the split dimension, "
                      "but got split_dim %d (size = %d) and num_split %d" % (axis, size, n))
    return kernel_outputs(np.split(x, n, axis=axis))


def _split_shape(op):
    a, x = op._inputs
    n = op._attrs["num_split"]
    dims = static_dims(x)
    axis = const_scalar_int(a)
    if dims is None:
        return [unknown_shape()] * n
    if axis is None:
        return [unknown_shape(len(dims))] * n
    axis = wrap_axis(axis, len(dims))
    d = dims[axis]
    if d is not None and d % n:
        raise ValueError("Dimension size must be evenly divisible by %d but is %d" % (n, d))
    dims[axis] = None if d is None else d // n
    return [TensorShape(dims)] * n


register("Split", _split_kernel, _split_shape,
         lambda op, *grads: [None, concat(list(grads), op._inputs[0])])


def _resolve_sizes(sizes, total):
    """Replace one -1 in ``sizes`` so they sum to ``total``; ValueError otherwise."""
    sizes = [int(s) for s in sizes]
    if sizes.count(-1) > 1:
        raise ValueError("Only one dimension in size_splits may be -1, got %s" % sizes)
    if -1 in sizes:
        rest = total - (sum(sizes) + 1)
        if rest < 0:
            raise ValueError("Determined shape must either match input shape along split_dim "
                             "exactly if fully specified, or be less than the size of the "
                             "input along split_dim if not fully specified.  Got: %d" % (
                                 sum(sizes) + 1))
        sizes[sizes.index(-1)] = rest
    if sum(sizes) != total or any(s < 0 for s in sizes):
        raise ValueError("Determined shape must either match input shape along split_dim "
                         "exactly if fully specified, or be less than the size of the input "
                         "along split_dim if not fully specified.  Got: %d" % sum(sizes))
    return sizes


def _splitv_kernel(ctx, x, sizes, axis):
    nd = np.ndim(x)
    axis = int(axis)
    if not -nd <= axis < nd:
        raise invalid(ctx, "-input rank(-%d) <= split_dim < input rank (%d), but got %d"
                      % (nd, nd, axis))
    if np.size(sizes) != ctx.attrs["num_split"]:
        raise invalid(ctx, "size_splits has %d entries but num_split is %d"
                      % (np.size(sizes), ctx.attrs["num_split"]))
    try:
        sizes = _resolve_sizes(sizes, np.shape(x)[axis])
    except ValueError as e:
        raise invalid(ctx, str(e)) from None
    return kernel_outputs(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


def _splitv_shape(op):
    x, s, a = op._inputs
    n = op._attrs["num_split"]
    dims, axis, sizes = static_dims(x), const_scalar_int(a), const_ints(s)
    if dims is None:
        return [unknown_shape()] * n
    if axis is None:
        return [unknown_shape(len(dims))] * n
    axis = wrap_axis(axis, len(dims))
    if sizes is None:
        return [TensorShape(dims[:axis] + [None] + dims[axis + 1:])] * n
    if len(sizes) != n:
        raise ValueError("Dimension must be %d but is %d" % (n, len(sizes)))
    if dims[axis] is not None:
        sizes = _resolve_sizes(sizes, dims[axis])
    return [TensorShape(dims[:axis] + [None if k < 0 else k] + dims[axis + 1:]) for k in sizes]


register("SplitV", _splitv_kernel, _splitv_shape,
         lambda op, *grads: [concat(list(grads), op._inputs[2]), None, None])


# -- Pad, PadV2, MirrorPad, MirrorPadGrad -----------------------------------------------------
def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pad ``tensor`` with ``paddings[i] = [before, after]`` entries in dimension i.

    Args:
        mode: "CONSTANT" (fill with ``constant_values``), "REFLECT" (mirror without
            the edge; pads must be < the dimension) or "SYMMETRIC" (mirror with the
            edge; pads must be <= the dimension). Case-insensitive.

    Example:
        >>> t = tf.constant([[1, 2, 3], [4, 5, 6]])
        >>> tf.pad(t, [[1, 1], [2, 2]])              # 4x7, zeros around t
        >>> tf.pad(t, [[1, 1], [2, 2]], "REFLECT")   # [[6,5,4,5,6,5,4], ...]
    """
    mode_u = str(mode).upper()
    with op_scope(name, "Pad", [tensor]) as scope:
        x = convert_to_tensor(tensor, name="tensor")
        p = index_tensor(paddings, "paddings")
        if mode_u == "CONSTANT":
            if not is_tensor_like(constant_values) and np.all(
                    np.asarray(constant_values, dtype=object) == 0):
                return make_op("Pad", [x, p], [x.dtype], scope)._outputs[0]
            c = convert_to_tensor(constant_values, dtype=x.dtype, name="constant_values")
            return make_op("PadV2", [x, p, c], [x.dtype], scope)._outputs[0]
        if mode_u in ("REFLECT", "SYMMETRIC"):
            return make_op("MirrorPad", [x, p], [x.dtype], scope, {"mode": mode_u})._outputs[0]
        raise ValueError("Unknown padding mode: %s" % mode)


def _check_paddings(ctx, x, p):
    p = np.asarray(p)
    if p.shape != (np.ndim(x), 2):
        raise invalid(ctx, "The first dimension of paddings must be the rank of inputs%s %s"
                      % (dims_text(list(p.shape)), dims_text(list(np.shape(x)))))
    pairs = p.tolist()
    for a, b in pairs:
        if a < 0 or b < 0:
            raise invalid(ctx, "Paddings must be non-negative: %d %d" % (a, b))
    return pairs


def _pad_kernel(ctx, x, paddings, value=None):
    p = _check_paddings(ctx, x, paddings)
    shape = np.shape(x)
    out_shape = [d + a + b for d, (a, b) in zip(shape, p)]
    if value is None and x.dtype != object:
        out = np.zeros(out_shape, dtype=x.dtype)  # cheaper than np.full
    else:
        out = np.full(out_shape, b"" if value is None else value, dtype=x.dtype)
    out[tuple(_pyslice(a, a + d) for d, (a, _) in zip(shape, p))] = x
    return out


def _pad_static(op, sign=1):
    x, p = op._inputs[:2]
    dims, pv = static_dims(x), const_value(p)
    if dims is None:
        n = p.shape[0].value if p.shape.ndims == 2 else None
        return [unknown_shape(n)]
    if pv is None:
        return [unknown_shape(len(dims))]
    pv = np.asarray(pv)
    if pv.shape != (len(dims), 2):
        raise ValueError("Shape must be rank %d but is rank %d" % (len(dims), pv.shape[0])
                         if pv.ndim == 2 and pv.shape[1] == 2 else
                         "paddings must be a matrix with 2 columns: %s" % list(pv.shape))
    if np.any(pv < 0):
        raise ValueError("Paddings must be non-negative")
    return [TensorShape([None if d is None else d + sign * int(a + b)
                         for d, (a, b) in zip(dims, pv)])]


def _pad_grad(op, g, *rest):
    # y = pad(x, p)  =>  dx = g[p[:, 0] : p[:, 0] + shape(x)]
    x, p = op._inputs[:2]
    before = reshape(slice(p, [0, 0], [-1, 1]), [-1])
    return [slice(g, before, shape(x, out_type=p.dtype)), None] + [None] * (len(op._inputs) - 2)


register("Pad", _pad_kernel, _pad_static, _pad_grad)
register("PadV2", _pad_kernel, _pad_static, _pad_grad)


def _mirror_index(n, before, after, symmetric):
    """Source index in a dimension of size n for each padded position."""
    pos = np.arange(-before, n + after)
    off = 1 if symmetric else 0
    pos = np.where(pos < 0, -pos - off, pos)
    return np.where(pos >= n, 2 * n - 2 + off - pos, pos)


def _mirror_check(ctx, dims, p, mode):
    for d, (a, b) in zip(dims, p):
        if mode == "REFLECT" and (a >= d or b >= d) and (a or b):
            raise invalid(ctx, "paddings must be less than the dimension size: %d, %d not less "
                          "than %d" % (a, b, d))
        if mode == "SYMMETRIC" and (a > d or b > d):
            raise invalid(ctx, "paddings must be no greater than the dimension size: %d, %d "
                          "greater than %d" % (a, b, d))


def _mirror_pad_kernel(ctx, x, paddings):
    p = _check_paddings(ctx, x, paddings)
    mode = ctx.attrs["mode"]
    _mirror_check(ctx, np.shape(x), p, mode)
    out = x
    for axis, (d, (a, b)) in enumerate(zip(np.shape(x), p)):
        if a or b:
            out = np.take(out, _mirror_index(d, a, b, mode == "SYMMETRIC"), axis=axis)
    return np.array(out)


def _mirror_pad_grad(op, g):
    return [mirror_pad_grad(g, op._inputs[1], op._attrs["mode"]), None]


register("MirrorPad", _mirror_pad_kernel, _pad_static, _mirror_pad_grad)


def mirror_pad_grad(input, paddings, mode, name=None):  # noqa: A002
    """Adjoint of ``pad(..., mode)`` for REFLECT/SYMMETRIC: folds the pads back in."""
    with op_scope(name, "MirrorPadGrad", [input]) as scope:
        g = convert_to_tensor(input, name="input")
        p = index_tensor(paddings, "paddings")
        return make_op("MirrorPadGrad", [g, p], [g.dtype], scope,
                       {"mode": str(mode).upper()})._outputs[0]


def _mirror_pad_grad_kernel(ctx, g, paddings):
    p = _check_paddings(ctx, g, paddings)
    dims = [int(d - a - b) for d, (a, b) in zip(np.shape(g), p)]
    if any(d < 0 for d in dims):
        raise invalid(ctx, "paddings exceed the gradient's shape %s" % list(np.shape(g)))
    _mirror_check(ctx, dims, p, ctx.attrs["mode"])
    out = g
    for axis, (d, (a, b)) in enumerate(zip(dims, p)):
        if a or b:
            moved = np.moveaxis(out, axis, 0)
            acc = np.zeros((d,) + moved.shape[1:], dtype=g.dtype)
            np.add.at(acc, _mirror_index(d, a, b, ctx.attrs["mode"] == "SYMMETRIC"), moved)
            out = np.moveaxis(acc, 0, axis)
    return np.array(out)


register("MirrorPadGrad", _mirror_pad_grad_kernel, lambda op: _pad_static(op, -1),
         lambda op, gg: [pad(gg, op._inputs[1], op._attrs["mode"]), None])


# The operator this module's ops implement: t[...] builds a StridedSlice.
override_operators({"getitem": lambda x, key: slice_helper(convert_to_tensor(x), key)})
