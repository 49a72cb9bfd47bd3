"""tf.contrib.layers: contrib's names, defaults (ReLU, SAME), batch_norm, regularizers."""
import numpy as np
import pytest

import minitf as tf
from tests.layers import names, run

layers = tf.contrib.layers


RNG = np.random.RandomState(0)
IMAGES = RNG.randn(2, 6, 5, 3).astype(np.float32)


# -- fully_connected -----------------------------------------------------------------------------
def test_fully_connected_names_collections_and_relu_default():
    xv = RNG.randn(4, 3).astype(np.float32)
    y = layers.fully_connected(tf.constant(xv), 5)
    layers.fully_connected(y, 2)
    assert names(tf.global_variables()) == [
        "fully_connected/weights:0", "fully_connected/biases:0",
        "fully_connected_1/weights:0", "fully_connected_1/biases:0"]
    assert names(tf.model_variables()) == names(tf.global_variables())
    assert names(tf.trainable_variables()) == names(tf.global_variables())
    w, b = tf.global_variables()[:2]
    out, wv, bv = run([y, w, b])
    np.testing.assert_allclose(out, np.maximum(xv @ wv + bv, 0), rtol=1e-5, atol=1e-6)
    assert out.min() == 0.0


def test_fully_connected_scope_reuse_and_options():
    x = tf.ones([2, 3])
    a = layers.fully_connected(x, 4, activation_fn=None, scope="fc1")
    b = layers.fully_connected(x, 4, activation_fn=None, scope="fc1", reuse=True)
    assert names(tf.global_variables()) == ["fc1/weights:0", "fc1/biases:0"]
    va, vb = run([a, b])
    np.testing.assert_array_equal(va, vb)
    with pytest.raises(ValueError, match="Variable fc1/weights already exists, disallowed"):
        layers.fully_connected(x, 4, scope="fc1")
    layers.fully_connected(x, 4, biases_initializer=None, scope="nobias",
                           variables_collections=["mine"], outputs_collections=["outs"])
    assert names(tf.get_collection("mine")) == ["nobias/weights:0"]
    assert len(tf.get_collection("outs")) == 1
    with pytest.raises(ValueError, match="num_outputs type should be one of"):
        layers.fully_connected(x, 4.0)


def test_fully_connected_weights_regularizer():
    layers.fully_connected(tf.ones([2, 3]), 4, weights_regularizer=layers.l2_regularizer(0.3))
    (loss,) = tf.losses.get_regularization_losses()
    value, w = run([loss, tf.model_variables()[0]])
    np.testing.assert_allclose(value, 0.3 * np.sum(w ** 2) / 2, rtol=1e-5)


def test_fully_connected_with_a_normalizer_has_no_biases():
    y = layers.fully_connected(tf.constant(RNG.randn(8, 3).astype(np.float32)), 4,
                               normalizer_fn=layers.batch_norm,
                               normalizer_params={"is_training": True})
    assert names(tf.global_variables()) == [
        "fully_connected/weights:0", "fully_connected/BatchNorm/beta:0",
        "fully_connected/BatchNorm/moving_mean:0", "fully_connected/BatchNorm/moving_variance:0"]
    out = run(y)
    np.testing.assert_allclose(np.maximum(out, 0), out)   # ReLU after the normalizer


# -- conv2d -------------------------------------------------------------------------------------
def test_conv2d_defaults_are_scope_conv_same_padding_and_relu():
    x = tf.constant(IMAGES)
    y = layers.conv2d(x, 4, 3)
    assert names(tf.global_variables()) == ["Conv/weights:0", "Conv/biases:0"]
    assert names(tf.model_variables()) == ["Conv/weights:0", "Conv/biases:0"]
    assert y.shape.as_list() == [2, 6, 5, 4]
    w, b = tf.global_variables()
    ref = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + b)
    out, want = run([y, ref])
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)


