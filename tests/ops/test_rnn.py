"""RNN cells and runners: values against numpy, exact BPTT gradients, sequence lengths,
run-time shapes, the wrappers, TF's errors, and sequence_loss.

(The same programs are compared with real TF in tests/differential/test_rnn_against_tensorflow.)
"""
import warnings

import numpy as np
import pytest

import minitf as tf
from minitf.ops.rnn import _gru_sequence as gru_sequence_op, fused_kernels
from tests.ops.optest import Case, check_forward, check_gradient

rnn_cell = tf.nn.rnn_cell
RNG = np.random.RandomState(0)
X = RNG.randn(3, 6, 4)
LENGTHS = np.array([2, 6, 4], np.int32)


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def numpy_gru(x, lengths, gk, gb, ck, cb, h0=None):
    """The GRU of Cho et al. with TF's layout: [x, h] rows, r then u columns."""
    b, t, _ = x.shape
    n = cb.shape[0]
    h = np.zeros((b, n)) if h0 is None else h0
    outs = np.zeros((b, t, n))
    for s in range(t):
        gates = sigmoid(np.concatenate([x[:, s], h], 1) @ gk + gb)
        r, u = gates[:, :n], gates[:, n:]
        c = np.tanh(np.concatenate([x[:, s], r * h], 1) @ ck + cb)
        new = u * h + (1 - u) * c
        live = (s < lengths)[:, None]
        outs[:, s] = np.where(live, new, 0)
        h = np.where(live, new, h)
    return outs, h


def numpy_lstm(x, lengths, k, bias, forget_bias):
    b, t, _ = x.shape
    n = bias.shape[0] // 4
    c, h, outs = np.zeros((b, n)), np.zeros((b, n)), np.zeros((b, t, n))
    for s in range(t):
        z = np.concatenate([x[:, s], h], 1) @ k + bias
        i, j, f, o = np.split(z, 4, axis=1)
        nc = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
        nh = np.tanh(nc) * sigmoid(o)
        live = (s < lengths)[:, None]
        outs[:, s] = np.where(live, nh, 0)
        c, h = np.where(live, nc, c), np.where(live, nh, h)
    return outs, (c, h)


def run(fetches, feed=None, init=True):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_gru_dynamic_rnn_matches_numpy_with_lengths_and_tf_names():
    x = tf.constant(X)
    out, state = tf.nn.dynamic_rnn(rnn_cell.GRUCell(5), x, sequence_length=LENGTHS,
                                   dtype=tf.float64)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["rnn/gru_cell/gates/kernel", "rnn/gru_cell/gates/bias",
                     "rnn/gru_cell/candidate/kernel", "rnn/gru_cell/candidate/bias"]
    got_out, got_state, weights = run([out, state, tf.global_variables()])
    want_out, want_state = numpy_gru(X, LENGTHS, *weights)
    np.testing.assert_allclose(got_out, want_out, atol=1e-12)
    np.testing.assert_allclose(got_state, want_state, atol=1e-12)
    np.testing.assert_array_equal(weights[1], np.ones(10))  # gates start open, as in TF


def test_basic_lstm_state_tuple_matches_numpy():
    out, state = tf.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(3, forget_bias=0.5), tf.constant(X),
                                   sequence_length=LENGTHS, dtype=tf.float64)
    assert isinstance(state, rnn_cell.LSTMStateTuple)
    got_out, (c, h), (k, b) = run([out, state, tf.global_variables()])
    want_out, (wc, wh) = numpy_lstm(X, LENGTHS, k, b, 0.5)
    np.testing.assert_allclose(got_out, want_out, atol=1e-12)
    np.testing.assert_allclose(c, wc, atol=1e-12)
    np.testing.assert_allclose(h, wh, atol=1e-12)


