"""What the hub keeps for users who came and went is bounded: rate-limit buckets that have
refilled are forgotten, and closed sockets' objects (a cycle) are collected once enough closed."""
from handoff.gc_tuning import ClosedSockets
from handoff.rules.rate_limits import PRUNE_SECONDS, Limiter


def test_refilled_buckets_are_forgotten_and_the_others_kept():
    limiter = Limiter(rate_per_second=1, burst=5)
    for key in ("user:a", "user:b"):
        assert limiter.allow(0.0, key)
    for _ in range(4):
        assert limiter.allow(3.0, "user:b")  # b: 4 tokens left at 3 s, then none
    limiter.prune(4.5)  # a has refilled (4 + 4.5 s); b has 1.5 of 5
    assert set(limiter.buckets) == {"user:b"}
    limiter.prune(4.5 + PRUNE_SECONDS - 1)  # not again within the minute
    assert set(limiter.buckets) == {"user:b"}
    limiter.prune(4.5 + PRUNE_SECONDS)
    assert limiter.buckets == {}


def test_a_pruned_bucket_allows_what_it_would_have_allowed():
    kept, pruned = Limiter(rate_per_second=2, burst=3), Limiter(rate_per_second=2, burst=3)
    for limiter in (kept, pruned):
        for _ in range(3):
            limiter.allow(0.0, "agent:1")
    pruned.prune(100.0)
    assert [kept.allow(100.0, "agent:1") for _ in range(5)] == [
        pruned.allow(100.0, "agent:1") for _ in range(5)] == [True, True, True, False, False]


def test_the_oldest_generation_is_collected_after_half_the_open_sockets_closed():
    collections = []
    sockets = ClosedSockets(least=3, share=0.5, collect=lambda: collections.append(1))
    for _ in range(20):
        sockets.opened()
    for _ in range(5):
        sockets.closed()
    assert not sockets.tick()  # 5 closed, 15 open: not half of them yet
    for _ in range(3):
        sockets.closed()
    assert sockets.tick() and collections == [1]  # 8 closed, 12 open
    for _ in range(2):
        sockets.closed()
    assert not sockets.tick()  # counted afresh: 2 closed since, 10 open
    for _ in range(9):
        sockets.closed()
    assert sockets.open == 1 and sockets.tick() and collections == [1, 1]
    sockets.closed()
    assert not sockets.tick()  # with hardly any open, at least `least` closed
