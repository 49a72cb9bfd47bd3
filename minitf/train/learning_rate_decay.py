"""Learning-rate schedules: tensors computed from the global step.

Each schedule returns a scalar tensor of the learning rate's dtype (float32 for a
Python number), built from graph ops on ``global_step``; pass it to an optimizer
and it follows the step as training increments it.

Example:
    >>> gs = tf.train.get_or_create_global_step()
    >>> lr = tf.train.exponential_decay(0.1, gs, decay_steps=1000, decay_rate=0.96,
    ...                                 staircase=True)
    >>> train_op = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
"""
import math

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.ops import array_ops, math_ops

__all__ = ["cosine_decay", "exponential_decay", "inverse_time_decay", "natural_exp_decay",
           "piecewise_constant", "polynomial_decay"]


def _need_step(global_step, fn):
    if global_step is None:
        raise ValueError("global_step is required for %s." % fn)


def _prologue(learning_rate, global_step, decay_steps):
    """``(lr tensor, step, decay_steps)``, the last two cast to the lr's dtype."""
    lr = convert_to_tensor(learning_rate, name="learning_rate")
    dtype = lr.dtype
    return lr, math_ops.cast(global_step, dtype), math_ops.cast(decay_steps, dtype)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """``learning_rate · decay_rate ^ (global_step / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(global_step / decay_steps)``,
    so the rate drops in steps every ``decay_steps``.

    Example:
        >>> lr = tf.train.exponential_decay(0.1, gs, 100, 0.5)   # 0.05 at step 100
    """
    _need_step(global_step, "exponential_decay")
    with get_default_graph().name_scope(name or "ExponentialDecay") as scope:
        lr, step, decay_steps = _prologue(learning_rate, global_step, decay_steps)
        decay_rate = math_ops.cast(decay_rate, lr.dtype)
        p = step / decay_steps
        if staircase:
            p = math_ops.floor(p)
        return math_ops.multiply(lr, math_ops.pow(decay_rate, p), name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """A step function of ``x``: ``values[0]`` while ``x <= boundaries[0]``,
    ``values[i]`` while ``boundaries[i-1] < x <= boundaries[i]``, and
    ``values[-1]`` once ``x > boundaries[-1]``.

    Args:
        x: a scalar tensor (usually the global step).
        boundaries: increasing numbers of ``x``'s dtype (Python ints also work
            for an int64 ``x``).
        values: one more value than boundaries, all of one dtype.

    Example:
        >>> lr = tf.train.piecewise_constant(gs, [1000, 2000], [1.0, 0.5, 0.1])
    """
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with get_default_graph().name_scope(name or "PiecewiseConstant"):
        x = convert_to_tensor(x)
        bounds = []
        for b in boundaries:
            b = convert_to_tensor(b)
            if b.dtype is not x.dtype:
                if b.dtype is dtypes.int32 and x.dtype is dtypes.int64:
                    b = math_ops.cast(b, dtypes.int64)
                else:
                    raise ValueError("Boundaries (%s) must have the same dtype as x (%s)."
                                     % (b.dtype.name, x.dtype.name))
            bounds.append(b)
        vals = [convert_to_tensor(v) for v in values]
        for v in vals[1:]:
            if v.dtype is not vals[0].dtype:
                raise ValueError("Values must have elements all with the same dtype (%s vs %s)."
                                 % (vals[0].dtype.name, v.dtype.name))
        # Walk the boundaries from the last: the first interval that holds x wins.
        out = vals[-1]
        for b, v in zip(reversed(bounds), reversed(vals[:-1])):
            out = array_ops.where(math_ops.less_equal(x, b), v, out)
        return array_ops.identity(out, name="value")


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """Decay from ``learning_rate`` to ``end_learning_rate`` over ``decay_steps``::

        step = min(global_step, decay_steps)
        (learning_rate − end_learning_rate) · (1 − step / decay_steps) ^ power
            + end_learning_rate

    With ``cycle=True`` the horizon restarts: ``decay_steps`` is multiplied by
    ``ceil(global_step / decay_steps)`` (1 at step 0) instead of clamping the step.

    Example:
        >>> lr = tf.train.polynomial_decay(0.1, gs, 10000, 0.01, power=0.5)
    """
    _need_step(global_step, "polynomial_decay")
    with get_default_graph().name_scope(name or "PolynomialDecay") as scope:
        lr, step, decay_steps = _prologue(learning_rate, global_step, decay_steps)
        end = math_ops.cast(end_learning_rate, lr.dtype)
        power = math_ops.cast(power, lr.dtype)
        if cycle:
            # The first multiple of decay_steps at or after the step (1 at step 0).
            multiplier = array_ops.where(math_ops.equal(step, 0),
                                         array_ops.ones_like(step),
                                         math_ops.ceil(step / decay_steps))
            decay_steps = math_ops.multiply(decay_steps, multiplier)
        else:
            step = math_ops.minimum(step, decay_steps)
        p = math_ops.div(step, decay_steps)
        return math_ops.add(math_ops.multiply(lr - end, math_ops.pow(1 - p, power)), end,
                            name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """``learning_rate · exp(−decay_rate · global_step / decay_steps)`` (the exponent's
    ratio floored with ``staircase=True``).

    Example:
        >>> lr = tf.train.natural_exp_decay(0.1, gs, 1, 0.5)
    """
    _need_step(global_step, "natural_exp_decay")
    with get_default_graph().name_scope(name or "NaturalExpDecay") as scope:
        lr, step, decay_steps = _prologue(learning_rate, global_step, decay_steps)
        decay_rate = math_ops.cast(decay_rate, lr.dtype)
        p = step / decay_steps
        if staircase:
            p = math_ops.floor(p)
        exponent = math_ops.exp(math_ops.multiply(math_ops.negative(decay_rate), p))
        return math_ops.multiply(lr, exponent, name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """``learning_rate / (1 + decay_rate · global_step / decay_steps)`` (the ratio floored
    with ``staircase=True``).

    Example:
        >>> lr = tf.train.inverse_time_decay(0.1, gs, 1, 0.5)
    """
    _need_step(global_step, "inverse_time_decay")
    with get_default_graph().name_scope(name or "InverseTimeDecay") as scope:
        lr, step, decay_steps = _prologue(learning_rate, global_step, decay_steps)
        decay_rate = math_ops.cast(decay_rate, lr.dtype)
        p = step / decay_steps
        if staircase:
            p = math_ops.floor(p)
        const = math_ops.cast(array_ops.constant(1), lr.dtype)
        denom = math_ops.add(const, math_ops.multiply(decay_rate, p))
        return math_ops.div(lr, denom, name=scope)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """Cosine annealing to ``alpha · learning_rate`` over ``decay_steps``::

        step = min(global_step, decay_steps)
        learning_rate · ((1 − alpha) · ½ (1 + cos(π · step / decay_steps)) + alpha)

    Example:
        >>> lr = tf.train.cosine_decay(0.1, gs, 1000)
    """
    _need_step(global_step, "cosine_decay")
    with get_default_graph().name_scope(name or "CosineDecay") as scope:
        lr, step, decay_steps = _prologue(learning_rate, global_step, decay_steps)
        step = math_ops.minimum(step, decay_steps)
        completed = step / decay_steps
        cosine = 0.5 * (1.0 + math_ops.cos(array_ops.constant(math.pi, dtype=lr.dtype)
                                           * completed))
        decayed = (1 - alpha) * cosine + alpha
        return math_ops.multiply(lr, decayed, name=scope)
