"""TensorFlow's V2 checkpoint bundle: a ``.index`` SSTable and ``.data-*`` shards.

A checkpoint with prefix ``P`` is two files (FORMATS.md, "Checkpoints")::

    P.data-00000-of-00001   every tensor's bytes, in sorted key order, no padding
    P.index                 a LevelDB table (no compression) mapping
                              ""        -> BundleHeaderProto {num_shards, endianness, version}
                              "<name>"  -> BundleEntryProto  {dtype, shape, shard_id, offset,
                                                              size, crc32c}

`write_bundle(prefix, tensors)` writes both files byte-identical to TensorFlow's
``BundleWriter``; `BundleReader(prefix)` reads them back and checks every checksum
(each table block and each tensor), raising ``DataLossError`` on any damage.

This module knows nothing about graphs or variables: tensors are numpy arrays, and
string tensors are object arrays of ``bytes``. The protobuf messages are tiny, so they
are encoded and decoded by hand here (no protobuf dependency, no pickle).
"""

import os
import struct
import tempfile

import numpy as np

from minitf.framework import errors
from minitf.io.crc32c import crc32c, mask_crc, masked_crc32c, unmask_crc
from minitf.io.wire import field_bytes, field_varint, fields, read_varint, signed64, varint

# -- TF's DataType enum <-> numpy -------------------------------------------------------
DT_STRING = 7
_ENUM_TO_NUMPY = {
    1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16, 6: np.int8,
    8: np.complex64, 9: np.int64, 10: np.bool_, 17: np.uint16, 18: np.complex128,
    19: np.float16, 22: np.uint32, 23: np.uint64,
}
_NUMPY_TO_ENUM = {np.dtype(t): e for e, t in _ENUM_TO_NUMPY.items()}
# TensorFlow's own spelling of each type in error messages (DataTypeString).
DTYPE_NAMES = {
    1: "float", 2: "double", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string",
    8: "complex64", 9: "int64", 10: "bool", 14: "bfloat16", 17: "uint16", 18: "complex128",
    19: "half", 22: "uint32", 23: "uint64",
}

HEADER_KEY = ""
_BLOCK_SIZE = 256 * 1024       # a data block is closed once its size estimate reaches this
_RESTART_INTERVAL = 16         # data blocks; the index block uses 1
_FOOTER_SIZE = 48              # two BlockHandles padded to 40 bytes + 8-byte magic
_TABLE_MAGIC = 0xDB4775248B80FB57
_TRAILER_SIZE = 5              # compression type byte + fixed32 masked crc
_U32 = struct.Struct("<I")


def dtype_enum(array):
    """TF's DataType enum for a numpy array (object arrays are strings)."""
    if array.dtype == object or array.dtype.kind in "SU":
        return DT_STRING
    try:
        return _NUMPY_TO_ENUM[array.dtype.newbyteorder("=")]
    except KeyError:
        raise errors.UnimplementedError(
            None, None, "Cannot save a tensor of numpy dtype %s in a checkpoint" % array.dtype
        ) from None


def shard_filename(prefix, shard_id=0, num_shards=1):
    """``prefix.data-00000-of-00001``."""
    return "%s.data-%05d-of-%05d" % (prefix, shard_id, num_shards)


def index_filename(prefix):
    return prefix + ".index"


def encode_header(num_shards=1, producer=1):
    """BundleHeaderProto{num_shards, endianness: LITTLE (0, left out), version{producer}}."""
    return field_varint(1, num_shards) + field_bytes(3, field_varint(1, producer))


def decode_header(buf):
    """Dict with num_shards, endianness, producer, min_consumer of a BundleHeaderProto."""
    out = {"num_shards": 0, "endianness": 0, "producer": 0, "min_consumer": 0}
    for field, wire, value in fields(buf):
        if field == 1 and wire == 0:
            out["num_shards"] = value
        elif field == 2 and wire == 0:
            out["endianness"] = value
        elif field == 3 and wire == 2:
            for f, w, v in fields(value):
                if w == 0 and f in (1, 2):
                    out["producer" if f == 1 else "min_consumer"] = v
    return out


