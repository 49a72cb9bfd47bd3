"""TFRecord files of tf.train.Examples: the tf.io / tf.python_io names, a pipeline from
writer to parse op, and files exchanged with real TensorFlow in both directions."""
import os
import subprocess

import numpy as np
import pytest

import minitf as tf
from minitf.framework import errors
from minitf.io import tfrecord
from tests.util import HAVE_TF_ORACLE, TF_ORACLE

T = tf.train


def _example(i):
    return T.Example(features=T.Features(feature={
        "id": T.Feature(int64_list=T.Int64List(value=[i])),
        "pixels": T.Feature(float_list=T.FloatList(value=[i / 4, -i / 8])),
        "name": T.Feature(bytes_list=T.BytesList(value=[b"img%d" % i]))}))


def test_tf_io_and_python_io_names():
    for ns in (tf.io, tf.python_io):
        assert ns.TFRecordWriter is tfrecord.TFRecordWriter
        assert ns.tf_record_iterator is tfrecord.tf_record_iterator
        assert ns.TFRecordOptions is tfrecord.TFRecordOptions
        assert ns.TFRecordCompressionType is tfrecord.TFRecordCompressionType


@pytest.mark.parametrize("options", [None, "GZIP", "ZLIB"])
def test_examples_through_a_file_and_the_parse_op(tmp_path, options):
    path = str(tmp_path / "data.tfrecord")
    with tf.io.TFRecordWriter(path, options) as writer:
        for i in range(4):
            writer.write(_example(i).SerializeToString())
    records = list(tf.io.tf_record_iterator(path, options))
    assert [T.Example.FromString(r) for r in records] == [_example(i) for i in range(4)]
    parsed = tf.parse_example(records, {"id": tf.FixedLenFeature([], tf.int64),
                                        "pixels": tf.FixedLenFeature([2], tf.float32)})
    with tf.Session() as sess:
        out = sess.run(parsed)
    np.testing.assert_array_equal(out["id"], np.arange(4))
    np.testing.assert_array_equal(out["pixels"], [[i / 4, -i / 8] for i in range(4)])


def test_torn_last_example_is_reported_not_returned(tmp_path):
    path = tmp_path / "torn.tfrecord"
    with tf.io.TFRecordWriter(str(path)) as writer:
        for i in range(3):
            writer.write(_example(i).SerializeToString())
    raw = path.read_bytes()
    path.write_bytes(raw[:-3])  # a writer killed inside the final record's crc
    got = []
    with pytest.raises(errors.DataLossError, match="truncated"):
        for record in tf.io.tf_record_iterator(str(path)):
            got.append(T.Example.FromString(record))
    assert got == [_example(0), _example(1)]


_TF_SCRIPT = r"""
import sys
import tensorflow.compat.v1 as tf
ours, theirs, compression = sys.argv[1], sys.argv[2], sys.argv[3]
opts = tf.io.TFRecordOptions(compression) if compression else None
for record in tf.io.tf_record_iterator(ours, opts):
    ex = tf.train.Example.FromString(record)
    f = ex.features.feature
    print(f["id"].int64_list.value[0], list(f["pixels"].float_list.value),
          f["name"].bytes_list.value[0].decode())
with tf.io.TFRecordWriter(theirs, opts) as w:
    for i in range(3):
        ex = tf.train.Example(features=tf.train.Features(feature={
            "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
            "pixels": tf.train.Feature(float_list=tf.train.FloatList(value=[i / 4, -i / 8])),
            "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"img%d" % i]))}))
        w.write(ex.SerializeToString())
"""


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="real TensorFlow oracle not installed")
@pytest.mark.parametrize("compression", ["", "GZIP"])
def test_real_tensorflow_reads_our_examples_and_we_read_theirs(tmp_path, compression):
    ours, theirs = str(tmp_path / "ours.tfrecord"), str(tmp_path / "theirs.tfrecord")
    with tf.io.TFRecordWriter(ours, compression or None) as writer:
        for i in range(3):
            writer.write(_example(i).SerializeToString())
    out = subprocess.run([TF_ORACLE, "-c", _TF_SCRIPT, ours, theirs, compression],
                         capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-3:] == [
        "%d %s img%d" % (i, [i / 4, -i / 8], i) for i in range(3)]
    got = [T.Example.FromString(r) for r in tf.io.tf_record_iterator(theirs, compression or None)]
    assert got == [_example(i) for i in range(3)]
