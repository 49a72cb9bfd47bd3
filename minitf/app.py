"""``tf.app``: the script entry point ``tf.app.run`` and command-line ``flags``."""
import sys

from minitf import flags

__all__ = ["run", "flags"]


def run(main=None, argv=None):
    """Parse the command-line flags, call ``main(argv)`` and exit with its result.

    Flags defined with ``tf.app.flags`` are parsed out of ``argv`` (default:
    ``sys.argv``); ``main`` receives the program name followed by every argument
    that was not a known flag.  ``main`` defaults to the ``main`` function of the
    ``__main__`` module.  ``--help`` prints the defined flags and exits.

    Example:
        >>> tf.app.flags.DEFINE_integer("steps", 100, "Training steps.")
        >>> def main(argv):
        ...     print(tf.app.flags.FLAGS.steps, argv[1:])
        >>> if __name__ == "__main__":
        ...     tf.app.run()          # `script.py --steps=5 x` prints: 5 ['x']
    """
    if main is None:
        main = sys.modules["__main__"].main
    args = list(sys.argv if argv is None else argv)
    if any(a in ("--help", "-help", "-h", "--helpfull") for a in args[1:]
           if a.lstrip("-") not in flags.FLAGS):
        print("%s:\n%s" % (args[0] if args else "flags", flags.FLAGS.help_text()))
        sys.exit(0)
    try:
        remaining = flags.FLAGS(args, known_only=True)
    except flags.Error as e:
        sys.stderr.write("FATAL Flags parsing error: %s\nPass --help to see the flags.\n" % e)
        sys.exit(1)
    sys.exit(main(remaining))
