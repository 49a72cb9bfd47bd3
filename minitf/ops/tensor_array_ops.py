"""``tf.TensorArray``: a list of tensors that a ``while_loop`` body can grow.

A TensorArray is a per-run object behind a handle; writing to it returns a new
*flow*, a float scalar that carries no data but orders the ops that touch the
array (a read after the write that filled it).  Because the flow is a float, the
gradient machinery carries it like any value: the gradient of a write is a read
of a second array of gradients (``TensorArrayGradV3``) and the gradient of a read
is a write into it, so a loop's backward pass fills and drains the gradient array
in the reverse order, with no rule of the loop's own.

Example:
    >>> ta = tf.TensorArray(tf.float32, size=3)
    >>> ta = ta.write(0, 1.0).write(1, 2.0).write(2, 3.0)
    >>> ta.stack().eval()   # [1., 2., 3.]
"""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, as_shape, unknown_shape
from minitf.ops import array_ops, math_ops
from minitf.ops.op_util import invalid, make_op, op_scope, scalar_shape

__all__ = ["TensorArray"]

_FLOW = np.float32(0.0)


class _Elements:
    """The run-time value behind a handle: the written elements, by index."""

    def __init__(self, op, dtype, size, dynamic, element_shape, clear_after_read, forward=None):
        self.op, self.dtype, self.dynamic = op, dtype, dynamic
        self.items = [None] * size
        self.element_shape = element_shape
        self.clear_after_read = clear_after_read
        self.forward = forward  # for a gradient array: the array it is the gradient of
        self.grads = {}
        self.cleared = set()  # indices read once already (with clear_after_read)
        self.written_shape = None  # of the first element written: unwritten ones stack as 0

    def _check_index(self, ctx, index, writing):
        if index < 0:
            raise invalid(ctx, "Tried to %s element index %d of a TensorArray: index must "
                          "not be negative." % ("write" if writing else "read", index))
        if index >= len(self.items):
            if writing and (self.dynamic or self.forward is not None):
                self.items.extend([None] * (index + 1 - len(self.items)))
            else:
                raise invalid(ctx, "Tried to %s element index %d of a TensorArray of size %d."
                              % ("write" if writing else "read", index, len(self.items)))

    def write(self, ctx, index, value):
        self._check_index(ctx, index, True)
        value = np.asarray(value, dtype=self.dtype.as_numpy_dtype)
        shape = self.element_shape
        if shape is not None and not shape.is_compatible_with(TensorShape(value.shape)):
            raise invalid(ctx, "Could not write to TensorArray index %d: the element shape %s "
                          "is not compatible with the array's element shape %s."
                          % (index, list(value.shape), shape))
        old = self.items[index]
        self.cleared.discard(index)
        if self.written_shape is None:
            self.written_shape = value.shape
        if self.forward is not None:  # gradients of several reads of one element add up
            self.items[index] = value if old is None else old + value
        elif old is not None and old is not value and not np.array_equal(old, value):
            raise invalid(ctx, "Could not write to TensorArray index %d because it has already "
                          "been written to." % index)
        else:
            self.items[index] = value

    def read(self, ctx, index):
        self._check_index(ctx, index, False)
        if index in self.cleared:
            raise invalid(ctx, "Could not read index %d twice because it was cleared after a "
                          "previous read (perhaps try setting clear_after_read = false?)"
                          % index)
        value = self.items[index]
        if value is not None and self.clear_after_read and self.forward is None:
            self.items[index] = None  # TF frees an element once it has been read
            self.cleared.add(index)
        if value is None:
            if self.forward is not None:  # nothing flowed back into this element
                known = self.forward.items[index]  # None once read and cleared
                return np.zeros(self.forward.written_shape if known is None else known.shape,
                                self.dtype.as_numpy_dtype)
            raise invalid(ctx, "Could not read from TensorArray index %d because it has not "
                          "yet been written to." % index)
        return value

    def _read_or_zeros(self, ctx, index):
        """An element; zeros for one never written when the element shape is known (TF's
        rule for stacking: ``dynamic_rnn`` writes no output past the longest sequence)."""
        self._check_index(ctx, index, False)
        if self.items[index] is None and self.forward is None and index not in self.cleared:
            shape = self.element_shape
            if self.written_shape is not None:
                return np.zeros(self.written_shape, self.dtype.as_numpy_dtype)
            if shape is not None and shape.is_fully_defined():
                return np.zeros(shape.as_list(), self.dtype.as_numpy_dtype)
        return self.read(ctx, index)

    def stack(self, ctx, indices):
        if len(indices) == 0:
            shape = self.element_shape
            if shape is None or not shape.is_fully_defined():
                raise invalid(ctx, "TensorArray has size zero, but element shape %s is not "
                              "fully defined. Currently only static shapes are supported when "
                              "packing zero-size TensorArrays." % (shape or unknown_shape()))
            return np.zeros([0] + shape.as_list(), self.dtype.as_numpy_dtype)
        values = [self._read_or_zeros(ctx, int(i)) for i in indices]
        first = values[0].shape
        for i, v in zip(indices, values):
            if v.shape != first:
                raise invalid(ctx, "TensorArray has inconsistent shapes.  Index 0 has shape "
                              "%s but index %d has shape %s" % (list(first), i, list(v.shape)))
        return np.stack(values)


