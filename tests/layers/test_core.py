"""tf.layers base behaviour, Dense, Dropout and Flatten: names, sharing, values, errors."""
import numpy as np
import pytest

import minitf as tf
from tests.layers import names, run


# -- names, shapes, collections ------------------------------------------------------------------
def test_dense_variables_are_named_and_shaped_as_in_tf():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.layers.dense(x, 3)
    tf.layers.dense(y, 2)
    assert names(tf.global_variables()) == ["dense/kernel:0", "dense/bias:0",
                                            "dense_1/kernel:0", "dense_1/bias:0"]
    assert names(tf.trainable_variables()) == names(tf.global_variables())
    shapes = [v.shape.as_list() for v in tf.global_variables()]
    assert shapes == [[4, 3], [3], [3, 2], [2]]
    assert y.op.name == "dense/BiasAdd" and y.shape.as_list() == [None, 3]


def test_dense_class_exposes_its_variables():
    layer = tf.layers.Dense(5, name="fc")
    assert not layer.built and layer.variables == []
    layer(tf.zeros([2, 3]))
    assert layer.built
    assert layer.kernel.name == "fc/kernel:0" and layer.bias.name == "fc/bias:0"
    assert layer.trainable_variables == [layer.kernel, layer.bias]
    assert layer.variables == layer.weights == [layer.kernel, layer.bias]
    assert layer.non_trainable_variables == []
    assert layer.name == "fc" and layer.scope_name == "fc"


def test_unnamed_layer_objects_get_unique_names_and_scopes():
    a, b = tf.layers.Dense(2), tf.layers.Dense(2)
    assert (a.name, b.name) == ("dense", "dense_1")
    a(tf.zeros([1, 3]))
    b(tf.zeros([1, 3]))
    assert a.kernel.name == "dense/kernel:0" and b.kernel.name == "dense_1/kernel:0"
    assert tf.layers.Conv2DTranspose(1, 1).name == "conv2d_transpose"
    assert tf.layers.BatchNormalization().name == "batch_normalization"
    assert tf.layers.MaxPooling2D(2, 2).name == "max_pooling2d"


def test_no_bias_and_not_trainable():
    layer = tf.layers.Dense(2, use_bias=False, trainable=False)
    layer(tf.zeros([1, 3]))
    assert layer.bias is None and names(tf.global_variables()) == ["dense/kernel:0"]
    assert tf.trainable_variables() == []
    assert layer.trainable_variables == [] and layer.non_trainable_variables == [layer.kernel]


def test_layers_inside_a_variable_scope():
    with tf.variable_scope("model"):
        y = tf.layers.dense(tf.zeros([1, 3]), 2)
    assert names(tf.global_variables()) == ["model/dense/kernel:0", "model/dense/bias:0"]
    assert y.op.name == "model/dense/BiasAdd"


# -- values --------------------------------------------------------------------------------------
def test_dense_is_x_kernel_plus_bias_with_its_own_variables():
    rng = np.random.RandomState(0)
    xv = rng.randn(5, 4).astype(np.float32)
    layer = tf.layers.Dense(3, activation=tf.nn.relu, bias_initializer=tf.ones_initializer())
    y = layer(tf.constant(xv))
    out, w, b = run([y, layer.kernel, layer.bias])
    np.testing.assert_allclose(b, np.ones(3))
    np.testing.assert_allclose(out, np.maximum(xv @ w + b, 0), rtol=1e-5, atol=1e-6)


def test_default_kernel_initializer_is_glorot_uniform():
    kernel = tf.layers.Dense(300)(tf.zeros([1, 200]))
    w = run(tf.global_variables()[0])
    limit = np.sqrt(6.0 / (200 + 300))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.95 * limit
    assert abs(w.var() - limit ** 2 / 3) < 0.05 * limit ** 2 / 3  # U(-r, r) has variance r²/3
    assert kernel.shape.as_list() == [1, 300]


def test_dense_contracts_the_last_axis_of_a_rank_3_input():
    xv = np.random.RandomState(1).randn(2, 3, 4).astype(np.float32)
    layer = tf.layers.Dense(5)
    y = layer(tf.constant(xv))
    assert y.shape.as_list() == [2, 3, 5]
    out, w, b = run([y, layer.kernel, layer.bias])
    np.testing.assert_allclose(out, np.einsum("btd,du->btu", xv, w) + b, rtol=1e-5, atol=1e-6)


