"""Bolt's Rasa server: Rasa's own command line, with Bolt's speed-ups installed first.

    python -m bot.rasa_server run --model models/bolt-<fingerprint>.tar.gz --enable-api ...

takes exactly the arguments of `rasa ...` (it is how `bolt run` starts Rasa). The speed-ups
change how fast Rasa answers, never what it answers: see bot/speedups/ (schema_cache,
event_types, frozen_heap, keepalive, action_calls, dialogue_states, graph_runner, lock_waits).
`BOLT_RASA_SPEEDUPS=off` starts Rasa without them (bot/speedups/__init__.py), and the server
refuses to start on a Rasa or library version they were not tested on (bot/speedups/guard.py).
"""
from __future__ import annotations

import sys

from bot.speedups import install_all
from bot.speedups.guard import UntestedVersion


def main() -> None:
    try:
        installed = install_all()
    except UntestedVersion as error:
        raise SystemExit(str(error)) from None
    if not installed:
        print("Rasa starts without Bolt's speed-ups (BOLT_RASA_SPEEDUPS=off).", file=sys.stderr)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
