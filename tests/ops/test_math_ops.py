"""Forward, gradient and shape checks for minitf.ops.math_ops.

One table (``CASES``) drives the forward check (value vs numpy, static vs runtime
shape, with constants and unknown-shape placeholders) and the float64 gradient
check.  Targeted tests below cover TF 1.x semantics that are easy to get wrong.
"""
import math

import numpy as np
import pytest

import minitf as tf
from minitf.framework import op_registry
from minitf.ops.cwise_ops import _activation_grad
from tests.ops.optest import Case, check_forward, check_gradient

rng = np.random.RandomState(42)
A23 = rng.standard_normal((2, 3)).astype(np.float32)
B23 = rng.standard_normal((2, 3)).astype(np.float32)
B3 = rng.standard_normal(3).astype(np.float32)
C34 = rng.standard_normal((3, 4)).astype(np.float32)
E03 = np.zeros((0, 3), np.float32)


def uniform(lo, hi, shape, dtype=np.float32):
    return rng.uniform(lo, hi, shape).astype(dtype)


def away(shape, dtype=np.float32):
    """Values in ±[0.5, 2]: away from 0 (division, kinks)."""
    return (uniform(0.5, 2, shape, np.float64) * rng.choice([-1, 1], shape)).astype(dtype)


def ints(shape, lo=-6, hi=7, dtype=np.int32):
    return rng.randint(lo, hi, shape).astype(dtype)


def nonzero_ints(shape, dtype=np.int32):
    return (rng.randint(1, 5, shape) * rng.choice([-1, 1], shape)).astype(dtype)


def well_conditioned(shape, dtype=np.float64):
    n = shape[-1]
    return (rng.standard_normal(shape) * 0.5 + 2 * np.eye(n)).astype(dtype)


def np_erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(np.asarray(x).dtype)


def np_erfc(x):
    return np.vectorize(math.erfc, otypes=[np.float64])(x).astype(np.asarray(x).dtype)


