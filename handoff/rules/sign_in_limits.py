"""Sign-in attempts: after a few failures a key (an agent name, a client address) waits, longer
with each further failure; the clock is passed in.

Failures are counted per key. The first `free_failures` cost nothing; each one after that
doubles the wait before the key may try again, up to `max_delay`. A success clears the key, and
a key that has not failed for `forget_after` seconds starts over.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict


@dataclass
class Failures:
    count: int = 0
    last: float = 0.0
    allowed_at: float = 0.0


class SignInLimits:
    def __init__(self, free_failures: int = 5, base_delay: float = 1.0, max_delay: float = 300.0,
                 forget_after: float = 3600.0) -> None:
        self.free_failures = free_failures
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.forget_after = forget_after
        self.failures: Dict[str, Failures] = {}

    def wait(self, now: float, *keys: str) -> float:
        """Seconds until every one of `keys` may try again (0: now)."""
        waits = [self._current(key, now).allowed_at - now for key in keys]
        return max([0.0, *waits])

    def failed(self, now: float, *keys: str) -> None:
        for key in keys:
            record = self._current(key, now)
            record.count += 1
            record.last = now
            over = record.count - self.free_failures
            if over > 0:
                delay = min(self.max_delay, self.base_delay * 2 ** (over - 1))
                record.allowed_at = now + delay

    def succeeded(self, key: str) -> None:
        self.failures.pop(key, None)

    def _current(self, key: str, now: float) -> Failures:
        record = self.failures.get(key)
        if record is not None and now - record.last >= self.forget_after:
            record = None
        if record is None:
            self._prune(now)
            record = self.failures[key] = Failures(last=now)
        return record

    def _prune(self, now: float) -> None:
        # Made only for a new key: the table holds only keys that failed lately.
        if len(self.failures) > 10000:
            self.failures = {key: record for key, record in self.failures.items()
                             if now - record.last < self.forget_after}
