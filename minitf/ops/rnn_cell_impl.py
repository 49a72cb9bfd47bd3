"""RNN cells (``tf.nn.rnn_cell``): one time step of a recurrent network.

A cell maps ``(input, state)`` to ``(output, new_state)``.  Its weights are made
the first time it is called, with ``tf.get_variable`` under a variable scope named
after the cell (``gru_cell``, ``basic_lstm_cell``...) inside the caller's scope,
so the names and shapes are TF 1.x's and a checkpoint moves between the two.
Later calls in the same scope use the same weights (``static_rnn`` calls one cell
once per time step); a call from another scope is an error, because a cell owns
one set of weights.

Example:
    >>> cell = tf.nn.rnn_cell.GRUCell(128)
    >>> outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
"""
import collections
import contextlib
import copy
import numbers
import re
import warnings

from minitf import nest
from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.framework.tensor_shape import TensorShape
from minitf.ops import array_ops, clip_ops, init_ops, math_ops, nn_ops, random_ops
from minitf.ops import variable_scope as vs

__all__ = ["BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell",
           "LSTMCell", "LSTMStateTuple", "MultiRNNCell", "RNNCell", "ResidualWrapper"]


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """An LSTM's state: the memory ``c`` and the output ``h``."""

    __slots__ = ()

    @property
    def dtype(self):
        if self.c.dtype != self.h.dtype:
            raise TypeError("Inconsistent internal state: %s vs %s"
                            % (self.c.dtype, self.h.dtype))
        return self.c.dtype


def _snake(name):
    """A class name as TF names a layer's scope: ``GRUCell`` -> ``gru_cell``."""
    words = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    snake = re.sub("([a-z])([A-Z])", r"\1_\2", words).lower()
    return snake if snake[0] != "_" else "private" + snake


def _zeros(size, batch_size, dtype):
    """A zero state of ``size`` (an int, a TensorShape or a nest of them) for a batch."""
    def one(s):
        dims = TensorShape(s).as_list() if not isinstance(s, numbers.Integral) else [s]
        if isinstance(batch_size, numbers.Integral):
            return array_ops.zeros([batch_size] + dims, dtype=dtype)
        shape = array_ops.concat([array_ops.reshape(batch_size, [1]),
                                  array_ops.constant(dims, dtype=dtypes.int32)], 0)
        z = array_ops.zeros(shape, dtype=dtype)
        z.set_shape([None] + dims)
        return z
    return nest.map_structure(one, size)


