"""variable_scope / get_variable: names, sharing, reuse errors, inherited defaults."""
import math

import numpy as np
import pytest

import minitf as tf
from minitf.kernels import philox


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def values(*tensors):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(tensors))


# -- names ---------------------------------------------------------------------------------
def test_variable_names_come_from_variable_scope_op_names_from_name_scope():
    with tf.variable_scope("foo"):
        with tf.name_scope("bar"):
            v = tf.get_variable("v", [1])
            x = 1.0 + v
    assert v.name == "foo/v:0"
    assert x.op.name == "foo/bar/add"


def test_nested_scopes_and_scope_attributes():
    with tf.variable_scope("a") as a:
        with tf.variable_scope("b") as b:
            v = tf.get_variable("v", [2])
            c = tf.constant(1.0)
    assert v.name == "a/b/v:0" and c.name == "a/b/Const:0"
    assert (a.name, a.original_name_scope) == ("a", "a/")
    assert (b.name, b.original_name_scope) == ("a/b", "a/b/")
    assert tf.get_variable_scope().name == ""
    assert tf.get_variable_scope().reuse is False


def test_initializer_ops_live_in_the_variables_name_scope():
    with tf.variable_scope("foo"):
        with tf.name_scope("bar"):
            tf.get_variable("v", [3, 4])
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "foo/v/Initializer/random_uniform" in names
    assert "foo/v/Initializer/random_uniform/RandomUniform" in names
    assert "foo/v" in names and "foo/v/Assign" in names and "foo/v/read" in names


def test_reentering_a_scope_object():
    with tf.variable_scope("foo") as scope:
        v = tf.get_variable("v", [1])
    with tf.variable_scope(scope, reuse=True) as again:
        v2 = tf.get_variable("v", [1])
        c = tf.constant(0)
    assert v2 is v
    assert again.name == "foo" and again.original_name_scope == "foo/"
    assert c.op.name == "foo_1/Const"          # a new name scope, as in TF 1.x
    with tf.name_scope(scope.original_name_scope):
        d = tf.constant(0)
    assert d.op.name == "foo/Const"


def test_default_name_is_made_unique():
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="layer"):
            names.append(tf.get_variable("w", [1]).name)
    assert names == ["layer/w:0", "layer_1/w:0", "layer_2/w:0"]
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope"):
        tf.variable_scope(None)
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="x", reuse=True):
            pass


def test_auxiliary_name_scope_false():
    with tf.variable_scope("outer"):
        with tf.variable_scope("inner", auxiliary_name_scope=False):
            v = tf.get_variable("v", [1])
            c = tf.constant(0)
    assert v.name == "outer/inner/v:0" and c.op.name == "outer/Const"


# -- sharing and errors ---------------------------------------------------------------------
def test_existing_variable_without_reuse_raises():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [1])
    with pytest.raises(ValueError) as info:
        with tf.variable_scope("foo"):
            tf.get_variable("v", [1])
    msg = str(info.value)
    assert msg.startswith("Variable foo/v already exists, disallowed. Did you mean to set "
                          "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:")
    assert "test_variable_scope.py" in msg


def test_missing_variable_with_reuse_raises():
    with pytest.raises(ValueError) as info:
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("v", [1])
    assert str(info.value) == ("Variable foo/v does not exist, or was not created with "
                               "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                               "VarScope?")


def test_reuse_returns_the_same_variable():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [2, 3])
    with tf.variable_scope("foo", reuse=True):
        assert tf.get_variable("v", [2, 3]) is v
        assert tf.get_variable("v") is v            # shape may be left out
    assert len(tf.global_variables()) == 1


def test_auto_reuse():
    def layer():
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", [2])
    a, b = layer(), layer()
    assert a is b
    assert tf.trainable_variables() == [a]


def test_reuse_variables_and_inheritance():
    with tf.variable_scope("foo") as scope:
        v = tf.get_variable("v", [1])
        with tf.variable_scope("bar"):
            u = tf.get_variable("u", [1])
        scope.reuse_variables()
        assert tf.get_variable_scope().reuse is True
        assert tf.get_variable("v", [1]) is v
        with tf.variable_scope("bar"):
            assert tf.get_variable_scope().reuse is True      # inherited
            assert tf.get_variable("u", [1]) is u
        with tf.variable_scope("bar", reuse=False):           # False means "inherit"
            assert tf.get_variable("u") is u


def test_shape_and_dtype_mismatch_on_reuse():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [1])
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError, match=r"Trying to share variable foo/v, but specified "
                                             r"shape \(2,\) and found shape \(1,\)\."):
            tf.get_variable("v", [2])
        with pytest.raises(ValueError, match="Trying to share variable foo/v, but specified "
                                             "dtype float64 and found dtype float32."):
            tf.get_variable("v", [1], dtype=tf.float64)


def test_store_is_per_graph():
    tf.get_variable("v", [1])
    with tf.Graph().as_default():
        assert tf.get_variable("v", [1]).name == "v:0"


