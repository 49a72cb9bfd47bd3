"""Session semantics: fetch structures, feeding, pruning, per-session state, caching."""
import collections

import numpy as np
import pytest

import minitf as tf
from minitf.framework import plan as plan_mod
from tests.util import count_kernel_calls


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def test_add_3_5():
    g = tf.Graph()
    with g.as_default():
        x = tf.add(3, 5)
    with tf.Session(graph=g) as sess:
        out = sess.run(x)
    assert out == 8 and isinstance(out, np.int32)


def test_nested_fetches_keep_structure():
    a, b = tf.constant(1.0), tf.constant([2, 3])
    Pair = collections.namedtuple("Pair", "first second")
    with tf.Session() as sess:
        out = sess.run({"a": a, "rest": [b, (a, b.op)], "nt": Pair(a, b)})
    assert out["a"] == 1.0
    np.testing.assert_array_equal(out["rest"][0], [2, 3])
    assert isinstance(out["rest"][1], tuple) and out["rest"][1][1] is None
    assert isinstance(out["nt"], Pair) and out["nt"].first == 1.0


def test_fetch_by_name_and_operation_returns_none():
    x = tf.constant(4.0, name="four")
    with tf.Session() as sess:
        assert sess.run("four:0") == 4.0
        assert sess.run(x.op) is None
        assert sess.run([x, "four"]) == [4.0, None]


def test_fetch_none_raises_type_error():
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="None"):
            sess.run([None])


def test_feed_any_feedable_tensor_not_only_placeholders():
    a = tf.constant(2.0)
    b = a * 3.0
    c = b + 1.0
    with tf.Session() as sess:
        assert sess.run(c) == 7.0
        assert sess.run(c, {b: 10.0}) == 11.0
        assert sess.run(c, {a: 0.0}) == 1.0


def test_placeholder_feeding_and_shape_checks():
    x = tf.placeholder(tf.float32, shape=[None, 3], name="x")
    y = tf.reduce_sum(x * 2.0)
    with tf.Session() as sess:
        assert sess.run(y, {x: [[1, 2, 3]]}) == 12.0
        assert sess.run(y, feed_dict={x: np.ones((5, 3))}) == 30.0
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2,\) for Tensor 'x:0'"):
            sess.run(y, {x: [1.0, 2.0]})
        with pytest.raises(TypeError, match="x:0"):
            sess.run(y, {x: [["a", "b", "c"]]})


def test_unfed_placeholder_error_names_op_and_location():
    x = tf.placeholder(tf.float32, shape=[None, 3], name="inputs")
    y = x + 1.0
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(y)
        msg = str(e.value)
        assert "You must feed a value for placeholder tensor 'inputs' with dtype float32" in msg
        assert "[?,3]" in msg
        assert "test_session.py" in msg
        assert e.value.op is x.op
        # The session is still usable after the error.
        assert sess.run(y, {x: np.zeros((1, 3))}).shape == (1, 3)


def test_uninitialized_variable_raises_failed_precondition():
    v = tf.Variable(3.0, name="weights")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="Attempting to use uninitialized value weights"):
            sess.run(v)
        sess.run(v.initializer)
        assert sess.run(v) == 3.0


def test_variables_are_per_session():
    v = tf.Variable(10, name="v")
    inc = v.assign_add(5)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(v.initializer)
    s2.run(v.initializer)
    s1.run(inc)
    s1.run(inc)
    assert s1.run(v) == 20 and s2.run(v) == 10
    s1.close()
    s2.close()


def test_assign_creates_op_that_only_acts_when_run():
    W = tf.Variable(10)
    W.assign(100)
    with tf.Session() as sess:
        sess.run(W.initializer)
        assert W.eval() == 10
        assign_op = W.assign(100)
        sess.run(assign_op)
        assert W.eval() == 100


