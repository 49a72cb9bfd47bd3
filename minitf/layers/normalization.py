"""Batch normalization: the ``BatchNormalization`` layer and its functional form.

Training normalizes with the batch's mean and (biased) variance and adds two
update ops to ``tf.GraphKeys.UPDATE_OPS`` that move the moving statistics::

    moving -= (moving - batch_statistic) * (1 - momentum)

Inference normalizes with the moving statistics.  As in TF 1.x, a 4-D input
normalized over its channel axis takes the *fused* path (TF's FusedBatchNorm):
the same output, but the moving variance is fed the batch variance with
Bessel's correction (``· n / (n - 1)``), and epsilon is at least 1.001e-5.
Every other input takes the plain path, whose moving variance is fed the
biased batch variance.  Both are composed from public ops here.
"""
from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.layers.base import InputSpec, Layer
from minitf.layers.utils import constant_value, smart_cond
from minitf.ops import array_ops, init_ops, math_ops, nn_ops, variables
from minitf.ops.op_util import op_scope

__all__ = ["BatchNormalization", "batch_normalization"]

def assign_moving_average(variable, value, momentum):
    """Op ``variable -= (variable - value) · (1 - momentum)``; ``momentum`` may be a tensor."""
    with get_default_graph().name_scope("AssignMovingAvg") as scope:
        decay = convert_to_tensor(1.0 - momentum, name="decay")
        if decay.dtype != variable.dtype.base_dtype:
            decay = math_ops.cast(decay, variable.dtype.base_dtype)
        delta = (variable - math_ops.cast(value, variable.dtype.base_dtype)) * decay
        return variables.assign_sub(variable, delta, name=scope)


