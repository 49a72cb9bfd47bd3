"""Time of `import minitf` in a fresh interpreter (median of 5), beside numpy and real TF.

Target: `import minitf` <= 0.5 s, and it must not pull in numba (kernels import it
lazily).  Each figure is measured inside a fresh subprocess around the import
statement alone; the interpreter's own start-up is reported separately.
"""
import os
import statistics
import subprocess
import sys

import _common

REPEATS = 5
TARGET_S = 0.5

_PROBE = ("import sys, time; t = time.perf_counter(); import {mod}; "
          "print(time.perf_counter() - t, 'numba' in sys.modules)")


def import_time(python, module, repeats=REPEATS):
    """(median seconds to import ``module`` in a fresh ``python``, whether numba got loaded)."""
    times, numba = [], False
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    for _ in range(repeats):
        r = subprocess.run([python, "-c", _PROBE.format(mod=module)], capture_output=True,
                           text=True, timeout=300, env=env)
        if r.returncode != 0:
            return None, None
        seconds, loaded = r.stdout.split()[-2:]
        times.append(float(seconds))
        numba = numba or loaded == "True"
    return statistics.median(times), numba


def startup_time(python, repeats=REPEATS):
    """Median wall time of `python -c pass` (interpreter start-up alone)."""
    return _common.median_time(
        lambda: subprocess.run([python, "-c", "pass"], check=True), repeats)


def run(oracle=None):
    """Table rows for this benchmark (``oracle``: also time real TF when available)."""
    oracle = _common.oracle_available() if oracle is None else oracle
    mt, numba = import_time(sys.executable, "minitf")
    npy, _ = import_time(sys.executable, "numpy")
    tf = import_time(_common.ORACLE_PYTHON, "tensorflow", repeats=3)[0] if oracle else None
    rows = [_common.row("import", "import time", "s", mt, npy, tf, "<= %.1f s" % TARGET_S,
                        None if mt is None else mt <= TARGET_S),
            _common.row("import", "numba imported", "", "yes" if numba else "no",
                        target="no", ok=None if numba is None else not numba),
            _common.note("import", "figures are the import statement alone; interpreter "
                         "start-up (python -c pass) adds %.3f s" % startup_time(sys.executable))]
    return rows


if __name__ == "__main__":
    _common.print_table(run())
