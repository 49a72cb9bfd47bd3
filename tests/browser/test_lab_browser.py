"""JupyterLab in headless Chromium: lecture 01 runs top to bottom and its graph widget renders.

Starts JupyterLab from this interpreter on 127.0.0.1 (random free port, random
token, throw-away Jupyter config/runtime dirs), then drives Debian's
/usr/bin/chromium through the playwright package -- never `playwright install`.
Outside CI the test skips when /usr/bin/chromium is missing; with $CI set it
fails instead (.ci/run installs chromium first).  Screenshots go to
tests/browser/artifacts/ (gitignored).
"""
import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from tests.util import free_port

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LECTURE = "lectures/01_graphs_and_sessions.ipynb"
RUN_ALL_TIMEOUT_S = 600

# JupyterLab settings for the throw-away config dir: no autosave (the committed lecture
# must stay output-free), no news/update toasts, and every cell kept in the DOM (no
# virtual scrolling) so the test sees all outputs.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _require_chromium():
    if os.path.exists(CHROMIUM):
        return
    if "CI" in os.environ:
        pytest.fail("%s is missing but CI is set: .ci/run must install Debian's chromium"
                    % CHROMIUM)
    pytest.skip("%s not installed (apt-get install chromium); CI unset" % CHROMIUM)


class LabServer:
    """A JupyterLab server process rooted at ``root``, with its own config and runtime dirs."""

    def __init__(self, root, scratch):
        self.root = Path(root)
        self.token = secrets.token_urlsafe(24)
        self.port = free_port()
        config = Path(scratch) / "jupyter-config"
        for rel, value in LAB_SETTINGS.items():
            path = config / "lab" / "user-settings" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config),
                   JUPYTER_RUNTIME_DIR=str(Path(scratch) / "jupyter-runtime"),
                   IPYTHONDIR=str(Path(scratch) / "ipython"), PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port=%d" % self.port,
               "--ServerApp.port_retries=0", "--IdentityProvider.token=%s" % self.token,
               "--ServerApp.root_dir=%s" % self.root]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log_path = Path(scratch) / "jupyterlab.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def url(self, path):
        return "http://127.0.0.1:%d/%s?token=%s" % (self.port, path.lstrip("/"), self.token)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("JupyterLab exited with %s:\n%s" % (
                    self.proc.returncode, self.log_tail()))
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5) as r:
                    if r.status == 200:
                        return json.loads(r.read())
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError("JupyterLab did not answer /api/status in %d s:\n%s" % (
            timeout, self.log_tail()))

    def api(self, path):
        with urllib.request.urlopen(self.url("api/" + path), timeout=10) as r:
            return json.loads(r.read())

    def kernel_connected(self, notebook):
        """Whether ``notebook`` has a kernel that is idle and has a browser connected."""
        for sess in self.api("sessions"):
            kernel = sess.get("kernel") or {}
            if (sess.get("path") == notebook and kernel.get("connections", 0) >= 1
                    and kernel.get("execution_state") == "idle"):
                return True
        return False

    def log_tail(self, n=40):
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # jupyter shuts its kernels down on SIGTERM
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)  # our own session: the server and its kernels
                self.proc.wait(timeout=10)
        self._log.close()


@contextlib.contextmanager
def lab_server(root, scratch):
    server = LabServer(root, scratch)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# -- driving the notebook ---------------------------------------------------------------------

_CELL_STATE_JS = """() => Array.from(
        document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map(c => {
    const p = c.querySelector('.jp-InputArea-prompt');
    const src = c.querySelector('.jp-InputArea-editor .cm-content');
    return {prompt: p ? p.textContent.trim() : '', empty: !src || !src.textContent.trim()};
})"""

_ERRORS_JS = """() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    .map(e => e.textContent).filter(t => t.includes('Traceback'))"""


def open_notebook(page, server, path):
    page.goto(server.url("lab/tree/" + path), wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    # The toolbar says "idle" for a moment before the session even starts, so first ask
    # the server that the notebook's kernel is up with this page connected to it.
    deadline = time.monotonic() + 120
    while not server.kernel_connected(path):
        if time.monotonic() > deadline:
            raise AssertionError("no kernel connected for %s after 120 s: %s" % (
                path, server.api("sessions")))
        time.sleep(0.5)
    wait_kernel_idle(page, timeout=120)


_KERNEL_IDLE_JS = """() => {
    const s = Array.from(document.querySelectorAll('.jp-Notebook-ExecutionIndicator'));
    return s.length > 0 && s.every(e => e.dataset.status === 'idle');
}"""


def wait_kernel_idle(page, timeout):
    """Wait until the kernel is connected and idle (every execution indicator says so)."""
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=timeout * 1000)


def menu_command(page, menu, commands):
    """Click menu-bar entry ``menu`` then the item running one of ``commands``."""
    page.locator(".lm-MenuBar-item", has_text=re.compile("^%s$" % menu)).first.click()
    page.locator(",".join('.lm-Menu-item[data-command="%s"]' % c for c in commands)).first.click()


def _ran(cell):
    return re.fullmatch(r"\[\d+\]:", cell["prompt"]) is not None


