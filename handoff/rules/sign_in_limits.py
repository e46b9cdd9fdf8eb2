"""Sign-in attempts: after a few failures a key (an agent name, a client address) waits, longer
with each further failure; the clock is passed in.

Failures are counted per key. The first `free_failures` cost nothing; each one after that
doubles the wait before the key may try again, up to `max_delay`. A success clears the key, and
a key that has not failed for `forget_after` seconds starts over.

`SignInLimits` keeps the counts itself (one hub); `allowed_at` is the rule alone, for counts kept
elsewhere (handoff/services/attempt_counts.py keeps them in Redis for several hubs).
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

    def allowed_at(self, count: int, last_failure: float) -> float:
        """When a key that failed `count` times, the last at `last_failure`, may try again."""
        over = count - self.free_failures
        if over <= 0:
            return last_failure
        return last_failure + min(self.max_delay, self.base_delay * 2 ** (over - 1))

    def wait(self, now: float, *keys: str) -> float:
        """Seconds until every one of `keys` may try again (0: now)."""
        waits = [self._current(key, now).allowed_at - now for key in keys]
        return max([0.0, *waits])

    def failed(self, now: float, *keys: str) -> None:
        for key in keys:
            record = self._current(key, now)
            record.count += 1
            record.last = now
            record.allowed_at = self.allowed_at(record.count, now)

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
