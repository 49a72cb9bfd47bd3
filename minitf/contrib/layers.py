"""``tf.contrib.layers``: TF 1.x's contrib layers, initializers and regularizers.

The layers wrap ``tf.layers`` as TF 1.x did, with contrib's own names and
defaults: each opens a variable scope (``fully_connected``, ``Conv``,
``BatchNorm``, made unique unless ``scope=`` is given), names its variables
``weights`` and ``biases``, puts them in ``MODEL_VARIABLES`` too, and applies
ReLU by default.

Example:
    >>> h = tf.contrib.layers.conv2d(images, 32, [5, 5], scope="conv1")   # conv1/weights
    >>> h = tf.contrib.layers.max_pool2d(h, 2)
    >>> logits = tf.contrib.layers.fully_connected(tf.contrib.layers.flatten(h), 10,
    ...                                            activation_fn=None)
"""
import numbers

from minitf import logging
from minitf.framework import dtypes
from minitf.framework.graph import GraphKeys, convert_to_tensor, get_default_graph
from minitf.layers import convolutional, core, normalization, pooling
from minitf.layers.utils import constant_value, normalize_padding, normalize_tuple, smart_cond
from minitf.ops import array_ops, init_ops, math_ops, nn_ops, pooling_ops, variable_scope as vs

__all__ = ["avg_pool2d", "batch_norm", "conv2d", "convolution2d", "dropout", "flatten",
           "fully_connected", "l1_regularizer", "l2_regularizer", "max_pool2d",
           "variance_scaling_initializer", "xavier_initializer", "xavier_initializer_conv2d"]

_NHWC, _NCHW = "NHWC", "NCHW"


