"""Softmax cross-entropy of a batch of rows in one pass per row.

The numpy form takes six passes over the logits (max, subtract, exp, sum,
loss, backprop) and allocates at each; for the small class counts of a course
(10 digits) the allocations cost more than the arithmetic.  Same formulas,
same IEEE results for infinities and NaNs: ``-log p = lse - shifted`` stays
finite where ``p`` underflows.
"""
import math

from numba import njit


@njit(cache=True)
def softmax_xent_rows(logits, labels, loss, backprop):
    """Fill ``loss[i] = Σ_j labels[i,j]·(lse_i − s_ij)`` and ``backprop = softmax − labels``,
    where ``s = logits − max`` per row and ``lse = log Σ exp(s)``.  Each exp is taken
    once (kept in ``backprop`` until the row's sum is known), in the logits' dtype."""
    rows, cols = logits.shape
    for i in range(rows):
        top = logits[i, 0]
        for j in range(1, cols):
            v = logits[i, j]
            if v > top or math.isnan(v):
                top = v
                if math.isnan(v):
                    break
        total = 0.0
        for j in range(cols):
            e = math.exp(logits[i, j] - top)
            backprop[i, j] = e
            total += e
        lse = math.log(total)
        scale = 1.0 / total
        acc = 0.0
        for j in range(cols):
            acc += labels[i, j] * (lse - (logits[i, j] - top))
            backprop[i, j] = backprop[i, j] * scale - labels[i, j]
        loss[i] = acc
