"""Philox4x32-10 random kernels that reproduce TensorFlow 1.x values bit for bit.

Numpy in, numpy out; nothing here knows about graphs or sessions. Every public
function takes the op's two seeds ``seed, seed2`` (the ``seed``/``seed2`` attrs that
``get_seed`` put on the op) and ``counter``, the number of Philox blocks (128 bits each)
this op has already consumed in the current session.

Facts observed in TensorFlow 2.21 ``tf.compat.v1`` (graph mode), with M = 2**31 - 1:

* Seeds (``get_seed(op_seed)``):
  - no graph seed, op seed s: ``(87654321, s % M)`` (Python modulo, so -3 -> M - 3).
  - graph seed g, op seed s: ``(g % M, s % M)``.
  - graph seed g, no op seed: ``(g % M, k)`` where k counts the earlier random ops in
    the same graph that also had no op seed (0, 1, 2, ...). It does not depend on how
    many other ops (constants ...) exist, ops with an explicit op seed do not advance
    it, and calling ``set_random_seed`` again does not reset it. (Old TF 1.x used the
    graph's last op id instead; compat.v1 in TF 2.x uses this counter.) Initializers
    such as glorot_uniform draw from the same counter when their op is created.
  - neither seed: the op gets ``(0, 0)``, meaning "fresh random seeds"; the runtime
    then picks two random 64-bit seeds. A derived ``(0, 0)`` becomes ``(0, M)``.
* Stream: the key is ``seed`` (lo 32 bits, hi 32 bits) and the 128-bit start counter
  is ``seed2 << 64``. Each session run of the op advances the counter by
  ``256 * num_elements`` blocks (:func:`counters_per_run`), for every op here
  (uniform, normal, truncated normal, integer uniform) and every dtype. With a fed
  (dynamic) shape the skip uses that run's element count; a zero-element run skips 0.
  Fetching the op twice in one run evaluates it once. A new session restarts at 0.
* Layout inside one run (block j is ``start + j``; words w0..w3 per block):
  - float32/float16 uniform and int32 uniform: element i uses word ``i % 4`` of block
    ``i // 4``;
  - float64 uniform and int64 uniform: element i uses the word pair
    ``(2*(i%2), 2*(i%2)+1)`` of block ``i // 2``;
  - float32/float16 normal: Box-Muller on (w0, w1) and (w2, w3) in float32 with
    glibc's logf/sinf/cosf; float64 normal: one Box-Muller on two 52-bit doubles
    made from (w0, w1) and (w2, w3), giving 2 doubles per block;
  - truncated normal: outputs come in groups (4 for float32/float16, 2 for float64);
    group k restarts at block ``start + k*256`` (float64: ``start + k*128``), draws
    words one at a time through as many blocks as it needs and keeps |x| < 2.
* Integer uniform: ``lo + (bits % (hi - lo))`` with 32-bit words for int32 and
  ``w_lo | w_hi << 32`` for int64, wrapping arithmetic.
* The public ops scale afterwards in their own dtype: ``rnd * (max - min) + min``,
  ``rnd * stddev + mean``. float16 is computed in float32 and rounded at the end.

Callers (the ops layer) keep ``counter`` per op and per session, and add
``counters_per_run(n)`` after each run. They replace seeds ``(0, 0)`` by two random
64-bit seeds once per session. float32 normals need glibc's float32 ``logf``/``sinf``/
``cosf``: numba's ``math.*`` on float32 values call them, numpy's float32 ``np.log``
does not. So under ``NUMBA_DISABLE_JIT=1`` (debugging) normal and truncated normal
float32 values can be off by one ulp; everything else stays exact.
"""
import math

import numba
import numpy as np

_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_ONE = np.uint64(1)
_MUL0 = np.uint64(0xD2511F53)
_MUL1 = np.uint64(0xCD9E8D57)
_BUMP0 = np.uint64(0x9E3779B9)
_BUMP1 = np.uint64(0xBB67AE85)

_F32_MANT = np.uint64(0x7FFFFF)
_F32_SCALE = np.float32(2.0 ** -23)
_F64_MANT_HI = np.uint64(0xFFFFF)
_F64_SCALE = 2.0 ** -52
_F16_MANT = np.uint64(0x3FF)
_F16_SCALE = np.float32(2.0 ** -10)

_TWO_PI = 2.0 * math.pi
_EPS32 = np.float32(1.0e-7)
_MINUS_TWO32 = np.float32(-2.0)
_TRUNC32 = np.float32(2.0)

_RESERVED_PER_OUTPUT = 256
_CHUNK = 512  # blocks per lane batch: small enough for L1, long enough to vectorize
_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1


# --------------------------------------------------------------------------- core


