"""The Apply* update ops: K steps against the update formulas written out in numpy.

Each row of ``UPDATES`` builds one op on a variable and its slot variables, with
the hyper-parameters fed per step, and gives the textbook formula in numpy.  Both
run K steps on the same random gradients; the variable and every slot must agree
after each step.  The Apply ops are stateful, so they are covered here instead of
in a forward/gradient ``CASES`` table (see ``DEDICATED`` in test_registry.py).
"""
import numpy as np
import pytest

import minitf as tf
from minitf.ops import training_ops

K = 5


class Update:
    """One Apply op: ``build(var, slots, scalars, grad)`` and ``ref(var, slots, s, g)``.

    ``slots`` makes the initial slot values from the variable's shape;
    ``scalars(t)`` gives the hyper-parameters of step t (1-based).
    """

    def __init__(self, id, build, ref, slots, scalars):
        self.id, self.build, self.ref, self.slots, self.scalars = id, build, ref, slots, scalars

    def __repr__(self):
        return self.id


def _pos(rng, shape):
    return np.abs(rng.standard_normal(shape)) + 0.1


def _zeros(rng, shape):
    return np.zeros(shape)


def _sign_shrink(prox, lr, l1, l2):
    return np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0) / (1 + lr * l2)


def _adam_ref(nesterov):
    def ref(var, slots, s, g):
        m, v = slots
        lr_t = s["lr"] * np.sqrt(1 - s["b2p"]) / (1 - s["b1p"])
        m = s["b1"] * m + (1 - s["b1"]) * g
        v = s["b2"] * v + (1 - s["b2"]) * g * g
        step = (1 - s["b1"]) * g + s["b1"] * m if nesterov else m
        return var - lr_t * step / (np.sqrt(v) + s["eps"]), [m, v]
    return ref


def _adam_scalars(t):
    return {"lr": 0.01, "b1": 0.9, "b2": 0.999, "eps": 1e-8, "b1p": 0.9 ** t,
            "b2p": 0.999 ** t}


def _momentum_ref(nesterov):
    def ref(var, slots, s, g):
        accum = s["mu"] * slots[0] + g
        step = s["lr"] * g + s["lr"] * s["mu"] * accum if nesterov else s["lr"] * accum
        return var - step, [accum]
    return ref


def _rms_ref(var, slots, s, g):
    ms, mom = slots
    ms = s["rho"] * ms + (1 - s["rho"]) * g * g
    mom = s["mu"] * mom + s["lr"] * g / np.sqrt(ms + s["eps"])
    return var - mom, [ms, mom]


def _centered_rms_ref(var, slots, s, g):
    mg, ms, mom = slots
    ms = s["rho"] * ms + (1 - s["rho"]) * g * g
    mg = s["rho"] * mg + (1 - s["rho"]) * g
    mom = s["mu"] * mom + s["lr"] * g / np.sqrt(ms - mg * mg + s["eps"])
    return var - mom, [mg, ms, mom]


def _adadelta_ref(var, slots, s, g):
    accum, accum_update = slots
    accum = s["rho"] * accum + (1 - s["rho"]) * g * g
    update = np.sqrt(accum_update + s["eps"]) / np.sqrt(accum + s["eps"]) * g
    accum_update = s["rho"] * accum_update + (1 - s["rho"]) * update * update
    return var - s["lr"] * update, [accum, accum_update]


def _proximal_adagrad_ref(var, slots, s, g):
    accum = slots[0] + g * g
    lr_t = s["lr"] / np.sqrt(accum)
    return _sign_shrink(var - lr_t * g, lr_t, s["l1"], s["l2"]), [accum]


def _rms_scalars(t):
    return {"lr": 0.01, "rho": 0.9, "mu": 0.5, "eps": 1e-10}


