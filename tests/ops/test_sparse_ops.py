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
