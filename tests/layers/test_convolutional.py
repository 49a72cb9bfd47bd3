"""tf.layers Conv2D / Conv2DTranspose and the pooling layers: names, shapes, values."""
import numpy as np
import pytest

import minitf as tf
from tests.layers import run


RNG = np.random.RandomState(0)
IMAGES = RNG.randn(2, 7, 6, 3).astype(np.float32)


# -- Conv2D ------------------------------------------------------------------------------------
def test_conv2d_variables_and_default_valid_padding():
    y = tf.layers.conv2d(tf.constant(IMAGES), 4, 3)
    assert [v.name for v in tf.global_variables()] == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert [v.shape.as_list() for v in tf.global_variables()] == [[3, 3, 3, 4], [4]]
    assert y.shape.as_list() == [2, 5, 4, 4] and y.op.name == "conv2d/BiasAdd"
    tf.layers.conv2d(y, 2, [1, 2], name="c2")
    assert tf.global_variables()[2].shape.as_list() == [1, 2, 4, 2]


@pytest.mark.parametrize("padding,strides,dilation", [
    ("same", 1, 1), ("SAME", 2, 1), ("valid", (2, 1), 1), ("Valid", 1, 2), ("same", 1, (2, 1))])
def test_conv2d_equals_nn_conv2d_with_its_kernel(padding, strides, dilation):
    layer = tf.layers.Conv2D(5, (3, 2), strides=strides, padding=padding,
                             dilation_rate=dilation, activation=tf.nn.relu,
                             bias_initializer=tf.random_normal_initializer(seed=1))
    y = layer(tf.constant(IMAGES))
    s = strides if isinstance(strides, tuple) else (strides, strides)
    d = dilation if isinstance(dilation, tuple) else (dilation, dilation)
    ref = tf.nn.relu(tf.nn.conv2d(IMAGES, layer.kernel, [1, s[0], s[1], 1], padding.upper(),
                                  dilations=[1, d[0], d[1], 1]) + layer.bias)
    out, want = run([y, ref])
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)


def test_conv2d_channels_first():
    nchw = IMAGES.transpose(0, 3, 1, 2)
    layer = tf.layers.Conv2D(4, 3, padding="same", data_format="channels_first",
                             bias_initializer=tf.ones_initializer())
    y = layer(tf.constant(nchw))
    assert layer.kernel.shape.as_list() == [3, 3, 3, 4] and y.shape.as_list() == [2, 4, 7, 6]
    ref = tf.nn.conv2d(IMAGES, layer.kernel, [1, 1, 1, 1], "SAME") + layer.bias
    out, want = run([y, ref])
    np.testing.assert_allclose(out, want.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-6)


def test_conv2d_argument_errors():
    with pytest.raises(ValueError, match='The `padding` argument must be one of "valid", '
                                         '"same". Received: full'):
        tf.layers.Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match='The `data_format` argument must be one of'):
        tf.layers.Conv2D(2, 3, data_format="NHWC")
    with pytest.raises(ValueError, match="The `kernel_size` argument must be a tuple of 2 "
                                         "integers"):
        tf.layers.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="strides > 1 not supported in conjunction with "
                                         "dilation_rate > 1"):
        tf.layers.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        tf.layers.conv2d(tf.zeros([2, 5, 3]), 2, 3)
    with pytest.raises(ValueError, match="The channel dimension of the inputs should be defined"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 5, 5, None]), 2, 3)


def test_conv2d_reuse_and_sharing():
    x = tf.constant(IMAGES)
    a = tf.layers.conv2d(x, 2, 3, name="conv")
    b = tf.layers.conv2d(x, 2, 3, name="conv", reuse=True)
    assert len(tf.global_variables()) == 2
    va, vb = run([a, b])
    np.testing.assert_array_equal(va, vb)
    with pytest.raises(ValueError, match="Variable conv/kernel already exists, disallowed"):
        tf.layers.conv2d(x, 2, 3, name="conv")


def test_conv2d_kernel_regularizer():
    layer = tf.layers.Conv2D(2, 3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.5))
    layer(tf.constant(IMAGES))
    (loss,) = tf.losses.get_regularization_losses()
    value, w = run([loss, layer.kernel])
    np.testing.assert_allclose(value, 0.25 * np.sum(w ** 2), rtol=1e-5)


# -- Conv2DTranspose ---------------------------------------------------------------------------
@pytest.mark.parametrize("padding,strides,want_hw", [
    ("same", 2, (14, 12)), ("valid", 2, (15, 13)), ("valid", 1, (9, 8)), ("same", (1, 3), (7, 18))])
