"""tf.train.Saver: round trips, the checkpoint state file, errors, damage and atomicity.

The bundle format itself is held by golden bytes in tests/io/test_bundle.py; here the
tiny golden checkpoint is checked once more end to end through a Saver. The cross-check
with real TensorFlow (both directions) is ``test_tensorflow_interop`` (slow, skipped
when the oracle interpreter is absent).
"""

import json
import os
import subprocess
import textwrap

import numpy as np
import pytest

import minitf as tf
from minitf.framework import errors
from minitf.io import bundle
from tests.util import TF_ORACLE as ORACLE



@pytest.fixture(autouse=True)
def _fresh_graph(monkeypatch, tmp_path):
    tf.reset_default_graph()
    monkeypatch.chdir(tmp_path)
    yield
    tf.reset_default_graph()


def _values():
    """A variable set touching every checkpoint dtype; same code runs in the TF oracle."""
    rng = np.random.RandomState(0)
    return {
        "layer/W": rng.randn(3, 4).astype(np.float32),
        "layer/b": rng.randn(4),
        "half": np.linspace(0, 1, 5).astype(np.float16),
        "i8": np.arange(-3, 3, dtype=np.int8).reshape(2, 3),
        "i16": np.arange(6, dtype=np.int16),
        "i32": np.int32(-7),
        "i64": np.array([-(2 ** 40), 2 ** 40], np.int64),
        "u8": np.arange(250, 256, dtype=np.uint8),
        "flags": np.array([[True, False, True]]),
        "names": np.array([b"hello", b"", b"x" * 200], dtype=object),
        "s0": np.array(b"scalar", dtype=object),
    }


def _make_vars(values, zero=False):
    out = {}
    for name, v in values.items():
        v = np.asarray(v)
        if zero:
            v = np.full(v.shape, b"", dtype=object) if v.dtype == object else np.zeros_like(v)
        out[name] = tf.Variable(v, name=name)
    return out


def _assert_values(sess, variables, values):
    for name, var in variables.items():
        got = sess.run(var)
        want = np.asarray(values[name])
        if want.dtype == object:  # strings come back as bytes (a scalar as plain bytes)
            got = np.asarray(got, dtype=object)
            assert all(isinstance(x, bytes) for x in got.reshape(-1)), name
        assert np.asarray(got).dtype == want.dtype, name
        np.testing.assert_array_equal(got, want, err_msg=name)


def _saved(values=None, path="ckpt/model", **save_kw):
    """Build variables, save once; returns (saver, variables, prefix)."""
    values = _values() if values is None else values
    variables = _make_vars(values)
    saver = tf.train.Saver()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, path, **save_kw)
    return saver, variables, prefix


# -- round trips ------------------------------------------------------------------------
def test_round_trip_new_session():
    values = _values()
    saver, variables, prefix = _saved(values)
    assert prefix == "ckpt/model"
    with tf.Session() as sess:
        saver.restore(sess, prefix)  # restoring initializes the variables
        _assert_values(sess, variables, values)


def test_round_trip_new_graph_same_names():
    values = _values()
    _, _, prefix = _saved(values, global_step=3)
    with tf.Graph().as_default():
        variables = _make_vars(values, zero=True)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.restore(sess, prefix)
            _assert_values(sess, variables, values)
            # The restored values are ordinary state: ops use and update them.
            out = sess.run(variables["layer/W"].assign_add(np.ones((3, 4), np.float32)))
            np.testing.assert_allclose(out, values["layer/W"] + 1)


