"""minitf.datasets.text: offline corpus, text8 download, vocabulary, subsampling, skip-grams.

No test touches the real network: text8 comes from a server on 127.0.0.1 that serves a
small zip made here, and "no network" is a port nobody listens on.  Every expected value
is computed here by brute force (or from the formula), not copied from a run.
"""
import collections
import hashlib
import io
import math
import os
import socket
import subprocess
import sys
import urllib.request
import warnings
import zipfile

import numpy as np
import pytest

from minitf.datasets import text
from tests.datasets.local_server import Server, leftovers
from tests.util import free_port


# -- helpers ------------------------------------------------------------------------------

def brute_tokens(s):
    """text8's cleaning, one character at a time: ASCII letters lowercased, all else a gap."""
    if isinstance(s, bytes):
        s = "".join(chr(b) if b < 128 else " " for b in s)
    chars = [c.lower() if ("a" <= c <= "z" or "A" <= c <= "Z") else " " for c in s]
    return "".join(chars).split()


def brute_offsets(skip_window):
    """-1, +1, -2, +2, ..., -skip_window, +skip_window."""
    out = []
    for d in range(1, skip_window + 1):
        out += [-d, d]
    return out


def c_code_keep(count, total, t):
    """word2vec.c: ran = (sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn."""
    if t == 0 or count == 0:
        return 1.0
    st = t * total
    return min(1.0, (math.sqrt(count / st) + 1) * st / count)


