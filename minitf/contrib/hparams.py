"""``tf.contrib.training.HParams``: named hyperparameters whose types are fixed by their defaults.

An experiment keeps its settings in one object, overridable from a command line string or
from JSON, with type checks that catch a typo before hours of training::

    hparams = HParams(learning_rate=0.1, num_layers=2, activation="relu", sizes=[64, 32])
    hparams.parse("learning_rate=0.3,sizes=[128, 64]")
    hparams.learning_rate                      # 0.3
    hparams.parse("num_layers=2.5")            # ValueError: ... 'num_layers' of type 'int' ...

The rules are TF 1.x's: a hyperparameter's type (and whether it is a list) is that of its
default; an int is accepted for a float, never a float for an int; numbers, strings and
bools do not turn into each other; every error is a ``ValueError`` naming the hyperparameter.
"""
import json
import numbers
import re

__all__ = ["HParams", "parse_values"]

# name, optional [index], "=", then one value (no comma or '[') or a bracketed list.
_PARAM = re.compile(r"""
    (?P<name>[a-zA-Z][\w.]*)
    (\[\s*(?P<index>\d+)\s*\])?
    \s*=\s*
    ((?P<val>[^,\[]*) | \[(?P<vals>[^\]]*)\])
    ($|,\s*)""", re.VERBOSE)


def _type_name(param_type):
    return getattr(param_type, "__name__", str(param_type))


def _cast(name, param_type, value):
    """``value`` as ``param_type`` where TF allows it, else a ValueError naming ``name``."""
    fail = "Could not cast hparam '%s' of type '%s' from value %r" % (name, param_type, value)
    if type(value) is param_type or issubclass(param_type, type(None)):
        return value
    # bool is an int subclass, so each of these checks is needed on its own.
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)
    return param_type(value)


def _parse_fail(name, param_type, value, values):
    raise ValueError("Could not parse hparam '%s' of type '%s' with value '%s' in %s"
                     % (name, _type_name(param_type), value, values))


def _reuse_fail(name, values):
    raise ValueError("Multiple assignments to variable '%s' in %s" % (name, values))


def _parser(name, param_type, values):
    """The text-to-value function for one hparam: its type, or TF's bool rule."""
    if param_type is not bool:
        return param_type

    def parse_bool(text):
        if text in ("true", "True"):
            return True
        if text in ("false", "False"):
            return False
        try:
            return bool(int(text))
        except ValueError:
            _parse_fail(name, param_type, text, values)
    return parse_bool


def parse_values(values, type_map, ignore_unknown=False):
    """``"a=1,b=[1,2],c=x"`` as a dict of typed values; ``type_map``: name -> type.

    A list is written in brackets, its items split at commas or spaces.  ``name[i]=v``
    gives ``{i: v}`` for that name.  Unknown names raise ValueError unless
    ``ignore_unknown``.
    """
    results, pos = {}, 0
    while pos < len(values):
        m = _PARAM.match(values, pos)
        if not m:
            raise ValueError("Malformed hyperparameter value: %s" % values[pos:])
        pos = m.end()
        name, index, val, vals = m.group("name", "index", "val", "vals")
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError("Unknown hyperparameter type for %s" % name)
        param_type = type_map[name]
        parse = _parser(name, param_type, values)
        if val is not None:
            try:
                parsed = parse(val)
            except ValueError:
                _parse_fail(name, param_type, val, values)
            if index is None:
                if name in results:
                    _reuse_fail(name, values)
                results[name] = parsed
            else:
                slot = results.setdefault(name, {})
                if not isinstance(slot, dict):
                    _reuse_fail(name, values)
                if int(index) in slot:
                    _reuse_fail("%s[%s]" % (name, index), values)
                slot[int(index)] = parsed
        else:
            if index is not None:
                raise ValueError("Assignment of a list to a list index.")
            if name in results:
                _reuse_fail(name, values)
            try:
                results[name] = [parse(e) for e in re.split("[ ,]", vals) if e]
            except ValueError:
                _parse_fail(name, param_type, vals, values)
    return results


class HParams:
    """Hyperparameters as attributes, each with the type of its default value.

    Args:
      hparam_def: TF's ``HParamDef`` proto; not supported here (must be None).
      model_structure: anything; kept for ``get_model_structure``.
      **kwargs: the hyperparameters and their defaults.  A list default makes a
        list-valued hyperparameter typed by its first element.

    Example:
        >>> hp = HParams(learning_rate=0.1, hidden=[32, 16])
        >>> hp.parse("learning_rate=1,hidden=[64]").values()
        {'learning_rate': 1.0, 'hidden': [64]}
    """

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        if hparam_def is not None:
            raise ValueError("HParams from an HParamDef proto is not supported by minitf")
        self._hparam_types = {}
        self._model_structure = model_structure
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        """A new hyperparameter; its type is ``value``'s (a list's: its first element's)."""
        if getattr(self, name, None) is not None:
            raise ValueError("Hyperparameter name is reserved: %s" % name)
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("Multi-valued hyperparameters cannot be empty: %s" % name)
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Sets an existing hyperparameter, cast to its type (ValueError if incompatible)."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError("Must not pass a list for single-valued parameter: %s" % name)
            setattr(self, name, [_cast(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError("Must pass a list for multi-valued parameter: %s." % name)
            setattr(self, name, _cast(name, param_type, value))

    def del_hparam(self, name):
        """Removes a hyperparameter (nothing happens if there is none of that name)."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Overrides from ``"name=value,name=[v1,v2],..."``; returns self."""
        type_map = {name: t for name, (t, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        """``set_hparam`` for each item; returns self."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The values as JSON (callables left out, as they do not serialize)."""
        def without_callables(x):
            if isinstance(x, dict):
                return {k: without_callables(v) for k, v in x.items() if not callable(v)}
            if isinstance(x, list):
                return [without_callables(v) for v in x if not callable(v)]
            return x
        return json.dumps(without_callables(self.values()), indent=indent,
                          separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json):
        """Overrides from a JSON object; returns self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        """``{name: value}`` of every hyperparameter."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of ``key``, or ``default`` when there is no such hyperparameter.

        A ``default`` that could not be a value of ``key`` raises ValueError, even when
        ``key`` exists, so a wrong guess about a type is noticed.
        """
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            type_str = "list<%s>" % param_type if is_list else str(param_type)
            fail = "Hparam '%s' of type '%s' is incompatible with default=%s" % (
                key, type_str, default)
            if is_list != isinstance(default, list):
                raise ValueError(fail)
            try:
                for value in default if is_list else [default]:
                    _cast(key, param_type, value)
            except ValueError as e:
                raise ValueError("%s. %s" % (fail, e)) from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return str(sorted(self.values().items()))

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, self.__str__())
