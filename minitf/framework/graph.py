"""Graphs, operations and tensors: the data-flow graph a Session executes.

A ``Graph`` owns ``Operation`` nodes; each op produces ``Tensor`` outputs named
``op_name:index``.  Building a graph computes nothing: it only records ops, their
static dtypes and shapes, and where in the user's code each one was created.
"""
import contextlib
import re
import threading

import numpy as np

from minitf.framework import dtypes as _dtypes
from minitf.framework import errors
from minitf.framework import op_registry
from minitf.framework.graph_def import graph_to_graph_def
from minitf.framework.tensor_shape import as_shape, unknown_shape

_VALID_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")


class GraphKeys:
    """Standard collection names, as in ``tf.GraphKeys``."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    TRAIN_OP = "train_op"
    GLOBAL_STEP = "global_step"
    SAVEABLE_OBJECTS = "saveable_objects"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    VARIABLES = GLOBAL_VARIABLES


# -- Python operators on tensors ------------------------------------------------
# The framework knows no op, so the function behind each operator comes from this
# table, which the op library fills once at import (``override_operators``).
_OPERATORS = {}
_OPERATOR_NAMES = ("getitem", "add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
                   "matmul", "and", "or", "xor", "lt", "le", "gt", "ge", "neg", "abs",
                   "invert")


def override_operators(table):
    """Install the functions behind Python's operators on tensors and variables.

    ``table`` maps an operator ("add", "neg", "getitem", ...) to ``f(x, y)``, or
    ``f(x)`` for the unary ones; a reflected operator calls ``f(other, self)``.
    """
    unknown = set(table) - set(_OPERATOR_NAMES)
    if unknown:
        raise ValueError("Unknown operators: %s" % sorted(unknown))
    _OPERATORS.update(table)


def _operator(name):
    try:
        return _OPERATORS[name]
    except KeyError:
        raise NotImplementedError("No op is registered for operator '%s'; import minitf "
                                  "to load the op library." % name) from None


class OperatorOverloads:
    """Python operators for anything that converts to a tensor (Tensor, Variable)."""

    __slots__ = ()

    def __getitem__(self, key):
        return _operator("getitem")(self, key)

    def __add__(self, y):
        return _operator("add")(self, y)

    def __radd__(self, x):
        return _operator("add")(x, self)

    def __sub__(self, y):
        return _operator("sub")(self, y)

    def __rsub__(self, x):
        return _operator("sub")(x, self)

    def __mul__(self, y):
        return _operator("mul")(self, y)

    def __rmul__(self, x):
        return _operator("mul")(x, self)

    def __truediv__(self, y):
        return _operator("truediv")(self, y)

    def __rtruediv__(self, x):
        return _operator("truediv")(x, self)

    def __floordiv__(self, y):
        return _operator("floordiv")(self, y)

    def __rfloordiv__(self, x):
        return _operator("floordiv")(x, self)

    def __mod__(self, y):
        return _operator("mod")(self, y)

    def __rmod__(self, x):
        return _operator("mod")(x, self)

    def __pow__(self, y):
        return _operator("pow")(self, y)

    def __rpow__(self, x):
        return _operator("pow")(x, self)

    def __matmul__(self, y):
        return _operator("matmul")(self, y)

    def __rmatmul__(self, x):
        return _operator("matmul")(x, self)

    def __and__(self, y):
        return _operator("and")(self, y)

    def __rand__(self, x):
        return _operator("and")(x, self)

    def __or__(self, y):
        return _operator("or")(self, y)

    def __ror__(self, x):
        return _operator("or")(x, self)

    def __xor__(self, y):
        return _operator("xor")(self, y)

    def __rxor__(self, x):
        return _operator("xor")(x, self)

    def __lt__(self, y):
        return _operator("lt")(self, y)

    def __le__(self, y):
        return _operator("le")(self, y)

    def __gt__(self, y):
        return _operator("gt")(self, y)

    def __ge__(self, y):
        return _operator("ge")(self, y)

    def __neg__(self):
        return _operator("neg")(self)

    def __abs__(self):
        return _operator("abs")(self)

    def __invert__(self):
        return _operator("invert")(self)


class Tensor(OperatorOverloads):
    """A symbolic handle to one output of an ``Operation``.

    A Tensor holds no value; ``Session.run`` (or ``eval``) computes it.  It knows
    its ``dtype`` and a static ``shape`` that may be partially unknown.
    """

    __array_priority__ = 100  # so numpy defers `ndarray + Tensor` to us

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._consumers = []

    op = property(lambda self: self._op, doc="The Operation that produces this tensor.")
    value_index = property(lambda self: self._value_index)
    dtype = property(lambda self: self._dtype)
    graph = property(lambda self: self._op._graph)
    device = property(lambda self: self._op.device)

    @property
    def name(self):
        return "%s:%d" % (self._op.name, self._value_index)

    @property
    def shape(self):
        refined = getattr(_refined, "shapes", None)
        if refined:
            return refined.get(self, self._shape)
        return self._shape

    def get_shape(self):
        """The static shape (a ``TensorShape``), possibly partially unknown."""
        return self.shape

    def set_shape(self, shape):
        """Refine the static shape; raises ValueError when incompatible."""
        self._shape = self._shape.merge_with(as_shape(shape))

    def consumers(self):
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        """Compute this tensor in ``session`` (default: the default session)."""
        return _session_for(session, self).run(self, feed_dict)

    def __repr__(self):
        return "<tf.Tensor '%s' shape=%s dtype=%s>" % (self.name, self._shape, self._dtype.name)

    def __str__(self):
        return 'Tensor("%s", shape=%s, dtype=%s)' % (self.name, self._shape, self._dtype.name)

    def __iter__(self):
        raise TypeError("Tensor objects are only iterable when eager execution is enabled. "
                        "To iterate over this tensor use tf.map_fn.")

    def __bool__(self):
        raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed. Use "
                        "`if t is not None:` instead of `if t:` to test if a tensor is "
                        "defined, and use TensorFlow ops such as tf.cond to execute "
                        "subgraphs conditioned on the value of a tensor.")

    def __len__(self):
        raise TypeError("len is not well defined for symbolic Tensors. (%s) Please call "
                        "`x.shape` rather than `len(x)` for shape information." % self.name)

    __hash__ = object.__hash__

# Per thread: tensor -> a more specific shape than the graph's, while a plan is
# compiled for known fed shapes (shape functions then see those shapes).
_refined = threading.local()


@contextlib.contextmanager
def refined_shapes(shapes):
    """Inside the block, ``Tensor.shape`` on this thread answers from ``shapes`` first."""
    saved = getattr(_refined, "shapes", None)
    _refined.shapes = shapes
    try:
        yield
    finally:
        _refined.shapes = saved


class Operation:
    """A node in the graph: an op type, input tensors, attrs and output tensors."""

    def __init__(self, graph, op_type, name, inputs, dtypes, attrs, control_inputs, device,
                 ctx):
        self._graph = graph
        self._type = op_type
        self._name = name
        self._inputs = list(inputs)
        self._control_inputs = list(control_inputs)
        self._attrs = dict(attrs or {})
        self._device = device
        self._ctx = ctx  # the cond/while body this op belongs to, or None
        self._id = graph._next_id()
        self._traceback = errors.user_frame()
        self._outputs = [Tensor(self, i, d, unknown_shape()) for i, d in enumerate(dtypes)]
        for t in self._inputs:
            t._consumers.append(self)

    name = property(lambda self: self._name)
    type = property(lambda self: self._type)
    graph = property(lambda self: self._graph)
    device = property(lambda self: self._device)
    outputs = property(lambda self: list(self._outputs))
    inputs = property(lambda self: list(self._inputs))
    control_inputs = property(lambda self: list(self._control_inputs))
    attrs = property(lambda self: self._attrs, doc="The op's attributes (dict).")
    traceback = property(lambda self: self._traceback, doc="(file, line, function) of creation.")

    def values(self):
        return tuple(self._outputs)

    def get_attr(self, name):
        if name not in self._attrs:
            raise ValueError("Operation '%s' has no attr named '%s'." % (self._name, name))
        return self._attrs[name]

    @property
    def node_def(self):
        """This op's NodeDef proto (as in a GraphDef)."""
        return next(n for n in graph_to_graph_def(self._graph).node if n.name == self._name)

    def _add_control_input(self, op):
        if op not in self._control_inputs:
            self._control_inputs.append(op)

    def run(self, feed_dict=None, session=None):
        """Run this op in ``session`` (default: the default session)."""
        _session_for(session, self).run(self, feed_dict)

    def __repr__(self):
        return "<tf.Operation '%s' type=%s>" % (self._name, self._type)

    __str__ = __repr__


