"""The Neural GPU's building blocks (Kaiser & Sutskever 2015, "Neural GPUs Learn Algorithms").

A Neural GPU keeps its working memory as a tape ``s`` of shape
``[batch, width, height, channels]``: ``width`` grows with the input, the parameters do
not.  Each step rewrites the whole tape with a convolutional GRU (``conv_gru``), and a net
for inputs of length ``n`` runs about ``n`` steps, so its computation grows with the input.
Training it well took a handful of tricks, each a small piece here:

* ``cutoff_sigmoid``: gates that saturate at exactly 0 and 1 (``1.2·σ(x) − 0.1``, clipped);
* ``state_dropout``: ``tf.nn.dropout`` on the tape between steps;
* ``add_gradient_noise`` with an annealed ``gradient_noise_stddev``;
* ``relaxed_prefix`` and ``relaxation_pull``: ``r`` sets of weights used in turn, pulled
  towards their mean by an extra loss term;
* ``Curriculum``: train on short inputs first, lengthen when the error is low.

A few steps of a small net::

    with tf.variable_scope("ngpu", reuse=tf.AUTO_REUSE):
        for t in range(length):
            tape = conv_gru(tape, 3, relaxed_prefix("cgru", t, 2))
    loss += 0.01 * relaxation_pull("cgru", 2)
"""
import collections
import re

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops import array_ops, math_ops
from minitf.ops.conv_ops import conv2d
from minitf.ops.init_ops import Constant
from minitf.ops.nn_ops import dropout
from minitf.ops.random_ops import random_normal
from minitf.ops.variable_scope import get_variable, variable_scope
from minitf.ops.variables import trainable_variables

__all__ = ["Curriculum", "add_gradient_noise", "conv_gru", "cutoff_sigmoid",
           "gradient_noise_stddev", "relaxation_pull", "relaxed_prefix", "state_dropout"]


def cutoff_sigmoid(x, cutoff=1.2, name=None):
    """A sigmoid stretched by ``cutoff`` and clipped to ``[0, 1]``.

    ``clip(cutoff·σ(x) − (cutoff − 1)/2, 0, 1)``; for the default 1.2 that is
    ``1.2·σ(x) − 0.1``.  A plain sigmoid only comes near 0 and 1, so a GRU gate built
    on it always leaks a little of the old or the new state, and over many steps the
    leak blurs the tape.  This one reaches 0 and 1 for finite ``x`` (|x| > 2.4 for
    1.2), where the gate is exactly shut or open.  Its gradient is zero there and
    ``cutoff·σ'(x)`` in between, as the clip's gradient gives.

    Args:
      x: a float tensor.
      cutoff: the stretch, at least 1 (1 is the plain sigmoid).

    Example:
        >>> cutoff_sigmoid(tf.constant([-5., 0., 5.]))   # [0., 0.5, 1.]
    """
    if cutoff < 1:
        raise ValueError("cutoff must be at least 1, got %r" % (cutoff,))
    with name_scope(name or "cutoff_sigmoid") as scope:
        x = convert_to_tensor(x, name="x")
        stretched = cutoff * math_ops.sigmoid(x) - (cutoff - 1.0) / 2.0
        return math_ops.clip_by_value(stretched, 0.0, 1.0, name=scope)


def _conv_linear(state, kernel_width, kernel_height, bias_start, scope_name):
    """``K * state + B`` with a [kw, kh, m, m] kernel and SAME padding, in ``scope_name``."""
    channels = state.shape[-1].value
    with variable_scope(scope_name):
        kernel = get_variable("kernel", [kernel_width, kernel_height, channels, channels],
                              dtype=state.dtype)
        bias = get_variable("bias", [channels], dtype=state.dtype,
                            initializer=Constant(bias_start))
    return conv2d(state, kernel, [1, 1, 1, 1], "SAME") + bias


