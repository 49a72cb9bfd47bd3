"""Graph → GraphDef: the protobuf TensorFlow (and TensorBoard) use to describe a graph.

`graph_to_graph_def(graph)` walks a minitf Graph and builds a `GraphDef` from the protos
the `tensorboard` package ships (`tensorboard.compat.proto`). Its wire format is
TensorFlow's, so TensorBoard draws it, and `print(graph_def)` shows TF's text format.

One NodeDef per operation, in creation order:

    name    "scope/Add"
    op      "Add"
    input   "x" for output 0 of op x, "x:1" for output 1, "^x" for a control input
    device  "/cpu:0" when set
    attr    each Python attr value converted to an AttrValue (see `attr_value`)

With `add_output_types=True` each node also carries `_output_types`, a list(type) attr
with its outputs' dtypes. TF keeps output types in OpDefs, which minitf does not have,
so this is how a GraphDef minitf wrote tells the importer what each op produces; TF
ignores attrs whose name starts with "_" when it validates a NodeDef.

The inverse conversions (`python_attr`, `tensor_value`, `tensor_shape_of`) turn a
NodeDef's AttrValues back into the Python values minitf ops keep in `op.attrs`.

The protos are imported inside the functions: importing tensorboard is slow, and
`import minitf` must stay fast.
"""

import numpy as np

GRAPH_DEF_VERSION = 27  # `versions { producer: ... }`, a TF 1.x-era producer

# TF's DataType enum (tensorflow/core/framework/types.proto), keyed by numpy dtype name.
_NUMPY_TO_DATATYPE = {
    "float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
    "complex64": 8, "int64": 9, "bool": 10, "uint16": 17, "complex128": 18,
    "float16": 19, "uint32": 22, "uint64": 23,
}
_DT_STRING = 7
_DATATYPE_TO_NUMPY = {v: k for k, v in _NUMPY_TO_DATATYPE.items()}
_REF_OFFSET = 100  # DT_FLOAT_REF = 101 ...: a reference to a variable of that type

OUTPUT_TYPES_ATTR = "_output_types"

# Which repeated TensorProto field holds a scalar of each numpy dtype.
_SCALAR_FIELD = {
    "float32": "float_val", "float64": "double_val",
    "int32": "int_val", "int16": "int_val", "int8": "int_val",
    "uint8": "int_val", "uint16": "int_val",
    "int64": "int64_val", "uint32": "uint32_val", "uint64": "uint64_val",
    "bool": "bool_val", "complex64": "scomplex_val", "complex128": "dcomplex_val",
}


def graph_to_graph_def(graph, add_shapes=False, add_output_types=False):
    """Builds the GraphDef of a graph.

    Args:
      graph: a minitf Graph (anything with `get_operations()` whose ops have `name`,
        `type`, `inputs`, `control_inputs`, `device` and an `attrs` dict).
      add_shapes: also record each op's output shapes in the `_output_shapes` attr, as
        TF's `as_graph_def(add_shapes=True)` does (TensorBoard labels edges with them).
      add_output_types: also record each op's output dtypes in `_output_types`, so
        `import_graph_def` can rebuild the op without an OpDef.

    Returns:
      A `tensorboard.compat.proto.graph_pb2.GraphDef`.

    Example:
      >>> graph_def = graph_to_graph_def(tf.get_default_graph())
      >>> print(graph_def)          # TF's text format
      >>> graph_def.SerializeToString()
    """
    from tensorboard.compat.proto import graph_pb2

    graph_def = graph_pb2.GraphDef()
    graph_def.versions.producer = GRAPH_DEF_VERSION
    for op in graph.get_operations():
        _fill_node_def(graph_def.node.add(), op, add_shapes, add_output_types)
    return graph_def