@numba.njit(cache=True)
def _block(k0, k1, lo64, hi64, j):
    """Philox4x32-10 of counter ``(hi64:lo64) + j`` under key (k0, k1): four words as uint64."""
    lo = lo64 + j
    hi = hi64
    if lo < lo64:
        hi += _ONE
    c0 = lo & _M32
    c1 = lo >> _S32
    c2 = hi & _M32
    c3 = hi >> _S32
    for _ in range(10):
        p0 = _MUL0 * c0
        p1 = _MUL1 * c2
        n0 = (p1 >> _S32) ^ c1 ^ k0
        n2 = (p0 >> _S32) ^ c3 ^ k1
        c1 = p1 & _M32
        c3 = p0 & _M32
        c0 = n0
        c2 = n2
        k0 = (k0 + _BUMP0) & _M32
        k1 = (k1 + _BUMP1) & _M32
    return c0, c1, c2, c3


@numba.njit(cache=True)
def _lanes(m):
    """Four uint64 lanes of m blocks (word 0, 1, 2, 3 of each block)."""
    return (np.empty(m, np.uint64), np.empty(m, np.uint64),
            np.empty(m, np.uint64), np.empty(m, np.uint64))


@numba.njit(cache=True)
def _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3):
    """Blocks first .. first+m-1 into lanes c0..c3[:m].

    Same rounds as _block, laid out lane by lane so LLVM vectorizes the loop over blocks.
    """
    for t in range(m):
        lo = lo64 + np.uint64(first + t)
        hi = hi64 + np.uint64(lo < lo64)
        c0[t] = lo & _M32
        c1[t] = lo >> _S32
        c2[t] = hi & _M32
        c3[t] = hi >> _S32
    for _ in range(10):
        for t in range(m):
            p0 = _MUL0 * c0[t]
            p1 = _MUL1 * c2[t]
            n0 = (p1 >> _S32) ^ c1[t] ^ k0
            n2 = (p0 >> _S32) ^ c3[t] ^ k1
            c1[t] = p1 & _M32
            c3[t] = p0 & _M32
            c0[t] = n0
            c2[t] = n2
        k0 = (k0 + _BUMP0) & _M32
        k1 = (k1 + _BUMP1) & _M32


@numba.njit(cache=True)
def _words_kernel(k0, k1, lo64, hi64, out):
    """Fill out (nblocks, 4) uint32 with consecutive Philox blocks."""
    nb = out.shape[0]
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            out[first + t, 0] = c0[t]
            out[first + t, 1] = c1[t]
            out[first + t, 2] = c2[t]
            out[first + t, 3] = c3[t]


@numba.njit(cache=True)
def _u32(w):
    """uint32 word -> float32 in [0, 1) from its low 23 bits."""
    return np.float32(w & _F32_MANT) * _F32_SCALE


@numba.njit(cache=True)
def _u16(w):
    """uint32 word -> float16 uniform value (low 10 bits), held exactly in a float32."""
    return np.float32(w & _F16_MANT) * _F16_SCALE


@numba.njit(cache=True)
def _u64(wa, wb):
    """Two words -> float64 in [0, 1) from 20 bits of wa and all 32 of wb."""
    return np.float64(((wa & _F64_MANT_HI) << _S32) | wb) * _F64_SCALE


@numba.njit(cache=True)
def _box_muller32(wa, wb):
    """TF's float32 Box-Muller on two words (glibc logf/sinf/cosf via numba)."""
    u1 = _u32(wa)
    if u1 < _EPS32:
        u1 = _EPS32
    v1 = np.float32(_TWO_PI * np.float64(_u32(wb)))
    r = np.float32(math.sqrt(_MINUS_TWO32 * np.float32(math.log(u1))))
    return np.float32(math.sin(v1)) * r, np.float32(math.cos(v1)) * r


@numba.njit(cache=True)
def _box_muller64(wa, wb, wc, wd):
    """TF's float64 Box-Muller on four words."""
    u1 = _u64(wa, wb)
    if u1 < 1.0e-7:
        u1 = 1.0e-7
    v1 = _TWO_PI * _u64(wc, wd)
    r = math.sqrt(-2.0 * math.log(u1))
    return math.sin(v1) * r, math.cos(v1) * r


# ----------------------------------------------------------------- distributions
# Outputs are padded to whole blocks (4 values per block, or 2 for 64-bit values);
# the Python wrappers cut them to n.


@numba.njit(cache=True)
def _uniform32_kernel(k0, k1, lo64, hi64, out):
    """out[4j + t] = float32 uniform of word t of block j."""
    nb = out.shape[0] // 4
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            i = 4 * (first + t)
            out[i] = _u32(c0[t])
            out[i + 1] = _u32(c1[t])
            out[i + 2] = _u32(c2[t])
            out[i + 3] = _u32(c3[t])


