"""Element-wise arithmetic, comparisons and logic, casts and ranges.

Gradients of broadcasting ops are written for the broadcast result; the
gradient driver sums them back to each input's shape.

Note: this module defines ``abs``, ``round``, ``pow`` and ``range`` (TF's names),
so inside it Python's builtins of those names are spelled ``builtins.abs`` etc.

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_pair, convert_to_tensor, override_operators
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.kernels import special
from minitf.ops import constant_ops, fill_ops
from minitf.ops.op_util import (FLOATS, INTS, NUMERIC, REAL, binary, broadcast_shape, check_dtype,
                                check_same_dtype, const_value, cwise_kernel, make_op, same_shape,
                                typed_binary, typed_unary, unary)


# -- Add, Sub, Mul ----------------------------------------------------------------
def add(x, y, name=None):
    """Element-wise ``x + y`` with broadcasting (strings concatenate)."""
    return binary("Add", x, y, name)


def _add_kernel(ctx, x, y):
    return np.add(x, y)  # on string (object) arrays this concatenates the bytes


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


# == Element-wise helpers ===========================================================
_SIGNED = FLOATS + (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64)


# == Division ========================================================================
def _check_divisor(ctx, x, y):
    """TF's runtime error for an integer division by zero."""
    if x.dtype.kind in "iu" and np.any(np.asarray(y) == 0):
        raise errors.InvalidArgumentError(None, ctx.op, "Integer division by zero")


_TRUEDIV_DTYPE = {dtypes.int8: dtypes.float32, dtypes.int16: dtypes.float32,
                  dtypes.uint8: dtypes.float32, dtypes.int32: dtypes.float64,
                  dtypes.int64: dtypes.float64}


# -- RealDiv (truediv, realdiv, divide) -------------------------------------------------
def truediv(x, y, name=None):
    """Element-wise ``x / y`` with Python 3 semantics (the ``/`` operator).

    Integer inputs are first cast to float: int8, int16 and uint8 to float32,
    int32 and int64 to float64.  ``x`` and ``y`` must have the same dtype (a Python
    number takes the other operand's dtype).

    Example:
        >>> tf.truediv(tf.constant([1, 2]), 2)   # float64 [0.5, 1.0]
    """
    x, y = convert_pair(x, y)
    if x.dtype is not y.dtype:
        raise TypeError("x and y must have the same dtype, got %r != %r" % (x.dtype, y.dtype))
    check_dtype("truediv", x, NUMERIC)
    to = _TRUEDIV_DTYPE.get(x.dtype)
    if to is not None:
        x, y = cast(x, to), cast(y, to)
    return binary("RealDiv", x, y, name or "truediv")


def realdiv(x, y, name=None):
    """Element-wise real division ``x / y`` without casting (op ``RealDiv``).

    On integers it divides and truncates toward zero, like C; division by zero
    raises InvalidArgumentError.

    Example:
        >>> tf.realdiv(tf.constant([3., 1.]), tf.constant([2., 4.]))   # [1.5, 0.25]
    """
    return typed_binary("RealDiv", x, y, name, NUMERIC)


def divide(x, y, name=None):
    """``x / y`` (same as ``truediv``)."""
    return truediv(x, y, name=name)


def _trunc_int_div(x, y):
    """C-style integer quotient (rounded toward zero); y must have no zeros."""
    q = np.floor_divide(x, y)
    return q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0))).astype(q.dtype)


def _realdiv_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    if x.dtype.kind in "iu":
        return _trunc_int_div(x, y)
    with np.errstate(all="ignore"):
        return np.true_divide(x, y)


def _realdiv_grad(op, g):
    x, y = op._inputs
    # z = x / y: dx = G / y, dy = -G x / y²
    return [realdiv(g, y), g * realdiv(realdiv(negative(x), y), y)]


register("RealDiv", _realdiv_kernel, broadcast_shape, _realdiv_grad)


def div(x, y, name=None):
    """Divide with Python 2 semantics (TF 1.x ``tf.div``): floor division on
    integers, real division on floats.

    Example:
        >>> tf.div(tf.constant([-7, 7]), 2)   # [-4, 3]
        >>> tf.div(tf.constant(7.), 2.)       # 3.5
    """
    x, y = convert_pair(x, y)
    check_same_dtype("div", x, y)
    if x.dtype.is_integer:
        return floordiv(x, y, name=name or "div")
    return realdiv(x, y, name=name or "div")


# -- DivNoNan --------------------------------------------------------------------------
def div_no_nan(x, y, name=None):
    """``x / y``, but 0 wherever ``y`` is 0 (floats only).

    Example:
        >>> tf.div_no_nan(tf.constant([1., 2.]), tf.constant([0., 4.]))   # [0., 0.5]
    """
    return typed_binary("DivNoNan", x, y, name, FLOATS)


def _div_no_nan_kernel(ctx, x, y):
    with np.errstate(all="ignore"):
        out = np.where(y == 0, np.zeros((), x.dtype), np.true_divide(x, y))
    return out.astype(x.dtype, copy=False)


