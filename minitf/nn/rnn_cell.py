"""``tf.nn.rnn_cell``: the RNN cells (they live in ``minitf.ops.rnn_cell_impl``)."""
from minitf.ops.rnn_cell_impl import (BasicLSTMCell, BasicRNNCell, DeviceWrapper,  # noqa: F401
                                      DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple,
                                      MultiRNNCell, RNNCell, ResidualWrapper)
