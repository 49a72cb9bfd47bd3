"""``tf.losses``: weighted, reduced losses collected in ``GraphKeys.LOSSES``.

The implementations live in ``minitf.ops.losses_impl``.
"""
from minitf.ops.losses_impl import (Reduction, absolute_difference, add_loss,  # noqa: F401
                                    compute_weighted_loss, cosine_distance, get_losses,
                                    get_regularization_loss, get_regularization_losses,
                                    get_total_loss, hinge_loss, huber_loss, log_loss,
                                    mean_squared_error, sigmoid_cross_entropy,
                                    softmax_cross_entropy, sparse_softmax_cross_entropy)
