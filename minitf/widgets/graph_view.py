"""``GraphView``: an interactive picture of a minitf graph and of its latest run.

The picture is an inline SVG inside an ``ipywidgets.HTML``.  There are two
drawings:

* **flat** (``collapse_scopes=False``): one box per op.  networkx does the
  layout: ops are split into layers with ``topological_generations`` (each op
  sits one layer after the last of its inputs), a barycenter sort orders each
  layer so edges cross less, and ``multipartite_layout`` gives the coordinates.
* **nested** (``collapse_scopes=True``, the default above ``BIG_GRAPH`` ops):
  TensorBoard's reading of a big graph.  Each name scope is one box until you
  click it; then it opens into a frame holding its children, which may be
  scopes again; clicking the frame's header closes it.  Each scope is laid out
  on its own and cached (see ``scope_tree``), so opening one scope in a
  5,000-op graph re-lays out only that scope and its ancestors.

Auxiliary ops -- initializers, the ``gradients`` scope, the optimizer's scope,
save/restore, summaries (``auxiliary_ops``) -- are set aside: in the nested
drawing each level puts them in its own side column (right of a top-to-bottom
drawing, under a left-to-right one), so the model's forward path reads first;
in the flat drawing they are dimmed.  A checkbox puts them back in line.

Each op is a rounded box coloured by its kind (placeholder, variable, constant,
compute).  With a session, the ops its latest ``run`` executed get a thick red
border and the others fade.  Clicking an op (or picking it in the dropdown)
shows its type, outputs (dtype, static shape, the value computed in the latest
run), device and inputs under the picture.  Ctrl + mouse wheel (or the − / +
buttons) zooms; dragging pans.

Example:
    >>> from minitf.widgets import GraphView
    >>> a = tf.constant(2, name="a"); b = tf.add(a, 3, name="b")
    >>> sess = tf.Session(); sess.run(b)
    >>> GraphView(b, session=sess)      # last expression of a notebook cell
"""
import html
import itertools
import time

import ipywidgets as widgets
import networkx as nx
import numpy as np

from minitf.framework import op_registry
from minitf.framework.graph import Graph, Operation, Tensor, get_default_graph
from minitf.framework.graph import get_default_session
from minitf.widgets.scope_tree import (AUX_CATEGORIES, AUX_LABELS, ScopeTree, _layers,
                                       _ordered_layers, auxiliary_ops)

__all__ = ["BIG_GRAPH", "GraphView", "auxiliary_ops", "op_kind", "show_graph", "subgraph_ops"]

KINDS = ("placeholder", "variable", "constant", "compute")

# (fill, border) per kind; "scope" is a collapsed name scope of mixed kinds.
COLORS = {
    "placeholder": ("#fde68a", "#b45309"),
    "variable": ("#bbf7d0", "#15803d"),
    "constant": ("#bfdbfe", "#1d4ed8"),
    "compute": ("#e9d5ff", "#7e22ce"),
    "scope": ("#f1f5f9", "#475569"),
}
EXECUTED_BORDER = "#e11d48"
SELECTED_BORDER = "#0284c7"
AUX_OPACITY = 0.45          # auxiliary ops drawn in line are dimmed to this
# Above this many ops in view, a GraphView starts nested and top to bottom (a 500-op
# training graph drawn flat from left to right is a wall of boxes far off screen).
BIG_GRAPH = 150
ZOOM_STEP, ZOOM_MIN, ZOOM_MAX = 1.25, 0.1, 4.0

_VARIABLE_TYPES = {"VariableV2", "Variable", "VarHandleOp"}
_VARIABLE_WRITERS = {"Assign", "AssignAdd", "AssignSub"}
_PLACEHOLDER_TYPES = {"Placeholder", "PlaceholderWithDefault", "PlaceholderV2"}
_CONSTANT_TYPES = {"Const"}

_ids = itertools.count()


# -- classification and subgraphs ------------------------------------------------------
def op_kind(op):
    """The colour class of ``op``: 'placeholder', 'variable', 'constant' or 'compute'.

    A variable is its ``VariableV2`` op together with the ops that only exist to
    serve it: ``Assign``-family ops writing into it and ``Identity`` reads of it
    (the ``<name>/read`` snapshot).
    """
    if op.type in _PLACEHOLDER_TYPES:
        return "placeholder"
    if op.type in _CONSTANT_TYPES:
        return "constant"
    if op.type in _VARIABLE_TYPES:
        return "variable"
    if op.type in _VARIABLE_WRITERS | {"Identity"} and op.inputs \
            and op.inputs[0].op.type in _VARIABLE_TYPES:
        return "variable"
    return "compute"


def _as_ops(fetch, graph):
    """Flatten a fetch (Tensor, Operation, Variable, name or nested list) to ops."""
    if isinstance(fetch, (list, tuple, set)):
        return [op for f in fetch for op in _as_ops(f, graph)]
    if isinstance(fetch, dict):
        return [op for f in fetch.values() for op in _as_ops(f, graph)]
    conv = getattr(fetch, "_as_graph_element", None)
    if conv is not None:
        fetch = conv()
    if isinstance(fetch, Tensor):
        return [fetch.op]
    if isinstance(fetch, Operation):
        return [fetch]
    if isinstance(fetch, str):
        g = graph if graph is not None else get_default_graph()
        elem = g.as_graph_element(fetch)
        return [elem.op if isinstance(elem, Tensor) else elem]
    raise TypeError("GraphView cannot show a %s: pass a Graph, a Tensor, an Operation "
                    "or a list of them." % type(fetch).__name__)


def subgraph_ops(fetches, graph=None):
    """The ops ``fetches`` depend on, fetches included, in creation order.

    Follows data inputs and control inputs transitively.  An op that owns a
    ``cond`` branch or ``while_loop`` body also brings the ops inside it.
    """
    seen, stack = set(), list(_as_ops(fetches, graph))
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
        for ctx in op_registry.get(op.type).owned_contexts(op):
            stack.extend(ctx.ops)
    return sorted(seen, key=lambda o: o._id)


