"""Per-iteration cost of `tf.while_loop` and its gradient on the shared `while_rnn` workload.

`h = tanh(h·W + x)`, batch 64, width 128, 200 iterations, float32.  Reports
microseconds per iteration for the forward run (`sess.run(loss)`) and for
forward + gradient (`sess.run([loss, dL/dW])`), beside the same loop written in
numpy (forward; forward and back-propagation through time by hand) and real
TensorFlow when its interpreter is available.  Everything runs on one thread:
small products already do in minitf, the numpy loop uses the same one-thread
product, and TF gets a one-thread `ConfigProto`.  The same loop with the body
`h + x` shows the loop's own cost per iteration, forward and backward, beside TF's.

A breakdown follows: each kernel that a minitf iteration runs is timed with a
wrapper, per op type, beside the bare numpy call it makes; what is left of the
iteration is the framework's overhead (the executor, the loop, kept values).
Target: per iteration at most real TF's time, forward and forward + gradient.
"""
import time

import numpy as np

import _common

T, BATCH, WIDTH = 200, 64, 128


def _inputs():
    rng = np.random.RandomState(0)
    return (np.full((BATCH, WIDTH), 0.1, np.float32),
            (rng.randn(WIDTH, WIDTH) * 0.05).astype(np.float32))


def _build(tf, cheap=False):
    """The while_rnn graph; ``cheap``: the same loop with the body ``h + x`` (one cheap
    op, so its time per iteration is nearly all the loop's own), differentiated by x."""
    x_np, w_np = _inputs()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [BATCH, WIDTH])
        w = tf.Variable(w_np)
        step = (lambda h: h + x) if cheap else (lambda h: tf.tanh(tf.matmul(h, w) + x))
        _, h = tf.while_loop(lambda i, h: i < T, lambda i, h: (i + 1, step(h)),
                             [tf.constant(0), x])
        loss = tf.reduce_sum(h)
        grad = tf.gradients(loss, x if cheap else w)[0]
        init = tf.global_variables_initializer()
    return graph, {x: x_np}, loss, grad, init


def _session(tf, graph, init):
    config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    sess = tf.Session(graph=graph, config=config)
    sess.run(init)
    return sess


def _best_time(fn, repeats):
    """Least wall time of ``fn()`` over ``repeats`` calls: on a shared machine the least
    disturbed sample is the closest to the cost (both engines are timed this way)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _per_iteration(sess, fetches, feed, runs, repeats):
    for _ in range(2):
        sess.run(fetches, feed)
    seconds = _best_time(lambda: [sess.run(fetches, feed) for _ in range(runs)], repeats)
    return seconds / runs / T * 1e6


def measure(engine, runs=2, repeats=15):
    """Best µs per iteration, forward ('fwd_us') and with the gradient ('fwd_bwd_us'), of
    while_rnn and of the cheap loop ('cheap_fwd_us', ...); 'check': sum |dL/dW|."""
    tf = _common.load_engine(engine)
    out = {}
    for prefix, cheap in (("", False), ("cheap_", True)):
        graph, feed, loss, grad, init = _build(tf, cheap)
        sess = _session(tf, graph, init)
        out[prefix + "fwd_us"] = _per_iteration(sess, loss, feed, runs, repeats)
        out[prefix + "fwd_bwd_us"] = _per_iteration(sess, [loss, grad], feed, runs, repeats)
        if not cheap:
            out["check"] = float(np.abs(sess.run(grad, feed)).sum())
        sess.close()
    return out


def measure_numpy(repeats=15):
    """µs per iteration of the loop in numpy: forward, and forward + BPTT by hand."""
    from minitf.kernels.blas import matmul  # np.matmul on one BLAS thread for small products
    x, w = _inputs()

    def forward():
        h = x
        for _ in range(T):
            h = np.tanh(matmul(h, w) + x)
        return h

    def forward_backward():
        hs = [x]
        for _ in range(T):
            hs.append(np.tanh(matmul(hs[-1], w) + x))
        g, gw = np.ones_like(x), np.zeros_like(w)
        for t in range(T, 0, -1):
            dz = g * (1 - hs[t] * hs[t])
            gw += matmul(hs[t - 1].T, dz)
            g = matmul(dz, w.T)
        return gw

    def cheap_forward():
        h = x
        for _ in range(T):
            h = h + x
        return h

    def cheap_forward_backward():
        h = cheap_forward()
        g, gx = np.ones_like(h), np.zeros_like(x)
        for _ in range(T):
            gx += g  # each step's h + x passes the gradient to x and on to h
        return h, gx + g

    gw = forward_backward()
    return {"fwd_us": _best_time(forward, repeats) / T * 1e6,
            "fwd_bwd_us": _best_time(forward_backward, repeats) / T * 1e6,
            "cheap_fwd_us": _best_time(cheap_forward, repeats) / T * 1e6,
            "cheap_fwd_bwd_us": _best_time(cheap_forward_backward, repeats) / T * 1e6,
            "check": float(np.abs(gw).sum())}


def _bare_numpy_ops(n=2000):
    """µs per bare numpy call of each op an iteration runs, on the workload's shapes."""
    from minitf.kernels.blas import matmul
    x, w = _inputs()
    i, bound, total = np.int32(5), np.int32(T), np.zeros_like(w)
    calls = {"MatMul": lambda: matmul(x, w), "Tanh": lambda: np.tanh(x),
             "Add": lambda: np.add(x, x), "Less": lambda: np.less(i, bound),
             "Mul": lambda: np.multiply(x, x), "Sub": lambda: np.subtract(x, x),
             "Square": lambda: np.square(x), "sum dW": lambda: np.add(total, w, out=total)}

    def repeat(f):
        for _ in range(n):
            f()  # each result dies at once, as a kernel's intermediate would
    return {k: _best_time(lambda f=f: repeat(f), 7) / n * 1e6 for k, f in calls.items()}


