"""``SequenceView``: an RNN's gates and hidden state, step by step, for one input text.

A recurrent cell reads a sequence one character at a time and keeps a state vector
between steps. Its gates are sigmoids, so each of their units lies in [0, 1]: how much
of the old state to keep, or of the new input to let in (in TF's ``GRUCell`` the new
state is ``u·h + (1 − u)·c``, so an update gate ``u`` near 1 keeps the old state ``h``).
Its hidden state comes out of a tanh, in [−1, 1]. Drawn as a picture with one row per
unit and one column per time step, and the input characters written under the
columns, these numbers show which units switch at a space, count the letters of a
word, or hold their value across a line.

The view does not build or run a model itself. It calls ``trace_fn(text)``, which the
caller writes (usually one ``sess.run`` of the model's gate and state tensors for a
batch of one), and which returns ``{name: array [len(text), units]}``. Each name gets
its own heat map and colour bar. The colour scale is fixed per kind of value, so
pictures of different inputs, or of one input before and after training, compare:

* a name with "gate" in it: [0, 1] (sigmoid);
* "hidden", "state", "candidate", "output" or "tanh": [−1, 1] (tanh);
* anything else, and an LSTM's "cell" state (a sum of gated values, not squashed):
  a free scale from the values, symmetric around 0 when some are negative.

``ranges`` overrides the guess. Values outside a fixed scale are drawn in its end
colour, and the status line counts them.

Typing another text in the box (then Enter) calls ``trace_fn`` again; ``refresh()``
does the same for the current text after more training. The units are drawn in unit
order or with those that vary most over time first; with more units than
``max_units``, a slider picks which ones are drawn.

The picture is a matplotlib figure drawn off-screen to PNG bytes in an
``ipywidgets.Image`` (no display or browser needed), as in ``TrainingMonitor``, so a
saved notebook keeps the latest picture.

Example::

    import numpy as np
    from minitf.widgets import SequenceView

    def trace(text):
        x = encode(text)[None]                   # [1, T] character ids, a batch of one
        z, r, h = sess.run([update_gates, reset_gates, states], {inputs: x})
        return {"update gate": z[0], "reset gate": r[0], "hidden state": h[0]}

    view = SequenceView(trace, "hello world\\n")
    view.beside(monitor)                         # next to a TrainingMonitor
    ...                                          # train some more
    view.refresh()
"""
import collections.abc
import functools
import html
import io
import math
import time
import warnings

import ipywidgets as widgets
import numpy as np

__all__ = ["SequenceView", "char_labels", "value_range"]

GATE_RANGE = (0.0, 1.0)
TANH_RANGE = (-1.0, 1.0)
KINDS = {"gate": GATE_RANGE, "tanh": TANH_RANGE, "free": None}
ALL = "(all)"  # the name menu's entry that shows every trace
ORDERS = (("unit number", "index"), ("most varying first", "varying"))

# Characters that would be blank or invisible under a column.
_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥", "\r": "\\r"}
_TANH_WORDS = ("hidden", "state", "candidate", "output", "tanh")
_LABEL_PX = 9  # horizontal room one character label needs
_LEFT_PX, _RIGHT_PX = 52, 62  # beside the heat maps: unit numbers; the colour bar
_TITLE_PX, _TICKS_PX, _XLABEL_PX = 20, 20, 18  # above and below each heat map
_MAX_WIDTH_PX = 1600  # longer texts thin their labels instead of widening the picture
_DPI = 100


# -- pure helpers -----------------------------------------------------------------------
def char_labels(text):
    """The label written under each time step: the characters of ``text``, made visible.

    A space is "␣", a newline "⏎", a tab "⇥", a carriage return "\\\\r", and any other
    character that prints as nothing is its escape ("\\\\x00", "\\\\u200b"), so every
    step has a label that can be seen.

    Example:
        >>> char_labels("to be\\n")
        ['t', 'o', '␣', 'b', 'e', '⏎']
    """
    labels = []
    for char in text:
        if char in _VISIBLE:
            labels.append(_VISIBLE[char])
        elif char.isprintable():
            labels.append(char)
        else:
            code = ord(char)
            labels.append("\\x%02x" % code if code < 0x100 else "\\u%04x" % code
                          if code < 0x10000 else "\\U%08x" % code)
    return labels


