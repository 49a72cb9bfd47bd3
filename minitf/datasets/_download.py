"""Plumbing shared by the dataset loaders: cache dirs, package dirs, progress bar, atomic fetch.

A loader calls :func:`fetch` with a ``verify`` callback.  The bytes go to a temporary
file next to the final path; only when ``verify`` accepts that file is it moved into
place with ``os.replace``, so a cache never holds a partial or rejected download.
"""
import hashlib
import http.client
import importlib.util
import os
import sys
import tempfile
import urllib.error
import urllib.request

__all__ = ["BadFile", "NetworkError", "default_cache_dir", "package_dirs", "Progress", "fetch",
           "sha256_file", "DOWNLOAD_TIMEOUT"]

DOWNLOAD_TIMEOUT = 10.0     # seconds without data before a download counts as failed
_CHUNK = 1 << 16


class BadFile(ValueError):
    """A cached or downloaded file that fails its size, checksum or structure check."""


class NetworkError(OSError):
    """A download that failed for a network reason (unreachable, refused, cut short)."""


def default_cache_dir(name):
    """``$MINITF_DATA/<name>`` if ``MINITF_DATA`` is set, else ``~/.cache/minitf/<name>``."""
    root = os.environ.get("MINITF_DATA")
    if root:
        return os.path.join(os.path.expanduser(root), name)
    return os.path.join(os.path.expanduser("~"), ".cache", "minitf", name)


def package_dirs(name):
    """The directories of installed package ``name``, found without importing it ([] if none).

    Data that ships inside a package (offline corpora, sample digits) is located this way,
    so a loader never pays for, or fails on, the package's own imports.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return list(spec.submodule_search_locations)


def sha256_file(path):
    """Hex SHA-256 of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Progress:
    """A download progress bar on stderr: tqdm when installed, else one rewritten line."""

    def __init__(self, name, total):
        self.name, self.total, self.done, self._shown = name, total, 0, None
        try:
            from tqdm import tqdm
        except ImportError:
            self._bar = None
        else:
            self._bar = tqdm(total=total, unit="B", unit_scale=True, desc=name,
                             file=sys.stderr, leave=True)

    def update(self, n):
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        if self.total:
            pct = min(100, 100 * self.done // self.total)
            text = "%3d%% %.1f/%.1f MB" % (pct, self.done / 1e6, self.total / 1e6)
            key = pct
        else:
            text = "%.1f MB" % (self.done / 1e6)
            key = self.done >> 20
        if key != self._shown:
            self._shown = key
            width = 30
            filled = width * pct // 100 if self.total else 0
            sys.stderr.write("\rDownloading %s [%s%s] %s"
                             % (self.name, "#" * filled, "." * (width - filled), text))
            sys.stderr.flush()

    def close(self):
        if self._bar is not None:
            self._bar.close()
        else:
            sys.stderr.write("\n")
            sys.stderr.flush()


class _Silent:
    """A progress bar that shows nothing (``progress=False``)."""

    def __init__(self, name, total):
        self.name, self.total, self.done = name, total, 0

    def update(self, n):
        self.done += n

    def close(self):
        pass


def fetch(url, path, verify, progress=True, timeout=DOWNLOAD_TIMEOUT):
    """Download ``url`` to ``path`` atomically; returns ``verify(temporary_path)``.

    ``verify`` gets the path of the complete temporary file and raises :class:`BadFile`
    to reject it.  Raises :class:`NetworkError` when the server cannot be reached, answers
    with an HTTP error, or the transfer is cut short.  On any failure (or an interrupt)
    nothing is left at ``path`` (an older file there is untouched) and the temporary file
    is removed.
    """
    name = os.path.basename(path)
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
        raise NetworkError("cannot reach %s (%s)" % (url, getattr(e, "reason", e))) from None
    directory = os.path.dirname(os.path.abspath(path))
    with response:
        total = response.headers.get("Content-Length")
        total = int(total) if total and total.isdigit() else None
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + name + ".", suffix=".part", dir=directory)
        try:
            size = 0
            bar = (Progress if progress else _Silent)(name, total)
            try:
                with os.fdopen(fd, "wb") as out:
                    while True:
                        chunk = response.read(_CHUNK)
                        if not chunk:
                            break
                        out.write(chunk)
                        size += len(chunk)
                        bar.update(len(chunk))
            except (http.client.HTTPException, OSError, ValueError) as e:  # reset, timeout...
                raise NetworkError("download of %s was cut short (%s)" % (url, e)) from None
            finally:
                bar.close()
            if total is not None and size != total:
                raise NetworkError("download of %s was cut short (%d of %d bytes)"
                                   % (url, size, total))
            result = verify(tmp)
            os.replace(tmp, path)
            tmp = None
            return result
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.remove(tmp)
