"""Ops that move or repeat elements: Transpose, Tile, ReverseV2,
ReverseSequence and meshgrid.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import builtins

import numpy as np

from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import cwise_ops
from minitf.ops.constant_ops import constant
from minitf.ops.cwise_ops import subtract
from minitf.ops.op_util import (const_ints, index_tensor, invalid, is_tensor_like, make_op,
                                op_scope, partial_ints, same_shape, static_dims)
from minitf.ops.reduction_ops import reduce_sum
from minitf.ops.shape_ops import broadcast_to, rank, reshape, shape, size, stack
from minitf.ops.slicing_ops import concat


# -- Transpose, InvertPermutation ---------------------------------------------------------
def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permute the dimensions of ``a``: output dim ``i`` is input dim ``perm[i]``.

    Args:
        a: a tensor.
        perm: a permutation of ``range(rank(a))``; default reverses the dimensions.
        conjugate: accepted for compatibility (no complex types here).

    Example:
        >>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
        >>> tf.transpose(x)             # [[1, 4], [2, 5], [3, 6]]
        >>> tf.transpose(tf.ones([2, 3, 4]), [0, 2, 1]).shape   # (2, 4, 3)
    """
    with op_scope(name, "transpose", [a]) as scope:
        x = convert_to_tensor(a, name="a")
        if perm is None:
            if x.shape.ndims is not None:
                perm = constant(np.arange(x.shape.ndims - 1, -1, -1, dtype=np.int32),
                                name="perm")
            else:
                r = rank(x)
                perm = subtract(subtract(r, 1), cwise_ops.range(0, r, 1), name="perm")
        perm = index_tensor(perm, "perm")
        return make_op("Transpose", [x, perm], [x.dtype], scope)._outputs[0]


def _transpose_kernel(ctx, x, perm):
    perm = [int(p) for p in perm]
    if len(perm) != x.ndim:
        raise invalid(ctx, "transpose expects a vector of size %d. But input(1) is a vector of "
                      "size %d" % (x.ndim, len(perm)))
    if sorted(perm) != list(builtins.range(x.ndim)):
        raise invalid(ctx, "%s is not a permutation of 0..%d" % (perm, x.ndim - 1))
    return np.transpose(x, perm)


def _transpose_shape(op):
    x, p = op._inputs
    perm = const_ints(p)
    dims = static_dims(x)
    if perm is None:
        if dims is not None:
            return [unknown_shape(len(dims))]
        return [unknown_shape(p.shape[0].value if p.shape.ndims == 1 else None)]
    if dims is None:
        return [unknown_shape(len(perm))]
    if len(perm) != len(dims):
        raise ValueError("Dimension must be %d but is %d" % (len(dims), len(perm)))
    if sorted(perm) != list(builtins.range(len(dims))):
        raise ValueError("%s is not a permutation of 0..%d" % (perm, len(dims) - 1))
    return [TensorShape([dims[i] for i in perm])]


def _transpose_grad(op, g):
    # y = xᵀ(perm)  =>  dx = gᵀ(perm⁻¹)
    return [transpose(g, invert_permutation(op._inputs[1])), None]


