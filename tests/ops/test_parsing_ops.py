"""parse_example, parse_single_example and parse_single_sequence_example: values against the
messages they parse, TF's static shapes, and TF's kernel error texts."""
import os
import subprocess

import numpy as np
import pytest

import minitf as tf
from minitf.framework import errors
from tests.util import HAVE_TF_ORACLE, TF_ORACLE

T = tf.train


def _feature(values):
    values = list(values)
    if values and isinstance(values[0], bytes):
        return T.Feature(bytes_list=T.BytesList(value=values))
    if values and isinstance(values[0], float):
        return T.Feature(float_list=T.FloatList(value=values))
    return T.Feature(int64_list=T.Int64List(value=values))


def _example(**features):
    return T.Example(features=T.Features(feature={k: _feature(v) for k, v in
                                                  features.items()})).SerializeToString()


def _sequence(context, lists):
    return T.SequenceExample(
        context=T.Features(feature={k: _feature(v) for k, v in context.items()}),
        feature_lists=T.FeatureLists(feature_list={
            k: T.FeatureList(feature=[_feature(step) for step in steps])
            for k, steps in lists.items()})).SerializeToString()


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def test_parse_single_example_fixed_default_varlen_and_sequence():
    record = _example(x=[1.5, -2.0], tags=[b"a", b"bc"], steps=[1, 2, 3, 4])
    parsed = tf.parse_single_example(record, {
        "x": tf.FixedLenFeature([2], tf.float32),
        "d": tf.FixedLenFeature([2, 1], tf.int64, default_value=[[5], [6]]),
        "tags": tf.VarLenFeature(tf.string),
        "none": tf.VarLenFeature(tf.int64),
        "steps": tf.FixedLenSequenceFeature([2], tf.int64, allow_missing=True)})
    assert parsed["x"].shape.as_list() == [2]
    assert parsed["d"].shape.as_list() == [2, 1]
    assert parsed["steps"].shape.as_list() == [None, 2]
    assert parsed["tags"].indices.shape.as_list() == [None, 1]
    assert parsed["tags"].dense_shape.shape.as_list() == [1]
    out = _run(parsed)
    np.testing.assert_array_equal(out["x"], np.array([1.5, -2.0], np.float32))
    assert out["x"].dtype == np.float32
    np.testing.assert_array_equal(out["d"], [[5], [6]])
    np.testing.assert_array_equal(out["steps"], [[1, 2], [3, 4]])
    assert out["steps"].dtype == np.int64
    assert list(out["tags"].values) == [b"a", b"bc"]
    np.testing.assert_array_equal(out["tags"].indices, [[0], [1]])
    np.testing.assert_array_equal(out["tags"].dense_shape, [2])
    assert out["none"].indices.shape == (0, 1) and list(out["none"].dense_shape) == [0]


def test_parse_example_batch_dense_sparse_and_padding():
    records = [_example(x=[1.0, 2.0], seq=[1.0]), _example(x=[3.0, 4.0], v=[7, 8, 9],
                                                            seq=[2.0, 3.0, 4.0])]
    serialized = tf.placeholder(tf.string, [None])
    parsed = tf.parse_example(serialized, {
        "x": tf.FixedLenFeature([2], tf.float32),
        "v": tf.VarLenFeature(tf.int64),
        "s": tf.FixedLenFeature([], tf.string, default_value="q"),
        "seq": tf.FixedLenSequenceFeature([], tf.float32, allow_missing=True,
                                          default_value=-1.0)})
    assert parsed["x"].shape.as_list() == [None, 2]
    assert parsed["seq"].shape.as_list() == [None, None]
    assert parsed["v"].indices.shape.as_list() == [None, 2]
    assert parsed["x"].op.type == "ParseExample"
    assert parsed["x"].op.name.split("/")[-1] == "ParseExample"  # inside its name scope
    out = _run(parsed, {serialized: records})
    np.testing.assert_array_equal(out["x"], [[1, 2], [3, 4]])
    assert list(out["s"]) == [b"q", b"q"]
    # VarLen: row i of the batch holds example i's values; dense_shape is [batch, longest].
    np.testing.assert_array_equal(out["v"].indices, [[1, 0], [1, 1], [1, 2]])
    np.testing.assert_array_equal(out["v"].values, [7, 8, 9])
    np.testing.assert_array_equal(out["v"].dense_shape, [2, 3])
    # FixedLenSequence: short rows padded with the default value.
    np.testing.assert_array_equal(out["seq"], [[1, -1, -1], [2, 3, 4]])


def test_static_batch_dimension_comes_from_serialized():
    parsed = tf.parse_example(tf.placeholder(tf.string, [3]),
                              {"x": tf.FixedLenFeature([2, 2], tf.int64)})
    assert parsed["x"].shape.as_list() == [3, 2, 2]
    with pytest.raises(ValueError, match="rank 1"):
        tf.parse_example("scalar", {"x": tf.FixedLenFeature([], tf.int64)})
    with pytest.raises(ValueError, match="Input serialized must be a scalar"):
        tf.parse_single_example(["a"], {"x": tf.FixedLenFeature([], tf.int64)})