def np_sigmoid(x):
    return (1 / (1 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


def np_trunc_div(x, y):
    return np.trunc(x.astype(np.float64) / y).astype(x.dtype)


def np_div_no_nan(x, y):
    with np.errstate(all="ignore"):
        return np.where(y == 0, 0, x / y).astype(x.dtype)


def np_logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def np_scan(fn, identity, x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = fn(x, axis=axis, dtype=x.dtype)
    if exclusive:
        pad = np.full_like(np.take(out, [0], axis=axis), identity)
        out = np.concatenate([pad, np.delete(out, -1, axis=axis)], axis=axis)
    return np.flip(out, axis) if reverse else out


# -- unary element-wise ops: (op type, function, reference, domain, int dtypes too?) --------
UNARY = [
    ("Abs", tf.abs, np.abs, away, True),
    ("Sign", tf.sign, np.sign, away, True),
    ("Square", tf.square, np.square, lambda s: uniform(-2, 2, s), True),
    ("Sqrt", tf.sqrt, np.sqrt, lambda s: uniform(0.5, 2, s), False),
    ("Rsqrt", tf.rsqrt, lambda x: 1 / np.sqrt(x), lambda s: uniform(0.5, 2, s), False),
    ("Reciprocal", tf.reciprocal, np.reciprocal, away, False),
    ("Exp", tf.exp, np.exp, lambda s: uniform(-2, 2, s), False),
    ("Expm1", tf.expm1, np.expm1, lambda s: uniform(-2, 2, s), False),
    ("Log", tf.log, np.log, lambda s: uniform(0.5, 3, s), False),
    ("Log1p", tf.log1p, np.log1p, lambda s: uniform(-0.5, 2, s), False),
    ("Sin", tf.sin, np.sin, lambda s: uniform(-3, 3, s), False),
    ("Cos", tf.cos, np.cos, lambda s: uniform(-3, 3, s), False),
    ("Tan", tf.tan, np.tan, lambda s: uniform(-1, 1, s), False),
    ("Asin", tf.asin, np.arcsin, lambda s: uniform(-0.8, 0.8, s), False),
    ("Acos", tf.acos, np.arccos, lambda s: uniform(-0.8, 0.8, s), False),
    ("Atan", tf.atan, np.arctan, lambda s: uniform(-3, 3, s), False),
    ("Sinh", tf.sinh, np.sinh, lambda s: uniform(-2, 2, s), False),
    ("Cosh", tf.cosh, np.cosh, lambda s: uniform(-2, 2, s), False),
    ("Tanh", tf.tanh, np.tanh, lambda s: uniform(-2, 2, s), False),
    ("Asinh", tf.asinh, np.arcsinh, lambda s: uniform(-2, 2, s), False),
    ("Acosh", tf.acosh, np.arccosh, lambda s: uniform(1.2, 3, s), False),
    ("Atanh", tf.atanh, np.arctanh, lambda s: uniform(-0.8, 0.8, s), False),
    ("Sigmoid", tf.sigmoid, np_sigmoid, lambda s: uniform(-4, 4, s), False),
    ("Erf", tf.erf, np_erf, lambda s: uniform(-2, 2, s), False),
    ("Erfc", tf.erfc, np_erfc, lambda s: uniform(-2, 2, s), False),
    ("Neg", tf.negative, np.negative, lambda s: uniform(-2, 2, s), True),
]
NOT_DIFFERENTIABLE_UNARY = [
    ("Floor", tf.floor, np.floor),
    ("Ceil", tf.ceil, np.ceil),
    ("Round", tf.round, np.round),
    ("Rint", tf.rint, np.rint),
]
HALVES = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.3, -0.7], np.float32)
SPECIAL = np.array([0., 1., -np.inf, np.inf, np.nan, -2.], np.float32)


def unary_cases():
    cases = []
    for op_type, fn, ref, domain, with_ints in UNARY:
        cases += [
            Case(op_type, fn, ref, [domain((2, 3))], rtol=1e-5, id=op_type + "-f32"),
            Case(op_type, fn, ref, [domain(()).astype(np.float64)], grad=False,
                 id=op_type + "-f64-scalar"),
            Case(op_type, fn, ref, [domain((0, 3))], grad=False, id=op_type + "-empty"),
        ]
        if with_ints:
            cases += [Case(op_type, fn, ref, [ints((2, 3), dtype=dt)],
                           id="%s-%s" % (op_type, np.dtype(dt).name))
                      for dt in (np.int32, np.int64)]
    for op_type, fn, ref in NOT_DIFFERENTIABLE_UNARY:
        cases += [
            Case(op_type, fn, ref, [HALVES], grad=False, id=op_type + "-halves"),
            Case(op_type, fn, ref, [HALVES.astype(np.float64).reshape(2, 4)], grad=False,
                 id=op_type + "-f64"),
            Case(op_type, fn, ref, [E03], grad=False, id=op_type + "-empty"),
        ]
    cases += [
        Case("Round", tf.round, lambda x: x, [ints((3,))], id="Round-int-identity"),
        Case("IsNan", tf.is_nan, np.isnan, [SPECIAL]),
        Case("IsInf", tf.is_inf, np.isinf, [SPECIAL]),
        Case("IsFinite", tf.is_finite, np.isfinite, [SPECIAL.astype(np.float64)]),
        Case("IsFinite", tf.is_finite, np.isfinite, [E03], id="IsFinite-empty"),
        Case("LogicalNot", tf.logical_not, np.logical_not, [np.array([True, False])]),
        Case("LogicalNot", lambda x: ~x, np.logical_not, [np.array(True)],
             id="LogicalNot-operator"),
        Case("Abs", lambda x: abs(x), np.abs, [away((4,))], id="Abs-operator"),
    ]
    return cases


# -- binary element-wise ops -------------------------------------------------------------
def binary_cases():
    X, Y = uniform(-2, 2, (2, 3)), away((3,))
    P = uniform(0.5, 2, (2, 3))
    N, J = ints((2, 3)), nonzero_ints((3,))
    I64, J64 = ints((4,), dtype=np.int64), nonzero_ints((4,), np.int64)
    cases = [
        # division
        Case("RealDiv", tf.truediv, np.true_divide, [X, Y], id="truediv-f32-broadcast"),
        Case("RealDiv", lambda a, b: a / b, np.true_divide,
             [away(()).astype(np.float64), X.astype(np.float64)], id="truediv-operator-scalar"),
        Case("RealDiv", tf.truediv, lambda a, b: a.astype(np.float64) / b, [N, J],
             id="truediv-int32-to-float64"),
        Case("RealDiv", tf.truediv, lambda a, b: a.astype(np.float32) / b,
             [ints((3,), dtype=np.int16), nonzero_ints((3,), np.int16)],
             id="truediv-int16-to-float32"),
        Case("RealDiv", tf.divide, np.true_divide, [X, Y], grad=False, id="divide"),
        Case("RealDiv", tf.realdiv, np.true_divide, [X.astype(np.float64), Y.astype(np.float64)],
             id="realdiv-f64"),
        Case("RealDiv", tf.realdiv, np_trunc_div, [N, J], id="realdiv-int-truncates"),
        Case("RealDiv", tf.truediv, np.true_divide, [E03, Y], id="truediv-empty"),
        Case("RealDiv", tf.div, np.true_divide, [X, Y], id="div-float"),
        Case("FloorDiv", tf.div, np.floor_divide, [N, J], id="div-int-floors"),
        Case("FloorDiv", tf.floordiv, np.floor_divide, [N, J], id="floordiv-int32"),
        Case("FloorDiv", lambda a, b: a // b, np.floor_divide, [I64, J64], id="floordiv-int64"),
        Case("FloorDiv", tf.floordiv, lambda a, b: np.floor(a / b), [X, Y], grad=False,
             id="floordiv-f32"),
        Case("FloorDiv", tf.floor_div, np.floor_divide, [E03.astype(np.int32), J],
             id="floordiv-empty"),
        Case("FloorMod", tf.floormod, np.mod, [N, J], id="floormod-int32"),
        Case("FloorMod", lambda a, b: a % b, np.mod, [I64, J64], id="floormod-operator-int64"),
        Case("FloorMod", tf.mod, np.mod, [X, Y], id="mod-f32"),
        Case("FloorMod", tf.mod, np.mod, [away(()).astype(np.float64), np.float64(0.7)],
             id="mod-scalar"),
        Case("TruncateDiv", tf.truncatediv, np_trunc_div, [N, J]),
        Case("TruncateDiv", tf.truncatediv, np_trunc_div, [I64, J64], id="TruncateDiv-int64"),
        Case("TruncateMod", tf.truncatemod, np.fmod, [N, J]),
        Case("TruncateMod", tf.truncatemod, np.fmod, [X, Y], id="TruncateMod-f32"),
        Case("DivNoNan", tf.div_no_nan, np_div_no_nan,
             [X, np.array([0., 1.5, -2.], np.float32)], grad=False, id="DivNoNan-zeros"),
        Case("DivNoNan", tf.div_no_nan, np_div_no_nan, [X, Y], id="DivNoNan-grad"),
        # powers and extremes
        Case("Pow", tf.pow, np.power, [P, Y], rtol=1e-5),
        Case("Pow", lambda a, b: a ** b, np.power, [P.astype(np.float64), np.float64(2.5)],
             id="Pow-operator-scalar"),
        Case("Pow", tf.pow, np.power, [N, np.abs(J)], id="Pow-int32"),
        Case("Pow", tf.pow, np.power, [E03, Y], id="Pow-empty"),
        Case("Maximum", tf.maximum, np.maximum, [X, Y], id="Maximum-broadcast"),
        Case("Maximum", tf.maximum, np.maximum, [I64, J64], id="Maximum-int64"),
        Case("Maximum", tf.maximum, np.maximum, [np.float64(0.3), X.astype(np.float64)],
             id="Maximum-scalar"),
        Case("Minimum", tf.minimum, np.minimum, [X, Y], id="Minimum-broadcast"),
        Case("Minimum", tf.minimum, np.minimum, [N, J], id="Minimum-int32"),
        Case("Minimum", tf.minimum, np.minimum, [E03, Y], id="Minimum-empty"),
        Case("SquaredDifference", tf.squared_difference, lambda a, b: np.square(a - b), [X, Y]),
        Case("SquaredDifference", tf.squared_difference, lambda a, b: np.square(a - b), [N, J],
             id="SquaredDifference-int32"),
        Case("Atan2", tf.atan2, np.arctan2, [X, Y], rtol=1e-5),
        Case("Atan2", tf.atan2, np.arctan2, [X.astype(np.float64), np.float64(-1.0)],
             id="Atan2-scalar"),
        Case("ClipByValue", lambda t, lo, hi: tf.clip_by_value(t, lo, hi),
             lambda t, lo, hi: np.clip(t, lo, hi), [X, np.float32(-0.55), np.float32(0.45)],
             id="ClipByValue-scalar-bounds"),
        Case("ClipByValue", lambda t, lo, hi: tf.clip_by_value(t, lo, hi),
             lambda t, lo, hi: np.minimum(np.maximum(t, lo), hi),
             [X, uniform(-1, -0.1, (3,)), uniform(0.1, 1, (2, 3))], id="ClipByValue-broadcast"),
        Case("ClipByValue", lambda t: tf.clip_by_value(t, -2, 3),
             lambda t: np.clip(t, -2, 3), [N], id="ClipByValue-int32"),
    ]
    # comparisons and logic
    for op_type, fn, ref in [("Less", tf.less, np.less),
                             ("LessEqual", tf.less_equal, np.less_equal),
                             ("Greater", tf.greater, np.greater),
                             ("GreaterEqual", tf.greater_equal, np.greater_equal),
                             ("Equal", tf.equal, np.equal),
                             ("NotEqual", tf.not_equal, np.not_equal)]:
        cases += [
            Case(op_type, fn, ref, [N, J % 3], id=op_type + "-int32-broadcast"),
            Case(op_type, fn, ref, [np.round(X), np.round(Y)], id=op_type + "-f32"),
            Case(op_type, fn, ref, [np.float64(0.5), np.array([0., 0.5, 1.])],
                 id=op_type + "-f64-scalar"),
            Case(op_type, fn, ref, [E03, Y], id=op_type + "-empty"),
        ]
    strings = np.array([b"a", b"bc", b""], dtype=object)
    cases += [
        Case("Less", lambda a, b: a < b, np.less, [I64, J64], id="Less-operator"),
        Case("GreaterEqual", lambda a, b: a >= b, np.greater_equal, [X, Y],
             id="GreaterEqual-operator"),
        Case("Equal", tf.equal, lambda a, b: np.array([x == y for x, y in zip(a, b)]),
             [strings, np.array([b"a", b"b", b""], dtype=object)], id="Equal-string"),
        Case("NotEqual", lambda a: tf.not_equal(a, "bc"), lambda a: np.array(
            [x != b"bc" for x in a]), [strings], id="NotEqual-string-scalar"),
    ]
    TF = np.array([[True, False, True], [False, False, True]])
    T3 = np.array([True, False, False])
    cases += [
        Case("LogicalAnd", tf.logical_and, np.logical_and, [TF, T3]),
        Case("LogicalAnd", lambda a, b: a & b, np.logical_and, [TF, np.array(True)],
             id="LogicalAnd-operator"),
        Case("LogicalOr", tf.logical_or, np.logical_or, [TF, T3]),
        Case("LogicalOr", lambda a, b: a | b, np.logical_or, [TF, TF], id="LogicalOr-operator"),
        Case("LogicalAnd", tf.logical_xor, np.logical_xor, [TF, T3], id="logical_xor"),
        Case("LogicalAnd", lambda a, b: a ^ b, np.logical_xor, [TF, T3],
             id="logical_xor-operator"),
    ]
    return cases


# -- reductions ----------------------------------------------------------------------------
def reduction_cases():
    X = rng.permutation(24).reshape(2, 3, 4).astype(np.float32) / 4 - 3  # distinct values
    N = ints((3, 4))
    B = np.array([[True, False, False], [False, False, False]])
    cases = []
    for op_type, fn, ref in [("Max", tf.reduce_max, np.max), ("Min", tf.reduce_min, np.min),
                             ("Prod", tf.reduce_prod, np.prod)]:
        cases += [
            Case(op_type, fn, ref, [X], rtol=1e-5, id=op_type + "-all"),
            Case(op_type, lambda x, f=fn: f(x, axis=1), lambda x, r=ref: r(x, axis=1), [X],
                 rtol=1e-5, id=op_type + "-axis1"),
            Case(op_type, lambda x, f=fn: f(x, axis=[0, -1], keepdims=True),
                 lambda x, r=ref: r(x, axis=(0, 2), keepdims=True), [X], rtol=1e-5,
                 id=op_type + "-axes-keepdims"),
            Case(op_type, lambda x, f=fn: f(x, reduction_indices=[1], keep_dims=True),
                 lambda x, r=ref: r(x, axis=1, keepdims=True), [N],
                 id=op_type + "-int32-tf1-args"),
            Case(op_type, lambda x, f=fn: f(x, 1),
                 lambda x, r=ref, i={"Max": -np.inf, "Min": np.inf, "Prod": 1}[op_type]:
                 r(x, axis=1, initial=i), [E03], id=op_type + "-empty"),
            Case(op_type, fn, ref, [np.float64(1.5)], id=op_type + "-scalar"),
        ]
    zeros1 = away((2, 3, 4), np.float64)
    zeros1[0, 1, 2] = 0.0
    zeros2 = zeros1.copy()
    zeros2[0, 0, 2] = 0.0
    cases += [
        Case("Prod", lambda x: tf.reduce_prod(x, 1), lambda x: np.prod(x, 1), [zeros1],
             id="Prod-grad-one-zero"),
        # With two zeros x_i = x_k = 0 in a group every entry's gradient is 0, but
        # ∂²y/∂x_i∂x_k is the product of the rest; the rule's 0 there is locally
        # constant and misses it (TF's cumprod rule divides by x): first order only.
        Case("Prod", lambda x: tf.reduce_prod(x, 1), lambda x: np.prod(x, 1), [zeros2],
             id="Prod-grad-two-zeros", grad_order=1),
        Case("Any", tf.reduce_any, np.any, [B]),
        Case("Any", lambda b: tf.reduce_any(b, 1), lambda b: np.any(b, 1), [B], id="Any-axis1"),
        Case("All", lambda b: tf.reduce_all(b, 0, keepdims=True),
             lambda b: np.all(b, 0, keepdims=True), [B], id="All-axis0"),
        Case("All", tf.reduce_all, np.all, [np.zeros((0, 2), bool)], id="All-empty"),
        Case("Sum", lambda x: tf.reduce_sum(x, axis=[0, 2]), lambda x: x.sum((0, 2)), [X],
             rtol=1e-5, id="Sum-two-axes"),
        Case("Sum", lambda x: tf.reduce_sum(x, 1), lambda x: x.sum(1), [N], id="Sum-int32"),
        Case("Sum", tf.reduce_sum, np.sum, [E03], id="Sum-empty"),
        Case("Mean", lambda x: tf.reduce_mean(x, [0, 2], keepdims=True),
             lambda x: x.mean((0, 2), keepdims=True), [X], rtol=1e-5, id="Mean-keepdims"),
        Case("Mean", lambda x: tf.reduce_mean(x, 1),
             lambda x: np.trunc(x.sum(1) / x.shape[1]).astype(x.dtype), [N],
             id="Mean-int32-axis-truncates"),
        Case("Max", tf.reduce_logsumexp, np_logsumexp, [X.astype(np.float64)], id="logsumexp"),
        Case("Max", lambda x: tf.reduce_logsumexp(x, 1, keepdims=True),
             lambda x: np_logsumexp(x, 1, keepdims=True), [X], rtol=1e-5,
             id="logsumexp-axis-keepdims"),
        Case("Max", lambda x: tf.reduce_logsumexp(x, -1), lambda x: np_logsumexp(x, -1),
             [np.array([[1000., 1000.], [-1000., 0.]])], id="logsumexp-large"),
        Case("NotEqual", tf.count_nonzero, lambda x: np.int64(np.count_nonzero(x)), [N],
             id="count_nonzero"),
        Case("NotEqual", lambda x: tf.count_nonzero(x, 1, dtype=tf.int32),
             lambda x: np.count_nonzero(x, 1).astype(np.int32), [np.round(X)],
             id="count_nonzero-axis-int32"),
        Case("NotEqual", tf.count_nonzero, lambda x: np.int64(2),
             [np.array([b"", b"a", b"bc"], dtype=object)], id="count_nonzero-strings"),
    ]
    for op_type, fn, ref in [("ArgMax", tf.argmax, np.argmax), ("ArgMin", tf.argmin, np.argmin)]:
        cases += [
            Case(op_type, fn, lambda x, r=ref: r(x, 0), [X], id=op_type + "-default-axis-0"),
            Case(op_type, lambda x, f=fn: f(x, 2), lambda x, r=ref: r(x, 2), [X],
                 id=op_type + "-axis2"),
            Case(op_type, lambda x, f=fn: f(x, dimension=-1, output_type=tf.int32),
                 lambda x, r=ref: r(x, -1).astype(np.int32), [N], id=op_type + "-dimension"),
            Case(op_type, lambda x, f=fn: f(x, 1), lambda x, r=ref: r(x, 1),
                 [np.zeros((0, 3), np.float64)], id=op_type + "-empty-batch"),
        ]
    for op_type, fn, npfn, ident, data in [
            ("Cumsum", tf.cumsum, np.cumsum, 0, uniform(-2, 2, (3, 4))),
            ("Cumprod", tf.cumprod, np.cumprod, 1, away((3, 4)))]:
        for axis in (0, 1, -1):
            for excl in (False, True):
                for rev in (False, True):
                    cases.append(Case(
                        op_type,
                        lambda x, f=fn, a=axis, e=excl, r=rev: f(x, a, exclusive=e, reverse=r),
                        lambda x, f=npfn, i=ident, a=axis, e=excl, r=rev: np_scan(f, i, x, a, e, r),
                        [data], rtol=1e-5, id="%s-axis%d%s%s" % (
                            op_type, axis, "-excl" if excl else "", "-rev" if rev else "")))
        cases += [
            Case(op_type, fn, lambda x, f=npfn, i=ident: np_scan(f, i, x, 0, False, False),
                 [ints((5,))], id=op_type + "-int32"),
            Case(op_type, lambda x, f=fn: f(x, 1, exclusive=True),
                 lambda x, f=npfn, i=ident: np_scan(f, i, x, 1, True, False), [E03],
                 id=op_type + "-empty"),
        ]
    return cases


# -- matrix products and linear algebra -------------------------------------------------
def linalg_cases():
    M = well_conditioned((3, 3))
    BM = well_conditioned((2, 3, 3))
    A, B = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    T = rng.standard_normal((2, 3, 4))
    return [
        Case("MatrixDeterminant", tf.matrix_determinant, np.linalg.det, [M], rtol=1e-10),
        Case("MatrixDeterminant", tf.matrix_determinant, np.linalg.det,
             [BM.astype(np.float32)], rtol=1e-5, id="MatrixDeterminant-batch-f32"),
        Case("MatrixDeterminant", tf.matrix_determinant, np.linalg.det,
             [np.zeros((0, 2, 2))], id="MatrixDeterminant-empty-batch"),
        Case("MatrixInverse", tf.matrix_inverse, np.linalg.inv, [BM], rtol=1e-10),
        Case("MatrixInverse", lambda x: tf.matrix_inverse(x, adjoint=True),
             lambda x: np.linalg.inv(np.swapaxes(x, -1, -2)), [BM], rtol=1e-10,
             id="MatrixInverse-adjoint"),
        Case("MatrixInverse", tf.matrix_inverse, np.linalg.inv, [M.astype(np.float32)],
             rtol=1e-5, id="MatrixInverse-f32"),
        Case("Sum", tf.trace, lambda x: np.trace(x, axis1=-2, axis2=-1), [T], id="trace-batch"),
        Case("Sum", tf.trace, np.trace, [ints((3, 3))], id="trace-int32"),
        Case("Einsum", lambda a, b: tf.einsum("ij,jk->ik", a, b), np.matmul, [A, B],
             id="einsum-matmul"),
        Case("Einsum", lambda a, b: tf.einsum("ij,jk", a, b), np.matmul,
             [A.astype(np.float32), B.astype(np.float32)], rtol=1e-5, id="einsum-implicit"),
        Case("Einsum", lambda a, b: tf.einsum("...ij,...jk->...ik", a, b), np.matmul,
             [rng.standard_normal((2, 2, 3)), B], id="einsum-ellipsis-broadcast"),
        Case("Einsum", lambda t: tf.einsum("bij->bj", t), lambda t: t.sum(1), [T],
             id="einsum-sum-out"),
        Case("Einsum", lambda t: tf.einsum("bij->", t), np.sum, [T], id="einsum-sum-all"),
        Case("Einsum", lambda a, b: tf.einsum("i,j->ij", a, b), np.outer,
             [A[0], B[0]], id="einsum-outer"),
        Case("Einsum", lambda a, b, c: tf.einsum("ij,jk,kl->il", a, b, c),
             lambda a, b, c: a @ b @ c, [A, B, rng.standard_normal((4, 2))],
             id="einsum-three"),
        Case("Einsum", lambda t: tf.einsum("...ij->...ji", t), lambda t: np.swapaxes(t, -1, -2),
             [T], id="einsum-transpose"),
        Case("Einsum", lambda t: tf.einsum("...ij->...", t), lambda t: t.sum((-2, -1)),
             [T], id="einsum-ellipsis-keeps-batch"),
        Case("Einsum", lambda a, b: tf.einsum("ij,jk->ik", a, b), np.matmul,
             [np.zeros((0, 3)), B], id="einsum-empty"),
        Case("Einsum", lambda a, b: tf.tensordot(a, b, 1), lambda a, b: np.tensordot(a, b, 1),
             [T, rng.standard_normal((4, 5))], known_rank=True, id="tensordot-int"),
        Case("Einsum", lambda a, b: tf.tensordot(a, b, [[0, 2], [2, 0]]),
             lambda a, b: np.tensordot(a, b, [[0, 2], [2, 0]]),
             [T, rng.standard_normal((4, 5, 2))], known_rank=True, id="tensordot-lists"),
        Case("Einsum", lambda a, b: tf.tensordot(a, b, 0), lambda a, b: np.tensordot(a, b, 0),
             [A, B[0]], known_rank=True, id="tensordot-outer"),
        Case("Sqrt", tf.norm, lambda x: np.linalg.norm(x.ravel()), [T], id="norm-default"),
        Case("Sqrt", lambda x: tf.norm(x, axis=1, keepdims=True),
             lambda x: np.linalg.norm(x, axis=1, keepdims=True), [T], id="norm-axis-keepdims"),
        Case("Sum", lambda x: tf.norm(x, ord=1, axis=-1), lambda x: np.linalg.norm(x, 1, -1),
             [T], id="norm-l1"),
        Case("Max", lambda x: tf.norm(x, ord=np.inf, axis=0),
             lambda x: np.linalg.norm(x, np.inf, 0), [T], id="norm-inf"),
        Case("Pow", lambda x: tf.norm(x, ord=3, axis=1),
             lambda x: np.sum(np.abs(x) ** 3, 1) ** (1 / 3), [T], id="norm-p3"),
        Case("Sqrt", lambda x: tf.norm(x, ord="fro", axis=[-2, -1]),
             lambda x: np.linalg.norm(x, "fro", (-2, -1)), [T], id="norm-fro"),
        Case("Max", lambda x: tf.norm(x, ord=1, axis=(1, 2)),
             lambda x: np.linalg.norm(x, 1, (1, 2)), [T], id="norm-matrix-1"),
        Case("Max", lambda x: tf.norm(x, ord=np.inf, axis=(1, 2), keepdims=True),
             lambda x: np.linalg.norm(x, np.inf, (1, 2), keepdims=True), [T],
             id="norm-matrix-inf-keepdims"),
    ]


def misc_cases():
    X = uniform(-2, 2, (2, 3))
    return [
        Case("LinSpace", tf.lin_space, lambda a, b, n: np.linspace(a, b, n).astype(a.dtype),
             [np.float32(10), np.float32(12), np.int32(5)], id="lin_space"),
        Case("LinSpace", tf.linspace, lambda a, b, n: np.linspace(a, b, n),
             [np.float64(-1), np.float64(1), np.int64(1)], id="linspace-one"),
        Case("Mul", lambda x: tf.scalar_mul(2.5, x), lambda x: 2.5 * x, [X], id="scalar_mul"),
        Case("AddN", lambda a, b: tf.accumulate_n([a, b, a]), lambda a, b: a + b + a,
             [X, uniform(-1, 1, (2, 3))], id="accumulate_n"),
        Case("Cast", lambda x: tf.to_float(x), lambda x: x.astype(np.float32), [ints((3,))],
             id="to_float"),
        Case("Cast", lambda x: tf.cast(x, tf.float64), lambda x: x.astype(np.float64), [X],
             id="Cast-f32-f64"),
        Case("Range", lambda n: tf.range(n), lambda n: np.arange(n, dtype=np.int32),
             [np.int32(4)], id="Range-limit-only"),
        Case("Range", lambda a, b, c: tf.range(a, b, c), lambda a, b, c: np.arange(a, b, c),
             [np.float32(1), np.float32(0), np.float32(-0.25)], id="Range-float-negative-delta"),
    ]


CASES = [
    Case("Add", tf.add, np.add, [A23, B3], id="Add-broadcast"),
    Case("Add", tf.add, np.add, [np.float32(2), np.float32(3)], id="Add-scalar"),
    Case("Add", tf.add, np.add, [np.zeros((0, 3), np.float32), B3], id="Add-empty"),
    Case("Add", tf.add, np.add, [np.arange(6, dtype=np.int32).reshape(2, 3),
                                 np.int32(4) * np.ones(3, np.int32)], id="Add-int32"),
    Case("Add", tf.add, lambda a, b: np.array([x + y for x, y in zip(a, b)], dtype=object),
         [np.array([b"ab", b""], dtype=object), np.array([b"c", b"d"], dtype=object)],
         id="Add-string"),
    Case("Sub", tf.subtract, np.subtract, [A23, B23]),
    Case("Sub", tf.subtract, np.subtract, [np.int64(3), np.arange(4)], id="Sub-int64-scalar"),
    Case("Mul", tf.multiply, np.multiply, [A23, B3]),
    Case("Mul", lambda a: a * 3, lambda a: a * np.int32(3), [np.arange(3, dtype=np.int32)],
         id="Mul-int32-python-number"),
    Case("AddN", lambda a, b: tf.add_n([a, b, a]), lambda a, b: a + b + a, [A23, B23]),
    Case("MatMul", tf.matmul, np.matmul, [A23, C34], rtol=1e-5),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True),
         lambda a, b: a.T @ b, [B23, A23], rtol=1e-5, id="MatMul-ta"),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_b=True),
         lambda a, b: a @ b.T, [A23, B23], rtol=1e-5, id="MatMul-tb"),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
         lambda a, b: a.T @ b.T, [C34, A23], rtol=1e-5, id="MatMul-ta-tb"),
    Case("MatMul", tf.matmul, np.matmul, [ints((2, 3)), ints((3, 2))], id="MatMul-int32"),
    Case("BatchMatMulV2", tf.matmul, np.matmul,
         [rng.standard_normal((4, 2, 3)), rng.standard_normal((3, 5))], rtol=1e-6),
    Case("Sum", lambda x: tf.reduce_sum(x, axis=1), lambda x: x.sum(1), [A23], rtol=1e-5),
    Case("Sum", lambda x: tf.reduce_sum(x, axis=0, keepdims=True),
         lambda x: x.sum(0, keepdims=True), [A23], rtol=1e-5, id="Sum-keepdims"),
    Case("Sum", tf.reduce_sum, np.sum, [A23], rtol=1e-5, id="Sum-all"),
    Case("Mean", lambda x: tf.reduce_mean(x, 0), lambda x: x.mean(0), [A23], rtol=1e-5),
    Case("Mean", tf.reduce_mean, lambda x: np.int32(np.trunc(x.sum() / x.size)),
         [np.array([1, 2, 4], np.int32)], id="Mean-int-truncates"),
    Case("Mean", tf.reduce_mean, lambda x: np.int32(np.trunc(x.sum() / x.size)),
         [np.array([-1, -2, -4], np.int32)], id="Mean-negative-int-truncates-toward-zero"),
    Case("Cast", lambda x: tf.cast(x, tf.int32), lambda x: x.astype(np.int32),
         [np.array([1.7, -1.7, 0.2], np.float32)], grad=False),
    Case("Range", lambda a, b, c: tf.range(a, b, c),
         lambda a, b, c: np.arange(a, b, c, dtype=np.int32),
         [np.int32(3), np.int32(18), np.int32(3)]),
] + unary_cases() + binary_cases() + reduction_cases() + linalg_cases() + misc_cases()

