"""minitf: a TensorFlow 1.x engine in numpy and numba.

``import minitf as tf`` and TF 1.x graph-and-session code runs.  This module
only re-exports the public API; the engine lives in ``framework/`` and ``ops/``.
"""
from minitf import errors, python_io, summary  # noqa: F401
from minitf import app, compat, contrib, flags, gfile, logging  # noqa: F401
from minitf.compat import (disable_eager_execution, disable_resource_variables,  # noqa: F401
                           disable_v2_behavior, enable_v2_behavior, executing_eagerly)
from minitf.framework.dtypes import (DType, as_dtype, bool, double, float16, float32,  # noqa: A004
                                     float64, half, int8, int16, int32, int64, string, uint8)
from minitf.ops.gradients_impl import gradients
from minitf.framework.graph import (Graph, GraphKeys, Operation, Tensor, add_to_collection,
                                    add_to_collections, colocate_with, control_dependencies,
                                    convert_to_tensor, device, get_collection,
                                    get_collection_ref, get_default_graph, is_tensor,
                                    name_scope, register_tensor_conversion_function,
                                    reset_default_graph)
from minitf.framework.config import (ConfigProto, GPUOptions, GraphOptions,  # noqa: F401
                                     OptimizerOptions, RunMetadata, RunOptions)
from minitf.framework.graph import get_default_session
from minitf.framework.session import InteractiveSession, Session
from minitf.framework.tensor_shape import Dimension, TensorShape
from minitf.framework.indexed_slices import IndexedSlices, IndexedSlicesValue  # noqa: F401
from minitf.framework.sparse_tensor import SparseTensor, SparseTensorValue  # noqa: F401
from minitf.ops.array_ops import *  # noqa: F401,F403
from minitf.ops.control_flow_ops import *  # noqa: F401,F403
from minitf.ops.functional_ops import *  # noqa: F401,F403
from minitf.ops.math_ops import *  # noqa: F401,F403
from minitf.ops.variables import *  # noqa: F401,F403
from minitf.ops.random_ops import *  # noqa: F401,F403
from minitf.ops.init_ops import *  # noqa: F401,F403
from minitf.ops.variable_scope import *  # noqa: F401,F403
from minitf.ops.clip_ops import *  # noqa: F401,F403
from minitf.ops.scatter_ops import *  # noqa: F401,F403
from minitf.ops.partitioned_variables import *  # noqa: F401,F403
from minitf.ops.importer import import_graph_def  # noqa: F401
from minitf.ops.queue_ops import *  # noqa: F401,F403
from minitf.ops import queue_ops as queue  # noqa: F401,E402 (tf.queue.FIFOQueue ...)
from minitf.ops.parsing_ops import *  # noqa: F401,F403
from minitf.ops.sparse_ops import *  # noqa: F401,F403
from minitf.ops.io_ops import *  # noqa: F401,F403
from minitf.ops.string_parsing_ops import *  # noqa: F401,F403
from minitf.ops.string_ops import *  # noqa: F401,F403
from minitf.ops.tensor_array_ops import *  # noqa: F401,F403
from minitf import nest  # noqa: F401,E402
from minitf import initializers  # noqa: F401,E402
from minitf import train  # noqa: F401,E402
from minitf import losses, nn  # noqa: F401,E402
from minitf import layers  # noqa: F401,E402
from minitf import data  # noqa: F401,E402
from minitf import image  # noqa: F401,E402
from minitf import strings  # noqa: F401,E402

newaxis = None
__version__ = "1.15.0"
VERSION = __version__
