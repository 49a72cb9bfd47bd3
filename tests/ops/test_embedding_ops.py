"""embedding_lookup (sharded, sparse gradients), embedding_lookup_sparse, partitioners and
PartitionedVariable, checked against numpy indexing and the formulas TF documents."""
import numpy as np
import pytest

import minitf as tf
from tests.util import dense_value


def run(fetches, feed_dict=None, init=False):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed_dict)


def split(table, n, strategy):
    """The shards TF's partition_strategy makes of ``table``; a shard's rows in order."""
    if strategy == "mod":
        return [table[s::n] for s in range(n)]
    sizes = [len(table) // n + (s < len(table) % n) for s in range(n)]
    return np.split(table, np.cumsum(sizes)[:-1])


def table(rows, cols=3, seed=0):
    return np.random.RandomState(seed).randn(rows, cols).astype(np.float32)


# -- embedding_lookup ------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize("rows,shards", [(10, 3), (11, 4), (5, 5), (7, 2)])
@pytest.mark.parametrize("id_shape", [(), (6,), (2, 3)])
def test_sharded_lookup_equals_indexing_the_whole_table(strategy, rows, shards, id_shape):
    full = table(rows)
    ids = np.random.RandomState(1).randint(0, rows, size=id_shape).astype(np.int64)
    with tf.Graph().as_default():
        parts = [tf.constant(p) for p in split(full, shards, strategy)]
        out = tf.nn.embedding_lookup(parts, ids, partition_strategy=strategy)
        assert out.shape.as_list() == list(id_shape) + [3]
        np.testing.assert_array_equal(run(out), full[ids])


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_shard_gradients_are_sparse_and_duplicates_add(strategy):
    full = table(9)
    ids = np.array([[4, 4, 0], [8, 4, 1]], np.int32)
    up = np.random.RandomState(2).randn(2, 3, 3).astype(np.float32)
    with tf.Graph().as_default():
        parts = [tf.constant(p) for p in split(full, 3, strategy)]
        out = tf.nn.embedding_lookup(parts, ids, partition_strategy=strategy)
        grads = tf.gradients(out, parts, grad_ys=up)
        assert all(isinstance(g, tf.IndexedSlices) for g in grads)
        got = run(grads)
    want = np.zeros_like(full)
    np.add.at(want, ids.ravel(), up.reshape(-1, 3))
    for g, w in zip(got, split(want, 3, strategy)):
        np.testing.assert_allclose(dense_value(g), w, rtol=1e-6)


def test_single_table_gradient_lists_one_slice_per_id():
    with tf.Graph().as_default():
        emb = tf.constant(table(5))
        g, = tf.gradients(tf.reduce_sum(tf.nn.embedding_lookup(emb, [3, 1, 3])), emb)
        got = run(g)
    np.testing.assert_array_equal(got.indices, [3, 1, 3])
    np.testing.assert_array_equal(got.values, np.ones((3, 3)))
    np.testing.assert_array_equal(got.dense_shape, [5, 3])


def test_densifying_a_sparse_gradient_of_unknown_shape_warns_as_tf_does():
    full = table(5)
    with tf.Graph().as_default():
        emb = tf.placeholder(tf.float32)  # TF warns only when dense_shape is not constant
        g, = tf.gradients(tf.reduce_sum(tf.nn.embedding_lookup(emb, [3, 3])), emb)
        with pytest.warns(UserWarning, match="Converting sparse IndexedSlices to a dense "
                                             "Tensor of unknown shape"):
            dense = tf.convert_to_tensor(g)
        want = np.zeros((5, 3), np.float32)
        want[3] = 2
        np.testing.assert_array_equal(run(dense, {emb: full}), want)


@pytest.mark.parametrize("opt", [
    lambda: tf.train.GradientDescentOptimizer(0.5),
    lambda: tf.train.MomentumOptimizer(0.5, 0.9),
    lambda: tf.train.AdagradOptimizer(0.5),
    lambda: tf.train.RMSPropOptimizer(0.5),
    lambda: tf.train.AdamOptimizer(0.5),
], ids=["sgd", "momentum", "adagrad", "rmsprop", "adam"])
def test_a_step_touches_only_the_looked_up_rows_of_each_shard(opt):
    # shard 0 of 3 ("mod") holds rows 0, 3, 6, 9, none of them looked up: its update is empty
    full = table(10)
    ids = np.array([7, 2, 7], np.int32)
    with tf.Graph().as_default():
        shards = [tf.Variable(p) for p in split(full, 3, "mod")]
        loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(shards, ids)))
        step = opt().minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
            after = np.concatenate(sess.run(shards))
    before = np.concatenate(split(full, 3, "mod"))
    order = np.concatenate([np.arange(10)[s::3] for s in range(3)])  # table row of each
    changed = set(order[np.any(after != before, axis=1)])
    assert changed == {2, 7}