def numeric_gradient_error(loss, var, feed, sess, count=8, eps=1e-6):
    analytic = sess.run(tf.gradients(loss, var)[0], feed)
    base = sess.run(var) if isinstance(var, tf.Variable) else None
    worst = 0.0
    for _ in range(count):
        idx = tuple(RNG.randint(d) for d in analytic.shape)
        values = []
        for sign in (1, -1):
            if base is None:
                moved = dict(feed)
                moved[var] = feed[var].copy()
                moved[var][idx] += sign * eps
                values.append(sess.run(loss, moved))
            else:
                w = base.copy()
                w[idx] += sign * eps
                var.load(w, sess)
                values.append(sess.run(loss, feed))
        if base is not None:
            var.load(base, sess)
        worst = max(worst, abs((values[0] - values[1]) / (2 * eps) - analytic[idx]))
    return worst


@pytest.mark.parametrize("make", [
    lambda: rnn_cell.GRUCell(4),
    lambda: rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=3, cell_clip=0.5),
    lambda: rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(3), rnn_cell.BasicRNNCell(2)]),
], ids=["gru", "lstm_peepholes_projection_clip", "multi"])
def test_bptt_gradient_is_exact_in_float64(make):
    x = tf.placeholder(tf.float64, [None, None, 4])  # batch and time known only at run time
    lengths = tf.placeholder(tf.int32, [None])
    out, state = tf.nn.dynamic_rnn(make(), x, sequence_length=lengths, dtype=tf.float64)
    loss = tf.reduce_sum(tf.square(out)) + sum(tf.reduce_sum(tf.sin(s))
                                               for s in tf.nest.flatten(state))
    feed = {x: X, lengths: LENGTHS}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert numeric_gradient_error(loss, x, feed, sess) < 1e-7
        assert numeric_gradient_error(loss, tf.trainable_variables()[0], feed, sess) < 1e-7


def test_outputs_past_each_length_are_zero_and_state_is_the_last_real_step():
    x = tf.constant(X)
    out, state = tf.nn.dynamic_rnn(rnn_cell.GRUCell(3), x, sequence_length=[2, 3, 3],
                                   dtype=tf.float64)
    o, s = run([out, state])
    assert o.shape == (3, 6, 3)  # the loop stops at 3 steps; the rest is zeros
    assert np.all(o[0, 2:] == 0) and np.all(o[1:, 3:] == 0)
    np.testing.assert_array_equal(s, [o[0, 1], o[1, 2], o[2, 2]])


def test_static_raw_and_time_major_runs_equal_dynamic_rnn():
    x = tf.constant(X)
    cell = rnn_cell.GRUCell(3)
    dyn_out, dyn_state = tf.nn.dynamic_rnn(cell, x, sequence_length=LENGTHS, dtype=tf.float64)
    with tf.variable_scope("rnn", reuse=True):  # the same weights, by name
        st_out, st_state = tf.nn.static_rnn(rnn_cell.GRUCell(3), tf.unstack(x, axis=1),
                                            sequence_length=LENGTHS, dtype=tf.float64,
                                            scope=tf.get_variable_scope())
    tm_out, tm_state = tf.nn.dynamic_rnn(cell, tf.transpose(x, [1, 0, 2]),
                                         sequence_length=LENGTHS, dtype=tf.float64,
                                         time_major=True, scope="rnn")
    xs = tf.TensorArray(tf.float64, size=6).unstack(tf.transpose(x, [1, 0, 2]))

    def loop_fn(time, cell_output, cell_state, loop_state):
        finished = time >= LENGTHS
        state = cell.zero_state(3, tf.float64) if cell_output is None else cell_state
        inp = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([3, 4], tf.float64),
                      lambda: xs.read(tf.minimum(time, 5)))
        return finished, inp, state, cell_output, None

    with tf.variable_scope("rnn", reuse=True):
        emit, raw_state, _ = tf.nn.raw_rnn(cell, loop_fn, scope=tf.get_variable_scope())
    assert len(tf.trainable_variables()) == 4  # nobody made a second set of weights
    d_o, d_s, s_o, s_s, t_o, t_s, r_o, r_s = run(
        [dyn_out, dyn_state, st_out, st_state, tm_out, tm_state, emit.stack(), raw_state])
    np.testing.assert_allclose(np.stack(s_o, 1), d_o, atol=1e-14)
    np.testing.assert_allclose(t_o.transpose(1, 0, 2), d_o, atol=1e-14)
    np.testing.assert_allclose(r_o.transpose(1, 0, 2), d_o, atol=1e-14)
    for s in (s_s, t_s, r_s):
        np.testing.assert_allclose(s, d_s, atol=1e-14)


