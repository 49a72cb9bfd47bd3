"""String ops: join, as_string, regex_replace, substr, split, reduce_join, length, strip.

Expected values follow TF 1.x's documented behaviour (printf formats for as_string, the
delimiter as a set of characters in string_split, str.split rules in strings.split); the
same program under real TF 2.21's compat.v1 printed exactly these values.
"""
import pytest

import minitf as tf


def _run(t):
    with tf.Session() as sess:
        r = sess.run(t)
    if hasattr(r, "indices"):
        return r.indices.tolist(), list(r.values), r.dense_shape.tolist()
    return r.tolist() if hasattr(r, "tolist") else r


def test_string_join_broadcasts_scalars():
    assert _run(tf.string_join([["a", "b"], "!"], separator="-")) == [b"a-!", b"b-!"]
    assert tf.string_join([["a", "b"], "!"]).shape.as_list() == [2]


@pytest.mark.parametrize("kwargs, values, want", [
    ({}, [3.5, -2.25, 1e10], [b"3.500000", b"-2.250000", b"10000000000.000000"]),
    ({"precision": 2}, [3.14159], [b"3.14"]),
    ({"scientific": True}, [1234.5], [b"1.234500e+03"]),
    ({"shortest": True}, [0.1, 100000.0, 1e-7], [b"0.1", b"100000", b"1e-07"]),
    ({"width": 4, "fill": "0"}, [7, -3], [b"0007", b"-003"]),
    ({"width": 4}, [7], [b"   7"]),
    ({}, [True, False], [b"true", b"false"]),
])
def test_as_string_formats_as_printf(kwargs, values, want):
    assert _run(tf.as_string(values, **kwargs)) == want


def test_as_string_refuses_strings_and_two_notations():
    with pytest.raises(TypeError):
        tf.as_string(["a"])
    with pytest.raises(ValueError, match="both scientific and shortest"):
        tf.as_string([1.], scientific=True, shortest=True)


def test_regex_replace_all_or_first_with_groups():
    assert _run(tf.regex_replace(["a1b22", "zz"], r"\d+", "#")) == [b"a#b#", b"zz"]
    assert _run(tf.regex_replace(["a1b22"], r"(\d)", r"<\1>", replace_global=False)) == \
        [b"a<1>b22"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid pattern"):
        _run(tf.regex_replace(["a"], "(", "x"))


def test_substr_counts_negative_positions_from_the_end_and_checks_them():
    assert _run(tf.substr(["hello", "abc"], [1, -2], [3, 5])) == [b"ell", b"bc"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="pos 5 out of range"):
        _run(tf.substr(["abc"], 5, 1))


def test_string_split_splits_at_each_delimiter_character():
    assert _run(tf.string_split(["hello world", "a  b", ""])) == (
        [[0, 0], [0, 1], [1, 0], [1, 1]], [b"hello", b"world", b"a", b"b"], [3, 2])
    assert _run(tf.string_split(["ab", "c"], delimiter="")) == (
        [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2])
    assert _run(tf.string_split(["a,,b"], delimiter=",", skip_empty=False)) == (
        [[0, 0], [0, 1], [0, 2]], [b"a", b"", b"b"], [1, 3])


def test_strings_split_follows_str_split():
    assert _run(tf.strings.split(["a  b c", " x"])) == (
        [[0, 0], [0, 1], [0, 2], [1, 0]], [b"a", b"b", b"c", b"x"], [2, 3])
    assert _run(tf.strings.split(["a,,b"], sep=",")) == (
        [[0, 0], [0, 1], [0, 2]], [b"a", b"", b"b"], [1, 3])


def test_reduce_join_along_axes():
    x = [["a", "b"], ["c", "d"]]
    assert _run(tf.reduce_join(x, axis=1, separator=".")) == [b"a.b", b"c.d"]
    assert _run(tf.reduce_join(x, axis=0, keep_dims=True)) == [[b"ac", b"bd"]]
    assert _run(tf.reduce_join(x)) == b"abcd"


def test_length_and_strip():
    assert _run(tf.strings.length(["abc", "", "h\u00e9"])) == [3, 0, 3]
    assert _run(tf.strings.length(["h\u00e9"], unit="UTF8_CHAR")) == [2]
    assert _run(tf.strings.strip([" a b \n"])) == [b"a b"]
    assert _run(tf.strings.to_number(["2.5"])) == [2.5]
