"""Plans: pruning, the LRU plan cache, and constant folding per fed shapes."""
import numpy as np
import pytest

import minitf as tf
from minitf.framework import plan as plan_mod
from minitf.framework import session as session_mod
from tests.util import count_kernel_calls

NO_FOLDING = tf.ConfigProto(graph_options=tf.GraphOptions(
    optimizer_options=tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0)))


def _logreg():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 3])
    W = tf.Variable(tf.reshape(tf.range(12, dtype=tf.float32), [4, 3]) / 10.0)
    b = tf.Variable(tf.zeros([3]))
    logits = tf.matmul(x, W) + b
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    return x, y, loss, train


def _batches(n, sizes):
    rng = np.random.RandomState(0)
    out = []
    for i in range(n):
        m = sizes[i % len(sizes)]
        out.append((rng.rand(m, 4).astype(np.float32),
                    np.eye(3, dtype=np.float32)[rng.randint(0, 3, m)]))
    return out


def _train(config, batches):
    g = tf.Graph()
    with g.as_default():
        x, y, loss, train = _logreg()
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([train, loss], {x: xb, y: yb})[1] for xb, yb in batches]
            last = sess.last_plan
    return np.array(losses), last


def test_folded_training_matches_unfolded_for_every_batch_size():
    batches = _batches(12, [5, 5, 2, 7])
    folded, plan = _train(None, batches)
    plain, plain_plan = _train(NO_FOLDING, batches)
    np.testing.assert_array_equal(folded, plain)
    assert plain_plan.folded_ops == []
    folded_types = {op.type for op in plan.folded_ops}
    # The mean's gradient divides by the batch size: known once the batch's shape is.
    assert {"Const", "Size", "Cast"} <= folded_types
    assert not folded_types & {"VariableV2", "MatMul", "ApplyGradientDescent"}
    assert len(plan.executed_ops) + len(plan.folded_ops) == len(plan.ops)


def test_shape_of_a_batch_sized_tensor_is_folded_per_fed_shape(monkeypatch):
    calls = count_kernel_calls(monkeypatch, ("Shape", "Mul"))
    x = tf.placeholder(tf.float32, [None, 3])
    h = x * 2.0
    s = tf.shape(h)
    with tf.Session() as sess:
        for n in (1, 4, 4, 4, 1):
            out, hs = sess.run([s, h], {x: np.ones((n, 3), np.float32)})
            np.testing.assert_array_equal(out, [n, 3])
            assert hs.shape == (n, 3)
    # Shape ran only while compiling, once for each of the two batch sizes.
    assert calls == {"Mul": 5, "Shape": 2}


def test_a_plan_stops_folding_after_many_shapes():
    x = tf.placeholder(tf.float32, [None])
    n = tf.size(x)
    with tf.Session() as sess:
        for k in range(plan_mod._MAX_VARIANTS + 3):
            assert sess.run(n, {x: np.zeros(k + 1, np.float32)}) == k + 1
        assert sess.last_plan.folded_ops == []  # past the limit: run everything


def test_stateful_ops_are_never_folded():
    r = tf.random_uniform([2], seed=1) + tf.constant(1.0)
    with tf.Session() as sess:
        a, b = sess.run(r), sess.run(r)
    assert not np.array_equal(a, b)


def test_a_kernel_that_fails_while_folding_fails_in_the_run_with_its_op():
    bad = tf.reshape(tf.range(6), tf.placeholder_with_default([4, -1], [2]))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(bad)
    assert info.value.op is bad.op


def test_folded_values_cannot_be_changed_through_a_fetch():
    c = tf.constant([1.0, 2.0]) * 3.0
    with tf.Session() as sess:
        first = sess.run(c)
        first[0] = 100.0
        np.testing.assert_array_equal(sess.run(c), [3.0, 6.0])


def test_plan_cache_evicts_the_least_recently_used():
    x = tf.constant(1.0)
    ys = [x + float(i) for i in range(4)]
    with tf.Session() as sess:
        sess._plans.capacity = 3
        for y in ys[:3]:
            sess.run(y)
        sess.run(ys[0])          # ys[0] is now the most recently used
        sess.run(ys[3])          # evicts ys[1], the least recently used
        keys = [k[0] for k in sess._plans._plans]
    assert keys == [ys[2], ys[0], ys[3]]


def test_last_env_is_kept_only_when_asked(monkeypatch):
    monkeypatch.setattr(session_mod, "_keep_values", [False])
    c = tf.constant(2.0) * 3.0
    with tf.Session() as sess:
        sess.run(c)
        assert sess.last_env is None and sess.last_plan is not None
        session_mod.keep_run_values()
        sess.run(c)
        assert sess.last_env[c] == 6.0
