"""Ops that read or change a shape: Shape/Size/Rank, Reshape, ExpandDims,
Squeeze, Pack/Unpack (stack), BroadcastTo and the broadcast-gradient SumToShape.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import builtins

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import (Tensor, convert_to_tensor, get_default_graph,
                                    register_tensor_conversion_function)
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, as_shape, unknown_shape
from minitf.ops.constant_ops import constant
from minitf.ops.op_util import (broadcast_static, const_scalar_int, convert_list, dims_text,
                                first_shape_mismatch, index_tensor, invalid, is_tensor_like,
                                kernel_outputs, make_op, op_scope, scalar_shape, shape_from_tensor,
                                static_dims, unary)


# -- Shape, Size, Rank ----------------------------------------------------------------
def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The runtime shape of ``input`` as a 1-D int32 tensor."""
    return unary("Shape", input, name, {"out_type": dtypes.as_dtype(out_type)},
                 dtype=out_type)


def _shape_kernel(ctx, x):
    return np.array(np.shape(x), dtype=ctx.attrs["out_type"].as_numpy_dtype)


def _shape_shape(op):
    return [TensorShape([op._inputs[0].shape.ndims])]


register("Shape", _shape_kernel, _shape_shape, NO_GRADIENT, shape_only=True)


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of ``input`` (int32 scalar)."""
    return unary("Size", input, name, {"out_type": dtypes.as_dtype(out_type)},
                 dtype=out_type)


register("Size", lambda ctx, x: np.array(np.size(x), ctx.attrs["out_type"].as_numpy_dtype),
         scalar_shape, NO_GRADIENT, shape_only=True)


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of ``input`` (int32 scalar)."""
    return unary("Rank", input, name, dtype=dtypes.int32)


register("Rank", lambda ctx, x: np.int32(np.ndim(x)), scalar_shape, NO_GRADIENT,
         shape_only=True)


# -- Reshape ------------------------------------------------------------------------
def reshape(tensor, shape, name=None):
    """``tensor`` with its elements in a new shape; one dimension may be -1."""
    with op_scope(name, "Reshape", [tensor, shape]) as scope:
        t = convert_to_tensor(tensor, name="tensor")
        s = index_tensor(shape, "shape")
        return make_op("Reshape", [t, s], [t.dtype], scope)._outputs[0]


def _reshape_kernel(ctx, x, shape):
    try:
        return np.reshape(x, tuple(int(d) for d in shape))
    except ValueError:
        known = int(np.prod([d for d in shape if d != -1]))
        want = ("requires a multiple of %d" % known) if -1 in list(shape) else ("has %d" % known)
        raise errors.InvalidArgumentError(
            None, ctx.op, "Input to reshape is a tensor with %d values, but the requested shape "
            "%s" % (np.size(x), want)) from None


def _reshape_shape(op):
    x, target = op._inputs[0].shape, shape_from_tensor(op._inputs[1])
    if target.ndims is None:
        return [target]
    dims = target.as_list()
    n = x.num_elements()
    if n is not None and dims.count(None) == 1:
        known = int(np.prod([d for d in dims if d is not None]))
        if known and n % known:
            raise ValueError("Cannot reshape a tensor with %d elements to shape %s" % (n, dims))
        if known:
            dims[dims.index(None)] = n // known
    elif n is not None and None not in dims and int(np.prod(dims)) != n:
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                         % (n, dims, int(np.prod(dims))))
    return [TensorShape(dims)]


def _reshape_grad(op, g):
    return [reshape(g, shape(op._inputs[0])), None]


register("Reshape", _reshape_kernel, _reshape_shape, _reshape_grad)


