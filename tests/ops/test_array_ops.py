"""Forward, gradient and shape checks for minitf.ops.array_ops.

The ``CASES`` table drives value-vs-numpy, static-vs-runtime shape and
gradient checks; the targeted tests below cover slicing (``tensor[...]``
against numpy for many index expressions), TF 1.x edge cases and errors.
"""
import numpy as np
import pytest

import minitf as tf
from minitf.ops import array_ops
from minitf.ops.shape_ops import sum_to_shape
from tests.ops.optest import Case, check_forward, check_gradient

rng = np.random.RandomState(7)
A23 = rng.standard_normal((2, 3)).astype(np.float32)
B23 = rng.standard_normal((2, 3)).astype(np.float32)
A234 = rng.standard_normal((2, 3, 4)).astype(np.float32)
A46 = rng.standard_normal((4, 6)).astype(np.float32)
A33 = rng.standard_normal((3, 3)).astype(np.float32)
V5 = rng.standard_normal(5).astype(np.float32)
E03 = np.zeros((0, 3), np.float32)
I23 = np.arange(6, dtype=np.int32).reshape(2, 3)
S23 = np.array([[b"a", b"b", b"c"], [b"d", b"e", b"f"]], dtype=object)
BOOL23 = np.array([[True, False, True], [False, False, True]])


def i32(*v):
    return np.array(v, dtype=np.int32)


def _ref_mirror_pad_grad(g, p, mode):
    """Adjoint of numpy's mirror pad, built column by column from basis vectors."""
    in_shape = tuple(d - a - b for d, (a, b) in zip(g.shape, p))
    out = np.zeros(in_shape, g.dtype)
    for k in np.ndindex(*in_shape):
        e = np.zeros(in_shape)
        e[k] = 1
        out[k] = np.sum(np.pad(e, p, mode) * g)
    return out


def _ref_unique(x):
    _, first = np.unique(x, return_index=True)
    return x[np.sort(first)]


def _ref_unique_idx(x):
    y = list(_ref_unique(x))
    return np.array([y.index(v) for v in x], dtype=np.int32)


def _ref_reverse_sequence(x, lengths, seq_axis, batch_axis):
    out = np.array(x)
    for b, n in enumerate(lengths):
        src = np.take(x, b, axis=batch_axis)
        dst = np.take(out, b, axis=batch_axis)
        ax = seq_axis - (1 if batch_axis < seq_axis else 0)
        idx = [slice(None)] * src.ndim
        idx[ax] = slice(0, n)
        dst[tuple(idx)] = np.flip(src[tuple(idx)], ax)
        sel = [slice(None)] * out.ndim
        sel[batch_axis] = b
        out[tuple(sel)] = dst
    return out


def _ref_scatter_nd(idx, upd, shape):
    out = np.zeros(shape, upd.dtype)
    np.add.at(out, tuple(np.moveaxis(idx, -1, 0)), upd)
    return out


def _ref_band(x, lo, hi):
    m, n = x.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((lo < 0) | (i - j <= lo)) & ((hi < 0) | (j - i <= hi))
    return np.where(keep, x, 0).astype(x.dtype)


def _ref_set_diag(x, d):
    out = x.copy()
    k = min(x.shape[-2:])
    out[..., np.arange(k), np.arange(k)] = d
    return out


def _ref_segment_sum(data, ids, n):
    out = np.zeros((n,) + data.shape[ids.ndim:], data.dtype)
    ok = ids >= 0
    np.add.at(out, ids[ok], data[ok])
    return out