def _div_no_nan_grad(op, g):
    x, y = op._inputs
    # z = x / y (0 where y = 0): dx = G / y, dy = -G x / y², both 0 where y = 0
    return [div_no_nan(g, y), g * div_no_nan(div_no_nan(negative(x), y), y)]


register("DivNoNan", _div_no_nan_kernel, broadcast_shape, _div_no_nan_grad)


# -- FloorDiv ----------------------------------------------------------------------------
def floordiv(x, y, name=None):
    """Element-wise ``floor(x / y)`` (the ``//`` operator); integer results round
    toward minus infinity.

    Example:
        >>> tf.constant([-7, 7]) // 2   # [-4, 3]
    """
    return typed_binary("FloorDiv", x, y, name or "floordiv", NUMERIC)


def _floordiv_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    if x.dtype.kind in "iu":
        return np.floor_divide(x, y)
    with np.errstate(all="ignore"):
        return np.floor(np.true_divide(x, y))


register("FloorDiv", _floordiv_kernel, broadcast_shape, NO_GRADIENT)
floor_div = floordiv


# -- FloorMod ------------------------------------------------------------------------------
def floormod(x, y, name=None):
    """Element-wise remainder of floor division (the ``%`` operator).

    The result has the sign of ``y``, so ``x == floordiv(x, y) * y + floormod(x, y)``.

    Example:
        >>> tf.floormod(tf.constant([-7, 7]), 3)   # [2, 1]
        >>> tf.floormod(tf.constant([7]), -3)      # [-2]
    """
    return typed_binary("FloorMod", x, y, name, NUMERIC)


def _floormod_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    with np.errstate(all="ignore"):
        return np.mod(x, y)


def _floormod_grad(op, g):
    x, y = op._inputs
    # z = x - floor(x / y) y: dx = G, dy = -G floor(x / y)
    return [g, g * negative(floordiv(x, y))]


register("FloorMod", _floormod_kernel, broadcast_shape, _floormod_grad)
mod = floormod


# -- TruncateDiv -------------------------------------------------------------------------
def truncatediv(x, y, name=None):
    """Integer division rounded toward zero, like C (integers only).

    Example:
        >>> tf.truncatediv(tf.constant([-7, 7]), 2)   # [-3, 3]
    """
    return typed_binary("TruncateDiv", x, y, name, INTS)


def _truncatediv_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    return _trunc_int_div(x, y)


register("TruncateDiv", _truncatediv_kernel, broadcast_shape, NO_GRADIENT)


# -- TruncateMod -------------------------------------------------------------------------
def truncatemod(x, y, name=None):
    """Remainder of truncating division (C's ``fmod``): the sign of ``x``.

    Example:
        >>> tf.truncatemod(tf.constant([-7, 7]), 3)   # [-1, 1]
    """
    return typed_binary("TruncateMod", x, y, name, NUMERIC)


def _truncatemod_kernel(ctx, x, y):
    _check_divisor(ctx, x, y)
    with np.errstate(all="ignore"):
        return np.fmod(x, y)


def _truncatemod_grad(op, g):
    x, y = op._inputs
    # z = x - trunc(x / y) y: dx = G, dy = -G trunc(x / y)
    q = realdiv(x, y)
    return [g, g * negative(sign(q) * floor(abs(q)))]


register("TruncateMod", _truncatemod_kernel, broadcast_shape, _truncatemod_grad)


# == Unary element-wise ops ===========================================================
# -- Abs -----------------------------------------------------------------------------
def abs(x, name=None):  # noqa: A001  (TF's name)
    """Element-wise absolute value (floats and signed integers).

    Example:
        >>> tf.abs(tf.constant([-2, 3]))   # [2, 3]
    """
    return typed_unary("Abs", x, name, _SIGNED)


register("Abs", cwise_kernel(np.abs), same_shape,
         lambda op, g: [g * sign(op._inputs[0])])  # d|x| = sign(x) dx


# -- Sign ----------------------------------------------------------------------------
def sign(x, name=None):
    """Element-wise sign: -1, 0 or 1 (0 for 0; nan for nan).

    Example:
        >>> tf.sign(tf.constant([-2., 0., 5.]))   # [-1., 0., 1.]
    """
    return typed_unary("Sign", x, name, _SIGNED)


register("Sign", cwise_kernel(np.sign), same_shape,
         lambda op, g: [fill_ops.zeros_like(op._inputs[0])])  # piecewise constant: 0


# -- Square --------------------------------------------------------------------------
def square(x, name=None):
    """Element-wise ``x * x``.

    Example:
        >>> tf.square(tf.constant([-2., 3.]))   # [4., 9.]
    """
    return typed_unary("Square", x, name, NUMERIC)


register("Square", cwise_kernel(np.square), same_shape,
         lambda op, g: [g * (2.0 * op._inputs[0])])  # d(x²) = 2x dx


