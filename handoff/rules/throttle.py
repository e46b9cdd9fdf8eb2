"""At most one run per interval, always of the latest state: free of clocks and event loops.

The queue changes with every hand-off and claim; sending its whole state to every agent on each
change cost O(changes x agents x queue length). Changes are coalesced instead: the first after a
quiet spell is sent at once, those that follow within the interval wait for its end, and one
run then sends the state as it is by then.
"""
from __future__ import annotations

from typing import Optional


class Throttle:
    def __init__(self, interval: float):
        if interval < 0:
            raise ValueError("the interval cannot be negative")
        self.interval = interval
        self.last_run: Optional[float] = None
        self.due = False

    def request(self, now: float) -> Optional[float]:
        """Something changed at `now`: in how many seconds to run, or None when a run is due
        already (it will see this change too)."""
        if self.due:
            return None
        self.due = True
        if self.last_run is None:
            return 0.0
        return max(0.0, self.last_run + self.interval - now)

    def ran(self, now: float) -> None:
        self.due = False
        self.last_run = now
