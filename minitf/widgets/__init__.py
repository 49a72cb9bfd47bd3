"""Notebook widgets for looking inside minitf graphs and sessions.

Import explicitly (``from minitf.widgets import GraphView``): ``import minitf``
does not load this package, because ipywidgets and networkx are slow to import.

* ``GraphView(graph_or_fetch=None, session=None)`` draws a graph, or just the
  part one fetch needs, and shows what the session's latest ``run`` executed.
  Big graphs start as closed name scopes that open on a click, with the
  auxiliary ops (init, gradients, optimizer, save) set aside.
* ``auxiliary_ops(ops)`` says which ops are such bookkeeping, and of what kind.
* ``show_graph(...)`` displays a ``GraphView`` in the current notebook cell.
* ``TrainingMonitor(total_steps, metrics)`` plots live training curves with a
  progress bar; ``TrainingMonitor.from_logdir(dir)`` compares runs' event files.
* ``EmbeddingProjector(embeddings, labels)`` draws word vectors in 2-D (PCA or t-SNE)
  and highlights a searched or clicked word's nearest neighbours (cosine); its pure
  parts are ``pca_2d(x)`` and ``nearest(embeddings, index, k)``.
* ``KernelExplorer(image, kernel)`` shows an image, a 3×3 or 5×5 kernel (a preset from
  ``KERNELS`` or typed in) and their convolution, run by minitf on every edit;
  ``KernelExplorer.for_convnet(sess, images, x, layers)`` a trained convnet's filters
  and feature maps for one input (a ``ConvnetExplorer``).
* ``QueueMonitor(session, coord=coord, threads=threads)`` shows an input pipeline live:
  each queue's fill level over time, enqueue and dequeue rates, and its threads.
* ``SequenceView(trace_fn, text)`` draws an RNN's gates and hidden state as unit × time-step
  heat maps under the input's characters; type another input to trace it, ``.refresh()``
  after more training, ``.beside(monitor)`` next to a ``TrainingMonitor``.
"""
from minitf.framework.session import keep_run_values
from minitf.widgets.graph_view import GraphView, op_kind, show_graph, subgraph_ops
from minitf.widgets.kernel_explorer import KERNELS, ConvnetExplorer, KernelExplorer
from minitf.widgets.projector import EmbeddingProjector, nearest, pca_2d
from minitf.widgets.queue_monitor import QueueMonitor
from minitf.widgets.scope_tree import auxiliary_ops
from minitf.widgets.sequence_view import SequenceView
from minitf.widgets.training_monitor import TrainingMonitor

# The graph widget shows the values of a session's latest run, so sessions keep them
# from the moment the widgets are loaded (a script without widgets keeps none).
keep_run_values()

__all__ = ["KERNELS", "ConvnetExplorer", "EmbeddingProjector", "GraphView", "KernelExplorer",
           "QueueMonitor", "SequenceView", "TrainingMonitor", "auxiliary_ops", "nearest",
           "op_kind", "pca_2d", "show_graph", "subgraph_ops"]
