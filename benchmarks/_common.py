"""Shared helpers of the benchmark scripts: timing, the optional TF oracle, the table."""
import collections
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time

ORACLE_PYTHON = os.environ.get(
    "MINITF_TF_PYTHON", os.path.expanduser("~/.cache/tf-oracle/bin/python"))


def median_time(fn, repeats):
    """Median wall time of ``fn()`` over ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def load_engine(engine):
    """The ``tf`` module of an engine: 'minitf', or 'tf' (real TF 1.x API, graph mode)."""
    if engine == "minitf":
        import minitf as tf
        return tf
    if engine == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        # With Keras 3, compat.v1's nn.rnn_cell is a stub that raises; TF 1.x's own cells
        # still ship inside TF.
        from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl
        tf.nn.rnn_cell = rnn_cell_impl
        return tf
    raise ValueError("unknown engine %r" % engine)


def oracle_available():
    """Whether the optional real-TensorFlow interpreter exists (no import is tried)."""
    return (os.environ.get("MINITF_BENCH_NO_TF") != "1" and os.path.isfile(ORACLE_PYTHON)
            and os.access(ORACLE_PYTHON, os.X_OK))


def run_json(python, script, *args, timeout=600, env=None):
    """Run ``python script args`` and return the JSON object it prints last, or None."""
    full_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {}))
    try:
        r = subprocess.run([python, script, *args], capture_output=True, text=True,
                           timeout=timeout, env=full_env)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("  (%s %s failed: %s)" % (os.path.basename(python), os.path.basename(script), e),
              file=sys.stderr)
        return None
    for line in reversed(r.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    tail = (r.stderr.strip().splitlines() or ["no output"])[-1]
    print("  (%s %s: exit %d, %s)" % (os.path.basename(python), os.path.basename(script),
                                      r.returncode, tail), file=sys.stderr)
    return None


def row(bench, metric, unit, minitf, numpy=None, tf=None, target=None, ok=None):
    """One line of the results table (values in ``unit``; None = not measured)."""
    return {"bench": bench, "metric": metric, "unit": unit, "minitf": minitf, "numpy": numpy,
            "tf": tf, "target": target, "ok": ok}


def note(bench, text):
    """A footnote printed under the table."""
    return {"bench": bench, "note": text}


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return "%.3g" % v if abs(v) < 1000 else "%.0f" % v


def print_table(rows, file=None):
    """Print rows as an aligned table: minitf beside numpy and real TF."""
    header = ["benchmark", "metric", "unit", "minitf", "numpy", "real TF", "target", "status"]
    lines = [header]
    notes = ["  %s: %s" % (r["bench"], r["note"]) for r in rows if "note" in r]
    for r in (r for r in rows if "note" not in r):
        status = "-" if r["ok"] is None else ("ok" if r["ok"] else "MISSED")
        lines.append([r["bench"], r["metric"], r["unit"], _fmt(r["minitf"]), _fmt(r["numpy"]),
                      _fmt(r["tf"]), r["target"] or "-", status])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print("  ".join(c.ljust(w) if j < 3 else c.rjust(w) if j < 6 else c.ljust(w)
                        for j, (c, w) in enumerate(zip(line, widths))).rstrip(), file=file)
        if i == 0:
            print("  ".join("-" * w for w in widths), file=file)
    if notes:
        print("\nnotes:\n" + "\n".join(notes), file=file)


def engine_main(measure):
    """``script.py --engine ENGINE``: print ``measure(ENGINE)`` as one JSON line."""
    engine = sys.argv[sys.argv.index("--engine") + 1]
    print(json.dumps(measure(engine)))


def main(measure, run):
    """A benchmark script's entry: one engine's JSON with ``--engine``, else the table."""
    if "--engine" in sys.argv:
        engine_main(measure)
    else:
        print_table(run())


@contextlib.contextmanager
def timed_kernels():
    """Inside: every minitf kernel adds its wall time and one call to the two Counters
    yielded, ``(seconds, calls)`` by op type; control-flow owners (While, If) are left
    out, since their time is the kernels they run.  Build sessions inside the block."""
    from minitf.framework import op_registry
    spent, calls = collections.Counter(), collections.Counter()
    saved = []
    for op_type in op_registry.registered_types():
        opdef = op_registry.get(op_type)
        if opdef.contexts:
            continue
        saved.append((opdef, opdef.kernel))

        def timed(ctx, *args, _kernel=opdef.kernel, _type=op_type, _clock=time.perf_counter):
            t0 = _clock()
            try:
                return _kernel(ctx, *args)
            finally:
                spent[_type] += _clock() - t0
                calls[_type] += 1
        opdef.kernel = timed
    try:
        yield spent, calls
    finally:
        for opdef, kernel in saved:
            opdef.kernel = kernel
