"""Every registered op has a kernel, a shape function and a gradient decision,
and is exercised by a test table (or by a named dedicated test)."""
import importlib
import pathlib

import pytest

import minitf  # noqa: F401  (registers every op family)
from minitf.framework import op_registry

HERE = pathlib.Path(__file__).parent

# Ops whose behaviour is stateful or structural, so a forward-vs-numpy row does
# not fit; each is covered by the named test file, which must use the given API.
DEDICATED = {
    "Const": ("test_array_ops.py", "tf.constant"),
    "Placeholder": ("../framework/test_session.py", "tf.placeholder"),
    "PlaceholderWithDefault": ("../framework/test_session.py", "placeholder_with_default"),
    "VariableV2": ("../framework/test_session.py", "tf.Variable"),
    "Assign": ("../framework/test_session.py", ".assign("),
    "AssignAdd": ("../framework/test_session.py", ".assign_add("),
    "AssignSub": ("test_variables.py", ".assign_sub("),
    "IsVariableInitialized": ("../framework/test_session.py", "is_variable_initialized"),
    "ReportUninitialized": ("../framework/test_session.py", "report_uninitialized_variables"),
    "NoOp": ("test_control_flow_ops.py", "tf.group"),
    "If": ("test_control_flow_ops.py", "tf.cond"),
    "While": ("test_control_flow_ops.py", "tf.while_loop"),
    "WhileGrad": ("test_control_flow_ops.py", "tf.gradients(y, x)"),
    "LoopVar": ("test_control_flow_ops.py", "tf.while_loop"),
    "Assert": ("test_control_flow_ops.py", "tf.Assert"),
    "Print": ("test_control_flow_ops.py", "tf.Print"),
    "SumToShape": ("../framework/test_gradients.py", "test_broadcast_gradient"),
    "ReducedShape": ("test_math_ops.py", "Sum"),
    "ApplyGradientDescent": ("test_training_ops.py", "apply_gradient_descent("),
    "ApplyMomentum": ("test_training_ops.py", "apply_momentum("),
    "ApplyAdagrad": ("test_training_ops.py", "apply_adagrad("),
    "ApplyAdam": ("test_training_ops.py", "apply_adam("),
    "ApplyRMSProp": ("test_training_ops.py", "apply_rms_prop("),
    "ApplyCenteredRMSProp": ("test_training_ops.py", "apply_centered_rms_prop("),
    "ApplyAdadelta": ("test_training_ops.py", "apply_adadelta("),
    "ApplyProximalGradientDescent": ("test_training_ops.py", "apply_proximal_gradient_descent("),
    "ApplyProximalAdagrad": ("test_training_ops.py", "apply_proximal_adagrad("),
    "ScalarSummary": ("../summary/test_summary_ops.py", "tf.summary.scalar"),
    "HistogramSummary": ("../summary/test_summary_ops.py", "tf.summary.histogram"),
    "ImageSummary": ("../summary/test_summary_ops.py", "tf.summary.image"),
    "AudioSummaryV2": ("../summary/test_summary_ops.py", "tf.summary.audio"),
    "TensorSummaryV2": ("../summary/test_summary_ops.py", "tf.summary.text"),
    "MergeSummary": ("../summary/test_summary_ops.py", "tf.summary.merge"),
    # Ops only graphs written by real TF hold (imported by tf.import_graph_def).
    "BroadcastGradientArgs": ("../framework/test_importer.py", "BroadcastGradientArgs"),
    "PreventGradient": ("../framework/test_importer.py", "PreventGradient"),
    "SaveV2": ("../framework/test_importer.py", "save/SaveV2"),
    "RestoreV2": ("../framework/test_importer.py", "save/restore_all"),
}


def table_op_types():
    types = set()
    for path in sorted(HERE.glob("test_*.py")):
        mod = importlib.import_module("tests.ops." + path.stem)
        types.update(c.op_type for c in getattr(mod, "CASES", []))
    return types


def test_every_op_has_kernel_shape_and_gradient_decision():
    for name in op_registry.registered_types():
        opdef = op_registry.get(name)
        assert callable(opdef.kernel), name
        assert callable(opdef.shape_fn), name
        assert opdef.grad is op_registry.NO_GRADIENT or callable(opdef.grad), name


def test_every_op_is_in_a_table_or_a_dedicated_test():
    covered = table_op_types()
    missing = []
    for name in op_registry.registered_types():
        if name in covered:
            continue
        if name in DEDICATED:
            fname, needle = DEDICATED[name]
            text = (HERE / fname).read_text() if (HERE / fname).exists() else ""
            if needle in text:
                continue
        missing.append(name)
    assert not missing, "ops without a test row: %s" % ", ".join(missing)


def test_registering_twice_or_without_gradient_decision_fails():
    with pytest.raises(KeyError):
        op_registry.register("Add", lambda ctx: None, lambda op: [], op_registry.NO_GRADIENT)
    with pytest.raises(ValueError):
        op_registry.register("BrandNewOp", lambda ctx: None, lambda op: [], None)
