"""Convolution and pooling on NHWC arrays.

Convolution is im2col followed by one BLAS product: a numba loop copies each
output pixel's receptive field into one row of a patch matrix, and the filter
bank multiplies it at BLAS speed.  Measured on the MNIST convnet's layers this
beats a direct numba convolution loop several times over, since that loop
cannot block for the cache as BLAS does.  The input gradient is the same in
reverse: one product, then the rows added back into the image (col2im).

Max pooling's gradient must go to the *first* maximum of each window, as TF's
CPU kernel sends it; that needs a scan per window, so it is a numba loop.

A ``Window`` holds one spatial geometry (filter size, strides, dilations and
padding resolved to pad amounts and an output size) for both spatial axes.
"""
import numpy as np
from numba import njit

from minitf.kernels import blas


def output_size(size, k, stride, dilation, padding):
    """(output size, pad before, pad after) along one axis, by TF's rule.

    SAME gives ``ceil(size / stride)`` outputs and pads the shortfall, the odd
    pixel going after (bottom/right).  VALID pads nothing; its size may come
    out zero or negative, which the caller reports.
    """
    eff = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + eff - size, 0)
        return out, total // 2, total - total // 2
    return (size - eff + stride) // stride, 0, 0


class Window:
    """The geometry of a 2-D window sliding over an ``[h, w]`` image."""

    __slots__ = ("kh", "kw", "sh", "sw", "dh", "dw", "ho", "wo", "pt", "pb", "pl", "pr")

    def __init__(self, h, w, kh, kw, strides, dilations, padding):
        self.kh, self.kw = kh, kw
        (self.sh, self.sw), (self.dh, self.dw) = strides, dilations
        self.ho, self.pt, self.pb = output_size(h, kh, self.sh, self.dh, padding)
        self.wo, self.pl, self.pr = output_size(w, kw, self.sw, self.dw, padding)

    def key(self):
        """The geometry as a tuple: equal keys slide the same window over the same image."""
        return tuple(getattr(self, name) for name in self.__slots__)

    def taps(self):
        """``(a, b, rows, cols)`` per filter tap: the slices of the padded image it reads."""
        for a in range(self.kh):
            r0 = a * self.dh
            rows = slice(r0, r0 + self.sh * (self.ho - 1) + 1, self.sh)
            for b in range(self.kw):
                c0 = b * self.dw
                yield a, b, rows, slice(c0, c0 + self.sw * (self.wo - 1) + 1, self.sw)

    def pad(self, x, value=0):
        if not (self.pt or self.pb or self.pl or self.pr):
            return x
        return np.pad(x, ((0, 0), (self.pt, self.pb), (self.pl, self.pr), (0, 0)),
                      constant_values=value)

    def padded_zeros(self, shape, dtype):
        n, h, w, c = shape
        return np.zeros((n, h + self.pt + self.pb, w + self.pl + self.pr, c), dtype)

    def crop(self, xp, h, w):
        return xp[:, self.pt:self.pt + h, self.pl:self.pl + w, :]


# == convolution ======================================================================
@njit(cache=True)
def _im2col(x, kh, kw, sh, sw, dh, dw, pt, pl, ho, wo, cols):
    n, h, w, c = x.shape
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                for a in range(kh):
                    r = i * sh + a * dh - pt
                    for q in range(kw):
                        s = j * sw + q * dw - pl
                        inside = 0 <= r < h and 0 <= s < w
                        for ch in range(c):
                            cols[b, i, j, a, q, ch] = x[b, r, s, ch] if inside else 0


@njit(cache=True)
def _col2im(cols, kh, kw, sh, sw, dh, dw, pt, pl, dx):
    n, h, w, c = dx.shape
    ho, wo = cols.shape[1], cols.shape[2]
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                for a in range(kh):
                    r = i * sh + a * dh - pt
                    if r < 0 or r >= h:
                        continue
                    for q in range(kw):
                        s = j * sw + q * dw - pl
                        if 0 <= s < w:
                            for ch in range(c):
                                dx[b, r, s, ch] += cols[b, i, j, a, q, ch]


def im2col(x, win):
    """Patches ``[n, ho, wo, kh, kw, c]`` of the NHWC image ``x`` (zeros in the padding).

    A numba loop writes each patch row of ``kh · kw · c`` values in order; numpy's
    strided copies (one per tap) were 5-10x slower, as each moves only ``c`` values
    between jumps.
    """
    n, _, _, c = x.shape
    cols = np.empty((n, win.ho, win.wo, win.kh, win.kw, c), x.dtype)
    _im2col(np.ascontiguousarray(x), win.kh, win.kw, win.sh, win.sw, win.dh, win.dw, win.pt,
            win.pl, win.ho, win.wo, cols)
    return cols


def col2im(cols, shape, win):
    """The adjoint of ``im2col``: add each patch entry back to the pixel it came from."""
    dx = np.zeros(shape, cols.dtype)
    _col2im(np.ascontiguousarray(cols), win.kh, win.kw, win.sh, win.sw, win.dh, win.dw, win.pt,
            win.pl, dx)
    return dx


def patches(x, win):
    """``im2col`` as the matrix ``[n·ho·wo, kh·kw·c]`` that conv2d and its filter gradient use."""
    return im2col(x, win).reshape(-1, win.kh * win.kw * x.shape[3])


def conv2d(x, f, win, cols=None):
    """``y[n,i,j,o] = Σ x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, c] · f[a,b,c,o]``.

    ``cols`` may pass in ``patches(x, win)`` when the caller has them already.
    """
    cols = patches(x, win) if cols is None else cols
    o = f.shape[3]
    return blas.matmul(cols, f.reshape(-1, o)).reshape(x.shape[0], win.ho, win.wo, o)