def encode_shape(shape):
    """TensorShapeProto: one ``dim {size: n}`` (field 2) per dimension."""
    return b"".join(field_bytes(2, field_varint(1, int(n))) for n in shape)


def decode_shape(buf):
    dims = []
    for field, wire, value in fields(buf):
        if field == 2 and wire == 2:
            size = 0
            for f, w, v in fields(value):
                if f == 1 and w == 0:
                    size = signed64(v)
            dims.append(size)
        elif field == 3 and wire == 0 and value:
            return None  # unknown rank
    return tuple(dims)


class BundleEntry:
    """A decoded BundleEntryProto: where a tensor lives and how to check it."""

    __slots__ = ("dtype", "shape", "shard_id", "offset", "size", "crc32c", "slices")

    def __init__(self, dtype, shape, shard_id=0, offset=0, size=0, crc32c=0, slices=()):
        self.dtype = dtype          # TF DataType enum
        self.shape = tuple(shape)
        self.shard_id = shard_id
        self.offset = offset
        self.size = size
        self.crc32c = crc32c        # masked crc32c of the tensor's bytes in the shard
        self.slices = tuple(slices)  # raw TensorSliceProtos (partitioned variables)

    def encode(self):
        """Fields in number order, zeros left out, shape always written (as TF does)."""
        return (field_varint(1, self.dtype) + field_bytes(2, encode_shape(self.shape))
                + field_varint(3, self.shard_id) + field_varint(4, self.offset)
                + field_varint(5, self.size) + b"\x35" + _U32.pack(self.crc32c)
                + b"".join(field_bytes(7, s) for s in self.slices))

    @classmethod
    def decode(cls, buf):
        e = cls(0, ())
        slices = []
        for field, wire, value in fields(buf):
            if field == 1 and wire == 0:
                e.dtype = value
            elif field == 2 and wire == 2:
                e.shape = decode_shape(value)
            elif field == 3 and wire == 0:
                e.shard_id = value
            elif field == 4 and wire == 0:
                e.offset = value
            elif field == 5 and wire == 0:
                e.size = value
            elif field == 6 and wire == 5:
                e.crc32c = _U32.unpack(value)[0]
            elif field == 7 and wire == 2:
                slices.append(bytes(value))
        e.slices = tuple(slices)
        return e

    def __repr__(self):
        return ("BundleEntry(dtype=%d, shape=%s, shard_id=%d, offset=%d, size=%d, crc32c=0x%08x)"
                % (self.dtype, list(self.shape), self.shard_id, self.offset, self.size,
                   self.crc32c))


# -- tensor bytes -----------------------------------------------------------------------
def _as_bytes(x):
    if isinstance(x, (bytes, bytearray, memoryview)):
        return bytes(x)
    if isinstance(x, (str, np.str_)):
        return x.encode("utf-8")
    raise TypeError("A string tensor element must be bytes or str, not %s" % type(x).__name__)


def tensor_to_bytes(array):
    """(dtype enum, bytes as stored in a data shard, masked crc32c for its entry).

    Numbers are their raw little-endian bytes, and the crc is that of the bytes.
    A string tensor is ``[varint64 len]...`` for each element, a fixed32 masked
    crc32c of the lengths, then the element bytes back to back. Its lengths are
    checksummed as uint32 little-endian words (not as the varints on disk), both
    in that fixed32 and in the entry's crc, which covers
    ``uint32 lengths + fixed32 + element bytes``.
    """
    array = np.asarray(array)
    enum = dtype_enum(array)
    if enum != DT_STRING:
        raw = np.ascontiguousarray(array, array.dtype.newbyteorder("<")).tobytes()
        return enum, raw, masked_crc32c(raw)
    items = [_as_bytes(x) for x in array.reshape(-1)]
    lengths = b"".join(varint(len(x)) for x in items)
    words = _uint32_words(len(x) for x in items)
    length_crc = _U32.pack(masked_crc32c(words))
    body = b"".join(items)
    return enum, lengths + length_crc + body, masked_crc32c(words + length_crc + body)


