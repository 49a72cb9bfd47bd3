"""Graph construction: names, scopes, collections, devices, default graph."""
import numpy as np
import pytest

import minitf as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def test_tensor_names_follow_scope_and_index():
    with tf.name_scope("layer1"):
        a = tf.constant(1.0, name="a")
        b = tf.constant(2.0, name="a")
    assert a.name == "layer1/a:0"
    assert b.name == "layer1/a_1:0"
    assert a.op.name == "layer1/a"
    assert a.graph is tf.get_default_graph()


def test_name_scope_reentry_gets_unique_suffix_and_trailing_slash_reuses():
    with tf.name_scope("s") as s1:
        pass
    with tf.name_scope("s") as s2:
        x = tf.constant(0, name="x")
    with tf.name_scope(s1):
        y = tf.constant(0, name="y")
    assert (s1, s2) == ("s/", "s_1/")
    assert x.op.name == "s_1/x"
    assert y.op.name == "s/y"


def test_operator_ops_get_tf1_lowercase_names():
    x = tf.placeholder(tf.float32, name="x")
    assert (x + 1.0).op.name == "add"
    assert (x * 2.0).op.name == "mul"
    assert (x - 2.0).op.name == "sub"
    # Names are unique ignoring case, as in TF: "Add" collides with "add".
    assert tf.add(x, 1.0).op.name == "Add_1"
    assert tf.add(x, 1.0, name="plus").op.inputs[1].op.name == "plus/y"


def test_python_operands_of_typed_ops_are_named_inside_the_op():
    # TF converts an op's Python operands inside its name scope, so a learner's own
    # later op named "y" keeps its name.
    x = tf.placeholder(tf.float32, name="x")
    assert (x < -1.0).op.inputs[1].op.name == "Less/y"
    assert tf.maximum(x, 0.0).op.inputs[1].op.name == "Maximum/y"
    assert tf.identity(x, name="y").op.name == "y"


def test_default_graph_stack_and_reset():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1)
        assert tf.get_default_graph() is g
    assert c.graph is g
    outer = tf.get_default_graph()
    tf.reset_default_graph()
    assert tf.get_default_graph() is not outer


def test_reset_inside_nested_graph_raises():
    with tf.Graph().as_default():
        with pytest.raises(AssertionError):
            tf.reset_default_graph()


def test_mixing_graphs_raises_value_error():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0)
    with g2.as_default():
        b = tf.constant(2.0)
        with pytest.raises(ValueError, match="must be from the same graph"):
            tf.add(a, b)


def test_static_shape_error_at_build_time_names_op_and_line():
    a = tf.ones([2, 3])
    b = tf.ones([4, 5])
    with pytest.raises(ValueError) as e:
        tf.matmul(a, b, name="mm")
    msg = str(e.value)
    assert "Dimensions must be equal, but are 3 and 4" in msg
    assert "'mm'" in msg and "MatMul" in msg and "[2,3], [4,5]" in msg
    assert "test_graph.py" in msg


def test_broadcast_shape_error():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 4"):
        tf.ones([2, 3]) + tf.ones([4])


def test_partial_static_shapes_propagate():
    x = tf.placeholder(tf.float32, [None, 784])
    w = tf.zeros([784, 10])
    y = tf.matmul(x, w) + tf.zeros([10])
    assert y.shape.as_list() == [None, 10]
    assert y.get_shape()[1].value == 10
    assert tf.reduce_sum(y, axis=1).shape.as_list() == [None]


def test_collections():
    tf.add_to_collection("things", 1)
    tf.add_to_collections(["a", "b"], 2)
    g = tf.get_default_graph()
    assert g.get_collection("things") == [1]
    assert g.get_collection("a") == g.get_collection("b") == [2]
    tf.get_collection_ref("things").append(3)
    assert tf.get_collection("things") == [1, 3]
    v = tf.Variable(1.0, name="v")
    w = tf.Variable(1.0, name="w", trainable=False)
    assert tf.global_variables() == [v, w]
    assert tf.trainable_variables() == [v]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="w") == [w]


def test_control_dependencies_recorded_and_cleared():
    a = tf.constant(1.0, name="a")
    with tf.control_dependencies([a]):
        b = tf.constant(2.0, name="b")
        with tf.control_dependencies(None):
            c = tf.constant(3.0, name="c")
    assert b.op.control_inputs == [a.op]
    assert c.op.control_inputs == []


def test_device_recorded_in_canonical_form():
    with tf.device("/gpu:0"):
        a = tf.constant(1.0)
    with tf.device("/cpu:0"):
        b = tf.constant(1.0)
    assert a.op.device == "/device:GPU:0"
    assert b.device == "/device:CPU:0"


def test_feedable_and_prevent_feeding():
    g = tf.get_default_graph()
    x = tf.constant(1.0)
    assert g.is_feedable(x)
    g.prevent_feeding(x)
    assert not g.is_feedable(x)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="may not be fed"):
            sess.run(x + 1.0, {x: 2.0})


def test_graph_lookup_by_name():
    x = tf.placeholder(tf.float32, name="input")
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("input:0") is x
    assert g.get_operation_by_name("input") is x.op
    with pytest.raises(KeyError):
        g.get_tensor_by_name("nothing:0")
    with pytest.raises(ValueError):
        g.get_tensor_by_name("input")


def test_as_graph_def_lists_nodes_inputs_and_control_inputs():
    a = tf.constant(1.0, name="a")
    with tf.control_dependencies([a]):
        b = tf.add(a, a, name="b")
    gd = tf.get_default_graph().as_graph_def()
    nodes = {n.name: n for n in gd.node}
    assert nodes["b"].op == "Add"
    assert list(nodes["b"].input) == ["a", "a"]
    with tf.control_dependencies([b]):
        c = tf.identity(b, name="c")
    assert c.op.control_inputs == []  # b is already a data input
    text = str(tf.get_default_graph().as_graph_def())
    assert 'name: "b"' in text and 'op: "Add"' in text


def test_tensor_is_not_iterable_nor_bool():
    x = tf.constant([1, 2, 3])
    with pytest.raises(TypeError, match="not allowed|only iterable"):
        iter(x)
    with pytest.raises(TypeError, match="not allowed"):
        bool(x)


def test_finalized_graph_rejects_new_ops():
    g = tf.Graph()
    with g.as_default():
        tf.constant(1)
        g.finalize()
        with pytest.raises(RuntimeError, match="finalized"):
            tf.constant(2)


def test_numpy_operand_on_left_defers_to_tensor():
    x = tf.constant([1.0, 2.0])
    y = np.array([1.0, 1.0], np.float32) + x
    assert isinstance(y, tf.Tensor)


def test_default_graph_and_session_are_per_thread_as_in_tf():
    import threading

    import minitf as tf
    g, seen = tf.Graph(), {}
    entered, leave = threading.Event(), threading.Event()

    def other():
        with g.as_default(), tf.Session(graph=g).as_default() as sess:
            seen["sess"] = sess
            entered.set()
            leave.wait(10)

    t = threading.Thread(target=other)
    t.start()
    assert entered.wait(10)
    try:  # the other thread's graph and session are not this thread's defaults
        assert tf.get_default_graph() is not g
        assert tf.get_default_session() is None
        with g.as_default():
            assert tf.get_default_graph() is g
    finally:
        leave.set()
        t.join(10)
    seen["sess"].close()
    assert tf.get_default_graph() is not g
