"""Candidate samplers and accidental hits, against the distributions and count formulas TF
documents (and brute force), with sampling checked statistically at fixed seeds."""
import numpy as np
import pytest

import minitf as tf


def log_uniform(k, range_max):
    k = np.asarray(k, np.float64)
    return (np.log(k + 2) - np.log(k + 1)) / np.log(range_max + 1)


def draws(sampler, runs):
    """All sampled ids of ``runs`` runs in one session, and the last run's outputs."""
    with tf.Session() as sess:
        outs = [sess.run(sampler) for _ in range(runs)]
    return np.concatenate([o[0] for o in outs]), outs


LABELS = np.array([[0], [7], [2]], np.int64)


@pytest.mark.parametrize("name,prob", [
    ("log_uniform_candidate_sampler", lambda ids: log_uniform(ids, 20)),
    ("uniform_candidate_sampler", lambda ids: np.full(np.shape(ids), 1 / 20)),
])
def test_with_replacement_frequencies_and_counts(name, prob):
    with tf.Graph().as_default():
        s = getattr(tf.nn, name)(LABELS, 1, 400, unique=False, range_max=20, seed=7)
        ids, outs = draws(s, 50)
    assert ids.dtype == np.int64 and 0 <= ids.min() and ids.max() < 20
    freq = np.bincount(ids, minlength=20) / len(ids)
    np.testing.assert_allclose(freq, prob(np.arange(20)), atol=0.006)
    sampled, true_count, sampled_count = outs[-1]
    np.testing.assert_allclose(true_count, prob(LABELS) * 400, rtol=1e-5)
    np.testing.assert_allclose(sampled_count, prob(sampled) * 400, rtol=1e-5)


def tries_behind(count, p, k):
    """The number of draws a unique step made, read back from its expected counts:
    ``k`` when they are ``p * k`` (no draw was rejected), else the one ``tries`` with
    ``count = -expm1(tries * log1p(-p))`` for every id (ids with a count near 1 say little
    in float32, so the rarer ids decide)."""
    if np.allclose(count, p * k, rtol=1e-5):
        return k
    rare = count < 0.9
    tries = np.log1p(-count[rare].astype(np.float64)) / np.log1p(-p[rare])
    np.testing.assert_allclose(tries, np.round(np.median(tries)), rtol=1e-3)
    return int(np.round(np.median(tries)))


def test_unique_samples_are_distinct_and_counts_follow_the_tries_formula():
    with tf.Graph().as_default():
        s = tf.nn.log_uniform_candidate_sampler(LABELS, 1, 12, unique=True, range_max=30,
                                                seed=3)
        ids, outs = draws(s, 2000)
    mean_count, rejected = np.zeros(30), 0
    for sampled, true_count, sampled_count in outs:
        assert len(set(sampled)) == 12
        tries = tries_behind(sampled_count, log_uniform(sampled, 30), 12)
        assert tries >= 12
        rejected += tries > 12

        def count(p):
            return p * 12 if tries == 12 else -np.expm1(tries * np.log1p(-p))
        np.testing.assert_allclose(true_count, count(log_uniform(LABELS, 30)), rtol=1e-4)
        mean_count += count(log_uniform(np.arange(30), 30))
    assert rejected > 1500  # frequent small ids repeat: most steps reject some draws
    # the expected count is the chance that an id is among one step's samples
    inclusion = np.bincount(ids, minlength=30) / len(outs)
    # (TF's formula treats the number of tries as given, so it is close, not exact)
    np.testing.assert_allclose(inclusion, mean_count / len(outs), atol=0.045)


def test_unique_without_a_rejection_uses_p_times_num_sampled():
    # num_sampled == 1 never rejects: the count is p * 1 for the one sample
    with tf.Graph().as_default():
        s = tf.nn.uniform_candidate_sampler(LABELS, 1, 1, unique=True, range_max=8, seed=1)
        sampled, true_count, sampled_count = tf.Session().run(s)
    np.testing.assert_allclose(sampled_count, [1 / 8])
    np.testing.assert_allclose(true_count, np.full((3, 1), 1 / 8))


def test_fixed_unigram_with_distortion_and_reserved_ids():
    counts = np.array([5, 1, 20, 3, 0, 8], np.float64)
    want = np.concatenate([[0, 0], counts ** 0.75])
    want /= want.sum()
    with tf.Graph().as_default():
        s = tf.nn.fixed_unigram_candidate_sampler(
            [[2], [3]], 1, 500, unique=False, range_max=8, distortion=0.75,
            num_reserved_ids=2, unigrams=list(counts), seed=5)
        ids, outs = draws(s, 40)
    freq = np.bincount(ids, minlength=8) / len(ids)
    assert freq[0] == freq[1] == freq[6] == 0  # reserved ids and a zero count
    np.testing.assert_allclose(freq, want, atol=0.01)
    np.testing.assert_allclose(outs[-1][1], [[want[2] * 500], [want[3] * 500]], rtol=1e-5)


