"""``tf.losses``: weighted, reduced losses that register themselves in a collection.

All are compositions of public ops (no new op types).  As in TF 1.x:

* ``compute_weighted_loss`` multiplies the per-element losses by ``weights``
  and reduces them in float32, then casts the result back to the losses' dtype;
  the default reduction is ``SUM_BY_NONZERO_WEIGHTS`` (sum divided by the number
  of non-zero weights, 0 when there are none).
* The regression-style losses (``absolute_difference``, ``mean_squared_error``,
  ``huber_loss``, ``log_loss``, ``hinge_loss``, ``cosine_distance``) cast their
  inputs to float32 first, so they return float32 even for float64 inputs,
  while the gradient w.r.t. a float64 input stays float64 (through the cast).
* The cross-entropy losses keep the logits' dtype.
* Every loss is added to ``loss_collection`` (``GraphKeys.LOSSES``).
"""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import GraphKeys, Tensor, add_to_collection, convert_to_tensor
from minitf.framework.graph import get_collection
from minitf.ops import array_ops, math_ops, nn_ops
from minitf.ops.op_util import op_scope

__all__ = ["Reduction", "absolute_difference", "add_loss", "compute_weighted_loss",
           "cosine_distance", "get_losses", "get_regularization_loss",
           "get_regularization_losses", "get_total_loss", "hinge_loss", "huber_loss",
           "log_loss", "mean_squared_error", "sigmoid_cross_entropy", "softmax_cross_entropy",
           "sparse_softmax_cross_entropy"]


class Reduction:
    """How ``compute_weighted_loss`` reduces the weighted element losses.

    * ``NONE``: no reduction; the result has the losses' shape.
    * ``SUM``: sum of the weighted losses.
    * ``MEAN``: that sum divided by the sum of the weights.
    * ``SUM_OVER_BATCH_SIZE``: that sum divided by the number of elements.
    * ``SUM_BY_NONZERO_WEIGHTS`` (default; alias ``SUM_OVER_NONZERO_WEIGHTS``):
      that sum divided by the number of non-zero weights.
    """

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s." % key)


