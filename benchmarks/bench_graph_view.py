"""Time to build and draw a `GraphView` of a training graph at lecture sizes.

The graph is an MLP in name scopes (`block<i>/layer<j>`, 8 layers to a block)
trained by Adam, grown to about 500 ops (the 8-layer MLP of the coming
lectures) and to about 5,000.  For each size it reports, in milliseconds
(median of a few repeats):

* `open view`: `GraphView(graph)`, which for a graph this big starts with every
  name scope closed, top to bottom, auxiliary ops set aside: collects the ops,
  classifies them, builds the scope tree, lays out and renders the SVG;
* `open one scope`: a click on one closed scope (lays out that scope and the root);
* `close and reopen`: the same scope closed and opened again (two redraws, both
  layouts cached);
* `flat view`: unticking "collapse name scopes", i.e. every op drawn (networkx's
  multipartite layout), the old whole-graph picture, for comparison.

There is no numpy or TensorFlow counterpart (TensorBoard draws in the browser),
so those columns stay empty.  Targets: the nested view opens in <= 1 s and a
scope opens in <= 0.2 s at 5,000 ops on a laptop CPU.
"""
import statistics
import time

import _common

SIZES = (500, 5000)
OPS_PER_LAYER = 49    # what one Dense+ReLU layer with Adam costs in ops (checked below)
TARGET_OPEN_S, TARGET_SCOPE_S = 1.0, 0.2


def build(tf, target_ops):
    """A Graph of about ``target_ops`` ops: MLP blocks of 8 layers, Adam, an initializer."""
    layers = max(1, round(target_ops / OPS_PER_LAYER))
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 16], name="x")
        y_ = tf.placeholder(tf.float32, [None, 16], name="y_")
        h = x
        for first in range(0, layers, 8):
            # One name_scope per block: entering "block0" again would make "block0_1".
            with tf.name_scope("block%d" % (first // 8)):
                for i in range(first, min(first + 8, layers)):
                    with tf.name_scope("layer%d" % (i % 8)):
                        W = tf.Variable(tf.random_normal([16, 16], stddev=0.1, seed=i),
                                        name="W")
                        b = tf.Variable(tf.zeros([16]), name="b")
                        h = tf.nn.relu(tf.matmul(h, W) + b)
        with tf.name_scope("loss"):
            loss = tf.reduce_mean(tf.square(h - y_))
        tf.train.AdamOptimizer(1e-3).minimize(loss)
        tf.global_variables_initializer()
    return graph


def measure(target_ops, repeats=3):
    """Milliseconds for each step at one size, plus the op count and SVG sizes."""
    import minitf as tf
    from minitf.widgets import GraphView

    t0 = time.perf_counter()
    graph = build(tf, target_ops)
    build_ms = (time.perf_counter() - t0) * 1e3
    views = []
    open_ms = _common.median_time(lambda: views.append(GraphView(graph)), repeats) * 1e3
    view = views[-1]
    nested_kb = len(view.svg) / 1e3
    first = {"open": [], "reopen": []}

    def open_scope():  # a fresh view each time, so the layout is not cached yet
        v = GraphView(graph)
        t = time.perf_counter()
        v.open_scope("block0")
        first["open"].append(time.perf_counter() - t)
        t = time.perf_counter()
        v.close_scope("block0")
        v.open_scope("block0")
        first["reopen"].append(time.perf_counter() - t)

    for _ in range(repeats):
        open_scope()
    flat_ms = _flat_ms(view, repeats)
    return {"ops": len(graph.get_operations()), "build_ms": build_ms, "open_ms": open_ms,
            "scope_ms": statistics.median(first["open"]) * 1e3,
            "reopen_ms": statistics.median(first["reopen"]) * 1e3,
            "flat_ms": flat_ms, "nested_kb": nested_kb, "flat_kb": len(view.svg) / 1e3}


def _flat_ms(view, repeats):
    """ms to redraw ``view`` flat (every op), switching back to nested between repeats."""
    times = []
    for _ in range(repeats):
        view.collapse.value = True
        t = time.perf_counter()
        view.collapse.value = False
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def run(oracle=None):
    """Table rows for this benchmark (``oracle`` is unused: TensorFlow has no widget)."""
    rows = []
    for size in SIZES:
        r = measure(size)
        label = "%d ops" % r["ops"]
        big = size == max(SIZES)
        rows += [
            _common.row("graph_view", "build the graph, %s" % label, "ms", r["build_ms"]),
            _common.row("graph_view", "open view (nested), %s" % label, "ms", r["open_ms"],
                        target="<= %g s" % TARGET_OPEN_S if big else None,
                        ok=r["open_ms"] <= TARGET_OPEN_S * 1e3 if big else None),
            _common.row("graph_view", "open one scope, %s" % label, "ms", r["scope_ms"],
                        target="<= %g s" % TARGET_SCOPE_S if big else None,
                        ok=r["scope_ms"] <= TARGET_SCOPE_S * 1e3 if big else None),
            _common.row("graph_view", "close and reopen it (cached), %s" % label, "ms", r["reopen_ms"]),
            _common.row("graph_view", "flat view (every op), %s" % label, "ms", r["flat_ms"]),
        ]
        rows.append(_common.note("graph_view", "%s: nested SVG %.0f kB, flat SVG %.0f kB"
                                 % (label, r["nested_kb"], r["flat_kb"])))
    return rows


if __name__ == "__main__":
    _common.print_table(run())
