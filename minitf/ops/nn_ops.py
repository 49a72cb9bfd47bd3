"""Neural-network ops: activations, bias_add, softmax, cross entropies, top_k.

Each op is one block: public wrapper, registration, shape function, gradient.
Several ``tf.nn`` functions are compositions of public ops (``crelu``,
``sigmoid_cross_entropy_with_logits``, ``moments``, ``l2_normalize``,
``dropout`` ...); they need no registration and differentiate through their
parts.  Activation gradients are built from public ops (select, cast), not
from TF's ``*Grad`` kernels, so second derivatives work as well.

Everything that exponentiates subtracts a maximum first (or uses ``-|x|``), so
logits of ±1e4 give finite values and finite gradients.
"""
import collections
import numbers

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import Tensor, convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import Dimension, TensorShape, unknown_shape
from minitf.kernels import softmax as softmax_kernels
from minitf.ops import array_ops, math_ops, random_ops
from minitf.ops.op_util import (FLOATS, NUMERIC, check_dtype, const_value, cwise_kernel,
                                invalid, make_op, op_scope, same_shape)

__all__ = [
    # activations
    "relu", "relu6", "elu", "selu", "softplus", "softsign", "leaky_relu", "crelu", "swish",
    "sigmoid", "tanh",
    # layers
    "bias_add", "xw_plus_b", "relu_layer",
    # softmax and cross entropies
    "softmax", "log_softmax", "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
    "sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits",
    # normalization and statistics
    "l2_loss", "moments", "l2_normalize", "batch_normalization", "fused_batch_norm",
    "zero_fraction", "lrn",
    "local_response_normalization",
    # selection, lookup, regularization
    "top_k", "in_top_k", "dropout",
]

sigmoid = math_ops.sigmoid
tanh = math_ops.tanh


# == helpers ==========================================================================
def _activation(op_type, features, name, allowed=FLOATS, attrs=None):
    """Build a one-input element-wise op on ``features`` (dtype checked like TF)."""
    with op_scope(name, op_type, [features]) as scope:
        x = convert_to_tensor(features, name="features")
        check_dtype(op_type, x, allowed, "features")
        return make_op(op_type, [x], [x.dtype], scope, attrs)._outputs[0]


def _is_zero(t):
    """True when ``t`` is known to be all zeros (an unused output's gradient)."""
    if t.op.type == "ZerosLike":
        return True
    v = const_value(t)
    return v is not None and not np.any(v)


def _at_least_rank(shape, rank):
    if shape.ndims is not None and shape.ndims < rank:
        raise ValueError("Shape must be at least rank %d but is rank %d" % (rank, shape.ndims))


def _merge_dim(a, b):
    """Merge two Dimensions with TF's wording when they differ."""
    a, b = Dimension(a), Dimension(b)
    if a.value is not None and b.value is not None and a.value != b.value:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (a.value, b.value))
    return a.value if a.value is not None else b.value


# -- Relu ---------------------------------------------------------------------------------
def relu(features, name=None):
    """Rectified linear unit: ``max(features, 0)``, element-wise.

    The gradient is 0 where ``features <= 0`` (also exactly at 0), as in TF.

    Example:
        >>> tf.nn.relu(tf.constant([-1., 0., 2.]))   # [0., 0., 2.]
    """
    return _activation("Relu", features, name, NUMERIC)


def _relu_grad(op, g):
    return [g * math_ops.cast(math_ops.greater(op._inputs[0], 0), g.dtype)]  # dx = G · [x > 0]


register("Relu", cwise_kernel(lambda x: np.maximum(x, 0)), same_shape, _relu_grad)


# -- Relu6 --------------------------------------------------------------------------------
def relu6(features, name=None):
    """Rectified linear unit capped at 6: ``min(max(features, 0), 6)``.

    Example:
        >>> tf.nn.relu6(tf.constant([-1., 3., 9.]))   # [0., 3., 6.]
    """
    return _activation("Relu6", features, name, NUMERIC)


def _relu6_grad(op, g):
    x = op._inputs[0]
    inside = math_ops.logical_and(math_ops.greater(x, 0), math_ops.less(x, 6))
    return [g * math_ops.cast(inside, g.dtype)]  # dx = G · [0 < x < 6]


register("Relu6", cwise_kernel(lambda x: np.clip(x, 0, 6)), same_shape, _relu6_grad)


