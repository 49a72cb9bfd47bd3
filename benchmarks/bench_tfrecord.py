"""TFRecord throughput: write and read, 1 KB and 100 KB records, CRC checked, beside real TF.

For each record size the script writes one file with ``tf.python_io.TFRecordWriter``
and reads it three ways:

* ``tf.python_io.tf_record_iterator`` (plain Python, no graph);
* ``TFRecordReader.read_up_to(queue, 64)`` fed by a ``string_input_producer`` in a
  session (what an input pipeline runs), fetching only the record count so that no
  engine pays for copying strings out;
* ``TFRecordReader.read(queue)``: one record per ``sess.run``, the session's per-run
  cost more than the reader's.

Real TF (``tensorflow.compat.v1``, in the oracle interpreter) reads the very file
minitf wrote, and writes its own copy of the same records; the two files are then
compared byte for byte and minitf reads TF's.  Every read checks both CRCs.  Figures
are payload bytes (1 MB = 10^6 bytes) and records per second, median of REPEATS
passes over the file; each file is read once untimed first, so the page cache is
warm for both engines, and writes go to the page cache (no fsync).  The numpy
column holds the same bytes moved with no framing and no CRC (one ``f.write``;
``f.readinto`` of 1 MiB blocks): what the page cache does for plain bytes.  Target: at
least TF's throughput for both sizes, for writing, for the iterator and for
``read_up_to``.
"""
import filecmp
import os
import shutil
import sys
import tempfile

import _common

SIZES = {"1KB": (1 << 10, 20000), "100KB": (100 << 10, 1000)}  # name: (bytes, records)
REPEATS, UP_TO, SINGLE_READS = 5, 64, 5000
TF_RATIO = 1.0


def _records(size, count):
    """``count`` distinct payloads of ``size`` bytes: windows of one seeded random blob."""
    import numpy as np
    blob = np.random.RandomState(size).bytes(size + count)
    return [blob[i:i + size] for i in range(count)]


def _file(directory, engine, name):
    return os.path.join(directory, "%s_%s.tfrecord" % (engine, name))


def _write(tf, path, records):
    writer = tf.python_io.TFRecordWriter(path)
    for r in records:
        writer.write(r)
    writer.close()


def _iterate(tf, path):
    """(records, payload bytes) read back by tf_record_iterator."""
    n = nbytes = 0
    for r in tf.python_io.tf_record_iterator(path):
        n += 1
        nbytes += len(r)
    return n, nbytes


def _graph_read_seconds(tf, path, count, up_to):
    """Median seconds for a session to read ``count`` records (the file cycles forever)."""
    graph = tf.Graph()
    with graph.as_default():
        files = tf.train.string_input_producer([path], shuffle=False)
        reader = tf.TFRecordReader()
        if up_to:
            got = tf.size(reader.read_up_to(files, up_to).values)
        else:
            got = tf.size(reader.read(files).value)  # 1 per run
        sess = tf.Session(graph=graph)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)

    def loop():
        n = 0
        while n < count:
            n += int(sess.run(got))
    loop()  # warm: the reader op is created, the file is in the page cache
    seconds = _common.median_time(loop, REPEATS)
    coord.request_stop()
    sess.close()  # cancels the producer's pending enqueue
    coord.join(threads, stop_grace_period_secs=5)
    return seconds


def measure(engine, directory):
    """{size: {op: seconds}} for ``engine``; files in ``directory`` (see the docstring)."""
    tf = _common.load_engine(engine)
    out = {}
    for name, (size, count) in SIZES.items():
        records = _records(size, count)
        own, shared = _file(directory, engine, name), _file(directory, "minitf", name)
        times = {"write": _common.median_time(lambda: _write(tf, own, records), REPEATS)}
        _iterate(tf, shared)
        times["iterator"] = _common.median_time(lambda: _iterate(tf, shared), REPEATS)
        if _iterate(tf, shared) != (count, size * count):
            raise RuntimeError("%s read a wrong record count from %s" % (engine, shared))
        times["read_up_to"] = _graph_read_seconds(tf, shared, count, UP_TO)
        singles = min(count, SINGLE_READS)
        times["read"] = _graph_read_seconds(tf, shared, singles, 0) * count / singles
        out[name] = times
    return out


