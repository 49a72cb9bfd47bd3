"""Forward, gradient and shape checks for minitf.ops.nn_ops (``tf.nn``).

One table (``CASES``) drives the forward check (value vs a float64 numpy
reference, static vs runtime shape, constants and unknown-shape placeholders)
and the float64 gradient check.  Targeted tests below cover TF 1.x semantics:
v1/v2 label gradients, label range errors, top_k ties, in_top_k rules, the
exact dropout mask, and numerical stability at logits of ±1e4.
"""
import numpy as np
import pytest

import minitf as tf
from minitf.ops import nn_ops
from tests.ops.optest import Case, check_forward, check_gradient
from tests.util import dense_value

rng = np.random.RandomState(7)

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# -- inputs ---------------------------------------------------------------------------------------
def normal(shape, dtype=np.float32, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def away(shape, dtype=np.float32, lo=0.3, hi=2.0):
    """Values in ±[lo, hi]: away from the kink at 0."""
    return (rng.uniform(lo, hi, shape) * rng.choice([-1, 1], shape)).astype(dtype)


def relu6_inputs(shape, dtype=np.float32):
    """Values away from both kinks of relu6 (0 and 6)."""
    pool = np.concatenate([rng.uniform(-3, -0.3, 50), rng.uniform(0.3, 5.7, 50),
                           rng.uniform(6.3, 9, 50)])
    return rng.choice(pool, shape).astype(dtype)


def distinct(shape, dtype=np.float32):
    """Values with no ties along the last axis (for top_k gradients)."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) * 0.37 + rng.uniform(0, 0.1, shape)).astype(dtype)


def onehot(labels, n, dtype=np.float32):
    return np.eye(n, dtype=dtype)[labels]


def soft_labels(shape, dtype=np.float32):
    return np_softmax(normal(shape, np.float64), -1).astype(dtype)


BIG = np.array([[1e4, -1e4, 0.], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], np.float32)


# -- float64 numpy references ---------------------------------------------------------------------
def f64(x):
    return np.asarray(x, np.float64)


def np_log_softmax(x, axis=-1):
    x = f64(x)
    s = x - np.max(x, axis=axis, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def np_softmax(x, axis=-1):
    return np.exp(np_log_softmax(x, axis))


def np_xent(labels, logits, axis=-1):
    return -np.sum(f64(labels) * np_log_softmax(logits, axis), axis=axis)


def np_sparse_xent(labels, logits):
    lp = np_log_softmax(logits)
    return -np.take_along_axis(lp, labels[..., None].astype(np.int64), -1)[..., 0]


def np_sigmoid_xent(labels, logits):
    x, z = f64(logits), f64(labels)
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


def np_weighted_xent(labels, logits, q):
    x, z = f64(logits), f64(labels)
    return (1 - z) * x + (1 + (q - 1) * z) * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))


def np_softplus(x):
    return np.logaddexp(0, f64(x))


def np_elu(x):
    x = f64(x)
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def np_selu(x):
    x = f64(x)
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))


def np_bias_add(x, b, fmt="NHWC"):
    if fmt == "NCHW":
        return f64(x) + f64(b).reshape([-1] + [1] * (x.ndim - 2))
    return f64(x) + f64(b)


def np_bias_add_grad(g, fmt="NHWC"):
    keep = 1 if fmt == "NCHW" else g.ndim - 1
    return np.sum(f64(g), axis=tuple(a for a in range(g.ndim) if a != keep))


def np_top_k(x, k):
    idx = np.argsort(-f64(x), axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, -1), idx.astype(np.int32)


def np_in_top_k(p, t, k):
    out = []
    for row, target in zip(p, t):
        ok = 0 <= target < len(row) and np.all(np.isfinite(row))
        out.append(bool(ok and np.sum(row > row[target]) < k))
    return np.array(out, bool)


def np_moments(x, axes, keepdims=False):
    x = f64(x)
    return (np.mean(x, axis=tuple(axes), keepdims=keepdims),
            np.var(x, axis=tuple(axes), keepdims=keepdims))


def np_l2_normalize(x, axis, eps=1e-12):
    x = f64(x)
    return x / np.sqrt(np.maximum(np.sum(x * x, axis=axis, keepdims=True), eps))


def same(fn):
    """A reference computed in float64 and returned in the first input's dtype."""
    def ref(*xs):
        return np.asarray(fn(*xs)).astype(xs[0].dtype)
    return ref


def grad_ref_xent(labels, logits):
    """d loss / d logits for an upstream gradient of ones: softmax - labels."""
    return np_softmax(logits) - f64(labels)


# -- the table ------------------------------------------------------------------------------------
def activation_cases():
    rows = [
        ("Relu", tf.nn.relu, lambda x: np.maximum(f64(x), 0), away),
        ("Relu6", tf.nn.relu6, lambda x: np.clip(f64(x), 0, 6), relu6_inputs),
        ("Elu", tf.nn.elu, np_elu, away),
        ("Selu", tf.nn.selu, np_selu, away),
        ("Softplus", tf.nn.softplus, np_softplus, lambda s, d=np.float32: normal(s, d, 3)),
        ("Softsign", tf.nn.softsign, lambda x: f64(x) / (1 + np.abs(f64(x))),
         lambda s, d=np.float32: normal(s, d, 3)),
        ("LeakyRelu", tf.nn.leaky_relu, lambda x: np.where(f64(x) > 0, f64(x), 0.2 * f64(x)),
         away),
    ]
    cases = []
    for op_type, fn, ref, gen in rows:
        for dt in (np.float32, np.float64):
            cases.append(Case(op_type, fn, same(ref), [gen((3, 4), dt)], id="%s_%s" % (
                op_type, np.dtype(dt).name)))
        cases.append(Case(op_type, fn, same(ref), [gen((), np.float32)], id=op_type + "_scalar"))
        cases.append(Case(op_type, fn, same(ref), [np.zeros((0, 3), np.float32)],
                          id=op_type + "_empty"))
    cases += [
        Case("Relu", tf.nn.relu, lambda x: np.maximum(x, 0), [rng.randint(-5, 5, (2, 3))],
             grad=False, id="Relu_int32"),
        Case("Relu6", tf.nn.relu6, lambda x: np.clip(x, 0, 6), [rng.randint(-5, 9, (7,))],
             grad=False, id="Relu6_int32"),
        Case("LeakyRelu", lambda x: tf.nn.leaky_relu(x, alpha=0.05),
             same(lambda x: np.where(f64(x) > 0, f64(x), 0.05 * f64(x))), [away((5,))],
             id="LeakyRelu_alpha"),
        Case("Relu", tf.nn.crelu, same(lambda x: np.concatenate(
            [np.maximum(f64(x), 0), np.maximum(-f64(x), 0)], -1)), [away((2, 3))], id="crelu"),
        Case("Sigmoid", tf.nn.swish, same(lambda x: f64(x) / (1 + np.exp(-f64(x)))),
             [normal((2, 3))], id="swish"),
    ]
    return cases


def bias_cases():
    cases = []
    for shape, fmt in [((2, 3), "NHWC"), ((2, 2, 3, 4), "NHWC"), ((2, 4, 3, 2), "NCHW"),
                       ((0, 3), "NHWC"), ((3, 5), "NCHW")]:
        c = shape[1] if fmt == "NCHW" else shape[-1]
        for dt in (np.float32, np.float64):
            cases.append(Case("BiasAdd", lambda x, b, fmt=fmt: tf.nn.bias_add(x, b, fmt),
                              same(lambda x, b, fmt=fmt: np_bias_add(x, b, fmt)),
                              [normal(shape, dt), normal((c,), dt)],
                              id="BiasAdd_%s_%s_%s" % (fmt, "x".join(map(str, shape)),
                                                       np.dtype(dt).name)))
        cases.append(Case("BiasAddGrad",
                          lambda g, fmt=fmt: nn_ops.bias_add_grad(g, fmt),
                          same(lambda g, fmt=fmt: np_bias_add_grad(g, fmt)), [normal(shape)],
                          id="BiasAddGrad_%s_%s" % (fmt, "x".join(map(str, shape)))))
    cases += [
        Case("BiasAdd", lambda x, w, b: tf.nn.xw_plus_b(x, w, b),
             same(lambda x, w, b: f64(x) @ f64(w) + f64(b)),
             [normal((3, 4)), normal((4, 2)), normal((2,))], id="xw_plus_b"),
        Case("BiasAdd", lambda x, w, b: tf.nn.relu_layer(x, w, b),
             same(lambda x, w, b: np.maximum(f64(x) @ f64(w) + f64(b), 0)),
             [away((3, 4)), away((4, 2)), np.array([5., -5.], np.float32)], id="relu_layer"),
    ]
    return cases


def softmax_cases():
    cases = []
    for op_type, fn, ref in [("Softmax", tf.nn.softmax, np_softmax),
                             ("LogSoftmax", tf.nn.log_softmax, np_log_softmax)]:
        for dt in (np.float32, np.float64):
            cases.append(Case(op_type, fn, same(ref), [normal((3, 5), dt)],
                              id="%s_%s" % (op_type, np.dtype(dt).name)))
        cases += [
            Case(op_type, fn, same(ref), [normal((4,))], id=op_type + "_1d"),
            Case(op_type, lambda x, fn=fn: fn(x, axis=1), same(lambda x, ref=ref: ref(x, 1)),
                 [normal((2, 3, 4))], id=op_type + "_axis1"),
            Case(op_type, lambda x, fn=fn: fn(x, dim=0), same(lambda x, ref=ref: ref(x, 0)),
                 [normal((3, 2))], id=op_type + "_dim0"),
            Case(op_type, fn, same(ref), [BIG], id=op_type + "_big", atol=1e-5),
            Case(op_type, fn, same(ref), [np.zeros((0, 4), np.float32)], id=op_type + "_empty"),
        ]
    return cases


def xent_cases():
    v1 = tf.nn.softmax_cross_entropy_with_logits
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits
    sig = tf.nn.sigmoid_cross_entropy_with_logits
    cases = []
    for dt in (np.float32, np.float64):
        cases += [
            Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v2(labels=z, logits=x),
                 same(np_xent), [soft_labels((4, 5), dt), normal((4, 5), dt)],
                 id="xent_v2_" + np.dtype(dt).name),
            Case("SparseSoftmaxCrossEntropyWithLogits", lambda x, z: sparse(labels=z, logits=x),
                 same(lambda x, z: np_sparse_xent(z, x)),
                 [normal((4, 5), dt), rng.randint(0, 5, 4).astype(np.int32)], grad=[0],
                 id="sparse_xent_" + np.dtype(dt).name),
        ]
    cases += [
        Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v1(labels=z, logits=x), same(np_xent),
             [soft_labels((3, 4)), normal((3, 4))], grad=[1], id="xent_v1"),
        Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v2(labels=z, logits=x), same(np_xent),
             [soft_labels((2, 3, 4)), normal((2, 3, 4))], id="xent_3d"),
        Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v2(labels=z, logits=x, axis=0),
             same(lambda z, x: np_xent(z, x, 0)),
             [np.swapaxes(soft_labels((3, 4)), 0, 1).copy(), normal((4, 3))], id="xent_axis0"),
        Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v2(labels=z, logits=x, axis=0),
             same(lambda z, x: np_xent(z, x, 0)),
             [np.moveaxis(soft_labels((3, 4, 5)), 2, 0).copy(), normal((5, 3, 4))],
             id="xent_axis0_3d"),
        Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v1(labels=z, logits=x, dim=1),
             same(lambda z, x: np_xent(z, x, 1)),
             [np.moveaxis(soft_labels((2, 4, 3)), 2, 1).copy(), normal((2, 3, 4))], grad=[1],
             id="xent_v1_dim1_3d"),
        Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v2(labels=z, logits=x), same(np_xent),
             [onehot([0, 2, 1], 3), BIG], id="xent_big"),
        Case("SoftmaxCrossEntropyWithLogits", lambda z, x: v2(labels=z, logits=x), same(np_xent),
             [np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32)], id="xent_empty"),
        # the gradient of the gradient goes through the op's backprop output
        Case("SoftmaxCrossEntropyWithLogits",
             lambda z, x: tf.gradients(v2(labels=z, logits=x), x)[0], same(grad_ref_xent),
             [soft_labels((3, 4), np.float64), normal((3, 4), np.float64)],
             id="xent_second_order"),
        Case("SparseSoftmaxCrossEntropyWithLogits",
             lambda x, z: tf.gradients(sparse(labels=z, logits=x), x)[0],
             same(lambda x, z: np_softmax(x) - onehot(z, x.shape[-1], np.float64)),
             [normal((3, 4), np.float64), np.array([0, 3, 1], np.int32)], grad=[0],
             id="sparse_xent_second_order"),
        Case("SparseSoftmaxCrossEntropyWithLogits", lambda x, z: sparse(labels=z, logits=x),
             same(lambda x, z: np_sparse_xent(z, x)),
             [normal((2, 3, 4)), rng.randint(0, 4, (2, 3)).astype(np.int64)], grad=[0],
             id="sparse_xent_3d_int64"),
        Case("SparseSoftmaxCrossEntropyWithLogits", lambda x, z: sparse(labels=z, logits=x),
             same(lambda x, z: np_sparse_xent(z, x)), [BIG, np.array([1, 0, 2], np.int32)],
             grad=[0], id="sparse_xent_big"),
        Case("SparseSoftmaxCrossEntropyWithLogits", lambda x, z: sparse(labels=z, logits=x),
             same(lambda x, z: np_sparse_xent(z, x)),
             [np.zeros((0, 3), np.float32), np.zeros((0,), np.int32)], grad=[0],
             id="sparse_xent_empty"),
        Case("Select", lambda z, x: sig(labels=z, logits=x), same(np_sigmoid_xent),
             [rng.uniform(0, 1, (3, 4)).astype(np.float32), away((3, 4))], id="sigmoid_xent"),
        Case("Select", lambda z, x: sig(labels=z, logits=x), same(np_sigmoid_xent),
             [rng.uniform(0, 1, (3, 3)), f64(BIG)], id="sigmoid_xent_big"),
        Case("Log1p", lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 2.5),
             same(lambda z, x: np_weighted_xent(z, x, 2.5)),
             [rng.uniform(0, 1, (3, 4)).astype(np.float32), away((3, 4))], id="weighted_xent"),
    ]
    return cases


