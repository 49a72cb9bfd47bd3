"""GraphView of a ~5,000-op training graph in JupyterLab: click scopes open, zoom, pan.

A scratch notebook builds a 104-layer MLP in name scopes with Adam (about 5,000
ops), runs one training step and shows ``GraphView(graph, session=sess)``.  In
headless Chromium the test clicks a closed scope and one inside it (each click
travels to the kernel, which redraws), closes one by its frame header, zooms
with Ctrl+wheel, pans by dragging, and keeps a screenshot in
tests/browser/artifacts/graph_view_5000.png (gitignored).

JupyterLab and Chromium are started as in test_lab_browser.py, whose helpers
this reuses.
"""
import json
import re

import pytest

from tests.browser.test_lab_browser import (  # noqa: F401  (browser is a fixture)
    _ERRORS_JS, ARTIFACTS, browser, lab_server, open_notebook, run_all_cells)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

MODEL = '''\
import numpy as np
import minitf as tf
from minitf.widgets import GraphView

x = tf.placeholder(tf.float32, [None, 16], name="x")
y_ = tf.placeholder(tf.float32, [None, 16], name="y_")
h = x
for blk in range(13):
    with tf.name_scope("block%d" % blk):
        for i in range(8):
            with tf.name_scope("layer%d" % i):
                W = tf.Variable(tf.random_normal([16, 16], stddev=0.1, seed=8 * blk + i),
                                name="W")
                b = tf.Variable(tf.zeros([16]), name="b")
                h = tf.nn.relu(tf.matmul(h, W) + b)
with tf.name_scope("loss"):
    loss = tf.reduce_mean(tf.square(h - y_))
train = tf.train.AdamOptimizer(1e-3).minimize(loss)
init = tf.global_variables_initializer()
sess = tf.Session()
sess.run(init)
sess.run(train, {x: np.ones((4, 16), np.float32), y_: np.zeros((4, 16), np.float32)})
print("ops in the graph:", len(tf.get_default_graph().get_operations()))
view = GraphView(tf.get_default_graph(), session=sess)
view'''

SVG = ".jp-OutputArea-output svg.minitf-graph"
_NODES_JS = """() => Array.from(document.querySelectorAll(
    '.jp-OutputArea-output svg.minitf-graph g.node')).map(g => g.dataset.name)"""
_SVG_STATE_JS = """() => { const s = document.querySelector(
        '.jp-OutputArea-output svg.minitf-graph');
    const c = s.closest('.minitf-gv-canvas');
    return {width: parseFloat(s.getAttribute('width')), w: parseFloat(s.dataset.w),
            zoom: parseFloat(s.dataset.zoom), scrollTop: c.scrollTop,
            scrollHeight: c.scrollHeight, clientHeight: c.clientHeight}; }"""


def _notebook(path):
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                     "outputs": [], "source": MODEL}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))


def _node(page, name):
    return page.locator('%s g.node[data-name="%s"]' % (SVG, name)).first


def _wait_node(page, name, present=True):
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll("
        "'.jp-OutputArea-output svg.minitf-graph g.node')).some(g => g.dataset.name === n) "
        "=== %s" % ("true" if present else "false"), arg=name, timeout=60_000)


