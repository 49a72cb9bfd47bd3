"""``tf.train.Example`` and friends: TensorFlow's example protos, encoded by hand.

The messages of ``tensorflow/core/example/{feature,example}.proto`` with the part of the
Python protobuf API that learners use: keyword constructors, ``.features.feature["x"]``
(created on first access), ``.value.append``/``extend``, ``SerializeToString``,
``FromString``/``ParseFromString``, ``CopyFrom``/``MergeFrom``, ``HasField``,
``WhichOneof``, ``==`` and a text-format ``str``.  No protobuf dependency: the wire
format is small (FORMATS.md, "tf.train.Example")::

    Example         {1: Features features}
    SequenceExample {1: Features context, 2: FeatureLists feature_lists}
    Features        {1: map<string, Feature> feature}
    FeatureLists    {1: map<string, FeatureList> feature_list}
    FeatureList     {1: repeated Feature feature}
    Feature         oneof kind {1: BytesList, 2: FloatList, 3: Int64List}
    BytesList       {1: repeated bytes value}
    FloatList       {1: repeated float value [packed]}
    Int64List       {1: repeated int64 value [packed]}

A map entry is a message ``{1: key, 2: value}``; both are always written.  Python protobuf
writes map entries in hash-table order, which changes from process to process, so no
writer can match it; entries are written here in the order of its deterministic mode
(`_MapKey`), so the bytes equal TF's ``SerializeToString(deterministic=True)``.  The
decoder accepts numeric lists both packed (as TF writes them) and unpacked, keeps unknown
fields, and raises `DecodeError` on malformed input.

`parse_example_features` is the fast path of the parsing ops: it reads one serialized
Example into ``{key: (kind, values)}`` without building message objects.
"""
import math
import numbers
import operator
import struct

import numpy as np

from minitf.io.wire import DecodeError, read_varint, varint

__all__ = ["BytesList", "DecodeError", "Example", "Feature", "FeatureList", "FeatureLists",
           "Features", "FloatList", "Int64List", "SequenceExample", "parse_example_features",
           "parse_sequence_example_features"]


# == wire format ============================================================================
_VARINT, _FIXED64, _LEN, _FIXED32 = 0, 1, 2, 5


def _fields(data, pos=0, end=None):
    """Yields (field number, wire type, value, raw bytes) for each field of a message.

    ``value`` is an int for varints and fixed-width fields and a memoryview slice for
    length-delimited ones; ``raw`` (the tag included) lets unknown fields be kept.
    """
    end = len(data) if end is None else end
    while pos < end:
        start = pos
        key, pos = read_varint(data, pos, end)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise DecodeError("field number 0")
        if wire == _VARINT:
            value, pos = read_varint(data, pos, end)
        elif wire == _LEN:
            size, pos = read_varint(data, pos, end)
            if pos + size > end:
                raise DecodeError("truncated length-delimited field")
            value, pos = data[pos:pos + size], pos + size
        elif wire in (_FIXED32, _FIXED64):
            width = 4 if wire == _FIXED32 else 8
            if pos + width > end:
                raise DecodeError("truncated fixed-width field")
            value = int.from_bytes(data[pos:pos + width], "little")
            pos += width
        else:  # groups (3, 4) never occur in these protos; 6 and 7 do not exist
            raise DecodeError("unsupported wire type %d" % wire)
        yield number, wire, value, data[start:pos]


def _len_field(number, payload):
    return varint(number << 3 | _LEN) + varint(len(payload)) + payload


def _signed64(n):
    return n - (1 << 64) if n >= 1 << 63 else n


def _int64s(wire, value):
    """The int64 values of one occurrence of a repeated int64 field, packed or not."""
    if wire == _VARINT:
        return [_signed64(value)]
    if wire != _LEN:
        raise DecodeError("bad wire type for int64")
    out, pos, end = [], 0, len(value)
    while pos < end:
        n, pos = read_varint(value, pos, end)
        out.append(_signed64(n))
    return out


def _floats(wire, value):
    """The float values of one occurrence of a repeated float field, packed or not."""
    if wire == _FIXED32:
        return [struct.unpack("<f", value.to_bytes(4, "little"))[0]]
    if wire != _LEN or len(value) % 4:
        raise DecodeError("bad packed float list")
    return np.frombuffer(value, "<f4").tolist()


