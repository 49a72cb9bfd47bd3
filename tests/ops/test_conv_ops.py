"""Convolution and pooling against direct loops over every output pixel and filter tap.

The references below share nothing with the kernels (no im2col, no window
views): they walk ``(n, i, j, a, b)``, find the input pixel TF's formula names,
and skip it when it falls in the padding.  SAME's padding is computed from TF's
documented rule: ``out = ceil(in / stride)``, ``pad = max((out - 1)·stride +
(k - 1)·dilation + 1 - in, 0)``, with ``pad // 2`` before and the rest after.
"""
import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

import minitf as tf
from minitf.ops import conv_ops, pooling_ops
from tests.ops.optest import Case, check_forward, check_gradient

RNG = np.random.RandomState(7)


def normal(shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


# == references ===========================================================================
def geometry(size, k, stride, dilation, padding):
    eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - eff) // stride + 1, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + eff - size, 0) // 2


def taps(x_shape, k_hw, strides, padding, dilations=(1, 1)):
    """Every (n, i, j, a, b, r, s): output pixel (i, j), filter tap (a, b), input pixel (r, s)."""
    n, h, w = x_shape[:3]
    ho, pt = geometry(h, k_hw[0], strides[0], dilations[0], padding)
    wo, pl = geometry(w, k_hw[1], strides[1], dilations[1], padding)
    for b, i, j, a, q in itertools.product(range(n), range(ho), range(wo), range(k_hw[0]),
                                           range(k_hw[1])):
        r, s = i * strides[0] + a * dilations[0] - pt, j * strides[1] + q * dilations[1] - pl
        if 0 <= r < h and 0 <= s < w:
            yield b, i, j, a, q, r, s


def out_hw(x_shape, k_hw, strides, padding, dilations=(1, 1)):
    return (geometry(x_shape[1], k_hw[0], strides[0], dilations[0], padding)[0],
            geometry(x_shape[2], k_hw[1], strides[1], dilations[1], padding)[0])


def ref_conv(x, f, strides, padding, dilations=(1, 1)):
    x, f = x.astype(np.float64), f.astype(np.float64)
    ho, wo = out_hw(x.shape, f.shape, strides, padding, dilations)
    y = np.zeros((x.shape[0], ho, wo, f.shape[3]))
    for b, i, j, a, q, r, s in taps(x.shape, f.shape, strides, padding, dilations):
        y[b, i, j] += x[b, r, s] @ f[a, q]
    return y


def ref_backprop_input(x_shape, f, dy, strides, padding, dilations=(1, 1)):
    dx = np.zeros(x_shape)
    for b, i, j, a, q, r, s in taps(x_shape, f.shape, strides, padding, dilations):
        dx[b, r, s] += f[a, q].astype(np.float64) @ dy[b, i, j]
    return dx


def ref_backprop_filter(x, f_shape, dy, strides, padding, dilations=(1, 1)):
    df = np.zeros(f_shape)
    for b, i, j, a, q, r, s in taps(x.shape, f_shape, strides, padding, dilations):
        df[a, q] += np.outer(x[b, r, s], dy[b, i, j])
    return df


def ref_depthwise(x, f, strides, padding, dilations=(1, 1)):
    ho, wo = out_hw(x.shape, f.shape, strides, padding, dilations)
    c, m = f.shape[2:]
    y = np.zeros((x.shape[0], ho, wo, c, m))
    for b, i, j, a, q, r, s in taps(x.shape, f.shape, strides, padding, dilations):
        y[b, i, j] += x[b, r, s][:, None] * f[a, q]
    return y.reshape(x.shape[0], ho, wo, c * m)


def ref_max_pool(x, k, strides, padding):
    ho, wo = out_hw(x.shape, k, strides, padding)
    y = np.full((x.shape[0], ho, wo, x.shape[3]), -np.inf)
    for b, i, j, a, q, r, s in taps(x.shape, k, strides, padding):
        y[b, i, j] = np.maximum(y[b, i, j], x[b, r, s])
    return y.astype(x.dtype)


def ref_argmax(x, k, strides, padding):
    """Flat ``(r·w + s)·c + ch`` of the first maximum in scan order (a, then b)."""
    ho, wo = out_hw(x.shape, k, strides, padding)
    n, _, w, c = x.shape
    best = np.full((n, ho, wo, c), -1)
    for b, i, j, a, q, r, s in taps(x.shape, k, strides, padding):
        for ch in range(c):
            old = best[b, i, j, ch]
            if old < 0 or x[b, r, s, ch] > x.reshape(n, -1)[b, old]:
                best[b, i, j, ch] = (r * w + s) * c + ch
    return best


