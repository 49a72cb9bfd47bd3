"""SequenceView: heat maps of a GRU's gates and state under the input's characters."""
import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

import minitf as tf
from minitf.widgets import SequenceView, TrainingMonitor
from minitf.widgets.sequence_view import char_labels, value_range

VOCAB = "abcdefghijklmnopqrstuvwxyz .,!\n"


class FakeClock:
    def __init__(self):
        self.now = 50.0

    def __call__(self):
        return self.now


class GRU:
    """A numpy GRU over one-hot characters, with TF's GRUCell update h' = u·h + (1 − u)·c."""

    def __init__(self, units=6, seed=0):
        rng = np.random.RandomState(seed)
        size = len(VOCAB) + units
        self.gate_kernel = rng.randn(size, 2 * units) * 0.8
        self.candidate_kernel = rng.randn(size, units) * 0.8
        self.units = units
        self.calls = []

    def __call__(self, text):
        self.calls.append(text)
        n = self.units
        h = np.zeros(n)
        updates, resets, states = [], [], []
        for char in text:
            x = np.eye(len(VOCAB))[VOCAB.index(char)]  # a character outside VOCAB: ValueError
            gates = 1.0 / (1.0 + np.exp(-np.concatenate([x, h]) @ self.gate_kernel))
            r, u = gates[:n], gates[n:]
            c = np.tanh(np.concatenate([x, r * h]) @ self.candidate_kernel)
            h = u * h + (1.0 - u) * c
            updates.append(u)
            resets.append(r)
            states.append(h)
        return {"update gate": np.array(updates), "reset gate": np.array(resets),
                "hidden state": np.array(states, np.float32)}


def decode_png(data):
    assert bytes(data[:8]) == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(bytes(data)))
    image.load()
    return image


def drawn_characters(view, name):
    """The texts written under the heat map of `name`, left to right."""
    return [text.get_text() for text in view.heatmaps[name].axes.texts]


def test_char_labels_make_every_character_visible():
    assert char_labels("to be\n") == ["t", "o", "␣", "b", "e", "⏎"]
    assert char_labels("\t\r\x00\u200b\xa0é$") == [
        "⇥", "\\r", "\\x00", "\\u200b", "\\xa0", "é", "$"]
    assert char_labels("") == []


def test_each_trace_is_a_heat_map_under_the_input_characters():
    gru = GRU()
    view = SequenceView(gru, "hi there\n")
    assert gru.calls == ["hi there\n"]
    assert view.names == ["update gate", "reset gate", "hidden state"]
    labels = ["h", "i", "␣", "t", "h", "e", "r", "e", "⏎"]
    assert view.labels == labels
    expected = gru("hi there\n")
    for name in view.names:
        assert drawn_characters(view, name) == labels
        np.testing.assert_allclose(view.traces[name], expected[name])
        # one row per unit, one column per time step
        np.testing.assert_allclose(view.heatmaps[name].get_array(), expected[name].T)
        xs = [text.get_position()[0] for text in view.heatmaps[name].axes.texts]
        assert xs == list(range(9))
    png = decode_png(view.image.value)
    assert png.size[0] == 720 and view.image.format == "png"
    assert "9 steps" in view.status.value and view.error is None


def test_the_picture_follows_the_input():
    gru = GRU()
    view = SequenceView(gru, "hello")
    first = bytes(view.image.value)
    view.set_text("hello, world!")
    assert view.text == "hello, world!" and view.text_box.value == "hello, world!"
    assert view.labels == list("hello,") + ["␣"] + list("world!")
    assert drawn_characters(view, "hidden state") == view.labels
    assert bytes(view.image.value) != first
    second = bytes(view.image.value)
    view.text_box.value = "bye\n"  # what typing in the box, then Enter, does
    assert gru.calls[-1] == "bye\n" and view.labels == ["b", "y", "e", "⏎"]
    assert bytes(view.image.value) not in (first, second)
    assert view.traces["update gate"].shape == (4, 6)


def test_colour_scales_are_fixed_per_kind_of_value():
    assert value_range("update gate") == (0.0, 1.0)
    assert value_range("Forget Gate") == (0.0, 1.0)
    assert value_range("hidden state") == (-1.0, 1.0)
    assert value_range("candidate") == (-1.0, 1.0)
    # an LSTM's cell state is not squashed: the scale comes from the values
    assert value_range("cell state", [[-0.5, 3.0], [2.0, 0.1]]) == (-3.0, 3.0)
    assert value_range("logits", [[0.5, 2.0]]) == (0.0, 2.0)
    assert value_range("logits", [[0.5, 2.0]], kind="gate") == (0.0, 1.0)
    assert value_range("x", None, kind=(-2, 5)) == (-2.0, 5.0)

    view = SequenceView(GRU(), "abc")
    clims = {name: view.heatmaps[name].get_clim() for name in view.names}
    assert clims == {"update gate": (0.0, 1.0), "reset gate": (0.0, 1.0),
                     "hidden state": (-1.0, 1.0)}
    assert view.ranges == clims
    view.set_text("a much longer input, with other values.")
    assert {name: view.heatmaps[name].get_clim() for name in view.names} == clims


