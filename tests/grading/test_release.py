"""labs/ is the nbgrader release of solutions/, committed without outputs, and stays in sync."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from minitf.grading.release import LABS, SOLUTIONS, find_labs

from .conftest import LAB_NAMES, release_path, solution_path

pytestmark = pytest.mark.grading

# Keys that may legitimately differ between two generations of the same source.
VOLATILE_NOTEBOOK_META = {"widgets", "toc", "varInspector"}
VOLATILE_CELL_META = {"execution", "collapsed", "scrolled", "ExecuteTime"}


def _normalized(path: Path) -> dict:
    nb = json.loads(path.read_text())
    for key in VOLATILE_NOTEBOOK_META:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb["cells"]:
        for key in VOLATILE_CELL_META:
            cell.get("metadata", {}).pop(key, None)
        if cell["cell_type"] == "code":
            cell["execution_count"] = None
    return nb


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts)


def test_labs_match_a_fresh_release(tmp_path):
    assert find_labs(LABS) == LAB_NAMES, "labs/ and solutions/ hold different labs"
    run = subprocess.run([sys.executable, "-m", "minitf.grading.release", "--dest", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert find_labs(tmp_path) == LAB_NAMES
    for lab in LAB_NAMES:
        fresh, committed = tmp_path / lab, LABS / lab
        assert _files(fresh) == _files(committed), f"{lab}: different files"
        for rel in _files(fresh):
            if rel.endswith(".ipynb"):
                assert _normalized(fresh / rel) == _normalized(committed / rel), (
                    f"labs/{lab}/{rel} is stale: run python -m minitf.grading.release")
            else:
                assert (fresh / rel).read_bytes() == (committed / rel).read_bytes(), rel


def _notebooks():
    return sorted(list(SOLUTIONS.glob("*/*.ipynb")) + list(LABS.glob("*/*.ipynb")))


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: str(p.relative_to(p.parents[2])))
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{cell.get('id')}: outputs committed"
            assert cell["execution_count"] is None, f"{cell.get('id')}: execution count committed"


def test_source_metadata_is_valid_nbgrader(lab):
    from nbgrader.nbgraderformat import MetadataValidator

    path = solution_path(lab)
    nb = json.loads(path.read_text())
    MetadataValidator().validate_nb(_as_node(nb))
    graded, answers = [], []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta:
            continue
        assert meta["schema_version"] == 3 and meta["task"] is False, meta
        source = "".join(cell["source"])
        if meta["grade"]:
            assert not meta["solution"] and meta["locked"] and meta["points"] > 0, meta
            assert "### BEGIN HIDDEN TESTS" in source and "### END HIDDEN TESTS" in source
            assert "assert" in source.split("### BEGIN HIDDEN TESTS")[0], "no visible test"
            graded.append(meta["grade_id"])
        elif meta["solution"]:
            assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source
            answers.append(meta["grade_id"])
    assert graded and len(answers) == len(graded)
    # the release keeps the visible tests but neither solutions nor hidden tests
    released = release_path(lab).read_text()
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released


def _as_node(nb: dict):
    import nbformat

    return nbformat.from_dict(nb)


@pytest.mark.timeout(300)
def test_stock_nbgrader_cli_round_trip(tmp_path):
    """An instructor's plain `nbgrader generate_assignment` + `nbgrader autograde` work."""
    repo = SOLUTIONS.parent
    shutil.copy(repo / "nbgrader_config.py", tmp_path)
    shutil.copytree(SOLUTIONS / "lab01_graphs", tmp_path / "solutions" / "lab01_graphs")
    nbgrader = Path(sys.executable).parent / "nbgrader"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(repo), os.environ.get("PYTHONPATH")) if p))

    def run(*args):
        done = subprocess.run([str(nbgrader), *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stdout + done.stderr

    run("generate_assignment", "lab01_graphs", "--force")
    assert (tmp_path / "labs" / "lab01_graphs" / "lab01_graphs.ipynb").read_bytes() == \
        release_path("lab01_graphs").read_bytes()
    for student, source in (("blank", release_path("lab01_graphs")),
                            ("model", solution_path("lab01_graphs"))):
        dest = tmp_path / "submitted" / student / "lab01_graphs"
        dest.mkdir(parents=True)
        shutil.copy(source, dest / "lab01_graphs.ipynb")
    run("autograde", "lab01_graphs")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        assert gb.find_submission("lab01_graphs", "blank").score == 0
        model = gb.find_submission("lab01_graphs", "model")
        assert model.score == model.max_score == 10
