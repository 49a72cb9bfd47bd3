"""V2 checkpoint bundles: golden bytes from the spec, round trips, corruption, atomicity.

The byte-level cross-check against real TensorFlow is ``test_bytes_match_tensorflow``
(marked slow, skipped when the oracle interpreter is absent); the golden bytes below
hold the format without it.
"""

import os
import struct
import subprocess
import textwrap

import numpy as np
import pytest

from minitf.framework import errors
from minitf.io import bundle
from minitf.io.wire import read_varint
from tests.util import TF_ORACLE as ORACLE, masked_crc




def _fixed32(x):
    return struct.pack("<I", x)


# -- golden bytes -----------------------------------------------------------------------
# Two variables: a = float32 1.5 (scalar), b = int32 [1, 2, 3].
TINY = {"a": np.float32(1.5), "b": np.array([1, 2, 3], np.int32)}

# .data: a's 4 bytes, then b's 12, in sorted key order, no padding.
GOLDEN_DATA = bytes.fromhex("0000c03f" "01000000" "02000000" "03000000")

_A_ENTRY = bytes.fromhex(
    "0801"        # dtype: DT_FLOAT (1)
    "1200"        # shape: TensorShapeProto {} (a scalar; always written)
    # shard_id 0 and offset 0 are left out
    "2804"        # size: 4
    "35") + _fixed32(masked_crc(GOLDEN_DATA[:4]))   # crc32c (fixed32): masked crc of the bytes
_B_ENTRY = bytes.fromhex(
    "0803"        # dtype: DT_INT32 (3)
    "1204"        # shape: 4 bytes follow
    "12020803"    #   dim { size: 3 }  (field 2, holding field 1 = 3)
    "2004"        # offset: 4
    "280c"        # size: 12
    "35") + _fixed32(masked_crc(GOLDEN_DATA[4:]))
_DATA_BLOCK = (
    bytes.fromhex("000006" "08011a020801")
    # shared 0, non_shared 0, value_len 6, key "", BundleHeaderProto
    #   {num_shards: 1 (08 01), version {producer: 1} (1a 02 08 01)}; endianness LITTLE = 0
    + bytes.fromhex("00010b") + b"a" + _A_ENTRY     # shared 0, non_shared 1, value_len 11
    + bytes.fromhex("000111") + b"b" + _B_ENTRY     # shared 0, non_shared 1, value_len 17
    + _fixed32(0) + _fixed32(1))                    # restart array [0], 1 restart
_METAINDEX_BLOCK = _fixed32(0) + _fixed32(1)        # an empty block
_INDEX_BLOCK = (
    bytes.fromhex("000102") + b"c"                  # key: short successor of "b"
    + bytes.fromhex("0035")                         # BlockHandle(offset 0, size 53)
    + _fixed32(0) + _fixed32(1))


def _trailer(block):
    # compression type 0 (none), then the masked crc of block + type byte
    return b"\x00" + _fixed32(masked_crc(block + b"\x00"))


GOLDEN_INDEX = (
    _DATA_BLOCK + _trailer(_DATA_BLOCK)             # offset 0, 53 bytes + 5
    + _METAINDEX_BLOCK + _trailer(_METAINDEX_BLOCK)  # offset 58, 8 bytes + 5
    + _INDEX_BLOCK + _trailer(_INDEX_BLOCK)          # offset 71, 14 bytes + 5
    # footer: metaindex handle (58, 8), index handle (71, 14), zero padding to 40 bytes,
    # then the magic number 0xdb4775248b80fb57 little-endian
    + bytes.fromhex("3a08" "470e").ljust(40, b"\x00") + bytes.fromhex("57fb808b247547db"))


def test_golden_layout_sizes():
    assert len(_DATA_BLOCK) == 0x35 and len(_INDEX_BLOCK) == 0x0E
    assert len(GOLDEN_INDEX) == 138


def test_golden_bytes():
    index, data = bundle.encode_bundle(TINY)
    assert data == GOLDEN_DATA
    assert index == GOLDEN_INDEX