# -- Sqrt ----------------------------------------------------------------------------
def sqrt(x, name=None):
    """Element-wise square root (floats; nan for negative inputs).

    Example:
        >>> tf.sqrt(tf.constant([4., 9.]))   # [2., 3.]
    """
    return typed_unary("Sqrt", x, name, FLOATS)


register("Sqrt", cwise_kernel(np.sqrt), same_shape,
         lambda op, g: [realdiv(g * 0.5, op._outputs[0])])  # d√x = dx / (2y)


# -- Rsqrt ---------------------------------------------------------------------------
def rsqrt(x, name=None):
    """Element-wise ``1 / sqrt(x)``.

    Example:
        >>> tf.rsqrt(tf.constant([4.]))   # [0.5]
    """
    return typed_unary("Rsqrt", x, name, FLOATS)


register("Rsqrt", cwise_kernel(lambda x: 1 / np.sqrt(x)), same_shape,
         lambda op, g: [g * (-0.5 * op._outputs[0] ** 3)])  # d(x^-½) = -½ y³ dx


# -- Reciprocal ----------------------------------------------------------------------
def reciprocal(x, name=None):
    """Element-wise ``1 / x``.

    Example:
        >>> tf.reciprocal(tf.constant([2., 4.]))   # [0.5, 0.25]
    """
    return typed_unary("Reciprocal", x, name, FLOATS)


register("Reciprocal", cwise_kernel(np.reciprocal), same_shape,
         lambda op, g: [g * negative(square(op._outputs[0]))])  # d(1/x) = -y² dx


# -- Exp -----------------------------------------------------------------------------
def exp(x, name=None):
    """Element-wise ``e ** x``.

    Example:
        >>> tf.exp(tf.constant([0., 1.]))   # [1., 2.7182817]
    """
    return typed_unary("Exp", x, name, FLOATS)


register("Exp", cwise_kernel(np.exp), same_shape,
         lambda op, g: [g * op._outputs[0]])  # d eˣ = y dx


# -- Expm1 ---------------------------------------------------------------------------
def expm1(x, name=None):
    """Element-wise ``exp(x) - 1``, accurate for small ``x``.

    Example:
        >>> tf.expm1(tf.constant([1e-10]))   # [1e-10]
    """
    return typed_unary("Expm1", x, name, FLOATS)


register("Expm1", cwise_kernel(np.expm1), same_shape,
         lambda op, g: [g * exp(op._inputs[0])])  # d(eˣ - 1) = eˣ dx


# -- Log -----------------------------------------------------------------------------
def log(x, name=None):
    """Element-wise natural logarithm (-inf at 0, nan below).

    Example:
        >>> tf.log(tf.constant([1., 2.7182817]))   # [0., 1.]
    """
    return typed_unary("Log", x, name, FLOATS)


register("Log", cwise_kernel(np.log), same_shape,
         lambda op, g: [g * reciprocal(op._inputs[0])])  # d ln x = dx / x


# -- Log1p ---------------------------------------------------------------------------
def log1p(x, name=None):
    """Element-wise ``log(1 + x)``, accurate for small ``x``.

    Example:
        >>> tf.log1p(tf.constant([1e-10]))   # [1e-10]
    """
    return typed_unary("Log1p", x, name, FLOATS)


register("Log1p", cwise_kernel(np.log1p), same_shape,
         lambda op, g: [g * reciprocal(1.0 + op._inputs[0])])  # d ln(1+x) = dx / (1+x)


# -- Sin, Cos, Tan -----------------------------------------------------------------------
def sin(x, name=None):
    """Element-wise sine (radians).

    Example:
        >>> tf.sin(tf.constant([0.]))   # [0.]
    """
    return typed_unary("Sin", x, name, FLOATS)


register("Sin", cwise_kernel(np.sin), same_shape,
         lambda op, g: [g * cos(op._inputs[0])])  # d sin x = cos x dx


def cos(x, name=None):
    """Element-wise cosine (radians).

    Example:
        >>> tf.cos(tf.constant([0.]))   # [1.]
    """
    return typed_unary("Cos", x, name, FLOATS)


register("Cos", cwise_kernel(np.cos), same_shape,
         lambda op, g: [negative(g * sin(op._inputs[0]))])  # d cos x = -sin x dx


def tan(x, name=None):
    """Element-wise tangent (radians).

    Example:
        >>> tf.tan(tf.constant([0.]))   # [0.]
    """
    return typed_unary("Tan", x, name, FLOATS)


register("Tan", cwise_kernel(np.tan), same_shape,
         lambda op, g: [g * square(reciprocal(cos(op._inputs[0])))])  # d tan x = sec² x dx


# -- Asin, Acos, Atan ----------------------------------------------------------------------
def asin(x, name=None):
    """Element-wise arcsine, in [-pi/2, pi/2] (nan outside [-1, 1]).

    Example:
        >>> tf.asin(tf.constant([1.]))   # [1.5707964]
    """
    return typed_unary("Asin", x, name, FLOATS)


