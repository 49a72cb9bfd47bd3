"""Run a TensorFlow 1.x script unchanged on minitf.

    python -m minitf.run script.py [args...]

The script runs as ``__main__`` with ``sys.argv == ["script.py", args...]`` and
its own directory first on ``sys.path``, exactly as ``python script.py`` would
run it, except that ``import tensorflow`` (and ``tensorflow.compat.v1``, and any
``tensorflow.<path>`` that minitf provides as ``minitf.<path>``) gives minitf.

When the script uses something minitf does not provide yet -- a module such as
``tensorflow.python.framework`` or a name such as ``tf.contrib.slim`` -- the
runner prints one line naming it and the script's file:line, and exits with
status 1.  Set ``MINITF_TRACEBACK=1`` to get the full Python traceback instead.
Any other exception prints its traceback, starting at the script's frame.
"""
import ast
import importlib
import importlib.abc
import importlib.util
import linecache
import os
import re
import sys
import sysconfig
import traceback
import types

import minitf

USAGE = "usage: python -m minitf.run script.py [args...]"

# Module names that do not follow the tensorflow.X -> minitf.X rule.
ALIASES = {
    "tensorflow": "minitf",
    "tensorflow.compat.v1": "minitf",
}

_PREFIX = "tensorflow"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(minitf.__file__))
_RUN_FILE = os.path.abspath(__file__)


# -- import hook --------------------------------------------------------------------------

def _target_name(fullname):
    """The minitf module name for ``tensorflow.<path>`` (longest alias prefix wins)."""
    head, rest = fullname, ""
    while head not in ALIASES:
        head, last = head.rsplit(".", 1)
        rest = "." + last + rest
    return ALIASES[head] + rest


class _AliasLoader(importlib.abc.Loader):
    """Hands an already-built object to the import system under another name."""

    def __init__(self, obj):
        self.obj = obj
        self._own_spec = getattr(obj, "__spec__", None)

    def create_module(self, spec):
        return self.obj

    def exec_module(self, module):
        # The import system stamps our spec on the module; give it back its own so
        # minitf.X keeps working (reload, relative imports, pickling).
        if self._own_spec is not None:
            try:
                module.__spec__ = self._own_spec
            except AttributeError:
                pass


def _namespace_module(name, obj):
    """A package ``name`` whose attributes are those of the plain object ``obj``."""
    mod = types.ModuleType(name, getattr(obj, "__doc__", None))
    mod.__path__ = []
    mod.__getattr__ = lambda attr: getattr(obj, attr)
    mod.__dir__ = lambda: dir(obj)
    return mod


