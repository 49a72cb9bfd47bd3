"""Running a cell over sequences: ``dynamic_rnn`` (a ``while_loop``), ``static_rnn``
(one copy of the cell per step), their bidirectional forms and ``raw_rnn``.

With ``sequence_length``, a sequence's outputs after its last real step are zero
and its state stops changing there, so the final state is the state at the last
real step, as in TF.  ``dynamic_rnn`` stops the loop at the longest sequence of
the batch; the outputs past it are zeros too.

Example:
    >>> cell = tf.nn.rnn_cell.GRUCell(64)
    >>> outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths,
    ...                                    dtype=tf.float32)   # x: [batch, time, depth]
"""
import contextlib
import numbers

import numpy as np

from minitf import nest
from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.kernels import rnn as rnn_kernels
from minitf.ops import array_ops, control_flow_ops, math_ops, transform_ops
from minitf.ops import variable_scope as vs
from minitf.ops.op_util import make_op
from minitf.ops.rnn_cell_impl import GRUCell, RNNCell, _zeros
from minitf.ops.tensor_array_ops import TensorArray

__all__ = ["bidirectional_dynamic_rnn", "dynamic_rnn", "fused_kernels", "raw_rnn",
           "static_bidirectional_rnn", "static_rnn"]

_FUSED = [True]


@contextlib.contextmanager
def fused_kernels(enabled):
    """Build ``dynamic_rnn`` of a plain ``GRUCell`` as one fused op (the default) or, with
    ``enabled=False``, as TF's ``while_loop`` over the cell, op by op.

    The two give the same values and gradients (tests hold them to it); the fused
    op does the input and weight-gradient products once for all steps.
    """
    old, _FUSED[0] = _FUSED[0], bool(enabled)
    try:
        yield
    finally:
        _FUSED[0] = old


def _check_cell(cell, name="cell"):
    if not isinstance(cell, RNNCell) and not (hasattr(cell, "__call__") and
                                              hasattr(cell, "state_size")):
        raise TypeError("%s must be an instance of RNNCell, saw: %s" % (name, type(cell)))


def _size_dims(size):
    return TensorShape(size).as_list() if not isinstance(size, numbers.Integral) else [size]


def _sequence_length(sequence_length):
    if sequence_length is None:
        return None
    sequence_length = math_ops.to_int32(convert_to_tensor(sequence_length))
    if sequence_length.shape.ndims not in (None, 1):
        raise ValueError("sequence_length must be a vector of length batch_size, but saw "
                         "shape: %s" % sequence_length.shape)
    return array_ops.identity(sequence_length, name="sequence_length")


def _initial_state(cell, initial_state, batch_size, dtype):
    if initial_state is not None:
        return initial_state
    if dtype is None:
        raise ValueError("If there is no initial_state, you must give a dtype.")
    return cell.zero_state(batch_size, dtype)


def _batch_size(flat_inputs, batch_axis):
    for x in flat_inputs:
        n = x.shape[batch_axis].value if x.shape.ndims else None
        if n is not None:
            return n
    return array_ops.shape(flat_inputs[0])[batch_axis]


