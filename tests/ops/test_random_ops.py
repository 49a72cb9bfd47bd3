"""Random ops: TF's exact values, seed derivation, per-session streams, shapes, errors."""
import numpy as np
import pytest

import minitf as tf
from minitf.framework import errors
from minitf.kernels import philox
from tests.ops.optest import Case, check_forward

M = 2**31 - 1
G = 87654321  # the graph seed TF uses when only the op seed is set
S23 = np.array([2, 3], np.int32)


def n_of(shape):
    return int(np.prod(shape))


def uniform_ref(seed, dtype=np.float32, lo=0, hi=1):
    def ref(shape):
        u = philox.uniform(G, seed, 0, n_of(shape), dtype).reshape(shape)
        return u * (dtype(hi) - dtype(lo)) + dtype(lo)
    return ref


def normal_ref(seed, dtype=np.float32, mean=0, std=1, kernel=philox.normal):
    def ref(shape):
        return kernel(G, seed, 0, n_of(shape), dtype).reshape(shape) * dtype(std) + dtype(mean)
    return ref


ONEHOT_LOGITS = np.where(np.eye(3)[[1, 0, 2]] > 0, 0.0, -np.inf).astype(np.float32)

CASES = [
    Case("RandomUniform", lambda s: tf.random_uniform(s, seed=3), uniform_ref(3), [S23],
         grad=False, rtol=0, atol=0),
    Case("RandomUniform", lambda s: tf.random_uniform(s, -2, 5, seed=4),
         uniform_ref(4, lo=-2, hi=5), [np.array([7], np.int64)], grad=False, rtol=0, atol=0,
         id="RandomUniform-range-int64-shape"),
    Case("RandomUniform", lambda s: tf.random_uniform(s, dtype=tf.float64, seed=5),
         uniform_ref(5, np.float64), [np.array([3, 1, 2], np.int32)], grad=False, rtol=0,
         atol=0, id="RandomUniform-float64"),
    Case("RandomUniform", lambda s: tf.random_uniform(s, dtype=tf.float16, seed=5),
         uniform_ref(5, np.float16), [np.array([5], np.int32)], grad=False, rtol=0, atol=0,
         id="RandomUniform-float16"),
    Case("RandomUniform", lambda s: tf.random_uniform(s, seed=3), uniform_ref(3),
         [np.array([0, 3], np.int32)], grad=False, id="RandomUniform-empty"),
    Case("RandomUniform", lambda s: tf.random_uniform(s, seed=3), uniform_ref(3),
         [np.zeros(0, np.int32)], grad=False, id="RandomUniform-scalar"),
    Case("RandomUniformInt", lambda s: tf.random_uniform(s, -3, 17, dtype=tf.int32, seed=6),
         lambda s: philox.uniform_int(G, 6, 0, n_of(s), -3, 17, np.int32).reshape(s), [S23],
         grad=False),
    Case("RandomUniformInt", lambda s: tf.random_uniform(s, 0, 2**40, dtype=tf.int64, seed=6),
         lambda s: philox.uniform_int(G, 6, 0, n_of(s), 0, 2**40, np.int64).reshape(s), [S23],
         grad=False, id="RandomUniformInt-int64"),
    Case("RandomStandardNormal", lambda s: tf.random_normal(s, seed=7), normal_ref(7), [S23],
         grad=False, rtol=0, atol=0),
    Case("RandomStandardNormal", lambda s: tf.random_normal(s, 3.0, 0.5, seed=7),
         normal_ref(7, mean=3, std=0.5), [S23], grad=False, rtol=0, atol=0,
         id="RandomStandardNormal-scaled"),
    Case("RandomStandardNormal", lambda s: tf.random_normal(s, dtype=tf.float64, seed=8),
         normal_ref(8, np.float64), [np.array([5], np.int32)], grad=False, rtol=0, atol=0,
         id="RandomStandardNormal-float64"),
    Case("TruncatedNormal", lambda s: tf.truncated_normal(s, seed=9),
         normal_ref(9, kernel=philox.truncated_normal), [np.array([4, 5], np.int32)],
         grad=False, rtol=0, atol=0),
    Case("TruncatedNormal", lambda s: tf.truncated_normal(s, 1.0, 0.1, tf.float64, seed=9),
         normal_ref(9, np.float64, 1.0, 0.1, philox.truncated_normal),
         [np.array([3, 3], np.int32)], grad=False, rtol=0, atol=0,
         id="TruncatedNormal-float64-scaled"),
    # Shuffling keeps the multiset of rows: their column sums are unchanged.
    Case("RandomShuffle", lambda x: tf.reduce_sum(tf.random_shuffle(x, seed=1), 0),
         lambda x: x.sum(0), [np.arange(12, dtype=np.int32).reshape(6, 2)], grad=False),
    # One finite logit per row: every sample is that class.
    Case("Multinomial", lambda lg: tf.multinomial(lg, 4, seed=2),
         lambda lg: np.repeat(np.argmax(lg, 1)[:, None], 4, 1).astype(np.int64),
         [ONEHOT_LOGITS], grad=False),
    Case("RandomPoissonV2", lambda lam: tf.random_poisson(lam, [5], seed=3),
         lambda lam: np.zeros((5,) + lam.shape, np.float32), [np.zeros(3, np.float32)],
         grad=False),
    Case("RandomGamma", lambda a: tf.random_gamma([4], a, seed=1) * 0.0,
         lambda a: np.zeros((4,) + a.shape, np.float32), [np.array([0.5, 2.0], np.float32)],
         grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


# -- TF's values and streams ------------------------------------------------------------
def test_tf_check_values_and_session_restart():
    with tf.Graph().as_default():
        x = tf.random_uniform([], -10, 10, seed=2)
        with tf.Session() as sess:
            a, b = sess.run(x), sess.run(x)
        with tf.Session() as sess:
            c = sess.run(x)
    # TF 1.x: 3.574932 then -5.9731865 (derived here from the kernel, which matches TF)
    assert np.float32(a) == np.float32(3.574932) and np.float32(b) == np.float32(-5.9731865)
    assert c == a


def test_stream_advances_by_counters_per_run():
    with tf.Graph().as_default():
        x = tf.random_normal([3, 2], seed=11)
        with tf.Session() as sess:
            runs = [sess.run(x) for _ in range(3)]
    step = philox.counters_per_run(6)
    for i, got in enumerate(runs):
        np.testing.assert_array_equal(got, philox.normal(G, 11, i * step, 6).reshape(3, 2))


def test_two_sessions_have_separate_streams():
    with tf.Graph().as_default():
        x = tf.random_uniform([4], seed=5)
        s1, s2 = tf.Session(), tf.Session()
        a1 = s1.run(x)
        a2 = s1.run(x)
        b1 = s2.run(x)
        b2 = s2.run(x)
        s1.close()
        s2.close()
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)


def test_fetching_twice_in_one_run_evaluates_once():
    with tf.Graph().as_default():
        x = tf.random_uniform([3], seed=1)
        y = x + 0.0
        with tf.Session() as sess:
            a, b, c = sess.run([x, x, y])
            d = sess.run(x)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(d, philox.uniform(G, 1, philox.counters_per_run(3), 3))


def test_dynamic_shape():
    with tf.Graph().as_default():
        s = tf.placeholder(tf.int32, [2])
        x = tf.random_uniform(s, seed=3)
        assert x.shape.as_list() == [None, None]
        with tf.Session() as sess:
            a = sess.run(x, {s: [2, 5]})
            b = sess.run(x, {s: [3, 1]})
    np.testing.assert_array_equal(a, philox.uniform(G, 3, 0, 10).reshape(2, 5))
    np.testing.assert_array_equal(b, philox.uniform(G, 3, philox.counters_per_run(10), 3)
                                  .reshape(3, 1))


def test_static_shape_from_list_and_tensorshape():
    with tf.Graph().as_default():
        assert tf.random_normal([2, 3]).shape.as_list() == [2, 3]
        assert tf.truncated_normal(tf.TensorShape([4])).shape.as_list() == [4]
        assert tf.random_uniform((), dtype=tf.float64).shape.as_list() == []
        assert tf.random_uniform([5], maxval=3, dtype=tf.int64).dtype == tf.int64


def test_shape_list_with_tensor():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        x = tf.random_uniform([n, 3], seed=1)
        assert x.shape.as_list() == [None, 3]
        with tf.Session() as sess:
            assert sess.run(x, {n: 4}).shape == (4, 3)


def test_float64_normal_exact():
    with tf.Graph().as_default():
        x = tf.random_normal([1000], dtype=tf.float64, seed=21)
        with tf.Session() as sess:
            got = sess.run(x)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, philox.normal(G, 21, 0, 1000, np.float64))


