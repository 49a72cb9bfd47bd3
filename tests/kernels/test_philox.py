"""Philox4x32-10 kernels against an independent reference and against real TensorFlow."""
import ctypes
import ctypes.util
import hashlib
import math

import numpy as np
import pytest

from minitf.kernels import philox

M32 = 0xFFFFFFFF


def ref_philox(key, ctr):
    """Philox4x32-10 on Python ints: key (k0, k1), counter (c0, c1, c2, c3) -> 4 words."""
    k0, k1 = key
    c0, c1, c2, c3 = ctr
    for _ in range(10):
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & M32, (p0 >> 32) ^ c3 ^ k1, p0 & M32
        k0, k1 = (k0 + 0x9E3779B9) & M32, (k1 + 0xBB67AE85) & M32
    return c0, c1, c2, c3


def ref_words(seed, seed2, counter, nblocks):
    """Blocks of the 128-bit counter (seed2 << 64) + counter + j under key seed."""
    key = (seed & M32, seed >> 32)
    rows = []
    for j in range(nblocks):
        c = ((seed2 << 64) + counter + j) % 2**128
        rows.append(ref_philox(key, [(c >> s) & M32 for s in (0, 32, 64, 96)]))
    return np.array(rows, np.uint32)


# ----------------------------------------------------------------- block function


@pytest.mark.parametrize("seed, seed2, counter", [
    (87654321, 2, 0),
    (0, 2**31 - 1, 5),
    (2**64 - 1, 2**64 - 1, 2**64 - 3),        # lo 64 bits carry into seed2's half
    (0x123456789ABCDEF0, 2**64 - 1, 2**64 - 2),  # the 128-bit counter wraps to 0
    (3, 4, 2**40 + 2**32 - 1),
])
def test_block_function_matches_reference(seed, seed2, counter):
    got = philox.philox_words(seed, seed2, counter, 700)  # more than one internal chunk
    assert np.array_equal(got, ref_words(seed, seed2, counter, 700))


