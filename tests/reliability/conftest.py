"""The reliability suite: real hub processes, real sockets, real SQLite files."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

import pytest

from tests.handoff.conftest import FakeRasa, pytest_pyfunc_call  # noqa: F401  (async tests)
from tests.reliability.harness import HubProcess, hub_environment


@pytest.fixture
def hub_process(tmp_path):
    """`async with hub_process(**env) as (hub, rasa)`: a hub process and its stand-in Rasa."""
    @asynccontextmanager
    async def running(**overrides: str) -> AsyncIterator[tuple]:
        rasa = FakeRasa()
        await rasa.start()
        hub = HubProcess(hub_environment(tmp_path / "var", rasa.url, **overrides),
                         tmp_path / "hub.log")
        try:
            await hub.start()
            yield hub, rasa
        finally:
            hub.stop()
            await rasa.stop()
    return running
