"""Summary ops: `tf.summary.scalar`, `histogram`, `image`, `audio`, `text`, `merge`.

Like everything else in TF, summaries are ops. Each one computes a scalar string tensor
holding a serialized `Summary` protocol buffer; `sess.run` fetches it as bytes and
`FileWriter.add_summary(bytes, global_step)` writes it to an event file for TensorBoard.

    with tf.name_scope("summaries"):
        tf.summary.scalar("loss", loss)             # tag "summaries/loss"
        tf.summary.histogram("weights", w)          # tag "summaries/weights"
    merged = tf.summary.merge_all()                 # one op for the whole collection
    summary, _ = sess.run([merged, train_op])
    writer.add_summary(summary, global_step=step)

Tags follow TF: a summary's tag is its op's name, i.e. the enclosing name scopes plus
`name` (made unique with `_1`, `_2` ... when reused); characters outside `[-/\\w.]`
become `_`. Every summary op joins the `GraphKeys.SUMMARIES` collection unless
`collections` says otherwise.

The protos come from `tensorboard.compat.proto` and are imported inside the kernels, so
building a graph (and `import minitf`) does not load tensorboard.
"""

import contextlib
import logging
import re
import struct
import sys
import zlib

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import GraphKeys, convert_to_tensor, get_default_graph, graph_of
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.ops.op_util import NUMERIC, check_dtype, make_op, scalar_shape

__all__ = ["audio", "histogram", "image", "merge", "merge_all", "scalar", "tensor_summary",
           "text"]

_log = logging.getLogger(__name__)
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")
_IMAGE_DTYPES = (dtypes.uint8, dtypes.float16, dtypes.float32, dtypes.float64)


# ---- shared helpers -----------------------------------------------------------------

def _clean_tag(name):
    """`name` with characters TensorBoard cannot show replaced by '_' (logged)."""
    if name is None:
        return None
    cleaned = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    if cleaned != name:
        _log.info("Summary name %s is illegal; using %s instead.", name, cleaned)
    return cleaned


class _SummaryScope:
    """Opens the name scope of one summary op; yields `(tag, scope)` like TF.

    The scope is `family/name` inside the current name scope (made unique); the tag is
    that scope without its trailing '/', prefixed once more with `family` when given, so
    TensorBoard groups the summary under the family's section. Inside, the graph of
    `values` is the default graph, so the op's constant inputs land next to them.
    """

    def __init__(self, name, family, values):
        self._name = _clean_tag(name)
        self._family = _clean_tag(family)
        self._graph = graph_of(values)
        self._stack = None

    def __enter__(self):
        base = self._name if self._family is None else "%s/%s" % (self._family, self._name)
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(self._graph.as_default())
        scope = self._stack.enter_context(self._graph.name_scope(base))
        tag = scope.rstrip("/")
        if self._family is not None:
            tag = "%s/%s" % (self._family, tag)
        return tag, scope

    def __exit__(self, *exc_info):
        return self._stack.__exit__(*exc_info)


def _collect(tensor, collections, default):
    """Adds a summary tensor to `collections` (`default` when None)."""
    for key in (default if collections is None else collections):
        tensor.graph.add_to_collection(key, tensor)


def _string_scalar(data):
    """A 0-d object array holding `data` (bytes): a string tensor's value."""
    out = np.empty((), dtype=object)
    out[()] = data
    return out


def _shape_text(shape):
    """A shape as TF's runtime errors print it: `[2,3]`."""
    return "[%s]" % ",".join(str(d) for d in shape)


def _scalar_tag(ctx, tag):
    """The tag string of a scalar `tag` input, or InvalidArgumentError."""
    if np.ndim(tag) != 0:
        raise errors.InvalidArgumentError(
            None, ctx.op, "tags must be scalar, got shape %s" % _shape_text(np.shape(tag)))
    tag = np.asarray(tag, dtype=object)[()]
    return tag.decode("utf-8") if isinstance(tag, bytes) else str(tag)


def _summary_pb2():
    from tensorboard.compat.proto import summary_pb2

    return summary_pb2


def _static_rank_check(t, ranks, message):
    """Raises ValueError(message) when `t`'s static rank is known and not in `ranks`."""
    if t.shape.ndims is not None and t.shape.ndims not in ranks:
        raise ValueError(message % _shape_text(
            "?" if d is None else d for d in t.shape.as_list()))


