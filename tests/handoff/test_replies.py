"""Shared and personal replies on /ws/agent, frame by frame: what each agent sees, who may change
what (only supervisors the shared ones, each change in the audit log; one's own, seen by no one
else), codes unique where they must be, the seeded set and Bolt's answers in a language, and the
audit log paged for the console. On SQLite, and on PostgreSQL inside scripts/with-scale-services."""
from __future__ import annotations

import shutil
from datetime import datetime

from sqlalchemy import select

from handoff.services.answers import BoltAnswers
from handoff.store import replies as table
from support import REPOSITORY, content
from tests.handoff.privacy_data import hub_repository
from tests.handoff.test_audit import entries

SEEDED = {"greeting", "checking", "anything-else"}


def codes(frame):
    return {(reply["code"], reply["shared"]) for reply in frame["replies"]}


async def refused(client, code, field=None):
    error = await client.expect("error")
    assert error["code"] == code, error
    if field:
        assert error["field"] == field, error
    return error


async def listing(client, language):
    await client.send(type="replies", language=language)
    return await client.expect("replies", language=language)


async def test_every_agent_starts_with_the_seeded_replies_and_bolts_answers(bolt, agents):
    agents("kenji", ["ja"])
    async with bolt() as (hub, rasa):
        kenji = await hub.agent("kenji")
        japanese = await listing(kenji, "ja")
        assert codes(japanese) == {(code, True) for code in SEEDED}
        greeting = next(r for r in japanese["replies"] if r["code"] == "greeting")
        assert greeting["text"].startswith("こんにちは") and greeting["updated_by"] == "bolt"
        answers = {answer["topic"]: answer for answer in japanese["answers"]}
        assert set(answers) == set(content.FAQ_KEYS)
        assert answers["phone_support"]["text"] == content.answer("ja", "phone_support")
        assert answers["phone_support"]["title"] == "電話サポートの対象"
        german = await listing(kenji, "de")  # any language: a chat can be transferred to him
        assert next(r for r in german["replies"] if r["code"] == "greeting")["text"].startswith(
            "Hallo")
        await kenji.send(type="replies", language="fr")
        await refused(kenji, "invalid_field", "language")
        await kenji.close()


async def test_only_supervisors_change_shared_replies_and_each_change_is_audited(bolt, agents,
                                                                                 hub_env):
    agents("anna", ["de"])
    agents("ben", ["de"])
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna, ben, sam = [await hub.agent(name) for name in ("anna", "ben", "sam")]

        await anna.send(type="reply_add", client_id="r1", language="de", code="status",
                        text="Unsere Statusseite: status.example.com", shared=True)
        error = await refused(anna, "forbidden", "shared")
        assert error["ref"] == "r1"
        assert [f for f in await ben.quiet() if f["type"].startswith("reply")] == []

        await sam.send(type="reply_add", client_id="s1", language="de", code="/Status",
                       text="Unsere Statusseite: status.example.com", shared=True)
        done = await sam.expect("reply_done", client_id="s1")
        reply = done["reply"]
        assert (reply["code"], reply["shared"], reply["updated_by"]) == ("status", True, "sam")
        for other in (anna, ben):  # every console learns of it at once
            assert (await other.expect("reply"))["reply"] == reply
        assert ("status", True) in codes(await listing(ben, "de"))
        assert ("status", True) not in codes(await listing(ben, "en"))

        reply_id = reply["reply_id"]
        await anna.send(type="reply_edit", client_id="r2", reply_id=reply_id, text="anders")
        await refused(anna, "forbidden", "reply_id")
        await anna.send(type="reply_delete", client_id="r3", reply_id=reply_id)
        await refused(anna, "forbidden", "reply_id")

        await sam.send(type="reply_edit", client_id="s1b", reply_id=reply_id)
        await refused(sam, "missing_field", "text")
        await sam.send(type="reply_edit", client_id="s2", reply_id=reply_id, code="stoerung",
                       text="Eine Störung ist bekannt: status.example.com")
        edited = (await sam.expect("reply_done", client_id="s2"))["reply"]
        assert (edited["code"], edited["text"]) == (
            "stoerung", "Eine Störung ist bekannt: status.example.com")
        assert (await anna.expect("reply"))["reply"] == edited

        await sam.send(type="reply_add", client_id="s3", language="de", code="greeting",
                       text="Noch ein Gruß", shared=True)
        await refused(sam, "code_taken", "code")
        await sam.send(type="reply_add", client_id="s4", language="de", code="zwei wörter",
                       text="x", shared=True)
        await refused(sam, "invalid_field", "code")

        await sam.send(type="reply_delete", client_id="s5", reply_id=reply_id)
        assert (await sam.expect("reply_done", client_id="s5"))["reply"] is None
        gone = await ben.expect("reply_deleted")
        assert (gone["reply_id"], gone["language"]) == (reply_id, "de")
        assert ("stoerung", True) not in codes(await listing(ben, "de"))
        await sam.send(type="reply_delete", client_id="s6", reply_id=reply_id)
        await refused(sam, "not_found", "reply_id")

        recorded = [(e["actor"], e["action"], e["details"], e["origin"])
                    for e in entries(hub_env) if e["action"].startswith("reply.")]
        assert recorded == [
            ("sam", "reply.deleted", {"reply_id": reply_id, "language": "de",
                                      "code": "stoerung"}, "127.0.0.1"),
            ("sam", "reply.edited", {"reply_id": reply_id, "language": "de", "code": "stoerung",
                                     "previous_code": "status"}, "127.0.0.1"),
            ("sam", "reply.created", {"reply_id": reply_id, "language": "de",
                                      "code": "status"}, "127.0.0.1"),
        ]
        for client in (anna, ben, sam):
            await client.close()


