"""cond, case, while_loop and the functional ops: laziness, values and gradients."""
import numpy as np
import pytest

import minitf as tf
from tests.ops.optest import Case, check_forward, check_gradient
from tests.util import count_kernel_calls


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


@pytest.fixture
def kernel_calls(monkeypatch):
    return count_kernel_calls(monkeypatch, ("Add", "Sub", "Mul"))


def _cond(x):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: tf.sin(x) * x, lambda: tf.exp(x))


def _power_loop(x):
    """y = x⁴ by a while loop (LoopVar carries the state; its gradient is WhileGrad)."""
    _, y = tf.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, v * x),
                         [tf.constant(0), tf.ones_like(x)])
    return y


def _guarded(x):
    """x² that runs only after an Assert, a Print and a group (NoOp) of them."""
    check = tf.Assert(tf.reduce_all(tf.is_finite(x)), [x])
    with tf.control_dependencies([tf.group(check)]):
        return tf.Print(x, [x], "x = ") * x


V3 = np.array([0.5, -0.25, 1.5])
# Forward, static shape and (second-order) gradient rows for the control-flow ops.
CASES = [
    Case("If", _cond, lambda x: np.sin(x) * x, [V3], id="If-true-branch"),
    Case("If", _cond, np.exp, [-V3], id="If-false-branch"),
    Case("While", _power_loop, lambda x: x ** 4, [V3]),
    Case("Assert", _guarded, np.square, [V3]),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gradient(case):
    check_gradient(case)


def test_cond_runs_only_the_taken_branch(kernel_calls):
    x = tf.placeholder(tf.float32, [])
    y = tf.constant(2.0)
    out = tf.cond(x > 0.0, lambda: x + y, lambda: x * y)
    with tf.Session() as sess:
        assert sess.run(out, {x: 3.0}) == 5.0
        assert kernel_calls == {"Add": 1}
        assert sess.run(out, {x: -3.0}) == -6.0
        assert kernel_calls == {"Add": 1, "Mul": 1}


def test_cond_rejects_python_bool():
    with pytest.raises(TypeError):
        tf.cond(True, lambda: tf.constant(1), lambda: tf.constant(2))


def test_cond_branch_dtype_mismatch():
    p = tf.placeholder(tf.bool, [])
    with pytest.raises(TypeError):
        tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(2.0))


def test_cond_returns_structures_and_unpacks_singletons():
    p = tf.placeholder(tf.bool, [])
    a, b = tf.cond(p, lambda: (tf.constant(1), tf.constant(2)),
                   lambda: (tf.constant(3), tf.constant(4)))
    single = tf.cond(p, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)])
    assert isinstance(single, tf.Tensor)
    with tf.Session() as sess:
        assert sess.run([a, b], {p: False}) == [3, 4]


def test_cond_gradient_and_zeros_for_untaken_branch_input():
    x = tf.constant(3.0)
    z = tf.constant(5.0)
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: x * x, lambda: z * 2.0)
    gx, gz = tf.gradients(y, [x, z])
    with tf.Session() as sess:
        assert sess.run([gx, gz], {p: True}) == [6.0, 0.0]
        assert sess.run([gx, gz], {p: False}) == [0.0, 2.0]


def test_case_picks_first_true_and_default():
    x = tf.placeholder(tf.int32, [])
    out = tf.case([(tf.less(x, 0), lambda: tf.constant(-1)),
                   (tf.equal(x, 0), lambda: tf.constant(0))],
                  default=lambda: tf.constant(1))
    with tf.Session() as sess:
        assert [sess.run(out, {x: v}) for v in (-5, 0, 7)] == [-1, 0, 1]


def test_case_exclusive_raises_when_two_true():
    x = tf.placeholder(tf.int32, [])
    out = tf.case([(x > 0, lambda: tf.constant(1)), (x > 1, lambda: tf.constant(2))],
                  default=lambda: tf.constant(0), exclusive=True)
    with tf.Session() as sess:
        assert sess.run(out, {x: 1}) == 1
        with pytest.raises(tf.errors.InvalidArgumentError, match="exclusive"):
            sess.run(out, {x: 5})


def test_while_loop_counts_and_sums():
    i0, s0 = tf.constant(0), tf.constant(0)
    i, s = tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), [i0, s0])
    with tf.Session() as sess:
        assert sess.run([i, s]) == [10, 45]


def test_while_loop_gradient_matches_closed_form():
    x = tf.placeholder(tf.float64, [])
    _, y = tf.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, v * x),
                         [tf.constant(0), tf.constant(1.0, tf.float64)])
    g = tf.gradients(y, x)[0]  # y = x^4
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {x: 1.5})
    assert yv == pytest.approx(1.5 ** 4) and gv == pytest.approx(4 * 1.5 ** 3)


