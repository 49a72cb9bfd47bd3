"""Initializers: objects that build a variable's initial value for a given shape.

An initializer is called as ``init(shape, dtype=None, partition_info=None)`` and
returns a Tensor; ``tf.get_variable`` calls it inside the variable's
``Initializer`` name scope.  Random initializers draw through ``random_ops``, so
with an op seed they give TensorFlow's exact values.  Class names and their
snake_case aliases follow TF 1.x (``tf.glorot_uniform_initializer`` is
``GlorotUniform``).
"""
import math

import numpy as np

from minitf.framework import dtypes
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.ops import array_ops, math_ops, random_ops
from minitf.ops.op_util import make_op

__all__ = ["constant_initializer", "glorot_normal_initializer", "glorot_uniform_initializer",
           "ones_initializer", "orthogonal_initializer", "random_normal_initializer",
           "random_uniform_initializer", "truncated_normal_initializer",
           "uniform_unit_scaling_initializer", "variance_scaling_initializer",
           "zeros_initializer"]


def _float_dtype(dtype):
    """``dtype`` as a DType, which must be floating point (TF's check)."""
    dt = dtypes.as_dtype(dtype)
    if not dt.is_floating:
        raise ValueError("Expected floating point type, got %s." % dt)
    return dt


def _shape_list(shape):
    """A Python list of ints from a list, tuple or fully defined TensorShape."""
    if isinstance(shape, TensorShape):
        return shape.as_list()
    return [int(d) for d in shape]


