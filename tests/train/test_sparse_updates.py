"""Sparse gradients end to end: gather's IndexedSlices, how they add up and
densify, and optimizer steps that touch only the looked-up rows.

The reference for every sparse step is the dense step on the same problem: a
lookup written as ``one_hot(ids) @ table`` has a dense gradient with the same
values, so both graphs must leave the table (and the slots) identical.
"""
import warnings

import numpy as np
import pytest

import minitf as tf

INIT = np.random.RandomState(0).randn(6, 3)
IDS = [4, 1, 4, 0]  # row 4 twice: repeats must add up
WEIGHTS = [[1.], [2.], [3.], [4.]]

OPTIMIZERS = {
    "gd": lambda: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
    "adam": lambda: tf.train.AdamOptimizer(0.1),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5),
    "centered_rmsprop": lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
    "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0),  # densifies: no sparse kernel
}


def _train(make_opt, sparse, steps=3):
    with tf.Graph().as_default():
        table = tf.Variable(INIT)
        ids = tf.constant(IDS)
        rows = tf.gather(table, ids) if sparse else \
            tf.matmul(tf.one_hot(ids, 6, dtype=tf.float64), table)
        loss = tf.reduce_sum(tf.square(rows - 1.0) * tf.constant(WEIGHTS, tf.float64))
        opt = make_opt()
        grads_and_vars = opt.compute_gradients(loss)
        kind = type(grads_and_vars[0][0])
        train = opt.apply_gradients(grads_and_vars)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(steps):
                sess.run(train)
            slots = [sess.run(opt.get_slot(table, n)) for n in opt.get_slot_names()]
            return kind, sess.run(table), slots


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_sparse_step_equals_dense_step(name):
    kind, sparse, sparse_slots = _train(OPTIMIZERS[name], True)
    dense_kind, dense, dense_slots = _train(OPTIMIZERS[name], False)
    assert kind is tf.IndexedSlices and dense_kind is tf.Tensor
    np.testing.assert_allclose(sparse, dense, rtol=1e-12, atol=1e-12)
    # RMSProp's "rms" slot starts at one and its dense step decays it on rows with
    # a zero gradient; TF's sparse step leaves those rows alone (var does not move
    # there either way), so its slots agree on the looked-up rows.
    rows = sorted(set(IDS)) if "rmsprop" in name else slice(None)
    for s, d in zip(sparse_slots, dense_slots):
        np.testing.assert_allclose(s[rows], d[rows], rtol=1e-12, atol=1e-12)
    assert not np.allclose(sparse, INIT)


@pytest.mark.parametrize("name", ["gd", "momentum", "adagrad", "rmsprop"])
def test_sparse_step_leaves_other_rows_untouched(name):
    _, table, _ = _train(OPTIMIZERS[name], True, steps=1)
    untouched = sorted(set(range(6)) - set(IDS))
    np.testing.assert_array_equal(table[untouched], INIT[untouched])
    assert not np.allclose(table[IDS], INIT[IDS])


def test_adam_sparse_is_not_lazy():
    """TF 1.x's Adam decays both moments everywhere, so a row seen once keeps moving."""
    with tf.Graph().as_default():
        table = tf.Variable(INIT)
        ids = tf.placeholder(tf.int32, [None])
        train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(tf.gather(table, ids)))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {ids: [2]})
            after_first = sess.run(table)
            sess.run(train, {ids: [5]})
            after_second = sess.run(table)
    assert after_second[2, 0] != after_first[2, 0]  # row 2 moves on its momentum
    np.testing.assert_array_equal(after_second[0], INIT[0])  # never seen, m stays 0


