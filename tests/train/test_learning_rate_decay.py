"""Learning-rate schedules against their formulas in numpy, over a range of steps."""
import math

import numpy as np
import pytest

import minitf as tf

STEPS = list(range(0, 25)) + [50, 99, 100, 101, 1000]


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def _exponential(lr, k, ds, rate, staircase=False):
    p = k / ds
    return lr * rate ** (math.floor(p) if staircase else p)


def _polynomial(lr, k, ds, end=0.0001, power=1.0, cycle=False):
    if cycle:
        ds = ds * (1.0 if k == 0 else math.ceil(k / ds))
    else:
        k = min(k, ds)
    return (lr - end) * (1 - k / ds) ** power + end


def _natural_exp(lr, k, ds, rate, staircase=False):
    p = k / ds
    return lr * math.exp(-rate * (math.floor(p) if staircase else p))


def _inverse_time(lr, k, ds, rate, staircase=False):
    p = k / ds
    return lr / (1 + rate * (math.floor(p) if staircase else p))


def _cosine(lr, k, ds, alpha=0.0):
    k = min(k, ds)
    return lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * k / ds)) + alpha)


def _piecewise(k, bounds, values):
    for b, v in zip(bounds, values):
        if k <= b:
            return v
    return values[-1]


SCHEDULES = [
    ("exponential", lambda s: tf.train.exponential_decay(0.1, s, 7, 0.5),
     lambda k: _exponential(0.1, k, 7, 0.5)),
    ("exponential_staircase", lambda s: tf.train.exponential_decay(0.1, s, 7, 0.5, True),
     lambda k: _exponential(0.1, k, 7, 0.5, True)),
    ("polynomial", lambda s: tf.train.polynomial_decay(0.1, s, 10),
     lambda k: _polynomial(0.1, k, 10)),
    ("polynomial_power", lambda s: tf.train.polynomial_decay(0.1, s, 10, 0.01, power=0.5),
     lambda k: _polynomial(0.1, k, 10, 0.01, 0.5)),
    ("polynomial_cycle", lambda s: tf.train.polynomial_decay(0.1, s, 7, 0.01, power=2.0,
                                                             cycle=True),
     lambda k: _polynomial(0.1, k, 7, 0.01, 2.0, True)),
    ("natural_exp", lambda s: tf.train.natural_exp_decay(0.1, s, 5, 0.3),
     lambda k: _natural_exp(0.1, k, 5, 0.3)),
    ("natural_exp_staircase", lambda s: tf.train.natural_exp_decay(0.1, s, 5, 0.3, True),
     lambda k: _natural_exp(0.1, k, 5, 0.3, True)),
    ("inverse_time", lambda s: tf.train.inverse_time_decay(0.1, s, 5, 0.5),
     lambda k: _inverse_time(0.1, k, 5, 0.5)),
    ("inverse_time_staircase", lambda s: tf.train.inverse_time_decay(0.1, s, 5, 0.5, True),
     lambda k: _inverse_time(0.1, k, 5, 0.5, True)),
    ("cosine", lambda s: tf.train.cosine_decay(0.1, s, 20), lambda k: _cosine(0.1, k, 20)),
    ("cosine_alpha", lambda s: tf.train.cosine_decay(0.1, s, 20, alpha=0.1),
     lambda k: _cosine(0.1, k, 20, 0.1)),
    ("piecewise", lambda s: tf.train.piecewise_constant(s, [5, 10, 20], [1.0, 0.5, 0.1, 0.01]),
     lambda k: _piecewise(k, [5, 10, 20], [1.0, 0.5, 0.1, 0.01])),
]


