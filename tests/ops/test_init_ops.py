"""Initializers: exact values against the Philox kernels, statistics, shapes and errors."""
import math

import numpy as np
import pytest

import minitf as tf
from minitf.kernels import philox
from minitf.ops import init_ops
from tests.ops.optest import Case, check_forward

G = 87654321
TRUNC_STD = .87962566103423978  # stddev of a unit normal cut at ±2

rng = np.random.RandomState(0)
TALL = rng.standard_normal((6, 4))

CASES = [
    # The factor's columns are orthonormal: Qᵀ Q = I.
    Case("OrthogonalFactor",
         lambda a: tf.matmul(init_ops._orthogonal_factor(a), init_ops._orthogonal_factor(a),
                             transpose_a=True),
         lambda a: np.eye(a.shape[1]), [TALL], grad=False, atol=1e-12),
    Case("OrthogonalFactor", lambda a: init_ops._orthogonal_factor(a, transpose=True),
         lambda a: (np.linalg.qr(a)[0] * np.sign(np.diag(np.linalg.qr(a)[1]))).T,
         [TALL.astype(np.float32)], grad=False, rtol=1e-5, atol=1e-5, id="OrthogonalFactor-T"),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


def run(init, shape, dtype=None):
    """Evaluate ``init(shape)`` in a fresh graph."""
    with tf.Graph().as_default():
        t = init(shape) if dtype is None else init(shape, dtype=dtype)
        assert t.shape.as_list() == list(shape)
        with tf.Session() as sess:
            return sess.run(t)


# -- constant initializers ------------------------------------------------------------------
def test_zeros_ones_constant():
    np.testing.assert_array_equal(run(tf.zeros_initializer(), [2, 3]), np.zeros((2, 3)))
    assert run(tf.zeros_initializer(), [2], tf.int32).dtype == np.int32
    np.testing.assert_array_equal(run(tf.ones_initializer(dtype=tf.float64), [4]), np.ones(4))
    np.testing.assert_array_equal(run(tf.constant_initializer(2.5), [2, 2]), np.full((2, 2), 2.5))
    got = run(tf.constant_initializer([[1, 2], [3, 4]]), [2, 2], tf.int64)
    np.testing.assert_array_equal(got, [[1, 2], [3, 4]])
    assert got.dtype == np.int64
    np.testing.assert_array_equal(run(tf.constant_initializer([1, 2, 3, 4]), [2, 2]),
                                  [[1, 2], [3, 4]])


def test_constant_initializer_rejects_bad_values():
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer({"a": 1})
    with tf.Graph().as_default():
        with pytest.raises(TypeError):
            tf.constant_initializer([1, 2], verify_shape=True)([3])


# -- random initializers: exact values ----------------------------------------------------------
def test_random_uniform_initializer_exact():
    got = run(tf.random_uniform_initializer(-0.5, 0.25, seed=3), [3, 4])
    want = philox.uniform(G, 3, 0, 12).reshape(3, 4) * np.float32(0.75) + np.float32(-0.5)
    np.testing.assert_array_equal(got, want)


def test_random_normal_initializer_exact():
    got = run(tf.random_normal_initializer(1.0, 0.5, seed=4, dtype=tf.float64), [5])
    np.testing.assert_array_equal(got, philox.normal(G, 4, 0, 5, np.float64) * 0.5 + 1.0)


def test_truncated_normal_initializer_exact():
    got = run(tf.truncated_normal_initializer(stddev=0.1, seed=5), [4, 4])
    want = philox.truncated_normal(G, 5, 0, 16).reshape(4, 4) * np.float32(0.1) + np.float32(0)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode, fan", [("fan_in", 3 * 3 * 16), ("fan_out", 3 * 3 * 8),
                                       ("fan_avg", 3 * 3 * 12)])
def test_variance_scaling_truncated_exact(mode, fan):
    shape = [3, 3, 16, 8]
    got = run(tf.variance_scaling_initializer(2.0, mode, seed=6), shape)
    stddev = math.sqrt(2.0 / fan) / TRUNC_STD
    want = philox.truncated_normal(G, 6, 0, n_of(shape)).reshape(shape) * np.float32(stddev)
    np.testing.assert_array_equal(got, want + np.float32(0))


def n_of(shape):
    return int(np.prod(shape))


def test_variance_scaling_untruncated_and_uniform_exact():
    got = run(tf.variance_scaling_initializer(3.0, "fan_out", "untruncated_normal", seed=7),
              [10, 20])
    want = philox.normal(G, 7, 0, 200).reshape(10, 20) * np.float32(math.sqrt(3.0 / 20))
    np.testing.assert_array_equal(got, want + np.float32(0))
    got = run(tf.variance_scaling_initializer(3.0, "fan_in", "uniform", seed=8), [10, 20])
    limit = np.float32(math.sqrt(3.0 * 3.0 / 10))
    u = philox.uniform(G, 8, 0, 200).reshape(10, 20)
    np.testing.assert_array_equal(got, u * (limit - -limit) + -limit)


def test_glorot_uniform_bounds_and_variance():
    fan_in, fan_out = 300, 500
    got = run(tf.glorot_uniform_initializer(seed=1), [fan_in, fan_out])
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    assert np.all(np.abs(got) <= limit)
    assert np.abs(got).max() > 0.99 * limit
    np.testing.assert_allclose(got.var(), limit**2 / 3, rtol=0.02)
    np.testing.assert_array_equal(got, run(tf.initializers.glorot_uniform(seed=1),
                                           [fan_in, fan_out]))


