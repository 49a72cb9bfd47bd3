"""Fused optimizer updates: one pass over the variable and its slots.

The numpy form of Adam takes eleven passes over arrays the size of the
variable (a 3136x1024 layer is 12.8 MB each), so it runs at memory speed
eleven times over; this loop reads each entry once and writes the three new
values.  Arithmetic stays in the variable's dtype, in the order of the numpy
formula, so both give the same rounding.
"""
import math

from numba import njit


@njit(cache=True)
def adam(var, m, v, grad, alpha, one_minus_beta1, one_minus_beta2, beta1, epsilon, nesterov,
         var_out, m_out, v_out):
    """Flat arrays in, new ``var``, ``m``, ``v`` out (see ``training_ops.apply_adam``)."""
    for i in range(var.size):
        g = grad[i]
        mi = m[i] + (g - m[i]) * one_minus_beta1
        vi = v[i] + (g * g - v[i]) * one_minus_beta2
        m_out[i] = mi
        v_out[i] = vi
        step = (g * one_minus_beta1 + beta1 * mi) * alpha if nesterov else mi * alpha
        var_out[i] = var[i] - step / (math.sqrt(vi) + epsilon)
