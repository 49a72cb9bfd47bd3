"""Plausible wrong answers for every question of every lab, the way learners get them wrong.

Each :class:`Wrong` is a whole answer cell as a learner might write it; the tests substitute it
for the solution's answer cell and grade the notebook, and its question must lose its points.
Most of them pass the visible checks of the lab, so the hidden tests are what catches them.

To keep the number of notebook executions small, the wrong answers of one lab are graded in
*rounds*: round ``k`` puts the ``k``-th wrong answer of every question into one notebook (the
questions are independent functions, so one wrong answer cannot cost another question points;
the tests check exactly that).
"""
from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent


@dataclass(frozen=True)
class Wrong:
    lab: str
    cell: str       # grade_id of the answer cell it replaces
    label: str      # what the learner got wrong, in a few words
    code: str       # the learner's cell

    @property
    def id(self) -> str:
        return f"{self.lab}:{self.cell}:{self.label}"


def _w(lab, cell, label, code):
    return Wrong(lab, cell, label, dedent(code).strip() + "\n")


L1, L2, L3, L5 = "lab01_graphs", "lab02_ops", "lab03_regression", "lab05_experiments"
L4 = "lab04_word2vec"
L6 = "lab06_style"
L7 = "lab07_convnets"
L9 = "lab09_input_pipeline"
L12 = "lab12_cgru"
L11 = "lab11_char_rnn"

