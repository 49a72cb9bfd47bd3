"""Image resizing (``tf.image.resize_*``) with TF 1.x's sampling rules and gradients.

Output pixel ``i`` of a dimension resized from ``in`` to ``out`` reads the
source coordinate ``src = i * scale`` (float32), ``scale = in / out``, or
``(in - 1) / (out - 1)`` with ``align_corners``; with ``half_pixel_centers``
it is ``(i + 0.5) * scale - 0.5`` (nearest: ``(i + 0.5) * scale``).  Bilinear
blends the pixels at ``floor(src)`` and ``ceil(src)`` by ``src - floor(src)``;
nearest copies ``floor(src)`` (``round(src)`` with ``align_corners``); bicubic
and area are described at their ops.  All but nearest compute in float32 in
TF's order of operations and return float32; nearest keeps the dtype.

Each resize is linear in the image and separable: along each axis an output
is a weighted sum of source "taps".  Its gradient op (``ResizeBilinearGrad``
...) spreads the output gradient back through the same taps (the adjoint), and
the adjoint's own gradient is the resize again, so second derivatives work.
"""
import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape
from minitf.ops import array_ops, math_ops
from minitf.ops.image_ops import image_dimensions
from minitf.ops.op_util import (FLOATS, NUMERIC, check_dtype, dims_text, invalid, make_op,
                                op_scope, shape_from_tensor)

__all__ = ["ResizeMethod", "resize_images", "resize", "resize_bilinear",
           "resize_nearest_neighbor", "resize_bicubic", "resize_area", "resize_bilinear_grad",
           "resize_nearest_neighbor_grad", "resize_bicubic_grad"]


# == building the ops ====================================================================
def _resize_op(op_type, images, size, name, align_corners, half_pixel_centers=None,
               keep_dtype=False, arg="images"):
    """A ``Resize*`` op of NHWC ``images`` to int32 ``size`` = [height, width].

    The output is float32, or the images' dtype with ``keep_dtype``; ResizeArea
    has no ``half_pixel_centers`` attr (None).
    """
    with op_scope(name, op_type, [images, size]) as scope:
        images = convert_to_tensor(images, name=arg)
        check_dtype(op_type, images, NUMERIC, arg)
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        attrs = {"T": images.dtype, "align_corners": bool(align_corners)}
        if half_pixel_centers is not None:
            attrs["half_pixel_centers"] = bool(half_pixel_centers)
        out = images.dtype if keep_dtype else dtypes.float32
        return make_op(op_type, [images, size], [out], scope, attrs)._outputs[0]


def _adjoint_op(op_type, grads, original_image, name, align_corners, half_pixel_centers,
                allowed):
    """``Resize{Bilinear,Bicubic}Grad``: float32 ``grads`` back onto ``original_image``."""
    with op_scope(name, op_type, [grads, original_image]) as scope:
        grads = convert_to_tensor(grads, dtype=dtypes.float32, name="grads")
        original_image = convert_to_tensor(original_image, name="original_image")
        check_dtype(op_type, original_image, allowed, "original_image")
        attrs = {"T": original_image.dtype, "align_corners": bool(align_corners),
                 "half_pixel_centers": bool(half_pixel_centers)}
        return make_op(op_type, [grads, original_image], [original_image.dtype], scope,
                       attrs)._outputs[0]


def _sampling(op):
    """The sampling attrs of a resize op, as keyword arguments of the wrappers."""
    return {"align_corners": op._attrs["align_corners"],
            "half_pixel_centers": op._attrs["half_pixel_centers"]}


def _hw(images):
    """``[height, width]`` of NHWC ``images``: a constant when static, else from Shape."""
    dims = images.shape.as_list() if images.shape.ndims == 4 else [None] * 4
    if None not in dims[1:3]:
        return array_ops.constant(dims[1:3], dtype=dtypes.int32)
    return array_ops.shape(images)[1:3]


def _static_size(size):
    """The ``[height, width]`` a size tensor holds, None where it is not known statically."""
    shape = shape_from_tensor(size)
    return shape.as_list() if shape.ndims == 2 else [None, None]


