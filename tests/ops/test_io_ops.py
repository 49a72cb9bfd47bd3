"""Readers, read_file/write_file, matching_files, count_up_to, decode_csv/raw, string_to_number.

References: the rules of TF 1.x's readers (reader_base.cc and each reader: key formats,
when a work unit counts as completed, what is skipped and what repeats), its error
texts, the TFRecord framing (16 bytes around each record, so record k starts at the sum
of the earlier ones' 16 + length), the ReaderBaseState proto, numpy (frombuffer) and
Python's float/int for the parsers.  Real TensorFlow 2.21's compat.v1 gave the same keys,
counters and messages for the same programs.
"""
import gzip
import os
import threading
import zlib

import numpy as np
import pytest

import minitf as tf
from minitf.io.crc32c import masked_crc32c
from tests.util import HAVE_TF_ORACLE, TF_ORACLE

SHORT = tf.RunOptions(timeout_in_ms=150)


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return str(path).encode()


def _reader_run(reader, works, n=None, up_to=None):
    """Feed ``works`` to ``reader`` through a closed queue; returns the reads, then the
    error that ended them, each read with (records produced, work units completed)."""
    q = tf.FIFOQueue(10, tf.string, shapes=[[]])
    read = reader.read(q) if up_to is None else reader.read_up_to(q, up_to)
    counts = [reader.num_records_produced(), reader.num_work_units_completed()]
    out = []
    with tf.Session() as sess:
        sess.run(q.enqueue_many([works]))
        sess.run(q.close())
        for _ in range(n or 20):
            try:
                value = sess.run(read)
            except tf.errors.OpError as e:
                out.append((type(e), e.message, sess.run(counts)))
                if n is None:
                    break
                continue
            if up_to is not None:
                value = (value[0].tolist(), value[1].tolist())
            out.append((tuple(value), sess.run(counts)))
    return out


def _frame(data):
    """One TFRecord as FORMATS.md frames it."""
    head = len(data).to_bytes(8, "little")
    return (head + masked_crc32c(head).to_bytes(4, "little") + data
            + masked_crc32c(data).to_bytes(4, "little"))


# -- the readers -----------------------------------------------------------------------------
def test_text_line_reader_skips_headers_and_keys_lines_from_one(tmp_path):
    a = _write(tmp_path / "a.csv", b"h1,h2\n1,2\r\n\n3,4")
    b = _write(tmp_path / "b.csv", b"only header\n")
    reader = tf.TextLineReader(skip_header_lines=1)
    assert reader.reader_ref.op.type == "TextLineReaderV2"
    assert reader.reader_ref.op.get_attr("skip_header_lines") == 1
    got = _reader_run(reader, [a, b, a])
    # Lines keep their file numbers (the header is line 1); "\r\n" ends a line like "\n";
    # a file counts as completed only once a read finds its end.
    assert got[:6] == [
        ((a + b":2", b"1,2"), [1, 0]), ((a + b":3", b""), [2, 0]),
        ((a + b":4", b"3,4"), [3, 0]), ((a + b":2", b"1,2"), [4, 2]),
        ((a + b":3", b""), [5, 2]), ((a + b":4", b"3,4"), [6, 2])]
    err, message, counts = got[6]
    assert err is tf.errors.OutOfRangeError and counts == [6, 3]
    assert message == ("FIFOQueue '_0_fifo_queue' is closed and has insufficient elements "
                       "(requested 1, current size 0)")


def test_text_line_reader_drops_one_trailing_cr_and_reads_empty_files(tmp_path):
    e = _write(tmp_path / "e.txt", b"")
    c = _write(tmp_path / "c.txt", b"a\r\rb\r")
    got = _reader_run(tf.TextLineReader(), [e, c])
    assert got[0] == ((c + b":1", b"a\r\rb"), [1, 1])  # the empty file was one work unit
    assert got[1][0] is tf.errors.OutOfRangeError and got[1][2] == [1, 2]


def test_read_up_to_returns_fewer_only_where_a_file_ends(tmp_path):
    a = _write(tmp_path / "a.csv", b"h1,h2\n1,2\r\n\n3,4")
    got = _reader_run(tf.TextLineReader(), [a, a], up_to=3)
    lines = [a + b":%d" % i for i in range(1, 5)]
    assert got[:4] == [
        ((lines[:3], [b"h1,h2", b"1,2", b""]), [3, 0]), ((lines[3:], [b"3,4"]), [4, 1]),
        ((lines[:3], [b"h1,h2", b"1,2", b""]), [7, 1]), ((lines[3:], [b"3,4"]), [8, 2])]
    assert got[4][0] is tf.errors.OutOfRangeError