def statistics_cases():
    return [
        Case("L2Loss", tf.nn.l2_loss, same(lambda x: np.sum(f64(x) ** 2) / 2), [normal((3, 4))],
             id="L2Loss_float32"),
        Case("L2Loss", tf.nn.l2_loss, same(lambda x: np.sum(f64(x) ** 2) / 2),
             [normal((5,), np.float64)], id="L2Loss_float64"),
        Case("L2Loss", tf.nn.l2_loss, same(lambda x: np.sum(f64(x) ** 2) / 2),
             [np.zeros((0, 2), np.float32)], id="L2Loss_empty"),
        Case("Mean", lambda x: tf.nn.moments(x, [0])[0], same(lambda x: np_moments(x, [0])[0]),
             [normal((4, 3))], id="moments_mean"),
        # TF's variance is mean((x - stop_gradient(mean))²): its gradient is exact (the
        # mean's own term is 0 there) but its gradient's gradient misses the mean's
        # dependence on x, as in TF, so these rows check first order only.
        Case("Mean", lambda x: tf.nn.moments(x, [0, 2])[1],
             same(lambda x: np_moments(x, [0, 2])[1]), [normal((4, 3, 2))], id="moments_var",
             grad_order=1),
        Case("Mean", lambda x: tf.nn.moments(x, [1], keep_dims=True)[1],
             same(lambda x: np_moments(x, [1], True)[1]), [normal((2, 5), np.float64)],
             id="moments_keep_dims", grad_order=1),
        Case("Rsqrt", lambda x: tf.nn.l2_normalize(x, 1), same(lambda x: np_l2_normalize(x, 1)),
             [normal((3, 4))], id="l2_normalize_axis1"),
        Case("Rsqrt", lambda x: tf.nn.l2_normalize(x, dim=0),
             same(lambda x: np_l2_normalize(x, 0)), [normal((3, 4), np.float64)],
             id="l2_normalize_dim0"),
        Case("Rsqrt", lambda x: tf.nn.l2_normalize(x), same(lambda x: np_l2_normalize(x, None)),
             [normal((2, 3))], id="l2_normalize_all"),
        Case("Rsqrt", lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
             same(lambda x, m, v, o, s: (f64(x) - m) / np.sqrt(f64(v) + 1e-3) * s + o),
             [normal((4, 3)), normal((3,)), rng.uniform(0.5, 2, 3).astype(np.float32),
              normal((3,)), normal((3,))], id="batch_normalization"),
        Case("Mean", tf.nn.zero_fraction, lambda x: np.float32(np.mean(x == 0)),
             [np.array([[0., 1.], [0., 0.]], np.float32)], grad=False, id="zero_fraction"),
    ]


