"""A customer's history and search over conversations, on SQLite and (inside
scripts/with-scale-services) PostgreSQL: the words of all six languages found as the bot
analyses them, the filters and pages, the index kept with the messages and forgotten with them,
migration 0005 filling it, and who sees what, frame by frame (docs/protocol.md)."""
from __future__ import annotations

from datetime import timedelta
from typing import List, Optional

from alembic import command
from sqlalchemy import text

from handoff.services import privacy
from handoff.services.audit import Audit
from handoff.services.retention import Retention
from handoff.store import customer_records
from handoff.store.database import alembic_config, connect
from handoff.store.reach import Reach
from handoff.store.repository import Repository
from handoff.store.schema import utcnow
from handoff.store.search import Filters, search_index
from handoff.store.search.snippets import snippet
from handoff.store.search.terms import terms
from handoff.config import HubSettings
from tests.handoff.privacy_data import age, an_agent, hub_repository
from tests.handoff.test_agents import queued_user, taken


def chat(repository: Repository, conversation_id: str, texts: List[str], language: str = "de",
         user_id: Optional[str] = "u-1", account_id: str = "acme", priority: str = "P3",
         owner: str = "bot", agent_id: Optional[int] = None) -> None:
    repository.create_conversation(
        id=conversation_id, user_id=user_id, account_id=account_id if user_id else None,
        user_name="Erika Muster" if user_id else None, resume_key_hash="0" * 64,
        language=language, owner="bot", priority=priority)
    for index, message in enumerate(texts):
        speaker = "user" if index % 2 == 0 else "bot"
        repository.append(conversation_id, "message", speaker, text=message)
    if owner != "bot" or agent_id is not None:
        repository.update(conversation_id, owner=owner, agent_id=agent_id)


def found(repository: Repository, query: str, reach: Optional[Reach] = None, limit: int = 20,
          offset: int = 0, **filters) -> List[str]:
    with repository.engine.connect() as connection:
        result = search_index(repository.engine.dialect.name).find(
            connection, list(terms(query)), Filters(**filters), reach, limit, offset)
    return [hit.conversation_id for hit in result.hits]


def test_each_language_is_found_by_its_own_words_japanese_as_the_bot_segments_it(hub_env):
    repository = hub_repository(hub_env)
    chat(repository, "c-en", ["How do I reset my password?", "Open Settings, then Security."], "en")
    chat(repository, "c-ja", ["ドイツの電話番号を教えてください", "こちらです。"], "ja")
    chat(repository, "c-ja2", ["Webチケットは使えますか", "はい、使えます。"], "ja")
    chat(repository, "c-ru", ["Как скачать счёт за прошлый месяц?", "Откройте раздел «Счета»."], "ru")
    chat(repository, "c-id", ["Bagaimana cara mengunduh faktur?", "Buka menu Tagihan."], "id")
    chat(repository, "c-it", ["Non riesco a contattare l'assistenza", "Prova il modulo."], "it")
    chat(repository, "c-de", ["Wie reiche ich ein Webticket ein?", "Über das Formular."], "de")
    assert found(repository, "password") == ["c-en"]
    assert found(repository, "PASSWORD reset") == ["c-en"]
    assert found(repository, "電話番号") == ["c-ja"]  # 電話 and 番号, as Janome splits it
    assert found(repository, "使える") == ["c-ja2"]  # the dictionary form of 使えます
    assert found(repository, "счёт") == ["c-ru"]
    assert found(repository, "faktur") == ["c-id"]
    assert found(repository, "assistenza") == ["c-it"]  # inside l'assistenza
    assert found(repository, "webticket") == ["c-de"]
    assert found(repository, "über") == ["c-de"]
    assert found(repository, "formular password") == []  # every word, in one message
    assert found(repository, "und") == []
    # Newest matching message first, one row per conversation.
    chat(repository, "c-en2", ["Password again, please"], "en")
    assert found(repository, "password") == ["c-en2", "c-en"]
    repository.close()