# -- formatting helpers ------------------------------------------------------------------
def _shape_text(shape):
    if shape.ndims is None:
        return "unknown"
    dims = ["?" if d is None else str(d) for d in shape.as_list()]
    return "(%s)" % (dims[0] + "," if len(dims) == 1 else ", ".join(dims))


def _format_value(v):
    arr = np.asarray(v)
    text = np.array2string(arr, threshold=60, edgeitems=3, precision=5, max_line_width=72) \
        if arr.dtype != object else repr(arr.tolist())
    if len(text) > 1200:
        text = text[:1200] + " ..."
    kind = "%s %s" % (arr.dtype, "scalar" if arr.ndim == 0 else "shape %s" % (arr.shape,))
    return text, kind


def _short(name, limit=24):
    return name if len(name) <= limit else "\u2026" + name[-(limit - 1):]


def _esc(s):
    return html.escape(str(s), quote=True)


# -- browser-side handlers ---------------------------------------------------------------
# ipywidgets.HTML sets innerHTML, so inline handlers on the <svg> run but <script> does
# not.  A click is sent to Python by writing "action|name|nonce" into a hidden Text
# widget of the same GraphView and firing its change event (the nonce makes two clicks
# on one scope two changes).  Zoom and pan happen in the browser at once; the zoom is
# also reported so the next redraw keeps it.
_SEND_JS = ("var v=this.closest('.minitf-graph-view');"
            "var b=v&&v.querySelector('.minitf-gv-bridge input');"
            "if(b){b.value=MSG+'|'+Date.now();"
            "b.dispatchEvent(new Event('change',{bubbles:true}));}")
_CLICK_JS = ("if(this.dataset.dragged==='1'){this.dataset.dragged='0';return;}"
             "var g=event.target.closest('[data-act]');if(!g)return;"
             + _SEND_JS.replace("MSG", "g.getAttribute('data-act')+'|'"
                                       "+g.getAttribute('data-name')"))
_WHEEL_JS = ("if(!(event.ctrlKey||event.metaKey))return;event.preventDefault();"
             "var z=parseFloat(this.dataset.zoom)*(event.deltaY<0?%(step)s:1/%(step)s);"
             "z=Math.min(%(max)s,Math.max(%(min)s,z));"
             "var c=this.closest('.minitf-gv-canvas');var r=this.getBoundingClientRect();"
             "var fx=(event.clientX-r.left)/r.width,fy=(event.clientY-r.top)/r.height;"
             "var w=parseFloat(this.dataset.w)*z,h=parseFloat(this.dataset.h)*z;"
             "this.setAttribute('width',w);this.setAttribute('height',h);"
             "this.dataset.zoom=z;"
             "if(c){c.scrollLeft+=fx*(w-r.width);c.scrollTop+=fy*(h-r.height);}"
             % {"step": ZOOM_STEP, "min": ZOOM_MIN, "max": ZOOM_MAX}
             + _SEND_JS.replace("MSG", "'zoom|'+z.toFixed(4)"))
_DOWN_JS = ("if(event.button!==0)return;var c=this.closest('.minitf-gv-canvas');"
            "this._pan={x:event.clientX,y:event.clientY,l:c?c.scrollLeft:0,"
            "t:c?c.scrollTop:0,m:false};")
_MOVE_JS = ("var p=this._pan;if(!p)return;if(!(event.buttons&1)){this._pan=null;return;}"
            "var dx=event.clientX-p.x,dy=event.clientY-p.y;"
            "if(Math.abs(dx)+Math.abs(dy)>4)p.m=true;"
            "if(p.m){var c=this.closest('.minitf-gv-canvas');"
            "if(c){c.scrollLeft=p.l-dx;c.scrollTop=p.t-dy;}event.preventDefault();}")
_UP_JS = "if(this._pan&&this._pan.m)this.dataset.dragged='1';this._pan=null;"