def _resized_shape(op):
    """``[batch, size[0], size[1], channels]`` of a resize (input 0 images, input 1 size)."""
    images = op._inputs[0].shape.with_rank(4)
    size = op._inputs[1].shape.with_rank(1)
    if size[0].value not in (None, 2):
        raise ValueError("Dimension must be 2 but is %d" % size[0].value)
    height, width = _static_size(op._inputs[1])
    return [TensorShape([images[0].value, height, width, images[3].value])]


def _adjoint_shape(op):
    op._inputs[0].shape.with_rank(4)
    return [op._inputs[1].shape.with_rank(4)]


# == kernel helpers ======================================================================
def _check_sampling(ctx):
    if ctx.attrs.get("half_pixel_centers") and ctx.attrs["align_corners"]:
        raise invalid(ctx, "If half_pixel_centers is True, align_corners must be False.")


def _check_size(ctx, size):
    """TF's checks of a ``size`` input; returns it as two Python ints."""
    size = np.asarray(size)
    if size.ndim != 1:
        raise invalid(ctx, "shape_t must be 1-dimensional%s" % dims_text(size.shape))
    if size.size != 2:
        raise invalid(ctx, "shape_t must have two elements%s" % dims_text(size.shape))
    return int(size[0]), int(size[1])


def _output_size(ctx, images, size):
    """TF's ``ImageResizerState`` checks; returns (out_height, out_width)."""
    _check_sampling(ctx)
    if images.ndim != 4:
        raise invalid(ctx, "input must be 4-dimensional%s" % dims_text(images.shape))
    out_hw = _check_size(ctx, size)
    if min(out_hw) <= 0:
        raise invalid(ctx, "output dimensions must be positive")
    if images.shape[3] <= 0:
        raise invalid(ctx, "image must have at least one channel")
    if images.shape[1] <= 0 or images.shape[2] <= 0:
        raise invalid(ctx, "input image must be of non-zero size")
    return out_hw


def _check_adjoint_inputs(ctx, grads, original):
    """TF's ``ImageResizerGradientState`` checks of the bilinear and bicubic gradients."""
    _check_sampling(ctx)
    if grads.ndim != 4:
        raise invalid(ctx, "input_grad must be 4-dimensional%s" % dims_text(grads.shape))
    if original.ndim != 4:
        raise invalid(ctx, "original_image must be 4-dimensional%s"
                      % dims_text(original.shape))
    if (grads.shape[0], grads.shape[3]) != (original.shape[0], original.shape[3]):
        raise invalid(ctx, "input_grad %s and original_image %s must agree in batch and "
                           "channels" % (dims_text(grads.shape), dims_text(original.shape)))


def _scale(in_size, out_size, align_corners):
    """TF's ``CalculateResizeScale``, in float32."""
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def _source(in_size, out_size, align_corners, half_pixel, shift=np.float32(0.5)):
    """Source coordinate of each output index (float32): ``i·s`` or ``(i + ½)·s - shift``."""
    scale = _scale(in_size, out_size, align_corners)
    i = np.arange(out_size, dtype=np.float32)
    return (i + np.float32(0.5)) * scale - shift if half_pixel else i * scale


def _taps_per_axis(ctx, taps, in_hw, out_hw):
    """``taps(in, out, align_corners, half_pixel)`` for the height and the width axis."""
    a = ctx.attrs
    return [taps(i, o, a["align_corners"], a.get("half_pixel_centers", False))
            for i, o in zip(in_hw, out_hw)]


def _along(v, axis):
    """A 1-D array shaped to broadcast along ``axis`` (1 = height, 2 = width) of NHWC."""
    return v.reshape((1, -1, 1, 1) if axis == 1 else (1, 1, -1, 1))


def _take(x, index, axis):
    return x[:, index] if axis == 1 else x[:, :, index]


def _sum_into(values, index, size, axis):
    """Add the slices of ``values`` along ``axis`` into ``size`` bins; ``index`` ascends."""
    shape = list(values.shape)
    shape[axis] = size
    out = np.zeros(shape, values.dtype)
    if values.shape[axis] == 0:
        return out
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])  # first of each run
    where = [slice(None)] * values.ndim
    where[axis] = index[starts]
    out[tuple(where)] = np.add.reduceat(values, starts, axis=axis)
    return out


