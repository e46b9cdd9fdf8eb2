"""POST /api/handoffs and /api/tickets as docs/handoff-api.md says; /healthz and /metrics."""
import json

from support.hub import handoff_body
from support.tokens import user_token


async def test_handoff_answers_every_case_of_the_contract(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token())
        conversation_id = user.welcome["conversation_id"]
        body = handoff_body(conversation_id)

        assert (await hub.post("/api/handoffs", body, token=None))[0] == 401
        assert (await hub.post("/api/handoffs", body, token="wrong"))[0] == 401
        status, answer = await hub.post("/api/handoffs", b"{not json")
        assert (status, answer["field"]) == (400, "body")
        status, answer = await hub.post("/api/handoffs", {**body, "priority": "urgent"})
        assert (status, answer["field"]) == (400, "priority")
        status, answer = await hub.post("/api/handoffs", {**body, "conversation_id": "c-none"})
        assert status == 404

        status, answer = await hub.post("/api/handoffs", body)  # anna is not online yet
        assert status == 409 and answer["status"] == "no_agents"
        assert hub.core.repository.conversation(conversation_id).owner == "bot"

        anna = await hub.agent("anna")
        status, answer = await hub.post("/api/handoffs", body)
        assert status == 201 and answer["status"] == "queued" and answer["position"] == 1
        assert answer["deadline"].endswith("Z") and answer["estimated_wait_seconds"] is None
        status, again = await hub.post("/api/handoffs", body)  # a retry changes nothing
        assert status == 200 and again["status"] == "queued"
        assert hub.core.repository.conversation(conversation_id).last_seq == 1
        await user.close()
        await anna.close()


async def test_tickets_keep_the_transcript_and_a_retry_gets_the_same_ticket(bolt):
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token())
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Kein Agent da?")
        await user.event(speaker="bot")
        body = {"conversation_id": conversation_id, "language": "de", "priority": "P3",
                "reason": "no_agents", "summary": "wants a person"}
        assert (await hub.post("/api/tickets", body, token="nope"))[0] == 401
        assert (await hub.post("/api/tickets", {**body, "language": "xx"}))[0] == 400
        assert (await hub.post("/api/tickets", {**body, "conversation_id": "c-x"}))[0] == 404
        status, ticket = await hub.post("/api/tickets", body)
        assert status == 201 and ticket["ticket_id"].startswith("T-") and ticket["status"] == "open"
        opened = await user.event("ticket_opened")
        assert ticket["ticket_id"] in opened["text"]
        status, again = await hub.post("/api/tickets", body)
        assert status == 200 and again == ticket
        stored = hub.core.repository.tickets()[0]
        assert [e["text"] for e in stored.transcript] == ["Kein Agent da?", "bot: Kein Agent da?"]
        await user.close()


async def test_health_and_metrics(bolt, agents):
    agents("anna", ["de"])
    async with bolt(BOLT_HUB_METRICS_SECONDS="0.1") as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token())
        await user.send(type="message", client_id="m1", text="Hallo")
        await user.event(speaker="bot")
        await hub.hand_off(user.welcome["conversation_id"], priority="P1")
        status, health = await hub.get("/healthz")
        assert status == 200 and json.loads(health) == {"status": "ok"}
        status, ready = await hub.get("/readyz")
        assert status == 200 and json.loads(ready)["status"] == "ready"
        await hub.metrics('bolt_hub_queue_length{language="de",priority="P1"} 1.0',
                          'bolt_hub_conversations{owner="queue"} 1.0',
                          'bolt_hub_conversations{owner="agent"} 0.0',
                          'bolt_hub_messages_relayed_total{speaker="user"} 1.0',
                          'bolt_hub_messages_relayed_total{speaker="bot"} 1.0',
                          'bolt_hub_bot_replies_total 1.0', 'bolt_hub_bot_latency_seconds_count 1.0',
                          'bolt_hub_agents_available{language="de"} 1.0')
        await anna.close()
        await user.close()


async def test_bodies_no_request_can_be_made_of_are_refused_with_400(bolt, agents):
    """JSON that parses but makes no deadline (Infinity hours), or is nested too deep to parse."""
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token())
        body = json.dumps(handoff_body(user.welcome["conversation_id"]))
        for raw, field in [(body.replace('"first_response_hours": 4', '"first_response_hours": '
                                         'Infinity'), "first_response_hours"),
                           ("[" * 100000 + "]" * 100000, "body")]:
            status, answer = await hub.post("/api/handoffs", raw)
            assert (status, answer["field"]) == (400, field)
        assert hub.core.repository.conversation(user.welcome["conversation_id"]).owner == "bot"
        status, answer = await hub.post("/api/handoffs", body)  # the hub carries on
        assert status == 201 and answer["status"] == "queued"
        await anna.close()
        await user.close()
