"""The global step: an int64 scalar variable named ``global_step`` counting training steps.

It lives in the ``GLOBAL_STEP`` and ``GLOBAL_VARIABLES`` collections and is not
trainable.  Pass it to ``Optimizer.minimize(loss, global_step=...)`` to have each
train step increment it, and to learning-rate schedules to decay with it.
"""
from minitf.framework import dtypes
from minitf.framework.graph import GraphKeys, Tensor, get_default_graph

__all__ = ["assert_global_step", "create_global_step", "get_global_step",
           "get_or_create_global_step", "global_step"]


def global_step(sess, global_step_tensor):
    """The current value of ``global_step_tensor`` in ``sess``, as a Python int.

    Example:
        >>> gs = tf.train.get_or_create_global_step()
        >>> sess.run(tf.global_variables_initializer())
        >>> tf.train.global_step(sess, gs)   # 0
    """
    return int(sess.run(global_step_tensor))


def get_global_step(graph=None):
    """The global step of ``graph`` (default graph): the one variable in the
    ``GLOBAL_STEP`` collection, else the tensor ``global_step:0``, else None."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) == 1:
        step = found[0]
    elif not found:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except (KeyError, ValueError):
            return None
    else:  # TF logs "Multiple tensors in global_step collection." and gives up
        return None
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """Create the global step variable (``global_step``, int64, starting at 0).

    Raises:
        ValueError: if the graph already has one.
    """
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    from minitf.ops import init_ops, variable_scope
    with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None), \
            graph._in_context(None):
        return variable_scope.get_variable(
            GraphKeys.GLOBAL_STEP, shape=[], dtype=dtypes.int64,
            initializer=init_ops.zeros_initializer(), trainable=False,
            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The graph's global step, created first if it does not exist yet.

    Example:
        >>> gs = tf.train.get_or_create_global_step()
        >>> train_op = tf.train.AdamOptimizer().minimize(loss, global_step=gs)
    """
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step


def assert_global_step(global_step_tensor):
    """Raise TypeError unless ``global_step_tensor`` is a scalar integer Variable/Tensor."""
    from minitf.ops.variables import Variable
    if not isinstance(global_step_tensor, (Variable, Tensor)):
        raise TypeError('Existing "global_step" must be a Variable or Tensor: %s.'
                        % global_step_tensor)
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: %s'
                        % global_step_tensor.dtype.name)
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError('Existing "global_step" is not scalar: %s' % shape)
