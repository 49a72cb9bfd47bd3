"""Checks for ``tf.losses`` (minitf.ops.losses_impl) against hand-written numpy.

Covers every reduction with scalar, per-example and per-element weights, the
TF 1.x dtype rule (regression losses return float32 even for float64 inputs,
with float64 gradients; cross-entropy losses keep the logits' dtype), label
smoothing, and the LOSSES / REGULARIZATION_LOSSES collections.
"""
import numpy as np
import pytest

import minitf as tf
from tests.ops.test_nn_ops import np_log_softmax, np_sigmoid_xent

rng = np.random.RandomState(3)
R = tf.losses.Reduction


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def np_reduce(losses, weights, reduction):
    """The reference for compute_weighted_loss, in float64."""
    losses = np.asarray(losses, np.float64)
    w = np.broadcast_to(np.asarray(weights, np.float64), losses.shape)
    weighted = losses * w
    total = weighted.sum()
    if reduction == R.NONE:
        return weighted
    if reduction == R.SUM:
        return total
    denom = {R.MEAN: w.sum(), R.SUM_OVER_BATCH_SIZE: losses.size,
             R.SUM_BY_NONZERO_WEIGHTS: np.count_nonzero(w)}[reduction]
    return total / denom if denom else 0.0


# per-element losses of each loss function, in float64
def np_abs(y, p):
    return np.abs(p - y)


def np_mse(y, p):
    return (p - y) ** 2


def np_huber(y, p, d=1.0):
    e = np.abs(p - y)
    return np.where(e <= d, 0.5 * e ** 2, 0.5 * d ** 2 + d * (e - d))


def np_log_loss(y, p, eps=1e-7):
    return -y * np.log(p + eps) - (1 - y) * np.log(1 - p + eps)


def np_hinge(y, x):
    return np.maximum(0, 1 - (2 * y - 1) * x)


Y = rng.uniform(0, 1, (4, 3))
P = rng.uniform(0.05, 0.95, (4, 3))
WEIGHTS = {
    "scalar": 2.0,
    "per_example": rng.uniform(0, 2, (4, 1)) * np.array([[1], [0], [1], [1]]),
    "per_element": rng.uniform(0, 2, (4, 3)) * (rng.uniform(size=(4, 3)) > 0.3),
    "zeros": np.zeros((4, 1)),
}
REGRESSION = [
    ("absolute_difference", tf.losses.absolute_difference, np_abs),
    ("mean_squared_error", tf.losses.mean_squared_error, np_mse),
    ("huber_loss", lambda y, p, **kw: tf.losses.huber_loss(y, p, delta=0.3, **kw),
     lambda y, p: np_huber(y, p, 0.3)),
    ("log_loss", tf.losses.log_loss, np_log_loss),
    ("hinge_loss", lambda y, p, **kw: tf.losses.hinge_loss(y, p * 4 - 2, **kw),
     lambda y, p: np_hinge(y, p * 4 - 2)),
]


@pytest.mark.parametrize("reduction", R.all()[:5])
@pytest.mark.parametrize("wname", sorted(WEIGHTS))
@pytest.mark.parametrize("name, fn, ref", REGRESSION, ids=[r[0] for r in REGRESSION])
def test_regression_losses_every_reduction_and_weighting(name, fn, ref, wname, reduction):
    w = WEIGHTS[wname]
    y = np.round(Y) if name == "hinge_loss" else Y
    with tf.Graph().as_default():
        weights = w if np.ndim(w) == 0 else tf.constant(w, tf.float32)
        loss = fn(tf.constant(y, tf.float32), tf.constant(P, tf.float32), weights=weights,
                  reduction=reduction)
        assert loss.dtype == tf.float32
        assert loss.shape.as_list() == ([4, 3] if reduction == R.NONE else [])
        got = run(loss)
    np.testing.assert_allclose(got, np_reduce(ref(y, P), w, reduction), rtol=2e-5, atol=1e-6)


def test_default_reduction_is_sum_by_nonzero_weights():
    w = WEIGHTS["per_example"]
    with tf.Graph().as_default():
        loss = tf.losses.mean_squared_error(Y, P, weights=w)
        got = run(loss)
    np.testing.assert_allclose(got, np.sum(np_mse(Y, P) * w) / (3 * np.count_nonzero(w)),
                               rtol=1e-5)


