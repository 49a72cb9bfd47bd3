"""tf.train optimizers: K steps against numpy, slots, global step, var lists and errors.

Every optimizer minimizes the same loss in two variables whose gradients depend on
each other,

    loss = ½ Σ A ⊙ (W − C)² + uᵀ W b,     ∇W = A ⊙ (W − C) + u bᵀ,   ∇b = Wᵀ u,

and a numpy re-implementation of the TF 1.x update runs alongside; values and
slots must agree after every step.  Hyper-parameters given as Python numbers
become float32 tensors in TF (then cast to the variable's dtype), and Adam's
β-powers are float32 variables, so the reference rounds them the same way.
"""
import json
import os
import subprocess

import numpy as np
import pytest

import minitf as tf
from tests.util import TF_ORACLE as ORACLE

K = 6


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _problem(dtype):
    rng = np.random.RandomState(1)
    return {"W": rng.standard_normal((2, 3)).astype(dtype),
            "b": rng.standard_normal(3).astype(dtype),
            "A": (rng.rand(2, 3) + 0.5).astype(dtype),
            "C": rng.standard_normal((2, 3)).astype(dtype),
            "u": rng.standard_normal(2).astype(dtype)}


def _grads(p, W, b):
    return {"W": p["A"] * (W - p["C"]) + np.outer(p["u"], b), "b": W.T @ p["u"]}


def _build(p, dtype):
    W = tf.Variable(p["W"], name="W")
    b = tf.Variable(p["b"], name="b")
    diff = W - tf.constant(p["C"])
    quad = 0.5 * tf.reduce_sum(tf.constant(p["A"]) * diff * diff)
    cross = tf.reduce_sum(tf.constant(p["u"]) * tf.reshape(tf.matmul(W, tf.reshape(b, [3, 1])),
                                                          [2]))
    return W, b, quad + cross


def _h(x, dtype):
    """A hyper-parameter as TF sees it: a float32 constant cast to the variable's dtype."""
    return dtype(np.float32(x))


# -- numpy references: step(params, grads, slots, t, dtype) -> (params, slots) ------------
def _ref_gd(lr):
    def step(v, g, s, t, dt):
        return v - _h(lr, dt) * g, s
    return step


def _ref_momentum(lr, mu, nesterov=False):
    def step(v, g, s, t, dt):
        acc = _h(mu, dt) * s.get("momentum", np.zeros_like(v)) + g
        if nesterov:
            new = v - _h(lr, dt) * g - _h(lr, dt) * _h(mu, dt) * acc
        else:
            new = v - _h(lr, dt) * acc
        return new, {"momentum": acc}
    return step


def _ref_adagrad(lr, init=0.1):
    def step(v, g, s, t, dt):
        acc = s.get("accumulator", np.full_like(v, _h(init, dt))) + g * g
        return v - _h(lr, dt) * g / np.sqrt(acc), {"accumulator": acc}
    return step


def _beta_power(beta, t):
    """Adam's float32 accumulator after t−1 updates: β^t rounded at each step."""
    p = np.float32(beta)
    for _ in range(t - 1):
        p = np.float32(p * np.float32(beta))
    return p


def _ref_adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    def step(v, g, s, t, dt):
        b1p, b2p = dt(_beta_power(b1, t)), dt(_beta_power(b2, t))
        lr_t = _h(lr, dt) * np.sqrt(1 - b2p) / (1 - b1p)
        m = _h(b1, dt) * s.get("m", np.zeros_like(v)) + (1 - _h(b1, dt)) * g
        vv = _h(b2, dt) * s.get("v", np.zeros_like(v)) + (1 - _h(b2, dt)) * g * g
        return v - lr_t * m / (np.sqrt(vv) + _h(eps, dt)), {"m": m, "v": vv}
    return step


def _ref_rmsprop(lr, decay=0.9, mu=0.0, eps=1e-10, centered=False):
    def step(v, g, s, t, dt):
        rho = _h(decay, dt)
        ms = rho * s.get("rms", np.ones_like(v)) + (1 - rho) * g * g  # rms starts at ONES
        out = {"rms": ms}
        denom = ms + _h(eps, dt)
        if centered:
            mg = rho * s.get("mg", np.zeros_like(v)) + (1 - rho) * g
            denom = ms - mg * mg + _h(eps, dt)
            out["mg"] = mg
        mom = _h(mu, dt) * s.get("momentum", np.zeros_like(v)) + _h(lr, dt) * g / np.sqrt(denom)
        out["momentum"] = mom
        return v - mom, out
    return step


