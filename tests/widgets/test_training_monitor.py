"""TrainingMonitor: live curves with a throttled redraw, and runs read from event files."""
import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import minitf as tf
from minitf.widgets import TrainingMonitor, training_monitor


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def decode_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


def test_log_records_values_and_moves_the_progress_bar():
    clock = FakeClock()
    mon = TrainingMonitor(total_steps=10, metrics=("loss", "acc"), title="fit", clock=clock)
    assert mon.history == {} and mon.progress.value == 0 and mon.progress.max == 10
    for step in range(4):
        clock.now += 0.5
        mon.log(step, loss=np.float32(1.0 / (step + 1)), acc=np.array(step / 10))
    steps, losses = mon.history["loss"]
    assert steps == [0, 1, 2, 3]
    np.testing.assert_allclose(losses, [1.0, 0.5, 1 / 3, 0.25], rtol=1e-6)
    assert mon.history["acc"][1] == [0.0, 0.1, 0.2, 0.3]
    assert mon.progress.value == 4
    assert "step 3 / 10" in mon.status.value and "loss 0.25" in mon.status.value
    assert "2 steps/s" in mon.status.value and "0:03 left" in mon.status.value
    mon.log(lr=0.01)  # no step: one after the previous; a new metric gets a subplot
    assert mon.history["lr"] == ([4], [0.01]) and mon.tags == ["loss", "acc", "lr"]
    mon.log(25, loss=0.1)
    clock.now += 1
    mon.close()
    assert mon.progress.value == 10 and mon.progress.bar_style == "success"
    assert "done" in mon.status.value and "fit" in mon.heading.value


def test_without_total_steps_the_bar_is_hidden():
    mon = TrainingMonitor(clock=FakeClock())
    assert mon.progress.layout.display == "none"
    mon.log(0, loss=1.0)
    mon.close()
    assert "step 0" in mon.status.value and "left" not in mon.status.value


def test_redraws_are_png_and_throttled():
    clock = FakeClock()
    mon = TrainingMonitor(total_steps=1000, metrics=("loss",), clock=clock, min_interval=0.2)
    assert mon.redraws == 1  # the empty axes, so the cell has a picture at once
    first = decode_png(mon.image.value)
    assert first.size[0] == 720
    for step in range(1000):  # 1000 steps over 2 seconds
        clock.now += 0.002
        mon.log(step, loss=np.exp(-step / 100))
    assert 9 <= mon.redraws - 1 <= 11
    drawn = mon.redraws
    mon.close()
    assert mon.redraws == drawn + 1  # the final state is always drawn
    decode_png(mon.image.value).load()
    assert mon.image.format == "png"


def test_slow_rendering_widens_the_interval():
    clock = FakeClock()
    mon = TrainingMonitor(clock=clock, min_interval=0.2)
    real_render = mon.render_png

    def slow_render():
        clock.now += 0.5  # each picture costs half a second
        return real_render()

    mon.render_png = slow_render
    mon._draw()
    before = mon.redraws
    for step in range(100):  # 10 seconds of training
        clock.now += 0.1
        mon.log(step, loss=1.0)
    # at most one draw per 3 x 0.5 s of other work, instead of one per 0.2 s
    assert mon.redraws - before <= 10


def test_context_manager_reports_a_failure():
    clock = FakeClock()
    with pytest.raises(RuntimeError):
        with TrainingMonitor(total_steps=5, clock=clock) as mon:
            mon.log(0, loss=1.0)
            raise RuntimeError("diverged")
    assert mon.closed and mon.progress.bar_style == "danger"
    assert "stopped: RuntimeError" in mon.status.value


def test_displays_as_its_widget_box():
    mon = TrainingMonitor(clock=FakeClock())
    bundle = mon._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == mon.widget.model_id
    assert mon.image in mon.widget.children and mon.progress in mon.widget.children


# ---- event files -----------------------------------------------------------------------

