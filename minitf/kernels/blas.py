"""Matrix products that pick, per size, between one BLAS thread and all of them.

OpenBLAS splits every GEMM across its threads.  On an idle machine that makes
even the small products of a training step (a batch of 128 through a 784x10
layer) about twice as fast; on a machine whose cores are all busy the
hand-off waits for a descheduled thread and the same product becomes tens of
times slower.  Which one holds changes while a notebook runs, so below
``SMALL_FLOPS`` each call is timed: per size class (a power of two of flops)
a running average is kept for both ways, the faster one is used, and now and
then the other one is tried again.  One-thread calls use
``openblas_set_num_threads_local`` (this call only); where that symbol is
missing, this is plain ``np.matmul``.  Large products always use every thread.
"""
import ctypes
import glob
import os
import time

import numpy as np

SMALL_FLOPS = 2 ** 25
PROBE_EVERY = 32  # calls between probes of the other way (doubling while it loses)
_DECAY = 0.25  # weight of the newest timing in the running averages


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


class _Choice:
    """Running mean time of both ways for one size class, and when to probe next."""

    __slots__ = ("calls", "mean", "next_probe", "interval")

    def __init__(self):
        self.calls, self.mean = 0, [None, None]  # [all threads, one thread]
        self.next_probe, self.interval = 0, PROBE_EVERY


_choices = {}


def matmul(a, b):
    """``np.matmul(a, b)``, on one thread or all, whichever is faster now for its size."""
    flops = 2 * a.shape[-2] * a.shape[-1] * b.shape[-1]
    for d in a.shape[:-2]:
        flops *= d
    if _set_local_threads is None or flops >= SMALL_FLOPS:
        return np.matmul(a, b)
    c = _choices.get(flops.bit_length())
    if c is None:
        c = _choices[flops.bit_length()] = _Choice()
    c.calls += 1
    multi, single = c.mean
    if single is None or multi is None:
        use = 1 if single is None else 0
    else:
        use = 1 if single <= multi else 0
        if c.calls >= c.next_probe:  # try the other way again
            use = 1 - use
    start = time.perf_counter()
    if use:
        previous = _set_local_threads(1)
        try:
            out = np.matmul(a, b)
        finally:
            _set_local_threads(previous)
    else:
        out = np.matmul(a, b)
    spent = time.perf_counter() - start
    if c.calls >= c.next_probe and None not in c.mean:
        # A probe that loses makes probes rarer (one bad way can cost 100x); one
        # that wins brings them back to every PROBE_EVERY calls.
        lost = spent > c.mean[1 - use]
        c.interval = min(c.interval * 2, 1024) if lost else PROBE_EVERY
        c.next_probe = c.calls + c.interval
    old = c.mean[use]
    c.mean[use] = spent if old is None else old + _DECAY * (spent - old)
    return out