def _ref_adadelta(lr=0.001, rho=0.95, eps=1e-8):
    def step(v, g, s, t, dt):
        r, e = _h(rho, dt), _h(eps, dt)
        acc = r * s.get("accum", np.zeros_like(v)) + (1 - r) * g * g
        au = s.get("accum_update", np.zeros_like(v))
        update = np.sqrt(au + e) / np.sqrt(acc + e) * g
        au = r * au + (1 - r) * update * update
        return v - _h(lr, dt) * update, {"accum": acc, "accum_update": au}
    return step


def _prox(prox, lr, l1, l2):
    return np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0) / (1 + lr * l2)


def _ref_proximal_gd(lr, l1=0.0, l2=0.0):
    def step(v, g, s, t, dt):
        a = _h(lr, dt)
        return _prox(v - a * g, a, _h(l1, dt), _h(l2, dt)), s
    return step


def _ref_proximal_adagrad(lr, init=0.1, l1=0.0, l2=0.0):
    def step(v, g, s, t, dt):
        acc = s.get("accumulator", np.full_like(v, _h(init, dt))) + g * g
        lr_t = _h(lr, dt) / np.sqrt(acc)
        return _prox(v - lr_t * g, lr_t, _h(l1, dt), _h(l2, dt)), {"accumulator": acc}
    return step


OPTIMIZERS = [
    ("gd", lambda: tf.train.GradientDescentOptimizer(0.1), _ref_gd(0.1)),
    ("momentum", lambda: tf.train.MomentumOptimizer(0.05, 0.9), _ref_momentum(0.05, 0.9)),
    ("nesterov", lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
     _ref_momentum(0.05, 0.9, nesterov=True)),
    ("adagrad", lambda: tf.train.AdagradOptimizer(0.3), _ref_adagrad(0.3)),
    ("adagrad_init", lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=2.0),
     _ref_adagrad(0.3, 2.0)),
    ("adam_defaults", lambda: tf.train.AdamOptimizer(), _ref_adam()),
    ("adam", lambda: tf.train.AdamOptimizer(0.1, beta1=0.8, beta2=0.99, epsilon=1e-3),
     _ref_adam(0.1, 0.8, 0.99, 1e-3)),
    ("rmsprop", lambda: tf.train.RMSPropOptimizer(0.01), _ref_rmsprop(0.01)),
    ("rmsprop_momentum", lambda: tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5,
                                                           epsilon=1e-6),
     _ref_rmsprop(0.01, 0.8, 0.5, 1e-6)),
    ("rmsprop_centered", lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.3, centered=True),
     _ref_rmsprop(0.01, 0.9, 0.3, 1e-10, centered=True)),
    ("adadelta_defaults", lambda: tf.train.AdadeltaOptimizer(), _ref_adadelta()),
    ("adadelta", lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
     _ref_adadelta(1.0, 0.9, 1e-6)),
    ("proximal_gd", lambda: tf.train.ProximalGradientDescentOptimizer(0.1),
     _ref_proximal_gd(0.1)),
    ("proximal_gd_l1_l2", lambda: tf.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=0.5, l2_regularization_strength=0.2),
     _ref_proximal_gd(0.1, 0.5, 0.2)),
    ("proximal_adagrad", lambda: tf.train.ProximalAdagradOptimizer(0.3),
     _ref_proximal_adagrad(0.3)),
    ("proximal_adagrad_l1_l2", lambda: tf.train.ProximalAdagradOptimizer(
        0.3, initial_accumulator_value=0.5, l1_regularization_strength=0.1,
        l2_regularization_strength=0.05),
     _ref_proximal_adagrad(0.3, 0.5, 0.1, 0.05)),
]


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-6), (np.float32, 1e-5)])
@pytest.mark.parametrize("name,make,ref", OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
def test_steps_match_numpy(name, make, ref, dtype, rtol):
    p = _problem(dtype)
    W, b, loss = _build(p, dtype)
    opt = make()
    train = opt.minimize(loss)
    params = {"W": p["W"], "b": p["b"]}
    slots = {"W": {}, "b": {}}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(1, K + 1):
            grads = _grads(p, params["W"], params["b"])
            for k in params:
                params[k], slots[k] = ref(params[k], grads[k], slots[k], t, dtype)
            sess.run(train)
            got_w, got_b = sess.run([W, b])
            assert got_w.dtype == dtype and got_b.dtype == dtype
            np.testing.assert_allclose(got_w, params["W"], rtol=rtol, atol=rtol * 1e-3)
            np.testing.assert_allclose(got_b, params["b"], rtol=rtol, atol=rtol * 1e-3)
            for var, k in ((W, "W"), (b, "b")):
                assert sorted(slots[k]) == opt.get_slot_names()
                for slot_name, want in slots[k].items():
                    got = sess.run(opt.get_slot(var, slot_name))
                    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * 1e-3,
                                               err_msg="%s slot %s" % (k, slot_name))
        if name.startswith("adam"):
            b1p, b2p = opt._get_beta_accumulators()
            beta1 = 0.9 if name == "adam_defaults" else 0.8
            np.testing.assert_allclose(sess.run(b1p), _beta_power(beta1, K + 1), rtol=1e-6)


