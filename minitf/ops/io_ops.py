"""Files in the graph: readers, ``read_file``/``write_file``, ``matching_files``, ``count_up_to``.

A reader turns *work units* (file names) into records.  It takes the next file
name from a queue once it has finished the current file, so a ``read`` blocks
while that queue is empty and raises the queue's ``OutOfRangeError`` once it is
closed and drained: the end of the input.  Each reader kind gives its records
TF's keys:

    TextLineReader            b"file:line"    line numbers from 1, header lines counted
    FixedLengthRecordReader   b"file:index"   record index from 0
    TFRecordReader            b"file:offset"  the record's byte offset (uncompressed)
    WholeFileReader           b"file"         the whole file is one record
    IdentityReader            the work unit   key and value are the work unit itself

As TF's ``ReaderBase`` does, a reader counts the work units it started and
finished and the records it produced; a file that does not exist is a
``NotFoundError`` and is skipped, while an error inside a file (a corrupt
TFRecord, an unreadable file) keeps the reader at that place, so every later
read raises it again until ``reset()``.  A reader lives in the session like a
queue: its op creates it there on first use, and the op's output (a string
scalar naming it) is input 0 of every other reader op.

``count_up_to`` is here because the input producers count their epochs with it.
Order of the blocks: the Python classes, then each op (registration, kernel,
shape function).  None of them has a gradient.
"""
import collections
import glob
import gzip
import os
import tempfile
import threading
import zlib

import numpy as np

from minitf.framework import dtypes as _dtypes
from minitf.framework import errors
from minitf.framework.graph import Tensor, convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.io import wire
from minitf.io.tfrecord import TFRecordOptions, tf_record_iterator
from minitf.ops import queue_ops, session_resources
from minitf.ops.op_util import invalid, make_op, op_scope, scalar_shape, variable_ref

__all__ = ["ReaderBase", "TextLineReader", "FixedLengthRecordReader", "WholeFileReader",
           "TFRecordReader", "IdentityReader", "read_file", "write_file", "matching_files",
           "count_up_to"]

ReaderReadV2 = collections.namedtuple("ReaderReadV2", ["key", "value"])
ReaderReadUpToV2 = collections.namedtuple("ReaderReadUpToV2", ["keys", "values"])


# -- the Python classes ----------------------------------------------------------------------
class ReaderBase:
    """Base class of the readers: the ops that read records and report a reader's progress.

    Every method builds an op; nothing happens until a session runs it.

    Example:
        >>> files = tf.train.string_input_producer(["a.csv", "b.csv"], num_epochs=1)
        >>> key, line = tf.TextLineReader(skip_header_lines=1).read(files)
        >>> sess.run(key)            # b"a.csv:2", then b"a.csv:3", ...
    """

    def __init__(self, reader_ref, supports_serialize=False):
        self._reader_ref = reader_ref
        self._supports_serialize = supports_serialize

    reader_ref = property(lambda self: self._reader_ref, doc="The reader's handle tensor.")
    supports_serialize = property(lambda self: self._supports_serialize,
                                  doc="Do serialize_state/restore_state work for this kind?")

    def read(self, queue, name=None):
        """The next record as a ``(key, value)`` pair of string scalars.

        Running it takes a new file name from ``queue`` (a queue or its handle)
        when the current file is finished, and blocks while the queue is empty.

        Raises (when run):
            OutOfRangeError: the queue is closed and no file is left.
        """
        op = make_op("ReaderReadV2", [self._reader_ref, _queue_ref(queue)],
                     [_dtypes.string, _dtypes.string], name)
        return ReaderReadV2(*op._outputs)

    def read_up_to(self, queue, num_records, name=None):
        """Up to ``num_records`` records as ``(keys, values)``, two string vectors.

        A run returns fewer records only when a file ends before the count is
        reached; the next run continues with the next file.
        """
        with op_scope(name, "ReaderReadUpToV2", [self._reader_ref]) as scope:
            n = convert_to_tensor(num_records, dtype=_dtypes.int64, name="num_records")
            op = make_op("ReaderReadUpToV2", [self._reader_ref, _queue_ref(queue), n],
                         [_dtypes.string, _dtypes.string], scope)
        return ReaderReadUpToV2(*op._outputs)

    def num_records_produced(self, name=None):
        """An int64 scalar: how many records this reader has produced."""
        return self._info("ReaderNumRecordsProducedV2", _dtypes.int64, name)

    def num_work_units_completed(self, name=None):
        """An int64 scalar: how many files this reader has finished."""
        return self._info("ReaderNumWorkUnitsCompletedV2", _dtypes.int64, name)

    def serialize_state(self, name=None):
        """A string scalar: the reader's state (only where ``supports_serialize``)."""
        return self._info("ReaderSerializeStateV2", _dtypes.string, name)

    def restore_state(self, state, name=None):
        """An op that puts the reader back into a state ``serialize_state`` produced."""
        with op_scope(name, "ReaderRestoreStateV2", [self._reader_ref]) as scope:
            state = convert_to_tensor(state, dtype=_dtypes.string, name="state")
            return make_op("ReaderRestoreStateV2", [self._reader_ref, state], [], scope)

    def reset(self, name=None):
        """An op that forgets the current file and zeroes the counters."""
        return make_op("ReaderResetV2", [self._reader_ref], [], name)

    def _info(self, op_type, dtype, name):
        return make_op(op_type, [self._reader_ref], [dtype], name)._outputs[0]


