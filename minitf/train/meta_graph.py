"""``tf.train.import_meta_graph`` and ``tf.train.write_graph``.

``import_meta_graph("ckpt/model-5.meta")`` rebuilds a graph without the code that built
it: the MetaGraph's GraphDef goes through ``tf.import_graph_def`` (with its
``stripped_op_list`` when real TF wrote it), then its collections come back, variables
as ``tf.Variable`` objects, ops and tensors as graph elements, numbers and strings as
they were. It returns a Saver for the imported variables, so ``saver.restore(sess,
"ckpt/model-5")`` works next.
"""
import os

from minitf.framework import errors
from minitf.framework.graph import GraphKeys, Graph, get_default_graph
from minitf.framework.graph_def import graph_to_graph_def
from minitf.io import bundle
from minitf.ops import importer
from minitf.ops.variables import Variable
from minitf.train.queue_runner import QueueRunner, QueueRunnerDef

__all__ = ["import_meta_graph", "read_meta_graph_file", "write_graph"]

# Collections TF stores as VariableDef protos (ops/variables.py registers them in TF).
VARIABLE_COLLECTIONS = (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
                        GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES,
                        GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.GLOBAL_STEP,
                        "metric_variables")
# bytes_list collections of TF protos minitf cannot rebuild (control-flow contexts,
# savers): skipped, as they have no minitf objects to become.
_SKIPPED_PROTO_COLLECTIONS = (GraphKeys.COND_CONTEXT, GraphKeys.WHILE_CONTEXT,
                              GraphKeys.SAVERS)


def read_meta_graph_file(filename):
    """The MetaGraphDef in ``filename`` (binary, or text format as TF also accepts)."""
    from google.protobuf import text_format
    from tensorboard.compat.proto import meta_graph_pb2
    filename = os.fspath(filename)
    if not os.path.exists(filename):
        raise IOError("File %s does not exist." % filename)
    with open(filename, "rb") as f:
        data = f.read()
    meta = meta_graph_pb2.MetaGraphDef()
    try:
        meta.ParseFromString(data)
        return meta
    except Exception:  # protobuf's DecodeError: not binary, try text
        pass
    try:
        text_format.Merge(data.decode("utf-8"), meta)
    except (UnicodeDecodeError, text_format.ParseError) as e:
        raise IOError("Cannot parse file %s: %s." % (filename, e)) from None
    return meta


def _as_meta_graph_def(meta_graph_or_file):
    if isinstance(meta_graph_or_file, (str, os.PathLike)):
        return read_meta_graph_file(meta_graph_or_file)
    from tensorboard.compat.proto import meta_graph_pb2
    if isinstance(meta_graph_or_file, meta_graph_pb2.MetaGraphDef):
        return meta_graph_or_file
    if hasattr(meta_graph_or_file, "SerializeToString"):  # e.g. real TF's generated class
        meta = meta_graph_pb2.MetaGraphDef()
        meta.ParseFromString(meta_graph_or_file.SerializeToString())
        return meta
    raise TypeError("meta_graph_or_file must be a MetaGraphDef or a file name, got %r"
                    % (meta_graph_or_file,))


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None,
                      **kwargs):
    """Recreate the graph saved in a MetaGraphDef in the default graph.

    Args:
      meta_graph_or_file: a ``MetaGraphDef`` or the path of a ``.meta`` file (written
        by minitf's or TensorFlow's Saver / ``export_meta_graph``).
      clear_devices: drop the device placements of the imported ops.
      import_scope: name scope to import under (``"scope/W"``); the returned Saver
        still reads the checkpoint keys the variables were saved with (``"W"``).
      **kwargs: ``input_map`` and ``return_elements``, passed to ``import_graph_def``.

    Returns:
      A ``tf.train.Saver`` over the imported variables (built from the MetaGraph's
      ``saver_def`` when it has one), or None when the graph has no variables. With
      ``return_elements``, the pair ``(saver, elements)``.

    Example:
      >>> saver = tf.train.import_meta_graph("ckpt/model-5.meta")
      >>> with tf.Session() as sess:
      ...     saver.restore(sess, "ckpt/model-5")
      ...     sess.run("loss:0", {"x:0": batch})
    """
    from minitf.train.saver import Saver
    meta = _as_meta_graph_def(meta_graph_or_file)
    graph_def = meta.graph_def
    if clear_devices:
        graph_def = type(graph_def)()
        graph_def.CopyFrom(meta.graph_def)
        for node in graph_def.node:
            node.device = ""
    graph = get_default_graph()
    return_elements = kwargs.pop("return_elements", None)
    input_map = kwargs.pop("input_map", None)
    if kwargs:
        raise TypeError("import_meta_graph() got unexpected arguments %s" % sorted(kwargs))
    op_list = meta.meta_info_def.stripped_op_list if meta.HasField("meta_info_def") else None
    with graph.name_scope(None):
        elements = importer.import_graph_def(
            graph_def, input_map=input_map, return_elements=return_elements,
            name=_scope_prefix(graph, import_scope), producer_op_list=op_list)
    scope = _scope_prefix(graph, import_scope)
    variables = _restore_collections(graph, meta, scope)

    saveable = graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + \
        graph.get_collection(GraphKeys.SAVEABLE_OBJECTS)
    imported = [v for v in variables.values() if v in saveable]
    if not imported:
        saver = None  # TF: "Saver not created because there are no variables in the graph"
    else:
        # Checkpoint keys are the names the variables had when they were saved.
        var_list = {v.op.name[len(scope):]: v for v in imported}
        saver_def = meta.saver_def if meta.HasField("saver_def") else None
        saver = Saver(var_list=var_list, saver_def=saver_def, allow_empty=True)
    return saver if return_elements is None else (saver, elements)