class BatchNormalization(Layer):
    """Batch normalization layer (Ioffe and Szegedy, 2015).

    ``gamma · (x - mean) / sqrt(variance + epsilon) + beta`` per feature of
    ``axis``: the batch's statistics when ``training`` is true, the moving
    averages otherwise.  Run the update ops with the training step::

        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            train_op = optimizer.minimize(loss)

    Args:
        axis: the feature axis (an int, or a list of ints).
        momentum: of the moving averages.
        epsilon: added to the variance.
        center, scale: use ``beta`` / ``gamma``.
        fused: None or True use TF's fused kernel where it applies (4-D input,
            axis 1 or 3); False never does.
        training (call argument): Python bool or bool tensor.

    Example:
        >>> bn = tf.layers.BatchNormalization()
        >>> y = bn(h, training=is_training)    # batch_normalization/gamma, beta, moving_...
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=init_ops.zeros_initializer(),
                 gamma_initializer=init_ops.ones_initializer(),
                 moving_mean_initializer=init_ops.zeros_initializer(),
                 moving_variance_initializer=init_ops.ones_initializer(),
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, fused=None, trainable=True, virtual_batch_size=None,
                 adjustment=None, name=None, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("axis must be int or list, type given: %s" % type(axis))
        for flag, what in ((renorm, "renorm"), (virtual_batch_size, "virtual_batch_size"),
                           (adjustment, "adjustment")):
            if flag:
                raise NotImplementedError("minitf's BatchNormalization does not implement %s"
                                          % what)
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.fused = True if fused is None else fused
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        ndims = input_shape.ndims
        if not ndims:
            raise ValueError("Input has undefined rank: %s" % (input_shape,))
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        axes = [a + ndims if a < 0 else a for a in axes]
        for a in axes:
            if a < 0 or a >= ndims:
                raise ValueError("Invalid axis: %d" % a)
        if len(axes) != len(set(axes)):
            raise ValueError("Duplicate axis: %s" % axes)
        self.axis = axes
        self.fused = bool(self.fused) and ndims == 4 and axes in ([1], [3])
        axis_to_dim = {a: input_shape[a].value for a in axes}
        if any(d is None for d in axis_to_dim.values()):
            raise ValueError("Input has undefined `axis` dimension. Input shape: %s"
                             % (input_shape,))
        self.input_spec = InputSpec(ndim=ndims, axes=axis_to_dim)
        if len(axes) == 1:
            param_shape = [axis_to_dim[axes[0]]]
        else:
            param_shape = [axis_to_dim.get(i, 1) for i in range(ndims)]
        dtype = dtypes.float32 if self._dtype is dtypes.float16 else self._dtype
        if self.scale:
            self.gamma = self.add_weight("gamma", param_shape, dtype=dtype,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, trainable=True)
        if self.center:
            self.beta = self.add_weight("beta", param_shape, dtype=dtype,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, trainable=True)
        self.moving_mean = self.add_weight("moving_mean", param_shape, dtype=dtype,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", param_shape, dtype=dtype,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def call(self, inputs, training=False):
        if self.fused:
            return self._fused_call(inputs, training)
        ndims = inputs.shape.ndims
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = inputs.shape[self.axis[0]].value

        def _broadcast(v):
            # A per-feature vector broadcasts by itself only along the last axis.
            if (v is not None and v.shape.ndims != ndims
                    and reduction_axes != list(range(ndims - 1))):
                return array_ops.reshape(v, broadcast_shape)
            return v

        if constant_value(training) is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            x = math_ops.cast(inputs, self.moving_mean.dtype.base_dtype)
            batch_mean, batch_var = nn_ops.moments(x, reduction_axes,
                                                   keep_dims=len(self.axis) > 1)
            mean = smart_cond(training, lambda: batch_mean,
                              lambda: array_ops.identity(self.moving_mean))
            variance = smart_cond(training, lambda: batch_var,
                                  lambda: array_ops.identity(self.moving_variance))
            for moving, value in ((self.moving_mean, mean), (self.moving_variance, variance)):
                self.add_update(smart_cond(
                    training, lambda m=moving, v=value: assign_moving_average(m, v, self.momentum),
                    lambda m=moving: array_ops.identity(m)))
        dtype = inputs.dtype
        outputs = nn_ops.batch_normalization(
            inputs, _broadcast(math_ops.cast(mean, dtype)),
            _broadcast(math_ops.cast(variance, dtype)),
            _broadcast(None if self.beta is None else math_ops.cast(self.beta, dtype)),
            _broadcast(None if self.gamma is None else math_ops.cast(self.gamma, dtype)),
            self.epsilon)
        outputs.set_shape(inputs.shape)
        return outputs

    def _fused_call(self, inputs, training):
        shape = self.moving_mean.shape.as_list()
        dtype = self.moving_mean.dtype.base_dtype
        beta = self.beta if self.center else array_ops.constant(0.0, dtype, shape)
        gamma = self.gamma if self.scale else array_ops.constant(1.0, dtype, shape)
        data_format = "NCHW" if self.axis == [1] else "NHWC"
        outputs, mean, variance = smart_cond(
            training,
            lambda: nn_ops.fused_batch_norm(inputs, gamma, beta, epsilon=self.epsilon,
                                            data_format=data_format),
            lambda: nn_ops.fused_batch_norm(inputs, gamma, beta, mean=self.moving_mean,
                                            variance=self.moving_variance,
                                            epsilon=self.epsilon, data_format=data_format,
                                            is_training=False))
        value = constant_value(training)
        if value is not False:
            # Under a training tensor the updates always run, with momentum 1 (no change)
            # when it is false.
            momentum = self.momentum if value else smart_cond(
                training, lambda: array_ops.constant(self.momentum, dtype),
                lambda: array_ops.constant(1.0, dtype))
            self.add_update(assign_moving_average(self.moving_mean, mean, momentum))
            self.add_update(assign_moving_average(self.moving_variance, variance, momentum))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=init_ops.zeros_initializer(),
                        gamma_initializer=init_ops.ones_initializer(),
                        moving_mean_initializer=init_ops.zeros_initializer(),
                        moving_variance_initializer=init_ops.ones_initializer(),
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """Functional form of ``BatchNormalization``.

    Example:
        >>> h = tf.layers.batch_normalization(h, training=is_training)
        >>> update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)   # run with train_op
    """
    layer = BatchNormalization(
        axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
        renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum, fused=fused,
        trainable=trainable, virtual_batch_size=virtual_batch_size, adjustment=adjustment,
        name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs, training=training)