def test_tf_io_names_are_the_same_functions():
    assert tf.io.parse_example is tf.parse_example
    assert tf.io.parse_single_example is tf.parse_single_example
    assert tf.io.parse_single_sequence_example is tf.parse_single_sequence_example
    assert tf.io.FixedLenFeature is tf.FixedLenFeature
    assert tf.io.VarLenFeature is tf.VarLenFeature
    assert tf.io.FixedLenSequenceFeature is tf.FixedLenSequenceFeature


# The kernels' messages, as TF's example_proto_fast_parsing.cc and the TF 1.x
# ParseSingleSequenceExample kernel spell them.
SINGLE_ERRORS = [
    (_example(y=[1]), {"x": tf.FixedLenFeature([], tf.float32)},
     "Feature: x (data type: float) is required but could not be found."),
    (_example(x=[1]), {"x": tf.FixedLenFeature([], tf.float32)},
     "Key: x.  Data types don't match. Data type: int64 but expected type: float"),
    (_example(x=[1.0, 2.0, 3.0]), {"x": tf.FixedLenFeature([2], tf.float32)},
     "Key: x.  Can't parse serialized Example: Some float_list slice was not parsed."),
    (_example(x=[1.0]), {"x": tf.VarLenFeature(tf.int64)},
     "Key: x.  Data types don't match. Expected type: int64, Actual type: float"),
    (b"\xff\xff", {"x": tf.VarLenFeature(tf.int64)}, "Could not parse example input"),
]


@pytest.mark.parametrize("record,features,message", SINGLE_ERRORS)
def test_single_example_errors_are_tfs(record, features, message):
    parsed = tf.parse_single_example(record, features)
    with pytest.raises(errors.InvalidArgumentError) as info:
        _run(parsed)
    assert message in str(info.value)
    assert "ParseSingleExample" in str(info.value)


BATCH_ERRORS = [
    ([_example(x=[1.0]), _example(y=[1])], {"x": tf.FixedLenFeature([], tf.float32)},
     "Name: <unknown>, Feature: x (data type: float) is required but could not be found."),
    ([_example(x=[1, 2, 3])], {"x": tf.FixedLenFeature([2], tf.int64)},
     "Name: <unknown>, Key: x, Index: 0.  Number of int64 values != expected.  "
     "Values size: 3 but output shape: [2]"),
    ([_example(x=[1.0]), _example(x=[b"s"])], {"x": tf.FixedLenFeature([], tf.float32)},
     "Name: <unknown>, Key: x, Index: 1.  Data types don't match. Data type: string but "
     "expected type: float"),
    ([_example(x=[1])], {"x": tf.VarLenFeature(tf.float32)},
     "Name: <unknown>, Key: x, Index: 0.  Data types don't match. Expected type: float, "
     "Actual type: int64"),
]


@pytest.mark.parametrize("records,features,message", BATCH_ERRORS)
def test_batch_errors_are_tfs(records, features, message):
    with pytest.raises(errors.InvalidArgumentError) as info:
        _run(tf.parse_example(records, features))
    assert message in str(info.value)


def test_example_names_appear_in_batch_errors():
    parsed = tf.parse_example([_example(y=[1])], {"x": tf.FixedLenFeature([], tf.int64)},
                              example_names=["first.rec"])
    with pytest.raises(errors.InvalidArgumentError, match="Name: first.rec, Feature: x"):
        _run(parsed)


def test_build_time_errors():
    with pytest.raises(ValueError, match="Missing shape for feature x"):
        tf.parse_example(["a"], {"x": tf.FixedLenFeature(None, tf.float32)})
    with pytest.raises(ValueError, match="Consider using FixedLenSequenceFeature"):
        tf.parse_example(["a"], {"x": tf.FixedLenFeature([None], tf.float32)})
    with pytest.raises(ValueError, match="requires allow_missing to be True"):
        tf.parse_example(["a"], {"x": tf.FixedLenSequenceFeature([], tf.float32)})
    with pytest.raises(TypeError, match="int32"):
        tf.parse_example(["a"], {"x": tf.FixedLenFeature([], tf.int32)})
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 3 elements"):
        tf.parse_example(["a"], {"x": tf.FixedLenFeature([2], tf.float32, [1.0, 2.0, 3.0])})
    with pytest.raises(ValueError, match="Missing"):
        tf.parse_example(["a"], {})


