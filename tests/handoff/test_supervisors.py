"""Supervisors on a real hub: the board, joining a chat silently, whispering, taking over,
reassigning; agents who leave a chat unanswered flagged and the chat given to someone else; and
each agent's console language kept for their later sign-ins. The supervisors' frames are theirs
alone (docs/protocol.md, "Agent rights"), each refused to other agents."""
import pytest

from handoff.config import HubSettings
from handoff.services.agents import open_repository
from handoff.services.audit import Audit
from support.tokens import user_token
from tests.handoff.test_agents import queued_user, taken

SUPERVISOR_FRAMES = {
    "board": {},
    "watch": {"conversation_id": "c-x"},
    "unwatch": {"conversation_id": "c-x"},
    "whisper": {"conversation_id": "c-x", "client_id": "w-1", "text": "psst"},
    "take_over": {"conversation_id": "c-x"},
    "reassign": {"conversation_id": "c-x", "agent": "anna"},
}


def audit_log(hub_env, action):
    repository = open_repository(HubSettings.from_env(hub_env).database_url)
    try:
        return Audit(repository).entries(action=action)
    finally:
        repository.close()


async def held_chat(hub, anna):
    user, conversation_id = await queued_user(hub)
    await taken(anna, conversation_id)
    return user, conversation_id


async def close(*clients):
    for client in clients:
        await client.close()


