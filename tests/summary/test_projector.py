"""tf.contrib.tensorboard.plugins.projector: the config file, the tensor files, and a real
TensorBoard's projector plugin loading them over HTTP."""
import os
import sys
import urllib.error
import urllib.parse

import numpy as np
import pytest

pytest.importorskip("tensorboard")

from google.protobuf import text_format  # noqa: E402

import minitf as tf  # noqa: E402
from minitf.contrib.tensorboard.plugins import projector  # noqa: E402
from tests.util import TENSORBOARD, http_get, http_get_json, tensorboard_server  # noqa: E402

WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran"]


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def _embedding_values(rows=len(WORDS), dims=5, seed=0):
    # Awkward float32 values (tiny, huge, negative, many digits) so a lossy copy shows.
    rng = np.random.RandomState(seed)
    values = rng.standard_normal((rows, dims)).astype(np.float32)
    values[0, 0], values[0, 1], values[1, 0] = 1e-30, -3.4e38, np.float32(1) / 3
    return values


def _save_embedding(logdir, values, name="embed/matrix"):
    """An embedding Variable saved by tf.train.Saver to logdir/model.ckpt; returns it."""
    with tf.name_scope(name.rpartition("/")[0] or None):
        var = tf.Variable(values, name=name.rpartition("/")[2])
    with tf.Session() as sess:
        sess.run(var.initializer)
        tf.train.Saver([var]).save(sess, os.path.join(str(logdir), "model.ckpt"))
    return var


def _write_metadata(logdir, labels, header=None):
    with open(os.path.join(str(logdir), "metadata.tsv"), "w", encoding="utf-8") as f:
        if header:
            f.write("\t".join(header) + "\n")
        for label in labels:
            f.write(("\t".join(label) if isinstance(label, tuple) else label) + "\n")


def _read_config(logdir):
    config = projector.ProjectorConfig()
    with open(os.path.join(str(logdir), "projector_config.pbtxt"), encoding="utf-8") as f:
        text_format.Parse(f.read(), config)
    return config


def test_tf_contrib_exposes_the_projector_module():
    assert tf.contrib.tensorboard.plugins.projector is projector
    from tensorboard.plugins.projector import projector_config_pb2
    assert projector.ProjectorConfig is projector_config_pb2.ProjectorConfig
    assert projector.EmbeddingInfo is projector_config_pb2.EmbeddingInfo
    assert projector.SpriteMetadata is projector_config_pb2.SpriteMetadata


def test_visualize_embeddings_writes_the_config_as_text_format(tmp_path):
    config = projector.ProjectorConfig()
    first = config.embeddings.add()
    first.tensor_name, first.metadata_path = "embed/matrix:0", "metadata.tsv"
    first.sprite.image_path = "sprite.png"
    first.sprite.single_image_dim.extend([28, 28])
    config.embeddings.add().tensor_name = "softmax/W"
    with tf.summary.FileWriter(str(tmp_path / "run")) as writer:
        assert projector.visualize_embeddings(writer, config) is None
    text = (tmp_path / "run" / "projector_config.pbtxt").read_text()
    assert 'tensor_name: "embed/matrix:0"' in text and 'metadata_path: "metadata.tsv"' in text
    assert _read_config(tmp_path / "run") == config


def test_visualize_embeddings_replaces_the_file_atomically(tmp_path):
    config = projector.ProjectorConfig()
    config.embeddings.add().tensor_name = "a"
    projector.visualize_embeddings(str(tmp_path), config)  # a directory works as well
    config.embeddings[0].tensor_name = "b"
    projector.visualize_embeddings(tmp_path, config)
    assert _read_config(tmp_path).embeddings[0].tensor_name == "b"
    assert os.listdir(tmp_path) == ["projector_config.pbtxt"]  # no temp file left behind


def test_visualize_embeddings_rejects_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="ProjectorConfig"):
        projector.visualize_embeddings(str(tmp_path), {"embeddings": []})

    class NoLogdir:
        def get_logdir(self):
            return None
    with pytest.raises(ValueError, match="logdir"):
        projector.visualize_embeddings(NoLogdir(), projector.ProjectorConfig())
    assert not os.listdir(tmp_path)