def np_lrn(x, r=5, bias=1.0, alpha=1.0, beta=0.5):
    """TF's documented formula, one channel at a time."""
    x = f64(x)
    out = np.empty_like(x)
    c = x.shape[-1]
    for d in range(c):
        window = x[..., max(0, d - r):min(c, d + r + 1)]
        out[..., d] = x[..., d] / (bias + alpha * np.sum(window ** 2, axis=-1)) ** beta
    return out


def lrn_cases():
    return [
        Case("LRN", tf.nn.lrn, same(np_lrn), [normal((2, 3, 2, 7))], id="LRN_defaults"),
        Case("LRN", lambda x: tf.nn.local_response_normalization(x, 2, 2.0, 1e-1, 0.75),
             same(lambda x: np_lrn(x, 2, 2.0, 1e-1, 0.75)), [normal((1, 2, 3, 6), np.float64)],
             id="LRN_alexnet_like"),
        # radius wider than the channels: every channel sees all of them
        Case("LRN", lambda x: tf.nn.lrn(x, depth_radius=4, bias=0.5, alpha=0.3, beta=1.0),
             same(lambda x: np_lrn(x, 4, 0.5, 0.3, 1.0)), [normal((1, 1, 2, 3))],
             id="LRN_radius_past_channels"),
        Case("LRN", lambda x: tf.nn.lrn(x, depth_radius=0, bias=1.0, alpha=2.0, beta=0.5),
             same(lambda x: np_lrn(x, 0, 1.0, 2.0, 0.5)), [normal((1, 2, 2, 1))],
             id="LRN_radius_0_one_channel"),
    ]


