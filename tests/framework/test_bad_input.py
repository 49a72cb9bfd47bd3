"""Bad input gets TF's error class and a message naming the op, never a numpy crash."""
import numpy as np
import pytest

import minitf as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


BUILD_TIME = [  # (expression, error class, words the message must contain)
    ("tf.constant(object())", TypeError, "Failed to convert object"),
    ("tf.reshape(tf.ones([2, 2]), 'abc')", TypeError, "shape"),
    ("tf.matmul(tf.ones([3]), tf.ones([3]))", ValueError, "'MatMul'"),
    ("tf.transpose(tf.ones([2, 3]), [0, 0])", ValueError, "'Transpose'"),
    ("tf.gather(tf.ones([3]), [0.5])", TypeError, "indices"),
    ("tf.reduce_sum(tf.ones([2, 3]), axis=5)", ValueError, "'Sum'"),
    ("tf.concat([tf.ones([2, 3]), tf.ones([3, 3])], 1)", ValueError, "'ConcatV2'"),
    ("tf.split(tf.ones([5]), 2)", ValueError, "'Split'"),
    ("tf.slice(tf.ones([3]), [1], [5])", ValueError, "'Slice'"),
    ("tf.ones([2])[5]", ValueError, "'StridedSlice'"),
    ("tf.squeeze(tf.ones([2, 3]), [0])", ValueError, "'Squeeze'"),
    ("tf.fill([2, 2], [1, 2])", ValueError, "'Fill'"),
    ("tf.range(1, 5, 0)", ValueError, "'Range'"),
    ("tf.cast(tf.ones([2]), 'nonsense')", TypeError, "DType"),
    ("tf.ones_like(tf.constant(['a']))", TypeError, "Expected string, but got 1"),
    ("tf.zeros([-1])", ValueError, "Invalid value in tensor used for shape: -1"),
    ("tf.fill([2, -3], 1.0)", ValueError, "Invalid value in tensor used for shape: -3"),
]


@pytest.mark.parametrize("expr, cls, words", BUILD_TIME, ids=[c[0] for c in BUILD_TIME])
def test_build_time_errors(expr, cls, words):
    with pytest.raises(cls) as e:
        eval(expr)
    assert words in str(e.value)


def unknown(value):
    """``value`` behind a placeholder_with_default of unknown shape (checked at run time)."""
    value = np.asarray(value)
    return tf.placeholder_with_default(value, [None] * value.ndim)


RUN_TIME = [  # (builder, op type named in the message)
    (lambda: tf.gather(tf.ones([3]), tf.constant([7])), "GatherV2"),
    (lambda: tf.reshape(unknown(np.ones(3, np.float32)), [2, 2]), "Reshape"),
    (lambda: tf.matrix_inverse(tf.zeros([2, 2])), "MatrixInverse"),
    (lambda: tf.concat([unknown(np.ones((2, 3), np.float32)), tf.ones([3, 2])], 0), "ConcatV2"),
    (lambda: tf.matmul(unknown(np.ones((2, 3), np.float32)), tf.ones([2, 2])), "MatMul"),
    (lambda: tf.squeeze(unknown(np.ones((2, 3), np.float32)), [0]), "Squeeze"),
    (lambda: tf.constant([1, 2]) // tf.constant([1, 0]), "FloorDiv"),
]


@pytest.mark.parametrize("build, op_type", RUN_TIME, ids=[c[1] for c in RUN_TIME])
def test_run_time_errors_name_the_op_and_line(build, op_type):
    out = build()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(out)
        assert "(%s) defined at" % op_type in str(e.value)
        assert "test_bad_input.py" in str(e.value)
        assert sess.run(tf.constant(1)) == 1  # still usable
