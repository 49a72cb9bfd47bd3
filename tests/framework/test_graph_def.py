"""Graph → GraphDef conversion, on a fake graph that has only the documented interface."""

import numpy as np
import pytest

pytest.importorskip("tensorboard")

from tensorboard.compat.proto import graph_pb2, types_pb2  # noqa: E402

from minitf.framework.graph_def import attr_value, graph_to_graph_def, tensor_proto  # noqa: E402


class FakeDType:
    def __init__(self, name, enum):
        self.name = name
        self.as_datatype_enum = enum


class FakeShape:
    def __init__(self, dims):
        self._dims = dims

    @property
    def ndims(self):
        return None if self._dims is None else len(self._dims)

    def as_list(self):
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)


class FakeTensor:
    def __init__(self, op, value_index, shape=None):
        self.op = op
        self.value_index = value_index
        self.shape = shape


class FakeOp:
    def __init__(self, name, type, inputs=(), control_inputs=(), attrs=None, device="",
                 num_outputs=1):
        self.name = name
        self.type = type
        self.inputs = list(inputs)
        self.control_inputs = list(control_inputs)
        self.attrs = attrs or {}
        self.device = device
        self.outputs = [FakeTensor(self, i, FakeShape([None, 3])) for i in range(num_outputs)]


class FakeGraph:
    def __init__(self):
        self.ops = []

    def add(self, *args, **kwargs):
        op = FakeOp(*args, **kwargs)
        self.ops.append(op)
        return op

    def get_operations(self):
        return list(self.ops)


FLOAT32 = FakeDType("float32", 1)
INT32 = FakeDType("int32", 3)


def _graph():
    g = FakeGraph()
    x = g.add("x", "Placeholder", attrs={"dtype": FLOAT32, "shape": FakeShape([None, 3])})
    w = g.add("layer/w", "Const", attrs={"dtype": FLOAT32,
                                         "value": np.arange(6, dtype=np.float32).reshape(3, 2)})
    init = g.add("init", "NoOp")
    mm = g.add("layer/MatMul", "MatMul", [x.outputs[0], w.outputs[0]], [init],
               attrs={"T": FLOAT32, "transpose_a": False, "transpose_b": False},
               device="/cpu:0")
    split = g.add("split", "Split", [mm.outputs[0]], num_outputs=2,
                  attrs={"num_split": 2, "T": FLOAT32})
    g.add("out", "Add", [split.outputs[0], split.outputs[1]], attrs={"T": FLOAT32})
    return g


def _nodes(graph_def):
    return {node.name: node for node in graph_def.node}


def test_nodes_in_creation_order_with_inputs():
    graph_def = graph_to_graph_def(_graph())
    assert isinstance(graph_def, graph_pb2.GraphDef)
    assert [n.name for n in graph_def.node] == [
        "x", "layer/w", "init", "layer/MatMul", "split", "out"]
    nodes = _nodes(graph_def)
    assert nodes["layer/MatMul"].op == "MatMul"
    assert list(nodes["layer/MatMul"].input) == ["x", "layer/w", "^init"]
    assert nodes["layer/MatMul"].device == "/cpu:0"
    assert nodes["x"].device == ""
    assert list(nodes["out"].input) == ["split", "split:1"]
    assert graph_def.versions.producer == 27


def test_const_value_tensor():
    node = _nodes(graph_to_graph_def(_graph()))["layer/w"]
    assert node.attr["dtype"].type == types_pb2.DT_FLOAT
    value = node.attr["value"].tensor
    assert value.dtype == types_pb2.DT_FLOAT
    assert [d.size for d in value.tensor_shape.dim] == [3, 2]
    expected = np.arange(6, dtype="<f4").reshape(3, 2)
    got = np.frombuffer(value.tensor_content, dtype="<f4").reshape(3, 2)
    np.testing.assert_array_equal(got, expected)


def test_placeholder_dtype_and_shape_with_unknown_dim():
    node = _nodes(graph_to_graph_def(_graph()))["x"]
    assert node.attr["dtype"].type == types_pb2.DT_FLOAT
    shape = node.attr["shape"].shape
    assert not shape.unknown_rank
    assert [d.size for d in shape.dim] == [-1, 3]


def test_bool_and_int_attrs():
    nodes = _nodes(graph_to_graph_def(_graph()))
    assert nodes["layer/MatMul"].attr["transpose_a"].WhichOneof("value") == "b"
    assert nodes["layer/MatMul"].attr["transpose_a"].b is False
    assert nodes["split"].attr["num_split"].WhichOneof("value") == "i"
    assert nodes["split"].attr["num_split"].i == 2


def test_add_shapes_records_output_shapes():
    nodes = _nodes(graph_to_graph_def(_graph(), add_shapes=True))
    shapes = nodes["split"].attr["_output_shapes"].list.shape
    assert len(shapes) == 2
    assert [d.size for d in shapes[1].dim] == [-1, 3]
    assert "_output_shapes" not in _nodes(graph_to_graph_def(_graph()))["split"].attr