def test_lrn_rejects_inputs_that_are_not_4d():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Shape must be rank 4 but is rank 3"):
            tf.nn.lrn(tf.zeros([2, 3, 4]))
        x = tf.placeholder(tf.float32)
        y = tf.nn.lrn(x, name="norm1")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="input must be 4-dimensional") as err:
                sess.run(y, {x: np.zeros((2, 2), np.float32)})
        assert err.value.op.name == "norm1"
        with pytest.raises(TypeError):
            tf.nn.lrn(tf.zeros([1, 1, 1, 2], tf.int32))


def selection_cases():
    ties = np.array([[1., 3., 3., 2., 3.], [5., 5., 5., 5., 5.]], np.float32)
    preds = np.array([[0.1, 0.5, 0.5, 0.2], [0.4, 0.3, 0.2, 0.1], [1., 2., np.inf, 0.],
                      [0.3, 0.3, 0.3, 0.3]], np.float32)
    cases = []
    for shape, k, dt in [((6,), 3, np.float32), ((3, 5), 2, np.float64), ((2, 3, 4), 4,
                                                                            np.float32),
                         ((0, 4), 2, np.float32), ((3, 4), 0, np.float32)]:
        x = distinct(shape, dt)
        for out in (0, 1):
            cases.append(Case("TopKV2", lambda x, k=k, out=out: tf.nn.top_k(x, k)[out],
                              lambda x, k=k, out=out: np_top_k(x, k)[out], [x],
                              grad=out == 0, id="TopKV2_%s_k%d_%s" % (
                                  "x".join(map(str, shape)), k, "values indices".split()[out])))
    cases += [
        Case("TopKV2", lambda x: tf.nn.top_k(x, 3)[1], lambda x: np_top_k(x, 3)[1], [ties],
             grad=False, id="TopKV2_ties"),
        Case("TopKV2", lambda x: tf.nn.top_k(x, 2)[0], lambda x: np_top_k(x, 2)[0],
             [np.array([[4, -7, 4, 9], [0, 0, -1, 2]], np.int32)], grad=False,
             id="TopKV2_int32"),
        Case("TopKV2", lambda x: tf.nn.top_k(x, 2)[1], lambda x: np_top_k(x, 2)[1],
             [np.array([3, 250, 7, 250], np.uint8)], grad=False, id="TopKV2_uint8"),
    ]
    for k in (1, 2, 3):
        for tdt in (np.int32, np.int64):
            t = np.array([1, 0, 1, 3], tdt)
            cases.append(Case("InTopKV2", lambda p, t, k=k: tf.nn.in_top_k(p, t, k),
                              lambda p, t, k=k: np_in_top_k(p, t, k), [preds, t], grad=False,
                              id="InTopKV2_k%d_%s" % (k, np.dtype(tdt).name)))
    cases += [
        Case("GatherV2", lambda p, i: tf.nn.embedding_lookup(p, i),
             lambda p, i: p[i], [normal((6, 3)), np.array([[1, 5], [0, 1]], np.int32)],
             grad=[0], id="embedding_lookup"),
        Case("GatherV2", lambda p, i: tf.nn.embedding_lookup(p, i, max_norm=1.0),
             same(lambda p, i: p[i] / np.maximum(np.linalg.norm(f64(p[i]), axis=-1,
                                                                keepdims=True), 1.0)),
             [normal((6, 3), scale=2.0), np.array([1, 5, 0], np.int32)], grad=[0],
             id="embedding_lookup_max_norm"),
    ]
    return cases


