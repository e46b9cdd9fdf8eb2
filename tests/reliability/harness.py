"""The hub as `bolt run` starts it: its own process (`python -m handoff`), killed and restarted
for real, with a stand-in Rasa (tests/handoff/conftest.py) on 127.0.0.1 and the SQLite file read
back directly to check what was stored."""
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

from handoff.services.agents import add_agent
from handoff.store.database import connect, migrate
from handoff.store.repository import Repository
from tests.handoff.conftest import PASSWORD, SERVICE_TOKEN, TOKEN_SECRET, Client, free_port

REPOSITORY = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30.0


def hub_environment(state_dir: Path, rasa_url: str, **overrides: str) -> Dict[str, str]:
    return {
        "BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(state_dir),
        "BOLT_HUB_PORT": str(free_port()), "BOLT_TOKEN_SECRET": TOKEN_SECRET,
        "BOLT_SERVICE_TOKEN": SERVICE_TOKEN, "BOLT_RASA_URL": rasa_url,
        "BOLT_HUB_RASA_TIMEOUT": "2", "BOLT_HUB_TICK_SECONDS": "0.2",
        "BOLT_HUB_ALLOWED_ORIGINS": "https://help.example.com", **overrides,
    }


class HubProcess:
    """One hub process on a free port; `kill()` is SIGKILL, `start()` again reuses its database."""

    def __init__(self, env: Dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.port = int(env["BOLT_HUB_PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.database = Path(env["BOLT_STATE_DIR"]) / "hub.sqlite3"
        self.process: Optional[subprocess.Popen] = None

    async def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "handoff"], cwd=REPOSITORY, env={**os.environ, **self.env},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = asyncio.get_running_loop().time() + STARTUP_SECONDS
        async with aiohttp.ClientSession() as session:
            while asyncio.get_running_loop().time() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the hub exited: {self.log_path.read_text()[-2000:]}")
                try:
                    async with session.get(self.url + "/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the hub did not answer in {STARTUP_SECONDS} s")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def add_agent(self, name: str, languages: List[str], capacity: int = 2) -> None:
        engine = connect(f"sqlite:///{self.database}")
        migrate(engine)
        add_agent(Repository(engine), name, languages, capacity, PASSWORD,
                  display_name=name.capitalize())
        engine.dispose()

    async def user(self, token: Optional[str] = None, locale: str = "de-DE", **hello) -> Client:
        client = await Client.connect(self.ws_url + "/ws/chat")
        await client.send(type="hello", locale=locale, token=token, **hello)
        client.welcome = await client.expect("welcome")
        return client

    async def agent(self, name: str) -> Client:
        client = await Client.connect(self.ws_url + "/ws/agent")
        await client.send(type="login", name=name, password=PASSWORD)
        client.welcome = await client.expect("welcome")
        await client.send(type="status", status="online")
        await client.expect("status", status="online")
        return client

    async def hand_off(self, conversation_id: str, language: str = "de") -> int:
        from tests.handoff.conftest import handoff_body

        async with aiohttp.ClientSession() as session:
            async with session.post(self.url + "/api/handoffs",
                                    json=handoff_body(conversation_id, language=language),
                                    headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}) as response:
                return response.status

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


def sender_client_id(stored_id: str) -> str:
    """The client's own id from the stored one (`user:<id>`, `agent:<agent id>:<id>`)."""
    return stored_id.split(":", 2)[2] if stored_id.startswith("agent:") else stored_id[5:]


def assert_acknowledged_kept(stored: List[Tuple[int, str, str, Optional[str]]],
                             acknowledged: Dict[str, int]) -> None:
    """Every acknowledged message is stored once, under the seq it was acknowledged with, in
    the order it was sent; the seqs of the conversation are 1, 2, 3... with no repeats."""
    seqs = [row[0] for row in stored]
    assert seqs == list(range(1, len(seqs) + 1)), seqs
    by_client = {}
    for seq, _speaker, _kind, stored_id in stored:
        if stored_id is not None:
            client_id = sender_client_id(stored_id)
            assert client_id not in by_client, f"{client_id} stored twice"
            by_client[client_id] = seq
    for client_id, seq in acknowledged.items():
        assert by_client.get(client_id) == seq, (client_id, seq, by_client.get(client_id))
    in_sending_order = [by_client[c] for c in acknowledged]
    assert in_sending_order == sorted(in_sending_order)