def test_text_format_and_wire_round_trip():
    graph_def = graph_to_graph_def(_graph())
    text = str(graph_def)
    assert 'name: "layer/MatMul"' in text
    assert 'input: "^init"' in text
    assert "type: DT_FLOAT" in text
    again = graph_pb2.GraphDef()
    again.ParseFromString(graph_def.SerializeToString())
    assert again == graph_def


@pytest.mark.parametrize("value,field,expected", [
    (True, "b", True),
    (7, "i", 7),
    (np.int64(-3), "i", -3),
    (0.5, "f", 0.5),
    ("VALID", "s", b"VALID"),
    (b"NHWC", "s", b"NHWC"),
    (INT32, "type", types_pb2.DT_INT32),
    (np.dtype("int64"), "type", types_pb2.DT_INT64),
    (np.float16, "type", types_pb2.DT_HALF),
])
def test_scalar_attrs(value, field, expected):
    attr = attr_value(value)
    assert attr.WhichOneof("value") == field
    assert getattr(attr, field) == expected


def test_list_attrs():
    assert list(attr_value([1, 2, 2, 1]).list.i) == [1, 2, 2, 1]
    assert list(attr_value((1.0, 2)).list.f) == [1.0, 2.0]
    assert list(attr_value(["a", b"b"]).list.s) == [b"a", b"b"]
    assert list(attr_value([FLOAT32, INT32]).list.type) == [1, 3]
    shapes = attr_value([FakeShape([2]), FakeShape(None)]).list.shape
    assert [d.size for d in shapes[0].dim] == [2] and shapes[1].unknown_rank
    empty = attr_value([])
    assert empty.WhichOneof("value") == "list"


def test_unconvertible_attrs_are_skipped():
    assert attr_value(None) is None
    assert attr_value(lambda x: x) is None
    g = FakeGraph()
    g.add("f", "PyFunc", attrs={"token": "pyfunc_0", "func": print, "Tout": None})
    node = graph_to_graph_def(g).node[0]
    assert set(node.attr) == {"token"}


def test_unknown_rank_shape():
    shape = attr_value(FakeShape(None)).shape
    assert shape.unknown_rank and len(shape.dim) == 0


@pytest.mark.parametrize("dtype,enum,field", [
    (np.float32, types_pb2.DT_FLOAT, "float_val"),
    (np.float64, types_pb2.DT_DOUBLE, "double_val"),
    (np.int32, types_pb2.DT_INT32, "int_val"),
    (np.int64, types_pb2.DT_INT64, "int64_val"),
    (np.uint8, types_pb2.DT_UINT8, "int_val"),
    (np.bool_, types_pb2.DT_BOOL, "bool_val"),
])
def test_scalar_tensor_uses_typed_field(dtype, enum, field):
    proto = tensor_proto(np.array(1, dtype=dtype))
    assert proto.dtype == enum
    assert len(proto.tensor_shape.dim) == 0
    assert list(getattr(proto, field)) == [1]
    assert proto.tensor_content == b""


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "int8", "bool",
                                   "float16", "complex64"])
def test_array_tensor_content_is_little_endian_c_order(dtype):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal((2, 3)) * 5).astype(dtype)
    proto = tensor_proto(array.T)  # a non-contiguous view still serializes in C order
    assert proto.tensor_content == np.ascontiguousarray(array.T).astype(
        np.dtype(dtype).newbyteorder("<")).tobytes()
    assert [d.size for d in proto.tensor_shape.dim] == [3, 2]


def test_half_scalar_keeps_raw_bits():
    proto = tensor_proto(np.float16(1.5))
    assert proto.dtype == types_pb2.DT_HALF
    assert list(proto.half_val) == [int(np.array(1.5, np.float16).view(np.uint16))]


def test_string_tensor():
    proto = tensor_proto(np.array([b"ab", "cé"], dtype=object))
    assert proto.dtype == types_pb2.DT_STRING
    assert list(proto.string_val) == [b"ab", "cé".encode("utf-8")]
    assert list(tensor_proto(np.array(["x", "y"])).string_val) == [b"x", b"y"]


def test_minitf_dtypes_and_shapes_convert():
    dtypes = pytest.importorskip("minitf.framework.dtypes")
    tensor_shape = pytest.importorskip("minitf.framework.tensor_shape")
    for name, enum in [("float32", 1), ("float64", 2), ("int32", 3), ("uint8", 4),
                       ("int16", 5), ("int8", 6), ("string", 7), ("int64", 9), ("bool", 10),
                       ("float16", 19)]:
        assert attr_value(getattr(dtypes, name)).type == enum
    shape = attr_value(tensor_shape.TensorShape([None, 4])).shape
    assert [d.size for d in shape.dim] == [-1, 4]
    assert attr_value(tensor_shape.TensorShape(None)).shape.unknown_rank
    assert len(attr_value(tensor_shape.TensorShape([])).shape.dim) == 0
