"""``tf.app.flags`` (also ``tf.flags``): command-line flags in the style of absl.

Define flags at module level, then read them from ``FLAGS`` once the command
line is parsed -- by ``tf.app.run()``, by calling ``FLAGS(argv)``, or lazily on
the first read, which parses ``sys.argv`` and ignores flags nobody defined.

Example:
    >>> flags = tf.app.flags
    >>> flags.DEFINE_integer("batch_size", 128, "Examples per step.")
    >>> flags.DEFINE_boolean("verbose", False, "Print more.")
    >>> FLAGS = flags.FLAGS
    >>> FLAGS(["train.py", "--batch_size=32", "--verbose", "data.txt"])
    ['train.py', 'data.txt']
    >>> FLAGS.batch_size, FLAGS.verbose
    (32, True)

Accepted spellings: ``--name=value``, ``--name value``, ``-name=value``, and for
booleans ``--name``, ``--noname``, ``--name=true|false|1|0``.  ``--`` ends
parsing; everything after it stays in argv.
"""
import sys

__all__ = ["FLAGS", "DEFINE_string", "DEFINE_integer", "DEFINE_float", "DEFINE_boolean",
           "DEFINE_bool", "DEFINE_list", "DEFINE_enum", "Error", "DuplicateFlagError",
           "IllegalFlagValueError", "UnrecognizedFlagError", "FlagValues", "Flag"]


class Error(Exception):
    """Base class of flag errors."""


class DuplicateFlagError(Error):
    """A flag name was defined twice."""


class IllegalFlagValueError(Error):
    """A flag got a value it cannot take."""


class UnrecognizedFlagError(Error):
    """The command line names a flag nobody defined (and unknown flags are not allowed)."""


_TRUE = ("true", "t", "1", "yes", "y")
_FALSE = ("false", "f", "0", "no", "n")


def _parse_bool(text):
    low = str(text).lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError("Non-boolean argument to boolean flag: %r" % (text,))


def _parse_list(text):
    if isinstance(text, (list, tuple)):
        return list(text)
    return [item.strip() for item in str(text).split(",") if item.strip()]


class Flag:
    """One defined flag: its name, parser, default, help text and current value."""

    def __init__(self, name, default, help_text, parser, kind, enum_values=None):
        self.name = name
        self.help = help_text or ""
        self.parser = parser
        self.kind = kind
        self.enum_values = enum_values
        self.default = None if default is None else self.parse(default)
        self.value = self.default
        self.present = 0

    def parse(self, text):
        """Convert ``text`` (or an already-typed default) to this flag's type."""
        try:
            value = self.parser(text)
        except (TypeError, ValueError) as e:
            raise IllegalFlagValueError("flag --%s=%s: %s" % (self.name, text, e)) from None
        if self.enum_values is not None and value not in self.enum_values:
            raise IllegalFlagValueError("flag --%s=%s: value should be one of <%s>" % (
                self.name, text, "|".join(self.enum_values)))
        return value

    def __repr__(self):
        return "<Flag --%s=%r>" % (self.name, self.value)


