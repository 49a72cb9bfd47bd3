"""sparse_to_dense and sparse_tensor_to_dense against numpy, TF's errors and gradients."""
import numpy as np
import pytest

import minitf as tf
from tests.ops.optest import Case, check_forward, check_gradient


def dense(indices, shape, values, default):
    out = np.full(shape, default, np.asarray(values).dtype)
    for i, idx in enumerate(np.asarray(indices).reshape(len(indices), -1)):
        out[tuple(idx)] = np.broadcast_to(values, (len(indices),))[i]
    return out


IDX = np.array([[0, 1], [1, 0], [2, 2]], np.int64)
VALS = np.array([1.5, -2.0, 3.0])
CASES = [
    Case("SparseToDense", lambda v, d: tf.sparse_to_dense(IDX, [3, 4], v, d),
         lambda v, d: dense(IDX, (3, 4), v, d), [VALS, np.array(0.5)], id="matrix_indices"),
    Case("SparseToDense", lambda v: tf.sparse_to_dense([0, 3], [5], v),
         lambda v: dense([[0], [3]], (5,), v, 0), [np.array([2.0, 4.0])], id="vector_indices"),
    Case("SparseToDense", lambda v, d: tf.sparse_to_dense(IDX, [3, 3], v, d),
         lambda v, d: dense(IDX, (3, 3), v, d), [np.array(7.0), np.array(-1.0)],
         id="scalar_value_for_every_index"),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gradient(case):
    check_gradient(case)


def test_sparse_tensor_to_dense_and_static_shape():
    with tf.Graph().as_default():
        sp = tf.SparseTensor([[0, 0], [1, 2]], [1, 2], [2, 3])
        d = tf.sparse_tensor_to_dense(sp, default_value=-1)
        assert d.shape.as_list() == [2, 3]
        unknown = tf.sparse_to_dense([[0]], tf.placeholder(tf.int32, [1]), [1.0])
        assert unknown.shape.as_list() == [None]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(d), [[1, -1, -1], [-1, -1, 2]])
        with pytest.raises(TypeError):
            tf.sparse_tensor_to_dense([[1, 2]])


@pytest.mark.parametrize("indices, message", [
    ([[0, 0], [5, 1]], r"indices\[1\] = \[5,1\] is out of bounds: need 0 <= index < \[3,4\]"),
    ([[1, 0], [0, 2]], r"indices\[1\] = \[0,2\] is out of order"),
    ([[1, 0], [1, 0]], r"indices\[1\] = \[1,0\] is repeated"),
])
def test_validate_indices_errors(indices, message):
    with tf.Graph().as_default():
        y = tf.sparse_to_dense(indices, [3, 4], [1.0, 2.0], name="dense")
        loose = tf.sparse_to_dense(indices, [3, 4], [1.0, 2.0], validate_indices=False)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message) as err:
                sess.run(y)
            assert err.value.op.name == "dense"
            sess.run(loose)  # unchecked: out-of-range entries are dropped, no crash


def test_shape_mismatch_errors():
    with tf.Graph().as_default():
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="incorrect number"):
                sess.run(tf.sparse_to_dense([[0, 0]], [3], [1.0]))
            with pytest.raises(tf.errors.InvalidArgumentError, match="sparse_values has"):
                sess.run(tf.sparse_to_dense([[0], [1]], [3], [1.0, 2.0, 3.0]))


# -- serialize_sparse, serialize_many_sparse, deserialize_many_sparse ------------------------
def _proto(dtype_enum, dims, content):
    """A TensorProto's bytes spelled out: dtype (field 1), shape (2) of dims (2 > size 1),
    tensor_content (4); proto3 leaves out a size of 0."""
    shape = b"".join(b"\x12" + bytes([len(d)]) + d for d in
                     (b"\x08" + _varint(n) if n else b"" for n in dims))
    out = b"\x08" + bytes([dtype_enum]) + b"\x12" + bytes([len(shape)]) + shape
    return out + (b"\x22" + _varint(len(content)) + content if content else b"")


def _varint(n):
    out = b""
    while True:
        out += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
        n >>= 7
        if not n:
            return out


def _sparse():
    return tf.SparseTensor([[0, 1], [2, 0], [2, 3]], [1., 2., 3.], [3, 4])


def test_serialize_sparse_writes_tfs_three_tensor_protos():
    ints = np.array([[0, 1], [2, 0], [2, 3]], "<i8").tobytes()
    with tf.Session() as sess:
        got = sess.run(tf.serialize_sparse(_sparse()))
        many = sess.run(tf.serialize_many_sparse(_sparse()))
    assert list(got) == [_proto(9, [3, 2], ints),  # DT_INT64 = 9, DT_FLOAT = 1
                         _proto(1, [3], np.array([1, 2, 3], "<f4").tobytes()),
                         _proto(9, [2], np.array([3, 4], "<i8").tobytes())]
    # row 1 has no entry: a [0, 1] index matrix and no values, but its shape [4]
    assert many.shape == (3, 3)
    assert list(many[1]) == [_proto(9, [0, 1], b""), _proto(1, [0], b""),
                             _proto(9, [1], np.array([4], "<i8").tobytes())]


def test_deserialize_many_sparse_stacks_rows_and_takes_the_largest_shape():
    a = tf.SparseTensor([[0, 1]], [5], [2, 3])
    b = tf.SparseTensor([[3, 0], [3, 4]], [6, 7], [4, 5])
    both = tf.deserialize_many_sparse(
        tf.stack([tf.serialize_sparse(a), tf.serialize_sparse(b)]), tf.int32, rank=2)
    assert both.indices.shape.as_list() == [None, 3]
    round_trip = tf.deserialize_many_sparse(tf.serialize_many_sparse(_sparse()), tf.float32)
    with tf.Session() as sess:
        got, again = sess.run([both, round_trip])
    np.testing.assert_array_equal(got.indices, [[0, 0, 1], [1, 3, 0], [1, 3, 4]])
    np.testing.assert_array_equal(got.values, [5, 6, 7])
    np.testing.assert_array_equal(got.dense_shape, [2, 4, 5])
    np.testing.assert_array_equal(again.indices, [[0, 1], [2, 0], [2, 3]])
    np.testing.assert_array_equal(again.dense_shape, [3, 4])


def test_deserialize_many_sparse_refuses_a_wrong_dtype_and_damaged_bytes():
    serialized = tf.stack([tf.serialize_sparse(_sparse())])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Requested SparseTensor of type"):
            sess.run(tf.deserialize_many_sparse(serialized, tf.int32))
        with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
            sess.run(tf.deserialize_many_sparse([["\xff\xff", "", ""]], tf.float32))