def test_golden_checkpoint_through_saver():
    """A Saver writes exactly the bytes of the golden tiny checkpoint (test_bundle.py)."""
    tf.Variable(np.float32(1.5), name="a")
    tf.Variable(np.array([1, 2, 3], np.int32), name="b")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, "model", global_step=3, write_meta_graph=False)
    assert prefix == "model-3"
    golden = bytes.fromhex(
        "000006" "08011a020801"                                 # "" -> header
        "00010b" "61" "0801" "1200" "2804" "355e2fe1a7"         # "a" -> float, [], 4 bytes
        "000111" "62" "0803" "120412020803" "2004" "280c" "356ebfb8c6"  # "b" -> int32, [3]
        "00000000" "01000000" "00" "b1331dfb"                   # restarts, trailer
        "00000000" "01000000" "00" "c0f2a1b0"                   # empty metaindex block
        "000102" "63" "0035" "00000000" "01000000" "00" "7e2c7d04"  # index: "c" -> (0, 53)
    ) + bytes.fromhex("3a08470e").ljust(40, b"\0") + bytes.fromhex("57fb808b247547db")
    assert open("model-3.index", "rb").read() == golden
    assert open("model-3.data-00000-of-00001", "rb").read() == \
        bytes.fromhex("0000c03f010000000200000003000000")


def test_var_list_list_and_dict():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver([a]).save(sess, "only_a")
        tf.train.Saver({"renamed/b": b, "x": a}).save(sess, "dict")
    assert tf.train.list_variables("only_a") == [("a", [])]
    assert tf.train.list_variables("dict") == [("renamed/b", []), ("x", [])]
    assert tf.train.load_variable("dict", "renamed/b:0") == 2.0
    # Restore a dict checkpoint into other variables by key.
    with tf.Graph().as_default():
        c = tf.Variable(0.0, name="c")
        with tf.Session() as sess:
            tf.train.Saver({"renamed/b": c}).restore(sess, "dict")
            assert sess.run(c) == 2.0


def test_var_list_errors():
    a = tf.Variable(1.0, name="a")
    with pytest.raises(ValueError, match="At least two variables have the same name: a"):
        tf.train.Saver([a, a])
    with pytest.raises(TypeError, match="not a Variable"):
        tf.train.Saver([a.value()])
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No variables to save"):
            tf.train.Saver()
        empty = tf.train.Saver(allow_empty=True)
        with tf.Session() as sess:
            assert empty.save(sess, "nothing") is None
            empty.restore(sess, "nothing")
        assert not os.path.exists("nothing.index")


def test_save_uninitialized_variable_fails_and_writes_nothing():
    tf.Variable(1.0, name="a")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value a"):
            saver.save(sess, "m")
    assert os.listdir(".") == []


def test_reshape_restore():
    tf.Variable(np.arange(6, dtype=np.float32), name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, "m")
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros((2, 3), np.float32), name="v")
        with tf.Session() as sess:
            with pytest.raises(errors.InvalidArgumentError):
                tf.train.Saver().restore(sess, "m")
            tf.train.Saver(reshape=True).restore(sess, "m")
            np.testing.assert_array_equal(sess.run(v), np.arange(6).reshape(2, 3))


class _Counter(tf.train.SaveableObject):
    """A saveable that stores a variable's value doubled under its own key."""

    def __init__(self, var):
        spec = tf.train.SaveSpec(var.value() * 2.0, "", "counter/doubled")
        super().__init__(var, [spec], "counter")
        self.var = var

    def restore(self, restored_tensors, restored_shapes):
        return self.var.assign(restored_tensors[0] / 2.0).op


def test_saveable_objects_collection():
    v = tf.Variable(3.0, name="v", collections=[])
    tf.add_to_collection("saveable_objects", _Counter(v))
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        saver.save(sess, "m")
    assert tf.train.list_variables("m") == [("counter/doubled", [])]
    assert tf.train.load_variable("m", "counter/doubled") == 6.0
    with tf.Session() as sess:
        saver.restore(sess, "m")
        assert sess.run(v) == 3.0