def test_given_ranges_override_the_guess():
    def trace(text):
        steps = np.arange(len(text), dtype=np.float64)[:, None]
        return {"z": 1.0 / (1.0 + np.exp(-steps)), "pre": steps * [1.0, -4.0]}

    view = SequenceView(trace, "abcd", ranges={"z": "gate", "pre": (-20, 20)})
    assert view.heatmaps["z"].get_clim() == (0.0, 1.0)
    assert view.heatmaps["pre"].get_clim() == (-20.0, 20.0)
    free = SequenceView(trace, "abcd")
    assert free.ranges["pre"] == (-12.0, 12.0)  # largest magnitude: 3 * 4
    with pytest.raises(ValueError, match="unknown kind 'sigmoid'"):
        SequenceView(trace, "abcd", ranges={"z": "sigmoid"})
    with pytest.raises(ValueError, match="lo < hi"):
        SequenceView(trace, "abcd", ranges={"z": (1, 0)})


def test_values_outside_a_fixed_scale_and_nans_are_reported():
    def trace(text):
        state = np.zeros((len(text), 4))
        state[0, :3] = [1.5, -2.0, 1.0001]  # 3 values a tanh cannot produce
        state[1, 0] = np.nan
        return {"hidden state": state}

    view = SequenceView(trace, "abc")
    assert "3 values outside [-1, 1]" in view.status.value
    assert "1 NaN or infinite" in view.status.value
    assert view.heatmaps["hidden state"].get_array().mask[0, 1]  # drawn grey, not a colour


def test_bad_traces_are_refused_with_a_clear_error():
    def returning(value):
        return lambda text: value

    with tf.Graph().as_default():
        tensor = tf.zeros([5, 3])  # the classic slip: the tensor instead of its value

    cases = [
        (returning({"h": np.zeros((4, 3))}),
         ValueError, "'h' has 4 time steps but the text 'hello' has 5 characters"),
        (returning({"h": np.zeros((1, 5, 3))}), ValueError, r"2-D.*\[1, 5, 3\].*batch of one"),
        (returning({"h": np.zeros(5)}), ValueError, r"2-D .*got shape \[5\]"),
        (returning({"h": np.zeros((5, 0))}), ValueError, "no units"),
        (returning({"h": np.array([["a"] * 2] * 5)}), ValueError, "real numbers"),
        (returning({"h": tensor}), ValueError, "a tensor, not its value"),
        (returning({}), ValueError, "empty dict"),
        (returning(np.zeros((5, 3))), TypeError, "must return a dict"),
    ]
    for trace_fn, error, message in cases:
        with pytest.raises(error, match=message):
            SequenceView(trace_fn, "hello")
    with pytest.raises(ValueError, match="empty"):
        SequenceView(GRU(), "")
    with pytest.raises(TypeError, match="must be a str"):
        SequenceView(GRU(), [1, 2, 3])
    with pytest.raises(TypeError, match="trace_fn must be a function"):
        SequenceView({"h": np.zeros((2, 2))}, "ab")
    with pytest.raises(ValueError, match="order"):
        SequenceView(GRU(), "ab", order="random")


def test_a_bad_set_text_keeps_the_previous_picture():
    gru = GRU()
    view = SequenceView(gru, "abc")
    png = bytes(view.image.value)
    with pytest.raises(ValueError):
        view.set_text("ABC")  # not in the GRU's vocabulary: its own error passes through
    assert view.text == "abc" and view.labels == ["a", "b", "c"]
    assert bytes(view.image.value) == png


def test_typing_a_bad_input_shows_the_error_instead_of_raising():
    gru = GRU()
    view = SequenceView(gru, "abc")
    png, drawn = bytes(view.image.value), view.redraws
    view.text_box.value = "Abc"  # "A" is not in the vocabulary
    assert isinstance(view.error, ValueError)
    assert "not drawn: ValueError" in view.status.value
    assert view.text == "abc" and bytes(view.image.value) == png and view.redraws == drawn
    view.text_box.value = ""
    assert "empty" in view.status.value
    view.text_box.value = "abd"
    assert view.error is None and "not drawn" not in view.status.value
    assert view.labels == ["a", "b", "d"] and view.redraws == drawn + 1


