"""Variables: tensors whose value lives in a session and survives between runs.

A ``Variable`` is a ``VariableV2`` op (reading it gives the current value), an
``Assign`` initializer, and a ``<name>/read`` snapshot that other ops consume.
``assign`` and friends build new ops: nothing changes until one is run.
"""
import numpy as np

from minitf.framework import dtypes, errors
from minitf.framework.graph import (GraphKeys, OperatorOverloads, _session_for,
                                    add_to_collections,
                                    convert_to_tensor,
                                    get_default_graph, register_tensor_conversion_function)
from minitf.framework.op_registry import ALL_INPUTS, NO_GRADIENT, register
from minitf.framework.tensor_shape import unknown_shape
from minitf.ops import array_ops, control_flow_ops, scatter_ops
from minitf.ops.op_util import make_op, scalar_shape, variable_ref

__all__ = ["Variable", "all_variables", "assert_variables_initialized", "assign", "assign_add",
           "assign_sub", "global_variables", "global_variables_initializer",
           "initialize_all_variables", "initialize_variables", "is_variable_initialized",
           "local_variables", "local_variables_initializer", "model_variables",
           "report_uninitialized_variables", "trainable_variables", "variables_initializer"]


class Variable(OperatorOverloads):
    """A tensor-valued variable, kept per session.

    Args:
        initial_value: a Tensor, a value convertible to one, or a callable that
            returns one.
        trainable: add to ``TRAINABLE_VARIABLES`` (optimizers update it).
        name: the op name (``Variable`` by default).
        dtype: convert the initial value to this type.
        validate_shape: when False, the variable may later hold other shapes.

    Example:
        >>> W = tf.Variable(tf.zeros([784, 10]), name="W")
        >>> sess.run(W.initializer); W.eval().shape
        (784, 10)
    """

    def __init__(self, initial_value=None, trainable=True, collections=None,
                 validate_shape=True, caching_device=None, name=None, variable_def=None,
                 dtype=None, expected_shape=None, import_scope=None, constraint=None,
                 use_resource=None, synchronization=None, aggregation=None):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        graph = get_default_graph()
        with graph.name_scope(name or "Variable") as scope:
            op_name = scope[:-1]
            if callable(initial_value):  # TF builds a callable's value under Initializer/
                with graph.name_scope("Initializer"):
                    init = convert_to_tensor(initial_value(), dtype=dtype,
                                             name="initial_value")
            else:
                init = convert_to_tensor(initial_value, dtype=dtype, name="initial_value")
            if init.graph is not graph:
                raise ValueError("initial_value must be from the default graph")
            shape = init.shape if validate_shape else unknown_shape()
            if validate_shape and not shape.is_fully_defined():
                raise ValueError("initial_value must have a shape specified: %s" % init)
            with graph.name_scope(op_name + "/"):
                self._variable = make_op("VariableV2", [], [init.dtype], scope,
                                         {"shape": shape, "dtype": init.dtype,
                                          "container": "", "shared_name": ""})._outputs[0]
                self._initial_value = init
                self.initializer = _assign_op(self._variable, init, validate_shape, "Assign").op
                self._snapshot = array_ops.identity(self._variable, name="read")
        self._trainable = trainable
        self.constraint = constraint
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        add_to_collections(collections, self)

    name = property(lambda self: self._variable.name)
    op = property(lambda self: self._variable.op)
    graph = property(lambda self: self._variable.graph)
    dtype = property(lambda self: self._variable.dtype)
    device = property(lambda self: self._variable.device)
    shape = property(lambda self: self._variable.shape)
    trainable = property(lambda self: self._trainable)
    initial_value = property(lambda self: self._initial_value)

    def get_shape(self):
        return self._variable.shape

    def value(self):
        """The ``<name>/read`` snapshot tensor other ops consume."""
        return self._snapshot

    def read_value(self):
        """A new op that reads the current value."""
        return array_ops.identity(self._variable, name="read")

    def _ref(self):
        return self._variable

    def _as_graph_element(self):
        return self._snapshot

    def eval(self, session=None):
        """The current value in ``session`` (default: the default session)."""
        return self._snapshot.eval(session=session)

    def initialized_value(self):
        """The value after initialization: runs the initializer first if needed."""
        return control_flow_ops.cond(is_variable_initialized(self), self.read_value,
                                     lambda: self._initial_value)

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """An op that sets the variable to ``value`` when run; returns the new value."""
        return _assign_op(self._variable, value, True, name or "Assign")

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """An op that adds ``delta`` to the variable when run."""
        return _update("AssignAdd", self._variable, delta, name)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """An op that subtracts ``delta`` from the variable when run."""
        return _update("AssignSub", self._variable, delta, name)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        """Set the rows ``sparse_delta.indices`` to ``sparse_delta.values`` (an IndexedSlices)."""
        return scatter_ops.scatter_update(self._variable, sparse_delta.indices,
                                          sparse_delta.values, use_locking, name)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        """Add an IndexedSlices to the rows it names."""
        return scatter_ops.scatter_add(self._variable, sparse_delta.indices,
                                       sparse_delta.values, use_locking, name)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        """Subtract an IndexedSlices from the rows it names."""
        return scatter_ops.scatter_sub(self._variable, sparse_delta.indices,
                                       sparse_delta.values, use_locking, name)

    def load(self, value, session=None):
        """Set the value directly in ``session`` (no op is added)."""
        sess = _session_for(session, self._variable)
        value = np.array(value, dtype=self.dtype.as_numpy_dtype)
        value.flags.writeable = False
        sess._state[self._variable.op] = value

    def set_shape(self, shape):
        self._variable.set_shape(shape)

    def __repr__(self):
        return "<tf.Variable '%s' shape=%s dtype=%s>" % (self.name, self.shape, self.dtype.name)

    __hash__ = object.__hash__