def ref_avg_pool(x, k, strides, padding):
    ho, wo = out_hw(x.shape, k, strides, padding)
    total = np.zeros((x.shape[0], ho, wo, x.shape[3]))
    count = np.zeros((x.shape[0], ho, wo, 1))
    for b, i, j, a, q, r, s in taps(x.shape, k, strides, padding):
        total[b, i, j] += x[b, r, s]
        count[b, i, j] += 1
    return total / count


def nchw(a):
    return np.transpose(a, (0, 3, 1, 2))


def nhwc(a):
    return np.transpose(a, (0, 2, 3, 1))


# == the shape table ==========================================================================
# (input NHWC, filter hw + channels out, strides, padding, dilations): 1x1 filters, a filter
# larger than the input under SAME, even and odd sizes, strides larger than the filter, a
# batch of 1, a single channel, dilation.
GEOMETRIES = [
    ((2, 5, 5, 3), (3, 3, 4), (1, 1), "SAME", (1, 1)),
    ((2, 5, 5, 3), (3, 3, 4), (1, 1), "VALID", (1, 1)),
    ((1, 6, 4, 2), (1, 1, 3), (1, 1), "VALID", (1, 1)),
    ((1, 3, 2, 1), (5, 4, 2), (1, 1), "SAME", (1, 1)),
    ((2, 7, 6, 2), (2, 3, 2), (2, 2), "SAME", (1, 1)),
    ((1, 8, 7, 1), (2, 2, 3), (3, 4), "SAME", (1, 1)),
    ((1, 9, 8, 2), (2, 2, 2), (3, 3), "VALID", (1, 1)),
    ((2, 6, 7, 2), (3, 2, 2), (1, 1), "SAME", (2, 3)),
    ((1, 7, 7, 1), (3, 3, 1), (1, 1), "VALID", (2, 2)),
]


def _gid(geom):
    x, f, s, p, d = geom
    return "%s_k%dx%d_s%dx%d_d%dx%d_%s" % ("x".join(map(str, x)), f[0], f[1], *s, *d, p)


def _4(pair, fmt="NHWC"):
    return [1, pair[0], pair[1], 1] if fmt == "NHWC" else [1, 1, pair[0], pair[1]]


def conv_cases():
    cases = []
    for geom in GEOMETRIES:
        xs, (kh, kw, o), st, pad, dil = geom
        x, f = normal(xs), normal((kh, kw, xs[3], o))
        ho, wo = out_hw(xs, (kh, kw), st, pad, dil)
        dy = normal((xs[0], ho, wo, o))
        kw_args = dict(strides=_4(st), padding=pad, dilations=_4(dil))
        cases += [
            Case("Conv2D", lambda x, f, a=kw_args: tf.nn.conv2d(x, f, **a),
                 lambda x, f, g=geom: ref_conv(x, f, g[2], g[3], g[4]), [x, f],
                 rtol=1e-5, atol=1e-5, id="Conv2D_" + _gid(geom)),
            Case("Conv2DBackpropInput",
                 lambda s, f, dy, a=kw_args: tf.nn.conv2d_backprop_input(s, f, dy, **a),
                 lambda s, f, dy, g=geom: ref_backprop_input(tuple(s), f, dy, g[2], g[3], g[4]),
                 [np.array(xs, np.int32), f, dy], grad=[1, 2], rtol=1e-5, atol=1e-5,
                 id="Conv2DBackpropInput_" + _gid(geom)),
            Case("Conv2DBackpropFilter",
                 lambda x, s, dy, a=kw_args: tf.nn.conv2d_backprop_filter(x, s, dy, **a),
                 lambda x, s, dy, g=geom: ref_backprop_filter(x, tuple(s), dy, g[2], g[3], g[4]),
                 [x, np.array(f.shape, np.int32), dy], grad=[0, 2], rtol=1e-5, atol=1e-4,
                 id="Conv2DBackpropFilter_" + _gid(geom)),
        ]
        if kh * kw <= 9:  # depthwise with a channel multiplier of 2
            fd = normal((kh, kw, xs[3], 2))
            dyd = normal((xs[0], ho, wo, xs[3] * 2))
            cases += [
                Case("DepthwiseConv2dNative",
                     lambda x, f, a=kw_args: tf.nn.depthwise_conv2d_native(x, f, **a),
                     lambda x, f, g=geom: ref_depthwise(x, f, g[2], g[3], g[4]), [x, fd],
                     rtol=1e-5, atol=1e-5, id="Depthwise_" + _gid(geom)),
                Case("DepthwiseConv2dNativeBackpropInput",
                     lambda s, f, dy, a=kw_args:
                     tf.nn.depthwise_conv2d_native_backprop_input(s, f, dy, **a),
                     None, [np.array(xs, np.int32), fd, dyd], grad=[1, 2],
                     id="DepthwiseBackpropInput_" + _gid(geom)),
                Case("DepthwiseConv2dNativeBackpropFilter",
                     lambda x, s, dy, a=kw_args:
                     tf.nn.depthwise_conv2d_native_backprop_filter(x, s, dy, **a),
                     None, [x, np.array(fd.shape, np.int32), dyd], grad=[0, 2],
                     id="DepthwiseBackpropFilter_" + _gid(geom)),
            ]
    return cases