def _elements(ctx, handle):
    if not isinstance(handle, _Elements):
        raise invalid(ctx, "Expected a TensorArray handle, got %r." % (handle,))
    return handle


def _create_kernel(ctx, size):
    a = ctx.attrs
    return _Elements(ctx.op, a["dtype"], int(size), a.get("dynamic_size", False),
                     a.get("element_shape"), a.get("clear_after_read", True)), _FLOW


def _grad_kernel(ctx, handle, flow):
    fwd = _elements(ctx, handle)
    source = ctx.attrs["source"]
    grad = fwd.grads.get(source)
    if grad is None:
        grad = fwd.grads[source] = _Elements(ctx.op, fwd.dtype, len(fwd.items), True,
                                             None, False, forward=fwd)
    return grad, _FLOW


def _write_kernel(ctx, handle, index, value, flow):
    _elements(ctx, handle).write(ctx, int(index), value)
    return _FLOW


def _read_kernel(ctx, handle, index, flow):
    return _elements(ctx, handle).read(ctx, int(index))


def _gather_kernel(ctx, handle, indices, flow):
    return _elements(ctx, handle).stack(ctx, np.asarray(indices).reshape(-1))


def _scatter_kernel(ctx, handle, indices, value, flow):
    ta = _elements(ctx, handle)
    indices = np.asarray(indices).reshape(-1)
    if value.ndim == 0 or value.shape[0] != len(indices):
        raise invalid(ctx, "Expected len(indices) == values.shape[0], but saw: %d vs. %s"
                      % (len(indices), value.shape[0] if value.ndim else "a scalar"))
    for i, v in zip(indices, value):
        ta.write(ctx, int(i), v)
    return _FLOW


def _size_kernel(ctx, handle, flow):
    return np.int32(len(_elements(ctx, handle).items))


def _close_kernel(ctx, handle):
    return ()


def _gradient_source(graph):
    """The ``tf.gradients`` call being built, named by its scope: each call (a second
    derivative's too) gets its own gradient arrays.  The outermost ``gradients*`` scope
    counts, because a loop's step gradient is a ``tf.gradients`` nested inside it."""
    parts = graph.get_name_scope().split("/")
    marks = [i for i, p in enumerate(parts) if p.startswith("gradients")]
    return "/".join(parts[:marks[0] + 1]) if marks else "gradients"


