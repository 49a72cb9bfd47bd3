"""``tf.train.Saver``: save variables to TensorFlow V2 checkpoints and restore them.

``saver.save(sess, "ckpt/model", global_step=5)`` writes ``ckpt/model-5.index`` and
``ckpt/model-5.data-00000-of-00001`` (byte-identical to TensorFlow's, see
``minitf/io/bundle.py``), ``ckpt/model-5.meta`` (a MetaGraphDef) and then rewrites the
``ckpt/checkpoint`` state file. Every file goes to a temp name first and is moved into
place; the state file goes last, so a save that dies half way leaves the previous
checkpoint current and intact.

``saver.restore(sess, path)`` reads and checks everything (checksums, names, dtypes,
shapes) before it changes any variable, then sets them all at once. Checkpoint keys are
the variables' op names (``"layer/W"``); names missing from the checkpoint, or stored
with another shape or dtype, are all listed in the error.

The Saver reads and writes the session's variable values directly instead of adding
``SaveV2``/``RestoreV2`` ops to the graph.
"""

import numbers
import os
import time

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import GraphKeys, Operation, Tensor, get_default_graph
from minitf.framework.graph_def import graph_to_graph_def
from minitf.framework.tensor_shape import TensorShape
from minitf.io import bundle
from minitf.train import checkpoint_state
from minitf.train.queue_runner import QueueRunner

__all__ = ["CheckpointReader", "NewCheckpointReader", "Saver", "export_meta_graph",
           "list_variables", "load_checkpoint", "load_variable"]

SAVEABLE_OBJECTS = GraphKeys.SAVEABLE_OBJECTS
_VARIABLE_OP_TYPES = ("VariableV2", "Variable", "VarHandleOp", "AutoReloadVariable")
_RESTORE_HELP = ("Restoring from checkpoint failed. This is most likely due to {} from the "
                 "checkpoint. Please ensure that you have not altered the graph expected based "
                 "on the checkpoint. Original error:\n\n{}")
_LISTING_LIMIT = 40


class CheckpointNotFoundError(errors.NotFoundError, ValueError):
    """Restore from a prefix with no checkpoint files.

    TF raises ValueError here; this is both that and a NotFoundError.
    """


# -- saveable objects ------------------------------------------------------------------
class SaveSpec:
    """One tensor a SaveableObject saves: its value tensor and its checkpoint key."""

    def __init__(self, tensor, slice_spec, name, dtype=None, device=None):
        self.tensor = tensor
        self.slice_spec = slice_spec
        self.name = name
        self.dtype = dtype or tensor.dtype
        self.device = device


class SaveableObject:
    """Something that is saved as a few tensors and restored by an op it builds.

    Subclasses set ``specs`` (a list of SaveSpec) and implement
    ``restore(restored_tensors, restored_shapes)`` returning an Operation.
    Put instances in ``tf.get_collection("saveable_objects")`` (or a Saver's
    var_list) to save them alongside the variables.
    """

    def __init__(self, op, specs, name):
        self.op = op
        self.specs = specs
        self.name = name

    def restore(self, restored_tensors, restored_shapes):
        raise NotImplementedError


class BaseSaverBuilder:
    """Holds the SaveSpec and SaveableObject classes, as ``tf.train`` exposes them."""

    SaveSpec = SaveSpec
    SaveableObject = SaveableObject


class _Slot:
    """One checkpoint key: the tensor to fetch when saving and how to restore it."""

    __slots__ = ("key", "fetch", "dtype", "shape", "var_op", "owner")

    def __init__(self, key, fetch, dtype, shape, var_op=None, owner=None):
        self.key = key
        self.fetch = fetch          # tensor evaluated when saving
        self.dtype = dtype          # minitf DType
        self.shape = shape          # static TensorShape
        self.var_op = var_op        # VariableV2 op whose session value is set on restore
        self.owner = owner          # or the SaveableObject that restores it


def _is_saveable(obj):
    return hasattr(obj, "specs") and hasattr(obj, "restore") and not isinstance(obj, Tensor)


def _variable_ref(obj):
    """The VariableV2 output tensor of a Variable or a variable's ref tensor, else None."""
    ref = obj._ref() if hasattr(obj, "_ref") and not isinstance(obj, Tensor) else obj
    if isinstance(ref, Tensor) and ref.op.type in _VARIABLE_OP_TYPES:
        return ref
    return None


