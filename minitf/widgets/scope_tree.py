"""Name-scope hierarchy, auxiliary-op classification and the nested layout of ``GraphView``.

A graph of thousands of ops is read the way TensorBoard shows it: as a tree of
name scopes, where each scope is one box until it is opened.  This module knows
nothing about widgets; it turns a list of ops into

* ``auxiliary_ops(ops)``: which ops are bookkeeping around the model rather than
  the model (initializers, the ``gradients`` scope, the optimizer, save/restore,
  summaries), so the drawing can set them aside;
* ``ScopeTree``: every op's chain of enclosing scopes, each scope's children, and
  every edge filed under the one scope level where it is drawn (the innermost
  scope holding both ends);
* ``ScopeTree.layout(expanded)``: boxes and frames in pixels.  Each scope is laid
  out on its own, from its children only, and cached by the open/closed state of
  the scopes inside it, so opening one scope re-lays out that scope and its
  ancestors and nothing else, and a fully closed 5,000-op graph lays out a
  handful of boxes.
"""
import re

import networkx as nx

from minitf.framework.graph import GraphKeys

__all__ = ["AUX_CATEGORIES", "AUX_LABELS", "ScopeTree", "auxiliary_ops"]

# -- auxiliary ops ----------------------------------------------------------------------
AUX_CATEGORIES = ("init", "gradients", "optimizer", "save", "summary")
AUX_LABELS = {"init": "initializers", "gradients": "gradients", "optimizer": "optimizer",
              "save": "save / restore", "summary": "summaries"}

_GRADIENT_SCOPE = re.compile(r"gradients(_\d+)?$")      # tf.gradients' default name
_SAVE_SCOPE = re.compile(r"save(_\d+)?$")               # tf.train.Saver's default name
_APPLY_TYPE = re.compile(r"(Resource)?(Sparse)?Apply[A-Z]")
_SAVE_TYPES = {"SaveV2", "RestoreV2", "Save", "Restore", "SaveSlices", "RestoreSlice",
               "MergeV2Checkpoints", "ShardedFilename", "ShardedFilespec"}
_SUMMARY_TYPES = {"ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummary",
                  "AudioSummaryV2", "TensorSummary", "TensorSummaryV2", "MergeSummary"}
_VARIABLE_TYPES = {"VariableV2", "Variable", "VarHandleOp"}


def _consumers(ops):
    """``{op name: [ops in ops that read it through a data or control input]}``."""
    cons = {op.name: [] for op in ops}
    for op in ops:
        for src in {t.op.name for t in op.inputs} | {c.name for c in op.control_inputs}:
            if src in cons:
                cons[src].append(op)
    return cons


