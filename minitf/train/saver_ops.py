"""``SaveV2`` and ``RestoreV2``: the checkpoint ops real TF's Saver puts in a graph.

minitf's own Saver reads and writes variable values directly and builds no ops, but a
MetaGraph written by real TensorFlow holds ``save/SaveV2`` and ``save/RestoreV2`` nodes
(and ``save/restore_all``, which runs the restoring Assigns).  Registering them lets such a
graph be imported, and ``sess.run("save/restore_all", {"save/Const:0": path})`` restores
through the graph exactly as TF 1.x does.  Both go through ``minitf.io.bundle``, the
same byte-compatible V2 format the Saver writes; a restore never unpickles.
"""
import numpy as np

from minitf.framework import errors
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import unknown_shape
from minitf.io import bundle


def _text(value):
    value = np.asarray(value).reshape(-1)[0] if np.ndim(value) else np.asarray(value).item()
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _names(array):
    return [_text(v) for v in np.asarray(array, dtype=object).reshape(-1)]


def _check_no_slices(ctx, names, slices):
    if len(slices) != len(names):
        raise errors.InvalidArgumentError(
            None, ctx.op, "shape_and_slices has %d entries for %d tensor_names"
            % (len(slices), len(names)))
    for name, spec in zip(names, slices):
        if spec:
            raise errors.UnimplementedError(
                None, ctx.op, "Partitioned variables (slice '%s' of '%s') are not supported "
                "by minitf's checkpoints" % (spec, name))


def _save_v2_kernel(ctx, prefix, tensor_names, shape_and_slices, *tensors):
    names, slices = _names(tensor_names), _names(shape_and_slices)
    _check_no_slices(ctx, names, slices)
    if len(tensors) != len(names):
        raise errors.InvalidArgumentError(
            None, ctx.op, "Expected %d tensors, got %d" % (len(names), len(tensors)))
    values = {}
    for name, value, dtype in zip(names, tensors, ctx.attrs["dtypes"]):
        values[name] = np.asarray(value, dtype=object if dtype.name == "string"
                                  else dtype.as_numpy_dtype)
    bundle.write_bundle(_text(prefix), values)
    return ()


register("SaveV2", _save_v2_kernel, lambda op: [], NO_GRADIENT, stateful=True)


def _restore_v2_kernel(ctx, prefix, tensor_names, shape_and_slices):
    names, slices = _names(tensor_names), _names(shape_and_slices)
    _check_no_slices(ctx, names, slices)
    reader = bundle.BundleReader(_text(prefix))
    out = []
    for name, dtype in zip(names, ctx.attrs["dtypes"]):
        if name not in reader:
            raise errors.NotFoundError(None, ctx.op, "Key %s not found in checkpoint" % name)
        if reader.dtype(name) != dtype.as_datatype_enum:
            raise errors.InvalidArgumentError(
                None, ctx.op, "tensor_name = %s; expected dtype %s does not equal original "
                "dtype %s" % (name, dtype.name, bundle.DTYPE_NAMES.get(reader.dtype(name))))
        out.append(reader.read(name))
    return tuple(out) if len(out) != 1 else out[0]


register("RestoreV2", _restore_v2_kernel,
         lambda op: [unknown_shape() for _ in op._outputs], NO_GRADIENT, stateful=True)
