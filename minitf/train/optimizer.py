"""``tf.train.Optimizer``: the base class every optimizer builds on.

``minimize(loss)`` is ``compute_gradients`` (``tf.gradients`` of the loss with
respect to the trainable variables) followed by ``apply_gradients``, which
creates the optimizer's slot variables (``W/Adam``, ``W/Momentum`` ...), builds
one ``Apply*`` update op per variable under ``<name>/update_<var>/``, and groups
them into the returned train op (named ``<name>``, e.g. ``"Adam"``).  With a
``global_step`` the train op is the ``AssignAdd`` that increments it after all
the updates ran.

A subclass overrides ``_create_slots(var_list)``, ``_prepare()``,
``_apply_dense(grad, var)`` and optionally ``_finish(update_ops, name_scope)``.

A gradient that is an ``IndexedSlices`` (an embedding lookup's) goes to
``_apply_sparse_duplicate_indices``, which sums the rows of repeated indices
and calls ``_apply_sparse(grad, var)``: a subclass that overrides it updates
only those rows; the default densifies the gradient and takes the dense step.
"""
from minitf.framework import dtypes
from minitf.framework.graph import (GraphKeys, Tensor, convert_to_tensor, get_default_graph)
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops.gradients_impl import gradients
from minitf.ops import array_ops, control_flow_ops, gather_ops, variable_scope, variables

__all__ = ["Optimizer"]

_VALID_DTYPES = (dtypes.float32, dtypes.float64, dtypes.float16)


def _var_key(var):
    """Slots are kept per (graph, variable name), as in TF."""
    return (var.op.graph, var.op.name)