CASES = (activation_cases() + bias_cases() + softmax_cases() + xent_cases()
         + statistics_cases() + lrn_cases() + selection_cases())


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad is not False], ids=repr)
def test_gradient(case):
    check_gradient(case)


# -- helpers for targeted tests -------------------------------------------------------------------
def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


# -- activations -----------------------------------------------------------------------------------
def test_relu_family_gradient_is_zero_at_kinks():
    with tf.Graph().as_default():
        x = tf.constant([0., 6.])
        grads = [tf.gradients(f(x), x)[0] for f in (tf.nn.relu, tf.nn.relu6, tf.nn.leaky_relu)]
        relu_g, relu6_g, leaky_g = run(grads)
    np.testing.assert_array_equal(relu_g, [0., 1.])
    np.testing.assert_array_equal(relu6_g, [0., 0.])
    np.testing.assert_allclose(leaky_g, [0.2, 1.])


def test_activation_names_and_op_types():
    with tf.Graph().as_default():
        x = tf.constant([1., -1.])
        assert tf.nn.relu(x, name="act").op.name == "act"
        assert tf.nn.relu(x).op.type == "Relu"
        assert tf.nn.leaky_relu(x, 0.3).op.get_attr("alpha") == pytest.approx(0.3)
        assert tf.nn.xw_plus_b(tf.ones([1, 2]), tf.ones([2, 2]), [1., 2.]).op.type == "BiasAdd"
        assert tf.nn.sigmoid is tf.sigmoid and tf.nn.tanh is tf.tanh


def test_leaky_relu_casts_integers_to_float32():
    with tf.Graph().as_default():
        y = tf.nn.leaky_relu(tf.constant([-10, 10]))
        assert y.dtype == tf.float32
        np.testing.assert_allclose(run(y), [-2., 10.])


def test_float_only_activations_reject_ints():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="Elu"):
            tf.nn.elu(tf.constant([1, 2]))


# -- bias_add -------------------------------------------------------------------------------------
def test_bias_add_shape_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 4"):
            tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([4]))
        with pytest.raises(ValueError, match="must be at least rank 2"):
            tf.nn.bias_add(tf.zeros([3]), tf.zeros([3]))
        with pytest.raises(ValueError, match="must be rank 1"):
            tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([1, 3]))


