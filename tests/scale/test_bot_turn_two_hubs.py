"""Two hubs on one PostgreSQL never both ask Rasa for the same user message: the user's socket
moves to hub B while hub A still waits for Rasa's answer, and each message is answered once, in
order; hub A killed while asking, hub B asks once A's lease has lapsed. Each hub has a stand-in
Rasa of its own, so that who asked what shows."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import List

from sqlalchemy import create_engine, text

from support.fake_rasa import FakeRasa
from support.tokens import user_token

# Rasa's timeout of both hubs: a lease of 2 x 2 + 5 s (handoff/rules/bot_backlog.py).
QUICK_RASA = {"BOLT_HUB_RASA_TIMEOUT": "2"}


async def asked(rasa: FakeRasa, count: int, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if len(rasa.messages) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"Rasa was asked {len(rasa.messages)} times, not {count}")


def said(database_url: str, conversation_id: str) -> List[tuple]:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(
                "SELECT seq, speaker, kind, text FROM events WHERE conversation_id = :id "
                "ORDER BY seq"), {"id": conversation_id})]
    finally:
        engine.dispose()


def lease_until(database_url: str, conversation_id: str) -> datetime:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT bot_turn_until FROM conversations WHERE id = :id"),
                {"id": conversation_id}).scalar_one()
    finally:
        engine.dispose()


async def test_the_socket_moves_to_hub_b_while_hub_a_is_slowly_asking(hub_processes,
                                                                       shared_database):
    rasa_a, rasa_b = FakeRasa(), FakeRasa()
    await rasa_a.start()
    await rasa_b.start()
    try:
        hub_a = await hub_processes(rasa_a.url, **QUICK_RASA)
        hub_b = await hub_processes(rasa_b.url, **QUICK_RASA)
        rasa_a.delay = 1.5  # in time, but slow
        user = await hub_a.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Frage 1")
        await user.expect("ack", client_id="m1")
        await asked(rasa_a, 1)
        await user.close()

        moved = await hub_b.user(token=user_token(), conversation_id=conversation_id,
                                 last_seq=1)
        await moved.send(type="message", client_id="m2", text="Frage 2")
        await moved.expect("ack", client_id="m2")
        first = await moved.event(speaker="bot", timeout=15)
        second = await moved.event(speaker="bot", timeout=15)
        assert [first["text"], second["text"]] == ["bot: Frage 1", "bot: Frage 2"]
        assert [e for e in await moved.quiet(2.0) if e.get("speaker") == "bot"] == []
        # Frage 1 asked by hub A alone, Frage 2 by hub B alone, once A had answered.
        assert [m["message"] for m in rasa_a.messages] == ["Frage 1"]
        assert [m["message"] for m in rasa_b.messages] == ["Frage 2"]
        assert said(shared_database, conversation_id) == [
            (1, "user", "message", "Frage 1"), (2, "user", "message", "Frage 2"),
            (3, "bot", "message", "bot: Frage 1"), (4, "bot", "message", "bot: Frage 2")]
        await moved.close()
    finally:
        await rasa_a.stop()
        await rasa_b.stop()


async def test_hub_a_killed_while_asking_and_hub_b_asks_once_the_lease_lapsed(
        hub_processes, shared_database):
    rasa_a, rasa_b = FakeRasa(), FakeRasa()
    await rasa_a.start()
    await rasa_b.start()
    try:
        hub_a = await hub_processes(rasa_a.url, **QUICK_RASA)
        hub_b = await hub_processes(rasa_b.url, **QUICK_RASA)
        asked_by_b: List[datetime] = []
        answer_b = rasa_b.reply

        def noted(body):
            asked_by_b.append(datetime.now(timezone.utc).replace(tzinfo=None))
            return answer_b(body)
        rasa_b.reply = noted
        rasa_a.delay = 1.5
        user = await hub_a.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Ist da jemand?")
        await user.expect("ack", client_id="m1")
        await asked(rasa_a, 1)
        until = lease_until(shared_database, conversation_id)
        hub_a.kill()
        await user.close()

        moved = await hub_b.user(token=user_token(), conversation_id=conversation_id,
                                 last_seq=1)
        answer = await moved.event(speaker="bot", timeout=30)
        assert (answer["seq"], answer["text"]) == (2, "bot: Ist da jemand?")
        assert [e for e in await moved.quiet(2.0) if e.get("speaker") == "bot"] == []
        assert [m["message"] for m in rasa_b.messages] == ["Ist da jemand?"]
        assert asked_by_b[0] >= until  # not before hub A's lease had lapsed
        assert said(shared_database, conversation_id) == [
            (1, "user", "message", "Ist da jemand?"), (2, "bot", "message", "bot: Ist da jemand?")]
        await moved.close()
    finally:
        await rasa_a.stop()
        await rasa_b.stop()