@pytest.mark.parametrize("max_norm", [0.5, 1.0, 100.0])
def test_max_norm_clips_each_looked_up_row(max_norm):
    full = table(6) * 2
    ids = np.array([[0, 5], [5, 2]])
    with tf.Graph().as_default():
        parts = [tf.constant(p) for p in split(full, 2, "div")]
        out = tf.nn.embedding_lookup(parts, ids, partition_strategy="div", max_norm=max_norm)
        got = run(out)
    rows = full[ids]
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    np.testing.assert_allclose(got, rows * np.minimum(1, max_norm / norms), rtol=1e-5)


def test_max_norm_with_ids_of_unknown_rank():
    full = table(4) * 3
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int32)
        out = tf.nn.embedding_lookup(tf.constant(full), ids, max_norm=1.0)
        got = run(out, {ids: [[1], [3]]})
    rows = full[[[1], [3]]]
    np.testing.assert_allclose(got, rows / np.linalg.norm(rows, axis=-1, keepdims=True),
                               rtol=1e-5)


def test_lookup_with_ids_known_only_at_run_time():
    full = table(7)
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int64, [None])
        parts = [tf.constant(p) for p in split(full, 3, "div")]
        out = tf.nn.embedding_lookup(parts, ids, partition_strategy="div")
        assert out.shape.as_list() == [None, 3]
        np.testing.assert_array_equal(run(out, {ids: [6, 0, 3]}), full[[6, 0, 3]])


def test_bad_arguments():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Need at least one param"):
            tf.nn.embedding_lookup([], [0])
        with pytest.raises(ValueError, match="Unrecognized partition strategy: even"):
            tf.nn.embedding_lookup([tf.zeros([2, 2])] * 2, [0], partition_strategy="even")
        out = tf.nn.embedding_lookup(tf.zeros([3, 2]), [5])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = 5"):
            run(out)


# -- embedding_lookup_sparse -----------------------------------------------------------


def bags_reference(full, bags, weights, combiner):
    """One row per bag, combined in plain numpy; the output stops at the last non-empty bag."""
    last = max(i for i, bag in enumerate(bags) if bag)
    out = np.zeros((last + 1, full.shape[1]), np.float64)
    for r, (bag, w) in enumerate(zip(bags[:last + 1], weights[:last + 1])):
        if not bag:
            continue
        w = np.asarray(w, np.float64)
        total = (full[bag] * w[:, None]).sum(0)
        scale = {"sum": 1, "mean": w.sum(), "sqrtn": np.sqrt((w * w).sum())}[combiner]
        out[r] = total / scale
    return out


