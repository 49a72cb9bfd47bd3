"""Every public op that takes a dtype accepts TF's dtype names and aliases.

TF converts each dtype argument through ``tf.as_dtype``, which knows the
canonical names ("float32", "int64", ...) and the aliases "half", "float" and
"double" (``dtypes._STRING_TO_TF``).  TF 1.x tutorials write
``tf.placeholder("float", [None, 784])``.
"""
import numpy as np
import pytest

import minitf as tf


def test_as_dtype_knows_tf_names_and_aliases():
    assert tf.as_dtype("float") is tf.float32
    assert tf.as_dtype("half") is tf.float16
    assert tf.as_dtype("double") is tf.float64
    for d in (tf.float16, tf.float32, tf.float64, tf.int8, tf.int16, tf.int32, tf.int64,
              tf.uint8, tf.bool, tf.string):
        assert tf.as_dtype(d.name) is d
    with pytest.raises(TypeError, match="Cannot convert value 'floaty' to a TensorFlow DType"):
        tf.as_dtype("floaty")


def _init(initializer, dtype):
    return initializer(dtype=dtype)([2, 2])


# (id, build(dtype_name) -> Tensor, dtype name passed, dtype expected)
CALLS = [
    ("placeholder", lambda d: tf.placeholder(d, [None, 784]), "float", tf.float32),
    ("constant", lambda d: tf.constant(1, dtype=d), "double", tf.float64),
    ("convert_to_tensor", lambda d: tf.convert_to_tensor(1.5, dtype=d), "double", tf.float64),
    ("cast", lambda d: tf.cast([1, 2], d), "half", tf.float16),
    ("zeros", lambda d: tf.zeros([2], d), "double", tf.float64),
    ("ones", lambda d: tf.ones([2], d), "float", tf.float32),
    ("zeros_like", lambda d: tf.zeros_like([1, 2], dtype=d), "double", tf.float64),
    ("ones_like", lambda d: tf.ones_like([1, 2], dtype=d), "double", tf.float64),
    ("eye", lambda d: tf.eye(2, dtype=d), "double", tf.float64),
    ("one_hot", lambda d: tf.one_hot([0, 1], 2, dtype=d), "double", tf.float64),
    ("range", lambda d: tf.range(3, dtype=d), "int64", tf.int64),
    ("sequence_mask", lambda d: tf.sequence_mask([1, 2], 3, dtype=d), "float", tf.float32),
    ("shape", lambda d: tf.shape([1, 2], out_type=d), "int64", tf.int64),
    ("shape_n", lambda d: tf.shape_n([[1, 2]], out_type=d)[0], "int64", tf.int64),
    ("size", lambda d: tf.size([1, 2], out_type=d), "int64", tf.int64),
    ("argmax", lambda d: tf.argmax([1, 2], 0, output_type=d), "int32", tf.int32),
    ("argmin", lambda d: tf.argmin([1, 2], 0, output_type=d), "int32", tf.int32),
    ("count_nonzero", lambda d: tf.count_nonzero([1, 0], dtype=d), "int32", tf.int32),
    ("unique", lambda d: tf.unique([3, 3, 1], out_idx=d)[1], "int64", tf.int64),
    ("unique_with_counts", lambda d: tf.unique_with_counts([3, 1], out_idx=d)[2], "int64",
     tf.int64),
    ("setdiff1d", lambda d: tf.setdiff1d([1, 2], [2], index_dtype=d)[1], "int64", tf.int64),
    ("random_uniform", lambda d: tf.random_uniform([2], dtype=d, seed=1), "double", tf.float64),
    ("random_normal", lambda d: tf.random_normal([2], dtype=d, seed=1), "double", tf.float64),
    ("truncated_normal", lambda d: tf.truncated_normal([2], dtype=d, seed=1), "double",
     tf.float64),
    ("random_gamma", lambda d: tf.random_gamma([2], 1.0, dtype=d, seed=1), "double", tf.float64),
    ("random_poisson", lambda d: tf.random_poisson(1.0, [2], dtype=d, seed=1), "double",
     tf.float64),
    ("multinomial", lambda d: tf.multinomial([[0.0, 0.0]], 2, seed=1, output_dtype=d), "int32",
     tf.int32),
    ("map_fn", lambda d: tf.map_fn(lambda v: tf.cast(v, d), tf.constant([1, 2]), dtype=d),
     "double", tf.float64),
    ("Variable", lambda d: tf.Variable([1, 2], dtype=d).value(), "double", tf.float64),
    ("get_variable", lambda d: tf.get_variable("v", [2], dtype=d).value(), "double", tf.float64),
    ("zeros_initializer", lambda d: _init(tf.zeros_initializer, d), "double", tf.float64),
    ("ones_initializer", lambda d: _init(tf.ones_initializer, d), "double", tf.float64),
    ("constant_initializer", lambda d: tf.constant_initializer(2.0, dtype=d)([2]), "double",
     tf.float64),
    ("random_uniform_initializer", lambda d: _init(tf.random_uniform_initializer, d), "double",
     tf.float64),
    ("random_normal_initializer", lambda d: _init(tf.random_normal_initializer, d), "double",
     tf.float64),
    ("truncated_normal_initializer", lambda d: _init(tf.truncated_normal_initializer, d),
     "double", tf.float64),
    ("glorot_uniform_initializer", lambda d: _init(tf.glorot_uniform_initializer, d), "double",
     tf.float64),
    ("glorot_normal_initializer", lambda d: _init(tf.glorot_normal_initializer, d), "double",
     tf.float64),
    ("variance_scaling_initializer", lambda d: _init(tf.variance_scaling_initializer, d),
     "double", tf.float64),
    ("uniform_unit_scaling_initializer", lambda d: _init(tf.uniform_unit_scaling_initializer, d),
     "double", tf.float64),
    ("orthogonal_initializer", lambda d: _init(tf.orthogonal_initializer, d), "double",
     tf.float64),
    ("identity_initializer", lambda d: _init(tf.initializers.identity, d), "double", tf.float64),
]


@pytest.mark.parametrize("build, name, want", [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_dtype_argument_accepts_tf_names(build, name, want):
    with tf.Graph().as_default():
        out = build(name)
        assert out.dtype is want
        if out.op.type == "Placeholder":
            return
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run(out)
    assert np.asarray(value).dtype == want.as_numpy_dtype


def test_placeholder_float_alias_runs_a_tutorial_model():
    """The first TF 1.x MNIST tutorial's model, written with the "float" alias."""
    with tf.Graph().as_default():
        x = tf.placeholder("float", [None, 4])
        w = tf.Variable(tf.zeros([4, 3]))
        y = tf.nn.softmax(tf.matmul(x, w))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(y, {x: np.ones((2, 4), np.float32)})
    np.testing.assert_allclose(got, np.full((2, 3), 1 / 3), rtol=1e-6)