CASES = [
    # -- core ------------------------------------------------------------------------
    Case("Const", lambda: tf.constant([[1.5, 2.0]]), lambda: np.array([[1.5, 2]], np.float32),
         [], grad=False),
    Case("Identity", tf.identity, lambda x: x, [A23]),
    Case("Identity", tf.identity, lambda x: x, [S23], id="Identity-string"),
    Case("StopGradient", tf.stop_gradient, lambda x: x, [A23], grad=False),
    Case("ZerosLike", tf.zeros_like, np.zeros_like, [A23], grad=False),
    # zeros_like's (zero) gradient, inside a function whose gradient is not zero
    Case("ZerosLike", lambda x: x * x + tf.zeros_like(x), lambda x: x * x, [A23],
         id="ZerosLike-in-sum"),
    Case("ZerosLike", tf.zeros_like, np.zeros_like, [BOOL23], id="ZerosLike-bool"),
    Case("OnesLike", tf.ones_like, np.ones_like, [I23]),
    Case("OnesLike", lambda x: x * tf.ones_like(x), lambda x: x, [A23], id="OnesLike-float"),
    # the gradient driver's broadcast reduction, as an op of its own
    Case("SumToShape", sum_to_shape, lambda x, like: x.sum(0, keepdims=True), [A23, V5[:3][None]],
         grad=[0], id="SumToShape-keepdim"),
    Case("SumToShape", sum_to_shape, lambda x, like: x.sum((0, 1)), [A234, V5[:4]], grad=[0],
         id="SumToShape-leading"),
    Case("PlaceholderWithDefault", lambda x: tf.placeholder_with_default(x, [2, 3]) * x,
         np.square, [A23]),
    Case("Fill", lambda v: tf.fill([2, 3], v), lambda v: np.full((2, 3), v), [np.float32(1.5)]),
    Case("Fill", lambda d, v: tf.fill(d, v), lambda d, v: np.full(d, v),
         [np.array([2, 0], np.int64), np.int32(7)], id="Fill-int64-dims-empty"),
    Case("Shape", tf.shape, lambda x: np.array(x.shape, np.int32), [A234], grad=False),
    Case("Size", tf.size, lambda x: np.int32(x.size), [E03], grad=False),
    Case("Rank", tf.rank, lambda x: np.int32(x.ndim), [A234], grad=False),
    Case("Reshape", lambda x: tf.reshape(x, [3, -1]), lambda x: x.reshape(3, -1), [A234]),
    Case("Reshape", lambda x: tf.reshape(x, []), lambda x: x.reshape(()),
         [np.array([4.0], np.float32)], id="Reshape-scalar"),
    Case("BroadcastTo", lambda x: tf.broadcast_to(x, [2, 4, 3]),
         lambda x: np.broadcast_to(x, (2, 4, 3)), [A23[:1]]),
    # -- transpose, expand/squeeze --------------------------------------------------
    Case("Transpose", tf.transpose, np.transpose, [A234]),
    Case("Transpose", lambda x, p: tf.transpose(x, p), np.transpose, [A234, i32(2, 0, 1)],
         id="Transpose-perm"),
    Case("Transpose", tf.transpose, np.transpose, [np.float32(3)], id="Transpose-scalar"),
    Case("Transpose", tf.transpose, np.transpose, [E03], id="Transpose-empty"),
    Case("Transpose", tf.transpose, np.transpose, [S23], id="Transpose-string"),
    Case("Transpose", lambda x: tf.matrix_transpose(x), lambda x: np.swapaxes(x, -1, -2),
         [A234], id="matrix_transpose"),
    Case("InvertPermutation", tf.invert_permutation, np.argsort, [i32(3, 4, 0, 2, 1)]),
    Case("ExpandDims", lambda x: tf.expand_dims(x, 1), lambda x: np.expand_dims(x, 1), [A23]),
    Case("ExpandDims", lambda x: tf.expand_dims(x, -1), lambda x: x[..., None], [A23],
         id="ExpandDims-neg"),
    Case("ExpandDims", lambda x: tf.expand_dims(x, dim=0), lambda x: np.expand_dims(x, 0),
         [np.float32(2)], id="ExpandDims-dim-alias-scalar"),
    Case("Squeeze", tf.squeeze, np.squeeze, [A234.reshape(1, 2, 1, 12)]),
    Case("Squeeze", lambda x: tf.squeeze(x, [2]), lambda x: np.squeeze(x, 2),
         [A234.reshape(1, 2, 1, 12)], id="Squeeze-axis"),
    Case("Squeeze", lambda x: tf.squeeze(x, squeeze_dims=[-4]), lambda x: np.squeeze(x, 0),
         [A234.reshape(1, 2, 1, 12)], id="Squeeze-squeeze_dims"),
    Case("Squeeze", tf.squeeze, np.squeeze, [BOOL23[:1]], id="Squeeze-bool"),
    # -- concat, stack, unstack, split ------------------------------------------------
    Case("ConcatV2", lambda a, b: tf.concat([a, b], 0), lambda a, b: np.concatenate([a, b]),
         [A23, B23]),
    Case("ConcatV2", lambda a, b: tf.concat([a, b, a], -1),
         lambda a, b: np.concatenate([a, b, a], -1), [A23, B23], id="ConcatV2-neg-axis"),
    Case("ConcatV2", lambda a, b: tf.concat([a, b], 0), lambda a, b: np.concatenate([a, b]),
         [E03, B23], id="ConcatV2-empty"),
    Case("ConcatV2", lambda a, b: tf.concat([a, b], 1), lambda a, b: np.concatenate([a, b], 1),
         [S23, S23], id="ConcatV2-string"),
    Case("ConcatOffset", lambda a, b: tf.stack(array_ops.concat_offset(1, [a, b])),
         lambda a, b: np.array([[0, 0, 0], [0, 3, 0]], np.int32), [i32(2, 3, 5), i32(2, 4, 5)]),
    Case("Pack", lambda a, b: tf.stack([a, b]), lambda a, b: np.stack([a, b]), [A23, B23]),
    Case("Pack", lambda a, b: tf.stack([a, b, a], axis=-1),
         lambda a, b: np.stack([a, b, a], -1), [A23, B23], id="Pack-axis-neg"),
    Case("Pack", lambda a, b: tf.stack([a, b]), lambda a, b: np.stack([a, b]),
         [np.float32(1), np.float32(2)], id="Pack-scalars"),
    Case("Pack", lambda a: tf.stack([a, 3]), lambda a: np.array([a, 3], np.int32),
         [np.int32(5)], id="Pack-python-number"),
    Case("Unpack", lambda x: tf.unstack(x, num=2)[1], lambda x: x[1], [A234]),
    Case("Unpack", lambda x: tf.stack(tf.unstack(x, num=4, axis=2), 0),
         lambda x: np.moveaxis(x, 2, 0), [A234], id="Unpack-axis"),
    Case("Split", lambda x: tf.split(x, 3, axis=1)[1], lambda x: np.split(x, 3, 1)[1],
         [A46]),
    Case("Split", lambda x: tf.concat(tf.split(x, 2)[::-1], 0),
         lambda x: np.concatenate(np.split(x, 2)[::-1]), [A46], id="Split-all-outputs"),
    Case("SplitV", lambda x: tf.concat(tf.split(x, [1, -1, 2], 1)[::-1], 1),
         lambda x: np.concatenate(np.split(x, [1, 4], 1)[::-1], 1), [A46]),
    Case("SplitV", lambda x: tf.split(x, [0, 4], 0)[0], lambda x: x[:0], [A46],
         id="SplitV-empty-piece"),
    # -- slicing ----------------------------------------------------------------------------
    Case("Slice", lambda x: tf.slice(x, [1, 0, 1], [1, -1, 2]), lambda x: x[1:2, :, 1:3],
         [A234]),
    Case("Slice", lambda x, b: tf.slice(x, b, [2, 2]), lambda x, b: x[1:3, 2:4],
         [A46, i32(1, 2)], id="Slice-tensor-begin"),
    Case("StridedSlice", lambda x: x[1:, ::2], lambda x: x[1:, ::2], [A46]),
    Case("StridedSlice", lambda x: x[..., 0], lambda x: x[..., 0], [A234], id="SS-ellipsis"),
    Case("StridedSlice", lambda x: x[:, None], lambda x: x[:, None], [A23], id="SS-newaxis"),
    Case("StridedSlice", lambda x: x[::-1], lambda x: x[::-1], [A234], id="SS-reverse"),
    Case("StridedSlice", lambda x: x[-1, 3:0:-2], lambda x: x[-1, 3:0:-2], [A46],
         id="SS-neg-step-shrink"),
    Case("StridedSlice", lambda x: x[1], lambda x: x[1], [S23], id="SS-string"),
    Case("StridedSlice", lambda x: x[5:], lambda x: x[5:], [V5], id="SS-empty"),
    Case("StridedSlice", lambda x: tf.strided_slice(x, [0, 1], [2, 3], [1, 1]),
         lambda x: x[0:2, 1:3], [A46], id="SS-explicit"),
    Case("StridedSliceGrad",
         lambda dy: array_ops.strided_slice_grad([4, 6], [1, 0], [0, 0], [1, 2], dy,
                                                 end_mask=3),
         lambda dy: _scatter_region((4, 6), (slice(1, None), slice(None, None, 2)), dy),
         [rng.standard_normal((3, 3))]),
    Case("Tile", lambda x: tf.tile(x, [2, 3]), lambda x: np.tile(x, (2, 3)), [A23]),
    Case("Tile", lambda x: tf.tile(x, [0, 2]), lambda x: np.tile(x, (0, 2)), [A23],
         id="Tile-zero"),
    Case("Tile", lambda x, m: tf.tile(x, m), lambda x, m: np.tile(x, m), [S23, i32(1, 2)],
         id="Tile-string"),
    Case("Pad", lambda x: tf.pad(x, [[1, 2], [0, 3]]), lambda x: np.pad(x, [[1, 2], [0, 3]]),
         [A23]),
    Case("Pad", lambda x: tf.pad(x, [[1, 0]]),
         lambda x: np.pad(x, [[1, 0]], constant_values=b""), [S23[0]], id="Pad-string"),
    Case("PadV2", lambda x: tf.pad(x, [[1, 1], [2, 0]], constant_values=-2.5),
         lambda x: np.pad(x, [[1, 1], [2, 0]], constant_values=-2.5), [A23]),
    Case("MirrorPad", lambda x: tf.pad(x, [[1, 1], [2, 2]], "REFLECT"),
         lambda x: np.pad(x, [[1, 1], [2, 2]], "reflect"), [A23]),
    Case("MirrorPad", lambda x: tf.pad(x, [[2, 1], [3, 0]], "symmetric"),
         lambda x: np.pad(x, [[2, 1], [3, 0]], "symmetric"), [A23], id="MirrorPad-symmetric"),
    Case("MirrorPadGrad", lambda g: array_ops.mirror_pad_grad(g, [[1, 1], [2, 2]], "REFLECT"),
         lambda g: _ref_mirror_pad_grad(g, [[1, 1], [2, 2]], "reflect"),
         [rng.standard_normal((4, 7))], rtol=1e-10),
    Case("MirrorPadGrad",
         lambda g: array_ops.mirror_pad_grad(g, [[2, 1], [3, 0]], "SYMMETRIC"),
         lambda g: _ref_mirror_pad_grad(g, [[2, 1], [3, 0]], "symmetric"),
         [rng.standard_normal((5, 6))], rtol=1e-10, id="MirrorPadGrad-symmetric"),
    Case("ReverseV2", lambda x: tf.reverse(x, [1]), lambda x: x[:, ::-1], [A234]),
    Case("ReverseV2", lambda x: tf.reverse_v2(x, [-1, 0]), lambda x: x[::-1, :, ::-1],
         [A234], id="ReverseV2-neg"),
    Case("ReverseV2", lambda x: tf.reverse(x, []), lambda x: x, [S23], id="ReverseV2-none"),
    Case("ReverseSequence", lambda x, n: tf.reverse_sequence(x, n, seq_axis=1, batch_axis=0),
         lambda x, n: _ref_reverse_sequence(x, n, 1, 0), [A234, np.array([2, 3], np.int64)]),
    Case("ReverseSequence", lambda x, n: tf.reverse_sequence(x, n, seq_dim=0, batch_dim=2),
         lambda x, n: _ref_reverse_sequence(x, n, 0, 2), [A234, i32(0, 2, 1, 2)],
         id="ReverseSequence-batch-after-seq"),
    # -- gather / scatter -------------------------------------------------------------
    Case("GatherV2", tf.gather, lambda p, i: p[i], [A46, i32(3, 0, 3, 1)]),
    Case("GatherV2", lambda p, i: tf.gather(p, i, axis=1), lambda p, i: p[:, i],
         [A234, np.array([[2, 0], [1, 1]], np.int64)], id="GatherV2-axis1-2d"),
    Case("GatherV2", lambda p, i: tf.gather(p, i, axis=-1), lambda p, i: p[..., i],
         [A234, np.int32(3)], id="GatherV2-axis-neg-scalar"),
    Case("GatherV2", tf.gather, lambda p, i: p[i], [S23, i32(1, 1, 0)], id="GatherV2-string"),
    Case("GatherV2", tf.gather, lambda p, i: p[i], [A46, np.zeros(0, np.int32)],
         id="GatherV2-empty"),
    Case("UnsortedSegmentSum", lambda d, s: tf.unsorted_segment_sum(d, s, 3),
         lambda d, s: _ref_segment_sum(d, s, 3), [A46, i32(2, 0, -1, 2)]),
    Case("UnsortedSegmentSum", lambda d, s: tf.unsorted_segment_sum(d, s, 4),
         lambda d, s: _ref_segment_sum(d, s, 4), [A234, np.array([[0, 3, 3], [1, 0, 3]])],
         id="UnsortedSegmentSum-2d-ids"),
    Case("SegmentSum", tf.segment_sum,
         lambda d, s: _ref_segment_sum(d, s, 4), [A46, i32(0, 0, 1, 3)]),
    Case("GatherNd", tf.gather_nd, lambda p, i: p[tuple(np.moveaxis(i, -1, 0))],
         [A234, i32(1, 2, 0, 0, 1, 1).reshape(3, 2)]),
    Case("GatherNd", tf.gather_nd, lambda p, i: p[tuple(np.moveaxis(i, -1, 0))],
         [S23, i32(1, 0).reshape(2, 1)], id="GatherNd-string-rows"),
    Case("ScatterNd", lambda i, u: tf.scatter_nd(i, u, [4, 3]),
         lambda i, u: _ref_scatter_nd(i, u, (4, 3)),
         [i32(3, 1, 3).reshape(3, 1), rng.standard_normal((3, 3)).astype(np.float32)],
         grad=[1]),
    Case("ScatterNd", lambda i, u: tf.scatter_nd(i, u, [2, 3]),
         lambda i, u: _ref_scatter_nd(i, u, (2, 3)), [i32(0, 1, 0, 1).reshape(2, 2),
                                                      i32(5, 7)], id="ScatterNd-int-dup"),
    Case("OneHot", lambda i: tf.one_hot(i, 4), lambda i: np.eye(4, dtype=np.float32)[i] *
         (i >= 0)[..., None], [i32(0, 3, -1, 2)]),
    Case("OneHot", lambda i: tf.one_hot(i, 3, on_value=5, off_value=-1, axis=0),
         lambda i: np.where(np.arange(3)[:, None, None] == i, 5, -1).astype(np.int32),
         [np.array([[0, 2], [1, 7]], np.int64)], id="OneHot-axis0-int"),
    Case("OneHot", lambda i: tf.one_hot(i, 2, dtype=tf.bool), lambda i: np.eye(2, dtype=bool)[i],
         [i32(1, 0)], id="OneHot-bool"),
    # -- unique, setdiff, partition ----------------------------------------------------
    Case("Unique", lambda x: tf.unique(x).y, _ref_unique, [i32(4, 1, 4, 7, 1, 2)]),
    Case("Unique", lambda x: tf.unique(x).idx, _ref_unique_idx, [i32(4, 1, 4, 7, 1, 2)],
         id="Unique-idx"),
    Case("Unique", lambda x: tf.unique(x)[0], _ref_unique,
         [np.array([b"b", b"a", b"b"], object)], id="Unique-string"),
    Case("UniqueWithCounts", lambda x: tf.unique_with_counts(x).count,
         lambda x: np.array([np.sum(x == v) for v in _ref_unique(x)], np.int32),
         [np.array([2.5, 1.0, 2.5, 2.5], np.float32)], grad=False),
    Case("ListDiff", lambda x, y: tf.setdiff1d(x, y).out, lambda x, y: x[~np.isin(x, y)],
         [i32(1, 2, 3, 4, 5, 6), i32(5, 1, 3)]),
    Case("ListDiff", lambda x, y: tf.setdiff1d(x, y).idx,
         lambda x, y: np.nonzero(~np.isin(x, y))[0].astype(np.int32),
         [i32(1, 2, 3, 4, 5, 6), i32(5, 1, 3)], id="ListDiff-idx"),
    Case("DynamicPartition", lambda d, p: tf.dynamic_partition(d, p, 3)[2],
         lambda d, p: d[p == 2], [A46, i32(2, 0, 2, 1)], grad=[0]),
    Case("DynamicStitch", lambda a, b: tf.dynamic_stitch([[0, 3], [2, 1]], [a, b]),
         lambda a, b: np.stack([a[0], b[1], b[0], a[1]]), [A23, B23]),
    # A repeated index: the later entry wins and only it receives a gradient.
    Case("DynamicStitch", lambda a, b: tf.dynamic_stitch([[0, 2], [2, 1]], [a, b]),
         lambda a, b: np.stack([a[0], b[1], b[0]]), [A23, B23], id="DynamicStitch-repeat"),
    Case("ParallelDynamicStitch",
         lambda a, b: tf.parallel_dynamic_stitch([[3, 0], [1, 2]], [a, b]),
         lambda a, b: np.stack([a[1], b[0], b[1], a[0]]), [A23, B23]),
    Case("IdentityN", lambda a, b: tf.identity_n([a, b])[1], lambda a, b: b, [I23, A23]),
    # -- diagonals, bands -------------------------------------------------------------
    Case("Diag", tf.diag, np.diag, [V5]),
    Case("Diag", tf.diag, lambda x: np.einsum("ij,kl,ik,jl->ijkl", x, x * 0 + 1,
                                              np.eye(2), np.eye(3)).astype(np.float32),
         [A23], id="Diag-rank2"),
    Case("DiagPart", tf.diag_part, np.diag, [A33]),
    Case("MatrixDiag", tf.matrix_diag, lambda x: x[..., None] * np.eye(3, dtype=x.dtype),
         [A23]),
    Case("MatrixDiagPart", tf.matrix_diag_part, lambda x: np.diagonal(x, 0, -2, -1), [A234]),
    Case("MatrixSetDiag", tf.matrix_set_diag, _ref_set_diag, [A234, A23]),
    Case("MatrixBandPart", lambda x: tf.matrix_band_part(x, 1, 0),
         lambda x: _ref_band(x, 1, 0), [A234]),
    Case("MatrixBandPart", lambda x: tf.matrix_band_part(x, 0, -1),
         lambda x: np.triu(x), [A46], id="MatrixBandPart-upper"),
    Case("Const", lambda: tf.eye(2, 3, batch_shape=[2]),
         lambda: np.broadcast_to(np.eye(2, 3, dtype=np.float32), (2, 2, 3)), [], grad=False,
         id="eye-static"),
    Case("MatrixBandPart", lambda n: tf.eye(n, dtype=tf.int32), lambda n: np.eye(n, dtype=np.int32),
         [np.int32(3)], id="eye-dynamic"),
    # -- where / select / masks -------------------------------------------------------
    Case("Where", tf.where, lambda c: np.argwhere(c).astype(np.int64), [BOOL23]),
    Case("Where", tf.where, lambda c: np.argwhere(c).astype(np.int64),
         [np.array([0, 3, 0, -1], np.float32)], grad=False, id="Where-numeric"),
    Case("Select", tf.where, np.where, [BOOL23, A23, B23], grad=[1, 2]),
    Case("Select", tf.where, lambda c, x, y: np.where(c[:, None, None], x, y),
         [np.array([False, True]), A234, A234 * 2], grad=[1, 2], id="Select-vector-rows"),
    Case("Select", tf.where, np.where, [np.bool_(False), A23, B23], grad=[1, 2],
         id="Select-scalar"),
    Case("Select", tf.where, np.where, [BOOL23, S23, S23[::-1]], id="Select-string"),
    Case("GatherV2", tf.boolean_mask, lambda x, m: x[m],
         [A234, np.array([True, False])], grad=[0], known_rank=True, id="boolean_mask"),
    Case("GatherV2", lambda x, m: tf.boolean_mask(x, m, axis=1), lambda x, m: x[:, m],
         [A234, np.array([True, False, True])], grad=[0], known_rank=True,
         id="boolean_mask-axis"),
    Case("Less", lambda n: tf.sequence_mask(n, 4),
         lambda n: np.arange(4)[None, :] < n[:, None], [i32(1, 3, 0)], id="sequence_mask"),
    Case("BroadcastTo", lambda a, b: tf.meshgrid(a, b)[0], lambda a, b: np.meshgrid(a, b)[0],
         [V5, A23[0]], id="meshgrid-xy"),
    Case("BroadcastTo", lambda a, b: tf.meshgrid(a, b, indexing="ij")[1],
         lambda a, b: np.meshgrid(a, b, indexing="ij")[1], [V5, A23[0]], id="meshgrid-ij"),
    Case("ShapeN", lambda a, b: tf.shape_n([a, b])[1], lambda a, b: np.array(b.shape, np.int32),
         [A23, A234], grad=False),
    Case("BroadcastArgs", tf.broadcast_dynamic_shape,
         lambda a, b: np.array(np.broadcast_shapes(tuple(a), tuple(b)), np.int32),
         [i32(2, 1, 3), i32(4, 1)]),
]


