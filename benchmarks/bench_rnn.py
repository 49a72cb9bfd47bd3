"""A character-level GRU language model's training step: the shared `char_rnn_gru` workload.

GRUCell(200) under dynamic_rnn with sequence_length, one-hot inputs over 70 symbols,
batch 64 x 50 steps, a softmax over all outputs with a sequence mask, Adam.  Target:
at most 0.8x real TF's time per step side by side.  minitf is timed twice: as it
builds the model by default (a plain GRUCell runs as one fused GRUSequence op) and
on TF's while_loop path (``fused_kernels(False)``), and a breakdown says where the
fused step's time goes: per op type, kernel time against the rest (the session's
own work between kernels).
"""
import time

import numpy as np

import _common

STEPS, WARMUP, BATCH, T, VOCAB, HIDDEN = 20, 3, 64, 50, 70, 200
TF_RATIO = 0.8


def _data():
    rng = np.random.RandomState(0)
    text = np.cumsum(rng.randint(-2, 3, size=BATCH * (T + 1) * 4)) % VOCAB
    seqs = text.reshape(BATCH * 4, T + 1).astype(np.int32)
    lens = rng.randint(T // 2, T + 1, size=BATCH * 4).astype(np.int32)
    return seqs, lens


def _model(tf):
    tf.set_random_seed(0)
    ids = tf.placeholder(tf.int32, [BATCH, T])
    targets = tf.placeholder(tf.int32, [BATCH, T])
    seq_len = tf.placeholder(tf.int32, [BATCH])
    cell = tf.nn.rnn_cell.GRUCell(HIDDEN)
    outputs, _ = tf.nn.dynamic_rnn(cell, tf.one_hot(ids, VOCAB), sequence_length=seq_len,
                                   dtype=tf.float32)
    w = tf.get_variable("softmax_w", [HIDDEN, VOCAB])
    b = tf.get_variable("softmax_b", [VOCAB], initializer=tf.zeros_initializer())
    logits = tf.matmul(tf.reshape(outputs, [-1, HIDDEN]), w) + b
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.reshape(targets, [-1]),
                                                          logits=logits)
    mask = tf.reshape(tf.sequence_mask(seq_len, T, dtype=tf.float32), [-1])
    loss = tf.reduce_sum(xent * mask) / tf.reduce_sum(mask)
    train_op = tf.train.AdamOptimizer(2e-3).minimize(loss)
    return (ids, targets, seq_len), loss, train_op


def _session(tf, fused):
    graph = tf.Graph()
    with graph.as_default():
        if tf.__name__ == "minitf":
            from minitf.ops.rnn import fused_kernels
            with fused_kernels(fused):
                feeds, loss, train_op = _model(tf)
        else:
            feeds, loss, train_op = _model(tf)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    seqs, lens = _data()

    def feed(i):
        j = (i % 4) * BATCH
        return dict(zip(feeds, (seqs[j:j + BATCH, :-1], seqs[j:j + BATCH, 1:],
                                lens[j:j + BATCH])))
    return sess, feed, loss, train_op


def measure(engine, fused=True, repeats=3):
    """{'ms_per_step': median over repeats of the mean step time, 'check': the last loss}."""
    tf = _common.load_engine(engine)
    sess, feed, loss, train_op = _session(tf, fused)
    for i in range(WARMUP):
        sess.run([train_op, loss], feed(i))
    last = []

    def loop():
        for i in range(STEPS):
            last[:] = [sess.run([train_op, loss], feed(i))[1]]
    seconds = _common.median_time(loop, repeats)
    sess.close()
    return {"ms_per_step": seconds / STEPS * 1e3, "check": float(last[0])}


def breakdown(steps=10):
    """(ms per step, {op type: kernel ms per step}) for the fused model, kernels timed."""
    import minitf as tf
    with _common.timed_kernels() as (spent, _):
        sess, feed, loss, train_op = _session(tf, True)
        for i in range(WARMUP):
            sess.run([train_op, loss], feed(i))
        spent.clear()
        t0 = time.perf_counter()
        for i in range(steps):
            sess.run([train_op, loss], feed(i))
        total = (time.perf_counter() - t0) / steps * 1e3
        sess.close()
    return total, {k: v / steps * 1e3 for k, v in spent.items()}


def run(oracle=None):
    """Table rows for this benchmark (``oracle``: also time real TF when available)."""
    oracle = _common.oracle_available() if oracle is None else oracle
    fused, loop = measure("minitf"), measure("minitf", fused=False)
    tf = None
    if oracle:
        got = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf")
        tf = got and got["ms_per_step"]
    target = "<= %.1fx real TF" % TF_RATIO if tf else None
    rows = [_common.row("rnn", "char-RNN GRU 200 step (fused)", "ms/step", fused["ms_per_step"],
                        None, tf, target,
                        None if tf is None else fused["ms_per_step"] <= TF_RATIO * tf),
            _common.row("rnn", "char-RNN step (while_loop path)", "ms/step",
                        loop["ms_per_step"], None, tf)]
    total, kernels = breakdown()
    top = sorted(kernels.items(), key=lambda kv: -kv[1])
    named = ", ".join("%s %.1f" % kv for kv in top[:5])
    rest = total - sum(kernels.values())
    rows.append(_common.note("rnn", "fused step %.1f ms (kernels timed): %s ms; other kernels "
                             "%.1f ms; between kernels (session, feeds) %.1f ms" % (
                                 total, named, sum(v for _, v in top[5:]), rest)))
    rows.append(_common.note("rnn", "last loss: fused %.4f, while_loop %.4f%s" % (
        fused["check"], loop["check"], "" if tf is None else ", TF %.4f" % got["check"])))
    return rows


if __name__ == "__main__":
    _common.main(measure, run)