def _adjoint_ref(case, forward):
    """Reference for a depthwise backprop op: the adjoint of the forward reference, by
    differentiating ``<forward(x, f), dy>`` exactly (it is bilinear) one basis vector at a
    time."""
    def ref(a, sizes, dy):
        which = 0 if case.op_type.endswith("Input") else 1
        shape = tuple(int(v) for v in sizes)
        out = np.zeros(shape)
        for idx in np.ndindex(*shape):
            e = np.zeros(shape)
            e[idx] = 1
            args = (e, a) if which == 0 else (a, e)
            out[idx] = np.sum(forward(*args) * dy)
        return out
    return ref


def _with_refs(cases):
    for case in cases:
        if case.ref is not None:
            continue
        geom = next(g for g in GEOMETRIES if case.id.endswith(_gid(g)))
        fwd = lambda x, f, g=geom: ref_depthwise(x, f, g[2], g[3], g[4])  # noqa: E731
        adj = _adjoint_ref(case, fwd)
        if case.op_type.endswith("Input"):
            case.ref = lambda s, f, dy, adj=adj: adj(f, s, dy)
        else:
            case.ref = lambda x, s, dy, adj=adj: adj(x, s, dy)
        case.rtol, case.atol = 1e-5, 1e-4
    return cases


def format_cases():
    """NCHW, float64 and the functions built on the ops."""
    x, f = normal((2, 6, 5, 3)), normal((3, 2, 3, 4))
    x64 = x.astype(np.float64)
    dw, pw = normal((3, 3, 3, 2)), normal((1, 1, 6, 5))
    x1, f1 = normal((2, 9, 3)), normal((3, 3, 4))
    up, fu = normal((2, 3, 3, 4)), normal((3, 3, 2, 4))
    return [
        Case("Conv2D", lambda x, f: tf.nn.conv2d(x, f, [1, 1, 2, 1], "SAME", data_format="NCHW"),
             lambda x, f: ref_conv(nhwc(x), f, (2, 1), "SAME").transpose(0, 3, 1, 2),
             [nchw(x).copy(), f], rtol=1e-5, atol=1e-5, id="Conv2D_NCHW"),
        Case("Conv2D", lambda x, f: tf.nn.conv2d(x, f, [1, 2, 2, 1], "SAME"),
             lambda x, f: ref_conv(x, f, (2, 2), "SAME"), [x64, f.astype(np.float64)],
             id="Conv2D_float64", rtol=1e-10, atol=1e-10),
        Case("Conv2DBackpropInput",
             lambda v, f: tf.nn.conv2d_transpose(v, f, [2, 6, 6, 2], [1, 2, 2, 1], "SAME"),
             lambda v, f: ref_backprop_input((2, 6, 6, 2), f, v, (2, 2), "SAME"), [up, fu],
             rtol=1e-5, atol=1e-5, id="conv2d_transpose_SAME_stride2"),
        Case("Conv2DBackpropInput",
             lambda v, f: tf.nn.conv2d_transpose(v, f, [2, 7, 7, 2], [1, 2, 2, 1], "VALID"),
             lambda v, f: ref_backprop_input((2, 7, 7, 2), f, v, (2, 2), "VALID"), [up, fu],
             rtol=1e-5, atol=1e-5, id="conv2d_transpose_VALID_stride2"),
        Case("DepthwiseConv2dNative",
             lambda x, d, p: tf.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME"),
             lambda x, d, p: ref_conv(ref_depthwise(x, d, (1, 1), "SAME"), p, (1, 1), "VALID"),
             [x, dw, pw], rtol=1e-5, atol=1e-5, id="separable_conv2d"),
        Case("DepthwiseConv2dNative",
             lambda x, d: tf.nn.depthwise_conv2d(x, d, [1, 1, 1, 1], "SAME", rate=[2, 2]),
             lambda x, d: ref_depthwise(x, d, (1, 1), "SAME", (2, 2)), [x, dw],
             rtol=1e-5, atol=1e-5, id="depthwise_conv2d_rate2"),
        Case("Conv2D", lambda x, f: tf.nn.atrous_conv2d(x, f, 2, "SAME"),
             lambda x, f: ref_conv(x, f, (1, 1), "SAME", (2, 2)), [x, f], rtol=1e-5, atol=1e-5,
             id="atrous_conv2d"),
        Case("Conv2D", lambda x, f: tf.nn.conv1d(x, f, 2, "SAME"),
             lambda x, f: ref_conv(x[:, None], f[None], (1, 2), "SAME")[:, 0], [x1, f1],
             rtol=1e-5, atol=1e-5, id="conv1d_NWC_stride2"),
        Case("Conv2D", lambda x, f: tf.nn.conv1d(x, f, 1, "VALID", data_format="NCW"),
             lambda x, f: np.transpose(ref_conv(np.transpose(x, (0, 2, 1))[:, None], f[None],
                                                (1, 1), "VALID")[:, 0], (0, 2, 1)),
             [np.transpose(x1[:, :, :3], (0, 2, 1)).copy(), f1], rtol=1e-5, atol=1e-5,
             id="conv1d_NCW"),
        Case("Conv2D", lambda x, f: tf.nn.convolution(x, f, "SAME", dilation_rate=[2, 1]),
             lambda x, f: ref_conv(x, f, (1, 1), "SAME", (2, 1)), [x, f], rtol=1e-5,
             atol=1e-5, known_rank=True, id="convolution_2d_dilated"),
    ]


