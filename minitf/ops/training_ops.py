"""The update ops optimizers run: ``ApplyGradientDescent``, ``ApplyAdam`` and friends.

Each ``Apply*`` op names its variable and the optimizer's slot variables (the
``var``, ``accum``, ``m``... inputs) instead of reading them: the executor passes
no value for those inputs, and the kernel reads the current values from the
session, computes the new ones, and stores them back as new read-only arrays of
the variable's dtype.  The op's one output is the variable's new value.

Hyper-parameters (``lr``, ``rho``, ``epsilon``...) are scalar tensors of the
variable's dtype; the gradient has the variable's shape.  The formulas are those
of TensorFlow's training kernels, written out in each wrapper's docstring.  The
ops have effects and no gradient.

The ``SparseApply*`` ops take the gradient as rows (``grad``) and the rows of
``var`` they belong to (``indices``), and update just those rows, in place
(see scatter_ops for why that is safe).  A repeated index is applied once per
occurrence, so optimizers sum repeats first.

Optimizers (``tf.train.AdamOptimizer`` ...) build these ops; call the wrappers
directly only to write an optimizer of your own.
"""
import numpy as np

from minitf.framework import errors
from minitf.framework.graph import Tensor, convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.kernels import optimizers as optimizer_kernels
from minitf.kernels import scatter as kernels
from minitf.ops.op_util import (FLOATS, check_dtype, index_tensor, make_op, op_scope,
                                variable_ref)
from minitf.ops.scatter_ops import check_indices, seal, writable_rows

__all__ = []  # the wrappers are reached as minitf.ops.training_ops.apply_*


# -- shared plumbing ---------------------------------------------------------------------
def _apply_op(op_type, refs, values, name, attrs):
    """Build ``op_type`` on variable refs ``[(arg, var)]`` then values ``[(arg, x)]``."""
    var = variable_ref(refs[0][1])
    if not isinstance(var, Tensor) or var.op.type != "VariableV2":
        raise TypeError("'%s' needs a variable for input 'var', got %r" % (op_type, var))
    check_dtype(op_type, var, FLOATS, "var")
    dtype = var.dtype
    with op_scope(name, op_type, [var]) as scope:
        inputs = []
        for arg, r in refs:
            t = variable_ref(r)
            if not isinstance(t, Tensor) or t.op.type != "VariableV2":
                raise TypeError("'%s' needs a variable for input '%s', got %r" % (op_type, arg, t))
            _check_type(op_type, arg, t, dtype)
            inputs.append(t)
        for arg, x in values:
            if arg == "indices":
                t = index_tensor(x, "indices")
                attrs = dict(attrs, Tindices=t.dtype)
            elif isinstance(x, Tensor) or hasattr(x, "_as_graph_element"):
                t = convert_to_tensor(x)
                _check_type(op_type, arg, t, dtype)
            else:
                t = convert_to_tensor(x, dtype=dtype, name=arg)
            inputs.append(t)
        attrs = dict(attrs, T=dtype)
        return make_op(op_type, inputs, [dtype], scope, attrs)._outputs[0]


def _check_type(op_type, arg, t, dtype):
    if t.dtype is not dtype:
        raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s of "
                        "argument 'var'." % (arg, op_type, t.dtype.name, dtype.name))


def _apply_shape(n_refs, scalar_args, grad_arg):
    """Shape function: ref inputs and the gradient share var's shape; hyper-params are
    scalars.  ``scalar_args`` names the scalar inputs in order, ``grad_arg`` the index
    of the gradient among the non-ref inputs (or None when it is last)."""
    def shape_fn(op):
        ins = op._inputs
        shape = ins[0].shape
        for t in ins[1:n_refs]:
            shape = _merge(shape, t.shape)
        others = ins[n_refs:]
        g = len(others) - 1 if grad_arg is None else grad_arg
        scalars = [t for i, t in enumerate(others) if i != g]
        for arg, t in zip(scalar_args, scalars):
            if t.shape.ndims not in (None, 0):
                raise ValueError("Shape must be rank 0 but is rank %d for input '%s'"
                                 % (t.shape.ndims, arg))
        return [_merge(shape, others[g].shape)]
    return shape_fn


