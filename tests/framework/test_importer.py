"""tf.import_graph_def, tf.train.import_meta_graph and tf.train.write_graph.

The reference for every number is the original graph: the imported one must compute the
same values, train the same way after a restore, and keep the same names. A graph and
checkpoint written by real TensorFlow are imported in ``test_real_tensorflow_meta_graph``
(skipped without the oracle interpreter).
"""
import json
import os
import subprocess
import textwrap

import numpy as np
import pytest

import minitf as tf
from minitf.framework import errors
from tests.util import HAVE_TF_ORACLE, TF_ORACLE

pytest.importorskip("tensorboard")


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _data():
    rng = np.random.RandomState(0)
    return rng.randn(8, 3).astype(np.float32), rng.randint(0, 2, 8).astype(np.int32)


def _model():
    """A classifier with an Adam train op, a global step, summaries and a user collection."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    W = tf.Variable(tf.random_normal([3, 2], seed=1), name="W")
    b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    logits = tf.add(tf.matmul(x, W), b, name="logits")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=y, logits=logits), name="loss")
    gs = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=gs)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("W", W)
    tf.add_to_collection("my_tensors", logits)
    tf.add_to_collection("my_numbers", 3)
    return x, y, loss, train


def _saved_model(path, steps=3):
    """Train ``steps`` steps, save, then train 3 more; returns (prefix, next 3 losses)."""
    x, y, loss, train = _model()
    X, Y = _data()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train, {x: X, y: Y})
        prefix = saver.save(sess, path, global_step=tf.train.get_global_step())
        after = [sess.run([loss, train], {x: X, y: Y})[0] for _ in range(3)]
        summary = sess.run(tf.summary.merge_all(), {x: X, y: Y})
    return prefix, after, summary


def test_import_meta_graph_restores_and_continues_training(tmp_path):
    prefix, expected, _ = _saved_model(str(tmp_path / "model"))
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(prefix + ".meta")
    assert isinstance(saver, tf.train.Saver)
    names = [v.op.name for v in tf.global_variables()]
    assert names[:3] == ["W", "b", "global_step"]
    assert {"beta1_power", "W/Adam", "b/Adam_1"} <= set(names)
    assert [v.op.name for v in tf.trainable_variables()] == ["W", "b"]
    assert all(isinstance(v, tf.Variable) for v in tf.global_variables())
    (train_op,) = tf.get_collection(tf.GraphKeys.TRAIN_OP)
    X, Y = _data()
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        assert sess.run(tf.train.get_global_step()) == 3
        got = [sess.run(["loss:0", train_op], {"x:0": X, "y:0": Y})[0] for _ in range(3)]
        assert sess.run(tf.train.get_global_step()) == 6
    np.testing.assert_array_equal(got, expected)


def test_imported_collections_keep_their_kinds(tmp_path):
    prefix, _, _ = _saved_model(str(tmp_path / "model"))
    tf.reset_default_graph()
    tf.train.import_meta_graph(prefix + ".meta")
    graph = tf.get_default_graph()
    assert tf.get_collection("my_tensors") == [graph.get_tensor_by_name("logits:0")]
    assert tf.get_collection("my_numbers") == [3]
    # One Variable object per variable, shared by the collections that hold it.
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP)[0] is tf.global_variables()[2]
    assert tf.trainable_variables()[0] is tf.global_variables()[0]
    assert tf.train.get_global_step() is tf.global_variables()[2]


def test_imported_summaries_merge_to_the_same_bytes(tmp_path):
    prefix, _, expected = _saved_model(str(tmp_path / "model"), steps=6)
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(prefix + ".meta")
    X, Y = _data()
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        sess.run("Adam", {"x:0": X, "y:0": Y})
        sess.run("Adam", {"x:0": X, "y:0": Y})
        sess.run("Adam", {"x:0": X, "y:0": Y})
        got = sess.run(tf.summary.merge_all(), {"x:0": X, "y:0": Y})
    assert got == expected


def test_import_scope_prefixes_names_and_restore_uses_saved_keys(tmp_path):
    prefix, expected, _ = _saved_model(str(tmp_path / "model"))
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(prefix + ".meta", import_scope="restored")
    assert tf.trainable_variables()[0].op.name == "restored/W"
    X, Y = _data()
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        train = tf.get_collection(tf.GraphKeys.TRAIN_OP)[0]
        assert train.name == "restored/Adam"
        got = [sess.run(["restored/loss:0", train],
                        {"restored/x:0": X, "restored/y:0": Y})[0] for _ in range(3)]
    np.testing.assert_array_equal(got, expected)


def _probe_names():
    """Names new ops get next to the model: the original graph is the reference."""
    names = [tf.constant(1.0, name=n).op.name for n in ("loss", "x", "fresh")]
    for scope in ("W", "gradients", "Adam"):
        with tf.name_scope(scope):
            names.append(tf.constant(1.0).op.name)
    return names


def test_new_ops_after_import_get_the_names_they_get_in_the_original(tmp_path):
    _model()
    meta = tf.train.export_meta_graph()
    expected = _probe_names()
    tf.reset_default_graph()
    tf.train.import_meta_graph(meta)
    assert _probe_names() == expected


def test_clear_devices(tmp_path):
    with tf.device("/cpu:0"):
        tf.Variable(1.0, name="v")
    meta = tf.train.export_meta_graph()
    tf.reset_default_graph()
    tf.train.import_meta_graph(meta)
    assert tf.get_default_graph().get_operation_by_name("v").device == "/device:CPU:0"
    tf.reset_default_graph()
    tf.train.import_meta_graph(meta, clear_devices=True)
    assert tf.get_default_graph().get_operation_by_name("v").device == ""


def test_no_variables_gives_no_saver():
    tf.constant(1.0, name="c")
    meta = tf.train.export_meta_graph()
    tf.reset_default_graph()
    assert tf.train.import_meta_graph(meta) is None
    assert tf.Session().run("c:0") == 1.0


def test_text_meta_graph_file(tmp_path):
    a = tf.placeholder(tf.float32, [2], name="a")
    tf.reduce_sum(a * 2.0, name="s")
    path = str(tmp_path / "g.meta")
    tf.train.export_meta_graph(path, as_text=True)
    tf.reset_default_graph()
    tf.train.import_meta_graph(path)
    assert tf.Session().run("s:0", {"a:0": [1.0, 2.0]}) == 6.0


def test_missing_meta_file_is_ioerror(tmp_path):
    with pytest.raises(IOError, match="does not exist"):
        tf.train.import_meta_graph(str(tmp_path / "nothing.meta"))


# -- import_graph_def ------------------------------------------------------------------
def _typed_graph_def(graph):
    from minitf.framework.graph_def import graph_to_graph_def
    return graph_to_graph_def(graph, add_output_types=True)


def _small():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None], name="x")
        y = tf.multiply(x, 3.0, name="y")
        tf.reduce_sum(y, name="total")
        tf.argmax(tf.reshape(y, [1, -1]), axis=1, name="best")
    return _typed_graph_def(g)


def test_import_graph_def_default_name_and_return_elements():
    gd = _small()
    y, total, best = tf.import_graph_def(gd, return_elements=["y:0", "total", "best:0"])
    assert y.name == "import/y:0" and total.name == "import/total"
    assert isinstance(total, tf.Operation) and isinstance(y, tf.Tensor)
    assert best.dtype is tf.int64  # argmax's int64 output type came back
    again = tf.import_graph_def(gd, return_elements=["y:0"])
    assert again[0].name == "import_1/y:0"
    assert tf.import_graph_def(gd) is None
    v = tf.Session().run(y, {"import/x:0": np.array([1.0, 2.0], np.float32)})
    np.testing.assert_array_equal(v, [3.0, 6.0])


def test_input_map_replaces_an_input():
    gd = _small()
    z = tf.constant([1.0, 2.0, 4.0], name="z")
    total, = tf.import_graph_def(gd, input_map={"x:0": z}, return_elements=["total:0"],
                                 name="m")
    assert tf.Session().run(total) == pytest.approx(3.0 * 7.0)
    # The mapped node is still imported, as in TF.
    tf.get_default_graph().get_operation_by_name("m/x")
    # "x" means "x:0"; a non-Tensor value is converted.
    total2, = tf.import_graph_def(gd, input_map={"x": [1.0, 1.0]},
                                  return_elements=["total:0"], name="n")
    assert tf.Session().run(total2) == 6.0


def test_input_map_errors():
    gd = _small()
    with pytest.raises(ValueError, match=r"not found in graph_def: \[nope:0\]"):
        tf.import_graph_def(gd, input_map={"nope:0": tf.constant(1.0)})
    with pytest.raises(ValueError, match="incompatible with expected float"):
        tf.import_graph_def(gd, input_map={"x:0": tf.constant([1, 2])}, name="bad")
    with pytest.raises(ValueError, match="requires a non-empty `name`"):
        tf.import_graph_def(gd, input_map={"x:0": [1.0]}, name="")


def test_return_element_errors():
    gd = _small()
    with pytest.raises(ValueError, match="Requested return_element 'nope:0' not found"):
        tf.import_graph_def(gd, return_elements=["nope:0"])
    with pytest.raises(TypeError):
        tf.import_graph_def(gd, return_elements="y:0")


def test_duplicate_names_without_prefix():
    gd = _small()
    tf.import_graph_def(gd, name="")
    with pytest.raises(ValueError, match="Duplicate node name in graph: 'x'"):
        tf.import_graph_def(gd, name="")


def test_unknown_op_type_raises_tf_not_found():
    from tensorboard.compat.proto import graph_pb2
    gd = graph_pb2.GraphDef()
    node = gd.node.add()
    node.name, node.op = "a", "FooBar"
    with pytest.raises(errors.NotFoundError, match="Op type not registered 'FooBar'"):
        tf.import_graph_def(gd)
    assert tf.get_default_graph().get_operations() == []


def test_control_flow_cannot_be_imported():
    with tf.Graph().as_default() as g:
        p = tf.placeholder(tf.bool, [], name="p")
        tf.cond(p, lambda: tf.constant(1.0), lambda: tf.constant(2.0))
    gd = _typed_graph_def(g)
    with pytest.raises(errors.UnimplementedError, match=r"op: 'If'"):
        tf.import_graph_def(gd)
    assert tf.get_default_graph().get_operations() == []


def test_control_inputs_survive():
    with tf.Graph().as_default() as g:
        v = tf.Variable(0, name="v")
        inc = tf.assign_add(v, 1, name="inc")
        with tf.control_dependencies([inc]):
            tf.identity(tf.constant(5), name="after")
    gd = _typed_graph_def(g)
    after, = tf.import_graph_def(gd, return_elements=["after:0"], name="")
    assert [c.name for c in after.op.control_inputs] == ["inc"]
    with tf.Session() as sess:
        sess.run("v/Assign")
        sess.run(after)
        sess.run(after)
        assert sess.run("v:0") == 2


def test_write_graph_then_import(tmp_path):
    from google.protobuf import text_format
    from tensorboard.compat.proto import graph_pb2
    with tf.Graph().as_default() as g:
        a = tf.constant(np.arange(6, dtype=np.float64).reshape(2, 3), name="a")
        tf.reduce_max(a, axis=1, name="m")
        tf.constant([b"x", b"yz"], name="s")
    path = tf.train.write_graph(g, str(tmp_path / "sub"), "graph.pbtxt")
    assert path == str(tmp_path / "sub" / "graph.pbtxt")
    gd = text_format.Parse(open(path).read(), graph_pb2.GraphDef())
    m, s = tf.import_graph_def(gd, return_elements=["m:0", "s:0"])
    np.testing.assert_array_equal(tf.Session().run(m), [2.0, 5.0])
    assert list(tf.Session().run(s)) == [b"x", b"yz"]
    binary = tf.train.write_graph(g, str(tmp_path), "graph.pb", as_text=False)
    gd2 = graph_pb2.GraphDef()
    gd2.ParseFromString(open(binary, "rb").read())
    assert gd2 == gd


def test_graph_def_without_types_uses_the_generic_rules():
    # A plain as_graph_def() has no _output_types: the importer infers them.
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2], name="x")
        tf.cast(tf.greater(x, 0.5), tf.int32, name="c")
        tf.shape(x, name="sh")
    gd = g.as_graph_def()
    c, sh = tf.import_graph_def(gd, return_elements=["c:0", "sh:0"])
    assert c.dtype is tf.int32 and sh.dtype is tf.int32
    np.testing.assert_array_equal(
        tf.Session().run(c, {"import/x:0": np.array([0.0, 1.0], np.float32)}), [0, 1])


# -- a graph and checkpoint written by real TensorFlow --------------------------------
_TF_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    out = sys.argv[1]
    rng = np.random.RandomState(0)
    X = rng.randn(8, 3).astype(np.float32); Y = rng.randn(8, 1).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    W = tf.Variable(tf.random_uniform([3, 1], seed=1), name="W")
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    pred = tf.add(tf.matmul(x, W), b, name="pred")
    loss = tf.reduce_mean(tf.square(pred - y), name="loss")
    gs = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs,
                                                            name="train")
    tf.summary.scalar("loss", loss)
    tf.add_to_collection("my_tensors", pred)
    saver = tf.train.Saver()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(2):
            s.run(train, {x: X, y: Y})
        prefix = saver.save(s, out + "/model", global_step=gs)
        after = [float(s.run([loss, train], {x: X, y: Y})[0]) for _ in range(3)]
        W_final = s.run(W).tolist()
    print("REPORT " + json.dumps({"prefix": prefix, "after": after, "W": W_final}))
""")