POOLS = [
    ((2, 5, 5, 2), (2, 2), (2, 2), "SAME"),
    ((2, 5, 5, 2), (2, 2), (2, 2), "VALID"),
    ((1, 4, 6, 3), (3, 3), (1, 1), "SAME"),
    ((1, 7, 5, 1), (3, 2), (2, 3), "SAME"),
    ((1, 3, 3, 2), (1, 1), (2, 2), "VALID"),
    ((2, 2, 3, 1), (5, 5), (1, 1), "SAME"),
]


def pool_cases():
    cases = []
    for xs, k, st, pad in POOLS:
        gid = "%s_k%dx%d_s%dx%d_%s" % ("x".join(map(str, xs)), *k, *st, pad)
        x = normal(xs)
        a = dict(ksize=_4(k), strides=_4(st), padding=pad)
        ho, wo = out_hw(xs, k, st, pad)
        g = normal((xs[0], ho, wo, xs[3]))
        cases += [
            Case("MaxPool", lambda x, a=a: tf.nn.max_pool(x, **a),
                 lambda x, k=k, st=st, p=pad: ref_max_pool(x, k, st, p), [x], id="MaxPool_" + gid),
            Case("AvgPool", lambda x, a=a: tf.nn.avg_pool(x, **a),
                 lambda x, k=k, st=st, p=pad: ref_avg_pool(x, k, st, p), [x], rtol=1e-5,
                 id="AvgPool_" + gid),
            Case("MaxPoolGrad",
                 lambda x, g, a=a: pooling_ops.max_pool_grad(x, tf.nn.max_pool(x, **a), g, **a),
                 lambda x, g, k=k, st=st, p=pad: _ref_unpool(ref_argmax(x, k, st, p), g, x.shape),
                 [x, g], grad=[1], id="MaxPoolGrad_" + gid),
            Case("MaxPoolGradGrad",
                 lambda x, d, a=a: pooling_ops.max_pool_grad_grad(x, d, **a),
                 lambda x, d, k=k, st=st, p=pad, o=(ho, wo): np.take_along_axis(
                     d.reshape(len(d), -1), ref_argmax(x, k, st, p).reshape(len(d), -1),
                     1).reshape(len(d), *o, -1),
                 [x, normal(xs)], grad=[1], id="MaxPoolGradGrad_" + gid),
            Case("AvgPoolGrad",
                 lambda s, g, a=a: pooling_ops.avg_pool_grad(s, g, **a),
                 _adjoint_of_avg(k, st, pad), [np.array(xs, np.int32), g], grad=[1],
                 rtol=1e-5, atol=1e-6, id="AvgPoolGrad_" + gid),
            Case("MaxPoolWithArgmax", lambda x, a=a: tf.nn.max_pool_with_argmax(x, **a)[0],
                 lambda x, k=k, st=st, p=pad: ref_max_pool(x, k, st, p), [x],
                 id="MaxPoolWithArgmax_" + gid),
        ]
    x = normal((2, 5, 4, 3))
    a = dict(ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    cases += [
        Case("MaxPool", lambda x: tf.nn.max_pool(x, [1, 1, 2, 2], [1, 1, 2, 2], "SAME",
                                                 data_format="NCHW"),
             lambda x: nchw(ref_max_pool(nhwc(x), (2, 2), (2, 2), "SAME")), [nchw(x).copy()],
             id="MaxPool_NCHW"),
        Case("AvgPool", lambda x: tf.nn.avg_pool(x, [1, 1, 3, 3], [1, 1, 1, 1], "SAME",
                                                 data_format="NCHW"),
             lambda x: nchw(ref_avg_pool(nhwc(x), (3, 3), (1, 1), "SAME")), [nchw(x).copy()],
             rtol=1e-5, id="AvgPool_NCHW"),
        Case("MaxPoolGradWithArgmax",
             lambda x, g: pooling_ops.max_pool_grad_with_argmax(
                 x, g, tf.nn.max_pool_with_argmax(x, **a)[1], **a),
             lambda x, g: _ref_unpool(ref_argmax(x, (2, 2), (2, 2), "SAME"), g, x.shape),
             [x, normal((2, 3, 2, 3))], grad=[1], id="MaxPoolGradWithArgmax"),
        Case("MaxPoolGradGradWithArgmax",
             lambda x, d: pooling_ops.max_pool_grad_grad_with_argmax(
                 x, d, tf.nn.max_pool_with_argmax(x, **a)[1], **a),
             lambda x, d: np.take_along_axis(
                 d.reshape(2, -1), ref_argmax(x, (2, 2), (2, 2), "SAME").reshape(2, -1),
                 1).reshape(2, 3, 2, 3),
             [x, normal(x.shape)], grad=[1], id="MaxPoolGradGradWithArgmax"),
    ]
    return cases


def _ref_unpool(argmax, g, shape):
    out = np.zeros((shape[0], int(np.prod(shape[1:]))))
    for b in range(shape[0]):
        np.add.at(out[b], argmax[b].ravel(), g[b].ravel())
    return out.reshape(shape)


def _adjoint_of_avg(k, st, pad):
    def ref(sizes, g):
        shape = tuple(int(v) for v in sizes)
        out = np.zeros(shape)
        for idx in np.ndindex(*shape):
            e = np.zeros(shape)
            e[idx] = 1
            out[idx] = np.sum(ref_avg_pool(e, k, st, pad) * g)
        return out
    return ref


CASES = _with_refs(conv_cases()) + format_cases() + pool_cases()


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward_matches_direct_loop(case):
    check_forward(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=repr)
def test_gradients_first_and_second_order(case):
    check_gradient(case)


# == TF's rules, one at a time ==================================================================
def _run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def test_same_padding_puts_the_extra_pixel_bottom_right():
    # A 4x4 image, 2x2 ones filter, stride 2 under SAME: out = 2, pad total = 0 -> no pad.
    # A 5x5 image: out = 3, pad total = 1, all of it after, so the last window sums 1 column.
    x = np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1)
    y = _run(tf.nn.conv2d(x, np.ones((2, 2, 1, 1), np.float32), [1, 2, 2, 1], "SAME"))
    assert y[0, 0, 0, 0] == 0 + 1 + 5 + 6  # window starts at the image's corner
    assert y[0, 2, 2, 0] == 24  # bottom-right window holds only the last pixel


