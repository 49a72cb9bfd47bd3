"""Element structures of datasets: tuples and dicts of components, as ``tf.data`` nests them.

As in TF's ``tf.data`` (not ``tf.nest``), a tuple (namedtuple included) or a dict is
a structure and everything else is one component: a *list* is a value, converted
to one tensor, so ``from_tensor_slices([1, 2, 3])`` has a single int32 component.
Dicts flatten in sorted key order.
"""


def is_structure(value):
    return isinstance(value, (tuple, dict))


def flatten(structure):
    """The components of ``structure``, depth first, dict keys sorted."""
    if isinstance(structure, dict):
        return [c for k in sorted(structure) for c in flatten(structure[k])]
    if isinstance(structure, tuple):
        return [c for item in structure for c in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat):
    """``flat`` (a list of components) put back into the shape of ``structure``."""
    flat = list(flat)
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
    if isinstance(structure, tuple):
        items = []
        for item in structure:
            value, i = _pack(item, flat, i)
            items.append(value)
        if hasattr(structure, "_fields"):  # a namedtuple
            return type(structure)(*items), i
        return tuple(items), i
    if i >= len(flat):
        raise ValueError("Structure had more elements than flat_sequence (%d)." % len(flat))
    return flat[i], i + 1


def map_structure(fn, *structures):
    """``fn`` applied to the matching components of ``structures`` (all the same shape)."""
    for other in structures[1:]:
        assert_same_structure(structures[0], other)
    flat = [fn(*parts) for parts in zip(*(flatten(s) for s in structures))]
    return pack_sequence_as(structures[0], flat)


def assert_same_structure(a, b):
    """ValueError (TypeError for different kinds of structure) unless ``a`` and ``b`` nest alike."""
    if is_structure(a) != is_structure(b):
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         "First structure: %r\n\nSecond structure: %r" % (a, b))
    if not is_structure(a):
        return
    if isinstance(a, dict) != isinstance(b, dict):
        raise TypeError("The two structures don't have the same sequence type. First "
                        "structure has type %s, while second structure has type %s."
                        % (type(a), type(b)))
    if isinstance(a, dict):
        if sorted(a) != sorted(b):
            raise ValueError("The two dictionaries don't have the same set of keys. First "
                             "structure has keys %s, while second structure has keys %s."
                             % (sorted(a), sorted(b)))
        pairs = [(a[k], b[k]) for k in sorted(a)]
    else:
        if len(a) != len(b):
            raise ValueError("The two structures don't have the same number of elements. "
                             "First structure: %r, second structure: %r." % (a, b))
        pairs = list(zip(a, b))
    for x, y in pairs:
        assert_same_structure(x, y)
