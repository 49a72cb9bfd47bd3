"""The table-driven op checker shared by the per-family op tests.

A ``Case`` names an op type, how to build it from input tensors, a numpy
reference, and input arrays.  ``check_forward`` compares values and checks the
static shape against the runtime shape; ``check_gradient`` compares
``tf.gradients`` with central differences along random directions in float64.
Every family test module exposes its cases in a ``CASES`` list, and
``tests/ops/test_registry.py`` fails when a registered op type is in no table.
"""
import numpy as np

import minitf as tf


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
        known_rank: the unknown-shape forward run feeds placeholders of known rank
            (all dimensions unknown) instead of unknown rank, for builders that
            need static ranks (e.g. ``tensordot``).
    """

    def __init__(self, op_type, build, ref, inputs, grad=True, rtol=1e-6, atol=1e-6, id=None,
                 grad_rtol=1e-4, known_rank=False):
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

    def __repr__(self):
        return self.id


def check_forward(case):
    """Value matches the reference; static shape agrees with the runtime shape."""
    g = tf.Graph()
    with g.as_default():
        consts = [tf.constant(x) for x in case.inputs]
        out = case.build(*consts)
        phs = [tf.placeholder(tf.as_dtype(x.dtype),
                              shape=[None] * x.ndim if case.known_rank else None)
               for x in case.inputs]
        out_unknown = case.build(*phs)
        with tf.Session() as sess:
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
    assert static.is_fully_defined(), "static shape not inferred from constant inputs: %s" % (
        static,)
    assert out.dtype == tf.as_dtype(np.asarray(got).dtype) or np.ndim(got) == 0, (
        out.dtype, np.asarray(got).dtype)
    return got


def check_gradient(case, eps=1e-6, seed=0):
    """Directional derivative check of ``tf.gradients`` in float64."""
    rng = np.random.RandomState(seed)
    xs = [x.astype(np.float64) if x.dtype.kind == "f" else x for x in case.inputs]
    which = [i for i, x in enumerate(xs) if x.dtype.kind == "f"]
    if case.grad is not True:
        which = list(case.grad)
    g = tf.Graph()
    with g.as_default():
        phs = [tf.placeholder(tf.as_dtype(x.dtype), shape=x.shape) for x in xs]
        out = case.build(*phs)
        v_t = tf.placeholder(tf.float64, shape=None)
        grads = tf.gradients(out, [phs[i] for i in which], grad_ys=v_t)
        with tf.Session() as sess:
            y0 = sess.run(out, dict(zip(phs, xs)))
            v = rng.standard_normal(np.shape(y0))
            feed = dict(zip(phs, xs))
            feed[v_t] = v
            got = sess.run([gr if gr is not None else tf.constant(0.0, tf.float64)
                            for gr in grads], feed)
            us = [rng.standard_normal(xs[i].shape) for i in which]
            analytic = sum(float(np.sum(np.asarray(gv) * u)) for gv, u in zip(got, us))

            def f(t):
                shifted = list(xs)
                for i, u in zip(which, us):
                    shifted[i] = xs[i] + t * u
                return float(np.sum(sess.run(out, dict(zip(phs, shifted))) * v))
            numeric = (f(eps) - f(-eps)) / (2 * eps)
    assert np.isclose(analytic, numeric, rtol=case.grad_rtol, atol=1e-6), (analytic, numeric)
