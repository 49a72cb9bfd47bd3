"""Every registered op has a kernel, a shape function and a gradient decision;
every op runs in a passing check, and every differentiable op passes float64
numerical gradient checks of first and second order.

Coverage is what executes, not what a test file mentions: the test runs every
op table (``CASES`` of the ``tests/ops/test_*.py`` modules) through the
checkers with a ``Coverage`` recorder, then the dedicated tests of the stateful
and structural ops below with every kernel wrapped, so it gives the same answer
alone and inside the whole suite.
"""
import importlib
import inspect
import pathlib

import pytest

import minitf as tf
from minitf.framework import op_registry
from tests.ops.optest import FIRST_ORDER_ONLY, Coverage, check_forward, check_gradient
from tests.util import OpRecorder

HERE = pathlib.Path(__file__).parent

# Ops whose behaviour is stateful or structural, so a forward-vs-numpy row does not
# fit: the dedicated test (module, function) that runs each.  A parametrized test
# runs with its first parameters.
DEDICATED = {
    "Placeholder": ("tests.framework.test_session",
                    "test_unfed_placeholder_error_names_op_and_location"),
    "VariableV2": ("tests.framework.test_session",
                   "test_assign_creates_op_that_only_acts_when_run"),
    "Assign": ("tests.framework.test_session", "test_assign_creates_op_that_only_acts_when_run"),
    "AssignAdd": ("tests.ops.test_variables", "test_assign_add_and_sub_return_new_value"),
    "AssignSub": ("tests.ops.test_variables", "test_assign_add_and_sub_return_new_value"),
    "IsVariableInitialized": ("tests.framework.test_session",
                              "test_report_uninitialized_and_is_initialized"),
    "ReportUninitialized": ("tests.framework.test_session",
                            "test_report_uninitialized_and_is_initialized"),
    "ScalarSummary": ("tests.summary.test_summary_ops",
                      "test_merge_concatenates_values_and_rejects_duplicate_tags"),
    "HistogramSummary": ("tests.summary.test_summary_ops", "test_histogram_matches_numpy"),
    "MergeSummary": ("tests.summary.test_summary_ops",
                     "test_merge_concatenates_values_and_rejects_duplicate_tags"),
    "ImageSummary": ("tests.summary.test_summary_ops", "test_image_uint8_round_trips"),
    "AudioSummaryV2": ("tests.summary.test_summary_ops", "test_audio_is_wav"),
    "TensorSummaryV2": ("tests.summary.test_summary_ops",
                        "test_text_round_trips_strings_and_tables"),
    "SaveV2": ("tests.framework.test_importer",
               "test_save_v2_writes_the_savers_bytes_and_restore_v2_reads_them"),
    "RestoreV2": ("tests.framework.test_importer",
                  "test_save_v2_writes_the_savers_bytes_and_restore_v2_reads_them"),
}
DEDICATED.update({t: ("tests.ops.test_scatter_ops",
                      "test_scatter_matches_numpy_with_repeated_indices")
                  for t in ("ScatterUpdate", "ScatterAdd", "ScatterSub", "ScatterMul",
                            "ScatterDiv", "ScatterMin", "ScatterMax")})
DEDICATED.update({t: ("tests.ops.test_scatter_ops", "test_sparse_apply_matches_row_by_row_formula")
                  for t in ("SparseApplyMomentum", "SparseApplyAdagrad", "SparseApplyRMSProp",
                            "SparseApplyCenteredRMSProp")})
