"""Scatter ops and the SparseApply* optimizer steps: row updates in place.

References are numpy: ``ufunc.at`` applies repeated indices one after another,
which is TF's meaning for the Scatter* ops, and the SparseApply* formulas are
written out row by row below.
"""
import numpy as np
import pytest

import minitf as tf
from minitf.ops import training_ops

RNG = np.random.RandomState(7)


def _run_scatter(fn, init, indices, updates, dtype):
    with tf.Graph().as_default():
        v = tf.Variable(init.astype(dtype))
        op = fn(v, indices, np.asarray(updates).astype(dtype))
        with tf.Session() as sess:
            sess.run(v.initializer)
            out = sess.run(op)
            return out, sess.run(v)


def _ref(ufunc, init, indices, updates):
    want = init.copy()
    if ufunc is None:  # update: the last of repeated rows wins
        for k, r in enumerate(np.ravel(indices)):
            want[r] = np.reshape(updates, (-1,) + init.shape[1:])[k]
    else:
        ufunc.at(want, np.ravel(indices), np.reshape(updates, (-1,) + init.shape[1:]))
    return want


SCATTERS = [(tf.scatter_update, None), (tf.scatter_add, np.add), (tf.scatter_sub, np.subtract),
            (tf.scatter_mul, np.multiply), (tf.scatter_div, np.divide),
            (tf.scatter_min, np.minimum), (tf.scatter_max, np.maximum)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_scatter_matches_numpy_with_repeated_indices(dtype):
    init = RNG.uniform(1, 2, (5, 3))
    indices = np.array([[4, 1], [4, 4]])
    updates = RNG.uniform(1, 2, (2, 2, 3))
    tol = 1e-3 if dtype == np.float16 else 1e-6
    for fn, ufunc in SCATTERS:
        out, value = _run_scatter(fn, init, indices, updates, dtype)
        want = _ref(ufunc, init.astype(dtype), indices, updates.astype(dtype))
        np.testing.assert_allclose(value, want, rtol=tol, err_msg=fn.__name__)
        np.testing.assert_allclose(out, want, rtol=tol, err_msg=fn.__name__)


@pytest.mark.parametrize("fn, ufunc", SCATTERS, ids=lambda x: getattr(x, "__name__", ""))
def test_scatter_on_integers_and_one_dimensional_variables(fn, ufunc):
    init = np.array([10, -7, 9, 4])
    indices, updates = [1, 3, 1], [2, 3, 2]
    _, value = _run_scatter(fn, init, indices, updates, np.int32)
    if ufunc is np.divide:  # integer division truncates toward zero, as C does
        want = np.array([10, -1, 9, 1])
    else:
        want = _ref(ufunc, init.astype(np.int32), indices, np.array(updates, np.int32))
    np.testing.assert_array_equal(value, want)


def test_scalar_update_applies_to_every_named_row():
    _, value = _run_scatter(tf.scatter_update, np.zeros((3, 2)), [2, 0], 5.0, np.float32)
    np.testing.assert_array_equal(value, [[5, 5], [0, 0], [5, 5]])


def test_scatter_rewrites_the_stored_array_in_place_and_fetches_are_copies():
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros((1000, 4), np.float32))
        add = tf.scatter_add(v, [3], np.ones((1, 4), np.float32))
        with tf.Session() as sess:
            sess.run(v.initializer)
            first = sess.run(add)
            stored = sess._state[v.op]
            second = sess.run(add)
            assert sess._state[v.op] is stored  # no copy of the 1000 rows per step
    assert first[3, 0] == 1 and second[3, 0] == 2  # the first fetch did not change
    assert first.flags.writeable


def test_scatter_errors_name_the_op():
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros((3, 2), np.float32))
        ids = tf.placeholder(tf.int32)
        ups = tf.placeholder(tf.float32)
        op = tf.scatter_add(v, ids, ups, name="bump")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized"):
                sess.run(op, {ids: [0], ups: [[1, 1]]})
            sess.run(v.initializer)
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"indices\[1\] = 3 is not in \[0, 3\)") as info:
                sess.run(op, {ids: [0, 3], ups: [[1, 1], [1, 1]]})
            assert info.value.op.name == "bump"
            with pytest.raises(tf.errors.InvalidArgumentError, match="updates.shape"):
                sess.run(op, {ids: [0], ups: [[1, 1, 1]]})
        with pytest.raises(ValueError, match="incompatible"):
            tf.scatter_update(v, [0, 1], np.zeros((3, 2), np.float32))
        with pytest.raises(TypeError, match="needs a variable"):
            tf.scatter_add(tf.constant([1.0]), [0], [1.0])


