"""The three stores `bolt privacy` works over, filled with two users' data: the hub's database
(SQLite, or PostgreSQL inside scripts/with-scale-services), Rasa's tracker store (the embedded
SQLite store, or Rasa's SQL store on PostgreSQL) and the account directory (likewise)."""
from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime, timedelta
from typing import Dict, Iterator, List, Optional, Tuple

from sqlalchemy import text

from bolt.core.accounts import Account, DirectoryData, User
from handoff.config import HubSettings
from handoff.rules.uploads import kept_file
from handoff.services.agents import add_agent, open_repository
from handoff.services.attachments import describe
from handoff.store.files import FileStore, file_store
from handoff.store import mail_outbox, ticket_threads
from handoff.store.repository import Repository
from handoff.store.schema import utcnow
from support import services
from support.tokens import PASSWORD

DAY = 86400.0


@contextlib.contextmanager
def store_urls(tmp_path) -> Iterator[Dict[str, str]]:
    """BOLT_TRACKER_STORE_URL and BOLT_ACCOUNTS_DATABASE_URL, each a store of its own."""
    if services.postgres_url() is None:
        yield {"BOLT_TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'trackers.db'}",
               "BOLT_ACCOUNTS_DATABASE_URL": f"sqlite:///{tmp_path / 'accounts.db'}"}
        return
    with services.fresh_postgres_database(services.postgres_url()) as trackers, \
            services.fresh_postgres_database(services.postgres_url()) as accounts:
        yield {"BOLT_TRACKER_STORE_URL": trackers, "BOLT_ACCOUNTS_DATABASE_URL": accounts}


