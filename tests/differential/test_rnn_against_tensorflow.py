"""RNN cells and runners give TF's numbers, and checkpoints move both ways.

Runs where the reference TensorFlow interpreter exists (see test_against_tensorflow.py).
The cells' maths is also pinned engine-side against numpy in tests/ops/test_rnn.py.
"""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from tests.util import TF_ORACLE as ORACLE

PROGRAM = pathlib.Path(__file__).parent / "rnn_program.py"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.path.isfile(ORACLE),
                                 reason="no reference TensorFlow interpreter")]


def run(python, *args):
    engine = "tf" if python == ORACLE else "minitf"
    out = subprocess.run([python, str(PROGRAM), engine, *args], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def assert_close(got, want, what):
    assert len(got) == len(want), what
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-9, atol=1e-12,
                                   err_msg="%s #%d" % (what, k))


def test_cells_match_tensorflow_values_gradients_and_variable_names():
    want, got = run(ORACLE, "values"), run(sys.executable, "values")
    assert sorted(got) == sorted(want)
    for case in want:
        assert got[case]["names"] == want[case]["names"], case
        assert_close(got[case]["values"], want[case]["values"], case + " values")
        assert_close(got[case]["grads"], want[case]["grads"], case + " gradients")


@pytest.mark.parametrize("writer,reader", [(ORACLE, sys.executable), (sys.executable, ORACLE)],
                         ids=["tf_to_minitf", "minitf_to_tf"])
def test_checkpoint_of_a_stacked_rnn_restores_in_the_other_engine(tmp_path, writer, reader):
    saved = run(writer, "save", str(tmp_path))
    restored = run(reader, "restore", str(tmp_path))
    np.testing.assert_allclose(restored["logits"], saved["logits"], rtol=1e-5, atol=1e-6)