def test_max_pool_gradient_goes_to_the_first_maximum_of_a_tie():
    x = tf.constant(np.array([[3., 3.], [3., 1.]], np.float32).reshape(1, 2, 2, 1))
    y = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    dx = _run(tf.gradients(y, x)[0])
    np.testing.assert_array_equal(dx.reshape(2, 2), [[1, 0], [0, 0]])


def test_max_pool_padding_never_wins_and_avg_pool_counts_real_pixels():
    x = -np.ones((1, 3, 3, 1), np.float32)
    assert _run(tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")).max() == -1
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    y = _run(tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"))
    assert y[0, 1, 1, 0] == 8.0  # the corner window covers one real pixel, not four
    assert y[0, 0, 1, 0] == (2 + 5) / 2


def test_argmax_indices_follow_tf_and_can_include_the_batch():
    x = normal((2, 4, 4, 3))
    out, arg = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    _, arg_b = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID",
                                          include_batch_in_index=True)
    o, a, ab = _run([out, arg, arg_b])
    assert a.dtype == np.int64
    np.testing.assert_array_equal(a, ref_argmax(x, (2, 2), (2, 2), "VALID"))
    np.testing.assert_array_equal(ab - a, np.broadcast_to(np.arange(2).reshape(2, 1, 1, 1) * 48,
                                                          a.shape))
    np.testing.assert_array_equal(o.reshape(2, -1), np.take_along_axis(
        x.reshape(2, -1), a.reshape(2, -1), 1))


def test_static_shapes_follow_the_formula_and_unknown_dims_stay_unknown():
    x = tf.placeholder(tf.float32, [None, 28, 27, 3])
    y = tf.nn.conv2d(x, tf.zeros([5, 5, 3, 8]), [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [None, 14, 14, 8]
    y = tf.nn.conv2d(x, tf.zeros([5, 5, 3, 8]), [1, 2, 2, 1], "VALID")
    assert y.shape.as_list() == [None, 12, 12, 8]
    p = tf.nn.max_pool(tf.placeholder(tf.float32, [None, None, 7, 2]), [1, 2, 2, 1],
                       [1, 2, 2, 1], "SAME", data_format="NHWC")
    assert p.shape.as_list() == [None, None, 4, 2]
    t = tf.nn.conv2d_transpose(tf.zeros([4, 7, 7, 16]), tf.zeros([5, 5, 8, 16]),
                               [4, 14, 14, 8], [1, 2, 2, 1])
    assert t.shape.as_list() == [4, 14, 14, 8]


@pytest.mark.parametrize("build, message", [
    (lambda: tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 2, 4]), [1, 1, 1, 1], "SAME"),
     "Dimensions must be equal, but are 3 and 2"),
    (lambda: tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([5, 5, 1, 1]), [1, 1, 1, 1],
                          "VALID"),
     "Negative dimension size caused by subtracting 5 from 3"),
    (lambda: tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([1, 1, 1, 1]), [1, 1, 1, 1],
                          "FULL"),
     "is not in the list of allowed values"),
    (lambda: tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([1, 1, 1, 1]), [2, 1, 1, 1],
                          "SAME"),
     "does not yet support strides in the batch and depth dimensions"),
    (lambda: tf.nn.max_pool(tf.zeros([1, 3, 3, 1]), [2, 2, 2, 1], [1, 1, 1, 1], "SAME"),
     "does not yet support pooling in the batch and depth dimensions"),
    (lambda: tf.nn.conv2d_transpose(tf.zeros([1, 3, 3, 4]), tf.zeros([3, 3, 2, 5]),
                                    [1, 6, 6, 2], [1, 2, 2, 1]),
     "input channels does not match filter's input channels, 4 != 5"),
    (lambda: tf.nn.conv2d_transpose(tf.zeros([1, 3, 3, 4]), tf.zeros([3, 3, 2, 4]),
                                    [1, 6, 6, 3], [1, 2, 2, 1]),
     "output_shape does not match filter's output channels, 3 != 2"),
])
def test_bad_graphs_raise_tf_value_errors_when_built(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_bad_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="int32"):
        tf.nn.conv2d(tf.zeros([1, 3, 3, 1], tf.int32), tf.zeros([1, 1, 1, 1], tf.int32),
                     [1, 1, 1, 1], "SAME")