def test_bidirectional_backward_half_reads_each_sequence_reversed():
    x = tf.constant(X)
    (fw, bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(
        rnn_cell.GRUCell(3), rnn_cell.GRUCell(3), x, sequence_length=LENGTHS,
        dtype=tf.float64)
    names = {v.op.name.split("/gru_cell")[0] for v in tf.global_variables()}
    assert names == {"bidirectional_rnn/fw", "bidirectional_rnn/bw"}
    bw_out, bw_state, w = run([bw, s_bw, tf.global_variables("bidirectional_rnn/bw")])
    rev = np.stack([np.concatenate([X[i, :n][::-1], X[i, n:]]) for i, n in enumerate(LENGTHS)])
    want_out, want_state = numpy_gru(rev, LENGTHS, *w)
    want_out = np.stack([np.concatenate([want_out[i, :n][::-1], want_out[i, n:]])
                         for i, n in enumerate(LENGTHS)])
    np.testing.assert_allclose(bw_out, want_out, atol=1e-12)
    np.testing.assert_allclose(bw_state, want_state, atol=1e-12)


def test_initial_state_from_placeholder_with_default_and_run_time_batch():
    x = tf.placeholder(tf.float32, [None, None, 4])
    cell = rnn_cell.GRUCell(3)
    zeros = cell.zero_state(tf.shape(x)[0], tf.float32)
    h0 = tf.placeholder_with_default(zeros, [None, 3])
    out, state = tf.nn.dynamic_rnn(cell, x, initial_state=h0)
    assert out.shape.as_list() == [None, None, 3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a = sess.run(state, {x: X[:2].astype(np.float32)})
        b = sess.run(state, {x: X[:2].astype(np.float32), h0: np.zeros((2, 3), np.float32)})
        c = sess.run(state, {x: X[:2].astype(np.float32), h0: np.ones((2, 3), np.float32)})
        five = sess.run(out, {x: RNG.randn(5, 9, 4).astype(np.float32)})
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert five.shape == (5, 9, 3)


def test_repeated_cell_in_multi_rnn_cell_gets_separate_weights_and_a_warning():
    cell = rnn_cell.GRUCell(4)
    with pytest.warns(UserWarning, match=r"for _ in range\(num_layers\)"):
        stacked = rnn_cell.MultiRNNCell([cell] * 3)
    tf.nn.dynamic_rnn(stacked, tf.constant(X), dtype=tf.float64)
    kernels = [v.op.name for v in tf.global_variables() if v.op.name.endswith("gates/kernel")]
    assert kernels == ["rnn/multi_rnn_cell/cell_%d/gru_cell/gates/kernel" % k for k in range(3)]
    assert [v.shape.as_list() for v in tf.global_variables()
            if v.op.name in kernels] == [[8, 8], [8, 8], [8, 8]]


def test_one_cell_in_two_scopes_raises_tfs_error_naming_reuse():
    cell = rnn_cell.GRUCell(4)
    tf.nn.dynamic_rnn(cell, tf.constant(X), dtype=tf.float64, scope="encoder")
    with pytest.raises(ValueError, match="Attempt to reuse RNNCell .* First use of cell was "
                                         "with scope 'encoder/gru_cell'.*'decoder/gru_cell'"):
        tf.nn.dynamic_rnn(cell, tf.constant(X), dtype=tf.float64, scope="decoder")


def test_two_models_in_one_scope_is_get_variables_error():
    tf.nn.dynamic_rnn(rnn_cell.GRUCell(4), tf.constant(X), dtype=tf.float64)
    with pytest.raises(ValueError, match="rnn/gru_cell/gates/kernel already exists, "
                                         "disallowed. Did you mean to set reuse"):
        tf.nn.dynamic_rnn(rnn_cell.GRUCell(4), tf.constant(X), dtype=tf.float64)


def test_errors_for_missing_dtype_bad_lengths_and_non_cells():
    with pytest.raises(ValueError, match="you must give a dtype"):
        tf.nn.dynamic_rnn(rnn_cell.GRUCell(2), tf.constant(X))
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.dynamic_rnn(rnn_cell.GRUCell(2), tf.constant(X), sequence_length=[[1]],
                          dtype=tf.float64)
    with pytest.raises(TypeError, match="cell must be an instance of RNNCell"):
        tf.nn.dynamic_rnn(lambda x, s: (x, s), tf.constant(X), dtype=tf.float64)
    lengths = tf.placeholder(tf.int32, [None])
    out, _ = tf.nn.dynamic_rnn(rnn_cell.GRUCell(2), tf.constant(X), sequence_length=lengths,
                               dtype=tf.float64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="Expected shape for Tensor"):
            sess.run(out, {lengths: [1, 2]})


def test_variational_dropout_keeps_one_mask_for_every_step_and_sequence():
    ones = tf.ones([2, 5, 3])
    cell = rnn_cell.DropoutWrapper(EchoCell(3), output_keep_prob=0.5, variational_recurrent=True,
                                   dtype=tf.float32, seed=3)
    out, _ = tf.nn.dynamic_rnn(cell, ones, dtype=tf.float32)
    plain = rnn_cell.DropoutWrapper(EchoCell(3), output_keep_prob=0.5, seed=3)
    out2, _ = tf.nn.dynamic_rnn(plain, ones, dtype=tf.float32, scope="plain")
    a, b = run([out, out2])
    assert set(np.unique(a)) <= {0.0, 2.0} and set(np.unique(b)) <= {0.0, 2.0}
    assert np.all(a == a[:1, :1])  # one [1, units] mask, the same at each step and row
    assert not all(np.array_equal(b[:, t], b[:, 0]) for t in range(5))


def test_dropout_wrapper_state_dropout_spares_lstm_memory():
    cell = rnn_cell.DropoutWrapper(rnn_cell.BasicLSTMCell(50), state_keep_prob=0.5, seed=1)
    _, state = cell(tf.ones([4, 2]), cell.zero_state(4, tf.float32))
    with pytest.raises(ValueError, match="between 0 and 1"):
        rnn_cell.DropoutWrapper(rnn_cell.GRUCell(2), input_keep_prob=1.5)
    c, h = run([state.c, state.h])
    assert np.mean(h == 0) > 0.3 and np.all(c != 0)


class EchoCell(rnn_cell.RNNCell):
    """Output = input, state = input: shows exactly what a wrapper does."""

    def __init__(self, n):
        super().__init__()
        self._n = n

    state_size = property(lambda self: self._n)
    output_size = property(lambda self: self._n)

    def call(self, inputs, state):
        return inputs, inputs


def test_residual_wrapper_adds_the_input():
    cell = rnn_cell.ResidualWrapper(EchoCell(3))
    out, _ = cell(tf.constant([[1.0, 2.0, 3.0]]), tf.zeros([1, 3]))
    np.testing.assert_array_equal(run(out, init=False), [[2.0, 4.0, 6.0]])


def test_sequence_loss_averages_only_real_steps():
    logits = RNG.randn(2, 4, 5)
    targets = RNG.randint(5, size=(2, 4)).astype(np.int32)
    mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], np.float64)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    xent = -np.take_along_axis(logp, targets[..., None], -1)[..., 0] * mask
    seq2seq = tf.contrib.seq2seq
    got = run([seq2seq.sequence_loss(logits, targets, mask),
               seq2seq.sequence_loss(logits, targets, mask, average_across_batch=False),
               seq2seq.sequence_loss(logits, targets, mask, average_across_timesteps=False),
               seq2seq.sequence_loss(logits, targets, mask, False, False)], init=False)
    np.testing.assert_allclose(got[0], xent.sum() / mask.sum())
    np.testing.assert_allclose(got[1], xent.sum(1) / (mask.sum(1) + 1e-12))
    np.testing.assert_allclose(got[2], xent.sum(0) / (mask.sum(0) + 1e-12))
    np.testing.assert_allclose(got[3], xent)
    with pytest.raises(ValueError, match="Logits must be a"):
        seq2seq.sequence_loss(logits[0], targets, mask)


