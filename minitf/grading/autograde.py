"""Grade one learner notebook against a lab's hidden tests, with stock nbgrader.

Usage (``minitf/grade.py`` forwards here)::

    python -m minitf.grade labs/lab01_graphs/lab01_graphs.ipynb
    python -m minitf.grade my_copy.ipynb --lab lab01_graphs --timeout 10

What happens, all in this process and inside a private temporary course directory:

1. ``solutions/<lab>/`` is copied in as the nbgrader source and ``generate_assignment`` runs
   against a fresh sqlite gradebook, which records the hidden tests;
2. a *copy* of the learner's notebook becomes ``submitted/learner/<lab>/<lab>.ipynb``;
3. ``autograde`` restores the locked and test cells from the gradebook (hidden tests included),
   runs the notebook in a fresh kernel with a per-cell timeout, and stores the scores; should
   the kernel die in a cell, that cell fails, a new kernel replays the cells above it and
   grading goes on (:mod:`minitf.grading.execute`);
4. the scores are read back from the gradebook, the error messages from the executed copy.

The learner's file is only read. The lab comes from the notebook's folder name (the release
layout is ``labs/<lab>/<lab>.ipynb``), falling back to the file name; ``--lab`` overrides both.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from minitf.grading.release import (REPO_ROOT, SOLUTIONS, GradingError, TempCourse, find_labs,
                                    quiet_gradebook, skip_slow_optional_imports)

STUDENT = "learner"
DEFAULT_TIMEOUT = 30
MAX_ERROR_CHARS = 240
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class QuestionResult:
    """Outcome of one autograded test cell."""

    name: str
    score: float
    max_score: float
    error: str | None = None


@dataclass
class GradeReport:
    """Scores of one notebook, in notebook order."""

    lab: str
    notebook: Path
    questions: list[QuestionResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    def by_name(self) -> dict[str, QuestionResult]:
        return {q.name: q for q in self.questions}

    def table(self) -> str:
        """The human-readable score table printed by ``python -m minitf.grade``."""
        width = max([len("question"), len("total")] + [len(q.name) for q in self.questions])
        lines = [f"{self.lab}: {self.notebook}", "",
                 f"  {'question':<{width}}  {'points':>9}"]
        for q in self.questions:
            row = f"  {q.name:<{width}}  {_num(q.score):>4} / {_num(q.max_score):<4}"
            if q.error:
                row += f"  {q.error}"
            lines.append(row.rstrip())
        lines.append(f"  {'-' * (width + 11)}")
        lines.append(f"  {'total':<{width}}  {_num(self.score):>4} / {_num(self.max_score)}")
        lines.append("")
        lines.append(f"graded in {self.seconds:.1f} s")
        return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:g}"


def resolve_lab(notebook: Path, source_root: Path, lab: str | None = None) -> str:
    """Which lab ``notebook`` belongs to: ``lab`` if given, else its folder, else its file name."""
    if lab:
        candidates = [lab]
    else:
        candidates = [notebook.parent.name, notebook.stem]
    for name in candidates:
        if (source_root / name / f"{name}.ipynb").is_file():
            return name
    known = ", ".join(find_labs(source_root)) or "none"
    raise GradingError(f"cannot tell which lab {notebook} is: tried {', '.join(candidates)} "
                       f"in {source_root} (labs there: {known}); pass --lab NAME")


def _kernel_spec_dir(root: Path) -> Path:
    """A ``python3`` kernelspec that runs this interpreter and can import this minitf.

    The released notebooks ask for the ``python3`` kernel; a user-wide kernelspec of that name
    could point at another Python without minitf, so the grading kernel is pinned here.
    """
    spec = root / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    pythonpath = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(REPO_ROOT)) if p)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "Python 3 (minitf grading)",
        "language": "python",
        # a fixed hash seed: set and dict-of-set orders (an unsorted answer) repeat run to run;
        # one BLAS thread: threaded OpenBLAS products differ in the last bit from run to run,
        # which a training answer amplifies, so a grade near a threshold could change
        "env": {"PYTHONPATH": pythonpath, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"},
    }))
    return root / "jupyter"


@contextlib.contextmanager
def _environ(**values):
    """Set environment variables for the duration of the block, then restore them."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _error_line(outputs) -> str | None:
    """Last line of a cell's error (``Name: message``); a timeout wins over what it caused."""
    errors = [out for out in outputs if out.get("output_type") == "error"]
    if not errors:
        return None
    timeouts = [out for out in errors if out.get("ename") == "CellTimeoutError"]
    out = (timeouts or errors)[0]
    lines = [_ANSI.sub("", chunk) for chunk in out.get("traceback", [])]
    lines = [line.strip() for chunk in lines for line in chunk.splitlines() if line.strip()]
    if out.get("evalue") or not lines:
        # one table row: numpy's multi-line assertion messages are joined and cut short
        evalue = " ".join(line.strip() for line in out.get("evalue", "").splitlines()
                          if line.strip())
        if len(evalue) > MAX_ERROR_CHARS:
            evalue = evalue[:MAX_ERROR_CHARS - 3].rstrip() + "..."
        return f"{out.get('ename', 'Error')}: {evalue}".rstrip(": ")
    return lines[-1].rstrip(":")