def test_cosine_distance():
    a = rng.standard_normal((3, 4))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = rng.standard_normal((3, 4))
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    with tf.Graph().as_default():
        loss = tf.losses.cosine_distance(a, b, axis=1)
        per_row = tf.losses.cosine_distance(a, b, dim=1, reduction=R.NONE)
        assert per_row.shape.as_list() == [3, 1]
        got, rows = run([loss, per_row])
        with pytest.raises(ValueError, match="axis"):
            tf.losses.cosine_distance(a, b)
    np.testing.assert_allclose(got, np.mean(1 - np.sum(a * b, 1)), rtol=1e-5)
    np.testing.assert_allclose(rows[:, 0], 1 - np.sum(a * b, 1), rtol=1e-5, atol=1e-6)


# -- cross entropies ------------------------------------------------------------------------
@pytest.mark.parametrize("smoothing", [0, 0.2])
def test_softmax_cross_entropy(smoothing):
    labels = np.eye(4)[[0, 3, 1]]
    logits = rng.standard_normal((3, 4))
    w = np.array([1., 0.5, 0.])
    with tf.Graph().as_default():
        lab = tf.constant(labels, tf.float32)
        x = tf.constant(logits, tf.float32)
        loss = tf.losses.softmax_cross_entropy(lab, x, weights=w, label_smoothing=smoothing)
        assert tf.gradients(loss, lab) == [None]
        got = run(loss)
    smooth = labels * (1 - smoothing) + smoothing / 4
    per = -np.sum(smooth * np_log_softmax(logits), -1)
    np.testing.assert_allclose(got, np.sum(per * w) / 2, rtol=1e-5)


@pytest.mark.parametrize("smoothing", [0, 0.1])
def test_sigmoid_cross_entropy(smoothing):
    labels = (rng.uniform(size=(3, 2)) > 0.5).astype(np.int32)
    logits = rng.standard_normal((3, 2))
    with tf.Graph().as_default():
        loss = tf.losses.sigmoid_cross_entropy(labels, tf.constant(logits, tf.float32),
                                               label_smoothing=smoothing)
        got = run(loss)
    z = labels * (1 - smoothing) + 0.5 * smoothing
    np.testing.assert_allclose(got, np.mean(np_sigmoid_xent(z, logits)), rtol=1e-5)


def test_sparse_softmax_cross_entropy_squeezes_labels_and_weights():
    logits = rng.standard_normal((4, 3))
    labels = np.array([[2], [0], [1], [1]], np.int64)
    w = np.array([[1.], [2.], [0.], [1.]])
    with tf.Graph().as_default():
        loss = tf.losses.sparse_softmax_cross_entropy(labels, tf.constant(logits, tf.float32),
                                                      weights=w)
        none = tf.losses.sparse_softmax_cross_entropy(labels[:, 0], logits,
                                                      reduction=R.NONE)
        assert none.shape.as_list() == [4]
        got, per = run([loss, none])
    want = -np_log_softmax(logits)[np.arange(4), labels[:, 0]]
    np.testing.assert_allclose(per, want, rtol=1e-6)
    np.testing.assert_allclose(got, np.sum(want * w[:, 0]) / 3, rtol=1e-5)


def test_sparse_softmax_cross_entropy_gradient():
    logits = rng.standard_normal((3, 4))
    labels = np.array([1, 0, 3])
    with tf.Graph().as_default():
        x = tf.constant(logits)
        g = run(tf.gradients(tf.losses.sparse_softmax_cross_entropy(labels, x), x)[0])
    want = (np.exp(np_log_softmax(logits)) - np.eye(4)[labels]) / 3
    np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)


# -- dtypes (FORMATS.md, refined by TF's losses_impl) ----------------------------------------
@pytest.mark.parametrize("name, fn, ref", REGRESSION, ids=[r[0] for r in REGRESSION])
def test_regression_losses_are_float32_for_float64_inputs(name, fn, ref):
    with tf.Graph().as_default():
        y = tf.constant(np.round(Y) if name == "hinge_loss" else Y)
        p = tf.constant(P)
        assert p.dtype == tf.float64
        loss = fn(y, p)
        assert loss.dtype == tf.float32
        g = tf.gradients(loss, p)[0]
        assert g.dtype == tf.float64
        got_g = run(g)
    assert got_g.dtype == np.float64 and got_g.shape == P.shape


