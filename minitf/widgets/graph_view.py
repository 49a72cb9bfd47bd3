"""``GraphView``: an interactive picture of a minitf graph and of its latest run.

The picture is an inline SVG inside an ``ipywidgets.HTML``.  networkx does the
layout: ops are split into layers with ``topological_generations`` (each op sits
one layer after the last of its inputs) and ``multipartite_layout`` turns the
layers into coordinates.  The only thing decided here is the order of the ops
inside a layer (a barycenter sort, so edges cross less); positions themselves
are networkx's, scaled to pixels.

Each op is a rounded box coloured by its kind (placeholder, variable, constant,
compute).  With a session, the ops its latest ``run`` executed get a thick red
border and the others fade, which shows which part of the graph a fetch needed.
A dropdown picks an op; the panel under the picture lists its type, outputs
(dtype, static shape and the value computed in the latest run), device and
inputs.

Example:
    >>> from minitf.widgets import GraphView
    >>> a = tf.constant(2, name="a"); b = tf.add(a, 3, name="b")
    >>> sess = tf.Session(); sess.run(b)
    >>> GraphView(b, session=sess)      # last expression of a notebook cell
"""
import html
import itertools

import ipywidgets as widgets
import networkx as nx
import numpy as np

from minitf.framework import op_registry
from minitf.framework.graph import Graph, Operation, Tensor, get_default_graph
from minitf.framework.graph import get_default_session

__all__ = ["GraphView", "op_kind", "show_graph", "subgraph_ops"]

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


# -- layout ---------------------------------------------------------------------------
def _layers(G):
    """Layer index per node from ``topological_generations`` (of the condensation
    when collapsed scopes made a cycle); sources move next to their first consumer."""
    if nx.is_directed_acyclic_graph(G):
        layer = {n: i for i, gen in enumerate(nx.topological_generations(G)) for n in gen}
    else:
        C = nx.condensation(G)
        comp = {i: gen_i for gen_i, gen in enumerate(nx.topological_generations(C))
                for i in gen}
        layer = {n: comp[c] for n, c in C.graph["mapping"].items()}
    for n in G:
        succ = [layer[s] for s in G.successors(n)]
        if G.in_degree(n) == 0 and succ:
            layer[n] = max(layer[n], min(succ) - 1)
    return layer


