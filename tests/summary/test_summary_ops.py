"""tf.summary ops: the Summary protos they build, read back by TensorBoard's own reader."""

import io
import subprocess
import sys
import wave

import numpy as np
import pytest

pytest.importorskip("tensorboard")

from PIL import Image  # noqa: E402
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.compat.proto import summary_pb2  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

import minitf as tf  # noqa: E402
from minitf.framework import errors, op_registry  # noqa: E402

STEPS = 4
RNG = np.random.default_rng(0)
PIXELS = RNG.integers(0, 256, size=(2, 5, 7, 3), dtype=np.uint8)
NOTE = "lr = **0.1**"


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def run_summary(summary_tensor, feed_dict=None):
    """Evaluates a summary op and parses the Summary it returns."""
    with tf.Session() as sess:
        data = sess.run(summary_tensor, feed_dict)
    assert isinstance(data, bytes)
    return summary_pb2.Summary.FromString(data)


def accumulate(logdir):
    acc = event_accumulator.EventAccumulator(
        str(logdir), size_guidance={k: 0 for k in event_accumulator.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    return acc


# ---- a whole run written by FileWriter, read by EventAccumulator ---------------------

def loss_at(step):
    return 1.0 / (step + 1)


def weights_at(step):
    return np.random.default_rng(step).normal(size=(3, 4)).astype(np.float32) * (step + 1)


def write_run(logdir):
    """A small model with name scopes and one summary of each kind, over STEPS steps."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.placeholder(tf.float32, [3, 4], name="w")
    loss_in = tf.placeholder(tf.float32, [], name="loss_in")
    with tf.name_scope("model"):
        y = tf.matmul(x, w, name="y")
        out = tf.reduce_sum(y, name="out")
    with tf.name_scope("summaries"):
        tf.summary.scalar("loss", loss_in * 1.0)
        tf.summary.scalar("out", out)
        tf.summary.histogram("weights", w)
        tf.summary.image("inputs", tf.constant(PIXELS), max_outputs=2)
        tf.summary.text("notes", tf.constant(NOTE))
    merged = tf.summary.merge_all()
    x_value = np.ones((2, 3), np.float32)
    with tf.Session() as sess, tf.summary.FileWriter(str(logdir), sess.graph) as writer:
        for step in range(STEPS):
            summary = sess.run(merged, {x: x_value, w: weights_at(step),
                                        loss_in: loss_at(step)})
            writer.add_summary(summary, global_step=step)
    return x_value


def test_run_reads_back_with_event_accumulator(tmp_path):
    x_value = write_run(tmp_path)
    acc = accumulate(tmp_path)
    tags = acc.Tags()
    assert sorted(tags["scalars"]) == ["summaries/loss", "summaries/out"]
    assert tags["histograms"] == ["summaries/weights"]
    assert sorted(tags["images"]) == ["summaries/inputs/image/0", "summaries/inputs/image/1"]
    assert tags["tensors"] == ["summaries/notes"]
    assert tags["graph"] is True

    loss = acc.Scalars("summaries/loss")
    assert [e.step for e in loss] == list(range(STEPS))
    np.testing.assert_allclose([e.value for e in loss], [loss_at(s) for s in range(STEPS)],
                               rtol=1e-6)
    out = acc.Scalars("summaries/out")
    np.testing.assert_allclose([e.value for e in out],
                               [(x_value @ weights_at(s)).sum() for s in range(STEPS)],
                               rtol=1e-5)

    histos = acc.Histograms("summaries/weights")
    assert [e.step for e in histos] == list(range(STEPS))
    for event in histos:
        w = weights_at(event.step).astype(np.float64)
        h = event.histogram_value
        assert (h.min, h.max, h.num) == (w.min(), w.max(), w.size)
        np.testing.assert_allclose([h.sum, h.sum_squares], [w.sum(), (w * w).sum()],
                                   rtol=1e-6)
        assert sum(h.bucket) == w.size

    for i in range(2):
        images = acc.Images("summaries/inputs/image/%d" % i)
        assert len(images) == STEPS
        decoded = Image.open(io.BytesIO(images[-1].encoded_image_string))
        assert (images[-1].width, images[-1].height) == (7, 5)
        np.testing.assert_array_equal(np.asarray(decoded), PIXELS[i])

    texts = acc.Tensors("summaries/notes")
    assert len(texts) == STEPS
    assert tensor_util.make_ndarray(texts[0].tensor_proto).item() == NOTE.encode()
    metadata = acc.SummaryMetadata("summaries/notes")
    assert metadata.plugin_data.plugin_name == "text"

    graph = acc.Graph()
    names = {n.name for n in graph.node}
    assert {"model/y", "model/out", "summaries/loss", "summaries/weights"} <= names
    assert any("/" in n for n in names)
    assert {n.op for n in graph.node} >= {"ScalarSummary", "HistogramSummary", "ImageSummary",
                                           "TensorSummaryV2", "MergeSummary"}


# ---- tags and collections --------------------------------------------------------------

def test_tags_follow_name_scopes_and_are_unique():
    x = tf.constant(2.0)
    with tf.name_scope("loss"):
        a = tf.summary.scalar("total", x)
        b = tf.summary.scalar("total", x)
    c = tf.summary.scalar("histogram loss", x)  # illegal character cleaned
    d = tf.summary.scalar("acc", x, family="train")
    assert [a.op.name, b.op.name, c.op.name, d.op.name] == [
        "loss/total", "loss/total_1", "histogram_loss", "train/acc"]
    tags = [v.tag for t in (a, b, c, d) for v in run_summary(t).value]
    assert tags == ["loss/total", "loss/total_1", "histogram_loss", "train/train/acc"]
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a, b, c, d]
    assert a.dtype == tf.string and a.shape.as_list() == []


def test_collections_argument_and_merge_all():
    assert tf.summary.merge_all() is None
    x = tf.constant(1.5)
    s1 = tf.summary.scalar("a", x)
    s2 = tf.summary.scalar("b", x, collections=["mine"])
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s1]
    assert tf.get_collection("mine") == [s2]
    merged = tf.summary.merge_all()
    assert merged.op.type == "MergeSummary" and merged.op.name == "Merge/MergeSummary"
    assert [v.tag for v in run_summary(merged).value] == ["a"]
    mine = tf.summary.merge_all("mine", name="m")
    assert mine.op.name == "m/m"
    assert [v.tag for v in run_summary(mine).value] == ["b"]


def test_merge_concatenates_values_and_rejects_duplicate_tags():
    x = tf.placeholder(tf.float32, [])
    s1 = tf.summary.scalar("x", x)
    s2 = tf.summary.histogram("h", tf.stack([x, x * 2.0]))
    merged = tf.summary.merge([s1, s2])
    summary = run_summary(merged, {x: 3.0})
    assert [v.tag for v in summary.value] == ["x", "h"]
    assert summary.value[0].simple_value == 3.0
    assert summary.value[1].histo.max == 6.0
    # a vector of serialized summaries is accepted too
    pair = tf.summary.merge([tf.stack([s1, tf.summary.scalar("y", x)])])
    assert [v.tag for v in run_summary(pair, {x: 1.0}).value] == ["x", "y"]
    duplicate = tf.summary.merge([s1, s1])
    with pytest.raises(errors.InvalidArgumentError, match="Duplicate tag x found in summary"):
        run_summary(duplicate, {x: 1.0})
    with pytest.raises(ValueError):
        tf.summary.merge([])
    with pytest.raises(TypeError):
        tf.summary.merge([x])


def test_summary_ops_are_not_differentiable():
    for op_type in ("ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummaryV2",
                    "TensorSummaryV2", "MergeSummary"):
        assert op_registry.get(op_type).grad is op_registry.NO_GRADIENT


def test_graph_def_of_summary_ops():
    tf.summary.image("img", tf.zeros([1, 2, 2, 3]))
    tf.summary.text("t", tf.constant(["a", "b"]))
    tf.summary.merge_all()
    nodes = {n.name: n for n in tf.get_default_graph().as_graph_def().node}
    assert nodes["img"].attr["max_images"].i == 3
    assert list(nodes["img"].input) == ["img/tag", "zeros"]
    assert nodes["Merge/MergeSummary"].attr["N"].i == 2


# ---- scalar --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.int64, tf.uint8])
def test_scalar_values_of_several_dtypes(dtype):
    value = np.array(7, dtype=dtype.as_numpy_dtype)
    summary = run_summary(tf.summary.scalar("v", tf.constant(value)))
    assert len(summary.value) == 1 and summary.value[0].simple_value == float(value)


def test_scalar_rejects_strings_and_non_scalars():
    with pytest.raises(TypeError):
        tf.summary.scalar("s", tf.constant("text"))
    with pytest.raises(ValueError, match="tags and values not the same shape"):
        tf.summary.scalar("v", tf.constant([1.0, 2.0]))
    p = tf.placeholder(tf.float32, None)
    s = tf.summary.scalar("p", p)
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"tags and values not the same shape: \[\] != \[2\] \(tag 'p'\)"):
        run_summary(s, {p: [1.0, 2.0]})


# ---- histogram -----------------------------------------------------------------------

def reference_edges():
    """TF's default bucket edges, rebuilt independently with a running product."""
    positive = np.cumprod(np.r_[1e-12, np.full(800, 1.1)])
    positive = positive[positive < 1e20]
    return np.r_[-np.finfo(np.float64).max, -positive[::-1], 0.0, positive,
                 np.finfo(np.float64).max]


@pytest.mark.parametrize("values", [
    np.array([0.5]),
    np.array([-3.0, 0.0, 0.0, 1e-13, 2.5, 2.5, 1e6]),
    RNG.normal(size=1000) * 10,
    RNG.uniform(0, 1, size=(4, 5)).astype(np.float32),
    np.arange(-5, 6, dtype=np.int32),
], ids=["one", "edge-values", "normal", "float32-matrix", "int32"])
def test_histogram_matches_numpy(values):
    summary = run_summary(tf.summary.histogram("h", tf.constant(values)))
    h = summary.value[0].histo
    x = values.astype(np.float64).ravel()
    assert (h.min, h.max, h.num) == (x.min(), x.max(), x.size)
    np.testing.assert_allclose([h.sum, h.sum_squares], [x.sum(), (x * x).sum()])
    limits, counts = np.array(h.bucket_limit), np.array(h.bucket)
    # every limit is one of the default edges (the same running product), increasing
    edges = reference_edges()
    assert np.all(np.diff(limits) > 0) and np.all(np.isin(limits, edges))
    assert limits[-1] == np.finfo(np.float64).max
    # bucket i counts lower <= v < limit[i], where lower is the previous listed limit
    lower = np.r_[-np.inf, limits[:-1]]
    expected = [np.count_nonzero((x >= lo) & (x < hi)) for lo, hi in zip(lower, limits)]
    np.testing.assert_array_equal(counts, expected)
    # a filled bucket is one default bucket; runs of empty ones collapse into one entry
    filled = counts > 0
    lows = edges[np.searchsorted(edges, limits[filled]) - 1]
    np.testing.assert_array_equal(lower[filled][lower[filled] > -np.inf],
                                  lows[lower[filled] > -np.inf])
    assert not np.any((counts[1:] == 0) & (counts[:-1] == 0))


def test_histogram_of_empty_tensor_and_nan():
    h = run_summary(tf.summary.histogram("e", tf.zeros([0]))).value[0].histo
    assert h.num == 0 and list(h.bucket) == [0.0]
    assert h.min == np.finfo(np.float64).max and h.max == -np.finfo(np.float64).max
    with pytest.raises(errors.InvalidArgumentError, match="Nan in summary histogram for: bad"):
        run_summary(tf.summary.histogram("bad", tf.constant([1.0, np.nan])))
    with pytest.raises(TypeError):
        tf.summary.histogram("b", tf.constant([True]))


# ---- image ---------------------------------------------------------------------------

def decode(image_value):
    return np.asarray(Image.open(io.BytesIO(image_value.encoded_image_string)))


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_image_uint8_round_trips(channels):
    pixels = RNG.integers(0, 256, size=(5, 6, 4, channels), dtype=np.uint8)
    summary = run_summary(tf.summary.image("pic", tf.constant(pixels)))
    assert [v.tag for v in summary.value] == ["pic/image/%d" % i for i in range(3)]
    for i, value in enumerate(summary.value):
        image = value.image
        assert (image.height, image.width, image.colorspace) == (6, 4, channels)
        got = decode(image)
        np.testing.assert_array_equal(got.reshape(pixels[i].shape), pixels[i])


def test_image_single_output_tag_and_placeholder_batch():
    p = tf.placeholder(tf.uint8, [None, 3, 3, 3])
    s = tf.summary.image("one", p, max_outputs=1)
    pixels = RNG.integers(0, 256, size=(4, 3, 3, 3), dtype=np.uint8)
    summary = run_summary(s, {p: pixels})
    assert [v.tag for v in summary.value] == ["one/image"]
    np.testing.assert_array_equal(decode(summary.value[0].image), pixels[0])
    assert len(run_summary(s, {p: pixels[:0]}).value) == 0


def test_float_images_are_scaled_per_image_like_tf():
    unit = RNG.uniform(0, 1, size=(3, 4, 3)).astype(np.float32)
    unit[0, 0] = 1.0
    half = unit * 0.5                              # non-negative: scaled by 255 / max
    signed = unit * 2.0 - 1.0                      # has negatives: centred on 128
    signed[1, 1, 0] = -1.0
    bad = unit.copy()
    bad[2, 3, 1] = np.nan                          # non-finite pixel becomes red
    images = np.stack([unit, half, signed, bad])
    summary = run_summary(tf.summary.image("f", tf.constant(images), max_outputs=4))
    got = [decode(v.image) for v in summary.value]
    np.testing.assert_array_equal(got[0], (unit * np.float32(255.0)).astype(np.uint8))
    np.testing.assert_array_equal(
        got[1], (half * np.float32(255.0 / half.max())).astype(np.uint8))
    bound = np.abs(signed).max()
    np.testing.assert_array_equal(
        got[2], (signed * np.float32(127.0 / bound) + np.float32(128.0)).astype(np.uint8))
    finite = np.isfinite(bad).all(axis=2)
    expected = (np.where(np.isfinite(bad), bad, 0) * np.float32(255.0 / 1.0)).astype(np.uint8)
    expected[~finite] = [255, 0, 0]
    np.testing.assert_array_equal(got[3], expected)
    zeros = run_summary(tf.summary.image("z", tf.zeros([1, 2, 2, 1]), max_outputs=1))
    np.testing.assert_array_equal(decode(zeros.value[0].image), np.zeros((2, 2), np.uint8))


def test_image_shape_and_dtype_errors():
    with pytest.raises(ValueError, match="Tensor must be 4-D with last dim 1, 3, or 4"):
        tf.summary.image("bad", tf.zeros([2, 2, 3]))
    with pytest.raises(ValueError, match="Tensor must be 4-D with last dim 1, 3, or 4"):
        tf.summary.image("bad", tf.zeros([1, 2, 2, 2]))
    with pytest.raises(TypeError):
        tf.summary.image("bad", tf.zeros([1, 2, 2, 3], dtype=tf.int32))
    with pytest.raises(ValueError, match="max_images"):
        tf.summary.image("bad", tf.zeros([1, 2, 2, 3]), max_outputs=0)
    p = tf.placeholder(tf.float32)
    s = tf.summary.image("late", p)
    with pytest.raises(errors.InvalidArgumentError, match=r"not \[2,2,5\]"):
        run_summary(s, {p: np.zeros((2, 2, 5))})


# ---- audio and text --------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 50), (3, 40, 2)])
def test_audio_is_wav(shape):
    samples = RNG.uniform(-1.2, 1.2, size=shape).astype(np.float32)
    summary = run_summary(tf.summary.audio("snd", tf.constant(samples), 8000, max_outputs=2))
    assert [v.tag for v in summary.value] == ["snd/audio/0", "snd/audio/1"]
    channels = 1 if len(shape) == 2 else shape[2]
    for i, value in enumerate(summary.value):
        clip = value.audio
        assert (clip.sample_rate, clip.num_channels, clip.length_frames) == (
            8000.0, channels, shape[1])
        assert clip.content_type == "audio/wav"
        with wave.open(io.BytesIO(clip.encoded_audio_string)) as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (
                8000, channels, 2)
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        expected = np.clip(np.round(np.clip(samples[i], -1, 1) * 32768), -32768, 32767)
        np.testing.assert_array_equal(pcm, expected.ravel())


def test_text_round_trips_strings_and_tables():
    table = np.array([["a", "b"], ["ü", "**d**"]])
    s = tf.summary.text("table", tf.constant(table))
    value = run_summary(s).value[0]
    assert value.metadata.plugin_data.plugin_name == "text"
    got = tensor_util.make_ndarray(value.tensor)
    assert got.shape == (2, 2)
    assert [x.decode() for x in got.ravel()] == list(table.ravel())
    with pytest.raises(ValueError, match="to have dtype string"):
        tf.summary.text("bad", tf.constant(1.0))


def test_tensor_summary_keeps_the_tensor():
    values = RNG.normal(size=(2, 3))
    s = tf.summary.tensor_summary("t", tf.constant(values), display_name="nice")
    value = run_summary(s).value[0]
    assert value.metadata.display_name == "nice"
    np.testing.assert_array_equal(tensor_util.make_ndarray(value.tensor), values)


# ---- protos and laziness ---------------------------------------------------------------

def test_proto_classes_are_exported():
    summary = tf.summary.Summary(value=[tf.summary.Summary.Value(tag="a", simple_value=1.0)])
    assert isinstance(summary, summary_pb2.Summary)
    assert tf.summary.Event.__name__ == "Event"
    with pytest.raises(AttributeError):
        tf.summary.NoSuchThing  # noqa: B018


def test_building_summaries_does_not_import_tensorboard():
    code = ("import sys\n"
            "import minitf as tf\n"
            "tf.summary.scalar('a', tf.constant(1.0))\n"
            "tf.summary.histogram('h', tf.constant([1.0]))\n"
            "tf.summary.image('i', tf.zeros([1, 2, 2, 3]))\n"
            "tf.summary.merge_all()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'tensorboard'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
