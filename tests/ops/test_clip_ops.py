"""Clipping: clip_by_norm, clip_by_global_norm, global_norm, clip_by_average_norm.

They are compositions of other ops (no new op types), so the table rows name the
public function; values come from numpy and gradients from central differences.
"""
import numpy as np
import pytest

import minitf as tf
from tests.ops.optest import Case, check_forward, check_gradient

R = np.random.RandomState(7)


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def _np_clip_by_norm(t, c, axes=None):
    norm = np.sqrt(np.sum(t * t, axis=None if axes is None else tuple(axes), keepdims=True))
    return (t * c / np.maximum(norm, c)).astype(t.dtype)


def _np_global_norm(ts):
    return np.sqrt(sum(np.sum(np.asarray(t, np.float64) ** 2) for t in ts if t is not None))


def _np_clip_by_global_norm(ts, c, norm=None):
    norm = _np_global_norm(ts) if norm is None else norm
    scale = c / max(norm, c)
    return [None if t is None else (t * scale).astype(t.dtype) for t in ts]


def _np_clip_by_average_norm(t, c):
    norm = np.sqrt(np.sum(t.astype(np.float64) ** 2))
    return (t * c / np.maximum(norm / t.size, c)).astype(t.dtype)


BIG = R.standard_normal((3, 4)) * 3
ROWS = np.array([[3.0, 4.0], [0.0, 0.0], [0.3, 0.4], [6.0, -8.0]])

CASES = [
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 2.0),
         lambda t: _np_clip_by_norm(t, 2.0), [BIG], id="clip_by_norm_shrinks"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 100.0),
         lambda t: t, [BIG], id="clip_by_norm_keeps_small"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 2.0),
         lambda t: _np_clip_by_norm(t, 2.0), [BIG.astype(np.float32)], rtol=1e-5,
         id="clip_by_norm_float32"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 1.0, axes=[1]),
         lambda t: _np_clip_by_norm(t, 1.0, [1]), [ROWS], grad=False,
         id="clip_by_norm_rows_with_zero_row"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 1.5, axes=[1]),
         lambda t: _np_clip_by_norm(t, 1.5, [1]), [BIG], id="clip_by_norm_axes_1"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 1.5, axes=[0]),
         lambda t: _np_clip_by_norm(t, 1.5, [0]), [BIG], id="clip_by_norm_axes_0"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 1.0, axes=[1, 2]),
         lambda t: _np_clip_by_norm(t, 1.0, [1, 2]), [R.standard_normal((2, 3, 2))],
         id="clip_by_norm_axes_1_2"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 1.0), lambda t: _np_clip_by_norm(t, 1.0),
         [np.array(-3.0)], id="clip_by_norm_scalar"),
    Case("clip_by_norm", lambda t: tf.clip_by_norm(t, 1.0), lambda t: t,
         [np.zeros((0, 3))], grad=False, id="clip_by_norm_empty"),
    Case("clip_by_norm", lambda t, c: tf.clip_by_norm(t, c),
         lambda t, c: _np_clip_by_norm(t, c), [BIG, np.array(2.5)],
         id="clip_by_norm_tensor_clip_norm"),
    Case("global_norm", lambda a, b: tf.global_norm([a, None, b]),
         lambda a, b: _np_global_norm([a, b]), [BIG, R.standard_normal(5)],
         id="global_norm_skips_none"),
    Case("clip_by_global_norm", lambda a, b: tf.clip_by_global_norm([a, b], 2.0)[0][1],
         lambda a, b: _np_clip_by_global_norm([a, b], 2.0)[1], [BIG, R.standard_normal(5)],
         id="clip_by_global_norm"),
    Case("clip_by_global_norm", lambda a, b: tf.clip_by_global_norm([a, b], 50.0)[0][0],
         lambda a, b: a, [BIG, R.standard_normal(5)], id="clip_by_global_norm_keeps_small"),
    Case("clip_by_average_norm", lambda t: tf.clip_by_average_norm(t, 0.2),
         lambda t: _np_clip_by_average_norm(t, 0.2), [BIG.astype(np.float32)], grad=False,
         rtol=1e-5, id="clip_by_average_norm"),
    Case("clip_by_average_norm", lambda t: tf.clip_by_average_norm(t, 5.0),
         lambda t: t, [BIG.astype(np.float32)], grad=False, rtol=1e-5,
         id="clip_by_average_norm_keeps_small"),
    Case("ClipByValue", lambda t: tf.clip_by_value(t, -1.0, 0.5),
         lambda t: np.clip(t, -1.0, 0.5), [BIG], id="clip_by_value_reexported"),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=repr)
def test_gradient(case):
    check_gradient(case)


def test_clip_by_norm_gradient_of_zero_vector_is_finite():
    x = tf.constant([[0.0, 0.0], [3.0, 4.0]])
    g = tf.gradients(tf.reduce_sum(tf.clip_by_norm(x, 1.0, axes=[1])), x)[0]
    with tf.Session() as sess:
        got = sess.run(g)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got[0], [1.0, 1.0])  # inside the ball: identity


def test_clip_by_global_norm_none_entries_and_use_norm():
    a = tf.constant([3.0, 4.0])
    b = tf.constant([[12.0]])
    clipped, norm = tf.clip_by_global_norm([a, None, b], 6.5)
    assert clipped[1] is None and len(clipped) == 3
    fixed, given = tf.clip_by_global_norm([a, b], 1.0, use_norm=tf.constant(10.0))
    with tf.Session() as sess:
        c0, c2, n, f0, f1, g = sess.run([clipped[0], clipped[2], norm, fixed[0], fixed[1],
                                         given])
    assert n == 13.0 and g == 10.0
    np.testing.assert_allclose(c0, [1.5, 2.0])
    np.testing.assert_allclose(c2, [[6.0]])
    np.testing.assert_allclose(f0, [0.3, 0.4])
    np.testing.assert_allclose(f1, [[1.2]])


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_clip_by_global_norm_of_infinite_norm_is_nan():
    clipped, norm = tf.clip_by_global_norm([tf.constant([np.inf, 1.0])], 1.0)
    with tf.Session() as sess:
        values, n = sess.run([clipped[0], norm])
    assert np.isinf(n) and np.all(np.isnan(values))


def test_clip_names_follow_tf():
    x = tf.constant([3.0, 4.0])
    assert tf.clip_by_norm(x, 1.0).op.name == "clip_by_norm"
    assert tf.global_norm([x]).op.name == "global_norm/global_norm"
    clipped, _ = tf.clip_by_global_norm([x, None, x], 1.0)
    assert clipped[2].op.name == "clip_by_global_norm/clip_by_global_norm/_2"
    assert tf.clip_by_average_norm(x, 1.0).op.name == "clip_by_average_norm"


def test_sequence_arguments_are_required():
    with pytest.raises(TypeError, match="t_list should be a sequence"):
        tf.global_norm(tf.constant([1.0]))
    with pytest.raises(TypeError, match="t_list should be a sequence"):
        tf.clip_by_global_norm(tf.constant([1.0]), 1.0)


def test_clip_norm_must_not_broadcast_t():
    with pytest.raises(ValueError):
        tf.clip_by_norm(tf.constant([1.0, 2.0]), tf.constant([[1.0], [2.0]]))