def _merge(a, b):
    """TF's shape merge, with TF's messages."""
    if a.ndims is None:
        return b
    if b.ndims is None:
        return a
    if a.ndims != b.ndims:
        raise ValueError("Shapes must be equal rank, but are %d and %d" % (a.ndims, b.ndims))
    out = []
    for i, (x, y) in enumerate(zip(a.as_list(), b.as_list())):
        if x is not None and y is not None and x != y:
            raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                             "Shapes are %s and %s." % (i, x, y, _text(a), _text(b)))
        out.append(x if x is not None else y)
    return TensorShape(out)


def _text(shape):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in shape.as_list())


def _read(ctx, i):
    """Current session value of the variable named by input ``i``."""
    var = ctx.op._inputs[i].op
    try:
        return ctx.state[var]
    except KeyError:
        raise errors.FailedPreconditionError(
            None, ctx.op, "Attempting to use uninitialized value %s" % var.name) from None


def _write(ctx, i, value):
    value.flags.writeable = False
    ctx.state[ctx.op._inputs[i].op] = value


def _scalars(ctx, names, values):
    for name, x in zip(names, values):
        if np.ndim(x) != 0:
            raise errors.InvalidArgumentError(None, ctx.op, "%s is not a scalar: %s"
                                              % (name, list(np.shape(x))))


def _same(ctx, a, other, b):
    if a.shape != np.shape(b):
        raise errors.InvalidArgumentError(
            None, ctx.op, "var and %s do not have the same shape%s %s"
            % (other, list(a.shape), list(np.shape(b))))


# -- ApplyGradientDescent ----------------------------------------------------------------
def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    """Plain gradient descent, in place: ``var ← var − alpha · delta``.

    Args:
        var: the variable (float, any shape).
        alpha: scalar learning rate.
        delta: the gradient, shaped like ``var``.

    Returns:
        The variable's new value.

    Example:
        >>> w = tf.Variable([1., 2.])
        >>> step = training_ops.apply_gradient_descent(w, 0.5, [2., 2.])   # w → [0., 1.]
    """
    return _apply_op("ApplyGradientDescent", [("var", var)],
                     [("alpha", alpha), ("delta", delta)], name,
                     {"use_locking": bool(use_locking)})


def _gd_kernel(ctx, alpha, delta):
    var = _read(ctx, 0)
    _scalars(ctx, ("alpha",), (alpha,))
    _same(ctx, var, "delta", delta)
    new = np.multiply(delta, alpha, out=...)
    np.subtract(var, new, out=new)
    _write(ctx, 0, new)
    return new


register("ApplyGradientDescent", _gd_kernel, _apply_shape(1, ("alpha",), None), NO_GRADIENT,
         ref_inputs=(0,), stateful=True)


# -- ApplyMomentum -----------------------------------------------------------------------
def apply_momentum(var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False,
                   name=None):
    """Momentum, in place::

        accum ← momentum · accum + grad
        var   ← var − lr · accum                              (use_nesterov=False)
        var   ← var − lr · grad − lr · momentum · accum       (use_nesterov=True)

    ``accum`` is the optimizer's slot, shaped like ``var``; ``lr`` and ``momentum``
    are scalars.  Returns the variable's new value.
    """
    return _apply_op("ApplyMomentum", [("var", var), ("accum", accum)],
                     [("lr", lr), ("grad", grad), ("momentum", momentum)], name,
                     {"use_locking": bool(use_locking), "use_nesterov": bool(use_nesterov)})


def _momentum_kernel(ctx, lr, grad, momentum):
    var, accum = _read(ctx, 0), _read(ctx, 1)
    _scalars(ctx, ("lr", "momentum"), (lr, momentum))
    _same(ctx, var, "accum", accum)
    _same(ctx, var, "grad", grad)
    acc = np.multiply(accum, momentum, out=...)
    acc += grad
    if ctx.attrs["use_nesterov"]:
        step = np.multiply(grad, lr, out=...)
        step += acc * (momentum * lr)
    else:
        step = np.multiply(acc, lr, out=...)
    np.subtract(var, step, out=step)
    _write(ctx, 1, acc)
    _write(ctx, 0, step)
    return step