SLOT_NAMES = [
    (lambda: tf.train.GradientDescentOptimizer(0.1), [], {}),
    (lambda: tf.train.MomentumOptimizer(0.1, 0.9), ["momentum"], {"momentum": "W/Momentum"}),
    (lambda: tf.train.AdagradOptimizer(0.1), ["accumulator"], {"accumulator": "W/Adagrad"}),
    (lambda: tf.train.AdamOptimizer(), ["m", "v"], {"m": "W/Adam", "v": "W/Adam_1"}),
    (lambda: tf.train.RMSPropOptimizer(0.1), ["momentum", "rms"],
     {"rms": "W/RMSProp", "momentum": "W/RMSProp_1"}),
    (lambda: tf.train.RMSPropOptimizer(0.1, centered=True), ["mg", "momentum", "rms"],
     {"rms": "W/RMSProp", "mg": "W/RMSProp_1", "momentum": "W/RMSProp_2"}),
    (lambda: tf.train.AdadeltaOptimizer(), ["accum", "accum_update"],
     {"accum": "W/Adadelta", "accum_update": "W/Adadelta_1"}),
    (lambda: tf.train.ProximalGradientDescentOptimizer(0.1), [], {}),
    (lambda: tf.train.ProximalAdagradOptimizer(0.1), ["accumulator"],
     {"accumulator": "W/ProximalAdagrad"}),
]


@pytest.mark.parametrize("make,names,slot_vars", SLOT_NAMES)
def test_slot_names_variables_and_train_op_name(make, names, slot_vars):
    W = tf.Variable([1.0, 2.0], name="W")
    opt = make()
    train = opt.minimize(tf.reduce_sum(W * W))
    assert isinstance(train, tf.Operation) and train.name == opt.get_name()
    assert opt.get_slot_names() == names
    for slot, var_name in slot_vars.items():
        v = opt.get_slot(W, slot)
        assert v.op.name == var_name and v.shape == W.shape and v.dtype == W.dtype
        assert v in tf.global_variables() and v not in tf.trainable_variables()
    assert opt.get_slot(W, "no_such_slot") is None
    assert tf.trainable_variables() == [W]
    updates = [op for op in tf.get_default_graph().get_operations()
               if op.name.startswith(opt.get_name() + "/update_W/Apply")]
    assert len(updates) == 1 and updates[0].name.endswith("/" + updates[0].type)
    assert train in tf.get_collection(tf.GraphKeys.TRAIN_OP)


