"""nce_loss and sampled_softmax_loss against numpy formulas on fixed samples, their limits,
their gradients (float64 finite differences) and a short NCE training run."""
import numpy as np
import pytest

import minitf as tf
from tests.util import dense_value

RS = np.random.RandomState(0)
V, D, B = 12, 4, 5
W = RS.randn(V, D) * 0.5
BIAS = RS.randn(V) * 0.1
X = RS.randn(B, D)
Y = np.array([[3, 0], [7, 7], [1, 11], [0, 5], [9, 3]], np.int64)
SAMPLED = np.array([3, 8, 0, 5, 10], np.int64)
TRUE_Q = RS.uniform(0.2, 0.9, (B, 2))
SAMPLED_Q = RS.uniform(0.2, 0.9, 5)


def reference_logits(w, b, x, labels, remove_hits):
    """TF's sampled logits in numpy: true then sampled, each less log(expected count)."""
    true = np.einsum("bd,bkd->bk", x, w[labels]) + b[labels] - np.log(TRUE_Q)
    sampled = x @ w[SAMPLED].T + b[SAMPLED] - np.log(SAMPLED_Q)
    if remove_hits:
        for i in range(len(labels)):
            for label in labels[i]:
                sampled[i, SAMPLED == label] -= np.finfo(np.float32).max
    return np.concatenate([true, sampled], 1)


def sampled_values(dtype=tf.float64):
    return (tf.constant(SAMPLED), tf.constant(TRUE_Q, dtype), tf.constant(SAMPLED_Q, dtype))


def softplus(z):
    return np.logaddexp(0, z)


@pytest.mark.parametrize("remove_hits", [False, True])
def test_nce_loss_is_logistic_loss_on_true_and_sampled(remove_hits):
    with tf.Graph().as_default():
        loss = tf.nn.nce_loss(tf.constant(W), tf.constant(BIAS), Y, tf.constant(X), 5, V,
                              num_true=2, sampled_values=sampled_values(),
                              remove_accidental_hits=remove_hits)
        got = tf.Session().run(loss)
    logits = reference_logits(W, BIAS, X, Y, remove_hits)
    # target 1/num_true for the true columns, 0 for the sampled ones
    target = np.concatenate([np.full((B, 2), 0.5), np.zeros((B, 5))], 1)
    want = (softplus(logits) - target * logits).sum(1)
    assert got.shape == (B,)
    np.testing.assert_allclose(got, want, rtol=1e-9)


@pytest.mark.parametrize("remove_hits", [True, False])
def test_sampled_softmax_loss_is_cross_entropy_over_the_sampled_logits(remove_hits):
    with tf.Graph().as_default():
        loss = tf.nn.sampled_softmax_loss(tf.constant(W), tf.constant(BIAS), Y, tf.constant(X),
                                          5, V, num_true=2, sampled_values=sampled_values(),
                                          remove_accidental_hits=remove_hits)
        got = tf.Session().run(loss)
    logits = reference_logits(W, BIAS, X, Y, remove_hits)
    log_z = np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1)) + logits.max(1)
    want = log_z - logits[:, :2].mean(1)
    np.testing.assert_allclose(got, want, rtol=1e-9)


def full_softmax_loss(w, b, x, y):
    logits = x @ w.T + b
    return np.log(np.exp(logits).sum(1)) - logits[np.arange(len(y)), y[:, 0]]


def test_sampled_softmax_over_every_class_is_the_full_softmax():
    labels = Y[:, :1]
    with tf.Graph().as_default():
        everything = tf.nn.all_candidate_sampler(labels, 1, V, unique=True)
        loss = tf.nn.sampled_softmax_loss(tf.constant(W), tf.constant(BIAS), labels,
                                          tf.constant(X), V, V, sampled_values=everything)
        got = tf.Session().run(loss)
    np.testing.assert_allclose(got, full_softmax_loss(W, BIAS, X, labels), rtol=1e-6)


