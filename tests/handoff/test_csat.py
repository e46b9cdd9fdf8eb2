"""The user's rating of an agent's chat (CSAT) over real sockets: asked once, on the first resolve
by an agent, never after a chat closed by a timeout; stored as a `csat` event before the ack,
checked, and read by the agent in the transcript."""
from __future__ import annotations

from handoff.rules.ownership import Move
from handoff.services.handoffs import off_the_queue
from handoff.services.satisfaction import BY_TIMEOUT, resolve_data
from support.tokens import user_token


async def handed_to(hub, user, agent, conversation_id: str) -> None:
    status, _ = await hub.hand_off(conversation_id, priority="P3")
    assert status == 201
    await user.event("queued")
    await agent.expect("offer")
    await agent.send(type="accept", conversation_id=conversation_id)
    await agent.expect("assigned")
    await user.event("agent_joined")


async def test_a_resolved_chat_asks_once_and_keeps_one_rating(bolt, agents):
    agents("erika", ["de"])
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        agent = await hub.agent("erika")

        await user.send(type="csat", client_id="c0", score=5)
        refused = await user.expect("error")
        assert (refused["code"], refused["ref"]) == ("not_allowed", "c0")

        await handed_to(hub, user, agent, conversation_id)
        await agent.send(type="resolve", conversation_id=conversation_id)
        resolved = await user.event("resolved")
        assert resolved["csat"] is True and resolved["by"] == "agent"

        for wrong, code in ((0, "invalid_field"), (6, "invalid_field"), ("5", "invalid_field"),
                            (None, "missing_field")):
            await user.send(type="csat", client_id="c1", score=wrong)
            error = await user.expect("error")
            assert (error["code"], error["field"]) == (code, "score")
        await user.send(type="csat", client_id="c1", score=4, comment="x" * 1001)
        assert (await user.expect("error"))["field"] == "comment"

        await user.send(type="csat", client_id="c2", score=4, comment="  Schnell und freundlich ")
        ack = await user.expect("ack", client_id="c2")
        rated = await user.event("csat")
        assert ack["duplicate"] is False and ack["seq"] == rated["seq"]
        assert (rated["score"], rated["comment"], rated["speaker"]) == (
            4, "Schnell und freundlich", "user")
        stored = hub.app.ctx.hub.repository.event(conversation_id, ack["seq"])
        assert (stored.kind, stored.data) == ("csat", {"score": 4, "comment": "Schnell und freundlich"})

        await user.send(type="csat", client_id="c3", score=1)
        again = await user.expect("ack", client_id="c3")
        assert again["duplicate"] is True and again["seq"] == ack["seq"]

        # Handed off again and resolved again: not asked a second time.
        await handed_to(hub, user, agent, conversation_id)
        await agent.send(type="resolve", conversation_id=conversation_id)
        second = await user.event("resolved")
        assert "csat" not in second and second["by"] == "agent"

        supervisor = await hub.agent("sam")
        await supervisor.send(type="transcript", conversation_id=conversation_id)
        transcript = await supervisor.expect("transcript")
        ratings = [e for e in transcript["events"] if e["kind"] == "csat"]
        assert [(e["score"], e["comment"]) for e in ratings] == [(4, "Schnell und freundlich")]


async def test_a_chat_closed_by_a_timeout_asks_for_no_rating(bolt, agents):
    agents("erika", ["de"])
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        agent = await hub.agent("erika")
        await handed_to(hub, user, agent, conversation_id)
        timeline = hub.app.ctx.hub.desk.timeline
        conversation = hub.app.ctx.hub.repository.conversation(conversation_id)
        timeline.move(conversation, Move.RESOLVE, "resolved", "hub_resolved",
                      changes=off_the_queue(), data=resolve_data(BY_TIMEOUT, False))
        closed = await user.event("resolved")
        assert closed["by"] == "timeout" and "csat" not in closed
        await user.send(type="csat", client_id="c1", score=2)
        assert (await user.expect("error"))["code"] == "not_allowed"