register("ApplyMomentum", _momentum_kernel, _apply_shape(2, ("lr", "momentum"), 1),
         NO_GRADIENT, ref_inputs=(0, 1), stateful=True)


# -- ApplyAdagrad ------------------------------------------------------------------------
def apply_adagrad(var, accum, lr, grad, use_locking=False, update_slots=True, name=None):
    """Adagrad, in place::

        accum ← accum + grad²          (when update_slots)
        var   ← var − lr · grad / √accum

    Returns the variable's new value.
    """
    return _apply_op("ApplyAdagrad", [("var", var), ("accum", accum)],
                     [("lr", lr), ("grad", grad)], name,
                     {"use_locking": bool(use_locking), "update_slots": bool(update_slots)})


def _adagrad_kernel(ctx, lr, grad):
    var, accum = _read(ctx, 0), _read(ctx, 1)
    _scalars(ctx, ("lr",), (lr,))
    _same(ctx, var, "accum", accum)
    _same(ctx, var, "grad", grad)
    if ctx.attrs["update_slots"]:
        accum = np.add(np.square(grad), accum, out=...)
        _write(ctx, 1, accum)
    step = np.multiply(grad, lr, out=...)
    step /= np.sqrt(accum)
    np.subtract(var, step, out=step)
    _write(ctx, 0, step)
    return step


register("ApplyAdagrad", _adagrad_kernel, _apply_shape(2, ("lr",), None), NO_GRADIENT,
         ref_inputs=(0, 1), stateful=True)


# -- ApplyAdam ---------------------------------------------------------------------------
def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_locking=False, use_nesterov=False, name=None):
    """Adam, in place (``beta1_power`` = β₁ᵗ and ``beta2_power`` = β₂ᵗ at step t)::

        lr_t ← lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
        m    ← m + (grad − m) · (1 − β₁)          (= β₁ m + (1 − β₁) grad)
        v    ← v + (grad² − v) · (1 − β₂)         (= β₂ v + (1 − β₂) grad²)
        var  ← var − lr_t · m / (√v + ε)                                  (use_nesterov=False)
        var  ← var − lr_t · ((1 − β₁) grad + β₁ m) / (√v + ε)             (use_nesterov=True)

    ε is added to √v (not inside the root), as TensorFlow does.  Returns the
    variable's new value.
    """
    return _apply_op("ApplyAdam", [("var", var), ("m", m), ("v", v)],
                     [("beta1_power", beta1_power), ("beta2_power", beta2_power), ("lr", lr),
                      ("beta1", beta1), ("beta2", beta2), ("epsilon", epsilon),
                      ("grad", grad)], name,
                     {"use_locking": bool(use_locking), "use_nesterov": bool(use_nesterov)})


_ADAM_SCALARS = ("beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon")


def _adam_kernel(ctx, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad):
    var, m, v = _read(ctx, 0), _read(ctx, 1), _read(ctx, 2)
    _scalars(ctx, _ADAM_SCALARS, (beta1_power, beta2_power, lr, beta1, beta2, epsilon))
    _same(ctx, var, "m", m)
    _same(ctx, var, "v", v)
    _same(ctx, var, "grad", grad)
    alpha = lr * np.sqrt(1 - beta2_power) / (1 - beta1_power)
    # numba has no float16: half variables update in float32, rounded once at the end
    work = np.float32 if var.dtype == np.float16 else var.dtype
    t = np.dtype(work).type

    def flat(a):
        return np.ascontiguousarray(a, work).reshape(-1)

    step, m_new, v_new = (np.empty(var.shape, work) for _ in range(3))
    optimizer_kernels.adam(flat(var), flat(m), flat(v), flat(grad), t(alpha), t(1 - beta1),
                           t(1 - beta2), t(beta1), t(epsilon), bool(ctx.attrs["use_nesterov"]),
                           step.reshape(-1), m_new.reshape(-1), v_new.reshape(-1))
    step, m_new, v_new = (a.astype(var.dtype, copy=False) for a in (step, m_new, v_new))
    _write(ctx, 1, m_new)
    _write(ctx, 2, v_new)
    _write(ctx, 0, step)
    return step


