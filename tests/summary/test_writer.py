"""FileWriter writes real TensorBoard event files: read back by TensorBoard itself."""

import gc
import os
import re
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("tensorboard")

from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2  # noqa: E402

from minitf.io.tfrecord import tf_record_iterator  # noqa: E402
from minitf.summary.writer import FileWriter  # noqa: E402
from tests.util import TENSORBOARD, http_get, http_get_json, tensorboard_server



# ---- a tiny graph with the interface graph_to_graph_def relies on ----------------------

class FakeDType:
    name, as_datatype_enum = "float32", 1


class FakeShape:
    def __init__(self, dims):
        self.ndims = len(dims)
        self._dims = dims

    def as_list(self):
        return list(self._dims)


class FakeTensor:
    def __init__(self, op, value_index):
        self.op = op
        self.value_index = value_index
        self.shape = FakeShape([None, 2])


class FakeOp:
    def __init__(self, name, type, inputs=(), control_inputs=(), attrs=None, num_outputs=1):
        self.name, self.type, self.device = name, type, ""
        self.inputs, self.control_inputs = list(inputs), list(control_inputs)
        self.attrs = attrs or {}
        self.outputs = [FakeTensor(self, i) for i in range(num_outputs)]


class FakeGraph:
    def __init__(self, ops):
        self._ops = ops

    def get_operations(self):
        return list(self._ops)


def _fake_graph():
    x = FakeOp("x", "Placeholder", attrs={"dtype": FakeDType(), "shape": FakeShape([None, 2])})
    w = FakeOp("model/w", "Const", attrs={"dtype": FakeDType(),
                                          "value": np.ones((2, 2), np.float32)})
    init = FakeOp("init", "NoOp")
    mm = FakeOp("model/MatMul", "MatMul", [x.outputs[0], w.outputs[0]], [init],
                attrs={"T": FakeDType()})
    top = FakeOp("model/TopKV2", "TopKV2", [mm.outputs[0]], num_outputs=2)
    idx = FakeOp("model/indices", "Identity", [top.outputs[1]], attrs={"T": FakeDType()})
    return FakeGraph([x, w, init, mm, top, idx])


EXPECTED_NODES = {
    "x": ("Placeholder", []),
    "model/w": ("Const", []),
    "init": ("NoOp", []),
    "model/MatMul": ("MatMul", ["x", "model/w", "^init"]),
    "model/TopKV2": ("TopKV2", ["model/MatMul"]),
    "model/indices": ("Identity", ["model/TopKV2:1"]),
}

LOSSES = [2.0, 1.25, 0.75, 0.5, 0.375]


def _scalar(tag, value):
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])


def _write_run(logdir):
    """A run like a training script writes: graph, then a loss per step."""
    with FileWriter(str(logdir), _fake_graph()) as writer:
        for step, loss in enumerate(LOSSES):
            summary = _scalar("loss", loss)
            # sess.run(summary_op) returns serialized bytes; accept both forms.
            writer.add_summary(summary.SerializeToString() if step % 2 else summary, step)
    return writer


def _events(path):
    events = []
    for record in tf_record_iterator(path):
        event = event_pb2.Event()
        event.ParseFromString(record)
        events.append(event)
    return events


def _event_files(logdir):
    return sorted(os.path.join(logdir, f) for f in os.listdir(logdir) if "tfevents" in f)


# ---- the file itself --------------------------------------------------------------------

def test_file_name_and_first_event(tmp_path):
    before = time.time()
    writer = FileWriter(str(tmp_path / "new" / "dir"), filename_suffix=".train")
    path = writer.event_file_path
    writer.close()
    assert writer.get_logdir() == str(tmp_path / "new" / "dir")
    name = os.path.basename(path)
    match = re.fullmatch(r"events\.out\.tfevents\.(\d{10})\.(.+)\.train", name)
    assert match and match.group(2) == socket.gethostname()
    assert int(before) <= int(match.group(1)) <= time.time() + 1
    (first,) = _events(path)
    assert first.file_version == "brain.Event:2"
    assert before - 1 <= first.wall_time <= time.time() + 1


def test_events_in_order_with_steps(tmp_path):
    writer = _write_run(tmp_path)
    events = _events(_event_files(tmp_path)[0])
    assert writer.event_file_path is None  # closed
    assert events[0].file_version == "brain.Event:2"
    graph = graph_pb2.GraphDef()
    graph.ParseFromString(events[1].graph_def)
    assert [n.name for n in graph.node] == list(EXPECTED_NODES)
    scalars = events[2:]
    assert [e.step for e in scalars] == list(range(len(LOSSES)))
    assert [e.summary.value[0].simple_value for e in scalars] == LOSSES
    assert all(e.wall_time > 0 for e in events)


def test_event_accumulator_reads_scalars_and_graph(tmp_path):
    _write_run(tmp_path)
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    tags = acc.Tags()
    assert tags["scalars"] == ["loss"]
    assert tags["graph"] is True
    scalars = acc.Scalars("loss")
    assert [s.step for s in scalars] == list(range(len(LOSSES)))
    np.testing.assert_allclose([s.value for s in scalars], LOSSES)
    graph = acc.Graph()
    nodes = {n.name: (n.op, list(n.input)) for n in graph.node}
    assert nodes == EXPECTED_NODES
    const = next(n for n in graph.node if n.name == "model/w")
    np.testing.assert_array_equal(
        np.frombuffer(const.attr["value"].tensor.tensor_content, "<f4"), np.ones(4))


