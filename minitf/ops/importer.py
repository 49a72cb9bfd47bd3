"""``tf.import_graph_def``: rebuild the ops of a GraphDef in the current graph.

Each NodeDef becomes one op made by ``Graph.create_op``, so it gets its kernel, its
static shape from the op type's shape function and its gradient, as if the code that
built it had run. What a NodeDef does not say directly is worked out here:

- **Output dtypes.** A GraphDef minitf wrote for a MetaGraph lists them in the
  ``_output_types`` attr.  A graph real TF wrote has none, but its MetaGraph carries
  ``meta_info_def.stripped_op_list``, whose OpDefs give output types through type attrs
  (``T``, ``dtype``, ``N`` copies ...).  Without either, the op type's translation (below)
  or a generic rule (attr ``T``, else ``dtype``, else the first input's dtype) decides.
- **Attrs.** AttrValues convert back to the Python values minitf keeps in ``op.attrs``
  (``graph_def.python_attr``); OpDef defaults fill attrs TF stripped; attrs whose name
  starts with ``_`` (``_class``, ``_output_shapes``) are TF bookkeeping and are dropped.
- **Op types and attrs that differ from TF's.** One translation per op type, declared
  with ``register_node_def_translation`` in the table at the end of this module.

Control-flow ops (``If``, ``While``) cannot be imported: minitf runs their bodies as
Python-side contexts that a GraphDef does not hold.  Real TF's Switch/Merge/Enter/Exit
ops are not minitf op types; both raise an error naming the op.
"""
import socket

import numpy as np

from minitf.framework import dtypes, errors, op_registry
from minitf.framework import graph_def as _graph_def
from minitf.framework.graph import Operation, Tensor, convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import unknown_shape

__all__ = ["import_graph_def"]


# -- per-op-type translation -------------------------------------------------------------
class NodeDefTranslation:
    """How one op type's NodeDef becomes a minitf op.

    Attributes:
      op_type: the minitf op type to create (e.g. TF 2's ``AddV2`` runs as ``Add``).
      attrs: ``attrs(attrs_dict) -> attrs_dict``: TF's attrs to minitf's, or None.
      output_types: ``output_types(attrs, inputs) -> [DType]``, used when the GraphDef
        carries neither ``_output_types`` nor an OpDef; None uses the generic rule.
    """

    __slots__ = ("op_type", "attrs", "output_types")

    def __init__(self, op_type, attrs, output_types):
        self.op_type = op_type
        self.attrs = attrs
        self.output_types = output_types


_TRANSLATIONS = {}


def register_node_def_translation(node_op, op_type=None, attrs=None, output_types=None):
    """Declare, once per NodeDef op type, how it maps onto a minitf op.

    Args:
      node_op: the ``op`` field of the NodeDef (TF's op type).
      op_type: the registered minitf op type to build (default: ``node_op``).
      attrs: function translating the attr dict, or None to keep it.
      output_types: function ``(attrs, inputs) -> [DType]`` for GraphDefs without types.
    """
    if node_op in _TRANSLATIONS:
        raise KeyError("A NodeDef translation for '%s' is registered twice." % node_op)
    _TRANSLATIONS[node_op] = NodeDefTranslation(op_type or node_op, attrs, output_types)


def _translation(node_op):
    return _TRANSLATIONS.get(node_op) or NodeDefTranslation(node_op, None, None)