def test_run_time_mismatches_raise_invalid_argument_naming_the_op():
    x = tf.placeholder(tf.float32, name="images")
    y = tf.nn.conv2d(x, tf.zeros([3, 3, 2, 4]), [1, 1, 1, 1], "VALID", name="conv1")
    with pytest.raises(tf.errors.InvalidArgumentError, match="same depth: 3 vs 2") as e:
        _run(y, {x: np.zeros((1, 5, 5, 3))})
    assert e.value.op.name == "conv1"
    with pytest.raises(tf.errors.InvalidArgumentError, match="Computed output size would be "
                                                             "negative"):
        _run(y, {x: np.zeros((1, 2, 5, 2))})
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be 4-dimensional"):
        _run(y, {x: np.zeros((5, 5, 2))})


def test_image_gradient_of_a_gradient_norm_matches_numerical():
    """Second order through conv, relu-free max pool and avg pool: the input-space
    gradient norm that feature-visualization losses use."""
    rng = np.random.RandomState(3)
    x0 = rng.standard_normal((1, 6, 6, 2))
    f = tf.constant(rng.standard_normal((3, 3, 2, 3)))
    x = tf.placeholder(tf.float64, x0.shape)

    def score(x):
        h = tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME")
        h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        return tf.reduce_sum(tf.nn.avg_pool(h * h, [1, 2, 2, 1], [1, 1, 1, 1], "VALID"))

    g = tf.gradients(score(x), x)[0]
    penalty = tf.reduce_sum(g * g)
    (h,) = tf.gradients(penalty, x)
    with tf.Session() as sess:
        got = sess.run(h, {x: x0})
        u = rng.standard_normal(x0.shape)
        eps = 1e-6
        num = (sess.run(penalty, {x: x0 + eps * u}) - sess.run(penalty, {x: x0 - eps * u}))
    np.testing.assert_allclose(np.sum(got * u), num / (2 * eps), rtol=1e-5)


