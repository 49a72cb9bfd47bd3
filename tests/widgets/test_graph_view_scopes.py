"""GraphView on training-sized graphs: scopes that open on a click, auxiliary ops set
aside, edges between closed scopes, cached layouts, zoom.

Expected sets are derived from op names and from walking inputs (``ancestors``),
not from the widget's own tree.
"""
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import minitf as tf
from minitf.widgets import GraphView, auxiliary_ops, graph_view, scope_tree
from tests.widgets.test_graph_view import SVG, ancestors, classes, nodes


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def training_graph(layers=2, optimizer="adam"):
    """An MLP in name scopes trained by Adam (or SGD), with a summary and an initializer."""
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y_ = tf.placeholder(tf.float32, [None, 2], name="y_")
    h, width = x, 4
    for i in range(layers):
        out = 2 if i == layers - 1 else 3
        with tf.name_scope("layer%d" % i):
            W = tf.Variable(tf.random_normal([width, out], seed=1), name="W")
            b = tf.Variable(tf.zeros([out]), name="b")
            h = tf.nn.relu(tf.matmul(h, W) + b)
        width = out
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=h))
    summary = tf.summary.scalar("loss", loss)
    opt = tf.train.AdamOptimizer(0.01) if optimizer == "adam" \
        else tf.train.GradientDescentOptimizer(0.1)
    train = opt.minimize(loss, name="train" if optimizer == "sgd" else None)
    init = tf.global_variables_initializer()
    return dict(x=x, y_=y_, loss=loss, summary=summary, train=train, init=init)


def all_names():
    return {op.name for op in tf.get_default_graph().get_operations()}


def is_scope(prefix, names):
    return any(n.startswith(prefix + "/") for n in names)


def reference_visible(name, open_scopes, names):
    """The box an op is drawn in: its outermost closed enclosing scope, else itself.

    An op whose own name is also a scope (a variable ``W`` beside ``W/read``) sits
    inside that scope.
    """
    parts = name.split("/")
    for i in range(1, len(parts) + 1):
        p = "/".join(parts[:i])
        if is_scope(p, names) and p not in open_scopes:
            return p
    return name


def reference_edges(open_scopes, names):
    edges = set()
    for op in tf.get_default_graph().get_operations():
        v = reference_visible(op.name, open_scopes, names)
        for src in [t.op.name for t in op.inputs] + [c.name for c in op.control_inputs]:
            u = reference_visible(src, open_scopes, names)
            if u != v:
                edges.add((u, v))
    return edges


def dangling_reads(var_names):
    """Identity ops nothing reads whose input is one of ``var_names`` (a slot's ``read``)."""
    ops = tf.get_default_graph().get_operations()
    read = {t.op.name for op in ops for t in op.inputs} | \
        {c.name for op in ops for c in op.control_inputs}
    return {op.name for op in ops if op.type == "Identity" and op.name not in read
            and op.inputs[0].op.name in var_names}


def frames(view):
    root = ET.fromstring(view.svg)
    return {g.get("data-name"): g for g in root.iter(SVG + "g")
            if "scope-frame" in g.get("class", "").split()}


def drawn_edges(view):
    root = ET.fromstring(view.svg)
    return {(g.get("data-from"), g.get("data-to")) for g in root.iter(SVG + "g")
            if "edge" in g.get("class", "").split()}


def translate(g):
    m = re.fullmatch(r"translate\(([-\d.]+),([-\d.]+)\)", g.get("transform"))
    return float(m.group(1)), float(m.group(2))


# -- auxiliary classification -----------------------------------------------------------------
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_auxiliary_classification_on_a_training_graph(optimizer):
    m = training_graph(optimizer=optimizer)
    names = all_names()
    aux = auxiliary_ops(tf.get_default_graph().get_operations())
    forward = ancestors([m["loss"]])
    grads = {n for n in names if n.split("/")[0] == "gradients"}
    # The model's forward path is never auxiliary.
    assert not forward & set(aux)
    assert {n for n, c in aux.items() if c == "gradients"} == grads
    # What only training needs, beyond the forward path and the backward pass: the
    # optimizer's scope, slot variables, Adam's beta powers.
    expected_opt = ancestors([m["train"]]) - forward - grads
    expected_opt |= dangling_reads(expected_opt)
    assert {n for n, c in aux.items() if c == "optimizer"} == expected_opt
    assert any(n.startswith("train/" if optimizer == "sgd" else "Adam/") for n in expected_opt)
    # What only the initializer needs: initial values and the Assign ops.
    expected_init = ancestors([m["init"]]) - ancestors([m["train"], m["loss"]])
    assert {n for n, c in aux.items() if c == "init"} == expected_init
    assert "init" in expected_init and "layer0/W/Assign" in expected_init
    assert {n for n, c in aux.items() if c == "summary"} == \
        ancestors([m["summary"]]) - forward
    # Every op is either on the forward path or auxiliary.
    assert forward | set(aux) == names


