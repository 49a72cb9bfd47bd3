"""Text for word2vec: corpora as word lists, vocabularies, subsampling, skip-gram batches.

    from minitf.datasets import text
    words = text.offline_corpus()              # ~1.6M English words, no download
    vocab = text.build_vocab(words, 5000)      # ids, counts, word <-> id maps; 'UNK' is id 0
    ids = text.subsample(vocab.data, vocab.count, threshold=1e-3, seed=0)
    batch, labels, pos = text.skipgram_batch(ids, 0, batch_size=8, num_skips=2, skip_window=1)

Every corpus is a :class:`Words` list of tokens made the way text8 was made: ASCII
letters lowercased, every other character (digits, punctuation, non-ASCII) a separator.

Where words come from:

* :func:`offline_corpus` -- English that is already on the machine.  No installed
  package ships a book or an article collection (we looked through every package in
  ``requirements.lock``: the largest prose files are the pydoc topics and nbgrader's
  example notebooks), so the corpus is the documentation that Python and its scientific
  packages carry with them:

  - ``"pydoc"``: CPython's ``pydoc_data.topics``, the language reference that
    ``help('if')`` shows (~64k words);
  - ``"python"``: the pydoc topics plus the docstrings of the standard library
    (~325k words; needs nothing beyond CPython);
  - ``"all"`` (default): ``"python"`` plus the docstrings of numpy, scipy and
    scikit-learn, the packages the course installs (~1.6M words, ~22k distinct).

  Docstrings are read as the triple-quoted string literals of each ``.py`` file (tests,
  vendored code and IDLE skipped), with doctest examples and reST role markers removed;
  no module is imported.  We chose ``"all"`` because size decides what embeddings can
  learn.  In a quick check (co-occurrence embeddings, window 4, 5,000 words) the
  nearest neighbours of common words were mostly noise on ``"pydoc"``, and on ``"all"``
  what a reader expects (``list``: tuples, lists, dict; ``file``: files, open, csv;
  ``small``: large, very, too), with analogies such as ``int : integers :: string :
  strings``, ``read : write :: input : output`` and ``row : rows :: column : columns``.
  Its vocabulary is that of programming and numerical computing, not of Wikipedia:
  there is no ``king : queen`` to find in it.
  Building it takes about a second; the token list is then kept in memory and in a
  small cache file (``offline-<source>-<key>.corpus`` in the cache directory, keyed by the
  Python and package versions), so later calls, also in new processes, take ~0.2 s.

* :func:`read_words` -- any text file of your own.

* :func:`load_text8` -- Matt Mahoney's text8 (the first 10^8 characters of an English
  Wikipedia dump, cleaned; 17,005,207 words), the corpus of TF's word2vec tutorial:
  downloaded once, verified, cached, and replaced by the offline corpus (with a
  warning) when it cannot be had.
"""
import codecs
import collections
import errno
import hashlib
import importlib.metadata
import itertools
import operator
import os
import re
import sys
import sysconfig
import warnings
import zipfile
import zlib

import numpy as np

from minitf.datasets import _download
from minitf.io import bundle

__all__ = ["Words", "Vocabulary", "DownloadError", "OfflineFallbackWarning", "tokenize",
           "read_words", "offline_corpus", "offline_text", "load_text8", "build_vocab",
           "keep_probabilities", "subsample", "skipgram_batch", "skipgram_batches",
           "default_cache_dir", "OFFLINE_SOURCES", "TEXT8_URL", "TEXT8_SIZE", "TEXT8_SHA256", "UNK"]

#: Where TF's word2vec tutorial downloads text8.
TEXT8_URL = "http://mattmahoney.net/dc/text8.zip"
#: Size in bytes of text8.zip (the number TF's tutorial checks).
TEXT8_SIZE = 31344016
#: SHA-256 of text8.zip as pinned by independent public projects that verify it (we did
#: not download it here).  Its one member ``text8`` is 100,000,000 bytes with SHA-256
#: 6e890197040d37d85beb962ae1f041ff1d9a9ca8d20c7d99c85027eebf51dca7.
TEXT8_SHA256 = "a6640522afe85d1963ad56c05b0ede0a0c000dddc9671758a6cc09b7a38e5232"
_TEXT8_MEMBER = "text8"
_TEXT8_FILE = "text8.zip"