def test_bias_add_runtime_mismatch_names_the_op():
    with tf.Graph().as_default():
        x, b = tf.placeholder(tf.float32), tf.placeholder(tf.float32)
        y = tf.nn.bias_add(x, b, name="badd")
        with pytest.raises(tf.errors.InvalidArgumentError, match="as many biases") as e:
            run(y, {x: np.zeros((2, 3)), b: np.zeros(4)})
        assert "badd" in str(e.value)


def test_bias_add_gradient_is_bias_add_grad():
    with tf.Graph().as_default():
        x = tf.constant(normal((2, 3, 4)))
        b = tf.constant(normal((3,)))
        y = tf.nn.bias_add(x, b, data_format="NCHW")
        gb = tf.gradients(y, b)[0]
        assert gb.op.type == "BiasAddGrad"
        np.testing.assert_allclose(run(gb), [8., 8., 8.])


# -- softmax and cross entropies ---------------------------------------------------------------
def test_softmax_rank_and_axis_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="at least rank 1"):
            tf.nn.softmax(tf.constant(1.))
        with pytest.raises(ValueError, match="dim"):
            tf.nn.softmax(tf.zeros([2, 3]), axis=2)


def test_v1_gives_labels_no_gradient_and_v2_does():
    with tf.Graph().as_default():
        labels = tf.constant(soft_labels((3, 4), np.float64))
        logits = tf.constant(normal((3, 4), np.float64))
        v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
        assert tf.gradients(v1, labels) == [None]
        g_v2 = tf.gradients(v2, labels)[0]
        assert g_v2 is not None
        g_v1_logits, g_v2_logits, got = run([tf.gradients(v1, logits)[0],
                                             tf.gradients(v2, logits)[0], g_v2])
        with tf.Session() as sess:
            lg = sess.run(logits)
    np.testing.assert_allclose(got, -np_log_softmax(lg), rtol=1e-12)
    np.testing.assert_allclose(g_v1_logits, g_v2_logits)


def test_xent_requires_named_arguments():
    with tf.Graph().as_default():
        x = tf.zeros([2, 3])
        for fn in (tf.nn.softmax_cross_entropy_with_logits,
                   tf.nn.sparse_softmax_cross_entropy_with_logits,
                   tf.nn.sigmoid_cross_entropy_with_logits):
            with pytest.raises(ValueError, match="named arguments"):
                fn(x, x)
            with pytest.raises(ValueError, match="Both labels and logits"):
                fn(logits=x)


def test_xent_returns_loss_of_the_two_output_op():
    with tf.Graph().as_default():
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=[[0., 1.]], logits=[[0., 0.]])
        assert loss.op.type == "SoftmaxCrossEntropyWithLogits" and len(loss.op.outputs) == 2
        loss_v, backprop = run(list(loss.op.outputs))
    np.testing.assert_allclose(loss_v, [np.log(2)], rtol=1e-6)
    np.testing.assert_allclose(backprop, [[0.5, -0.5]])


def test_xent_labels_cast_to_logits_dtype():
    with tf.Graph().as_default():
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(
            labels=tf.constant([[0., 1.]], tf.float32), logits=tf.constant([[0., 0.]],
                                                                           tf.float64))
        assert loss.dtype == tf.float64


@pytest.mark.parametrize("labels, bad", [([1, 10, 3], 10), ([-1, 0, 0], -1)])
def test_sparse_xent_label_out_of_range(labels, bad):
    with tf.Graph().as_default():
        lab = tf.placeholder(tf.int32)
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=tf.zeros([3, 10]))
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            run(loss, {lab: labels})
    msg = str(e.value)
    assert ("Received a label value of %d which is outside the valid range of [0, 10)" % bad
            in msg)
    assert "SparseSoftmaxCrossEntropyWithLogits" in msg


def test_sparse_xent_static_checks():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Rank mismatch"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2, 3], tf.int32),
                                                           logits=tf.zeros([2, 3]))
        with pytest.raises(ValueError, match="Shape mismatch"):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([4], tf.int32),
                                                           logits=tf.zeros([2, 3]))
        with pytest.raises(TypeError):
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2]),
                                                           logits=tf.zeros([2, 3]))
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2], tf.int64),
                                                              logits=tf.zeros([2, 3]))
        assert tf.gradients(loss, loss.op.inputs[1]) == [None]


def test_sigmoid_xent_shape_mismatch():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="logits and labels must have the same shape"):
            tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros([2]), logits=tf.zeros([3]))


