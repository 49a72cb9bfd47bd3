"""Matrix products: small ones on one BLAS thread, large ones on all of them.

OpenBLAS splits every GEMM across its threads.  For the small products of a
training step (a batch of 128 through a 784x10 layer, or its gradients) the
split saves little on an idle machine and, on a machine whose cores are busy,
waits for a descheduled thread, which makes the product tens of times slower.
So products below ``SMALL_FLOPS`` run on one thread
(``openblas_set_num_threads_local``, for this call only; where that symbol is
missing, this is plain ``np.matmul``).

The choice depends on the shape only, never on a timing: one thread and
several sum in different orders, so a choice that followed the clock would
give a seeded training run different last bits (and, after a few hundred
steps, a different accuracy) each time it ran.
"""
import ctypes
import glob
import os

import numpy as np

SMALL_FLOPS = 2 ** 25


def _find_local_thread_setter():
    libdir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libdir, "*openblas*.so*"))):
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return fn
    return None


_set_local_threads = _find_local_thread_setter()


def matmul(a, b):
    """``np.matmul(a, b)``, on one BLAS thread when it is small."""
    flops = 2 * a.shape[-2] * a.shape[-1] * b.shape[-1]
    for d in a.shape[:-2]:
        flops *= d
    if _set_local_threads is None or flops >= SMALL_FLOPS:
        return np.matmul(a, b)
    previous = _set_local_threads(1)
    try:
        return np.matmul(a, b)
    finally:
        _set_local_threads(previous)


class one_thread:  # noqa: N801  (used as a context manager, like a function)
    """``with one_thread():`` runs every product inside on one BLAS thread (a loop of
    small products, such as an RNN's time steps)."""

    def __enter__(self):
        self._previous = _set_local_threads(1) if _set_local_threads is not None else None

    def __exit__(self, *exc):
        if self._previous is not None:
            _set_local_threads(self._previous)
