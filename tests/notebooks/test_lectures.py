"""Lecture notebooks: committed clean, same heading skeleton, and they run top to bottom.

The heading convention is written down in ``lectures/README.md``:

* first cell: ``# Lecture NN — Title`` (NN = the file's number);
* ``## What you will learn``;
* numbered sections ``## 1. Topic``, ``## 2. Topic``, ... each with at least one
  ``**Try it:**`` or ``**Question:**`` prompt for the reader;
* ``## Summary`` then ``## Questions`` as the last two ``##`` headings.

The fast checks (clean, metadata, headings) always run; executing the notebooks
carries the ``notebooks`` marker.

Lectures show their results and explain them; they do not assert them, because a reader who
edits a "Try it" cell must not trip an assert.  What the prose promises about a lecture's own
numbers is checked here instead (:data:`RESULTS`): after the notebook ran, one extra cell
reads values out of its namespace, and a check function holds them to the lecture's claims.
"""
import json
import math
import os
import pathlib
import re
import shutil
import sys
import time

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LECTURE_DIR = ROOT / "lectures"
LECTURES = sorted(LECTURE_DIR.glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in LECTURES]

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
TITLE = re.compile(r"^# Lecture (\d\d) \u2014 \S.*$")
NUMBERED = re.compile(r"^(\d+)\. \S.*$")
PROMPT = re.compile(r"^\s*\*\*(Try it|Question)s?:?\*\*", re.M)
CELL_TIMEOUT = 300
PROBE_MARK = "@@lecture-results@@"


def read(path):
    return nbformat.read(str(path), as_version=4)


def markdown_headings(cell):
    """``(level, text)`` of each ATX heading in a markdown cell, skipping code fences."""
    out, fenced = [], False
    for line in cell.source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m and not fenced:
            out.append((len(m.group(1)), m.group(2)))
    return out


def test_there_are_lectures():
    assert LECTURES, "no lectures/NN_name.ipynb found"
    assert (LECTURE_DIR / "README.md").exists()


@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_committed_without_outputs(path):
    nb = read(path)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], "cell %d of %s has outputs" % (i, path.name)
            assert cell.execution_count is None, "cell %d of %s has an execution count" % (
                i, path.name)
    assert "widgets" not in nb.metadata, "saved widget state in %s" % path.name


@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_metadata(path):
    meta = read(path).metadata
    assert dict(meta.get("kernelspec", {})) == KERNELSPEC
    assert meta.get("language_info", {}).get("name") == "python"


