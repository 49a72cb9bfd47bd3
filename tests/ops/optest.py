"""The table-driven op checker shared by the per-family op tests.

A ``Case`` names an op type, how to build it from input tensors, a numpy
reference, and input arrays.  ``check_forward`` compares values and checks the
static shape against the runtime shape; ``check_gradient`` compares
``tf.gradients`` with central differences along random directions in float64,
and then the gradient of a random projection of that gradient the same way
(second order, as autograd's ``check_grads(order=2)``).

Given a ``Coverage``, a check that passes records the op types whose kernels
ran and whose gradient rules it verified; ``tests/ops/test_registry.py`` runs
every table that way and fails when a registered op never ran or a
differentiable op was never checked.
"""
import numpy as np

import minitf as tf
from tests.util import OpRecorder


class Coverage:
    """Op types seen in passing checks.

    Attributes:
        forward: kernels that ran.
        gradient: gradient rules a numerical check verified (first order, and the
            rules differentiated again in a second-order check).
        gradient2: gradient rules whose own gradient a second-order check verified.
    """

    def __init__(self):
        self.forward, self.gradient, self.gradient2 = set(), set(), set()

# Differentiable ops whose gradient is not itself differentiable (its graph uses
# ops without a gradient), so rows of these ops check first order only.
FIRST_ORDER_ONLY = {
    "If": "the gradient of cond's gradient reads the untaken branch's tensors "
          "(InvalidArgumentError: 'comes from a cond branch that did not run')",
    "While": "while_loop's gradient is a WhileGrad op, which is not differentiable",
    "GRUSequence": "its gradient is the fused GRUSequenceGrad op, which (like TF's fused "
                   "BlockLSTMGrad) has no gradient",
}


class Case:
    """One row of an op table.

    Args:
        op_type: the registered op type the case exercises.
        build: ``build(*input_tensors) -> Tensor``.
        ref: ``ref(*numpy_inputs) -> ndarray``, the reference (numpy or math).
        inputs: list of numpy arrays.
        grad: check the gradient (only for float inputs); indices of inputs to
            differentiate, or True for all float inputs, or False.
        rtol, atol: forward tolerances.
        id: readable test id.
        grad_order: 2 checks the gradient of the gradient too (the default unless
            the op is in ``FIRST_ORDER_ONLY``); 1 checks first order only.
        static_shape: the static shape from constant inputs must be fully defined;
            False for ops whose output length TF's shape function leaves unknown.
        known_rank: the unknown-shape forward run feeds placeholders of known rank
            (all dimensions unknown) instead of unknown rank, for builders that
            need static ranks (e.g. ``tensordot``).
    """

    def __init__(self, op_type, build, ref, inputs, grad=True, rtol=1e-6, atol=1e-6, id=None,
                 grad_rtol=1e-4, known_rank=False, grad_order=None,
                 static_shape=True):
        self.op_type = op_type
        self.build = build
        self.ref = ref
        self.inputs = [np.asarray(x) for x in inputs]
        self.grad = grad
        self.rtol = rtol
        self.atol = atol
        self.grad_rtol = grad_rtol
        self.id = id or op_type
        self.known_rank = known_rank
        self.static_shape = static_shape
        self.grad_order = grad_order or (1 if op_type in FIRST_ORDER_ONLY else 2)

    def __repr__(self):
        return self.id


def check_forward(case, coverage=None):
    """Value matches the reference; static shape agrees with the runtime shape."""
    g = tf.Graph()
    with g.as_default():
        consts = [tf.constant(x) for x in case.inputs]
        out = case.build(*consts)
        phs = [tf.placeholder(tf.as_dtype(x.dtype),
                              shape=[None] * x.ndim if case.known_rank else None)
               for x in case.inputs]
        out_unknown = case.build(*phs)
        with tf.Session() as sess, OpRecorder() as rec:
            got = sess.run(out)
            got2 = sess.run(out_unknown, dict(zip(phs, case.inputs)))
    want = case.ref(*case.inputs)
    for value in (got, got2):
        value = np.asarray(value)
        want_arr = np.asarray(want)
        assert value.shape == want_arr.shape, (value.shape, want_arr.shape)
        if want_arr.dtype.kind in "fc":
            np.testing.assert_allclose(value, want_arr, rtol=case.rtol, atol=case.atol)
        else:
            np.testing.assert_array_equal(value, want_arr)
    static = out.shape
    assert static.is_compatible_with(np.shape(got)), (static, np.shape(got))
    assert static.is_fully_defined() or not case.static_shape, (
        "static shape not inferred from constant inputs: %s" % (static,))
    assert out.dtype == tf.as_dtype(np.asarray(got).dtype) or np.ndim(got) == 0, (
        out.dtype, np.asarray(got).dtype)
    if coverage is not None:
        coverage.forward |= rec.executed
    return got