# -- paths, global_step, the checkpoint state file ----------------------------------------
def test_global_step_int_tensor_variable_and_padding():
    gs = tf.Variable(42, name="global_step", trainable=False)
    saver = tf.train.Saver()
    padded = tf.train.Saver(pad_step_number=True)
    os.makedirs("d")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, "d/m", global_step=5) == "d/m-5"
        assert saver.save(sess, "d/m", global_step=np.int64(6)) == "d/m-6"
        assert saver.save(sess, "d/m", global_step=gs) == "d/m-42"
        assert saver.save(sess, "d/m", global_step=gs + 1) == "d/m-43"
        assert padded.save(sess, "d/p", global_step=7) == "d/p-00000007"
    for name in ("m-5", "m-42", "p-00000007"):
        assert os.path.exists("d/%s.index" % name)
        assert os.path.exists("d/%s.data-00000-of-00001" % name)
        assert os.path.exists("d/%s.meta" % name)


def test_checkpoint_file_relative_paths():
    _make_vars({"v": np.float32(1)})
    saver = tf.train.Saver()
    os.makedirs("d")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in (6, 7):
            saver.save(sess, "d/model", global_step=step)
    assert open("d/checkpoint").read() == (
        'model_checkpoint_path: "model-7"\n'
        'all_model_checkpoint_paths: "model-6"\n'
        'all_model_checkpoint_paths: "model-7"\n')
    assert tf.train.latest_checkpoint("d") == "d/model-7"
    state = tf.train.get_checkpoint_state("d")
    assert state.model_checkpoint_path == "d/model-7"
    assert state.all_model_checkpoint_paths == ["d/model-6", "d/model-7"]
    assert saver.last_checkpoints == ["d/model-6", "d/model-7"]


def test_checkpoint_file_absolute_and_save_relative_paths(tmp_path):
    _make_vars({"v": np.float32(1)})
    d = str(tmp_path / "abs")
    os.makedirs(d)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, os.path.join(d, "m"), global_step=1)
        text = open(os.path.join(d, "checkpoint")).read()
        assert text == 'model_checkpoint_path: "%s/m-1"\nall_model_checkpoint_paths: "%s/m-1"\n' \
            % (d, d)
        tf.train.Saver(save_relative_paths=True).save(sess, os.path.join(d, "r"), global_step=2)
        assert open(os.path.join(d, "checkpoint")).read() == \
            'model_checkpoint_path: "r-2"\nall_model_checkpoint_paths: "r-2"\n'
    assert tf.train.latest_checkpoint(d) == os.path.join(d, "r-2")


def test_save_in_current_directory_and_latest_filename():
    _make_vars({"v": np.float32(1)})
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, "m", latest_filename="state") == "m"
        with pytest.raises(ValueError, match="collides"):
            saver.save(sess, "checkpoint")
        with pytest.raises(ValueError, match="path components"):
            saver.save(sess, "m", latest_filename="a/b")
        with pytest.raises(ValueError, match="Parent directory of nodir/m doesn't exist"):
            saver.save(sess, "nodir/m")
    assert open("state").read() == \
        'model_checkpoint_path: "m"\nall_model_checkpoint_paths: "m"\n'
    assert tf.train.latest_checkpoint(".", latest_filename="state") == "./m"
    assert tf.train.latest_checkpoint(".") is None


def test_max_to_keep_deletes_old_checkpoints():
    _make_vars({"v": np.float32(1)})
    saver = tf.train.Saver(max_to_keep=2)
    os.makedirs("d")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(4):
            saver.save(sess, "d/m", global_step=step)
    assert sorted(os.listdir("d")) == ["checkpoint", "m-2.data-00000-of-00001", "m-2.index",
                                       "m-2.meta", "m-3.data-00000-of-00001", "m-3.index",
                                       "m-3.meta"]
    assert tf.train.get_checkpoint_state("d").all_model_checkpoint_paths == ["d/m-2", "d/m-3"]


@pytest.mark.parametrize("max_to_keep", [None, 0])
def test_max_to_keep_none_keeps_all(max_to_keep):
    _make_vars({"v": np.float32(1)})
    saver = tf.train.Saver(max_to_keep=max_to_keep)
    os.makedirs("d")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(7):
            saver.save(sess, "d/m", global_step=step, write_meta_graph=False)
    assert all(tf.train.checkpoint_exists("d/m-%d" % s) for s in range(7))
    # With nothing tracked, the state file names only the newest checkpoint.
    assert tf.train.get_checkpoint_state("d").all_model_checkpoint_paths == ["d/m-6"]


