"""The bot turns' columns as the store keeps them (handoff/store/appends.py,
handoff/store/bot_turn_leases.py), on a real SQLite file: a message to the bot takes a free
lease with it and says whether an earlier one is owed; a running lease of another hub is left
alone; a claim is a conditional update, and only the lease's own hub moves it on or clears it."""
from __future__ import annotations

from datetime import datetime, timedelta

from handoff.services.agents import open_repository
from handoff.store import bot_turn_leases
from handoff.store.appends import AppendRequest
from handoff.store.bot_turn_leases import Owed

T0 = datetime(2026, 12, 1, 9, 0, 0)
LEASE = timedelta(seconds=25)


def repository_with_chat(tmp_path):
    repository = open_repository(f"sqlite:///{tmp_path.resolve()}/hub.sqlite3")
    repository.create_conversation(id="c-1", resume_key_hash="x" * 64, language="de")
    return repository


def said(repository, text, hub, now=None):
    """A user's message stored with the claim of `hub` on the lease, as the hub stores it."""
    now = now or datetime.utcnow()
    return repository.writer.append(AppendRequest(
        "c-1", "message", "user", text=text, client_id=f"user:{text}",
        lease=(hub, now, now + LEASE)))


def write(repository, work):
    def run():
        with repository.engine.begin() as connection:
            return work(connection)
    return repository.writer.call(run)


def test_a_message_to_the_bot_takes_a_free_lease_and_says_nothing_earlier_is_owed(tmp_path):
    repository = repository_with_chat(tmp_path)
    first = said(repository, "eins", "hub-a")
    assert first.alone and first.state["bot_turn_by"] == "hub-a"
    assert first.state["bot_said_seq"] == 1 and first.state["bot_turn_seq"] == 0
    # Said on another hub while hub A's lease runs: the lease stays A's, and "eins" is owed.
    second = said(repository, "zwei", "hub-b")
    assert not second.alone and second.state["bot_turn_by"] == "hub-a"
    assert write(repository, lambda c: bot_turn_leases.advance(c, "c-1", "hub-b", 2, True)) is False
    assert write(repository, lambda c: bot_turn_leases.advance(c, "c-1", "hub-a", 1, True))
    third = said(repository, "drei", "hub-b")
    assert third.state["bot_turn_by"] == "hub-b" and not third.alone  # "zwei" is still owed


def test_a_claim_waits_for_a_running_lease_and_takes_a_lapsed_one(tmp_path):
    repository = repository_with_chat(tmp_path)
    now = datetime.utcnow()
    said(repository, "eins", "hub-a", now)
    running = write(repository, lambda c: bot_turn_leases.claim(c, "c-1", "hub-b", now, 25, 600))
    assert not running.taken and running.until == now + LEASE
    later = now + LEASE
    lapsed = write(repository, lambda c: bot_turn_leases.claim(c, "c-1", "hub-b", later, 25, 600))
    assert lapsed.taken and lapsed.owed == [Owed(1, "eins")] and lapsed.through == 1
    # Hub A, back after its lease lapsed, can no longer renew or clear hub B's.
    assert not write(repository, lambda c: bot_turn_leases.renew(c, "c-1", "hub-a", later, 25))
    assert not write(repository, lambda c: bot_turn_leases.release(c, "c-1", "hub-a"))
    assert write(repository, lambda c: bot_turn_leases.release(c, "c-1", "hub-b"))
    conversation = repository.conversation("c-1")
    assert conversation.bot_turn_by is None and conversation.bot_turn_until is None


def test_no_lease_is_taken_and_nothing_owed_while_a_person_holds_the_chat(tmp_path):
    repository = repository_with_chat(tmp_path)
    repository.update("c-1", owner="agent")
    appended = said(repository, "für Anna", "hub-a")
    assert appended.state["bot_turn_by"] is None and appended.state["bot_said_seq"] == 0
    assert not appended.alone
    claim = write(repository, lambda c: bot_turn_leases.claim(
        c, "c-1", "hub-a", datetime.utcnow(), 25, 600))
    assert claim.taken and claim.owed == []