# ---- scalar -------------------------------------------------------------------------

def scalar(name, tensor, collections=None, family=None):
    """A summary of one real number, shown as a curve in TensorBoard's Scalars tab.

    Args:
      name: the summary's name; the tag is the current name scope plus `name`.
      tensor: a real numeric scalar tensor (e.g. the loss).
      collections: graph collections to add the summary to (default: [SUMMARIES]).
      family: optional prefix grouping tags into a TensorBoard section.

    Returns:
      A scalar string tensor: a serialized `Summary` with one `simple_value`.

    Example:
      >>> with tf.name_scope("loss"):
      ...     s = tf.summary.scalar("total", loss)     # tag "loss/total"
      >>> writer.add_summary(sess.run(s), global_step=step)
    """
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        tags = convert_to_tensor(tag, dtype=dtypes.string, name="tags")
        values = convert_to_tensor(tensor, name="values")
        check_dtype("ScalarSummary", values, NUMERIC, "values")
        val = make_op("ScalarSummary", [tags, values], [dtypes.string], scope,
                      {"T": values.dtype})._outputs[0]
    _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def _scalar_summary_kernel(ctx, tags, values):
    if np.shape(tags) != np.shape(values):
        where = " (tag '%s')" % _scalar_tag(ctx, tags) if np.ndim(tags) == 0 else ""
        raise errors.InvalidArgumentError(None, ctx.op, "tags and values not the same shape: "
                                          "%s != %s%s" % (_shape_text(np.shape(tags)),
                                                          _shape_text(np.shape(values)), where))
    summary = _summary_pb2().Summary()
    flat_values = np.asarray(values, dtype=np.float64).ravel().tolist()
    for tag, value in zip(np.asarray(tags, dtype=object).ravel().tolist(), flat_values):
        summary.value.add(tag=tag.decode("utf-8"), simple_value=value)
    return _string_scalar(summary.SerializeToString())


def _scalar_summary_shape(op):
    tags, values = op._inputs
    if tags.shape.is_fully_defined() and values.shape.is_fully_defined() and \
            tags.shape.as_list() != values.shape.as_list():
        raise ValueError("tags and values not the same shape: %s != %s" % (
            _shape_text(tags.shape.as_list()), _shape_text(values.shape.as_list())))
    return [TensorShape([])]


register("ScalarSummary", _scalar_summary_kernel, _scalar_summary_shape, NO_GRADIENT)


# ---- histogram ----------------------------------------------------------------------

def histogram(name, values, collections=None, family=None):
    """A summary of the distribution of `values`, for the Histograms/Distributions tabs.

    The values are counted in TF's default buckets: bucket edges grow by 10% from 1e-12
    to 1e20, mirrored for negatives, with 0 between. Non-finite values are an error.

    Args:
      name: the summary's name (the tag is the name scope plus `name`).
      values: a real numeric tensor of any shape.
      collections: graph collections to add the summary to (default: [SUMMARIES]).
      family: optional prefix grouping tags into a TensorBoard section.

    Returns:
      A scalar string tensor: a serialized `Summary` with one `HistogramProto`.

    Example:
      >>> tf.summary.histogram("weights", W)
    """
    with _SummaryScope(name, family, [values]) as (tag, scope):
        tag_t = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        values_t = convert_to_tensor(values, name="values")
        check_dtype("HistogramSummary", values_t, NUMERIC, "values")
        val = make_op("HistogramSummary", [tag_t, values_t], [dtypes.string], scope,
                      {"T": values_t.dtype})._outputs[0]
    _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


_DEFAULT_BUCKET_LIMITS = []  # filled on first use by _bucket_limits()


def _bucket_limits():
    """TF's default histogram bucket right edges: -DBL_MAX .. -1e-12, 0, 1e-12 .. DBL_MAX.

    Positive edges start at 1e-12 and are multiplied by 1.1 (one rounding per step, as
    TF's loop does) while below 1e20; DBL_MAX closes the last bucket.
    """
    if not _DEFAULT_BUCKET_LIMITS:
        positive = []
        v = 1.0e-12
        while v < 1.0e20:
            positive.append(v)
            v *= 1.1
        positive.append(sys.float_info.max)
        positive = np.array(positive)
        _DEFAULT_BUCKET_LIMITS.append(np.concatenate([-positive[::-1], [0.0], positive]))
    return _DEFAULT_BUCKET_LIMITS[0]


