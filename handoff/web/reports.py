"""The reports over HTTP, for supervisors signed in to the console (their session token as the
bearer token): the figures as JSON, and the CSV exports (docs/protocol.md, "Reports").

    GET /api/reports?from=2026-12-01&to=2026-12-07&language=de&topic=web_ticket&agent=erika
    GET /api/reports/conversations.csv?...   one row per conversation still held
    GET /api/reports/days.csv?...            one row per day and language
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json as json_response, text

from bolt.core.languages import SUPPORTED_LANGUAGES
from handoff.rules.client_address import client_address
from handoff.services.hub import Hub
from handoff.services.reports import NotSupervisor, Period, period
from handoff.store.schema import Agent
from handoff.wire.protocol import ProtocolError

reports = Blueprint("hub_reports")
CSV = "text/csv; charset=utf-8"
BEARER = "Bearer "


def _agent(request: Request, hub: Hub) -> Optional[Agent]:
    given = request.headers.get("authorization", "")
    if not given.startswith(BEARER) or not 0 < len(given) - len(BEARER) <= 256:
        return None
    try:
        return hub.desk.sign_in.with_session(given[len(BEARER):])
    except ProtocolError:
        return None


async def _answer(request: Request, make: Callable[[Hub, Agent, Period, str], Any],
                  respond: Callable[[Any], HTTPResponse]) -> HTTPResponse:
    hub: Hub = request.app.ctx.hub
    agent = _agent(request, hub)
    if agent is None:
        return json_response({"error": "a console session of a supervisor is required"},
                             status=401, headers={"WWW-Authenticate": "Bearer"})
    if not agent.supervisor:
        return json_response({"error": "reports are for supervisors"}, status=403)
    args = request.args
    try:
        wanted = period(args.get("from"), args.get("to"), hub.clock().date(),
                        args.get("language"), args.get("topic"), args.get("agent"),
                        SUPPORTED_LANGUAGES)
    except ValueError as error:
        return json_response({"error": str(error)}, status=400)
    origin = client_address(request.ip, request.headers.get("x-forwarded-for"),
                            hub.settings.trusted_proxies)
    try:
        # Read off the loop: a long period reads many events.
        result = await asyncio.get_running_loop().run_in_executor(
            None, make, hub, agent, wanted, origin)
    except NotSupervisor:
        return json_response({"error": "reports are for supervisors"}, status=403)
    return respond(result)


def _csv(name: str) -> Callable[[Any], HTTPResponse]:
    def respond(body: str) -> HTTPResponse:
        return text(body, content_type=CSV, headers={
            "Content-Disposition": f'attachment; filename="bolt-{name}.csv"',
            "Cache-Control": "no-store"})
    return respond


@reports.get("/api/reports")
async def figures(request: Request) -> HTTPResponse:
    return await _answer(request, lambda hub, agent, wanted, origin:
                         hub.reports.figures(agent, wanted),
                         lambda body: json_response(body, headers={"Cache-Control": "no-store"}))


@reports.get("/api/reports/conversations.csv")
async def conversations_csv(request: Request) -> HTTPResponse:
    return await _answer(request, lambda hub, agent, wanted, origin:
                         hub.reports.conversations_csv(agent, wanted, origin),
                         _csv("conversations"))


@reports.get("/api/reports/days.csv")
async def days_csv(request: Request) -> HTTPResponse:
    return await _answer(request, lambda hub, agent, wanted, origin:
                         hub.reports.days_csv(agent, wanted, origin), _csv("days"))
