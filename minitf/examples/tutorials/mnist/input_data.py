"""TF 1.x's ``tensorflow.examples.tutorials.mnist.input_data`` on minitf.

    from minitf.examples.tutorials.mnist import input_data
    mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

Everything here is :mod:`minitf.datasets.mnist`; see it for where the digits come from.
"""
from minitf.datasets.mnist import *  # noqa: F401,F403
from minitf.datasets.mnist import __all__  # noqa: F401