def test_cells_are_reachable_under_contrib_rnn_and_lstm_sizes():
    assert tf.contrib.rnn.GRUCell is rnn_cell.GRUCell
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn
    lstm = rnn_cell.LSTMCell(4, num_proj=2)
    assert lstm.state_size == rnn_cell.LSTMStateTuple(4, 2) and lstm.output_size == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert rnn_cell.BasicLSTMCell(3, state_is_tuple=False).state_size == 6
    multi = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(3), rnn_cell.GRUCell(2)])
    assert multi.state_size == (rnn_cell.LSTMStateTuple(3, 3), 2)
    zero = multi.zero_state(7, tf.float32)
    assert zero[0].c.shape.as_list() == [7, 3] and zero[1].shape.as_list() == [7, 2]


@pytest.mark.parametrize("lengths", [LENGTHS, None, np.array([1, 1, 1], np.int32)],
                         ids=["lengths", "no_lengths", "all_length_one"])
def test_fused_gru_equals_the_while_loop_in_values_and_gradients(lengths):
    def build(fused, scope):
        x = tf.placeholder(tf.float64, [None, None, 4])
        with fused_kernels(fused):
            out, state = tf.nn.dynamic_rnn(rnn_cell.GRUCell(5), x, sequence_length=lengths,
                                           dtype=tf.float64, scope=scope)
        kinds = {op.type for op in tf.get_default_graph().get_operations()
                 if op.name.startswith(scope + "/")}
        assert ("GRUSequence" in kinds) == fused and ("While" in kinds) != fused
        loss = tf.reduce_sum(tf.sin(out) * np.arange(5)) + tf.reduce_sum(tf.square(state))
        wrt = [x] + tf.trainable_variables(scope)
        return x, [out, state] + tf.gradients(loss, wrt)

    x1, fetch1 = build(True, "fused")
    x2, fetch2 = build(False, "loop")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for a, b in zip(tf.trainable_variables("fused"), tf.trainable_variables("loop")):
            b.load(sess.run(a), sess)
        got, want = sess.run(fetch1, {x1: X}), sess.run(fetch2, {x2: X})
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)