def test_save_scope_and_user_assigns():
    v = tf.Variable(1.0, name="v")
    step = tf.assign(v, v + 1.0, name="step")  # the model's own update, not an initializer
    with tf.name_scope("save"):
        tf.constant("model.ckpt", name="filename")
    aux = auxiliary_ops(tf.get_default_graph().get_operations())
    assert aux["save/filename"] == "save" and aux["v/Assign"] == "init"
    assert step.op.name not in aux and "v" not in aux


def test_a_fetch_subgraph_is_classified_on_its_own():
    m = training_graph()
    view = GraphView(m["loss"])  # no optimizer, no initializer in view
    assert view.aux == {}
    # The kind of op that was asked for is not set aside: the train op's view keeps
    # the optimizer in line and sets the gradients aside.
    view = GraphView(m["train"], collapse_scopes=True)
    assert set(view.aux.values()) == {"gradients"}
    assert "aux" not in classes(nodes(view)["Adam"])
    assert "aux-gradients" in classes(nodes(view)["gradients"])
    grad_W = tf.get_default_graph().get_operation_by_name("gradients/layer0/MatMul_grad/MatMul_1")
    assert GraphView(grad_W).aux == {}


# -- opening and closing scopes --------------------------------------------------------------------
def test_scopes_open_one_level_at_a_time_and_remember_inner_state():
    training_graph()
    names = all_names()
    view = GraphView(collapse_scopes=True, direction="TB", aux_aside=False)
    top = {n.split("/")[0] for n in names}
    assert set(nodes(view)) == top and frames(view) == {}

    view.open_scope("layer0")
    inner = {"/".join(n.split("/")[:2]) for n in names if n.startswith("layer0/")}
    assert {"layer0/W", "layer0/b", "layer0/MatMul"} <= inner
    assert set(nodes(view)) == (top - {"layer0"}) | inner
    assert set(frames(view)) == {"layer0"}

    # A scope inside an open scope opens into its own children; the variable's own op
    # ``layer0/W`` is one of them.
    view.open_scope("layer0/W")
    w_kids = {"/".join(n.split("/")[:3]) for n in names if n.startswith("layer0/W/")}
    assert set(nodes(view)) == (top - {"layer0"}) | (inner - {"layer0/W"}) | w_kids | {"layer0/W"}
    assert "scope" not in classes(nodes(view)["layer0/W"])  # the VariableV2 op itself
    assert "scope" in classes(nodes(view)["layer0/W/Adam"])
    assert set(frames(view)) == {"layer0", "layer0/W"}

    view.close_scope("layer0")
    assert set(nodes(view)) == top
    view.open_scope("layer0")  # layer0/W is still open inside it
    assert "layer0/W/read" in nodes(view)
    assert view.open_scopes == {"layer0", "layer0/W"}
    with pytest.raises(KeyError):
        view.open_scope("no_such_scope")


def test_opening_a_deep_scope_opens_its_parents_and_frames_nest():
    training_graph()
    view = GraphView(collapse_scopes=True, direction="TB")
    view.open_scope("gradients/layer1")
    assert {"gradients", "gradients/layer1"} <= view.open_scopes
    fr = frames(view)
    outer, inner = (next(r for r in fr[k].iter(SVG + "rect")) for k in
                    ("gradients", "gradients/layer1"))

    def box(r):
        return [float(r.get(a)) for a in ("x", "y", "width", "height")]

    (ox, oy, ow, oh), (ix, iy, iw, ih) = box(outer), box(inner)
    assert ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh
    for name, g in nodes(view).items():
        if name.startswith("gradients/layer1/"):
            x, y = translate(g)
            assert ix <= x and iy <= y and x + 160 <= ix + iw and y + 40 <= iy + ih


