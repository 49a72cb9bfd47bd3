"""Variables: initializers, assign ops and per-session values."""
import numpy as np
import pytest

import minitf as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def test_assign_add_and_sub_return_new_value():
    v = tf.Variable([1.0, 2.0])
    add, sub = v.assign_add([1.0, 1.0]), v.assign_sub([0.5, 0.5])
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_allclose(sess.run(add), [2.0, 3.0])
        np.testing.assert_allclose(sess.run(sub), [1.5, 2.5])
        np.testing.assert_allclose(v.eval(), [1.5, 2.5])


def test_assign_add_shape_mismatch_is_invalid_argument():
    v = tf.Variable([1.0, 2.0])
    d = tf.placeholder(tf.float32)
    op = v.assign_add(d)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(op, {d: [1.0, 2.0, 3.0]})


def test_variable_names_dtype_shape_and_initial_value():
    with tf.name_scope("layer"):
        w = tf.Variable(tf.zeros([784, 10]), name="W")
    assert w.name == "layer/W:0"
    assert w.op.name == "layer/W"
    assert w.initializer.name == "layer/W/Assign"
    assert w.value().name == "layer/W/read:0"
    assert w.dtype == tf.float32 and w.shape.as_list() == [784, 10]
    v = tf.Variable(1, dtype=tf.float64)
    assert v.dtype == tf.float64


def test_variable_needs_static_shape_unless_validate_shape_false():
    p = tf.placeholder(tf.float32, [None])
    with pytest.raises(ValueError, match="shape"):
        tf.Variable(p)
    v = tf.Variable(p, validate_shape=False)
    with tf.Session() as sess:
        sess.run(v.initializer, {p: [1.0, 2.0, 3.0]})
        assert sess.run(v).shape == (3,)


def test_load_sets_value_in_one_session():
    v = tf.Variable(0.0)
    with tf.Session() as s1, tf.Session() as s2:
        s1.run(v.initializer)
        s2.run(v.initializer)
        v.load(5.0, s1)
        assert s1.run(v) == 5.0 and s2.run(v) == 0.0
