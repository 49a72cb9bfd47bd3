"""Helpers the tf.layers / contrib.layers tests share (each test gets a fresh graph: conftest)."""
import minitf as tf


def run(fetches, feed=None):
    """``fetches`` in a new session, after initializing the graph's variables."""
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def names(variables):
    return [v.name for v in variables]