def test_kernels_give_the_same_answer_without_the_jit():
    code = ("import numpy as np, minitf as tf\n"
            "rng = np.random.RandomState(0)\n"
            "x = tf.constant(rng.standard_normal((2, 5, 5, 2)).astype(np.float32))\n"
            "y = tf.nn.max_pool(tf.nn.conv2d(x, tf.ones([3, 3, 2, 2]), [1, 1, 1, 1], 'SAME'),"
            " [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')\n"
            "g = tf.gradients(y, x)[0]\n"
            "print(repr(tf.Session().run([y, g])[1].sum().round(4)))\n")
    outs = []
    for disable in ("0", "1"):
        env = dict(os.environ, NUMBA_DISABLE_JIT=disable)
        outs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                   text=True, timeout=120, check=True).stdout)
    assert outs[0] == outs[1] and outs[0].strip()


def test_the_namespace_lists_each_op_function():
    for name in conv_ops.__all__:
        assert getattr(tf.nn, name) is getattr(conv_ops, name)
    for name in ("max_pool", "avg_pool", "max_pool_with_argmax"):
        assert getattr(tf.nn, name) is getattr(pooling_ops, name)


def test_filter_gradient_reuses_the_forward_patches_of_the_same_run(monkeypatch):
    from minitf.kernels import conv
    calls = []
    real = conv.im2col
    monkeypatch.setattr(conv, "im2col", lambda x, win: calls.append(x.shape) or real(x, win))
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    f0 = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    with tf.Graph().as_default():
        x, f = tf.placeholder(tf.float32), tf.Variable(f0)
        y = tf.nn.conv2d(x, f, [1, 2, 1, 1], "SAME")
        (df,) = tf.gradients(tf.reduce_sum(y * y), [f])
        with tf.Session() as sess:
            sess.run(f.initializer)
            y1, df1 = sess.run([y, df], {x: x0})
            assert len(calls) == 1  # one im2col for the forward pass and the filter gradient
            assert sess._running.values is None  # the shared patches died with the run
            df2 = sess.run(df, {x: x0 + 1})  # a new run computes its own patches
            assert len(calls) == 2
    dy = 2 * ref_conv(x0, f0, (2, 1), "SAME")
    np.testing.assert_allclose(y1, dy / 2, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(df1, ref_backprop_filter(x0, f0.shape, dy, (2, 1), "SAME"),
                               rtol=1e-3, atol=1e-3)
    dy2 = 2 * ref_conv(x0 + 1, f0, (2, 1), "SAME")
    np.testing.assert_allclose(df2, ref_backprop_filter(x0 + 1, f0.shape, dy2, (2, 1), "SAME"),
                               rtol=1e-3, atol=1e-3)