register_tensor_conversion_function(
    Variable, lambda v, dtype=None, name=None: convert_to_tensor(v._snapshot, dtype=dtype))


# -- VariableV2 -----------------------------------------------------------------------
def _variable_kernel(ctx):
    try:
        return ctx.state[ctx.op]
    except KeyError:
        raise errors.FailedPreconditionError(
            None, ctx.op, "Attempting to use uninitialized value %s" % ctx.op.name) from None


def _variable_shape(op):
    return [op._attrs["shape"]]


register("VariableV2", _variable_kernel, _variable_shape, lambda op, g: [], stateful=True,
         reread=True)


# -- Assign, AssignAdd, AssignSub -------------------------------------------------------
def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Op that stores ``value`` into variable ``ref`` when run; returns the new value."""
    return _assign_op(variable_ref(ref), value, validate_shape is not False, name or "Assign")


def assign_add(ref, value, use_locking=None, name=None):
    return _update("AssignAdd", variable_ref(ref), value, name)


def assign_sub(ref, value, use_locking=None, name=None):
    return _update("AssignSub", variable_ref(ref), value, name)


def _assign_op(var_t, value, validate_shape, name):
    value = convert_to_tensor(value, dtype=var_t.dtype)
    return make_op("Assign", [var_t, value], [var_t.dtype], name,
                   {"validate_shape": bool(validate_shape), "T": var_t.dtype})._outputs[0]


def _assign_kernel(ctx, value):
    var = ctx.op._inputs[0].op
    value = np.array(value, dtype=ctx.attrs["T"].as_numpy_dtype)
    if ctx.attrs["validate_shape"]:
        want = var._attrs["shape"]
        if want.ndims is not None and tuple(want.as_list()) != value.shape:
            raise errors.InvalidArgumentError(
                None, ctx.op, "Assign requires shapes of both tensors to match. lhs shape= %s "
                "rhs shape= %s" % (list(want.as_list()), list(value.shape)))
    value.flags.writeable = False
    ctx.state[var] = value
    return value


def _assign_shape(op):
    var_t, value = op._inputs
    if op._attrs["validate_shape"]:
        if not var_t.shape.is_compatible_with(value.shape):
            raise ValueError("Shapes %s and %s are incompatible" % (var_t.shape, value.shape))
        return [var_t.shape]
    return [value.shape]


register("Assign", _assign_kernel, _assign_shape, NO_GRADIENT, ref_inputs=(0,), stateful=True)


def _update(op_type, var_t, delta, name):
    delta = convert_to_tensor(delta, dtype=var_t.dtype)
    return make_op(op_type, [var_t, delta], [var_t.dtype], name or op_type,
                   {"T": var_t.dtype})._outputs[0]


def _update_kernel(sign):
    def kernel(ctx, delta):
        var = ctx.op._inputs[0].op
        state = ctx.state
        if var not in state:
            raise errors.FailedPreconditionError(
                None, ctx.op, "Attempting to use uninitialized value %s" % var.name)
        old = state[var]
        if np.shape(delta) != old.shape:
            raise errors.InvalidArgumentError(
                None, ctx.op, "Must have updates.shape = ref.shape: %s vs %s"
                % (list(np.shape(delta)), list(old.shape)))
        new = np.asarray(old + delta if sign > 0 else old - delta, dtype=old.dtype)
        new.flags.writeable = False
        state[var] = new
        return new
    return kernel


def _update_shape(op):
    var_t, delta = op._inputs
    var_t.shape.merge_with(delta.shape)
    return [var_t.shape]


register("AssignAdd", _update_kernel(1), _update_shape, NO_GRADIENT, ref_inputs=(0,),
         stateful=True)
register("AssignSub", _update_kernel(-1), _update_shape, NO_GRADIENT, ref_inputs=(0,),
         stateful=True)


# -- IsVariableInitialized --------------------------------------------------------------
def is_variable_initialized(variable):
    """A bool tensor: has ``variable`` been given a value in this session?"""
    var_t = variable_ref(variable)
    return make_op("IsVariableInitialized", [var_t], [dtypes.bool],
                   None, {"dtype": var_t.dtype})._outputs[0]


register("IsVariableInitialized",
         lambda ctx: np.bool_(ctx.op._inputs[0].op in ctx.state), scalar_shape,
         NO_GRADIENT, ref_inputs=(0,), stateful=True)


# -- collections and initializers -------------------------------------------------------
def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of ``var_list``."""
    if not var_list:
        return control_flow_ops.no_op(name=name)
    return control_flow_ops.group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    """An op that initializes every global variable.

    Run it once per session before using variables:
        >>> sess.run(tf.global_variables_initializer())
    """
    return variables_initializer(global_variables())


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init_1")


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
all_variables = global_variables


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A 1-D string tensor naming the variables not yet initialized."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    graph = get_default_graph()
    with graph.name_scope(name):
        if not var_list:
            return array_ops.constant(np.zeros(0, dtype=object), dtype=dtypes.string)
        refs = [variable_ref(v) for v in var_list]
        return make_op("ReportUninitialized", refs, [dtypes.string], None,
                       {"names": [r.op.name for r in refs]})._outputs[0]


def _report_kernel(ctx):
    state = ctx.state
    names = [t.op.name.encode() for t in ctx.op._inputs if t.op not in state]
    out = np.empty(len(names), dtype=object)
    out[:] = names
    return out


register("ReportUninitialized", _report_kernel,
         lambda op: [unknown_shape(1)], NO_GRADIENT,
         ref_inputs=ALL_INPUTS, stateful=True)


def assert_variables_initialized(var_list=None):
    return control_flow_ops.no_op()