def _uint32_words(lengths):
    """The lengths as little-endian uint32s, the form TF checksums them in."""
    return np.asarray([n & 0xFFFFFFFF for n in lengths], dtype="<u4").tobytes()


def tensor_from_bytes(raw, entry, where="tensor"):
    """The numpy array a data-shard slice holds (read-only), after checking its crc32c.

    Raises DataLossError when the bytes do not match the entry's checksum or shape.
    """
    n = int(np.prod(entry.shape, dtype=np.int64))
    if entry.dtype == DT_STRING:
        return _strings_from_bytes(raw, n, entry, where)
    _check_crc(crc32c(raw), entry, where)
    try:
        dtype = np.dtype(_ENUM_TO_NUMPY[entry.dtype]).newbyteorder("<")
    except KeyError:
        raise errors.UnimplementedError(
            None, None, "%s has dtype %s, which minitf cannot read"
            % (where, DTYPE_NAMES.get(entry.dtype, entry.dtype))) from None
    if len(raw) != n * dtype.itemsize:
        raise errors.DataLossError(
            None, None, "%s: %d bytes in the checkpoint, but shape %s of %s needs %d"
            % (where, len(raw), list(entry.shape), DTYPE_NAMES[entry.dtype], n * dtype.itemsize))
    arr = np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=False)
    arr = arr.reshape(entry.shape)
    arr.flags.writeable = False
    return arr


def _check_crc(actual, entry, where):
    if mask_crc(actual) != entry.crc32c:
        raise errors.DataLossError(
            None, None, "Checksum does not match: stored %08x vs. calculated on the restored "
            "bytes %08x (%s)" % (unmask_crc(entry.crc32c), actual, where))


def _strings_from_bytes(raw, n, entry, where):
    pos, lengths = 0, []
    try:
        for _ in range(n):
            length, pos = read_varint(raw, pos)
            lengths.append(length)
    except ValueError:
        raise errors.DataLossError(None, None, "%s: bad string lengths" % where) from None
    words = _uint32_words(lengths)
    if pos + 4 > len(raw) or _U32.unpack_from(raw, pos)[0] != masked_crc32c(words):
        raise errors.DataLossError(None, None, "%s: string length checksum mismatch" % where)
    _check_crc(crc32c(words + raw[pos:]), entry, where)
    pos += 4
    if pos + sum(lengths) != len(raw):
        raise errors.DataLossError(None, None, "%s: string bytes do not match their lengths"
                                   % where)
    out = np.empty(n, dtype=object)
    for i, length in enumerate(lengths):
        out[i] = bytes(raw[pos:pos + length])
        pos += length
    out = out.reshape(entry.shape)
    out.flags.writeable = False
    return out


# -- the SSTable (LevelDB table format, no compression) ---------------------------------
class _BlockBuilder:
    """Prefix-compressed sorted entries with a restart point every ``interval`` entries."""

    def __init__(self, interval):
        self.interval = interval
        self.buf = bytearray()
        self.restarts = [0]
        self.counter = 0
        self.last_key = b""

    def add(self, key, value):
        shared = 0
        if self.counter < self.interval:
            limit = min(len(key), len(self.last_key))
            while shared < limit and key[shared] == self.last_key[shared]:
                shared += 1
        else:  # start a restart point: the full key is stored
            self.restarts.append(len(self.buf))
            self.counter = 0
        self.buf += varint(shared) + varint(len(key) - shared) + varint(len(value))
        self.buf += key[shared:] + value
        self.last_key = key
        self.counter += 1

    def size_estimate(self):
        return len(self.buf) + 4 * len(self.restarts) + 4

    def empty(self):
        return not self.buf

    def finish(self):
        return bytes(self.buf) + b"".join(_U32.pack(r) for r in self.restarts) + \
            _U32.pack(len(self.restarts))


def _shortest_separator(start, limit):
    """A short key k with start <= k < limit (LevelDB's bytewise comparator)."""
    n = min(len(start), len(limit))
    i = 0
    while i < n and start[i] == limit[i]:
        i += 1
    if i < n and start[i] < 0xFF and start[i] + 1 < limit[i]:
        return start[:i] + bytes([start[i] + 1])
    return start