@pytest.fixture(scope="module", autouse=True)
def isolated(tmp_path_factory):
    """A fresh in-process corpus memory and a data dir under tmp (never ~/.cache)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(text, "_MEMORY", {})
        mp.setenv("MINITF_DATA", str(tmp_path_factory.mktemp("minitf-data")))
        yield


def _block_network(mp, attempts):
    def refuse(self, *args, **kwargs):
        attempts.append(args)
        raise OSError("network blocked by the test")

    mp.setattr(socket.socket, "connect", refuse)
    mp.setattr(socket.socket, "connect_ex", refuse)
    mp.setattr(urllib.request, "urlopen", lambda *a, **k: refuse(None, *a))


@pytest.fixture(scope="module")
def offline_all(tmp_path_factory):
    """The default offline corpus, built once with every socket connection refused."""
    cache = tmp_path_factory.mktemp("corpus-cache")
    attempts = []
    with pytest.MonkeyPatch.context() as mp:
        _block_network(mp, attempts)
        words = text.offline_corpus(cache_dir=str(cache))
    return words, cache, attempts


@pytest.fixture(scope="module")
def pydoc_words():
    return text.offline_corpus("pydoc")


# -- tokenizing and your own files --------------------------------------------------------

def test_tokenize_matches_character_by_character_cleaning():
    rng = np.random.RandomState(0)
    alphabet = list("abcXYZ  \t\n.,'-0123456789") + ["é", "ß", "\u212a", "İ", "日"]
    s = "".join(rng.choice(alphabet, 5000))
    assert text.tokenize(s) == brute_tokens(s)
    assert text.tokenize(s.encode("utf-8")) == brute_tokens(s.encode("utf-8"))
    # The Kelvin sign lowercases to an ASCII 'k' in Python; text8 treats it as a gap.
    assert text.tokenize("a\u212ab") == ["a", "b"]
    with pytest.raises(TypeError):
        text.tokenize(123)


def test_tokenize_in_small_pieces_equals_one_piece(monkeypatch):
    """The chunked splitter must not cut or glue words at piece boundaries."""
    rng = np.random.RandomState(1)
    pieces = ["".join(rng.choice(list("abQ"), rng.randint(1, 12))) for _ in range(400)]
    gaps = [" " * rng.randint(1, 4) if rng.rand() < 0.8 else "9." for _ in pieces]
    s = "  " + "".join(p + g for p, g in zip(pieces, gaps)) + "longwordattheend"
    want = brute_tokens(s)
    for chunk in (1, 2, 3, 7, 16, 1000):
        monkeypatch.setattr(text, "_SPLIT_CHUNK", chunk)
        got = text.tokenize(s)
        assert got == want, chunk
        for w in set(got):   # equal words share one string object
            assert len({id(x) for x in got if x == w}) == 1


def test_read_words(tmp_path):
    s = "Déjà vu: The Cat's 2nd\nLINE, über-cool\u00a0end"
    p = tmp_path / "notes.txt"
    p.write_text(s, encoding="utf-8")
    words = text.read_words(p)
    assert list(words) == brute_tokens(s) and words.source_kind == "file"
    assert str(p) in words.source and str(len(words)) in words.source
    q = tmp_path / "notes16.txt"
    q.write_text(s, encoding="utf-16")
    assert list(text.read_words(q, encoding="utf-16")) == brute_tokens(s)
    (tmp_path / "a.zip").write_bytes(b"PK\x03\x04rest")
    (tmp_path / "b.bin").write_bytes(b"abc\x00def")
    (tmp_path / "c.txt").write_bytes(b"caf\xe9")
    for name, why in [("a.zip", "zip archive"), ("b.bin", "NUL"), ("c.txt", "0xe9")]:
        with pytest.raises(ValueError, match=why):
            text.read_words(tmp_path / name)
    assert list(text.read_words(tmp_path / "c.txt", encoding="latin-1")) == ["caf"]
    with pytest.raises(FileNotFoundError):
        text.read_words(tmp_path / "missing.txt")
    with pytest.raises(IsADirectoryError):
        text.read_words(tmp_path)


# -- the offline corpus -------------------------------------------------------------------

def test_offline_corpus_is_large_english_and_needs_no_network(offline_all):
    words, cache, attempts = offline_all
    assert attempts == []   # not one connection was tried
    assert isinstance(words, text.Words) and words.source_kind == "offline"
    assert len(words) > 1000000 and str(len(words)) in words.source
    assert len(set(words)) > 10000
    assert all(w.isascii() and w.isalpha() and w.islower() for w in set(words))
    counts = collections.Counter(words)
    top = [w for w, _ in counts.most_common(12)]
    assert top[0] == "the"
    for w in ("the", "of", "a", "is", "to", "and", "in"):
        assert w in top, w
    function_words = {"the", "of", "a", "an", "is", "are", "to", "and", "or", "in", "for",
                      "if", "be", "this", "that", "it", "with", "as", "on", "by", "not"}
    share = sum(counts[w] for w in function_words) / len(words)
    assert share > 0.2
    for w in ("function", "array", "return", "value", "number", "list", "file", "string",
              "integer", "example", "default", "returns", "write", "read"):
        assert counts[w] >= 100, w
    assert any(name.startswith("offline-all-") and name.endswith(".corpus")
               for name in os.listdir(cache))


def test_pydoc_corpus_is_the_pydoc_topics(pydoc_words):
    from pydoc_data import topics
    want = collections.Counter()
    for body in topics.topics.values():
        want.update(brute_tokens(body))
    assert collections.Counter(pydoc_words) == want
    assert sum(want.values()) > 30000


def test_sources_nest(pydoc_words, offline_all):
    """"python" is "pydoc" plus stdlib docstrings, "all" is "python" plus packages."""
    python = text.offline_corpus("python")
    everything = offline_all[0]
    assert len(pydoc_words) < len(python) < len(everything)
    assert python[:len(pydoc_words)] == pydoc_words
    assert everything[:len(python)] == python
    with pytest.raises(ValueError, match="unknown offline corpus"):
        text.offline_corpus("wikipedia")


def test_offline_corpus_returns_independent_lists(pydoc_words):
    a = text.offline_corpus("pydoc")
    a.append("zzzz")
    a[0] = "qqqq"
    b = text.offline_corpus("pydoc")
    assert b == pydoc_words and b is not a and b[0] != "qqqq" and len(b) == len(pydoc_words)


def test_offline_cache_file_is_used_and_checked(tmp_path, pydoc_words, monkeypatch):
    monkeypatch.setattr(text, "_MEMORY", {})
    built = text.offline_corpus("pydoc", cache_dir=str(tmp_path))
    (path,) = [tmp_path / n for n in os.listdir(tmp_path)]
    assert path.name.startswith("offline-pydoc-") and leftovers(tmp_path) == []

    # A new process (fresh memory) reads the file and does not build again.
    monkeypatch.setattr(text, "_MEMORY", {})
    real_build = text._build
    monkeypatch.setattr(text, "_build", lambda parts: pytest.fail("rebuilt despite a cache"))
    cached = text.offline_corpus("pydoc", cache_dir=str(tmp_path))
    assert cached == built == pydoc_words

    # A damaged file fails its checksum: the corpus is built again and the file rewritten.
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 1
    path.write_bytes(bytes(raw))
    monkeypatch.setattr(text, "_MEMORY", {})
    calls = []
    monkeypatch.setattr(text, "_build", lambda parts: calls.append(1) or real_build(parts))
    assert text.offline_corpus("pydoc", cache_dir=str(tmp_path)) == pydoc_words
    assert calls == [1] and path.read_bytes() != bytes(raw)


def test_offline_corpus_imports_no_package(tmp_path):
    """Docstrings are read from the files: building "all" imports nothing new."""
    code = ("import sys; from minitf.datasets import text; before = set(sys.modules); "
            "w = text.offline_corpus(); new = set(sys.modules) - before; "
            "print(len(w) > 1000000, 'sklearn' in sys.modules, "
            "sorted(m for m in new if m.split('.')[0] in ('numpy', 'scipy', 'sklearn')))")
    env = dict(os.environ, MINITF_DATA=str(tmp_path))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "False", "[]"]


def test_docstring_extraction_skips_tests_doctests_and_roles(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "tests").mkdir(parents=True)
    (pkg / "mod.py").write_text('"""Alpha :func:`beta` gamma.\n\n'
                                '>>> delta(1)\nepsilon\n\nzeta\n.. note::\n    eta\n"""\n'
                                'x = "iota"\n'
                                "def f():\n    '''kappa'''\n")
    (pkg / "tests" / "test_mod.py").write_text('"""lambda"""\n')
    (pkg / "notes.txt").write_text('"""mu"""\n')
    words = text.tokenize(text._docstrings(str(pkg)))
    assert words == ["alpha", "beta", "gamma", "zeta", "eta", "kappa"]


