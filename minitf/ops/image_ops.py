"""Image functions of ``tf.image`` built from public ops, as TF 1.15's ``image_ops_impl``:
dtype conversion, colour, brightness, standardization, flips, crops and pads.

Being compositions, they are differentiable wherever their ops are.  Python
int arguments are checked when the graph is built (ValueError, TF's texts);
tensor arguments and unknown dimensions by Assert ops when it runs.
"""
from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.ops import array_ops, control_flow_ops, math_ops, nn_ops, random_ops
from minitf.ops.op_util import is_tensor_like, op_scope

__all__ = [
    "convert_image_dtype", "rgb_to_grayscale", "grayscale_to_rgb", "adjust_brightness",
    "random_brightness", "per_image_standardization", "flip_left_right", "flip_up_down",
    "random_flip_left_right", "random_flip_up_down", "transpose_image",
    "crop_to_bounding_box", "pad_to_bounding_box", "central_crop",
    "resize_image_with_crop_or_pad", "resize_with_crop_or_pad", "total_variation",
]


# == shape checks shared by the functions below ===============================================
def _max(a, b):
    return math_ops.maximum(a, b) if is_tensor_like(a) or is_tensor_like(b) else max(a, b)


def _min(a, b):
    return math_ops.minimum(a, b) if is_tensor_like(a) or is_tensor_like(b) else min(a, b)


def _assert(cond, message):
    """An Assert op for a tensor condition, a ValueError for a false Python one."""
    if is_tensor_like(cond):
        return [control_flow_ops.Assert(cond, [message])]
    if not cond:
        raise ValueError(message)
    return []


def _with_dependencies(deps, t):
    if not deps:
        return t
    with t.graph.control_dependencies(deps):
        return array_ops.identity(t)


def _check_at_least_3d(image):
    """TF's ``_CheckAtLeast3DImage``: static errors now, Assert ops for unknown dims."""
    shape = image.shape
    try:
        shape = shape.with_rank(3) if shape.ndims is None else shape.with_rank_at_least(3)
    except ValueError:
        raise ValueError("'image' (shape %s) must be at least three-dimensional."
                         % image.shape) from None
    inner = shape.as_list()[-3:]
    if any(d == 0 for d in inner):
        raise ValueError("inner 3 dims of 'image.shape' must be > 0: %s" % shape)
    if None not in inner:
        return []
    dims = array_ops.shape(image)
    return [control_flow_ops.Assert(
        math_ops.reduce_all(math_ops.greater(dims[-3:], 0)),
        ["inner 3 dims of 'image.shape' must be > 0."]),
        control_flow_ops.Assert(math_ops.greater_equal(array_ops.rank(image), 3),
                                ["'image' must be at least three-dimensional."])]


def _assert_at_least_3d(image):
    return _with_dependencies(_check_at_least_3d(image), image)


def image_dimensions(image, rank):
    """Static dims where known, else scalar tensors from ``Shape`` (``_ImageDimensions``)."""
    if image.shape.is_fully_defined():
        return image.shape.as_list()
    static = image.shape.with_rank(rank).as_list()
    dynamic = array_ops.unstack(array_ops.shape(image), rank)
    return [s if s is not None else d for s, d in zip(static, dynamic)]


def _as_batch(image):
    """``image`` as a 4-D batch and whether it was one; unknown rank counts as 3-D."""
    if image.shape.ndims == 4:
        return image, True
    if image.shape.ndims not in (3, None):
        raise ValueError("'image' must have either 3 or 4 dimensions.")
    batch = array_ops.expand_dims(image, 0)
    if image.shape.ndims is None:
        batch.set_shape([None] * 4)
    return batch, False


