"""Candidate samplers: a few negative classes per step instead of all of them.

Every sampler op takes the step's ``true_classes`` (``[batch, num_true]`` int64) and
returns three tensors: ``sampled_candidates`` (``[num_sampled]`` int64),
``true_expected_count`` (``[batch, num_true]``) and ``sampled_expected_count``
(``[num_sampled]``), the expected number of times each id appears among the samples
(see ``minitf.kernels.sampling`` for the formulas). Sampled losses subtract the log of
these counts from the logits, which makes the sampled loss an estimate of the full one.

Samplers are random ops: they take ``seed`` as the other random ops do, and an
op-seeded sampler draws the same ids in each new session (not TF's exact ids).
``learned_unigram_candidate_sampler`` keeps its counts per session.
"""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.kernels import sampling
from minitf.ops.op_util import make_op, op_scope
from minitf.ops.random_ops import _generator, _seed_attrs

__all__ = ["all_candidate_sampler", "compute_accidental_hits",
           "fixed_unigram_candidate_sampler", "learned_unigram_candidate_sampler",
           "log_uniform_candidate_sampler", "uniform_candidate_sampler"]


def _sampler(op_type, true_classes, num_true, num_sampled, unique, seed, name, **attrs):
    with op_scope(name, op_type) as scope:
        true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64, name="true_classes")
        attrs.update(_seed_attrs(seed), num_true=int(num_true), num_sampled=int(num_sampled),
                     unique=bool(unique))
        op = make_op(op_type, [true_classes], [dtypes.int64, dtypes.float32, dtypes.float32],
                     scope, attrs)
        return tuple(op._outputs)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """Sample ids uniformly from ``[0, range_max)``: ``p = 1 / range_max``.

    Example:
        >>> sampled, true_count, sampled_count = tf.nn.uniform_candidate_sampler(
        ...     labels, num_true=1, num_sampled=5, unique=True, range_max=100)
    """
    return _sampler("UniformCandidateSampler", true_classes, num_true, num_sampled, unique,
                    seed, name, range_max=int(range_max))


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """Sample ids from a Zipf-like distribution, small ids (frequent words) most often.

    ``p(k) = log((k + 2) / (k + 1)) / log(range_max + 1)``: right for a vocabulary
    sorted by decreasing frequency, which is how word2vec's default sampler is used.
    """
    return _sampler("LogUniformCandidateSampler", true_classes, num_true, num_sampled, unique,
                    seed, name, range_max=int(range_max))


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                      seed=None, name=None):
    """Sample ids by how often they were true classes so far in this session.

    Every id starts with a count of one; each run samples, then adds the step's true
    classes to the counts.
    """
    return _sampler("LearnedUnigramCandidateSampler", true_classes, num_true, num_sampled,
                    unique, seed, name, range_max=int(range_max))


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0,
                                    num_shards=1, shard=0, unigrams=(), seed=None, name=None):
    """Sample ids in proportion to given counts raised to ``distortion``.

    Args:
        vocab_file: a CSV file, one id per line, the id's count in the last column; or
        unigrams: the counts as a list. Exactly one of the two.
        distortion: counts are raised to this power (word2vec uses 0.75, which
            samples rare words more often than their frequency).
        num_reserved_ids: ids ``0 .. num_reserved_ids - 1`` come first with count 0
            (never sampled); the counts given start after them.
        num_shards, shard: keep only the ids ``i`` with ``i % num_shards == shard``;
            the sampled values then index this shard's ids.
        range_max: the number of ids after reserving and sharding.
    """
    if bool(vocab_file) == bool(len(unigrams)):
        raise ValueError("fixed_unigram_candidate_sampler needs exactly one of vocab_file "
                         "and unigrams.")
    if not 0 <= shard < num_shards:
        raise ValueError("shard must be in [0, num_shards), got shard=%d, num_shards=%d"
                         % (shard, num_shards))
    return _sampler("FixedUnigramCandidateSampler", true_classes, num_true, num_sampled,
                    unique, seed, name, range_max=int(range_max), vocab_file=str(vocab_file),
                    distortion=float(distortion), num_reserved_ids=int(num_reserved_ids),
                    num_shards=int(num_shards), shard=int(shard),
                    unigrams=[float(u) for u in unigrams])


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """The ids ``0 .. num_sampled - 1``, each expected once: a full softmax in disguise."""
    return _sampler("AllCandidateSampler", true_classes, num_true, num_sampled, unique, seed,
                    name)


# -- the distributions -----------------------------------------------------------------
class _Uniform:
    def __init__(self, range_max):
        self.range_max = range_max

    def probability(self, ids):
        return np.full(np.shape(ids), 1.0 / self.range_max)

    def draw(self, rng, n):
        return rng.integers(0, self.range_max, n, dtype=np.int64)


class _LogUniform(_Uniform):
    def probability(self, ids):
        return sampling.log_uniform_probability(ids, self.range_max)

    def draw(self, rng, n):
        return sampling.log_uniform_draw(rng, n, self.range_max)


class _Weighted(_Uniform):
    def __init__(self, weights):
        super().__init__(len(weights))
        self.weights = weights

    def probability(self, ids):
        return self.weights[ids] / self.weights.sum()

    def draw(self, rng, n):
        return sampling.weighted_draw(rng, n, self.weights)


