"""The hub's health: `GET /healthz` (the process is alive: what supervision restarts on) and
`GET /readyz` (it can take traffic: its store answers and, with several hubs, so does Redis).

A hub stays ready while Rasa is down: it still keeps the queue and serves the agents, and queues
the users Rasa does not answer. Rasa's state is in /readyz's body and in the metrics
(`bolt_hub_rasa_up`). Neither endpoint needs a token, and neither tells more than up or down.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Dict

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json as json_response
from sqlalchemy import text

from handoff.services.hub import Hub

log = logging.getLogger(__name__)
health = Blueprint("hub_health")
# The longest wait for the store's answer to a readiness look.
STORE_SECONDS = 2.0


@health.get("/healthz")
async def healthz(request: Request) -> HTTPResponse:
    # Alive is all: a store or a Rasa that is down is not cured by restarting the hub.
    return json_response({"status": "ok"})


@health.get("/readyz")
async def readyz(request: Request) -> HTTPResponse:
    hub: Hub = request.app.ctx.hub
    store, broker, rasa = await asyncio.gather(
        _store_answers(request), hub.broker.answers(), hub.rasa.answers())
    hub.metrics.rasa_up.set(1 if rasa else 0)
    ready = store and broker
    body: Dict[str, str] = {"status": "ready" if ready else "not_ready",
                            "store": _state(store), "broker": _state(broker),
                            "rasa": _state(rasa)}
    return json_response(body, status=200 if ready else 503)


def _state(answers: bool) -> str:
    return "up" if answers else "down"


async def _store_answers(request: Request) -> bool:
    engine = request.app.ctx.engine

    def look() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1 FROM conversations LIMIT 1"))

    try:
        await asyncio.wait_for(asyncio.to_thread(look), STORE_SECONDS)
        return True
    except Exception as error:  # noqa: BLE001 - any failure is "not ready"; the log says which
        log.error("the store did not answer the readiness look: %s", type(error).__name__)
        return False
