"""tf.image against Pillow (codecs) and direct numpy versions of TF's formulas (the rest).

Resize references build, per axis, the [out, in] matrix of TF's sampling rule
(source coordinates in float32, as TF computes them, the weights in float64),
so a resize is ``Wy · x · Wxᵀ`` and its adjoint ``Wyᵀ · g · Wx``; they share
nothing with the kernels' tap arrays.  Bicubic uses Keys' exact kernel, which
TF samples from a 1024-step table, hence its looser tolerance.
"""
import io
import re
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import minitf as tf
from minitf.ops import image_resize_ops
from tests.ops.optest import Case, check_forward, check_gradient

RNG = np.random.RandomState(11)


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def pixels(shape):
    return RNG.randint(0, 256, shape).astype(np.uint8)


def pil_bytes(array, fmt, mode=None, **options):
    image = Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array, mode)
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def png16(samples):
    """A 16-bit gray (1 channel) or RGB (3) PNG written by hand: Pillow cannot write RGB."""
    h, w, c = samples.shape
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    rows = b"".join(b"\0" + samples[r].astype(">u2").tobytes() for r in range(h))
    header = struct.pack(">IIBBBBB", w, h, 16, {1: 0, 3: 2}[c], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def libpng_gray(rgb):
    """libpng's rgb_to_gray(0.299, 0.587) as TF sets it: integer weights, truncated."""
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    return ((9797 * r + 19234 * g + 3737 * b) >> 15).astype(np.uint8)[..., None]


# == decoding and encoding =================================================================
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_png_round_trips_both_ways_with_pillow(channels):
    image = pixels((5, 7, channels))
    ours = run(tf.image.encode_png(image))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(ours))).reshape(image.shape), image)
    mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[channels]
    decoded = tf.image.decode_png(pil_bytes(image, "PNG", mode))
    assert decoded.shape.as_list() == [None, None, None]
    assert np.array_equal(run(decoded), image)


def test_png_channel_conversions_follow_libpng():
    rgba = pixels((4, 6, 4))
    data = tf.constant(pil_bytes(rgba, "PNG", "RGBA"))
    gray = pil_bytes(rgba[..., :1], "PNG", "L")
    opaque = np.full((4, 6, 1), 255, np.uint8)
    want = {
        (data, 1): libpng_gray(rgba[..., :3]),
        (data, 3): rgba[..., :3],
        (gray, 3): np.repeat(rgba[..., :1], 3, -1),
        (gray, 4): np.concatenate([np.repeat(rgba[..., :1], 3, -1), opaque], -1),
    }
    la = pil_bytes(rgba[..., ::3], "PNG", "LA")  # two channels only from the file
    want[(la, 0)] = rgba[..., ::3]
    want[(la, 3)] = np.repeat(rgba[..., :1], 3, -1)
    for (contents, channels), expected in want.items():
        decoded = tf.image.decode_png(contents, channels=channels)
        assert decoded.shape.as_list() == [None, None, channels or None]
        assert np.array_equal(run(decoded), expected), channels


def test_sixteen_bit_png_keeps_the_high_byte():
    for c in (1, 3):
        samples = RNG.randint(0, 65536, (3, 5, c)).astype(np.uint16)
        got = run(tf.image.decode_png(png16(samples)))
        assert np.array_equal(got, (samples >> 8).astype(np.uint8))


def test_palette_png_is_one_channel_unless_asked_as_in_tf():
    palette_image = Image.fromarray(pixels((4, 4, 3))).quantize(8)
    buf = io.BytesIO()
    palette_image.save(buf, "PNG")
    rgb = np.asarray(palette_image.convert("RGB"))
    assert np.array_equal(run(tf.image.decode_png(buf.getvalue())), libpng_gray(rgb))
    assert np.array_equal(run(tf.image.decode_png(buf.getvalue(), channels=3)), rgb)


def test_png_transparent_colour_key_becomes_alpha():
    rgb = pixels((3, 4, 3))
    rgb[1, 2] = (9, 8, 7)
    data = pil_bytes(rgb, "PNG", "RGB", transparency=(9, 8, 7))
    got = run(tf.image.decode_png(data, channels=4))
    alpha = np.full((3, 4), 255, np.uint8)
    alpha[np.all(rgb == (9, 8, 7), axis=-1)] = 0
    assert np.array_equal(got, np.concatenate([rgb, alpha[..., None]], -1))
    assert run(tf.image.decode_png(data)).shape == (3, 4, 3)  # alpha only when asked


