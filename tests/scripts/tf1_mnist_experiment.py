"""A TF 1.x experiment script in the style of the era, run unchanged by minitf.run.

A two-layer classifier on MNIST with flags, variable scopes, Adam, a
decaying learning rate, summaries and a Saver; prints its test accuracy.
"""
import os

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

flags = tf.app.flags
flags.DEFINE_string("logdir", "/tmp/tf1_mnist_experiment", "where logs and checkpoints go")
flags.DEFINE_integer("steps", 600, "training steps")
flags.DEFINE_integer("hidden", 64, "hidden units")
FLAGS = flags.FLAGS


def dense(inputs, units, name, activation=None):
    with tf.variable_scope(name):
        w = tf.get_variable("weights", [inputs.get_shape()[1].value, units])
        b = tf.get_variable("biases", [units], initializer=tf.zeros_initializer())
        out = tf.nn.bias_add(tf.matmul(inputs, w), b)
        return activation(out) if activation else out


def main(_):
    tf.logging.set_verbosity(tf.logging.WARN)
    data = input_data.read_data_sets("unused", one_hot=True)
    tf.set_random_seed(1)
    images = tf.placeholder(tf.float32, [None, 784], name="images")
    labels = tf.placeholder(tf.float32, [None, 10], name="labels")
    hidden = dense(images, FLAGS.hidden, "hidden", tf.nn.relu)
    logits = dense(hidden, 10, "logits")
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                        logits=logits))
        tf.summary.scalar("cross_entropy", loss)
    step = tf.train.get_or_create_global_step()
    rate = tf.train.exponential_decay(0.005, step, 200, 0.5, staircase=True)
    train = tf.train.AdamOptimizer(rate).minimize(loss, global_step=step)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    summaries = tf.summary.merge_all()
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        writer = tf.summary.FileWriter(FLAGS.logdir, sess.graph)
        for _ in range(FLAGS.steps):
            xs, ys = data.train.next_batch(64)
            _, summary, n = sess.run([train, summaries, step], {images: xs, labels: ys})
            if n % 100 == 0:
                writer.add_summary(summary, n)
                saver.save(sess, os.path.join(FLAGS.logdir, "model"), global_step=n)
        writer.close()
        acc = sess.run(accuracy, {images: data.test.images, labels: data.test.labels})
    print("test accuracy %.3f" % acc)
    print("latest checkpoint %s" % tf.train.latest_checkpoint(FLAGS.logdir))


if __name__ == "__main__":
    tf.app.run()
