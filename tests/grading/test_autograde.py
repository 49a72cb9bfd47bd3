"""Round trips through the grader: right answers pass, blanks and mistakes do not."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from minitf.grading.autograde import grade_notebook, resolve_lab
from minitf.grading.release import SOLUTIONS, GradingError

from .conftest import LAB_NAMES, edited_copy, release_path, solution_path

pytestmark = pytest.mark.grading

# Wrong answers for every question are in wrong_answers.py / test_wrong_answers.py.


def test_solution_scores_full_marks(lab):
    report = grade_notebook(solution_path(lab))
    assert report.questions, "no autograded questions found"
    failed = {q.name: q.error for q in report.questions if q.score != q.max_score}
    assert not failed, failed
    assert report.score == report.max_score > 0


def test_blank_release_scores_zero(lab):
    report = grade_notebook(release_path(lab))
    assert report.questions
    for q in report.questions:
        assert q.max_score > 0
        assert q.score == 0, f"{q.name} passes without an answer"
        assert q.error and "NotImplementedError" in q.error, (q.name, q.error)


def test_infinite_loop_times_out_and_the_rest_is_graded(tmp_path):
    spin = "while True:\n    pass\n\n\ndef evaluate("
    hung = edited_copy(solution_path("lab01_graphs"), tmp_path, [("q3_evaluate", "def evaluate(", spin)])
    report = grade_notebook(hung, timeout=5)
    scores = report.by_name()
    assert scores["q3_tests"].score == 0
    assert "CellTimeoutError" in scores["q3_tests"].error
    others = [q for name, q in scores.items() if name != "q3_tests"]
    assert others and all(q.score == q.max_score for q in others), report.table()


def test_kernel_death_scores_zero_and_the_rest_is_graded(tmp_path):
    # the kernel dies twice: while an answer cell runs (q3), and while a test cell calls a
    # learner function that exits the process (q5)
    dying = edited_copy(solution_path("lab01_graphs"), tmp_path, [
        ("q3_evaluate", "def evaluate(", "import os\nos._exit(1)\n\n\ndef evaluate("),
        ("q5_feedable", "    return sorted(", "    import os\n    os._exit(3)\n    return sorted("),
    ])
    run = subprocess.run([sys.executable, "-m", "minitf.grade", str(dying)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = {line.split()[0]: line for line in run.stdout.splitlines()
            if line.split()[:1] and line.split()[0].endswith("_tests")}
    assert set(rows) == {f"q{i}_tests" for i in range(1, 6)}, run.stdout
    for name in ("q3_tests", "q5_tests"):
        assert rows[name].split()[1:4] == ["0", "/", "2"], rows[name]
        assert "DeadKernelError" in rows[name] and "kernel died" in rows[name], rows[name]
    assert "cell q3_evaluate" in rows["q3_tests"], "the reason names the answer cell that died"
    for name, points in (("q1_tests", "2"), ("q2_tests", "3"), ("q4_tests", "1")):
        assert rows[name].split()[1:4] == [points, "/", points], rows[name]
    total = next(line for line in run.stdout.splitlines() if line.split()[:1] == ["total"])
    assert total.split()[1:] == ["6", "/", "10"], run.stdout


def test_cli_reports_and_leaves_the_learner_file_alone(tmp_path):
    # The folder name says nothing here, so the lab is found from the file name.
    learner = tmp_path / "my-attempt" / "lab01_graphs.ipynb"
    learner.parent.mkdir()
    learner.write_bytes(release_path("lab01_graphs").read_bytes())
    digest, mtime = hashlib.sha256(learner.read_bytes()).hexdigest(), learner.stat().st_mtime_ns

    run = subprocess.run([sys.executable, "-m", "minitf.grade", str(learner), "--timeout", "30"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert any(line.split()[:1] == ["q1_tests"] and "NotImplementedError" in line for line in lines)
    total = next(line for line in lines if line.split()[:1] == ["total"])
    assert total.split()[1:] == ["0", "/", "10"], run.stdout
    assert hashlib.sha256(learner.read_bytes()).hexdigest() == digest
    assert learner.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in learner.parent.iterdir()) == ["lab01_graphs.ipynb"]


def test_unknown_lab_is_a_clear_error(tmp_path):
    stray = tmp_path / "homework" / "notes.ipynb"
    with pytest.raises(GradingError, match="--lab"):
        resolve_lab(stray, SOLUTIONS)
    assert resolve_lab(stray, SOLUTIONS, lab="lab02_ops") == "lab02_ops"
    run = subprocess.run([sys.executable, "-m", "minitf.grade", str(tmp_path / "missing.ipynb")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "no such notebook" in run.stderr