# -- BroadcastTo ----------------------------------------------------------------------
def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcast ``input`` to ``shape`` with numpy rules."""
    with op_scope(name, "BroadcastTo", [input, shape]) as scope:
        x = convert_to_tensor(input, name="input")
        s = index_tensor(shape, "shape")
        return make_op("BroadcastTo", [x, s], [x.dtype], scope)._outputs[0]


def _broadcast_to_kernel(ctx, x, s):
    try:
        return np.broadcast_to(x, tuple(int(d) for d in s))
    except ValueError:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Incompatible shapes: %s vs. %s" % (list(np.shape(x)), list(s))) from None


def _broadcast_to_shape(op):
    target = shape_from_tensor(op._inputs[1])
    x = op._inputs[0].shape
    if target.ndims is not None and x.ndims is not None:
        if x.ndims > target.ndims:
            raise ValueError("Rank of input (%d) must be no greater than rank of output shape "
                             "(%d)." % (x.ndims, target.ndims))
        for a, b in zip(x.as_list()[::-1], target.as_list()[::-1]):
            if a is not None and b is not None and a != 1 and a != b:
                raise ValueError("Incompatible shapes: %s vs. %s" % (x, target))
    return [target]


def _broadcast_to_grad(op, g):
    return [sum_to_shape(g, op._inputs[0]), None]


register("BroadcastTo", _broadcast_to_kernel, _broadcast_to_shape,
         _broadcast_to_grad)


# -- ExpandDims, Squeeze --------------------------------------------------------------
def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Insert a dimension of size 1 at ``axis`` (``dim`` is the TF 1.x alias).

    ``axis`` may be negative: -1 appends a trailing dimension.

    Example:
        >>> tf.expand_dims(tf.ones([2, 3]), 1).shape    # (2, 1, 3)
        >>> tf.expand_dims(tf.ones([2, 3]), -1).shape   # (2, 3, 1)
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    with op_scope(name, "ExpandDims", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        a = index_tensor(axis, "dim")
        return make_op("ExpandDims", [x, a], [x.dtype], scope)._outputs[0]


def _expand_dims_axis(a, nd):
    if not -nd - 1 <= a <= nd:
        raise ValueError("Tried to expand dim index %d for tensor with %d dimensions." % (a, nd))
    return a + nd + 1 if a < 0 else a


def _expand_dims_kernel(ctx, x, axis):
    if np.size(axis) != 1:
        raise invalid(ctx, "'dim' must be a tensor with a single value")
    try:
        a = _expand_dims_axis(int(np.ravel(axis)[0]), np.ndim(x))
    except ValueError as e:
        raise invalid(ctx, str(e)) from None
    return np.expand_dims(x, a)


def _expand_dims_shape(op):
    x, axis = op._inputs
    a = const_scalar_int(axis)
    dims = static_dims(x)
    if dims is None:
        return [unknown_shape()]
    if a is None:
        return [unknown_shape(len(dims) + 1)]
    a = _expand_dims_axis(a, len(dims))
    return [TensorShape(dims[:a] + [1] + dims[a:])]


register("ExpandDims", _expand_dims_kernel, _expand_dims_shape,
         lambda op, g: [reshape(g, shape(op._inputs[0])), None])


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Remove dimensions of size 1 (all of them, or only those listed in ``axis``).

    ``squeeze_dims`` is the TF 1.x alias of ``axis``. Listing a dimension whose
    size is not 1 is an error.

    Example:
        >>> tf.squeeze(tf.ones([1, 2, 1, 3])).shape           # (2, 3)
        >>> tf.squeeze(tf.ones([1, 2, 1, 3]), [2]).shape      # (1, 2, 3)
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'squeeze_dims' and 'axis'")
    if axis is None:
        axis = squeeze_dims
    if axis is None:
        axis = []
    elif isinstance(axis, (int, np.integer)):
        axis = [axis]
    axis = [int(a) for a in axis]
    with op_scope(name, "Squeeze", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_op("Squeeze", [x], [x.dtype], scope, {"squeeze_dims": axis})._outputs[0]


def _squeeze_plan(dims, axes):
    """Indices of ``dims`` that survive; raises ValueError with TF's wording."""
    nd = len(dims)
    if not axes:
        if any(d is None for d in dims):
            return None
        return [i for i, d in enumerate(dims) if d != 1]
    drop = set()
    for a in axes:
        if not -nd <= a < nd:
            raise ValueError("Tried to squeeze dim index %d for tensor with %d dimensions."
                             % (a, nd))
        a %= nd
        if dims[a] is not None and dims[a] != 1:
            raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                             % (a, dims[a]))
        drop.add(a)
    return [i for i in builtins.range(nd) if i not in drop]