def test_fixed_length_reader_skips_header_and_footer_and_drops_a_partial_record(tmp_path):
    body = b"abcdefghij"  # 10 bytes: two 4-byte records, and 2 bytes TF drops silently
    b = _write(tmp_path / "b.bin", b"HH" + body + b"F")
    reader = tf.FixedLengthRecordReader(record_bytes=4, header_bytes=2, footer_bytes=1)
    got = _reader_run(reader, [b, b])
    assert got[:4] == [((b + b":0", b"abcd"), [1, 0]), ((b + b":1", b"efgh"), [2, 0]),
                       ((b + b":0", b"abcd"), [3, 1]), ((b + b":1", b"efgh"), [4, 1])]
    assert got[4][0] is tf.errors.OutOfRangeError and got[4][2] == [4, 2]


def test_fixed_length_reader_hops_and_reads_compressed_files(tmp_path):
    b = _write(tmp_path / "b.bin", b"HHabcdefghijF")
    hop = tf.FixedLengthRecordReader(4, header_bytes=2, footer_bytes=1, hop_bytes=3)
    # Records start every 3 bytes of the body while 4 bytes fit before the footer.
    assert [r[0] for r in _reader_run(hop, [b])[:-1]] == [
        (b + b":0", b"abcd"), (b + b":1", b"defg"), (b + b":2", b"ghij")]
    tf.reset_default_graph()
    g = _write(tmp_path / "g.bin", gzip.compress(b"HHabcdefghijF"))
    z = _write(tmp_path / "z.bin", zlib.compress(b"HHabcdefghijF"))
    for path, encoding in ((g, "GZIP"), (z, "ZLIB")):
        tf.reset_default_graph()
        reader = tf.FixedLengthRecordReader(4, header_bytes=2, footer_bytes=1,
                                            encoding=encoding)
        assert [r[0][1] for r in _reader_run(reader, [path])[:-1]] == [b"abcd", b"efgh"]


def test_whole_file_reader_gives_each_file_once_and_serializes_its_state(tmp_path):
    b = _write(tmp_path / "b.bin", b"HHabcdefghijF")
    c = _write(tmp_path / "c.bin", b"")
    reader = tf.WholeFileReader()
    assert reader.supports_serialize
    got = _reader_run(reader, [b, c])
    # One record ends its unit at once: completed counts it right away.
    assert got[:2] == [((b, b"HHabcdefghijF"), [1, 1]), ((c, b""), [2, 2])]
    assert got[2][0] is tf.errors.OutOfRangeError


def test_identity_reader_state_is_tfs_reader_base_state_proto():
    q = tf.FIFOQueue(10, tf.string, shapes=[[]])
    reader = tf.IdentityReader()
    key, value = reader.read(q)
    state = reader.serialize_state()
    counts = [reader.num_records_produced(), reader.num_work_units_completed()]
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[b"x", b"y", b"z"]]))
        assert sess.run(state) == b""  # proto3 leaves zeros and empty bytes out
        assert sess.run([key, value]) == [b"x", b"x"]
        # work_started (1), work_finished (2), num_records_produced (3): varints;
        # current_work (4): length-delimited bytes.
        saved = sess.run(state)
        assert saved == b"\x08\x01\x10\x01\x18\x01\x22\x01x"
        assert sess.run(key) == b"y"
        sess.run(reader.reset())
        assert sess.run(state) == b"" and sess.run(counts) == [0, 0]
        sess.run(reader.restore_state(saved))
        assert sess.run(counts) == [1, 1] and sess.run(state) == saved
        assert sess.run(key) == b"z"  # restoring does not rewind the queue
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Could not parse state for IdentityReader "
                                 "'IdentityReaderV2': garbage"):
            sess.run(reader.restore_state(b"garbage"))