register("Asin", cwise_kernel(np.arcsin), same_shape,
         lambda op, g: [g * rsqrt(1.0 - square(op._inputs[0]))])  # dx / √(1 - x²)


def acos(x, name=None):
    """Element-wise arccosine, in [0, pi] (nan outside [-1, 1]).

    Example:
        >>> tf.acos(tf.constant([1.]))   # [0.]
    """
    return typed_unary("Acos", x, name, FLOATS)


register("Acos", cwise_kernel(np.arccos), same_shape,
         lambda op, g: [negative(g * rsqrt(1.0 - square(op._inputs[0])))])  # -dx / √(1 - x²)


def atan(x, name=None):
    """Element-wise arctangent, in (-pi/2, pi/2).

    Example:
        >>> tf.atan(tf.constant([1.]))   # [0.7853982]
    """
    return typed_unary("Atan", x, name, FLOATS)


register("Atan", cwise_kernel(np.arctan), same_shape,
         lambda op, g: [g * reciprocal(1.0 + square(op._inputs[0]))])  # dx / (1 + x²)


# -- Sinh, Cosh, Tanh ------------------------------------------------------------------------
def sinh(x, name=None):
    """Element-wise hyperbolic sine.

    Example:
        >>> tf.sinh(tf.constant([0.]))   # [0.]
    """
    return typed_unary("Sinh", x, name, FLOATS)


register("Sinh", cwise_kernel(np.sinh), same_shape,
         lambda op, g: [g * cosh(op._inputs[0])])  # d sinh x = cosh x dx


def cosh(x, name=None):
    """Element-wise hyperbolic cosine.

    Example:
        >>> tf.cosh(tf.constant([0.]))   # [1.]
    """
    return typed_unary("Cosh", x, name, FLOATS)


register("Cosh", cwise_kernel(np.cosh), same_shape,
         lambda op, g: [g * sinh(op._inputs[0])])  # d cosh x = sinh x dx


def tanh(x, name=None):
    """Element-wise hyperbolic tangent, in (-1, 1).

    Example:
        >>> tf.tanh(tf.constant([0., 100.]))   # [0., 1.]
    """
    return typed_unary("Tanh", x, name, FLOATS)


register("Tanh", cwise_kernel(np.tanh), same_shape,
         lambda op, g: [_activation_grad("TanhGrad", op._outputs[0], g)])


def _activation_grad(op_type, y, dy):
    """TF's fused gradient ops of tanh and sigmoid, written in terms of the output y:
    one kernel instead of three in every backward step of a recurrent net."""
    return binary(op_type, y, dy)


def _tanh_grad_kernel(ctx, y, dy):
    return (1 - y * y) * dy


def _sigmoid_grad_kernel(ctx, y, dy):
    return y * (1 - y) * dy


register("TanhGrad", _tanh_grad_kernel, same_shape,  # d/dy: −2·y·dy·g, d/d(dy): (1 − y²)·g
         lambda op, g: [g * -2.0 * op._inputs[1] * op._inputs[0],
                        _activation_grad("TanhGrad", op._inputs[0], g)])
register("SigmoidGrad", _sigmoid_grad_kernel, same_shape,  # d/dy: dy·(1 − 2y)·g
         lambda op, g: [g * op._inputs[1] * (1.0 - 2.0 * op._inputs[0]),
                        _activation_grad("SigmoidGrad", op._inputs[0], g)])


# -- Asinh, Acosh, Atanh ---------------------------------------------------------------------
def asinh(x, name=None):
    """Element-wise inverse hyperbolic sine.

    Example:
        >>> tf.asinh(tf.constant([0.]))   # [0.]
    """
    return typed_unary("Asinh", x, name, FLOATS)


register("Asinh", cwise_kernel(np.arcsinh), same_shape,
         lambda op, g: [g * rsqrt(square(op._inputs[0]) + 1.0)])  # dx / √(x² + 1)


def acosh(x, name=None):
    """Element-wise inverse hyperbolic cosine (nan below 1).

    Example:
        >>> tf.acosh(tf.constant([1.]))   # [0.]
    """
    return typed_unary("Acosh", x, name, FLOATS)


register("Acosh", cwise_kernel(np.arccosh), same_shape,
         lambda op, g: [g * rsqrt(square(op._inputs[0]) - 1.0)])  # dx / √(x² - 1)


def atanh(x, name=None):
    """Element-wise inverse hyperbolic tangent (inf at ±1, nan outside).

    Example:
        >>> tf.atanh(tf.constant([0.]))   # [0.]
    """
    return typed_unary("Atanh", x, name, FLOATS)


register("Atanh", cwise_kernel(np.arctanh), same_shape,
         lambda op, g: [g * reciprocal(1.0 - square(op._inputs[0]))])  # dx / (1 - x²)


# -- Sigmoid -----------------------------------------------------------------------------
def sigmoid(x, name=None):
    """Element-wise logistic function ``1 / (1 + exp(-x))``.

    Example:
        >>> tf.sigmoid(tf.constant([0.]))   # [0.5]
    """
    return typed_unary("Sigmoid", x, name, FLOATS)


