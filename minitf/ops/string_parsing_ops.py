"""Strings to numbers: ``decode_csv``, ``decode_raw`` and ``string_to_number``.

``decode_csv`` splits each record (a line of a CSV file, as ``TextLineReader``
gives it) into fields and converts field ``i`` to the dtype of
``record_defaults[i]``; an empty field takes that default, and a field without
a default is an error.  ``decode_raw`` reinterprets the bytes of each string as
a vector of numbers.  ``string_to_number`` parses each string as one number.

Numbers are read as TF reads them: integers are decimal digits with an optional
sign and surrounding spaces (within the dtype's range); floats also take
exponents, ``inf``, ``nan`` and hexadecimal (``0x1p3``), and overflow to inf.
Each op is one block: public wrapper, registration, kernel, shape function.
None of them has a gradient.
"""
import re

import numpy as np

from minitf.framework import dtypes as _dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import unknown_shape
from minitf.ops.op_util import (check_dtype, invalid, kernel_outputs, make_op, op_scope,
                                same_shape)

__all__ = ["decode_csv", "decode_raw", "string_to_number"]

_INT = re.compile(rb"\s*[+-]?[0-9]+\s*\Z")
_HEX = re.compile(rb"\s*[+-]?0[xX]")  # float.fromhex also reads "abc": TF needs the 0x
_INT_RANGE = {_dtypes.int32: (-2 ** 31, 2 ** 31 - 1), _dtypes.int64: (-2 ** 63, 2 ** 63 - 1)}
# TF's DataTypeString where it differs from the DType's name (in its messages).
_TF_NAMES = {_dtypes.float32: "float", _dtypes.float64: "double", _dtypes.float16: "half"}


def _parse_int(text, dtype):
    """The int in bytes ``text``, or None when it is not one of ``dtype``'s values."""
    if not _INT.match(text):
        return None
    value = int(text)
    low, high = _INT_RANGE[dtype]
    return value if low <= value <= high else None


