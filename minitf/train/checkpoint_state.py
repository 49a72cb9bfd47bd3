"""The ``checkpoint`` state file: which checkpoints of a directory are current.

It is a ``CheckpointState`` protobuf in text format (FORMATS.md, "Checkpoints")::

    model_checkpoint_path: "model-7"
    all_model_checkpoint_paths: "model-6"
    all_model_checkpoint_paths: "model-7"

Paths are relative to the directory when the save path was relative. The text
format is written and parsed by hand here (string escapes as protobuf's
``text_format`` writes them), and the file is replaced atomically.
"""

import glob
import os
import re

from minitf.io import bundle

__all__ = ["CheckpointState", "checkpoint_exists", "generate_checkpoint_state_proto",
           "get_checkpoint_mtimes", "get_checkpoint_state", "latest_checkpoint",
           "meta_graph_filename", "remove_checkpoint", "update_checkpoint_state"]

_DEFAULT_LATEST = "checkpoint"


class CheckpointState:
    """The parsed ``checkpoint`` file.

    Attributes:
      model_checkpoint_path: the newest checkpoint prefix.
      all_model_checkpoint_paths: the kept prefixes, oldest first (newest last).
      all_model_checkpoint_timestamps: save times (seconds), parallel to the paths, if any.
      last_preserved_timestamp: time of the last checkpoint kept for good, if any.
    """

    def __init__(self, model_checkpoint_path="", all_model_checkpoint_paths=(),
                 all_model_checkpoint_timestamps=(), last_preserved_timestamp=0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def to_text(self):
        """The protobuf text format TensorFlow writes (empty fields left out)."""
        lines = []
        if self.model_checkpoint_path:
            lines.append("model_checkpoint_path: %s" % _quote(self.model_checkpoint_path))
        lines += ["all_model_checkpoint_paths: %s" % _quote(p)
                  for p in self.all_model_checkpoint_paths]
        lines += ["all_model_checkpoint_timestamps: %s" % _number(t)
                  for t in self.all_model_checkpoint_timestamps]
        if self.last_preserved_timestamp:
            lines.append("last_preserved_timestamp: %s" % _number(self.last_preserved_timestamp))
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_text(cls, text):
        """Parse the text format; ValueError on anything malformed."""
        state = cls()
        for field, value in _parse_text(text):
            if field == "model_checkpoint_path":
                state.model_checkpoint_path = _expect_str(field, value)
            elif field == "all_model_checkpoint_paths":
                state.all_model_checkpoint_paths.append(_expect_str(field, value))
            elif field == "all_model_checkpoint_timestamps":
                state.all_model_checkpoint_timestamps.append(_expect_num(field, value))
            elif field == "last_preserved_timestamp":
                state.last_preserved_timestamp = _expect_num(field, value)
            else:
                raise ValueError('Message type "tensorflow.CheckpointState" has no field named '
                                 '"%s".' % field)
        return state

    __str__ = to_text

    def __repr__(self):
        return "CheckpointState(%r, %r)" % (self.model_checkpoint_path,
                                            self.all_model_checkpoint_paths)

    def __eq__(self, other):
        return isinstance(other, CheckpointState) and self.to_text() == other.to_text()


# -- text format ------------------------------------------------------------------------
_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}
_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "'": "'", "\\": "\\", "a": "\a",
              "b": "\b", "f": "\f", "v": "\v", "?": "?"}


def _quote(text):
    """A double-quoted string, bytes outside printable ASCII as octal escapes."""
    out = []
    for b in text.encode("utf-8", "surrogateescape"):
        if b in _ESCAPES:
            out.append(_ESCAPES[b])
        elif b < 0x20 or b >= 0x7F:
            out.append("\\%03o" % b)
        else:
            out.append(chr(b))
    return '"' + "".join(out) + '"'


def _number(x):
    return repr(float(x))


_TOKEN = re.compile(r"""\s*(?:\#[^\n]*\n?\s*)*
    (?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*
       (?P<value>(?:"(?:[^"\\\n]|\\.)*"\s*|'(?:[^'\\\n]|\\.)*'\s*)+|[-+0-9.eEinfaINFA]+)
    )?\s*(?:\#[^\n]*)?""", re.X)


def _parse_text(text):
    """Yields (field, value) pairs; value is a str for strings, a float for numbers."""
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError("checkpoint state: cannot parse %r" % text[pos:pos + 40])
        pos = m.end()
        if m.group("name") is None:
            continue
        value = m.group("value").strip()
        if value[0] in "\"'":
            parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', value)
            yield m.group("name"), "".join(_unescape(a or b) for a, b in parts)
        else:
            try:
                yield m.group("name"), float(value)
            except ValueError:
                raise ValueError("checkpoint state: bad number %r" % value) from None


def _unescape(body):
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(), 8) & 0xFF)
            i += 1 + len(m.group())
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:])
            if not m:
                raise ValueError("checkpoint state: bad \\x escape")
            out.append(int(m.group(), 16))
            i += 2 + len(m.group())
        elif nxt in _UNESCAPES:
            out += _UNESCAPES[nxt].encode()
            i += 2
        else:
            raise ValueError("checkpoint state: bad escape \\%s" % nxt)
    return out.decode("utf-8", "surrogateescape")


