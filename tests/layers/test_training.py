"""A small convnet trained a few steps with each API: its loss goes down."""
import numpy as np
import pytest

import minitf as tf

RNG = np.random.RandomState(0)
IMAGES = RNG.rand(32, 8, 8, 1).astype(np.float32)
LABELS = (IMAGES[:, :4].mean(axis=(1, 2, 3)) > IMAGES[:, 4:].mean(axis=(1, 2, 3))).astype(
    np.int64)


def core_model(x, training):
    h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.batch_normalization(h, training=training)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.conv2d_transpose(h, 2, 2, strides=2, activation=tf.nn.relu)
    h = tf.layers.average_pooling2d(h, 2, 2)
    h = tf.layers.dropout(tf.layers.flatten(h), rate=0.1, training=training, seed=1)
    h = tf.layers.dense(h, 16, activation=tf.nn.relu,
                        kernel_regularizer=tf.contrib.layers.l2_regularizer(1e-4))
    return tf.layers.dense(h, 2)


def contrib_model(x, training):
    h = tf.contrib.layers.conv2d(x, 4, 3, normalizer_fn=tf.contrib.layers.batch_norm,
                                 normalizer_params={"is_training": training})
    h = tf.contrib.layers.max_pool2d(h, 2)
    h = tf.contrib.layers.flatten(h)
    h = tf.contrib.layers.fully_connected(
        h, 16, weights_regularizer=tf.contrib.layers.l2_regularizer(1e-4))
    return tf.contrib.layers.fully_connected(h, 2, activation_fn=None)


@pytest.mark.parametrize("model", [core_model, contrib_model])
def test_a_few_training_steps_decrease_the_loss(model):
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 8, 8, 1])
        y = tf.placeholder(tf.int64, [None])
        training = tf.placeholder_with_default(False, [])
        logits = model(x, training)
        loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
        total = loss + tf.losses.get_regularization_loss()
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = tf.train.AdamOptimizer(0.01).minimize(total)
        feed = {x: IMAGES, y: LABELS}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = sess.run(loss, feed)
            for _ in range(30):
                sess.run(train_op, {x: IMAGES, y: LABELS, training: True})
            after = sess.run(loss, feed)
    assert after < 0.8 * before, (before, after)
