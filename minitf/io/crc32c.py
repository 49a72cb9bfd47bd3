"""CRC32C (Castagnoli), the checksum TFRecord files and TensorBoard event files use.

`crc32c(data)` is the plain checksum; `masked_crc32c(data)` is the masked form that
TFRecord framing stores next to each length and each payload (see FORMATS.md).

The `google_crc32c` wheel computes it in C at GB/s when it is installed (it is a
dependency of minitf). Without it a pure-Python table version runs at a few MB/s, which
is plenty for summaries and small record files.
"""

_POLY = 0x82F63B78  # Castagnoli polynomial 0x1EDC6F41, bit-reversed
MASK_DELTA = 0xA282EAD8  # added after the rotation by mask_crc
_U32 = 0xFFFFFFFF


def _make_table():
    """256-entry lookup table for the reflected CRC32C, one byte at a time."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def _crc32c_python(data):
    """CRC32C of `data` with the pure-Python table (slow, always available)."""
    table = _TABLE
    crc = _U32
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ _U32


try:  # the C implementation, when the wheel is installed
    import google_crc32c as _google_crc32c
except ImportError:  # pragma: no cover - depends on the environment
    _google_crc32c = None

if _google_crc32c is not None:
    _crc32c_impl = _google_crc32c.value
    BACKEND = "google_crc32c"
else:  # pragma: no cover - depends on the environment
    _crc32c_impl = _crc32c_python
    BACKEND = "python"

# The checksum of a `bytes` object, with no check of its argument: for loops that already
# hold bytes and run once per record (tfrecord's reader).
crc32c_bytes = _crc32c_impl


def _as_bytes(data):
    """Accept bytes-like input; refuse text, which has no single byte encoding."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        raise TypeError("crc32c needs bytes, not str; encode the text first")
    return bytes(data)


def crc32c(data):
    """Returns the CRC32C checksum of `data` as an unsigned 32-bit int.

    Args:
      data: bytes-like object (bytes, bytearray, memoryview).

    Returns:
      An int in [0, 2**32).

    Example:
      >>> hex(crc32c(b"123456789"))
      '0xe3069283'
    """
    return _crc32c_impl(_as_bytes(data))


def mask_crc(crc):
    """Masks a CRC as TFRecord does: rotate right by 15 bits, then add a constant."""
    return (((crc >> 15) | (crc << 17)) + MASK_DELTA) & _U32


def unmask_crc(masked):
    """Inverts `mask_crc`."""
    rotated = (masked - MASK_DELTA) & _U32
    return ((rotated >> 17) | (rotated << 15)) & _U32


def masked_crc32c(data):
    """Returns the masked CRC32C of `data`, the value TFRecord framing stores.

    Args:
      data: bytes-like object.

    Returns:
      An int in [0, 2**32): `mask_crc(crc32c(data))`.
    """
    # Spelled out rather than calling crc32c and mask_crc: TFRecord framing calls this twice
    # per record, and with the C backend the two extra Python calls cost more than the sum.
    crc = _crc32c_impl(data if type(data) is bytes else _as_bytes(data))
    return (((crc >> 15) | (crc << 17)) + MASK_DELTA) & _U32
