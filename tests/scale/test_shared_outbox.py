"""Several hubs share one outbox of mails: each mail is claimed by one of them and sent once.

First at the database (two engines claiming the same due mails at once, many times, on SQLite
and PostgreSQL), then two hub processes on PostgreSQL sending the tickets' confirmations
through one real SMTP server (aiosmtpd, STARTTLS): every mail arrives, none twice.
"""
from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta
from typing import List

import pytest
from sqlalchemy import func, select

from handoff.services.agents import open_repository
from handoff.store import mail_outbox
from handoff.store.repository import Repository
from handoff.store.schema import OutgoingMail, utcnow
from support import services
from support.fake_rasa import FakeRasa
from support.ports import free_port
from support.smtp_server import SmtpServer
from support.tokens import user_token

MAILS = 300
TICKETS = 24
TEST_TIMEOUT = 180


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub.sqlite3'}"
        return
    if services.postgres_url() is None:
        pytest.skip("needs PostgreSQL: run inside scripts/with-scale-services")
    with services.fresh_postgres_database(services.postgres_url()) as url:
        yield url


def claim_all(repository: Repository, claimed: List[int], start: threading.Barrier) -> None:
    """Claims a few due mails at a time, as a hub's round does, until none is left."""
    token = uuid.uuid4().hex
    start.wait()
    while True:
        def take() -> list:
            with repository.engine.begin() as connection:
                return mail_outbox.claim(connection, token, utcnow(), 600, 7)
        mails = repository.writer.call(take)
        claimed.extend(mail["id"] for mail in mails)
        if not mails and not unclaimed(repository):
            return


def unclaimed(repository: Repository) -> int:
    table = OutgoingMail.__table__
    with repository.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table).where(
            table.c.claimed_by.is_(None))).scalar_one()


def test_two_hubs_claiming_at_once_never_take_the_same_mail(database_url):
    first, second = open_repository(database_url), open_repository(database_url)
    at = utcnow()

    def fill() -> None:
        with first.engine.begin() as connection:
            for n in range(MAILS):
                mail_outbox.enqueue(connection, conversation_id=f"c-{n}", ticket_id=n,
                                    kind="reply", recipient=f"u{n}@example.com", language="de",
                                    subject="s", body="b", created_at=at)
    first.writer.call(fill)
    claimed: List[List[int]] = [[], []]
    start = threading.Barrier(2)
    threads = [threading.Thread(target=claim_all, args=(repository, mine, start))
               for repository, mine in zip((first, second), claimed)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    a, b = set(claimed[0]), set(claimed[1])
    assert len(claimed[0]) == len(a) and len(claimed[1]) == len(b)
    assert not a & b
    assert len(a | b) == MAILS
    assert a and b, "one engine took every mail: the race was not run"
    for repository in (first, second):
        repository.close()
        repository.engine.dispose()


async def test_two_hub_processes_send_every_confirmation_once(hub_processes, shared_database,
                                                              tmp_path):
    smtp = SmtpServer(tmp_path, free_port())
    smtp.start()
    rasa = FakeRasa()
    await rasa.start()
    try:
        # Each hub looks often and claims few, so both take part.
        mail = {**smtp.hub_environment(), "BOLT_MAIL_SEND_SECONDS": "0.05"}
        hubs = [await hub_processes(rasa.url, **mail), await hub_processes(rasa.url, **mail)]
        users = []
        for n in range(TICKETS):
            user = await hubs[n % 2].user(token=user_token(user_id=f"u-{n}",
                                                            email=f"user{n}@acme.example"))
            await user.send(type="message", client_id="m1", text=f"Frage {n}")
            await user.event(speaker="bot")
            users.append(user)
        for n, user in enumerate(users):
            status, _ = await hubs[(n + 1) % 2].post("/api/tickets", {
                "conversation_id": user.welcome["conversation_id"], "language": "de",
                "reason": "no_agents"})
            assert status == 201
        await asyncio.to_thread(smtp.inbox.wait_for, TICKETS, 30)
        await asyncio.sleep(1.0)  # time for a second copy, were one to be sent
        recipients = [rcpt for rcpts in smtp.inbox.recipients for rcpt in rcpts]
        assert sorted(recipients) == sorted(f"user{n}@acme.example" for n in range(TICKETS))
        repository = open_repository(shared_database)
        with repository.engine.connect() as connection:
            rows = connection.execute(select(OutgoingMail.__table__)).mappings().all()
        repository.close()
        repository.engine.dispose()
        assert len(rows) == TICKETS and all(row["sent_at"] is not None for row in rows)
        assert {row["attempts"] for row in rows} == {1}
        for user in users:
            await user.close()
    finally:
        await rasa.stop()
        smtp.stop()


def test_a_lease_that_ran_out_lets_another_hub_take_the_mail_over(database_url):
    repository = open_repository(database_url)
    at = utcnow()
    later = at + timedelta(seconds=121)

    def run(work):
        def step():
            with repository.engine.begin() as connection:
                return work(connection)
        return repository.writer.call(step)

    run(lambda c: mail_outbox.enqueue(c, conversation_id="c-1", ticket_id=1, kind="reply",
                                      recipient="u@example.com", language="de", subject="s",
                                      body="b", created_at=at))
    [mine] = run(lambda c: mail_outbox.claim(c, "hub-a", at, 120, 10))
    assert run(lambda c: mail_outbox.claim(c, "hub-b", at, 120, 10)) == []
    # Hub A died while sending: once its lease ran out, hub B claims the mail ...
    [taken] = run(lambda c: mail_outbox.claim(c, "hub-b", later, 120, 10))
    assert taken["id"] == mine["id"]
    # ... and hub A, back too late, can neither mark it sent nor put it back.
    assert not run(lambda c: mail_outbox.sent(c, mine["id"], "hub-a", later))
    assert not run(lambda c: mail_outbox.failed(c, mine["id"], "hub-a", later, "late"))
    assert run(lambda c: mail_outbox.sent(c, mine["id"], "hub-b", later))
    assert run(lambda c: mail_outbox.claim(c, "hub-c", later + timedelta(days=1), 120, 10)) == []
    repository.close()
    repository.engine.dispose()
