"""TensorArray: writes, reads, stack/unstack, gather/scatter, in and out of loops,
with gradients, and TF's errors for misuse."""
import numpy as np
import pytest

import minitf as tf
from tests.ops.optest import Case, check_forward, check_gradient


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def _permute(x):
    """Scatter rows, gather them back in another order."""
    return tf.TensorArray(x.dtype, size=4).scatter([3, 1, 0, 2], x).gather([2, 0, 3])


def _write_read(x):
    ta = tf.TensorArray(x.dtype, size=2).write(0, x[0]).write(1, tf.sin(x[1]))
    return ta.read(1) * ta.read(0)


def _loop_square(x):
    """out[t] = in[t] * in[3 - t] (t + 1), written in a while_loop, then stacked."""
    src = tf.TensorArray(x.dtype, size=4, clear_after_read=False).unstack(x)  # read twice
    dst = tf.TensorArray(x.dtype, size=4)

    def body(t, flow):
        a = dst._next(flow)
        v = src.read(t) * src.read(3 - t) * tf.cast(t + 1, x.dtype)
        return t + 1, a.write(t, v).flow

    _, flow = tf.while_loop(lambda t, f: t < 4, body, [tf.constant(0), dst.flow])
    return dst._next(flow).stack()


X = np.arange(12.0).reshape(4, 3) / 7 - 0.6
CASES = [
    # Element j holds x[k] where scatter index k is j: x[argsort(indices)[j]].
    Case("TensorArrayScatterV3", _permute, lambda x: x[np.argsort([3, 1, 0, 2])[[2, 0, 3]]],
         [X], id="TensorArray-scatter-gather"),
    Case("TensorArrayReadV3", _write_read, lambda x: np.sin(x[1]) * x[0], [X],
         id="TensorArray-write-read"),
    Case("TensorArrayWriteV3", _loop_square,
         lambda x: x * x[::-1] * np.arange(1, 5)[:, None], [X], id="TensorArray-loop",
         grad_order=1, static_shape=False),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_table(case):
    check_forward(case)
    check_gradient(case)


def test_write_read_stack_size_and_close():
    ta = tf.TensorArray(tf.float32, size=3, clear_after_read=False)
    ta = ta.write(0, [1.0, 2.0]).write(2, [5.0, 6.0]).write(1, [3.0, 4.0])
    closed = ta.close()
    with tf.Session() as sess:
        stacked, first, size = sess.run([ta.stack(), ta.read(0), ta.size()])
        sess.run(closed)
    np.testing.assert_array_equal(stacked, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(first, [1, 2])
    assert size == 3
    assert ta.stack().shape.as_list() == [None, 2]  # the element shape is learned from writes


def test_dynamic_size_grows_and_fixed_size_refuses():
    grown = tf.TensorArray(tf.int32, size=0, dynamic_size=True).write(4, 7)
    fixed = tf.TensorArray(tf.int32, size=2).write(2, 7)
    with tf.Session() as sess:
        assert sess.run(grown.size()) == 5
        with pytest.raises(tf.errors.InvalidArgumentError, match="index 2 of a TensorArray of "
                                                                 "size 2"):
            sess.run(fixed.flow)


def test_unwritten_element_is_an_error_to_read_but_stacks_as_zeros():
    ta = tf.TensorArray(tf.float32, size=3, clear_after_read=False).write(0, [1.0, 1.0])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not yet been written"):
            sess.run(ta.read(1))
        np.testing.assert_array_equal(sess.run(ta.stack()), [[1, 1], [0, 0], [0, 0]])


def test_second_write_of_an_index_is_refused():
    ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(0, 2.0)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="already been written"):
        sess.run(ta.flow)


def test_inconsistent_element_shapes():
    with pytest.raises(ValueError, match="Inconsistent shapes"):
        tf.TensorArray(tf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])
    p = tf.placeholder(tf.float32, [None])
    ta = tf.TensorArray(tf.float32, size=2).write(0, p).write(1, p[1:])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="inconsistent shapes"):
        sess.run(ta.stack(), {p: [1.0, 2.0]})


def test_scatter_checks_its_lengths():
    ta = tf.TensorArray(tf.float32, size=3).scatter(tf.placeholder(tf.int32, [None]),
                                                     tf.zeros([2, 3]))
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="len\\(indices\\) == values.shape\\[0\\]"):
        sess.run(ta.flow, {ta.flow.op.inputs[1]: [0, 1, 2]})


def test_gradient_of_two_reads_of_one_element_adds_up():
    x = tf.constant([1.0, 2.0])
    ta = tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, x)
    y = ta.read(0) * 3.0 + ta.read(0) * 4.0
    (g,) = tf.gradients(tf.reduce_sum(y), x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g), [7.0, 7.0])


def test_gradient_of_an_element_nothing_reads_is_zero():
    x = tf.constant([1.0, 2.0])
    ta = tf.TensorArray(tf.float32, size=2).write(0, x).write(1, x * 2.0)
    (g,) = tf.gradients(tf.reduce_sum(ta.read(1)), x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g), [2.0, 2.0])


def test_tensor_array_as_a_while_loop_variable_with_its_gradient():
    x = tf.constant(np.arange(12.0).reshape(4, 3))
    _, ta = tf.while_loop(lambda i, ta: i < 4,
                          lambda i, ta: (i + 1, ta.write(i, x[i] * float(2))),
                          [0, tf.TensorArray(tf.float64, size=4)])
    assert isinstance(ta, tf.TensorArray)
    out = ta.stack()
    (g,) = tf.gradients(tf.reduce_sum(out * out), x)
    with tf.Session() as sess:
        got, grad = sess.run([out, g])
    np.testing.assert_array_equal(got, 2 * np.arange(12.0).reshape(4, 3))
    np.testing.assert_array_equal(grad, 8 * np.arange(12.0).reshape(4, 3))  # d(4x²)/dx


def test_an_element_is_read_once_unless_clear_after_read_is_false():
    ta = tf.TensorArray(tf.float32, size=1).write(0, 1.0)
    twice = ta.read(0) + ta.read(0)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="Could not read index 0 twice"):
        sess.run(twice)


def test_gradient_through_a_loop_whose_stacked_outputs_the_loss_ignores():
    x = tf.constant(np.arange(6.0).reshape(3, 2))

    def body(t, acc, h):
        return t + 1, acc.write(t, h), h * x[t]
    _, acc, h = tf.while_loop(lambda t, *_: t < 3, body,
                              [0, tf.TensorArray(tf.float64, size=3), tf.ones([2], tf.float64)])
    stacked = acc.stack()  # run, so its elements are read and freed, but not in the loss
    (g,) = tf.gradients(tf.reduce_sum(h), x)
    with tf.Session() as sess:
        _, grad = sess.run([stacked, g])
    X = np.arange(6.0).reshape(3, 2)  # h = x0 * x1 * x2 (columnwise)
    np.testing.assert_allclose(grad, [X[1] * X[2], X[0] * X[2], X[0] * X[1]])
