"""The hub client against a hub on a real socket that checks docs/handoff-api.md."""
import asyncio
import time

import pytest

from actions.hub_client import HandoffRequest, HubClient, HubUnavailable, NoAgents
from support.ports import free_port
from support.tokens import SERVICE_TOKEN

ACCOUNT = {"account_id": "acme", "account_name": "Acme GmbH", "plan": "business",
           "support_plan": "premier", "user_id": "u-42", "user_name": "Erika Muster",
           "role": "admin", "licensed": True, "country": "DE",
           "rights": ["live_chat", "web_ticket", "phone", "priority_response", "direct_tier2"]}


def request(**changes):
    fields = dict(conversation_id="c-1", language="de", priority="P2", reason="request_human",
                  first_response_hours=4, summary="Meetings drop", account=ACCOUNT)
    fields.update(changes)
    return HandoffRequest(**fields)


def client(url, token=SERVICE_TOKEN, timeout=2.0):
    return HubClient(url, token, timeout)


def test_a_handoff_is_queued_and_a_retry_is_safe(hub):
    first = asyncio.run(client(hub.url).request_handoff(request()))
    assert (first.status, first.position, first.already_queued) == ("queued", 1, False)
    assert first.estimated_wait_seconds is None and first.deadline == "2026-12-01T10:12:00Z"
    again = asyncio.run(client(hub.url).request_handoff(request()))
    assert again.already_queued is True
    assert hub.handoffs[0] == request().as_json()


def test_the_summary_is_cut_to_the_contracts_limit(hub):
    asyncio.run(client(hub.url).request_handoff(request(summary="x" * 5000)))
    assert len(hub.handoffs[0]["summary"]) == 2000


def test_no_agents_is_its_own_answer_and_a_ticket_follows(hub):
    hub.mode = "no_agents"
    with pytest.raises(NoAgents):
        asyncio.run(client(hub.url).request_handoff(request()))
    ticket = asyncio.run(client(hub.url).open_ticket(request(), reason="no_agents"))
    assert ticket.ticket_id == "T-000001" and ticket.status == "open"
    assert hub.tickets[0]["reason"] == "no_agents" and "first_response_hours" not in hub.tickets[0]


@pytest.mark.parametrize("setup, problem", [
    (lambda hub: setattr(hub, "mode", "broken"), "500"),
    (lambda hub: setattr(hub, "service_token", "another"), "401"),
    (lambda hub: None, "400"),  # the request below breaks the contract
])
def test_refusals_and_failures_are_the_hub_being_unavailable(hub, setup, problem):
    setup(hub)
    bad = request(priority="P9") if problem == "400" else request()
    with pytest.raises(HubUnavailable, match=problem):
        asyncio.run(client(hub.url).request_handoff(bad))
    assert hub.handoffs == []


def test_a_hub_that_does_not_answer_in_time_is_unavailable(hub):
    hub.mode, hub.delay = "slow", 3.0
    started = time.monotonic()
    with pytest.raises(HubUnavailable):
        asyncio.run(client(hub.url, timeout=0.5).request_handoff(request()))
    assert time.monotonic() - started < 2.5


def test_nothing_listening_is_unavailable():
    with pytest.raises(HubUnavailable, match="127.0.0.1"):
        asyncio.run(client(f"http://127.0.0.1:{free_port()}").request_handoff(request()))