def _select_rows(done, a, b):
    """Per sequence: ``a`` where ``done`` else ``b``."""
    return array_ops.where(done, a, b)


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Run ``cell`` over ``inputs`` in a ``while_loop``: ``(outputs, final_state)``.

    ``inputs`` is ``[batch, time, depth]`` (``[time, batch, depth]`` with
    ``time_major``), or a nest of such tensors; batch size and length may be known
    only at run time.  ``parallel_iterations`` and ``swap_memory`` are accepted
    for TF code and change nothing here (the loop runs one step at a time).  A plain
    ``GRUCell`` runs as one fused op instead of the loop (see ``fused_kernels``).
    """
    _check_cell(cell)
    with vs.variable_scope(scope or "rnn") as varscope:
        flat = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        for x in flat:
            if x.shape.ndims is not None and x.shape.ndims < 2:
                raise ValueError("Expected inputs of rank >= 2 ([batch, time, ...]), saw shape "
                                 "%s" % x.shape)
        if not time_major:
            flat = [_swap_batch_time(x) for x in flat]
        batch_size = _batch_size(flat, 1)
        lengths = _sequence_length(sequence_length)
        state = _initial_state(cell, initial_state, batch_size, dtype)
        dtype = nest.flatten(state)[0].dtype
        if lengths is not None:
            with get_default_graph().control_dependencies([_length_check(lengths, batch_size)]):
                lengths = array_ops.identity(lengths, name="CheckSeqLen")
        if _fusable(cell, flat, state):
            outputs, final_state = _fused_gru(cell, flat[0], state, lengths)
        else:
            outputs, final_state = _dynamic_rnn_loop(
                cell, nest.pack_sequence_as(inputs, flat), state, lengths, dtype, varscope)
        if not time_major:
            outputs = nest.map_structure(_swap_batch_time, outputs)
        return outputs, final_state


def _swap_batch_time(x):
    nd = x.shape.ndims
    if nd is None:
        raise ValueError("dynamic_rnn needs inputs of known rank, saw %s" % x)
    return array_ops.transpose(x, [1, 0] + list(range(2, nd)))


def _length_check(lengths, batch_size):
    """A run-time check that there is one length per sequence of the batch."""
    saw = array_ops.shape(lengths)
    want = array_ops.reshape(convert_to_tensor(batch_size, dtype=dtypes.int32), [1])
    return control_flow_ops.Assert(
        math_ops.reduce_all(math_ops.equal(saw, want)),
        ["Expected shape for Tensor %s is " % lengths.name, want, " but saw shape: ", saw])


def _fusable(cell, flat_inputs, state):
    return (_FUSED[0] and type(cell) is GRUCell and cell._activation is math_ops.tanh and
            len(flat_inputs) == 1 and not nest.is_nested(state) and
            flat_inputs[0].shape.ndims == 3 and flat_inputs[0].shape[2].value is not None and
            flat_inputs[0].dtype in (dtypes.float32, dtypes.float64) and
            state.dtype == flat_inputs[0].dtype)


def _fused_gru(cell, x, state, lengths):
    """``dynamic_rnn`` of a GRUCell as one ``GRUSequence`` op (time-major ``x``)."""
    with cell._scope(None, x[0]):
        pass  # makes (or checks) the cell's variables, named as the loop would name them
    return _gru_sequence(x, state, lengths, cell._gate_kernel, cell._gate_bias,
                         cell._candidate_kernel, cell._candidate_bias)


def _gru_sequence(x, h0, lengths, gate_kernel, gate_bias, candidate_kernel, candidate_bias):
    """The fused op itself: ``(outputs, final_state)`` for time-major ``x``."""
    has_lengths = lengths is not None
    if lengths is None:
        lengths = array_ops.zeros([0], dtype=dtypes.int32)
    weights = [convert_to_tensor(v) for v in (gate_kernel, gate_bias, candidate_kernel,
                                              candidate_bias)]
    op = make_op("GRUSequence", [x, h0, lengths] + weights,
                 [x.dtype] * 5, "GRUSequence", {"has_lengths": has_lengths})
    return op._outputs[0], op._outputs[1]


def _steps_and_mask(x, lengths, has_lengths):
    t = x.shape[0]
    if not has_lengths:
        return t, None
    steps = min(t, max(1, int(lengths.max()))) if lengths.size else t
    return steps, np.arange(t)[:, None] < lengths[None, :]


def _gru_sequence_kernel(ctx, x, h0, lengths, wg, bg, wc, bc):
    steps, live = _steps_and_mask(x, lengths, ctx.attrs["has_lengths"])
    return rnn_kernels.gru_sequence(x, h0, steps, live, wg, bg, wc, bc)


def _gru_sequence_shape(op):
    x, h0 = op._inputs[0].shape, op._inputs[1].shape
    n = op._inputs[5].shape[1]
    seq = TensorShape([x[0], x[1], n])
    return [seq, TensorShape([x[1], n]).merge_with(h0), TensorShape([x[0], x[1], 2 * n]),
            seq, seq]


def _gru_sequence_grad(op, d_out, d_final, *_):
    x, _, lengths, wg, bg, wc, bc = op._inputs
    grad = make_op("GRUSequenceGrad", [x, lengths, wg, wc] + op._outputs[2:] + [d_out, d_final],
                   [x.dtype] * 6, "GRUSequenceGrad", {"has_lengths": op._attrs["has_lengths"]})
    dx, dh0, dwg, dbg, dwc, dbc = grad._outputs
    return [dx, dh0, None, dwg, dbg, dwc, dbc]


def _gru_sequence_grad_kernel(ctx, x, lengths, wg, wc, gates, cand, h_in, d_out, d_final):
    steps, live = _steps_and_mask(x, lengths, ctx.attrs["has_lengths"])
    return rnn_kernels.gru_sequence_grad(x, steps, live, wg, wc, gates, cand, h_in, d_out,
                                         d_final)


def _gru_sequence_grad_shape(op):
    return [op._inputs[0].shape, op._inputs[8].shape, op._inputs[2].shape,
            TensorShape([op._inputs[2].shape[1]]), op._inputs[3].shape,
            TensorShape([op._inputs[3].shape[1]])]


register("GRUSequence", _gru_sequence_kernel, _gru_sequence_shape, _gru_sequence_grad)
register("GRUSequenceGrad", _gru_sequence_grad_kernel, _gru_sequence_grad_shape, NO_GRADIENT)


def _dynamic_rnn_loop(cell, inputs, state, lengths, dtype, varscope):
    flat_in = nest.flatten(inputs)
    time_steps = flat_in[0].shape[0].value if flat_in[0].shape.ndims else None
    n_steps = array_ops.shape(flat_in[0])[0] if time_steps is None else \
        array_ops.constant(time_steps, dtype=dtypes.int32)
    batch_static = _batch_size(flat_in, 1)
    out_sizes = nest.flatten(cell.output_size)
    base = get_default_graph().get_name_scope()
    out_tas = [TensorArray(dtype, size=n_steps,
                           element_shape=TensorShape([batch_static if isinstance(
                               batch_static, numbers.Integral) else None] + _size_dims(s)),
                           tensor_array_name="%s/output_%d" % (base, k))
               for k, s in enumerate(out_sizes)]
    in_tas = [TensorArray(x.dtype, size=n_steps, element_shape=x.shape[1:],
                          tensor_array_name="%s/input_%d" % (base, k)).unstack(x)
              for k, x in enumerate(flat_in)]
    time = array_ops.constant(0, dtype=dtypes.int32, name="time")
    bound = n_steps
    if lengths is not None:
        bound = math_ops.minimum(n_steps, math_ops.maximum(1, math_ops.reduce_max(lengths)))
    flat_state = nest.flatten(state)
    k_state = len(flat_state)

    def body(t, *loop):
        st = nest.pack_sequence_as(state, list(loop[:k_state]))
        flows = loop[k_state:]
        x_t = nest.pack_sequence_as(inputs, [ta.read(t) for ta in in_tas])
        out, new_state = cell(x_t, st)
        flat_out, flat_new = nest.flatten(out), nest.flatten(new_state)
        if len(flat_new) != k_state:
            raise ValueError("The cell returned a state of another structure than its "
                             "input state: %s vs %s" % (new_state, st))
        if lengths is not None:
            done = math_ops.greater_equal(t, lengths)
            flat_out = [_select_rows(done, array_ops.zeros_like(o), o) for o in flat_out]
            flat_new = [_select_rows(done, s, n) for s, n in zip(loop[:k_state], flat_new)]
        for n, s in zip(flat_new, loop[:k_state]):
            n.set_shape(s.shape)
        new_flows = [ta._next(f).write(t, o).flow for ta, f, o in zip(out_tas, flows, flat_out)]
        return [t + 1] + flat_new + new_flows

    res = control_flow_ops.while_loop(
        lambda t, *_: math_ops.less(t, bound), body,
        [time] + flat_state + [ta.flow for ta in out_tas],
        shape_invariants=[TensorShape([])] + [s.shape for s in flat_state] +
        [TensorShape([]) for _ in out_tas], name="while")
    final_state = nest.pack_sequence_as(state, list(res[1:1 + k_state]))
    flat_outputs = []
    for ta, f in zip(out_tas, res[1 + k_state:]):
        o = ta._next(f).stack()
        o.set_shape(TensorShape([time_steps]).concatenate(ta.element_shape))
        flat_outputs.append(o)
    return nest.pack_sequence_as(cell.output_size, flat_outputs), final_state


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Run ``cell`` over a Python list of ``[batch, depth]`` inputs, one op set per step.

    Returns ``(outputs, final_state)`` with ``outputs`` a list like ``inputs``.
    """
    _check_cell(cell)
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with vs.variable_scope(scope or "rnn") as varscope:
        first = nest.flatten(inputs[0])
        batch_size = _batch_size([convert_to_tensor(x) for x in first], 0)
        state = _initial_state(cell, initial_state, batch_size, dtype)
        lengths = _sequence_length(sequence_length)
        outputs = []
        for t, x in enumerate(inputs):
            if t > 0:
                varscope.reuse_variables()
            out, new_state = cell(x, state)
            if lengths is not None:
                done = math_ops.greater_equal(t, lengths)
                out = nest.map_structure(
                    lambda o: _select_rows(done, array_ops.zeros_like(o), o), out)
                new_state = nest.map_structure(lambda s, n: _select_rows(done, s, n),
                                               state, new_state)
            outputs.append(out)
            state = new_state
        return outputs, state