WRONG_ANSWERS = [
    # ---------------------------------------------------------------- lab01_graphs
    _w(L1, "q1_build_affine", "one graph shared by every call", '''
        _graph = tf.Graph()


        def build_affine(w, b):
            with _graph.as_default():
                x = tf.placeholder(tf.float32, shape=[None], name="x")
                w_const = tf.constant(w, dtype=tf.float32, name="w")
                b_const = tf.constant(b, dtype=tf.float32, name="b")
                y = tf.add(tf.multiply(w_const, x), b_const, name="y")
            return _graph, x, y
        '''),
    _w(L1, "q1_build_affine", "placeholder of unknown shape", '''
        def build_affine(w, b):
            graph = tf.Graph()
            with graph.as_default():
                x = tf.placeholder(tf.float32, name="x")
                w_const = tf.constant(w, dtype=tf.float32, name="w")
                b_const = tf.constant(b, dtype=tf.float32, name="b")
                y = tf.add(tf.multiply(w_const, x), b_const, name="y")
            return graph, x, y
        '''),
    _w(L1, "q1_build_affine", "constants not named", '''
        def build_affine(w, b):
            graph = tf.Graph()
            with graph.as_default():
                x = tf.placeholder(tf.float32, shape=[None], name="x")
                y = tf.add(tf.constant(w) * x, tf.constant(b), name="y")
            return graph, x, y
        '''),
    _w(L1, "q2_ops_needed", "control inputs ignored", '''
        def ops_needed(fetch):
            start = fetch if isinstance(fetch, tf.Operation) else fetch.op
            needed, pending = set(), [start]
            while pending:
                op = pending.pop()
                if op.name not in needed:
                    needed.add(op.name)
                    pending.extend(t.op for t in op.inputs)
            return needed
        '''),
    _w(L1, "q2_ops_needed", "control inputs of the fetch only", '''
        def ops_needed(fetch):
            start = fetch if isinstance(fetch, tf.Operation) else fetch.op
            needed, pending = set(), [start] + list(start.control_inputs)
            while pending:
                op = pending.pop()
                if op.name not in needed:
                    needed.add(op.name)
                    pending.extend(t.op for t in op.inputs)
            return needed
        '''),
    _w(L1, "q2_ops_needed", "control inputs not followed further", '''
        def ops_needed(fetch):
            start = fetch if isinstance(fetch, tf.Operation) else fetch.op
            needed, pending = set(), [start]
            while pending:
                op = pending.pop()
                if op.name not in needed:
                    needed.add(op.name)
                    pending.extend(t.op for t in op.inputs)
                    needed.update(c.name for c in op.control_inputs)
            return needed
        '''),
    _w(L1, "q3_evaluate", "session on the default graph", '''
        def evaluate(graph, names, feed=None):
            feed_dict = {graph.get_tensor_by_name(n): v for n, v in (feed or {}).items()}
            with tf.Session() as sess:
                return {n: sess.run(graph.get_tensor_by_name(n), feed_dict) for n in names}
        '''),
    _w(L1, "q3_evaluate", "one run per name", '''
        def evaluate(graph, names, feed=None):
            feed_dict = {graph.get_tensor_by_name(n): v for n, v in (feed or {}).items()}
            with tf.Session(graph=graph) as sess:
                return {n: sess.run(graph.get_tensor_by_name(n), feed_dict=feed_dict)
                        for n in names}
        '''),
    _w(L1, "q3_evaluate", "keyed by tensor, not by name", '''
        def evaluate(graph, names, feed=None):
            fetches = [graph.get_tensor_by_name(n) for n in names]
            feed_dict = {graph.get_tensor_by_name(n): v for n, v in (feed or {}).items()}
            with tf.Session(graph=graph) as sess:
                return dict(zip(fetches, sess.run(fetches, feed_dict=feed_dict)))
        '''),
    _w(L1, "q4_what_if", "session on the default graph", '''
        def what_if(fetch, tensor, value):
            with tf.Session() as sess:
                return sess.run(fetch, feed_dict={tensor: value})
        '''),
    _w(L1, "q4_what_if", "result turned into a float", '''
        def what_if(fetch, tensor, value):
            with tf.Session(graph=fetch.graph) as sess:
                return float(sess.run(fetch, feed_dict={tensor: value}))
        '''),
    _w(L1, "q4_what_if", "only placeholders fed", '''
        def what_if(fetch, tensor, value):
            feed = {tensor: value} if tensor.op.type == "Placeholder" else {}
            with tf.Session(graph=fetch.graph) as sess:
                return sess.run(fetch, feed_dict=feed)
        '''),
    _w(L1, "q5_feedable", "not sorted", '''
        def feedable_names(graph):
            return [t.name for op in graph.get_operations() for t in op.outputs
                    if graph.is_feedable(t)]
        '''),
    _w(L1, "q5_feedable", "first output of each op only", '''
        def feedable_names(graph):
            return sorted(op.outputs[0].name for op in graph.get_operations()
                          if graph.is_feedable(op.outputs[0]))
        '''),
    _w(L1, "q5_feedable", "the default graph instead", '''
        def feedable_names(graph):
            g = tf.get_default_graph()
            return sorted(t.name for op in g.get_operations() for t in op.outputs
                          if g.is_feedable(t))
        '''),
    # ---------------------------------------------------------------- lab02_ops
    _w(L2, "q1_cond", "x >= y", '''
        def add_or_subtract(x, y):
            return tf.cond(tf.greater_equal(x, y), lambda: tf.add(x, y), lambda: tf.subtract(x, y))
        '''),
    _w(L2, "q1_cond", "tf.where, no tf.cond", '''
        def add_or_subtract(x, y):
            return tf.where(x > y, x + y, x - y)
        '''),
    _w(L2, "q1_cond", "arithmetic on the comparison, no tf.cond", '''
        def add_or_subtract(x, y):
            return x - y + 2.0 * y * tf.cast(x > y, tf.float32)
        '''),
    _w(L2, "q2_case", "tf.clip_by_value, no tf.case", '''
        def clip_unit(x):
            return tf.clip_by_value(x, -1.0, 1.0)
        '''),
    _w(L2, "q2_case", "nested tf.cond, no tf.case", '''
        def clip_unit(x):
            return tf.cond(x < -1.0, lambda: tf.constant(-1.0),
                           lambda: tf.cond(x > 1.0, lambda: tf.constant(1.0),
                                           lambda: tf.identity(x)))
        '''),
    _w(L2, "q2_case", "default branch returns 0", '''
        def clip_unit(x):
            return tf.case([(tf.less(x, -1.0), lambda: tf.constant(-1.0)),
                            (tf.greater(x, 1.0), lambda: tf.constant(1.0))],
                           default=lambda: tf.constant(0.0))
        '''),
    _w(L2, "q3_equal", "a [1] vector, not a scalar", '''
        def count_matches(a, b):
            return tf.reduce_sum(tf.cast(tf.equal(a, b), tf.int32), keepdims=True)
        '''),
    _w(L2, "q3_equal", "counts the differences", '''
        def count_matches(a, b):
            return tf.count_nonzero(a - b)
        '''),
    _w(L2, "q3_equal", "shape of the hits", '''
        def count_matches(a, b):
            return tf.shape(tf.where(tf.equal(a, b)))[:1]
        '''),
    _w(L2, "q4_where_gather", "v >= threshold", '''
        def above(v, threshold):
            indices = tf.reshape(tf.where(v >= threshold), [-1])
            return indices, tf.gather(v, indices)
        '''),
    _w(L2, "q4_where_gather", "rows of tf.where not reshaped", '''
        def above(v, threshold):
            hits = tf.where(tf.greater(v, threshold))
            return hits, tf.reshape(tf.gather(v, hits), [-1])
        '''),
    _w(L2, "q5_range_diag", "float matrix", '''
        def staircase(n):
            return tf.diag(tf.cast(tf.range(1, n + 1), tf.float32))
        '''),
    _w(L2, "q5_range_diag", "stops at n - 1", '''
        def staircase(n):
            return tf.diag(tf.range(1, n))
        '''),
    _w(L2, "q6_determinant", "m m^T instead of m^T m", '''
        def gram_determinant(m):
            return tf.matrix_determinant(tf.matmul(m, m, transpose_b=True))
        '''),
    _w(L2, "q6_determinant", "product of the diagonal", '''
        def gram_determinant(m):
            return tf.reduce_prod(tf.diag_part(tf.matmul(m, m, transpose_a=True)))
        '''),
    _w(L2, "q7_unique", "count from tf.shape (a [1] vector)", '''
        def distinct(x):
            values, positions = tf.unique(x)
            return values, positions, tf.shape(values)
        '''),
    _w(L2, "q7_unique", "a float count", '''
        def distinct(x):
            values, positions = tf.unique(x)
            return values, positions, tf.cast(tf.size(values), tf.float32)
        '''),
    _w(L2, "q8_cond_loss", "mean instead of sum in the large branch", '''
        def residual_loss(y_true, y_pred, threshold):
            residual = y_pred - y_true
            small = tf.reduce_mean(tf.abs(residual)) < threshold
            return tf.cond(small, lambda: tf.reduce_mean(tf.square(residual)),
                           lambda: tf.reduce_mean(tf.abs(residual)))
        '''),
    _w(L2, "q8_cond_loss", "mean |r| <= threshold", '''
        def residual_loss(y_true, y_pred, threshold):
            residual = y_pred - y_true
            small = tf.less_equal(tf.reduce_mean(tf.abs(residual)), threshold)
            return tf.cond(small, lambda: tf.reduce_mean(tf.square(residual)),
                           lambda: tf.reduce_sum(tf.abs(residual)))
        '''),
    _w(L2, "q8_cond_loss", "both formulas built outside the branches", '''
        def residual_loss(y_true, y_pred, threshold):
            residual = y_pred - y_true
            mse = tf.reduce_mean(tf.square(residual))
            total_abs = tf.reduce_sum(tf.abs(residual))
            return tf.cond(tf.reduce_mean(tf.abs(residual)) < threshold,
                           lambda: mse, lambda: total_abs)
        '''),
    # ---------------------------------------------------------------- lab03_regression
    _w(L3, "q1_huber", "0.5 * delta instead of 0.5 * delta ** 2", '''
        def huber_loss(labels, predictions, delta=1.0):
            residual = tf.abs(predictions - labels)
            return tf.where(residual <= delta, 0.5 * tf.square(residual),
                            delta * residual - 0.5 * delta)
        '''),
    _w(L3, "q1_huber", "delta fixed at 1", '''
        def huber_loss(labels, predictions, delta=1.0):
            residual = tf.abs(predictions - labels)
            return tf.where(residual <= 1.0, 0.5 * tf.square(residual), residual - 0.5)
        '''),
    _w(L3, "q1_huber", "the signed residual tested against delta", '''
        def huber_loss(labels, predictions, delta=1.0):
            residual = predictions - labels
            return tf.where(residual <= delta, 0.5 * tf.square(residual),
                            delta * tf.abs(residual) - 0.5 * delta ** 2)
        '''),
    _w(L3, "q2_fit_line", "the initializer run inside the loop", '''
        def fit_line(x_data, y_data, learning_rate=0.01, steps=100):
            with tf.Graph().as_default():
                X = tf.placeholder(tf.float32, shape=[None])
                Y = tf.placeholder(tf.float32, shape=[None])
                w = tf.Variable(0.0)
                b = tf.Variable(0.0)
                loss = tf.reduce_mean(tf.square(w * X + b - Y))
                train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
                feed = {X: x_data, Y: y_data}
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(steps):
                        sess.run(tf.global_variables_initializer())
                        sess.run(train_op, feed_dict=feed)
                    w_value, b_value, loss_value = sess.run([w, b, loss], feed_dict=feed)
            return float(w_value), float(b_value), float(loss_value)
        '''),
    _w(L3, "q2_fit_line", "built in the default graph", '''
        def fit_line(x_data, y_data, learning_rate=0.01, steps=100):
            X = tf.placeholder(tf.float32, shape=[None])
            Y = tf.placeholder(tf.float32, shape=[None])
            w = tf.Variable(0.0)
            b = tf.Variable(0.0)
            loss = tf.reduce_mean(tf.square(w * X + b - Y))
            train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
            feed = {X: x_data, Y: y_data}
            with tf.Session() as sess:
                sess.run(tf.variables_initializer([w, b]))
                for _ in range(steps):
                    sess.run(train_op, feed_dict=feed)
                w_value, b_value, loss_value = sess.run([w, b, loss], feed_dict=feed)
            return float(w_value), float(b_value), float(loss_value)
        '''),
    _w(L3, "q2_fit_line", "loss of the last step, before its update", '''
        def fit_line(x_data, y_data, learning_rate=0.01, steps=100):
            with tf.Graph().as_default():
                X = tf.placeholder(tf.float32, shape=[None])
                Y = tf.placeholder(tf.float32, shape=[None])
                w = tf.Variable(0.0)
                b = tf.Variable(0.0)
                loss = tf.reduce_mean(tf.square(w * X + b - Y))
                train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
                feed = {X: x_data, Y: y_data}
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    loss_value = sess.run(loss, feed_dict=feed)
                    for _ in range(steps):
                        loss_value, _ = sess.run([loss, train_op], feed_dict=feed)
                    w_value, b_value = sess.run([w, b])
            return float(w_value), float(b_value), float(loss_value)
        '''),
    _w(L3, "q3_clipped", "gradients not clipped", '''
        def clipped_train_op(loss, learning_rate, clip):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            return optimizer.apply_gradients(optimizer.compute_gradients(loss))
        '''),
    _w(L3, "q3_clipped", "non-trainable variables updated too", '''
        def clipped_train_op(loss, learning_rate, clip):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            pairs = optimizer.compute_gradients(loss, var_list=tf.global_variables())
            return optimizer.apply_gradients([(tf.clip_by_value(g, -clip, clip), v)
                                              for g, v in pairs])
        '''),
    _w(L3, "q3_clipped", "None gradients not skipped", '''
        def clipped_train_op(loss, learning_rate, clip):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            grads, variables = zip(*optimizer.compute_gradients(loss))
            clipped = [tf.clip_by_value(g, -clip, clip) for g in grads]
            return optimizer.apply_gradients(zip(clipped, variables))
        '''),
    _w(L3, "q4_accuracy", "number of hits, not the fraction", '''
        def accuracy(logits, labels):
            correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
            return tf.reduce_sum(tf.cast(correct, tf.float32))
        '''),
    _w(L3, "q4_accuracy", "ties counted as hits", '''
        def accuracy(logits, labels):
            true_logit = tf.reduce_sum(logits * labels, axis=1)
            correct = tf.greater_equal(true_logit, tf.reduce_max(logits, axis=1))
            return tf.reduce_mean(tf.cast(correct, tf.float32))
        '''),
    _w(L3, "q4_accuracy", "argmax over the batch axis", '''
        def accuracy(logits, labels):
            correct = tf.equal(tf.argmax(logits, 0), tf.argmax(labels, 0))
            return tf.reduce_mean(tf.cast(correct, tf.float32))
        '''),
    # ---------------------------------------------------------------- lab04_word2vec
    _w(L4, "q1_batches", "the window stops at the ends of the data", '''
        def skipgram_batch(data, position, batch_size, num_skips, skip_window):
            if batch_size % num_skips:
                raise ValueError("batch_size must be a multiple of num_skips")
            if num_skips > 2 * skip_window:
                raise ValueError("num_skips must be at most 2 * skip_window")
            data = np.asarray(data)
            n = len(data)
            offsets = []
            for d in range(1, skip_window + 1):
                offsets += [-d, d]
            offsets = np.array(offsets[:num_skips])
            centres = (position + np.arange(batch_size // num_skips)) % n
            batch = np.repeat(data[centres], num_skips).astype(np.int32)
            contexts = np.clip(centres[:, None] + offsets, 0, n - 1)
            labels = data[contexts].reshape(batch_size, 1).astype(np.int64)
            return batch, labels, int((position + batch_size // num_skips) % n)
        '''),
    _w(L4, "q1_batches", "right neighbour before left", '''
        def skipgram_batch(data, position, batch_size, num_skips, skip_window):
            if batch_size % num_skips:
                raise ValueError("batch_size must be a multiple of num_skips")
            if num_skips > 2 * skip_window:
                raise ValueError("num_skips must be at most 2 * skip_window")
            data = np.asarray(data)
            n = len(data)
            offsets = []
            for d in range(1, skip_window + 1):
                offsets += [d, -d]
            offsets = np.array(offsets[:num_skips])
            centres = (position + np.arange(batch_size // num_skips)) % n
            batch = np.repeat(data[centres], num_skips).astype(np.int32)
            contexts = (centres[:, None] + offsets) % n
            labels = data[contexts].reshape(batch_size, 1).astype(np.int64)
            return batch, labels, int((position + batch_size // num_skips) % n)
        '''),
    _w(L4, "q1_batches", "next position counts rows, not centres", '''
        def skipgram_batch(data, position, batch_size, num_skips, skip_window):
            if batch_size % num_skips:
                raise ValueError("batch_size must be a multiple of num_skips")
            if num_skips > 2 * skip_window:
                raise ValueError("num_skips must be at most 2 * skip_window")
            data = np.asarray(data)
            n = len(data)
            offsets = []
            for d in range(1, skip_window + 1):
                offsets += [-d, d]
            offsets = np.array(offsets[:num_skips])
            centres = (position + np.arange(batch_size // num_skips)) % n
            batch = np.repeat(data[centres], num_skips).astype(np.int32)
            contexts = (centres[:, None] + offsets) % n
            labels = data[contexts].reshape(batch_size, 1).astype(np.int64)
            return batch, labels, int((position + batch_size) % n)
        '''),
    _w(L4, "q2_model", "no name scopes", '''
        def build_model(vocab_size, embed_size, num_sampled, learning_rate):
            center_words = tf.placeholder(tf.int32, shape=[None], name="center_words")
            target_words = tf.placeholder(tf.int64, shape=[None, 1], name="target_words")
            embed_matrix = tf.Variable(tf.random_uniform([vocab_size, embed_size], -1.0, 1.0),
                                       name="embed_matrix")
            embed = tf.nn.embedding_lookup(embed_matrix, center_words)
            nce_weight = tf.Variable(
                tf.truncated_normal([vocab_size, embed_size], stddev=embed_size ** -0.5),
                name="nce_weight")
            nce_bias = tf.Variable(tf.zeros([vocab_size]), name="nce_bias")
            loss = tf.reduce_mean(tf.nn.nce_loss(nce_weight, nce_bias, target_words, embed,
                                                 num_sampled, vocab_size))
            train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
            return center_words, target_words, loss, train_op
        '''),
    _w(L4, "q2_model", "summed loss instead of the mean", '''
        def build_model(vocab_size, embed_size, num_sampled, learning_rate):
            with tf.name_scope("data"):
                center_words = tf.placeholder(tf.int32, shape=[None], name="center_words")
                target_words = tf.placeholder(tf.int64, shape=[None, 1], name="target_words")
            with tf.name_scope("embed"):
                embed_matrix = tf.Variable(tf.random_uniform([vocab_size, embed_size], -1.0, 1.0),
                                           name="embed_matrix")
                embed = tf.nn.embedding_lookup(embed_matrix, center_words)
            with tf.name_scope("loss"):
                nce_weight = tf.Variable(
                    tf.truncated_normal([vocab_size, embed_size], stddev=embed_size ** -0.5),
                    name="nce_weight")
                nce_bias = tf.Variable(tf.zeros([vocab_size]), name="nce_bias")
                loss = tf.reduce_sum(tf.nn.nce_loss(nce_weight, nce_bias, target_words, embed,
                                                    num_sampled, vocab_size))
            with tf.name_scope("optimizer"):
                train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
            return center_words, target_words, loss, train_op
        '''),
    _w(L4, "q2_model", "NCE weights tied to the input embeddings", '''
        def build_model(vocab_size, embed_size, num_sampled, learning_rate):
            with tf.name_scope("data"):
                center_words = tf.placeholder(tf.int32, shape=[None], name="center_words")
                target_words = tf.placeholder(tf.int64, shape=[None, 1], name="target_words")
            with tf.name_scope("embed"):
                embed_matrix = tf.Variable(tf.random_uniform([vocab_size, embed_size], -1.0, 1.0),
                                           name="embed_matrix")
                embed = tf.nn.embedding_lookup(embed_matrix, center_words)
            with tf.name_scope("loss"):
                nce_weight = embed_matrix
                nce_bias = tf.Variable(tf.zeros([vocab_size]), name="nce_bias")
                loss = tf.reduce_mean(tf.nn.nce_loss(nce_weight, nce_bias, target_words, embed,
                                                     num_sampled, vocab_size))
            with tf.name_scope("optimizer"):
                train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss)
            return center_words, target_words, loss, train_op
        '''),
    _w(L4, "q3_train", "variables initialized again at every step", '''
        def train_skipgram(data, vocab_size, steps, embed_size=8, batch_size=64, num_skips=2,
                           skip_window=1, num_sampled=4, learning_rate=0.5, seed=0):
            with tf.Graph().as_default():
                tf.set_random_seed(seed)
                center_words, target_words, loss, train_op = build_model(
                    vocab_size, embed_size, num_sampled, learning_rate)
                embed_matrix = tf.get_default_graph().get_tensor_by_name("embed/embed_matrix:0")
                losses, position = [], 0
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(steps):
                        sess.run(tf.global_variables_initializer())
                        batch, labels, position = skipgram_batch(data, position, batch_size,
                                                                 num_skips, skip_window)
                        value, _ = sess.run([loss, train_op],
                                            {center_words: batch, target_words: labels})
                        losses.append(float(value))
                    embeddings = sess.run(embed_matrix)
            return losses, embeddings
        '''),
    _w(L4, "q3_train", "every batch starts at position 0", '''
        def train_skipgram(data, vocab_size, steps, embed_size=8, batch_size=64, num_skips=2,
                           skip_window=1, num_sampled=4, learning_rate=0.5, seed=0):
            with tf.Graph().as_default():
                tf.set_random_seed(seed)
                center_words, target_words, loss, train_op = build_model(
                    vocab_size, embed_size, num_sampled, learning_rate)
                embed_matrix = tf.get_default_graph().get_tensor_by_name("embed/embed_matrix:0")
                losses, position = [], 0
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(steps):
                        batch, labels, _ = skipgram_batch(data, position, batch_size,
                                                                 num_skips, skip_window)
                        value, _ = sess.run([loss, train_op],
                                            {center_words: batch, target_words: labels})
                        losses.append(float(value))
                    embeddings = sess.run(embed_matrix)
            return losses, embeddings
        '''),
    _w(L4, "q3_train", "embeddings fetched before training", '''
        def train_skipgram(data, vocab_size, steps, embed_size=8, batch_size=64, num_skips=2,
                           skip_window=1, num_sampled=4, learning_rate=0.5, seed=0):
            with tf.Graph().as_default():
                tf.set_random_seed(seed)
                center_words, target_words, loss, train_op = build_model(
                    vocab_size, embed_size, num_sampled, learning_rate)
                embed_matrix = tf.get_default_graph().get_tensor_by_name("embed/embed_matrix:0")
                losses, position = [], 0
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    embeddings = sess.run(embed_matrix)
                    for _ in range(steps):
                        batch, labels, position = skipgram_batch(data, position, batch_size,
                                                                 num_skips, skip_window)
                        value, _ = sess.run([loss, train_op],
                                            {center_words: batch, target_words: labels})
                        losses.append(float(value))
            return losses, embeddings
        '''),
    # ---------------------------------------------------------------- lab05_experiments
    _w(L5, "q1_save", "no global step: every save overwrites model", '''
        def train_and_save(ckpt_dir, num_steps, every):
            paths = []
            with tf.Graph().as_default():
                model = build_model()
                saver = tf.train.Saver(max_to_keep=None)
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(num_steps):
                        sess.run(model.train_op)
                        if sess.run(model.global_step) % every == 0:
                            paths.append(saver.save(sess, os.path.join(ckpt_dir, "model")))
            return paths
        '''),
    _w(L5, "q1_save", "default max_to_keep", '''
        def train_and_save(ckpt_dir, num_steps, every):
            paths = []
            with tf.Graph().as_default():
                model = build_model()
                saver = tf.train.Saver()
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(num_steps):
                        sess.run(model.train_op)
                        step = sess.run(model.global_step)
                        if step % every == 0:
                            paths.append(saver.save(sess, os.path.join(ckpt_dir, "model"),
                                                    global_step=step))
            return paths
        '''),
    _w(L5, "q1_save", "the last step always saved", '''
        def train_and_save(ckpt_dir, num_steps, every):
            paths = []
            with tf.Graph().as_default():
                model = build_model()
                saver = tf.train.Saver(max_to_keep=None)
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for i in range(1, num_steps + 1):
                        sess.run(model.train_op)
                        if i % every == 0 or i == num_steps:
                            paths.append(saver.save(sess, os.path.join(ckpt_dir, "model"),
                                                    global_step=i))
            return paths
        '''),
    _w(L5, "q2_resume", "initialized after the restore", '''
        def resume_training(ckpt_dir, extra_steps):
            with tf.Graph().as_default():
                model = build_model()
                saver = tf.train.Saver()
                with tf.Session() as sess:
                    latest = tf.train.latest_checkpoint(ckpt_dir)
                    if latest:
                        saver.restore(sess, latest)
                    sess.run(tf.global_variables_initializer())
                    for _ in range(extra_steps):
                        sess.run(model.train_op)
                    saver.save(sess, os.path.join(ckpt_dir, "model"), global_step=model.global_step)
                    return tuple(sess.run([model.global_step, model.W, model.b]))
        '''),
    _w(L5, "q2_resume", "the oldest checkpoint restored", '''
        def resume_training(ckpt_dir, extra_steps):
            with tf.Graph().as_default():
                model = build_model()
                saver = tf.train.Saver()
                with tf.Session() as sess:
                    state = tf.train.get_checkpoint_state(ckpt_dir)
                    if state is not None:
                        saver.restore(sess, state.all_model_checkpoint_paths[0])
                    else:
                        sess.run(tf.global_variables_initializer())
                    for _ in range(extra_steps):
                        sess.run(model.train_op)
                    saver.save(sess, os.path.join(ckpt_dir, "model"), global_step=model.global_step)
                    return tuple(sess.run([model.global_step, model.W, model.b]))
        '''),
    _w(L5, "q2_resume", "the last file name in alphabetical order", '''
        def resume_training(ckpt_dir, extra_steps):
            with tf.Graph().as_default():
                model = build_model()
                saver = tf.train.Saver()
                with tf.Session() as sess:
                    found = sorted(f[:-len(".index")] for f in os.listdir(ckpt_dir)
                                   if f.endswith(".index"))
                    if found:
                        saver.restore(sess, os.path.join(ckpt_dir, found[-1]))
                    else:
                        sess.run(tf.global_variables_initializer())
                    for _ in range(extra_steps):
                        sess.run(model.train_op)
                    saver.save(sess, os.path.join(ckpt_dir, "model"), global_step=model.global_step)
                    return tuple(sess.run([model.global_step, model.W, model.b]))
        '''),
    _w(L5, "q3_diff", "values compared with a tolerance", '''
        def diff_checkpoints(path_a, path_b):
            a = dict(tf.train.list_variables(path_a))
            b = dict(tf.train.list_variables(path_b))
            changed = set(a) ^ set(b)
            for name in set(a) & set(b):
                va, vb = tf.train.load_variable(path_a, name), tf.train.load_variable(path_b, name)
                if va.shape != vb.shape or not np.allclose(va, vb):
                    changed.add(name)
            return sorted(changed)
        '''),
    _w(L5, "q3_diff", "variables in only one checkpoint left out", '''
        def diff_checkpoints(path_a, path_b):
            a = dict(tf.train.list_variables(path_a))
            b = dict(tf.train.list_variables(path_b))
            return sorted(name for name in set(a) & set(b)
                          if not np.array_equal(tf.train.load_variable(path_a, name),
                                                tf.train.load_variable(path_b, name)))
        '''),
    _w(L5, "q3_diff", "== with broadcasting, not sorted", '''
        def diff_checkpoints(path_a, path_b):
            a = dict(tf.train.list_variables(path_a))
            b = dict(tf.train.list_variables(path_b))
            changed = set(a) ^ set(b)
            for name in set(a) & set(b):
                same = tf.train.load_variable(path_a, name) == tf.train.load_variable(path_b, name)
                if not np.all(same):
                    changed.add(name)
            return list(changed)
        '''),
    _w(L5, "q4_summaries", "summaries written without a step", '''
        def train_with_summaries(logdir, learning_rate, num_steps):
            with tf.Graph().as_default() as graph:
                model = build_model(learning_rate)
                tf.summary.scalar("loss", model.loss)
                tf.summary.histogram("weights", model.W)
                merged = tf.summary.merge_all()
                writer = tf.summary.FileWriter(logdir, graph)
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(num_steps):
                        summary, _ = sess.run([merged, model.train_op])
                        writer.add_summary(summary)
                writer.close()
        '''),
    _w(L5, "q4_summaries", "summary fetched after the update", '''
        def train_with_summaries(logdir, learning_rate, num_steps):
            with tf.Graph().as_default() as graph:
                model = build_model(learning_rate)
                tf.summary.scalar("loss", model.loss)
                tf.summary.histogram("weights", model.W)
                merged = tf.summary.merge_all()
                writer = tf.summary.FileWriter(logdir, graph)
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for step in range(num_steps):
                        sess.run(model.train_op)
                        writer.add_summary(sess.run(merged), global_step=step)
                writer.close()
        '''),
    _w(L5, "q4_summaries", "histogram of b instead of W", '''
        def train_with_summaries(logdir, learning_rate, num_steps):
            with tf.Graph().as_default() as graph:
                model = build_model(learning_rate)
                tf.summary.scalar("loss", model.loss)
                tf.summary.histogram("weights", model.b)
                merged = tf.summary.merge_all()
                writer = tf.summary.FileWriter(logdir, graph)
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for step in range(num_steps):
                        summary, _ = sess.run([merged, model.train_op])
                        writer.add_summary(summary, global_step=step)
                writer.close()
        '''),
    # ---------------------------------------------------------------- lab07_convnets
    _w(L7, "q1_kernels", "blur not divided by 9", '''
        def classic_kernels():
            return {
                "blur": np.ones((3, 3), np.float32),
                "sharpen": np.float32([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
                "edge": np.float32([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
                "top_sobel": np.float32([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
                "emboss": np.float32([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
            }
        '''),
    _w(L7, "q1_kernels", "sobel upside down", '''
        def classic_kernels():
            return {
                "blur": np.full((3, 3), 1.0 / 9.0, np.float32),
                "sharpen": np.float32([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
                "edge": np.float32([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
                "top_sobel": np.float32([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
                "emboss": np.float32([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
            }
        '''),
    _w(L7, "q1_kernels", "emboss flipped as for a true convolution", '''
        def classic_kernels():
            emboss = np.float32([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
            return {
                "blur": np.full((3, 3), 1.0 / 9.0, np.float32),
                "sharpen": np.float32([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
                "edge": np.float32([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
                "top_sobel": np.float32([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
                "emboss": emboss[::-1, ::-1],
            }
        '''),
    _w(L7, "q2_conv2d", "SAME padding extra on top and left", '''
        def conv2d_numpy(x, w, strides, padding):
            x, w = np.asarray(x, np.float32), np.asarray(w, np.float32)
            _, sh, sw, _ = strides
            kh, kw = w.shape[:2]
            n, h, wd, _ = x.shape
            if padding == "SAME":
                out_h, out_w = -(-h // sh), -(-wd // sw)
                pad_h = max((out_h - 1) * sh + kh - h, 0)
                pad_w = max((out_w - 1) * sw + kw - wd, 0)
                x = np.pad(x, [(0, 0), (pad_h - pad_h // 2, pad_h // 2),
                               (pad_w - pad_w // 2, pad_w // 2), (0, 0)])
            else:
                out_h, out_w = (h - kh) // sh + 1, (wd - kw) // sw + 1
            out = np.zeros((n, out_h, out_w, w.shape[3]), np.float32)
            for u in range(kh):
                for v in range(kw):
                    window = x[:, u:u + (out_h - 1) * sh + 1:sh, v:v + (out_w - 1) * sw + 1:sw]
                    out += window @ w[u, v]
            return out
        '''),
    _w(L7, "q2_conv2d", "kernel flipped (a true convolution)", '''
        def conv2d_numpy(x, w, strides, padding):
            x = np.asarray(x, np.float32)
            w = np.asarray(w, np.float32)[::-1, ::-1]
            _, sh, sw, _ = strides
            kh, kw = w.shape[:2]
            n, h, wd, _ = x.shape
            if padding == "SAME":
                out_h, out_w = -(-h // sh), -(-wd // sw)
                pad_h = max((out_h - 1) * sh + kh - h, 0)
                pad_w = max((out_w - 1) * sw + kw - wd, 0)
                x = np.pad(x, [(0, 0), (pad_h // 2, pad_h - pad_h // 2),
                               (pad_w // 2, pad_w - pad_w // 2), (0, 0)])
            else:
                out_h, out_w = (h - kh) // sh + 1, (wd - kw) // sw + 1
            out = np.zeros((n, out_h, out_w, w.shape[3]), np.float32)
            for u in range(kh):
                for v in range(kw):
                    window = x[:, u:u + (out_h - 1) * sh + 1:sh, v:v + (out_w - 1) * sw + 1:sw]
                    out += window @ w[u, v]
            return out
        '''),
    _w(L7, "q2_conv2d", "SAME pads kernel // 2 on every side", '''
        def conv2d_numpy(x, w, strides, padding):
            x, w = np.asarray(x, np.float32), np.asarray(w, np.float32)
            _, sh, sw, _ = strides
            kh, kw = w.shape[:2]
            if padding == "SAME":
                x = np.pad(x, [(0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)])
            n, h, wd, _ = x.shape
            out_h, out_w = (h - kh) // sh + 1, (wd - kw) // sw + 1
            out = np.zeros((n, out_h, out_w, w.shape[3]), np.float32)
            for i in range(out_h):
                for j in range(out_w):
                    patch = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
                    out[:, i, j, :] = np.tensordot(patch, w, axes=3)
            return out
        '''),
    _w(L7, "q3_convnet", "no relu after the convolutions", '''
        def build_convnet(images, keep_prob):
            def variables(scope, shape):
                with tf.variable_scope(scope):
                    w = tf.get_variable("weights", shape,
                                        initializer=tf.truncated_normal_initializer(stddev=0.1))
                    b = tf.get_variable("biases", shape[-1:],
                                        initializer=tf.constant_initializer(0.1))
                return w, b

            def conv_pool(inputs, scope, shape):
                w, b = variables(scope, shape)
                conv = tf.nn.conv2d(inputs, w, [1, 1, 1, 1], "SAME") + b
                return tf.nn.max_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")

            pool2 = conv_pool(conv_pool(images, "conv1", [5, 5, 1, 8]), "conv2", [5, 5, 8, 16])
            flat = tf.reshape(pool2, [-1, 7 * 7 * 16])
            w, b = variables("fc", [7 * 7 * 16, 128])
            fc = tf.nn.dropout(tf.nn.relu(tf.matmul(flat, w) + b), keep_prob)
            w, b = variables("logits", [128, 10])
            return tf.matmul(fc, w) + b
        '''),
    _w(L7, "q3_convnet", "VALID padding in the convolutions", '''
        def build_convnet(images, keep_prob):
            def variables(scope, shape):
                with tf.variable_scope(scope):
                    w = tf.get_variable("weights", shape,
                                        initializer=tf.truncated_normal_initializer(stddev=0.1))
                    b = tf.get_variable("biases", shape[-1:],
                                        initializer=tf.constant_initializer(0.1))
                return w, b

            def conv_pool(inputs, scope, shape):
                w, b = variables(scope, shape)
                conv = tf.nn.relu(tf.nn.conv2d(inputs, w, [1, 1, 1, 1], "VALID") + b)
                return tf.nn.max_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")

            pool2 = conv_pool(conv_pool(images, "conv1", [5, 5, 1, 8]), "conv2", [5, 5, 8, 16])
            size = int(np.prod(pool2.shape.as_list()[1:]))
            flat = tf.reshape(pool2, [-1, size])
            w, b = variables("fc", [size, 128])
            fc = tf.nn.dropout(tf.nn.relu(tf.matmul(flat, w) + b), keep_prob)
            w, b = variables("logits", [128, 10])
            return tf.matmul(fc, w) + b
        '''),
    _w(L7, "q3_convnet", "relu on the logits", '''
        def build_convnet(images, keep_prob):
            def layer(inputs, scope, shape):
                with tf.variable_scope(scope):
                    w = tf.get_variable("weights", shape,
                                        initializer=tf.truncated_normal_initializer(stddev=0.1))
                    b = tf.get_variable("biases", shape[-1:],
                                        initializer=tf.constant_initializer(0.1))
                if len(shape) == 4:
                    conv = tf.nn.relu(tf.nn.conv2d(inputs, w, [1, 1, 1, 1], "SAME") + b)
                    return tf.nn.max_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
                return tf.nn.relu(tf.matmul(inputs, w) + b)

            pool2 = layer(layer(images, "conv1", [5, 5, 1, 8]), "conv2", [5, 5, 8, 16])
            fc = layer(tf.reshape(pool2, [-1, 784]), "fc", [784, 128])
            return layer(tf.nn.dropout(fc, keep_prob), "logits", [128, 10])
        '''),
    # ---------------------------------------------------------------- lab06_style
    _w(L6, "q1_gram", "not normalized by the positions", '''
        def gram_matrix(features):
            _, height, width, channels = features.shape.as_list()
            rows = tf.reshape(features, [height * width, channels])
            return tf.matmul(rows, rows, transpose_a=True)
        '''),
    _w(L6, "q1_gram", "reshaped to [C, H*W]: channels and positions mixed", '''
        def gram_matrix(features):
            _, height, width, channels = features.shape.as_list()
            rows = tf.reshape(features, [channels, height * width])
            return tf.matmul(rows, rows, transpose_b=True) / float(height * width)
        '''),
    _w(L6, "q1_gram", "divided by H*W*C", '''
        def gram_matrix(features):
            _, height, width, channels = features.shape.as_list()
            rows = tf.reshape(features, [height * width, channels])
            return tf.matmul(rows, rows, transpose_a=True) / float(height * width * channels)
        '''),
    _w(L6, "q2_losses", "content loss on the deepest layer, not the one asked", '''
        def content_loss(features, content_features, layer):
            deepest = LAYERS[-1]
            return tf.reduce_mean(tf.square(features[deepest] - content_features[deepest]))


        def style_loss(features, style_grams, weights):
            return tf.add_n([weight * tf.reduce_sum(tf.square(gram_matrix(features[layer])
                                                              - style_grams[layer]))
                             for layer, weight in weights.items()])
        '''),
    _w(L6, "q2_losses", "layer weights ignored", '''
        def content_loss(features, content_features, layer):
            return tf.reduce_mean(tf.square(features[layer] - content_features[layer]))


        def style_loss(features, style_grams, weights):
            return tf.add_n([tf.reduce_sum(tf.square(gram_matrix(features[layer])
                                                     - style_grams[layer]))
                             for layer in weights])
        '''),
    _w(L6, "q2_losses", "return inside the loop: first layer only", '''
        def content_loss(features, content_features, layer):
            return tf.reduce_mean(tf.square(features[layer] - content_features[layer]))


        def style_loss(features, style_grams, weights):
            total = 0.0
            for layer, weight in weights.items():
                gram = gram_matrix(features[layer])
                total += weight * tf.reduce_sum(tf.square(gram - style_grams[layer]))
                return total
        '''),
    _w(L6, "q3_transfer", "no var_list: the network's filters are trained too", '''
        def style_transfer(content, style, steps, content_layer="conv2", style_weights=None,
                           content_weight=1.0, learning_rate=0.02):
            if style_weights is None:
                style_weights = {layer: 1.0 for layer in LAYERS}
            content_features = random_network(tf.constant(content[None]))
            style_features = random_network(tf.constant(style[None]))
            style_grams = {layer: gram_matrix(style_features[layer]) for layer in style_weights}
            image = tf.Variable(content[None], name="image")
            features = random_network(image)
            loss = (content_weight * content_loss(features, content_features, content_layer)
                    + style_loss(features, style_grams, style_weights))
            train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss)
            clip = tf.assign(image, tf.clip_by_value(image, 0.0, 1.0))
            losses = []
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(steps):
                    value, _ = sess.run([loss, train_op])
                    sess.run(clip)
                    losses.append(float(value))
                result = sess.run(image)[0]
            return losses, result
        '''),
    _w(L6, "q3_transfer", "optimizer rebuilt at every step", '''
        def style_transfer(content, style, steps, content_layer="conv2", style_weights=None,
                           content_weight=1.0, learning_rate=0.02):
            if style_weights is None:
                style_weights = {layer: 1.0 for layer in LAYERS}
            content_features = random_network(tf.constant(content[None]))
            style_features = random_network(tf.constant(style[None]))
            style_grams = {layer: gram_matrix(style_features[layer]) for layer in style_weights}
            image = tf.Variable(content[None], name="image")
            features = random_network(image)
            loss = (content_weight * content_loss(features, content_features, content_layer)
                    + style_loss(features, style_grams, style_weights))
            losses = []
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(steps):
                    optimizer = tf.train.AdamOptimizer(learning_rate)
                    train_op = optimizer.minimize(loss, var_list=[image])
                    sess.run(tf.variables_initializer(optimizer.variables()))
                    value, _ = sess.run([loss, train_op])
                    sess.run(tf.assign(image, tf.clip_by_value(image, 0.0, 1.0)))
                    losses.append(float(value))
                result = sess.run(image)[0]
            return losses, result
        '''),
    _w(L6, "q3_transfer", "the image is never clipped", '''
        def style_transfer(content, style, steps, content_layer="conv2", style_weights=None,
                           content_weight=1.0, learning_rate=0.02):
            if style_weights is None:
                style_weights = {layer: 1.0 for layer in LAYERS}
            content_features = random_network(tf.constant(content[None]))
            style_features = random_network(tf.constant(style[None]))
            style_grams = {layer: gram_matrix(style_features[layer]) for layer in style_weights}
            image = tf.Variable(content[None], name="image")
            features = random_network(image)
            loss = (content_weight * content_loss(features, content_features, content_layer)
                    + style_loss(features, style_grams, style_weights))
            train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss, var_list=[image])
            losses = []
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(steps):
                    value, _ = sess.run([loss, train_op])
                    losses.append(float(value))
                result = sess.run(image)[0]
            return losses, result
        '''),
    # ---------------------------------------------------------------- lab09_input_pipeline
    _w(L9, "q1_example", "label stored as a float", '''
        def image_example(image, label):
            image = np.asarray(image)
            depth = image.shape[2] if image.ndim == 3 else 1

            def int64_feature(value):
                return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))

            return tf.train.Example(features=tf.train.Features(feature={
                "image_raw": tf.train.Feature(
                    bytes_list=tf.train.BytesList(value=[image.tobytes()])),
                "height": int64_feature(image.shape[0]),
                "width": int64_feature(image.shape[1]),
                "depth": int64_feature(depth),
                "label": tf.train.Feature(float_list=tf.train.FloatList(value=[label])),
            }))
        '''),
    _w(L9, "q1_example", "height and width swapped", '''
        def image_example(image, label):
            image = np.asarray(image)
            width, height = image.shape[:2]
            depth = image.shape[2] if image.ndim == 3 else 1

            def int64_feature(value):
                return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))

            return tf.train.Example(features=tf.train.Features(feature={
                "image_raw": tf.train.Feature(
                    bytes_list=tf.train.BytesList(value=[image.tobytes()])),
                "height": int64_feature(height),
                "width": int64_feature(width),
                "depth": int64_feature(depth),
                "label": int64_feature(label),
            }))
        '''),
    _w(L9, "q1_example", "colour images only: a grey image has no shape[2]", '''
        def image_example(image, label):
            height, width, depth = image.shape

            def int64_feature(value):
                return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))

            return tf.train.Example(features=tf.train.Features(feature={
                "image_raw": tf.train.Feature(
                    bytes_list=tf.train.BytesList(value=[image.tobytes()])),
                "height": int64_feature(height),
                "width": int64_feature(width),
                "depth": int64_feature(depth),
                "label": int64_feature(label),
            }))
        '''),
    _w(L9, "q1_example", "pixels stored as an int64 list", '''
        def image_example(image, label):
            image = np.asarray(image)
            depth = image.shape[2] if image.ndim == 3 else 1

            def int64_feature(values):
                return tf.train.Feature(int64_list=tf.train.Int64List(value=values))

            return tf.train.Example(features=tf.train.Features(feature={
                "image_raw": int64_feature(image.ravel().tolist()),
                "height": int64_feature([image.shape[0]]),
                "width": int64_feature([image.shape[1]]),
                "depth": int64_feature([depth]),
                "label": int64_feature([int(label)]),
            }))
        '''),
    _w(L9, "q2_write", "a new writer for every image: only the last record is kept", '''
        def write_tfrecord(path, images, labels):
            count = 0
            for image, label in zip(images, labels):
                with tf.python_io.TFRecordWriter(path) as writer:
                    writer.write(image_example(image, label).SerializeToString())
                count += 1
            return count
        '''),
    _w(L9, "q2_write", "str(example): the text format, not the wire format", '''
        def write_tfrecord(path, images, labels):
            count = 0
            with tf.python_io.TFRecordWriter(path) as writer:
                for image, label in zip(images, labels):
                    writer.write(str(image_example(image, label)))
                    count += 1
            return count
        '''),
    _w(L9, "q2_write", "the raw pixels written, not the Example", '''
        def write_tfrecord(path, images, labels):
            count = 0
            with tf.python_io.TFRecordWriter(path) as writer:
                for image, label in zip(images, labels):
                    writer.write(np.asarray(image).tobytes())
                    count += 1
            return count
        '''),
    _w(L9, "q3_read", "queue runners never started: the first batch waits for ever", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), image_shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed, allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    try:
                        while not coord.should_stop():
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    finally:
                        coord.request_stop()
            return batches
        '''),
    _w(L9, "q3_read", "no local_variables_initializer: the epoch counter is not initialized",
       '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), image_shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed, allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    coord = tf.train.Coordinator()
                    threads = tf.train.start_queue_runners(sess, coord=coord)
                    try:
                        while not coord.should_stop():
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    finally:
                        coord.request_stop()
                    coord.join(threads)
            return batches
        '''),
    _w(L9, "q3_read", "tf.train.batch: the records keep the files' order", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), image_shape)
                images, labels = tf.train.batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    threads = tf.train.start_queue_runners(sess, coord=coord)
                    try:
                        while not coord.should_stop():
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    finally:
                        coord.request_stop()
                    coord.join(threads)
            return batches
        '''),
    _w(L9, "q3_read", "request_stop without join: the threads are left running", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), image_shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed, allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    tf.train.start_queue_runners(sess, coord=coord)
                    try:
                        while not coord.should_stop():
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    finally:
                        coord.request_stop()
            return batches
        '''),
    _w(L9, "q3_read", "height and width swapped in the reshape", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            shape = [image_shape[1], image_shape[0]] + list(image_shape[2:])
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed, allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    threads = tf.train.start_queue_runners(sess, coord=coord)
                    try:
                        while not coord.should_stop():
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    finally:
                        coord.request_stop()
                    coord.join(threads)
            return batches
        '''),
    _w(L9, "q3_read", "decode_raw to int8: bright pixels turn negative", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.int8), image_shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed, allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    threads = tf.train.start_queue_runners(sess, coord=coord)
                    try:
                        while not coord.should_stop():
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    finally:
                        coord.request_stop()
                    coord.join(threads)
            return batches
        '''),
    _w(L9, "q3_read", "OutOfRangeError not caught: the end of the input escapes", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), image_shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed, allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    threads = tf.train.start_queue_runners(sess, coord=coord)
                    while not coord.should_stop():
                        batches.append(tuple(sess.run([images, labels])))
                    coord.request_stop()
                    coord.join(threads)
            return batches
        '''),
    _w(L9, "q3_read", "no allow_smaller_final_batch: the last examples are dropped", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), image_shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    threads = tf.train.start_queue_runners(sess, coord=coord)
                    try:
                        while not coord.should_stop():
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    finally:
                        coord.request_stop()
                    coord.join(threads)
            return batches
        '''),
    _w(L9, "q3_read", "OutOfRangeError caught without request_stop: join waits for ever", '''
        def read_batches(filenames, image_shape, batch_size, num_epochs, seed):
            batches = []
            with tf.Graph().as_default():
                filename_queue = tf.train.string_input_producer(
                    filenames, num_epochs=num_epochs, seed=seed)
                _, serialized = tf.TFRecordReader().read(filename_queue)
                features = tf.parse_single_example(serialized, {
                    "image_raw": tf.FixedLenFeature([], tf.string),
                    "label": tf.FixedLenFeature([], tf.int64),
                })
                image = tf.reshape(tf.decode_raw(features["image_raw"], tf.uint8), image_shape)
                images, labels = tf.train.shuffle_batch(
                    [image, features["label"]], batch_size, capacity=10 + 3 * batch_size,
                    min_after_dequeue=10, seed=seed, allow_smaller_final_batch=True)
                with tf.Session() as sess:
                    sess.run([tf.global_variables_initializer(),
                              tf.local_variables_initializer()])
                    coord = tf.train.Coordinator()
                    threads = tf.train.start_queue_runners(sess, coord=coord)
                    try:
                        while True:
                            batches.append(tuple(sess.run([images, labels])))
                    except tf.errors.OutOfRangeError:
                        pass
                    coord.join(threads)
            return batches
        '''),
    # ---------------------------------------------------------------- lab12_cgru
    _w(L12, "q1_cutoff", "plain sigmoid: never exactly 0 or 1", '''
        def cutoff_gate(x):
            return tf.sigmoid(x)
        '''),
    _w(L12, "q1_cutoff", "stretched but not clipped", '''
        def cutoff_gate(x):
            return 1.2 * tf.sigmoid(x) - 0.1
        '''),
    _w(L12, "q1_cutoff", "clipped with a straight-through gradient", '''
        def cutoff_gate(x):
            stretched = 1.2 * tf.sigmoid(x) - 0.1
            clipped = tf.clip_by_value(stretched, 0.0, 1.0)
            return stretched + tf.stop_gradient(clipped - stretched)
        '''),
    _w(L12, "q2_cgru_step", "update gate the wrong way round", '''
        def cgru_step(state, U_u, B_u, U_r, B_r, U, B, gate=cutoff_gate):
            def conv(x, kernel):
                return tf.nn.conv2d(x, kernel, [1, 1, 1, 1], "SAME")

            update = gate(conv(state, U_u) + B_u)
            reset = gate(conv(state, U_r) + B_r)
            candidate = tf.tanh(conv(reset * state, U) + B)
            return (1.0 - update) * state + update * candidate
        '''),
    _w(L12, "q2_cgru_step", "reset gate applied after the convolution", '''
        def cgru_step(state, U_u, B_u, U_r, B_r, U, B, gate=cutoff_gate):
            def conv(x, kernel):
                return tf.nn.conv2d(x, kernel, [1, 1, 1, 1], "SAME")

            update = gate(conv(state, U_u) + B_u)
            reset = gate(conv(state, U_r) + B_r)
            candidate = tf.tanh(reset * conv(state, U) + B)
            return update * state + (1.0 - update) * candidate
        '''),
    _w(L12, "q2_cgru_step", "VALID padding: the tape shrinks", '''
        def cgru_step(state, U_u, B_u, U_r, B_r, U, B, gate=cutoff_gate):
            def conv(x, kernel):
                return tf.nn.conv2d(x, kernel, [1, 1, 1, 1], "VALID")

            update = gate(conv(state, U_u) + B_u)
            reset = gate(conv(state, U_r) + B_r)
            candidate = tf.tanh(conv(reset * state, U) + B)
            return update * state + (1.0 - update) * candidate
        '''),
    _w(L12, "q3_neural_gpu", "a single CGRU step", '''
        def neural_gpu(symbols, params, height=2, step=cgru_step):
            embedded = tf.nn.embedding_lookup(params["embedding"], symbols)
            state = tf.pad(tf.expand_dims(embedded, 2),
                           [[0, 0], [0, 0], [0, height - 1], [0, 0]])
            weights = [params[name] for name in ("U_u", "B_u", "U_r", "B_r", "U", "B")]
            state = step(state, *weights)
            return tf.tensordot(state[:, :, 0, :], params["readout"], 1)
        '''),
    _w(L12, "q3_neural_gpu", "every step starts again from the input tape", '''
        def neural_gpu(symbols, params, height=2, step=cgru_step):
            length = symbols.shape.as_list()[1]
            embedded = tf.nn.embedding_lookup(params["embedding"], symbols)
            tape = tf.pad(tf.expand_dims(embedded, 2),
                          [[0, 0], [0, 0], [0, height - 1], [0, 0]])
            weights = [params[name] for name in ("U_u", "B_u", "U_r", "B_r", "U", "B")]
            for _ in range(length):
                state = step(tape, *weights)
            return tf.tensordot(state[:, :, 0, :], params["readout"], 1)
        '''),
    _w(L12, "q3_neural_gpu", "the embedding written on every row of the tape", '''
        def neural_gpu(symbols, params, height=2, step=cgru_step):
            length = symbols.shape.as_list()[1]
            embedded = tf.nn.embedding_lookup(params["embedding"], symbols)
            state = tf.tile(tf.expand_dims(embedded, 2), [1, 1, height, 1])
            weights = [params[name] for name in ("U_u", "B_u", "U_r", "B_r", "U", "B")]
            for _ in range(length):
                state = step(state, *weights)
            return tf.tensordot(state[:, :, 0, :], params["readout"], 1)
        '''),
    # ---------------------------------------------------------------- lab11_char_rnn
    _w(L11, "q1_gru_cell", "update gate the wrong way round", '''
        class MyGRUCell(tf.nn.rnn_cell.RNNCell):
            def __init__(self, num_units, name=None):
                super().__init__(name=name)
                self._num_units = num_units

            @property
            def state_size(self):
                return self._num_units

            @property
            def output_size(self):
                return self._num_units

            def build(self, inputs_shape):
                depth, n = inputs_shape[-1].value, self._num_units
                self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n])
                self._gate_bias = self.add_variable("gates/bias", [2 * n],
                                                    initializer=tf.constant_initializer(1.0))
                self._candidate_kernel = self.add_variable("candidate/kernel", [depth + n, n])
                self._candidate_bias = self.add_variable("candidate/bias", [n],
                                                         initializer=tf.zeros_initializer())

            def call(self, inputs, state):
                gates = tf.sigmoid(tf.matmul(tf.concat([inputs, state], 1), self._gate_kernel)
                                   + self._gate_bias)
                reset, update = tf.split(gates, 2, axis=1)
                candidate = tf.tanh(tf.matmul(tf.concat([inputs, reset * state], 1),
                                              self._candidate_kernel) + self._candidate_bias)
                new_state = (1.0 - update) * state + update * candidate
                return new_state, new_state
        '''),
    _w(L11, "q1_gru_cell", "reset gate applied after the product", '''
        class MyGRUCell(tf.nn.rnn_cell.RNNCell):
            def __init__(self, num_units, name=None):
                super().__init__(name=name)
                self._num_units = num_units

            @property
            def state_size(self):
                return self._num_units

            @property
            def output_size(self):
                return self._num_units

            def build(self, inputs_shape):
                depth, n = inputs_shape[-1].value, self._num_units
                self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n])
                self._gate_bias = self.add_variable("gates/bias", [2 * n],
                                                    initializer=tf.constant_initializer(1.0))
                self._candidate_kernel = self.add_variable("candidate/kernel", [depth + n, n])
                self._candidate_bias = self.add_variable("candidate/bias", [n],
                                                         initializer=tf.zeros_initializer())

            def call(self, inputs, state):
                both = tf.concat([inputs, state], 1)
                gates = tf.sigmoid(tf.matmul(both, self._gate_kernel) + self._gate_bias)
                reset, update = tf.split(gates, 2, axis=1)
                candidate = tf.tanh(reset * tf.matmul(both, self._candidate_kernel)
                                    + self._candidate_bias)
                new_state = update * state + (1.0 - update) * candidate
                return new_state, new_state
        '''),
    _w(L11, "q1_gru_cell", "gate bias left at the default initializer", '''
        class MyGRUCell(tf.nn.rnn_cell.RNNCell):
            def __init__(self, num_units, name=None):
                super().__init__(name=name)
                self._num_units = num_units

            @property
            def state_size(self):
                return self._num_units

            @property
            def output_size(self):
                return self._num_units

            def build(self, inputs_shape):
                depth, n = inputs_shape[-1].value, self._num_units
                self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n])
                self._gate_bias = self.add_variable("gates/bias", [2 * n])
                self._candidate_kernel = self.add_variable("candidate/kernel", [depth + n, n])
                self._candidate_bias = self.add_variable("candidate/bias", [n],
                                                         initializer=tf.zeros_initializer())

            def call(self, inputs, state):
                gates = tf.sigmoid(tf.matmul(tf.concat([inputs, state], 1), self._gate_kernel)
                                   + self._gate_bias)
                reset, update = tf.split(gates, 2, axis=1)
                candidate = tf.tanh(tf.matmul(tf.concat([inputs, reset * state], 1),
                                              self._candidate_kernel) + self._candidate_bias)
                new_state = update * state + (1.0 - update) * candidate
                return new_state, new_state
        '''),
    _w(L11, "q2_masked_loss", "mean over the padded steps too", '''
        def masked_loss(logits, targets, lengths):
            xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
            return tf.reduce_mean(xent)
        '''),
    _w(L11, "q2_masked_loss", "mask drops the last real step", '''
        def masked_loss(logits, targets, lengths):
            mask = tf.sequence_mask(lengths - 1, tf.shape(targets)[1])
            xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
            return tf.reduce_mean(tf.boolean_mask(xent, mask))
        '''),
    _w(L11, "q2_masked_loss", "mean per sequence, then over the batch", '''
        def masked_loss(logits, targets, lengths):
            mask = tf.sequence_mask(lengths, tf.shape(targets)[1], dtype=tf.float32)
            xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
            return tf.reduce_mean(tf.reduce_sum(xent * mask, 1) / tf.reduce_sum(mask, 1))
        '''),
    _w(L11, "q3_train_char_model", "targets not shifted: it learns to copy", '''
        def train_char_model(ids, steps, seed=0, batch_size=64, window=16, learning_rate=0.02,
                             clip_norm=5.0):
            batches = np.random.default_rng(seed)
            with tf.Graph().as_default():
                tf.set_random_seed(seed)
                inputs = tf.placeholder(tf.int32, [None, window])
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=inputs, logits=char_logits(inputs)))
                optimizer = tf.train.AdamOptimizer(learning_rate)
                grads, variables = zip(*optimizer.compute_gradients(loss))
                grads, _ = tf.clip_by_global_norm(grads, clip_norm)
                train_op = optimizer.apply_gradients(zip(grads, variables))
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(steps):
                        starts = batches.integers(0, len(ids) - window, batch_size)
                        sess.run(train_op, {inputs: np.stack([ids[s:s + window] for s in starts])})
                    return {v.op.name: sess.run(v) for v in tf.trainable_variables()}
        '''),
    _w(L11, "q3_train_char_model", "learning_rate ignored: Adam's default 0.001", '''
        def train_char_model(ids, steps, seed=0, batch_size=64, window=16, learning_rate=0.02,
                             clip_norm=5.0):
            batches = np.random.default_rng(seed)
            with tf.Graph().as_default():
                tf.set_random_seed(seed)
                inputs = tf.placeholder(tf.int32, [None, window])
                targets = tf.placeholder(tf.int32, [None, window])
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=targets, logits=char_logits(inputs)))
                optimizer = tf.train.AdamOptimizer()
                grads, variables = zip(*optimizer.compute_gradients(loss))
                grads, _ = tf.clip_by_global_norm(grads, clip_norm)
                train_op = optimizer.apply_gradients(zip(grads, variables))
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(steps):
                        starts = batches.integers(0, len(ids) - window, batch_size)
                        chunks = np.stack([ids[s:s + window + 1] for s in starts])
                        sess.run(train_op, {inputs: chunks[:, :-1], targets: chunks[:, 1:]})
                    return {v.op.name: sess.run(v) for v in tf.trainable_variables()}
        '''),
    _w(L11, "q3_train_char_model", "graph not seeded: other weights every call", '''
        def train_char_model(ids, steps, seed=0, batch_size=64, window=16, learning_rate=0.02,
                             clip_norm=5.0):
            batches = np.random.default_rng(seed)
            with tf.Graph().as_default():
                inputs = tf.placeholder(tf.int32, [None, window])
                targets = tf.placeholder(tf.int32, [None, window])
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=targets, logits=char_logits(inputs)))
                optimizer = tf.train.AdamOptimizer(learning_rate)
                grads, variables = zip(*optimizer.compute_gradients(loss))
                grads, _ = tf.clip_by_global_norm(grads, clip_norm)
                train_op = optimizer.apply_gradients(zip(grads, variables))
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    for _ in range(steps):
                        starts = batches.integers(0, len(ids) - window, batch_size)
                        chunks = np.stack([ids[s:s + window + 1] for s in starts])
                        sess.run(train_op, {inputs: chunks[:, :-1], targets: chunks[:, 1:]})
                    return {v.op.name: sess.run(v) for v in tf.trainable_variables()}
        '''),
]


def rounds(lab: str) -> list[dict[str, Wrong]]:
    """Round ``k``: the ``k``-th wrong answer of each question of ``lab``, by answer cell."""
    by_cell: dict[str, list[Wrong]] = {}
    for wrong in WRONG_ANSWERS:
        if wrong.lab == lab:
            by_cell.setdefault(wrong.cell, []).append(wrong)
    depth = max((len(ws) for ws in by_cell.values()), default=0)
    return [{cell: ws[k] for cell, ws in by_cell.items() if k < len(ws)} for k in range(depth)]