def _fixed_weights(ctx):
    """The sampler's weights, from its ``unigrams`` or its vocabulary file."""
    a = ctx.attrs
    if a["vocab_file"]:
        try:
            with open(a["vocab_file"], encoding="utf-8") as f:
                lines = [line for line in f.read().splitlines() if line.strip()]
        except OSError as e:
            raise errors.NotFoundError(None, ctx.op, "%s: %s" % (a["vocab_file"], e.strerror))
        try:
            counts = [float(line.rsplit(",", 1)[-1]) for line in lines]
        except ValueError:
            raise errors.InvalidArgumentError(
                None, ctx.op, "%s: the last column of every line must be a count"
                % a["vocab_file"]) from None
    else:
        counts = a["unigrams"]
    weights = np.concatenate([np.zeros(a["num_reserved_ids"]),
                              np.power(np.asarray(counts, np.float64), a["distortion"])])
    weights = weights[a["shard"]::a["num_shards"]]
    if len(weights) != a["range_max"]:
        raise errors.InvalidArgumentError(
            None, ctx.op, "range_max is %d but the vocabulary has %d ids in shard %d of %d"
            % (a["range_max"], len(weights), a["shard"], a["num_shards"]))
    if not weights.sum() > 0:
        raise errors.InvalidArgumentError(None, ctx.op, "the unigram counts are all zero")
    return weights


def _distribution(ctx):
    """The op's distribution, built once per session (the learned one lives there)."""
    key = (ctx.op, "distribution")
    dist = ctx.state.get(key)
    if dist is None:
        op_type, range_max = ctx.op.type, ctx.attrs.get("range_max")
        if op_type == "UniformCandidateSampler":
            dist = _Uniform(range_max)
        elif op_type == "LogUniformCandidateSampler":
            dist = _LogUniform(range_max)
        elif op_type == "LearnedUnigramCandidateSampler":
            dist = _Weighted(np.ones(range_max))
        else:
            dist = _Weighted(_fixed_weights(ctx))
        ctx.state[key] = dist
    return dist


def _check_true_classes(ctx, true_classes):
    if np.ndim(true_classes) != 2:
        raise errors.InvalidArgumentError(None, ctx.op, "true_classes must be a matrix")
    if true_classes.shape[1] != ctx.attrs["num_true"]:
        raise errors.InvalidArgumentError(
            None, ctx.op, "true_classes must have num_true columns, expected: %d was: %d"
            % (ctx.attrs["num_true"], true_classes.shape[1]))


def _sampler_kernel(ctx, true_classes):
    _check_true_classes(ctx, true_classes)
    k, unique = ctx.attrs["num_sampled"], ctx.attrs["unique"]
    dist = _distribution(ctx)
    if unique and k > dist.range_max:
        raise errors.InvalidArgumentError(None, ctx.op, "Sampler's range is too small.")
    if true_classes.size and not (0 <= true_classes.min() and
                                  true_classes.max() < dist.range_max):
        raise errors.InvalidArgumentError(
            None, ctx.op, "true_classes must be in [0, range_max = %d)" % dist.range_max)
    rng = _generator(ctx)
    if unique:
        sampled, tries = sampling.draw_unique(lambda n: dist.draw(rng, n), k)
    else:
        sampled, tries = dist.draw(rng, k), k
    true_count = sampling.expected_count(dist.probability(true_classes), k, tries, unique)
    sampled_count = sampling.expected_count(dist.probability(sampled), k, tries, unique)
    if ctx.op.type == "LearnedUnigramCandidateSampler":  # learn from this step afterwards
        np.add.at(dist.weights, true_classes.ravel(), 1.0)
    return sampled, true_count, sampled_count


def _all_kernel(ctx, true_classes):
    _check_true_classes(ctx, true_classes)
    k = ctx.attrs["num_sampled"]
    return (np.arange(k, dtype=np.int64), np.ones(true_classes.shape, np.float32),
            np.ones(k, np.float32))


def _sampler_shape(op):
    true = op._inputs[0].shape.with_rank(2)
    k = op.get_attr("num_sampled")
    return [TensorShape([k]), TensorShape([true[0], op.get_attr("num_true")]),
            TensorShape([k])]


for _type in ("UniformCandidateSampler", "LogUniformCandidateSampler",
              "LearnedUnigramCandidateSampler", "FixedUnigramCandidateSampler"):
    register(_type, _sampler_kernel, _sampler_shape, NO_GRADIENT, stateful=True)
register("AllCandidateSampler", _all_kernel, _sampler_shape, NO_GRADIENT, stateful=True)


# -- ComputeAccidentalHits ---------------------------------------------------------------
def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Where a sampled candidate is one of its row's true classes.

    Returns ``(indices, ids, weights)``: for each hit, the row (int32), the position in
    ``sampled_candidates`` (int64), and ``-FLT_MAX``. Added to the sampled logits at
    those places, the weights take the hits out of a sampled softmax.
    """
    del seed  # TF's signature has it; the result is not random
    with op_scope(name, "ComputeAccidentalHits") as scope:
        true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64, name="true_classes")
        sampled = convert_to_tensor(sampled_candidates, dtype=dtypes.int64,
                                    name="sampled_candidates")
        op = make_op("ComputeAccidentalHits", [true_classes, sampled],
                     [dtypes.int32, dtypes.int64, dtypes.float32], scope,
                     {"num_true": int(num_true)})
        return tuple(op._outputs)


def _accidental_hits_kernel(ctx, true_classes, sampled):
    _check_true_classes(ctx, true_classes)
    if np.ndim(sampled) != 1:
        raise errors.InvalidArgumentError(None, ctx.op, "sampled_candidates must be a vector")
    rows, positions = sampling.accidental_hits(true_classes, sampled)
    return rows, positions, np.full(len(rows), -sampling.FLT_MAX, np.float32)


def _accidental_hits_shape(op):
    op._inputs[0].shape.with_rank(2)
    op._inputs[1].shape.with_rank(1)
    return [TensorShape([None])] * 3


register("ComputeAccidentalHits", _accidental_hits_kernel, _accidental_hits_shape,
         NO_GRADIENT)