class _ControlDeps:
    """One frame of ``control_dependencies``: ops new ops must wait for."""

    def __init__(self, ops, ctx):
        self.ops = ops
        self.ctx = ctx


class Graph:
    """A TensorFlow computation, as a set of ``Operation`` nodes.

    Ops are added to the default graph unless another one is made default with
    ``with g.as_default():``.
    """

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._control_stack = []
        self._device_stack = []
        self._ctx = None
        self._collections = {}
        self._unfeedable = set()
        self._unfetchable = set()
        self._last_id = 0
        self._finalized = False
        self.seed = None
        self._lock = threading.Lock()
        self._var_scope_store = None  # created by variable_scope on first use

    # -- construction ------------------------------------------------------
    def _next_id(self):
        self._last_id += 1
        return self._last_id

    def create_op(self, op_type, inputs, dtypes, name=None, attrs=None):
        """Add an op of a registered type; returns the new ``Operation``.

        Static output shapes come from the op type's shape function; a shape
        error is raised here, at build time, with the user's line.
        """
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        opdef = op_registry.get(op_type)
        for t in inputs:
            if t.graph is not self:
                raise ValueError("Tensor %s must be from the same graph as the op being created "
                                 "(%s)." % (t, op_type))
        if name and name.endswith("/"):
            name = name[:-1]  # a full name from name_scope, already unique
        else:
            name = self.unique_name(name or op_type)
        ctx = self._ctx
        control_inputs = self._current_control_inputs(inputs)
        device = self._device_stack[-1] if self._device_stack else ""
        op = Operation(self, op_type, name, inputs, [_dtypes.as_dtype(d) for d in dtypes],
                       attrs, control_inputs, device, ctx)
        if ctx is not None:
            ctx.add_op(op)
        try:
            shapes = opdef.shape_fn(op)
        except ValueError as e:
            self._remove_last(op)
            shapes_in = ", ".join(_shape_text(t.shape) for t in inputs)
            raise ValueError("%s for '%s' (op: '%s') with input shapes: %s.\n  (created at %s)" % (
                e, name, op_type, shapes_in, errors.format_location(op.traceback))) from None
        for t, s in zip(op._outputs, shapes):
            t._shape = as_shape(s)
        self._ops.append(op)
        self._ops_by_name[name] = op
        return op

    def _remove_last(self, op):
        for t in op._inputs:
            t._consumers.remove(op)
        if op._ctx is not None:
            op._ctx.remove_op(op)

    def _current_control_inputs(self, inputs):
        deps = []
        for frame in self._control_stack:
            if frame.ctx is not self._ctx and frame.ctx is not None:
                continue
            for op in frame.ops:
                if op not in deps:
                    deps.append(op)
        input_ops = {t.op for t in inputs}
        return [d for d in deps if d not in input_ops]

    def unique_name(self, name, mark_as_used=True):
        """``name`` inside the current name scope, made unique with ``_N``."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        count = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = count + 1
        if count > 0:
            base = name
            while True:
                name = "%s_%d" % (base, count)
                if name.lower() not in self._names_in_use:
                    break
                count += 1
            if mark_as_used:
                self._names_in_use[name.lower()] = 1
        return name

    def get_name_scope(self):
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name):
        """Push a name scope; ``None`` or ``""`` resets to the top level.

        A name ending in ``/`` re-enters that exact scope; otherwise the scope
        name is made unique (``a``, ``a_1``, ...).
        """
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            if not _VALID_NAME.match(name):
                raise ValueError("'%s' is not a valid scope name" % name)
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield (new + "/") if new else ""
        finally:
            self._name_stack = old

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run only after all of ``control_inputs`` ran.

        ``None`` clears the dependencies in effect.
        """
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        ops = []
        for c in control_inputs:
            c = _as_op(c, self)
            if c is not None:
                ops.append(c)
        self._control_stack.append(_ControlDeps(ops, self._ctx))
        try:
            yield
        finally:
            self._control_stack.pop()

    @contextlib.contextmanager
    def device(self, device_name):
        """Record ``device_name`` on ops created inside (placement is CPU-only)."""
        spec = _canonical_device(device_name)
        self._device_stack.append(spec)
        try:
            yield
        finally:
            self._device_stack.pop()

    @contextlib.contextmanager
    def colocate_with(self, op, ignore_existing=False):
        yield

    @contextlib.contextmanager
    def as_default(self):
        """Make this graph the default one inside the ``with`` block."""
        _stacks.graphs.append(self)
        try:
            yield self
        finally:
            _stacks.graphs.remove(self)

    @contextlib.contextmanager
    def _in_context(self, ctx):
        saved, self._ctx = self._ctx, ctx
        try:
            yield
        finally:
            self._ctx = saved

    def finalize(self):
        self._finalized = True

    @property
    def finalized(self):
        return self._finalized

    @property
    def version(self):
        return self._last_id

    # -- lookup -------------------------------------------------------------
    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        try:
            return self._ops_by_name[name]
        except KeyError:
            raise KeyError("The name '%s' refers to an Operation not in the graph." % name) \
                from None

    def get_tensor_by_name(self, name):
        if ":" not in name:
            raise ValueError("The name '%s' looks like an (invalid) Operation name, not a "
                             "Tensor. Tensor names must be of the form \"<op_name>:<output_index>"
                             "\"." % name)
        op_name, index = name.rsplit(":", 1)
        op = self._ops_by_name.get(op_name)
        if op is None:
            raise KeyError("The name '%s' refers to a Tensor which does not exist. The operation,"
                           " '%s', does not exist in the graph." % (name, op_name))
        try:
            return op._outputs[int(index)]
        except (IndexError, ValueError):
            raise KeyError("The name '%s' refers to a Tensor which does not exist. The operation"
                           ", '%s', exists but only has %d outputs." % (name, op_name,
                                                                        len(op._outputs))) from None

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolve a Tensor, Operation, Variable or name to this graph's element."""
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                return self.get_tensor_by_name(obj)
            if allow_operation:
                return self.get_operation_by_name(obj)
        conv = getattr(obj, "_as_graph_element", None)
        if conv is not None:
            obj = conv()
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError("Tensor %s is not an element of this graph." % obj)
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError("Operation %s is not an element of this graph." % obj)
            return obj
        raise TypeError("Can not convert a %s into a %s." % (
            type(obj).__name__, "Tensor or Operation" if allow_operation else "Tensor"))

    # -- collections -------------------------------------------------------
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        for n in ([names] if isinstance(names, str) else set(names)):
            self.add_to_collection(n, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [x for x in items if hasattr(x, "name") and pattern.match(x.name)]

    def get_all_collection_keys(self):
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name):
        self._collections.pop(name, None)

    # -- feeding and fetching --------------------------------------------
    def is_feedable(self, tensor):
        """True unless ``prevent_feeding`` was called on ``tensor``."""
        return tensor not in self._unfeedable

    def prevent_feeding(self, tensor):
        self._unfeedable.add(tensor)

    def is_fetchable(self, tensor_or_op):
        op = tensor_or_op.op if isinstance(tensor_or_op, Tensor) else tensor_or_op
        return op not in self._unfetchable

    def prevent_fetching(self, op):
        self._unfetchable.add(op)

    # -- serialization -------------------------------------------------------
    def as_graph_def(self, from_version=None, add_shapes=False):
        """This graph as a ``GraphDef`` protocol buffer (prints as TF's text format)."""
        return graph_to_graph_def(self, add_shapes=add_shapes)

    @property
    def graph_def_versions(self):
        return self.as_graph_def().versions


