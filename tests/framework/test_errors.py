"""Errors carry TF's class and code, name the op, and point at the user's code."""
import nbformat
import pytest

import minitf as tf
from minitf.framework import errors


def test_error_classes_and_codes_match_tf():
    assert tf.errors.InvalidArgumentError(None, None, "m").error_code == 3
    assert tf.errors.FailedPreconditionError(None, None, "m").error_code == 9
    assert tf.errors.OutOfRangeError(None, None, "m").error_code == 11
    assert tf.errors.DataLossError(None, None, "m").error_code == 15
    assert issubclass(tf.errors.NotFoundError, tf.errors.OpError)


def test_message_names_op_type_and_creation_line():
    tf.reset_default_graph()
    x = tf.placeholder(tf.int32, [], name="count")
    line = x.op.traceback[1]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(x)
    text = str(e.value)
    assert "[[node count (Placeholder) defined at" in text
    assert "test_errors.py:%d" % line in text
    assert e.value.message.startswith("You must feed a value")


def test_format_location_outside_notebook():
    assert errors.format_location(("/a/b.py", 7, "f")) == "/a/b.py:7"


@pytest.mark.notebooks
def test_error_in_notebook_points_at_cell():
    import nbclient
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import minitf as tf\n\nx = tf.placeholder(tf.float32)"),
        nbformat.v4.new_code_cell("tf.Session().run(x + 1.0)"),
    ]
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     allow_errors=True)
    client.execute()
    err = [o for o in nb.cells[1].outputs if o.output_type == "error"][0]
    assert err.ename == "InvalidArgumentError"
    assert "notebook cell In[1], line 3" in err.evalue