def sparse_bags(bags, weights):
    indices = [[r, k] for r, bag in enumerate(bags) for k in range(len(bag))]
    width = max(len(b) for b in bags)
    shape = [len(bags), width]
    ids = tf.SparseTensor(indices, np.array([i for b in bags for i in b], np.int64), shape)
    ws = tf.SparseTensor(indices, np.array([w for ww in weights for w in ww], np.float32),
                         shape)
    return ids, ws


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("shards", [1, 3])
def test_sparse_lookup_combines_each_bag(combiner, shards):
    full = table(8)
    bags = [[1, 5, 1], [], [7], [0, 2], []]
    weights = [[0.5, 2.0, 1.0], [], [3.0], [1.0, -0.5], []]
    with tf.Graph().as_default():
        ids, ws = sparse_bags(bags, weights)
        params = [tf.constant(p) for p in split(full, shards, "mod")]
        weighted = tf.nn.embedding_lookup_sparse(params, ids, ws, combiner=combiner)
        plain = tf.nn.embedding_lookup_sparse(params, ids, None, combiner=combiner)
        got_w, got_p = run([weighted, plain])
    np.testing.assert_allclose(got_w, bags_reference(full, bags, weights, combiner), rtol=1e-5)
    ones = [[1.0] * len(b) for b in bags]
    np.testing.assert_allclose(got_p, bags_reference(full, bags, ones, combiner), rtol=1e-5)


def test_sparse_lookup_gradient_weights_each_row():
    full = table(6)
    bags, weights = [[1, 4], [4]], [[2.0, 1.0], [3.0]]
    with tf.Graph().as_default():
        ids, ws = sparse_bags(bags, weights)
        emb = tf.constant(full)
        out = tf.nn.embedding_lookup_sparse(emb, ids, ws, combiner="sum")
        g, = tf.gradients(tf.reduce_sum(out), emb)
        got = dense_value(run(g))
    want = np.zeros_like(full)
    want[1], want[4] = 2.0, 1.0 + 3.0
    np.testing.assert_allclose(got, want)


def test_sparse_lookup_default_combiner_warns_and_means():
    full = table(4)
    with tf.Graph().as_default():
        ids, _ = sparse_bags([[0, 3]], [[1, 1]])
        with pytest.warns(UserWarning, match="combiner"):
            out = tf.nn.embedding_lookup_sparse(tf.constant(full), ids, None)
        np.testing.assert_allclose(run(out), [(full[0] + full[3]) / 2], rtol=1e-6)


def test_sparse_lookup_bad_arguments():
    with tf.Graph().as_default():
        ids, _ = sparse_bags([[0]], [[1]])
        with pytest.raises(ValueError, match="combiner must be one of"):
            tf.nn.embedding_lookup_sparse(tf.zeros([2, 2]), ids, None, combiner="max")
        with pytest.raises(TypeError, match="sp_ids must be SparseTensor"):
            tf.nn.embedding_lookup_sparse(tf.zeros([2, 2]), [0], None, combiner="sum")


def test_sparse_tensor_fetches_as_a_value():
    with tf.Graph().as_default():
        st = tf.SparseTensor([[0, 1], [2, 0]], [5.0, 6.0], [3, 2])
        got = run(st)
    assert isinstance(got, tf.SparseTensorValue)
    np.testing.assert_array_equal(got.indices, [[0, 1], [2, 0]])
    np.testing.assert_array_equal(got.values, [5.0, 6.0])
    np.testing.assert_array_equal(got.dense_shape, [3, 2])


# -- partitioners and PartitionedVariable ----------------------------------------------


@pytest.mark.parametrize("rows,n,want", [(10, 3, [4, 3, 3]), (11, 4, [3, 3, 3, 2]),
                                         (2, 5, [1, 1])])
def test_fixed_size_partitioner_shapes_and_names(rows, n, want):
    with tf.Graph().as_default():
        with tf.variable_scope("model", partitioner=tf.fixed_size_partitioner(n)):
            emb = tf.get_variable("emb", [rows, 4])
        assert isinstance(emb, tf.PartitionedVariable)
        assert [v.shape.as_list() for v in emb] == [[k, 4] for k in want]
        assert [v.op.name for v in emb] == ["model/emb/part_%d" % i for i in range(len(want))]
        assert emb.get_shape().as_list() == [rows, 4]
        assert len(tf.global_variables()) == len(want)