# -- text8: download, cache, refusal, fallback --------------------------------------------

class FakeText8:
    """A small text8.zip: one member 'text8' of lowercase words, as the real one."""

    def __init__(self, seed=0, member="text8"):
        rng = np.random.RandomState(seed)
        vocab = ["anarchism", "originated", "as", "a", "term", "of", "abuse", "the", "one"]
        self.body = (" " + " ".join(rng.choice(vocab, 3000))).encode("ascii")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(member, self.body)
        self.zip = buf.getvalue()
        self.sha256 = hashlib.sha256(self.zip).hexdigest()
        self.size = len(self.zip)
        self.words = brute_tokens(self.body)


@pytest.fixture
def fake():
    return FakeText8()


@pytest.fixture
def server(fake):
    s = Server({"text8.zip": fake.zip}, prefix="/dc/")
    yield s
    s.close()


@pytest.fixture
def closed_url():
    return "http://127.0.0.1:%d/dc/text8.zip" % free_port()


def _load(cache, url, fake, **kw):
    kw.setdefault("sha256", fake.sha256)
    kw.setdefault("size", fake.size)
    kw.setdefault("progress", False)
    return text.load_text8(cache_dir=str(cache), url=url, **kw)


def test_text8_download_then_cache_hit(tmp_path, fake, server, capsys):
    cache = tmp_path / "cache"
    url = server.url + "text8.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no fallback warning on success
        words = _load(cache, url, fake, progress=True)
    assert words.source_kind == "download" and url in words.source
    assert list(words) == fake.words and len(words) == 3000
    assert server.requests == ["text8.zip"]
    assert (cache / "text8.zip").read_bytes() == fake.zip
    assert leftovers(cache) == [] and os.listdir(cache) == ["text8.zip"]
    assert "text8.zip" in capsys.readouterr().err   # the progress bar

    server.requests.clear()
    again = _load(cache, url, fake)
    assert server.requests == []
    assert again.source_kind == "cache" and str(cache) in again.source
    assert list(again) == fake.words


def test_text8_cache_hit_needs_no_network(tmp_path, fake, closed_url, monkeypatch):
    (tmp_path / "text8.zip").write_bytes(fake.zip)
    attempts = []
    _block_network(monkeypatch, attempts)
    words = _load(tmp_path, closed_url, fake)
    assert words.source_kind == "cache" and list(words) == fake.words and attempts == []