def test_float64_inputs_make_float64_variables():
    layer = tf.layers.Dense(2)
    layer(tf.zeros([1, 3], tf.float64))
    assert layer.kernel.dtype.base_dtype == tf.float64 and layer.dtype == "float64"


def test_string_activation_names():
    y = tf.layers.dense(tf.constant([[-1.0, 2.0]]), 2, activation="relu",
                        kernel_initializer=tf.ones_initializer())
    np.testing.assert_allclose(run(y), [[1.0, 1.0]])


# -- sharing -------------------------------------------------------------------------------------
def test_a_layer_called_twice_shares_its_variables():
    layer = tf.layers.Dense(2)
    y1 = layer(tf.ones([1, 3]))
    y2 = layer(2 * tf.ones([1, 3]))
    assert len(tf.global_variables()) == 2
    assert y1.op.name == "dense/BiasAdd" and y2.op.name == "dense/BiasAdd_1"
    a, b, bias = run([y1, y2, layer.bias])
    np.testing.assert_allclose(b - bias, 2 * (a - bias), rtol=1e-5)


def test_reuse_true_shares_by_name():
    x = tf.ones([1, 3])
    y1 = tf.layers.dense(x, 2, name="fc")
    y2 = tf.layers.dense(x, 2, name="fc", reuse=True)
    assert names(tf.global_variables()) == ["fc/kernel:0", "fc/bias:0"]
    a, b = run([y1, y2])
    np.testing.assert_array_equal(a, b)


def test_reuse_through_a_reusing_variable_scope():
    def model(x):
        h = tf.layers.dense(x, 4, activation=tf.nn.relu)
        return tf.layers.dense(h, 1)
    with tf.variable_scope("net"):
        a = model(tf.ones([1, 3]))
    with tf.variable_scope("net", reuse=True):
        b = model(tf.ones([1, 3]))
    assert names(tf.global_variables()) == ["net/dense/kernel:0", "net/dense/bias:0",
                                            "net/dense_1/kernel:0", "net/dense_1/bias:0"]
    va, vb = run([a, b])
    np.testing.assert_array_equal(va, vb)


def test_unnamed_functional_layer_with_reuse_true_reuses_the_first():
    tf.layers.dense(tf.ones([1, 3]), 2)
    tf.layers.dense(tf.ones([1, 3]), 2, reuse=True)
    assert names(tf.global_variables()) == ["dense/kernel:0", "dense/bias:0"]


def test_same_name_without_reuse_raises_tfs_error():
    tf.layers.dense(tf.ones([1, 3]), 2, name="dense")
    with pytest.raises(ValueError, match=r"Variable dense/kernel already exists, disallowed\. "
                                         r"Did you mean to set reuse=True or "
                                         r"reuse=tf\.AUTO_REUSE in VarScope\?"):
        tf.layers.dense(tf.ones([1, 3]), 2, name="dense")


def test_reuse_of_a_missing_layer_raises_tfs_error():
    with pytest.raises(ValueError, match="Variable fc/kernel does not exist, or was not created "
                                         "with tf.get_variable"):
        tf.layers.dense(tf.ones([1, 3]), 2, name="fc", reuse=True)


def test_reuse_with_another_input_size_raises_tfs_error():
    tf.layers.dense(tf.ones([1, 3]), 2, name="fc")
    with pytest.raises(ValueError, match=r"Trying to share variable fc/kernel, but specified "
                                         r"shape \(4, 2\) and found shape \(3, 2\)"):
        tf.layers.dense(tf.ones([1, 4]), 2, name="fc", reuse=True)


def test_a_built_layer_rejects_another_input_depth():
    layer = tf.layers.Dense(2)
    layer(tf.ones([1, 3]))
    with pytest.raises(ValueError, match="Input 0 of layer dense is incompatible with the layer: "
                                         "expected axis -1 of input shape to have value 3"):
        layer(tf.ones([1, 4]))


def test_dense_input_errors():
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        tf.layers.dense(tf.ones([3]), 2)
    with pytest.raises(ValueError, match="The last dimension of the inputs to `Dense` should be "
                                         "defined. Found `None`."):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        tf.layers.Dense(2, bogus=1)


