"""Arithmetic, reductions and matrix products.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradients of broadcasting ops are written for the broadcast result; the
gradient driver sums them back to each input's shape.
"""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops import array_ops
from minitf.ops.op_util import (binary, broadcast_shape, const_value, make_op, same_shape,
                                unary)

__all__ = ["add", "add_n", "cast", "matmul", "multiply", "negative", "range", "reduce_mean",
           "reduce_sum", "subtract", "to_double", "to_float", "to_int32", "to_int64",
           "mul", "sub", "neg"]


# -- Add, Sub, Mul ----------------------------------------------------------------
def add(x, y, name=None):
    """Element-wise ``x + y`` with broadcasting (strings concatenate)."""
    return binary("Add", x, y, name)


def _add_kernel(ctx, x, y):
    if ctx.attrs.get("string"):
        return np.char.add(x.astype(bytes), y.astype(bytes)).astype(object)
    return np.add(x, y)


register("Add", _add_kernel, broadcast_shape, lambda op, g: [g, g])


def subtract(x, y, name=None):
    """Element-wise ``x - y`` with broadcasting."""
    return binary("Sub", x, y, name)


register("Sub", lambda ctx, x, y: np.subtract(x, y), broadcast_shape,
         lambda op, g: [g, negative(g)])


def multiply(x, y, name=None):
    """Element-wise ``x * y`` with broadcasting."""
    return binary("Mul", x, y, name)


def _mul_grad(op, g):
    x, y = op._inputs
    return [g * y, x * g]  # d(xy) = y dx + x dy


register("Mul", lambda ctx, x, y: np.multiply(x, y), broadcast_shape, _mul_grad)


# -- Neg ----------------------------------------------------------------------------
def negative(x, name=None):
    """Element-wise ``-x``."""
    return unary("Neg", x, name)


register("Neg", lambda ctx, x: np.negative(x), same_shape, lambda op, g: [negative(g)])