def conv_gru(state, kernel_width, prefix, cutoff=1.2, kernel_height=None, gate_bias=1.0,
             name=None):
    """One step of a convolutional GRU over the tape ``state``.

    With ``*`` a 'SAME' convolution over the tape (``tf.nn.conv2d``) and ``σ'`` the
    ``cutoff_sigmoid``::

        u  = σ'(U * s + B)                   update gate
        r  = σ'(U'' * s + B'')               reset gate
        s' = u ⊙ s + (1 − u) ⊙ tanh(U' * (r ⊙ s) + B')

    Every cell of the tape is updated from its neighbourhood at once, with the same
    weights everywhere, so the step works on a tape of any width.  The weights come from
    ``tf.get_variable`` in ``tf.variable_scope(prefix)`` (``prefix/update/kernel``,
    ``prefix/reset/bias``, ``prefix/candidate/kernel``, ...), so the enclosing scope's
    ``reuse`` decides whether two steps share them.

    Args:
      state: a float tensor ``[batch, width, height, channels]``; channels must be known.
      kernel_width: the kernel's extent along the tape's width.
      prefix: the variable scope of this step's weights.
      cutoff: the gates' ``cutoff_sigmoid`` stretch (1 gives plain sigmoids).
      kernel_height: the extent along the height; ``kernel_width`` by default.
      gate_bias: the gates' initial bias.  At 1, ``u`` starts near 0.78, so a new net
        mostly keeps its tape.
      name: the name scope of the ops.

    Returns:
      The new tape, of ``state``'s shape.

    Example:
        >>> with tf.variable_scope("ngpu", reuse=tf.AUTO_REUSE):
        ...     for _ in range(8):
        ...         tape = conv_gru(tape, 3, "cgru")          # one set of weights, 8 steps
    """
    state = convert_to_tensor(state, name="state")
    if state.shape.ndims != 4 or state.shape[-1].value is None:
        raise ValueError("conv_gru needs a tape [batch, width, height, channels] with known "
                         "channels, got shape %s" % (state.shape,))
    kernel_height = kernel_width if kernel_height is None else kernel_height
    with variable_scope(prefix), name_scope(name or "conv_gru"):
        update = cutoff_sigmoid(
            _conv_linear(state, kernel_width, kernel_height, gate_bias, "update"), cutoff,
            name="update")
        reset = cutoff_sigmoid(
            _conv_linear(state, kernel_width, kernel_height, gate_bias, "reset"), cutoff,
            name="reset")
        candidate = math_ops.tanh(
            _conv_linear(reset * state, kernel_width, kernel_height, 0.0, "candidate"),
            name="candidate")
        return update * state + (1.0 - update) * candidate


def state_dropout(state, keep_prob, whole_cells=False, seed=None, name=None):
    """Dropout on the tape between two steps: ``tf.nn.dropout``, nothing new.

    The Neural GPU drops about 10% of the tape at every step while it trains
    (``keep_prob`` 0.9); the paper found that this helps the net generalize to longer
    inputs.  With ``whole_cells`` a dropped cell loses all its channels together
    (``noise_shape = [batch, width, height, 1]``); otherwise each number is dropped on
    its own.  Survivors are scaled by ``1/keep_prob``, as ``tf.nn.dropout`` does.
    """
    state = convert_to_tensor(state, name="state")
    noise_shape = None
    if whole_cells:
        noise_shape = array_ops.concat([array_ops.shape(state)[:3], [1]], 0)
    return dropout(state, keep_prob, noise_shape=noise_shape, seed=seed,
                   name=name or "state_dropout")


def gradient_noise_stddev(global_step, eta, gamma=0.55, name=None):
    """The annealed scale of gradient noise: ``sqrt(eta / (1 + t)^gamma)`` at step ``t``.

    Neelakantan et al. (2015, "Adding Gradient Noise Improves Learning for Very Deep
    Networks") add noise of variance ``eta / (1 + t)^0.55``: much noise early, when it
    helps escape poor regions, and less and less later.  This returns the standard
    deviation, the square root of that variance, as a float32 scalar tensor, ready for
    ``add_gradient_noise``.
    """
    with name_scope(name or "gradient_noise_stddev") as scope:
        t = math_ops.cast(global_step, dtypes.float32)
        variance = eta / math_ops.pow(1.0 + t, gamma)
        return math_ops.sqrt(variance, name=scope)


def add_gradient_noise(grads_and_vars, stddev, seed=None, name=None):
    """``(grad + N(0, stddev²), var)`` for each pair of ``compute_gradients``' list.

    Goes between an optimizer's ``compute_gradients`` and ``apply_gradients``.  A
    ``None`` gradient stays ``None``; an ``IndexedSlices`` gradient gets noise on its
    rows only and keeps its indices, so an embedding's untouched rows stay untouched.

    Args:
      grads_and_vars: a list of ``(gradient, variable)`` pairs.
      stddev: the noise's standard deviation: a number or a scalar tensor (for example
        ``gradient_noise_stddev(global_step, eta)``).
      seed: an op seed; pair ``i`` draws with ``seed + i``, so equal-shaped gradients get
        different noise.
      name: the name scope.

    Example:
        >>> grads = opt.compute_gradients(loss)
        >>> noisy = add_gradient_noise(grads, gradient_noise_stddev(step, 0.01), seed=1)
        >>> train_op = opt.apply_gradients(noisy, global_step=step)
    """
    out = []
    with name_scope(name or "gradient_noise"):
        stddev = convert_to_tensor(stddev, name="stddev")
        for i, (grad, var) in enumerate(grads_and_vars):
            if grad is None:
                out.append((None, var))
                continue
            values = grad.values if isinstance(grad, IndexedSlices) else grad
            scale = stddev if stddev.dtype == values.dtype else math_ops.cast(stddev,
                                                                               values.dtype)
            noise = random_normal(array_ops.shape(values), dtype=values.dtype,
                                  seed=None if seed is None else seed + i)
            noisy = values + noise * scale
            if isinstance(grad, IndexedSlices):
                noisy = IndexedSlices(noisy, grad.indices, grad.dense_shape)
            out.append((noisy, var))
    return out