def test_streaming_readers_do_not_serialize(tmp_path):
    reader = tf.TextLineReader()
    assert not reader.supports_serialize
    with tf.Session() as sess:
        with pytest.raises(tf.errors.UnimplementedError, match="Reader SerializeState"):
            sess.run(reader.serialize_state())
        with pytest.raises(tf.errors.UnimplementedError, match="Reader RestoreState"):
            sess.run(reader.restore_state(b""))


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_tfrecord_reader_keys_records_by_their_byte_offset(tmp_path, compression):
    records = [b"one", b"", b"three33"]
    framed = b"".join(_frame(r) for r in records)
    packed = {"": framed, "GZIP": gzip.compress(framed), "ZLIB": zlib.compress(framed)}
    path = _write(tmp_path / "r.tfrecord", packed[compression])
    options = tf.python_io.TFRecordOptions(compression) if compression else None
    reader = tf.TFRecordReader(options=options)
    assert reader.reader_ref.op.get_attr("compression_type") == compression
    offsets = np.cumsum([0] + [16 + len(r) for r in records])[:3]  # 0, 19, 35
    got = _reader_run(reader, [path])
    assert [g[0] for g in got[:3]] == [(path + b":%d" % o, r) for o, r in zip(offsets, records)]
    assert got[3][0] is tf.errors.OutOfRangeError and got[3][2] == [3, 1]


def test_corrupt_tfrecord_is_data_loss_naming_file_and_offset_again_and_again(tmp_path):
    good = _frame(b"one") + _frame(b"") + _frame(b"three33")
    bad = bytearray(good)
    bad[19] ^= 0xFF  # the second record's length: its crc no longer matches
    path = _write(tmp_path / "bad.tfrecord", bytes(bad))
    cut = _write(tmp_path / "cut.tfrecord", good[:-3])
    got = _reader_run(tf.TFRecordReader(), [path, cut], n=4)
    assert got[0] == ((path + b":0", b"one"), [1, 0])
    for err, message, counts in got[1:]:  # TF stays at the bad record: the same error
        assert err is tf.errors.DataLossError and counts == [1, 0]
        assert "corrupted record at byte offset 19" in message and path.decode() in message
    tf.reset_default_graph()
    got = _reader_run(tf.TFRecordReader(), [cut])
    assert [g[0][1] for g in got[:2]] == [b"one", b""]  # the torn last record is not returned
    assert got[2][0] is tf.errors.DataLossError and "truncated record at byte offset 35" in \
        got[2][1]


def test_a_missing_file_is_not_found_and_skipped_but_an_unreadable_one_repeats(tmp_path):
    a = _write(tmp_path / "a.csv", b"x\n")
    missing = str(tmp_path / "nope.csv").encode()
    got = _reader_run(tf.TextLineReader(), [missing, a], n=2)
    assert got[0] == (tf.errors.NotFoundError, "%s; No such file or directory"
                      % missing.decode(), [0, 0])
    assert got[1] == ((a + b":1", b"x"), [1, 0])
    tf.reset_default_graph()
    # WholeFileReader opens the file when it reads, so (as in TF) it stays on that file.
    got = _reader_run(tf.WholeFileReader(), [missing, a], n=3)
    assert [g[0] for g in got] == [tf.errors.NotFoundError] * 3
    tf.reset_default_graph()
    got = _reader_run(tf.TextLineReader(), [str(tmp_path).encode(), a], n=2)
    assert [g[:2] for g in got] == [(tf.errors.FailedPreconditionError,
                                     "%s; Is a directory" % tmp_path)] * 2


def test_reader_checks_the_queue_it_reads_from():
    reader = tf.IdentityReader()
    queues = [tf.FIFOQueue(3, [tf.string, tf.string], shapes=[[], []]),
              tf.FIFOQueue(3, tf.int32, shapes=[[]]), tf.FIFOQueue(3, tf.string, shapes=[[2]])]
    values = [["a", "b"], [1], [["a", "b"]]]
    messages = ["Expected single component queue",
                "Expected queue with single string component",
                "Expected to dequeue a one-element string tensor"]
    with tf.Session() as sess:
        for q, v, message in zip(queues, values, messages):
            sess.run(q.enqueue(v))
            with pytest.raises(tf.errors.InvalidArgumentError, match=message):
                sess.run(reader.read(q))