def _scope_prefix(graph, import_scope):
    """The exact prefix of the imported names ("" or "scope/"): a trailing "/" makes
    import_graph_def use it as is instead of making it unique."""
    if not import_scope:
        return ""
    return import_scope.rstrip("/") + "/"


def _restore_collections(graph, meta, scope):
    """Add the MetaGraph's collections to ``graph``; returns {name: Variable} made."""
    from tensorboard.compat.proto import variable_pb2
    variables = {}
    for key in sorted(meta.collection_def):
        col = meta.collection_def[key]
        kind = col.WhichOneof("kind")
        if kind == "bytes_list" and key in VARIABLE_COLLECTIONS:
            for raw in col.bytes_list.value:
                var_def = variable_pb2.VariableDef()
                var_def.ParseFromString(raw)
                name = scope + var_def.variable_name
                if name not in variables:
                    variables[name] = _variable_from_def(graph, var_def, scope)
                graph.add_to_collection(key, variables[name])
        elif kind == "bytes_list" and key == GraphKeys.QUEUE_RUNNERS:
            for raw in col.bytes_list.value:
                graph.add_to_collection(key, QueueRunner(
                    queue_runner_def=QueueRunnerDef.FromString(raw), import_scope=scope))
        elif kind == "bytes_list":
            if key not in _SKIPPED_PROTO_COLLECTIONS:
                for raw in col.bytes_list.value:
                    graph.add_to_collection(key, raw)
        elif kind == "node_list":
            for name in col.node_list.value:
                graph.add_to_collection(key, graph.as_graph_element(scope + name))
        elif kind == "int64_list":
            for value in col.int64_list.value:
                graph.add_to_collection(key, int(value))
        elif kind == "float_list":
            for value in col.float_list.value:
                graph.add_to_collection(key, float(value))
    return variables


def _variable_from_def(graph, var_def, scope):
    """A Variable object over the imported ops a VariableDef names.

    TF builds these with ``Variable(variable_def=...)``; minitf's Variable has no such
    constructor yet (it belongs in ops/variables.py), so the fields are set here.
    """
    if var_def.is_resource:
        raise errors.UnimplementedError(
            None, None, "Variable %s is a resource variable; minitf implements only "
            "reference variables (tf.compat.v1.disable_resource_variables())"
            % var_def.variable_name)
    var = Variable.__new__(Variable)
    var._variable = graph.get_tensor_by_name(scope + var_def.variable_name)
    var.initializer = graph.get_operation_by_name(scope + var_def.initializer_name)
    var._snapshot = graph.get_tensor_by_name(scope + var_def.snapshot_name)
    var._initial_value = (graph.get_tensor_by_name(scope + var_def.initial_value_name)
                          if var_def.initial_value_name else None)
    var._trainable = bool(var_def.trainable)
    var.constraint = None
    return var


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Write a graph (or GraphDef) to ``logdir/name``; returns the path.

    As text format (``graph.pbtxt``) by default, else binary. A minitf Graph is written
    with each node's output types (``_output_types``), so ``tf.import_graph_def`` can
    rebuild it. The directory is created if needed; the write is atomic.

    Example:
      >>> tf.train.write_graph(sess.graph, "logs", "graph.pbtxt")
      'logs/graph.pbtxt'
    """
    if isinstance(graph_or_graph_def, Graph):
        graph_def = graph_to_graph_def(graph_or_graph_def, add_output_types=True)
    elif hasattr(graph_or_graph_def, "as_graph_def"):
        graph_def = graph_or_graph_def.as_graph_def()
    else:
        graph_def = graph_or_graph_def
    logdir = os.fspath(logdir)
    if logdir and not os.path.isdir(logdir):
        os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    data = str(graph_def).encode("utf-8") if as_text else \
        graph_def.SerializeToString(deterministic=True)
    bundle.atomic_write(path, data)
    return path