def _scatter_region(shape, index, values):
    out = np.zeros(shape, values.dtype)
    out[index] = values
    return out


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_forward(case):
    check_forward(case)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad and any(
    x.dtype.kind == "f" for x in c.inputs)], ids=repr)
def test_gradient(case):
    check_gradient(case)


# -- tensor[...] against numpy ---------------------------------------------------------
X = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
E = Ellipsis
KEYS = [
    1, -1, slice(None), slice(1, None), slice(None, None, 2), slice(None, None, -1),
    slice(-1, None, -2), slice(10, -10, -1), slice(-10, 10), (0, 2), (1, -1, slice(None, 1)),
    (E, 0), (E, None), (None, E), (0, E, 1), (slice(None), None, 1), (None, 1, None, 2),
    (E, slice(None, None, -3)), (slice(1, 1),), (slice(3, 0, -1), slice(None), slice(0, 4, 3)),
    (E, None, slice(1, 3), None), (0, 1, 2, 3), (slice(None), E, None, 4), (),
]


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_slice_helper_matches_numpy(key):
    with tf.Graph().as_default():
        x = tf.constant(X)
        y = x[key]
        p = tf.placeholder(tf.float64)
        with tf.Session() as sess:
            got, got2 = sess.run([y, p[key]], {p: X})
    want = X[key]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got2, want)
    assert y.shape == want.shape


