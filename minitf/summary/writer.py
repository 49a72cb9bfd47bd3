"""`tf.summary.FileWriter`: writes TensorBoard event files.

An event file is a TFRecord file of `Event` protos named
`events.out.tfevents.<unix time>.<hostname><suffix>`; its first event is
`file_version: "brain.Event:2"` (FORMATS.md, "Event files"). Summaries, graphs and session
logs each become one Event with a wall time and an optional step.

Events wait in memory and reach the file when `max_queue` of them are pending, when
`flush_secs` have passed since the last flush (checked on the next add), on `flush()`,
on `close()`, or when the writer is garbage collected or the interpreter exits. A graph
goes to disk as soon as it is added.

The protos come from `tensorboard.compat.proto` and are imported on first use, because
importing tensorboard is slow and `import minitf` must stay fast.
"""

import logging
import os
import socket
import time
import weakref

from minitf.io.tfrecord import TFRecordWriter

_FILE_VERSION = "brain.Event:2"
_log = logging.getLogger(__name__)


def _events_path(logdir, filename_suffix):
    """A fresh events file path; bumps the timestamp if a file of that name exists."""
    stamp = int(time.time())
    host = socket.gethostname()
    while True:
        name = "events.out.tfevents.%010d.%s%s" % (stamp, host, filename_suffix or "")
        path = os.path.join(logdir, name)
        if not os.path.exists(path):
            return path
        stamp += 1  # keeps files sorted in write order, which TensorBoard relies on


class _EventFile:
    """One open events file and the serialized events waiting to go into it."""

    def __init__(self, path, max_queue, flush_secs):
        self.path = path
        self._writer = TFRecordWriter(path)
        self._pending = []
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = flush_secs
        self._last_flush = time.monotonic()

    def add(self, record):
        self._pending.append(record)
        if (len(self._pending) >= self._max_queue
                or time.monotonic() - self._last_flush >= self._flush_secs):
            self.flush()

    def flush(self):
        if self._writer is None:
            return
        for record in self._pending:
            self._writer.write(record)
        self._pending.clear()
        self._writer.flush()
        self._last_flush = time.monotonic()

    def close(self):
        if self._writer is None:
            return
        self.flush()
        self._writer.close()
        self._writer = None


def _message_bytes(message, what):
    """Serialized bytes of a proto message, or `message` itself when it is bytes."""
    if isinstance(message, (bytes, bytearray)):
        return bytes(message)
    if hasattr(message, "SerializeToString"):
        return message.SerializeToString()
    raise TypeError("%s must be a protocol buffer or its serialized bytes, got %r"
                    % (what, type(message).__name__))


def _parse(proto_class, message, what):
    """`message` as a `proto_class` instance (parsing bytes, re-reading foreign protos)."""
    if isinstance(message, proto_class):
        return message
    if hasattr(message, "item") and getattr(message, "ndim", None) == 0:
        message = message.item()  # a 0-d numpy array fetched from a session
    parsed = proto_class()
    parsed.ParseFromString(_message_bytes(message, what))
    return parsed


