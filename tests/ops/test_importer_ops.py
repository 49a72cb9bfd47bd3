"""Rows for the ops only graphs written by real TF hold (minitf.ops.importer).

``tests/framework/test_importer.py`` checks them against real TensorFlow where
the oracle is installed; these rows run them everywhere.
"""
import numpy as np
import pytest

import minitf as tf
from minitf.ops.op_util import make_op
from tests.ops.optest import Case, check_forward


# TF's shape function gives both outputs length ? (they depend on the values).
def _bcast_args(s0, s1):
    r0, r1 = make_op("BroadcastGradientArgs", [s0, s1], [tf.int32, tf.int32],
                     attrs={"T": tf.int32}).outputs
    return tf.concat([r0, [-1], r1], 0)  # both reductions in one row, split at -1


def _bcast_ref(s0, s1):
    """TF's BCast reduction axes: none for equal shapes, else the axes where a
    left-padded shape is 1 (the other's size there may be 1 too)."""
    n = max(len(s0), len(s1))
    p0, p1 = [1] * (n - len(s0)) + list(s0), [1] * (n - len(s1)) + list(s1)
    if p0 == p1:
        return np.array([-1], np.int32)
    r0 = [i for i in range(n) if p0[i] == 1]
    r1 = [i for i in range(n) if p1[i] == 1]
    return np.array(r0 + [-1] + r1, np.int32)


def _prevent(x):
    return make_op("PreventGradient", [x], [x.dtype], attrs={"message": "m", "T": x.dtype}
                   ).outputs[0]


CASES = [
    Case("BroadcastGradientArgs", _bcast_args, _bcast_ref,
         [np.array([2, 3, 5], np.int32), np.array([1], np.int32)], id="bcast-scalar-like",
         static_shape=False),
    Case("BroadcastGradientArgs", _bcast_args, _bcast_ref,
         [np.array([4, 1, 3], np.int32), np.array([2, 1], np.int32)], id="bcast-both",
         static_shape=False),
    Case("BroadcastGradientArgs", _bcast_args, _bcast_ref,
         [np.array([2, 3], np.int32), np.array([2, 3], np.int32)], id="bcast-equal",
         static_shape=False),
    Case("PreventGradient", _prevent, lambda x: x, [np.array([1.0, -2.0])], grad=False),
]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)