# -- stability at ±1e4 -----------------------------------------------------------------------------
STABLE = [
    ("softmax", lambda x, z, i: tf.nn.softmax(x), lambda x, z, i: np_softmax(x)),
    ("log_softmax", lambda x, z, i: tf.nn.log_softmax(x), lambda x, z, i: np_log_softmax(x)),
    ("softmax_xent", lambda x, z, i: tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=z, logits=x), lambda x, z, i: np_xent(z, x)),
    ("sparse_xent", lambda x, z, i: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=i, logits=x), lambda x, z, i: np_sparse_xent(i, x)),
    ("sigmoid_xent", lambda x, z, i: tf.nn.sigmoid_cross_entropy_with_logits(
        labels=z, logits=x), lambda x, z, i: np_sigmoid_xent(z, x)),
    ("softplus", lambda x, z, i: tf.nn.softplus(x), lambda x, z, i: np_softplus(x)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, build, ref", STABLE, ids=[s[0] for s in STABLE])
def test_stable_at_large_logits(name, build, ref, dtype):
    """Values and gradients at ±1e4 are finite and match float64 stable references."""
    x_np = BIG.astype(dtype)
    idx = np.array([1, 0, 2], np.int32)
    z_np = onehot(idx, 3, dtype)
    with tf.Graph().as_default():
        x = tf.constant(x_np)
        y = build(x, tf.constant(z_np), tf.constant(idx))
        v = tf.constant(normal(x_np.shape[:y.shape.ndims], dtype))
        g = tf.gradients(y, x, grad_ys=v)[0]
        got_y, got_g, v_np = run([y, g, v])
    assert np.all(np.isfinite(got_y)) and np.all(np.isfinite(got_g))
    np.testing.assert_allclose(got_y, ref(x_np, z_np, idx), rtol=1e-6, atol=1e-6)
    # reference gradient: central differences of the float64 reference (smooth away from 0)
    x64 = f64(x_np)
    want = np.zeros_like(x64)
    for pos in np.ndindex(x64.shape):
        h = np.zeros_like(x64)
        h[pos] = 1e-3
        want[pos] = np.sum((ref(x64 + h, z_np, idx) - ref(x64 - h, z_np, idx)) * v_np) / 2e-3
    np.testing.assert_allclose(got_g, want, rtol=1e-4, atol=1e-5)


# -- top_k, in_top_k ------------------------------------------------------------------------------
def test_top_k_ties_take_lower_index_first():
    with tf.Graph().as_default():
        v, i = tf.nn.top_k(tf.constant([[1., 3., 3., 2., 3.]]), k=4)
        assert i.dtype == tf.int32
        named = tf.nn.top_k(tf.constant([1., 2.]))
        assert named.values.op.type == "TopKV2" and named.indices.dtype == tf.int32
        values, idx = run([v, i])
    np.testing.assert_array_equal(values, [[3., 3., 3., 2.]])
    np.testing.assert_array_equal(idx, [[1, 2, 4, 3]])


def test_top_k_gradient_goes_to_selected_entries_only():
    with tf.Graph().as_default():
        x = tf.constant([[1., 3., 3., 2.], [4., 0., 4., 4.]])
        v, _ = tf.nn.top_k(x, k=2)
        g = run(tf.gradients(v, x, grad_ys=tf.constant([[10., 20.], [30., 40.]]))[0])
    np.testing.assert_array_equal(g, [[0., 10., 20., 0.], [30., 0., 40., 0.]])


def test_top_k_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="last dimension >= k"):
            tf.nn.top_k(tf.zeros([2, 3]), k=4)
        k = tf.placeholder(tf.int32)
        v, _ = tf.nn.top_k(tf.zeros([2, 3]), k=k)
        assert v.shape.as_list() == [2, None]
        with pytest.raises(tf.errors.InvalidArgumentError, match="at least k columns"):
            run(v, {k: 5})


def test_in_top_k_ties_nonfinite_and_out_of_range():
    with tf.Graph().as_default():
        p = tf.constant([[1., 2., 2., 0.], [1., 2., 2., 0.], [1., 2., 2., 0.],
                         [1., np.nan, 2., 0.], [1., 2., 2., 0.]])
        t = tf.constant([1, 2, 0, 2, 7])
        out = run(tf.nn.in_top_k(p, t, 1))
    np.testing.assert_array_equal(out, [True, True, False, False, False])


# -- dropout ---------------------------------------------------------------------------------------
def test_dropout_mask_is_floor_of_keep_prob_plus_uniform():
    x_np = normal((50, 40))
    with tf.Graph().as_default():
        x = tf.constant(x_np)
        y = tf.nn.dropout(x, keep_prob=0.7, seed=3)
        mask = tf.floor(0.7 + tf.random_uniform([50, 40], seed=3))
        got, m = run([y, mask])
    assert set(np.unique(m)) <= {0., 1.}
    keep = np.float32(1) - np.float32(1 - 0.7)
    np.testing.assert_array_equal(got, (x_np / keep) * m)


def test_dropout_statistics():
    with tf.Graph().as_default():
        y = tf.nn.dropout(tf.ones([200, 500]), keep_prob=0.25, seed=11)
        with tf.Session() as sess:
            a, b = sess.run(y), sess.run(y)
    assert set(np.unique(a)) == {0., 4.}
    assert abs(np.mean(a != 0) - 0.25) < 0.01
    assert abs(np.mean(a) - 1.0) < 0.04
    assert not np.array_equal(a, b)  # a new mask on every run


