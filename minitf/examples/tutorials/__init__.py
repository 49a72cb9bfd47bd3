"""Mirror of ``tensorflow.examples.tutorials``."""