def test_op_names_follow_tf():
    with tf.Graph().as_default() as g:
        tf.random_uniform([2], seed=1)
        tf.random_normal([2], seed=1)
        tf.truncated_normal([2], seed=1)
        tf.random_uniform([2], maxval=5, dtype=tf.int32, seed=1)
        names = {op.name: op.type for op in g.get_operations()}
    assert names["random_uniform/RandomUniform"] == "RandomUniform"
    assert names["random_uniform"] == "Add"
    assert names["random_normal/RandomStandardNormal"] == "RandomStandardNormal"
    assert names["random_normal/mul"] == "Mul" and names["random_normal"] == "Add"
    assert names["truncated_normal/TruncatedNormal"] == "TruncatedNormal"
    assert names["random_uniform_1"] == "RandomUniformInt"


# -- seeds ------------------------------------------------------------------------------
def seeds_of(t):
    op = next(o for o in [t.op] + [i.op for i in t.op.inputs]
              + [j.op for i in t.op.inputs for j in i.op.inputs] if "seed" in o.attrs)
    return op.get_attr("seed"), op.get_attr("seed2")


def test_get_seed_rules():
    with tf.Graph().as_default():
        assert tf.get_seed(None) == (None, None)
        assert tf.get_seed(5) == (G, 5)
        assert tf.get_seed(-3) == (G, M - 3)
        assert tf.get_seed(M + 4) == (G, 4)
        tf.set_random_seed(0)
        assert tf.get_seed(0) == (0, M)           # (0, 0) would mean "random"
        tf.set_random_seed(M + 10)
        assert tf.get_seed(7) == (10, 7)


