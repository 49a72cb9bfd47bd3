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


_KINDS = (tuple, list, dict)


def is_nested(value):
    return isinstance(value, _KINDS)


def flatten(structure):
    """The leaves of ``structure``, depth first (dict keys sorted); a leaf gives ``[leaf]``."""
    return flatten_as(structure, _KINDS)


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence`` put back into the shape of ``structure``."""
    return pack_as(structure, flat_sequence, _KINDS)


def assert_same_structure(nest1, nest2, check_types=True):
    """ValueError unless the two structures nest alike (TypeError for other sequence types)."""
    assert_same_as(nest1, nest2, _KINDS, check_types)


def map_structure(func, *structure, **kwargs):
    """``func`` applied to the matching leaves of every structure, packed like the first."""
    check_types = kwargs.pop("check_types", True)
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types)
    leaves = [func(*parts) for parts in zip(*(flatten(s) for s in structure))]
    return pack_sequence_as(structure[0], leaves)


# -- the walks, for any choice of which types are structures (tf.data's differs) ----------
def flatten_as(structure, kinds):
    if isinstance(structure, dict) and dict in kinds:
        return [c for k in sorted(structure) for c in flatten_as(structure[k], kinds)]
    if isinstance(structure, kinds) and not isinstance(structure, dict):
        return [c for item in structure for c in flatten_as(item, kinds)]
    return [structure]


def pack_as(structure, flat_sequence, kinds):
    flat = list(flat_sequence)
    packed, used = _pack(structure, flat, 0, kinds)
    if used != len(flat):
        raise ValueError("Structure had %d elements, but flat_sequence had %d elements."
                         % (used, len(flat)))
    return packed


def _pack(structure, flat, i, kinds):
    if isinstance(structure, dict) and dict in kinds:
        out = {}
        for k in sorted(structure):
            out[k], i = _pack(structure[k], flat, i, kinds)
        return type(structure)((k, out[k]) for k in structure), i
    if isinstance(structure, kinds) and not isinstance(structure, dict):
        items = []
        for item in structure:
            value, i = _pack(item, flat, i, kinds)
            items.append(value)
        if hasattr(structure, "_fields"):  # a namedtuple
            return type(structure)(*items), i
        return type(structure)(items), i
    if i >= len(flat):
        raise ValueError("Structure had more elements than flat_sequence (%d)." % len(flat))
    return flat[i], i + 1


def assert_same_as(nest1, nest2, kinds, check_types):
    """``check_types``: the two must be the same type; else only dict against non-dict
    counts as a different kind of structure (TypeError either way)."""
    a_nested, b_nested = isinstance(nest1, kinds), isinstance(nest2, kinds)
    if a_nested != b_nested:
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         "First structure: %r\n\nSecond structure: %r" % (nest1, nest2))
    if not a_nested:
        return
    if (type(nest1) is not type(nest2)) if check_types else (
            isinstance(nest1, dict) != isinstance(nest2, dict)):
        raise TypeError("The two structures don't have the same sequence type. First "
                        "structure has type %s, while second structure has type %s."
                        % (type(nest1), type(nest2)))
    if isinstance(nest1, dict):
        if sorted(nest1) != sorted(nest2):
            raise ValueError("The two dictionaries don't have the same set of keys. First "
                             "structure has keys %s, while second structure has keys %s."
                             % (sorted(nest1), sorted(nest2)))
        pairs = [(nest1[k], nest2[k]) for k in sorted(nest1)]
    else:
        if len(nest1) != len(nest2):
            raise ValueError("The two structures don't have the same number of elements. "
                             "First structure: %r, second structure: %r." % (nest1, nest2))
        pairs = zip(nest1, nest2)
    for a, b in pairs:
        assert_same_as(a, b, kinds, check_types)
