"""Matrix products that do not wake a second BLAS thread for small problems.

OpenBLAS splits every GEMM across its threads.  For the small products of a
training step (a batch of 128 through a 784x10 layer) the hand-off costs
more than the arithmetic, and on a busy 2-core machine it can make a step
several times slower.  Below ``SMALL_FLOPS`` we ask numpy's OpenBLAS to use
one thread for this call only (``openblas_set_num_threads_local``); large
products keep every thread.  Where that symbol is missing, this is plain
``np.matmul``.
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
    """``np.matmul(a, b)``, single-threaded when the product is small."""
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
