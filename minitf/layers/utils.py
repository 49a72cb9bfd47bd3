"""Argument normalization and graph-time helpers shared by the layers (and contrib layers).

The names and error texts follow TF 1.x's ``keras.utils.conv_utils`` and
``layers.utils``, which ``tf.layers`` used to check its arguments.
"""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import Tensor, constant_value as _const
from minitf.ops import control_flow_ops, math_ops, nn_ops
from minitf.ops.variables import Variable


def normalize_tuple(value, n, name):
    """``value`` as a tuple of ``n`` ints: an int is repeated, a sequence must have length n."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError("The `%s` argument must be a tuple of %d integers. Received: %s"
                         % (name, n, value)) from None
    if len(values) != n:
        raise ValueError("The `%s` argument must be a tuple of %d integers. Received: %s"
                         % (name, n, value))
    for v in values:
        if not isinstance(v, (int, np.integer)):
            raise ValueError("The `%s` argument must be a tuple of %d integers. Received: %s "
                             "including element %s of type %s"
                             % (name, n, value, v, type(v)))
    return tuple(int(v) for v in values)


def normalize_padding(value):
    """'valid' or 'same' (any case), lowercased."""
    padding = value.lower() if isinstance(value, str) else value
    if padding not in ("valid", "same"):
        raise ValueError('The `padding` argument must be one of "valid", "same". Received: '
                         + str(value))
    return padding


def normalize_data_format(value):
    """'channels_last' (the default for None) or 'channels_first', lowercased."""
    fmt = "channels_last" if value is None else value
    fmt = fmt.lower() if isinstance(fmt, str) else fmt
    if fmt not in ("channels_first", "channels_last"):
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         '"channels_last". Received: ' + str(value))
    return fmt


def nchw_or_nhwc(data_format):
    """The op-level format ('NCHW' or 'NHWC') of a layer-level 2-D data format."""
    return "NCHW" if data_format == "channels_first" else "NHWC"


def window4(values, data_format):
    """A (height, width) pair as the 4-list that conv and pooling ops take."""
    h, w = values
    return [1, 1, h, w] if data_format == "channels_first" else [1, h, w, 1]


_ACTIVATIONS = {"linear": None, "relu": nn_ops.relu, "relu6": nn_ops.relu6, "elu": nn_ops.elu,
                "selu": nn_ops.selu, "sigmoid": math_ops.sigmoid, "tanh": math_ops.tanh,
                "softmax": nn_ops.softmax, "softplus": nn_ops.softplus,
                "softsign": nn_ops.softsign}


def get_activation(activation):
    """A callable (or None for linear) from a callable, None or a Keras activation name."""
    if activation is None or callable(activation):
        return activation
    if isinstance(activation, str) and activation in _ACTIVATIONS:
        return _ACTIVATIONS[activation]
    raise ValueError("Unknown activation function: %s" % (activation,))


def constant_value(pred):
    """True/False when ``pred`` is known at graph-build time, else None (as TF's utils)."""
    if isinstance(pred, Variable):
        return None
    if isinstance(pred, Tensor):
        value = _const(pred)
        return None if value is None else bool(value)
    if pred in (0, 1):  # True and False are 1 and 0
        return bool(pred)
    raise TypeError("`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: %s"
                    % type(pred))


def smart_cond(pred, true_fn, false_fn, name=None):
    """``true_fn()`` or ``false_fn()`` chosen now when ``pred`` is static, else a ``tf.cond``."""
    value = constant_value(pred)
    if value is None:
        if isinstance(pred, Tensor) and pred.dtype is not dtypes.bool:
            raise TypeError("`pred` must be a bool tensor, got %s" % pred.dtype.name)
        return control_flow_ops.cond(pred, true_fn, false_fn, name=name)
    return true_fn() if value else false_fn()
