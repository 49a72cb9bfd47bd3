"""TensorFlow data types and the coercion rules between them and numpy."""
import builtins

import numpy as np


class DType:
    """A tensor element type, e.g. ``tf.float32``.

    Attributes:
        name: TF's name, such as ``"float32"``.
        as_numpy_dtype: the numpy scalar type used to store values.
        as_datatype_enum: TF's ``DataType`` enum value, as in GraphDef protos.
    """

    __slots__ = ("name", "as_numpy_dtype", "as_datatype_enum", "_np")

    def __init__(self, name, np_type, enum):
        self.name = name
        self.as_numpy_dtype = np_type
        self.as_datatype_enum = enum
        self._np = np.dtype(np_type)

    @property
    def base_dtype(self):
        return self

    @property
    def real_dtype(self):
        return self

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def is_bool(self):
        return self is bool

    @property
    def is_complex(self):
        return False

    @property
    def is_numeric(self):
        return self._np.kind in "iuf"

    @property
    def size(self):
        return 1 if self is string else self._np.itemsize

    @property
    def min(self):
        if self.is_floating:
            return float(np.finfo(self._np).min)
        return int(np.iinfo(self._np).min)

    @property
    def max(self):
        if self.is_floating:
            return float(np.finfo(self._np).max)
        return int(np.iinfo(self._np).max)

    def is_compatible_with(self, other):
        return self is as_dtype(other)

    def __repr__(self):
        return "tf." + self.name

    def __str__(self):
        return "<dtype: '%s'>" % self.name

    def __eq__(self, other):
        if other is None:
            return False
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.name)

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16, 19)
float32 = DType("float32", np.float32, 1)
float64 = DType("float64", np.float64, 2)
int8 = DType("int8", np.int8, 6)
int16 = DType("int16", np.int16, 5)
int32 = DType("int32", np.int32, 3)
int64 = DType("int64", np.int64, 9)
uint8 = DType("uint8", np.uint8, 4)
bool = DType("bool", np.bool_, 10)  # noqa: A001  (TF's public name)
string = DType("string", np.object_, 7)
half, double = float16, float64

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool, string)
_BY_NAME = {d.name: d for d in ALL}
# TF's non-canonical aliases (dtypes._STRING_TO_TF): tf.placeholder("float", ...) is float32.
_BY_NAME.update(half=float16, float=float32, double=float64)
_BY_NP = {d._np: d for d in ALL}
_BY_ENUM = {d.as_datatype_enum: d for d in ALL}


def as_dtype(value):
    """Convert a DType, name, numpy dtype or Python type into a ``DType``."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        if value in _BY_NAME:
            return _BY_NAME[value]
        raise TypeError("Cannot convert value %r to a TensorFlow DType." % (value,))
    if isinstance(value, int) and not isinstance(value, type) and value in _BY_ENUM:
        return _BY_ENUM[value]
    if value is float:
        return float32
    if value is int:
        return int32
    if value is builtins.bool:
        return bool
    try:
        npd = np.dtype(value)
    except TypeError:
        raise TypeError("Cannot convert value %r to a TensorFlow DType." % (value,)) from None
    if npd.kind in "SUO":
        return string
    if npd in _BY_NP:
        return _BY_NP[npd]
    raise TypeError("Cannot convert value %r to a TensorFlow DType." % (value,))


def from_numpy(arr):
    """The DType TF infers for a numpy array (strings become ``string``)."""
    kind = arr.dtype.kind
    if kind in "SUO":
        return string
    d = _BY_NP.get(arr.dtype)
    if d is None:
        raise TypeError("Unsupported numpy dtype %s" % arr.dtype)
    return d
