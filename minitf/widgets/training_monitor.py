"""``TrainingMonitor``: live loss and metric curves for a Python training loop.

The monitor is a small ipywidgets box: a title, a progress bar, a status line (step,
latest values, speed, time left) and a picture of the curves, one subplot per metric.
The picture is a matplotlib figure rendered off-screen to PNG bytes and put into an
``ipywidgets.Image``; each redraw only swaps those bytes, so the cell never flickers
the way ``clear_output`` loops do. Redraws are throttled (at most one every
``min_interval`` seconds, and never more than a quarter of the wall time), the status
line and progress bar at most 20 times a second, and ``close()`` always draws the
final state.

Live, from a training loop::

    from minitf.widgets import TrainingMonitor
    with TrainingMonitor(total_steps=1000, metrics=("loss", "acc")) as mon:
        display(mon)                      # or make `mon` the cell's last expression
        for step in range(1000):
            loss_value, acc_value, _ = sess.run([loss, acc, train_op])
            mon.log(step, loss=loss_value, acc=acc_value)

From event files, to compare runs (one line per run, one subplot per scalar tag)::

    mon = TrainingMonitor.from_logdir("logs")   # logs/run1, logs/run2, ...
    mon                                          # shows the curves
    mon.refresh()                                # reload while an experiment runs
"""
import html
import io
import math
import os
import time

import ipywidgets as widgets

__all__ = ["TrainingMonitor"]

LIVE_RUN = "live"  # the run name of values given to log()
_STATUS_INTERVAL = 0.05  # seconds between status/progress updates, at most
_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def _format_value(value):
    if value != value or math.isinf(value):
        return str(value)
    return "%.4g" % value


