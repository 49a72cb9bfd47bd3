"""``KernelExplorer``: what a convolution kernel does to an image, live.

A convolution layer slides a small grid of weights (the kernel) over the image and
writes, at every pixel, the weighted sum of the pixels under the grid. TensorFlow's
``conv2d`` does not flip the kernel: strictly it is a cross-correlation,
``out[i, j] = sum_{u, v} image[i + u - r, j + v - r] * kernel[u, v]`` with ``r`` the
kernel's radius, and ``padding="SAME"`` reads zeros outside the image.

``KernelExplorer`` shows three panels side by side: the image, the kernel (a heat map
with its numbers) and the result. Pick a preset (``KERNELS``) or type numbers into the
3×3 or 5×5 grid of boxes; every edit is one ``sess.run`` of a small minitf graph that
the widget builds once, in a graph of its own::

    image   [1, H, W, C] placeholder ─┐
    kernel  [k, k, 1, 1] placeholder ─┴─ tf.nn.conv2d            (grayscale, C = 1)
                                       └ tf.tile -> tf.nn.depthwise_conv2d  (RGB, C = 3)

In RGB each channel is filtered by the same kernel on its own (a depthwise
convolution); in grayscale the image is first turned to luminance
(0.2989 R + 0.5870 G + 0.1140 B, as ``tf.image.rgb_to_grayscale``). The result panel
is clipped to the image's range for display, and the status line says how much of it
was clipped; ``.result`` holds the unclipped numbers.

``KernelExplorer.for_convnet(...)`` looks inside a trained network instead: for one
input digit, each conv layer's filters and the feature maps they produce.

The presets in ``KERNELS`` (float32, read-only; ``set_kernel`` copies them): identity
(the image unchanged); blur (the 3×3 mean, 1/9 each); gaussian_blur (the 5×5 binomial
outer([1, 4, 6, 4, 1]) / 256, a blur that weighs near pixels more); sharpen (the pixel
against its four neighbours); edge (the pixel against all eight: 0 on flat areas);
top_sobel and left_sobel (the change of brightness from top to bottom, from left to
right); emboss (a diagonal change added to the pixel, so the picture looks lit from
one side).

Example::

    from minitf.widgets import KernelExplorer
    explorer = KernelExplorer(image, kernel="sharpen")   # last expression of a cell
    explorer.set_kernel([[0, 0, 0], [0, 2, 0], [0, 0, 0]])
    explorer.result                                       # the latest output, numpy
"""
import html
import io
import math
import time

import ipywidgets as widgets
import numpy as np

import minitf as tf

__all__ = ["KERNELS", "ConvnetExplorer", "KernelExplorer"]

SIZES = (3, 5)
CUSTOM = "(custom)"
LUMA = np.array([0.2989, 0.5870, 0.1140], np.float32)  # the weights of rgb_to_grayscale
_PANEL_PX = 300  # width of the image and result panels
_MIN_PICTURE_PX = 160  # small images are enlarged (nearest pixel) to at least this


def _frozen(rows):
    array = np.array(rows, dtype=np.float32)
    array.setflags(write=False)  # presets are shared: a learner's edit must not change them
    return array


def _binomial(size):
    row = np.array([math.comb(size - 1, i) for i in range(size)], np.float64)
    return np.outer(row, row) / row.sum() ** 2