def _parse_float(text, dtype):
    """The float in bytes ``text``, or None (Python's float() also takes ``1_0``: not TF)."""
    if b"_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if not _HEX.match(text):
        return None
    try:
        return float.fromhex(text.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None


def _parser(dtype):
    return _parse_int if dtype.is_integer else _parse_float


# -- DecodeCSV --------------------------------------------------------------------------------
_CSV_TYPES = (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64, _dtypes.string)


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Split CSV records into fields and convert each column to a tensor.

    Args:
        records: a string tensor; every element is one CSV record (one line).
        record_defaults: one entry per output column, each a tensor with one
            element (its dtype is the column's, its value fills empty fields) or
            no element (the field is required). Dtypes: float32, float64, int32,
            int64, string.
        field_delim: the one-character field delimiter.
        use_quote_delim: treat ``"..."`` fields as quoted (delimiters inside them
            are text, ``""`` is a quote); else quotes are ordinary characters.
        na_value: a field equal to this string counts as empty.
        select_cols: increasing column indices to keep (one per default), or None
            for every column.

    Returns:
        A list of tensors, one per default, each of the shape of ``records``.

    Raises (when run):
        InvalidArgumentError: a record with the wrong number of fields, a field
            that does not parse, or a required field that is empty; the message
            names the field and the record.

    Example:
        >>> age, name = tf.decode_csv(["31,ann", ",bob"], [[0], ["?"]])
        >>> # age = [31, 0], name = [b"ann", b"bob"]
    """
    if select_cols is not None:
        select_cols = [int(c) for c in select_cols]
        if any(a >= b for a, b in zip(select_cols, select_cols[1:])):
            raise ValueError("select_cols is not strictly increasing.")
        if select_cols and select_cols[0] < 0:
            raise ValueError("select_cols contains negative values.")
        if len(select_cols) != len(record_defaults):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    with op_scope(name, "DecodeCSV", [records] + list(record_defaults)) as scope:
        records = convert_to_tensor(records, dtype=_dtypes.string, name="records")
        defaults = [convert_to_tensor(d, name="record_defaults_%d" % i)
                    for i, d in enumerate(record_defaults)]
        for d in defaults:
            check_dtype("DecodeCSV", d, _CSV_TYPES, "record_defaults")
        types = [d.dtype for d in defaults]
        op = make_op("DecodeCSV", [records] + defaults, types, scope, {
            "OUT_TYPE": types, "field_delim": field_delim, "use_quote_delim":
            bool(use_quote_delim), "na_value": na_value, "select_cols": select_cols or []})
        return list(op._outputs)


def _as_text(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _split_quoted(record, delim):
    """The fields of a record that has quotes, CR or LF; InvalidArgumentError text if bad."""
    fields, pos, n = [], 0, len(record)
    while True:
        if pos < n and record[pos:pos + 1] == b'"':
            field, i = bytearray(), pos + 1
            while True:
                if i >= n:
                    return "Quoted field has to end with quote followed by delim or end"
                c = record[i:i + 1]
                if c != b'"':
                    field += c
                    i += 1
                elif record[i + 1:i + 2] == b'"':  # "" inside quotes is one quote
                    field += c
                    i += 2
                elif i + 1 == n or record[i + 1:i + 2] == delim:
                    break
                else:
                    return "Quote inside a string has to be escaped by another quote"
            fields.append(bytes(field))
            pos = i + 1
        else:
            end = record.find(delim, pos)
            end = n if end < 0 else end
            field = record[pos:end]
            if b'"' in field or b"\n" in field or b"\r" in field:
                return "Unquoted fields cannot have quotes/CRLFs inside"
            fields.append(field)
            pos = end
        if pos >= n:
            return fields
        pos += 1  # past the delimiter; a delimiter at the very end leaves one empty field
        if pos == n:
            fields.append(b"")
            return fields


def _split(record, delim, quoted):
    """The fields of one record (TF: an empty record has none), or an error message."""
    if not record:
        return []
    if (quoted and b'"' in record) or b"\n" in record or b"\r" in record:
        return _split_quoted(record, delim) if quoted else \
            "Unquoted fields cannot have quotes/CRLFs inside"
    return record.split(delim)


def _decode_csv_kernel(ctx, records, *defaults):
    a = ctx.attrs
    delim, na = _as_text(a["field_delim"]), _as_text(a["na_value"])
    if len(delim) != 1:
        raise invalid(ctx, "field_delim should be only 1 char")
    for i, d in enumerate(defaults):
        if np.size(d) > 1:
            raise invalid(ctx, "There should only be 1 default per field but field %d has %d"
                          % (i, np.size(d)))
    flat = np.asarray(records, dtype=object).ravel()
    cols, want = a["select_cols"], len(defaults)
    rows, bad = [], None  # bad: (record, message) of the first record that does not split
    for r, record in enumerate(flat):
        fields = _split(record, delim, a["use_quote_delim"])
        if isinstance(fields, str):
            bad = (r, fields)
            break
        if cols:
            fields = [fields[c] for c in cols if c < len(fields)]
        if len(fields) != want:
            bad = (r, "Expect %d fields but have %d in record %d" % (want, len(fields), r))
            break
        rows.append(fields)
    columns, first = [], bad  # the first error in record order, then field order
    for f, (default, t) in enumerate(zip(defaults, ctx.op._outputs)):
        values, error = _column([row[f] for row in rows], f, default, t.dtype, na)
        if error is not None and (first is None or error[0] < first[0]):
            first = error
        columns.append(values)
    if first is not None:
        raise invalid(ctx, first[1])
    return kernel_outputs(c.reshape(np.shape(records)) for c in columns)


def _column(texts, f, default, dtype, na):
    """Field ``f`` of every record as an array, and the first (record, message) error."""
    fill = np.asarray(default).ravel()
    out = np.empty(len(texts), dtype.as_numpy_dtype)
    parse = None if dtype is _dtypes.string else _parser(dtype)
    for r, text in enumerate(texts):
        if not text or text == na:
            if not fill.size:
                return out, (r, "Field %d is required but missing in record %d!" % (f, r))
            out[r] = fill[0]
        elif parse is None:
            out[r] = text
        else:
            value = parse(text, dtype)
            if value is None:
                return out, (r, "Field %d in record %d is not a valid %s: %s" % (
                    f, r, _TF_NAMES.get(dtype, dtype.name),
                    text.decode("utf-8", "backslashreplace")))
            out[r] = value
    return out, None


def _decode_csv_shape(op):
    for d in op._inputs[1:]:
        if d.shape.ndims is not None:
            if d.shape.ndims > 1:
                raise ValueError("Shape must be at most rank 1 but is rank %d" % d.shape.ndims)
            if d.shape.ndims == 1 and d.shape[0].value is not None and d.shape[0].value > 1:
                raise ValueError("Shape of a default must be a length-0 or length-1 vector, "
                                 "or a scalar.")
    return [op._inputs[0].shape for _ in op._outputs]


register("DecodeCSV", _decode_csv_kernel, _decode_csv_shape, NO_GRADIENT)


# -- DecodeRaw --------------------------------------------------------------------------------
_RAW_TYPES = (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.uint8,
              _dtypes.int16, _dtypes.int8, _dtypes.int64, _dtypes.bool)


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None,
               bytes=None):  # noqa: A002  (TF 1.x's older name of input_bytes)
    """Reinterpret the bytes of each string as a vector of ``out_type`` numbers.

    Every string must have the same length, a multiple of the dtype's size;
    the result has shape ``input.shape + [length / size]``.

    Args:
        input_bytes: a string tensor (``bytes`` is TF 1.x's older name for it).
        out_type: float16, float32, float64, int8, int16, int32, int64, uint8 or bool.
        little_endian: the byte order of the data (TF's default: little-endian).

    Example:
        >>> tf.decode_raw([b"\\x01\\x00\\x02\\x00"], tf.int16)     # [[1, 2]]
    """
    if input_bytes is None:
        input_bytes = bytes
    out_type = _dtypes.as_dtype(out_type)
    with op_scope(name, "DecodeRaw", [input_bytes]) as scope:
        x = convert_to_tensor(input_bytes, dtype=_dtypes.string, name="bytes")
        if out_type not in _RAW_TYPES:
            raise TypeError("Value passed to parameter 'out_type' has DataType %s not in list "
                            "of allowed values: %s" % (out_type.name,
                                                       ", ".join(t.name for t in _RAW_TYPES)))
        return make_op("DecodeRaw", [x], [out_type], scope,
                       {"out_type": out_type, "little_endian": bool(little_endian)})._outputs[0]


def _decode_raw_kernel(ctx, data):
    dtype = np.dtype(ctx.attrs["out_type"].as_numpy_dtype)
    dtype = dtype.newbyteorder("<" if ctx.attrs["little_endian"] else ">")
    flat = np.asarray(data, dtype=object).ravel().tolist()
    sizes = [len(s) for s in flat]
    size = sizes[0] if sizes else 0
    if any(s != size for s in sizes):
        i = next(i for i, s in enumerate(sizes) if s != size)
        raise invalid(ctx, "DecodeRaw requires input strings to all be the same size, but "
                      "element %d has size %d != %d" % (i, size, sizes[i]))
    if size % dtype.itemsize:
        raise invalid(ctx, "Input to DecodeRaw has length %d that is not a multiple of %d, the "
                      "size of %s" % (size, dtype.itemsize,
                                      _TF_NAMES.get(ctx.attrs["out_type"],
                                                    ctx.attrs["out_type"].name)))
    values = np.frombuffer(b"".join(flat), dtype=dtype)
    shape = np.shape(data) + (size // dtype.itemsize,)
    return values.reshape(shape).astype(dtype.newbyteorder("="))


def _decode_raw_shape(op):
    return [op._inputs[0].shape.concatenate([None]) if op._inputs[0].shape.ndims is not None
            else unknown_shape()]


register("DecodeRaw", _decode_raw_kernel, _decode_raw_shape, NO_GRADIENT)


# -- StringToNumber ---------------------------------------------------------------------------
_NUMBER_TYPES = (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64)


def string_to_number(string_tensor, out_type=_dtypes.float32, name=None):
    """Parse every string of ``string_tensor`` as one number of ``out_type``.

    Raises (when run):
        InvalidArgumentError: a string that is not a number of that dtype.

    Example:
        >>> tf.string_to_number(["1.5", "-2"])        # [1.5, -2.0]
    """
    out_type = _dtypes.as_dtype(out_type)
    if out_type not in _NUMBER_TYPES:
        raise TypeError("Value passed to parameter 'out_type' has DataType %s not in list of "
                        "allowed values: %s" % (out_type.name,
                                                ", ".join(t.name for t in _NUMBER_TYPES)))
    with op_scope(name, "StringToNumber", [string_tensor]) as scope:
        x = convert_to_tensor(string_tensor, dtype=_dtypes.string, name="string_tensor")
        return make_op("StringToNumber", [x], [out_type], scope,
                       {"out_type": out_type})._outputs[0]


def _string_to_number_kernel(ctx, strings):
    dtype = ctx.attrs["out_type"]
    parse = _parser(dtype)
    flat = np.asarray(strings, dtype=object).ravel()
    values = [parse(s, dtype) for s in flat]
    if None in values:
        bad = flat[values.index(None)]
        raise invalid(ctx, "StringToNumberOp could not correctly convert string: %s"
                      % bad.decode("utf-8", "backslashreplace"))
    return np.array(values, dtype=dtype.as_numpy_dtype).reshape(np.shape(strings))


register("StringToNumber", _string_to_number_kernel, same_shape, NO_GRADIENT)