def _fused_gru(x, h0, wg, bg, wc, bc):
    """The fused op on time-major x [3, 2, 2] from h0 [2, 2]; every input differentiable."""
    out, state = gru_sequence_op(x, h0, tf.constant([3, 1]), wg, bg, wc, bc)
    return out * 2.0 + state


def _numpy_fused_gru(x, h0, wg, bg, wc, bc):
    out, state = numpy_gru(x.transpose(1, 0, 2), np.array([3, 1]), wg, bg, wc, bc, h0)
    return out.transpose(1, 0, 2) * 2.0 + state


# The registry's row for the fused op (variables are initialized by the checker's session).
CASES = [Case("GRUSequence", _fused_gru, _numpy_fused_gru,
              [RNG.randn(3, 2, 2), RNG.randn(2, 2) * 0.5, RNG.randn(4, 4), RNG.randn(4),
               RNG.randn(4, 2), RNG.randn(2)], id="GRUSequence", known_rank=True)]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_fused_gru_row(case):
    check_forward(case)
    check_gradient(case)


def test_inputs_of_rank_one_are_refused_with_the_expected_shape():
    with pytest.raises(ValueError, match="Expected inputs of rank >= 2"):
        tf.nn.dynamic_rnn(rnn_cell.GRUCell(2), tf.zeros([5]), dtype=tf.float32)