async def test_the_chosen_console_language_is_kept_for_later_sign_ins(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna", status="away")
        assert anna.welcome["agent"]["locale"] is None
        other_tab = await hub.agent("anna", status="away")
        await anna.send(type="locale", locale="ja")
        assert (await anna.expect("locale"))["locale"] == "ja"
        assert (await other_tab.expect("locale"))["locale"] == "ja"
        await anna.send(type="locale", locale="fr")
        refused = await anna.expect("error")
        assert (refused["code"], refused["field"]) == ("invalid_field", "locale")
        await close(anna, other_tab)
        again = await hub.agent("anna", status="away")
        assert again.welcome["agent"]["locale"] == "ja"
        await again.close()


@pytest.mark.parametrize("kind", sorted(SUPERVISOR_FRAMES))
async def test_each_supervisor_frame_is_refused_to_other_agents(bolt, agents, kind):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna", status="away")
        await anna.send(type=kind, **SUPERVISOR_FRAMES[kind])
        assert (await anna.expect("error"))["code"] == "forbidden"
        await anna.close()


async def test_the_board_shows_every_open_chat_and_every_agent_live(bolt, agents):
    agents("anna", ["de"])
    agents("jo", ["ja"])
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        jo = await hub.agent("jo", status="away")
        sue = await hub.agent("sue", status="away")
        await sue.send(type="board")
        board = await sue.expect("board")
        assert board["chats"] == []
        by_name = {a["name"]: a for a in board["agents"]}
        assert (by_name["anna"]["status"], by_name["anna"]["held"], by_name["anna"]["connected"]) \
            == ("online", 0, True)
        assert by_name["jo"]["status"] == "away"

        user, conversation_id = await queued_user(hub, priority="P1")
        waiting = await sue.expect("board", timeout=3)
        while not waiting["chats"]:
            waiting = await sue.expect("board", timeout=3)
        [chat] = waiting["chats"]
        assert (chat["conversation_id"], chat["owner"], chat["language"], chat["priority"]) == (
            conversation_id, "queue", "de", "P1")
        assert chat["queued_at"] and chat["deadline"]

        await taken(anna, conversation_id)
        while True:
            held = await sue.expect("board", timeout=3)
            if held["chats"] and held["chats"][0]["owner"] == "agent":
                break
        assert held["chats"][0]["agent"] == "anna" and held["chats"][0]["assigned_at"]
        assert {a["name"]: a["held"] for a in held["agents"]}["anna"] == 1
        await close(anna, jo, sue, user)


async def test_a_supervisor_joins_silently_and_whispers_to_the_agent_alone(bolt, agents, hub_env):
    agents("anna", ["de"])
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await held_chat(hub, anna)
        sue = await hub.agent("sue", status="away")
        await user.event(kind="agent_joined")
        user.pending.clear()  # what came before the supervisor
        seen_by_user = len(user.received)

        await sue.send(type="watch", conversation_id=conversation_id)
        watching = await sue.expect("watching")
        assert watching["conversation"]["agent"] == "anna"
        history = await sue.expect("history")
        assert any(e["kind"] == "agent_joined" for e in history["events"])
        assert [f for f in await user.quiet(0.4) if f["type"] == "event"] == [], \
            "the user is told nothing of a supervisor watching"
        assert len(user.received) == seen_by_user

        await user.send(type="message", client_id="u1", text="Meine Rechnung ist falsch")
        assert (await sue.event(speaker="user"))["text"] == "Meine Rechnung ist falsch"
        await anna.send(type="note", conversation_id=conversation_id, client_id="n1",
                        text="checking billing")
        assert (await sue.event(kind="note"))["internal"] is True

        await sue.send(type="whisper", conversation_id=conversation_id, client_id="w1",
                       text="Offer the refund form")
        ack = await sue.expect("ack", client_id="w1")
        whisper = await anna.event(kind="whisper")
        assert (whisper["text"], whisper["name"], whisper["internal"], whisper["seq"]) == (
            "Offer the refund form", "Sue", True, ack["seq"])
        await anna.send(type="message", conversation_id=conversation_id, client_id="a1",
                        text="Ich schicke Ihnen das Formular")
        assert (await user.event(speaker="agent"))["text"] == "Ich schicke Ihnen das Formular"
        assert not [f for f in user.received if f.get("kind") in ("whisper", "note")
                    or f.get("internal")]

        # Nor on resume: a fresh socket reading every event from the start.
        again = await hub.user(token=user_token("u-1", "acme"), conversation_id=conversation_id,
                               last_seq=0)
        replayed = await again.quiet(0.6)
        kinds = [f.get("kind") for f in replayed if f["type"] == "event"]
        assert "agent_joined" in kinds and "whisper" not in kinds and "note" not in kinds
        assert ack["seq"] not in [f.get("seq") for f in replayed]

        joined = audit_log(hub_env, "chat.joined")
        assert [(e["actor"], e["details"]["conversation_id"]) for e in joined] == [
            ("sue", conversation_id)]
        await close(anna, sue, user, again)


async def test_a_whisper_needs_an_agent_holding_the_chat(bolt, agents):
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        sue = await hub.agent("sue", status="away")
        user = await hub.user(token=user_token("u-1", "acme"))
        await sue.send(type="whisper", conversation_id=user.welcome["conversation_id"],
                       client_id="w1", text="hello?")
        assert (await sue.expect("error"))["code"] == "not_found"
        await close(sue, user)


async def test_a_supervisor_takes_over_a_chat_from_its_agent(bolt, agents, hub_env):
    agents("anna", ["de"])
    agents("sue", ["en"], supervisor=True, capacity=1)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await held_chat(hub, anna)
        sue = await hub.agent("sue", status="away")
        await sue.send(type="watch", conversation_id=conversation_id)
        await sue.expect("watching")
        await sue.send(type="take_over", conversation_id=conversation_id)
        assigned = await sue.expect("assigned")
        assert (assigned["conversation"]["owner"], assigned["conversation"]["agent"]) == (
            "agent", "sue")
        assert (await anna.expect("released"))["reason"] == "taken_over"
        told = await user.event(kind="transferred")
        assert told["name"] == "Sue"

        await sue.send(type="message", conversation_id=conversation_id, client_id="s1",
                       text="Hier ist Sue")
        await sue.expect("ack", client_id="s1")
        assert (await user.event(speaker="agent"))["text"] == "Hier ist Sue"
        await anna.send(type="message", conversation_id=conversation_id, client_id="a9",
                        text="noch da?")
        assert (await anna.expect("error"))["code"] == "not_yours"
        [entry] = audit_log(hub_env, "chat.taken_over")
        assert (entry["actor"], entry["details"]) == (
            "sue", {"conversation_id": conversation_id, "from": "anna"})
        await sue.send(type="take_over", conversation_id=conversation_id)
        assert (await sue.expect("error"))["code"] == "not_yours"
        await close(anna, sue, user)


async def test_a_supervisor_reassigns_a_held_chat_and_a_waiting_one(bolt, agents, hub_env):
    agents("anna", ["de"])
    agents("ben", ["de"], capacity=2)
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await held_chat(hub, anna)
        ben = await hub.agent("ben", status="away")
        sue = await hub.agent("sue", status="away")
        await sue.send(type="reassign", conversation_id=conversation_id, agent="ben")
        assert (await sue.expect("error"))["code"] == "agent_unavailable"  # away
        await ben.send(type="status", status="online")
        await ben.expect("status")
        await sue.send(type="reassign", conversation_id=conversation_id, agent="ben")
        assert (await ben.expect("assigned"))["conversation"]["agent"] == "ben"
        assert (await anna.expect("released"))["reason"] == "reassigned"
        assert (await user.event(kind="transferred"))["name"] == "Ben"

        # A waiting chat, given to an agent straight from the queue.
        await anna.send(type="status", status="away")
        await anna.expect("status")
        other, waiting_id = await queued_user(hub, "u-2")
        await sue.send(type="reassign", conversation_id=waiting_id, agent="ben")
        assigned = await ben.expect("assigned", timeout=5)
        while assigned["conversation"]["conversation_id"] != waiting_id:
            assigned = await ben.expect("assigned", timeout=5)
        details = [e["details"] for e in audit_log(hub_env, "chat.reassigned")]
        assert {"conversation_id": waiting_id, "to": "ben", "from": None} in details
        assert {"conversation_id": conversation_id, "to": "ben", "from": "anna"} in details
        await close(anna, ben, sue, user, other)


async def test_a_held_chat_left_unanswered_goes_to_another_agent(bolt, agents, hub_env):
    agents("anna", ["de"])
    agents("ben", ["de"])
    agents("sue", ["en"], supervisor=True)
    async with bolt(BOLT_HUB_ANSWER_SECONDS="0.8") as (hub, rasa):
        anna = await hub.agent("anna")
        sue = await hub.agent("sue", status="away")
        user, conversation_id = await held_chat(hub, anna)
        ben = await hub.agent("ben")
        released = await anna.expect("released", timeout=5)
        assert (released["conversation_id"], released["reason"]) == (conversation_id, "unanswered")
        assert (await anna.expect("status"))["status"] == "away"
        flagged = await sue.expect("flagged", timeout=5)
        assert (flagged["agent"], flagged["reason"], flagged["conversation_id"]) == (
            "anna", "held", conversation_id)
        assert (await user.event(kind="requeued"))["reason"] == "unanswered"
        offer = await ben.expect("offer", timeout=5)
        assert offer["conversation"]["conversation_id"] == conversation_id
        [entry] = audit_log(hub_env, "agent.flagged")
        assert (entry["actor"], entry["origin"], entry["details"]["agent"]) == (
            "bolt", "hub", "anna")

        # Ben answers in time: the chat stays his.
        await ben.send(type="accept", conversation_id=conversation_id)
        await ben.expect("assigned")
        await ben.send(type="message", conversation_id=conversation_id, client_id="b1",
                       text="Ich bin da")
        await ben.expect("ack")
        assert not [f for f in await ben.quiet(1.5) if f["type"] == "released"]
        await close(anna, ben, sue, user)


async def test_an_offer_nobody_accepts_flags_its_agent_on_the_board(bolt, agents):
    agents("anna", ["de"])
    agents("sue", ["en"], supervisor=True)
    async with bolt(BOLT_HUB_OFFER_SECONDS="0.4") as (hub, rasa):
        anna = await hub.agent("anna")
        sue = await hub.agent("sue", status="away")
        await sue.send(type="board")
        await sue.expect("board")
        _, conversation_id = await queued_user(hub)
        await anna.expect("offer")
        await anna.expect("offer_withdrawn", reason="expired")
        flagged = await sue.expect("flagged", timeout=3)
        assert (flagged["agent"], flagged["reason"]) == ("anna", "offered")
        while True:
            board = await sue.expect("board", timeout=3)
            anna_on_board = {a["name"]: a for a in board["agents"]}["anna"]
            if anna_on_board["flagged"]:
                break
        assert anna_on_board["flagged"]["conversation_id"] == conversation_id
        # Taking a chat clears the flag.
        again = await anna.expect("offer", timeout=3)
        await anna.send(type="accept", conversation_id=again["conversation"]["conversation_id"])
        await anna.expect("assigned")
        while True:
            board = await sue.expect("board", timeout=3)
            if not {a["name"]: a for a in board["agents"]}["anna"]["flagged"]:
                break
        await close(anna, sue)
