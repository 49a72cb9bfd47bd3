"""Image decoding and encoding (``tf.image.decode_*``, ``encode_*``), with Pillow.

As in TF 1.x, ``DecodeJpeg``, ``DecodePng`` and ``DecodeGif`` share one kernel
that reads the format from the leading bytes, so each of them decodes JPEG,
PNG and GIF; ``DecodeImage`` adds BMP.  What Pillow hands back is then
converted to the requested channels by libpng's rules as TF sets them up:

* ``channels=0`` keeps the file's channel count, where a palette counts as
  one channel (TF asks libpng for ``info->channels``), so it decodes to gray;
* colour to gray is ``(9797 R + 19234 G + 3737 B) >> 15`` (libpng's
  ``rgb_to_gray(0.299, 0.587)``, truncating); gray to colour copies;
* alpha is stripped when the count is odd, else taken from the file, from a
  tRNS colour key, or added as opaque;
* 16-bit samples keep their high byte (``png_set_strip_16``).

JPEG pixels are those of Pillow's libjpeg (accurate integer IDCT, fancy
upsampling), i.e. TF's ``dct_method="INTEGER_ACCURATE"``; TF's default fast
IDCT differs by a level or two.  Encoded bytes need not equal TF's.
"""
import contextlib
import io
import struct

import numpy as np

from minitf.framework import dtypes
from minitf.framework.graph import convert_to_tensor
from minitf.framework.op_registry import NO_GRADIENT, register
from minitf.framework.tensor_shape import TensorShape, unknown_shape
from minitf.io.example import c_escape
from minitf.ops.image_ops import convert_image_dtype
from minitf.ops.op_util import check_dtype, dims_text, invalid, make_op, op_scope

__all__ = ["decode_jpeg", "decode_png", "decode_gif", "decode_bmp", "decode_image",
           "encode_png", "encode_jpeg"]


# == reading bytes =======================================================================
def _contents(ctx, contents):
    """The bytes of a scalar string input, or TF's error for a non-scalar one."""
    if np.ndim(contents) != 0:
        raise invalid(ctx, "contents must be scalar, got shape %s" % dims_text(
            np.shape(contents)))
    data = np.asarray(contents, dtype=object)[()]
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _format(data):
    """TF's ``ClassifyFileFormat`` (plus BMP): the format named by the leading bytes."""
    for magic, name in ((b"\xff\xd8\xff", "JPEG"), (b"\x89PN", "PNG"), (b"GIF", "GIF"),
                        (b"BM", "BMP")):
        if data.startswith(magic):
            return name
    return None


@contextlib.contextmanager
def _bad_data(ctx, message):
    """Pillow's failures on corrupt or truncated bytes as TF's InvalidArgumentError."""
    try:
        yield
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, EOFError ...
        raise invalid(ctx, message) from None


def _open(data):
    from PIL import Image  # imported when a codec first runs: `import minitf` stays light
    return Image.open(io.BytesIO(data))


def _gray(rgb):
    """libpng's ``rgb_to_gray(0.299, 0.587)`` on 8-bit samples: [..., 3] -> [..., 1]."""
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    return ((9797 * r + 19234 * g + 3737 * b) >> 15).astype(np.uint8)[..., None]


def _to_channels(color, alpha, channels):
    """``color`` [h, w, 1 or 3] and ``alpha`` ([h, w, 1] or None) as ``channels`` (1-4)."""
    if channels < 3 and color.shape[-1] == 3:
        color = _gray(color)
    elif channels >= 3 and color.shape[-1] == 1:
        color = np.repeat(color, 3, axis=-1)
    if channels % 2:
        return np.ascontiguousarray(color)
    if alpha is None:
        alpha = np.full(color.shape[:2] + (1,), 255, np.uint8)
    return np.concatenate([color, alpha], axis=-1)


