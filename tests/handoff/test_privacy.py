"""`bolt privacy export|erase|retention` over the hub's database, Rasa's tracker store and the
account directory: on SQLite, and on PostgreSQL inside scripts/with-scale-services."""
from __future__ import annotations

import base64
import json
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from bolt.cli.main import main as bolt_command
from handoff.services.audit import Audit, command_line_actor
from handoff.services.review import Review
from handoff.store import audit_log
from support.files import screenshot_png
from tests.handoff import privacy_data as data

SCREENSHOT = screenshot_png((64, 48))


@pytest.fixture
def stores(hub_env, tmp_path, monkeypatch):
    """The three stores with u-1's data (two conversations, one with a note, a ticket and a
    resolution) and u-2's, in the environment `bolt` reads."""
    with data.store_urls(tmp_path) as urls:
        env = {**hub_env, **urls}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        repository = data.hub_repository(env)
        anna = data.an_agent(repository, env)
        data.conversation(repository, "c-u1-a", "u-1", ["Hallo", "Mein Zoom hängt"],
                          ticket=True, note="Kundin ruft zurück", resolved_by=anna,
                          file=(env, SCREENSHOT))
        data.conversation(repository, "c-u1-b", "u-1", ["Noch eine Frage"])
        data.conversation(repository, "c-u2", "u-2", ["Hello there"], ticket=True,
                          file=(env, SCREENSHOT))
        # An editor dismissed one of u-1's questions and one of u-2's.
        review = Review(repository)
        review.mark([("c-u1-b", 1)], "de", "dismissed", None, "eda")
        review.mark([("c-u2", 1)], "de", "dismissed", None, "eda")
        trackers = data.tracker_store(urls["BOLT_TRACKER_STORE_URL"])
        for sender, texts in (("c-u1-a", ["Hallo", "Mein Zoom hängt"]),
                              ("c-u1-b", ["Noch eine Frage"]), ("c-u2", ["Hello there"])):
            data.save_tracker(trackers, sender, texts)
        trackers.engine.dispose()
        data.fill_directory(urls["BOLT_ACCOUNTS_DATABASE_URL"])
        yield env, repository
        repository.close()
        repository.engine.dispose()


def exported(capsys, user_id: str) -> dict:
    assert bolt_command(["privacy", "export", user_id]) == 0
    return json.loads(capsys.readouterr().out)


def tracker_texts(export: dict) -> dict:
    return {sender: [event["text"] for event in events if event["event"] == "user"]
            for sender, events in export["rasa_trackers"].items()}


def test_export_finds_the_users_data_in_every_store(stores, capsys):
    env, repository = stores
    export = exported(capsys, "u-1")
    hub = export["hub"]
    assert [c["id"] for c in hub["conversations"]] == ["c-u1-a", "c-u1-b"]
    first = hub["conversations"][0]
    assert first["user_name"] == "Erika Muster" and "resume_key_hash" not in first
    texts = [event.get("text") for event in first["events"]]
    assert "Mein Zoom hängt" in texts and "bot: Hallo" in texts
    assert {"text": "Kundin ruft zurück", "internal": True}.items() <= first["events"][-1].items()
    assert [t["conversation_id"] for t in hub["tickets"]] == ["c-u1-a"]
    assert [e.get("text") for e in hub["tickets"][0]["transcript"]][:2] == ["Hallo", "bot: Hallo"]
    assert hub["tickets"][0]["email"] == "u-1@example.com"
    assert [m["text"] for m in hub["tickets"][0]["thread"]] == ["Antwort auf Hallo"]
    assert [(m["recipient"], m["body"]) for m in hub["mails"]] == [
        ("u-1@example.com", "Antwort auf Hallo")]
    assert [r["conversation_id"] for r in hub["resolutions"]] == ["c-u1-a"]
    # The screenshot: its event, and the file with its bytes as the hub keeps them.
    [sent] = [event for event in first["events"] if event["kind"] == "attachment"]
    [file] = hub["files"]
    assert file["id"] == sent["file"]["id"] == "f-c-u1-a" and file["name"] == "screen.png"
    kept = base64.b64decode(file["content_base64"])
    assert kept.startswith(b"\x89PNG") and len(kept) == file["size"]
    assert tracker_texts(export) == {"c-u1-a": ["Hallo", "Mein Zoom hängt"],
                                     "c-u1-b": ["Noch eine Frage"]}
    assert sorted((e["account"]["account_id"], e["user"]["role"])
                  for e in export["account_directory"]) == [("acme", "admin"),
                                                            ("globex", "member")]
    assert "Hello there" not in json.dumps(export)  # nothing of the other user
    assert [(m["conversation_id"], m["state"]) for m in export["hub"]["review_marks"]] == [
        ("c-u1-b", "dismissed")]
    entry = Audit(repository).entries(action="privacy.exported")[0]
    assert entry["details"] == {"user_id": "u-1", "conversations": 2, "tickets": 1,
                                "files": 1, "trackers": 2, "directory_entries": 2}
    assert entry["origin"] == "command line"


