"""Core layers: ``Dense`` (a fully connected layer), ``Dropout`` and ``Flatten``."""
import numpy as np

from minitf.framework.tensor_shape import TensorShape
from minitf.layers.base import InputSpec, Layer
from minitf.layers.utils import get_activation, normalize_data_format, smart_cond
from minitf.ops import array_ops, init_ops, math_ops, nn_ops

__all__ = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]


# -- Dense -----------------------------------------------------------------------------------
class Dense(Layer):
    """``outputs = activation(inputs · kernel + bias)``.

    ``kernel`` is ``[input_dim, units]`` (glorot_uniform by default) and ``bias``
    is ``[units]`` (zeros).  Inputs of rank above 2 are contracted on their
    last axis, so ``[batch, time, d]`` gives ``[batch, time, units]``.

    Args:
        units: size of the output's last axis.
        activation: a function (e.g. ``tf.nn.relu``), or None for linear.
        use_bias: add ``bias``.
        kernel_initializer, bias_initializer: initializers of the variables.
        kernel_regularizer, bias_regularizer: ``fn(variable) -> loss``.
        kernel_constraint, bias_constraint: projections applied after updates.

    Example:
        >>> layer = tf.layers.Dense(10, activation=tf.nn.relu)
        >>> y = layer(tf.zeros([32, 784]))      # layer.kernel: dense/kernel, [784, 10]
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.kernel = self.bias = None
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        last = input_shape[-1].value
        if last is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.kernel = self.add_weight("kernel", [last, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, trainable=True)
        self.built = True

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank > 2:
            outputs = math_ops.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        else:
            outputs = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return TensorShape(TensorShape(input_shape).as_list()[:-1] + [self.units])


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional form of ``Dense``: ``activation(inputs · kernel + bias)``.

    ``name`` is the variable scope (``name/kernel``); ``reuse=True`` reuses the
    variables of an earlier layer of that name.

    Example:
        >>> h = tf.layers.dense(x, 128, activation=tf.nn.relu, name="fc1")
        >>> h2 = tf.layers.dense(x2, 128, activation=tf.nn.relu, name="fc1", reuse=True)
    """
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                  trainable=trainable, name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


# -- Dropout -------------------------------------------------------------------------------
class Dropout(Layer):
    """Zero a ``rate`` fraction of the inputs while training; scale the rest by ``1/(1-rate)``.

    Called with ``training=False`` (the default) it is the identity.
    ``training`` may be a Python bool or a bool tensor (a placeholder that
    switches between training and evaluation in one graph).

    Example:
        >>> is_training = tf.placeholder_with_default(False, [])
        >>> h = tf.layers.Dropout(0.5)(h, training=is_training)
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        shape = array_ops.shape(inputs)
        return array_ops.stack([shape[i] if d is None else d
                                for i, d in enumerate(self.noise_shape)])

    def call(self, inputs, training=False):
        def dropped():
            return nn_ops.dropout(inputs, noise_shape=self._noise_shape(inputs),
                                  seed=self.seed, rate=self.rate)
        return smart_cond(training, dropped, lambda: array_ops.identity(inputs))

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Functional form of ``Dropout``; the identity unless ``training`` is true.

    Example:
        >>> h = tf.layers.dropout(h, rate=0.3, training=True)
    """
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


# -- Flatten -----------------------------------------------------------------------------------
class Flatten(Layer):
    """Reshape ``[batch, d1, d2, ...]`` to ``[batch, d1 · d2 · ...]``.

    With ``data_format="channels_first"`` the channels axis is moved last
    first, so the flattened order matches a channels-last model.

    Example:
        >>> tf.layers.Flatten()(tf.zeros([8, 7, 7, 64]))   # shape [8, 3136]
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        ndim = inputs.shape.ndims
        if self.data_format == "channels_first" and ndim > 1:
            inputs = array_ops.transpose(inputs, [0] + list(range(2, ndim)) + [1])
        dims = inputs.shape.as_list()
        if all(d is not None for d in dims[1:]):
            outputs = array_ops.reshape(inputs, [-1, int(np.prod(dims[1:], dtype=np.int64))])
        elif dims[0] is not None:
            outputs = array_ops.reshape(inputs, [dims[0], -1])
        else:
            outputs = array_ops.reshape(
                inputs, array_ops.stack([array_ops.shape(inputs)[0], -1]))
        outputs.set_shape(self.compute_output_shape(inputs.shape))
        return outputs

    def compute_output_shape(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        rest = dims[1:]
        flat = int(np.prod(rest, dtype=np.int64)) if all(d is not None for d in rest) else None
        return TensorShape([dims[0], flat])


def flatten(inputs, name=None, data_format="channels_last"):
    """Functional form of ``Flatten``: ``[batch, ...]`` to ``[batch, -1]``.

    Example:
        >>> tf.layers.flatten(tf.zeros([8, 7, 7, 64]))   # shape [8, 3136]
    """
    return Flatten(name=name, data_format=data_format).apply(inputs)
