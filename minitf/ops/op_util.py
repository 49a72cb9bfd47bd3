"""Small helpers every op family uses to declare ops."""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import (Tensor, convert_pair, convert_to_tensor, get_default_graph,
                                    graph_of)
from minitf.framework.tensor_shape import Dimension, TensorShape, unknown_shape


def make_op(op_type, inputs, out_dtypes, name=None, attrs=None):
    """Create an op in the inputs' graph and return its Operation."""
    graph = inputs[0].graph if inputs else get_default_graph()
    return graph.create_op(op_type, inputs, out_dtypes, name=name, attrs=attrs)


def variable_ref(v):
    """The variable tensor behind ``v`` (a Variable's ``_ref()``), else ``v`` itself."""
    ref = getattr(v, "_ref", None)
    return ref() if ref is not None else v


def op_scope(name, default, values=()):
    """Name scope for one op: inputs converted inside it are named ``<op>/x``.

    Yields the op's full name ending in ``/``; pass it to ``make_op`` as is.
    """
    return graph_of(values).name_scope(name or default)


def unary(op_type, x, name=None, attrs=None, dtype=None):
    """Build a one-input, one-output op; returns its output tensor."""
    with op_scope(name, op_type, [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return make_op(op_type, [x], [dtype or x.dtype], scope, attrs)._outputs[0]


def binary(op_type, x, y, name=None, out_dtype=None, attrs=None, allowed=None):
    """Build a two-input op whose operands must share a dtype (one of ``allowed``).

    Python operands become constants inside the op's name scope (``Less/y``), as TF's
    op builder converts them.
    """
    with op_scope(name, op_type, [x, y]) as scope:
        x, y = convert_pair(x, y)
        check_same_dtype(op_type, x, y)
        if allowed is not None:
            check_dtype(op_type, x, allowed)
        return make_op(op_type, [x, y], [out_dtype or x.dtype], scope, attrs)._outputs[0]


def check_same_dtype(op_type, x, y):
    if x.dtype is not y.dtype:
        raise TypeError("Input 'y' of '%s' Op has type %s that does not match type %s of "
                        "argument 'x'." % (op_type, y.dtype.name, x.dtype.name))


def check_dtype(op_type, t, allowed, arg="x"):
    if t.dtype not in allowed:
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                        "values: %s (op %s)" % (arg, t.dtype.name,
                                                ", ".join(d.name for d in allowed), op_type))


FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
INTS = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8)
NUMERIC = FLOATS + INTS
REAL = NUMERIC  # ordered types: comparisons, maximum, minimum, max/min reductions


def typed_unary(op_type, x, name, allowed):
    x = convert_to_tensor(x)
    check_dtype(op_type, x, allowed)
    return unary(op_type, x, name)


def typed_binary(op_type, x, y, name, allowed, out_dtype=None):
    return binary(op_type, x, y, name, out_dtype=out_dtype, allowed=allowed)


# -- shape functions shared by many ops ---------------------------------------
def same_shape(op):
    """Output has the shape of input 0."""
    return [op._inputs[0].shape]


def scalar_shape(op):
    return [TensorShape([])]


def unknown_shapes(op):
    return [unknown_shape() for _ in op._outputs]


def broadcast_static(a, b):
    """Static numpy-style broadcast of two TensorShapes (TF's error when impossible)."""
    if a.ndims is None or b.ndims is None:
        return unknown_shape()
    da, db = a.as_list()[::-1], b.as_list()[::-1]
    out = []
    for i in range(max(len(da), len(db))):
        x = da[i] if i < len(da) else 1
        y = db[i] if i < len(db) else 1
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        elif x == y:
            out.append(x)
        else:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (x, y))
    return TensorShape(out[::-1])


def broadcast_shape(op):
    """Output shape of an element-wise op over all inputs, with broadcasting."""
    s = op._inputs[0].shape
    for t in op._inputs[1:]:
        s = broadcast_static(s, t.shape)
    return [s]


def const_value(t):
    """The numpy value of ``t`` when it is a Const, else None (for static shapes)."""
    if t.op.type == "Const":
        return t.op._attrs["value"]
    if t.op.type == "Shape" and t.op._inputs[0].shape.is_fully_defined():
        return np.array(t.op._inputs[0].shape.as_list(), dtype=t.dtype.as_numpy_dtype)
    return None


def shape_from_tensor(t):
    """The static shape a 1-D shape tensor describes, as far as the graph tells.

    TF's ``tensor_util.constant_value_as_shape``: a constant gives its values
    (negative entries, i.e. ``-1``, are unknown dimensions); ``Shape(x)`` gives
    x's static shape; ``Pack`` gives one dimension per constant scalar input;
    ``ConcatV2`` joins the shapes of its parts; a ``StridedSlice`` of a shape
    vector (begin/end masks only) slices that shape; ``Cast`` looks through.
    """
    if t.shape.ndims == 0:
        v = const_value(t)
        if v is not None and int(v) == -1:  # a scalar -1 means "any shape"
            return unknown_shape()
    v = const_value(t)
    if v is not None:
        return TensorShape([None if d < 0 else int(d) for d in np.ravel(v)])
    op = t.op
    if op.type == "Shape":
        return op._inputs[0].shape
    if op.type == "Cast":
        return shape_from_tensor(op._inputs[0])
    if op.type == "Pack" and op._attrs.get("axis", 0) == 0:
        dims = [const_scalar_int(x) for x in op._inputs]
        return TensorShape([None if d is None or d < 0 else d for d in dims])
    if op.type == "ConcatV2":
        out = TensorShape([])
        for part in op._inputs[:-1]:
            out = out.concatenate(shape_from_tensor(part))
        return out
    if op.type == "StridedSlice":
        sliced = _strided_slice_of_shape(op)
        if sliced is not None:
            return sliced
    if t.shape.ndims == 1 and t.shape[0].value is not None:
        return unknown_shape(t.shape[0].value)
    return unknown_shape()