def test_snippets_mark_the_words_found_and_keep_the_text_as_written():
    pieces = snippet("ドイツの電話番号を教えてください", terms("電話番号"))
    assert pieces == [{"text": "ドイツの", "match": False}, {"text": "電話番号", "match": True},
                      {"text": "を教えてください", "match": False}]
    written = "<img src=x onerror=alert(1)> my Password & more"
    assert "".join(p["text"] for p in snippet(written, terms("password"))) == written
    assert [p["text"] for p in snippet(written, terms("password")) if p["match"]] == ["Password"]
    long = "word " * 60 + "Rechnung" + " tail" * 60
    pieces = snippet(long, terms("rechnung"))
    assert pieces[0]["text"] == "…" and pieces[-1]["text"] == "…"
    assert {"text": "Rechnung", "match": True} in pieces
    assert len("".join(p["text"] for p in pieces)) <= 162


def test_filters_and_pages(hub_env):
    repository = hub_repository(hub_env)
    anna = an_agent(repository, hub_env, "anna")
    ben = an_agent(repository, hub_env, "ben")
    for number in range(23):
        chat(repository, f"c-{number:02d}", [f"Rechnung Nummer {number}"],
             language="de" if number % 2 else "it", priority="P1" if number < 5 else "P3",
             account_id="globex" if number == 7 else "acme", user_id=f"u-{number}")
    assert len(found(repository, "rechnung")) == 20
    assert found(repository, "rechnung", offset=20) == ["c-02", "c-01", "c-00"]
    with repository.engine.connect() as connection:
        page = search_index(repository.engine.dialect.name).find(
            connection, ["rechnung"], Filters(), None, 20, 40)
    assert (page.total, page.hits) == (23, [])
    assert found(repository, "rechnung", language="de") == [
        f"c-{n:02d}" for n in range(21, 0, -2)]
    assert found(repository, "rechnung", priority="P1") == ["c-04", "c-03", "c-02", "c-01", "c-00"]
    assert found(repository, "rechnung", account_id="globex") == ["c-07"]
    repository.update("c-03", owner="queue")
    repository.update("c-04", owner="agent", agent_id=anna)
    repository.record_resolution("c-05", ben, 60.0)
    repository.open_ticket("c-06", status="open", language="de", priority="P3",
                           reason="no_agents", summary="Rechnung")
    assert found(repository, "rechnung", status="queue") == ["c-03"]
    assert found(repository, "rechnung", status="agent") == ["c-04"]
    assert found(repository, "rechnung", status="resolved") == ["c-05"]
    assert found(repository, "rechnung", status="ticket") == ["c-06"]
    assert found(repository, "rechnung", agent_id=anna) == ["c-04"]
    assert found(repository, "rechnung", agent_id=ben) == ["c-05"]
    age(repository, "c-08", 40)
    age(repository, "c-09", 10)
    month_ago = utcnow() - timedelta(days=30)
    assert found(repository, "rechnung", until=month_ago) == ["c-08"]
    assert "c-08" not in found(repository, "rechnung", since=month_ago)
    assert found(repository, "rechnung", since=month_ago - timedelta(days=15),
                 until=utcnow() - timedelta(days=5)) == ["c-09", "c-08"]
    repository.close()


def index_rows(repository: Repository) -> int:
    table = "search_index" if repository.engine.dialect.name == "sqlite" else "search_entries"
    with repository.engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_the_index_is_written_with_each_message_and_forgotten_with_it(hub_env):
    repository = hub_repository(hub_env)
    chat(repository, "c-1", ["Mein Drucker druckt nicht"], user_id="u-1")
    chat(repository, "c-2", ["Drucker kaputt"], user_id="u-2")
    chat(repository, "c-3", ["Drucker wieder"], user_id="u-3")
    repository.append("c-1", "note", "agent", text="Druckertreiber prüfen", agents_only=True)
    repository.append("c-1", "queued", "system")  # no text: nothing to index
    assert found(repository, "druckertreiber") == ["c-1"]
    assert index_rows(repository) == 4
    assert privacy.erase(repository, "u-1")["conversations"] == 1
    assert found(repository, "drucker") == ["c-3", "c-2"]
    assert found(repository, "druckertreiber") == []
    assert index_rows(repository) == 2
    age(repository, "c-2", 400)
    settings = HubSettings.from_env(hub_env)
    swept = Retention(repository, Audit(repository), settings.retention_days,
                      settings.audit_retention_days).sweep()
    assert swept["conversations"] == 1
    assert found(repository, "drucker") == ["c-3"]
    assert index_rows(repository) == 1
    repository.close()