#: The word that stands for every word outside the vocabulary (id 0).
UNK = "UNK"

#: Names accepted by :func:`offline_corpus`, smallest first.
OFFLINE_SOURCES = ("pydoc", "python", "all")
# The third-party packages of "all": (import name, distribution name).
_PACKAGES = (("numpy", "numpy"), ("scipy", "scipy"), ("sklearn", "scikit-learn"))
_SKIP_DIRS = frozenset(["tests", "test", "testing", "_vendor", "vendored", "externals",
                        "_build_utils", "__pycache__", "idlelib", "site-packages",
                        "dist-packages", "lib2to3", "turtledemo", "ensurepip", "pydoc_data"])
_SKIP_FILES = frozenset(["this.py"])   # the Zen of Python, stored rot13-encoded
_CACHE_FORMAT = b"minitf-offline-corpus-2"

_LONG_STRING = re.compile(rb'("""|\'\'\')(.*?)\1', re.S)
_DOCTEST = re.compile(rb"(?m)^[ \t]*>>>.*(?:\n[ \t]*\S.*)*")   # prompt, continuation, output
_MARKUP = re.compile(rb"(?m):[a-z]+:(?=`)|^[ \t]*\.\. [\w-]+::")  # :func:`x`, .. note::
# Byte table of the tokenizer: A-Z -> a-z, a-z kept, every other byte -> space.
_LETTERS = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32
                 for c in range(256))
_SPLIT_CHUNK = 1 << 23

_MEMORY = {}   # source name -> Words: the offline corpora built so far in this process


class DownloadError(OSError):
    """text8 could not be had (and ``offline_ok=False`` forbade the fallback)."""


class OfflineFallbackWarning(UserWarning):
    """load_text8 fell back to the offline corpus."""


class Words(list):
    """A list of word tokens that remembers where they came from.

    Attributes:
        source: one line saying what the words are and where they were read.
        source_kind: ``"offline"``, ``"file"``, ``"cache"`` or ``"download"``.
    """

    def __init__(self, iterable=(), source=None, source_kind=None):
        super().__init__(iterable)
        self.source = source
        self.source_kind = source_kind

    def __repr__(self):
        head = " ".join(self[:8]) + (" ..." if len(self) > 8 else "")
        return "<Words %d from %s: %s>" % (len(self), self.source_kind, head)


def default_cache_dir():
    """``$MINITF_DATA/text`` if ``MINITF_DATA`` is set, else ``~/.cache/minitf/text``."""
    return _download.default_cache_dir("text")


# -- tokenizing ---------------------------------------------------------------------------

def _split_clean(raw):
    """Tokens of ``raw`` bytes (a list of str); equal words share one str object."""
    clean = raw.translate(_LETTERS)
    table, words, start, n = {}, [], 0, len(clean)
    while start < n:   # split in pieces at spaces, so no second copy of a huge text
        end = min(start + _SPLIT_CHUNK, n)
        if end < n:
            cut = clean.rfind(b" ", start, end)
            if cut <= start:   # one word longer than a piece: cut after it
                cut = clean.find(b" ", end)
            end = cut if cut != -1 else n
        tokens = clean[start:end].decode("ascii").split()
        words.extend(map(table.setdefault, tokens, tokens))
        start = end
    return words


def tokenize(text):
    """Split ``text`` into lowercase words the way text8 was prepared.

    ASCII letters are lowercased; every other character (digits, punctuation, spaces,
    letters outside ASCII) separates words.

    Args:
        text: a ``str`` (or ``bytes``, where every byte outside A-Z/a-z separates).

    Returns:
        list of str.

    Example:
        >>> tokenize("It's 2 o'clock -- Déjà vu!")
        ['it', 's', 'o', 'clock', 'd', 'j', 'vu']
    """
    if isinstance(text, str):
        text = text.encode("ascii", "replace")   # each non-ASCII character -> '?'
    elif not isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError("tokenize needs str or bytes, got %s" % type(text).__name__)
    return _split_clean(bytes(text))


