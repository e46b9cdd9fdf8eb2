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
"""
from __future__ import annotations

import gc

YOUNGEST = 20_000  # new objects between collections of the youngest generation (CPython: 700)
OLDER = 20  # collections of the generation below before each older one (CPython: 10)


def settle_for_serving() -> None:
    """Collects once, freezes what is left, and spaces the collections out."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNGEST, OLDER, OLDER)
