"""Evaluate every case under one engine and print {name: result text} as JSON.

    python run_cases.py minitf|tf
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if sys.argv[1] == "tf":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
else:
    import minitf as tf
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES  # noqa: E402


def text(v):
    """A result as plain Python data, so both engines print it the same way."""
    if isinstance(v, (list, tuple)):
        return [text(e) for e in v]
    if isinstance(v, (np.ndarray, np.generic)):
        return text(np.asarray(v).tolist())
    if isinstance(v, bytes):
        return "bytes:" + v.hex()
    return v if isinstance(v, (int, float, str, bool)) else str(v)


out = {}
for name, expr in CASES.items():
    tf.reset_default_graph()
    x_ = tf.placeholder(tf.float32, [None])
    a_, b_ = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])
    p_int, b3_ = tf.placeholder(tf.int32, [None]), tf.placeholder(tf.float32, [3])
    x_4 = tf.placeholder(tf.float32, [None] * 4)
    try:
        with tf.Session() as sess:
            out[name] = text(eval(expr))
    except Exception as e:  # the error class is part of the behaviour compared
        out[name] = "error %s" % type(e).__name__
print(json.dumps(out))
