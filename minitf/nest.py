"""``tf.nest``: nested structures of tuples, lists, namedtuples and dicts.

Unlike ``tf.data``'s structures (``minitf.data.nest``), a list here is a structure
too: an RNN's state is a tuple of layers' states, each a tensor or an
``LSTMStateTuple``, and the functions below walk it the way TF 1.x's ``nest`` does.

Example:
    >>> tf.nest.flatten(((1, 2), [3]))          # [1, 2, 3]
    >>> tf.nest.map_structure(lambda x: x * 2, (1, [2]))   # (2, [4])
"""

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure",
           "pack_sequence_as"]


def is_nested(value):
    return isinstance(value, (tuple, list, dict))


def flatten(structure):
    """The leaves of ``structure``, depth first (dict keys sorted); a leaf gives ``[leaf]``."""
    if isinstance(structure, dict):
        return [c for k in sorted(structure) for c in flatten(structure[k])]
    if isinstance(structure, (tuple, list)):
        return [c for item in structure for c in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence`` put back into the shape of ``structure``."""
    flat = list(flat_sequence)
    packed, used = _pack(structure, flat, 0)
    if used != len(flat):
        raise ValueError("Structure had %d elements, but flat_sequence had %d elements."
                         % (used, len(flat)))
    return packed


def _pack(structure, flat, i):
    if isinstance(structure, dict):
        out = {}
        for k in sorted(structure):
            out[k], i = _pack(structure[k], flat, i)
        return type(structure)((k, out[k]) for k in structure), i
    if isinstance(structure, (tuple, list)):
        items = []
        for item in structure:
            value, i = _pack(item, flat, i)
            items.append(value)
        if hasattr(structure, "_fields"):  # a namedtuple
            return type(structure)(*items), i
        return type(structure)(items), i
    if i >= len(flat):
        raise ValueError("Structure had more elements than flat_sequence (%d)." % len(flat))
    return flat[i], i + 1


def assert_same_structure(nest1, nest2, check_types=True):
    """ValueError unless the two structures nest alike (TypeError for other sequence types)."""
    if is_nested(nest1) != is_nested(nest2):
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         "First structure: %r\n\nSecond structure: %r" % (nest1, nest2))
    if not is_nested(nest1):
        return
    if check_types and type(nest1) is not type(nest2):
        raise TypeError("The two structures don't have the same sequence type. First "
                        "structure has type %s, while second structure has type %s."
                        % (type(nest1), type(nest2)))
    if isinstance(nest1, dict):
        if sorted(nest1) != sorted(nest2):
            raise ValueError("The two dictionaries don't have the same set of keys: %s and %s"
                             % (sorted(nest1), sorted(nest2)))
        pairs = [(nest1[k], nest2[k]) for k in sorted(nest1)]
    else:
        if len(nest1) != len(nest2):
            raise ValueError("The two structures don't have the same number of elements. "
                             "First structure: %r, second structure: %r." % (nest1, nest2))
        pairs = zip(nest1, nest2)
    for a, b in pairs:
        assert_same_structure(a, b, check_types)


def map_structure(func, *structure, **kwargs):
    """``func`` applied to the matching leaves of every structure, packed like the first."""
    check_types = kwargs.pop("check_types", True)
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types)
    leaves = [func(*parts) for parts in zip(*(flatten(s) for s in structure))]
    return pack_sequence_as(structure[0], leaves)
