"""Every question of every lab rejects plausible wrong answers, and grading repeats exactly.

The fast tests check the table of wrong answers and the hidden tests' seeding statically; the
``grading``-marked ones grade notebooks (a few seconds each: one execution per round, see
:func:`wrong_answers.rounds`).
"""
from __future__ import annotations

import ast
import json
import re

import pytest

from minitf.grading.autograde import grade_notebook

from .conftest import LAB_NAMES, cell_by_grade_id, solution_path
from .wrong_answers import WRONG_ANSWERS, rounds

MIN_WRONG_PER_QUESTION = 2


def _graded_cells(lab: str) -> dict[str, str]:
    """answer cell grade_id -> the grade_id of the test cell that checks it (the next one)."""
    nb = json.loads(solution_path(lab).read_text())
    pairs, answer = {}, None
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            answer = meta["grade_id"]
        elif meta.get("grade") and answer:
            pairs[answer], answer = meta["grade_id"], None
    return pairs


def _defined_names(code: str) -> set[str]:
    """The functions and classes a cell defines at its top level."""
    return {node.name for node in ast.parse(code).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


# -- fast, static checks -------------------------------------------------------------------

def test_every_question_has_wrong_answers():
    assert {w.lab for w in WRONG_ANSWERS} == set(LAB_NAMES)
    for lab in LAB_NAMES:
        answers = _graded_cells(lab)
        assert answers, lab
        table = {}
        for wrong in WRONG_ANSWERS:
            if wrong.lab == lab:
                table.setdefault(wrong.cell, []).append(wrong)
        assert set(table) == set(answers), f"{lab}: table covers {sorted(table)}, " \
                                           f"answer cells are {sorted(answers)}"
        for cell, wrongs in table.items():
            assert len(wrongs) >= MIN_WRONG_PER_QUESTION, f"{lab}:{cell} has {len(wrongs)}"
            assert len({w.label for w in wrongs}) == len(wrongs), f"{lab}:{cell}: same label twice"


@pytest.mark.parametrize("wrong", WRONG_ANSWERS, ids=lambda w: w.id)
def test_wrong_answer_defines_the_asked_function(wrong):
    """A wrong answer must be a real attempt: it defines the function the question asks for."""
    solution = "".join(cell_by_grade_id(json.loads(solution_path(wrong.lab).read_text()),
                                        wrong.cell)["source"])
    wanted = _defined_names(solution)
    assert wanted and wanted <= _defined_names(wrong.code), (wanted, wrong.code)
    assert "NotImplementedError" not in wrong.code
    assert wrong.code.strip() != solution.strip()


_UNSEEDED = [
    (re.compile(r"default_rng\(\s*\)"), "np.random.default_rng() without a seed"),
    (re.compile(r"RandomState\(\s*\)"), "np.random.RandomState() without a seed"),
    (re.compile(r"np\.random\.(rand|randn|randint|random|normal|uniform|choice|shuffle|"
                r"permutation|integers|seed)\("), "numpy's global random state"),
    (re.compile(r"\bimport random\b|\brandom\.(random|randint|choice|shuffle)\("),
     "Python's random module"),
]


@pytest.mark.parametrize("lab", LAB_NAMES)
def test_every_random_input_is_seeded(lab):
    """Hidden and visible tests draw only from explicitly seeded generators."""
    nb = json.loads(solution_path(lab).read_text())
    checked = 0
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not (meta.get("grade") or meta.get("locked")):
            continue
        source = "".join(cell["source"])
        for pattern, what in _UNSEEDED:
            assert not pattern.search(source), f"{lab}:{meta.get('grade_id')} uses {what}"
        checked += "default_rng(" in source
    assert checked, f"{lab}: no seeded generator found in the tests (did the check go stale?)"


# -- grading runs ----------------------------------------------------------------------------

ROUNDS = [(lab, k) for lab in LAB_NAMES for k in range(len(rounds(lab)))]


@pytest.fixture(scope="module")
def graded_rounds(tmp_path_factory):
    """Grade each round's notebook once per test session: (lab, k) -> (notebook, report)."""
    cache = {}

    def grade(lab: str, k: int):
        if (lab, k) not in cache:
            nb = json.loads(solution_path(lab).read_text())
            for cell, wrong in rounds(lab)[k].items():
                cell_by_grade_id(nb, cell)["source"] = wrong.code
            path = tmp_path_factory.mktemp(f"round{k}") / lab / f"{lab}.ipynb"
            path.parent.mkdir()
            path.write_text(json.dumps(nb, indent=1))
            cache[lab, k] = path, grade_notebook(path)
        return cache[lab, k]

    return grade


@pytest.mark.grading
@pytest.mark.parametrize("lab,k", ROUNDS, ids=[f"{lab}-round{k}" for lab, k in ROUNDS])
def test_wrong_answers_lose_points(graded_rounds, lab, k):
    _, report = graded_rounds(lab, k)
    tested_by = _graded_cells(lab)
    substituted = rounds(lab)[k]
    scores = report.by_name()
    assert set(scores) == set(tested_by.values()), report.table()
    kept = []
    for cell, wrong in substituted.items():
        q = scores[tested_by[cell]]
        if q.score >= q.max_score:
            kept.append(wrong.id)
        else:
            assert q.score == 0 and q.error, (wrong.id, q.error)
    assert not kept, f"wrong answers that keep full marks: {kept}\n{report.table()}"
    untouched = set(tested_by.values()) - {tested_by[c] for c in substituted}
    for name in untouched:
        assert scores[name].score == scores[name].max_score, (name, scores[name].error)


def _outcome(report):
    paths = re.compile(r"/tmp\S*")
    return [(q.name, q.score, paths.sub("<tmp>", q.error or "")) for q in report.questions]


@pytest.mark.grading
def test_the_same_notebook_gets_the_same_grade_twice(graded_rounds):
    # lab02 round 2: four questions wrong (graph checks, a tie), four right on random inputs
    notebook, first = graded_rounds("lab02_ops", 2)
    second = grade_notebook(notebook)
    assert 0 < first.score < first.max_score
    assert _outcome(second) == _outcome(first)