def test_read_waits_for_a_file_name_from_another_thread_and_is_per_session():
    q = tf.FIFOQueue(3, tf.string, shapes=[[]])
    reader = tf.IdentityReader()
    key, _ = reader.read(q)
    enq = q.enqueue("late")
    with tf.Session() as sess, tf.Session() as other:
        with pytest.raises(tf.errors.DeadlineExceededError):
            sess.run(key, options=SHORT)
        box = {}
        t = threading.Thread(target=lambda: box.setdefault("key", sess.run(key)))
        t.start()
        t.join(0.1)
        assert t.is_alive()  # blocked on the empty queue
        sess.run(enq)
        t.join(5)
        assert box["key"] == b"late"
        assert other.run(reader.num_records_produced()) == 0  # its own reader
        assert sess.run(reader.num_records_produced()) == 1
        t = threading.Thread(target=lambda: box.setdefault("error", _catch(sess, key)))
        t.start()
        t.join(0.1)
        sess.close()  # closing the session cancels the blocked read
        t.join(5)
        assert not t.is_alive() and box["error"] is tf.errors.CancelledError


def _catch(sess, fetch):
    try:
        sess.run(fetch)
    except tf.errors.OpError as e:
        return type(e)
    return None


# -- read_file, write_file, matching_files -----------------------------------------------------
def test_read_file_and_write_file_round_trip_and_report_tfs_errors(tmp_path):
    target = tmp_path / "new" / "sub" / "f.bin"
    data = bytes(range(256))
    write = tf.write_file(str(target), data)
    read = tf.read_file(str(target))
    assert write.type == "WriteFile" and read.op.type == "ReadFile" and read.shape == []
    with tf.Session() as sess:
        assert sess.run(write) is None
        assert target.read_bytes() == data  # the directories were made
        assert sess.run(read) == data
        sess.run(tf.write_file(str(target), "second"))
        assert sess.run(read) == b"second"
        assert sorted(os.listdir(target.parent)) == ["f.bin"]  # no temporary file left
        with pytest.raises(tf.errors.NotFoundError,
                           match="%s; No such file or directory" % (tmp_path / "nope")):
            sess.run(tf.read_file(str(tmp_path / "nope")))
        with pytest.raises(tf.errors.FailedPreconditionError, match="Is a directory"):
            sess.run(tf.read_file(str(tmp_path)))
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.read_file(["a", "b"])


def test_matching_files_lists_sorted_matches_of_every_pattern(tmp_path):
    for name in ("b.csv", "a.csv", "r_1", "r_22", "r_3"):
        _write(tmp_path / name, b"")
    d = str(tmp_path)
    with tf.Session() as sess:
        got = sess.run(tf.matching_files([d + "/r_?", d + "/*.csv"]))
        assert got.tolist() == [os.path.join(d, n).encode()
                                for n in ("a.csv", "b.csv", "r_1", "r_3")]
        assert sess.run(tf.matching_files(d + "/zz*")).shape == (0,)


def test_count_up_to_counts_until_its_limit_then_is_out_of_range():
    v = tf.Variable(np.int64(0), name="epochs")
    c = tf.count_up_to(v, 2)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized"):
            sess.run(c)
        sess.run(v.initializer)
        assert [sess.run(c), sess.run(c)] == [0, 1]  # the value before each increment
        with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 2"):
            sess.run(c)
        assert sess.run(v) == 2


# -- decode_csv ----------------------------------------------------------------------------
CSV_OK = [
    # records, defaults, keywords, expected columns
    (["1,2.5,a", "3,,b"], [[0], [1.0], ["z"]], {}, [[1, 3], [2.5, 1.0], [b"a", b"b"]]),
    (["1,", ","], [[4], [5]], {}, [[1, 4], [5, 5]]),
    ([" 1 , 2.5 "], [[0], [0.0]], {}, [[1], [2.5]]),
    (["1e3,inf", "nan,-INF", "0x1p3,1e500"], [[0.0], [0.0]], {},
     [[1e3, float("nan"), 8.0], [float("inf"), -float("inf"), float("inf")]]),
    (['"a,b","c""d"', '"a\nb",'], [[""], ["e"]], {}, [[b"a,b", b"a\nb"], [b'c"d', b"e"]]),
    (['"",c', '"NA",NA'], [["q"], ["r"]], {"na_value": "NA"}, [[b"q", b"q"], [b"c", b"r"]]),
    (["1;2"], [[0], [0]], {"field_delim": ";"}, [[1], [2]]),
    (['"a",b'], [["x"], ["y"]], {"use_quote_delim": False}, [[b'"a"'], [b"b"]]),
    (["1,2,3,4"], [[0], [0]], {"select_cols": [0, 2]}, [[1], [3]]),
    (["2147483647,-2147483648,+5,99999999999"],
     [[0], [0], [0], np.int64([0])], {}, [[2 ** 31 - 1], [-2 ** 31], [5], [99999999999]]),
]