def _short_successor(key):
    """A short key k >= key: the first byte that is not 0xff, incremented."""
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


def _block_handle(offset, size):
    return varint(offset) + varint(size)


def build_table(items):
    """The bytes of an SSTable holding ``items``, (key bytes, value bytes) in sorted order."""
    out = bytearray()
    data = _BlockBuilder(_RESTART_INTERVAL)
    index = _BlockBuilder(1)
    pending = None  # handle of the last flushed data block, waiting for its index key
    last_key = None

    def write_block(contents):
        offset = len(out)
        out.extend(contents)
        out.extend(b"\x00" + _U32.pack(mask_crc(crc32c(contents + b"\x00"))))
        return offset, len(contents)

    for key, value in items:
        if last_key is not None and key <= last_key:
            raise ValueError("table keys must be added in strictly increasing order: %r after %r"
                             % (key, last_key))
        if pending is not None:
            index.add(_shortest_separator(last_key, key), _block_handle(*pending))
            pending = None
        data.add(key, value)
        last_key = key
        if data.size_estimate() >= _BLOCK_SIZE:
            pending = write_block(data.finish())
            data = _BlockBuilder(_RESTART_INTERVAL)
    if not data.empty():
        pending = write_block(data.finish())
    metaindex = write_block(_BlockBuilder(_RESTART_INTERVAL).finish())
    if pending is not None:
        index.add(_short_successor(last_key), _block_handle(*pending))
    index_handle = write_block(index.finish())
    footer = _block_handle(*metaindex) + _block_handle(*index_handle)
    out.extend(footer.ljust(40, b"\x00") + struct.pack("<Q", _TABLE_MAGIC))
    return bytes(out)


def _parse_block(contents, where):
    """[(key, value)] of one block; ValueError when its structure is inconsistent."""
    if len(contents) < 4:
        raise ValueError("%s is too short" % where)
    n_restarts = _U32.unpack_from(contents, len(contents) - 4)[0]
    end = len(contents) - 4 - 4 * n_restarts
    if n_restarts < 1 or end < 0:
        raise ValueError("%s has a bad restart array" % where)
    restarts = [_U32.unpack_from(contents, end + 4 * i)[0] for i in range(n_restarts)]
    entries, pos, key, offsets = [], 0, b"", []
    while pos < end:
        offsets.append(pos)
        shared, pos = read_varint(contents, pos, end)
        non_shared, pos = read_varint(contents, pos, end)
        value_len, pos = read_varint(contents, pos, end)
        if shared > len(key) or pos + non_shared + value_len > end:
            raise ValueError("%s has a corrupt entry" % where)
        key = key[:shared] + bytes(contents[pos:pos + non_shared])
        pos += non_shared
        entries.append((key, bytes(contents[pos:pos + value_len])))
        pos += value_len
    offsets = set(offsets)
    if entries and (restarts[0] != 0 or any(r not in offsets for r in restarts)):
        raise ValueError("%s has restart points that are not entries" % where)
    return entries


