"""Special functions numpy lacks (erf, erfc), as numba loops over flat arrays.

Numpy in, numpy out; nothing here knows about graphs.  ``math.erf`` and
``math.erfc`` are libm's; every input is computed in double (one compiled
signature) and rounded once to its own dtype, so float16/float32 work too.
"""
import math

import numpy as np
from numba import njit


@njit(cache=True)
def _erf_flat(x, out):
    for i in range(x.size):
        out[i] = math.erf(x[i])


@njit(cache=True)
def _erfc_flat(x, out):
    for i in range(x.size):
        out[i] = math.erfc(x[i])


def _apply(flat_fn, x):
    x = np.asarray(x)
    src = np.ascontiguousarray(x, dtype=np.float64).reshape(-1)
    out = np.empty(src.shape, dtype=np.float64)
    if src.size:
        flat_fn(src, out)
    return out.reshape(x.shape).astype(x.dtype, copy=False)


def erf(x):
    """The error function, element-wise, keeping ``x``'s float dtype."""
    return _apply(_erf_flat, x)


def erfc(x):
    """The complementary error function ``1 - erf(x)``, element-wise."""
    return _apply(_erfc_flat, x)