def _squeeze_kernel(ctx, x):
    try:
        keep = _squeeze_plan(list(np.shape(x)), ctx.attrs["squeeze_dims"])
    except ValueError as e:
        raise invalid(ctx, str(e)) from None
    return np.reshape(x, [np.shape(x)[i] for i in keep])


def _squeeze_shape(op):
    dims = static_dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    keep = _squeeze_plan(dims, op._attrs["squeeze_dims"])
    return [unknown_shape() if keep is None else TensorShape([dims[i] for i in keep])]


register("Squeeze", _squeeze_kernel, _squeeze_shape,
         lambda op, g: [reshape(g, shape(op._inputs[0]))])


# -- Pack (stack), Unpack (unstack) ----------------------------------------------------
def stack(values, axis=0, name="stack"):
    """Stack a list of rank-R tensors into one rank-(R+1) tensor along a new ``axis``.

    Example:
        >>> x = tf.constant([1, 4]); y = tf.constant([2, 5]); z = tf.constant([3, 6])
        >>> tf.stack([x, y, z])          # [[1, 4], [2, 5], [3, 6]]
        >>> tf.stack([x, y, z], axis=1)  # [[1, 2, 3], [4, 5, 6]]
    """
    values = list(values)
    if axis == 0 and not any(is_tensor_like(v) for v in values) and not any(
            isinstance(v, (list, tuple)) and any(is_tensor_like(u) for u in v) for v in values):
        return constant(values, name=name)
    with op_scope(name, "stack", values) as scope:
        ts = convert_list(values, "Pack")
        return make_op("Pack", ts, [ts[0].dtype], scope,
                       {"axis": int(axis), "N": len(ts)})._outputs[0]


def parallel_stack(values, name="parallel_stack"):
    """Stack along a new first dimension; the same result as ``stack(values)`` here."""
    return stack(values, 0, name=name)


def _pack_kernel(ctx, *xs):
    nd = np.ndim(xs[0]) + 1
    axis = ctx.attrs["axis"]
    if not -nd <= axis < nd:
        raise invalid(ctx, "axis = %d not in [%d, %d)" % (axis, -nd, nd))
    try:
        return np.stack(xs, axis=axis)
    except ValueError:
        raise invalid(ctx, "Shapes of all inputs must match: values[0].shape = %s != "
                      "values[%d].shape = %s" % first_shape_mismatch(xs, -1)) from None


def _pack_shape(op):
    s = unknown_shape()
    for t in op._inputs:
        if s.ndims is not None and t.shape.ndims is not None and s.ndims != t.shape.ndims:
            raise ValueError("Shapes must be equal rank, but are %d and %d"
                             % (s.ndims, t.shape.ndims))
        try:
            s = s.merge_with(t.shape)
        except ValueError:
            raise ValueError("Shapes %s and %s are not compatible" % (s, t.shape)) from None
    if s.ndims is None:
        return [unknown_shape()]
    nd = s.ndims + 1
    axis = op._attrs["axis"]
    if not -nd <= axis < nd:
        raise ValueError("Argument axis = %d not in range [%d, %d)" % (axis, -nd, nd))
    dims = s.as_list()
    dims.insert(axis % nd, len(op._inputs))
    return [TensorShape(dims)]


register("Pack", _pack_kernel, _pack_shape,
         lambda op, g: unstack(g, num=len(op._inputs), axis=op._attrs["axis"]))


def unstack(value, num=None, axis=0, name="unstack"):
    """Split a rank-R tensor into a list of rank-(R-1) tensors along ``axis``.

    ``num`` defaults to the static size of that dimension; it is an error when it
    cannot be inferred.

    Example:
        >>> a, b = tf.unstack(tf.constant([[1, 2], [3, 4]]))   # [1, 2] and [3, 4]
    """
    with op_scope(name, "unstack", [value]) as scope:
        x = convert_to_tensor(value, name="value")
        if num is None:
            dims = static_dims(x)
            if dims is not None:
                if not -len(dims) <= axis < len(dims):
                    raise ValueError("axis = %d not in [%d, %d)" % (axis, -len(dims), len(dims)))
                num = dims[axis]
            if num is None:
                raise ValueError("Cannot infer num from shape %s" % x.shape)
        op = make_op("Unpack", [x], [x.dtype] * num, scope, {"num": int(num), "axis": int(axis)})
        return list(op._outputs)