def test_conv2d_scope_names_stride_and_reuse():
    x = tf.constant(IMAGES)
    layers.conv2d(x, 4, [3, 3], scope="conv1")
    y = layers.conv2d(x, 4, [3, 3], stride=2, padding="VALID", scope="conv1", reuse=True)
    z = layers.conv2d(x, 2, 1)
    assert names(tf.global_variables()) == ["conv1/weights:0", "conv1/biases:0",
                                            "Conv/weights:0", "Conv/biases:0"]
    assert y.shape.as_list() == [2, 2, 2, 4] and z.shape.as_list() == [2, 6, 5, 2]
    with pytest.raises(ValueError, match="Invalid data_format"):
        layers.conv2d(x, 2, 1, data_format="HWCN")


def test_conv2d_nchw_and_rate():
    nchw = tf.constant(IMAGES.transpose(0, 3, 1, 2))
    y = layers.conv2d(nchw, 3, 3, data_format="NCHW", activation_fn=None, rate=2)
    w, b = tf.global_variables()
    ref = tf.nn.conv2d(IMAGES, w, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1]) + b
    out, want = run([y, ref])
    np.testing.assert_allclose(out, want.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-6)


# -- pooling and flatten ---------------------------------------------------------------------------
def test_max_pool2d_defaults_valid_stride_2():
    x = IMAGES[:, :, :4, :]
    y = layers.max_pool2d(tf.constant(x), 2)
    assert y.op.name == "MaxPool2D/MaxPool" and y.shape.as_list() == [2, 3, 2, 3]
    np.testing.assert_allclose(run(y), x.reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4)))
    assert layers.max_pool2d(tf.constant(IMAGES), [3, 3]).shape.as_list() == [2, 2, 2, 3]
    same = layers.max_pool2d(tf.constant(IMAGES), 2, padding="SAME", scope="pool")
    assert same.shape.as_list() == [2, 3, 3, 3] and same.op.name == "pool/MaxPool"
    with pytest.raises(ValueError, match="data_format has to be either NCHW or NHWC."):
        layers.max_pool2d(tf.constant(IMAGES), 2, data_format="channels_last")


def test_avg_pool2d_and_flatten():
    y = layers.avg_pool2d(tf.constant(IMAGES[:, :4, :4, :]), 2)
    np.testing.assert_allclose(run(y), IMAGES[:, :4, :4, :].reshape(2, 2, 2, 2, 2, 3)
                               .mean(axis=(2, 4)), rtol=1e-6)
    f = layers.flatten(tf.constant(IMAGES))
    assert f.shape.as_list() == [2, 90] and f.op.name.startswith("Flatten/")
    np.testing.assert_array_equal(run(f), IMAGES.reshape(2, -1))


# -- batch_norm ------------------------------------------------------------------------------------
X2 = (RNG.randn(10, 3) * 2 + 1).astype(np.float32)


def test_batch_norm_variables_and_defaults():
    layers.batch_norm(tf.constant(X2))
    assert names(tf.global_variables()) == ["BatchNorm/beta:0", "BatchNorm/moving_mean:0",
                                            "BatchNorm/moving_variance:0"]   # scale=False
    assert names(tf.trainable_variables()) == ["BatchNorm/beta:0"]
    assert names(tf.model_variables()) == names(tf.global_variables())
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    layers.batch_norm(tf.constant(X2), scale=True, scope="bn")
    assert "bn/gamma:0" in names(tf.global_variables())


@pytest.mark.parametrize("data,axes,fused_update", [
    (X2, (0,), True),                                   # rank 2: TF's fused path
    (RNG.randn(4, 3, 3, 2).astype(np.float32), (0, 1, 2), True),   # rank 4: fused layer
    (RNG.randn(5, 4, 2).astype(np.float32), (0, 1), False)])       # rank 3: plain path