def test_parse_single_sequence_example_context_and_lists():
    record = _sequence({"len": [3], "w": [0.5]},
                       {"tok": [[1], [2, 3], []], "emb": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]})
    context, seq = tf.parse_single_sequence_example(
        record,
        context_features={"len": tf.FixedLenFeature([], tf.int64),
                          "w": tf.VarLenFeature(tf.float32),
                          "d": tf.FixedLenFeature([2], tf.float32, default_value=[7.0, 8.0])},
        sequence_features={"tok": tf.VarLenFeature(tf.int64),
                           "emb": tf.FixedLenSequenceFeature([2], tf.float32),
                           "miss": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True)})
    assert context["len"].shape.as_list() == []
    assert seq["emb"].shape.as_list() == [None, 2]
    assert seq["tok"].indices.shape.as_list() == [None, 2]
    c, s = _run((context, seq))
    assert c["len"] == 3
    np.testing.assert_array_equal(c["d"], [7, 8])
    np.testing.assert_array_equal(c["w"].values, [0.5])
    np.testing.assert_array_equal(s["emb"], [[1, 2], [3, 4], [5, 6]])
    assert s["miss"].shape == (0,) and s["miss"].dtype == np.int64
    # Step t's j-th value sits at [t, j]; dense_shape is [steps, longest step].
    np.testing.assert_array_equal(s["tok"].indices, [[0, 0], [1, 0], [1, 1]])
    np.testing.assert_array_equal(s["tok"].values, [1, 2, 3])
    np.testing.assert_array_equal(s["tok"].dense_shape, [3, 2])


SEQUENCE_ERRORS = [
    ({}, {"nope": tf.FixedLenSequenceFeature([], tf.int64)},
     "Name: <unknown>, Feature list 'nope' is required but could not be found.  Did you "
     "mean to include it in feature_list_dense_missing_assumed_empty or "
     "feature_list_dense_defaults?"),
    ({"nope": tf.FixedLenFeature([], tf.int64)}, {},
     "Name: <unknown>, Context feature 'nope' is required but could not be found."),
    ({}, {"emb": tf.FixedLenSequenceFeature([3], tf.float32)},
     "Name: <unknown>, Key: emb, Index: 0.  Number of float values != expected.  "
     "values size: 2 but output shape: [3]"),
    ({}, {"emb": tf.FixedLenSequenceFeature([2], tf.int64)},
     "Name: <unknown>, Feature list: emb, Index: 0.  Data types don't match. "
     "Expected type: int64  Feature is: float_list {"),
    ({"len": tf.FixedLenFeature([], tf.float32)}, {},
     "Name: <unknown>, Context feature: len.  Data types don't match. Expected type: float"),
]


@pytest.mark.parametrize("context,sequence,message", SEQUENCE_ERRORS)
def test_sequence_errors_are_tfs(context, sequence, message):
    record = _sequence({"len": [3]}, {"emb": [[1.0, 2.0]]})
    parsed = tf.parse_single_sequence_example(record, context or None, sequence or None)
    with pytest.raises(errors.InvalidArgumentError) as info:
        _run(parsed)
    assert message in str(info.value)


def test_sequence_build_time_errors():
    with pytest.raises(ValueError, match="at least one should have values"):
        tf.parse_single_sequence_example("x")
    with pytest.raises(ValueError, match=r"dense_defaults\[e\] must be None"):
        tf.parse_single_sequence_example("x", sequence_features={
            "e": tf.FixedLenSequenceFeature([], tf.float32, default_value=1.0)})
    with pytest.raises(ValueError, match="Unsupported FixedLenFeature"):
        tf.parse_single_sequence_example("x", sequence_features={
            "e": tf.FixedLenFeature([], tf.float32)})


_TF_PARSE = r"""
import ast, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
records = ast.literal_eval(sys.stdin.read())
parsed = tf.parse_example(records, {
    "x": tf.FixedLenFeature([2], tf.float32), "v": tf.VarLenFeature(tf.int64),
    "s": tf.FixedLenFeature([], tf.string, default_value="q")})
with tf.Session() as sess:
    out = sess.run(parsed)
print(repr({"x": out["x"].tolist(), "v": (out["v"].indices.tolist(), out["v"].values.tolist(),
                                          out["v"].dense_shape.tolist()),
            "s": out["s"].tolist()}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="real TensorFlow oracle not installed")
def test_real_tensorflow_parses_our_examples_as_we_do():
    records = [_example(x=[1.0, 2.0], v=[5], s=[b"hi"]), _example(x=[0.25, -3.0]),
               _example(x=[7.0, 8.0], v=[-1, 2, 3])]
    out = subprocess.run([TF_ORACLE, "-c", _TF_PARSE], input=repr(records), text=True,
                         capture_output=True, timeout=300,
                         env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert out.returncode == 0, out.stderr[-3000:]
    theirs = eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 (our own subprocess)
    mine = _run(tf.parse_example(records, {
        "x": tf.FixedLenFeature([2], tf.float32), "v": tf.VarLenFeature(tf.int64),
        "s": tf.FixedLenFeature([], tf.string, default_value="q")}))
    assert mine["x"].tolist() == theirs["x"]
    assert (mine["v"].indices.tolist(), mine["v"].values.tolist(),
            mine["v"].dense_shape.tolist()) == theirs["v"]
    assert mine["s"].tolist() == theirs["s"]