async def test_an_agents_own_replies_are_theirs_alone(bolt, agents, hub_env):
    agents("anna", ["de"])
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna, sam = [await hub.agent(name) for name in ("anna", "sam")]
        other_tab = await hub.agent("anna")
        # A personal code may be a shared one's too: both are listed, each marked.
        await anna.send(type="reply_add", client_id="a1", language="de", code="greeting",
                        text="Servus, hier ist Anna.")
        mine = (await anna.expect("reply_done", client_id="a1"))["reply"]
        assert (mine["shared"], mine["updated_by"]) == (False, "anna")
        assert (await other_tab.expect("reply"))["reply"] == mine
        assert {("greeting", True), ("greeting", False)} <= codes(await listing(anna, "de"))
        assert [f for f in await sam.quiet() if f["type"].startswith("reply")] == []
        assert ("greeting", False) not in codes(await listing(sam, "de"))

        await anna.send(type="reply_add", client_id="a2", language="de", code="greeting",
                        text="Noch einmal")
        await refused(anna, "code_taken", "code")
        # Someone else's own reply does not exist for them, supervisors included.
        await sam.send(type="reply_edit", client_id="x", reply_id=mine["reply_id"],
                       text="mine now")
        await refused(sam, "not_found", "reply_id")
        await sam.send(type="reply_delete", client_id="y", reply_id=mine["reply_id"])
        await refused(sam, "not_found", "reply_id")

        await anna.send(type="reply_edit", client_id="a3", reply_id=mine["reply_id"],
                        text="Servus!")
        assert (await anna.expect("reply_done", client_id="a3"))["reply"]["text"] == "Servus!"
        await anna.send(type="reply_delete", client_id="a4", reply_id=mine["reply_id"])
        await anna.expect("reply_done", client_id="a4")
        assert (await other_tab.expect("reply_deleted"))["reply_id"] == mine["reply_id"]
        assert [e for e in entries(hub_env) if e["action"].startswith("reply.")] == []
        for client in (anna, other_tab, sam):
            await client.close()


async def test_an_agent_keeps_a_bounded_number_of_own_replies(bolt, agents, monkeypatch):
    monkeypatch.setattr("handoff.services.replies.MAX_PERSONAL_PER_LANGUAGE", 2)
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        for number in (1, 2):
            await anna.send(type="reply_add", client_id=f"a{number}", language="de",
                            code=f"mine{number}", text="x")
            await anna.expect("reply_done", client_id=f"a{number}")
        await anna.send(type="reply_add", client_id="a3", language="de", code="mine3", text="x")
        await refused(anna, "too_many_replies")
        await anna.send(type="reply_add", client_id="a4", language="en", code="mine3", text="x")
        await anna.expect("reply_done", client_id="a4")
        await anna.close()


def test_an_agents_own_replies_go_with_the_agent(hub_env, agents):
    anna = agents("anna", ["de"])
    repository = hub_repository(hub_env)
    try:
        with repository.engine.begin() as connection:
            table.add(connection, anna.id, "de", "mine", "x", datetime(2026, 1, 1), "anna")
        assert repository.remove_agent("anna") is True
        with repository.engine.connect() as connection:
            left = connection.execute(select(table.TABLE.c.agent_id)).scalars().all()
        assert left == [None] * 18  # the seeded shared replies, three in each language
    finally:
        repository.close()
        repository.engine.dispose()


def test_bolts_answers_are_read_again_when_an_answer_file_changes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPOSITORY / "data" / "responses", data / "responses")
    answers = BoltAnswers(data)
    first = {a["topic"]: a["text"] for a in answers.of("de")}
    assert first["web_ticket"] == content.answer("de", "web_ticket")
    path = data / "responses" / "de" / "web_ticket.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Mit einem Webticket", "Mit einem Web-Ticket (neu)"), encoding="utf-8")
    assert {a["topic"]: a["text"] for a in answers.of("de")}["web_ticket"].startswith(
        "Mit einem Web-Ticket (neu)")
    assert answers.of("fr") == []


async def test_supervisors_page_through_the_audit_log(bolt, agents):
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        sam = await hub.agent("sam")
        for number in range(5):
            await sam.send(type="reply_add", client_id=f"s{number}", language="en",
                           code=f"r{number}", text="x", shared=True)
            await sam.expect("reply_done", client_id=f"s{number}")
        await sam.send(type="audit", action="reply.", limit=2)
        first = await sam.expect("audit")
        assert [e["details"]["code"] for e in first["entries"]] == ["r4", "r3"]
        assert {"reply.created", "chat.viewed", "settings.changed"} <= set(first["actions"])
        await sam.send(type="audit", action="reply.", limit=2, before=first["entries"][-1]["id"])
        second = await sam.expect("audit")
        assert [e["details"]["code"] for e in second["entries"]] == ["r2", "r1"]
        await sam.send(type="audit", action="reply.", limit=2, before=second["entries"][-1]["id"])
        assert [e["details"]["code"] for e in (await sam.expect("audit"))["entries"]] == ["r0"]
        await sam.close()