# -- import_graph_def --------------------------------------------------------------------
def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None):
    """Import the ops of ``graph_def`` into the default graph.

    Args:
      graph_def: a ``GraphDef`` proto (TF's or tensorboard's generated class, or its
        serialized bytes).
      input_map: dict from tensor names in ``graph_def`` (``"x:0"``, ``"x"`` for output
        0, ``"^x"`` for a control input) to Tensors (or Operations, for ``^x``) of the
        current graph that replace them as inputs.
      return_elements: names of ops (``"train"``) or tensors (``"loss:0"``) in
        ``graph_def`` to return, in the imported graph.
      name: prefix for the imported names (default ``"import"``; ``""`` for none).
      op_dict: unused (as in TF 1.x).
      producer_op_list: an ``OpList`` whose OpDefs give output types and attr defaults
        (``import_meta_graph`` passes the MetaGraph's ``stripped_op_list``).

    Returns:
      The list of Operations/Tensors named in ``return_elements``, or None.

    Raises:
      NotFoundError: a node's op type is not one minitf implements ("Op type not
        registered 'X'").
      UnimplementedError: a control-flow op (If, While), whose bodies a GraphDef lacks.
      ValueError: bad input_map or return_elements, duplicate or missing nodes.

    Example:
      >>> with tf.Graph().as_default():
      ...     x = tf.placeholder(tf.float32, [], name="x")
      ...     y = tf.identity(x * 2.0, name="y")
      ...     gd = tf.get_default_graph().as_graph_def()
      >>> z = tf.constant(21.0)
      >>> y2, = tf.import_graph_def(gd, input_map={"x:0": z}, return_elements=["y:0"])
      >>> tf.Session().run(y2)
      42.0
    """
    graph_def = _as_graph_def(graph_def)
    graph = get_default_graph()
    input_map = dict(input_map or {})
    for key in input_map:
        if not isinstance(key, str):
            raise TypeError("input_map must be a dictionary mapping strings to Tensor "
                            "objects.")
    if return_elements is not None and (isinstance(return_elements, str) or not all(
            isinstance(x, str) for x in return_elements)):
        raise TypeError("return_elements must be a list of strings.")
    nodes = _nodes_by_name(graph_def)
    op_defs = {op_def.name: op_def for op_def in getattr(producer_op_list, "op", ())}
    # Control-flow owners first, so the error names the If/While rather than a LoopVar
    # inside its body.
    for node in sorted(nodes.values(), key=lambda n: _translation(n.op).op_type == "LoopVar"):
        _check_importable(node)
    mapped = _normalize_input_map(input_map, nodes)

    scope_name = "import" if name is None else name
    with graph.name_scope(scope_name) as scope:
        if any(not isinstance(v, (Tensor, Operation)) for v in mapped.values()):
            if not scope:
                raise ValueError("tf.import_graph_def() requires a non-empty `name` if "
                                 "`input_map` contains non-Tensor values. Try calling "
                                 "tf.convert_to_tensor() on `input_map` values before "
                                 "calling tf.import_graph_def().")
            # TF's "_inputs" scope; entered by its full name, as minitf's scope-name check
            # (stricter than TF's for nested scopes) rejects a leading underscore.
            with graph.name_scope(scope + "_inputs/"):
                mapped = {k: v if isinstance(v, (Tensor, Operation)) else convert_to_tensor(v)
                          for k, v in mapped.items()}
        with graph.name_scope(None):
            for node_name in nodes:
                if (scope + node_name) in graph._ops_by_name:
                    raise ValueError("Duplicate node name in graph: '%s'" % (scope + node_name))
            created = {}
            for node in _topological_order(nodes):
                created[node.name] = _import_node(graph, node, scope, created, mapped,
                                                  op_defs)
    if return_elements is None:
        return None
    return [_return_element(x, created) for x in return_elements]


def _as_graph_def(graph_def):
    if isinstance(graph_def, (bytes, bytearray)):
        from tensorboard.compat.proto import graph_pb2
        proto = graph_pb2.GraphDef()
        proto.ParseFromString(bytes(graph_def))
        return proto
    if not hasattr(graph_def, "node"):
        raise TypeError("graph_def must be a GraphDef proto.")
    return graph_def


def _nodes_by_name(graph_def):
    nodes = {}
    for node in graph_def.node:
        if node.name in nodes:
            raise ValueError("Duplicate node name in graph: '%s'" % node.name)
        nodes[node.name] = node
    return nodes


def _check_importable(node):
    """Raise TF's error for an op type minitf lacks, ours for control flow."""
    op_type = _translation(node.op).op_type
    try:
        opdef = op_registry.get(op_type)
    except LookupError:
        raise errors.NotFoundError(
            None, None, "Op type not registered '%s' in binary running on %s. Make sure the "
            "Op and Kernel are registered in the binary running in this process. (node '%s'; "
            "minitf implements the op types in minitf.framework.op_registry."
            "registered_types())" % (node.op, socket.gethostname(), node.name)) from None
    if opdef.contexts is not None or op_type == "LoopVar":
        raise errors.UnimplementedError(
            None, None, "Cannot import node '%s' (op: '%s'): minitf runs control-flow bodies "
            "as Python-side contexts, which a GraphDef does not hold. Rebuild this part of "
            "the graph from code instead." % (node.name, node.op))


