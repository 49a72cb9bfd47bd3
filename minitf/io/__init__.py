"""``tf.io``: TFRecord files, the Example protos' parsing ops and their feature specs.

The file formats live in this package (`tfrecord`, `bundle`, `example`); the parsing ops
are graph ops from `minitf.ops.parsing_ops`, re-exported here under their ``tf.io`` names.
"""
from minitf.io.tfrecord import (TFRecordCompressionType, TFRecordOptions,  # noqa: F401
                                TFRecordWriter, tf_record_iterator)
from minitf.ops.parsing_ops import (FixedLenFeature, FixedLenSequenceFeature,  # noqa: F401
                                    VarLenFeature, parse_example, parse_single_example,
                                    parse_single_sequence_example)
from minitf.ops.io_ops import matching_files, read_file, write_file  # noqa: F401,E402
from minitf.ops.string_parsing_ops import decode_csv, decode_raw  # noqa: F401,E402
