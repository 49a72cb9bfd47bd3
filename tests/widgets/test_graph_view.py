"""GraphView: which ops it draws, how it colours them, what it says about the latest run."""
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

import minitf as tf
from minitf.widgets import GraphView, graph_view, op_kind, show_graph, subgraph_ops

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def build_model():
    """A small model with a variable, a placeholder, constants, a control edge and junk."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    W = tf.Variable(tf.ones([3, 2]), name="W")
    with tf.name_scope("model"):
        y = tf.matmul(x, W, name="y")
        with tf.control_dependencies([tf.no_op(name="before")]):
            loss = tf.reduce_sum(y * 2.0, name="loss")
    unused = tf.add(tf.constant(1.0, name="c1"), tf.constant(2.0, name="c2"), name="unused")
    init = tf.global_variables_initializer()
    return dict(x=x, W=W, y=y, loss=loss, unused=unused, init=init)


def ancestors(fetches):
    """Independent reference: walk inputs and control inputs breadth first."""
    frontier = [f.op if isinstance(f, tf.Tensor) else f for f in fetches]
    seen = set()
    while frontier:
        nxt = []
        for op in frontier:
            if op.name in seen:
                continue
            seen.add(op.name)
            nxt += [t.op for t in op.inputs] + list(op.control_inputs)
        frontier = nxt
    return seen


def nodes(view):
    root = ET.fromstring(view.svg)  # the SVG must be well-formed XML
    return {g.get("data-name"): g for g in root.iter(SVG + "g")
            if "node" in g.get("class", "").split()}


def classes(g):
    return set(g.get("class").split())


def test_widgets_are_not_imported_by_minitf():
    code = "import sys, minitf; print('minitf.widgets' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_svg_root_class_and_one_group_per_node():
    m = build_model()
    view = GraphView(tf.get_default_graph())
    root = ET.fromstring(view.svg)
    assert root.tag == SVG + "svg" and root.get("class") == "minitf-graph"
    names = [g.get("data-name") for g in root.iter(SVG + "g")
             if "node" in g.get("class", "").split()]
    all_ops = [op.name for op in tf.get_default_graph().get_operations()]
    assert sorted(names) == sorted(all_ops)
    assert view.svg.count('<g class="node ') == len(all_ops)
    assert m["loss"].op in view.ops


@pytest.mark.parametrize("fetch", ["loss", "y", "unused", "init", "loss+unused"])
def test_subgraph_is_exactly_the_fetch_ancestors(fetch):
    m = build_model()
    fetches = [m[k] for k in fetch.split("+")]
    view = GraphView(fetches if len(fetches) > 1 else fetches[0])
    expected = ancestors(fetches)
    assert {op.name for op in view.ops} == expected
    assert set(nodes(view)) == expected
    assert {op.name for op in subgraph_ops(fetches)} == expected


def test_subgraph_of_a_variable_and_of_a_name():
    m = build_model()
    assert {op.name for op in GraphView(m["W"]).ops} == {"W", "W/read"}
    assert {op.name for op in GraphView("model/loss").ops} == ancestors([m["loss"]])


def test_kinds_and_colours():
    build_model()
    view = GraphView()
    expected = {"x": "placeholder", "W": "variable", "W/Assign": "variable",
                "W/read": "variable", "c1": "constant", "model/loss": "compute",
                "model/y": "compute", "unused": "compute", "init": "compute"}
    drawn = nodes(view)
    for name, kind in expected.items():
        assert view.kinds[name] == kind
        assert op_kind(tf.get_default_graph().get_operation_by_name(name)) == kind
        assert "kind-" + kind in classes(drawn[name])
        rect = next(r for r in drawn[name].iter(SVG + "rect") if r.get("class") == "box")
        assert rect.get("fill") == graph_view.COLORS[kind][0]
    legend = next(g for g in ET.fromstring(view.svg).iter(SVG + "g") if g.get("class") == "legend")
    text = " ".join(t.text for t in legend.iter(SVG + "text"))
    for kind in graph_view.KINDS:
        assert kind in text


def test_executed_ops_are_exactly_the_last_plan():
    m = build_model()
    sess = tf.Session()
    view = GraphView(session=sess)
    assert not any({"executed", "not-run"} & classes(g) for g in nodes(view).values())

    sess.run(m["init"])
    value = sess.run(m["loss"], {m["x"]: np.ones((2, 3), np.float32)})
    view.refresh()
    ran = {op.name for op in sess.last_plan.ops}
    drawn = nodes(view)
    assert {n for n, g in drawn.items() if "executed" in classes(g)} == ran == view.executed
    assert "unused" not in ran and "W/Assign" not in ran
    assert "fed" in classes(drawn["x"]) and view.fed == {"x"}
    for name, g in drawn.items():
        if name not in ran and name != "x":
            assert "not-run" in classes(g) and float(g.get("opacity")) < 1
    assert value == pytest.approx(2.0 * 3 * 2 * 2)

    # Another run of a different fetch: refresh() follows it.
    sess.run(m["unused"])
    view.refresh()
    assert {n for n, g in nodes(view).items() if "executed" in classes(g)} == {"c1", "c2",
                                                                               "unused"}


def test_show_only_executed_checkbox():
    m = build_model()
    sess = tf.Session()
    sess.run(m["init"])
    sess.run(m["loss"], {m["x"]: np.ones((1, 3), np.float32)})
    view = GraphView(session=sess)
    view.only_executed.value = True
    assert set(nodes(view)) == {op.name for op in sess.last_plan.ops} | {"x"}
    view.only_executed.value = False
    assert len(nodes(view)) == len(tf.get_default_graph().get_operations())


def test_details_panel_shows_the_fetched_value():
    m = build_model()
    with tf.Session() as sess:
        sess.run(m["init"])
        feed = np.arange(6, dtype=np.float32).reshape(2, 3)
        y = sess.run(m["y"], {m["x"]: feed})
        view = GraphView(m["loss"])  # picks up the default session
    assert view.session is sess
    view.select("model/y")
    text = view.details.value
    assert np.array2string(y, threshold=60, edgeitems=3, precision=5, max_line_width=72) in text
    assert "MatMul" in text and "float32" in text and "(?, 2)" in text and "x:0" in text
    assert "executed" in text
    assert "selected" in classes(nodes(view)["model/y"])
    # The dropdown drives the same panel.
    view.dropdown.value = "model/loss"
    assert view.selected == "model/loss" and "no value from the latest run" in view.details.value
    assert "did <b>not</b> run" in view.details.value


def test_details_panel_device_and_dropdown_filter():
    with tf.device("/cpu:0"):
        a = tf.constant(3.0, name="a")
    b = tf.multiply(a, 2.0, name="b")
    view = GraphView()
    view.select(a)
    assert "/device:CPU:0" in view.details.value
    view.search.value = "B"  # case-insensitive substring filter
    names = [v for _, v in view.dropdown.options]
    assert "b" in names and "a" not in names and all("b" in n for n in names)
    view.search.value = ""
    assert len(view.dropdown.options) == len(tf.get_default_graph().get_operations())
    assert b.op in view.ops


def test_layout_positions_come_from_networkx(monkeypatch):
    m = build_model()
    calls = []
    real = nx.multipartite_layout

    def spy(G, *args, **kwargs):
        pos = real(G, *args, **kwargs)
        calls.append(pos)
        return pos

    monkeypatch.setattr(nx, "multipartite_layout", spy)
    view = GraphView(m["loss"])
    assert calls and view.positions is calls[-1]
    G = view.nx_graph
    assert set(G) == {op.name for op in view.ops}
    for u, v in G.edges:  # every edge goes to a later layer, left to right
        assert G.nodes[u]["layer"] < G.nodes[v]["layer"]
        assert view.positions[u][0] < view.positions[v][0]
    # Pixel positions are an increasing function of networkx's positions.
    drawn = nodes(view)

    def pixel(name):
        tr = drawn[name].get("transform")
        return tuple(float(s) for s in tr[len("translate("):-1].split(","))

    names = list(G)
    for a in names:
        for b in names:
            for axis in (0, 1):
                if view.positions[a][axis] < view.positions[b][axis] - 1e-9:
                    assert pixel(a)[axis] < pixel(b)[axis]


def test_top_to_bottom_direction():
    m = build_model()
    view = GraphView(m["loss"], direction="TB")
    for u, v in view.nx_graph.edges:
        assert view.positions[u][1] < view.positions[v][1]
    with pytest.raises(ValueError):
        GraphView(m["loss"], direction="diagonal")


def test_edges_have_tooltips_and_control_edges_are_dashed():
    build_model()
    root = ET.fromstring(GraphView().svg)
    edges = [g for g in root.iter(SVG + "g") if "edge" in g.get("class", "").split()]
    titles = [g.find(SVG + "title").text for g in edges]
    assert any("model/y:0 \u2192 model/mul: float32 (?, 2)" in t for t in titles)
    control = [g for g in edges if "control" in g.get("class").split()]
    assert control and all(g.find(SVG + "path").get("stroke-dasharray") for g in control)
    assert any("model/before runs before model/loss" in g.find(SVG + "title").text
               for g in control)


def test_collapse_scopes_groups_top_level_scopes():
    m = build_model()
    sess = tf.Session()
    sess.run(m["init"])
    sess.run(m["loss"], {m["x"]: np.ones((1, 3), np.float32)})
    view = GraphView(m["loss"], session=sess, collapse_scopes=True)
    assert set(view.nx_graph) == {"x", "W", "model"}
    members = {op.name for op in view.nx_graph.nodes["model"]["members"]}
    assert members == {n for n in ancestors([m["loss"]]) if n.startswith("model/")}
    drawn = nodes(view)
    assert "executed" in classes(drawn["model"]) and "kind-variable" in classes(drawn["W"])
    view.collapse.value = False
    assert set(nodes(view)) == ancestors([m["loss"]])


def test_cond_branch_ops_belong_to_the_subgraph():
    p = tf.placeholder(tf.bool, [], name="p")
    a = tf.constant(2.0, name="a")
    out = tf.cond(p, lambda: tf.multiply(a, 3.0, name="yes"),
                  lambda: tf.add(a, 1.0, name="no"))
    sess = tf.Session()
    assert sess.run(out, {p: True}) == 6.0
    view = GraphView(out, session=sess)
    names = {op.name for op in view.ops}
    assert any(n.endswith("yes") for n in names) and any(n.endswith("no") for n in names)
    ran = [n for n in view.executed if n.endswith("yes") or n.endswith("no")]
    assert len(ran) == 1 and ran[0].endswith("yes")
    assert {op.name for op in sess.last_plan.ops} <= view.executed


def test_errors_and_empty_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1)
    with pytest.raises(ValueError, match="different graph"):
        GraphView(c, session=tf.Session())
    with pytest.raises(TypeError):
        GraphView(42)
    empty = GraphView(tf.Graph())
    assert 'class="minitf-graph"' in empty.svg and empty.ops == []


def test_show_graph_displays(monkeypatch):
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    a = tf.constant(1.0)
    assert show_graph(a) is None
    assert isinstance(shown[0], GraphView) and shown[0].ops == [a.op]


def test_fetches_from_two_graphs_are_rejected():
    a = tf.constant(1.0)
    with tf.Graph().as_default():
        b = tf.constant(2.0)
    with pytest.raises(ValueError, match="more than one graph"):
        GraphView([a, b])