@pytest.mark.parametrize("records, defaults, kw, expected", CSV_OK)
def test_decode_csv_fields_take_the_defaults_types_and_fill_gaps(records, defaults, kw,
                                                                  expected):
    out = tf.decode_csv(records, defaults, **kw)
    with tf.Session() as sess:
        got = sess.run(out)
    for column, default, want in zip(got, defaults, expected):
        # A Python default's dtype is TF's for the number: int32, float32 (or string).
        kind = {int: np.int32, float: np.float32, str: object}.get(type(default[0]))
        want = np.array(want, dtype=kind or np.asarray(default).dtype)
        assert column.dtype == want.dtype
        np.testing.assert_array_equal(column, want)


CSV_ERRORS = [
    (["1,2.5,a", "3,,"], [[0], [1.0], np.array([], object)], {},
     "Field 2 is required but missing in record 1!"),
    (["1,2"], [[0], [0], [0]], {}, "Expect 3 fields but have 2 in record 0"),
    (["1,2", "1,2,3,4"], [[0], [0], [0]], {}, "Expect 3 fields but have 2 in record 0"),
    ([""], [[0]], {}, "Expect 1 fields but have 0 in record 0"),
    (["1,2", "x,2"], [[0], [0]], {}, "Field 0 in record 1 is not a valid int32: x"),
    (["1.5,2"], [[0], [0]], {}, "Field 0 in record 0 is not a valid int32: 1.5"),
    (["1_0,2"], [[0], [0]], {}, "Field 0 in record 0 is not a valid int32: 1_0"),
    (["99999999999,2"], [[0], [0]], {}, "is not a valid int32: 99999999999"),
    (["1,abc"], [[0], [0.0]], {}, "Field 1 in record 0 is not a valid float: abc"),
    (["1,abc"], [[0], np.float64([0])], {}, "not a valid double: abc"),
    (["1,abc"], [[0], np.int64([0])], {}, "not a valid int64: abc"),
    (["1,x", "y,2"], [[0], [0]], {}, "Field 1 in record 0 is not a valid int32: x"),
    (['a"b,c'], [[""], [""]], {}, "Unquoted fields cannot have quotes/CRLFs inside"),
    (["a\rb,c"], [[""], [""]], {}, "Unquoted fields cannot have quotes/CRLFs inside"),
    (['"ab"c,d'], [[""], [""]], {}, "Quote inside a string has to be escaped by another quote"),
    (['"ab,d'], [[""], [""]], {}, "Quoted field has to end with quote followed by delim or end"),
    (["1;2"], [[0], [0]], {"field_delim": ";;"}, "field_delim should be only 1 char"),
    (["1,2,3"], [[0], [0]], {"select_cols": [0, 5]}, "Expect 2 fields but have 1 in record 0"),
]


@pytest.mark.parametrize("records, defaults, kw, message", CSV_ERRORS)
def test_decode_csv_errors_name_the_field_and_the_record(records, defaults, kw, message):
    out = tf.decode_csv(records, defaults, **kw)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(out)
    assert message in info.value.message and info.value.op.type == "DecodeCSV"


def test_decode_csv_keeps_the_records_shape_and_checks_its_defaults_statically():
    records = tf.placeholder(tf.string, [None, 3])
    a, b = tf.decode_csv(records, [[0], [0.0]])
    assert a.shape.as_list() == [None, 3] and (a.dtype, b.dtype) == (tf.int32, tf.float32)
    assert a.op.type == "DecodeCSV" and a.op.get_attr("field_delim") == ","
    with tf.Session() as sess:
        x, y = sess.run([a, b], {records: [["1,2", "3,4", "5,6"]]})
    np.testing.assert_array_equal(x, [[1, 3, 5]])
    np.testing.assert_array_equal(y, np.float32([[2, 4, 6]]))
    with pytest.raises(ValueError, match="Shape of a default must be a length-0 or length-1"):
        tf.decode_csv(["1,2"], [[0, 1], [0]])
    with pytest.raises(ValueError, match="Shape must be at most rank 1 but is rank 2"):
        tf.decode_csv(["1,2"], [[[0]], [0]])
    with pytest.raises(TypeError, match="record_defaults' has DataType bool"):
        tf.decode_csv(["1"], [[True]])
    with pytest.raises(ValueError, match="select_cols is not strictly increasing."):
        tf.decode_csv(["1,2,3"], [[0], [0]], select_cols=[2, 0])
    with pytest.raises(ValueError, match="Length of select_cols and record_defaults"):
        tf.decode_csv(["1,2,3"], [[0], [0], [0]], select_cols=[0, 1])


