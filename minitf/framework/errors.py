"""TensorFlow's runtime error classes.

Every error raised while running a graph names the op it came from, its type,
and the place in the user's code (file and line, or notebook cell) where that
op was created, so a learner can jump straight to the line that built it.
"""
import contextlib
import os
import sys

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND = 0, 1, 2, 3, 4, 5
ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION = 6, 7, 8, 9
ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS = 10, 11, 12, 13, 14, 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """Base class for errors raised by a running graph.

    Attributes:
        node_def: the failing op's NodeDef (or None).
        op: the failing ``Operation`` (or None).
        message: the message without the location suffix.
        error_code: TF's numeric error code.
    """

    error_code = UNKNOWN

    def __init__(self, node_def, op, message, error_code=None):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message
        if error_code is not None:
            self.error_code = error_code

    def __str__(self):
        if self.op is None:
            return self.message
        return "%s\n\t [[node %s (%s) defined at %s]]" % (
            self.message, self.op.name, self.op.type, format_location(self.op.traceback))


def _make(name, code, doc):
    cls = type(name, (OpError,), {"error_code": code, "__doc__": doc})
    cls.__init__ = lambda self, node_def, op, message, *args, **kw: OpError.__init__(
        self, node_def, op, message, code)
    return cls


CancelledError = _make("CancelledError", CANCELLED, "An operation was cancelled.")
UnknownError = _make("UnknownError", UNKNOWN, "An error of no other class.")
InvalidArgumentError = _make("InvalidArgumentError", INVALID_ARGUMENT,
                             "An op got an argument it cannot use (bad value, shape or dtype).")
DeadlineExceededError = _make("DeadlineExceededError", DEADLINE_EXCEEDED, "A deadline expired.")
NotFoundError = _make("NotFoundError", NOT_FOUND, "A requested file or entity does not exist.")
AlreadyExistsError = _make("AlreadyExistsError", ALREADY_EXISTS, "An entity already exists.")
PermissionDeniedError = _make("PermissionDeniedError", PERMISSION_DENIED, "Permission denied.")
UnauthenticatedError = _make("UnauthenticatedError", UNAUTHENTICATED, "No valid credentials.")
ResourceExhaustedError = _make("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                               "A resource (memory, quota) ran out.")
FailedPreconditionError = _make("FailedPreconditionError", FAILED_PRECONDITION,
                                "The system is not in a state to run the op "
                                "(e.g. a variable is not initialized).")
AbortedError = _make("AbortedError", ABORTED, "An operation was aborted.")
OutOfRangeError = _make("OutOfRangeError", OUT_OF_RANGE,
                        "Iteration went past the end (e.g. a closed, empty queue).")
UnimplementedError = _make("UnimplementedError", UNIMPLEMENTED, "The op is not implemented.")
InternalError = _make("InternalError", INTERNAL, "An internal invariant broke.")
UnavailableError = _make("UnavailableError", UNAVAILABLE, "The runtime is unavailable.")
DataLossError = _make("DataLossError", DATA_LOSS, "Unrecoverable data loss or corruption.")

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# What a kernel raises when its inputs do not fit it; the executor turns these into
# InvalidArgumentError naming the op (numpy's LinAlgError is a ValueError).
KERNEL_ERRORS = (KeyError, ValueError, TypeError, IndexError, ArithmeticError)


def from_kernel_exception(e, op):
    """The InvalidArgumentError for ``op`` that a kernel's plain exception ``e`` means."""
    missing = e.args[0] if isinstance(e, KeyError) and e.args else None
    if hasattr(missing, "op") and hasattr(missing, "value_index"):  # a Tensor: no value
        return InvalidArgumentError(None, op, "Input '%s' has no value: it comes from a cond "
                                    "branch that did not run." % missing.name)
    return InvalidArgumentError(None, op, "%s: %s" % (type(e).__name__, e))


def user_frame():
    """(filename, lineno, function) of the innermost caller outside minitf."""
    f = sys._getframe(1)
    while f is not None:
        fname = f.f_code.co_filename
        if not fname.startswith(_PACKAGE_DIR) and "importlib" not in fname and \
                fname != contextlib.__file__:  # minitf's own ``with`` helpers
            return fname, f.f_lineno, f.f_code.co_name
        f = f.f_back
    return "<unknown>", 0, "<unknown>"


def format_location(tb):
    """'file.py:12' or, inside Jupyter, 'notebook cell In[3], line 2'."""
    if tb is None:
        return "<unknown>"
    fname, lineno, _ = tb
    cell = _notebook_cell(fname)
    if cell is not None:
        return "notebook cell In[%s], line %d" % (cell, lineno)
    return "%s:%d" % (fname, lineno)


def _notebook_cell(fname):
    ip = sys.modules.get("IPython")
    if ip is None:
        return None
    try:
        shell = ip.get_ipython()
        return shell.compile._filename_map.get(fname) if shell is not None else None
    except AttributeError:
        return None
