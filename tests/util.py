"""Small helpers shared by tests: servers, kernel-call counts, sparse gradients as arrays."""
import collections
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np

from minitf.framework import op_registry
from minitf.framework.indexed_slices import IndexedSlicesValue

# Real TensorFlow (tf.compat.v1) for cross-checks, where a machine has it: the
# benchmark oracle that shared/bench/setup_oracle.sh installs.  Tests that need
# it skip without it; the formats are also pinned by golden-byte tests.
TF_ORACLE = os.environ.get("MINITF_TF_PYTHON",
                           os.path.expanduser("~/.cache/tf-oracle/bin/python"))
HAVE_TF_ORACLE = os.path.isfile(TF_ORACLE)


def dense_value(value):
    """A fetched value as an array: an IndexedSlicesValue's rows added up (duplicates add)."""
    if not isinstance(value, IndexedSlicesValue):
        return value
    dense = np.zeros(value.dense_shape, value.values.dtype)
    np.add.at(dense, value.indices, value.values)
    return dense


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count_kernel_calls(monkeypatch, op_types):
    """Wrap the kernels of ``op_types``; returns a Counter of calls per op type."""
    calls = collections.Counter()
    for op_type in op_types:
        opdef = op_registry.get(op_type)

        def counting(ctx, *args, _kernel=opdef.kernel, _type=op_type):
            calls[_type] += 1
            return _kernel(ctx, *args)
        monkeypatch.setattr(opdef, "kernel", counting)
    return calls


class OpRecorder:
    """Context manager: wraps every registered kernel and gradient function and
    records the op types whose kernel ran (``executed``) and whose gradient
    function was called (``differentiated``); restores them on exit."""

    def __enter__(self):
        self.executed, self.differentiated = set(), set()
        self._saved = []
        for op_type in op_registry.registered_types():
            opdef = op_registry.get(op_type)
            self._saved.append((opdef, opdef.kernel, opdef.grad))
            opdef.kernel = self._wrap(opdef.kernel, self.executed, op_type)
            if callable(opdef.grad):
                opdef.grad = self._wrap(opdef.grad, self.differentiated, op_type)
        return self

    @staticmethod
    def _wrap(fn, seen, op_type):
        def recording(*args):
            seen.add(op_type)
            return fn(*args)
        return recording

    def __exit__(self, *exc):
        for opdef, kernel, grad in self._saved:
            opdef.kernel, opdef.grad = kernel, grad
        return False


def bitwise_crc32c(data):
    """Reference CRC32C from its definition (reflected, polynomial 0x82F63B78),
    independent of minitf.io.crc32c."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 * (crc & 1))
    return crc ^ 0xFFFFFFFF


def masked_crc(data):
    """TFRecord's masked CRC32C of ``data``, computed from the FORMATS.md formula."""
    crc = bitwise_crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def http_get(url, timeout=10):
    """The body of a GET on ``url`` (bytes)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def http_get_json(url, timeout=10):
    return json.loads(http_get(url, timeout).decode("utf-8"))


TENSORBOARD = os.path.join(os.path.dirname(sys.executable), "tensorboard")


@contextlib.contextmanager
def tensorboard_server(logdir, plugins, log_path, wait_s=60):
    """A real ``tensorboard`` on 127.0.0.1 serving ``logdir``; yields its base URL once
    every plugin in ``plugins`` is active, and stops it afterwards."""
    base = "http://127.0.0.1:%d" % free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [TENSORBOARD, "--logdir", str(logdir), "--host", "127.0.0.1",
             "--port", base.rsplit(":", 1)[1], "--reload_interval", "1"],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            enabled = set()
            deadline = time.monotonic() + wait_s
            while time.monotonic() < deadline and not set(plugins) <= enabled:
                assert server.poll() is None, open(log_path).read()
                try:
                    listing = http_get_json(base + "/data/plugins_listing", timeout=5)
                    enabled = {name for name, info in listing.items() if info.get("enabled")}
                except OSError:
                    pass  # not listening yet
                time.sleep(0.5)
            assert set(plugins) <= enabled, (enabled, open(log_path).read())
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