# The fused activation gradients (what tf.gradients of tanh and sigmoid builds).
_Y = np.array([[-0.7, 0.1, 0.5], [0.9, -0.2, 0.0]])
_DY = np.array([[0.3, -1.5, 2.0], [1.0, 0.4, -0.6]])
CASES += [
    Case("TanhGrad", lambda y, dy: _activation_grad("TanhGrad", y, dy),
         lambda y, dy: dy * (1 - y * y), [_Y, _DY]),
    Case("SigmoidGrad", lambda y, dy: _activation_grad("SigmoidGrad", y, dy),
         lambda y, dy: dy * y * (1 - y), [_Y * 0.5 + 0.5, _DY]),
]

# Rows whose op is registered not differentiable get no gradient check (their
# None gradients are asserted in test_not_differentiable_ops_give_none).
for _case in CASES:
    if op_registry.get(_case.op_type).grad is op_registry.NO_GRADIENT:
        _case.grad = False


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad and any(
    x.dtype.kind == "f" for x in c.inputs)], ids=repr)
def test_gradient(case):
    check_gradient(case)


def test_every_differentiable_op_in_the_table_has_a_gradient_row():
    graded = {c.op_type for c in CASES if c.grad and any(x.dtype.kind == "f" for x in c.inputs)}
    tabled = {c.op_type for c in CASES}
    missing = sorted(t for t in tabled - graded
                     if op_registry.get(t).grad is not op_registry.NO_GRADIENT)
    assert not missing, missing


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


