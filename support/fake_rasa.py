"""A stand-in Rasa for the hub: its REST channel and tracker API on 127.0.0.1, answering at once
(or late, or not at all, as told); the tracker API, like Rasa's, only with the test token."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web

from support.ports import free_port
from support.tokens import RASA_TOKEN


class FakeRasa:
    """Rasa's REST channel and tracker API, answering `bot: <text>` unless told otherwise."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.messages: List[Dict[str, Any]] = []
        self.tracker_events: List[Any] = []
        self.delay = 0.0
        self.down = False
        self.reply: Callable[[Dict[str, Any]], List[Dict[str, Any]]] = (
            lambda body: [{"recipient_id": body["sender"], "text": f"bot: {body['message']}"}])
        self.before_reply: Optional[Callable[[Dict[str, Any]], Any]] = None
        self.runner: Optional[web.AppRunner] = None

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.messages.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            return web.Response(status=503)
        if self.before_reply is not None:
            await self.before_reply(body)
        return web.json_response(self.reply(body))

    async def events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:  # as Rasa started with --auth-token
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        if self.down:
            return web.Response(status=503)
        self.tracker_events.append((request.match_info["sender"], await request.json()))
        return web.json_response({"events": []})

    async def version(self, request: web.Request) -> web.Response:
        # Rasa answers it without a token once its model is loaded: the hub's look at Rasa.
        return web.json_response({"version": "3.6.21"})

    async def start(self) -> None:
        """Listens on its port (again, after `stop()`: Rasa restarted on the same address)."""
        app = web.Application()
        app.router.add_get("/version", self.version)
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        app.router.add_post("/conversations/{sender}/tracker/events", self.events)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()
