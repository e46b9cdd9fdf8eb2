"""A WebSocket client of the hub that keeps every frame it received, so that a test can wait for
one."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Tuple

import websockets


class Client:
    """A websocket client that keeps what it received, so tests can wait for a frame."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.pending: List[Dict[str, Any]] = []
        self.received: List[Dict[str, Any]] = []
        self.welcome: Dict[str, Any] = {}

    @classmethod
    async def connect(cls, url: str, **options: Any) -> "Client":
        return cls(await websockets.connect(url, **options))

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps({k: v for k, v in frame.items() if v is not None}))

    async def send_raw(self, raw: Any) -> None:
        await self.ws.send(raw)

    async def expect(self, frame_type: str, timeout: float = 5.0, **match: Any) -> Dict[str, Any]:
        """The first frame of that type (and those values) not taken yet, waiting for it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for frame in self.pending:
                if frame.get("type") == frame_type and all(frame.get(k) == v for k, v in match.items()):
                    self.pending.remove(frame)
                    return frame
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"no {frame_type} frame with {match}; got {self.pending}")
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except asyncio.TimeoutError:
                continue
            frame = json.loads(raw)
            self.pending.append(frame)
            self.received.append(frame)

    async def event(self, kind: str = "message", **match: Any) -> Dict[str, Any]:
        return await self.expect("event", kind=kind, **match)

    async def quiet(self, seconds: float = 0.3) -> List[Dict[str, Any]]:
        """Everything that arrives within `seconds` (to check that nothing does)."""
        try:
            while True:
                raw = await asyncio.wait_for(self.ws.recv(), seconds)
                frame = json.loads(raw)
                self.pending.append(frame)
                self.received.append(frame)
        except (asyncio.TimeoutError, websockets.ConnectionClosed):
            return list(self.pending)

    async def close(self) -> None:
        """Closes the socket; one the hub's end already dropped (a killed hub) is closed too."""
        try:
            await self.ws.close()
        except websockets.ConnectionClosed:
            pass


async def online_agent(ws_url: str, name: str, password: str) -> Tuple[Client, Dict[str, Any]]:
    """An agent signed in on the hub at `ws_url` and online: the client and its welcome."""
    agent = await Client.connect(ws_url + "/ws/agent")
    await agent.send(type="login", name=name, password=password)
    welcome = await agent.expect("welcome")
    await agent.send(type="status", status="online")
    await agent.expect("status", status="online")
    return agent, welcome