def auxiliary_ops(ops):
    """Classify the auxiliary ops among ``ops``: ``{op name: category}``.

    Categories (``AUX_CATEGORIES``), decided in this order:

    * ``gradients``: everything under a top-level ``gradients`` (``gradients_1``, ...)
      scope, which is where ``tf.gradients`` and ``minimize`` build the backward pass;
    * ``save``: a top-level ``save`` scope, or a save/restore op;
    * ``optimizer``: every top-level scope that holds an ``Apply*`` op (``Adam``,
      ``GradientDescent``, or whatever ``minimize(name=...)`` was given);
    * ``summary``: summary ops;
    * ``init``: the variables' ``initializer`` ``Assign`` ops, plus ``<var>/Assign``;
    * then, walking backwards, an op read *only* by init or optimizer ops joins
      them (initial values, slot variables, ``beta1_power``, learning-rate
      constants), and a constant read only by aux ops of one kind joins that kind;
    * finally a ``NoOp`` that only groups init ops (``init`` from
      ``global_variables_initializer``) is init, and the ``read`` of an auxiliary
      variable that nothing reads (a slot's ``W/Adam/read``) goes with its variable.

    Ops that compute the model's forward path are never read only by aux ops, so
    they stay out of the result.  Only consumers among ``ops`` count, so a
    fetch's subgraph is classified on its own.
    """
    ops = sorted(ops, key=lambda o: o._id)
    if not ops:
        return {}
    cat = {}
    top = {op.name: op.name.split("/")[0] for op in ops}
    optimizer_scopes = {top[op.name] for op in ops if _APPLY_TYPE.match(op.type)}
    for op in ops:
        t = top[op.name]
        if _GRADIENT_SCOPE.match(t):
            cat[op.name] = "gradients"
        elif _SAVE_SCOPE.match(t) or op.type in _SAVE_TYPES:
            cat[op.name] = "save"
        elif t in optimizer_scopes:
            cat[op.name] = "optimizer"
        elif op.type in _SUMMARY_TYPES:
            cat[op.name] = "summary"

    in_view = {op.name for op in ops}
    graph = ops[0].graph
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for v in graph.get_collection(key):
            init = getattr(v, "initializer", None)
            if init is not None and init.name in in_view and init.name not in cat:
                cat[init.name] = "init"
    for op in ops:
        if (op.type == "Assign" and op.name not in cat and op.inputs
                and op.inputs[0].op.type in _VARIABLE_TYPES
                and op.name == op.inputs[0].op.name + "/Assign"):
            cat[op.name] = "init"

    cons = _consumers(ops)

    def dangling_read(op):  # the ``<var>/read`` of a variable nothing in view reads
        return op.type == "Identity" and not cons[op.name]

    for op in reversed(ops):  # consumers are created after what they read
        readers = [c for c in cons[op.name] if not dangling_read(c)]
        if op.name in cat or not readers:
            continue
        kinds = {cat.get(c.name) for c in readers}
        if None in kinds:
            continue
        if kinds <= {"init", "optimizer"}:
            cat[op.name] = "optimizer" if "optimizer" in kinds else "init"
        elif op.type == "Const" and len(kinds) == 1:
            cat[op.name] = kinds.pop()
    for op in ops:
        if dangling_read(op) and op.name not in cat and op.inputs \
                and op.inputs[0].op.name in cat:
            cat[op.name] = cat[op.inputs[0].op.name]
        elif (op.type == "NoOp" and op.name not in cat and not op.inputs and op.control_inputs
                and all(cat.get(c.name) == "init" for c in op.control_inputs)):
            cat[op.name] = "init"
    return cat


# -- the scope tree ------------------------------------------------------------------------
ROOT = ""


class Box:
    """A laid-out scope: its size and its children placed relative to its corner.

    ``items`` holds ``(key, x, y, w, h, sub, aside)``: ``sub`` is the child's own
    ``Box`` when it is an open scope (drawn as a frame), else None (a box);
    ``aside`` says the child sits in the auxiliary column.  ``aux_rect`` is that
    column's ``(x, y, w, h)`` or None.
    """

    __slots__ = ("key", "w", "h", "items", "aux_rect", "header")

    def __init__(self, key, w, h, items, aux_rect, header):
        self.key, self.w, self.h = key, w, h
        self.items, self.aux_rect, self.header = items, aux_rect, header


