"""TFRecord files: TensorFlow's framing for a sequence of binary records.

Each record on disk is (FORMATS.md, "CRC32C and TFRecord framing")::

    uint64 length            little-endian
    uint32 masked_crc32c(length bytes)
    byte   data[length]
    uint32 masked_crc32c(data)

`TFRecordWriter` writes such files and `tf_record_iterator` reads them back, checking
both checksums: a damaged or truncated file raises `DataLossError` naming the file and
the byte offset of the bad record, and a corrupt record is never returned. Files may be
compressed whole with GZIP or ZLIB (`TFRecordOptions`), as in TensorFlow.
"""

import gzip
import struct
import zlib

from minitf.framework import errors
from minitf.io.crc32c import MASK_DELTA, crc32c_bytes, masked_crc32c

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_HEADER = struct.Struct("<QI")  # length, masked crc of the length's 8 bytes
_HEADER_SIZE = _HEADER.size  # 12
_READ_CHUNK = 1 << 16
# Plain files are read and written in blocks this big: with Python's 8 KiB default a 1 KB
# record costs a system call per 8 records, which is half the time of writing it.
_FILE_BUFFER = 1 << 18


class TFRecordCompressionType:
    """The compression of a whole TFRecord file."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


_COMPRESSION_NAMES = {
    None: "",
    "": "",
    "NONE": "",
    "ZLIB": "ZLIB",
    "GZIP": "GZIP",
    TFRecordCompressionType.NONE: "",
    TFRecordCompressionType.ZLIB: "ZLIB",
    TFRecordCompressionType.GZIP: "GZIP",
}


class TFRecordOptions:
    """Options for reading and writing TFRecord files.

    Args:
      compression_type: `TFRecordCompressionType.{NONE,ZLIB,GZIP}` or one of the
        strings "", "ZLIB", "GZIP".
      compression_level: zlib level 0-9 (default 6 for ZLIB, 9 for GZIP as Python does).

    Example:
      >>> opts = TFRecordOptions(TFRecordCompressionType.GZIP)
      >>> with TFRecordWriter("/tmp/x.tfrecord.gz", opts) as w:
      ...     w.write(b"hello")
    """

    def __init__(self, compression_type=None, compression_level=None):
        if compression_type not in _COMPRESSION_NAMES:
            raise ValueError("Unknown compression type: %r" % (compression_type,))
        self.compression_type = compression_type
        self.compression_level = compression_level

    @classmethod
    def get_compression_type_string(cls, options):
        """Returns "", "ZLIB" or "GZIP" for a TFRecordOptions, a type, a string or None."""
        if isinstance(options, TFRecordOptions):
            options = options.compression_type
        if options not in _COMPRESSION_NAMES:
            raise ValueError("Unknown compression type: %r" % (options,))
        return _COMPRESSION_NAMES[options]


def _compression_level(options, default):
    """The zlib level asked for by `options`, or `default`."""
    if isinstance(options, TFRecordOptions) and options.compression_level is not None:
        return options.compression_level
    return default


def _open_error(path, exc):
    """Translates an OSError raised while opening `path` into TF's error class."""
    message = "%s; %s" % (path, exc.strerror or exc)  # TF: "<file>; No such file or directory"
    if isinstance(exc, FileNotFoundError):
        return errors.NotFoundError(None, None, message)
    if isinstance(exc, PermissionError):
        return errors.PermissionDeniedError(None, None, message)
    return errors.UnknownError(None, None, message)


def _open(path, mode):
    """Opens a raw binary file, raising TF errors for missing or forbidden paths."""
    try:
        return open(path, mode, buffering=_FILE_BUFFER)
    except OSError as exc:
        raise _open_error(path, exc) from exc


def encode_record(data):
    """Returns the framed bytes of one TFRecord holding `data`."""
    header = _LENGTH.pack(len(data))
    return b"".join((header, _CRC.pack(masked_crc32c(header)),
                     data, _CRC.pack(masked_crc32c(data))))


class _ZlibWriter:
    """A minimal file-like that deflates into a raw file with a zlib header (TF's ZLIB)."""

    def __init__(self, raw, level):
        self._raw = raw
        self._deflate = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS)

    def write(self, data):
        self._raw.write(self._deflate.compress(data))

    def flush(self):
        self._raw.write(self._deflate.flush(zlib.Z_SYNC_FLUSH))
        self._raw.flush()

    def close(self):
        self._raw.write(self._deflate.flush(zlib.Z_FINISH))
        self._raw.close()


class _ZlibReader:
    """A minimal file-like that inflates a zlib stream: just `read(n)` and `close()`."""

    def __init__(self, raw):
        self._raw = raw
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS)
        self._buffer = b""

    def read(self, size):
        while len(self._buffer) < size and not self._inflate.eof:
            chunk = self._raw.read(_READ_CHUNK)
            if not chunk:
                break
            self._buffer += self._inflate.decompress(chunk)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def close(self):
        self._raw.close()