register("Transpose", _transpose_kernel, _transpose_shape, _transpose_grad)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swap the last two dimensions of ``a`` (a batch of matrices).

    Example:
        >>> tf.matrix_transpose(tf.ones([5, 2, 3])).shape   # (5, 3, 2)
    """
    with get_default_graph().name_scope(name) as scope:
        x = convert_to_tensor(a, name="a")
        nd = x.shape.ndims
        if nd is not None:
            if nd < 2:
                raise ValueError("Argument 'a' should be a (batch) matrix, with rank >= 2.  "
                                 "Found: %s" % x.shape)
            perm = list(builtins.range(nd - 2)) + [nd - 1, nd - 2]
        else:
            r = rank(x)
            perm = concat([cwise_ops.range(0, subtract(r, 2), 1),
                           stack([subtract(r, 1), subtract(r, 2)])], 0)
        return transpose(x, perm, name=scope)


def invert_permutation(x, name=None):
    """The inverse permutation: ``y[x[i]] = i``.

    Example:
        >>> tf.invert_permutation([3, 4, 0, 2, 1])   # [2, 4, 3, 0, 1]
    """
    with op_scope(name, "InvertPermutation", [x]) as scope:
        x = index_tensor(x, "x")
        return make_op("InvertPermutation", [x], [x.dtype], scope)._outputs[0]


def _invert_permutation_kernel(ctx, x):
    if np.ndim(x) != 1:
        raise invalid(ctx, "invert_permutation expects a 1D vector.")
    n = np.size(x)
    if n and (x.min() < 0 or x.max() >= n or np.unique(x).size != n):
        raise invalid(ctx, "%s is not a permutation of 0..%d" % (list(x), n - 1))
    out = np.empty(n, dtype=x.dtype)
    out[x] = np.arange(n, dtype=x.dtype)
    return out


def _invert_permutation_shape(op):
    return [op._inputs[0].shape.with_rank(1)]


register("InvertPermutation", _invert_permutation_kernel, _invert_permutation_shape,
         NO_GRADIENT)


# -- Tile ---------------------------------------------------------------------------------
def tile(input, multiples, name=None):  # noqa: A002
    """Repeat ``input`` ``multiples[i]`` times along each dimension i.

    Example:
        >>> tf.tile([[1, 2]], [2, 3])   # [[1, 2, 1, 2, 1, 2], [1, 2, 1, 2, 1, 2]]
    """
    with op_scope(name, "Tile", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        m = index_tensor(multiples, "multiples")
        return make_op("Tile", [x, m], [x.dtype], scope)._outputs[0]


def _tile_kernel(ctx, x, multiples):
    if np.size(multiples) != np.ndim(x):
        raise invalid(ctx, "Expected multiples argument to be a vector of length %d but got length "
                      "%d" % (np.ndim(x), np.size(multiples)))
    reps = [int(m) for m in np.ravel(multiples)]
    for i, m in enumerate(reps):
        if m < 0:
            raise invalid(ctx, "Expected multiples[%d] >= 0, but got %d" % (i, m))
    return np.tile(x, reps) if reps else np.array(x)


def _tile_shape(op):
    x, m = op._inputs
    dims, reps = static_dims(x), partial_ints(m)
    if dims is None:
        return [unknown_shape() if reps is None else unknown_shape(len(reps))]
    if reps is None:
        return [unknown_shape(len(dims))]
    if len(reps) != len(dims):
        raise ValueError("Shape must be rank %d but is rank %d" % (len(dims), len(reps)))
    return [TensorShape([0 if r == 0 else (None if d is None or r is None else d * r)
                         for d, r in zip(dims, reps)])]


def _tile_grad(op, g):
    # y = tile(x, m): view g as [m₀, d₀, m₁, d₁, ...] and sum over the m axes.
    x, m = op._inputs
    reps, dims = const_ints(m), static_dims(x)
    if reps is not None and dims is not None and None not in dims:
        split = [v for pair in zip(reps, dims) for v in pair]
        axes = list(builtins.range(0, len(split), 2))
    else:
        split = reshape(stack([m, shape(x, out_type=m.dtype)], axis=1), [-1])
        axes = cwise_ops.range(0, size(split), 2)
    return [reduce_sum(reshape(g, split), axes), None]


register("Tile", _tile_kernel, _tile_shape, _tile_grad)


# -- ReverseV2, ReverseSequence ---------------------------------------------------------
def reverse(tensor, axis, name=None):
    """Reverse the order of elements along each dimension listed in ``axis``.

    Example:
        >>> tf.reverse([[1, 2, 3], [4, 5, 6]], [1])   # [[3, 2, 1], [6, 5, 4]]
        >>> tf.reverse([[1, 2, 3], [4, 5, 6]], [-2])  # [[4, 5, 6], [1, 2, 3]]
    """
    with op_scope(name, "ReverseV2", [tensor]) as scope:
        x = convert_to_tensor(tensor, name="tensor")
        a = index_tensor(axis, "axis")
        return make_op("ReverseV2", [x, a], [x.dtype], scope)._outputs[0]


reverse_v2 = reverse


def _reverse_axes(axes, nd):
    out = []
    for i, a in enumerate(axes):
        if not -nd <= a < nd:
            raise ValueError("'axis'[%d] = %d is out of valid range [%d, %d)" % (i, a, -nd, nd))
        a %= nd
        if a in out:
            raise ValueError("axis %d specified more than once." % a)
        out.append(a)
    return out


def _reverse_kernel(ctx, x, axis):
    try:
        axes = _reverse_axes([int(a) for a in np.ravel(axis)], np.ndim(x))
    except ValueError as e:
        raise invalid(ctx, str(e)) from None
    return np.flip(x, tuple(axes)) if axes else x


def _reverse_shape(op):
    x, a = op._inputs
    axes = const_ints(a)
    if axes is not None and x.shape.ndims is not None:
        _reverse_axes(axes, x.shape.ndims)
    return [x.shape]


register("ReverseV2", _reverse_kernel, _reverse_shape,
         lambda op, g: [reverse(g, op._inputs[1]), None])


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """Reverse the first ``seq_lengths[b]`` entries along ``seq_axis`` of each batch row b.

    Entries past a row's length stay where they are. ``seq_dim``/``batch_dim``
    are the TF 1.x aliases.

    Example:
        >>> x = [[1, 2, 3, 4], [5, 6, 7, 8]]
        >>> tf.reverse_sequence(x, [2, 3], seq_axis=1, batch_axis=0)
        ... # [[2, 1, 3, 4], [7, 6, 5, 8]]
    """
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (batch_dim if batch_dim is not None else 0) if batch_axis is None else batch_axis
    if seq_axis is None:
        raise ValueError("seq_axis (seq_dim) must be given")
    with op_scope(name, "ReverseSequence", [input, seq_lengths]) as scope:
        x = convert_to_tensor(input, name="input")
        lengths = index_tensor(seq_lengths, "seq_lengths")
        return make_op("ReverseSequence", [x, lengths], [x.dtype], scope,
                       {"seq_dim": int(seq_axis), "batch_dim": int(batch_axis)})._outputs[0]


def _reverse_sequence_kernel(ctx, x, lengths):
    nd = np.ndim(x)
    sd, bd = ctx.attrs["seq_dim"] % max(nd, 1), ctx.attrs["batch_dim"] % max(nd, 1)
    if sd == bd:
        raise invalid(ctx, "seq_dim == batch_dim == %d" % sd)
    n_batch, n_seq = np.shape(x)[bd], np.shape(x)[sd]
    lengths = np.asarray(lengths, dtype=np.int64)
    if lengths.shape != (n_batch,):
        raise invalid(ctx, "Length of seq_lengths != input.dims(%d), (%d vs. %d)"
                      % (bd, lengths.size, n_batch))
    if lengths.size and (lengths.max() > n_seq or lengths.min() < 0):
        i = int(np.argmax((lengths > n_seq) | (lengths < 0)))
        raise invalid(ctx, "seq_lengths[%d] > input.dims(%d)" % (i, sd) if lengths[i] > n_seq
                      else "seq_lengths[%d] must be >= 0" % i)
    t = np.arange(n_seq)
    src = np.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)  # [batch, seq]
    if sd < bd:
        src = src.T
    idx_shape = [1] * nd
    idx_shape[bd], idx_shape[sd] = n_batch, n_seq
    return np.take_along_axis(x, src.reshape(idx_shape), axis=sd)


register("ReverseSequence", _reverse_sequence_kernel, same_shape,
         lambda op, g: [reverse_sequence(g, op._inputs[1], op._attrs["seq_dim"],
                                         op._attrs["batch_dim"]), None])


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D coordinate vectors, like ``numpy.meshgrid``.

    Args:
        *args: N 1-D tensors of sizes s1..sN.
        indexing: "xy" (Cartesian, default: outputs have shape [s2, s1, s3...])
            or "ij" (matrix: outputs have shape [s1, s2, s3...]).

    Example:
        >>> X, Y = tf.meshgrid([1, 2, 3], [4, 5])   # X, Y of shape (2, 3)
    """
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError("'%s' is an invalid keyword argument for this function"
                        % next(iter(kwargs)))
    if indexing not in ("xy", "ij"):
        raise ValueError("indexing parameter must be either 'xy' or 'ij'")
    with get_default_graph().name_scope(name):
        xs = [reshape(convert_to_tensor(a), [-1]) for a in args]
        n = len(xs)
        if n == 0:
            return []
        sizes = [x.shape[0].value for x in xs]
        sizes = [size(x) if s is None else s for x, s in zip(xs, sizes)]
        if indexing == "xy" and n > 1:
            sizes[0], sizes[1] = sizes[1], sizes[0]
        out = []
        for i, x in enumerate(xs):
            pos = i
            if indexing == "xy" and n > 1 and i < 2:
                pos = 1 - i
            s0 = [1] * n
            s0[pos] = -1
            out.append(broadcast_to(reshape(x, s0), stack(sizes) if any(
                is_tensor_like(s) for s in sizes) else sizes))
        return out