def run_all_cells(page, timeout=RUN_ALL_TIMEOUT_S):
    """Run > Run All Cells from the menu bar, then wait until every code cell has run."""
    if any(_ran(c) for c in page.evaluate(_CELL_STATE_JS)):
        # Saved execution counts would look finished before anything ran: clear them.
        menu_command(page, "Edit", ["editmenu:clear-all", "notebook:clear-all-cell-outputs"])
        page.wait_for_function("() => !Array.from(document.querySelectorAll("
                               "'.jp-Notebook .jp-CodeCell .jp-InputArea-prompt'))"
                               ".some(p => /\\[\\d+\\]/.test(p.textContent))",
                               timeout=30_000)
    menu_command(page, "Run", ["runmenu:run-all", "notebook:run-all-cells"])
    deadline = time.monotonic() + timeout
    state = []
    while time.monotonic() < deadline:
        state = page.evaluate(_CELL_STATE_JS)
        done = all(_ran(c) for c in state if not c["empty"])
        if state and done and page.evaluate(_KERNEL_IDLE_JS):
            return state
        if page.evaluate(_ERRORS_JS):  # Run All stops at the first error
            return state
        time.sleep(0.5)
    raise AssertionError("cells still running after %d s: %s" % (
        timeout, [c["prompt"] for c in state]))


def assert_graph_widget_rendered(page, shot):
    try:
        errors = page.evaluate(_ERRORS_JS)
        assert not errors, "cell error output:\n" + "\n---\n".join(e[-2000:] for e in errors)
        svg = page.locator(".jp-OutputArea-output svg.minitf-graph").first
        svg.wait_for(state="attached", timeout=60_000)
        svg.scroll_into_view_if_needed()
        svg.wait_for(state="visible", timeout=30_000)
        box = svg.bounding_box()
        assert box and box["width"] > 10 and box["height"] > 10, box
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / shot))


def _scratch_notebook(path):
    """A one-cell notebook that displays an ipywidgets.HTML holding an svg.minitf-graph."""
    source = ("import ipywidgets as widgets\n"
              "svg = ('<svg class=\"minitf-graph\" width=\"240\" height=\"80\">'\n"
              "       '<rect x=\"10\" y=\"10\" width=\"80\" height=\"40\" fill=\"#9cf\"/>'\n"
              "       '<text x=\"20\" y=\"35\">Add</text></svg>')\n"
              "widgets.HTML(svg)")
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# scratch"},
                    {"cell_type": "code", "execution_count": None, "metadata": {},
                     "outputs": [], "source": source}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))


# -- tests ------------------------------------------------------------------------------------

def test_harness_renders_a_widget_svg(browser, tmp_path):
    """The harness itself: a widget's svg.minitf-graph shows up after Run All."""
    root = tmp_path / "root"
    root.mkdir()
    _scratch_notebook(root / "scratch.ipynb")
    with lab_server(root, tmp_path) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            open_notebook(page, server, "scratch.ipynb")
            run_all_cells(page, timeout=180)
            assert_graph_widget_rendered(page, "harness.png")
        finally:
            page.close()


def test_lecture01_runs_and_renders_graph_widget(browser, tmp_path):
    assert (REPO / LECTURE).exists(), "%s is missing" % LECTURE
    with lab_server(REPO, tmp_path) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            open_notebook(page, server, LECTURE)
            run_all_cells(page)
            assert_graph_widget_rendered(page, "lecture01.png")
        except Exception as e:
            raise AssertionError("%s\n--- JupyterLab log ---\n%s" % (e, server.log_tail())) \
                from e
        finally:
            page.close()


def test_lecture03_trains_with_a_live_training_monitor(browser, tmp_path):
    """Lecture 03 runs in JupyterLab; its TrainingMonitor shows a filled progress bar and
    a rendered curve image."""
    lecture = "lectures/03_linear_and_logistic_regression.ipynb"
    with lab_server(REPO, tmp_path) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            open_notebook(page, server, lecture)
            run_all_cells(page)
            errors = page.evaluate(_ERRORS_JS)
            assert not errors, "cell error output:\n" + "\n---\n".join(e[-2000:] for e in errors)
            monitors = page.locator(".jp-OutputArea-output .minitf-training-monitor")
            monitors.first.wait_for(state="attached", timeout=60_000)
            found = page.evaluate("""() => Array.from(document.querySelectorAll(
                    '.jp-OutputArea-output .minitf-training-monitor')).map(m => {
                const img = m.querySelector('img');
                const bar = m.querySelector('.progress-bar');
                return {image: img ? [img.naturalWidth, img.naturalHeight] : null,
                        bar: bar && bar.offsetParent ? bar.style.width : null};
            })""")
            live = [m for m in found if m["bar"]]  # from_logdir monitors hide the bar
            assert live, found  # the training loop's monitor shows its progress
            assert all(m["bar"] == "100%" for m in live), found
            # Every monitor's curves are a decoded PNG, not a broken image.
            assert all(m["image"] and m["image"][0] > 100 and m["image"][1] > 50
                       for m in found), found
        except Exception as e:
            raise AssertionError("%s\n--- JupyterLab log ---\n%s" % (e, server.log_tail())) \
                from e
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "lecture03.png"))
            page.close()