class Optimizer:
    """Base class for optimizers; use a subclass such as ``GradientDescentOptimizer``.

    Args:
        use_locking: accepted for compatibility (updates never race here).
        name: the name of the ops the optimizer creates (``"GradientDescent"`` ...).

    Example:
        >>> opt = tf.train.GradientDescentOptimizer(0.1)
        >>> train_op = opt.minimize(loss)          # an Operation named "GradientDescent"
        >>> sess.run(train_op, {X: x, Y: y})       # one step: every trainable var updated
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}          # slot name -> {variable key -> slot variable}
        self._non_slot_dict = {}  # (name, graph) -> variable (e.g. Adam's beta1_power)

    def get_name(self):
        return self._name

    # -- the two halves of minimize -----------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Add ops that take one step downhill on ``loss``; returns the train op.

        Args:
            loss: a scalar float Tensor to minimize.
            global_step: optional integer Variable, incremented by one per step.
            var_list: the variables to update (default: the ``TRAINABLE_VARIABLES``
                collection).  Variables ``loss`` does not depend on are left alone.
            gate_gradients: ``GATE_NONE``, ``GATE_OP`` or ``GATE_GRAPH``.
            name: the train op's name (default: the optimizer's name).
            grad_loss: optional gradient of something with respect to ``loss``.

        Returns:
            An Operation that updates the variables (and ``global_step``) when run.

        Raises:
            ValueError: when no variable gets a gradient.
        """
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                "support gradients, between variables %s and loss %s."
                % ([str(v) for _, v in grads_and_vars], loss))
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """``[(gradient, variable)]`` for ``loss``; the gradient is None where ``loss``
        does not depend on the variable.

        Args:
            loss: a float Tensor (or a callable returning one).
            var_list: variables to differentiate against (default: trainable ones).
            gate_gradients: with ``GATE_GRAPH`` no gradient is available before all are.
            grad_loss: optional upstream gradient for ``loss``.
        """
        if callable(loss):
            loss = loss()
        loss = convert_to_tensor(loss)
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP,
                                  Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not %s" % gate_gradients)
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            grad_loss = convert_to_tensor(grad_loss)
            self._assert_valid_dtypes([grad_loss])
        if var_list is None:
            var_list = loss.graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        else:
            var_list = list(_flatten(var_list))
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, var_list, grad_ys=None if grad_loss is None else [grad_loss],
                          gate_gradients=(gate_gradients == Optimizer.GATE_OP),
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gate_gradients == Optimizer.GATE_GRAPH:
            grads = control_flow_ops.tuple(grads)
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Add ops that apply ``[(gradient, variable)]``; returns the train op.

        Pairs whose gradient is None are skipped.  Slot variables are created the
        first time a variable is seen.  All gradients are computed before any
        variable changes, so a step never mixes old and new values.

        Args:
            grads_and_vars: pairs as returned by ``compute_gradients`` (possibly
                transformed, e.g. clipped).
            global_step: optional integer Variable to increment after the updates.
            name: the train op's name (default: the optimizer's name).
        """
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            if g is not None and not isinstance(g, IndexedSlices):
                try:
                    g = convert_to_tensor(g)
                except (TypeError, ValueError):
                    raise TypeError("Gradient must be convertible to a Tensor or "
                                    "IndexedSlices, or None: %s" % (g,)) from None
            if not hasattr(v, "_ref"):
                raise NotImplementedError("Trying to update a Tensor %s" % (v,))
            converted.append((g, v))
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([str(v) for _, v in converted],))
        self._assert_valid_dtypes(var_list)
        graph = var_list[0].graph
        with _init_scope(graph):
            self._create_slots(var_list)
        update_ops = []
        with graph.name_scope(name or self._name) as scope:
            self._prepare()
            grads = [t for g, _ in converted if g is not None
                     for t in ((g.values, g.indices) if isinstance(g, IndexedSlices) else (g,))]
            # Every update waits for every gradient (one NoOp gathers them), so no
            # gradient reads a variable that another update already changed.
            gate = [control_flow_ops.group(*grads, name="gradients_ready")] \
                if len(grads) > 1 else []
            for grad, var in converted:
                if grad is None:
                    continue
                with graph.name_scope("update_" + var.op.name), \
                        graph.control_dependencies(gate):
                    update_ops.append(self._update_op(grad, var))
            if global_step is None:
                apply_updates = self._finish(update_ops, scope)
            else:
                with graph.control_dependencies([self._finish(update_ops, "update")]):
                    one = array_ops.constant(1, dtype=global_step.dtype.base_dtype,
                                             name="value")
                    apply_updates = variables.assign_add(global_step, one, name=scope)
            if isinstance(apply_updates, Tensor):
                apply_updates = apply_updates.op
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
            return apply_updates

    def _update_op(self, grad, var):
        """The update of one variable, then its constraint if it has one."""
        if isinstance(grad, IndexedSlices):
            update = self._apply_sparse_duplicate_indices(grad, var)
        else:
            update = self._apply_dense(grad, var)
        if getattr(var, "constraint", None) is not None:
            with var.graph.control_dependencies([update]):
                return var.assign(var.constraint(var)).op
        return update

    # -- slots ----------------------------------------------------------------------------
    def get_slot_names(self):
        """The names of the slots this optimizer creates, e.g. ``['m', 'v']`` for Adam."""
        return sorted(self._slots)

    def get_slot(self, var, name):
        """The slot variable ``name`` made for ``var`` (None if there is none).

        Example:
            >>> opt = tf.train.MomentumOptimizer(0.1, 0.9); opt.minimize(loss)
            >>> opt.get_slot(W, "momentum").name     # 'W/Momentum:0'
        """
        named = self._slots.get(name)
        if not named:
            return None
        return named.get(_var_key(var))

    def variables(self):
        """The optimizer's own variables in the current graph (slots, accumulators)."""
        graph = get_default_graph()
        out = [v for (_, g), v in self._non_slot_dict.items() if g is graph]
        for named in self._slots.values():
            out.extend(v for v in named.values() if v.graph is graph)
        return sorted(out, key=lambda v: v.name)

    def _slot_dict(self, slot_name):
        return self._slots.setdefault(slot_name, {})

    def _zeros_slot(self, var, slot_name, op_name):
        """A slot of zeros shaped like ``var``, named ``<var>/<op_name>``."""
        from minitf.ops import init_ops
        return self._get_or_make_slot_with_initializer(
            var, init_ops.zeros_initializer(), var.shape, var.dtype.base_dtype, slot_name,
            op_name)

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        """A slot initialized from the Tensor (or value) ``val``."""
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = _create_slot(var, lambda: convert_to_tensor(val), op_name, None, None)
        return named[key]

    def _get_or_make_slot_with_initializer(self, var, initializer, shape, dtype, slot_name,
                                           op_name):
        """A slot made by ``initializer(shape, dtype)``."""
        named = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in named:
            named[key] = _create_slot(var, initializer, op_name, shape, dtype)
        return named[key]

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """One variable per optimizer and graph (e.g. Adam's ``beta1_power``)."""
        graph = colocate_with.graph
        key = (name, graph)
        v = self._non_slot_dict.get(key)
        if v is None:
            with _init_scope(graph):
                v = variables.Variable(initial_value, name=name, trainable=False)
            self._non_slot_dict[key] = v
        return v

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, graph or get_default_graph()))

    # -- hooks for subclasses ---------------------------------------------------------------
    def _create_slots(self, var_list):
        """Create the slot variables of ``var_list`` (default: none)."""

    def _prepare(self):
        """Convert hyper-parameters to tensors, once per ``apply_gradients``."""

    def _apply_dense(self, grad, var):
        raise NotImplementedError()

    def _apply_sparse_duplicate_indices(self, grad, var):
        """Sum the rows of repeated indices, then ``_apply_sparse``."""
        unique, positions = array_ops.unique(grad.indices)
        summed = gather_ops.unsorted_segment_sum(grad.values, positions,
                                                 array_ops.shape(unique)[0])
        return self._apply_sparse(IndexedSlices(summed, unique, grad.dense_shape), var)

    def _apply_sparse(self, grad, var):
        """Update ``var`` by the rows of ``grad`` (unique indices); default: a dense step."""
        return self._apply_dense(convert_to_tensor(grad), var)

    def _finish(self, update_ops, name_scope):
        """One op that runs ``update_ops`` (named ``name_scope``)."""
        return control_flow_ops.group(*update_ops, name=name_scope)

    @staticmethod
    def _call_if_callable(param):
        return param() if callable(param) else param

    def _valid_dtypes(self):
        return set(_VALID_DTYPES)

    def _assert_valid_dtypes(self, tensors):
        valid = self._valid_dtypes()
        for t in tensors:
            dtype = t.dtype
            if dtype not in valid:
                raise ValueError("Invalid type tf.%s for %s, expected: %s." % (
                    dtype.name, t.name, "[%s]" % ", ".join(
                        "tf." + d.name for d in _VALID_DTYPES if d in valid)))