def test_write_and_read_golden(tmp_path):
    prefix = str(tmp_path / "model-3")
    bundle.write_bundle(prefix, TINY)
    assert (tmp_path / "model-3.index").read_bytes() == GOLDEN_INDEX
    assert (tmp_path / "model-3.data-00000-of-00001").read_bytes() == GOLDEN_DATA
    assert sorted(os.listdir(tmp_path)) == ["model-3.data-00000-of-00001", "model-3.index"]
    r = bundle.BundleReader(prefix)
    assert r.keys() == ["a", "b"]
    assert r.header == {"num_shards": 1, "endianness": 0, "producer": 1, "min_consumer": 0}
    assert r.read("a") == np.float32(1.5) and r.read("a").dtype == np.float32
    np.testing.assert_array_equal(r.read("b"), [1, 2, 3])
    assert not r.read("b").flags.writeable


def test_header_bytes():
    assert bundle.encode_header(1) == bytes.fromhex("08011a020801")


def test_string_tensor_layout():
    # varint64 lengths, fixed32 masked crc32c of the lengths as uint32 LE words, the bytes.
    value = np.array([b"ab", b"", b"x" * 200], dtype=object)
    enum, raw, crc = bundle.tensor_to_bytes(value)
    words = struct.pack("<3I", 2, 0, 200)
    length_crc = _fixed32(masked_crc(words))
    assert enum == 7
    assert raw == bytes.fromhex("02" "00" "c801") + length_crc + b"ab" + b"x" * 200
    # The entry's crc covers the lengths as uint32 words, the length crc and the bytes.
    assert crc == masked_crc(words + length_crc + b"ab" + b"x" * 200)


def test_entry_proto_round_trip():
    e = bundle.BundleEntry(9, (2, 0, 5), shard_id=0, offset=300, size=0, crc32c=0xDEADBEEF)
    raw = e.encode()
    assert raw == bytes.fromhex("0809" "120a" "12020802" "1200" "12020805" "20ac02" "35") + \
        _fixed32(0xDEADBEEF)
    d = bundle.BundleEntry.decode(raw)
    assert (d.dtype, d.shape, d.offset, d.size, d.crc32c) == (9, (2, 0, 5), 300, 0, 0xDEADBEEF)


# -- round trips --------------------------------------------------------------------------
def _all_dtypes():
    rng = np.random.default_rng(0)
    return {
        "f16": rng.standard_normal((2, 3)).astype(np.float16),
        "f32": rng.standard_normal((4, 5)).astype(np.float32),
        "f64": rng.standard_normal(7),
        "i8": np.array([-128, 0, 127], np.int8),
        "i16": np.array([-32768, 5, 32767], np.int16),
        "i32": np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
        "i64": np.array([-(2 ** 63), 2 ** 63 - 1], np.int64),
        "u8": np.arange(256, dtype=np.uint8),
        "bool": np.array([[True, False], [False, True]]),
        "str": np.array([[b"", b"\x00\xff"], ["h\u00e9llo".encode(), b"y" * 300]], dtype=object),
        "str0": np.array(b"scalar", dtype=object),
        "empty": np.zeros((0, 3), np.float32),
        "empty_str": np.zeros((2, 0), dtype=object),
        "scope/scalar": np.float64(3.25),
    }


def test_round_trip_all_dtypes(tmp_path):
    values = _all_dtypes()
    bundle.write_bundle(str(tmp_path / "ck"), values)
    r = bundle.BundleReader(str(tmp_path / "ck"))
    assert r.keys() == sorted(values)
    for name, want in values.items():
        got = r.read(name)
        assert got.dtype == np.asarray(want).dtype, name
        assert got.shape == np.shape(want), name
        np.testing.assert_array_equal(got, want)


def test_unicode_str_elements_are_utf8():
    _, raw, _ = bundle.tensor_to_bytes(np.array(["h\u00e9"]))
    assert raw.endswith("h\u00e9".encode())


