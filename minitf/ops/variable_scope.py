"""Variable scopes: named, shareable variables created with ``tf.get_variable``.

Each graph has one store (``graph._var_scope_store``) holding the variables
made by ``get_variable`` (keyed by full name), the current ``VariableScope`` and
how often each scope name was opened.  Variable names come from the variable
scope alone; op names come from the name scope, which ``variable_scope`` also
opens::

    with tf.variable_scope("foo"):
        with tf.name_scope("bar"):
            v = tf.get_variable("v", [1])   # foo/v:0
            x = 1.0 + v                     # foo/bar/add

A scope either creates variables (the default: asking for an existing name is
an error) or reuses them (``reuse=True``: asking for a missing one is an error);
``reuse=tf.AUTO_REUSE`` does whichever is needed.  Reuse is inherited by nested
scopes.
"""
import enum
import functools
import inspect
import linecache

from minitf.framework import dtypes
from minitf.framework.graph import GraphKeys, convert_to_tensor, get_default_graph, graph_of
from minitf.framework.tensor_shape import as_shape, unknown_shape
from minitf.ops import array_ops, init_ops
from minitf.ops.partitioned_variables import PartitionedVariable, for_shard, shard_shapes
from minitf.ops.variables import Variable

__all__ = ["AUTO_REUSE", "VariableScope", "get_local_variable", "get_variable",
           "get_variable_scope", "no_regularizer", "variable_scope"]


