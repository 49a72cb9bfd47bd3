"""TFRecord framing: round trips, golden bytes from the spec, corruption and truncation."""

import gzip
import os
import signal
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest

from minitf.framework import errors
from minitf.io.tfrecord import (TFRecordCompressionType, TFRecordOptions, TFRecordWriter,
                                tf_record_iterator)
from tests.util import HAVE_TF_ORACLE, TF_ORACLE, masked_crc




def _golden_record(data):
    """One record framed as FORMATS.md says: len, masked crc(len), data, masked crc(data)."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc(length)) + data + struct.pack("<I", masked_crc(data))


def _records():
    rng = np.random.default_rng(0)
    return [b"", b"hello", bytes(range(256)), rng.bytes(70_000), b"last"]


def _write(path, records, options=None):
    with TFRecordWriter(str(path), options) as writer:
        for record in records:
            writer.write(record)


def test_round_trip(tmp_path):
    path = tmp_path / "data.tfrecord"
    _write(path, _records())
    assert list(tf_record_iterator(str(path))) == _records()


def test_empty_file_has_no_records(tmp_path):
    path = tmp_path / "empty.tfrecord"
    _write(path, [])
    assert path.read_bytes() == b""
    assert list(tf_record_iterator(str(path))) == []


def test_golden_framing_bytes(tmp_path):
    path = tmp_path / "golden.tfrecord"
    records = [b"", b"a", b"minitf record", bytes(1000)]
    _write(path, records)
    assert path.read_bytes() == b"".join(_golden_record(r) for r in records)


def test_golden_bytes_spelled_out(tmp_path):
    # The 12-byte header of a 1-byte record, checked field by field.
    path = tmp_path / "one.tfrecord"
    _write(path, [b"x"])
    raw = path.read_bytes()
    assert len(raw) == 8 + 4 + 1 + 4
    assert raw[:8] == b"\x01" + b"\x00" * 7
    assert struct.unpack("<I", raw[8:12])[0] == masked_crc(raw[:8])
    assert raw[12:13] == b"x"
    assert struct.unpack("<I", raw[13:])[0] == masked_crc(b"x")


def test_reads_file_written_from_spec(tmp_path):
    path = tmp_path / "spec.tfrecord"
    path.write_bytes(_golden_record(b"one") + _golden_record(b"two"))
    assert list(tf_record_iterator(path)) == [b"one", b"two"]


def test_str_record_is_written_as_utf8(tmp_path):
    path = tmp_path / "text.tfrecord"
    _write(path, ["héllo"])
    assert list(tf_record_iterator(str(path))) == ["héllo".encode("utf-8")]


def test_flush_makes_records_readable_before_close(tmp_path):
    path = tmp_path / "flushed.tfrecord"
    writer = TFRecordWriter(str(path))
    writer.write(b"early")
    writer.flush()
    assert list(tf_record_iterator(str(path))) == [b"early"]
    writer.close()
    writer.close()  # twice is harmless
    with pytest.raises(errors.FailedPreconditionError):
        writer.write(b"late")


# Byte positions inside the second record (the first is b"first": 5 data bytes).
FIRST = b"first"
SECOND_OFFSET = 12 + len(FIRST) + 4


@pytest.mark.parametrize("where,what", [
    (0, "length crc"),         # a length byte
    (9, "length crc"),         # the length's crc
    (12 + 2, "data crc"),      # a data byte
    (12 + 6 + 1, "data crc"),  # the data's crc
])
def test_corrupt_byte_raises_data_loss_with_offset(tmp_path, where, what):
    path = tmp_path / "corrupt.tfrecord"
    _write(path, [FIRST, b"second", b"third"])
    raw = bytearray(path.read_bytes())
    raw[SECOND_OFFSET + where] ^= 0x40
    path.write_bytes(bytes(raw))

    got = []
    with pytest.raises(errors.DataLossError) as info:
        for record in tf_record_iterator(str(path)):
            got.append(record)
    assert got == [FIRST]  # the good record comes out; the corrupt one never does
    message = str(info.value)
    assert str(SECOND_OFFSET) in message
    assert str(path) in message
    assert what in message
    assert isinstance(info.value, errors.OpError)


@pytest.mark.parametrize("cut", [1, 11, 12, 12 + 3, 12 + 6, 12 + 6 + 3])
def test_truncated_file_raises_data_loss(tmp_path, cut):
    path = tmp_path / "truncated.tfrecord"
    _write(path, [FIRST, b"second"])
    raw = path.read_bytes()
    path.write_bytes(raw[:SECOND_OFFSET + cut])

    got = []
    with pytest.raises(errors.DataLossError) as info:
        for record in tf_record_iterator(str(path)):
            got.append(record)
    assert got == [FIRST]
    assert "truncated" in str(info.value)
    assert str(SECOND_OFFSET) in str(info.value)


def test_missing_file_and_directory_raise_not_found(tmp_path):
    missing = str(tmp_path / "nope.tfrecord")
    with pytest.raises(errors.NotFoundError, match="^%s; No such file or directory$" % missing):
        next(tf_record_iterator(missing))  # TF's text: the path, a semicolon, strerror
    with pytest.raises(errors.NotFoundError):
        TFRecordWriter(str(tmp_path / "no_dir" / "x.tfrecord"))


@pytest.mark.parametrize("options", [
    TFRecordOptions(TFRecordCompressionType.GZIP), "GZIP", TFRecordCompressionType.GZIP])
def test_gzip_round_trip(tmp_path, options):
    path = tmp_path / "data.tfrecord.gz"
    _write(path, _records(), options)
    # The file is a plain gzip stream of the uncompressed framing.
    assert gzip.decompress(path.read_bytes()) == b"".join(_golden_record(r) for r in _records())
    assert list(tf_record_iterator(str(path), options)) == _records()


@pytest.mark.parametrize("options", [
    TFRecordOptions(TFRecordCompressionType.ZLIB, compression_level=3), "ZLIB"])
def test_zlib_round_trip(tmp_path, options):
    path = tmp_path / "data.tfrecord.z"
    _write(path, _records(), options)
    assert zlib.decompress(path.read_bytes()) == b"".join(_golden_record(r) for r in _records())
    assert list(tf_record_iterator(str(path), options)) == _records()


def test_truncated_compressed_file_raises_data_loss(tmp_path):
    path = tmp_path / "cut.tfrecord.gz"
    _write(path, _records(), "GZIP")
    raw = path.read_bytes()
    path.write_bytes(raw[:len(raw) // 2])
    with pytest.raises(errors.DataLossError):
        list(tf_record_iterator(str(path), "GZIP"))


def test_compression_type_strings():
    get = TFRecordOptions.get_compression_type_string
    assert get(None) == ""
    assert get(TFRecordOptions()) == ""
    assert get(TFRecordOptions("GZIP")) == "GZIP"
    assert get(TFRecordCompressionType.ZLIB) == "ZLIB"
    with pytest.raises(ValueError):
        TFRecordOptions("LZMA")


_TF_READ_WRITE = r"""
import sys
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
ours, theirs = sys.argv[1], sys.argv[2]
print([r.hex() for r in tf.io.tf_record_iterator(ours)])
with tf.io.TFRecordWriter(theirs) as w:
    for r in (b"", b"x" * 300, bytes(range(256))):
        w.write(r)
