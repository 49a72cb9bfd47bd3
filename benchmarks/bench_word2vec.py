"""One skip-gram step with NCE: the shared `word2vec_nce` workload.

Vocabulary 50,000, embedding 128, batch 128, 64 sampled classes (log-uniform,
unique), GradientDescentOptimizer(1.0): the embedding lookup's gradient is an
IndexedSlices, so each step touches 128 embedding rows and 192 NCE rows out of
50,000.  The arithmetic is about a million multiply-adds, so what the step
costs is the session's own overhead.  Targets: at most 0.5x real TF's time per
step side by side, and a time per step that does not grow with the vocabulary
(10k, 50k and 500k rows).
"""
import math

import numpy as np

import _common

STEPS, WARMUP, BATCH, EMBED, SAMPLED = 300, 10, 128, 128, 64
VOCAB = 50000
SCALING = (10000, 50000, 500000)
TF_RATIO, GROWTH_RATIO = 0.5, 1.5


def _data(vocab, n):
    rng = np.random.RandomState(0)
    centre = np.minimum(rng.zipf(1.3, n) - 1, vocab - 1).astype(np.int32)
    context = ((centre + rng.randint(1, 4, n)) % vocab).astype(np.int64).reshape(-1, 1)
    return centre, context


def measure(engine, vocab=VOCAB, steps=STEPS, repeats=3):
    """{'ms_per_step': median ms per step, 'check': mean loss of the last steps}."""
    tf = _common.load_engine(engine)
    centre, context = _data(vocab, BATCH * (steps + WARMUP))
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)
        inputs = tf.placeholder(tf.int32, [BATCH])
        labels = tf.placeholder(tf.int64, [BATCH, 1])
        embeddings = tf.Variable(tf.random_uniform([vocab, EMBED], -1.0, 1.0))
        embed = tf.nn.embedding_lookup(embeddings, inputs)
        nce_w = tf.Variable(tf.truncated_normal([vocab, EMBED], stddev=1.0 / math.sqrt(EMBED)))
        nce_b = tf.Variable(tf.zeros([vocab]))
        loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_w, biases=nce_b, labels=labels,
                                             inputs=embed, num_sampled=SAMPLED,
                                             num_classes=vocab))
        train_op = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    feeds = [{inputs: centre[j:j + BATCH], labels: context[j:j + BATCH]}
             for j in range(0, len(centre), BATCH)]
    for i in range(WARMUP):
        sess.run([train_op, loss], feeds[i])
    losses = []

    def loop():
        losses.clear()
        for i in range(steps):
            losses.append(sess.run([train_op, loss], feeds[WARMUP + i])[1])
    seconds = _common.median_time(loop, repeats)
    sess.close()
    return {"ms_per_step": seconds / steps * 1e3, "check": float(np.mean(losses[-50:]))}


def run(oracle=None):
    """Table rows for this benchmark (``oracle``: also time real TF when available)."""
    oracle = _common.oracle_available() if oracle is None else oracle
    ours = measure("minitf")
    tf = None
    if oracle:
        got = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf")
        tf = got and got["ms_per_step"]
    rows = [_common.row("word2vec", "NCE step, vocab 50k, batch 128", "ms/step",
                        ours["ms_per_step"], None, tf,
                        "<= %.1fx real TF" % TF_RATIO if tf else None,
                        None if tf is None else ours["ms_per_step"] <= TF_RATIO * tf)]
    per_vocab = {v: (ours if v == VOCAB else measure("minitf", v, steps=100))["ms_per_step"]
                 for v in SCALING}
    smallest = per_vocab[SCALING[0]]
    for v in SCALING:
        rows.append(_common.row("word2vec", "NCE step, vocab %dk" % (v // 1000), "ms/step",
                                per_vocab[v], None, None,
                                "<= %.1fx vocab %dk" % (GROWTH_RATIO, SCALING[0] // 1000),
                                per_vocab[v] <= GROWTH_RATIO * smallest))
    rows.append(_common.note("word2vec", "sampled loss, so the check is loose: mean loss of "
                             "the last 50 steps %.3f" % ours["check"]))
    return rows


if __name__ == "__main__":
    _common.main(measure, run)