def test_tensorboard_inspect_lists_graph_and_scalar(tmp_path):
    if not os.path.exists(TENSORBOARD):
        pytest.skip("no tensorboard executable next to %s" % sys.executable)
    _write_run(tmp_path)
    out = subprocess.run([TENSORBOARD, "--inspect", "--logdir", str(tmp_path)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert re.search(r"^scalars\n\s+loss$", out, re.M), out
    stats = out.split("Event statistics")[1]
    assert re.search(r"^graph\n\s+first_step\s+0$", stats, re.M), out
    assert re.search(r"^scalars\n(?:\s+\w+\s+\S+\n)*?\s+num_steps\s+%d$" % len(LOSSES),
                     stats, re.M), out


# ---- queueing and flushing ---------------------------------------------------------------

def test_events_wait_until_flush(tmp_path):
    writer = FileWriter(str(tmp_path), max_queue=100, flush_secs=1000)
    writer.add_summary(_scalar("loss", 1.0), 1)
    assert len(_events(writer.event_file_path)) == 1  # only file_version so far
    writer.flush()
    assert len(_events(writer.event_file_path)) == 2
    writer.close()


def test_full_queue_flushes(tmp_path):
    writer = FileWriter(str(tmp_path), max_queue=3, flush_secs=1000)
    for step in range(3):
        writer.add_summary(_scalar("loss", 1.0), step)
    assert len(_events(writer.event_file_path)) == 4
    writer.close()


def test_flush_secs_elapsed_flushes_on_next_add(tmp_path):
    writer = FileWriter(str(tmp_path), max_queue=100, flush_secs=0)
    writer.add_summary(_scalar("loss", 1.0), 0)
    assert len(_events(writer.event_file_path)) == 2
    writer.close()


def test_dropped_writer_still_writes_pending_events(tmp_path):
    writer = FileWriter(str(tmp_path), max_queue=100, flush_secs=1000)
    writer.add_summary(_scalar("loss", 3.0), 7)
    path = writer.event_file_path
    del writer
    gc.collect()
    events = _events(path)
    assert events[-1].step == 7 and events[-1].summary.value[0].simple_value == 3.0


def test_close_then_reopen_starts_a_new_file(tmp_path):
    writer = FileWriter(str(tmp_path))
    first = writer.event_file_path
    writer.close()
    writer.add_summary(_scalar("loss", 1.0), 0)  # a warning and a no-op
    writer.close()
    writer.reopen()
    second = writer.event_file_path
    writer.add_summary(_scalar("loss", 2.0), 1)
    writer.reopen()  # not closed: no-op
    writer.close()
    assert first != second
    assert _event_files(tmp_path) == sorted([first, second])  # name order = write order
    assert len(_events(first)) == 1
    events = _events(second)
    assert events[0].file_version == "brain.Event:2"
    assert [e.step for e in events[1:]] == [1]


# ---- other event kinds ---------------------------------------------------------------------

def test_session_log_and_raw_event(tmp_path):
    with FileWriter(str(tmp_path)) as writer:
        writer.add_session_log(event_pb2.SessionLog(status=event_pb2.SessionLog.START), 3)
        writer.add_event(event_pb2.Event(wall_time=12.5, step=4, file_version="custom"))
        writer.add_graph(graph_pb2.GraphDef(node=[{"name": "a", "op": "NoOp"}]), 5)
        path = writer.event_file_path
    events = _events(path)
    assert events[1].session_log.status == event_pb2.SessionLog.START
    assert events[1].step == 3
    assert (events[2].wall_time, events[2].step, events[2].file_version) == (12.5, 4, "custom")
    graph = graph_pb2.GraphDef()
    graph.ParseFromString(events[3].graph_def)
    assert graph.node[0].name == "a" and events[3].step == 5


def test_plugin_metadata_only_on_first_use_of_a_tag(tmp_path):
    def summary():
        value = summary_pb2.Summary.Value(tag="acc", simple_value=0.5)
        value.metadata.plugin_data.plugin_name = "scalars"
        return summary_pb2.Summary(value=[value])

    second = summary()
    with FileWriter(str(tmp_path)) as writer:
        writer.add_summary(summary(), 0)
        writer.add_summary(second, 1)
        path = writer.event_file_path
    events = _events(path)
    assert events[1].summary.value[0].HasField("metadata")
    assert not events[2].summary.value[0].HasField("metadata")
    assert second.value[0].HasField("metadata")  # the caller's proto is left alone


def test_rejects_non_proto_summary(tmp_path):
    with FileWriter(str(tmp_path)) as writer:
        with pytest.raises(TypeError):
            writer.add_summary(3.0)


# ---- a real TensorBoard server ----------------------------------------------------------


@pytest.mark.slow
def test_tensorboard_server_shows_graph_and_scalars(tmp_path):
    if not os.path.exists(TENSORBOARD):
        pytest.skip("no tensorboard executable next to %s" % sys.executable)
    logdir = tmp_path / "logs"
    _write_run(logdir / "train")
    with tensorboard_server(logdir, {"graphs", "scalars"}, tmp_path / "tensorboard.log") as base:
        points = http_get_json(base + "/data/plugin/scalars/scalars?run=train&tag=loss")
        assert [p[1] for p in points] == list(range(len(LOSSES)))
        np.testing.assert_allclose([p[2] for p in points], LOSSES)
        pbtxt = http_get(base + "/data/plugin/graphs/graph?run=train").decode("utf-8")
        assert 'name: "model/MatMul"' in pbtxt and 'input: "model/TopKV2:1"' in pbtxt


def test_importing_the_writer_does_not_import_tensorboard():
    code = ("import sys\n"
            "import minitf.summary.writer, minitf.io.tfrecord, minitf.framework.graph_def\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('tensorboard', 'google')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_graph_is_on_disk_before_close(tmp_path):
    writer = FileWriter(str(tmp_path), _fake_graph(), max_queue=100, flush_secs=1000)
    events = _events(writer.event_file_path)
    assert len(events) == 2 and events[1].graph_def
    writer.close()