def _tensor_key(name):
    """'x' -> ('x', 0); 'x:1' -> ('x', 1); '^x' -> ('^x', None)."""
    if name.startswith("^"):
        return name, None
    if ":" in name:
        op_name, index = name.rsplit(":", 1)
        if index.isdigit():
            return op_name, int(index)
    return name, 0


def _normalize_input_map(input_map, nodes):
    mapped, missing = {}, []
    for key, value in input_map.items():
        op_name, index = _tensor_key(key)
        if op_name.lstrip("^") not in nodes:
            missing.append(key)
        mapped[(op_name, index)] = value
    if missing:
        raise ValueError("Attempted to map inputs that were not found in graph_def: [%s]"
                         % ", ".join(missing))
    return mapped


def _topological_order(nodes):
    """Nodes with each one after its inputs; a cycle (TF's while loops) is an error."""
    order, state = [], {}
    for root in nodes:
        stack = [(root, False)]
        while stack:
            name, done = stack.pop()
            if done:
                state[name] = 2
                order.append(nodes[name])
                continue
            if state.get(name) == 2:
                continue
            if state.get(name) == 1:
                continue
            state[name] = 1
            stack.append((name, True))
            for inp in reversed(nodes[name].input):
                src = _tensor_key(inp)[0].lstrip("^")
                if src not in nodes:
                    raise ValueError("Node '%s': Unknown input node '%s'" % (name, inp))
                if state.get(src) == 1:
                    raise ValueError("GraphDef has a cycle through node '%s' (op: '%s'); "
                                     "minitf cannot import TF's while-loop frames."
                                     % (src, nodes[src].op))
                if state.get(src) != 2:
                    stack.append((src, False))
    return order


def _node_attrs(node, op_def):
    """The node's attrs as Python values, with OpDef defaults for stripped ones."""
    attrs = {}
    if op_def is not None:
        for attr_def in op_def.attr:
            if attr_def.HasField("default_value"):
                attrs[attr_def.name] = _python_attr(node, attr_def.name, attr_def.default_value)
    for key, value in node.attr.items():
        if not key.startswith("_"):
            attrs[key] = _python_attr(node, key, value)
    return attrs


def _python_attr(node, key, value):
    try:
        return _graph_def.python_attr(value)
    except (TypeError, ValueError) as e:
        raise ValueError("Node '%s' (op: '%s'): cannot read attr '%s': %s"
                         % (node.name, node.op, key, e)) from None


def _import_node(graph, node, scope, created, mapped, op_defs):
    translation = _translation(node.op)
    op_def = op_defs.get(node.op)
    attrs = _node_attrs(node, op_def)
    inputs, control_inputs = [], []
    for i, inp in enumerate(node.input):
        key = _tensor_key(inp)
        if key[1] is None:
            control_inputs.append(_mapped_or(mapped, key, lambda k=key: created[k[0][1:]], True))
            continue
        op = created[key[0]]
        if key[1] >= len(op._outputs):
            raise ValueError("Node '%s': input '%s' names output %d of an op with %d outputs"
                             % (node.name, inp, key[1], len(op._outputs)))
        original = op._outputs[key[1]]
        tensor = _mapped_or(mapped, key, lambda o=original: o, False)
        if tensor.dtype.base_dtype is not original.dtype.base_dtype:
            raise ValueError("Input %d of node %s was passed %s from %s incompatible with "
                             "expected %s." % (i, scope + node.name, tensor.dtype.name,
                                               tensor.name, original.dtype.name))
        inputs.append(tensor)
    out_types = _output_types(node, attrs, inputs, op_def, translation)
    if translation.attrs is not None:
        attrs = translation.attrs(attrs)
    full_name = scope + node.name
    device = "" if not node.device else node.device
    with graph.device(device):
        op = graph.create_op(translation.op_type, inputs, out_types, name=full_name + "/",
                             attrs=attrs)
    _mark_name_used(graph, full_name)
    for c in control_inputs:
        op._add_control_input(c)
    return op


def _mapped_or(mapped, key, default, control):
    if key not in mapped:
        return default()
    value = mapped[key]
    if control:
        value = value.op if isinstance(value, Tensor) else value
        if not isinstance(value, Operation):
            raise TypeError("input_map maps control input %s to %r, not an Operation"
                            % (key[0], value))
    elif not isinstance(value, Tensor):
        raise TypeError("input_map maps %s:%d to %r, not a Tensor" % (key[0], key[1], value))
    return value


