"""minitf: a TensorFlow 1.x engine in numpy and numba.

``import minitf as tf`` and TF 1.x graph-and-session code runs.  This module
only re-exports the public API; the engine lives in ``framework/`` and ``ops/``.
"""
from minitf import errors
from minitf.framework.dtypes import (DType, as_dtype, bool, double, float16, float32,  # noqa: A004
                                     float64, half, int8, int16, int32, int64, string, uint8)
from minitf.framework.gradients import gradients
from minitf.framework.graph import (Graph, GraphKeys, Operation, Tensor, add_to_collection,
                                    add_to_collections, colocate_with, control_dependencies,
                                    convert_to_tensor, device, get_collection,
                                    get_collection_ref, get_default_graph, is_tensor,
                                    name_scope, register_tensor_conversion_function,
                                    reset_default_graph)
from minitf.framework.session import (ConfigProto, GPUOptions, InteractiveSession, RunMetadata,
                                      RunOptions, Session, get_default_session)
from minitf.framework.tensor_shape import Dimension, TensorShape
from minitf.ops.array_ops import (broadcast_to, constant, fill, identity, ones, ones_like,
                                  placeholder, placeholder_with_default, rank, reshape, shape,
                                  size, stop_gradient, zeros, zeros_like)
from minitf.ops.control_flow_ops import (Assert, Print, case, cond, group, no_op, tuple,  # noqa: A004
                                         while_loop)
from minitf.ops.math_ops import (add, add_n, cast, matmul, multiply, negative, range,  # noqa: A004
                                 reduce_mean, reduce_sum, subtract, to_double, to_float,
                                 to_int32, to_int64)
from minitf.ops.variables import (Variable, all_variables, assert_variables_initialized,
                                  assign, assign_add, assign_sub, global_variables,
                                  global_variables_initializer, initialize_all_variables,
                                  initialize_variables, is_variable_initialized,
                                  local_variables, local_variables_initializer,
                                  model_variables, report_uninitialized_variables,
                                  trainable_variables, variables_initializer)

mul, sub, neg = multiply, subtract, negative
newaxis = None
__version__ = "1.15.0"
VERSION = __version__
