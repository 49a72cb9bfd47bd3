"""``tf.layers.Layer``: a callable object that makes its variables on its first call.

A layer owns a variable scope.  An unnamed layer gets a fresh one from its
class name (``dense``, ``dense_1``, ...); a named layer built by a ``tf.layers``
function opens exactly that scope, so ``reuse=True`` (or a reusing enclosing
``variable_scope``) finds its variables again.  Variables are made with
``tf.get_variable`` inside that scope, so their names are ``dense/kernel``,
``dense/bias``; the ops of each call go in the scope's original name scope
(``dense/MatMul``, then ``dense/MatMul_1`` on a second call).

After each call the layer's update ops (batch normalization's moving
averages) are added to ``tf.GraphKeys.UPDATE_OPS``, and the losses of its
regularizers to ``tf.GraphKeys.REGULARIZATION_LOSSES``, as in TF 1.x.
"""
import re
import weakref

from minitf.framework import dtypes
from minitf.framework.graph import (GraphKeys, Operation, convert_to_tensor,
                                    get_default_graph)
from minitf.ops import array_ops, math_ops, variable_scope as vs, variables

__all__ = ["InputSpec", "Layer"]

# Per graph: how many unnamed layers of each base name exist (Keras' name uids).
_LAYER_NAME_UIDS = weakref.WeakKeyDictionary()


def _to_snake_case(name):
    """``Conv2DTranspose`` -> ``conv2d_transpose`` (Keras' rule for default layer names)."""
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name if name[0] != "_" else "private" + name


def _unique_layer_name(base_name):
    uids = _LAYER_NAME_UIDS.setdefault(get_default_graph(), {})
    count = uids.get(base_name, 0)
    uids[base_name] = count + 1
    return base_name if count == 0 else "%s_%d" % (base_name, count)


class InputSpec:
    """What a layer accepts: an exact, minimum or maximum rank, and fixed axis sizes."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})

    def __repr__(self):
        return "InputSpec(ndim=%s, max_ndim=%s, min_ndim=%s, axes=%s)" % (
            self.ndim, self.max_ndim, self.min_ndim, self.axes)

    def check(self, x, layer_name):
        """Raise Keras' ValueError when tensor ``x`` does not fit this spec."""
        prefix = "Input 0 of layer %s is incompatible with the layer: " % layer_name
        ndim = x.shape.ndims
        if ndim is None and (self.ndim is not None or self.min_ndim is not None
                             or self.max_ndim is not None):
            raise ValueError(prefix + "its rank is undefined, but the layer requires a "
                             "defined rank.")
        dims = x.shape.as_list() if ndim is not None else None
        for want, ok, what in ((self.ndim, lambda n, w: n == w, "ndim"),
                               (self.min_ndim, lambda n, w: n >= w, "min_ndim"),
                               (self.max_ndim, lambda n, w: n <= w, "max_ndim")):
            if want is not None and not ok(ndim, want):
                raise ValueError(prefix + "expected %s=%d, found ndim=%d. Full shape received: "
                                 "%s" % (what, want, ndim, dims))
        for axis, value in self.axes.items():
            if dims is None or value is None:
                continue
            got = dims[axis] if -len(dims) <= axis < len(dims) else None
            if got is not None and got != value:
                raise ValueError(prefix + "expected axis %d of input shape to have value %d "
                                 "but received input with shape %s" % (axis, value, dims))


class Layer:
    """Base class of the ``tf.layers`` layers.

    Subclasses set ``input_spec`` and implement ``build(input_shape)`` (make the
    variables with ``add_weight``) and ``call(inputs, ...)`` (the computation).
    Calling the layer builds it once, then runs ``call``; a second call reuses
    the same variables.

    Args:
        trainable: put the layer's variables in ``TRAINABLE_VARIABLES``.
        name: the layer's name, and the name of its variable scope.
        dtype: the variables' dtype (default: the first input's dtype).
        activity_regularizer: ``fn(output) -> loss``; the loss per example goes to
            ``REGULARIZATION_LOSSES``.

    Attributes:
        variables, trainable_variables, non_trainable_variables: the layer's
            variables (also ``weights``, ``trainable_weights`` ...).
        losses, updates: regularization losses and update ops made so far.
        built: whether the first call happened.
    """

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        for kwarg in kwargs:
            raise TypeError("Keyword argument not understood: %s" % kwarg)
        self.trainable = trainable
        self.built = False
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
        self._activity_regularizer = activity_regularizer
        self._trainable_weights, self._non_trainable_weights = [], []
        self._losses, self._updates = [], []
        self.input_spec = None
        if isinstance(name, vs.VariableScope):
            name = name.name
        self._base_name = name or _to_snake_case(type(self).__name__)
        self._name = name or _unique_layer_name(self._base_name)
        self._scope = None
        if scope:
            with vs.variable_scope(scope) as captured:
                self._scope = captured

    # -- properties ------------------------------------------------------------------------
    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype.name if self._dtype is not None else None)
    activity_regularizer = property(lambda self: self._activity_regularizer)

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError("No name available for layer scope because the layer \"%s\" has "
                             "not been used yet. The scope name is determined the first time "
                             "the layer instance is called." % self._name)
        return self._scope.name

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self):
        return list(self._losses)

    @property
    def updates(self):
        return list(self._updates)

    # -- building blocks for subclasses ---------------------------------------------------------
    def build(self, input_shape):
        """Make the layer's variables for inputs of ``input_shape`` (a TensorShape)."""
        self.built = True

    def call(self, inputs, **kwargs):
        """The layer's computation."""
        return inputs

    def compute_output_shape(self, input_shape):
        raise NotImplementedError

    def _set_scope(self, scope=None):
        """Open the layer's variable scope the first time it is needed."""
        if self._scope is not None:
            return
        if self._reuse:
            with vs.variable_scope(scope if scope is not None else self._base_name) as captured:
                self._scope = captured
        else:
            with vs.variable_scope(scope, default_name=self._base_name) as captured:
                self._scope = captured

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, partitioner=None, use_resource=None,
                   **kwargs):
        """Get or create variable ``<layer scope>/<name>`` and track it.

        A new variable's ``regularizer(variable)`` loss goes to ``losses`` and
        ``REGULARIZATION_LOSSES``; a reused variable's does not (it is there already).
        """
        if kwargs:
            raise TypeError("Unknown keyword arguments: %s" % sorted(kwargs))
        trainable = True if trainable is None else trainable
        dtype = dtypes.as_dtype(dtype or self._dtype or dtypes.float32)
        graph = get_default_graph()
        existing = set(variables.global_variables())
        self._set_scope(None)
        reuse = self.built or self._reuse
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            with graph.name_scope(scope.original_name_scope):
                if initializer is None:
                    initializer = scope.initializer
                variable = vs.get_variable(name, shape=shape, dtype=dtype,
                                           initializer=initializer,
                                           trainable=trainable and self.trainable,
                                           constraint=constraint, partitioner=partitioner,
                                           use_resource=use_resource)
                if regularizer is not None and variable not in existing:
                    with graph.name_scope(name + "/Regularizer"):
                        loss = regularizer(variable)
                    if loss is not None:
                        self.add_loss(loss)
        if trainable and self.trainable:
            self._trainable_weights.append(variable)
        else:
            self._non_trainable_weights.append(variable)
        return variable

    add_variable = add_weight

    def add_loss(self, losses, inputs=None):
        """Track ``losses`` and add them to ``REGULARIZATION_LOSSES``."""
        losses = losses if isinstance(losses, (list, tuple)) else [losses]
        collection = get_default_graph().get_collection_ref(GraphKeys.REGULARIZATION_LOSSES)
        for loss in losses:
            loss = convert_to_tensor(loss)
            self._losses.append(loss)
            if loss not in collection:
                collection.append(loss)

    def add_update(self, updates, inputs=None):
        """Track update ops (tensors or operations) to be run with ``UPDATE_OPS``."""
        updates = updates if isinstance(updates, (list, tuple)) else [updates]
        for update in updates:
            self._updates.append(update if isinstance(update, Operation) else update.op)

    # -- calling ----------------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        """Build on the first call, then run ``call`` in the layer's scopes."""
        self._set_scope(kwargs.pop("scope", None))
        graph = get_default_graph()
        inputs = convert_to_tensor(inputs)
        reuse = True if self.built else self._reuse
        with vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            with graph.name_scope(scope.original_name_scope):
                if self.input_spec is not None:
                    self.input_spec.check(inputs, self._name)
                if not self.built:
                    if self._dtype is None:
                        self._dtype = (inputs.dtype.base_dtype if inputs.dtype.is_floating
                                       else dtypes.float32)
                    self.build(inputs.shape)
                    self.built = True
                outputs = self.call(inputs, *args, **kwargs)
                if self._activity_regularizer is not None:
                    self._regularize_activity(outputs)
        collection = graph.get_collection_ref(GraphKeys.UPDATE_OPS)
        for update in self._updates:
            if update not in collection:
                collection.append(update)
        return outputs

    apply = __call__

    def _regularize_activity(self, outputs):
        """The activity loss averaged over the batch (Keras' rule)."""
        with get_default_graph().name_scope("ActivityRegularizer"):
            loss = convert_to_tensor(self._activity_regularizer(outputs))
            batch = math_ops.cast(array_ops.shape(outputs)[0], loss.dtype)
            self.add_loss(loss / batch)