@pytest.mark.parametrize("key", [
    (slice(1, None), slice(None, None, 2)), (E, 0), (slice(None), None),
    (slice(None, None, -1),), (1, slice(3, 0, -2)), (E, None, slice(1, 3))], ids=repr)
def test_slice_helper_gradient(key):
    check_gradient(Case("StridedSlice", lambda x: x[key], lambda x: x[key],
                        [rng.standard_normal((3, 4, 5))]))


def test_slice_helper_with_tensor_indices():
    with tf.Graph().as_default():
        x = tf.constant(X)
        i = tf.placeholder(tf.int32, shape=[])
        j = tf.placeholder(tf.int64, shape=[])
        y = x[i, 1:j, ..., i]
        assert y.shape.as_list() == [None, 4]
        with tf.Session() as sess:
            got = sess.run(y, {i: 1, j: 3})
    np.testing.assert_array_equal(got, X[1, 1:3, ..., 1])


def test_slice_helper_accepts_dimensions_and_reuses_plans():
    with tf.Graph().as_default():
        x = tf.constant(X)
        y = x[:x.shape[1] - 1, x.shape[0] - 2]
        assert y.shape.as_list() == [2, 4, 5]
        with tf.Session() as sess:
            first = sess.run(y)
            again = sess.run(y)
    np.testing.assert_array_equal(first, X[:2, 0])
    np.testing.assert_array_equal(again, first)


