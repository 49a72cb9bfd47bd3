"""The table of op types: kernel, shape function and gradient for each.

Every op family module registers its ops here once, by explicit calls at
module level.  The executor and the gradient driver look ops up by type.
"""


class _NoGradient:
    """Marks an op type as explicitly not differentiable."""

    def __repr__(self):
        return "NO_GRADIENT"


NO_GRADIENT = _NoGradient()


class _AllInputs:
    """``ref_inputs`` value for ops whose every input names a variable."""

    def __contains__(self, index):
        return True


ALL_INPUTS = _AllInputs()


class OpDef:
    """What the runtime knows about one op type.

    Attributes:
        type: TF's CamelCase op type, e.g. ``"MatMul"``.
        kernel: ``kernel(ctx, *input_arrays) -> array`` (or a tuple for several
            outputs); ``ctx`` carries ``op``, ``attrs`` and the session state.
        shape_fn: ``shape_fn(op) -> [TensorShape, ...]``, one per output; raises
            ValueError for inputs that cannot fit.
        grad: ``grad(op, *out_grads) -> [Tensor or None, ...]`` per input, built from
            graph ops; or ``NO_GRADIENT``.
        ref_inputs: indices of inputs that name a variable instead of passing its
            value (the executor neither reads nor waits on them).
        stateful: the op has effects or randomness, so it is never folded or merged.
        reread: the op reads mutable state (a variable); the executor runs it
            again right before each consumer, so a consumer sees assignments
            that its control dependencies made earlier in the same run.
        forwards: the op passes input 0 through unchanged (Identity), so a
            re-read variable is re-read through it too, as TF 1.x's reference
            semantics make ``identity(v)`` see the variable's current value.
        contexts: for a control-flow owner (If, While), the name of the attr that
            lists the ``ControlFlowContext`` bodies it runs; the executor makes the
            op wait for what those bodies capture.  None for other ops.
        shape_only: the kernel reads only its inputs' shapes and dtypes (Shape,
            ZerosLike), so its value is known once those shapes are.
        num_args: the name of the attr that says how many leading inputs the
            kernel takes as arguments (the rest are captures the bodies read from
            the run's values); None passes every input.
        sparse_grad: the gradient rule takes an ``IndexedSlices`` output gradient
            as it is (Identity passes it on); other rules get it densified.
    """

    __slots__ = ("type", "kernel", "shape_fn", "grad", "ref_inputs", "stateful", "reread",
                 "forwards", "contexts", "num_args", "shape_only", "sparse_grad")

    def __init__(self, op_type, kernel, shape_fn, grad, ref_inputs, stateful, reread=False,
                 forwards=False, contexts=None, num_args=None, shape_only=False,
                 sparse_grad=False):
        self.type = op_type
        self.kernel = kernel
        self.shape_fn = shape_fn
        self.grad = grad
        self.ref_inputs = ref_inputs
        self.stateful = stateful
        self.reread = reread
        self.forwards = forwards
        self.contexts = contexts
        self.num_args = num_args
        self.shape_only = shape_only
        self.sparse_grad = sparse_grad

    def owned_contexts(self, op):
        """The control-flow bodies ``op`` runs (empty for ordinary ops)."""
        return op._attrs[self.contexts] if self.contexts else ()

    def kernel_inputs(self, op):
        """The inputs passed to the kernel as arguments, ref inputs excluded."""
        inputs = op._inputs if self.num_args is None else op._inputs[:op._attrs[self.num_args]]
        return tuple(t for i, t in enumerate(inputs) if i not in self.ref_inputs)


_REGISTRY = {}


def register(op_type, kernel, shape, grad, ref_inputs=(), stateful=False, reread=False,
             forwards=False, contexts=None, num_args=None, shape_only=False, sparse_grad=False):
    """Register op type ``op_type``; ``grad`` is a function or ``NO_GRADIENT``."""
    if op_type in _REGISTRY:
        raise KeyError("Op type '%s' is registered twice." % op_type)
    if grad is None:
        raise ValueError("Op '%s': pass a gradient function or NO_GRADIENT." % op_type)
    if not isinstance(ref_inputs, _AllInputs):
        ref_inputs = tuple(ref_inputs)
    _REGISTRY[op_type] = OpDef(op_type, kernel, shape, grad, ref_inputs, stateful, reread,
                               forwards, contexts, num_args, shape_only, sparse_grad)


def get(op_type):
    try:
        return _REGISTRY[op_type]
    except KeyError:
        raise LookupError("No op registered for type '%s'." % op_type) from None


def registered_types():
    return sorted(_REGISTRY)
