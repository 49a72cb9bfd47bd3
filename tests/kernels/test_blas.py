"""minitf.kernels.blas.matmul equals np.matmul for small, large and batched products."""
import numpy as np
import pytest

from minitf.kernels import blas


@pytest.mark.parametrize("shape_a, shape_b", [
    ((128, 784), (784, 10)),       # small: one BLAS thread
    ((3, 4, 5), (5, 2)),           # batched
    ((400, 300), (300, 400)),      # above SMALL_FLOPS
    ((0, 3), (3, 4)),              # empty
])
def test_matches_numpy(shape_a, shape_b):
    rng = np.random.RandomState(0)
    a = rng.standard_normal(shape_a).astype(np.float32)
    b = rng.standard_normal(shape_b).astype(np.float32)
    # One thread and two sum in different orders, so compare both with float64.
    exact = np.matmul(a.astype(np.float64), b.astype(np.float64))
    got = blas.matmul(a, b)
    assert got.dtype == np.float32 and got.shape == exact.shape
    np.testing.assert_allclose(got, exact, rtol=1e-5, atol=1e-4)


def test_thread_count_is_restored_after_a_small_product():
    if blas._set_local_threads is None:
        pytest.skip("this numpy's BLAS has no per-thread thread count")
    before = blas._set_local_threads(0)  # read the current value (0 leaves the global one)
    blas._set_local_threads(before)
    blas.matmul(np.ones((4, 4)), np.ones((4, 4)))
    after = blas._set_local_threads(before)
    assert after == before


def test_a_product_of_one_shape_always_gives_the_same_bits():
    # one thread and several round differently: the path must depend on the shape alone
    rng = np.random.default_rng(1)
    a = rng.standard_normal((128, 784)).astype(np.float32)
    b = rng.standard_normal((784, 10)).astype(np.float32)
    first = blas.matmul(a, b)
    assert all(np.array_equal(blas.matmul(a, b), first) for _ in range(200))