DEDICATED.update({
    "UniformCandidateSampler": ("tests.ops.test_candidate_sampling",
                                "test_unique_without_a_rejection_uses_p_times_num_sampled"),
    "LogUniformCandidateSampler": ("tests.ops.test_candidate_sampling",
                                   "test_op_seed_repeats_per_session_and_moves_on_per_run"),
    "LearnedUnigramCandidateSampler": (
        "tests.ops.test_candidate_sampling",
        "test_learned_unigram_counts_the_true_classes_of_each_run"),
    "FixedUnigramCandidateSampler": ("tests.ops.test_candidate_sampling",
                                     "test_fixed_unigram_with_distortion_and_reserved_ids"),
    "AllCandidateSampler": ("tests.ops.test_candidate_sampling",
                            "test_all_candidate_sampler_lists_every_id_once"),
    "ComputeAccidentalHits": ("tests.ops.test_candidate_sampling",
                              "test_accidental_hits_match_brute_force"),
})
DEDICATED.update({
    "EncodePng": ("tests.ops.test_image_ops", "test_png_round_trips_both_ways_with_pillow"),
    "DecodePng": ("tests.ops.test_image_ops", "test_png_round_trips_both_ways_with_pillow"),
    "EncodeJpeg": ("tests.ops.test_image_ops",
                   "test_jpeg_decodes_as_pillow_and_encodes_within_tolerance"),
    "DecodeJpeg": ("tests.ops.test_image_ops",
                   "test_jpeg_decodes_as_pillow_and_encodes_within_tolerance"),
    "DecodeGif": ("tests.ops.test_image_ops", "test_gif_frames_and_the_single_frame_rule"),
    "DecodeBmp": ("tests.ops.test_image_ops", "test_bmp_decodes_pillows_24_and_32_bit_files"),
    "DecodeImage": ("tests.ops.test_image_ops",
                    "test_decode_image_dispatches_on_the_leading_bytes"),
})
DEDICATED.update({t: ("tests.ops.test_queue_ops", "test_fifo_queue_keeps_order_through_every_op")
                  for t in ("FIFOQueueV2", "QueueEnqueueV2", "QueueEnqueueManyV2",
                            "QueueDequeueV2", "QueueDequeueManyV2", "QueueDequeueUpToV2",
                            "QueueCloseV2", "QueueSizeV2", "QueueIsClosedV2")})
DEDICATED.update({
    "PaddingFIFOQueueV2": ("tests.ops.test_queue_ops",
                           "test_padding_fifo_queue_pads_each_batch_to_its_largest_element"),
    "RandomShuffleQueueV2": ("tests.ops.test_queue_ops",
                             "test_random_shuffle_queue_with_a_seed_repeats_tfs_order"),
    "PriorityQueueV2": ("tests.ops.test_queue_ops",
                        "test_priority_queue_dequeues_lowest_priority_first"),
})
DEDICATED.update({
    "ParseExample": ("tests.ops.test_parsing_ops",
                     "test_parse_example_batch_dense_sparse_and_padding"),
    "ParseSingleExample": ("tests.ops.test_parsing_ops",
                           "test_parse_single_example_fixed_default_varlen_and_sequence"),
    "ParseSingleSequenceExample": ("tests.ops.test_parsing_ops",
                                   "test_parse_single_sequence_example_context_and_lists"),
})
DEDICATED.update({
    "TextLineReaderV2": ("tests.ops.test_io_ops",
                         "test_text_line_reader_skips_headers_and_keys_lines_from_one"),
    "ReaderReadV2": ("tests.ops.test_io_ops",
                     "test_text_line_reader_skips_headers_and_keys_lines_from_one"),
    "ReaderNumRecordsProducedV2": ("tests.ops.test_io_ops",
                                   "test_text_line_reader_skips_headers_and_keys_lines_from_one"),
    "ReaderNumWorkUnitsCompletedV2": (
        "tests.ops.test_io_ops", "test_text_line_reader_skips_headers_and_keys_lines_from_one"),
    "ReaderReadUpToV2": ("tests.ops.test_io_ops",
                         "test_read_up_to_returns_fewer_only_where_a_file_ends"),
    "FixedLengthRecordReaderV2": (
        "tests.ops.test_io_ops",
        "test_fixed_length_reader_skips_header_and_footer_and_drops_a_partial_record"),
    "WholeFileReaderV2": ("tests.ops.test_io_ops",
                          "test_whole_file_reader_gives_each_file_once_and_serializes_its_state"),
    "TFRecordReaderV2": ("tests.ops.test_io_ops",
                         "test_tfrecord_reader_keys_records_by_their_byte_offset"),
    "IdentityReaderV2": ("tests.ops.test_io_ops",
                         "test_identity_reader_state_is_tfs_reader_base_state_proto"),
    "ReaderSerializeStateV2": ("tests.ops.test_io_ops",
                               "test_identity_reader_state_is_tfs_reader_base_state_proto"),
    "ReaderRestoreStateV2": ("tests.ops.test_io_ops",
                             "test_identity_reader_state_is_tfs_reader_base_state_proto"),
    "ReaderResetV2": ("tests.ops.test_io_ops",
                      "test_identity_reader_state_is_tfs_reader_base_state_proto"),
    "ReadFile": ("tests.ops.test_io_ops",
                 "test_read_file_and_write_file_round_trip_and_report_tfs_errors"),
    "WriteFile": ("tests.ops.test_io_ops",
                  "test_read_file_and_write_file_round_trip_and_report_tfs_errors"),
    "MatchingFiles": ("tests.ops.test_io_ops",
                      "test_matching_files_lists_sorted_matches_of_every_pattern"),
    "CountUpTo": ("tests.ops.test_io_ops",
                  "test_count_up_to_counts_until_its_limit_then_is_out_of_range"),
    "DecodeCSV": ("tests.ops.test_io_ops",
                  "test_decode_csv_keeps_the_records_shape_and_checks_its_defaults_statically"),
    "DecodeRaw": ("tests.ops.test_io_ops", "test_decode_raw_reads_the_bytes_as_numpy_does"),
    "StringToNumber": ("tests.ops.test_io_ops",
                       "test_string_to_number_parses_as_tf_and_names_the_bad_string"),
})
DEDICATED.update({
    "IteratorV2": ("tests.data.test_dataset",
                   "test_get_next_before_initialization_and_after_the_end"),
    "MakeIterator": ("tests.data.test_dataset",
                     "test_get_next_before_initialization_and_after_the_end"),
    "IteratorGetNext": ("tests.data.test_dataset",
                        "test_get_next_before_initialization_and_after_the_end"),
    "OneShotIterator": ("tests.data.test_dataset",
                        "test_map_filter_and_flat_map_functions_receive_tensors"),
})
DEDICATED.update({t: ("tests.ops.test_string_ops", f) for t, f in (
    ("StringJoin", "test_string_join_broadcasts_scalars"),
    ("AsString", "test_as_string_formats_as_printf"),
    ("RegexReplace", "test_regex_replace_all_or_first_with_groups"),
    ("Substr", "test_substr_counts_negative_positions_from_the_end_and_checks_them"),
    ("StringSplit", "test_string_split_splits_at_each_delimiter_character"),
    ("StringSplitV2", "test_strings_split_follows_str_split"),
    ("ReduceJoin", "test_reduce_join_along_axes"),
    ("StringLength", "test_length_and_strip"),
    ("StringStrip", "test_length_and_strip"))})