def test_while_loop_shape_invariant_error_and_relaxed_invariant():
    v = tf.zeros([1])
    with pytest.raises(ValueError, match="shape_invariants"):
        tf.while_loop(lambda v: tf.size(v) < 4, lambda v: tf.concat([v, v], 0), [v])
    out = tf.while_loop(lambda v: tf.size(v) < 4, lambda v: tf.concat([v, v], 0), [v],
                        shape_invariants=[tf.TensorShape([None])])
    with tf.Session() as sess:
        assert sess.run(out).shape == (4,)


def test_cond_inside_while_and_its_gradient():
    x = tf.constant(2.0, tf.float64)

    def body(i, v):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: v * x, lambda: v + x)
    _, y = tf.while_loop(lambda i, v: i < 3, body, [tf.constant(0), tf.constant(1.0, tf.float64)])
    g = tf.gradients(y, x)[0]
    # y = ((1*x) + x) * x = 2x^2, dy/dx = 4x
    with tf.Session() as sess:
        assert sess.run([y, g]) == [pytest.approx(8.0), pytest.approx(8.0)]


def test_maximum_iterations():
    out = tf.while_loop(lambda i: i < 100, lambda i: i + 1, [tf.constant(0)],
                        maximum_iterations=7)
    with tf.Session() as sess:
        assert sess.run(out) == 7


def test_assert_and_print():
    x = tf.placeholder(tf.float32, [])
    check = tf.Assert(x > 0, ["x must be positive, got", x])
    with tf.control_dependencies([check]):
        y = tf.identity(x)
    with tf.Session() as sess:
        assert sess.run(y, {x: 1.0}) == 1.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="x must be positive, got"):
            sess.run(y, {x: -1.0})


def test_group_and_tuple():
    v = tf.Variable(0)
    a, b = v.assign_add(1), v.assign_add(10)
    both = tf.group(a, b)
    t1, t2 = tf.tuple([tf.constant(1), tf.constant(2)])
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(both) is None
        assert sess.run(v) == 11
        assert sess.run([t1, t2]) == [1, 2]


@pytest.mark.parametrize("fn, ref", [
    (lambda e: tf.foldl(lambda a, x: a + x, e), lambda e: e.sum(0)),
    (lambda e: tf.foldr(lambda a, x: a * 2 + x, e), None),
    (lambda e: tf.scan(lambda a, x: a + x, e), lambda e: np.cumsum(e, 0)),
    (lambda e: tf.map_fn(lambda x: x * x, e), lambda e: e * e),
])
def test_functional_ops_forward_and_gradient(fn, ref):
    e_np = np.arange(1.0, 5.0)
    e = tf.constant(e_np)
    out = fn(e)
    g = tf.gradients(tf.reduce_sum(out), e)[0]
    with tf.Session() as sess:
        got, gv = sess.run([out, g])
    if ref is None:  # foldr visits elements last to first: a = 2a + x
        acc = e_np[-1]
        for x in e_np[-2::-1]:
            acc = 2 * acc + x
        want = acc
    else:
        want = ref(e_np)
    np.testing.assert_allclose(got, want)
    eps = 1e-6
    num = []
    for k in range(4):
        d = np.zeros(4)
        d[k] = eps
        with tf.Session() as sess:
            hi = sess.run(tf.reduce_sum(out), {e: e_np + d})
            lo = sess.run(tf.reduce_sum(out), {e: e_np - d})
        num.append((hi - lo) / (2 * eps))
    np.testing.assert_allclose(gv, num, rtol=1e-5)


def test_print_passes_value_through_and_writes_stderr(capfd):
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    y = tf.Print(x, [x, tf.reduce_sum(x)], message="values: ", summarize=2, first_n=1)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [1.0, 2.0, 3.0, 4.0])
        sess.run(y)
    err = capfd.readouterr().err
    assert err.count("values: ") == 1  # first_n=1
    assert "[1.0 2.0...][10.0]" in err


def test_branches_and_bodies_may_return_outer_tensors():
    x = tf.constant(2.0) * 3.0
    y = tf.constant(1.0) + 1.0
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: x, lambda: y)
    gx, gy = tf.gradients(r * r, [x, y])
    _, last = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, x), [0, y])
    with tf.Session() as sess:
        assert sess.run([r, gx, gy], {p: True}) == [6.0, 12.0, 0.0]
        assert sess.run([r, gx, gy], {p: False}) == [2.0, 0.0, 4.0]
        assert sess.run(last) == 6.0