class FileWriter:
    """Writes `Summary` protos, graphs and other events to an event file in `logdir`.

    TensorBoard reads the directory: `tensorboard --logdir LOGDIR`.

    Args:
      logdir: directory for the event file; created if missing.
      graph: a Graph to write right away (as `add_graph` does), e.g. `sess.graph`.
      max_queue: how many events may wait in memory before they are written.
      flush_secs: how often, in seconds, pending events are written (checked on add).
      graph_def: deprecated, a GraphDef to write instead of `graph`.
      filename_suffix: appended to the event file name.
      session: accepted for TF 1.x compatibility and ignored.

    Example:
      >>> with tf.summary.FileWriter("/tmp/run1", sess.graph) as writer:
      ...     for step in range(100):
      ...         summary, _ = sess.run([merged, train_op])
      ...         writer.add_summary(summary, global_step=step)
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        del session  # TF uses it for summary-op writers; minitf writes from Python
        self._logdir = str(logdir)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._filename_suffix = filename_suffix
        self._seen_summary_tags = set()
        self._file = None
        self._finalizer = None
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph=graph, graph_def=graph_def)

    def _open(self):
        """Creates a new event file and writes its file_version event."""
        from tensorboard.compat.proto import event_pb2

        os.makedirs(self._logdir, exist_ok=True)
        path = _events_path(self._logdir, self._filename_suffix)
        self._file = _EventFile(path, self._max_queue, self._flush_secs)
        # Pending events reach the disk even if the writer is dropped or Python exits.
        self._finalizer = weakref.finalize(self, self._file.close)
        event = event_pb2.Event(wall_time=time.time(), file_version=_FILE_VERSION)
        self._file.add(event.SerializeToString())
        self._file.flush()

    @property
    def event_file_path(self):
        """Path of the events file currently written to (None when closed)."""
        return None if self._file is None else self._file.path

    def get_logdir(self):
        """Returns the directory the event files are written to."""
        return self._logdir

    def _closed(self):
        if self._file is None:
            _log.warning("Attempting to use a closed FileWriter. The operation will be a "
                         "noop unless the FileWriter is explicitly reopened.")
            return True
        return False

    def _add_event(self, event, global_step):
        """Stamps an Event with the wall time and step, then queues it."""
        event.wall_time = time.time()
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_event(self, event):
        """Adds an `Event` proto (or its serialized bytes) to the event file as is."""
        if self._closed():
            return
        self._file.add(_message_bytes(event, "event"))

    def add_summary(self, summary, global_step=None):
        """Adds a `Summary` to the event file.

        Args:
          summary: a `Summary` proto or its serialized bytes, as `sess.run` returns
            for a summary op.
          global_step: optional step to record with it.
        """
        from tensorboard.compat.proto import event_pb2, summary_pb2

        if self._closed():
            return
        summary = _parse(summary_pb2.Summary, summary, "summary")
        # TensorBoard wants plugin metadata only on the first value with a given tag.
        if any(v.HasField("metadata") and v.tag in self._seen_summary_tags
               for v in summary.value):
            copy = summary_pb2.Summary()
            copy.CopyFrom(summary)  # leave the caller's proto alone
            summary = copy
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
            else:
                self._seen_summary_tags.add(value.tag)
        self._add_event(event_pb2.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None):
        """Adds a `SessionLog` (START, STOP or CHECKPOINT) to the event file."""
        from tensorboard.compat.proto import event_pb2

        if self._closed():
            return
        session_log = _parse(event_pb2.SessionLog, session_log, "session_log")
        self._add_event(event_pb2.Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Adds a graph to the event file; TensorBoard's Graphs tab draws it.

        Args:
          graph: a Graph, or a GraphDef proto or its bytes; None to use `graph_def`.
          global_step: optional step to record with it.
          graph_def: deprecated, a GraphDef proto or bytes.
        """
        from tensorboard.compat.proto import event_pb2

        if self._closed():
            return
        if graph is None and graph_def is None:
            raise ValueError("You must pass either a graph or a graph_def.")
        source = graph if graph is not None else graph_def
        if isinstance(source, (bytes, bytearray)) or hasattr(source, "SerializeToString"):
            data = _message_bytes(source, "graph_def")
        else:
            from minitf.framework.graph_def import graph_to_graph_def

            data = graph_to_graph_def(source, add_shapes=True).SerializeToString()
        self._add_event(event_pb2.Event(graph_def=data), global_step)
        # A graph is written once, and learners often open TensorBoard before they close
        # the writer: put it on disk now rather than after flush_secs.
        self._file.flush()

    def add_meta_graph(self, meta_graph_def, global_step=None):
        """Adds a `MetaGraphDef` proto (or its bytes) to the event file."""
        from tensorboard.compat.proto import event_pb2

        if self._closed():
            return
        data = _message_bytes(meta_graph_def, "meta_graph_def")
        self._add_event(event_pb2.Event(meta_graph_def=data), global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Adds a `RunMetadata` proto (or its bytes) under `tag`."""
        from tensorboard.compat.proto import event_pb2

        if self._closed():
            return
        tagged = event_pb2.TaggedRunMetadata(
            tag=tag, run_metadata=_message_bytes(run_metadata, "run_metadata"))
        self._add_event(event_pb2.Event(tagged_run_metadata=tagged), global_step)

    def flush(self):
        """Writes all pending events to disk."""
        if self._file is not None:
            self._file.flush()

    def close(self):
        """Writes all pending events and closes the file. `reopen()` starts a new one."""
        if self._file is not None:
            self._finalizer()  # closes self._file exactly once
            self._file = None

    def reopen(self):
        """After `close()`, starts a new event file in the same logdir; else a no-op."""
        if self._file is None:
            self._open()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
