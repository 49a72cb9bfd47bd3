"""``tf.train``: saving and restoring checkpoints, and (from others) training helpers.

Checkpoints: `Saver`, `latest_checkpoint`, `get_checkpoint_state`, `checkpoint_exists`,
`update_checkpoint_state`, and reading a checkpoint without a graph with
`NewCheckpointReader`, `load_checkpoint`, `list_variables` and `load_variable`.
"""
from minitf.train.checkpoint_state import (CheckpointState, checkpoint_exists,  # noqa: F401
                                           generate_checkpoint_state_proto,
                                           get_checkpoint_mtimes, get_checkpoint_state,
                                           latest_checkpoint, meta_graph_filename,
                                           remove_checkpoint, update_checkpoint_state)
from minitf.train.saver import (BaseSaverBuilder, CheckpointReader,  # noqa: F401
                                NewCheckpointReader, Saver, SaveSpec, SaveableObject,
                                export_meta_graph, list_variables, load_checkpoint,
                                load_variable)

# Optimizers, learning-rate schedules, global_step helpers and the rest of tf.train are
# added below by others (one import block per module, like the lines above).
from minitf.train.learning_rate_decay import (cosine_decay, exponential_decay,  # noqa: F401
                                              inverse_time_decay, natural_exp_decay,
                                              piecewise_constant, polynomial_decay)
from minitf.train.optimizer import Optimizer  # noqa: F401
from minitf.train.optimizers import (AdadeltaOptimizer, AdagradOptimizer,  # noqa: F401
                                     AdamOptimizer, GradientDescentOptimizer,
                                     MomentumOptimizer, ProximalAdagradOptimizer,
                                     ProximalGradientDescentOptimizer, RMSPropOptimizer)
from minitf.train.training_util import (assert_global_step, create_global_step,  # noqa: F401
                                        get_global_step, get_or_create_global_step,
                                        global_step)
from minitf.train import saver_ops  # noqa: F401,E402 (registers SaveV2/RestoreV2 for imports)
from minitf.train.meta_graph import (import_meta_graph, read_meta_graph_file,  # noqa: F401,E402
                                     write_graph)
from minitf.train.basic_session_run_hooks import (  # noqa: F401,E402
    CheckpointSaverHook, CheckpointSaverListener, FeedFnHook, FinalOpsHook, LoggingTensorHook,
    NanLossDuringTrainingError, NanTensorHook, SecondOrStepTimer, StepCounterHook,
    StopAtStepHook, SummarySaverHook)
from minitf.train.coordinator import Coordinator, LooperThread  # noqa: F401,E402
from minitf.train import queue_runner  # noqa: F401,E402 (tf.train.queue_runner.QueueRunner)
from minitf.train.queue_runner import (QueueRunner, QueueRunnerDef,  # noqa: F401,E402
                                       add_queue_runner, start_queue_runners)
from minitf.train.monitored_session import (ChiefSessionCreator, MonitoredSession,  # noqa: F401,E402
                                            MonitoredTrainingSession, Scaffold, SessionCreator,
                                            SingularMonitoredSession, WorkerSessionCreator)
from minitf.train.session_run_hook import (SessionRunArgs, SessionRunContext,  # noqa: F401,E402
                                           SessionRunHook, SessionRunValues)
from minitf.train.summary_io import SummaryWriterCache  # noqa: F401,E402
from minitf.io.example import (BytesList, Example, Feature,  # noqa: F401,E402
                               FeatureList, FeatureLists, Features, FloatList,
                               Int64List, SequenceExample)
from minitf.train.input import (batch, batch_join, input_producer, limit_epochs,  # noqa: F401,E402
                                match_filenames_once, maybe_batch, maybe_batch_join,
                                maybe_shuffle_batch, maybe_shuffle_batch_join,
                                range_input_producer, shuffle_batch, shuffle_batch_join,
                                slice_input_producer, string_input_producer)