@pytest.mark.parametrize("start, limit, want", [
    (b"abc1xyz", b"abc3", b"abc2"),       # room between the bytes: shorten
    (b"abc1xyz", b"abc2", b"abc1xyz"),    # adjacent bytes: keep
    (b"abc", b"abcd", b"abc"),            # prefix: keep
    (b"a\xffz", b"b", b"a\xffz"),         # 'a' + 1 == 'b': keep
    (b"a\x05", b"a\x07", b"a\x06"),
])
def test_shortest_separator(start, limit, want):
    got = bundle._shortest_separator(start, limit)
    assert got == want and start <= got < limit


@pytest.mark.parametrize("key, want", [(b"b", b"c"), (b"\xff\xffa", b"\xff\xffb"),
                                       (b"\xff", b"\xff"), (b"abc", b"b")])
def test_short_successor(key, want):
    assert bundle._short_successor(key) == want


def _many(n=4000):
    # the key differs early, so prefix compression cannot shrink it
    return {"v%04d/scope_%d/%s" % (i, i // 7, "long_variable_name" * 8):
            np.full(i % 3 + 1, i, np.float32) for i in range(n)}


def test_several_index_blocks_and_restart_points(tmp_path):
    values = _many()
    index, data = bundle.encode_bundle(values)
    assert len(index) > 2 * 256 * 1024
    footer = index[-48:]
    off, p = read_varint(footer, 0)
    _, p = read_varint(footer, p)
    index_off, p = read_varint(footer, p)
    index_size, p = read_varint(footer, p)
    handles = bundle._parse_block(index[index_off:index_off + index_size], "index")
    assert len(handles) >= 3
    items = bundle.parse_table(index)
    assert [k.decode() for k, _ in items[1:]] == sorted(values)
    # Restart points every 16 entries: the first block's restart array.
    first_size = read_varint(handles[0][1], read_varint(handles[0][1], 0)[1])[0]
    block = index[:first_size]
    n_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    n_entries = len(bundle._parse_block(block, "b"))
    assert n_restarts == (n_entries + 15) // 16
    bundle.write_bundle(str(tmp_path / "m"), values)
    r = bundle.BundleReader(str(tmp_path / "m"))
    for name in list(values)[::97]:
        np.testing.assert_array_equal(r.read(name), values[name])


def test_keys_must_not_be_header_key():
    with pytest.raises(ValueError):
        bundle.encode_bundle({"": np.float32(1)})


# -- damage ---------------------------------------------------------------------------------
def _damaged(tmp_path, which, edit):
    """A TINY bundle in tmp_path whose index or data file is ``edit(good bytes)``."""
    prefix = str(tmp_path / "ck")
    good = GOLDEN_INDEX if which == "index" else GOLDEN_DATA
    with open(prefix + ".index", "wb") as f:
        f.write(GOLDEN_INDEX)
    with open(prefix + ".data-00000-of-00001", "wb") as f:
        f.write(GOLDEN_DATA)
    path = prefix + (".index" if which == "index" else ".data-00000-of-00001")
    with open(path, "wb") as f:
        f.write(edit(bytearray(good)))
    return prefix


def _read_all(prefix):
    r = bundle.BundleReader(prefix)
    return {k: r.read(k) for k in r.keys()}


def test_every_flipped_index_byte_is_detected(tmp_path):
    for i in range(len(GOLDEN_INDEX)):
        for bit in (0x01, 0x80):
            def flip(b, i=i, bit=bit):
                b[i] ^= bit
                return b
            with pytest.raises(errors.DataLossError):
                _read_all(_damaged(tmp_path, "index", flip))


def test_every_flipped_data_byte_is_detected(tmp_path):
    for i in range(len(GOLDEN_DATA)):
        def flip(b, i=i):
            b[i] ^= 0x10
            return b
        with pytest.raises(errors.DataLossError, match="Checksum does not match"):
            _read_all(_damaged(tmp_path, "data", flip))


def test_flipped_string_bytes_are_detected(tmp_path):
    prefix = str(tmp_path / "s")
    bundle.write_bundle(prefix, {"s": np.array([b"abc", b"de"], dtype=object)})
    path = prefix + ".data-00000-of-00001"
    good = open(path, "rb").read()
    for i in range(len(good)):
        bad = bytearray(good)
        bad[i] ^= 0x04
        open(path, "wb").write(bytes(bad))
        with pytest.raises(errors.DataLossError):
            bundle.BundleReader(prefix).read("s")


@pytest.mark.parametrize("which", ["index", "data"])
def test_truncation_is_detected(tmp_path, which):
    n = len(GOLDEN_INDEX if which == "index" else GOLDEN_DATA)
    for keep in range(n):
        with pytest.raises(errors.DataLossError):
            _read_all(_damaged(tmp_path, which, lambda b, keep=keep: b[:keep]))


def test_missing_files(tmp_path):
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files for"):
        bundle.BundleReader(str(tmp_path / "nope"))
    prefix = str(tmp_path / "ck")
    bundle.write_bundle(prefix, TINY)
    os.remove(prefix + ".data-00000-of-00001")
    with pytest.raises(errors.NotFoundError):
        bundle.BundleReader(prefix).read("a")
    with pytest.raises(errors.NotFoundError, match="Key zz not found in checkpoint"):
        bundle.BundleReader(prefix).read("zz")


# -- atomic writes ------------------------------------------------------------------------
def test_failed_write_leaves_no_files(tmp_path, monkeypatch):
    prefix = str(tmp_path / "ck")
    real_replace = os.replace

    def failing_replace(src, dst):
        if dst.endswith(".index"):
            raise OSError("disk full (injected)")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="injected"):
        bundle.write_bundle(prefix, TINY)
    assert os.listdir(tmp_path) == []


