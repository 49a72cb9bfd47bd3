"""tf.layers batch normalization: variables, batch and moving statistics, update ops."""
import numpy as np
import pytest

import minitf as tf


RNG = np.random.RandomState(0)
X2 = (RNG.randn(16, 3) * [1.0, 2.0, 0.5] + [0.0, 3.0, -1.0]).astype(np.float32)
X4 = (RNG.randn(4, 3, 5, 2) * [1.0, 3.0] + [2.0, -1.0]).astype(np.float32)


def normalize(x, mean, var, beta, gamma, eps):
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def test_variables_names_collections_and_updates():
    y = tf.layers.batch_normalization(tf.constant(X2), training=True)
    assert [v.name for v in tf.global_variables()] == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert [v.name for v in tf.trainable_variables()] == ["batch_normalization/gamma:0",
                                                          "batch_normalization/beta:0"]
    assert all(v.shape.as_list() == [3] for v in tf.global_variables())
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert [op.name for op in updates] == ["batch_normalization/AssignMovingAvg",
                                           "batch_normalization/AssignMovingAvg_1"]
    assert y.shape.as_list() == [16, 3]
    tf.layers.batch_normalization(tf.constant(X2), training=False)
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2   # inference adds no update


def test_class_form_attributes_and_center_scale_off():
    bn = tf.layers.BatchNormalization(center=False, scale=False)
    bn(tf.constant(X2), training=True)
    assert bn.gamma is None and bn.beta is None
    assert bn.trainable_variables == [] and bn.variables == [bn.moving_mean, bn.moving_variance]
    assert len(bn.updates) == 2


def test_training_uses_batch_statistics_and_updates_move_by_momentum():
    x = tf.constant(X2)
    bn = tf.layers.BatchNormalization(momentum=0.9, epsilon=1e-2,
                                      beta_initializer=tf.constant_initializer(0.5),
                                      gamma_initializer=tf.constant_initializer(2.0))
    y = bn(x, training=True)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    mean, var = X2.mean(0), X2.var(0)      # the biased variance, as nn.moments
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y), normalize(X2, mean, var, 0.5, 2.0, 1e-2),
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(sess.run(bn.moving_mean), 0)   # y alone updates nothing
        m, v = np.zeros(3), np.ones(3)
        for _ in range(2):
            sess.run(updates)
            m, v = 0.9 * m + 0.1 * mean, 0.9 * v + 0.1 * var
            got_m, got_v = sess.run([bn.moving_mean, bn.moving_variance])
            np.testing.assert_allclose(got_m, m, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(got_v, v, rtol=1e-5)


def test_inference_uses_the_moving_statistics():
    bn = tf.layers.BatchNormalization(moving_mean_initializer=tf.constant_initializer(1.0),
                                      moving_variance_initializer=tf.constant_initializer(4.0))
    y = bn(tf.constant(X2))       # training defaults to False
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y), normalize(X2, 1.0, 4.0, 0.0, 1.0, 1e-3),
                                   rtol=1e-5, atol=1e-6)


def test_training_flag_as_a_bool_tensor():
    training = tf.placeholder(tf.bool, [])
    bn = tf.layers.BatchNormalization(momentum=0.5)
    y = bn(tf.constant(X2), training=training)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    mean, var = X2.mean(0), X2.var(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {training: False}),
                                   normalize(X2, 0.0, 1.0, 0.0, 1.0, 1e-3), rtol=1e-5)
        sess.run(updates, {training: False})          # not training: no change
        np.testing.assert_allclose(sess.run(bn.moving_variance), 1.0)
        np.testing.assert_allclose(sess.run(y, {training: True}),
                                   normalize(X2, mean, var, 0.0, 1.0, 1e-3), rtol=1e-4,
                                   atol=1e-5)
        sess.run(updates, {training: True})
        np.testing.assert_allclose(sess.run(bn.moving_mean), 0.5 * mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(bn.moving_variance), 0.5 + 0.5 * var, rtol=1e-5)


@pytest.mark.parametrize("axis,data", [(-1, X4), (1, X4.transpose(0, 3, 1, 2))])
def test_4d_inputs_take_the_fused_path(axis, data):
    # TF 1.x normalizes a 4-D input over its channels with FusedBatchNorm: the output uses
    # the biased batch variance, the moving variance is fed the unbiased one.
    training = tf.placeholder(tf.bool, [])
    bn = tf.layers.BatchNormalization(axis=axis, momentum=0.8)
    y = bn(tf.constant(data), training=training)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    nhwc = X4
    mean, var = nhwc.mean((0, 1, 2)), nhwc.var((0, 1, 2))
    n = nhwc.size / 2
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {training: True})
        if axis == 1:
            out = out.transpose(0, 2, 3, 1)
        np.testing.assert_allclose(out, normalize(nhwc, mean, var, 0.0, 1.0, 1e-3), rtol=1e-4,
                                   atol=1e-5)
        sess.run(updates, {training: True})
        np.testing.assert_allclose(sess.run(bn.moving_mean), 0.2 * mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(bn.moving_variance),
                                   0.8 + 0.2 * var * n / (n - 1), rtol=1e-5)
        sess.run(updates, {training: False})          # momentum 1: no change
        np.testing.assert_allclose(sess.run(bn.moving_mean), 0.2 * mean, rtol=1e-5, atol=1e-6)


def test_fused_false_feeds_the_biased_variance_on_4d_inputs():
    bn = tf.layers.BatchNormalization(momentum=0.0, fused=False)
    bn(tf.constant(X4), training=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
        np.testing.assert_allclose(sess.run(bn.moving_variance), X4.var((0, 1, 2)), rtol=1e-5)


def test_reuse_and_errors():
    x = tf.constant(X2)
    tf.layers.batch_normalization(x, training=True, name="bn")
    tf.layers.batch_normalization(x, training=True, name="bn", reuse=True)
    assert len(tf.global_variables()) == 4 and len(tf.get_collection("update_ops")) == 4
    with pytest.raises(ValueError, match="Variable bn/gamma already exists, disallowed"):
        tf.layers.batch_normalization(x, name="bn")
    with pytest.raises(ValueError, match="Invalid axis: 5"):
        tf.layers.batch_normalization(x, axis=5)
    with pytest.raises(ValueError, match="Input has undefined `axis` dimension"):
        tf.layers.batch_normalization(tf.placeholder(tf.float32, [None, None]))
    with pytest.raises(TypeError, match="axis must be int or list"):
        tf.layers.BatchNormalization(axis="x")


def test_gradients_flow_to_gamma_and_beta():
    xv = X2.astype(np.float64)
    weights = RNG.randn(16, 3)
    bn = tf.layers.BatchNormalization()
    loss = tf.reduce_sum(bn(tf.constant(xv), training=True) * weights)
    g_gamma, g_beta = tf.gradients(loss, [bn.gamma, bn.beta])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        gg, gb = sess.run([g_gamma, g_beta])
    xhat = (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3)
    np.testing.assert_allclose(gb, weights.sum(0), rtol=1e-10)
    np.testing.assert_allclose(gg, (weights * xhat).sum(0), rtol=1e-8)