def _queue_ref(queue):
    return queue if isinstance(queue, Tensor) else queue.queue_ref


def _reader_op(op_type, name, **attrs):
    attrs.update(container="", shared_name="")
    return make_op(op_type, [], [_dtypes.string], name, attrs)._outputs[0]


class TextLineReader(ReaderBase):
    """A reader whose records are the lines of each file (without ``\\n`` or ``\\r\\n``).

    Args:
        skip_header_lines: lines to skip at the start of every file (e.g. a CSV header).
        name: the reader op's name.

    Example:
        >>> reader = tf.TextLineReader(skip_header_lines=1)
        >>> key, line = reader.read(filename_queue)     # key b"data.csv:2" for line 2
    """

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__(_reader_op("TextLineReaderV2", name,
                                    skip_header_lines=int(skip_header_lines or 0)))


class FixedLengthRecordReader(ReaderBase):
    """A reader of files made of records of ``record_bytes`` bytes each (e.g. CIFAR-10).

    Every file may start with ``header_bytes`` and end with ``footer_bytes``
    that are skipped.  With ``hop_bytes`` the records overlap: record ``i``
    starts ``i * hop_bytes`` bytes after the header.  As in TF, bytes left at
    the end of the body that do not make a whole record are dropped.

    Args:
        record_bytes: the size of a record.
        header_bytes, footer_bytes, hop_bytes: as above (default 0).
        encoding: None, "GZIP" or "ZLIB" for compressed files.

    Example:
        >>> reader = tf.FixedLengthRecordReader(record_bytes=1 + 32 * 32 * 3)
        >>> key, record = reader.read(filename_queue)   # key b"data_batch_1.bin:0"
    """

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None,
                 name=None, encoding=None):
        super().__init__(_reader_op(
            "FixedLengthRecordReaderV2", name, record_bytes=int(record_bytes),
            header_bytes=int(header_bytes or 0), footer_bytes=int(footer_bytes or 0),
            hop_bytes=int(hop_bytes or 0), encoding=encoding or ""))


class WholeFileReader(ReaderBase):
    """A reader whose one record per file is ``(file name, file contents)``.

    Example:
        >>> name, png = tf.WholeFileReader().read(filename_queue)
        >>> image = tf.image.decode_png(png)
    """

    def __init__(self, name=None):
        super().__init__(_reader_op("WholeFileReaderV2", name), supports_serialize=True)


class TFRecordReader(ReaderBase):
    """A reader of the records of TFRecord files, checking both checksums of each.

    Args:
        name: the reader op's name.
        options: a ``tf.python_io.TFRecordOptions`` for GZIP or ZLIB files.

    Example:
        >>> _, serialized = tf.TFRecordReader().read(filename_queue)
        >>> features = tf.parse_single_example(serialized, {...})
    """

    def __init__(self, name=None, options=None):
        compression = TFRecordOptions.get_compression_type_string(options) if options else ""
        super().__init__(_reader_op("TFRecordReaderV2", name, compression_type=compression))