# -- collection helpers ---------------------------------------------------------------------
def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Add ``loss`` to ``loss_collection`` (nothing when the collection is None).

    Example:
        >>> tf.losses.add_loss(my_loss); tf.losses.get_total_loss()
    """
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """The losses in ``loss_collection`` whose names match the regex ``scope``."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The tensors in ``GraphKeys.REGULARIZATION_LOSSES`` (filtered by ``scope``)."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or a float32 0 when there are none.

    Example:
        >>> tf.losses.get_regularization_loss()   # add_n of the regularizers' outputs
    """
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return array_ops.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """``add_n`` of ``get_losses(scope)`` and (by default) the regularization losses.

    Raises:
        ValueError: when there are no losses at all.

    Example:
        >>> tf.losses.mean_squared_error(y, pred); total = tf.losses.get_total_loss()
    """
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope=scope)
    return math_ops.add_n(losses, name=name)


# -- weighting and reduction ----------------------------------------------------------------------
def _assert_broadcastable(weights, values):
    """TF's static check: weights are a scalar or of values' rank with dims 1 or equal."""
    ws, vs = weights.shape, values.shape
    if ws.ndims is None or vs.ndims is None or ws.ndims == 0:
        return
    if ws.ndims != vs.ndims:
        raise ValueError("weights can not be broadcast to values. values.rank=%d. "
                         "weights.rank=%d. values.shape=%s. weights.shape=%s."
                         % (vs.ndims, ws.ndims, vs, ws))
    for w, v in zip(ws.as_list(), vs.as_list()):
        if w is not None and v is not None and w != 1 and w != v:
            raise ValueError("weights can not be broadcast to values. values.shape=%s. "
                             "weights.shape=%s." % (vs, ws))


def _safe_mean(total, count):
    """``total / count``, or 0 when ``count`` is 0."""
    return math_ops.div_no_nan(total, count, name="value")


def _num_elements(losses):
    with op_scope(None, "num_elements", [losses]):
        return math_ops.cast(array_ops.size(losses), losses.dtype)


def _num_present(losses, weights):
    """How many elements of ``losses`` have a non-zero (broadcast) weight, as float32."""
    with op_scope(None, "num_present", [losses, weights]):
        weights = math_ops.cast(weights, dtypes.float32)
        present = array_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                                  array_ops.ones_like(weights))
        present = present * array_ops.ones_like(losses)  # broadcast to the losses' shape
        return math_ops.reduce_sum(present)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weight element-wise ``losses`` and reduce them; add the result to ``loss_collection``.

    Args:
        losses: float tensor ``[batch, d1, ... dN]``.
        weights: scalar, or a tensor of the losses' rank whose dims are 1 or
            equal to the losses' (it broadcasts).
        reduction: a ``tf.losses.Reduction`` key.

    Returns:
        A tensor of the losses' dtype: scalar, or the losses' shape for ``NONE``.
        The arithmetic is done in float32, as TF does.

    Example:
        >>> tf.losses.compute_weighted_loss([1., 2., 3.], weights=[1., 0., 1.])   # 2.0
    """
    Reduction.validate(reduction)
    with op_scope(scope, "weighted_loss", [losses, weights]):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        weights = convert_to_tensor(weights)
        _assert_broadcastable(weights, losses)
        losses = math_ops.cast(losses, dtypes.float32)
        weights = math_ops.cast(weights, dtypes.float32)
        weighted = math_ops.multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = math_ops.reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = _safe_mean(loss, math_ops.reduce_sum(array_ops.ones_like(losses)
                                                            * weights))
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_mean(loss, _num_present(losses, weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_mean(loss, _num_elements(losses))
        loss = math_ops.cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _as_float32_pair(labels, predictions):
    """Both inputs cast to float32 with compatible static shapes (TF's regression losses)."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if predictions is None:
        raise ValueError("predictions must not be None.")
    predictions = math_ops.cast(convert_to_tensor(predictions), dtypes.float32)
    labels = math_ops.cast(convert_to_tensor(labels), dtypes.float32)
    predictions.shape.assert_is_compatible_with(labels.shape)
    return labels, predictions


# -- regression losses ----------------------------------------------------------------------------
def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted ``|predictions - labels|`` (float32).

    Example:
        >>> tf.losses.absolute_difference([1., 2.], [2., 4.])   # 1.5
    """
    with op_scope(scope, "absolute_difference", [predictions, labels, weights]) as sc:
        labels, predictions = _as_float32_pair(labels, predictions)
        losses = math_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted ``(predictions - labels)²`` (float32; the mean by default).

    Example:
        >>> tf.losses.mean_squared_error([1., 2.], [2., 4.])   # 2.5
    """
    with op_scope(scope, "mean_squared_error", [predictions, labels, weights]) as sc:
        labels, predictions = _as_float32_pair(labels, predictions)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Huber loss of ``e = predictions - labels``: ``e²/2`` for ``|e| <= delta``,
    else ``delta²/2 + delta·(|e| - delta)`` (float32).

    Example:
        >>> tf.losses.huber_loss([0., 0.], [0.5, 3.])   # (0.125 + 2.5) / 2
    """
    with op_scope(scope, "huber_loss", [predictions, labels, weights]) as sc:
        labels, predictions = _as_float32_pair(labels, predictions)
        abs_error = math_ops.abs(math_ops.subtract(predictions, labels))
        quadratic = math_ops.minimum(abs_error, delta)
        # |e| - min(|e|, δ) equals max(|e| - δ, 0) but gives δ the whole gradient at |e| = δ
        linear = math_ops.subtract(abs_error, quadratic)
        losses = 0.5 * quadratic * quadratic + delta * linear
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Binary cross entropy of probabilities:
    ``-y·log(p + ε) - (1 - y)·log(1 - p + ε)`` (float32).

    Example:
        >>> tf.losses.log_loss([1.], [0.5])   # 0.6931
    """
    with op_scope(scope, "log_loss", [predictions, labels, weights]) as sc:
        labels, predictions = _as_float32_pair(labels, predictions)
        losses = (-math_ops.multiply(labels, math_ops.log(predictions + epsilon))
                  - math_ops.multiply(1 - labels, math_ops.log(1 - predictions + epsilon)))
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Hinge loss ``max(0, 1 - (2y - 1)·logits)`` for labels ``y`` in {0, 1} (float32).

    Example:
        >>> tf.losses.hinge_loss([1., 0.], [0.5, -2.])   # (0.5 + 0) / 2
    """
    with op_scope(scope, "hinge_loss", [logits, labels, weights]) as sc:
        labels, logits = _as_float32_pair(labels, logits)
        signs = 2 * labels - array_ops.ones_like(labels)
        losses = nn_ops.relu(1 - signs * logits)
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """``1 - Σ_axis labels·predictions`` for unit-normalized inputs (float32).

    Example:
        >>> tf.losses.cosine_distance([[1., 0.]], [[0., 1.]], axis=1)   # 1.0
    """
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with op_scope(scope, "cosine_distance_loss", [predictions, labels, weights]) as sc:
        labels, predictions = _as_float32_pair(labels, predictions)
        losses = 1 - math_ops.reduce_sum(predictions * labels, axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


# -- cross-entropy losses (keep the logits' dtype) -------------------------------------------------
def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted ``tf.nn.sigmoid_cross_entropy_with_logits``.

    With ``label_smoothing`` s the labels become ``y·(1 - s) + s/2``.

    Example:
        >>> tf.losses.sigmoid_cross_entropy([[1., 0.]], [[0., 0.]])   # 0.6931
    """
    if multi_class_labels is None:
        raise ValueError("multi_class_labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with op_scope(scope, "sigmoid_cross_entropy_loss",
                  [logits, multi_class_labels, weights]) as sc:
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(multi_class_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted softmax cross entropy of one-hot (or soft) labels; no gradient to labels.

    With ``label_smoothing`` s and C classes the labels become ``y·(1 - s) + s/C``.
    ``weights`` of shape ``[batch]`` weight each example.

    Example:
        >>> tf.losses.softmax_cross_entropy([[0., 1.]], [[0., 0.]])   # 0.6931
    """
    if onehot_labels is None:
        raise ValueError("onehot_labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with op_scope(scope, "softmax_cross_entropy_loss", [logits, onehot_labels, weights]) as sc:
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(onehot_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            num_classes = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype)
            labels = labels * (1 - label_smoothing) + label_smoothing / num_classes
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(
            labels=array_ops.stop_gradient(labels, name="labels_stop_gradient"),
            logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def _squeeze_last_if_one(t, rank):
    """Drop a trailing size-1 dim when ``t`` has rank ``rank + 1`` (static shapes)."""
    nd = t.shape.ndims
    if nd is not None and rank is not None and nd == rank + 1 and t.shape[-1].value == 1:
        return array_ops.squeeze(t, [-1])
    return t


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted ``tf.nn.sparse_softmax_cross_entropy_with_logits``.

    ``labels`` are class ids ``[batch]`` (a trailing size-1 dim is squeezed);
    ``weights`` may be a scalar or ``[batch]``.

    Example:
        >>> tf.losses.sparse_softmax_cross_entropy([1], [[0., 0.]])   # 0.6931
    """
    if labels is None:
        raise ValueError("labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with op_scope(scope, "sparse_softmax_cross_entropy_loss", [logits, labels, weights]) as sc:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        rank = None if logits.shape.ndims is None else logits.shape.ndims - 1
        labels = _squeeze_last_if_one(labels, rank)
        if isinstance(weights, Tensor) or np.ndim(weights):
            weights = _squeeze_last_if_one(convert_to_tensor(weights), rank)
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                 name="xentropy")
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)