def test_keep_checkpoint_every_n_hours(monkeypatch):
    import minitf.train.saver as saver_module
    clock = [1000.0]
    monkeypatch.setattr(saver_module.time, "time", lambda: clock[0])
    _make_vars({"v": np.float32(1)})
    saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1.0)
    os.makedirs("d")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(6):  # one save every 40 minutes
            clock[0] = 1000.0 + step * 2400
            saver.save(sess, "d/m", global_step=step, write_meta_graph=False)
    kept = sorted(s for s in range(6) if tf.train.checkpoint_exists("d/m-%d" % s))
    # m-5 is the one max_to_keep keeps. A dropped checkpoint saved after the next mark
    # (first: construction + 1 h) is kept and the mark moves on by 1 h, as in TF:
    # m-2 (t0 + 80 min > t0 + 60) is kept, mark -> t0 + 120; m-3 (t0 + 120) is not
    # after it; m-4 (t0 + 160) is, so it stays as well.
    assert kept == [2, 4, 5]


def test_checkpoint_state_text_format(tmp_path):
    d = str(tmp_path)
    tf.train.update_checkpoint_state(d, os.path.join(d, 'we"ird\\n\u00e9'), [
        os.path.join(d, "old")])
    text = open(os.path.join(d, "checkpoint")).read()
    assert text == ('model_checkpoint_path: "%s/we\\"ird\\\\n\\303\\251"\n'
                    'all_model_checkpoint_paths: "%s/old"\n'
                    'all_model_checkpoint_paths: "%s/we\\"ird\\\\n\\303\\251"\n') % (d, d, d)
    state = tf.train.get_checkpoint_state(d)
    assert state.model_checkpoint_path == os.path.join(d, 'we"ird\\n\u00e9')
    # TF writes these fields from CheckpointManager; they must parse too.
    with open(os.path.join(d, "checkpoint"), "w") as f:
        f.write('# comment\nmodel_checkpoint_path: "m-2"\n'
                "all_model_checkpoint_paths: 'm-1'\nall_model_checkpoint_paths: \"m-2\"\n"
                "all_model_checkpoint_timestamps: 1700000000.5\n"
                "all_model_checkpoint_timestamps: 1700000001\n"
                "last_preserved_timestamp: 12.0\n")
    state = tf.train.get_checkpoint_state(d)
    assert state.all_model_checkpoint_paths == [os.path.join(d, "m-1"), os.path.join(d, "m-2")]
    assert state.all_model_checkpoint_timestamps == [1700000000.5, 1700000001.0]
    assert tf.train.latest_checkpoint(d) is None  # m-2 has no files
    with open(os.path.join(d, "checkpoint"), "w") as f:
        f.write("model_checkpoint_path: unquoted garbage {\n")
    assert tf.train.get_checkpoint_state(d) is None
    with open(os.path.join(d, "checkpoint"), "w") as f:
        f.write("")
    with pytest.raises(ValueError, match="Invalid checkpoint state"):
        tf.train.get_checkpoint_state(d)
    assert tf.train.get_checkpoint_state(os.path.join(d, "missing")) is None


def test_checkpoint_state_timestamps_written_like_tf(tmp_path):
    tf.train.update_checkpoint_state(str(tmp_path), "x", ["y", "x"],
                                     all_model_checkpoint_timestamps=[1700000000.0, 1.5e9 + .25],
                                     last_preserved_timestamp=12.0)
    assert open(tmp_path / "checkpoint").read() == (
        'model_checkpoint_path: "x"\nall_model_checkpoint_paths: "y"\n'
        'all_model_checkpoint_paths: "x"\nall_model_checkpoint_timestamps: 1700000000.0\n'
        'all_model_checkpoint_timestamps: 1500000000.25\nlast_preserved_timestamp: 12.0\n')


