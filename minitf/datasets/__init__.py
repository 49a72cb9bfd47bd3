"""Datasets for the course, loaded offline-first (see each module's docstring).

``minitf.datasets.mnist.read_data_sets`` is TF 1.x's MNIST ``input_data`` loader.
``minitf.datasets.text`` holds the word2vec corpora (offline, text8, your own files),
vocabulary building, subsampling and skip-gram batches.
"""
from minitf.datasets import mnist, text  # noqa: F401
