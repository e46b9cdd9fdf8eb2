"""The hub on a real socket with a real SQLite file (support/hub.py); Rasa is a small local HTTP
server here (support/fake_rasa.py).

`async def` tests run on a fresh event loop each (no plugin needed): the hub, the stand-in
Rasa and the websocket clients all share it, talking over 127.0.0.1.
"""
from __future__ import annotations

import asyncio
import inspect
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import (Any, AsyncContextManager, AsyncIterator, Awaitable, Callable, Dict, Iterator,
                    List)

import pytest
from sanic import Sanic

from bolt.core.secrets import Secrets, load_secrets
from bolt.core.settings import Settings
from bolt.processes import bolt_services
from handoff.config import HubSettings
from handoff.services.agents import add_agent, open_repository
from handoff.wire.reads import HubProtocol
from support import services
from support.hub import Hub, hub_environment, with_fake_rasa
from support.live_bolt import log_file, serving as serving_processes, settings_on_free_ports
from support.ports import free_port
from support.tokens import PASSWORD

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
    env = hub_environment(
        tmp_path / "var", BOLT_HUB_RASA_TIMEOUT="1", BOLT_HUB_AGENT_GRACE_SECONDS="0.6",
        BOLT_HUB_TICK_SECONDS="0.1", BOLT_HUB_OFFER_SECONDS="30",
        BOLT_HUB_ALLOWED_ORIGINS="https://help.example.com")
    if services.redis_url():
        # Keys of their own: one test's failed sign-ins slow no other test's agents.
        env["BOLT_HUB_REDIS_URL"] = services.redis_url()
        env["BOLT_HUB_REDIS_PREFIX"] = f"bolt-test-{uuid.uuid4().hex}:"
    if services.postgres_url() is None:
        yield env
        return
    with services.fresh_postgres_database(services.postgres_url()) as url:
        yield {**env, "BOLT_HUB_DATABASE_URL": url}


@pytest.fixture
def agents(hub_env):
    """Adds agents to the hub's database as `bolt agents add` does."""
    def add(name: str, languages: List[str], capacity: int = 2, supervisor: bool = False,
            editor: bool = False):
        settings = HubSettings.from_env(hub_env)
        return add_agent(open_repository(settings.database_url), name, languages, capacity,
                         PASSWORD, display_name=name.capitalize(), supervisor=supervisor,
                         cost=settings.password_cost, editor=editor)
    return add


@pytest.fixture
def bolt(hub_env):
    """`async with bolt(**env) as (hub, rasa)`: a running hub and its stand-in Rasa."""
    def running(**overrides: str) -> AsyncContextManager[tuple]:
        return with_fake_rasa(lambda rasa_url: Hub(HubSettings.from_env(
            {**hub_env, "BOLT_RASA_URL": rasa_url, **overrides})))
    return running


def new_client_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class LiveBolt:
    settings: Settings
    secrets: Secrets
    logs: Dict[str, Path]  # what each process wrote, by its name in bolt/processes.py


@pytest.fixture(scope="session")
def live_bolt(trained_model, repository, tmp_path_factory) -> Iterator[LiveBolt]:
    """The trained Bolt's three processes, started as `bolt run` starts them, in demo mode (the
    demo accounts) with the agent erika (de), logging one JSON object a line into files."""
    state, logs = tmp_path_factory.mktemp("state"), tmp_path_factory.mktemp("logs")
    settings = settings_on_free_ports(repository, BOLT_STATE_DIR=str(state), BOLT_DEMO="true")
    add_agent(open_repository(f"sqlite:///{state.resolve()}/hub.sqlite3"), "erika", ["de"], 2,
              PASSWORD, display_name="Erika")
    processes = bolt_services(settings, trained_model)
    assert [s.name for s in processes] == ["action server", "Rasa server", "hub"]
    for process in processes:
        process.env["BOLT_LOG_FORMAT"] = "json"
    with serving_processes(processes, repository, timeout=240, logs=logs):
        yield LiveBolt(settings, load_secrets(state),
                       {p.name: log_file(logs, p) for p in processes})
