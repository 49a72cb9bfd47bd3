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
    where ``s = logits − max`` per row and ``lse = log Σ exp(s)``."""
    rows, cols = logits.shape
    for i in range(rows):
        top = -math.inf
        for j in range(cols):
            if logits[i, j] > top or math.isnan(logits[i, j]):
                top = logits[i, j]
                if math.isnan(top):
                    break
        total = 0.0
        for j in range(cols):
            total += math.exp(logits[i, j] - top)
        lse = math.log(total)
        acc = 0.0
        for j in range(cols):
            s = logits[i, j] - top
            acc += labels[i, j] * (lse - s)
            backprop[i, j] = math.exp(s - lse) - labels[i, j]
        loss[i] = acc
