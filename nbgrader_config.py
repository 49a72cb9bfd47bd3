"""nbgrader configuration for the minitf labs (stock nbgrader 0.9.6).

Run nbgrader from the repository root with the project's virtualenv active:

    nbgrader generate_assignment lab01_graphs --force    # solutions/ -> labs/ (+ gradebook.db)
    nbgrader autograde lab01_graphs                       # grades submitted/<student>/lab01_graphs/

`solutions/<lab>/<lab>.ipynb` is the source (solution regions and hidden tests), `labs/` the
release that learners get. Add `--no-db` to generate_assignment to refresh `labs/` without a
gradebook; autograde needs the gradebook that a plain generate_assignment writes to
`gradebook.db` here (git-ignored, never committed), because that is where the hidden tests are
kept. `python -m minitf.grading.release` regenerates `labs/` without touching this directory's
gradebook, and `python -m minitf.grade` grades one notebook on its own.
"""
import os
import sys

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "labs"

# A new gradebook asks the `alembic` executable for its schema revision. Put this
# interpreter's bin/ first on PATH so that works without activating the virtualenv too.
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])

# A kernel that dies in one cell (os._exit, a segfault, out of memory) fails that cell only: the
# Execute step is replaced by one that restarts the kernel and goes on (minitf/grading/execute.py).
from minitf.grading.autograde import surviving_preprocessors  # noqa: E402

c.Autograde.autograde_preprocessors = surviving_preprocessors()