# -- the widget ------------------------------------------------------------------------
class GraphView(widgets.VBox):
    """Interactive drawing of a graph (or of one fetch's subgraph) and its latest run.

    Args:
        graph_or_fetch: a ``tf.Graph`` (draw all of it), or a Tensor, Operation,
            Variable, op name, or a list of them (draw only the ops they need).
            Default: the session's graph, else the default graph.
        session: the ``tf.Session`` whose latest ``run`` to show (executed ops
            highlighted, values in the details panel).  Default: the default
            session, if it runs this graph.
        collapse_scopes: draw name scopes as boxes that open on a click (True), or
            every op (False).  Default: True above ``BIG_GRAPH`` ops in view.
        direction: ``"TB"`` (inputs on top) or ``"LR"`` (inputs on the left).
            Default: ``"TB"`` above ``BIG_GRAPH`` ops in view, else ``"LR"``.
        only_executed: start with "show only executed" ticked.
        aux_aside: set auxiliary ops (init, gradients, optimizer, save, summaries)
            apart from the model: a side column per scope in the nested drawing,
            dimmed in the flat one.

    Attributes:
        ops: the Operations in view (before filtering by execution).
        kinds: ``{op name: kind}``.
        aux: ``{op name: auxiliary category}`` for the auxiliary ops in view.
        executed: names of ops the latest run executed (``session.last_plan.ops``,
            plus ops inside a cond/while body that produced a value in it).
        fed: names of ops whose outputs were fed in the latest run.
        nx_graph: a networkx ``DiGraph`` of the drawn boxes (op names or, nested,
            closed scope names; node attr ``members``, edge attrs ``tensors`` and
            ``control``).
        positions: ``{node: array([x, y])}``: networkx's positions in the flat
            drawing, box centres in pixels in the nested one.
        open_scopes: the scopes currently open in the nested drawing.
        timings: seconds spent by the latest redraw (``tree``, ``layout``, ``render``).
        svg: the SVG text currently shown.
    """

    def __init__(self, graph_or_fetch=None, session=None, collapse_scopes=None,
                 direction=None, only_executed=False, aux_aside=True):
        if direction not in ("LR", "TB", None):
            raise ValueError("direction must be 'LR' or 'TB', got %r" % (direction,))
        self._target = graph_or_fetch
        if isinstance(graph_or_fetch, Graph):
            graph = graph_or_fetch
        elif graph_or_fetch is None:
            graph = session.graph if session is not None else get_default_graph()
        else:
            ops = _as_ops(graph_or_fetch, session.graph if session is not None else None)
            if not ops:
                raise ValueError("GraphView got an empty fetch list.")
            graph = ops[0].graph
            if any(op.graph is not graph for op in ops):
                raise ValueError("GraphView got fetches from more than one graph.")
        if session is None:
            default = get_default_session()
            if default is not None and default.graph is graph:
                session = default
        if session is not None and session.graph is not graph:
            raise ValueError("The session runs a different graph from the one GraphView "
                             "was asked to draw.")
        self.graph, self.session = graph, session
        self._uid = next(_ids)
        self._selected = None
        self._busy = False
        self._expanded = set()
        self._trees = {}
        self._zoom = 1.0
        self._svg_parts = None
        self.timings = {}
        big = len(self._collect_ops()) > BIG_GRAPH
        if collapse_scopes is None:
            collapse_scopes = big
        if direction is None:
            direction = "TB" if big else "LR"

        self.search = widgets.Text(placeholder="filter by name", description="Find",
                                   layout=widgets.Layout(width="230px"))
        self.dropdown = widgets.Dropdown(description="Op", options=[],
                                         layout=widgets.Layout(width="380px"))
        self.only_executed = widgets.Checkbox(value=only_executed, indent=False,
                                              description="show only executed",
                                              layout=widgets.Layout(width="165px"))
        self.collapse = widgets.Checkbox(value=bool(collapse_scopes), indent=False,
                                         description="collapse name scopes",
                                         layout=widgets.Layout(width="170px"))
        self.aux_aside = widgets.Checkbox(value=aux_aside, indent=False,
                                          description="set auxiliary ops aside",
                                          layout=widgets.Layout(width="180px"))
        self.flow = widgets.Dropdown(options=[("top \u2192 bottom", "TB"),
                                              ("left \u2192 right", "LR")],
                                     value=direction, description="Flow",
                                     layout=widgets.Layout(width="200px"))
        self.refresh_button = widgets.Button(description="refresh", icon="refresh",
                                             tooltip="re-read the session's latest run",
                                             layout=widgets.Layout(width="100px"))
        small = widgets.Layout(width="38px")
        self.zoom_out = widgets.Button(description="\u2212", tooltip="zoom out", layout=small)
        self.zoom_in = widgets.Button(description="+", tooltip="zoom in", layout=small)
        self.zoom_reset = widgets.Button(description="1:1", tooltip="actual size",
                                         layout=widgets.Layout(width="46px"))
        self.status = widgets.HTML()
        self.canvas = widgets.HTML(layout=widgets.Layout(
            overflow="auto", max_height="600px", border="1px solid #e5e7eb"))
        self.canvas.add_class("minitf-gv-canvas")
        # Capped, so the init op of a big graph (hundreds of control inputs) scrolls
        # instead of pushing the notebook's next cell a page down.
        self.details = widgets.HTML(layout=widgets.Layout(max_height="360px", overflow="auto"))
        # Clicks in the drawing arrive here (see _SEND_JS); never shown.
        self._bridge = widgets.Text(layout=widgets.Layout(display="none"))
        self._bridge.add_class("minitf-gv-bridge")

        self.dropdown.observe(self._on_pick, names="value")
        self.search.observe(lambda _: self._fill_dropdown(), names="value")
        self.only_executed.observe(lambda _: self._redraw(), names="value")
        self.collapse.observe(lambda _: self._redraw(), names="value")
        self.aux_aside.observe(lambda _: self._redraw(), names="value")
        self.flow.observe(lambda _: self._redraw(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.zoom_in.on_click(lambda _: self.set_zoom(self._zoom * ZOOM_STEP))
        self.zoom_out.on_click(lambda _: self.set_zoom(self._zoom / ZOOM_STEP))
        self.zoom_reset.on_click(lambda _: self.set_zoom(1.0))
        self._bridge.observe(self._on_bridge, names="value")

        super().__init__(children=[
            widgets.HBox([self.dropdown, self.search]),
            widgets.HBox([self.only_executed, self.collapse, self.aux_aside, self.flow,
                          self.zoom_out, self.zoom_in, self.zoom_reset, self.refresh_button]),
            self.status, self.canvas, self.details, self._bridge])
        self.add_class("minitf-graph-view")
        first = _as_ops(graph_or_fetch, graph)[0] if graph_or_fetch is not None \
            and not isinstance(graph_or_fetch, Graph) else None
        self.refresh(select=first.name if first is not None else None)

    # -- public -------------------------------------------------------------------------
    @property
    def direction(self):
        """``"TB"`` or ``"LR"``: the flow of the drawing (the "Flow" dropdown)."""
        return self.flow.value

    @direction.setter
    def direction(self, value):
        if value not in ("LR", "TB"):
            raise ValueError("direction must be 'LR' or 'TB', got %r" % (value,))
        self.flow.value = value

    def refresh(self, select=None):
        """Re-read the graph and the session's latest run, then redraw."""
        self.ops = self._collect_ops()
        self._by_name = {op.name: op for op in self.ops}
        self.kinds = {op.name: op_kind(op) for op in self.ops}
        self.aux = auxiliary_ops(self.ops)
        if self._target is not None and not isinstance(self._target, Graph):
            # What was asked for is the subject, not bookkeeping: GraphView(grad_W) shows
            # the gradients in line, GraphView(train_op) the optimizer's scope.
            asked = {self.aux.get(op.name) for op in _as_ops(self._target, self.graph)}
            self.aux = {n: c for n, c in self.aux.items() if c not in asked}
        self._read_session()
        if select is None and self._selected in self._by_name:
            select = self._selected
        elif select is None and self.ops:
            # The last op of the model itself (say the loss), not the initializer that
            # is usually created last and lists every variable.
            main = [op for op in self.ops if op.name not in self.aux]
            select = (main or self.ops)[-1].name
        self._selected = select
        self._fill_dropdown()
        self._redraw()

    def select(self, name):
        """Show op ``name`` in the details panel and outline it in the drawing.

        In the nested drawing the scopes around the op open, so it is visible.
        """
        if isinstance(name, (Tensor, Operation)):
            name = (name.op if isinstance(name, Tensor) else name).name
        if name not in self._by_name:
            raise KeyError("Op %r is not in this view." % (name,))
        self._selected = name
        if self.collapse.value:
            self._expanded.update(self._tree().path.get(name, ()))
        if name not in [v for _, v in self.dropdown.options]:
            self.search.value = ""
        self._busy = True
        try:
            self.dropdown.value = name
        finally:
            self._busy = False
        self._redraw()

    @property
    def selected(self):
        """The name of the op shown in the details panel (or None)."""
        return self._selected

    @property
    def open_scopes(self):
        """The name scopes open in the nested drawing (a frozenset of names)."""
        return frozenset(self._expanded)

    def open_scope(self, name):
        """Open scope ``name`` (and the scopes around it) in the nested drawing."""
        if name not in self._tree().scopes:
            raise KeyError("%r is not a name scope of the ops in view." % (name,))
        parts = name.split("/")
        self._expanded.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        self._redraw()

    def close_scope(self, name):
        """Close scope ``name``: it is drawn as one box again (its inner state is kept)."""
        self._expanded.discard(name)
        self._redraw()

    def toggle_scope(self, name):
        """Open scope ``name`` if it is closed, else close it (what a click does)."""
        if name in self._expanded:
            self.close_scope(name)
        else:
            self.open_scope(name)

    @property
    def zoom(self):
        """The drawing's scale (1.0 = actual size)."""
        return self._zoom

    def set_zoom(self, zoom):
        """Scale the drawing by ``zoom`` (clamped to [ZOOM_MIN, ZOOM_MAX])."""
        self._zoom = min(ZOOM_MAX, max(ZOOM_MIN, float(zoom)))
        if self._svg_parts is not None:
            self.canvas.value = self._wrap_svg(*self._svg_parts)

    @property
    def svg(self):
        return self.canvas.value

    def _collect_ops(self):
        if self._target is None or isinstance(self._target, Graph):
            return self.graph.get_operations()
        return subgraph_ops(self._target, self.graph)

    def _on_bridge(self, change):
        """A click or zoom from the browser: ``action|name|nonce``."""
        msg = change["new"]
        if not msg:
            return
        action, _, rest = msg.partition("|")
        name = rest.rpartition("|")[0]
        if action == "toggle" and name in self._tree().scopes:
            self.toggle_scope(name)
        elif action == "select" and name in self._by_name:
            self.select(name)
        elif action == "zoom":
            # The browser already resized the drawing; remember it for the next redraw.
            self._zoom = min(ZOOM_MAX, max(ZOOM_MIN, float(name)))

    # -- session -----------------------------------------------------------------------
    def _read_session(self):
        s = self.session
        plan = getattr(s, "last_plan", None) if s is not None else None
        env = (getattr(s, "last_env", None) or {}) if s is not None else {}
        self._env = env
        self.has_run = plan is not None
        self.executed, self.fed = set(), set()
        if plan is None:
            return
        ran = set(plan.ops)
        self.executed = {op.name for op in ran}
        self.fed = {t.op.name for t, _, _ in plan.feeds}
        # Bodies of cond/while run inside their owner op; count the ones that produced values.
        for op in ran:
            for ctx in op_registry.get(op.type).owned_contexts(op):
                for inner in ctx.ops:
                    if any(t in env for t in inner.outputs):
                        self.executed.add(inner.name)

    # -- dropdown and details -------------------------------------------------------------
    def _fill_dropdown(self):
        text = self.search.value.strip().lower()
        names = [op.name for op in self.ops if text in op.name.lower()]
        options = [("%s  (%s)" % (n, self._by_name[n].type), n) for n in names]
        self._busy = True
        try:
            self.dropdown.options = options
            self.dropdown.value = self._selected if self._selected in names else None
        finally:
            self._busy = False

    def _on_pick(self, change):
        if self._busy or change["new"] is None:
            return
        self._selected = change["new"]
        if self.collapse.value:  # open the scopes around the picked op, so it shows
            self._expanded.update(self._tree().path.get(self._selected, ()))
        self._redraw()

    def _render_details(self):
        op = self._by_name.get(self._selected)
        if op is None:
            return "<i>Pick an op in the dropdown to see its details.</i>"
        if not self.has_run:
            status = "no run yet" if self.session is not None else "no session given"
        elif op.name in self.executed:
            status = "<b style='color:%s'>executed</b> in the latest run" % EXECUTED_BORDER
        elif op.name in self.fed:
            status = "<b>fed</b> through feed_dict in the latest run (its op did not run)"
        else:
            status = "did <b>not</b> run in the latest run"
        rows = [("name", "<code>%s</code>" % _esc(op.name)),
                ("type", "<code>%s</code> (%s)" % (_esc(op.type), self.kinds[op.name])),
                ("device", _esc(op.device) if op.device else "<i>none (CPU)</i>"),
                ("latest run", status)]
        ins = ["<code>%s</code> %s %s" % (_esc(t.name), t.dtype.name, _shape_text(t.shape))
               for t in op.inputs]
        rows.append(("inputs", "<br>".join(ins) or "<i>none</i>"))
        if op.control_inputs:
            ctl = ["<code>^%s</code>" % _esc(c.name) for c in op.control_inputs[:40]]
            if len(op.control_inputs) > 40:
                ctl.append("<i>... and %d more</i>" % (len(op.control_inputs) - 40))
            rows.append(("control inputs", "<br>".join(ctl)))
        for t in op.outputs:
            cell = "dtype <code>%s</code>, static shape <code>%s</code>" % (
                t.dtype.name, _shape_text(t.shape))
            if t in self._env:
                text, kind = _format_value(self._env[t])
                cell += "<br>last value (%s):<pre style='margin:2px 0;max-height:160px;" \
                        "overflow:auto'>%s</pre>" % (_esc(kind), _esc(text))
            else:
                cell += "<br><i>no value from the latest run</i>"
            rows.append(("output <code>%s</code>" % _esc(t.name), cell))
        if not op.outputs:
            rows.append(("outputs", "<i>none (an op run only for its effect)</i>"))
        attrs = {k: v for k, v in op.attrs.items() if not k.startswith("_")}
        if attrs:
            rows.append(("attrs", "<br>".join(
                "%s = <code>%s</code>" % (_esc(k), _esc(_short(repr(v).replace("\n", " "), 80)))
                for k, v in sorted(attrs.items()))))
        tb = op.traceback
        if tb and isinstance(tb, tuple):
            where = "%s:%s" % (tb[0], tb[1])
            if "ipykernel_" in str(tb[0]):  # a notebook cell's temporary file
                where = "line %s of a notebook cell" % tb[1]
            rows.append(("created at", "<code>%s</code>" % _esc(where)))
        body = "".join("<tr><th style='text-align:left;vertical-align:top;padding:2px 10px "
                       "2px 0;white-space:nowrap'>%s</th><td style='text-align:left;"
                       "padding:2px 0'>%s</td></tr>" % r for r in rows)
        return "<table class='minitf-details' style='font-size:12px'>%s</table>" % body

    # -- drawing ------------------------------------------------------------------------------
    def _visible_ops(self):
        if self.only_executed.value and self.has_run:
            keep = self.executed | self.fed
            return [op for op in self.ops if op.name in keep]
        return list(self.ops)

    def _tree(self):
        """The ScopeTree of the ops in view, built once per set of ops (layouts cached in it)."""
        ops = self._visible_ops()
        key = tuple(op._id for op in ops)
        tree = self._trees.get(key)
        if tree is None:
            if len(self._trees) >= 4:  # the full view and the executed-only one, mostly
                self._trees.pop(next(iter(self._trees)))
            tree = self._trees[key] = ScopeTree(ops, self.aux)
        return tree

    def _redraw(self):
        t0 = time.perf_counter()
        if self.collapse.value:
            tree = self._tree()
            t1 = time.perf_counter()
            G, pos, body, size = self._draw_nested(tree)
        else:
            ops = self._visible_ops()
            t1 = time.perf_counter()
            G, rank = self._build_nx(ops)
            pos = self._layout(G, rank) if len(G) else {}
            t2 = time.perf_counter()
            body, size = self._render_flat(G, pos)
        t3 = time.perf_counter()
        self.timings = {"tree": t1 - t0, "layout": getattr(self, "_t_layout", 0.0),
                        "render": 0.0}
        if not self.collapse.value:
            self.timings["layout"] = t2 - t1
        self.timings["render"] = t3 - t1 - self.timings["layout"]
        self.nx_graph, self.positions = G, pos
        self._svg_parts = (size, body)
        self.canvas.value = self._wrap_svg(size, body)
        self.details.value = self._render_details()
        n_exec = len(self.executed & set(self._by_name))
        if self.session is None:
            run = "no session: pass <code>session=sess</code> to see a run"
        elif not self.has_run:
            run = "the session has not run anything yet"
        else:
            run = "latest run executed <b>%d</b> of these ops" % n_exec
            if self.fed:
                run += " (fed: %s)" % ", ".join(sorted(_esc(n) for n in self.fed))
        hint = ""
        if self.collapse.value:
            hint = "<br>click a scope box to open it, a frame's \u25be header to close it; " \
                   "click an op for its details; Ctrl+wheel or \u2212/+ zooms, drag pans"
        self.status.value = "<span style='font-size:12px'>%d ops in view, %d in the graph, " \
                            "%d boxes drawn; %s%s</span>" % (
                                len(self.ops), len(self.graph.get_operations()), len(G), run,
                                hint)

    def _wrap_svg(self, size, body):
        if size is None:
            return body
        w, h = size
        z = self._zoom
        handlers = "".join(' %s="%s"' % (a, _esc(js)) for a, js in (
            ("onclick", _CLICK_JS), ("onwheel", _WHEEL_JS), ("onmousedown", _DOWN_JS),
            ("onmousemove", _MOVE_JS), ("onmouseup", _UP_JS), ("onmouseleave", _UP_JS)))
        return ('<svg class="minitf-graph" xmlns="http://www.w3.org/2000/svg" width="%d" '
                'height="%d" viewBox="0 0 %d %d" data-w="%d" data-h="%d" data-zoom="%.4f" '
                'font-family="sans-serif" style="user-select:none"%s>%s</svg>' % (
                    round(w * z), round(h * z), w, h, w, h, z, handlers, body))

    # -- flat drawing: one box per op ---------------------------------------------------------
    def _build_nx(self, ops):
        """The DiGraph to lay out: one node per op."""
        G = nx.DiGraph()
        rank = {}
        names = set()
        for op in ops:
            G.add_node(op.name, members=[op])
            rank[op.name] = op._id
            names.add(op.name)
        for op in ops:
            for t in op.inputs:
                if t.op.name in names and t.op.name != op.name:
                    _add_edge(G, t.op.name, op.name, t, op)
            for c in op.control_inputs:
                if c.name in names and c.name != op.name:
                    _add_edge(G, c.name, op.name, None, op)
        return G, rank

    def _layout(self, G, rank):
        layer = _layers(G)
        layers = _ordered_layers(G, layer, lambda n: rank[n])
        for k, nodes in layers.items():
            for n in nodes:
                G.nodes[n]["layer"] = k
        align = "vertical" if self.direction == "LR" else "horizontal"
        return nx.multipartite_layout(G, subset_key=layers, align=align)

    def _box_size(self):
        return (170, 40) if self.direction == "LR" else (160, 40)

    def _render_flat(self, G, pos):
        """SVG body and size of the flat drawing, at networkx's positions."""
        lr = self.direction == "LR"
        box_w, box_h = self._box_size()
        layer_gap, slot_gap = (215, 54) if lr else (80, 180)
        legend_h = 30
        if not len(G):
            return ('<svg class="minitf-graph" xmlns="http://www.w3.org/2000/svg" width="320" '
                    'height="40"><text x="10" y="24" font-family="sans-serif" '
                    'font-size="13">(no ops to draw)</text></svg>'), None
        # Pixels per networkx unit: a layer step maps to layer_gap, a slot step to slot_gap.
        lay_axis, slot_axis = (0, 1) if lr else (1, 0)
        xy = {n: (float(p[0]), float(p[1])) for n, p in pos.items()}
        lay_vals = sorted({round(v[lay_axis], 9) for v in xy.values()})
        lay_steps = [b - a for a, b in zip(lay_vals, lay_vals[1:])]
        by_layer = {}
        for v in xy.values():
            by_layer.setdefault(round(v[lay_axis], 9), []).append(v[slot_axis])
        slot_steps = []
        for vs in by_layer.values():
            vs.sort()
            slot_steps += [b - a for a, b in zip(vs, vs[1:]) if b - a > 1e-9]
        s_lay = layer_gap / (min(lay_steps) if lay_steps else 1.0)
        s_slot = slot_gap / (min(slot_steps) if slot_steps else 1.0)
        sx, sy = (s_lay, s_slot) if lr else (s_slot, s_lay)
        x0 = min(v[0] for v in xy.values())
        y0 = min(v[1] for v in xy.values())
        margin = 12
        rects = {n: (margin + (v[0] - x0) * sx, legend_h + margin + (v[1] - y0) * sy,
                     box_w, box_h) for n, v in xy.items()}
        width = max(r[0] for r in rects.values()) + box_w + margin
        height = max(r[1] for r in rects.values()) + box_h + margin
        legend, legend_w = self._legend(nested=False)
        width = max(width, legend_w + margin)
        out = [self._defs(), legend]
        for u, v, data in G.edges(data=True):
            out.append(self._edge_svg(G, u, v, data, rects[u], rects[v]))
        for n in G:
            out.append(self._node_svg(n, G.nodes[n]["members"], rects[n], label=n,
                                      aux=None, dim_aux=self.aux_aside.value,
                                      state=self._state_of(G, n)))
        return "".join(out), (width, height)

    # -- nested drawing: scopes open on a click -----------------------------------------------
    def _draw_nested(self, tree):
        """Lay out the open scopes (cached per expansion state) and draw them."""
        box_w, box_h = self._box_size()
        t0 = time.perf_counter()
        expanded = self._expanded & tree.scopes
        root = tree.layout(expanded, self.direction, self.aux_aside.value, (box_w, box_h))
        self._t_layout = time.perf_counter() - t0
        legend, legend_w = self._legend(nested=True)
        margin, legend_h = 12, 30
        # Frames and auxiliary areas in drawing order: a frame, then what lies on it.
        backdrops, rects, parent_of, aside_of = [], {}, {}, {}

        def walk(box, ox, oy, depth, aside_root):
            if box.aux_rect is not None:
                x, y, w, h = box.aux_rect
                backdrops.append(("aux", (ox + x, oy + y, w, h)))
            for key, x, y, w, h, sub, aside in box.items:
                root_here = aside_root if aside_root is not None else (
                    (box.key, key) if aside else None)
                if sub is not None:
                    backdrops.append(("frame", (key, box.key, ox + x, oy + y, w, h, depth)))
                    walk(sub, ox + x, oy + y, depth + 1, root_here)
                else:
                    rects[key] = (ox + x, oy + y, w, h)
                    parent_of[key] = box.key
                    aside_of[key] = root_here

        walk(root, margin - 6, legend_h + margin - 6, 0, None)
        # Edges between drawn boxes: only levels that are open can hold one.
        G = nx.DiGraph()
        for key in rects:
            G.add_node(key, members=tree.child_members(parent_of[key], key))
        open_levels = [""] + [s for s in expanded if all(p in expanded for p in _ancestors(s))]
        for level in open_levels:
            for (cu, cv), payload in tree.level_edges.get(level, {}).items():
                for src, tensor, consumer in payload:
                    u = cu if cu not in expanded else tree.visible(src, expanded)
                    v = cv if cv not in expanded else tree.visible(consumer.name, expanded)
                    if u != v and u in rects and v in rects:
                        _add_edge(G, u, v, tensor, consumer)
        width = max(root.w + 2 * margin - 12, legend_w + margin)
        height = root.h + legend_h + 2 * margin - 12
        out = [self._defs(), legend]
        for what, args in backdrops:
            if what == "frame":
                out.append(self._frame_svg(tree, *args))
                continue
            out.append('<g class="aux-area"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                       'rx="8" fill="#fafaf9" stroke="#d6d3d1" stroke-dasharray="4,3"/>'
                       '<text x="%.1f" y="%.1f" font-size="11" fill="#78716c">auxiliary'
                       '</text></g>' % (args + (args[0] + 8, args[1] + 15)))
        for u, v, data in G.edges(data=True):
            if aside_of[u] == aside_of[v]:  # no lines across to the auxiliary column
                out.append(self._edge_svg(G, u, v, data, rects[u], rects[v]))
        for key, rect in rects.items():
            parent = parent_of[key]
            is_scope = tree.is_scope_child(parent, key)
            out.append(self._node_svg(key, G.nodes[key]["members"], rect,
                                      label=_relative(key, parent) + ("/" if is_scope else ""),
                                      aux=tree.aux_category(parent, key), scope=is_scope,
                                      state=self._state_of(G, key)))
        pos = {k: np.array([r[0] + r[2] / 2, r[1] + r[3] / 2]) for k, r in rects.items()}
        return G, pos, "".join(out), (width, height)

    def _frame_svg(self, tree, key, parent, x, y, w, h, depth):
        members = tree.members[key]
        aux = tree.aux_category(parent, key)
        fill = ("#ffffff", "#f8fafc", "#f1f5f9", "#e2e8f0")[min(depth, 3)]
        state = self._node_state(members)
        stroke = EXECUTED_BORDER if state == "executed" else "#94a3b8"
        label = "\u25be %s/  \u00b7 %d ops%s" % (_relative(key, parent), len(members),
                                                  " \u00b7 aux: %s" % AUX_LABELS[aux]
                                                  if aux else "")
        return ('<g class="scope-frame" data-name="%s"><rect x="%.1f" y="%.1f" width="%.1f" '
                'height="%.1f" rx="10" fill="%s" stroke="%s" stroke-width="1.5"/>'
                '<g class="frame-header" data-act="toggle" data-name="%s" '
                'style="cursor:pointer"><title>%s/ (open) -- click to close</title>'
                '<rect x="%.1f" y="%.1f" width="%.1f" height="22" rx="10" fill="%s" '
                'opacity="0.8"/><text x="%.1f" y="%.1f" font-size="12" '
                'font-family="monospace" fill="#334155">%s</text></g></g>' % (
                    _esc(key), x, y, w, h, fill, stroke, _esc(key), _esc(key), x, y, w,
                    "#e2e8f0", x + 10, y + 16, _esc(label if len(label) <= w / 7.3 else label[:int(w / 7.3) - 1] + "\u2026")))

    # -- shared pieces ------------------------------------------------------------------------
    def _defs(self):
        return ('<defs><marker id="minitf-arrow-%d" viewBox="0 0 10 10" refX="9" refY="5" '
                'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                '<path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>' % self._uid)

    def _edge_svg(self, G, u, v, data, ru, rv):
        if self.direction == "LR":
            x1, y1, x2, y2 = ru[0] + ru[2], ru[1] + ru[3] / 2, rv[0], rv[1] + rv[3] / 2
            mid = (x2 - x1) / 2
            d = "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" % (
                x1, y1, x1 + mid, y1, x2 - mid, y2, x2, y2)
        else:
            x1, y1, x2, y2 = ru[0] + ru[2] / 2, ru[1] + ru[3], rv[0] + rv[2] / 2, rv[1]
            mid = (y2 - y1) / 2
            d = "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" % (
                x1, y1, x1, y1 + mid, x2, y2 - mid, x2, y2)
        lines = ["%s \u2192 %s: %s %s" % (t.name, c.name, t.dtype.name, _shape_text(t.shape))
                 for t, c in data["tensors"][:20]]
        lines += ["control dependency: %s runs before %s" % (u, c.name)
                  for c in data["control"][:20]]
        more = len(data["tensors"]) + len(data["control"]) - len(lines)
        if more > 0:
            lines.append("... and %d more" % more)
        control_only = not data["tensors"]
        # An edge that skips layers runs behind the boxes between; drawn lighter, the
        # edges between neighbours read first.
        along = 0 if self.direction == "LR" else 1
        gap = abs((rv[along] + rv[along + 2] / 2) - (ru[along] + ru[along + 2] / 2))
        long_edge = gap > 2.5 * (ru[along + 2] + 60)
        ran = not self.has_run or (
            self._state_of(G, u) in ("executed", "fed") and self._state_of(G, v) == "executed")
        return ('<g class="edge%s" data-from="%s" data-to="%s"><title>%s</title><path d="%s" '
                'fill="none" stroke="#64748b" stroke-width="1.4"%s opacity="%s" '
                'marker-end="url(#minitf-arrow-%d)"/></g>' % (
                    (" control" if control_only else "") + (" long" if long_edge else ""),
                    _esc(u), _esc(v), _esc("\n".join(lines)), d,
                    ' stroke-dasharray="5,4"' if control_only else "",
                    ("0.45" if long_edge else "1") if ran else "0.3", self._uid))

    def _state_of(self, G, node):
        """``_node_state`` of a drawn node, computed once per node and drawing."""
        data = G.nodes[node]
        if "state" not in data:
            data["state"] = self._node_state(data["members"])
        return data["state"]

    def _node_state(self, members):
        if not self.has_run:
            return ""
        names = {op.name for op in members}
        if names & self.executed:
            return "executed"
        if names & self.fed:
            return "fed"
        return "not-run"

    def _node_svg(self, n, members, rect, label, aux=None, scope=None, dim_aux=False,
                  state=None):
        """One box: an op, or a closed scope (``scope``; default: more than one member)."""
        x, y, box_w, box_h = rect
        single = not scope if scope is not None else (
            len(members) == 1 and members[0].name == n)
        if single:
            op = members[0]
            kind, sub = self.kinds[op.name], op.type
            tip = "%s (%s)\nkind: %s\n%s" % (op.name, op.type, kind, "\n".join(
                "%s: %s %s" % (t.name, t.dtype.name, _shape_text(t.shape)) for t in op.outputs))
            if op.device:
                tip += "\ndevice: %s" % op.device
            if op.name in self.aux:
                tip += "\nauxiliary: %s" % AUX_LABELS[self.aux[op.name]]
                aux = aux or self.aux[op.name]
            act = "select"
        else:
            kinds = {self.kinds[op.name] for op in members}
            own = self._by_name.get(n)
            if own is not None and own.type in _VARIABLE_TYPES:
                kind = "variable"  # a variable's own scope: W with W/read, W/Assign ...
            else:
                kind = kinds.pop() if len(kinds) == 1 else "scope"
            sub = "\u25b8 scope: %d ops" % len(members)
            if aux:
                sub = "\u25b8 %s \u00b7 %d ops" % (AUX_LABELS[aux], len(members))
            tip = "name scope %s (%d ops) -- click to open\n%s" % (n, len(members), "\n".join(
                "%s (%s)" % (op.name, op.type) for op in members[:30]))
            if len(members) > 30:
                tip += "\n..."
            act = "toggle"
        fill, stroke = COLORS[kind]
        if state is None:
            state = self._node_state(members)
        width, opacity = 1.5, 1.0
        if state == "executed":
            stroke, width = EXECUTED_BORDER, 3.5
        elif state == "fed":
            width = 3.0
        elif state == "not-run":
            opacity = 0.35
        if dim_aux and single and members[0].name in self.aux and state != "executed":
            opacity = min(opacity, AUX_OPACITY)
        selected = any(op.name == self._selected for op in members)
        classes = ["node", "kind-" + kind] + ([state] if state else []) + \
            (["selected"] if selected else []) + ([] if single else ["scope"]) + \
            (["aux", "aux-" + aux] if aux else [])
        halo = ('<rect x="-4" y="-4" width="%d" height="%d" rx="10" fill="none" stroke="%s" '
                'stroke-width="3"/>' % (box_w + 8, box_h + 8, SELECTED_BORDER)) if selected else ""
        dash = "" if single else ' stroke-dasharray="6,3"'
        return ('<g class="%s" data-name="%s" data-act="%s" transform="translate(%.1f,%.1f)" '
                'opacity="%s" style="cursor:pointer"><title>%s</title>%s<rect class="box" '
                'width="%d" height="%d" rx="8" fill="%s" stroke="%s" stroke-width="%s"%s/>'
                '<text x="%d" y="16" text-anchor="middle" font-size="11" '
                'font-family="monospace" fill="#111827">%s</text>'
                '<text x="%d" y="31" text-anchor="middle" font-size="10" fill="#374151">'
                '%s</text></g>' % (
                    " ".join(classes), _esc(n), act, x, y, opacity, _esc(tip), halo, box_w,
                    box_h, fill, stroke, width, dash, box_w / 2, _esc(_short(label)),
                    box_w / 2, _esc(_short(sub, 28))))

    def _legend(self, nested):
        """The legend's SVG and its width in pixels."""
        items = [(k, COLORS[k]) for k in KINDS]
        if nested:
            items.append(("name scope", COLORS["scope"]))
        parts, x = ['<g class="legend" font-size="11">'], 12
        for label, (fill, stroke) in items:
            parts.append('<rect x="%d" y="8" width="14" height="14" rx="3" fill="%s" '
                         'stroke="%s"/><text x="%d" y="19">%s</text>' % (
                             x, fill, stroke, x + 19, label))
            x += 26 + 7 * len(label)
        if self.has_run:
            parts.append('<rect x="%d" y="8" width="14" height="14" rx="3" fill="white" '
                         'stroke="%s" stroke-width="3"/><text x="%d" y="19">executed in the '
                         'latest run</text>' % (x, EXECUTED_BORDER, x + 19))
            x += 190
            parts.append('<rect x="%d" y="8" width="14" height="14" rx="3" fill="#e9d5ff" '
                         'stroke="#7e22ce" opacity="0.35"/><text x="%d" y="19">did not run'
                         '</text>' % (x, x + 19))
            x += 100
        parts.append('<line x1="%d" y1="15" x2="%d" y2="15" stroke="#64748b" '
                     'stroke-dasharray="5,4"/><text x="%d" y="19">control dependency</text>'
                     % (x, x + 22, x + 27))
        x += 150
        if self.aux and self.aux_aside.value:
            parts.append('<rect x="%d" y="8" width="14" height="14" rx="3" fill="#fafaf9" '
                         'stroke="#a8a29e" stroke-dasharray="3,2"%s/><text x="%d" y="19">'
                         'auxiliary (init, gradients, optimizer ...)%s</text>' % (
                             x, "" if nested else ' opacity="%s"' % AUX_OPACITY, x + 19,
                             ": set aside" if nested else ": dimmed"))
            x += 300
        parts.append("</g>")
        return "".join(parts), x


def _add_edge(G, src, dst, tensor, consumer):
    if not G.has_edge(src, dst):
        G.add_edge(src, dst, tensors=[], control=[])
    data = G.edges[src, dst]
    if tensor is None:
        data["control"].append(consumer)
    else:
        data["tensors"].append((tensor, consumer))


def _ancestors(scope):
    parts = scope.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _relative(key, parent):
    """``key``'s name inside ``parent`` (a variable ``a/W`` inside its own scope: ``W``)."""
    if key == parent:
        return key.rsplit("/", 1)[-1]
    return key[len(parent) + 1:] if parent else key


def show_graph(graph_or_fetch=None, session=None, **kwargs):
    """Display a ``GraphView`` in the current notebook cell.

    Takes the same arguments as ``GraphView`` and returns None (so the widget is
    not drawn twice); build a ``GraphView`` yourself to keep a handle for
    ``refresh()``.
    """
    from IPython.display import display
    display(GraphView(graph_or_fetch, session=session, **kwargs))
