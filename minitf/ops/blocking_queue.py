"""The queue behind TF's queue ops: elements behind one condition variable.

Nothing here knows graphs or ops.  An element is a tuple of numpy arrays; an
``Order`` decides which element leaves next (first in, random, lowest
priority).  Enqueues wait while the queue is full and dequeues while it holds
too few elements, each through the ``wait(cond, ready, cancelled_message)``
the caller passes (``KernelContext.wait``, which adds the run's deadline and
the session's cancellation).

As in TF's ``QueueBase``, waiting enqueues are served one at a time in arrival
order, and so are waiting dequeues: a ``dequeue_many`` that takes elements as
they arrive is never interleaved with another.  ``close()`` queues behind the
enqueues already waiting; ``close(cancel_pending_enqueues=True)`` cancels them.
"""
import collections
import heapq
import itertools
import os
import threading

from minitf.framework import errors
from minitf.kernels import philox

ENQUEUE_CANCELLED = "Enqueue operation was cancelled"
DEQUEUE_CANCELLED = "Dequeue operation was cancelled"


class FifoOrder:
    """First in, first out."""

    takes_all_at_once = False

    def __init__(self):
        self._items = collections.deque()

    def __len__(self):
        return len(self._items)

    def available(self, closed):
        return len(self._items)

    def push(self, element):
        self._items.append(element)

    def pop(self):
        return self._items.popleft()

    def restore(self, taken):
        """Put back the elements of an unfinished dequeue, at the front, in their order."""
        self._items.extendleft(reversed(taken))


class ShuffleOrder:
    """Random order, as TF's RandomShuffleQueue draws it.

    Each dequeue takes index ``u % size`` with ``u`` the next 32-bit word of the
    Philox4x32-10 stream keyed by (seed, seed2), and moves the last element
    into the hole.  Until the queue closes, ``min_after_dequeue`` elements stay.
    """

    takes_all_at_once = False
    _BLOCKS = 64  # Philox blocks drawn at a time (4 words each)

    def __init__(self, min_after_dequeue, seed, seed2):
        if seed == 0 and seed2 == 0:  # unseeded: fresh seeds for this queue
            seed = int.from_bytes(os.urandom(8), "little")
            seed2 = int.from_bytes(os.urandom(8), "little")
        self.min_after_dequeue = min_after_dequeue
        self._seed, self._seed2, self._block = seed, seed2, 0
        self._words = iter(())
        self._items = []

    def __len__(self):
        return len(self._items)

    def available(self, closed):
        n = len(self._items)
        return n if closed else max(0, n - self.min_after_dequeue)

    def push(self, element):
        self._items.append(element)

    def _next_word(self):
        word = next(self._words, None)
        if word is None:
            words = philox.philox_words(self._seed, self._seed2, self._block, self._BLOCKS)
            self._block += self._BLOCKS
            self._words = iter(words.ravel().tolist())
            word = next(self._words)
        return word

    def pop(self):
        items = self._items
        i = self._next_word() % len(items)
        element, items[i] = items[i], items[-1]
        items.pop()
        return element

    def restore(self, taken):
        self._items.extend(reversed(taken))


class PriorityOrder:
    """Lowest priority (component 0, an int64 scalar) first; equal priorities in arrival order.

    A ``dequeue_many`` waits until it can take all its elements at once, so that
    its batch comes out sorted.
    """

    takes_all_at_once = True

    def __init__(self):
        self._heap = []
        self._arrival = itertools.count()

    def __len__(self):
        return len(self._heap)

    def available(self, closed):
        return len(self._heap)

    def push(self, element):
        heapq.heappush(self._heap, (int(element[0]), next(self._arrival), element))

    def pop(self):
        return heapq.heappop(self._heap)[2]

    def restore(self, taken):
        for element in taken:
            self.push(element)


class _Attempt:
    """One waiting enqueue, dequeue or close, and the thread that makes it."""

    __slots__ = ("cancelled", "thread")

    def __init__(self):
        self.cancelled = False
        self.thread = threading.get_ident()  # for stats(): which threads wait here