def _sigmoid_np(x):
    # 1/(1+e⁻ˣ) in place: where e⁻ˣ overflows to inf the result is 0, which σ rounds
    # to anyway, so no branch (np.where costs more than the rest together).
    out = np.negative(x, out=np.empty_like(x))  # an array even for a scalar x
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


register("Sigmoid", cwise_kernel(_sigmoid_np), same_shape,
         lambda op, g: [_activation_grad("SigmoidGrad", op._outputs[0], g)])


# -- Erf, Erfc -----------------------------------------------------------------------------
def erf(x, name=None):
    """Element-wise Gauss error function ``2/sqrt(pi) * integral_0^x exp(-t²) dt``.

    Example:
        >>> tf.erf(tf.constant([0., 10.]))   # [0., 1.]
    """
    return typed_unary("Erf", x, name, FLOATS)


def _erf_kernel(ctx, x):
    return special.erf(x)


_TWO_OVER_SQRT_PI = 2.0 / np.sqrt(np.pi)

register("Erf", _erf_kernel, same_shape,  # d erf x = 2/√π exp(-x²) dx
         lambda op, g: [g * (_TWO_OVER_SQRT_PI * exp(negative(square(op._inputs[0]))))])


def erfc(x, name=None):
    """Element-wise complementary error function ``1 - erf(x)``, accurate for large x.

    Example:
        >>> tf.erfc(tf.constant([0.]))   # [1.]
    """
    return typed_unary("Erfc", x, name, FLOATS)


def _erfc_kernel(ctx, x):
    return special.erfc(x)


register("Erfc", _erfc_kernel, same_shape,  # d erfc x = -2/√π exp(-x²) dx
         lambda op, g: [g * (-_TWO_OVER_SQRT_PI * exp(negative(square(op._inputs[0]))))])


# -- Floor, Ceil, Round, Rint (piecewise constant: not differentiable, as in TF) ------------
def floor(x, name=None):
    """Element-wise largest integer not greater than ``x`` (floats).

    Example:
        >>> tf.floor(tf.constant([-1.5, 1.5]))   # [-2., 1.]
    """
    return typed_unary("Floor", x, name, FLOATS)


register("Floor", cwise_kernel(np.floor), same_shape, NO_GRADIENT)


def ceil(x, name=None):
    """Element-wise smallest integer not less than ``x`` (floats).

    Example:
        >>> tf.ceil(tf.constant([-1.5, 1.5]))   # [-1., 2.]
    """
    return typed_unary("Ceil", x, name, FLOATS)


register("Ceil", cwise_kernel(np.ceil), same_shape, NO_GRADIENT)


def round(x, name=None):  # noqa: A001  (TF's name)
    """Element-wise rounding to the nearest integer, halves to even (banker's rounding).

    Integers pass through unchanged.

    Example:
        >>> tf.round(tf.constant([0.5, 1.5, 2.5, -0.5]))   # [0., 2., 2., -0.]
    """
    x = convert_to_tensor(x)
    check_dtype("Round", x, NUMERIC)
    if x.dtype.is_integer:
        return x if name is None else constant_ops.identity(x, name=name)
    return unary("Round", x, name)


register("Round", cwise_kernel(np.round), same_shape, NO_GRADIENT)


def rint(x, name=None):
    """Element-wise nearest integer, halves to even (floats).

    Example:
        >>> tf.rint(tf.constant([-1.5, 0.5, 2.7]))   # [-2., 0., 3.]
    """
    return typed_unary("Rint", x, name, FLOATS)


register("Rint", cwise_kernel(np.rint), same_shape, NO_GRADIENT)


# -- IsNan, IsInf, IsFinite, LogicalNot (bool results) --------------------------------------
def is_nan(x, name=None):
    """Element-wise ``x is nan`` (bool).

    Example:
        >>> tf.is_nan(tf.constant([1., np.nan]))   # [False, True]
    """
    x = convert_to_tensor(x)
    check_dtype("IsNan", x, FLOATS)
    return unary("IsNan", x, name, dtype=dtypes.bool)


register("IsNan", cwise_kernel(np.isnan), same_shape, NO_GRADIENT)


def is_inf(x, name=None):
    """Element-wise ``x is +inf or -inf`` (bool).

    Example:
        >>> tf.is_inf(tf.constant([1., np.inf]))   # [False, True]
    """
    x = convert_to_tensor(x)
    check_dtype("IsInf", x, FLOATS)
    return unary("IsInf", x, name, dtype=dtypes.bool)


register("IsInf", cwise_kernel(np.isinf), same_shape, NO_GRADIENT)


def is_finite(x, name=None):
    """Element-wise ``x is neither inf nor nan`` (bool).

    Example:
        >>> tf.is_finite(tf.constant([1., np.inf, np.nan]))   # [True, False, False]
    """
    x = convert_to_tensor(x)
    check_dtype("IsFinite", x, FLOATS)
    return unary("IsFinite", x, name, dtype=dtypes.bool)


