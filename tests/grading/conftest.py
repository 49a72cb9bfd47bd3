"""Shared helpers for the lab grading tests: where the labs are, and notebook surgery."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from minitf.grading.release import LABS, SOLUTIONS, find_labs

LAB_NAMES = find_labs(SOLUTIONS)


def cell_by_grade_id(nb: dict, grade_id: str) -> dict:
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def edited_copy(src: Path, dest_dir: Path, edits) -> Path:
    """Copy notebook ``src`` to ``dest_dir/<lab>/<lab>.ipynb`` with ``edits`` applied.

    ``edits`` is a list of ``(grade_id, old, new)``: in that cell's source the text ``old``
    (which must occur exactly once, so a changed solution cannot make the test vacuous) becomes
    ``new``.
    """
    nb = json.loads(src.read_text())
    for grade_id, old, new in edits:
        cell = cell_by_grade_id(nb, grade_id)
        source = "".join(cell["source"])
        assert source.count(old) == 1, f"{grade_id}: {old!r} not found exactly once"
        cell["source"] = source.replace(old, new)
    dest = dest_dir / src.parent.name / src.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1))
    return dest


@pytest.fixture(params=LAB_NAMES)
def lab(request) -> str:
    return request.param


def solution_path(lab: str) -> Path:
    return SOLUTIONS / lab / f"{lab}.ipynb"


def release_path(lab: str) -> Path:
    return LABS / lab / f"{lab}.ipynb"
