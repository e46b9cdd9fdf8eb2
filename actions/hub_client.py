"""The action server's client of the hub: `POST /api/handoffs` and `POST /api/tickets`.

The contract is docs/handoff-api.md; this module is the only place of the action server that
speaks it. The hand-off's body is bolt/core/handoff_request.py, which the hub reads into too.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

from actions.metrics import HUB_SECONDS
from bolt.core import logs
from bolt.core.handoff_request import HandoffRequest

log = logs.get_logger(__name__)


class HubError(RuntimeError):
    """The hub did not take the request."""


class HubUnavailable(HubError):
    """No answer in time, a 5xx, or an answer outside the contract."""


class NoAgents(HubError):
    """409: no agent for the conversation's language is online."""


@dataclass(frozen=True)
class Queued:
    status: str
    position: Optional[int]
    estimated_wait_seconds: Optional[float]
    deadline: Optional[str]
    already_queued: bool


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    status: str


class HubClient:
    def __init__(self, base_url: str, service_token: str, timeout_seconds: float) -> None:
        self._base_url = base_url.rstrip("/")
        self._service_token = service_token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def request_handoff(self, request: HandoffRequest) -> Queued:
        status, body = await self._post("/api/handoffs", request.as_json())
        if status == 409 and body.get("status") == "no_agents":
            raise NoAgents(str(body.get("error") or "no agents online"))
        if status in (200, 201) and body.get("status"):
            return Queued(
                status=str(body["status"]),
                position=body.get("position"),
                estimated_wait_seconds=body.get("estimated_wait_seconds"),
                deadline=body.get("deadline"),
                already_queued=status == 200,
            )
        raise self._refused("handoff", status, body)

    async def open_ticket(self, request: HandoffRequest, reason: str,
                          email: Optional[str] = None) -> Ticket:
        """The web ticket; `email` is the directory's address for the user (the hub mails the
        ticket's replies there when the help center's token named none)."""
        body_out = request.as_json()
        body_out.pop("first_response_hours")
        body_out["reason"] = reason
        if email:
            body_out["email"] = email
        status, body = await self._post("/api/tickets", body_out)
        if status in (200, 201) and body.get("ticket_id"):
            return Ticket(ticket_id=str(body["ticket_id"]), status=str(body.get("status") or ""))
        raise self._refused("ticket", status, body)

    async def _post(self, path: str, payload: Dict[str, Any]) -> tuple[int, Dict[str, Any]]:
        url = f"{self._base_url}{path}"
        headers = {"Authorization": f"Bearer {self._service_token}"}
        started = time.perf_counter()
        try:
            async with aiohttp.ClientSession(timeout=self._timeout) as session:
                async with session.post(url, json=payload, headers=headers) as response:
                    try:
                        body = await response.json(content_type=None)
                    except ValueError:
                        body = None
                    HUB_SECONDS.labels(path, "answered").observe(time.perf_counter() - started)
                    return response.status, body if isinstance(body, dict) else {}
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            HUB_SECONDS.labels(path, "unreachable").observe(time.perf_counter() - started)
            raise HubUnavailable(f"{url}: {type(error).__name__} {error}") from error

    @staticmethod
    def _refused(what: str, status: int, body: Dict[str, Any]) -> HubUnavailable:
        # 400/401/404 mean Bolt or its configuration is wrong: loud in the log, and for the user
        # the same as an unreachable hub (never a promise of an agent).
        say = log.warning if status >= 500 else log.error
        say("hub.refused", request=what, status=status, error=body.get("error"))
        return HubUnavailable(f"the hub answered {status}: {body.get('error') or body}")
