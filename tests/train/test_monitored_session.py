"""MonitoredSession, MonitoredTrainingSession, Scaffold and the standard hooks.

References: a plain ``tf.Session`` running the same graph (the values a monitored run
must reproduce), TF 1.x's documented hook semantics, and, where the oracle interpreter
exists, the same script run under real TensorFlow (checkpoint files, state file, events
and values must match; ``test_same_files_events_and_values_as_tensorflow``).
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minitf as tf
from minitf.framework import errors
from tests.util import HAVE_TF_ORACLE, TF_ORACLE

pytest.importorskip("tensorboard")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def _fresh(tmp_path, monkeypatch):
    tf.reset_default_graph()
    monkeypatch.chdir(tmp_path)
    yield
    tf.train.SummaryWriterCache.clear()
    tf.reset_default_graph()


def _build():
    """A least-squares model on constants: every run computes the same numbers."""
    tf.reset_default_graph()
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    w = tf.Variable(np.array([[0.5], [-0.5]], np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0), name="loss")
    tf.summary.scalar("loss", loss)
    gs = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=gs)
    return loss, train, gs


def _plain_losses(steps):
    """Loss before each of ``steps`` train steps, and the final w, in a plain Session."""
    loss, train, _ = _build()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([loss, train])[0] for _ in range(steps)]
        w = sess.run("w:0")
    return losses, w


class _Recorder(tf.train.SessionRunHook):
    """Records every callback and the values its fetches came back with."""

    def __init__(self, fetches=None, feeds=None):
        self.fetches, self.feeds = fetches, feeds
        self.calls, self.results = [], []

    def begin(self):
        self.calls.append("begin")

    def after_create_session(self, session, coord):
        assert isinstance(session, tf.Session) and isinstance(coord, tf.train.Coordinator)
        self.calls.append("after_create_session")

    def before_run(self, run_context):
        self.calls.append("before_run")
        if self.fetches is None and self.feeds is None:
            return None
        return tf.train.SessionRunArgs(self.fetches, feed_dict=self.feeds)

    def after_run(self, run_context, run_values):
        self.calls.append("after_run")
        self.results.append(run_values.results)

    def end(self, session):
        self.calls.append("end")


def test_stop_at_step_then_resume_from_the_checkpoint(tmp_path):
    ckpt = str(tmp_path / "ckpt")
    expected_losses, expected_w = _plain_losses(10)
    loss, train, gs = _build()
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=ckpt, save_checkpoint_steps=5,
            hooks=[tf.train.StopAtStepHook(last_step=7)]) as sess:
        first = []
        while not sess.should_stop():
            first.append(sess.run([loss, train])[0])
    assert len(first) == 7
    names = sorted(os.listdir(ckpt))
    for step in (0, 5, 7):
        for ext in ("index", "data-00000-of-00001", "meta"):
            assert "model.ckpt-%d.%s" % (step, ext) in names
    assert "graph.pbtxt" in names and "checkpoint" in names
    assert any(n.startswith("events.out.tfevents.") for n in names)
    assert tf.train.latest_checkpoint(ckpt) == os.path.join(ckpt, "model.ckpt-7")
    assert tf.train.load_variable(ckpt, "global_step") == 7

    loss, train, gs = _build()
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=ckpt, save_checkpoint_steps=5,
            hooks=[tf.train.StopAtStepHook(num_steps=3)]) as sess:
        assert sess.run(gs) == 7  # resumed, not re-initialized
        second = []
        while not sess.should_stop():
            second.append(sess.run([loss, train])[0])
    np.testing.assert_array_equal(first + second, expected_losses)
    np.testing.assert_array_equal(tf.train.load_variable(ckpt, "w"), expected_w)
    assert tf.train.load_variable(ckpt, "global_step") == 10
    assert os.path.exists(os.path.join(ckpt, "model.ckpt-10.index"))


def test_hooks_see_their_own_fetches_and_callbacks_in_order():
    expected_losses, _ = _plain_losses(3)
    loss, train, gs = _build()
    rec = _Recorder(fetches={"loss": loss, "double": loss * 2.0})
    quiet = _Recorder()
    with tf.train.MonitoredSession(hooks=[rec, quiet]) as sess:
        got = [sess.run(train) for _ in range(3)]
    assert got == [None, None, None]  # the caller gets its own fetch only
    assert [r["loss"] for r in rec.results] == expected_losses
    assert [r["double"] for r in rec.results] == [2 * v for v in expected_losses]
    assert quiet.results == [None, None, None]
    assert rec.calls == ["begin", "after_create_session"] + \
        ["before_run", "after_run"] * 3 + ["end"]


def test_hook_feeds_are_merged_and_conflicts_raise():
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.placeholder(tf.float32, [], name="y")
    product = x * y
    tf.train.get_or_create_global_step()
    feeder = tf.train.FeedFnHook(lambda: {x: 3.0})
    with tf.train.SingularMonitoredSession(hooks=[feeder]) as sess:
        assert sess.run(product, feed_dict={y: 2.0}) == 6.0
        with pytest.raises(RuntimeError, match="Same tensor is fed by a SessionRunHook and user"):
            sess.run(x, feed_dict={x: 1.0})
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [], name="x")
    hooks = [tf.train.FeedFnHook(lambda: {x: 1.0}), tf.train.FeedFnHook(lambda: {x: 2.0})]
    with tf.train.SingularMonitoredSession(hooks=hooks) as sess:
        with pytest.raises(RuntimeError, match="Same tensor is fed by two hooks"):
            sess.run(x)


def test_logging_tensor_hook_logs_every_n_iter(caplog):
    expected_losses, _ = _plain_losses(5)
    loss, train, gs = _build()
    hook = tf.train.LoggingTensorHook({"loss": loss}, every_n_iter=2)
    with caplog.at_level("INFO", logger="tensorflow"):
        with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
            for _ in range(5):
                sess.run(train)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("loss = ")]
    assert len(lines) == 3  # iterations 0, 2, 4
    assert lines[0] == "loss = %s" % expected_losses[0]
    assert lines[1].startswith("loss = %s (" % expected_losses[2]) and lines[1].endswith(" sec)")
    with pytest.raises(ValueError, match="exactly one of every_n_iter and every_n_secs"):
        tf.train.LoggingTensorHook({"loss": loss})


def test_nan_tensor_hook_raises_or_stops():
    x = tf.placeholder(tf.float32, [], name="x")
    loss = tf.log(x)
    tf.train.get_or_create_global_step()
    with tf.train.SingularMonitoredSession(hooks=[tf.train.NanTensorHook(loss)]) as sess:
        sess.run(loss, {x: 1.0})
        with pytest.raises(tf.train.NanLossDuringTrainingError) as info:
            sess.run(loss, {x: -1.0})
    assert str(info.value) == "NaN loss during training."
    assert isinstance(info.value, RuntimeError)
    hook = tf.train.NanTensorHook(loss, fail_on_nan_loss=False)
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        sess.run(loss, {x: 2.0})
        assert not sess.should_stop()
        sess.run(loss, {x: -1.0})
        assert sess.should_stop()
        with pytest.raises(RuntimeError, match="Run called even after should_stop requested"):
            sess.run(loss, {x: 2.0})


def test_summaries_and_checkpoints_are_readable(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator
    ckpt = str(tmp_path / "run")
    expected_losses, _ = _plain_losses(6)
    loss, train, gs = _build()
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=ckpt, save_summaries_steps=2, save_checkpoint_secs=None,
            log_step_count_steps=None,
            hooks=[tf.train.StopAtStepHook(last_step=6)]) as sess:
        while not sess.should_stop():
            sess.run(train)
    # No checkpoint hook, so only the summaries' events file (and no model.ckpt-*).
    assert not any(n.startswith("model.ckpt") for n in os.listdir(ckpt))
    acc = event_accumulator.EventAccumulator(ckpt)
    acc.Reload()
    assert acc.Tags()["graph"]
    # TF records each summary at the step after the run that computed it (1, 3, 5).
    scalars = acc.Scalars("loss_1")
    assert [s.step for s in scalars] == [1, 3, 5]
    np.testing.assert_allclose([s.value for s in scalars],
                               [expected_losses[0], expected_losses[2], expected_losses[4]])
    # Each checkpoint is a normal minitf checkpoint with a .meta that imports.
    tf.train.SummaryWriterCache.clear()
    ckpt2 = str(tmp_path / "ckpt")
    loss, train, gs = _build()
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt2, save_checkpoint_steps=2,
                                           hooks=[tf.train.StopAtStepHook(last_step=4)]) as s:
        while not s.should_stop():
            s.run(train)
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(os.path.join(ckpt2, "model.ckpt-4.meta"))
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(ckpt2, "model.ckpt-4"))
        assert sess.run("loss:0") == pytest.approx(expected_losses[4])


def test_step_counter_hook_records_steps_per_second(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator
    loss, train, gs = _build()
    hook = tf.train.StepCounterHook(every_n_steps=2, output_dir=str(tmp_path / "sc"))
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        for _ in range(5):
            sess.run(train)
    tf.train.SummaryWriterCache.clear()
    acc = event_accumulator.EventAccumulator(str(tmp_path / "sc"))
    acc.Reload()
    rates = acc.Scalars("global_step/sec")
    # The first trigger (step 1) only starts the clock; then every 2 steps: 3, 5.
    assert [r.step for r in rates] == [3, 5] and all(r.value > 0 for r in rates)


def test_scaffold_init_fn_runs_only_without_checkpoint(tmp_path):
    ckpt = str(tmp_path / "ckpt")
    calls = []
    loss, train, gs = _build()
    scaffold = tf.train.Scaffold(init_fn=lambda scaffold, sess: calls.append(scaffold))
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt, scaffold=scaffold,
                                           save_summaries_steps=None) as sess:
        sess.run(train)
    assert calls == [scaffold]
    assert isinstance(scaffold.saver, tf.train.Saver)
    assert scaffold.init_op is tf.get_collection(tf.GraphKeys.INIT_OP)[0]
    loss, train, gs = _build()
    scaffold = tf.train.Scaffold(init_fn=lambda scaffold, sess: calls.append("again"))
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt, scaffold=scaffold,
                                           save_summaries_steps=None) as sess:
        assert sess.run(gs) == 1
    assert calls == [calls[0]]


def test_model_not_ready_is_reported():
    _build()
    scaffold = tf.train.Scaffold(init_op=tf.no_op(), local_init_op=tf.no_op())
    with pytest.raises(RuntimeError, match="Init operations did not make model ready.*"
                                           "Variables not initialized: w, global_step"):
        tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=scaffold))


def test_graph_is_finalized_while_open_and_unfinalized_after():
    loss, train, gs = _build()
    sess = tf.train.MonitoredSession()
    assert tf.get_default_graph().finalized
    with pytest.raises(RuntimeError, match="finalized"):
        tf.constant(1.0)
    sess.close()
    assert not tf.get_default_graph().finalized
    with pytest.raises(RuntimeError, match="already closed"):
        sess.close()


def test_out_of_range_ends_the_with_block_normally():
    loss, train, gs = _build()
    final = tf.train.FinalOpsHook(loss)
    with tf.train.MonitoredSession(hooks=[final]) as sess:
        sess.run(train)
        raise errors.OutOfRangeError(None, None, "End of sequence")
    assert final.final_ops_values == pytest.approx(_plain_losses(2)[0][1])
    # Another error propagates, and the hooks' end() is not called.
    loss, train, gs = _build()
    rec = _Recorder()
    with pytest.raises(ValueError):
        with tf.train.MonitoredSession(hooks=[rec]):
            raise ValueError("boom")
    assert "end" not in rec.calls


def test_run_step_fn_and_request_stop():
    loss, train, gs = _build()
    with tf.train.SingularMonitoredSession() as sess:
        def step_fn(step_context):
            value = step_context.run_with_hooks(loss)
            if step_context.session.run(gs) >= 0:
                step_context.request_stop()
            return value
        assert sess.run_step_fn(lambda step_context: 5) == 5
        assert sess.run_step_fn(step_fn) is None
        assert sess.should_stop()
        assert sess.raw_session().run(gs) == 0
        with pytest.raises(ValueError, match="step_context"):
            sess.run_step_fn(lambda ctx: 1)


def test_recovers_from_aborted_by_restoring_the_latest_checkpoint(tmp_path):
    ckpt = str(tmp_path / "ckpt")
    loss, train, gs = _build()
    calls = {"n": 0}

    class AbortOnce(tf.train.SessionRunHook):
        def before_run(self, run_context):
            calls["n"] += 1
            if calls["n"] == 3:
                raise errors.AbortedError(None, None, "preempted")

    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt, save_checkpoint_steps=1,
                                           save_summaries_steps=None,
                                           hooks=[AbortOnce()]) as sess:
        sess.run(train)
        sess.run(train)
        sess.run(train)  # aborted once, then retried on a restored session
        assert sess.run(gs) == 3


def test_hooks_need_a_global_step():
    tf.Variable(1.0)
    for hook in (tf.train.StopAtStepHook(last_step=1),
                 tf.train.CheckpointSaverHook("ckpt", save_steps=1),
                 tf.train.SummarySaverHook(save_steps=1, summary_op=tf.constant(b"")),
                 tf.train.StepCounterHook()):
        with pytest.raises(RuntimeError, match="Global step should be created to use %s."
                           % type(hook).__name__):
            hook.begin()


def test_argument_checks_match_tf():
    with pytest.raises(ValueError, match="Only one of num_steps or last_step"):
        tf.train.StopAtStepHook(num_steps=1, last_step=1)
    with pytest.raises(ValueError, match="Either every_secs or every_steps"):
        tf.train.CheckpointSaverHook("ckpt")
    with pytest.raises(ValueError, match="Can not provide both every_secs and every_steps"):
        tf.train.CheckpointSaverHook("ckpt", save_secs=1, save_steps=1)
    with pytest.raises(ValueError, match="Exactly one of scaffold or summary_op"):
        tf.train.SummarySaverHook(save_steps=1)


# -- against real TensorFlow -------------------------------------------------------------
_SCRIPT = '''
import json, os, sys
import numpy as np
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
else:
    import minitf as tf
from tensorboard.compat.proto import event_pb2
d = sys.argv[2]


class Recorder(tf.train.SessionRunHook):
    def __init__(self, fetches):
        self.fetches, self.seen = fetches, []

    def before_run(self, run_context):
        return tf.train.SessionRunArgs(self.fetches)

    def after_run(self, run_context, run_values):
        self.seen.append(float(run_values.results))


def build():
    tf.reset_default_graph()
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    w = tf.Variable(np.array([[0.5], [-0.5]], np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0), name="loss")
    tf.summary.scalar("loss", loss)
    gs = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=gs)
    return loss, train


report = {}
for run, stop in (("1", tf.train.StopAtStepHook(last_step=7)),
                  ("2", tf.train.StopAtStepHook(num_steps=3))):
    loss, train = build()
    rec = Recorder(loss)
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=d, save_checkpoint_steps=5, save_summaries_steps=2,
            log_step_count_steps=3, hooks=[stop, rec]) as s:
        runs = 0
        while not s.should_stop():
            s.run(train)
            runs += 1
    report["runs" + run] = runs
    report["losses" + run] = rec.seen
    report["files" + run] = sorted(f for f in os.listdir(d) if not f.startswith("events"))
report["state"] = open(os.path.join(d, "checkpoint")).read().replace(d, "DIR")
report["w"] = tf.train.load_variable(d, "w").tolist()
report["step"] = int(tf.train.load_variable(d, "global_step"))
events = []
for name in sorted(os.listdir(d)):
    if name.startswith("events"):
        for raw in tf.python_io.tf_record_iterator(os.path.join(d, name)):
            e = event_pb2.Event.FromString(raw)
            kind = e.WhichOneof("what")
            if kind == "summary":
                for v in e.summary.value:
                    events.append([kind, e.step, v.tag,
                                   None if v.tag.endswith("/sec") else round(v.simple_value, 5)])
            elif kind == "session_log":
                events.append([kind, e.step, e.session_log.status,
                               e.session_log.checkpoint_path.replace(d, "DIR")])
            else:
                events.append([kind, e.step])
report["events"] = events
print("REPORT " + json.dumps(report))
'''


def _run_script(python, which, out_dir):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([python, "-c", _SCRIPT, which, str(out_dir)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.split("REPORT ", 1)[1])


@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="real TensorFlow oracle not installed")
def test_same_files_events_and_values_as_tensorflow(tmp_path):
    ours = _run_script(sys.executable, "minitf", tmp_path / "minitf")
    theirs = _run_script(TF_ORACLE, "tf", tmp_path / "tf")
    assert ours == theirs
