"""``tf.logging``: TF 1.x's thin wrapper over Python's logging module."""
import logging as _logging

DEBUG, INFO, WARN, ERROR, FATAL = (_logging.DEBUG, _logging.INFO, _logging.WARNING,
                                   _logging.ERROR, _logging.CRITICAL)
_logger = _logging.getLogger("tensorflow")


def set_verbosity(level):
    """Show messages at ``level`` and above (e.g. ``tf.logging.INFO``)."""
    _logger.setLevel(level)
    if not _logger.handlers:
        _logger.addHandler(_logging.StreamHandler())


def get_verbosity():
    return _logger.getEffectiveLevel()


def debug(msg, *args):
    _logger.debug(msg, *args)


def info(msg, *args):
    _logger.info(msg, *args)


def warning(msg, *args):
    _logger.warning(msg, *args)


def error(msg, *args):
    _logger.error(msg, *args)


def fatal(msg, *args):
    _logger.critical(msg, *args)


warn = warning
