"""Matrix ops: diagonals and band parts, MatMul, determinants, inverses,
Einsum and the composites built on them (trace, tensordot, norm).

Each op is one block: public wrapper, registration, shape function, gradient.
Gradient rules use only public ops, so higher-order gradients work.
"""
import builtins

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_to_tensor, get_default_graph, override_operators
from minitf.framework.op_registry import register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.kernels import blas
from minitf.ops import cwise_ops, fill_ops, shape_ops
from minitf.ops.constant_ops import constant
from minitf.ops.cwise_ops import abs, cast, equal, negative, pow, sqrt
from minitf.ops.fill_ops import ones, zeros_like
from minitf.ops.op_util import (FLOATS, NUMERIC, broadcast_static, check_dtype, check_same_dtype,
                                const_value, dims_text, index_tensor, invalid, is_tensor_like,
                                make_op, op_scope, static_dims, typed_unary, unary)
from minitf.ops.reduction_ops import cumsum, reduce_max, reduce_sum
from minitf.ops.shape_ops import reduced_shape


# -- MatMul ---------------------------------------------------------------------------
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product ``a @ b``; inputs of rank > 2 are batched over leading dims.

    Example:
        >>> tf.matmul(tf.ones([2, 3]), tf.ones([3, 4]))   # shape (2, 4), all 3s
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    check_same_dtype("MatMul", a, b)
    # As TF: an input of unknown rank may be batched, so it takes BatchMatMulV2 (whose
    # shape function allows any rank >= 2) rather than MatMul's rank-2 promise.
    batched = any(t.shape.ndims is None or t.shape.ndims > 2 for t in (a, b))
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
    return blas.matmul(a, b)


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


# == Linear algebra ===================================================================
def _square_matrices_shape(op):
    """Shape of a batch of square matrices ``[..., n, n]`` (TF's error when not square)."""
    s = op._inputs[0].shape.with_rank_at_least(2)
    if s.ndims is not None:
        m, n = s.as_list()[-2:]
        if m is not None and n is not None and m != n:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (m, n))
    return s


def _check_square(ctx, x):
    if np.ndim(x) < 2:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Input must have rank >= 2, got %d" % np.ndim(x))
    if x.shape[-1] != x.shape[-2]:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Input matrices must be square, got %d != %d"
            % (x.shape[-2], x.shape[-1]))


# -- MatrixDeterminant -----------------------------------------------------------------
def matrix_determinant(input, name=None):  # noqa: A002
    """Determinant of each square matrix in ``input`` (shape ``[..., n, n]`` -> ``[...]``).

    Example:
        >>> tf.matrix_determinant(tf.constant([[2., 0.], [0., 3.]]))   # 6.
    """
    return typed_unary("MatrixDeterminant", input, name, FLOATS)


def _matrix_determinant_kernel(ctx, x):
    _check_square(ctx, x)
    return np.asarray(np.linalg.det(x)).astype(x.dtype, copy=False)


def _matrix_determinant_shape(op):
    s = _square_matrices_shape(op)
    return [s if s.ndims is None else s[:-2]]


def _matrix_determinant_grad(op, g):
    a = op._inputs[0]
    # d det A = det A · tr(A⁻¹ dA): dA = G · det A · A⁻ᵀ
    scale = shape_ops.reshape(g * op._outputs[0],
                              reduced_shape(shape_ops.shape(a), [-2, -1]))
    return [scale * matrix_inverse(a, adjoint=True)]


register("MatrixDeterminant", _matrix_determinant_kernel, _matrix_determinant_shape,
         _matrix_determinant_grad)


# -- MatrixInverse ---------------------------------------------------------------------
def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """Inverse of each square matrix in ``input`` (``[..., n, n]``).

    With ``adjoint=True`` it inverts the (conjugate) transposes instead.  A
    singular matrix raises InvalidArgumentError.

    Example:
        >>> tf.matrix_inverse(tf.constant([[2., 0.], [0., 4.]]))   # [[0.5, 0.], [0., 0.25]]
    """
    x = convert_to_tensor(input)
    check_dtype("MatrixInverse", x, FLOATS, "input")
    return unary("MatrixInverse", x, name, {"adjoint": bool(adjoint), "T": x.dtype})