class RNNCell:
    """The abstract cell: subclasses define ``state_size``, ``output_size``, ``build``
    and ``call(inputs, state) -> (output, new_state)``."""

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None):
        self._base_name = name or _snake(type(self).__name__)
        self._reuse = _reuse
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        self._trainable = trainable
        self._scope_name = None  # the variable scope of the first call
        self._variables = []
        self.built = False

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def build(self, inputs_shape):
        self.built = True

    def call(self, inputs, state):
        raise NotImplementedError("Abstract method")

    def zero_state(self, batch_size, dtype):
        """The all-zero state for ``batch_size`` sequences (a nest like ``state_size``)."""
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return _zeros(self.state_size, batch_size, dtype)

    @property
    def variables(self):
        return list(self._variables)

    weights = variables
    trainable_variables = property(lambda self: [v for v in self._variables if v.trainable])
    trainable_weights = trainable_variables

    def add_variable(self, name, shape, dtype=None, initializer=None, trainable=True):
        """A weight of this cell, made with ``get_variable`` in the cell's scope."""
        v = vs.get_variable(name, shape, dtype=dtype or self._dtype, initializer=initializer,
                            trainable=self._trainable and trainable)
        self._variables.append(v)
        return v

    add_weight = add_variable

    def __call__(self, inputs, state, scope=None):
        """One step: ``(output, new_state)``; makes the weights on the first call."""
        with self._scope(scope, inputs):
            return self.call(inputs, state)

    @contextlib.contextmanager
    def _scope(self, scope, inputs):
        """Enter the cell's variable scope, check it is the first call's, build if needed."""
        if scope is not None:
            cm = vs.variable_scope(scope, reuse=self._reuse, auxiliary_name_scope=False)
        else:
            cm = vs.variable_scope(self._base_name, reuse=self._reuse or None)
        with cm as entered:
            self._check_scope(entered.name)
            if self._dtype is None:
                self._dtype = nest.flatten(inputs)[0].dtype
            if not self.built:
                self.build(nest.flatten(inputs)[0].shape)
                self.built = True
            yield

    def _check_scope(self, scope_name):
        if self._scope_name is None:
            self._scope_name = scope_name
        elif self._scope_name != scope_name:
            raise ValueError(
                "Attempt to reuse RNNCell %s with a different variable scope than its first "
                "use.  First use of cell was with scope '%s', this attempt is with scope '%s'."
                "  Please create a new instance of the cell if you would like it to use a "
                "different set of weights.  If before you were using: "
                "MultiRNNCell([GRUCell(...)] * num_layers), change to: "
                "MultiRNNCell([GRUCell(...) for _ in range(num_layers)]).  If before you were "
                "using the same cell instance as both the forward and reverse cell of a "
                "bidirectional RNN, simply create two instances (one for forward, one for "
                "reverse).  To share weights on purpose, call it again inside the first scope "
                "(with reuse=True)." % (self, self._scope_name, scope_name))

    def _fresh_copy(self):
        """An unbuilt copy with its own (not yet made) weights."""
        twin = copy.copy(self)
        twin._scope_name, twin._variables, twin.built = None, [], False
        return twin


def _input_depth(cls, inputs_shape):
    depth = TensorShape(inputs_shape)[-1].value if TensorShape(inputs_shape).ndims else None
    if depth is None:
        raise ValueError("Expected inputs.shape[-1] to be known, saw shape: %s"
                         % TensorShape(inputs_shape))
    return depth


def _activation(fn):
    return fn or math_ops.tanh


