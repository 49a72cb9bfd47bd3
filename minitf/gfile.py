"""``tf.gfile``: TensorFlow's file API, on the local file system.

Paths may be ``str``, ``bytes`` or ``os.PathLike``.  Failures raise TF's error
classes (``tf.errors.NotFoundError``, ``AlreadyExistsError``, ...) rather than
``OSError``.  Remote schemes (``gs://``, ``hdfs://``, ``s3://``) are not
supported and raise ``UnimplementedError``.

Example:
    >>> with tf.gfile.GFile("/tmp/notes.txt", "w") as f:
    ...     f.write("one\\ntwo\\n")
    >>> [line for line in tf.gfile.GFile("/tmp/notes.txt")]
    ['one\\n', 'two\\n']
"""
import collections
import contextlib
import errno
import glob as _glob
import os
import shutil

from minitf.framework import errors

__all__ = ["GFile", "Open", "FastGFile", "Exists", "IsDirectory", "MakeDirs", "MkDir",
           "Remove", "DeleteRecursively", "Rename", "Copy", "Glob", "ListDirectory",
           "Walk", "Stat"]

FileStatistics = collections.namedtuple("FileStatistics",
                                        ["length", "mtime_nsec", "is_directory"])


def _path(path):
    """A local path as ``str``; remote schemes raise UnimplementedError."""
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = path.decode("utf-8")
    scheme, sep, _ = path.partition("://")
    if sep and scheme != "file":
        raise errors.UnimplementedError(
            None, None, "File system scheme '%s' not implemented (file: '%s')" % (scheme, path))
    return path[len("file://"):] if sep else path


_ERRNO_CLASSES = {
    errno.ENOENT: errors.NotFoundError,
    errno.ENOTDIR: errors.FailedPreconditionError,
    errno.EISDIR: errors.FailedPreconditionError,
    errno.EEXIST: errors.AlreadyExistsError,
    errno.ENOTEMPTY: errors.FailedPreconditionError,
    errno.EACCES: errors.PermissionDeniedError,
    errno.EPERM: errors.PermissionDeniedError,
    errno.ENOSPC: errors.ResourceExhaustedError,
}


@contextlib.contextmanager
def _tf_errors(path):
    """Turn OSError raised inside the block into the matching TF error."""
    try:
        yield
    except OSError as e:
        cls = _ERRNO_CLASSES.get(e.errno, errors.UnknownError)
        raise cls(None, None, "%s; %s" % (path, e.strerror or e)) from e


class GFile:
    """A file object with TF's interface; ``mode`` as in ``open`` ('r', 'w', 'a', 'rb', ...).

    Text modes read and write ``str``, binary modes ``bytes``.  Reading iterates
    over lines.  The file opens on first use, as in TF, so constructing a GFile
    for a missing file only fails when it is read.
    """

    def __init__(self, name, mode="r"):
        self._name = _path(name)
        if not mode or mode[0] not in "rwa":
            raise errors.InvalidArgumentError(None, None, "Invalid file mode %r" % (mode,))
        self._mode = mode
        self._f = None

    name = property(lambda self: self._name)
    mode = property(lambda self: self._mode)

    def _file(self):
        if self._f is None:
            with _tf_errors(self._name):
                if os.path.isdir(self._name):
                    raise errors.FailedPreconditionError(
                        None, None, "%s; Is a directory" % self._name)
                self._f = open(self._name, self._mode, **(
                    {} if "b" in self._mode else {"encoding": "utf-8", "newline": ""}))
        return self._f

    def _reader(self):
        if self._mode[0] != "r" and "+" not in self._mode:
            raise errors.PermissionDeniedError(None, None, "File isn't open for reading")
        return self._file()

    def _writer(self):
        if self._mode[0] == "r" and "+" not in self._mode:
            raise errors.PermissionDeniedError(None, None, "File isn't open for writing")
        return self._file()

    def read(self, n=-1):
        """Read ``n`` bytes/characters, or the rest of the file when ``n`` is -1."""
        with _tf_errors(self._name):
            return self._reader().read(n)

    def readline(self):
        """The next line including its newline; empty at end of file."""
        with _tf_errors(self._name):
            return self._reader().readline()

    def readlines(self):
        """All remaining lines."""
        with _tf_errors(self._name):
            return self._reader().readlines()

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__

    def write(self, data):
        """Write ``str`` (text mode) or ``bytes`` (binary mode; str is encoded)."""
        if "b" in self._mode and isinstance(data, str):
            data = data.encode("utf-8")
        elif "b" not in self._mode and isinstance(data, (bytes, bytearray)):
            data = bytes(data).decode("utf-8")
        with _tf_errors(self._name):
            self._writer().write(data)

    def seek(self, offset=None, whence=0, position=None):
        """Move to ``offset`` (TF also spells it ``position``)."""
        if position is not None:
            offset = position
        with _tf_errors(self._name):
            self._file().seek(offset, whence)

    def tell(self):
        """The current position."""
        with _tf_errors(self._name):
            return self._file().tell()

    def size(self):
        """The file's size in bytes."""
        with _tf_errors(self._name):
            if self._f is not None:
                self._f.flush()
            return os.path.getsize(self._name)

    def flush(self):
        """Push buffered writes to the file."""
        if self._f is not None:
            with _tf_errors(self._name):
                self._f.flush()

    def close(self):
        """Flush and close the file (safe to call twice)."""
        if self._f is not None:
            f, self._f = self._f, None
            with _tf_errors(self._name):
                f.close()

    def seekable(self):
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        f = self.__dict__.get("_f")
        if f is not None:
            f.close()


