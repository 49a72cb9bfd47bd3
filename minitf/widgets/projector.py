"""``EmbeddingProjector``: word vectors drawn in 2-D, with their nearest neighbours.

An embedding matrix has one row per word and far more than two columns, so to look
at it we project the rows to a plane:

* **PCA** keeps the two directions along which the rows vary most. It is a linear
  map, computed here from the SVD of the centred matrix (``pca``, ``pca_2d``), and its
  status line says how much of the variance the plane keeps.
* **t-SNE** (scikit-learn's ``TSNE``, fixed ``random_state``) places points so that
  rows that are near each other stay near each other; distances between far clusters
  mean little. It costs seconds, so every projection is computed once and cached:
  switching between PCA and t-SNE afterwards only redraws.

What is *near* is decided in the original space, never in the picture: ``nearest``
ranks rows by cosine similarity to one row. Typing a word in the search box (or
clicking a point, or picking a word in the dropdown) highlights it and its ``k``
nearest neighbours and lists them with their similarities. A neighbour that the
picture does not contain is still listed, marked "not drawn".

The picture is a matplotlib figure. With ``ipympl`` installed it is a live canvas
and a click on a point selects it (a matplotlib pick event); without it the figure
is rendered to PNG in an ``ipywidgets.Image`` and the dropdown does the clicking.
``figure()`` and ``render_png()`` draw the current state without any front end.

Example::

    from minitf.widgets import EmbeddingProjector
    vectors = sess.run(embed_matrix)                 # or EmbeddingProjector(var, words, session=sess)
    view = EmbeddingProjector(vectors, words)        # last expression of a cell
    view.search("king")                              # what typing "king" does
    view.neighbours                                  # [(index, word, similarity), ...]
    view.method = "tsne"
"""
import collections
import difflib
import html
import io
import time

import ipywidgets as widgets
import numpy as np

from minitf.framework.graph import Tensor, get_default_session

__all__ = ["EmbeddingProjector", "PCAResult", "nearest", "pca", "pca_2d", "tsne_2d"]

METHODS = ("pca", "tsne")
_METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE"}
DOT, SELECTED, NEIGHBOUR = "#6b8fb5", "#d62728", "#ff7f0e"

PCAResult = collections.namedtuple(
    "PCAResult", ["coords", "components", "mean", "explained_variance",
                  "explained_variance_ratio"])
PCAResult.__doc__ = """What ``pca`` returns.

coords: (n, k) the rows in the new axes; components: (k, d) the unit directions,
largest variance first; mean: (d,) the centre; explained_variance: (k,) the variance
along each direction (divided by n - 1, as scikit-learn does); explained_variance_ratio:
(k,) the share of the total variance each direction keeps."""


# -- pure functions ---------------------------------------------------------------------
def _as_matrix(x, what="embeddings"):
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError("%s must be a 2-D matrix (one row per point), got shape %s."
                         % (what, list(x.shape)))
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise ValueError("%s must hold real numbers, got dtype %s." % (what, x.dtype))
    x = x.astype(np.float64, copy=False)
    if not np.isfinite(x).all():
        raise ValueError("%s hold NaN or infinite values (%d of them)."
                         % (what, int(np.size(x) - np.isfinite(x).sum())))
    return x