DEDICATED.update({
    "SerializeSparse": ("tests.ops.test_sparse_ops",
                        "test_serialize_sparse_writes_tfs_three_tensor_protos"),
    "SerializeManySparse": ("tests.ops.test_sparse_ops",
                            "test_serialize_sparse_writes_tfs_three_tensor_protos"),
    "TensorArrayCloseV3": ("tests.ops.test_tensor_array",
                           "test_write_read_stack_size_and_close"),
    "GRUSequenceGrad": ("tests.ops.test_rnn",
                        "test_fused_gru_equals_the_while_loop_in_values_and_gradients"),
    "TensorArrayGradV3": ("tests.ops.test_tensor_array",
                          "test_gradient_of_two_reads_of_one_element_adds_up"),
    "DeserializeManySparse": ("tests.ops.test_sparse_ops",
                              "test_deserialize_many_sparse_stacks_rows_and_takes_the_largest_"
                              "shape"),
})
# The Apply* ops: each row of the training-op table, run through its checker.
APPLY_TABLE = ("tests.ops.test_training_ops", "UPDATES", "test_update_matches_formula")

# Ops declared not differentiable (NO_GRADIENT), listed so that a gradient lost
# or gained is a deliberate change of this list.
NOT_DIFFERENTIABLE = {
    # comparisons, logic, predicates and piecewise-constant rounding
    "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
    "LogicalOr", "LogicalNot", "IsFinite", "IsInf", "IsNan", "Floor", "Ceil", "Round", "Rint",
    "FloorDiv", "TruncateDiv", "Any", "All", "ArgMax", "ArgMin", "InTopKV2",
    # integer or index results, shapes and ranges
    "Shape", "ShapeN", "Size", "Rank", "ReducedShape", "BroadcastArgs",
    "BroadcastGradientArgs", "ConcatOffset", "InvertPermutation", "Range", "LinSpace",
    "OneHot", "Unique", "UniqueWithCounts", "ListDiff", "Where",
    # sources, random numbers and stopping ops
    "Const", "Placeholder", "StopGradient", "RandomUniform", "RandomUniformInt",
    "RandomStandardNormal", "TruncatedNormal", "RandomGamma", "RandomPoissonV2",
    "RandomShuffle", "Multinomial", "OrthogonalFactor", "UniformCandidateSampler",
    "LogUniformCandidateSampler", "LearnedUnigramCandidateSampler",
    "FixedUnigramCandidateSampler", "AllCandidateSampler", "ComputeAccidentalHits",
    # state, checkpoints, summaries and control
    "Assign", "AssignAdd", "AssignSub", "IsVariableInitialized", "ReportUninitialized",
    "ApplyGradientDescent", "ApplyMomentum", "ApplyAdagrad", "ApplyAdam", "ApplyRMSProp",
    "ApplyCenteredRMSProp", "ApplyAdadelta", "ApplyProximalGradientDescent",
    "ApplyProximalAdagrad", "ScatterUpdate", "ScatterAdd", "ScatterSub", "ScatterMul",
    "ScatterDiv", "ScatterMin", "ScatterMax", "SparseApplyMomentum", "SparseApplyAdagrad",
    "SparseApplyRMSProp", "SparseApplyCenteredRMSProp", "SaveV2", "RestoreV2", "ScalarSummary",
    "HistogramSummary",
    "ImageSummary", "AudioSummaryV2", "TensorSummaryV2", "MergeSummary", "NoOp", "Assert",
    "LoopVar", "WhileGrad",
    # image codecs (bytes in or out) and ResizeArea, which TF leaves without a gradient
    "DecodeJpeg", "DecodePng", "DecodeGif", "DecodeBmp", "DecodeImage", "EncodePng",
    "EncodeJpeg", "ResizeArea",
    # queues (state: a queue's elements are not a function of its inputs)
    "FIFOQueueV2", "PaddingFIFOQueueV2", "RandomShuffleQueueV2", "PriorityQueueV2",
    "QueueEnqueueV2", "QueueEnqueueManyV2", "QueueDequeueV2", "QueueDequeueManyV2",
    "QueueDequeueUpToV2", "QueueCloseV2", "QueueSizeV2", "QueueIsClosedV2",
    # readers and files (state and bytes) and the string parsers (no real-valued input)
    "TextLineReaderV2", "FixedLengthRecordReaderV2", "WholeFileReaderV2", "TFRecordReaderV2",
    "IdentityReaderV2", "ReaderReadV2", "ReaderReadUpToV2", "ReaderNumRecordsProducedV2",
    "ReaderNumWorkUnitsCompletedV2", "ReaderSerializeStateV2", "ReaderRestoreStateV2",
    "ReaderResetV2", "ReadFile", "WriteFile", "MatchingFiles", "CountUpTo", "DecodeCSV",
    "DecodeRaw", "StringToNumber",
    "SerializeSparse", "SerializeManySparse", "DeserializeManySparse",
    "StringJoin", "AsString", "RegexReplace", "Substr", "StringSplit", "StringSplitV2",
    "ReduceJoin", "StringLength", "StringStrip",
    # parsing serialized Examples (bytes in)
    "ParseExample", "ParseSingleExample", "ParseSingleSequenceExample",
    # tf.data iterators (state: the next element is not a function of the inputs)
    "IteratorV2", "MakeIterator", "OneShotIterator", "IteratorGetNext",
    # TensorArray handles, sizes and the gradient array's lookup (no values flow through)
    "TensorArrayV3", "TensorArrayGradV3", "TensorArraySizeV3", "TensorArrayCloseV3",
    "GRUSequenceGrad",
}