# -- AddN ---------------------------------------------------------------------------
def add_n(inputs, name=None):
    """Sum of a list of tensors of the same shape and dtype."""
    inputs = [convert_to_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a non-empty list of tensors")
    for t in inputs[1:]:
        if t.dtype is not inputs[0].dtype:
            raise TypeError("All inputs to add_n must have the same dtype: %s vs %s"
                            % (inputs[0].dtype.name, t.dtype.name))
    if len(inputs) == 1 and name is None:
        return inputs[0]
    return make_op("AddN", inputs, [inputs[0].dtype], name)._outputs[0]


def _add_n_kernel(ctx, *xs):
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def _add_n_shape(op):
    s = op._inputs[0].shape
    for t in op._inputs[1:]:
        s = s.merge_with(t.shape)
    return [s]


register("AddN", _add_n_kernel, _add_n_shape, lambda op, g: [g] * len(op._inputs))


# -- SumToShape (minitf's broadcast-gradient reduction) --------------------------
def sum_to_shape(g, like, name=None):
    """Sum ``g`` over the axes along which ``like`` was broadcast to ``g``'s shape."""
    like = convert_to_tensor(like)
    return make_op("SumToShape", [g, array_ops.shape(like)], [g.dtype], name,
                   {"like_shape": like.shape})._outputs[0]


def _sum_to_shape_kernel(ctx, g, target):
    target = tuple(target)
    if np.shape(g) == target:
        return g
    extra = np.ndim(g) - len(target)
    axes = tuple(np.arange(extra).tolist()) + tuple(
        i + extra for i, d in enumerate(target) if d == 1 and np.shape(g)[i + extra] != 1)
    out = np.sum(g, axis=axes, keepdims=False) if axes else g
    return np.reshape(out, target).astype(g.dtype, copy=False)


register("SumToShape", _sum_to_shape_kernel, lambda op: [op._attrs["like_shape"]],
         lambda op, g: [array_ops.broadcast_to(g, array_ops.shape(op._inputs[0])), None])


# -- Reductions ---------------------------------------------------------------------
def _reduction(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    x = convert_to_tensor(input_tensor)
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    if axis is None:
        axes = None
        axis_t = array_ops.constant(np.arange(x.shape.ndims, dtype=np.int32)
                                    if x.shape.ndims is not None else np.zeros(0, np.int32),
                                    name="Const")
        if x.shape.ndims is None:
            axis_t = _range_of_rank(x)
    else:
        axis_t = convert_to_tensor(axis, dtype=dtypes.int32)
        axes = const_value(axis_t)
    out_dtype = x.dtype
    return make_op(op_type, [x, axis_t], [out_dtype], name,
                   {"keep_dims": bool(keepdims), "T": x.dtype})._outputs[0]


def _range_of_rank(x):
    return range(array_ops.rank(x))


def _reduction_shape(op):
    x, axis_t = op._inputs
    axes = const_value(axis_t)
    keep = op._attrs["keep_dims"]
    if x.shape.ndims is None:
        return [unknown_shape()]
    nd = x.shape.ndims
    if axes is None:
        return [unknown_shape(nd) if keep else unknown_shape()]
    axes = np.ravel(axes)
    for a in axes:
        if a < -nd or a >= max(nd, 1) and not (nd == 0 and a in (0, -1)):
            raise ValueError("Invalid reduction dimension %d for input with %d dimensions" % (
                a, nd))
    axes = {int(a) % nd for a in axes} if nd else set()
    dims = x.shape.as_list()
    if keep:
        return [TensorShape([1 if i in axes else d for i, d in enumerate(dims)])]
    return [TensorShape([d for i, d in enumerate(dims) if i not in axes])]


def _reduce_kernel(fn):
    def kernel(ctx, x, axis):
        axis = tuple(int(a) for a in np.ravel(axis))
        nd = np.ndim(x)
        for a in axis:
            if not -nd <= a < max(nd, 1):
                raise errors.InvalidArgumentError(
                    None, ctx.op, "Invalid reduction dimension %d for input with %d dimensions"
                    % (a, nd))
        out = fn(x, axis=axis, keepdims=ctx.attrs["keep_dims"])
        return np.asarray(out, dtype=x.dtype) if np.ndim(out) == 0 else out.astype(
            x.dtype, copy=False)
    return kernel


def _reduced_shape_grad(op, g):
    """Reshape a reduction's gradient so it broadcasts against the input."""
    x, axis = op._inputs
    if op._attrs["keep_dims"]:
        return g
    return array_ops.reshape(g, reduced_shape(array_ops.shape(x), axis))


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum of elements across ``axis`` (all axes when None).

    Example:
        >>> x = tf.constant([[1, 1, 1], [1, 1, 1]])
        >>> tf.reduce_sum(x, 0)   # [2, 2, 2]
    """
    return _reduction("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _sum_grad(op, g):
    x = op._inputs[0]
    return [array_ops.broadcast_to(_reduced_shape_grad(op, g), array_ops.shape(x)), None]


register("Sum", _reduce_kernel(np.sum), _reduction_shape, _sum_grad)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean across ``axis``; on integers it truncates, as TF does."""
    return _reduction("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _mean_kernel(ctx, x, axis):
    axis = tuple(int(a) for a in np.ravel(axis))
    keep = ctx.attrs["keep_dims"]
    if x.dtype.kind in "iu":
        total = np.sum(x, axis=axis, keepdims=keep, dtype=np.int64)
        count = max(1, int(np.prod([np.shape(x)[a] for a in axis])))
        return np.asarray(np.sign(total) * (np.abs(total) // count)).astype(x.dtype)
    return np.asarray(np.mean(x, axis=axis, keepdims=keep), dtype=x.dtype)


def _mean_grad(op, g):
    x = op._inputs[0]
    total = _sum_grad(op, g)[0]
    count = cast(array_ops.size(x), x.dtype) / cast(array_ops.size(op._outputs[0]), x.dtype)
    return [total / count, None]


register("Mean", _mean_kernel, _reduction_shape, _mean_grad)


# -- MatMul ---------------------------------------------------------------------------
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product ``a @ b``; inputs of rank > 2 are batched over leading dims.

    Example:
        >>> tf.matmul(tf.ones([2, 3]), tf.ones([3, 4]))   # shape (2, 4), all 3s
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    from minitf.ops.op_util import check_same_dtype
    check_same_dtype("MatMul", a, b)
    batched = (a.shape.ndims or 2) > 2 or (b.shape.ndims or 2) > 2
    op_type = "BatchMatMulV2" if batched else "MatMul"
    attrs = {"transpose_a": ta, "transpose_b": tb, "T": a.dtype}
    return make_op(op_type, [a, b], [a.dtype], name, attrs)._outputs[0]


def _matmul_kernel(ctx, a, b):
    if ctx.attrs["transpose_a"]:
        a = np.swapaxes(a, -1, -2)
    if ctx.attrs["transpose_b"]:
        b = np.swapaxes(b, -1, -2)
    if a.shape[-1] != b.shape[-2]:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Matrix size-incompatible: In[0]: %s, In[1]: %s"
            % (list(a.shape), list(b.shape)))
    return np.matmul(a, b)


def _matmul_shape(op):
    a, b = (t.shape for t in op._inputs)
    if op.type == "MatMul":
        a, b = a.with_rank(2), b.with_rank(2)
    if a.ndims is None or b.ndims is None:
        return [unknown_shape()]
    if a.ndims < 2 or b.ndims < 2:
        raise ValueError("Shape must be rank >= 2 but is rank %d" % min(a.ndims, b.ndims))
    ad, bd = a.as_list(), b.as_list()
    if op._attrs["transpose_a"]:
        ad[-2], ad[-1] = ad[-1], ad[-2]
    if op._attrs["transpose_b"]:
        bd[-2], bd[-1] = bd[-1], bd[-2]
    if ad[-1] is not None and bd[-2] is not None and ad[-1] != bd[-2]:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (ad[-1], bd[-2]))
    from minitf.ops.op_util import broadcast_static
    batch = broadcast_static(TensorShape(ad[:-2]), TensorShape(bd[:-2]))
    return [batch.concatenate([ad[-2], bd[-1]])]


def _matmul_grad(op, g):
    a, b = op._inputs
    ta, tb = op._attrs["transpose_a"], op._attrs["transpose_b"]
    # C = A B: dA = G Bᵀ, dB = Aᵀ G (with the transposes folded in).
    if not ta and not tb:
        return [matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)]
    if not ta and tb:
        return [matmul(g, b), matmul(g, a, transpose_a=True)]
    if ta and not tb:
        return [matmul(b, g, transpose_b=True), matmul(a, g)]
    return [matmul(b, g, transpose_a=True, transpose_b=True),
            matmul(g, a, transpose_a=True, transpose_b=True)]


register("MatMul", _matmul_kernel, _matmul_shape, _matmul_grad)
register("BatchMatMulV2", _matmul_kernel, _matmul_shape, _matmul_grad)


# -- Cast -----------------------------------------------------------------------------
def cast(x, dtype, name=None):
    """``x`` converted element-wise to ``dtype`` (floats truncate toward zero)."""
    x = convert_to_tensor(x)
    dt = dtypes.as_dtype(dtype)
    if x.dtype is dt and name is None:
        return x
    return unary("Cast", x, name, {"SrcT": x.dtype, "DstT": dt}, dtype=dt)


def _cast_kernel(ctx, x):
    return np.asarray(x).astype(ctx.attrs["DstT"].as_numpy_dtype)


def _cast_grad(op, g):
    src = op._attrs["SrcT"]
    return [cast(g, src) if src.is_floating and op._attrs["DstT"].is_floating else None]


register("Cast", _cast_kernel, same_shape, _cast_grad)


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name=name)


# -- Range ------------------------------------------------------------------------------
def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001  (TF's name)
    """``[start, start + delta, ...)`` up to ``limit``, like Python's range.

    Example:
        >>> tf.range(3, 18, 3)   # [3, 6, 9, 12, 15]
    """
    if limit is None:
        start, limit = 0, start
    ts = [convert_to_tensor(v, dtype=dtype) if dtype is not None else convert_to_tensor(v)
          for v in (start, limit, delta)]
    order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
    dt = max((t.dtype for t in ts), key=order.index) if dtype is None else dtypes.as_dtype(
        dtype)
    ts = [cast(t, dt) for t in ts]
    return make_op("Range", ts, [dt], name, {"Tidx": dt})._outputs[0]


def _range_kernel(ctx, start, limit, delta):
    if delta == 0:
        raise errors.InvalidArgumentError(None, ctx.op, "Requires delta != 0: %s" % delta)
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise errors.InvalidArgumentError(
            None, ctx.op, "Requires start <= limit when delta > 0: %s/%s" % (start, limit)
            if delta > 0 else "Requires start >= limit when delta < 0: %s/%s" % (start, limit))
    return np.arange(start, limit, delta, dtype=ctx.attrs["Tidx"].as_numpy_dtype)


def _range_shape(op):
    vals = [const_value(t) for t in op._inputs]
    if any(v is None for v in vals):
        return [unknown_shape(1)]
    start, limit, delta = (v.item() for v in vals)
    if delta == 0:
        raise ValueError("Requires delta != 0")
    return [TensorShape([max(0, int(np.ceil((limit - start) / delta)))])]


register("Range", _range_kernel, _range_shape, NO_GRADIENT)


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


mul, sub, neg = multiply, subtract, negative  # TF 0.x names the course still uses
