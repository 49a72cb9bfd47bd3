"""Differential test: the same TF 1.x snippets give the same results in real TF.

Runs only where the reference TensorFlow interpreter exists (the benchmark
oracle, ~/.cache/tf-oracle, set up by shared/bench/setup_oracle.sh); the
expected behaviours are also pinned engine-side by the op and framework tests.
"""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from tests.util import TF_ORACLE as ORACLE

HERE = pathlib.Path(__file__).parent

pytestmark = pytest.mark.slow


def results(python):
    out = subprocess.run([python, str(HERE / "run_cases.py"),
                          "tf" if python == ORACLE else "minitf"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not os.path.isfile(ORACLE), reason="no reference TensorFlow interpreter")
def test_minitf_matches_tensorflow():
    want, got = results(ORACLE), results(sys.executable)
    mismatched = ["%s: tf=%r minitf=%r" % (name, w, got[name])
                  for name, w in want.items() if not close(got[name], w)]
    assert not mismatched, "\n".join(mismatched)


def close(g, w):
    """Equal, or numbers equal to float32 rounding; lists of unequal shapes part by part."""
    if g == w:
        return True
    if isinstance(w, str) or isinstance(g, str):
        return False
    try:
        return np.allclose(np.asarray(g, float), np.asarray(w, float), rtol=1e-6, atol=1e-7,
                           equal_nan=True)
    except (TypeError, ValueError):  # ragged: several results of different shapes
        return (isinstance(g, list) and isinstance(w, list) and len(g) == len(w)
                and all(close(a, b) for a, b in zip(g, w)))