register("ApplyAdam", _adam_kernel, _apply_shape(3, _ADAM_SCALARS, None), NO_GRADIENT,
         ref_inputs=(0, 1, 2), stateful=True)


# -- ApplyRMSProp ------------------------------------------------------------------------
def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False,
                   name=None):
    """RMSProp, in place::

        ms  ← ms + (grad² − ms) · (1 − rho)         (= rho ms + (1 − rho) grad²)
        mom ← momentum · mom + lr · grad / √(ms + ε)
        var ← var − mom

    Returns the variable's new value.
    """
    return _apply_op("ApplyRMSProp", [("var", var), ("ms", ms), ("mom", mom)],
                     [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon),
                      ("grad", grad)], name, {"use_locking": bool(use_locking)})


_RMS_SCALARS = ("lr", "rho", "momentum", "epsilon")


def _rms_kernel(ctx, lr, rho, momentum, epsilon, grad):
    var, ms, mom = _read(ctx, 0), _read(ctx, 1), _read(ctx, 2)
    _scalars(ctx, _RMS_SCALARS, (lr, rho, momentum, epsilon))
    _same(ctx, var, "ms", ms)
    _same(ctx, var, "mom", mom)
    _same(ctx, var, "grad", grad)
    ms_new = np.square(grad, out=...)
    ms_new -= ms
    ms_new *= 1 - rho
    ms_new += ms
    mom_new = _momentum_step(mom, momentum, grad, lr, np.add(ms_new, epsilon, out=...))
    _write(ctx, 1, ms_new)
    return _finish_rms(ctx, 2, var, mom_new)


def _momentum_step(mom, momentum, grad, lr, denom_sq):
    """``momentum · mom + lr · grad / √denom_sq`` (consumes ``denom_sq``)."""
    np.sqrt(denom_sq, out=denom_sq)
    step = np.multiply(grad, lr, out=...)
    step /= denom_sq
    step += mom * momentum
    return step


def _finish_rms(ctx, mom_index, var, mom_new):
    new = np.subtract(var, mom_new, out=...)
    _write(ctx, mom_index, mom_new)
    _write(ctx, 0, new)
    return new


register("ApplyRMSProp", _rms_kernel, _apply_shape(3, _RMS_SCALARS, None), NO_GRADIENT,
         ref_inputs=(0, 1, 2), stateful=True)


# -- ApplyCenteredRMSProp ------------------------------------------------------------------
def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                            use_locking=False, name=None):
    """Centered RMSProp (normalizes by the gradient's estimated variance), in place::

        ms  ← ms + (grad² − ms) · (1 − rho)
        mg  ← mg + (grad − mg) · (1 − rho)
        mom ← momentum · mom + lr · grad / √(ms − mg² + ε)
        var ← var − mom

    Returns the variable's new value.
    """
    return _apply_op("ApplyCenteredRMSProp",
                     [("var", var), ("mg", mg), ("ms", ms), ("mom", mom)],
                     [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon),
                      ("grad", grad)], name, {"use_locking": bool(use_locking)})


def _centered_rms_kernel(ctx, lr, rho, momentum, epsilon, grad):
    var, mg, ms, mom = _read(ctx, 0), _read(ctx, 1), _read(ctx, 2), _read(ctx, 3)
    _scalars(ctx, _RMS_SCALARS, (lr, rho, momentum, epsilon))
    for name, slot in (("mg", mg), ("ms", ms), ("mom", mom), ("grad", grad)):
        _same(ctx, var, name, slot)
    ms_new = np.square(grad, out=...)
    ms_new -= ms
    ms_new *= 1 - rho
    ms_new += ms
    mg_new = np.subtract(grad, mg, out=...)
    mg_new *= 1 - rho
    mg_new += mg
    denom = np.subtract(ms_new, np.square(mg_new), out=...)
    denom += epsilon
    mom_new = _momentum_step(mom, momentum, grad, lr, denom)
    _write(ctx, 1, mg_new)
    _write(ctx, 2, ms_new)
    return _finish_rms(ctx, 3, var, mom_new)


register("ApplyCenteredRMSProp", _centered_rms_kernel, _apply_shape(4, _RMS_SCALARS, None),
         NO_GRADIENT, ref_inputs=(0, 1, 2, 3), stateful=True)