def _reverse_time(x, lengths, time_axis, batch_axis):
    if lengths is None:
        return array_ops.reverse(x, [time_axis])
    return transform_ops.reverse_sequence(x, lengths, seq_axis=time_axis, batch_axis=batch_axis)


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """A forward and a backward ``dynamic_rnn``: ``((out_fw, out_bw), (state_fw, state_bw))``.

    The backward cell reads each sequence from its last real step to its first;
    its outputs are put back in input order.
    """
    _check_cell(cell_fw, "cell_fw")
    _check_cell(cell_bw, "cell_bw")
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            out_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                           dtype, time_major=time_major, scope=fw_scope)
        lengths = None if sequence_length is None else math_ops.to_int64(sequence_length)
        with vs.variable_scope("bw") as bw_scope:
            rev = nest.map_structure(
                lambda x: _reverse_time(x, lengths, time_axis, batch_axis), inputs)
            out_bw, state_bw = dynamic_rnn(cell_bw, rev, sequence_length, initial_state_bw,
                                           dtype, time_major=time_major, scope=bw_scope)
    out_bw = nest.map_structure(lambda x: _reverse_time(x, lengths, time_axis, batch_axis),
                                out_bw)
    return (out_fw, out_bw), (state_fw, state_bw)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """``static_rnn`` both ways; each output is ``concat([fw, bw], 1)``.

    Returns ``(outputs, state_fw, state_bw)``.
    """
    _check_cell(cell_fw, "cell_fw")
    _check_cell(cell_bw, "cell_bw")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            out_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                          sequence_length, scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            rev = _reverse_list(inputs, sequence_length)
            tmp, state_bw = static_rnn(cell_bw, rev, initial_state_bw, dtype,
                                       sequence_length, scope=bw_scope)
    out_bw = _reverse_list(tmp, sequence_length)
    outputs = [nest.map_structure(lambda a, b: array_ops.concat([a, b], 1), f, b)
               for f, b in zip(out_fw, out_bw)]
    return outputs, state_fw, state_bw