def _compute_fans(shape):
    """(fan_in, fan_out) of a weight shape: matrices [in, out], convs [..., in, out]."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return int(shape[-2] * receptive), int(shape[-1] * receptive)


class Initializer:
    """Base class: ``__call__(shape, dtype=None, partition_info=None) -> Tensor``."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        """The constructor arguments, as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    """Initializer that gives tensors filled with 0.

    Example:
        >>> b = tf.get_variable("b", [10], initializer=tf.zeros_initializer())
    """

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.zeros(_shape_list(shape), dtype or self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """Initializer that gives tensors filled with 1."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.ones(_shape_list(shape), dtype or self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """Initializer that gives a constant: a scalar (filled) or values of the shape.

    Args:
        value: a Python scalar, list/tuple or numpy array.
        verify_shape: require ``value``'s shape to equal the requested shape.

    Example:
        >>> init = tf.constant_initializer([[1, 2], [3, 4]])
        >>> v = tf.get_variable("v", [2, 2], initializer=init)
    """

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError("Invalid type for initial value: %s (expected Python scalar, list "
                            "or tuple of values, or numpy.ndarray)." % type(value))
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        if verify_shape is None:
            verify_shape = self._verify_shape
        return array_ops.constant(self.value, dtype=dtype or self.dtype,
                                  shape=_shape_list(shape), verify_shape=verify_shape)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Initializer with values uniform in ``[minval, maxval)`` (see ``tf.random_uniform``).

    Example:
        >>> init = tf.random_uniform_initializer(-0.05, 0.05, seed=1)
    """

    def __init__(self, minval=0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(_shape_list(shape), self.minval, self.maxval,
                                         dtype or self.dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class _NormalInitializer(Initializer):
    """Shared by RandomNormal and TruncatedNormal: ``sample(shape, mean, stddev, ...)``."""

    sample = None

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return type(self).sample(_shape_list(shape), self.mean, self.stddev,
                                 _float_dtype(dtype or self.dtype), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(_NormalInitializer):
    """Initializer with normal values ``N(mean, stddev²)`` (see ``tf.random_normal``)."""

    sample = staticmethod(random_ops.random_normal)


class TruncatedNormal(_NormalInitializer):
    """Initializer with normal values cut at two standard deviations.

    Values more than ``2 * stddev`` from ``mean`` are redrawn (see
    ``tf.truncated_normal``); the usual choice for weights.

    Example:
        >>> init = tf.truncated_normal_initializer(stddev=0.1, seed=0)
    """

    sample = staticmethod(random_ops.truncated_normal)


class UniformUnitScaling(Initializer):
    """Uniform in ``±factor * sqrt(3 / input_size)`` (deprecated in TF 1.x).

    ``input_size`` is the product of all dimensions but the last, which keeps
    the scale of activations roughly constant through linear layers.
    """

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor = factor
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        shape = _shape_list(shape)
        scale_shape = shape if partition_info is None else _shape_list(partition_info.full_shape)
        input_size = 1.0
        for d in scale_shape[:-1]:
            input_size *= float(d)
        max_val = math.sqrt(3 / max(input_size, 1.0)) * self.factor
        return random_ops.random_uniform(shape, -max_val, max_val,
                                         _float_dtype(dtype or self.dtype), seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


# scipy.stats.truncnorm.std(a=-2, b=2): the stddev of a unit normal cut at ±2.
_TRUNCATED_STDDEV = .87962566103423978


class VarianceScaling(Initializer):
    """Initializer whose variance is ``scale / n`` for a fan ``n`` of the weight shape.

    ``n`` is ``fan_in``, ``fan_out`` or their average (``mode``).  For a matrix
    ``[in, out]`` the fans are ``in`` and ``out``; for a convolution kernel
    ``[h, w, in, out]`` both are multiplied by ``h * w``.

    Args:
        scale: positive scaling factor.
        mode: "fan_in", "fan_out" or "fan_avg".
        distribution: "truncated_normal" (or "normal": stddev ``sqrt(scale / n)
            / .8796...`` so that the cut distribution has the target variance),
            "untruncated_normal" (stddev ``sqrt(scale / n)``) or "uniform"
            (limit ``sqrt(3 * scale / n)``).

    Example:
        >>> he = tf.variance_scaling_initializer(scale=2.0)   # He et al. for ReLU nets
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.:
            raise ValueError("`scale` must be positive float.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("Invalid `mode` argument:", mode)
        distribution = distribution.lower()
        if distribution not in ("normal", "uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError("Invalid `distribution` argument:", distribution)
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        shape = _shape_list(shape)
        dt = _float_dtype(dtype or self.dtype)
        scale_shape = shape if partition_info is None else _shape_list(partition_info.full_shape)
        fan_in, fan_out = _compute_fans(scale_shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.}[self.mode]
        scale = self.scale / max(1., n)
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return random_ops.truncated_normal(shape, 0.0, stddev, dt, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dt, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dt, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Glorot/Xavier uniform: ``U(-l, l)`` with ``l = sqrt(6 / (fan_in + fan_out))``.

    The default initializer of ``tf.get_variable`` for float variables.
    """

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Glorot/Xavier normal: truncated normal, variance ``2 / (fan_in + fan_out)``."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class Orthogonal(Initializer):
    """Initializer that gives a (semi-)orthogonal matrix times ``gain``.

    The shape is flattened to ``[prod(shape[:-1]), shape[-1]]``; the Q factor of
    the QR decomposition of a normal random matrix (with the signs of R's
    diagonal folded in, so Q is uniformly distributed) has orthonormal columns,
    or rows when the matrix is wide.

    Example:
        >>> init = tf.orthogonal_initializer(seed=3)
        >>> w = init([4, 4])    # w^T w = I
    """

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain = gain
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        shape = _shape_list(shape)
        dt = _float_dtype(dtype or self.dtype)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        num_rows = int(np.prod(shape[:-1]))
        num_cols = int(shape[-1])
        wide = num_rows < num_cols
        flat_shape = (num_cols, num_rows) if wide else (num_rows, num_cols)
        a = random_ops.random_normal(flat_shape, dtype=dt, seed=self.seed)
        q = _orthogonal_factor(a, transpose=wide)
        return math_ops.multiply(self.gain, array_ops.reshape(q, shape), name="mul")

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


# -- OrthogonalFactor (minitf's fused Qr + sign fix [+ transpose]) --------------------------
def _orthogonal_factor(a, transpose=False, name=None):
    """Q·diag(sign(diag R)) of ``a = QR`` (reduced QR), transposed when asked.

    TF builds this from Qr, DiagPart, Sign, Mul and Transpose; one op is enough
    for an initializer and gives the same values (the sign-fixed Q is unique).
    """
    return make_op("OrthogonalFactor", [a], [a.dtype], name,
                   {"T": a.dtype, "transpose": bool(transpose)})._outputs[0]


def _orthogonal_factor_kernel(ctx, a):
    q, r = np.linalg.qr(np.asarray(a, np.float64), mode="reduced")
    q = q * np.sign(np.diagonal(r))
    if ctx.attrs["transpose"]:
        q = q.T
    return np.ascontiguousarray(q).astype(ctx.attrs["T"].as_numpy_dtype)


def _orthogonal_factor_shape(op):
    s = op._inputs[0].shape.with_rank(2)
    dims = s.as_list()
    if dims[0] is not None and dims[1] is not None:
        dims[1] = min(dims)
    return [TensorShape(dims[::-1] if op._attrs["transpose"] else dims)]


register("OrthogonalFactor", _orthogonal_factor_kernel, _orthogonal_factor_shape, NO_GRADIENT)


class Identity(Initializer):
    """Initializer that gives ``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        shape = _shape_list(shape)
        full_shape = shape if partition_info is None else _shape_list(partition_info.full_shape)
        if len(full_shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        dt = _float_dtype(dtype or self.dtype)
        eye = array_ops.constant(np.eye(*full_shape, dtype=dt.as_numpy_dtype), dtype=dt,
                                 name="eye")
        return math_ops.multiply(self.gain, eye, name="mul")

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


# TF 1.x public names
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity


def lecun_normal(seed=None):
    """Truncated normal with variance ``1 / fan_in`` (LeCun)."""
    return VarianceScaling(1., "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    """Uniform with variance ``1 / fan_in`` (LeCun)."""
    return VarianceScaling(1., "fan_in", "uniform", seed)


def he_normal(seed=None):
    """Truncated normal with variance ``2 / fan_in`` (He et al., for ReLU layers)."""
    return VarianceScaling(2., "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    """Uniform with variance ``2 / fan_in`` (He et al., for ReLU layers)."""
    return VarianceScaling(2., "fan_in", "uniform", seed)


# -- tf.contrib.layers initializers ---------------------------------------------------------
def contrib_variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                         dtype=dtypes.float32):
    """``tf.contrib.layers.variance_scaling_initializer``: a function initializer.

    Variance ``factor / n`` with ``n`` from ``mode`` (FAN_IN, FAN_OUT, FAN_AVG);
    uniform in ``±sqrt(3 * factor / n)`` or truncated normal with stddev
    ``sqrt(1.3 * factor / n)``.
    """
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]" % mode)

    def _initializer(shape, dtype=dtype, partition_info=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = _shape_list(shape)
        if shape:
            fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
            fan_out = float(shape[-1])
        else:
            fan_in = fan_out = 1.0
        for d in shape[:-2]:
            fan_in *= float(d)
            fan_out *= float(d)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_ops.random_uniform(shape, -limit, limit, dtype, seed=seed)
        stddev = math.sqrt(1.3 * factor / n)
        return random_ops.truncated_normal(shape, 0.0, stddev, dtype, seed=seed)

    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """``tf.contrib.layers.xavier_initializer``: Glorot scaling, variance ``2 / (in + out)``.

    Uniform in ``±sqrt(6 / (fan_in + fan_out))``, or truncated normal with
    stddev ``sqrt(1.3 * 2 / (fan_in + fan_out))`` when ``uniform=False``.
    """
    return contrib_variance_scaling_initializer(1.0, "FAN_AVG", uniform, seed, dtype)


xavier_initializer_conv2d = xavier_initializer
