"""One SGD training step of softmax regression on MNIST-shaped data.

784 -> 10, batch 128, softmax cross-entropy, GradientDescentOptimizer(0.1): the
shared `logreg_mnist` workload.  Reports milliseconds per `sess.run([train_op,
loss])` beside the same step written directly in numpy (forward, backward and
update), and beside real TensorFlow when its interpreter is available.
Targets: at most 0.6x real TF's time per step side by side, and within 1.3x of
the numpy step (plans fold the gradient's shape arithmetic, so what runs is the
arithmetic the numpy step does too, plus the session's bookkeeping).
"""

import numpy as np

import _common

STEPS, WARMUP, BATCH, POOL = 300, 20, 128, 8192
TF_RATIO, FLOOR_RATIO = 0.6, 1.3


def _data():
    rng = np.random.RandomState(0)
    x = rng.rand(POOL, 784).astype(np.float32)
    teacher = rng.randn(784, 10).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[np.argmax((x - 0.5) @ teacher, axis=1)]
    return x, y


def measure(engine, repeats=5):
    """{'ms_per_step': median ms per step, 'check': final loss} for ``engine``."""
    tf = _common.load_engine(engine)
    X, Y = _data()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])
        W = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        logits = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    feeds = [{x: X[j:j + BATCH], y_: Y[j:j + BATCH]} for j in range(0, POOL, BATCH)]
    for i in range(WARMUP):
        sess.run([train_op, loss], feeds[i % len(feeds)])
    last = []

    def loop():
        for i in range(STEPS):
            last[:] = sess.run([train_op, loss], feeds[i % len(feeds)])
    seconds = _common.median_time(loop, repeats)
    sess.close()
    return {"ms_per_step": seconds / STEPS * 1e3, "check": float(last[1])}


def measure_numpy(repeats=5):
    """ms per step of the same forward, backward and SGD update written in numpy."""
    X, Y = _data()
    W = np.zeros((784, 10), np.float32)
    b = np.zeros(10, np.float32)

    def step(xb, yb):
        nonlocal W, b
        z = xb @ W + b
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - yb) / np.float32(len(xb))
        W = W - np.float32(0.1) * (xb.T @ g)
        b = b - np.float32(0.1) * g.sum(axis=0)

    batches = [(X[j:j + BATCH], Y[j:j + BATCH]) for j in range(0, POOL, BATCH)]
    return _common.median_time(
        lambda: [step(*batches[i % len(batches)]) for i in range(STEPS)], repeats) / STEPS * 1e3


def run(oracle=None):
    """Table rows for this benchmark (``oracle``: also time real TF when available)."""
    oracle = _common.oracle_available() if oracle is None else oracle
    ours = measure("minitf")
    floor = measure_numpy()
    tf = None
    if oracle:
        got = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf")
        tf = got and got["ms_per_step"]
    ok_floor = ours["ms_per_step"] <= FLOOR_RATIO * floor and np.isfinite(ours["check"])
    rows = [_common.row("logreg", "SGD step 784->10, batch 128", "ms/step", ours["ms_per_step"],
                        floor, tf, "<= %.1fx numpy" % FLOOR_RATIO, ok_floor)]
    if tf is not None:
        rows.append(_common.row("logreg", "same step, against real TF", "ms/step",
                                ours["ms_per_step"], floor, tf, "<= %.1fx real TF" % TF_RATIO,
                                ours["ms_per_step"] <= TF_RATIO * tf))
    rows.append(_common.note("logreg", "numpy column = the same step (forward, backward, "
                             "update) written by hand, the floor; final minitf loss %.4f"
                             % ours["check"]))
    return rows


if __name__ == "__main__":
    _common.main(measure, run)