def pca(x, n_components=2):
    """Principal component analysis of the rows of ``x`` by SVD.

    The rows are centred, ``X - mean = U S Vᵀ``; the components are the first rows of
    ``Vᵀ`` and the coordinates ``U S``. Each component's sign is chosen so that its
    largest-magnitude entry is positive (scikit-learn's convention), so results do
    not flip between runs. When ``x`` has fewer than ``n_components`` independent
    directions, the missing coordinates are 0.

    Args:
        x: (n, d) array.
        n_components: how many directions to keep.

    Returns:
        A ``PCAResult``.

    Example:
        >>> r = pca(np.random.randn(100, 5) * [5, 2, 1, 1, 1])
        >>> r.coords.shape, r.explained_variance_ratio.round(2)
        ((100, 2), array([0.78, 0.12]))
    """
    x = _as_matrix(x)
    n, d = x.shape
    if n == 0:
        raise ValueError("pca needs at least one row.")
    mean = x.mean(axis=0)
    centred = x - mean
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    keep = min(n_components, s.size)
    vt, u, s = vt[:keep], u[:, :keep], s[:keep]
    signs = np.sign(vt[np.arange(keep), np.argmax(np.abs(vt), axis=1)])
    signs[signs == 0] = 1.0
    vt, u = vt * signs[:, None], u * signs
    coords = np.zeros((n, n_components))
    coords[:, :keep] = u * s
    components = np.zeros((n_components, d))
    components[:keep] = vt
    variance = np.zeros(n_components)
    variance[:keep] = s ** 2 / max(n - 1, 1)
    total = (centred ** 2).sum() / max(n - 1, 1)
    ratio = variance / total if total > 0 else np.zeros(n_components)
    return PCAResult(coords, components, mean, variance, ratio)


def pca_2d(x):
    """The rows of ``x`` (n, d) projected on their first two principal components: (n, 2).

    Example:
        >>> pca_2d([[0, 0, 1], [2, 0, 1], [4, 1, 1]]).shape
        (3, 2)
    """
    return pca(x, 2).coords


def tsne_perplexity(n, perplexity=30.0):
    """The perplexity t-SNE can use on ``n`` points: ``perplexity`` clipped to (n - 1) / 3.

    t-SNE looks at about ``3 * perplexity`` neighbours of each point, so a small set
    needs a smaller perplexity (scikit-learn refuses one of ``n`` or more).
    """
    return float(max(min(perplexity, (n - 1) / 3.0), min(1.0, max(n - 1, 1) / 2.0)))


def tsne_2d(x, perplexity=30.0, random_state=0, metric="cosine", max_iter=1000):
    """t-SNE of the rows of ``x`` (n, d) to 2-D, with scikit-learn; reproducible.

    Args:
        x: (n, d) array.
        perplexity: about how many neighbours each point keeps close; clipped for
            small inputs (``tsne_perplexity``).
        random_state: the seed: the same input and seed give the same picture.
        metric: distance between rows; "cosine" (the default) matches the neighbour
            lists, "euclidean" is scikit-learn's default.
        max_iter: optimisation steps (at least 250).

    Returns:
        (n, 2) float64 array.

    Example:
        >>> tsne_2d(np.random.RandomState(0).randn(50, 8)).shape
        (50, 2)
    """
    from sklearn.manifold import TSNE  # imported on use: scikit-learn takes a second to load

    x = _as_matrix(x)
    n, d = x.shape
    if n < 3:  # nothing to arrange: put the points on a line, as PCA would
        return pca_2d(x) if n else np.zeros((0, 2))
    tsne = TSNE(n_components=2, perplexity=tsne_perplexity(n, perplexity), metric=metric,
                init="pca" if d >= 2 else "random", learning_rate="auto",
                max_iter=max(int(max_iter), 250), random_state=random_state)
    return tsne.fit_transform(x).astype(np.float64)


def _unit_rows(x):
    """Rows of ``x`` scaled to length 1 (zero rows stay zero: similarity 0 to everything)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def _nearest_unit(unit, index, k):
    sims = unit @ unit[index]
    sims[index] = -np.inf
    order = np.argsort(-sims, kind="stable")[:max(0, min(int(k), len(sims) - 1))]
    return order, sims[order]


def nearest(embeddings, index, k=8):
    """The ``k`` rows most similar to row ``index`` by cosine similarity.

    ``cos(a, b) = a·b / (|a| |b|)``, computed in the original space. The row itself is
    left out; ties keep the lower index first; a zero row has similarity 0 to all.

    Args:
        embeddings: (n, d) array.
        index: the row to start from (negative counts from the end).
        k: how many neighbours (at most n - 1 are returned).

    Returns:
        ``(indices, similarities)``: int array (k,) and float64 array (k,), most
        similar first.

    Example:
        >>> nearest([[1, 0], [0, 1], [1, 1]], 0, k=2)
        (array([2, 1]), array([0.70710678, 0.        ]))
    """
    x = _as_matrix(embeddings)
    n = x.shape[0]
    if not -n <= int(index) < n:
        raise IndexError("index %d is out of range for %d rows." % (index, n))
    return _nearest_unit(_unit_rows(x), int(index) % n, k)


# -- the widget -------------------------------------------------------------------------
def _pick_canvas():
    """ipympl's widget canvas class, or None when ipympl is not installed."""
    try:
        from ipympl.backend_nbagg import Canvas, FigureManager
    except Exception:  # noqa: BLE001 (any failure to load it means: draw PNGs instead)
        return None
    return Canvas, FigureManager