@pytest.mark.parametrize("ctr, key, expected", [
    # Published Philox4x32-10 known-answer vectors (Random123).
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((M32,) * 4, (M32, M32), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_block_function_known_answers(ctr, key, expected):
    assert ref_philox(key, ctr) == expected
    seed = key[0] | key[1] << 32
    got = philox.philox_words(seed, ctr[2] | ctr[3] << 32, ctr[0] | ctr[1] << 32, 1)
    assert tuple(int(w) for w in got[0]) == expected


def test_counter_skip_per_run():
    assert philox.counters_per_run(1) == 256
    assert philox.counters_per_run(10) == 2560
    assert philox.counters_per_run(0) == 0


# ------------------------------------------------------------ FORMATS check values


def test_formats_check_values():
    # tf.random_uniform([], -10, 10, seed=2): no graph seed -> seeds (87654321, 2).
    lo, hi = np.float32(-10), np.float32(10)
    got = []
    for run in range(3):
        rnd = philox.uniform(87654321, 2, run * philox.counters_per_run(1), 1, np.float32)
        got.append(rnd * (hi - lo) + lo)
    assert np.concatenate(got).tolist() == np.array(
        [3.574932, -5.9731865, -0.028779984], np.float32).tolist()


def test_uniform_is_mantissa_of_the_words():
    words = philox.philox_words(5, 6, 7, 3).ravel()
    as_float = ((words & 0x7FFFFF) | 0x3F800000).view(np.float32) - np.float32(1)
    assert np.array_equal(philox.uniform(5, 6, 7, 12, np.float32), as_float)


# ------------------------------------------------- float32 libm (logf, sinf, cosf)


def _glibc_float_math():
    """glibc's float32 logf/sinf/cosf/sqrtf through ctypes, or skip."""
    name = ctypes.util.find_library("m")
    if name is None:
        pytest.skip("no C math library to compare with")
    libm = ctypes.CDLL(name)
    fns = []
    for fn in ("logf", "sinf", "cosf", "sqrtf"):
        f = getattr(libm, fn)
        f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
        fns.append(lambda x, f=f: np.float32(f(float(x))))
    return fns


def test_kernel_normal_uses_glibc_float_math():
    """The numba kernel's Box-Muller equals one computed with glibc's float32 functions.

    TF computes logf/sinf/cosf in float32 with glibc; numba's math.log/sin/cos on float32
    values call the same functions. 20,000 Box-Muller outputs must agree bit for bit.
    """
    logf, sinf, cosf, sqrtf = _glibc_float_math()
    nblocks = 5000
    words = philox.philox_words(11, 12, 0, nblocks).reshape(-1, 2)
    got = philox.normal(11, 12, 0, 4 * nblocks, np.float32)
    expected = np.empty(4 * nblocks, np.float32)
    for k, (w0, w1) in enumerate(words):
        u1 = max(np.float32(int(w0) & 0x7FFFFF) * np.float32(2**-23), np.float32(1e-7))
        v1 = np.float32(2 * math.pi * float(np.float32(int(w1) & 0x7FFFFF) * np.float32(2**-23)))
        r = sqrtf(np.float32(-2) * logf(u1))
        expected[2 * k], expected[2 * k + 1] = sinf(v1) * r, cosf(v1) * r
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_numpy_float32_log_is_not_glibc():
    """Why the kernel needs numba: numpy's float32 np.log is not glibc's logf everywhere."""
    logf = _glibc_float_math()[0]
    x = philox.uniform(1, 2, 0, 20000, np.float32) + np.float32(1e-7)
    ref = np.array([logf(v) for v in x], np.float32)
    differ = int(np.count_nonzero(np.log(x) != ref))
    if differ == 0:
        pytest.skip("this numpy build's float32 log happens to agree with glibc")
    assert differ > 0


# ------------------------------------------------------- golden values from real TF

# Produced by tf.compat.v1 in TensorFlow 2.21 (CPU) with:
#
#   import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()
#   ops = {"normal_f32_10_s5": tf.random_normal([10], seed=5), ...}   # one per row below
#   with tf.Session() as s:
#       runs = [s.run(ops) for _ in range(2)]
#
# where each row's op is tf.<fn>(shape, seed=op_seed, dtype=dtype) (random_uniform rows
# with integer dtype pass minval, maxval). No graph seed is set, so the op seeds are
# (87654321, op_seed). The "graph seed" rows come from a second graph with
# tf.set_random_seed(7); tf.constant(1.0); a = tf.random_uniform([5]);
# b = tf.random_normal([5]) -- a gets seeds (7, 0), b gets (7, 1).
# Run r starts at counter r * 256 * n.
GOLDEN = [
    ("uniform", "float32", 3, None, [
        [0.3869294, 0.36002624, 0.9768796, 0.08651638, 0.5038012, 0.3585019, 0.20932388],
        [0.08177745, 0.82860124, 0.55800104, 0.27077115, 0.7489977, 0.14601016, 0.91059375]]),
    ("uniform", "float64", 3, None, [
        [0.0954352046549809, 0.8150370178493045, 0.030410284844230695, 0.6745911073445203,
         0.3952113641569046, 0.7574176927702556, 0.09003162361706685],
        [0.65421980214976, 0.4640087266839503, 0.9919817208238135, 0.28475003418343126,
         0.14290050340718197, 0.8302705602381697, 0.213857362641809]]),
    ("uniform", "float16", 3, None, [
        [0.7256, 0.335, 0.5977, 0.742, 0.1396, 0.8477, 0.7812],
        [0.921, 0.9014, 0.1445, 0.1572, 0.789, 0.11523, 0.584]]),
    ("normal", "float32", 5, None, [
        [-1.1780828, -0.7099414, -1.748158, -0.49537227, 0.24303888, -0.12631302, -0.6639287,
         -0.49519837, -0.8939343, -1.7965925],
        [1.6615932, -0.08265809, -0.45590812, -1.4511632, 0.21604308, 1.5525594, 1.9067631,
         -1.382595, -2.0862148, 0.44369596]]),
    ("normal", "float64", 5, None, [
        [-0.46540936664254984, -2.0646521014272525, -0.7490927202357748, -0.36965894530492355,
         -1.0471234980003954, -2.067131605254701, -0.8142288358432652],
        [-1.022406428672274, 0.8560200845240074, 1.4893890650525339, -0.08673579668422333,
         -0.51791904250026, -1.4196215270111063, -0.781469928306334]]),
    ("normal", "float16", 5, None, [
        [-1.178, -0.71, -1.748, -0.4954, 0.243, -0.1263, -0.664],
        [-1.538, -0.1841, -1.156, 0.346, -0.602, 1.451, 0.5015]]),
    ("truncated", "float32", 1, None, [
        [-0.8113182, 1.4845988, 0.06532937, 0.0992484, 0.6396971, 1.6108712, 0.16353562,
         -1.5157056, 1.3587774],
        [1.2409041, 0.44875884, 0.33140722, 0.18946944, -0.666205, -0.416783, 1.8211031,
         0.680353, -0.49349836]]),
    ("truncated", "float64", 1, None, [
        [0.24282754598505307, -0.35299821810996557, -0.16554790468414687, 0.34224683233230957,
         -0.012115088506327797, -0.7023301545951528, -1.0235360261015545],
        [-0.05166481320640266, -1.534087440650118, -0.5315370381376878, -0.23338870390066918,
         1.2686406358577906, 0.0548793014122281, -1.0258557228003278]]),
    ("int", "int32", 4, (-5, 17), [
        [0, 10, 15, -2, 4, 10, 14, 9, -2, 11],
        [12, 7, -1, 14, 7, 10, -1, 0, 6, 0]]),
    ("int", "int64", 4, (-3, 2**40), [
        [943702706896, 245215785729, 349375983077, 558550469018, 835871610230, 417226302659,
         975794794697],
        [178171911438, 175240386205, 992768837163, 748569146875, 704804504924, 830307107457,
         996526446260]]),
]
GRAPH_SEED_GOLDEN = [  # tf.set_random_seed(7), no op seeds
    ("uniform", (7, 0), [[0.7537285, 0.0779376, 0.45880914, 0.856827, 0.36372697],
                         [0.8680136, 0.007736683, 0.052414656, 0.82169485, 0.357733]]),
    ("normal", (7, 1), [[-0.5408054, 1.122033, 1.174174, -0.86401314, 1.013183],
                        [-1.2534562, 2.1495187, -0.8771185, -0.095935315, 1.0515172]]),
]


def _draw(kind, seeds, counter, n, dtype, bounds=None):
    """One run of the kernel for a golden row."""
    if kind == "int":
        return philox.uniform_int(*seeds, counter, n, bounds[0], bounds[1], dtype)
    fn = {"uniform": philox.uniform, "normal": philox.normal,
          "truncated": philox.truncated_normal}[kind]
    return fn(*seeds, counter, n, dtype)


@pytest.mark.parametrize("kind, dtype, op_seed, bounds, runs", GOLDEN,
                         ids=[f"{r[0]}-{r[1]}" for r in GOLDEN])
def test_golden_values_from_tensorflow(kind, dtype, op_seed, bounds, runs):
    n = len(runs[0])
    for r, expected in enumerate(runs):
        got = _draw(kind, (87654321, op_seed), r * philox.counters_per_run(n), n, dtype, bounds)
        assert got.dtype == np.dtype(dtype)
        assert np.array_equal(got, np.array(expected, dtype)), f"run {r}"


@pytest.mark.parametrize("kind, seeds, runs", GRAPH_SEED_GOLDEN)
def test_golden_values_graph_seed_only(kind, seeds, runs):
    for r, expected in enumerate(runs):
        got = _draw(kind, seeds, r * philox.counters_per_run(5), 5, np.float32)
        assert np.array_equal(got, np.array(expected, np.float32))


def test_skip_uses_each_runs_element_count():
    # tf.raw_ops.RandomUniform(shape=shp, dtype=tf.float32, seed=87654321, seed2=3) with a
    # fed shape, run with shp = [0], [3], [5], [2] in one Session (tf.compat.v1, TF 2.21).
    expected = [[], [0.3869294, 0.36002624, 0.9768796],
                [0.9421699, 0.58011603, 0.3642112, 0.8231851, 0.36736035],
                [0.23662817, 0.70081663]]
    counter = 0
    for values in expected:
        n = len(values)
        got = philox.uniform(87654321, 3, counter, n, np.float32)
        assert np.array_equal(got, np.array(values, np.float32))
        counter += philox.counters_per_run(n)
    assert counter == 256 * (3 + 5 + 2)


# SHA-256 (first 16 hex digits) of the bytes of three successive runs, concatenated, of
# the raw op with explicit seed attrs, from tf.compat.v1 in TensorFlow 2.21 (CPU):
#
#   t = tf.raw_ops.RandomUniform(shape=[n], dtype=dtype, seed=seed, seed2=seed2)
#   # likewise RandomStandardNormal, TruncatedNormal, and
#   # RandomUniformInt(shape=[n], minval=tf.constant(lo, dtype), maxval=tf.constant(hi, dtype))
#   with tf.Session() as s:
#       digest = sha256(b"".join(s.run(t).tobytes() for _ in range(3))).hexdigest()[:16]
#
# seed2 = 2**64 - 3 was passed to TF as the int64 -3.
DIGESTS = [
    ("uniform", "float16", 1001, 87654321, 3, None, "f429eb94b4c88efa"),
    ("normal", "float16", 1001, 87654321, 3, None, "f2ee934ffae526c8"),
    ("truncated", "float16", 1001, 87654321, 3, None, "6014f681ef0c80fa"),
    ("uniform", "float16", 9, 2**32 + 5, 2**64 - 3, None, "56b6241df91a8071"),
    ("normal", "float16", 9, 2**32 + 5, 2**64 - 3, None, "f8bdfacb7c4a44f2"),
    ("truncated", "float16", 9, 2**32 + 5, 2**64 - 3, None, "91c9ca448ff2b362"),
    ("uniform", "float32", 1001, 87654321, 3, None, "beebaf300e0017af"),
    ("normal", "float32", 1001, 87654321, 3, None, "11922f1d9db92689"),
    ("truncated", "float32", 1001, 87654321, 3, None, "988cca899f73f8a0"),
    ("uniform", "float32", 9, 2**32 + 5, 2**64 - 3, None, "a4ce7e730d4a7b74"),
    ("normal", "float32", 9, 2**32 + 5, 2**64 - 3, None, "f5d21155efea89b0"),
    ("truncated", "float32", 9, 2**32 + 5, 2**64 - 3, None, "fbf27b03f10d78c4"),
    ("uniform", "float32", 100000, 7, 0, None, "5f56617884318a7f"),
    ("normal", "float32", 100000, 7, 0, None, "1436cb77378b02e7"),
    ("truncated", "float32", 100000, 7, 0, None, "ae3ffb1b5722b298"),
    ("uniform", "float64", 1001, 87654321, 3, None, "185a3bf613e30855"),
    ("normal", "float64", 1001, 87654321, 3, None, "2f7aa00a342e344d"),
    ("truncated", "float64", 1001, 87654321, 3, None, "146f151e5acce4db"),
    ("uniform", "float64", 9, 2**32 + 5, 2**64 - 3, None, "d6244330d4649179"),
    ("normal", "float64", 9, 2**32 + 5, 2**64 - 3, None, "8b76dd967dd8efb4"),
    ("truncated", "float64", 9, 2**32 + 5, 2**64 - 3, None, "8ee42b1159bb3c41"),
    ("uniform", "float64", 100000, 7, 0, None, "29e3be8f2aaced7b"),
    ("normal", "float64", 100000, 7, 0, None, "8af2f334dea963ad"),
    ("truncated", "float64", 100000, 7, 0, None, "4fe0bcc9a61d61dc"),
    ("int", "int32", 1001, 87654321, 5, (-5, 17), "4322dbaae8699421"),
    ("int", "int32", 1001, 87654321, 5, (-2**31, 2**31 - 1), "a6524417adc1180f"),
    ("int", "int32", 1001, 87654321, 5, (0, 7), "be8c455a12590fb8"),
    ("int", "int64", 1001, 87654321, 5, (-3, 1000), "2384d14181a4165f"),
    ("int", "int64", 1001, 87654321, 5, (-2**63, 2**63 - 1), "35b6a0e101d34228"),
    ("int", "int64", 1001, 87654321, 5, (0, 2**40 + 3), "c5383d375f492799"),
]


@pytest.mark.parametrize("kind, dtype, n, seed, seed2, bounds, digest", DIGESTS)
def test_digests_from_tensorflow(kind, dtype, n, seed, seed2, bounds, digest):
    runs = [_draw(kind, (seed, seed2), r * philox.counters_per_run(n), n, dtype, bounds)
            for r in range(3)]
    assert all(x.dtype == np.dtype(dtype) and x.shape == (n,) for x in runs)
    assert hashlib.sha256(b"".join(x.tobytes() for x in runs)).hexdigest()[:16] == digest


# ------------------------------------------------------------------ edge behaviour


@pytest.mark.parametrize("fn", [philox.uniform, philox.normal, philox.truncated_normal])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_empty_and_tails(fn, dtype):
    assert fn(1, 2, 0, 0, dtype).shape == (0,)
    full = fn(1, 2, 0, 13, dtype)
    for n in (1, 2, 3, 5, 12):  # a shorter run is a prefix of a longer one
        assert np.array_equal(fn(1, 2, 0, n, dtype), full[:n])


def test_ranges():
    for dtype in (np.float16, np.float32, np.float64):
        x = philox.uniform(9, 9, 0, 10000, dtype)
        assert x.min() >= 0 and x.max() < 1
        assert np.abs(philox.truncated_normal(9, 9, 0, 10000, dtype)).max() < 2
    i = philox.uniform_int(9, 9, 0, 10000, -3, 4, np.int64)
    assert i.min() == -3 and i.max() == 3


def test_bad_arguments():
    with pytest.raises(ValueError, match="minval < maxval"):
        philox.uniform_int(1, 2, 0, 3, 5, 5)
    assert philox.uniform_int(1, 2, 0, 0, 5, 5).shape == (0,)
    with pytest.raises(TypeError):
        philox.uniform(1, 2, 0, 3, np.int32)
