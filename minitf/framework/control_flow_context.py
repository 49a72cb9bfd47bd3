"""Bodies of ``cond`` branches and ``while_loop`` iterations.

Ops built inside a branch or loop body belong to a ``ControlFlowContext``.
The executor does not schedule them with the rest of the graph: the op that
owns the context (an ``If`` or ``While``) runs them on demand, so only the
branch taken executes.  Tensors a body reads from outside are its
*captures*; the owner op waits for them before it runs.
"""


class ControlFlowContext:
    """A set of ops run lazily by their owner op.

    Attributes:
        parent: the enclosing context, or None at the top level.
        ops: ops created in this context, in creation order.
        captures: tensors from outside that ops in here read.
        control_captures: ops from outside that ops in here wait for.
        owner: the op that runs this context (set once it exists).
        inputs: tensors made in here whose values the owner sets before each
            run of the context (a loop's variables), so they are never computed.
    """

    def __init__(self, parent, name):
        self.parent = parent
        self.name = name
        self.ops = []
        self.captures = []
        self.control_captures = []
        self.owner = None
        self.inputs = []

    def encloses(self, ctx):
        """True if ``ctx`` is this context or nested inside it."""
        while ctx is not None:
            if ctx is self:
                return True
            ctx = ctx.parent
        return False

    def add_op(self, op):
        self.ops.append(op)
        for t in op._inputs:
            if not self.encloses(t.op._ctx):
                self._capture(t)
        for c in op._control_inputs:
            if not self.encloses(c._ctx) and c not in self.control_captures:
                self.control_captures.append(c)
                if self.parent is not None and not self.parent.encloses(c._ctx):
                    self.parent.control_captures.append(c)

    def remove_op(self, op):
        self.ops.remove(op)

    def _capture(self, t):
        if t not in self.captures:
            self.captures.append(t)
            if self.parent is not None and not self.parent.encloses(t.op._ctx):
                self.parent._capture(t)

    def __repr__(self):
        return "<ControlFlowContext %s>" % self.name


def producer_in(op, ctx):
    """The op that must run, in a plan for ``ctx``, to give ``op``'s outputs.

    That is ``op`` itself when it lives in ``ctx``; the owner of the child
    context of ``ctx`` that contains it when it is nested deeper; or None when
    ``op`` lives outside ``ctx`` (its values come from the enclosing run).
    """
    c = op._ctx
    if c is ctx:
        return op
    while c is not None and c.parent is not ctx:
        c = c.parent
    return None if c is None else c.owner