def check_gradient(case, eps=1e-6, seed=0, coverage=None):
    """Directional derivative check of ``tf.gradients`` in float64, to ``case.grad_order``.

    First order: for a random output weight v and input direction u, the
    analytic ``<dL/dx, u>`` (L = <y, v>) matches ``(L(x + εu) - L(x - εu)) / 2ε``.
    Second order: the same check for ``S(x) = <dL/dx, w>`` with a random w.
    """
    coverage = coverage or Coverage()
    rng = np.random.RandomState(seed)
    xs = [x.astype(np.float64) if x.dtype.kind == "f" else x for x in case.inputs]
    which = [i for i, x in enumerate(xs) if x.dtype.kind == "f"]
    if case.grad is not True:
        which = list(case.grad)
    g = tf.Graph()
    with g.as_default(), OpRecorder() as rec:
        phs = [tf.placeholder(tf.as_dtype(x.dtype), shape=x.shape) for x in xs]
        out = case.build(*phs)
        v_t = tf.placeholder(tf.float64, shape=None)
        grads = _dense(tf.gradients(out, [phs[i] for i in which], grad_ys=v_t))
        first_order_rules = set(rec.differentiated)
        with tf.Session() as sess:
            feed = dict(zip(phs, xs))
            feed[v_t] = rng.standard_normal(np.shape(sess.run(out, feed)))
            loss = tf.reduce_sum(out * tf.cast(v_t, out.dtype))
            _check_directional(sess, loss, grads, phs, xs, which, feed, rng, eps,
                               case.grad_rtol)
            coverage.gradient |= first_order_rules
            coverage.forward |= rec.executed
            if case.grad_order < 2:
                return
            present = [(i, gr) for i, gr in zip(which, grads) if gr is not None]
            if not present:  # no path from the inputs: nothing to differentiate again
                return
            ws = [tf.constant(rng.standard_normal(xs[i].shape)) for i, _ in present]
            proj = tf.add_n([tf.reduce_sum(gr * w) for (_, gr), w in zip(present, ws)])
            grads2 = _dense(tf.gradients(proj, [phs[i] for i in which]))
            _check_directional(sess, proj, grads2, phs, xs, which, feed, rng, eps,
                               case.grad_rtol)
            coverage.gradient |= rec.differentiated  # the rules S's gradient used
            coverage.gradient2 |= first_order_rules
            coverage.forward |= rec.executed


def _dense(grads):
    """Sparse gradients (IndexedSlices) as the dense tensors they stand for."""
    return [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]


def _check_directional(sess, scalar, grads, phs, xs, which, feed, rng, eps, rtol):
    """``<grads, u>`` equals the central difference of ``scalar`` along random u."""
    got = sess.run([gr if gr is not None else tf.constant(0.0, tf.float64) for gr in grads],
                   feed)
    us = [rng.standard_normal(xs[i].shape) for i in which]
    analytic = sum(float(np.sum(np.asarray(gv) * u)) for gv, u in zip(got, us))

    def f(t):
        shifted = dict(feed)
        for i, u in zip(which, us):
            shifted[phs[i]] = xs[i] + t * u
        return float(sess.run(scalar, shifted))
    numeric = (f(eps) - f(-eps)) / (2 * eps)
    assert np.isclose(analytic, numeric, rtol=rtol, atol=1e-6), (analytic, numeric)