def kind_of(name):
    """The kind of value a trace's name suggests: "gate", "tanh" or "free"."""
    words = str(name).lower()
    if "gate" in words:
        return "gate"
    if "cell" in words:  # an LSTM's c: the gates add values up, nothing squashes them
        return "free"
    if any(word in words for word in _TANH_WORDS):
        return "tanh"
    return "free"


def value_range(name, values=None, kind=None):
    """The colour scale (lo, hi) of a trace.

    Args:
        name: the trace's name; its kind is guessed from it (see ``kind_of``) unless
            ``kind`` is given.
        values: the trace's values, needed only for a free scale.
        kind: "gate" ([0, 1]), "tanh" ([−1, 1]), "free" (from the values: [0, max]
            when none is negative, else [−m, m] with m the largest magnitude), None (guess
            from the name) or an explicit (lo, hi).

    Example:
        >>> value_range("update gate"), value_range("hidden state")
        ((0.0, 1.0), (-1.0, 1.0))
    """
    if kind is None:
        kind = kind_of(name)
    if isinstance(kind, str):
        if kind not in KINDS:
            raise ValueError("unknown kind %r for trace %r; use one of %s or a (lo, hi) pair."
                             % (kind, name, ", ".join(KINDS)))
        fixed = KINDS[kind]
        if fixed is not None:
            return fixed
        finite = np.asarray(values, np.float64) if values is not None else np.zeros(0)
        finite = finite[np.isfinite(finite)]
        if finite.size == 0:
            return TANH_RANGE
        if finite.min() >= 0.0:
            return (0.0, float(finite.max()) or 1.0)
        limit = float(np.abs(finite).max())
        return (-limit, limit)
    try:
        lo, hi = (float(v) for v in kind)
    except (TypeError, ValueError):
        raise ValueError("the range of trace %r must be a kind (%s) or a (lo, hi) pair, "
                         "got %r." % (name, ", ".join(KINDS), kind)) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError("the range of trace %r must have finite lo < hi, got (%r, %r)."
                         % (name, lo, hi))
    return (lo, hi)


def check_traces(traces, text):
    """``trace_fn``'s answer as ``{name: float64 array [len(text), units]}``, or an error.

    Raises:
        TypeError: when ``traces`` is not a dict of arrays.
        ValueError: for an empty dict, an array that is not 2-D, has no units, holds
            no real numbers, or whose time steps differ from the text's characters.
    """
    if not isinstance(traces, collections.abc.Mapping):
        raise TypeError("trace_fn must return a dict {name: array [time steps, units]}, "
                        "got %s." % type(traces).__name__)
    if not traces:
        raise ValueError("trace_fn returned an empty dict: nothing to draw.")
    out = {}
    for name, value in traces.items():
        name = str(name)
        try:
            array = np.asarray(value)
        except Exception as error:  # ragged lists and the like
            raise TypeError("trace %r is not an array: %s" % (name, error)) from None
        if array.ndim != 2:
            hint = ""
            if hasattr(value, "op") or hasattr(value, "graph"):
                hint = " (a tensor, not its value: return what sess.run gives for it)"
            elif array.ndim == 3 and array.shape[0] == 1:
                hint = " (a batch of one? return value[0])"
            elif array.ndim == 1:
                hint = " (one unit? return value[:, None])"
            raise ValueError("trace %r must be 2-D [time steps, units], got shape %s%s."
                             % (name, list(array.shape), hint))
        if array.shape[0] != len(text):
            raise ValueError("trace %r has %d time steps but the text %r has %d characters: "
                             "each step needs its character." % (
                                 name, array.shape[0], _short(text), len(text)))
        if array.shape[1] == 0:
            raise ValueError("trace %r has no units (shape %s)." % (name, list(array.shape)))
        if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) or \
                np.issubdtype(array.dtype, np.complexfloating):
            raise ValueError("trace %r must hold real numbers, got dtype %s."
                             % (name, array.dtype))
        out[name] = array.astype(np.float64)
    return out


def unit_order(values, order="index"):
    """The unit indices of a [T, units] trace in drawing order.

    "index" keeps unit order; "varying" puts first the units whose value changes most
    over time (largest standard deviation; ties keep unit order).
    """
    units = values.shape[1]
    if order == "index":
        return np.arange(units)
    if order == "varying":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN unit
            spread = np.nan_to_num(np.nanstd(values, axis=0), nan=0.0)
        return np.argsort(-spread, kind="stable")
    raise ValueError("order must be one of %s, got %r." % (
        ", ".join(repr(v) for _, v in ORDERS), order))