# -- initializers -----------------------------------------------------------------------------
def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot/Xavier initializer: variance ``2 / (fan_in + fan_out)``.

    Args:
        uniform: draw from ``U(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``
            when True, else from a truncated normal of that variance.
        seed: op seed (combined with the graph seed as in TF).
        dtype: floating dtype of the values.

    Example:
        >>> w = tf.get_variable("w", [784, 10],
        ...                     initializer=tf.contrib.layers.xavier_initializer())
    """
    return init_ops.xavier_initializer(uniform=uniform, seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """Initializer of variance ``factor / n``, ``n`` the fan-in, fan-out or their mean.

    The default (``factor=2``, ``FAN_IN``, normal) is He et al.'s, for ReLU layers;
    ``factor=1, mode="FAN_AVG", uniform=True`` is Xavier's.

    Example:
        >>> w = tf.get_variable("w", [3, 3, 64, 64],
        ...                     initializer=tf.contrib.layers.variance_scaling_initializer())
    """
    return init_ops.contrib_variance_scaling_initializer(factor, mode, uniform, seed, dtype)


# -- regularizers -----------------------------------------------------------------------------
def _check_scale(scale):
    """TF's checks on a regularizer's scale; True when the scale disables it."""
    if isinstance(scale, numbers.Integral):
        raise ValueError("scale cannot be an integer: %s" % (scale,))
    if isinstance(scale, numbers.Real):
        if scale < 0.:
            raise ValueError("Setting a scale less than 0 on a regularizer: %g" % scale)
        if scale == 0.:
            logging.info("Scale of 0 disables regularizer.")
            return True
    return False


def l2_regularizer(scale, scope=None):
    """A regularizer ``fn(weights) = scale · sum(weights²) / 2`` (``scale · tf.nn.l2_loss``).

    Example:
        >>> h = tf.layers.dense(x, 10, kernel_regularizer=tf.contrib.layers.l2_regularizer(1e-4))
        >>> reg = tf.losses.get_regularization_loss()
    """
    if _check_scale(scale):
        return lambda _: None

    def l2(weights):
        with get_default_graph().name_scope(scope or "l2_regularizer") as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return math_ops.multiply(my_scale, nn_ops.l2_loss(weights), name=name)
    return l2


def l1_regularizer(scale, scope=None):
    """A regularizer ``fn(weights) = scale · sum(|weights|)``.

    Example:
        >>> w = tf.get_variable("w", [10], regularizer=tf.contrib.layers.l1_regularizer(0.1))
    """
    if _check_scale(scale):
        return lambda _: None

    def l1(weights):
        with get_default_graph().name_scope(scope or "l1_regularizer") as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return math_ops.multiply(my_scale, math_ops.reduce_sum(math_ops.abs(weights)),
                                     name=name)
    return l1


# -- helpers shared by the layers --------------------------------------------------------------
def _model_variable_getter(rename=None):
    """A custom getter: core layers' variables become model variables, renamed by ``rename``."""
    def getter(getter, name, **kwargs):
        short = name.split("/")[-1]
        if rename and short in rename:
            name = name[:-len(short)] + rename[short]
        collections = list(kwargs.pop("collections", None) or [])
        collections += [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
        return getter(name, collections=list(dict.fromkeys(collections)), **kwargs)
    return getter


_WEIGHTS_AND_BIASES = {"kernel": "weights", "bias": "biases"}


def _add_to_collections(variable, variables_collections, alias):
    """Also put ``variable`` in the user's collections (a list, or a dict by alias)."""
    if isinstance(variables_collections, dict):
        variables_collections = variables_collections.get(alias)
    graph = get_default_graph()
    for collection in variables_collections or []:
        if variable not in graph.get_collection(collection):
            graph.add_to_collection(collection, variable)


def _collect_outputs(outputs_collections, outputs):
    if outputs_collections:
        get_default_graph().add_to_collections(outputs_collections, outputs)
    return outputs


def _data_format_of(data_format):
    return "channels_first" if data_format and data_format.startswith("NC") else "channels_last"


def _normalize_and_activate(outputs, normalizer_fn, normalizer_params, activation_fn):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return outputs


# -- fully_connected and conv2d ----------------------------------------------------------------
def fully_connected(inputs, num_outputs, activation_fn=nn_ops.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=xavier_initializer(),
                    weights_regularizer=None, biases_initializer=init_ops.zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """A fully connected layer: ``activation_fn(normalizer_fn(inputs · weights + biases))``.

    Variables ``<scope>/weights`` ``[in, num_outputs]`` and ``<scope>/biases``
    (left out when ``normalizer_fn`` is given or ``biases_initializer`` is None);
    the default scope is ``fully_connected``.

    Example:
        >>> h = tf.contrib.layers.fully_connected(x, 256, scope="fc1")   # ReLU
        >>> logits = tf.contrib.layers.fully_connected(h, 10, activation_fn=None)
    """
    if not isinstance(num_outputs, int):
        raise ValueError("num_outputs type should be one of [<class 'int'>], got %s."
                         % type(num_outputs))
    with vs.variable_scope(scope, "fully_connected", [inputs], reuse=reuse,
                           custom_getter=_model_variable_getter(_WEIGHTS_AND_BIASES)) as sc:
        inputs = convert_to_tensor(inputs)
        layer = core.Dense(num_outputs, activation=None,
                           use_bias=not normalizer_fn and biases_initializer is not None,
                           kernel_initializer=weights_initializer,
                           bias_initializer=biases_initializer,
                           kernel_regularizer=weights_regularizer,
                           bias_regularizer=biases_regularizer, trainable=trainable,
                           name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc, _reuse=reuse)
        outputs = layer.apply(inputs)
        _add_to_collections(layer.kernel, variables_collections, "weights")
        if layer.bias is not None:
            _add_to_collections(layer.bias, variables_collections, "biases")
        outputs = _normalize_and_activate(outputs, normalizer_fn, normalizer_params,
                                          activation_fn)
        return _collect_outputs(outputs_collections, outputs)


def conv2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
           rate=1, activation_fn=nn_ops.relu, normalizer_fn=None, normalizer_params=None,
           weights_initializer=xavier_initializer(), weights_regularizer=None,
           biases_initializer=init_ops.zeros_initializer(), biases_regularizer=None,
           reuse=None, variables_collections=None, outputs_collections=None, trainable=True,
           scope=None):
    """A 2-D convolution layer: ``activation_fn(normalizer_fn(conv2d(inputs, weights) + b))``.

    Variables ``<scope>/weights`` ``[kh, kw, in, num_outputs]`` and
    ``<scope>/biases``; the default scope is ``Conv``.  ``padding`` is SAME by
    default, ``rate`` dilates the kernel.

    Example:
        >>> h = tf.contrib.layers.conv2d(images, 64, [3, 3], scope="conv1")   # conv1/weights
    """
    if data_format not in (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"):
        raise ValueError("Invalid data_format: %r" % (data_format,))
    with vs.variable_scope(scope, "Conv", [inputs], reuse=reuse,
                           custom_getter=_model_variable_getter(_WEIGHTS_AND_BIASES)) as sc:
        inputs = convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank != 4:
            raise ValueError("Convolution expects input with rank 4, got %s" % (rank,))
        layer = convolutional.Conv2D(
            num_outputs, kernel_size, strides=stride, padding=padding,
            data_format=_data_format_of(data_format), dilation_rate=rate, activation=None,
            use_bias=not normalizer_fn and biases_initializer is not None,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable, name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc,
            _reuse=reuse)
        outputs = layer.apply(inputs)
        _add_to_collections(layer.kernel, variables_collections, "weights")
        if layer.bias is not None:
            _add_to_collections(layer.bias, variables_collections, "biases")
        outputs = _normalize_and_activate(outputs, normalizer_fn, normalizer_params,
                                          activation_fn)
        return _collect_outputs(outputs_collections, outputs)


convolution2d = conv2d


# -- pooling and flatten ---------------------------------------------------------------------
def _pool(pool_fn, default_scope, inputs, kernel_size, stride, padding, data_format,
          outputs_collections, scope):
    if data_format not in (_NCHW, _NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with get_default_graph().name_scope(scope or default_scope):
        inputs = convert_to_tensor(inputs)
        df = _data_format_of(data_format)
        outputs = pooling.pool2d(pool_fn, inputs, normalize_tuple(kernel_size, 2, "pool_size"),
                                 normalize_tuple(stride, 2, "strides"),
                                 normalize_padding(padding), df)
        return _collect_outputs(outputs_collections, outputs)


def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format=_NHWC,
               outputs_collections=None, scope=None):
    """2-D max pooling (name scope ``MaxPool2D``); VALID padding and stride 2 by default.

    Example:
        >>> h = tf.contrib.layers.max_pool2d(h, [2, 2])   # halves height and width
    """
    return _pool(pooling_ops.max_pool, "MaxPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format=_NHWC,
               outputs_collections=None, scope=None):
    """2-D average pooling (name scope ``AvgPool2D``); VALID padding and stride 2 by default.

    Example:
        >>> h = tf.contrib.layers.avg_pool2d(h, [2, 2])
    """
    return _pool(pooling_ops.avg_pool, "AvgPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


def flatten(inputs, outputs_collections=None, scope=None):
    """``[batch, d1, d2, ...]`` to ``[batch, d1 · d2 · ...]`` (name scope ``Flatten``).

    Example:
        >>> tf.contrib.layers.flatten(tf.zeros([8, 7, 7, 64]))   # shape [8, 3136]
    """
    with get_default_graph().name_scope(scope or "Flatten"):
        outputs = core.flatten(convert_to_tensor(inputs))
        return _collect_outputs(outputs_collections, outputs)


def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):
    """Keep each entry with probability ``keep_prob`` (scaled by ``1 / keep_prob``) while
    ``is_training`` (a Python bool or a bool tensor); the identity otherwise. Name scope
    ``Dropout``.

    Example:
        >>> h = tf.contrib.layers.dropout(h, keep_prob=0.5, is_training=training)
    """
    with get_default_graph().name_scope(scope or "Dropout"):
        outputs = core.dropout(convert_to_tensor(inputs), rate=1 - keep_prob,
                               noise_shape=noise_shape, seed=seed, training=is_training)
        return _collect_outputs(outputs_collections, outputs)


# -- batch_norm ----------------------------------------------------------------------------------
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format=_NHWC, zero_debias_moving_mean=False,
               scope=None, renorm=False, renorm_clipping=None, renorm_decay=0.99,
               adjustment=None):
    """Batch normalization with contrib's defaults (``decay=0.999``, no ``gamma``).

    Variables ``<scope>/beta``, ``gamma`` (with ``scale=True``), ``moving_mean``
    and ``moving_variance``; the default scope is ``BatchNorm``.  While
    ``is_training``, the moving averages move by
    ``moving -= (moving - batch_statistic) · (1 - decay)``: the two update ops
    go to ``updates_collections`` (run them with the train op), or, with
    ``updates_collections=None``, run whenever the output is computed.

    As in TF 1.x, rank-2 and rank-4 inputs take the fused path (unless
    ``fused=False``), whose moving variance is fed the batch variance with
    Bessel's correction; other ranks feed the biased one.

    Example:
        >>> h = tf.contrib.layers.conv2d(x, 64, 3, normalizer_fn=tf.contrib.layers.batch_norm,
        ...                              normalizer_params={"is_training": is_training})
    """
    for flag, what in ((batch_weights is not None, "batch_weights"), (renorm, "renorm"),
                       (adjustment is not None, "adjustment"),
                       (zero_debias_moving_mean, "zero_debias_moving_mean")):
        if flag:
            raise NotImplementedError("minitf's batch_norm does not implement %s" % what)
    if data_format not in (_NCHW, _NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    fused = True if fused is None else fused
    inputs = convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    if updates_collections == GraphKeys.UPDATE_OPS and not (fused and rank == 2):
        return _core_batch_norm(inputs, decay, center, scale, epsilon, activation_fn,
                                param_initializers, param_regularizers, is_training, reuse,
                                variables_collections, outputs_collections, trainable, fused,
                                data_format, scope)
    with vs.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse,
                           custom_getter=_model_variable_getter()):
        if rank is None:
            raise ValueError("Inputs %s has undefined rank." % inputs.name)
        channel_axis = 1 if data_format == _NCHW else rank - 1
        params_shape = inputs.shape[channel_axis:channel_axis + 1]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s has undefined channels dimension %s."
                             % (inputs.name, params_shape))
        fused = fused and rank in (2, 4)
        params = _batch_norm_variables(params_shape, inputs.dtype.base_dtype, center, scale,
                                       param_initializers, param_regularizers,
                                       variables_collections, trainable)
        beta, gamma, moving_mean, moving_variance = params
        axes = [i for i in range(rank) if i != channel_axis]
        eps = max(epsilon, nn_ops.FUSED_MIN_EPSILON) if fused else epsilon

        def per_channel(v):
            if v is None or data_format == _NHWC or rank <= 2:
                return v
            return array_ops.reshape(v, [1, -1] + [1] * (rank - 2))

        def normalize(mean, variance):
            return nn_ops.batch_normalization(inputs, per_channel(mean), per_channel(variance),
                                              per_channel(beta), per_channel(gamma), eps)

        training = constant_value(is_training)
        if training is False:
            outputs = normalize(moving_mean, moving_variance)
        else:
            mean, variance = nn_ops.moments(inputs, axes)
            update_variance = variance
            if fused:
                count = math_ops.cast(array_ops.size(inputs), variance.dtype) / math_ops.cast(
                    array_ops.size(variance), variance.dtype)
                update_variance = variance * count / math_ops.maximum(count - 1, 1)

            def updates():
                return (normalization.assign_moving_average(moving_mean, mean, decay),
                        normalization.assign_moving_average(moving_variance, update_variance,
                                                            decay))

            def moving():
                return array_ops.identity(moving_mean), array_ops.identity(moving_variance)
            if updates_collections is None:
                def train_and_update():
                    with get_default_graph().control_dependencies(list(updates())):
                        return array_ops.identity(normalize(mean, variance))
                outputs = smart_cond(is_training, train_and_update,
                                     lambda: normalize(moving_mean, moving_variance))
            else:
                update_mean, update_var = smart_cond(is_training, updates, moving)
                get_default_graph().add_to_collections(updates_collections, update_mean)
                get_default_graph().add_to_collections(updates_collections, update_var)
                outputs = smart_cond(is_training, lambda: normalize(mean, variance),
                                     lambda: normalize(moving_mean, moving_variance))
        outputs.set_shape(inputs.shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_outputs(outputs_collections, outputs)


def _batch_norm_variables(params_shape, dtype, center, scale, param_initializers,
                          param_regularizers, variables_collections, trainable):
    """beta (or None), gamma (or None), moving_mean, moving_variance of contrib's batch_norm."""
    inits = param_initializers or {}
    regs = param_regularizers or {}

    def make(name, default_init, trainable, regularizer=None):
        collections = variables_collections
        if isinstance(collections, dict):
            collections = collections.get(name)
        return vs.get_variable(name, shape=params_shape, dtype=dtype,
                               initializer=inits.get(name, default_init),
                               regularizer=regularizer, collections=collections,
                               trainable=trainable)
    beta = make("beta", init_ops.zeros_initializer(), trainable, regs.get("beta")) \
        if center else None
    gamma = make("gamma", init_ops.ones_initializer(), trainable, regs.get("gamma")) \
        if scale else None
    return (beta, gamma, make("moving_mean", init_ops.zeros_initializer(), False),
            make("moving_variance", init_ops.ones_initializer(), False))


def _core_batch_norm(inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
                     param_regularizers, is_training, reuse, variables_collections,
                     outputs_collections, trainable, fused, data_format, scope):
    """contrib's batch_norm through ``tf.layers.BatchNormalization`` (updates in UPDATE_OPS)."""
    inits = param_initializers or {}
    regs = param_regularizers or {}
    with vs.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse,
                           custom_getter=_model_variable_getter()) as sc:
        layer = normalization.BatchNormalization(
            axis=1 if data_format == _NCHW else -1, momentum=decay, epsilon=epsilon,
            center=center, scale=scale,
            beta_initializer=inits.get("beta", init_ops.zeros_initializer()),
            gamma_initializer=inits.get("gamma", init_ops.ones_initializer()),
            moving_mean_initializer=inits.get("moving_mean", init_ops.zeros_initializer()),
            moving_variance_initializer=inits.get("moving_variance",
                                                  init_ops.ones_initializer()),
            beta_regularizer=regs.get("beta"), gamma_regularizer=regs.get("gamma"),
            trainable=trainable, name=sc.name, _scope=sc, _reuse=reuse, fused=fused)
        outputs = layer.apply(inputs, training=is_training)
        for alias in ("moving_mean", "moving_variance", "beta", "gamma"):
            variable = getattr(layer, alias)
            if variable is not None:
                _add_to_collections(variable, variables_collections, alias)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_outputs(outputs_collections, outputs)