def parse_table(buf, name="table"):
    """[(key, value)] of a whole SSTable, checking every block's crc and its layout.

    Raises DataLossError naming ``name`` on any damage: a bad magic number, a bad
    checksum, keys out of order, or blocks that do not tile the file exactly (so a
    flipped or truncated byte anywhere is detected).
    """
    def fail(msg):
        raise errors.DataLossError(None, None, "%s: %s" % (name, msg))

    if len(buf) < _FOOTER_SIZE:
        fail("file is too short (%d bytes) to be an sstable" % len(buf))
    footer = buf[len(buf) - _FOOTER_SIZE:]
    if struct.unpack_from("<Q", footer, 40)[0] != _TABLE_MAGIC:
        fail("not an sstable (bad magic number)")
    try:
        meta_off, pos = read_varint(footer, 0, 40)
        meta_size, pos = read_varint(footer, pos, 40)
        index_off, pos = read_varint(footer, pos, 40)
        index_size, pos = read_varint(footer, pos, 40)
    except ValueError:
        fail("corrupt footer")
    if any(footer[pos:40]) or footer[:pos] != _block_handle(meta_off, meta_size) + \
            _block_handle(index_off, index_size):
        fail("corrupt footer")

    def read_block(offset, size, what):
        if offset + size + _TRAILER_SIZE > len(buf) - _FOOTER_SIZE:
            fail("%s at offset %d extends past the end of the file (truncated?)" % (what, offset))
        contents = buf[offset:offset + size]
        if buf[offset + size] != 0:
            fail("%s at offset %d has unknown compression type %d"
                 % (what, offset, buf[offset + size]))
        stored = unmask_crc(_U32.unpack_from(buf, offset + size + 1)[0])
        if crc32c(buf[offset:offset + size + 1]) != stored:
            fail("block checksum mismatch in %s at offset %d" % (what, offset))
        try:
            return _parse_block(contents, "%s at offset %d" % (what, offset))
        except ValueError as e:
            fail(str(e))

    index = read_block(index_off, index_size, "index block")
    if read_block(meta_off, meta_size, "metaindex block"):
        fail("unexpected metaindex entries")
    items, expected_offset = [], 0
    for sep, handle in index:
        try:
            off, p = read_varint(handle, 0)
            size, p = read_varint(handle, p)
        except ValueError:
            fail("corrupt block handle")
        if p != len(handle) or off != expected_offset:
            fail("data blocks do not tile the file (block at %d, expected %d)"
                 % (off, expected_offset))
        block = read_block(off, size, "data block")
        if not block or block[-1][0] > sep or (items and block[0][0] <= items[-1][0]):
            fail("keys out of order in data block at offset %d" % off)
        items.extend(block)
        expected_offset = off + size + _TRAILER_SIZE
    if expected_offset != meta_off or meta_off + meta_size + _TRAILER_SIZE != index_off \
            or index_off + index_size + _TRAILER_SIZE != len(buf) - _FOOTER_SIZE:
        fail("blocks do not tile the file")
    for (a, _), (b, _) in zip(items, items[1:]):
        if a >= b:
            fail("keys out of order: %r then %r" % (a, b))
    return items


# -- atomic files -------------------------------------------------------------------------
def write_temp(path, data):
    """Write ``data`` to a fresh temp file next to ``path``, fsync it; return its name."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".tempstate", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        _remove_quietly(tmp)
        raise
    return tmp


def atomic_write(path, data):
    """Replace ``path`` by ``data`` so readers see the old or the new file, never a part."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(os.path.dirname(path) or ".")


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- writer and reader --------------------------------------------------------------------
def encode_bundle(tensors):
    """(index bytes, data bytes) of a one-shard bundle holding ``tensors`` (name -> array)."""
    names = sorted(tensors, key=lambda k: k.encode("utf-8"))
    if HEADER_KEY in names:
        raise ValueError("A tensor cannot be named '' (the bundle header key)")
    chunks, entries, offset = [], [], 0
    for name in names:
        enum, raw, crc = tensor_to_bytes(tensors[name])
        entry = BundleEntry(enum, np.shape(tensors[name]), 0, offset, len(raw), crc)
        entries.append((name.encode("utf-8"), entry.encode()))
        chunks.append(raw)
        offset += len(raw)
    index = build_table([(HEADER_KEY.encode(), encode_header(1))] + entries)
    return index, b"".join(chunks)


def write_bundle(prefix, tensors):
    """Write ``prefix.index`` and ``prefix.data-00000-of-00001`` atomically.

    Both files are written to temp names in the same directory and fsynced; the
    data shard is then moved into place, and the index last. If anything fails,
    the temp files are removed and no new file is left under a final name.

    Args:
      prefix: the checkpoint prefix, e.g. ``"ckpt/model-5"``.
      tensors: dict name -> numpy array (object arrays of bytes for strings).
    """
    index, data = encode_bundle(tensors)
    data_path, index_path = shard_filename(prefix), index_filename(prefix)
    temps, placed = [], []
    try:
        temps.append(write_temp(data_path, data))
        temps.append(write_temp(index_path, index))
        for tmp, final in zip(temps, (data_path, index_path)):
            os.replace(tmp, final)
            placed.append(final)
        _fsync_dir(os.path.dirname(prefix) or ".")
    except BaseException:
        for path in temps + placed:
            _remove_quietly(path)
        raise