def ramps(units, amplitudes):
    """A trace whose unit k swings with amplitude amplitudes[k] over time."""
    def trace(text):
        wave = np.sin(np.arange(len(text)) * 1.3)[:, None]
        return {"hidden state": wave * np.asarray(amplitudes)[None, :units]}
    return trace


def test_many_units_are_shown_through_a_slider_in_either_order():
    amplitudes = np.random.RandomState(3).permutation(40) / 40.0
    view = SequenceView(ramps(40, amplitudes), "abcdefgh", max_units=8)
    assert view.unit_slider.layout.display is None and view.order_menu.layout.display is None
    assert view.unit_slider.max == 32
    assert list(view.shown_units("hidden state")) == list(range(8))
    assert view.heatmaps["hidden state"].get_array().shape == (8, 8)
    assert "8 shown" in view.status.value
    view.unit_slider.value = 5
    assert list(view.shown_units("hidden state")) == list(range(5, 13))
    np.testing.assert_allclose(view.heatmaps["hidden state"].get_array(),
                               view.traces["hidden state"][:, 5:13].T)
    view.unit_slider.value = 0
    view.order_menu.value = "varying"
    largest = list(np.argsort(amplitudes)[::-1][:8])  # by construction the most varying
    assert list(view.shown_units("hidden state")) == largest
    ticks = [t.get_text() for t in view.heatmaps["hidden state"].axes.get_yticklabels()]
    assert ticks == [str(u) for u in largest]

    few = SequenceView(ramps(4, [1, 2, 3, 4]), "abc", max_units=8)
    assert few.unit_slider.layout.display == "none"
    assert list(few.shown_units("hidden state")) == [0, 1, 2, 3]
    few.order_menu.value = "varying"  # every unit is drawn, the liveliest on top
    assert list(few.shown_units("hidden state")) == [3, 2, 1, 0]


def test_the_menu_shows_one_trace_or_all():
    view = SequenceView(GRU(), "abc")
    assert list(view.name_menu.options) == ["(all)", "update gate", "reset gate",
                                            "hidden state"]
    view.name_menu.value = "reset gate"
    assert list(view.heatmaps) == ["reset gate"] and view.shown_names == ["reset gate"]
    assert "update gate" not in view.status.value
    view.set_text("abcd")  # the choice survives a new input
    assert list(view.heatmaps) == ["reset gate"]
    view.name_menu.value = "(all)"
    assert list(view.heatmaps) == view.names


def test_long_inputs_write_every_kth_character():
    text = "the quick brown fox jumps over the lazy dog. " * 6  # 270 characters
    view = SequenceView(lambda t: {"hidden state": np.zeros((len(t), 2))}, text)
    drawn = view.heatmaps["hidden state"].axes.texts
    every = int(drawn[1].get_position()[0])
    assert every > 1
    assert [t.get_text() for t in drawn] == char_labels(text)[::every]
    assert [t.get_position()[0] for t in drawn] == list(range(0, len(text), every))
    assert decode_png(view.image.value).size[0] <= 1600
    assert len(view.labels) == 270


def test_refresh_reruns_trace_fn_after_training():
    gru = GRU()
    clock = FakeClock()
    view = SequenceView(gru, "abc", clock=clock)
    before = bytes(view.image.value)
    gru.candidate_kernel = -gru.candidate_kernel  # "more training" changed the weights
    assert view.refresh() is True
    assert gru.calls == ["abc", "abc"]
    np.testing.assert_allclose(view.traces["hidden state"], gru("abc")["hidden state"])
    assert bytes(view.image.value) != before
    clock.now += 1.0
    assert view.refresh(min_interval=5.0) is False and len(gru.calls) == 3
    clock.now += 5.0
    assert view.refresh(min_interval=5.0) is True and len(gru.calls) == 4


def one_trace(text):
    return {"hidden state": np.tanh(np.outer(np.arange(len(text)), [0.5, -0.25]))}


def test_beside_a_training_monitor_and_displayed_as_a_widget():
    view = SequenceView(one_trace, "abc")
    monitor = TrainingMonitor(total_steps=10, clock=FakeClock())
    box = view.beside(monitor)
    assert isinstance(box, widgets.HBox)
    assert box.children == (monitor.widget, view.widget)
    assert view.beside(widgets.HTML("x")).children[1] is view.widget
    with pytest.raises(TypeError, match="TrainingMonitor or a widget"):
        view.beside("monitor")
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == \
        view.widget.model_id


def test_headless_and_saved_as_a_static_picture():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    view = SequenceView(one_trace, "abc")
    assert type(view.figure.canvas) is FigureCanvasAgg  # off-screen, no display needed
    # a saved notebook stores the widget state, whose value is the PNG
    decode_png(view.image.get_state()["value"])
    view.close()
    with pytest.raises(RuntimeError, match="closed"):
        view.set_text("abd")