def test_adam_graph_names_and_beta_accumulators():
    W = tf.Variable([1.0, 2.0], name="W")
    b = tf.Variable(0.5, name="b")
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.minimize(tf.reduce_sum(W * b))
    assert train.name == "Adam" and train.type == "NoOp"
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["W", "b", "beta1_power", "beta2_power", "W/Adam", "W/Adam_1", "b/Adam",
                     "b/Adam_1"]
    assert [v.op.name for v in opt.variables()] == ["W/Adam", "W/Adam_1", "b/Adam",
                                                    "b/Adam_1", "beta1_power", "beta2_power"]
    b1p, b2p = opt._get_beta_accumulators()
    assert b1p.dtype == tf.float32 and not b1p.trainable
    g = tf.get_default_graph()
    assert g.get_operation_by_name("Adam/update_W/ApplyAdam").type == "ApplyAdam"
    assert g.get_operation_by_name("Adam/learning_rate").type == "Const"
    # A second minimize with the same optimizer reuses slots and accumulators.
    opt.minimize(tf.reduce_sum(W * W))
    assert len(tf.global_variables()) == 8
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run([b1p, b2p]), [0.81, 0.998001], rtol=1e-6)


def test_slot_names_follow_variable_scopes():
    with tf.variable_scope("layer"):
        W = tf.get_variable("W", [2], initializer=tf.ones_initializer())
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    opt.minimize(tf.reduce_sum(W * W))
    assert opt.get_slot(W, "momentum").op.name == "layer/W/Momentum"
    g = tf.get_default_graph()
    assert g.get_operation_by_name("Momentum/update_layer/W/ApplyMomentum")


@pytest.mark.parametrize("kind", ["number", "constant", "placeholder", "callable", "variable"])
def test_learning_rate_forms_agree(kind):
    W = tf.Variable([1.0, -2.0])
    loss = tf.reduce_sum(W * W)
    feed = {}
    if kind == "number":
        lr = 0.25
    elif kind == "constant":
        lr = tf.constant(0.25)
    elif kind == "placeholder":
        lr = tf.placeholder(tf.float32, [])
        feed = {lr: 0.25}
    elif kind == "callable":
        lr = lambda: 0.25  # noqa: E731
    else:
        lr = tf.Variable(0.25, trainable=False)
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, feed)
        np.testing.assert_allclose(sess.run(W), [1.0 - 0.25 * 2.0, -2.0 + 0.25 * 4.0])


def test_float64_variable_with_python_learning_rate_casts_a_float32_constant():
    W = tf.Variable(np.array([1.0], np.float64))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(W * W))
    with tf.Session() as sess:
        sess.run(W.initializer)
        sess.run(train)
        assert sess.run(W)[0] == 1.0 - 2.0 * np.float64(np.float32(0.1))


def test_only_trainable_variables_the_loss_depends_on_change():
    W = tf.Variable([1.0, 2.0], name="W")
    untouched = tf.Variable([3.0], name="untouched")
    frozen = tf.Variable([4.0], name="frozen", trainable=False)
    loss = tf.reduce_sum(W * W) + tf.reduce_sum(frozen * W)
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    train = opt.minimize(loss)
    grads_and_vars = opt.compute_gradients(loss)
    assert [v for _, v in grads_and_vars] == [W, untouched]
    assert grads_and_vars[1][0] is None
    assert opt.get_slot(untouched, "momentum") is None and opt.get_slot(frozen, "momentum") is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(untouched)[0] == 3.0 and sess.run(frozen)[0] == 4.0
        assert not np.allclose(sess.run(W), [1.0, 2.0])


