"""The engine's import layers (contracts in pyproject.toml) hold, and the check is live.

import-linter reads every import, including those inside functions, so a lazy
``from minitf.ops import ...`` in the framework breaks a contract as surely as a
module-level one.
"""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINT = pathlib.Path(sys.executable).with_name("lint-imports")


def _lint(cwd):
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml")], cwd=cwd,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def test_the_engine_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_framework_module_importing_an_op_family_is_caught(tmp_path):
    shutil.copytree(ROOT / "minitf", tmp_path / "minitf",
                    ignore=shutil.ignore_patterns("__pycache__", "*.npz", "*.gz"))
    graph = tmp_path / "minitf" / "framework" / "graph.py"
    graph.write_text(graph.read_text() + "\n\ndef _late():\n    from minitf.ops import math_ops\n"
                     "    return math_ops\n")
    dtypes_py = tmp_path / "minitf" / "framework" / "dtypes.py"
    dtypes_py.write_text(dtypes_py.read_text() + "\n\ndef _cycle():\n"
                       "    from minitf.framework import graph\n    return graph\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "The framework knows no particular op" in result.stdout
    assert "minitf.framework.graph -> minitf.ops.math_ops" in result.stdout
    assert "No import cycles among the framework's modules BROKEN" in result.stdout