def read_words(path, encoding="utf-8"):
    """Read a text file of your own as a :class:`Words` list (see :func:`tokenize`).

    Args:
        path: the file.
        encoding: its text encoding (UTF-8 by default; ``"latin-1"`` accepts any bytes).

    Returns:
        ``Words`` with ``source_kind == "file"``.

    Raises:
        FileNotFoundError: no file at ``path``.
        IsADirectoryError: ``path`` is a directory.
        ValueError: the file is not text: a zip or gzip archive, binary data (NUL
            bytes), or bytes that are not valid in ``encoding``.

    Example:
        >>> words = read_words("my_notes.txt")
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, "no text file here", path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "a directory, not a text file", path)
    with open(path, "rb") as f:
        raw = f.read()
    codec = codecs.lookup(encoding).name
    if raw.startswith(b"PK\x03\x04"):
        raise ValueError("%s is a zip archive, not a text file: extract it first "
                         "(load_text8 reads text8.zip itself)" % path)
    if raw.startswith(b"\x1f\x8b"):
        raise ValueError("%s is gzip-compressed, not a text file: decompress it first"
                         % path)
    if not codec.startswith(("utf-16", "utf-32")) and b"\x00" in raw[:1 << 16]:
        raise ValueError("%s is binary data (it contains NUL bytes), not a text file"
                         % path)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as e:
        raise ValueError("%s is not %s text (byte 0x%02x at offset %d cannot be decoded); "
                         "pass encoding=... if it is text in another encoding"
                         % (path, encoding, raw[e.start], e.start)) from None
    # UTF-8 keeps ASCII as is and codes every other character in bytes >= 0x80, so its
    # raw bytes tokenize exactly like the decoded text.
    words = _split_clean(raw) if codec == "utf-8" else tokenize(text)
    return Words(words, source="%d words read from %s" % (len(words), os.path.abspath(path)),
                 source_kind="file")


# -- the offline corpus -------------------------------------------------------------------

def _package_root(name):
    """Directory of an installed package, found without importing it (or None)."""
    dirs = _download.package_dirs(name)
    return dirs[0] if dirs else None


def _docstrings(root):
    """Triple-quoted literals of the ``.py`` files under ``root`` (sorted walk), as bytes."""
    parts = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            if not name.endswith(".py") or name in _SKIP_FILES:
                continue
            with open(os.path.join(directory, name), "rb") as f:
                source = f.read()
            parts.extend(m.group(2) for m in _LONG_STRING.finditer(source))
    return _MARKUP.sub(b" ", _DOCTEST.sub(b" ", b"\n".join(parts)))


def _pydoc_topics():
    from pydoc_data import topics
    return "\n".join(topics.topics[k] for k in sorted(topics.topics)).encode("utf-8")


_ASCII = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u2026": "..."})


def offline_text(max_chars=None):
    """Running English prose with its case and punctuation, for character-level models.

    The text of CPython's ``help()`` topics (~450k characters, ~95 distinct), made
    ASCII (curly quotes and dashes become plain ones, other characters are dropped),
    with table rules and runs of blank lines removed, so what a model learns is words,
    spaces and punctuation rather than ``----``.  Deterministic for a Python version.

        >>> text = offline_text()
        >>> chars = sorted(set(text))
    """
    raw = _pydoc_topics().decode("utf-8").translate(_ASCII)
    raw = raw.encode("ascii", "ignore").decode("ascii")
    lines = [(ln, re.sub("[-=*+~|]{4,}", "", ln).rstrip()) for ln in raw.split("\n")]
    kept = [ruled for ln, ruled in lines if not ln.strip() or set(ruled) - set("-=*+| ")]
    text = re.sub("\n{3,}", "\n\n", "\n".join(kept)).strip() + "\n"
    return text[:max_chars] if max_chars else text


def _manifest(source):
    """``(parts, description)``: what ``source`` is made of, and one line saying so."""
    py = "CPython %s" % sys.version.split()[0]
    parts = [("pydoc", py)]
    text = "%s's pydoc topics" % py
    if source in ("python", "all"):
        parts.append(("stdlib", py))
        text += " and standard-library docstrings"
    if source == "all":
        found = []
        for module, dist in _PACKAGES:
            if _package_root(module) is None:
                continue
            try:
                version = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                version = "?"
            parts.append((module, version))
            found.append("%s %s" % (dist, version))
        if found:
            text += ", and the docstrings of " + ", ".join(found)
    return parts, text


def _build(parts):
    """The tokens of the documents named in ``parts`` (see _manifest), in that order."""
    chunks = []
    for name, _ in parts:
        if name == "pydoc":
            chunks.append(_pydoc_topics())
        elif name == "stdlib":
            chunks.append(_docstrings(sysconfig.get_paths()["stdlib"]))
        else:
            chunks.append(_docstrings(_package_root(name)))
    return _split_clean(b"\n".join(chunks))


def _cache_path(cache_dir, source, parts):
    key = hashlib.sha256(repr((_CACHE_FORMAT, source, parts)).encode()).hexdigest()[:16]
    return os.path.join(cache_dir, "offline-%s-%s.corpus" % (source, key))


def _read_cache(path):
    """Tokens stored at ``path``, or None when it is missing or fails its own checksum.

    The file: a header line (format, SHA-256 of the rest), a line of the distinct words
    separated by spaces, then one little-endian int32 per token indexing that line.
    """
    try:
        with open(path, "rb") as f:
            header = f.readline().split()
            body = f.read()
    except OSError:
        return None
    if (len(header) != 2 or header[0] != _CACHE_FORMAT
            or hashlib.sha256(body).hexdigest().encode() != header[1]):
        return None
    newline = body.find(b"\n")
    distinct = body[:newline].decode("ascii").split()
    ids = np.frombuffer(body, "<i4", offset=newline + 1)
    if ids.size and (ids.min() < 0 or ids.max() >= len(distinct)):
        return None
    return np.array(distinct, dtype=object)[ids].tolist()


def _write_cache(path, words):
    """Store ``words`` at ``path`` atomically; quietly skipped when the disk says no."""
    index = {}
    ids = np.fromiter((index.setdefault(w, len(index)) for w in words), "<i4",
                      count=len(words))
    body = " ".join(index).encode("ascii") + b"\n" + ids.tobytes()
    header = b"%s %s\n" % (_CACHE_FORMAT, hashlib.sha256(body).hexdigest().encode())
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        bundle.atomic_write(path, header + body)
    except OSError:
        pass


def offline_corpus(source="all", cache_dir=None):
    """English words available without a download, as a :class:`Words` list.

    Args:
        source: ``"all"`` (default, ~1.6M words), ``"python"`` (~325k) or ``"pydoc"``
            (~64k); see the module docstring for what each holds and why ``"all"``.
            Counts vary a little with the Python and package versions.
        cache_dir: where the token cache file goes (default :func:`default_cache_dir`).
            An unwritable directory only costs speed.

    Returns:
        a new ``Words`` list on each call (``source_kind == "offline"``); the tokens are
        built once per process and shared between the lists.

    Example:
        >>> words = offline_corpus()
        >>> len(words) > 1000000, words.source_kind
        (True, 'offline')
    """
    if source not in OFFLINE_SOURCES:
        raise ValueError("unknown offline corpus %r; choose one of %s"
                         % (source, ", ".join(OFFLINE_SOURCES)))
    master = _MEMORY.get(source)
    if master is None:
        parts, description = _manifest(source)
        path = _cache_path(cache_dir or default_cache_dir(), source, parts)
        words = _read_cache(path)
        if words is None:
            words = _build(parts)
            _write_cache(path, words)
        master = Words(words, source="offline corpus %r: %d words from %s"
                       % (source, len(words), description), source_kind="offline")
        _MEMORY[source] = master
    return Words(master, source=master.source, source_kind=master.source_kind)


# -- text8 --------------------------------------------------------------------------------

def _read_text8(path, sha256, size, name=_TEXT8_FILE):
    """The bytes of the ``text8`` member of the zip at ``path``, after every check."""
    actual = os.path.getsize(path)
    if size is not None and actual != size:
        raise _download.BadFile("%s is %d bytes, expected %d" % (name, actual, size))
    if sha256:
        digest = _download.sha256_file(path)
        if digest != sha256.lower():
            raise _download.BadFile("%s: SHA-256 %s does not match the expected %s"
                                    % (name, digest, sha256))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
            if _TEXT8_MEMBER not in members:
                raise _download.BadFile("%s holds %s, not a member named %r"
                                        % (name, members, _TEXT8_MEMBER))
            return archive.read(_TEXT8_MEMBER)   # the zip's CRC-32 is checked here
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
        raise _download.BadFile("%s is not a readable zip archive (%s)" % (name, e)) from None


def load_text8(cache_dir=None, url=TEXT8_URL, sha256=TEXT8_SHA256, size=TEXT8_SIZE,
               offline_ok=True, progress=True):
    """text8 as a :class:`Words` list: cached, else downloaded, else the offline corpus.

    1. **cache**: ``text8.zip`` in ``cache_dir`` is used when its size and SHA-256 match
       and it holds a readable ``text8`` member.  A file that fails is ignored (not
       deleted) and fetched again; a good download replaces it.
    2. **download**: from ``url`` with a progress bar on stderr, into a temporary file in
       ``cache_dir``; it becomes ``text8.zip`` only after passing the same checks.
    3. **offline**: if neither works, :func:`offline_corpus` with an
       :class:`OfflineFallbackWarning` that says why -- or, with ``offline_ok=False``,
       :class:`DownloadError`.

    Args:
        cache_dir: cache directory (default :func:`default_cache_dir`).
        url: where to download from; ``None`` or ``""`` never downloads.
        sha256: expected SHA-256 hex of the zip (default :data:`TEXT8_SHA256`);
            ``None`` skips the checksum.
        size: expected size in bytes of the zip (default :data:`TEXT8_SIZE`); ``None``
            skips the check.
        offline_ok: fall back to the offline corpus instead of raising.
        progress: show the download progress bar.

    Returns:
        ``Words`` (17,005,207 for the real text8) with ``source_kind`` ``"cache"``,
        ``"download"`` or ``"offline"``.  The list takes ~150 MB (equal words share
        one string).

    Example:
        >>> words = load_text8()
        >>> words[:4]                        # with the real text8
        ['anarchism', 'originated', 'as', 'a']
    """
    cache_dir = cache_dir or default_cache_dir()
    path = os.path.join(cache_dir, _TEXT8_FILE)
    notes, raw, kind = [], None, None
    if os.path.isfile(path):
        try:
            raw, kind = _read_text8(path, sha256, size), "cache"
        except _download.BadFile as e:
            notes.append("ignoring cached %s" % e)
    if raw is None and url:
        try:
            raw = _download.fetch(url, path, lambda tmp: _read_text8(tmp, sha256, size),
                                  progress=progress)
            kind = "download"
        except _download.NetworkError as e:
            notes.append(str(e))
        except _download.BadFile as e:
            notes.append("rejected download: %s" % e)
    elif raw is None and not notes:  # a bad cached copy already said why
        notes.append("%s is not in %s and downloads are off" % (_TEXT8_FILE, cache_dir))
    elif raw is None:
        notes.append("downloads are off")
    if raw is not None:
        words = _split_clean(raw)
        where = os.path.abspath(path)
        return Words(words, source="text8, %d words %s %s" % (
            len(words), "downloaded from %s to" % url if kind == "download" else "cached in",
            where), source_kind=kind)
    why = "text8 unavailable (%s)" % "; ".join(notes)
    if not offline_ok:
        raise DownloadError(why)
    words = offline_corpus(cache_dir=cache_dir)
    warnings.warn("%s; using the %s instead" % (why, words.source), OfflineFallbackWarning,
                  stacklevel=2)
    return words


# -- vocabulary ---------------------------------------------------------------------------

class Vocabulary(collections.namedtuple(
        "Vocabulary", ["data", "count", "dictionary", "reverse_dictionary"])):
    """What :func:`build_vocab` returns.

    Attributes:
        data: int32 array, the id of every word of the corpus (0 for out-of-vocabulary).
        count: list of ``(word, occurrences)`` tuples indexed by id; ``count[0]`` is
            ``('UNK', number of out-of-vocabulary words)``.
        dictionary: ``{word: id}``.
        reverse_dictionary: ``{id: word}``.
    """

    __slots__ = ()

    def __repr__(self):
        return "<Vocabulary %d words over %d tokens, %d UNK>" % (
            len(self.count), len(self.data), self.count[0][1])


def build_vocab(words, vocabulary_size=None):
    """Keep the ``vocabulary_size - 1`` most common words, map every other word to 'UNK'.

    This is the vocabulary of TF's ``word2vec_basic.py``: id 0 is ``'UNK'``, then ids
    1, 2, ... go to words by decreasing count; words with equal counts are ordered by
    their first appearance in ``words``.  A literal ``'UNK'`` token in ``words`` counts
    as out-of-vocabulary.

    Args:
        words: a sequence of tokens (a ``Words`` list, a list of str...).
        vocabulary_size: number of ids including UNK (>= 1); ``None`` keeps every word.
            Fewer distinct words give a smaller vocabulary.

    Returns:
        :class:`Vocabulary` ``(data, count, dictionary, reverse_dictionary)``.

    Example:
        >>> v = build_vocab("b a b c b a d".split(), 3)
        >>> v.count
        [('UNK', 2), ('b', 3), ('a', 2)]
        >>> v.data.tolist()
        [1, 2, 1, 0, 1, 2, 0]
    """
    if vocabulary_size is not None:
        vocabulary_size = operator.index(vocabulary_size)
        if vocabulary_size < 1:
            raise ValueError("vocabulary_size must be at least 1 (room for 'UNK'), got %d"
                             % vocabulary_size)
    if not isinstance(words, (list, tuple)):
        words = list(words)
    counter = collections.Counter(words)      # keys in order of first appearance
    counter.pop(UNK, None)
    ranked = sorted(counter.items(), key=lambda item: -item[1])   # stable: ties keep order
    if vocabulary_size is not None:
        ranked = ranked[:vocabulary_size - 1]
    dictionary = {UNK: 0}
    for word, _ in ranked:
        dictionary[word] = len(dictionary)
    data = np.fromiter(map(dictionary.get, words, itertools.repeat(0)), np.int32,
                       count=len(words))
    count = [(UNK, len(words) - sum(n for _, n in ranked))] + ranked
    reverse_dictionary = {i: word for word, i in dictionary.items()}
    return Vocabulary(data, count, dictionary, reverse_dictionary)


# -- subsampling --------------------------------------------------------------------------

def _counts_array(counts):
    """``counts`` (a build_vocab count list, or counts per id) as a float64 array."""
    if isinstance(counts, (list, tuple)) and counts and isinstance(counts[0], (list, tuple)):
        counts = [n for _, n in counts]
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("counts must be a non-empty 1-D sequence, got shape %s"
                         % (counts.shape,))
    if (counts < 0).any() or counts.sum() <= 0:
        raise ValueError("counts must be non-negative with a positive total")
    return counts


def keep_probabilities(counts, threshold=1e-3):
    """Probability that :func:`subsample` keeps one occurrence of each id.

    With ``f = counts / counts.sum()`` and ``t = threshold``, the word2vec C code's rule
    ``p = (sqrt(f / t) + 1) * t / f = sqrt(t / f) + t / f``, capped at 1.  Words with
    ``f <= 2.618 t`` are always kept; ids with count 0 get 1; ``threshold=0`` keeps all.

    Args:
        counts: the ``count`` list of :func:`build_vocab`, or an array of counts per id.
        threshold: ``t`` (word2vec's ``-sample``), >= 0.

    Returns:
        float64 array ``[len(counts)]``.
    """
    counts = _counts_array(counts)
    if not threshold >= 0:
        raise ValueError("threshold must be >= 0, got %r" % (threshold,))
    p = np.ones_like(counts)
    if threshold == 0:
        return p
    seen = counts > 0
    ratio = threshold * counts.sum() / counts[seen]      # t / f
    p[seen] = np.minimum(np.sqrt(ratio) + ratio, 1.0)
    return p


def subsample(ids, counts, threshold=1e-3, seed=None):
    """Drop frequent words at random (Mikolov et al., 2013), keeping the order of the rest.

    Each occurrence of id ``w`` is kept with probability ``keep_probabilities(counts,
    threshold)[w]`` -- the formula of the word2vec C code (and gensim), not the paper's
    ``1 - sqrt(t / f)`` discard rule: it is the rule the published vectors were trained
    with and the one its default ``threshold=1e-3`` is tuned for, and it keeps more of
    the mid-frequency words that a corpus of a million words cannot spare.  'UNK' (id 0)
    is treated like any other id.

    The draw: ``u = RandomState(seed).random_sample(len(ids))``; position ``i`` is kept
    when ``u[i] < p[ids[i]]``.

    Args:
        ids: 1-D integer array of word ids (e.g. ``build_vocab(...).data``).
        counts: ``build_vocab(...).count`` or counts per id (the frequencies are
            ``counts / sum(counts)``).
        threshold: ``t``; 0 keeps everything.
        seed: int seed (same seed, same result), ``None`` for fresh randomness, or a
            ``np.random.RandomState`` to draw from.

    Returns:
        int32 array of the kept ids, in their original order.

    Example:
        >>> kept = subsample(vocab.data, vocab.count, 1e-3, seed=0)
    """
    ids = np.asarray(ids)
    p = keep_probabilities(counts, threshold)
    if ids.ndim != 1 or not (ids.size == 0 or np.issubdtype(ids.dtype, np.integer)):
        raise ValueError("ids must be a 1-D array of integers, got %s of shape %s"
                         % (ids.dtype, ids.shape))
    if ids.size and (ids.min() < 0 or ids.max() >= p.size):
        raise ValueError("ids must lie in [0, %d) (one count per id), found %d..%d"
                         % (p.size, ids.min(), ids.max()))
    rng = seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(seed)
    u = rng.random_sample(ids.size)
    return ids[u < p[ids.astype(np.intp)]].astype(np.int32)


# -- skip-gram batches --------------------------------------------------------------------

def _context_offsets(skip_window):
    """The 2 * skip_window neighbour offsets, nearest first, left first: -1, +1, -2, +2..."""
    d = np.arange(1, skip_window + 1)
    return np.stack([-d, d], axis=1).reshape(-1)


def _check_skipgram(data, batch_size, num_skips, skip_window):
    """Validated ``(data array, batch_size, num_skips, skip_window)``."""
    batch_size, num_skips, skip_window = (operator.index(batch_size),
                                          operator.index(num_skips),
                                          operator.index(skip_window))
    if skip_window < 1:
        raise ValueError("skip_window must be >= 1, got %d" % skip_window)
    if num_skips < 1:
        raise ValueError("num_skips must be >= 1, got %d" % num_skips)
    if num_skips > 2 * skip_window:
        raise ValueError("num_skips (%d) must be <= 2 * skip_window (%d): a centre word "
                         "has only %d neighbours to pair with"
                         % (num_skips, 2 * skip_window, 2 * skip_window))
    if batch_size < 1 or batch_size % num_skips:
        raise ValueError("batch_size (%d) must be a positive multiple of num_skips (%d): "
                         "each centre word fills num_skips rows"
                         % (batch_size, num_skips))
    data = np.asarray(data)
    if data.ndim != 1:
        raise ValueError("data must be a 1-D sequence of word ids, got shape %s"
                         % (data.shape,))
    if data.shape[0] < 2 * skip_window + 1:
        raise ValueError("data has %d ids, fewer than a window of 2 * skip_window + 1 = %d"
                         % (data.shape[0], 2 * skip_window + 1))
    if not np.issubdtype(data.dtype, np.integer):
        raise ValueError("data must hold integer word ids, got dtype %s" % data.dtype)
    return data, batch_size, num_skips, skip_window


def skipgram_batch(data, position, batch_size, num_skips, skip_window, rng=None):
    """One batch of skip-gram (centre, context) pairs: a pure function of its arguments.

    With ``n = len(data)`` and ``k = 0 .. batch_size // num_skips - 1``, the ``k``-th
    centre is position ``c_k = (position + k) % n``.  Its neighbours are the positions
    ``(c_k + o) % n`` for the offsets ``o`` in ``[-1, +1, -2, +2, ..., -skip_window,
    +skip_window]``: the window wraps around the ends of ``data`` as if it were a ring.
    Rows ``k * num_skips + j`` (``j = 0 .. num_skips - 1``) hold
    ``batch = data[c_k]`` and ``labels[:, 0] = data[(c_k + o_kj) % n]``, where
    ``o_kj`` is the ``j``-th chosen offset:

    * ``rng=None``: the first ``num_skips`` offsets of that list (nearest first, left
      before right), the same for every centre;
    * ``rng`` given: ``num_skips`` distinct offsets drawn at random, in random order.
      Exactly: ``keys = rng.random_sample((batch_size // num_skips, 2 * skip_window))``
      (one row per centre, one column per offset of the list above), and centre ``k``
      takes the offsets in ``np.argsort(keys[k], kind="stable")[:num_skips]``.

    ``data`` is not modified; only ``rng``'s state advances.  Unlike TF's tutorial
    (which keeps a global ``data_index`` for the start of the window, re-reads the
    beginning of the data instead of wrapping, and samples with Python's ``random``),
    ``position`` is the first centre itself and the caller carries it from call to
    call.

    Args:
        data: 1-D integer word ids, at least ``2 * skip_window + 1`` of them.
        position: index of the first centre, ``0 <= position < len(data)``.
        batch_size: rows of the batch; a multiple of ``num_skips``.
        num_skips: pairs per centre word, ``1 <= num_skips <= 2 * skip_window``.
        skip_window: how many words left and right count as context (>= 1).
        rng: ``None`` for the fixed order, or a ``np.random.RandomState``.

    Returns:
        ``(batch, labels, next_position)``: int32 ``[batch_size]`` centre ids, int64
        ``[batch_size, 1]`` context ids (the shape ``nce_loss`` takes), and
        ``(position + batch_size // num_skips) % len(data)``.

    Raises:
        ValueError: on any argument outside the ranges above, with the reason.

    Example:
        >>> batch, labels, nxt = skipgram_batch([10, 11, 12, 13, 14], 0, 4, 2, 1)
        >>> batch.tolist(), labels[:, 0].tolist(), nxt
        ([10, 10, 11, 11], [14, 11, 10, 12], 2)
    """
    data, batch_size, num_skips, skip_window = _check_skipgram(
        data, batch_size, num_skips, skip_window)
    n = data.shape[0]
    position = operator.index(position)
    if not 0 <= position < n:
        raise ValueError("position must be in [0, %d), got %d" % (n, position))
    n_centres = batch_size // num_skips
    centres = (position + np.arange(n_centres)) % n
    order = _context_offsets(skip_window)
    if rng is None:
        offsets = np.broadcast_to(order[:num_skips], (n_centres, num_skips))
    elif isinstance(rng, np.random.RandomState):
        keys = rng.random_sample((n_centres, 2 * skip_window))
        offsets = order[np.argsort(keys, axis=1, kind="stable")[:, :num_skips]]
    else:
        raise TypeError("rng must be None or a np.random.RandomState, got %s"
                        % type(rng).__name__)
    contexts = (centres[:, None] + offsets) % n
    batch = np.repeat(data[centres], num_skips).astype(np.int32)
    labels = data[contexts].reshape(batch_size, 1).astype(np.int64)
    return batch, labels, int((position + n_centres) % n)


def skipgram_batches(data, batch_size, num_skips, skip_window, position=0, rng=None):
    """Endless ``(batch, labels)`` batches: :func:`skipgram_batch` called in a chain.

    Each batch starts where the previous one stopped (``next_position``), so the centres
    walk through ``data`` and wrap around.  Arguments are checked at once, not at the
    first ``next``.

    Example:
        >>> batches = skipgram_batches(vocab.data, 128, 2, 1, rng=np.random.RandomState(0))
        >>> batch, labels = next(batches)
    """
    data, batch_size, num_skips, skip_window = _check_skipgram(
        data, batch_size, num_skips, skip_window)
    position = operator.index(position)
    if not 0 <= position < data.shape[0]:
        raise ValueError("position must be in [0, %d), got %d" % (data.shape[0], position))

    def generate(position):
        while True:
            batch, labels, position = skipgram_batch(data, position, batch_size, num_skips,
                                                     skip_window, rng)
            yield batch, labels
    return generate(position)
