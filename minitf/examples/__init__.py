"""Mirror of ``tensorflow.examples`` for TF 1.x scripts (``tutorials.mnist.input_data``)."""