def _mark_name_used(graph, full_name):
    """Reserve the name and its scopes, so ops made later get ``name_1`` as in TF."""
    parts = full_name.split("/")
    for i in range(1, len(parts) + 1):
        graph._names_in_use.setdefault("/".join(parts[:i]).lower(), 1)


def _output_types(node, attrs, inputs, op_def, translation):
    if _graph_def.OUTPUT_TYPES_ATTR in node.attr:
        return [_graph_def.minitf_dtype(t)
                for t in node.attr[_graph_def.OUTPUT_TYPES_ATTR].list.type]
    if op_def is not None:
        return _types_from_op_def(node, op_def, attrs)
    if translation.output_types is not None:
        return list(translation.output_types(attrs, inputs))
    for key in ("T", "dtype"):
        if isinstance(attrs.get(key), dtypes.DType):
            return [attrs[key]]
    if inputs:
        return [inputs[0].dtype.base_dtype]
    raise ValueError("Node '%s' (op: '%s'): the GraphDef does not say its output types "
                     "(no _output_types attr, no OpDef) and no rule infers them."
                     % (node.name, node.op))


def _types_from_op_def(node, op_def, attrs):
    """Output dtypes from an OpDef's output args, as TF's importer derives them."""
    def attr(name):
        if name not in attrs:
            raise ValueError("Node '%s' (op: '%s') has no attr '%s' that its OpDef needs"
                             % (node.name, node.op, name))
        return attrs[name]

    out = []
    for arg in op_def.output_arg:
        if arg.type_list_attr:
            out.extend(attr(arg.type_list_attr))
            continue
        dtype = _graph_def.minitf_dtype(arg.type) if arg.type else attr(arg.type_attr)
        count = int(attr(arg.number_attr)) if arg.number_attr else 1
        out.extend([dtype] * count)
    return out


def _return_element(name, created):
    op_name, index = _tensor_key(name)
    if ":" not in name:
        index = None
    op = created.get(op_name)
    if op is None:
        raise ValueError("Requested return_element %r not found in graph_def." % name)
    if index is None:
        return op
    if index >= len(op._outputs):
        raise ValueError("Requested return_element %r not found in graph_def." % name)
    return op._outputs[index]


# -- ops only graphs written by real TF use ----------------------------------------------
# TF's gradient code emits these; minitf's own gradients never build them.
def _broadcast_gradient_args_kernel(ctx, s0, s1):
    """Reduction axes for the gradients of a broadcasting binary op, as TF's BCast:
    equal shapes reduce nothing; otherwise an input is reduced over every axis where its
    left-padded size is 1 (even when the other's is 1 too)."""
    a, b = [int(v) for v in s0], [int(v) for v in s1]
    dt = np.dtype(ctx.attrs.get("T", dtypes.int32).as_numpy_dtype)
    if a == b:
        return np.zeros(0, dt), np.zeros(0, dt)
    rank = max(len(a), len(b))
    pa, pb = [1] * (rank - len(a)) + a, [1] * (rank - len(b)) + b
    r0, r1 = [], []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise errors.InvalidArgumentError(None, ctx.op, "Incompatible shapes: [%s] vs. [%s]"
                                              % (",".join(map(str, a)), ",".join(map(str, b))))
        if x == 1:
            r0.append(i)
        if y == 1:
            r1.append(i)
    return np.array(r0, dtype=dt), np.array(r1, dtype=dt)


register("BroadcastGradientArgs", _broadcast_gradient_args_kernel,
         lambda op: [unknown_shape(1), unknown_shape(1)], NO_GRADIENT)


def _prevent_gradient_grad(op, grad):
    raise LookupError("Gradient explicitly disabled. Reason: %s"
                      % op._attrs.get("message", ""))


register("PreventGradient", lambda ctx, x: x, lambda op: [op._inputs[0].shape],
         _prevent_gradient_grad, forwards=True)


# -- the translation table ---------------------------------------------------------------
# Output-type rules for GraphDefs without types (e.g. a graph.pbtxt TF wrote): only the
# op types the generic rule (T, else dtype, else input 0) gets wrong are listed.
def _none(attrs, inputs):
    return []


def _string(attrs, inputs):
    return [dtypes.string]


def _bool(attrs, inputs):
    return [dtypes.bool]