def test_export_tensors_copies_checkpointed_values_exactly(tmp_path):
    values = _embedding_values()
    var = _save_embedding(tmp_path, values)
    config = projector.ProjectorConfig()
    embedding = config.embeddings.add()
    embedding.tensor_name = var.name
    assert var.name == "embed/matrix:0"
    paths = projector.export_tensors(str(tmp_path), config)
    assert paths == [os.path.join(str(tmp_path), "embed_matrix.tensor.tsv")]
    assert embedding.tensor_path == "embed_matrix.tensor.tsv"
    assert list(embedding.tensor_shape) == list(values.shape)
    # Parsed as TensorBoard's plugin parses it: float() per cell, then float32.
    with open(paths[0]) as f:
        rows = [list(map(float, line.rstrip("\n").split("\t"))) for line in f if line.strip()]
    np.testing.assert_array_equal(np.array(rows, dtype=np.float32), values)
    assert projector.export_tensors(str(tmp_path), config) == []  # has a tensor_path now


def test_export_tensors_takes_given_values_and_keeps_names_apart(tmp_path):
    config = projector.ProjectorConfig()
    config.embeddings.add().tensor_name = "a/b:0"
    config.embeddings.add().tensor_name = "a_b"
    given = {"a/b": np.eye(2), "a_b:0": np.ones((3, 2))}
    paths = projector.export_tensors(str(tmp_path), config, values=given)
    assert [os.path.basename(p) for p in paths] == ["a_b.tensor.tsv", "a_b_1.tensor.tsv"]
    assert [list(e.tensor_shape) for e in config.embeddings] == [[2, 2], [3, 2]]


def test_export_tensors_says_what_is_wrong(tmp_path):
    config = projector.ProjectorConfig()
    config.embeddings.add().tensor_name = "missing"
    with pytest.raises(ValueError, match="No checkpoint"):
        projector.export_tensors(str(tmp_path), config)
    _save_embedding(tmp_path, _embedding_values())
    with pytest.raises(ValueError, match=r"'missing' is not in the checkpoint.*embed/matrix"):
        projector.export_tensors(str(tmp_path), config)
    config.embeddings[0].tensor_name = "v"
    with pytest.raises(ValueError, match=r"2-D.*\[4\]"):
        projector.export_tensors(str(tmp_path), config, values={"v": np.zeros(4)})


def _get_status(url):
    try:
        return http_get(url), 200
    except urllib.error.HTTPError as e:
        return e.read(), e.code


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_tensorboard_projector_plugin_loads_checkpoint_metadata_and_config(tmp_path):
    if not os.path.exists(TENSORBOARD):
        pytest.skip("no tensorboard executable next to %s" % sys.executable)
    logdir = tmp_path / "logs"
    values = _embedding_values()
    labels = [(w, str(len(w))) for w in WORDS]
    with tf.summary.FileWriter(str(logdir)) as writer:  # events in logdir: the run is "."
        var = _save_embedding(logdir, values)
        _write_metadata(logdir, labels, header=("word", "length"))
        config = projector.ProjectorConfig()
        embedding = config.embeddings.add()
        embedding.tensor_name = var.name
        embedding.metadata_path = "metadata.tsv"
        projector.export_tensors(writer, config)
        projector.visualize_embeddings(writer, config)
    saved = tf.train.load_variable(str(logdir), "embed/matrix")
    np.testing.assert_array_equal(saved, values)

    with tensorboard_server(logdir, {"projector"}, tmp_path / "tensorboard.log") as base:
        api = base + "/data/plugin/projector"
        assert http_get_json(api + "/runs") == ["."]
        info = http_get_json(api + "/info?" + urllib.parse.urlencode({"run": "."}))
        [listed] = info["embeddings"]
        assert listed["tensorName"] == "embed/matrix"  # the plugin drops the ":0"
        assert listed["metadataPath"] == "metadata.tsv"
        assert [int(d) for d in listed["tensorShape"]] == list(values.shape)

        query = urllib.parse.urlencode({"run": ".", "name": "embed/matrix"})
        body = http_get(api + "/tensor?" + query)
        served = np.frombuffer(body, dtype="<f4").reshape(values.shape)
        np.testing.assert_array_equal(served, saved)
        top = http_get(api + "/tensor?" + query + "&num_rows=3")
        np.testing.assert_array_equal(np.frombuffer(top, dtype="<f4").reshape(3, -1), saved[:3])

        metadata = http_get(api + "/metadata?" + query).decode("utf-8").splitlines()
        assert metadata == ["word\tlength"] + ["%s\t%s" % label for label in labels]

        _, status = _get_status(api + "/tensor?" + urllib.parse.urlencode(
            {"run": ".", "name": "no/such"}))
        assert status == 400