def test_slice_helper_names_op_and_rejects_bad_keys():
    with tf.Graph().as_default():
        x = tf.constant(X)
        assert x[1:].op.name == "strided_slice"
        assert x[0].op.type == "StridedSlice"
        with pytest.raises(TypeError, match="Only integers, slices"):
            x[[0, 1]]
        with pytest.raises(TypeError, match="Only integers, slices"):
            x[tf.constant(1.0)]
        with pytest.raises(ValueError, match="Multiple ellipses"):
            x[..., 0, ...]
        with pytest.raises(ValueError, match="out of bounds"):
            x[2]
        with pytest.raises(ValueError, match="Index out of range"):
            x[0, 0, 0, 0, 0]
    assert tf.newaxis is None


def test_strided_slice_runtime_out_of_bounds():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32)
        y = p[5]
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="slice index 5 of dimension 0 out of bounds"):
                sess.run(y, {p: np.zeros(3)})


def test_strided_slice_second_order_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, shape=[4, 5])
        y = tf.reduce_sum(tf.square(x[1:, ::2]))
        g = tf.gradients(y, x)[0]
        assert g.op.type == "StridedSliceGrad"
        v = np.arange(20.0).reshape(4, 5)
        gg = tf.gradients(g * v, x)[0]
        with tf.Session() as sess:
            got = sess.run(gg, {x: np.ones((4, 5))})
    mask = np.zeros((4, 5))
    mask[1:, ::2] = 1
    np.testing.assert_allclose(got, 2 * mask * v)


