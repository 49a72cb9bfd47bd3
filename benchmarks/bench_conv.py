"""Convolution: the MNIST convnet's step, its two conv layers in GFLOP/s, and JIT start-up.

* ``convnet step``: the shared ``convnet_mnist`` workload's graph (two 5x5 conv +
  max-pool layers, fc 1024, dropout, fc 10; Adam, batch 64).  Target: at most
  1.0x real TF's time per step.
* ``conv1``/``conv2``: forward, input gradient and filter gradient of the two
  layers, in GFLOP/s (2 flops per multiply-add of the direct formula), beside
  numpy's matmul on the same (M, K, N) product the im2col path runs: the
  roofline a BLAS-based convolution can reach on this machine.
* ``first conv``: a fresh process's first conv2d + gradient + max-pool run,
  JIT compile included (a cold numba cache) and with the cache warm.  Targets:
  3 s and 0.3 s.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import _common

STEPS, WARMUP, BATCH = 20, 3, 64
TF_RATIO = 1.0
LAYERS = {"conv1": ((BATCH, 28, 28, 1), (5, 5, 1, 32)),
          "conv2": ((BATCH, 14, 14, 32), (5, 5, 32, 64))}
FIRST_CONV_COLD, FIRST_CONV_WARM = 3.0, 0.3


def _convnet_step(tf):
    rng = np.random.RandomState(0)
    xs = rng.rand(BATCH * 4, 28, 28, 1).astype(np.float32)
    ys = np.eye(10, dtype=np.float32)[rng.randint(0, 10, BATCH * 4)]
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)

        def conv_pool(h, shape):
            w = tf.Variable(tf.truncated_normal(shape, stddev=0.1))
            b = tf.Variable(tf.constant(0.1, shape=shape[-1:]))
            h = tf.nn.relu(tf.nn.conv2d(h, w, [1, 1, 1, 1], "SAME") + b)
            return tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")

        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        y = tf.placeholder(tf.float32, [None, 10])
        keep = tf.placeholder(tf.float32)
        h = conv_pool(conv_pool(x, [5, 5, 1, 32]), [5, 5, 32, 64])
        h = tf.reshape(h, [-1, 7 * 7 * 64])
        w1 = tf.Variable(tf.truncated_normal([3136, 1024], stddev=0.1))
        h = tf.nn.dropout(tf.nn.relu(tf.matmul(h, w1) + 0.1), keep)
        logits = tf.matmul(h, tf.Variable(tf.truncated_normal([1024, 10], stddev=0.1)))
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = tf.train.AdamOptimizer(1e-4).minimize(loss)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    feeds = [{x: xs[j:j + BATCH], y: ys[j:j + BATCH], keep: 0.5}
             for j in range(0, len(xs), BATCH)]
    for i in range(WARMUP):
        sess.run(train, feeds[i % 4])

    def loop():
        for i in range(STEPS):
            sess.run([train, loss], feeds[i % 4])
    seconds = _common.median_time(loop, 3)
    sess.close()
    return seconds / STEPS * 1e3


def _layer_rates(tf):
    """GFLOP/s of forward, input gradient and filter gradient per layer."""
    rates = {}
    rng = np.random.RandomState(0)
    for name, (xs, fs) in LAYERS.items():
        graph = tf.Graph()
        with graph.as_default():
            # Fed placeholders, not constants: TF's grappler would fold constant convolutions
            # once and then time a cached value.
            x, f = tf.placeholder(tf.float32, xs), tf.placeholder(tf.float32, fs)
            y = tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME")
            dy = tf.placeholder(tf.float32, y.shape)
            feed = {x: rng.rand(*xs).astype(np.float32), f: rng.rand(*fs).astype(np.float32),
                    dy: rng.rand(*y.shape.as_list()).astype(np.float32)}
            parts = {"forward": y,
                     "input grad": tf.nn.conv2d_backprop_input(xs, f, dy, [1, 1, 1, 1], "SAME"),
                     "filter grad": tf.nn.conv2d_backprop_filter(x, fs, dy, [1, 1, 1, 1],
                                                                 "SAME")}
            # Sum to a scalar so fetching copies nothing big; the same for both engines.
            parts = {k: tf.reduce_sum(v) for k, v in parts.items()}
        sess = tf.Session(graph=graph)
        flops = 2.0 * np.prod(xs[:3]) * np.prod(fs)  # SAME, stride 1: one output per pixel
        for part, t in parts.items():
            sess.run(t, feed)
            seconds = _common.median_time(lambda t=t: sess.run(t, feed), 7)
            rates["%s %s" % (name, part)] = flops / seconds / 1e9
        sess.close()
    return rates


def _matmul_roofline():
    """numpy GFLOP/s on each layer's im2col products (M, K, N), per part."""
    rng = np.random.RandomState(0)
    out = {}
    for name, (xs, fs) in LAYERS.items():
        m, k, n = int(np.prod(xs[:3])), int(np.prod(fs[:3])), fs[3]
        cols, w, dy = (rng.rand(*s).astype(np.float32) for s in ((m, k), (k, n), (m, n)))
        products = {"forward": lambda: cols @ w, "input grad": lambda: dy @ w.T,
                    "filter grad": lambda: cols.T @ dy}
        for part, fn in products.items():
            fn()
            out["%s %s" % (name, part)] = 2.0 * m * k * n / _common.median_time(fn, 7) / 1e9
    return out


