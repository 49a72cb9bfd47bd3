"""minitf.examples.vgg19 on a tiny fake ``imagenet-vgg-verydeep-19.mat``.

The fake file has the layout ``scipy.io.loadmat`` finds in MatConvNet's VGG-19 release: a
1 x 43 cell array ``layers`` of 1 x 1 structs (``name``, ``type`` and, for convolutions and
the fully connected layers, a 1 x 2 cell ``weights = {kernel, bias}``, kernels stored as
[width, height, in, out], biases as 1 x out rows), and the mean image either as
``normalization.averageImage`` or as ``meta.normalization.averageImage``. Only the channel
counts are tiny (3 -> 2 -> ...), so the file is a few kilobytes.
"""
import numpy as np
import pytest
import scipy.io

import minitf as tf
from minitf.examples import vgg19

CHANNELS = 2
FILE_LAYERS = vgg19.VGG19_LAYERS + ("pool5", "fc6", "relu6", "fc7", "relu7", "fc8", "prob")


def _cell(*items):
    out = np.empty((1, len(items)), dtype=object)
    for i, item in enumerate(items):
        out[0, i] = item
    return out


def _kernels(seed):
    """name -> (kernel as the file stores it: [width, height, in, out], bias [1, out])."""
    rng = np.random.default_rng(seed)
    out, depth = {}, 3
    for name in FILE_LAYERS:
        if name.startswith("conv"):
            out[name] = (rng.standard_normal((3, 3, depth, CHANNELS)).astype(np.float32),
                         rng.standard_normal((1, CHANNELS)).astype(np.float32))
            depth = CHANNELS
        elif name.startswith("fc"):
            out[name] = (rng.standard_normal((1, 1, CHANNELS, CHANNELS)).astype(np.float32),
                         rng.standard_normal((1, CHANNELS)).astype(np.float32))
    return out


def _write_mat(path, kernels, average_image, new_format=False, skip=()):
    layers = []
    for name in FILE_LAYERS:
        if name in skip:
            continue
        kind = ("softmax" if name == "prob" else
                "conv" if name.startswith(("conv", "fc")) else name[:4])
        layer = {"name": name, "type": kind}
        if name in kernels:
            layer["weights"] = _cell(*kernels[name])
        layers.append(layer)
    contents = {"layers": _cell(*layers), "classes": {"name": _cell("a", "b")}}
    if new_format:
        contents["meta"] = {"normalization": {"averageImage": average_image,
                                              "imageSize": np.float64([224, 224, 3])}}
    else:
        contents["normalization"] = {"averageImage": average_image, "keepAspect": 1.0}
    scipy.io.savemat(str(path), contents)
    return str(path)


@pytest.fixture
def old_file(tmp_path):
    kernels = _kernels(0)
    average = np.random.default_rng(1).uniform(0, 255, (4, 5, 3))
    return _write_mat(tmp_path / "vgg.mat", kernels, average), kernels, average


def test_loads_kernels_in_tf_layout_and_the_mean_pixel(old_file):
    path, kernels, average = old_file
    weights, mean_pixel = vgg19.load_weights(path)
    convs = [n for n in vgg19.VGG19_LAYERS if n.startswith("conv")]
    assert sorted(weights) == sorted(convs) and len(convs) == 16
    for name in convs:
        kernel, bias = weights[name]
        stored_kernel, stored_bias = kernels[name]
        assert kernel.dtype == np.float32 and bias.dtype == np.float32
        np.testing.assert_array_equal(kernel, np.transpose(stored_kernel, (1, 0, 2, 3)))
        np.testing.assert_array_equal(bias, stored_bias[0])
    np.testing.assert_allclose(mean_pixel, average.mean(axis=(0, 1)), rtol=1e-6)


def test_loads_the_newer_release_layout(tmp_path):
    kernels = _kernels(2)
    path = _write_mat(tmp_path / "new.mat", kernels, np.float64([123.68, 116.779, 103.939]),
                      new_format=True)
    weights, mean_pixel = vgg19.load_weights(path)
    np.testing.assert_allclose(mean_pixel, [123.68, 116.779, 103.939], rtol=1e-6)
    np.testing.assert_array_equal(weights["conv5_4"][0],
                                  np.transpose(kernels["conv5_4"][0], (1, 0, 2, 3)))


