"""Random tensors: uniform, normal, truncated normal, shuffles, samples.

Seeds follow TF 1.x: ``get_seed`` combines the graph-level seed
(``set_random_seed``) with the op's ``seed`` argument into the two attrs
``seed``/``seed2`` of each random op.  The values come from the Philox4x32-10
kernels in ``minitf.kernels.philox``, so op-seeded uniform, normal and truncated
normal tensors equal TensorFlow's bit for bit.

Each random op keeps its position in its stream per session (in the session's
state, keyed by the op): every run of the op moves it on, so two fetches give
different values, while a new session starts the stream again.  Shuffles and
multinomial/gamma/Poisson samples use numpy generators seeded from the same two
seeds and the run number (repeatable, but not TF's exact values).
"""
import os
import threading

import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import Tensor, convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import Dimension, TensorShape
from minitf.kernels import philox
from minitf.ops import array_ops, control_flow_ops, math_ops
from minitf.ops.op_util import const_value, make_op, same_shape, shape_from_tensor

__all__ = ["get_seed", "multinomial", "random_crop", "random_gamma", "random_normal",
           "random_poisson", "random_shuffle", "random_uniform", "set_random_seed",
           "truncated_normal"]

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1
_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
_INTS = (dtypes.int32, dtypes.int64)


# -- seeds ---------------------------------------------------------------------------
def set_random_seed(seed):
    """Set the graph-level random seed of the default graph.

    With a graph seed, every random op gets a deterministic seed pair, so the
    whole program repeats run after run (given the same op creation order).

    Example:
        >>> tf.set_random_seed(1234)
        >>> a = tf.random_uniform([1])    # same values in every new program
    """
    get_default_graph().seed = seed


def get_seed(op_seed):
    """The ``(seed, seed2)`` pair a random op with seed argument ``op_seed`` gets.

    * graph seed ``g`` set: ``(g, op_seed)``; without an op seed, ``op_seed`` is a
      per-graph counter (0, 1, 2, ...) of the random ops created without one.
    * only the op seed: ``(87654321, op_seed)``.
    * neither: ``(None, None)``; the op then draws fresh seeds in each session.

    Seeds are reduced modulo ``2**31 - 1``; a pair ``(0, 0)`` becomes
    ``(0, 2**31 - 1)`` because the kernels read ``(0, 0)`` as "pick at random".

    Example:
        >>> tf.get_seed(2)
        (87654321, 2)
    """
    graph = get_default_graph()
    if graph.seed is not None:
        if op_seed is None:
            op_seed = getattr(graph, "_seed_counter", 0)
            graph._seed_counter = op_seed + 1
        seeds = (_truncate_seed(graph.seed), _truncate_seed(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, _truncate_seed(op_seed))
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        return 0, _MAXINT32
    return seeds


def _truncate_seed(seed):
    return int(seed) % _MAXINT32


def _seed_attrs(seed):
    s1, s2 = get_seed(seed)
    return {"seed": s1 or 0, "seed2": s2 or 0}


# -- helpers shared by the wrappers and kernels --------------------------------------
def _shape_tensor(shape):
    """A 1-D int32/int64 shape tensor from a list, TensorShape or tensor."""
    if isinstance(shape, Tensor) or hasattr(shape, "_as_graph_element"):
        t = convert_to_tensor(shape)
        if t.dtype not in _INTS:
            raise TypeError("Shape must be an int32 or int64 tensor, got %s" % t.dtype.name)
        return t
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)):
        dims = [d.value if isinstance(d, Dimension) else d for d in shape]
        if any(isinstance(d, Tensor) for d in dims):
            return array_ops.stack([convert_to_tensor(d, dtype=dtypes.int32) for d in dims],
                         name="shape")
        if not dims:
            return array_ops.constant(np.zeros(0, np.int32), name="shape")
        shape = dims
    t = convert_to_tensor(shape, name="shape")
    if t.dtype not in _INTS:
        raise TypeError("Shape must be a list of integers or an int32/int64 tensor, got %s"
                        % t.dtype.name)
    return t


def _check_dtype(dtype, allowed, op_type):
    dt = dtypes.as_dtype(dtype)
    if dt not in allowed:
        raise TypeError("Value passed to parameter 'dtype' has DataType %s not in list of "
                        "allowed values: %s (op %s)"
                        % (dt.name, ", ".join(d.name for d in allowed), op_type))
    return dt