def _adjoint(ctx, grads, axis_taps, in_hw):
    """``Rᵀ G`` for a separable resize R whose taps along each axis are ``axis_taps``.

    Accumulates in float64 for float64 images, else in float32 (as TF's kernels).
    """
    dtype = np.float64 if ctx.attrs["T"] is dtypes.float64 else np.float32
    g = grads.astype(dtype)
    for axis, taps, size in zip((1, 2), axis_taps, in_hw):
        g = sum(_sum_into(g * _along(w.astype(dtype), axis), index, size, axis)
                for index, w in taps)
    return g.astype(ctx.attrs["T"].as_numpy_dtype)


# -- ResizeBilinear, ResizeBilinearGrad ----------------------------------------------------
def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bilinear resize of ``[batch, height, width, channels]`` images to ``size``.

    Args:
        images: a 4-D tensor of any real dtype.
        size: int32 ``[new_height, new_width]``.
        align_corners: map the corner pixels onto each other (scale
            ``(in - 1) / (out - 1)``).
        half_pixel_centers: sample at pixel centres (``(i + 0.5) * scale - 0.5``).

    Returns:
        float32 ``[batch, new_height, new_width, channels]``.

    Example:
        >>> tf.image.resize_bilinear([[[[0.], [2.]]]], [1, 4])   # [[[[0], [1], [2], [2]]]]
    """
    return _resize_op("ResizeBilinear", images, size, name, align_corners, half_pixel_centers)


def _linear_taps(in_size, out_size, align_corners, half_pixel):
    """[(lower, 1 - lerp), (upper, lerp)], as TF's ``compute_interpolation_weights``."""
    src = _source(in_size, out_size, align_corners, half_pixel)
    floor = np.floor(src)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(src), in_size - 1).astype(np.int64)
    lerp = src - floor
    return [(lower, np.float32(1) - lerp), (upper, lerp)]


def _resize_bilinear_kernel(ctx, images, size):
    out_hw = _output_size(ctx, images, size)
    ((ly, _), (uy, wy)), ((lx, _), (ux, wx)) = _taps_per_axis(ctx, _linear_taps,
                                                              images.shape[1:3], out_hw)
    x = images.astype(np.float32)
    top, bottom, wx = x[:, ly], x[:, uy], _along(wx, 2)
    # TF's compute_lerp, in its order: across each row first, then down.
    top = top[:, :, lx] + (top[:, :, ux] - top[:, :, lx]) * wx
    bottom = bottom[:, :, lx] + (bottom[:, :, ux] - bottom[:, :, lx]) * wx
    return top + (bottom - top) * _along(wy, 1)


def resize_bilinear_grad(grads, original_image, align_corners=False, half_pixel_centers=False,
                         name=None):
    """ResizeBilinear's input gradient: float32 ``grads`` spread back onto the pixels of
    ``original_image`` (only its shape and dtype are read) with the resize's weights."""
    return _adjoint_op("ResizeBilinearGrad", grads, original_image, name, align_corners,
                       half_pixel_centers, FLOATS)


def _adjoint_kernel(taps):
    """The kernel of a resize's gradient op: ``grads`` spread back through ``taps``."""
    def kernel(ctx, grads, original):
        _check_adjoint_inputs(ctx, grads, original)
        in_hw = original.shape[1:3]
        return _adjoint(ctx, grads, _taps_per_axis(ctx, taps, in_hw, grads.shape[1:3]), in_hw)
    return kernel


def _resize_gradient(resize_grad, types):
    """dx = Rᵀ g through the gradient op ``resize_grad``; other image dtypes get none, as in TF."""
    def gradient(op, g):
        images = op._inputs[0]
        if images.dtype not in types:
            return [None, None]
        return [resize_grad(g, images, **_sampling(op)), None]
    return gradient


def _adjoint_gradient(resize):
    """The gradient op is the adjoint Rᵀ of the resize R, so its gradient is R again."""
    def gradient(op, gg):
        return [resize(gg, _hw(op._inputs[0]), **_sampling(op)), None]
    return gradient


register("ResizeBilinear", _resize_bilinear_kernel, _resized_shape,
         _resize_gradient(resize_bilinear_grad, FLOATS))
register("ResizeBilinearGrad", _adjoint_kernel(_linear_taps), _adjoint_shape,
         _adjoint_gradient(resize_bilinear))