def _unpack_kernel(ctx, x):
    nd, axis, num = np.ndim(x), ctx.attrs["axis"], ctx.attrs["num"]
    if not -nd <= axis < nd:
        raise invalid(ctx, "axis = %d not in [%d, %d)" % (axis, -nd, nd))
    if np.shape(x)[axis] != num:
        raise invalid(ctx, "Input shape axis %d must equal %d, got shape %s"
                      % (axis, num, list(np.shape(x))))
    moved = np.moveaxis(x, axis, 0)
    return kernel_outputs(moved[i] for i in builtins.range(num))


def _unpack_shape(op):
    dims = static_dims(op._inputs[0])
    num, axis = op._attrs["num"], op._attrs["axis"]
    if dims is None:
        return [unknown_shape()] * num
    if not -len(dims) <= axis < len(dims):
        raise ValueError("axis = %d not in [%d, %d)" % (axis, -len(dims), len(dims)))
    axis %= len(dims)
    if dims[axis] is not None and dims[axis] != num:
        raise ValueError("Dimension must be %d but is %d" % (num, dims[axis]))
    return [TensorShape(dims[:axis] + dims[axis + 1:])] * num


register("Unpack", _unpack_kernel, _unpack_shape,
         lambda op, *grads: [stack(list(grads), axis=op._attrs["axis"])])


# -- Autopacking: a (nested) list holding tensors converts to a Pack ------------------
def _first_tensor_dtype(value):
    """The dtype of the first Tensor in a nested list, or None when it holds none."""
    for v in value:
        if isinstance(v, Tensor):
            return v.dtype
        if isinstance(v, (list, tuple)):
            found = _first_tensor_dtype(v)
            if found is not None:
                return found
    return None


def _autopack(values, dtype, name):
    """Pack each level that holds a tensor; other elements become constants (TF's helper)."""
    with get_default_graph().name_scope(name) as scope:
        parts = [_autopack(v, dtype, str(i)) if isinstance(v, (list, tuple)) else v
                 for i, v in enumerate(values)]
        if not any(isinstance(p, Tensor) for p in parts):
            return parts
        ts = []
        for i, p in enumerate(parts):
            if isinstance(p, Tensor) and p.dtype is not dtype:
                raise TypeError("Cannot convert a list containing a tensor of dtype %s to %s "
                                "(Tensor is: %r)" % (p.dtype.name, dtype.name, p))
            ts.append(p if isinstance(p, Tensor) else constant(p, dtype=dtype, name=str(i)))
        return make_op("Pack", ts, [dtype], scope, {"axis": 0, "N": len(ts)})._outputs[0]


def _autopacking_conversion(value, dtype=None, name=None):
    """``convert_to_tensor([tf.shape(x)[0], -1])`` packs, as TF's autopacking does; lists
    without tensors are constants."""
    found = _first_tensor_dtype(value)
    if found is None:
        return constant(value, dtype=dtype, name=name or "Const")
    dtype = found if dtype is None else dtypes.as_dtype(dtype)
    packed = _autopack(value, dtype, name or "packed")
    return packed if isinstance(packed, Tensor) else constant(packed, dtype=dtype)


# Ahead of the constant conversion for any object (priority 200), as in TF (99).
register_tensor_conversion_function((list, tuple), _autopacking_conversion, priority=99)


# -- SumToShape (minitf's broadcast-gradient reduction) --------------------------
def sum_to_shape(g, like, name=None):
    """Sum ``g`` over the axes along which ``like`` was broadcast to ``g``'s shape."""
    like = convert_to_tensor(like)
    return make_op("SumToShape", [g, shape(like)], [g.dtype], name,
                   {"like_shape": like.shape})._outputs[0]