# Ops whose kernel never runs in correct use, because their owner provides the value:
# they count as run when the owner ran.
RUN_BY_OWNER = {"LoopVar": "While"}  # the loop feeds each iteration's values

# Ops with a gradient function that no numerical check can exercise, and why.
GRADIENT_NOT_CHECKED = {
    "VariableV2": "a source without inputs: tf.gradients with respect to a variable "
                  "starts at its output, so the rule is never called",
    "PreventGradient": "its gradient is an error by design (TF's PreventGradient); "
                       "tests/framework/test_importer.py checks the error",
}


def _table_cases():
    cases = []
    for path in sorted(HERE.glob("test_*.py")):
        cases += getattr(importlib.import_module("tests.ops." + path.stem), "CASES", [])
    return cases


def _gradient_row(case):
    return case.grad and any(x.dtype.kind == "f" for x in case.inputs)


def _run_dedicated(fn, tmp_path, **given):
    """Call a dedicated test function in a fresh default graph; returns kernels run."""
    params = {}
    for name in inspect.signature(fn).parameters:
        if name == "tmp_path":
            params[name] = tmp_path
    marks = [m for m in getattr(fn, "pytestmark", []) if m.name == "parametrize"]
    for mark in marks:
        names = [n.strip() for n in mark.args[0].split(",")] if isinstance(
            mark.args[0], str) else list(mark.args[0])
        first = mark.args[1][0]
        first = getattr(first, "values", first)  # pytest.param(...)
        params.update(zip(names, first if len(names) > 1 else [first]))
    params.update(given)
    with tf.Graph().as_default(), OpRecorder() as rec:
        fn(**params)
    return rec.executed