def test_erase_leaves_none_of_the_users_data_and_keeps_the_counts(stores, capsys):
    env, repository = stores
    assert bolt_command(["privacy", "erase", "u-1", "--yes"]) == 0
    assert "Erased u-1: 2 conversations" in capsys.readouterr().out
    export = exported(capsys, "u-1")
    assert export["hub"] == {"conversations": [], "tickets": [], "resolutions": [],
                             "review_marks": [], "files": [], "mails": []}
    files = data.hub_files(repository, env)
    assert files.read("f-c-u1-a") is None and files.read("f-c-u2") is not None
    if files.kind == "folder":  # the bytes went with the row
        assert [path.name for path in files.folder.iterdir()] == ["f-c-u2"]
    assert export["rasa_trackers"] == {} and export["account_directory"] == []
    with repository.engine.connect() as connection:  # nothing left behind under another key
        for table in ("events", "tickets", "resolutions", "review_marks", "attachments",
                      "ticket_messages", "mail_outbox"):
            assert connection.execute(text(
                f"SELECT count(*) FROM {table} WHERE conversation_id LIKE 'c-u1%'")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM review_marks")).scalar() == 1
    tracker_engine = create_engine(env["BOLT_TRACKER_STORE_URL"])
    with tracker_engine.connect() as connection:
        senders = set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())
    tracker_engine.dispose()
    assert senders == {"c-u2"}
    # The other user keeps everything; the counts keep what u-1's conversations amounted to.
    other = exported(capsys, "u-2")
    assert [c["id"] for c in other["hub"]["conversations"]] == ["c-u2"]
    assert tracker_texts(other) == {"c-u2": ["Hello there"]}
    assert len(other["account_directory"]) == 1
    [counts] = data.daily_counts(repository)
    assert {key: counts[key] for key in ("language", "conversations", "user_messages",
                                         "bot_messages", "handed_off", "agent_chats",
                                         "resolved", "handle_seconds", "tickets")} == {
        "language": "de", "conversations": 2, "user_messages": 3, "bot_messages": 3,
        "handed_off": 1, "agent_chats": 1, "resolved": 1, "handle_seconds": 120.0, "tickets": 1}
    entry = Audit(repository).entries(action="privacy.erased")[0]
    assert entry["details"] == {"user_id": "u-1", "conversations": 2, "events": 10,
                                "tickets": 1, "attachments": 1, "tracker_events": 3,
                                "directory_entries": 2, "article_questions": 0}


def test_erasing_needs_confirmation_without_a_terminal(stores, capsys):
    assert bolt_command(["privacy", "erase", "u-1"]) == 1
    assert "--yes" in capsys.readouterr().err
    assert len(exported(capsys, "u-1")["hub"]["conversations"]) == 2


