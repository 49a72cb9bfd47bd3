"""KernelExplorer: presets and edited kernels against scipy's correlation; ConvnetExplorer."""
import io

import numpy as np
import pytest
from PIL import Image
from scipy import signal

import minitf as tf
from minitf.widgets import KERNELS, ConvnetExplorer, KernelExplorer

LUMA = (0.2989, 0.5870, 0.1140)  # tf.image.rgb_to_grayscale's weights


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def rgb_image():
    return np.random.RandomState(0).randint(0, 256, size=(13, 17, 3)).astype(np.uint8)


def gray_image():
    return np.random.RandomState(1).rand(11, 9)  # float in [0, 1]


def correlate(image, kernel, mode="same"):
    """TF's conv2d: cross-correlation (no flip), zeros outside the image for SAME."""
    image = np.asarray(image, np.float64)
    kernel = np.asarray(kernel, np.float64)
    if image.ndim == 2:
        return signal.correlate2d(image, kernel, mode=mode, boundary="fill", fillvalue=0)
    return np.stack([correlate(image[:, :, c], kernel, mode) for c in range(image.shape[2])],
                    axis=2)


def luminance(image):
    return np.asarray(image, np.float64) @ np.array(LUMA)


def decode_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


# -- presets --------------------------------------------------------------------------
def test_the_presets_are_the_classic_kernels():
    expected = {
        "identity": np.pad([[1.0]], 1),
        "blur": np.ones((3, 3)) / 9,
        "gaussian_blur": np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256,
        "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
        "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
        "top_sobel": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
        "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    }
    for name, kernel in expected.items():
        assert KERNELS[name].dtype == np.float32
        np.testing.assert_allclose(KERNELS[name], kernel, rtol=1e-6, err_msg=name)
    with pytest.raises(ValueError):
        KERNELS["blur"][0, 0] = 5.0  # shared presets cannot be edited by accident


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_each_preset_matches_scipy_on_rgb_and_gray_images(name):
    rgb = rgb_image()
    with KernelExplorer(rgb, kernel=name) as explorer:
        assert explorer.color and explorer.result.shape == (13, 17, 3)
        assert explorer.result.dtype == np.float32
        np.testing.assert_allclose(explorer.result, correlate(rgb, KERNELS[name]),
                                   rtol=1e-5, atol=1e-3)
        np.testing.assert_array_equal(explorer.kernel, KERNELS[name])
        assert explorer.preset_menu.value == name
        explorer.color = False  # the toggle: the luminance is filtered instead
        assert explorer.result.shape == (13, 17)
        np.testing.assert_allclose(explorer.result, correlate(luminance(rgb), KERNELS[name]),
                                   rtol=1e-5, atol=1e-3)
    gray = gray_image()
    with KernelExplorer(gray, kernel=name) as explorer:
        assert not explorer.color and explorer.color_buttons.disabled
        np.testing.assert_allclose(explorer.result, correlate(gray, KERNELS[name]),
                                   rtol=1e-5, atol=1e-6)


def test_valid_padding_and_a_single_channel_image():
    image = gray_image()[:, :, None]  # H×W×1 is gray too
    with KernelExplorer(image, kernel="top_sobel", padding="VALID") as explorer:
        assert explorer.result.shape == (9, 7)
        np.testing.assert_allclose(explorer.result,
                                   correlate(image[:, :, 0], KERNELS["top_sobel"], "valid"),
                                   rtol=1e-5, atol=1e-6)
        explorer.set_kernel("gaussian_blur")
        assert explorer.result.shape == (7, 5)


def test_the_kernel_is_not_flipped():
    # a lone 1 at the top-left of the kernel reads the pixel up-left of each output,
    # so the image moves down-right by one (a true convolution would move it up-left)
    image = np.zeros((7, 7))
    image[3, 3] = 1.0
    kernel = np.zeros((3, 3))
    kernel[0, 0] = 1.0
    with KernelExplorer(image, kernel=kernel) as explorer:
        assert np.argwhere(explorer.result).tolist() == [[4, 4]]


# -- editing --------------------------------------------------------------------------
def test_editing_a_box_changes_the_kernel_and_the_result():
    rgb = rgb_image()
    with KernelExplorer(rgb, kernel="identity") as explorer:
        assert len(explorer.boxes) == 9 and [b.value for b in explorer.boxes[3:6]] == [0, 1, 0]
        explorer.boxes[2].value = 0.5  # row 0, column 2 (the boxes go row by row)
        expected = np.pad([[1.0]], 1)
        expected[0, 2] = 0.5
        np.testing.assert_array_equal(explorer.kernel, expected)
        np.testing.assert_allclose(explorer.result, correlate(rgb, expected), rtol=1e-5,
                                   atol=1e-3)
        assert explorer.preset_menu.value == "(custom)"
        assert "sum 1.5" in explorer.kernel_title.value
        explorer.boxes[2].value = 0.0  # back to the identity: the menu says so
        assert explorer.preset_menu.value == "identity"
        np.testing.assert_allclose(explorer.result, rgb, atol=1e-4)
        explorer.preset_menu.value = "edge"  # choosing a preset fills the boxes
        assert [b.value for b in explorer.boxes] == [-1, -1, -1, -1, 8, -1, -1, -1, -1]
        np.testing.assert_allclose(explorer.result, correlate(rgb, KERNELS["edge"]),
                                   rtol=1e-5, atol=1e-3)


def test_set_kernel_takes_an_array_and_the_boxes_follow():
    with KernelExplorer(gray_image(), kernel="blur") as explorer:
        kernel = np.arange(9.0).reshape(3, 3) - 4
        explorer.set_kernel(kernel.tolist())
        np.testing.assert_array_equal(explorer.kernel, kernel)
        assert [b.value for b in explorer.boxes] == kernel.ravel().tolist()
        assert explorer.preset_menu.value == "(custom)"
        explorer.set_kernel(np.array(KERNELS["sharpen"], np.float64))
        assert explorer.preset_menu.value == "sharpen"
        returned = explorer.kernel
        returned[1, 1] = 100.0  # a copy: the widget keeps its kernel
        assert explorer.kernel[1, 1] == 5.0


def test_the_size_toggle_keeps_the_kernel_centred():
    rgb = rgb_image()
    with KernelExplorer(rgb, kernel="sharpen") as explorer:
        before = explorer.result
        explorer.size_buttons.value = 5  # 3×3 -> 5×5: a ring of zeros around it
        assert len(explorer.boxes) == 25 and "repeat(5" in explorer.grid.layout.\
            grid_template_columns
        np.testing.assert_array_equal(explorer.kernel, np.pad(KERNELS["sharpen"], 1))
        np.testing.assert_allclose(explorer.result, before, rtol=1e-6, atol=1e-4)
        assert explorer.preset_menu.value == "(custom)"
        explorer.boxes[0].value = 3.0  # a corner of the outer ring
        explorer.boxes[12].value = 6.0  # the centre
        ring = explorer.kernel
        explorer.size_buttons.value = 3  # 5×5 -> 3×3: the middle stays, the ring goes
        assert len(explorer.boxes) == 9
        np.testing.assert_array_equal(explorer.kernel, ring[1:4, 1:4])
        assert explorer.kernel[1, 1] == 6.0
        np.testing.assert_allclose(explorer.result, correlate(rgb, ring[1:4, 1:4]),
                                   rtol=1e-5, atol=1e-3)
        explorer.preset_menu.value = "gaussian_blur"  # a 5×5 preset switches the size
        assert explorer.size_buttons.value == 5 and len(explorer.boxes) == 25
        np.testing.assert_array_equal(explorer.kernel, KERNELS["gaussian_blur"])


def test_bad_kernels_and_images_give_clear_errors():
    with KernelExplorer(gray_image()) as explorer:
        for shape in [(4, 4), (3,), (3, 5), (3, 3, 3), (1, 1), (7, 7)]:
            with pytest.raises(ValueError, match="kernel must be 3×3 or 5×5, got shape"):
                explorer.set_kernel(np.ones(shape))
        with pytest.raises(ValueError, match="unknown kernel preset 'blurr'.*blur, "):
            explorer.set_kernel("blurr")
        with pytest.raises(ValueError, match="NaN or infinite"):
            explorer.set_kernel([[0, 0, 0], [0, np.nan, 0], [0, 0, 0]])
        with pytest.raises(ValueError, match="array of numbers"):
            explorer.set_kernel([["a", "b", "c"]] * 3)
        np.testing.assert_array_equal(explorer.kernel, KERNELS["blur"])  # left as it was
    with pytest.raises(ValueError, match="kernel must be 3×3 or 5×5"):
        KernelExplorer(gray_image(), kernel=np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"got shape \[8, 8, 4\] \(drop the alpha channel"):
        KernelExplorer(np.zeros((8, 8, 4)))
    with pytest.raises(ValueError, match="H×W \\(gray\\)"):
        KernelExplorer(np.zeros((2, 8, 8, 3)))
    with pytest.raises(ValueError, match="at least 5×5 pixels"):
        KernelExplorer(np.zeros((4, 30)))
    with pytest.raises(ValueError, match="color=True needs an H×W×3 image"):
        KernelExplorer(gray_image(), color=True)
    with pytest.raises(ValueError, match="padding must be 'SAME' or 'VALID'"):
        KernelExplorer(gray_image(), padding="same")
    with pytest.raises(ValueError, match="NaN or infinite"):
        KernelExplorer(np.full((6, 6), np.inf))


# -- display --------------------------------------------------------------------------
def test_renders_headless_and_says_when_values_were_clipped():
    rgb = rgb_image()
    with KernelExplorer(rgb, kernel="identity") as explorer:
        bundle = explorer._repr_mimebundle_()
        assert {"text/plain", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
        view = bundle["application/vnd.jupyter.widget-view+json"]
        assert view["model_id"] == explorer.widget.model_id
        for picture in (explorer.image_view, explorer.kernel_view, explorer.result_view):
            decode_png(picture.value).load()
        assert decode_png(explorer.result_view.value).mode == "RGBA"
        assert "nothing clipped" in explorer.status.value
        explorer.set_kernel("edge")  # negative and > 255 values: some are clipped
        result = correlate(rgb, KERNELS["edge"])
        share = 100.0 * np.mean((result < 0) | (result > 255))
        assert "clipped to [0, 255]" in explorer.status.value
        assert "%.1f%%" % share in explorer.status.value
        assert "depthwise_conv2d" in explorer.result_title.value
        explorer.color = False
        assert "conv2d" in explorer.result_title.value
        assert "grayscale" in explorer.image_title.value


def test_uses_its_own_graph_and_session_and_close_closes_only_it():
    x = tf.placeholder(tf.float32, [], name="x")
    learner_ops = len(tf.get_default_graph().get_operations())
    with tf.Session() as learner:
        explorer = KernelExplorer(rgb_image())
        assert len(tf.get_default_graph().get_operations()) == learner_ops
        assert explorer.session is not learner and explorer.graph is not learner.graph
        types = {op.type for op in explorer.graph.get_operations()}
        assert {"Conv2D", "DepthwiseConv2dNative"} <= types
        explorer.close()
        assert learner.run(x * 2.0, {x: 3.0}) == 6.0
        with pytest.raises(RuntimeError, match="closed"):
            explorer.session.run(explorer.graph.get_operations()[0].outputs[0])
        with pytest.raises(RuntimeError, match="KernelExplorer is closed"):
            explorer.set_kernel("blur")
        explorer.close()  # twice is fine


# -- a trained convnet ----------------------------------------------------------------
def tiny_convnet():
    """Two conv layers on 8×8 inputs given as [N, 64], with a feed that must be given."""
    rng = np.random.RandomState(7)
    w1 = rng.randn(3, 3, 1, 4).astype(np.float32)
    b1 = rng.randn(4).astype(np.float32)
    w2 = rng.randn(3, 3, 4, 6).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    scale = tf.placeholder(tf.float32, [], name="scale")  # like keep_prob: always fed
    image = tf.reshape(x, [-1, 8, 8, 1])
    filter1 = tf.Variable(w1, name="W1")
    conv1 = tf.nn.relu(tf.nn.conv2d(image, filter1, [1, 1, 1, 1], "SAME") + b1)
    filter2 = tf.Variable(w2, name="W2")
    conv2 = tf.nn.conv2d(conv1, filter2, [1, 2, 2, 1], "SAME") * scale
    images = rng.rand(5, 64).astype(np.float32)
    return dict(w1=w1, b1=b1, w2=w2, x=x, scale=scale, filter1=filter1, conv1=conv1,
                filter2=filter2, conv2=conv2, images=images)


def test_for_convnet_shows_the_variables_and_the_feature_maps():
    net = tiny_convnet()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    layers = [("conv1", net["filter1"], net["conv1"]), ("conv2", net["filter2"], net["conv2"])]
    explorer = KernelExplorer.for_convnet(sess, net["images"], net["x"], layers,
                                          feed_dict={net["scale"]: 2.0})
    assert isinstance(explorer, ConvnetExplorer) and explorer.layer_names == ["conv1", "conv2"]
    np.testing.assert_array_equal(explorer.filters("conv1"), net["w1"])
    np.testing.assert_array_equal(explorer.filters("conv2"), net["w2"])
    for index in (0, 3, -1):
        direct = sess.run(net["conv2"], {net["x"]: net["images"][[index]], net["scale"]: 2.0})
        np.testing.assert_array_equal(explorer.feature_maps("conv2", index), direct[0])
    maps = explorer.feature_maps("conv1", 2)  # and against the math
    digit = net["images"][2].reshape(8, 8)
    expected = np.stack([correlate(digit, net["w1"][:, :, 0, k]) for k in range(4)], axis=2)
    np.testing.assert_allclose(maps, np.maximum(expected + net["b1"], 0), rtol=1e-5,
                               atol=1e-5)
    assert maps.shape == (8, 8, 4) and explorer.feature_maps("conv2", 2).shape == (4, 4, 6)
    with pytest.raises(KeyError, match="no layer 'conv3'; the layers are: conv1, conv2"):
        explorer.filters("conv3")
    with pytest.raises(IndexError, match="input 5 is out of range for 5 images"):
        explorer.feature_maps("conv1", 5)
    explorer.close()
    assert sess.run(net["filter1"]).shape == (3, 3, 1, 4)  # the learner's session lives on
    sess.close()


def test_convnet_widget_draws_each_layer_and_says_which_filters():
    net = tiny_convnet()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        layers = {"conv1": (net["filter1"], net["conv1"]),
                  "conv2": (net["filter2"], net["conv2"])}
        explorer = KernelExplorer.for_convnet(sess, net["images"], net["x"], layers,
                                              feed_dict={net["scale"]: 1.0})
        assert "input channel 0 of 1" in explorer.filters_title.value
        assert explorer.channel_menu.disabled
        assert "4 feature maps</b> 8×8 of conv1" in explorer.maps_title.value
        digit = decode_png(explorer.digit_view.value)
        assert digit.size[0] >= 160 and digit.size[0] % 8 == 0  # 8 pixels, enlarged
        explorer.layer_menu.value = "conv2"
        assert "mean over the 4 input channels" in explorer.filters_title.value
        limit = np.abs(net["w2"].mean(axis=2)).max()
        assert "scale ±%.3g" % limit in explorer.filters_title.value
        assert "6 feature maps</b> 4×4 of conv2" in explorer.maps_title.value
        explorer.channel_menu.value = 2
        assert "input channel 2 of 4" in explorer.filters_title.value
        assert "scale ±%.3g" % np.abs(net["w2"][:, :, 2]).max() in explorer.filters_title.value
        maps_png = explorer.maps_view.value
        explorer.digit_slider.value = 4  # another input: other maps, one more sess.run
        assert explorer.maps_view.value != maps_png and "input 4" in explorer.digit_title.value
        bundle = explorer._repr_mimebundle_()
        assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == \
            explorer.widget.model_id
        for picture in (explorer.digit_view, explorer.filters_view, explorer.maps_view):
            decode_png(picture.value).load()
        explorer.close()
        assert sess.run(net["scale"] * 2.0, {net["scale"]: 1.5}) == 3.0


def test_for_convnet_rejects_inputs_it_cannot_feed_or_draw():
    net = tiny_convnet()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    layers = [("conv1", net["filter1"], net["conv1"])]
    feed = {net["scale"]: 1.0}
    with pytest.raises(ValueError, match="input_tensor has shape"):
        KernelExplorer.for_convnet(sess, net["images"].reshape(5, 8, 8), net["x"], layers)
    with pytest.raises(ValueError, match="input_tensor has shape"):
        KernelExplorer.for_convnet(sess, np.zeros((5, 49)), net["x"], layers)
    fixed = tf.placeholder(tf.float32, [4, 64])
    with pytest.raises(ValueError, match="batches of exactly 4"):
        KernelExplorer.for_convnet(sess, net["images"], fixed, layers)
    with pytest.raises(ValueError, match="filter must have rank 4"):
        KernelExplorer.for_convnet(sess, net["images"], net["x"],
                                   [("flat", tf.reshape(net["filter1"], [-1]), net["conv1"])])
    with pytest.raises(ValueError, match="must be a tensor or variable"):
        KernelExplorer.for_convnet(sess, net["images"], net["x"], [("c", "W1", net["conv1"])])
    with pytest.raises(ValueError, match="two layers are named 'c'"):
        KernelExplorer.for_convnet(sess, net["images"], net["x"],
                                   [("c", net["filter1"], net["conv1"])] * 2, feed)
    with pytest.raises(ValueError, match="cannot draw inputs of shape \\[63\\]"):
        z = tf.placeholder(tf.float32, [None, 63])
        KernelExplorer.for_convnet(sess, np.zeros((2, 63)), z, layers)
    sess.close()
