"""A real `tensorboard` server shows what tf.summary ops and FileWriter wrote."""

import os
import sys
import urllib.parse

import numpy as np
import pytest

pytest.importorskip("tensorboard")

import minitf as tf  # noqa: E402
from tests.util import TENSORBOARD, http_get, http_get_json, tensorboard_server

PLUGINS = {"scalars", "histograms", "images", "graphs", "text"}
LOSSES = [2.0, 1.25, 0.5, 0.125]



def _write_run(logdir):
    tf.reset_default_graph()
    loss = tf.placeholder(tf.float32, [], name="loss")
    w = tf.placeholder(tf.float32, [10], name="w")
    with tf.name_scope("model"):
        pred = tf.reduce_sum(w * 2.0, name="pred")
    with tf.name_scope("summaries"):
        tf.summary.scalar("loss", loss)
        tf.summary.scalar("pred", pred)
        tf.summary.histogram("w", w)
        tf.summary.image("img", tf.reshape(w[:9], [1, 3, 3, 1]))
        tf.summary.text("note", tf.constant("hello"))
    merged = tf.summary.merge_all()
    with tf.Session() as sess, tf.summary.FileWriter(str(logdir), sess.graph) as writer:
        for step, value in enumerate(LOSSES):
            w_value = np.linspace(0, 1, 10, dtype=np.float32) * (step + 1)
            writer.add_summary(sess.run(merged, {loss: value, w: w_value}), step)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_tensorboard_serves_every_summary_kind(tmp_path):
    if not os.path.exists(TENSORBOARD):
        pytest.skip("no tensorboard executable next to %s" % sys.executable)
    logdir = tmp_path / "logs"
    _write_run(logdir)  # events directly in logdir: the run is called "."
    with tensorboard_server(logdir, PLUGINS, tmp_path / "tensorboard.log") as base:
        runs = http_get_json(base + "/data/runs")
        assert len(runs) == 1
        query = urllib.parse.urlencode({"run": runs[0], "tag": "summaries/loss"})
        points = http_get_json(base + "/data/plugin/scalars/scalars?" + query)
        assert [p[1] for p in points] == list(range(len(LOSSES)))
        np.testing.assert_allclose([p[2] for p in points], LOSSES)

        tags = http_get_json(base + "/data/plugin/histograms/tags")
        assert "summaries/w" in tags[runs[0]]
        query = urllib.parse.urlencode({"run": runs[0], "tag": "summaries/w"})
        histograms = http_get_json(base + "/data/plugin/histograms/histograms?" + query)
        assert [h[1] for h in histograms] == list(range(len(LOSSES)))

        query = urllib.parse.urlencode({"run": runs[0], "tag": "summaries/note"})
        texts = http_get_json(base + "/data/plugin/text/text?" + query)
        assert [t["step"] for t in texts] == list(range(len(LOSSES)))
        assert "hello" in texts[0]["text"]

        pbtxt = http_get(base + "/data/plugin/graphs/graph?" + urllib.parse.urlencode(
            {"run": runs[0]})).decode("utf-8")
        assert 'name: "model/pred"' in pbtxt and 'op: "ScalarSummary"' in pbtxt
