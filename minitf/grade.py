"""``python -m minitf.grade labs/<lab>/<lab>.ipynb``: score a lab notebook against its hidden tests.

The work is done by :mod:`minitf.grading.autograde`; run with ``--help`` for the options.
"""
import sys

from minitf.grading.autograde import main

if __name__ == "__main__":
    sys.exit(main())
