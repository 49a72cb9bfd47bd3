"""Per-call `Session.run` overhead on the 5-op scalar graph `y = a + b*c`.

`a` is a fed placeholder, `b` a variable and `c` a constant, as in the shared
`run_overhead` workload.  Reports microseconds per `sess.run` (median of several
repeats) beside the same arithmetic done directly in numpy and in plain Python,
and beside real TensorFlow when its interpreter is available.  Target: <= 20 µs.
"""

import numpy as np

import _common

TARGET_US = 20.0


def measure(engine, n=5000, repeats=7, warmup=500):
    """{'us_per_run': median µs per sess.run, 'check': last value} for ``engine``."""
    tf = _common.load_engine(engine)
    graph = tf.Graph()
    with graph.as_default():
        a = tf.placeholder(tf.float32, shape=[], name="a")
        b = tf.Variable(2.0, name="b")
        c = tf.constant(3.0, name="c")
        y = a + b * c
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    for i in range(warmup):
        sess.run(y, feed_dict={a: float(i)})
    out = []

    def loop():
        for i in range(n):
            out.append(sess.run(y, feed_dict={a: float(i)}))
        del out[:-1]

    seconds = _common.median_time(loop, repeats)
    sess.close()
    return {"us_per_run": seconds / n * 1e6, "check": float(out[-1])}


def measure_numpy(n=100000, repeats=7):
    """µs per call of the same arithmetic on numpy float32 scalars, and on Python floats."""
    b, c = np.float32(2.0), np.float32(3.0)

    def np_call(a):
        return np.float32(a) + b * c

    def py_call(a):
        return a + 2.0 * 3.0

    res = {}
    for key, fn in (("numpy", np_call), ("python", py_call)):
        res[key] = _common.median_time(lambda: [fn(float(i)) for i in range(n)],
                                       repeats) / n * 1e6
    return res


def run(oracle=None):
    """Table rows for this benchmark (``oracle``: also time real TF when available)."""
    oracle = _common.oracle_available() if oracle is None else oracle
    ours = measure("minitf")
    ref = measure_numpy()
    tf = None
    if oracle:
        got = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf")
        tf = got and got["us_per_run"]
    ok = ours["us_per_run"] <= TARGET_US and ours["check"] == 4999 + 6.0
    return [_common.row("run_overhead", "sess.run y=a+b*c", "µs/run", ours["us_per_run"],
                        ref["numpy"], tf, "<= %g µs" % TARGET_US, ok),
            _common.note("run_overhead", "numpy column = the same arithmetic on numpy float32 "
                         "scalars per call; in plain Python floats it takes %.3f µs/call"
                         % ref["python"])]


if __name__ == "__main__":
    _common.main(measure, run)
