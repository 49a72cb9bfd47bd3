"""Parsing serialized ``tf.train.Example`` protos into tensors.

``parse_example`` parses a batch, ``parse_single_example`` one Example and
``parse_single_sequence_example`` one SequenceExample (context plus per-step
feature lists).  Each feature is described by

* ``FixedLenFeature(shape, dtype, default_value)``: a dense tensor of exactly
  ``shape``; a missing feature takes the default, or is an error without one;
* ``VarLenFeature(dtype)``: any number of values, returned as a ``SparseTensor``;
* ``FixedLenSequenceFeature(shape, dtype, allow_missing, default_value)``: a
  dense ``[steps] + shape`` tensor (in a batch, short rows are padded with
  ``default_value``).

The ops are TF's: ``ParseExample`` (TF 1.x's v1 signature: keys are string
inputs), ``ParseSingleExample`` (keys are attrs) and
``ParseSingleSequenceExample``; the error texts are those of TF's kernels.  The
values are float32, int64 or string, as the Example proto holds them.  Parsing
has no gradient.
"""
import collections
import re

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import Tensor, convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor_shape import TensorShape, as_shape
from minitf.io.example import (DecodeError, Feature, parse_example_features,
                               parse_sequence_example_features)
from minitf.ops.op_util import invalid, kernel_outputs, make_op
from minitf.ops.shape_ops import reshape

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "VarLenFeature", "parse_example",
           "parse_single_example", "parse_single_sequence_example"]

_ALLOWED = (dtypes.float32, dtypes.int64, dtypes.string)
# TF's DataTypeString, as the kernels' messages spell the types.
_TYPE_NAMES = {dtypes.float32: "float", dtypes.int64: "int64", dtypes.string: "string"}
# The Feature member that holds each dtype, and the word TF's count errors use for it.
_KIND = {dtypes.float32: "float", dtypes.int64: "int64", dtypes.string: "bytes"}
_KIND_TYPE = {"float": "float", "int64": "int64", "bytes": "string"}


# == feature specs ==========================================================================
class FixedLenFeature(collections.namedtuple(
        "FixedLenFeature", ["shape", "dtype", "default_value"])):
    """A dense feature of a fixed ``shape``.

    Args:
        shape: the shape of the feature's values in one example (``[]`` for a scalar).
        dtype: ``tf.float32``, ``tf.int64`` or ``tf.string``.
        default_value: used when an example lacks the feature; without one a missing
            feature is an error.

    Example:
        >>> tf.FixedLenFeature([2], tf.float32, default_value=[0., 0.])
    """

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """A dense feature with a variable leading dimension: ``[steps] + shape``.

    In a SequenceExample each step of the feature list holds ``shape`` values; in
    ``parse_example`` the values of one example are split into rows of ``shape``
    (``allow_missing=True`` is required there) and short rows padded with
    ``default_value``.
    """

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A feature with any number of values, parsed into a ``SparseTensor``."""


def _dtype(dtype, key):
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _ALLOWED:
        raise TypeError("Value passed to parameter 'dense_defaults' has DataType %s not in "
                        "list of allowed values: float32, int64, string (feature %s)"
                        % (dtype.name, key))
    return dtype


class _Specs:
    """The features of one parse split into sparse and dense parts, in sorted key order."""

    def __init__(self, features, allowed, where=""):
        self.sparse_keys, self.sparse_types = [], []
        self.dense_keys, self.dense_types, self.dense_shapes, self.defaults = [], [], [], []
        self.missing_ok = []  # sequence features that may be absent (allow_missing)
        for key in sorted(features or {}):
            feature = features[key]
            if not isinstance(feature, allowed):
                raise ValueError("Unsupported %s %s for key '%s'"
                                 % (type(feature).__name__, feature, key))
            if isinstance(feature, VarLenFeature):
                self.sparse_keys.append(key)
                self.sparse_types.append(_dtype(feature.dtype, key))
                continue
            if feature.shape is None:
                raise ValueError("Missing shape for feature %s." % key)
            shape = as_shape(feature.shape)
            if not shape.is_fully_defined():
                raise ValueError("First dimension of shape for feature %s unknown. Consider "
                                 "using FixedLenSequenceFeature." % key)
            if isinstance(feature, FixedLenSequenceFeature):
                if where == "sequence":
                    if feature.default_value is not None:
                        raise ValueError("Value feature_list.dense_defaults[%s] must be None"
                                         % key)
                    if feature.allow_missing:
                        self.missing_ok.append(key)
                elif not feature.allow_missing:
                    raise ValueError("Unsupported: FixedLenSequenceFeature requires "
                                     "allow_missing to be True.")
                if where != "sequence":
                    shape = TensorShape([None]).concatenate(shape)
            self.dense_keys.append(key)
            self.dense_types.append(_dtype(feature.dtype, key))
            self.dense_shapes.append(shape)
            self.defaults.append(feature.default_value)

    def default_tensors(self, prefix=""):
        """TF's dense_defaults: [] when required, the default reshaped to the feature's
        shape, or for a variable-length feature a scalar padding value."""
        out = []
        for key, dtype, shape, default in zip(self.dense_keys, self.dense_types,
                                              self.dense_shapes, self.defaults):
            safe = re.sub(r"[^A-Za-z0-9_.\-/]", "_", key)
            if shape.ndims and shape[0].value is None:
                if default is None:
                    default = convert_to_tensor(b"" if dtype is dtypes.string else 0, dtype)
                else:
                    default = reshape(convert_to_tensor(default, dtype, name="padding_" + safe),
                                      [])
            elif default is None:
                default = convert_to_tensor(np.zeros([0], dtype.as_numpy_dtype), dtype)
            elif not isinstance(default, Tensor):
                default = reshape(convert_to_tensor(default, dtype, name=prefix + "key_" + safe),
                                  shape.as_list())
            out.append(default)
        return out

    def sparse_outputs(self, tensors):
        """Wraps the op's sparse (indices, values, shapes) outputs as SparseTensors."""
        n = len(self.sparse_keys)
        return {key: SparseTensor(tensors[i], tensors[n + i], tensors[2 * n + i])
                for i, key in enumerate(self.sparse_keys)}