def test_fixed_unigram_reads_a_vocabulary_file_and_keeps_one_shard(tmp_path):
    vocab = tmp_path / "vocab.csv"
    vocab.write_text("the,50\nof,30\nand,10\ncat,6\nsat,4\n")
    weights = np.array([50, 30, 10, 6, 4], np.float64)[1::2]  # shard 1 of 2: ids 1, 3
    with tf.Graph().as_default():
        s = tf.nn.fixed_unigram_candidate_sampler(
            [[0]], 1, 2000, unique=False, range_max=2, vocab_file=str(vocab),
            num_shards=2, shard=1, seed=2)
        sampled, true_count, _ = tf.Session().run(s)
    np.testing.assert_allclose(np.bincount(sampled, minlength=2) / 2000,
                               weights / weights.sum(), atol=0.03)
    np.testing.assert_allclose(true_count, [[weights[0] / weights.sum() * 2000]], rtol=1e-5)


def test_fixed_unigram_errors(tmp_path):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="exactly one of vocab_file and unigrams"):
            tf.nn.fixed_unigram_candidate_sampler([[0]], 1, 2, False, 3)
        wrong = tf.nn.fixed_unigram_candidate_sampler([[0]], 1, 2, False, 4,
                                                      unigrams=[1.0, 2.0, 3.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="range_max is 4 but the "
                                                                  "vocabulary has 3 ids"):
            tf.Session().run(wrong)
        missing = tf.nn.fixed_unigram_candidate_sampler(
            [[0]], 1, 2, False, 3, vocab_file=str(tmp_path / "none.csv"))
        with pytest.raises(tf.errors.NotFoundError, match="none.csv"):
            tf.Session().run(missing)


def test_learned_unigram_counts_the_true_classes_of_each_run():
    with tf.Graph().as_default():
        s = tf.nn.learned_unigram_candidate_sampler([[3]], 1, 4, unique=False, range_max=10,
                                                    seed=4)
        with tf.Session() as sess:
            true_counts = [sess.run(s)[1][0, 0] for _ in range(6)]
        with tf.Session() as sess:  # a new session starts learning again
            restart = sess.run(s)[1][0, 0]
    # run n samples before it learns: id 3 has count 1 + n of a total 10 + n
    want = [(1 + n) / (10 + n) * 4 for n in range(6)]
    np.testing.assert_allclose(true_counts, want, rtol=1e-5)
    assert restart == pytest.approx(want[0])


def test_all_candidate_sampler_lists_every_id_once():
    with tf.Graph().as_default():
        sampled, true_count, sampled_count = tf.Session().run(
            tf.nn.all_candidate_sampler(LABELS, 1, 6, unique=True))
    np.testing.assert_array_equal(sampled, np.arange(6))
    np.testing.assert_array_equal(true_count, np.ones((3, 1)))
    np.testing.assert_array_equal(sampled_count, np.ones(6))


def test_op_seed_repeats_per_session_and_moves_on_per_run():
    with tf.Graph().as_default():
        s = tf.nn.log_uniform_candidate_sampler(LABELS, 1, 8, True, 1000, seed=11)[0]
        with tf.Session() as sess:
            first = [sess.run(s) for _ in range(3)]
        with tf.Session() as sess:
            again = [sess.run(s) for _ in range(3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])


def test_static_shapes_and_sampler_errors():
    with tf.Graph().as_default():
        sampled, true_count, sampled_count = tf.nn.uniform_candidate_sampler(
            tf.placeholder(tf.int64, [None, 2]), 2, 5, True, 10)
        assert sampled.shape.as_list() == [5]
        assert true_count.shape.as_list() == [None, 2]
        assert sampled_count.shape.as_list() == [5]
        small = tf.nn.uniform_candidate_sampler(LABELS, 1, 11, True, 10)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Sampler's range is too small"):
            tf.Session().run(small)
        labels = tf.placeholder(tf.int64)
        cols = tf.nn.uniform_candidate_sampler(labels, 2, 3, True, 10)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="true_classes must have num_true columns, expected: 2 was: 1"):
            tf.Session().run(cols, {labels: LABELS})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"in \[0, range_max = 10\)"):
            tf.Session().run(cols, {labels: [[3, 10]]})


def test_accidental_hits_match_brute_force():
    true = np.array([[4, 1], [0, 9], [7, 4]], np.int64)
    sampled = np.array([4, 9, 3, 1, 4], np.int64)
    with tf.Graph().as_default():
        rows, ids, weights = tf.Session().run(tf.nn.compute_accidental_hits(true, sampled, 2))
    want = [(i, s) for i in range(3) for j in range(2) for s in range(5)
            if sampled[s] == true[i, j]]
    assert list(zip(rows.tolist(), ids.tolist())) == want
    assert rows.dtype == np.int32 and ids.dtype == np.int64
    np.testing.assert_array_equal(weights, np.full(len(want), -np.finfo(np.float32).max))