class TensorflowFinder(importlib.abc.MetaPathFinder):
    """Resolves ``tensorflow`` and ``tensorflow.<path>`` to minitf objects."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _PREFIX and not fullname.startswith(_PREFIX + "."):
            return None
        obj = self._resolve(fullname)
        if obj is None:
            return None
        return importlib.util.spec_from_loader(
            fullname, _AliasLoader(obj), is_package=hasattr(obj, "__path__"))

    @staticmethod
    def _resolve(fullname):
        name = _target_name(fullname)
        if name in sys.modules:
            return sys.modules[name]
        parent_name, _, attr = name.rpartition(".")
        parent = sys.modules.get(parent_name)
        val = getattr(parent, attr, None) if parent is not None else None
        if isinstance(val, types.ModuleType):
            return val
        if val is not None and not callable(val) and hasattr(val, "__dict__"):
            return _namespace_module(fullname, val)  # e.g. a namespace object
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name and (name == e.name or name.startswith(e.name + ".")):
                return None
            raise


def install_import_hook():
    """Make ``import tensorflow`` (and its submodules) resolve to minitf."""
    for finder in sys.meta_path:
        if isinstance(finder, TensorflowFinder):
            return finder
    finder = TensorflowFinder()
    sys.meta_path.insert(0, finder)
    # A stale real-TF (or shim) import must not win over the hook.
    for key in [k for k in sys.modules if k == _PREFIX or k.startswith(_PREFIX + ".")]:
        del sys.modules[key]
    return finder


# -- finding what the script uses that minitf lacks ---------------------------------------

_LIBRARY_DIRS = tuple(os.path.abspath(p) + os.sep for p in {
    sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib"),
    sysconfig.get_path("purelib"), sysconfig.get_path("platlib")} if p)


def _is_minitf_file(fname):
    return os.path.abspath(fname).startswith(_PACKAGE_DIR + os.sep)


def _is_user_file(fname):
    if fname.startswith("<") or _is_minitf_file(fname):
        return False
    path = os.path.abspath(fname)
    return not path.startswith(_LIBRARY_DIRS) or path == _script_path


def _segment(fs):
    """The source text the failing instruction of frame summary ``fs`` covers."""
    if fs.colno is None or fs.end_colno is None or fs.end_lineno != fs.lineno:
        return None
    raw = linecache.getline(fs.filename, fs.lineno).encode("utf-8")
    return raw[fs.colno:fs.end_colno].decode("utf-8", "replace")


def _called_name(fs):
    """The dotted name at the start of the failing expression ('tf.foo' of 'tf.foo(x)')."""
    m = re.match(r"\s*([A-Za-z_][\w.]*)", _segment(fs) or "")
    return m.group(1).rstrip(".") if m else None


def _is_minitf_object(obj):
    if isinstance(obj, types.ModuleType):
        name = obj.__name__
    elif isinstance(obj, type):
        name = obj.__module__
    else:
        name = getattr(type(obj), "__module__", "") or ""
    return name == "minitf" or name.startswith("minitf.")


def _tf_name(module_name):
    """'minitf.nn' -> 'tensorflow.nn' (how the user's script spells it)."""
    if module_name == "minitf" or module_name.startswith("minitf."):
        return _PREFIX + module_name[len("minitf"):]
    return module_name


def _import_statement(fs):
    """The ast node of the import statement at frame summary ``fs``, or None."""
    lines = [linecache.getline(fs.filename, n)
             for n in range(fs.lineno, (fs.end_lineno or fs.lineno) + 1)]
    try:
        tree = ast.parse("".join(lines).strip())
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return node
    return None


def _missing_module(exc, fs):
    """The dotted name the user's import asked for that minitf lacks."""
    stmt = _import_statement(fs)
    missing = re.match(r"cannot import name '([^']+)'", str(exc))
    if isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
        if missing:
            return "%s.%s" % (stmt.module, missing.group(1))
        names = [stmt.module] + ["%s.%s" % (stmt.module, a.name) for a in stmt.names]
    elif isinstance(stmt, ast.Import):
        names = [a.name for a in stmt.names]
    else:
        names = []
    if exc.name:
        wanted = _tf_name(exc.name)
        hits = [n for n in names if n == wanted or n.startswith(wanted + ".")]
        if hits:
            return min(hits, key=len) if missing else hits[0]
        return wanted + ("." + missing.group(1) if missing else "")
    return names[0] if names else str(exc)


def _location(fs):
    fname = fs.filename
    rel = os.path.relpath(fname)
    return "%s:%d" % (fname if rel.startswith("..") else rel, fs.lineno)


def explain_missing(exc, tb):
    """One line naming what minitf lacks and where the script uses it, or None.

    None means ``exc`` is an ordinary error (a bug in the script or in minitf),
    which deserves its full traceback.
    """
    summaries = traceback.extract_tb(tb)
    frames = [s for s in summaries if _is_user_file(s.filename)]
    if not frames:
        return None
    fs, innermost = frames[-1], summaries[-1]
    outside_importlib = [s for s in summaries if not s.filename.startswith("<frozen")]
    if isinstance(exc, ImportError):
        root = (exc.name or "").split(".")[0]
        if root not in (_PREFIX, "minitf"):
            return None
        if outside_importlib and outside_importlib[-1] is fs:  # the script's own import
            return "minitf.run: %s imports %s, which minitf does not implement yet" % (
                _location(fs), _missing_module(exc, fs))
        # minitf itself failed to import one of its parts on behalf of the script
        return "minitf.run: %s uses %s, which minitf does not implement yet (no module %s)" % (
            _location(fs), _called_name(fs) or "a feature", exc.name)
    if isinstance(exc, AttributeError):
        obj = getattr(exc, "obj", None)
        name = getattr(exc, "name", None)
        # a minitf module's __getattr__ (lazy imports) raises on the script's behalf
        lazy = (innermost.name == "__getattr__" and _is_minitf_file(innermost.filename)
                and len(summaries) > 1 and summaries[-2] is fs)
        if name is None or not _is_minitf_object(obj) or not (innermost is fs or lazy):
            return None
        if isinstance(obj, types.ModuleType):
            text = _segment(fs)
            if not text or not re.fullmatch(r"[\w.\s]*\.\s*%s" % re.escape(name), text):
                text = "%s.%s" % (_tf_name(obj.__name__), name)
            text = re.sub(r"\s+", "", text)
        else:  # a minitf class or instance: name the class, not the user's variable
            text = "%s.%s" % ((obj if isinstance(obj, type) else type(obj)).__name__, name)
        return "minitf.run: %s uses %s, which minitf does not implement yet" % (
            _location(fs), text)
    if isinstance(exc, NotImplementedError) and _is_minitf_file(innermost.filename):
        return "minitf.run: %s uses %s, which minitf does not implement yet%s" % (
            _location(fs), _called_name(fs) or "a feature", " (%s)" % exc if str(exc) else "")
    return None


# -- running the script -------------------------------------------------------------------

_script_path = None


def _strip_runner_frames(tb):
    """Drop the runner's own frames from the top of traceback ``tb``."""
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == _RUN_FILE:
        tb = tb.tb_next
    return tb


def run_path(path, argv):
    """Execute the script at ``path`` as ``__main__`` with ``sys.argv = argv``."""
    global _script_path
    _script_path = os.path.abspath(path)
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, _script_path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=_script_path, __builtins__=__builtins__,
                         __cached__=None, __spec__=None, __loader__=None, __package__=None)
    sys.argv[:] = argv
    if not sys.flags.safe_path:  # python -m put the cwd first; a script gets its own dir
        sys.path[0:1] = [os.path.dirname(_script_path)]
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def main(args=None):
    """Entry point of ``python -m minitf.run``; returns the process exit status."""
    args = list(sys.argv[1:] if args is None else args)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE + "\n\n" + __doc__.split("\n\n", 2)[2].strip(),
              file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    if not os.path.isfile(args[0]):
        print("minitf.run: can't open file %r: no such file" % args[0], file=sys.stderr)
        return 2
    install_import_hook()
    try:
        run_path(args[0], args)
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 -- we report every failure of the script
        tb = _strip_runner_frames(exc.__traceback__)
        line = None
        if not os.environ.get("MINITF_TRACEBACK"):
            try:
                line = explain_missing(exc, tb)
            except Exception:  # noqa: BLE001 -- never hide the real error behind ours
                line = None
        sys.stdout.flush()
        if line is not None:
            print(line, file=sys.stderr)
        else:
            traceback.print_exception(type(exc), exc, tb)
        return 130 if isinstance(exc, KeyboardInterrupt) else 1
    return 0


if __name__ == "__main__":
    _self = sys.modules[__name__]  # keep our globals alive once the script is __main__
    sys.exit(main())
