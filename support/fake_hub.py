"""A stand-in hub for the action server: POST /api/handoffs and /api/tickets as
docs/handoff-api.md says.

It checks the requests against the contract, records them, and answers as told (`mode`): queue,
no_agents, broken (500), or slow (answers after `delay` seconds).
"""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from aiohttp import web

from support.ports import free_port

LANGUAGES = ("en", "ja", "ru", "id", "it", "de")
ACCOUNT_FIELDS = ("account_id", "account_name", "plan", "support_plan", "user_id", "user_name",
                  "role", "licensed", "country", "rights")


def contract_problem(body: Any, ticket: bool) -> Optional[str]:
    if not isinstance(body, dict):
        return "body"
    checks = {
        "conversation_id": isinstance(body.get("conversation_id"), str) and body["conversation_id"],
        "language": body.get("language") in LANGUAGES,
        "priority": body.get("priority") in ("P1", "P2", "P3", "P4"),
        "summary": isinstance(body.get("summary"), str) and len(body["summary"]) <= 2000,
        "account": isinstance(body.get("account"), dict)
        and all(name in body["account"] for name in ACCOUNT_FIELDS),
    }
    if ticket:
        checks["reason"] = isinstance(body.get("reason"), str) and body["reason"]
    else:
        checks["reason"] = body.get("reason") in ("request_human", "fallback", "report_problem")
        hours = body.get("first_response_hours")
        checks["first_response_hours"] = isinstance(hours, (int, float)) and hours > 0
    return next((name for name, ok in checks.items() if not ok), None)


@dataclass
class FakeHub:
    service_token: str
    mode: str = "queue"
    delay: float = 0.0
    handoffs: List[Dict[str, Any]] = field(default_factory=list)
    tickets: List[Dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handoffs(self, request: web.Request) -> web.Response:
        refused = await self._refused(request, ticket=False)
        if refused is not None:
            return refused
        body = await request.json()
        if self.mode == "slow":
            await asyncio.sleep(self.delay)
        if self.mode == "broken":
            return web.json_response({"error": "database is down"}, status=500)
        if self.mode == "no_agents":
            return web.json_response(
                {"status": "no_agents", "error": f"no agent for {body['language']}"}, status=409)
        again = any(h["conversation_id"] == body["conversation_id"] for h in self.handoffs)
        self.handoffs.append(body)
        return web.json_response(
            {"status": "queued", "position": len(self.handoffs), "estimated_wait_seconds": None,
             "deadline": "2026-12-01T10:12:00Z"}, status=200 if again else 201)

    async def _tickets(self, request: web.Request) -> web.Response:
        refused = await self._refused(request, ticket=True)
        if refused is not None:
            return refused
        self.tickets.append(await request.json())
        return web.json_response(
            {"ticket_id": f"T-{len(self.tickets):06d}", "status": "open"}, status=201)

    async def _refused(self, request: web.Request, ticket: bool) -> Optional[web.Response]:
        if request.headers.get("Authorization") != f"Bearer {self.service_token}":
            return web.json_response({"error": "wrong service token"}, status=401)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "not JSON"}, status=400)
        problem = contract_problem(body, ticket)
        if problem:
            return web.json_response({"error": "invalid", "field": problem}, status=400)
        return None


class RunningHub:
    """Serves a FakeHub on 127.0.0.1 from a thread of its own, until stopped."""

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: Optional[web.AppRunner] = None

    def start(self) -> FakeHub:
        app = web.Application()
        app.router.add_post("/api/handoffs", self.hub._handoffs)
        app.router.add_post("/api/tickets", self.hub._tickets)
        self._runner = web.AppRunner(app)
        self._thread.start()
        self.hub.port = free_port()

        async def serve() -> None:
            assert self._runner is not None
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", self.hub.port).start()

        asyncio.run_coroutine_threadsafe(serve(), self._loop).result(timeout=10)
        return self.hub

    def stop(self) -> None:
        async def shut_down() -> None:
            if self._runner is not None:
                await self._runner.cleanup()
            # A slow answer may still be sleeping: end it rather than leave it behind.
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shut_down(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