UPDATES = [
    Update("gradient_descent",
           lambda v, sl, s, g: training_ops.apply_gradient_descent(v, s["lr"], g),
           lambda var, slots, s, g: (var - s["lr"] * g, []), [], lambda t: {"lr": 0.1}),
    Update("momentum",
           lambda v, sl, s, g: training_ops.apply_momentum(v, sl[0], s["lr"], g, s["mu"]),
           _momentum_ref(False), [_pos], lambda t: {"lr": 0.1, "mu": 0.9}),
    Update("momentum_nesterov",
           lambda v, sl, s, g: training_ops.apply_momentum(v, sl[0], s["lr"], g, s["mu"],
                                                           use_nesterov=True),
           _momentum_ref(True), [_pos], lambda t: {"lr": 0.1, "mu": 0.9}),
    Update("adagrad",
           lambda v, sl, s, g: training_ops.apply_adagrad(v, sl[0], s["lr"], g),
           lambda var, slots, s, g: (var - s["lr"] * g / np.sqrt(slots[0] + g * g),
                                     [slots[0] + g * g]),
           [_pos], lambda t: {"lr": 0.1}),
    Update("adagrad_no_slot_update",
           lambda v, sl, s, g: training_ops.apply_adagrad(v, sl[0], s["lr"], g,
                                                          update_slots=False),
           lambda var, slots, s, g: (var - s["lr"] * g / np.sqrt(slots[0]), [slots[0]]),
           [_pos], lambda t: {"lr": 0.1}),
    Update("adam",
           lambda v, sl, s, g: training_ops.apply_adam(v, sl[0], sl[1], s["b1p"], s["b2p"],
                                                       s["lr"], s["b1"], s["b2"], s["eps"], g),
           _adam_ref(False), [_zeros, _zeros], _adam_scalars),
    Update("adam_nesterov",
           lambda v, sl, s, g: training_ops.apply_adam(v, sl[0], sl[1], s["b1p"], s["b2p"],
                                                       s["lr"], s["b1"], s["b2"], s["eps"], g,
                                                       use_nesterov=True),
           _adam_ref(True), [_pos, _pos], _adam_scalars),
    Update("rms_prop",
           lambda v, sl, s, g: training_ops.apply_rms_prop(v, sl[0], sl[1], s["lr"], s["rho"],
                                                           s["mu"], s["eps"], g),
           _rms_ref, [_pos, _zeros], _rms_scalars),
    Update("centered_rms_prop",
           lambda v, sl, s, g: training_ops.apply_centered_rms_prop(
               v, sl[0], sl[1], sl[2], s["lr"], s["rho"], s["mu"], s["eps"], g),
           _centered_rms_ref, [_zeros, lambda r, sh: _pos(r, sh) + 1.0, _zeros],
           _rms_scalars),
    Update("adadelta",
           lambda v, sl, s, g: training_ops.apply_adadelta(v, sl[0], sl[1], s["lr"],
                                                           s["rho"], s["eps"], g),
           _adadelta_ref, [_zeros, _pos], lambda t: {"lr": 1.0, "rho": 0.95, "eps": 1e-6}),
    Update("proximal_gradient_descent_l1",
           lambda v, sl, s, g: training_ops.apply_proximal_gradient_descent(
               v, s["lr"], s["l1"], s["l2"], g),
           lambda var, slots, s, g: (_sign_shrink(var - s["lr"] * g, s["lr"], s["l1"],
                                                  s["l2"]), []),
           [], lambda t: {"lr": 0.1, "l1": 2.0, "l2": 0.5}),
    Update("proximal_gradient_descent_l2_only",
           lambda v, sl, s, g: training_ops.apply_proximal_gradient_descent(
               v, s["lr"], s["l1"], s["l2"], g),
           lambda var, slots, s, g: ((var - s["lr"] * g) / (1 + s["lr"] * s["l2"]), []),
           [], lambda t: {"lr": 0.1, "l1": 0.0, "l2": 0.5}),
    Update("proximal_adagrad_l1",
           lambda v, sl, s, g: training_ops.apply_proximal_adagrad(v, sl[0], s["lr"], s["l1"],
                                                                   s["l2"], g),
           _proximal_adagrad_ref, [_pos], lambda t: {"lr": 0.5, "l1": 0.3, "l2": 0.1}),
    Update("proximal_adagrad_l2_only",
           lambda v, sl, s, g: training_ops.apply_proximal_adagrad(v, sl[0], s["lr"], s["l1"],
                                                                   s["l2"], g),
           _proximal_adagrad_ref, [_pos], lambda t: {"lr": 0.5, "l1": 0.0, "l2": 0.1}),
]


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-6), (np.float32, 1e-5)])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
@pytest.mark.parametrize("case", UPDATES, ids=repr)
def test_update_matches_formula(case, shape, dtype, rtol):
    rng = np.random.RandomState(0)
    var0 = rng.standard_normal(shape).astype(dtype)
    slots0 = [make(rng, shape).astype(dtype) for make in case.slots]
    grads = [rng.standard_normal(shape).astype(dtype) for _ in range(K)]
    with tf.Graph().as_default():
        var = tf.Variable(var0)
        slots = [tf.Variable(s) for s in slots0]
        names = sorted(case.scalars(1))
        scalars = {n: tf.placeholder(tf.as_dtype(dtype), []) for n in names}
        grad = tf.placeholder(tf.as_dtype(dtype), shape)
        out = case.build(var, slots, scalars, grad)
        assert out.dtype == tf.as_dtype(dtype) and out.shape.as_list() == list(shape)
        assert out.op.type.startswith("Apply")
        want_var, want_slots = var0, slots0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for t, g in enumerate(grads, 1):
                s = case.scalars(t)
                feed = {scalars[n]: s[n] for n in names}
                feed[grad] = g
                new = sess.run(out, feed)
                s = {n: dtype(v) for n, v in s.items()}
                want_var, want_slots = case.ref(want_var, want_slots, s, g)
                want_var = np.asarray(want_var, dtype)
                want_slots = [np.asarray(x, dtype) for x in want_slots]
                np.testing.assert_allclose(new, want_var, rtol=rtol, atol=rtol * 1e-2)
                got = sess.run([var] + slots)
                for value, want in zip(got, [want_var] + want_slots):
                    assert np.asarray(value).dtype == dtype
                    np.testing.assert_allclose(value, want, rtol=rtol, atol=rtol * 1e-2)