def _raw_seconds(directory, name):
    """(write, read) seconds for the payload bytes: one f.write, then f.readinto 1 MiB blocks.

    The read reuses one buffer: a single f.read of the whole file would mostly time the
    page faults of a fresh 100 MB bytes object, not the page cache.
    """
    size, count = SIZES[name]
    data = b"".join(_records(size, count))
    path = os.path.join(directory, "raw_%s.bin" % name)
    block = bytearray(1 << 20)

    def write():
        with open(path, "wb") as f:
            f.write(data)

    def read():
        with open(path, "rb", buffering=0) as f:
            while f.readinto(block):
                pass
    write()
    read()
    return _common.median_time(write, REPEATS), _common.median_time(read, REPEATS)


def _cross_check(directory):
    """A note on TF's files against minitf's: same bytes, and minitf reads them back."""
    import minitf as tf
    same, readable = [], []
    for name, (size, count) in SIZES.items():
        ours, theirs = _file(directory, "minitf", name), _file(directory, "tf", name)
        if not os.path.exists(theirs):
            return None
        same.append(filecmp.cmp(ours, theirs, shallow=False))
        readable.append(list(tf.python_io.tf_record_iterator(theirs)) == _records(size, count))
    return "TF's files vs minitf's: %s; minitf reads TF's files back intact: %s" % (
        "byte-identical" if all(same) else "BYTES DIFFER (%s)" % same,
        "yes" if all(readable) else "NO (%s)" % readable)


_OPS = [("write", "TFRecordWriter.write"), ("iterator", "tf_record_iterator"),
        ("read_up_to", "TFRecordReader.read_up_to(64), session"),
        ("read", "TFRecordReader.read, 1 per sess.run")]


def run(oracle=None):
    oracle = _common.oracle_available() if oracle is None else oracle
    directory = tempfile.mkdtemp(prefix="minitf_bench_tfrecord_")
    try:
        ours = measure("minitf", directory)
        theirs = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf",
                                  "--dir", directory) if oracle else None
        raw = {name: _raw_seconds(directory, name) for name in SIZES}
        check = _cross_check(directory) if theirs else None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    rows = []
    for name, (size, count) in SIZES.items():
        floors = {"write": raw[name][0], "iterator": raw[name][1]}
        for op, label in _OPS:
            mine, tf_s = ours[name][op], theirs and theirs[name][op]
            floor = floors.get(op)
            targeted = op != "read" and tf_s is not None
            for unit, scale in (("MB/s", size * count / 1e6), ("rec/s", count)):
                rows.append(_common.row(
                    "tfrecord", "%s %s x %d" % (label, name, count), unit, scale / mine,
                    floor and scale / floor, tf_s and scale / tf_s,
                    ">= %.1fx real TF" % TF_RATIO if targeted else None,
                    mine <= tf_s / TF_RATIO if targeted else None))
    rows.append(_common.note("tfrecord", "MB = 10^6 payload bytes; CRCs checked on every read; "
                             "page cache warm (one untimed read first), no fsync; median of "
                             "%d passes over the file" % REPEATS))
    rows.append(_common.note("tfrecord", "numpy column = the same payload bytes, no framing or "
                             "CRC: one f.write; f.readinto of 1 MiB blocks (what the page cache "
                             "does for plain bytes)"))
    rows.append(_common.note("tfrecord", "session reads fetch tf.size(values), not the "
                             "strings; read (1 per run) times %d records and scales to the "
                             "file" % SINGLE_READS))
    if check:
        rows.append(_common.note("tfrecord", check))
    return rows


if __name__ == "__main__":
    _common.main(lambda engine: measure(engine, sys.argv[sys.argv.index("--dir") + 1]), run)
