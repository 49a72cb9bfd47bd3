"""lab09: a learner pipeline that waits for ever costs its own question, and only a few seconds.

The lab's tests call ``read_batches`` through the setup cell's ``call_with_deadline`` (a daemon
thread joined with a timeout), so a hung pipeline fails its test cell by itself: grading needs
neither the grader's per-cell timeout nor a kernel restart, and the other questions keep their
points.
"""
from __future__ import annotations

import json
import re

import pytest

from minitf.grading.autograde import DEFAULT_TIMEOUT, grade_notebook

from .conftest import cell_by_grade_id, solution_path
from .wrong_answers import L9, WRONG_ANSWERS

pytestmark = pytest.mark.grading

HANGS = [w for w in WRONG_ANSWERS if w.lab == L9 and w.label.endswith("waits for ever")]


def _deadline_seconds() -> float:
    setup = "".join(cell_by_grade_id(json.loads(solution_path(L9).read_text()),
                                     "setup")["source"])
    return float(re.search(r"^DEADLINE_SECONDS = (\d+)$", setup, re.M).group(1))


def test_the_table_has_hanging_pipelines():
    # one waits in the first dequeue (no queue runners), one in coord.join (no request_stop)
    assert len(HANGS) >= 2 and {w.cell for w in HANGS} == {"q3_read"}, HANGS


@pytest.mark.parametrize("wrong", HANGS, ids=lambda w: w.label.split(":")[0])
def test_hanging_pipeline_scores_zero_and_the_rest_is_graded(tmp_path, wrong):
    nb = json.loads(solution_path(L9).read_text())
    cell_by_grade_id(nb, wrong.cell)["source"] = wrong.code
    path = tmp_path / L9 / f"{L9}.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(nb, indent=1))

    # a per-cell timeout far beyond the test's deadline: the test cell must end by itself
    report = grade_notebook(path, timeout=600)

    scores = report.by_name()
    hung = scores["q3_tests"]
    assert hung.score == 0, report.table()
    assert "TimeoutError: read_batches did not return within" in hung.error, hung.error
    assert "CellTimeoutError" not in hung.error and "DeadKernelError" not in hung.error
    others = [q for name, q in scores.items() if name != "q3_tests"]
    assert others and all(q.score == q.max_score for q in others), report.table()
    # the deadline plus the rest of the notebook: less than one default cell timeout
    assert _deadline_seconds() <= report.seconds < DEFAULT_TIMEOUT, report.seconds
