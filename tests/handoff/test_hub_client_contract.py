"""The action server's own hub client (actions/hub_client.py) against the real hub."""
import pytest

from actions.hub_client import HandoffRequest, HubClient, HubUnavailable, NoAgents
from support.hub import handoff_body
from support.tokens import SERVICE_TOKEN, user_token


def request_for(conversation_id: str, **fields) -> HandoffRequest:
    return HandoffRequest(**{**handoff_body(conversation_id), **fields})


async def test_the_action_servers_client_and_the_hub_agree(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token())
        conversation_id = user.welcome["conversation_id"]
        client = HubClient(hub.url, SERVICE_TOKEN, timeout_seconds=5)
        with pytest.raises(NoAgents):
            await client.request_handoff(request_for(conversation_id))
        ticket = await client.open_ticket(request_for(conversation_id), reason="no_agents")
        assert ticket.ticket_id.startswith("T-") and ticket.status == "open"

        anna = await hub.agent("anna")
        queued = await client.request_handoff(request_for(conversation_id))
        assert (queued.status, queued.position, queued.already_queued) == ("queued", 1, False)
        again = await client.request_handoff(request_for(conversation_id))
        assert again.already_queued is True
        with pytest.raises(HubUnavailable):
            await HubClient(hub.url, "wrong", 5).request_handoff(request_for(conversation_id))
        with pytest.raises(HubUnavailable):
            await client.request_handoff(request_for("c-unknown"))
        await anna.expect("offer")
        await user.close()
        await anna.close()