def test_checkpoint_exists_and_readers():
    values = _values()
    _, _, prefix = _saved(values, global_step=1)
    assert tf.train.checkpoint_exists(prefix)
    assert not tf.train.checkpoint_exists("ckpt/model-2")
    assert tf.train.list_variables("ckpt") == [(k, list(np.shape(values[k])))
                                               for k in sorted(values)]
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.has_tensor("layer/W") and not reader.has_tensor("nope")
    assert reader.get_variable_to_dtype_map()["half"] == tf.float16
    np.testing.assert_array_equal(reader.get_tensor("names"), values["names"])
    np.testing.assert_array_equal(tf.train.load_variable("ckpt", "layer/b"), values["layer/b"])
    with pytest.raises(errors.NotFoundError, match="Key nope not found in checkpoint"):
        reader.get_tensor("nope")
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.NewCheckpointReader("ckpt/none")
    os.makedirs("emptydir")
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        tf.train.list_variables("emptydir")


def test_meta_graph_file():
    from tensorboard.compat.proto import meta_graph_pb2, variable_pb2
    _saved({"layer/W": np.ones((2, 2), np.float32)}, global_step=1)
    meta = meta_graph_pb2.MetaGraphDef()
    meta.ParseFromString(open("ckpt/model-1.meta", "rb").read())
    assert "layer/W" in {n.name for n in meta.graph_def.node}
    var_def = variable_pb2.VariableDef()
    var_def.ParseFromString(meta.collection_def["variables"].bytes_list.value[0])
    assert (var_def.variable_name, var_def.snapshot_name) == ("layer/W:0", "layer/W/read:0")
    assert var_def.initializer_name == "layer/W/Assign" and var_def.trainable


# -- restore errors: nothing changes -----------------------------------------------------------
def _set_all(sess, variables, fill):
    for var in variables.values():
        v = np.asarray(sess.run(var))
        var.load(np.full(v.shape, b"?", dtype=object) if v.dtype == object
                 else np.full(v.shape, fill).astype(v.dtype), sess)


def _snapshot(sess, variables):
    return {k: np.array(sess.run(v), copy=True) for k, v in variables.items()}


def _assert_unchanged(sess, variables, before):
    for k, v in variables.items():
        np.testing.assert_array_equal(sess.run(v), before[k], err_msg=k)


def test_restore_missing_checkpoint():
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(errors.NotFoundError, match="not a valid checkpoint: nope/model"):
            saver.restore(sess, "nope/model")
        with pytest.raises(ValueError):  # as in TF, it is also a ValueError
            saver.restore(sess, "nope/model")
        with pytest.raises(ValueError, match="save_path when it is None"):
            saver.restore(sess, None)


def test_restore_missing_variables_names_each_and_changes_nothing():
    _saved({"layer/W": np.ones((3,), np.float32), "extra": np.float32(5)})
    with tf.Graph().as_default():
        variables = _make_vars({"layer/W": np.zeros(3, np.float32),
                                "layer/b": np.zeros(2, np.float32),
                                "other": np.float64(0)})
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = _snapshot(sess, variables)
            with pytest.raises(errors.NotFoundError) as info:
                saver.restore(sess, "ckpt/model")
            msg = str(info.value)
            assert "Key layer/b not found in checkpoint" in msg
            assert "Key other not found in checkpoint" in msg
            assert "layer/W not found" not in msg
            assert "2 of the 3 tensors to restore are not in checkpoint ckpt/model" in msg
            assert "  extra (float32, [])" in msg and "  layer/W (float32, [3])" in msg
            assert msg.startswith("Restoring from checkpoint failed. This is most likely due to "
                                  "a Variable name or other graph key that is missing")
            _assert_unchanged(sess, variables, before)


def test_restore_extra_checkpoint_variables_is_fine():
    _saved({"a": np.float32(1), "b": np.float32(2)})
    with tf.Graph().as_default():
        a = tf.Variable(0.0, name="a")
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, "ckpt/model")
            assert sess.run(a) == 1.0