def histogram_proto(values):
    """The `HistogramProto` fields of an array, as a dict (TF's default buckets).

    Bucket i counts the values v with limit[i-1] <= v < limit[i]. Like TF, each run of
    empty buckets is written as one empty bucket that ends at the run's last limit, so
    only a few dozen (limit, count) pairs describe a typical tensor.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    limits = _bucket_limits()
    counts = np.bincount(np.minimum(np.searchsorted(limits, x, side="right"),
                                    limits.size - 1), minlength=limits.size)
    empty = counts == 0
    # keep every filled bucket, and the last bucket of each run of empty ones
    keep = ~empty | np.append(~empty[1:], True)
    return {
        "min": float(x.min()) if x.size else sys.float_info.max,
        "max": float(x.max()) if x.size else -sys.float_info.max,
        "num": float(x.size),
        "sum": float(x.sum()),
        "sum_squares": float(np.dot(x, x)),
        "bucket_limit": limits[keep].tolist(),
        "bucket": counts[keep].astype(np.float64).tolist(),
    }


def _histogram_summary_kernel(ctx, tag, values):
    tag = _scalar_tag(ctx, tag)
    if not np.all(np.isfinite(values)):
        raise errors.InvalidArgumentError(None, ctx.op,
                                          "Nan in summary histogram for: %s" % ctx.op.name)
    summary_pb2 = _summary_pb2()
    histo = summary_pb2.HistogramProto(**histogram_proto(values))
    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, histo=histo)])
    return _string_scalar(summary.SerializeToString())


register("HistogramSummary", _histogram_summary_kernel, scalar_shape, NO_GRADIENT)


# ---- image --------------------------------------------------------------------------

def image(name, tensor, max_outputs=3, collections=None, family=None):
    """A summary of up to `max_outputs` images, for TensorBoard's Images tab.

    Images are PNG-encoded. uint8 pixels are written as they are. Float images are
    rescaled one by one, as TF does: if no pixel is negative they are multiplied by
    255 / max (so [0, 1] images map to [0, 255]); otherwise by 127 / max|v| and shifted
    by 128. Pixels with a non-finite channel become red.

    Args:
      name: the summary's name; tags are `<scope>/<name>/image/<i>`, or
        `<scope>/<name>/image` when `max_outputs` is 1.
      tensor: a 4-D `[batch, height, width, channels]` uint8 or float tensor with 1
        (grayscale), 3 (RGB) or 4 (RGBA) channels.
      max_outputs: how many images of the batch to keep, at most.
      collections: graph collections to add the summary to (default: [SUMMARIES]).
      family: optional prefix grouping tags into a TensorBoard section.

    Returns:
      A scalar string tensor: a serialized `Summary` with one `Image` per kept image.

    Example:
      >>> tf.summary.image("inputs", tf.reshape(x, [-1, 28, 28, 1]), max_outputs=4)
    """
    if int(max_outputs) < 1:
        raise ValueError("Value for attr 'max_images' of %d must be at least minimum 1"
                         % int(max_outputs))
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        tag_t = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        tensor_t = convert_to_tensor(tensor, name="tensor")
        check_dtype("ImageSummary", tensor_t, _IMAGE_DTYPES, "tensor")
        attrs = {"T": tensor_t.dtype, "max_images": int(max_outputs),
                 "bad_color": np.array([255, 0, 0, 255], dtype=np.uint8)}
        val = make_op("ImageSummary", [tag_t, tensor_t], [dtypes.string], scope,
                      attrs)._outputs[0]
    _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def _images_to_uint8(images, bad_color):
    """Float images [n, h, w, c] to uint8 with TF's per-image affine map."""
    n, depth = images.shape[0], images.shape[-1]
    work = images.astype(np.float64 if images.dtype == np.float64 else np.float32)
    flat = work.reshape(n, -1, depth)
    finite = np.all(np.isfinite(flat), axis=2, keepdims=True)  # per pixel, all channels
    lo = np.where(finite, flat, np.inf).min(axis=(1, 2)) if flat.shape[1] else np.zeros(n)
    hi = np.where(finite, flat, -np.inf).max(axis=(1, 2)) if flat.shape[1] else np.zeros(n)
    negative = lo < 0
    bound = np.where(negative, np.maximum(np.abs(lo), np.abs(hi)), hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(bound < 1e-6, 0.0, np.where(negative, 127.0, 255.0) / bound)
    offset = np.where(negative, 128.0, 0.0)
    scale = scale.astype(work.dtype)[:, None, None]
    offset = offset.astype(work.dtype)[:, None, None]
    with np.errstate(invalid="ignore"):
        mapped = np.where(finite, flat * scale + offset, 0)
    out = np.clip(mapped, 0, 255).astype(np.uint8)  # cast truncates, as C++ does
    out = np.where(finite, out, np.asarray(bad_color[:depth], dtype=np.uint8))
    return out.reshape(images.shape)


def encode_png(pixels):
    """PNG bytes of a uint8 image [height, width, channels] (1, 2, 3 or 4 channels).

    Written directly with zlib: each row is prefixed by filter type 0 (none).
    """
    height, width, depth = pixels.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[depth]  # gray, gray+alpha, RGB, RGBA
    rows = np.zeros((height, width * depth + 1), dtype=np.uint8)
    rows[:, 1:] = pixels.reshape(height, width * depth)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


def _image_summary_kernel(ctx, tag, tensor):
    tag = _scalar_tag(ctx, tag)
    if tensor.ndim != 4 or tensor.shape[-1] not in (1, 3, 4):
        raise errors.InvalidArgumentError(None, ctx.op, "Tensor must be 4-D with last dim 1, "
                                          "3, or 4, not %s" % _shape_text(tensor.shape))
    max_images = ctx.attrs["max_images"]
    batch = tensor[:max_images]
    bad_color = np.asarray(ctx.attrs["bad_color"]).ravel()
    if bad_color.size < tensor.shape[-1]:
        raise errors.InvalidArgumentError(None, ctx.op, "bad_color must have at least %d "
                                          "elements, got %d" % (tensor.shape[-1],
                                                                bad_color.size))
    if batch.dtype != np.uint8:
        batch = _images_to_uint8(batch, bad_color)
    summary_pb2 = _summary_pb2()
    summary = summary_pb2.Summary()
    height, width, depth = tensor.shape[1:]
    for i, pixels in enumerate(batch):  # one PNG per image, at most max_images
        name = "%s/image/%d" % (tag, i) if max_images > 1 else "%s/image" % tag
        summary.value.add(tag=name, image=summary_pb2.Summary.Image(
            height=height, width=width, colorspace=depth,
            encoded_image_string=encode_png(pixels)))
    return _string_scalar(summary.SerializeToString())


def _image_summary_shape(op):
    _static_rank_check(op._inputs[1], (4,), "Tensor must be 4-D with last dim 1, 3, or 4, "
                                            "not %s")
    shape = op._inputs[1].shape
    if shape.ndims == 4 and shape[3].value is not None and shape[3].value not in (1, 3, 4):
        raise ValueError("Tensor must be 4-D with last dim 1, 3, or 4, not %s"
                         % _shape_text("?" if d is None else d for d in shape.as_list()))
    return [TensorShape([])]


register("ImageSummary", _image_summary_kernel, _image_summary_shape, NO_GRADIENT)


# ---- audio --------------------------------------------------------------------------

def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """A summary of up to `max_outputs` audio clips (16-bit WAV), for the Audio tab.

    Args:
      name: the summary's name; tags are `<scope>/<name>/audio/<i>`, or
        `<scope>/<name>/audio` when `max_outputs` is 1.
      tensor: float32 samples in [-1, 1], `[batch, frames, channels]` or
        `[batch, frames]` (mono).
      sample_rate: samples per second (a float32 scalar or Python number).
      max_outputs: how many clips of the batch to keep, at most.
      collections: graph collections to add the summary to (default: [SUMMARIES]).
      family: optional prefix grouping tags into a TensorBoard section.

    Returns:
      A scalar string tensor: a serialized `Summary` with one `Audio` per kept clip.

    Example:
      >>> tf.summary.audio("waveform", tf.sin(t * 440.0 * 6.283)[None], 16000.0)
    """
    if int(max_outputs) < 1:
        raise ValueError("Value for attr 'max_outputs' of %d must be at least minimum 1"
                         % int(max_outputs))
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        rate_t = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        tag_t = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        tensor_t = convert_to_tensor(tensor, dtype=dtypes.float32, name="tensor")
        val = make_op("AudioSummaryV2", [tag_t, tensor_t, rate_t], [dtypes.string], scope,
                      {"max_outputs": int(max_outputs)})._outputs[0]
    _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def encode_wav(samples, sample_rate):
    """WAV bytes (16-bit PCM, little endian) of float samples [frames, channels] in [-1, 1].

    Samples are clipped to [-1, 1], scaled by 32768 and rounded, then saturated to int16.
    """
    frames, channels = samples.shape
    pcm = np.clip(np.round(np.clip(samples, -1.0, 1.0) * 32768.0), -32768, 32767)
    data = pcm.astype("<i2").tobytes()
    rate = int(round(sample_rate))
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(data), b"WAVE", b"fmt ", 16,
                         1, channels, rate, rate * channels * 2, channels * 2, 16, b"data",
                         len(data))
    return header + data