def _attr_type(key):
    return lambda attrs, inputs: [attrs[key]]


def _const_attrs(attrs):
    value = np.asarray(attrs["value"])
    if attrs.get("dtype") is not None and attrs["dtype"] is not dtypes.string:
        value = value.astype(attrs["dtype"].as_numpy_dtype, copy=False)
    value.flags.writeable = False  # as tf.constant leaves it: kernels hand it out as is
    attrs["value"] = value
    return attrs


register_node_def_translation("Const", attrs=_const_attrs)
register_node_def_translation("AddV2", op_type="Add")
register_node_def_translation("BatchMatMulV3", op_type="BatchMatMulV2")
for _op in ("NoOp", "Assert", "SaveV2"):
    register_node_def_translation(_op, output_types=_none)
for _op in ("ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummaryV2",
            "TensorSummaryV2", "MergeSummary", "ReportUninitialized"):
    register_node_def_translation(_op, output_types=_string)
for _op in ("Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "IsNan",
            "IsInf", "IsFinite", "IsVariableInitialized", "InTopKV2"):
    register_node_def_translation(_op, output_types=_bool)
for _op in ("Shape", "Size", "Rank"):
    register_node_def_translation(
        _op, output_types=lambda attrs, inputs: [attrs.get("out_type", dtypes.int32)])
register_node_def_translation("Cast", output_types=_attr_type("DstT"))
register_node_def_translation("ArgMax", output_types=_attr_type("output_type"))
register_node_def_translation("ArgMin", output_types=_attr_type("output_type"))
register_node_def_translation(
    "BroadcastGradientArgs", output_types=lambda attrs, inputs: [inputs[0].dtype] * 2)
register_node_def_translation(
    "RestoreV2", output_types=lambda attrs, inputs: list(attrs["dtypes"]))
# queues and readers (their handles are string scalars in minitf)
for _op in ("FIFOQueueV2", "PaddingFIFOQueueV2", "RandomShuffleQueueV2", "PriorityQueueV2",
            "TextLineReaderV2", "FixedLengthRecordReaderV2", "WholeFileReaderV2",
            "TFRecordReaderV2", "IdentityReaderV2", "ReaderSerializeStateV2", "ReadFile",
            "MatchingFiles"):
    register_node_def_translation(_op, output_types=_string)
for _op in ("QueueEnqueueV2", "QueueEnqueueManyV2", "QueueCloseV2", "ReaderResetV2",
            "ReaderRestoreStateV2", "WriteFile"):
    register_node_def_translation(_op, output_types=_none)
for _op in ("QueueDequeueV2", "QueueDequeueManyV2", "QueueDequeueUpToV2"):
    register_node_def_translation(
        _op, output_types=lambda attrs, inputs: list(attrs["component_types"]))
register_node_def_translation("QueueSizeV2", output_types=lambda attrs, inputs: [dtypes.int32])
register_node_def_translation("QueueIsClosedV2", output_types=_bool)
for _op in ("ReaderReadV2", "ReaderReadUpToV2"):
    register_node_def_translation(_op, output_types=lambda attrs, inputs: [dtypes.string] * 2)
for _op in ("ReaderNumRecordsProducedV2", "ReaderNumWorkUnitsCompletedV2"):
    register_node_def_translation(_op, output_types=lambda attrs, inputs: [dtypes.int64])
register_node_def_translation(
    "DecodeCSV", output_types=lambda attrs, inputs: list(attrs["OUT_TYPE"]))
register_node_def_translation("DecodeRaw", output_types=_attr_type("out_type"))
# TensorArrays (a string handle and a float flow, as minitf builds them)
for _op in ("TensorArrayV3", "TensorArrayGradV3"):
    register_node_def_translation(
        _op, output_types=lambda attrs, inputs: [dtypes.string, dtypes.float32])
for _op in ("TensorArrayWriteV3", "TensorArrayScatterV3"):
    register_node_def_translation(_op, output_types=lambda attrs, inputs: [dtypes.float32])
for _op in ("TensorArrayReadV3", "TensorArrayGatherV3"):
    register_node_def_translation(_op, output_types=_attr_type("dtype"))
register_node_def_translation("TensorArraySizeV3",
                              output_types=lambda attrs, inputs: [dtypes.int32])
register_node_def_translation("TensorArrayCloseV3", output_types=_none)