# -- ApplyAdadelta -------------------------------------------------------------------------
def apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, use_locking=False,
                   name=None):
    """Adadelta, in place::

        accum        ← rho · accum + (1 − rho) · grad²
        update       ← √(accum_update + ε) / √(accum + ε) · grad
        accum_update ← rho · accum_update + (1 − rho) · update²
        var          ← var − lr · update

    (``update`` uses the old ``accum_update`` and the new ``accum``.)  Returns the
    variable's new value.
    """
    return _apply_op("ApplyAdadelta",
                     [("var", var), ("accum", accum), ("accum_update", accum_update)],
                     [("lr", lr), ("rho", rho), ("epsilon", epsilon), ("grad", grad)], name,
                     {"use_locking": bool(use_locking)})


def _adadelta_kernel(ctx, lr, rho, epsilon, grad):
    var, accum, accum_update = _read(ctx, 0), _read(ctx, 1), _read(ctx, 2)
    _scalars(ctx, ("lr", "rho", "epsilon"), (lr, rho, epsilon))
    _same(ctx, var, "accum", accum)
    _same(ctx, var, "accum_update", accum_update)
    _same(ctx, var, "grad", grad)
    acc_new = np.multiply(accum, rho, out=...)
    acc_new += np.square(grad) * (1 - rho)
    update = np.add(accum_update, epsilon, out=...)
    np.sqrt(update, out=update)
    update /= np.sqrt(acc_new + epsilon)
    update *= grad
    au_new = np.multiply(accum_update, rho, out=...)
    au_new += np.square(update) * (1 - rho)
    update *= lr
    np.subtract(var, update, out=update)
    _write(ctx, 1, acc_new)
    _write(ctx, 2, au_new)
    _write(ctx, 0, update)
    return update


register("ApplyAdadelta", _adadelta_kernel, _apply_shape(3, ("lr", "rho", "epsilon"), None),
         NO_GRADIENT, ref_inputs=(0, 1, 2), stateful=True)


# -- ApplyProximalGradientDescent ------------------------------------------------------------
def apply_proximal_gradient_descent(var, alpha, l1, l2, delta, use_locking=False, name=None):
    """Gradient descent followed by the proximal step of l1/l2 regularization (FOBOS)::

        prox ← var − alpha · delta
        var  ← sign(prox) · max(|prox| − alpha · l1, 0) / (1 + alpha · l2)

    (with ``l1 = 0`` this is ``prox / (1 + alpha · l2)``).  Returns the new value.
    """
    return _apply_op("ApplyProximalGradientDescent", [("var", var)],
                     [("alpha", alpha), ("l1", l1), ("l2", l2), ("delta", delta)], name,
                     {"use_locking": bool(use_locking)})


def _proximal(prox, lr, l1, l2):
    """FOBOS shrinkage of ``prox`` (in place) with step ``lr`` (scalar or array)."""
    if l1 > 0:
        shrunk = np.abs(prox, out=...)
        shrunk -= lr * l1
        np.maximum(shrunk, 0, out=shrunk)
        np.sign(prox, out=prox)
        prox *= shrunk
    prox /= 1 + l2 * lr
    return prox


def _proximal_gd_kernel(ctx, alpha, l1, l2, delta):
    var = _read(ctx, 0)
    _scalars(ctx, ("alpha", "l1", "l2"), (alpha, l1, l2))
    _same(ctx, var, "delta", delta)
    prox = np.multiply(delta, alpha, out=...)
    np.subtract(var, prox, out=prox)
    new = _proximal(prox, alpha, l1, l2)
    _write(ctx, 0, new)
    return new


register("ApplyProximalGradientDescent", _proximal_gd_kernel,
         _apply_shape(1, ("alpha", "l1", "l2"), None), NO_GRADIENT, ref_inputs=(0,),
         stateful=True)


# -- ApplyProximalAdagrad --------------------------------------------------------------------
def apply_proximal_adagrad(var, accum, lr, l1, l2, grad, use_locking=False, name=None):
    """Adagrad's step size followed by the proximal l1/l2 step (FOBOS)::

        accum ← accum + grad²
        lr_t  ← lr / √accum                      (element-wise)
        prox  ← var − lr_t · grad
        var   ← sign(prox) · max(|prox| − lr_t · l1, 0) / (1 + lr_t · l2)

    Returns the variable's new value.
    """
    return _apply_op("ApplyProximalAdagrad", [("var", var), ("accum", accum)],
                     [("lr", lr), ("l1", l1), ("l2", l2), ("grad", grad)], name,
                     {"use_locking": bool(use_locking)})


