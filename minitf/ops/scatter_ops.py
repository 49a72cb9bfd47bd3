"""Updating some rows of a variable in place: ``ScatterUpdate``, ``ScatterAdd`` and friends.

Dense updates (``Assign``, the ``Apply*`` ops) store a new array; a scatter op
instead rewrites the rows it names inside the stored one, as TF 1.x's
reference variables do, so its cost is the rows touched, not the whole
variable.  That is safe because the session owns every stored array (``Assign``
copies what it stores) and hands out copies of read-only arrays when a run
returns them; an op that read the variable earlier in the same run sees the
new rows, which is TF's reference semantics too.

``updates`` has shape ``indices.shape + ref.shape[1:]`` (or is a scalar, used
for every row).  Repeated indices are applied one after another: ``add`` sums
them, ``update`` keeps the last.
"""
import numpy as np

from minitf.framework import errors
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.kernels import scatter as kernels
from minitf.ops.op_util import (NUMERIC, check_dtype, index_tensor, make_op, op_scope,
                                variable_ref)

__all__ = ["scatter_add", "scatter_div", "scatter_max", "scatter_min", "scatter_mul",
           "scatter_sub", "scatter_update"]


# -- shared by the scatter ops and the sparse optimizer steps (training_ops) -------------
def writable_rows(ctx, i):
    """The stored value of the variable named by input ``i``, as a writable 2-D array.

    Returns ``(value, rows)``: ``rows`` is ``value`` seen as ``[rows, features]``
    (a view, so writing it writes ``value``).  Call ``seal(value)`` when done.
    """
    var = ctx.op._inputs[i].op
    try:
        value = ctx.state[var]
    except KeyError:
        raise errors.FailedPreconditionError(
            None, ctx.op, "Attempting to use uninitialized value %s" % var.name) from None
    if value.ndim == 0:
        raise errors.InvalidArgumentError(None, ctx.op, "%s must be at least 1-D, got a "
                                          "scalar" % ("ref" if i == 0 else "slot"))
    if value.base is not None or not value.flags.c_contiguous:
        value = np.array(value)  # not ours to write: take a private copy once
        ctx.state[var] = value
    value.flags.writeable = True
    return value, value.reshape(value.shape[0], -1)


def seal(value):
    """Mark a stored value read-only again, so a fetch of it returns a copy."""
    value.flags.writeable = False


def check_indices(ctx, indices, rows,
                  message="indices[%(offset)d] = %(index)d is not in [0, %(rows)d)"):
    """Raise InvalidArgumentError for the first index outside ``[0, rows)``."""
    flat = np.ravel(indices)
    if flat.size and (flat.min() < 0 or flat.max() >= rows):
        k = int(np.argmax((flat < 0) | (flat >= rows)))
        raise errors.InvalidArgumentError(
            None, ctx.op, message % {"offset": k, "index": int(flat[k]), "rows": rows})
    return flat.astype(np.int64, copy=False)


# -- the Scatter* ops --------------------------------------------------------------------
_MODES = {"ScatterUpdate": kernels.UPDATE, "ScatterAdd": kernels.ADD,
          "ScatterSub": kernels.SUB, "ScatterMul": kernels.MUL, "ScatterDiv": kernels.DIV,
          "ScatterMin": kernels.MIN, "ScatterMax": kernels.MAX}
# Other dtypes (integers, float16) take numpy's ufunc.at, which also applies repeats
# in order.
_UFUNCS = {kernels.ADD: np.add, kernels.SUB: np.subtract, kernels.MUL: np.multiply,
           kernels.DIV: np.divide, kernels.MIN: np.minimum, kernels.MAX: np.maximum}


def _scatter(op_type, ref, indices, updates, use_locking, name):
    var = variable_ref(ref)
    if getattr(var, "op", None) is None or var.op.type != "VariableV2":
        raise TypeError("'%s' needs a variable for input 'ref', got %r" % (op_type, ref))
    with op_scope(name, op_type, [var]) as scope:
        check_dtype(op_type, var, NUMERIC, "ref")
        idx = index_tensor(indices, "indices")
        upd = convert_to_tensor(updates, dtype=var.dtype, name="updates")
        return make_op(op_type, [var, idx, upd], [var.dtype], scope,
                       {"use_locking": bool(use_locking), "T": var.dtype,
                        "Tindices": idx.dtype})._outputs[0]