def test_migration_0005_indexes_the_events_already_stored(hub_env):
    url = HubSettings.from_env(hub_env).database_url
    engine = connect(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO conversations (id, resume_key_hash, language, owner, escalated,"
            " auto_escalation, breached, bot_failed, rasa_resume_pending, last_seq, created_at)"
            " VALUES ('c-old', 'x', 'ja', 'bot', false, false, false, false, false, 0, :at)"),
            {"at": utcnow()})
        for seq, (kind, words) in enumerate([("message", "請求書をダウンロードできません"),
                                             ("queued", None), ("note", "経理に確認")], 1):
            connection.execute(text(
                "INSERT INTO events (conversation_id, seq, kind, speaker, text, agents_only,"
                " created_at) VALUES ('c-old', :seq, :kind, 'user', :text, false, :at)"),
                {"seq": seq, "kind": kind, "text": words, "at": utcnow()})
            if engine.dialect.name != "sqlite":
                connection.execute(text("UPDATE conversations SET last_seq = :seq"), {"seq": seq})
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    repository = Repository(engine)
    assert found(repository, "請求書") == ["c-old"]
    assert found(repository, "経理") == ["c-old"]
    assert index_rows(repository) == 2
    repository.append("c-old", "message", "bot", text="請求書はこちら")  # and on from here
    assert index_rows(repository) == 3
    repository.close()
    engine.dispose()


def test_records_and_a_customers_conversations(hub_env):
    repository = hub_repository(hub_env)
    chat(repository, "c-1", ["Erste Frage " + "x" * 300], user_id="u-1")
    chat(repository, "c-2", ["Zweite Frage"], user_id="u-1")
    chat(repository, "c-3", ["Andere"], user_id="u-2")
    repository.open_ticket("c-1", status="open", language="de", priority="P3",
                           reason="no_agents", summary="Erste")
    age(repository, "c-1", 3)
    with repository.engine.connect() as connection:
        assert customer_records.customer_conversations(connection, "u-1", "c-9") == ["c-2", "c-1"]
        assert customer_records.customer_conversations(connection, "u-1", "c-2") == ["c-1"]
        record = customer_records.records(connection, ["c-1"])["c-1"]
    assert record["ticket"]["status"] == "open" and record["ticket"]["ticket_id"].startswith("T-")
    assert len(record["first_message"]) == 160 and record["first_message"].endswith("…")
    assert record["user"] == {"user_id": "u-1", "account_id": "acme", "name": "Erika Muster",
                              "anonymous": False}
    repository.close()


def prefill(hub_env) -> dict:
    """Earlier conversations of u-1 (Japanese, with a ticket, resolved), of u-2, and of an
    anonymous visitor, all holding the word 電話番号."""
    repository = hub_repository(hub_env)
    chat(repository, "c-past", ["ドイツの電話番号を教えてください", "こちらです。"], "ja",
         user_id="u-1")
    repository.open_ticket("c-past", status="open", language="ja", priority="P3",
                           reason="no_agents", summary="電話番号")
    chat(repository, "c-other", ["電話番号が変わりました"], "ja", user_id="u-2")
    chat(repository, "c-anon", ["電話番号は？"], "ja", user_id=None)
    age(repository, "c-past", 2)
    repository.close()
    return {}


def result_ids(answer: dict) -> List[str]:
    return [result["conversation_id"] for result in answer["results"]]


