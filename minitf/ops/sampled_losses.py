"""Losses over a large output vocabulary that look at a few sampled classes per step.

A softmax over 50,000 words needs every output row for every example. Both losses here
compute logits only for each example's true classes and for ``num_sampled`` classes
drawn once per batch (by default from the log-uniform sampler), then correct each
logit by the log of its expected sample count, so that frequent classes, which are
drawn often, are not over-penalized:

* ``sampled_softmax_loss``: a softmax over ``true + sampled`` classes; it approaches
  the full softmax cross-entropy as ``num_sampled`` grows.
* ``nce_loss``: noise-contrastive estimation, a logistic regression telling the true
  classes (label 1) from the sampled noise (label 0), summed over both.

These are compositions of public ops (``embedding_lookup`` of the used rows, so the
gradients of ``weights`` and ``biases`` are sparse); they need no kernel of their own.
"""
from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.ops import array_ops, math_ops, nn_ops
from minitf.ops.candidate_sampling_ops import (compute_accidental_hits,
                                               log_uniform_candidate_sampler)
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.op_util import op_scope
from minitf.ops.partitioned_variables import PartitionedVariable

__all__ = ["nce_loss", "sampled_softmax_loss"]


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                    sampled_values, subtract_log_q, remove_accidental_hits,
                    partition_strategy, seed):
    """Logits ``[batch, num_true + num_sampled]`` and their target probabilities.

    Targets are ``1 / num_true`` for each true class and 0 for the sampled ones.
    """
    if isinstance(weights, PartitionedVariable):
        weights = list(weights)
    labels = math_ops.cast(convert_to_tensor(labels, name="labels"), dtypes.int64)
    inputs = convert_to_tensor(inputs, name="inputs")
    if labels.shape.ndims not in (None, 2):
        raise ValueError("labels must have shape [batch_size, num_true], got %s"
                         % (labels.shape,))
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(
            labels, num_true, num_sampled, unique=True, range_max=num_classes, seed=seed)
    sampled, true_count, sampled_count = (array_ops.stop_gradient(v) for v in sampled_values)
    sampled = math_ops.cast(sampled, dtypes.int64)

    # One lookup serves true and sampled classes, so each shard is gathered once.
    flat_labels = array_ops.reshape(labels, [-1])
    all_ids = array_ops.concat([flat_labels, sampled], 0)
    all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
    all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
    # a split's gradient is one concat, where two slices would need two pads and a sum
    true_w, sampled_w = array_ops.split(all_w, [-1, num_sampled], 0)
    true_b, sampled_b = array_ops.split(all_b, [-1, num_sampled], 0)

    # true_logits[i, j] = <inputs[i], w[labels[i, j]]> + b[labels[i, j]]
    dim = array_ops.shape(true_w)[1:2]
    true_w = array_ops.reshape(true_w, array_ops.concat([[-1, num_true], dim], 0))
    true_logits = math_ops.reduce_sum(array_ops.expand_dims(inputs, 1) * true_w, 2)
    true_logits += array_ops.reshape(true_b, [-1, num_true])
    sampled_logits = math_ops.matmul(inputs, sampled_w, transpose_b=True) + sampled_b

    if remove_accidental_hits:
        # A sampled class that is the row's true class must not count as a negative.
        rows, positions, minus_max = compute_accidental_hits(labels, sampled, num_true)
        where = array_ops.stack([rows, math_ops.cast(positions, dtypes.int32)], 1)
        shape = array_ops.concat([array_ops.shape(labels)[:1], [num_sampled]], 0)
        sampled_logits += array_ops.scatter_nd(
            where, math_ops.cast(minus_max, sampled_logits.dtype), shape)
    if subtract_log_q:
        true_logits -= math_ops.log(math_ops.cast(true_count, true_logits.dtype))
        sampled_logits -= math_ops.log(math_ops.cast(sampled_count, sampled_logits.dtype))
    logits = array_ops.concat([true_logits, sampled_logits], 1)
    targets = array_ops.concat([array_ops.ones_like(true_logits) / num_true,
                                array_ops.zeros_like(sampled_logits)], 1)
    return logits, targets


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """Noise-contrastive estimation loss, one value per example: shape ``[batch]``.

    Args:
        weights: ``[num_classes, dim]`` output embeddings (a tensor, a list of shards
            or a ``PartitionedVariable``).
        biases: ``[num_classes]``.
        labels: ``[batch, num_true]`` int64 true classes.
        inputs: ``[batch, dim]`` activations (e.g. the input word's embedding).
        num_sampled: negative classes drawn per batch.
        num_classes: the number of possible classes.
        sampled_values: a sampler's ``(sampled, true_expected, sampled_expected)``;
            by default ``log_uniform_candidate_sampler`` with ``unique=True``.
        remove_accidental_hits: leave out sampled classes equal to a true class. TF's
            default is False for NCE (it treats noise as noise).

    Example:
        >>> loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, labels, embed,
        ...                                      num_sampled=64, num_classes=50000))
    """
    with op_scope(None, name, [inputs, labels]):
        logits, targets = _sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true,
            sampled_values, True, remove_accidental_hits, partition_strategy, None)
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits,
                                                          name="sampled_losses")
        return math_ops.reduce_sum(losses, 1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Softmax cross-entropy over the true and the sampled classes: shape ``[batch]``.

    Arguments as for ``nce_loss``; accidental hits are removed by default, since a
    sampled class equal to the true one would otherwise be pushed both up and down.
    Use it for training only: evaluate with the full softmax.
    """
    with op_scope(None, name, [inputs, labels]):
        logits, targets = _sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, num_true,
            sampled_values, True, remove_accidental_hits, partition_strategy, seed)
        targets = array_ops.stop_gradient(targets, name="labels_stop_gradient")
        return nn_ops.softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits)
