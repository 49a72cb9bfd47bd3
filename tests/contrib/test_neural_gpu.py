"""minitf.contrib.neural_gpu: the CGRU step and the training tricks of the Neural GPU."""
import numpy as np
import pytest

import minitf as tf
from minitf.contrib import neural_gpu as ngpu
from minitf.framework.indexed_slices import IndexedSlicesValue


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_cutoff_sigmoid(x, cutoff):
    return np.clip(cutoff * np_sigmoid(x) - (cutoff - 1) / 2, 0.0, 1.0)


def np_conv_same(state, kernel, bias):
    """'SAME' correlation of [b, W, H, m] with an odd [kw, kh, m, n] kernel, plus bias."""
    kw, kh = kernel.shape[:2]
    padded = np.pad(state, [(0, 0), (kw // 2, kw // 2), (kh // 2, kh // 2), (0, 0)])
    width, height = state.shape[1:3]
    out = np.zeros(state.shape[:3] + kernel.shape[3:])
    for u in range(kw):
        for v in range(kh):
            out += padded[:, u:u + width, v:v + height, :] @ kernel[u, v]
    return out + bias


def np_conv_gru(s, w, cutoff):
    """The paper's CGRU step, with w[name] the weights fetched from the session."""
    u = np_cutoff_sigmoid(np_conv_same(s, w["update/kernel"], w["update/bias"]), cutoff)
    r = np_cutoff_sigmoid(np_conv_same(s, w["reset/kernel"], w["reset/bias"]), cutoff)
    c = np.tanh(np_conv_same(r * s, w["candidate/kernel"], w["candidate/bias"]))
    return u * s + (1 - u) * c


# -- cutoff_sigmoid ------------------------------------------------------------------------

@pytest.mark.parametrize("cutoff", [1.0, 1.2, 1.5])
def test_cutoff_sigmoid_values(cutoff):
    x = np.linspace(-6, 6, 49)
    with tf.Graph().as_default(), tf.Session() as sess:
        y = ngpu.cutoff_sigmoid(tf.constant(x), cutoff)
        assert y.dtype == tf.float64 and y.shape.as_list() == [49]
        got = sess.run(y)
    np.testing.assert_allclose(got, np_cutoff_sigmoid(x, cutoff), rtol=1e-12, atol=1e-15)
    if cutoff > 1:                              # saturates at exactly 0 and 1
        assert got[0] == 0.0 and got[-1] == 1.0
    assert abs(got[24] - 0.5) < 1e-12


def test_cutoff_sigmoid_default_is_1_2_sigmoid_minus_0_1():
    x = np.float32([-3.0, -1.0, 0.0, 0.5, 2.0, 4.0])
    with tf.Graph().as_default(), tf.Session() as sess:
        got = sess.run(ngpu.cutoff_sigmoid(x, name="gate"))
        assert tf.get_default_graph().get_tensor_by_name("gate:0") is not None
    expected = np.clip(1.2 * np_sigmoid(x.astype(np.float64)) - 0.1, 0, 1)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError):
        ngpu.cutoff_sigmoid(x, cutoff=0.5)


def test_cutoff_sigmoid_gradient_is_the_true_one():
    rng = np.random.RandomState(0)
    # points away from the two kinks at sigma(x) = 1/12 and 11/12 (x = -+2.398)
    x = np.concatenate([rng.uniform(-2.2, 2.2, 20), rng.uniform(2.6, 6, 5),
                        rng.uniform(-6, -2.6, 5)])
    upstream = rng.randn(x.size)
    with tf.Graph().as_default(), tf.Session() as sess:
        xt = tf.constant(x)
        y = ngpu.cutoff_sigmoid(xt)
        grad = sess.run(tf.gradients(y, xt, grad_ys=tf.constant(upstream))[0])
    sig = np_sigmoid(x)
    inside = np.abs(x) < 2.398
    expected = np.where(inside, 1.2 * sig * (1 - sig), 0.0) * upstream
    np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-14)
    assert np.all(grad[~inside] == 0.0)
    # central differences of the numpy function agree too
    h = 1e-6
    numeric = (np_cutoff_sigmoid(x + h, 1.2) - np_cutoff_sigmoid(x - h, 1.2)) / (2 * h)
    np.testing.assert_allclose(grad, numeric * upstream, rtol=1e-6, atol=1e-9)


# -- conv_gru ------------------------------------------------------------------------------

def _weights(sess, prefix):
    return {v.op.name[len(prefix) + 1:]: sess.run(v) for v in tf.global_variables()
            if v.op.name.startswith(prefix + "/")}


@pytest.mark.parametrize("kernel_width,kernel_height,cutoff", [(3, 3, 1.2), (3, 1, 1.5),
                                                               (5, 3, 1.0)])
def test_conv_gru_matches_numpy(kernel_width, kernel_height, cutoff):
    rng = np.random.RandomState(kernel_width + kernel_height)
    s = rng.uniform(-1, 1, (2, 7, 3, 4))
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        # a wide initializer so the gates saturate in places and the clip is exercised
        with tf.variable_scope("net", initializer=tf.random_normal_initializer(stddev=0.8)):
            out = ngpu.conv_gru(tf.constant(s), kernel_width, "cgru", cutoff=cutoff,
                                kernel_height=kernel_height)
        assert out.shape.as_list() == [2, 7, 3, 4] and out.dtype == tf.float64
        names = sorted(v.op.name for v in tf.global_variables())
        assert names == ["net/cgru/%s/%s" % (g, k) for g in ("candidate", "reset", "update")
                         for k in ("bias", "kernel")]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(out)
            w = _weights(sess, "net/cgru")
    assert w["update/kernel"].shape == (kernel_width, kernel_height, 4, 4)
    np.testing.assert_array_equal(w["update/bias"], np.ones(4))
    np.testing.assert_array_equal(w["candidate/bias"], np.zeros(4))
    np.testing.assert_allclose(got, np_conv_gru(s, w, cutoff), rtol=1e-10, atol=1e-12)
    if cutoff > 1:
        gate = np_cutoff_sigmoid(np_conv_same(s, w["update/kernel"], w["update/bias"]), cutoff)
        assert 0 < np.mean((gate == 0) | (gate == 1)) < 1


def test_conv_gru_on_a_tape_of_unknown_width_and_its_gradient():
    rng = np.random.RandomState(3)
    s = rng.uniform(-1, 1, (1, 5, 2, 3))
    direction = rng.randn(*s.shape)
    upstream = rng.randn(*s.shape)
    with tf.Graph().as_default():
        tape = tf.placeholder(tf.float64, [None, None, 2, 3])
        out = ngpu.conv_gru(tape, 3, "cgru")
        loss = tf.reduce_sum(out * upstream)
        grad = tf.gradients(loss, tape)[0]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            g = sess.run(grad, {tape: s})
            h = 1e-6
            plus, minus = (sess.run(loss, {tape: s + sign * h * direction}) for sign in (1, -1))
            wide = sess.run(out, {tape: rng.uniform(-1, 1, (2, 9, 2, 3))})
    assert wide.shape == (2, 9, 2, 3)
    np.testing.assert_allclose(np.sum(g * direction), (plus - minus) / (2 * h), rtol=1e-6)


def test_conv_gru_variables_shared_by_reuse_and_separate_by_prefix():
    with tf.Graph().as_default():
        tape = tf.zeros([1, 4, 1, 2])
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            a = tape
            for _ in range(3):
                a = ngpu.conv_gru(a, 3, "cgru")
        with tf.variable_scope("relaxed"):
            b = tape
            for t in range(4):
                b = ngpu.conv_gru(b, 3, ngpu.relaxed_prefix("cgru", t, 2), name="step%d" % t)
                if t == 1:
                    with pytest.raises(ValueError):     # same prefix, no reuse
                        ngpu.conv_gru(b, 3, "cgru0")
                    break
        shared = [v for v in tf.global_variables() if v.op.name.startswith("shared/")]
        relaxed = [v for v in tf.global_variables() if v.op.name.startswith("relaxed/")]
        assert len(shared) == 6 and len(relaxed) == 12
        assert {v.op.name.split("/")[1] for v in relaxed} == {"cgru0", "cgru1"}
    with pytest.raises(ValueError):
        ngpu.conv_gru(tf.zeros([2, 3]), 3, "flat")


def test_relaxed_prefix_cycles():
    assert [ngpu.relaxed_prefix("cgru", t, 3) for t in range(7)] == [
        "cgru0", "cgru1", "cgru2", "cgru0", "cgru1", "cgru2", "cgru0"]
    assert ngpu.relaxed_prefix("p", 5, 1) == "p0"
    with pytest.raises(ValueError):
        ngpu.relaxed_prefix("p", 1, 0)


# -- relaxation_pull -----------------------------------------------------------------------

def test_relaxation_pull_zero_when_equal_and_the_sum_of_squares_otherwise():
    rng = np.random.RandomState(5)
    with tf.Graph().as_default():
        tape = tf.zeros([1, 4, 1, 2])
        with tf.variable_scope("ngpu"):
            for t in range(3):
                tape = ngpu.conv_gru(tape, 3, ngpu.relaxed_prefix("cgru", t, 3))
            other = tf.get_variable("output", [2, 2])        # not relaxed: left out
        pull = ngpu.relaxation_pull("cgru", 3)
        groups = {}
        for v in tf.trainable_variables():
            if v is not other:
                groups.setdefault(v.op.name.replace("cgru0", "*").replace("cgru1", "*")
                                  .replace("cgru2", "*"), []).append(v)
        assert len(groups) == 6 and all(len(vs) == 3 for vs in groups.values())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            # every copy set to the same values: no pull at all
            for vs in groups.values():
                value = rng.randn(*vs[0].shape.as_list())
                for v in vs:
                    v.load(value, sess)
            sess.run(other.assign(other + 5.0))
            assert sess.run(pull) == 0.0
            # different values: sum over weights and copies of the squared distance to the mean
            values = {}
            for vs in groups.values():
                for v in vs:
                    values[v.op.name] = rng.randn(*v.shape.as_list()).astype(np.float32)
                    v.load(values[v.op.name], sess)
            got = sess.run(pull)
    expected = 0.0
    for vs in groups.values():
        stack = np.stack([values[v.op.name] for v in vs]).astype(np.float64)
        expected += np.sum((stack - stack.mean(0)) ** 2)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_relaxation_pull_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            ngpu.relaxation_pull("cgru", 2)
        with tf.variable_scope("a"):
            tf.get_variable("cgru0/w", [2])
            tf.get_variable("cgru1/w", [2])
            tf.get_variable("cgru0/b", [2])
        with pytest.raises(ValueError, match="sets \\[1\\]"):
            ngpu.relaxation_pull("cgru", 2)
        only_w = [v for v in tf.trainable_variables() if v.op.name.endswith("/w")]
        assert ngpu.relaxation_pull("cgru", 2, variables=only_w).dtype == tf.float32
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(ngpu.relaxation_pull("cgru", 1)) == 0.0   # one set: no pull


# -- state dropout and gradient noise ------------------------------------------------------

def test_state_dropout_is_tf_nn_dropout_per_number_or_per_cell():
    ones = np.ones((8, 50, 2, 6), np.float32)
    with tf.Graph().as_default(), tf.Session() as sess:
        each = sess.run(ngpu.state_dropout(tf.constant(ones), 0.9, seed=3))
        cells = sess.run(ngpu.state_dropout(tf.constant(ones), 0.9, whole_cells=True, seed=3))
        same = sess.run(tf.nn.dropout(tf.constant(ones), 0.9, seed=3))
    np.testing.assert_array_equal(each, same)
    for dropped in (each, cells):
        assert set(np.unique(dropped)) <= {0.0, np.float32(1 / 0.9)}
        assert 0.05 < np.mean(dropped == 0) < 0.15      # 10% expected, 4800 draws
    assert np.all(cells == cells[..., :1])              # a cell keeps or loses all channels
    assert not np.all(each == each[..., :1])


def test_gradient_noise_stddev_schedule():
    with tf.Graph().as_default(), tf.Session() as sess:
        step = tf.placeholder(tf.int64, [])
        stddev = ngpu.gradient_noise_stddev(step, eta=0.3)
        for t in (0, 1, 10, 1000):
            np.testing.assert_allclose(sess.run(stddev, {step: t}),
                                       np.sqrt(0.3 / (1.0 + t) ** 0.55), rtol=1e-6)
        custom = ngpu.gradient_noise_stddev(step, eta=1.0, gamma=1.0)
        np.testing.assert_allclose(sess.run(custom, {step: 3}), 0.5, rtol=1e-6)


def test_add_gradient_noise_statistics_and_pass_through():
    n = 40000
    with tf.Graph().as_default():
        a = tf.Variable(tf.zeros([n]))
        b = tf.Variable(tf.zeros([n]))
        unused = tf.Variable(1.0)
        stddev = tf.placeholder(tf.float32, [])
        pairs = [(tf.zeros([n]), a), (tf.ones([n]), b), (None, unused)]
        noisy = ngpu.add_gradient_noise(pairs, stddev, seed=7)
        assert noisy[2] == (None, unused)
        assert noisy[0][1] is a and noisy[1][1] is b
        with tf.Session() as sess:
            ga, gb = sess.run([noisy[0][0], noisy[1][0]], {stddev: 0.5})
            again = sess.run(noisy[0][0], {stddev: 0.5})
        with tf.Session() as sess:
            fresh = sess.run(noisy[0][0], {stddev: 0.5})
    # mean of n draws of N(0, 0.25): standard error 0.5 / 200 = 0.0025; allow 5 of them
    assert abs(ga.mean()) < 0.0125 and abs(gb.mean() - 1.0) < 0.0125
    # sample std: relative standard error about 1 / sqrt(2n) = 0.0035; allow 5 of them
    assert abs(ga.std() - 0.5) < 0.5 * 0.018 and abs(gb.std() - 0.5) < 0.5 * 0.018
    assert abs(np.corrcoef(ga, gb - 1.0)[0, 1]) < 0.03   # pairs draw different noise
    assert not np.array_equal(ga, again)                  # new noise every run ...
    np.testing.assert_array_equal(ga, fresh)              # ... the same stream per session


def test_add_gradient_noise_keeps_indexed_slices_sparse():
    with tf.Graph().as_default():
        emb = tf.Variable(tf.zeros([10, 3], tf.float64))
        loss = tf.reduce_sum(tf.nn.embedding_lookup(emb, [1, 4, 4]))
        opt = tf.train.GradientDescentOptimizer(1.0)
        grads = opt.compute_gradients(loss, [emb])
        assert isinstance(grads[0][0], tf.IndexedSlices)
        noisy = ngpu.add_gradient_noise(grads, 0.1, seed=1)
        g = noisy[0][0]
        assert isinstance(g, tf.IndexedSlices) and g.values.dtype == tf.float64
        train = opt.apply_gradients(noisy)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run(g)
            sess.run(train)
            after = sess.run(emb)
    assert isinstance(value, IndexedSlicesValue)
    np.testing.assert_array_equal(value.indices, [1, 4, 4])
    assert value.values.shape == (3, 3) and np.all(np.abs(value.values - 1.0) > 0)
    untouched = [i for i in range(10) if i not in (1, 4)]
    assert np.all(after[untouched] == 0.0) and np.all(after[[1, 4]] != 0.0)


# -- curriculum ----------------------------------------------------------------------------

def test_curriculum_raises_the_length_when_the_error_is_low():
    cur = ngpu.Curriculum(2, 4, threshold=0.1, window=3)
    assert cur.length == 2 and cur.history == [(0, 2)]
    step = 0
    for error in (0.5, 0.05, 0.05):                    # mean 0.2: stays
        step += 1
        assert not cur.record(2, error, step)
    step += 1
    assert cur.record(2, 0.05, step)                   # last three: 0.05: raised at step 4
    assert cur.length == 3 and cur.history == [(0, 2), (4, 3)]
    assert not cur.record(2, 0.0, 5)                   # a shorter length does not count
    for step in (6, 7):
        assert not cur.record(3, 0.0, step)            # window not full yet
    assert cur.record(3, 0.0, 8) and cur.length == 4
    for step in range(9, 20):
        assert not cur.record(4, 0.0, step)            # the top: never above max_length
    assert cur.length == 4 and cur.done
    assert cur.history == [(0, 2), (4, 3), (8, 4)]
    assert [cur.length_at(s) for s in (0, 3, 4, 7, 8, 100)] == [2, 2, 3, 3, 4, 4]


def test_curriculum_samples_mostly_the_current_length():
    rng = np.random.RandomState(0)
    cur = ngpu.Curriculum(3, 10, shorter=0.25)
    assert {cur.sample_length(rng) for _ in range(50)} == {3}   # nothing shorter exists
    cur.length = 8
    draws = np.array([cur.sample_length(rng) for _ in range(4000)])
    assert draws.max() == 8 and draws.min() == 3
    assert abs(np.mean(draws < 8) - 0.25) < 0.03
    with pytest.raises(ValueError):
        ngpu.Curriculum(5, 4)
    assert not ngpu.Curriculum(2, 2).done
