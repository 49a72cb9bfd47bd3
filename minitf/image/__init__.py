"""``tf.image``: decoding and encoding, resizing, dtype scaling, colour, flips and crops.

The ops live in ``minitf.ops.image_codec_ops`` (decode/encode),
``minitf.ops.image_resize_ops`` (resize) and ``minitf.ops.image_ops`` (the
functions built from other ops); ``random_crop`` is ``tf.random_crop``, as in TF.
"""
from minitf.ops.image_codec_ops import (decode_bmp, decode_gif, decode_image,  # noqa: F401
                                        decode_jpeg, decode_png, encode_jpeg, encode_png)
from minitf.ops.image_ops import (adjust_brightness, central_crop,  # noqa: F401
                                  convert_image_dtype, crop_to_bounding_box, flip_left_right,
                                  flip_up_down, grayscale_to_rgb, pad_to_bounding_box,
                                  per_image_standardization, random_brightness,
                                  random_flip_left_right, random_flip_up_down,
                                  resize_image_with_crop_or_pad, resize_with_crop_or_pad,
                                  rgb_to_grayscale, total_variation, transpose_image)
from minitf.ops.image_ops import transpose_image as transpose  # noqa: F401  (TF's alias)
from minitf.ops.image_resize_ops import (ResizeMethod, resize, resize_area,  # noqa: F401
                                         resize_bicubic, resize_bilinear, resize_images,
                                         resize_nearest_neighbor)
from minitf.ops.random_ops import random_crop  # noqa: F401
