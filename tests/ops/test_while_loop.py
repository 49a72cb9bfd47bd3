"""while_loop's gradient from kept iterations: no forward op runs twice, values stay exact.

The backward pass reads what each forward iteration kept (by reference) instead of
running the body again, so a random op in the body is drawn once per iteration and
its gradient sees the same draw.  References are numpy, closed forms, and a
back-propagation through time written out by hand.
"""
import numpy as np
import pytest

import minitf as tf
from tests.util import count_kernel_calls


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


@pytest.fixture
def keep_values(monkeypatch):
    from minitf.framework import session as session_mod
    monkeypatch.setattr(session_mod, "_keep_values", [True])  # restored after the test


def _rnn(x, w, steps):
    """h = tanh(h·W + x), ``steps`` times, from h = x."""
    return tf.while_loop(lambda i, h: i < steps,
                         lambda i, h: (i + 1, tf.tanh(tf.matmul(h, w) + x)), [0, x])[1]


def _rnn_numpy(x, w, steps):
    """Forward and BPTT of sum(h_T) by hand: (h_T, dL/dx, dL/dW)."""
    hs = [x]
    for _ in range(steps):
        hs.append(np.tanh(hs[-1] @ w + x))
    g, gx, gw = np.ones_like(x), np.zeros_like(x), np.zeros_like(w)
    for t in range(steps, 0, -1):
        dz = g * (1 - hs[t] ** 2)
        gw += hs[t - 1].T @ dz
        gx += dz
        g = dz @ w.T
    return hs[-1], gx + g, gw


def test_gradient_matches_backprop_through_time_by_hand():
    rng = np.random.RandomState(0)
    x_np, w_np = rng.randn(3, 5), rng.randn(5, 5) * 0.5
    x, w = tf.constant(x_np), tf.constant(w_np)
    h = _rnn(x, w, 4)
    gx, gw = tf.gradients(tf.reduce_sum(h), [x, w])
    with tf.Session() as sess:
        got = sess.run([h, gx, gw])
    for a, b in zip(got, _rnn_numpy(x_np, w_np, 4)):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_gradient_sees_the_random_draws_of_the_forward_pass():
    # h = x·u1·u2·u3 with fresh uniforms per iteration, so dsum(h)/dx = u1·u2·u3 = m.
    x = tf.constant(np.ones(6))

    def body(i, h, m):
        u = tf.random_uniform([6], 0.5, 1.5, dtype=tf.float64)
        return i + 1, h * u, m * u
    _, h, m = tf.while_loop(lambda i, h, m: i < 3, body, [0, x, tf.ones([6], tf.float64)])
    g = tf.gradients(tf.reduce_sum(h), x)[0]
    with tf.Session() as sess:
        for _ in range(2):
            mv, gv = sess.run([m, g])
            assert np.ptp(mv) > 0.01  # the draws differ, so a second draw could not match
            np.testing.assert_allclose(gv, mv, rtol=1e-12)


def test_nested_loops_keep_the_inner_draws_too():
    x = tf.constant(np.ones(4))

    def inner(j, h, m):
        u = tf.random_uniform([4], 0.5, 1.5, dtype=tf.float64)
        return j + 1, h * u, m * u

    def outer(i, h, m):
        _, h, m = tf.while_loop(lambda j, h, m: j < 2, inner, [0, h, m])
        return i + 1, h, m
    _, h, m = tf.while_loop(lambda i, h, m: i < 3, outer, [0, x, tf.ones([4], tf.float64)])
    g = tf.gradients(tf.reduce_sum(h), x)[0]
    with tf.Session() as sess:
        mv, gv = sess.run([m, g])
    np.testing.assert_allclose(gv, mv, rtol=1e-12)


def test_forward_body_runs_once_per_iteration(monkeypatch):
    calls = count_kernel_calls(monkeypatch, ("Tanh", "MatMul", "Const"))
    rng = np.random.RandomState(1)
    x, w = tf.constant(rng.randn(2, 3)), tf.constant(rng.randn(3, 3))
    h = _rnn(x, w, 25)
    gw = tf.gradients(tf.reduce_sum(h), w)[0]
    with tf.Session() as sess:
        sess.run(gw)
        first = calls.copy()
        sess.run(gw)
    # Forward: one tanh and one product per iteration; backward: two products, no tanh.
    assert calls["Tanh"] == 2 * 25 and calls["MatMul"] == 2 * 3 * 25
    # Constants of the bodies (the bound, the 1 of i + 1 and of 1 - y²) are computed
    # when the session first runs the loop, not per iteration or per run.
    assert first["Const"] < 25 and calls["Const"] == first["Const"]


def test_only_the_values_the_gradient_reads_are_kept_as_references(keep_values):
    rng = np.random.RandomState(2)
    x, w = tf.constant(rng.randn(2, 3)), tf.constant(rng.randn(3, 3))
    h = _rnn(x, w, 5)
    gw = tf.gradients(tf.reduce_sum(h), w)[0]
    loop = h.op
    with tf.Session() as sess:
        sess.run(h)
        assert loop not in sess.last_env  # a forward-only run keeps nothing
        _, hv = sess.run([gw, h])
        keys, iterations = sess.last_env[loop]
    # As TF's stacks: h (for dW = hᵀ·dz) and tanh's output (for 1 - y²), nothing else.
    assert sorted(k.op.type for k in keys) == ["LoopVar", "Tanh"]
    assert len(iterations) == 5
    assert iterations[-1][[k.op.type for k in keys].index("Tanh")] is hv