def test_gradient_of_a_variable_lookup_is_indexed_slices():
    with tf.Graph().as_default():
        table = tf.Variable(INIT)
        g = tf.gradients(tf.reduce_sum(tf.gather(table, [[3, 1], [3, 3]])), table)[0]
        assert isinstance(g, tf.IndexedSlices)
        assert g.dtype is tf.float64 and g.values.shape.as_list() == [4, 3]
        with tf.Session() as sess:
            sess.run(table.initializer)
            value = sess.run(g)
    assert isinstance(value, tf.IndexedSlicesValue)
    np.testing.assert_array_equal(value.indices, [3, 1, 3, 3])
    np.testing.assert_array_equal(value.values, np.ones((4, 3)))
    np.testing.assert_array_equal(value.dense_shape, [6, 3])


def test_sparse_gradients_add_up_by_concatenation():
    with tf.Graph().as_default():
        table = tf.constant(INIT)
        y = tf.reduce_sum(tf.gather(table, [1, 2])) + 2 * tf.reduce_sum(tf.gather(table, [2]))
        g = tf.gradients(y, table)[0]
        mixed = tf.gradients(y + tf.reduce_sum(table * table), table)[0]
        assert isinstance(g, tf.IndexedSlices) and isinstance(mixed, tf.IndexedSlices)
        dense, mixed_dense = tf.Session().run([tf.convert_to_tensor(g),
                                               tf.convert_to_tensor(mixed)])
    want = np.zeros((6, 3))
    want[1] += 1
    want[2] += 3
    np.testing.assert_allclose(dense, want)
    np.testing.assert_allclose(mixed_dense, want + 2 * INIT)


def test_ops_that_are_not_identity_get_a_dense_gradient():
    with tf.Graph().as_default():
        table = tf.constant(INIT)
        g = tf.gradients(tf.reduce_sum(tf.gather(table * 2.0, [0, 0])), table)[0]
        assert isinstance(g, tf.Tensor)
        got = tf.Session().run(g)
    want = np.zeros((6, 3))
    want[0] = 4
    np.testing.assert_allclose(got, want)


def test_densifying_warns_only_when_the_shape_is_unknown():
    with tf.Graph().as_default():
        known = tf.constant(INIT)
        unknown = tf.placeholder(tf.float64)
        g_known = tf.gradients(tf.gather(known, [1]), known)[0]
        g_unknown = tf.gradients(tf.gather(unknown, [1]), unknown)[0]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tf.convert_to_tensor(g_known)
        with pytest.warns(UserWarning, match="dense Tensor of unknown shape"):
            dense = tf.convert_to_tensor(g_unknown)
        got = tf.Session().run(dense, {unknown: INIT})
        with pytest.raises(ValueError, match="requested dtype float32"):
            tf.convert_to_tensor(g_known, dtype=tf.float32)
    np.testing.assert_array_equal(got[1], [1, 1, 1])
    np.testing.assert_array_equal(got[0], [0, 0, 0])


def test_clipping_keeps_sparse_gradients_sparse():
    with tf.Graph().as_default():
        table = tf.constant(INIT)
        g = tf.gradients(3.0 * tf.reduce_sum(tf.gather(table, [1, 1])), table)[0]
        dense = tf.constant([[4.0]], tf.float64)
        (clipped, other), norm = tf.clip_by_global_norm([g, dense], 1.0)
        by_norm = tf.clip_by_norm(g, 1.0)
        assert isinstance(clipped, tf.IndexedSlices) and isinstance(by_norm, tf.IndexedSlices)
        got_norm, got, got_other, got_by_norm = tf.Session().run(
            [norm, clipped.values, other, by_norm.values])
    # TF's global norm of a sparse gradient is that of its values: 2 rows of three 3s
    want_norm = np.sqrt(6 * 9.0 + 16.0)
    np.testing.assert_allclose(got_norm, want_norm)
    np.testing.assert_allclose(got, np.full((2, 3), 3.0 / want_norm))
    np.testing.assert_allclose(got_other, [[4.0 / want_norm]])
    np.testing.assert_allclose(got_by_norm, np.full((2, 3), 3.0 / np.sqrt(54.0)))
