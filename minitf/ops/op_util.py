"""Small helpers every op family uses to declare ops."""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_pair, convert_to_tensor, get_default_graph, graph_of
from minitf.framework.tensor_shape import Dimension, TensorShape, unknown_shape


def make_op(op_type, inputs, out_dtypes, name=None, attrs=None):
    """Create an op in the inputs' graph and return its Operation."""
    graph = inputs[0].graph if inputs else get_default_graph()
    return graph.create_op(op_type, inputs, out_dtypes, name=name, attrs=attrs)


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


def binary(op_type, x, y, name=None, out_dtype=None, attrs=None):
    """Build a two-input op whose operands must share a dtype, as TF requires."""
    with op_scope(name, op_type, [x, y]) as scope:
        x, y = convert_pair(x, y)
        check_same_dtype(op_type, x, y)
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
    """The static shape described by a 1-D shape tensor, as far as it is known."""
    v = const_value(t)
    if v is not None:
        return TensorShape([None if d < 0 else int(d) for d in np.ravel(v)])
    if t.op.type == "Pack":
        return TensorShape([None if const_value(x) is None else int(const_value(x))
                            for x in t.op._inputs])
    if t.shape.ndims == 1 and t.shape[0].value is not None:
        return unknown_shape(t.shape[0].value)
    return unknown_shape()


def dim(v):
    return Dimension(v).value


def normalize_axis(axis, ndims, op_type):
    if axis < -ndims or axis >= max(ndims, 1):
        raise ValueError("axis %d is out of range for a tensor of rank %d in %s"
                         % (axis, ndims, op_type))
    return axis % ndims if ndims else 0