def _grad_array(handle, flow):
    """The gradient array of the array behind ``handle`` (made on first use in a run)."""
    op = make_op("TensorArrayGradV3", [handle, flow], [dtypes.string, dtypes.float32],
                 "TensorArrayGrad", {"source": _gradient_source(handle.graph)})
    # The gradient array's flow is the incoming flow itself (after the lookup), not the
    # op's output, so that a second derivative can follow it back through the writes.
    with op.graph.control_dependencies([op]):
        return op._outputs[0], array_ops.identity(flow, name="gradient_flow")


def _write_grad(op, g_flow):
    handle, index, _, _ = op._inputs
    g_handle, flow = _grad_array(handle, g_flow)
    value = make_op("TensorArrayReadV3", [g_handle, index, flow], [op._inputs[2].dtype],
                    "TensorArrayRead", {"dtype": op._inputs[2].dtype})._outputs[0]
    return [None, None, value, flow]


def _read_grad(op, g):
    handle, index, flow = op._inputs
    g_handle, g_flow = _grad_array(handle, flow)
    w = make_op("TensorArrayWriteV3", [g_handle, index, g, g_flow], [dtypes.float32],
                "TensorArrayWrite")._outputs[0]
    return [None, None, w]


def _gather_grad(op, g):
    handle, indices, flow = op._inputs
    g_handle, g_flow = _grad_array(handle, flow)
    w = make_op("TensorArrayScatterV3", [g_handle, indices, g, g_flow], [dtypes.float32],
                "TensorArrayScatter")._outputs[0]
    return [None, None, w]


def _scatter_grad(op, g_flow):
    handle, indices, value, _ = op._inputs
    g_handle, flow = _grad_array(handle, g_flow)
    g = make_op("TensorArrayGatherV3", [g_handle, indices, flow], [value.dtype],
                "TensorArrayGather", {"dtype": value.dtype,
                                      "element_shape": unknown_shape()})._outputs[0]
    return [None, None, g, flow]


def _gather_shape(op):
    n = op._inputs[1].shape
    return [TensorShape([n[0] if n.ndims == 1 else None]).concatenate(
        op._attrs.get("element_shape") or unknown_shape())]


def _two_scalars(op):
    return [TensorShape([]), TensorShape([])]


register("TensorArrayV3", _create_kernel, _two_scalars, NO_GRADIENT, stateful=True)
register("TensorArrayGradV3", _grad_kernel, _two_scalars, NO_GRADIENT, stateful=True)
register("TensorArrayWriteV3", _write_kernel, scalar_shape, _write_grad, stateful=True)
register("TensorArrayReadV3", _read_kernel, lambda op: [op._attrs.get("element_shape") or
                                                        unknown_shape()],
         _read_grad, stateful=True)
register("TensorArrayGatherV3", _gather_kernel, _gather_shape, _gather_grad, stateful=True)
register("TensorArrayScatterV3", _scatter_kernel, scalar_shape, _scatter_grad, stateful=True)
register("TensorArraySizeV3", _size_kernel, scalar_shape, NO_GRADIENT, stateful=True)
register("TensorArrayCloseV3", _close_kernel, lambda op: [], NO_GRADIENT, stateful=True)


