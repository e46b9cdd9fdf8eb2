"""The garbage collector set for a process that holds thousands of sockets for hours.

CPython collects its oldest generation once the objects that survived the two younger ones
reach a quarter of those it already holds, and that collection scans every object of every open
socket with the event loop stopped. Relaying 1,000 messages a second, the hub promoted enough
short-lived objects (a message's frames, futures and rows, alive while its group is stored) for
a full collection every 3 s, each stopping the loop for 210-310 ms: the p99 of delivery
(bench/relay_bench.py, docs/performance.md).

So, once the hub is serving: what exists then (modules, the app, the model of the schema) is
frozen out of the collections, as it lives as long as the process; and the youngest generation
is collected after 20,000 new objects instead of 700, so that a message's objects are freed by
their reference counts before a collection can promote them. Cycles are still collected.

A closed socket's objects are such a cycle (Sanic's protocol and its websocket refer to each
other), old by the time the socket closes: spaced out like this, the oldest generation was
collected too rarely for a hub whose users come and go, which grew by 50 MiB in two minutes of
churn (bench/soak.py). So the hub also collects it once as many sockets have closed as half of
those open (at least 500): the garbage stays a fraction of what the open sockets hold, and the
pause, which grows with the open sockets, comes the more rarely the more there are. After
it, the C library is asked to give the freed heap back to the system (glibc's `malloc_trim`):
otherwise the process keeps the high-water mark of its churn.

glibc also raises its mmap threshold each time a large block it mapped is freed (up to 32 MiB):
after that, the hub's larger buffers (replay pages, long frames, SQLite's) come from the main
heap, where what is freed between blocks that live on leaves holes the heap cannot give back. In
the 30-minute soak the heap grew by about 5 MiB while the bytes in use stayed the same. So the
hub fixes the threshold at glibc's own starting value (128 KiB): larger blocks stay mapped and
go back to the system when freed. Measured with bench/soak.py (docs/performance.md).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
from typing import Callable, Optional

YOUNGEST = 20_000  # new objects between collections of the youngest generation (CPython: 700)
OLDER = 20  # collections of the generation below before each older one (CPython: 10)
LEAST_CLOSED = 500  # closed sockets before a collection of the oldest generation, at least
SHARE_CLOSED = 0.5  # ... or this share of the open ones, whichever is more


def settle_for_serving() -> None:
    """Collects once, freezes what is left, spaces the collections out, and fixes where the C
    library maps blocks."""
    fix_allocator_thresholds()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNGEST, OLDER, OLDER)


# glibc's mallopt parameters (malloc.h), and the threshold both are fixed at.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MAPPED_FROM_BYTES = 128 * 1024


def _glibc(function: str) -> Optional[Callable[..., int]]:
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), function) if name else None
    except (OSError, AttributeError):  # not glibc: nothing to ask
        return None


_TRIM = _glibc("malloc_trim")
_MALLOPT = _glibc("mallopt")


def fix_allocator_thresholds() -> bool:
    """Blocks of MAPPED_FROM_BYTES and more are mapped, and the heap is trimmed above as much,
    whatever was freed before; whether the C library took it (only glibc does)."""
    if _MALLOPT is None:
        return False
    return bool(_MALLOPT(M_MMAP_THRESHOLD, MAPPED_FROM_BYTES)) and bool(
        _MALLOPT(M_TRIM_THRESHOLD, MAPPED_FROM_BYTES))


def release_garbage() -> None:
    """Collects every generation, then hands the freed heap back to the system where it can."""
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


class ClosedSockets:
    """Counts the sockets opened and closed; `tick` collects the oldest generation once enough
    have closed since the last collection."""

    def __init__(self, least: int = LEAST_CLOSED, share: float = SHARE_CLOSED,
                 collect: Callable[[], object] = release_garbage) -> None:
        self.least = least
        self.share = share
        self.collect = collect
        self.open = 0
        self.closed_since = 0

    def opened(self) -> None:
        self.open += 1

    def closed(self) -> None:
        self.open -= 1
        self.closed_since += 1

    def tick(self) -> bool:
        """Collects if due; whether it did."""
        if self.closed_since < max(self.least, self.share * self.open):
            return False
        self.collect()
        self.closed_since = 0
        return True
