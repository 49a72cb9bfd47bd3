"""``tf.data``: input pipelines built from datasets and read through iterators."""
from minitf.data.dataset_ops import (AUTOTUNE, Dataset, FixedLengthRecordDataset,  # noqa: F401
                                     TextLineDataset, TFRecordDataset)
from minitf.data.iterator_ops import (Iterator, make_initializable_iterator,  # noqa: F401
                                      make_one_shot_iterator)
from minitf.data import experimental  # noqa: F401,E402
