"""`bolt run` as an operator starts it, in a process of its own on free ports, for the kill -9
tests and the recovery benchmark: its three servers found by their command lines, killed with
SIGKILL and timed until they answer again; and a user of the hub who keeps one conversation
across it all, resending what was not acknowledged as the sidebar does."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import websockets

from bolt.core.settings import Settings
from support.client import Client
from support.live_bolt import settings_on_free_ports

# What each server's command line holds (bolt/processes.py).
MARKS = {"hub": "-m handoff", "action server": "-m actions.server", "Rasa server": "bot.rasa_server"}
STOP_SECONDS = 60.0


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


class BoltRun:
    """One `bolt run` process serving `home`'s model, its state in `state_dir`."""

    def __init__(self, home: Path, state_dir: Path, log_path: Path) -> None:
        self.settings: Settings = settings_on_free_ports(home, BOLT_STATE_DIR=str(state_dir))
        self.log_path = log_path
        self.process: Optional[subprocess.Popen] = None

    @property
    def health_urls(self) -> Dict[str, str]:
        settings = self.settings
        return {"hub": f"{settings.hub_url}/healthz",
                "action server": f"http://{settings.actions_host}:{settings.actions_port}/health",
                "Rasa server": f"{settings.rasa_url}/version"}

    def start(self, timeout: float = 600.0) -> None:
        settings = self.settings
        env = {**os.environ, "BOLT_HOME": str(settings.home), "BOLT_HOST": settings.host,
               "BOLT_RASA_PORT": str(settings.rasa_port),
               "BOLT_ACTIONS_PORT": str(settings.actions_port),
               "BOLT_HUB_PORT": str(settings.hub_port), "BOLT_STATE_DIR": str(settings.state_dir),
               "BOLT_DEMO": "false"}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bolt.cli", "run"], cwd=settings.home, env=env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while "Bolt is running" not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"bolt run did not start: {self.log()[-3000:]}")
            time.sleep(0.5)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def servers(self) -> Dict[str, int]:
        """The pid of each of the three servers `bolt run` runs now."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        found: Dict[str, int] = {}
        for child in children:
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue  # gone meanwhile
            for name, mark in MARKS.items():
                if mark in command:
                    found[name] = int(child)
        return found

    def kill(self, name: str) -> Tuple[int, float]:
        """SIGKILLs the server; its pid and when."""
        pid = self.servers()[name]
        os.kill(pid, signal.SIGKILL)
        return pid, time.monotonic()

    def back(self, name: str, killed_pid: int, since: float, timeout: float) -> float:
        """Seconds from `since` until a new process of that server answers its health check."""
        deadline = since + timeout
        url = self.health_urls[name]
        while time.monotonic() < deadline:
            pid = self.servers().get(name)
            if pid is not None and pid != killed_pid and answers(url):
                return time.monotonic() - since
            time.sleep(0.05)
        raise AssertionError(f"the {name} was not back in {timeout:.0f} s: {self.log()[-3000:]}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def pause(self, name: str) -> int:
        """SIGSTOPs the server (it takes what it is sent and answers nothing): a slow one."""
        pid = self.servers()[name]
        os.kill(pid, signal.SIGSTOP)
        return pid

    @staticmethod
    def carry_on(pid: int) -> None:
        os.kill(pid, signal.SIGCONT)

    def said(self, conversation_id: str) -> List[Tuple[int, str, str, Optional[str]]]:
        """(seq, speaker, kind, text) of the conversation's events, from the hub's file."""
        with sqlite3.connect(self.settings.state_dir / "hub.sqlite3") as db:
            return db.execute(
                "SELECT seq, speaker, kind, text FROM events WHERE conversation_id = ? "
                "ORDER BY seq", (conversation_id,)).fetchall()

    def stored(self, conversation_id: str) -> List[Tuple[int, str, str, Optional[str]]]:
        """(seq, speaker, kind, client_id) of the conversation's events, from the hub's file."""
        with sqlite3.connect(self.settings.state_dir / "hub.sqlite3") as db:
            return db.execute(
                "SELECT seq, speaker, kind, client_id FROM events WHERE conversation_id = ? "
                "ORDER BY id", (conversation_id,)).fetchall()


class KeptConversation:
    """An anonymous user of the hub with one conversation: reconnects and resumes after a drop,
    resends what was not acknowledged, and remembers what was."""

    def __init__(self, ws_url: str) -> None:
        self.url = ws_url + "/ws/chat"
        self.client: Optional[Client] = None
        self.conversation_id: Optional[str] = None
        self.resume_key: Optional[str] = None
        self.last_seq = 0
        self.acknowledged: Dict[str, int] = {}
        self.unacknowledged: Dict[str, str] = {}
        self.sent = 0
        self.kept: List[int] = []

    async def connect(self, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                self.client = await Client.connect(self.url, ping_interval=None)
                await self.client.send(type="hello", locale="en-US",
                                       conversation_id=self.conversation_id,
                                       resume_key=self.resume_key, last_seq=self.last_seq)
                welcome = await self.client.expect("welcome", timeout=10)
                break
            except (OSError, websockets.WebSocketException, AssertionError):
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.1)
        self.conversation_id = welcome["conversation_id"]
        self.resume_key = welcome.get("resume_key", self.resume_key)
        for client_id, text in list(self.unacknowledged.items()):
            await self._acknowledged(client_id, text)

    async def say(self, text: str) -> int:
        """Sends a message; its seq once acknowledged."""
        self.sent += 1
        client_id = f"m{self.sent}"
        self.unacknowledged[client_id] = text
        return await self._acknowledged(client_id, text)

    async def _acknowledged(self, client_id: str, text: str) -> int:
        await self.client.send(type="message", client_id=client_id, text=text)
        ack = await self.client.expect("ack", timeout=30, client_id=client_id)
        del self.unacknowledged[client_id]
        self.acknowledged[client_id] = ack["seq"]
        return ack["seq"]

    async def frame_after(self, seq: int, timeout: float, **match: Any) -> Dict[str, Any]:
        """The first event after `seq` with those values."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            event = await self.client.expect("event", timeout=max(left, 0.01), **match)
            self.last_seq = max(self.last_seq, event["seq"])
            if event["seq"] > seq:
                return event

    async def answer_to(self, seq: int, timeout: float) -> Dict[str, Any]:
        """The bot's answer to the message stored under `seq`."""
        return await self.frame_after(seq, timeout, speaker="bot")

    async def drop(self) -> None:
        if self.client is not None:
            for frame in self.client.received:
                if frame.get("type") == "event":
                    self.last_seq = max(self.last_seq, frame["seq"])
            try:
                await self.client.close()
            except (OSError, websockets.WebSocketException):
                pass


