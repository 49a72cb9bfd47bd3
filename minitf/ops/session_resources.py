"""Per-session resources (queues, readers, iterators): made on an op's first run, found by handle.

A resource op's kernel returns a handle, a string scalar naming the resource in its session's
state: the op's ``shared_name``, or ``_<n>_<op name>`` with one counter per session for every
kind, as TF numbers them.  Ops that use the resource take the handle and look it up.
"""
import threading

import numpy as np

from minitf.framework import errors

_NEXT_ID = "resource unique id"  # ctx.state key: the session's next "_<n>_" id
_CREATE_LOCK = threading.Lock()  # two threads' first runs of one op make one resource


def resource_of(ctx, store, make, check_shared):
    """``(resource, created)`` for the resource op ``ctx.op`` in its session.

    On the op's first run, ``make(name)`` builds it into ``ctx.state[store]``, unless a
    resource of that shared name exists: then ``check_shared(resource)`` raises if it is not
    the one the op asks for.
    """
    state = ctx.state
    name = state.get(ctx.op)
    if name is not None:
        return state[store][name], False
    with _CREATE_LOCK:
        name = state.get(ctx.op)
        if name is not None:
            return state[store][name], False
        name = ctx.attrs["shared_name"]
        if not name:
            name = "_%d_%s" % (state.get(_NEXT_ID, 0), ctx.op.name)
            state[_NEXT_ID] = state.get(_NEXT_ID, 0) + 1
        resources = state.setdefault(store, {})
        created = name not in resources
        if created:
            resources[name] = make(name)
        else:
            check_shared(resources[name])
        state[ctx.op] = name
        return resources[name], created


def handle(name):
    """The string scalar that names a resource."""
    return np.array(name.encode(), dtype=object)


def lookup(ctx, store, handle_value, interface, what):
    """The session's resource that a handle names, or TF's NotFoundError."""
    name = np.asarray(handle_value, dtype=object).item()
    name = name.decode() if isinstance(name, bytes) else str(name)
    resource = ctx.state.get(store, {}).get(name)
    if resource is None:
        if ctx.cancelled:
            raise errors.CancelledError(None, ctx.op, "Session has been closed.")
        raise errors.NotFoundError(None, ctx.op, "Resource localhost/%s/%s does not exist: no %s "
                                   "of that name in this session." % (name, interface, what))
    return resource
