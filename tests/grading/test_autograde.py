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

# One or more plausible mistakes per lab: (answer cell, text in the solution, wrong text),
# and the test cells that must then lose their points. Every other question keeps full marks.
MISTAKES = {
    "lab01_graphs": (
        [("q2_ops_needed", "        pending.extend(op.control_inputs)\n", ""),
         ("q3_evaluate", "tf.Session(graph=graph)", "tf.Session()")],
        {"q2_tests", "q3_tests"},
    ),
    "lab02_ops": (
        [("q1_cond", "lambda: tf.add(x, y), lambda: tf.subtract(x, y)",
          "lambda: tf.subtract(x, y), lambda: tf.add(x, y)"),
         ("q8_cond_loss", "tf.reduce_sum(tf.abs(residual))", "tf.reduce_mean(tf.abs(residual))")],
        {"q1_tests", "q8_tests"},
    ),
    "lab03_regression": (
        # Huber's linear branch with 0.5 * delta instead of 0.5 * delta ** 2 (right only at
        # delta = 1, which the visible test uses); the initializer run inside the training
        # loop, so every step starts again from zero; the unclipped gradients applied
        [("q1_huber", "0.5 * delta ** 2", "0.5 * delta"),
         ("q2_fit_line", "            sess.run(init)\n            for _ in range(steps):\n",
          "            for _ in range(steps):\n                sess.run(init)\n"),
         ("q3_clipped", "apply_gradients(clipped)", "apply_gradients(grads_and_vars)")],
        {"q1_tests", "q2_tests", "q3_tests"},
    ),
    "lab05_experiments": (
        # no global_step: every save overwrites "model"; restore, then initialize anyway;
        # summaries written without a step (all at step 0)
        [("q1_save", ",\n                                            global_step=model.global_step)",
          ")"),
         ("q2_resume", "                saver.restore(sess, latest)\n",
          "                saver.restore(sess, latest)\n"
          "                sess.run(tf.global_variables_initializer())\n"),
         ("q4_summaries", "writer.add_summary(summary, global_step=step)",
          "writer.add_summary(summary)")],
        {"q1_tests", "q2_tests", "q4_tests"},
    ),
}


def test_every_lab_has_mistakes_to_catch():
    assert LAB_NAMES and set(MISTAKES) == set(LAB_NAMES)


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


def test_plausible_mistakes_lose_points(lab, tmp_path):
    edits, expected_failures = MISTAKES[lab]
    wrong = edited_copy(solution_path(lab), tmp_path, edits)
    report = grade_notebook(wrong)
    lost = {q.name for q in report.questions if q.score < q.max_score}
    assert lost == expected_failures, {q.name: q.error for q in report.questions}
    assert 0 < report.score < report.max_score
    for q in report.questions:
        assert (q.error is not None) == (q.name in expected_failures), (q.name, q.error)


def test_infinite_loop_times_out_and_the_rest_is_graded(tmp_path):
    spin = "while True:\n    pass\n\n\ndef evaluate("
    hung = edited_copy(solution_path("lab01_graphs"), tmp_path, [("q3_evaluate", "def evaluate(", spin)])
    report = grade_notebook(hung, timeout=5)
    scores = report.by_name()
    assert scores["q3_tests"].score == 0
    assert "CellTimeoutError" in scores["q3_tests"].error
    others = [q for name, q in scores.items() if name != "q3_tests"]
    assert others and all(q.score == q.max_score for q in others), report.table()


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