def write_scalars(logdir, values, tags=("loss", "acc"), writer=None, start=0):
    """Writes `values` (per step) for each tag with tf.summary.scalar and FileWriter."""
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [])
    summaries = [tf.summary.scalar(tag, x * (i + 1.0)) for i, tag in enumerate(tags)]
    merged = tf.summary.merge(summaries)
    own = writer is None
    writer = writer or tf.summary.FileWriter(str(logdir))
    with tf.Session() as sess:
        for step, value in enumerate(values, start):
            writer.add_summary(sess.run(merged, {x: value}), step)
    writer.flush()
    if own:
        writer.close()
    return writer


def test_from_logdir_shows_every_run(tmp_path):
    a_values, b_values = [3.0, 2.0, 1.5], [4.0, 1.0, 0.5, 0.25]
    write_scalars(tmp_path / "run_a", a_values)
    write_scalars(tmp_path / "run_b", b_values)
    mon = TrainingMonitor.from_logdir(tmp_path, clock=FakeClock())
    assert sorted(mon.runs) == ["run_a", "run_b"]
    assert mon.tags == ["acc", "loss"]
    steps, values = mon.runs["run_a"]["loss"]
    assert steps == [0, 1, 2]
    np.testing.assert_allclose(values, a_values)
    np.testing.assert_allclose(mon.runs["run_b"]["acc"][1], np.multiply(b_values, 2.0))
    assert "2 runs" in mon.status.value and mon.progress.layout.display == "none"
    decode_png(mon.image.value).load()

    only_loss = TrainingMonitor.from_logdir(tmp_path, tags="loss", clock=FakeClock())
    assert only_loss.tags == ["loss"]
    assert all(set(series) == {"loss"} for series in only_loss.runs.values())


def test_refresh_picks_up_new_events_and_runs(tmp_path):
    writer = write_scalars(tmp_path / "a", [1.0], tags=("loss",), writer=tf.summary.FileWriter(
        str(tmp_path / "a")))
    mon = TrainingMonitor.from_logdir(tmp_path, clock=FakeClock())
    assert mon.runs["a"]["loss"] == ([0], [1.0])
    drawn = mon.redraws
    write_scalars(tmp_path / "a", [0.5, 0.25], tags=("loss",), writer=writer, start=1)
    write_scalars(tmp_path / "b", [2.0], tags=("loss",))
    mon.refresh()
    assert mon.runs["a"]["loss"] == ([0, 1, 2], [1.0, 0.5, 0.25])
    assert mon.runs["b"]["loss"] == ([0], [2.0])
    assert mon.redraws == drawn + 1
    writer.close()


def test_events_in_the_logdir_itself_are_run_dot(tmp_path):
    write_scalars(tmp_path, [1.0, 2.0], tags=("loss",))
    mon = TrainingMonitor.from_logdir(str(tmp_path), clock=FakeClock())
    assert list(mon.runs) == ["."]
    assert mon.runs["."]["loss"][1] == [1.0, 2.0]


def test_import_minitf_does_not_load_the_widget():
    code = ("import sys, minitf\n"
            "print(sorted(m for m in sys.modules if m.startswith('minitf.widgets') "
            "or m.split('.')[0] in ('ipywidgets', 'matplotlib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
    assert training_monitor.TrainingMonitor is TrainingMonitor


def test_empty_logdir_then_a_run_appears(tmp_path):
    mon = TrainingMonitor.from_logdir(tmp_path, tags=["loss"], clock=FakeClock())
    assert mon.runs == {} and mon.tags == ["loss"]
    decode_png(mon.image.value).load()
    write_scalars(tmp_path / "late", [0.5], tags=("loss", "acc"))
    mon.refresh()
    assert mon.runs == {"late": {"loss": ([0], [0.5])}}
    assert TrainingMonitor.from_logdir(tmp_path / "nothing", clock=FakeClock()).tags == []