@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_heading_structure(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown", "the first cell must be the title"
    title = first.source.strip().splitlines()[0]
    m = TITLE.match(title)
    assert m, "first line %r is not '# Lecture NN \u2014 Title'" % title
    assert m.group(1) == path.name[:2], "title number does not match the file name"

    # Walk the notebook, cutting it into ``##`` sections.
    sections, top = [], []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if sections:
                sections[-1][1].append(cell)
            continue
        for level, text in markdown_headings(cell):
            if level == 1:
                top.append(text)
            elif level == 2:
                sections.append((text, []))
        if sections:
            sections[-1][1].append(cell)
    assert top == [title[2:]], "only the title may be a level-1 heading, got %r" % top
    names = [s[0] for s in sections]
    assert len(names) >= 4, names
    assert names[0] == "What you will learn", names
    assert names[-2:] == ["Summary", "Questions"], names
    middle = names[1:-2]
    assert middle, "no numbered sections"
    numbers = []
    for name in middle:
        m = NUMBERED.match(name)
        assert m, "section %r is not numbered like '## 1. Topic'" % name
        numbers.append(int(m.group(1)))
    assert numbers == list(range(1, len(numbers) + 1)), names
    for name, cells in sections[1:-2]:
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        assert PROMPT.search(text), "section %r has no **Try it:** / **Question:** prompt" % name


# -- what the lectures promise about their own results ------------------------------------

def check_lecture_03(r):
    # Section 2: one-example-per-step gradient descent lands near least squares.
    assert abs(r["w_sgd"] - r["lsq"][0]) < 0.2 and abs(r["b_sgd"] - r["lsq"][1]) < 0.2, r
    # Section 3: with outliers, the Huber fit stays closer to the true line than squared loss.
    sq, hub = r["fits"]["squared loss"], r["fits"]["Huber loss, \u03b4 = 1"]
    assert abs(hub[0] - 1.5) < abs(sq[0] - 1.5) and abs(hub[1] - 3.0) < abs(sq[1] - 3.0), r["fits"]
    # Section 5: the split the prose describes, and the accuracy it announces for that source.
    sizes = (r["n_train"], r["n_validation"], r["n_test"])
    if r["source_kind"] == "offline":
        assert sizes == (4125, 375, 500), sizes
        required = 0.88              # "about 90%" on the 500 held-out digits of the subset
    else:
        assert sizes == (55000, 5000, 10000), sizes
        required = 0.91              # "around 92%" on the 10,000 test images of full MNIST
    assert r["test_accuracy"] >= required, (r["source_kind"], r["test_accuracy"], required)
    # Section 6, loss-surface paths: every optimizer reaches the least-squares point ...
    lsq = r["lsq"]
    for name, path in r["paths"].items():
        end = path[-1]
        assert abs(end[0] - lsq[0]) < 0.1 and abs(end[1] - lsq[1]) < 0.1, (name, end, lsq)
    # ... gradient descent zigzags (its w steps flip sign again and again) ...
    gd = r["paths"]["GradientDescent(0.1)"]
    dw = [b[0] - a[0] for a, b in zip(gd[:20], gd[1:21])]
    assert sum(x * y < 0 for x, y in zip(dw, dw[1:])) >= 5, dw
    # ... momentum overshoots the minimum and Nesterov less so ...
    undershoot = {k: lsq[1] - min(p[1] for p in r["paths"][k])
                  for k in ("Momentum(0.02, 0.9)", "Momentum(0.02, 0.9), Nesterov")}
    assert undershoot["Momentum(0.02, 0.9)"] > 0.2, undershoot
    assert undershoot["Momentum(0.02, 0.9), Nesterov"] < undershoot["Momentum(0.02, 0.9)"], undershoot
    # ... the per-coordinate methods start diagonally ...
    for name in ("Adagrad(1.0)", "RMSProp(0.05)", "Adam(0.2)"):
        (w0, b0), (w1, b1) = r["paths"][name][:2]
        assert 0.8 < abs(w1 - w0) / abs(b1 - b0) < 1.25, (name, r["paths"][name][:2])
    # ... and RMSProp, with its fixed step length, ends with the highest loss of them all.
    losses = r["final_losses"]
    assert losses["RMSProp(0.05)"] == max(losses.values()), losses


def check_lecture_02(r):
    # Section 9: "ten copies of the same Add", i.e. nine ops more than the build-once loop.
    assert r["lazy_ops"] - r["normal_ops"] == 9, r


def check_lecture_05(r):
    # Section 4: the graph comes back from the .meta file alone, with the checkpoint's values,
    # and its imported training op goes on counting from the restored global step.
    assert r["ops_after_import"] > 0, r
    assert r["W_restored"] == r["W_in_file"], r
    assert (r["step_restored"], r["step_after"]) == (100, 120), r
    # Section 5: the resumed run ends bit for bit where the uninterrupted one ends.
    assert r["same_W"] and r["same_b"], r
    # Section 8 (its timings are shown, never checked: speed is not a test): the CSV pipeline
    # gives back the file's six lines, in order and with their keys, and no runner thread
    # outlives coord.join.
    assert r["csv_keys"] == ["points.csv:%d" % n for n in range(1, 7)], r["csv_keys"]
    assert r["csv_matches_file"] and r["threads_alive"] == [], r


def check_lecture_04(r):
    # Section 2: the ring of skip-gram pairs: 'learn', a context in the first batch, is the
    # last word of the corpus.
    assert r["last_word"] == "learn" and "learn" in r["first_contexts"], r["first_contexts"]
    # Section 3: the full softmax step is slower than the sampled ones by well over 10x ...
    ms = r["step_ms"]
    assert ms["full softmax"] > 20 * max(ms["NCE"], ms["sampled softmax"]), ms
    # ... the log-uniform sampler follows the corpus within 1.5x for the 2,000 most frequent
    # words, and draws the rarest ones up to about 2.5 times too often ...
    low, high = r["zipf_ratio_2000"]
    assert 1 / 1.5 < low and high < 1.5, r["zipf_ratio_2000"]
    assert 1 / 3 < r["zipf_ratio_last"] < 1 / 2, r["zipf_ratio_last"]
    # ... and one step changes only the looked-up rows.
    assert r["changed_embed"] == r["distinct_centres"], r
    assert 0 < r["changed_nce"] <= r["nce_bound"], r
    # Section 4: "a bit more than one and a half passes"; the loss falls by more than a factor
    # of ten, most of it in the first few thousand steps.
    assert 1.5 < r["passes"] < 1.75, r["passes"]
    first, early, last = r["first_loss"], r["early_loss"], r["last_loss"]
    assert last < 0.1 * first and first - early > 0.5 * (first - last), (first, early, last)
    # Section 5: the neighbours the prose names are in the computed lists (6 per word) ...
    near = r["nearest_words"]
    assert "column" in near["row"][:3] and "false" in near["true"][:3], near
    assert {"second", "last"} <= set(near["first"][:3]), near["first"]
    assert {"tuples", "lists", "tuple"} <= set(near["list"][:3]), near["list"]
    assert {"files", "filename"} <= set(near["file"]), near["file"]
    assert {"matlab", "wav"} <= set(near["write"]), near["write"]
    # ... a strong common direction, stronger for rarer words ...
    assert r["common_length"] > 0.5, r["common_length"]
    bands = r["band_cosines"]
    assert bands == sorted(bands) and bands[0] < bands[-1], bands
    # ... and the analogies: four on top or nearly, three in the first ten, yes : no far off.
    ranks = r["analogy_ranks"]
    for key in ("int:ints::float:floats", "array:arrays::matrix:matrices",
                "open:close::start:stop", "input:output::read:write"):
        assert ranks[key] <= 2, (key, ranks)
    for key in ("row:rows::column:columns", "min:max::minimum:maximum", "small:large::low:high"):
        assert ranks[key] <= 10, (key, ranks)
    assert ranks["true:false::yes:no"] > 1000, ranks
    # Section 6: the projector widgets list the same neighbours as `nearest`, and the files
    # for TensorBoard's projector are there, the checkpoint holding the trained matrix.
    assert r["pca_true"][:6] == near["true"] and r["tsne_row"][:6] == near["row"], r
    assert r["stored_equal"], "the checkpoint does not hold final_embeddings"
    assert r["n_metadata"] == 5000 and r["metadata_head"] == ["UNK", "the"], r
    assert r["projector_tensor"] == "embed/embed_matrix:0", r["projector_tensor"]
    files = r["logdir_files"]
    assert {"checkpoint", "metadata.tsv", "projector_config.pbtxt",
            "model.ckpt-30000.index"} <= set(files), files
    assert any(name.startswith("events.out.tfevents") for name in files), files


def check_lecture_06(r):
    # Section 1: the sum formed by hand in the window is what conv2d computed there, and the
    # shape table follows SAME: ceil(n / s), VALID: ceil((n - k + 1) / s) for n = 32, k = 5.
    assert abs(r["hand_sum"] - r["conv2d_value"]) < 1e-5, r
    for padding, stride, shape in r["conv_shapes"]:
        side = math.ceil((32 if padding == "SAME" else 28) / stride)
        assert shape == [None, side, side, 16], (padding, stride, shape)
    # Section 2: pooling keeps the batch and the channels, n = 28.
    for size, stride, padding, shape in r["pool_shapes"]:
        side = math.ceil((28 if padding == "SAME" else 28 - size + 1) / stride)
        assert shape == [None, side, side, 32], (size, stride, padding, shape)
    # Section 3: shift then conv == conv then shift; the table's parameter counts.
    assert r["shift_error"] < 1e-5, r["shift_error"]
    assert (round(r["vgg16"] / 1e6), round(r["vgg19"] / 1e6)) == (138, 144), r
    assert 55000 < r["lenet5"] < 65000, r["lenet5"]
    # Section 4: "above 95%", trained "well under a minute".
    assert r["test_accuracy"] > 0.95 and r["train_seconds"] < 60, r
    # Section 5: a one-hot grad_ys gives exactly the sliced unit's gradient; receptive fields
    # of 5 x 5 (conv1) and at most 14 x 14 (conv2); each class image is classified as its digit.
    assert r["grad_ys_difference"] == 0.0, r["grad_ys_difference"]
    assert r["receptive"]["conv1"] == [5, 5], r["receptive"]
    assert all(5 < side <= 14 for side in r["receptive"]["conv2"]), r["receptive"]
    assert r["dream_classes"] == list(range(10)), r["dream_classes"]
    # Section 6: conv1 and pool2 give the digit back almost exactly; fc without a prior
    # matches its features but not the image.
    err, mismatch = r["pixel_error"], r["fc_mismatch"]
    assert err["conv1, 0"] < 0.01 and err["pool2, 0"] < 0.05, err
    assert mismatch < 0.01 and err["fc, 0"] > 0.2, (mismatch, err)
    # Section 7: a shift moves the Gram matrix far less than another texture does; the Gram
    # loss falls by more than three orders of magnitude.
    assert r["shift_gram"] < 0.5 * r["other_gram"], (r["shift_gram"], r["other_gram"])
    assert all(ratio > 1000 for ratio in r["texture_ratios"]), r["texture_ratios"]
    # Section 8: the content loss starts at zero, the style loss falls by more than 100x,
    # the images stay in [0, 1].
    for name, (content0, style0, style1) in r["style_runs"].items():
        assert content0 == 0.0 and style1 < style0 / 100, (name, content0, style0, style1)
    assert 0.0 <= r["stylized_range"][0] and r["stylized_range"][1] <= 1.0, r["stylized_range"]


def check_lecture_07(r):
    # Section 1: an impulse comes back as the kernel turned by 180 degrees (no flip in conv2d),
    # and the written-out formula gives conv2d's numbers.
    assert r["impulse_response"] == [row[::-1] for row in r["kernel"][::-1]], r
    assert r["by_hand_error"] < 1e-5, r["by_hand_error"]
    # ... weights adding up to 1 keep the photo's brightness, adding up to 0 give 0 on average;
    # the notebook's kernels are the explorer's presets.
    assert r["presets_match"], "the lecture's kernels differ from KERNELS"
    for name, total in r["kernel_sums"].items():
        keeps = name in ("blur", "sharpen", "emboss")
        assert abs(total - (1.0 if keeps else 0.0)) < 1e-6, (name, total)
        target = r["photo_mean"] if keeps else 0.0
        assert abs(r["means"][name] - target) < 0.01, (name, r["means"][name], target)
    # Section 2: output sizes, SAME ceil(n / s) and VALID ceil((n - k + 1) / s) for n = 28 ...
    assert len(r["shape_rows"]) == 18, r["shape_rows"]
    for size, stride, padding, shape in r["shape_rows"]:
        side = math.ceil((28 if padding == "SAME" else 28 - size + 1) / stride)
        assert shape == [None, side, side, 8], (size, stride, padding, shape)
    # ... SAME's odd row and column of zeros go at the bottom and on the right ...
    expected = [[min(2, 5 - i) * min(2, 5 - j) for j in range(5)] for i in range(5)]
    assert r["ones_2x2"] == expected, r["ones_2x2"]
    end, start = r["pad_gaps"]
    assert end < 1e-5 and start > 0.1, r["pad_gaps"]
    # ... and a blur in every (c, o) pair gives three equal channels, three times as bright.
    assert r["mixed_channel_spread"] < 1e-5, r["mixed_channel_spread"]
    assert abs(r["brightness_ratio"] - 3.0) < 1e-3, r["brightness_ratio"]
    # Section 3: 3,274,634 parameters and "97% or more" on the test digits.
    assert r["n_params"] == 3274634, r["n_params"]
    assert r["n_test"] == (500 if r["source_kind"] == "offline" else 10000), r
    assert r["test_accuracy"] >= 0.97, (r["source_kind"], r["test_accuracy"])
    # Section 5: the variable names the table promises, the same parameter count for all
    # three, the trained weights give the same predictions; both libraries start from the
    # same weights and are above 90% after 100 steps, within rounding noise of each other.
    layer_names = ["conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias",
                   "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    contrib_names = ["Conv/weights", "Conv/biases", "Conv_1/weights", "Conv_1/biases",
                     "fully_connected/weights", "fully_connected/biases",
                     "fully_connected_1/weights", "fully_connected_1/biases"]
    hand_names = ["%s/%s" % (scope, kind) for scope in ("conv1", "conv2", "fc", "logits")
                  for kind in ("weights", "biases")]
    assert r["variable_names"] == {"by hand": hand_names, "tf.layers": layer_names,
                                   "tf.contrib.layers": contrib_names}, r["variable_names"]
    assert set(r["param_counts"].values()) == {3274634}, r["param_counts"]
    assert r["same_predictions"], "a library model disagrees with the trained convnet"
    assert set(r["short_runs"]) == {"tf.layers", "tf.contrib.layers"}, r["short_runs"]
    assert min(r["short_runs"].values()) > 0.9, r["short_runs"]
    assert r["same_start"], "the two library models start from different weights"
    runs = sorted(r["short_runs"].values())
    assert runs[1] - runs[0] <= 0.01, r["short_runs"]
    # Section 6: input and output agree in shape and range; a 196-number code; the error is
    # "more than ten times lower" than drawing the average digit.
    assert r["ae_shape"] == r["test_shape"] and r["ae_shape"][1:] == [28, 28, 1], r
    assert 0.0 <= r["ae_range"][0] and r["ae_range"][1] <= 1.0, r["ae_range"]
    assert r["code_size"] == 196, r["code_size"]
    assert r["ae_mse"] < 0.1 * r["mean_digit_mse"], (r["ae_mse"], r["mean_digit_mse"])


def test_lecture_07_check_holds_the_claims():
    """check_lecture_07 passes on values like the notebook's and fails on wrong ones."""
    rows = []
    for k in (3, 4, 5):
        for s in (1, 2, 3):
            for p in ("SAME", "VALID"):
                side = math.ceil((28 if p == "SAME" else 29 - k) / s)
                rows.append([k, s, p, [None, side, side, 8]])
    hand = ["%s/%s" % (s, k) for s in ("conv1", "conv2", "fc", "logits")
            for k in ("weights", "biases")]
    layers = ["conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias",
              "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    contrib = ["Conv/weights", "Conv/biases", "Conv_1/weights", "Conv_1/biases",
               "fully_connected/weights", "fully_connected/biases",
               "fully_connected_1/weights", "fully_connected_1/biases"]
    good = {"kernel": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
            "impulse_response": [[9, 8, 7], [6, 5, 4], [3, 2, 1]], "by_hand_error": 4e-6,
            "presets_match": True, "photo_mean": 0.302,
            "kernel_sums": {"blur": 1.0, "sharpen": 1.0, "edge": 0.0, "top_sobel": 0.0,
                            "emboss": 1.0},
            "means": {"blur": 0.302, "sharpen": 0.302, "edge": 0.0, "top_sobel": 0.003,
                      "emboss": 0.300},
            "shape_rows": rows, "pad_gaps": [0.0, 6.2],
            "ones_2x2": [[4] * 4 + [2]] * 4 + [[2] * 4 + [1]],
            "mixed_channel_spread": 0.0, "brightness_ratio": 3.0,
            "n_params": 3274634, "source_kind": "offline", "n_test": 500, "test_accuracy": 0.98,
            "variable_names": {"by hand": hand, "tf.layers": layers,
                               "tf.contrib.layers": contrib},
            "param_counts": {"by hand": 3274634, "tf.layers": 3274634,
                             "tf.contrib.layers": 3274634},
            "same_predictions": True, "same_start": True,
            "short_runs": {"tf.layers": 0.962, "tf.contrib.layers": 0.962},
            "ae_shape": [500, 28, 28, 1], "test_shape": [500, 28, 28, 1], "ae_range": [0.0, 0.999],
            "code_size": 196, "ae_mse": 0.005, "mean_digit_mse": 0.066}
    check_lecture_07(good)
    floor_rows = [[k, s, p, [None, 28 // s, 28 // s, 8]] for k, s, p, _ in rows]
    for key, bad in (("impulse_response", good["kernel"]), ("test_accuracy", 0.965),
                     ("pad_gaps", [6.2, 0.0]), ("shape_rows", floor_rows),
                     ("ones_2x2", [[1] + [2] * 4] + [[2] + [4] * 4] * 4),
                     ("means", dict(good["means"], edge=0.3)),
                     ("variable_names", dict(good["variable_names"], **{"tf.layers": hand})),
                     ("same_predictions", False), ("ae_range", [-0.2, 1.3]),
                     ("short_runs", {"tf.layers": 0.89, "tf.contrib.layers": 0.885}),
                     ("short_runs", {"tf.layers": 0.99, "tf.contrib.layers": 0.96}),
                     ("same_start", False),
                     ("ae_mse", 0.03), ("brightness_ratio", 1.0)):
        with pytest.raises(AssertionError):
            check_lecture_07(dict(good, **{key: bad}))


def check_lecture_09(r):
    # Section 1: FIFO order, zero padding after each row, smallest priority first; eight draws
    # of a shuffle queue are a permutation of what went in; the errors the prose names.
    assert r["fifo_order"] == [10, 20, 30], r["fifo_order"]
    assert r["padded_batch"] == [[1, 2, 3], [4, 0, 0], [5, 6, 0]], r["padded_batch"]
    assert r["jobs"] == [[1, 2, 3], ["urgent", "normal", "low"]], r["jobs"]
    assert sorted(r["drawn"]) == list(range(8)), r["drawn"]
    assert r["queue_errors"] == {"blocked draw": "DeadlineExceededError",
                                 "draw from a closed, empty queue": "OutOfRangeError",
                                 "enqueue into a closed queue": "CancelledError"}, r
    assert r["waited"] >= 0.49, r["waited"]          # the run gave up after its 500 ms
    # Section 2: four enqueue threads plus the one that closes the queue on a stop; the
    # samples come out in the data's order over 2.5 passes; nothing outlives join.
    names = r["enqueue_threads"]
    assert len(names) == 5 and sum(n.endswith("close_on_stop") for n in names) == 1, names
    assert r["in_data_order"] and r["n_samples"] == 2500, r
    assert r["clean_outcome"].startswith("stopped cleanly"), r["clean_outcome"]
    assert r["failed_outcome"].startswith("join raised ValueError: worker 3"), r
    assert r["alive"] == [[], [], []], r["alive"]
    # ... the monitor: full queues and blocked producers before training, nearly empty queues
    # from half a second after training starts, every thread finished after the stop.
    before = r["before_training"]
    for name, (size, capacity) in before["queues"].items():
        assert size == capacity, (name, size, capacity)
    producers = [s for n, s in before["threads"].items() if n.startswith("producer")]
    assert producers and all(s == "blocked enqueue rows" for s in producers), before
    assert r["training_max_sizes"]["rows"] <= 5, r["training_max_sizes"]
    assert r["training_max_sizes"]["batch/fifo_queue"] <= 10, r["training_max_sizes"]
    assert set(r["after_stop_states"]) == {"finished"}, r["after_stop_states"]
    assert all(r["after_stop_closed"]), r["after_stop_closed"]
    # Section 3: one local and no global variable, the runner in QUEUE_RUNNERS; without the
    # local initializer the read ends and join raises; header lines skipped, two epochs in
    # file order; every binary record and PNG equals what was written.
    assert r["local_variables"] == ["input_producer/limit_epochs/epochs:0"], r
    assert r["global_variables"] == [] and r["csv_runners"] == ["input_producer"], r
    assert r["uninitialized_errors"] == {"read": "OutOfRangeError",
                                         "join": "FailedPreconditionError"}, r
    keys = ["weather-%d.csv:%d" % (p, line) for _ in range(2) for p in (0, 1)
            for line in range(2, 6)]
    assert r["csv_keys"] == keys and r["csv_matches_files"], (r["csv_keys"], r)
    assert r["bin_size"] == 8 + 64 * (1 + 28 * 28) and r["n_bin"] == 64 and r["bin_matches"], r
    assert r["png_static_shape"] == [None, None, 1] and r["n_png"] == 8, r
    assert r["png_matches"], r
    # Section 4: static batch shapes of 16; both runners in the collection; the first batch
    # mixes the two shards; each id once, every record as written; no thread left.
    assert r["queue_static_shapes"] == [[16, 28, 28, 1], [16], [16], [16]], r
    assert r["queue_runtime_shapes"] == [[[16, 28, 28, 1], [16], [16], [16]]] * 4, r
    assert r["tfrecord_runners"] == ["input_producer", "shuffle_batch/random_shuffle_queue"], r
    first = r["first_batch_ids"]
    assert min(first) < 32 <= max(first), first
    assert r["queue_ids"] == list(range(64)) and r["records_match"], r
    assert r["tfrecord_alive"] == [], r["tfrecord_alive"]
    # Section 5 (speeds are shown, never checked): the same table from all three files; raw
    # records 40 + 16 bytes, Examples a few bytes more, CSV more than twice raw, about eleven
    # characters and a comma per number.
    assert all(r["tables_equal"].values()) and len(r["tables_equal"]) == 3, r["tables_equal"]
    rows, cols = r["table_shape"]
    size = r["file_bytes"]
    raw = size["TFRecord raw + decode_raw"]
    assert raw == rows * (4 * cols + 16), size
    assert raw + rows <= size["TFRecord Example + parse_example"] <= raw + 20 * rows, size
    assert size["CSV + decode_csv"] > 2 * raw, size
    assert 11.5 <= size["CSV + decode_csv"] / (rows * cols) <= 13, size
    # Section 6: tf.data's batch dimension is unknown, the runtime shapes are the queue's,
    # both see the same 64 examples; OutOfRangeError at the end; no threads; the
    # initializable iterator's three passes; and at the very end no thread is left over.
    assert r["data_static_shapes"] == [[None, 28, 28, 1], [None], [None], [None]], r
    assert r["data_runtime_shapes"] == r["queue_runtime_shapes"], r
    assert r["data_ids"] == r["queue_ids"] == list(range(64)), r
    assert r["end_of_epoch"] == "OutOfRangeError" and r["data_threads"] == [], r
    assert r["epoch_batches"] == [list(range(64))] * 2 + [list(range(32))], r["epoch_batches"]
    assert r["leftover_threads"] == [], r["leftover_threads"]


def test_lecture_09_check_holds_the_claims():
    """check_lecture_09 passes on values like the notebook's and fails on wrong ones."""
    runtime = [[[16, 28, 28, 1], [16], [16], [16]]] * 4
    good = {"fifo_order": [10, 20, 30], "padded_batch": [[1, 2, 3], [4, 0, 0], [5, 6, 0]],
            "jobs": [[1, 2, 3], ["urgent", "normal", "low"]], "drawn": [7, 3, 6, 2, 1, 4, 0, 5],
            "queue_errors": {"blocked draw": "DeadlineExceededError",
                             "draw from a closed, empty queue": "OutOfRangeError",
                             "enqueue into a closed queue": "CancelledError"},
            "waited": 0.5,
            "enqueue_threads": ["QueueRunnerThread-fifo_queue-fifo_queue_EnqueueMany"] * 4
            + ["QueueRunnerThread-fifo_queue-close_on_stop"],
            "in_data_order": True, "n_samples": 2500,
            "clean_outcome": "stopped cleanly; first find (worker, draw): (0, 2056)",
            "failed_outcome": "join raised ValueError: worker 3: corrupt record after 100 draws",
            "alive": [[], [], []],
            "before_training": {"queues": {"rows": [50, 50], "batch/fifo_queue": [30, 30]},
                                "threads": {"producer-0": "blocked enqueue rows",
                                            "producer-1": "blocked enqueue rows"}},
            "training_max_sizes": {"rows": 1, "batch/fifo_queue": 9},
            "after_stop_states": ["finished"] * 4, "after_stop_closed": [True, True],
            "local_variables": ["input_producer/limit_epochs/epochs:0"], "global_variables": [],
            "csv_runners": ["input_producer"],
            "uninitialized_errors": {"read": "OutOfRangeError",
                                     "join": "FailedPreconditionError"},
            "csv_keys": ["weather-%d.csv:%d" % (p, n) for _ in range(2) for p in (0, 1)
                         for n in range(2, 6)],
            "csv_matches_files": True, "bin_size": 50248, "n_bin": 64, "bin_matches": True,
            "png_static_shape": [None, None, 1], "n_png": 8, "png_matches": True,
            "queue_static_shapes": [[16, 28, 28, 1], [16], [16], [16]],
            "queue_runtime_shapes": runtime,
            "tfrecord_runners": ["input_producer", "shuffle_batch/random_shuffle_queue"],
            "first_batch_ids": [47, 7, 8, 42], "queue_ids": list(range(64)),
            "records_match": True, "tfrecord_alive": [],
            "tables_equal": {"CSV": True, "Example": True, "raw": True},
            "table_shape": [20000, 10],
            "file_bytes": {"CSV + decode_csv": 2431520,
                           "TFRecord Example + parse_example": 1380000,
                           "TFRecord raw + decode_raw": 1120000},
            "data_static_shapes": [[None, 28, 28, 1], [None], [None], [None]],
            "data_runtime_shapes": runtime, "data_ids": list(range(64)),
            "end_of_epoch": "OutOfRangeError", "data_threads": [],
            "epoch_batches": [list(range(64))] * 2 + [list(range(32))], "leftover_threads": []}
    check_lecture_09(good)
    for key, bad in (("padded_batch", [[1, 2, 3], [0, 0, 4], [0, 5, 6]]),
                     ("jobs", [[3, 1, 2], ["low", "urgent", "normal"]]),
                     ("drawn", [0, 1, 2, 3, 4, 5, 6, 6]), ("waited", 0.01),
                     ("enqueue_threads", ["QueueRunnerThread-fifo_queue-x"] * 4),
                     ("in_data_order", False),
                     ("failed_outcome", "stopped cleanly; first find (worker, draw): (0, 9)"),
                     ("before_training", {"queues": {"rows": [12, 50]}, "threads": {}}),
                     ("training_max_sizes", {"rows": 50, "batch/fifo_queue": 30}),
                     ("after_stop_states", ["finished", "blocked"]),
                     ("global_variables", ["input_producer/limit_epochs/epochs:0"]),
                     ("uninitialized_errors", {"read": "OutOfRangeError"}),
                     ("csv_keys", ["weather-0.csv:%d" % n for n in range(1, 17)]),
                     ("bin_matches", False), ("queue_ids", list(range(63)) + [0]),
                     ("first_batch_ids", [1, 2, 3, 4]), ("records_match", False),
                     ("tables_equal", {"CSV": False, "Example": True, "raw": True}),
                     ("file_bytes", dict(good["file_bytes"], **{"CSV + decode_csv": 2000000})),
                     ("data_ids", list(range(32))), ("end_of_epoch", None),
                     ("data_threads", ["prefetch"]),
                     ("epoch_batches", [list(range(64))] * 3),
                     ("leftover_threads", ["QueueRunnerThread-input_producer-close_on_stop"])):
        with pytest.raises(AssertionError):
            check_lecture_09(dict(good, **{key: bad}))


def check_lecture_11(r):
    # Section 1: the weight counts of the three cells, (D+H)H + H times 1, 4 and 3, and the
    # cells compute the written-out equations.
    d, h = r["dims"]
    block = (d + h) * h + h
    assert r["param_counts"] == {"BasicRNNCell": block, "BasicLSTMCell": 4 * block,
                                 "GRUCell": 3 * block}, r["param_counts"]
    assert max(r["step_errors"].values()) < 1e-5, r["step_errors"]
    # Section 2: [cell] * n warns; a list of new cells gives each layer its own weights under
    # TF's names; output dropout zeroes about half and doubles the rest exactly, and does
    # nothing at the default keep_prob of 1.
    assert len(r["stack_warnings"]) == 1 and "MultiRNNCell" in r["stack_warnings"][0], r
    assert r["stacked_names"] == ["rnn/multi_rnn_cell/cell_%d/gru_cell/%s" % (k, part)
                                  for k in range(3) for part in ("gates/kernel", "gates/bias",
                                                                 "candidate/kernel",
                                                                 "candidate/bias")], r
    assert 0.35 < r["dropped_share"] < 0.65, r["dropped_share"]
    assert all(abs(v - 2.0) < 1e-5 for v in r["kept_ratio"]), r["kept_ratio"]
    assert r["evaluation_gap"] < 1e-5, r["evaluation_gap"]
    # Section 3: the dynamic graph has one size for every length, the static one grows by the
    # same number of ops per step; both give the same outputs; a shorter run is a prefix;
    # changing the last input moves the backward half of step 0 only.
    sizes = r["graph_sizes"]
    assert sizes["dynamic_rnn 10"] == sizes["dynamic_rnn 40"] == sizes["dynamic_rnn 120"], sizes
    per_step = (sizes["static_rnn 40"] - sizes["static_rnn 10"]) / 30
    assert per_step > 10 and (sizes["static_rnn 120"] - sizes["static_rnn 40"]) == 80 * per_step
    assert sizes["static_rnn 10"] > sizes["dynamic_rnn 10"], sizes
    assert r["n_variables"] == 2 and r["static_dynamic_gap"] < 1e-5 and r["prefix_gap"] < 1e-6
    change = r["first_step_change"]
    assert change["forward"] == 0.0 and change["backward"] > 1e-3, change
    # Section 4: relative gradient norms at distances 10, 20, 40: the tanh RNN keeps about 1%
    # at 20, the LSTM and GRU several times more at 20 and ten times more at 40; relu with
    # the default init loses most, with identity init it keeps more than half over 40 steps.
    rel = r["relative"]
    tanh20, tanh40 = rel["tanh RNN"][1], rel["tanh RNN"][2]
    assert 0.003 < tanh20 < 0.03, rel
    for gated in ("LSTM", "GRU"):
        assert rel[gated][1] > 2 * tanh20 and rel[gated][2] > 10 * tanh40, (gated, rel)
    assert rel["relu RNN"][1] < tanh20 and rel["relu RNN"][2] < tanh40, rel
    assert rel["relu RNN, identity init"][2] > 0.5, rel
    # ... exploding with three times the weights, fading at the standard scale ...
    scaled = r["scaled"]
    assert scaled["1.0"][2] < scaled["1.0"][0] / 1000, scaled
    assert scaled["3.0"][2] > 10000 * scaled["3.0"][0], scaled
    # ... clipping to 5 leaves a global norm of 5, every tensor shrunk by 5 / norm ...
    before, after = r["clip_norms"]
    assert before > 5 and abs(after - 5.0) < 1e-4, r["clip_norms"]
    assert all(abs(s - 5.0 / before) < 1e-4 for s in r["shrink"]), r["shrink"]
    # ... and the toy runs: the raw one has gradient spikes near 1e5, its loss climbs into the
    # thousands later in the run and ends no better than at the start; the clipped one meets
    # norms of ~100, never exceeds its first losses and ends about ten times lower.
    raw, clipped = r["toy"]["raw gradients"], r["toy"]["clipped to norm 5"]
    max_loss, first_max, last20, max_norm, first = range(5)
    assert raw[max_loss] > 1000 and raw[max_norm] > 1e4 and r["blow_up_step"] >= 20, raw
    assert raw[last20] > 0.8 * raw[first], raw
    assert clipped[max_loss] <= clipped[first_max] and clipped[max_norm] > 50, clipped
    assert clipped[last20] < raw[last20] / 5, (raw, clipped)
    # Section 5: exponential_decay is the formula, smooth and staircase; the two regression
    # runs agree for 50 steps, then the decayed one ends more than ten times nearer the floor.
    for s, (smooth, stairs) in zip(r["schedule_steps"], r["schedule"]):
        assert abs(smooth - 0.01 * 0.8 ** (s / 100)) < 1e-8, (s, smooth)
        assert abs(stairs - 0.01 * 0.8 ** (s // 100)) < 1e-8, (s, stairs)
    const, decayed = r["annealing"]["constant 0.1"], r["annealing"]["0.1, halved every 50 steps"]
    floor = r["noise_floor"]
    assert const[:5] == decayed[:5], (const[:5], decayed[:5])
    assert const[-1] - floor > 10 * (decayed[-1] - floor) and decayed[-1] >= floor - 1e-6, r
    # Section 6: the loss starts at ln V, beats frequency-only guessing (3.2 nats) within 50
    # steps and is near 1.75 after 200; the clip at 5 never fired.
    losses = r["losses"]
    assert r["first_steps"] == len(losses) == 200, r["first_steps"]
    assert abs(losses[0] - math.log(r["vocab"])) < 0.05, losses[0]
    assert 3.15 < r["unigram_nats"] < 3.25, r["unigram_nats"]
    assert sum(losses[40:50]) / 10 < r["unigram_nats"], losses[40:50]
    assert 1.6 < sum(losses[-10:]) / 10 < 1.9, losses[-10:]
    assert max(r["norms_seen"]) < 5.0, max(r["norms_seen"])
    # Section 7: the restored model scores the next batch bit for bit as before saving, at the
    # same step and learning rate; the NumPy gates rebuild the states; some units hold; the
    # resumed loss goes on from the saved level and keeps falling.
    assert r["loss_restored"] == r["loss_next_batch"], r
    assert r["restored_step"] == r["first_steps"], r["restored_step"]
    assert r["rates"][0] == r["rates"][1] and abs(r["rates"][0] - 0.0064) < 1e-9, r["rates"]
    assert r["trace_gap"] < 1e-5 and r["holding_units"] >= 1, r
    resumed = r["resumed_losses"]
    assert r["final_step"] == r["first_steps"] + r["more_steps"] == 200 + len(resumed), r
    before_save, after_restore = sum(losses[-10:]) / 10, sum(resumed[:10]) / 10
    assert abs(after_restore - before_save) < 0.15, (before_save, after_restore)
    assert after_restore < sum(losses[40:50]) / 10, after_restore
    assert sum(resumed[-10:]) / 10 < before_save, resumed[-10:]
    # Section 8: the colder the sample, the more real words: most at 0.5, about half at 1.0,
    # well under half at 1.5.
    share = r["known_share"]
    assert share["0.5"] > share["1.0"] > share["1.5"], share
    assert share["0.5"] > 0.75 and 0.35 < share["1.0"] < 0.75 and share["1.5"] < 0.45, share
    # Section 9: lengths from the data are the strings' lengths; the mask is theirs; both
    # masked losses are the mean over the real positions, the padded loss the mean over all,
    # about 2.6 against 1.5, the padding about 4.4; sequence_length zeroes the outputs past the
    # end, keeps the last real state, changes no real output, and only the full row's final
    # state is the same without it.
    assert r["data_lengths"] == r["line_lengths"] and r["mask_matches"], r
    padded, masked, seq2seq, all_mean, real_mean, pad_mean = r["losses_pad"]
    assert abs(masked - real_mean) < 1e-5 and abs(seq2seq - real_mean) < 1e-5, r["losses_pad"]
    assert abs(padded - all_mean) < 1e-5, r["losses_pad"]
    assert 2.3 < padded < 2.9 and 1.3 < masked < 1.8 and 4.0 < pad_mean < 4.8, r["losses_pad"]
    assert r["past_end_max"] == 0.0 and r["state_is_last_real"] < 1e-7, r
    assert r["real_steps_gap"] < 1e-6, r["real_steps_gap"]
    assert sum(r["full_rows"]) == 1, r["full_rows"]
    for full, moved in zip(r["full_rows"], r["state_moved"]):
        assert (moved == 0.0) if full else (moved > 0.1), (r["full_rows"], r["state_moved"])
    # Section 10: add-k n-grams improve up to order 4 and then get worse; the best is order 4
    # with k = 0.01, about 5.3, a little better than the GRU's about 5.6.
    ppl = r["ngram"]
    curve = [ppl["%d 0.01" % order] for order in range(1, 7)]
    assert curve[:4] == sorted(curve[:4], reverse=True) and curve[3:] == sorted(curve[3:]), curve
    assert r["best_ngram"] == [4, 0.01] and 5.15 < ppl["4 0.01"] < 5.45, (r["best_ngram"], ppl)
    assert ppl["4 0.01"] < r["rnn_perplexity"] < 6.0, (ppl["4 0.01"], r["rnn_perplexity"])


def test_lecture_11_check_holds_the_claims():
    """check_lecture_11 passes on values like the notebook's and fails on wrong ones."""
    stacked = ["rnn/multi_rnn_cell/cell_%d/gru_cell/%s" % (k, part) for k in range(3)
               for part in ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")]
    steps = list(range(0, 401, 10))
    ngram = {"%d %g" % (order, k): v for order, row in zip(range(1, 7), (
        (22.97, 22.97, 22.97), (12.41, 12.35, 12.40), (7.40, 6.77, 6.90), (7.16, 5.36, 5.32),
        (9.38, 5.91, 5.54), (13.08, 7.55, 6.68))) for k, v in zip((1.0, 0.1, 0.01), row)}
    losses = [4.54] + [3.5] * 39 + [2.57] * 10 + [2.0] * 140 + [1.75] * 10
    good = {"dims": [3, 4], "param_counts": {"BasicRNNCell": 32, "BasicLSTMCell": 128,
                                             "GRUCell": 96},
            "step_errors": {"BasicRNNCell": 0.0, "GRUCell": 6e-8},
            "stack_warnings": ["MultiRNNCell got the same cell object more than once"],
            "stacked_names": stacked, "dropped_share": 0.48, "kept_ratio": [2.0, 2.0],
            "evaluation_gap": 1.8e-7,
            "graph_sizes": {"dynamic_rnn 10": 204, "dynamic_rnn 40": 204,
                            "dynamic_rnn 120": 204, "static_rnn 10": 925, "static_rnn 40": 3595,
                            "static_rnn 120": 10715},
            "n_variables": 2, "static_dynamic_gap": 0.0, "prefix_gap": 0.0,
            "first_step_change": {"forward": 0.0, "backward": 0.25},
            "relative": {"tanh RNN": [0.11, 0.010, 1.5e-4], "LSTM": [0.14, 0.027, 2.0e-3],
                         "GRU": [0.16, 0.040, 4.8e-3], "relu RNN": [0.017, 3.3e-4, 1.3e-7],
                         "relu RNN, identity init": [0.85, 0.73, 0.56]},
            "scaled": {"1.0": [2.1, 2.2e-2, 2.3e-4], "2.0": [2.9, 15.0, 50.0],
                       "3.0": [3.2, 450.0, 7.5e4]},
            "clip_norms": [31.55, 5.0], "shrink": [0.15848] * 4,
            "toy": {"raw gradients": [2319.2, 22.6, 3.74, 95730.2, 3.0],
                    "clipped to norm 5": [4.0, 4.0, 0.37, 103.0, 3.0]}, "blow_up_step": 81,
            "schedule_steps": steps,
            "schedule": [[0.01 * 0.8 ** (s / 100), 0.01 * 0.8 ** (s // 100)] for s in steps],
            "annealing": {"constant 0.1": [1.0, 0.5, 0.4, 0.35, 0.33, 0.3094],
                          "0.1, halved every 50 steps": [1.0, 0.5, 0.4, 0.35, 0.33, 0.2435]},
            "noise_floor": 0.2412, "vocab": 94, "unigram_nats": 3.20, "losses": losses,
            "norms_seen": [1.5] * 200, "first_steps": 200, "loss_next_batch": 1.9137,
            "loss_restored": 1.9137, "restored_step": 200, "rates": [0.0064, 0.0064],
            "trace_gap": 9.7e-7, "holding_units": 8, "resumed_losses": [1.74] * 50 + [1.6] * 10,
            "final_step": 260, "more_steps": 60,
            "known_share": {"0.5": 0.87, "1.0": 0.54, "1.5": 0.38},
            "data_lengths": [22, 66, 39, 36], "line_lengths": [22, 66, 39, 36],
            "mask_matches": True,
            "losses_pad": [2.616, 1.522, 1.522, 2.616, 1.522, 4.382], "past_end_max": 0.0,
            "state_is_last_real": 0.0, "real_steps_gap": 0.0,
            "state_moved": [1.986, 0.0, 1.992, 1.991], "full_rows": [False, True, False, False],
            "ngram": ngram, "rnn_perplexity": 5.57, "best_ngram": [4, 0.01]}
    check_lecture_11(good)
    for key, bad in (("param_counts", {"BasicRNNCell": 32, "BasicLSTMCell": 96, "GRUCell": 96}),
                     ("step_errors", {"GRUCell": 0.3}), ("stack_warnings", []),
                     ("stacked_names", stacked[:4] * 3), ("kept_ratio", [1.0, 2.0]),
                     ("graph_sizes", dict(good["graph_sizes"], **{"dynamic_rnn 120": 900})),
                     ("graph_sizes", dict(good["graph_sizes"], **{"static_rnn 120": 5000})),
                     ("first_step_change", {"forward": 0.1, "backward": 0.25}),
                     ("relative", dict(good["relative"], LSTM=[0.1, 0.011, 1.6e-4])),
                     ("relative", dict(good["relative"], **{"relu RNN, identity init":
                                                            [0.5, 0.2, 0.05]})),
                     ("scaled", dict(good["scaled"], **{"3.0": [3.2, 3.0, 3.0]})),
                     ("clip_norms", [31.55, 31.55]), ("shrink", [0.15848, 1.0, 0.2, 0.15848]),
                     ("toy", {"raw gradients": [4.0, 4.0, 0.4, 100.0, 3.0],
                              "clipped to norm 5": [4.0, 4.0, 0.37, 103.0, 3.0]}),
                     ("toy", {"raw gradients": [2319.2, 22.6, 1.0, 95730.2, 3.0],
                              "clipped to norm 5": [4.0, 4.0, 0.1, 103.0, 3.0]}),
                     ("toy", {"raw gradients": [2319.2, 22.6, 3.74, 95730.2, 3.0],
                              "clipped to norm 5": [40.0, 4.0, 0.37, 103.0, 3.0]}),
                     ("schedule", [[0.01, 0.01]] * len(steps)),
                     ("annealing", {"constant 0.1": [1.0, 0.3], "0.1, halved every 50 steps":
                                    [0.9, 0.25]}),
                     ("losses", [3.0] + losses[1:]), ("losses", losses[:-10] + [2.2] * 10),
                     ("norms_seen", [1.5] * 199 + [7.0]), ("loss_restored", 1.9138),
                     ("rates", [0.0064, 0.01]), ("trace_gap", 0.01), ("holding_units", 0),
                     ("resumed_losses", [4.5] * 10 + [1.6] * 50),
                     ("known_share", {"0.5": 0.5, "1.0": 0.54, "1.5": 0.38}),
                     ("data_lengths", [23, 67, 40, 37]), ("mask_matches", False),
                     ("losses_pad", [1.522, 1.522, 1.522, 2.616, 1.522, 4.382]),
                     ("losses_pad", [2.616, 2.616, 1.522, 2.616, 1.522, 4.382]),
                     ("past_end_max", 0.3), ("state_is_last_real", 0.5),
                     ("state_moved", [0.0, 0.0, 1.992, 1.991]),
                     ("best_ngram", [5, 0.01]), ("rnn_perplexity", 5.0)):
        with pytest.raises(AssertionError):
            check_lecture_11(dict(good, **{key: bad}))


def check_lecture_12(r):
    # Section 1: a CGRU of 3 x 1 kernels over 24 channels has 5,256 weights, whatever the width.
    assert r["cgru_weights"] == 5256 == r["model_cgru_weights"], r
    # Section 2: the cut-off sigmoid is exactly 0 or 1 from |x| = 2.4 on, its gradient is
    # 1.2 sigma' inside and 0 outside; conv_gru is the three equations; a gate held open by
    # the cutoff keeps the tape exactly for 30 steps, the plain sigmoid lets it drift.
    assert 2.35 < r["saturation"] <= 2.45, r["saturation"]
    assert r["gate_gradient_error"] < 1e-5, r["gate_gradient_error"]
    assert r["cgru_by_hand_error"] < 1e-6, r["cgru_by_hand_error"]
    assert r["held_drift"]["1.2"] == 0.0 and r["held_drift"]["1.0"] > 0.1, r["held_drift"]
    # Section 3: the examples' sums are right; the curriculum reaches 8 bits well before the
    # end of training, and the error stays close to zero after that.
    assert r["example_checks"] == [True] * 3, r["example_checks"]
    last_step, last_bits = r["curriculum_history"][-1]
    assert last_bits == 8 and last_step < 0.8 * r["steps"], r["curriculum_history"]
    assert r["final_train_error"] < 0.01, r["final_train_error"]
    # Section 4: essentially perfect at 8 bits, more than 95% of the digits right at 16 bits.
    g = r["generalization"]
    assert g["8"][0] >= 0.99 and g["8"][1] >= 0.9, g
    assert g["16"][0] > 0.95, g
    # Section 5: eight runs of 150 steps; the runs with seed 0 start from the same weights;
    # with every trick off, training on all lengths at once learns the 8-bit additions.
    assert r["ablation_steps"] == 150, r["ablation_steps"]
    assert r["ablation_rows"] == sorted([
        "all off", "all off, seed 1", "all off, seed 2", "curriculum", "gate cutoff 1.2",
        "gradient noise", "state dropout 0.9", "relaxation r=2"]), r["ablation_rows"]
    assert r["same_start"], "the seed-0 runs start from different weights"
    assert min(r["plain_8_bits"]) >= 0.95, r["plain_8_bits"]
    # Section 6: the while_loop and the unrolled CGRU agree, the loop's width is unknown;
    # tf.cond refuses a batched predicate and calls a branch function once; tf.where picks
    # per example; every bucketed batch comes from one bucket, padded to its longest, with a
    # mask of its lengths; the masked loss is the mean over the real columns; HParams types.
    assert r["loop_difference"] < 1e-6 and r["looped_shape"] == [None, None, 1, 24], r
    unrolled_ops, looped_ops = r["loop_ops"]          # nine copies of the step against one
    assert 9 * looped_ops > unrolled_ops > 5 * looped_ops, r["loop_ops"]
    assert "scalar" in r["cond_error"] and r["lambda_calls"] == 1, r
    assert r["cond_runs"] == [[2.0, -4.0, 6.0], [1.0, -2.0, 3.0], [2.0, -4.0, 6.0]], r
    assert r["where_picked"] == [[1.0, 1.0], [20.0, 20.0], [3.0, 3.0]], r["where_picked"]
    seen = []
    for lengths, shape, mask_sums, rows in r["bucket_batches"]:
        assert len({(n >= 5) + (n >= 10) for n in lengths}) == 1, lengths
        assert shape == [len(lengths), max(lengths)] and mask_sums == lengths, (lengths, shape)
        assert rows == [[n] * n + [0] * (max(lengths) - n) for n in lengths], rows
        seen += lengths
    assert sorted(seen) == sorted(r["seq_lengths"]), seen
    assert abs(r["masked_loss"] - r["numpy_masked_loss"]) < 1e-6, r
    assert r["hparams_parsed"] == {"learning_rate": 0.001, "steps": 2000, "curriculum": False,
                                   "channels": 32}, r["hparams_parsed"]
    assert "'steps'" in r["hparams_error"] and r["restored_equal"], r


def test_lecture_12_check_holds_the_claims():
    """check_lecture_12 passes on values like the notebook's and fails on wrong ones."""
    buckets = [[[3, 4], [2, 4], [3, 4], [[3, 3, 3, 0], [4, 4, 4, 4]]],
               [[2], [1, 2], [2], [[2, 2]]],
               [[9, 7], [2, 9], [9, 7], [[9] * 9, [7] * 7 + [0, 0]]],
               [[5, 6], [2, 6], [5, 6], [[5] * 5 + [0], [6] * 6]], [[8], [1, 8], [8], [[8] * 8]],
               [[12, 10], [2, 12], [12, 10], [[12] * 12, [10] * 10 + [0, 0]]],
               [[11, 13], [2, 13], [11, 13], [[11] * 11 + [0, 0], [13] * 13]]]
    rows = ["all off", "all off, seed 1", "all off, seed 2", "curriculum", "gate cutoff 1.2",
            "gradient noise", "state dropout 0.9", "relaxation r=2"]
    good = {"cgru_weights": 5256, "model_cgru_weights": 5256, "saturation": 2.4,
            "gate_gradient_error": 3e-8, "cgru_by_hand_error": 0.0,
            "held_drift": {"1.0": 0.78, "1.2": 0.0}, "example_checks": [True] * 3,
            "curriculum_history": [[0, 2], [83, 3], [165, 8]], "steps": 500,
            "final_train_error": 1e-4,
            "generalization": {"8": [1.0, 1.0], "16": [1.0, 1.0], "32": [1.0, 0.98],
                               "64": [0.999, 0.95]},
            "ablation_steps": 150, "ablation_rows": sorted(rows), "same_start": True,
            "plain_8_bits": [1.0, 1.0, 1.0], "loop_difference": 0.0,
            "looped_shape": [None, None, 1, 24], "loop_ops": [261, 36],
            "cond_error": "pred must be a scalar, got shape (3,)", "lambda_calls": 1,
            "cond_runs": [[2.0, -4.0, 6.0], [1.0, -2.0, 3.0], [2.0, -4.0, 6.0]],
            "where_picked": [[1.0, 1.0], [20.0, 20.0], [3.0, 3.0]],
            "bucket_batches": buckets, "seq_lengths": [3, 9, 4, 12, 2, 10, 7, 11, 5, 13, 6, 8],
            "masked_loss": 3e-5, "numpy_masked_loss": 3e-5,
            "hparams_parsed": {"learning_rate": 0.001, "steps": 2000, "curriculum": False,
                               "channels": 32},
            "hparams_error": "Could not parse hparam 'steps' of type 'int' with value '1.5'",
            "restored_equal": True}
    check_lecture_12(good)
    mixed = [[[4, 7], [2, 7], [4, 7], [[4] * 4 + [0] * 3, [7] * 7]]] + buckets[1:]
    for key, bad in (("model_cgru_weights", 5256 * 9), ("saturation", 5.0),
                     ("gate_gradient_error", 0.2), ("held_drift", {"1.0": 0.78, "1.2": 1e-4}),
                     ("held_drift", {"1.0": 0.0, "1.2": 0.0}), ("example_checks", [True, False]),
                     ("curriculum_history", [[0, 2], [450, 8]]),
                     ("curriculum_history", [[0, 2], [100, 7]]), ("final_train_error", 0.05),
                     ("generalization", {"8": [0.97, 0.5], "16": [0.9, 0.1]}),
                     ("generalization", {"8": [1.0, 1.0], "16": [0.9, 0.1]}),
                     ("ablation_steps", 100), ("ablation_rows", rows[:5]), ("same_start", False),
                     ("plain_8_bits", [1.0, 0.6, 1.0]), ("loop_difference", 0.01),
                     ("looped_shape", [None, 9, 1, 24]), ("loop_ops", [261, 261]),
                     ("lambda_calls", 3),
                     ("cond_runs", [[2.0, -4.0, 6.0]] * 3),
                     ("where_picked", [[10.0, 10.0], [2.0, 2.0], [30.0, 30.0]]),
                     ("bucket_batches", mixed), ("bucket_batches", buckets[1:]),
                     ("masked_loss", 1.2), ("hparams_parsed", {"steps": 2000.0}),
                     ("hparams_error", "Malformed hyperparameter value"),
                     ("restored_equal", False)):
        with pytest.raises(AssertionError):
            check_lecture_12(dict(good, **{key: bad}))


RESULTS = {
    "11_rnns": (check_lecture_11, {
        "dims": "[D, H]", "param_counts": "param_counts", "step_errors": "step_errors",
        "stack_warnings": "stack_warnings", "stacked_names": "stacked_names",
        "dropped_share": "dropped_share",
        "kept_ratio": "[float(kept_ratio.min()), float(kept_ratio.max())]",
        "evaluation_gap": "evaluation_gap",
        "graph_sizes": "{'%s %d' % key: ops for key, ops in graph_sizes.items()}",
        "n_variables": "n_variables", "static_dynamic_gap": "static_dynamic_gap",
        "prefix_gap": "prefix_gap", "first_step_change": "first_step_change",
        "relative": "{k: [float(v[d]) for d in (10, 20, 40)] for k, v in relative.items()}",
        "scaled": "{str(k): [float(v[d]) for d in (0, 20, 40)] for k, v in scaled.items()}",
        "clip_norms": "[float(norm_before_v), norm_after_v]", "shrink": "shrink",
        "toy": "{k: [float(h[:, 0].max()), float(h[:10, 0].max()), float(h[-20:, 0].mean()), "
               "float(h[:, 1].max()), float(h[0, 0])] for k, h in toy_runs.items()}",
        "blow_up_step": "blow_up_step",
        "schedule_steps": "schedule_steps.tolist()", "schedule": "schedule.tolist()",
        "annealing": "{k: [float(x) for x in v] for k, v in annealing.items()}",
        "noise_floor": "noise_floor", "vocab": "VOCAB", "unigram_nats": "unigram_nats",
        "losses": "losses", "norms_seen": "norms_seen", "first_steps": "FIRST_STEPS",
        "loss_next_batch": "float(loss_next_batch)", "loss_restored": "float(loss_restored)",
        "restored_step": "restored_step", "rates": "[float(rate_at_save), float(rate_restored)]",
        "trace_gap": "trace_gap", "holding_units": "holding_units",
        "resumed_losses": "resumed_losses", "final_step": "final_step",
        "more_steps": "MORE_STEPS",
        "known_share": "{str(k): v for k, v in known_share.items()}",
        "data_lengths": "[int(n) for n in data_lengths]",
        "line_lengths": "[len(line) - 1 for line in lines]",
        "mask_matches": "bool(np.array_equal(mask_v, np.arange(width)[None, :] "
                        "< np.array([len(line) - 1 for line in lines])[:, None]))",
        "losses_pad": "[float(padded_v), float(masked_v), float(seq2seq_v), "
                      "float(xent_v.mean()), float(xent_v[mask_v].mean()), "
                      "float(xent_v[~mask_v].mean())]",
        "past_end_max": "past_end_max", "state_is_last_real": "state_is_last_real",
        "real_steps_gap": "real_steps_gap", "state_moved": "state_moved_by_padding",
        "full_rows": "[int(n) == width for n in data_lengths]",
        "ngram": "{'%d %g' % key: v for key, v in ngram_perplexity.items()}",
        "rnn_perplexity": "rnn_perplexity", "best_ngram": "list(best_ngram)",
    }),
    "12_neural_gpu": (check_lecture_12, {
        "cgru_weights": "cgru_weights",
        "model_cgru_weights": "int(sum(np.prod(v.shape.as_list()) for v in model.graph."
                              "get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) "
                              "if '/cgru0/' in v.name))",
        "saturation": "float(np.abs(saturated).min())",
        "gate_gradient_error": "gate_gradient_error",
        "cgru_by_hand_error": "cgru_by_hand_error",
        "held_drift": "{str(k): v for k, v in held_drift.items()}",
        "example_checks": "[bool(c) for c in example_checks]",
        "curriculum_history": "[list(h) for h in curriculum.history]",
        "steps": "HPARAMS.steps", "final_train_error": "final_train_error",
        "generalization": "{str(n): list(v) for n, v in generalization.items()}",
        "ablation_steps": "ABLATION_STEPS", "ablation_rows": "sorted(ablation)",
        "same_start": "bool(same_start)",
        "plain_8_bits": "[ablation[k][8][0] for k in ('all off', 'all off, seed 1', "
                        "'all off, seed 2')]",
        "loop_difference": "loop_difference", "looped_shape": "looped.shape.as_list()",
        "loop_ops": "[unrolled_ops, looped_ops]",
        "cond_error": "cond_error", "lambda_calls": "len(calls)", "cond_runs": "runs",
        "where_picked": "where_picked.tolist()",
        "bucket_batches": "[[l.tolist(), list(p.shape), m.sum(axis=1).tolist(), p.tolist()] "
                          "for l, p, m in bucket_batches]",
        "seq_lengths": "seq_lengths",
        "masked_loss": "float(masked_v)", "numpy_masked_loss": "float(losses_v[:, :6].mean())",
        "hparams_parsed": "{k: hp.get(k) for k in ('learning_rate', 'steps', 'curriculum', "
                          "'channels')}",
        "hparams_error": "hparams_error",
        "restored_equal": "bool(restored.values() == hp.values())",
    }),
    "09_input_pipeline": (check_lecture_09, {
        "fifo_order": "[int(v) for v in fifo_order]", "padded_batch": "padded_batch.tolist()",
        "jobs": "[[int(p) for p in job_priorities], [n.decode() for n in job_names]]",
        "drawn": "[int(v) for v in drawn]", "queue_errors": "queue_errors",
        "waited": "float(waited)",
        "enqueue_threads": "[t.name for t in enqueue_threads]",
        "in_data_order": "bool(in_data_order)", "n_samples": "len(samples)",
        "clean_outcome": "clean_outcome", "failed_outcome": "failed_outcome",
        "alive": "[[t.name for t in enqueue_threads if t.is_alive()], clean_alive, "
                 "failed_alive]",
        "before_training": "{'queues': {n: [q['size'], q['capacity']] for n, q in "
                           "before_training['queues'].items()}, 'threads': {t['name']: "
                           "' '.join([t['state'], str(t['op']), str(t['queue'])]) "
                           "for t in before_training['threads']}}",
        "training_max_sizes": "{n: max(s['queues'][n]['size'] for s in monitor.samples "
                              "if before_training['time'] + 0.5 <= s['time'] "
                              "<= while_training['time']) for n in after_stop['queues']}",
        "after_stop_states": "[t['state'] for t in after_stop['threads']]",
        "after_stop_closed": "[q['closed'] for q in after_stop['queues'].values()]",
        "local_variables": "csv_local_variables",
        "global_variables": "csv_global_variables", "csv_runners": "csv_runners",
        "uninitialized_errors": "uninitialized_errors",
        "csv_keys": "[os.path.basename(k.decode()) for k, _, _ in csv_records]",
        "csv_matches_files": "bool(np.allclose(np.array([np.append(x, y) for _, x, y in "
                             "csv_records]), np.vstack([np.loadtxt(p, delimiter=',', "
                             "skiprows=1) for p in csv_paths] * 2)))",
        "bin_size": "os.path.getsize(bin_path)", "n_bin": "len(bin_records)",
        "bin_matches": "bool(bin_matches)",
        "png_static_shape": "png_image.shape.as_list()", "n_png": "len(png_records)",
        "png_matches": "bool(png_matches)",
        "queue_static_shapes": "[t.shape.as_list() for t in queue_batch]",
        "queue_runtime_shapes": "[[list(x.shape) for x in b] for b in queue_batches]",
        "tfrecord_runners": "tfrecord_runners",
        "first_batch_ids": "[int(i) for i in queue_batches[0][2]]",
        "queue_ids": "queue_ids", "records_match": "bool(records_match)",
        "tfrecord_alive": "tfrecord_alive",
        "tables_equal": "{k: bool(v) for k, v in tables_equal.items()}",
        "table_shape": "list(table.shape)", "file_bytes": "file_bytes",
        "data_static_shapes": "data_static_shapes",
        "data_runtime_shapes": "[[list(x.shape) for x in b] for b in data_batches]",
        "data_ids": "data_ids", "end_of_epoch": "end_of_epoch",
        "data_threads": "data_threads", "epoch_batches": "epoch_batches",
        "leftover_threads": "leftover_threads",
    }),
    "07_convnets": (check_lecture_07, {
        "kernel": "k.tolist()", "impulse_response": "impulse_response[1:4, 1:4].tolist()",
        "by_hand_error": "by_hand_error", "presets_match": "bool(presets_match)",
        "kernel_sums": "{n: float(v.sum()) for n, v in kernels.items()}",
        "means": "{n: float(v[inside].mean()) for n, v in filtered.items()}",
        "photo_mean": "float(photo[inside].mean())",
        "shape_rows": "shape_rows", "pad_gaps": "[pad_gap_end, pad_gap_start]",
        "ones_2x2": "conv2d(np.ones((5, 5), np.float32), np.ones((2, 2), np.float32)).tolist()",
        "mixed_channel_spread": "mixed_channel_spread", "brightness_ratio": "brightness_ratio",
        "n_params": "n_params", "source_kind": "data.source_kind",
        "n_test": "data.test.num_examples", "test_accuracy": "float(test_accuracy)",
        "variable_names": "variable_names", "param_counts": "param_counts",
        "same_predictions": "bool(same_predictions)", "short_runs": "short_runs",
        "same_start": "bool(same_start)",
        "ae_shape": "list(reconstructed.shape)", "test_shape": "list(test_digits.shape)",
        "ae_range": "[float(reconstructed.min()), float(reconstructed.max())]",
        "code_size": "int(np.prod(codes.shape[1:]))",
        "ae_mse": "ae_mse", "mean_digit_mse": "mean_digit_mse",
    }),
    "06_cnn_and_style_transfer": (check_lecture_06, {
        "hand_sum": "float(hand_sum)", "conv2d_value": "float(conv_out[5, 7])",
        "conv_shapes": "conv_shapes", "pool_shapes": "pool_shapes",
        "shift_error": "float(shift_error)",
        "vgg16": "vgg16", "vgg19": "vgg19_count", "lenet5": "lenet5",
        "test_accuracy": "float(test_accuracy)", "train_seconds": "train_seconds",
        "grad_ys_difference": "float(grad_ys_difference)",
        "receptive": "{k: [int(n) for n in v] for k, v in receptive.items()}",
        "dream_classes": "[int(c) for c in dream_classes]",
        "pixel_error": "pixel_error", "fc_mismatch": "float(inversions[('fc', 0.0)][1])",
        "shift_gram": "float(shift_gram_distance)", "other_gram": "float(other_gram_distance)",
        "texture_ratios": "[float(l[0] / l[-1]) for _, l in textures.values()]",
        "style_runs": "{k: [float(h[0, 1]), float(h[0, 2]), float(h[-1, 2])] "
                      "for k, (_, h) in stylized.items()}",
        "stylized_range": "[float(min(i.min() for i, _ in stylized.values())), "
                          "float(max(i.max() for i, _ in stylized.values()))]",
    }),
    "05_managing_experiments": (check_lecture_05, {
        "ops_after_import": "len(graph.get_operations())",
        "W_restored": "W_restored.tolist()",
        "W_in_file": "tf.train.load_variable(path, 'W').tolist()",
        "step_restored": "int(step_restored)", "step_after": "int(step_after)",
        "same_W": "bool(np.array_equal(W_ref, W_res))", "same_b": "bool(np.array_equal(b_ref, b_res))",
        "csv_keys": "[os.path.basename(k.decode()) for b in csv_batches for k in b[0]]",
        "csv_matches_file": "bool(np.allclose(np.vstack([np.column_stack(b[1:]) "
                            "for b in csv_batches]), np.loadtxt(csv_path, delimiter=',')))",
        "threads_alive": "[t.name for t in threads if t.is_alive()]",
    }),
    "02_ops": (check_lecture_02, {
        "normal_ops": "normal_ops", "lazy_ops": "lazy_ops",
    }),
    "03_linear_and_logistic_regression": (check_lecture_03, {
        "w_sgd": "float(w_sgd)", "b_sgd": "float(b_sgd)",
        "lsq": "[float(w_lsq), float(b_lsq)]",
        "fits": "{k: [float(v) for v in wb] for k, wb in fits.items()}",
        "source_kind": "data.source_kind",
        "n_train": "data.train.num_examples", "n_validation": "data.validation.num_examples",
        "n_test": "data.test.num_examples",
        "test_accuracy": "float(test_accuracy)",
        "paths": "{k: v.tolist() for k, v in paths.items()}",
        "final_losses": "{k: float(v) for k, v in final_losses.items()}",
    }),
    "04_word2vec": (check_lecture_04, {
        "last_word": "as_words(ids[-1:])[0]",
        "first_contexts": "as_words(text.skipgram_batch(ids, 0, 8, NUM_SKIPS, SKIP_WINDOW, "
                          "rng=np.random.RandomState(0))[1])",
        "step_ms": "{k: float(v) for k, v in step_ms.items()}",
        "zipf_ratio_2000": "[float((corpus_share / log_uniform)[:2000].min()), "
                           "float((corpus_share / log_uniform)[:2000].max())]",
        "zipf_ratio_last": "float(corpus_share[-1] / log_uniform[-1])",
        "changed_embed": "changed_embed", "distinct_centres": "distinct_centres",
        "changed_nce": "changed_nce", "nce_bound": "distinct_contexts + NUM_SAMPLED",
        "passes": "N_STEPS * BATCH_SIZE / (NUM_SKIPS * len(ids))",
        "first_loss": "float(np.mean(losses[:100]))",
        "early_loss": "float(np.mean(losses[2000:3000]))",
        "last_loss": "float(np.mean(losses[-1000:]))",
        "nearest_words": "nearest_words",
        "common_length": "float(np.linalg.norm(common))", "band_cosines": "band_cosines",
        "analogy_ranks": "analogy_ranks",
        "pca_true": "[w for _, w, _ in pca_view.neighbours]",
        "tsne_row": "[w for _, w, _ in tsne_view.neighbours]",
        "stored_equal": "bool(np.array_equal(tf.train.load_variable(checkpoint, "
                        "'embed/embed_matrix'), final_embeddings))",
        "n_metadata": "len(open(metadata_path).read().splitlines())",
        "metadata_head": "open(metadata_path).read().splitlines()[:2]",
        "projector_tensor": "config.embeddings[0].tensor_name",
        "logdir_files": "sorted(os.listdir(LOGDIR))",
    }),
}


def probe_cell(expressions):
    """A code cell that prints ``PROBE_MARK`` and the JSON of each expression's value."""
    code = ("import json as _json\n"
            "print(%r + _json.dumps({_k: eval(_e) for _k, _e in %r.items()}))"
            % (PROBE_MARK, expressions))
    return nbformat.v4.new_code_cell(code)


def probed_values(cell):
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    lines = [line for line in text.splitlines() if line.startswith(PROBE_MARK)]
    assert len(lines) == 1, "the results probe printed %r" % text
    return json.loads(lines[0][len(PROBE_MARK):])


def test_results_probe_reads_values_and_checks_can_fail():
    """The probe machinery itself, without a kernel: a probe cell run here, and a failing bar."""
    cell = probe_cell({"x": "1 + 1", "s": "'offline'"})
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(cell.source, {})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=out.getvalue())]
    assert probed_values(cell) == {"x": 2, "s": "offline"}

    good = {"w_sgd": 1.6, "b_sgd": 2.99, "lsq": [1.51, 2.99],
            "fits": {"squared loss": [0.6, 4.3], "Huber loss, \u03b4 = 1": [1.3, 3.3]},
            "source_kind": "offline", "n_train": 4125, "n_validation": 375, "n_test": 500,
            "test_accuracy": 0.9,
            "paths": {"GradientDescent(0.1)": [[-1, 6]] + [[1.51 + (-1) ** i * 0.5 ** i, 2.99]
                                                          for i in range(1, 30)],
                      "Momentum(0.02, 0.9)": [[-1, 6], [1.5, 2.5], [1.51, 2.99]],
                      "Momentum(0.02, 0.9), Nesterov": [[-1, 6], [1.5, 2.9], [1.51, 2.99]],
                      "Adagrad(1.0)": [[-1, 6], [0, 7], [1.51, 2.99]],
                      "RMSProp(0.05)": [[-1, 6], [-0.8, 6.2], [1.52, 3.0]],
                      "Adam(0.2)": [[-1, 6], [-0.8, 6.2], [1.51, 2.99]]},
            "final_losses": {"GradientDescent(0.1)": 0.29, "RMSProp(0.05)": 0.31}}
    check_lecture_03(good)
    for key, bad in (("test_accuracy", 0.85), ("n_train", 55000), ("w_sgd", 2.0)):
        with pytest.raises(AssertionError):
            check_lecture_03(dict(good, **{key: bad}))
    with pytest.raises(AssertionError):
        check_lecture_03(dict(good, source_kind="cache", n_train=55000, n_validation=5000,
                              n_test=10000, test_accuracy=0.9))

    good = {"ops_after_import": 61, "W_restored": [[1.9]], "W_in_file": [[1.9]],
            "step_restored": 100, "step_after": 120, "same_W": True, "same_b": True,
            "csv_keys": ["points.csv:%d" % n for n in range(1, 7)],
            "csv_matches_file": True, "threads_alive": []}
    check_lecture_05(good)
    for key, bad in (("W_restored", [[0.0]]), ("step_after", 100), ("same_b", False),
                     ("csv_keys", ["points.csv:%d" % n for n in (2, 3, 4, 5, 6, 1)]),
                     ("csv_matches_file", False),
                     ("threads_alive", ["QueueRunnerThread-batch/fifo_queue-close_on_stop"])):
        with pytest.raises(AssertionError):
            check_lecture_05(dict(good, **{key: bad}))
    with pytest.raises(AssertionError):
        check_lecture_02({"normal_ops": 10, "lazy_ops": 20})

    near = {"row": ["column", "rows"], "true": ["false", "none"],
            "first": ["second", "last", "third"], "list": ["tuples", "lists", "tuple"],
            "file": ["files", "filename"], "write": ["matlab", "wav"]}
    ranks = {"int:ints::float:floats": 1, "array:arrays::matrix:matrices": 1,
             "open:close::start:stop": 2, "input:output::read:write": 1,
             "row:rows::column:columns": 3, "min:max::minimum:maximum": 5,
             "small:large::low:high": 8, "true:false::yes:no": 4680}
    good = {"last_word": "learn", "first_contexts": ["learn", "the"],
            "step_ms": {"full softmax": 240.0, "NCE": 1.4, "sampled softmax": 1.7},
            "zipf_ratio_2000": [0.8, 1.3], "zipf_ratio_last": 0.4,
            "changed_embed": 42, "distinct_centres": 42, "changed_nce": 70, "nce_bound": 100,
            "passes": 1.6, "first_loss": 87.0, "early_loss": 8.0, "last_loss": 3.9,
            "nearest_words": near, "common_length": 0.7, "band_cosines": [0.2, 0.4, 0.6],
            "analogy_ranks": ranks, "pca_true": near["true"], "tsne_row": near["row"],
            "stored_equal": True, "n_metadata": 5000, "metadata_head": ["UNK", "the"],
            "projector_tensor": "embed/embed_matrix:0",
            "logdir_files": ["checkpoint", "events.out.tfevents.1.host", "metadata.tsv",
                             "model.ckpt-30000.index", "projector_config.pbtxt"]}
    check_lecture_04(good)
    for key, bad in (("step_ms", {"full softmax": 10.0, "NCE": 1.4, "sampled softmax": 1.7}),
                     ("changed_embed", 5000), ("last_loss", 50.0), ("stored_equal", False),
                     ("analogy_ranks", dict(ranks, **{"true:false::yes:no": 1})),
                     ("logdir_files", ["checkpoint", "metadata.tsv"])):
        with pytest.raises(AssertionError):
            check_lecture_04(dict(good, **{key: bad}))


def test_lecture_06_check_passes_its_numbers_and_fails_wrong_ones():
    conv = [[p, st, [None, side, side, 16]] for p, sides in (("SAME", (32, 16, 11)),
                                                              ("VALID", (28, 14, 10)))
            for st, side in zip((1, 2, 3), sides)]
    pool = [[2, 2, "SAME", [None, 14, 14, 32]], [3, 2, "VALID", [None, 13, 13, 32]]]
    good = {"hand_sum": 1.1633477, "conv2d_value": 1.1633478, "conv_shapes": conv,
            "pool_shapes": pool, "shift_error": 0.0, "vgg16": 138357544, "vgg19": 143667240,
            "lenet5": 61706, "test_accuracy": 0.97, "train_seconds": 12.0,
            "grad_ys_difference": 0.0, "receptive": {"conv1": [5, 5], "conv2": [14, 13]},
            "dream_classes": list(range(10)),
            "pixel_error": {"conv1, 0": 3e-5, "pool2, 0": 0.02, "fc, 0": 0.33},
            "fc_mismatch": 0.001, "shift_gram": 0.16, "other_gram": 0.81,
            "texture_ratios": [3000.0, 5000.0],
            "style_runs": {"stain": [0.0, 0.12, 1e-4], "coffee": [0.0, 0.9, 1.6e-3]},
            "stylized_range": [0.0, 1.0]}
    check_lecture_06(good)
    for key, bad in (("conv_shapes", [["VALID", 2, [None, 16, 16, 16]]]),
                     ("pool_shapes", [[3, 2, "VALID", [None, 14, 14, 32]]]),
                     ("test_accuracy", 0.9), ("receptive", {"conv1": [5, 5], "conv2": [20, 20]}),
                     ("grad_ys_difference", 1e-3), ("dream_classes", [0] * 10),
                     ("pixel_error", {"conv1, 0": 3e-5, "pool2, 0": 0.02, "fc, 0": 0.05}),
                     ("shift_gram", 0.7), ("texture_ratios", [3000.0, 50.0]),
                     ("style_runs", {"stain": [0.0, 0.12, 0.01]}), ("stylized_range", [-0.1, 1.0])):
        with pytest.raises(AssertionError):
            check_lecture_06(dict(good, **{key: bad}))


@pytest.fixture
def venv_kernel(tmp_path, monkeypatch):
    """Make kernel 'python3' mean this interpreter (the venv) and this checkout's minitf."""
    kdir = tmp_path / "jupyter" / "kernels" / "python3"
    kdir.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}
    (kdir / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return "python3"


@pytest.mark.notebooks
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("path", LECTURES, ids=IDS)
def test_runs_top_to_bottom(path, tmp_path, venv_kernel):
    from nbclient import NotebookClient

    work = tmp_path / "lectures"
    shutil.copytree(LECTURE_DIR, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nb = read(work / path.name)
    check, expressions = RESULTS.get(path.stem, (None, None))
    if check is not None:
        nb.cells.append(probe_cell(expressions))
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=venv_kernel,
                            allow_errors=False, resources={"metadata": {"path": str(work)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    elapsed = time.perf_counter() - start
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, "cell %d raised %s" % (i, errors[0].ename)
    print("%s ran in %.1f s" % (path.name, elapsed))
    if check is not None:
        check(probed_values(nb.cells[-1]))
