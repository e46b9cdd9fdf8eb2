"""The hub's benchmark: how fast a stored, acknowledged and answered message goes round.

    .venv/bin/python -m bench.hub_bench [--users 50] [--messages 20]

A hub on 127.0.0.1 with a fresh SQLite file and a stand-in Rasa that answers at once (so the hub
is what is measured); each user sends its messages one after the other, all users at once. The
results go to bench/results/hub.json.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from handoff.config import HubSettings
from support.hub import MANY_SENDERS, Hub, hub_environment, with_fake_rasa
from support.load import percentile, write_results
from support.tokens import user_token


async def one_user(hub: Hub, number: int, messages: int, acks: List[float],
                   replies: List[float]) -> None:
    user = await hub.user(token=user_token(f"bench-{number}", "acme"))
    for index in range(messages):
        started = time.perf_counter()
        await user.send(type="message", client_id=f"m{index}", text=f"question {index}")
        await user.expect("ack", timeout=30, client_id=f"m{index}")
        acks.append(time.perf_counter() - started)
        await user.event(speaker="bot", timeout=30, text=f"bot: question {index}")
        replies.append(time.perf_counter() - started)
        user.pending.clear()
    await user.close()


async def run(users: int, messages: int) -> Dict[str, float]:
    with tempfile.TemporaryDirectory() as state:
        def hub_at(rasa_url: str) -> Hub:
            return Hub(HubSettings.from_env(hub_environment(Path(state), rasa_url, MANY_SENDERS)))

        async with with_fake_rasa(hub_at) as (hub, _):
            acks: List[float] = []
            replies: List[float] = []
            started = time.perf_counter()
            await asyncio.gather(*(one_user(hub, n, messages, acks, replies)
                                   for n in range(users)))
            elapsed = time.perf_counter() - started
    return summary(users, messages, elapsed, acks, replies)


def summary(users: int, messages: int, elapsed: float, acks: List[float],
            replies: List[float]) -> Dict[str, float]:
    return {
        "users": users, "messages_per_user": messages,
        "user_messages_per_second": round(users * messages / elapsed, 1),
        "ack_p50_ms": round(statistics.median(acks) * 1000, 1),
        "ack_p99_ms": round(percentile(acks, 0.99) * 1000, 1),
        "bot_reply_p50_ms": round(statistics.median(replies) * 1000, 1),
        "bot_reply_p99_ms": round(percentile(replies, 0.99) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("SANIC_NO_UVLOOP", "true")
    results = asyncio.run(run(args.users, args.messages))
    write_results("hub", results)


if __name__ == "__main__":
    main()
