"""``tf.contrib.tensorboard.plugins.projector``: tell TensorBoard where embeddings live.

TensorBoard's embedding projector reads one text file, ``projector_config.pbtxt``, in
a run's log directory. It names each embedding (a 2-D variable saved in a checkpoint
there), its ``metadata.tsv`` (one label per line; a header row first when there are
several tab-separated columns) and optionally a sprite image. This module builds that
file the way TF 1.x scripts do::

    from minitf.contrib.tensorboard.plugins import projector

    saver.save(sess, os.path.join(logdir, "model.ckpt"), global_step=step)
    config = projector.ProjectorConfig()
    embedding = config.embeddings.add()
    embedding.tensor_name = embed_matrix.name          # e.g. "embed/matrix:0"
    embedding.metadata_path = "metadata.tsv"           # relative to logdir
    projector.export_tensors(writer, config)           # minitf only, see below
    projector.visualize_embeddings(writer, config)

``ProjectorConfig``, ``EmbeddingInfo`` and ``SpriteMetadata`` are the protobuf classes
the installed ``tensorboard`` package ships, so the file is exactly what its projector
plugin parses.

A TensorBoard installed without TensorFlow (as here: TF 1.x does not install on a
current Python) cannot open checkpoints, so it loads an embedding only from a tensor
file named by ``EmbeddingInfo.tensor_path``. ``export_tensors`` writes that file from
the checkpoint and fills in ``tensor_path`` and ``tensor_shape``; a TensorBoard with
TensorFlow reads the same values either way.
"""
import os
import re

import numpy as np
from google.protobuf import text_format
from tensorboard.plugins.projector.projector_config_pb2 import (EmbeddingInfo,
                                                                ProjectorConfig,
                                                                SpriteMetadata)

from minitf.io import bundle
from minitf.train import checkpoint_state, saver

__all__ = ["EmbeddingInfo", "PROJECTOR_FILENAME", "ProjectorConfig", "SpriteMetadata",
           "export_tensors", "visualize_embeddings"]

PROJECTOR_FILENAME = "projector_config.pbtxt"  # the name TensorBoard's plugin looks for
TENSOR_SUFFIX = ".tensor.tsv"  # export_tensors' files: <tensor name>.tensor.tsv


def _logdir_of(summary_writer):
    """The directory of a FileWriter (anything with ``get_logdir``) or of a path."""
    get_logdir = getattr(summary_writer, "get_logdir", None)
    logdir = get_logdir() if get_logdir is not None else summary_writer
    if logdir is None:
        raise ValueError("Summary writer must have a logdir.")
    if not isinstance(logdir, (str, os.PathLike)):
        raise TypeError("Expected a tf.summary.FileWriter or a directory, got %s."
                        % type(summary_writer).__name__)
    return os.fspath(logdir)


def _check_config(config):
    if not isinstance(config, ProjectorConfig):
        raise TypeError("config must be a projector.ProjectorConfig, got %s."
                        % type(config).__name__)


def visualize_embeddings(summary_writer, config):
    """Write ``config`` as ``projector_config.pbtxt`` into the writer's log directory.

    TensorBoard's projector tab then lists the embeddings it names. The file is
    protobuf text format, replaced atomically: a TensorBoard reading meanwhile sees the
    old file or the new one, never half of one.

    Args:
        summary_writer: the ``tf.summary.FileWriter`` of the run (its ``get_logdir()``
            is used), or the log directory itself.
        config: a ``ProjectorConfig``. Relative ``metadata_path``, ``tensor_path`` and
            sprite ``image_path`` are read relative to that directory.

    Raises:
        ValueError: the writer has no log directory.
        TypeError: ``config`` is not a ``ProjectorConfig``.

    Example:
        >>> config = projector.ProjectorConfig()
        >>> emb = config.embeddings.add()
        >>> emb.tensor_name, emb.metadata_path = "embedding:0", "metadata.tsv"
        >>> projector.visualize_embeddings(writer, config)   # writes logdir/projector_config.pbtxt
    """
    logdir = _logdir_of(summary_writer)
    _check_config(config)
    os.makedirs(logdir, exist_ok=True)
    text = text_format.MessageToString(config)
    bundle.atomic_write(os.path.join(logdir, PROJECTOR_FILENAME), text.encode("utf-8"))