def _fill_node_def(node, op, add_shapes, add_output_types=False):
    """Fills one NodeDef from one operation."""
    node.name = op.name
    node.op = op.type
    node.input.extend(_input_name(t) for t in op.inputs)
    node.input.extend("^" + c.name for c in getattr(op, "control_inputs", ()))
    device = getattr(op, "device", None)
    if device:
        node.device = device
    for key, value in sorted((getattr(op, "attrs", None) or {}).items()):
        attr = attr_value(value)
        if attr is not None:
            node.attr[key].CopyFrom(attr)
    if add_shapes:
        shapes = _output_shapes(op)
        if shapes is not None:
            node.attr["_output_shapes"].list.shape.extend(shapes)
    if add_output_types:
        types = node.attr[OUTPUT_TYPES_ATTR].list
        types.SetInParent()  # an op without outputs still says so
        types.type.extend(datatype_enum(t.dtype) for t in op.outputs)


def _input_name(tensor):
    """NodeDef input string: "op" for output 0, "op:i" otherwise."""
    index = tensor.value_index
    return tensor.op.name if index == 0 else "%s:%d" % (tensor.op.name, index)


def _output_shapes(op):
    """TensorShapeProtos of an op's outputs, or None when the op does not expose them."""
    outputs = getattr(op, "outputs", None)
    if outputs is None:
        return None
    shapes = []
    for tensor in outputs:
        shape = getattr(tensor, "shape", None)
        if shape is None and hasattr(tensor, "get_shape"):
            shape = tensor.get_shape()
        if not _is_shape(shape):
            return None
        shapes.append(shape_proto(shape))
    return shapes


# ---- Python value -> AttrValue -------------------------------------------------------

def _is_dtype(value):
    # Duck type for minitf.framework.dtypes.DType: it carries TF's DataType enum value.
    return isinstance(getattr(value, "as_datatype_enum", None), int)


def _is_shape(value):
    # Duck type for a TensorShape: `ndims` (None = unknown rank) and `as_list()`.
    return hasattr(value, "ndims") and callable(getattr(value, "as_list", None))


def _is_proto(value, name):
    """True for a protobuf message whose type is called `name` (any proto package)."""
    descriptor = getattr(value, "DESCRIPTOR", None)
    return getattr(descriptor, "name", None) == name and hasattr(value, "SerializeToString")


def datatype_enum(dtype):
    """TF DataType enum value of a minitf DType, numpy dtype or numpy scalar type."""
    if _is_dtype(dtype):
        return dtype.as_datatype_enum
    np_dtype = np.dtype(dtype)
    if np_dtype.kind in "OSU":
        return _DT_STRING
    try:
        return _NUMPY_TO_DATATYPE[np_dtype.name]
    except KeyError:
        raise TypeError("No TensorFlow DataType for numpy dtype %s" % np_dtype) from None


def shape_proto(shape):
    """TensorShapeProto of a TensorShape-like, a list/tuple of ints/None, or None."""
    from tensorboard.compat.proto import tensor_shape_pb2

    proto = tensor_shape_pb2.TensorShapeProto()
    if shape is None:
        proto.unknown_rank = True
        return proto
    if _is_shape(shape):
        if shape.ndims is None:
            proto.unknown_rank = True
            return proto
        try:
            dims = shape.as_list()
        except ValueError:  # as_list() raises for an unknown rank
            proto.unknown_rank = True
            return proto
    else:
        dims = list(shape)
    for size in dims:
        size = getattr(size, "value", size)  # a Dimension-like object
        proto.dim.add().size = -1 if size is None else int(size)
    return proto


def tensor_proto(value):
    """TensorProto of a numpy array (or anything np.asarray accepts).

    Numeric non-scalars go to `tensor_content` (little-endian, C order); numeric scalars
    to the typed `*_val` field, as TF's make_tensor_proto does; strings to `string_val`.
    """
    from tensorboard.compat.proto import tensor_pb2

    array = np.asarray(value)
    if array.dtype.kind == "U":
        array = array.astype(object)
    proto = tensor_pb2.TensorProto()
    proto.dtype = datatype_enum(array.dtype)
    proto.tensor_shape.CopyFrom(shape_proto(array.shape))
    if proto.dtype == _DT_STRING:
        proto.string_val.extend(_as_bytes(v) for v in array.ravel())
    elif array.ndim > 0:
        proto.tensor_content = np.ascontiguousarray(
            array, dtype=array.dtype.newbyteorder("<")).tobytes()
    elif array.dtype == np.float16:
        proto.half_val.append(int(array.view(np.uint16)))  # TF keeps the raw bits
    else:
        item = array.item()
        field = getattr(proto, _SCALAR_FIELD[array.dtype.name])
        if isinstance(item, complex):
            field.extend((item.real, item.imag))
        else:
            field.append(item)
    return proto


