"""The reliability suite: real hub processes, real sockets, real SQLite files."""
from __future__ import annotations

import os
from typing import AsyncContextManager

import pytest

from support.hub import QUICK_FAULTS, hub_environment, with_fake_rasa
from support.hub_process import HubProcess
from tests.handoff.conftest import run_async_test

# Every test is bounded; the soak as long as it was asked to run, and a margin.
TEST_TIMEOUT = 90 + float(os.environ.get("BOLT_SOAK_SECONDS", "20"))


def pytest_pyfunc_call(pyfuncitem):
    return run_async_test(pyfuncitem, TEST_TIMEOUT)


@pytest.fixture
def hub_process(tmp_path):
    """`async with hub_process(**env) as (hub, rasa)`: a hub process and its stand-in Rasa."""
    def running(**overrides: str) -> AsyncContextManager[tuple]:
        return with_fake_rasa(lambda rasa_url: HubProcess(
            hub_environment(tmp_path / "var", rasa_url, QUICK_FAULTS, **overrides),
            tmp_path / "hub.log"))
    return running
