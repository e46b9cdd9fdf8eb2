"""The reliability suite: real hub processes, real sockets, real SQLite files."""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import AsyncIterator

import pytest

from support.fake_rasa import FakeRasa
from support.hub_process import QUICK_FAULTS, HubProcess, hub_environment
from tests.handoff.conftest import run_async_test

# Every test is bounded; the soak as long as it was asked to run, and a margin.
TEST_TIMEOUT = 90 + float(os.environ.get("BOLT_SOAK_SECONDS", "20"))


def pytest_pyfunc_call(pyfuncitem):
    return run_async_test(pyfuncitem, TEST_TIMEOUT)


@pytest.fixture
def hub_process(tmp_path):
    """`async with hub_process(**env) as (hub, rasa)`: a hub process and its stand-in Rasa."""
    @asynccontextmanager
    async def running(**overrides: str) -> AsyncIterator[tuple]:
        rasa = FakeRasa()
        await rasa.start()
        hub = HubProcess(hub_environment(tmp_path / "var", rasa.url, QUICK_FAULTS, **overrides),
                         tmp_path / "hub.log")
        try:
            await hub.start()
            yield hub, rasa
        finally:
            hub.terminate()
            await rasa.stop()
    return running