def test_var_list_restricts_the_update():
    W = tf.Variable([1.0], name="W")
    b = tf.Variable([1.0], name="b")
    loss = tf.reduce_sum(W * b)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss, var_list=[b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run(W)[0] == 1.0 and sess.run(b)[0] == 0.5


def test_all_gradients_use_the_values_before_the_step():
    # dW = b and db = W: a step must not let one update see the other's new value.
    W = tf.Variable(2.0, name="W")
    b = tf.Variable(3.0, name="b")
    grads_and_vars = list(zip(tf.gradients(W * b, [W, b]), [W, b]))
    train = tf.train.GradientDescentOptimizer(0.5).apply_gradients(grads_and_vars)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run([W, b]) == [2.0 - 0.5 * 3.0, 3.0 - 0.5 * 2.0]


def test_global_step_increments_once_per_run():
    W = tf.Variable([1.0])
    gs = tf.train.get_or_create_global_step()
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.minimize(tf.reduce_sum(W * W), global_step=gs)
    assert train.type == "AssignAdd" and train.name == "Adam"
    assert tf.get_default_graph().get_operation_by_name("Adam/update").type == "NoOp"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(1, 4):
            sess.run(train)
            assert tf.train.global_step(sess, gs) == i
        assert sess.run([W, train.outputs[0]])[1] == 4  # the op's value is the new step


def test_learning_rate_schedule_sees_the_step_before_its_increment():
    W = tf.Variable([0.0])
    gs = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(1.0, gs, 1, 0.5)
    train = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(-W), global_step=gs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        np.testing.assert_allclose(sess.run(W), [1.0 + 0.5 + 0.25])


def test_no_gradient_errors_follow_tf():
    W = tf.Variable([1.0], name="W")
    const_loss = tf.constant(2.0) * 3.0
    with pytest.raises(ValueError, match=r"No gradients provided for any variable, check your "
                                         r"graph for ops that do not support gradients, between "
                                         r"variables \[\"<tf.Variable 'W:0'.*\] and loss "
                                         r"Tensor\(\"mul"):
        tf.train.GradientDescentOptimizer(0.1).minimize(const_loss)
    with pytest.raises(ValueError, match=r"No gradients provided for any variable: \["):
        tf.train.GradientDescentOptimizer(0.1).apply_gradients([(None, W)])
    with pytest.raises(ValueError, match="No variables provided."):
        tf.train.GradientDescentOptimizer(0.1).apply_gradients([])
    tf.reset_default_graph()
    with pytest.raises(ValueError, match="No variables to optimize."):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0) * 2.0)


def test_int_variables_and_losses_are_rejected():
    iv = tf.Variable(3, name="iv")
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.cast(iv, tf.float32) * 2.0,
                                                        var_list=[iv])
    with pytest.raises(ValueError, match=r"Invalid type tf.int32 for Sum(_\d+)?:0, expected: "
                                         r"\[tf.float32, tf.float64, tf.float16\]."):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(iv * 2))
    with pytest.raises(ValueError, match="Invalid type tf.int32 for iv:0"):
        tf.train.GradientDescentOptimizer(0.1).apply_gradients([(tf.constant(1), iv)])


def test_constructor_errors():
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive: 0.0"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        tf.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=-1.0)
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        tf.train.GradientDescentOptimizer(0.1, name="")


def test_gate_graph_and_grad_loss():
    W = tf.Variable([1.0, 2.0])
    loss = W * W
    opt = tf.train.GradientDescentOptimizer(0.5)
    (g, v), = opt.compute_gradients(loss, gate_gradients=opt.GATE_GRAPH,
                                    grad_loss=tf.constant([1.0, 0.0]))
    train = opt.apply_gradients([(g, v)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(g), [2.0, 0.0])
        sess.run(train)
        np.testing.assert_allclose(sess.run(W), [0.0, 2.0])


def test_clipped_gradients_through_apply_gradients():
    W = tf.Variable([3.0, 4.0])
    opt = tf.train.GradientDescentOptimizer(1.0)
    grads, tvars = zip(*opt.compute_gradients(tf.reduce_sum(W * W) / 2.0))
    clipped, norm = tf.clip_by_global_norm(list(grads), 1.0)
    train = opt.apply_gradients(zip(clipped, tvars))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(W), [3.0 - 0.6, 4.0 - 0.8], rtol=1e-6)


def test_variable_constraint_applied_after_update():
    W = tf.Variable([1.0, -1.0], constraint=lambda v: tf.clip_by_value(v, 0.0, 0.8))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(-W))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(W), [0.8, 0.0])


def test_linear_regression_converges():
    # Lecture 3: fit Y = w X + b with plain gradient descent.
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, 100).astype(np.float32)
    y = (3.0 * x + 0.5 + 0.05 * rng.standard_normal(100)).astype(np.float32)
    X = tf.placeholder(tf.float32, name="X")
    Y = tf.placeholder(tf.float32, name="Y")
    w = tf.Variable(0.0, name="weights")
    b = tf.Variable(0.0, name="bias")
    loss = tf.reduce_mean(tf.square(Y - (X * w + b)), name="loss")
    train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(300):
            sess.run(train, {X: x, Y: y})
        got = sess.run([w, b])
    want = np.polyfit(x.astype(np.float64), y.astype(np.float64), 1)
    np.testing.assert_allclose(got, want, atol=1e-3)


