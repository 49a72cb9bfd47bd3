"""Lab tooling: regenerate the learner release and grade one notebook with nbgrader.

- ``python -m minitf.grading.release`` rebuilds ``labs/`` from the nbgrader sources in
  ``solutions/`` (see :mod:`minitf.grading.release`).
- ``python -m minitf.grade labs/<lab>/<lab>.ipynb`` grades a learner's copy against the hidden
  tests (see :mod:`minitf.grading.autograde`).

Both drive stock nbgrader in-process, in a private temporary course directory, so the
repository never gets a gradebook and the learner's file is only ever read. Importing this
package is cheap; nbgrader is imported by the submodules that need it.
"""
