"""Protocol buffer wire format, the two pieces every hand-written message here shares.

Checkpoint bundles (``bundle.py``), Example protos (``example.py``) and reader states
encode their few messages by hand; a varint is the same in each.
"""


class DecodeError(ValueError):
    """Bytes that are not a valid serialized message."""


def varint(value):
    """Unsigned LEB128 of ``value``; a negative int64 is its 10-byte two's complement."""
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varint(buf, pos, end=None):
    """``(value, next position)`` of the varint at ``buf[pos:end]``; at most 10 bytes."""
    end = len(buf) if end is None else end
    result = shift = 0
    for _ in range(10):
        if pos >= end:
            raise DecodeError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, pos
        shift += 7
    raise DecodeError("varint too long")