def _key_tensors(keys, name):
    return [convert_to_tensor(k, dtypes.string, name="%s_%d" % (name, i))
            for i, k in enumerate(keys)]


def _strings(arrays):
    """The text of every element of some string arrays (keys and names), flattened."""
    items = [x for a in arrays for x in np.ravel(np.asarray(a, dtype=object))]
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in items]


def _serialized(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _unparsable(ctx, data):
    return invalid(ctx, "Could not parse example input, value: '%s'"
                   % data.decode("utf-8", "backslashreplace"))


def _array(values, dtype, shape):
    out = np.empty(len(values), dtype=object) if dtype is dtypes.string else \
        np.asarray(values, dtype=dtype.as_numpy_dtype)
    if dtype is dtypes.string:
        out[:] = values
    return out.reshape(shape)


def _shape_text(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _debug_string(kind, values):
    """The text of a Feature as TF's messages quote it."""
    return "" if kind is None else str(Feature(**{kind + "_list": {"value": values}}))


# == ParseExample ===========================================================================
def parse_example(serialized, features, name=None, example_names=None):
    """Parses a batch of serialized Examples into a dict of tensors.

    Args:
        serialized: a vector of serialized ``tf.train.Example`` protos ``[batch]``.
        features: dict from feature key to `FixedLenFeature`, `VarLenFeature` or
            `FixedLenSequenceFeature` (with ``allow_missing=True``).
        name: name of the op.
        example_names: optional vector of names for the examples, used in errors.

    Returns:
        A dict from key to a ``[batch] + shape`` tensor (FixedLen), a
        ``[batch, None] + shape`` tensor (FixedLenSequence) or a ``SparseTensor`` with
        ``[batch, max_values]`` dense shape (VarLen).

    Example:
        >>> parsed = tf.parse_example(records, {"label": tf.FixedLenFeature([], tf.int64),
        ...                                     "tags": tf.VarLenFeature(tf.string)})
    """
    if not features:
        raise ValueError("Missing: features was %s." % features)
    specs = _Specs(features, (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature))
    graph = serialized.graph if isinstance(serialized, Tensor) else get_default_graph()
    with graph.name_scope(name or "ParseExample"):
        serialized = convert_to_tensor(serialized, dtypes.string, name="serialized")
        names = convert_to_tensor([] if example_names is None else example_names,
                                  dtypes.string, name="names")
        defaults = specs.default_tensors()
        inputs = ([serialized, names] + _key_tensors(specs.sparse_keys, "sparse_keys")
                  + _key_tensors(specs.dense_keys, "dense_keys") + defaults)
        ns = len(specs.sparse_keys)
        attrs = {"Nsparse": ns, "Ndense": len(specs.dense_keys),
                 "sparse_types": specs.sparse_types, "Tdense": specs.dense_types,
                 "dense_shapes": specs.dense_shapes}
        out_dtypes = ([dtypes.int64] * ns + specs.sparse_types + [dtypes.int64] * ns
                      + specs.dense_types)
        outputs = make_op("ParseExample", inputs, out_dtypes, "ParseExample", attrs)._outputs
    result = specs.sparse_outputs(outputs)
    result.update(zip(specs.dense_keys, outputs[3 * ns:]))
    return result


def _parse_example_kernel(ctx, serialized, names, *rest):
    a = ctx.attrs
    ns, nd = a["Nsparse"], a["Ndense"]
    sparse_keys, dense_keys = _strings(rest[:ns]), _strings(rest[ns:ns + nd])
    defaults = rest[ns + nd:]
    if np.ndim(serialized) != 1:
        raise invalid(ctx, "Expected serialized to be a vector, got shape: %s"
                      % _shape_text(np.shape(serialized)))
    batch = len(serialized)
    if np.size(names) not in (0, batch):
        raise invalid(ctx, "Expected len(names) == len(serialized), but got: %d vs. %d"
                      % (np.size(names), batch))
    example_names = _strings([names]) if np.size(names) else ["<unknown>"] * batch
    parsed = []
    for data in serialized:
        data = _serialized(data)
        try:
            parsed.append(parse_example_features(data))
        except DecodeError:
            raise _unparsable(ctx, data) from None

    sparse = [_batch_sparse(ctx, key, dtype, parsed, example_names)
              for key, dtype in zip(sparse_keys, a["sparse_types"])]
    dense = [_batch_dense(ctx, key, dtype, shape, default, parsed, example_names)
             for key, dtype, shape, default in zip(dense_keys, a["Tdense"], a["dense_shapes"],
                                                   defaults)]
    return kernel_outputs([s[0] for s in sparse] + [s[1] for s in sparse]
                          + [s[2] for s in sparse] + dense)


def _batch_sparse(ctx, key, dtype, parsed, example_names):
    rows = []
    for index, features in enumerate(parsed):
        kind, values = features.get(key, (None, []))
        if kind is not None and kind != _KIND[dtype]:
            raise invalid(ctx, "Name: %s, Key: %s, Index: %d.  Data types don't match. "
                          "Expected type: %s, Actual type: %s" % (
                              example_names[index], key, index, _TYPE_NAMES[dtype],
                              _KIND_TYPE[kind]))
        rows.append(values if kind is not None else [])
    indices = [[i, j] for i, row in enumerate(rows) for j in range(len(row))]
    values = [v for row in rows for v in row]
    width = max((len(row) for row in rows), default=0)
    return (np.array(indices, np.int64).reshape(-1, 2), _array(values, dtype, [-1]),
            np.array([len(rows), width], np.int64))


def _batch_dense(ctx, key, dtype, shape, default, parsed, example_names):
    dims = shape.as_list()
    variable = bool(dims) and dims[0] is None
    row_dims = dims[1:] if variable else dims
    stride = int(np.prod(row_dims))
    rows = []
    for index, features in enumerate(parsed):
        kind, values = features.get(key, (None, []))
        prefix = "Name: %s, Key: %s, Index: %d.  " % (example_names[index], key, index)
        if kind is None:
            if variable:
                rows.append([])
                continue
            if np.size(default) == 0:
                raise invalid(ctx, "Name: %s, Feature: %s (data type: %s) is required but "
                              "could not be found." % (example_names[index], key,
                                                       _TYPE_NAMES[dtype]))
            rows.append(np.ravel(default).tolist())
            continue
        if kind != _KIND[dtype]:
            raise invalid(ctx, prefix + "Data types don't match. Data type: %s but expected "
                          "type: %s" % (_KIND_TYPE[kind], _TYPE_NAMES[dtype]))
        if variable and len(values) % stride:
            raise invalid(ctx, prefix + "Number of %s values is not a multiple of stride "
                          "length. Saw %d values but output shape is: %s"
                          % (_KIND[dtype], len(values), _shape_text(dims)))
        if not variable and len(values) != stride:
            raise invalid(ctx, prefix + "Number of %s values != expected.  Values size: %d but "
                          "output shape: %s" % (_KIND[dtype], len(values),
                                                _shape_text(dims)))
        rows.append(values)
    if not variable:
        return _array([v for row in rows for v in row], dtype, [len(rows)] + dims)
    steps = max((len(row) // stride for row in rows), default=0)
    pad = np.ravel(default)[0] if np.size(default) else _array([], dtype, [0])
    out = np.full((len(rows), steps * stride), pad,
                  dtype=object if dtype is dtypes.string else dtype.as_numpy_dtype)
    for i, row in enumerate(rows):
        out[i, :len(row)] = row
    return out.reshape([len(rows), steps] + row_dims)


def _parse_example_shape(op):
    a = op._attrs
    ns = a["Nsparse"]
    batch = op._inputs[0].shape.with_rank(1)[0].value
    op._inputs[1].shape.with_rank(1)
    return ([TensorShape([None, 2])] * ns + [TensorShape([None])] * ns
            + [TensorShape([2])] * ns
            + [TensorShape([batch]).concatenate(s) for s in a["dense_shapes"]])


register("ParseExample", _parse_example_kernel, _parse_example_shape, NO_GRADIENT)


# == ParseSingleExample =====================================================================
def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses one serialized Example (a string scalar) into a dict of tensors.

    Args:
        serialized: a scalar string, one serialized ``tf.train.Example``.
        features: dict from feature key to `FixedLenFeature`, `VarLenFeature` or
            `FixedLenSequenceFeature`.
        name: name of the op.
        example_names: unused (TF 1.x takes it for its error messages).

    Returns:
        A dict from key to a ``shape`` tensor (FixedLen), a ``[None] + shape`` tensor
        (FixedLenSequence) or a 1-D ``SparseTensor`` (VarLen).

    Example:
        >>> for record in tf.python_io.tf_record_iterator(path): ...
        >>> parsed = tf.parse_single_example(record, {"x": tf.FixedLenFeature([2], tf.float32)})
    """
    del example_names  # only used in TF's messages of the batch path
    if not features:
        raise ValueError("Missing: features was %s." % features)
    specs = _Specs(features, (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature))
    graph = serialized.graph if isinstance(serialized, Tensor) else get_default_graph()
    with graph.name_scope(name or "ParseSingleExample"):
        serialized = convert_to_tensor(serialized, dtypes.string, name="serialized")
        if serialized.shape.ndims not in (None, 0):
            raise ValueError("Input serialized must be a scalar")
        ns = len(specs.sparse_keys)
        attrs = {"num_sparse": ns, "sparse_keys": specs.sparse_keys,
                 "dense_keys": specs.dense_keys, "sparse_types": specs.sparse_types,
                 "Tdense": specs.dense_types, "dense_shapes": specs.dense_shapes}
        out_dtypes = ([dtypes.int64] * ns + specs.sparse_types + [dtypes.int64] * ns
                      + specs.dense_types)
        outputs = make_op("ParseSingleExample", [serialized] + specs.default_tensors(),
                          out_dtypes, "ParseSingleExample", attrs)._outputs
    result = specs.sparse_outputs(outputs)
    result.update(zip(specs.dense_keys, outputs[3 * ns:]))
    return result


def _single_values(ctx, key, dtype, features, dense_shape=None):
    """The values of ``key`` in one Example, checked as TF's single-example parser does;
    None when the feature is absent (or an empty Feature)."""
    kind, values = features.get(key, (None, []))
    if kind is None:
        return None
    if kind != _KIND[dtype]:
        if dense_shape is None:
            raise invalid(ctx, "Key: %s.  Data types don't match. Expected type: %s, Actual "
                          "type: %s" % (key, _TYPE_NAMES[dtype], _KIND_TYPE[kind]))
        raise invalid(ctx, "Key: %s.  Data types don't match. Data type: %s but expected "
                      "type: %s" % (key, _KIND_TYPE[kind], _TYPE_NAMES[dtype]))
    return values


def _parse_single_example_kernel(ctx, serialized, *defaults):
    a = ctx.attrs
    if np.ndim(serialized) != 0:
        raise invalid(ctx, "Input serialized must be a scalar")
    data = _serialized(np.asarray(serialized, dtype=object)[()])
    try:
        features = parse_example_features(data)
    except DecodeError:
        raise _unparsable(ctx, data) from None
    indices, values, shapes = [], [], []
    for key, dtype in zip(a["sparse_keys"], a["sparse_types"]):
        found = _single_values(ctx, key, dtype, features) or []
        indices.append(np.arange(len(found), dtype=np.int64).reshape(-1, 1))
        values.append(_array(found, dtype, [-1]))
        shapes.append(np.array([len(found)], np.int64))
    dense = []
    for key, dtype, shape, default in zip(a["dense_keys"], a["Tdense"], a["dense_shapes"],
                                          defaults):
        dims = shape.as_list()
        found = _single_values(ctx, key, dtype, features, dims)
        if dims and dims[0] is None:
            stride = int(np.prod(dims[1:]))
            found = found or []
            if len(found) % stride:
                raise invalid(ctx, "Error while parsing feature with key %s: number of "
                              "elements should be divisible by %d, found %d instead"
                              % (key, stride, len(found)))
            dense.append(_array(found, dtype, [-1] + dims[1:]))
            continue
        if found is None:
            if np.size(default) == 0:
                raise invalid(ctx, "Feature: %s (data type: %s) is required but could not be "
                              "found." % (key, _TYPE_NAMES[dtype]))
            dense.append(np.asarray(default).reshape(dims))
            continue
        if len(found) != int(np.prod(dims)):
            raise invalid(ctx, "Key: %s.  Can't parse serialized Example: Some %s_list slice "
                          "was not parsed." % (key, _KIND[dtype]))
        dense.append(_array(found, dtype, dims))
    return kernel_outputs(indices + values + shapes + dense)


def _parse_single_example_shape(op):
    a = op._attrs
    ns = a["num_sparse"]
    op._inputs[0].shape.with_rank(0)
    return ([TensorShape([None, 1])] * ns + [TensorShape([None])] * ns
            + [TensorShape([1])] * ns + list(a["dense_shapes"]))


register("ParseSingleExample", _parse_single_example_kernel, _parse_single_example_shape,
         NO_GRADIENT)


# == ParseSingleSequenceExample =============================================================
def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """Parses one serialized SequenceExample into context and sequence tensors.

    Args:
        serialized: a scalar string, one serialized ``tf.train.SequenceExample``.
        context_features: dict of `FixedLenFeature` / `VarLenFeature` for the context.
        sequence_features: dict of `FixedLenSequenceFeature` / `VarLenFeature` for the
            feature lists; a FixedLenSequenceFeature gives ``[steps] + shape`` and, with
            ``allow_missing=True``, ``[0] + shape`` when the list is absent.
        example_name: a name for the example in error messages.
        name: name of the op.

    Returns:
        ``(context, sequence)``: two dicts from key to Tensor or SparseTensor.

    Example:
        >>> context, seq = tf.parse_single_sequence_example(
        ...     record, context_features={"length": tf.FixedLenFeature([], tf.int64)},
        ...     sequence_features={"tokens": tf.FixedLenSequenceFeature([], tf.int64)})
    """
    if not (context_features or sequence_features):
        raise ValueError("Both context_features and sequence_features are None, but at least "
                         "one should have values.")
    context = _Specs(context_features, (FixedLenFeature, VarLenFeature))
    sequence = _Specs(sequence_features, (FixedLenSequenceFeature, VarLenFeature), "sequence")
    graph = serialized.graph if isinstance(serialized, Tensor) else get_default_graph()
    with graph.name_scope(name or "ParseSingleSequenceExample"):
        serialized = convert_to_tensor(serialized, dtypes.string, name="serialized")
        if serialized.shape.ndims not in (None, 0):
            raise ValueError("Input serialized must be a scalar")
        missing_ok = convert_to_tensor(np.array(sequence.missing_ok, dtype=object).reshape(-1),
                                       dtypes.string,
                                       name="feature_list_dense_missing_assumed_empty")
        debug_name = convert_to_tensor(example_name or "", dtypes.string, name="debug_name")
        inputs = ([serialized, missing_ok]
                  + _key_tensors(context.sparse_keys, "context_sparse_keys")
                  + _key_tensors(context.dense_keys, "context_dense_keys")
                  + _key_tensors(sequence.sparse_keys, "feature_list_sparse_keys")
                  + _key_tensors(sequence.dense_keys, "feature_list_dense_keys")
                  + context.default_tensors("context_") + [debug_name])
        ncs, nfs = len(context.sparse_keys), len(sequence.sparse_keys)
        attrs = {"Ncontext_sparse": ncs, "Ncontext_dense": len(context.dense_keys),
                 "Nfeature_list_sparse": nfs, "Nfeature_list_dense": len(sequence.dense_keys),
                 "context_sparse_types": context.sparse_types,
                 "Tcontext_dense": context.dense_types,
                 "context_dense_shapes": context.dense_shapes,
                 "feature_list_sparse_types": sequence.sparse_types,
                 "feature_list_dense_types": sequence.dense_types,
                 "feature_list_dense_shapes": sequence.dense_shapes}
        out_dtypes = ([dtypes.int64] * ncs + context.sparse_types + [dtypes.int64] * ncs
                      + context.dense_types + [dtypes.int64] * nfs + sequence.sparse_types
                      + [dtypes.int64] * nfs + sequence.dense_types)
        outputs = make_op("ParseSingleSequenceExample", inputs, out_dtypes,
                          "ParseSingleSequenceExample", attrs)._outputs
    split = 3 * ncs + len(context.dense_keys)
    context_out = context.sparse_outputs(outputs[:3 * ncs])
    context_out.update(zip(context.dense_keys, outputs[3 * ncs:split]))
    sequence_out = sequence.sparse_outputs(outputs[split:split + 3 * nfs])
    sequence_out.update(zip(sequence.dense_keys, outputs[split + 3 * nfs:]))
    return context_out, sequence_out


def _mismatch(ctx, where, dtype, kind, values):
    return invalid(ctx, "%s.  Data types don't match. Expected type: %s  Feature is: %s"
                   % (where, _TYPE_NAMES[dtype], _debug_string(kind, values)))


def _dense_copy(ctx, name, key, index, dtype, dims, values):
    """One step's (or the context's) values as a ``dims`` array, TF's FeatureDenseCopy."""
    if len(values) != int(np.prod(dims)):
        raise invalid(ctx, "Name: %s, Key: %s, Index: %d.  Number of %s values != expected.  "
                      "values size: %d but output shape: %s" % (
                          name, key, index, _KIND[dtype], len(values), _shape_text(dims)))
    return _array(values, dtype, dims)


def _parse_single_sequence_example_kernel(ctx, serialized, missing_ok, *rest):
    a = ctx.attrs
    ncs, ncd = a["Ncontext_sparse"], a["Ncontext_dense"]
    nfs, nfd = a["Nfeature_list_sparse"], a["Nfeature_list_dense"]
    keys = _strings(rest[:ncs + ncd + nfs + nfd])
    cs_keys, cd_keys = keys[:ncs], keys[ncs:ncs + ncd]
    fs_keys, fd_keys = keys[ncs + ncd:ncs + ncd + nfs], keys[ncs + ncd + nfs:]
    defaults = rest[ncs + ncd + nfs + nfd:-1]
    name = _strings([rest[-1]])[0] if np.size(rest[-1]) else ""
    name = name or "<unknown>"
    if np.ndim(serialized) != 0:
        raise invalid(ctx, "Input serialized must be a scalar")
    data = _serialized(np.asarray(serialized, dtype=object)[()])
    try:
        context, lists = parse_sequence_example_features(data)
    except DecodeError:
        raise _unparsable(ctx, data) from None
    allowed_missing = set(_strings([missing_ok]))

    cs = [[], [], []]
    for key, dtype in zip(cs_keys, a["context_sparse_types"]):
        kind, values = context.get(key, (None, []))
        if kind is not None and kind != _KIND[dtype]:
            raise _mismatch(ctx, "Name: %s, Context feature: %s" % (name, key), dtype, kind,
                            values)
        values = values if kind is not None else []
        cs[0].append(np.arange(len(values), dtype=np.int64).reshape(-1, 1))
        cs[1].append(_array(values, dtype, [-1]))
        cs[2].append(np.array([len(values)], np.int64))
    cd = []
    for key, dtype, shape, default in zip(cd_keys, a["Tcontext_dense"],
                                          a["context_dense_shapes"], defaults):
        dims = shape.as_list()
        kind, values = context.get(key, (None, []))
        if kind is None:
            if np.size(default) == 0:
                raise invalid(ctx, "Name: %s, Context feature '%s' is required but could not "
                              "be found." % (name, key))
            cd.append(np.asarray(default).reshape(dims))
            continue
        if kind != _KIND[dtype]:
            raise _mismatch(ctx, "Name: %s, Context feature: %s" % (name, key), dtype, kind,
                            values)
        cd.append(_dense_copy(ctx, name, key, 0, dtype, dims, values))

    fs = [[], [], []]
    for key, dtype in zip(fs_keys, a["feature_list_sparse_types"]):
        steps = lists.get(key, [])
        for t, (kind, values) in enumerate(steps):
            if kind is not None and kind != _KIND[dtype]:
                raise _mismatch(ctx, "Name: %s, Feature List: %s, Index: %d" % (name, key, t),
                                dtype, kind, values)
        rows = [values if kind is not None else [] for kind, values in steps]
        fs[0].append(np.array([[t, j] for t, row in enumerate(rows) for j in range(len(row))],
                              np.int64).reshape(-1, 2))
        fs[1].append(_array([v for row in rows for v in row], dtype, [-1]))
        fs[2].append(np.array([len(rows), max((len(r) for r in rows), default=0)], np.int64))
    fd = []
    for key, dtype, shape in zip(fd_keys, a["feature_list_dense_types"],
                                 a["feature_list_dense_shapes"]):
        dims = shape.as_list()
        if key not in lists and key not in allowed_missing:
            raise invalid(ctx, "Name: %s, Feature list '%s' is required but could not be "
                          "found.  Did you mean to include it in "
                          "feature_list_dense_missing_assumed_empty or "
                          "feature_list_dense_defaults?" % (name, key))
        rows = []
        for t, (kind, values) in enumerate(lists.get(key, [])):
            if kind != _KIND[dtype]:
                raise _mismatch(ctx, "Name: %s, Feature list: %s, Index: %d" % (name, key, t),
                                dtype, kind, values)
            rows.append(_dense_copy(ctx, name, key, t, dtype, dims, values))
        fd.append(np.stack(rows) if rows else _array([], dtype, [0] + dims))
    return kernel_outputs(cs[0] + cs[1] + cs[2] + cd + fs[0] + fs[1] + fs[2] + fd)


def _parse_single_sequence_example_shape(op):
    a = op._attrs
    ncs, nfs = a["Ncontext_sparse"], a["Nfeature_list_sparse"]
    op._inputs[0].shape.with_rank(0)
    return ([TensorShape([None, 1])] * ncs + [TensorShape([None])] * ncs
            + [TensorShape([1])] * ncs + list(a["context_dense_shapes"])
            + [TensorShape([None, 2])] * nfs + [TensorShape([None])] * nfs
            + [TensorShape([2])] * nfs
            + [TensorShape([None]).concatenate(s) for s in a["feature_list_dense_shapes"]])


register("ParseSingleSequenceExample", _parse_single_sequence_example_kernel,
         _parse_single_sequence_example_shape, NO_GRADIENT)
