"""One hub as its own process (`python -m handoff`), for the multi-hub tests and benchmark."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, Optional

from tests.handoff.conftest import REPOSITORY, SERVICE_TOKEN, TOKEN_SECRET, Hub, free_port


def hub_process_env(state_dir: Path, rasa_url: str, database_url: str, redis_url: str,
                    **overrides: str) -> Dict[str, str]:
    env = {
        "BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(state_dir),
        "BOLT_HUB_PORT": str(free_port()), "BOLT_TOKEN_SECRET": TOKEN_SECRET,
        "BOLT_SERVICE_TOKEN": SERVICE_TOKEN, "BOLT_RASA_URL": rasa_url,
        "BOLT_HUB_DATABASE_URL": database_url, "BOLT_HUB_REDIS_URL": redis_url,
        "BOLT_HUB_RATE_PER_SECOND": "1000", "BOLT_HUB_RATE_BURST": "1000", **overrides,
    }
    return {key: value for key, value in env.items() if value}


class HubProcess(Hub):
    """One hub as its own process (`python -m handoff`), so that it can be killed for real."""

    def __init__(self, env: Dict[str, str], log: Path):
        from handoff.config import HubSettings

        super().__init__(HubSettings.from_env(env))
        self.env = env
        self.log = log
        self.process: Optional[subprocess.Popen] = None

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

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    async def stop(self) -> None:
        self.terminate()