def _format_seconds(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return "%d:%02d:%02d" % (hours, minutes, seconds) if hours else "%d:%02d" % (
        minutes, seconds)


def _run_dirs(logdir):
    """Directories under `logdir` holding event files, as {run name: path}.

    The run name is the path relative to `logdir` ("." for `logdir` itself), as
    TensorBoard names runs.
    """
    runs = {}
    for root, dirs, files in os.walk(logdir):
        dirs.sort()
        if any("tfevents" in f for f in files):
            name = os.path.relpath(root, logdir).replace(os.sep, "/")
            runs[name] = root
    return runs


class TrainingMonitor:
    """Live training curves and a progress bar, or a comparison of logged runs.

    Args:
      total_steps: how many steps training takes (for the progress bar and the time
        left); None hides the bar.
      metrics: names of the metrics to plot, in order; each gets a subplot from the
        start. Metrics first seen in `log()` are added after them.
      title: text shown above the curves.
      min_interval: seconds between two redraws of the curves, at least.
      clock: a function returning seconds (default `time.monotonic`); tests pass a
        fake one.
      width: width of the picture, in pixels.

    Attributes:
      runs: `{run: {tag: (steps, values)}}`; live values are in run "live".
      history: `{metric: (steps, values)}` of the live run.
      redraws: how many times the curves were drawn.
      widget: the ipywidgets box that is displayed.

    Example:
      >>> mon = TrainingMonitor(total_steps=100)
      >>> display(mon)
      >>> for step in range(100):
      ...     mon.log(step, loss=sess.run([loss, train_op])[0])
      >>> mon.close()
    """

    def __init__(self, total_steps=None, metrics=("loss",), title=None, min_interval=0.2,
                 clock=time.monotonic, width=720):
        if isinstance(metrics, str):
            metrics = (metrics,)
        self.total_steps = None if total_steps is None else int(total_steps)
        self.title = title
        self.min_interval = float(min_interval)
        self.runs = {}
        self.tags = list(metrics)
        self.redraws = 0
        self.closed = False
        self._error = None
        self._wanted_tags = None
        self._clock = clock
        self._logdir = None
        self._accumulators = {}
        self._live_steps = 0
        self._last_step = None
        self._start_time = None
        self._last_draw = -math.inf
        self._last_status = -math.inf
        self._draw_cost = 0.0
        self._dirty = False
        self._figure = None
        self._width = int(width)

        self.progress = widgets.IntProgress(
            value=0, min=0, max=max(self.total_steps or 1, 1), description="",
            bar_style="info", layout=widgets.Layout(width="%dpx" % self._width))
        if self.total_steps is None:
            self.progress.layout.display = "none"
        self.status = widgets.HTML(value="")
        self.heading = widgets.HTML(value="<b>%s</b>" % html.escape(title) if title else "")
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            width="%dpx" % self._width))
        self.widget = widgets.VBox([self.heading, self.progress, self.status, self.image])
        self.widget.add_class("minitf-training-monitor")  # for browser tests and styling
        self._update_status()
        self._draw()

    # ---- live logging ------------------------------------------------------------

    @property
    def history(self):
        """`{metric: (steps, values)}` of the values given to `log()`."""
        return self.runs.get(LIVE_RUN, {})

    def log(self, step=None, **metrics):
        """Records the metrics of one training step and updates the display.

        Args:
          step: the step number (default: one more than the previous step, from 0).
          **metrics: metric values (numbers, numpy scalars or 0-d arrays), e.g.
            `loss=0.3, acc=0.9`.
        """
        step = (0 if self._last_step is None else self._last_step + 1) if step is None \
            else int(step)
        now = self._clock()
        if self._start_time is None:
            self._start_time = now
        self._last_step = step
        self._live_steps += 1
        series = self.runs.setdefault(LIVE_RUN, {})
        for name, value in metrics.items():
            if name not in self.tags:
                self.tags.append(name)
            steps, values = series.setdefault(name, ([], []))
            steps.append(step)
            values.append(float(value))
        if self.total_steps is not None:
            self.progress.max = max(self.total_steps, 1)
        self._dirty = True
        if now - self._last_status >= _STATUS_INTERVAL:
            self._update_status(now)
        if now - self._last_draw >= max(self.min_interval, 3.0 * self._draw_cost):
            self._draw()

    def close(self, error=None):
        """Marks training as finished and draws the final curves and status.

        Args:
          error: the exception that stopped training, if any (shown in the status).
        """
        self.closed = True
        self._error = error
        if self.total_steps is not None:
            self.progress.bar_style = "danger" if error is not None else "success"
        self._update_status()
        if self._dirty or error is not None:
            self._draw()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(error=exc)
        return False

    # ---- event files -------------------------------------------------------------

    @classmethod
    def from_logdir(cls, logdir, tags=None, title=None, **kwargs):
        """A monitor showing the scalar summaries of every run under `logdir`.

        Every directory under `logdir` that holds event files is a run (named by its
        path relative to `logdir`, "." for `logdir` itself). Each scalar tag gets a
        subplot with one line per run, so runs can be compared.

        Args:
          logdir: the directory given to `tf.summary.FileWriter` (or its parent).
          tags: scalar tags to show (default: all of them), e.g. `["loss"]`.
          title: text above the curves (default: the logdir).
          **kwargs: passed to the constructor (`min_interval`, `clock`, `width`).

        Example:
          >>> TrainingMonitor.from_logdir("/tmp/logs", tags=["summaries/loss"])
        """
        if isinstance(tags, str):
            tags = [tags]
        monitor = cls(total_steps=None, metrics=(), title=title or str(logdir), **kwargs)
        monitor._logdir = str(logdir)
        monitor._wanted_tags = None if tags is None else list(tags)
        monitor.refresh()
        return monitor

    def refresh(self):
        """Reloads the event files (new runs and new events) and redraws.

        Only for monitors made by `from_logdir`; a live monitor just redraws.
        """
        if self._logdir is not None:
            self._load_logdir()
        self._update_status()
        self._draw()

    def _load_logdir(self):
        from tensorboard.backend.event_processing import event_accumulator

        for run, path in _run_dirs(self._logdir).items():
            acc = self._accumulators.get(run)
            if acc is None:
                acc = event_accumulator.EventAccumulator(
                    path, size_guidance={event_accumulator.SCALARS: 0})
                self._accumulators[run] = acc
            acc.Reload()
            series = {}
            for tag in acc.Tags().get("scalars", []):
                if self._wanted_tags is not None and tag not in self._wanted_tags:
                    continue
                events = acc.Scalars(tag)
                series[tag] = ([e.step for e in events], [e.value for e in events])
            self.runs[run] = series
        found = sorted({tag for series in self.runs.values() for tag in series})
        self.tags = found if self._wanted_tags is None else list(self._wanted_tags)

    # ---- display -----------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        """Jupyter shows the widget box: `display(mon)` or `mon` as the last line."""
        return self.widget._repr_mimebundle_(**kwargs)

    def _update_status(self, now=None):
        now = self._clock() if now is None else now
        self._last_status = now
        parts = []
        if self._logdir is not None:
            parts.append("%d run%s: %s" % (len(self.runs), "" if len(self.runs) == 1 else "s",
                                           html.escape(", ".join(sorted(self.runs)) or "—")))
        elif self._last_step is not None:
            total = " / %d" % self.total_steps if self.total_steps is not None else ""
            parts.append("step %d%s" % (self._last_step, total))
            for name in self.tags:
                series = self.history.get(name)
                if series and series[1]:
                    parts.append("%s %s" % (html.escape(name), _format_value(series[1][-1])))
            elapsed = now - self._start_time
            if self._live_steps > 1 and elapsed > 0:
                rate = (self._live_steps - 1) / elapsed
                parts.append("%.3g steps/s" % rate)
                if self.total_steps is not None and not self.closed and rate > 0:
                    left = max(self.total_steps - 1 - self._last_step, 0) / rate
                    parts.append("%s left" % _format_seconds(left))
            if self.total_steps is not None:
                self.progress.value = min(self._last_step + 1, self.total_steps)
        else:
            parts.append("waiting for the first step")
        if self.closed:
            error = self._error
            parts.append("done" if error is None else
                         "stopped: %s" % html.escape(type(error).__name__))
        self.status.value = "<code>%s</code>" % " · ".join(parts)

    def _draw(self):
        """Renders the curves to PNG and puts the bytes into the image widget."""
        start = self._clock()
        self.image.value = self.render_png()
        self.redraws += 1
        self._dirty = False
        end = self._clock()
        self._draw_cost = max(end - start, 0.0)
        self._last_draw = end

    def render_png(self):
        """The current curves as PNG bytes (one subplot per tag, one line per run)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        tags = self.tags or [None]  # None: one empty panel until data arrives
        cols = min(len(tags), 3)
        rows = -(-len(tags) // cols)
        dpi = 100
        width = self._width / dpi
        if self._figure is None:
            self._figure = Figure(dpi=dpi)
            FigureCanvasAgg(self._figure)
        fig = self._figure
        fig.clear()
        fig.set_size_inches(width, 2.5 * rows + 0.2)
        runs = sorted(self.runs)
        for i, tag in enumerate(tags):
            ax = fig.add_subplot(rows, cols, i + 1)
            if tag is None:
                ax.text(0.5, 0.5, "no data yet", ha="center", va="center", color="gray",
                        transform=ax.transAxes)
            ax.set_title(tag or "", fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(True, alpha=0.3)
            for k, run in enumerate(runs):
                series = self.runs[run].get(tag)
                if not series or not series[0]:
                    continue
                label = None if run == LIVE_RUN else run
                ax.plot(series[0], series[1], color=_COLORS[k % len(_COLORS)], lw=1.3,
                        label=label, marker="." if len(series[0]) < 30 else None)
            if len(runs) > 1 or (runs and runs[0] != LIVE_RUN):
                if ax.get_legend_handles_labels()[0]:
                    ax.legend(fontsize=7, loc="best")
            ax.set_xlabel("step", fontsize=7)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()