def _proximal_adagrad_kernel(ctx, lr, l1, l2, grad):
    var, accum = _read(ctx, 0), _read(ctx, 1)
    _scalars(ctx, ("lr", "l1", "l2"), (lr, l1, l2))
    _same(ctx, var, "accum", accum)
    _same(ctx, var, "grad", grad)
    acc_new = np.square(grad, out=...)
    acc_new += accum
    lr_t = np.sqrt(acc_new, out=...)
    np.divide(lr, lr_t, out=lr_t)
    prox = np.multiply(grad, lr_t, out=...)
    np.subtract(var, prox, out=prox)
    new = _proximal(prox, lr_t, l1, l2)
    _write(ctx, 1, acc_new)
    _write(ctx, 0, new)
    return new


register("ApplyProximalAdagrad", _proximal_adagrad_kernel,
         _apply_shape(2, ("lr", "l1", "l2"), None), NO_GRADIENT, ref_inputs=(0, 1),
         stateful=True)


# -- SparseApplyMomentum, SparseApplyAdagrad, SparseApplyRMSProp, SparseApplyCenteredRMSProp
def sparse_apply_momentum(var, accum, lr, grad, indices, momentum, use_locking=False,
                          use_nesterov=False, name=None):
    """``apply_momentum`` on the rows ``indices`` of ``var`` and ``accum`` only.

    ``grad`` holds one row per index: shape ``[len(indices)] + var.shape[1:]``.
    """
    return _apply_op("SparseApplyMomentum", [("var", var), ("accum", accum)],
                     [("lr", lr), ("grad", grad), ("indices", indices), ("momentum", momentum)],
                     name, {"use_locking": bool(use_locking), "use_nesterov": bool(use_nesterov)})


def sparse_apply_adagrad(var, accum, lr, grad, indices, use_locking=False, update_slots=True,
                         name=None):
    """``apply_adagrad`` on the rows ``indices`` of ``var`` and ``accum`` only."""
    return _apply_op("SparseApplyAdagrad", [("var", var), ("accum", accum)],
                     [("lr", lr), ("grad", grad), ("indices", indices)], name,
                     {"use_locking": bool(use_locking), "update_slots": bool(update_slots)})


def sparse_apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, indices,
                          use_locking=False, name=None):
    """``apply_rms_prop`` on the rows ``indices`` of ``var``, ``ms`` and ``mom`` only."""
    return _apply_op("SparseApplyRMSProp", [("var", var), ("ms", ms), ("mom", mom)],
                     [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon),
                      ("grad", grad), ("indices", indices)], name,
                     {"use_locking": bool(use_locking)})


def sparse_apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, indices,
                                   use_locking=False, name=None):
    """``apply_centered_rms_prop`` on the rows ``indices`` only."""
    return _apply_op("SparseApplyCenteredRMSProp",
                     [("var", var), ("mg", mg), ("ms", ms), ("mom", mom)],
                     [("lr", lr), ("rho", rho), ("momentum", momentum), ("epsilon", epsilon),
                      ("grad", grad), ("indices", indices)], name,
                     {"use_locking": bool(use_locking)})