def _fetch_matrix(embeddings, session):
    """A numpy matrix from an array, a list, or a Tensor/Variable evaluated in a session."""
    if isinstance(embeddings, Tensor) or hasattr(embeddings, "_as_graph_element"):
        session = session if session is not None else get_default_session()
        if session is None:
            raise ValueError("EmbeddingProjector got a graph tensor without a session: pass "
                             "session=sess, or a numpy array (sess.run(embeddings)).")
        embeddings = session.run(embeddings)
    return _as_matrix(embeddings)


class EmbeddingProjector(widgets.VBox):
    """An embedding matrix in 2-D (PCA or t-SNE), with search and nearest neighbours.

    Args:
        embeddings: (n, d) numpy array, or a Variable/Tensor evaluated with ``session``.
        labels: n words (strings or bytes), one per row; default "0", "1", ...
            Searching a word that appears twice finds its first row.
        session: the session to evaluate ``embeddings`` in (default: the default one).
        method: the projection shown first: "pca" or "tsne".
        max_points: how many rows (the first ones) are projected and can be drawn.
        shown: how many of them are drawn and labelled at first (the "points" slider).
        k: how many neighbours a selection highlights (the "neighbours" slider).
        normalize: project the rows scaled to unit length (the "unit length" box);
            neighbours are cosine either way.
        perplexity, random_state: for t-SNE (``tsne_2d``).
        interactive: use ipympl's clickable canvas (True), PNG pictures (False), or
            ipympl when it is installed (None).

    Attributes:
        vectors: the (n, d) float64 matrix; ``labels``: the n labels.
        projected: how many rows are projected (``min(n, max_points)``).
        coords: (projected, 2) coordinates of the current projection.
        selected: the selected row, or None; ``highlighted``: it and its neighbours.
        neighbours: ``[(index, label, similarity)]`` of the selection, most similar first.
        drawn: the rows in the latest picture, in drawing order.
        timings: ``{(method, normalize): seconds}`` each cached projection took.
        message: the latest search problem shown in the status line ("" if none).
    """

    def __init__(self, embeddings, labels=None, session=None, method="pca", max_points=1000,
                 shown=100, k=8, normalize=False, perplexity=30.0, random_state=0,
                 interactive=None, width=720, height=560):
        self.vectors = _fetch_matrix(embeddings, session)
        n = self.vectors.shape[0]
        if n == 0:
            raise ValueError("EmbeddingProjector needs at least one row.")
        if labels is None:
            labels = [str(i) for i in range(n)]
        labels = [lab.decode("utf-8", "replace") if isinstance(lab, bytes) else str(lab)
                  for lab in labels]
        if len(labels) != n:
            raise ValueError("labels has %d entries but embeddings has %d rows: give one "
                             "label per row." % (len(labels), n))
        if method not in METHODS:
            raise ValueError("method must be one of %s, got %r." % (METHODS, method))
        if int(max_points) < 1:
            raise ValueError("max_points must be at least 1, got %r." % (max_points,))
        self.labels = labels
        self.projected = min(n, int(max_points))
        self.perplexity, self.random_state = float(perplexity), random_state
        self._unit = _unit_rows(self.vectors)
        self._rows = {}
        self._folded = {}
        for i, lab in enumerate(labels):
            self._rows.setdefault(lab, i)
            self._folded.setdefault(lab.casefold(), i)
        self._cache = {}
        self._pca_ratio = {}
        self.timings = {}
        self.selected, self.highlighted, self.neighbours = None, [], []
        self.drawn = np.zeros(0, dtype=int)
        self.message = ""
        self._busy = False
        self._size = (int(width), int(height))

        self.method_buttons = widgets.ToggleButtons(
            options=[(_METHOD_NAMES[m], m) for m in METHODS], value=method,
            description="Projection", style={"button_width": "70px"})
        self.shown_slider = widgets.IntSlider(
            value=max(1, min(int(shown), self.projected)), min=1, max=self.projected,
            description="points", continuous_update=False)
        self.k_slider = widgets.IntSlider(value=max(1, min(int(k), max(n - 1, 1))), min=1,
                                          max=max(1, min(50, n - 1)), description="neighbours",
                                          continuous_update=False)
        self.normalize_box = widgets.Checkbox(value=bool(normalize), indent=False,
                                              description="unit length",
                                              layout=widgets.Layout(width="110px"))
        self.search_box = widgets.Text(placeholder="type a word", description="Search",
                                       continuous_update=False,
                                       layout=widgets.Layout(width="260px"))
        self.word_menu = widgets.Dropdown(description="Word", options=[("(none)", None)],
                                          layout=widgets.Layout(width="260px"))
        self.status = widgets.HTML()
        self.neighbour_list = widgets.HTML()

        self._figure = None
        self._canvas_widget = None
        canvas = _pick_canvas() if interactive in (None, True) else None
        if interactive and canvas is None:
            raise ImportError("interactive=True needs ipympl (pip install ipympl).")
        self._make_figure(canvas)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="%dpx" % width))
        picture = self._canvas_widget if self._canvas_widget is not None else self.image

        self.method_buttons.observe(lambda _: self._redraw(), names="value")
        self.shown_slider.observe(lambda _: self._changed_shown(), names="value")
        self.k_slider.observe(lambda _: self._reselect(), names="value")
        self.normalize_box.observe(lambda _: self._redraw(), names="value")
        self.search_box.observe(self._on_search, names="value")
        self.word_menu.observe(self._on_menu, names="value")

        super().__init__(children=[
            widgets.HBox([self.method_buttons, self.normalize_box]),
            widgets.HBox([self.shown_slider, self.k_slider]),
            widgets.HBox([self.search_box, self.word_menu]),
            self.status, picture, self.neighbour_list])
        self.add_class("minitf-embedding-projector")
        self._fill_menu()
        self._redraw()

    # -- public ---------------------------------------------------------------------------
    @property
    def method(self):
        """The projection shown: "pca" or "tsne" (the Projection buttons)."""
        return self.method_buttons.value

    @method.setter
    def method(self, value):
        if value not in METHODS:
            raise ValueError("method must be one of %s, got %r." % (METHODS, value))
        self.method_buttons.value = value

    @property
    def coords(self):
        return self.projection()

    def projection(self, method=None, normalize=None):
        """(projected, 2) coordinates by ``method`` (default: the current one); cached."""
        method = self.method if method is None else method
        normalize = self.normalize_box.value if normalize is None else bool(normalize)
        if method not in METHODS:
            raise ValueError("method must be one of %s, got %r." % (METHODS, method))
        key = (method, normalize)
        if key not in self._cache:
            rows = (self._unit if normalize else self.vectors)[:self.projected]
            start = time.perf_counter()
            if method == "pca":
                result = pca(rows, 2)
                coords = result.coords
                self._pca_ratio[normalize] = result.explained_variance_ratio
            else:
                coords = tsne_2d(rows, perplexity=self.perplexity,
                                 random_state=self.random_state)
            self.timings[key] = time.perf_counter() - start
            self._cache[key] = coords
        return self._cache[key]

    def index_of(self, word):
        """The row of ``word`` (exact match first, then ignoring case); KeyError if none."""
        word = word.decode("utf-8", "replace") if isinstance(word, bytes) else str(word)
        if word in self._rows:
            return self._rows[word]
        folded = self._folded.get(word.strip().casefold())
        if folded is not None:
            return folded
        close = difflib.get_close_matches(word, self._rows, n=3, cutoff=0.6)
        hint = "; close: %s" % ", ".join(close) if close else ""
        raise KeyError("%r is not one of the %d labels%s" % (word, len(self.labels), hint))

    def search(self, word):
        """Select ``word``: highlight it and its nearest neighbours (what the search box does)."""
        self.select(self.index_of(word))

    def select(self, index):
        """Select row ``index`` (or None to clear) and highlight its ``k`` neighbours."""
        if index is not None:
            index = int(index)
            if not 0 <= index < len(self.labels):
                raise IndexError("row %d is out of range for %d rows." % (index, len(self.labels)))
        self.selected = index
        self.message = ""
        self._reselect()

    def clear(self):
        """Drop the selection."""
        self.select(None)

    def figure(self):
        """The matplotlib Figure of the current state (drawn now; no front end needed)."""
        self._draw()
        return self._figure

    def render_png(self):
        """The current picture as PNG bytes."""
        fig = self.figure()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=fig.dpi)
        return buffer.getvalue()

    render = render_png

    # -- events ---------------------------------------------------------------------------
    def _on_search(self, change):
        text = change["new"].strip()
        if not text:
            self.select(None)
            return
        try:
            index = self.index_of(text)
        except KeyError as e:
            self.message = e.args[0]
            self._update_status()
            return
        self.select(index)

    def _on_menu(self, change):
        if not self._busy and change["new"] is not None:
            self.select(change["new"])

    def _on_pick(self, event):
        """A click on the scatter (matplotlib pick event): select the closest picked point."""
        ind = np.asarray(getattr(event, "ind", ()), dtype=int)
        ind = ind[ind < len(self.drawn)]
        if not ind.size:
            return
        mouse = getattr(event, "mouseevent", None)
        xy = self.coords[self.drawn[ind]]
        if mouse is not None and mouse.xdata is not None:
            best = ind[np.argmin(((xy - [mouse.xdata, mouse.ydata]) ** 2).sum(axis=1))]
        else:
            best = ind[0]
        self.select(int(self.drawn[best]))

    def _changed_shown(self):
        self._fill_menu()
        self._redraw()

    def _reselect(self):
        if self.selected is None:
            self.highlighted, self.neighbours = [], []
        else:
            idx, sims = _nearest_unit(self._unit, self.selected, self.k_slider.value)
            self.neighbours = [(int(i), self.labels[i], float(s)) for i, s in zip(idx, sims)]
            self.highlighted = [self.selected] + [int(i) for i in idx]
        self._fill_menu()
        self._redraw()

    def _fill_menu(self):
        rows = list(range(self.shown_slider.value))
        if self.selected is not None and self.selected not in rows:
            rows.append(self.selected)
        self._busy = True
        try:
            self.word_menu.options = [("(none)", None)] + [(self.labels[i], i) for i in rows]
            self.word_menu.value = self.selected
        finally:
            self._busy = False

    # -- drawing --------------------------------------------------------------------------
    def _make_figure(self, canvas):
        from matplotlib.figure import Figure

        dpi = 100
        self._figure = Figure(figsize=(self._size[0] / dpi, self._size[1] / dpi), dpi=dpi)
        if canvas is not None:
            canvas_class, manager_class = canvas
            self._canvas_widget = canvas_class(self._figure)
            manager_class(self._canvas_widget, 0)
        else:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            FigureCanvasAgg(self._figure)
        self._figure.canvas.mpl_connect("pick_event", self._on_pick)

    def _redraw(self):
        self._update_status()
        self.neighbour_list.value = self._neighbour_html()
        if self._canvas_widget is not None:
            self._draw()
            self._figure.canvas.draw_idle()
        else:
            self.image.value = self.render_png()

    def _draw(self):
        coords = self.coords
        shown = self.shown_slider.value
        extra = [i for i in self.highlighted if shown <= i < self.projected]
        self.drawn = np.array(list(range(shown)) + extra, dtype=int)
        fig = self._figure
        fig.clear()
        ax = fig.add_subplot(1, 1, 1)
        xy = coords[self.drawn]
        lit = set(self.highlighted)
        dim = 0.35 if lit else 0.9
        ax.scatter(xy[:, 0], xy[:, 1], s=14, color=DOT, alpha=dim, picker=True, pickradius=5,
                   linewidths=0)
        label_size = 8 if len(self.drawn) <= 150 else 6
        for i, (x, y) in zip(self.drawn, xy):
            if i not in lit:
                ax.annotate(self.labels[i], (x, y), xytext=(3, 2), textcoords="offset points",
                            fontsize=label_size, color="#555555", alpha=dim)
        near = [i for i in self.highlighted[1:] if i < self.projected]
        if self.selected is not None and self.selected < self.projected:
            sx, sy = coords[self.selected]
            for i in near:
                ax.plot([sx, coords[i, 0]], [sy, coords[i, 1]], color=NEIGHBOUR, lw=0.8,
                        alpha=0.6, zorder=2)
            ax.scatter([sx], [sy], s=70, color=SELECTED, zorder=4, edgecolors="white")
            ax.annotate(self.labels[self.selected], (sx, sy), xytext=(4, 3), zorder=5,
                        textcoords="offset points", fontsize=10, fontweight="bold",
                        color=SELECTED)
        if near:
            ax.scatter(coords[near, 0], coords[near, 1], s=40, color=NEIGHBOUR, zorder=3,
                       edgecolors="white")
            for i in near:
                ax.annotate(self.labels[i], tuple(coords[i]), xytext=(4, 3), zorder=5,
                            textcoords="offset points", fontsize=9, color="#b45309")
        ax.set_title(self._title(), fontsize=10)
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.25)
        fig.tight_layout()

    def _title(self):
        key = (self.method, self.normalize_box.value)
        unit = ", rows at unit length" if key[1] else ""
        if key[0] == "pca":
            ratio = self._pca_ratio.get(key[1], np.zeros(2))
            return "PCA%s: the plane keeps %.1f%% of the variance (%.1f%% + %.1f%%)" % (
                unit, 100 * ratio.sum(), 100 * ratio[0], 100 * ratio[1])
        return "t-SNE%s, perplexity %.3g, seed %s" % (
            unit, tsne_perplexity(self.projected, self.perplexity), self.random_state)

    def _update_status(self):
        n = len(self.labels)
        key = (self.method, self.normalize_box.value)
        parts = ["%d of %d rows projected (%d dims)" % (self.projected, n,
                                                        self.vectors.shape[1])]
        if key in self.timings:
            parts.append("%s took %.3g s (cached)" % (_METHOD_NAMES[key[0]], self.timings[key]))
        if self.selected is not None:
            parts.append("selected <b>%s</b> (row %d)" % (html.escape(self.labels[self.selected]),
                                                          self.selected))
        text = " · ".join(parts)
        if self.message:
            text += "<br><span style='color:%s'>%s</span>" % (SELECTED, html.escape(self.message))
        self.status.value = "<span style='font-size:12px'>%s</span>" % text

    def _neighbour_html(self):
        if self.selected is None:
            return "<i style='font-size:12px'>Type a word, pick one, or click a point to see " \
                   "its nearest neighbours (cosine similarity in the original space).</i>"
        rows = []
        for rank, (i, label, sim) in enumerate(self.neighbours, 1):
            # Highlighted rows are always drawn when projected; later rows have no place.
            where = "" if i < self.projected else \
                " (not drawn: beyond the first %d rows)" % self.projected
            bar = max(0.0, sim) * 80
            rows.append("<tr><td>%d</td><td><code>%s</code>%s</td><td style='text-align:right'>"
                        "%.3f</td><td><div style='background:%s;height:8px;width:%dpx'></div>"
                        "</td></tr>" % (rank, html.escape(label), where, sim, NEIGHBOUR,
                                        round(bar)))
        return ("<div style='font-size:12px'>nearest to <b>%s</b> (cosine similarity):"
                "<table>%s</table></div>" % (html.escape(self.labels[self.selected]),
                                             "".join(rows)))