def _matrix_inverse_kernel(ctx, x):
    _check_square(ctx, x)
    if ctx.attrs["adjoint"]:
        x = np.swapaxes(x, -1, -2)
    try:
        return np.linalg.inv(x).astype(x.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise errors.InvalidArgumentError(None, ctx.op, "Input is not invertible.") from None


def _matrix_inverse_grad(op, g):
    y = op._outputs[0]
    # Y = A⁻¹, dY = -Y dA Y: dA = -Yᵀ G Yᵀ; with adjoint (Y = A⁻ᵀ): dA = -Y Gᵀ Y
    if op._attrs["adjoint"]:
        return [negative(matmul(y, matmul(g, y, transpose_a=True)))]
    return [negative(matmul(y, matmul(g, y, transpose_b=True), transpose_a=True))]


register("MatrixInverse", _matrix_inverse_kernel, lambda op: [_square_matrices_shape(op)],
         _matrix_inverse_grad)


# -- trace (composite) -----------------------------------------------------------------
def trace(x, name=None):
    """Sum of the main diagonal of each matrix in ``x`` (``[..., m, n]`` -> ``[...]``).

    Example:
        >>> tf.trace(tf.constant([[1, 2], [3, 4]]))   # 5
    """
    x = convert_to_tensor(x)
    check_dtype("trace", x, NUMERIC)
    x.shape.with_rank_at_least(2)
    with x.graph.name_scope(name or "Trace"):
        # diagonal mask: the running count along the rows equals the one along the columns
        ones = fill_ops.ones_like(x, dtype=dtypes.int32)
        diag = cast(equal(cumsum(ones, -1), cumsum(ones, -2)), x.dtype)
        return reduce_sum(x * diag, [-2, -1])


# -- Einsum ----------------------------------------------------------------------------
def einsum(equation, *inputs, **kwargs):
    """Tensor contraction described by Einstein notation, e.g. ``"ij,jk->ik"``.

    Each input gets one letter per dimension; letters repeated across inputs are
    multiplied together, letters missing from the output are summed over.  ``...``
    stands for broadcast batch dimensions.  Without ``->`` the output lists the
    letters that appear once, in alphabetical order.  The gradient supports
    equations without a letter repeated inside one input.

    Example:
        >>> tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 4]))   # 2x4, all 3s
        >>> tf.einsum("bi,bi->b", u, v)                               # batched dot
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("invalid keyword arguments for einsum: %s" % ", ".join(kwargs))
    xs = [convert_to_tensor(x) for x in inputs]
    if not xs:
        raise ValueError("einsum needs at least one input")
    for t in xs[1:]:
        check_same_dtype("Einsum", xs[0], t)
    ins, out = _parse_einsum(equation, len(xs))
    eq = ",".join(ins) + "->" + out
    return make_op("Einsum", xs, [xs[0].dtype], name,
                   {"equation": eq, "N": len(xs), "T": xs[0].dtype})._outputs[0]


def _labels(spec):
    """Subscript letters of one operand, with '...' as the single token '.'."""
    return list(spec.replace("...", "."))


def _parse_einsum(equation, n):
    eq = equation.replace(" ", "")
    if eq.count("->") > 1:
        raise ValueError("einsum equation %r has more than one '->'" % equation)
    lhs, _, rhs = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != n:
        raise ValueError("einsum equation %r needs %d inputs, got %d" % (equation, len(ins), n))
    for spec in ins + [rhs]:
        body = spec.replace("...", "")
        if not (body.isalpha() or body == "") or not body.isascii() or spec.count("...") > 1:
            raise ValueError("Invalid einsum subscripts %r in %r" % (spec, equation))
    if "->" not in eq:
        letters = [c for spec in ins for c in _labels(spec) if c != "."]
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        rhs = ("..." if any("..." in s for s in ins) else "") + "".join(once)
    out = _labels(rhs)
    seen = {c for spec in ins for c in _labels(spec)}
    for c in out:
        if c not in seen:
            raise ValueError("Output subscript %r does not appear in the inputs of %r"
                             % (c, equation))
        if out.count(c) > 1:
            raise ValueError("Output subscript %r appears more than once in %r" % (c, equation))
    return ins, rhs


def _einsum_kernel(ctx, *xs):
    out = np.einsum(ctx.attrs["equation"], *xs, optimize=len(xs) > 2)
    return np.asarray(out).astype(xs[0].dtype, copy=False)


def _einsum_shape(op):
    ins, out = op._attrs["equation"].split("->")
    sizes, batch = {}, TensorShape([])
    for spec, t in zip(ins.split(","), op._inputs):
        labels = _labels(spec)
        if t.shape.ndims is None:
            if "." in labels:
                batch = None
            continue
        dims = t.shape.as_list()
        named = len(labels) - ("." in labels)
        if len(dims) < named or ("." not in labels and len(dims) != named):
            raise ValueError("Input of rank %d does not match the einsum subscripts '%s'"
                             % (len(dims), spec))
        if "." in labels:
            k, n_batch = labels.index("."), len(dims) - named
            if batch is not None:
                batch = broadcast_static(batch, TensorShape(dims[k:k + n_batch]))
            dims = dims[:k] + dims[k + n_batch:]
            labels = labels[:k] + labels[k + 1:]
        for c, d in zip(labels, dims):
            known = sizes.get(c)
            if d is not None and known is not None and d != known:
                raise ValueError("Dimensions must be equal, but are %d and %d" % (known, d))
            sizes[c] = known if d is None else d
    dims = []
    for c in _labels(out):
        if c != ".":
            dims.append(sizes.get(c))
        elif batch is None:
            return [unknown_shape()]
        else:
            dims.extend(batch.as_list())
    return [TensorShape(dims)]


def _einsum_grad(op, g):
    ins, out = op._attrs["equation"].split("->")
    specs = ins.split(",")
    grads = []
    for i, (spec, x) in enumerate(zip(specs, op._inputs)):
        labels = _labels(spec)
        if len(set(labels)) != len(labels):
            raise ValueError("The gradient of einsum %r is not supported: subscript repeated "
                             "within an input" % op._attrs["equation"])
        others = [j for j in builtins.range(len(specs)) if j != i]
        # dX = einsum(G and the other inputs -> X's subscripts); subscripts only X has were
        # summed in the forward pass, so the gradient is broadcast back along them.
        present = set(_labels(out)).union(*[set(_labels(specs[j])) for j in others])
        kept = [c for c in labels if c in present]
        sub = ",".join([out] + [specs[j] for j in others]) + "->" + "".join(kept).replace(
            ".", "...")
        if not others and _labels(out) == kept:
            gi = g
        else:
            gi = einsum(sub, g, *[op._inputs[j] for j in others])
        dropped = _einsum_axes(labels, [c for c in labels if c not in present], x)
        if dropped:
            full = shape_ops.shape(x)
            gi = shape_ops.broadcast_to(shape_ops.reshape(gi, reduced_shape(full, dropped)),
                                        full)
        grads.append(gi)
    return grads


def _einsum_axes(labels, which, x):
    """Axis indices of ``x`` that the subscripts ``which`` label (negative after '...')."""
    axes = []
    k = labels.index(".") if "." in labels else len(labels)
    for c in which:
        p = labels.index(c)
        if c == ".":
            if x.shape.ndims is None:
                raise ValueError("The gradient of einsum needs the rank of %s to sum out its "
                                 "'...' dimensions" % x.name)
            n_batch = x.shape.ndims - (len(labels) - 1)
            axes.extend(builtins.range(k, k + n_batch))
        else:
            axes.append(p if p < k else p - len(labels))
    return axes


register("Einsum", _einsum_kernel, _einsum_shape, _einsum_grad)


# -- tensordot (an einsum) ---------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def tensordot(a, b, axes, name=None):
    """Sum of products of ``a`` and ``b`` over the given axes.

    ``axes`` is an int N (the last N axes of ``a`` against the first N of ``b``) or
    a pair of axis lists ``[a_axes, b_axes]``.  The result has ``a``'s free axes,
    then ``b``'s.  Both inputs need a statically known rank.

    Example:
        >>> tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), 1)          # matmul, 2x4
        >>> tf.tensordot(tf.ones([2, 3]), tf.ones([2, 3]), [[0, 1], [0, 1]])   # 6.
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is None or rb is None:
        raise ValueError("tensordot needs inputs of known rank, got shapes %s and %s"
                         % (a.shape, b.shape))
    axes = const_value(axes) if isinstance(axes, Tensor) else axes
    if np.ndim(axes) == 0:
        n = int(axes)
        if n < 0 or n > ra or n > rb:
            raise ValueError("'axes' must be in [0, %d], got %d" % (builtins.min(ra, rb), n))
        a_axes, b_axes = list(builtins.range(ra - n, ra)), list(builtins.range(n))
    else:
        if len(axes) != 2:
            raise ValueError("'axes' must be an int or a pair of axis lists, got %r" % (axes,))
        a_axes = [int(v) % ra for v in np.ravel(axes[0])]
        b_axes = [int(v) % rb for v in np.ravel(axes[1])]
        if len(a_axes) != len(b_axes):
            raise ValueError("Different number of contraction axes 'a' and 'b', %d != %d"
                             % (len(a_axes), len(b_axes)))
    if ra + rb > len(_LETTERS):
        raise ValueError("tensordot supports at most %d dimensions in all" % len(_LETTERS))
    a_spec = _LETTERS[:ra]
    b_spec = "".join(a_spec[a_axes[b_axes.index(j)]] if j in b_axes else _LETTERS[ra + j]
                     for j in builtins.range(rb))
    out = "".join(c for i, c in enumerate(a_spec) if i not in a_axes) + "".join(
        c for j, c in enumerate(b_spec) if j not in b_axes)
    return einsum("%s,%s->%s" % (a_spec, b_spec, out), a, b, name=name or "Tensordot")


