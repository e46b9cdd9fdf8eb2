"""A login flood against a hub on its production defaults: how fast a user is still answered.

    .venv/bin/python -m bench.login_flood_bench [--seconds 15] [--flooders 4]

A hub on 127.0.0.1 (fresh SQLite file, stand-in Rasa answering at once) with the hub's own
password cost (scrypt N = 2^17) and limits. `--flooders` clients send wrong passwords for new
names as fast as they are answered, all from one address; meanwhile one signed-in user sends
a message every 0.25 s (within the hub's 5 frames a second per user). The user's times from sending to the ack and to the bot's reply
are measured before and during the flood, and the flood's answers counted (checked, or
`login_delayed` without a check). The results go to bench/results/login_flood.json.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

from handoff.config import HubSettings
from support.client import Client
from support.hub import TEST_RELAXATIONS, Hub, hub_environment, with_fake_rasa
from support.load import latency_summary, write_results
from support.tokens import user_token

PACE_SECONDS = 0.25


async def talk(hub: Hub, seconds: float) -> Dict[str, Any]:
    user = await hub.user(token=user_token("bench-user", "acme"))
    acks: List[float] = []
    replies: List[float] = []
    deadline = time.perf_counter() + seconds
    index = 0
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        await user.send(type="message", client_id=f"m{index}", text=f"question {index}")
        await user.expect("ack", timeout=60, client_id=f"m{index}")
        acks.append(time.perf_counter() - started)
        await user.event(speaker="bot", timeout=60, text=f"bot: question {index}")
        replies.append(time.perf_counter() - started)
        user.pending.clear()
        index += 1
        await asyncio.sleep(max(0.0, started + PACE_SECONDS - time.perf_counter()))
    await user.close()
    return {"ack": latency_summary(acks), "bot_reply": latency_summary(replies)}


async def flood(hub: Hub, number: int, stop: asyncio.Event, answers: Counter) -> None:
    attempt = 0
    while not stop.is_set():
        client = await Client.connect(hub.ws_url + "/ws/agent")
        await client.send(type="login", name=f"guess-{number}-{attempt}", password="wrong")
        answers[(await client.expect("error", timeout=120))["code"]] += 1
        await client.close()
        attempt += 1


async def run(seconds: float, flooders: int) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as state:
        def hub_at(rasa_url: str) -> Hub:
            return Hub(HubSettings.from_env(
                hub_environment(Path(state), rasa_url, TEST_RELAXATIONS)))

        async with with_fake_rasa(hub_at) as (hub, _):
            quiet = await talk(hub, seconds / 3)
            stop, answers = asyncio.Event(), Counter()
            started = time.perf_counter()
            flooding = [asyncio.ensure_future(flood(hub, n, stop, answers))
                        for n in range(flooders)]
            during = await talk(hub, seconds)
            stop.set()
            await asyncio.gather(*flooding)
            elapsed = time.perf_counter() - started
    return {"password_log2_n": 17, "flooders": flooders, "flood_seconds": round(elapsed, 1),
            "flood_answers": dict(answers),
            "flood_attempts_per_second": round(sum(answers.values()) / elapsed, 1),
            "user_without_flood": quiet, "user_during_flood": during}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--flooders", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("SANIC_NO_UVLOOP", "true")
    write_results("login_flood", asyncio.run(run(args.seconds, args.flooders)))


if __name__ == "__main__":
    main()