def test_big_graph_opens_scopes_on_click_and_zooms(browser, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    _notebook(root / "big_graph.ipynb")
    shot = ARTIFACTS / "graph_view_5000.png"
    with lab_server(root, tmp_path) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            open_notebook(page, server, "big_graph.ipynb")
            run_all_cells(page, timeout=300)
            errors = page.evaluate(_ERRORS_JS)
            assert not errors, "cell error output:\n" + "\n---\n".join(e[-2000:] for e in errors)
            printed = page.locator(".jp-OutputArea-output", has_text="ops in the graph").first
            n_ops = int(re.search(r"ops in the graph: (\d+)", printed.inner_text()).group(1))
            assert 4500 <= n_ops <= 5500, n_ops
            page.locator(SVG).first.wait_for(state="visible", timeout=60_000)

            # Closed: one box per top-level scope, far fewer boxes than ops.
            before = set(page.evaluate(_NODES_JS))
            assert {"block0", "block12", "loss", "gradients", "Adam"} <= before, before
            assert len(before) < 40

            # A click opens block0 into its layers (a round trip through the kernel).
            _node(page, "block0").click()
            _wait_node(page, "block0/layer0")
            after = set(page.evaluate(_NODES_JS))
            assert "block0" not in after
            assert {"block0/layer%d" % i for i in range(8)} <= after
            assert page.locator('%s g.scope-frame[data-name="block0"]' % SVG).count() == 1

            # A scope inside the open one opens in turn; its frame header closes it.
            _node(page, "block0/layer3").click()
            _wait_node(page, "block0/layer3/MatMul")
            page.locator('%s g.frame-header[data-name="block0/layer3"]' % SVG).first.click()
            _wait_node(page, "block0/layer3/MatMul", present=False)
            _node(page, "block0/layer3").click()
            _wait_node(page, "block0/layer3/MatMul")

            # Ctrl+wheel zooms in the browser, around the pointer.
            start = page.evaluate(_SVG_STATE_JS)
            box = page.locator(SVG).first.bounding_box()
            page.mouse.move(box["x"] + 200, box["y"] + 200)
            page.keyboard.down("Control")
            page.mouse.wheel(0, -120)
            page.keyboard.up("Control")
            page.wait_for_function("w => parseFloat(document.querySelector("
                                   "'.jp-OutputArea-output svg.minitf-graph')"
                                   ".getAttribute('width')) > w", arg=start["width"] * 1.1)
            zoomed = page.evaluate(_SVG_STATE_JS)
            assert zoomed["zoom"] > start["zoom"]
            assert zoomed["width"] == pytest.approx(zoomed["w"] * zoomed["zoom"], abs=2)
            page.keyboard.down("Control")
            for _ in range(3):
                page.mouse.wheel(0, 120)
            page.keyboard.up("Control")
            page.wait_for_function("w => parseFloat(document.querySelector("
                                   "'.jp-OutputArea-output svg.minitf-graph')"
                                   ".getAttribute('width')) < w", arg=start["width"])
            small = page.evaluate(_SVG_STATE_JS)
            assert small["zoom"] < 1

            # The kernel heard about the zoom: the next redraw (opening loss) keeps it.
            _node(page, "loss").click()
            _wait_node(page, "loss/Mean")
            assert page.evaluate(_SVG_STATE_JS)["zoom"] == pytest.approx(small["zoom"],
                                                                         abs=1e-3)

            # Dragging the drawing pans the scrolled canvas.
            state = page.evaluate(_SVG_STATE_JS)
            if state["scrollHeight"] > state["clientHeight"] + 50:
                box = page.locator(".minitf-gv-canvas").first.bounding_box()
                svg_box = page.locator(SVG).first.bounding_box()
                # Start in the drawing's left margin, on no box (a drag is not a click).
                x = max(box["x"], svg_box["x"]) + 4
                page.mouse.move(x, box["y"] + box["height"] - 30)
                page.mouse.down()
                page.mouse.move(x, box["y"] + 40, steps=8)
                page.mouse.up()
                assert page.evaluate(_SVG_STATE_JS)["scrollTop"] > state["scrollTop"]
        except Exception as e:
            raise AssertionError("%s\n--- JupyterLab log ---\n%s" % (e, server.log_tail())) \
                from e
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            widget = page.locator(".minitf-graph-view").first
            if widget.count():
                # Show the top of the drawing: the open scopes and the aux column.
                page.evaluate("() => document.querySelectorAll('.minitf-gv-canvas')"
                              ".forEach(c => { c.scrollTop = 0; c.scrollLeft = 0; })")
                widget.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(shot))
            print("screenshot:", shot)
            page.close()
