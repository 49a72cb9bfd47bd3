"""``tf.python_io``: TFRecord files."""
from minitf.io.tfrecord import (TFRecordCompressionType, TFRecordOptions,  # noqa: F401
                                TFRecordWriter, tf_record_iterator)