# == the formats =========================================================================
def _jpeg_pixels(ctx, data, channels, ratio):
    """[h, w, channels or file's] uint8 of a JPEG, scaled by 1/``ratio`` in the IDCT."""
    if channels not in (0, 1, 3):
        raise invalid(ctx, "channels must be 0, 1, or 3 for JPEG, got %d" % channels)
    message = "Invalid JPEG data or crop window, data size %d" % len(data)
    with _bad_data(ctx, message):
        im = _open(data)
        width, height = im.size
    if min(width, height) < ratio:
        raise invalid(ctx, "ratio %d is larger than the %dx%d image" % (ratio, width, height))
    with _bad_data(ctx, message):
        # draft() makes libjpeg do the work TF asks of it: luma only for channels=1, and
        # the 1/ratio IDCT scale (Pillow picks the largest scale keeping this size).
        im.draft("L" if channels == 1 else im.mode, (width // ratio, height // ratio))
        pixels = np.asarray(im)
    if im.mode == "CMYK":
        if channels == 1:
            raise invalid(ctx, message)  # libjpeg cannot turn CMYK into gray
        # Pillow inverts CMYK as Adobe writes it; TF's RGB from either convention is then
        # (255 - C)(255 - K) / 255 for an Adobe file and C·K / 255 otherwise, truncated.
        ink = pixels.astype(np.int64)
        if im.info.get("adobe") is not None:
            ink = 255 - ink
        pixels = (ink[..., :3] * ink[..., 3:] // 255).astype(np.uint8)
    color = pixels if pixels.ndim == 3 else pixels[..., None]
    return _to_channels(color, None, channels or color.shape[-1])


_PNG_CHANNELS = {"1": 1, "L": 1, "P": 1, "I": 1, "I;16": 1, "I;16B": 1, "LA": 2, "RGB": 3,
                 "RGBA": 4}


def _png_pixels(ctx, data, channels):
    """[h, w, channels or file's] uint8 of a PNG (see the module docstring for the rules)."""
    with _bad_data(ctx, "Invalid PNG header, data size %d" % len(data)):
        im = _open(data)
    with _bad_data(ctx, "Invalid PNG data, size %d" % len(data)):
        im.load()
    if im.mode not in _PNG_CHANNELS:
        raise invalid(ctx, "Invalid PNG data, size %d: Pillow mode %s" % (len(data), im.mode))
    key = im.info.get("transparency")
    if im.mode == "P":  # the palette's colours, and its alpha when tRNS gives one
        rgba = np.asarray(im.convert("RGBA"))
        color, alpha = rgba[..., :3], (rgba[..., 3:] if key is not None else None)
    elif im.mode == "1":
        color, alpha = np.asarray(im.convert("L"))[..., None], None
    else:
        samples = np.asarray(im)
        samples = samples if samples.ndim == 3 else samples[..., None]
        k = samples.shape[-1]
        color = samples[..., :3 if k >= 3 else 1]
        alpha = samples[..., -1:] if k % 2 == 0 else None
        if alpha is None and key is not None:  # tRNS: the one colour that is clear
            alpha = np.where(np.all(color == np.asarray(key), axis=-1, keepdims=True),
                             0, 255).astype(np.uint8)
        if color.dtype != np.uint8:
            color = (color >> 8).astype(np.uint8)
    return _to_channels(color, alpha, channels or _PNG_CHANNELS[im.mode])


def _gif_frames(ctx, data):
    """[frames, h, w, 3] uint8, each frame composited over the previous one by Pillow."""
    with _bad_data(ctx, "Invalid GIF data (size %d)" % len(data)):
        im = _open(data)
        frames = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frames.append(np.asarray(im.convert("RGB")))
    return np.stack(frames)


def _bmp_pixels(ctx, data, channels):
    """[h, w, 3 or 4] uint8 of an uncompressed 24- or 32-bit BMP, read as TF does."""
    if len(data) < 32:
        raise invalid(ctx, "Incomplete bmp content, requires at least 32 bytes to find the "
                           "header size, width, height, and bpp, got %d bytes" % len(data))
    offset, = struct.unpack_from("<i", data, 10)
    width, height = struct.unpack_from("<ii", data, 18)
    depth = struct.unpack_from("<H", data, 28)[0] // 8
    if channels and channels != depth:
        raise invalid(ctx, "channels attribute %d does not match bits per pixel from file %d"
                      % (channels, depth))
    if depth not in (3, 4):
        raise invalid(ctx, "Number of channels must be 3 or 4, was %d" % depth)
    rows, row_size = abs(height), (depth * width + 3) // 4 * 4  # rows pad to 4 bytes
    if width <= 0 or offset < 0 or offset + rows * row_size > len(data):
        raise invalid(ctx, "Invalid BMP data, size %d: %dx%d pixels from byte %d do not fit"
                      % (len(data), width, height, offset))
    raw = np.frombuffer(data, np.uint8, rows * row_size, offset).reshape(rows, row_size)
    pixels = raw[:, :width * depth].reshape(rows, width, depth)
    if height > 0:  # stored bottom-up unless the height is negative
        pixels = pixels[::-1]
    return np.ascontiguousarray(pixels[:, :, [2, 1, 0, 3][:depth]])  # BGR(A) -> RGB(A)


def _decode(ctx, data, channels, animated):
    """TF 1.x's ``DecodeImageOp``: JPEG, PNG or GIF by the leading bytes.

    ``animated`` is True for DecodeGif (always 4-D); the others take a GIF of
    one frame only, and give it 3-D.
    """
    fmt = _format(data)
    if fmt not in ("JPEG", "PNG", "GIF"):
        what = "empty file" if not data else \
            "unknown format starting with '%s'" % c_escape(data[:16])
        raise invalid(ctx, "Expected image (JPEG, PNG, or GIF), got %s" % what)
    if fmt == "GIF":
        if channels not in (0, 3):
            raise invalid(ctx, "channels must be 0 or 3 for GIF, got %d" % channels)
        frames = _gif_frames(ctx, data)
        if animated:
            return frames
        if len(frames) != 1:
            raise invalid(ctx, "Got %d frames, but animated gifs can only be decoded by "
                               "tf.image.decode_gif or tf.image.decode_image" % len(frames))
        return frames[0]
    if fmt == "JPEG":
        image = _jpeg_pixels(ctx, data, channels, ctx.attrs.get("ratio", 1))
    else:
        image = _png_pixels(ctx, data, channels)
    return image[None] if animated else image


def _decode_op(op_type, contents, name, attrs):
    with op_scope(name, op_type, [contents]) as scope:
        contents = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
        return make_op(op_type, [contents], [dtypes.uint8], scope, attrs)._outputs[0]


def _check_channels(ctx):
    """The ``channels`` attr, if it is one TF's decoders accept."""
    channels = ctx.attrs["channels"]
    if channels not in (0, 1, 3, 4):
        raise invalid(ctx, "channels must be 0, 1, 3, or 4, got %d" % channels)
    return channels


def _decoded_shape(op):
    """``[?, ?, channels]`` (the channel count unknown for 0) of a scalar string."""
    op._inputs[0].shape.with_rank(0)
    return [TensorShape([None, None, op._attrs["channels"] or None])]


# -- DecodeJpeg ---------------------------------------------------------------------------
def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                name=None):
    """Decode JPEG bytes into a uint8 image ``[height, width, channels]``.

    Args:
        contents: scalar string tensor, the file's bytes (PNG and one-frame GIF
            bytes decode too, as in TF).
        channels: 0 keeps the file's (1 or 3), 1 gives luma, 3 gives RGB.
        ratio: 1, 2, 4 or 8; the image is downscaled by it inside the IDCT
            (the output is ``ceil(size / ratio)``).
        fancy_upscaling, try_recover_truncated, acceptable_fraction, dct_method:
            accepted for TF's signature; pixels are always libjpeg's accurate
            integer IDCT with fancy upsampling, and a truncated file is an error.

    Example:
        >>> img = tf.image.decode_jpeg(tf.read_file("cat.jpg"), channels=3)
        >>> sess.run(img).shape   # (height, width, 3)
    """
    attrs = {"channels": int(channels), "ratio": int(ratio),
             "fancy_upscaling": bool(fancy_upscaling),
             "try_recover_truncated": bool(try_recover_truncated),
             "acceptable_fraction": float(acceptable_fraction), "dct_method": dct_method}
    return _decode_op("DecodeJpeg", contents, name, attrs)


def _decode_jpeg_kernel(ctx, contents):
    channels = _check_channels(ctx)
    if ctx.attrs["ratio"] not in (1, 2, 4, 8):
        raise invalid(ctx, "ratio must be 1, 2, 4, or 8, got %d" % ctx.attrs["ratio"])
    return _decode(ctx, _contents(ctx, contents), channels, animated=False)


register("DecodeJpeg", _decode_jpeg_kernel, _decoded_shape, NO_GRADIENT)


# -- DecodePng ----------------------------------------------------------------------------
def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """Decode PNG bytes into a uint8 image ``[height, width, channels]``.

    Args:
        contents: scalar string tensor (JPEG and one-frame GIF bytes decode too).
        channels: 0 keeps the file's (gray 1, gray+alpha 2, RGB 3, RGBA 4; a
            palette is 1, as in TF), else 1 gray, 3 RGB, 4 RGBA.
        dtype: uint8 only (TF's uint16 is not available: 16-bit samples are
            reduced to their high byte).

    Example:
        >>> img = tf.image.decode_png(tf.read_file("logo.png"), channels=4)
    """
    if dtypes.as_dtype(dtype) is not dtypes.uint8:
        raise TypeError("decode_png supports dtype uint8 only, got %s"
                        % dtypes.as_dtype(dtype).name)
    return _decode_op("DecodePng", contents, name,
                      {"channels": int(channels), "dtype": dtypes.uint8})


def _decode_png_kernel(ctx, contents):
    return _decode(ctx, _contents(ctx, contents), _check_channels(ctx), animated=False)


register("DecodePng", _decode_png_kernel, _decoded_shape, NO_GRADIENT)


# -- DecodeGif ----------------------------------------------------------------------------
def decode_gif(contents, name=None):
    """Decode GIF bytes into uint8 frames ``[num_frames, height, width, 3]``.

    Each frame is composited over the previous one.  JPEG or PNG bytes come
    out as one frame.

    Example:
        >>> frames = tf.image.decode_gif(tf.read_file("anim.gif"))   # (n, h, w, 3)
    """
    return _decode_op("DecodeGif", contents, name, {})


def _decode_gif_kernel(ctx, contents):
    return _decode(ctx, _contents(ctx, contents), 3, animated=True)


def _decode_gif_shape(op):
    op._inputs[0].shape.with_rank(0)
    return [TensorShape([None, None, None, 3])]


register("DecodeGif", _decode_gif_kernel, _decode_gif_shape, NO_GRADIENT)


# -- DecodeBmp ----------------------------------------------------------------------------
def decode_bmp(contents, channels=0, name=None):
    """Decode an uncompressed 24- or 32-bit BMP into uint8 ``[height, width, 3 or 4]``.

    As TF's decoder: the 32-bit format's fourth byte is alpha, ``channels``
    (0, 3 or 4) must match the file's, and nothing else is supported.

    Example:
        >>> img = tf.image.decode_bmp(tf.read_file("icon.bmp"))
    """
    return _decode_op("DecodeBmp", contents, name, {"channels": int(channels)})


def _decode_bmp_kernel(ctx, contents):
    if ctx.attrs["channels"] not in (0, 3, 4):
        raise invalid(ctx, "channels must be 0, 3 or 4, got %d" % ctx.attrs["channels"])
    return _bmp_pixels(ctx, _contents(ctx, contents), ctx.attrs["channels"])


register("DecodeBmp", _decode_bmp_kernel, _decoded_shape, NO_GRADIENT)


# -- DecodeImage --------------------------------------------------------------------------
def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None,
                 expand_animations=True):
    """Decode BMP, GIF, JPEG or PNG bytes, whichever they are, into ``dtype``.

    GIFs give ``[num_frames, height, width, 3]`` (the first frame, 3-D, when
    ``expand_animations=False``), the others ``[height, width, channels]``;
    so the static shape is unknown, as in TF.  A ``dtype`` other than uint8
    scales as ``convert_image_dtype``.  TF 1.x builds this from ``cond``s on
    the leading bytes; here it is one ``DecodeImage`` op with the same rules.

    Example:
        >>> img = tf.image.decode_image(tf.read_file(path), channels=3, dtype=tf.float32)
    """
    if channels not in (None, 0, 1, 3, 4):
        raise ValueError("channels must be in (None, 0, 1, 3, 4)")
    with op_scope(name, "decode_image", [contents]) as scope:
        attrs = {"channels": channels or 0, "expand_animations": bool(expand_animations)}
        image = _decode_op("DecodeImage", contents, None, attrs)
        if dtypes.as_dtype(dtype) is dtypes.uint8:
            return image
        return convert_image_dtype(image, dtype, name=scope)


def _decode_image_kernel(ctx, contents):
    data = _contents(ctx, contents)
    channels, fmt = ctx.attrs["channels"], _format(data)
    if fmt is None:
        raise invalid(ctx, "Unable to decode bytes as JPEG, PNG, GIF, or BMP")
    if fmt == "JPEG" and channels == 4:
        raise invalid(ctx, "Channels must be in (None, 0, 1, 3) when decoding JPEG images")
    # TF rejects 1 for BMP, and 1 or 4 for GIF, then decodes either with its own channels.
    if channels == 1 and fmt in ("GIF", "BMP") or channels == 4 and fmt == "GIF":
        raise invalid(ctx, "Channels must be in (None, 0, 3) when decoding %s images" % fmt)
    if fmt == "BMP":
        return _bmp_pixels(ctx, data, 0)
    if fmt == "GIF":
        frames = _decode(ctx, data, 0, animated=True)
        return frames if ctx.attrs["expand_animations"] else frames[0]
    return _decode(ctx, data, channels, animated=False)


def _decode_image_shape(op):
    op._inputs[0].shape.with_rank(0)
    return [unknown_shape() if op._attrs["expand_animations"] else unknown_shape(3)]


register("DecodeImage", _decode_image_kernel, _decode_image_shape, NO_GRADIENT)


# == encoding ============================================================================
def _check_encodable(ctx, image, channels):
    if image.ndim != 3:
        raise invalid(ctx, "image must be 3-dimensional%s" % dims_text(image.shape))
    if image.shape[2] not in channels:
        allowed = ", ".join(map(str, channels[:-1])) + " or " * (len(channels) > 1) + \
            str(channels[-1])
        raise invalid(ctx, "image must have %s channels, got %s" % (allowed,
                                                                    dims_text(image.shape)))
    if image.size == 0:
        raise invalid(ctx, "image must have a nonzero size, got %s" % dims_text(image.shape))


def _encoded(im, fmt, **options):
    """The bytes of a Pillow image saved as ``fmt``, as a scalar string value."""
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    out = np.empty((), dtype=object)
    out[()] = buf.getvalue()
    return out


def _pil_image(image):
    from PIL import Image
    modes = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}
    pixels = image[..., 0] if image.shape[2] == 1 else image
    return Image.fromarray(np.ascontiguousarray(pixels), modes[image.shape[2]])