def _audio_summary_kernel(ctx, tag, tensor, sample_rate):
    tag = _scalar_tag(ctx, tag)
    if np.size(sample_rate) != 1:
        raise errors.InvalidArgumentError(None, ctx.op, "sample_rate must be rank-0 or "
                                          "contain a single value")
    rate = float(np.ravel(sample_rate)[0])
    if tensor.ndim not in (2, 3):
        raise errors.InvalidArgumentError(None, ctx.op, "Tensor must be 3-D or 2-D, got: %s"
                                          % _shape_text(tensor.shape))
    clips = tensor[:, :, None] if tensor.ndim == 2 else tensor
    max_outputs = ctx.attrs["max_outputs"]
    summary_pb2 = _summary_pb2()
    summary = summary_pb2.Summary()
    for i, clip in enumerate(clips[:max_outputs]):  # one WAV per clip
        name = "%s/audio/%d" % (tag, i) if max_outputs > 1 else "%s/audio" % tag
        summary.value.add(tag=name, audio=summary_pb2.Summary.Audio(
            sample_rate=rate, num_channels=clip.shape[1], length_frames=clip.shape[0],
            encoded_audio_string=encode_wav(clip, rate), content_type="audio/wav"))
    return _string_scalar(summary.SerializeToString())


def _audio_summary_shape(op):
    _static_rank_check(op._inputs[1], (2, 3), "Tensor must be 3-D or 2-D, got: %s")
    return [TensorShape([])]