def test_retention_deletes_what_is_due_and_nothing_else(stores, capsys, monkeypatch):
    env, repository = stores
    anna = data.an_agent(repository, env, "ben")
    data.conversation(repository, "c-old", "u-3", ["Alt"], days_ago=91, ticket=True,
                      note="n", resolved_by=anna, file=(env, SCREENSHOT))
    data.conversation(repository, "c-old-anonymous", None, ["Anonym"], days_ago=120)
    data.conversation(repository, "c-old-waiting", "u-3", ["Wartet"], days_ago=95,
                      owner="queue")
    data.conversation(repository, "c-old-but-active", "u-3", ["Alt, aber"], days_ago=100)
    repository.append("c-old-but-active", "message", "user", text="heute wieder da")
    data.conversation(repository, "c-recent", "u-3", ["Neu"], days_ago=89)
    # Old, but its ticket was answered yesterday: kept; the old mail about it is not.
    data.conversation(repository, "c-old-answered", "u-3", ["Alt, Ticket"], days_ago=100,
                      ticket=True)
    with repository.engine.begin() as connection:
        connection.execute(text("UPDATE ticket_messages SET created_at = :at "
                                "WHERE conversation_id = 'c-old-answered'"),
                           {"at": data.days_ago(1)})
    trackers = data.tracker_store(env["BOLT_TRACKER_STORE_URL"])
    data.save_tracker(trackers, "c-old", ["Alt"], days_ago=91)
    data.save_tracker(trackers, "c-recent", ["Neu"], days_ago=89)
    trackers.engine.dispose()
    audit = Audit(repository, clock=lambda: data.days_ago(401))
    audit.record(command_line_actor(), "agent.added", agent="long-gone")
    Audit(repository, clock=lambda: data.days_ago(399)).record(
        command_line_actor(), "agent.added", agent="still-kept")

    assert bolt_command(["privacy", "retention", "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert "hub: 2 conversations, 8 events, 1 tickets, 1 attachments, 1 audit entries" in shown
    assert "rasa trackers: 1 conversations, 1 events" in shown
    assert {c["id"] for c in exported(capsys, "u-3")["hub"]["conversations"]} >= {"c-old"}

    assert bolt_command(["privacy", "retention"]) == 0
    assert "hub: 2 conversations, 8 events, 1 tickets, 1 attachments, 1 audit entries" in capsys.readouterr().out
    left = {c["id"] for c in exported(capsys, "u-3")["hub"]["conversations"]}
    assert left == {"c-old-waiting", "c-old-but-active", "c-recent", "c-old-answered"}
    assert data.hub_files(repository, env).read("f-c-old") is None
    assert tracker_texts(exported(capsys, "u-3")) == {"c-recent": ["Neu"]}
    with repository.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT count(*) FROM conversations WHERE id = 'c-old-anonymous'")).scalar() == 0
        kept = [e["details"]["agent"] for e in audit_log.read(connection, action="agent.added")]
        mails = set(connection.execute(text("SELECT conversation_id FROM mail_outbox")).scalars())
        threads = set(connection.execute(text(
            "SELECT conversation_id FROM ticket_messages")).scalars())
    assert mails == {"c-u1-a", "c-u2"}  # the fresh ones
    assert threads == {"c-u1-a", "c-u2", "c-old-answered"}
    assert len(exported(capsys, "u-1")["hub"]["conversations"]) == 2  # fresh: untouched
    assert kept == ["still-kept"]
    old_days = {row["day"]: row for row in data.daily_counts(repository)}
    assert sorted(row["conversations"] for row in old_days.values()) == [1, 1]
    assert sum(row["resolved"] for row in old_days.values()) == 1
    swept = Audit(repository).entries(action="retention.swept")[0]
    assert swept["details"]["conversations"] == 2 and swept["actor"] == "bolt"
    assert swept["details"]["mails"] == 1


def test_the_audit_log_refuses_any_change(stores):
    env, repository = stores
    Audit(repository).record(command_line_actor(), "agent.added", agent="x")
    with pytest.raises(Exception, match="append-only"):
        with repository.engine.begin() as connection:
            connection.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with repository.engine.connect() as connection:
        actors = connection.execute(select(func.count()).select_from(
            audit_log.TABLE).where(audit_log.TABLE.c.actor == "someone else")).scalar()
    assert actors == 0


@pytest.fixture
def suggestion_log(stores, tmp_path, monkeypatch):
    """The article store's suggestion log with questions of u-1 (signed in, and in one of their
    conversations without the id), of u-2, of an anonymous visitor, and one past retention."""
    from bolt.articles import store as articles_store

    url = f"sqlite:///{tmp_path / 'articles.sqlite3'}"
    monkeypatch.setenv("BOLT_ARTICLES_URL", url)
    engine = articles_store.open_engine(url)
    found = [articles_store.Suggested("tasklane", "3600001001", "forgot", 0.8)]
    now = time.time()
    for question, conversation, user, days in (
            ("forgot my pw", "c-u1-a", "u-1", 1), ("how to export", "c-u1-b", None, 2),
            ("hello there", "c-u2", "u-2", 1), ("anonymous question", "c-anon", None, 1),
            ("old question", "c-old", "u-1", 91)):
        articles_store.record_suggestions(engine, question, "de", found if days == 1 else [],
                                          at=now - days * 86400, conversation_id=conversation,
                                          user_id=user)
    yield engine
    engine.dispose()


def logged_questions(engine) -> list:
    from bolt.articles import store as articles_store

    with engine.connect() as connection:
        return sorted(row.question for row in connection.execute(
            select(articles_store.suggestions.c.question)))


def test_the_suggestion_log_is_exported_and_erased_with_the_user(suggestion_log, capsys):
    export = exported(capsys, "u-1")
    assert sorted((q["question"], q["conversation_id"]) for q in export["article_suggestions"]) == [
        ("forgot my pw", "c-u1-a"), ("how to export", "c-u1-b"), ("old question", "c-old")]
    assert bolt_command(["privacy", "erase", "u-1", "--yes"]) == 0
    assert "3 article questions" in capsys.readouterr().out
    assert logged_questions(suggestion_log) == ["anonymous question", "hello there"]
    assert exported(capsys, "u-1")["article_suggestions"] == []


def test_retention_deletes_the_questions_past_it(suggestion_log, capsys):
    assert bolt_command(["privacy", "retention", "--dry-run"]) == 0
    assert "article suggestions: 1 questions" in capsys.readouterr().out
    assert len(logged_questions(suggestion_log)) == 5
    assert bolt_command(["privacy", "retention"]) == 0
    assert "article suggestions: 1 questions" in capsys.readouterr().out
    assert "old question" not in logged_questions(suggestion_log)
    assert len(logged_questions(suggestion_log)) == 4


def test_a_whisper_is_exported_marked_internal_and_no_ticket_carries_it(stores, capsys):
    """A supervisor's whisper is the agents' alone: the user's ticket (what the user is sent)
    leaves it out; the operator's export of everything held keeps it, marked `internal`, as it
    keeps notes (docs/privacy.md)."""
    env, repository = stores
    repository.append("c-u1-b", "whisper", "agent", text="Biete ihr den Tarifwechsel an",
                      agent_name="Sue", agents_only=True)
    ticket, made = repository.open_ticket("c-u1-b", language="de")
    assert made and "Tarifwechsel" not in json.dumps(ticket.transcript)
    export = exported(capsys, "u-1")
    second = [c for c in export["hub"]["conversations"] if c["id"] == "c-u1-b"][0]
    [whisper] = [e for e in second["events"] if e["kind"] == "whisper"]
    assert (whisper["text"], whisper["internal"]) == ("Biete ihr den Tarifwechsel an", True)
    [exported_ticket] = [t for t in export["hub"]["tickets"] if t["conversation_id"] == "c-u1-b"]
    assert "Tarifwechsel" not in json.dumps(exported_ticket["transcript"])