def _shape_text(shape):
    if shape.ndims is None:
        return "?"
    return "[%s]" % ",".join("?" if d is None else str(d) for d in shape.as_list())


def _as_op(c, graph):
    conv = getattr(c, "_as_graph_element", None)
    if conv is not None:
        c = conv()
    if isinstance(c, Tensor):
        return c.op
    if isinstance(c, Operation):
        return c
    if c is None:
        return None
    raise TypeError("Can not convert a %s into a Tensor or Operation." % type(c).__name__)


def _canonical_device(name):
    """'/gpu:0' -> '/device:GPU:0'; a callable or None passes through as ''."""
    if not name or callable(name):
        return ""
    parts = []
    for part in str(name).strip("/").split("/"):
        m = re.match(r"^(?:device:)?(cpu|gpu|tpu):(\d+|\*)$", part, re.I)
        if m:
            parts.append("device:%s:%s" % (m.group(1).upper(), m.group(2)))
        else:
            parts.append(part)
    return "/" + "/".join(parts)


# -- the default graph -------------------------------------------------------
class _Stacks(threading.local):
    """The ``as_default`` graphs and sessions entered, per thread as in TF: a thread sees
    only its own, and one that entered none sees the global default graph."""

    def __init__(self):
        self.graphs, self.sessions = [], []