# -- targeted TF 1.x semantics --------------------------------------------------------------
def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


@pytest.mark.parametrize("fn,op_type", [
    (tf.floordiv, "FloorDiv"), (tf.floormod, "FloorMod"), (tf.div, "FloorDiv"),
    (tf.truncatediv, "TruncateDiv"), (tf.truncatemod, "TruncateMod"),
    (tf.realdiv, "RealDiv"), (lambda a, b: a // b, "FloorDiv"), (lambda a, b: a % b, "FloorMod"),
])
def test_integer_division_by_zero_raises_and_session_survives(fn, op_type):
    with tf.Graph().as_default():
        x = tf.constant([7, -7, 3])
        d = tf.placeholder(tf.int32, [3])
        q = fn(x, d)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(q, {d: [1, 0, 2]})
            assert "Integer division by zero" in str(info.value)
            assert q.op.name in str(info.value) and op_type in str(info.value)
            assert info.value.op is q.op
            # the session is still usable, for this op and for others
            good = np.array([2, 3, -2], np.int32)
            ref = {"FloorDiv": np.floor_divide, "FloorMod": np.mod, "TruncateDiv": np_trunc_div,
                   "TruncateMod": np.fmod, "RealDiv": np_trunc_div}[op_type]
            np.testing.assert_array_equal(sess.run(q, {d: good}), ref(np.array([7, -7, 3]), good))
            assert sess.run(x + 1).tolist() == [8, -6, 4]


def test_float_division_by_zero_gives_inf_and_nan():
    got = run(tf.constant([1., -1., 0.]) / tf.constant(0.))
    assert got[0] == np.inf and got[1] == -np.inf and np.isnan(got[2])


def test_truediv_dtypes():
    with tf.Graph().as_default():
        assert (tf.constant([1, 2]) / tf.constant([2, 4])).dtype == tf.float64
        assert tf.truediv(tf.constant([1, 2], tf.int64), 2).dtype == tf.float64
        assert tf.truediv(tf.constant([1], tf.int8), tf.constant([2], tf.int8)).dtype == \
            tf.float32
        assert tf.truediv(tf.constant([1], tf.uint8), tf.constant([2], tf.uint8)).dtype == \
            tf.float32
        assert (tf.constant(1.0) / 4).dtype == tf.float32
        got = run(tf.constant([1, 7]) / 2)
        assert got.dtype == np.float64 and got.tolist() == [0.5, 3.5]
        with pytest.raises(TypeError, match="same dtype"):
            tf.truediv(tf.constant(1), tf.constant(1.0))


def test_floor_division_and_mod_follow_python_signs():
    xs = [-7, 7, -7, 7, -6, 0]
    ys = [2, 2, -2, -2, 3, -5]
    with tf.Graph().as_default():
        x, y = tf.constant(xs), tf.constant(ys)
        q, r, d, m, tq, tr = run([x // y, x % y, tf.div(x, y), tf.mod(x, y),
                                  tf.truncatediv(x, y), tf.truncatemod(x, y)])
        fq, fm = run([tf.constant(-7.5) // 2.0, tf.constant(-7.5) % 2.0])
    assert q.tolist() == [a // b for a, b in zip(xs, ys)]
    assert r.tolist() == [a % b for a, b in zip(xs, ys)]
    assert d.tolist() == q.tolist() and m.tolist() == r.tolist()
    assert all(v == 0 or (v > 0) == (b > 0) for v, b in zip(r.tolist(), ys))  # sign of divisor
    assert tq.tolist() == [int(a / b) for a, b in zip(xs, ys)]
    assert tr.tolist() == [int(math.fmod(a, b)) for a, b in zip(xs, ys)]
    assert fq == -4.0 and fm == -7.5 % 2.0


def test_div_is_python2_division():
    with tf.Graph().as_default():
        i, f = run([tf.div(tf.constant(-7), 2), tf.div(tf.constant(-7.0), 2.0)])
    assert i == -4 and i.dtype == np.int32
    assert f == -3.5 and f.dtype == np.float32


def test_reduce_mean_on_ints_truncates():
    with tf.Graph().as_default():
        x = tf.constant([[1, 2], [4, 4]])
        m_all, m0, m1 = run([tf.reduce_mean(x), tf.reduce_mean(x, 0), tf.reduce_mean(x, 1)])
        neg = run(tf.reduce_mean(tf.constant([-3, 0], tf.int64)))
    assert m_all == 2 and m_all.dtype == np.int32  # 11 / 4 = 2.75 -> 2
    assert m0.tolist() == [2, 3] and m1.tolist() == [1, 4]
    assert neg == -1 and neg.dtype == np.int64  # -1.5 truncates toward zero


def test_argmax_dtype_default_axis_and_aliases():
    with tf.Graph().as_default():
        x = tf.constant([[1., 9., 3.], [8., 2., 9.]])
        a = tf.argmax(x)
        assert a.dtype == tf.int64 and a.shape.as_list() == [3]
        b = tf.argmax(x, dimension=1)
        c = tf.arg_max(x, 1)
        d = tf.argmin(x, 1, output_type=tf.int32)
        assert d.dtype == tf.int32
        got = run([a, b, c, d])
    assert got[0].dtype == np.int64 and got[0].tolist() == [1, 0, 1]
    assert got[1].tolist() == [1, 2] and got[2].tolist() == [1, 2]
    assert got[3].dtype == np.int32 and got[3].tolist() == [0, 1]
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="both"):
            tf.argmax(tf.constant([1, 2]), axis=0, dimension=0)
        with pytest.raises(ValueError, match="range"):
            tf.argmax(tf.constant([1, 2]), axis=1)
        assert run(tf.argmax(tf.constant([3, 7, 7]))) == 1  # first index wins on ties


def gradients_of(build, *values):
    with tf.Graph().as_default():
        xs = [tf.constant(v, tf.float64) for v in values]
        return run(tf.gradients(build(*xs), xs))


def test_maximum_and_minimum_give_ties_to_x():
    x, y = [1., 2., 3.], [1., 5., 2.]
    gx, gy = gradients_of(tf.maximum, x, y)
    assert gx.tolist() == [1., 0., 1.] and gy.tolist() == [0., 1., 0.]
    gx, gy = gradients_of(tf.minimum, x, y)
    assert gx.tolist() == [1., 1., 0.] and gy.tolist() == [0., 0., 1.]


def test_reduce_max_and_min_split_gradient_among_ties():
    (g,) = gradients_of(tf.reduce_max, [1., 3., 3., 2.])
    assert g.tolist() == [0., 0.5, 0.5, 0.]
    (g,) = gradients_of(lambda x: tf.reduce_min(x, axis=1), [[1., 1., 1.], [2., 0., 5.]])
    np.testing.assert_allclose(g, [[1 / 3, 1 / 3, 1 / 3], [0., 1., 0.]])
    (g,) = gradients_of(lambda x: tf.reduce_max(x, axis=0, keepdims=True) * [[2., 3.]],
                        [[4., 1.], [4., 7.]])
    assert g.tolist() == [[1., 0.], [1., 3.]]


def test_mixed_dtypes_raise_type_error():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="Input 'y' of 'Add' Op has type float32 that does "
                                            "not match type int32 of argument 'x'"):
            tf.add(tf.constant(1), tf.constant(1.0))
        with pytest.raises(TypeError, match="Maximum"):
            tf.maximum(tf.constant([1.0]), tf.constant([1.0], tf.float64))
        with pytest.raises(TypeError):
            tf.constant(2) * 2.5  # 2.5 cannot become int32
        with pytest.raises(TypeError, match="not in list of allowed values"):
            tf.sqrt(tf.constant(4))
        with pytest.raises(TypeError, match="bool"):
            tf.logical_and(tf.constant(1.0), tf.constant(0.0))


def test_python_numbers_adopt_the_tensor_dtype():
    with tf.Graph().as_default():
        assert (tf.constant(2.0) * 3).dtype == tf.float32
        assert (3 * tf.constant(2.0, tf.float64)).dtype == tf.float64
        assert (tf.constant(2) * 3).dtype == tf.int32
        assert (tf.constant(2, tf.int64) + 1).dtype == tf.int64
        assert tf.maximum(tf.constant([1.5], tf.float64), 2).dtype == tf.float64
        assert tf.less(tf.constant([1], tf.int64), 2).dtype == tf.bool
        assert tf.pow(2.0, tf.constant(3.0, tf.float64)).dtype == tf.float64
        assert run(tf.constant(2.0) * 3) == np.float32(6.0)


def test_round_is_bankers_rounding():
    got = run(tf.round(tf.constant([0.5, 1.5, 2.5, 3.5, -0.5, -2.5, 2.4999])))
    assert got.tolist() == [0., 2., 2., 4., -0., -2., 2.]


def test_not_differentiable_ops_give_none():
    with tf.Graph().as_default():
        x = tf.constant([1.2, -0.7])
        for fn in (tf.floor, tf.ceil, tf.round, tf.rint, lambda v: v // 2.0,
                   lambda v: tf.cast(tf.greater(v, 0.0), tf.float32),
                   lambda v: tf.cast(tf.argmax(v), tf.float32)):
            assert tf.gradients(fn(x), x) == [None]
        # sign is differentiable with a zero gradient, as in TF
        assert run(tf.gradients(tf.sign(x), x)[0]).tolist() == [0., 0.]


def test_pow_gradient_wrt_exponent_is_zero_for_nonpositive_base():
    gx, gy = gradients_of(tf.pow, [0., -2., 2.], [2., 2., 3.])
    assert gx.tolist() == [0., -4., 12.]
    assert gy.tolist() == [0., 0., 8. * math.log(2.)]


def _ancestor_ops(t):
    seen, todo = set(), [t.op]
    while todo:
        op = todo.pop()
        if op not in seen:
            seen.add(op)
            todo.extend(i.op for i in op.inputs)
    return seen


def test_sqrt_sigmoid_tanh_gradients_use_the_output():
    with tf.Graph().as_default():
        x = tf.constant([0.5, 2.0])
        for fn in (tf.sqrt, tf.sigmoid, tf.tanh, tf.exp):
            y = fn(x)
            (g,) = tf.gradients(y, x)
            ops = _ancestor_ops(g)
            assert y.op in ops  # the rule reads y ...
            assert [op for op in ops if op.type == y.op.type] == [y.op]  # ... not recomputes it


def test_second_order_gradients():
    (g2,) = gradients_of(lambda x: tf.gradients(tf.reduce_sum(tf.tanh(x) * x ** 3), x)[0],
                         [0.3, -1.2])
    x = np.array([0.3, -1.2])
    t = np.tanh(x)
    d1 = lambda v: (1 - np.tanh(v) ** 2) * v ** 3 + np.tanh(v) * 3 * v ** 2  # noqa: E731
    np.testing.assert_allclose(g2, (d1(x + 1e-6) - d1(x - 1e-6)) / 2e-6, rtol=1e-5)
    assert t.shape == g2.shape


def test_reduce_logsumexp_is_stable():
    with tf.Graph().as_default():
        x = tf.constant([[1000., 1000.], [-np.inf, 0.], [-np.inf, -np.inf]], tf.float64)
        got = run(tf.reduce_logsumexp(x, axis=1))
    np.testing.assert_allclose(got[:2], [1000 + np.log(2), 0.0])
    assert got[2] == -np.inf
    (g,) = gradients_of(tf.reduce_logsumexp, [1000., 1000.])
    np.testing.assert_allclose(g, [0.5, 0.5])


def test_reductions_of_empty_tensors():
    with tf.Graph().as_default():
        e = tf.zeros([0, 2])
        got = run([tf.reduce_max(e, 0), tf.reduce_min(e, 0), tf.reduce_prod(e, 0),
                   tf.reduce_sum(e, 0), tf.reduce_any(tf.zeros([0], tf.bool)),
                   tf.reduce_all(tf.zeros([0], tf.bool))])
    assert got[0].tolist() == [-np.inf] * 2 and got[1].tolist() == [np.inf] * 2
    assert got[2].tolist() == [1., 1.] and got[3].tolist() == [0., 0.]
    assert not got[4] and got[5]
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.InvalidArgumentError, match="empty"):
            run(tf.argmax(tf.zeros([0, 3]), 0))


def test_count_nonzero_is_int64():
    with tf.Graph().as_default():
        c = tf.count_nonzero(tf.constant([[0., 1.], [2., 0.]]))
        assert c.dtype == tf.int64
        assert run(c) == 2


def test_integer_pow_with_negative_exponent_raises():
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.InvalidArgumentError, match="negative"):
            run(tf.pow(tf.constant([2, 3]), tf.constant([1, -1])))