def test_back_prop_false_keeps_nothing(keep_values):
    x = tf.constant(2.0)
    out = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), [0, x],
                        back_prop=False)[1]
    assert tf.gradients(out, x) == [None]
    with tf.Session() as sess:
        assert sess.run(out) == 16.0
        assert out.op not in sess.last_env


def test_gradient_built_after_the_session_ran_the_loop():
    x = tf.constant(1.5, tf.float64)
    y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), [0, x])[1]
    with tf.Session() as sess:
        assert sess.run(y) == pytest.approx(1.5 ** 4)
        g = tf.gradients(y, x)[0]
        g2 = tf.gradients(y * y, x)[0]
        assert sess.run([g, g2]) == [pytest.approx(4 * 1.5 ** 3), pytest.approx(8 * 1.5 ** 7)]
        assert sess.run(g2) == pytest.approx(8 * 1.5 ** 7)


def test_loop_inside_cond_and_cond_inside_loop_gradients():
    x = tf.constant(1.5, tf.float64)
    p = tf.placeholder(tf.bool, [])

    def body(i, v):  # multiplies by x on even i, adds x on odd i: ((x·x)+x)·x = x³ + x²
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: v * x, lambda: v + x)
    loop = lambda: tf.while_loop(lambda i, v: i < 3, body, [0, x])[1]  # noqa: E731
    y = tf.cond(p, loop, lambda: x * 2.0)
    g = tf.gradients(y, x)[0]
    with tf.Session() as sess:
        assert sess.run([y, g], {p: True}) == [pytest.approx(1.5 ** 3 + 1.5 ** 2),
                                               pytest.approx(3 * 1.5 ** 2 + 2 * 1.5)]
        assert sess.run([y, g], {p: False}) == [3.0, 2.0]


def test_zero_iterations_and_maximum_iterations_gradients():
    x = tf.constant(3.0, tf.float64)
    n = tf.placeholder(tf.int32, [])
    y = tf.while_loop(lambda i, v: i < n, lambda i, v: (i + 1, v * x), [0, x],
                      maximum_iterations=4)[1]
    g = tf.gradients(y, x)[0]
    with tf.Session() as sess:
        assert sess.run([y, g], {n: 0}) == [3.0, 1.0]  # y = x
        assert sess.run([y, g], {n: 9}) == [pytest.approx(3.0 ** 5),
                                            pytest.approx(5 * 3.0 ** 4)]


def test_runtime_shape_invariant_check_for_outputs_of_unknown_rank():
    shape = tf.placeholder(tf.int32, [None])
    v = tf.zeros([4])
    out = tf.while_loop(lambda i, v: i < 1, lambda i, v: (i + 1, tf.reshape(v, shape)),
                        [0, v], shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    with tf.Session() as sess:
        assert sess.run(out[1], {shape: [4]}).shape == (4,)
        with pytest.raises(tf.errors.InvalidArgumentError, match="shape invariant"):
            sess.run(out[1], {shape: [2, 2]})


def test_each_run_gets_the_capture_gradients_it_fetches():
    # A run that reads only dW does not accumulate dx; one that reads dx gets it right.
    rng = np.random.RandomState(3)
    x_np, w_np = rng.randn(3, 4), rng.randn(4, 4) * 0.5
    x, w = tf.constant(x_np), tf.constant(w_np)
    h = _rnn(x, w, 3)
    gx, gw = tf.gradients(tf.reduce_sum(h), [x, w])
    _, want_gx, want_gw = _rnn_numpy(x_np, w_np, 3)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(gw), want_gw, rtol=1e-10)
        np.testing.assert_allclose(sess.run(gx), want_gx, rtol=1e-10)
        np.testing.assert_allclose(sess.run(gw), want_gw, rtol=1e-10)


def test_initial_value_outside_its_shape_invariant_is_an_error():
    v = tf.placeholder(tf.float32, [None])
    out = tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v], 0), [v],
                        shape_invariants=[tf.TensorShape([None, 1])])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="enters the loop with shape"):
            sess.run(out, {v: np.ones(2, np.float32)})


def test_nested_loop_variables_keep_their_structure():
    state = tf.nn.rnn_cell.LSTMStateTuple(tf.zeros([2]), tf.ones([2]))
    k, st = tf.while_loop(lambda k, s: k < 3,
                          lambda k, s: (k + 1, tf.nn.rnn_cell.LSTMStateTuple(s.c + s.h,
                                                                            s.h * 2.0)),
                          (0, state))
    assert isinstance(st, tf.nn.rnn_cell.LSTMStateTuple)
    with tf.Session() as sess:
        k, (c, h) = sess.run([k, st])
    assert k == 3
    np.testing.assert_array_equal(c, [7.0, 7.0])  # 0 + 1 + 2 + 4
    np.testing.assert_array_equal(h, [8.0, 8.0])
