"""What an operator sees of a running hub: /healthz and /readyz (the hub stays ready while Rasa is
down, and says so), and its metrics: sockets by kind, frames refused by code, commit times, Rasa's
state, and each hub in a process exporting only its own."""
from __future__ import annotations

import asyncio
import json
import re

from handoff.config import HubSettings
from support import services
from support.hub import Hub
from support.ports import free_port
from support.tokens import METRICS_TOKEN, user_token

QUICK_GAUGES = "0.1"


def sample(text: str, name: str) -> float:
    """The value of the one series `name` (with its labels, if any) in an exposition."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"no {name} in:\n{text}"
    return float(match.group(1))


async def test_the_hub_stays_ready_while_rasa_is_down_and_says_so(bolt):
    async with bolt(BOLT_HUB_METRICS_SECONDS=QUICK_GAUGES) as (hub, rasa):
        status, body = await hub.get("/readyz")
        assert status == 200
        assert json.loads(body) == {"status": "ready", "store": "up", "broker": "up",
                                    "rasa": "up"}
        await hub.metrics("bolt_hub_rasa_up 1.0")

        await rasa.stop()  # its port closed: connections refused
        status, body = await hub.get("/readyz")
        assert status == 200
        assert json.loads(body) == {"status": "ready", "store": "up", "broker": "up",
                                    "rasa": "down"}
        await hub.metrics("bolt_hub_rasa_up 0.0")
        status, body = await hub.get("/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok"}
        user = await hub.user(token=user_token())  # the hub still opens conversations
        await user.send(type="message", client_id="m1", text="Hallo?")
        await user.expect("ack", client_id="m1")
        await user.close()

        await rasa.start()  # back on the same address
        status, body = await hub.get("/readyz")
        assert status == 200 and json.loads(body)["rasa"] == "up"
        await hub.metrics("bolt_hub_rasa_up 1.0")


async def test_sockets_are_counted_by_kind_and_refused_frames_by_code(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, _rasa):
        await hub.metrics('bolt_hub_connections{socket="chat"} 0.0',
                          'bolt_hub_connections{socket="agent"} 0.0')
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token())
        await hub.metrics('bolt_hub_connections{socket="chat"} 1.0',
                          'bolt_hub_connections{socket="agent"} 1.0')
        await user.send(type="no_such_frame")
        await user.expect("error", code="unknown_type")
        await user.send(type="no_such_frame")
        await user.expect("error", code="unknown_type")
        await anna.send(type="accept", conversation_id="c-none")
        refused = await anna.expect("error")
        await user.send(type="message", client_id="m1", text="Hallo")
        await user.expect("ack", client_id="m1")
        text = await hub.metrics('bolt_hub_frames_refused_total{code="unknown_type"} 2.0',
                                 f'bolt_hub_frames_refused_total{{code="{refused["code"]}"}} 1.0')
        # Every stored message went through one group commit at least, each one timed.
        assert sample(text, "bolt_hub_store_commit_seconds_count") >= 1
        assert sample(text, "bolt_hub_store_commit_seconds_sum") > 0
        await anna.close()
        await user.close()
        await hub.metrics('bolt_hub_connections{socket="chat"} 0.0',
                          'bolt_hub_connections{socket="agent"} 0.0')


async def test_each_hub_in_a_process_exports_its_own(bolt, hub_env, tmp_path):
    async with bolt(BOLT_HUB_METRICS_SECONDS=QUICK_GAUGES) as (first, rasa):
        # A second hub beside the first: on the same store and broker when they are shared
        # (PostgreSQL and Redis), else on a store of its own.
        env = {**hub_env, "BOLT_RASA_URL": rasa.url, "BOLT_HUB_PORT": str(free_port()),
               "BOLT_HUB_METRICS_SECONDS": QUICK_GAUGES}
        if services.postgres_url() is None:
            env["BOLT_STATE_DIR"] = str(tmp_path / "second")
        second = Hub(HubSettings.from_env(env))
        await second.start()
        try:
            user = await first.user(token=user_token())
            await user.send(type="message", client_id="m1", text="Hallo")
            await user.event(speaker="bot")
            await first.metrics('bolt_hub_messages_relayed_total{speaker="user"} 1.0',
                                'bolt_hub_bot_replies_total 1.0')
            status, text = await second.get("/metrics", token=METRICS_TOKEN)
            assert status == 200 and "bolt_hub_messages_relayed_total{" not in text
            assert "bolt_hub_bot_replies_total 0.0" in text.splitlines()
            if services.redis_url():  # what one hub publishes, the other receives, timed
                text = await _until_lag_counted(second)
                assert sample(text, "bolt_hub_broker_lag_seconds_count") >= 1
            await user.close()
        finally:
            await second.stop()


async def _until_lag_counted(hub: Hub) -> str:
    for _ in range(100):
        text = await hub.metrics()
        if sample(text, "bolt_hub_broker_lag_seconds_count") >= 1:
            return text
        await asyncio.sleep(0.05)
    return text
