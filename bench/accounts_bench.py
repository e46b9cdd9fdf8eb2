"""How long the account check and the handoff action take, in process (run on demand).

    .venv/bin/python -m bench.accounts_bench

The account check of every demo user (token verification, SQLite look-up, policy) and the whole
`action_request_handoff` against a local hub, sequentially. Writes bench/results/accounts.json.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time

from rasa_sdk.executor import CollectingDispatcher

from support.fake_hub import FakeHub, RunningHub
from support.load import write_results
from support.tokens import SERVICE_TOKEN, TOKEN_SECRET
from support.trackers import claims_for, make_tracker

ROUNDS = 3


def percentiles(samples):
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2), "n": len(ordered)}


async def measure(users):
    from actions.handoff import ActionRequestHandoff
    from actions.services import services

    checks, handoffs = [], []
    for _ in range(ROUNDS):
        for user_id, account_id in users:
            tracker = make_tracker("Zoom is down for all users", intent="report_problem",
                                   metadata=claims_for(user_id, account_id))
            started = time.perf_counter()
            await services().check(tracker)
            checks.append(time.perf_counter() - started)
            started = time.perf_counter()
            await ActionRequestHandoff().run(CollectingDispatcher(), tracker, {})
            handoffs.append(time.perf_counter() - started)
    return checks, handoffs


def main() -> None:
    hub = RunningHub(FakeHub(service_token=SERVICE_TOKEN))
    fake = hub.start()
    with tempfile.TemporaryDirectory() as state:
        os.environ.update({"BOLT_STATE_DIR": state, "BOLT_HUB_URL": fake.url,
                           "BOLT_TOKEN_SECRET": TOKEN_SECRET, "BOLT_SERVICE_TOKEN": SERVICE_TOKEN,
                           "BOLT_DEMO": "true"})  # the demo accounts
        from actions.services import services

        directory = services().directory
        directory.prepare()
        users = [(e.user.user_id, e.account.account_id) for e in directory.directory.users()]
        checks, handoffs = asyncio.run(measure(users))
    hub.stop()
    results = {"account_check": percentiles(checks), "handoff_action": percentiles(handoffs),
               "handoffs_queued": len(fake.handoffs)}
    write_results("accounts", results)


if __name__ == "__main__":
    # No options: --help says what it measures, and anything else is refused before it starts.
    argparse.ArgumentParser(description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    main()
