"""Run every benchmark and print one table (what `make bench` runs).

    python benchmarks/run_all.py [--no-tf] [NAME ...]

NAME is one of import, run_overhead, matmul, logreg, graph_view, word2vec, conv, rnn,
tfrecord, input, while.

Real TensorFlow is timed beside minitf when ~/.cache/tf-oracle/bin/python exists
(or $MINITF_TF_PYTHON); --no-tf (or MINITF_BENCH_NO_TF=1) skips it.  These are
measurements, not tests: the status column compares each figure with its target.
"""
import os
import platform
import sys
import time

import _common
import bench_conv
import bench_graph_view
import bench_import
import bench_input
import bench_logreg
import bench_matmul
import bench_rnn
import bench_run_overhead
import bench_tfrecord
import bench_while
import bench_word2vec

BENCHMARKS = {"import": bench_import, "run_overhead": bench_run_overhead,
              "matmul": bench_matmul, "logreg": bench_logreg, "graph_view": bench_graph_view,
              "word2vec": bench_word2vec, "conv": bench_conv, "tfrecord": bench_tfrecord,
              "input": bench_input, "rnn": bench_rnn, "while": bench_while}


def main(argv):
    if "--no-tf" in argv:
        os.environ["MINITF_BENCH_NO_TF"] = "1"
    names = [a for a in argv if not a.startswith("-")] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print("unknown benchmark(s): %s (choose from %s)" % (", ".join(unknown),
                                                            ", ".join(BENCHMARKS)))
        return 2
    oracle = _common.oracle_available()
    print("minitf benchmarks: python %s, numpy %s, %d CPUs, load %s" % (
        platform.python_version(), __import__("numpy").__version__, os.cpu_count(),
        " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists("/proc/loadavg")
        else "?"))
    print("real TF: %s\n" % (_common.ORACLE_PYTHON if oracle else "not available (skipped)"))
    rows = []
    t0 = time.perf_counter()
    for name in names:
        print("running %s ..." % name, file=sys.stderr, flush=True)
        rows.extend(BENCHMARKS[name].run(oracle))
    _common.print_table(rows)
    print("\n%.0f s; shared machines are noisy: compare ratios within one run." % (
        time.perf_counter() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
