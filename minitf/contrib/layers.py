"""``tf.contrib.layers``: initializers that moved to core TF; forwarded to ``minitf.ops``."""
from minitf.framework import dtypes

__all__ = ["xavier_initializer", "xavier_initializer_conv2d"]


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot/Xavier initializer: variance ``2 / (fan_in + fan_out)``.

    Args:
        uniform: draw from ``U(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``
            when True, else from a truncated normal of that variance.
        seed: op seed (combined with the graph seed as in TF).
        dtype: floating dtype of the values.

    Example:
        >>> w = tf.get_variable("w", [784, 10],
        ...                     initializer=tf.contrib.layers.xavier_initializer())
    """
    from minitf.ops import init_ops  # imported on use: keeps `import minitf` light
    return init_ops.xavier_initializer(uniform=uniform, seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer
