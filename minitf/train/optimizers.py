"""The TF 1.x optimizers: gradient descent, momentum, Adagrad, Adam, RMSProp, Adadelta
and the proximal variants.

Each one turns hyper-parameters into tensors (``<name>/learning_rate`` ...), makes
its slot variables and builds one ``Apply*`` op (minitf/ops/training_ops.py, where
the update formulas are written out) per variable.  Hyper-parameters may be
Python numbers, Tensors (a decaying learning rate, a placeholder) or callables
returning either; they are cast to each variable's dtype.
"""
from minitf.framework.graph import convert_to_tensor, get_default_graph
from minitf.ops import (control_flow_ops, init_ops, math_ops, scatter_ops, training_ops,
                        variables)
from minitf.train.optimizer import Optimizer

__all__ = ["AdadeltaOptimizer", "AdagradOptimizer", "AdamOptimizer",
           "GradientDescentOptimizer", "MomentumOptimizer", "ProximalAdagradOptimizer",
           "ProximalGradientDescentOptimizer", "RMSPropOptimizer"]


def _cast(t, var):
    return math_ops.cast(t, var.dtype.base_dtype)


def _tensor(value, name):
    return convert_to_tensor(Optimizer._call_if_callable(value), name=name)


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent: ``var ← var − learning_rate · grad``.

    Args:
        learning_rate: a float, a scalar Tensor, or a callable returning one.
        use_locking: accepted for compatibility.
        name: op name prefix (default ``"GradientDescent"``).

    Example:
        >>> train_op = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    """

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        self._learning_rate_tensor = _tensor(self._learning_rate, "learning_rate")

    def _apply_dense(self, grad, var):
        return training_ops.apply_gradient_descent(
            var, _cast(self._learning_rate_tensor, var), grad,
            use_locking=self._use_locking).op

    def _apply_sparse_duplicate_indices(self, grad, var):
        # scatter_sub applies repeated rows one after another, which sums them.
        step = grad.values * _cast(self._learning_rate_tensor, var)
        return scatter_ops.scatter_sub(var, grad.indices, step,
                                       use_locking=self._use_locking).op


class MomentumOptimizer(Optimizer):
    """Gradient descent with momentum (slot ``"momentum"``, variable ``<var>/Momentum``).

    ``accum ← momentum · accum + grad``, then ``var ← var − learning_rate · accum``;
    with ``use_nesterov=True`` the step is ``learning_rate · (grad + momentum · accum)``.

    Example:
        >>> opt = tf.train.MomentumOptimizer(0.01, momentum=0.9)
    """

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = _tensor(self._learning_rate, "learning_rate")
        self._momentum_tensor = _tensor(self._momentum, "momentum")

    def _apply_dense(self, grad, var):
        return training_ops.apply_momentum(
            var, self.get_slot(var, "momentum"), _cast(self._learning_rate_tensor, var), grad,
            _cast(self._momentum_tensor, var), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov).op

    def _apply_sparse(self, grad, var):
        return training_ops.sparse_apply_momentum(
            var, self.get_slot(var, "momentum"), _cast(self._learning_rate_tensor, var),
            grad.values, grad.indices, _cast(self._momentum_tensor, var),
            use_locking=self._use_locking, use_nesterov=self._use_nesterov).op


class _AccumulatorOptimizer(Optimizer):
    """Shared by the Adagrad family: one ``"accumulator"`` slot per variable that
    starts at ``initial_accumulator_value`` (which must be positive)."""

    def __init__(self, learning_rate, initial_accumulator_value, use_locking, name):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            dtype = v.dtype.base_dtype
            init = init_ops.constant_initializer(self._initial_accumulator_value, dtype=dtype)
            self._get_or_make_slot_with_initializer(v, init, v.shape, dtype, "accumulator",
                                                    self._name)

    def _prepare(self):
        self._learning_rate_tensor = _tensor(self._learning_rate, "learning_rate")


class AdagradOptimizer(_AccumulatorOptimizer):
    """Adagrad: per-element steps ``learning_rate / √(sum of squared gradients)``.

    The slot ``"accumulator"`` (variable ``<var>/Adagrad``) starts at
    ``initial_accumulator_value``.

    Example:
        >>> opt = tf.train.AdagradOptimizer(0.1)
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        super().__init__(learning_rate, initial_accumulator_value, use_locking, name)

    def _apply_dense(self, grad, var):
        return training_ops.apply_adagrad(
            var, self.get_slot(var, "accumulator"), _cast(self._learning_rate_tensor, var),
            grad, use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        return training_ops.sparse_apply_adagrad(
            var, self.get_slot(var, "accumulator"), _cast(self._learning_rate_tensor, var),
            grad.values, grad.indices, use_locking=self._use_locking).op


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba), with TensorFlow's placement of epsilon.

    At step t (counting from 1)::

        lr_t ← learning_rate · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
        m    ← β₁ m + (1 − β₁) g            (slot "m", variable <var>/Adam)
        v    ← β₂ v + (1 − β₂) g²           (slot "v", variable <var>/Adam_1)
        var  ← var − lr_t · m / (√v + ε)

    β₁ᵗ and β₂ᵗ live in the non-trainable float32 variables ``beta1_power`` and
    ``beta2_power`` (one pair per optimizer and graph), multiplied by β after
    each step.

    Example:
        >>> opt = tf.train.AdamOptimizer(learning_rate=0.001)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self):
        graph = get_default_graph()
        return (self._get_non_slot_variable("beta1_power", graph=graph),
                self._get_non_slot_variable("beta2_power", graph=graph))

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(initial_value=self._beta1, name="beta1_power",
                                       colocate_with=first_var)
        self._create_non_slot_variable(initial_value=self._beta2, name="beta2_power",
                                       colocate_with=first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        self._lr_t = _tensor(self._lr, "learning_rate")
        self._beta1_t = _tensor(self._beta1, "beta1")
        self._beta2_t = _tensor(self._beta2, "beta2")
        self._epsilon_t = _tensor(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        beta1_power, beta2_power = self._get_beta_accumulators()
        return training_ops.apply_adam(
            var, self.get_slot(var, "m"), self.get_slot(var, "v"), _cast(beta1_power, var),
            _cast(beta2_power, var), _cast(self._lr_t, var), _cast(self._beta1_t, var),
            _cast(self._beta2_t, var), _cast(self._epsilon_t, var), grad,
            use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        # TF 1.x's non-lazy sparse Adam: both moments decay everywhere, the
        # gradient's rows are added where it has them, and every row of var moves.
        beta1_power, beta2_power = (_cast(b, var) for b in self._get_beta_accumulators())
        lr, beta1, beta2, eps = (_cast(t, var) for t in (self._lr_t, self._beta1_t,
                                                         self._beta2_t, self._epsilon_t))
        lr = lr * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = variables.assign(m, m * beta1, use_locking=self._use_locking)
        with get_default_graph().control_dependencies([m_t]):
            m_t = scatter_ops.scatter_add(m, grad.indices, grad.values * (1 - beta1),
                                          use_locking=self._use_locking)
        v_t = variables.assign(v, v * beta2, use_locking=self._use_locking)
        with get_default_graph().control_dependencies([v_t]):
            v_t = scatter_ops.scatter_add(v, grad.indices,
                                          grad.values * grad.values * (1 - beta2),
                                          use_locking=self._use_locking)
        step = variables.assign_sub(var, lr * m_t / (math_ops.sqrt(v_t) + eps),
                                    use_locking=self._use_locking)
        return control_flow_ops.group(step, m_t, v_t)

    def _finish(self, update_ops, name_scope):
        graph = get_default_graph()
        with graph.control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2_t)
        return control_flow_ops.group(*update_ops + [update_beta1, update_beta2],
                                      name=name_scope)


class RMSPropOptimizer(Optimizer):
    """RMSProp: divide the step by a running root-mean-square of recent gradients.

    Slots (variables): ``"rms"`` (``<var>/RMSProp``, starts at ONES), then with
    ``centered=True`` ``"mg"`` (``<var>/RMSProp_1``), then ``"momentum"``
    (``<var>/RMSProp_1``, or ``_2`` when centered)::

        ms  ← decay · ms + (1 − decay) g²
        mom ← momentum · mom + learning_rate · g / √(ms + ε)      (centered: ms − mg² + ε)
        var ← var − mom

    Example:
        >>> opt = tf.train.RMSPropOptimizer(0.001, decay=0.9)
    """

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            dtype = v.dtype.base_dtype
            self._get_or_make_slot_with_initializer(
                v, init_ops.ones_initializer(dtype=dtype), v.shape, dtype, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = _tensor(self._learning_rate, "learning_rate")
        self._decay_tensor = _tensor(self._decay, "decay")
        self._momentum_tensor = _tensor(self._momentum, "momentum")
        self._epsilon_tensor = _tensor(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        hyper = [_cast(t, var) for t in (self._learning_rate_tensor, self._decay_tensor,
                                         self._momentum_tensor, self._epsilon_tensor)]
        if self._centered:
            return training_ops.apply_centered_rms_prop(
                var, self.get_slot(var, "mg"), rms, mom, *hyper, grad,
                use_locking=self._use_locking).op
        return training_ops.apply_rms_prop(var, rms, mom, *hyper, grad,
                                           use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        hyper = [_cast(t, var) for t in (self._learning_rate_tensor, self._decay_tensor,
                                         self._momentum_tensor, self._epsilon_tensor)]
        if self._centered:
            return training_ops.sparse_apply_centered_rms_prop(
                var, self.get_slot(var, "mg"), rms, mom, *hyper, grad.values, grad.indices,
                use_locking=self._use_locking).op
        return training_ops.sparse_apply_rms_prop(var, rms, mom, *hyper, grad.values,
                                                  grad.indices, use_locking=self._use_locking).op


class AdadeltaOptimizer(Optimizer):
    """Adadelta (Zeiler): steps scaled by the ratio of running RMS of updates and gradients.

    Slots ``"accum"`` (``<var>/Adadelta``) and ``"accum_update"`` (``<var>/Adadelta_1``)::

        accum        ← rho · accum + (1 − rho) g²
        update       ← √(accum_update + ε) / √(accum + ε) · g
        accum_update ← rho · accum_update + (1 − rho) update²
        var          ← var − learning_rate · update

    Example:
        >>> opt = tf.train.AdadeltaOptimizer(learning_rate=1.0, rho=0.95)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        self._lr_t = _tensor(self._lr, "lr")
        self._rho_t = _tensor(self._rho, "rho")
        self._epsilon_t = _tensor(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        return training_ops.apply_adadelta(
            var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update"),
            _cast(self._lr_t, var), _cast(self._rho_t, var), _cast(self._epsilon_t, var),
            grad, use_locking=self._use_locking).op


class ProximalGradientDescentOptimizer(Optimizer):
    """Gradient descent with l1/l2 regularization applied as a proximal step (FOBOS).

    ``prox = var − lr · g``; ``var ← sign(prox) · max(|prox| − lr · l1, 0) / (1 + lr · l2)``.

    Example:
        >>> opt = tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _prepare(self):
        self._learning_rate_tensor = _tensor(self._learning_rate, "learning_rate")
        self._l1_regularization_strength_tensor = _tensor(self._l1_regularization_strength,
                                                          "l1_regularization_strength")
        self._l2_regularization_strength_tensor = _tensor(self._l2_regularization_strength,
                                                          "l2_regularization_strength")

    def _apply_dense(self, grad, var):
        return training_ops.apply_proximal_gradient_descent(
            var, _cast(self._learning_rate_tensor, var),
            _cast(self._l1_regularization_strength_tensor, var),
            _cast(self._l2_regularization_strength_tensor, var), grad,
            use_locking=self._use_locking).op


class ProximalAdagradOptimizer(_AccumulatorOptimizer):
    """Adagrad step sizes followed by the l1/l2 proximal step (slot ``"accumulator"``,
    variable ``<var>/ProximalAdagrad``, starting at ``initial_accumulator_value``).

    Example:
        >>> opt = tf.train.ProximalAdagradOptimizer(0.1, l2_regularization_strength=0.001)
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        super().__init__(learning_rate, initial_accumulator_value, use_locking, name)
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _prepare(self):
        super()._prepare()
        self._l1_regularization_strength_tensor = _tensor(self._l1_regularization_strength,
                                                          "l1_regularization_strength")
        self._l2_regularization_strength_tensor = _tensor(self._l2_regularization_strength,
                                                          "l2_regularization_strength")

    def _apply_dense(self, grad, var):
        return training_ops.apply_proximal_adagrad(
            var, self.get_slot(var, "accumulator"), _cast(self._learning_rate_tensor, var),
            _cast(self._l1_regularization_strength_tensor, var),
            _cast(self._l2_regularization_strength_tensor, var), grad,
            use_locking=self._use_locking).op