def _cell_errors(executed_nb: Path) -> dict[str, str]:
    """Why each failed test cell failed, naming an answer cell above it that failed first."""
    nb = json.loads(executed_nb.read_text())
    errors, answer_error = {}, None
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        err = _error_line(cell.get("outputs", []))
        if meta.get("grade"):
            if err and answer_error:
                err = f"{answer_error} (then the tests: {err})"
            if err:
                errors[meta["grade_id"]] = err
            answer_error = None
        elif err:
            answer_error = f"cell {meta.get('grade_id', cell.get('id', '?'))}: {err}"
    return errors


def _grade_ids(notebook: Path) -> list[str]:
    """grade_ids of the test cells, in notebook order."""
    nb = json.loads(notebook.read_text())
    return [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade")]


def surviving_preprocessors() -> list:
    """nbgrader's autograde steps with ``Execute`` replaced by one that survives kernel deaths."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from minitf.grading.execute import SurvivingExecute

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    if Execute not in steps:
        raise GradingError("this nbgrader has no Execute step in autograde_preprocessors")
    return [SurvivingExecute if step is Execute else step for step in steps]


def grade_notebook(notebook, *, source_root=None, lab: str | None = None,
                   timeout: int = DEFAULT_TIMEOUT, verbose: bool = False) -> GradeReport:
    """Grade ``notebook`` (never modified) against ``source_root/<lab>`` and return the scores."""
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde

    started = time.perf_counter()
    notebook = Path(notebook).resolve()
    source_root = Path(source_root or SOLUTIONS).resolve()
    if not notebook.is_file():
        raise GradingError(f"no such notebook: {notebook}")
    lab = resolve_lab(notebook, source_root, lab)
    try:
        nbformat.read(notebook, as_version=nbformat.NO_CONVERT)
    except Exception as err:  # nbformat raises several unrelated types for a broken file
        raise GradingError(f"{notebook} is not a readable notebook: {err}") from err
    with TempCourse(lab, source_root, verbose) as course:
        course.generate()
        submitted = course.path("submitted", STUDENT)
        submitted.mkdir(parents=True)
        shutil.copyfile(notebook, submitted / f"{lab}.ipynb")

        jupyter_path = os.pathsep.join(
            p for p in (str(_kernel_spec_dir(course.root)), os.environ.get("JUPYTER_PATH")) if p)
        with _environ(JUPYTER_PATH=jupyter_path):
            course.run(Autograde,
                       CourseDirectory={"student_id": STUDENT},
                       Autograde={"autograde_preprocessors": surviving_preprocessors()},
                       Execute={"timeout": int(timeout)})

        executed = course.path("autograded", STUDENT) / f"{lab}.ipynb"
        errors = _cell_errors(executed) if executed.is_file() else {}
        order = {cell_id: i for i, cell_id in enumerate(_grade_ids(course.path("release")
                                                                    / f"{lab}.ipynb"))}
        report = GradeReport(lab=lab, notebook=notebook)
        with quiet_gradebook(), Gradebook(course.db_url) as gb:
            graded = gb.find_submission_notebook(lab, lab, STUDENT)
            for grade in sorted(graded.grades, key=lambda g: order.get(g.name, len(order))):
                score = grade.score if grade.auto_score is not None else 0.0
                error = errors.get(grade.name)
                if grade.auto_score is None and not error:
                    error = "not graded (test cell missing?)"
                report.questions.append(QuestionResult(grade.name, float(score),
                                                       float(grade.max_score), error))
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minitf.grade",
        description="Grade one lab notebook against its hidden tests (your file is not changed).")
    parser.add_argument("notebook", type=Path, help="e.g. labs/lab01_graphs/lab01_graphs.ipynb")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help="seconds one cell may run before it is interrupted "
                             "(default: %(default)s)")
    parser.add_argument("--source", type=Path, default=SOLUTIONS,
                        help="nbgrader source directory holding <lab>/<lab>.ipynb "
                             "(default: %(default)s)")
    parser.add_argument("--lab", help="lab name, when the notebook's folder or file name "
                                      "does not tell")
    parser.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's log")
    args = parser.parse_args(argv)
    skip_slow_optional_imports()
    try:
        report = grade_notebook(args.notebook, source_root=args.source, lab=args.lab,
                                timeout=args.timeout, verbose=args.verbose)
    except GradingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(report.table())
    return 0
