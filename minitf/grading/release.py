"""Regenerate the learner notebooks in ``labs/`` from the nbgrader sources in ``solutions/``.

Usage::

    python -m minitf.grading.release                  # every lab in solutions/
    python -m minitf.grading.release lab01_graphs     # only the labs named
    python -m minitf.grading.release --dest DIR       # write DIR/<lab>/ instead of labs/<lab>/

Each lab goes through stock ``nbgrader generate_assignment`` (the in-process converter, not a
subprocess) inside a throwaway course directory with its own sqlite gradebook, so nothing but
``labs/<lab>/`` is written in the repository. The same helpers set up the private course that
:mod:`minitf.grading.autograde` grades in.
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO_ROOT / "solutions"
LABS = REPO_ROOT / "labs"

# nbgrader.converters pulls in nbconvert, sqlalchemy and jupyter_client: imported on first use.


class GradingError(RuntimeError):
    """A lab or notebook could not be processed; the message says why in one line."""


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in our command-line tools.

    nbformat validates with jsonschema, whose format checker imports the optional
    ``rfc3987_syntax`` (about 1 s: it compiles a grammar at import) just to check the ``iri``
    string format, which notebook schemas never use. Marking the module as absent makes
    jsonschema skip that one checker; call this before nbgrader is imported, from a ``main``.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def find_labs(source_root: Path = SOLUTIONS) -> list[str]:
    """Names of the labs under ``source_root``: folders ``<lab>/`` holding ``<lab>.ipynb``."""
    source_root = Path(source_root)
    if not source_root.is_dir():
        return []
    return sorted(d.name for d in source_root.iterdir() if (d / f"{d.name}.ipynb").is_file())


def _last_exception(log_lines: list[str]) -> str:
    """The final ``Type: message`` line of the last traceback nbgrader logged."""
    for entry in reversed(log_lines):
        if "Traceback (most recent call last)" in entry:
            return entry.strip().splitlines()[-1]
    return log_lines[-1] if log_lines else "no log"


class _LogCollector(logging.Handler):
    """Keeps nbgrader's log records so a failure can be explained afterwards."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"[{record.levelname}] {record.getMessage()}")


def make_logger(verbose: bool = False) -> tuple[logging.Logger, _LogCollector]:
    """A private logger for nbgrader: collected in memory, echoed to stderr when verbose."""
    log = logging.Logger("minitf.grading.nbgrader", logging.INFO)  # unregistered: no leak, no root
    collector = _LogCollector()
    log.addHandler(collector)
    if verbose:
        log.addHandler(logging.StreamHandler(sys.stderr))
    return log, collector


def _create_gradebook(db_url: str) -> None:
    """Create an empty, current nbgrader gradebook at ``db_url``.

    nbgrader's ``Gradebook`` would do this itself on first use, but it asks for the schema
    revision by running the ``alembic`` executable, which costs most of a second and fails
    when the virtualenv's ``bin/`` is not on PATH. Stamping the revision here, read in-process
    from nbgrader's own migration scripts, gives the same database.
    """
    import nbgrader.api
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text

    head = ScriptDirectory(str(Path(nbgrader.api.__file__).parent / "alembic")).get_current_head()
    engine = create_engine(db_url, future=True)
    try:
        nbgrader.api.Base.metadata.create_all(bind=engine)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                         {"head": head})
    finally:
        engine.dispose()


@contextmanager
def quiet_gradebook():
    """Silence the SQLAlchemy 2.x warnings nbgrader 0.9.6's gradebook code emits (harmless)."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        yield


class TempCourse:
    """A private nbgrader course directory with its own sqlite gradebook.

    ``with TempCourse(lab, source_root) as course:`` copies ``source_root/<lab>`` into
    ``course.root/source/<lab>``; everything is deleted on exit. nbgrader's log goes to
    ``course.log``: kept in memory to explain failures, echoed to stderr when ``verbose``.
    """

    def __init__(self, lab: str, source_root: Path = SOLUTIONS, verbose: bool = False):
        self.lab = lab
        self.source_root = Path(source_root)
        self.log, self._collector = make_logger(verbose)
        self._tmp = None
        self.root: Path | None = None

    def __enter__(self) -> "TempCourse":
        src = self.source_root / self.lab
        if not (src / f"{self.lab}.ipynb").is_file():
            raise GradingError(f"no nbgrader source {src / (self.lab + '.ipynb')}")
        self._tmp = tempfile.TemporaryDirectory(prefix=f"minitf-{self.lab}-")
        self.root = Path(self._tmp.name)
        try:
            shutil.copytree(src, self.root / "source" / self.lab,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            _create_gradebook(self.db_url)
        except BaseException:
            self._tmp.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self._tmp.cleanup()

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def path(self, step: str, student: str = ".") -> Path:
        """Folder of this lab at one nbgrader step (``release``, ``submitted``, ...)."""
        return (self.root / step / student / self.lab).resolve()

    def config(self, **sections):
        """nbgrader config for this course; ``sections`` adds e.g. ``Execute={"timeout": 5}``."""
        from traitlets.config import Config

        cfg = Config()
        cfg.CourseDirectory.root = str(self.root)
        cfg.CourseDirectory.db_url = self.db_url
        cfg.CourseDirectory.source_directory = "source"
        cfg.CourseDirectory.release_directory = "release"
        cfg.CourseDirectory.assignment_id = self.lab
        for section, values in sections.items():
            for key, value in values.items():
                cfg[section][key] = value
        return cfg

    def run(self, converter_cls, **sections):
        """Run one nbgrader converter (GenerateAssignment, Autograde, ...) on this course."""
        from nbgrader.converters.base import NbGraderException
        from nbgrader.coursedir import CourseDirectory

        cfg = self.config(**sections)
        coursedir = CourseDirectory(config=cfg, log=self.log)
        converter = converter_cls(coursedir=coursedir, config=cfg, log=self.log)
        converter.force = True
        try:
            with quiet_gradebook():
                converter.start()
        except NbGraderException as err:
            raise GradingError(f"nbgrader {converter_cls.__name__} failed for {self.lab}: "
                               f"{_last_exception(self._collector.lines)} (-v shows nbgrader's log)"
                               ) from err

    def generate(self) -> Path:
        """``nbgrader generate_assignment <lab>`` into ``release/``; records it in the gradebook."""
        from nbgrader.converters import GenerateAssignment

        self.run(GenerateAssignment)
        return self.path("release")


def release_lab(lab: str, source_root: Path = SOLUTIONS, dest_root: Path = LABS,
                verbose: bool = False) -> Path:
    """Generate the learner version of ``lab`` and put it at ``dest_root/<lab>/``."""
    dest = Path(dest_root) / lab
    with TempCourse(lab, source_root, verbose) as course:
        released = course.generate()
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(released, dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minitf.grading.release",
        description="Regenerate labs/ (the learner release) from solutions/ with nbgrader.")
    parser.add_argument("labs", nargs="*", help="lab names (default: every lab in the source dir)")
    parser.add_argument("--source", type=Path, default=SOLUTIONS,
                        help="nbgrader source directory (default: %(default)s)")
    parser.add_argument("--dest", type=Path, default=LABS,
                        help="where <lab>/ folders are written (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's log")
    args = parser.parse_args(argv)
    skip_slow_optional_imports()

    labs = args.labs or find_labs(args.source)
    if not labs:
        parser.error(f"no labs found in {args.source}")
    for lab in labs:
        try:
            dest = release_lab(lab, args.source, args.dest, verbose=args.verbose)
        except GradingError as err:
            print(err, file=sys.stderr)
            return 1
        print(f"{lab}: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
