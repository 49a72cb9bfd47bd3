"""tf.nest walks lists as structures; tf.data's nest treats a list as one value."""
import pytest

import minitf as tf
from minitf.data import nest as data_nest


def test_tf_nest_flattens_lists_tuples_and_dicts_in_sorted_key_order():
    structure = ((1, 2), [3, {"b": 4, "a": 5}])
    assert tf.nest.flatten(structure) == [1, 2, 3, 5, 4]
    assert tf.nest.pack_sequence_as(structure, "vwxyz") == (("v", "w"), ["x", {"b": "z",
                                                                               "a": "y"}])
    state = tf.nn.rnn_cell.LSTMStateTuple(1, 2)
    assert tf.nest.map_structure(lambda v: v * 10, (state, [3])) == (
        tf.nn.rnn_cell.LSTMStateTuple(10, 20), [30])


def test_tf_nest_structure_errors():
    with pytest.raises(TypeError, match="same sequence type"):
        tf.nest.assert_same_structure((1, 2), [1, 2])
    tf.nest.assert_same_structure((1, 2), [1, 2], check_types=False)
    with pytest.raises(ValueError, match="same number of elements"):
        tf.nest.assert_same_structure((1, 2), (1,))
    with pytest.raises(ValueError, match="flat_sequence had 3 elements"):
        tf.nest.pack_sequence_as((1, 2), [1, 2, 3])


def test_data_nest_keeps_a_list_as_one_component():
    assert data_nest.flatten(((1, [2, 3]), {"b": 4, "a": 5})) == [1, [2, 3], 5, 4]
    assert not data_nest.is_structure([1, 2])
    data_nest.assert_same_structure((1, 2), (3, 4))
