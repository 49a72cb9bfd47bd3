"""Tests of tf.layers and tf.contrib.layers."""
