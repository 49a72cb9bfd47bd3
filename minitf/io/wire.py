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


def field_varint(field, value):
    """A varint field; proto3 leaves out a zero."""
    return varint(field << 3) + varint(value) if value else b""


def field_bytes(field, payload):
    """A length-delimited field (bytes, a string, a message, a packed list)."""
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def fields(buf):
    """Yields (field number, wire type, value) of a serialized message: an int for varints,
    the bytes for the other wire types."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = read_varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise DecodeError("unsupported wire type %d" % wire)
        if pos > end or field == 0:
            raise DecodeError("truncated field")
        yield field, wire, value


def signed64(value):
    """A varint's uint64 read as the int64 it stands for."""
    return value - (1 << 64) if value >= 1 << 63 else value