# -- Elu ----------------------------------------------------------------------------------
def elu(features, name=None):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``exp(x) - 1``.

    Example:
        >>> tf.nn.elu(tf.constant([-1., 2.]))   # [-0.6321, 2.]
    """
    return _activation("Elu", features, name)


def _elu_grad(op, g):
    x, y = op._inputs[0], op._outputs[0]
    # dx = G for x > 0, G · (y + 1) = G · eˣ otherwise
    return [array_ops.where(math_ops.greater(x, 0), g, g * (y + 1))]


register("Elu", cwise_kernel(lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0)))),
         same_shape, _elu_grad)


# -- Selu ---------------------------------------------------------------------------------
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(features, name=None):
    """Scaled ELU: ``scale * x`` if ``x > 0`` else ``scale * alpha * (exp(x) - 1)``.

    ``alpha ≈ 1.6733`` and ``scale ≈ 1.0507`` (Klambauer et al., 2017).

    Example:
        >>> tf.nn.selu(tf.constant([1.]))   # [1.0507]
    """
    return _activation("Selu", features, name)


def _selu_kernel(x):
    neg = _SELU_SCALE * _SELU_ALPHA * np.expm1(np.minimum(x, 0))
    return np.where(x > 0, _SELU_SCALE * x, neg)


def _selu_grad(op, g):
    x, y = op._inputs[0], op._outputs[0]
    # dx = G · scale for x > 0, G · (y + scale·alpha) otherwise
    return [array_ops.where(math_ops.greater(x, 0), g * _SELU_SCALE,
                            g * (y + _SELU_SCALE * _SELU_ALPHA))]


register("Selu", cwise_kernel(_selu_kernel), same_shape, _selu_grad)


# -- Softplus -----------------------------------------------------------------------------
def softplus(features, name=None):
    """``log(exp(features) + 1)``, computed without overflow.

    Example:
        >>> tf.nn.softplus(tf.constant([0., 1e4]))   # [0.6931, 10000.]
    """
    return _activation("Softplus", features, name)


register("Softplus", cwise_kernel(lambda x: np.logaddexp(np.zeros((), x.dtype), x)),
         same_shape, lambda op, g: [g * math_ops.sigmoid(op._inputs[0])])  # dx = G · σ(x)


# -- Softsign -----------------------------------------------------------------------------
def softsign(features, name=None):
    """``features / (abs(features) + 1)``.

    Example:
        >>> tf.nn.softsign(tf.constant([-3., 1.]))   # [-0.75, 0.5]
    """
    return _activation("Softsign", features, name)


def _softsign_grad(op, g):
    return [g / math_ops.square(1 + math_ops.abs(op._inputs[0]))]  # dx = G / (1 + |x|)²


register("Softsign", cwise_kernel(lambda x: x / (1 + np.abs(x))), same_shape, _softsign_grad)


# -- LeakyRelu ----------------------------------------------------------------------------
def leaky_relu(features, alpha=0.2, name=None):
    """``features`` where positive, else ``alpha * features``.

    Integer inputs are cast to float32 first, as in TF.

    Example:
        >>> tf.nn.leaky_relu(tf.constant([-2., 3.]), alpha=0.1)   # [-0.2, 3.]
    """
    with op_scope(name, "LeakyRelu", [features]) as scope:
        x = convert_to_tensor(features, name="features")
        if x.dtype.is_integer:
            x = math_ops.cast(x, dtypes.float32)
        check_dtype("LeakyRelu", x, FLOATS, "features")
        alpha = float(np.asarray(alpha).item()) if not isinstance(alpha, Tensor) else alpha
        if isinstance(alpha, Tensor):  # a tensor alpha: composed, as TF's fallback
            return math_ops.maximum(alpha * x, x, name=scope)
        return make_op("LeakyRelu", [x], [x.dtype], scope, {"alpha": alpha})._outputs[0]


def _leaky_relu_grad(op, g):
    # dx = G where x > 0, alpha · G elsewhere
    return [array_ops.where(math_ops.greater(op._inputs[0], 0), g, g * op._attrs["alpha"])]


register("LeakyRelu",
         lambda ctx, x: np.where(x > 0, x, x * ctx.attrs["alpha"]).astype(x.dtype, copy=False),
         same_shape, _leaky_relu_grad)


# -- crelu, swish (composites) --------------------------------------------------------------
def crelu(features, name=None, axis=-1):
    """Concatenated ReLU: ``relu(concat([x, -x], axis))``; doubles the size of ``axis``.

    Example:
        >>> tf.nn.crelu(tf.constant([[1., -2.]]))   # [[1., 0., 0., 2.]]
    """
    with op_scope(name, "CRelu", [features]) as scope:
        x = convert_to_tensor(features, name="features")
        c = array_ops.concat([x, math_ops.negative(x)], axis, name=scope)
        return relu(c)


def swish(features, name=None):
    """``features * sigmoid(features)`` (Ramachandran et al., 2017).

    Example:
        >>> tf.nn.swish(tf.constant([0.]))   # [0.]
    """
    with op_scope(name, "swish", [features]):
        x = convert_to_tensor(features, name="features")
        return x * math_ops.sigmoid(x)


# -- BiasAdd ------------------------------------------------------------------------------
def bias_add(value, bias, data_format=None, name=None):
    """Add the 1-D ``bias`` along the channel axis of ``value``.

    The channel axis is the last one (``data_format`` None or ``"NHWC"``) or
    axis 1 (``"NCHW"``). The gradient for ``bias`` sums over all other axes.

    Args:
        value: tensor of rank >= 2.
        bias: 1-D tensor whose size is the number of channels; same dtype.

    Example:
        >>> tf.nn.bias_add(tf.zeros([2, 3]), [1., 2., 3.])   # [[1, 2, 3], [1, 2, 3]]
    """
    with op_scope(name, "BiasAdd", [value, bias]) as scope:
        x = convert_to_tensor(value, name="input")
        b = convert_to_tensor(bias, dtype=x.dtype, name="bias")
        return make_op("BiasAdd", [x, b], [x.dtype], scope,
                       {"data_format": _data_format(data_format), "T": x.dtype})._outputs[0]


def _data_format(fmt):
    fmt = fmt.decode() if isinstance(fmt, bytes) else (fmt or "NHWC")
    if fmt.startswith("NC"):
        return "NCHW"
    if fmt.startswith("N") and fmt.endswith("C"):
        return "NHWC"
    raise ValueError("Unknown data format: %s" % fmt)


def _channel_axis(data_format, ndims):
    return 1 if data_format == "NCHW" and ndims >= 2 else ndims - 1


def _bias_shape(nd, data_format):
    """Shape that broadcasts a bias vector along the channel axis of a rank-``nd`` value."""
    return [-1] + [1] * (nd - 2) if data_format == "NCHW" and nd > 2 else [-1]


def _bias_add_kernel(ctx, x, b):
    fmt = ctx.attrs["data_format"]
    nd = np.ndim(x)
    if nd < 2:
        raise invalid(ctx, "Input tensor must be at least 2D: %s" % list(np.shape(x)))
    if np.ndim(b) != 1:
        raise invalid(ctx, "Biases must be 1D: %s" % list(np.shape(b)))
    c = np.shape(x)[_channel_axis(fmt, nd)]
    if np.shape(b)[0] != c:
        raise invalid(ctx, "Must provide as many biases as the channel dimension of the input "
                           "tensor: %s vs. %s" % (list(np.shape(b)), list(np.shape(x))))
    return x + np.reshape(b, _bias_shape(nd, fmt))


def _bias_add_shape(op):
    x, b = op._inputs
    if b.shape.ndims is not None and b.shape.ndims != 1:
        raise ValueError("Shape must be rank 1 but is rank %d" % b.shape.ndims)
    _at_least_rank(x.shape, 2)
    if x.shape.ndims is None:
        return [unknown_shape()]
    dims = x.shape.as_list()
    axis = _channel_axis(op._attrs["data_format"], len(dims))
    dims[axis] = _merge_dim(dims[axis], b.shape[0] if b.shape.ndims else None)
    return [TensorShape(dims)]


def _bias_add_grad(op, g):
    # d value = G;  d bias = Σ G over every axis but the channel axis
    return [g, bias_add_grad(g, op._attrs["data_format"])]


register("BiasAdd", _bias_add_kernel, _bias_add_shape, _bias_add_grad)


# -- BiasAddGrad ----------------------------------------------------------------------------
def bias_add_grad(out_backprop, data_format="NHWC", name=None):
    """Sum ``out_backprop`` over all axes except the channel axis (BiasAdd's bias gradient).

    Example:
        >>> bias_add_grad(tf.ones([4, 3]))   # [4., 4., 4.]
    """
    with op_scope(name, "BiasAddGrad", [out_backprop]) as scope:
        g = convert_to_tensor(out_backprop, name="out_backprop")
        return make_op("BiasAddGrad", [g], [g.dtype], scope,
                       {"data_format": _data_format(data_format), "T": g.dtype})._outputs[0]


def _bias_add_grad_kernel(ctx, g):
    nd = np.ndim(g)
    if nd < 2:
        raise invalid(ctx, "Input tensor must be at least 2D: %s" % list(np.shape(g)))
    keep = _channel_axis(ctx.attrs["data_format"], nd)
    axes = tuple(a for a in range(nd) if a != keep)
    return np.sum(g, axis=axes).astype(g.dtype, copy=False)


def _bias_add_grad_shape(op):
    s = op._inputs[0].shape
    _at_least_rank(s, 2)
    if s.ndims is None:
        return [unknown_shape(1)]
    return [TensorShape([s[_channel_axis(op._attrs["data_format"], s.ndims)]])]


def _bias_add_grad_grad(op, gg):
    # y = Σ_{other axes} g  =>  dg = gg broadcast back along the channel axis
    g = op._inputs[0]
    nd = g.shape.ndims
    if op._attrs["data_format"] == "NCHW":
        if nd is not None:
            gg = array_ops.reshape(gg, _bias_shape(nd, "NCHW"))
        else:
            ones = array_ops.fill(array_ops.expand_dims(array_ops.rank(g) - 2, 0), 1)
            gg = array_ops.reshape(gg, array_ops.concat([[-1], ones], 0))
    return [array_ops.broadcast_to(gg, array_ops.shape(g))]


register("BiasAddGrad", _bias_add_grad_kernel, _bias_add_grad_shape, _bias_add_grad_grad)


# -- xw_plus_b, relu_layer (composites) -------------------------------------------------------
def xw_plus_b(x, weights, biases, name=None):
    """``matmul(x, weights) + biases`` (a dense layer without activation).

    Example:
        >>> tf.nn.xw_plus_b(tf.ones([2, 3]), tf.ones([3, 4]), tf.zeros([4]))   # 3s, (2, 4)
    """
    with op_scope(name, "xw_plus_b", [x, weights, biases]) as scope:
        mm = math_ops.matmul(x, weights)
        return bias_add(mm, biases, name=scope)


def relu_layer(x, weights, biases, name=None):
    """``relu(matmul(x, weights) + biases)``.

    Example:
        >>> tf.nn.relu_layer(tf.ones([2, 3]), -tf.ones([3, 4]), tf.zeros([4]))   # zeros
    """
    with op_scope(name, "relu_layer", [x, weights, biases]) as scope:
        xw_b = bias_add(math_ops.matmul(x, weights), biases)
        return relu(xw_b, name=scope)


# == Softmax family ======================================================================
def _shift_and_lse(x):
    """``(x - max, log Σ exp(x - max))`` along the last axis (numpy, x's dtype)."""
    if np.shape(x)[-1] == 0:
        return np.array(x, copy=True), np.zeros(np.shape(x)[:-1] + (1,), x.dtype)
    with np.errstate(all="ignore"):
        shifted = x - np.max(x, axis=-1, keepdims=True)
        return shifted, np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _stable_log_softmax(x):
    """``x - logsumexp(x)`` along the last axis, in x's dtype (numpy)."""
    shifted, lse = _shift_and_lse(x)
    return shifted - lse


def _swap_with_last(x, axis, name="transpose"):
    """Transpose ``x`` so that ``axis`` and the last axis trade places (an involution)."""
    nd = x.shape.ndims
    if nd is not None:
        a = axis % nd
        perm = list(range(nd))
        perm[a], perm[-1] = perm[-1], perm[a]
        return array_ops.transpose(x, perm, name=name)
    r = array_ops.rank(x)
    a = math_ops.floormod(axis, r)
    last = r - 1
    perm = array_ops.concat([math_ops.range(a), array_ops.expand_dims(last, 0),
                             math_ops.range(a + 1, last), array_ops.expand_dims(a, 0)], 0)
    return array_ops.transpose(x, perm, name=name)


def _move_to_end(x, axis):
    """Transpose ``x`` so that ``axis`` becomes the last axis; the others keep their order."""
    nd = x.shape.ndims
    if nd is not None:
        a = axis % nd
        return array_ops.transpose(x, [i for i in range(nd) if i != a] + [a])
    r = array_ops.rank(x)
    a = math_ops.floormod(axis, r)
    perm = array_ops.concat([math_ops.range(a), math_ops.range(a + 1, r),
                             array_ops.expand_dims(a, 0)], 0)
    return array_ops.transpose(x, perm)


def _along_axis(op_type, logits, axis, name, dim):
    """Apply the last-axis op ``op_type`` along ``axis`` (swapping axes like TF)."""
    if axis is None:
        axis = -1 if dim is None else dim
    with op_scope(name, op_type, [logits]) as scope:
        x = convert_to_tensor(logits, name="logits")
        check_dtype(op_type, x, FLOATS, "logits")
        nd = x.shape.ndims
        if isinstance(axis, Tensor):
            axis = const_value(axis) if const_value(axis) is not None else axis
        if not isinstance(axis, Tensor):
            axis = int(axis)
            if nd is not None and not -max(nd, 1) <= axis < max(nd, 1):
                raise ValueError("`dim` must be in the range [%d, %d) where %d is the number of "
                                 "dimensions in the input. Received: dim=%d"
                                 % (-nd, nd, nd, axis))
            if axis == -1 or (nd is not None and axis == nd - 1):
                return make_op(op_type, [x], [x.dtype], scope)._outputs[0]
        y = make_op(op_type, [_swap_with_last(x, axis)], [x.dtype])._outputs[0]
        return _swap_with_last(y, axis, name=scope)


def _last_axis_shape(op):
    s = op._inputs[0].shape
    _at_least_rank(s, 1)
    return [s]


# -- Softmax ----------------------------------------------------------------------------------
def softmax(logits, axis=None, name=None, dim=None):
    """``exp(logits) / reduce_sum(exp(logits), axis)``, computed stably.

    Args:
        logits: float tensor of rank >= 1.
        axis: the class axis (default -1); ``dim`` is its TF 1.x alias.

    Example:
        >>> tf.nn.softmax(tf.constant([1e4, 0.]))   # [1., 0.]
    """
    return _along_axis("Softmax", logits, axis, name, dim)


def _softmax_grad(op, g):
    y = op._outputs[0]
    # dx = (G - Σ_j G_j y_j) · y
    return [(g - math_ops.reduce_sum(g * y, -1, keepdims=True)) * y]


register("Softmax", cwise_kernel(lambda x: np.exp(_stable_log_softmax(x))), _last_axis_shape,
         _softmax_grad)


# -- LogSoftmax -------------------------------------------------------------------------------
def log_softmax(logits, axis=None, name=None, dim=None):
    """``logits - log(reduce_sum(exp(logits), axis))``, computed stably.

    Example:
        >>> tf.nn.log_softmax(tf.constant([0., 0.]))   # [-0.6931, -0.6931]
    """
    return _along_axis("LogSoftmax", logits, axis, name, dim)


def _log_softmax_grad(op, g):
    y = op._outputs[0]
    # dx = G - softmax(x) · Σ_j G_j,  softmax(x) = exp(y)
    return [g - math_ops.exp(y) * math_ops.reduce_sum(g, -1, keepdims=True)]


register("LogSoftmax", cwise_kernel(lambda x: _stable_log_softmax(x)), _last_axis_shape,
         _log_softmax_grad)


# -- SoftmaxCrossEntropyWithLogits ---------------------------------------------------------------
def _ensure_xent_args(name, sentinel, labels, logits):
    if sentinel is not None:
        raise ValueError("Only call `%s` with named arguments (labels=..., logits=..., ...)"
                         % name)
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """Softmax cross entropy ``-Σ labels · log_softmax(logits)`` along ``dim``.

    TF 1.x semantics: no gradient flows into ``labels`` (they pass through
    ``stop_gradient``), so ``tf.gradients(loss, labels)`` is ``[None]``; use
    ``softmax_cross_entropy_with_logits_v2`` to differentiate w.r.t. labels.
    Call with named arguments.

    Args:
        labels: a probability distribution per row (same shape as logits).
        logits: unscaled log probabilities.
        dim: the class axis (``axis`` is an alias).

    Returns:
        A tensor with the shape of ``logits`` minus the class axis.

    Example:
        >>> tf.nn.softmax_cross_entropy_with_logits(labels=[[0., 1.]], logits=[[0., 0.]])
        ... # [0.6931]
    """
    _ensure_xent_args("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with op_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
        return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                    axis=dim if axis is None else axis,
                                                    name=scope)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """Softmax cross entropy whose gradient also flows into ``labels``.

    ``d loss / d labels = -log_softmax(logits)``. Labels are cast to the
    logits' dtype. Any rank works: the class axis is moved last and the rest
    flattened for the 2-D kernel.

    Example:
        >>> tf.nn.softmax_cross_entropy_with_logits_v2([[0., 1.]], [[0., 0.]])   # [0.6931]
    """
    if axis is None:
        axis = -1 if dim is None else dim
    with op_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        check_dtype("SoftmaxCrossEntropyWithLogits", logits, FLOATS, "features")
        if labels.dtype is not logits.dtype:
            labels = math_ops.cast(labels, logits.dtype)
        nd = logits.shape.ndims
        axis = int(axis)
        if (axis != -1 and nd is None) or (nd is not None and axis % max(nd, 1) != nd - 1):
            logits, labels = _move_to_end(logits, axis), _move_to_end(labels, axis)
        if logits.shape.ndims == 2:
            op = make_op("SoftmaxCrossEntropyWithLogits", [logits, labels],
                         [logits.dtype, logits.dtype], scope)
            return op._outputs[0]
        # other ranks: flatten the outer dims, run the 2-D op, restore them
        if logits.shape.ndims is not None:
            _at_least_rank(logits.shape, 1)
        outer = array_ops.shape(logits)[:-1]
        classes = array_ops.shape(logits)[-1:]
        flat = array_ops.concat([[-1], classes], 0)
        op = make_op("SoftmaxCrossEntropyWithLogits",
                     [array_ops.reshape(logits, flat), array_ops.reshape(labels, flat)],
                     [logits.dtype, logits.dtype])
        loss = array_ops.reshape(op._outputs[0], outer, name=scope)
        if logits.shape.ndims is not None:
            loss.set_shape(logits.shape[:-1])
        return loss


_JIT_XENT = (np.dtype(np.float32), np.dtype(np.float64))


def _softmax_xent_kernel(ctx, logits, labels):
    if np.shape(logits) != np.shape(labels):
        raise invalid(ctx, "logits and labels must be same size: logits_size=%s labels_size=%s"
                      % (list(np.shape(logits)), list(np.shape(labels))))
    if logits.dtype in _JIT_XENT and logits.ndim == 2 and logits.shape[1]:
        loss = np.empty(logits.shape[0], logits.dtype)
        backprop = np.empty_like(logits)
        softmax_kernels.softmax_xent_rows(logits, labels, loss, backprop)
        return loss, backprop
    shifted, lse = _shift_and_lse(logits)
    with np.errstate(all="ignore"):
        # -log p = lse - shifted stays finite even where p underflows to 0
        loss = np.sum(labels * (lse - shifted), axis=-1)
        backprop = np.exp(shifted - lse) - labels
    return loss.astype(logits.dtype, copy=False), backprop.astype(logits.dtype, copy=False)


def _xent_shape(op):
    a, b = op._inputs[0].shape, op._inputs[1].shape
    for s in (a, b):
        if s.ndims is not None and s.ndims != 2:
            raise ValueError("Shape must be rank 2 but is rank %d" % s.ndims)
    rows = _merge_dim(a[0] if a.ndims else None, b[0] if b.ndims else None)
    cols = _merge_dim(a[1] if a.ndims else None, b[1] if b.ndims else None)
    return [TensorShape([rows]), TensorShape([rows, cols])]


def _softmax_jacobian_term(logits, g_backprop):
    """Σ_j G'_j ∂softmax_j/∂x = (G' - Σ_j G'_j s_j) · s, for the ``backprop`` output."""
    s = softmax(logits)
    return (g_backprop - math_ops.reduce_sum(g_backprop * s, -1, keepdims=True)) * s


def _softmax_xent_grad(op, g_loss, g_backprop):
    logits, _ = op._inputs
    backprop = op._outputs[1]
    g = array_ops.expand_dims(g_loss, -1)
    # loss = -Σ labels · log_softmax(x):  dx = G · (softmax(x) - labels) = G · backprop,
    # d labels = -G · log_softmax(x);  backprop = softmax(x) - labels adds its own terms.
    d_logits = g * backprop
    d_labels = g * math_ops.negative(log_softmax(logits))
    if not _is_zero(g_backprop):
        d_logits = d_logits + _softmax_jacobian_term(logits, g_backprop)
        d_labels = d_labels - g_backprop
    return [d_logits, d_labels]


register("SoftmaxCrossEntropyWithLogits", _softmax_xent_kernel, _xent_shape,
         _softmax_xent_grad)


# -- SparseSoftmaxCrossEntropyWithLogits ----------------------------------------------------------
def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """Softmax cross entropy with class indices as labels: ``-log_softmax(logits)[labels]``.

    Args:
        labels: int32/int64 tensor of shape ``logits.shape[:-1]``; each value in
            ``[0, num_classes)`` (others raise InvalidArgumentError at run time).
        logits: float tensor ``[..., num_classes]``.

    Returns:
        A tensor of the labels' shape and the logits' dtype. Labels get no gradient.

    Example:
        >>> tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=[[0., 0.]])
        ... # [0.6931]
    """
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with op_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]) as scope:
        labels = convert_to_tensor(labels, name="labels")
        logits = convert_to_tensor(logits, name="logits")
        check_dtype("SparseSoftmaxCrossEntropyWithLogits", logits, FLOATS, "features")
        check_dtype("SparseSoftmaxCrossEntropyWithLogits", labels, (dtypes.int32, dtypes.int64),
                    "labels")
        ls, xs = labels.shape, logits.shape
        if ls.ndims is not None and xs.ndims is not None:
            if ls.ndims != xs.ndims - 1:
                raise ValueError("Rank mismatch: Rank of labels (received %d) should equal rank "
                                 "of logits minus 1 (received %d)." % (ls.ndims, xs.ndims))
            if not ls.is_compatible_with(xs[:-1]):
                raise ValueError("Shape mismatch: The shape of labels (received %s) should "
                                 "equal the shape of logits except for the last dimension "
                                 "(received %s)." % (ls, xs))
        if xs.ndims == 2:
            op = make_op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels],
                         [logits.dtype, logits.dtype], scope, {"Tlabels": labels.dtype})
            return op._outputs[0]
        # other ranks: flatten to [N, classes] and [N], run the op, restore the labels' shape
        classes = array_ops.shape(logits)[-1:]
        op = make_op("SparseSoftmaxCrossEntropyWithLogits",
                     [array_ops.reshape(logits, array_ops.concat([[-1], classes], 0)),
                      array_ops.reshape(labels, [-1])],
                     [logits.dtype, logits.dtype], None, {"Tlabels": labels.dtype})
        loss = array_ops.reshape(op._outputs[0], array_ops.shape(labels),
                                 name=scope)
        if ls.ndims is not None:
            loss.set_shape(ls if xs.ndims is None else ls.merge_with(xs[:-1]))
        return loss