def test_matrix_inverse_of_singular_matrix_raises():
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
            run(tf.matrix_inverse(tf.constant([[1., 2.], [2., 4.]])))
        with pytest.raises(ValueError, match="Dimensions must be equal"):
            tf.matrix_determinant(tf.zeros([2, 3]))


def test_clip_by_value_gradient_passes_inside_the_range():
    gt, glo, ghi = gradients_of(lambda t, lo, hi: tf.clip_by_value(t, lo, hi) * [1., 2., 3.],
                                [-2., 0.5, 3.], 0., 1.)
    assert gt.tolist() == [0., 2., 0.] and glo == 1. and ghi == 3.
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="incompatible"):
            tf.clip_by_value(tf.zeros([3]), tf.zeros([2, 3]), 1.)


def test_equal_on_strings_and_broadcasting():
    with tf.Graph().as_default():
        got = run([tf.equal(tf.constant([["a", "b"], ["b", "c"]]), tf.constant(["b", "c"])),
                   tf.not_equal(tf.constant("x"), "y")])
    assert got[0].tolist() == [[False, False], [True, True]] and got[1]


def test_static_shapes_of_reductions_and_broadcasts():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3, 4])
        assert tf.reduce_max(x, 1).shape.as_list() == [None, 4]
        assert tf.reduce_prod(x, [0, 2], keepdims=True).shape.as_list() == [1, 3, 1]
        assert tf.argmin(x, -1).shape.as_list() == [None, 3]
        assert tf.cumsum(x, 2).shape.as_list() == [None, 3, 4]
        assert tf.maximum(x, tf.zeros([4])).shape.as_list() == [None, 3, 4]
        assert tf.less(x, 0.0).dtype == tf.bool
        assert tf.einsum("bij,jk->bik", x, tf.zeros([4, 5])).shape.as_list() == [None, 3, 5]
        assert tf.matrix_determinant(tf.zeros([7, 3, 3])).shape.as_list() == [7]
        assert tf.lin_space(0., 1., 4).shape.as_list() == [4]
        with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 4"):
            tf.maximum(tf.zeros([2, 3]), tf.zeros([4]))
        with pytest.raises(ValueError, match="Dimensions must be equal"):
            tf.einsum("ij,jk->ik", tf.zeros([2, 3]), tf.zeros([4, 5]))