# == dtype conversion ==========================================================================
def _saturate_cast(value, dtype, name=None):
    """``cast`` after clipping to ``dtype``'s range where the source range is wider."""
    if value.dtype.min < dtype.min:
        value = math_ops.maximum(value, convert_to_tensor(dtype.min, dtype=value.dtype))
    if value.dtype.max > dtype.max:
        value = math_ops.minimum(value, convert_to_tensor(dtype.max, dtype=value.dtype))
    return math_ops.cast(value, dtype, name=name)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Convert ``image`` to ``dtype``, rescaling: floats span [0, 1], ints [0, MAX].

    Int to float casts then multiplies by ``1 / MAX_in``; float to int
    multiplies by ``MAX_out + 0.5`` then casts (truncating; ``saturate`` clips
    first); int to int shifts by the ratio of ``MAX + 1``; float to float casts.

    Example:
        >>> tf.image.convert_image_dtype(tf.constant([0, 128, 255], tf.uint8), tf.float32)
        # [0., 0.50196, 1.]
        >>> tf.image.convert_image_dtype(tf.constant([0.5, 1.0]), tf.uint8)   # [127, 255]
    """
    image = convert_to_tensor(image, name="image")
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    if dtype is image.dtype:
        return array_ops.identity(image, name=name)
    with op_scope(name, "convert_image", [image]) as scope:
        src = image.dtype
        if src.is_integer and dtype.is_integer:
            cast = _saturate_cast if saturate else math_ops.cast
            if src.max > dtype.max:  # scale down first: MAX_in maps just below MAX_out + 1
                scaled = math_ops.floordiv(image, (src.max + 1) // (dtype.max + 1))
                return cast(scaled, dtype, name=scope)
            return math_ops.multiply(cast(image, dtype), (dtype.max + 1) // (src.max + 1),
                                     name=scope)
        if src.is_floating and dtype.is_floating:
            return math_ops.cast(image, dtype, name=scope)
        if src.is_integer:
            return math_ops.multiply(math_ops.cast(image, dtype), 1. / src.max, name=scope)
        scaled = math_ops.multiply(image, dtype.max + 0.5)  # + 0.5: the cast truncates
        return (_saturate_cast if saturate else math_ops.cast)(scaled, dtype, name=scope)


# == colour =====================================================================================
def rgb_to_grayscale(images, name=None):
    """Luma of RGB images: ``0.2989 R + 0.5870 G + 0.1140 B``, last dimension 1.

    Computed in float32 on ``convert_image_dtype``-scaled values and converted
    back to the input dtype.

    Example:
        >>> tf.image.rgb_to_grayscale(tf.ones([2, 2, 3]))   # (2, 2, 1) of 0.9999
    """
    with op_scope(name, "rgb_to_grayscale", [images]) as scope:
        images = convert_to_tensor(images, name="images")
        flt = convert_image_dtype(images, dtypes.float32)
        weights = array_ops.constant([0.2989, 0.5870, 0.1140], dtype=dtypes.float32)
        gray = math_ops.reduce_sum(flt * weights, axis=-1, keepdims=True)
        return convert_image_dtype(gray, images.dtype, name=scope)


def grayscale_to_rgb(images, name=None):
    """Repeat the single channel of grayscale images three times (last dim 1 -> 3).

    Example:
        >>> tf.image.grayscale_to_rgb(tf.zeros([2, 2, 1]))   # (2, 2, 3)
    """
    with op_scope(name, "grayscale_to_rgb", [images]) as scope:
        images = convert_to_tensor(images, name="images")
        shape = images.shape
        try:
            shape = shape.with_rank(2) if shape.ndims is None else shape.with_rank_at_least(2)
        except ValueError:
            raise ValueError("A grayscale image must be at least two-dimensional.") from None
        if shape.ndims is not None and shape[-1].value not in (None, 1):
            raise ValueError("Last dimension of a grayscale image should be size 1.")
        rank_1 = array_ops.expand_dims(array_ops.rank(images) - 1, 0)
        multiples = array_ops.concat([array_ops.ones(rank_1, dtype=dtypes.int32),
                                      array_ops.constant([3], dtype=dtypes.int32)], 0)
        rgb = array_ops.tile(images, multiples, name=scope)
        if shape.ndims is not None:
            rgb.set_shape(shape.as_list()[:-1] + [3])
        return rgb


def adjust_brightness(image, delta):
    """Add ``delta`` to every value of ``image`` in float representation.

    Integer images are converted to floats in [0, 1] first and back (saturating)
    after, so ``delta`` is in that scale; float16/32 images are added to directly.

    Example:
        >>> tf.image.adjust_brightness(tf.constant([[[0.2]]]), 0.1)   # [[[0.3]]]
    """
    with op_scope(None, "adjust_brightness", [image, delta]) as scope:
        image = convert_to_tensor(image, name="image")
        orig = image.dtype
        flt = image if orig in (dtypes.float16, dtypes.float32) else \
            convert_image_dtype(image, dtypes.float32)
        adjusted = math_ops.add(flt, math_ops.cast(delta, flt.dtype), name=scope)
        return convert_image_dtype(adjusted, orig, saturate=True)


def random_brightness(image, max_delta, seed=None):
    """``adjust_brightness`` by a delta drawn uniformly from ``[-max_delta, max_delta)``.

    Example:
        >>> tf.image.random_brightness(img, 0.2, seed=1)
    """
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


def per_image_standardization(image):
    """``(x - mean) / max(stddev, 1 / sqrt(N))`` over each image's last three dims.

    The result is float32 (integer pixels are cast, not rescaled), ``N`` the
    number of values in one image.

    Example:
        >>> tf.image.per_image_standardization(tf.constant([[[1.], [3.]]]))   # [[[-1.], [1.]]]
    """
    with op_scope(None, "per_image_standardization", [image]) as scope:
        image = _assert_at_least_3d(convert_to_tensor(image, name="image"))
        num_pixels = math_ops.reduce_prod(array_ops.shape(image)[-3:])
        image = math_ops.cast(image, dtypes.float32)
        axes = [-1, -2, -3]
        mean = math_ops.reduce_mean(image, axis=axes, keepdims=True)
        variance = math_ops.reduce_mean(math_ops.square(image), axis=axes, keepdims=True) - \
            math_ops.square(mean)
        stddev = math_ops.sqrt(nn_ops.relu(variance))
        min_stddev = math_ops.rsqrt(math_ops.cast(num_pixels, dtypes.float32))
        scale = math_ops.maximum(stddev, min_stddev)
        return math_ops.truediv(math_ops.subtract(image, mean), scale, name=scope)


# == flips, crops and pads ======================================================================
def _fix_flip_shape(image, result):
    result.set_shape([None] * 3 if image.shape.ndims is None else image.shape)
    return result


def _flip(image, flip_index, scope_name):
    with op_scope(None, scope_name, [image]):
        image = _assert_at_least_3d(convert_to_tensor(image, name="image"))
        ndims = image.shape.ndims
        if ndims in (3, None):
            return _fix_flip_shape(image, array_ops.reverse(image, [flip_index]))
        if ndims == 4:
            return array_ops.reverse(image, [flip_index + 1])
        raise ValueError("'image' must have either 3 or 4 dimensions.")


def _random_flip(image, flip_index, seed, scope_name):
    """Flip with probability 1/2 (each image of a batch on its own), as TF 1.15 does."""
    with op_scope(None, scope_name, [image]) as scope:
        image = _assert_at_least_3d(convert_to_tensor(image, name="image"))
        ndims = image.shape.ndims
        if ndims in (3, None):
            mirror = math_ops.less(random_ops.random_uniform([], 0, 1.0, seed=seed), .5)
            result = control_flow_ops.cond(mirror, lambda: array_ops.reverse(image, [flip_index]),
                                           lambda: image, name=scope)
            return _fix_flip_shape(image, result)
        if ndims == 4:
            batch = array_ops.shape(image)[0]
            draws = random_ops.random_uniform(array_ops.stack([batch]), 0, 1.0, seed=seed)
            flips = math_ops.round(array_ops.reshape(draws, array_ops.stack([batch, 1, 1, 1])))
            flips = math_ops.cast(flips, image.dtype)
            flipped = array_ops.reverse(image, [flip_index + 1])
            return flips * flipped + (1 - flips) * image
        raise ValueError("'image' must have either 3 or 4 dimensions.")


def flip_left_right(image):
    """Mirror ``[h, w, c]`` or ``[batch, h, w, c]`` images along the width.

    Example:
        >>> tf.image.flip_left_right([[[1], [2], [3]]])   # [[[3], [2], [1]]]
    """
    return _flip(image, 1, "flip_left_right")


def flip_up_down(image):
    """Mirror ``[h, w, c]`` or ``[batch, h, w, c]`` images along the height.

    Example:
        >>> tf.image.flip_up_down([[[1]], [[2]]])   # [[[2]], [[1]]]
    """
    return _flip(image, 0, "flip_up_down")


def random_flip_left_right(image, seed=None):
    """``flip_left_right`` with probability 1/2: one coin for a 3-D image
    (``random_uniform([]) < 0.5``), one per image for a batch.

    Example:
        >>> tf.image.random_flip_left_right(img, seed=3)
    """
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """``flip_up_down`` with probability 1/2 (per image for a batch).

    Example:
        >>> tf.image.random_flip_up_down(img, seed=3)
    """
    return _random_flip(image, 0, seed, "random_flip_up_down")


def transpose_image(image, name=None):
    """Swap height and width of ``[h, w, c]`` or ``[batch, h, w, c]`` images.

    Example:
        >>> tf.image.transpose_image(tf.zeros([2, 5, 3])).shape   # (5, 2, 3)
    """
    with op_scope(name, "transpose", [image]):
        image = _assert_at_least_3d(convert_to_tensor(image, name="image"))
        ndims = image.shape.ndims
        perm = [0, 2, 1, 3] if ndims == 4 else [1, 0, 2]
        if ndims in (3, 4, None):
            return array_ops.transpose(image, perm, name=name)
        raise ValueError("'image' must have either 3 or 4 dimensions.")


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The ``target_height x target_width`` window whose top-left corner is at
    ``(offset_height, offset_width)``; python ints are checked now, tensors at run time.

    Example:
        >>> tf.image.crop_to_bounding_box(tf.zeros([10, 10, 3]), 2, 3, 4, 5).shape   # (4, 5, 3)
    """
    with op_scope(None, "crop_to_bounding_box", [image]):
        image, is_batch = _as_batch(convert_to_tensor(image, name="image"))
        checks = _check_at_least_3d(image)
        batch, height, width, depth = image_dimensions(image, 4)
        checks += _assert(offset_width >= 0, "offset_width must be >= 0.")
        checks += _assert(offset_height >= 0, "offset_height must be >= 0.")
        checks += _assert(target_width > 0, "target_width must be > 0.")
        checks += _assert(target_height > 0, "target_height must be > 0.")
        checks += _assert(width >= (target_width + offset_width),
                          "width must be >= target + offset.")
        checks += _assert(height >= (target_height + offset_height),
                          "height must be >= target + offset.")
        image = _with_dependencies(checks, image)
        cropped = array_ops.slice(image, array_ops.stack([0, offset_height, offset_width, 0]),
                                  array_ops.stack([-1, target_height, target_width, -1]))
        cropped.set_shape([None if is_tensor_like(d) else d
                           for d in (batch, target_height, target_width, depth)])
        return cropped if is_batch else array_ops.squeeze(cropped, axis=[0])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zero-pad ``image`` to ``target_height x target_width``, ``offset_height`` rows
    above and ``offset_width`` columns to the left.

    Example:
        >>> tf.image.pad_to_bounding_box(tf.ones([2, 2, 1]), 1, 0, 4, 3).shape   # (4, 3, 1)
    """
    with op_scope(None, "pad_to_bounding_box", [image]):
        image, is_batch = _as_batch(convert_to_tensor(image, name="image"))
        checks = _check_at_least_3d(image)
        batch, height, width, depth = image_dimensions(image, 4)
        after_width = target_width - offset_width - width
        after_height = target_height - offset_height - height
        checks += _assert(offset_height >= 0, "offset_height must be >= 0")
        checks += _assert(offset_width >= 0, "offset_width must be >= 0")
        checks += _assert(after_width >= 0, "width must be <= target - offset")
        checks += _assert(after_height >= 0, "height must be <= target - offset")
        image = _with_dependencies(checks, image)
        paddings = array_ops.reshape(array_ops.stack(
            [0, 0, offset_height, after_height, offset_width, after_width, 0, 0]), [4, 2])
        padded = array_ops.pad(image, paddings)
        padded.set_shape([None if is_tensor_like(d) else d
                          for d in (batch, target_height, target_width, depth)])
        return padded if is_batch else array_ops.squeeze(padded, axis=[0])


def central_crop(image, central_fraction):
    """The central ``central_fraction`` (in (0, 1]) of each image's height and width.

    The border removed on each side is ``int((size - size * fraction) / 2)``.

    Example:
        >>> tf.image.central_crop(tf.zeros([10, 10, 3]), 0.5).shape   # (6, 6, 3)
    """
    with op_scope(None, "central_crop", [image]):
        image = convert_to_tensor(image, name="image")
        if central_fraction <= 0.0 or central_fraction > 1.0:
            raise ValueError("central_fraction must be within (0, 1]")
        if central_fraction == 1.0:
            return image
        _check_at_least_3d(image)
        rank = image.shape.ndims
        if rank not in (3, 4):
            raise ValueError("`image` should either be a Tensor with rank = 3 or rank = 4. "
                             "Had rank = %s." % rank)
        first = rank - 3  # index of the height dimension
        starts, sizes, static = [], [], []
        for axis in (first, first + 1):
            n = image.shape[axis].value
            if n is None:
                n_t = array_ops.shape(image)[axis]
                nd = math_ops.cast(n_t, dtypes.float64)
                start = math_ops.cast((nd - nd * central_fraction) / 2, dtypes.int32)
                starts.append(start)
                sizes.append(n_t - start * 2)
                static.append(None)
            else:
                start = int((float(n) - float(n) * central_fraction) / 2)
                starts.append(start)
                sizes.append(n - start * 2)
                static.append(n - start * 2)
        lead = [0] if rank == 4 else []
        begin = array_ops.stack(lead + starts + [0])
        size = array_ops.stack([-1] * len(lead) + sizes + [-1])
        out = array_ops.slice(image, begin, size)
        dims = image.shape.as_list()
        out.set_shape(dims[:first] + static + dims[-1:])
        return out


def total_variation(images, name=None):
    """Sum of absolute differences between neighbouring pixels, per image.

    A scalar for ``[h, w, c]``, a ``[batch]`` vector for ``[batch, h, w, c]``;
    a common smoothness loss (e.g. in style transfer).

    Example:
        >>> tf.image.total_variation(tf.constant([[[0.], [1.]], [[1.], [3.]]]))   # 5.
    """
    with op_scope(name, "total_variation", [images]):
        images = convert_to_tensor(images, name="images")
        ndims = images.shape.ndims
        if ndims == 3:
            dy = images[1:, :, :] - images[:-1, :, :]
            dx = images[:, 1:, :] - images[:, :-1, :]
            axis = None
        elif ndims == 4:
            dy = images[:, 1:, :, :] - images[:, :-1, :, :]
            dx = images[:, :, 1:, :] - images[:, :, :-1, :]
            axis = [1, 2, 3]
        else:
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return (math_ops.reduce_sum(math_ops.abs(dy), axis=axis)
                + math_ops.reduce_sum(math_ops.abs(dx), axis=axis))


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Centre-crop and/or zero-pad ``image`` to ``[target_height, target_width]``.

    A dimension larger than the target is cropped around its centre (the odd
    pixel comes off the end), a smaller one is padded evenly (the odd row or
    column of zeros goes at the end).

    Example:
        >>> tf.image.resize_image_with_crop_or_pad(tf.ones([5, 2, 1]), 3, 4)
        # rows 1..3 of the image, with one zero column on each side
    """
    with op_scope(None, "resize_image_with_crop_or_pad", [image]):
        image, is_batch = _as_batch(convert_to_tensor(image, name="image"))
        checks = _check_at_least_3d(image)
        checks += _assert(target_width > 0, "target_width must be > 0.")
        checks += _assert(target_height > 0, "target_height must be > 0.")
        image = _with_dependencies(checks, image)
        if is_tensor_like(target_height):
            target_height = _with_dependencies(checks, target_height)
        if is_tensor_like(target_width):
            target_width = _with_dependencies(checks, target_width)
        _, height, width, _ = image_dimensions(image, 4)
        width_diff, height_diff = target_width - width, target_height - height
        cropped = crop_to_bounding_box(image, _max(-height_diff // 2, 0),
                                       _max(-width_diff // 2, 0), _min(target_height, height),
                                       _min(target_width, width))
        resized = pad_to_bounding_box(cropped, _max(height_diff // 2, 0),
                                      _max(width_diff // 2, 0), target_height, target_width)
        return resized if is_batch else array_ops.squeeze(resized, axis=[0])


resize_with_crop_or_pad = resize_image_with_crop_or_pad