def _sparse_xent_kernel(ctx, logits, labels):
    n, k = np.shape(logits)
    if np.shape(labels) != (n,):
        raise invalid(ctx, "logits and labels must have the same first dimension, got logits "
                           "shape %s and labels shape %s" % (list(np.shape(logits)),
                                                             list(np.shape(labels))))
    bad = (labels < 0) | (labels >= k)
    if np.any(bad):
        raise invalid(ctx, "Received a label value of %d which is outside the valid range of "
                           "[0, %d).  Label values: %s"
                   % (int(labels[np.argmax(bad)]), k, " ".join(str(int(v)) for v in labels)))
    shifted, lse = _shift_and_lse(logits)
    rows = np.arange(n)
    loss = lse[:, 0] - shifted[rows, labels]
    backprop = np.exp(shifted - lse)
    backprop[rows, labels] -= 1
    return loss.astype(logits.dtype, copy=False), backprop.astype(logits.dtype, copy=False)


def _sparse_xent_shape(op):
    x, lab = op._inputs[0].shape, op._inputs[1].shape
    if x.ndims is not None and x.ndims != 2:
        raise ValueError("Shape must be rank 2 but is rank %d" % x.ndims)
    if lab.ndims is not None and lab.ndims != 1:
        raise ValueError("Shape must be rank 1 but is rank %d" % lab.ndims)
    rows = _merge_dim(x[0] if x.ndims else None, lab[0] if lab.ndims else None)
    return [TensorShape([rows]), TensorShape([rows, x[1] if x.ndims else None])]