def test_graph_seed_counter_numbering():
    with tf.Graph().as_default() as g:
        tf.set_random_seed(42)
        a = tf.random_uniform([1])
        tf.constant(1.0)
        b = tf.random_normal([1], seed=99)       # explicit op seed: counter does not move
        c = tf.truncated_normal([1])
        tf.set_random_seed(43)                   # a new graph seed does not reset it
        d = tf.random_uniform([1])
        assert g.seed == 43
    assert seeds_of(a) == (42, 0)
    assert seeds_of(b) == (42, 99)
    assert seeds_of(c) == (42, 1)
    assert seeds_of(d) == (43, 2)


def test_no_seed_means_random_per_session():
    with tf.Graph().as_default():
        x = tf.random_uniform([8])
        assert seeds_of(x) == (0, 0)
        with tf.Session() as sess:
            a, b = sess.run(x), sess.run(x)
        with tf.Session() as sess:
            c = sess.run(x)
    assert not np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_same_op_seed_gives_equal_values():
    with tf.Graph().as_default():
        x = tf.random_normal([5], seed=3)
        y = tf.random_normal([5], seed=3)
        z = tf.random_normal([5], seed=4)
        with tf.Session() as sess:
            a, b, c = sess.run([x, y, z])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def _program():
    tf.set_random_seed(1234)
    a = tf.random_uniform([3])
    b = tf.random_normal([2, 2])
    c = tf.truncated_normal([4], seed=1)
    with tf.Session() as sess:
        return sess.run([a, b, c])


def test_graph_seed_makes_program_repeatable():
    with tf.Graph().as_default():
        first = _program()
    with tf.Graph().as_default():
        second = _program()
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(first[0], philox.uniform(1234, 0, 0, 3))
    np.testing.assert_array_equal(first[1], philox.normal(1234, 1, 0, 4).reshape(2, 2))


# -- other random ops -----------------------------------------------------------------------
def test_random_shuffle_permutes_rows_and_repeats_per_session():
    value = np.arange(20).reshape(10, 2)
    with tf.Graph().as_default():
        x = tf.random_shuffle(value, seed=3)
        with tf.Session() as sess:
            a, b = sess.run(x), sess.run(x)
        with tf.Session() as sess:
            c = sess.run(x)
    for got in (a, b):
        assert got.shape == (10, 2)
        np.testing.assert_array_equal(np.sort(got[:, 0]), value[:, 0])
        np.testing.assert_array_equal(got[:, 1], got[:, 0] + 1)   # whole rows move
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_multinomial_frequencies():
    p = np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
    with tf.Graph().as_default():
        s = tf.multinomial(tf.constant(np.log(p) + 3.0), 20000, seed=1)
        assert s.dtype == tf.int64 and s.shape.as_list() == [2, 20000]
        s32 = tf.multinomial(np.log(p).astype(np.float32), 5, output_dtype=tf.int32)
        with tf.Session() as sess:
            got, got32 = sess.run([s, s32])
    freq = np.stack([np.bincount(r, minlength=3) / r.size for r in got])
    np.testing.assert_allclose(freq, p, atol=0.015)
    assert got32.dtype == np.int32 and got32.shape == (2, 5)


def test_multinomial_empty():
    with tf.Graph().as_default():
        s = tf.multinomial(tf.zeros([3, 4]), 0)
        with tf.Session() as sess:
            assert sess.run(s).shape == (3, 0)


