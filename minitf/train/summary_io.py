"""``SummaryWriterCache``: one FileWriter per log directory, shared by hooks.

TF's CheckpointSaverHook, SummarySaverHook and StepCounterHook all write to the same
events file of a directory through this cache (``tf.summary.FileWriterCache`` in TF; it
belongs in minitf.summary, and lives here until that package exports it).
"""
import os
import threading

__all__ = ["SummaryWriterCache"]


class SummaryWriterCache:
    """Cache of FileWriters, one per directory, each made with the default graph."""

    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def get(logdir):
        """The FileWriter for ``logdir``, created (writing the default graph) if needed."""
        from minitf.framework.graph import get_default_graph
        from minitf.summary.writer import FileWriter
        key = os.path.normpath(os.fspath(logdir))
        with SummaryWriterCache._lock:
            writer = SummaryWriterCache._cache.get(key)
            if writer is None:
                from minitf.train.saver import export_meta_graph
                graph = get_default_graph()
                writer = FileWriter(logdir, graph=graph)
                # TF's FileWriter(graph=...) writes the MetaGraph right after the graph;
                # minitf's writes only the graph, so the cache adds it (drop this once
                # FileWriter does it itself).
                writer.add_meta_graph(export_meta_graph(graph=graph))
                SummaryWriterCache._cache[key] = writer
            return writer

    @staticmethod
    def clear():
        """Close and forget every cached writer (their pending events are written)."""
        with SummaryWriterCache._lock:
            for writer in SummaryWriterCache._cache.values():
                writer.close()
            SummaryWriterCache._cache.clear()
