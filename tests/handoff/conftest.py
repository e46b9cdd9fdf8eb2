"""The hub on a real socket with a real SQLite file; Rasa is a small local HTTP server here.

`async def` tests run on a fresh event loop each (no plugin needed): the hub, the stand-in
Rasa and the websocket clients all share it, talking over 127.0.0.1.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import socket
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Iterator, List, Optional

import aiohttp
import pytest
import websockets
from aiohttp import web
from sanic import Sanic

from bolt.core.identity import issue_token
from handoff.services.agents import add_agent, open_repository
from handoff.app import create_app
from handoff.config import HubSettings
from handoff.services.hub import Hub as HubParts
from handoff.wire.reads import HubProtocol
from tests.support import services

REPOSITORY = Path(__file__).resolve().parents[2]
TOKEN_SECRET = "s" * 40
SERVICE_TOKEN = "service-token-for-tests-" + "x" * 20
PASSWORD = "correct horse battery"
TEST_TIMEOUT = 60


def run_async_test(pyfuncitem, timeout: float):
    """Runs an `async def` test on a fresh event loop, bounded by `timeout` seconds."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        arguments = {name: pyfuncitem.funcargs[name] for name in names}
        asyncio.run(asyncio.wait_for(pyfuncitem.obj(**arguments), timeout))
        return True
    return None


def pytest_pyfunc_call(pyfuncitem):
    return run_async_test(pyfuncitem, TEST_TIMEOUT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def serving(handler: Callable[[Any], Awaitable[None]]) -> AsyncIterator[str]:
    """A real Sanic server on 127.0.0.1 with the hub's protocol (handoff/wire/reads.py) and one
    WebSocket route running `handler(ws)`; yields its URL and stops it afterwards."""
    app = Sanic(f"one_socket_{free_port()}", register=False)

    @app.websocket("/ws")
    async def route(request: Any, ws: Any) -> None:
        await handler(ws)

    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True,
                                     access_log=False, protocol=HubProtocol)
    await server.startup()
    await server.start_serving()
    try:
        yield f"ws://127.0.0.1:{port}/ws"
    finally:
        for connection in list(server.connections):
            connection.close()
        server.close()
        await server.wait_closed()


def user_token(user_id: str = "u-42", account: str = "acme", name: str = "Erika Muster",
               ttl: int = 3600) -> str:
    return issue_token(TOKEN_SECRET, user_id, account, name=name, ttl_seconds=ttl)


class FakeRasa:
    """Rasa's REST channel and tracker API, answering `bot: <text>` unless told otherwise."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.messages: List[Dict[str, Any]] = []
        self.tracker_events: List[Any] = []
        self.delay = 0.0
        self.down = False
        self.reply: Callable[[Dict[str, Any]], List[Dict[str, Any]]] = (
            lambda body: [{"recipient_id": body["sender"], "text": f"bot: {body['message']}"}])
        self.before_reply: Optional[Callable[[Dict[str, Any]], Any]] = None
        self.runner: Optional[web.AppRunner] = None

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.messages.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            return web.Response(status=503)
        if self.before_reply is not None:
            await self.before_reply(body)
        return web.json_response(self.reply(body))

    async def events(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503)
        self.tracker_events.append((request.match_info["sender"], await request.json()))
        return web.json_response({"events": []})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        app.router.add_post("/conversations/{sender}/tracker/events", self.events)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()


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

    async def get(self, path: str) -> tuple:
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url + path) as response:
                return response.status, await response.text()

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


class Client:
    """A websocket client that keeps what it received, so tests can wait for a frame."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.pending: List[Dict[str, Any]] = []
        self.received: List[Dict[str, Any]] = []
        self.welcome: Dict[str, Any] = {}

    @classmethod
    async def connect(cls, url: str, **options: Any) -> "Client":
        return cls(await websockets.connect(url, **options))

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps({k: v for k, v in frame.items() if v is not None}))

    async def send_raw(self, raw: Any) -> None:
        await self.ws.send(raw)

    async def expect(self, frame_type: str, timeout: float = 5.0, **match: Any) -> Dict[str, Any]:
        """The first frame of that type (and those values) not taken yet, waiting for it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for frame in self.pending:
                if frame.get("type") == frame_type and all(frame.get(k) == v for k, v in match.items()):
                    self.pending.remove(frame)
                    return frame
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"no {frame_type} frame with {match}; got {self.pending}")
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except asyncio.TimeoutError:
                continue
            frame = json.loads(raw)
            self.pending.append(frame)
            self.received.append(frame)

    async def event(self, kind: str = "message", **match: Any) -> Dict[str, Any]:
        return await self.expect("event", kind=kind, **match)

    async def quiet(self, seconds: float = 0.3) -> List[Dict[str, Any]]:
        """Everything that arrives within `seconds` (to check that nothing does)."""
        try:
            while True:
                raw = await asyncio.wait_for(self.ws.recv(), seconds)
                frame = json.loads(raw)
                self.pending.append(frame)
                self.received.append(frame)
        except (asyncio.TimeoutError, websockets.ConnectionClosed):
            return list(self.pending)

    async def close(self) -> None:
        await self.ws.close()


@pytest.fixture(scope="session", autouse=True)
def many_apps_in_one_process():
    """Sanic rewrites its HTTP class once per app unless in test mode; tests start many apps."""
    Sanic.test_mode = True
    yield
    Sanic.test_mode = False


@pytest.fixture
def hub_env(tmp_path) -> Iterator[Dict[str, str]]:
    """The hub's environment: SQLite and one process, or (inside scripts/with-scale-services)
    a fresh PostgreSQL database and Redis fan-out, so that the same tests prove both."""
    env = {
        "BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(tmp_path / "var"),
        "BOLT_HUB_PORT": str(free_port()), "BOLT_TOKEN_SECRET": TOKEN_SECRET,
        "BOLT_SERVICE_TOKEN": SERVICE_TOKEN, "BOLT_HUB_RASA_TIMEOUT": "1",
        "BOLT_HUB_AGENT_GRACE_SECONDS": "0.6", "BOLT_HUB_TICK_SECONDS": "0.1",
        "BOLT_HUB_OFFER_SECONDS": "30", "BOLT_HUB_ALLOWED_ORIGINS": "https://help.example.com",
    }
    if services.redis_url():
        env["BOLT_HUB_REDIS_URL"] = services.redis_url()
    if services.postgres_url() is None:
        yield env
        return
    with services.fresh_postgres_database(services.postgres_url()) as url:
        yield {**env, "BOLT_HUB_DATABASE_URL": url}


@pytest.fixture
def agents(hub_env):
    """Adds agents to the hub's database as `bolt agents add` does."""
    def add(name: str, languages: List[str], capacity: int = 2, supervisor: bool = False):
        repository = open_repository(HubSettings.from_env(hub_env).database_url)
        return add_agent(repository, name, languages, capacity, PASSWORD,
                         display_name=name.capitalize(), supervisor=supervisor)
    return add


@pytest.fixture
def bolt(hub_env):
    """`async with bolt(**env) as (hub, rasa)`: a running hub and its stand-in Rasa."""
    @asynccontextmanager
    async def running(**overrides: str) -> AsyncIterator[tuple]:
        rasa = FakeRasa()
        await rasa.start()
        env = {**hub_env, "BOLT_RASA_URL": rasa.url, **overrides}
        hub = Hub(HubSettings.from_env(env))
        await hub.start()
        try:
            yield hub, rasa
        finally:
            await hub.stop()
            await rasa.stop()
    return running


def new_client_id() -> str:
    return uuid.uuid4().hex[:12]