@pytest.mark.parametrize("member, kw, why", [
    ("text8", dict(sha256="0" * 64), "does not match"),
    ("text8", dict(size=12345), "expected 12345"),
    ("text9", dict(sha256=None, size=None), "not a member named 'text8'"),
    ("text8", dict(sha256=text.TEXT8_SHA256, size=text.TEXT8_SIZE),
     "expected %d" % text.TEXT8_SIZE),
], ids=["checksum", "size", "no-text8-member", "published"])
def test_text8_bad_download_is_refused(tmp_path, fake, member, kw, why):
    s = Server({"text8.zip": FakeText8(member=member).zip}, prefix="/dc/")
    try:
        cache = tmp_path / "cache"
        with pytest.raises(text.DownloadError, match=why):
            _load(cache, s.url + "text8.zip", fake, offline_ok=False, **kw)
        assert s.requests == ["text8.zip"]
        assert os.listdir(cache) == []   # no text8.zip, no partial file
    finally:
        s.close()


def test_text8_corrupt_member_is_refused(tmp_path, fake, server):
    """With no size or checksum given, the zip's own CRC-32 still catches damage."""
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        z.writestr("text8", fake.body)
    raw = bytearray(stored.getvalue())
    at = raw.index(fake.body[100:140])
    raw[at] ^= 0x20   # one letter changes case; the file stays a well-formed zip
    server.files["text8.zip"] = bytes(raw)
    with pytest.raises(text.DownloadError, match="not a readable zip"):
        _load(tmp_path, server.url + "text8.zip", fake, sha256=None, size=None,
              offline_ok=False)
    assert os.listdir(tmp_path) == []


def test_text8_wrong_checksum_falls_back_with_warning(tmp_path, fake, server, offline_all):
    with pytest.warns(text.OfflineFallbackWarning, match="rejected download") as rec:
        words = _load(tmp_path, server.url + "text8.zip", fake, sha256="f" * 64)
    assert words.source_kind == "offline" and words == offline_all[0]
    assert words.source in str(rec[0].message)
    assert not (tmp_path / "text8.zip").exists() and leftovers(tmp_path) == []


def test_text8_unreachable_falls_back_with_warning(tmp_path, fake, closed_url, offline_all):
    cache = tmp_path / "cache"
    with pytest.warns(text.OfflineFallbackWarning, match="cannot reach") as rec:
        words = _load(cache, closed_url, fake)
    assert rec[0].filename == __file__   # stacklevel: the warning names the caller
    assert words.source_kind == "offline" and words == offline_all[0]
    assert not (cache / "text8.zip").exists()
    with pytest.raises(text.DownloadError, match="cannot reach"):
        _load(cache, closed_url, fake, offline_ok=False)
    assert issubclass(text.DownloadError, OSError)


def test_text8_dropped_connection_leaves_nothing(tmp_path, fake, server):
    server.drop.add("text8.zip")
    with pytest.raises(text.DownloadError, match="cut short"):
        _load(tmp_path, server.url + "text8.zip", fake, offline_ok=False)
    assert os.listdir(tmp_path) == []


def test_text8_bad_cached_file_is_replaced_by_good_download(tmp_path, fake, server):
    (tmp_path / "text8.zip").write_bytes(b"not a zip")
    words = _load(tmp_path, server.url + "text8.zip", fake)
    assert words.source_kind == "download" and list(words) == fake.words
    assert (tmp_path / "text8.zip").read_bytes() == fake.zip