_stacks = _Stacks()
_global_default = [Graph()]


def get_default_graph():
    """The graph new ops go into: this thread's innermost ``as_default`` graph, else the
    global one."""
    return _stacks.graphs[-1] if _stacks.graphs else _global_default[0]


@contextlib.contextmanager
def default_session(sess):
    """Make ``sess`` the default session inside a ``with`` block."""
    stack = _stacks.sessions
    stack.append(sess)
    try:
        yield sess
    finally:
        if sess in stack:
            del stack[len(stack) - 1 - stack[::-1].index(sess)]  # the innermost entry


def get_default_session():
    """This thread's innermost session entered with ``with``, or None."""
    return _stacks.sessions[-1] if _stacks.sessions else None


def _session_for(session, elem):
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                             "registered. Use `with sess.as_default()` or pass an explicit "
                             "session to `eval(session=sess)`")
    if session.graph is not elem.graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph "
                         "is different from the session's graph.")
    return session


def reset_default_graph():
    """Replace the global default graph with a fresh one."""
    if _stacks.graphs:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If "
                             "you need a cleared graph, exit the nesting and create a new graph.")
    _global_default[0] = Graph()


def name_scope(name, default_name=None, values=None):
    """Context manager for a name scope in the default graph (or ``values``' graph)."""
    g = graph_of(values) if values else get_default_graph()
    return g.name_scope(name if name is not None else default_name)


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name):
    return get_default_graph().device(device_name)