def conv2d_backprop_filter(x, filter_shape, dy, win, cols=None):
    """∂L/∂f for ``y = conv2d(x, f)``, given ``dy = ∂L/∂y`` (and optionally ``patches(x)``)."""
    cols = patches(x, win) if cols is None else cols
    return blas.matmul(cols.T, dy.reshape(-1, filter_shape[3])).reshape(filter_shape)


def conv2d_backprop_input(input_shape, f, dy, win):
    """∂L/∂x for ``y = conv2d(x, f)``, given ``dy = ∂L/∂y``."""
    kh, kw, c, o = f.shape
    dcols = blas.matmul(dy.reshape(-1, o), f.reshape(-1, o).T)
    return col2im(dcols.reshape(dy.shape[:3] + (kh, kw, c)), input_shape, win)


def depthwise_conv2d(x, f, win):
    """``y[n,i,j,c·m + k] = Σ_ab x[n, ·, ·, c] · f[a,b,c,k]``: each channel with its own filters."""
    n, _, _, c = x.shape
    m = f.shape[3]
    xp = win.pad(x)
    y = np.zeros((n, win.ho, win.wo, c, m), np.result_type(x, f))
    for a, b, rows, cs in win.taps():
        y += xp[:, rows, cs, :, None] * f[a, b]
    return y.reshape(n, win.ho, win.wo, c * m)


def depthwise_backprop_filter(x, filter_shape, dy, win):
    kh, kw, c, m = filter_shape
    xp = win.pad(x)
    dy = dy.reshape(dy.shape[:3] + (c, m))
    df = np.empty(filter_shape, dy.dtype)
    for a, b, rows, cs in win.taps():
        df[a, b] = np.einsum("nijc,nijcm->cm", xp[:, rows, cs, :], dy)
    return df


def depthwise_backprop_input(input_shape, f, dy, win):
    c, m = f.shape[2:]
    dy = dy.reshape(dy.shape[:3] + (c, m))
    dxp = win.padded_zeros(input_shape, dy.dtype)
    for a, b, rows, cs in win.taps():
        dxp[:, rows, cs, :] += np.einsum("nijcm,cm->nijc", dy, f[a, b])
    return win.crop(dxp, input_shape[1], input_shape[2])


# == pooling ==========================================================================
def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def max_pool(x, win):
    """The maximum of each window; padding never wins (it is the dtype's lowest value)."""
    xp = win.pad(x, _lowest(x.dtype))
    out = None
    for _, _, rows, cs in win.taps():
        view = xp[:, rows, cs, :]
        out = view.copy() if out is None else np.maximum(out, view, out=out)
    return out


def _window_counts(shape, win):
    """How many real (unpadded) pixels each window covers, shaped ``[1, ho, wo, 1]``."""
    ones = win.pad(np.ones((1, shape[1], shape[2], 1)))
    count = np.zeros((1, win.ho, win.wo, 1))
    for _, _, rows, cs in win.taps():
        count += ones[:, rows, cs, :]
    return count


def avg_pool(x, win):
    """The mean of each window over its real pixels (TF leaves padding out of the count)."""
    xp = win.pad(x)
    total = np.zeros((x.shape[0], win.ho, win.wo, x.shape[3]), x.dtype)
    for _, _, rows, cs in win.taps():
        total += xp[:, rows, cs, :]
    return (total / _window_counts(x.shape, win)).astype(x.dtype)


def avg_pool_grad(input_shape, dy, win):
    share = (dy / _window_counts(input_shape, win)).astype(dy.dtype)
    dxp = win.padded_zeros(input_shape, dy.dtype)
    for _, _, rows, cs in win.taps():
        dxp[:, rows, cs, :] += share
    return win.crop(dxp, input_shape[1], input_shape[2])


@njit(cache=True)
def _first_argmax(x, kh, kw, sh, sw, pt, pl, ho, wo):
    n, h, w, c = x.shape
    out = np.full((n, ho, wo, c), -1, np.int64)
    top = np.empty(c, x.dtype)
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                best = out[b, i, j]
                for a in range(kh):  # scan order a, then q: the first maximum stays
                    r = i * sh + a - pt
                    if r < 0 or r >= h:
                        continue
                    for q in range(kw):
                        s = j * sw + q - pl
                        if s < 0 or s >= w:
                            continue
                        base = (r * w + s) * c
                        for ch in range(c):
                            v = x[b, r, s, ch]
                            if best[ch] < 0 or v > top[ch]:
                                best[ch], top[ch] = base + ch, v
    return out


def max_pool_argmax(x, win):
    """Per window, the flat index ``(row · w + col) · c + channel`` of its first maximum."""
    return _first_argmax(np.ascontiguousarray(x), win.kh, win.kw, win.sh, win.sw, win.pt,
                         win.pl, win.ho, win.wo)


@njit(cache=True)
def _scatter_rows(index, values, out):
    for b in range(index.shape[0]):
        for k in range(index.shape[1]):
            out[b, index[b, k]] += values[b, k]


def unpool(argmax, dy, input_shape):
    """Add each ``dy`` entry to the input pixel ``argmax`` names (max pooling's gradient)."""
    n = input_shape[0]
    out = np.zeros((n, int(np.prod(input_shape[1:]))), dy.dtype)
    _scatter_rows(argmax.reshape(n, -1), np.ascontiguousarray(dy).reshape(n, -1), out)
    return out.reshape(input_shape)


def gather_pooled(argmax, dx):
    """``dx`` read at each window's maximum (the gradient of ``unpool`` with respect to dy)."""
    n = dx.shape[0]
    return np.take_along_axis(dx.reshape(n, -1), argmax.reshape(n, -1), 1).reshape(argmax.shape)
