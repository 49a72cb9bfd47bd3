"""``tf.data.experimental``: the pieces of it TF 1.x pipelines commonly use."""
from minitf.data.dataset_ops import AUTOTUNE, _IgnoreErrorsDataset

__all__ = ["AUTOTUNE", "ignore_errors"]


def ignore_errors():
    """A transformation for ``Dataset.apply`` that drops the elements whose making failed
    (a map function's error, a batch that did not stack) instead of raising their errors.

    Example:
        >>> ds = ds.map(parse).apply(tf.data.experimental.ignore_errors())
    """
    return _IgnoreErrorsDataset