def test_restore_shape_and_dtype_mismatch_names_each_and_changes_nothing():
    _saved({"a": np.zeros(4, np.float32), "b": np.zeros((2, 2), np.float32),
            "c": np.zeros(3, np.float64), "d": np.zeros(1, np.float32)})
    with tf.Graph().as_default():
        variables = _make_vars({"a": np.ones(3, np.float32), "b": np.ones((2, 3), np.float32),
                                "c": np.ones(3, np.float32), "d": np.ones(1, np.float32)})
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = _snapshot(sess, variables)
            with pytest.raises(errors.InvalidArgumentError) as info:
                saver.restore(sess, "ckpt/model")
            msg = str(info.value)
            assert "Assign requires shapes of both tensors to match. lhs shape= [3] rhs shape= " \
                "[4] (variable a)" in msg
            assert "lhs shape= [2,3] rhs shape= [2, 2] (variable b)" in msg
            assert "tensor_name = c; expected dtype float does not equal original dtype " \
                "double" in msg
            assert "variable d" not in msg and "tensor_name = d" not in msg
            assert msg.startswith("Restoring from checkpoint failed. This is most likely due to "
                                  "a mismatch between the current graph")
            _assert_unchanged(sess, variables, before)


def _corrupt(path, edit):
    with open(path, "rb") as f:
        buf = bytearray(f.read())
    with open(path, "wb") as f:
        f.write(edit(buf))


def _flip(i):
    def edit(buf):
        buf[i % len(buf)] ^= 0x20
        return buf
    return edit


@pytest.mark.parametrize("which, edit", [
    ("data", _flip(0)), ("data", _flip(37)), ("data", _flip(-1)),
    ("index", _flip(0)), ("index", _flip(100)), ("index", _flip(-1)), ("index", _flip(-45)),
    ("data", lambda b: b[:len(b) - 1]), ("data", lambda b: b[:10]), ("data", lambda b: b""),
    ("index", lambda b: b[:len(b) - 1]), ("index", lambda b: b[:60]), ("index", lambda b: b""),
], ids=["data-flip-first", "data-flip-mid", "data-flip-last", "index-flip-first",
        "index-flip-mid", "index-flip-last", "index-flip-footer", "data-trunc-1",
        "data-trunc-10", "data-empty", "index-trunc-1", "index-trunc-60", "index-empty"])
def test_damaged_checkpoint_raises_data_loss_and_changes_nothing(which, edit):
    values = _values()
    _, _, prefix = _saved(values)
    _corrupt(prefix + (".index" if which == "index" else ".data-00000-of-00001"), edit)
    with tf.Graph().as_default():
        variables = _make_vars(values, zero=True)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            _set_all(sess, variables, 7)
            before = _snapshot(sess, variables)
            with pytest.raises(errors.DataLossError):
                saver.restore(sess, prefix)
            _assert_unchanged(sess, variables, before)
        with tf.Session() as sess:  # a fresh session stays uninitialized
            with pytest.raises(errors.DataLossError):
                saver.restore(sess, prefix)
            with pytest.raises(errors.FailedPreconditionError):
                sess.run(variables["layer/W"])


# -- atomic saves --------------------------------------------------------------------------
def _setup_two_saves():
    v = tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    os.makedirs("d")
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    saver.save(sess, "d/m", global_step=1)
    sess.run(v.assign(2.0))
    return v, saver, sess


def _assert_previous_checkpoint_intact(v, saver):
    assert tf.train.latest_checkpoint("d") == "d/m-1"
    assert sorted(os.listdir("d")) == ["checkpoint", "m-1.data-00000-of-00001", "m-1.index",
                                       "m-1.meta"]
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint("d"))
        assert sess.run(v) == 1.0