def test_a_click_in_the_browser_reaches_python_through_the_bridge():
    training_graph()
    view = GraphView(collapse_scopes=True)
    # What the SVG's onclick writes: action|name|nonce (see graph_view._CLICK_JS).
    view._bridge.value = "toggle|layer1|1"
    assert "layer1" in view.open_scopes and "layer1/MatMul" in nodes(view)
    view._bridge.value = "toggle|layer1|2"  # a second click on the frame header closes it
    assert "layer1" not in view.open_scopes
    view._bridge.value = "select|x|3"
    assert view.selected == "x" and "<code>x</code>" in view.details.value
    # The drawing wires clicks: boxes carry the action, the root the handler.
    drawn = nodes(view)
    assert drawn["layer1"].get("data-act") == "toggle" and drawn["x"].get("data-act") == "select"
    root = ET.fromstring(view.svg)
    assert "minitf-gv-bridge" in root.get("onclick") and root.get("onwheel")


def test_selecting_an_op_inside_closed_scopes_reveals_it():
    training_graph()
    view = GraphView(collapse_scopes=True)
    view.select("layer1/W/read")
    assert "selected" in classes(nodes(view)["layer1/W/read"])
    assert {"layer1", "layer1/W"} <= view.open_scopes


# -- edges ------------------------------------------------------------------------------------
@pytest.mark.parametrize("opened", [(), ("layer0",), ("layer0", "layer0/W", "gradients")])
def test_edges_between_scopes_follow_the_ops(opened):
    training_graph()
    names = all_names()
    view = GraphView(collapse_scopes=True, aux_aside=False)
    for s in opened:
        view.open_scope(s)
    expected = reference_edges(set(opened), names)
    assert set(view.nx_graph.edges) == expected
    assert drawn_edges(view) == expected
    # The tooltip of a collapsed edge names the tensors it stands for.
    if not opened:
        data = view.nx_graph.edges["layer0", "layer1"]
        assert any(t.name == "layer0/Relu:0" for t, _ in data["tensors"])


def test_set_aside_ops_sit_in_a_side_column_without_lines_to_the_model():
    training_graph()
    names = all_names()
    view = GraphView(collapse_scopes=True, direction="TB")
    aux = auxiliary_ops(tf.get_default_graph().get_operations())
    drawn = nodes(view)
    aux_top = {t for t in {n.split("/")[0] for n in names}
               if all(aux.get(n) for n in names if n == t or n.startswith(t + "/"))}
    assert {"gradients", "Adam", "init", "beta1_power"} <= aux_top
    assert {n for n, g in drawn.items() if "aux" in classes(g)} == aux_top
    assert "aux-gradients" in classes(drawn["gradients"])
    # A variable of the optimizer is named by it, not by the Assign that initializes it.
    assert "aux-optimizer" in classes(drawn["beta1_power"]) and "aux-init" in classes(drawn["init"])
    main_right = max(translate(g)[0] + 160 for n, g in drawn.items() if n not in aux_top)
    assert all(translate(drawn[n])[0] > main_right for n in aux_top)
    assert not any(u in aux_top or v in aux_top for u, v in drawn_edges(view))
    # Unticked: the same boxes, in line, with their edges.
    view.aux_aside.value = False
    assert set(nodes(view)) == set(drawn)
    assert any(u in aux_top or v in aux_top for u, v in drawn_edges(view))
    assert "aux-area" not in view.svg


def test_flat_drawing_dims_auxiliary_ops():
    training_graph()
    view = GraphView(collapse_scopes=False)
    drawn = nodes(view)
    assert float(drawn["init"].get("opacity")) == graph_view.AUX_OPACITY
    assert float(drawn["layer0/MatMul"].get("opacity")) == 1.0
    view.aux_aside.value = False
    assert float(nodes(view)["init"].get("opacity")) == 1.0


# -- size, defaults, caching, zoom -------------------------------------------------------------
def test_big_graphs_start_nested_and_top_to_bottom():
    training_graph(layers=8)
    n_ops = len(tf.get_default_graph().get_operations())
    assert n_ops > graph_view.BIG_GRAPH
    view = GraphView()
    assert view.collapse.value and view.direction == "TB"
    small = tf.Graph()
    with small.as_default():
        tf.add(tf.constant(1.0), 2.0)
    view = GraphView(small)
    assert not view.collapse.value and view.direction == "LR"
    # Explicit arguments win, as lectures 01-03 pass them.
    assert GraphView(tf.get_default_graph(), collapse_scopes=False, direction="LR") \
        .direction == "LR"