class _ReuseMode(enum.Enum):
    """Reuse modes besides True and False/None."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE
AUTO_REUSE.__doc__ = """Reuse mode: get_variable creates a variable if missing, else returns it."""


def no_regularizer(_):
    """A regularizer that adds nothing (overrides a scope's regularizer)."""
    return None


# -- the per-graph stores ---------------------------------------------------------------
class _VariableStore:
    """The variables made by ``get_variable`` in one graph, by full name."""

    def __init__(self):
        self._vars = {}
        self._partitioned = {}  # full name -> PartitionedVariable

    def get_variable(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None,
                     synchronization=None, aggregation=None):
        """Find or create variable ``name``, through ``custom_getter`` when given."""
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError("Passed a custom_getter which is not callable: %s" % custom_getter)
        dtype = dtypes.as_dtype(dtype)
        kwargs = dict(shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, reuse=reuse, trainable=trainable,
                      collections=collections, caching_device=caching_device,
                      partitioner=partitioner, validate_shape=validate_shape,
                      use_resource=use_resource, constraint=constraint,
                      synchronization=synchronization, aggregation=aggregation)
        getter = self._true_getter if partitioner is None else self._partitioned_getter
        if custom_getter is not None:
            return custom_getter(getter=getter, name=name, **kwargs)
        return getter(name, **kwargs)

    def _partitioned_getter(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                            reuse=None, partitioner=None, **kwargs):
        """A ``PartitionedVariable``: one ``<name>/part_<i>`` variable per shard."""
        if name in self._partitioned:
            found = self._partitioned[name]
            if reuse is False or reuse is None:
                raise ValueError("Partitioned variable with name %s already exists. Did you "
                                 "mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?"
                                 % name)
            if shape is not None and not as_shape(shape).is_compatible_with(found.shape):
                raise ValueError("Trying to reuse partitioned variable %s, but specified shape "
                                 "%s and found shape %s." % (name, as_shape(shape), found.shape))
            return found
        if reuse is True:
            raise ValueError("PartitionedVariable %s does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=False or "
                             "reuse=tf.AUTO_REUSE in VarScope?" % name)
        if name in self._vars:
            raise ValueError("A partitioner was set, but %s already exists as a variable that "
                             "is not partitioned." % name)
        from_value = initializer is not None and not callable(initializer)
        value = convert_to_tensor(initializer, dtype=dtype) if from_value else None
        if from_value:
            shape = value.shape
        shape = as_shape(shape)
        if not shape.is_fully_defined():
            raise ValueError("Shape of a new partitioned variable (%s) must be fully defined, "
                             "but instead was %s." % (name, shape))
        dtype = dtypes.as_dtype(value.dtype if from_value else dtype)
        partitions = list(partitioner(shape=shape, dtype=dtype))
        parts = []
        for i, (part_shape, offset) in enumerate(shard_shapes(shape, partitions)):
            if from_value:
                part_init = array_ops.slice(value, offset, part_shape)
            else:
                part_init = for_shard(initializer or _default_initializer(name, dtype),
                                      shape.as_list(), offset)
            parts.append(self._true_getter(
                "%s/part_%d" % (name, i), shape=None if from_value else part_shape,
                dtype=dtype, initializer=part_init, reuse=reuse, **kwargs))
        found = PartitionedVariable(name, shape, dtype, parts, partitions)
        self._partitioned[name] = found
        return found

    def _true_getter(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, constraint=None, synchronization=None,
                     aggregation=None):
        initializing_from_value = initializer is not None and not callable(initializer)
        if shape is not None and initializing_from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        shape = unknown_shape() if shape is None else as_shape(shape)

        if name in self._vars:
            found = self._vars[name]
            if reuse is False or reuse is None:
                raise ValueError("Variable %s already exists, disallowed. Did you mean to set "
                                 "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally "
                                 "defined at:\n\n%s" % (name, _format_frame(found.op.traceback)))
            if not shape.is_compatible_with(found.get_shape()):
                raise ValueError("Trying to share variable %s, but specified shape %s and found "
                                 "shape %s." % (name, shape, found.get_shape()))
            if not dtype.is_compatible_with(found.dtype):
                raise ValueError("Trying to share variable %s, but specified dtype %s and found "
                                 "dtype %s." % (name, dtype.name, found.dtype.name))
            return found

        if reuse is True:
            raise ValueError("Variable %s does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?" % name)
        if initializer is None:
            initializer = _default_initializer(name, dtype)
        if initializing_from_value:
            init_val, var_dtype = initializer, None
        else:
            if inspect.isclass(initializer):
                initializer = initializer()
            if shape.is_fully_defined():
                init_val = functools.partial(initializer, shape.as_list(), dtype=dtype,
                                             partition_info=None)
                var_dtype = dtype
            elif _takes_no_args(initializer):
                init_val, var_dtype = initializer, None
            else:
                raise ValueError("The initializer passed is not valid. It should be a callable "
                                 "with no arguments and the shape should not be provided or an "
                                 "instance of `tf.keras.initializers.*' and `shape` should be "
                                 "fully defined.")
        graph = get_default_graph()
        # Like TF's init_scope: the variable and its initial value live outside any
        # cond/while body and do not wait for surrounding control dependencies.
        with graph._in_context(None), graph.control_dependencies(None):
            v = Variable(initial_value=init_val, name=name, trainable=_default_true(trainable),
                         collections=collections, caching_device=caching_device,
                         dtype=var_dtype, validate_shape=validate_shape,
                         constraint=constraint)
            self._vars[name] = v
            if regularizer:
                with graph.name_scope(name + "/Regularizer/"):
                    loss = regularizer(v)
                if loss is not None:
                    graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _default_true(flag):
    return True if flag is None else flag


def _default_initializer(name, dtype):
    """glorot_uniform for floats, zeros for integers, bools and strings (as TF 1.x)."""
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_bool or dtype == dtypes.string:
        return init_ops.zeros_initializer()
    raise ValueError("An initializer for variable %s of %s is required" % (name, dtype))


def _takes_no_args(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params)


def _format_frame(tb):
    """A traceback-style line for an op's (file, line, function)."""
    fname, lineno, func = tb
    text = '  File "%s", line %d, in %s\n' % (fname, lineno, func)
    src = linecache.getline(fname, lineno).strip()
    return text + ("    %s\n" % src if src else "")


class _ScopeStore:
    """Per-graph: the variable store, the current scope and scope-name use counts."""

    def __init__(self):
        self.current_scope = VariableScope(False)
        self.variable_scopes_count = {}
        self.var_store = _VariableStore()

    def open_variable_scope(self, scope_name):
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name,
                                                                                0) + 1

    def close_variable_subscopes(self, scope_name):
        for k in list(self.variable_scopes_count):
            if scope_name is None or k.startswith(scope_name + "/"):
                self.variable_scopes_count[k] = 0

    def variable_scope_count(self, scope_name):
        return self.variable_scopes_count.get(scope_name, 0)