def tracker_store(url: str):
    """Rasa's tracker store at `url`, made the way Rasa makes it from its endpoints."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from bot.stores.scale_out import tracker_store as section

    if url.startswith("sqlite"):
        config = EndpointConfig(type="bot.stores.sqlite_trackers.SQLiteTrackerStore",
                                dialect="sqlite", db=url.split("sqlite:///", 1)[1])
    else:
        fields = section(url)
        config = EndpointConfig(url=fields.pop("url"), **fields)
    return TrackerStore.create(config, Domain.empty())


def save_tracker(store, sender: str, texts: List[str], days_ago: float = 0.0) -> None:
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    at = time.time() - days_ago * DAY
    tracker = DialogueStateTracker(sender, [])
    for index, message in enumerate(texts):
        tracker.update(UserUttered(message, {"name": "greet"}, timestamp=at + index))
    asyncio.run(store.save(tracker))


def fill_directory(url: str) -> None:
    from actions.accounts.directory import SqlAccountDirectory

    directory = SqlAccountDirectory.from_url(url)
    directory.create_schema()
    directory.save(DirectoryData(
        accounts=[Account("acme", "Acme", "business", "premier"),
                  Account("globex", "Globex", "pro", "access")],
        users=[User("acme", "u-1", "Erika Muster", "admin", True, "DE", "de"),
               User("globex", "u-1", "Erika Muster", "member", False, "DE", "de"),
               User("acme", "u-2", "Ben Other", "member", True, "US", "en")]))
    directory.dispose()


def hub_repository(hub_env: Dict[str, str]) -> Repository:
    return open_repository(HubSettings.from_env(hub_env).database_url)


def hub_files(repository: Repository, hub_env: Dict[str, str]) -> FileStore:
    """The file store the hub of `hub_env` keeps files in (a folder, or the database)."""
    settings = HubSettings.from_env(hub_env)
    return file_store(settings.file_store, repository.engine, settings.files_dir)


def a_file(repository: Repository, hub_env: Dict[str, str], conversation_id: str,
           content: bytes, name: str) -> str:
    """A file the user sent, kept and recorded as the hub does; its id."""
    kept = kept_file(content, name, 10 * 1024 * 1024, 40_000_000)
    record = {"id": f"f-{conversation_id}", "conversation_id": conversation_id,
              "name": kept.name, "content_type": kept.content_type, "size": len(kept.content),
              "width": kept.width, "height": kept.height, "speaker": "user",
              "created_at": utcnow()}
    hub_files(repository, hub_env).save(record, kept.content, 20)
    repository.append(conversation_id, "attachment", "user", data={"file": describe(record)},
                      client_id=f"user:{conversation_id}:file")
    return record["id"]


def conversation(repository: Repository, conversation_id: str, user_id: Optional[str],
                 texts: List[str], days_ago: float = 0.0, owner: str = "bot",
                 ticket: bool = False, note: Optional[str] = None,
                 resolved_by: Optional[int] = None,
                 file: Optional[Tuple[Dict[str, str], bytes]] = None) -> None:
    """A conversation with the user's messages and the bot's replies, `days_ago` old; `file`:
    the hub's environment and a screenshot the user sent."""
    repository.create_conversation(
        id=conversation_id, user_id=user_id, account_id="acme" if user_id else None,
        user_name="Erika Muster" if user_id == "u-1" else None, resume_key_hash="0" * 64,
        language="de", owner="bot")
    for index, message in enumerate(texts):
        repository.append(conversation_id, "message", "user", text=message,
                          client_id=f"user:{conversation_id}:{index}")
        repository.append(conversation_id, "message", "bot", text=f"bot: {message}")
    if file is not None:
        a_file(repository, file[0], conversation_id, file[1], "screen.png")
    if note is not None:
        repository.append(conversation_id, "queued", "system")
        repository.append(conversation_id, "agent_joined", "system")
        repository.append(conversation_id, "note", "agent", text=note, agents_only=True,
                          agent_name="Anna")
    if ticket:
        opened, _ = repository.open_ticket(conversation_id, status="open", language="de",
                                           priority="P3", reason="no_agents", summary=texts[0],
                                           email=f"{user_id or 'anonymous'}@example.com")
        at = utcnow()
        with repository.engine.begin() as connection:
            row = ticket_threads.one(connection, opened.id)
            ticket_threads.add_message(connection, row, "agent", f"Antwort auf {texts[0]}",
                                       "r-1", at)
            mail_outbox.enqueue(connection, conversation_id=conversation_id, ticket_id=opened.id,
                                kind="reply", recipient=row["email"], language="de",
                                subject="Antwort", body=f"Antwort auf {texts[0]}",
                                created_at=at)
    if resolved_by is not None:
        repository.record_resolution(conversation_id, resolved_by, 120.0)
    if owner != "bot":
        repository.update(conversation_id, owner=owner)
    if days_ago:
        age(repository, conversation_id, days_ago)


def age(repository: Repository, conversation_id: str, days_ago: float) -> None:
    """Moves the conversation and everything in it `days_ago` into the past."""
    at = utcnow() - timedelta(days=days_ago)
    with repository.engine.begin() as connection:
        for table, column in (("conversations", "id"), ("events", "conversation_id"),
                              ("tickets", "conversation_id"), ("attachments", "conversation_id"),
                              ("ticket_messages", "conversation_id"),
                              ("mail_outbox", "conversation_id")):
            connection.execute(text(f"UPDATE {table} SET created_at = :at WHERE {column} = :id"),
                               {"at": at, "id": conversation_id})
        connection.execute(text("UPDATE resolutions SET resolved_at = :at "
                                "WHERE conversation_id = :id"), {"at": at, "id": conversation_id})


def an_agent(repository: Repository, hub_env: Dict[str, str], name: str = "anna") -> int:
    settings = HubSettings.from_env(hub_env)
    return add_agent(repository, name, ["de"], 2, PASSWORD, cost=settings.password_cost).id


def daily_counts(repository: Repository) -> List[dict]:
    from handoff.store.forgetting import daily_counts as read

    with repository.engine.connect() as connection:
        return read(connection)


def days_ago(days: float) -> datetime:
    return utcnow() - timedelta(days=days)