_FIRST_CONV = """
import time, numpy as np, minitf as tf
x = tf.placeholder(tf.float32, [8, 28, 28, 3])
w = tf.Variable(tf.ones([5, 5, 3, 16]))
y = tf.nn.max_pool(tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME'), [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')
g = tf.gradients(tf.reduce_sum(y), [x, w])
sess = tf.Session(); sess.run(w.initializer)
t0 = time.perf_counter()
sess.run(g, {x: np.ones((8, 28, 28, 3), np.float32)})
print(time.perf_counter() - t0)
"""


def _first_conv_seconds():
    """(cold, warm): the first run's seconds with an empty numba cache, then with it filled."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        times = []
        for _ in range(2):
            r = subprocess.run([sys.executable, "-c", _FIRST_CONV], env=env, text=True,
                               capture_output=True, timeout=300, check=True)
            times.append(float(r.stdout.split()[-1]))
    return times


def measure(engine):
    tf = _common.load_engine(engine)
    return {"ms_per_step": _convnet_step(tf), "rates": _layer_rates(tf)}


def run(oracle=None):
    oracle = _common.oracle_available() if oracle is None else oracle
    ours = measure("minitf")
    theirs = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf") \
        if oracle else None
    tf_step = theirs and theirs["ms_per_step"]
    rows = [_common.row("conv", "convnet step, batch 64, Adam", "ms/step", ours["ms_per_step"],
                        None, tf_step, "<= %.1fx real TF" % TF_RATIO if tf_step else None,
                        None if tf_step is None else ours["ms_per_step"] <= TF_RATIO * tf_step)]
    roof = _matmul_roofline()
    for key, rate in ours["rates"].items():
        rows.append(_common.row("conv", key, "GFLOP/s", rate, roof[key],
                                theirs and theirs["rates"][key]))
    cold, warm = _first_conv_seconds()
    rows += [_common.row("conv", "first conv, cold JIT cache", "s", cold, None, None,
                         "<= %g s" % FIRST_CONV_COLD, cold <= FIRST_CONV_COLD),
             _common.row("conv", "first conv, warm JIT cache", "s", warm, None, None,
                         "<= %g s" % FIRST_CONV_WARM, warm <= FIRST_CONV_WARM),
             _common.note("conv", "GFLOP/s count 2 flops per multiply-add of the direct "
                          "formula; the numpy column is np.matmul on the same (M, K, N) "
                          "as each im2col product, the ceiling of a BLAS-based conv")]
    return rows


if __name__ == "__main__":
    _common.main(measure, run)
