"""Queue-based input pipeline: ``shuffle_batch`` dequeue throughput with 4 threads, beside TF.

The pipeline of a TF 1.x training script: ``string_input_producer`` over FILES
TFRecord files of ``tf.train.Example``s -> ``TFRecordReader.read`` ->
``parse_single_example`` (a fixed-length float feature of FEATURES values and an
int64 label) -> ``tf.train.shuffle_batch(num_threads=4, batch_size=128, capacity,
min_after_dequeue)``.  The main loop fetches both batch tensors; after WARMUP
batches it times BATCHES dequeues, REPEATS times, and reports the median examples
per second.  minitf writes the files once and real TF (``tensorflow.compat.v1`` in
the oracle interpreter) runs the same graph on the same files with the same
parameters, both with the session's default thread settings.

The numpy column is the same reading and parsing done in one plain Python loop
(``tf_record_iterator`` and minitf's Example decoder, no graph, session, queue or
thread): what the pipeline would cost without its machinery.  No target: the
row gives the ratio to real TF.
"""
import os
import shutil
import sys
import tempfile

import numpy as np

import _common

FILES, PER_FILE, FEATURES = 4, 2000, 784
BATCH, THREADS, MIN_AFTER, CAPACITY = 128, 4, 1000, 1000 + 3 * 128
WARMUP, BATCHES, REPEATS = 20, 100, 5


def _paths(directory):
    return [os.path.join(directory, "examples_%d.tfrecord" % i) for i in range(FILES)]


def write_files(directory):
    """FILES TFRecord files of PER_FILE Examples each: 'x' (FEATURES floats), 'label'."""
    import minitf as tf
    rng = np.random.RandomState(0)
    for path in _paths(directory):
        with tf.python_io.TFRecordWriter(path) as writer:
            for x, label in zip(rng.rand(PER_FILE, FEATURES).astype(np.float32),
                                rng.randint(0, 10, PER_FILE)):
                example = tf.train.Example(features=tf.train.Features(feature={
                    "x": tf.train.Feature(float_list=tf.train.FloatList(value=x)),
                    "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label]))}))
                writer.write(example.SerializeToString())


def measure(engine, directory):
    """{'examples_per_s': median over REPEATS windows, 'check': a label sum} for ``engine``."""
    tf = _common.load_engine(engine)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)
        files = tf.train.string_input_producer(_paths(directory), seed=0)
        _, serialized = tf.TFRecordReader().read(files)
        features = tf.parse_single_example(serialized, {
            "x": tf.FixedLenFeature([FEATURES], tf.float32),
            "label": tf.FixedLenFeature([], tf.int64)})
        xs, ys = tf.train.shuffle_batch([features["x"], features["label"]], batch_size=BATCH,
                                        capacity=CAPACITY, min_after_dequeue=MIN_AFTER,
                                        num_threads=THREADS, seed=0)
        sess = tf.Session(graph=graph)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
    labels = []

    def window(batches):
        for _ in range(batches):
            x, y = sess.run([xs, ys])
            labels.append(int(y.sum()))
    window(WARMUP)  # fills the queue past min_after_dequeue and creates every resource
    seconds = _common.median_time(lambda: window(BATCHES), REPEATS)
    coord.request_stop()
    sess.close()  # cancels the enqueues still blocked on a full queue
    coord.join(threads, stop_grace_period_secs=5)
    return {"examples_per_s": BATCHES * BATCH / seconds, "check": sum(labels)}


def measure_plain(directory):
    """Examples/s of reading and decoding the same records in a plain Python loop."""
    import minitf as tf
    from minitf.io.example import parse_example_features

    def loop():
        for path in _paths(directory):
            for record in tf.python_io.tf_record_iterator(path):
                parsed = parse_example_features(record)
                np.asarray(parsed["x"][1], np.float32), np.int64(parsed["label"][1][0])
    loop()
    return FILES * PER_FILE / _common.median_time(loop, REPEATS)


def run(oracle=None):
    oracle = _common.oracle_available() if oracle is None else oracle
    directory = tempfile.mkdtemp(prefix="minitf_bench_input_")
    try:
        write_files(directory)
        ours = measure("minitf", directory)
        plain = measure_plain(directory)
        theirs = _common.run_json(_common.ORACLE_PYTHON, __file__, "--engine", "tf",
                                  "--dir", directory) if oracle else None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    tf_rate = theirs and theirs["examples_per_s"]
    rows = [_common.row("input", "shuffle_batch(4 threads, batch %d) dequeue" % BATCH,
                        "examples/s", ours["examples_per_s"], plain, tf_rate),
            _common.note("input", "%d files x %d Examples (%d floats + int64 label); capacity "
                         "%d, min_after_dequeue %d; median of %d windows of %d batches after "
                         "%d warm-up batches" % (FILES, PER_FILE, FEATURES, CAPACITY,
                                                 MIN_AFTER, REPEATS, BATCHES, WARMUP)),
            _common.note("input", "numpy column = the same records read and decoded in a "
                         "plain Python loop (tf_record_iterator + minitf's Example decoder): "
                         "no graph, session, queue or thread")]
    if tf_rate:
        rows.append(_common.note("input", "no target; minitf / real TF = %.2f"
                                 % (ours["examples_per_s"] / tf_rate)))
    return rows


if __name__ == "__main__":
    _common.main(lambda engine: measure(engine, sys.argv[sys.argv.index("--dir") + 1]), run)