def _shape_out(op):
    """Static output shape of an op whose input 0 is a 1-D shape tensor."""
    op._inputs[0].shape.with_rank(1)
    return shape_from_tensor(op._inputs[0])


def _dims(ctx, shape):
    """Validated output dims from a runtime shape vector."""
    shape = np.asarray(shape)
    if shape.ndim != 1:
        raise errors.InvalidArgumentError(
            None, ctx.op, "shape must be a vector of {int32,int64}, got shape %s"
            % list(shape.shape))
    if np.any(shape < 0):
        raise errors.InvalidArgumentError(
            None, ctx.op, "Dimension %d must be >= 0" % int(shape[shape < 0][0]))
    return tuple(int(d) for d in shape)


def _stream(ctx):
    """This op's ``[seed, seed2, counter]`` in this session, created on first use.

    Attrs ``(0, 0)`` mean "nondeterministic": two random 64-bit seeds are drawn
    once per session.
    """
    state = ctx.state
    st = state.get(ctx.op)
    if st is None:
        seed, seed2 = ctx.attrs["seed"], ctx.attrs["seed2"]
        if seed == 0 and seed2 == 0:
            seed = int.from_bytes(os.urandom(8), "little")
            seed2 = int.from_bytes(os.urandom(8), "little")
        st = state[ctx.op] = [seed, seed2, 0]
    return st


# Queue runners run random ops in several threads at once: a stream is read and
# advanced under this lock, or two threads could draw the same numbers.
_STREAM_LOCK = threading.Lock()


def _philox_take(ctx, n):
    """(seed, seed2, counter) for a run of n values; advances the stream."""
    with _STREAM_LOCK:
        st = _stream(ctx)
        seed, seed2, counter = st
        st[2] = counter + philox.counters_per_run(n)
    return seed, seed2, counter


def _generator(ctx):
    """A numpy Generator for this run of a non-Philox random op; advances the stream."""
    with _STREAM_LOCK:
        st = _stream(ctx)
        seed, seed2, run = st
        st[2] = run + 1
    mask = (1 << 64) - 1
    return np.random.default_rng([seed & mask, seed2 & mask, run])


# -- RandomUniform, RandomUniformInt ---------------------------------------------------
def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Values drawn uniformly from ``[minval, maxval)``.

    Floats are ``rnd * (maxval - minval) + minval`` with ``rnd`` in [0, 1) (TF's
    exact values for a given seed).  Integer dtypes need ``maxval``.

    Args:
        shape: output shape (list of ints or a 1-D int tensor).
        minval, maxval: range; ``maxval`` defaults to 1 for floats.
        dtype: float16/32/64, int32 or int64.
        seed: op-level seed (see ``set_random_seed``).

    Example:
        >>> x = tf.random_uniform([], -10, 10, seed=2)
        >>> sess.run(x)    # 3.574932, then -5.9731865 on the next run
    """
    dt = _check_dtype(dtype, _FLOATS + _INTS, "RandomUniform")
    if maxval is None:
        if dt.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % dt)
        maxval = 1
    graph = get_default_graph()
    with graph.name_scope(name or "random_uniform") as scope:
        shape_t = _shape_tensor(shape)
        minval = convert_to_tensor(minval, dtype=dt, name="min")
        maxval = convert_to_tensor(maxval, dtype=dt, name="max")
        attrs = _seed_attrs(seed)
        if dt.is_integer:
            attrs.update(Tout=dt, T=shape_t.dtype)
            return make_op("RandomUniformInt", [shape_t, minval, maxval], [dt], scope,
                           attrs)._outputs[0]
        attrs.update(dtype=dt, T=shape_t.dtype)
        rnd = make_op("RandomUniform", [shape_t], [dt], None, attrs)._outputs[0]
        span = math_ops.subtract(maxval, minval, name="sub")
        return math_ops.add(math_ops.multiply(rnd, span, name="mul"), minval, name=scope)


def _random_uniform_kernel(ctx, shape):
    dims = _dims(ctx, shape)
    n = int(np.prod(dims, dtype=np.int64))
    seed, seed2, counter = _philox_take(ctx, n)
    dt = ctx.attrs["dtype"].as_numpy_dtype
    return philox.uniform(seed, seed2, counter, n, dt).reshape(dims)


register("RandomUniform", _random_uniform_kernel, lambda op: [_shape_out(op)], NO_GRADIENT,
         stateful=True)


def _random_uniform_int_kernel(ctx, shape, minval, maxval):
    dims = _dims(ctx, shape)
    for arg, v in (("minval", minval), ("maxval", maxval)):
        if np.ndim(v) != 0:
            raise errors.InvalidArgumentError(
                None, ctx.op, "%s must be 0-D, got shape %s" % (arg, list(np.shape(v))))
    n = int(np.prod(dims, dtype=np.int64))
    if n > 0 and minval >= maxval:
        raise errors.InvalidArgumentError(
            None, ctx.op, "Need minval < maxval: %d >= %d" % (minval, maxval))
    seed, seed2, counter = _philox_take(ctx, n)
    return philox.uniform_int(seed, seed2, counter, n, minval, maxval,
                              ctx.attrs["Tout"].as_numpy_dtype).reshape(dims)


def _random_uniform_int_shape(op):
    for t in op._inputs[1:]:
        t.shape.assert_has_rank(0)
    return [_shape_out(op)]


register("RandomUniformInt", _random_uniform_int_kernel, _random_uniform_int_shape,
         NO_GRADIENT, stateful=True)


# -- RandomStandardNormal -----------------------------------------------------------------
def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Values from a normal distribution: ``rnd * stddev + mean``.

    ``rnd`` is a ``RandomStandardNormal`` op (TF's exact values for a given
    seed); the scaling is two ordinary ops, so ``mean`` and ``stddev`` may be
    tensors and receive gradients.

    Example:
        >>> w = tf.random_normal([784, 10], stddev=0.01, seed=1)
    """
    return _scaled_normal("RandomStandardNormal", shape, mean, stddev, dtype, seed,
                          name or "random_normal")


