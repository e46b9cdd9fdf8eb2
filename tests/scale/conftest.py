"""Several hubs on one machine: real `python -m handoff` processes sharing PostgreSQL and Redis.

These tests need the services of scripts/with-scale-services (`make test` runs them inside it);
without BOLT_TEST_POSTGRES_URL and BOLT_TEST_REDIS_URL they are skipped, saying why.
"""
from __future__ import annotations

import uuid
from typing import Dict, Iterator, List

import pytest

from support import services
from support.hub import MANY_SENDERS, hub_environment
from support.hub_process import HubProcess
from tests.handoff.conftest import TEST_TIMEOUT, run_async_test
from tests.handoff.conftest import many_apps_in_one_process  # noqa: F401  (a shared fixture)


def pytest_pyfunc_call(pyfuncitem):
    """Runs the async tests; a module with long races sets its own TEST_TIMEOUT (seconds)."""
    return run_async_test(pyfuncitem, getattr(pyfuncitem.module, "TEST_TIMEOUT", TEST_TIMEOUT))


@pytest.fixture
def scale_services() -> Dict[str, str]:
    if services.postgres_url() is None or services.redis_url() is None:
        pytest.skip("needs PostgreSQL and Redis: run inside scripts/with-scale-services")
    return {"postgres": services.postgres_url(), "redis": services.redis_url()}


@pytest.fixture
def shared_database(scale_services) -> Iterator[str]:
    with services.fresh_postgres_database(scale_services["postgres"]) as url:
        yield url


@pytest.fixture
def hub_processes(tmp_path, shared_database, scale_services):
    """`hub_processes(rasa_url)` starts one more hub on the shared database and Redis."""
    started: List[HubProcess] = []
    prefix = f"bolt-test-{uuid.uuid4().hex}:"  # this test's hubs share keys no other test sees

    async def start(rasa_url: str, **overrides: str) -> HubProcess:
        env = hub_environment(
            tmp_path / "var", rasa_url, MANY_SENDERS,
            **{"BOLT_HUB_DATABASE_URL": shared_database,
               "BOLT_HUB_REDIS_URL": scale_services["redis"], "BOLT_HUB_TICK_SECONDS": "0.2",
               "BOLT_HUB_PRESENCE_SECONDS": "2", "BOLT_HUB_AGENT_GRACE_SECONDS": "30",
               "BOLT_HUB_REDIS_PREFIX": prefix,
               **overrides})
        hub = HubProcess(env, tmp_path / f"hub-{len(started)}.log")
        started.append(hub)
        await hub.start()
        return hub

    yield start
    for hub in started:
        hub.terminate()