def smooth_rgb(h, w):
    """A smooth colour image: JPEG keeps it within a few levels."""
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (x + y) * 255 // (h + w - 2)],
                    -1).astype(np.uint8)


def test_jpeg_decodes_as_pillow_and_encodes_within_tolerance():
    image = smooth_rgb(16, 24)
    data = pil_bytes(image, "JPEG", quality=90)
    decoded = tf.image.decode_jpeg(data, channels=3)
    assert decoded.shape.as_list() == [None, None, 3]
    assert np.array_equal(run(decoded), np.asarray(Image.open(io.BytesIO(data))))
    ours = run(tf.image.encode_jpeg(image, quality=95))
    back = np.asarray(Image.open(io.BytesIO(ours))).astype(int)
    assert back.shape == image.shape and np.abs(back - image).mean() < 2
    luma = run(tf.image.decode_jpeg(data, channels=1)).astype(float)
    rgb = np.asarray(Image.open(io.BytesIO(data))).astype(float)
    assert luma.shape == (16, 24, 1)
    assert np.abs(luma[..., 0] - rgb @ [0.299, 0.587, 0.114]).max() < 3
    gray = run(tf.image.encode_jpeg(image[..., :1]))
    assert Image.open(io.BytesIO(gray)).mode == "L"
    assert run(tf.image.decode_jpeg(gray, channels=3)).shape == (16, 24, 3)