def test_glorot_normal_stddev():
    got = run(tf.glorot_normal_initializer(seed=2), [400, 600])
    target = math.sqrt(2.0 / 1000)
    assert np.all(np.abs(got) < 2 * target / TRUNC_STD)
    np.testing.assert_allclose(got.std(), target, rtol=0.02)


def test_he_lecun_and_variance_scaling_stats():
    for init, var in [(tf.initializers.he_normal(seed=1), 2.0 / 500),
                      (tf.initializers.he_uniform(seed=1), 2.0 / 500),
                      (tf.initializers.lecun_normal(seed=1), 1.0 / 500),
                      (tf.initializers.lecun_uniform(seed=1), 1.0 / 500),
                      (tf.variance_scaling_initializer(seed=1), 1.0 / 500)]:
        np.testing.assert_allclose(run(init, [500, 400]).var(), var, rtol=0.03)


def test_uniform_unit_scaling_bounds():
    got = run(tf.uniform_unit_scaling_initializer(1.5, seed=3), [5, 5, 100])
    limit = math.sqrt(3.0 / 25) * 1.5
    assert np.all(np.abs(got) <= limit) and np.abs(got).max() > 0.99 * limit


def test_xavier_initializer():
    got = run(init_ops.xavier_initializer(seed=4), [100, 200])
    limit = math.sqrt(6.0 / 300)
    u = philox.uniform(G, 4, 0, 20000).reshape(100, 200)
    np.testing.assert_array_equal(got, u * (np.float32(limit) - np.float32(-limit))
                                  + np.float32(-limit))
    got = run(init_ops.xavier_initializer(uniform=False, seed=4), [100, 200])
    want = philox.truncated_normal(G, 4, 0, 20000).reshape(100, 200) * np.float32(
        math.sqrt(1.3 * 2 / 300))
    np.testing.assert_array_equal(got, want + np.float32(0))


def test_graph_seed_applies_to_initializers():
    with tf.Graph().as_default():
        tf.set_random_seed(9)
        a = tf.glorot_uniform_initializer()([2, 2])
        b = tf.random_normal_initializer()([3])
        with tf.Session() as sess:
            ga, gb = sess.run([a, b])
    limit = np.float32(math.sqrt(6.0 / 4))
    np.testing.assert_array_equal(ga, philox.uniform(9, 0, 0, 4).reshape(2, 2)
                                  * (limit - -limit) + -limit)
    np.testing.assert_array_equal(gb, philox.normal(9, 1, 0, 3) * np.float32(1) + np.float32(0))


# -- orthogonal and identity ------------------------------------------------------------------
@pytest.mark.parametrize("shape", [[6, 4], [4, 4], [3, 5], [3, 3, 4, 8]])
def test_orthogonal(shape):
    got = run(tf.orthogonal_initializer(gain=2.0, seed=5, dtype=tf.float64), shape)
    flat = got.reshape(-1, shape[-1]) / 2.0
    if flat.shape[0] >= flat.shape[1]:
        np.testing.assert_allclose(flat.T @ flat, np.eye(flat.shape[1]), atol=1e-12)
    else:
        np.testing.assert_allclose(flat @ flat.T, np.eye(flat.shape[0]), atol=1e-12)


def test_orthogonal_is_sign_fixed_qr_of_the_normal_draw():
    got = run(tf.orthogonal_initializer(seed=6, dtype=tf.float64), [5, 3])
    q, r = np.linalg.qr(philox.normal(G, 6, 0, 15, np.float64).reshape(5, 3))
    np.testing.assert_allclose(got, q * np.sign(np.diag(r)), atol=1e-12)


def test_orthogonal_needs_2d():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="at least two-dimensional"):
            tf.orthogonal_initializer()([4])


def test_identity_initializer():
    np.testing.assert_array_equal(run(tf.initializers.identity(gain=3.0), [2, 3]),
                                  3.0 * np.eye(2, 3))
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="2D matrices"):
            tf.initializers.identity()([2, 2, 2])


# -- argument checks and config -----------------------------------------------------------------
def test_variance_scaling_argument_errors():
    with pytest.raises(ValueError, match="`scale` must be positive float."):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode` argument"):
        tf.variance_scaling_initializer(mode="fan_middle")
    with pytest.raises(ValueError, match="Invalid `distribution` argument"):
        tf.variance_scaling_initializer(distribution="cauchy")


def test_float_only_initializers_reject_int_dtypes():
    for cls in (tf.random_normal_initializer, tf.truncated_normal_initializer,
                tf.glorot_uniform_initializer, tf.orthogonal_initializer):
        with pytest.raises(ValueError, match="Expected floating point type, got"):
            cls(dtype=tf.int32)


def test_random_uniform_initializer_allows_ints():
    got = run(tf.random_uniform_initializer(0, 10, seed=1, dtype=tf.int32), [50])
    assert got.dtype == np.int32 and got.min() >= 0 and got.max() < 10


def test_get_config_round_trip():
    init = tf.variance_scaling_initializer(2.0, "fan_avg", "uniform", seed=3)
    again = tf.variance_scaling_initializer.from_config(init.get_config())
    assert again.get_config() == init.get_config()


def test_initializers_namespace():
    for name in ("constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
                 "identity", "lecun_normal", "lecun_uniform", "ones", "orthogonal",
                 "random_normal", "random_uniform", "truncated_normal", "uniform_unit_scaling",
                 "variance_scaling", "zeros", "variables", "global_variables",
                 "local_variables"):
        assert callable(getattr(tf.initializers, name)), name
    assert tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