# -- ResizeNearestNeighbor, ResizeNearestNeighborGrad ----------------------------------------
def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """Nearest-neighbour resize of ``[batch, height, width, channels]`` images.

    Output pixel ``i`` copies source ``floor(i * in / out)``; ``align_corners``
    rounds ``i * (in - 1) / (out - 1)``, ``half_pixel_centers`` floors
    ``(i + 0.5) * in / out``.  The dtype is kept.

    Example:
        >>> tf.image.resize_nearest_neighbor([[[[1], [2]]]], [1, 4])   # [[[[1],[1],[2],[2]]]]
    """
    return _resize_op("ResizeNearestNeighbor", images, size, name, align_corners,
                      half_pixel_centers, keep_dtype=True)


def _nearest_taps(in_size, out_size, align_corners, half_pixel):
    """[(source index, 1)], as TF's nearest-neighbour kernels pick the index."""
    src = _source(in_size, out_size, align_corners, half_pixel, shift=np.float32(0))
    index = np.floor(src)
    if align_corners:  # C's roundf: halves away from zero (src >= 0 here)
        index = np.where(src - index >= 0.5, index + 1, index)
    index = np.clip(index.astype(np.int64), 0, in_size - 1)
    return [(index, np.ones(out_size, np.float32))]


def _resize_nearest_kernel(ctx, images, size):
    out_hw = _output_size(ctx, images, size)
    [(iy, _)], [(ix, _)] = _taps_per_axis(ctx, _nearest_taps, images.shape[1:3], out_hw)
    return images[:, iy][:, :, ix]


def resize_nearest_neighbor_grad(grads, size, align_corners=False, half_pixel_centers=False,
                                 name=None):
    """ResizeNearestNeighbor's input gradient: each entry of ``grads`` added to the pixel
    of a ``size`` = [height, width] image that it was copied from."""
    return _resize_op("ResizeNearestNeighborGrad", grads, size, name, align_corners,
                      half_pixel_centers, keep_dtype=True, arg="grads")


def _resize_nearest_grad_kernel(ctx, grads, size):
    _check_sampling(ctx)
    if grads.ndim != 4:
        raise invalid(ctx, "input must be 4-dimensional%s" % dims_text(grads.shape))
    in_hw = _check_size(ctx, size)
    if min(in_hw) <= 0:
        raise invalid(ctx, "shape_t's elements must be positive")
    [(iy, _)], [(ix, _)] = _taps_per_axis(ctx, _nearest_taps, in_hw, grads.shape[1:3])
    return _sum_into(_sum_into(grads, iy, in_hw[0], 1), ix, in_hw[1], 2)


def _resize_nearest_grad(op, g):
    images = op._inputs[0]  # dx = Nᵀ g: each output's gradient added to its source pixel
    if images.dtype not in FLOATS:
        return [None, None]
    return [resize_nearest_neighbor_grad(g, _hw(images), **_sampling(op)), None]


register("ResizeNearestNeighbor", _resize_nearest_kernel, _resized_shape,
         _resize_nearest_grad)
register("ResizeNearestNeighborGrad", _resize_nearest_grad_kernel, _resized_shape,
         _adjoint_gradient(resize_nearest_neighbor))


# -- ResizeBicubic, ResizeBicubicGrad -----------------------------------------------------
def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bicubic resize of ``[batch, height, width, channels]`` images (float32 result).

    Keys' cubic convolution over the 4 source pixels around each sample, with
    ``a = -0.75`` and edge pixels repeated; with ``half_pixel_centers``,
    ``a = -0.5`` and taps outside the image are dropped (the rest renormalized).
    The weights come from TF's table of the kernel at 1/1024 steps.

    Example:
        >>> tf.image.resize_bicubic(tf.ones([1, 4, 4, 1]), [6, 6])   # all ones
    """
    return _resize_op("ResizeBicubic", images, size, name, align_corners, half_pixel_centers)


_TABLE = 1024


def _cubic_table(a):
    """TF's ``InitCoeffsTable``: the kernel at distances x and x + 1, x = i / 1024."""
    a = np.float32(a)  # TF evaluates both polynomials in float32
    x = (np.arange(_TABLE + 1) / _TABLE).astype(np.float32)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x = x + np.float32(1)
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return near, far


_CUBIC_TABLES = {False: _cubic_table(-0.75), True: _cubic_table(-0.5)}


