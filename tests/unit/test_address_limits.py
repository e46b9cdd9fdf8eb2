"""Per-address limits: open sockets counted up and down, new anonymous conversations spread
over the hour, frames of all of an address's sockets together; token buckets forget only what
is the same as forgotten."""
from handoff.rules import rate_limits
from handoff.rules.address_limits import AddressLimits
from handoff.rules.rate_limits import Limiter


def test_sockets_are_counted_per_address_and_released():
    limits = AddressLimits(sockets=2, anonymous_conversations_per_hour=10, rate_per_second=1,
                           burst=1)
    assert limits.socket_opened("a") and limits.socket_opened("a")
    assert not limits.socket_opened("a")
    assert limits.socket_opened("b")
    limits.socket_closed("a")
    assert limits.socket_opened("a")
    for _ in range(3):
        limits.socket_closed("a")
        limits.socket_closed("b")
    assert limits.sockets == {}


def test_anonymous_conversations_come_back_over_the_hour():
    limits = AddressLimits(sockets=1, anonymous_conversations_per_hour=2, rate_per_second=1,
                           burst=1)
    assert limits.new_anonymous_conversation(0, "a") and limits.new_anonymous_conversation(0, "a")
    assert not limits.new_anonymous_conversation(60, "a")
    assert limits.new_anonymous_conversation(0, "b")
    assert limits.new_anonymous_conversation(1801, "a")  # half an hour: one more


def test_a_limiter_with_many_keys_drops_only_full_buckets(monkeypatch):
    monkeypatch.setattr(rate_limits, "PRUNE_ABOVE", 3)
    limiter = Limiter(rate_per_second=1, burst=2)
    for key in "abcd":
        assert limiter.allow(0, key)
    assert limiter.allow(0, "a") and not limiter.allow(0, "a")
    limiter.allow(1.0, "e")  # b, c and d have refilled by now; a has not
    assert set(limiter.buckets) == {"a", "e"}
    assert limiter.allow(1.0, "a") and not limiter.allow(1.0, "a")  # a kept what it spent
