"""tf.gradients: paths, None for unconnected inputs, stop_gradient, broadcasting."""
import numpy as np
import pytest

import minitf as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_sums_over_all_paths():
    x = tf.constant(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    assert run(tf.gradients(y, x))[0] == 7.0


def test_unconnected_input_gets_none():
    x, z = tf.constant(1.0), tf.constant(2.0)
    y = x * 2.0
    gx, gz = tf.gradients(y, [x, z])
    assert gz is None and run(gx) == 2.0


def test_stop_gradient_blocks_and_stop_gradients_argument():
    x = tf.constant(2.0)
    y = tf.stop_gradient(x * x) + x
    assert run(tf.gradients(y, x))[0] == 1.0
    a = tf.constant(1.0)
    b = a * 2.0
    c = b * 3.0
    assert tf.gradients(c, a, stop_gradients=[b])[0] is None


def test_grad_ys_scales_and_shapes():
    x = tf.constant([1.0, 2.0])
    y = x * 3.0
    g = tf.gradients(y, x, grad_ys=tf.constant([10.0, 100.0]))[0]
    np.testing.assert_allclose(run(g), [30.0, 300.0])


def test_broadcast_gradient_is_summed_to_input_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.Variable(tf.zeros([3]))
    s = tf.Variable(1.0)
    y = tf.reduce_sum((x + b) * s)
    gb, gs = tf.gradients(y, [b, s])
    feed = {x: np.arange(6, dtype=np.float32).reshape(2, 3)}
    gb_v, gs_v = run([gb, gs], feed)
    np.testing.assert_allclose(gb_v, [2.0, 2.0, 2.0])
    assert gs_v == pytest.approx(15.0)


def test_gradient_wrt_variable_through_read_snapshot():
    w = tf.Variable([[1.0], [2.0]])
    x = tf.constant([[3.0, 4.0]])
    loss = tf.reduce_sum(tf.matmul(x, w))
    np.testing.assert_allclose(run(tf.gradients(loss, w)[0]), [[3.0], [4.0]])


def test_second_order_gradient():
    x = tf.constant(3.0)
    y = x * x * x
    dy = tf.gradients(y, x)[0]
    d2y = tf.gradients(dy, x)[0]
    assert run([dy, d2y]) == [27.0, 18.0]


def test_integer_inputs_get_no_gradient():
    x = tf.constant(2)
    y = tf.cast(x, tf.float32) * 2.0
    assert tf.gradients(y, x)[0] is None