# -- SparseApply* ------------------------------------------------------------------------
def _rows_reference(kind, var, slots, lr, grad, idx, **h):
    """Apply the dense formula of each optimizer one gradient row at a time."""
    var, slots = var.copy(), [s.copy() for s in slots]
    for k, r in enumerate(idx):
        g = grad[k]
        if kind == "momentum":
            (acc,) = slots
            acc[r] = acc[r] * h["momentum"] + g
            step = g * lr + acc[r] * h["momentum"] * lr if h["nesterov"] else lr * acc[r]
            var[r] -= step
        elif kind == "adagrad":
            (acc,) = slots
            acc[r] += g * g
            var[r] -= lr * g / np.sqrt(acc[r])
        else:
            mg, ms, mom = slots if kind == "centered" else (None,) + tuple(slots)
            ms[r] = h["rho"] * ms[r] + (1 - h["rho"]) * g * g
            denom = ms[r] + h["eps"]
            if kind == "centered":
                mg[r] = h["rho"] * mg[r] + (1 - h["rho"]) * g
                denom = denom - mg[r] ** 2
            mom[r] = h["momentum"] * mom[r] + lr * g / np.sqrt(denom)
            var[r] -= mom[r]
    return var, slots


SPARSE = {
    "momentum": (1, lambda v, s, lr, g, i, h: training_ops.sparse_apply_momentum(
        v, s[0], lr, g, i, h["momentum"], use_nesterov=h["nesterov"])),
    "adagrad": (1, lambda v, s, lr, g, i, h: training_ops.sparse_apply_adagrad(
        v, s[0], lr, g, i)),
    "rms": (2, lambda v, s, lr, g, i, h: training_ops.sparse_apply_rms_prop(
        v, s[0], s[1], lr, h["rho"], h["momentum"], h["eps"], g, i)),
    "centered": (3, lambda v, s, lr, g, i, h: training_ops.sparse_apply_centered_rms_prop(
        v, s[0], s[1], s[2], lr, h["rho"], h["momentum"], h["eps"], g, i)),
}


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_apply_matches_row_by_row_formula(dtype, nesterov):
    for kind in sorted(SPARSE):
        _check_sparse_apply(kind, dtype, nesterov)


def _check_sparse_apply(kind, dtype, nesterov):
    n_slots, build = SPARSE[kind]
    h = {"momentum": 0.9, "nesterov": nesterov, "rho": 0.8, "eps": 1e-3}
    var0 = RNG.randn(6, 2, 3)
    slots0 = [RNG.uniform(0.5, 1.0, (6, 2, 3)) for _ in range(n_slots)]
    if kind == "centered":  # a small mean gradient keeps ms - mg² positive
        slots0[0] = RNG.uniform(-0.2, 0.2, (6, 2, 3))
    idx = np.array([5, 0, 5])
    grad = RNG.randn(3, 2, 3)
    with tf.Graph().as_default():
        var = tf.Variable(var0.astype(dtype))
        slots = [tf.Variable(s.astype(dtype)) for s in slots0]
        op = build(var, slots, dtype(0.1), grad.astype(dtype), idx, {
            k: (dtype(x) if isinstance(x, float) else x) for k, x in h.items()})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(op)
            got = sess.run([var] + slots)
    want_var, want_slots = _rows_reference(kind, var0.astype(dtype), [
        s.astype(dtype) for s in slots0], dtype(0.1), grad.astype(dtype), idx, **h)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert np.all(np.isfinite(want_var))
    np.testing.assert_allclose(out, want_var, rtol=tol, atol=tol)
    np.testing.assert_allclose(got[0], want_var, rtol=tol, atol=tol)
    for g, w in zip(got[1:], want_slots):
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)
    untouched = [1, 2, 3, 4]
    np.testing.assert_array_equal(got[0][untouched], var0.astype(dtype)[untouched])


def test_sparse_apply_checks_indices_and_grad_shape():
    with tf.Graph().as_default():
        var = tf.Variable(np.zeros((4, 2)))
        acc = tf.Variable(np.ones((4, 2)))
        idx = tf.placeholder(tf.int32, [None])
        grad = tf.placeholder(tf.float64, [None, 2])
        op = training_ops.sparse_apply_adagrad(var, acc, 0.1, grad, idx, name="step")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="Index 7 at offset 1 in indices is out of range") as info:
                sess.run(op, {idx: [0, 7], grad: np.ones((2, 2))})
            assert info.value.op.name == "step"
            with pytest.raises(tf.errors.InvalidArgumentError, match="grad must be"):
                sess.run(op, {idx: [0, 1, 2], grad: np.ones((2, 2))})
        with pytest.raises(ValueError, match="incompatible"):
            training_ops.sparse_apply_adagrad(var, acc, 0.1, np.ones((2, 3)), [0, 1])


def test_variable_methods_take_indexed_slices():
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros((3, 2)))
        delta = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float64),
                                 tf.constant([2, 2]))
        add, sub = v.scatter_add(delta), v.scatter_sub(delta)
        update = v.scatter_update(delta)
        with tf.Session() as sess:
            sess.run(v.initializer)
            np.testing.assert_array_equal(sess.run(add), [[0, 0], [0, 0], [4, 6]])
            np.testing.assert_array_equal(sess.run(sub), [[0, 0], [0, 0], [0, 0]])
            np.testing.assert_array_equal(sess.run(update), [[0, 0], [0, 0], [3, 4]])