"""


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="real TensorFlow oracle not installed")
def test_real_tensorflow_reads_ours_and_we_read_theirs(tmp_path):
    records = [b"alpha", b"", b"\x00\xff" * 1000]
    ours, theirs = tmp_path / "ours.tfrecord", tmp_path / "theirs.tfrecord"
    with TFRecordWriter(str(ours)) as w:
        for r in records:
            w.write(r)
    out = subprocess.run([TF_ORACLE, "-c", _TF_READ_WRITE, str(ours), str(theirs)],
                         capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == repr([r.hex() for r in records])
    assert list(tf_record_iterator(str(theirs))) == [b"", b"x" * 300, bytes(range(256))]


_KILLED_WRITER = r"""
import os, signal, sys
from minitf.io.tfrecord import TFRecordWriter, encode_record
path, count = sys.argv[1], int(sys.argv[2])
writer = TFRecordWriter(path)
for i in range(count):
    writer.write(bytes([i]) * 3000)
writer.flush()
# what a kill in the middle of write(2) leaves: the OS holds only part of the next record
torn = encode_record(bytes([count]) * 3000)
with open(path, "ab") as f:
    f.write(torn[:1500])
os.kill(os.getpid(), signal.SIGKILL)  # no close: the writer never gets to tidy up
"""


def test_a_killed_writer_leaves_its_earlier_records_and_reports_the_torn_one(tmp_path):
    import minitf as tf

    path = tmp_path / "killed.tfrecord"
    whole, framed = 25, 12 + 3000 + 4
    proc = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(path), str(whole)],
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert path.stat().st_size == whole * framed + 1500

    got = []
    with pytest.raises(errors.DataLossError) as info:
        for record in tf_record_iterator(str(path)):
            got.append(record)
    assert got == [bytes([i]) * 3000 for i in range(whole)]
    assert "truncated" in str(info.value) and str(whole * framed) in str(info.value)

    # the reader op in a pipeline returns the same records and then refuses the torn one
    with tf.Graph().as_default():
        files = tf.train.string_input_producer([str(path)], num_epochs=1, shuffle=False)
        _, value = tf.TFRecordReader().read(files)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord=coord)
            read = [sess.run(value) for _ in range(whole)]
            with pytest.raises(errors.DataLossError):
                sess.run(value)
            coord.request_stop()
            coord.join(threads)
    assert read == got


def test_records_that_straddle_the_read_blocks_round_trip_and_cuts_are_caught(tmp_path):
    # the reader parses plain files from 256 KiB blocks: records of 0 B to 600 KB cross them
    rng = np.random.default_rng(7)
    records = [rng.bytes(int(n)) for n in rng.integers(0, 600_000, 30)] + [b""]
    path = tmp_path / "big.tfrecord"
    _write(path, records)
    assert list(tf_record_iterator(str(path))) == records
    raw = path.read_bytes()
    starts = np.cumsum([0] + [16 + len(r) for r in records])
    for cut in rng.integers(1, len(raw), 8):
        path.write_bytes(raw[:cut])
        whole = int(np.searchsorted(starts, cut, side="right")) - 1  # records before the cut
        got = []
        if cut == starts[whole]:
            got = list(tf_record_iterator(str(path)))
        else:
            with pytest.raises(errors.DataLossError, match="offset %d" % starts[whole]):
                for record in tf_record_iterator(str(path)):
                    got.append(record)
        assert got == records[:whole]