class FlagValues:
    """The registry of defined flags; attribute access reads and writes values."""

    def __init__(self):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)

    # -- definition ---------------------------------------------------------------------
    def _define(self, flag):
        if flag.name in self._flags:
            raise DuplicateFlagError("The flag '%s' is defined twice." % flag.name)
        self._flags[flag.name] = flag

    # -- parsing ------------------------------------------------------------------------
    def __call__(self, argv, known_only=False):
        """Parse ``argv`` (argv[0] is the program); return argv without the parsed flags.

        With ``known_only=True`` flags nobody defined stay in the returned list
        instead of raising ``UnrecognizedFlagError``.
        """
        argv = list(argv)
        if not argv:
            raise ValueError("argv must hold at least the program name")
        rest = [argv[0]]
        args = argv[1:]
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                rest.extend(args[i - 1:] if known_only else args[i:])
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            name, eq, value = arg.lstrip("-").partition("=")
            flag = self._flags.get(name)
            if flag is None and not eq and name.startswith("no"):
                negated = self._flags.get(name[2:])
                if negated is not None and negated.kind == "bool":
                    negated.value, negated.present = False, negated.present + 1
                    continue
            if flag is None:
                if known_only:
                    rest.append(arg)
                    continue
                raise UnrecognizedFlagError("Unknown command line flag '%s'" % name)
            if not eq:
                if flag.kind == "bool":
                    value = "true"
                elif i < len(args):
                    value = args[i]
                    i += 1
                else:
                    raise IllegalFlagValueError("Flag --%s must have a value" % name)
            flag.value = flag.parse(value)
            flag.present += 1
        object.__setattr__(self, "_parsed", True)
        return rest

    def is_parsed(self):
        """Whether a command line has been parsed into these flags."""
        return self._parsed

    def mark_as_parsed(self):
        """Use the defaults without parsing a command line."""
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self):
        """Reset every flag to its default and mark the flags as not parsed."""
        for flag in self._flags.values():
            flag.value, flag.present = flag.default, 0
        object.__setattr__(self, "_parsed", False)

    def _parse_flags(self, args=None):
        """TF <= 1.4 spelling: parse ``args`` (default sys.argv) keeping unknown flags."""
        return self(sys.argv if args is None else [sys.argv[0]] + list(args), known_only=True)

    # -- values ---------------------------------------------------------------------------
    def __getattr__(self, name):
        flags = self.__dict__["_flags"]
        if name not in flags:
            raise AttributeError(name)
        if not self.__dict__["_parsed"]:
            self(sys.argv, known_only=True)
        return flags[name].value

    def __setattr__(self, name, value):
        flag = self._flags.get(name)
        if flag is None:
            raise AttributeError("Unknown flag %r: define it with DEFINE_* first" % name)
        flag.value = value

    def __contains__(self, name):
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    def __len__(self):
        return len(self._flags)

    def __getitem__(self, name):
        return self._flags[name]

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._flags))

    def flag_values_dict(self):
        """``{name: value}`` for every defined flag."""
        return {name: flag.value for name, flag in self._flags.items()}

    def get_flag_value(self, name, default):
        """The flag's value, or ``default`` when no such flag is defined."""
        flag = self._flags.get(name)
        return default if flag is None else flag.value

    def help_text(self):
        """One line per flag: name, help and default (what --help prints)."""
        lines = []
        for name in sorted(self._flags):
            flag = self._flags[name]
            lines.append("  --%s: %s\n    (default: %r)" % (name, flag.help, flag.default))
        return "\n".join(lines)


FLAGS = FlagValues()


def _definer(kind, parser):
    def define(name, default, help, flag_values=FLAGS, **kwargs):  # noqa: A002 (TF's name)
        flag_values._define(Flag(name, default, help, parser, kind))
    return define


DEFINE_string = _definer("string", str)
DEFINE_string.__doc__ = "Define a string flag: ``DEFINE_string(name, default, help)``."
DEFINE_integer = _definer("int", int)
DEFINE_integer.__doc__ = "Define an integer flag: ``DEFINE_integer(name, default, help)``."
DEFINE_float = _definer("float", float)
DEFINE_float.__doc__ = "Define a float flag: ``DEFINE_float(name, default, help)``."
DEFINE_boolean = _definer("bool", lambda v: v if isinstance(v, bool) else _parse_bool(v))
DEFINE_boolean.__doc__ = ("Define a boolean flag: ``--name``/``--noname`` or "
                          "``--name=true|false``.")
DEFINE_bool = DEFINE_boolean
DEFINE_list = _definer("list", _parse_list)
DEFINE_list.__doc__ = "Define a comma-separated list flag: ``--name=a,b,c`` gives ['a','b','c']."


def DEFINE_enum(name, default, enum_values, help, flag_values=FLAGS, **kwargs):  # noqa: A002
    """Define a string flag restricted to ``enum_values``."""
    flag_values._define(Flag(name, default, help, str, "enum", list(enum_values)))
