"""Token buckets: a burst is allowed, then frames at a sustained rate; the clock is passed in."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict

PRUNE_SECONDS = 60.0


@dataclass
class TokenBucket:
    rate_per_second: float
    burst: int
    tokens: float = field(init=False)
    updated: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)
        self.updated = float("-inf")

    def take(self, now: float) -> bool:
        if self.updated != float("-inf"):
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate_per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Limiter:
    """One bucket per key (a connection, an identity); every key must have room for a frame."""

    def __init__(self, rate_per_second: float, burst: int):
        self.rate_per_second = rate_per_second
        self.burst = burst
        self.buckets: Dict[str, TokenBucket] = {}
        self.pruned = float("-inf")

    def allow(self, now: float, *keys: str) -> bool:
        buckets = [self._bucket(k) for k in keys]
        allowed = all(self._room(b, now) for b in buckets)
        if allowed:
            for bucket in buckets:
                bucket.take(now)
        return allowed

    def _bucket(self, key: str) -> TokenBucket:
        bucket = self.buckets.get(key)
        if bucket is None:  # made only for a new key: every frame asks
            bucket = self.buckets[key] = TokenBucket(self.rate_per_second, self.burst)
        return bucket

    def forget(self, key: str) -> None:
        self.buckets.pop(key, None)

    def prune(self, now: float) -> None:
        """Forgets the buckets that have refilled: a new one would be the same (the keys of
        users and agents who came and went would otherwise stay for good). Once a minute at
        most: it reads every bucket."""
        if now - self.pruned < PRUNE_SECONDS:
            return
        self.pruned = now
        full = [key for key, bucket in self.buckets.items()
                if bucket.updated == float("-inf")
                or bucket.tokens + (now - bucket.updated) * bucket.rate_per_second >= bucket.burst]
        for key in full:
            del self.buckets[key]

    @staticmethod
    def _room(bucket: TokenBucket, now: float) -> bool:
        if bucket.updated == float("-inf"):
            return bucket.tokens >= 1
        refilled = bucket.tokens + (now - bucket.updated) * bucket.rate_per_second
        return min(bucket.burst, refilled) >= 1