@pytest.mark.parametrize("name,build,ref", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_formula(name, build, ref):
    step = tf.placeholder(tf.int64, [])
    lr = build(step)
    assert lr.shape.ndims == 0 and lr.dtype == tf.float32
    with tf.Session() as sess:
        got = [sess.run(lr, {step: k}) for k in STEPS]
    np.testing.assert_allclose(got, [ref(k) for k in STEPS], rtol=2e-6, atol=1e-9)


@pytest.mark.parametrize("name,build,ref", SCHEDULES[:-1], ids=[s[0] for s in SCHEDULES[:-1]])
def test_schedule_follows_the_global_step_variable(name, build, ref):
    gs = tf.train.get_or_create_global_step()
    lr = build(gs)
    bump = tf.assign_add(gs, 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for k in range(0, 30, 3):
            np.testing.assert_allclose(sess.run(lr), ref(k), rtol=2e-6)
            sess.run(bump)


def test_float64_learning_rate_keeps_its_dtype():
    step = tf.placeholder(tf.int32, [])
    for lr in [tf.train.exponential_decay(tf.constant(0.1, tf.float64), step, 3, 0.5),
               tf.train.cosine_decay(tf.constant(0.1, tf.float64), step, 3),
               tf.train.polynomial_decay(tf.constant(0.1, tf.float64), step, 3, cycle=True)]:
        assert lr.dtype == tf.float64
    with tf.Session() as sess:
        # Python-number arguments become float32 constants first, as in TF.
        np.testing.assert_allclose(sess.run(lr, {step: 4}), _polynomial(0.1, 4, 3, cycle=True),
                                   rtol=1e-7)


def test_names():
    step = tf.placeholder(tf.int64, [])
    assert tf.train.exponential_decay(0.1, step, 3, 0.5).op.name == "ExponentialDecay"
    assert tf.train.exponential_decay(0.1, step, 3, 0.5, name="lr").op.name == "lr"
    assert tf.train.polynomial_decay(0.1, step, 3).op.name == "PolynomialDecay"
    assert tf.train.inverse_time_decay(0.1, step, 3, 0.5).op.name == "InverseTimeDecay"
    assert tf.train.piecewise_constant(step, [1], [1.0, 2.0]).op.name.startswith(
        "PiecewiseConstant/")


def test_piecewise_constant_dtypes_and_errors():
    x = tf.placeholder(tf.int32, [])
    lr = tf.train.piecewise_constant(x, [2], [1, 2])  # int values work too
    assert lr.dtype == tf.int32
    with tf.Session() as sess:
        assert [sess.run(lr, {x: k}) for k in (1, 2, 3)] == [1, 1, 2]
    with pytest.raises(ValueError, match="The length of boundaries should be 1 less than the "
                                         "length of values"):
        tf.train.piecewise_constant(x, [1, 2], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"Boundaries \(float32\) must have the same dtype as "
                                         r"x \(int32\)"):
        tf.train.piecewise_constant(x, [1.5], [1.0, 2.0])
    with pytest.raises(ValueError, match="Values must have elements all with the same dtype"):
        tf.train.piecewise_constant(x, [1], [1.0, 2])
    fx = tf.placeholder(tf.float32, [])
    flr = tf.train.piecewise_constant(fx, [0.5, 1.5], [1.0, 2.0, 3.0])
    with tf.Session() as sess:
        assert [sess.run(flr, {fx: k}) for k in (0.5, 0.6, 1.5, 1.6)] == [1.0, 2.0, 2.0, 3.0]


def test_global_step_is_required():
    for fn in (tf.train.exponential_decay, tf.train.natural_exp_decay,
               tf.train.inverse_time_decay):
        with pytest.raises(ValueError, match="global_step is required for %s." % fn.__name__):
            fn(0.1, None, 10, 0.5)
    with pytest.raises(ValueError, match="global_step is required for polynomial_decay."):
        tf.train.polynomial_decay(0.1, None, 10)
    with pytest.raises(ValueError, match="global_step is required for cosine_decay."):
        tf.train.cosine_decay(0.1, None, 10)


def test_global_step_helpers():
    assert tf.train.get_global_step() is None
    gs = tf.train.get_or_create_global_step()
    assert gs.op.name == "global_step" and gs.dtype == tf.int64 and gs.shape.ndims == 0
    assert not gs.trainable
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [gs]
    assert gs in tf.global_variables() and gs not in tf.trainable_variables()
    assert tf.train.get_or_create_global_step() is gs
    assert tf.train.get_global_step() is gs
    with pytest.raises(ValueError, match='"global_step" already exists.'):
        tf.train.create_global_step()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        step = tf.train.global_step(sess, gs)
        assert step == 0 and type(step) is int


def test_global_step_found_by_name_and_checked():
    with tf.Graph().as_default() as g:
        with tf.name_scope("deep"):
            gs = tf.train.create_global_step(g)
        assert gs.op.name == "global_step"  # created at the top level
    with tf.Graph().as_default():
        v = tf.Variable(0, name="global_step", dtype=tf.int64)
        assert tf.train.get_global_step().op is v.op
    with tf.Graph().as_default():
        tf.Variable(0.0, name="global_step")
        with pytest.raises(TypeError, match='Existing "global_step" does not have integer type'):
            tf.train.get_global_step()
    with tf.Graph().as_default():
        tf.add_to_collection(tf.GraphKeys.GLOBAL_STEP, tf.Variable([1, 2]))
        with pytest.raises(TypeError, match='Existing "global_step" is not scalar'):
            tf.train.get_global_step()