def _as_bytes(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    raise TypeError("expected bytes, %s found" % type(v).__name__)


def _as_int64(v):
    n = operator.index(v)  # TypeError for floats, as protobuf's int fields give
    if not -(1 << 63) <= n < 1 << 63:
        raise ValueError("Value out of range: %d" % n)
    return n


def _as_float32(v):
    if isinstance(v, (str, bytes)) or not isinstance(v, numbers.Real):
        raise TypeError("must be real number, not %s" % type(v).__name__)
    return float(np.float32(v))


def c_escape(data):
    """Bytes as protobuf's text format and TF's ``CEscape`` print them: C escapes, octal
    for the rest."""
    named = {10: "\\n", 13: "\\r", 9: "\\t", 34: '\\"', 39: "\\'", 92: "\\\\"}
    return "".join(named.get(b) or (chr(b) if 32 <= b < 127 else "\\%03o" % b) for b in data)


def _float_text(v):
    """The shortest %g spelling that reads back as the same float32 (protobuf's text)."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    for digits in range(1, 10):
        text = "%.*g" % (digits, v)
        if float(np.float32(text)) == v:
            return text
    return repr(v)


# == containers =============================================================================
class _Items:
    """What both kinds of repeated field do alike: read, delete and pop like a list."""

    __slots__ = ("_owner", "_items")
    __hash__ = None

    def pop(self, index=-1):
        return self._items.pop(index)

    def remove(self, value):
        self._items.remove(value)

    def __delitem__(self, index):
        del self._items[index]

    def __getitem__(self, index):
        return self._items[index]

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __repr__(self):
        return repr(self._items)


class _Repeated(_Items):
    """A repeated scalar field: a list that checks each element's type."""

    __slots__ = ("_check",)

    def __init__(self, owner, check):
        self._owner, self._items, self._check = owner, [], check

    def _changed(self):
        self._owner._mark()

    def append(self, value):
        self._items.append(self._check(value))
        self._changed()

    def extend(self, values):
        if isinstance(values, np.ndarray):
            values = values.ravel().tolist()
        checked = [self._check(v) for v in values]
        if checked:
            self._items.extend(checked)
            self._changed()

    def insert(self, index, value):
        self._items.insert(index, self._check(value))
        self._changed()

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            self._items[index] = [self._check(v) for v in value]
        else:
            self._items[index] = self._check(value)

    def __eq__(self, other):
        if isinstance(other, _Repeated):
            return self._items == other._items
        return self._items == other


class _RepeatedMessages(_Items):
    """A repeated message field (``FeatureList.feature``); ``add``/``append`` copy in."""

    __slots__ = ("_cls",)

    def __init__(self, owner, cls):
        self._owner, self._cls, self._items = owner, cls, []

    def add(self, **kwargs):
        """Appends a new message built from ``kwargs`` and returns it."""
        item = self._cls(**kwargs)
        item._parent = self._owner
        self._items.append(item)
        self._owner._mark()
        return item

    def append(self, message):
        self.add().CopyFrom(_coerce(self._cls, message))

    def extend(self, messages):
        for message in messages:
            self.append(message)

    def __eq__(self, other):
        return list(self._items) == list(other)


class _MapKey:
    """Python protobuf's deterministic map order (upb's): bytes compared up to the shorter
    key's length, and when one key is a prefix of the other, the longer one first.

    So "ab" and "a\\x00" come before "a", and "" comes last.  (C++ protobuf puts a prefix
    first instead; only such keys tell the two apart.)
    """

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __lt__(self, other):
        n = min(len(self.key), len(other.key))
        a, b = self.key[:n], other.key[:n]
        return a < b if a != b else len(self.key) > len(other.key)


class _MessageMap:
    """A ``map<string, Message>`` field: reading a missing key creates its entry."""

    __slots__ = ("_owner", "_cls", "_items")
    __hash__ = None

    def __init__(self, owner, cls):
        self._owner, self._cls, self._items = owner, cls, {}

    @staticmethod
    def _key(key):
        if isinstance(key, bytes):
            return key.decode("utf-8")
        if not isinstance(key, str):
            raise TypeError("bad argument type for built-in operation")
        return key

    def __getitem__(self, key):
        key = self._key(key)
        item = self._items.get(key)
        if item is None:
            item = self._items[key] = self._cls()
            item._parent = self._owner
            self._owner._mark()
        return item

    get_or_create = __getitem__

    def __setitem__(self, key, value):
        raise ValueError("Message objects may not be assigned")

    def get(self, key, default=None):
        return self._items.get(self._key(key), default)

    def __contains__(self, key):
        return self._key(key) in self._items

    def __delitem__(self, key):
        del self._items[self._key(key)]

    def pop(self, key, *default):
        return self._items.pop(self._key(key), *default)

    def clear(self):
        self._items.clear()

    def keys(self):
        return self._items.keys()

    def values(self):
        return self._items.values()

    def items(self):
        return self._items.items()

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __eq__(self, other):
        return dict(self._items) == dict(other)

    def __repr__(self):
        return repr(self._items)

    def _sorted(self):
        return sorted(self._items.items(), key=lambda kv: _MapKey(kv[0].encode("utf-8")))


# == messages ===============================================================================
def _utf8(data):
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise DecodeError("map key is not valid UTF-8") from None


def _coerce(cls, value):
    """A message of ``cls`` from a message or a dict of field values (protobuf's rule)."""
    if isinstance(value, dict):
        return cls(**value)
    if type(value) is not cls:
        raise TypeError("Parameter to initialize message field must be dict or instance of "
                        "same class: expected %s got %s." % (cls.__name__, type(value).__name__))
    return value


class _Field:
    """One declared field: ``kind`` is "message", "messages", "map" or a scalar kind."""

    __slots__ = ("name", "number", "kind", "cls")

    def __init__(self, name, number, kind, cls=None):
        self.name, self.number, self.kind, self.cls = name, number, kind, cls


_SCALAR_CHECKS = {"int64": _as_int64, "float": _as_float32, "bytes": _as_bytes}


class _Message:
    """The shared machinery; subclasses declare ``_FIELDS`` (and ``_ONEOF`` names)."""

    __slots__ = ("_values", "_present", "_parent", "_unknown")
    __hash__ = None
    _FIELDS = ()
    _ONEOF = None  # (group name, member names) for Feature's `kind`
    _FULL_NAME = ""

    def __init__(self, *args, **kwargs):
        if args:
            raise TypeError("No positional arguments allowed")
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_present", set())
        object.__setattr__(self, "_parent", None)
        object.__setattr__(self, "_unknown", b"")
        for name, value in kwargs.items():
            field = self._field(name)
            if value is None:
                continue
            if field.kind == "message":
                getattr(self, name).CopyFrom(_coerce(field.cls, value))
            elif field.kind == "map":
                container = getattr(self, name)
                if not isinstance(value, dict):
                    raise TypeError("Parameter to initialize map field %s must be a dict, "
                                    "not %s" % (name, type(value).__name__))
                for key, item in value.items():
                    container[key].CopyFrom(_coerce(field.cls, item))
            else:
                getattr(self, name).extend(value)

    @classmethod
    def _field(cls, name):
        for field in cls._FIELDS:
            if field.name == name:
                return field
        raise ValueError('Protocol message %s has no "%s" field.' % (cls.__name__, name))

    def __getattr__(self, name):
        # Only reached for names that are not slots: the fields, created on first access.
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            field = self._field(name)
        except ValueError as exc:
            raise AttributeError(str(exc)) from None
        values = self._values
        if name not in values:
            if field.kind == "message":
                child = field.cls()
                child._parent = (self, name)
            elif field.kind == "messages":
                child = _RepeatedMessages(self, field.cls)
            elif field.kind == "map":
                child = _MessageMap(self, field.cls)
            else:
                child = _Repeated(self, _SCALAR_CHECKS[field.kind])
            values[name] = child
        return values[name]

    def __setattr__(self, name, value):
        if name in _Message.__slots__:
            object.__setattr__(self, name, value)
            return
        try:
            field = self._field(name)
        except ValueError as exc:
            raise AttributeError(str(exc)) from None
        what = "message" if field.kind == "message" else "map, or repeated"
        raise AttributeError('Assignment not allowed to %s field "%s" in protocol message '
                             'object.' % (what, name))

    # -- presence ----------------------------------------------------------------------
    def _mark(self):
        """Records that this message was changed: its parents now hold it."""
        parent = self._parent
        if isinstance(parent, tuple):
            owner, name = parent
            if name not in owner._present:
                owner._set_present(name)
            owner._mark()
        elif parent is not None:
            parent._mark()

    def _set_present(self, name):
        if self._ONEOF and name in self._ONEOF[1]:
            for other in self._ONEOF[1]:
                if other != name:
                    self.ClearField(other)
        self._present.add(name)

    def _has(self, field):
        if field.kind == "message":
            return field.name in self._present
        value = self._values.get(field.name)
        return value is not None and len(value) > 0

    def HasField(self, name):
        """True when the singular message field (or oneof group) ``name`` is set."""
        if self._ONEOF and name == self._ONEOF[0]:
            return self.WhichOneof(name) is not None
        field = self._field(name)
        if field.kind != "message":
            raise ValueError('Protocol message has no singular "%s" field.' % name)
        return name in self._present

    def WhichOneof(self, group):
        """The name of the set member of oneof ``group``, or None."""
        if not self._ONEOF or group != self._ONEOF[0]:
            raise ValueError('Protocol message has no oneof "%s" field.' % group)
        return next((m for m in self._ONEOF[1] if m in self._present), None)

    def ClearField(self, name):
        """Resets field ``name``; a submessage read before keeps its old contents."""
        self._field(name)
        child = self._values.pop(name, None)
        if isinstance(child, _Message):
            child._parent = None
        self._present.discard(name)

    def Clear(self):
        for field in self._FIELDS:
            self.ClearField(field.name)
        self._unknown = b""

    def SetInParent(self):
        """Marks this (possibly empty) submessage as set in its parent."""
        self._mark()

    def IsInitialized(self):
        return True  # proto3: no required fields

    # -- copying and merging -----------------------------------------------------------
    def MergeFrom(self, other):
        """Merges ``other`` in: lists append, maps and submessages merge, oneofs replace."""
        if type(other) is not type(self):
            raise TypeError("Parameter to MergeFrom() must be instance of same class: "
                            "expected %s got %s." % (type(self).__name__, type(other).__name__))
        for field in other._FIELDS:
            if not other._has(field):
                continue
            src = getattr(other, field.name)
            dst = getattr(self, field.name)
            if field.kind == "message":
                dst.MergeFrom(src)
            elif field.kind == "messages":
                dst.extend(src)
            elif field.kind == "map":
                for key, item in src.items():
                    dst[key].MergeFrom(item)
            else:
                dst._items.extend(src._items)
                dst._changed()
        self._unknown += other._unknown
        self._mark()  # as in protobuf, merging (even an empty message) sets the field

    def CopyFrom(self, other):
        """Makes this message a copy of ``other``."""
        if other is self:
            return
        self.Clear()
        self.MergeFrom(other)

    # -- wire format -------------------------------------------------------------------
    def SerializeToString(self, deterministic=None):
        """The wire bytes; map entries in key order (TF's deterministic serialization)."""
        out = []
        for field in self._FIELDS:
            if not self._has(field):
                continue
            value = self._values[field.name]
            number = field.number
            if field.kind == "message":
                out.append(_len_field(number, value.SerializeToString()))
            elif field.kind == "messages":
                out.extend(_len_field(number, m.SerializeToString()) for m in value)
            elif field.kind == "map":
                for key, item in value._sorted():
                    entry = _len_field(1, key.encode("utf-8")) + _len_field(
                        2, item.SerializeToString())
                    out.append(_len_field(number, entry))
            elif field.kind == "bytes":
                out.extend(_len_field(number, b) for b in value)
            elif field.kind == "float":
                out.append(_len_field(number, np.asarray(value._items, "<f4").tobytes()))
            else:
                out.append(_len_field(number, b"".join(varint(n) for n in value)))
        out.append(self._unknown)
        return b"".join(out)

    SerializePartialToString = SerializeToString

    def ByteSize(self):
        return len(self.SerializeToString())

    def MergeFromString(self, data):
        """Merges the fields of serialized ``data`` in; returns the number of bytes read."""
        try:
            self._merge_wire(memoryview(bytes(data)))
        except DecodeError:
            raise DecodeError("Error parsing message with type '%s'" % self._FULL_NAME) \
                from None
        return len(data)

    def ParseFromString(self, data):
        """Replaces the contents with serialized ``data``; returns the bytes read."""
        self.Clear()
        return self.MergeFromString(data)

    @classmethod
    def FromString(cls, data):
        """A new message parsed from serialized ``data``."""
        message = cls()
        message.MergeFromString(data)
        return message

    def _merge_wire(self, data):
        by_number = {f.number: f for f in self._FIELDS}
        unknown = []
        for number, wire, value, raw in _fields(data):
            field = by_number.get(number)
            if field is None:
                unknown.append(bytes(raw))
                continue
            if field.kind in ("int64", "float"):
                decode = _int64s if field.kind == "int64" else _floats
                getattr(self, field.name)._items.extend(decode(wire, value))
                continue
            if wire != _LEN:
                raise DecodeError("bad wire type for field %d" % number)
            if field.kind == "bytes":
                getattr(self, field.name)._items.append(bytes(value))
            elif field.kind == "message":
                getattr(self, field.name)._merge_wire(value)
                self._set_present(field.name)
            elif field.kind == "messages":
                getattr(self, field.name).add()._merge_wire(value)
            else:
                key, item = "", b""
                for entry_number, entry_wire, entry_value, _ in _fields(value):
                    if entry_wire != _LEN:
                        raise DecodeError("bad map entry")
                    if entry_number == 1:
                        key = _utf8(entry_value)
                    elif entry_number == 2:
                        item = entry_value
                container = getattr(self, field.name)
                container.pop(key, None)  # a repeated key: the last entry wins
                container[key]._merge_wire(memoryview(item))
        if unknown:
            self._unknown += b"".join(unknown)

    def __reduce__(self):
        return type(self).FromString, (self.SerializeToString(),)

    # -- comparison and text -----------------------------------------------------------
    def __eq__(self, other):
        if not isinstance(other, _Message):
            return NotImplemented
        if type(other) is not type(self):
            return False
        for field in self._FIELDS:
            mine, theirs = self._has(field), other._has(field)
            if mine != theirs:
                return False
            if mine and getattr(self, field.name) != getattr(other, field.name):
                return False
        return self._unknown == other._unknown

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def _text(self, indent):
        pad = " " * indent
        lines = []
        for field in self._FIELDS:
            if not self._has(field):
                continue
            value = self._values[field.name]
            if field.kind == "message":
                items = [value]
            elif field.kind == "messages":
                items = list(value)
            elif field.kind == "map":
                for key, item in value._sorted():
                    lines.append("%s%s {\n%s  key: \"%s\"\n%s  value {\n%s%s  }\n%s}\n" % (
                        pad, field.name, pad, c_escape(key.encode("utf-8")), pad,
                        item._text(indent + 4), pad, pad))
                continue
            else:
                show = {"bytes": lambda b: '"%s"' % c_escape(b), "float": _float_text,
                        "int64": str}[field.kind]
                lines.extend("%s%s: %s\n" % (pad, field.name, show(v)) for v in value)
                continue
            for item in items:
                lines.append("%s%s {\n%s%s}\n" % (pad, field.name, item._text(indent + 2), pad))
        return "".join(lines)

    def __str__(self):
        return self._text(0)

    __repr__ = __str__


class BytesList(_Message):
    """A list of byte strings: ``BytesList(value=[b"cat", b"dog"])``."""

    __slots__ = ()
    _FIELDS = (_Field("value", 1, "bytes"),)
    _FULL_NAME = "tensorflow.BytesList"


class FloatList(_Message):
    """A list of float32 values (packed on the wire): ``FloatList(value=[0.5, 2.0])``."""

    __slots__ = ()
    _FIELDS = (_Field("value", 1, "float"),)
    _FULL_NAME = "tensorflow.FloatList"


class Int64List(_Message):
    """A list of int64 values (packed varints on the wire): ``Int64List(value=[1, -2])``."""

    __slots__ = ()
    _FIELDS = (_Field("value", 1, "int64"),)
    _FULL_NAME = "tensorflow.Int64List"


class Feature(_Message):
    """One feature: exactly one of ``bytes_list``, ``float_list`` or ``int64_list``.

    Setting one member (by writing into it) clears the others, as a protobuf oneof does.

    Example:
        >>> f = tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2]))
        >>> f.WhichOneof("kind")   # 'int64_list'
        >>> f.int64_list.value     # [1, 2]
    """

    __slots__ = ()
    _FIELDS = (_Field("bytes_list", 1, "message", BytesList),
               _Field("float_list", 2, "message", FloatList),
               _Field("int64_list", 3, "message", Int64List))
    _ONEOF = ("kind", ("bytes_list", "float_list", "int64_list"))
    _FULL_NAME = "tensorflow.Feature"


class Features(_Message):
    """A map from feature name to `Feature`: ``Features(feature={"x": feature})``."""

    __slots__ = ()
    _FIELDS = (_Field("feature", 1, "map", Feature),)
    _FULL_NAME = "tensorflow.Features"


class FeatureList(_Message):
    """A sequence of `Feature`s, one per time step: ``FeatureList(feature=[f0, f1])``."""

    __slots__ = ()
    _FIELDS = (_Field("feature", 1, "messages", Feature),)
    _FULL_NAME = "tensorflow.FeatureList"


class FeatureLists(_Message):
    """A map from feature name to `FeatureList`."""

    __slots__ = ()
    _FIELDS = (_Field("feature_list", 1, "map", FeatureList),)
    _FULL_NAME = "tensorflow.FeatureLists"


class Example(_Message):
    """One training example: named features, the usual record of a TFRecord file.

    Example:
        >>> ex = tf.train.Example(features=tf.train.Features(feature={
        ...     "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[3])),
        ...     "pixels": tf.train.Feature(float_list=tf.train.FloatList(value=[.1, .2]))}))
        >>> data = ex.SerializeToString()          # bytes for a TFRecordWriter
        >>> tf.train.Example.FromString(data) == ex   # True
        >>> ex.features.feature["label"].int64_list.value[0]   # 3
    """

    __slots__ = ()
    _FIELDS = (_Field("features", 1, "message", Features),)
    _FULL_NAME = "tensorflow.Example"


class SequenceExample(_Message):
    """Context features plus one `FeatureList` per sequence feature (a value per step).

    Example:
        >>> ex = tf.train.SequenceExample(
        ...     context=tf.train.Features(feature={"length": int64_feature}),
        ...     feature_lists=tf.train.FeatureLists(feature_list={
        ...         "tokens": tf.train.FeatureList(feature=[step0, step1])}))
    """

    __slots__ = ()
    _FIELDS = (_Field("context", 1, "message", Features),
               _Field("feature_lists", 2, "message", FeatureLists))
    _FULL_NAME = "tensorflow.SequenceExample"


# == fast path for the parsing ops ==========================================================
_KINDS = {1: "bytes", 2: "float", 3: "int64"}


def _feature_values(data):
    """(kind, values) of a serialized Feature; kind None for an empty Feature."""
    kind, values = None, []
    for number, wire, value, _ in _fields(data):
        if number not in _KINDS or wire != _LEN:
            continue
        if _KINDS[number] != kind:  # a later oneof member replaces the earlier one
            kind, values = _KINDS[number], []
        for inner, inner_wire, item, _ in _fields(value):
            if inner != 1:
                continue
            if kind == "bytes":
                if inner_wire != _LEN:
                    raise DecodeError("bad bytes value")
                values.append(bytes(item))
            elif kind == "float":
                values.extend(_floats(inner_wire, item))
            else:
                values.extend(_int64s(inner_wire, item))
    return kind, values


def _feature_map(data, number):
    """{key: serialized value} of the map field ``number`` of a message (last key wins)."""
    out = {}
    for field, wire, value, _ in _fields(data):
        if field != number or wire != _LEN:
            continue
        key, item = "", memoryview(b"")
        for entry_number, _, entry_value, _ in _fields(value):
            if entry_number == 1:
                key = _utf8(entry_value)
            elif entry_number == 2:
                item = entry_value
        out[key] = item
    return out


def _submessages(data, number):
    """The concatenated payload of message field ``number`` (repeats merge, as protobuf)."""
    return b"".join(bytes(v) for n, w, v, _ in _fields(data) if n == number and w == _LEN)


def parse_example_features(serialized):
    """``{key: (kind, values)}`` of a serialized Example; kind is "bytes", "float",
    "int64" or None (an empty Feature).  Raises `DecodeError` on malformed bytes."""
    data = memoryview(serialized)
    features = _feature_map(memoryview(_submessages(data, 1)), 1)
    return {key: _feature_values(value) for key, value in features.items()}


def parse_sequence_example_features(serialized):
    """(context, feature_lists) of a serialized SequenceExample: context as
    `parse_example_features` gives it, feature lists as ``{key: [(kind, values), ...]}``."""
    data = memoryview(serialized)
    context = _feature_map(memoryview(_submessages(data, 1)), 1)
    lists = _feature_map(memoryview(_submessages(data, 2)), 1)
    return ({key: _feature_values(v) for key, v in context.items()},
            {key: [_feature_values(v) for n, w, v, _ in _fields(steps) if n == 1 and w == _LEN]
             for key, steps in lists.items()})
