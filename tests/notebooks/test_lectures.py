"""Lecture notebooks: committed clean, same heading skeleton, and they run top to bottom.

The heading convention is written down in ``lectures/README.md``:

* first cell: ``# Lecture NN — Title`` (NN = the file's number);
* ``## What you will learn``;
* numbered sections ``## 1. Topic``, ``## 2. Topic``, ... each with at least one
  ``**Try it:**`` or ``**Question:**`` prompt for the reader;
* ``## Summary`` then ``## Questions`` as the last two ``##`` headings.

The fast checks (clean, metadata, headings) always run; executing the notebooks
carries the ``notebooks`` marker.
"""
import json
import os
import pathlib
import re
import shutil
import sys
import time

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LECTURE_DIR = ROOT / "lectures"
LECTURES = sorted(LECTURE_DIR.glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in LECTURES]

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
TITLE = re.compile(r"^# Lecture (\d\d) \u2014 \S.*$")
NUMBERED = re.compile(r"^(\d+)\. \S.*$")
PROMPT = re.compile(r"^\s*\*\*(Try it|Question)s?:?\*\*", re.M)
CELL_TIMEOUT = 300


def read(path):
    return nbformat.read(str(path), as_version=4)


def markdown_headings(cell):
    """``(level, text)`` of each ATX heading in a markdown cell, skipping code fences."""
    out, fenced = [], False
    for line in cell.source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m and not fenced:
            out.append((len(m.group(1)), m.group(2)))
    return out


def test_there_are_lectures():
    assert LECTURES, "no lectures/NN_name.ipynb found"
    assert (LECTURE_DIR / "README.md").exists()


@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_committed_without_outputs(path):
    nb = read(path)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], "cell %d of %s has outputs" % (i, path.name)
            assert cell.execution_count is None, "cell %d of %s has an execution count" % (
                i, path.name)
    assert "widgets" not in nb.metadata, "saved widget state in %s" % path.name


@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_metadata(path):
    meta = read(path).metadata
    assert dict(meta.get("kernelspec", {})) == KERNELSPEC
    assert meta.get("language_info", {}).get("name") == "python"


@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_heading_structure(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown", "the first cell must be the title"
    title = first.source.strip().splitlines()[0]
    m = TITLE.match(title)
    assert m, "first line %r is not '# Lecture NN \u2014 Title'" % title
    assert m.group(1) == path.name[:2], "title number does not match the file name"

    # Walk the notebook, cutting it into ``##`` sections.
    sections, top = [], []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if sections:
                sections[-1][1].append(cell)
            continue
        for level, text in markdown_headings(cell):
            if level == 1:
                top.append(text)
            elif level == 2:
                sections.append((text, []))
        if sections:
            sections[-1][1].append(cell)
    assert top == [title[2:]], "only the title may be a level-1 heading, got %r" % top
    names = [s[0] for s in sections]
    assert len(names) >= 4, names
    assert names[0] == "What you will learn", names
    assert names[-2:] == ["Summary", "Questions"], names
    middle = names[1:-2]
    assert middle, "no numbered sections"
    numbers = []
    for name in middle:
        m = NUMBERED.match(name)
        assert m, "section %r is not numbered like '## 1. Topic'" % name
        numbers.append(int(m.group(1)))
    assert numbers == list(range(1, len(numbers) + 1)), names
    for name, cells in sections[1:-2]:
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        assert PROMPT.search(text), "section %r has no **Try it:** / **Question:** prompt" % name


@pytest.fixture
def venv_kernel(tmp_path, monkeypatch):
    """Make kernel 'python3' mean this interpreter (the venv) and this checkout's minitf."""
    kdir = tmp_path / "jupyter" / "kernels" / "python3"
    kdir.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}
    (kdir / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return "python3"


@pytest.mark.notebooks
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_runs_top_to_bottom(path, tmp_path, venv_kernel):
    from nbclient import NotebookClient

    work = tmp_path / "lectures"
    shutil.copytree(LECTURE_DIR, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nb = read(work / path.name)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=venv_kernel,
                            allow_errors=False, resources={"metadata": {"path": str(work)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    elapsed = time.perf_counter() - start
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, "cell %d raised %s" % (i, errors[0].ename)
    print("%s ran in %.1f s" % (path.name, elapsed))
