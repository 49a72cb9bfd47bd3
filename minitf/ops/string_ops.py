"""Ops on strings: joining, formatting, replacing, slicing, splitting, measuring.

A string tensor holds bytes (an object array of ``bytes`` at run time); text is UTF-8.
Every op here works element by element, with numpy broadcasting where TF broadcasts,
and none has a gradient.  Splitting gives a ``SparseTensor`` (TF 1.x has no ragged
result by default): row ``i`` holds the pieces of string ``i``.
"""
import re

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.ops.op_util import invalid, make_op, op_scope, same_shape
from minitf.ops.shape_ops import broadcast_static_shape

__all__ = ["string_join", "as_string", "regex_replace", "substr", "string_split",
           "reduce_join"]


def _strings(x, name):
    return convert_to_tensor(x, dtype=dtypes.string, name=name)


def _texts(array):
    return np.asarray(array, dtype=object)


def _bytes_array(values, shape):
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out.reshape(shape)


# -- StringJoin ------------------------------------------------------------------------------
def string_join(inputs, separator="", name=None):
    """The strings of ``inputs`` joined element-wise with ``separator`` (scalars broadcast).

    Example:
        >>> tf.string_join([["a", "b"], "!"], separator="-")   # [b"a-!", b"b-!"]
    """
    with op_scope(name, "StringJoin", list(inputs)) as scope:
        inputs = [_strings(x, "inputs_%d" % i) for i, x in enumerate(inputs)]
        return make_op("StringJoin", inputs, [dtypes.string], scope,
                       {"N": len(inputs), "separator": separator})._outputs[0]


def _string_join_kernel(ctx, *inputs):
    shapes = {np.shape(x) for x in inputs if np.ndim(x)}
    if len(shapes) > 1:
        raise invalid(ctx, "Inputs must be scalars or have the same shape")
    shape = shapes.pop() if shapes else ()
    sep = _as_bytes(ctx.attrs["separator"])
    columns = [np.broadcast_to(_texts(x), shape).ravel() for x in inputs]
    return _bytes_array([sep.join(parts) for parts in zip(*columns)], shape)


def _string_join_shape(op):
    shape = TensorShape([])
    for x in op._inputs:
        if x.shape.ndims != 0:
            shape = shape.merge_with(x.shape) if shape.ndims != 0 else x.shape
    return [shape]


def _as_bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


