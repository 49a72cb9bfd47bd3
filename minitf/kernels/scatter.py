"""Row updates in place: scatter ops and the sparse optimizer steps.

Each kernel walks the rows named by ``idx`` in order and rewrites just those
rows of its 2-D target, so a step on a 50,000-row embedding costs the batch's
rows, not the table's.  Rows are taken one after another, which gives repeated
indices TensorFlow's meaning: ``add`` accumulates them, ``update`` keeps the
last, and an optimizer step is applied once per occurrence.

Callers pass C-contiguous 2-D arrays (rows x features) and indices already
checked to lie in ``[0, rows)``; nothing here knows about graphs.
"""
import math

from numba import njit

import numpy as np

# Scatter modes, in the order of TF's Scatter* ops.
UPDATE, ADD, SUB, MUL, DIV, MIN, MAX = range(7)
# The dtypes these kernels are compiled for; callers handle others with numpy.
JIT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


@njit(cache=True)
def scatter_rows(ref, idx, upd, mode):
    """``ref[idx[i]] <op>= upd[i]`` for each i in order."""
    cols = ref.shape[1]
    for i in range(idx.shape[0]):
        r = idx[i]
        if mode == UPDATE:
            for j in range(cols):
                ref[r, j] = upd[i, j]
        elif mode == ADD:
            for j in range(cols):
                ref[r, j] += upd[i, j]
        elif mode == SUB:
            for j in range(cols):
                ref[r, j] -= upd[i, j]
        elif mode == MUL:
            for j in range(cols):
                ref[r, j] *= upd[i, j]
        elif mode == DIV:
            for j in range(cols):
                ref[r, j] /= upd[i, j]
        elif mode == MIN:
            for j in range(cols):
                ref[r, j] = min(ref[r, j], upd[i, j])
        else:
            for j in range(cols):
                ref[r, j] = max(ref[r, j], upd[i, j])


@njit(cache=True)
def momentum_rows(var, accum, lr, grad, idx, momentum, nesterov):
    for i in range(idx.shape[0]):
        r = idx[i]
        for j in range(var.shape[1]):
            a = accum[r, j] * momentum + grad[i, j]
            accum[r, j] = a
            if nesterov:
                var[r, j] -= grad[i, j] * lr + a * momentum * lr
            else:
                var[r, j] -= lr * a


@njit(cache=True)
def adagrad_rows(var, accum, lr, grad, idx, update_slots):
    for i in range(idx.shape[0]):
        r = idx[i]
        for j in range(var.shape[1]):
            g = grad[i, j]
            if update_slots:
                accum[r, j] += g * g
            var[r, j] -= lr * g / math.sqrt(accum[r, j])


@njit(cache=True)
def rms_prop_rows(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, idx, centered):
    for i in range(idx.shape[0]):
        r = idx[i]
        for j in range(var.shape[1]):
            g = grad[i, j]
            s = ms[r, j] + (g * g - ms[r, j]) * (1 - rho)
            ms[r, j] = s
            if centered:
                a = mg[r, j] + (g - mg[r, j]) * (1 - rho)
                mg[r, j] = a
                s = s - a * a
            m = mom[r, j] * momentum + lr * g / math.sqrt(s + epsilon)
            mom[r, j] = m
            var[r, j] -= m
