"""``tf.compat``: ``tf.compat.v1`` (minitf itself) and the bytes/text helpers."""
import os
import sys

import minitf as v1

__all__ = ["v1", "as_bytes", "as_text", "as_str", "as_str_any", "path_to_str"]

# `import minitf.compat.v1 as tf` works like `import tensorflow.compat.v1 as tf`.
sys.modules.setdefault(__name__ + ".v1", v1)


def as_bytes(bytes_or_text, encoding="utf-8"):
    """``bytes`` unchanged, ``str`` encoded; anything else raises TypeError."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


def as_text(bytes_or_text, encoding="utf-8"):
    """``str`` unchanged, ``bytes`` decoded; anything else raises TypeError."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


as_str = as_text


def as_str_any(value):
    """``str(value)``, decoding bytes as UTF-8."""
    return as_text(value) if isinstance(value, (bytes, bytearray)) else str(value)


def path_to_str(path):
    """A ``os.PathLike`` as ``str``; other values unchanged."""
    return os.fspath(path) if isinstance(path, os.PathLike) else path


def _no_op_switch():
    """TF 2's switches back to 1.x behaviour: minitf always behaves as 1.x."""


disable_v2_behavior = disable_eager_execution = disable_resource_variables = _no_op_switch
enable_v2_behavior = _no_op_switch


def executing_eagerly():
    """Always False: minitf builds graphs and runs them in sessions."""
    return False