class ScopeTree:
    """Ops arranged by name scope, with each data/control edge filed under one scope.

    Args:
        ops: the ops in view.
        aux: ``{op name: category}`` (from ``auxiliary_ops``).

    Attributes:
        path: ``{op name: (scope, ...)}``, outermost first.  A scope is a name
            prefix that other ops live under; an op whose own name is a scope
            (a variable ``W`` beside ``W/read``) sits inside that scope.
        children: ``{scope: [child, ...]}`` in creation order (``ROOT`` is "").
        members: ``{scope: [op, ...]}``, every op below the scope.
        scopes: the set of scope names.
        level_edges: ``{scope: {(child_u, child_v): [(src name, tensor or None,
            consumer)]}}``; ``tensor`` is None for a control edge.
    """

    def __init__(self, ops, aux):
        self.ops = list(ops)
        self.aux = aux
        names = [op.name for op in self.ops]
        scopes = set()
        for n in names:
            parts = n.split("/")
            for i in range(1, len(parts)):
                scopes.add("/".join(parts[:i]))
        self.scopes = scopes
        self.path, self.children, self.members = {}, {ROOT: []}, {ROOT: list(self.ops)}
        self.first = {}  # creation rank of a child, for stable orders
        for op, name in zip(self.ops, names):
            parts = name.split("/")
            chain = ["/".join(parts[:i]) for i in range(1, len(parts))]
            if name in scopes:
                chain.append(name)
            self.path[name] = tuple(chain)
            parent = ROOT
            for s in chain:
                if s not in self.children:
                    self.children[s], self.members[s] = [], []
                    self.children[parent].append(s)
                    self.first[s] = op._id
                self.members[s].append(op)
                parent = s
            self.children[parent].append(name)
            self.first.setdefault(name, op._id)
        # File each edge under the innermost scope holding both ends: the first place
        # where the two chains (each ending in the op itself) differ.
        full = {n: p + (n,) for n, p in self.path.items()}
        level_edges = self.level_edges = {}
        for op in self.ops:
            fv = full[op.name]
            srcs = [(t.op.name, t) for t in op.inputs] + \
                [(c.name, None) for c in op.control_inputs]
            for src, tensor in srcs:
                fu = full.get(src)
                if fu is None:
                    continue
                i = 0
                while fu[i] == fv[i]:
                    i += 1
                edges = level_edges.setdefault(fu[i - 1] if i else ROOT, {})
                edges.setdefault((fu[i], fv[i]), []).append((src, tensor, op))
        self._by_name = dict(zip(names, self.ops))
        self._aux_child = {}   # (parent, child) -> aux category or None
        self._cache = {}       # (scope, open scopes inside it, direction, aside, box) -> Box

    # -- queries ---------------------------------------------------------------------------
    def is_scope_child(self, parent, child):
        """Whether ``child`` (a child of ``parent``) is a scope rather than an op."""
        return child in self.children and child != parent

    def child_members(self, parent, child):
        return self.members[child] if self.is_scope_child(parent, child) else \
            [self._by_name[child]]


    def aux_category(self, parent, child):
        """The aux category of a child if every op in it is auxiliary, else None."""
        key = (parent, child)
        if key not in self._aux_child:
            cats = {self.aux.get(op.name) for op in self.child_members(parent, child)}
            if None in cats:
                self._aux_child[key] = None
            else:
                # Every variable brings init ops along, so a mix (beta1_power: an
                # optimizer variable and its initializer) is named by the other kind.
                named = (cats - {"init"}) or cats
                self._aux_child[key] = min(named, key=AUX_CATEGORIES.index)
        return self._aux_child[key]

    def visible(self, op_name, expanded):
        """The drawn node holding op ``op_name``: its outermost closed scope, or itself."""
        for s in self.path[op_name]:
            if s not in expanded:
                return s
        return op_name

    # -- layout ----------------------------------------------------------------------------
    def layout(self, expanded, direction, aside, box=(160, 40)):
        """The root's ``Box`` for this expansion state (``expanded``: open scopes)."""
        return self._layout_scope(ROOT, frozenset(expanded), direction, aside, box)

    def _signature(self, scope, expanded):
        if scope == ROOT:
            return expanded
        prefix = scope + "/"
        return frozenset(e for e in expanded if e.startswith(prefix))

    def _layout_scope(self, scope, expanded, direction, aside, box):
        key = (scope, self._signature(scope, expanded), direction, aside, box)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        kids = self.children.get(scope, [])
        size, subs = {}, {}
        for k in kids:
            if self.is_scope_child(scope, k) and k in expanded:
                subs[k] = self._layout_scope(k, expanded, direction, aside, box)
                size[k] = (subs[k].w, subs[k].h)
            else:
                size[k] = box
        side = [k for k in kids if aside and self.aux_category(scope, k)]
        side_set = set(side)
        main = [k for k in kids if k not in side_set]
        edges = self.level_edges.get(scope, {})
        tb = direction == "TB"
        main_pos, mw, mh = _place_layered(main, edges, size, self.first, tb, ghosts=side)
        items = [(k, x, y, size[k][0], size[k][1], subs.get(k), False)
                 for k, (x, y) in main_pos.items()]
        pad, header = (14, 26) if scope != ROOT else (6, 0)
        aux_rect = None
        if side:
            side_pos, sw, sh = _place_column(side, size, self.first, tb)
            title = 22
            if tb:   # main path reads top to bottom; the aux column stands on its right
                ax, ay = (mw + 40 if main else 0), 0
            else:    # main path reads left to right; the aux row lies under it
                ax, ay = 0, (mh + 40 if main else 0)
            aux_rect = (ax + pad, ay + pad + header, sw + 16, sh + 16 + title)
            items += [(k, ax + 8 + x, ay + 8 + title + y, size[k][0], size[k][1], subs.get(k),
                       True) for k, (x, y) in side_pos.items()]
            mw = max(mw, ax + sw + 16)
            mh = max(mh, ay + sh + 16 + title)
        items = [(k, x + pad, y + pad + header, w, h, sub, a)
                 for k, x, y, w, h, sub, a in items]
        width = mw + 2 * pad
        if scope != ROOT:  # wide enough for the header "▾ name/ · 123 ops · aux: gradients"
            width = max(width, 7.3 * (len(scope.rsplit("/", 1)[-1]) + 34))
            dx = (width - mw - 2 * pad) / 2
            items = [(k, x + dx, y, w, h, sub, a) for k, x, y, w, h, sub, a in items]
            if aux_rect is not None:
                aux_rect = (aux_rect[0] + dx,) + aux_rect[1:]
        result = Box(scope, width, mh + 2 * pad + header, items, aux_rect, header)
        self._cache[key] = result
        return result