def _not_found(prefix):
    return errors.NotFoundError(
        None, None, "Unsuccessful TensorSliceReader constructor: Failed to find any matching "
        "files for %s (no file %s)" % (prefix, index_filename(prefix)))


class BundleReader:
    """Reads a V2 checkpoint bundle, verifying every checksum.

    Opening reads and checks the whole ``.index`` (each block's crc, the layout,
    the header). `read` checks a tensor's crc32c before returning it.

    Args:
      prefix: checkpoint prefix (``dir/model-5``).

    Raises:
      NotFoundError: no ``prefix.index``.
      DataLossError: the index is damaged or truncated.

    Example:
      >>> r = BundleReader("ckpt/model-5")
      >>> r.keys()
      ['layer/W', 'layer/b']
      >>> r.read("layer/b")
      array([0., 0.], dtype=float32)
    """

    def __init__(self, prefix):
        self.prefix = os.fspath(prefix)
        path = index_filename(self.prefix)
        try:
            with open(path, "rb") as f:
                buf = f.read()
        except FileNotFoundError:
            raise _not_found(self.prefix) from None
        except IsADirectoryError:
            raise _not_found(self.prefix) from None
        items = parse_table(buf, path)
        if not items or items[0][0] != HEADER_KEY.encode():
            raise errors.DataLossError(None, None, "%s: no bundle header entry" % path)
        try:
            self.header = decode_header(items[0][1])
            self._entries = {}
            for key, value in items[1:]:
                self._entries[key.decode("utf-8", "surrogateescape")] = BundleEntry.decode(value)
        except ValueError as e:
            raise errors.DataLossError(None, None, "%s: corrupt entry (%s)" % (path, e)) from None
        if self.header["endianness"] != 0:
            raise errors.UnimplementedError(None, None, "%s: big-endian checkpoints are not "
                                            "supported" % path)
        if self.header["num_shards"] < 1:
            raise errors.DataLossError(None, None, "%s: bad num_shards in the header" % path)
        for name, e in self._entries.items():
            if e.shape is None or any(d < 0 for d in e.shape) or \
                    e.shard_id >= self.header["num_shards"]:
                raise errors.DataLossError(None, None, "%s: corrupt entry for %s" % (path, name))

    def keys(self):
        """The tensor names (sorted), without slice entries of partitioned variables."""
        return [k for k in self._entries if not k.startswith("\x00")]

    def __contains__(self, name):
        return name in self._entries

    def entry(self, name):
        """The BundleEntry of ``name``; NotFoundError if absent."""
        try:
            return self._entries[name]
        except KeyError:
            raise errors.NotFoundError(None, None, "Key %s not found in checkpoint" % name) \
                from None

    def dtype(self, name):
        return self.entry(name).dtype

    def shape(self, name):
        return self.entry(name).shape

    def read(self, name):
        """The tensor ``name`` as a read-only numpy array, after checking its crc32c."""
        e = self.entry(name)
        if e.slices:
            raise errors.UnimplementedError(
                None, None, "%s is a partitioned (sliced) tensor; minitf cannot restore it" % name)
        path = shard_filename(self.prefix, e.shard_id, self.header["num_shards"])
        try:
            with open(path, "rb") as f:
                f.seek(e.offset)
                raw = f.read(e.size)
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, "Checkpoint data file %s not found" % path) \
                from None
        where = "tensor %s in %s" % (name, path)
        if len(raw) != e.size:
            raise errors.DataLossError(
                None, None, "%s: wanted %d bytes at offset %d, the file ends after %d "
                "(truncated?)" % (where, e.size, e.offset, len(raw)))
        return tensor_from_bytes(raw, e, where)