register("IsFinite", cwise_kernel(np.isfinite), same_shape, NO_GRADIENT)


def logical_not(x, name=None):
    """Element-wise boolean NOT (the ``~`` operator on bool tensors).

    Example:
        >>> tf.logical_not(tf.constant([True, False]))   # [False, True]
    """
    return typed_unary("LogicalNot", x, name, (dtypes.bool,))


register("LogicalNot", cwise_kernel(np.logical_not), same_shape, NO_GRADIENT)


# == Binary element-wise ops ==========================================================
# -- Pow -------------------------------------------------------------------------------
def pow(x, y, name=None):  # noqa: A001  (TF's name)
    """Element-wise ``x ** y`` (the ``**`` operator).

    Integers raised to negative integer powers raise InvalidArgumentError.

    Example:
        >>> tf.pow(tf.constant([2., 3.]), 2.)   # [4., 9.]
    """
    return typed_binary("Pow", x, y, name, NUMERIC)


def _pow_kernel(ctx, x, y):
    if x.dtype.kind in "iu" and np.any(np.asarray(y) < 0):
        raise errors.InvalidArgumentError(
            None, ctx.op, "Integers to negative integer powers are not allowed")
    with np.errstate(all="ignore"):
        return np.power(x, y)


def _pow_grad(op, g):
    x, y = op._inputs
    z = op._outputs[0]
    # z = xʸ: dx = G y x^(y-1); dy = G z ln x where x > 0, else 0
    positive = cast(greater(x, 0), x.dtype)
    log_x = log(x * positive + (1.0 - positive)) * positive
    return [g * y * pow(x, y - 1.0), g * z * log_x]


register("Pow", _pow_kernel, broadcast_shape, _pow_grad)


# -- Maximum, Minimum ------------------------------------------------------------------
def maximum(x, y, name=None):
    """Element-wise larger of ``x`` and ``y`` (broadcasting).

    On ties the whole gradient goes to ``x``.

    Example:
        >>> tf.maximum(tf.constant([1., 5.]), 3.)   # [3., 5.]
    """
    return typed_binary("Maximum", x, y, name, REAL)


def _maximum_grad(op, g):
    x, y = op._inputs
    # dx = G where x ≥ y, dy = G where x < y
    to_x = cast(greater_equal(x, y), g.dtype)
    return [g * to_x, g * (1.0 - to_x)]


register("Maximum", cwise_kernel(np.maximum), broadcast_shape, _maximum_grad)


def minimum(x, y, name=None):
    """Element-wise smaller of ``x`` and ``y`` (broadcasting).

    On ties the whole gradient goes to ``x``.

    Example:
        >>> tf.minimum(tf.constant([1., 5.]), 3.)   # [1., 3.]
    """
    return typed_binary("Minimum", x, y, name, REAL)


def _minimum_grad(op, g):
    x, y = op._inputs
    # dx = G where x ≤ y, dy = G where x > y
    to_x = cast(less_equal(x, y), g.dtype)
    return [g * to_x, g * (1.0 - to_x)]


register("Minimum", cwise_kernel(np.minimum), broadcast_shape, _minimum_grad)


# -- SquaredDifference -----------------------------------------------------------------
def squared_difference(x, y, name=None):
    """Element-wise ``(x - y) ** 2``.

    Example:
        >>> tf.squared_difference(tf.constant([1., 5.]), 3.)   # [4., 4.]
    """
    return typed_binary("SquaredDifference", x, y, name, NUMERIC)


def _squared_difference_grad(op, g):
    x, y = op._inputs
    # d(x - y)² = 2(x - y)(dx - dy)
    gx = g * (2.0 * (x - y))
    return [gx, negative(gx)]


register("SquaredDifference", cwise_kernel(lambda x, y: np.square(x - y)), broadcast_shape,
         _squared_difference_grad)


# -- Atan2 -----------------------------------------------------------------------------
def atan2(y, x, name=None):
    """Element-wise angle of the point ``(x, y)``: ``arctan(y / x)`` in (-pi, pi].

    Example:
        >>> tf.atan2(tf.constant([1.]), tf.constant([-1.]))   # [2.3561945]
    """
    return typed_binary("Atan2", y, x, name, FLOATS)


def _atan2_grad(op, g):
    y, x = op._inputs
    # θ = atan2(y, x): dθ = (x dy - y dx) / (x² + y²)
    scale = realdiv(g, square(x) + square(y))
    return [scale * x, negative(scale * y)]


register("Atan2", cwise_kernel(np.arctan2), broadcast_shape, _atan2_grad)


