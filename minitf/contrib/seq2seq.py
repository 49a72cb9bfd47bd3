"""``tf.contrib.seq2seq.sequence_loss``: cross entropy over padded sequences, weighted.

The weights (usually ``tf.sequence_mask(lengths, T, dtype=tf.float32)``) make
padded steps count for nothing, and the averages divide by the weights' sum, so
a batch of short sequences is not diluted by its padding.
"""
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.ops import array_ops, math_ops, nn_ops

__all__ = ["sequence_loss"]


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """Weighted cross entropy of ``logits`` [batch, time, classes] against ``targets``
    [batch, time]; a scalar, or [batch] / [time] / [batch, time] per the two flags.

    Example:
        >>> mask = tf.sequence_mask(lengths, T, dtype=tf.float32)
        >>> loss = tf.contrib.seq2seq.sequence_loss(logits, targets, mask)
    """
    logits, targets = convert_to_tensor(logits), convert_to_tensor(targets)
    weights = convert_to_tensor(weights, dtype=logits.dtype)
    if logits.shape.ndims != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.shape.ndims != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.shape.ndims != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    with get_default_graph().name_scope(name or "sequence_loss"):
        classes = array_ops.shape(logits)[2]
        flat_logits = array_ops.reshape(logits, array_ops.stack([-1, classes]))
        flat_targets = array_ops.reshape(targets, [-1])
        if softmax_loss_function is None:
            xent = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=flat_targets,
                                                                   logits=flat_logits)
        else:
            xent = softmax_loss_function(labels=flat_targets, logits=flat_logits)
        xent = xent * array_ops.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return math_ops.reduce_sum(xent) / (math_ops.reduce_sum(weights) + 1e-12)
        xent = array_ops.reshape(xent, array_ops.shape(logits)[:2])
        if average_across_timesteps:
            return math_ops.reduce_sum(xent, 1) / (math_ops.reduce_sum(weights, 1) + 1e-12)
        if average_across_batch:
            return math_ops.reduce_sum(xent, 0) / (math_ops.reduce_sum(weights, 0) + 1e-12)
        return xent