def test_closed_scopes_lay_out_only_their_boxes_and_layouts_are_cached(monkeypatch):
    training_graph(layers=4)
    placed = []
    real = scope_tree._place_layered

    def spy(keys, *args, **kwargs):
        placed.append(list(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(scope_tree, "_place_layered", spy)
    view = GraphView(collapse_scopes=True, direction="TB")
    # Only the root level was laid out, with one entry per top-level box.
    assert len(placed) == 1 and len(placed[0]) < 20
    assert sum(map(len, placed)) < len(view.ops) / 10
    placed.clear()
    view.open_scope("layer2")
    assert len(placed) == 2  # layer2 itself, then the root around it
    placed.clear()
    view.close_scope("layer2")
    view.open_scope("layer2")
    view.direction = "TB"
    assert placed == []  # both states were laid out already
    assert view.timings["layout"] >= 0 and set(view.timings) == {"tree", "layout", "render"}


def test_zoom_scales_the_drawing_but_not_its_coordinates():
    training_graph()
    view = GraphView(collapse_scopes=True)
    root = ET.fromstring(view.svg)
    w, h, box = float(root.get("width")), float(root.get("height")), root.get("viewBox")
    view.zoom_in.click()
    root = ET.fromstring(view.svg)
    assert float(root.get("width")) == pytest.approx(w * graph_view.ZOOM_STEP, abs=1)
    assert float(root.get("height")) == pytest.approx(h * graph_view.ZOOM_STEP, abs=1)
    assert root.get("viewBox") == box
    view.set_zoom(100)
    assert view.zoom == graph_view.ZOOM_MAX
    # A Ctrl+wheel zoom in the browser is remembered for the next redraw.
    view._bridge.value = "zoom|0.5000|9"
    view.open_scope("layer0")
    root = ET.fromstring(view.svg)
    assert float(root.get("data-zoom")) == 0.5
    assert float(root.get("width")) == pytest.approx(float(root.get("data-w")) * 0.5, abs=1)


def test_executed_scopes_are_highlighted_after_a_training_step():
    m = training_graph()
    sess = tf.Session()
    sess.run(m["init"])
    sess.run(m["train"], {m["x"]: np.ones((2, 4), np.float32),
                          m["y_"]: np.eye(2, dtype=np.float32)})
    view = GraphView(session=sess, collapse_scopes=True)
    drawn = nodes(view)
    ran = {op.name for op in sess.last_plan.ops}
    for name, g in drawn.items():
        members = {n for n in all_names()
                   if reference_visible(n, set(), all_names()) == name}
        assert ("executed" in classes(g)) == bool(members & ran), name
    assert "executed" in classes(drawn["gradients"]) and "executed" not in classes(drawn["init"])


def test_only_executed_in_the_nested_drawing_keeps_the_ops_that_ran():
    m = training_graph()
    sess = tf.Session()
    sess.run(m["init"])
    sess.run(m["loss"], {m["x"]: np.ones((2, 4), np.float32),
                         m["y_"]: np.eye(2, dtype=np.float32)})
    view = GraphView(session=sess, collapse_scopes=True, only_executed=True)
    kept = {op.name for op in sess.last_plan.ops} | view.fed
    names = all_names()
    expected = {reference_visible(n, set(), kept) for n in kept}
    assert set(nodes(view)) == expected
    assert "gradients" not in expected and "layer0" in expected
    view.open_scope("layer0")
    assert {n for n in nodes(view) if n.startswith("layer0/")} == \
        {reference_visible(n, {"layer0"}, kept) for n in kept if n.startswith("layer0/")}
    assert len(names) > len(kept)


def test_auxiliary_areas_are_drawn_inside_their_frames():
    training_graph()
    view = GraphView(collapse_scopes=True, direction="LR")
    view.open_scope("layer0/W")
    root = ET.fromstring(view.svg)
    order = [g for g in root.iter(SVG + "g")
             if {"aux-area", "scope-frame"} & set(g.get("class", "").split())]
    kinds = [("frame:" + g.get("data-name")) if "scope-frame" in g.get("class") else "aux"
             for g in order]
    # Root's aux row, the layer0 frame, its aux area, the W frame, its aux area: each
    # area comes after (so on top of) the frame that holds it.
    assert kinds == ["aux", "frame:layer0", "aux", "frame:layer0/W", "aux"]
    w_frame = next(r for r in order[3].iter(SVG + "rect"))
    w_aux = next(r for r in order[4].iter(SVG + "rect"))
    fx, fy, fw, fh = (float(w_frame.get(a)) for a in ("x", "y", "width", "height"))
    ax, ay, aw, ah = (float(w_aux.get(a)) for a in ("x", "y", "width", "height"))
    assert fx <= ax and fy <= ay and ax + aw <= fx + fw and ay + ah <= fy + fh
