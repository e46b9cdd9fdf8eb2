"""Several hubs: messages relayed per second and p99 latency, PostgreSQL + Redis against SQLite.

    scripts/with-scale-services .venv/bin/python -m bench.scale_bench [--users 48] [--messages 20]

One run measures, one after the other: one hub on SQLite with the in-process broker (the
embedded default), then 1, 2 and 4 hub processes sharing one PostgreSQL database and Redis. Each
user connects to a hub in turn (what a load balancer without sticky sessions does) and sends its
messages one after the other, all users at once; every message is stored, acknowledged, sent to a
stand-in Rasa that answers at once, and its reply stored and delivered. Every hub is its own
`python -m handoff` process. The results go to bench/results/scale.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from bench.hub_bench import one_user, summary
from support import services
from support.fake_rasa import FakeRasa
from support.hub import MANY_SENDERS, hub_environment
from support.hub_process import HubProcess
from support.load import write_results


async def measure(hub_count: int, database_url: Optional[str], redis_url: Optional[str],
                  users: int, messages: int) -> Dict[str, float]:
    with tempfile.TemporaryDirectory() as state:
        rasa = FakeRasa()
        await rasa.start()
        hubs: List[HubProcess] = []
        try:
            for number in range(hub_count):
                hub = HubProcess(hub_environment(Path(state), rasa.url, MANY_SENDERS,
                                                 BOLT_HUB_DATABASE_URL=database_url or "",
                                                 BOLT_HUB_REDIS_URL=redis_url or ""),
                                 Path(state) / f"hub-{number}.log")
                await hub.start()
                hubs.append(hub)
            acks: List[float] = []
            replies: List[float] = []
            started = time.perf_counter()
            await asyncio.gather(*(one_user(hubs[n % hub_count], n, messages, acks, replies)
                                   for n in range(users)))
            elapsed = time.perf_counter() - started
        finally:
            for hub in hubs:
                hub.terminate()
            await rasa.stop()
    return {"hubs": hub_count, "storage": "postgresql+redis" if database_url else "sqlite",
            **summary(users, messages, elapsed, acks, replies)}


async def run(users: int, messages: int, hub_counts: List[int]) -> List[Dict[str, float]]:
    results = [await measure(1, None, None, users, messages)]
    print(json.dumps(results[-1]), flush=True)
    for hub_count in hub_counts:
        with services.fresh_postgres_database(services.postgres_url()) as database_url:
            results.append(await measure(hub_count, database_url, services.redis_url(),
                                         users, messages))
        print(json.dumps(results[-1]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=48)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--hubs", default="1,2,4", help="hub counts on PostgreSQL + Redis")
    arguments = parser.parse_args()
    if services.postgres_url() is None or services.redis_url() is None:
        sys.exit("run inside scripts/with-scale-services (it provides PostgreSQL and Redis)")
    results = asyncio.run(run(arguments.users, arguments.messages,
                              [int(n) for n in arguments.hubs.split(",")]))
    write_results("scale", {"load_average": os.getloadavg(), "cpus": os.cpu_count(),
                            "results": results})


if __name__ == "__main__":
    main()
