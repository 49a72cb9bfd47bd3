"""``tf.strings``: the names TF 1.13 and later give the string ops."""
from minitf.ops.string_ops import as_string, reduce_join, regex_replace, split, substr
from minitf.ops.string_ops import string_join as join
from minitf.ops.string_ops import string_length as length
from minitf.ops.string_ops import string_strip as strip
from minitf.ops.string_parsing_ops import string_to_number as to_number

__all__ = ["as_string", "join", "length", "reduce_join", "regex_replace", "split", "strip",
           "substr", "to_number"]
