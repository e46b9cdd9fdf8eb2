"""Which waiting writes go into one transaction, free of threads and databases.

Appends are the hot path (every message): consecutive appends share one transaction, so a burst
of N messages costs one commit. Any other write (an agent, a ticket, a session) runs alone, in
its turn, so that the order in which writes were asked for is the order they are committed in.
"""
from __future__ import annotations

from typing import Callable, Deque, List, TypeVar

Job = TypeVar("Job")


def next_batch(pending: Deque[Job], is_append: Callable[[Job], bool], most: int) -> List[Job]:
    """Takes the next transaction's jobs off the front of `pending`: the longest run of appends
    (at most `most`), or one other write."""
    if most < 1:
        raise ValueError("a batch holds at least one write")
    if not pending:
        return []
    if not is_append(pending[0]):
        return [pending.popleft()]
    batch: List[Job] = []
    while pending and len(batch) < most and is_append(pending[0]):
        batch.append(pending.popleft())
    return batch
