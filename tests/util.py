"""Small helpers shared by tests that start servers or count kernel calls."""
import collections
import os
import socket

from minitf.framework import op_registry

# Real TensorFlow (tf.compat.v1) for cross-checks, where a machine has it: the
# benchmark oracle that shared/bench/setup_oracle.sh installs.  Tests that need
# it skip without it; the formats are also pinned by golden-byte tests.
TF_ORACLE = os.environ.get("MINITF_TF_PYTHON",
                           os.path.expanduser("~/.cache/tf-oracle/bin/python"))
HAVE_TF_ORACLE = os.path.isfile(TF_ORACLE)


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