def _encoded_shape(op):
    op._inputs[0].shape.with_rank(3)
    return [TensorShape([])]


def _encode_op(op_type, image, name, attrs):
    with op_scope(name, op_type, [image]) as scope:
        image = convert_to_tensor(image, name="image")
        check_dtype(op_type, image, (dtypes.uint8,), "image")
        attrs["T"] = image.dtype
        return make_op(op_type, [image], [dtypes.string], scope, attrs)._outputs[0]


# -- EncodePng ----------------------------------------------------------------------------
def encode_png(image, compression=-1, name=None):
    """PNG-encode a uint8 image ``[height, width, channels]`` (1 to 4 channels).

    ``compression`` is zlib's level, 0 to 9, or -1 for zlib's default.  The
    result is a scalar string; decoding it gives the image back exactly.

    Example:
        >>> data = tf.image.encode_png(tf.zeros([4, 4, 3], tf.uint8))
        >>> tf.image.decode_png(data)   # the 4x4x3 zeros again
    """
    return _encode_op("EncodePng", image, name, {"compression": int(compression)})


def _encode_png_kernel(ctx, image):
    level = ctx.attrs["compression"]
    if not -1 <= level <= 9:
        raise invalid(ctx, "compression should be in [-1,9], got %d" % level)
    _check_encodable(ctx, image, (1, 2, 3, 4))
    return _encoded(_pil_image(image), "PNG", compress_level=6 if level == -1 else level)