def _cubic_taps(in_size, out_size, align_corners, half_pixel):
    """Four (index, weight) taps per output index, as TF's ``GetWeightsAndIndices``."""
    src = _source(in_size, out_size, align_corners, half_pixel)
    loc = np.floor(src).astype(np.int64)
    offset = np.rint((src - loc.astype(np.float32)) * np.float32(_TABLE)).astype(np.int64)
    near, far = _CUBIC_TABLES[bool(half_pixel)]
    weights = [far[offset], near[offset], near[_TABLE - offset], far[_TABLE - offset]]
    wanted = [loc - 1 + k for k in range(4)]
    index = [np.clip(w, 0, in_size - 1) for w in wanted]
    if half_pixel:  # taps outside the image get no weight; the rest are renormalized
        weights = [np.where(i == w, wt, np.float32(0))
                   for i, w, wt in zip(index, wanted, weights)]
        total = ((weights[0] + weights[1]) + weights[2]) + weights[3]
        tiny = np.abs(total) < np.float32(1000 * np.finfo(np.float32).tiny)
        inv = np.float32(1) / np.where(tiny, np.float32(1), total)
        weights = [np.where(tiny, w, w * inv) for w in weights]
    return list(zip(index, weights))


def _weighted_sum(x, taps, axis):
    """``((x₀w₀ + x₁w₁) + x₂w₂) + x₃w₃`` along ``axis``, in float32 and in that order."""
    terms = [_take(x, index, axis) * _along(w, axis) for index, w in taps]
    out = terms[0]
    for term in terms[1:]:
        out = out + term
    return out


def _resize_bicubic_kernel(ctx, images, size):
    out_hw = _output_size(ctx, images, size)
    ytaps, xtaps = _taps_per_axis(ctx, _cubic_taps, images.shape[1:3], out_hw)
    # TF interpolates down the columns first, then along each output row.
    return _weighted_sum(_weighted_sum(images.astype(np.float32), ytaps, 1), xtaps, 2)


_BICUBIC_GRAD_TYPES = (dtypes.float32, dtypes.float64)


def resize_bicubic_grad(grads, original_image, align_corners=False, half_pixel_centers=False,
                        name=None):
    """ResizeBicubic's input gradient, shaped and typed like ``original_image``."""
    return _adjoint_op("ResizeBicubicGrad", grads, original_image, name, align_corners,
                       half_pixel_centers, _BICUBIC_GRAD_TYPES)


register("ResizeBicubic", _resize_bicubic_kernel, _resized_shape,
         _resize_gradient(resize_bicubic_grad, _BICUBIC_GRAD_TYPES))
register("ResizeBicubicGrad", _adjoint_kernel(_cubic_taps), _adjoint_shape,
         _adjoint_gradient(resize_bicubic))


# -- ResizeArea -----------------------------------------------------------------------------
def resize_area(images, size, align_corners=False, name=None):
    """Area resize of ``[batch, height, width, channels]`` images (float32 result).

    Output pixel ``i`` covers the source interval ``[i·s, (i+1)·s)`` (``s`` the
    scale) and averages the pixels under it, each weighted by how much of it
    is covered.  TF registers no gradient for it, and neither does minitf.

    Example:
        >>> tf.image.resize_area(tf.reshape(tf.range(4.), [1, 2, 2, 1]), [1, 1])   # [[[[1.5]]]]
    """
    return _resize_op("ResizeArea", images, size, name, align_corners)


def _area_taps(in_size, out_size, align_corners, half_pixel):
    """(index, weight) per source cell a footprint can touch; weight 0 past its end.

    ``half_pixel`` is there for ``_taps_per_axis``: ResizeArea has no such mode.
    """
    scale = _scale(in_size, out_size, align_corners)
    o = np.arange(out_size)
    lo, hi = o.astype(np.float32) * scale, (o + 1).astype(np.float32) * scale
    start, end = np.floor(lo).astype(np.int64), np.ceil(hi).astype(np.int64)
    taps = []
    for k in range(max(int((end - start).max()), 1)):
        cell = start + k
        c = cell.astype(np.float32)
        # the covered part of [c, c + 1): TF's case analysis of the footprint's ends
        weight = np.where(c < lo, np.where(c + 1 > hi, scale, c + 1 - lo),
                          np.where(c + 1 > hi, hi - c, np.float32(1))).astype(np.float32)
        taps.append((np.minimum(cell, in_size - 1), np.where(cell < end, weight, 0)))
    return taps