@pytest.mark.parametrize("shape,dtype,max_parts,min_slice", [
    ([1000, 64], tf.float32, 8, 64 << 10),    # 256,000 bytes: ceil(3.9) = 4 shards
    ([1000, 64], tf.float32, 3, 64 << 10),    # capped by max_partitions
    ([5, 64], tf.float64, 100, 16),           # capped by the axis length
    ([10, 10], tf.float32, 8, 256 << 10),     # small: one shard
])
def test_min_max_variable_partitioner_follows_tf_formula(shape, dtype, max_parts, min_slice):
    partitioner = tf.min_max_variable_partitioner(max_partitions=max_parts,
                                                  min_slice_size=min_slice)
    total_bytes = np.prod(shape) * dtype.size
    want = max(1, min(shape[0], max_parts, int(np.ceil(total_bytes / min_slice))))
    assert partitioner(tf.TensorShape(shape), dtype) == [want, 1]


def test_variable_axis_size_partitioner_keeps_shards_under_the_byte_limit():
    partitioner = tf.variable_axis_size_partitioner(max_shard_bytes=1000)
    parts = partitioner(tf.TensorShape([100, 10]), tf.float32)  # rows of 40 bytes: 25 a shard
    assert parts == [4, 1]


def test_partitioned_variable_reuse_initializer_and_lookup():
    full = table(7, 2)
    with tf.Graph().as_default():
        with tf.variable_scope("m", partitioner=tf.fixed_size_partitioner(3)):
            emb = tf.get_variable("emb", initializer=tf.constant(full))
        with tf.variable_scope("m", reuse=True, partitioner=tf.fixed_size_partitioner(3)):
            again = tf.get_variable("emb")
        assert again is emb
        rows = tf.nn.embedding_lookup(emb, [6, 0, 4], partition_strategy="div")
        whole = tf.convert_to_tensor(emb)
        got_rows, got_whole = run([rows, whole], init=True)
    np.testing.assert_array_equal(got_rows, full[[6, 0, 4]])
    np.testing.assert_array_equal(got_whole, full)


def test_partitioned_variable_default_initializer_sees_the_full_shape():
    with tf.Graph().as_default():
        ones = tf.ones_initializer()
        with tf.variable_scope("m", partitioner=tf.fixed_size_partitioner(2),
                               initializer=ones):
            emb = tf.get_variable("emb", [5, 3])
        np.testing.assert_array_equal(run(tf.convert_to_tensor(emb), init=True),
                                      np.ones((5, 3)))


def test_partitioned_variable_errors():
    with tf.Graph().as_default():
        with tf.variable_scope("m", partitioner=tf.fixed_size_partitioner(2)):
            tf.get_variable("emb", [4, 2])
            with pytest.raises(ValueError, match="already exists"):
                tf.get_variable("emb", [4, 2])
        with tf.variable_scope("m", reuse=True, partitioner=tf.fixed_size_partitioner(2)):
            with pytest.raises(ValueError, match="does not exist"):
                tf.get_variable("other", [4, 2])
            with pytest.raises(ValueError, match="shape"):
                tf.get_variable("emb", [6, 2])
        with tf.variable_scope("p", partitioner=lambda shape, dtype: [2, 2]):
            with pytest.raises(ValueError, match="one dimension"):
                tf.get_variable("w", [4, 4])


def test_partitioned_variable_saves_and_restores(tmp_path):
    full = table(5, 2)
    path = str(tmp_path / "ckpt")
    with tf.Graph().as_default():
        with tf.variable_scope("m", partitioner=tf.fixed_size_partitioner(2)):
            emb = tf.get_variable("emb", initializer=tf.constant(full))
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, path)
            sess.run([v.assign(tf.zeros_like(v)) for v in emb])
            saver.restore(sess, path)
            np.testing.assert_array_equal(sess.run(tf.convert_to_tensor(emb)), full)