def test_batch_norm_training_and_the_decay_formula(data, axes, fused_update):
    y = layers.batch_norm(tf.constant(data), decay=0.9, scale=True)
    mean, var = data.mean(axes), data.var(axes)
    n = data.size / data.shape[-1]
    fed = var * n / (n - 1) if fused_update else var
    moving_mean, moving_var = tf.model_variables()[-2:]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y), (data - mean) / np.sqrt(var + 1e-3), rtol=1e-4,
                                   atol=1e-5)
        sess.run(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
        np.testing.assert_allclose(sess.run(moving_mean), 0.1 * mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(moving_var), 0.9 + 0.1 * fed, rtol=1e-5)


def test_batch_norm_updates_in_place_without_a_collection():
    y = layers.batch_norm(tf.constant(X2), decay=0.5, updates_collections=None, fused=False)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    moving_mean = tf.model_variables()[1]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y)
        np.testing.assert_allclose(sess.run(moving_mean), 0.5 * X2.mean(0), rtol=1e-5)
        sess.run(y)
        np.testing.assert_allclose(sess.run(moving_mean), 0.75 * X2.mean(0), rtol=1e-5)


def test_batch_norm_inference_and_is_training_tensor():
    is_training = tf.placeholder(tf.bool, [])
    y = layers.batch_norm(tf.constant(X2), is_training=is_training, updates_collections=None,
                          param_initializers={"moving_mean": tf.constant_initializer(2.0)})
    moving_mean = tf.model_variables()[1]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {is_training: False}),
                                   (X2 - 2.0) / np.sqrt(1.0 + 1e-3), rtol=1e-5)
        np.testing.assert_allclose(sess.run(moving_mean), 2.0)
        sess.run(y, {is_training: True})
        np.testing.assert_allclose(sess.run(moving_mean), 0.999 * 2 + 0.001 * X2.mean(0),
                                   rtol=1e-5)


# -- regularizers and initializers -----------------------------------------------------------------
def test_regularizers_equal_the_math():
    w = tf.constant([[1.0, -2.0], [3.0, -0.5]])
    l1, l2 = layers.l1_regularizer(0.2)(w), layers.l2_regularizer(0.4)(w)
    assert l1.op.name == "l1_regularizer" and l2.op.name == "l2_regularizer"
    a, b = run([l1, l2])
    np.testing.assert_allclose(a, 0.2 * 6.5, rtol=1e-6)
    np.testing.assert_allclose(b, 0.4 * (1 + 4 + 9 + 0.25) / 2, rtol=1e-6)
    assert layers.l2_regularizer(0.0)(w) is None
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="Setting a scale less than 0 on a regularizer"):
        layers.l1_regularizer(-0.1)


def test_initializers():
    w = tf.get_variable("w", [400, 300], initializer=layers.variance_scaling_initializer(
        factor=2.0, mode="FAN_IN", uniform=True, seed=1))
    x = tf.get_variable("x", [400, 300], initializer=layers.xavier_initializer(seed=2))
    wv, xv = run([w, x])
    assert np.abs(wv).max() <= np.sqrt(3 * 2.0 / 400)
    assert np.abs(xv).max() <= np.sqrt(6.0 / 700)
    np.testing.assert_allclose(wv.var(), 2.0 / 400, rtol=0.05)
    np.testing.assert_allclose(xv.var(), 2.0 / 700, rtol=0.05)
    with pytest.raises(TypeError, match="Unknown mode"):
        layers.variance_scaling_initializer(mode="FAN_MAX")


def test_dropout_keeps_with_keep_prob_while_training_and_is_the_identity_otherwise():
    x0 = np.ones((50, 40), np.float32)
    with tf.Graph().as_default():
        x = tf.constant(x0)
        training = tf.placeholder(tf.bool, [])
        y = tf.contrib.layers.dropout(x, keep_prob=0.25, is_training=training, seed=4)
        same = tf.contrib.layers.dropout(x, keep_prob=0.25, is_training=False)
        assert y.name.startswith("Dropout/")
        with tf.Session() as sess:
            kept = sess.run(y, {training: True})
            np.testing.assert_array_equal(sess.run(y, {training: False}), x0)
            np.testing.assert_array_equal(sess.run(same), x0)
    assert set(np.unique(kept)) <= {0.0, 4.0}  # kept entries are scaled by 1 / keep_prob
    assert abs(np.mean(kept == 4.0) - 0.25) < 0.05