def _scatter_kernel(ctx, indices, updates):
    value, rows = writable_rows(ctx, 0)
    try:
        n = np.size(indices)
        want = np.shape(indices) + value.shape[1:]
        if np.ndim(updates) == 0:
            updates = np.full(want, updates, dtype=value.dtype)
        elif np.shape(updates) != want:
            raise errors.InvalidArgumentError(
                None, ctx.op, "Must have updates.shape = indices.shape + params.shape[1:] or "
                "updates.shape = [], got updates.shape %s, indices.shape %s, params.shape %s"
                % (list(np.shape(updates)), list(np.shape(indices)), list(value.shape)))
        idx = check_indices(ctx, indices, value.shape[0])
        upd = np.ascontiguousarray(updates, dtype=value.dtype).reshape(n, rows.shape[1])
        mode = _MODES[ctx.op.type]
        if value.dtype in kernels.JIT_DTYPES:
            kernels.scatter_rows(rows, idx, upd, mode)
        elif mode == kernels.UPDATE:
            rows[idx] = upd
        elif mode == kernels.DIV and value.dtype.kind != "f":
            for k, r in enumerate(idx):  # C's integer division truncates toward zero
                rows[r] = np.trunc(rows[r] / upd[k])
        else:
            _UFUNCS[mode].at(rows, idx, upd)
    finally:
        seal(value)
    return value


def _scatter_shape(op):
    var, idx, upd = op._inputs
    if upd.shape.ndims not in (None, 0) and idx.shape.ndims is not None \
            and var.shape.ndims is not None:
        want = TensorShape(idx.shape.as_list() + var.shape.as_list()[1:])
        if not upd.shape.is_compatible_with(want):
            raise ValueError("Shapes %s and %s are incompatible: updates must have shape "
                             "indices.shape + ref.shape[1:]" % (upd.shape, want))
    return [var.shape]


for _type in _MODES:
    register(_type, _scatter_kernel, _scatter_shape, NO_GRADIENT, ref_inputs=(0,),
             stateful=True)


def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """Set rows: ``ref[indices[i], ...] = updates[i, ...]`` (the last repeat wins).

    Returns the variable's value after the update.

    Example:
        >>> v = tf.Variable([[1., 1.], [2., 2.], [3., 3.]])
        >>> tf.scatter_update(v, [2, 0], [[9., 9.], [7., 7.]])   # [[7,7],[2,2],[9,9]]
    """
    return _scatter("ScatterUpdate", ref, indices, updates, use_locking, name)


def scatter_add(ref, indices, updates, use_locking=False, name=None):
    """Add to rows: ``ref[indices[i], ...] += updates[i, ...]`` (repeats add up).

    Example:
        >>> v = tf.Variable([0., 0., 0.])
        >>> tf.scatter_add(v, [1, 1, 2], [1., 2., 5.])           # [0, 3, 5]
    """
    return _scatter("ScatterAdd", ref, indices, updates, use_locking, name)


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    """Subtract from rows: ``ref[indices[i], ...] -= updates[i, ...]``."""
    return _scatter("ScatterSub", ref, indices, updates, use_locking, name)


def scatter_mul(ref, indices, updates, use_locking=False, name=None):
    """Multiply rows: ``ref[indices[i], ...] *= updates[i, ...]``."""
    return _scatter("ScatterMul", ref, indices, updates, use_locking, name)


def scatter_div(ref, indices, updates, use_locking=False, name=None):
    """Divide rows: ``ref[indices[i], ...] /= updates[i, ...]`` (integers truncate, as C)."""
    return _scatter("ScatterDiv", ref, indices, updates, use_locking, name)


def scatter_min(ref, indices, updates, use_locking=False, name=None):
    """Row-wise minimum: ``ref[indices[i], ...] = min(ref[...], updates[i, ...])``."""
    return _scatter("ScatterMin", ref, indices, updates, use_locking, name)


def scatter_max(ref, indices, updates, use_locking=False, name=None):
    """Row-wise maximum: ``ref[indices[i], ...] = max(ref[...], updates[i, ...])``."""
    return _scatter("ScatterMax", ref, indices, updates, use_locking, name)