# -- targeted TF 1.x behaviour ----------------------------------------------------------
def test_unstack_unknown_num_raises():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Cannot infer num from shape"):
            tf.unstack(tf.placeholder(tf.float32, shape=[None, 3]))
        parts = tf.unstack(tf.placeholder(tf.float32, shape=[None, 3]), axis=1)
        assert len(parts) == 3 and parts[0].shape.as_list() == [None]


def test_where_three_args_vector_condition_picks_rows():
    with tf.Graph().as_default():
        out = tf.where([True, False, True], [[1, 2], [3, 4], [5, 6]],
                       [[-1, -2], [-3, -4], [-5, -6]])
        assert out.shape.as_list() == [3, 2]
        got = tf.Session().run(out)
    np.testing.assert_array_equal(got, [[1, 2], [-3, -4], [5, 6]])
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="both be non-None"):
            tf.where([True], [1])
        with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
            tf.where([True, False], tf.zeros([3, 2]), tf.zeros([3, 2]))
        with pytest.raises(TypeError):
            tf.where([True], tf.zeros([1]), tf.zeros([1], tf.int32))


def test_where_one_arg_is_int64_coordinates():
    with tf.Graph().as_default():
        c = tf.placeholder(tf.bool, shape=[2, 3])
        w = tf.where(c)
        assert w.dtype == tf.int64
        assert w.shape.as_list() == [None, 2]
        got = tf.Session().run(w, {c: BOOL23})
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.argwhere(BOOL23))


def test_unique_returns_namedtuple_with_int32_idx():
    with tf.Graph().as_default():
        x = tf.constant([1, 1, 2, 4, 4, 4, 7, 8, 8])
        res = tf.unique(x)
        y, idx = res
        assert res.y is y and res.idx is idx
        assert idx.dtype == tf.int32
        assert tf.unique(x, out_idx=tf.int64).idx.dtype == tf.int64
        yv, iv = tf.Session().run([y, idx])
    np.testing.assert_array_equal(yv, [1, 2, 4, 7, 8])
    np.testing.assert_array_equal(iv, [0, 0, 1, 2, 2, 2, 3, 4, 4])
    assert iv.dtype == np.int32