def _reverse_list(seq, lengths):
    if lengths is None:
        return list(reversed(seq))
    flat = [nest.flatten(x) for x in seq]
    out = []
    for k in range(len(flat[0])):
        stacked = array_ops.stack([f[k] for f in flat])
        rev = transform_ops.reverse_sequence(stacked, math_ops.to_int64(lengths), seq_axis=0,
                                             batch_axis=1)
        out.append(array_ops.unstack(rev))
    return [nest.pack_sequence_as(seq[0], [o[t] for o in out]) for t in range(len(seq))]


def raw_rnn(cell, loop_fn, parallel_iterations=None, swap_memory=False, scope=None):
    """A loop whose inputs, state and emitted outputs are chosen by ``loop_fn``.

    ``loop_fn(time, cell_output, cell_state, loop_state)`` returns ``(finished,
    next_input, next_cell_state, emit_output, next_loop_state)``; at time 0 the
    last three arguments are None and ``next_cell_state`` is the initial state.
    Returns ``(emit_ta, final_state, final_loop_state)``; a finished sequence emits
    zeros and keeps its state.
    """
    _check_cell(cell)
    if not callable(loop_fn):
        raise TypeError("loop_fn must be a callable")
    with vs.variable_scope(scope or "rnn"):
        time = array_ops.constant(0, dtype=dtypes.int32)
        finished, next_input, state, emit_structure, loop_state = loop_fn(time, None, None,
                                                                          None)
        flat_in = [convert_to_tensor(x) for x in nest.flatten(next_input)]
        batch_size = _batch_size(flat_in, 0)
        emit_structure = emit_structure if emit_structure is not None else cell.output_size
        flat_emit_size = nest.flatten(emit_structure)
        emit_dtypes = [e.dtype if hasattr(e, "dtype") else nest.flatten(state)[0].dtype
                       for e in flat_emit_size]
        zero_emit = [array_ops.zeros_like(e) if hasattr(e, "dtype") else
                     _zeros(e, batch_size, d) for e, d in zip(flat_emit_size, emit_dtypes)]
        tas = [TensorArray(d, size=0, dynamic_size=True) for d in emit_dtypes]
        flat_state = nest.flatten(state)
        has_loop_state = loop_state is not None
        flat_loop = nest.flatten(loop_state) if has_loop_state else []
        ks, kl, ki = len(flat_state), len(flat_loop), len(flat_in)

        def cond(t, fin, *rest):
            return math_ops.logical_not(math_ops.reduce_all(fin))

        def body(t, fin, *rest):
            inp = nest.pack_sequence_as(next_input, list(rest[:ki]))
            st = nest.pack_sequence_as(state, list(rest[ki:ki + ks]))
            ls = nest.pack_sequence_as(loop_state, list(rest[ki + ks:ki + ks + kl])) \
                if has_loop_state else None
            flows = rest[ki + ks + kl:]
            out, cell_state = cell(inp, st)
            nfin, nin, nstate, emit, nls = loop_fn(t + 1, out, cell_state, ls)
            emit = out if emit is None else emit
            flat_e = [_select_rows(fin, z, e) for z, e in zip(zero_emit, nest.flatten(emit))]
            flat_s = [_select_rows(fin, a, b) for a, b in zip(rest[ki:ki + ks],
                                                                nest.flatten(nstate))]
            new_flows = [ta._next(f).write(t, e).flow for ta, f, e in zip(tas, flows, flat_e)]
            return ([t + 1, math_ops.logical_or(fin, nfin)] + nest.flatten(nin) + flat_s +
                    (nest.flatten(nls) if has_loop_state else []) + new_flows)

        loop_vars = [time, convert_to_tensor(finished)] + flat_in + flat_state + flat_loop + \
            [ta.flow for ta in tas]
        invariants = [TensorShape([])] + [TensorShape(v.shape) for v in loop_vars[1:]]
        res = control_flow_ops.while_loop(cond, body, loop_vars, shape_invariants=invariants)
        final_state = nest.pack_sequence_as(state, list(res[2 + ki:2 + ki + ks]))
        final_loop = nest.pack_sequence_as(loop_state, list(res[2 + ki + ks:2 + ki + ks + kl])) \
            if has_loop_state else None
        emit_ta = nest.pack_sequence_as(emit_structure, [
            ta._next(f) for ta, f in zip(tas, res[2 + ki + ks + kl:])])
        return emit_ta, final_state, final_loop