# -- ClipByValue -------------------------------------------------------------------------
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clip ``t`` element-wise to ``[clip_value_min, clip_value_max]``.

    The bounds are scalars or broadcast to ``t``'s shape; the result has ``t``'s
    shape.  The gradient passes to ``t`` where it lies inside the range, to the
    min bound where ``t`` is below it and to the max bound where ``t`` is above.

    Example:
        >>> tf.clip_by_value(tf.constant([-2., 0.5, 3.]), 0., 1.)   # [0., 0.5, 1.]
    """
    t = convert_to_tensor(t)
    lo = convert_to_tensor(clip_value_min, preferred_dtype=t.dtype)
    hi = convert_to_tensor(clip_value_max, preferred_dtype=t.dtype)
    check_same_dtype("ClipByValue", t, lo)
    check_same_dtype("ClipByValue", t, hi)
    check_dtype("ClipByValue", t, REAL, "t")
    return make_op("ClipByValue", [t, lo, hi], [t.dtype], name, {"T": t.dtype})._outputs[0]


def _clip_by_value_kernel(ctx, t, lo, hi):
    out = np.minimum(np.maximum(t, lo), hi)
    if out.shape != np.shape(t):
        raise errors.InvalidArgumentError(
            None, ctx.op, "clip_value_min and clip_value_max must be scalars or have the shape "
            "of t %s, got %s and %s" % (list(np.shape(t)), list(np.shape(lo)),
                                        list(np.shape(hi))))
    return out.astype(t.dtype, copy=False)


def _clip_by_value_shape(op):
    t = op._inputs[0].shape
    full = broadcast_shape(op)[0]
    if not full.is_compatible_with(t):
        raise ValueError("Shapes %s and %s are incompatible: the clip bounds must broadcast "
                         "to t's shape" % (full, t))
    return [t.merge_with(full) if full.ndims == t.ndims else t]


def _clip_by_value_grad(op, g):
    t, lo, hi = op._inputs
    # y = min(max(t, lo), hi): dt = G inside [lo, hi], dlo = G where t < lo, dhi = G where t > hi
    below, above = less(t, lo), greater(t, hi)
    inside = cast(logical_not(logical_or(below, above)), g.dtype)
    return [g * inside, g * cast(below, g.dtype), g * cast(above, g.dtype)]


register("ClipByValue", _clip_by_value_kernel, _clip_by_value_shape, _clip_by_value_grad)


# -- Comparisons: Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual -------------------
def less(x, y, name=None):
    """Element-wise ``x < y`` (bool, broadcasting).

    Example:
        >>> tf.less(tf.constant([1, 5]), 3)   # [True, False]
    """
    return typed_binary("Less", x, y, name, REAL, out_dtype=dtypes.bool)


register("Less", cwise_kernel(np.less), broadcast_shape, NO_GRADIENT)


def less_equal(x, y, name=None):
    """Element-wise ``x <= y`` (bool, broadcasting).

    Example:
        >>> tf.less_equal(tf.constant([1, 3]), 3)   # [True, True]
    """
    return typed_binary("LessEqual", x, y, name, REAL, out_dtype=dtypes.bool)


register("LessEqual", cwise_kernel(np.less_equal), broadcast_shape, NO_GRADIENT)


def greater(x, y, name=None):
    """Element-wise ``x > y`` (bool, broadcasting).

    Example:
        >>> tf.greater(tf.constant([1, 5]), 3)   # [False, True]
    """
    return typed_binary("Greater", x, y, name, REAL, out_dtype=dtypes.bool)


register("Greater", cwise_kernel(np.greater), broadcast_shape, NO_GRADIENT)


def greater_equal(x, y, name=None):
    """Element-wise ``x >= y`` (bool, broadcasting).

    Example:
        >>> tf.greater_equal(tf.constant([1, 3]), 3)   # [False, True]
    """
    return typed_binary("GreaterEqual", x, y, name, REAL, out_dtype=dtypes.bool)


register("GreaterEqual", cwise_kernel(np.greater_equal), broadcast_shape, NO_GRADIENT)


def _equal_np(x, y):
    return np.asarray(x == y) if x.dtype == object else np.equal(x, y)


def equal(x, y, name=None):
    """Element-wise ``x == y`` (bool, broadcasting); works on any dtype, strings too.

    Example:
        >>> tf.equal(tf.constant(["a", "b"]), "a")   # [True, False]
    """
    return binary("Equal", x, y, name, out_dtype=dtypes.bool)


register("Equal", cwise_kernel(_equal_np), broadcast_shape, NO_GRADIENT)


def not_equal(x, y, name=None):
    """Element-wise ``x != y`` (bool, broadcasting); works on any dtype, strings too.

    Example:
        >>> tf.not_equal(tf.constant([1, 2]), 2)   # [True, False]
    """
    return binary("NotEqual", x, y, name, out_dtype=dtypes.bool)


register("NotEqual", cwise_kernel(lambda x, y: np.logical_not(_equal_np(x, y))), broadcast_shape,
         NO_GRADIENT)


# -- LogicalAnd, LogicalOr, logical_xor ----------------------------------------------------
def logical_and(x, y, name=None):
    """Element-wise boolean AND (the ``&`` operator on bool tensors).

    Example:
        >>> tf.logical_and(tf.constant([True, True]), [True, False])   # [True, False]
    """
    return typed_binary("LogicalAnd", x, y, name, (dtypes.bool,))


register("LogicalAnd", cwise_kernel(np.logical_and), broadcast_shape, NO_GRADIENT)


def logical_or(x, y, name=None):
    """Element-wise boolean OR (the ``|`` operator on bool tensors).

    Example:
        >>> tf.logical_or(tf.constant([False, True]), [False, False])   # [False, True]
    """
    return typed_binary("LogicalOr", x, y, name, (dtypes.bool,))


register("LogicalOr", cwise_kernel(np.logical_or), broadcast_shape, NO_GRADIENT)


def logical_xor(x, y, name="LogicalXor"):
    """Element-wise boolean XOR, built as ``(x | y) & ~(x & y)`` as in TF.

    Example:
        >>> tf.logical_xor(tf.constant([True, True]), [True, False])   # [False, True]
    """
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# == Sequences and other helpers =======================================================
# -- LinSpace --------------------------------------------------------------------------
def lin_space(start, stop, num, name=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive.

    Example:
        >>> tf.lin_space(10.0, 12.0, 3)   # [10., 11., 12.]
    """
    start, stop = convert_pair(start, stop)
    check_same_dtype("LinSpace", start, stop)
    check_dtype("LinSpace", start, FLOATS, "start")
    num = num if isinstance(num, Tensor) else convert_to_tensor(num, dtype=dtypes.int32)
    check_dtype("LinSpace", num, (dtypes.int32, dtypes.int64), "num")
    return make_op("LinSpace", [start, stop, num], [start.dtype], name,
                   {"T": start.dtype, "Tidx": num.dtype})._outputs[0]