def _strided_slice_of_shape(op):
    """``shape[b:e:s]`` of a sliced shape vector, or None when the slice is not simple."""
    a = op._attrs
    if a.get("ellipsis_mask") or a.get("new_axis_mask") or a.get("shrink_axis_mask"):
        return None
    if a.get("begin_mask", 0) not in (0, 1) or a.get("end_mask", 0) not in (0, 1):
        return None
    b, e, st = (const_ints(x) for x in op._inputs[1:4])
    if b is None or e is None or st is None or len(b) != 1 or len(e) != 1 or len(st) != 1:
        return None
    whole = shape_from_tensor(op._inputs[0])
    if whole.ndims is None:
        return None
    begin = None if a.get("begin_mask") else b[0]
    end = None if a.get("end_mask") else e[0]
    return TensorShape(whole.dims[begin:end:st[0]])


def dim(v):
    return Dimension(v).value


def normalize_axis(axis, ndims, op_type):
    if axis < -ndims or axis >= max(ndims, 1):
        raise ValueError("axis %d is out of range for a tensor of rank %d in %s"
                         % (axis, ndims, op_type))
    return axis % ndims if ndims else 0


# -- argument and kernel helpers shared by the op families ----------------------
def is_tensor_like(v):
    return isinstance(v, Tensor) or hasattr(v, "_as_graph_element")


def index_tensor(v, name):
    """Convert an index-like argument (shape, axis, begin...) to an int32/int64 tensor."""
    t = convert_to_tensor(v, name=name) if is_tensor_like(v) else \
        convert_to_tensor(v, preferred_dtype=dtypes.int32, name=name)
    if t.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                        "values: int32, int64" % (name, t.dtype.name))
    return t


def convert_list(values, op_type, arg="values"):
    """Convert a list of values to tensors of one dtype (numbers take the tensors' dtype)."""
    values = list(values)
    first = next((v for v in values if is_tensor_like(v)), None)
    dt = convert_to_tensor(first).dtype if first is not None else None
    ts = [convert_to_tensor(v, preferred_dtype=dt) for v in values]
    kinds = [t.dtype for t in ts]
    if any(k is not kinds[0] for k in kinds):
        raise TypeError("Tensors in list passed to '%s' of '%s' Op have types [%s] that don't "
                        "all match." % (arg, op_type, ", ".join(k.name for k in kinds)))
    return ts


def const_ints(t):
    """The values of a constant int tensor as a list of ints, else None."""
    v = const_value(t)
    return None if v is None else [int(a) for a in np.ravel(v)]


def const_scalar_int(t):
    v = const_value(t)
    return None if v is None or np.size(v) != 1 else int(np.ravel(v)[0])


def partial_ints(t):
    """Known entries of a 1-D int tensor (None where unknown); None if its length is unknown."""
    v = const_ints(t)
    if v is not None:
        return v
    if t.op.type == "Pack" and t.op._attrs.get("axis", 0) == 0:
        return [const_scalar_int(x) for x in t.op._inputs]
    if t.shape.ndims == 1 and t.shape[0].value is not None:
        return [None] * t.shape[0].value
    return None


def static_dims(t):
    """Static dims of ``t`` as a list (entries may be None), or None for unknown rank."""
    return None if t.shape.ndims is None else t.shape.as_list()


def invalid(ctx, message):
    return errors.InvalidArgumentError(None, ctx.op, message)


def kernel_outputs(values):
    """A kernel's result for a multi-output op (a 1-output op returns the array itself)."""
    values = tuple(values)
    return values[0] if len(values) == 1 else values


def wrap_axis(axis, ndims):
    """``axis`` in [-ndims, ndims) mapped to [0, ndims); ValueError otherwise."""
    if not -ndims <= axis < ndims:
        raise ValueError("Expected axis in the range [%d, %d), but got %d" % (-ndims, ndims, axis))
    return axis % ndims


def first_shape_mismatch(xs, axis):
    s0 = list(np.shape(xs[0]))
    for i, x in enumerate(xs[1:], 1):
        s = list(np.shape(x))
        if len(s) != len(s0) or s[:axis] + s[axis + 1:] != s0[:axis] + s0[axis + 1:]:
            return s0, i, s
    return s0, 0, s0


def dims_text(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def cwise_kernel(fn):
    """A kernel applying numpy ``fn`` in x's dtype.  It warns of nothing (inf/nan as TF
    gives them) because every kernel runs under the run's ``np.errstate(all="ignore")``."""
    def kernel(ctx, *xs):
        return np.asarray(fn(*xs)).astype(ctx.op._outputs[0].dtype.as_numpy_dtype, copy=False)
    return kernel
