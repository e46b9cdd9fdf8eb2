"""Bolt's Rasa server: Rasa's own command line, with Bolt's speed-ups installed first.

    python -m bot.rasa_server run --model models/bolt-<fingerprint>.tar.gz --enable-api ...

takes exactly the arguments of `rasa ...` (it is how `bolt run` starts Rasa). The speed-ups
change how fast Rasa answers, never what it answers: see bot/speedups/schema_cache.py,
bot/speedups/event_types.py, bot/speedups/frozen_heap.py, bot/speedups/keepalive.py, bot/speedups/action_calls.py,
bot/speedups/dialogue_states.py, bot/speedups/graph_runner.py and bot/speedups/lock_waits.py.
"""
from __future__ import annotations

from bot.speedups import (
    action_calls, dialogue_states, event_types, frozen_heap, graph_runner, keepalive, lock_waits,
    schema_cache,
)


def main() -> None:
    schema_cache.install()
    event_types.install()
    frozen_heap.install()
    keepalive.install()
    action_calls.install()
    dialogue_states.install()
    graph_runner.install()
    lock_waits.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