def test_einsum_and_tensordot_errors():
    with tf.Graph().as_default():
        a = tf.zeros([2, 3])
        with pytest.raises(ValueError, match="needs 2 inputs"):
            tf.einsum("ij,jk->ik", a)
        with pytest.raises(ValueError, match="does not appear"):
            tf.einsum("ij->iz", a)
        with pytest.raises(ValueError, match="known rank"):
            tf.tensordot(tf.placeholder(tf.float32), a, 1)
        x = tf.zeros([2, 2])
        assert run(tf.einsum("ii->i", tf.constant([[1., 2.], [3., 4.]]))).tolist() == [1., 4.]
        with pytest.raises(ValueError, match="not supported"):
            tf.gradients(tf.einsum("ii->i", x), x)


def test_norm_rejects_unsupported_orders():
    with tf.Graph().as_default():
        x = tf.zeros([2, 3])
        with pytest.raises(ValueError, match="vector norm"):
            tf.norm(x, ord=-1)
        with pytest.raises(ValueError, match="matrix norm"):
            tf.norm(x, ord=2, axis=[0, 1])


def test_scalar_mul_and_accumulate_n_validate():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Only scalar multiply"):
            tf.scalar_mul(tf.constant([1., 2.]), tf.zeros([2]))
        with pytest.raises(ValueError, match="shape"):
            tf.accumulate_n([tf.zeros([2]), tf.zeros([3])])
        assert run(tf.accumulate_n([tf.ones([2])], shape=[2])).tolist() == [1., 1.]


def test_lin_space_requires_positive_num():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        with pytest.raises(tf.errors.InvalidArgumentError, match="num > 0"):
            run(tf.lin_space(0., 1., n), {n: 0})