@pytest.fixture(scope="module")
def coverage(tmp_path_factory):
    """Run every table row and every dedicated test once, recording what executed."""
    cov = Coverage()
    for case in _table_cases():
        check_forward(case, cov)
        if _gradient_row(case):
            check_gradient(case, coverage=cov)
    tmp = tmp_path_factory.mktemp("dedicated")
    for i, (module, name) in enumerate(sorted(set(DEDICATED.values()))):
        fn = getattr(importlib.import_module(module), name)
        (tmp / str(i)).mkdir()
        cov.forward |= _run_dedicated(fn, tmp / str(i))
    module, table, name = APPLY_TABLE
    mod = importlib.import_module(module)
    check = getattr(mod, name)
    for row in getattr(mod, table):
        cov.forward |= _run_dedicated(check, tmp, case=row)  # its first shape and dtype
    return cov


def _differentiable():
    return {t for t in op_registry.registered_types() if callable(op_registry.get(t).grad)}


def test_every_op_has_kernel_shape_and_gradient_decision():
    for name in op_registry.registered_types():
        opdef = op_registry.get(name)
        assert callable(opdef.kernel), name
        assert callable(opdef.shape_fn), name
        assert opdef.grad is op_registry.NO_GRADIENT or callable(opdef.grad), name


def test_every_registered_op_runs_in_a_passing_check(coverage):
    ran = coverage.forward | {op for op, owner in RUN_BY_OWNER.items()
                              if owner in coverage.forward}
    missing = sorted(set(op_registry.registered_types()) - ran)
    assert not missing, "ops no table row or dedicated test runs: %s" % ", ".join(missing)


def test_not_differentiable_ops_are_listed():
    declared = {t for t in op_registry.registered_types()
                if op_registry.get(t).grad is op_registry.NO_GRADIENT}
    assert declared - NOT_DIFFERENTIABLE == set(), "new NO_GRADIENT ops: add them here"
    assert NOT_DIFFERENTIABLE - declared == set(), "listed ops that have a gradient now"


def test_every_differentiable_op_passes_a_gradient_check(coverage):
    assert set(GRADIENT_NOT_CHECKED) <= _differentiable()
    missing = sorted(_differentiable() - set(GRADIENT_NOT_CHECKED) - coverage.gradient)
    assert not missing, "differentiable ops without a float64 gradient check: %s" % (
        ", ".join(missing))


def test_every_gradient_passes_a_second_order_check(coverage):
    assert set(FIRST_ORDER_ONLY) <= _differentiable()
    missing = sorted(_differentiable() - set(GRADIENT_NOT_CHECKED) - set(FIRST_ORDER_ONLY)
                     - coverage.gradient2)
    assert not missing, ("gradients never checked at second order (add a float row, or "
                         "list the op in optest.FIRST_ORDER_ONLY): %s" % ", ".join(missing))


def test_registering_twice_or_without_gradient_decision_fails():
    with pytest.raises(KeyError):
        op_registry.register("Add", lambda ctx: None, lambda op: [], op_registry.NO_GRADIENT)
    with pytest.raises(ValueError):
        op_registry.register("BrandNewOp", lambda ctx: None, lambda op: [], None)