def _as_bytes(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return str(value).encode("utf-8")


def _kind(value):
    """The AttrValue field a Python value belongs in, or None when it has none."""
    if isinstance(value, (bool, np.bool_)):
        return "b"
    if isinstance(value, (int, np.integer)):
        return "i"
    if isinstance(value, (float, np.floating)):
        return "f"
    if isinstance(value, (str, bytes)):
        return "s"
    if _is_dtype(value) or isinstance(value, np.dtype) or (
            isinstance(value, type) and issubclass(value, np.generic)):
        return "type"
    if _is_shape(value) or _is_proto(value, "TensorShapeProto"):
        return "shape"
    if isinstance(value, np.ndarray) or _is_proto(value, "TensorProto"):
        return "tensor"
    return None


def _convert(kind, value):
    """A Python value as the scalar stored in AttrValue field `kind`."""
    if kind == "b":
        return bool(value)
    if kind == "i":
        return int(value)
    if kind == "f":
        return float(value)
    if kind == "s":
        return _as_bytes(value)
    if kind == "type":
        return datatype_enum(value)
    if kind == "shape":
        return value if _is_proto(value, "TensorShapeProto") else shape_proto(value)
    return value if _is_proto(value, "TensorProto") else tensor_proto(value)


def attr_value(value):
    """Converts a Python attr value to an AttrValue proto.

    bool → b, int → i, float → f, str/bytes → s, DType → type, TensorShape → shape,
    ndarray → tensor, and a list/tuple of one of those → list. An AttrValue is copied.
    Returns None for None and for values with no AttrValue form (e.g. Python callables),
    which are then left out of the NodeDef.
    """
    from tensorboard.compat.proto import attr_value_pb2

    if value is None:
        return None
    if _is_proto(value, "AttrValue"):
        proto = attr_value_pb2.AttrValue()
        proto.ParseFromString(value.SerializeToString())
        return proto
    proto = attr_value_pb2.AttrValue()
    kind = _kind(value)
    if kind is not None:
        converted = _convert(kind, value)
        if kind in ("shape", "tensor"):
            getattr(proto, kind).CopyFrom(converted)
        else:
            setattr(proto, kind, converted)
        return proto
    if isinstance(value, (list, tuple)):
        kinds = {_kind(v) for v in value}
        if len(kinds) > 1 and kinds <= {"i", "f"}:
            kinds = {"f"}  # a mixed int/float list is a float list
        if None in kinds or len(kinds) > 1:
            return None
        proto.list.SetInParent()  # an empty list is still a list
        if kinds:
            (kind,) = kinds
            field = getattr(proto.list, kind)
            field.extend(_convert(kind, v) for v in value)
        return proto
    return None


# ---- AttrValue / TensorProto -> Python value -----------------------------------------

def numpy_dtype(enum):
    """The numpy dtype of a TF DataType enum (ref types count as their base type)."""
    enum = int(enum)
    if enum > _REF_OFFSET:
        enum -= _REF_OFFSET
    if enum == _DT_STRING:
        return np.dtype(object)
    try:
        return np.dtype(_DATATYPE_TO_NUMPY[enum])
    except KeyError:
        raise TypeError("minitf has no dtype for TensorFlow DataType %d" % enum) from None


def minitf_dtype(enum):
    """The minitf DType of a TF DataType enum (ref types count as their base type)."""
    from minitf.framework import dtypes
    enum = int(enum)
    if enum > _REF_OFFSET:
        enum -= _REF_OFFSET
    return dtypes.as_dtype(enum)


def tensor_shape_of(proto):
    """The minitf TensorShape of a TensorShapeProto (-1 dims are unknown)."""
    from minitf.framework.tensor_shape import TensorShape, unknown_shape
    if proto.unknown_rank:
        return unknown_shape()
    return TensorShape([None if d.size < 0 else int(d.size) for d in proto.dim])


# Typed TensorProto fields, in the order TF reads them.
_VALUE_FIELDS = {
    "float32": "float_val", "float64": "double_val", "int32": "int_val", "int16": "int_val",
    "int8": "int_val", "uint8": "int_val", "uint16": "int_val", "int64": "int64_val",
    "uint32": "uint32_val", "uint64": "uint64_val", "bool": "bool_val",
    "complex64": "scomplex_val", "complex128": "dcomplex_val", "float16": "half_val",
}


def tensor_value(proto):
    """The numpy array a TensorProto holds, as TF's `make_ndarray` reads it.

    `tensor_content` holds the raw little-endian bytes; otherwise the typed `*_val`
    field holds the values, and when it holds fewer than the shape needs the last one
    fills the rest (TF writes `zeros([1000])` as one 0). Strings become an object array
    of bytes.
    """
    shape = [d.size for d in proto.tensor_shape.dim]
    if any(s < 0 for s in shape):
        raise ValueError("A constant's TensorProto must have a fully defined shape, got %s"
                         % shape)
    count = int(np.prod(shape, dtype=np.int64))
    dtype = numpy_dtype(proto.dtype)
    if dtype == object:
        values = list(proto.string_val)
        out = np.empty(count, dtype=object)
        if values:
            out[:len(values)] = values[:count]
            out[len(values):] = values[-1]
        elif count:
            out[:] = b""
        return out.reshape(shape)
    if proto.tensor_content:
        array = np.frombuffer(proto.tensor_content, dtype=dtype.newbyteorder("<"))
        if array.size != count:
            raise ValueError("TensorProto holds %d values for shape %s" % (array.size, shape))
        return array.astype(dtype).reshape(shape)
    field = list(getattr(proto, _VALUE_FIELDS[dtype.name]))
    if dtype == np.float16:
        values = np.array(field, dtype=np.uint16).view(np.float16)  # raw bits, as written
    elif dtype.kind == "c":
        values = np.array(field[0::2], dtype=dtype) + 1j * np.array(field[1::2], dtype=dtype)
    else:
        values = np.array(field, dtype=dtype)
    out = np.zeros(count, dtype=dtype)
    if values.size:
        out[:min(values.size, count)] = values[:count]
        out[values.size:] = values[-1]
    return out.reshape(shape)


def _python_scalar(kind, value):
    if kind == "s":
        try:
            return value.decode("utf-8")  # minitf attrs such as data_format are str
        except UnicodeDecodeError:
            return bytes(value)
    if kind == "type":
        return minitf_dtype(value)
    if kind == "shape":
        return tensor_shape_of(value)
    if kind == "tensor":
        return tensor_value(value)
    if kind == "b":
        return bool(value)
    if kind == "i":
        return int(value)
    return float(value)


def python_attr(attr):
    """An AttrValue as the Python value minitf keeps in `op.attrs` (the inverse of
    `attr_value`): b -> bool, i -> int, f -> float, s -> str (bytes if not UTF-8),
    type -> DType, shape -> TensorShape, tensor -> ndarray, list -> list.

    A `func` or `placeholder` attr has no minitf form and raises ValueError.
    """
    kind = attr.WhichOneof("value")
    if kind == "list":
        for field in ("s", "i", "f", "b", "type", "shape", "tensor"):
            items = getattr(attr.list, field)
            if len(items):
                return [_python_scalar(field, v) for v in items]
        if len(attr.list.func):
            raise ValueError("function-valued attrs are not supported by minitf")
        return []
    if kind is None:
        return None
    if kind in ("func", "placeholder"):
        raise ValueError("%s-valued attrs are not supported by minitf" % kind)
    return _python_scalar(kind, getattr(attr, kind))