register("AudioSummaryV2", _audio_summary_kernel, _audio_summary_shape, NO_GRADIENT)


# ---- tensor and text ----------------------------------------------------------------

def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A summary holding a whole tensor (as a `TensorProto`) plus plugin metadata.

    TensorBoard plugins read such values: `tf.summary.text` is a tensor summary with
    the "text" plugin's metadata.

    Args:
      name: the summary's name (the tag is the name scope plus `name`).
      tensor: a tensor of any dtype and shape.
      summary_description: optional description shown by TensorBoard.
      collections: graph collections to add the summary to (default: [SUMMARIES]).
      summary_metadata: an optional `SummaryMetadata` proto (or its bytes); when given,
        `display_name` and `summary_description` are ignored.
      family: optional prefix grouping tags into a TensorBoard section.
      display_name: optional name TensorBoard shows instead of the tag.

    Returns:
      A scalar string tensor: a serialized `Summary` with one `tensor` value.

    Example:
      >>> tf.summary.tensor_summary("confusion", confusion_matrix)
    """
    if summary_metadata is None:
        from tensorboard.compat.proto import summary_pb2

        summary_metadata = summary_pb2.SummaryMetadata(
            display_name=display_name or "", summary_description=summary_description or "")
    if hasattr(summary_metadata, "SerializeToString"):
        summary_metadata = summary_metadata.SerializeToString()
    with _SummaryScope(name, family, [tensor]) as (tag, scope):
        tensor_t = convert_to_tensor(tensor, name="tensor")
        tag_t = convert_to_tensor(tag, dtype=dtypes.string, name="tag")
        meta_t = convert_to_tensor(bytes(summary_metadata), dtype=dtypes.string,
                                   name="serialized_summary_metadata")
        val = make_op("TensorSummaryV2", [tag_t, tensor_t, meta_t], [dtypes.string], scope,
                      {"T": tensor_t.dtype})._outputs[0]
    _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def text(name, tensor, collections=None):
    """A summary of text (a string tensor), for TensorBoard's Text tab (Markdown).

    Args:
      name: the summary's name (the tag is the name scope plus `name`).
      tensor: a string tensor; a scalar is one text, a vector or matrix becomes a table.
      collections: graph collections to add the summary to (default: [SUMMARIES]).

    Returns:
      A scalar string tensor: a serialized `Summary` whose value carries the "text"
      plugin's metadata and the strings as a `TensorProto`.

    Example:
      >>> tf.summary.text("config", tf.constant("lr = **0.01**"))
    """
    tensor = convert_to_tensor(tensor)
    if tensor.dtype is not dtypes.string:
        raise ValueError("Expected tensor %s to have dtype string, got %s"
                         % (tensor.name, tensor.dtype.name))
    from tensorboard.compat.proto import summary_pb2

    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, collections=collections, summary_metadata=metadata)


def _tensor_summary_kernel(ctx, tag, tensor, serialized_metadata):
    from minitf.framework.graph_def import tensor_proto

    tag = _scalar_tag(ctx, tag)
    summary_pb2 = _summary_pb2()
    metadata = summary_pb2.SummaryMetadata()
    metadata.ParseFromString(bytes(np.asarray(serialized_metadata, dtype=object).ravel()[0]))
    value = summary_pb2.Summary.Value(tag=tag, metadata=metadata)
    value.tensor.CopyFrom(tensor_proto(tensor))
    return _string_scalar(summary_pb2.Summary(value=[value]).SerializeToString())


register("TensorSummaryV2", _tensor_summary_kernel, scalar_shape, NO_GRADIENT)


# ---- merge --------------------------------------------------------------------------

def merge(inputs, collections=None, name=None):
    """One summary holding every value of `inputs` (serialized `Summary` string tensors).

    Args:
      inputs: a list of string tensors (scalars or vectors), each a serialized Summary,
        such as the outputs of `tf.summary.scalar`.
      collections: graph collections to add the merged summary to (default: none).
      name: optional name of the op's scope (default "Merge").

    Returns:
      A scalar string tensor: the serialized union `Summary`. Two values with the same
      tag are an InvalidArgumentError at run time.

    Example:
      >>> merged = tf.summary.merge([loss_summary, weights_summary])
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("Length for attr 'N' of 0 must be at least minimum 1")
    graph = graph_of(inputs)
    with graph.as_default(), graph.name_scope(name or "Merge"):
        tensors = [convert_to_tensor(t) for t in inputs]
        for t in tensors:
            if t.dtype is not dtypes.string:
                raise TypeError("Tensors in list passed to 'inputs' of 'MergeSummary' Op have "
                                "types [%s] that don't all match." % ", ".join(
                                    x.dtype.name for x in tensors))
        val = make_op("MergeSummary", tensors, [dtypes.string], name or "MergeSummary",
                      {"N": len(tensors)})._outputs[0]
    _collect(val, collections, [])
    return val


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges every summary in collection `key` (optionally filtered by `scope`).

    Returns:
      The merged summary tensor, or None when the collection is empty.

    Example:
      >>> summary_op = tf.summary.merge_all()
      >>> writer.add_summary(sess.run(summary_op), step)
    """
    summary_ops = get_default_graph().get_collection(key, scope=scope)
    if not summary_ops:
        return None
    return merge(summary_ops, name=name)


def _merge_summary_kernel(ctx, *inputs):
    summary_pb2 = _summary_pb2()
    merged = summary_pb2.Summary()
    seen = set()
    for serialized in inputs:
        for data in np.asarray(serialized, dtype=object).ravel().tolist():
            part = summary_pb2.Summary()
            try:
                part.ParseFromString(bytes(data))
            except Exception:  # protobuf's DecodeError
                raise errors.InvalidArgumentError(
                    None, ctx.op, "Could not parse one of the summary inputs") from None
            for value in part.value:
                if value.tag and value.tag in seen:
                    raise errors.InvalidArgumentError(
                        None, ctx.op, "Duplicate tag %s found in summary inputs" % value.tag)
                seen.add(value.tag)
            merged.value.extend(part.value)
    return _string_scalar(merged.SerializeToString())


register("MergeSummary", _merge_summary_kernel, scalar_shape, NO_GRADIENT)