def test_every_optimizer_fits_a_small_problem():
    rng = np.random.RandomState(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    true_w = np.array([[1.0], [-2.0], [0.5]], np.float32)
    y = x @ true_w
    for make in [lambda: tf.train.GradientDescentOptimizer(0.1),
                 lambda: tf.train.MomentumOptimizer(0.05, 0.9),
                 lambda: tf.train.AdagradOptimizer(0.5),
                 lambda: tf.train.AdamOptimizer(0.1),
                 lambda: tf.train.RMSPropOptimizer(0.02),
                 lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-2),
                 lambda: tf.train.ProximalGradientDescentOptimizer(0.1),
                 lambda: tf.train.ProximalAdagradOptimizer(0.5)]:
        with tf.Graph().as_default():
            W = tf.Variable(tf.zeros([3, 1]))
            loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(x), W) - y))
            opt = make()
            train = opt.minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(300):
                    sess.run(train)
                assert sess.run(loss) < 1e-2, opt.get_name()


# -- the same steps in real TensorFlow (tf.compat.v1), when the oracle is installed -----------
_TF_SCRIPT = r"""
import json, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
exec(sys.argv[1])
print("REPORT " + json.dumps(run(tf)))
"""

_SHARED = r'''
def run(tf):
    import numpy as np
    rng = np.random.RandomState(3)
    w0 = rng.standard_normal((2, 3)).astype(np.float32)
    b0 = rng.standard_normal(3).astype(np.float32)
    makers = {
        "gd": lambda: tf.train.GradientDescentOptimizer(0.1),
        "momentum": lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
        "adagrad": lambda: tf.train.AdagradOptimizer(0.3),
        "adam": lambda: tf.train.AdamOptimizer(0.1),
        "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
        "rmsprop_c": lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
        "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0),
        "pgd": lambda: tf.train.ProximalGradientDescentOptimizer(0.1, 0.3, 0.2),
        "padagrad": lambda: tf.train.ProximalAdagradOptimizer(0.3, 0.1, 0.05, 0.1),
    }
    out = {}
    for key, make in sorted(makers.items()):
        with tf.Graph().as_default():
            W = tf.Variable(w0, name="W")
            b = tf.Variable(b0, name="b")
            h = tf.tanh(tf.matmul(W, tf.reshape(b, [3, 1])))
            loss = tf.reduce_sum(h * h) + tf.reduce_sum(W * W) * 0.1
            gs = tf.train.get_or_create_global_step()
            lr_scale = tf.train.exponential_decay(1.0, gs, 2, 0.5, staircase=True)
            opt = make()
            grads, tvars = zip(*opt.compute_gradients(loss * lr_scale))
            clipped, _ = tf.clip_by_global_norm(list(grads), 2.0)
            train = opt.apply_gradients(zip(clipped, tvars), global_step=gs)
            names = sorted(v.op.name for v in tf.global_variables())
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(5):
                    sess.run(train)
                values = sess.run({v.op.name: v for v in tf.global_variables()})
            out[key] = {"names": names, "train": train.name,
                        "values": {k: np.asarray(v).tolist() for k, v in values.items()}}
    return out
'''


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(not os.path.exists(ORACLE), reason="real TensorFlow oracle not installed")
def test_matches_tensorflow():
    proc = subprocess.run([ORACLE, "-c", _TF_SCRIPT, _SHARED], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    want = json.loads(proc.stdout.split("REPORT ", 1)[1])
    scope = {}
    exec(_SHARED, scope)
    got = scope["run"](tf)
    assert sorted(got) == sorted(want)
    for key in want:
        assert got[key]["names"] == want[key]["names"], key
        assert got[key]["train"] == want[key]["train"], key
        for name, value in want[key]["values"].items():
            np.testing.assert_allclose(got[key]["values"][name], value, rtol=2e-5, atol=1e-6,
                                       err_msg="%s %s" % (key, name))
