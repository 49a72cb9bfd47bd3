"""Element structures of datasets: tuples and dicts of components, as ``tf.data`` nests them.

As in TF's ``tf.data`` (not ``tf.nest``), a tuple (namedtuple included) or a dict is
a structure and everything else is one component: a *list* is a value, converted
to one tensor, so ``from_tensor_slices([1, 2, 3])`` has a single int32 component.
Dicts flatten in sorted key order.  The walking itself is ``minitf.nest``'s.
"""
from minitf import nest as _nest

_KINDS = (tuple, dict)


def is_structure(value):
    return isinstance(value, _KINDS)


def flatten(structure):
    """The components of ``structure``, depth first, dict keys sorted."""
    return _nest.flatten_as(structure, _KINDS)


def pack_sequence_as(structure, flat):
    """``flat`` (a list of components) put back into the shape of ``structure``."""
    return _nest.pack_as(structure, flat, _KINDS)


def map_structure(fn, *structures):
    """``fn`` applied to the matching components of ``structures`` (all the same shape)."""
    for other in structures[1:]:
        assert_same_structure(structures[0], other)
    return pack_sequence_as(structures[0], [fn(*parts) for parts in
                                            zip(*(flatten(s) for s in structures))])


def assert_same_structure(a, b):
    """ValueError (TypeError for different kinds of structure) unless ``a`` and ``b`` nest alike."""
    _nest.assert_same_as(a, b, _KINDS, check_types=False)