@pytest.mark.parametrize("ratio", [2, 4, 8])
def test_jpeg_ratio_scales_inside_the_idct(ratio):
    data = pil_bytes(smooth_rgb(32, 48), "JPEG", quality=95)
    got = run(tf.image.decode_jpeg(data, ratio=ratio)).astype(float)
    assert got.shape == (32 // ratio, 48 // ratio, 3)
    full = np.asarray(Image.open(io.BytesIO(data))).astype(float)
    blocks = full.reshape(32 // ratio, ratio, 48 // ratio, ratio, 3).mean(axis=(1, 3))
    assert np.abs(got - blocks).mean() < 2  # each output pixel ~ its block's mean
    odd = run(tf.image.decode_jpeg(pil_bytes(smooth_rgb(20, 30), "JPEG"), ratio=ratio))
    assert odd.shape == (-(-20 // ratio), -(-30 // ratio), 3)


def test_cmyk_jpeg_becomes_rgb_by_tfs_formula():
    cmyk = pixels((8, 8, 4))
    data = pil_bytes(cmyk, "JPEG", "CMYK", quality=100)
    stored = np.asarray(Image.open(io.BytesIO(data))).astype(int)  # Pillow's C, M, Y, K
    want = (255 - stored[..., :3]) * (255 - stored[..., 3:]) // 255  # Adobe's inverted ink
    assert np.array_equal(run(tf.image.decode_jpeg(data)), want)


def test_gif_frames_and_the_single_frame_rule():
    frames = [Image.fromarray(pixels((6, 5, 3))).quantize(16) for _ in range(2)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    data = buf.getvalue()
    want = []
    im = Image.open(io.BytesIO(data))
    for i in range(2):
        im.seek(i)
        want.append(np.asarray(im.convert("RGB")))
    decoded = tf.image.decode_gif(data)
    assert decoded.shape.as_list() == [None, None, None, 3]
    assert np.array_equal(run(decoded), np.stack(want))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Got 2 frames, but animated gifs"):
        run(tf.image.decode_png(data))
    single = pil_bytes(np.asarray(frames[0].convert("RGB")), "GIF")
    assert run(tf.image.decode_jpeg(single)).shape == (6, 5, 3)
    assert run(tf.image.decode_image(data, expand_animations=False)).shape == (6, 5, 3)


@pytest.mark.parametrize("channels", [3, 4])
def test_bmp_decodes_pillows_24_and_32_bit_files(channels):
    image = pixels((5, 3, channels))  # width 3: 24-bit rows need padding
    data = pil_bytes(image, "BMP", {3: "RGB", 4: "RGBA"}[channels])
    assert np.array_equal(run(tf.image.decode_bmp(data)), image)
    assert np.array_equal(run(tf.image.decode_image(data)), image)
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not match bits per pixel"):
        run(tf.image.decode_bmp(data, channels=7 - channels))


def test_decode_image_dispatches_on_the_leading_bytes():
    image = pixels((4, 5, 3))
    png, jpeg = pil_bytes(image, "PNG"), pil_bytes(image, "JPEG")
    contents = tf.placeholder(tf.string, [])
    decoded = tf.image.decode_image(contents, channels=3)
    assert decoded.shape.ndims is None  # a GIF would be 4-D
    with tf.Session() as sess:
        assert np.array_equal(sess.run(decoded, {contents: png}), image)
        assert np.array_equal(sess.run(decoded, {contents: jpeg}),
                              np.asarray(Image.open(io.BytesIO(jpeg))))
    scaled = run(tf.image.decode_image(png, dtype=tf.float32))
    np.testing.assert_allclose(scaled, image / 255.0, rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"^.*Unable to decode bytes as JPEG, PNG, GIF, or BMP"):
        run(tf.image.decode_image(b"not an image"))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Channels must be in \(None, 0, 1, 3\) when decoding JPEG"):
        run(tf.image.decode_image(jpeg, channels=4))
    with pytest.raises(ValueError, match=r"channels must be in \(None, 0, 1, 3, 4\)"):
        tf.image.decode_image(png, channels=2)


def test_decoders_reject_bad_bytes_with_tfs_messages():
    png = pil_bytes(pixels((8, 8, 3)), "PNG")
    cases = [
        (tf.image.decode_png(b"hello"),
         "Expected image (JPEG, PNG, or GIF), got unknown format starting with 'hello'"),
        (tf.image.decode_jpeg(b""), "Expected image (JPEG, PNG, or GIF), got empty file"),
        (tf.image.decode_png(png[:60]), "Invalid PNG data, size 60"),
        (tf.image.decode_jpeg(b"\xff\xd8\xff" + b"\0" * 20), "Invalid JPEG data"),
        (tf.image.decode_jpeg(pil_bytes(pixels((8, 8, 3)), "JPEG"), channels=4),
         "channels must be 0, 1, or 3 for JPEG, got 4"),
        (tf.image.decode_png(png, channels=5), "channels must be 0, 1, 3, or 4, got 5"),
        (tf.image.encode_png(np.zeros((2, 2, 5), np.uint8)), "must have 1, 2, 3 or 4 channels, got [2,2,5]"),
        (tf.image.encode_jpeg(np.zeros((2, 2, 2), np.uint8)), "must have 1 or 3 channels, got [2,2,2]"),
        (tf.image.encode_png(np.zeros((0, 2, 3), np.uint8)), "must have a nonzero size"),
    ]
    for t, message in cases:
        with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(message)):
            run(t)
    contents = tf.placeholder(tf.string)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"contents must be scalar, got shape \[2\]"):
        run(tf.image.decode_png(contents), {contents: [png, png]})
    with pytest.raises(ValueError, match="must have rank 0"):
        tf.image.decode_png([png, png])
    with pytest.raises(TypeError, match="uint8"):
        tf.image.encode_png(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(ValueError):
        tf.image.encode_png(np.zeros((2, 2), np.uint8))  # the shape function wants rank 3


# == resizing: references ==================================================================
def axis_matrix(method, n_in, n_out, align_corners=False, half_pixel_centers=False):
    """[n_out, n_in] weights of TF's rule along one axis (coordinates in float32)."""
    f32, half_pixel = np.float32, half_pixel_centers
    scale = f32(n_in - 1) / f32(n_out - 1) if align_corners and n_out > 1 else \
        f32(n_in) / f32(n_out)
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = (f32(i) + f32(0.5)) * scale
        if method == "nearest":
            src = center if half_pixel else f32(i) * scale
            k = int(np.floor(src + f32(0.5))) if align_corners else int(np.floor(src))
            m[i, min(max(k, 0), n_in - 1)] = 1
        elif method == "bilinear":
            src = center - f32(0.5) if half_pixel else f32(i) * scale
            lo = int(np.floor(src))
            t = float(src) - lo
            m[i, max(lo, 0)] += 1 - t
            m[i, min(lo + 1, n_in - 1)] += t
        elif method == "bicubic":
            src = center - f32(0.5) if half_pixel else f32(i) * scale
            lo = int(np.floor(src))
            a = -0.5 if half_pixel else -0.75
            for k in range(lo - 1, lo + 3):
                d = abs(float(src) - k)
                w = ((a + 2) * d - (a + 3)) * d * d + 1 if d <= 1 else \
                    ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
                if 0 <= k < n_in or not half_pixel:
                    m[i, min(max(k, 0), n_in - 1)] += w
            m[i] /= m[i].sum()
        else:  # area: the overlap of [i·s, (i+1)·s) with each cell, over s
            lo, hi = float(f32(i) * scale), float(f32(i + 1) * scale)
            for c in range(int(np.floor(lo)), int(np.ceil(hi))):
                m[i, min(c, n_in - 1)] += (min(hi, c + 1) - max(lo, c)) / float(scale)
    return m


def ref_resize(x, out_hw, method, **sampling):
    wy = axis_matrix(method, x.shape[1], out_hw[0], **sampling)
    wx = axis_matrix(method, x.shape[2], out_hw[1], **sampling)
    return np.einsum("ih,nhwc,jw->nijc", wy, x.astype(np.float64), wx)


def ref_adjoint(g, in_hw, method, **sampling):
    wy = axis_matrix(method, in_hw[0], g.shape[1], **sampling)
    wx = axis_matrix(method, in_hw[1], g.shape[2], **sampling)
    return np.einsum("ih,nijc,jw->nhwc", wy, g.astype(np.float64), wx)


RESIZERS = {"bilinear": tf.image.resize_bilinear, "nearest": tf.image.resize_nearest_neighbor,
            "bicubic": tf.image.resize_bicubic}
SAMPLINGS = [{}, {"align_corners": True}, {"half_pixel_centers": True}]
SIZES = [((3, 4), (5, 7)), ((6, 9), (4, 2)), ((5, 5), (1, 1)), ((2, 7), (9, 3)),
         ((1, 3), (4, 6))]


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("sampling", SAMPLINGS, ids=["legacy", "align_corners", "half_pixel"])
@pytest.mark.parametrize("in_hw, out_hw", SIZES)
def test_resize_matches_tfs_formula(method, sampling, in_hw, out_hw):
    x = RNG.uniform(0, 1, (2,) + in_hw + (3,)).astype(np.float32)
    got = run(RESIZERS[method](x, out_hw, **sampling))
    assert got.dtype == np.float32 and got.shape == (2,) + out_hw + (3,)
    atol = 5e-3 if method == "bicubic" else 1e-5
    np.testing.assert_allclose(got, ref_resize(x, out_hw, method, **sampling), atol=atol)


# (A one-pixel side aligned to the corners has a zero footprint: TF gives NaN there.)
@pytest.mark.parametrize("in_hw, out_hw, align_corners",
                         [s + (a,) for s in SIZES for a in (False, True)
                          if not (a and 1 in s[0])])
def test_resize_area_averages_the_covered_cells(in_hw, out_hw, align_corners):
    x = RNG.uniform(0, 1, (1,) + in_hw + (2,)).astype(np.float32)
    got = run(tf.image.resize_area(x, out_hw, align_corners=align_corners))
    want = ref_resize(x, out_hw, "area", align_corners=align_corners)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_resize_dtypes_and_static_shapes():
    image = pixels((4, 6, 3))
    bilinear = tf.image.resize_images(image, [8, 3])
    assert bilinear.dtype == tf.float32 and bilinear.shape.as_list() == [8, 3, 3]
    np.testing.assert_allclose(run(bilinear), ref_resize(image[None], (8, 3), "bilinear")[0],
                               rtol=1e-6)
    nearest = tf.image.resize_images(image, [8, 3], tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    assert nearest.dtype == tf.uint8
    assert np.array_equal(run(nearest), ref_resize(image[None], (8, 3), "nearest")[0])
    assert tf.image.resize_images(image, [4, 6]).dtype == tf.uint8  # nothing to resize
    batch = tf.placeholder(tf.float32, [None, None, None, 2])
    size = tf.placeholder(tf.int32, [2])
    assert tf.image.resize_images(batch, [5, 6]).shape.as_list() == [None, 5, 6, 2]
    out = tf.image.resize_bilinear(batch, size)
    assert out.shape.as_list() == [None, None, None, 2]
    x = RNG.standard_normal((3, 2, 5, 2)).astype(np.float32)
    with tf.Session() as sess:
        got = sess.run(out, {batch: x, size: [3, 4]})
    np.testing.assert_allclose(got, ref_resize(x, (3, 4), "bilinear"), rtol=1e-5, atol=1e-6)
    fit = tf.image.resize_images(tf.zeros([10, 20, 1]), [8, 8], preserve_aspect_ratio=True)
    assert run(fit).shape == (4, 8, 1)  # min(8/10, 8/20) = 0.4 of 10x20


def test_resize_errors():
    x = np.zeros((1, 4, 4, 1), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="If half_pixel_centers is True"):
        run(tf.image.resize_bilinear(x, [2, 2], align_corners=True, half_pixel_centers=True))
    with pytest.raises(tf.errors.InvalidArgumentError, match="output dimensions must be positive"):
        run(tf.image.resize_bilinear(x, tf.constant([0, 2])))
    with pytest.raises(ValueError, match="Shape must be rank 4|must have rank 4|rank"):
        tf.image.resize_bilinear(np.zeros((4, 4, 1), np.float32), [2, 2])
    with pytest.raises(ValueError, match="'images' must have either 3 or 4 dimensions"):
        tf.image.resize_images(np.zeros((4, 4), np.float32), [2, 2])
    with pytest.raises(ValueError, match="Resize method is not implemented"):
        tf.image.resize_images(x, [2, 2], method=7)


def test_resize_gradients_are_the_adjoints():
    x = RNG.standard_normal((2, 3, 5, 2))
    g = RNG.standard_normal((2, 4, 2, 2))
    for method, sampling in [("bilinear", {}), ("bilinear", {"half_pixel_centers": True}),
                             ("nearest", {"align_corners": True}), ("bicubic", {})]:
        images = tf.constant(x)
        resized = RESIZERS[method](images, [4, 2], **sampling)
        dx, = tf.gradients(resized, images, grad_ys=tf.cast(g, resized.dtype))
        assert dx.dtype == tf.float64
        want = ref_adjoint(g, (3, 5), method, **sampling)
        np.testing.assert_allclose(run(dx), want, rtol=1e-5, atol=5e-3 if method == "bicubic"
                                   else 1e-5)
    ints = tf.constant(pixels((1, 2, 2, 1)))  # integer images get no gradient, as in TF
    assert tf.gradients(tf.image.resize_bilinear(ints, [3, 3]), ints) == [None]


# Registry rows.  Bilinear and bicubic return float32 whatever the input, so their
# float64 gradient checks see the input rounded to float32: the rows use small inputs
# (|x| <~ 1e-4), for which the checker's 1e-6 step is ~1% of x and the rounding error
# of the central difference stays ~1e-5 of the derivative.
def small(shape):
    return RNG.uniform(-1e-4, 1e-4, shape)


def _case(op_type, build, ref, inputs, float32_out=False, **kw):
    """A row; ``float32_out``: the op returns float32, cast to float64 for the checker."""
    if float32_out:
        kw = dict(dict(rtol=1e-5, atol=1e-10, grad_rtol=2e-3), **kw)
        build = (lambda f: lambda *xs: tf.cast(f(*xs), tf.float64))(build)
    return Case(op_type, build, ref, inputs, id="%s-%d" % (op_type, len(CASES)), **kw)


CASES = []
for _sampling in SAMPLINGS:
    CASES += [
        _case("ResizeBilinear", lambda x, s=_sampling: tf.image.resize_bilinear(x, [4, 7], **s),
              lambda x, s=_sampling: ref_resize(x, (4, 7), "bilinear", **s),
              [small((2, 3, 5, 1))], float32_out=True),
        _case("ResizeNearestNeighbor",
              lambda x, s=_sampling: tf.image.resize_nearest_neighbor(x, [5, 3], **s),
              lambda x, s=_sampling: ref_resize(x, (5, 3), "nearest", **s),
              [RNG.standard_normal((1, 3, 4, 2))]),
    ]
CASES += [
    _case("ResizeBicubic", lambda x: tf.image.resize_bicubic(x, [5, 6]),
          lambda x: ref_resize(x, (5, 6), "bicubic"), [small((1, 4, 3, 2))], float32_out=True,
          atol=5e-7),  # 5e-3 of the inputs' scale: TF's weight table
    _case("ResizeArea", lambda x: tf.image.resize_area(x, [2, 3]),
          lambda x: ref_resize(x, (2, 3), "area").astype(np.float32),
          [RNG.standard_normal((1, 5, 7, 1))], grad=False, rtol=1e-5),
    # The gradient ops as ops, so their own gradients (the resize again) are checked.
    _case("ResizeBilinearGrad",
          lambda g, x: image_resize_ops.resize_bilinear_grad(tf.cast(g, tf.float32), x,
                                                             half_pixel_centers=True),
          lambda g, x: ref_adjoint(g, (3, 5), "bilinear", half_pixel_centers=True),
          [small((1, 4, 2, 1)), np.zeros((1, 3, 5, 1))], grad=[0], float32_out=True),
    _case("ResizeBicubicGrad",
          lambda g, x: image_resize_ops.resize_bicubic_grad(tf.cast(g, tf.float32), x),
          lambda g, x: ref_adjoint(g, (3, 5), "bicubic"),
          [small((1, 4, 2, 1)), np.zeros((1, 3, 5, 1))], grad=[0], float32_out=True,
          atol=5e-7),  # 5e-3 of the inputs' scale: TF's weight table
    _case("ResizeNearestNeighborGrad",
          lambda g: image_resize_ops.resize_nearest_neighbor_grad(g, [3, 5]),
          lambda g: ref_adjoint(g, (3, 5), "nearest"), [RNG.standard_normal((2, 4, 7, 1))]),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_resize_table(case):
    check_forward(case)
    if case.grad:
        check_gradient(case)


# == dtype, colour and standardization ======================================================
def test_convert_image_dtype_scales_between_integer_and_float_ranges():
    ints = np.array([0, 1, 127, 128, 254, 255], np.uint8)
    as_float = run(tf.image.convert_image_dtype(ints, tf.float32))
    assert as_float.dtype == np.float32
    np.testing.assert_allclose(as_float, ints / 255.0, rtol=1e-6)
    floats = np.array([0.0, 0.2, 0.5, 0.999, 1.0, -0.3, 1.5], np.float32)
    # float -> int multiplies by MAX + 0.5 and truncates; saturate clips to [0, MAX] first
    scaled = floats.astype(np.float64) * 255.5
    np.testing.assert_array_equal(
        run(tf.image.convert_image_dtype(floats, tf.uint8, saturate=True)),
        np.clip(scaled, 0, 255).astype(np.uint8))
    in_range = floats[:5]
    np.testing.assert_array_equal(run(tf.image.convert_image_dtype(in_range, tf.uint8)),
                                  (in_range * 255.5).astype(np.uint8))
    # int -> int shifts by the ratio of the ranges (MAX + 1)
    np.testing.assert_array_equal(run(tf.image.convert_image_dtype(ints, tf.int32)),
                                  ints.astype(np.int64) * (2**31 // 256))
    wide = np.array([0, 2**24, 2**31 - 1], np.int32)
    np.testing.assert_array_equal(run(tf.image.convert_image_dtype(wide, tf.uint8)),
                                  wide // 2**23)
    same = tf.image.convert_image_dtype(floats, tf.float32)
    assert same.op.type == "Identity"
    np.testing.assert_array_equal(run(tf.image.convert_image_dtype(floats, tf.float64)),
                                  floats.astype(np.float64))
    with pytest.raises(AttributeError, match="floating point or integer"):
        tf.image.convert_image_dtype(floats, tf.bool)


def test_rgb_to_grayscale_uses_tfs_weights_and_keeps_the_dtype():
    rgb = RNG.uniform(0, 1, (2, 3, 4, 3)).astype(np.float32)
    gray = tf.image.rgb_to_grayscale(rgb)
    assert gray.shape.as_list() == [2, 3, 4, 1]
    np.testing.assert_allclose(run(gray), rgb @ np.array([[0.2989], [0.5870], [0.1140]]),
                               rtol=1e-6)
    ints = pixels((4, 5, 3))
    got = run(tf.image.rgb_to_grayscale(ints))
    want = (ints / 255.0 @ np.array([[0.2989], [0.5870], [0.1140]])) * 255.5
    assert got.dtype == np.uint8
    assert np.abs(got.astype(int) - want.astype(np.int64)).max() <= 1  # float32 rounding


def test_grayscale_to_rgb_repeats_the_channel():
    gray = RNG.standard_normal((2, 3, 1)).astype(np.float32)
    rgb = tf.image.grayscale_to_rgb(gray)
    assert rgb.shape.as_list() == [2, 3, 3]
    np.testing.assert_array_equal(run(rgb), np.repeat(gray, 3, axis=-1))
    with pytest.raises(ValueError, match="Last dimension of a grayscale image should be size 1"):
        tf.image.grayscale_to_rgb(np.zeros((2, 3, 3), np.float32))


def test_per_image_standardization_uses_the_adjusted_stddev():
    images = RNG.uniform(0, 255, (3, 4, 5, 2))
    images[1] = 7.0  # a flat image: stddev 0, so 1/sqrt(N) keeps the division finite
    got = run(tf.image.per_image_standardization(images.astype(np.float32)))
    n = 4 * 5 * 2
    for image, out in zip(images, got):
        scale = max(image.std(), 1 / np.sqrt(n))
        np.testing.assert_allclose(out, (image - image.mean()) / scale, rtol=1e-4, atol=1e-5)
    ints = pixels((4, 4, 3))  # integer pixels are cast, not rescaled to [0, 1]
    got = run(tf.image.per_image_standardization(ints))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, (ints - ints.mean()) / ints.std(), rtol=1e-4, atol=1e-5)


def test_adjust_and_random_brightness():
    image = RNG.uniform(0, 1, (3, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(run(tf.image.adjust_brightness(image, 0.25)), image + 0.25)
    ints = np.array([[[0], [100], [250]]], np.uint8)
    got = run(tf.image.adjust_brightness(ints, 0.1))  # in [0, 1] units, saturating
    want = np.clip((ints / 255.0 + 0.1) * 255.5, 0, 255).astype(np.uint8)
    assert np.abs(got.astype(int) - want).max() <= 1
    bright = tf.image.random_brightness(image, 0.3, seed=5)
    with tf.Session() as sess:
        deltas = [sess.run(bright) - image for _ in range(20)]
    with tf.Session() as sess:
        again = sess.run(bright) - image
    np.testing.assert_allclose(again, deltas[0], atol=1e-6)  # the seed repeats per session
    shifts = np.array([d.mean() for d in deltas])
    np.testing.assert_allclose(np.array(deltas), shifts[:, None, None, None] + 0 * image,
                               atol=1e-6)  # one delta per run for the whole image
    assert np.all(np.abs(shifts) <= 0.3) and len(set(np.round(shifts, 6))) == 20
    with pytest.raises(ValueError, match="max_delta must be non-negative"):
        tf.image.random_brightness(image, -1.0)


# == flips, crops and pads =================================================================
def test_flips_and_transpose():
    image = RNG.standard_normal((3, 4, 2))
    batch = RNG.standard_normal((2, 3, 4, 2))
    np.testing.assert_array_equal(run(tf.image.flip_left_right(image)), image[:, ::-1])
    np.testing.assert_array_equal(run(tf.image.flip_up_down(image)), image[::-1])
    np.testing.assert_array_equal(run(tf.image.flip_left_right(batch)), batch[:, :, ::-1])
    np.testing.assert_array_equal(run(tf.image.flip_up_down(batch)), batch[:, ::-1])
    np.testing.assert_array_equal(run(tf.image.transpose_image(image)),
                                  image.transpose(1, 0, 2))
    np.testing.assert_array_equal(run(tf.image.transpose(batch)), batch.transpose(0, 2, 1, 3))
    with pytest.raises(ValueError, match="must be at least three-dimensional"):
        tf.image.flip_left_right(np.zeros((3, 4)))


@pytest.mark.parametrize("flip, axis", [(tf.image.random_flip_left_right, 1),
                                        (tf.image.random_flip_up_down, 0)])
def test_random_flips_are_seeded_and_fair(flip, axis):
    image = np.arange(6.0).reshape(2, 3, 1)
    out = flip(image, seed=3)
    assert out.shape.as_list() == [2, 3, 1]
    with tf.Session() as sess:
        runs = [sess.run(out) for _ in range(400)]
    with tf.Session() as sess:
        assert np.array_equal(sess.run(out), runs[0])  # same seed, same first draw
    flipped = [np.array_equal(r, np.flip(image, axis)) for r in runs]
    assert all(f or np.array_equal(r, image) for f, r in zip(flipped, runs))
    assert 160 < sum(flipped) < 240  # Binomial(400, 1/2): 4 standard deviations
    batch = np.stack([image] * 300)
    got = run(flip(batch, seed=3))  # each image of a batch flips on its own
    per_image = [np.array_equal(g, np.flip(image, axis)) for g in got]
    assert all(p or np.array_equal(g, image) for p, g in zip(per_image, got))
    assert 110 < sum(per_image) < 190


def test_random_crop_is_a_seeded_window():
    image = RNG.standard_normal((6, 7, 3))
    crop = tf.image.random_crop(image, [3, 4, 3], seed=2)
    with tf.Session() as sess:
        windows = [sess.run(crop) for _ in range(30)]
    with tf.Session() as sess:
        assert np.array_equal(sess.run(crop), windows[0])
    offsets = set()
    for w in windows:
        hits = [(i, j) for i in range(4) for j in range(4)
                if np.array_equal(image[i:i + 3, j:j + 4], w)]
        assert len(hits) == 1
        offsets.add(hits[0])
    assert len(offsets) > 5


def test_crop_to_bounding_box():
    image = RNG.standard_normal((6, 7, 2))
    crop = tf.image.crop_to_bounding_box(image, 1, 2, 3, 4)
    assert crop.shape.as_list() == [3, 4, 2]
    np.testing.assert_array_equal(run(crop), image[1:4, 2:6])
    batch = RNG.standard_normal((2, 6, 7, 2))
    np.testing.assert_array_equal(run(tf.image.crop_to_bounding_box(batch, 0, 3, 6, 4)),
                                  batch[:, :, 3:7])
    for box, message in [((-1, 0, 2, 2), "offset_height must be >= 0."),
                         ((0, -1, 2, 2), "offset_width must be >= 0."),
                         ((0, 0, 0, 2), "target_height must be > 0."),
                         ((0, 0, 2, 0), "target_width must be > 0."),
                         ((5, 0, 2, 2), "height must be >= target + offset."),
                         ((0, 4, 2, 4), "width must be >= target + offset.")]:
        with pytest.raises(ValueError, match=re.escape(message)):
            tf.image.crop_to_bounding_box(image, *box)
    with pytest.raises(ValueError, match="'image' must have either 3 or 4 dimensions"):
        tf.image.crop_to_bounding_box(np.zeros((2, 2)), 0, 0, 1, 1)
    unknown = tf.placeholder(tf.float64, [None, None, 2])
    with tf.Session() as sess:  # unknown sizes are checked by Assert ops at run time
        np.testing.assert_array_equal(
            sess.run(tf.image.crop_to_bounding_box(unknown, 1, 2, 3, 4), {unknown: image}),
            image[1:4, 2:6])
        with pytest.raises(tf.errors.InvalidArgumentError, match="height must be >= target"):
            sess.run(tf.image.crop_to_bounding_box(unknown, 5, 0, 2, 2), {unknown: image})


def test_pad_and_crop_or_pad():
    image = RNG.standard_normal((2, 3, 1))
    padded = tf.image.pad_to_bounding_box(image, 1, 2, 4, 6)
    assert padded.shape.as_list() == [4, 6, 1]
    np.testing.assert_array_equal(run(padded), np.pad(image, [(1, 1), (2, 1), (0, 0)]))
    with pytest.raises(ValueError, match=re.escape("width must be <= target - offset")):
        tf.image.pad_to_bounding_box(image, 0, 2, 4, 4)
    tall = RNG.standard_normal((5, 2, 1))
    got = run(tf.image.resize_image_with_crop_or_pad(tall, 3, 4))
    # rows: crop (5 - 3) // 2 = 1 from the top; columns: pad (4 - 2) // 2 = 1 on the left
    np.testing.assert_array_equal(got, np.pad(tall[1:4], [(0, 0), (1, 1), (0, 0)]))
    unknown = tf.placeholder(tf.float64, [None, None, 1])
    with tf.Session() as sess:  # the same with the sizes known only at run time
        got = sess.run(tf.image.resize_image_with_crop_or_pad(unknown, 3, 4), {unknown: tall})
    np.testing.assert_array_equal(got, np.pad(tall[1:4], [(0, 0), (1, 1), (0, 0)]))


def test_central_crop_and_total_variation():
    image = RNG.standard_normal((10, 9, 2))
    got = run(tf.image.central_crop(image, 0.5))
    # int((10 - 10 * 0.5) / 2) = 2 rows and int((9 - 4.5) / 2) = 2 columns off each side
    np.testing.assert_array_equal(got, image[2:8, 2:7])
    unknown = tf.placeholder(tf.float64, [None, None, 2])
    crop = tf.image.central_crop(unknown, 0.5)
    assert crop.shape.as_list() == [None, None, 2]
    np.testing.assert_array_equal(run(crop, {unknown: image}), image[2:8, 2:7])
    with pytest.raises(ValueError, match=re.escape("central_fraction must be within (0, 1]")):
        tf.image.central_crop(image, 0.0)
    want = np.abs(np.diff(image, axis=0)).sum() + np.abs(np.diff(image, axis=1)).sum()
    np.testing.assert_allclose(run(tf.image.total_variation(image)), want)
    batch = np.stack([image, 2 * image])
    np.testing.assert_allclose(run(tf.image.total_variation(batch)), [want, 2 * want])