def _ordered_layers(G, layer, rank):
    """Order nodes inside each layer by the mean position of their neighbours."""
    layers = {}
    for n in sorted(G, key=rank):
        layers.setdefault(layer[n], []).append(n)
    keys = sorted(layers)
    y = {}

    def place(k):
        h = len(layers[k])
        for i, n in enumerate(layers[k]):
            y[n] = i - (h - 1) / 2

    def bary(n, first, second):
        for nbrs in (first(n), second(n)):
            ys = [y[m] for m in nbrs if m in y]
            if ys:
                return sum(ys) / len(ys)
        return 0.0

    for k in keys:
        place(k)
    down, up = (G.predecessors, G.successors), (G.successors, G.predecessors)
    for sweep, nbrs in ((keys[1:], down), (keys[-2::-1], up), (keys[1:], down)):
        for k in sweep:
            layers[k].sort(key=lambda n: bary(n, *nbrs))
            place(k)
    return {k: layers[k] for k in keys}


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
        collapse_scopes: draw each top-level name scope as one box.
        direction: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top).
        only_executed: start with "show only executed" ticked.

    Attributes:
        ops: the Operations in view (before filtering by execution).
        kinds: ``{op name: kind}``.
        executed: names of ops the latest run executed (``session.last_plan.ops``,
            plus ops inside a cond/while body that produced a value in it).
        fed: names of ops whose outputs were fed in the latest run.
        nx_graph: the networkx ``DiGraph`` that was laid out (nodes are op names
            or, collapsed, scope names; node attr ``layer``).
        positions: networkx's positions ``{node: array([x, y])}``.
        svg: the SVG text currently shown.
    """

    def __init__(self, graph_or_fetch=None, session=None, collapse_scopes=False,
                 direction="LR", only_executed=False):
        if direction not in ("LR", "TB"):
            raise ValueError("direction must be 'LR' or 'TB', got %r" % (direction,))
        self._target = graph_or_fetch
        self.direction = direction
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

        self.search = widgets.Text(placeholder="filter by name", description="Find",
                                   layout=widgets.Layout(width="230px"))
        self.dropdown = widgets.Dropdown(description="Op", options=[],
                                         layout=widgets.Layout(width="380px"))
        self.only_executed = widgets.Checkbox(value=only_executed, indent=False,
                                              description="show only executed")
        self.collapse = widgets.Checkbox(value=collapse_scopes, indent=False,
                                         description="collapse name scopes")
        self.refresh_button = widgets.Button(description="refresh", icon="refresh",
                                             tooltip="re-read the session's latest run",
                                             layout=widgets.Layout(width="100px"))
        self.status = widgets.HTML()
        self.canvas = widgets.HTML(layout=widgets.Layout(
            overflow="auto", max_height="560px", border="1px solid #e5e7eb"))
        self.details = widgets.HTML()

        self.dropdown.observe(self._on_pick, names="value")
        self.search.observe(lambda _: self._fill_dropdown(), names="value")
        self.only_executed.observe(lambda _: self._redraw(), names="value")
        self.collapse.observe(lambda _: self._redraw(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())

        super().__init__(children=[
            widgets.HBox([self.dropdown, self.search]),
            widgets.HBox([self.only_executed, self.collapse, self.refresh_button]),
            self.status, self.canvas, self.details])
        first = _as_ops(graph_or_fetch, graph)[0] if graph_or_fetch is not None \
            and not isinstance(graph_or_fetch, Graph) else None
        self.refresh(select=first.name if first is not None else None)

    # -- public -------------------------------------------------------------------------
    def refresh(self, select=None):
        """Re-read the graph and the session's latest run, then redraw."""
        if self._target is None or isinstance(self._target, Graph):
            self.ops = self.graph.get_operations()
        else:
            self.ops = subgraph_ops(self._target, self.graph)
        self._by_name = {op.name: op for op in self.ops}
        self.kinds = {op.name: op_kind(op) for op in self.ops}
        self._read_session()
        if select is None:
            select = self._selected if self._selected in self._by_name else (
                self.ops[-1].name if self.ops else None)
        self._selected = select
        self._fill_dropdown()
        self._redraw()

    def select(self, name):
        """Show op ``name`` in the details panel and outline it in the drawing."""
        if isinstance(name, (Tensor, Operation)):
            name = (name.op if isinstance(name, Tensor) else name).name
        if name not in self._by_name:
            raise KeyError("Op %r is not in this view." % (name,))
        self._selected = name
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
    def svg(self):
        return self.canvas.value

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
            rows.append(("control inputs", "<br>".join(
                "<code>^%s</code>" % _esc(c.name) for c in op.control_inputs)))
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

    def _build_nx(self, ops):
        """The DiGraph to lay out: one node per op, or per top-level scope."""
        collapse = self.collapse.value
        group = {op.name: (op.name.split("/")[0] if collapse else op.name) for op in ops}
        G = nx.DiGraph()
        rank = {}
        for op in ops:
            g = group[op.name]
            if g not in G:
                G.add_node(g, members=[])
                rank[g] = op._id
            G.nodes[g]["members"].append(op)
        for op in ops:
            dst = group[op.name]
            for t in op.inputs:
                src = group.get(t.op.name)
                if src is not None and src != dst:
                    self._add_edge(G, src, dst, t, op)
            for c in op.control_inputs:
                src = group.get(c.name)
                if src is not None and src != dst:
                    self._add_edge(G, src, dst, None, op)
        return G, rank

    @staticmethod
    def _add_edge(G, src, dst, tensor, consumer):
        if not G.has_edge(src, dst):
            G.add_edge(src, dst, tensors=[], control=[])
        data = G.edges[src, dst]
        if tensor is None:
            data["control"].append(consumer)
        else:
            data["tensors"].append((tensor, consumer))

    def _layout(self, G, rank):
        layer = _layers(G)
        layers = _ordered_layers(G, layer, lambda n: rank[n])
        for k, nodes in layers.items():
            for n in nodes:
                G.nodes[n]["layer"] = k
        align = "vertical" if self.direction == "LR" else "horizontal"
        pos = nx.multipartite_layout(G, subset_key=layers, align=align)
        return pos

    def _redraw(self):
        ops = self._visible_ops()
        G, rank = self._build_nx(ops)
        self.nx_graph = G
        self.positions = self._layout(G, rank) if len(G) else {}
        self.canvas.value = self._render_svg(G, self.positions)
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
        self.status.value = "<span style='font-size:12px'>%d ops in view, %d in the graph; " \
                            "%s</span>" % (len(self.ops), len(self.graph.get_operations()), run)

    def _node_state(self, members):
        names = {op.name for op in members}
        if not self.has_run:
            return ""
        if names & self.executed:
            return "executed"
        if names & self.fed:
            return "fed"
        return "not-run"

    def _render_svg(self, G, pos):
        lr = self.direction == "LR"
        box_w, box_h = (170, 40) if lr else (160, 40)
        layer_gap, slot_gap = (215, 54) if lr else (80, 180)
        legend_h = 30
        if not len(G):
            return ('<svg class="minitf-graph" xmlns="http://www.w3.org/2000/svg" width="320" '
                    'height="40"><text x="10" y="24" font-family="sans-serif" '
                    'font-size="13">(no ops to draw)</text></svg>')
        # Pixels per networkx unit: a layer step maps to layer_gap, a slot step to slot_gap.
        lay_axis, slot_axis = (0, 1) if lr else (1, 0)
        xy = {n: (float(p[0]), float(p[1])) for n, p in pos.items()}

        def unit(axis, same_layer):
            vals = sorted({round(v[axis], 9) for v in xy.values()}) if not same_layer else []
            if same_layer:
                by_layer = {}
                for v in xy.values():
                    by_layer.setdefault(round(v[lay_axis], 9), []).append(v[axis])
                for vs in by_layer.values():
                    vs = sorted(vs)
                    vals += [b - a for a, b in zip(vs, vs[1:])]
                steps = [d for d in vals if d > 1e-9]
            else:
                steps = [b - a for a, b in zip(vals, vals[1:])]
            return min(steps) if steps else 1.0

        s_lay = layer_gap / unit(lay_axis, False)
        s_slot = slot_gap / unit(slot_axis, True)
        sx, sy = (s_lay, s_slot) if lr else (s_slot, s_lay)
        x0 = min(v[0] for v in xy.values())
        y0 = min(v[1] for v in xy.values())
        margin = 12
        pix = {n: (margin + box_w / 2 + (v[0] - x0) * sx,
                   legend_h + margin + box_h / 2 + (v[1] - y0) * sy) for n, v in xy.items()}
        width = max(p[0] for p in pix.values()) + box_w / 2 + margin
        height = max(p[1] for p in pix.values()) + box_h / 2 + margin
        legend, legend_w = self._legend()
        width = max(width, legend_w + margin)
        uid = "minitf-arrow-%d" % self._uid
        out = ['<svg class="minitf-graph" xmlns="http://www.w3.org/2000/svg" width="%d" '
               'height="%d" viewBox="0 0 %d %d" font-family="sans-serif">'
               % (width, height, width, height),
               '<defs><marker id="%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
               'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
               'fill="#64748b"/></marker></defs>' % uid]
        out.append(legend)
        faded = self.has_run
        # Edges first, so boxes are drawn over their ends.
        for u, v, data in G.edges(data=True):
            (ux, uy), (vx, vy) = pix[u], pix[v]
            if lr:
                x1, y1, x2, y2 = ux + box_w / 2, uy, vx - box_w / 2, vy
                mid = (x2 - x1) / 2
                d = "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" % (
                    x1, y1, x1 + mid, y1, x2 - mid, y2, x2, y2)
            else:
                x1, y1, x2, y2 = ux, uy + box_h / 2, vx, vy - box_h / 2
                mid = (y2 - y1) / 2
                d = "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" % (
                    x1, y1, x1, y1 + mid, x2, y2 - mid, x2, y2)
            lines = ["%s \u2192 %s: %s %s" % (t.name, c.name, t.dtype.name, _shape_text(t.shape))
                     for t, c in data["tensors"]]
            lines += ["control dependency: %s runs before %s" % (u, c.name)
                      for c in data["control"]]
            control_only = not data["tensors"]
            ran = not faded or (self._node_state(G.nodes[u]["members"]) in ("executed", "fed")
                                and self._node_state(G.nodes[v]["members"]) == "executed")
            out.append('<g class="edge%s"><title>%s</title><path d="%s" fill="none" '
                       'stroke="#64748b" stroke-width="1.4"%s opacity="%s" '
                       'marker-end="url(#%s)"/></g>' % (
                           " control" if control_only else "", _esc("\n".join(lines)), d,
                           ' stroke-dasharray="5,4"' if control_only else "",
                           "1" if ran else "0.3", uid))
        for n in G:
            out.append(self._node_svg(n, G.nodes[n]["members"], pix[n], box_w, box_h))
        out.append("</svg>")
        return "".join(out)

    def _node_svg(self, n, members, center, box_w, box_h):
        single = len(members) == 1 and members[0].name == n
        if single:
            op = members[0]
            kind, label, sub = self.kinds[op.name], op.name, op.type
            tip = "%s (%s)\nkind: %s\n%s" % (op.name, op.type, kind, "\n".join(
                "%s: %s %s" % (t.name, t.dtype.name, _shape_text(t.shape)) for t in op.outputs))
            if op.device:
                tip += "\ndevice: %s" % op.device
        else:
            kinds = {self.kinds[op.name] for op in members}
            kind = kinds.pop() if len(kinds) == 1 else (
                "variable" if any(op.type in _VARIABLE_TYPES for op in members) else "scope")
            label, sub = n + "/", "scope: %d ops" % len(members)
            tip = "name scope %s (%d ops)\n%s" % (n, len(members), "\n".join(
                "%s (%s)" % (op.name, op.type) for op in members[:30]))
        fill, stroke = COLORS[kind]
        state = self._node_state(members)
        width, opacity = 1.5, 1.0
        if state == "executed":
            stroke, width = EXECUTED_BORDER, 3.5
        elif state == "fed":
            width = 3.0
        elif state == "not-run":
            opacity = 0.35
        selected = any(op.name == self._selected for op in members)
        classes = ["node", "kind-" + kind] + ([state] if state else []) + \
            (["selected"] if selected else [])
        x, y = center[0] - box_w / 2, center[1] - box_h / 2
        halo = ('<rect x="-4" y="-4" width="%d" height="%d" rx="10" fill="none" stroke="%s" '
                'stroke-width="3"/>' % (box_w + 8, box_h + 8, SELECTED_BORDER)) if selected else ""
        dash = "" if single else ' stroke-dasharray="6,3"'
        return ('<g class="%s" data-name="%s" transform="translate(%.1f,%.1f)" opacity="%s">'
                '<title>%s</title>%s<rect class="box" width="%d" height="%d" rx="8" fill="%s" '
                'stroke="%s" stroke-width="%s"%s/><text x="%d" y="16" text-anchor="middle" '
                'font-size="11" font-family="monospace" fill="#111827">%s</text>'
                '<text x="%d" y="31" text-anchor="middle" font-size="10" fill="#374151">'
                '%s</text></g>' % (
                    " ".join(classes), _esc(n), x, y, opacity, _esc(tip), halo, box_w, box_h,
                    fill, stroke, width, dash, box_w / 2, _esc(_short(label)), box_w / 2,
                    _esc(_short(sub, 28))))

    def _legend(self):
        """The legend's SVG and its width in pixels."""
        items = [(k, COLORS[k]) for k in KINDS]
        if self.collapse.value:
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
        parts.append("</g>")
        return "".join(parts), x + 150


def show_graph(graph_or_fetch=None, session=None, **kwargs):
    """Display a ``GraphView`` in the current notebook cell.

    Takes the same arguments as ``GraphView`` and returns None (so the widget is
    not drawn twice); build a ``GraphView`` yourself to keep a handle for
    ``refresh()``.
    """
    from IPython.display import display
    display(GraphView(graph_or_fetch, session=session, **kwargs))
