"""``tf.contrib.rnn``: the cells and static RNNs under their contrib names."""
from minitf.ops.rnn import static_bidirectional_rnn, static_rnn  # noqa: F401
from minitf.ops.rnn_cell_impl import (BasicLSTMCell, BasicRNNCell, DeviceWrapper,  # noqa: F401
                                      DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple,
                                      MultiRNNCell, RNNCell, ResidualWrapper)
