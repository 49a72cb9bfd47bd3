"""The array ops of TF 1.x's ``array_ops`` module, gathered from their family modules.

Each op lives in one family module (constants, shapes, fills, slicing,
transforms, gathers, selection, matrix diagonals); this module re-exports them
under TF's module name, so ``array_ops.reshape`` and ``tf.reshape`` keep working.
"""
from minitf.ops.constant_ops import (constant, identity, identity_n, placeholder,
                                     placeholder_with_default, stop_gradient)  # noqa: F401
from minitf.ops.shape_ops import (broadcast_dynamic_shape, broadcast_static_shape, broadcast_to,
                                  expand_dims, parallel_stack, rank, reshape, shape, shape_n,
                                  size, squeeze, stack, unstack)  # noqa: F401
from minitf.ops.fill_ops import fill, ones, ones_like, zeros, zeros_like  # noqa: F401
from minitf.ops.slicing_ops import (concat, concat_offset, mirror_pad_grad, pad, slice, split,
                                    strided_slice, strided_slice_grad)  # noqa: F401
from minitf.ops.transform_ops import (invert_permutation, matrix_transpose, meshgrid, reverse,
                                      reverse_sequence, reverse_v2, tile, transpose)  # noqa: F401
from minitf.ops.gather_ops import (gather, gather_nd, scatter_nd, segment_sum,
                                   unsorted_segment_sum)  # noqa: F401
from minitf.ops.selection_ops import (boolean_mask, one_hot, sequence_mask, setdiff1d, unique,
                                      unique_with_counts, where)  # noqa: F401
from minitf.ops.data_flow_ops import (dynamic_partition, dynamic_stitch,
                                      parallel_dynamic_stitch)  # noqa: F401
from minitf.ops.linalg_ops import (diag, diag_part, eye, matrix_band_part, matrix_diag,
                                   matrix_diag_part, matrix_set_diag)  # noqa: F401

__all__ = ["boolean_mask", "broadcast_dynamic_shape", "broadcast_static_shape",
           "broadcast_to", "concat", "constant", "diag", "diag_part", "dynamic_partition",
           "dynamic_stitch", "expand_dims", "eye", "fill", "gather", "gather_nd", "identity",
           "identity_n", "invert_permutation", "matrix_band_part", "matrix_diag",
           "matrix_diag_part", "matrix_set_diag", "matrix_transpose", "meshgrid", "one_hot",
           "ones", "ones_like", "pad", "parallel_dynamic_stitch", "parallel_stack", "placeholder",
           "placeholder_with_default", "rank", "reshape", "reverse", "reverse_sequence",
           "reverse_v2", "scatter_nd", "segment_sum", "sequence_mask", "setdiff1d", "shape",
           "shape_n", "size", "slice", "split", "squeeze", "stack", "stop_gradient",
           "strided_slice", "tile", "transpose", "unique", "unique_with_counts",
           "unsorted_segment_sum", "unstack", "where", "zeros", "zeros_like"]
