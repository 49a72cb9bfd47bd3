"""RNN programs run under either engine, printing their results as JSON.

    python rnn_program.py minitf|tf values
    python rnn_program.py minitf|tf save DIR      (a GRU language model's checkpoint)
    python rnn_program.py minitf|tf restore DIR   (its outputs after restoring DIR)

Weights are set from a seeded RNG keyed by the variable's name, so both engines
run the same numbers when their variables have the same names and shapes.
"""
import json
import os
import sys
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl as cells
    tf.nn.rnn_cell = cells  # Keras 3 hides TF's own cells behind a lazy loader
else:
    import minitf as tf
    cells = tf.nn.rnn_cell
import numpy as np  # noqa: E402

B, T, D = 3, 6, 4
X = np.random.RandomState(0).randn(B, T, D)
LENGTHS = np.array([2, 6, 4], np.int32)
CELLS = {
    "basic_rnn": lambda: cells.BasicRNNCell(5),
    "gru": lambda: cells.GRUCell(5),
    "basic_lstm": lambda: cells.BasicLSTMCell(5, forget_bias=0.5),
    "basic_lstm_concat": lambda: cells.BasicLSTMCell(3, state_is_tuple=False),
    "lstm_peep_proj_clip": lambda: cells.LSTMCell(5, use_peepholes=True, num_proj=3,
                                                  cell_clip=0.4, proj_clip=0.3),
    "multi": lambda: cells.MultiRNNCell([cells.BasicLSTMCell(3), cells.GRUCell(2)]),
    "residual": lambda: cells.ResidualWrapper(cells.GRUCell(4)),
}


def set_weights(sess):
    for v in tf.global_variables():
        rng = np.random.RandomState(zlib.crc32(v.op.name.encode()))
        v.load(rng.uniform(-0.6, 0.6, v.shape.as_list()), sess)


def flat(v):
    if isinstance(v, (tuple, list)):
        return [a for e in v for a in flat(e)]
    return [np.asarray(v).tolist()]


def values():
    out = {}
    runs = [(name, "dynamic") for name in CELLS] + [
        (name, kind) for name in ("gru", "lstm_peep_proj_clip", "multi")
        for kind in ("static", "bidirectional")]
    for name, kind in runs:
        make = CELLS[name]
        tf.reset_default_graph()
        x = tf.placeholder(tf.float64, [None, T, D])
        sl = tf.placeholder(tf.int32, [None])
        if kind == "dynamic":
            o, s = tf.nn.dynamic_rnn(make(), x, sequence_length=sl, dtype=tf.float64)
        elif kind == "static":
            o, s = tf.nn.static_rnn(make(), tf.unstack(x, axis=1), sequence_length=sl,
                                    dtype=tf.float64)
        else:
            o, s = tf.nn.bidirectional_dynamic_rnn(make(), make(), x, sequence_length=sl,
                                                   dtype=tf.float64)
        leaves = tf.nest.flatten(o) + tf.nest.flatten(s)
        loss = sum(tf.reduce_sum(tf.sin(leaf) * (k + 1)) for k, leaf in enumerate(leaves))
        wrt = [x] + tf.trainable_variables()
        grads = tf.gradients(loss, wrt)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            set_weights(sess)
            res = sess.run([leaves, grads], {x: X, sl: LENGTHS})
        out["%s/%s" % (name, kind)] = {
            "names": sorted("%s %s" % (v.op.name, v.shape.as_list())
                            for v in tf.global_variables()),
            "values": flat(res[0]), "grads": flat(res[1])}
    return out


def model():
    tf.reset_default_graph()
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [2, 5, 3])
    cell = cells.MultiRNNCell([cells.GRUCell(4), cells.LSTMCell(3, use_peepholes=True)])
    o, _ = tf.nn.dynamic_rnn(cell, x, sequence_length=[5, 3], dtype=tf.float32)
    w = tf.get_variable("softmax_w", [3, 7])
    return x, tf.tensordot(o, w, [[2], [0]])


def save(directory):
    x, logits = model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # each engine's own random init
        tf.train.Saver().save(sess, os.path.join(directory, "model"))
        feed = np.random.RandomState(2).randn(2, 5, 3)
        return {"logits": sess.run(logits, {x: feed}).tolist()}


def restore(directory):
    x, logits = model()
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, os.path.join(directory, "model"))
        feed = np.random.RandomState(2).randn(2, 5, 3)
        return {"logits": sess.run(logits, {x: feed}).tolist()}


if __name__ == "__main__":
    mode = sys.argv[2]
    result = values() if mode == "values" else save(sys.argv[3]) if mode == "save" else \
        restore(sys.argv[3])
    print(json.dumps(result))