# -- regularizers --------------------------------------------------------------------------------
def test_regularizer_losses_are_collected_and_equal_the_math():
    layer = tf.layers.Dense(3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1),
                            bias_regularizer=tf.contrib.layers.l1_regularizer(0.5),
                            bias_initializer=tf.constant_initializer(-2.0))
    layer(tf.ones([1, 4]))
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert losses == layer.losses and len(losses) == 2
    assert losses[0].op.name == "dense/kernel/Regularizer/l2_regularizer"
    l2, l1, w = run(losses + [layer.kernel])
    np.testing.assert_allclose(l2, 0.1 * np.sum(w ** 2) / 2, rtol=1e-5)
    np.testing.assert_allclose(l1, 0.5 * 3 * 2.0, rtol=1e-6)
    layer(tf.ones([2, 4]))   # a second call adds no second loss
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 2


def test_reused_variables_add_no_second_regularization_loss():
    reg = tf.contrib.layers.l2_regularizer(1.0)
    tf.layers.dense(tf.ones([1, 3]), 2, kernel_regularizer=reg, name="fc")
    tf.layers.dense(tf.ones([1, 3]), 2, kernel_regularizer=reg, name="fc", reuse=True)
    assert len(tf.losses.get_regularization_losses()) == 1


def test_activity_regularizer_is_averaged_over_the_batch():
    y = tf.layers.dense(tf.ones([4, 2]), 3, kernel_initializer=tf.ones_initializer(),
                        activity_regularizer=tf.reduce_sum)
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    out, value = run([y, loss])
    np.testing.assert_allclose(value, out.sum() / 4)


# -- dropout ----------------------------------------------------------------------------------
def test_dropout_is_the_identity_when_not_training():
    xv = np.random.RandomState(2).randn(4, 5).astype(np.float32)
    np.testing.assert_array_equal(run(tf.layers.dropout(tf.constant(xv), 0.5)), xv)
    layer = tf.layers.Dropout(0.9)
    np.testing.assert_array_equal(run(layer(tf.constant(xv), training=False)), xv)


def test_dropout_in_training_keeps_and_scales_as_nn_dropout_with_the_seed():
    xv = np.random.RandomState(3).rand(50, 40).astype(np.float32) + 1.0
    tf.set_random_seed(7)
    y = tf.layers.dropout(tf.constant(xv), rate=0.25, seed=11, training=True)
    out = run(y)
    kept = out != 0
    np.testing.assert_allclose(out[kept], xv[kept] / 0.75, rtol=1e-6)
    assert abs(kept.mean() - 0.75) < 0.03
    with tf.Graph().as_default():
        tf.set_random_seed(7)
        reference = run(tf.nn.dropout(tf.constant(xv), rate=0.25, seed=11))
    np.testing.assert_array_equal(out, reference)


def test_dropout_training_flag_as_a_bool_tensor():
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.dropout(tf.ones([200]), rate=0.5, training=training, seed=1)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {training: False}), np.ones(200))
        out = sess.run(y, {training: True})
    assert set(np.unique(out)) == {0.0, 2.0}


def test_dropout_noise_shape_drops_whole_rows():
    y = tf.layers.dropout(tf.ones([30, 6]), 0.5, noise_shape=[None, 1], seed=4, training=True)
    out = run(y)
    assert all(len(set(row)) == 1 for row in out) and set(np.unique(out)) == {0.0, 2.0}


# -- flatten -----------------------------------------------------------------------------------
def test_flatten_values_and_shapes():
    xv = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    y = tf.layers.flatten(tf.constant(xv))
    assert y.shape.as_list() == [2, 60]
    np.testing.assert_array_equal(run(y), xv.reshape(2, -1))
    p = tf.placeholder(tf.float32, [None, 3, None])
    z = tf.layers.flatten(p)
    assert z.shape.as_list() == [None, None]
    assert run(z, {p: np.zeros((4, 3, 2))}).shape == (4, 6)
    assert tf.layers.flatten(tf.zeros([5])).shape.as_list() == [5, 1]


def test_flatten_channels_first_moves_channels_last():
    xv = np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2)
    y = tf.layers.Flatten(data_format="channels_first")(tf.constant(xv))
    np.testing.assert_array_equal(run(y), xv.transpose(0, 2, 3, 1).reshape(2, -1))


def test_a_custom_layer_subclass():
    class Scale(tf.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", [input_shape[-1].value],
                                     initializer=tf.constant_initializer(3.0))

        def call(self, inputs):
            return inputs * self.w

    layer = Scale()
    y = layer(tf.ones([2, 4]))
    assert layer.built and layer.name == "scale" and layer.w.name == "scale/w:0"
    assert layer.variables == [layer.w] == tf.trainable_variables()
    np.testing.assert_allclose(run(y), 3 * np.ones((2, 4)))
