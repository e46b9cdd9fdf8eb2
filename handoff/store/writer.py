"""The one thread that writes to the hub's database, with group commit.

The event loop never waits on a commit for an awaited append: it queues the append and goes on
serving sockets; the thread stores every append waiting at that moment in one transaction
(handoff/store/appends.py), commits, and only then resolves their futures. So a burst of N
messages costs one commit, and nothing is acknowledged or delivered before it is committed.
Other writes run on the same thread, alone and in their turn: SQLite has one writer at a time,
and one thread per engine means the hub never waits for its own lock.

What callers do once a write is committed (deliver the event to sockets) runs on their event
loop in commit order, also when a blocking write from the loop overtakes queued completions.

The thread runs the statements beside the loop, but not in parallel with it: the driver lets go
of the GIL for each statement and then waits for a busy loop to give it back (up to the
interpreter's 5 ms switch interval), so a group costs few statements whatever its size
(handoff/store/appends.py). Storing on the loop's own thread instead was measured slower: the
one thread then did all of the work (bench/relay_bench.py, 1,000 chats).

On SQLite (one hub) the thread keeps the conversations' states it committed
(handoff/store/states.py), so a group of messages reads none of them again, and writes it as one
INSERT committed on its own: one statement where a transaction took four (BEGIN, UPDATE, INSERT,
COMMIT), each waiting for the GIL again. With 1,000 chats that about halved delivery's p50 and
took a sixth to a third off its p99, second by second at the same CPU steal (bench/relay_bench.py,
docs/performance.md).
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Deque, Dict, List, Optional, TypeVar, Union

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from handoff.store.appends import (AppendRequest, Appended, ChangedElsewhere, Outcome, one_write,
                                   store)
from handoff.store.batching import next_batch
from handoff.store.errors import Conflict
from handoff.store.states import KnownStates

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 500
CHANGED_ELSEWHERE = "the conversation changed at the same moment elsewhere"


@dataclass(eq=False)
class Job:
    work: Union[AppendRequest, Callable[[], Any]]
    loop: Optional[asyncio.AbstractEventLoop]  # whose thread asked, if it runs a loop
    then: Optional[Callable[[Any], None]] = None  # after the commit, on that loop, in order
    future: Optional["asyncio.Future[Any]"] = None  # an awaited write
    ready: Optional[threading.Event] = None  # a blocking write
    value: Any = None
    error: Optional[BaseException] = None


def _is_append(job: Job) -> bool:
    return isinstance(job.work, AppendRequest)


def _running_loop() -> Optional[asyncio.AbstractEventLoop]:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Writer:
    def __init__(self, engine: Engine, max_batch: int = MAX_BATCH):
        self.engine = engine
        self.max_batch = max_batch
        self.pending: Deque[Job] = deque()
        self.wake = threading.Condition()
        self.thread: Optional[threading.Thread] = None
        self.closing = False
        self.finished: Dict[asyncio.AbstractEventLoop, Deque[Job]] = {}
        # SQLite has one hub: its writer thread is the one writer of the conversations.
        self.known = KnownStates(enabled=engine.dialect.name == "sqlite")
        self.autocommitting: Optional[Connection] = None  # the thread's, for single statements
        # Told how long each group took to commit, in seconds (the hub's metrics).
        self.committed: Optional[Callable[[float], None]] = None

    # --- asking ---------------------------------------------------------------------------------

    def append_later(self, request: AppendRequest,
                     then: Optional[Callable[[Appended], None]] = None
                     ) -> "asyncio.Future[Appended]":
        """Queues the append now (in call order) and returns what resolves once it is committed;
        the loop is not blocked meanwhile."""
        loop = asyncio.get_running_loop()
        job = Job(request, loop, then, future=loop.create_future())
        self._submit(job)
        return job.future

    def append(self, request: AppendRequest,
               then: Optional[Callable[[Appended], None]] = None) -> Appended:
        """Stores the append and returns once it is committed (blocking the caller)."""
        return self._wait(Job(request, _running_loop(), then, ready=threading.Event()))

    def call(self, work: Callable[[], T]) -> T:
        """Runs a write of its own (its own transaction) on the thread, in its turn."""
        if threading.current_thread() is self.thread:
            self.known.forget()
            return work()
        return self._wait(Job(work, _running_loop(), ready=threading.Event()))

    def call_later(self, work: Callable[[], T]) -> "asyncio.Future[T]":
        """`call` for the event loop: queued now, resolved once it ran, without blocking the
        loop or a thread of its own."""
        loop = asyncio.get_running_loop()
        job = Job(work, loop, future=loop.create_future())
        self._submit(job)
        return job.future

    def close(self) -> None:
        """Finishes what is queued and stops the thread (a later write starts it again)."""
        with self.wake:
            thread, self.closing = self.thread, True
            self.wake.notify()
        if thread is not None:
            thread.join()
        with self.wake:
            self.thread, self.closing = None, False

    # --- the loop's side --------------------------------------------------------------------------

    def _submit(self, job: Job) -> None:
        with self.wake:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="hub-db-writer",
                                               daemon=True)
                self.thread.start()
            self.pending.append(job)
            self.wake.notify()

    def _wait(self, job: Job) -> Any:
        self._submit(job)
        job.ready.wait()
        if job.loop is not None:
            self._settle(job.loop)  # what committed before it is delivered before it
        elif job.error is None and job.then is not None:
            job.then(job.value)
        if job.error is not None:
            raise job.error
        return job.value

    def _settle(self, loop: asyncio.AbstractEventLoop) -> None:
        finished = self.finished.get(loop)
        while finished:
            job = finished.popleft()
            if job.error is None and job.then is not None:
                try:
                    job.then(job.value)
                except Exception:  # one subscriber's failure must not lose the others' events
                    log.exception("delivering a stored event failed")
            if job.future is not None and not job.future.done():
                if job.error is not None:
                    job.future.set_exception(job.error)
                else:
                    job.future.set_result(job.value)

    # --- the thread's side --------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                with self.wake:
                    while not self.pending and not self.closing:
                        self.wake.wait()
                    if not self.pending:
                        return
                    batch = next_batch(self.pending, _is_append, self.max_batch)
                started = time.perf_counter()
                self._execute(batch)
                if self.committed is not None:
                    self.committed(time.perf_counter() - started)
                self._finish(batch)
        finally:
            if self.autocommitting is not None:
                self.autocommitting.close()
                self.autocommitting = None

    def _execute(self, batch: List[Job]) -> None:
        try:
            if _is_append(batch[0]):
                outcomes = self._store([job.work for job in batch])
                for job, outcome in zip(batch, outcomes):
                    if isinstance(outcome, Exception):
                        job.error = outcome
                    else:
                        job.value = outcome
            else:
                self.known.forget()  # it may change a conversation without an event
                batch[0].value = batch[0].work()
        except BaseException as error:  # the transaction rolled back: nothing of it is stored
            self.known.forget()
            for job in batch:
                job.error = error

    def _store(self, requests: List[AppendRequest], look_for_resends: bool = False
               ) -> List[Outcome]:
        """The group in one transaction, first without looking for resent messages: a resend
        breaks the events' unique client ids, and the group is stored again, looking."""
        try:
            with self._connection_for(requests) as connection:
                outcomes = store(connection, requests, self.known, look_for_resends)
            self.known.keep()
            return outcomes
        except (ChangedElsewhere, IntegrityError) as error:
            stale = self.known.answered
            self.known.forget()
            resent = isinstance(error, IntegrityError) and not look_for_resends
            if stale or resent:  # once more, as stored, looking for resends
                return self._store(requests, look_for_resends=True)
            if len(requests) == 1:
                if isinstance(error, ChangedElsewhere):
                    return [Conflict(CHANGED_ELSEWHERE)]
                raise
        except OperationalError:  # locked or gone: no append of the group can be stored now
            self.known.forget()
            raise
        except Exception:
            self.known.forget()
            if len(requests) == 1:
                raise
        # Another hub wrote to one of these conversations meanwhile, or one append cannot be
        # stored at all (a value the driver refuses): each alone, so that only the appends
        # overtaken, or the one at fault, are refused.
        return [self._store_alone(request) for request in requests]

    def _connection_for(self, requests: List[AppendRequest]) -> ContextManager[Connection]:
        """Where the group writes one statement (SQLite's messages: one INSERT, which numbers
        them itself), that statement commits on its own: no BEGIN and no COMMIT, each of which
        would wait for the GIL once more. Anything else is one transaction."""
        if one_write(self.engine.dialect, requests):
            # Kept open by the thread: checking a connection out in AUTOCOMMIT and back in
            # costs a statement of its own each time (SQLAlchemy resets the isolation level).
            if self.autocommitting is None:
                self.autocommitting = self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT")
            return nullcontext(self.autocommitting)
        return self.engine.begin()

    def _store_alone(self, request: AppendRequest) -> Outcome:
        try:
            with self.engine.begin() as connection:
                outcome = store(connection, [request], self.known)[0]
            self.known.keep()
            return outcome
        except ChangedElsewhere:
            self.known.forget()
            return Conflict(CHANGED_ELSEWHERE)
        except Exception as error:
            self.known.forget()
            return error

    def _finish(self, batch: List[Job]) -> None:
        loops = set()
        for job in batch:
            if job.loop is not None:
                self.finished.setdefault(job.loop, deque()).append(job)
                loops.add(job.loop)
        for job in batch:
            if job.ready is not None:
                job.ready.set()
        for loop in loops:
            try:
                loop.call_soon_threadsafe(self._settle, loop)
            except RuntimeError:  # that loop is closed: nobody waits there any more
                self.finished.pop(loop, None)