def _scaled_normal(op_type, shape, mean, stddev, dtype, seed, name):
    """``rnd * stddev + mean`` with ``rnd`` a standard-normal op of ``op_type``."""
    dt = _check_dtype(dtype, _FLOATS, op_type)
    with get_default_graph().name_scope(name) as scope:
        shape_t = _shape_tensor(shape)
        mean_t = convert_to_tensor(mean, dtype=dt, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype=dt, name="stddev")
        attrs = _seed_attrs(seed)
        attrs.update(dtype=dt, T=shape_t.dtype)
        rnd = make_op(op_type, [shape_t], [dt], None, attrs)._outputs[0]
        return math_ops.add(math_ops.multiply(rnd, stddev_t, name="mul"), mean_t, name=scope)


def _normal_kernel(sample):
    """Kernel drawing from the op's stream with ``sample`` (philox.normal or truncated_normal)."""
    def kernel(ctx, shape):
        dims = _dims(ctx, shape)
        n = int(np.prod(dims, dtype=np.int64))
        seed, seed2, counter = _philox_take(ctx, n)
        return sample(seed, seed2, counter, n, ctx.attrs["dtype"].as_numpy_dtype).reshape(dims)
    return kernel


register("RandomStandardNormal", _normal_kernel(philox.normal), lambda op: [_shape_out(op)],
         NO_GRADIENT, stateful=True)


# -- TruncatedNormal --------------------------------------------------------------------
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None,
                     name=None):
    """Normal values redrawn until within two standard deviations of ``mean``.

    The result is ``rnd * stddev + mean`` where ``rnd`` is standard normal
    restricted to ``(-2, 2)`` (TF's exact values for a given seed).

    Example:
        >>> w = tf.truncated_normal([5, 5, 1, 32], stddev=0.1, seed=0)
    """
    return _scaled_normal("TruncatedNormal", shape, mean, stddev, dtype, seed,
                          name or "truncated_normal")


register("TruncatedNormal", _normal_kernel(philox.truncated_normal), lambda op: [_shape_out(op)],
         NO_GRADIENT, stateful=True)


# -- RandomShuffle -------------------------------------------------------------------------
def random_shuffle(value, seed=None, name=None):
    """``value`` with its first dimension randomly permuted.

    Example:
        >>> tf.random_shuffle([[1, 2], [3, 4], [5, 6]])   # e.g. [[5, 6], [1, 2], [3, 4]]
    """
    value = convert_to_tensor(value, name="value")
    attrs = _seed_attrs(seed)
    attrs["T"] = value.dtype
    return make_op("RandomShuffle", [value], [value.dtype], name, attrs)._outputs[0]