def colocate_with(op, ignore_existing=False):
    return get_default_graph().colocate_with(op, ignore_existing)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def graph_of(values):
    """The graph of the first tensor, op or variable in ``values``, else the default graph."""
    for v in values:
        if isinstance(v, (Tensor, Operation)):
            return v.graph
        g = getattr(v, "graph", None)
        if isinstance(g, Graph):
            return g
    return get_default_graph()


# -- conversion of Python values to tensors ----------------------------------
_conversion_functions = []


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Teach ``convert_to_tensor`` about a new type (as in TF); lower priorities win.

    ``conversion_func(value, dtype=None, name=None)`` returns a Tensor, or raises
    TypeError/ValueError when it cannot honour ``dtype``.
    """
    _conversion_functions.append((priority, base_type, conversion_func))
    _conversion_functions.sort(key=lambda x: x[0])


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None):
    """Return ``value`` as a Tensor: Tensors pass, Variables read, data become Const."""
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype is not dtype:
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: %r"
                             % (dtype.name, value.dtype.name, value))
        return value
    if isinstance(value, Operation):
        raise TypeError("Can't convert Operation '%s' to Tensor (target dtype=%s, name=%s, "
                        "as_ref=False)" % (value.name, dtype, name))
    for _, base, fn in _conversion_functions:
        if not isinstance(value, base):
            continue
        if dtype is None and preferred_dtype is not None:
            try:
                return fn(value, dtype=_dtypes.as_dtype(preferred_dtype), name=name)
            except (TypeError, ValueError):
                pass  # TF falls back to the value's own dtype
        return fn(value, dtype=dtype, name=name)
    raise TypeError("No tensor conversion function is registered for type %s; import "
                    "minitf to load the op library." % type(value).__name__)


def convert_n_to_tensor(values, dtype=None):
    return [convert_to_tensor(v, dtype) for v in values]


def is_tensor(x):
    return isinstance(x, Tensor)


def convert_pair(x, y):
    """Convert two binary-op operands; a Python number takes the other's dtype.

    Raises TypeError when both are tensors of different dtypes, as TF does.
    """
    xt, yt = isinstance(x, Tensor) or hasattr(x, "_as_graph_element"), \
        isinstance(y, Tensor) or hasattr(y, "_as_graph_element")
    if xt and not yt:
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, preferred_dtype=x.dtype, name="y")
    elif yt and not xt:
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, preferred_dtype=y.dtype, name="x")
    else:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, preferred_dtype=x.dtype, name="y")
    return x, y


def constant_value(t):
    """The value of ``t`` if it is known at build time (a Const), else None."""
    if isinstance(t, Tensor) and t.op.type == "Const":
        return t.op.attrs["value"]
    if isinstance(t, (np.ndarray, int, float, list, tuple)):
        return np.asarray(t)
    return None
