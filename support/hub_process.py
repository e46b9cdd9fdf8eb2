"""The hub as `bolt run` starts it: its own process (`python -m handoff`), so that it can be
killed for real and started again on the same database; the SQLite file can be read back
directly to check what was stored."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import aiohttp

from handoff.config import HubSettings
from handoff.services.agents import add_agent
from handoff.store.database import connect, migrate
from handoff.store.repository import Repository
from support import REPOSITORY
from support.hub import Hub
from support.tokens import PASSWORD

STARTUP_SECONDS = 60.0
STOP_SECONDS = 15.0


class HubProcess(Hub):
    """One hub process, talked to as the in-process Hub is (`post`, `hand_off`, `user`,
    `agent`); `kill()` is SIGKILL, `start()` again reuses its database."""

    def __init__(self, env: Dict[str, str], log_path: Path):
        super().__init__(HubSettings.from_env(env))
        self.env = env
        self.log_path = log_path
        self.port = self.settings.port
        self.database = Path(env["BOLT_STATE_DIR"]) / "hub.sqlite3"  # unless on PostgreSQL
        self.process: Optional[subprocess.Popen] = None

    async def start(self) -> None:
        # A session of its own: the hub and whatever it starts are signalled together.
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "handoff"], cwd=REPOSITORY, env={**os.environ, **self.env},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            await self._answering()
        except BaseException:  # not left running behind a failed start
            self.terminate()
            raise

    async def _answering(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STARTUP_SECONDS
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as session:
            while loop.time() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the hub exited: {self.log_path.read_text()[-2000:]}")
                try:
                    async with session.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the hub did not answer in {STARTUP_SECONDS:.0f} s")

    def kill(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def terminate(self) -> None:
        """SIGTERM, as a service manager stops it; SIGKILL if it has not exited in time."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()

    async def stop(self) -> None:
        self.terminate()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def add_agent(self, name: str, languages: List[str], capacity: int = 2) -> None:
        """As `bolt agents add` does, on the hub's database."""
        engine = connect(self.settings.database_url)
        migrate(engine)
        add_agent(Repository(engine), name, languages, capacity, PASSWORD,
                  display_name=name.capitalize(), cost=self.settings.password_cost)
        engine.dispose()

    def stored(self, conversation_id: str) -> List[Tuple[int, str, str, Optional[str]]]:
        """(seq, speaker, kind, client_id) of every stored event, read from the file itself."""
        with sqlite3.connect(self.database) as db:
            return db.execute(
                "SELECT seq, speaker, kind, client_id FROM events WHERE conversation_id = ? "
                "ORDER BY id", (conversation_id,)).fetchall()

    def owner(self, conversation_id: str) -> Tuple[str, Optional[int]]:
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT owner, agent_id FROM conversations WHERE id = ?",
                              (conversation_id,)).fetchone()