def _random_shuffle_kernel(ctx, value):
    rng = _generator(ctx)
    if np.ndim(value) == 0 or len(value) <= 1:
        return value
    return value[rng.permutation(len(value))]


register("RandomShuffle", _random_shuffle_kernel, same_shape, NO_GRADIENT, stateful=True)


# -- random_crop (composite) ----------------------------------------------------------------
def random_crop(value, size, seed=None, name=None):
    """A random slice of ``value`` with shape ``size`` (same rank as ``value``).

    Built like TF: random offsets ``random_uniform(...) % (shape - size + 1)``
    then ``slice``; a ``size`` larger than ``value`` fails at run time.

    Example:
        >>> tf.random_crop(image, [24, 24, 3], seed=1)
    """
    graph = get_default_graph()
    with graph.name_scope(name or "random_crop") as scope:
        value = convert_to_tensor(value, name="value")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        shape = array_ops.shape(value)
        check = control_flow_ops.Assert(
            math_ops.reduce_all(math_ops.greater_equal(shape, size)),
            ["Need value.shape >= size, got ", shape, size], summarize=1000)
        with graph.control_dependencies([check]):
            shape = array_ops.identity(shape)
        limit = shape - size + 1
        offset = math_ops.floormod(
            random_uniform(array_ops.shape(shape), dtype=size.dtype, maxval=size.dtype.max,
                           seed=seed), limit)
        return array_ops.slice(value, offset, size, name=scope)


# -- Multinomial -----------------------------------------------------------------------------
def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """Draw class indices from categorical distributions given by unnormalized logits.

    Args:
        logits: ``[batch_size, num_classes]`` log-probabilities (up to a constant).
        num_samples: samples per row.
        output_dtype: int64 (default) or int32.

    Returns:
        ``[batch_size, num_samples]`` class indices.

    Example:
        >>> tf.multinomial(tf.log([[10., 10.]]), 5)   # e.g. [[0, 1, 1, 0, 1]]
    """
    out_dt = _check_dtype(output_dtype or dtypes.int64, _INTS, "Multinomial")
    graph = get_default_graph()
    with graph.name_scope(name or "multinomial"):
        logits = convert_to_tensor(logits, name="logits")
        num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
        attrs = _seed_attrs(seed)
        attrs.update(T=logits.dtype, output_dtype=out_dt)
        return make_op("Multinomial", [logits, num_samples], [out_dt], None,
                       attrs)._outputs[0]


def _multinomial_kernel(ctx, logits, num_samples):
    if np.ndim(logits) != 2:
        raise errors.InvalidArgumentError(None, ctx.op, "logits should be a matrix, got shape %s"
                                          % list(np.shape(logits)))
    if np.ndim(num_samples) != 0:
        raise errors.InvalidArgumentError(None, ctx.op, "num_samples should be a scalar.")
    batch, classes = logits.shape
    k = int(num_samples)
    if k < 0:
        raise errors.InvalidArgumentError(None, ctx.op,
                                          "num_samples should be nonnegative, got %d" % k)
    if classes == 0 and batch > 0 and k > 0:
        raise errors.InvalidArgumentError(None, ctx.op,
                                          "num_classes should be positive, got 0")
    rng = _generator(ctx)
    out_dtype = ctx.attrs["output_dtype"].as_numpy_dtype
    if batch == 0 or k == 0:
        return np.zeros((batch, k), out_dtype)
    x = logits.astype(np.float64)
    finite_max = np.max(np.where(np.isfinite(x), x, -np.inf), axis=1, keepdims=True)
    p = np.exp(x - np.where(np.isfinite(finite_max), finite_max, 0.0))
    cdf = np.cumsum(p, axis=1)
    cdf = cdf / cdf[:, -1:]
    # Each row's cdf shifted by its row index, so one searchsorted serves every row.
    rows = np.arange(batch, dtype=np.float64)[:, None]
    u = rng.random((batch, k))
    idx = np.searchsorted((cdf + rows).ravel(), (u + rows).ravel(), side="right")
    idx = idx.reshape(batch, k) - np.arange(batch)[:, None] * classes
    return np.clip(idx, 0, classes - 1).astype(out_dtype)