def test_a_file_without_a_layer_is_refused(tmp_path):
    path = _write_mat(tmp_path / "short.mat", _kernels(3), np.zeros((1, 1, 3)), skip=("conv3_2",))
    with pytest.raises(ValueError, match="conv3_2"):
        vgg19.load_weights(path)
    scipy.io.savemat(str(tmp_path / "other.mat"), {"W": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="layers"):
        vgg19.load_weights(str(tmp_path / "other.mat"))


def _conv_same(x, kernel, bias):
    """Direct 3x3 cross-correlation with zero padding 1, as tf.nn.conv2d(..., 'SAME')."""
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros((n, h, w, kernel.shape[3]))
    for i in range(h):
        for j in range(w):
            window = padded[:, i:i + 3, j:j + 3, :]
            out[:, i, j, :] = np.tensordot(window, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out + bias


def _pool(x, reduce):
    n, h, w, c = x.shape
    return reduce(x.reshape(n, h // 2, 2, w // 2, 2, c), axis=(2, 4))


@pytest.mark.parametrize("pooling,reduce", [("max", np.max), ("avg", np.mean)])
def test_the_net_computes_vgg_layers(old_file, pooling, reduce):
    path, _, _ = old_file
    weights, mean_pixel = vgg19.load_weights(path)
    rgb = np.random.default_rng(4).uniform(0, 255, (1, 16, 16, 3)).astype(np.float32)
    with tf.Graph().as_default():
        image = tf.constant(rgb)
        net = vgg19.build_net(weights, vgg19.preprocess(image, mean_pixel), pooling=pooling)
        assert list(net) == list(vgg19.VGG19_LAYERS)
        with tf.Session() as sess:
            got = sess.run(net)
            back = sess.run(vgg19.unprocess(vgg19.preprocess(image, mean_pixel), mean_pixel))
    np.testing.assert_allclose(back, rgb, rtol=1e-5, atol=1e-4)
    conv = _conv_same(rgb - mean_pixel, *weights["conv1_1"])
    np.testing.assert_allclose(got["conv1_1"], conv, rtol=1e-4, atol=1e-2)
    np.testing.assert_allclose(got["relu1_1"], np.maximum(conv, 0), rtol=1e-4, atol=1e-2)
    conv = _conv_same(np.maximum(conv, 0), *weights["conv1_2"])
    np.testing.assert_allclose(got["pool1"], _pool(np.maximum(conv, 0), reduce),
                               rtol=1e-4, atol=1e-2)
    # four 2x2 poolings take 16 x 16 down to 1 x 1
    sizes = {name: got[name].shape for name in ("pool1", "pool2", "pool3", "pool4", "relu5_4")}
    assert sizes == {"pool1": (1, 8, 8, 2), "pool2": (1, 4, 4, 2), "pool3": (1, 2, 2, 2),
                     "pool4": (1, 1, 1, 2), "relu5_4": (1, 1, 1, 2)}, sizes


def test_bad_pooling_is_refused(old_file):
    weights, _ = vgg19.load_weights(old_file[0])
    with tf.Graph().as_default(), pytest.raises(ValueError, match="pooling"):
        vgg19.build_net(weights, tf.zeros([1, 8, 8, 3]), pooling="min")


def test_find_weights_reads_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(vgg19.ENV_VAR, raising=False)
    assert vgg19.find_weights() is None
    monkeypatch.setenv(vgg19.ENV_VAR, str(tmp_path / "missing.mat"))
    assert vgg19.find_weights() is None
    present = tmp_path / "vgg.mat"
    present.write_bytes(b"")
    monkeypatch.setenv(vgg19.ENV_VAR, str(present))
    assert vgg19.find_weights() == str(present)
    assert vgg19.find_weights(str(tmp_path / "missing.mat")) is None