# -- initializers and other defaults -----------------------------------------------------------
def test_default_initializer_is_glorot_uniform_for_floats_zeros_for_ints():
    tf.set_random_seed(5)
    w = tf.get_variable("w", [30, 50])
    i = tf.get_variable("i", [3], dtype=tf.int32)
    b = tf.get_variable("b", [2], dtype=tf.bool)
    gw, gi, gb = values(w, i, b)
    limit = np.float32(math.sqrt(6.0 / 80))
    want = philox.uniform(5, 0, 0, 1500).reshape(30, 50) * (limit - -limit) + -limit
    np.testing.assert_array_equal(gw, want)
    np.testing.assert_array_equal(gi, [0, 0, 0])
    np.testing.assert_array_equal(gb, [False, False])


def test_scope_initializer_is_inherited_and_overridable():
    with tf.variable_scope("s", initializer=tf.constant_initializer(3.0)):
        a = tf.get_variable("a", [2])
        with tf.variable_scope("inner"):
            b = tf.get_variable("b", [2])
            c = tf.get_variable("c", [2], initializer=tf.ones_initializer())
        with tf.variable_scope("inner2", initializer=tf.zeros_initializer()):
            d = tf.get_variable("d", [1])
    ga, gb, gc, gd = values(a, b, c, d)
    np.testing.assert_array_equal(ga, [3, 3])
    np.testing.assert_array_equal(gb, [3, 3])
    np.testing.assert_array_equal(gc, [1, 1])
    np.testing.assert_array_equal(gd, [0])


def test_initializer_class_value_and_tensor():
    a = tf.get_variable("a", [2], initializer=tf.ones_initializer)    # a class is instantiated
    b = tf.get_variable("b", initializer=tf.constant([[1.0, 2.0]]))
    c = tf.get_variable("c", initializer=np.arange(3, dtype=np.float64))
    assert b.shape.as_list() == [1, 2] and c.dtype == tf.float64
    ga, gb, gc = values(a, b, c)
    np.testing.assert_array_equal(ga, [1, 1])
    np.testing.assert_array_equal(gb, [[1, 2]])
    np.testing.assert_array_equal(gc, [0, 1, 2])
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape."):
        tf.get_variable("d", [2], initializer=tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="Initializer type 'float32' and explicit dtype "
                                         "'float64' don't match."):
        tf.get_variable("e", initializer=tf.constant([1.0]), dtype=tf.float64)
    with pytest.raises(ValueError, match="The initializer passed is not valid"):
        tf.get_variable("f", initializer=tf.zeros_initializer())


def test_scope_dtype():
    with tf.variable_scope("d", dtype=tf.float64):
        v = tf.get_variable("v", [2])
        with tf.variable_scope("in"):
            u = tf.get_variable("u", [2])
    assert v.dtype == tf.float64 and u.dtype == tf.float64


def test_regularizer_adds_loss():
    with tf.variable_scope("r", regularizer=lambda w: tf.reduce_sum(w) * 2.0):
        v = tf.get_variable("v", [3], initializer=tf.ones_initializer())
        tf.get_variable("u", [3], regularizer=tf.no_regularizer)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1
    assert losses[0].op.name.startswith("r/v/Regularizer/")
    assert values(losses[0])[0] == 6.0
    assert v in tf.trainable_variables()


def test_trainable_collections_and_local_variables():
    a = tf.get_variable("a", [1], trainable=False)
    b = tf.get_local_variable("b", [1])
    c = tf.get_variable("c", [1], collections=["mine"])
    assert a in tf.global_variables() and a not in tf.trainable_variables()
    assert b in tf.local_variables() and b not in tf.global_variables()
    assert b not in tf.trainable_variables()
    assert tf.get_collection("mine") == [c] and c in tf.trainable_variables()


def test_custom_getter_composes():
    seen = []

    def outer(getter, name, *args, **kwargs):
        seen.append(("outer", name))
        return getter(name, *args, **kwargs)

    def inner(getter, name, *args, **kwargs):
        seen.append(("inner", name))
        kwargs["trainable"] = False
        return getter(name, *args, **kwargs)

    with tf.variable_scope("g", custom_getter=outer):
        with tf.variable_scope("h", custom_getter=inner):
            v = tf.get_variable("v", [1])
    assert seen == [("inner", "g/h/v"), ("outer", "g/h/v")]
    assert v.name == "g/h/v:0" and v not in tf.trainable_variables()


def test_scope_collections():
    with tf.variable_scope("m") as m:
        v = tf.get_variable("v", [1])
    tf.get_variable("other", [1])
    assert m.global_variables() == [v] and m.trainable_variables() == [v]


def test_variables_made_in_cond_live_outside_it():
    def branch():
        with tf.variable_scope("c", reuse=tf.AUTO_REUSE):
            return tf.get_variable("v", [], initializer=tf.constant_initializer(4.0)) + 1.0
    out = tf.cond(tf.constant(True), branch, branch)
    v = tf.global_variables()[0]
    assert v.op._ctx is None
    assert values(out)[0] == 5.0