# -- layered placement -------------------------------------------------------------------
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


# Gaps in pixels: between layers, and between neighbours inside a layer.
_TB_GAPS, _LR_GAPS = (56, 22), (70, 16)
_MAX_PER_LAYER = 14  # a wider layer wraps, so a row of 100 sources stays on screen


def _place_layered(keys, edges, size, first, tb, ghosts=()):
    """Positions ``{key: (x, y)}`` (top-left corners) and the extent of a layered layout.

    Layers from ``topological_generations`` (of the condensation if closed scopes
    made a cycle), order inside a layer by barycenters, then each layer is a row
    (``tb``) or a column of boxes of their own sizes, centred on the widest.
    ``ghosts`` (the set-aside children) take part in the layering but are not
    placed: the optimizer still comes after the loss when the gradients between
    them stand in the side column.
    """
    if not keys:
        return {}, 0, 0
    G = nx.DiGraph()
    G.add_nodes_from(keys)
    G.add_nodes_from(ghosts)
    keyset = set(keys) | set(ghosts)
    G.add_edges_from((u, v) for (u, v) in edges if u in keyset and v in keyset)
    layer = _layers(G)
    ordered = _ordered_layers(G, layer, lambda n: first[n])
    ghosts = set(ghosts)
    rows = []
    for nodes in ordered.values():
        nodes = [n for n in nodes if n not in ghosts]
        for i in range(0, len(nodes), _MAX_PER_LAYER):
            rows.append(nodes[i:i + _MAX_PER_LAYER])
    layer_gap, slot_gap = _TB_GAPS if tb else _LR_GAPS
    along = 0 if tb else 1   # the axis nodes of one layer are spread along
    extents = []
    for row in rows:
        length = sum(size[n][along] for n in row) + slot_gap * (len(row) - 1)
        thick = max(size[n][1 - along] for n in row)
        extents.append((length, thick))
    span = max(e[0] for e in extents)
    pos, depth = {}, 0
    for row, (length, thick) in zip(rows, extents):
        cursor = (span - length) / 2
        for n in row:
            # Centre each box across its layer's thickness.
            across = depth + (thick - size[n][1 - along]) / 2
            pos[n] = (cursor, across) if tb else (across, cursor)
            cursor += size[n][along] + slot_gap
        depth += thick + layer_gap
    depth -= layer_gap
    return pos, (span, depth)[0 if tb else 1], (depth, span)[0 if tb else 1]


def _place_column(keys, size, first, tb):
    """The auxiliary area: boxes stacked in creation order, a column (``tb``) or a row."""
    keys = sorted(keys, key=lambda k: first[k])
    gap, pos, cursor = 14, {}, 0
    thick = max(size[k][0 if tb else 1] for k in keys)
    for k in keys:
        pos[k] = (0, cursor) if tb else (cursor, 0)
        cursor += size[k][1 if tb else 0] + gap
    cursor -= gap
    return pos, (thick if tb else cursor), (cursor if tb else thick)