def _sparse_xent_grad(op, g_loss, g_backprop):
    logits = op._inputs[0]
    # loss = -log_softmax(x)[label]:  dx = G · (softmax(x) - onehot(label)) = G · backprop
    d_logits = array_ops.expand_dims(g_loss, -1) * op._outputs[1]
    if not _is_zero(g_backprop):
        d_logits = d_logits + _softmax_jacobian_term(logits, g_backprop)
    return [d_logits, None]


register("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_kernel, _sparse_xent_shape,
         _sparse_xent_grad)


# -- sigmoid / weighted cross entropy (composites) ---------------------------------------------
def _same_shape_logits_and_labels(logits, labels):
    """Both as tensors, checked to have compatible static shapes (element-wise losses)."""
    logits = convert_to_tensor(logits, name="logits")
    labels = convert_to_tensor(labels, name="labels")
    try:
        labels.shape.merge_with(logits.shape)
    except ValueError:
        raise ValueError("logits and labels must have the same shape (%s vs %s)"
                         % (logits.shape, labels.shape)) from None
    return logits, labels


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Element-wise logistic loss ``-z·log σ(x) - (1-z)·log(1-σ(x))``, computed stably.

    With ``x = logits`` and ``z = labels`` it evaluates
    ``max(x, 0) - x·z + log(1 + exp(-|x|))``, finite for any ``x``. Call with
    named arguments; labels and logits share dtype and shape.

    TF writes this as ten element-wise ops (and twice as many in the gradient);
    minitf computes it as one op, ``SigmoidCrossEntropyWithLogits`` inside the
    ``logistic_loss`` scope, whose gradient ``σ(x) - z`` is exact at ``x = 0`` too.

    Example:
        >>> tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.], logits=[0.])   # [0.6931]
    """
    _ensure_xent_args("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    with op_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = _same_shape_logits_and_labels(logits, labels)
        return make_op("SigmoidCrossEntropyWithLogits", [logits, labels], [logits.dtype],
                       scope)._outputs[0]


def _sigmoid_xent_kernel(ctx, x, z):
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(x))
        out = np.maximum(x, 0)
        out -= x * z
        # log1p(e) for e in (0, 1]: log(1 + e) rescaled by e / ((1 + e) - 1) corrects
        # the rounding of 1 + e (Goldberg's trick); numpy's log1p is ~4x slower here.
        u = 1 + e
        d = u - 1
        exact = d != 0
        log1p = np.log(u)
        log1p *= np.divide(e, d, out=np.ones_like(e), where=exact)
        np.copyto(log1p, e, where=~exact)  # e below 1's spacing: log1p(e) = e
        out += log1p
    return out.astype(x.dtype, copy=False)


def _sigmoid_xent_grad(op, g):
    # d/dx [max(x,0) - xz + log(1 + e^-|x|)] = σ(x) - z ;  d/dz = -x
    x, z = op._inputs
    return [g * (math_ops.sigmoid(x) - z), -g * x]


register("SigmoidCrossEntropyWithLogits", _sigmoid_xent_kernel, same_shape, _sigmoid_xent_grad)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """Sigmoid cross entropy whose positive term is scaled by ``pos_weight``.

    ``loss = (1 - z)·x + (1 + (q - 1)·z) · (log(1 + exp(-|x|)) + max(-x, 0))``
    with ``z = labels`` (alias ``targets``), ``x = logits``, ``q = pos_weight``.

    Example:
        >>> tf.nn.weighted_cross_entropy_with_logits([1.], [0.], pos_weight=2.)   # [1.3863]
    """
    if labels is None:
        labels = targets
    with op_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = _same_shape_logits_and_labels(logits, labels)
        log_weight = 1 + (pos_weight - 1) * labels
        softplus_neg = (math_ops.log1p(math_ops.exp(-math_ops.abs(logits)))
                        + relu(math_ops.negative(logits)))
        return math_ops.add((1 - labels) * logits, log_weight * softplus_neg,
                            name=scope)


# == statistics ====================================================================================
# -- L2Loss -------------------------------------------------------------------------------------
def l2_loss(t, name=None):
    """Half the squared L2 norm: ``sum(t ** 2) / 2`` (a scalar).

    Example:
        >>> tf.nn.l2_loss(tf.constant([3., 4.]))   # 12.5
    """
    with op_scope(name, "L2Loss", [t]) as scope:
        x = convert_to_tensor(t, name="t")
        check_dtype("L2Loss", x, FLOATS, "t")
        return make_op("L2Loss", [x], [x.dtype], scope, {"T": x.dtype})._outputs[0]


register("L2Loss", cwise_kernel(lambda x: np.sum(np.square(x)) / 2), lambda op: [TensorShape([])],
         lambda op, g: [op._inputs[0] * g])  # dx = G · x


# -- moments, l2_normalize, batch_normalization, zero_fraction (composites) --------------------
def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """Mean and variance of ``x`` over ``axes``.

    The variance is ``mean((x - stop_gradient(mean))²)``; float16 inputs are
    computed in float32 and cast back. ``shift`` is accepted and unused, as in TF.

    Returns:
        ``(mean, variance)``; reduced axes are kept with size 1 when ``keepdims``.

    Example:
        >>> m, v = tf.nn.moments(tf.constant([1., 2., 3., 4.]), axes=[0])   # 2.5, 1.25
    """
    if keepdims is None:
        keepdims = bool(keep_dims)
    with op_scope(name, "moments", [x, axes]):
        x = convert_to_tensor(x, name="x")
        y = math_ops.cast(x, dtypes.float32) if x.dtype is dtypes.float16 else x
        mean = math_ops.reduce_mean(y, axes, keepdims=True, name="mean")
        variance = math_ops.reduce_mean(
            math_ops.squared_difference(y, array_ops.stop_gradient(mean)), axes, keepdims=True,
            name="variance")
        if not keepdims:
            mean = array_ops.squeeze(mean, axes)
            variance = array_ops.squeeze(variance, axes)
        if x.dtype is dtypes.float16:
            return math_ops.cast(mean, x.dtype), math_ops.cast(variance, x.dtype)
        return mean, variance


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x²), epsilon))`` along ``axis`` (all axes when None).

    Example:
        >>> tf.nn.l2_normalize(tf.constant([3., 4.]), 0)   # [0.6, 0.8]
    """
    if axis is None:
        axis = dim
    with op_scope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        x_inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.multiply(x, x_inv_norm, name=scope)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``scale · (x - mean) / sqrt(variance + variance_epsilon) + offset``.

    ``offset`` and ``scale`` may be None (0 and 1).

    Example:
        >>> tf.nn.batch_normalization(x, m, v, None, None, 1e-3)   # standardized x
    """
    with op_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x, name="x")
        inv = math_ops.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        shift = offset - mean * inv if offset is not None else -mean * inv
        return x * math_ops.cast(inv, x.dtype) + math_ops.cast(shift, x.dtype)


FUSED_MIN_EPSILON = 1.001e-5  # the least epsilon TF's fused kernel (cuDNN's limit) takes


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None):
    """Batch normalization of a 4-D ``x`` over its channels, as TF's FusedBatchNorm.

    Composed from ``moments`` and ``batch_normalization``, so it differentiates to any order.

    Returns:
        ``(y, mean, variance)``.  Training: the batch mean and the batch variance
        with Bessel's correction (``y`` itself uses the biased one).  Inference:
        ``y`` from the given ``mean`` and ``variance``, which are passed through.
    """
    with op_scope(name, "FusedBatchNorm", [x, scale, offset]):
        x = convert_to_tensor(x, name="x")
        if x.shape.ndims not in (None, 4):
            raise ValueError("Shape must be rank 4 but is rank %d" % x.shape.ndims)
        epsilon = max(epsilon, FUSED_MIN_EPSILON)
        nchw = data_format == "NCHW"

        def per_channel(v):
            return array_ops.reshape(v, [1, -1, 1, 1]) if nchw else v
        if is_training:
            mean, biased = moments(x, [0, 2, 3] if nchw else [0, 1, 2])
            count = math_ops.cast(array_ops.size(x), biased.dtype) / math_ops.cast(
                array_ops.size(biased), biased.dtype)
            corrected = biased * count / math_ops.maximum(count - 1, 1)
        else:
            if mean is None or variance is None:
                raise ValueError("Both 'mean' and 'variance' must be a 1D tensor when "
                                 "is_training is False.")
            mean = convert_to_tensor(mean, name="mean")
            biased = corrected = convert_to_tensor(variance, name="variance")
        y = batch_normalization(x, per_channel(mean), per_channel(biased),
                                       per_channel(offset), per_channel(scale), epsilon)
        return y, mean, corrected


# -- LRN (local response normalization) ------------------------------------------------------
def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5,  # noqa: A002
                                 name=None):
    """Divide each channel by a power of the squared activity of its neighbour channels.

    ``sqr_sum[..., d] = Σ input[..., d - r : d + r + 1]²`` (channels past either end count
    as zero) and ``output = input / (bias + alpha · sqr_sum) ** beta``, over the last axis
    of a 4-D input (AlexNet's normalization). TF 1.x takes half and float32; float64 is
    accepted too.

    Example:
        >>> tf.nn.lrn(tf.ones([1, 1, 1, 3]), depth_radius=1, bias=0., alpha=1., beta=1.)
        ... # [[[[1/2, 1/3, 1/2]]]]
    """
    with op_scope(name, "LRN", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        check_dtype("LRN", x, FLOATS, "input")
        # float attrs are float32 in a GraphDef, so round them now as TF does
        f32 = lambda v: float(np.float32(v))  # noqa: E731
        return make_op("LRN", [x], [x.dtype], scope,
                       {"depth_radius": int(depth_radius), "bias": f32(bias),
                        "alpha": f32(alpha), "beta": f32(beta), "T": x.dtype})._outputs[0]


lrn = local_response_normalization


def _window_sum_numpy(a, r):
    padded = np.pad(a, [(0, 0)] * (a.ndim - 1) + [(r, r)])
    c = a.shape[-1]
    return sum(padded[..., i:i + c] for i in range(2 * r + 1))


def _window_sum(t, r):
    """The same channel-window sum as graph ops, so LRN's gradient differentiates again."""
    padded = array_ops.pad(t, [[0, 0]] * 3 + [[r, r]])
    c = array_ops.shape(t)[-1:]
    parts = [array_ops.slice(padded, [0, 0, 0, i], array_ops.concat([[-1, -1, -1], c], 0))
             for i in range(2 * r + 1)]
    return math_ops.add_n(parts)


def _lrn_kernel(ctx, x):
    if np.ndim(x) != 4:
        raise invalid(ctx, "input must be 4-dimensional")
    a = ctx.attrs
    norm = a["bias"] + a["alpha"] * _window_sum_numpy(x * x, a["depth_radius"])
    return (x / norm ** a["beta"]).astype(x.dtype, copy=False)


def _lrn_shape(op):
    shape = op._inputs[0].shape
    if shape.ndims is not None and shape.ndims != 4:
        raise ValueError("Shape must be rank 4 but is rank %d" % shape.ndims)
    return [shape if shape.ndims is not None else TensorShape([None] * 4)]


def _lrn_grad(op, g):
    # y = x·n^-β with n = bias + α·S(x²), S the (self-adjoint) window sum:
    # dx = G·n^-β - 2αβ·x·S(G·x·n^(-β-1))
    x = op._inputs[0]
    a = op._attrs
    r, alpha, beta = a["depth_radius"], a["alpha"], a["beta"]
    norm = a["bias"] + alpha * _window_sum(x * x, r)
    inner = _window_sum(g * x * norm ** (-beta - 1.0), r)
    return [g * norm ** -beta - (2.0 * alpha * beta) * x * inner]


register("LRN", _lrn_kernel, _lrn_shape, _lrn_grad)


def zero_fraction(value, name=None):
    """The fraction of zeros in ``value`` (float32 scalar); handy for ReLU summaries.

    Example:
        >>> tf.nn.zero_fraction(tf.constant([0., 1., 0., 2.]))   # 0.5
    """
    with op_scope(name, "zero_fraction", [value]):
        value = convert_to_tensor(value, name="value")
        zero = array_ops.zeros([], dtype=value.dtype)
        return math_ops.reduce_mean(math_ops.cast(math_ops.equal(value, zero), dtypes.float32))


# == selection =====================================================================================
# -- TopKV2 -------------------------------------------------------------------------------------
TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002  (TF's names)
    """The ``k`` largest entries along the last axis and their indices.

    Equal values keep their order: the lower index comes first. The result is
    always sorted (largest first); ``sorted=False`` is accepted.

    Returns:
        A named tuple ``(values, indices)``, each of shape ``input.shape[:-1] + [k]``;
        indices are int32.

    Example:
        >>> v, i = tf.nn.top_k(tf.constant([1., 3., 3., 2.]), k=2)   # [3., 3.], [1, 2]
    """
    with op_scope(name, "TopKV2", [input, k]) as scope:
        x = convert_to_tensor(input, name="input")
        check_dtype("TopKV2", x, NUMERIC, "input")
        k = convert_to_tensor(k, dtype=dtypes.int32, name="k")
        op = make_op("TopKV2", [x, k], [x.dtype, dtypes.int32], scope,
                     {"sorted": bool(sorted), "T": x.dtype})
        return TopKV2(op._outputs[0], op._outputs[1])


def _top_k_kernel(ctx, x, k):
    k = int(k)
    if np.ndim(x) < 1:
        raise invalid(ctx, "input must be >= 1-D, got shape %s" % list(np.shape(x)))
    if k < 0:
        raise invalid(ctx, "Need k >= 0, got %d" % k)
    n = np.shape(x)[-1]
    if n < k:
        raise invalid(ctx, "input must have at least k columns. Had %d, needed %d" % (n, k))
    # descending order, stable for ties: sort an order-reversing key ascending
    key = -x if x.dtype.kind == "f" else ~x.astype(np.int64)
    idx = np.argsort(key, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, axis=-1), idx.astype(np.int32)


def _top_k_shape(op):
    s = op._inputs[0].shape
    _at_least_rank(s, 1)
    k = const_value(op._inputs[1])
    if k is not None and k < 0:
        raise ValueError("Need k >= 0, got %d" % k)
    if s.ndims is None:
        return [unknown_shape(), unknown_shape()]
    last = s[-1].value
    if k is not None and last is not None and last < k:
        raise ValueError("input must have last dimension >= k = %d but is %d" % (k, last))
    out = TensorShape(s.as_list()[:-1] + [None if k is None else int(k)])
    return [out, out]


def _top_k_grad(op, g_values, g_indices):
    x, indices = op._inputs[0], op._outputs[1]
    # values = x[..., indices]  =>  dx = scatter-add of G at indices (row by row, flattened)
    in_shape = array_ops.shape(x)
    n = in_shape[-1]
    rows = math_ops.reduce_prod(in_shape[:-1])
    k = array_ops.shape(indices)[-1]
    offsets = array_ops.expand_dims(math_ops.range(rows) * n, -1)
    flat_idx = array_ops.reshape(array_ops.reshape(indices, array_ops.stack([rows, k])) + offsets,
                                 [-1])
    dx = array_ops.unsorted_segment_sum(array_ops.reshape(g_values, [-1]), flat_idx, rows * n)
    return [array_ops.reshape(dx, in_shape), None]


register("TopKV2", _top_k_kernel, _top_k_shape, _top_k_grad)


# -- InTopKV2 -----------------------------------------------------------------------------------
def in_top_k(predictions, targets, k, name=None):
    """Whether each target class is among the ``k`` highest predictions of its row.

    A target counts when fewer than ``k`` classes score strictly higher, so ties
    with the k-th value count as in. A row holding a non-finite prediction, or
    a target outside ``[0, num_classes)``, gives False.

    Args:
        predictions: float ``[batch, num_classes]``.
        targets: int32/int64 ``[batch]`` class ids.
        k: number of top elements to look at.

    Example:
        >>> tf.nn.in_top_k([[0.1, 0.9], [0.8, 0.2]], [1, 1], 1)   # [True, False]
    """
    with op_scope(name, "InTopKV2", [predictions, targets, k]) as scope:
        p = convert_to_tensor(predictions, name="predictions")
        check_dtype("InTopKV2", p, FLOATS, "predictions")
        t = convert_to_tensor(targets, name="targets")
        check_dtype("InTopKV2", t, (dtypes.int32, dtypes.int64), "targets")
        k = convert_to_tensor(k, dtype=t.dtype, name="k")
        return make_op("InTopKV2", [p, t, k], [dtypes.bool], scope, {"T": t.dtype})._outputs[0]


def _in_top_k_kernel(ctx, p, t, k):
    if np.ndim(p) != 2 or np.ndim(t) != 1 or np.shape(p)[0] != np.shape(t)[0]:
        raise invalid(ctx, "predictions must be 2-dimensional and targets 1-dimensional with the "
                           "same first dimension: %s vs %s"
                      % (list(np.shape(p)), list(np.shape(t))))
    b, n = np.shape(p)
    if n == 0:
        return np.zeros(b, dtype=bool)
    valid = (t >= 0) & (t < n)
    target_p = p[np.arange(b), np.where(valid, t, 0)]
    higher = np.sum(p > target_p[:, None], axis=1)
    finite = np.all(np.isfinite(p), axis=1)
    return valid & finite & (higher < int(k))


def _in_top_k_shape(op):
    p, t = op._inputs[0].shape, op._inputs[1].shape
    if p.ndims is not None and p.ndims != 2:
        raise ValueError("Shape must be rank 2 but is rank %d" % p.ndims)
    if t.ndims is not None and t.ndims != 1:
        raise ValueError("Shape must be rank 1 but is rank %d" % t.ndims)
    return [TensorShape([_merge_dim(p[0] if p.ndims else None, t[0] if t.ndims else None)])]


register("InTopKV2", _in_top_k_kernel, _in_top_k_shape, NO_GRADIENT)


# -- dropout (composite) ---------------------------------------------------------------------------
def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Zero elements with probability ``rate = 1 - keep_prob``; scale the rest by ``1/keep_prob``.

    As in TF 1.x the mask is ``floor(keep_prob + random_uniform(noise_shape))``
    (1 with probability keep_prob), so a given ``seed`` reproduces TF's mask.
    ``noise_shape`` (default ``shape(x)``) broadcasts against ``x``: a 1 keeps
    or drops whole slices together. A Python ``keep_prob`` of 1 returns ``x``.

    Args:
        x: float tensor.
        keep_prob: probability of keeping an element (scalar; may be a placeholder).
        rate: probability of dropping (TF 2 style); give one of the two.
        seed: op-level seed.

    Example:
        >>> tf.nn.dropout(tf.ones([4]), keep_prob=0.5, seed=1)   # 0s and 2s
    """
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both 'rate' and 'keep_prob'")
    if keep_prob is not None:
        try:
            rate = 1. - keep_prob
        except TypeError:
            raise ValueError("keep_prob must be a floating point number or Tensor (got %r)"
                             % (keep_prob,)) from None
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    with op_scope(name, "dropout", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be "
                             "scaled. Got a %s tensor instead." % x.dtype.name)
        if isinstance(rate, numbers.Real):
            if not 0 <= rate < 1:
                raise ValueError("rate must be a scalar tensor or a float in the range [0, 1), "
                                 "got %g" % rate)
            if rate == 0:
                return x
        rate = convert_to_tensor(rate, dtype=x.dtype, name="rate")
        rate.shape.assert_is_compatible_with(TensorShape([]))
        keep = 1 - rate
        shape = _noise_shape(x, noise_shape)
        random_tensor = keep + random_ops.random_uniform(shape, seed=seed, dtype=x.dtype)
        binary_tensor = math_ops.floor(random_tensor)  # 1 on [1, 1 + keep), 0 on [keep, 1)
        ret = math_ops.multiply(math_ops.divide(x, keep), binary_tensor, name=scope)
        ret.set_shape(x.shape)
        return ret


def _noise_shape(x, noise_shape):
    """``noise_shape`` with None entries filled from ``x``'s static shape."""
    if noise_shape is None:
        return array_ops.shape(x)
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = list(noise_shape)
    if any(d is None for d in dims):
        if x.shape.ndims != len(dims):
            raise ValueError("noise_shape %s has None entries but x's rank is not %d"
                             % (dims, len(dims)))
        dims = [x.shape[i].value if d is None else d for i, d in enumerate(dims)]
        if any(d is None for d in dims):
            xs = array_ops.shape(x)
            return array_ops.stack([xs[i] if d is None else d for i, d in enumerate(dims)])
    return dims
