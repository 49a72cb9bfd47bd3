"""``tf.errors``: TensorFlow's error classes and codes."""
from minitf.framework.errors import (ABORTED, ALREADY_EXISTS, CANCELLED, DATA_LOSS,  # noqa: F401
                                     DEADLINE_EXCEEDED, FAILED_PRECONDITION, INTERNAL,
                                     INVALID_ARGUMENT, NOT_FOUND, OK, OUT_OF_RANGE,
                                     PERMISSION_DENIED, RESOURCE_EXHAUSTED, UNAUTHENTICATED,
                                     UNAVAILABLE, UNIMPLEMENTED, UNKNOWN, AbortedError,
                                     AlreadyExistsError, CancelledError, DataLossError,
                                     DeadlineExceededError, FailedPreconditionError,
                                     InternalError, InvalidArgumentError, NotFoundError,
                                     OpError, OutOfRangeError, PermissionDeniedError,
                                     ResourceExhaustedError, UnauthenticatedError,
                                     UnavailableError, UnimplementedError, UnknownError)
