"""The hub served in this process on a free port of 127.0.0.1, its environment for tests, the
handoff request the action server sends it (docs/handoff-api.md), and a hub with a stand-in Rasa
behind it."""
from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any, AsyncIterator, Callable, Dict, List, Mapping, Optional, Tuple, TypeVar

import aiohttp

from handoff.app import create_app
from handoff.config import HubSettings
from handoff.services.hub import Hub as HubParts
from handoff.wire.reads import HubProtocol
from support import REPOSITORY
from support.client import Client
from support.fake_rasa import FakeRasa
from support.ports import free_port
from support.tokens import (
    CLAIMS_SECRET, METRICS_TOKEN, PASSWORD, RASA_TOKEN, SERVICE_TOKEN, TOKEN_SECRET,
)

# scrypt at its least cost: the suites sign agents in by the hundred.
TEST_PASSWORD_COST = "10"
# Quick to notice a Rasa or an agent gone, and the origin the pages are served from: the
# reliability suite's hubs and the load benchmarks'.
QUICK_FAULTS: Mapping[str, str] = MappingProxyType({
    "BOLT_HUB_RASA_TIMEOUT": "2", "BOLT_HUB_TICK_SECONDS": "0.2",
    "BOLT_HUB_ALLOWED_ORIGINS": "https://help.example.com"})
# The rate limits out of the way of users who send as fast as they are answered: the
# benchmarks' and the several-hub runs'.
MANY_SENDERS: Mapping[str, str] = MappingProxyType({
    "BOLT_HUB_RATE_PER_SECOND": "1000", "BOLT_HUB_RATE_BURST": "1000"})

# Every test's clients connect from 127.0.0.1, so that one address is a whole crowd: the limits
# per client address are set for one, unless a test sets them (or empties them: the defaults).
ONE_ADDRESS_CROWD: Mapping[str, str] = MappingProxyType({
    "BOLT_HUB_SOCKETS_PER_ADDRESS": "100000",
    "BOLT_HUB_ANONYMOUS_CONVERSATIONS_PER_HOUR": "1000000",
    "BOLT_HUB_ADDRESS_RATE_PER_SECOND": "1000000", "BOLT_HUB_ADDRESS_RATE_BURST": "1000000"})
# What hub_environment sets for tests where the hub's own defaults are stronger: emptied, each
# takes the hub's default (tests/reliability/test_security.py runs so).
TEST_RELAXATIONS: Mapping[str, str] = MappingProxyType({
    **{key: "" for key in ONE_ADDRESS_CROWD},
    "BOLT_HUB_PASSWORD_COST": "", "BOLT_HUB_METRICS_TOKEN": ""})


def hub_environment(state_dir: Path, rasa_url: str = "",
                    preset: Mapping[str, str] = MappingProxyType({}),
                    **overrides: str) -> Dict[str, str]:
    """A hub's environment on a free port with the test secrets, then `preset`, then
    `overrides`; an empty value leaves that setting to the hub's default."""
    env = {
        "BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(state_dir),
        "BOLT_HUB_PORT": str(free_port()), "BOLT_TOKEN_SECRET": TOKEN_SECRET,
        "BOLT_SERVICE_TOKEN": SERVICE_TOKEN, "BOLT_HUB_METRICS_TOKEN": METRICS_TOKEN,
        "BOLT_CLAIMS_SECRET": CLAIMS_SECRET, "BOLT_RASA_TOKEN": RASA_TOKEN,
        "BOLT_RASA_URL": rasa_url, "BOLT_HUB_PASSWORD_COST": TEST_PASSWORD_COST,
        **ONE_ADDRESS_CROWD, **preset, **overrides,
    }
    return {key: value for key, value in env.items() if value}