def _resize_area_kernel(ctx, images, size):
    out_hw = _output_size(ctx, images, size)
    ytaps, xtaps = _taps_per_axis(ctx, _area_taps, images.shape[1:3], out_hw)
    x = images.astype(np.float32)
    # TF sums each footprint row across, then the rows down, then divides by the area.
    total = sum(_weighted_sum(_take(x, iy, 1), xtaps, 2) * _along(wy, 1) for iy, wy in ytaps)
    area = (_scale(images.shape[1], out_hw[0], ctx.attrs["align_corners"])
            * _scale(images.shape[2], out_hw[1], ctx.attrs["align_corners"]))
    with np.errstate(all="ignore"):  # a zero footprint (aligned 1-pixel side) gives NaN
        return (total * (np.float32(1) / area)).astype(np.float32)


register("ResizeArea", _resize_area_kernel, _resized_shape, NO_GRADIENT)


# == resize_images ===========================================================================
class ResizeMethod:
    """The ``method`` values of TF 1.x's ``resize_images``."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_RESIZERS = {ResizeMethod.BILINEAR: resize_bilinear,
             ResizeMethod.NEAREST_NEIGHBOR: resize_nearest_neighbor,
             ResizeMethod.BICUBIC: resize_bicubic, ResizeMethod.AREA: resize_area}
_METHOD_NAMES = {"bilinear": 0, "nearest": 1, "bicubic": 2, "area": 3}  # TF 2's names


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """Resize ``[batch, h, w, c]`` or ``[h, w, c]`` images to ``size`` = [new_h, new_w].

    Args:
        images: 4-D or 3-D tensor.
        size: int32 ``[new_height, new_width]``.
        method: a ``ResizeMethod``: BILINEAR, NEAREST_NEIGHBOR, BICUBIC or AREA.
        align_corners: as for ``resize_bilinear``.
        preserve_aspect_ratio: shrink ``size`` to the largest size of the
            images' aspect ratio that fits in it.

    Returns:
        The resized images, float32 except for NEAREST_NEIGHBOR (the images'
        dtype).  When the static sizes show nothing would change, ``images``
        come back as they are, in their own dtype, as in TF.

    Example:
        >>> img = tf.zeros([32, 48, 3], tf.uint8)
        >>> tf.image.resize_images(img, [16, 24])           # float32, (16, 24, 3)
        >>> tf.image.resize_images(img, [64, 96], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    """
    method = _METHOD_NAMES.get(method, method)
    if method not in _RESIZERS:
        raise ValueError("Resize method is not implemented.")
    with op_scope(name, "resize", [images, size]):
        images = convert_to_tensor(images, name="images")
        if images.shape.ndims is None:
            raise ValueError("'images' contains no shape.")
        is_batch = images.shape.ndims == 4
        if images.shape.ndims == 3:
            images = array_ops.expand_dims(images, 0)
        elif not is_batch:
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        _, height, width, _ = images.shape.as_list()
        try:
            size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
        if not size.shape.is_compatible_with([2]):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        if preserve_aspect_ratio:
            size = _fitting_size(images, size)
        new_height, new_width = _static_size(size)
        if (new_height, new_width) == (height, width) and None not in (height, width):
            return images if is_batch else array_ops.squeeze(images, axis=[0])
        resized = _RESIZERS[method](images, size, align_corners=align_corners)
        resized.set_shape([None, new_height, new_width, None])
        return resized if is_batch else array_ops.squeeze(resized, axis=[0])


def _fitting_size(images, size):
    """The largest size inside ``size`` with the images' aspect ratio (TF's rounding)."""
    _, height, width, _ = image_dimensions(images, 4)
    f32 = dtypes.float32
    h, w = math_ops.cast(height, f32), math_ops.cast(width, f32)
    scale = math_ops.minimum(math_ops.cast(size[0], f32) / h, math_ops.cast(size[1], f32) / w)
    new_height = math_ops.cast(math_ops.round(scale * h), dtypes.int32)
    new_width = math_ops.cast(math_ops.round(scale * w), dtypes.int32)
    return array_ops.stack([new_height, new_width], name="size")


resize = resize_images  # TF 1.x's tf.image.resize is resize_images