@pytest.mark.parametrize("fail_on", [".data-00000-of-00001", ".index", ".meta", "checkpoint"])
def test_crash_mid_save_keeps_previous_checkpoint(monkeypatch, fail_on):
    v, saver, sess = _setup_two_saves()
    real_replace = os.replace

    def replace(src, dst):
        if dst.endswith(fail_on):
            raise OSError("crash while moving %s into place (injected)" % dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="injected"):
        saver.save(sess, "d/m", global_step=2)
    monkeypatch.setattr(os, "replace", real_replace)
    _assert_previous_checkpoint_intact(v, saver)
    assert saver.last_checkpoints == ["d/m-1"]
    # The saver keeps working afterwards.
    assert saver.save(sess, "d/m", global_step=3) == "d/m-3"
    assert saver.last_checkpoints == ["d/m-1", "d/m-3"]
    sess.close()


def test_crash_while_writing_data_keeps_previous_checkpoint(monkeypatch):
    v, saver, sess = _setup_two_saves()

    real_encode = bundle.encode_bundle

    def encode(tensors):
        raise OSError("killed while encoding (injected)")

    monkeypatch.setattr(bundle, "encode_bundle", encode)
    with pytest.raises(OSError, match="injected"):
        saver.save(sess, "d/m", global_step=2)
    monkeypatch.setattr(bundle, "encode_bundle", real_encode)
    _assert_previous_checkpoint_intact(v, saver)
    sess.close()


# -- against real TensorFlow ------------------------------------------------------------------
_TF_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    VALUES_SOURCE, tf_dir, minitf_prefix = sys.argv[1:4]
    exec(VALUES_SOURCE)
    values = _values()
    report = {}
    # 1. TensorFlow saves the values (read back by minitf in the test).
    with tf.Graph().as_default():
        for k, v in values.items():
            tf.Variable(v, name=k, use_resource=False)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            report["tf_prefix"] = saver.save(sess, tf_dir + "/model", global_step=3,
                                             write_meta_graph=False)
    # 2. TensorFlow restores minitf's checkpoint into zeroed variables.
    with tf.Graph().as_default():
        variables = {}
        for k, v in values.items():
            v = np.asarray(v)
            z = np.full(v.shape, b"", dtype=object) if v.dtype == object else np.zeros_like(v)
            variables[k] = tf.Variable(z, name=k, use_resource=False)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, minitf_prefix)
            got = sess.run(variables)
    def same(a, b):
        b = np.asarray(b)
        a = np.asarray(a, dtype=object) if b.dtype == object else np.asarray(a)
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    report["mismatches"] = [k for k in values if not same(got[k], values[k])]
    report["restored"] = sorted(got)
    print("REPORT " + json.dumps(report))
""")


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(not os.path.exists(ORACLE), reason="real TensorFlow oracle not installed")
def test_tensorflow_interop(tmp_path):
    import inspect
    values = _values()
    _, _, minitf_prefix = _saved(values, path=str(tmp_path / "mini/model"), global_step=3,
                                 write_meta_graph=False)
    os.makedirs(tmp_path / "tf")
    source = inspect.getsource(_values)
    proc = subprocess.run([ORACLE, "-c", _TF_SCRIPT, source, str(tmp_path / "tf"),
                           minitf_prefix], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.split("REPORT ", 1)[1])
    # Real TF restored every minitf variable with equal values and dtypes.
    assert report["restored"] == sorted(values) and report["mismatches"] == []
    # minitf restores TF's checkpoint with equal values.
    tf_prefix = report["tf_prefix"]
    with tf.Graph().as_default():
        variables = _make_vars(values, zero=True)
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, tf_prefix)
            _assert_values(sess, variables, values)
    # Same variables, same files, byte for byte.
    for suffix in (".index", ".data-00000-of-00001"):
        assert open(minitf_prefix + suffix, "rb").read() == open(tf_prefix + suffix, "rb").read()
    assert open(tmp_path / "tf/checkpoint").read() == open(tmp_path / "mini/checkpoint").read() \
        .replace(str(tmp_path / "mini"), str(tmp_path / "tf"))
