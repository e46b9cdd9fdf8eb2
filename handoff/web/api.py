"""The hub's HTTP endpoints: the action server's /api/handoffs and /api/tickets, and /metrics
(health is handoff/web/health.py)."""
from __future__ import annotations

import hmac
import json
from typing import Any, Callable, Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json as json_response, raw

from bolt.core.handoff_request import HandoffRequest
from handoff.services.handoffs import Handoffs, NoAgents
from handoff.services.hub import Hub
from handoff.services.handoff_requests import (
    InvalidRequest, TicketRequest, handoff_request, ticket_request,
)

api = Blueprint("hub_api")
# What generate_latest() writes: the Prometheus text format, version 0.0.4.
EXPOSITION = "text/plain; version=0.0.4; charset=utf-8"


def _bearer(request: Request, token: Optional[str]) -> bool:
    """Whether the request carries `token` as its bearer token (never, when there is none)."""
    given = request.headers.get("authorization", "")
    expected = f"Bearer {token or ''}"
    return bool(token) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


NO_SUCH_CONVERSATION = {"error": "the hub has no such conversation"}


def _service_call(request: Request, read: Callable[[Any], Any],
                  answer: Callable[[Handoffs, Any], HTTPResponse]) -> HTTPResponse:
    """The answer to a call from the action server: refused without the service token or with a
    body `read` rejects, not found for a conversation the hub does not have, else `answer`'s."""
    if not _bearer(request, request.app.ctx.hub.settings.service_token):
        return json_response({"error": "a valid service token is required"}, status=401)
    try:
        body = read(json.loads(request.body or b""))
    except RecursionError:  # thousands of nested brackets: deeper than any real body
        return json_response({"error": "the body is nested too deeply", "field": "body"},
                             status=400)
    except ValueError as error:
        field = error.field if isinstance(error, InvalidRequest) else "body"
        message = str(error) if isinstance(error, InvalidRequest) else "the body is not valid JSON"
        return json_response({"error": message, "field": field}, status=400)
    try:
        return answer(request.app.ctx.hub.handoffs, body)
    except LookupError:
        return json_response(NO_SUCH_CONVERSATION, status=404)


@api.post("/api/handoffs")
async def post_handoff(request: Request) -> HTTPResponse:
    return _service_call(request, handoff_request, _hand_off)


def _hand_off(handoffs: Handoffs, handoff: HandoffRequest) -> HTTPResponse:
    try:
        queued, status = handoffs.hand_off(handoff)
    except NoAgents as error:
        return json_response({"status": "no_agents",
                              "error": f"no agent for {error} is online"}, status=409)
    return json_response(status, status=201 if queued else 200)


@api.post("/api/tickets")
async def post_ticket(request: Request) -> HTTPResponse:
    return _service_call(request, ticket_request, _open_ticket)


def _open_ticket(handoffs: Handoffs, wanted: TicketRequest) -> HTTPResponse:
    ticket, created = handoffs.open_ticket(wanted)
    return json_response({"ticket_id": ticket.public_id, "status": ticket.status},
                         status=201 if created else 200)


@api.get("/metrics")
async def metrics(request: Request) -> HTTPResponse:
    hub: Hub = request.app.ctx.hub
    # The queue's figures are for the operators' scraper only; with no token set, for no one.
    if not _bearer(request, hub.settings.metrics_token):
        return json_response({"error": "a valid metrics token is required"}, status=401,
                             headers={"WWW-Authenticate": "Bearer"})
    # Rendered from what is held: the gauges read from the database are refreshed in the
    # background (handoff/services/gauges.py), never per scrape.
    return raw(hub.metrics.exposition(), content_type=EXPOSITION)