QUESTIONS = ("How do I submit a web ticket?", "What support plans do you offer?",
             "support phone number for Japan", "thanks")


async def kill_each_in_turn(run: BoltRun, timeout: float) -> Tuple[KeptConversation,
                                                                      Dict[str, float]]:
    """The hub, the action server, then the Rasa server SIGKILLed in turn while a user chats:
    after each, the user's next message is answered. The hub is killed right after it
    acknowledged a message while Rasa was slow (stopped): that message is answered after the
    hub's restart. Returns the user and, for each server, the seconds until it answered its
    health check again (`<name>`) and until the user had an answer to a message sent after the
    kill (`<name> to an answer`); and `user.kept`, the seq of each message acknowledged before
    or during a kill, answered after it."""
    user = KeptConversation(f"ws://{run.settings.host}:{run.settings.hub_port}")
    await user.connect(timeout=30)
    await user.answer_to(await user.say("hello"), timeout=120)
    times: Dict[str, float] = {}
    for number, name in enumerate(("hub", "action server", "Rasa server")):
        others = {n: pid for n, pid in run.servers().items() if n != name}
        kept: Optional[int] = None
        paused: Optional[int] = None
        if name == "hub":  # acknowledged (stored) while the hub waits for Rasa, then killed
            paused = run.pause("Rasa server")
            try:
                kept = await user.say("Is anyone there?")
            except BaseException:
                run.carry_on(paused)
                raise
            user.kept.append(kept)
        try:
            pid, since = run.kill(name)
        finally:
            if paused is not None:
                run.carry_on(paused)
        if name == "Rasa server":  # said while Rasa is down: kept, and answered once it is back
            kept = await user.say("Are you still there?")
            user.kept.append(kept)
            await user.frame_after(kept, timeout=60, kind="bot_unavailable")
        times[name] = await asyncio.to_thread(run.back, name, pid, since, timeout)
        assert {n: p for n, p in run.servers().items() if n != name} == others, name
        if name == "hub":
            await user.drop()
            await user.connect(timeout=60)
        if kept is not None:
            await user.answer_to(kept, timeout=timeout)
        asked = await user.say(QUESTIONS[number])
        await user.answer_to(asked, timeout=120)
        times[f"{name} to an answer"] = time.monotonic() - since
    return user, times