def test_sampled_softmax_approaches_the_full_softmax_as_num_sampled_grows():
    rs = np.random.RandomState(1)
    v, d, b = 500, 8, 64
    w, bias, x = rs.randn(v, d) * 0.3, rs.randn(v) * 0.1, rs.randn(b, d)
    labels = rs.randint(0, v, (b, 1)).astype(np.int64)
    full = full_softmax_loss(w, bias, x, labels).mean()
    gaps = []
    with tf.Graph().as_default():
        for k in [5, 50, 250, 490]:
            loss = tf.reduce_mean(tf.nn.sampled_softmax_loss(
                tf.constant(w), tf.constant(bias), labels, tf.constant(x), k, v, seed=3))
            with tf.Session() as sess:
                gaps.append(abs(np.mean([sess.run(loss) for _ in range(30)]) - full))
    assert gaps[0] > gaps[1] > gaps[2] > gaps[3]
    assert gaps[3] < 0.01 * full  # (a few classes short of all 500, the gap is noise)


def numeric_gradient(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


@pytest.mark.parametrize("loss_fn", ["nce_loss", "sampled_softmax_loss"])
@pytest.mark.parametrize("shards", [1, 3])
def test_gradients_match_finite_differences(loss_fn, shards):
    w, bias, x = W.copy(), BIAS.copy(), X.copy()
    with tf.Graph().as_default():
        w_in = [tf.placeholder(tf.float64, [None, D]) for _ in range(shards)]
        b_in = tf.placeholder(tf.float64, [V])
        x_in = tf.placeholder(tf.float64, [B, D])
        loss = tf.reduce_sum(getattr(tf.nn, loss_fn)(
            w_in if shards > 1 else w_in[0], b_in, Y, x_in, 5, V, num_true=2,
            sampled_values=sampled_values()))
        grads = tf.gradients(loss, w_in + [b_in, x_in])
        sess = tf.Session()

        def feed():
            parts = [w[s::shards] for s in range(shards)]  # the 'mod' strategy's shards
            return {**dict(zip(w_in, parts)), b_in: bias, x_in: x}

        def value():
            return sess.run(loss, feed())
        got = [dense_value(g) for g in sess.run(grads, feed())]
        want_w = numeric_gradient(value, w)
        for s in range(shards):
            np.testing.assert_allclose(got[s], want_w[s::shards], rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(got[-2], numeric_gradient(value, bias), rtol=1e-5,
                                   atol=1e-8)
        np.testing.assert_allclose(got[-1], numeric_gradient(value, x), rtol=1e-5, atol=1e-8)


def test_weight_gradient_is_sparse_over_the_used_rows():
    with tf.Graph().as_default():
        w = tf.constant(W)
        loss = tf.nn.nce_loss(w, tf.constant(BIAS), Y, tf.constant(X), 5, V, num_true=2,
                              sampled_values=sampled_values())
        g, = tf.gradients(loss, w)
        assert isinstance(g, tf.IndexedSlices)
        rows = tf.Session().run(g).indices
    assert set(rows) == set(Y.ravel()) | set(SAMPLED)


def test_nce_trains_a_word_to_its_context():
    # each of 30 "words" has one context word; NCE alone must learn the full-softmax argmax
    v, d = 30, 16
    context = (np.arange(v) * 7 + 3) % v
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        inputs = tf.placeholder(tf.int32, [None])
        labels = tf.placeholder(tf.int64, [None, 1])
        emb = tf.Variable(tf.random_uniform([v, d], -1, 1))
        nce_w = tf.Variable(tf.truncated_normal([v, d], stddev=1 / np.sqrt(d)))
        nce_b = tf.Variable(tf.zeros([v]))
        embed = tf.nn.embedding_lookup(emb, inputs)
        loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, labels, embed, 6, v))
        step = tf.train.AdagradOptimizer(0.5).minimize(loss)
        predict = tf.argmax(tf.matmul(embed, nce_w, transpose_b=True) + nce_b, 1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = {inputs: np.arange(v), labels: context[:, None]}
            first = sess.run(loss, feed)
            for _ in range(300):
                sess.run(step, feed)
            last, guess = sess.run([loss, predict], feed)
    assert last < first / 3
    assert np.mean(guess == context) >= 0.9


def test_bad_labels_shape():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"labels must have shape \[batch_size, num_true\]"):
            tf.nn.nce_loss(tf.constant(W), tf.constant(BIAS), Y[:, 0], tf.constant(X), 5, V)