def _sum_to_shape_kernel(ctx, g, target):
    target = tuple(target.tolist())
    shape = np.shape(g)
    if shape == target:
        return g
    axes = ctx.cache.get((shape, target))
    if axes is None:
        if len(ctx.cache) > 64:  # shapes that keep changing: do not grow without bound
            ctx.cache.clear()
        extra = len(shape) - len(target)
        axes = ctx.cache[(shape, target)] = tuple(range(extra)) + tuple(
            i + extra for i, d in enumerate(target) if d == 1 and shape[i + extra] != 1)
    out = np.add.reduce(g, axis=axes) if axes else g
    return np.reshape(out, target).astype(g.dtype, copy=False)


register("SumToShape", _sum_to_shape_kernel, lambda op: [op._attrs["like_shape"]],
         lambda op, g: [broadcast_to(g, shape(op._inputs[0])), None])


def reduced_shape(input_shape, axes):
    """The shape of a keep-dims reduction: ``input_shape`` with ``axes`` set to 1."""
    return make_op("ReducedShape", [input_shape, convert_to_tensor(axes, dtypes.int32)],
                   [dtypes.int32])._outputs[0]


def _reduced_shape_kernel(ctx, shape, axes):
    out = np.array(shape, dtype=np.int32)
    if out.size:
        out[np.ravel(axes) % out.size] = 1
    return out


register("ReducedShape", _reduced_shape_kernel, lambda op: [op._inputs[0].shape], NO_GRADIENT)


# -- ShapeN, BroadcastArgs ---------------------------------------------------------------
def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The shapes of a list of tensors, as a list of 1-D tensors (one op)."""
    with op_scope(name, "ShapeN", list(input)) as scope:
        ts = [convert_to_tensor(t) for t in input]
        dt = dtypes.as_dtype(out_type)
        op = make_op("ShapeN", ts, [dt] * len(ts), scope, {"out_type": dt, "N": len(ts)})
        return list(op._outputs)


register("ShapeN",
         lambda ctx, *xs: kernel_outputs(np.array(np.shape(x), ctx.attrs["out_type"].as_numpy_dtype)
                                   for x in xs),
         lambda op: [TensorShape([t.shape.ndims]) for t in op._inputs], NO_GRADIENT,
         shape_only=True)


def broadcast_static_shape(shape_x, shape_y):
    """The static (``TensorShape``) result of broadcasting two static shapes."""
    try:
        return broadcast_static(as_shape(shape_x), as_shape(shape_y))
    except ValueError:
        raise ValueError("Incompatible shapes for broadcasting: %s and %s"
                         % (as_shape(shape_x), as_shape(shape_y))) from None


def broadcast_dynamic_shape(shape_x, shape_y):
    """The 1-D shape tensor of broadcasting two 1-D shape tensors.

    Example:
        >>> tf.broadcast_dynamic_shape([2, 1, 3], [4, 1])   # [2, 4, 3]
    """
    with op_scope(None, "BroadcastArgs", [shape_x, shape_y]) as scope:
        sx = index_tensor(shape_x, "s0")
        sy = index_tensor(shape_y, "s1")
        return make_op("BroadcastArgs", [sx, sy], [sx.dtype], scope)._outputs[0]


def _broadcast_args_kernel(ctx, sx, sy):
    try:
        out = np.broadcast_shapes(tuple(int(v) for v in sx), tuple(int(v) for v in sy))
    except ValueError:
        raise invalid(ctx, "Incompatible shapes: %s vs. %s"
                      % (dims_text(list(sx)), dims_text(list(sy)))) from None
    return np.array(out, dtype=sx.dtype)


def _broadcast_args_shape(op):
    a, b = (t.shape.with_rank(1) for t in op._inputs)
    if a[0].value is None or b[0].value is None:
        return [unknown_shape(1)]
    return [TensorShape([max(a[0].value, b[0].value)])]


register("BroadcastArgs", _broadcast_args_kernel, _broadcast_args_shape, NO_GRADIENT)