def test_random_gamma_moments_and_shape():
    alpha = np.array([0.5, 2.0, 9.0])
    beta = np.array([1.0, 2.0, 3.0])
    with tf.Graph().as_default():
        x = tf.random_gamma([20000], alpha, beta, seed=1)
        assert x.shape.as_list() == [20000, 3] and x.dtype == tf.float32
        with tf.Session() as sess:
            got = sess.run(x)
    np.testing.assert_allclose(got.mean(0), alpha / beta, rtol=0.05)
    np.testing.assert_allclose(got.var(0), alpha / beta**2, rtol=0.1)
    assert np.all(got > 0)


def test_random_poisson_moments_and_shape():
    lam = np.array([0.5, 4.0], np.float32)
    with tf.Graph().as_default():
        x = tf.random_poisson(lam, [10000], seed=1)
        xi = tf.random_poisson(lam, [3, 2], dtype=tf.int64, seed=1)
        assert x.shape.as_list() == [10000, 2] and xi.shape.as_list() == [3, 2, 2]
        with tf.Session() as sess:
            got, gi = sess.run([x, xi])
    np.testing.assert_allclose(got.mean(0), lam, rtol=0.05)
    assert gi.dtype == np.int64


def test_random_crop():
    value = np.arange(60).reshape(5, 4, 3)
    with tf.Graph().as_default():
        crop = tf.random_crop(value, [2, 3, 3], seed=4)
        bad = tf.random_crop(value, [6, 1, 1], seed=4)
        with tf.Session() as sess:
            for _ in range(5):
                got = sess.run(crop)
                i, j = got[0, 0, 0] // 12, (got[0, 0, 0] % 12) // 3
                np.testing.assert_array_equal(got, value[i:i + 2, j:j + 3, :])
            with pytest.raises(errors.InvalidArgumentError):
                sess.run(bad)


def test_gradient_flows_to_mean_and_stddev():
    with tf.Graph().as_default():
        mean = tf.constant(1.5, tf.float64)
        std = tf.constant(2.0, tf.float64)
        x = tf.random_normal([10], mean, std, dtype=tf.float64, seed=3)
        dm, ds = tf.gradients(tf.reduce_sum(x), [mean, std])
        with tf.Session() as sess:
            gm, gs = sess.run([dm, ds])
    assert gm == 10.0
    np.testing.assert_allclose(gs, philox.normal(G, 3, 0, 10, np.float64).sum())


# -- errors -----------------------------------------------------------------------------------
def test_integer_uniform_needs_maxval():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Must specify maxval for integer dtype"):
            tf.random_uniform([2], dtype=tf.int32)


def test_integer_uniform_empty_range():
    with tf.Graph().as_default():
        x = tf.random_uniform([2], 3, 3, dtype=tf.int32)
        with tf.Session() as sess:
            with pytest.raises(errors.InvalidArgumentError, match="Need minval < maxval"):
                sess.run(x)


def test_negative_dimension():
    with tf.Graph().as_default():
        s = tf.placeholder(tf.int32, [2])
        x = tf.random_uniform(s)
        with tf.Session() as sess:
            with pytest.raises(errors.InvalidArgumentError, match="Dimension -1 must be >= 0") \
                    as info:
                sess.run(x, {s: [2, -1]})
    assert "RandomUniform" in str(info.value)


def test_bad_dtypes():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="RandomStandardNormal"):
            tf.random_normal([2], dtype=tf.int32)
        with pytest.raises(TypeError):
            tf.random_uniform([2], maxval=3, dtype=tf.bool)
        with pytest.raises(TypeError):
            tf.random_uniform([2.5])


def test_ops_are_not_differentiable():
    from minitf.framework import op_registry
    for t in ("RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal",
              "RandomShuffle", "Multinomial", "RandomGamma", "RandomPoissonV2"):
        assert op_registry.get(t).grad is op_registry.NO_GRADIENT
        assert op_registry.get(t).stateful


def test_threads_running_one_random_op_draw_distinct_runs_of_the_stream():
    import threading
    with tf.Graph().as_default():
        r = tf.random_uniform([4], seed=3)
        with tf.Session() as sess:
            sequential = {tuple(sess.run(r)) for _ in range(400)}
        with tf.Session() as sess:
            drawn = []

            def draw():
                for _ in range(200):
                    drawn.append(tuple(sess.run(r)))
            threads = [threading.Thread(target=draw) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    assert len(drawn) == 400 and set(drawn) == sequential  # each run once, none repeated