def _slots_for(names_to_items):
    """Sorted list of _Slot for a dict name -> variable / ref tensor / SaveableObject."""
    slots = {}

    def add(slot):
        if slot.key in slots:
            raise ValueError("At least two variables have the same name: %s" % slot.key)
        slots[slot.key] = slot

    for name, item in names_to_items:
        if _is_saveable(item):
            for spec in item.specs:
                tensor = spec.tensor() if callable(spec.tensor) else spec.tensor
                add(_Slot(spec.name, tensor, dtypes.as_dtype(spec.dtype), tensor.shape,
                          owner=item))
            continue
        ref = _variable_ref(item)
        if ref is None:
            if isinstance(item, (list, tuple)):
                raise TypeError("Partitioned variables are not supported by minitf's Saver: %s"
                                % name)
            raise TypeError("Variable to save is not a Variable: %s" % (item,))
        add(_Slot(name, ref, ref.dtype, ref.shape, var_op=ref.op))
    return [slots[k] for k in sorted(slots, key=lambda k: k.encode("utf-8"))]


def _names_to_items(var_list):
    """[(checkpoint key, item)] for a Saver's var_list (list or dict)."""
    if isinstance(var_list, dict):
        out = []
        for name, item in var_list.items():
            if not isinstance(name, str):
                raise TypeError("The keys of a var_list dict must be strings, got %r" % (name,))
            out.append((name, item))
        return out
    out = []
    for item in var_list:
        if _is_saveable(item):
            out.append((item.name, item))
            continue
        ref = _variable_ref(item)
        if ref is None:
            raise TypeError("Variable to save is not a Variable: %s" % (item,))
        out.append((ref.op.name, item))
    return out


