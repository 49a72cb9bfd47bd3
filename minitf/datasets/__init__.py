"""Datasets for the course, loaded offline-first (see each module's docstring).

``minitf.datasets.mnist.read_data_sets`` is TF 1.x's MNIST ``input_data`` loader.
"""
