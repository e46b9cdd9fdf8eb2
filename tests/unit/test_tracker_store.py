"""bot/stores/sqlite_trackers.py keeps Rasa's rows and semantics: Rasa's own store reads what it wrote."""
import asyncio
import json
import sqlite3

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.sqlite_trackers import SQLiteTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  language:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: hi}]
""")


def run(coroutine):
    return asyncio.run(coroutine)


def turn(text):
    return [UserUttered(text, {"name": "greet", "confidence": 0.9}),
            SlotSet("language", "de"), ActionExecuted("utter_greet"), BotUttered("hi"),
            ActionExecuted("action_listen")]


def a_session():
    return [ActionExecuted("action_session_start"), SessionStarted(),
            ActionExecuted("action_listen")]


def as_dicts(tracker):
    return [event.as_dict() for event in tracker.events]


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "trackers.db")


def test_what_it_stores_rasa_reads_back_the_same(db):
    store = SQLiteTrackerStore(domain=DOMAIN, db=db)
    tracker = DialogueStateTracker.from_events("u1", a_session() + turn("hallo"), DOMAIN.slots)
    run(store.save(tracker))
    for text in ("noch was", "danke"):
        tracker = run(store.retrieve("u1"))
        for event in turn(text):
            tracker.update(event)
        run(store.save(tracker))
    stock = SQLTrackerStore(domain=DOMAIN, db=db)
    ours_fresh = SQLiteTrackerStore(domain=DOMAIN, db=db)  # nothing in memory: the database
    expected = as_dicts(run(stock.retrieve("u1")))
    # Rasa's rule: from the session start on (the action that started it came just before).
    assert len(expected) == 2 + 3 * 5
    assert as_dicts(run(store.retrieve("u1"))) == expected
    assert as_dicts(run(ours_fresh.retrieve("u1"))) == expected
    assert run(store.retrieve("u1")).get_slot("language") == "de"
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM events WHERE sender_id='u1'")
    assert rows.fetchone()[0] == 18  # each event once: nothing written twice
    assert run(store.retrieve("nobody")) is None


def test_only_the_latest_session_is_read_as_rasa_reads_it(db):
    store = SQLiteTrackerStore(domain=DOMAIN, db=db)
    tracker = DialogueStateTracker.from_events("u2", a_session() + turn("alt"), DOMAIN.slots)
    run(store.save(tracker))
    tracker = run(store.retrieve("u2"))
    for event in a_session() + turn("neu"):
        tracker.update(event)
    run(store.save(tracker))
    stock = SQLTrackerStore(domain=DOMAIN, db=db)
    assert as_dicts(run(store.retrieve("u2"))) == as_dicts(run(stock.retrieve("u2")))
    assert [e.get("text") for e in as_dicts(run(store.retrieve("u2")))
            if e["event"] == "user"] == ["neu"]
    assert len(as_dicts(run(store.retrieve_full_tracker("u2")))) == 16


def test_least_recently_used_conversations_leave_memory_not_the_database(db):
    store = SQLiteTrackerStore(domain=DOMAIN, db=db, cached_conversations=2)
    for sender in ("a", "b", "c"):
        run(store.save(DialogueStateTracker.from_events(sender, turn(sender), DOMAIN.slots)))
    assert list(store._sessions) == ["b", "c"]
    assert [e["text"] for e in as_dicts(run(store.retrieve("a"))) if e["event"] == "user"] == ["a"]
    assert list(store._sessions) == ["c", "a"]


def test_memory_is_bounded_in_bytes_and_a_session_too_big_is_read_from_the_database(db):
    one = sum(len(json.dumps(event.as_dict())) for event in turn("x"))
    store = SQLiteTrackerStore(domain=DOMAIN, db=db, cached_bytes=2 * one + one // 2,
                               cached_session_bytes=2 * one)
    for sender in ("a", "b", "c"):
        run(store.save(DialogueStateTracker.from_events(sender, turn(sender), DOMAIN.slots)))
    assert list(store._sessions) == ["b", "c"] and store._cached_total <= store.cached_bytes
    tracker = run(store.retrieve("c"))
    for text in ("zwei", "drei"):  # the session grows past what one conversation may keep
        for event in turn(text):
            tracker.update(event)
        run(store.save(tracker))
    assert "c" not in store._sessions and store._cached_total == store._sizes["b"]
    assert [e["text"] for e in as_dicts(run(store.retrieve("c"))) if e["event"] == "user"] == [
        "c", "zwei", "drei"]
    assert as_dicts(run(store.retrieve("c"))) == as_dicts(
        run(SQLTrackerStore(domain=DOMAIN, db=db).retrieve("c")))


def test_a_failed_write_leaves_the_database_to_decide(db, monkeypatch):
    store = SQLiteTrackerStore(domain=DOMAIN, db=db)
    run(store.save(DialogueStateTracker.from_events("u3", turn("eins"), DOMAIN.slots)))
    tracker = run(store.retrieve("u3"))
    for event in turn("zwei"):
        tracker.update(event)
    sqlite3.connect(db).execute("DROP TABLE events")
    with pytest.raises(Exception):
        run(store.save(tracker))
    assert "u3" not in store._sessions


def test_the_write_ahead_log_is_on(db):
    store = SQLiteTrackerStore(domain=DOMAIN, db=db)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    with pytest.raises(ValueError):
        SQLiteTrackerStore(domain=DOMAIN, dialect="postgresql", db="rasa")


def test_each_retrieve_is_a_tracker_of_its_own(db):
    store = SQLiteTrackerStore(domain=DOMAIN, db=db)
    run(store.save(DialogueStateTracker.from_events("u4", a_session() + turn("eins"),
                                                    DOMAIN.slots)))
    stored = as_dicts(run(store.retrieve("u4")))
    unsaved = run(store.retrieve("u4"))
    for event in turn("zwei"):  # a turn that fails before it is saved
        unsaved.update(event)
    unsaved.update(SlotSet("language", "ja"))
    again = run(store.retrieve("u4"))
    assert again is not unsaved
    assert as_dicts(again) == stored
    assert again.get_slot("language") == "de"
    assert as_dicts(again) == as_dicts(run(SQLTrackerStore(domain=DOMAIN, db=db).retrieve("u4")))