class Hub:
    """One hub process's worth: the Sanic app served on a free port of 127.0.0.1."""

    def __init__(self, settings: HubSettings):
        self.settings = settings
        self.url = f"http://127.0.0.1:{settings.port}"
        self.ws_url = f"ws://127.0.0.1:{settings.port}"
        self.app = None
        self.server = None

    async def start(self) -> None:
        self.app = create_app(self.settings)
        self.server = await self.app.create_server(
            host="127.0.0.1", port=self.settings.port, return_asyncio_server=True,
            access_log=False, protocol=HubProtocol)
        await self.server.startup()
        await self.server.before_start()
        await self.server.after_start()
        await self.server.start_serving()

    async def stop(self) -> None:
        await self.server.before_stop()
        for task in list(self.app.websocket_tasks):
            task.cancel()
        for connection in list(self.server.connections):
            connection.close()
        self.server.close()
        await self.server.wait_closed()
        await self.server.after_stop()

    @property
    def core(self) -> HubParts:
        """The hub's parts, as the app wired them (handoff/services/hub.py)."""
        return self.app.ctx.hub

    async def post(self, path: str, body: Any, token: Optional[str] = SERVICE_TOKEN):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        async with aiohttp.ClientSession() as session:
            async with session.post(self.url + path, data=data, headers=headers) as response:
                return response.status, await response.json(content_type=None)

    async def get(self, path: str, token: Optional[str] = None) -> tuple:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url + path, headers=headers) as response:
                return response.status, await response.text()

    async def metrics(self, *lines: str, timeout: float = 10.0) -> str:
        """The hub's /metrics once it holds every one of `lines` (its gauges are refreshed in
        the background); fails with the last text when they do not all come in time."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            status, text = await self.get("/metrics", token=METRICS_TOKEN)
            assert status == 200, text
            missing = [line for line in lines if line not in text.splitlines()]
            if not missing:
                return text
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"/metrics lacks {missing}:\n{text}")
            await asyncio.sleep(0.05)

    async def headers(self, path: str) -> Tuple[int, Mapping[str, str]]:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url + path, allow_redirects=False) as response:
                return response.status, dict(response.headers)

    async def hand_off(self, conversation_id: str, **fields: Any) -> tuple:
        return await self.post("/api/handoffs", handoff_body(conversation_id, **fields))

    async def user(self, token: Optional[str] = None, locale: str = "de-DE", **hello: Any):
        client = await Client.connect(self.ws_url + "/ws/chat")
        await client.send(type="hello", locale=locale, token=token, **hello)
        client.welcome = await client.expect("welcome")
        return client

    async def agent(self, name: str, status: str = "online") -> "Client":
        client = await Client.connect(self.ws_url + "/ws/agent")
        await client.send(type="login", name=name, password=PASSWORD)
        client.welcome = await client.expect("welcome")
        if status != "offline":
            await client.send(type="status", status=status)
            await client.expect("status", status=status)
        return client


def handoff_body(conversation_id: str, language: str = "de", priority: str = "P2",
                 hours: float = 4, rights: Optional[List[str]] = None, **extra: Any) -> dict:
    body = {
        "conversation_id": conversation_id, "language": language, "priority": priority,
        "reason": "request_human", "first_response_hours": hours,
        "summary": "Meetings drop after 10 minutes.",
        "account": {"account_id": "acme", "account_name": "Acme GmbH", "plan": "business",
                    "support_plan": "premier", "user_id": "u-42", "user_name": "Erika Muster",
                    "role": "admin", "licensed": True, "country": "DE",
                    "rights": rights if rights is not None else ["live_chat", "web_ticket"]},
    }
    body.update(extra)
    return body


AnyHub = TypeVar("AnyHub", bound=Hub)


@asynccontextmanager
async def with_fake_rasa(
        make_hub: Callable[[str], AnyHub]) -> AsyncIterator[Tuple[AnyHub, FakeRasa]]:
    """A stand-in Rasa, and the hub `make_hub(rasa_url)` started in front of it (in this process
    or its own); both stopped on the way out."""
    rasa = FakeRasa()
    await rasa.start()
    try:
        hub = make_hub(rasa.url)
        await hub.start()
        try:
            yield hub, rasa
        finally:
            await hub.stop()
    finally:
        await rasa.stop()