def test_gather_gradient_sums_repeated_indices():
    with tf.Graph().as_default():
        params = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        y = tf.gather(params, [0, 2, 0, 0])
        g = tf.gradients(y, params)[0]
        g1 = tf.gradients(tf.gather(params, [[1, 1]], axis=1), params)[0]
        assert isinstance(g, tf.IndexedSlices) and isinstance(g1, tf.Tensor)
        dense = tf.convert_to_tensor(g)
        assert dense.shape.as_list() == [3, 2]
        sparse, got, got1 = tf.Session().run([g, dense, g1])
    np.testing.assert_array_equal(sparse.indices, [0, 2, 0, 0])
    np.testing.assert_array_equal(sparse.values, np.ones((4, 2)))
    np.testing.assert_array_equal(sparse.dense_shape, [3, 2])
    np.testing.assert_array_equal(got, [[3, 3], [0, 0], [1, 1]])
    np.testing.assert_array_equal(got1, [[0, 2], [0, 2], [0, 2]])


def test_gather_out_of_range_names_op():
    with tf.Graph().as_default():
        y = tf.gather(tf.constant([1, 2, 3]), tf.placeholder(tf.int32), name="lookup")
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"indices\[1\] = 5 is not in \[0, 3\)") as info:
            tf.Session().run(y, {y.op.inputs[1]: [0, 5]})
    assert "lookup" in str(info.value)


def test_unsorted_segment_sum_gradient_drops_negative_ids():
    check_gradient(Case("UnsortedSegmentSum", lambda d: tf.unsorted_segment_sum(
        d, [1, -1, 0, 1], 2), None, [rng.standard_normal((4, 3))]))


def test_boolean_mask_multi_dim_mask_and_gradient():
    x = rng.standard_normal((2, 3, 4))
    mask = np.array([[True, False, True], [False, True, True]])
    with tf.Graph().as_default():
        xt = tf.constant(x)
        y = tf.boolean_mask(xt, mask)
        assert y.shape.as_list() == [None, 4]
        y2 = tf.boolean_mask(xt, np.arange(12).reshape(3, 4) % 3 == 0, axis=1)
        g = tf.gradients(tf.reduce_sum(y * y), xt)[0]
        got, gg, got2 = tf.Session().run([y, g, y2])
    np.testing.assert_allclose(got, x[mask])
    np.testing.assert_allclose(got2, x[:, np.arange(12).reshape(3, 4) % 3 == 0])
    np.testing.assert_allclose(gg, 2 * x * mask[..., None])
    check_gradient(Case("GatherV2", lambda t: tf.boolean_mask(t, mask), None, [x]))
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="mask cannot be scalar"):
            tf.boolean_mask(tf.constant(x), True)


def test_pad_reflect_and_symmetric_match_numpy():
    x = rng.standard_normal((3, 4, 5))
    p = [[2, 1], [0, 3], [4, 4]]
    with tf.Graph().as_default():
        r = tf.pad(x, p, "REFLECT")
        s = tf.pad(x, p, mode="SYMMETRIC")
        bad = tf.pad(tf.placeholder(tf.float64), [[3, 0]], "REFLECT")
        with tf.Session() as sess:
            rv, sv = sess.run([r, s])
            with pytest.raises(tf.errors.InvalidArgumentError, match="must be less than"):
                sess.run(bad, {bad.op.inputs[0]: np.zeros(3)})
    np.testing.assert_allclose(rv, np.pad(x, p, "reflect"))
    np.testing.assert_allclose(sv, np.pad(x, p, "symmetric"))
    check_gradient(Case("MirrorPad", lambda t: tf.pad(t, p, "REFLECT"), None, [x]))
    with pytest.raises(ValueError, match="Unknown padding mode"):
        tf.pad(x, p, "WRAP")


def test_squeeze_error_message_names_op():
    with tf.Graph().as_default():
        with pytest.raises(ValueError) as info:
            tf.squeeze(tf.zeros([1, 3]), axis=[1])
        msg = str(info.value)
        assert "Can not squeeze dim[1], expected a dimension of 1, got 3" in msg
        assert "'Squeeze'" in msg
        p = tf.placeholder(tf.float32)
        y = tf.squeeze(p, [0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Can not squeeze dim"):
            tf.Session().run(y, {p: np.zeros((2, 1))})


def test_split_and_concat_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="evenly divisible by 3 but is 5"):
            tf.split(tf.zeros([5, 2]), 3)
        with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal"):
            tf.concat([tf.zeros([2, 3]), tf.zeros([2, 4])], 0)
        with pytest.raises(TypeError, match="don't all match"):
            tf.concat([tf.zeros([2]), tf.constant([1, 2])], 0)
        a, b = tf.split(tf.zeros([5, 7]), [2, -1], axis=1)
        assert b.shape.as_list() == [5, 5]
        single = tf.concat([tf.ones([2])], 0)
        assert single.op.type == "Identity"


def test_stack_of_python_numbers_is_a_constant():
    with tf.Graph().as_default():
        assert tf.stack([1, 2, 3]).op.type == "Const"
        t = tf.constant(2.0)
        s = tf.stack([t, 1.0])
        assert s.op.type == "Pack" and s.dtype == tf.float32


def test_expand_dims_requires_axis_and_checks_range():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Must specify an axis"):
            tf.expand_dims(tf.zeros([2]))
        with pytest.raises(ValueError, match="Tried to expand dim index 3"):
            tf.expand_dims(tf.zeros([2]), 3)


def test_zeros_and_ones_accept_tensor_dims():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, shape=[])
        z = tf.zeros([n, 3])
        o = tf.ones(tf.stack([2, n]), tf.int32)
        assert z.shape.as_list() == [None, 3]
        zv, ov = tf.Session().run([z, o], {n: 2})
    np.testing.assert_array_equal(zv, np.zeros((2, 3)))
    np.testing.assert_array_equal(ov, np.ones((2, 2), np.int32))