class TFRecordWriter:
    """Writes records to a TFRecord file.

    Args:
      path: file to create (an existing file is overwritten).
      options: `TFRecordOptions`, a `TFRecordCompressionType`, a string ("", "ZLIB",
        "GZIP") or None for no compression.

    Raises:
      NotFoundError: the directory of `path` does not exist.

    Example:
      >>> with TFRecordWriter("/tmp/data.tfrecord") as writer:
      ...     writer.write(b"first record")
      ...     writer.write(b"second record")
      >>> list(tf_record_iterator("/tmp/data.tfrecord"))
      [b'first record', b'second record']
    """

    def __init__(self, path, options=None):
        self._path = str(path)
        compression = TFRecordOptions.get_compression_type_string(options)
        raw = _open(self._path, "wb")
        if compression == "GZIP":
            level = _compression_level(options, 9)
            self._file = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=level)
            self._raw = raw  # GzipFile does not close a fileobj it was handed
        elif compression == "ZLIB":
            self._file = _ZlibWriter(raw, _compression_level(options, 6))
            self._raw = None
        else:
            self._file = raw
            self._raw = None
        self._length, self._header = None, b""  # the last record's length and its header

    def write(self, record):
        """Appends one record (bytes; str is encoded as UTF-8)."""
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if type(record) is not bytes:
            record = record.encode("utf-8") if isinstance(record, str) else bytes(record)
        # Records of one length share a header, so its checksum is computed once per run of
        # equal lengths (files of fixed-size records have one); this is encode_record inlined.
        if len(record) != self._length:
            self._length = len(record)
            length = _LENGTH.pack(self._length)
            self._header = length + _CRC.pack(masked_crc32c(length))
        self._file.write(b"".join((self._header, record, _CRC.pack(masked_crc32c(record)))))

    def flush(self):
        """Pushes written records to the operating system."""
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        self._file.flush()

    def close(self):
        """Flushes and closes the file. Closing twice is harmless."""
        if self._file is None:
            return
        self._file.close()
        if self._raw is not None:
            self._raw.close()
        self._file = self._raw = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # never raise from a finalizer
            pass


def _read_exactly(f, size):
    """Reads up to `size` bytes, looping over short reads; fewer only at end of file."""
    data = f.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        more = f.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _refill(f, buf, pos, need, ahead):
    """``buf[pos:]`` followed by enough of ``f`` to hold ``need`` bytes (fewer at end of
    file), reading at least ``ahead`` bytes."""
    rest = buf[pos:]
    return rest + _read_exactly(f, max(need - len(rest), ahead))


def _data_loss(kind, offset, path, detail):
    return errors.DataLossError(
        None, None, "%s record at byte offset %d in file %r: %s" % (kind, offset, path, detail))


def tf_record_iterator(path, options=None):
    """Yields the records of a TFRecord file, in order, as bytes.

    Both checksums of every record are verified before the record is yielded.

    Args:
      path: the TFRecord file.
      options: compression, as for `TFRecordWriter`.

    Yields:
      One `bytes` object per record.

    Raises:
      NotFoundError: `path` does not exist.
      DataLossError: a checksum does not match or the file ends inside a record; the
        message names the file and the byte offset at which the bad record starts
        (offsets are in the uncompressed stream for compressed files).

    Example:
      >>> for record in tf_record_iterator("/tmp/data.tfrecord"):
      ...     print(len(record))
    """
    path = str(path)
    compression = TFRecordOptions.get_compression_type_string(options)
    raw = _open(path, "rb")
    if compression == "GZIP":
        f = gzip.GzipFile(fileobj=raw, mode="rb")
    elif compression == "ZLIB":
        f = _ZlibReader(raw)
    else:
        f = raw
    # A plain file is parsed from blocks read ahead, so a small record costs no read call of
    # its own; a compressed stream is read record by record as it is inflated, so that the
    # records before a damaged part are all returned before the damage is reported.
    ahead = 0 if compression else _FILE_BUFFER
    # Per record this loop is the whole cost for small records, so what it uses is bound to
    # locals and the data's checksum is masked inline (crc32c.mask_crc, spelled out).
    unpack_header, unpack_crc, crc_of = _HEADER.unpack_from, _CRC.unpack_from, crc32c_bytes
    head, tail, delta, u32 = _HEADER_SIZE, _CRC.size, MASK_DELTA, 0xFFFFFFFF
    buf, pos, size = b"", 0, 0  # the bytes at hand, where the next record starts, len(buf)
    base = 0  # where buf starts in the (uncompressed) stream: records are at base + pos
    try:
        checked = None  # (length, crc) of the last header whose checksum matched
        while True:
            if size - pos < head:
                # one assignment: if the refill raises, base + pos still names this record
                buf, pos, base = _refill(f, buf, pos, head, ahead), 0, base + pos
                size = len(buf)
                if not size:
                    return
                if size < head:
                    raise _data_loss("truncated", base, path,
                                     "%d of %d header bytes" % (size, head))
            header = unpack_header(buf, pos)
            if header != checked:  # the same 12 bytes as the last header pass the same check
                if masked_crc32c(buf[pos:pos + _LENGTH.size]) != header[1]:
                    raise _data_loss("corrupted", base + pos, path, "length crc mismatch")
                checked = header
            start = pos + head
            end = start + header[0]  # the data is buf[start:end], its crc follows
            if end + tail > size:
                buf, pos, base = _refill(f, buf, pos, end + tail - pos, ahead), 0, base + pos
                size = len(buf)
                start, end = head, head + header[0]
                if end + tail > size:
                    raise _data_loss("truncated", base, path, "%d of %d data+crc bytes"
                                     % (size - head, header[0] + tail))
            data = buf[start:end]
            crc = crc_of(data)
            if (((crc >> 15) | (crc << 17)) + delta) & u32 != unpack_crc(buf, end)[0]:
                raise _data_loss("corrupted", base + pos, path, "data crc mismatch")
            pos = end + tail
            yield data
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _data_loss("unreadable compressed", base + pos, path, str(exc)) from exc
    finally:
        f.close()
        raw.close()