class TensorArray:
    """A list of same-dtype tensors with dynamic size, made for loops.

    Every method that writes returns a new ``TensorArray`` with a new flow; use
    the returned object (``ta = ta.write(i, x)``), as in TF.
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._infer_shape = infer_shape
        # One list shared by every TensorArray of the same handle, so a shape
        # learned from a write inside a loop body is known to the stack after it.
        self._shape_cell = [as_shape(element_shape) if element_shape is not None else None]
        if handle is not None:
            if flow is None:
                raise ValueError("flow must not be None if handle is not None.")
            self._handle, self._flow = handle, flow
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        with op_scope(name, "TensorArray", [size]) as scope:
            size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
            op = make_op("TensorArrayV3", [size], [dtypes.string, dtypes.float32], scope,
                         {"dtype": self._dtype, "dynamic_size": bool(dynamic_size),
                          "tensor_array_name": tensor_array_name or "",
                          "clear_after_read": clear_after_read is not False,
                          "element_shape": self._shape_cell[0]})
            self._handle, self._flow = op._outputs

    dtype = property(lambda self: self._dtype)
    handle = property(lambda self: self._handle, doc="The handle tensor.")
    flow = property(lambda self: self._flow, doc="The flow tensor that orders this array's ops.")

    @property
    def element_shape(self):
        return self._shape_cell[0] or unknown_shape()

    def _next(self, flow):
        ta = TensorArray(self._dtype, handle=self._handle, flow=flow,
                         infer_shape=self._infer_shape)
        ta._shape_cell = self._shape_cell
        return ta

    def _learn_shape(self, shape):
        if not self._infer_shape:
            return
        known = self._shape_cell[0]
        if known is None:
            self._shape_cell[0] = shape
        elif not known.is_compatible_with(shape):
            raise ValueError("Inconsistent shapes: saw %s but expected %s (and infer_shape=True)"
                             % (shape, known))
        else:
            self._shape_cell[0] = known.merge_with(shape)

    def write(self, index, value, name=None):
        """Write ``value`` at ``index``; returns the TensorArray to use from now on."""
        with op_scope(name, "TensorArrayWrite", [self._handle, index, value]) as scope:
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
            self._learn_shape(value.shape)
            flow = make_op("TensorArrayWriteV3", [self._handle, index, value, self._flow],
                           [dtypes.float32], scope)._outputs[0]
        return self._next(flow)

    def read(self, index, name=None):
        """The element at ``index``."""
        with op_scope(name, "TensorArrayRead", [self._handle, index]) as scope:
            index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
            return make_op("TensorArrayReadV3", [self._handle, index, self._flow],
                           [self._dtype], scope, {"dtype": self._dtype,
                                                  "element_shape": self.element_shape}
                           )._outputs[0]

    def gather(self, indices, name=None):
        """The elements at ``indices``, stacked along a new first axis."""
        with op_scope(name, "TensorArrayGather", [self._handle, indices]) as scope:
            indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
            return make_op("TensorArrayGatherV3", [self._handle, indices, self._flow],
                           [self._dtype], scope, {"dtype": self._dtype,
                                                  "element_shape": self.element_shape}
                           )._outputs[0]

    def stack(self, name=None):
        """Every element, stacked along a new first axis."""
        with op_scope(name, "TensorArrayStack", [self._handle]) as scope:
            return self.gather(math_ops.range(0, self.size()), name=scope)

    def scatter(self, indices, value, name=None):
        """Write ``value[k]`` at ``indices[k]`` for each k."""
        with op_scope(name, "TensorArrayScatter", [self._handle, value, indices]) as scope:
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
            if value.shape.ndims:
                self._learn_shape(value.shape[1:])
            flow = make_op("TensorArrayScatterV3", [self._handle, indices, value, self._flow],
                           [dtypes.float32], scope)._outputs[0]
        return self._next(flow)

    def unstack(self, value, name=None):
        """Write ``value[k]`` at index k for every k along its first axis."""
        with op_scope(name, "TensorArrayUnstack", [self._handle, value]) as scope:
            value = convert_to_tensor(value, dtype=self._dtype, name="value")
            n = array_ops.shape(value)[0]
            return self.scatter(math_ops.range(0, n), value, name=scope)

    def size(self, name=None):
        """The number of elements, as an int32 scalar."""
        with op_scope(name, "TensorArraySize", [self._handle]) as scope:
            return make_op("TensorArraySizeV3", [self._handle, self._flow], [dtypes.int32],
                           scope)._outputs[0]

    def identity(self):
        """This array with a flow that waits for the current control dependencies."""
        return self._next(array_ops.identity(self._flow))

    def close(self, name=None):
        """Release the array (a no-op here: its elements live as long as the run)."""
        with op_scope(name, "TensorArrayClose", [self._handle]) as scope:
            return make_op("TensorArrayCloseV3", [self._handle], [], scope)