def test_reshape_error_message():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32)
        y = tf.reshape(p, [-1, 4])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="6 values, but the requested shape requires a multiple of 4"):
            tf.Session().run(y, {p: np.zeros(6)})


def test_segment_sum_requires_sorted_ids():
    with tf.Graph().as_default():
        y = tf.segment_sum(tf.constant([1, 2, 3]), tf.placeholder(tf.int32))
        with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
            tf.Session().run(y, {y.op.inputs[1]: [1, 0, 1]})


def test_dynamic_partition_and_stitch_round_trip_gradient():
    x = rng.standard_normal((5, 2))
    parts = np.array([1, 0, 1, 1, 0], np.int32)
    with tf.Graph().as_default():
        xt = tf.constant(x)
        a, b = tf.dynamic_partition(xt, parts, 2)
        idx = tf.dynamic_partition(tf.range(5), parts, 2)
        back = tf.dynamic_stitch(idx, [a * 2.0, b * 3.0])
        g = tf.gradients(tf.reduce_sum(back), xt)[0]
        bv, gv = tf.Session().run([back, g])
    scale = np.where(parts == 0, 2.0, 3.0)[:, None]
    np.testing.assert_allclose(bv, x * scale)
    np.testing.assert_allclose(gv, np.broadcast_to(scale, x.shape))


def test_one_hot_dtype_rules():
    with tf.Graph().as_default():
        assert tf.one_hot([0], 2).dtype == tf.float32
        assert tf.one_hot([0], 2, on_value=1, off_value=0).dtype == tf.int32
        assert tf.one_hot([0], 2, dtype=tf.float64).dtype == tf.float64
        with pytest.raises(TypeError):
            tf.one_hot([0], 2, on_value=tf.constant(1.0), off_value=tf.constant(0))


def test_transpose_unknown_rank_default_perm():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32)
        y = tf.transpose(p)
        got = tf.Session().run(y, {p: A234})
    np.testing.assert_array_equal(got, A234.T)


# -- partially known shape tensors (TF's constant_value_as_shape) ----------------------
def _static(x_shape, build):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, x_shape)
        return build(x).shape.as_list() if build(x).shape.ndims is not None else None


@pytest.mark.parametrize("x_shape, build, want", [
    # -1 inside a Pack is an unknown dimension, not an error
    (None, lambda x: tf.reshape(x, tf.stack([tf.shape(x)[1], -1])), [None, None]),
    ([None, 3, 4], lambda x: tf.reshape(x, tf.stack([tf.shape(x)[1], -1])), [None, None]),
    ([None, 3, 4], lambda x: tf.reshape(x, tf.stack([-1, 12])), [None, 12]),
    # a Python list holding tensors is packed (TF's autopacking)
    ([None, 3, 4], lambda x: tf.reshape(x, [tf.shape(x)[0], -1]), [None, None]),
    ([None, 3, 4], lambda x: tf.reshape(x, [tf.shape(x)[0], 3, 4]), [None, 3, 4]),
    # Concat of a sliced Shape with constants
    ([None, 3, 4], lambda x: tf.reshape(x, tf.concat([tf.shape(x)[:1], [12]], 0)), [None, 12]),
    ([None, 3, 4], lambda x: tf.reshape(x, tf.concat([tf.shape(x)[1:], [-1]], 0)),
     [3, 4, None]),
    # a Cast of a Shape still describes the shape
    ([None, 3, 4], lambda x: tf.reshape(x, tf.cast(tf.shape(x), tf.int64)), [None, 3, 4]),
    ([5, 3, 4], lambda x: tf.reshape(x, tf.concat([tf.shape(x)[:1], [-1]], 0)), [5, 12]),
    ([None, 3], lambda x: tf.zeros(tf.stack([tf.shape(x)[0], 5])), [None, 5]),
    ([None, 3], lambda x: tf.fill(tf.shape(x)[::-1], 1.0), [3, None]),
])
def test_partially_known_shape_tensors(x_shape, build, want):
    assert _static(x_shape, build) == want


def test_reshape_to_stacked_partial_shape_runs():
    x = tf.placeholder(tf.float32)
    flat = tf.reshape(x, tf.stack([tf.shape(x)[1], -1]))
    listed = tf.reshape(x, [tf.shape(x)[0], -1])
    value = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    with tf.Session() as sess:
        got_flat, got_listed = sess.run([flat, listed], {x: value})
    np.testing.assert_array_equal(got_flat, value.reshape(3, -1))
    np.testing.assert_array_equal(got_listed, value.reshape(2, -1))


def test_autopacking_nested_lists_and_dtypes():
    t = tf.constant(4)
    packed = tf.convert_to_tensor([[1, 2], [3, t]])
    assert packed.op.type == "Pack" and packed.dtype is tf.int32
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(packed), [[1, 2], [3, 4]])
    assert tf.convert_to_tensor([1, 2]).op.type == "Const"  # no tensor inside: a constant
    with pytest.raises(TypeError):
        tf.convert_to_tensor([1.0, t], dtype=tf.float32)