@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="real TensorFlow oracle not installed")
def test_real_tensorflow_meta_graph(tmp_path):
    proc = subprocess.run([TF_ORACLE, "-c", _TF_SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.split("REPORT ", 1)[1])
    saver = tf.train.import_meta_graph(report["prefix"] + ".meta")
    assert [v.op.name for v in tf.trainable_variables()] == ["W", "b"]
    (train,) = tf.get_collection(tf.GraphKeys.TRAIN_OP)
    assert tf.get_collection("my_tensors")[0].name == "pred:0"
    rng = np.random.RandomState(0)
    X, Y = rng.randn(8, 3).astype(np.float32), rng.randn(8, 1).astype(np.float32)
    with tf.Session() as sess:
        saver.restore(sess, report["prefix"])
        assert sess.run(tf.train.get_global_step()) == 2
        got = [sess.run(["loss:0", train], {"x:0": X, "y:0": Y})[0] for _ in range(3)]
        np.testing.assert_allclose(got, report["after"], rtol=1e-6)
        np.testing.assert_allclose(sess.run("W:0"), report["W"], rtol=1e-6)
        assert sess.run(tf.train.get_global_step()) == 5
        assert len(sess.run(tf.summary.merge_all(), {"x:0": X, "y:0": Y})) > 0
    # TF's own restore path runs too: save/restore_all fed with the checkpoint prefix.
    with tf.Session() as sess:
        sess.run("save/restore_all", {"save/Const:0": report["prefix"]})
        assert sess.run("global_step:0") == 2


_BCAST_PAIRS = [([8, 1], [8, 1]), ([1], [1]), ([2, 3], [3]), ([1, 3], [2, 1]), ([], [4]),
                ([5, 1, 3], [1, 4, 1]), ([1, 1], [1]), ([2, 1], [1]), ([3, 1, 1], [1, 1])]
_BCAST_SCRIPT = textwrap.dedent("""
    import json, sys
    import tensorflow.compat.v1 as tf
    from tensorflow.python.ops import gen_array_ops
    tf.disable_v2_behavior()
    out = []
    with tf.Session() as s:
        for a, b in json.loads(sys.argv[1]):
            r = s.run(gen_array_ops.broadcast_gradient_args(
                tf.constant(a, tf.int32, shape=[len(a)]), tf.constant(b, tf.int32, shape=[len(b)])))
            out.append([x.tolist() for x in r])
    print("REPORT " + json.dumps(out))
""")


@pytest.mark.skipif(not HAVE_TF_ORACLE, reason="real TensorFlow oracle not installed")
def test_broadcast_gradient_args_matches_tensorflow():
    proc = subprocess.run([TF_ORACLE, "-c", _BCAST_SCRIPT, json.dumps(_BCAST_PAIRS)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected = json.loads(proc.stdout.split("REPORT ", 1)[1])
    from minitf.ops.op_util import make_op
    with tf.Session() as sess:
        for (a, b), want in zip(_BCAST_PAIRS, expected):
            op = make_op("BroadcastGradientArgs", [tf.constant(a, tf.int32, shape=[len(a)]),
                                                   tf.constant(b, tf.int32, shape=[len(b)])],
                         [tf.int32, tf.int32], attrs={"T": tf.int32})
            got = sess.run(op.outputs)
            assert [g.tolist() for g in got] == want, (a, b)


# -- PreventGradient, SaveV2, RestoreV2 (ops only TF-written graphs hold) ---------------
def test_prevent_gradient_forwards_and_refuses_a_gradient():
    from minitf.ops.op_util import make_op
    x = tf.constant([1.0, -2.0])
    y = make_op("PreventGradient", [x], [tf.float32], attrs={"message": "no second order",
                                                             "T": tf.float32}).outputs[0]
    np.testing.assert_array_equal(tf.Session().run(y), [1.0, -2.0])
    with pytest.raises(LookupError, match="Gradient explicitly disabled. Reason: no second"):
        tf.gradients(tf.reduce_sum(y * y), x)


def _save_v2(prefix_t, names, values):
    from minitf.ops.op_util import make_op
    return make_op("SaveV2", [prefix_t, tf.constant(names), tf.constant([""] * len(names))]
                   + values, [], name="save/SaveV2",
                   attrs={"dtypes": [v.dtype for v in values]})


def test_save_v2_writes_the_savers_bytes_and_restore_v2_reads_them(tmp_path):
    from minitf.ops.op_util import make_op
    a = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="a")
    b = tf.Variable(np.int64(7), name="b")
    prefix = tf.placeholder(tf.string, [], name="prefix")
    save = _save_v2(prefix, ["a", "b"], [a.value(), b.value()])
    restore = make_op("RestoreV2", [prefix, tf.constant(["b", "a"]), tf.constant(["", ""])],
                      [tf.int64, tf.float32], name="RestoreV2",
                      attrs={"dtypes": [tf.int64, tf.float32]})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(save, {prefix: str(tmp_path / "op")})
        tf.train.Saver().save(sess, str(tmp_path / "saver"))
        got_b, got_a = sess.run(restore.outputs, {prefix: str(tmp_path / "saver")})
    for ext in (".index", ".data-00000-of-00001"):
        assert open(str(tmp_path / "op") + ext, "rb").read() == \
            open(str(tmp_path / "saver") + ext, "rb").read()
    assert got_b == 7 and got_b.dtype == np.int64
    np.testing.assert_array_equal(got_a, np.arange(6).reshape(2, 3))


def test_restore_v2_errors(tmp_path):
    from minitf.ops.op_util import make_op
    v = tf.Variable(1.0, name="v")
    prefix = str(tmp_path / "ck")
    with tf.Session() as sess:
        sess.run(v.initializer)
        tf.train.Saver().save(sess, prefix)

    def restore(names, slices, dtypes):
        return make_op("RestoreV2", [tf.constant(prefix), tf.constant(names),
                                     tf.constant(slices)], dtypes, attrs={"dtypes": dtypes})
    with tf.Session() as sess:
        with pytest.raises(errors.NotFoundError, match="Key w not found in checkpoint"):
            sess.run(restore(["w"], [""], [tf.float32]).outputs)
        with pytest.raises(errors.InvalidArgumentError, match="expected dtype int32"):
            sess.run(restore(["v"], [""], [tf.int32]).outputs)
        with pytest.raises(errors.UnimplementedError, match="Partitioned variables"):
            sess.run(restore(["v"], ["2 0,1"], [tf.float32]).outputs)



# -- every op type of the op tables survives the round trip -----------------------------
def _table_cases():
    import importlib
    import pathlib
    cases = []
    for path in sorted((pathlib.Path(__file__).parent.parent / "ops").glob("test_*.py")):
        module = importlib.import_module("tests.ops." + path.stem)
        cases.extend(getattr(module, "CASES", []))
    return cases


# Their bodies are Python-side control-flow contexts that a GraphDef cannot hold.
_CONTROL_FLOW = {"If", "While", "WhileGrad", "LoopVar"}


@pytest.mark.parametrize("case", _table_cases(), ids=repr)
def test_every_table_case_imports_and_computes_the_same(case):
    from tensorboard.compat.proto import graph_pb2
    from minitf.framework.graph_def import graph_to_graph_def
    with tf.Graph().as_default() as original:
        out = case.build(*[tf.constant(x) for x in case.inputs])
        outs = [t for t in (out if isinstance(out, (list, tuple)) else [out])
                if isinstance(t, tf.Tensor)]
        expected = tf.Session().run(outs)
    wire = graph_to_graph_def(original, add_output_types=True).SerializeToString()
    graph_def = graph_pb2.GraphDef.FromString(wire)
    types = {op.type for op in original.get_operations()}
    with tf.Graph().as_default():
        if types & _CONTROL_FLOW:
            with pytest.raises(errors.UnimplementedError, match="op: '(If|While|WhileGrad)'"):
                tf.import_graph_def(graph_def, name="")
            return
        got = tf.import_graph_def(graph_def, return_elements=[t.name for t in outs], name="")
        assert [t.dtype for t in got] == [t.dtype for t in outs]
        assert [t.shape.as_list() if t.shape.ndims is not None else None for t in got] == \
            [t.shape.as_list() if t.shape.ndims is not None else None for t in outs]
        values = tf.Session().run(got)
    for want, have in zip(expected, values):
        if "LeakyRelu" in types and np.asarray(want).dtype == np.float64:
            # alpha is a float attr, and AttrValue.f is float32 (in TF too): the imported
            # op uses alpha rounded to float32, as TF's own LeakyRelu does.
            np.testing.assert_allclose(have, want, rtol=1e-7)
        else:
            np.testing.assert_array_equal(have, want)


def test_training_variable_and_summary_ops_round_trip(tmp_path):
    """Every optimizer's Apply op, the variable ops, placeholders and every summary op:
    the imported graph trains and summarizes exactly as the original."""
    from minitf.ops.shape_ops import reduced_shape
    rng = np.random.RandomState(1)
    feed = rng.rand(2, 4, 4, 1).astype(np.float32)
    optimizers = [tf.train.GradientDescentOptimizer(0.1), tf.train.MomentumOptimizer(0.1, 0.9),
                  tf.train.AdagradOptimizer(0.1), tf.train.AdamOptimizer(0.1),
                  tf.train.RMSPropOptimizer(0.1), tf.train.RMSPropOptimizer(0.1, centered=True),
                  tf.train.AdadeltaOptimizer(1.0),
                  tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01),
                  tf.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=0.01)]
    images = tf.placeholder(tf.float32, [None, 4, 4, 1], name="images")
    train_ops = []
    for i, opt in enumerate(optimizers):
        w = tf.Variable(tf.ones([4, 1]) * (i + 1), name="w%d" % i)
        loss = tf.reduce_mean(tf.square(tf.matmul(tf.reshape(images, [-1, 4]), w)))
        train_ops.append(opt.minimize(loss, name="train%d" % i))
    counter = tf.Variable(10, name="counter")
    tf.add_to_collection("extra", tf.assign_sub(counter, 3, name="countdown").op)
    tf.add_to_collection("extra", tf.is_variable_initialized(counter, ).op)
    tf.add_to_collection("extra", tf.report_uninitialized_variables().op)
    tf.add_to_collection("extra", tf.ones_like(images, name="ones").op)
    tf.add_to_collection("extra", tf.zeros_like(images, name="zeros").op)
    tf.add_to_collection("extra", reduced_shape(tf.shape(images), [1, 2]).op)
    tf.summary.scalar("mean", tf.reduce_mean(images))
    tf.summary.histogram("pixels", images)
    tf.summary.image("images", images, max_outputs=2)
    tf.summary.audio("audio", tf.reshape(images, [2, 16]) - 0.5, 8000)
    tf.summary.text("text", tf.constant("hello"))
    merged = tf.summary.merge_all()
    fetches = ["countdown:0", tf.get_collection("extra")[1].outputs[0].name,
               tf.get_collection("extra")[2].outputs[0].name, "ones:0", "zeros:0",
               tf.get_collection("extra")[5].outputs[0].name]
    saver = tf.train.Saver()
    path = str(tmp_path / "all")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, path)
        for _ in range(2):
            sess.run(train_ops, {images: feed})
        expected_vars = sess.run(tf.global_variables())
        expected_summary = sess.run(merged, {images: feed})
        expected_extra = sess.run(fetches, {images: feed})
    types = {op.type for op in tf.get_default_graph().get_operations()}
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(prefix + ".meta")
    imported = {op.type for op in tf.get_default_graph().get_operations()}
    assert imported == types
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        for _ in range(2):
            sess.run(["train%d" % i for i in range(len(optimizers))], {"images:0": feed})
        got_vars = sess.run(tf.global_variables())
        got_summary = sess.run(tf.summary.merge_all(), {"images:0": feed})
        got_extra = sess.run(fetches, {"images:0": feed})
    for want, have in zip(expected_vars, got_vars):
        np.testing.assert_array_equal(have, want)
    assert got_summary == expected_summary
    for want, have in zip(expected_extra, got_extra):
        np.testing.assert_array_equal(have, want)