def _state_of(sess, variable):
    return sess._state[variable.op]


def test_state_is_replaced_by_new_read_only_arrays():
    var = tf.Variable([1.0, 2.0])
    accum = tf.Variable([0.5, 0.5])
    op = training_ops.apply_momentum(var, accum, 0.5, tf.constant([1.0, 1.0]), 0.9)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        old = _state_of(sess, var)
        fetched = sess.run(op)
        new = _state_of(sess, var)
        assert new is not old and not new.flags.writeable
        assert not _state_of(sess, accum).flags.writeable
        np.testing.assert_allclose(old, [1.0, 2.0])  # the old array was not mutated
        fetched[0] = 99.0  # fetched values are the caller's to modify
        np.testing.assert_allclose(sess.run(var), [1.0 - 0.5 * 1.45, 2.0 - 0.5 * 1.45])


def test_apply_ops_keep_float16_and_names():
    var = tf.Variable(np.array([1.0, 2.0], np.float16), name="W")
    with tf.name_scope("train"):
        op = training_ops.apply_gradient_descent(var, 0.5, np.array([1, 1], np.float16))
    assert op.op.name == "train/ApplyGradientDescent"
    assert op.op.get_attr("T") == tf.float16 and op.op.get_attr("use_locking") is False
    with tf.Session() as sess:
        sess.run(var.initializer)
        value = sess.run(op)
        assert value.dtype == np.float16
        np.testing.assert_array_equal(value, np.array([0.5, 1.5], np.float16))


def test_apply_ops_have_no_gradient():
    var = tf.Variable([1.0, 2.0])
    g = tf.placeholder(tf.float32, [2])
    out = training_ops.apply_gradient_descent(var, 0.1, g)
    assert tf.gradients(out, g) == [None]


def test_uninitialized_slot_is_failed_precondition():
    var = tf.Variable([1.0])
    accum = tf.Variable([0.1], name="acc")
    op = training_ops.apply_adagrad(var, accum, 0.1, [1.0])
    with tf.Session() as sess:
        sess.run(var.initializer)
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value acc"):
            sess.run(op)


def test_static_shape_and_rank_errors():
    var = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal, but are 2 "
                                         "and 3"):
        training_ops.apply_gradient_descent(var, 0.1, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        training_ops.apply_gradient_descent(var, [0.1, 0.2], [1.0, 2.0])
    accum = tf.Variable([[1.0]])
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 1 and 2"):
        training_ops.apply_adagrad(var, accum, 0.1, [1.0, 2.0])


def test_runtime_shape_errors():
    var = tf.Variable([1.0, 2.0])
    lr = tf.placeholder(tf.float32)
    g = tf.placeholder(tf.float32)
    op = training_ops.apply_gradient_descent(var, lr, g)
    with tf.Session() as sess:
        sess.run(var.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="alpha is not a scalar: "
                                                                 r"\[2\]"):
            sess.run(op, {lr: [0.1, 0.1], g: [1.0, 1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"var and delta do not have the same shape\[2\] \[3\]"):
            sess.run(op, {lr: 0.1, g: [1.0, 1.0, 1.0]})
        np.testing.assert_allclose(sess.run(var), [1.0, 2.0])  # nothing was written


def test_dtype_errors():
    var = tf.Variable([1.0, 2.0])
    with pytest.raises(TypeError, match="Input 'alpha' of 'ApplyGradientDescent' Op has type "
                                        "float64 that does not match type float32"):
        training_ops.apply_gradient_descent(var, tf.constant(0.1, tf.float64), [1.0, 1.0])
    ivar = tf.Variable([1, 2])
    with pytest.raises(TypeError, match="int32"):
        training_ops.apply_gradient_descent(ivar, 1, [1, 1])
    with pytest.raises(TypeError, match="needs a variable"):
        training_ops.apply_gradient_descent(tf.constant([1.0, 2.0]), 0.1, [1.0, 1.0])
    slot64 = tf.Variable([1.0, 2.0], dtype=tf.float64)
    with pytest.raises(TypeError, match="Input 'accum' of 'ApplyAdagrad'"):
        training_ops.apply_adagrad(var, slot64, 0.1, [1.0, 1.0])