def test_conv2d_transpose_shapes_and_values(padding, strides, want_hw):
    layer = tf.layers.Conv2DTranspose(4, 3, strides=strides, padding=padding,
                                      bias_initializer=tf.ones_initializer())
    x = tf.constant(IMAGES)
    y = layer(x)
    assert [v.name for v in tf.global_variables()] == ["conv2d_transpose/kernel:0",
                                                       "conv2d_transpose/bias:0"]
    assert layer.kernel.shape.as_list() == [3, 3, 4, 3]
    assert y.shape.as_list() == [2, want_hw[0], want_hw[1], 4]
    s = strides if isinstance(strides, tuple) else (strides, strides)
    ref = tf.nn.conv2d_transpose(x, layer.kernel, [2, want_hw[0], want_hw[1], 4],
                                 [1, s[0], s[1], 1], padding.upper()) + 1.0
    out, want = run([y, ref])
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    # <conv2d(u, k), v> = <u, conv2d_transpose(v, k)> for the same kernel and strides.
    u = RNG.randn(1, 8, 8, 2).astype(np.float32)
    layer = tf.layers.Conv2DTranspose(2, 3, strides=2, padding="same", use_bias=False)
    v = RNG.randn(1, 4, 4, 3).astype(np.float32)
    up = layer(tf.constant(v))
    down = tf.nn.conv2d(u, layer.kernel, [1, 2, 2, 1], "SAME")
    a, b = run([up, down])
    np.testing.assert_allclose(np.sum(a * u), np.sum(b * v), rtol=1e-4)


def test_conv2d_transpose_with_an_unknown_batch_and_channels_first():
    p = tf.placeholder(tf.float32, [None, 3, 5, 4])
    y = tf.layers.conv2d_transpose(p, 2, 2, strides=2, data_format="channels_first")
    assert y.shape.as_list() == [None, 2, 10, 8]
    assert run(y, {p: np.zeros((3, 3, 5, 4))}).shape == (3, 2, 10, 8)
    with pytest.raises(ValueError, match="expected ndim=4"):
        tf.layers.conv2d_transpose(tf.zeros([2, 3, 3]), 2, 2)


# -- pooling -----------------------------------------------------------------------------------
@pytest.mark.parametrize("padding,pool,strides,want_hw", [
    ("valid", 2, 2, (3, 3)), ("same", 2, 2, (4, 3)), ("valid", 3, 1, (5, 4)),
    ("same", 3, 2, (4, 3)), ("VALID", (2, 3), (1, 3), (6, 2))])
def test_pooling_shapes(padding, pool, strides, want_hw):
    x = tf.constant(IMAGES)
    for fn in (tf.layers.max_pooling2d, tf.layers.average_pooling2d):
        y = fn(x, pool, strides, padding=padding)
        assert y.shape.as_list() == [2, want_hw[0], want_hw[1], 3]
        assert run(y).shape == (2,) + want_hw + (3,)


def test_pooling_values_against_numpy():
    x = IMAGES[:, :6, :6, :]
    blocks = x.reshape(2, 3, 2, 3, 2, 3)
    mx = tf.layers.MaxPooling2D(2, 2)(tf.constant(x))
    av = tf.layers.AveragePooling2D(2, 2)(tf.constant(x))
    a, b = run([mx, av])
    np.testing.assert_allclose(a, blocks.max(axis=(2, 4)))
    np.testing.assert_allclose(b, blocks.mean(axis=(2, 4)), rtol=1e-6)
    assert mx.op.name == "max_pooling2d/MaxPool"
    assert tf.global_variables() == []


def test_pooling_channels_first_and_errors():
    nchw = tf.constant(IMAGES.transpose(0, 3, 1, 2))
    y = tf.layers.max_pooling2d(nchw, 2, 2, data_format="channels_first")
    ref = tf.layers.max_pooling2d(tf.constant(IMAGES), 2, 2)
    assert y.shape.as_list() == [2, 3, 3, 3]
    a, b = run([y, ref])
    np.testing.assert_array_equal(a, b.transpose(0, 3, 1, 2))
    with pytest.raises(ValueError, match="Argument `strides` must not be None."):
        tf.layers.MaxPooling2D(2, None)
    with pytest.raises(ValueError, match="The `pool_size` argument must be a tuple of 2"):
        tf.layers.AveragePooling2D((2, 2, 2), 1)
