"""``tf.summary``: summary ops and the event files TensorBoard reads.

* ops: ``scalar``, ``histogram``, ``image``, ``audio``, ``text``, ``tensor_summary``,
  ``merge`` and ``merge_all`` build string tensors holding serialized ``Summary`` protos;
* ``FileWriter`` writes them (and the graph) to an event file;
* ``Summary``, ``Event``, ``SessionLog``, ``SummaryDescription``, ``TaggedRunMetadata``
  and ``HistogramProto`` are the protocol buffer classes, loaded from tensorboard on
  first use, e.g. ``tf.summary.Summary(value=[tf.summary.Summary.Value(tag="acc",
  simple_value=0.9)])``.
"""
import sys

from minitf.summary.summary_ops import (audio, histogram, image, merge, merge_all,  # noqa: F401
                                        scalar, tensor_summary, text)
from minitf.summary.writer import FileWriter  # noqa: F401

__all__ = ["Event", "FileWriter", "HistogramProto", "SessionLog", "Summary",
           "SummaryDescription", "TaggedRunMetadata", "audio", "histogram", "image", "merge",
           "merge_all", "scalar", "tensor_summary", "text"]

# Proto classes, imported from tensorboard only when first asked for (it is slow).
_PROTOS = {"Summary": "summary_pb2", "SummaryDescription": "summary_pb2",
           "HistogramProto": "summary_pb2", "Event": "event_pb2", "SessionLog": "event_pb2",
           "TaggedRunMetadata": "event_pb2"}


def __getattr__(name):
    module = _PROTOS.get(name)
    if module is None:
        raise AttributeError("module 'minitf.summary' has no attribute '%s'" % name, name=name,
                             obj=sys.modules[__name__])
    import importlib

    return getattr(importlib.import_module("tensorboard.compat.proto." + module), name)