class BlockingQueue:
    """A bounded queue of elements with TF's blocking, closing and cancelling rules.

    Args:
        kind: the queue's TF class name for messages ("FIFOQueue", "RandomShuffleQueue"...).
        name: the queue's resource name ("_0_fifo_queue" or its shared_name).
        capacity: the most elements it holds.
        order: a ``FifoOrder``, ``ShuffleOrder`` or ``PriorityOrder``.
        spec: what the queue was made from, to check later users of a shared name.
    """

    def __init__(self, kind, name, capacity, order, spec=None):
        self.kind, self.name, self.capacity, self.spec = kind, name, capacity, spec
        self.cond = threading.Condition()
        self.closed = False
        self._order = order
        self._enqueues = collections.deque()  # waiting enqueues and closes, in arrival order
        self._dequeues = collections.deque()
        self._version = 0  # bumped on every change a waiter may be waiting for
        self.enqueued = 0  # elements that ever went in
        self.dequeued = 0  # elements handed out by finished dequeues (not put back)

    def size(self):
        with self.cond:
            return len(self._order)

    def is_closed(self):
        with self.cond:
            return self.closed

    def stats(self):
        """The queue's numbers at one instant, as plain data, for monitors.

        Takes the lock only for the read (a blocked op waits with it released), so
        it never blocks on the queue's contents.  ``waiting_enqueues`` and
        ``waiting_dequeues`` are the ``threading.get_ident()`` of the threads whose
        enqueue (or close) and dequeue ops wait here, in arrival order.
        """
        with self.cond:
            return {"size": len(self._order), "capacity": self.capacity,
                    "closed": self.closed, "enqueued": self.enqueued,
                    "dequeued": self.dequeued,
                    "waiting_enqueues": [a.thread for a in self._enqueues],
                    "waiting_dequeues": [a.thread for a in self._dequeues]}

    def _changed(self):
        self._version += 1
        self.cond.notify_all()

    def _wait_change(self, wait, message):
        seen = self._version
        wait(self.cond, lambda: self._version != seen, message)

    def enqueue_many(self, elements, wait):
        """Append ``elements`` (a list of tuples of arrays) as room frees up."""
        if not elements:  # TF: an empty batch succeeds even on a closed queue
            return
        with self.cond:
            attempt = _Attempt()
            self._enqueues.append(attempt)
            try:
                done = 0
                while True:
                    if attempt.cancelled:
                        raise errors.CancelledError(None, None, ENQUEUE_CANCELLED)
                    if self._enqueues[0] is attempt:
                        if self.closed:
                            raise errors.CancelledError(
                                None, None, "%s '%s' is closed." % (self.kind, self.name))
                        while done < len(elements) and len(self._order) < self.capacity:
                            self._order.push(elements[done])
                            done += 1
                            self.enqueued += 1
                        if done:
                            self._changed()
                        if done == len(elements):
                            return
                    self._wait_change(wait, ENQUEUE_CANCELLED)
            finally:
                self._enqueues.remove(attempt)
                self._changed()

    def dequeue_many(self, n, allow_smaller, wait):
        """Take ``n`` elements (fewer only if ``allow_smaller`` and the queue is closed).

        Raises:
            OutOfRangeError: the queue is closed and holds too few elements.
        """
        with self.cond:
            attempt, taken = _Attempt(), []
            self._dequeues.append(attempt)
            try:
                while True:
                    if self._dequeues[0] is attempt:
                        n = self._take(n, allow_smaller, taken)
                        if len(taken) == n:
                            self.dequeued += n
                            return taken
                    self._wait_change(wait, DEQUEUE_CANCELLED)
            except BaseException:
                self._order.restore(taken)  # a timeout or cancel loses no element
                raise
            finally:
                self._dequeues.remove(attempt)
                self._changed()

    def _take(self, n, allow_smaller, taken):
        """Move what may leave now into ``taken``; returns how many the dequeue wants."""
        size, wanted = len(self._order), n - len(taken)
        if self.closed and size < wanted:
            self._order.restore(taken)
            del taken[:]
            if allow_smaller and len(self._order):
                n = wanted = len(self._order)  # the closed queue's remainder
            elif allow_smaller and self._enqueues:
                return n  # an enqueue still waiting may fill the batch
            else:
                raise errors.OutOfRangeError(
                    None, None, "%s '%s' is closed and has insufficient elements (requested "
                    "%d, current size %d)" % (self.kind, self.name, wanted, size))
        k = min(self._order.available(self.closed), wanted)
        if self._order.takes_all_at_once and k < wanted and not self.closed:
            return n
        if k:
            taken.extend(self._order.pop() for _ in range(k))
            self._changed()
        return n

    def close(self, cancel_pending_enqueues, wait):
        """Close: later enqueues fail, and dequeues fail once too few elements remain.

        Without ``cancel_pending_enqueues`` the close waits behind the enqueues
        already waiting, which still complete; closing twice is a CancelledError.
        """
        with self.cond:
            if cancel_pending_enqueues:
                self.closed = True
                for attempt in self._enqueues:
                    attempt.cancelled = True
                self._changed()
                return
            attempt = _Attempt()
            self._enqueues.append(attempt)
            try:
                while self._enqueues[0] is not attempt:
                    self._wait_change(wait, ENQUEUE_CANCELLED)
                    if attempt.cancelled:
                        raise errors.CancelledError(None, None, ENQUEUE_CANCELLED)
                if self.closed:
                    raise errors.CancelledError(
                        None, None, "Queue '%s' is already closed." % self.name)
                self.closed = True
            finally:
                self._enqueues.remove(attempt)
                self._changed()
