"""What the hub keeps of sockets that came and went is bounded: their objects (a cycle) are
collected once enough of them have closed."""
from handoff.gc_tuning import ClosedSockets


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