def _sparse_step(n_refs, scalar_names, grad_at, step):
    """A SparseApply kernel: checks, then ``step(ctx, rows_of_each_ref, grad, idx, *scalars)``.

    The value inputs are scalars with ``grad`` and ``indices`` at ``grad_at``
    (last, but for Momentum, whose ``momentum`` follows them as in TF).
    """
    def kernel(ctx, *args):
        grad, indices = args[grad_at], args[grad_at + 1]
        scalars = args[:grad_at] + args[grad_at + 2:]
        _scalars(ctx, scalar_names, scalars)
        held = [writable_rows(ctx, i) for i in range(n_refs)]
        try:
            var = held[0][0]
            for (value, _), arg in zip(held[1:], ("accum", "ms", "mom", "mg")):
                _same(ctx, var, arg, value)
            if np.ndim(indices) != 1:
                raise errors.InvalidArgumentError(None, ctx.op, "indices must be one-dimensional")
            if np.shape(grad) != (np.size(indices),) + var.shape[1:]:
                raise errors.InvalidArgumentError(
                    None, ctx.op, "grad must be the same size as indices in the first "
                    "dimension and match var beyond it: grad %s, indices %s, var %s"
                    % (list(np.shape(grad)), list(np.shape(indices)), list(var.shape)))
            idx = check_indices(ctx, indices, var.shape[0],
                                "Index %(index)d at offset %(offset)d in indices is out of range")
            if idx.size == 0:  # a shard no id reached this step: nothing to update
                return var
            rows = [r for _, r in held]
            if var.dtype in kernels.JIT_DTYPES:
                step(ctx, rows, grad.reshape(idx.size, -1), idx, *scalars)
            else:  # float16: step in float32, then store back
                wide = [r.astype(np.float32) for r in rows]
                step(ctx, wide, grad.reshape(idx.size, -1).astype(np.float32), idx,
                     *[np.float32(x) for x in scalars])
                for r, w in zip(rows, wide):
                    r[...] = w
        finally:
            for value, _ in held:
                seal(value)
        return var
    return kernel


def _momentum_rows(ctx, rows, grad, idx, lr, momentum):
    var, accum = rows
    kernels.momentum_rows(var, accum, lr, grad, idx, momentum, ctx.attrs["use_nesterov"])


def _adagrad_rows(ctx, rows, grad, idx, lr):
    var, accum = rows
    kernels.adagrad_rows(var, accum, lr, grad, idx, ctx.attrs["update_slots"])


def _rms_rows(ctx, rows, grad, idx, lr, rho, momentum, epsilon):
    var, ms, mom = rows
    kernels.rms_prop_rows(var, ms, ms, mom, lr, rho, momentum, epsilon, grad, idx, False)


def _centered_rms_rows(ctx, rows, grad, idx, lr, rho, momentum, epsilon):
    var, mg, ms, mom = rows
    kernels.rms_prop_rows(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, idx, True)


def _sparse_shape(n_refs, grad_at):
    """Refs share var's shape; ``grad`` is ``[len(indices)] + var.shape[1:]``."""
    def shape_fn(op):
        ins = op._inputs
        shape = ins[0].shape
        for t in ins[1:n_refs]:
            shape = _merge(shape, t.shape)
        values = ins[n_refs:]
        grad, indices = values[grad_at], values[grad_at + 1]
        for t in values[:grad_at] + values[grad_at + 2:]:
            if t.shape.ndims not in (None, 0):
                raise ValueError("Shape must be rank 0 but is rank %d for '%s' (op: '%s')"
                                 % (t.shape.ndims, op.name, op.type))
        if indices.shape.ndims not in (None, 1):
            raise ValueError("Shape must be rank 1 but is rank %d for 'indices' of '%s'"
                             % (indices.shape.ndims, op.name))
        if grad.shape.ndims is not None and shape.ndims is not None:
            want = TensorShape([indices.shape.as_list()[0] if indices.shape.ndims else None]
                               + shape.as_list()[1:])
            if not grad.shape.is_compatible_with(want):
                raise ValueError("Shapes %s and %s are incompatible: grad must be "
                                 "[len(indices)] + var.shape[1:]" % (grad.shape, want))
        return [shape]
    return shape_fn


for _type, _refs, _names, _grad_at, _step in (
        ("SparseApplyMomentum", 2, ("lr", "momentum"), 1, _momentum_rows),
        ("SparseApplyAdagrad", 2, ("lr",), 1, _adagrad_rows),
        ("SparseApplyRMSProp", 3, _RMS_SCALARS, 4, _rms_rows),
        ("SparseApplyCenteredRMSProp", 4, _RMS_SCALARS, 4, _centered_rms_rows)):
    register(_type, _sparse_step(_refs, _names, _grad_at, _step),
             _sparse_shape(_refs, _grad_at), NO_GRADIENT, ref_inputs=tuple(range(_refs)),
             stateful=True)