def _multinomial_shape(op):
    logits = op._inputs[0].shape.with_rank(2)
    op._inputs[1].shape.assert_has_rank(0)
    k = const_value(op._inputs[1])
    batch = logits[0].value if logits.ndims is not None else None
    return [TensorShape([batch, None if k is None else int(k)])]


register("Multinomial", _multinomial_kernel, _multinomial_shape, NO_GRADIENT, stateful=True)


# -- RandomGamma -----------------------------------------------------------------------------
def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Samples from Gamma(alpha, beta) distributions (beta is the rate, default 1).

    The output has shape ``shape + broadcast(alpha, beta).shape``: ``shape``
    samples for every distribution.  Values are clamped below at the dtype's
    smallest normal number, as in TF.

    Example:
        >>> tf.random_gamma([10], [0.5, 1.5])   # shape (10, 2)
    """
    dt = _check_dtype(dtype, _FLOATS, "RandomGamma")
    graph = get_default_graph()
    with graph.name_scope(name or "random_gamma"):
        shape_t = convert_to_tensor(shape, name="shape", dtype=dtypes.int32)
        alpha = convert_to_tensor(alpha, name="alpha", dtype=dt)
        beta = convert_to_tensor(beta if beta is not None else 1, name="beta", dtype=dt)
        alpha_b = alpha + array_ops.zeros_like(beta)
        attrs = _seed_attrs(seed)
        attrs.update(S=shape_t.dtype, T=dt)
        sample = make_op("RandomGamma", [shape_t, alpha_b], [dt], None, attrs)._outputs[0]
        tiny = np.finfo(dt.as_numpy_dtype).tiny
        return math_ops.maximum(tiny, math_ops.truediv(sample, beta))


def _random_gamma_kernel(ctx, shape, alpha):
    dims = _dims(ctx, shape)
    rng = _generator(ctx)
    a = np.broadcast_to(np.asarray(alpha, np.float64), dims + np.shape(alpha))
    ok = a > 0
    out = rng.standard_gamma(np.where(ok, a, 1.0))
    out = np.where(ok, out, np.nan)
    return out.astype(ctx.attrs["T"].as_numpy_dtype)


def _random_gamma_shape(op):
    return [_shape_out(op).concatenate(op._inputs[1].shape)]


# TF differentiates samples w.r.t. alpha (implicit reparameterization); minitf does not.
register("RandomGamma", _random_gamma_kernel, _random_gamma_shape, NO_GRADIENT, stateful=True)


# -- RandomPoissonV2 ---------------------------------------------------------------------------
def random_poisson(lam, shape, dtype=dtypes.float32, seed=None, name=None):
    """Samples from Poisson distributions with rates ``lam``.

    The output has shape ``shape + lam.shape``.

    Example:
        >>> tf.random_poisson([0.5, 1.5], [10])   # shape (10, 2)
    """
    dt = _check_dtype(dtype, _FLOATS + _INTS, "RandomPoissonV2")
    graph = get_default_graph()
    with graph.name_scope(name or "random_poisson"):
        shape_t = convert_to_tensor(shape, name="shape", dtype=dtypes.int32)
        rate = convert_to_tensor(lam, name="rate")
        _check_dtype(rate.dtype, _FLOATS + _INTS, "RandomPoissonV2")
        attrs = _seed_attrs(seed)
        attrs.update(S=shape_t.dtype, R=rate.dtype, dtype=dt)
        return make_op("RandomPoissonV2", [shape_t, rate], [dt], None, attrs)._outputs[0]


def _random_poisson_kernel(ctx, shape, rate):
    dims = _dims(ctx, shape)
    rng = _generator(ctx)
    lam = np.broadcast_to(np.asarray(rate, np.float64), dims + np.shape(rate))
    ok = lam >= 0
    out = rng.poisson(np.where(ok, lam, 0.0)).astype(np.float64)
    out_dt = ctx.attrs["dtype"]
    if out_dt.is_floating:
        out = np.where(ok, out, np.nan)
    return out.astype(out_dt.as_numpy_dtype)


register("RandomPoissonV2", _random_poisson_kernel, _random_gamma_shape, NO_GRADIENT,
         stateful=True)