def test_fetched_variable_value_is_a_copy():
    v = tf.Variable([1.0, 2.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        got = sess.run(v)
        got[0] = 99.0
        assert sess.run(v)[0] == 1.0


def test_only_needed_ops_run(monkeypatch):
    calls = count_kernel_calls(monkeypatch, ("Add", "Mul", "Sub"))
    a, b = tf.constant(2.0), tf.constant(3.0)
    add = a + b
    mul = a * b
    sub = mul - add  # noqa: F841  (present in the graph, never fetched)
    with tf.Session() as sess:
        assert sess.run(mul) == 6.0
    assert calls == {"Mul": 1}


def test_plan_is_cached_per_fetch_structure_and_feed_keys(monkeypatch):
    x = tf.placeholder(tf.float32, [])
    y = x * 2.0
    compiles = []
    real = plan_mod.compile_plan

    def counting(session, fetches, feed_dict):
        compiles.append(1)
        return real(session, fetches, feed_dict)
    monkeypatch.setattr(plan_mod, "compile_plan", counting)
    with tf.Session() as sess:
        for i in range(5):
            sess.run(y, {x: float(i)})
        assert len(compiles) == 1
        sess.run([y], {x: 1.0})
        assert len(compiles) == 2
        sess.run([y], {x: 2.0})
        assert len(compiles) == 2


def test_default_session_eval_and_interactive_session():
    c = tf.constant(5.0)
    with pytest.raises(ValueError, match="No default session"):
        c.eval()
    sess = tf.Session()
    with sess.as_default():
        assert c.eval() == 5.0
        assert tf.get_default_session() is sess
    assert tf.get_default_session() is None
    sess.close()
    isess = tf.InteractiveSession()
    assert c.eval() == 5.0
    isess.close()
    assert tf.get_default_session() is None


def test_closed_session_raises():
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(tf.constant(1))


def test_tensor_from_another_graph_cannot_be_fetched():
    g = tf.Graph()
    with g.as_default():
        other = tf.constant(1.0)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="not an element of this graph"):
            sess.run(other)


def test_gpu_device_needs_soft_placement():
    with tf.device("/gpu:0"):
        y = tf.constant(1.0) + 1.0
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot assign a device"):
            sess.run(y)
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        assert sess.run(y) == 2.0


def test_control_dependencies_order_effects():
    v = tf.Variable(1.0)
    double = v.assign(v * 2.0)
    with tf.control_dependencies([double]):
        read = v.read_value()
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(read) == 2.0


def test_runtime_kernel_error_is_invalid_argument_with_location():
    x = tf.placeholder(tf.float32, [None])
    y = tf.reshape(x, [2, 2])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(y, {x: np.ones(3)})
        assert "Reshape" in str(e.value) and "test_session.py" in str(e.value)


def test_report_uninitialized_and_is_initialized():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    with tf.Session() as sess:
        assert list(sess.run(tf.report_uninitialized_variables())) == [b"a", b"b"]
        sess.run(tf.variables_initializer([a]))
        assert sess.run(tf.is_variable_initialized(a))
        assert not sess.run(tf.is_variable_initialized(b))
        assert list(sess.run(tf.report_uninitialized_variables())) == [b"b"]


def test_variable_from_callable_and_validate_shape():
    v = tf.Variable(lambda: tf.ones([2]), name="c")
    u = tf.Variable([1.0], validate_shape=False)
    grow = tf.assign(u, [1.0, 2.0, 3.0], validate_shape=False)
    bad = tf.assign(v, tf.placeholder_with_default([1.0, 2.0, 3.0], [None]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(v), [1.0, 1.0])
        assert sess.run(grow).shape == (3,)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Assign requires shapes"):
            sess.run(bad)


def test_identity_of_variable_sees_update_from_control_dependency():
    c = tf.Variable(0)
    inc = c.assign_add(1)
    with tf.control_dependencies([inc]):
        r = tf.identity(c)
    with tf.Session() as sess:
        sess.run(c.initializer)
        assert [sess.run(r), sess.run(r)] == [1, 2]


def test_interactive_session_makes_its_graph_default():
    g = tf.Graph()
    sess = tf.InteractiveSession(graph=g)
    assert tf.get_default_graph() is g
    with pytest.raises(AssertionError):
        tf.reset_default_graph()
    sess.close()
    assert tf.get_default_graph() is not g


def test_operations_before_tensors_in_a_fetch_list():
    a, b = tf.constant(1.0), tf.constant(2.0)
    v = tf.Variable(0.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([tf.no_op(), a, v.assign_add(1.0).op, b]) == [None, 1.0, None, 2.0]


def test_concurrent_runs_with_control_flow_keep_their_own_values():
    import sys
    import threading
    x = tf.placeholder(tf.int32, [])
    out = tf.while_loop(lambda i, s: i < x, lambda i, s: (i + 1, s + i), [0, 0])[1]
    sess = tf.Session()
    results, failures = {}, []

    def work(n):
        try:
            results[n] = [sess.run(out, {x: n}) for _ in range(200)]
        except Exception as e:  # surfaced by the assertion below
            failures.append(e)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so the runs interleave
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in (50, 80, 120)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not failures, failures[0]
    for n, got in results.items():
        assert got == [n * (n - 1) // 2] * 200