def _store(graph=None):
    graph = graph or get_default_graph()
    if graph._var_scope_store is None:
        graph._var_scope_store = _ScopeStore()
    return graph._var_scope_store


# -- VariableScope ---------------------------------------------------------------------------
class VariableScope:
    """What ``get_variable`` inherits: name prefix, reuse flag, initializer and more.

    ``variable_scope`` yields one; ``get_variable_scope()`` returns the current one.

    Attributes:
        name: the prefix of variable names ("" at the top).
        original_name_scope: the name scope opened when this scope was first
            entered (ending in "/"), for ``tf.name_scope(scope.original_name_scope)``.
        reuse: False/None (create), True (reuse) or ``tf.AUTO_REUSE``.
        initializer, regularizer, dtype, custom_getter: defaults for get_variable.
    """

    def __init__(self, reuse, name="", initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None, name_scope="",
                 dtype=dtypes.float32, use_resource=None, constraint=None):
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """From now on, get_variable in this scope reuses existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_dtype(self, dtype):
        self._dtype = dtypes.as_dtype(dtype)

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def get_collection(self, name):
        """Items of collection ``name`` whose names start with this scope."""
        scope = self._name + "/" if self._name else ""
        return get_default_graph().get_collection(name, scope)

    def trainable_variables(self):
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def global_variables(self):
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def local_variables(self):
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None,
                     synchronization=None, aggregation=None):
        """``get_variable`` with this scope's defaults filled in."""
        if regularizer is None:
            regularizer = self._regularizer
        if caching_device is None:
            caching_device = self._caching_device
        if partitioner is None:
            partitioner = self._partitioner
        if custom_getter is None:
            custom_getter = self._custom_getter
        if reuse is None:
            reuse = self._reuse
        if use_resource is None:
            use_resource = self._use_resource
        full_name = self._name + "/" + name if self._name else name
        # Variable names depend only on the variable scope, so the name scope is
        # reset while the variable is made.
        with get_default_graph().name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = convert_to_tensor(initializer).dtype
                if init_dtype != dtypes.as_dtype(dtype):
                    raise ValueError("Initializer type '%s' and explicit dtype '%s' don't "
                                     "match." % (init_dtype.name, dtypes.as_dtype(dtype).name))
            if initializer is None:
                initializer = self._initializer
            if constraint is None:
                constraint = self._constraint
            if dtype is None:
                dtype = self._dtype
            return var_store.get_variable(
                full_name, shape=shape, dtype=dtype, initializer=initializer,
                regularizer=regularizer, reuse=reuse, trainable=trainable,
                collections=collections, caching_device=caching_device,
                partitioner=partitioner, validate_shape=validate_shape,
                use_resource=use_resource, custom_getter=custom_getter,
                constraint=constraint, synchronization=synchronization,
                aggregation=aggregation)