linspace = lin_space


def _lin_space_kernel(ctx, start, stop, num):
    for v, what in ((start, "start"), (stop, "stop"), (num, "num")):
        if np.ndim(v) != 0:
            raise errors.InvalidArgumentError(
                None, ctx.op, "%s must be a scalar, not shape %s" % (what, list(np.shape(v))))
    if num <= 0:
        raise errors.InvalidArgumentError(None, ctx.op, "Requires num > 0: %d" % num)
    return np.linspace(start, stop, int(num)).astype(start.dtype)


def _lin_space_shape(op):
    for t in op._inputs:
        t.shape.assert_has_rank(0)
    n = const_value(op._inputs[2])
    if n is None:
        return [unknown_shape(1)]
    if n <= 0:
        raise ValueError("Requires num > 0: %d" % n)
    return [TensorShape([int(n)])]


register("LinSpace", _lin_space_kernel, _lin_space_shape, NO_GRADIENT)


# -- scalar_mul, accumulate_n (composites) -----------------------------------------------
def scalar_mul(scalar, x, name=None):
    """Multiply tensor ``x`` by the scalar ``scalar`` (converted to x's dtype).

    Example:
        >>> tf.scalar_mul(2., tf.constant([1., 2.]))   # [2., 4.]
    """
    x = convert_to_tensor(x)
    scalar = convert_to_tensor(scalar, dtype=x.dtype, name="scalar")
    if scalar.shape.ndims != 0:
        raise ValueError("Only scalar multiply works, got shape %s" % scalar.shape)
    return multiply(scalar, x, name=name)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """Element-wise sum of a list of tensors of the same shape and dtype.

    Example:
        >>> tf.accumulate_n([tf.ones([2]), tf.ones([2])])   # [2., 2.]
    """
    inputs = [convert_to_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype "
                         "and shape")
    s = TensorShape(None) if shape is None else TensorShape(shape)
    for t in inputs:
        if not t.shape.is_compatible_with(s):
            raise ValueError("Input tensor %s must have shape %s" % (t.name, s))
        s = s.merge_with(t.shape)
        if tensor_dtype is not None and t.dtype is not dtypes.as_dtype(tensor_dtype):
            raise TypeError("tensor_dtype is %s, but input is of type %s"
                            % (dtypes.as_dtype(tensor_dtype).name, t.dtype.name))
    return add_n(inputs, name=name)


mul, sub, neg = multiply, subtract, negative  # TF 0.x names the course still uses


override_operators({
    "add": lambda x, y: add(x, y, name="add"),
    "sub": lambda x, y: subtract(x, y, name="sub"),
    "mul": lambda x, y: multiply(x, y, name="mul"),
    "truediv": lambda x, y: truediv(x, y, name="truediv"),
    "floordiv": lambda x, y: floordiv(x, y, name="floordiv"),
    "mod": lambda x, y: floormod(x, y, name="mod"),
    "pow": lambda x, y: pow(x, y, name="pow"),
    "and": logical_and,
    "or": logical_or,
    "xor": logical_xor,
    "lt": less,
    "le": less_equal,
    "gt": greater,
    "ge": greater_equal,
    "neg": negative,
    "abs": abs,
    "invert": logical_not,
})
