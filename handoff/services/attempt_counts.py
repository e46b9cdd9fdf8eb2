"""Where failed sign-ins are counted: in this process (one hub), or in Redis, so that every hub
of a scale-out deployment slows down the same name and address.

Both apply the rule of handoff/rules/sign_in_limits.py; the clock is the wall clock, which the
hubs of a deployment share (to the second, as NTP keeps them) where their monotonic clocks differ.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional

import redis.asyncio as redis

from handoff.rules.sign_in_limits import SignInLimits


class AttemptCounts(ABC):
    def __init__(self, limits: SignInLimits) -> None:
        self.limits = limits

    @abstractmethod
    async def wait(self, now: float, key: str) -> float:
        """Seconds until `key` may try again (0: now)."""

    @abstractmethod
    async def failed(self, now: float, key: str) -> None: ...

    @abstractmethod
    async def succeeded(self, key: str) -> None: ...

    async def close(self) -> None:
        """Lets go of whatever the counts are kept in."""


class LocalAttemptCounts(AttemptCounts):
    async def wait(self, now: float, key: str) -> float:
        return self.limits.wait(now, key)

    async def failed(self, now: float, key: str) -> None:
        self.limits.failed(now, key)

    async def succeeded(self, key: str) -> None:
        self.limits.succeeded(key)


# One round trip, atomic: the count goes up, the time of the failure is kept, and the key ends
# by itself once it has not failed for `forget_after` seconds.
_FAILED = """
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return count
"""


class RedisAttemptCounts(AttemptCounts):
    def __init__(self, limits: SignInLimits, url: str, prefix: str) -> None:
        super().__init__(limits)
        self.client: redis.Redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.script = self.client.register_script(_FAILED)

    async def wait(self, now: float, key: str) -> float:
        count, last = await self.client.hmget(self.prefix + key, "count", "last")
        if count is None or last is None:
            return 0.0
        return max(0.0, self.limits.allowed_at(int(count), float(last)) - now)

    async def failed(self, now: float, key: str) -> None:
        await self.script(keys=[self.prefix + key],
                          args=[repr(now), max(1, int(self.limits.forget_after))])

    async def succeeded(self, key: str) -> None:
        await self.client.delete(self.prefix + key)

    async def close(self) -> None:
        await self.client.close()


def attempt_counts(limits: SignInLimits, redis_url: Optional[str], prefix: str) -> AttemptCounts:
    """In Redis when the hubs share one (the broker's), else in this process."""
    if redis_url:
        return RedisAttemptCounts(limits, redis_url, prefix)
    return LocalAttemptCounts(limits)
