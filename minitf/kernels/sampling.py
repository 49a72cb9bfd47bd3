"""Candidate sampling: the distributions over class ids, drawing from them, and the counts.

A sampler draws ``num_sampled`` class ids per step from a fixed or learned distribution
``p`` over ``[0, range_max)``. Sampled losses need, for each id, how many times it is
expected among the draws:

* with replacement, ``num_sampled · p``;
* ``unique`` (without replacement, by rejecting repeats), ``1 - (1 - p)^tries``, where
  ``tries`` counts every draw the step made, repeats included; this equals the first
  formula when no draw was rejected, and TF then uses the first formula.
"""
import numpy as np

FLT_MAX = float(np.finfo(np.float32).max)


def log_uniform_probability(ids, range_max):
    """Zipf-like ``p(k) = log((k + 2) / (k + 1)) / log(range_max + 1)``."""
    k = np.asarray(ids, np.float64)
    return np.log((k + 2.0) / (k + 1.0)) / np.log1p(range_max)


def log_uniform_draw(rng, n, range_max):
    """``n`` ids from the log-uniform distribution, by inverting its CDF."""
    u = rng.random(n)
    return (np.exp(u * np.log1p(range_max)).astype(np.int64) - 1) % range_max


def weighted_draw(rng, n, weights):
    """``n`` ids drawn in proportion to ``weights`` (float64, not all zero)."""
    cdf = np.cumsum(weights)
    ids = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    return np.minimum(ids, len(weights) - 1).astype(np.int64)


def draw_unique(draw, k):
    """``k`` distinct ids in order of first appearance, and how many draws that took.

    ``draw(m)`` returns ``m`` more ids. Draws come in batches of at least ``k``, so a
    small range needs few calls; the count stops at the draw that completed the set.
    """
    seen = np.empty(0, np.int64)
    while True:
        seen = np.concatenate([seen, draw(max(k, len(seen)))])
        _, first = np.unique(seen, return_index=True)
        if len(first) >= k:
            first = np.sort(first)[:k]
            return seen[first], int(first[-1]) + 1 if k else 0


def expected_count(p, num_sampled, tries, unique):
    """How often each id of probability ``p`` is expected among one step's samples."""
    p = np.asarray(p, np.float64)
    if not unique or tries == num_sampled:
        return (p * num_sampled).astype(np.float32)
    return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)


def accidental_hits(true_classes, sampled):
    """Where a row's sampled ids equal one of its true classes.

    Returns ``(rows, positions)``: row ``rows[h]`` of ``true_classes`` holds
    ``sampled[positions[h]]``; hits are listed by row, then by true class, then by
    position, as TF lists them.
    """
    # hit[i, j, s]: true class j of row i is sampled id s
    hit = true_classes[:, :, None] == sampled[None, None, :]
    rows, _, positions = np.nonzero(hit)
    return rows.astype(np.int32), positions.astype(np.int64)
