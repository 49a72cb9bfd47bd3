"""Forward, gradient and shape checks for minitf.ops.math_ops."""
import numpy as np
import pytest

import minitf as tf
from tests.ops.optest import Case, check_forward, check_gradient

rng = np.random.RandomState(42)
A23 = rng.standard_normal((2, 3)).astype(np.float32)
B23 = rng.standard_normal((2, 3)).astype(np.float32)
B3 = rng.standard_normal(3).astype(np.float32)
C34 = rng.standard_normal((3, 4)).astype(np.float32)

CASES = [
    Case("Add", tf.add, np.add, [A23, B3], id="Add-broadcast"),
    Case("Add", tf.add, np.add, [np.float32(2), np.float32(3)], id="Add-scalar"),
    Case("Add", tf.add, np.add, [np.zeros((0, 3), np.float32), B3], id="Add-empty"),
    Case("Add", tf.add, np.add, [np.arange(6, dtype=np.int32).reshape(2, 3),
                                 np.int32(4) * np.ones(3, np.int32)], id="Add-int32"),
    Case("Sub", tf.subtract, np.subtract, [A23, B23]),
    Case("Mul", tf.multiply, np.multiply, [A23, B3]),
    Case("Neg", tf.negative, np.negative, [A23]),
    Case("AddN", lambda a, b: tf.add_n([a, b, a]), lambda a, b: a + b + a, [A23, B23]),
    Case("MatMul", tf.matmul, np.matmul, [A23, C34], rtol=1e-5),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_a=True),
         lambda a, b: a.T @ b, [B23, A23], rtol=1e-5, id="MatMul-ta"),
    Case("MatMul", lambda a, b: tf.matmul(a, b, transpose_b=True),
         lambda a, b: a @ b.T, [A23, B23], rtol=1e-5, id="MatMul-tb"),
    Case("BatchMatMulV2", tf.matmul, np.matmul,
         [rng.standard_normal((4, 2, 3)), rng.standard_normal((3, 5))], rtol=1e-6),
    Case("Sum", lambda x: tf.reduce_sum(x, axis=1), lambda x: x.sum(1), [A23], rtol=1e-5),
    Case("Sum", lambda x: tf.reduce_sum(x, axis=0, keepdims=True),
         lambda x: x.sum(0, keepdims=True), [A23], rtol=1e-5, id="Sum-keepdims"),
    Case("Sum", tf.reduce_sum, np.sum, [A23], rtol=1e-5, id="Sum-all"),
    Case("Mean", lambda x: tf.reduce_mean(x, 0), lambda x: x.mean(0), [A23], rtol=1e-5),
    Case("Mean", tf.reduce_mean, lambda x: np.int32(np.trunc(x.sum() / x.size)),
         [np.array([1, 2, 4], np.int32)], id="Mean-int-truncates"),
    Case("Cast", lambda x: tf.cast(x, tf.int32), lambda x: x.astype(np.int32),
         [np.array([1.7, -1.7, 0.2], np.float32)], grad=False),
    Case("Range", lambda a, b, c: tf.range(a, b, c),
         lambda a, b, c: np.arange(a, b, c, dtype=np.int32),
         [np.int32(3), np.int32(18), np.int32(3)]),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad and any(
    x.dtype.kind == "f" for x in c.inputs)], ids=repr)
def test_gradient(case):
    check_gradient(case)