class IdentityReader(ReaderBase):
    """A reader that returns each work unit as both key and value (for testing pipelines)."""

    def __init__(self, name=None):
        super().__init__(_reader_op("IdentityReaderV2", name), supports_serialize=True)


# -- files and their errors ----------------------------------------------------------------
def _file_error(path, exc):
    """TF's error for an OSError on ``path``: ``"<path>; No such file or directory"``."""
    message = "%s; %s" % (path, exc.strerror or exc)
    if isinstance(exc, FileNotFoundError):
        return errors.NotFoundError(None, None, message)
    if isinstance(exc, PermissionError):
        return errors.PermissionDeniedError(None, None, message)
    if isinstance(exc, (IsADirectoryError, NotADirectoryError)):
        return errors.FailedPreconditionError(None, None, message)
    return errors.UnknownError(None, None, message)


def _read_whole(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise _file_error(path, e) from None


def _path(work):
    return os.fsdecode(work)


# -- the records of each reader kind --------------------------------------------------------
# records(work, attrs) yields (key, value, last); ``last`` marks a record that also ends its
# work unit (as TF's WholeFileReader and IdentityReader finish the unit with its one record).
def _must_exist(work):
    """The check TF's readers make when they start a file: does it exist?"""
    try:
        os.stat(_path(work))
    except OSError as e:
        raise _file_error(_path(work), e) from None


def _text_lines(work, attrs):
    path = _path(work)
    try:
        f = open(path, "rb")
    except OSError as e:
        raise _file_error(path, e) from None
    with f:
        try:
            for number, line in enumerate(f, 1):
                if number <= attrs["skip_header_lines"]:
                    continue
                if line.endswith(b"\n"):
                    line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
                yield b"%s:%d" % (work, number), line, False
        except OSError as e:
            raise _file_error(path, e) from None


def _fixed_length_records(work, a):
    data = _read_whole(_path(work))
    try:
        if a["encoding"] == "GZIP":
            data = gzip.decompress(data)
        elif a["encoding"] == "ZLIB":
            data = zlib.decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise errors.DataLossError(None, None, "%s: unreadable %s data: %s"
                                   % (_path(work), a["encoding"], e)) from None
    size, body_end = a["record_bytes"], len(data) - a["footer_bytes"]
    hop = a["hop_bytes"] or size
    start, index = a["header_bytes"], 0
    while start + size <= body_end:
        yield b"%s:%d" % (work, index), data[start:start + size], False
        start += hop
        index += 1


def _tfrecords(work, attrs):
    offset = 0
    for record in tf_record_iterator(_path(work), attrs["compression_type"]):
        yield b"%s:%d" % (work, offset), record, False
        offset += 16 + len(record)  # 8 length + 4 crc, the data, 4 crc


def _whole_file(work, attrs):
    yield work, _read_whole(_path(work)), True


def _identity(work, attrs):
    yield work, work, True


# op type -> (TF class name, check on starting a work unit, records, serializable)
_KINDS = {
    "TextLineReaderV2": ("TextLineReader", _must_exist, _text_lines, False),
    "FixedLengthRecordReaderV2": ("FixedLengthRecordReader", _must_exist,
                                  _fixed_length_records, False),
    "TFRecordReaderV2": ("TFRecordReader", _must_exist, _tfrecords, False),
    "WholeFileReaderV2": ("WholeFileReader", None, _whole_file, True),
    "IdentityReaderV2": ("IdentityReader", None, _identity, True),
}
_CANCELLED = "Reader operation was cancelled"


class _Reader:
    """One reader in one session: TF's ReaderBase counters and the file being read.

    One read runs at a time (TF holds the reader's mutex while it waits on the
    queue); the others wait their turn, still bounded by their run's deadline
    and the session's cancellation.
    """

    def __init__(self, op):
        self.kind, self.check, self.records, self.serializable = _KINDS[op.type]
        self.op, self.attrs = op, op._attrs
        self.cond = threading.Condition()
        self.busy = False
        self.reset()

    def reset(self):
        self.work = b""       # the current (or last) work unit
        self.pending = None   # the current unit's records still to come, once opened
        self.error = None     # an error inside the current unit, raised again on each read
        self.started = self.finished = self.produced = 0

    def turn(self, ctx):
        """Wait until no other read runs, and take the turn."""
        with self.cond:
            ctx.wait(self.cond, lambda: not self.busy, _CANCELLED)
            self.busy = True

    def end_turn(self):
        with self.cond:
            self.busy = False
            self.cond.notify_all()

    def read(self, ctx, queue, n):
        """Up to ``n`` records as (keys, values): fewer only where a work unit ends."""
        keys, values = [], []
        while len(keys) < n:
            if self.finished == self.started:  # no unit in progress: take the next one
                self._start(ctx, queue)
            if self.error is not None:
                raise type(self.error)(None, None, self.error.message)
            if self.pending is None:
                self.pending = self.records(self.work, self.attrs)
            try:
                record = next(self.pending, None)
            except errors.OpError as e:
                self.error = e
                raise
            if record is not None:
                keys.append(record[0])
                values.append(record[1])
                self.produced += 1
            if record is None or record[2]:
                self.pending = None
                self.finished = self.started
                if keys:
                    break
        return keys, values

    def _start(self, ctx, queue):
        (element,) = queue.dequeue_many(1, False, ctx.wait)
        if len(element) != 1:
            raise invalid(ctx, "Expected single component queue")
        if element[0].dtype != object:
            raise invalid(ctx, "Expected queue with single string component")
        if element[0].size != 1:
            raise invalid(ctx, "Expected to dequeue a one-element string tensor")
        work = element[0].reshape(()).item()
        self.work = work if isinstance(work, bytes) else str(work).encode()
        self.pending, self.error = None, None
        if self.check is not None:
            self.check(self.work)  # a missing file is reported and skipped
        self.started += 1

    # TF's ReaderBaseState proto: work_started = 1, work_finished = 2,
    # num_records_produced = 3 (int64s), current_work = 4 (bytes).
    def serialize(self, ctx):
        if not self.serializable:
            raise errors.UnimplementedError(None, ctx.op, "Reader SerializeState")
        return b"".join((wire.field_varint(1, self.started),
                         wire.field_varint(2, self.finished),
                         wire.field_varint(3, self.produced),
                         wire.field_bytes(4, self.work) if self.work else b""))

    def restore(self, ctx, state):
        if not self.serializable:
            raise errors.UnimplementedError(None, ctx.op, "Reader RestoreState")
        values = {1: 0, 2: 0, 3: 0, 4: b""}
        try:
            for field, kind, value in wire.fields(state):
                if field in values and kind == (2 if field == 4 else 0):
                    values[field] = bytes(value) if field == 4 else wire.signed64(value)
        except ValueError:
            raise invalid(ctx, "Could not parse state for %s '%s': %s" % (
                self.kind, self.op.name, state.decode("utf-8", "backslashreplace"))) from None
        started, finished, produced = values[1], values[2], values[3]
        if min(started, finished, produced) < 0 or finished > started:
            raise invalid(ctx, "Unexpected counts when restoring in %s '%s': work_started %d, "
                          "work_finished %d, num_records_produced %d"
                          % (self.kind, self.op.name, started, finished, produced))
        self.reset()
        self.started, self.finished, self.produced, self.work = (
            started, finished, produced, values[4])


# -- the reader ops: create a reader in the session on first use ----------------------------
_READERS = "reader resources"  # ctx.state key: resource name -> _Reader


def _reader_kernel(ctx):
    session_resources.resource_of(ctx, _READERS, lambda name: _Reader(ctx.op),
                                  lambda reader: _check_shared(ctx, reader))
    return session_resources.handle(ctx.state[ctx.op])


def _check_shared(ctx, reader):
    if reader.op.type != ctx.op.type:
        raise invalid(ctx, "Shared reader '%s' is a %s, not a %s"
                      % (ctx.attrs["shared_name"], reader.kind, _KINDS[ctx.op.type][0]))


for _type in _KINDS:
    register(_type, _reader_kernel, scalar_shape, NO_GRADIENT, stateful=True)


def _lookup(ctx, handle):
    """The session's reader that ``handle`` names."""
    return session_resources.lookup(ctx, _READERS, handle, "ReaderInterface", "reader")


def _in_turn(ctx, handle, action):
    """``action(reader)`` while no other op uses the reader."""
    reader = _lookup(ctx, handle)
    reader.turn(ctx)
    try:
        return action(reader)
    finally:
        reader.end_turn()


# -- ReaderReadV2, ReaderReadUpToV2 -----------------------------------------------------------
def _read_kernel(ctx, handle, queue_handle):
    queue = queue_ops.queue_of(ctx, queue_handle)
    (key,), (value,) = _in_turn(ctx, handle, lambda r: r.read(ctx, queue, 1))
    return np.array(key, dtype=object), np.array(value, dtype=object)


def _read_up_to_kernel(ctx, handle, queue_handle, num_records):
    queue = queue_ops.queue_of(ctx, queue_handle)
    n = int(num_records)
    if n < 0:
        raise invalid(ctx, "num_records must be >= 0, got %d" % n)
    keys, values = _in_turn(ctx, handle, lambda r: r.read(ctx, queue, n))
    return _string_vector(keys), _string_vector(values)


def _string_vector(items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _read_shape(op):
    return [TensorShape([]), TensorShape([])]


def _read_up_to_shape(op):
    return [TensorShape([None]), TensorShape([None])]


register("ReaderReadV2", _read_kernel, _read_shape, NO_GRADIENT, stateful=True)
register("ReaderReadUpToV2", _read_up_to_kernel, _read_up_to_shape, NO_GRADIENT, stateful=True)


# -- the counters, state and reset ----------------------------------------------------------
def _no_outputs(op):
    return []


def _restore_kernel(ctx, handle, state):
    state = np.asarray(state, dtype=object).item()
    _in_turn(ctx, handle, lambda r: r.restore(ctx, state))
    return ()


def _reset_kernel(ctx, handle):
    _in_turn(ctx, handle, lambda r: r.reset())
    return ()


register("ReaderNumRecordsProducedV2",
         lambda ctx, h: np.int64(_in_turn(ctx, h, lambda r: r.produced)),
         scalar_shape, NO_GRADIENT, stateful=True)
register("ReaderNumWorkUnitsCompletedV2",
         lambda ctx, h: np.int64(_in_turn(ctx, h, lambda r: r.finished)),
         scalar_shape, NO_GRADIENT, stateful=True)
register("ReaderSerializeStateV2",
         lambda ctx, h: np.array(_in_turn(ctx, h, lambda r: r.serialize(ctx)), dtype=object),
         scalar_shape, NO_GRADIENT, stateful=True)
register("ReaderRestoreStateV2", _restore_kernel, _no_outputs, NO_GRADIENT, stateful=True)
register("ReaderResetV2", _reset_kernel, _no_outputs, NO_GRADIENT, stateful=True)


# -- ReadFile, WriteFile, MatchingFiles ----------------------------------------------------
def read_file(filename, name=None):
    """The contents of file ``filename`` (a string scalar) as a string scalar.

    Raises (when run):
        NotFoundError: the file does not exist.

    Example:
        >>> image = tf.image.decode_png(tf.read_file("cat.png"))
    """
    with op_scope(name, "ReadFile", [filename]) as scope:
        filename = convert_to_tensor(filename, dtype=_dtypes.string, name="filename")
        return make_op("ReadFile", [filename], [_dtypes.string], scope)._outputs[0]


def _read_file_kernel(ctx, filename):
    return np.array(_read_whole(_path(np.asarray(filename, dtype=object).item())), dtype=object)


def _scalar_inputs(op):
    """TF's shape check that every input is a scalar."""
    for t in op._inputs:
        if t.shape.ndims not in (None, 0):
            raise ValueError("Shape must be rank 0 but is rank %d" % t.shape.ndims)


def _read_file_shape(op):
    _scalar_inputs(op)
    return [TensorShape([])]


register("ReadFile", _read_file_kernel, _read_file_shape, NO_GRADIENT, stateful=True)


def write_file(filename, contents, name=None):
    """An op that writes string scalar ``contents`` to ``filename``, creating its directory.

    The file is replaced atomically: a reader sees the old contents or the new,
    never a part.

    Example:
        >>> sess.run(tf.write_file("out/copy.png", tf.read_file("cat.png")))
    """
    with op_scope(name, "WriteFile", [filename, contents]) as scope:
        filename = convert_to_tensor(filename, dtype=_dtypes.string, name="filename")
        contents = convert_to_tensor(contents, dtype=_dtypes.string, name="contents")
        return make_op("WriteFile", [filename, contents], [], scope)


def _write_file_kernel(ctx, filename, contents):
    path = _path(np.asarray(filename, dtype=object).item())
    data = np.asarray(contents, dtype=object).item()
    directory = os.path.dirname(path) or "."
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path),
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as e:
        raise _file_error(path, e) from None
    return ()


def _write_file_shape(op):
    _scalar_inputs(op)
    return []


register("WriteFile", _write_file_kernel, _write_file_shape, NO_GRADIENT, stateful=True)


def matching_files(pattern, name=None):
    """The sorted file names matching glob ``pattern`` (a string or a vector of them).

    ``*``, ``?`` and ``[...]`` match within one path component; no match gives
    an empty vector.

    Example:
        >>> files = tf.matching_files("data/*.csv")
    """
    with op_scope(name, "MatchingFiles", [pattern]) as scope:
        pattern = convert_to_tensor(pattern, dtype=_dtypes.string, name="pattern")
        return make_op("MatchingFiles", [pattern], [_dtypes.string], scope)._outputs[0]


def _matching_files_kernel(ctx, pattern):
    names = set()
    for p in np.asarray(pattern, dtype=object).ravel():
        names.update(glob.glob(_path(p)))
    return _string_vector([os.fsencode(n) for n in sorted(names)])


def _matching_files_shape(op):
    if op._inputs[0].shape.ndims not in (None, 0, 1):
        raise ValueError("Shape must be at most rank 1 but is rank %d"
                         % op._inputs[0].shape.ndims)
    return [TensorShape([None])]


register("MatchingFiles", _matching_files_kernel, _matching_files_shape, NO_GRADIENT,
         stateful=True)


# -- CountUpTo -------------------------------------------------------------------------------
def count_up_to(ref, limit, name=None):
    """Increment variable ``ref`` until it reaches ``limit``; returns the value before.

    Running it once the variable holds ``limit`` raises ``OutOfRangeError``:
    that is how ``tf.train.limit_epochs`` ends an input after its epochs.

    Example:
        >>> v = tf.Variable(0, name="epochs")
        >>> c = tf.count_up_to(v, 2)        # runs give 0, 1, then OutOfRangeError
    """
    var_t = variable_ref(ref)
    if var_t.dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError("Value passed to parameter 'ref' has DataType %s not in list of "
                        "allowed values: int32, int64" % var_t.dtype.name)
    return make_op("CountUpTo", [var_t], [var_t.dtype], name or "CountUpTo",
                   {"limit": int(limit), "T": var_t.dtype})._outputs[0]


_COUNT_LOCK = threading.Lock()  # threads running one counter see each value once


def _count_up_to_kernel(ctx):
    var = ctx.op._inputs[0].op
    with _COUNT_LOCK:
        old = ctx.state.get(var)
        if old is None:
            raise errors.FailedPreconditionError(
                None, ctx.op, "Attempting to use uninitialized value %s" % var.name)
        if old >= ctx.attrs["limit"]:
            raise errors.OutOfRangeError(None, ctx.op, "Reached limit of %d" % ctx.attrs["limit"])
        new = np.array(old + 1, dtype=old.dtype)
        new.flags.writeable = False
        ctx.state[var] = new
    return np.array(old)


def _count_up_to_shape(op):
    _scalar_inputs(op)
    return [TensorShape([])]


register("CountUpTo", _count_up_to_kernel, _count_up_to_shape, NO_GRADIENT, ref_inputs=(0,),
         stateful=True)
