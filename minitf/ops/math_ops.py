"""The math ops of TF 1.x's ``math_ops`` module, gathered from their family modules.

Each op lives in one family module (element-wise ops, reductions, linear
algebra); this module re-exports them under TF's module name.
"""
from minitf.ops.shape_ops import sum_to_shape  # noqa: F401
from minitf.ops.cwise_ops import (abs, accumulate_n, acos, acosh, add, add_n, asin, asinh, atan,
                                  atan2, atanh, cast, ceil, clip_by_value, cos, cosh, div,
                                  div_no_nan, divide, equal, erf, erfc, exp, expm1, floor,
                                  floor_div, floordiv, floormod, greater, greater_equal,
                                  is_finite, is_inf, is_nan, less, less_equal, lin_space,
                                  linspace, log, log1p, logical_and, logical_not, logical_or,
                                  logical_xor, maximum, minimum, mod, mul, multiply, neg,
                                  negative, not_equal, pow, range, realdiv, reciprocal, rint,
                                  round, rsqrt, scalar_mul, sigmoid, sign, sin, sinh, sqrt,
                                  square, squared_difference, sub, subtract, tan, tanh,
                                  to_double, to_float, to_int32, to_int64, truediv, truncatediv,
                                  truncatemod)  # noqa: F401
from minitf.ops.reduction_ops import (arg_max, arg_min, argmax, argmin, count_nonzero, cumprod,
                                      cumsum, reduce_all, reduce_any, reduce_logsumexp,
                                      reduce_max, reduce_mean, reduce_min, reduce_prod,
                                      reduce_sum)  # noqa: F401
from minitf.ops.linalg_ops import (einsum, matmul, matrix_determinant, matrix_inverse, norm,
                                   tensordot, trace)  # noqa: F401

__all__ = [
    # arithmetic
    "add", "add_n", "accumulate_n", "subtract", "multiply", "negative", "scalar_mul",
    "mul", "sub", "neg",
    # division
    "truediv", "realdiv", "divide", "div", "div_no_nan", "floordiv", "floor_div",
    "floormod", "mod", "truncatediv", "truncatemod",
    # unary element-wise
    "abs", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1", "log", "log1p",
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
    "atanh", "sigmoid", "erf", "erfc", "floor", "ceil", "round", "rint", "is_nan", "is_inf",
    "is_finite", "logical_not",
    # binary element-wise
    "pow", "maximum", "minimum", "squared_difference", "atan2", "clip_by_value",
    "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_xor",
    # reductions and scans
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any",
    "reduce_all", "reduce_logsumexp", "count_nonzero", "argmax", "argmin", "arg_max",
    "arg_min", "cumsum", "cumprod",
    # linear algebra
    "matmul", "matrix_determinant", "matrix_inverse", "trace",
    "tensordot", "einsum", "norm",
    # casts and sequences
    "cast", "to_double", "to_float", "to_int32", "to_int64", "range", "lin_space",
    "linspace",
]
