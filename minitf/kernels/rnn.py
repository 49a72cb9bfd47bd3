"""A GRU over a whole sequence in one call, forward and backward (BPTT).

The generic ``dynamic_rnn`` runs a ``while_loop`` whose body multiplies
``[x_t, h]`` by the kernels at every step and, in the gradient, adds up the
weight gradients one step at a time.  Here the input halves of the matmuls are
done once for all steps (one ``[T·B, D]`` product) and so are the weight
gradients (one product over all steps), which leaves only the recurrent
``[B, H] · [H, ·]`` products inside the time loop.  Same equations as
``GRUCell`` with TF's ``sequence_length`` rule: a sequence past its length emits
zeros and keeps its state.
"""
import numpy as np

from minitf.kernels.blas import matmul, one_thread


def _sigmoid(z, out):
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)
    return out


def gru_sequence(x, h0, steps, live, wg, bg, wc, bc):
    """Run the GRU over ``x`` [T, B, D] from ``h0`` [B, H] for ``steps`` steps.

    ``live`` [T, B] says which (step, sequence) pairs are real (None: all are).
    Returns ``outputs`` [T, B, H], the final state and what the gradient needs:
    the gates [T, B, 2H], the candidates [T, B, H] and each step's input state.
    """
    t_max, b, d = x.shape
    n = h0.shape[1]
    xg = (matmul(x.reshape(t_max * b, d), wg[:d]) + bg).reshape(t_max, b, 2 * n)
    xc = (matmul(x.reshape(t_max * b, d), wc[:d]) + bc).reshape(t_max, b, n)
    wgh, wch = wg[d:], wc[d:]
    outputs = np.zeros((t_max, b, n), x.dtype)
    gates = np.zeros((t_max, b, 2 * n), x.dtype)
    cand = np.zeros((t_max, b, n), x.dtype)
    h_in = np.zeros((t_max, b, n), x.dtype)
    h = h0.astype(x.dtype, copy=True)
    every = None if live is None else live.all(axis=1)
    with one_thread():  # every product in the loop is small
        for t in range(steps):
            h_in[t] = h
            g = gates[t]
            np.add(xg[t], h @ wgh, out=g)
            _sigmoid(g, g)
            r, u = g[:, :n], g[:, n:]
            c = cand[t]
            np.add(xc[t], (r * h) @ wch, out=c)
            np.tanh(c, out=c)
            new = c + u * (h - c)  # u·h + (1 − u)·c
            if live is None or every[t]:
                outputs[t] = new
                h = new
            else:  # some sequences have ended: they emit zeros and keep their state
                m = live[t][:, None]
                np.copyto(outputs[t], new, where=m)
                h = h.copy()
                np.copyto(h, new, where=m)
    return outputs, h, gates, cand, h_in


def gru_sequence_grad(x, steps, live, wg, wc, gates, cand, h_in, d_out, d_final):
    """Gradients of ``gru_sequence`` w.r.t. x, h0, wg, bg, wc, bc, given the upstream
    gradients of the outputs [T, B, H] and of the final state [B, H]."""
    t_max, b, d = x.shape
    n = d_final.shape[1]
    wgh_t, wch_t = wg[d:].T, wc[d:].T
    d_zg = np.zeros((t_max, b, 2 * n), x.dtype)
    d_zc = np.zeros((t_max, b, n), x.dtype)
    dh = d_final.astype(x.dtype, copy=True)
    every = None if live is None else live.all(axis=1)
    with one_thread():
        for t in range(steps - 1, -1, -1):
            h, c, g = h_in[t], cand[t], gates[t]
            r, u = g[:, :n], g[:, n:]
            if live is None or every[t]:
                d_new, carry = d_out[t] + dh, 0
            else:
                m = live[t][:, None]
                d_new, carry = np.where(m, d_out[t] + dh, 0), np.where(m, 0, dh)
            dzc = d_zc[t]
            np.multiply(d_new * (1 - u), 1 - c * c, out=dzc)
            d_rh = dzc @ wch_t
            dzg = d_zg[t]
            dzg[:, :n] = d_rh * h
            dzg[:, n:] = d_new * (h - c)
            dzg *= g * (1 - g)
            dh = d_new * u + d_rh * r + dzg @ wgh_t + carry
    flat_x = x.reshape(t_max * b, d)
    flat_g = d_zg.reshape(t_max * b, 2 * n)
    flat_c = d_zc.reshape(t_max * b, n)
    dx = (matmul(flat_g, wg[:d].T) + matmul(flat_c, wc[:d].T)).reshape(t_max, b, d)
    rh = (gates[:, :, :n] * h_in).reshape(t_max * b, n)
    dwg = np.concatenate([matmul(flat_x.T, flat_g), matmul(h_in.reshape(t_max * b, n).T, flat_g)])
    dwc = np.concatenate([matmul(flat_x.T, flat_c), matmul(rh.T, flat_c)])
    return dx, dh, dwg, flat_g.sum(0), dwc, flat_c.sum(0)