async def test_who_sees_a_customers_history_and_what_search_finds(bolt, agents, hub_env):
    prefill(hub_env)
    agents("anna", ["de"], capacity=1)
    agents("ben", ["de"])
    agents("carl", ["en"])
    agents("sam", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        ben, carl, sam = [await hub.agent(name, status="away") for name in ("ben", "carl", "sam")]
        _, current = await queued_user(hub, "u-1")
        await taken(anna, current)

        # Anna holds u-1's chat: she sees u-1's earlier conversations, and only u-1's.
        await anna.send(type="customer_history", conversation_id=current)
        history = await anna.expect("customer_history")
        assert history["anonymous"] is False
        assert [c["conversation_id"] for c in history["conversations"]] == ["c-past"]
        assert history["conversations"][0]["ticket"]["status"] == "open"
        assert history["conversations"][0]["first_message"] == "ドイツの電話番号を教えてください"
        await anna.send(type="transcript", conversation_id="c-past")
        transcript = await anna.expect("transcript")
        assert [e["text"] for e in transcript["events"]] == ["ドイツの電話番号を教えてください",
                                                             "こちらです。"]
        assert transcript["conversation"]["language"] == "ja"
        await anna.send(type="search", query="電話番号")
        answer = await anna.expect("search_results")
        assert result_ids(answer) == ["c-past"] and answer["total"] == 1
        match = answer["results"][0]["match"]
        assert (match["seq"], match["speaker"]) == (1, "user")
        assert [p["text"] for p in match["snippet"] if p["match"]] == ["電話番号"]
        for other in ("c-other", "c-anon"):
            await anna.send(type="transcript", conversation_id=other)
            assert (await anna.expect("error"))["code"] == "forbidden"

        # Ben speaks German but holds nothing and nothing waits: none of it is his to see.
        for frame in ({"type": "customer_history", "conversation_id": current},
                      {"type": "transcript", "conversation_id": "c-past"},
                      {"type": "transcript", "conversation_id": "c-nonexistent"}):
            await ben.send(**frame)
            refused = await ben.expect("error")
            assert (refused["code"], refused["field"]) == ("forbidden", "conversation_id")
        await ben.send(type="search", query="電話番号")
        assert (await ben.expect("search_results"))["results"] == []

        # u-2's chat waits in German: Ben (German) reaches u-2's conversations, Carl (English)
        # does not.
        _, waiting = await queued_user(hub, "u-2")
        await ben.send(type="search", query="電話番号")
        assert result_ids(await ben.expect("search_results")) == ["c-other"]
        await ben.send(type="customer_history", conversation_id=waiting)
        assert [c["conversation_id"] for c in
                (await ben.expect("customer_history"))["conversations"]] == ["c-other"]
        await carl.send(type="search", query="電話番号")
        assert (await carl.expect("search_results"))["results"] == []
        await carl.send(type="customer_history", conversation_id=waiting)
        assert (await carl.expect("error"))["code"] == "forbidden"

        # A supervisor sees everything; a transcript beyond an agent's reach is recorded.
        await sam.send(type="search", query="電話番号")
        assert set(result_ids(await sam.expect("search_results"))) == {
            "c-past", "c-other", "c-anon"}
        await sam.send(type="search", query="電話番号", status="ticket")
        assert result_ids(await sam.expect("search_results")) == ["c-past"]
        await sam.send(type="customer_history", conversation_id="c-anon")
        anonymous = await sam.expect("customer_history")
        assert (anonymous["anonymous"], anonymous["conversations"]) == (True, [])
        await sam.send(type="transcript", conversation_id="c-other")
        await sam.expect("transcript")
        viewed = Audit(hub_repository(hub_env)).entries(action="chat.viewed")
        assert [(e["actor"], e["details"]["conversation_id"]) for e in viewed] == [
            ("sam", "c-other")]

        # Resolved, u-1's chat is no longer Anna's, nor u-1's earlier conversations; u-2's
        # waiting chat is in her language.
        await anna.send(type="resolve", conversation_id=current)
        await anna.expect("released")
        await anna.send(type="transcript", conversation_id="c-past")
        assert (await anna.expect("error"))["code"] == "forbidden"
        await anna.send(type="search", query="電話番号")
        assert result_ids(await anna.expect("search_results")) == ["c-other"]
        for client in (anna, ben, carl, sam):
            await client.close()


async def test_a_search_without_words_or_out_of_range_is_refused(bolt, agents):
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        sam = await hub.agent("sam", status="away")
        for frame, field in (({"query": "?!"}, "query"), ({"query": "a", "page": 0}, "page"),
                             ({"query": "a", "page": 51}, "page"),
                             ({"query": "a", "status": "lost"}, "status"),
                             ({"query": "a", "since": "last week"}, "since"),
                             ({"query": "x" * 201}, "query")):
            await sam.send(type="search", **frame)
            refused = await sam.expect("error")
            assert (refused["code"], refused["field"]) == ("invalid_field", field), frame
        await sam.send(type="search", query="nichts", until="2000-01-01")
        assert (await sam.expect("search_results"))["total"] == 0
        await sam.close()