def get_variable_scope():
    """The current ``VariableScope`` of the default graph."""
    return _store().current_scope


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """Get an existing variable or create a new one, named by the variable scope.

    The full name is ``<current variable scope>/<name>``.  Outside a reusing
    scope a new variable is created (an existing name is an error); in a
    reusing scope (``reuse=True``) the existing one is returned (a missing name
    is an error); ``reuse=tf.AUTO_REUSE`` does whichever is needed.

    Args:
        name: the variable's name inside the current variable scope.
        shape: the shape (needed unless ``initializer`` is a value).
        dtype: element type (default: the scope's, float32).
        initializer: an initializer object/function, or a Tensor/value (then
            leave ``shape`` out).  Default: the scope's initializer, else
            ``glorot_uniform_initializer`` for floats and zeros for integers.
        regularizer: ``fn(variable) -> loss``; the loss goes to the
            ``REGULARIZATION_LOSSES`` collection.
        trainable: add to ``TRAINABLE_VARIABLES`` (default True).
        collections: the collections to add to (default ``[GLOBAL_VARIABLES]``).

    Example:
        >>> with tf.variable_scope("layer1"):
        ...     w = tf.get_variable("w", [784, 100])      # layer1/w:0
        >>> with tf.variable_scope("layer1", reuse=True):
        ...     w2 = tf.get_variable("w")                 # the same variable
    """
    return get_variable_scope().get_variable(
        _store().var_store, name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        caching_device=caching_device, partitioner=partitioner,
        validate_shape=validate_shape, use_resource=use_resource,
        custom_getter=custom_getter, constraint=constraint,
        synchronization=synchronization, aggregation=aggregation)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None,
                       partitioner=None, validate_shape=True, use_resource=None,
                       custom_getter=None, constraint=None, synchronization=None,
                       aggregation=None):
    """``get_variable`` for a non-trainable variable in ``LOCAL_VARIABLES``."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                        regularizer=regularizer, trainable=trainable, collections=collections,
                        caching_device=caching_device, partitioner=partitioner,
                        validate_shape=validate_shape, use_resource=use_resource,
                        custom_getter=custom_getter, constraint=constraint,
                        synchronization=synchronization, aggregation=aggregation)


# -- entering scopes ---------------------------------------------------------------------------
def _wrap_custom_getter(custom_getter, old_getter):
    """Compose getters: the new one receives the old one (applied to the real getter)."""
    if old_getter is None:
        return custom_getter

    def wrapped(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)
    return wrapped


class _PureVariableScope:
    """Switch the current VariableScope (no name scope); restore it on exit."""

    def __init__(self, name_or_scope, reuse=None, initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None,
                 old_name_scope=None, dtype=None, use_resource=None, constraint=None):
        self._name_or_scope = name_or_scope
        self._reuse = reuse
        self._settings = dict(initializer=initializer, regularizer=regularizer,
                              caching_device=caching_device, partitioner=partitioner,
                              dtype=dtype, use_resource=use_resource, constraint=constraint)
        self._custom_getter = custom_getter
        self._old_name_scope = old_name_scope
        self._store = _store()
        self._old = self._store.current_scope
        self._old_counts = None

    def __enter__(self):
        store, old = self._store, self._old
        if isinstance(self._name_or_scope, VariableScope):
            src = self._name_or_scope
            new_name = src.name
            self._old_counts = dict(store.variable_scopes_count)
            store.open_variable_scope(new_name)
            scope = VariableScope(
                src.reuse if not self._reuse else self._reuse, name=new_name,
                initializer=src.initializer, regularizer=src.regularizer,
                caching_device=src.caching_device, partitioner=src.partitioner,
                custom_getter=src.custom_getter, name_scope=self._old_name_scope,
                dtype=src.dtype, use_resource=src.use_resource, constraint=src.constraint)
            custom_getter_base = src.custom_getter
        else:
            new_name = (old.name + "/" + self._name_or_scope if old.name
                        else self._name_or_scope)
            store.open_variable_scope(new_name)
            scope = VariableScope(
                self._reuse or old.reuse, name=new_name, initializer=old.initializer,
                regularizer=old.regularizer, caching_device=old.caching_device,
                partitioner=old.partitioner, custom_getter=old.custom_getter,
                name_scope=(self._name_or_scope if self._old_name_scope is None
                            else self._old_name_scope),
                dtype=old.dtype, use_resource=old.use_resource, constraint=old.constraint)
            custom_getter_base = old.custom_getter
        self._new_name = new_name
        for key, value in self._settings.items():
            if value is not None:
                setattr(scope, "_" + key, dtypes.as_dtype(value) if key == "dtype" else value)
        if self._custom_getter is not None:
            scope.set_custom_getter(_wrap_custom_getter(self._custom_getter,
                                                        custom_getter_base))
        store.current_scope = scope
        return scope

    def __exit__(self, *exc):
        if self._old_counts is not None:
            self._store.variable_scopes_count = self._old_counts
        else:
            self._store.close_variable_subscopes(self._new_name)
        self._store.current_scope = self._old
        return False


def _unique_variable_scope(prefix):
    """``prefix``, or ``prefix_N``, unused as a scope name in the current scope."""
    store = _store()
    current = store.current_scope
    name = current.name + "/" + prefix if current.name else prefix
    if store.variable_scope_count(name) == 0:
        return prefix
    idx = 1
    while store.variable_scope_count(name + "_%d" % idx) > 0:
        idx += 1
    return prefix + "_%d" % idx


class variable_scope:  # noqa: N801  (TF's name)
    """Context manager that opens a variable scope (and a name scope) for get_variable.

    Args:
        name_or_scope: a scope name, or a ``VariableScope`` to re-enter (its
            settings are restored; ops get a new name scope from its last name
            component, as in TF 1.x).
        default_name: used (made unique: ``rnn``, ``rnn_1``...) when
            ``name_or_scope`` is None.
        values: tensors the scope's ops use (to pick their graph).
        initializer, regularizer, dtype, custom_getter: defaults for
            ``get_variable`` here and in nested scopes.
        reuse: True or ``tf.AUTO_REUSE`` to share variables; None/False
            inherits from the enclosing scope (reuse cannot be switched off).
        auxiliary_name_scope: if False, do not open a name scope.

    Example:
        >>> with tf.variable_scope("conv1", initializer=tf.zeros_initializer()):
        ...     b = tf.get_variable("b", [32])    # conv1/b:0, initialized to 0
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = list(values) if values is not None else []
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._reuse = None if reuse is False else reuse
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if not (self._reuse is True or self._reuse is None or self._reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get {}"
                            .format(auxiliary_name_scope))
        self._auxiliary_name_scope = auxiliary_name_scope
        self._graph = graph_of(self._values) if self._values else get_default_graph()
        self._exits = []

    def _push(self, cm):
        value = cm.__enter__()
        self._exits.append(cm)
        return value

    def __enter__(self):
        self._exits = []
        try:
            self._push(self._graph.as_default())
            return self._enter_scopes()
        except BaseException:
            self._unwind(None, None, None)
            raise

    def _enter_scopes(self):
        graph = self._graph
        current_name_scope = None
        if not self._auxiliary_name_scope:
            here = graph.get_name_scope()
            current_name_scope = graph.name_scope(here + "/" if here else None)
        pure_kwargs = dict(initializer=self._initializer, regularizer=self._regularizer,
                           caching_device=self._caching_device, partitioner=self._partitioner,
                           custom_getter=self._custom_getter, dtype=self._dtype,
                           use_resource=self._use_resource, constraint=self._constraint)
        if self._name_or_scope is not None:
            if not isinstance(self._name_or_scope, (VariableScope, str)):
                raise TypeError("VariableScope: name_or_scope must be a string or "
                                "VariableScope.")
            if isinstance(self._name_or_scope, str):
                ns_name = self._name_or_scope
            else:
                ns_name = self._name_or_scope.name.split("/")[-1]
            if ns_name or current_name_scope is not None:
                current_name_scope = current_name_scope or graph.name_scope(ns_name)
                entered = self._push(current_name_scope)
                old_name_scope = (entered if isinstance(self._name_or_scope, str)
                                  else self._name_or_scope.original_name_scope)
            else:
                old_name_scope = None
            return self._push(_PureVariableScope(self._name_or_scope, reuse=self._reuse,
                                                 old_name_scope=old_name_scope,
                                                 **pure_kwargs))
        if self._reuse:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        current_name_scope = current_name_scope or graph.name_scope(self._default_name)
        entered = self._push(current_name_scope)
        unique = _unique_variable_scope(self._default_name)
        return self._push(_PureVariableScope(unique, old_name_scope=entered, **pure_kwargs))

    def _unwind(self, typ, val, tb):
        while self._exits:
            self._exits.pop().__exit__(typ, val, tb)

    def __exit__(self, typ, val, tb):
        self._unwind(typ, val, tb)
        return False