KERNELS = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "blur": _frozen(np.full((3, 3), 1.0 / 9.0)),
    "gaussian_blur": _frozen(_binomial(5)),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "edge": _frozen([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "top_sobel": _frozen([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "left_sobel": _frozen([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "emboss": _frozen([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}



# -- pure helpers -----------------------------------------------------------------------
def _as_image(image):
    """The image as float32 H×W×C (C = 1 or 3) and its display range (lo, hi)."""
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] == 3)):
        hint = " (drop the alpha channel: image[..., :3])" if array.ndim == 3 and \
            array.shape[2] == 4 else ""
        raise ValueError("image must be H×W (gray), H×W×1 or H×W×3 (RGB), got shape %s%s."
                         % (list(np.shape(image)), hint))
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) or \
            np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError("image must hold real numbers, got dtype %s." % array.dtype)
    if min(array.shape[:2]) < max(SIZES):
        raise ValueError("image must be at least %d×%d pixels, got %d×%d."
                         % (max(SIZES), max(SIZES), array.shape[0], array.shape[1]))
    values = array.astype(np.float32)
    if not np.isfinite(values).all():
        raise ValueError("image holds NaN or infinite values.")
    if array.dtype == np.uint8:
        lo, hi = 0.0, 255.0
    elif values.min() >= 0.0 and values.max() <= 1.0:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = float(values.min()), float(values.max())
        hi = hi if hi > lo else lo + 1.0
    if values.ndim == 2:
        values = values[:, :, None]
    return values, (lo, hi)


def _as_kernel(kernel):
    """A preset name or a square array as a fresh float32 3×3 or 5×5 kernel."""
    if isinstance(kernel, str):
        if kernel not in KERNELS:
            raise ValueError("unknown kernel preset %r; the presets are: %s."
                             % (kernel, ", ".join(KERNELS)))
        return np.array(KERNELS[kernel])
    try:
        array = np.array(kernel, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError("kernel must be a preset name or a 3×3 or 5×5 array of numbers, "
                         "got %r." % (kernel,)) from None
    if array.shape not in [(n, n) for n in SIZES]:
        raise ValueError("kernel must be 3×3 or 5×5, got shape %s." % list(array.shape))
    if not np.isfinite(array).all():
        raise ValueError("kernel holds NaN or infinite values.")
    return array


def _resized(kernel, size):
    """``kernel`` grown to ``size`` with a ring of zeros, or cut to its centre."""
    now = kernel.shape[0]
    if size > now:
        ring = (size - now) // 2
        return np.pad(kernel, ring)
    ring = (now - size) // 2
    return kernel[ring:now - ring, ring:now - ring].copy()


def _preset_name(kernel):
    for name, preset in KERNELS.items():
        if preset.shape == kernel.shape and np.array_equal(preset, kernel):
            return name
    return CUSTOM


def _enlarged(array, min_px=_MIN_PICTURE_PX):
    """``array`` with each pixel repeated so its longer side is at least ``min_px``."""
    factor = max(1, -(-min_px // max(array.shape[:2])))
    return np.repeat(np.repeat(array, factor, axis=0), factor, axis=1)


def _png(array, vmin=None, vmax=None, cmap="gray"):
    """A 2-D array through a colormap, or an H×W×3 array in [0, 1], as PNG bytes."""
    from matplotlib.image import imsave

    buffer = io.BytesIO()
    # light compression: four times faster to encode, the bytes barely bigger
    imsave(buffer, _enlarged(array), vmin=vmin, vmax=vmax, cmap=cmap, format="png",
           pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _picture(values, lo, hi):
    """PNG of an H×W×1 or H×W×3 image shown in the range [lo, hi] (clipped)."""
    if values.shape[2] == 1:
        return _png(values[:, :, 0], vmin=lo, vmax=hi)
    return _png(np.clip((values - lo) / (hi - lo), 0.0, 1.0))


def _mosaic(tiles, gap=1):
    """(n, h, w) tiles laid out on a near-square grid, NaN between them."""
    n, h, w = tiles.shape
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = max(1, -(-n // cols))
    scale = max(1, -(-24 // max(h, w)))  # tiles of at least 24 pixels
    tiles = np.repeat(np.repeat(tiles, scale, axis=1), scale, axis=2)
    h, w = h * scale, w * scale
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan, np.float32)
    for k in range(n):
        r, c = divmod(k, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tiles[k]
    return out


def _mosaic_png(tiles, vmin, vmax, cmap, gaps):
    from matplotlib import colormaps

    shown = colormaps[cmap].with_extremes(bad=gaps)  # the gaps between tiles are NaN
    return _png(np.ma.masked_invalid(_mosaic(tiles)), vmin=vmin, vmax=vmax, cmap=shown)


def _fmt(value):
    return "%.3g" % value


def _panel(title, picture):
    return widgets.VBox([title, picture], layout=widgets.Layout(align_items="center"))


# -- the kernel explorer ----------------------------------------------------------------
class KernelExplorer:
    """An image, a kernel and their convolution side by side; edit the kernel live.

    Args:
      image: numpy array H×W (gray), H×W×1 or H×W×3 (RGB), uint8 or float, at least
        5×5. Its display range is [0, 255] for uint8, [0, 1] for values within it,
        else [min, max].
      kernel: a preset name (see ``KERNELS``) or a 3×3 or 5×5 array.
      color: True filters the three RGB channels, False the grayscale image; None
        (the default) is True for a 3-channel image. A gray image has no RGB.
      padding: "SAME" (zeros around the image; the result has the image's size) or
        "VALID" (only where the kernel fits; the result is smaller by ``size - 1``).

    Attributes:
      kernel: the current kernel (a copy, float32 k×k).
      result: the latest output, float32 H×W (grayscale) or H×W×3 (RGB), unclipped.
      graph: the widget's own minitf graph; ``session`` runs it until ``close()``.
      run_seconds: how long the latest ``sess.run`` took.
      widget: the ipywidgets box that is displayed.
      boxes: the FloatText boxes of the kernel, row by row (size × size of them).
      preset_menu, size_buttons, color_buttons: the other controls.

    Resizing keeps the kernel centred: 3×3 -> 5×5 puts a ring of zeros around it (the
    result does not change), 5×5 -> 3×3 keeps the middle 3×3 and drops the outer ring.

    Example:
      >>> explorer = KernelExplorer(image, kernel="edge")
      >>> explorer.boxes[4].value = 9.0          # what typing 9 in the centre box does
      >>> explorer.kernel[1, 1], explorer.result.shape
      (9.0, (600, 512, 3))
      >>> explorer.close()
    """

    def __init__(self, image, kernel="blur", color=None, padding="SAME"):
        self._source, (self.lo, self.hi) = _as_image(image)
        rgb_image = self._source.shape[2] == 3
        if color is None:
            color = rgb_image
        if color and not rgb_image:
            raise ValueError("color=True needs an H×W×3 image; this one is gray.")
        if padding not in ("SAME", "VALID"):
            raise ValueError("padding must be 'SAME' or 'VALID', got %r." % (padding,))
        self.padding = padding
        first = _as_kernel(kernel)
        self._kernel = first
        self._result = None
        self.run_seconds = 0.0
        self.closed = False
        self._syncing = False
        self._kernel_figure = None

        self.graph = tf.Graph()
        with self.graph.as_default():
            self._image_in = tf.placeholder(tf.float32, [1, None, None, None], name="image")
            self._kernel_in = tf.placeholder(tf.float32, [None, None, 1, 1], name="kernel")
            strides = [1, 1, 1, 1]
            self._gray_out = tf.nn.conv2d(self._image_in, self._kernel_in, strides, padding,
                                          name="gray")
            per_channel = tf.tile(self._kernel_in, [1, 1, 3, 1], name="per_channel")
            self._rgb_out = tf.nn.depthwise_conv2d(self._image_in, per_channel, strides,
                                                   padding, name="rgb")
        self.session = tf.Session(graph=self.graph)

        self.preset_menu = widgets.Dropdown(options=list(KERNELS) + [CUSTOM],
                                            value=_preset_name(first), description="Kernel")
        self.size_buttons = widgets.ToggleButtons(
            options=[("%d×%d" % (n, n), n) for n in SIZES], value=first.shape[0],
            description="Size", style={"button_width": "50px"})
        self.color_buttons = widgets.ToggleButtons(
            options=[("RGB", True), ("grayscale", False)], value=bool(color),
            disabled=not rgb_image, style={"button_width": "80px"},
            tooltips=["filter each colour channel", "filter the luminance"])
        self.grid = widgets.GridBox(layout=widgets.Layout(grid_gap="2px"))
        self.boxes = []
        self.image_title, self.kernel_title, self.result_title = (
            widgets.HTML() for _ in range(3))
        self.image_view = widgets.Image(format="png", layout=widgets.Layout(
            width="%dpx" % _PANEL_PX))
        self.kernel_view = widgets.Image(format="png", layout=widgets.Layout(width="180px"))
        self.result_view = widgets.Image(format="png", layout=widgets.Layout(
            width="%dpx" % _PANEL_PX))
        self.status = widgets.HTML()

        self.preset_menu.observe(self._on_preset, names="value")
        self.size_buttons.observe(self._on_size, names="value")
        self.color_buttons.observe(self._on_color, names="value")
        panels = widgets.HBox([_panel(self.image_title, self.image_view),
                               _panel(self.kernel_title, self.kernel_view),
                               _panel(self.result_title, self.result_view)])
        self.widget = widgets.VBox([
            widgets.HBox([self.preset_menu, self.size_buttons, self.color_buttons]),
            widgets.HBox([self.grid, panels], layout=widgets.Layout(align_items="center")),
            self.status])
        self.widget.add_class("minitf-kernel-explorer")  # for browser tests and styling
        self._make_boxes(first.shape[0])
        self._draw_image()
        self._apply()

    # -- public ---------------------------------------------------------------------------
    @property
    def kernel(self):
        """The current kernel: a float32 3×3 or 5×5 copy."""
        return self._kernel.copy()

    @property
    def result(self):
        """The latest output: float32 H×W (grayscale) or H×W×3 (RGB), unclipped."""
        return self._result

    @property
    def color(self):
        """True when the RGB channels are filtered, False for the grayscale image."""
        return self.color_buttons.value

    @color.setter
    def color(self, value):
        if value and self._source.shape[2] != 3:
            raise ValueError("color=True needs an H×W×3 image; this one is gray.")
        self.color_buttons.value = bool(value)

    def set_kernel(self, kernel):
        """Shows and applies ``kernel``: a preset name or a 3×3 or 5×5 array.

        Raises:
          ValueError: for an unknown preset, another shape, or NaN/infinite numbers.
        """
        self._check_open()
        kernel = _as_kernel(kernel)
        self._kernel = kernel
        self._syncing = True
        try:
            self.size_buttons.value = kernel.shape[0]
            self.preset_menu.value = _preset_name(kernel)
            if len(self.boxes) != kernel.size:
                self._make_boxes(kernel.shape[0])
            self._fill_boxes()
        finally:
            self._syncing = False
        self._apply()

    def input_image(self):
        """The image the kernel is applied to: H×W×3 in RGB, H×W×1 in grayscale."""
        if self.color or self._source.shape[2] == 1:
            return self._source
        return np.tensordot(self._source, LUMA, axes=([2], [0]))[:, :, None]

    def close(self):
        """Closes the widget's own session and its widgets (never any other session)."""
        if self.closed:
            return
        self.closed = True
        self.session.close()
        for box in self.boxes:
            box.close()
        for child in (self.preset_menu, self.size_buttons, self.color_buttons, self.grid,
                      self.image_title, self.kernel_title, self.result_title,
                      self.image_view, self.kernel_view, self.result_view, self.status):
            child.close()
        self.widget.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def _repr_mimebundle_(self, **kwargs):
        """Jupyter shows the widget box: ``display(explorer)`` or as a cell's last line."""
        return self.widget._repr_mimebundle_(**kwargs)

    @classmethod
    def for_convnet(cls, session, images, input_tensor, layers, feed_dict=None):
        """A ``ConvnetExplorer`` of a trained network: its filters and feature maps.

        Args:
          session: the live session that holds the trained weights (never closed here).
          images: a numpy batch of inputs, in the shape ``input_tensor`` takes
            (e.g. [N, 784] or [N, 28, 28, 1]).
          input_tensor: the placeholder the images are fed to, one at a time.
          layers: the conv layers in order, as a dict ``{name: (filter, activation)}``
            or a list of ``(name, filter, activation)``: the layer's filter variable
            (or tensor) [kh, kw, in, out] and its output tensor [1, h, w, out].
          feed_dict: other feeds every run needs (e.g. ``{keep_prob: 1.0}``).

        Example:
          >>> KernelExplorer.for_convnet(sess, mnist_test[:50], x,
          ...                            [("conv1", W1, h1), ("conv2", W2, h2)],
          ...                            feed_dict={keep_prob: 1.0})
        """
        return ConvnetExplorer(session, images, input_tensor, layers, feed_dict=feed_dict)

    # -- updates --------------------------------------------------------------------------
    def _check_open(self):
        if self.closed:
            raise RuntimeError("This KernelExplorer is closed (its session is gone): make a "
                               "new one.")

    def _make_boxes(self, size):
        for box in self.boxes:
            box.close()
        self.boxes = [widgets.FloatText(step=0.1, layout=widgets.Layout(width="62px"))
                      for _ in range(size * size)]
        for box in self.boxes:
            box.observe(self._on_box, names="value")
        self.grid.children = self.boxes
        self.grid.layout.grid_template_columns = "repeat(%d, 62px)" % size
        self._fill_boxes()

    def _fill_boxes(self):
        was_syncing, self._syncing = self._syncing, True
        try:
            for box, value in zip(self.boxes, self._kernel.ravel()):
                box.value = round(float(value), 4)  # the heat map shows more digits
        finally:
            self._syncing = was_syncing

    def _on_box(self, change):
        if self._syncing or self.closed:
            return
        row, col = divmod(self.boxes.index(change["owner"]), self._kernel.shape[0])
        value = change["new"]
        if not math.isfinite(value):
            self._fill_boxes()  # refuse it: show the number the kernel still holds
            return
        self._kernel = self._kernel.copy()
        self._kernel[row, col] = value
        self._syncing = True
        try:
            self.preset_menu.value = _preset_name(self._kernel)
        finally:
            self._syncing = False
        self._apply()

    def _on_preset(self, change):
        if not self._syncing and change["new"] != CUSTOM:
            self.set_kernel(change["new"])

    def _on_size(self, change):
        if not self._syncing:
            self.set_kernel(_resized(self._kernel, change["new"]))

    def _on_color(self, change):
        if not self.closed:
            self._draw_image()
            self._apply()

    def _apply(self):
        """One sess.run of the graph with the current image and kernel, then redraw."""
        self._check_open()
        image = self.input_image()
        fetch = self._rgb_out if image.shape[2] == 3 else self._gray_out
        start = time.perf_counter()
        out = self.session.run(fetch, {self._image_in: image[None],
                                       self._kernel_in: self._kernel[:, :, None, None]})
        self.run_seconds = time.perf_counter() - start
        self._result = out[0] if image.shape[2] == 3 else out[0, :, :, 0]
        self._draw_kernel()
        self._draw_result()

    # -- drawing --------------------------------------------------------------------------
    def _draw_image(self):
        image = self.input_image()
        mode = "RGB" if image.shape[2] == 3 else "grayscale"
        self.image_title.value = "<b>image</b> %d×%d, %s" % (image.shape[0], image.shape[1],
                                                             mode)
        self.image_view.value = _picture(image, self.lo, self.hi)

    def _draw_kernel(self):
        self.kernel_view.value = self.kernel_png()
        size = self._kernel.shape[0]
        self.kernel_title.value = "<b>kernel</b> %d×%d, sum %s" % (
            size, size, _fmt(float(self._kernel.sum(dtype=np.float64))))

    def _draw_result(self):
        result = self._result
        self.result_view.value = _picture(
            result if result.ndim == 3 else result[:, :, None], self.lo, self.hi)
        op = "depthwise_conv2d" if result.ndim == 3 else "conv2d"
        self.result_title.value = "<b>result</b> tf.nn.%s, %s" % (op, self.padding)
        outside = int(np.count_nonzero((result < self.lo) | (result > self.hi)))
        span = "[%s, %s]" % (_fmt(self.lo), _fmt(self.hi))
        if outside:
            shown = "clipped to %s for display: %.1f%% of the values were outside " \
                    "(min %s, max %s)" % (span, 100.0 * outside / result.size,
                                          _fmt(result.min()), _fmt(result.max()))
        else:
            shown = "all values within %s: nothing clipped" % span
        self.status.value = "<code>%s · sess.run %.0f ms</code>" % (
            html.escape(shown), 1000.0 * self.run_seconds)

    def kernel_png(self):
        """The kernel as a heat map with its numbers (red > 0 > blue), PNG bytes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        if self._kernel_figure is None:
            self._kernel_figure = Figure(figsize=(1.8, 1.8), dpi=100)
            FigureCanvasAgg(self._kernel_figure)
        fig = self._kernel_figure
        fig.clear()
        ax = fig.add_axes([0.02, 0.02, 0.96, 0.96])
        kernel = self._kernel
        limit = float(np.abs(kernel).max()) or 1.0
        ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        size = kernel.shape[0]
        digits = "%.3g" if size == 3 else "%.2g"  # five numbers a row need shorter ones
        for (row, col), value in np.ndenumerate(kernel):
            ax.text(col, row, digits % value, ha="center", va="center",
                    fontsize=9 if size == 3 else 7,
                    color="white" if abs(value) > 0.6 * limit else "black")
        ax.set_xticks([])
        ax.set_yticks([])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


# -- inside a trained convnet -----------------------------------------------------------
def _as_layers(layers):
    """``{name: (filter, activation)}`` from a dict of pairs or a list of triples."""
    items = list(layers.items()) if isinstance(layers, dict) else [
        (entry[0], tuple(entry[1:])) for entry in layers]
    out = {}
    for name, pair in items:
        if len(pair) != 2:
            raise ValueError("each layer must be (name, filter, activation); layer %r has "
                             "%d parts." % (name, len(pair) + 1))
        if name in out:
            raise ValueError("two layers are named %r." % (name,))
        for what, tensor, rank in (("filter", pair[0], 4), ("activation", pair[1], 4)):
            shape = getattr(tensor, "shape", None)
            if shape is None:
                raise ValueError("layer %r: the %s must be a tensor or variable, got %r."
                                 % (name, what, type(tensor).__name__))
            if shape.ndims is not None and shape.ndims != rank:
                raise ValueError("layer %r: the %s must have rank 4, got shape %s."
                                 % (name, what, shape))
        out[str(name)] = tuple(pair)
    if not out:
        raise ValueError("layers is empty: give at least one (name, filter, activation).")
    return out


def _digit_shape(sample_shape):
    """How one input is drawn: H×W or H×W×3, from its shape (e.g. 784 -> 28×28)."""
    if len(sample_shape) == 1:
        side = math.isqrt(sample_shape[0])
        if side * side == sample_shape[0]:
            return side, side
    elif len(sample_shape) == 2:
        return tuple(sample_shape)
    elif len(sample_shape) == 3 and sample_shape[2] in (1, 3):
        return tuple(sample_shape) if sample_shape[2] == 3 else tuple(sample_shape[:2])
    raise ValueError("cannot draw inputs of shape %s: give images as [N, H*W] with a square "
                     "H*W, [N, H, W], or [N, H, W, 1 or 3]." % list(sample_shape))


class ConvnetExplorer:
    """The filters and feature maps of a trained convnet's conv layers, for one input.

    Made by ``KernelExplorer.for_convnet`` (see there for the arguments). The digit
    slider picks the input, the layer menu the conv layer; for a layer with several
    input channels the channel menu shows the filters' slice for one input channel or
    their mean over all of them. Filters share one colour scale per picture (red > 0 >
    blue, symmetric), feature maps another ([min, max] over all maps).

    Attributes:
      session: the learner's session (used, never closed).
      images: the batch of inputs; ``layer_names``: the layers in order.
      widget: the ipywidgets box that is displayed.
      digit_slider, layer_menu, channel_menu: the controls.
    """

    def __init__(self, session, images, input_tensor, layers, feed_dict=None):
        self.session = session
        self.images = np.asarray(images)
        if self.images.ndim < 2 or len(self.images) == 0:
            raise ValueError("images must be a non-empty batch [N, ...], got shape %s."
                             % list(self.images.shape))
        self.input_tensor = input_tensor
        wanted = input_tensor.shape
        if wanted.ndims is not None:
            if wanted.ndims != self.images.ndim:
                raise ValueError("input_tensor has shape %s but images has shape %s."
                                 % (wanted, list(self.images.shape)))
            for have, want in zip(self.images.shape[1:], wanted.as_list()[1:]):
                if want is not None and have != want:
                    raise ValueError("input_tensor has shape %s but images has shape %s."
                                     % (wanted, list(self.images.shape)))
            batch = wanted.as_list()[0]
            if batch not in (None, 1):
                raise ValueError("input_tensor takes batches of exactly %d; the explorer "
                                 "feeds one image at a time (use a None batch size)." % batch)
        self._digit = _digit_shape(self.images.shape[1:])
        self.layers = _as_layers(layers)
        self.layer_names = list(self.layers)
        self.feed_dict = dict(feed_dict or {})
        self.closed = False

        self.digit_slider = widgets.IntSlider(value=0, min=0, max=len(self.images) - 1,
                                              description="input", continuous_update=False)
        self.layer_menu = widgets.Dropdown(options=self.layer_names, description="layer")
        self.channel_menu = widgets.Dropdown(description="filters of",
                                             layout=widgets.Layout(width="260px"))
        self.digit_title, self.filters_title, self.maps_title = (
            widgets.HTML() for _ in range(3))
        self.digit_view = widgets.Image(format="png", layout=widgets.Layout(width="160px"))
        self.filters_view = widgets.Image(format="png", layout=widgets.Layout(width="240px"))
        self.maps_view = widgets.Image(format="png", layout=widgets.Layout(width="360px"))
        self._fill_channels()
        self.digit_slider.observe(lambda _: self.refresh(), names="value")
        self.layer_menu.observe(self._on_layer, names="value")
        self.channel_menu.observe(lambda _: self._draw_filters(), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.digit_slider, self.layer_menu, self.channel_menu]),
            widgets.HBox([_panel(self.digit_title, self.digit_view),
                          _panel(self.filters_title, self.filters_view),
                          _panel(self.maps_title, self.maps_view)])])
        self.widget.add_class("minitf-convnet-explorer")
        self.refresh()

    # -- public ---------------------------------------------------------------------------
    def filters(self, layer_name):
        """The layer's filters now in the session: numpy [kh, kw, in, out]."""
        value = np.asarray(self.session.run(self._layer(layer_name)[0]))
        if value.ndim != 4:
            raise ValueError("layer %r: the filter has shape %s, not [kh, kw, in, out]."
                             % (layer_name, list(value.shape)))
        return value

    def feature_maps(self, layer_name, index):
        """The layer's output for input ``index``: numpy [h, w, out] (one sess.run)."""
        activation = self._layer(layer_name)[1]
        n = len(self.images)
        if not -n <= int(index) < n:
            raise IndexError("input %d is out of range for %d images." % (index, n))
        index = int(index) % n
        feed = dict(self.feed_dict)
        feed[self.input_tensor] = self.images[index:index + 1]
        value = np.asarray(self.session.run(activation, feed))
        if value.ndim != 4 or value.shape[0] != 1:
            raise ValueError("layer %r: the activation has shape %s for one input, not "
                             "[1, h, w, channels]." % (layer_name, list(value.shape)))
        return value[0]

    def refresh(self):
        """Redraws everything from the session's current weights (e.g. after training)."""
        self._draw_digit()
        self._draw_filters()
        self._draw_maps()

    def close(self):
        """Closes the widgets; the learner's session stays open."""
        self.closed = True
        for child in (self.digit_slider, self.layer_menu, self.channel_menu,
                      self.digit_title, self.filters_title, self.maps_title,
                      self.digit_view, self.filters_view, self.maps_view, self.widget):
            child.close()

    def _repr_mimebundle_(self, **kwargs):
        """Jupyter shows the widget box."""
        return self.widget._repr_mimebundle_(**kwargs)

    # -- drawing --------------------------------------------------------------------------
    def _layer(self, layer_name):
        if layer_name not in self.layers:
            raise KeyError("no layer %r; the layers are: %s."
                           % (layer_name, ", ".join(self.layer_names)))
        return self.layers[layer_name]

    def _on_layer(self, _):
        self._fill_channels()
        self._draw_filters()
        self._draw_maps()

    def _fill_channels(self):
        inputs = self.filters(self.layer_menu.value).shape[2]
        options = [("input channel %d" % c, c) for c in range(inputs)]
        if inputs > 1:
            options.insert(0, ("mean of the %d input channels" % inputs, "mean"))
        self.channel_menu.options = options
        self.channel_menu.value = options[0][1]
        self.channel_menu.disabled = inputs == 1

    def _draw_digit(self):
        index = self.digit_slider.value
        digit = self.images[index].reshape(self._digit).astype(np.float32)
        lo, hi = float(digit.min()), float(digit.max())
        hi = hi if hi > lo else lo + 1.0
        self.digit_view.value = _picture(digit if digit.ndim == 3 else digit[:, :, None],
                                         lo, hi)
        self.digit_title.value = "<b>input %d</b> of %d" % (index, len(self.images))

    def _draw_filters(self):
        name = self.layer_menu.value
        filters = self.filters(name)
        channel = self.channel_menu.value
        if channel == "mean":
            shown, which = filters.mean(axis=2), "mean over the %d input channels" % (
                filters.shape[2])
        else:
            shown, which = filters[:, :, channel, :], "input channel %d of %d" % (
                channel, filters.shape[2])
        limit = float(np.abs(shown).max()) or 1.0
        # a diverging map is white at 0, so the gaps between filters are black
        self.filters_view.value = _mosaic_png(np.moveaxis(shown, 2, 0), -limit, limit,
                                              "RdBu_r", "black")
        self.filters_title.value = "<b>%d filters</b> %d×%d of %s<br>%s, scale ±%s" % (
            filters.shape[3], filters.shape[0], filters.shape[1], html.escape(name),
            which, _fmt(limit))

    def _draw_maps(self):
        name = self.layer_menu.value
        maps = self.feature_maps(name, self.digit_slider.value)
        lo, hi = float(maps.min()), float(maps.max())
        self.maps_view.value = _mosaic_png(np.moveaxis(maps, 2, 0), lo, hi if hi > lo
                                           else lo + 1.0, "gray", "white")
        self.maps_title.value = "<b>%d feature maps</b> %d×%d of %s<br>one scale [%s, %s]" % (
            maps.shape[2], maps.shape[0], maps.shape[1], html.escape(name), _fmt(lo),
            _fmt(hi))
