"""Several hubs on one machine: real `python -m handoff` processes sharing PostgreSQL and Redis.

These tests need the services of scripts/with-scale-services (`make test` runs them inside it);
without BOLT_TEST_POSTGRES_URL and BOLT_TEST_REDIS_URL they are skipped, saying why.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from tests.handoff.conftest import (  # noqa: F401  (fixtures and helpers shared with the hub's tests)
    REPOSITORY, SERVICE_TOKEN, TOKEN_SECRET, Hub, many_apps_in_one_process, free_port,
)
from tests.handoff.conftest import pytest_pyfunc_call  # noqa: F401  (runs the async tests)
from tests.support import services


@pytest.fixture
def scale_services() -> Dict[str, str]:
    if services.postgres_url() is None or services.redis_url() is None:
        pytest.skip("needs PostgreSQL and Redis: run inside scripts/with-scale-services")
    return {"postgres": services.postgres_url(), "redis": services.redis_url()}


@pytest.fixture
def shared_database(scale_services) -> Iterator[str]:
    with services.fresh_postgres_database(scale_services["postgres"]) as url:
        yield url


class HubProcess(Hub):
    """One hub as its own process (`python -m handoff`), so that it can be killed for real."""

    def __init__(self, env: Dict[str, str], log: Path):
        from handoff.config import HubSettings

        super().__init__(HubSettings.from_env(env))
        self.env = env
        self.log = log
        self.process: subprocess.Popen = None

    async def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "handoff"], cwd=REPOSITORY, env={**os.environ, **self.env},
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the hub did not start in 60 s")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    async def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def hub_processes(tmp_path, shared_database, scale_services):
    """`hub_processes(rasa_url)` starts one more hub on the shared database and Redis."""
    started: List[HubProcess] = []

    async def start(rasa_url: str, **overrides: str) -> HubProcess:
        env = {
            "BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(tmp_path / "var"),
            "BOLT_HUB_PORT": str(free_port()), "BOLT_TOKEN_SECRET": TOKEN_SECRET,
            "BOLT_SERVICE_TOKEN": SERVICE_TOKEN, "BOLT_RASA_URL": rasa_url,
            "BOLT_HUB_DATABASE_URL": shared_database, "BOLT_HUB_REDIS_URL": scale_services["redis"],
            "BOLT_HUB_TICK_SECONDS": "0.2", "BOLT_HUB_PRESENCE_SECONDS": "2",
            "BOLT_HUB_AGENT_GRACE_SECONDS": "30", "BOLT_HUB_RATE_PER_SECOND": "1000",
            "BOLT_HUB_RATE_BURST": "1000", **overrides,
        }
        hub = HubProcess(env, tmp_path / f"hub-{len(started)}.log")
        started.append(hub)
        await hub.start()
        return hub

    yield start
    for hub in started:
        if hub.process is not None and hub.process.poll() is None:
            hub.process.terminate()
            try:
                hub.process.wait(15)
            except subprocess.TimeoutExpired:
                hub.kill()