def test_overwrite_is_atomic(tmp_path):
    path = str(tmp_path / "f")
    bundle.atomic_write(path, b"one")
    bundle.atomic_write(path, b"two")
    assert open(path, "rb").read() == b"two" and os.listdir(tmp_path) == ["f"]


# -- against real TensorFlow ------------------------------------------------------------------

_TF_SCRIPT = textwrap.dedent("""
    import os, sys, numpy as np
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    out = sys.argv[1]
    def save(name, values):
        with tf.Graph().as_default():
            for k, v in values.items():
                tf.Variable(v, name=k, use_resource=False)
            saver = tf.train.Saver()
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                saver.save(sess, os.path.join(out, name), write_meta_graph=False)
    rng = np.random.RandomState(0)
    save("mixed", {
        "layer/W": rng.randn(3, 4).astype(np.float32), "layer/b": rng.randn(4),
        "flags": np.array([[True, False]]), "s0": np.array(b"scalar", dtype=object),
        "strs": np.array([b"hello", b"", b"x" * 200], dtype=object),
        "i8": np.arange(6, dtype=np.int8).reshape(2, 3), "i16": np.arange(6, dtype=np.int16),
        "i64": np.arange(6, dtype=np.int64) - 3, "u8": np.arange(6, dtype=np.uint8),
        "f16": np.linspace(0, 1, 5).astype(np.float16), "empty": np.zeros((0, 3), np.float32)})
    # long names: several 256 KiB index blocks, shortened and unshortened separators
    names = set()
    while len(names) < 2500:
        names.add("a" + "".join(rng.choice(list("abcdefghij_"), rng.randint(20, 300))))
    save("blocks", {n: np.full(i % 4, i, np.float32) for i, n in enumerate(sorted(names))})
    save("seps", {("k%04d" % i) + "x" * 400: np.full(2, i, np.float32) for i in range(1500)})
""")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(ORACLE), reason="real TensorFlow oracle not installed")
def test_bytes_match_tensorflow(tmp_path):
    """Read TF's bundles, write the same tensors again: both files must be identical."""
    subprocess.run([ORACLE, "-c", _TF_SCRIPT, str(tmp_path)], check=True,
                   capture_output=True, timeout=600)
    for name in ("mixed", "blocks", "seps"):
        prefix = str(tmp_path / name)
        r = bundle.BundleReader(prefix)
        index, data = bundle.encode_bundle({k: r.read(k) for k in r.keys()})
        assert data == open(bundle.shard_filename(prefix), "rb").read(), name
        assert index == open(prefix + ".index", "rb").read(), name
