"""VGG-19 from MatConvNet's ``imagenet-vgg-verydeep-19.mat``, the file TF 1.x style transfer used.

    from minitf.examples import vgg19
    path = vgg19.find_weights()                  # $MINITF_VGG19, or None
    weights, mean_pixel = vgg19.load_weights(path)
    image = tf.placeholder(tf.float32, [1, 224, 224, 3])   # RGB in [0, 255]
    net = vgg19.build_net(weights, vgg19.preprocess(image, mean_pixel))
    net["relu4_2"]                               # one tensor per layer name

The file (about 510 MB) is not shipped and cannot be downloaded offline; get it from
:data:`WEIGHTS_URL` and point the environment variable :data:`ENV_VAR` at it.

``scipy.io.loadmat`` reads it as a struct array ``layers`` (one struct per layer, with the
fields ``name``, ``type`` and, for convolutions, ``weights``: a cell ``{kernel, bias}``) and
the mean training image, either as ``normalization.averageImage`` (the original release) or
as ``meta.normalization.averageImage`` (MatConvNet beta16 and later). Fields are looked up by
name, so both releases load. Only the convolutional part is built (``conv1_1`` ...
``relu5_4``); the fully connected layers ``fc6`` ... ``fc8`` are not needed for features.
"""
import os

import numpy as np

__all__ = ["VGG19_LAYERS", "ENV_VAR", "WEIGHTS_URL", "find_weights", "load_weights",
           "build_net", "preprocess", "unprocess"]

#: The layers of VGG-19's convolutional part, in order, named as in the ``.mat`` file.
VGG19_LAYERS = (
    "conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1",
    "conv2_1", "relu2_1", "conv2_2", "relu2_2", "pool2",
    "conv3_1", "relu3_1", "conv3_2", "relu3_2", "conv3_3", "relu3_3", "conv3_4", "relu3_4",
    "pool3",
    "conv4_1", "relu4_1", "conv4_2", "relu4_2", "conv4_3", "relu4_3", "conv4_4", "relu4_4",
    "pool4",
    "conv5_1", "relu5_1", "conv5_2", "relu5_2", "conv5_3", "relu5_3", "conv5_4", "relu5_4",
)

#: Environment variable holding the path of ``imagenet-vgg-verydeep-19.mat``.
ENV_VAR = "MINITF_VGG19"

#: Where MatConvNet publishes the file.
WEIGHTS_URL = "https://www.vlfeat.org/matconvnet/models/imagenet-vgg-verydeep-19.mat"


def find_weights(path=None):
    """The path of the VGG-19 ``.mat`` file: ``path``, else ``$MINITF_VGG19``; None if absent."""
    path = path or os.environ.get(ENV_VAR)
    return path if path and os.path.isfile(path) else None


def _field(record, name, path):
    """One named field of a loadmat struct record, or a ValueError naming the file."""
    if record.dtype.names is None or name not in record.dtype.names:
        raise ValueError("%s: no field %r where a MatConvNet VGG-19 file has one" % (path, name))
    return record[name]


def _mean_pixel(data, path):
    if "normalization" in data:                                  # the original release
        norm = data["normalization"][0, 0]
    elif "meta" in data:                                         # MatConvNet beta16+
        norm = _field(data["meta"][0, 0], "normalization", path)[0, 0]
    else:
        raise ValueError("%s: no normalization (mean image) found" % path)
    average = np.asarray(_field(norm, "averageImage", path), dtype=np.float64)
    return average.reshape(-1, 3).mean(axis=0).astype(np.float32)


def load_weights(path):
    """Read the convolution weights and the mean pixel of ``imagenet-vgg-verydeep-19.mat``.

    Args:
        path: the ``.mat`` file.

    Returns:
        ``(weights, mean_pixel)``: ``weights`` maps each ``convN_M`` name to
        ``(kernel, bias)``, ``kernel`` a float32 array ``[height, width, in, out]`` as
        ``tf.nn.conv2d`` takes it and ``bias`` a float32 vector; ``mean_pixel`` is the
        mean RGB value of the training images (3 floats, pixels in [0, 255]).

    Raises:
        ValueError: the file lacks a layer or field of the VGG-19 layout.
    """
    import scipy.io    # imported on use: scipy is slow to import and only this needs it

    data = scipy.io.loadmat(path)
    if "layers" not in data:
        raise ValueError("%s: no 'layers' array; is it imagenet-vgg-verydeep-19.mat?" % path)
    by_name = {}
    for cell in np.ravel(data["layers"]):
        record = np.ravel(cell)[0]
        by_name[str(np.ravel(_field(record, "name", path))[0])] = record
    weights = {}
    for name in VGG19_LAYERS:
        if not name.startswith("conv"):
            continue
        if name not in by_name:
            raise ValueError("%s has no layer %r; is it imagenet-vgg-verydeep-19.mat?"
                             % (path, name))
        kernel, bias = np.ravel(_field(by_name[name], "weights", path))[:2]
        kernel = np.asarray(kernel, dtype=np.float32)
        if kernel.ndim != 4:
            raise ValueError("%s: layer %r has a kernel of shape %s, not 4-D"
                             % (path, name, kernel.shape))
        # The file's kernels are [width, height, in, out]: swapping the first two axes gives
        # TF's [height, width, in, out], as the TF 1.x style-transfer code did.
        weights[name] = (np.ascontiguousarray(kernel.transpose(1, 0, 2, 3)),
                         np.asarray(bias, dtype=np.float32).reshape(-1))
    return weights, _mean_pixel(data, path)


def build_net(weights, image, pooling="max"):
    """VGG-19's convolutional part on ``image``, with the weights as constants.

    Args:
        weights: the first result of :func:`load_weights`.
        image: a float32 tensor ``[batch, height, width, 3]``, already :func:`preprocess`-ed.
        pooling: ``"max"`` (as VGG was trained) or ``"avg"`` (smoother gradients, which
            Gatys et al. preferred for image synthesis).

    Returns:
        A dict from every name of :data:`VGG19_LAYERS` to its output tensor.
    """
    import minitf as tf

    if pooling not in ("max", "avg"):
        raise ValueError("pooling must be 'max' or 'avg', got %r" % (pooling,))
    pool = tf.nn.max_pool if pooling == "max" else tf.nn.avg_pool
    net, current = {}, image
    for name in VGG19_LAYERS:
        kind = name[:4]
        if kind == "conv":
            kernel, bias = weights[name]
            current = tf.nn.bias_add(
                tf.nn.conv2d(current, tf.constant(kernel), strides=[1, 1, 1, 1],
                             padding="SAME"), tf.constant(bias), name=name)
        elif kind == "relu":
            current = tf.nn.relu(current, name=name)
        else:
            current = pool(current, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME",
                           name=name)
        net[name] = current
    return net


def preprocess(image, mean_pixel):
    """RGB pixels in [0, 255] -> the network's input: the mean pixel subtracted."""
    return image - mean_pixel


def unprocess(image, mean_pixel):
    """The inverse of :func:`preprocess`."""
    return image + mean_pixel