def relaxed_prefix(prefix, step, num_sets):
    """The weights' scope for step ``step`` when ``num_sets`` sets take turns.

    Parameter sharing relaxation: instead of one set of weights for every step, an
    unrolled Neural GPU has ``num_sets`` of them, ``prefix0`` ... ``prefix{r-1}``, and
    step ``t`` uses set ``t mod r``.  The sets can then do different things at first;
    ``relaxation_pull`` draws them together as training goes on.
    """
    if num_sets < 1:
        raise ValueError("num_sets must be at least 1, got %r" % (num_sets,))
    return "%s%d" % (prefix, step % num_sets)


def relaxation_pull(prefix, num_sets, variables=None, name=None):
    """``Σ_i ‖w_i − mean(w)‖²`` over the ``num_sets`` copies of every relaxed weight.

    The copies are the variables whose name has a component ``prefix0``,
    ``prefix1``, ... (what ``relaxed_prefix`` makes); copies that differ only in that
    component belong together.  Add the result, times a weight that grows during
    training, to the loss: at the start the sets move freely, at the end they are
    (nearly) one shared set again.  It is zero when all copies are equal.

    Args:
      prefix: the prefix given to ``relaxed_prefix``.
      num_sets: how many sets there are.
      variables: where to look; ``tf.trainable_variables()`` by default.
      name: the op's name.

    Raises:
      ValueError: no such variables, or a weight lacks one of its copies.
    """
    component = re.compile(re.escape(prefix) + r"(\d+)")
    groups = collections.defaultdict(dict)
    for var in trainable_variables() if variables is None else variables:
        parts = var.op.name.split("/")
        for i, part in enumerate(parts):
            m = component.fullmatch(part)
            if m and int(m.group(1)) < num_sets:
                key = "/".join(parts[:i] + [prefix + "*"] + parts[i + 1:])
                groups[key][int(m.group(1))] = var
                break
    if not groups:
        raise ValueError("no variables in scopes %s0 ... %s%d" % (prefix, prefix, num_sets - 1))
    with name_scope(name or "relaxation_pull") as scope:
        terms = []
        for key in sorted(groups):
            copies = groups[key]
            if len(copies) != num_sets:
                missing = sorted(set(range(num_sets)) - set(copies))
                raise ValueError("%s has no copies in sets %s" % (key, missing))
            # Measured from copy 0, which leaves the sum unchanged, so that equal copies
            # give exactly 0 (a float mean of equal numbers need not equal them).
            diffs = [copies[i] - copies[0] for i in range(1, num_sets)]
            if not diffs:
                continue
            mean = math_ops.add_n(diffs) / float(num_sets)
            terms.append(math_ops.reduce_sum(math_ops.square(mean)))
            terms += [math_ops.reduce_sum(math_ops.square(d - mean)) for d in diffs]
        if not terms:
            return array_ops.zeros([], name=scope)
        return math_ops.add_n(terms, name=scope)


class Curriculum:
    """Lengthens the training inputs once the net masters the current length.

    The curriculum starts at ``min_length``.  After each training step, ``record`` gets
    the step's length and error; once the mean error of the last ``window`` steps at the
    current length is below ``threshold``, the length goes up by one (up to
    ``max_length``).  ``sample_length`` picks the next step's length: the current one,
    or with probability ``shorter`` a random shorter one, so the short lengths are not
    forgotten.  It is plain Python state, read and updated between ``Session.run`` calls.

    Attributes:
      length: the current (largest) training length.
      history: ``(step, length)`` at the start and at every raise.

    Example:
        >>> cur = Curriculum(2, 8)
        >>> n = cur.sample_length(rng)
        >>> err = sess.run(error, feed(n))
        >>> cur.record(n, err, step)          # True when the length went up
    """

    def __init__(self, min_length, max_length, threshold=0.01, window=10, shorter=0.2):
        if not 1 <= min_length <= max_length:
            raise ValueError("need 1 <= min_length <= max_length, got %r and %r"
                             % (min_length, max_length))
        self.min_length, self.max_length = int(min_length), int(max_length)
        self.threshold, self.window, self.shorter = float(threshold), int(window), shorter
        self.length = self.min_length
        self.history = [(0, self.length)]
        self._errors = []

    def sample_length(self, rng):
        """The length of the next training batch (``rng``: a numpy RandomState)."""
        if self.length > self.min_length and rng.rand() < self.shorter:
            return int(rng.randint(self.min_length, self.length))
        return self.length

    def recent_error(self):
        """The mean error of the last ``window`` steps at the current length (None: none)."""
        return float(np.mean(self._errors[-self.window:])) if self._errors else None

    def record(self, length, error, step):
        """Note a step's error; returns True when this raised the length."""
        if length != self.length:
            return False
        self._errors.append(float(error))
        if (len(self._errors) >= self.window and self.recent_error() < self.threshold
                and self.length < self.max_length):
            self.length += 1
            self._errors = []
            self.history.append((int(step), self.length))
            return True
        return False

    @property
    def done(self):
        """At ``max_length`` with its recent error below the threshold."""
        return (self.length == self.max_length and len(self._errors) >= self.window
                and self.recent_error() < self.threshold)

    def length_at(self, step):
        """The curriculum's length at ``step``, from ``history``."""
        return max(length for s, length in self.history if s <= step)