@numba.njit(cache=True)
def _uniform16_kernel(k0, k1, lo64, hi64, out):
    """out[4j + t] = float16 uniform of word t of block j (stored in float32)."""
    nb = out.shape[0] // 4
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            i = 4 * (first + t)
            out[i] = _u16(c0[t])
            out[i + 1] = _u16(c1[t])
            out[i + 2] = _u16(c2[t])
            out[i + 3] = _u16(c3[t])


@numba.njit(cache=True)
def _uniform64_kernel(k0, k1, lo64, hi64, out):
    """out[2j] from (w0, w1), out[2j + 1] from (w2, w3) of block j."""
    nb = out.shape[0] // 2
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            i = 2 * (first + t)
            out[i] = _u64(c0[t], c1[t])
            out[i + 1] = _u64(c2[t], c3[t])


@numba.njit(cache=True)
def _normal32_kernel(k0, k1, lo64, hi64, out):
    """Box-Muller on (w0, w1) -> out[4j], out[4j+1] and on (w2, w3) -> out[4j+2], out[4j+3]."""
    nb = out.shape[0] // 4
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            i = 4 * (first + t)
            out[i], out[i + 1] = _box_muller32(c0[t], c1[t])
            out[i + 2], out[i + 3] = _box_muller32(c2[t], c3[t])


@numba.njit(cache=True)
def _normal64_kernel(k0, k1, lo64, hi64, out):
    """One double Box-Muller per block -> out[2j], out[2j + 1]."""
    nb = out.shape[0] // 2
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            i = 2 * (first + t)
            out[i], out[i + 1] = _box_muller64(c0[t], c1[t], c2[t], c3[t])


@numba.njit(cache=True)
def _int32_kernel(k0, k1, lo64, hi64, lo, rng, out):
    """out[4j + t] = lo + word t % rng, wrapping in 32 bits (uint32, viewed as int32)."""
    nb = out.shape[0] // 4
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            i = 4 * (first + t)
            out[i] = (lo + c0[t] % rng) & _M32
            out[i + 1] = (lo + c1[t] % rng) & _M32
            out[i + 2] = (lo + c2[t] % rng) & _M32
            out[i + 3] = (lo + c3[t] % rng) & _M32


@numba.njit(cache=True)
def _int64_kernel(k0, k1, lo64, hi64, lo, rng, out):
    """out[2j] = lo + (w0 | w1 << 32) % rng, out[2j+1] from (w2, w3); wraps in 64 bits."""
    nb = out.shape[0] // 2
    c0, c1, c2, c3 = _lanes(_CHUNK)
    for first in range(0, nb, _CHUNK):
        m = min(_CHUNK, nb - first)
        _fill_lanes(k0, k1, lo64, hi64, first, m, c0, c1, c2, c3)
        for t in range(m):
            i = 2 * (first + t)
            out[i] = lo + (c0[t] | (c1[t] << _S32)) % rng
            out[i + 1] = lo + (c2[t] | (c3[t] << _S32)) % rng


