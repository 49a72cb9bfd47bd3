"""Session options as TF 1.x's protos spell them: ``ConfigProto``, ``RunOptions``...

Only the fields a CPU-only engine can honour do anything; the rest are accepted
so that TF 1.x scripts construct them unchanged.
"""
import collections

DeviceAttributes = collections.namedtuple("_DeviceAttributes", ["name", "device_type"])


class GPUOptions:
    def __init__(self, allow_growth=False, per_process_gpu_memory_fraction=1.0, **unused):
        self.allow_growth = allow_growth
        self.per_process_gpu_memory_fraction = per_process_gpu_memory_fraction


class OptimizerOptions:
    """``opt_level=L0`` turns off constant folding, as in TF (for debugging)."""

    L1, L0 = 0, -1
    DEFAULT = L1

    def __init__(self, opt_level=L1, do_constant_folding=True, **unused):
        self.opt_level = opt_level
        self.do_constant_folding = do_constant_folding


class GraphOptions:
    def __init__(self, optimizer_options=None, **unused):
        self.optimizer_options = optimizer_options or OptimizerOptions()


class ConfigProto:
    """Session options; only the fields a CPU-only engine can honour matter."""

    def __init__(self, allow_soft_placement=False, log_device_placement=False,
                 inter_op_parallelism_threads=0, intra_op_parallelism_threads=0,
                 gpu_options=None, device_count=None, graph_options=None,
                 operation_timeout_in_ms=0, **unused):
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.gpu_options = gpu_options or GPUOptions()
        self.device_count = device_count or {}
        self.graph_options = graph_options or GraphOptions()
        # The deadline of every blocking op of the session's runs, unless a run's
        # RunOptions.timeout_in_ms sets its own (0: wait for ever).
        self.operation_timeout_in_ms = operation_timeout_in_ms

    @property
    def constant_folding(self):
        opts = self.graph_options.optimizer_options
        return opts.opt_level != OptimizerOptions.L0 and opts.do_constant_folding


class RunOptions:
    """Per-run options; ``timeout_in_ms`` > 0 makes a run whose blocked op waits longer
    than that raise ``DeadlineExceededError`` (the session stays usable)."""

    FULL_TRACE, NO_TRACE = 3, 0

    def __init__(self, trace_level=0, timeout_in_ms=0, **unused):
        self.trace_level = trace_level
        self.timeout_in_ms = timeout_in_ms


class RunMetadata:
    def __init__(self):
        self.step_stats = None