def _flatten(x):
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from _flatten(item)
    elif isinstance(x, dict):
        for k in sorted(x):
            yield from _flatten(x[k])
    else:
        yield x


class _init_scope:  # noqa: N801  (a context manager, like TF's init_scope)
    """Build outside control dependencies and cond/while bodies (name scope kept)."""

    def __init__(self, graph):
        self._graph = graph

    def __enter__(self):
        self._ctx = self._graph._in_context(None)
        self._deps = self._graph.control_dependencies(None)
        self._ctx.__enter__()
        self._deps.__enter__()

    def __exit__(self, *exc):
        self._deps.__exit__(*exc)
        self._ctx.__exit__(*exc)
        return False


def _create_slot(primary, initializer, op_name, shape, dtype):
    """A non-trainable variable ``<primary>/<op_name>`` (``_1``, ``_2`` ... when taken)."""
    graph = primary.graph
    with graph.as_default(), _init_scope(graph):
        with variable_scope.variable_scope(None, default_name=primary.op.name + "/" + op_name):
            if shape is None:  # initializer is a callable returning the initial value
                return variable_scope.get_variable("", initializer=initializer(),
                                                   trainable=False)
            return variable_scope.get_variable("", shape=shape, dtype=dtype,
                                               initializer=initializer, trainable=False)