# -- norm (composite) --------------------------------------------------------------------
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Vector or matrix norm of ``tensor``.

    Args:
        tensor: a float tensor.
        ord: for vectors ``'euclidean'`` (= 2), 1, ``np.inf`` or any p > 0; for
            matrices (``axis`` a pair) ``'euclidean'``/``'fro'``, 1 (max column
            sum) or ``np.inf`` (max row sum).
        axis: None (all elements as one vector), an int, or a pair of ints.
        keepdims: keep the reduced dimensions with size 1.

    Example:
        >>> tf.norm(tf.constant([3., 4.]))           # 5.
        >>> tf.norm(tf.constant([3., -4.]), ord=1)   # 7.
    """
    if keepdims is None:
        keepdims = bool(keep_dims)
    x = convert_to_tensor(tensor)
    check_dtype("norm", x, FLOATS, "tensor")
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    matrix = isinstance(axis, (list, tuple))
    if matrix:
        if len(axis) != 2 or axis[0] == axis[1]:
            raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique "
                             "integers, got %s" % (axis,))
        if not (ord in ("euclidean", "fro") or ord in (1, np.inf)):
            raise ValueError("'ord' must be a supported matrix norm in ['euclidean', 'fro', "
                             "1, inf], got %s" % (ord,))
    elif not (ord == "euclidean" or (isinstance(ord, (int, float)) and ord > 0)):
        raise ValueError("'ord' must be a supported vector norm, got %s" % (ord,))
    with x.graph.name_scope(name or "norm"):
        if ord in ("euclidean", "fro") or (not matrix and ord == 2):
            out = sqrt(reduce_sum(x * x, axis, keepdims=True))
        elif matrix:
            inner, outer = (axis[0], axis[1]) if ord == 1 else (axis[1], axis[0])
            out = reduce_max(reduce_sum(abs(x), inner, keepdims=True), outer, keepdims=True)
        elif ord == 1:
            out = reduce_sum(abs(x), axis, keepdims=True)
        elif ord == np.inf:
            out = reduce_max(abs(x), axis, keepdims=True)
        else:
            out = pow(reduce_sum(pow(abs(x), float(ord)), axis, keepdims=True), 1.0 / ord)
        if not keepdims:
            out = reduce_sum(out, axis)  # drops the size-1 reduced dims
    return out


# -- Diag, DiagPart ---------------------------------------------------------------------------
def diag(diagonal, name=None):
    """A tensor with ``diagonal`` on its diagonal and zeros elsewhere.

    A rank-k input of shape ``D`` gives a rank-2k output of shape ``D + D`` with
    ``output[i..., i...] = diagonal[i...]``.

    Example:
        >>> tf.diag([1, 2, 3])   # [[1, 0, 0], [0, 2, 0], [0, 0, 3]]
    """
    with op_scope(name, "Diag", [diagonal]) as scope:
        d = convert_to_tensor(diagonal, name="diagonal")
        return make_op("Diag", [d], [d.dtype], scope)._outputs[0]


def _diag_kernel(ctx, d):
    if np.ndim(d) < 1:
        raise invalid(ctx, "Input must be at least rank 1, got 0")
    n = d.size
    out = np.zeros((n, n), dtype=d.dtype)
    out[np.arange(n), np.arange(n)] = np.ravel(d)
    return out.reshape(np.shape(d) * 2)


def _diag_shape(op):
    dims = static_dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if not dims:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    return [TensorShape(dims + dims)]


register("Diag", _diag_kernel, _diag_shape, lambda op, g: [diag_part(g)])


def diag_part(input, name=None):  # noqa: A002
    """The diagonal of a rank-2k tensor of shape ``D + D`` (the inverse of ``diag``).

    Example:
        >>> tf.diag_part([[1, 0], [0, 2]])   # [1, 2]
    """
    with op_scope(name, "DiagPart", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_op("DiagPart", [x], [x.dtype], scope)._outputs[0]


def _diag_part_kernel(ctx, x):
    nd = np.ndim(x)
    half = np.shape(x)[:nd // 2]
    if nd == 0 or nd % 2 or np.shape(x)[nd // 2:] != half:
        raise invalid(ctx, "Invalid shape %s: dimensions must be [D1,...,Dk,D1,...,Dk]"
                      % dims_text(list(np.shape(x))))
    n = int(np.prod(half))
    return np.reshape(x, (n, n))[np.arange(n), np.arange(n)].reshape(half)


def _diag_part_shape(op):
    dims = static_dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if not dims or len(dims) % 2:
        raise ValueError("Input must have even rank <= 6, input rank is %d" % len(dims))
    k = len(dims) // 2
    out = TensorShape(dims[:k]).merge_with(dims[k:])
    return [out]


register("DiagPart", _diag_part_kernel, _diag_part_shape, lambda op, g: [diag(g)])


# -- MatrixDiag, MatrixDiagPart, MatrixSetDiag, MatrixBandPart ------------------------------
def matrix_diag(diagonal, name=None):
    """Batched ``diag``: ``[..., N]`` -> ``[..., N, N]`` with the last dim on the diagonal.

    Example:
        >>> tf.matrix_diag([[1, 2], [3, 4]])   # [[[1, 0], [0, 2]], [[3, 0], [0, 4]]]
    """
    with op_scope(name, "MatrixDiag", [diagonal]) as scope:
        d = convert_to_tensor(diagonal, name="diagonal")
        return make_op("MatrixDiag", [d], [d.dtype], scope)._outputs[0]


def _matrix_diag_kernel(ctx, d):
    if np.ndim(d) < 1:
        raise invalid(ctx, "input must be at least 1-dim, received shape: []")
    n = np.shape(d)[-1]
    out = np.zeros(np.shape(d) + (n,), dtype=d.dtype)
    out[..., np.arange(n), np.arange(n)] = d
    return out


def _matrix_diag_shape(op):
    dims = static_dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if not dims:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    return [TensorShape(dims + dims[-1:])]


register("MatrixDiag", _matrix_diag_kernel, _matrix_diag_shape,
         lambda op, g: [matrix_diag_part(g)])


def matrix_diag_part(input, name=None):  # noqa: A002
    """The main diagonal of each matrix: ``[..., M, N]`` -> ``[..., min(M, N)]``.

    Example:
        >>> tf.matrix_diag_part([[1, 2, 3], [4, 5, 6]])   # [1, 5]
    """
    with op_scope(name, "MatrixDiagPart", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return make_op("MatrixDiagPart", [x], [x.dtype], scope)._outputs[0]


def _matrix_diag_part_kernel(ctx, x):
    if np.ndim(x) < 2:
        raise invalid(ctx, "input must be at least 2-dim, received shape: %s"
                      % dims_text(list(np.shape(x))))
    return np.array(np.diagonal(x, axis1=-2, axis2=-1))


def _matrix_diag_part_shape(op):
    dims = static_dims(op._inputs[0])
    if dims is None:
        return [unknown_shape()]
    if len(dims) < 2:
        raise ValueError("Shape must be at least rank 2 but is rank %d" % len(dims))
    m, n = dims[-2:]
    k = None if m is None or n is None else min(m, n)
    return [TensorShape(dims[:-2] + [k])]


register("MatrixDiagPart", _matrix_diag_part_kernel, _matrix_diag_part_shape,
         lambda op, g: [matrix_set_diag(zeros_like(op._inputs[0]), g)])


def matrix_set_diag(input, diagonal, name=None):  # noqa: A002
    """Replace the main diagonal of each matrix in ``input`` with ``diagonal``.

    Example:
        >>> tf.matrix_set_diag(tf.ones([2, 2]), [5., 6.])   # [[5, 1], [1, 6]]
    """
    with op_scope(name, "MatrixSetDiag", [input, diagonal]) as scope:
        x = convert_to_tensor(input, name="input")
        d = convert_to_tensor(diagonal, preferred_dtype=x.dtype, name="diagonal")
        if d.dtype is not x.dtype:
            raise TypeError("Input 'diagonal' of 'MatrixSetDiag' Op has type %s that does not "
                            "match type %s of argument 'input'." % (d.dtype.name, x.dtype.name))
        return make_op("MatrixSetDiag", [x, d], [x.dtype], scope)._outputs[0]


def _matrix_set_diag_kernel(ctx, x, d):
    if np.ndim(x) < 2:
        raise invalid(ctx, "input must be at least 2-dim, received shape: %s"
                      % dims_text(list(np.shape(x))))
    k = min(np.shape(x)[-2:])
    if np.shape(d) != np.shape(x)[:-2] + (k,):
        raise invalid(ctx, "must have diagonal.shape == input.shape[:-2] + min(input.shape[-2:]), "
                      "but received input shape: %s and diagonal shape: %s"
                      % (dims_text(list(np.shape(x))), dims_text(list(np.shape(d)))))
    out = np.array(x)
    out[..., np.arange(k), np.arange(k)] = d
    return out


def _matrix_set_diag_shape(op):
    x, d = op._inputs
    out = x.shape.with_rank_at_least(2)
    want = _matrix_diag_part_shape(op)[0] if out.ndims is not None else unknown_shape()
    if not want.is_compatible_with(d.shape):
        raise ValueError("Shapes %s and %s are incompatible" % (want, d.shape))
    return [out]


def _matrix_set_diag_grad(op, g):
    # y = x with diag replaced by d  =>  dx = g with a zero diagonal, dd = diag(g)
    d = op._inputs[1]
    return [matrix_set_diag(g, zeros_like(d)), matrix_diag_part(g)]


register("MatrixSetDiag", _matrix_set_diag_kernel, _matrix_set_diag_shape,
         _matrix_set_diag_grad)


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keep a band of each matrix: entry (m, n) survives when
    ``(num_lower < 0 or m - n <= num_lower) and (num_upper < 0 or n - m <= num_upper)``.

    Example:
        >>> tf.matrix_band_part(tf.ones([3, 3]), 0, -1)   # upper triangle
        >>> tf.matrix_band_part(tf.ones([3, 3]), 0, 0)    # identity
    """
    with op_scope(name, "MatrixBandPart", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        lo = index_tensor(num_lower, "num_lower")
        hi = index_tensor(num_upper, "num_upper")
        if lo.dtype is not hi.dtype:
            hi = cwise_ops.cast(hi, lo.dtype)
        return make_op("MatrixBandPart", [x, lo, hi], [x.dtype], scope)._outputs[0]


def _matrix_band_part_kernel(ctx, x, lower, upper):
    if np.ndim(x) < 2:
        raise invalid(ctx, "input must be at least 2-dim, received shape: %s"
                      % dims_text(list(np.shape(x))))
    m, n = np.shape(x)[-2:]
    lower, upper = int(lower), int(upper)
    if lower > m:
        raise invalid(ctx, "num_lower must be negative or less or equal to number of rows (%d) "
                      "got: %d" % (m, lower))
    if upper > n:
        raise invalid(ctx, "num_upper must be negative or less or equal to number of columns (%d) "
                      "got: %d" % (n, upper))
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    return np.where(keep, x, np.zeros((), dtype=x.dtype))


def _matrix_band_part_shape(op):
    for t in op._inputs[1:]:
        t.shape.assert_has_rank(0)
    return [op._inputs[0].shape.with_rank_at_least(2)]


register("MatrixBandPart", _matrix_band_part_kernel, _matrix_band_part_shape,
         lambda op, g: [matrix_band_part(g, op._inputs[1], op._inputs[2]), None, None])


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix (or a batch of them) with ones on the main diagonal.

    Example:
        >>> tf.eye(2)                           # [[1, 0], [0, 1]]
        >>> tf.eye(2, 3, batch_shape=[4]).shape # (4, 2, 3)
    """
    dt = dtypes.as_dtype(dtype)
    batch = list(batch_shape) if batch_shape is not None else []
    cols = num_rows if num_columns is None else num_columns
    with get_default_graph().name_scope(name or "eye") as scope:
        parts = batch + [num_rows, cols]
        if not any(is_tensor_like(v) for v in parts):
            value = np.broadcast_to(np.eye(int(num_rows), int(cols), dtype=dt.as_numpy_dtype),
                                    [int(b) for b in batch] + [int(num_rows), int(cols)])
            return constant(np.array(value), dtype=dt, name=scope)
        return matrix_band_part(ones(parts, dt), 0, 0, name=scope)


override_operators({"matmul": lambda x, y: matmul(x, y, name="matmul")})