@numba.njit(cache=True)
def _truncated32_kernel(k0, k1, lo64, hi64, out):
    """Group g of 4 restarts at block 256*g; word pairs -> Box-Muller; keep |x| < 2."""
    n = out.shape[0]
    for g in range(n // 4):
        got = 0
        blk = np.uint64(256 * g)
        while got < 4:
            # Words are read one at a time, so the pairs are (w0, w1) and (w2, w3).
            w0, w1, w2, w3 = _block(k0, k1, lo64, hi64, blk)
            blk += _ONE
            x0, x1 = _box_muller32(w0, w1)
            x2, x3 = _box_muller32(w2, w3)
            for x in (x0, x1, x2, x3):
                if got < 4 and abs(x) < _TRUNC32:
                    out[4 * g + got] = x
                    got += 1


@numba.njit(cache=True)
def _truncated64_kernel(k0, k1, lo64, hi64, out):
    """Group g of 2 restarts at block 128*g; one double Box-Muller per block; keep |x| < 2."""
    n = out.shape[0]
    for g in range(n // 2):
        got = 0
        blk = np.uint64(128 * g)
        while got < 2:
            w0, w1, w2, w3 = _block(k0, k1, lo64, hi64, blk)
            blk += _ONE
            x0, x1 = _box_muller64(w0, w1, w2, w3)
            for x in (x0, x1):
                if got < 2 and abs(x) < 2.0:
                    out[2 * g + got] = x
                    got += 1


# -------------------------------------------------------------------- public API


def counters_per_run(n):
    """Blocks one session run of a random op with ``n`` output elements skips (TF: 256*n)."""
    return _RESERVED_PER_OUTPUT * int(n)


def _stream(seed, seed2, counter):
    """Key words and the 128-bit start counter as (k0, k1, lo64, hi64) numpy uint64s."""
    seed = int(seed) & _MASK64
    start = (((int(seed2) & _MASK64) << 64) + int(counter)) & _MASK128
    return (np.uint64(seed & 0xFFFFFFFF), np.uint64(seed >> 32),
            np.uint64(start & _MASK64), np.uint64(start >> 64))


def _dtype(dtype):
    """The numpy dtype of ``dtype`` (kernels take numpy dtypes only, never a minitf DType)."""
    return np.dtype(dtype)


def _run(kernel, seed, seed2, counter, n, per_block, buf_dtype, *args):
    """Call kernel on an output padded to whole blocks and return the first n values."""
    n = int(n)
    if n < 0:
        raise ValueError(f"negative number of values: {n}")
    out = np.empty(-(-n // per_block) * per_block, buf_dtype)
    kernel(*_stream(seed, seed2, counter), *args, out)
    return out if out.shape[0] == n else out[:n].copy()


def philox_words(seed, seed2, counter, nblocks):
    """Raw Philox4x32-10 output: (nblocks, 4) uint32 for blocks counter .. counter+nblocks-1.

    Block j is the 10-round Philox of the 128-bit counter ``(seed2 << 64) + counter + j``
    under the 64-bit key ``seed``.

    Example:
        >>> philox_words(87654321, 2, 0, 3).shape
        (3, 4)
    """
    out = np.empty((int(nblocks), 4), np.uint32)
    _words_kernel(*_stream(seed, seed2, counter), out)
    return out


def uniform(seed, seed2, counter, n, dtype=np.float32):
    """``n`` floats in [0, 1) exactly as TF's RandomUniform kernel (float16/32/64).

    Example:
        >>> x = uniform(87654321, 2, 0, 1)  # tf.random_uniform([], -10, 10, seed=2)
        >>> float(x[0] * np.float32(20) + np.float32(-10))
        3.574932098388672
    """
    dt = _dtype(dtype)
    if dt == np.float32:
        return _run(_uniform32_kernel, seed, seed2, counter, n, 4, np.float32)
    if dt == np.float64:
        return _run(_uniform64_kernel, seed, seed2, counter, n, 2, np.float64)
    if dt == np.float16:
        return _run(_uniform16_kernel, seed, seed2, counter, n, 4, np.float32).astype(np.float16)
    raise TypeError(f"uniform: unsupported dtype {dt}")


def normal(seed, seed2, counter, n, dtype=np.float32):
    """``n`` standard normal values exactly as TF's RandomStandardNormal kernel (float16/32/64)."""
    dt = _dtype(dtype)
    if dt == np.float32 or dt == np.float16:
        out = _run(_normal32_kernel, seed, seed2, counter, n, 4, np.float32)
        return out if dt == np.float32 else out.astype(np.float16)
    if dt == np.float64:
        return _run(_normal64_kernel, seed, seed2, counter, n, 2, np.float64)
    raise TypeError(f"normal: unsupported dtype {dt}")


def truncated_normal(seed, seed2, counter, n, dtype=np.float32):
    """``n`` standard normal values with |x| < 2, exactly as TF's TruncatedNormal kernel."""
    dt = _dtype(dtype)
    if dt == np.float32 or dt == np.float16:
        out = _run(_truncated32_kernel, seed, seed2, counter, n, 4, np.float32)
        return out if dt == np.float32 else out.astype(np.float16)
    if dt == np.float64:
        return _run(_truncated64_kernel, seed, seed2, counter, n, 2, np.float64)
    raise TypeError(f"truncated_normal: unsupported dtype {dt}")


def uniform_int(seed, seed2, counter, n, minval, maxval, dtype=np.int32):
    """``n`` integers in [minval, maxval) exactly as TF's RandomUniformInt kernel (int32/int64).

    Raises:
        ValueError: if ``minval >= maxval`` and n > 0 (TF: "Need minval < maxval").
    """
    dt = _dtype(dtype)
    minval, maxval = int(minval), int(maxval)
    if int(n) > 0 and minval >= maxval:
        raise ValueError(f"Need minval < maxval, got minval = {minval}, maxval = {maxval}")
    if dt == np.int32:
        lo, rng = np.uint64(minval & 0xFFFFFFFF), np.uint64((maxval - minval) & 0xFFFFFFFF)
        return _run(_int32_kernel, seed, seed2, counter, n, 4, np.uint32, lo, rng).view(np.int32)
    if dt == np.int64:
        lo, rng = np.uint64(minval & _MASK64), np.uint64((maxval - minval) & _MASK64)
        return _run(_int64_kernel, seed, seed2, counter, n, 2, np.uint64, lo, rng).view(np.int64)
    raise TypeError(f"uniform_int: unsupported dtype {dt}")
