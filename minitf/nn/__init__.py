"""``tf.nn``: activations, softmax and cross entropies, dropout, top_k, embeddings,
convolution and pooling.

The ops live in ``minitf.ops.nn_ops``; this namespace re-exports them together
with the few math ops TensorFlow also lists under ``tf.nn``.
"""
from minitf.ops.math_ops import sigmoid, tanh  # noqa: F401
from minitf.ops.nn_ops import (batch_normalization, bias_add, crelu, dropout, elu,  # noqa: F401
                               fused_batch_norm,
                               in_top_k, l2_loss, l2_normalize, leaky_relu,
                               local_response_normalization, lrn,
                               log_softmax, moments, relu, relu6, relu_layer, selu,
                               sigmoid_cross_entropy_with_logits, softmax,
                               softmax_cross_entropy_with_logits,
                               softmax_cross_entropy_with_logits_v2, softplus, softsign,
                               sparse_softmax_cross_entropy_with_logits, swish, top_k,
                               weighted_cross_entropy_with_logits, xw_plus_b, zero_fraction)
from minitf.ops.embedding_ops import embedding_lookup, embedding_lookup_sparse  # noqa: F401
from minitf.ops.candidate_sampling_ops import (all_candidate_sampler,  # noqa: F401
                                               compute_accidental_hits,
                                               fixed_unigram_candidate_sampler,
                                               learned_unigram_candidate_sampler,
                                               log_uniform_candidate_sampler,
                                               uniform_candidate_sampler)
from minitf.ops.conv_ops import (atrous_conv2d, conv1d, conv2d,  # noqa: F401
                                 conv2d_backprop_filter, conv2d_backprop_input,
                                 conv2d_transpose, convolution, depthwise_conv2d,
                                 depthwise_conv2d_native,
                                 depthwise_conv2d_native_backprop_filter,
                                 depthwise_conv2d_native_backprop_input, separable_conv2d)
from minitf.ops.pooling_ops import avg_pool, max_pool, max_pool_with_argmax  # noqa: F401
from minitf.ops.sampled_losses import nce_loss, sampled_softmax_loss  # noqa: F401
from minitf.ops.rnn import (bidirectional_dynamic_rnn, dynamic_rnn, raw_rnn,  # noqa: F401
                            static_bidirectional_rnn, static_rnn)
from minitf.nn import rnn_cell  # noqa: F401,E402