def breakdown(repeats=25):
    """Per op type: (µs per iteration in its kernels, kernel calls per iteration), for the
    forward and forward + gradient runs, and the total µs per iteration of each."""
    import minitf as tf
    with _common.timed_kernels() as (spent, calls):
        graph, feed, loss, grad, init = _build(tf)
        sess = _session(tf, graph, init)
        result = {}
        for name, fetches in (("fwd", loss), ("fwd_bwd", [loss, grad])):
            samples = []
            for _ in range(2 + repeats):
                spent.clear()
                calls.clear()
                t0 = time.perf_counter()
                sess.run(fetches, feed)
                samples.append((time.perf_counter() - t0, dict(spent), dict(calls)))
            # The least disturbed run (the first two warm up), so its parts add up.
            seconds, times, counts = min(samples[2:], key=lambda sample: sample[0])
            result[name] = ({k: (times[k] / T * 1e6, counts[k] / T) for k in times},
                            seconds / T * 1e6)
        sess.close()
    return result


def run(oracle=None):
    """Table rows for this benchmark (``oracle``: also time real TF when available)."""
    oracle = _common.oracle_available() if oracle is None else oracle
    ours = measure("minitf")
    ref = measure_numpy()
    tf = None
    if oracle:
        tf = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf")
    rows = []
    for key, label in (("fwd_us", "while_rnn forward"),
                       ("fwd_bwd_us", "while_rnn forward + gradient"),
                       ("cheap_fwd_us", "loop of h + x: forward"),
                       ("cheap_fwd_bwd_us", "loop of h + x: forward + gradient")):
        tf_us = tf and tf[key]
        rows.append(_common.row("while", label, "µs/iter", ours[key], ref.get(key), tf_us,
                                "<= real TF", None if tf_us is None else ours[key] <= tf_us))
    bare = _bare_numpy_ops()
    parts = breakdown()
    for name, label in (("fwd", "forward"), ("fwd_bwd", "fwd + grad")):
        per_type, total = parts[name]
        in_kernels = sum(us for us, _ in per_type.values())
        for op_type, (us, n) in sorted(per_type.items(), key=lambda kv: -kv[1][0]):
            if us < 0.05 * total and op_type not in bare:
                continue  # the few ops outside the loop
            rows.append(_common.row("while", "%s: %s kernels (%.3g per iter)"
                                    % (label, op_type, n), "µs/iter", us,
                                    bare.get(op_type) and bare[op_type] * n))
        rows.append(_common.row("while", "%s: all kernels" % label, "µs/iter", in_kernels))
        # The backward adds each step's dW to the total outside any kernel (an in-place
        # numpy add per iteration): that part of the rest is arithmetic, not overhead.
        rows.append(_common.row("while", "%s: the rest (framework%s)" % (
            label, ", dW sum" if name == "fwd_bwd" else ""), "µs/iter", total - in_kernels,
            bare["sum dW"] if name == "fwd_bwd" else None))
    check_ok = abs(ours["check"] - ref["check"]) <= 1e-3 * ref["check"]
    rows.append(_common.note("while", "numpy column = the same loop by hand (for the kernel "
                             "rows: the bare numpy call, times the calls per iteration); "
                             "sum |dL/dW| minitf %.6g, numpy %.6g%s" % (
                                 ours["check"], ref["check"], "" if check_ok else " MISMATCH")))
    rows.append(_common.note("while", "the loop of h + x runs one cheap op per iteration "
                             "(two more count and compare), so its figure is mostly the "
                             "loop's own cost per iteration, forward and backward"))
    rows.append(_common.note("while", "breakdown: kernels timed by a wrapper in a second "
                             "session, in its fastest of 25 runs; the rest = that run's time "
                             "per iteration minus its kernels' (it includes the wrapper's "
                             "own ~0.2 µs a call)"))
    return rows


if __name__ == "__main__":
    _common.main(measure, run)