def _expect_str(field, value):
    if not isinstance(value, str):
        raise ValueError("checkpoint state: %s needs a string" % field)
    return value


def _expect_num(field, value):
    if isinstance(value, str):
        raise ValueError("checkpoint state: %s needs a number" % field)
    return value


# -- the state file -------------------------------------------------------------------------
def _state_filename(save_dir, latest_filename):
    return os.path.join(save_dir, latest_filename or _DEFAULT_LATEST)


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """A CheckpointState whose relative paths are made relative to ``save_dir``.

    The newest path is appended to ``all_model_checkpoint_paths`` when it is not
    already last. When ``save_dir`` is relative, relative paths (given relative to
    the working directory, like ``ckpt/model-5``) are rewritten relative to it
    (``model-5``); absolute paths stay absolute.
    """
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    stamps = list(all_model_checkpoint_timestamps or [])
    if stamps and len(stamps) != len(paths):
        raise ValueError("Checkpoint timestamps, if provided, must match checkpoint paths "
                         "(got paths %r and timestamps %r)" % (paths, stamps))
    if not os.path.isabs(save_dir):
        rel = (lambda p: p if os.path.isabs(p) else os.path.relpath(p, save_dir or os.curdir))
        model_checkpoint_path = rel(model_checkpoint_path)
        paths = [rel(p) for p in paths]
    return CheckpointState(model_checkpoint_path, paths, stamps,
                           last_preserved_timestamp or 0.0)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None, save_relative_paths=False):
    """Atomically rewrite ``save_dir/checkpoint`` to name ``model_checkpoint_path`` newest.

    Args:
      save_dir: the directory of the state file.
      model_checkpoint_path: the newest checkpoint prefix.
      all_model_checkpoint_paths: every kept prefix, oldest first.
      latest_filename: the state file's name (default ``"checkpoint"``).
      save_relative_paths: write absolute paths relative to ``save_dir``.

    Example:
      >>> tf.train.update_checkpoint_state("ckpt", "ckpt/model-5")
      >>> open("ckpt/checkpoint").read()
      'model_checkpoint_path: "model-5"\\nall_model_checkpoint_paths: "model-5"\\n'
    """
    save_dir = os.fspath(save_dir)
    state_file = _state_filename(save_dir, latest_filename)
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        rel = (lambda p: os.path.relpath(p, save_dir or os.curdir) if os.path.isabs(p) else p)
        model_checkpoint_path = rel(model_checkpoint_path)
        paths = [rel(p) for p in paths]
    state = generate_checkpoint_state_proto(save_dir, model_checkpoint_path, paths,
                                            all_model_checkpoint_timestamps,
                                            last_preserved_timestamp)
    if state_file == state.model_checkpoint_path:
        raise RuntimeError("Save path '%s' conflicts with path used for checkpoint state.  "
                           "Please use a different save path." % model_checkpoint_path)
    bundle.atomic_write(state_file, state.to_text().encode("utf-8"))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of ``checkpoint_dir``, with relative paths joined to it.

    Returns None when there is no state file or it cannot be parsed.

    Raises:
      ValueError: the file parses but names no checkpoint.

    Example:
      >>> ckpt = tf.train.get_checkpoint_state("ckpt")
      >>> ckpt.model_checkpoint_path, ckpt.all_model_checkpoint_paths
      ('ckpt/model-7', ['ckpt/model-6', 'ckpt/model-7'])
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = _state_filename(checkpoint_dir, latest_filename)
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "surrogateescape")
    except OSError:
        return None
    try:
        state = CheckpointState.from_text(text)
    except ValueError:
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    join = (lambda p: p if os.path.isabs(p) else os.path.join(checkpoint_dir, p))
    state.model_checkpoint_path = join(state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [join(p) for p in state.all_model_checkpoint_paths]
    return state


def checkpoint_exists(checkpoint_prefix):
    """True if a V2 checkpoint (``prefix.index``) or a V1 checkpoint file matches the prefix."""
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    return (os.path.isfile(bundle.index_filename(checkpoint_prefix))
            or os.path.isfile(checkpoint_prefix))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The newest checkpoint prefix in ``checkpoint_dir`` (``"dir/model-7"``), or None.

    None when there is no ``checkpoint`` file or its newest checkpoint's files are gone.
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path and \
            checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta"):
    """``dir/model-5.meta`` for the checkpoint prefix (or a shard name) ``dir/model-5``."""
    base = re.sub(r"-[\d?]+-of-\d+$", "", checkpoint_filename)
    return "%s.%s" % (base, meta_graph_suffix)


def get_checkpoint_mtimes(checkpoint_prefixes):
    """Modification times (seconds) of each existing checkpoint's index file."""
    out = []
    for prefix in checkpoint_prefixes:
        try:
            out.append(os.path.getmtime(bundle.index_filename(os.fspath(prefix))))
        except OSError:
            pass
    return out


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=2, meta_graph_suffix="meta"):
    """Delete a checkpoint's index, data shards and meta graph (missing files are fine)."""
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    paths = [bundle.index_filename(checkpoint_prefix),
             meta_graph_filename(checkpoint_prefix, meta_graph_suffix)]
    paths += glob.glob(glob.escape(checkpoint_prefix) + ".data-?????-of-?????")
    for path in paths:
        try:
            os.remove(path)
        except OSError:
            pass