def test_dropout_rate_placeholder_noise_shape_and_shortcuts():
    with tf.Graph().as_default():
        x = tf.ones([6, 8])
        assert tf.nn.dropout(x, keep_prob=1.0) is x
        assert tf.nn.dropout(x, rate=0.0) is x
        kp = tf.placeholder(tf.float32)
        y_kp = tf.nn.dropout(x, keep_prob=kp, seed=1)
        y_rate = tf.nn.dropout(x, rate=0.5, seed=1)
        y_cols = tf.nn.dropout(x, keep_prob=0.5, noise_shape=[1, 8], seed=2)
        y_rows = tf.nn.dropout(x, keep_prob=0.5, noise_shape=[None, 1], seed=2)
        assert y_kp.shape.as_list() == [6, 8]
        a, b, cols, rows = run([y_kp, y_rate, y_cols, y_rows], {kp: 0.5})
    np.testing.assert_array_equal(a, b)
    assert np.all(cols == cols[:1]) and np.all(rows == rows[:, :1])
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="floating point"):
            tf.nn.dropout(tf.ones([2], tf.int32), 0.5)
        with pytest.raises(ValueError, match=r"range \[0, 1\)"):
            tf.nn.dropout(tf.ones([2]), rate=1.5)
        with pytest.raises(ValueError, match="both"):
            tf.nn.dropout(tf.ones([2]), keep_prob=0.5, rate=0.5)


def test_dropout_gradient_uses_the_same_mask():
    with tf.Graph().as_default():
        x = tf.ones([100])
        y = tf.nn.dropout(x, keep_prob=0.5, seed=5)
        y_v, g = run([y, tf.gradients(y, x)[0]])
    np.testing.assert_array_equal(g, y_v)  # dy/dx = mask / keep_prob = y for x = 1


# -- misc composites ------------------------------------------------------------------------------
def test_moments_returns_reduced_shapes_and_float16_upcast():
    with tf.Graph().as_default():
        m, v = tf.nn.moments(tf.ones([2, 3, 4]), axes=[0, 1])
        assert m.shape.as_list() == [4] and v.shape.as_list() == [4]
        m16, v16 = tf.nn.moments(tf.constant([1., 2., 3., 4.], tf.float16), axes=[0])
        assert m16.dtype == tf.float16
        np.testing.assert_allclose(run([m16, v16]), [2.5, 1.25])


def test_l2_normalize_of_zeros_is_zeros():
    with tf.Graph().as_default():
        np.testing.assert_array_equal(run(tf.nn.l2_normalize(tf.zeros([2, 3]), 1)),
                                      np.zeros((2, 3)))


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_embedding_lookup_partitioned(strategy):
    table = normal((7, 3))
    ids = np.array([[0, 6], [3, 4], [5, 1]], np.int32)
    if strategy == "mod":  # id i lives in partition i % 3, row i // 3
        parts = [table[p::3] for p in range(3)]
    else:  # contiguous blocks, the first ones one row longer
        parts = [table[0:3], table[3:5], table[5:7]]
    with tf.Graph().as_default():
        ps = [tf.constant(p) for p in parts]
        out = tf.nn.embedding_lookup(ps, ids, partition_strategy=strategy)
        grads = tf.gradients(out, ps)
        got, gs = run([out, grads])
    np.testing.assert_allclose(got, table[ids])
    counts = np.bincount(ids.ravel(), minlength=7).astype(np.float32)
    if strategy == "mod":
        want = [np.repeat(counts[p::3, None], 3, 1) for p in range(3)]
    else:
        want = [np.repeat(counts[a:b, None], 3, 1) for a, b in [(0, 3), (3, 5), (5, 7)]]
    for g, w in zip(gs, want):  # each shard's gradient is sparse: the rows it served
        assert isinstance(g, tf.IndexedSlicesValue)
        np.testing.assert_allclose(dense_value(g), w)


def test_embedding_lookup_of_a_variable():
    with tf.Graph().as_default():
        emb = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3))
        out = tf.nn.embedding_lookup(emb, [3, 0])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(out), [[9, 10, 11], [0, 1, 2]])


def test_nn_namespace_lists_the_brief():
    for name in ["sigmoid", "tanh", "relu", "relu6", "elu", "selu", "softplus", "softsign",
                 "leaky_relu", "crelu", "l2_loss", "moments", "l2_normalize", "top_k",
                 "in_top_k", "embedding_lookup", "dropout", "bias_add", "softmax",
                 "log_softmax", "softmax_cross_entropy_with_logits",
                 "softmax_cross_entropy_with_logits_v2",
                 "sparse_softmax_cross_entropy_with_logits",
                 "sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits",
                 "relu_layer", "xw_plus_b", "lrn",
                 "local_response_normalization"]:
        assert callable(getattr(tf.nn, name)), name