def test_text8_downloads_off(tmp_path, fake, server, offline_all):
    with pytest.warns(text.OfflineFallbackWarning, match="downloads are off"):
        words = _load(tmp_path, "", fake)
    assert words.source_kind == "offline" and server.requests == []
    (tmp_path / "text8.zip").write_bytes(b"junk")
    with pytest.warns(text.OfflineFallbackWarning) as caught:
        _load(tmp_path, None, fake)
    message = str(caught[0].message)
    assert "ignoring cached" in message and "is not in" not in message  # it is, but bad
    assert (tmp_path / "text8.zip").read_bytes() == b"junk"   # ignored, not deleted


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("MINITF_DATA", str(tmp_path))
    assert text.default_cache_dir() == os.path.join(str(tmp_path), "text")
    monkeypatch.delenv("MINITF_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert text.default_cache_dir() == os.path.join(str(tmp_path), ".cache", "minitf", "text")


# -- vocabulary ---------------------------------------------------------------------------

def brute_vocab(words, size):
    """Ids by decreasing count, ties by first appearance; 'UNK' (also literal) is 0."""
    first, count = {}, {}
    for i, w in enumerate(words):
        if w == "UNK":
            continue
        first.setdefault(w, i)
        count[w] = count.get(w, 0) + 1
    ranked = sorted(count, key=lambda w: (-count[w], first[w]))
    if size is not None:
        ranked = ranked[:size - 1]
    ids = {w: i + 1 for i, w in enumerate(ranked)}
    data = [ids.get(w, 0) for w in words]
    unk = sum(1 for x in data if x == 0)
    return data, [("UNK", unk)] + [(w, count[w]) for w in ranked]


def _check_vocab(v, words, size):
    data, count = brute_vocab(words, size)
    assert v.data.dtype == np.int32 and v.data.shape == (len(words),)
    assert v.data.tolist() == data
    assert v.count == count
    assert v.dictionary == {w: i for i, (w, _) in enumerate(count)}
    assert v.reverse_dictionary == {i: w for i, (w, _) in enumerate(count)}
    assert [v.reverse_dictionary[i] if i else None for i in v.data] == [
        w if w in v.dictionary and w != "UNK" else None for w in words]


def test_build_vocab_docstring_example():
    v = text.build_vocab("b a b c b a d".split(), 3)
    assert v.count == [("UNK", 2), ("b", 3), ("a", 2)]
    assert v.data.tolist() == [1, 2, 1, 0, 1, 2, 0]


@pytest.mark.parametrize("size", [None, 1, 2, 5, 17, 40, 1000])
def test_build_vocab_matches_brute_force(size):
    rng = np.random.RandomState(size or 0)
    names = ["w%d" % i for i in range(60)] + ["UNK"]
    p = 1.0 / np.arange(1, len(names) + 1)   # Zipf-like, with many ties among rare words
    words = list(rng.choice(names, 800, p=p / p.sum()))
    v = text.build_vocab(words, size)
    _check_vocab(v, words, size)
    distinct = len(set(words) - {"UNK"})
    assert len(v.count) == (distinct + 1 if size is None else min(size, distinct + 1))
    assert sum(n for _, n in v.count) == len(words)
    ns = [n for _, n in v.count[1:]]
    assert ns == sorted(ns, reverse=True)   # most frequent word = smallest id


def test_build_vocab_ties_and_literal_unk():
    words = "x y UNK z y x UNK q".split()
    v = text.build_vocab(words, 3)
    assert v.count == [("UNK", 4), ("x", 2), ("y", 2)]   # x appears before y
    assert v.data.tolist() == [1, 2, 0, 0, 2, 1, 0, 0]
    v = text.build_vocab(iter(words))   # any iterable, every word kept
    assert v.count == [("UNK", 2), ("x", 2), ("y", 2), ("z", 1), ("q", 1)]
    with pytest.raises(ValueError, match="at least 1"):
        text.build_vocab(words, 0)


def test_build_vocab_on_offline_corpus(pydoc_words):
    v = text.build_vocab(pydoc_words, 500)
    counter = collections.Counter(pydoc_words)
    top = sorted(counter.values(), reverse=True)[:499]
    assert [n for _, n in v.count[1:]] == top
    for w, n in v.count[1:]:
        assert counter[w] == n
    assert v.count[0] == ("UNK", len(pydoc_words) - sum(top))
    assert v.reverse_dictionary[1] == "the"
    assert np.bincount(v.data, minlength=500).tolist() == [n for _, n in v.count]


# -- subsampling --------------------------------------------------------------------------

@pytest.mark.parametrize("t", [0, 1e-5, 1e-3, 0.05, 1.0])
def test_keep_probabilities_formula(t):
    counts = [0, 1, 2, 7, 50, 300, 1000, 5000, 40000]
    total = sum(counts)
    want = [c_code_keep(c, total, t) for c in counts]
    p = text.keep_probabilities(counts, t)
    assert p.dtype == np.float64 and p.shape == (len(counts),)
    np.testing.assert_allclose(p, want, rtol=1e-12)
    # Same from a build_vocab count list.
    pairs = [("w%d" % i, c) for i, c in enumerate(counts)]
    np.testing.assert_allclose(text.keep_probabilities(pairs, t), want, rtol=1e-12)
    assert np.all(np.diff(p[1:]) <= 1e-15)   # more frequent, never more likely kept


def test_keep_probabilities_always_kept_below_golden_ratio_squared():
    t = 1e-3
    phi2 = ((1 + math.sqrt(5)) / 2) ** 2   # sqrt(x) + x = 1 at x = 1 / phi**2
    for ratio, kept in [(0.99, True), (1.0 - 1e-9, True), (1.01, False), (3.0, False)]:
        f = ratio * phi2 * t
        p = text.keep_probabilities([f, 1 - f], t)[0]
        assert bool(p == 1.0) is kept, ratio
        # Never below the paper's keep probability sqrt(t / f).
        assert p >= math.sqrt(t / f) - 1e-15


def test_keep_probabilities_errors():
    for bad in ([], np.ones((2, 2)), [-1, 3], [0, 0], [("UNK", 0)]):
        with pytest.raises(ValueError):
            text.keep_probabilities(bad)
    for t in (-1e-3, float("nan")):
        with pytest.raises(ValueError, match="threshold"):
            text.keep_probabilities([1, 2], t)


def _zipf_ids(seed=0):
    counts = np.array([0, 30000, 12000, 5000, 2000, 700, 250, 80, 20, 5])
    ids = np.repeat(np.arange(len(counts)), counts)
    np.random.RandomState(seed).shuffle(ids)
    return ids, counts


@pytest.mark.parametrize("seed", [0, 3])
def test_subsample_is_the_documented_draw(seed):
    ids, counts = _zipf_ids()
    t = 1e-3
    u = np.random.RandomState(seed).random_sample(len(ids))
    total = counts.sum()
    want = [w for w, x in zip(ids.tolist(), u) if x < c_code_keep(counts[w], total, t)]
    got = text.subsample(ids, counts, t, seed=seed)
    assert got.dtype == np.int32 and got.ndim == 1
    assert got.tolist() == want
    again = text.subsample(ids, counts, t, seed=seed)
    np.testing.assert_array_equal(again, got)
    other = text.subsample(ids, counts, t, seed=seed + 1)
    assert other.tolist() != got.tolist()
    rng = np.random.RandomState(seed)
    np.testing.assert_array_equal(text.subsample(ids, counts, t, seed=rng), got)
    assert text.subsample(ids, counts, t, seed=rng).tolist() != want   # the state advanced


def test_subsample_drops_frequent_words_more_often():
    ids, counts = _zipf_ids(1)
    t = 1e-3
    kept = text.subsample(ids, counts, t, seed=5)
    before = np.bincount(ids, minlength=len(counts))
    after = np.bincount(kept, minlength=len(counts))
    total = counts.sum()
    rates = []
    for w in range(1, len(counts)):
        p = c_code_keep(counts[w], total, t)
        sigma = math.sqrt(p * (1 - p) / before[w])
        rate = after[w] / before[w]
        assert abs(rate - p) <= 5 * sigma + 1e-12, (w, rate, p)
        rates.append(rate)
    assert rates[0] < 0.1 and rates[-1] == 1.0
    assert rates == sorted(rates)   # rarer words are kept at least as often
    assert text.subsample(ids, counts, 0, seed=0).tolist() == ids.tolist()


def test_subsample_on_offline_vocab(pydoc_words):
    v = text.build_vocab(pydoc_words, 2000)
    kept = text.subsample(v.data, v.count, 1e-3, seed=0)
    # Keeping order: the kept ids are a subsequence of the original ids.
    it = iter(v.data.tolist())
    assert all(any(x == y for y in it) for x in kept.tolist())
    the = v.dictionary["the"]
    rare = [i for i, (_, n) in enumerate(v.count) if 0 < n <= 20 and i]
    before, after = np.bincount(v.data, minlength=2000), np.bincount(kept, minlength=2000)
    assert after[the] / before[the] < 0.5
    assert after[rare].sum() == before[rare].sum()   # f <= 2.618 t: every one kept


def test_subsample_errors():
    with pytest.raises(ValueError, match="1-D"):
        text.subsample(np.zeros((2, 2), int), [1, 1])
    with pytest.raises(ValueError, match="integers"):
        text.subsample(np.array([0.0, 1.0]), [1, 1])
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        text.subsample([0, 2], [1, 1])
    assert text.subsample([], [1, 1], seed=0).tolist() == []


# -- skip-gram batches --------------------------------------------------------------------

def test_skipgram_docstring_example():
    batch, labels, nxt = text.skipgram_batch([10, 11, 12, 13, 14], 0, 4, 2, 1)
    assert batch.tolist() == [10, 10, 11, 11]
    assert labels[:, 0].tolist() == [14, 11, 10, 12] and nxt == 2


def _distinct_data(n, seed=0):
    return np.random.RandomState(seed).permutation(n) + 1000   # id -> one position


CASES = [(n, pos, bs, ns, sw) for n, pos, bs, ns, sw in [
    (7, 0, 6, 1, 1), (7, 6, 8, 2, 1), (11, 3, 12, 3, 2), (11, 10, 40, 4, 2),
    (5, 4, 10, 2, 2), (30, 17, 64, 4, 3), (30, 29, 18, 6, 3), (9, 2, 30, 5, 4)]]


@pytest.mark.parametrize("seed", [None, 0, 1])
@pytest.mark.parametrize("n, position, batch_size, num_skips, skip_window", CASES)
def test_skipgram_pairs_are_brute_force_window_pairs(n, position, batch_size, num_skips,
                                                     skip_window, seed):
    data = _distinct_data(n, n)
    copy = data.copy()
    where = {int(x): i for i, x in enumerate(data)}
    rng = None if seed is None else np.random.RandomState(seed)
    batch, labels, nxt = text.skipgram_batch(data, position, batch_size, num_skips,
                                             skip_window, rng=rng)
    assert batch.dtype == np.int32 and batch.shape == (batch_size,)
    assert labels.dtype == np.int64 and labels.shape == (batch_size, 1)
    assert isinstance(nxt, int) and nxt == (position + batch_size // num_skips) % n
    np.testing.assert_array_equal(data, copy)   # data untouched

    offsets = brute_offsets(skip_window)
    if seed is not None:
        keys = np.random.RandomState(seed).random_sample((batch_size // num_skips,
                                                          2 * skip_window))
    for k in range(batch_size // num_skips):
        centre = (position + k) % n
        # Every pair a ring window of skip_window around this centre allows.
        allowed = {(int(data[centre]), int(data[(centre + o) % n])) for o in offsets}
        rows = range(k * num_skips, (k + 1) * num_skips)
        pairs = [(int(batch[r]), int(labels[r, 0])) for r in rows]
        assert all(p in allowed for p in pairs)
        assert all(b == data[centre] for b, _ in pairs)
        got = [(where[c] - centre + skip_window) % n - skip_window for _, c in pairs]
        assert len(set(got)) == num_skips   # distinct neighbours per centre
        if seed is None:
            assert got == offsets[:num_skips]
        else:
            chosen = sorted(range(2 * skip_window), key=lambda j: keys[k, j])[:num_skips]
            assert got == [offsets[j] for j in chosen]


def test_skipgram_on_real_ids_without_wrapping(pydoc_words):
    """Away from the ends, pairs are exactly the plain (unwrapped) window pairs."""
    data = text.build_vocab(pydoc_words, 300).data
    rng = np.random.RandomState(2)
    batch, labels, _ = text.skipgram_batch(data, 1000, 256, 4, 2, rng=rng)
    for r in range(256):
        c = 1000 + r // 4
        window = [int(data[i]) for i in range(c - 2, c + 3) if i != c]
        assert batch[r] == data[c] and labels[r, 0] in window


def test_skipgram_all_neighbours_and_uniform_choice():
    data = _distinct_data(50, 3)
    # num_skips == 2 * skip_window: every neighbour exactly once per centre.
    batch, labels, _ = text.skipgram_batch(data, 0, 6 * 50, 6, 3, np.random.RandomState(0))
    for k in range(50):
        want = sorted(int(data[(k + o) % 50]) for o in brute_offsets(3))
        assert sorted(labels[6 * k:6 * k + 6, 0].tolist()) == want
    # num_skips == 1: each of the 6 offsets about equally often.
    where = {int(x): i for i, x in enumerate(data)}
    batch, labels, _ = text.skipgram_batch(data, 0, 6000, 1, 3, np.random.RandomState(1))
    offs = [(where[int(c)] - where[int(b)] + 3) % 50 - 3 for b, c in zip(batch, labels[:, 0])]
    hist = collections.Counter(offs)
    assert set(hist) == {-3, -2, -1, 1, 2, 3}
    assert all(abs(hist[o] - 1000) < 5 * math.sqrt(6000 * (1 / 6) * (5 / 6)) for o in hist)


def test_skipgram_deterministic_per_seed():
    data = _distinct_data(40, 4)
    a = text.skipgram_batch(data, 5, 64, 2, 3, np.random.RandomState(9))
    b = text.skipgram_batch(data, 5, 64, 2, 3, np.random.RandomState(9))
    c = text.skipgram_batch(data, 5, 64, 2, 3, np.random.RandomState(10))
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[0], c[0])   # centres do not depend on the seed
    assert a[1].tolist() != c[1].tolist()
    rng = np.random.RandomState(9)
    text.skipgram_batch(data, 5, 64, 2, 3, rng)
    assert text.skipgram_batch(data, 5, 64, 2, 3, rng)[1].tolist() != a[1].tolist()


def test_skipgram_batches_chain():
    data = _distinct_data(13, 5)
    gen = text.skipgram_batches(data, 10, 2, 2, position=11, rng=np.random.RandomState(3))
    ref_rng, pos = np.random.RandomState(3), 11
    centres = []
    for _ in range(6):
        batch, labels = next(gen)
        want_b, want_l, pos = text.skipgram_batch(data, pos, 10, 2, 2, ref_rng)
        np.testing.assert_array_equal(batch, want_b)
        np.testing.assert_array_equal(labels, want_l)
        centres += batch[::2].tolist()
    # 30 centres walk the ring from position 11: each position in turn, wrapping.
    assert centres == [int(data[(11 + i) % 13]) for i in range(30)]


@pytest.mark.parametrize("args, exc, why", [
    (dict(skip_window=0), ValueError, "skip_window"),
    (dict(num_skips=0), ValueError, "num_skips"),
    (dict(num_skips=3, batch_size=6), ValueError, "2 \\* skip_window"),
    (dict(batch_size=5), ValueError, "multiple of num_skips"),
    (dict(batch_size=0), ValueError, "multiple of num_skips"),
    (dict(data=[1, 2]), ValueError, "fewer than a window"),
    (dict(data=np.zeros((3, 3), int)), ValueError, "1-D"),
    (dict(data=[0.5, 1.0, 2.0]), ValueError, "integer"),
    (dict(position=5), ValueError, "position"),
    (dict(position=-1), ValueError, "position"),
    (dict(rng=np.random.default_rng(0)), TypeError, "RandomState"),
])
def test_skipgram_argument_errors(args, exc, why):
    kw = dict(data=[1, 2, 3, 4, 5], position=0, batch_size=4, num_skips=2, skip_window=1)
    kw.update(args)
    with pytest.raises(exc, match=why):
        text.skipgram_batch(**kw)
    if exc is ValueError:   # the generator checks at once, before the first next()
        with pytest.raises(exc, match=why):
            text.skipgram_batches(kw["data"], kw["batch_size"], kw["num_skips"],
                                  kw["skip_window"], position=kw["position"])


def test_offline_text_is_ascii_prose_without_table_rules():
    from minitf.datasets.text import offline_text
    t = offline_text()
    assert len(t) > 300_000 and t.isascii()
    assert "----" not in t and "\n\n\n" not in t
    assert "the" in t and "." in t and "A" in t  # case and punctuation are kept
    assert offline_text(1000) == t[:1000]