def _short(text, limit=40):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _thinned(count, room):
    """Every how many items one tick fits, for ``count`` items in ``room`` slots."""
    return max(1, -(-count // max(room, 1)))


# -- the view ---------------------------------------------------------------------------
class SequenceView:
    """Heat maps of an RNN's gates and states over the time steps of an input text.

    Args:
      trace_fn: a function ``text -> {name: array [len(text), units]}``, e.g. one
        ``sess.run`` of the model's gate and state tensors for that text.
      text: the first input to show (a non-empty str).
      ranges: ``{name: kind or (lo, hi)}`` overriding the guessed colour scale of some
        traces (kinds: "gate", "tanh", "free"; see ``value_range``).
      max_units: draw at most this many units of each trace; with more, a slider picks
        which.
      order: "index" (unit order) or "varying" (the units that change most first).
      title: text shown above the view.
      width: width of the picture in pixels (long texts make it wider, up to 1600).
      clock: a function returning seconds (default ``time.monotonic``), for
        ``refresh(min_interval=...)``; tests pass a fake one.

    Attributes:
      text: the text drawn now; ``labels``: its characters made visible, one per step.
      traces: ``{name: float64 array [T, units]}`` of that text.
      names: the trace names, in trace_fn's order.
      error: the exception of the last text typed in the box that could not be drawn
        (None when it was drawn).
      heatmaps: ``{name: matplotlib AxesImage}`` of the latest picture.
      figure: the matplotlib figure the picture is drawn from.
      trace_seconds, draw_seconds: how long the latest trace_fn call and drawing took.
      redraws: how many pictures were drawn.
      widget: the ipywidgets box that is displayed.
      text_box, name_menu, order_menu, unit_slider, status, image: its parts.

    Example:
      >>> view = SequenceView(trace, "the cat\\n", max_units=16)
      >>> view.labels
      ['t', 'h', 'e', '␣', 'c', 'a', 't', '⏎']
      >>> view.set_text("a longer sentence")   # what typing it in the box does
      >>> view.name_menu.value = "update gate" # one trace instead of all
    """

    def __init__(self, trace_fn, text, ranges=None, max_units=32, order="index", title=None,
                 width=720, clock=time.monotonic):
        if not callable(trace_fn):
            raise TypeError("trace_fn must be a function text -> {name: array}, got %r."
                            % (trace_fn,))
        self.trace_fn = trace_fn
        self.max_units = int(max_units)
        if self.max_units < 1:
            raise ValueError("max_units must be at least 1, got %r." % (max_units,))
        unit_order(np.zeros((1, 1)), order)  # refuses an unknown order now, not on a draw
        self._ranges = dict(ranges or {})
        for name, kind in self._ranges.items():
            value_range(name, None, kind)  # a misspelt kind fails now, not on a draw
        self.title = title
        self._width = int(width)
        self._clock = clock
        self.text = None
        self.labels = []
        self.traces = {}
        self.error = None
        self.heatmaps = {}
        self.figure = None
        self.trace_seconds = 0.0
        self.draw_seconds = 0.0
        self.redraws = 0
        self.closed = False
        self._last_trace = -math.inf
        self._syncing = False
        self._layout = None  # (names, unit counts, width) the figure's axes were built for
        self._panels = {}  # {name: _Panel} of that layout
        self._steps = None  # how many time steps the panels have columns and texts for
        self._caption = None

        self.heading = widgets.HTML(value="<b>%s</b>" % html.escape(title) if title else "")
        self.text_box = widgets.Text(description="input", continuous_update=False,
                                     placeholder="type a sequence, then Enter",
                                     layout=widgets.Layout(width="320px"))
        self.name_menu = widgets.Dropdown(options=[ALL], value=ALL, description="show",
                                          layout=widgets.Layout(width="220px"))
        self.order_menu = widgets.Dropdown(options=ORDERS, value=order, description="units",
                                           layout=widgets.Layout(width="240px"))
        self.unit_slider = widgets.IntSlider(value=0, min=0, max=0, description="from unit",
                                             continuous_update=False)
        self.status = widgets.HTML(value="")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.text_box.observe(self._on_text, names="value")
        for control in (self.name_menu, self.order_menu, self.unit_slider):
            control.observe(self._on_control, names="value")
        self.widget = widgets.VBox([
            self.heading,
            widgets.HBox([self.text_box, self.name_menu]),
            widgets.HBox([self.order_menu, self.unit_slider]),
            self.status, self.image])
        self.widget.add_class("minitf-sequence-view")  # for browser tests and styling
        self.set_text(text)

    # -- public ---------------------------------------------------------------------------
    @property
    def names(self):
        """The names of the traces, in the order trace_fn returned them."""
        return list(self.traces)

    @property
    def ranges(self):
        """``{name: (lo, hi)}``: the colour scale of each trace now."""
        return {name: value_range(name, values, self._ranges.get(name))
                for name, values in self.traces.items()}

    @property
    def shown_names(self):
        """The traces drawn now: all of them, or the one picked in the menu."""
        picked = self.name_menu.value
        return self.names if picked == ALL or picked not in self.traces else [picked]

    def shown_units(self, name):
        """The unit indices of trace ``name`` drawn now, top row first."""
        values = self.traces[name]
        ranked = unit_order(values, self.order_menu.value)
        start = min(self.unit_slider.value, max(len(ranked) - self.max_units, 0))
        return ranked[start:start + self.max_units]

    def set_text(self, text):
        """Runs trace_fn on ``text`` and draws it (what typing it in the box does).

        Raises:
          TypeError, ValueError: for a text that is not a non-empty str, or when
            trace_fn's answer is not a dict of [len(text), units] arrays; trace_fn's
            own errors pass through. The view keeps the previous text then.
        """
        self._check_open()
        self._show(text, self._trace(text))

    def refresh(self, min_interval=0.0):
        """Runs trace_fn on the current text again (e.g. after more training) and redraws.

        Args:
          min_interval: do nothing when the previous run was less than this many
            seconds ago, so a training loop can call ``refresh`` every step cheaply.

        Returns:
          True when trace_fn ran, False when the call was skipped.
        """
        self._check_open()
        if self._clock() - self._last_trace < min_interval:
            return False
        self._show(self.text, self._trace(self.text))
        return True

    def beside(self, other):
        """An HBox with ``other`` (a ``TrainingMonitor`` or any widget) and this view.

        The box wraps, so on a narrow page the view goes under the monitor. Display it
        (make it a cell's last expression) instead of the two widgets.

        Example:
          >>> mon = TrainingMonitor(total_steps=2000, width=480)
          >>> view = SequenceView(trace, "hello\\n", width=560)
          >>> view.beside(mon)
        """
        left = getattr(other, "widget", other)
        if not isinstance(left, widgets.Widget):
            raise TypeError("beside() takes a TrainingMonitor or a widget, got %r."
                            % type(other).__name__)
        return widgets.HBox([left, self.widget], layout=widgets.Layout(
            flex_flow="row wrap", align_items="flex-start", grid_gap="12px"))

    def close(self):
        """Closes the widgets (the caller's model and session are left alone)."""
        if self.closed:
            return
        self.closed = True
        for child in (self.heading, self.text_box, self.name_menu, self.order_menu,
                      self.unit_slider, self.status, self.image):
            child.close()
        for box in self.widget.children:
            box.close()
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs):
        """Jupyter shows the widget box: ``display(view)`` or as a cell's last line."""
        return self.widget._repr_mimebundle_(**kwargs)

    # -- updates --------------------------------------------------------------------------
    def _check_open(self):
        if self.closed:
            raise RuntimeError("This SequenceView is closed: make a new one.")

    def _trace(self, text):
        if not isinstance(text, str):
            raise TypeError("the input sequence must be a str, got %s." % type(text).__name__)
        if not text:
            raise ValueError("the input sequence is empty: give at least one character.")
        start = time.perf_counter()
        answer = self.trace_fn(text)
        seconds = time.perf_counter() - start
        traces = check_traces(answer, text)
        for name in traces:
            value_range(name, traces[name], self._ranges.get(name))  # a bad range fails here
        self.trace_seconds = seconds
        self._last_trace = self._clock()
        return traces

    def _show(self, text, traces):
        self.text, self.labels, self.traces, self.error = text, char_labels(text), traces, None
        self._syncing = True
        try:
            self.text_box.value = text
            options = [ALL] + self.names
            if list(self.name_menu.options) != options:
                picked = self.name_menu.value
                self.name_menu.options = options
                self.name_menu.value = picked if picked in options else ALL
            most = max(values.shape[1] for values in traces.values())
            self.unit_slider.max = max(most - self.max_units, 0)
            self.unit_slider.layout.display = None if most > self.max_units else "none"
        finally:
            self._syncing = False
        self._draw()

    def _on_text(self, change):
        if self._syncing or self.closed:
            return
        try:
            traces = self._trace(change["new"])
        except Exception as error:  # a callback has nobody to raise to: say it instead
            self.error = error
            self._update_status()
            return
        self._show(change["new"], traces)

    def _on_control(self, change):
        if not self._syncing and not self.closed and self.traces:
            self._draw()

    # -- drawing --------------------------------------------------------------------------
    def _draw(self):
        start = time.perf_counter()
        self.image.value = self.render_png()
        self.draw_seconds = time.perf_counter() - start
        self.redraws += 1
        self._update_status()

    def _update_status(self):
        parts = ["%d steps" % len(self.labels)]
        for name in self.shown_names:
            values = self.traces[name]
            shown = self.shown_units(name)
            part = "%s: %d units" % (name, values.shape[1])
            if len(shown) < values.shape[1]:
                part += " (%d shown)" % len(shown)
            lo, hi = value_range(name, values, self._ranges.get(name))
            finite = values[np.isfinite(values)]
            outside = int(np.count_nonzero((finite < lo) | (finite > hi)))
            if outside:
                part += ", %d values outside [%s, %s]" % (outside, _fmt(lo), _fmt(hi))
            missing = values.size - finite.size
            if missing:
                part += ", %d NaN or infinite (grey)" % missing
            parts.append(part)
        parts.append("trace_fn %.0f ms, draw %.0f ms" % (1000 * self.trace_seconds,
                                                         1000 * self.draw_seconds))
        line = "<code>%s</code>" % html.escape(" · ".join(parts))
        if self.error is not None:
            line += "<br><span style='color:#c62828'>not drawn: %s: %s</span>" % (
                html.escape(type(self.error).__name__), html.escape(str(self.error)))
        self.status.value = line

    def _figure_width_px(self):
        needed = len(self.labels) * _LABEL_PX + _LEFT_PX + _RIGHT_PX
        return min(max(self._width, needed), max(self._width, _MAX_WIDTH_PX))

    def _panel_title(self, name, units):
        total = self.traces[name].shape[1]
        if len(units) == total and self.order_menu.value == "index":
            return "%s · %d units" % (name, total)
        if self.order_menu.value == "varying":
            return "%s · units ranked %d–%d of %d by variation over time" % (
                name, self.unit_slider.value + 1, self.unit_slider.value + len(units), total)
        return "%s · units %d–%d of %d" % (name, units[0], units[-1], total)

    def render_png(self):
        """The current heat maps as PNG bytes: one per shown trace, stacked, time along x."""
        names = self.shown_names
        units_of = {name: self.shown_units(name) for name in names}
        layout = (tuple(names), tuple(len(units_of[name]) for name in names),
                  self._figure_width_px())
        if layout != self._layout:
            # New axes only when the frame of the picture changes: filling the same axes
            # with new numbers (a slider move, a refresh, a new text) costs a third.
            self._build(*layout)
        steps = len(self.labels)
        if steps != self._steps:
            self._make_character_texts(steps)
        self.heatmaps = {}
        for name in names:
            panel = self._panels[name]
            units = units_of[name]
            lo, hi = value_range(name, self.traces[name], self._ranges.get(name))
            image = panel.image
            image.set_data(np.ma.masked_invalid(self.traces[name][:, units].T))  # [units, T]
            # each change redraws the colour bar, so only real changes are made
            cmap = _colormap("RdBu_r" if lo < 0 < hi else "viridis")
            if image.get_cmap() is not cmap:
                image.set_cmap(cmap)
            if image.get_clim() != (lo, hi):
                image.set_clim(lo, hi)
            self.heatmaps[name] = image
            panel.axes.set_title(self._panel_title(name, units), fontsize=9, loc="left",
                                 pad=3)
            for text in panel.texts:
                text.set_text(self.labels[int(text.get_position()[0])])
            rows = panel.axes.get_yticks().astype(int)
            panel.axes.set_yticks(rows, [str(units[row]) for row in rows], fontsize=7)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            # a character the font lacks is drawn as a box: not worth a warning per draw
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            self.figure.savefig(buffer, format="png", dpi=_DPI,
                                pil_kwargs={"compress_level": 1})
        return buffer.getvalue()

    def _build(self, names, unit_counts, width_px):
        """Lays out a heat map and a colour bar for each name, still empty.

        The margins are fixed in pixels: a layout engine would double the draw time.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        map_px = [min(max(12 * count + 16, 60), 380) for count in unit_counts]
        height_px = sum(_TITLE_PX + px + _TICKS_PX for px in map_px) + _XLABEL_PX
        if self.figure is None:
            self.figure = Figure(dpi=_DPI)
            FigureCanvasAgg(self.figure)
        fig = self.figure
        fig.clear()
        fig.set_size_inches(width_px / _DPI, height_px / _DPI)
        map_width = width_px - _LEFT_PX - _RIGHT_PX
        self._panels = {}
        top = height_px
        for name, count, px in zip(names, unit_counts, map_px):
            top -= _TITLE_PX + px
            box = [_LEFT_PX / width_px, top / height_px, map_width / width_px, px / height_px]
            top -= _TICKS_PX
            ax = fig.add_axes(box)
            bar_ax = fig.add_axes([(_LEFT_PX + map_width + 8) / width_px, box[1],
                                   12 / width_px, box[3]])
            image = ax.imshow(np.zeros((count, 1)), aspect="auto", interpolation="nearest")
            fig.colorbar(image, cax=bar_ax).ax.tick_params(labelsize=7)
            # The characters are plain texts, not tick labels: a Tick is five artists.
            ax.set_xticks([])
            ax.set_yticks(np.arange(0, count, _thinned(count, px // 10)))  # 10 px a number
            ax.set_ylabel("unit", fontsize=8, labelpad=2)
            ax.tick_params(length=2, pad=1)
            self._panels[name] = _Panel(ax, image)
        self._caption = fig.text(_LEFT_PX / width_px, 4 / height_px, "", fontsize=8)
        self._layout = (names, unit_counts, width_px)
        self._steps = None

    def _make_character_texts(self, steps):
        """Widens the heat maps to ``steps`` columns, with a text under each (or every
        k-th when they do not fit)."""
        from matplotlib.transforms import offset_copy

        fig = self.figure
        map_width = self._layout[2] - _LEFT_PX - _RIGHT_PX
        every = _thinned(steps, map_width // _LABEL_PX)
        for panel in self._panels.values():
            ax = panel.axes
            for text in panel.texts:
                text.remove()
            rows = panel.image.get_array().shape[0]
            panel.image.set_data(np.zeros((rows, steps)))
            panel.image.set_extent((-0.5, steps - 0.5, rows - 0.5, -0.5))
            # x in time steps, y just under the axes whatever their height
            under = offset_copy(ax.get_xaxis_transform(), fig=fig, y=-2, units="points")
            # no mathtext: a "$" typed in the box is a character, not a formula
            panel.texts = [ax.text(step, 0.0, "", transform=under, ha="center", va="top",
                                   fontsize=8, fontfamily="monospace", parse_math=False)
                           for step in range(0, steps, every)]
        caption = "input character, one per time step →"
        if every > 1:
            caption += "   (every %s character written; %d steps)" % (_ordinal(every), steps)
        self._caption.set_text(caption)
        self._steps = steps


class _Panel:
    """The artists of one trace's heat map that a redraw fills in."""

    def __init__(self, axes, image):
        self.axes, self.image, self.texts = axes, image, []


@functools.lru_cache(maxsize=None)
def _colormap(name):
    """A matplotlib colormap that draws NaN grey, made once per name."""
    from matplotlib import colormaps

    return colormaps[name].with_extremes(bad="#9e9e9e")


def _ordinal(n):
    return "%d%s" % (n, "th" if 10 <= n % 100 < 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        n % 10, "th"))


def _fmt(value):
    return "%.3g" % value