Open = GFile
FastGFile = GFile


def Exists(filename):
    """Whether a file or directory exists at ``filename``."""
    return os.path.exists(_path(filename))


def IsDirectory(dirname):
    """Whether ``dirname`` is a directory."""
    return os.path.isdir(_path(dirname))


def MakeDirs(dirname):
    """Create ``dirname`` and any missing parents; an existing directory is fine."""
    path = _path(dirname)
    with _tf_errors(path):
        os.makedirs(path, exist_ok=True)


def MkDir(dirname):
    """Create one directory; its parent must exist and it must not."""
    path = _path(dirname)
    with _tf_errors(path):
        os.mkdir(path)


def Remove(filename):
    """Delete a file (NotFoundError if it does not exist)."""
    path = _path(filename)
    with _tf_errors(path):
        os.remove(path)


def DeleteRecursively(dirname):
    """Delete a directory tree (or a single file)."""
    path = _path(dirname)
    with _tf_errors(path):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


def Rename(oldname, newname, overwrite=False):
    """Rename a file; an existing ``newname`` needs ``overwrite=True``."""
    old, new = _path(oldname), _path(newname)
    with _tf_errors(old):
        if not overwrite and os.path.exists(new):
            raise errors.AlreadyExistsError(None, None, "file already exists: %s" % new)
        os.replace(old, new)


def Copy(oldpath, newpath, overwrite=False):
    """Copy a file; an existing ``newpath`` needs ``overwrite=True``."""
    old, new = _path(oldpath), _path(newpath)
    with _tf_errors(old):
        if not overwrite and os.path.exists(new):
            raise errors.AlreadyExistsError(None, None, "file already exists: %s" % new)
        shutil.copyfile(old, new)


def Glob(filename):
    """Paths matching the pattern (a string or a list of patterns), sorted."""
    patterns = [filename] if isinstance(filename, (str, bytes, os.PathLike)) else filename
    out = []
    for pattern in patterns:
        out.extend(_glob.glob(_path(pattern)))
    return sorted(out)


def ListDirectory(dirname):
    """Names (not paths) of the entries of ``dirname``, sorted."""
    path = _path(dirname)
    if not os.path.isdir(path):
        raise errors.NotFoundError(None, None, "Could not find directory %s" % path)
    with _tf_errors(path):
        return sorted(os.listdir(path))


def Walk(top, in_order=True):
    """Yield ``(dirname, subdirs, files)`` for each directory under ``top``."""
    path = _path(top)
    if not os.path.isdir(path):
        return
    yield from os.walk(path, topdown=in_order)


def Stat(filename):
    """``FileStatistics(length, mtime_nsec, is_directory)`` of a path."""
    path = _path(filename)
    with _tf_errors(path):
        st = os.stat(path)
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(path))
