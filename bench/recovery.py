"""How fast Bolt comes back after a crash: each of `bolt run`'s three servers SIGKILLed in turn
while a user chats (support/running_bolt.py, as tests/reliability/test_kill_under_bolt_run.py).

    .venv/bin/python -m bench.recovery [--rounds 1]

For each server: the seconds from the kill until a new process answers its health check, and
until the user has the bot's answer to a message sent after the kill. Each round starts a
fresh `bolt run` (about a minute with the model loaded twice). The results go to
bench/results/recovery.json.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

from bolt.core.settings import Settings
from bolt.training import ensure_model
from support import REPOSITORY
from support.load import write_results
from support.running_bolt import BoltRun, kill_each_in_turn


def one_round(folder: Path) -> Dict[str, float]:
    run = BoltRun(REPOSITORY, folder / "var", folder / "bolt-run.log")
    run.start(timeout=600)
    try:
        user, times = asyncio.run(kill_each_in_turn(run, timeout=600))
        stored = {client_id: seq for seq, _, _, client_id in run.stored(user.conversation_id)
                  if client_id}
        # Each acknowledged message stored once, under the seq of its ack (the test checks more).
        assert {f"user:{c}": s for c, s in user.acknowledged.items()} == stored, stored
        return times
    finally:
        run.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    ensure_model(Settings.from_env({"BOLT_HOME": str(REPOSITORY)}), quiet=True)
    rounds: List[Dict[str, float]] = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="bolt-recovery-") as folder:
            rounds.append(one_round(Path(folder)))
    summary = {name: {"median_seconds": round(statistics.median(r[name] for r in rounds), 2),
                      "max_seconds": round(max(r[name] for r in rounds), 2)}
               for name in rounds[0]}
    write_results("recovery", {"rounds": [{k: round(v, 2) for k, v in r.items()}
                                          for r in rounds], "summary": summary})
    return 0


if __name__ == "__main__":
    sys.exit(main())
