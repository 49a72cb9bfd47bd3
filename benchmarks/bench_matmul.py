"""`tf.matmul` of two 1024x1024 float32 variables, beside numpy's `A @ B` and real TF.

This is the BLAS roofline: minitf hands the product to numpy, so its time should
match numpy's; the gap is the engine's per-run overhead plus the fetch copy.
"""
import statistics

import numpy as np

import _common

DIM = 1024
FLOP = 2.0 * DIM ** 3
TARGET_RATIO = 1.2


def _operands():
    rng = np.random.RandomState(0)
    return (rng.rand(DIM, DIM).astype(np.float32), rng.rand(DIM, DIM).astype(np.float32))


def measure(engine, repeats=20, warmup=3, with_numpy=False):
    """{'ms': median ms per sess.run of the product, 'err': max |ours - numpy|}.

    With ``with_numpy`` the runs alternate with numpy's ``A @ B`` (so both see the
    same machine load) and the result also holds numpy's median as 'numpy_ms'.
    """
    tf = _common.load_engine(engine)
    A, B = _operands()
    graph = tf.Graph()
    with graph.as_default():
        a, b = tf.Variable(A), tf.Variable(B)  # variables: no constant folding
        c = tf.matmul(a, b)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    for _ in range(warmup):
        out = sess.run(c)
    ours, ref = [], []
    for _ in range(repeats):
        ours.append(_common.median_time(lambda: sess.run(c), 1))
        if with_numpy:
            ref.append(_common.median_time(lambda: A @ B, 1))
    sess.close()
    res = {"ms": statistics.median(ours) * 1e3, "err": float(np.abs(out - A @ B).max())}
    if with_numpy:
        res["numpy_ms"] = statistics.median(ref) * 1e3
    return res


def run(oracle=None):
    """Table rows for this benchmark (``oracle``: also time real TF when available)."""
    oracle = _common.oracle_available() if oracle is None else oracle
    ours = measure("minitf", with_numpy=True)
    ref = ours["numpy_ms"]
    tf = None
    if oracle:
        got = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf")
        tf = got and got["ms"]
    gflops = [None if v is None else FLOP / (v * 1e-3) / 1e9 for v in (ours["ms"], ref, tf)]
    ok = ours["ms"] <= TARGET_RATIO * ref and ours["err"] < 1e-2
    return [_common.row("matmul", "1024² float32", "ms/run", ours["ms"], ref, tf,
                        "<= %.1fx numpy" % TARGET_RATIO, ok),
            _common.row("matmul", "throughput", "GFLOP/s", *gflops),
            _common.note("matmul", "max |minitf - numpy| = %.2g" % ours["err"])]


if __name__ == "__main__":
    _common.main(measure, run)
