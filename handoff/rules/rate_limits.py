"""Token buckets: a burst is allowed, then frames at a sustained rate; the clock is passed in."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict

# Past this many keys, a new key first drops those whose bucket has filled up again: such a
# bucket is the same as a new one, so dropping it changes no answer and bounds the memory.
PRUNE_ABOVE = 10000


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

    def allow(self, now: float, *keys: str) -> bool:
        buckets = [self._bucket(k, now) for k in keys]
        allowed = all(self._room(b, now) for b in buckets)
        if allowed:
            for bucket in buckets:
                bucket.take(now)
        return allowed

    def _bucket(self, key: str, now: float) -> TokenBucket:
        bucket = self.buckets.get(key)
        if bucket is None:  # made only for a new key: every frame asks
            if len(self.buckets) > PRUNE_ABOVE:
                self._prune(now)
            bucket = self.buckets[key] = TokenBucket(self.rate_per_second, self.burst)
        return bucket

    def _prune(self, now: float) -> None:
        self.buckets = {key: bucket for key, bucket in self.buckets.items()
                        if not self._full(bucket, now)}

    def _full(self, bucket: TokenBucket, now: float) -> bool:
        if bucket.updated == float("-inf"):
            return True
        return bucket.tokens + (now - bucket.updated) * bucket.rate_per_second >= bucket.burst

    def forget(self, key: str) -> None:
        self.buckets.pop(key, None)

    @staticmethod
    def _room(bucket: TokenBucket, now: float) -> bool:
        if bucket.updated == float("-inf"):
            return bucket.tokens >= 1
        refilled = bucket.tokens + (now - bucket.updated) * bucket.rate_per_second
        return min(bucket.burst, refilled) >= 1