# -- decode_raw, string_to_number -------------------------------------------------------------
@pytest.mark.parametrize("dtype", [tf.uint8, tf.int8, tf.int16, tf.int32, tf.int64, tf.float16,
                                   tf.float32, tf.float64])
@pytest.mark.parametrize("little_endian", [True, False])
def test_decode_raw_reads_the_bytes_as_numpy_does(dtype, little_endian):
    rng = np.random.RandomState(3)
    raw = rng.randint(0, 256, size=(2, 3, 16)).astype(np.uint8)
    strings = np.array([[bytes(r) for r in row] for row in raw], dtype=object)
    out = tf.decode_raw(strings, dtype, little_endian=little_endian)
    assert out.shape.as_list() == [2, 3, None] and out.dtype == dtype
    with tf.Session() as sess:
        got = sess.run(out)
    order = "<" if little_endian else ">"
    want = np.frombuffer(raw.tobytes(), np.dtype(dtype.as_numpy_dtype).newbyteorder(order))
    np.testing.assert_array_equal(got, want.reshape(2, 3, -1))


def test_decode_raw_errors():
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="DecodeRaw requires input strings to all be the same size, "
                                 "but element 1 has size 2 != 4"):
            sess.run(tf.decode_raw([b"\x01\x02", b"\x01\x02\x03\x04"], tf.int16))
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Input to DecodeRaw has length 3 that is not a multiple of 2, "
                                 "the size of int16"):
            sess.run(tf.decode_raw([b"\x01\x02\x03"], tf.int16))
        assert sess.run(tf.decode_raw([b"\x01\x00"], tf.bool)).tolist() == [[True, False]]
    with pytest.raises(TypeError, match="'out_type' has DataType string"):
        tf.decode_raw([b"ab"], tf.string)


def test_string_to_number_parses_as_tf_and_names_the_bad_string():
    texts = ["1.5", " 2", "-3e2", "inf", "0x1p-2"]
    with tf.Session() as sess:
        got = sess.run(tf.string_to_number(texts))
        np.testing.assert_array_equal(got, np.float32([1.5, 2, -300, np.inf, 0.25]))
        got = sess.run(tf.string_to_number(["15", "-2", "+7"], tf.int32))
        assert got.dtype == np.int32 and got.tolist() == [15, -2, 7]
        assert sess.run(tf.string_to_number(["99999999999"], tf.int64)).tolist() == [
            99999999999]
        for text, dtype in (("x", tf.float32), ("1.5", tf.int32), ("99999999999", tf.int32),
                            ("", tf.float64)):
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(tf.string_to_number([text], dtype))
            assert info.value.message == ("StringToNumberOp could not correctly convert "
                                          "string: " + text)
    with pytest.raises(TypeError, match="'out_type' has DataType uint8"):
        tf.string_to_number(["1"], tf.uint8)


# -- real TensorFlow writes, minitf reads ---------------------------------------------------
@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="needs the TF oracle interpreter")
def test_tensorflow_written_tfrecords_read_back_with_their_keys(tmp_path):
    import subprocess
    script = (
        "import tensorflow.compat.v1 as tf\n"
        "for name, kind in [('p', 0), ('g', 2), ('z', 1)]:\n"
        "    o = tf.python_io.TFRecordOptions(kind)\n"
        "    with tf.python_io.TFRecordWriter(%r + '/' + name, o) as w:\n"
        "        for i in range(5):\n"
        "            w.write(b'r' * i)\n" % str(tmp_path))
    subprocess.run([TF_ORACLE, "-c", script], check=True, capture_output=True, timeout=300)
    for name, kind in (("p", ""), ("g", "GZIP"), ("z", "ZLIB")):
        tf.reset_default_graph()
        path = str(tmp_path / name).encode()
        reader = tf.TFRecordReader(options=tf.python_io.TFRecordOptions(kind) if kind else None)
        got = [g[0] for g in _reader_run(reader, [path])[:-1]]
        offsets = np.cumsum([0] + [16 + i for i in range(5)])[:5]
        assert got == [(path + b":%d" % o, b"r" * i) for i, o in enumerate(offsets)]