# -- the Saver -------------------------------------------------------------------------
class Saver:
    """Saves and restores variables as TensorFlow V2 checkpoints.

    Args:
      var_list: the variables to save: None (all global variables plus the
        ``saveable_objects`` collection), a list (keys are the variables' op
        names) or a dict checkpoint key -> variable.
      reshape: restore a tensor saved with another shape but as many elements.
      sharded: accepted for compatibility (one device, so one shard either way).
      max_to_keep: how many recent checkpoints to keep; None or 0 keeps all.
      keep_checkpoint_every_n_hours: additionally keep one checkpoint per N hours.
      name: the name scope reserved for the saver (``"save"``).
      allow_empty: if False, having nothing to save raises ValueError.
      write_version: 2 (the V2 bundle format; V1 is not written).
      pad_step_number: name checkpoints ``model-00000005`` instead of ``model-5``.
      save_relative_paths: write paths relative to the directory in ``checkpoint``.
      defer_build: build later with ``build()`` (e.g. after creating more variables).

    Example:
      >>> W = tf.Variable(tf.zeros([2, 2]), name="layer/W")
      >>> saver = tf.train.Saver(max_to_keep=3)
      >>> with tf.Session() as sess:
      ...     sess.run(tf.global_variables_initializer())
      ...     saver.save(sess, "ckpt/model", global_step=5)
      'ckpt/model-5'
      >>> with tf.Session() as sess:
      ...     saver.restore(sess, tf.train.latest_checkpoint("ckpt"))
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=2, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        if saver_def is not None:
            max_to_keep = saver_def.max_to_keep
            keep_checkpoint_every_n_hours = saver_def.keep_checkpoint_every_n_hours
            sharded = saver_def.sharded
        if write_version not in (2, "V2"):
            raise ValueError("minitf writes only V2 checkpoints (write_version=2), got %r"
                             % (write_version,))
        if defer_build and var_list is not None:
            raise ValueError("If `var_list` is provided then build cannot be deferred. "
                             "Either set defer_build=False or var_list=None.")
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded
        self._max_to_keep = max_to_keep or 0
        self._keep_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self._slots = None
        self._is_empty = None
        self._graph = None
        self._last_checkpoints = []          # [(prefix, save time)], oldest first
        self._checkpoints_to_be_deleted = []
        self._next_checkpoint_time = time.time() + keep_checkpoint_every_n_hours * 3600
        if not defer_build:
            self.build()

    def build(self):
        """Collect the variables to save (done by the constructor unless deferred)."""
        if self._slots is not None:
            return
        graph = get_default_graph()
        var_list = self._var_list
        if var_list is None:
            var_list = graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + \
                graph.get_collection(SAVEABLE_OBJECTS)
        slots = _slots_for(_names_to_items(var_list))
        if not slots and not self._allow_empty:
            raise ValueError("No variables to save")
        graphs = {s.fetch.graph for s in slots}
        if len(graphs) > 1:
            raise ValueError("The variables to save come from different graphs")
        self._graph = graphs.pop() if graphs else graph
        # TF builds its save/restore ops under the "save" scope; take the name too, so
        # later ops get the same names as in TensorFlow ("save_1", ...).
        self._graph.unique_name(self._name or "save")
        self._slots = slots
        self._is_empty = not slots

    @property
    def last_checkpoints(self):
        """The kept checkpoint prefixes, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        """Declare ``last_checkpoints`` (prefixes, oldest first) as this saver's kept ones."""
        self._last_checkpoints = [(p, np.inf) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Like set_last_checkpoints, with (prefix, save time) pairs."""
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths):
        """Adopt the existing ones of ``checkpoint_paths`` (e.g. after a restart)."""
        mtimes = checkpoint_state.get_checkpoint_mtimes(checkpoint_paths)
        existing = [p for p in checkpoint_paths if checkpoint_state.checkpoint_exists(p)]
        self.set_last_checkpoints_with_time(list(zip(existing, mtimes)))

    def as_saver_def(self):
        """A SaverDef proto with this saver's options (no tensor names: no ops are built)."""
        from tensorboard.compat.proto import saver_pb2
        return saver_pb2.SaverDef(max_to_keep=self._max_to_keep, sharded=bool(self._sharded),
                                  keep_checkpoint_every_n_hours=self._keep_every_n_hours,
                                  version=saver_pb2.SaverDef.V2)

    to_proto = as_saver_def

    # -- save --------------------------------------------------------------------------
    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Save the variables' values in ``sess`` as a checkpoint.

        Args:
          sess: the Session holding the values.
          save_path: the checkpoint prefix, e.g. ``"ckpt/model"``.
          global_step: appended as ``-<step>``: an int, or a Tensor/Variable
            evaluated in ``sess``.
          latest_filename: the state file's name (default ``"checkpoint"``).
          meta_graph_suffix: extension of the MetaGraphDef file.
          write_meta_graph: also write ``<prefix>.meta``.
          write_state: update the ``checkpoint`` state file (and max_to_keep).

        Returns:
          The checkpoint prefix written (``"ckpt/model-5"``), or None if there
          was nothing to save.
        """
        from minitf.framework.session import BaseSession
        self.build()
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        if global_step is not None:
            if not isinstance(global_step, (numbers.Integral, np.integer)):
                global_step = int(sess.run(global_step))
            step = "{:08d}".format(global_step) if self._pad_step_number else "%d" % global_step
            checkpoint_file = "%s-%s" % (save_path, step)
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                raise ValueError("'latest_filename' collides with 'save_path': '%s' and '%s'"
                                 % (latest_filename, save_path))
        if not isinstance(sess, BaseSession):
            raise TypeError("'sess' must be a Session; %s" % sess)
        save_dir = os.path.dirname(save_path)
        if save_dir and not os.path.isdir(save_dir):
            raise ValueError("Parent directory of {} doesn't exist, can't save.".format(save_path))

        model_checkpoint_path = None
        existed = checkpoint_state.checkpoint_exists(checkpoint_file)
        if not self._is_empty:
            bundle.write_bundle(checkpoint_file, self._values(sess))
            model_checkpoint_path = checkpoint_file
        try:
            if write_meta_graph:
                meta = checkpoint_state.meta_graph_filename(checkpoint_file, meta_graph_suffix)
                self.export_meta_graph(meta, graph=sess.graph,
                                       strip_default_attrs=strip_default_attrs)
            if write_state and model_checkpoint_path is not None:
                kept, dropped = self._kept_after(model_checkpoint_path)
                checkpoint_state.update_checkpoint_state(
                    save_dir, model_checkpoint_path, [p for p, _ in kept], latest_filename,
                    save_relative_paths=self._save_relative_paths)
                if self._max_to_keep:  # state written: now adopt the new list
                    self._last_checkpoints = kept
                    self._checkpoints_to_be_deleted.extend(dropped)
        except BaseException:
            # The state file still names the previous checkpoint: drop this one's files.
            if model_checkpoint_path is not None and not existed:
                checkpoint_state.remove_checkpoint(model_checkpoint_path, 2, meta_graph_suffix)
            raise
        if write_state and model_checkpoint_path is not None:
            self._maybe_delete_old_checkpoints(meta_graph_suffix)
        return model_checkpoint_path

    def _values(self, sess):
        """name -> numpy value of every slot, fetched in one run."""
        if sess.graph is not self._graph:
            raise ValueError("The Saver's variables are not in the session's graph.")
        fetched = sess.run([s.fetch for s in self._slots])
        out = {}
        for slot, value in zip(self._slots, fetched):
            if slot.dtype is dtypes.string:
                value = np.asarray(value, dtype=object)
            else:
                value = np.asarray(value, dtype=slot.dtype.as_numpy_dtype)
            out[slot.key] = value
        return out

    def _kept_after(self, path):
        """(kept, dropped) checkpoint lists once ``path`` is saved; nothing is changed yet."""
        if not self._max_to_keep:
            return [], []
        kept = [p for p in self._last_checkpoints if p[0] != path] + [(path, time.time())]
        cut = max(0, len(kept) - self._max_to_keep)
        return kept[cut:], kept[:cut]

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix):
        """Delete checkpoints past max_to_keep, except one per keep_checkpoint_every_n_hours."""
        while self._checkpoints_to_be_deleted:
            path, saved_at = self._checkpoints_to_be_deleted.pop(0)
            if saved_at > self._next_checkpoint_time:
                self._next_checkpoint_time += self._keep_every_n_hours * 3600
                continue
            checkpoint_state.remove_checkpoint(path, 2, meta_graph_suffix)

    # -- restore -----------------------------------------------------------------------
    def restore(self, sess, save_path):
        """Set the variables in ``sess`` to the values saved at ``save_path``.

        Everything is read and checked first; on any error no variable changes.

        Raises:
          NotFoundError: no checkpoint at ``save_path`` (also a ValueError, as in TF),
            or some variables are not in it (all of them are named).
          InvalidArgumentError: variables whose saved shape or dtype differs (all named,
            with both shapes).
          DataLossError: a damaged or truncated checkpoint file.
        """
        self.build()
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = os.fspath(save_path)
        if not checkpoint_state.checkpoint_exists(prefix):
            raise CheckpointNotFoundError(
                None, None, "The passed save_path is not a valid checkpoint: %s (Unsuccessful "
                "TensorSliceReader constructor: Failed to find any matching files for %s)"
                % (prefix, bundle.index_filename(prefix)))
        if sess._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if sess.graph is not self._graph:
            raise ValueError("The Saver's variables are not in the session's graph.")
        reader = bundle.BundleReader(prefix)
        self._check_against(reader, prefix)
        values = [self._restored_value(reader, slot) for slot in self._slots]
        # All checks passed: set every variable at once.
        owners = {}
        for slot, value in zip(self._slots, values):
            if slot.var_op is not None:
                sess._state[slot.var_op] = value
            else:
                owners.setdefault(slot.owner, []).append(value)
        for owner, restored in owners.items():
            self._restore_saveable(sess, owner, restored)

    def _check_against(self, reader, prefix):
        missing, mismatched = [], []
        for slot in self._slots:
            if slot.key not in reader:
                missing.append(slot.key)
                continue
            entry = reader.entry(slot.key)
            if entry.dtype != slot.dtype.as_datatype_enum:
                mismatched.append("tensor_name = %s; expected dtype %s does not equal original "
                                  "dtype %s" % (slot.key, _tf_type(slot.dtype.as_datatype_enum),
                                                _tf_type(entry.dtype)))
            elif not self._shape_fits(slot.shape, entry.shape):
                mismatched.append(
                    "Assign requires shapes of both tensors to match. lhs shape= %s rhs shape= "
                    "%s (variable %s)" % (_shape_text(slot.shape), list(entry.shape), slot.key))
        if missing:
            lines = ["Key %s not found in checkpoint" % k for k in missing]
            lines.append("\n%d of the %d tensors to restore %s not in checkpoint %s, which holds:"
                         % (len(missing), len(self._slots), "is" if len(missing) == 1 else "are",
                            prefix))
            lines += _listing(reader)
            raise errors.NotFoundError(None, None, _RESTORE_HELP.format(
                "a Variable name or other graph key that is missing", "\n".join(lines)))
        if mismatched:
            raise errors.InvalidArgumentError(None, None, _RESTORE_HELP.format(
                "a mismatch between the current graph and the graph", "\n".join(mismatched)))

    def _shape_fits(self, static, saved):
        if self._reshape and static.is_fully_defined():
            return static.num_elements() == int(np.prod(saved, dtype=np.int64))
        if static.is_fully_defined():
            return tuple(static.as_list()) == tuple(saved)
        return static.is_compatible_with(TensorShape(saved))

    def _restored_value(self, reader, slot):
        value = reader.read(slot.key)
        if self._reshape and slot.shape.is_fully_defined() and \
                tuple(slot.shape.as_list()) != value.shape:
            value = value.reshape(slot.shape.as_list())
            value.flags.writeable = False
        return value

    @staticmethod
    def _restore_saveable(sess, owner, restored):
        from minitf.ops import array_ops
        with sess.graph.as_default():
            tensors = [array_ops.constant(v, dtype=s.dtype) for v, s in zip(restored, owner.specs)]
            op = owner.restore(tensors, None)
        if op is not None:
            sess.run(op)

    # -- meta graph ----------------------------------------------------------------------
    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False, clear_extra_attrs=False,
                          strip_default_attrs=False, save_debug_info=False, graph=None):
        """The graph as a MetaGraphDef proto, also written to ``filename`` if given."""
        return export_meta_graph(filename, graph=graph or self._graph, as_text=as_text,
                                 collection_list=collection_list, clear_devices=clear_devices)


def _tf_type(enum):
    return bundle.DTYPE_NAMES.get(enum, "type %d" % enum)


def _shape_text(shape):
    if shape.ndims is None:
        return "<unknown>"
    return "[%s]" % ",".join("?" if d is None else str(d) for d in shape.as_list())


def _minitf_dtype(enum):
    """The minitf DType of a DataType enum, or None for types minitf lacks."""
    try:
        return dtypes.as_dtype(int(enum))
    except TypeError:
        return None


def _dtype_name(enum):
    d = _minitf_dtype(enum)
    return d.name if d is not None else _tf_type(enum)


def _listing(reader):
    keys = reader.keys()
    lines = ["  %s (%s, %s)" % (k, _dtype_name(reader.dtype(k)), list(reader.shape(k)))
             for k in keys[:_LISTING_LIMIT]]
    if len(keys) > _LISTING_LIMIT:
        lines.append("  ... and %d more" % (len(keys) - _LISTING_LIMIT))
    if not keys:
        lines.append("  (no tensors)")
    return lines


# -- MetaGraphDef ------------------------------------------------------------------------
_VARIABLE_COLLECTIONS = (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
                         GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES,
                         GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.GLOBAL_STEP,
                         "metric_variables")


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extra_attrs=False, strip_default_attrs=False,
                      save_debug_info=False, **kwargs):
    """A MetaGraphDef of ``graph`` (default graph): its GraphDef and collections.

    Collections of variables are stored as VariableDefs, of tensors/ops as node
    names, of numbers and strings as lists, as TensorFlow does; others are left out.
    Written to ``filename`` (binary, or text if ``as_text``) when given.
    """
    from tensorboard.compat.proto import meta_graph_pb2
    graph = graph or get_default_graph()
    meta = meta_graph_pb2.MetaGraphDef()
    meta.meta_info_def.tensorflow_version = "1.15.0"
    meta.meta_info_def.tensorflow_git_version = "minitf"
    # Each node lists its output dtypes (`_output_types`): minitf has no OpDefs to write
    # in `stripped_op_list`, and import_meta_graph needs the types to rebuild the ops.
    meta.graph_def.CopyFrom(graph_def if graph_def is not None else
                            graph_to_graph_def(graph, add_output_types=True))
    if clear_devices:
        for node in meta.graph_def.node:
            node.device = ""
    if saver_def is not None:
        meta.saver_def.CopyFrom(saver_def)
    keys = collection_list if collection_list is not None else graph.get_all_collection_keys()
    for key in sorted(keys):
        _add_collection(meta, key, graph.get_collection(key))
    if filename:
        if as_text:
            data = str(meta).encode("utf-8")
        else:
            data = meta.SerializeToString(deterministic=True)
        bundle.atomic_write(os.fspath(filename), data)
    return meta


def _add_collection(meta, key, items):
    if not items:
        return
    col = meta.collection_def[key]
    if all(isinstance(v, QueueRunner) for v in items):  # as QueueRunnerDefs, as TF does
        col.bytes_list.value.extend(v.to_proto().SerializeToString() for v in items)
    elif key in _VARIABLE_COLLECTIONS and all(_variable_ref(v) is not None for v in items):
        col.bytes_list.value.extend(_variable_def(v) for v in items if hasattr(v, "initializer"))
    elif all(isinstance(v, (Tensor, Operation)) for v in items):
        col.node_list.value.extend(v.name for v in items)
    elif all(isinstance(v, (bool, numbers.Integral)) for v in items):
        col.int64_list.value.extend(int(v) for v in items)
    elif all(isinstance(v, numbers.Real) for v in items):
        col.float_list.value.extend(float(v) for v in items)
    elif all(isinstance(v, (str, bytes)) for v in items):
        col.bytes_list.value.extend(v.encode() if isinstance(v, str) else v for v in items)
    else:
        del meta.collection_def[key]
    if key in meta.collection_def and not any(
            len(getattr(meta.collection_def[key], f).value)
            for f in ("bytes_list", "node_list", "int64_list", "float_list")):
        del meta.collection_def[key]


def _variable_def(var):
    from tensorboard.compat.proto import variable_pb2
    return variable_pb2.VariableDef(
        variable_name=var.name, initial_value_name=var.initial_value.name,
        initializer_name=var.initializer.name, snapshot_name=var.value().name,
        trainable=bool(var.trainable)).SerializeToString()


# -- reading checkpoints without a graph ---------------------------------------------------
class CheckpointReader:
    """Reads the tensors of a checkpoint directly (``tf.train.NewCheckpointReader``).

    Example:
      >>> r = tf.train.NewCheckpointReader("ckpt/model-5")
      >>> r.get_variable_to_shape_map()
      {'layer/W': [2, 2]}
      >>> r.get_tensor("layer/W")
      array([[0., 0.], [0., 0.]], dtype=float32)
    """

    def __init__(self, filepattern):
        self._reader = bundle.BundleReader(os.fspath(filepattern))

    def get_variable_to_shape_map(self):
        return {k: list(self._reader.shape(k)) for k in self._reader.keys()}

    def get_variable_to_dtype_map(self):
        return {k: _minitf_dtype(self._reader.dtype(k)) or self._reader.dtype(k)
                for k in self._reader.keys()}

    def has_tensor(self, tensor_str):
        return tensor_str in self._reader

    def get_tensor(self, tensor_str):
        """The saved value of ``tensor_str`` (NotFoundError if absent, DataLossError if damaged)."""
        return self._reader.read(tensor_str)

    def debug_string(self):
        return "".join("%s (%s) %s\n" % (k, _dtype_name(self._reader.dtype(k)),
                                         list(self._reader.shape(k)))
                       for k in self._reader.keys()).encode("utf-8")


def NewCheckpointReader(filepattern):  # noqa: N802 (TF's name)
    """A CheckpointReader for the checkpoint prefix ``filepattern``."""
    return CheckpointReader(filepattern)


def _checkpoint_filename(ckpt_dir_or_file):
    ckpt_dir_or_file = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(ckpt_dir_or_file):
        latest = checkpoint_state.latest_checkpoint(ckpt_dir_or_file)
        if latest is None:
            raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given directory "
                             "%s" % ckpt_dir_or_file)
        return latest
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader for a checkpoint prefix, or the latest one in a directory."""
    return CheckpointReader(_checkpoint_filename(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file):
    """Sorted ``[(name, shape)]`` of the tensors in a checkpoint (or a directory's latest).

    Example:
      >>> tf.train.list_variables("ckpt")
      [('layer/W', [2, 2]), ('layer/b', [2])]
    """
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


def load_variable(ckpt_dir_or_file, name):
    """The saved value of variable ``name`` (a trailing ``:0`` is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