# -- AsString --------------------------------------------------------------------------------
def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",
              name=None):
    """Each number (or bool) of ``input`` as a string, printf style.

    Floats print as ``%f`` (6 decimals, or ``precision``), ``%e`` with ``scientific`` or
    ``%g`` with ``shortest``; integers as ``%d``; ``width`` pads on the left with spaces,
    or zeros when ``fill="0"``.

    Example:
        >>> tf.as_string([3.5, 2.])                 # [b"3.500000", b"2.000000"]
        >>> tf.as_string(7, width=3, fill="0")      # b"007"
    """
    with op_scope(name, "AsString", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype is dtypes.string:
            raise TypeError("Value passed to parameter 'input' has DataType string not in list "
                            "of allowed values: int8, int16, int32, int64, complex64, "
                            "complex128, float32, float64, bool")
        if scientific and shortest:
            raise ValueError("Cannot select both scientific and shortest notation")
        if fill not in ("", " ", "0"):
            raise ValueError("Fill argument not supported: \"%s\"" % fill)
        return make_op("AsString", [x], [dtypes.string], scope, {
            "T": x.dtype, "precision": int(precision), "scientific": bool(scientific),
            "shortest": bool(shortest), "width": int(width), "fill": fill})._outputs[0]


def _as_string_kernel(ctx, x):
    a = ctx.attrs
    x = np.asarray(x)
    spec = "%" + ("0" if a["fill"] == "0" else "") + (str(a["width"]) if a["width"] >= 0 else "")
    if x.dtype == np.bool_:
        texts = [b"true" if v else b"false" for v in x.ravel()]
    elif x.dtype.kind in "iu":
        texts = [((spec + "d") % v).encode() for v in x.ravel()]
    else:
        spec += ("." + str(a["precision"])) if a["precision"] >= 0 else ""
        spec += "e" if a["scientific"] else "g" if a["shortest"] else "f"
        texts = [(spec % v).encode() for v in x.ravel()]
    return _bytes_array(texts, x.shape)


# -- RegexReplace ----------------------------------------------------------------------------
def regex_replace(input, pattern, rewrite, replace_global=True, name=None):
    """Every match (or the first, without ``replace_global``) of the regular expression
    ``pattern`` in each string replaced by ``rewrite`` (``\\1`` names a group).

    Example:
        >>> tf.regex_replace(["a1b22"], r"\\d+", "#")      # [b"a#b#"]
    """
    with op_scope(name, "RegexReplace", [input, pattern, rewrite]) as scope:
        return make_op("RegexReplace", [_strings(input, "input"), _strings(pattern, "pattern"),
                                        _strings(rewrite, "rewrite")], [dtypes.string], scope,
                       {"replace_global": bool(replace_global)})._outputs[0]


def _regex_replace_kernel(ctx, texts, pattern, rewrite):
    try:
        compiled = re.compile(bytes(np.asarray(pattern, dtype=object).item()))
    except re.error as exc:
        raise invalid(ctx, "Invalid pattern: %s, error: %s" % (
            np.asarray(pattern, dtype=object).item().decode("utf-8", "replace"), exc)) from None
    rewrite = bytes(np.asarray(rewrite, dtype=object).item())
    count = 0 if ctx.attrs["replace_global"] else 1
    texts = _texts(texts)
    return _bytes_array([compiled.sub(rewrite, t, count=count) for t in texts.ravel()],
                        texts.shape)


# -- Substr ----------------------------------------------------------------------------------
def substr(input, pos, len, name=None, unit="BYTE"):  # noqa: A002 (TF's argument names)
    """The ``len`` bytes of each string starting at byte ``pos`` (a negative ``pos``
    counts from the end); ``pos`` and ``len`` broadcast against ``input``.

    Raises (when run):
        InvalidArgumentError: a ``pos`` outside its string.
    """
    if unit != "BYTE":
        raise NotImplementedError("minitf's substr counts bytes only (unit='BYTE')")
    with op_scope(name, "Substr", [input, pos, len]) as scope:
        pos = convert_to_tensor(pos, name="pos")
        length = convert_to_tensor(len, dtype=pos.dtype, name="len")
        return make_op("Substr", [_strings(input, "input"), pos, length], [dtypes.string],
                       scope, {"T": pos.dtype, "unit": unit})._outputs[0]


def _substr_kernel(ctx, texts, pos, length):
    texts = _texts(texts)
    try:
        shape = np.broadcast_shapes(texts.shape, np.shape(pos), np.shape(length))
    except ValueError:
        raise invalid(ctx, "Incompatible shapes: %s vs. %s vs. %s" % (
            list(texts.shape), list(np.shape(pos)), list(np.shape(length)))) from None
    out = []
    for i, (t, p, n) in enumerate(zip(np.broadcast_to(texts, shape).ravel(),
                                      np.broadcast_to(pos, shape).ravel(),
                                      np.broadcast_to(length, shape).ravel())):
        start = int(p) + (len(t) if p < 0 else 0)
        if not 0 <= start <= len(t):
            raise invalid(ctx, "pos %d out of range for string b'%s' at index %d"
                          % (p, t.decode("utf-8", "backslashreplace"), i))
        out.append(t[start:start + max(int(n), 0)])
    return _bytes_array(out, shape)


def _substr_shape(op):
    try:
        return [broadcast_static_shape(broadcast_static_shape(
            op._inputs[0].shape, op._inputs[1].shape), op._inputs[2].shape)]
    except ValueError:
        return [unknown_shape()]


# -- StringSplit, StringSplitV2 --------------------------------------------------------------
def string_split(source, delimiter=" ", skip_empty=True):
    """Each string of the vector ``source`` split at every character of ``delimiter``
    (into single bytes when it is empty), as a SparseTensor of shape [len(source), most
    pieces]; ``skip_empty`` drops the empty pieces.

    Example:
        >>> tf.string_split(["a b", "c"])   # values [b"a", b"b", b"c"], dense_shape [2, 2]
    """
    with op_scope(None, "StringSplit", [source, delimiter]) as scope:
        source = _strings(source, "source")
        source.shape.with_rank(1)
        return _split_result(make_op(
            "StringSplit", [source, _strings(delimiter, "delimiter")],
            [dtypes.int64, dtypes.string, dtypes.int64], scope,
            {"skip_empty": bool(skip_empty)}))


def split(source, sep=None, maxsplit=-1):
    """``tf.strings.split``: each string split as Python's ``str.split(sep, maxsplit)``
    does (runs of whitespace when ``sep`` is None), as a SparseTensor."""
    with op_scope(None, "StringSplitV2", [source]) as scope:
        source = _strings(source, "source")
        source.shape.with_rank(1)
        return _split_result(make_op(
            "StringSplitV2", [source, _strings(sep or "", "sep")],
            [dtypes.int64, dtypes.string, dtypes.int64], scope, {"maxsplit": int(maxsplit)}))


def _split_result(op):
    indices, values, shape = op._outputs
    return SparseTensor(indices, values, shape)


def _pieces_to_sparse(rows):
    counts = [len(r) for r in rows]
    indices = np.array([[i, j] for i, r in enumerate(rows) for j in range(len(r))],
                       dtype=np.int64).reshape(-1, 2)
    values = _bytes_array([p for r in rows for p in r], (sum(counts),))
    return indices, values, np.array([len(rows), max(counts, default=0)], dtype=np.int64)


def _string_split_kernel(ctx, source, delimiter):
    source, delim = _texts(source), bytes(np.asarray(delimiter, dtype=object).item())
    if source.ndim != 1:
        raise invalid(ctx, "input must be a vector, got shape: %s" % list(source.shape))
    rows = []
    for t in source:
        if not delim:
            pieces = [t[i:i + 1] for i in range(len(t))]
        else:
            pieces = re.split(b"[" + re.escape(delim) + b"]", t)
        rows.append([p for p in pieces if p] if ctx.attrs["skip_empty"] else pieces)
    return _pieces_to_sparse(rows)


def _string_split_v2_kernel(ctx, source, sep):
    source, sep = _texts(source), bytes(np.asarray(sep, dtype=object).item())
    maxsplit = ctx.attrs["maxsplit"]
    return _pieces_to_sparse([t.split(sep or None, maxsplit) for t in source])


def _split_shape(op):
    return [TensorShape([None, 2]), TensorShape([None]), TensorShape([2])]


# -- ReduceJoin ------------------------------------------------------------------------------
def reduce_join(inputs, axis=None, keep_dims=False, separator="", name=None,
                reduction_indices=None, keepdims=None):
    """The strings of ``inputs`` joined along ``axis`` (all axes when None), in order.

    Example:
        >>> tf.reduce_join([["a", "b"], ["c", "d"]], axis=1)   # [b"ab", b"cd"]
    """
    axis = reduction_indices if axis is None else axis
    keep = bool(keep_dims if keepdims is None else keepdims)
    with op_scope(name, "ReduceJoin", [inputs]) as scope:
        x = _strings(inputs, "inputs")
        if axis is None:
            axis = list(range(x.shape.ndims)) if x.shape.ndims is not None else []
        axes = convert_to_tensor(np.atleast_1d(np.asarray(axis, np.int32)) if not isinstance(
            axis, type(x)) else axis, dtype=dtypes.int32, name="reduction_indices")
        return make_op("ReduceJoin", [x, axes], [dtypes.string], scope,
                       {"keep_dims": keep, "separator": separator})._outputs[0]


def _reduce_join_kernel(ctx, texts, axes):
    texts = _texts(texts)
    ndim = texts.ndim
    axes = sorted({int(a) + ndim if a < 0 else int(a) for a in np.atleast_1d(axes)})
    if any(not 0 <= a < ndim for a in axes):
        raise invalid(ctx, "Invalid reduction dimension %s for input with %d dimensions."
                      % (np.atleast_1d(axes).tolist(), ndim))
    sep = _as_bytes(ctx.attrs["separator"])
    kept = [a for a in range(ndim) if a not in axes]
    moved = np.transpose(texts, kept + axes)
    flat = moved.reshape(moved.shape[:len(kept)] + (-1,))
    out = _bytes_array([sep.join(row) for row in flat.reshape(-1, flat.shape[-1])],
                       flat.shape[:-1])
    if ctx.attrs["keep_dims"]:
        out = out.reshape([1 if a in axes else texts.shape[a] for a in range(ndim)])
    return out


def _reduce_join_shape(op):
    return [unknown_shape()]


# -- StringLength, StringStrip ---------------------------------------------------------------
def string_length(input, name=None, unit="BYTE"):
    """The length in bytes (or with ``unit="UTF8_CHAR"``, in characters) of each string."""
    with op_scope(name, "StringLength", [input]) as scope:
        return make_op("StringLength", [_strings(input, "input")], [dtypes.int32], scope,
                       {"unit": unit})._outputs[0]


def _string_length_kernel(ctx, texts):
    texts = _texts(texts)
    count = len if ctx.attrs["unit"] == "BYTE" else (lambda t: len(t.decode("utf-8")))
    return np.array([count(t) for t in texts.ravel()], np.int32).reshape(texts.shape)


def string_strip(input, name=None):
    """Each string without its leading and trailing whitespace."""
    with op_scope(name, "StringStrip", [input]) as scope:
        return make_op("StringStrip", [_strings(input, "input")], [dtypes.string],
                       scope, {})._outputs[0]


def _string_strip_kernel(ctx, texts):
    texts = _texts(texts)
    return _bytes_array([t.strip() for t in texts.ravel()], texts.shape)


for _type, _kernel, _shape in (
        ("StringJoin", _string_join_kernel, _string_join_shape),
        ("AsString", _as_string_kernel, same_shape),
        ("RegexReplace", _regex_replace_kernel, same_shape),
        ("Substr", _substr_kernel, _substr_shape),
        ("StringSplit", _string_split_kernel, _split_shape),
        ("StringSplitV2", _string_split_v2_kernel, _split_shape),
        ("ReduceJoin", _reduce_join_kernel, _reduce_join_shape),
        ("StringLength", _string_length_kernel, same_shape),
        ("StringStrip", _string_strip_kernel, same_shape)):
    register(_type, _kernel, _shape, NO_GRADIENT)