def _bare(tensor_name):
    """A variable's name in a checkpoint: ``embed/matrix:0`` -> ``embed/matrix``."""
    return tensor_name[:-2] if tensor_name.endswith(":0") else tensor_name


def _file_stem(tensor_name):
    """A file name made from a tensor name: ``embed/matrix:0`` -> ``embed_matrix``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", _bare(tensor_name)).strip("._") or "tensor"


def _tsv_bytes(values):
    """Rows of ``values`` as tab-separated text; 9 significant digits bring float32 back exactly."""
    lines = ("\t".join("%.9g" % v for v in row) for row in values.tolist())
    return ("\n".join(lines) + "\n").encode("ascii")


def export_tensors(summary_writer, config, checkpoint_path=None, values=None):
    """Write each embedding's values to a TSV file in the log directory (minitf only).

    For every embedding of ``config`` that has a ``tensor_name`` but no ``tensor_path``,
    the 2-D tensor is read from ``values`` or else from the checkpoint, written to
    ``<logdir>/<name>.tensor.tsv`` (one row per line, tab-separated, float32 exact), and
    ``tensor_path`` and ``tensor_shape`` are set. Call it after saving the checkpoint and
    before ``visualize_embeddings``, so that a TensorBoard without TensorFlow can load
    the embeddings too.

    Args:
        summary_writer: the run's ``tf.summary.FileWriter``, or its log directory.
        config: the ``ProjectorConfig``; updated in place.
        checkpoint_path: the checkpoint to read (a prefix such as ``logdir/model.ckpt-5``).
            Default: ``config.model_checkpoint_path``, else the latest checkpoint in
            the log directory.
        values: optional ``{tensor name: 2-D array}`` used instead of the checkpoint for
            the names it holds (a trailing ``:0`` is ignored).

    Returns:
        The paths of the files written, in the order of ``config.embeddings``.

    Raises:
        ValueError: a tensor is not 2-D, is missing from the checkpoint, or no
            checkpoint can be found.
        TypeError: ``config`` is not a ``ProjectorConfig``.

    Example:
        >>> saver.save(sess, os.path.join(logdir, "model.ckpt"))
        >>> projector.export_tensors(writer, config)
        ['logdir/embedding.tensor.tsv']
    """
    logdir = _logdir_of(summary_writer)
    _check_config(config)
    given = {_bare(k): v for k, v in (values or {}).items()}
    reader = None
    written = []
    for embedding in config.embeddings:
        if not embedding.tensor_name or embedding.tensor_path:
            continue
        name = embedding.tensor_name
        key = _bare(name)
        if key in given:
            array = np.asarray(given[key])
        else:
            if reader is None:
                reader = saver.NewCheckpointReader(
                    _find_checkpoint(logdir, checkpoint_path or config.model_checkpoint_path))
            if not reader.has_tensor(key):
                raise ValueError("Tensor %r is not in the checkpoint; it holds %s."
                                 % (key, sorted(reader.get_variable_to_shape_map())))
            array = reader.get_tensor(key)
        if array.ndim != 2:
            raise ValueError("The projector shows 2-D tensors (one row per point); %r has "
                             "shape %s." % (key, list(array.shape)))
        stem = _file_stem(name)
        filename, n = stem + TENSOR_SUFFIX, 1
        while os.path.join(logdir, filename) in written:  # "a/b" and "a_b" in one config
            filename, n = "%s_%d%s" % (stem, n, TENSOR_SUFFIX), n + 1
        path = os.path.join(logdir, filename)
        bundle.atomic_write(path, _tsv_bytes(np.asarray(array, dtype=np.float32)))
        embedding.tensor_path = filename
        del embedding.tensor_shape[:]
        embedding.tensor_shape.extend(array.shape)
        written.append(path)
    return written


def _find_checkpoint(logdir, checkpoint_path):
    if checkpoint_path:
        path = checkpoint_path if os.path.isabs(checkpoint_path) \
            else os.path.join(logdir, checkpoint_path)
        if not checkpoint_state.checkpoint_exists(path):
            path = checkpoint_path  # relative to the working directory, as the caller wrote it
        return path
    latest = checkpoint_state.latest_checkpoint(logdir)
    if latest is None:
        raise ValueError("No checkpoint in %s: save one with tf.train.Saver first, or pass "
                         "checkpoint_path= or values=." % logdir)
    return latest
