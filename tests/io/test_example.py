"""tf.train.Example protos: golden wire bytes from the protobuf rules, the message API,
and (with the TF oracle) byte equality with real TensorFlow both ways."""
import ast
import os
import pickle
import struct
import subprocess

import numpy as np
import pytest

import minitf as tf
from minitf.io.example import DecodeError, parse_example_features
from tests.util import HAVE_TF_ORACLE, TF_ORACLE

T = tf.train


def _int64_feature(*values):
    return T.Feature(int64_list=T.Int64List(value=values))


def _float_feature(*values):
    return T.Feature(float_list=T.FloatList(value=values))


def _bytes_feature(*values):
    return T.Feature(bytes_list=T.BytesList(value=values))


def _f32(x):
    return struct.pack("<f", x)


# -- golden bytes, derived from the wire-format rules -----------------------------------
# A field is tag = (number << 3 | wire type) then, for wire type 2 (LEN), a varint length
# and the payload.  Field 1 LEN is 0x0a, field 2 LEN 0x12, field 3 LEN 0x1a.  Varints are
# little-endian base 128: 300 = 0b10_0101100 -> ac 02; -1 is 2**64 - 1 -> nine ff, 01.
GOLDEN = [
    ("int64 list packed", T.Int64List(value=[1, 300, -1]),
     b"\x0a\x0d" + b"\x01" + b"\xac\x02" + b"\xff" * 9 + b"\x01"),
    ("int64 extremes", T.Int64List(value=[2**63 - 1, -2**63]),
     b"\x0a\x13" + b"\xff" * 8 + b"\x7f" + b"\x80" * 9 + b"\x01"),
    ("float list packed LE", T.FloatList(value=[1.0, -2.5]),
     b"\x0a\x08" + _f32(1.0) + _f32(-2.5)),
    ("bytes list, an empty value too", T.BytesList(value=[b"ab", b""]),
     b"\x0a\x02ab" + b"\x0a\x00"),
    ("empty lists write nothing", T.Int64List(), b""),
    ("feature: int64_list is field 3", _int64_feature(7), b"\x1a\x03" + b"\x0a\x01\x07"),
    ("feature: float_list is field 2", _float_feature(0.5), b"\x12\x06\x0a\x04" + _f32(0.5)),
    ("feature: bytes_list is field 1", _bytes_feature(b"x"), b"\x0a\x03\x0a\x01x"),
    ("a set but empty oneof member", T.Feature(int64_list=T.Int64List()), b"\x1a\x00"),
    ("empty example", T.Example(), b""),
    ("example with empty features", T.Example(features=T.Features()), b"\x0a\x00"),
    # Map entries {1: key, 2: value} sorted by key: "a" before "b" whatever the insertion.
    ("example, two features",
     T.Example(features=T.Features(feature={"b": _int64_feature(1), "a": _float_feature(1.0)})),
     b"\x0a\x1b"
     + b"\x0a\x0d" + b"\x0a\x01a" + b"\x12\x08" + b"\x12\x06\x0a\x04" + _f32(1.0)
     + b"\x0a\x0a" + b"\x0a\x01b" + b"\x12\x05" + b"\x1a\x03\x0a\x01\x01"),
    ("map entry with empty key and empty feature", T.Features(feature={"": T.Feature()}),
     b"\x0a\x04" + b"\x0a\x00" + b"\x12\x00"),
    ("sequence example",
     T.SequenceExample(context=T.Features(feature={"n": _int64_feature(2)}),
                       feature_lists=T.FeatureLists(feature_list={
                           "t": T.FeatureList(feature=[_int64_feature(5), T.Feature()])})),
     b"\x0a\x0c" + b"\x0a\x0a" + b"\x0a\x01n" + b"\x12\x05" + b"\x1a\x03\x0a\x01\x02"
     + b"\x12\x10" + b"\x0a\x0e" + b"\x0a\x01t" + b"\x12\x09"
     + b"\x0a\x05\x1a\x03\x0a\x01\x05" + b"\x0a\x00"),
]