def test_mean_squared_error_gradient_values():
    with tf.Graph().as_default():
        p = tf.constant(P)
        g = run(tf.gradients(tf.losses.mean_squared_error(Y, p), p)[0])
    np.testing.assert_allclose(g, 2 * (P - Y) / P.size, rtol=1e-5)


def test_cross_entropy_losses_keep_the_logits_dtype():
    # TF casts the labels to the logits' dtype and casts the reduced loss back
    with tf.Graph().as_default():
        x = tf.constant(rng.standard_normal((2, 3)))
        for loss in (tf.losses.softmax_cross_entropy(np.eye(3)[[0, 2]], x),
                     tf.losses.sigmoid_cross_entropy(np.ones((2, 3)), x),
                     tf.losses.sparse_softmax_cross_entropy([0, 2], x)):
            assert loss.dtype == tf.float64
            assert tf.gradients(loss, x)[0].dtype == tf.float64


def test_compute_weighted_loss_casts_back_to_input_dtype():
    with tf.Graph().as_default():
        losses = tf.constant([1., 2., 3.], tf.float64)
        loss = tf.losses.compute_weighted_loss(losses, weights=[1., 0., 1.])
        assert loss.dtype == tf.float64
        assert run(loss) == pytest.approx(2.0)
        none = tf.losses.compute_weighted_loss(losses, reduction=R.NONE)
        assert none.dtype == tf.float64


# -- errors ------------------------------------------------------------------------------------
def test_weights_must_broadcast_and_reduction_must_be_known():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="weights can not be broadcast"):
            tf.losses.mean_squared_error(Y, P, weights=np.ones(4))
        with pytest.raises(ValueError, match="weights can not be broadcast"):
            tf.losses.mean_squared_error(Y, P, weights=np.ones((2, 3)))
        with pytest.raises(ValueError, match="Invalid Reduction Key"):
            tf.losses.mean_squared_error(Y, P, reduction="avg")
        with pytest.raises(ValueError):
            tf.losses.mean_squared_error(Y, P[:, :2])


# -- collections --------------------------------------------------------------------------------
def test_losses_collection_and_total_loss():
    with tf.Graph().as_default():
        a = tf.losses.mean_squared_error([1., 2.], [2., 4.])
        b = tf.losses.absolute_difference([1., 2.], [2., 4.], scope="second")
        c = tf.losses.absolute_difference([1.], [5.], loss_collection=None)
        assert tf.losses.get_losses() == [a, b]
        assert tf.get_collection(tf.GraphKeys.LOSSES) == [a, b]
        assert tf.losses.get_losses(scope="second") == [b]
        assert c not in tf.losses.get_losses()
        reg0 = tf.losses.get_regularization_loss()
        assert tf.losses.get_regularization_losses() == []
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25))
        custom = tf.constant(10.)
        tf.losses.add_loss(custom)
        assert tf.losses.get_losses()[-1] is custom
        total = tf.losses.get_total_loss()
        assert total.op.name == "total_loss"
        no_reg = tf.losses.get_total_loss(add_regularization_losses=False, name="no_reg")
        reg = tf.losses.get_regularization_loss()
        assert reg.op.name == "total_regularization_loss"
        got = run([reg0, total, no_reg, reg])
    assert got == pytest.approx([0.0, 2.5 + 1.5 + 10 + 0.25, 2.5 + 1.5 + 10, 0.25])


def test_get_total_loss_without_losses_raises():
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            tf.losses.get_total_loss()


def test_loss_names_follow_scopes():
    with tf.Graph().as_default():
        loss = tf.losses.mean_squared_error([1.], [2.])
        assert loss.name.startswith("mean_squared_error/")
        loss2 = tf.losses.softmax_cross_entropy([[1., 0.]], [[0., 0.]], scope="xe")
        assert loss2.name.startswith("xe/")