class BasicRNNCell(RNNCell):
    """``h' = act(W·[x, h] + b)``: the plain recurrent layer."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = num_units
        self._activation = _activation(activation)

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, self._num_units])
        self._bias = self.add_variable("bias", [self._num_units],
                                       initializer=init_ops.zeros_initializer())

    def call(self, inputs, state):
        out = self._activation(nn_ops.bias_add(
            math_ops.matmul(array_ops.concat([inputs, state], 1), self._kernel), self._bias))
        return out, out


class GRUCell(RNNCell):
    """Gated recurrent unit (Cho et al. 2014).

    ``r, u = σ(W_g·[x, h] + b_g)``, ``c = act(W_c·[x, r⊙h] + b_c)``,
    ``h' = u⊙h + (1 − u)⊙c``.  The gate bias starts at 1, so the cell first
    keeps its state (TF's default).
    """

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = num_units
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n],
                                              initializer=self._kernel_initializer)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n], initializer=self._bias_initializer or
            init_ops.constant_initializer(1.0, dtype=self._dtype))
        self._candidate_kernel = self.add_variable("candidate/kernel", [depth + n, n],
                                                   initializer=self._kernel_initializer)
        self._candidate_bias = self.add_variable(
            "candidate/bias", [n],
            initializer=self._bias_initializer or init_ops.zeros_initializer())

    def call(self, inputs, state):
        gates = math_ops.sigmoid(nn_ops.bias_add(math_ops.matmul(
            array_ops.concat([inputs, state], 1), self._gate_kernel), self._gate_bias))
        r, u = array_ops.split(gates, 2, axis=1)
        c = self._activation(nn_ops.bias_add(math_ops.matmul(
            array_ops.concat([inputs, r * state], 1), self._candidate_kernel),
            self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class BasicLSTMCell(RNNCell):
    """LSTM without peepholes or projection (Zaremba et al. 2014's form).

    ``i, j, f, o = W·[x, h] + b``; ``c' = c⊙σ(f + forget_bias) + σ(i)⊙act(j)``;
    ``h' = act(c')⊙σ(o)``.
    """

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        if not state_is_tuple:
            warnings.warn("%s: Using a concatenated state is slower and will soon be "
                          "deprecated.  Use state_is_tuple=True." % self, stacklevel=2)
        self._num_units, self._forget_bias = num_units, forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
        self._bias = self.add_variable("bias", [4 * n],
                                       initializer=init_ops.zeros_initializer())

    def call(self, inputs, state):
        c, h = state if self._state_is_tuple else array_ops.split(state, 2, axis=1)
        z = nn_ops.bias_add(math_ops.matmul(array_ops.concat([inputs, h], 1), self._kernel),
                            self._bias)
        i, j, f, o = array_ops.split(z, 4, axis=1)
        new_c = c * math_ops.sigmoid(f + self._forget_bias) + \
            math_ops.sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * math_ops.sigmoid(o)
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple else \
            array_ops.concat([new_c, new_h], 1)
        return new_h, new_state


class LSTMCell(RNNCell):
    """LSTM with optional peepholes, cell clipping and an output projection
    (Hochreiter & Schmidhuber 1997; peepholes and projection after Sak et al. 2014)."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        if not state_is_tuple:
            warnings.warn("%s: Using a concatenated state is slower and will soon be "
                          "deprecated.  Use state_is_tuple=True." % self, stacklevel=2)
        self._num_units, self._use_peepholes = num_units, use_peepholes
        self._cell_clip, self._initializer = cell_clip, initializer
        self._num_proj, self._proj_clip = num_proj, proj_clip
        self._forget_bias, self._state_is_tuple = forget_bias, state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self):
        n, m = self._num_units, self._num_proj or self._num_units
        return LSTMStateTuple(n, m) if self._state_is_tuple else n + m

    output_size = property(lambda self: self._num_proj or self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        m = self._num_proj or n
        self._kernel = self.add_variable("kernel", [depth + m, 4 * n],
                                         initializer=self._initializer)
        self._bias = self.add_variable("bias", [4 * n], initializer=init_ops.zeros_initializer())
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [n], initializer=self._initializer)
            self._w_i_diag = self.add_variable("w_i_diag", [n], initializer=self._initializer)
            self._w_o_diag = self.add_variable("w_o_diag", [n], initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable("projection/kernel", [n, self._num_proj],
                                                  initializer=self._initializer)

    def call(self, inputs, state):
        n = self._num_units
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = array_ops.slice(state, [0, 0], [-1, n])
            m_prev = array_ops.slice(state, [0, n], [-1, self._num_proj or n])
        z = nn_ops.bias_add(math_ops.matmul(array_ops.concat([inputs, m_prev], 1),
                                            self._kernel), self._bias)
        i, j, f, o = array_ops.split(z, 4, axis=1)
        sig, act = math_ops.sigmoid, self._activation
        if self._use_peepholes:
            c = sig(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev + \
                sig(i + self._w_i_diag * c_prev) * act(j)
        else:
            c = sig(f + self._forget_bias) * c_prev + sig(i) * act(j)
        if self._cell_clip is not None:
            c = clip_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sig(o + self._w_o_diag * c) * act(c)
        else:
            m = sig(o) * act(c)
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else \
            array_ops.concat([c, m], 1)
        return m, new_state


class MultiRNNCell(RNNCell):
    """Cells stacked in layers: layer k's output is layer k+1's input.

    Each layer gets its own weights under ``cell_<k>``.  Passing one cell object
    several times (``[cell] * n``, the TF 1.0 idiom) gives each layer a copy with
    its own weights, as TF 1.0 did, with a warning: TF 1.2 and later fail or share.
    """

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        cells = list(cells)
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if len({id(c) for c in cells}) < len(cells):
            warnings.warn(
                "MultiRNNCell got the same cell object more than once (as in "
                "MultiRNNCell([cell] * num_layers)).  Like TF 1.0, minitf gives each layer its "
                "own weights; TF 1.2 and later raise an error or silently share one set.  Write "
                "MultiRNNCell([GRUCell(n) for _ in range(num_layers)]) instead.", stacklevel=2)
            seen, fresh = set(), []
            for c in cells:
                fresh.append(c._fresh_copy() if id(c) in seen else c)
                seen.add(id(c))
            cells = fresh
        self._cells, self._state_is_tuple = cells, state_is_tuple
        if not state_is_tuple and any(nest.is_nested(c.state_size) for c in cells):
            raise ValueError("Some cells return tuples of states, but the flag "
                             "state_is_tuple is not set.  State sizes are: %s"
                             % str([c.state_size for c in cells]))

    @property
    def state_size(self):
        sizes = tuple(c.state_size for c in self._cells)
        return sizes if self._state_is_tuple else sum(sizes)

    output_size = property(lambda self: self._cells[-1].output_size)

    def zero_state(self, batch_size, dtype):
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            states = tuple(c.zero_state(batch_size, dtype) for c in self._cells)
            return states if self._state_is_tuple else array_ops.concat(states, 1)

    @property
    def variables(self):
        return [v for c in self._cells for v in c.variables]

    weights = variables
    trainable_variables = property(lambda self: [v for c in self._cells
                                                 for v in c.trainable_variables])
    trainable_weights = trainable_variables

    def call(self, inputs, state):
        out, new_states, start = inputs, [], 0
        for k, cell in enumerate(self._cells):
            with vs.variable_scope("cell_%d" % k):
                if self._state_is_tuple:
                    if not nest.is_nested(state):
                        raise ValueError("Expected state to be a tuple of length %d, but "
                                         "received: %s" % (len(self.state_size), state))
                    s = state[k]
                else:
                    s = array_ops.slice(state, [0, start], [-1, cell.state_size])
                    start += cell.state_size
                out, s = cell(out, s)
                new_states.append(s)
        return out, (tuple(new_states) if self._state_is_tuple
                     else array_ops.concat(new_states, 1))

    def _fresh_copy(self):
        twin = super()._fresh_copy()
        twin._cells = [c._fresh_copy() for c in self._cells]
        return twin


class _Wrapper(RNNCell):
    """A cell around another cell; it adds no variable scope of its own."""

    def __init__(self, cell):
        super().__init__()
        self._cell = cell

    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)
    variables = property(lambda self: self._cell.variables)
    weights = variables
    trainable_variables = property(lambda self: self._cell.trainable_variables)
    trainable_weights = trainable_variables

    def zero_state(self, batch_size, dtype):
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        return self.call(inputs, state, scope)

    def _fresh_copy(self):
        twin = copy.copy(self)
        twin._cell = self._cell._fresh_copy()
        return twin


def _keep_prob(p, name):
    if isinstance(p, numbers.Real):
        if not 0.0 < p <= 1.0:
            raise ValueError("Parameter %s must be between 0 and 1: %s" % (name, p))
        return float(p)
    return convert_to_tensor(p, name=name)


class DropoutWrapper(_Wrapper):
    """Dropout on a cell's inputs, outputs and (new) state.

    With ``variational_recurrent=True`` the masks are drawn once per run, when the
    wrapper is made, and used at every time step and for every sequence of the
    batch (Gal & Ghahramani 2016; TF's [1, size] noise), which needs ``dtype`` and,
    for input dropout, ``input_size``.  State dropout leaves an LSTM's memory ``c``
    alone and drops only its output ``h``, as in TF; ``dropout_state_filter_visitor``
    (called on each other state tensor) may spare more.
    """

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(cell)
        self._input_keep = _keep_prob(input_keep_prob, "input_keep_prob")
        self._output_keep = _keep_prob(output_keep_prob, "output_keep_prob")
        self._state_keep = _keep_prob(state_keep_prob, "state_keep_prob")
        self._seed, self._variational = seed, variational_recurrent
        self._filter = dropout_state_filter_visitor or (lambda s: True)
        self._noise = None
        if variational_recurrent:
            if dtype is None:
                raise ValueError("When variational_recurrent=True, dtype must be provided")
            self._var_dtype, self._input_size = dtypes.as_dtype(dtype), input_size
            if input_size is None and not _is_one(self._input_keep):
                raise ValueError("When variational_recurrent=True and input_keep_prob < 1.0 "
                                 "or is unknown, input_size must be provided")
            self._noise = self._masks()

    def _masks(self):
        """One uniform [0, 1) draw per unit for each of the three places, shaped [1, size]
        so that it broadcasts over the batch (TF's shape), made once for every step."""
        def noise(size, k):
            def one(s):
                dims = TensorShape(s).as_list() if not isinstance(s, numbers.Integral) else [s]
                seed = None if self._seed is None else self._seed + k
                return random_ops.random_uniform([1] + dims, dtype=self._var_dtype, seed=seed)
            return nest.map_structure(one, size)
        return (noise(self._input_size, 1) if self._input_size is not None else None,
                noise(self._cell.state_size, 2), noise(self._cell.output_size, 3))

    def _drop(self, values, keep, noise, k, is_state=False):
        if _is_one(keep):
            return values

        def one(v, n=None):
            if n is not None:  # variational: the same mask at every step
                return v / keep * math_ops.floor(keep + n)
            seed = None if self._seed is None else self._seed + k
            return nn_ops.dropout(v, keep_prob=keep, seed=seed)
        if is_state:
            return _drop_state(values, noise, one, self._filter)
        if noise is None:
            return nest.map_structure(one, values)
        return nest.map_structure(one, values, noise)

    def call(self, inputs, state, scope=None):
        noise = self._noise or (None, None, None)
        inputs = self._drop(inputs, self._input_keep, noise[0], 1)
        out, new_state = self._cell(inputs, state, scope=scope)
        new_state = self._drop(new_state, self._state_keep, noise[1], 2, is_state=True)
        out = self._drop(out, self._output_keep, noise[2], 3)
        return out, new_state


def _drop_state(state, noise, drop, keep_whole):
    """Dropout on the parts of a state that ``keep_whole`` allows (an LSTM's h, not c)."""
    if isinstance(state, LSTMStateTuple):
        h = drop(state.h, noise.h if noise is not None else None)
        return LSTMStateTuple(state.c, h)
    if nest.is_nested(state):
        parts = [_drop_state(s, noise[k] if noise is not None else None, drop, keep_whole)
                 for k, s in enumerate(state)]
        return type(state)(*parts) if hasattr(state, "_fields") else type(state)(parts)
    return drop(state, noise) if keep_whole(state) else state


def _is_one(p):
    return isinstance(p, float) and p == 1.0


class ResidualWrapper(_Wrapper):
    """``output = input + cell(input)``: a residual connection around a cell."""

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn or (
            lambda i, o: nest.map_structure(lambda a, b: a + b, i, o))

    def call(self, inputs, state, scope=None):
        out, new_state = self._cell(inputs, state, scope=scope)
        return self._residual_fn(inputs, out), new_state


class DeviceWrapper(_Wrapper):
    """Runs a cell on a device (every op here runs on the CPU; kept for TF code)."""

    def __init__(self, cell, device):
        super().__init__(cell)
        self._device = device

    def call(self, inputs, state, scope=None):
        with get_default_graph().device(self._device):
            return self._cell(inputs, state, scope=scope)