@pytest.mark.parametrize("what,message,wire", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_serialization_matches_golden_bytes(what, message, wire):
    assert message.SerializeToString() == wire
    assert message.SerializeToString(deterministic=True) == wire
    assert type(message).FromString(wire) == message
    assert message.ByteSize() == len(wire)


def test_map_order_is_python_protobufs_deterministic_order():
    # Python protobuf (upb) compares keys' bytes over the shorter length; when one key is
    # a prefix of the other the longer comes first, so "" is last.  Insertion order is
    # irrelevant.
    keys = ["b", "", "B", "é", "a", "ab", "a\x00"]
    ex = T.Example(features=T.Features(feature={k: _int64_feature(i) for i, k in
                                                enumerate(keys)}))
    got = list(T.Features.FromString(ex.features.SerializeToString()).feature)
    assert got == ["B", "a\x00", "ab", "a", "b", "é", ""]


def test_decoder_accepts_unpacked_numbers_and_keeps_unknown_fields():
    # Field 1 as single varints (wire type 0, tag 0x08) and as a fixed32 float (tag 0x0d).
    assert list(T.Int64List.FromString(b"\x08\x01\x08\x7f").value) == [1, 127]
    assert list(T.FloatList.FromString(b"\x0d" + _f32(1.5) + b"\x0a\x04" + _f32(2.0)).value) \
        == [1.5, 2.0]
    # An unknown field 2 (tag 0x10) survives a round trip, after the known ones.
    msg = T.Int64List.FromString(b"\x10\x05\x08\x01")
    assert list(msg.value) == [1]
    assert msg.SerializeToString() == b"\x0a\x01\x01\x10\x05"


def test_repeated_message_fields_and_map_keys_merge_as_protobuf_does():
    # Two copies of Example.features merge; a repeated map key keeps the last value.
    one = T.Example(features=T.Features(feature={"x": _int64_feature(1)})).SerializeToString()
    two = T.Example(features=T.Features(feature={"x": _int64_feature(2),
                                                 "y": _int64_feature(3)})).SerializeToString()
    merged = T.Example.FromString(one + two)
    assert list(merged.features.feature["x"].int64_list.value) == [2]
    assert list(merged.features.feature["y"].int64_list.value) == [3]


@pytest.mark.parametrize("data", [b"\xff\xff", b"\x0a\x05\x0a", b"\x0a\x01", b"\x0b",
                                  b"\x0a\x02\x08" + b"\xff" * 11])
def test_corrupt_bytes_raise_decode_error(data):
    with pytest.raises(DecodeError, match="tensorflow.Example"):
        T.Example.FromString(data)


# -- the message API -------------------------------------------------------------------
def test_reading_a_submessage_does_not_set_it_but_writing_does():
    f = T.Feature()
    assert f.float_list.value == []
    assert f.WhichOneof("kind") is None and f.SerializeToString() == b""
    f.float_list.value.append(1)
    assert f.WhichOneof("kind") == "float_list" and f.HasField("float_list")
    f.int64_list.value.append(3)  # the oneof switches and forgets the floats
    assert f.WhichOneof("kind") == "int64_list" and not f.HasField("float_list")
    assert f.SerializeToString() == b"\x1a\x03\x0a\x01\x03"


def test_map_access_creates_entries_and_presence_reaches_the_top():
    ex = T.Example()
    ex.features.feature["label"].int64_list.value.extend(np.array([4, 5]))
    assert ex.HasField("features")
    assert ex == T.Example(features=T.Features(feature={"label": _int64_feature(4, 5)}))
    assert "label" in ex.features.feature and "other" not in ex.features.feature
    assert ex.features.feature.get("other") is None


def test_protobuf_errors_for_wrong_use():
    with pytest.raises(TypeError):
        T.Int64List(value=[1.5])
    with pytest.raises(ValueError, match="out of range"):
        T.Int64List(value=[2**63])
    with pytest.raises(TypeError):
        T.FloatList(value=["1"])
    with pytest.raises(TypeError):
        T.BytesList(value=["text"])  # bytes fields take bytes only
    with pytest.raises(ValueError, match='has no "foo" field'):
        T.Feature(foo=1)
    with pytest.raises(TypeError, match="positional"):
        T.Int64List([1])
    with pytest.raises(ValueError, match="may not be assigned"):
        T.Features().feature["x"] = _int64_feature(1)
    with pytest.raises(AttributeError):
        T.Int64List().value = [1]
    with pytest.raises(AttributeError):
        T.Feature().int64_list = T.Int64List()
    with pytest.raises(TypeError):
        T.Feature(int64_list=T.FloatList())
    with pytest.raises(TypeError):
        hash(T.Example())


def test_floats_are_stored_as_float32_and_numpy_inputs_work():
    values = np.array([0.1, 1e-3], np.float64)
    got = list(T.FloatList(value=values).value)
    assert got == [float(np.float32(v)) for v in values]
    assert list(T.Int64List(value=np.arange(3, dtype=np.int32)).value) == [0, 1, 2]


def test_equality_copy_merge_and_pickle():
    a = T.Example(features=T.Features(feature={"x": _float_feature(1.0, 2.0)}))
    b = T.Example.FromString(a.SerializeToString())
    assert a == b and not a != b and a != T.Example() and a != 1
    c = T.Example()
    c.CopyFrom(a)
    c.features.feature["x"].float_list.value.append(3.0)
    assert list(a.features.feature["x"].float_list.value) == [1.0, 2.0]  # a deep copy
    c.MergeFrom(a)
    assert list(c.features.feature["x"].float_list.value) == [1.0, 2.0, 3.0, 1.0, 2.0]
    assert pickle.loads(pickle.dumps(a)) == a
    d = T.Example()
    assert d.ParseFromString(a.SerializeToString()) == len(a.SerializeToString())
    assert d == a
    d.Clear()
    assert d == T.Example()


def test_constructors_take_dicts_like_protobuf():
    ex = T.Example(features={"feature": {"a": {"int64_list": {"value": [1]}}}})
    assert ex == T.Example(features=T.Features(feature={"a": _int64_feature(1)}))
    fl = T.FeatureList(feature=[{"float_list": {"value": [1.0]}}, _int64_feature(2)])
    assert len(fl.feature) == 2 and fl.feature[1].WhichOneof("kind") == "int64_list"
    added = fl.feature.add(bytes_list=T.BytesList(value=[b"z"]))
    assert fl.feature[2] is added


def test_text_format_is_protobufs():
    ex = T.Example(features=T.Features(feature={
        "b": _bytes_feature(b"a\x00\xff\"\n", "é".encode()),
        "a": _float_feature(0.1, 1e30, float("inf"), -0.0, 1.0, 2.5e-8)}))
    assert str(ex) == repr(ex) == (
        'features {\n'
        '  feature {\n'
        '    key: "a"\n'
        '    value {\n'
        '      float_list {\n'
        '        value: 0.1\n'
        '        value: 1e+30\n'
        '        value: inf\n'
        '        value: -0\n'
        '        value: 1\n'
        '        value: 2.5e-08\n'
        '      }\n'
        '    }\n'
        '  }\n'
        '  feature {\n'
        '    key: "b"\n'
        '    value {\n'
        '      bytes_list {\n'
        '        value: "a\\000\\377\\"\\n"\n'
        '        value: "\\303\\251"\n'
        '      }\n'
        '    }\n'
        '  }\n'
        '}\n')
    assert str(T.Example()) == ""
    assert str(T.FeatureList(feature=[T.Feature()])) == "feature {\n}\n"


def test_fast_path_reads_what_the_messages_write():
    ex = T.Example(features=T.Features(feature={
        "i": _int64_feature(-3, 4), "f": _float_feature(0.5), "s": _bytes_feature(b"q"),
        "e": T.Feature()}))
    assert parse_example_features(ex.SerializeToString()) == {
        "i": ("int64", [-3, 4]), "f": ("float", [0.5]), "s": ("bytes", [b"q"]),
        "e": (None, [])}


def test_tf_train_names():
    for name in ("Example", "Features", "Feature", "BytesList", "FloatList", "Int64List",
                 "SequenceExample", "FeatureList", "FeatureLists"):
        assert getattr(tf.train, name).__name__ == name


# -- real TensorFlow -----------------------------------------------------------------------
# The same messages, built from the same keyword dicts on both sides.
ORACLE_TABLE = [
    ("Example", {}),
    ("Example", {"features": {}}),
    ("Example", {"features": {"feature": {
        "label": {"int64_list": {"value": [3]}},
        "pixels": {"float_list": {"value": [0.0, 0.25, -1.5, 1e-20, 3.4e38]}},
        "name": {"bytes_list": {"value": [b"cat", b"", bytes(range(256))]}},
        "empty": {},
        "ints": {"int64_list": {"value": [0, -1, 127, 128, 2**63 - 1, -2**63, 300]}}}}}),
    ("Example", {"features": {"feature": {k: {"int64_list": {"value": [i]}} for i, k in
                                          enumerate(["zz", "a", "m", "B", "é", "a\x00", ""])}}}),
    ("Example", {"features": {"feature": {"big": {"float_list": {
        "value": [float(i) / 7 for i in range(300)]}}}}}),
    ("SequenceExample", {}),
    ("SequenceExample", {
        "context": {"feature": {"length": {"int64_list": {"value": [3]}}}},
        "feature_lists": {"feature_list": {
            "tokens": {"feature": [{"int64_list": {"value": [1]}},
                                   {"int64_list": {"value": [2, 3]}}, {}]},
            "emb": {"feature": [{"float_list": {"value": [0.5, 1.5]}}]},
            "none": {}}}}),
    ("Feature", {"bytes_list": {"value": [b"\x00" * 200]}}),
    ("Int64List", {"value": [5]}),
]

_ORACLE_SCRIPT = r"""
import ast, sys
from tensorflow.core.example import example_pb2, feature_pb2
table = ast.literal_eval(sys.stdin.readline())
ours = ast.literal_eval(sys.stdin.readline())
for (cls_name, kwargs), our_bytes in zip(table, ours):
    cls = getattr(example_pb2, cls_name, None) or getattr(feature_pb2, cls_name)
    theirs = cls(**kwargs)
    same = cls.FromString(our_bytes) == theirs
    print("%s,%s" % (theirs.SerializeToString(deterministic=True).hex(), same))
"""


def _run_oracle(script, stdin):
    out = subprocess.run([TF_ORACLE, "-c", script], input=stdin, capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="real TensorFlow oracle not installed")
def test_real_tensorflow_writes_our_bytes_and_reads_ours():
    ours = [getattr(T, name)(**kwargs).SerializeToString() for name, kwargs in ORACLE_TABLE]
    lines = _run_oracle(_ORACLE_SCRIPT, repr(ORACLE_TABLE) + "\n" + repr(ours) + "\n")
    assert len(lines) == len(ORACLE_TABLE)
    for (name, _), mine, line in zip(ORACLE_TABLE, ours, lines):
        theirs_hex, same = line.split(",")
        assert theirs_hex == mine.hex(), name
        assert same == "True", name
        assert getattr(T, name).FromString(bytes.fromhex(theirs_hex)).SerializeToString() \
            == mine


def test_oracle_table_is_literal():
    # The table crosses the process boundary as a Python literal.
    assert ast.literal_eval(repr(ORACLE_TABLE)) == ORACLE_TABLE