register("EncodePng", _encode_png_kernel, _encoded_shape, NO_GRADIENT)


# -- EncodeJpeg ---------------------------------------------------------------------------
def encode_jpeg(image, format="", quality=95, progressive=False,  # noqa: A002  (TF's name)
                optimize_size=False, chroma_downsampling=True, density_unit="in",
                x_density=300, y_density=300, xmp_metadata="", name=None):
    """JPEG-encode a uint8 image ``[height, width, 1 or 3]`` into a scalar string.

    ``format`` "" takes grayscale or RGB from the channels; "grayscale" and
    "rgb" require 1 or 3.  ``quality`` is 0-100; ``chroma_downsampling``
    picks 4:2:0 (True) or 4:4:4; the density is written in ``density_unit``
    ("in" or "cm").

    Example:
        >>> data = tf.image.encode_jpeg(img_uint8, quality=90)
    """
    attrs = {"format": format, "quality": int(quality), "progressive": bool(progressive),
             "optimize_size": bool(optimize_size),
             "chroma_downsampling": bool(chroma_downsampling), "density_unit": density_unit,
             "x_density": int(x_density), "y_density": int(y_density),
             "xmp_metadata": xmp_metadata}
    return _encode_op("EncodeJpeg", image, name, attrs)


def _encode_jpeg_kernel(ctx, image):
    a = ctx.attrs
    formats = {"": (1, 3), "grayscale": (1,), "rgb": (3,)}
    if a["format"] not in formats:
        raise invalid(ctx, "format must be '', grayscale or rgb, got %s" % a["format"])
    if not 0 <= a["quality"] <= 100:
        raise invalid(ctx, "quality must be in [0,100], got %d" % a["quality"])
    if a["density_unit"] not in ("in", "cm"):
        raise invalid(ctx, "density_unit must be 'in' or 'cm', got %s" % a["density_unit"])
    _check_encodable(ctx, image, formats[a["format"]])
    per_inch = 2.54 if a["density_unit"] == "cm" else 1.0  # Pillow writes dots per inch
    options = {"quality": a["quality"], "progressive": a["progressive"],
               "optimize": a["optimize_size"], "subsampling": 2 if a["chroma_downsampling"]
               else 0, "dpi": (a["x_density"] * per_inch, a["y_density"] * per_inch)}
    if a["xmp_metadata"]:
        options["xmp"] = a["xmp_metadata"].encode("utf-8")
    return _encoded(_pil_image(image), "JPEG", **options)


register("EncodeJpeg", _encode_jpeg_kernel, _encoded_shape, NO_GRADIENT)
